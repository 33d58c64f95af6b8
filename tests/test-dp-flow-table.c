/* test-dp-flow-table.c -- tests of datapath/flow-table.c.
 *
 * Part 1, the syntax: flows as ovs-ofctl add-flow takes them, each with
 * the text stock Open vSwitch 3.1 printed for it in `ovs-ofctl --no-stats
 * dump-flows` (recorded from a real ovs-vswitchd); every one must format
 * the same here and survive parse -> format -> parse unchanged.  Then
 * malformed flows, each with the exact message, which names the field.
 *
 * Part 2, the table: the escape flows interface-reconfigure installs on a
 * secure bridge (single uplink, bond, management VLAN), fed real frames;
 * priorities and ties; replacement; non-strict and strict deletion;
 * counters; idle and hard timeouts on simulated time; the exact-match
 * cache and its invalidation; dump-flows text. */
#include <config.h>

#include <errno.h>
#include <glib.h>
#include <limits.h>
#include <string.h>

#include "flow-table.h"
#include "flow.h"
#include "hex.h"
#include "tap.h"

/* ------------------------------------------------------------------------
 * Helpers. */

/* The key of the frame in 'hex' arriving on 'in_port'; its length in
 * '*len' if non-NULL. */
static struct flow
key_of(uint32_t in_port, const char *hex, uint32_t *len)
{
    uint8_t frame[256];
    size_t n = hex_to_bytes(hex, frame, sizeof frame);
    struct flow key;

    g_assert(!flow_extract_frame(frame, n, in_port, &key));
    if (len) {
        *len = (uint32_t) n;
    }
    return key;
}

static char *
format_spec(const struct flow_table_spec *spec)
{
    GString *s = g_string_new(NULL);

    flow_table_format_spec(spec, s);
    return g_string_free(s, FALSE);
}

static bool
specs_equal(const struct flow_table_spec *a, const struct flow_table_spec *b)
{
    if (!flow_table_match_equal(&a->match, &b->match)
        || a->priority != b->priority || a->cookie != b->cookie
        || a->cookie_mask != b->cookie_mask
        || a->idle_timeout != b->idle_timeout
        || a->hard_timeout != b->hard_timeout
        || a->n_actions != b->n_actions) {
        return false;
    }
    for (size_t i = 0; i < a->n_actions; i++) {
        if (a->actions[i].type != b->actions[i].type
            || a->actions[i].arg != b->actions[i].arg) {
            return false;
        }
    }
    return true;
}

/* The actions of 'rule' as text, or "(no match)". */
static char *
actions_of(const struct flow_table_rule *rule)
{
    GString *s = g_string_new(NULL);

    if (rule) {
        flow_table_format_actions(rule->spec.actions, rule->spec.n_actions,
                                  s);
    } else {
        g_string_append(s, "(no match)");
    }
    return g_string_free(s, FALSE);
}

/* Parses 'flow' (add syntax) and adds it to 't' at 'now'. */
static void
add(struct flow_table *t, const char *flow, long long now)
{
    struct flow_table_spec spec;
    char *err = NULL;

    if (flow_table_parse(flow, FLOW_TABLE_PARSE_ADD, NULL, NULL, &spec,
                         &err)) {
        diag_msg("cannot parse \"%s\": %s", flow, err);
        g_free(err);
        abort();
    }
    g_assert(flow_table_add(t, &spec, now) >= 0);
    flow_table_spec_destroy(&spec);
}

static size_t
del(struct flow_table *t, const char *filter, bool strict)
{
    struct flow_table_spec spec;
    char *err = NULL;
    size_t n;

    if (flow_table_parse(filter, FLOW_TABLE_PARSE_FILTER, NULL, NULL, &spec,
                         &err)) {
        diag_msg("cannot parse \"%s\": %s", filter, err);
        g_free(err);
        abort();
    }
    n = flow_table_delete(t, &spec, strict);
    flow_table_spec_destroy(&spec);
    return n;
}

static char *
dump(const struct flow_table *t, unsigned int flags, long long now)
{
    GString *s = g_string_new(NULL);

    flow_table_dump(t, NULL, now, flags, s);
    return g_string_free(s, FALSE);
}

/* ------------------------------------------------------------------------
 * Part 1: syntax. */

