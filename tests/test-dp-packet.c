/* test-dp-packet.c -- tests of datapath/dp-packet.c and the software
 * offloads of datapath/netdev-offload.c.
 *
 * Packets: allocation, frames, clones, and 802.1Q push and pop, with the
 * virtio-net header's offsets following the frame.  Checksums: completion
 * of partial checksums against known-good values (two frames whose
 * checksums tcpdump -vv reports correct: TCP over IPv4, UDP over IPv6),
 * also behind a pushed tag, and UDP's zero rule.  Segmentation (software
 * TSO and USO): super-packets of TCP over IPv4, TCP over IPv6 behind a
 * tag, and UDP over IPv4 are cut, and every segment is checked field by
 * field, its checksums recomputed here independently, and the payloads
 * put back together. */
#include <config.h>

#include <errno.h>
#include <glib.h>
#include <string.h>

#include "dp-packet.h"
#include "netdev-offload.h"
#include "tap.h"

/* TCP over IPv4, 37 bytes of payload; IP checksum 0x13db, TCP checksum
 * 0xd755 (tcpdump: "cksum 0xd755 (correct)"). */
static const uint8_t tcp4_frame[] = {
    0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
    0x08, 0x00, 0x45, 0x00, 0x00, 0x4d, 0x12, 0x34, 0x40, 0x00, 0x40, 0x06,
    0x13, 0xdb, 0x0a, 0x4d, 0x00, 0x01, 0x0a, 0x4d, 0x00, 0x02, 0x9c, 0x40,
    0x14, 0x51, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x50, 0x18,
    0x01, 0xf6, 0xd7, 0x55, 0x00, 0x00, 0x78, 0x73, 0x76, 0x73, 0x77, 0x69,
    0x74, 0x63, 0x68, 0x20, 0x63, 0x68, 0x65, 0x63, 0x6b, 0x73, 0x75, 0x6d,
    0x20, 0x74, 0x65, 0x73, 0x74, 0x2c, 0x20, 0x6f, 0x64, 0x64, 0x20, 0x6c,
    0x65, 0x6e, 0x67, 0x74, 0x68, 0x21, 0x3f,
};
#define TCP4_CSUM 0xd755
#define TCP4_L4 34

/* UDP over IPv6, 46 bytes of payload; UDP checksum 0xc4af (tcpdump:
 * "[udp sum ok]"). */
static const uint8_t udp6_frame[] = {
    0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
    0x86, 0xdd, 0x60, 0x00, 0x00, 0x00, 0x00, 0x36, 0x11, 0x40, 0xfd, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x01, 0xfd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x14, 0xe9, 0x14, 0x51, 0x00, 0x36,
    0xc4, 0xaf, 0x68, 0x65, 0x6c, 0x6c, 0x6f, 0x20, 0x6f, 0x76, 0x65, 0x72,
    0x20, 0x75, 0x64, 0x70, 0x2f, 0x69, 0x70, 0x76, 0x36, 0x20, 0x77, 0x69,
    0x74, 0x68, 0x20, 0x61, 0x20, 0x70, 0x61, 0x79, 0x6c, 0x6f, 0x61, 0x64,
    0x20, 0x6f, 0x66, 0x20, 0x6f, 0x64, 0x64, 0x20, 0x73, 0x69, 0x7a, 0x65,
};
#define UDP6_CSUM 0xc4af
#define UDP6_L4 54

static uint16_t
be16(const uint8_t *p)
{
    return (p[0] << 8) | p[1];
}

static uint32_t
be32(const uint8_t *p)
{
    return ((uint32_t) be16(p) << 16) | be16(p + 2);
}

static void
set_be16(uint8_t *p, uint16_t v)
{
    p[0] = v >> 8;
    p[1] = v;
}

/* The test's own one's complement sum (16-bit words, no tricks), so that
 * the library's checksums are checked against something independent. */
