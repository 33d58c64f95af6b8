/* netdev-provider.h -- the vtable behind datapath ports (netdev.h).
 *
 * netdev.c is the generic layer: it picks a class by type name, counts
 * received packets, does in software the offload work a port cannot take
 * (netdev-offload.h) and then hands packets to the class.  Each class
 * embeds 'struct dp_netdev' at the start of its own port struct:
 *
 *   netdev-afpacket.c   "system": AF_PACKET, TPACKET_V3 ring, sendmmsg
 *   netdev-tap.c        "internal": TAP devices
 *   netdev-dummy.c      "dummy": in memory, for tests
 *
 * netdev-linux.c holds the ioctl helpers the two Linux classes share
 * (link state, MAC, MTU, ifindex by device name). */
#ifndef DATAPATH_NETDEV_PROVIDER_H
#define DATAPATH_NETDEV_PROVIDER_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dp-packet.h"
#include "netdev.h"

struct diag;

struct dp_netdev {
    const struct dp_netdev_class *class;
    char *name;                 /* Device name (owned). */
    int fd;                     /* For poll: see dp_netdev_get_fd(). */
    unsigned int tx_offloads;   /* DP_NETDEV_TX_*. */
    int mtu;                    /* Last known MTU, 0 if unknown. */
    struct dp_netdev_stats stats;
};

struct dp_netdev_class {
    const char *type;

    /* Opens port 'name' and stores it in '*netdevp'; the class allocates
     * its struct and fills 'fd'; the generic layer fills the rest.
     * Returns 0 or a negative errno, with a message in 'diag'. */
    int (*open)(const char *name, struct dp_netdev **netdevp,
                struct diag *diag);

    /* Releases everything, the struct included (not 'name': the generic
     * layer frees it after). */
    void (*close)(struct dp_netdev *);

    /* Optional: closes the 'n' ports of this class in 'netdevs' at once.
     * Without it, close() is called for each. */
    void (*close_many)(struct dp_netdev **netdevs, size_t n);

    /* Appends received packets to 'batch' as dp_netdev_rx_batch() says;
     * counts its own drops in stats.rx_dropped (the generic layer counts
     * rx_packets and rx_bytes). */
    int (*rx)(struct dp_netdev *, struct dp_packet_batch *batch);

    /* Sends 'n' packets (n <= DP_PACKET_BATCH_MAX) whose offload work this
     * port can take; does not free them.  Counts tx_packets, tx_bytes and
     * tx_dropped.  Returns 0 or the negative errno of the first failure. */
    int (*send)(struct dp_netdev *, struct dp_packet *const *pkts,
                unsigned int n);

    int (*get_carrier)(struct dp_netdev *, bool *carrier);
    int (*get_mac)(struct dp_netdev *, uint8_t mac[6]);
    int (*set_mac)(struct dp_netdev *, const uint8_t mac[6], struct diag *);
    int (*get_mtu)(struct dp_netdev *, int *mtup);
    int (*set_mtu)(struct dp_netdev *, int mtu, struct diag *);
    int (*get_ifindex)(struct dp_netdev *);
    int (*set_up)(struct dp_netdev *, bool up, struct diag *);

    /* Optional: brings kernel-side counters into 'stats'. */
    void (*update_stats)(struct dp_netdev *);
};

extern const struct dp_netdev_class dp_netdev_afpacket_class;
extern const struct dp_netdev_class dp_netdev_tap_class;
extern const struct dp_netdev_class dp_netdev_dummy_class;

/* Counts one packet of 'size' bytes as sent. */
static inline void
dp_netdev_count_tx(struct dp_netdev *netdev, uint32_t size)
{
    netdev->stats.tx_packets++;
    netdev->stats.tx_bytes += size;
}

/* netdev-linux.c: device attributes by name, through ioctl() on a socket
 * of the calling thread's network namespace at first use.  Each returns 0
 * (or an ifindex) or a negative errno; the setters add a message naming
 * the device to 'diag'. */
int dp_netdev_linux_get_flags(const char *name, unsigned int *flags);
int dp_netdev_linux_get_carrier(const char *name, bool *carrier);
int dp_netdev_linux_get_mac(const char *name, uint8_t mac[6]);
int dp_netdev_linux_set_mac(const char *name, const uint8_t mac[6],
                            struct diag *);
int dp_netdev_linux_get_mtu(const char *name, int *mtup);
int dp_netdev_linux_set_mtu(const char *name, int mtu, struct diag *);
int dp_netdev_linux_get_ifindex(const char *name);
int dp_netdev_linux_set_up(const char *name, bool up, struct diag *);

/* Checks that 'name' fits a Linux device name.  Returns 0 or -EINVAL with
 * a message in 'diag'. */
int dp_netdev_linux_check_name(const char *name, struct diag *);

/* A random locally administered unicast Ethernet address. */
void dp_netdev_random_mac(uint8_t mac[6]);

#endif /* datapath/netdev-provider.h */
