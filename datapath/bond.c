/* bond.c -- bond logic: member states with up/down delays, the active
 * member, source-MAC load balancing with rebalancing, the input checks,
 * learning packets after a failover, and bond/show.
 *
 * The behaviour follows Open vSwitch's documented bonding (vswitchd's
 * "Bonding" section of vswitch.xml and ovs-vswitchd(8) bond/show); this is
 * an independent implementation.  It keeps no clock and does no I/O: the
 * switching daemon reports link states and byte counts and asks for
 * decisions (see bond.h).  It reads the MAC table (mac-learning.c) for the
 * reverse-path check and the learning packets, and hashes with flow.c. */
#include <config.h>

#include "bond.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <string.h>

#include "flow.h"
#include "mac-learning.h"

#define NO_DELAY LLONG_MAX

struct bond_member {
    uint32_t port;
    char *name;
    uint8_t mac[ETH_ALEN];
    bool enabled;               /* may carry traffic */
    bool may_enable;            /* link up, as last reported */
    long long delay_expires;    /* when 'enabled' follows the link, or
                                 * NO_DELAY */
    uint64_t load;              /* bond_rebalance() scratch */
};

struct bond_bucket {
    struct bond_member *member; /* NULL: unassigned */
    uint64_t tx_bytes;          /* recent load */
};

struct bond {
    char *name;
    enum bond_mode mode;
    uint32_t port;
    int updelay;
    int downdelay;
    int rebalance_interval;
    uint32_t basis;

    GPtrArray *members;         /* struct bond_member *, in order added */
    struct bond_member *active;
    uint8_t active_mac[ETH_ALEN]; /* of the last active member */
    bool send_learning_packets;
    bool changed;               /* for bond_run()'s result */
    unsigned int next_member;   /* round-robin cursor for new buckets */
    long long next_rebalance;
    struct bond_bucket buckets[BOND_BUCKETS];
};

int
bond_mode_from_string(const char *s, enum bond_mode *mode)
{
    if (!strcmp(s, "active-backup")) {
        *mode = BOND_MODE_ACTIVE_BACKUP;
    } else if (!strcmp(s, "balance-slb")) {
        *mode = BOND_MODE_BALANCE_SLB;
    } else {
        return -EINVAL;
    }
    return 0;
}

const char *
bond_mode_to_string(enum bond_mode mode)
{
    return mode == BOND_MODE_BALANCE_SLB ? "balance-slb" : "active-backup";
}

void
bond_settings_init(struct bond_settings *s, const char *name, uint32_t port)
{
    memset(s, 0, sizeof *s);
    s->name = name;
    s->mode = BOND_MODE_ACTIVE_BACKUP;
    s->port = port;
    s->rebalance_interval = BOND_DEFAULT_REBALANCE_INTERVAL;
}

static int
check_settings(const struct bond_settings *s)
{
    if (!s->name || !*s->name || s->updelay < 0 || s->downdelay < 0
        || s->rebalance_interval < 0
        || (s->mode != BOND_MODE_ACTIVE_BACKUP
            && s->mode != BOND_MODE_BALANCE_SLB)) {
        return -EINVAL;
    }
    return 0;
}

static bool
is_balanced(const struct bond *bond)
{
    return bond->mode == BOND_MODE_BALANCE_SLB && bond->rebalance_interval;
}

static void
reset_buckets(struct bond *bond, long long now)
{
    memset(bond->buckets, 0, sizeof bond->buckets);
    bond->next_rebalance = now + bond->rebalance_interval;
}

int
bond_create(const struct bond_settings *s, long long now,
            struct bond **bondp)
{
    struct bond *bond;

    if (check_settings(s)) {
        return -EINVAL;
    }
    bond = g_new0(struct bond, 1);
    bond->name = g_strdup(s->name);
    bond->mode = s->mode;
    bond->port = s->port;
    bond->updelay = s->updelay;
    bond->downdelay = s->downdelay;
    bond->rebalance_interval = s->rebalance_interval;
    bond->basis = s->basis;
    bond->members = g_ptr_array_new();
    reset_buckets(bond, now);
    *bondp = bond;
    return 0;
}

static void
member_free(struct bond_member *m)
{
    g_free(m->name);
    g_free(m);
}

void
bond_destroy(struct bond *bond)
{
    if (!bond) {
        return;
    }
    for (guint i = 0; i < bond->members->len; i++) {
        member_free(g_ptr_array_index(bond->members, i));
    }
    g_ptr_array_free(bond->members, TRUE);
    g_free(bond->name);
    g_free(bond);
}

