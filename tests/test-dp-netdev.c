/* test-dp-netdev.c -- tests of the datapath's port layer
 * (datapath/netdev.c) on dummy ports (datapath/netdev-dummy.c); needs no
 * privileges.  The Linux ports have their own test,
 * test-dp-netdev-linux.c.
 *
 * Opening (errors name the device), batches (appending, full, empty),
 * the poll descriptor, a connected pair, injected and collected packets,
 * counters, link state, MAC and MTU, the software fallback on
 * transmission (checksums completed in place, GSO packets segmented into
 * valid segments) for ports without offloads, close_many(), and a pair
 * driven from two threads at once. */
#include <config.h>

#include <errno.h>
#include <glib.h>
#include <poll.h>
#include <string.h>

#include "diag.h"
#include "netdev-offload.h"
#include "netdev.h"
#include "tap.h"

static bool
readable(struct dp_netdev *netdev)
{
    struct pollfd pfd = { .fd = dp_netdev_get_fd(netdev), .events = POLLIN };

    return poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLIN);
}

/* A frame of 'size' bytes (>= 14) whose first payload byte is 'tag'. */
static struct dp_packet *
frame(uint32_t size, uint8_t tag)
{
    struct dp_packet *p = dp_packet_new(size);
    uint8_t *f = dp_packet_data(p);

    memset(f, 0, size);
    memcpy(f, "\xff\xff\xff\xff\xff\xff\x02\x00\x00\x00\x00\x01\x88\xb5",
           14);
    if (size > 14) {
        f[14] = tag;
    }
    p->size = size;
    return p;
}

static void
batch_free(struct dp_packet_batch *b)
{
    for (unsigned int i = 0; i < b->count; i++) {
        dp_packet_delete(b->packets[i]);
    }
    b->count = 0;
}

static struct dp_netdev *
open_dummy(const char *name)
{
    struct dp_netdev *nd = NULL;

    if (dp_netdev_open(name, "dummy", &nd, NULL)) {
        ok(false, "open dummy %s", name);
        exit(1);
    }
    return nd;
}

static void
test_open(void)
{
    struct diag *d = diag_new();
    struct dp_netdev *nd = NULL;

    is_int(dp_netdev_open("p0", "bogus", &nd, d), -EINVAL,
           "unknown type: -EINVAL");
    ok(!nd, "unknown type: nothing stored");
    is_str(diag_get(d, 0), "p0: unknown port type \"bogus\"",
           "unknown type: the message names the device");
    is_int(dp_netdev_open("", "dummy", &nd, d), -EINVAL, "empty name");
    is_int(dp_netdev_open("p0", "dummy", &nd, d), 0, "open a dummy");
    is_str(dp_netdev_get_name(nd), "p0", "get_name");
    is_str(dp_netdev_get_type(nd), "dummy", "get_type");
    ok(dp_netdev_get_fd(nd) >= 0, "get_fd");
    is_int(dp_netdev_get_tx_offloads(nd), DP_NETDEV_TX_ALL,
           "all offloads by default");
    is_int(dp_netdev_get_ifindex(nd), -EOPNOTSUPP, "no ifindex");
    dp_netdev_close(nd);
    dp_netdev_close(NULL);
    diag_free(d);
}

