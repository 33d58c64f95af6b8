/* test-dp-netdev-linux.c -- tests of the datapath's Linux ports:
 * "system" (datapath/netdev-afpacket.c) and "internal"
 * (datapath/netdev-tap.c).
 *
 * Needs root: the process moves itself into a new, anonymous network
 * namespace with unshare(CLONE_NEWNET), so the host's interfaces are never
 * seen and nothing outlives the test.  There it makes a veth pair with
 * libnl (a known MAC and MTU), opens a system port on one end and an
 * independent AF_PACKET socket on the other, and checks, on the TPACKET_V3
 * ring and again on the recvmmsg() path: frames both ways in batches, in
 * order and byte for byte, 802.1Q tags that veth moved into metadata put
 * back, the port not seeing its own transmissions, GSO super-packets with
 * their virtio-net headers both ways (csum_start moved by a restored tag),
 * promiscuous mode while open, link state, MAC, MTU, ifindex, counters.
 * Then internal ports: TAP creation, MAC, MTU and state read back with
 * libnl, frames and GSO packets both ways through the host side of the
 * TAP, errors, and close_many() of 200 TAPs (timed) sparing a persistent
 * one.  Without root, or if unshare() is refused, everything is
 * skipped. */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>
#include <poll.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "diag.h"
#include "netdev-offload.h"
#include "netdev-provider.h"
#include "netdev.h"
#include "tap.h"

#define VETH "xsv0"
#define PEER "xsv0p"
#define VETH_MTU 1480

static const uint8_t veth_mac[6] = { 0x02, 0x78, 0x73, 0x76, 0xaa, 0x01 };
/* Source MACs of test frames: sent by the far side, sent by the port. */
static const uint8_t far_src[6] = { 0x02, 0x78, 0x73, 0x76, 0x00, 0x01 };
static const uint8_t port_src[6] = { 0x02, 0x78, 0x73, 0x76, 0x00, 0x02 };
/* The same, for GSO packets. */
static const uint8_t far_gso[6] = { 0x02, 0x78, 0x73, 0x76, 0x00, 0x03 };
static const uint8_t port_gso[6] = { 0x02, 0x78, 0x73, 0x76, 0x00, 0x04 };

static struct nl_sock *nl;

static double
now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Test frames. */

struct frame {
    uint8_t data[70000];
    size_t len;
    struct virtio_net_hdr vnet;
};

/* Frame number 'i' from 'src': tagged (TCI 0x2000 | i) when i % 3 == 0,
 * 60 + 13 * i bytes long (capped), ethertype 0x88b5, payload counting
 * from i. */
static void
make_frame(struct frame *f, const uint8_t src[6], int i)
{
    size_t ofs = 12;

    memset(f, 0, sizeof *f);
    memset(f->data, 0xff, 6);
    memcpy(f->data + 6, src, 6);
    if (i % 3 == 0) {
        f->data[12] = 0x81;
        f->data[13] = 0x00;
        f->data[14] = 0x20;
        f->data[15] = i;
        ofs = 16;
    }
    f->data[ofs] = 0x88;
    f->data[ofs + 1] = 0xb5;
    f->len = MIN(60 + 13 * i, 1400);
    for (size_t j = ofs + 2; j < f->len; j++) {
        f->data[j] = i + j;
    }
}