static uint32_t
sum16(uint32_t sum, const uint8_t *p, size_t len)
{
    for (size_t i = 0; i + 1 < len; i += 2) {
        sum += (p[i] << 8) | p[i + 1];
    }
    if (len & 1) {
        sum += p[len - 1] << 8;
    }
    return sum;
}

static uint16_t
fold(uint32_t sum)
{
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return sum;
}

/* Sum of the pseudo-header for an L4 header at 'l4' of 'len' bytes, IP
 * header at 'l3'. */
static uint32_t
pseudo_sum(const uint8_t *f, size_t l3, bool v4, uint8_t proto, size_t len)
{
    return (v4 ? sum16(0, f + l3 + 12, 8) : sum16(0, f + l3 + 8, 32))
           + proto + len;
}

/* Whether the L4 checksum of the segment at 'f' (of 'size' bytes) is
 * right. */
static bool
l4_csum_ok(const uint8_t *f, size_t size, size_t l3, size_t l4, bool v4,
           uint8_t proto)
{
    size_t len = size - l4;

    return fold(sum16(pseudo_sum(f, l3, v4, proto, len), f + l4, len))
           == 0xffff;
}

static struct dp_packet *
packet_from(const uint8_t *frame, size_t len)
{
    struct dp_packet *p = dp_packet_new(len);

    ok(!dp_packet_put_frame(p, frame, len), "put_frame of %zu bytes", len);
    return p;
}

static void
test_basics(void)
{
    struct dp_packet *p = dp_packet_new(100);
    struct dp_packet *c;
    uint8_t big[200];

    dp_packet_delete(NULL);
    is_int(p->ofs, DP_PACKET_HEADROOM, "new: frame at the headroom");
    is_int(p->size, 0, "new: empty frame");
    is_int(p->allocated, DP_PACKET_HEADROOM + 100, "new: allocated");
    is_int(dp_packet_tailroom(p), 100, "new: tailroom");
    ok(!dp_packet_has_offload(p), "new: no offload");
    ok(dp_packet_data(p) == p->base + DP_PACKET_HEADROOM, "new: data");

    memset(big, 0xab, sizeof big);
    is_int(dp_packet_put_frame(p, big, 101), -EMSGSIZE,
           "put_frame: too big for the room");
    is_int(p->size, 0, "put_frame: failure leaves the frame");
    p->vnet.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
    p->vnet.csum_start = 34;
    p->in_port = 7;
    is_int(dp_packet_put_frame(p, big, 100), 0, "put_frame: exact fit");
    is_int(p->size, 100, "put_frame: size");
    ok(!memcmp(dp_packet_data(p), big, 100), "put_frame: bytes");
    ok(p->vnet.csum_start == 34 && p->in_port == 7,
       "put_frame keeps the metadata");
    ok(dp_packet_has_offload(p), "has_offload: NEEDS_CSUM");

    c = dp_packet_clone(p);
    ok(c != p && c->base != p->base, "clone: a new buffer");
    ok(c->size == 100 && !memcmp(dp_packet_data(c), big, 100),
       "clone: same frame");
    ok(c->in_port == 7 && !memcmp(&c->vnet, &p->vnet, sizeof c->vnet),
       "clone: same metadata");
    dp_packet_data(c)[0] = 0;
    is_int(dp_packet_data(p)[0], 0xab, "clone: independent");

    dp_packet_clear(c);
    ok(c->size == 0 && c->ofs == DP_PACKET_HEADROOM && c->in_port == 0
       && !dp_packet_has_offload(c), "clear: empty, no metadata");
    c->vnet.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
    ok(dp_packet_has_offload(c), "has_offload: GSO");
    dp_packet_delete(c);
    dp_packet_delete(p);
}