static const struct {
    const char *in;
    const char *ovs;            /* ovs-ofctl --no-stats dump-flows */
} good[] = {
    /* interface-reconfigure's escape flows, as it writes them. */
    {"idle_timeout=0,priority=0,in_port=1,arp,nw_proto=1,actions=local",
     "priority=0,arp,in_port=1,arp_op=1 actions=LOCAL"},
    {"idle_timeout=0,priority=0,in_port=local,arp,dl_src=aa:bb:cc:dd:ee:ff,"
     "actions=1",
     "priority=0,arp,in_port=LOCAL,dl_src=aa:bb:cc:dd:ee:ff "
     "actions=output:1"},
    {"idle_timeout=0,priority=0,in_port=1,dl_dst=aa:bb:cc:dd:ee:ff,"
     "actions=local",
     "priority=0,in_port=1,dl_dst=aa:bb:cc:dd:ee:ff actions=LOCAL"},
    {"idle_timeout=0,priority=0,in_port=LOCAL,dl_src=aa:bb:cc:dd:ee:ff,"
     "actions=NORMAL",
     "priority=0,in_port=LOCAL,dl_src=aa:bb:cc:dd:ee:ff actions=NORMAL"},
    {"idle_timeout=0,priority=0,in_port=1,dl_vlan=5,dl_dst=aa:bb:cc:dd:ee:ff,"
     "actions=strip_vlan,output:2",
     "priority=0,in_port=1,dl_vlan=5,dl_dst=aa:bb:cc:dd:ee:ff "
     "actions=strip_vlan,output:2"},
    {"priority=7,in_port=LOCAL,actions=mod_vlan_vid:5,output:1",
     "priority=7,in_port=LOCAL actions=mod_vlan_vid:5,output:1"},
    /* The rest of what stock Open vSwitch was asked. */
    {"priority=7 tcp nw_src=10.0.0.0/8 tp_dst=80 idle_timeout=30 "
     "hard_timeout=60 actions=output:1,2",
     "idle_timeout=30, hard_timeout=60, priority=7,tcp,nw_src=10.0.0.0/8,"
     "tp_dst=80 actions=output:1,output:2"},
    {"priority=8,udp,nw_dst=10.1.2.3,tp_src=53,actions=flood",
     "priority=8,udp,nw_dst=10.1.2.3,tp_src=53 actions=FLOOD"},
    {"priority=9,icmp,actions=all", "priority=9,icmp actions=ALL"},
    {"priority=10,ip,nw_src=192.168.1.0/255.255.255.0,actions=in_port",
     "priority=10,ip,nw_src=192.168.1.0/24 actions=IN_PORT"},
    {"priority=11,dl_type=0x86dd,actions=drop",
     "priority=11,ipv6 actions=drop"},
    {"priority=12,dl_type=0x0800,nw_proto=17,actions=",
     "priority=12,udp actions=drop"},
    {"priority=13,dl_vlan=0xffff,actions=drop",
     "priority=13,vlan_tci=0x0000 actions=drop"},
    {"priority=14,arp,arp_spa=1.2.3.4,actions=drop",
     "priority=14,arp,arp_spa=1.2.3.4 actions=drop"},
    {"priority=15,cookie=0x5,actions=drop",
     "cookie=0x5, priority=15 actions=drop"},
    {"priority=16,ip,nw_src=10.0.0.1/32,actions=drop",
     "priority=16,ip,nw_src=10.0.0.1 actions=drop"},
    {"priority=17,ip,nw_src=10.0.0.1/0,actions=drop",
     "priority=17,ip actions=drop"},
    {"priority=32768,actions=NORMAL", "actions=NORMAL"},
    {"actions=LOCAL", "actions=LOCAL"},
    {"in_port=2 actions=output:LOCAL", "in_port=2 actions=LOCAL"},
    {"arp,nw_src=1.2.3.4,actions=drop", "arp,arp_spa=1.2.3.4 actions=drop"},
    {"actions=output:0", "actions=output:0"},
    {"priority=3,in_port=1,dl_vlan=5,dl_vlan_pcp=3,"
     "dl_src=01:02:03:04:05:06,dl_dst=0a:0b:0c:0d:0e:0f,tcp,nw_src=1.2.3.4,"
     "nw_dst=5.6.7.0/24,tp_src=1,tp_dst=2,actions=output:1",
     "priority=3,tcp,in_port=1,dl_vlan=5,dl_vlan_pcp=3,"
     "dl_src=01:02:03:04:05:06,dl_dst=0a:0b:0c:0d:0e:0f,nw_src=1.2.3.4,"
     "nw_dst=5.6.7.0/24,tp_src=1,tp_dst=2 actions=output:1"},
    {"ip,nw_proto=50,actions=Local", "ip,nw_proto=50 actions=LOCAL"},
    {"dl_type=0x1234,actions=OUTPUT:1", "dl_type=0x1234 actions=output:1"},
    {"dl_type=0x0800,nw_proto=6,actions=drop", "tcp actions=drop"},
    {"icmp,icmp_type=8,icmp_code=0,actions=NORMAL",
     "icmp,icmp_type=8,icmp_code=0 actions=NORMAL"},
    {"icmp,tp_src=8,actions=NORMAL", "icmp,icmp_type=8 actions=NORMAL"},
    {"arp,arp_op=2,arp_tpa=10.0.0.1,actions=NORMAL",
     "arp,arp_tpa=10.0.0.1,arp_op=2 actions=NORMAL"},
    {"arp,nw_dst=10.0.0.0/16,nw_proto=2,actions=NORMAL",
     "arp,arp_tpa=10.0.0.0/16,arp_op=2 actions=NORMAL"},
    {"dl_vlan=0xffff,dl_src=01:02:03:04:05:06,actions=NORMAL",
     "vlan_tci=0x0000,dl_src=01:02:03:04:05:06 actions=NORMAL"},
    {"dl_vlan_pcp=3,actions=NORMAL", "dl_vlan_pcp=3 actions=NORMAL"},
    {"in_port:1,actions=output=2", "in_port=1 actions=output:2"},
    {"in_port=Local,actions=in_port", "in_port=LOCAL actions=IN_PORT"},
    {"in_port=1 actions=1,2,strip_vlan,local",
     "in_port=1 actions=output:1,output:2,strip_vlan,LOCAL"},
    {"priority=5,tcp,tcp_dst=80,actions=normal",
     "priority=5,tcp,tp_dst=80 actions=NORMAL"},
    {"priority=5,udp,udp_src=80,actions=normal",
     "priority=5,udp,tp_src=80 actions=NORMAL"},
    {"rarp,actions=normal", "rarp actions=NORMAL"},
    {"udp,nw_src=1.2.3.4/0.0.0.0,actions=normal", "udp actions=NORMAL"},
    {"udp,nw_src=1.2.3.4/255.0.255.0,actions=normal",
     "udp,nw_src=1.0.3.0/255.0.255.0 actions=NORMAL"},
    {"udp,nw_src=1.2.3.4/8,actions=normal",
     "udp,nw_src=1.0.0.0/8 actions=NORMAL"},
    {"dl_src=aa:bb:cc:dd:ee:ff/ff:ff:ff:00:00:00,actions=normal",
     "dl_src=aa:bb:cc:00:00:00/ff:ff:ff:00:00:00 actions=NORMAL"},
    {"dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,actions=normal",
     "dl_dst=01:00:00:00:00:00/01:00:00:00:00:00 actions=NORMAL"},
    {"priority=5, actions=normal", "priority=5 actions=NORMAL"},
    {"  priority=5  ,  in_port=1  actions=normal ",
     "priority=5,in_port=1 actions=NORMAL"},
    {"priority=5,actions=normal,1", "priority=5 actions=NORMAL,output:1"},
    {"priority=5,actions=mod_vlan_vid:5,mod_vlan_vid:6",
     "priority=5 actions=mod_vlan_vid:5,mod_vlan_vid:6"},
    {"priority=5,actions=mod_vlan_pcp:5", "priority=5 actions=mod_vlan_pcp:5"},
    {"priority=5,actions=output:LOCAL", "priority=5 actions=LOCAL"},
    {"priority=5,actions=output:65279", "priority=5 actions=output:65279"},
    {"priority=5,in_port=65279,actions=1",
     "priority=5,in_port=65279 actions=output:1"},
    {"priority=5,in_port=0,actions=1",
     "priority=5,in_port=0 actions=output:1"},
    {"priority=5,in_port=1,in_port=2,actions=1",
     "priority=5,in_port=2 actions=output:1"},
    {"priority=5,priority=6,actions=1", "priority=6 actions=output:1"},
    {"priority=5,actions=flood,all", "priority=5 actions=FLOOD,ALL"},
    {"priority=65535,actions=drop", "priority=65535 actions=drop"},
    {"priority=5,dl_vlan=4095,actions=drop",
     "priority=5,dl_vlan=4095 actions=drop"},
    {"priority=5,dl_type=0x800,actions=drop", "priority=5,ip actions=drop"},
    {"priority=5,dl_type=2048,actions=drop", "priority=5,ip actions=drop"},
    {"priority=5,vlan_tci=0,actions=drop",
     "priority=5,vlan_tci=0x0000 actions=drop"},
    {"priority=5,vlan_tci=0x1005,actions=drop",
     "priority=5,dl_vlan=5,dl_vlan_pcp=0 actions=drop"},
    {"priority=5,actions=strip_vlan,mod_vlan_vid:0",
     "priority=5 actions=strip_vlan,mod_vlan_vid:0"},
    {"priority=5,dl_src=AA:BB:CC:DD:EE:FF,actions=drop",
     "priority=5,dl_src=aa:bb:cc:dd:ee:ff actions=drop"},
    {"priority=5,in_port=LOCAL,actions=output:local",
     "priority=5,in_port=LOCAL actions=LOCAL"},
    {"priority=5,in_port=65534,actions=output:65534",
     "priority=5,in_port=LOCAL actions=LOCAL"},
    {"priority=5,actions=output:65530", "priority=5 actions=NORMAL"},
    {"priority=5,tcp,actions=drop,", "priority=5,tcp actions=drop"},
    {"priority=5,,tcp,actions=drop", "priority=5,tcp actions=drop"},
    {"priority=5 tcp actions=drop", "priority=5,tcp actions=drop"},
    {"tcp, actions=drop", "tcp actions=drop"},
    {"priority=5,ip,nw_src=1.2.3.0/24,nw_src=1.2.3.4,actions=drop",
     "priority=5,ip,nw_src=1.2.3.4 actions=drop"},
    {"in_port=1,actions=all,output:1", "in_port=1 actions=ALL,output:1"},
    {"table=0,actions=drop", "actions=drop"},
    /* Beyond what was recorded: the same rules applied further. */
    {"dl_vlan=5,dl_vlan_pcp=2,actions=pop_vlan",
     "dl_vlan=5,dl_vlan_pcp=2 actions=strip_vlan"},
    {"tcp,tp_dst=0x50/0xfff0,actions=drop",
     "tcp,tp_dst=0x50/0xfff0 actions=drop"},
    {"vlan_tci=0x1000/0x1000,actions=drop",
     "vlan_tci=0x1000/0x1000 actions=drop"},
    {"idle_timeout=10,actions=drop", "idle_timeout=10, actions=drop"},
    {"hard_timeout=10,cookie=0xff,priority=1,actions=drop",
     "cookie=0xff, hard_timeout=10, priority=1 actions=drop"},
    {"action=drop", "actions=drop"},
    {"cookie=18446744073709551615,actions=drop",
     "cookie=0xffffffffffffffff, actions=drop"},
};