int
bond_reconfigure(struct bond *bond, const struct bond_settings *s,
                 long long now)
{
    bool reset;

    if (check_settings(s)) {
        return -EINVAL;
    }
    reset = (bond->mode != s->mode || bond->basis != s->basis
             || bond->rebalance_interval != s->rebalance_interval);
    if (strcmp(bond->name, s->name)) {
        g_free(bond->name);
        bond->name = g_strdup(s->name);
    }
    bond->mode = s->mode;
    bond->port = s->port;
    bond->updelay = s->updelay;
    bond->downdelay = s->downdelay;
    bond->rebalance_interval = s->rebalance_interval;
    bond->basis = s->basis;
    if (reset) {
        reset_buckets(bond, now);
        bond->changed = true;
    }
    return 0;
}

static struct bond_member *
member_find(const struct bond *bond, uint32_t port)
{
    for (guint i = 0; i < bond->members->len; i++) {
        struct bond_member *m = g_ptr_array_index(bond->members, i);

        if (m->port == port) {
            return m;
        }
    }
    return NULL;
}

static void
member_enable(struct bond *bond, struct bond_member *m, bool enable)
{
    m->delay_expires = NO_DELAY;
    if (m->enabled != enable) {
        m->enabled = enable;
        bond->changed = true;
    }
}

/* Moves 'm' toward its link state: starts, cancels or completes the
 * delay. */
static void
member_update(struct bond *bond, struct bond_member *m, long long now)
{
    if (m->may_enable == m->enabled) {
        m->delay_expires = NO_DELAY;
        return;
    }
    if (m->delay_expires == NO_DELAY) {
        m->delay_expires = now + (m->may_enable ? bond->updelay
                                                : bond->downdelay);
    }
    if (now >= m->delay_expires) {
        member_enable(bond, m, m->may_enable);
    }
}

/* Chooses a new active member: the first enabled one, or, if none is
 * enabled, the one whose updelay ends first, enabled now (waiting would
 * leave the bond with no link at all). */
static void
choose_active(struct bond *bond)
{
    struct bond_member *old = bond->active;
    struct bond_member *best = NULL;

    for (guint i = 0; i < bond->members->len && !best; i++) {
        struct bond_member *m = g_ptr_array_index(bond->members, i);

        if (m->enabled) {
            best = m;
        }
    }
    if (!best) {
        for (guint i = 0; i < bond->members->len; i++) {
            struct bond_member *m = g_ptr_array_index(bond->members, i);

            if (m->may_enable && m->delay_expires != NO_DELAY
                && (!best || m->delay_expires < best->delay_expires)) {
                best = m;
            }
        }
        if (best) {
            member_enable(bond, best, true);
        }
    }

    bond->active = best;
    if (best) {
        bond->send_learning_packets = true;
        memcpy(bond->active_mac, best->mac, ETH_ALEN);
    }
    if (best != old) {
        bond->changed = true;
    }
}

static void
check_active(struct bond *bond)
{
    if (!bond->active || !bond->active->enabled) {
        choose_active(bond);
    }
}

int
bond_member_add(struct bond *bond, uint32_t port, const char *name,
                const uint8_t mac[ETH_ALEN], bool link_up)
{
    struct bond_member *m;

    if (member_find(bond, port)) {
        return -EEXIST;
    }
    m = g_new0(struct bond_member, 1);
    m->port = port;
    m->name = g_strdup(name);
    if (mac) {
        memcpy(m->mac, mac, ETH_ALEN);
    }
    m->may_enable = link_up;
    m->enabled = link_up;
    m->delay_expires = NO_DELAY;
    g_ptr_array_add(bond->members, m);
    bond->changed = true;
    check_active(bond);
    return 0;
}

int
bond_member_remove(struct bond *bond, uint32_t port)
{
    struct bond_member *m = member_find(bond, port);

    if (!m) {
        return -ENOENT;
    }
    for (int i = 0; i < BOND_BUCKETS; i++) {
        if (bond->buckets[i].member == m) {
            bond->buckets[i].member = NULL;
        }
    }
    g_ptr_array_remove(bond->members, m);
    if (bond->active == m) {
        bond->active = NULL;
        choose_active(bond);
        bond->changed = true;
    }
    member_free(m);
    bond->changed = true;
    return 0;
}

int
bond_member_set_link(struct bond *bond, uint32_t port, bool up,
                     long long now)
{
    struct bond_member *m = member_find(bond, port);

    if (!m) {
        return -ENOENT;
    }
    m->may_enable = up;
    member_update(bond, m, now);
    check_active(bond);
    return 0;
}

