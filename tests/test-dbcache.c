/* test-dbcache.c -- unit tests for the dbcache model, reader, writer and
 * queries, on the bundled fixtures and on hand-made documents (good and
 * hostile).  Prints TAP. */
#include <config.h>

#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "model.h"
#include "query.h"
#include "reader.h"
#include "tap.h"
#include "writer.h"

static char *
fixture(const char *name)
{
    const char *srcdir = g_getenv("top_srcdir");

    return g_strdup_printf("%s/tests/fixtures/%s", srcdir ? srcdir : ".",
                           name);
}

static char *
slurp(const char *path)
{
    char *data = NULL;

    g_file_get_contents(path, &data, NULL, NULL);
    return data;
}

/* Parses 'xml'; expects failure with a message containing each of the
 * NULL-terminated 'needles'. */
static void
expect_refused(const char *what, const char *xml, ...)
{
    struct diag *d = diag_new();
    struct dbcache *db = NULL;
    int error = dbcache_read_memory(xml, strlen(xml), "t.xml", &db, d);
    va_list args;
    const char *needle;

    ok(error < 0 && !db, "%s: refused", what);
    va_start(args, xml);
    while ((needle = va_arg(args, const char *))) {
        if (!ok(diag_contains(d, needle), "%s: message has \"%s\"", what,
                needle)) {
            diag_print(d, stdout, "#");
        }
    }
    va_end(args);
    dbcache_free(db);
    diag_free(d);
}

static struct dbcache *
parse_ok(const char *what, const char *xml)
{
    struct diag *d = diag_new();
    struct dbcache *db = NULL;
    int error = dbcache_read_memory(xml, strlen(xml), "t.xml", &db, d);

    if (!ok(!error && db, "%s: accepted", what)) {
        diag_print(d, stdout, "#");
    }
    diag_free(d);
    return db;
}

static const struct dbc_pif *
pif_by_bridge(const struct dbcache *db, const char *bridge)
{
    const struct dbc_pif *pif = NULL;

    dbc_pif_by_bridge(db, bridge, &pif, NULL);
    return pif;
}

static char *
netdevs(struct dbc_pifs *l)
{
    GString *s = g_string_new(NULL);

    for (size_t i = 0; i < l->n; i++) {
        char *n = dbc_pif_netdev_name(l->pifs[i]);

        g_string_append_printf(s, "%s%s", i ? "," : "", n);
        g_free(n);
    }
    dbc_pifs_free(l);
    return g_string_free(s, FALSE);
}

static void
test_fixture_layouts(void)
{
    char *pretty = fixture("pool-pretty.dbcache");
    char *compact = fixture("pool-compact.dbcache");
    char *expected = slurp(compact);
    struct diag *d = diag_new();
    struct dbcache *db = NULL, *db2 = NULL;
    char *xml, *xml2;
    size_t len, len2;

    ok(expected != NULL, "compact fixture readable");
    is_int(dbcache_read_file(pretty, &db, d), 0, "pretty layout reads");
    diag_print(d, stdout, "#");
    if (!db) {
        goto out;
    }
    is_int(dbcache_count(db, DBC_PIF), 8, "8 PIFs");
    is_int(dbcache_count(db, DBC_BOND), 1, "1 bond");
    is_int(dbcache_count(db, DBC_VLAN), 2, "2 VLANs");
    is_int(dbcache_count(db, DBC_TUNNEL), 0, "no tunnels");
    is_int(dbcache_count(db, DBC_NETWORK), 9, "9 networks");
    is_int(dbcache_count(db, DBC_POOL), 1, "1 pool");

    xml = dbcache_to_xml(db, &len);
    is_str(xml, expected, "pretty layout rewritten as the original would");
    g_free(xml);

    is_int(dbcache_read_file(compact, &db2, d), 0, "compact layout reads");
    xml2 = dbcache_to_xml(db2, &len2);
    is_str(xml2, expected, "compact layout round-trips byte for byte");
    is_int(len2, strlen(expected), "length reported");
    g_free(xml2);

out:
    dbcache_free(db);
    dbcache_free(db2);
    diag_free(d);
    g_free(expected);
    g_free(pretty);
    g_free(compact);
}

