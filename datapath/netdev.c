/* netdev.c -- ports of the userspace datapath: the generic layer
 * (netdev.h).
 *
 * This file picks a port class by type name (netdev-provider.h: AF_PACKET
 * for "system", TAP for "internal", in-memory for "dummy"), keeps the
 * receive counters, and on transmission does in software whatever offload
 * work a port does not take (netdev-offload.h) before handing packets to
 * the class: checksums, and segmentation of GSO packets either for a port
 * without TSO or USO or because their segments would not fit the port's
 * MTU (as last read: at open and by dp_netdev_get_mtu() and
 * dp_netdev_set_mtu()).  Everything that touches a device is in the
 * classes. */
#include <config.h>

#include "netdev.h"

#include <errno.h>
#include <glib.h>
#include <string.h>

#include "diag.h"
#include "netdev-offload.h"
#include "netdev-provider.h"

static const struct dp_netdev_class *const classes[] = {
    &dp_netdev_afpacket_class,
    &dp_netdev_tap_class,
    &dp_netdev_dummy_class,
};

static const struct dp_netdev_class *
find_class(const char *type)
{
    for (size_t i = 0; i < G_N_ELEMENTS(classes); i++) {
        if (!strcmp(classes[i]->type, type)) {
            return classes[i];
        }
    }
    return NULL;
}

int
dp_netdev_open(const char *name, const char *type,
               struct dp_netdev **netdevp, struct diag *diag)
{
    const struct dp_netdev_class *class = find_class(type);
    struct dp_netdev *netdev;
    int error;

    if (!class) {
        diag_add(diag, "%s: unknown port type \"%s\"", name, type);
        return -EINVAL;
    }
    if (!*name) {
        diag_add(diag, "a %s port needs a device name", type);
        return -EINVAL;
    }
    error = class->open(name, &netdev, diag);
    if (error) {
        return error;
    }
    netdev->class = class;
    netdev->name = g_strdup(name);
    netdev->tx_offloads = DP_NETDEV_TX_ALL;
    memset(&netdev->stats, 0, sizeof netdev->stats);
    if (class->get_mtu(netdev, &netdev->mtu)) {
        netdev->mtu = 0;
    }
    *netdevp = netdev;
    return 0;
}

void
dp_netdev_close(struct dp_netdev *netdev)
{
    if (netdev) {
        char *name = netdev->name;

        netdev->class->close(netdev);
        g_free(name);
    }
}

void
dp_netdev_close_many(struct dp_netdev **netdevs, size_t n)
{
    size_t n_classes = G_N_ELEMENTS(classes);
    struct dp_netdev **by_class = g_new(struct dp_netdev *, n_classes * n);
    char **names = g_new(char *, n);
    size_t count[G_N_ELEMENTS(classes)] = { 0 };
    size_t n_names = 0;

    /* Sort them by class before closing any. */
    for (size_t i = 0; i < n; i++) {
        for (size_t c = 0; netdevs[i] && c < n_classes; c++) {
            if (netdevs[i]->class == classes[c]) {
                by_class[c * n + count[c]++] = netdevs[i];
                names[n_names++] = netdevs[i]->name;
            }
        }
    }
    for (size_t c = 0; c < n_classes; c++) {
        struct dp_netdev **same = &by_class[c * n];

        if (count[c] && classes[c]->close_many) {
            classes[c]->close_many(same, count[c]);
        } else {
            for (size_t i = 0; i < count[c]; i++) {
                classes[c]->close(same[i]);
            }
        }
    }
    for (size_t i = 0; i < n_names; i++) {
        g_free(names[i]);
    }
    g_free(names);
    g_free(by_class);
}

const char *
dp_netdev_get_name(const struct dp_netdev *netdev)
{
    return netdev->name;
}

const char *
dp_netdev_get_type(const struct dp_netdev *netdev)
{
    return netdev->class->type;
}

int
dp_netdev_get_fd(const struct dp_netdev *netdev)
{
    return netdev->fd;
}

int
dp_netdev_rx_batch(struct dp_netdev *netdev, struct dp_packet_batch *batch)
{
    unsigned int first = batch->count;
    int n;

    if (batch->count >= DP_PACKET_BATCH_MAX) {
        return -ENOBUFS;
    }
    n = netdev->class->rx(netdev, batch);
    if (n > 0) {
        netdev->stats.rx_packets += n;
        for (unsigned int i = first; i < batch->count; i++) {
            netdev->stats.rx_bytes += batch->packets[i]->size;
        }
    }
    return n;
}

/* Packets on their way to a class's send(): some are the caller's, some
 * (segments) are ours to free once sent. */
struct tx_queue {
    struct dp_netdev *netdev;
    unsigned int n;
    struct dp_packet *pkts[DP_PACKET_BATCH_MAX];
    bool owned[DP_PACKET_BATCH_MAX];
    int error;                  /* First failure, or 0. */
};

