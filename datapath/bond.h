/* bond.h -- the logic of a bond (several links acting as one port), with
 * no I/O of its own.
 *
 * Modes, as Open vSwitch's bond_mode: active-backup (all traffic on one
 * active member; another takes over when it fails) and balance-slb
 * (source MAC and VLAN hashed into 256 buckets, each assigned to an
 * enabled member, periodically rebalanced by load).  LACP is not
 * implemented: bond/show reports "lacp_status: off" and balance-tcp is
 * refused.
 *
 * The caller (the switching daemon) supplies everything from the outside
 * world: each member's link state (carrier, or a miimon result) through
 * bond_member_set_link(), the time ('now', monotonic milliseconds, as for
 * the MAC table and the flow table), the bytes it sent per bucket through
 * bond_account(), and the bridge's MAC table for the input checks and the
 * learning packets.  A member whose link comes up is enabled only after
 * updelay ms; one whose link goes down is disabled after downdelay ms;
 * bond_run() applies the delays that have run out, so call it at
 * bond_next_wake() (and whenever convenient).  Members are named by the
 * caller's port numbers (datapath/OpenFlow ports); the bond itself has a
 * port number too, the one the MAC table learns on for the whole bond. */
#ifndef DATAPATH_BOND_H
#define DATAPATH_BOND_H 1

#include <glib.h>
#include <linux/if_ether.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct flow;
struct mac_learning;

#define BOND_BUCKETS 256
#define BOND_DEFAULT_REBALANCE_INTERVAL 10000 /* ms */

/* The length of a learning packet without (with) a VLAN tag. */
#define BOND_LEARNING_PACKET_LEN 42
#define BOND_LEARNING_PACKET_MAX 46

enum bond_mode {
    BOND_MODE_ACTIVE_BACKUP,
    BOND_MODE_BALANCE_SLB,
};

/* Parses an OVSDB bond_mode value ("active-backup", "balance-slb").
 * Returns 0, or -EINVAL ("balance-tcp" included: it needs LACP). */
int bond_mode_from_string(const char *s, enum bond_mode *mode);

/* The OVSDB spelling of 'mode'. */
const char *bond_mode_to_string(enum bond_mode mode);

struct bond_settings {
    const char *name;           /* copied */
    enum bond_mode mode;
    uint32_t port;              /* the bond's port in the MAC table */
    int updelay;                /* ms, >= 0 */
    int downdelay;              /* ms, >= 0 */
    int rebalance_interval;     /* ms; 0: never rebalance */
    uint32_t basis;             /* hash basis */
};

/* Fills 's' with Open vSwitch's defaults (active-backup, no delays,
 * rebalancing every 10 s, basis 0) for a bond called 'name' on 'port'. */
void bond_settings_init(struct bond_settings *s, const char *name,
                        uint32_t port);

struct bond;

/* A bond with settings 's' and no members.  Returns -EINVAL (with no bond)
 * for a NULL or empty name or a negative delay or interval; otherwise 0
 * and the new bond in '*bondp', to be freed with bond_destroy(). */
int bond_create(const struct bond_settings *s, long long now,
                struct bond **bondp);

/* Frees 'bond'.  Accepts NULL. */
void bond_destroy(struct bond *bond);

/* Applies new settings.  A change of mode or basis forgets the bucket
 * assignments and loads.  Returns 0, or -EINVAL (nothing changes) as
 * bond_create(). */
int bond_reconfigure(struct bond *bond, const struct bond_settings *s,
                     long long now);

/* Adds member 'port' called 'name' (copied), with MAC address 'mac' (NULL
 * if unknown; bond/show prints it for the active member) and link state
 * 'link_up'.  As in Open vSwitch, a new member is enabled at once if its
 * link is up: the delays apply to changes.  Returns 0, or -EEXIST. */
int bond_member_add(struct bond *bond, uint32_t port, const char *name,
                    const uint8_t mac[ETH_ALEN], bool link_up);

/* Removes member 'port'; if it was active another is chosen.  Returns 0,
 * or -ENOENT. */
int bond_member_remove(struct bond *bond, uint32_t port);

/* Reports the link state of member 'port' (carrier, or the miimon result)
 * at 'now'.  Starts or cancels the up/down delay and applies it at once if
 * it is 0.  Returns 0, or -ENOENT. */
int bond_member_set_link(struct bond *bond, uint32_t port, bool up,
                         long long now);

/* Applies the delays that ran out by 'now' and, if the active member is
 * gone or disabled, chooses another: an enabled member, or else (all
 * disabled) the member whose updelay would end first, enabled at once.
 * Returns true if any member was enabled or disabled or the active member
 * changed since the last call (the caller's cached forwarding decisions
 * are stale). */
bool bond_run(struct bond *bond, long long now);

/* When bond_run() or bond_rebalance() next has work to do, or LLONG_MAX. */
long long bond_next_wake(const struct bond *bond);

/* Stores the active member's port in '*port' and returns 0, or returns
 * -ENOENT if there is none (every member disabled). */
int bond_get_active(const struct bond *bond, uint32_t *port);

/* True if member 'port' exists and is enabled. */
bool bond_member_is_enabled(const struct bond *bond, uint32_t port);

