/* mac-learning.c -- the MAC learning table.
 *
 * Entries live in a GHashTable keyed by one 64-bit word, VLAN << 48 | MAC,
 * so lookup and learning are O(1).  They are also on one list ordered by
 * when they were last learned (learning moves an entry to the tail), which
 * makes both aging (expired entries are at the head) and eviction of the
 * oldest entry when the table is full O(1) per entry.  Time comes from the
 * caller (see mac-learning.h).  The NORMAL action of the switching daemon
 * learns and looks up here, with VLANs from vlan.c; bond.c reads the table
 * to decide the reverse-path check and which MACs to announce after a
 * failover. */
#include <config.h>

#include "mac-learning.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "flow.h"

struct mac_entry {
    gint64 key;                 /* VLAN << 48 | MAC: the hash table key */
    uint32_t port;
    long long learned;          /* when last learned, ms */
    long long grat_arp_lock;    /* locked until then, ms */
    GList lru;                  /* in 'mac_learning.lru'; data = this */
};

struct mac_learning {
    GHashTable *table;          /* &entry->key -> entry */
    GQueue lru;                 /* least recently learned first */
    long long idle_ms;
    size_t max_entries;
};

static gint64
entry_key(const uint8_t mac[ETH_ALEN], uint16_t vlan)
{
    uint64_t k = (uint64_t) vlan << 48;

    for (int i = 0; i < ETH_ALEN; i++) {
        k |= (uint64_t) mac[i] << (8 * (ETH_ALEN - 1 - i));
    }
    return (gint64) k;
}

static void
key_to_mac(gint64 key, uint8_t mac[ETH_ALEN], uint16_t *vlan)
{
    uint64_t k = (uint64_t) key;

    for (int i = 0; i < ETH_ALEN; i++) {
        mac[i] = (uint8_t) (k >> (8 * (ETH_ALEN - 1 - i)));
    }
    *vlan = (uint16_t) (k >> 48);
}

static unsigned int
normalize_idle_time(unsigned int idle_time)
{
    if (idle_time < MAC_LEARNING_MIN_IDLE_TIME) {
        return MAC_LEARNING_MIN_IDLE_TIME;
    } else if (idle_time > MAC_LEARNING_MAX_IDLE_TIME) {
        return MAC_LEARNING_MAX_IDLE_TIME;
    }
    return idle_time;
}

static bool
entry_expired(const struct mac_learning *ml, const struct mac_entry *e,
              long long now)
{
    return now >= e->learned + ml->idle_ms;
}

static void
entry_free(struct mac_learning *ml, struct mac_entry *e)
{
    g_queue_unlink(&ml->lru, &e->lru);
    g_hash_table_remove(ml->table, &e->key);
    g_free(e);
}

struct mac_learning *
mac_learning_create(unsigned int idle_time, size_t max_entries)
{
    struct mac_learning *ml = g_new0(struct mac_learning, 1);

    ml->table = g_hash_table_new(g_int64_hash, g_int64_equal);
    g_queue_init(&ml->lru);
    ml->idle_ms = (long long) normalize_idle_time(idle_time) * 1000;
    ml->max_entries = max_entries ? max_entries : 1;
    return ml;
}

void
mac_learning_destroy(struct mac_learning *ml)
{
    if (!ml) {
        return;
    }
    mac_learning_flush(ml);
    g_hash_table_destroy(ml->table);
    g_free(ml);
}

unsigned int
mac_learning_set_idle_time(struct mac_learning *ml, unsigned int idle_time)
{
    idle_time = normalize_idle_time(idle_time);
    ml->idle_ms = (long long) idle_time * 1000;
    return idle_time;
}

unsigned int
mac_learning_get_idle_time(const struct mac_learning *ml)
{
    return (unsigned int) (ml->idle_ms / 1000);
}

static void
evict_to(struct mac_learning *ml, size_t limit)
{
    while (g_queue_get_length(&ml->lru) > limit) {
        entry_free(ml, g_queue_peek_head(&ml->lru));
    }
}

void
mac_learning_set_max_entries(struct mac_learning *ml, size_t max_entries)
{
    ml->max_entries = max_entries ? max_entries : 1;
    evict_to(ml, ml->max_entries);
}

static struct mac_entry *
entry_find(const struct mac_learning *ml, const uint8_t mac[ETH_ALEN],
           uint16_t vlan)
{
    gint64 key = entry_key(mac, vlan);

    return g_hash_table_lookup(ml->table, &key);
}

