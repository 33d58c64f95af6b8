/* netdev-dummy.c -- "dummy" ports: in memory, for tests (a class of
 * netdev-provider.h, the test double of netdev-afpacket.c and
 * netdev-tap.c).
 *
 * A dummy has a receive queue, which a test fills with
 * dp_netdev_dummy_inject() or which a connected peer fills by
 * transmitting, and an eventfd that polls readable while the queue is not
 * empty, so that a poll loop treats a dummy like any other port.  What an
 * unconnected dummy transmits is kept for dp_netdev_dummy_take_sent().
 * Transmission copies each packet with its virtio-net header, except on a
 * dummy whose tx offloads were all cleared, which sends bare frames (the
 * generic layer has completed their checksums and segmented them); a frame
 * longer than the MTU allows (GSO packets aside) is dropped, as a device
 * would.  Like a device, a dummy that is down or without carrier drops
 * what it is asked to send.
 *
 * One lock, shared by all dummies, guards queues and links: a connected
 * pair may be driven from two threads. */
#include <config.h>

#include "netdev-provider.h"

#include <errno.h>
#include <glib.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "diag.h"

struct dummy {
    struct dp_netdev up;
    GQueue rxq;                 /* struct dp_packet *, owned. */
    GQueue sent;                /* struct dp_packet *, owned. */
    struct dummy *peer;
    uint8_t mac[6];
    int mtu;
    bool admin_up;
    bool carrier;
};

static GMutex dummy_mutex;

static struct dummy *
dummy_cast(struct dp_netdev *netdev)
{
    return netdev->class == &dp_netdev_dummy_class
           ? (struct dummy *) netdev : NULL;
}

static int
dummy_open(const char *name, struct dp_netdev **netdevp, struct diag *diag)
{
    struct dummy *d;
    int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

    if (fd < 0) {
        int error = -errno;

        diag_add(diag, "%s: cannot create eventfd: %s", name,
                 g_strerror(errno));
        return error;
    }
    d = g_new0(struct dummy, 1);
    d->up.fd = fd;
    g_queue_init(&d->rxq);
    g_queue_init(&d->sent);
    dp_netdev_random_mac(d->mac);
    d->mtu = 1500;
    d->admin_up = true;
    d->carrier = true;
    *netdevp = &d->up;
    return 0;
}

static void
free_queue(GQueue *q)
{
    struct dp_packet *p;

    while ((p = g_queue_pop_head(q))) {
        dp_packet_delete(p);
    }
}

static void
dummy_close(struct dp_netdev *netdev)
{
    struct dummy *d = (struct dummy *) netdev;

    g_mutex_lock(&dummy_mutex);
    if (d->peer) {
        d->peer->peer = NULL;
    }
    g_mutex_unlock(&dummy_mutex);
    free_queue(&d->rxq);
    free_queue(&d->sent);
    close(netdev->fd);
    g_free(d);
}

/* Queues 'p' on 'd''s receive queue and makes its fd readable.  The caller
 * holds dummy_mutex. */
static void
enqueue_rx(struct dummy *d, struct dp_packet *p)
{
    uint64_t one = 1;

    g_queue_push_tail(&d->rxq, p);
    if (d->rxq.length == 1) {
        ssize_t r = write(d->up.fd, &one, sizeof one);

        (void) r;
    }
}

static int
dummy_rx(struct dp_netdev *netdev, struct dp_packet_batch *batch)
{
    struct dummy *d = (struct dummy *) netdev;
    int n = 0;

    g_mutex_lock(&dummy_mutex);
    while (batch->count < DP_PACKET_BATCH_MAX && d->rxq.length) {
        batch->packets[batch->count++] = g_queue_pop_head(&d->rxq);
        n++;
    }
    if (!d->rxq.length) {
        uint64_t count;
        ssize_t r = read(netdev->fd, &count, sizeof count);

        (void) r;
    }
    g_mutex_unlock(&dummy_mutex);
    return n ? n : -EAGAIN;
}

static int
dummy_send(struct dp_netdev *netdev, struct dp_packet *const *pkts,
           unsigned int n)
{
    struct dummy *d = (struct dummy *) netdev;
    int first_error = 0;

    g_mutex_lock(&dummy_mutex);
    for (unsigned int i = 0; i < n; i++) {
        const struct dp_packet *p = pkts[i];
        struct dp_packet *copy;

        if (!d->admin_up || !d->carrier) {
            first_error = first_error ? first_error : -ENETDOWN;
            netdev->stats.tx_dropped++;
            continue;
        }
        if (p->vnet.gso_type == VIRTIO_NET_HDR_GSO_NONE
            && p->size > (uint32_t) d->mtu + 18) {
            first_error = first_error ? first_error : -EMSGSIZE;
            netdev->stats.tx_dropped++;
            continue;
        }
        copy = dp_packet_clone(p);
        copy->in_port = 0;
        if (!netdev->tx_offloads) {
            memset(&copy->vnet, 0, sizeof copy->vnet);
        }
        if (d->peer) {
            enqueue_rx(d->peer, copy);
        } else {
            g_queue_push_tail(&d->sent, copy);
        }
        dp_netdev_count_tx(netdev, p->size);
    }
    g_mutex_unlock(&dummy_mutex);
    return first_error;
}