static void
test_queries(void)
{
    char *path = fixture("pool-pretty.dbcache");
    struct diag *d = diag_new();
    struct dbcache *db = NULL;
    const struct dbc_pif *eth2, *eth3, *bond0, *vlan4, *vlan123, *p = NULL;
    struct dbc_pifs l;
    const char *bridge = NULL;
    char *s;

    dbcache_read_file(path, &db, NULL);
    g_free(path);
    if (!ok(db != NULL, "fixture loads for queries")) {
        diag_free(d);
        return;
    }

    eth2 = pif_by_bridge(db, "xenbr2");
    eth3 = pif_by_bridge(db, "xenbr3");
    bond0 = pif_by_bridge(db, "xapi1");
    vlan4 = pif_by_bridge(db, "xapi2");
    vlan123 = pif_by_bridge(db, "xapi3");
    ok(eth2 && eth3 && bond0 && vlan4 && vlan123, "PIFs found by bridge");
    if (!eth2 || !eth3 || !bond0 || !vlan4 || !vlan123) {
        goto out;
    }
    is_str(eth2->device, "eth2", "xenbr2 is eth2");
    ok(!eth2->currently_attached, "currently_attached reads as false");
    ok(eth2->management, "eth2 is management");
    ok(dbc_management_pif(db) == eth2, "management PIF is eth2");

    s = dbc_pif_netdev_name(vlan4);
    is_str(s, "bond0.4", "VLAN netdev name");
    g_free(s);
    s = dbc_pif_netdev_name(vlan123);
    is_str(s, "eth3.123", "VLAN netdev name on a NIC");
    g_free(s);
    s = dbc_pif_ipdev_name(db, vlan123);
    is_str(s, "xapi3", "ipdev of a bridged PIF is its bridge");
    g_free(s);
    ok(dbc_pif_is_vlan(vlan4) && !dbc_pif_is_vlan(bond0), "is_vlan");
    ok(dbc_pif_is_bond(bond0) && !dbc_pif_is_bond(eth2), "is_bond");
    ok(dbc_pif_is_bridged(db, eth2), "is_bridged");
    is_int(dbc_pif_bridge_name(db, eth3, &bridge, d), 0, "bridge name");
    is_str(bridge, "xenbr3", "bridge of eth3");

    is_int(dbc_pif_bond_slaves(db, bond0, &l, d), 0, "bond slaves");
    s = netdevs(&l);
    is_str(s, "eth0,eth1", "bond0 slaves in record order");
    g_free(s);
    is_int(dbc_pif_bond_slaves(db, eth2, &l, d), 0, "non-bond: no slaves");
    is_int(l.n, 0, "no slaves of eth2");
    l = dbc_pif_bond_masters(db, dbc_get_pif(db, dbc_get_bond(
        db, bond0->bond_master_of.items[0])->slaves.items[0]));
    s = netdevs(&l);
    is_str(s, "bond0", "bond master of eth0");
    g_free(s);

    is_int(dbc_pif_vlan_parent(db, vlan123, &p, d), 0, "VLAN parent");
    ok(p == eth3, "parent of eth3.123 is eth3");
    is_int(dbc_pif_vlan_parent(db, eth3, &p, d), -EINVAL,
           "a non-VLAN has no VLAN parent");
    ok(diag_contains(d, "PIF is not a VLAN master"), "original wording");
    l = dbc_pif_vlan_children(db, eth3);
    s = netdevs(&l);
    is_str(s, "eth3.123", "VLAN children of eth3");
    g_free(s);

    is_int(dbc_pif_datapath(db, vlan4, &p, d), 0, "datapath of VLAN");
    ok(p == bond0, "datapath of bond0.4 is bond0");
    is_int(dbc_pif_datapath(db, eth2, &p, d), 0, "datapath of NIC");
    ok(p == eth2, "datapath of eth2 is itself");
    is_int(dbc_pif_physical_pifs(db, bond0, &l, d), 0, "physical of bond");
    s = netdevs(&l);
    is_str(s, "eth0,eth1", "physical PIFs of bond0");
    g_free(s);
    is_int(dbc_pif_physical_pifs(db, vlan4, &l, d), -EINVAL,
           "physical PIFs of a VLAN: error");
    ok(diag_contains(d, "should not get passed a VLAN"), "its wording");

    l = dbc_pifs_by_device(db, "eth3");
    is_int(l.n, 2, "two PIFs on device eth3 (NIC and VLAN)");
    dbc_pifs_free(&l);

    is_int(dbc_pif_by_uuid(db, eth3->uuid, &p, d), 0, "PIF by uuid");
    ok(p == eth3, "found eth3 by uuid");
    is_int(dbc_pif_by_uuid(db, "nope", &p, d), -ENOENT, "unknown uuid");
    ok(diag_contains(d, "Unknown PIF \"nope\""), "unknown uuid wording");

    diag_clear(d);
    is_int(dbc_pif_by_bridge(db, "xapi0", &p, d), -ENOENT,
           "internal network has no PIF");
    ok(diag_contains(d, "No PIF on host for network xapi0"), "wording");
    is_int(dbc_pif_by_bridge(db, "xenbr9", &p, d), -ENOENT, "no network");
    ok(diag_contains(d, "No matching network \"xenbr9\""), "wording");

    ok(dbc_network_by_bridge(db, "xenbr0") != NULL, "network by bridge");
    is_str(dbc_map_get(&dbc_network_by_bridge(db, "xenbr0")->other_config,
                       "vswitch-disable-in-band"), "true",
           "network other_config read");
    is_str(dbc_map_get(&dbc_get_pool(db)->other_config,
                       "vswitch-controller-fail-mode"), "secure",
           "pool other_config read");
out:
    dbcache_free(db);
    diag_free(d);
}

