/* netdev-afpacket.c -- "system" ports: existing devices through AF_PACKET
 * (a class of netdev-provider.h).
 *
 * One SOCK_RAW socket per port, bound to the device's ifindex for every
 * protocol, with:
 *
 *   - PACKET_VNET_HDR: each packet comes with its struct virtio_net_hdr (a
 *     partial checksum, a GSO super-packet) and goes out with one, so
 *     offloaded traffic is forwarded as the kernel made it, never
 *     segmented or checksummed here (dp-packet.h);
 *   - reception by recvmmsg(), one call per batch of up to
 *     DP_PACKET_BATCH_MAX packets; or, with XSVSWITCH_AFPACKET_RING=1 in
 *     the environment, a TPACKET_V3 ring, whose blocks the kernel hands
 *     over when full or 1 ms after their first packet (see ring_wanted());
 *     recvmmsg() again where the kernel refuses such a ring with vnet
 *     headers;
 *   - transmission by sendmmsg(), one call per batch;
 *   - PACKET_IGNORE_OUTGOING, so the port does not receive what it (or the
 *     host) sends (the outgoing packet type is filtered too, for kernels
 *     without it);
 *   - the device promiscuous through PACKET_ADD_MEMBERSHIP, which the
 *     kernel undoes when the socket closes, crash included;
 *   - 802.1Q tags: a device may strip a received tag into metadata (veth
 *     does); the tag is put back into the frame from the ring's
 *     tp_vlan_tci, or from PACKET_AUXDATA on the recvmmsg() path.
 *
 * Device attributes come from netdev-linux.c; the datapath does not change
 * a system device's MAC, MTU or state. */
#include <config.h>

#include "netdev-provider.h"

#include <arpa/inet.h>
#include <errno.h>
#include <glib.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "diag.h"

/* The receive ring: RING_BLOCKS blocks of RING_BLOCK_SIZE bytes.  A block
 * must hold the largest frame (a 64 KiB GSO packet with its headers); the
 * kernel hands a block over when it is full or RING_TIMEOUT_MS after its
 * first packet. */
#define RING_BLOCK_SIZE (1u << 18)
#define RING_BLOCKS 16
#define RING_FRAME_SIZE 2048    /* Only for the kernel's bookkeeping. */
#define RING_TIMEOUT_MS 1

#define VNET_HDR_LEN sizeof(struct virtio_net_hdr)
#define ETH_TYPE_VLAN 0x8100

/* A received frame this small is copied into a packet of its own size;
 * larger ones keep the (recvmmsg path's) full-size buffer they arrived in.
 */
#define COPY_BREAK 2048

struct mmsg_slot {
    struct virtio_net_hdr vnet;
    struct dp_packet *buf;      /* Room for DP_PACKET_MAX_FRAME. */
    struct sockaddr_ll sll;
    struct iovec iov[2];
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
    } ctrl;
};

struct afpacket {
    struct dp_netdev up;
    int ifindex;

    /* TPACKET_V3 ring (NULL on the recvmmsg path). */
    uint8_t *ring;
    size_t ring_size;
    unsigned int block;         /* The block being read or waited for. */
    unsigned int left;          /* Packets left to read in it, 0 if none. */
    struct tpacket3_hdr *next;  /* The next packet to read in it. */

    /* recvmmsg path. */
    struct mmsg_slot *slots;    /* DP_PACKET_BATCH_MAX of them. */
};

static struct afpacket *
afpacket_cast(struct dp_netdev *netdev)
{
    return (struct afpacket *) netdev;
}

/* Whether to receive through a TPACKET_V3 ring rather than recvmmsg().
 * Both take a batch of packets per system call; but the kernel hands a
 * ring block over only when it is full or 1 ms after its first packet, so
 * that sparse traffic waits: a ping took 1.6 ms through the ring and
 * 0.115 ms through recvmmsg(), and TCP ran at 8.9 against 14.1 Gbit/s
 * (each ring also pins 4 MB of kernel memory).  So recvmmsg() by default;
 * XSVSWITCH_AFPACKET_RING=1 selects the ring. */
static bool
ring_wanted(void)
{
    const char *s = getenv("XSVSWITCH_AFPACKET_RING");

    return s && !strcmp(s, "1");
}

