/* gen-dbcache.c -- writes a large, consistent network.dbcache for the
 * benchmarks.
 *
 * Usage: gen-dbcache N OUTFILE
 *
 * Builds a model of N PIFs through the model API (model.h) and writes it
 * with dbcache_write_file() (writer.h), so the file has exactly the layout
 * XAPI's interface-reconfigure writes.  The model is made of "host blocks"
 * of 10 PIFs each, in the proportions of a busy XenServer host:
 *
 *     4 standalone NICs          ethK, one network each (bridge xenbrK)
 *     2 bonded NICs              ethK, each with its own (unused) network
 *     1 bond master              bondM over the two, network xapiX
 *     3 VLAN PIFs                on the first two NICs and on the bond,
 *                                each with network xapiX
 *
 * plus one internal network (no PIF, bridge xapiX) per block, and one pool
 * record.  A remainder of N modulo 10 is made of standalone NICs.  The
 * first NIC is the management interface (DHCP); one NIC per block has a
 * static address.  Every record has all of its fields, other_config
 * included, as in a cache written by XAPI, and every reference resolves:
 * the model is checked with dbcache_check() before it is written.
 *
 * Identifiers come from a fixed-seed generator, so the same N always gives
 * the same file. */
#include <config.h>

#include <errno.h>
#include <glib.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "model.h"
#include "writer.h"

#define BLOCK_PIFS 10
#define MAX_PIFS 1000000

static uint64_t rng_state = 0x6a09e667f3bcc908ULL;