static void
test_good(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(good); i++) {
        struct flow_table_spec spec, again;
        char *err = NULL;
        char *text, *text2;

        if (flow_table_parse(good[i].in, FLOW_TABLE_PARSE_ADD, NULL, NULL,
                             &spec, &err)) {
            ok(false, "parse \"%s\": %s", good[i].in, err);
            ok(false, "(round trip skipped)");
            g_free(err);
            continue;
        }
        text = format_spec(&spec);
        is_str(text, good[i].ovs, "\"%s\" formats as Open vSwitch does",
               good[i].in);
        if (flow_table_parse(text, FLOW_TABLE_PARSE_ADD, NULL, NULL, &again,
                             &err)) {
            ok(false, "re-parse \"%s\": %s", text, err);
            g_free(err);
        } else {
            text2 = format_spec(&again);
            ok(specs_equal(&spec, &again) && !strcmp(text, text2),
               "\"%s\" round-trips", text);
            g_free(text2);
            flow_table_spec_destroy(&again);
        }
        g_free(text);
        flow_table_spec_destroy(&spec);
    }
}

static const struct {
    const char *in;
    enum flow_table_parse_mode mode;
    const char *err;
} bad[] = {
#define ADD FLOW_TABLE_PARSE_ADD
#define FILTER FLOW_TABLE_PARSE_FILTER
    {"priority=70000,actions=drop", ADD,
     "priority: 70000: out of range (0 to 65535)"},
    {"priority=-1,actions=drop", ADD, "priority: -1: not a number"},
    {"priority=,actions=drop", ADD, "priority: missing value"},
    {"Priority=5,actions=normal", ADD, "Priority: unknown field"},
    {"in_port=foo,actions=drop", ADD, "in_port: foo: invalid or unknown port"},
    {"in_port=NORMAL,actions=drop", ADD,
     "in_port: NORMAL: not a valid input port"},
    {"in_port=65280,actions=1", ADD,
     "in_port: 65280: not a valid input port"},
    {"dl_src=aa:bb:cc,actions=drop", ADD,
     "dl_src: aa:bb:cc: invalid Ethernet address"},
    {"dl_dst=aa:bb:cc:dd:ee:ff/zz,actions=drop", ADD,
     "dl_dst: zz: invalid Ethernet mask"},
    {"ip,nw_src=10.0.0.300,actions=drop", ADD,
     "nw_src: 10.0.0.300: invalid IPv4 address"},
    {"ip,nw_src=10.0.0.3/33,actions=drop", ADD,
     "nw_src: 33: prefix length not between 0 and 32"},
    {"ip,nw_dst=10.0.0.3/255.0.x.0,actions=drop", ADD,
     "nw_dst: 255.0.x.0: invalid IPv4 mask"},
    {"bogus=1,actions=drop", ADD, "bogus: unknown field"},
    {"bogus,actions=drop", ADD,
     "bogus: unknown field, or a field without a value"},
    {"tcp=1,actions=drop", ADD, "tcp: a protocol name takes no value"},
    {"actions=bogus", ADD, "actions: bogus: unknown action"},
    {"actions=bogus:1", ADD, "actions: bogus:1: unknown action"},
    {"actions=output:foo", ADD,
     "actions: output: foo: invalid or unknown port"},
    {"actions=output", ADD, "actions: output: missing port"},
    {"actions=output:70000", ADD,
     "actions: output: 70000: invalid or unknown port"},
    {"actions=output:65280", ADD, "actions: 65280: output to an invalid port"},
    {"actions=controller", ADD,
     "actions: controller: not supported (this switch has no controller "
     "and one table)"},
    {"actions=drop,1", ADD,
     "actions: \"drop\" must not be accompanied by any other action"},
    {"actions=mod_vlan_vid:4096", ADD,
     "actions: mod_vlan_vid: 4096: out of range (0 to 4095)"},
    {"actions=mod_vlan_vid", ADD, "actions: mod_vlan_vid: missing value"},
    {"actions=mod_vlan_pcp:8", ADD,
     "actions: mod_vlan_pcp: 8: out of range (0 to 7)"},
    {"dl_vlan=4096,actions=drop", ADD,
     "dl_vlan: 4096: out of range (0 to 4095, or 0xffff for no tag)"},
    {"dl_vlan=0x,actions=drop", ADD, "dl_vlan: 0x: not a number"},
    {"dl_vlan_pcp=8,actions=drop", ADD,
     "dl_vlan_pcp: 8: out of range (0 to 7)"},
    {"dl_type=0x1ffff,actions=drop", ADD,
     "dl_type: 0x1ffff: out of range (0 to 65535)"},
    {"tcp,tp_dst=65536,actions=drop", ADD,
     "tp_dst: 65536: out of range (0 to 65535)"},
    {"ip,nw_proto=256,actions=drop", ADD,
     "nw_proto: 256: out of range (0 to 255)"},
    {"icmp,icmp_type=256,actions=drop", ADD,
     "icmp_type: 256: out of range (0 to 255)"},
    {"tp_dst=80,actions=drop", ADD,
     "tp_dst: needs tcp, udp or icmp in the same flow"},
    {"ip,tp_dst=80,actions=drop", ADD,
     "tp_dst: needs tcp, udp or icmp in the same flow"},
    {"nw_src=10.0.0.1,actions=drop", ADD,
     "nw_src: needs ip, arp or rarp in the same flow"},
    {"nw_dst=10.0.0.1,ip,actions=drop,", FILTER,
     "actions: not allowed in del-flows or dump-flows"},
    {"ipv6,nw_proto=6,actions=drop", ADD,
     "nw_proto: needs ip, arp or rarp in the same flow"},
    {"ip,arp_spa=1.2.3.4,actions=drop", ADD,
     "arp_spa: needs arp or rarp in the same flow"},
    {"udp,tcp_dst=80,actions=drop", ADD,
     "tcp_dst: needs tcp in the same flow"},
    {"tcp,udp_src=80,actions=drop", ADD,
     "udp_src: needs udp in the same flow"},
    {"tcp,icmp_type=8,actions=drop", ADD,
     "icmp_type: needs icmp in the same flow"},
    {"priority=5", ADD,
     "actions: missing (a flow to add needs \"actions=...\")"},
    {"ACTIONS=normal", ADD,
     "actions: missing (a flow to add needs \"actions=...\")"},
    {"idle_timeout=x,actions=drop", ADD, "idle_timeout: x: not a number"},
    {"hard_timeout=65536,actions=drop", ADD,
     "hard_timeout: 65536: out of range (0 to 65535)"},
    {"cookie=0x10/0xff,actions=drop", ADD,
     "cookie: 0x10/0xff: flow additions cannot use a cookie mask"},
    {"cookie=0x1ffffffffffffffff,actions=drop", ADD,
     "cookie: 0x1ffffffffffffffff: out of range (0 to "
     "18446744073709551615)"},
    {"table=1,actions=drop", ADD, "table: 1: only table 0 exists"},
    {"in_port=1,idle_timeout=5", FILTER,
     "idle_timeout: not allowed in del-flows or dump-flows"},
    {"in_port=1,actions=drop", FILTER,
     "actions: not allowed in del-flows or dump-flows"},
};