#define HEAD "<?xml version=\"1.0\" ?>\n<xenserver-network-configuration>\n"
#define TAIL "</xenserver-network-configuration>\n"

static void
test_tolerance(void)
{
    struct dbcache *db;
    char *xml;
    size_t len;

    db = parse_ok("comments, unknown fields, whitespace",
                  "<?xml version=\"1.0\"?>\n"
                  "<!-- written by hand -->\n"
                  "<xenserver-network-configuration>\n"
                  "  <!-- a comment among records -->\n"
                  "  <network ref=\"OpaqueRef:n\">\n"
                  "    <uuid>  nu  </uuid><bridge>xenbr0</bridge>\n"
                  "    <future_field><x>1</x></future_field>\n"
                  "    <other_config><mtu>9000</mtu><colour>red</colour>"
                  "<static-routes>1.2.3.0/24/1.2.3.1</static-routes>"
                  "<!-- c --></other_config>\n"
                  "    <PIFs/>\n"
                  "  </network>\n"
                  "</xenserver-network-configuration>\n"
                  "<!-- trailing comment -->\n");
    if (db) {
        const struct dbc_network *nw = DBC_NETWORK_AT(db, 0);

        is_str(nw->uuid, "nu", "text is stripped");
        is_int(nw->other_config.n, 2, "unknown other_config key dropped");
        is_str(nw->other_config.keys[0], "mtu", "map in whitelist order");
        is_str(nw->other_config.keys[1], "static-routes",
               "map in whitelist order (2)");
        xml = dbcache_to_xml(db, &len);
        is_str(xml, HEAD
               "\t<network ref=\"OpaqueRef:n\">\n"
               "\t\t<uuid>nu</uuid>\n"
               "\t\t<bridge>xenbr0</bridge>\n"
               "\t\t<PIFs/>\n"
               "\t\t<other_config>\n"
               "\t\t\t<mtu>9000</mtu>\n"
               "\t\t\t<static-routes>1.2.3.0/24/1.2.3.1</static-routes>\n"
               "\t\t</other_config>\n"
               "\t</network>\n" TAIL,
               "written in field order; absent MTU not written");
        g_free(xml);
    }
    dbcache_free(db);

    /* Tunnels are tunnels (the original filed them as VLANs). */
    db = parse_ok("tunnel record",
                  HEAD
                  "<pif ref=\"OpaqueRef:a\"><uuid>a</uuid>"
                  "<device>eth0</device><VLAN>-1</VLAN>"
                  "<tunnel_access_PIF_of><pif>OpaqueRef:t</pif>"
                  "</tunnel_access_PIF_of></pif>\n"
                  "<pif ref=\"OpaqueRef:b\"><uuid>b</uuid>"
                  "<device>eth1</device><VLAN>-1</VLAN>"
                  "<tunnel_transport_PIF_of><pif>OpaqueRef:t</pif>"
                  "</tunnel_transport_PIF_of></pif>\n"
                  "<tunnel ref=\"OpaqueRef:t\"><uuid>t</uuid>"
                  "<access_PIF>OpaqueRef:a</access_PIF>"
                  "<transport_PIF>OpaqueRef:b</transport_PIF></tunnel>\n"
                  TAIL);
    if (db) {
        const struct dbc_pif *a = dbc_get_pif(db, "OpaqueRef:a");
        struct dbc_pifs l;
        char *s;

        is_int(dbcache_count(db, DBC_TUNNEL), 1, "tunnel in tunnel table");
        is_int(dbcache_count(db, DBC_VLAN), 0, "and not in the VLAN table");
        ok(dbc_pif_is_tunnel(a), "access PIF is a tunnel");
        l = dbc_pif_tunnel_transports(db, a);
        s = netdevs(&l);
        is_str(s, "eth1", "tunnel transport PIF");
        g_free(s);
        is_int(dbc_pif_physical_pifs(db, a, &l, NULL), 0,
               "physical PIFs of a tunnel");
        is_int(l.n, 0, "a tunnel has no physical PIFs");
    }
    dbcache_free(db);

    /* Escaping survives a round trip. */
    db = dbcache_new();
    {
        struct dbc_record *r = dbcache_add(db, DBC_NETWORK, "OpaqueRef:\"x\"");

        dbc_set_str(r, dbc_find_field(DBC_NETWORK, "uuid"), "u");
        dbc_set_str(r, dbc_find_field(DBC_NETWORK, "bridge"), "a&b<c>\"d'");
        ok(dbcache_add(db, DBC_NETWORK, "OpaqueRef:\"x\"") == NULL,
           "duplicate ref refused by dbcache_add");
    }
    xml = dbcache_to_xml(db, &len);
    is_str(xml, HEAD "\t<network ref=\"OpaqueRef:&quot;x&quot;\">\n"
           "\t\t<uuid>u</uuid>\n"
           "\t\t<bridge>a&amp;b&lt;c&gt;&quot;d'</bridge>\n"
           "\t</network>\n" TAIL, "escaped as minidom escapes");
    dbcache_free(db);
    db = parse_ok("escaped document", xml);
    if (db) {
        is_str(DBC_NETWORK_AT(db, 0)->bridge, "a&b<c>\"d'", "unescaped");
        is_str(DBC_NETWORK_AT(db, 0)->rec.ref, "OpaqueRef:\"x\"",
               "ref unescaped");
    }
    dbcache_free(db);
    g_free(xml);

    /* Values XML would normalise on reading survive a rewrite. */
    db = parse_ok("awkward characters",
                  HEAD "<network ref=\"a&amp;b&#9;c\"><uuid>u</uuid>"
                  "<bridge>x&#13;y</bridge></network>\n" TAIL);
    if (db) {
        struct dbcache *again = NULL;

        is_str(DBC_NETWORK_AT(db, 0)->rec.ref, "a&b\tc",
               "ampersand and tab in a ref");
        is_str(DBC_NETWORK_AT(db, 0)->bridge, "x\ry", "CR in a value");
        xml = dbcache_to_xml(db, &len);
        is_str(xml, HEAD "\t<network ref=\"a&amp;b&#9;c\">\n"
               "\t\t<uuid>u</uuid>\n"
               "\t\t<bridge>x&#13;y</bridge>\n"
               "\t</network>\n" TAIL, "written as character references");
        again = parse_ok("rewritten awkward characters", xml);
        if (again) {
            is_str(DBC_NETWORK_AT(again, 0)->rec.ref, "a&b\tc",
                   "ref survives the round trip");
            is_str(DBC_NETWORK_AT(again, 0)->bridge, "x\ry",
                   "CR survives the round trip");
        }
        dbcache_free(again);
        g_free(xml);
    }
    dbcache_free(db);

    db = dbcache_new();
    xml = dbcache_to_xml(db, &len);
    is_str(xml, "<?xml version=\"1.0\" ?>\n"
           "<xenserver-network-configuration/>\n", "empty model");
    dbcache_free(db);
    db = parse_ok("empty document", xml);
    dbcache_free(db);
    g_free(xml);
}

