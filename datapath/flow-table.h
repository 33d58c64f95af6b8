/* flow-table.h -- an OpenFlow 1.0-like flow table, and ovs-ofctl's flow
 * syntax for it.
 *
 * A rule is a match (any subset of in_port, dl_src, dl_dst, the VLAN,
 * dl_type, nw_proto, nw_src, nw_dst, tp_src, tp_dst; addresses and ports
 * may be masked), a priority (0..65535, default 32768), a cookie, idle and
 * hard timeouts in seconds, and a list of actions (empty: drop).  A lookup
 * finds the highest-priority rule matching a flow key (flow.h); among
 * rules of equal priority, the one added first.
 *
 * The table executes nothing: the switching daemon carries out the actions
 * of the rule it gets back.  As in OpenFlow 1.0, an output to the input
 * port happens only through FLOW_PORT_IN_PORT, and FLOOD and ALL leave out
 * the input port; FLOW_PORT_NORMAL hands the frame to the learning switch
 * (mac-learning.h, vlan.h, bond.h).
 *
 * Time is the caller's: 'now' is a monotonic time in milliseconds, as for
 * the MAC table.  A rule with idle_timeout I expires I seconds after its
 * last match (or its addition); with hard_timeout H, H seconds after its
 * addition.  Expired rules never match; flow_table_expire() frees them. */
#ifndef DATAPATH_FLOW_TABLE_H
#define DATAPATH_FLOW_TABLE_H 1

#include <glib.h>
#include <linux/if_ether.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flow.h"

#define FLOW_TABLE_DEFAULT_PRIORITY 32768

/* What a rule matches.  Each field is a value and a mask: a packet field
 * F matches if (F & mask) == value.  A mask of 0 is a wildcard; values are
 * kept with the bits outside their mask cleared.  vlan_tci is compared
 * with flow_vlan_tci() of the key: dl_vlan=V is value FLOW_VLAN_PRESENT|V,
 * mask 0x1fff; "no tag" (dl_vlan=0xffff) is value 0, mask 0xffff. */
struct flow_table_match {
    uint32_t in_port, in_port_mask;
    uint8_t dl_src[ETH_ALEN], dl_src_mask[ETH_ALEN];
    uint8_t dl_dst[ETH_ALEN], dl_dst_mask[ETH_ALEN];
    uint16_t vlan_tci, vlan_tci_mask;
    uint16_t dl_type, dl_type_mask;
    uint8_t nw_proto, nw_proto_mask;
    uint32_t nw_src, nw_src_mask;
    uint32_t nw_dst, nw_dst_mask;
    uint16_t tp_src, tp_src_mask;
    uint16_t tp_dst, tp_dst_mask;
};

enum flow_table_action_type {
    FLOW_TABLE_ACTION_OUTPUT,   /* 'arg': a port or a FLOW_PORT_* */
    FLOW_TABLE_ACTION_STRIP_VLAN,
    FLOW_TABLE_ACTION_MOD_VLAN_VID, /* 'arg': 0..4095 (tags if untagged) */
    FLOW_TABLE_ACTION_MOD_VLAN_PCP, /* 'arg': 0..7 (tags if untagged) */
};

struct flow_table_action {
    enum flow_table_action_type type;
    uint32_t arg;
};

/* A rule as add-flow describes it, or a filter for del-flows/dump-flows.
 * 'actions' is owned (g_malloc). */
struct flow_table_spec {
    struct flow_table_match match;
    uint16_t priority;
    uint64_t cookie;
    uint64_t cookie_mask;       /* filters only; 0 in rules */
    uint16_t idle_timeout;      /* seconds, 0 = none */
    uint16_t hard_timeout;      /* seconds, 0 = none */
    struct flow_table_action *actions;
    size_t n_actions;           /* 0: drop */
};

/* A rule in a table.  Read-only for callers; valid until the next change
 * to the table (add, delete, expire, destroy). */
struct flow_table_rule {
    struct flow_table_spec spec;
    uint64_t n_packets;
    uint64_t n_bytes;
    long long created;          /* ms */
    long long used;             /* ms, last match (or 'created') */
    uint64_t seq;               /* order of addition */
};