static void
test_vlan(void)
{
    struct dp_packet *p = packet_from(tcp4_frame, sizeof tcp4_frame);
    uint8_t *f;
    int pushes;

    p->vnet.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
    p->vnet.csum_start = TCP4_L4;
    p->vnet.csum_offset = 16;
    p->vnet.hdr_len = TCP4_L4 + 20;
    is_int(dp_packet_push_vlan(p, 0x6abc), 0, "push_vlan");
    f = dp_packet_data(p);
    is_int(p->size, sizeof tcp4_frame + 4, "push_vlan: 4 bytes longer");
    ok(!memcmp(f, tcp4_frame, 12), "push_vlan: MACs first");
    is_int(be16(f + 12), 0x8100, "push_vlan: TPID");
    is_int(be16(f + 14), 0x6abc, "push_vlan: TCI");
    ok(!memcmp(f + 16, tcp4_frame + 12, sizeof tcp4_frame - 12),
       "push_vlan: the rest follows");
    is_int(p->vnet.csum_start, TCP4_L4 + 4, "push_vlan: csum_start +4");
    is_int(p->vnet.csum_offset, 16, "push_vlan: csum_offset unchanged");
    is_int(p->vnet.hdr_len, TCP4_L4 + 24, "push_vlan: hdr_len +4");

    is_int(dp_packet_push_vlan(p, 0x0005), 0, "push a second tag");
    is_int(p->vnet.csum_start, TCP4_L4 + 8, "two tags: csum_start +8");
    is_int(dp_packet_pop_vlan(p), 0x0005, "pop: the outer tag first");
    is_int(dp_packet_pop_vlan(p), 0x6abc, "pop: then the inner one");
    ok(p->size == sizeof tcp4_frame
       && !memcmp(dp_packet_data(p), tcp4_frame, sizeof tcp4_frame),
       "pop: the frame is back as it was");
    is_int(p->vnet.csum_start, TCP4_L4, "pop: csum_start back");
    is_int(p->vnet.hdr_len, TCP4_L4 + 20, "pop: hdr_len back");
    is_int(dp_packet_pop_vlan(p), -ENOENT, "pop: untagged frame");
    is_int(p->size, sizeof tcp4_frame, "pop: untagged frame unchanged");

    /* Offsets move only for a header that asks for work. */
    memset(&p->vnet, 0, sizeof p->vnet);
    p->vnet.csum_start = 34;    /* Meaningless without NEEDS_CSUM. */
    dp_packet_push_vlan(p, 1);
    is_int(p->vnet.csum_start, 34, "no offload: offsets left alone");
    dp_packet_pop_vlan(p);
    memset(&p->vnet, 0, sizeof p->vnet);
    p->vnet.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
    p->vnet.hdr_len = 54;
    dp_packet_push_vlan(p, 1);
    is_int(p->vnet.hdr_len, 58, "GSO alone: hdr_len moves");
    is_int(p->vnet.csum_start, 0, "GSO alone: a zero csum_start stays");
    dp_packet_pop_vlan(p);
    is_int(p->vnet.hdr_len, 54, "GSO alone: hdr_len moves back");

    /* Headroom runs out after DP_PACKET_HEADROOM / 4 tags. */
    for (pushes = 0; !dp_packet_push_vlan(p, pushes); pushes++) {
        continue;
    }
    is_int(pushes, DP_PACKET_HEADROOM / 4, "push until the headroom is "
           "used up");
    is_int(dp_packet_push_vlan(p, 1), -ENOSPC, "push_vlan: -ENOSPC");
    dp_packet_delete(p);

    p = dp_packet_new(64);
    dp_packet_put_frame(p, tcp4_frame, 13);
    is_int(dp_packet_push_vlan(p, 1), -EINVAL, "push_vlan: runt frame");
    dp_packet_put_frame(p, tcp4_frame, 14);
    is_int(dp_packet_push_vlan(p, 1), 0, "push_vlan: header-only frame");
    dp_packet_put_frame(p, tcp4_frame, 16);
    f = dp_packet_data(p);
    f[12] = 0x81;
    f[13] = 0x00;
    is_int(dp_packet_pop_vlan(p), -ENOENT, "pop_vlan: tag cut short");
    dp_packet_delete(p);
}

