/* netdev.h -- ports of the userspace datapath.
 *
 * A port ("struct dp_netdev") is where packets (dp-packet.h) enter and
 * leave the datapath.  Three types exist, behind one small vtable
 * (netdev-provider.h):
 *
 *   "system"    an existing device (a NIC, a veth, a VIF), opened with an
 *               AF_PACKET socket: a TPACKET_V3 receive ring, batched
 *               sendmmsg() transmission, the device set promiscuous while
 *               the port is open (netdev-afpacket.c);
 *   "internal"  the bridge's own interface: a TAP device created by the
 *               port and deleted when it is closed (netdev-tap.c);
 *   "dummy"     an in-memory port for tests: packets are injected and
 *               collected by the test, or two dummies are wired into a pair
 *               (netdev-dummy.c).
 *
 * Offloads: every packet carries a virtio-net header (dp_packet.vnet), as
 * the kernel hands it over on AF_PACKET (PACKET_VNET_HDR) and TAP
 * (IFF_VNET_HDR) ports: a partial checksum still to be completed, or a GSO
 * super-packet (up to 64 KiB) still to be segmented.  Forwarding passes the
 * header through untouched, and a port that can take it (system and
 * internal ports always can: the kernel finishes the work, in hardware or
 * in software) sends it on intact, which is what makes TCP fast between
 * devices that keep their default offloads.  A port that cannot take some
 * offload (see dp_netdev_set_tx_offloads) gets the work done in software
 * first (netdev-offload.h); so does a GSO packet whose segments would
 * exceed the port's MTU (they are cut smaller).
 *
 * Receiving on system ports: by default with recvmmsg() (one system call
 * per batch, packets as soon as they arrive).  With
 * XSVSWITCH_AFPACKET_RING=1 in the environment, system ports opened
 * afterwards use a TPACKET_V3 ring instead, which hands packets over a
 * block at a time, when a block is full or 1 ms after its first packet,
 * so a lone packet may wait up to 1 ms; a kernel that refuses a TPACKET_V3
 * ring with vnet headers gets recvmmsg() anyway.
 *
 * Errors: functions return 0 (or a count) or a negative errno value.
 * Functions that take a 'struct diag *' also add a message naming the
 * device there (the diag may be NULL).
 *
 * Threads: a port is used by one thread at a time (the caller serialises
 * every call on it, dp_netdev_get_stats() included).  Different ports may
 * be used by different threads at the same time, the two ends of a
 * connected dummy pair included (their queues are locked), and ports may
 * be opened and closed from any thread.  Memory: packets are allocated
 * per received frame (sized to it) and freed by whoever ends up owning
 * them; a port keeps at most one batch of full-size receive buffers. */
#ifndef DATAPATH_NETDEV_H
#define DATAPATH_NETDEV_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dp-packet.h"

struct diag;
struct dp_netdev;

/* Offloads a port can take on transmission (dp_netdev_set_tx_offloads). */
enum {
    DP_NETDEV_TX_CSUM = 1 << 0, /* VIRTIO_NET_HDR_F_NEEDS_CSUM. */
    DP_NETDEV_TX_TSO = 1 << 1,  /* GSO TCPv4 and TCPv6 (and ECN). */
    DP_NETDEV_TX_USO = 1 << 2,  /* GSO UDP_L4 (UDP segmentation). */
};
#define DP_NETDEV_TX_ALL (DP_NETDEV_TX_CSUM | DP_NETDEV_TX_TSO \
                          | DP_NETDEV_TX_USO)

/* Counters kept in userspace by each port.  rx_dropped also counts what
 * the kernel dropped because the receive ring was full, when known. */
struct dp_netdev_stats {
    uint64_t rx_packets;
    uint64_t rx_bytes;
    uint64_t rx_dropped;
    uint64_t tx_packets;        /* Frames handed to the device (a GSO */
    uint64_t tx_bytes;          /* packet counts once, with its size). */
    uint64_t tx_dropped;        /* Refused by the device, or malformed. */
};

/* Opens port 'name' of type 'type' ("system", "internal" or "dummy").
 *
 * "system": 'name' must exist; it is made promiscuous until the port is
 * closed.  "internal": creates TAP device 'name' (down; a random locally
 * administered MAC, as the kernel gives it), or attaches to an existing
 * persistent TAP of that name.  "dummy": creates an in-memory port (up,
 * carrier on, MTU 1500, a random locally administered MAC).
 *
 * On success stores the new port in '*netdevp' (the caller owns it:
 * dp_netdev_close) and returns 0.  On failure returns a negative errno
 * (-EINVAL for an unknown type or a bad name, -ENODEV if a system device
 * does not exist, ...) and adds a message naming the device to 'diag'. */
int dp_netdev_open(const char *name, const char *type,
                   struct dp_netdev **netdevp, struct diag *diag);

/* Closes 'netdev' and frees it.  An internal port's TAP device is deleted
 * (unless it was persistent); a system device leaves promiscuous mode.
 * Accepts NULL. */
void dp_netdev_close(struct dp_netdev *netdev);

/* Closes the 'n' ports in 'netdevs' (NULLs are skipped), as
 * dp_netdev_close() does each, but quickly: the TAP devices of internal
 * ports are deleted in one batch by the kernel (one RTNL operation for all
 * of them instead of one with an RCU grace period each: 1,000 internal
 * ports go in well under a second instead of some 20 seconds).  The array
 * itself stays the caller's. */
void dp_netdev_close_many(struct dp_netdev **netdevs, size_t n);