static void
test_bad(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        struct flow_table_spec spec;
        char *err = NULL;
        int rc;

        memset(&spec, 0x5a, sizeof spec);
        rc = flow_table_parse(bad[i].in, bad[i].mode, NULL, NULL, &spec,
                              &err);
        ok(rc == -EINVAL && spec.priority == 0x5a5a,
           "\"%s\" is refused, the spec untouched", bad[i].in);
        is_str(err, bad[i].err, "  with the field named");
        g_free(err);
    }
}

static int
lookup_port(const char *name, void *aux)
{
    int *calls = aux;

    (*calls)++;
    if (!strcmp(name, "eth0")) {
        return 1;
    } else if (!strcmp(name, "xapi1")) {
        return 7;
    }
    return -ENOENT;
}

static void
test_names_and_filters(void)
{
    struct flow_table_spec spec;
    char *err = NULL;
    char *text;
    int calls = 0;

    ok(!flow_table_parse("in_port=eth0,actions=xapi1,output:eth0",
                         FLOW_TABLE_PARSE_ADD, lookup_port, &calls, &spec,
                         &err),
       "port names resolved by the caller's function");
    text = format_spec(&spec);
    is_str(text, "in_port=1 actions=output:7,output:1",
           "  and printed as numbers");
    ok(calls == 3, "  the function asked once per name (%d)", calls);
    g_free(text);
    flow_table_spec_destroy(&spec);

    ok(flow_table_parse("in_port=eth9,actions=drop", FLOW_TABLE_PARSE_ADD,
                        lookup_port, &calls, &spec, &err) == -EINVAL
           && !strcmp(err, "in_port: eth9: invalid or unknown port"),
       "an unknown name: in_port: eth9: invalid or unknown port");
    g_free(err);
    err = NULL;
    ok(flow_table_parse("actions=eth9", FLOW_TABLE_PARSE_ADD, lookup_port,
                        &calls, &spec, &err) == -EINVAL
           && !strcmp(err, "actions: eth9: unknown action"),
       "an unknown bare word in actions: unknown action");
    g_free(err);

    ok(!flow_table_parse("", FLOW_TABLE_PARSE_FILTER, NULL, NULL, &spec,
                         &err)
           && spec.match.in_port_mask == 0 && spec.cookie_mask == 0,
       "an empty filter matches everything");
    flow_table_spec_destroy(&spec);
    ok(!flow_table_parse("cookie=0x5", FLOW_TABLE_PARSE_FILTER, NULL, NULL,
                         &spec, &err)
           && spec.cookie == 5 && spec.cookie_mask == UINT64_MAX,
       "a filter's cookie without a mask is matched exactly");
    flow_table_spec_destroy(&spec);
    ok(!flow_table_parse("cookie=0x15/0xf0", FLOW_TABLE_PARSE_FILTER, NULL,
                         NULL, &spec, &err)
           && spec.cookie == 0x10 && spec.cookie_mask == 0xf0,
       "a filter's cookie/mask");
    text = format_spec(&spec);
    is_str(text, "cookie=0x10/0xf0, actions=drop",
           "a cookie mask is printed with the cookie");
    g_free(text);
    flow_table_spec_destroy(&spec);
    flow_table_spec_destroy(NULL);
}