bool
bond_run(struct bond *bond, long long now)
{
    bool changed;

    for (guint i = 0; i < bond->members->len; i++) {
        member_update(bond, g_ptr_array_index(bond->members, i), now);
    }
    check_active(bond);
    changed = bond->changed;
    bond->changed = false;
    return changed;
}

long long
bond_next_wake(const struct bond *bond)
{
    long long next = is_balanced(bond) ? bond->next_rebalance : LLONG_MAX;

    for (guint i = 0; i < bond->members->len; i++) {
        const struct bond_member *m = g_ptr_array_index(bond->members, i);

        next = MIN(next, m->delay_expires);
    }
    return next;
}

int
bond_get_active(const struct bond *bond, uint32_t *port)
{
    if (!bond->active) {
        return -ENOENT;
    }
    *port = bond->active->port;
    return 0;
}

bool
bond_member_is_enabled(const struct bond *bond, uint32_t port)
{
    const struct bond_member *m = member_find(bond, port);

    return m && m->enabled;
}

size_t
bond_n_members(const struct bond *bond)
{
    return bond->members->len;
}

const char *
bond_get_name(const struct bond *bond)
{
    return bond->name;
}

enum bond_mode
bond_get_mode(const struct bond *bond)
{
    return bond->mode;
}

uint32_t
bond_get_port(const struct bond *bond)
{
    return bond->port;
}

/* ------------------------------------------------------------------------
 * Output and load balancing. */

unsigned int
bond_hash(const struct bond *bond, const uint8_t mac[ETH_ALEN],
          uint16_t vlan)
{
    return flow_hash_mac_vlan(mac, vlan, bond->basis) & (BOND_BUCKETS - 1);
}

/* The next enabled member in turn, or NULL. */
static struct bond_member *
next_enabled(struct bond *bond)
{
    guint n = bond->members->len;

    for (guint i = 0; i < n; i++) {
        struct bond_member *m;

        m = g_ptr_array_index(bond->members, (bond->next_member + i) % n);
        if (m->enabled) {
            bond->next_member = (bond->next_member + i + 1) % n;
            return m;
        }
    }
    return NULL;
}

int
bond_choose_output(struct bond *bond, const uint8_t src[ETH_ALEN],
                   uint16_t vlan, uint32_t *port)
{
    struct bond_member *m;

    if (bond->mode == BOND_MODE_ACTIVE_BACKUP) {
        m = bond->active && bond->active->enabled ? bond->active : NULL;
    } else {
        struct bond_bucket *b = &bond->buckets[bond_hash(bond, src, vlan)];

        if (!b->member || !b->member->enabled) {
            b->member = next_enabled(bond);
        }
        m = b->member;
    }
    if (!m) {
        return -ENETDOWN;
    }
    *port = m->port;
    return 0;
}

void
bond_account(struct bond *bond, unsigned int bucket, uint64_t n_bytes)
{
    if (bond->mode == BOND_MODE_BALANCE_SLB && bucket < BOND_BUCKETS) {
        bond->buckets[bucket].tx_bytes += n_bytes;
    }
}

/* Sorts 'v' ('n' members) by load, heaviest first; equal loads keep their
 * order (insertion sort: a bond has a handful of members). */
static void
sort_by_load(struct bond_member **v, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        struct bond_member *m = v[i];
        size_t j = i;

        while (j > 0 && v[j - 1]->load < m->load) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = m;
    }
}

/* A bucket of 'from' whose move to a member carrying 'to_load' brings the
 * two closer by at least a tenth of the distance to an even split, or -1.
 * (A member's only busy bucket never qualifies: moving it would just swap
 * the two loads.) */
static int
bucket_to_move(const struct bond *bond, const struct bond_member *from,
               uint64_t to_load, const bool moved[BOND_BUCKETS])
{
    uint64_t ideal = (from->load + to_load) / 2;

    for (int i = 0; i < BOND_BUCKETS; i++) {
        const struct bond_bucket *b = &bond->buckets[i];
        uint64_t low;

        if (b->member != from || !b->tx_bytes || moved[i]) {
            continue;
        }
        low = MIN(from->load - b->tx_bytes, to_load + b->tx_bytes);
        if (low > to_load && low - to_load >= (ideal - to_load) / 10) {
            return i;
        }
    }
    return -1;
}