const char *dp_netdev_get_name(const struct dp_netdev *);
const char *dp_netdev_get_type(const struct dp_netdev *);

/* A file descriptor that polls readable (POLLIN/EPOLLIN) when
 * dp_netdev_rx_batch() may have packets.  It stays the port's: do not read
 * from it or close it.  Level-triggered use is the safe one; with
 * edge-triggered epoll, call dp_netdev_rx_batch() until -EAGAIN. */
int dp_netdev_get_fd(const struct dp_netdev *);

/* Receives up to DP_PACKET_BATCH_MAX - batch->count packets and appends
 * them to 'batch'; never blocks.  The caller owns the received packets
 * (dp_packet_delete).  Each packet's in_port is 0 (the caller's numbering),
 * its vnet header holds the kernel's offload metadata, and an 802.1Q tag
 * that the kernel had moved into metadata is back in the frame.
 *
 * Returns the number received (> 0), -EAGAIN if there was none, or
 * another negative errno: -ENETDOWN (once) when a system device went down,
 * after which the port works again when the device comes back up; -ENODEV
 * when the device was deleted (a system device, or an internal port's TAP
 * deleted from outside): close the port then, its fd polls POLLERR for
 * good. */
int dp_netdev_rx_batch(struct dp_netdev *netdev, struct dp_packet_batch *);

/* Transmits every packet of 'batch', in order.  The packets stay the
 * caller's (they are not freed and the batch is not emptied), so one batch
 * may be sent to several ports; a packet whose partial checksum this port
 * cannot take has its checksum completed in place (which leaves it valid
 * for any port), and a GSO packet this port cannot take, or whose segments
 * would not fit its MTU, is segmented in software into temporary
 * packets.  A packet the device refuses is dropped
 * and counted in tx_dropped.  Returns 0 if every packet went, otherwise
 * the negative errno of the first failure. */
int dp_netdev_tx_batch(struct dp_netdev *netdev,
                       const struct dp_packet_batch *batch);

/* Sets and gets the offloads this port takes on transmission
 * (DP_NETDEV_TX_*).  Default: DP_NETDEV_TX_ALL for every type.  Clearing
 * one makes dp_netdev_tx_batch() do that work in software. */
void dp_netdev_set_tx_offloads(struct dp_netdev *, unsigned int offloads);
unsigned int dp_netdev_get_tx_offloads(const struct dp_netdev *);

/* Link state: stores in '*carrier' whether the device is up and running
 * (IFF_RUNNING: administratively up with carrier).  Returns 0 or a
 * negative errno. */
int dp_netdev_get_carrier(struct dp_netdev *, bool *carrier);

/* The device's Ethernet address.  Returns 0 or a negative errno. */
int dp_netdev_get_mac(struct dp_netdev *, uint8_t mac[6]);

/* Sets the device's Ethernet address (internal and dummy ports; a system
 * device refuses with -EOPNOTSUPP: it is not the datapath's to change).
 * Returns 0 or a negative errno (with a message in 'diag'). */
int dp_netdev_set_mac(struct dp_netdev *, const uint8_t mac[6],
                      struct diag *diag);

/* Stores the MTU in '*mtup'.  Returns 0 or a negative errno.  The port
 * remembers it (for cutting GSO packets to size): call this when the
 * device's MTU may have changed behind the datapath's back. */
int dp_netdev_get_mtu(struct dp_netdev *, int *mtup);

/* Sets the MTU (internal and dummy ports; -EOPNOTSUPP for system).
 * Returns 0 or a negative errno (with a message in 'diag'). */
int dp_netdev_set_mtu(struct dp_netdev *, int mtu, struct diag *diag);

/* Returns the device's ifindex (> 0), or a negative errno
 * (-EOPNOTSUPP for a dummy port, which has none). */
int dp_netdev_get_ifindex(struct dp_netdev *);

/* Brings the device administratively up or down (internal and dummy ports;
 * -EOPNOTSUPP for system devices, whose state is not the datapath's).
 * Returns 0 or a negative errno (with a message in 'diag'). */
int dp_netdev_set_up(struct dp_netdev *, bool up, struct diag *diag);

/* Copies the port's counters into '*stats' (pulling the kernel's ring drop
 * count first, for system ports). */
void dp_netdev_get_stats(struct dp_netdev *, struct dp_netdev_stats *stats);

/* Dummy ports (tests).  Each of these returns -EINVAL for a port that is
 * not a dummy. */

/* Wires dummies 'a' and 'b' together: what one transmits, the other
 * receives (a copy; the sender's packets stay the sender's).  A dummy that
 * is not connected keeps what it transmits for dp_netdev_dummy_take_sent().
 * Connecting a port that is already connected replaces the old link. */
int dp_netdev_dummy_connect(struct dp_netdev *a, struct dp_netdev *b);

/* Queues 'packet' for dp_netdev_rx_batch() on 'netdev'; takes ownership
 * (it is freed if the call fails). */
int dp_netdev_dummy_inject(struct dp_netdev *netdev,
                           struct dp_packet *packet);

/* Moves up to DP_PACKET_BATCH_MAX - batch->count packets that the
 * unconnected dummy 'netdev' transmitted (copies, oldest first) into
 * 'batch'.  Returns how many (0 if none); the caller owns them. */
int dp_netdev_dummy_take_sent(struct dp_netdev *netdev,
                              struct dp_packet_batch *batch);

/* Sets the dummy's carrier (default on). */
int dp_netdev_dummy_set_carrier(struct dp_netdev *netdev, bool carrier);

#endif /* datapath/netdev.h */