static uint16_t
pseudo_fold(const uint8_t *ip, uint32_t l4_len)
{
    uint32_t sum = 6 + l4_len;

    for (int i = 12; i < 20; i += 2) {
        sum += (ip[i] << 8) | ip[i + 1];
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return sum;
}

/* A TCP/IPv4 GSO super-packet from 'src', optionally tagged: 3000 bytes
 * of payload for MSS 1000, with a partial checksum. */
static void
make_gso(struct frame *f, const uint8_t src[6], bool tagged)
{
    size_t l3 = tagged ? 18 : 14;
    size_t l4 = l3 + 20;
    uint8_t *ip, *tcp;
    uint16_t ps;

    memset(f, 0, sizeof *f);
    memcpy(f->data, veth_mac, 6);
    memcpy(f->data + 6, src, 6);
    if (tagged) {
        memcpy(f->data + 12, "\x81\x00\x00\x07", 4);
    }
    f->data[l3 - 2] = 0x08;
    f->data[l3 - 1] = 0x00;
    ip = f->data + l3;
    memcpy(ip, "\x45\x00\x0b\xe0\x00\x01\x40\x00\x40\x06\x00\x00"
           "\x0a\x4d\x00\x01\x0a\x4d\x00\x02", 20);
    ip[10] = netdev_offload_csum(ip, 20) >> 8;
    ip[11] = netdev_offload_csum(ip, 20) & 0xff;
    tcp = f->data + l4;
    memcpy(tcp, "\x9c\x40\x14\x51\x00\x00\x10\x00\x00\x00\x20\x00"
           "\x50\x10\x01\xf6\x00\x00\x00\x00", 20);
    for (int i = 0; i < 3000; i++) {
        tcp[20 + i] = i;
    }
    ps = pseudo_fold(ip, 3020);
    tcp[16] = ps >> 8;
    tcp[17] = ps;
    f->len = l4 + 20 + 3000;
    f->vnet.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
    f->vnet.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
    f->vnet.gso_size = 1000;
    f->vnet.hdr_len = l4 + 20;
    f->vnet.csum_start = l4;
    f->vnet.csum_offset = 16;
}

static struct dp_packet *
packet_of(const struct frame *f)
{
    struct dp_packet *p = dp_packet_new(f->len);

    dp_packet_put_frame(p, f->data, f->len);
    p->vnet = f->vnet;
    return p;
}

/* The far side: a plain AF_PACKET socket on a device. */

static int
raw_open(const char *dev, bool vnet)
{
    struct sockaddr_ll sll;
    int one = 1;
    int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));

    if (fd < 0) {
        return -1;
    }
    if (vnet) {
        setsockopt(fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof one);
    }
    setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof one);
    setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);
    memset(&sll, 0, sizeof sll);
    sll.sll_family = AF_PACKET;
    sll.sll_protocol = htons(ETH_P_ALL);
    sll.sll_ifindex = if_nametoindex(dev);
    if (bind(fd, (struct sockaddr *) &sll, sizeof sll) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static bool
raw_send(int fd, const struct frame *f, bool vnet)
{
    struct iovec iov[2] = {
        { (void *) &f->vnet, sizeof f->vnet },
        { (void *) f->data, f->len },
    };
    struct msghdr msg = {
        .msg_iov = vnet ? iov : iov + 1,
        .msg_iovlen = vnet ? 2 : 1,
    };

    return sendmsg(fd, &msg, 0) == (ssize_t) (f->len
                                              + (vnet ? sizeof f->vnet : 0));
}

/* Receives the next frame from source 'src' within 'ms' milliseconds,
 * putting back a tag the kernel moved into metadata.  Returns false on
 * timeout. */
static bool
raw_recv(int fd, bool vnet, const uint8_t src[6], struct frame *f, int ms)
{
    double deadline = now() + ms / 1000.0;

    for (;;) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        union {
            struct cmsghdr align;
            char buf[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
        } ctrl;
        struct iovec iov[2] = {
            { &f->vnet, sizeof f->vnet },
            { f->data, sizeof f->data - 4 },
        };
        struct msghdr msg = {
            .msg_iov = vnet ? iov : iov + 1,
            .msg_iovlen = vnet ? 2 : 1,
            .msg_control = ctrl.buf,
            .msg_controllen = sizeof ctrl.buf,
        };
        int left = (deadline - now()) * 1000;
        struct cmsghdr *cm;
        ssize_t n;

        if (left <= 0 || poll(&pfd, 1, left) != 1) {
            return false;
        }
        n = recvmsg(fd, &msg, MSG_DONTWAIT);
        if (n < 0) {
            continue;
        }
        f->len = n - (vnet ? sizeof f->vnet : 0);
        if (f->len < 14 || memcmp(f->data + 6, src, 6)) {
            continue;
        }
        for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
            struct tpacket_auxdata *aux = (void *) CMSG_DATA(cm);

            if (cm->cmsg_level == SOL_PACKET
                && cm->cmsg_type == PACKET_AUXDATA
                && (aux->tp_status & TP_STATUS_VLAN_VALID)) {
                memmove(f->data + 16, f->data + 12, f->len - 12);
                f->data[12] = 0x81;
                f->data[13] = 0x00;
                f->data[14] = aux->tp_vlan_tci >> 8;
                f->data[15] = aux->tp_vlan_tci;
                f->len += 4;
            }
        }
        return true;
    }
}

