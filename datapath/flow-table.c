/* flow-table.c -- the OpenFlow 1.0-like flow table and ovs-ofctl's flow
 * syntax.
 *
 * Three parts: matching (a value and a mask per field, so that lookup,
 * "covers" for del-flows and equality for add are each one loop of bit
 * tests); the parser and formatter of ovs-ofctl's textual flows, which
 * the ofctl tool and the switching daemon share; and the table itself, a
 * vector of rules kept sorted by priority (then age) and scanned in order.
 * The tables interface-reconfigure installs hold tens of rules, so the
 * scan is cheap; in front of it a direct-mapped exact-match cache keyed by
 * the whole flow key (flow.h) answers repeated packets, and any change to
 * the table invalidates it by bumping a generation number.  Keys come
 * from flow.c; what to do with a rule's actions is the switching daemon's
 * business (see flow-table.h). */
#include <config.h>

#include "flow-table.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <string.h>
#include <stdarg.h>
#include <strings.h>

#include "util.h"

#define ETH_TYPE_RARP 0x8035
#define ETH_TYPE_IPV6 0x86dd

#define IP_PROTO_ICMP 1
#define IP_PROTO_TCP 6
#define IP_PROTO_UDP 17

/* ------------------------------------------------------------------------
 * Matches. */

void
flow_table_match_init_catchall(struct flow_table_match *m)
{
    memset(m, 0, sizeof *m);
}

void
flow_table_match_normalize(struct flow_table_match *m)
{
    m->in_port &= m->in_port_mask;
    for (int i = 0; i < ETH_ALEN; i++) {
        m->dl_src[i] &= m->dl_src_mask[i];
        m->dl_dst[i] &= m->dl_dst_mask[i];
    }
    m->vlan_tci &= m->vlan_tci_mask;
    m->dl_type &= m->dl_type_mask;
    m->nw_proto &= m->nw_proto_mask;
    m->nw_src &= m->nw_src_mask;
    m->nw_dst &= m->nw_dst_mask;
    m->tp_src &= m->tp_src_mask;
    m->tp_dst &= m->tp_dst_mask;
}

static bool
mac_matches(const uint8_t value[ETH_ALEN], const uint8_t mask[ETH_ALEN],
            const uint8_t mac[ETH_ALEN])
{
    for (int i = 0; i < ETH_ALEN; i++) {
        if ((mac[i] & mask[i]) != value[i]) {
            return false;
        }
    }
    return true;
}

bool
flow_table_match_matches(const struct flow_table_match *m,
                         const struct flow *key)
{
    return ((key->in_port & m->in_port_mask) == m->in_port
            && mac_matches(m->dl_src, m->dl_src_mask, key->dl_src)
            && mac_matches(m->dl_dst, m->dl_dst_mask, key->dl_dst)
            && (flow_vlan_tci(key) & m->vlan_tci_mask) == m->vlan_tci
            && (key->dl_type & m->dl_type_mask) == m->dl_type
            && (key->nw_proto & m->nw_proto_mask) == m->nw_proto
            && (key->nw_src & m->nw_src_mask) == m->nw_src
            && (key->nw_dst & m->nw_dst_mask) == m->nw_dst
            && (key->tp_src & m->tp_src_mask) == m->tp_src
            && (key->tp_dst & m->tp_dst_mask) == m->tp_dst);
}

bool
flow_table_match_equal(const struct flow_table_match *a,
                       const struct flow_table_match *b)
{
    return (a->in_port == b->in_port && a->in_port_mask == b->in_port_mask
            && !memcmp(a->dl_src, b->dl_src, ETH_ALEN)
            && !memcmp(a->dl_src_mask, b->dl_src_mask, ETH_ALEN)
            && !memcmp(a->dl_dst, b->dl_dst, ETH_ALEN)
            && !memcmp(a->dl_dst_mask, b->dl_dst_mask, ETH_ALEN)
            && a->vlan_tci == b->vlan_tci
            && a->vlan_tci_mask == b->vlan_tci_mask
            && a->dl_type == b->dl_type && a->dl_type_mask == b->dl_type_mask
            && a->nw_proto == b->nw_proto
            && a->nw_proto_mask == b->nw_proto_mask
            && a->nw_src == b->nw_src && a->nw_src_mask == b->nw_src_mask
            && a->nw_dst == b->nw_dst && a->nw_dst_mask == b->nw_dst_mask
            && a->tp_src == b->tp_src && a->tp_src_mask == b->tp_src_mask
            && a->tp_dst == b->tp_dst && a->tp_dst_mask == b->tp_dst_mask);
}

/* Whether a field with filter value/mask 'fv'/'fm' covers one with rule
 * value/mask 'rv'/'rm': the rule fixes every bit the filter fixes, to the
 * filter's values. */
static bool
field_covers(uint32_t fv, uint32_t fm, uint32_t rv, uint32_t rm)
{
    return (fm & ~rm) == 0 && (rv & fm) == fv;
}

bool
flow_table_match_covers(const struct flow_table_match *f,
                        const struct flow_table_match *r)
{
    for (int i = 0; i < ETH_ALEN; i++) {
        if (!field_covers(f->dl_src[i], f->dl_src_mask[i], r->dl_src[i],
                          r->dl_src_mask[i])
            || !field_covers(f->dl_dst[i], f->dl_dst_mask[i], r->dl_dst[i],
                             r->dl_dst_mask[i])) {
            return false;
        }
    }
    return (field_covers(f->in_port, f->in_port_mask, r->in_port,
                         r->in_port_mask)
            && field_covers(f->vlan_tci, f->vlan_tci_mask, r->vlan_tci,
                            r->vlan_tci_mask)
            && field_covers(f->dl_type, f->dl_type_mask, r->dl_type,
                            r->dl_type_mask)
            && field_covers(f->nw_proto, f->nw_proto_mask, r->nw_proto,
                            r->nw_proto_mask)
            && field_covers(f->nw_src, f->nw_src_mask, r->nw_src,
                            r->nw_src_mask)
            && field_covers(f->nw_dst, f->nw_dst_mask, r->nw_dst,
                            r->nw_dst_mask)
            && field_covers(f->tp_src, f->tp_src_mask, r->tp_src,
                            r->tp_src_mask)
            && field_covers(f->tp_dst, f->tp_dst_mask, r->tp_dst,
                            r->tp_dst_mask));
}