int
bond_rebalance(struct bond *bond, long long now)
{
    struct bond_member **bals;
    bool moved[BOND_BUCKETS] = {false};
    size_t n_bals = 0;
    int n_moved = 0;

    if (!is_balanced(bond) || now < bond->next_rebalance) {
        return 0;
    }
    bond->next_rebalance = now + bond->rebalance_interval;

    bals = g_new(struct bond_member *, bond->members->len + 1);
    for (guint i = 0; i < bond->members->len; i++) {
        struct bond_member *m = g_ptr_array_index(bond->members, i);

        m->load = 0;
        if (m->enabled) {
            bals[n_bals++] = m;
        }
    }
    for (int i = 0; i < BOND_BUCKETS; i++) {
        if (bond->buckets[i].member) {
            bond->buckets[i].member->load += bond->buckets[i].tx_bytes;
        }
    }
    sort_by_load(bals, n_bals);

    while (n_bals >= 2) {
        struct bond_member *from = bals[0];
        struct bond_member *to = bals[n_bals - 1];
        uint64_t gap = from->load - to->load;
        int i;

        if (gap < to->load >> 5 || gap < 100000) {
            break;              /* Close enough. */
        }
        i = bucket_to_move(bond, from, to->load, moved);
        if (i < 0) {
            /* Nothing useful leaves 'from': stop considering it. */
            memmove(bals, bals + 1, (n_bals - 1) * sizeof *bals);
            n_bals--;
            continue;
        }
        from->load -= bond->buckets[i].tx_bytes;
        to->load += bond->buckets[i].tx_bytes;
        bond->buckets[i].member = to;
        moved[i] = true;
        n_moved++;
        sort_by_load(bals, n_bals);
    }
    g_free(bals);

    for (int i = 0; i < BOND_BUCKETS; i++) {
        bond->buckets[i].tx_bytes /= 2;
    }
    if (n_moved) {
        bond->changed = true;
    }
    return n_moved;
}

/* ------------------------------------------------------------------------
 * Input checks. */

enum bond_verdict
bond_check_admissibility(const struct bond *bond, uint32_t port,
                         const uint8_t dl_dst[ETH_ALEN])
{
    const struct bond_member *m = member_find(bond, port);

    if (!m) {
        return BOND_VERDICT_DROP;
    }
    if (flow_mac_is_multicast(dl_dst) && bond->active != m) {
        return BOND_VERDICT_DROP;
    }
    if (bond->mode == BOND_MODE_ACTIVE_BACKUP) {
        return bond->active == m ? BOND_VERDICT_ACCEPT : BOND_VERDICT_DROP;
    }
    return BOND_VERDICT_DROP_IF_MOVED;
}

bool
bond_admit(const struct bond *bond, uint32_t port, const struct flow *key,
           uint16_t vlan, const struct mac_learning *ml, long long now)
{
    uint32_t learned;

    switch (bond_check_admissibility(bond, port, key->dl_dst)) {
    case BOND_VERDICT_ACCEPT:
        return true;
    case BOND_VERDICT_DROP:
        return false;
    case BOND_VERDICT_DROP_IF_MOVED:
        break;
    }
    if (ml && !mac_learning_lookup(ml, key->dl_src, vlan, now, &learned)
        && learned != bond->port
        && (!flow_is_gratuitous_arp(key)
            || mac_learning_is_grat_arp_locked(ml, key->dl_src, vlan, now))) {
        return false;
    }
    return true;
}

/* ------------------------------------------------------------------------
 * Learning packets. */

bool
bond_should_send_learning_packets(struct bond *bond)
{
    bool send = bond->send_learning_packets && bond->active;

    bond->send_learning_packets = false;
    return send;
}

struct learning_ctx {
    struct bond *bond;
    GArray *packets;
};

static void
collect_learning_packet(const struct mac_learning_entry_info *e, void *ctx_)
{
    struct learning_ctx *ctx = ctx_;
    struct bond_learning_packet p;

    if (e->port == ctx->bond->port) {
        return;
    }
    if (bond_choose_output(ctx->bond, e->mac, e->vlan, &p.member)) {
        return;
    }
    memcpy(p.mac, e->mac, ETH_ALEN);
    p.vlan = e->vlan;
    g_array_append_val(ctx->packets, p);
}

size_t
bond_learning_packets(struct bond *bond, const struct mac_learning *ml,
                      long long now, struct bond_learning_packet **packets)
{
    struct learning_ctx ctx;
    size_t n;

    ctx.bond = bond;
    ctx.packets = g_array_new(FALSE, FALSE,
                              sizeof(struct bond_learning_packet));
    mac_learning_foreach(ml, now, collect_learning_packet, &ctx);
    n = ctx.packets->len;
    if (n) {
        *packets = (void *) g_array_free(ctx.packets, FALSE);
    } else {
        g_array_free(ctx.packets, TRUE);
        *packets = NULL;
    }
    return n;
}