/* Receives on 'netdev' until 'want' packets from 'src' arrived or 'ms'
 * milliseconds passed.  Stores them (the caller frees them) and returns
 * how many; '*max_batch' gets the largest batch seen. */
static int
port_recv(struct dp_netdev *netdev, const uint8_t src[6],
          struct dp_packet **pkts, int want, int ms, int *max_batch)
{
    double deadline = now() + ms / 1000.0;
    int got = 0;

    *max_batch = 0;
    while (got < want) {
        struct pollfd pfd = { .fd = dp_netdev_get_fd(netdev),
                              .events = POLLIN };
        struct dp_packet_batch b = { .count = 0 };
        int left = (deadline - now()) * 1000;
        int n;

        if (left <= 0) {
            break;
        }
        poll(&pfd, 1, left);
        n = dp_netdev_rx_batch(netdev, &b);
        if (n < 0) {
            continue;
        }
        *max_batch = MAX(*max_batch, n);
        for (unsigned int i = 0; i < b.count; i++) {
            struct dp_packet *p = b.packets[i];

            if (p->size >= 14 && !memcmp(dp_packet_data(p) + 6, src, 6)
                && got < want) {
                pkts[got++] = p;
            } else {
                dp_packet_delete(p);
            }
        }
    }
    return got;
}

static bool
same_frame(const struct dp_packet *p, const struct frame *f)
{
    return p->size == f->len && !memcmp(dp_packet_data(p), f->data, f->len);
}

/* Setup. */

static int
make_veth(void)
{
    struct rtnl_link *link = rtnl_link_veth_alloc();
    struct rtnl_link *peer = rtnl_link_veth_get_peer(link);
    struct nl_addr *addr = nl_addr_build(AF_LLC, veth_mac, 6);
    int error;

    rtnl_link_set_name(link, VETH);
    rtnl_link_set_addr(link, addr);
    rtnl_link_set_mtu(link, VETH_MTU);
    rtnl_link_set_name(peer, PEER);
    rtnl_link_set_mtu(peer, VETH_MTU);
    error = rtnl_link_add(nl, link, NLM_F_CREATE | NLM_F_EXCL);
    rtnl_link_put(peer);
    rtnl_link_veth_release(link);
    nl_addr_put(addr);
    if (error) {
        diag_msg("veth: %s", nl_geterror(error));
        return -1;
    }
    if (dp_netdev_linux_set_up(VETH, true, NULL)
        || dp_netdev_linux_set_up(PEER, true, NULL)) {
        return -1;
    }
    return 0;
}

/* Reads a link back through libnl, independently of the library. */
static struct rtnl_link *
kernel_link(const char *name)
{
    struct rtnl_link *link = NULL;

    return rtnl_link_get_kernel(nl, 0, name, &link) ? NULL : link;
}

/* Whether something holds 'dev' promiscuous (packet sockets count in
 * IFLA_PROMISCUITY; they leave IFF_PROMISC alone). */
static bool
promiscuous(const char *dev)
{
    struct rtnl_link *link = kernel_link(dev);
    bool promisc = link && rtnl_link_get_promiscuity(link) > 0;

    if (link) {
        rtnl_link_put(link);
    }
    return promisc;
}