static int
dummy_get_carrier(struct dp_netdev *netdev, bool *carrier)
{
    struct dummy *d = (struct dummy *) netdev;

    g_mutex_lock(&dummy_mutex);
    *carrier = d->admin_up && d->carrier;
    g_mutex_unlock(&dummy_mutex);
    return 0;
}

static int
dummy_get_mac(struct dp_netdev *netdev, uint8_t mac[6])
{
    memcpy(mac, ((struct dummy *) netdev)->mac, 6);
    return 0;
}

static int
dummy_set_mac(struct dp_netdev *netdev, const uint8_t mac[6],
              struct diag *diag)
{
    if (mac[0] & 1) {
        diag_add(diag, "%s: cannot set a multicast MAC address",
                 netdev->name);
        return -EINVAL;
    }
    memcpy(((struct dummy *) netdev)->mac, mac, 6);
    return 0;
}

static int
dummy_get_mtu(struct dp_netdev *netdev, int *mtup)
{
    *mtup = ((struct dummy *) netdev)->mtu;
    return 0;
}

static int
dummy_set_mtu(struct dp_netdev *netdev, int mtu, struct diag *diag)
{
    if (mtu < 68 || mtu > 65535) {
        diag_add(diag, "%s: cannot set MTU %d: %s", netdev->name, mtu,
                 g_strerror(EINVAL));
        return -EINVAL;
    }
    g_mutex_lock(&dummy_mutex);
    ((struct dummy *) netdev)->mtu = mtu;
    g_mutex_unlock(&dummy_mutex);
    return 0;
}

static int
dummy_get_ifindex(struct dp_netdev *netdev)
{
    return -EOPNOTSUPP;
}

static int
dummy_set_up(struct dp_netdev *netdev, bool up, struct diag *diag)
{
    g_mutex_lock(&dummy_mutex);
    ((struct dummy *) netdev)->admin_up = up;
    g_mutex_unlock(&dummy_mutex);
    return 0;
}

const struct dp_netdev_class dp_netdev_dummy_class = {
    .type = "dummy",
    .open = dummy_open,
    .close = dummy_close,
    .rx = dummy_rx,
    .send = dummy_send,
    .get_carrier = dummy_get_carrier,
    .get_mac = dummy_get_mac,
    .set_mac = dummy_set_mac,
    .get_mtu = dummy_get_mtu,
    .set_mtu = dummy_set_mtu,
    .get_ifindex = dummy_get_ifindex,
    .set_up = dummy_set_up,
};

int
dp_netdev_dummy_connect(struct dp_netdev *a, struct dp_netdev *b)
{
    struct dummy *da = dummy_cast(a);
    struct dummy *db = dummy_cast(b);

    if (!da || !db || da == db) {
        return -EINVAL;
    }
    g_mutex_lock(&dummy_mutex);
    if (da->peer) {
        da->peer->peer = NULL;
    }
    if (db->peer) {
        db->peer->peer = NULL;
    }
    da->peer = db;
    db->peer = da;
    g_mutex_unlock(&dummy_mutex);
    return 0;
}

int
dp_netdev_dummy_inject(struct dp_netdev *netdev, struct dp_packet *packet)
{
    struct dummy *d = dummy_cast(netdev);

    if (!d) {
        dp_packet_delete(packet);
        return -EINVAL;
    }
    g_mutex_lock(&dummy_mutex);
    enqueue_rx(d, packet);
    g_mutex_unlock(&dummy_mutex);
    return 0;
}

int
dp_netdev_dummy_take_sent(struct dp_netdev *netdev,
                          struct dp_packet_batch *batch)
{
    struct dummy *d = dummy_cast(netdev);
    int n = 0;

    if (!d) {
        return -EINVAL;
    }
    g_mutex_lock(&dummy_mutex);
    while (batch->count < DP_PACKET_BATCH_MAX && d->sent.length) {
        batch->packets[batch->count++] = g_queue_pop_head(&d->sent);
        n++;
    }
    g_mutex_unlock(&dummy_mutex);
    return n;
}

int
dp_netdev_dummy_set_carrier(struct dp_netdev *netdev, bool carrier)
{
    struct dummy *d = dummy_cast(netdev);

    if (!d) {
        return -EINVAL;
    }
    g_mutex_lock(&dummy_mutex);
    d->carrier = carrier;
    g_mutex_unlock(&dummy_mutex);
    return 0;
}