static uint8_t *
put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t) (v >> 8);
    p[1] = (uint8_t) v;
    return p + 2;
}

int
bond_compose_learning_packet(const uint8_t mac[ETH_ALEN], uint16_t vlan,
                             uint8_t *buf, size_t size)
{
    size_t len = vlan ? BOND_LEARNING_PACKET_MAX : BOND_LEARNING_PACKET_LEN;
    uint8_t *p = buf;

    if (size < len) {
        return -ENOSPC;
    }
    memset(p, 0xff, ETH_ALEN);          /* broadcast */
    memcpy(p + ETH_ALEN, mac, ETH_ALEN);
    p += 2 * ETH_ALEN;
    if (vlan) {
        p = put16(p, ETH_P_8021Q);
        p = put16(p, vlan & 0x0fff);
    }
    p = put16(p, 0x8035);               /* RARP */
    p = put16(p, 1);                    /* hardware: Ethernet */
    p = put16(p, ETH_P_IP);             /* protocol: IPv4 */
    *p++ = ETH_ALEN;
    *p++ = 4;
    p = put16(p, 3);                    /* request reverse */
    memcpy(p, mac, ETH_ALEN);           /* sender hardware address */
    p += ETH_ALEN;
    memset(p, 0, 4);                    /* sender protocol address */
    p += 4;
    memcpy(p, mac, ETH_ALEN);           /* target hardware address */
    p += ETH_ALEN;
    memset(p, 0, 4);                    /* target protocol address */
    return (int) len;
}

/* ------------------------------------------------------------------------
 * bond/show. */

static int
compare_by_name(gconstpointer a, gconstpointer b)
{
    const struct bond_member *const *ma = a;
    const struct bond_member *const *mb = b;

    return strcmp((*ma)->name, (*mb)->name);
}

void
bond_format(const struct bond *bond, long long now, GString *out)
{
    GPtrArray *sorted;

    g_string_append_printf(out, "---- %s ----\n", bond->name);
    g_string_append_printf(out, "bond_mode: %s\n",
                           bond_mode_to_string(bond->mode));
    g_string_append(out, "bond may use recirculation: no, Recirc-ID : -1\n");
    g_string_append_printf(out, "bond-hash-basis: %" PRIu32 "\n",
                           bond->basis);
    g_string_append(out, "lb_output action: disabled, bond-id: -1\n");
    if (bond->mode == BOND_MODE_BALANCE_SLB) {
        g_string_append(out, "all members active: false\n");
    }
    g_string_append_printf(out, "updelay: %d ms\n", bond->updelay);
    g_string_append_printf(out, "downdelay: %d ms\n", bond->downdelay);
    if (is_balanced(bond)) {
        g_string_append_printf(out, "next rebalance: %lld ms\n",
                               bond->next_rebalance - now);
    }
    g_string_append(out, "lacp_status: off\n");
    g_string_append(out, "lacp_fallback_ab: false\n");
    g_string_append(out, "active-backup primary: <none>\n");
    g_string_append_printf(out, "active member mac: " FLOW_MAC_FMT "(%s)\n",
                           FLOW_MAC_ARGS(bond->active_mac),
                           bond->active ? bond->active->name : "none");

    sorted = g_ptr_array_new();
    for (guint i = 0; i < bond->members->len; i++) {
        g_ptr_array_add(sorted, g_ptr_array_index(bond->members, i));
    }
    g_ptr_array_sort(sorted, compare_by_name);
    for (guint i = 0; i < sorted->len; i++) {
        const struct bond_member *m = g_ptr_array_index(sorted, i);

        g_string_append_printf(out, "\nmember %s: %s\n", m->name,
                               m->enabled ? "enabled" : "disabled");
        if (m == bond->active) {
            g_string_append(out, "  active member\n");
        }
        if (m->delay_expires != NO_DELAY) {
            g_string_append_printf(out, "  %s expires in %lld ms\n",
                                   m->enabled ? "downdelay" : "updelay",
                                   m->delay_expires - now);
        }
        g_string_append_printf(out, "  may_enable: %s\n",
                               m->may_enable ? "true" : "false");
        if (!is_balanced(bond)) {
            continue;
        }
        for (int b = 0; b < BOND_BUCKETS; b++) {
            uint64_t kb = bond->buckets[b].tx_bytes / 1024;

            if (bond->buckets[b].member == m && kb) {
                g_string_append_printf(out, "  hash %d: %" PRIu64
                                            " kB load\n",
                                       b, kb);
            }
        }
    }
    g_ptr_array_free(sorted, TRUE);
    g_string_append_c(out, '\n');
}