static void
test_attributes(void)
{
    struct dp_netdev *nd = open_dummy("attr0");
    struct diag *d = diag_new();
    uint8_t mac[6], mac2[6];
    const uint8_t want[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
    bool carrier = false;
    int mtu = 0;

    is_int(dp_netdev_get_mac(nd, mac), 0, "get_mac");
    ok((mac[0] & 3) == 2, "random MAC is local unicast");
    is_int(dp_netdev_set_mac(nd, want, d), 0, "set_mac");
    dp_netdev_get_mac(nd, mac2);
    ok(!memcmp(mac2, want, 6), "get_mac after set_mac");
    is_int(dp_netdev_set_mac(nd, (const uint8_t *) "\x01\0\0\0\0\1", d),
           -EINVAL, "set_mac: multicast refused");
    is_str(diag_get(d, 0), "attr0: cannot set a multicast MAC address",
           "set_mac: the message names the device");
    is_int(dp_netdev_get_mtu(nd, &mtu), 0, "get_mtu");
    is_int(mtu, 1500, "MTU 1500");
    is_int(dp_netdev_set_mtu(nd, 9000, d), 0, "set_mtu");
    dp_netdev_get_mtu(nd, &mtu);
    is_int(mtu, 9000, "get_mtu after set_mtu");
    is_int(dp_netdev_set_mtu(nd, 10, d), -EINVAL, "set_mtu 10 refused");
    is_int(dp_netdev_get_carrier(nd, &carrier), 0, "get_carrier");
    ok(carrier, "carrier on");
    dp_netdev_dummy_set_carrier(nd, false);
    dp_netdev_get_carrier(nd, &carrier);
    ok(!carrier, "carrier off");
    dp_netdev_dummy_set_carrier(nd, true);
    is_int(dp_netdev_set_up(nd, false, d), 0, "set_up false");
    dp_netdev_get_carrier(nd, &carrier);
    ok(!carrier, "down: no carrier");
    dp_netdev_set_up(nd, true, d);
    dp_netdev_get_carrier(nd, &carrier);
    ok(carrier, "up again: carrier");
    dp_netdev_close(nd);
    diag_free(d);
}

static void
test_batches(void)
{
    struct dp_netdev *a = open_dummy("a0");
    struct dp_netdev *b = open_dummy("b0");
    struct dp_packet_batch batch = { .count = 0 };
    struct dp_netdev_stats st;
    bool order = true;
    int n;

    is_int(dp_netdev_rx_batch(a, &batch), -EAGAIN, "empty: -EAGAIN");
    ok(!readable(a), "empty: fd not readable");

    for (int i = 0; i < 40; i++) {
        dp_netdev_dummy_inject(a, frame(60 + i, i));
    }
    ok(readable(a), "injected: fd readable");
    batch.packets[0] = frame(60, 0xee);
    batch.count = 1;
    n = dp_netdev_rx_batch(a, &batch);
    is_int(n, DP_PACKET_BATCH_MAX - 1, "rx appends up to a full batch");
    is_int(batch.count, DP_PACKET_BATCH_MAX, "batch is full");
    is_int(dp_netdev_rx_batch(a, &batch), -ENOBUFS, "full batch: -ENOBUFS");
    for (int i = 1; i < DP_PACKET_BATCH_MAX; i++) {
        order &= dp_packet_data(batch.packets[i])[14] == i - 1;
    }
    ok(order, "rx in order");
    ok(readable(a), "still readable with packets queued");
    batch_free(&batch);
    is_int(dp_netdev_rx_batch(a, &batch), 40 - (DP_PACKET_BATCH_MAX - 1),
           "rx the rest");
    ok(!readable(a), "drained: not readable");
    batch_free(&batch);
    dp_netdev_get_stats(a, &st);
    is_int(st.rx_packets, 40, "rx_packets");
    is_int(st.rx_bytes, 40 * 60 + 39 * 40 / 2, "rx_bytes");

    /* Unconnected: what is sent is kept. */
    for (int i = 0; i < 3; i++) {
        batch.packets[batch.count++] = frame(100, i);
    }
    is_int(dp_netdev_tx_batch(a, &batch), 0, "tx unconnected");
    is_int(batch.count, 3, "tx leaves the batch to the caller");
    batch_free(&batch);
    is_int(dp_netdev_dummy_take_sent(a, &batch), 3, "take_sent");
    ok(batch.count == 3 && dp_packet_data(batch.packets[2])[14] == 2,
       "take_sent: the frames sent, in order");
    batch_free(&batch);
    is_int(dp_netdev_dummy_take_sent(a, &batch), 0, "take_sent: no more");

    /* Connected. */
    is_int(dp_netdev_dummy_connect(a, b), 0, "connect");
    is_int(dp_netdev_dummy_connect(a, a), -EINVAL, "connect to itself");
    batch.packets[batch.count++] = frame(80, 9);
    dp_netdev_tx_batch(a, &batch);
    ok(readable(b), "peer readable after tx");
    batch_free(&batch);
    is_int(dp_netdev_rx_batch(b, &batch), 1, "peer receives");
    is_int(dp_packet_data(batch.packets[0])[14], 9, "peer: the frame");
    batch_free(&batch);
    dp_netdev_get_stats(a, &st);
    ok(st.tx_packets == 4 && st.tx_bytes == 380 && !st.tx_dropped,
       "tx counters");

    /* Drops: MTU, carrier. */
    dp_netdev_set_mtu(a, 1000, NULL);
    batch.packets[batch.count++] = frame(1018, 1);
    batch.packets[batch.count++] = frame(1019, 2);
    is_int(dp_netdev_tx_batch(a, &batch), -EMSGSIZE, "frame over the MTU");
    batch_free(&batch);
    is_int(dp_netdev_rx_batch(b, &batch), 1, "only the frame that fits");
    batch_free(&batch);
    dp_netdev_dummy_set_carrier(a, false);
    batch.packets[batch.count++] = frame(60, 1);
    is_int(dp_netdev_tx_batch(a, &batch), -ENETDOWN, "no carrier");
    batch_free(&batch);
    dp_netdev_get_stats(a, &st);
    is_int(st.tx_dropped, 2, "tx_dropped");
    is_int(dp_netdev_rx_batch(b, &batch), -EAGAIN, "nothing arrived");
    dp_netdev_dummy_set_carrier(a, true);

    /* Injected packets are freed with the port. */
    dp_netdev_dummy_inject(b, frame(60, 0));
    dp_netdev_close(a);
    dp_netdev_close(b);
}

static void
test_offload_fallback(void)
{
    struct dp_netdev *a = open_dummy("off0");
    struct dp_netdev *b = open_dummy("off1");
    struct dp_packet_batch batch = { .count = 0 };
    struct dp_packet *p, *q;
    struct dp_netdev_stats st;
    bool valid = true;
    int n, total = 0;

    dp_netdev_dummy_connect(a, b);

    /* A TCP super-packet: 4000 bytes of payload, MSS 1000. */
    p = frame(14 + 20 + 20 + 4000, 0);
    {
        uint8_t *f = dp_packet_data(p);

        f[12] = 0x08;
        f[13] = 0x00;
        memcpy(f + 14, "\x45\x00\x0f\xc8\x00\x01\x40\x00\x40\x06\x00\x00"
               "\x0a\x00\x00\x01\x0a\x00\x00\x02", 20);
        memcpy(f + 34, "\x9c\x40\x14\x51\x00\x00\x00\x01\x00\x00\x00\x01"
               "\x50\x18\x01\xf6\x00\x00\x00\x00", 20);
        for (int i = 0; i < 4000; i++) {
            f[54 + i] = i;
        }
    }
    p->vnet.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
    p->vnet.gso_size = 1000;
    p->vnet.hdr_len = 54;

    /* With offloads, it goes as it is. */
    batch.packets[batch.count++] = p;
    dp_netdev_tx_batch(a, &batch);
    batch.count = 0;
    is_int(dp_netdev_rx_batch(b, &batch), 1, "with TSO: one packet");
    q = batch.packets[0];
    ok(q->size == p->size && q->vnet.gso_type == VIRTIO_NET_HDR_GSO_TCPV4
       && q->vnet.gso_size == 1000, "with TSO: the super-packet intact");
    batch_free(&batch);

    /* Without: segmented in software. */
    dp_netdev_set_tx_offloads(a, DP_NETDEV_TX_CSUM | DP_NETDEV_TX_USO);
    is_int(dp_netdev_get_tx_offloads(a),
           DP_NETDEV_TX_CSUM | DP_NETDEV_TX_USO, "set_tx_offloads");
    batch.packets[batch.count++] = p;
    is_int(dp_netdev_tx_batch(a, &batch), 0, "without TSO: tx");
    ok(p->vnet.gso_type == VIRTIO_NET_HDR_GSO_TCPV4,
       "without TSO: the caller's packet is untouched");
    batch.count = 0;
    while ((n = dp_netdev_rx_batch(b, &batch)) > 0) {
        for (unsigned int i = 0; i < batch.count; i++) {
            q = batch.packets[i];
            valid &= q->size == 1054 && !dp_packet_has_offload(q);
            valid &= netdev_offload_csum(dp_packet_data(q) + 14, 20) == 0;
        }
        total += n;
        batch_free(&batch);
    }
    is_int(total, 4, "without TSO: four segments arrive");
    ok(valid, "without TSO: segments of 1000 bytes, IP checksums valid");
    dp_netdev_get_stats(a, &st);
    is_int(st.tx_packets, 5, "tx_packets counts segments");

    /* Many segments: more than one batch's worth. */
    p->vnet.gso_size = 100;
    batch.packets[batch.count++] = p;
    dp_netdev_tx_batch(a, &batch);
    batch.count = 0;
    total = 0;
    while ((n = dp_netdev_rx_batch(b, &batch)) > 0) {
        total += n;
        batch_free(&batch);
    }
    is_int(total, 40, "40 segments, more than a batch");
    p->vnet.gso_size = 1000;

    /* Offloads on, but segments that would not fit the MTU: cut smaller
     * in software. */
    dp_netdev_set_tx_offloads(a, DP_NETDEV_TX_ALL);
    is_int(dp_netdev_set_mtu(a, 540, NULL), 0, "MTU 540");
    batch.packets[batch.count++] = p;
    dp_netdev_tx_batch(a, &batch);
    batch.count = 0;
    total = 0;
    valid = true;
    while ((n = dp_netdev_rx_batch(b, &batch)) > 0) {
        for (unsigned int i = 0; i < batch.count; i++) {
            q = batch.packets[i];
            valid &= q->size == 14 + 540 && !dp_packet_has_offload(q);
        }
        total += n;
        batch_free(&batch);
    }
    is_int(total, 8, "GSO over the MTU: 8 segments of 500 bytes");
    ok(valid, "GSO over the MTU: each fills the MTU, no metadata");
    dp_netdev_set_mtu(a, 1500, NULL);
    batch.packets[batch.count++] = p;
    dp_netdev_tx_batch(a, &batch);
    batch.count = 0;
    is_int(dp_netdev_rx_batch(b, &batch), 1,
           "GSO under the MTU: sent whole");
    batch_free(&batch);
    dp_netdev_set_tx_offloads(a, DP_NETDEV_TX_CSUM | DP_NETDEV_TX_USO);

    /* A malformed GSO packet is dropped. */
    p->vnet.gso_size = 0;
    batch.packets[batch.count++] = p;
    is_int(dp_netdev_tx_batch(a, &batch), -EINVAL, "bad GSO: -EINVAL");
    batch.count = 0;
    dp_netdev_get_stats(a, &st);
    is_int(st.tx_dropped, 1, "bad GSO: dropped");
    dp_netdev_set_tx_offloads(a, DP_NETDEV_TX_CSUM | DP_NETDEV_TX_USO);

    /* A partial checksum, completed in place. */
    p->size = 14 + 20 + 20 + 10;
    p->vnet.gso_type = VIRTIO_NET_HDR_GSO_NONE;
    p->vnet.gso_size = 0;
    p->vnet.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
    p->vnet.csum_start = 34;
    p->vnet.csum_offset = 16;
    dp_netdev_set_tx_offloads(a, DP_NETDEV_TX_TSO);
    batch.packets[batch.count++] = p;
    is_int(dp_netdev_tx_batch(a, &batch), 0, "without CSUM: tx");
    ok(!dp_packet_has_offload(p), "without CSUM: completed in place");
    batch.count = 0;
    is_int(dp_netdev_rx_batch(b, &batch), 1, "without CSUM: received");
    q = batch.packets[0];
    ok(!dp_packet_has_offload(q)
       && !memcmp(dp_packet_data(q), dp_packet_data(p), p->size),
       "without CSUM: the completed frame");
    batch_free(&batch);

    /* No offloads at all: the dummy sends bare frames. */
    dp_netdev_set_tx_offloads(a, 0);
    p->vnet.flags = VIRTIO_NET_HDR_F_DATA_VALID;
    batch.packets[batch.count++] = p;
    dp_netdev_tx_batch(a, &batch);
    batch.count = 0;
    dp_netdev_rx_batch(b, &batch);
    ok(batch.count == 1 && !dp_packet_has_offload(batch.packets[0]),
       "no offloads: no metadata arrives");
    batch_free(&batch);

    dp_packet_delete(p);
    dp_netdev_close(a);
    dp_netdev_close(b);
}

static void
test_close_many(void)
{
    struct dp_netdev *nds[5];

    for (int i = 0; i < 5; i++) {
        char name[16];

        snprintf(name, sizeof name, "many%d", i);
        nds[i] = i == 2 ? NULL : open_dummy(name);
    }
    dp_netdev_dummy_connect(nds[0], nds[1]);
    dp_netdev_dummy_inject(nds[3], frame(60, 0));
    dp_netdev_close_many(nds, 5);
    dp_netdev_close_many(NULL, 0);
    ok(true, "close_many of dummies, with a NULL");
}

/* Two threads, one per end of a pair, each sending and receiving. */
#define THREAD_PACKETS 20000

struct end {
    struct dp_netdev *netdev;
    int received;
};

static gpointer
run_end(gpointer arg)
{
    struct end *e = arg;
    int sent = 0;

    while (sent < THREAD_PACKETS || e->received < THREAD_PACKETS) {
        struct dp_packet_batch batch = { .count = 0 };
        int n;

        if (sent < THREAD_PACKETS) {
            for (int i = 0; i < 8 && sent < THREAD_PACKETS; i++, sent++) {
                batch.packets[batch.count++] = frame(64, sent);
            }
            dp_netdev_tx_batch(e->netdev, &batch);
            batch_free(&batch);
        }
        n = dp_netdev_rx_batch(e->netdev, &batch);
        if (n > 0) {
            e->received += n;
            batch_free(&batch);
        } else if (sent >= THREAD_PACKETS
                   && e->received < THREAD_PACKETS) {
            struct pollfd pfd = {
                .fd = dp_netdev_get_fd(e->netdev), .events = POLLIN
            };

            if (poll(&pfd, 1, 5000) != 1) {
                break;          /* Lost packets or a lost wakeup. */
            }
        }
    }
    return NULL;
}

static void
test_threads(void)
{
    struct end ends[2] = {
        { open_dummy("thr0"), 0 }, { open_dummy("thr1"), 0 },
    };
    GThread *t[2];

    dp_netdev_dummy_connect(ends[0].netdev, ends[1].netdev);
    t[0] = g_thread_new("end0", run_end, &ends[0]);
    t[1] = g_thread_new("end1", run_end, &ends[1]);
    g_thread_join(t[0]);
    g_thread_join(t[1]);
    ok(ends[0].received == THREAD_PACKETS
       && ends[1].received == THREAD_PACKETS,
       "a pair driven from two threads: %d and %d of %d packets",
       ends[0].received, ends[1].received, THREAD_PACKETS);
    dp_netdev_close(ends[0].netdev);
    dp_netdev_close(ends[1].netdev);
}

int
main(void)
{
    test_open();
    test_attributes();
    test_batches();
    test_offload_fallback();
    test_close_many();
    test_threads();
    return done_testing();
}