/* Sets up the TPACKET_V3 receive ring.  Returns 0 or a negative errno. */
static int
ring_setup(struct afpacket *a, int fd)
{
    struct tpacket_req3 req;
    int version = TPACKET_V3;
    void *ring;
    int error;

    if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &version,
                   sizeof version) < 0) {
        return -errno;
    }
    memset(&req, 0, sizeof req);
    req.tp_block_size = RING_BLOCK_SIZE;
    req.tp_block_nr = RING_BLOCKS;
    req.tp_frame_size = RING_FRAME_SIZE;
    req.tp_frame_nr = RING_BLOCK_SIZE / RING_FRAME_SIZE * RING_BLOCKS;
    req.tp_retire_blk_tov = RING_TIMEOUT_MS;
    if (setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof req) < 0) {
        error = -errno;
        goto undo_version;
    }
    a->ring_size = (size_t) RING_BLOCK_SIZE * RING_BLOCKS;
    ring = mmap(NULL, a->ring_size, PROT_READ | PROT_WRITE,
                MAP_SHARED | MAP_POPULATE, fd, 0);
    if (ring == MAP_FAILED) {
        error = -errno;
        memset(&req, 0, sizeof req);    /* Frees the ring. */
        setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof req);
        goto undo_version;
    }
    a->ring = ring;
    a->block = 0;
    a->left = 0;
    a->next = NULL;
    return 0;

undo_version:
    /* Back to plain recvmsg() semantics. */
    version = TPACKET_V1;
    setsockopt(fd, SOL_PACKET, PACKET_VERSION, &version, sizeof version);
    return error;
}

static int
afpacket_open(const char *name, struct dp_netdev **netdevp,
              struct diag *diag)
{
    struct packet_mreq mreq;
    struct sockaddr_ll sll;
    struct afpacket *a;
    int one = 1;
    int bufsize = 4 << 20;
    int ifindex;
    int error;
    int fd;

    error = dp_netdev_linux_check_name(name, diag);
    if (error) {
        return error;
    }
    ifindex = dp_netdev_linux_get_ifindex(name);
    if (ifindex < 0) {
        diag_add(diag, "%s: cannot open system device: %s", name,
                 g_strerror(-ifindex));
        return ifindex;
    }

    /* Protocol 0: nothing is queued until bind() names the device. */
    fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error = -errno;
        diag_add(diag, "%s: cannot create AF_PACKET socket: %s", name,
                 g_strerror(errno));
        return error;
    }
    a = g_new0(struct afpacket, 1);
    a->up.fd = fd;
    a->ifindex = ifindex;

    if (setsockopt(fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof one) < 0) {
        error = -errno;
        diag_add(diag, "%s: cannot enable PACKET_VNET_HDR: %s", name,
                 g_strerror(errno));
        goto error;
    }
    if (!ring_wanted() || ring_setup(a, fd)) {
        /* The recvmmsg() path: needs PACKET_AUXDATA for VLAN tags. */
        if (setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one,
                       sizeof one) < 0) {
            error = -errno;
            diag_add(diag, "%s: cannot enable PACKET_AUXDATA: %s", name,
                     g_strerror(errno));
            goto error;
        }
        a->slots = g_new0(struct mmsg_slot, DP_PACKET_BATCH_MAX);
    }
    /* Optional: older kernels lack it, and outgoing packets are also
     * filtered by type on receipt. */
    setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);
    /* Room for a good number of GSO packets in flight (the receive
     * buffer matters on the recvmmsg() path only); best effort. */
    if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &bufsize,
                   sizeof bufsize) < 0) {
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bufsize, sizeof bufsize);
    }
    if (!a->ring && setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bufsize,
                               sizeof bufsize) < 0) {
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bufsize, sizeof bufsize);
    }

    memset(&mreq, 0, sizeof mreq);
    mreq.mr_ifindex = ifindex;
    mreq.mr_type = PACKET_MR_PROMISC;
    if (setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mreq,
                   sizeof mreq) < 0) {
        error = -errno;
        diag_add(diag, "%s: cannot make the device promiscuous: %s", name,
                 g_strerror(errno));
        goto error;
    }

    memset(&sll, 0, sizeof sll);
    sll.sll_family = AF_PACKET;
    sll.sll_protocol = htons(ETH_P_ALL);
    sll.sll_ifindex = ifindex;
    if (bind(fd, (struct sockaddr *) &sll, sizeof sll) < 0) {
        error = -errno;
        diag_add(diag, "%s: cannot bind AF_PACKET socket: %s", name,
                 g_strerror(errno));
        goto error;
    }
    *netdevp = &a->up;
    return 0;

error:
    if (a->ring) {
        munmap(a->ring, a->ring_size);
    }
    g_free(a->slots);
    g_free(a);
    close(fd);
    return error;
}