static void
free_packets(struct dp_packet **pkts, int n)
{
    for (int i = 0; i < n; i++) {
        dp_packet_delete(pkts[i]);
    }
}

static void
test_system(bool ring)
{
    const char *mode = ring ? "ring" : "recvmmsg";
    struct diag *d = diag_new();
    struct dp_netdev *port = NULL, *dummy = NULL;
    struct dp_packet *pkts[100];
    struct dp_netdev_stats st;
    struct frame *f = g_new(struct frame, 1);
    struct frame *g = g_new(struct frame, 1);
    uint8_t mac[6];
    bool carrier = false, all;
    int mtu = 0, n, max_batch, far, farv;

    setenv("XSVSWITCH_AFPACKET_RING", ring ? "1" : "0", 1);
    ok(!promiscuous(VETH), "%s: not promiscuous before", mode);
    if (!is_int(dp_netdev_open(VETH, "system", &port, d), 0,
                "%s: open system port", mode)) {
        diag_print(d, stdout, "#");
        return;
    }
    ok(promiscuous(VETH), "%s: promiscuous while open", mode);
    is_int(dp_netdev_get_ifindex(port), if_nametoindex(VETH),
           "%s: ifindex", mode);
    ok(!dp_netdev_get_mac(port, mac) && !memcmp(mac, veth_mac, 6),
       "%s: MAC", mode);
    ok(!dp_netdev_get_mtu(port, &mtu) && mtu == VETH_MTU, "%s: MTU", mode);
    ok(!dp_netdev_get_carrier(port, &carrier) && carrier,
       "%s: carrier with the peer up", mode);
    dp_netdev_linux_set_up(PEER, false, NULL);
    ok(!dp_netdev_get_carrier(port, &carrier) && !carrier,
       "%s: no carrier with the peer down", mode);
    dp_netdev_linux_set_up(PEER, true, NULL);
    is_int(dp_netdev_set_mtu(port, 1000, d), -EOPNOTSUPP,
           "%s: set_mtu refused", mode);
    is_int(dp_netdev_set_mac(port, mac, d), -EOPNOTSUPP,
           "%s: set_mac refused", mode);
    is_int(dp_netdev_set_up(port, false, d), -EOPNOTSUPP,
           "%s: set_up refused", mode);
    ok(g_str_has_prefix(diag_get(d, 0), VETH ": "),
       "%s: messages name the device", mode);
    dp_netdev_open("dmy", "dummy", &dummy, NULL);
    is_int(dp_netdev_dummy_connect(port, dummy), -EINVAL,
           "%s: a system port is no dummy", mode);
    dp_netdev_close(dummy);

    far = raw_open(PEER, false);
    farv = raw_open(PEER, true);
    ok(far >= 0 && farv >= 0, "%s: far-side sockets", mode);
    /* Let the carrier settle before sending. */
    usleep(50000);

    /* Far side to port. */
    all = true;
    for (int i = 0; i < 100; i++) {
        make_frame(f, far_src, i);
        all &= raw_send(far, f, false);
    }
    ok(all, "%s: far side sent 100 frames", mode);
    n = port_recv(port, far_src, pkts, 100, 3000, &max_batch);
    is_int(n, 100, "%s: the port received 100 frames", mode);
    ok(max_batch > 1 && max_batch <= DP_PACKET_BATCH_MAX,
       "%s: in batches (largest %d)", mode, max_batch);
    all = true;
    for (int i = 0; i < n; i++) {
        make_frame(f, far_src, i);
        all &= same_frame(pkts[i], f) && !dp_packet_has_offload(pkts[i]);
    }
    ok(all, "%s: in order, byte for byte, tags restored", mode);
    free_packets(pkts, n);

    /* Port to far side. */
    all = true;
    for (int b = 0; b < 4; b++) {
        struct dp_packet_batch batch = { .count = 0 };

        for (int i = b * 25; i < b * 25 + 25; i++) {
            make_frame(f, port_src, i);
            batch.packets[batch.count++] = packet_of(f);
        }
        all &= !dp_netdev_tx_batch(port, &batch);
        for (unsigned int i = 0; i < batch.count; i++) {
            dp_packet_delete(batch.packets[i]);
        }
    }
    ok(all, "%s: the port sent 100 frames in 4 batches", mode);
    all = true;
    for (int i = 0; i < 100 && all; i++) {
        make_frame(f, port_src, i);
        all &= raw_recv(far, false, port_src, g, 2000) && g->len == f->len
               && !memcmp(g->data, f->data, f->len);
        if (!all) {
            diag_msg("frame %d missing or different", i);
        }
    }
    ok(all, "%s: far side received them, in order, byte for byte", mode);
    n = port_recv(port, port_src, pkts, 1, 100, &max_batch);
    is_int(n, 0, "%s: the port does not see its own frames", mode);
    free_packets(pkts, n);

    /* GSO both ways, untagged and tagged. */
    for (int tagged = 0; tagged < 2; tagged++) {
        const char *t = tagged ? "tagged " : "";
        struct dp_packet_batch batch = { .count = 0 };

        make_gso(f, far_gso, tagged);
        ok(raw_send(farv, f, true), "%s: far side sent a %sGSO packet",
           mode, t);
        n = port_recv(port, far_gso, pkts, 1, 2000, &max_batch);
        if (is_int(n, 1, "%s: %sGSO packet received whole", mode, t)) {
            struct virtio_net_hdr *v = &pkts[0]->vnet;

            ok(pkts[0]->size == f->len
               && !memcmp(dp_packet_data(pkts[0]), f->data, 12)
               && !memcmp(dp_packet_data(pkts[0]) + f->vnet.csum_start
                          + 20, f->data + f->vnet.csum_start + 20, 3000),
               "%s: %sGSO frame intact", mode, t);
            ok(v->gso_type == VIRTIO_NET_HDR_GSO_TCPV4
               && v->gso_size == 1000
               && (v->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)
               && v->csum_start == f->vnet.csum_start
               && v->csum_offset == 16,
               "%s: %svnet header: TCPv4, MSS 1000, csum_start %u",
               mode, t, v->csum_start);
        }
        free_packets(pkts, n);

        make_gso(f, port_gso, tagged);
        batch.packets[batch.count++] = packet_of(f);
        is_int(dp_netdev_tx_batch(port, &batch), 0,
               "%s: the port sent a %sGSO packet", mode, t);
        dp_packet_delete(batch.packets[0]);
        if (ok(raw_recv(farv, true, port_gso, g, 2000),
               "%s: far side received a %sGSO packet", mode, t)) {
            ok(g->len == f->len && g->vnet.gso_type
               == VIRTIO_NET_HDR_GSO_TCPV4 && g->vnet.gso_size == 1000,
               "%s: %sGSO packet went out whole with its header", mode, t);
        }
    }

    /* The device goes down: one -ENETDOWN, then it works again once up. */
    dp_netdev_linux_set_up(VETH, false, NULL);
    {
        struct pollfd pfd = { .fd = dp_netdev_get_fd(port),
                              .events = POLLIN };
        struct dp_packet_batch batch = { .count = 0 };

        poll(&pfd, 1, 1000);
        ok(pfd.revents & POLLERR, "%s: device down: POLLERR", mode);
        is_int(dp_netdev_rx_batch(port, &batch), -ENETDOWN,
               "%s: device down: -ENETDOWN", mode);
        is_int(dp_netdev_rx_batch(port, &batch), -EAGAIN,
               "%s: device down: then -EAGAIN", mode);
        ok(poll(&pfd, 1, 0) == 0, "%s: device down: no more POLLERR", mode);
    }
    dp_netdev_linux_set_up(VETH, true, NULL);
    usleep(50000);
    make_frame(f, far_src, 5);
    raw_send(far, f, false);
    n = port_recv(port, far_src, pkts, 1, 2000, &max_batch);
    ok(n == 1 && same_frame(pkts[0], f), "%s: device up again: frames "
       "arrive", mode);
    free_packets(pkts, n);

    dp_netdev_get_stats(port, &st);
    ok(st.rx_packets >= 103 && st.tx_packets == 102 && !st.rx_dropped
       && !st.tx_dropped, "%s: counters (rx %llu tx %llu)", mode,
       (unsigned long long) st.rx_packets,
       (unsigned long long) st.tx_packets);
    dp_netdev_close(port);
    ok(!promiscuous(VETH), "%s: not promiscuous after close", mode);
    close(far);
    close(farv);
    g_free(f);
    g_free(g);
    diag_free(d);
}