/* ------------------------------------------------------------------------
 * Specs. */

void
flow_table_spec_init(struct flow_table_spec *spec)
{
    memset(spec, 0, sizeof *spec);
    flow_table_match_init_catchall(&spec->match);
    spec->priority = FLOW_TABLE_DEFAULT_PRIORITY;
}

void
flow_table_spec_destroy(struct flow_table_spec *spec)
{
    if (spec) {
        g_free(spec->actions);
        flow_table_spec_init(spec);
    }
}

/* ------------------------------------------------------------------------
 * Parsing. */

/* Reserved port names, as ovs-ofctl spells them. */
static const struct {
    const char *name;
    uint32_t port;
} reserved_ports[] = {
    {"IN_PORT", FLOW_PORT_IN_PORT},
    {"TABLE", 0xfff9},
    {"NORMAL", FLOW_PORT_NORMAL},
    {"FLOOD", FLOW_PORT_FLOOD},
    {"ALL", FLOW_PORT_ALL},
    {"CONTROLLER", FLOW_PORT_CONTROLLER},
    {"LOCAL", FLOW_PORT_LOCAL},
    {"NONE", FLOW_PORT_NONE},
};

/* Fields whose prerequisites are checked after the whole flow is read. */
enum prereq_slot {
    SLOT_NW_SRC,
    SLOT_NW_DST,
    SLOT_NW_PROTO,
    SLOT_TP_SRC,
    SLOT_TP_DST,
    N_SLOTS
};

enum prereq {
    NEED_NONE,
    NEED_IP_OR_ARP,
    NEED_ARP,
    NEED_L4,
    NEED_TCP,
    NEED_UDP,
    NEED_ICMP,
};

struct parse_ctx {
    struct flow_table_spec spec;
    enum flow_table_parse_mode mode;
    flow_table_port_lookup_func *lookup;
    void *aux;
    char **errp;
    bool drop;                  /* "drop" seen among the actions */
    struct {
        enum prereq need;
        const char *name;
    } slots[N_SLOTS];
};

static int PRINTF_FORMAT(2, 3)
parse_error(struct parse_ctx *ctx, const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    *ctx->errp = g_strdup_vprintf(fmt, args);
    va_end(args);
    return -EINVAL;
}

/* Parses an unsigned number, decimal or 0x-prefixed hex, of at most
 * 'max'.  Returns 0, -EINVAL (not a number) or -ERANGE. */
static int
str_to_uint(const char *s, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    int base = 10;
    bool any = false;

    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    for (; *s; s++) {
        int d;

        if (*s >= '0' && *s <= '9') {
            d = *s - '0';
        } else if (base == 16 && *s >= 'a' && *s <= 'f') {
            d = *s - 'a' + 10;
        } else if (base == 16 && *s >= 'A' && *s <= 'F') {
            d = *s - 'A' + 10;
        } else {
            return -EINVAL;
        }
        if (v > (UINT64_MAX - (uint64_t) d) / (uint64_t) base) {
            return -ERANGE;
        }
        v = v * (uint64_t) base + (uint64_t) d;
        any = true;
    }
    if (!any) {
        return -EINVAL;
    }
    if (v > max) {
        return -ERANGE;
    }
    *out = v;
    return 0;
}

static int
parse_uint(struct parse_ctx *ctx, const char *field, const char *value,
           uint64_t max, uint64_t *out)
{
    int error = str_to_uint(value, max, out);

    if (!*value) {
        return parse_error(ctx, "%s: missing value", field);
    } else if (error == -ERANGE) {
        return parse_error(ctx, "%s: %s: out of range (0 to %" PRIu64 ")",
                           field, value, max);
    } else if (error) {
        return parse_error(ctx, "%s: %s: not a number", field, value);
    }
    return 0;
}

/* "VALUE" or "VALUE/MASK", each at most 'max'; no mask: all ones. */
static int
parse_uint_masked(struct parse_ctx *ctx, const char *field, const char *value,
                  uint64_t max, uint64_t *v, uint64_t *m)
{
    char *copy = g_strdup(value);
    char *slash = strchr(copy, '/');
    int error;

    if (slash) {
        *slash = '\0';
    }
    error = parse_uint(ctx, field, copy, max, v);
    if (!error) {
        if (slash) {
            error = parse_uint(ctx, field, slash + 1, max, m);
        } else {
            *m = max;
        }
    }
    g_free(copy);
    return error;
}

static int
parse_mac_masked(struct parse_ctx *ctx, const char *field, const char *value,
                 uint8_t mac[ETH_ALEN], uint8_t mask[ETH_ALEN])
{
    char *copy = g_strdup(value);
    char *slash = strchr(copy, '/');
    int error = 0;

    if (slash) {
        *slash = '\0';
    }
    if (flow_mac_from_string(copy, mac)) {
        error = parse_error(ctx, "%s: %s: invalid Ethernet address", field,
                            copy);
    } else if (slash) {
        if (flow_mac_from_string(slash + 1, mask)) {
            error = parse_error(ctx, "%s: %s: invalid Ethernet mask", field,
                                slash + 1);
        }
    } else {
        memset(mask, 0xff, ETH_ALEN);
    }
    g_free(copy);
    return error;
}

static int
parse_ip_masked(struct parse_ctx *ctx, const char *field, const char *value,
                uint32_t *ip, uint32_t *mask)
{
    char *copy = g_strdup(value);
    char *slash = strchr(copy, '/');
    struct in_addr a;
    int error = 0;

    if (slash) {
        *slash = '\0';
    }
    if (inet_pton(AF_INET, copy, &a) != 1) {
        error = parse_error(ctx, "%s: %s: invalid IPv4 address", field, copy);
        goto out;
    }
    *ip = ntohl(a.s_addr);
    if (!slash) {
        *mask = UINT32_MAX;
    } else if (strchr(slash + 1, '.')) {
        if (inet_pton(AF_INET, slash + 1, &a) != 1) {
            error = parse_error(ctx, "%s: %s: invalid IPv4 mask", field,
                                slash + 1);
            goto out;
        }
        *mask = ntohl(a.s_addr);
    } else {
        uint64_t plen;

        if (str_to_uint(slash + 1, 32, &plen)) {
            error = parse_error(ctx,
                                "%s: %s: prefix length not between 0 and 32",
                                field, slash + 1);
            goto out;
        }
        *mask = plen ? UINT32_MAX << (32 - plen) : 0;
    }
out:
    g_free(copy);
    return error;
}