/* Replaces the L4 checksum of 'p' by the pseudo-header sum and marks it
 * for completion, as the kernel hands over a CHECKSUM_PARTIAL packet. */
static void
make_partial(struct dp_packet *p, size_t l3, size_t l4, bool v4,
             uint8_t proto, uint16_t csum_offset)
{
    uint8_t *f = dp_packet_data(p);

    set_be16(f + l4 + csum_offset,
             fold(pseudo_sum(f, l3, v4, proto, p->size - l4)));
    p->vnet.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
    p->vnet.csum_start = l4;
    p->vnet.csum_offset = csum_offset;
}

static void
test_csum(void)
{
    struct dp_packet *p;
    uint8_t *f;
    uint8_t ip[20];

    memcpy(ip, tcp4_frame + 14, 20);
    set_be16(ip + 10, 0);
    is_int(netdev_offload_csum(ip, 20), 0x13db,
           "csum of a known IPv4 header");
    is_int(netdev_offload_csum(tcp4_frame + 14, 20), 0,
           "csum over a header with its checksum: 0");
    is_int(netdev_offload_csum("\x01", 1), 0xfeff, "csum of an odd byte");

    p = packet_from(tcp4_frame, sizeof tcp4_frame);
    make_partial(p, 14, TCP4_L4, true, 6, 16);
    f = dp_packet_data(p);
    ok(be16(f + TCP4_L4 + 16) != TCP4_CSUM, "TCPv4: the checksum is "
       "partial");
    is_int(netdev_offload_complete_csum(p), 0, "TCPv4: complete_csum");
    is_int(be16(f + TCP4_L4 + 16), TCP4_CSUM, "TCPv4: known-good checksum");
    ok(!memcmp(f, tcp4_frame, sizeof tcp4_frame), "TCPv4: frame as known");
    ok(!dp_packet_has_offload(p), "TCPv4: no offload left");

    /* Behind a tag pushed after the kernel gave the offsets. */
    make_partial(p, 14, TCP4_L4, true, 6, 16);
    dp_packet_push_vlan(p, 100);
    is_int(netdev_offload_complete_csum(p), 0, "tagged TCPv4: "
           "complete_csum");
    f = dp_packet_data(p);
    is_int(be16(f + TCP4_L4 + 4 + 16), TCP4_CSUM,
           "tagged TCPv4: known-good checksum at the moved offset");
    is_int(dp_packet_pop_vlan(p), 100, "tagged TCPv4: pop");
    ok(!memcmp(dp_packet_data(p), tcp4_frame, sizeof tcp4_frame),
       "tagged TCPv4: frame as known");
    dp_packet_delete(p);

    p = packet_from(udp6_frame, sizeof udp6_frame);
    make_partial(p, 14, UDP6_L4, false, 17, 6);
    is_int(netdev_offload_complete_csum(p), 0, "UDPv6: complete_csum");
    f = dp_packet_data(p);
    is_int(be16(f + UDP6_L4 + 6), UDP6_CSUM, "UDPv6: known-good checksum");

    /* Nothing to do, and offsets out of the frame. */
    memcpy(f + UDP6_L4 + 6, "\x12\x34", 2);
    p->vnet.flags = VIRTIO_NET_HDR_F_DATA_VALID;
    is_int(netdev_offload_complete_csum(p), 0, "no NEEDS_CSUM: nothing");
    is_int(be16(f + UDP6_L4 + 6), 0x1234, "no NEEDS_CSUM: frame untouched");
    is_int(p->vnet.flags, 0, "no NEEDS_CSUM: flags cleared");
    p->vnet.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
    p->vnet.csum_start = p->size - 1;
    p->vnet.csum_offset = 0;
    is_int(netdev_offload_complete_csum(p), -EINVAL,
           "field past the end: -EINVAL");
    p->vnet.csum_start = p->size;
    is_int(netdev_offload_complete_csum(p), -EINVAL,
           "start past the end: -EINVAL");
    ok(p->vnet.flags == VIRTIO_NET_HDR_F_NEEDS_CSUM
       && be16(f + UDP6_L4 + 6) == 0x1234, "-EINVAL leaves the packet");

    /* A UDP checksum that comes out zero is sent as 0xffff: make the last
     * two payload bytes cancel the rest of the sum. */
    make_partial(p, 14, UDP6_L4, false, 17, 6);
    set_be16(f + p->size - 2, 0);
    {
        uint16_t rest = fold(sum16(0, f + UDP6_L4, p->size - UDP6_L4));

        set_be16(f + p->size - 2, 0xffff - rest);
    }
    is_int(netdev_offload_complete_csum(p), 0, "UDP sum of zero: complete");
    is_int(be16(f + UDP6_L4 + 6), 0xffff, "UDP sum of zero: 0xffff");
    ok(l4_csum_ok(f, p->size, 14, UDP6_L4, false, 17),
       "UDP sum of zero: valid");
    dp_packet_delete(p);
}