/* ------------------------------------------------------------------------
 * Part 2: the table. */

#define M "aabbccddeeff"          /* the management MAC */
#define PEER "020000000002"
#define OTHER "020000000003"
#define BCAST "ffffffffffff"

#define ARP_REQ_FROM_PEER                                                     \
    BCAST PEER "0806 0001 0800 06 04 0001" PEER "0a000002 000000000000"      \
               "0a000001"
#define ARP_REPLY_TO_M                                                        \
    M PEER "0806 0001 0800 06 04 0002" PEER "0a000002" M "0a000001"
#define ARP_REQ_FROM_M                                                        \
    BCAST M "0806 0001 0800 06 04 0001" M "0a000001 000000000000 0a000002"
#define IP_HDR "4500 001c 0001 0000 40 11 0000 0a000001 0a000002"
#define UDP_HDR "d431 0035 0008 0000"
#define IP_FROM_M PEER M "0800" IP_HDR UDP_HDR
#define IP_TO_M M PEER "0800" IP_HDR UDP_HDR
#define IP_TO_OTHER OTHER PEER "0800" IP_HDR UDP_HDR
#define IP_FROM_OTHER PEER OTHER "0800" IP_HDR UDP_HDR
#define TAG5 "8100 0005"
#define TAG6 "8100 0006"

static const struct packet_case {
    uint32_t in_port;
    const char *frame;
    const char *want;           /* the actions, or "(no match)" */
    const char *what;
} single_cases[] = {
    {1, ARP_REQ_FROM_PEER, "LOCAL", "ARP request from the uplink: to host"},
    {1, ARP_REPLY_TO_M, "LOCAL", "ARP reply to the management MAC: to host"},
    {FLOW_PORT_LOCAL, ARP_REQ_FROM_M, "output:1",
     "ARP from the management MAC out of LOCAL: to the uplink"},
    {FLOW_PORT_LOCAL, IP_FROM_M, "output:1",
     "IP from the management MAC out of LOCAL: to the uplink"},
    {1, IP_TO_M, "LOCAL", "IP to the management MAC: to host"},
    {1, IP_TO_OTHER, "(no match)", "IP to another MAC: dropped (secure)"},
    {FLOW_PORT_LOCAL, IP_FROM_OTHER, "(no match)",
     "IP from another MAC out of LOCAL: dropped"},
    {2, ARP_REQ_FROM_PEER, "(no match)", "ARP request on another port"},
    {1, IP_FROM_M, "(no match)", "the management MAC arriving from outside"},
};

static const struct packet_case bond_cases[] = {
    {FLOW_PORT_LOCAL, ARP_REQ_FROM_M, "NORMAL",
     "bond: ARP from the management MAC: NORMAL (the bond chooses)"},
    {FLOW_PORT_LOCAL, IP_FROM_M, "NORMAL",
     "bond: IP from the management MAC: NORMAL"},
    {1, ARP_REQ_FROM_PEER, "LOCAL", "bond: ARP request on member 1: host"},
    {2, ARP_REQ_FROM_PEER, "LOCAL", "bond: ARP request on member 2: host"},
    {2, IP_TO_M, "LOCAL", "bond: IP to the management MAC on member 2"},
    {3, IP_TO_M, "(no match)", "bond: IP to it on a non-member"},
};

static const struct packet_case vlan_cases[] = {
    {1, BCAST PEER TAG5 "0806 0001 0800 06 04 0001" PEER
        "0a000002 000000000000 0a000001",
     "strip_vlan,output:3", "VLAN 5 ARP request on the uplink: untag to 3"},
    {1, ARP_REQ_FROM_PEER, "(no match)", "untagged ARP request: no"},
    {1, BCAST PEER TAG6 "0806 0001 0800 06 04 0001" PEER
        "0a000002 000000000000 0a000001",
     "(no match)", "VLAN 6 ARP request: no"},
    {3, ARP_REQ_FROM_M, "mod_vlan_vid:5,output:1",
     "ARP from the VLAN's internal port: tag 5 to the uplink"},
    {1, M PEER TAG5 "0800" IP_HDR UDP_HDR, "strip_vlan,output:3",
     "VLAN 5 IP to the management MAC: untag to 3"},
    {3, IP_FROM_M, "mod_vlan_vid:5,output:1", "IP from 3: tag 5"},
};