static void
test_refusals(void)
{
    GString *deep;

    expect_refused("empty file", "", "t.xml:", "XML error", NULL);
    expect_refused("truncated",
                   HEAD "<pif ref=\"OpaqueRef:a\"><uuid>a</uu",
                   "t.xml:3:", "XML error", NULL);
    expect_refused("wrong root", "<network-configuration/>",
                   "t.xml:1: root element is <network-configuration>", NULL);
    expect_refused("record without ref",
                   HEAD "<pif><uuid>a</uuid></pif>\n" TAIL,
                   "t.xml:3: pif record has no ref attribute", NULL);
    expect_refused("unknown record element",
                   HEAD "<host ref=\"OpaqueRef:h\"/>\n" TAIL,
                   "t.xml:3: unknown element <host>", NULL);
    expect_refused("text among records", HEAD "hello\n" TAIL,
                   "unexpected text", NULL);
    expect_refused("bad boolean",
                   HEAD "<pif ref=\"OpaqueRef:a\">\n<uuid>a</uuid>\n"
                   "<management>yes</management></pif>\n" TAIL,
                   "t.xml:5: pif OpaqueRef:a: field management: Unknown "
                   "boolean value 'yes'", NULL);
    expect_refused("bad ip_configuration_mode",
                   HEAD "<pif ref=\"OpaqueRef:a\"><ip_configuration_mode>"
                   "dhcp</ip_configuration_mode></pif>\n" TAIL,
                   "field ip_configuration_mode: unknown value 'dhcp'",
                   NULL);
    expect_refused("several problems reported together",
                   HEAD
                   "<pif ref=\"OpaqueRef:a\">\n<uuid>u1</uuid>\n"
                   "<network>OpaqueRef:missing</network></pif>\n"
                   "<pif ref=\"OpaqueRef:b\">\n<uuid>u1</uuid>\n"
                   "<bond_slave_of>OpaqueRef:nobond</bond_slave_of>"
                   "</pif>\n"
                   "<pif ref=\"OpaqueRef:a\"><uuid>u3</uuid></pif>\n"
                   "<network ref=\"OpaqueRef:n\"><uuid>n</uuid><PIFs>"
                   "<PIF>OpaqueRef:ghost</PIF></PIFs></network>\n"
                   TAIL,
                   "t.xml:9: duplicate pif ref OpaqueRef:a (first at line 3)",
                   NULL);
    expect_refused("dangling references and duplicate uuids together",
                   HEAD
                   "<pif ref=\"OpaqueRef:a\">\n<uuid>u1</uuid>\n"
                   "<network>OpaqueRef:missing</network></pif>\n"
                   "<pif ref=\"OpaqueRef:b\">\n<uuid>u1</uuid>\n"
                   "<bond_slave_of>OpaqueRef:nobond</bond_slave_of>"
                   "</pif>\n"
                   "<network ref=\"OpaqueRef:n\"><uuid>n</uuid><PIFs>"
                   "<PIF>OpaqueRef:ghost</PIF></PIFs></network>\n"
                   TAIL,
                   "t.xml:3: pif OpaqueRef:a: field network refers to "
                   "network OpaqueRef:missing, which does not exist",
                   "t.xml:6: pif OpaqueRef:b: field bond_slave_of refers to "
                   "bond OpaqueRef:nobond",
                   "pif OpaqueRef:b: duplicate uuid u1 (also pif OpaqueRef:a,"
                   " line 3)",
                   "t.xml:9: network OpaqueRef:n: field PIFs refers to pif "
                   "OpaqueRef:ghost", NULL);
    expect_refused("entity expansion bomb",
                   "<?xml version=\"1.0\"?>\n"
                   "<!DOCTYPE lolz [\n"
                   " <!ENTITY lol \"lol\">\n"
                   " <!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
                   " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
                   "]>\n"
                   "<xenserver-network-configuration>&lol3;"
                   "</xenserver-network-configuration>\n",
                   "document type declaration refused", NULL);
    expect_refused("external entity",
                   "<?xml version=\"1.0\"?>\n"
                   "<!DOCTYPE x [ <!ENTITY e SYSTEM \"file:///etc/passwd\"> ]>"
                   "\n<xenserver-network-configuration><network ref=\"a\">"
                   "<bridge>&e;</bridge></network>"
                   "</xenserver-network-configuration>\n",
                   "document type declaration refused", NULL);
    expect_refused("external DTD",
                   "<?xml version=\"1.0\"?>\n"
                   "<!DOCTYPE xenserver-network-configuration SYSTEM "
                   "\"http://example.com/x.dtd\">\n"
                   "<xenserver-network-configuration/>\n",
                   "document type declaration refused", NULL);
    expect_refused("undeclared entity", HEAD "<network ref=\"a\"><bridge>"
                   "&nope;</bridge></network>" TAIL, "XML error", NULL);
    expect_refused("invalid UTF-8 in CDATA",
                   HEAD "<network ref=\"a\"><bridge><![CDATA[\xc1\xbd]]>"
                   "</bridge></network>" TAIL,
                   "field bridge: value is not valid UTF-8", NULL);
    expect_refused("invalid UTF-8",
                   HEAD "<network ref=\"a\"><bridge>\xff\xfe</bridge>"
                   "</network>" TAIL, "XML error", NULL);

    deep = g_string_new(HEAD "<network ref=\"a\"><other_config>");
    for (int i = 0; i < 40; i++) {
        g_string_append(deep, "<mtu>");
    }
    for (int i = 0; i < 40; i++) {
        g_string_append(deep, "</mtu>");
    }
    g_string_append(deep, "</other_config></network>" TAIL);
    expect_refused("nesting too deep", deep->str, "nested more than", NULL);
    g_string_free(deep, TRUE);

    {
        struct diag *d = diag_new();
        struct dbcache *db = NULL;
        static const char small[] = "<x/>";

        /* The length is checked before the data is touched. */
        is_int(dbcache_read_memory(small, (size_t) DBCACHE_MAX_SIZE + 1,
                                   "big.xml", &db, d), -EFBIG,
               "oversized document refused");
        ok(diag_contains(d, "larger than the limit"), "size message");
        diag_free(d);
    }
    {
        struct diag *d = diag_new();
        struct dbcache *db = NULL;

        is_int(dbcache_read_file("/nonexistent/network.dbcache", &db, d),
               -ENOENT, "missing file");
        ok(diag_contains(d, "/nonexistent/network.dbcache: No such file"),
           "missing file message names the file");
        diag_free(d);
    }
}