/* Builds a super-packet: Ethernet (with 'tags' 802.1Q tags), IPv4 or
 * IPv6, TCP (flags 'tcp_flags') or UDP, and 'payload' bytes of a counting
 * pattern, marked for GSO with 'mss' and a partial checksum. */
static struct dp_packet *
make_super(bool v4, bool tcp, int tags, uint32_t payload, uint16_t mss,
           uint8_t tcp_flags, size_t *l3p, size_t *l4p)
{
    size_t l3 = 14 + 4 * tags;
    size_t l4 = l3 + (v4 ? 20 : 40);
    size_t hl = tcp ? 20 : 8;
    struct dp_packet *p = dp_packet_new(l4 + hl + payload);
    uint8_t *f = dp_packet_data(p);

    memset(f, 0, l4 + hl);
    memcpy(f, tcp4_frame, 12);
    for (int i = 0; i < tags; i++) {
        set_be16(f + 12 + 4 * i, 0x8100);
        set_be16(f + 14 + 4 * i, 10 + i);
    }
    set_be16(f + l3 - 2, v4 ? 0x0800 : 0x86dd);
    if (v4) {
        memcpy(f + l3, tcp4_frame + 14, 20);
        set_be16(f + l3 + 2, 20 + hl + payload);
        f[l3 + 9] = tcp ? 6 : 17;
        set_be16(f + l3 + 4, 0xfffe);   /* The id wraps. */
    } else {
        memcpy(f + l3, udp6_frame + 14, 40);
        set_be16(f + l3 + 4, hl + payload);
        f[l3 + 6] = tcp ? 6 : 17;
    }
    if (tcp) {
        memcpy(f + l4, tcp4_frame + TCP4_L4, 20);
        f[l4 + 13] = tcp_flags;
        /* A sequence number about to wrap. */
        f[l4 + 4] = f[l4 + 5] = f[l4 + 6] = 0xff;
        f[l4 + 7] = 0x00;
    } else {
        set_be16(f + l4, 5353);
        set_be16(f + l4 + 2, 5201);
        set_be16(f + l4 + 4, hl + payload);
    }
    for (uint32_t i = 0; i < payload; i++) {
        f[l4 + hl + i] = i * 7 + i / 256;
    }
    p->size = l4 + hl + payload;
    make_partial(p, l3, l4, v4, tcp ? 6 : 17, tcp ? 16 : 6);
    p->vnet.gso_type = (!tcp ? VIRTIO_NET_HDR_GSO_UDP_L4
                        : v4 ? VIRTIO_NET_HDR_GSO_TCPV4
                        : VIRTIO_NET_HDR_GSO_TCPV6);
    p->vnet.gso_size = mss;
    p->vnet.hdr_len = l4 + hl;
    p->in_port = 3;
    *l3p = l3;
    *l4p = l4;
    return p;
}