static void
run_cases(struct flow_table *t, const struct packet_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct flow key = key_of(cases[i].in_port, cases[i].frame, NULL);
        char *got = actions_of(flow_table_lookup(t, &key, 60, 0));

        is_str(got, cases[i].want, "%s", cases[i].what);
        g_free(got);
    }
}

static void
test_escape_flows(void)
{
    const char *prefix = "idle_timeout=0,priority=0,";
    struct flow_table *t = flow_table_create();
    char *flow;

    /* Single uplink, ofport 1, in the order interface-reconfigure adds
     * them. */
    static const char *single[] = {
        "in_port=1,arp,nw_proto=1,actions=local",
        "in_port=local,arp,dl_src=aa:bb:cc:dd:ee:ff,actions=1",
        "in_port=1,dl_dst=aa:bb:cc:dd:ee:ff,actions=local",
        "in_port=local,dl_src=aa:bb:cc:dd:ee:ff,actions=1",
    };
    static const char *bond[] = {
        "in_port=local,arp,dl_src=aa:bb:cc:dd:ee:ff,actions=NORMAL",
        "in_port=local,dl_src=aa:bb:cc:dd:ee:ff,actions=NORMAL",
        "in_port=1,arp,nw_proto=1,actions=local",
        "in_port=1,dl_dst=aa:bb:cc:dd:ee:ff,actions=local",
        "in_port=2,arp,nw_proto=1,actions=local",
        "in_port=2,dl_dst=aa:bb:cc:dd:ee:ff,actions=local",
    };
    static const char *vlan[] = {
        "in_port=1,dl_vlan=5,arp,nw_proto=1,actions=strip_vlan,output:3",
        "in_port=3,arp,dl_src=aa:bb:cc:dd:ee:ff,actions=mod_vlan_vid:5,"
        "output:1",
        "in_port=1,dl_vlan=5,dl_dst=aa:bb:cc:dd:ee:ff,actions=strip_vlan,"
        "output:3",
        "in_port=3,dl_src=aa:bb:cc:dd:ee:ff,actions=mod_vlan_vid:5,output:1",
    };

    for (size_t i = 0; i < G_N_ELEMENTS(single); i++) {
        flow = g_strconcat(prefix, single[i], NULL);
        add(t, flow, 0);
        g_free(flow);
    }
    is_int((long long) flow_table_count(t), 4, "four escape flows");
    run_cases(t, single_cases, G_N_ELEMENTS(single_cases));
    is_int((long long) flow_table_delete(t, NULL, false), 4,
           "del-flows with no match deletes them all");

    for (size_t i = 0; i < G_N_ELEMENTS(bond); i++) {
        flow = g_strconcat(prefix, bond[i], NULL);
        add(t, flow, 0);
        g_free(flow);
    }
    run_cases(t, bond_cases, G_N_ELEMENTS(bond_cases));
    flow_table_delete(t, NULL, false);

    for (size_t i = 0; i < G_N_ELEMENTS(vlan); i++) {
        flow = g_strconcat(prefix, vlan[i], NULL);
        add(t, flow, 0);
        g_free(flow);
    }
    run_cases(t, vlan_cases, G_N_ELEMENTS(vlan_cases));
    flow_table_destroy(t);
}

static void
test_priorities(void)
{
    struct flow_table *t = flow_table_create();
    struct flow_table *u = flow_table_create();
    struct flow tcp = key_of(1, PEER M "0800 4500 0028 0001 0000 40 06 0000"
                                       "0a000001 0a000002 3039 0050 00000000"
                                       "00000000 5000 2000 0000 0000",
                             NULL);
    struct flow arp = key_of(1, ARP_REQ_FROM_PEER, NULL);
    char *got;
    int rc;

    add(t, "priority=5,actions=output:5", 0);
    add(t, "priority=20,ip,actions=output:20", 0);
    add(t, "priority=10,tcp,actions=output:10", 0);
    got = actions_of(flow_table_lookup(t, &tcp, 60, 0));
    is_str(got, "output:20", "the highest priority wins, not the most "
                             "specific");
    g_free(got);
    got = actions_of(flow_table_lookup(t, &arp, 60, 0));
    is_str(got, "output:5", "a catch-all catches the rest");
    g_free(got);

    add(t, "priority=20,in_port=1,actions=output:21", 0);
    got = actions_of(flow_table_lookup(t, &tcp, 60, 0));
    is_str(got, "output:20", "equal priority: the rule added first wins");
    g_free(got);
    add(u, "priority=20,in_port=1,actions=output:21", 0);
    add(u, "priority=20,ip,actions=output:20", 0);
    got = actions_of(flow_table_lookup(u, &tcp, 60, 0));
    is_str(got, "output:21", "  (and the other way round)");
    g_free(got);

    ok(flow_table_rule_at(t, 0)->spec.priority == 20
           && flow_table_rule_at(t, 1)->spec.priority == 20
           && flow_table_rule_at(t, 2)->spec.priority == 10
           && flow_table_rule_at(t, 3)->spec.priority == 5
           && !flow_table_rule_at(t, 4),
       "rules are kept in lookup order");

    /* Replacing. */
    flow_table_lookup(t, &tcp, 60, 0);
    {
        struct flow_table_spec spec;
        char *err = NULL;

        g_assert(!flow_table_parse("priority=20,dl_type=0x0800,actions=drop",
                                   FLOW_TABLE_PARSE_ADD, NULL, NULL, &spec,
                                   &err));
        rc = flow_table_add(t, &spec, 100);
        is_int(rc, 1, "the same match and priority replace a rule");
        ok(!spec.actions && !spec.n_actions,
           "flow_table_add() took the actions");
        flow_table_spec_destroy(&spec);

        g_assert(!flow_table_parse("cookie=1/1", FLOW_TABLE_PARSE_FILTER,
                                   NULL, NULL, &spec, &err));
        is_int(flow_table_add(t, &spec, 0), -EINVAL,
               "a spec with a cookie mask cannot be added");
        flow_table_spec_destroy(&spec);
    }
    is_int((long long) flow_table_count(t), 4, "  still four rules");
    got = actions_of(flow_table_lookup(t, &tcp, 60, 100));
    is_str(got, "output:21", "the replacement is newer than its equal");
    g_free(got);
    ok(flow_table_rule_at(t, 1)->n_packets == 0
           && flow_table_rule_at(t, 1)->spec.n_actions == 0,
       "the replacement has the new actions and fresh counters");
    add(t, "priority=21,ip,actions=drop", 0);
    is_int((long long) flow_table_count(t), 5,
           "the same match at another priority is another rule");
    flow_table_destroy(t);
    flow_table_destroy(u);
    flow_table_destroy(NULL);
}