/* A port: a number below FLOW_PORT_MAX, a reserved name or number, or a
 * name the lookup function knows.  'what' is the field for messages. */
static int
parse_port(struct parse_ctx *ctx, const char *what, const char *value,
           uint32_t *port)
{
    uint64_t n;

    for (size_t i = 0; i < G_N_ELEMENTS(reserved_ports); i++) {
        if (!strcasecmp(value, reserved_ports[i].name)) {
            *port = reserved_ports[i].port;
            return 0;
        }
    }
    if (!str_to_uint(value, UINT16_MAX, &n)) {
        *port = (uint32_t) n;
        return 0;
    }
    if (ctx->lookup) {
        int p = ctx->lookup(value, ctx->aux);

        if (p >= 0) {
            *port = (uint32_t) p;
            return 0;
        }
    }
    return parse_error(ctx, "%s: %s: invalid or unknown port", what, value);
}

static void
set_slot(struct parse_ctx *ctx, enum prereq_slot slot, enum prereq need,
         const char *name)
{
    ctx->slots[slot].need = need;
    ctx->slots[slot].name = name;
}

static void
set_dl_type(struct flow_table_match *m, uint16_t type)
{
    m->dl_type = type;
    m->dl_type_mask = UINT16_MAX;
}

static void
set_nw_proto(struct flow_table_match *m, uint8_t proto)
{
    m->nw_proto = proto;
    m->nw_proto_mask = UINT8_MAX;
}

/* Protocol shorthands: a field name with no value. */
static bool
parse_shorthand(struct parse_ctx *ctx, const char *name)
{
    static const struct {
        const char *name;
        uint16_t dl_type;
        int nw_proto;           /* -1: none */
    } shorthands[] = {
        {"ip", ETH_P_IP, -1},
        {"icmp", ETH_P_IP, IP_PROTO_ICMP},
        {"tcp", ETH_P_IP, IP_PROTO_TCP},
        {"udp", ETH_P_IP, IP_PROTO_UDP},
        {"arp", ETH_P_ARP, -1},
        {"rarp", ETH_TYPE_RARP, -1},
        {"ipv6", ETH_TYPE_IPV6, -1},
    };
    struct flow_table_match *m = &ctx->spec.match;

    for (size_t i = 0; i < G_N_ELEMENTS(shorthands); i++) {
        if (!strcmp(name, shorthands[i].name)) {
            set_dl_type(m, shorthands[i].dl_type);
            if (shorthands[i].nw_proto >= 0) {
                set_nw_proto(m, (uint8_t) shorthands[i].nw_proto);
            }
            return true;
        }
    }
    return false;
}

static int
parse_tp(struct parse_ctx *ctx, const char *name, const char *value,
         enum prereq_slot slot, enum prereq need)
{
    struct flow_table_match *m = &ctx->spec.match;
    uint64_t v, mask;
    int error;

    if (need == NEED_ICMP) {
        error = parse_uint(ctx, name, value, UINT8_MAX, &v);
        mask = UINT16_MAX;
    } else {
        error = parse_uint_masked(ctx, name, value, UINT16_MAX, &v, &mask);
    }
    if (error) {
        return error;
    }
    if (slot == SLOT_TP_SRC) {
        m->tp_src = (uint16_t) v;
        m->tp_src_mask = (uint16_t) mask;
    } else {
        m->tp_dst = (uint16_t) v;
        m->tp_dst_mask = (uint16_t) mask;
    }
    set_slot(ctx, slot, need, name);
    return 0;
}

static int
parse_nw_addr(struct parse_ctx *ctx, const char *name, const char *value,
              enum prereq_slot slot, enum prereq need)
{
    struct flow_table_match *m = &ctx->spec.match;
    uint32_t ip = 0, mask = 0;
    int error = parse_ip_masked(ctx, name, value, &ip, &mask);

    if (error) {
        return error;
    }
    if (slot == SLOT_NW_SRC) {
        m->nw_src = ip;
        m->nw_src_mask = mask;
    } else {
        m->nw_dst = ip;
        m->nw_dst_mask = mask;
    }
    set_slot(ctx, slot, need, name);
    return 0;
}

/* One "name=value" item of the match part ('value' NULL for a bare
 * name). */