int
mac_learning_learn(struct mac_learning *ml, const uint8_t mac[ETH_ALEN],
                   uint16_t vlan, uint32_t port, long long now)
{
    struct mac_entry *e;
    int result;

    if (flow_mac_is_multicast(mac) || vlan >= 4096) {
        return -EINVAL;
    }
    e = entry_find(ml, mac, vlan);
    if (e && entry_expired(ml, e, now)) {
        /* Expired but not yet freed: learning it again is learning anew. */
        entry_free(ml, e);
        e = NULL;
    }
    if (e) {
        result = e->port == port ? MAC_LEARNING_REFRESHED : MAC_LEARNING_MOVED;
        g_queue_unlink(&ml->lru, &e->lru);
    } else {
        evict_to(ml, ml->max_entries - 1);
        e = g_new0(struct mac_entry, 1);
        e->key = entry_key(mac, vlan);
        e->lru.data = e;
        e->grat_arp_lock = LLONG_MIN;
        g_hash_table_insert(ml->table, &e->key, e);
        result = MAC_LEARNING_NEW;
    }
    e->port = port;
    e->learned = now;
    g_queue_push_tail_link(&ml->lru, &e->lru);
    return result;
}

int
mac_learning_lookup(const struct mac_learning *ml,
                    const uint8_t mac[ETH_ALEN], uint16_t vlan, long long now,
                    uint32_t *port)
{
    const struct mac_entry *e = entry_find(ml, mac, vlan);

    if (!e || entry_expired(ml, e, now)) {
        return -ENOENT;
    }
    *port = e->port;
    return 0;
}

int
mac_learning_lock_grat_arp(struct mac_learning *ml,
                           const uint8_t mac[ETH_ALEN], uint16_t vlan,
                           long long now)
{
    struct mac_entry *e = entry_find(ml, mac, vlan);

    if (!e || entry_expired(ml, e, now)) {
        return -ENOENT;
    }
    e->grat_arp_lock = now + MAC_LEARNING_GRAT_ARP_LOCK_MS;
    return 0;
}

bool
mac_learning_is_grat_arp_locked(const struct mac_learning *ml,
                                const uint8_t mac[ETH_ALEN], uint16_t vlan,
                                long long now)
{
    const struct mac_entry *e = entry_find(ml, mac, vlan);

    return e && !entry_expired(ml, e, now) && now < e->grat_arp_lock;
}

size_t
mac_learning_flush_port(struct mac_learning *ml, uint32_t port)
{
    size_t n = 0;
    GList *link = ml->lru.head;

    while (link) {
        struct mac_entry *e = link->data;

        link = link->next;
        if (e->port == port) {
            entry_free(ml, e);
            n++;
        }
    }
    return n;
}

void
mac_learning_flush(struct mac_learning *ml)
{
    evict_to(ml, 0);
}

size_t
mac_learning_expire(struct mac_learning *ml, long long now)
{
    size_t n = 0;
    struct mac_entry *e;

    while ((e = g_queue_peek_head(&ml->lru)) && entry_expired(ml, e, now)) {
        entry_free(ml, e);
        n++;
    }
    return n;
}

long long
mac_learning_next_expiry(const struct mac_learning *ml)
{
    const struct mac_entry *e = ml->lru.head ? ml->lru.head->data : NULL;

    return e ? e->learned + ml->idle_ms : LLONG_MAX;
}

size_t
mac_learning_count(const struct mac_learning *ml)
{
    return g_hash_table_size(ml->table);
}

void
mac_learning_foreach(const struct mac_learning *ml, long long now,
                     void (*cb)(const struct mac_learning_entry_info *,
                                void *aux),
                     void *aux)
{
    for (GList *link = ml->lru.head; link; link = link->next) {
        const struct mac_entry *e = link->data;
        struct mac_learning_entry_info info;

        if (entry_expired(ml, e, now)) {
            continue;
        }
        key_to_mac(e->key, info.mac, &info.vlan);
        info.port = e->port;
        info.age = now > e->learned
                       ? (unsigned int) ((now - e->learned) / 1000)
                       : 0;
        cb(&info, aux);
    }
}

struct format_ctx {
    const char *(*port_name)(uint32_t port, void *aux);
    void *aux;
    GString *out;
};

static void
format_entry(const struct mac_learning_entry_info *info, void *ctx_)
{
    struct format_ctx *ctx = ctx_;
    const char *name = ctx->port_name ? ctx->port_name(info->port, ctx->aux)
                                      : NULL;
    char number[16];

    if (!name) {
        if (info->port == FLOW_PORT_LOCAL) {
            name = "LOCAL";
        } else {
            snprintf(number, sizeof number, "%" PRIu32, info->port);
            name = number;
        }
    }
    g_string_append_printf(ctx->out, "%5s  %4u  " FLOW_MAC_FMT "  %3u\n",
                           name, info->vlan, FLOW_MAC_ARGS(info->mac),
                           info->age);
}

void
mac_learning_format(const struct mac_learning *ml, long long now,
                    const char *(*port_name)(uint32_t port, void *aux),
                    void *aux, GString *out)
{
    struct format_ctx ctx = {port_name, aux, out};

    g_string_append(out, " port  VLAN  MAC                Age\n");
    mac_learning_foreach(ml, now, format_entry, &ctx);
}