static void
test_delete(void)
{
    static const char *rules[] = {
        "priority=1,in_port=1,actions=drop",
        "priority=2,in_port=1,dl_vlan=5,actions=drop",
        "priority=3,in_port=2,actions=drop",
        "priority=4,actions=drop",
        "priority=5,arp,actions=drop",
        "priority=6,in_port=1,arp,actions=drop",
        "priority=7,ip,actions=drop",
        "priority=8,tcp,tp_dst=80,actions=drop",
        "priority=9,ip,nw_src=10.1.2.3,actions=drop",
        "priority=10,ip,nw_src=10.0.0.0/16,actions=drop",
        "priority=11,ip,nw_src=10.0.0.0/7,actions=drop",
        "cookie=0x15,priority=12,actions=drop",
        "cookie=0x25,priority=13,actions=drop",
    };
    static const struct {
        const char *filter;
        bool strict;
        const char *left;       /* priorities left, as a string */
    } steps[] = {
        {"in_port=1", false, "13 12 11 10 9 8 7 5 4 3"},
        {"ip,nw_src=10.0.0.0/8", false, "13 12 11 8 7 5 4 3"},
        {"priority=5,arp", true, "13 12 11 8 7 4 3"},
        {"priority=6,tcp", true, "13 12 11 8 7 4 3"},
        {"cookie=0x05/0x0f", false, "11 8 7 4 3"},
        {"ip", false, "4 3"},
        {"priority=4", true, "3"},
        {"", false, ""},
    };
    struct flow_table *t = flow_table_create();

    for (size_t i = 0; i < G_N_ELEMENTS(rules); i++) {
        add(t, rules[i], 0);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(steps); i++) {
        GString *left = g_string_new(NULL);
        const struct flow_table_rule *r;

        del(t, steps[i].filter, steps[i].strict);
        for (size_t j = 0; (r = flow_table_rule_at(t, j)); j++) {
            g_string_append_printf(left, "%s%u", j ? " " : "",
                                   r->spec.priority);
        }
        is_str(left->str, steps[i].left, "del-flows%s \"%s\"",
               steps[i].strict ? " --strict" : "", steps[i].filter);
        g_string_free(left, TRUE);
    }
    flow_table_destroy(t);
}

static void
test_timeouts(void)
{
    struct flow_table *t = flow_table_create();
    struct flow key = key_of(1, ARP_REQ_FROM_PEER, NULL);
    char *got;

    add(t, "priority=1,actions=output:1", 0);
    add(t, "priority=10,idle_timeout=10,arp,actions=output:10", 0);
    add(t, "priority=20,hard_timeout=30,in_port=1,actions=output:20", 0);
    is_int(flow_table_next_expiry(t), 10000, "next expiry: the idle rule");

    got = actions_of(flow_table_lookup(t, &key, 60, 29999));
    is_str(got, "output:20", "hard_timeout=30 rule alive at 29.999 s");
    g_free(got);
    got = actions_of(flow_table_lookup(t, &key, 60, 30000));
    is_str(got, "output:1",
           "at 30 s it is gone, and so is the idle rule (unused since 0)");
    g_free(got);
    is_int((long long) flow_table_count(t), 3,
           "expired rules are kept until flow_table_expire()");
    is_int((long long) flow_table_expire(t, 30000), 2, "which frees both");
    is_int(flow_table_next_expiry(t), LLONG_MAX,
           "next expiry with no timeouts: LLONG_MAX");

    add(t, "priority=10,idle_timeout=10,arp,actions=output:10", 40000);
    got = actions_of(flow_table_lookup(t, &key, 60, 49000));
    is_str(got, "output:10", "an idle rule hit at 49 s (added at 40 s)");
    g_free(got);
    is_int(flow_table_next_expiry(t), 59000, "  is now due at 59 s");
    got = actions_of(flow_table_lookup(t, &key, 60, 58999));
    is_str(got, "output:10", "  hit again at 58.999 s");
    g_free(got);
    got = actions_of(flow_table_lookup(t, &key, 60, 68999));
    is_str(got, "output:1",
           "  idle for 10 s at 68.999 s: the cached entry is not used");
    g_free(got);
    is_int((long long) flow_table_expire(t, 68999), 1, "  and it is freed");

    add(t, "priority=30,hard_timeout=5,idle_timeout=100,actions=drop",
        100000);
    for (long long now = 100000; now < 105000; now += 1000) {
        flow_table_lookup(t, &key, 60, now);
    }
    got = actions_of(flow_table_lookup(t, &key, 60, 105000));
    is_str(got, "output:1", "hard_timeout holds even for a busy rule");
    g_free(got);
    flow_table_destroy(t);
}