static int
parse_field(struct parse_ctx *ctx, const char *name, const char *value)
{
    struct flow_table_spec *spec = &ctx->spec;
    struct flow_table_match *m = &spec->match;
    uint64_t v, mask;
    int error;

    if (!value) {
        if (parse_shorthand(ctx, name)) {
            return 0;
        }
        return parse_error(ctx, "%s: unknown field, or a field without a "
                                "value",
                           name);
    }

    if (!strcmp(name, "priority")) {
        error = parse_uint(ctx, name, value, UINT16_MAX, &v);
        if (!error) {
            spec->priority = (uint16_t) v;
        }
    } else if (!strcmp(name, "idle_timeout")
               || !strcmp(name, "hard_timeout")) {
        if (ctx->mode != FLOW_TABLE_PARSE_ADD) {
            return parse_error(ctx, "%s: not allowed in del-flows or "
                                    "dump-flows",
                               name);
        }
        error = parse_uint(ctx, name, value, UINT16_MAX, &v);
        if (!error) {
            if (name[0] == 'i') {
                spec->idle_timeout = (uint16_t) v;
            } else {
                spec->hard_timeout = (uint16_t) v;
            }
        }
    } else if (!strcmp(name, "cookie")) {
        if (ctx->mode == FLOW_TABLE_PARSE_ADD && strchr(value, '/')) {
            return parse_error(ctx, "cookie: %s: flow additions cannot use "
                                    "a cookie mask",
                               value);
        }
        error = parse_uint_masked(ctx, name, value, UINT64_MAX, &v, &mask);
        if (!error) {
            spec->cookie = v & mask;
            spec->cookie_mask = ctx->mode == FLOW_TABLE_PARSE_ADD ? 0 : mask;
        }
    } else if (!strcmp(name, "table")) {
        error = parse_uint(ctx, name, value, UINT8_MAX, &v);
        if (!error && v) {
            error = parse_error(ctx, "table: %s: only table 0 exists", value);
        }
    } else if (!strcmp(name, "in_port")) {
        uint32_t port;

        error = parse_port(ctx, name, value, &port);
        if (!error && port >= FLOW_PORT_MAX && port != FLOW_PORT_LOCAL) {
            error = parse_error(ctx, "in_port: %s: not a valid input port",
                                value);
        }
        if (!error) {
            m->in_port = port;
            m->in_port_mask = UINT32_MAX;
        }
    } else if (!strcmp(name, "dl_src")) {
        error = parse_mac_masked(ctx, name, value, m->dl_src, m->dl_src_mask);
    } else if (!strcmp(name, "dl_dst")) {
        error = parse_mac_masked(ctx, name, value, m->dl_dst, m->dl_dst_mask);
    } else if (!strcmp(name, "dl_vlan")) {
        error = parse_uint(ctx, name, value, UINT16_MAX, &v);
        if (!error && v == 0xffff) {
            m->vlan_tci = 0;
            m->vlan_tci_mask = UINT16_MAX;
        } else if (!error && v > 4095) {
            error = parse_error(ctx, "dl_vlan: %s: out of range (0 to 4095, "
                                     "or 0xffff for no tag)",
                                value);
        } else if (!error) {
            /* Keep any dl_vlan_pcp; drop a "no tag" match. */
            if (!(m->vlan_tci & FLOW_VLAN_PRESENT)) {
                m->vlan_tci = m->vlan_tci_mask = 0;
            }
            m->vlan_tci = (m->vlan_tci & 0xe000) | FLOW_VLAN_PRESENT
                          | (uint16_t) v;
            m->vlan_tci_mask |= 0x1fff;
        }
    } else if (!strcmp(name, "dl_vlan_pcp")) {
        error = parse_uint(ctx, name, value, 7, &v);
        if (!error) {
            if (!(m->vlan_tci & FLOW_VLAN_PRESENT)) {
                m->vlan_tci = m->vlan_tci_mask = 0;
            }
            m->vlan_tci = (m->vlan_tci & 0x0fff) | FLOW_VLAN_PRESENT
                          | (uint16_t) (v << 13);
            m->vlan_tci_mask |= 0xf000;
        }
    } else if (!strcmp(name, "vlan_tci")) {
        error = parse_uint_masked(ctx, name, value, UINT16_MAX, &v, &mask);
        if (!error) {
            m->vlan_tci = (uint16_t) (v & mask);
            m->vlan_tci_mask = (uint16_t) mask;
        }
    } else if (!strcmp(name, "dl_type")) {
        error = parse_uint(ctx, name, value, UINT16_MAX, &v);
        if (!error) {
            set_dl_type(m, (uint16_t) v);
        }
    } else if (!strcmp(name, "nw_proto") || !strcmp(name, "arp_op")) {
        error = parse_uint(ctx, name, value, UINT8_MAX, &v);
        if (!error) {
            set_nw_proto(m, (uint8_t) v);
            set_slot(ctx, SLOT_NW_PROTO,
                     name[0] == 'n' ? NEED_IP_OR_ARP : NEED_ARP, name);
        }
    } else if (!strcmp(name, "nw_src")) {
        error = parse_nw_addr(ctx, name, value, SLOT_NW_SRC, NEED_IP_OR_ARP);
    } else if (!strcmp(name, "nw_dst")) {
        error = parse_nw_addr(ctx, name, value, SLOT_NW_DST, NEED_IP_OR_ARP);
    } else if (!strcmp(name, "arp_spa")) {
        error = parse_nw_addr(ctx, name, value, SLOT_NW_SRC, NEED_ARP);
    } else if (!strcmp(name, "arp_tpa")) {
        error = parse_nw_addr(ctx, name, value, SLOT_NW_DST, NEED_ARP);
    } else if (!strcmp(name, "tp_src")) {
        error = parse_tp(ctx, name, value, SLOT_TP_SRC, NEED_L4);
    } else if (!strcmp(name, "tp_dst")) {
        error = parse_tp(ctx, name, value, SLOT_TP_DST, NEED_L4);
    } else if (!strcmp(name, "tcp_src")) {
        error = parse_tp(ctx, name, value, SLOT_TP_SRC, NEED_TCP);
    } else if (!strcmp(name, "tcp_dst")) {
        error = parse_tp(ctx, name, value, SLOT_TP_DST, NEED_TCP);
    } else if (!strcmp(name, "udp_src")) {
        error = parse_tp(ctx, name, value, SLOT_TP_SRC, NEED_UDP);
    } else if (!strcmp(name, "udp_dst")) {
        error = parse_tp(ctx, name, value, SLOT_TP_DST, NEED_UDP);
    } else if (!strcmp(name, "icmp_type")) {
        error = parse_tp(ctx, name, value, SLOT_TP_SRC, NEED_ICMP);
    } else if (!strcmp(name, "icmp_code")) {
        error = parse_tp(ctx, name, value, SLOT_TP_DST, NEED_ICMP);
    } else if (parse_shorthand(ctx, name)) {
        return parse_error(ctx, "%s: a protocol name takes no value", name);
    } else {
        return parse_error(ctx, "%s: unknown field", name);
    }
    return error;
}

/* After the whole match is read: every network or transport field has the
 * protocol it needs. */
static int
check_prereqs(struct parse_ctx *ctx)
{
    const struct flow_table_match *m = &ctx->spec.match;
    int dl_type = m->dl_type_mask == UINT16_MAX ? m->dl_type : -1;
    int proto = m->nw_proto_mask == UINT8_MAX ? m->nw_proto : -1;
    bool ip = dl_type == ETH_P_IP;
    bool arp = dl_type == ETH_P_ARP || dl_type == ETH_TYPE_RARP;

    for (int i = 0; i < N_SLOTS; i++) {
        const char *name = ctx->slots[i].name;
        const char *needs = NULL;

        switch (ctx->slots[i].need) {
        case NEED_NONE:
            break;
        case NEED_IP_OR_ARP:
            if (!ip && !arp) {
                needs = "ip, arp or rarp";
            }
            break;
        case NEED_ARP:
            if (!arp) {
                needs = "arp or rarp";
            }
            break;
        case NEED_L4:
            if (!ip || (proto != IP_PROTO_TCP && proto != IP_PROTO_UDP
                        && proto != IP_PROTO_ICMP)) {
                needs = "tcp, udp or icmp";
            }
            break;
        case NEED_TCP:
            if (!ip || proto != IP_PROTO_TCP) {
                needs = "tcp";
            }
            break;
        case NEED_UDP:
            if (!ip || proto != IP_PROTO_UDP) {
                needs = "udp";
            }
            break;
        case NEED_ICMP:
            if (!ip || proto != IP_PROTO_ICMP) {
                needs = "icmp";
            }
            break;
        }
        if (needs) {
            return parse_error(ctx, "%s: needs %s in the same flow", name,
                               needs);
        }
    }
    return 0;
}