/* Match helpers. */

/* A match that matches everything. */
void flow_table_match_init_catchall(struct flow_table_match *m);

/* Clears the value bits that are outside each field's mask. */
void flow_table_match_normalize(struct flow_table_match *m);

/* True if 'key' matches 'm'. */
bool flow_table_match_matches(const struct flow_table_match *m,
                              const struct flow *key);

/* True if 'a' and 'b' (both normalized) match exactly the same packets. */
bool flow_table_match_equal(const struct flow_table_match *a,
                            const struct flow_table_match *b);

/* True if every packet 'rule' matches is also matched by 'filter' (both
 * normalized): the rule constrains at least the fields (and bits) the
 * filter does, to the same values.  That is what a non-strict del-flows or
 * dump-flows selects. */
bool flow_table_match_covers(const struct flow_table_match *filter,
                             const struct flow_table_match *rule);

/* Specs. */

/* A catch-all spec with the default priority, no timeouts, cookie 0 and no
 * actions. */
void flow_table_spec_init(struct flow_table_spec *spec);

/* Frees what 'spec' owns (its actions) and reinitialises it.  Accepts
 * NULL. */
void flow_table_spec_destroy(struct flow_table_spec *spec);

/* Parsing, with ovs-ofctl's syntax. */

enum flow_table_parse_mode {
    FLOW_TABLE_PARSE_ADD,       /* add-flow: actions required */
    FLOW_TABLE_PARSE_FILTER,    /* del-flows, dump-flows: no actions */
};

/* Resolves a port name that is not a number or a reserved name: returns
 * the port number, or a negative errno if there is no such port. */
typedef int flow_table_port_lookup_func(const char *name, void *aux);

/* Parses 's', a flow in ovs-ofctl's syntax: "field=value" (or
 * "field:value") items and protocol shorthands (ip, icmp, tcp, udp, arp,
 * rarp, ipv6), separated by commas and/or white space, and, for
 * FLOW_TABLE_PARSE_ADD, "actions=" followed by the action list up to the
 * end of the string.  Field names are case-sensitive; reserved port names
 * (LOCAL, IN_PORT, NORMAL, FLOOD, ALL) and action names are not.  As in
 * ovs-ofctl a field given twice keeps its last value.
 *
 * Fields: priority, cookie (in filters value[/mask]; without a mask the
 * cookie must match exactly), table (only 0),
 * idle_timeout, hard_timeout (add only), in_port, dl_src, dl_dst
 * (mac[/mask]), dl_vlan (0..4095, or 0xffff: no tag), dl_vlan_pcp,
 * vlan_tci (value[/mask]), dl_type, nw_src, nw_dst (a.b.c.d[/prefix or
 * /mask]), nw_proto, arp_spa, arp_tpa, arp_op, tp_src, tp_dst
 * (value[/mask]), tcp_src, tcp_dst, udp_src, udp_dst, icmp_type,
 * icmp_code.  Network fields need ip, arp or rarp; transport fields need
 * tcp, udp or icmp (checked once the whole string is read).
 *
 * Actions: output:PORT (also output=PORT, or a bare PORT), local, normal,
 * flood, all, in_port, drop (alone), strip_vlan, mod_vlan_vid:VID,
 * mod_vlan_pcp:PCP; "actions=" with nothing after it is drop.  A PORT is a
 * number below 0xff00, a reserved name (or its OpenFlow 1.0 number), or a
 * name that 'lookup' (if non-NULL) resolves.
 *
 * On success returns 0 and fills '*spec' (destroy it with
 * flow_table_spec_destroy()).  On failure returns -EINVAL, leaves '*spec'
 * untouched and stores in '*errp' (free with g_free()) a message that
 * starts with the offending field, e.g. "dl_src: aa:bb:cc: invalid
 * Ethernet address". */
int flow_table_parse(const char *s, enum flow_table_parse_mode mode,
                     flow_table_port_lookup_func *lookup, void *aux,
                     struct flow_table_spec *spec, char **errp);

/* Formatting, as ovs-ofctl dump-flows prints. */