static void
test_system_errors(void)
{
    struct diag *d = diag_new();
    struct dp_netdev *port = NULL;

    is_int(dp_netdev_open("nosuch0", "system", &port, d), -ENODEV,
           "system: no such device");
    is_str(diag_get(d, 0), "nosuch0: cannot open system device: "
           "No such device", "system: the message names the device");
    is_int(dp_netdev_open("a/b", "system", &port, d), -EINVAL,
           "system: bad name");
    is_int(dp_netdev_open("0123456789abcdefg", "internal", &port, d),
           -EINVAL, "internal: name too long");
    diag_free(d);
}

static void
test_internal(void)
{
    const uint8_t want_mac[6] = { 0x02, 0x78, 0x73, 0x76, 0xbb, 0x01 };
    struct diag *d = diag_new();
    struct dp_netdev *port = NULL, *again = NULL;
    struct dp_packet *pkts[50];
    struct rtnl_link *link;
    struct frame *f = g_new(struct frame, 1);
    struct frame *g = g_new(struct frame, 1);
    bool carrier = true, all;
    uint8_t mac[6];
    int mtu, n, max_batch, host, hostv;

    if (!is_int(dp_netdev_open("xsvtap0", "internal", &port, d), 0,
                "internal: open")) {
        diag_print(d, stdout, "#");
        return;
    }
    ok(if_nametoindex("xsvtap0") > 0, "internal: the TAP exists");
    is_int(dp_netdev_get_ifindex(port), if_nametoindex("xsvtap0"),
           "internal: ifindex");
    ok(!dp_netdev_get_carrier(port, &carrier) && !carrier,
       "internal: down at first");
    is_int(dp_netdev_set_mac(port, want_mac, d), 0, "internal: set_mac");
    ok(!dp_netdev_get_mac(port, mac) && !memcmp(mac, want_mac, 6),
       "internal: get_mac");
    is_int(dp_netdev_set_mtu(port, 9000, d), 0, "internal: set_mtu");
    ok(!dp_netdev_get_mtu(port, &mtu) && mtu == 9000, "internal: get_mtu");
    is_int(dp_netdev_set_up(port, true, d), 0, "internal: set_up");
    ok(!dp_netdev_get_carrier(port, &carrier) && carrier,
       "internal: up with carrier");
    link = kernel_link("xsvtap0");
    ok(link && rtnl_link_get_mtu(link) == 9000
       && !memcmp(nl_addr_get_binary_addr(rtnl_link_get_addr(link)),
                  want_mac, 6)
       && (rtnl_link_get_flags(link) & IFF_UP),
       "internal: MAC, MTU and up, as libnl reads them");
    if (link) {
        rtnl_link_put(link);
    }
    is_int(dp_netdev_set_mtu(port, 10, d), -EINVAL, "internal: bad MTU");
    is_str(diag_get(d, 0), "xsvtap0: cannot set MTU 10: Invalid argument",
           "internal: the message names the device");

    is_int(dp_netdev_open("xsvtap0", "internal", &again, d), -EBUSY,
           "internal: opening it twice: -EBUSY");
    is_int(dp_netdev_open(VETH, "internal", &again, d), -EINVAL,
           "internal: a veth's name: -EINVAL");
    ok(g_str_has_prefix(diag_get(d, 2), VETH ": cannot create TAP device"),
       "internal: the message names the device");

    host = raw_open("xsvtap0", false);
    hostv = raw_open("xsvtap0", true);
    ok(host >= 0 && hostv >= 0, "internal: host-side sockets");

    /* Port to host. */
    {
        struct dp_packet_batch batch = { .count = 0 };

        for (int i = 0; i < 30; i++) {
            make_frame(f, port_src, i);
            batch.packets[batch.count++] = packet_of(f);
        }
        is_int(dp_netdev_tx_batch(port, &batch), 0, "internal: tx 30");
        for (unsigned int i = 0; i < batch.count; i++) {
            dp_packet_delete(batch.packets[i]);
        }
    }
    all = true;
    for (int i = 0; i < 30 && all; i++) {
        make_frame(f, port_src, i);
        all &= raw_recv(host, false, port_src, g, 2000) && g->len == f->len
               && !memcmp(g->data, f->data, f->len);
    }
    ok(all, "internal: the host received them, in order, byte for byte");

    /* Host to port. */
    all = true;
    for (int i = 0; i < 50; i++) {
        make_frame(f, far_src, i);
        all &= raw_send(host, f, false);
    }
    ok(all, "internal: the host sent 50 frames");
    n = port_recv(port, far_src, pkts, 50, 3000, &max_batch);
    is_int(n, 50, "internal: the port received 50");
    ok(max_batch > 1, "internal: in batches (largest %d)", max_batch);
    all = true;
    for (int i = 0; i < n; i++) {
        make_frame(f, far_src, i);
        all &= same_frame(pkts[i], f);
    }
    ok(all, "internal: in order, byte for byte");
    free_packets(pkts, n);

    /* GSO both ways. */
    make_gso(f, far_gso, false);
    ok(raw_send(hostv, f, true), "internal: the host sent a GSO packet");
    n = port_recv(port, far_gso, pkts, 1, 2000, &max_batch);
    if (is_int(n, 1, "internal: GSO packet received whole")) {
        struct virtio_net_hdr *v = &pkts[0]->vnet;

        ok(pkts[0]->size == f->len && v->gso_type
           == VIRTIO_NET_HDR_GSO_TCPV4 && v->gso_size == 1000
           && (v->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)
           && v->csum_start == 34 && v->csum_offset == 16,
           "internal: with its vnet header");
    }
    free_packets(pkts, n);
    {
        struct dp_packet_batch batch = { .count = 0 };

        make_gso(f, port_gso, false);
        batch.packets[batch.count++] = packet_of(f);
        is_int(dp_netdev_tx_batch(port, &batch), 0,
               "internal: the port sent a GSO packet");
        dp_packet_delete(batch.packets[0]);
    }
    ok(raw_recv(hostv, true, port_gso, g, 2000) && g->len == f->len
       && g->vnet.gso_type == VIRTIO_NET_HDR_GSO_TCPV4
       && g->vnet.gso_size == 1000,
       "internal: the host received it whole with its header");

    close(host);
    close(hostv);
    is_int(dp_netdev_set_up(port, false, d), 0, "internal: set_up false");
    ok(!dp_netdev_get_carrier(port, &carrier) && !carrier,
       "internal: down, no carrier");
    dp_netdev_close(port);
    ok(!if_nametoindex("xsvtap0"), "internal: the TAP is gone on close");

    /* A TAP deleted from outside. */
    if (!dp_netdev_open("xsvtap1", "internal", &port, d)) {
        struct rtnl_link *del = rtnl_link_alloc();
        struct dp_packet_batch batch = { .count = 0 };
        struct pollfd pfd = { .fd = dp_netdev_get_fd(port),
                              .events = POLLIN };

        rtnl_link_set_name(del, "xsvtap1");
        ok(!rtnl_link_delete(nl, del), "internal: TAP deleted from outside");
        rtnl_link_put(del);
        ok(poll(&pfd, 1, 1000) == 1 && (pfd.revents & POLLERR),
           "internal: deleted: POLLERR");
        is_int(dp_netdev_rx_batch(port, &batch), -ENODEV,
               "internal: deleted: -ENODEV");
        dp_netdev_close(port);
    }
    g_free(f);
    g_free(g);
    diag_free(d);
}