static bool
is_separator(char c)
{
    return c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Splits "name=value" or "name:value" at the first '=' or ':' (the value
 * may contain more of either: dl_src=aa:bb:...).  Returns the value, or
 * NULL if there is no delimiter. */
static char *
split_key_value(char *item)
{
    char *delim = item + strcspn(item, "=:");

    if (!*delim) {
        return NULL;
    }
    *delim = '\0';
    return delim + 1;
}

/* Calls 'fn' for each separator-delimited item of 's' (modified in
 * place), stopping at the first error. */
static int
for_each_item(struct parse_ctx *ctx, char *s,
              int (*fn)(struct parse_ctx *, char *item))
{
    while (*s) {
        char *item;
        int error;

        while (*s && is_separator(*s)) {
            s++;
        }
        if (!*s) {
            break;
        }
        item = s;
        while (*s && !is_separator(*s)) {
            s++;
        }
        if (*s) {
            *s++ = '\0';
        }
        error = fn(ctx, item);
        if (error) {
            return error;
        }
    }
    return 0;
}

static int
parse_match_item(struct parse_ctx *ctx, char *item)
{
    char *value = split_key_value(item);

    return parse_field(ctx, item, value);
}

static void
add_action(struct parse_ctx *ctx, enum flow_table_action_type type,
           uint32_t arg)
{
    struct flow_table_spec *spec = &ctx->spec;

    spec->actions = g_renew(struct flow_table_action, spec->actions,
                            spec->n_actions + 1);
    spec->actions[spec->n_actions].type = type;
    spec->actions[spec->n_actions].arg = arg;
    spec->n_actions++;
}

/* Adds an output to 'port' (spelled 'value' in the flow), if that is a
 * port a frame can be sent to. */
static int
add_output_port(struct parse_ctx *ctx, const char *value, uint32_t port)
{
    if (port == FLOW_PORT_CONTROLLER || port == 0xfff9) {
        return parse_error(ctx, "actions: %s: not supported (this switch "
                                "has no controller and one table)",
                           value);
    }
    if (port >= FLOW_PORT_MAX && port != FLOW_PORT_IN_PORT
        && port != FLOW_PORT_NORMAL && port != FLOW_PORT_FLOOD
        && port != FLOW_PORT_ALL && port != FLOW_PORT_LOCAL) {
        return parse_error(ctx, "actions: %s: output to an invalid port",
                           value);
    }
    add_action(ctx, FLOW_TABLE_ACTION_OUTPUT, port);
    return 0;
}

static int
add_output(struct parse_ctx *ctx, const char *what, const char *value)
{
    uint32_t port;
    int error = parse_port(ctx, what, value, &port);

    return error ? error : add_output_port(ctx, value, port);
}

static int
parse_action_item(struct parse_ctx *ctx, char *item)
{
    char *value = split_key_value(item);
    uint64_t v;
    int error;

    if (!strcasecmp(item, "drop") && !value) {
        ctx->drop = true;
        return 0;
    } else if (!strcasecmp(item, "output")) {
        if (!value || !*value) {
            return parse_error(ctx, "actions: output: missing port");
        }
        return add_output(ctx, "actions: output", value);
    } else if ((!strcasecmp(item, "strip_vlan")
                || !strcasecmp(item, "pop_vlan"))
               && !value) {
        add_action(ctx, FLOW_TABLE_ACTION_STRIP_VLAN, 0);
        return 0;
    } else if (!strcasecmp(item, "mod_vlan_vid")) {
        error = parse_uint(ctx, "actions: mod_vlan_vid", value ? value : "",
                           4095, &v);
        if (!error) {
            add_action(ctx, FLOW_TABLE_ACTION_MOD_VLAN_VID, (uint32_t) v);
        }
        return error;
    } else if (!strcasecmp(item, "mod_vlan_pcp")) {
        error = parse_uint(ctx, "actions: mod_vlan_pcp", value ? value : "",
                           7, &v);
        if (!error) {
            add_action(ctx, FLOW_TABLE_ACTION_MOD_VLAN_PCP, (uint32_t) v);
        }
        return error;
    } else if (!value) {
        /* A bare port: a number, a reserved name or a port name. */
        for (size_t i = 0; i < G_N_ELEMENTS(reserved_ports); i++) {
            if (!strcasecmp(item, reserved_ports[i].name)) {
                return add_output(ctx, "actions", item);
            }
        }
        if (!str_to_uint(item, UINT64_MAX, &v)) {
            return add_output(ctx, "actions", item);
        }
        if (ctx->lookup) {
            int port = ctx->lookup(item, ctx->aux);

            if (port >= 0) {
                return add_output_port(ctx, item, (uint32_t) port);
            }
        }
    }
    if (value) {
        return parse_error(ctx, "actions: %s:%s: unknown action", item, value);
    }
    return parse_error(ctx, "actions: %s: unknown action", item);
}

static int
parse_actions(struct parse_ctx *ctx, char *s)
{
    int error = for_each_item(ctx, s, parse_action_item);

    if (!error && ctx->drop && ctx->spec.n_actions) {
        error = parse_error(ctx, "actions: \"drop\" must not be accompanied "
                                 "by any other action");
    }
    return error;
}

/* Finds "actions=" (or "action=") at the start of an item.  Returns a
 * pointer to it, or NULL. */
static char *
find_actions(char *s)
{
    for (char *p = s; *p; p++) {
        if ((p == s || is_separator(p[-1]))
            && (!strncmp(p, "actions=", 8) || !strncmp(p, "action=", 7))) {
            return p;
        }
    }
    return NULL;
}

int
flow_table_parse(const char *s, enum flow_table_parse_mode mode,
                 flow_table_port_lookup_func *lookup, void *aux,
                 struct flow_table_spec *spec, char **errp)
{
    struct parse_ctx ctx;
    char *copy = g_strdup(s);
    char *actions = find_actions(copy);
    int error;

    memset(&ctx, 0, sizeof ctx);
    flow_table_spec_init(&ctx.spec);
    ctx.mode = mode;
    ctx.lookup = lookup;
    ctx.aux = aux;
    ctx.errp = errp;

    if (actions) {
        char *eq = strchr(actions, '=');

        if (mode != FLOW_TABLE_PARSE_ADD) {
            error = parse_error(&ctx, "actions: not allowed in del-flows or "
                                      "dump-flows");
            goto out;
        }
        *actions = '\0';
        actions = eq + 1;
    } else if (mode == FLOW_TABLE_PARSE_ADD) {
        error = parse_error(&ctx, "actions: missing (a flow to add needs "
                                  "\"actions=...\")");
        goto out;
    }

    error = for_each_item(&ctx, copy, parse_match_item);
    if (!error) {
        error = check_prereqs(&ctx);
    }
    if (!error && actions) {
        error = parse_actions(&ctx, actions);
    }

out:
    g_free(copy);
    if (error) {
        flow_table_spec_destroy(&ctx.spec);
        return error;
    }
    flow_table_match_normalize(&ctx.spec.match);
    *spec = ctx.spec;
    return 0;
}

/* ------------------------------------------------------------------------
 * Formatting. */

static void
put_sep(GString *out, size_t start)
{
    if (out->len > start) {
        g_string_append_c(out, ',');
    }
}

static void
put_port(GString *out, uint32_t port)
{
    for (size_t i = 0; i < G_N_ELEMENTS(reserved_ports); i++) {
        if (reserved_ports[i].port == port) {
            g_string_append(out, reserved_ports[i].name);
            return;
        }
    }
    g_string_append_printf(out, "%" PRIu32, port);
}

static void
put_mac(GString *out, size_t start, const char *name,
        const uint8_t mac[ETH_ALEN], const uint8_t mask[ETH_ALEN])
{
    static const uint8_t all[ETH_ALEN] = {0xff, 0xff, 0xff,
                                          0xff, 0xff, 0xff};

    if (flow_mac_is_zero(mask)) {
        return;
    }
    put_sep(out, start);
    g_string_append_printf(out, "%s=" FLOW_MAC_FMT, name, FLOW_MAC_ARGS(mac));
    if (memcmp(mask, all, ETH_ALEN)) {
        g_string_append_printf(out, "/" FLOW_MAC_FMT, FLOW_MAC_ARGS(mask));
    }
}

static void
put_ipv4(GString *out, uint32_t ip)
{
    g_string_append_printf(out, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 0xff,
                           (ip >> 8) & 0xff, ip & 0xff);
}

static void
put_ip(GString *out, size_t start, const char *name, uint32_t ip,
       uint32_t mask)
{
    if (!mask) {
        return;
    }
    put_sep(out, start);
    g_string_append_printf(out, "%s=", name);
    put_ipv4(out, ip);
    if (mask != UINT32_MAX) {
        int plen = __builtin_popcount(mask);

        g_string_append_c(out, '/');
        if (mask == UINT32_MAX << (32 - plen)) {
            g_string_append_printf(out, "%d", plen);
        } else {
            put_ipv4(out, mask);
        }
    }
}

static void
put_tp(GString *out, size_t start, const char *name, uint16_t v,
       uint16_t mask)
{
    if (!mask) {
        return;
    }
    put_sep(out, start);
    if (mask == UINT16_MAX) {
        g_string_append_printf(out, "%s=%u", name, v);
    } else {
        g_string_append_printf(out, "%s=0x%x/0x%x", name, v, mask);
    }
}

static void
put_vlan(GString *out, size_t start, uint16_t tci, uint16_t mask)
{
    uint16_t vid_mask = mask & 0x0fff;
    uint16_t pcp_mask = mask & 0xe000;

    if (!mask) {
        return;
    }
    put_sep(out, start);
    if (mask == UINT16_MAX && !tci) {
        g_string_append(out, "vlan_tci=0x0000");
    } else if ((mask & FLOW_VLAN_PRESENT) && (tci & FLOW_VLAN_PRESENT)
               && (vid_mask == 0 || vid_mask == 0x0fff)
               && (pcp_mask == 0 || pcp_mask == 0xe000)
               && (vid_mask || pcp_mask)) {
        if (vid_mask) {
            g_string_append_printf(out, "dl_vlan=%u", tci & 0x0fff);
        }
        if (pcp_mask) {
            g_string_append_printf(out, "%sdl_vlan_pcp=%u",
                                   vid_mask ? "," : "", tci >> 13);
        }
    } else {
        g_string_append_printf(out, "vlan_tci=0x%04x/0x%04x", tci, mask);
    }
}

void
flow_table_format_match(const struct flow_table_match *m, GString *out)
{
    size_t start = out->len;
    int dl_type = m->dl_type_mask ? m->dl_type : -1;
    bool proto_shown = false;
    bool arp = false;
    bool icmp = false;
    const char *shorthand = NULL;

    if (m->dl_type_mask == UINT16_MAX) {
        switch (m->dl_type) {
        case ETH_P_IP:
            shorthand = "ip";
            if (m->nw_proto_mask == UINT8_MAX) {
                proto_shown = true;
                if (m->nw_proto == IP_PROTO_ICMP) {
                    shorthand = "icmp";
                    icmp = true;
                } else if (m->nw_proto == IP_PROTO_TCP) {
                    shorthand = "tcp";
                } else if (m->nw_proto == IP_PROTO_UDP) {
                    shorthand = "udp";
                } else {
                    proto_shown = false;
                }
            }
            break;
        case ETH_P_ARP:
            shorthand = "arp";
            arp = true;
            break;
        case ETH_TYPE_RARP:
            shorthand = "rarp";
            arp = true;
            break;
        case ETH_TYPE_IPV6:
            shorthand = "ipv6";
            break;
        default:
            break;
        }
    }
    if (shorthand) {
        g_string_append(out, shorthand);
    }
    if (m->in_port_mask) {
        put_sep(out, start);
        g_string_append(out, "in_port=");
        put_port(out, m->in_port);
    }
    put_vlan(out, start, m->vlan_tci, m->vlan_tci_mask);
    put_mac(out, start, "dl_src", m->dl_src, m->dl_src_mask);
    put_mac(out, start, "dl_dst", m->dl_dst, m->dl_dst_mask);
    if (dl_type >= 0 && !shorthand) {
        put_sep(out, start);
        g_string_append_printf(out, "dl_type=0x%04x", (unsigned) dl_type);
    }
    put_ip(out, start, arp ? "arp_spa" : "nw_src", m->nw_src, m->nw_src_mask);
    put_ip(out, start, arp ? "arp_tpa" : "nw_dst", m->nw_dst, m->nw_dst_mask);
    if (m->nw_proto_mask && !proto_shown) {
        put_sep(out, start);
        g_string_append_printf(out, "%s=%u", arp ? "arp_op" : "nw_proto",
                               m->nw_proto);
    }
    put_tp(out, start, icmp ? "icmp_type" : "tp_src", m->tp_src,
           m->tp_src_mask);
    put_tp(out, start, icmp ? "icmp_code" : "tp_dst", m->tp_dst,
           m->tp_dst_mask);
}

void
flow_table_format_actions(const struct flow_table_action *actions,
                          size_t n_actions, GString *out)
{
    if (!n_actions) {
        g_string_append(out, "drop");
        return;
    }
    for (size_t i = 0; i < n_actions; i++) {
        const struct flow_table_action *a = &actions[i];

        if (i) {
            g_string_append_c(out, ',');
        }
        switch (a->type) {
        case FLOW_TABLE_ACTION_OUTPUT:
            if (a->arg < FLOW_PORT_MAX) {
                g_string_append_printf(out, "output:%" PRIu32, a->arg);
            } else {
                put_port(out, a->arg);
            }
            break;
        case FLOW_TABLE_ACTION_STRIP_VLAN:
            g_string_append(out, "strip_vlan");
            break;
        case FLOW_TABLE_ACTION_MOD_VLAN_VID:
            g_string_append_printf(out, "mod_vlan_vid:%" PRIu32, a->arg);
            break;
        case FLOW_TABLE_ACTION_MOD_VLAN_PCP:
            g_string_append_printf(out, "mod_vlan_pcp:%" PRIu32, a->arg);
            break;
        }
    }
}

/* "[priority=N,]MATCH actions=ACTIONS", the part of a dump-flows line
 * after the statistics. */
static void
format_body(const struct flow_table_spec *spec, GString *out)
{
    GString *match = g_string_new(NULL);

    flow_table_format_match(&spec->match, match);
    if (spec->priority != FLOW_TABLE_DEFAULT_PRIORITY) {
        g_string_append_printf(out, "priority=%u%s", spec->priority,
                               match->len ? "," : "");
    }
    g_string_append_len(out, match->str, (gssize) match->len);
    if (spec->priority != FLOW_TABLE_DEFAULT_PRIORITY || match->len) {
        g_string_append_c(out, ' ');
    }
    g_string_append(out, "actions=");
    flow_table_format_actions(spec->actions, spec->n_actions, out);
    g_string_free(match, TRUE);
}

static void
format_timeouts(const struct flow_table_spec *spec, GString *out)
{
    if (spec->idle_timeout) {
        g_string_append_printf(out, "idle_timeout=%u, ", spec->idle_timeout);
    }
    if (spec->hard_timeout) {
        g_string_append_printf(out, "hard_timeout=%u, ", spec->hard_timeout);
    }
}

void
flow_table_format_spec(const struct flow_table_spec *spec, GString *out)
{
    if (spec->cookie_mask) {
        g_string_append_printf(out, "cookie=0x%" PRIx64 "/0x%" PRIx64 ", ",
                               spec->cookie, spec->cookie_mask);
    } else if (spec->cookie) {
        g_string_append_printf(out, "cookie=0x%" PRIx64 ", ", spec->cookie);
    }
    format_timeouts(spec, out);
    format_body(spec, out);
}

/* ------------------------------------------------------------------------
 * The table. */

#define CACHE_SIZE 1024 /* exact-match cache slots, a power of 2 */

struct cache_slot {
    uint64_t gen;               /* valid if equal to the table's */
    struct flow key;
    struct flow_table_rule *rule; /* NULL: a cached miss */
};

struct flow_table {
    GPtrArray *rules;           /* sorted: priority desc, then seq asc */
    uint64_t next_seq;
    uint64_t gen;               /* bumped by every change */
    uint64_t hits, misses;
    struct cache_slot cache[CACHE_SIZE];
};

struct flow_table *
flow_table_create(void)
{
    struct flow_table *t = g_new0(struct flow_table, 1);

    t->rules = g_ptr_array_new();
    t->gen = 1;
    return t;
}

static void
rule_free(struct flow_table_rule *rule)
{
    flow_table_spec_destroy(&rule->spec);
    g_free(rule);
}

void
flow_table_destroy(struct flow_table *t)
{
    if (!t) {
        return;
    }
    for (guint i = 0; i < t->rules->len; i++) {
        rule_free(g_ptr_array_index(t->rules, i));
    }
    g_ptr_array_free(t->rules, TRUE);
    g_free(t);
}

static bool
rule_expired(const struct flow_table_rule *rule, long long now)
{
    const struct flow_table_spec *s = &rule->spec;

    return ((s->idle_timeout
             && now >= rule->used + (long long) s->idle_timeout * 1000)
            || (s->hard_timeout
                && now >= rule->created + (long long) s->hard_timeout * 1000));
}

static void
table_changed(struct flow_table *t)
{
    t->gen++;
}

int
flow_table_add(struct flow_table *t, struct flow_table_spec *spec,
               long long now)
{
    struct flow_table_rule *rule;
    int result = 0;
    guint lo, hi;

    if (spec->cookie_mask) {
        return -EINVAL;
    }
    rule = g_new0(struct flow_table_rule, 1);
    rule->spec = *spec;
    flow_table_match_normalize(&rule->spec.match);
    rule->created = rule->used = now;
    rule->seq = t->next_seq++;
    spec->actions = NULL;
    spec->n_actions = 0;

    for (guint i = 0; i < t->rules->len; i++) {
        struct flow_table_rule *old = g_ptr_array_index(t->rules, i);

        if (old->spec.priority == rule->spec.priority
            && flow_table_match_equal(&old->spec.match, &rule->spec.match)) {
            g_ptr_array_remove_index(t->rules, i);
            rule_free(old);
            result = 1;
            break;
        }
    }

    /* After every rule of the same or higher priority. */
    lo = 0;
    hi = t->rules->len;
    while (lo < hi) {
        guint mid = lo + (hi - lo) / 2;
        const struct flow_table_rule *r = g_ptr_array_index(t->rules, mid);

        if (r->spec.priority >= rule->spec.priority) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    g_ptr_array_insert(t->rules, (gint) lo, rule);
    table_changed(t);
    return result;
}

static bool
filter_selects(const struct flow_table_spec *filter,
               const struct flow_table_rule *rule, bool strict)
{
    if ((rule->spec.cookie ^ filter->cookie) & filter->cookie_mask) {
        return false;
    }
    if (strict) {
        return (rule->spec.priority == filter->priority
                && flow_table_match_equal(&filter->match, &rule->spec.match));
    }
    return flow_table_match_covers(&filter->match, &rule->spec.match);
}

/* What remove_rules() removes: the rules a del-flows filter selects, or
 * those expired at 'now'. */
struct removal {
    const struct flow_table_spec *filter; /* NULL: by expiry. */
    bool strict;
    long long now;
};

static bool
removal_selects(const struct removal *r, const struct flow_table_rule *rule)
{
    return (r->filter ? filter_selects(r->filter, rule, r->strict)
            : rule_expired(rule, r->now));
}

/* Removes and frees the rules of 't' that 'r' selects, keeping the order
 * of the others.  Returns how many went. */
static size_t
remove_rules(struct flow_table *t, const struct removal *r)
{
    size_t n = 0;

    for (guint i = 0; i < t->rules->len;) {
        struct flow_table_rule *rule = g_ptr_array_index(t->rules, i);

        if (removal_selects(r, rule)) {
            g_ptr_array_remove_index(t->rules, i);
            rule_free(rule);
            n++;
        } else {
            i++;
        }
    }
    if (n) {
        table_changed(t);
    }
    return n;
}

size_t
flow_table_delete(struct flow_table *t, const struct flow_table_spec *filter,
                  bool strict)
{
    struct flow_table_spec normalized;
    struct removal r = { &normalized, strict, 0 };

    if (filter) {
        normalized = *filter;
        flow_table_match_normalize(&normalized.match);
    } else {
        /* A catch-all filter selects every rule (not strict). */
        flow_table_spec_init(&normalized);
        r.strict = false;
    }
    return remove_rules(t, &r);
}

static struct flow_table_rule *
scan(const struct flow_table *t, const struct flow *key, long long now)
{
    for (guint i = 0; i < t->rules->len; i++) {
        struct flow_table_rule *rule = g_ptr_array_index(t->rules, i);

        if (flow_table_match_matches(&rule->spec.match, key)
            && !rule_expired(rule, now)) {
            return rule;
        }
    }
    return NULL;
}

const struct flow_table_rule *
flow_table_lookup(struct flow_table *t, const struct flow *key,
                  uint32_t n_bytes, long long now)
{
    struct cache_slot *slot = &t->cache[flow_hash(key, 0) & (CACHE_SIZE - 1)];
    struct flow_table_rule *rule;

    if (slot->gen == t->gen && flow_equal(&slot->key, key)
        && (!slot->rule || !rule_expired(slot->rule, now))) {
        t->hits++;
        rule = slot->rule;
    } else {
        t->misses++;
        rule = scan(t, key, now);
        slot->gen = t->gen;
        slot->key = *key;
        slot->rule = rule;
    }
    if (rule) {
        rule->n_packets++;
        rule->n_bytes += n_bytes;
        rule->used = now;
    }
    return rule;
}

size_t
flow_table_expire(struct flow_table *t, long long now)
{
    struct removal r = { NULL, false, now };

    return remove_rules(t, &r);
}

long long
flow_table_next_expiry(const struct flow_table *t)
{
    long long next = LLONG_MAX;

    for (guint i = 0; i < t->rules->len; i++) {
        const struct flow_table_rule *rule = g_ptr_array_index(t->rules, i);
        const struct flow_table_spec *s = &rule->spec;

        if (s->idle_timeout) {
            next = MIN(next, rule->used + (long long) s->idle_timeout * 1000);
        }
        if (s->hard_timeout) {
            next = MIN(next,
                       rule->created + (long long) s->hard_timeout * 1000);
        }
    }
    return next;
}

size_t
flow_table_count(const struct flow_table *t)
{
    return t->rules->len;
}

const struct flow_table_rule *
flow_table_rule_at(const struct flow_table *t, size_t index)
{
    return index < t->rules->len ? g_ptr_array_index(t->rules, index) : NULL;
}

void
flow_table_cache_stats(const struct flow_table *t, uint64_t *hits,
                       uint64_t *misses)
{
    *hits = t->hits;
    *misses = t->misses;
}

void
flow_table_dump(const struct flow_table *t,
                const struct flow_table_spec *filter, long long now,
                unsigned int flags, GString *out)
{
    struct flow_table_spec normalized;

    if (filter) {
        normalized = *filter;
        flow_table_match_normalize(&normalized.match);
    }
    for (guint i = 0; i < t->rules->len; i++) {
        const struct flow_table_rule *rule = g_ptr_array_index(t->rules, i);

        if (rule_expired(rule, now)
            || (filter && !filter_selects(&normalized, rule, false))) {
            continue;
        }
        g_string_append_c(out, ' ');
        if (flags & FLOW_TABLE_DUMP_NO_STATS) {
            flow_table_format_spec(&rule->spec, out);
        } else {
            long long age = MAX(now - rule->created, 0);
            long long idle = MAX(now - rule->used, 0);

            g_string_append_printf(out, "cookie=0x%" PRIx64
                                        ", duration=%lld.%03llds, table=0"
                                        ", n_packets=%" PRIu64
                                        ", n_bytes=%" PRIu64 ", ",
                                   rule->spec.cookie, age / 1000, age % 1000,
                                   rule->n_packets, rule->n_bytes);
            format_timeouts(&rule->spec, out);
            g_string_append_printf(out, "idle_age=%lld, ", idle / 1000);
            format_body(&rule->spec, out);
        }
        g_string_append_c(out, '\n');
    }
}