/* Segments a super-packet and checks everything about the segments. */
static void
check_segmentation(const char *what, bool v4, bool tcp, int tags,
                   uint32_t payload, uint16_t gso_size, uint32_t mtu)
{
    uint8_t flags = 0x80 | 0x10 | 0x08 | 0x01;  /* CWR ACK PSH FIN */
    size_t l3, l4;
    struct dp_packet *p = make_super(v4, tcp, tags, payload, gso_size,
                                     flags, &l3, &l4);
    const uint8_t *f = dp_packet_data(p);
    size_t hl = tcp ? 20 : 8;
    uint32_t mss = (mtu ? MIN(gso_size, mtu - (l4 + hl - l3)) : gso_size);
    uint32_t want = payload ? (payload + mss - 1) / mss : 1;
    struct dp_packet **segs;
    uint8_t *joined = g_malloc(payload + 1);
    bool sizes = true, l3ok = true, l4ok = true, hdrs = true;
    bool seqs = true, flagsok = true, meta = true;
    uint32_t got_payload = 0;
    int n;

    is_int(netdev_offload_gso_ip_len(p),
           l4 + hl - l3 + MIN(gso_size, payload), "%s: gso_ip_len", what);
    n = netdev_offload_segment(p, mtu, &segs);
    if (!is_int(n, want, "%s: %u segments", what, want)) {
        dp_packet_delete(p);
        g_free(joined);
        return;
    }
    for (int i = 0; i < n; i++) {
        const uint8_t *s = dp_packet_data(segs[i]);
        uint32_t size = segs[i]->size;
        uint32_t len = size - l4 - hl;
        uint32_t exp_len = i + 1 < n ? mss : payload - (n - 1) * mss;

        sizes &= len == exp_len && size == l4 + hl + exp_len;
        /* Headers up to the IP length are the same (tags included). */
        hdrs &= !memcmp(s, f, l3 + 2);
        if (v4) {
            l3ok &= be16(s + l3 + 2) == size - l3;
            l3ok &= be16(s + l3 + 4) == (uint16_t) (0xfffe + i);
            l3ok &= fold(sum16(0, s + l3, 20)) == 0xffff;
        } else {
            l3ok &= be16(s + l3 + 4) == size - l3 - 40;
        }
        l4ok &= l4_csum_ok(s, size, l3, l4, v4, tcp ? 6 : 17);
        if (tcp) {
            uint8_t want_flags = flags;

            seqs &= be32(s + l4 + 4) == 0xffffff00u + (uint32_t) i * mss;
            seqs &= be32(s + l4 + 8) == be32(f + l4 + 8);
            if (i + 1 < n) {
                want_flags &= ~(0x08 | 0x01);
            }
            if (i > 0) {
                want_flags &= ~0x80;
            }
            flagsok &= s[l4 + 13] == want_flags;
        } else {
            seqs &= be16(s + l4 + 4) == 8 + len;
        }
        meta &= !dp_packet_has_offload(segs[i]) && segs[i]->in_port == 3;
        memcpy(joined + got_payload, s + l4 + hl, len);
        got_payload += len;
    }
    ok(sizes, "%s: segment sizes", what);
    ok(hdrs, "%s: Ethernet and tags copied", what);
    ok(l3ok, "%s: IP lengths%s", what, v4 ? ", ids and checksums" : "");
    ok(l4ok, "%s: %s checksums valid", what, tcp ? "TCP" : "UDP");
    ok(seqs, "%s: %s", what, tcp ? "sequence numbers" : "UDP lengths");
    if (tcp) {
        ok(flagsok, "%s: FIN/PSH last, CWR first", what);
    }
    ok(meta, "%s: no offload metadata, in_port kept", what);
    ok(got_payload == payload
       && !memcmp(joined, f + l4 + hl, payload), "%s: payload intact",
       what);
    for (int i = 0; i < n; i++) {
        dp_packet_delete(segs[i]);
    }
    g_free(segs);
    g_free(joined);
    dp_packet_delete(p);
}