/* A persistent TAP, made here; returns its fd (keep it to delete it). */
static int
make_persistent_tap(const char *name)
{
    struct ifreq ifr;
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
    strcpy(ifr.ifr_name, name);
    if (fd < 0 || ioctl(fd, TUNSETIFF, &ifr) < 0
        || ioctl(fd, TUNSETPERSIST, 1) < 0) {
        return -1;
    }
    close(fd);
    fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    return fd;
}

static void
delete_persistent_tap(int fd, const char *name)
{
    struct ifreq ifr;

    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
    strcpy(ifr.ifr_name, name);
    if (!ioctl(fd, TUNSETIFF, &ifr)) {
        ioctl(fd, TUNSETPERSIST, 0);
    }
    close(fd);
}

#define MANY 200

static void
test_close_many(void)
{
    struct dp_netdev *ports[MANY + 3];
    int pfd = make_persistent_tap("xsvkeep");
    int opened = 0, left = 0;
    double t0, t1;

    ok(pfd >= 0, "a persistent TAP");
    for (int i = 0; i < MANY; i++) {
        char name[IFNAMSIZ];

        snprintf(name, sizeof name, "xsvm%d", i);
        if (!dp_netdev_open(name, "internal", &ports[i], NULL)) {
            opened++;
            dp_netdev_set_up(ports[i], true, NULL);
        } else {
            ports[i] = NULL;
        }
    }
    is_int(opened, MANY, "opened %d internal ports", MANY);
    is_int(dp_netdev_open("xsvkeep", "internal", &ports[MANY], NULL), 0,
           "opened the persistent TAP as an internal port");
    dp_netdev_open("dmy", "dummy", &ports[MANY + 1], NULL);
    ports[MANY + 2] = NULL;

    t0 = now();
    dp_netdev_close_many(ports, MANY + 3);
    t1 = now();
    for (int i = 0; i < MANY; i++) {
        char name[IFNAMSIZ];

        snprintf(name, sizeof name, "xsvm%d", i);
        left += if_nametoindex(name) != 0;
    }
    is_int(left, 0, "close_many deleted every TAP");
    ok(if_nametoindex("xsvkeep") != 0, "close_many spared the persistent "
       "TAP");
    diag_msg("close_many of %d TAPs: %.3f s", MANY, t1 - t0);
    ok(t1 - t0 < 1.0, "close_many of %d TAPs in under a second", MANY);
    delete_persistent_tap(pfd, "xsvkeep");
    ok(!if_nametoindex("xsvkeep"), "persistent TAP removed");
}

int
main(void)
{
    const char *skip = NULL;

    if (geteuid() != 0) {
        skip = "needs root for a private network namespace";
    } else if (unshare(CLONE_NEWNET) < 0) {
        skip = "unshare(CLONE_NEWNET) failed";
    } else if (access("/dev/net/tun", R_OK | W_OK) < 0) {
        skip = "no /dev/net/tun";
    }
    if (skip) {
        skip_all(skip);
    }
    nl = nl_socket_alloc();
    if (!nl || nl_connect(nl, NETLINK_ROUTE) < 0) {
        skip_all("no rtnetlink");
    }
    dp_netdev_linux_set_up("lo", true, NULL);
    if (make_veth() < 0) {
        skip_all("cannot make a veth pair");
    }
    test_system(true);
    test_system(false);
    test_system_errors();
    test_internal();
    test_close_many();
    nl_socket_free(nl);
    return done_testing();
}