static void
afpacket_close(struct dp_netdev *netdev)
{
    struct afpacket *a = afpacket_cast(netdev);

    if (a->ring) {
        munmap(a->ring, a->ring_size);
    }
    if (a->slots) {
        for (int i = 0; i < DP_PACKET_BATCH_MAX; i++) {
            dp_packet_delete(a->slots[i].buf);
        }
        g_free(a->slots);
    }
    close(netdev->fd);
    g_free(a);
}

/* Puts back the 802.1Q (or 802.1ad) tag 'tci' that the kernel moved out of
 * the frame of 'p'. */
static void
restore_vlan(struct dp_packet *p, uint16_t tci, uint16_t tpid)
{
    if (!dp_packet_push_vlan(p, tci) && tpid != ETH_TYPE_VLAN) {
        uint8_t *eth = dp_packet_data(p);

        eth[12] = tpid >> 8;
        eth[13] = tpid;
    }
}

/* Builds a packet from 'len' bytes of frame at 'frame' with offload
 * metadata 'vnet' and appends it to 'batch'. */
static void
deliver_copy(struct dp_packet_batch *batch, const uint8_t *frame,
             uint32_t len, const struct virtio_net_hdr *vnet, bool vlan,
             uint16_t tci, uint16_t tpid)
{
    struct dp_packet *p = dp_packet_new(len);

    memcpy(dp_packet_data(p), frame, len);
    p->size = len;
    p->vnet = *vnet;
    if (vlan) {
        restore_vlan(p, tci, tpid);
    }
    batch->packets[batch->count++] = p;
}

/* Hands the current ring block back to the kernel and moves on. */
static void
ring_release_block(struct afpacket *a)
{
    struct tpacket_block_desc *bd = (struct tpacket_block_desc *)
        (a->ring + (size_t) a->block * RING_BLOCK_SIZE);

    __atomic_store_n(&bd->hdr.bh1.block_status, TP_STATUS_KERNEL,
                     __ATOMIC_RELEASE);
    a->block = (a->block + 1) % RING_BLOCKS;
    a->next = NULL;
}

/* Reads (and so clears) the socket's pending error: the kernel sets
 * ENETDOWN when the device goes down or away, and poll() reports POLLERR
 * until it is read.  Returns -ENODEV if the device is gone, -ENETDOWN if it
 * is down, another negative errno for another error, or -EAGAIN if there
 * was none. */
static int
socket_error(struct afpacket *a)
{
    char name[IF_NAMESIZE];
    socklen_t len = sizeof(int);
    int error = 0;

    if (getsockopt(a->up.fd, SOL_SOCKET, SO_ERROR, &error, &len) < 0
        || !error) {
        return -EAGAIN;
    }
    if (error == ENETDOWN || error == ENXIO || error == ENODEV) {
        return if_indextoname(a->ifindex, name) ? -ENETDOWN : -ENODEV;
    }
    return -error;
}

static int
ring_rx(struct afpacket *a, struct dp_packet_batch *batch)
{
    int n = 0;

    while (batch->count < DP_PACKET_BATCH_MAX) {
        struct tpacket3_hdr *h;
        const struct sockaddr_ll *sll;
        struct virtio_net_hdr vnet;
        const uint8_t *frame;
        uint32_t status;

        if (!a->next) {
            struct tpacket_block_desc *bd = (struct tpacket_block_desc *)
                (a->ring + (size_t) a->block * RING_BLOCK_SIZE);

            if (!(__atomic_load_n(&bd->hdr.bh1.block_status,
                                  __ATOMIC_ACQUIRE) & TP_STATUS_USER)) {
                break;
            }
            a->left = bd->hdr.bh1.num_pkts;
            if (!a->left) {
                ring_release_block(a);
                continue;
            }
            a->next = (struct tpacket3_hdr *)
                ((uint8_t *) bd + bd->hdr.bh1.offset_to_first_pkt);
        }

        h = a->next;
        status = h->tp_status;
        if (--a->left) {
            a->next = (struct tpacket3_hdr *)
                ((uint8_t *) h + h->tp_next_offset);
        }
        sll = (const struct sockaddr_ll *)
            ((uint8_t *) h + TPACKET_ALIGN(sizeof *h));
        frame = (uint8_t *) h + h->tp_mac;
        if (h->tp_snaplen < h->tp_len || h->tp_mac < VNET_HDR_LEN) {
            a->up.stats.rx_dropped++;          /* Truncated. */
        } else if (sll->sll_pkttype != PACKET_OUTGOING) {
            memcpy(&vnet, frame - VNET_HDR_LEN, VNET_HDR_LEN);
            deliver_copy(batch, frame, h->tp_snaplen, &vnet,
                         status & TP_STATUS_VLAN_VALID,
                         h->hv1.tp_vlan_tci,
                         (status & TP_STATUS_VLAN_TPID_VALID
                          ? h->hv1.tp_vlan_tpid : ETH_TYPE_VLAN));
            n++;
        }
        if (!a->left) {
            ring_release_block(a);
        }
    }
    return n ? n : socket_error(a);
}