static void
test_segmentation(void)
{
    struct dp_packet *p, **segs = NULL;
    size_t l3, l4;

    check_segmentation("TSO IPv4", true, true, 0, 10000, 1448, 0);
    check_segmentation("TSO IPv6 tagged", false, true, 1, 65000, 1428, 0);
    check_segmentation("TSO IPv4 two tags", true, true, 2, 4000, 1000, 0);
    check_segmentation("USO IPv4", true, false, 0, 5000, 1472, 0);
    check_segmentation("USO IPv6", false, false, 0, 3001, 1000, 0);
    check_segmentation("TSO, one segment", true, true, 0, 500, 1448, 0);
    check_segmentation("TSO, no payload", true, true, 0, 0, 1448, 0);
    check_segmentation("TSO IPv4 cut to MTU 1000", true, true, 1, 10000,
                       1448, 1000);
    check_segmentation("USO IPv6 cut to MTU 1280", false, false, 0, 9000,
                       8952, 1280);
    check_segmentation("TSO IPv4, MTU larger than needed", true, true, 0,
                       10000, 1448, 9000);

    /* ECN flag in the GSO type, and the TCPv4 type with an IPv6 packet
     * (the headers decide). */
    p = make_super(true, true, 0, 3000, 1000, 0x10, &l3, &l4);
    p->vnet.gso_type |= VIRTIO_NET_HDR_GSO_ECN;
    is_int(netdev_offload_segment(p, 0, &segs), 3, "TSO with the ECN bit");
    for (int i = 0; i < 3; i++) {
        dp_packet_delete(segs[i]);
    }
    g_free(segs);
    segs = NULL;

    /* Failures. */
    is_int(netdev_offload_segment(p, 40, &segs), -EINVAL,
           "MTU too small for the headers");
    p->vnet.gso_size = 0;
    is_int(netdev_offload_segment(p, 0, &segs), -EINVAL, "gso_size 0");
    p->vnet.gso_size = 1000;
    p->vnet.gso_type = VIRTIO_NET_HDR_GSO_UDP;
    is_int(netdev_offload_segment(p, 0, &segs), -EOPNOTSUPP, "UFO refused");
    p->vnet.gso_type = VIRTIO_NET_HDR_GSO_NONE;
    is_int(netdev_offload_segment(p, 0, &segs), -EOPNOTSUPP, "not GSO");
    is_int(netdev_offload_gso_ip_len(p), -EINVAL, "not GSO: no gso_ip_len");
    p->vnet.gso_type = VIRTIO_NET_HDR_GSO_UDP_L4;
    is_int(netdev_offload_segment(p, 0, &segs), -EINVAL,
           "USO type on a TCP packet");
    p->vnet.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
    p->size = l4 + 10;
    is_int(netdev_offload_segment(p, 0, &segs), -EINVAL, "TCP header cut");
    p->size = 13;
    is_int(netdev_offload_segment(p, 0, &segs), -EINVAL, "runt");
    p->size = 3000;
    dp_packet_data(p)[12] = 0x08;
    dp_packet_data(p)[13] = 0x06;
    is_int(netdev_offload_segment(p, 0, &segs), -EINVAL, "not IP");
    ok(!segs, "failures do not write the segments");
    dp_packet_delete(p);

    p = make_super(true, true, 0, 3000, 1000, 0x10, &l3, &l4);
    set_be16(dp_packet_data(p) + l3 + 6, 0x2000);      /* MF */
    is_int(netdev_offload_segment(p, 0, &segs), -EINVAL, "IPv4 fragment");
    dp_packet_delete(p);
}

int
main(void)
{
    test_basics();
    test_vlan();
    test_csum();
    test_segmentation();
    return done_testing();
}
