/* mac-learning.h -- the MAC learning table (forwarding database) of one
 * bridge: (VLAN, MAC) -> port, with aging and a size limit.
 *
 * Time is the caller's: every function that ages takes 'now', a monotonic
 * time in milliseconds (g_get_monotonic_time() / 1000 in the daemon, a
 * plain counter in tests).  An entry learned at time T expires at
 * T + idle_time * 1000; an expired entry is invisible to lookups at once
 * and is freed by mac_learning_expire() (or when its slot is needed).
 *
 * "Port" is whatever number the caller learns on; the switching daemon
 * uses the OpenFlow port of a Port (for a bond, the bond's own number, see
 * bond.h), FLOW_PORT_LOCAL for the bridge's internal port. */
#ifndef DATAPATH_MAC_LEARNING_H
#define DATAPATH_MAC_LEARNING_H 1

#include <glib.h>
#include <linux/if_ether.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MAC_LEARNING_DEFAULT_IDLE_TIME 300 /* seconds */
#define MAC_LEARNING_MIN_IDLE_TIME 15
#define MAC_LEARNING_MAX_IDLE_TIME 3600
#define MAC_LEARNING_DEFAULT_MAX 8192 /* entries */
#define MAC_LEARNING_GRAT_ARP_LOCK_MS 5000

/* What mac_learning_learn() did (all are success). */
enum mac_learning_result {
    MAC_LEARNING_REFRESHED = 0, /* known on that port; aging restarted */
    MAC_LEARNING_NEW = 1,       /* a new entry (possibly evicting one) */
    MAC_LEARNING_MOVED = 2,     /* known on another port; moved here */
};

/* One entry, as mac_learning_foreach() shows it. */
struct mac_learning_entry_info {
    uint8_t mac[ETH_ALEN];
    uint16_t vlan;
    uint32_t port;
    unsigned int age;           /* seconds since last learned */
};

struct mac_learning;

/* Creates an empty table.  'idle_time' (seconds) is forced into
 * MAC_LEARNING_MIN_IDLE_TIME..MAC_LEARNING_MAX_IDLE_TIME as Open vSwitch's
 * mac-aging-time is; 'max_entries' of 0 means 1.  Never returns NULL; free
 * with mac_learning_destroy(). */
struct mac_learning *mac_learning_create(unsigned int idle_time,
                                         size_t max_entries);

/* Frees 'ml' and its entries.  Accepts NULL. */
void mac_learning_destroy(struct mac_learning *ml);

/* Changes the aging time (forced into range as above) and returns the
 * value now in effect.  Existing entries age by the new time from when
 * they were last learned. */
unsigned int mac_learning_set_idle_time(struct mac_learning *ml,
                                        unsigned int idle_time);
unsigned int mac_learning_get_idle_time(const struct mac_learning *ml);

/* Changes the size limit ('max_entries' of 0 means 1), evicting the
 * least recently learned entries if there are now too many. */
void mac_learning_set_max_entries(struct mac_learning *ml,
                                  size_t max_entries);

/* Records that 'mac' was seen as a source in 'vlan' on 'port' at 'now'.
 * When the table is full, the least recently learned entry makes room.
 * Returns an enum mac_learning_result, or -EINVAL (nothing changes) for a
 * multicast or broadcast 'mac' or a 'vlan' above 4095. */
int mac_learning_learn(struct mac_learning *ml, const uint8_t mac[ETH_ALEN],
                       uint16_t vlan, uint32_t port, long long now);

/* Looks up where 'mac' in 'vlan' was learned.  Returns 0 and stores the
 * port in '*port', or -ENOENT (not learned, or expired at 'now'). */
int mac_learning_lookup(const struct mac_learning *ml,
                        const uint8_t mac[ETH_ALEN], uint16_t vlan,
                        long long now, uint32_t *port);

/* Locks the entry for 'mac' in 'vlan' against gratuitous-ARP moves for
 * MAC_LEARNING_GRAT_ARP_LOCK_MS from 'now': the switching daemon does this
 * when a gratuitous ARP arrives on a port that is not a bond, so that the
 * copy a bond reflects back is not learned (as Open vSwitch does).
 * Returns 0 or -ENOENT. */
int mac_learning_lock_grat_arp(struct mac_learning *ml,
                               const uint8_t mac[ETH_ALEN], uint16_t vlan,
                               long long now);

/* True if that entry exists and its gratuitous-ARP lock holds at 'now'. */
bool mac_learning_is_grat_arp_locked(const struct mac_learning *ml,
                                     const uint8_t mac[ETH_ALEN],
                                     uint16_t vlan, long long now);

/* Forgets every entry on 'port' (a port that went away, or whose VLAN
 * configuration changed).  Returns how many were removed. */
size_t mac_learning_flush_port(struct mac_learning *ml, uint32_t port);

/* Forgets every entry (fdb/flush). */
void mac_learning_flush(struct mac_learning *ml);

/* Frees every entry expired at 'now'.  Returns how many. */
size_t mac_learning_expire(struct mac_learning *ml, long long now);

/* When the next entry expires (for a poll timer), or LLONG_MAX if the
 * table is empty. */
long long mac_learning_next_expiry(const struct mac_learning *ml);

/* The number of entries, expired ones not yet freed included. */
size_t mac_learning_count(const struct mac_learning *ml);

/* Calls 'cb' for every entry not expired at 'now', least recently learned
 * first.  'cb' must not change 'ml'. */
void mac_learning_foreach(const struct mac_learning *ml, long long now,
                          void (*cb)(const struct mac_learning_entry_info *,
                                     void *aux),
                          void *aux);

/* Appends the table as `ovs-appctl fdb/show` prints it:
 *     " port  VLAN  MAC                Age\n"
 *     "    1     0  aa:bb:cc:dd:ee:ff    5\n"
 * least recently learned first.  Ports are shown by 'port_name' if it is
 * non-NULL and returns non-NULL, else as numbers ("LOCAL" for
 * FLOW_PORT_LOCAL). */
void mac_learning_format(const struct mac_learning *ml, long long now,
                         const char *(*port_name)(uint32_t port, void *aux),
                         void *aux, GString *out);

#endif /* datapath/mac-learning.h */