static void
tx_flush(struct tx_queue *q)
{
    if (q->n) {
        int error = q->netdev->class->send(q->netdev, q->pkts, q->n);

        if (error && !q->error) {
            q->error = error;
        }
        for (unsigned int i = 0; i < q->n; i++) {
            if (q->owned[i]) {
                dp_packet_delete(q->pkts[i]);
            }
        }
        q->n = 0;
    }
}

static void
tx_enqueue(struct tx_queue *q, struct dp_packet *p, bool owned)
{
    if (q->n == DP_PACKET_BATCH_MAX) {
        tx_flush(q);
    }
    q->pkts[q->n] = p;
    q->owned[q->n++] = owned;
}

static void
tx_drop(struct tx_queue *q, int error)
{
    q->netdev->stats.tx_dropped++;
    if (!q->error) {
        q->error = error;
    }
}

/* The DP_NETDEV_TX_* offload that GSO type 'gso_type' needs, or 0 if none
 * can carry it. */
static unsigned int
gso_offload(uint8_t gso_type)
{
    switch (gso_type & ~VIRTIO_NET_HDR_GSO_ECN) {
    case VIRTIO_NET_HDR_GSO_TCPV4:
    case VIRTIO_NET_HDR_GSO_TCPV6:
        return DP_NETDEV_TX_TSO;
    case VIRTIO_NET_HDR_GSO_UDP_L4:
        return DP_NETDEV_TX_USO;
    default:
        return 0;
    }
}

int
dp_netdev_tx_batch(struct dp_netdev *netdev,
                   const struct dp_packet_batch *batch)
{
    unsigned int offloads = netdev->tx_offloads;
    struct tx_queue q = { .netdev = netdev };

    for (unsigned int i = 0; i < batch->count; i++) {
        struct dp_packet *p = batch->packets[i];
        uint8_t gso_type = p->vnet.gso_type;

        if (gso_type != VIRTIO_NET_HDR_GSO_NONE) {
            unsigned int need = gso_offload(gso_type);
            bool fits = (!netdev->mtu
                         || netdev_offload_gso_ip_len(p) <= netdev->mtu);
            struct dp_packet **segs;
            int n;

            if (need && (offloads & need) && fits) {
                tx_enqueue(&q, p, false);
                continue;
            }
            n = netdev_offload_segment(p, fits ? 0 : netdev->mtu, &segs);
            if (n < 0) {
                tx_drop(&q, n);
                continue;
            }
            for (int j = 0; j < n; j++) {
                tx_enqueue(&q, segs[j], true);
            }
            g_free(segs);
        } else if ((p->vnet.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)
                   && !(offloads & DP_NETDEV_TX_CSUM)) {
            int error = netdev_offload_complete_csum(p);

            if (error) {
                tx_drop(&q, error);
                continue;
            }
            tx_enqueue(&q, p, false);
        } else {
            tx_enqueue(&q, p, false);
        }
    }
    tx_flush(&q);
    return q.error;
}

void
dp_netdev_set_tx_offloads(struct dp_netdev *netdev, unsigned int offloads)
{
    netdev->tx_offloads = offloads & DP_NETDEV_TX_ALL;
}

unsigned int
dp_netdev_get_tx_offloads(const struct dp_netdev *netdev)
{
    return netdev->tx_offloads;
}

int
dp_netdev_get_carrier(struct dp_netdev *netdev, bool *carrier)
{
    return netdev->class->get_carrier(netdev, carrier);
}

int
dp_netdev_get_mac(struct dp_netdev *netdev, uint8_t mac[6])
{
    return netdev->class->get_mac(netdev, mac);
}

int
dp_netdev_set_mac(struct dp_netdev *netdev, const uint8_t mac[6],
                  struct diag *diag)
{
    return netdev->class->set_mac(netdev, mac, diag);
}

int
dp_netdev_get_mtu(struct dp_netdev *netdev, int *mtup)
{
    int error = netdev->class->get_mtu(netdev, mtup);

    if (!error) {
        netdev->mtu = *mtup;
    }
    return error;
}

int
dp_netdev_set_mtu(struct dp_netdev *netdev, int mtu, struct diag *diag)
{
    int error = netdev->class->set_mtu(netdev, mtu, diag);

    if (!error) {
        netdev->mtu = mtu;
    }
    return error;
}

int
dp_netdev_get_ifindex(struct dp_netdev *netdev)
{
    return netdev->class->get_ifindex(netdev);
}

int
dp_netdev_set_up(struct dp_netdev *netdev, bool up, struct diag *diag)
{
    return netdev->class->set_up(netdev, up, diag);
}

void
dp_netdev_get_stats(struct dp_netdev *netdev, struct dp_netdev_stats *stats)
{
    if (netdev->class->update_stats) {
        netdev->class->update_stats(netdev);
    }
    *stats = netdev->stats;
}