static void
test_atomic_write(void)
{
    char *dir = g_dir_make_tmp("dbcache-XXXXXX", NULL);
    char *path = g_build_filename(dir, "network.dbcache", NULL);
    struct dbcache *db = dbcache_new();
    struct dbc_record *r = dbcache_add(db, DBC_POOL, "OpaqueRef:p");
    char *content, *xml;
    size_t len;
    GDir *d;
    int n_files = 0;

    dbc_map_set(r, dbc_find_field(DBC_POOL, "other_config"),
                "vswitch-controller-fail-mode", "secure");
    ok(!dbc_map_set(r, dbc_find_field(DBC_POOL, "other_config"),
                    "memory-ratio-hvm", "0.25"),
       "non-whitelisted pool key refused");
    is_int(dbcache_write_file(db, path), 0, "write cache file");
    content = slurp(path);
    xml = dbcache_to_xml(db, &len);
    is_str(content, xml, "file holds the document");
    d = g_dir_open(dir, 0, NULL);
    while (g_dir_read_name(d)) {
        n_files++;
    }
    g_dir_close(d);
    is_int(n_files, 1, "no temporary file left behind");
    is_int(dbcache_write_file(db, "/nonexistent-dir/x"), -ENOENT,
           "write into a missing directory fails");

    g_unlink(path);
    g_rmdir(dir);
    g_free(content);
    g_free(xml);
    g_free(path);
    g_free(dir);
    dbcache_free(db);
}

int
main(void)
{
    test_fixture_layouts();
    test_queries();
    test_tolerance();
    test_refusals();
    test_atomic_write();
    return done_testing();
}