static int
mmsg_rx(struct afpacket *a, struct dp_packet_batch *batch)
{
    struct mmsghdr msgs[DP_PACKET_BATCH_MAX];
    unsigned int room = DP_PACKET_BATCH_MAX - batch->count;
    int n, got = 0;

    for (unsigned int i = 0; i < room; i++) {
        struct mmsg_slot *s = &a->slots[i];

        if (!s->buf) {
            s->buf = dp_packet_new(DP_PACKET_MAX_FRAME);
        }
        s->iov[0].iov_base = &s->vnet;
        s->iov[0].iov_len = VNET_HDR_LEN;
        s->iov[1].iov_base = dp_packet_data(s->buf);
        s->iov[1].iov_len = DP_PACKET_MAX_FRAME;
        memset(&msgs[i], 0, sizeof msgs[i]);
        msgs[i].msg_hdr.msg_name = &s->sll;
        msgs[i].msg_hdr.msg_namelen = sizeof s->sll;
        msgs[i].msg_hdr.msg_iov = s->iov;
        msgs[i].msg_hdr.msg_iovlen = 2;
        msgs[i].msg_hdr.msg_control = s->ctrl.buf;
        msgs[i].msg_hdr.msg_controllen = sizeof s->ctrl.buf;
    }
    n = recvmmsg(a->up.fd, msgs, room, MSG_DONTWAIT, NULL);
    if (n < 0) {
        char name[IF_NAMESIZE];

        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
            return -EAGAIN;
        } else if (errno == ENETDOWN || errno == ENXIO || errno == ENODEV) {
            return if_indextoname(a->ifindex, name) ? -ENETDOWN : -ENODEV;
        }
        return -errno;
    }
    for (int i = 0; i < n; i++) {
        struct mmsg_slot *s = &a->slots[i];
        struct msghdr *m = &msgs[i].msg_hdr;
        const struct tpacket_auxdata *aux = NULL;
        uint32_t len = msgs[i].msg_len;
        struct cmsghdr *cm;
        bool vlan = false;
        uint16_t tci = 0;
        uint16_t tpid = ETH_TYPE_VLAN;

        if (len < VNET_HDR_LEN || (m->msg_flags & MSG_TRUNC)) {
            a->up.stats.rx_dropped++;
            continue;
        }
        if (s->sll.sll_pkttype == PACKET_OUTGOING) {
            continue;
        }
        len -= VNET_HDR_LEN;
        for (cm = CMSG_FIRSTHDR(m); cm; cm = CMSG_NXTHDR(m, cm)) {
            if (cm->cmsg_level == SOL_PACKET
                && cm->cmsg_type == PACKET_AUXDATA
                && cm->cmsg_len >= CMSG_LEN(sizeof *aux)) {
                aux = (const struct tpacket_auxdata *) CMSG_DATA(cm);
            }
        }
        if (aux && (aux->tp_status & TP_STATUS_VLAN_VALID)) {
            vlan = true;
            tci = aux->tp_vlan_tci;
            if (aux->tp_status & TP_STATUS_VLAN_TPID_VALID) {
                tpid = aux->tp_vlan_tpid;
            }
        }
        if (len <= COPY_BREAK) {
            deliver_copy(batch, dp_packet_data(s->buf), len, &s->vnet,
                         vlan, tci, tpid);
        } else {
            struct dp_packet *p = s->buf;

            s->buf = NULL;
            p->size = len;
            p->vnet = s->vnet;
            if (vlan) {
                restore_vlan(p, tci, tpid);
            }
            batch->packets[batch->count++] = p;
        }
        got++;
    }
    return got ? got : -EAGAIN;
}

static int
afpacket_rx(struct dp_netdev *netdev, struct dp_packet_batch *batch)
{
    struct afpacket *a = afpacket_cast(netdev);

    return a->ring ? ring_rx(a, batch) : mmsg_rx(a, batch);
}

/* Waits up to 'ms' milliseconds for room in the socket's send buffer. */
static void
wait_writable(int fd, int ms)
{
    struct pollfd pfd = { .fd = fd, .events = POLLOUT };

    poll(&pfd, 1, ms);
}