size_t bond_n_members(const struct bond *bond);
const char *bond_get_name(const struct bond *bond);
enum bond_mode bond_get_mode(const struct bond *bond);
uint32_t bond_get_port(const struct bond *bond);

/* The SLB bucket (0..255) of source MAC 'mac' in 'vlan'. */
unsigned int bond_hash(const struct bond *bond, const uint8_t mac[ETH_ALEN],
                       uint16_t vlan);

/* Chooses the member to send a frame from 'src' in 'vlan' on: the active
 * member (active-backup), or the member of its bucket (balance-slb; an
 * unassigned bucket, or one whose member is disabled, goes to the enabled
 * members in turn).  Returns 0 and stores the member's port in '*port',
 * or -ENETDOWN if no member is enabled. */
int bond_choose_output(struct bond *bond, const uint8_t src[ETH_ALEN],
                       uint16_t vlan, uint32_t *port);

/* Reports that 'n_bytes' were sent in SLB bucket 'bucket' (bond_hash()).
 * Ignored in active-backup mode. */
void bond_account(struct bond *bond, unsigned int bucket, uint64_t n_bytes);

/* If rebalancing is due at 'now' (balance-slb, every rebalance_interval
 * ms), moves buckets from the most to the least loaded enabled members
 * while that narrows the gap by a useful amount (a gap under 100000 bytes
 * or 1/32 of the lighter load is left alone), then halves every bucket's
 * load so that old traffic fades.  Returns the number of buckets moved. */
int bond_rebalance(struct bond *bond, long long now);

/* Input filtering. */
enum bond_verdict {
    BOND_VERDICT_ACCEPT,
    BOND_VERDICT_DROP,
    BOND_VERDICT_DROP_IF_MOVED, /* drop if the source MAC was learned on
                                 * another port than the bond */
};

/* The first half of the input check for a frame to 'dl_dst' arriving on
 * member 'port': unknown members drop; multicast and broadcast are taken
 * only on the active member (the one the other end's flooding is meant to
 * reach); active-backup takes nothing on backup members; balance-slb then
 * asks for the reverse-path check. */
enum bond_verdict bond_check_admissibility(const struct bond *bond,
                                           uint32_t port,
                                           const uint8_t dl_dst[ETH_ALEN]);

/* The whole input check for the frame with key 'key', in 'vlan', arriving
 * on member 'port': bond_check_admissibility(), then, for
 * BOND_VERDICT_DROP_IF_MOVED, the reverse-path check against 'ml' at
 * 'now' -- a frame whose source MAC the table places on another port is
 * one of ours coming back and is dropped, unless it is a gratuitous ARP
 * (the host moved) and that MAC's entry is not locked (see
 * mac_learning_lock_grat_arp()).  True: admit (and learn from) it. */
bool bond_admit(const struct bond *bond, uint32_t port,
                const struct flow *key, uint16_t vlan,
                const struct mac_learning *ml, long long now);

/* Learning packets after a failover. */

/* True once after the active member changed (a failover, or the first
 * choice): the caller should then send bond_learning_packets().  Calling
 * this clears the condition. */
bool bond_should_send_learning_packets(struct bond *bond);

struct bond_learning_packet {
    uint8_t mac[ETH_ALEN];      /* a MAC learned elsewhere in the bridge */
    uint16_t vlan;
    uint32_t member;            /* the member to send its packet on */
};

/* For every MAC in 'ml' (unexpired at 'now') learned on a port other than
 * the bond, which member a learning packet for it should leave by (the one
 * bond_choose_output() picks for that MAC and VLAN), so that the switches
 * beyond the bond learn the new path.  Returns how many, with the array in
 * '*packets' (free with g_free(); NULL if none).  Returns 0 if no member is
 * enabled. */
size_t bond_learning_packets(struct bond *bond, const struct mac_learning *ml,
                             long long now,
                             struct bond_learning_packet **packets);

/* Writes into 'buf' (of 'size' bytes) the learning packet for 'mac' in
 * 'vlan': a broadcast Reverse ARP request from 'mac', as Open vSwitch
 * sends -- Ethernet destination ff:ff:ff:ff:ff:ff, source 'mac', EtherType
 * 0x8035; hardware type 1, protocol 0x0800, lengths 6 and 4, opcode 3
 * (request reverse), sender and target hardware address 'mac', both
 * protocol addresses 0.0.0.0 -- with an 802.1Q tag for 'vlan' if it is not
 * 0.  No padding: ports pad short frames.  Returns the length
 * (BOND_LEARNING_PACKET_LEN, or _MAX with a tag), or -ENOSPC. */
int bond_compose_learning_packet(const uint8_t mac[ETH_ALEN], uint16_t vlan,
                                 uint8_t *buf, size_t size);

/* Appends the bond as `ovs-appctl bond/show BOND` prints it (Open vSwitch
 * 3.1's layout: mode, hash basis, delays, next rebalance, "lacp_status:
 * off", the active member's MAC, then each member sorted by name with
 * enabled/disabled, "active member", a pending delay, may_enable (the link
 * state last reported) and, for balance-slb, the load of its buckets). */
void bond_format(const struct bond *bond, long long now, GString *out);

#endif /* datapath/bond.h */