/* Appends 'm' ("arp,in_port=LOCAL,dl_src=..."), with shorthands, in
 * ovs-ofctl's order; nothing for a catch-all match. */
void flow_table_format_match(const struct flow_table_match *m, GString *out);

/* Appends the actions ("output:1,LOCAL", "drop" for none). */
void flow_table_format_actions(const struct flow_table_action *actions,
                               size_t n_actions, GString *out);

/* Appends 'spec' as `ovs-ofctl --no-stats dump-flows` shows a rule (no
 * leading space): "[cookie=0x5, ][idle_timeout=N, ][hard_timeout=N, ]
 * [priority=N,]MATCH actions=ACTIONS".  flow_table_parse() reads it back
 * to an equal spec. */
void flow_table_format_spec(const struct flow_table_spec *spec,
                            GString *out);

/* The table. */

struct flow_table;

/* An empty table.  Never returns NULL; free with flow_table_destroy(). */
struct flow_table *flow_table_create(void);

/* Frees 'table' and its rules.  Accepts NULL. */
void flow_table_destroy(struct flow_table *table);

/* Adds a rule made from 'spec' at time 'now', taking over its actions
 * ('spec' is left with none).  A rule with an identical match and priority
 * is replaced (counters start again from zero), as an OpenFlow add does;
 * the replacement ranks as the newest rule of its priority.
 * Returns 0 when added, 1 when a rule was replaced, or -EINVAL (with
 * 'spec' unchanged) for a spec carrying a cookie mask. */
int flow_table_add(struct flow_table *table, struct flow_table_spec *spec,
                   long long now);

/* Deletes the rules 'filter' selects: non-strict, every rule whose match
 * the filter's covers (flow_table_match_covers()); strict, every rule with
 * an equal match and the filter's priority.  Rules whose cookie differs
 * from the filter's under its cookie mask are kept.  A NULL filter deletes
 * every rule.  Returns the number deleted. */
size_t flow_table_delete(struct flow_table *table,
                         const struct flow_table_spec *filter, bool strict);

/* Finds the rule for 'key' at time 'now': the highest-priority unexpired
 * rule that matches (the earliest added among equals), counts the packet
 * ('n_bytes' long) on it and marks it used.  Returns it, or NULL if no
 * rule matches.  An exact-match cache of recent keys, cleared by every
 * change to the table, answers repeated keys without scanning the
 * rules. */
const struct flow_table_rule *flow_table_lookup(struct flow_table *table,
                                                const struct flow *key,
                                                uint32_t n_bytes,
                                                long long now);

/* Frees the rules expired at 'now'.  Returns how many. */
size_t flow_table_expire(struct flow_table *table, long long now);

/* When the next rule expires unless it matches again (for a poll timer),
 * or LLONG_MAX if none has a timeout. */
long long flow_table_next_expiry(const struct flow_table *table);

/* The number of rules, expired ones not yet freed included. */
size_t flow_table_count(const struct flow_table *table);

/* The rules in lookup order: highest priority first, then by age.  Valid
 * until the table changes. */
const struct flow_table_rule *flow_table_rule_at(const struct flow_table *t,
                                                 size_t index);

/* Exact-match cache counters since creation, for tests and statistics. */
void flow_table_cache_stats(const struct flow_table *table, uint64_t *hits,
                            uint64_t *misses);

#define FLOW_TABLE_DUMP_NO_STATS 1 /* as ovs-ofctl --no-stats */

/* Appends one line per unexpired rule that 'filter' (NULL: all) selects
 * non-strictly, in lookup order, as `ovs-ofctl dump-flows` prints them:
 * " cookie=0x0, duration=1.234s, table=0, n_packets=N, n_bytes=N,
 * [idle_timeout=N, ][hard_timeout=N, ]idle_age=N, [priority=N,]MATCH
 * actions=ACTIONS\n", or with FLOW_TABLE_DUMP_NO_STATS in 'flags' " " and
 * flow_table_format_spec(). */
void flow_table_dump(const struct flow_table *table,
                     const struct flow_table_spec *filter, long long now,
                     unsigned int flags, GString *out);

#endif /* datapath/flow-table.h */