static void
test_cache(void)
{
    struct flow_table *t = flow_table_create();
    struct flow a = key_of(1, ARP_REQ_FROM_PEER, NULL);
    struct flow b = key_of(2, IP_TO_M, NULL);
    uint64_t hits, misses;
    const struct flow_table_rule *r;
    char *got;

    add(t, "priority=1,in_port=1,actions=output:2", 0);
    ok(!flow_table_lookup(t, &b, 60, 0), "a miss");
    ok(!flow_table_lookup(t, &b, 60, 0), "the same miss again");
    flow_table_cache_stats(t, &hits, &misses);
    ok(hits == 1 && misses == 1, "the second came from the cache (%llu/%llu)",
       (unsigned long long) hits, (unsigned long long) misses);
    add(t, "priority=1,in_port=2,actions=output:1", 0);
    got = actions_of(flow_table_lookup(t, &b, 60, 0));
    is_str(got, "output:1", "adding a rule invalidates a cached miss");
    g_free(got);

    for (int i = 0; i < 10; i++) {
        flow_table_lookup(t, &a, 100, 0);
    }
    flow_table_cache_stats(t, &hits, &misses);
    ok(hits == 10 && misses == 3, "ten lookups of one key: one scan (%llu)",
       (unsigned long long) misses);
    r = flow_table_lookup(t, &a, 100, 0);
    ok(r && r->n_packets == 11 && r->n_bytes == 1100,
       "cached hits are counted on the rule");

    add(t, "priority=50,arp,actions=LOCAL", 0);
    got = actions_of(flow_table_lookup(t, &a, 60, 0));
    is_str(got, "LOCAL", "adding a better rule invalidates a cached hit");
    g_free(got);
    del(t, "arp", false);
    got = actions_of(flow_table_lookup(t, &a, 60, 0));
    is_str(got, "output:2", "deleting it does too");
    g_free(got);

    /* Many keys over many rules: every answer, cached or not, is the
     * first matching rule in lookup order. */
    {
        int wrong = 0;

        for (int i = 0; i < 50; i++) {
            char *f = g_strdup_printf("priority=%d,udp,tp_dst=%d,"
                                      "actions=output:%d",
                                      100 + i % 7, 1000 + i, i + 1);

            add(t, f, 0);
            g_free(f);
        }
        flow_table_cache_stats(t, &hits, &misses);
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 2000; i++) {
                struct flow k = b;
                const struct flow_table_rule *want = NULL;

                k.tp_dst = (uint16_t) (990 + i % 200 % 70);
                k.tp_src = (uint16_t) (i % 200);
                for (size_t j = 0; (r = flow_table_rule_at(t, j)); j++) {
                    if (flow_table_match_matches(&r->spec.match, &k)) {
                        want = r;
                        break;
                    }
                }
                wrong += flow_table_lookup(t, &k, 60, 0) != want;
            }
        }
        is_int(wrong, 0, "6000 lookups of 200 keys: each the first match");
        {
            uint64_t h0 = hits, m0 = misses;

            flow_table_cache_stats(t, &hits, &misses);
            ok(hits - h0 >= 4000 && misses - m0 <= 2000 && misses - m0 >= 200,
               "repeated keys were answered by the cache (%llu hits, %llu "
               "misses)",
               (unsigned long long) (hits - h0),
               (unsigned long long) (misses - m0));
        }
    }
    flow_table_destroy(t);
}

static void
test_dump(void)
{
    struct flow_table *t = flow_table_create();
    struct flow key;
    uint32_t len;
    char *text;
    struct flow_table_spec filter;
    char *err = NULL;
    GString *s;

    add(t, "idle_timeout=0,priority=0,in_port=1,arp,nw_proto=1,"
           "actions=local",
        1000);
    add(t, "priority=7 tcp nw_src=10.0.0.0/8 tp_dst=80 idle_timeout=30 "
           "hard_timeout=60 actions=output:1,2",
        2000);
    key = key_of(1, ARP_REQ_FROM_PEER, &len);
    flow_table_lookup(t, &key, len, 2100);
    flow_table_lookup(t, &key, len, 2400);
    add(t, "cookie=0x5,priority=15,actions=drop", 2500);
    add(t, "actions=NORMAL", 3000);

    text = dump(t, 0, 5234);
    is_str(text,
           " cookie=0x0, duration=2.234s, table=0, n_packets=0, n_bytes=0, "
           "idle_age=2, actions=NORMAL\n"
           " cookie=0x5, duration=2.734s, table=0, n_packets=0, n_bytes=0, "
           "idle_age=2, priority=15 actions=drop\n"
           " cookie=0x0, duration=3.234s, table=0, n_packets=0, n_bytes=0, "
           "idle_timeout=30, hard_timeout=60, idle_age=3, priority=7,tcp,"
           "nw_src=10.0.0.0/8,tp_dst=80 actions=output:1,output:2\n"
           " cookie=0x0, duration=4.234s, table=0, n_packets=2, n_bytes=84, "
           "idle_age=2, priority=0,arp,in_port=1,arp_op=1 actions=LOCAL\n",
           "dump-flows, as ovs-ofctl prints it");
    g_free(text);

    text = dump(t, FLOW_TABLE_DUMP_NO_STATS, 5234);
    is_str(text,
           " actions=NORMAL\n"
           " cookie=0x5, priority=15 actions=drop\n"
           " idle_timeout=30, hard_timeout=60, priority=7,tcp,"
           "nw_src=10.0.0.0/8,tp_dst=80 actions=output:1,output:2\n"
           " priority=0,arp,in_port=1,arp_op=1 actions=LOCAL\n",
           "dump-flows --no-stats");
    g_free(text);

    g_assert(!flow_table_parse("ip", FLOW_TABLE_PARSE_FILTER, NULL, NULL,
                               &filter, &err));
    s = g_string_new(NULL);
    flow_table_dump(t, &filter, 5234, FLOW_TABLE_DUMP_NO_STATS, s);
    is_str(s->str,
           " idle_timeout=30, hard_timeout=60, priority=7,tcp,"
           "nw_src=10.0.0.0/8,tp_dst=80 actions=output:1,output:2\n",
           "dump-flows with a filter");
    g_string_truncate(s, 0);
    flow_table_dump(t, &filter, 62000, FLOW_TABLE_DUMP_NO_STATS, s);
    is_str(s->str, "", "expired rules are not dumped");
    g_string_free(s, TRUE);
    flow_table_spec_destroy(&filter);
    flow_table_destroy(t);
}

int
main(void)
{
    test_good();
    test_bad();
    test_names_and_filters();
    test_escape_flows();
    test_priorities();
    test_delete();
    test_timeouts();
    test_cache();
    test_dump();
    return done_testing();
}