static int
afpacket_send(struct dp_netdev *netdev, struct dp_packet *const *pkts,
              unsigned int n)
{
    struct mmsghdr msgs[DP_PACKET_BATCH_MAX];
    struct iovec iov[DP_PACKET_BATCH_MAX][2];
    unsigned int i = 0;
    bool waited = false;
    int first_error = 0;

    for (unsigned int j = 0; j < n; j++) {
        iov[j][0].iov_base = (void *) &pkts[j]->vnet;
        iov[j][0].iov_len = VNET_HDR_LEN;
        iov[j][1].iov_base = dp_packet_data(pkts[j]);
        iov[j][1].iov_len = pkts[j]->size;
        memset(&msgs[j], 0, sizeof msgs[j]);
        msgs[j].msg_hdr.msg_iov = iov[j];
        msgs[j].msg_hdr.msg_iovlen = 2;
    }
    while (i < n) {
        int r = sendmmsg(netdev->fd, &msgs[i], n - i, MSG_DONTWAIT);

        if (r > 0) {
            for (int j = 0; j < r; j++) {
                dp_netdev_count_tx(netdev, pkts[i + j]->size);
            }
            i += r;
            continue;
        }
        if (errno == EINTR) {
            continue;
        }
        if ((errno == EAGAIN || errno == EWOULDBLOCK) && !waited) {
            /* The send buffer is full of packets the device has not
             * taken yet: give it a moment, once per batch. */
            waited = true;
            wait_writable(netdev->fd, 10);
            continue;
        }
        /* This packet is refused (too big, malformed, device down...):
         * drop it and go on with the rest. */
        if (!first_error) {
            first_error = errno == ENXIO || errno == ENODEV ? -ENETDOWN
                                                            : -errno;
        }
        netdev->stats.tx_dropped++;
        i++;
    }
    return first_error;
}

static int
afpacket_get_carrier(struct dp_netdev *netdev, bool *carrier)
{
    return dp_netdev_linux_get_carrier(netdev->name, carrier);
}

static int
afpacket_get_mac(struct dp_netdev *netdev, uint8_t mac[6])
{
    return dp_netdev_linux_get_mac(netdev->name, mac);
}

static int
afpacket_set_mac(struct dp_netdev *netdev, const uint8_t mac[6],
                 struct diag *diag)
{
    diag_add(diag, "%s: a system device's MAC address is not the "
             "datapath's to change", netdev->name);
    return -EOPNOTSUPP;
}

static int
afpacket_get_mtu(struct dp_netdev *netdev, int *mtup)
{
    return dp_netdev_linux_get_mtu(netdev->name, mtup);
}

static int
afpacket_set_mtu(struct dp_netdev *netdev, int mtu,
                 struct diag *diag)
{
    diag_add(diag, "%s: a system device's MTU is not the datapath's to "
             "change", netdev->name);
    return -EOPNOTSUPP;
}

static int
afpacket_get_ifindex(struct dp_netdev *netdev)
{
    return afpacket_cast(netdev)->ifindex;
}

static int
afpacket_set_up(struct dp_netdev *netdev, bool up,
                struct diag *diag)
{
    diag_add(diag, "%s: a system device's state is not the datapath's to "
             "change", netdev->name);
    return -EOPNOTSUPP;
}

static void
afpacket_update_stats(struct dp_netdev *netdev)
{
    struct afpacket *a = afpacket_cast(netdev);
    socklen_t len;

    /* The kernel's counters reset when read: accumulate them. */
    if (a->ring) {
        struct tpacket_stats_v3 st;

        len = sizeof st;
        if (!getsockopt(netdev->fd, SOL_PACKET, PACKET_STATISTICS, &st,
                        &len)) {
            netdev->stats.rx_dropped += st.tp_drops;
        }
    } else {
        struct tpacket_stats st;

        len = sizeof st;
        if (!getsockopt(netdev->fd, SOL_PACKET, PACKET_STATISTICS, &st,
                        &len)) {
            netdev->stats.rx_dropped += st.tp_drops;
        }
    }
}

const struct dp_netdev_class dp_netdev_afpacket_class = {
    .type = "system",
    .open = afpacket_open,
    .close = afpacket_close,
    .rx = afpacket_rx,
    .send = afpacket_send,
    .get_carrier = afpacket_get_carrier,
    .get_mac = afpacket_get_mac,
    .set_mac = afpacket_set_mac,
    .get_mtu = afpacket_get_mtu,
    .set_mtu = afpacket_set_mtu,
    .get_ifindex = afpacket_get_ifindex,
    .set_up = afpacket_set_up,
    .update_stats = afpacket_update_stats,
};