/* splitmix64: small, fast and good enough for identifiers. */
static uint64_t
rng_next(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Returns a new random version-4 UUID string (g_free). */
static char *
new_uuid(void)
{
    uint64_t hi = rng_next();
    uint64_t lo = rng_next();

    return g_strdup_printf("%08" PRIx64 "-%04" PRIx64 "-4%03" PRIx64
                           "-%04" PRIx64 "-%012" PRIx64,
                           hi >> 32, (hi >> 16) & 0xffff, hi & 0xfff,
                           0x8000 | (lo >> 48 & 0x3fff),
                           lo & UINT64_C(0xffffffffffff));
}

/* Returns a new "OpaqueRef:<uuid>" (g_free). */
static char *
new_ref(void)
{
    char *uuid = new_uuid();
    char *ref = g_strconcat("OpaqueRef:", uuid, NULL);

    g_free(uuid);
    return ref;
}

static const struct dbc_field *
field(enum dbc_class class, const char *name)
{
    const struct dbc_field *f = dbc_find_field(class, name);

    if (!f) {
        fprintf(stderr, "gen-dbcache: no field %s in class %d\n", name,
                class);
        abort();
    }
    return f;
}

static void
set_str(struct dbc_record *r, const char *name, const char *value)
{
    dbc_set_str(r, field(r->class, name), value);
}

static void
set_bool(struct dbc_record *r, const char *name, bool value)
{
    dbc_set_bool(r, field(r->class, name), value);
}

static void
append(struct dbc_record *r, const char *name, const char *item)
{
    dbc_list_append(r, field(r->class, name), item);
}

static void
mark(struct dbc_record *r, const char *name)
{
    dbc_mark_present(r, field(r->class, name));
}

static void
map_set(struct dbc_record *r, const char *key, const char *value)
{
    if (!dbc_map_set(r, field(r->class, "other_config"), key, value)) {
        fprintf(stderr, "gen-dbcache: key %s not allowed\n", key);
        abort();
    }
}

/* What is being built. */
struct gen {
    struct dbcache *db;
    unsigned int n_eth;         /* ethK devices so far. */
    unsigned int n_bond;        /* bondM devices so far. */
    unsigned int n_xapi;        /* xapiX bridges so far. */
    unsigned int n_mac;         /* MAC addresses so far. */
};

/* Adds a network with a new ref and uuid, bridge 'bridge', and returns
 * it. */
static struct dbc_record *
add_network(struct gen *g, const char *bridge)
{
    char *ref = new_ref();
    char *uuid = new_uuid();
    struct dbc_record *nw = dbcache_add(g->db, DBC_NETWORK, ref);

    set_str(nw, "uuid", uuid);
    set_str(nw, "bridge", bridge);
    set_str(nw, "MTU", "1500");
    mark(nw, "PIFs");
    mark(nw, "other_config");
    g_free(uuid);
    g_free(ref);
    return nw;
}

static struct dbc_record *
add_xapi_network(struct gen *g)
{
    char *bridge = g_strdup_printf("xapi%u", g->n_xapi++);
    struct dbc_record *nw = add_network(g, bridge);

    g_free(bridge);
    return nw;
}

/* Adds a PIF on a new network (bridge 'bridge', or a new xapiX bridge if
 * NULL) with every field at XAPI's default for an unconfigured NIC, and
 * returns it. */
static struct dbc_record *
add_pif(struct gen *g, const char *device, const char *mac,
        const char *bridge)
{
    char *ref = new_ref();
    char *uuid = new_uuid();
    struct dbc_record *pif = dbcache_add(g->db, DBC_PIF, ref);
    struct dbc_record *nw = bridge ? add_network(g, bridge)
                                   : add_xapi_network(g);

    set_str(pif, "uuid", uuid);
    set_bool(pif, "management", false);
    set_str(pif, "network", nw->ref);
    append(nw, "PIFs", pif->ref);
    set_str(pif, "device", device);
    mark(pif, "bond_master_of");
    set_str(pif, "bond_slave_of", "OpaqueRef:NULL");
    set_str(pif, "VLAN", "-1");
    set_str(pif, "VLAN_master_of", "OpaqueRef:NULL");
    mark(pif, "VLAN_slave_of");
    mark(pif, "tunnel_access_PIF_of");
    mark(pif, "tunnel_transport_PIF_of");
    set_str(pif, "ip_configuration_mode", "None");
    set_str(pif, "IP", "");
    set_str(pif, "netmask", "");
    set_str(pif, "gateway", "");
    set_str(pif, "DNS", "");
    set_str(pif, "MAC", mac);
    mark(pif, "other_config");
    set_bool(pif, "currently_attached", false);
    g_free(uuid);
    g_free(ref);
    return pif;
}

static char *
new_mac(struct gen *g)
{
    unsigned int n = g->n_mac++;

    return g_strdup_printf("00:15:17:%02x:%02x:%02x", (n >> 16) & 0xff,
                           (n >> 8) & 0xff, n & 0xff);
}

/* A physical NIC ethK on bridge xenbrK. */
static struct dbc_record *
add_nic(struct gen *g)
{
    unsigned int k = g->n_eth++;
    char *device = g_strdup_printf("eth%u", k);
    char *bridge = g_strdup_printf("xenbr%u", k);
    char *mac = new_mac(g);
    struct dbc_record *pif = add_pif(g, device, mac, bridge);

    map_set(pif, "ethtool-gro", "on");
    if (k % 3 == 0) {
        map_set(pif, "ethtool-tso", "off");
    }
    g_free(mac);
    g_free(bridge);
    g_free(device);
    return pif;
}

static void
set_static_ip(struct dbc_record *pif, unsigned int n)
{
    char *ip = g_strdup_printf("10.%u.%u.%u", (n >> 16) & 0xff,
                               (n >> 8) & 0xff, (n & 0xff) | 1);

    set_str(pif, "ip_configuration_mode", "Static");
    set_str(pif, "IP", ip);
    set_str(pif, "netmask", "255.0.0.0");
    set_str(pif, "gateway", "10.0.0.1");
    set_str(pif, "DNS", "10.0.0.2,10.0.0.3");
    map_set(pif, "domain", "example.com,lab.example.com");
    map_set(pif, "static-routes", "172.16.0.0/12/10.0.0.254");
    g_free(ip);
}

/* A bond over 'slaves' (n of them): the Bond record and its master PIF. */
static struct dbc_record *
add_bond(struct gen *g, struct dbc_record **slaves, size_t n)
{
    char *device = g_strdup_printf("bond%u", g->n_bond++);
    char *bond_ref = new_ref();
    char *bond_uuid = new_uuid();
    struct dbc_record *bond = dbcache_add(g->db, DBC_BOND, bond_ref);
    const char *mac = ((struct dbc_pif *) slaves[0])->mac;
    struct dbc_record *master = add_pif(g, device, mac, NULL);

    set_str(bond, "uuid", bond_uuid);
    set_str(bond, "master", master->ref);
    mark(bond, "slaves");
    for (size_t i = 0; i < n; i++) {
        append(bond, "slaves", slaves[i]->ref);
        set_str(slaves[i], "bond_slave_of", bond->ref);
    }
    append(master, "bond_master_of", bond->ref);
    map_set(master, "bond-mode", "balance-slb");
    map_set(master, "bond-miimon", "100");
    map_set(master, "bond-downdelay", "200");
    map_set(master, "bond-updelay", "31000");
    map_set(master, "bond-use_carrier", "1");
    map_set(master, "bond-hashing-algorithm", "src_mac");
    g_free(bond_uuid);
    g_free(bond_ref);
    g_free(device);
    return master;
}

/* A VLAN PIF with 'tag' on 'parent': the VLAN record and the PIF. */
static struct dbc_record *
add_vlan(struct gen *g, struct dbc_record *parent, unsigned int tag)
{
    const struct dbc_pif *p = (const struct dbc_pif *) parent;
    char *vlan_ref = new_ref();
    char *vlan_uuid = new_uuid();
    char *tag_s = g_strdup_printf("%u", tag);
    struct dbc_record *vlan = dbcache_add(g->db, DBC_VLAN, vlan_ref);
    struct dbc_record *pif = add_pif(g, p->device, p->mac, NULL);

    set_str(vlan, "uuid", vlan_uuid);
    set_str(vlan, "tagged_PIF", parent->ref);
    set_str(vlan, "untagged_PIF", pif->ref);
    set_str(pif, "VLAN", tag_s);
    set_str(pif, "VLAN_master_of", vlan->ref);
    append(parent, "VLAN_slave_of", vlan->ref);
    g_free(tag_s);
    g_free(vlan_uuid);
    g_free(vlan_ref);
    return pif;
}

/* One block of BLOCK_PIFS PIFs, number 'b'. */
static void
add_block(struct gen *g, unsigned int b)
{
    struct dbc_record *nics[4];
    struct dbc_record *slaves[2];
    struct dbc_record *bond;
    struct dbc_record *internal;

    for (size_t i = 0; i < ARRAY_SIZE(nics); i++) {
        nics[i] = add_nic(g);
    }
    for (size_t i = 0; i < ARRAY_SIZE(slaves); i++) {
        slaves[i] = add_nic(g);
    }
    bond = add_bond(g, slaves, ARRAY_SIZE(slaves));
    add_vlan(g, nics[0], 100 + b % 3000);
    add_vlan(g, nics[1], 200 + b % 3000);
    add_vlan(g, bond, 300 + b % 3000);

    set_static_ip(nics[2], b);
    map_set(nics[3], "mtu", "9000");

    internal = add_xapi_network(g);
    dbc_map_set(internal, field(DBC_NETWORK, "other_config"),
                "vswitch-disable-in-band", "true");
}

static struct dbcache *
generate(unsigned long n)
{
    struct gen g;
    struct dbc_record *pool;
    char *pool_ref;

    memset(&g, 0, sizeof g);
    g.db = dbcache_new();
    for (unsigned long b = 0; b < n / BLOCK_PIFS; b++) {
        add_block(&g, b);
    }
    while (dbcache_count(g.db, DBC_PIF) < n) {
        add_nic(&g);
    }

    if (n > 0) {
        struct dbc_record *mgmt = dbcache_at(g.db, DBC_PIF, 0);

        set_bool(mgmt, "management", true);
        set_str(mgmt, "ip_configuration_mode", "DHCP");
        map_set(mgmt, "peerdns", "true");
        map_set(mgmt, "defaultroute", "true");
    }

    pool_ref = new_ref();
    pool = dbcache_add(g.db, DBC_POOL, pool_ref);
    map_set(pool, "vswitch-controller-fail-mode", "standalone");
    g_free(pool_ref);
    return g.db;
}

static void
usage(void)
{
    fprintf(stderr, "usage: gen-dbcache N OUTFILE\n"
            "Writes a consistent network.dbcache with N PIFs (bonds, VLANs "
            "and networks\nin proportion) to OUTFILE.\n");
    exit(EXIT_FAILURE);
}

int
main(int argc, char *argv[])
{
    struct diag *diag;
    struct dbcache *db;
    unsigned long n;
    char *end;
    int error;

    if (argc != 3) {
        usage();
    }
    errno = 0;
    n = strtoul(argv[1], &end, 10);
    if (errno || *end || !g_ascii_isdigit(argv[1][0]) || n > MAX_PIFS) {
        fprintf(stderr, "gen-dbcache: %s: not a number of PIFs (0 to %d)\n",
                argv[1], MAX_PIFS);
        return EXIT_FAILURE;
    }

    db = generate(n);
    diag = diag_new();
    error = dbcache_check(db, argv[2], diag);
    if (error) {
        diag_print(diag, stderr, "gen-dbcache: inconsistent model");
    } else {
        error = dbcache_write_file(db, argv[2]);
        if (error) {
            fprintf(stderr, "gen-dbcache: %s: %s\n", argv[2],
                    g_strerror(-error));
        }
    }
    dbcache_free(db);
    diag_free(diag);
    return error ? EXIT_FAILURE : EXIT_SUCCESS;
}
