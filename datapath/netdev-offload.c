/* netdev-offload.c -- checksum completion and segmentation in software
 * (netdev-offload.h).
 *
 * The kernel hands the datapath packets whose checksum or segmentation is
 * left for later (dp-packet.h's virtio-net header).  Every system and
 * internal port can pass that work on to the kernel, so this code runs only
 * when a packet must leave by a port that cannot (netdev.c decides, per
 * port, from its DP_NETDEV_TX_* offloads).  It parses just what it needs --
 * Ethernet with its tags, IPv4 or IPv6 with extension headers, TCP or UDP
 * -- and writes each header field the segments need, much as the kernel's
 * skb_segment() and tcp_gso_segment() do. */
#include <config.h>

#include "netdev-offload.h"

#include <errno.h>
#include <glib.h>
#include <string.h>

#define ETH_HDR_LEN 14
#define ETH_TYPE_IPV4 0x0800
#define ETH_TYPE_IPV6 0x86dd
#define ETH_TYPE_VLAN 0x8100
#define ETH_TYPE_VLAN_8021AD 0x88a8

#define IP_PROTO_TCP 6
#define IP_PROTO_UDP 17

#define TCP_FIN 0x01
#define TCP_PSH 0x08
#define TCP_CWR 0x80

static inline uint16_t
get_be16(const uint8_t *p)
{
    return (p[0] << 8) | p[1];
}

static inline uint32_t
get_be32(const uint8_t *p)
{
    return ((uint32_t) p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3];
}

static inline void
put_be16(uint8_t *p, uint16_t v)
{
    p[0] = v >> 8;
    p[1] = v;
}

static inline void
put_be32(uint8_t *p, uint32_t v)
{
    p[0] = v >> 24;
    p[1] = v >> 16;
    p[2] = v >> 8;
    p[3] = v;
}

/* Adds 'len' bytes at 'data' to the running one's complement sum 'sum' of
 * big-endian 16-bit words.  Only the last chunk of a sum may have an odd
 * length. */
static uint64_t
csum_add(uint64_t sum, const uint8_t *data, size_t len)
{
    while (len >= 4) {
        sum += get_be32(data);
        data += 4;
        len -= 4;
    }
    if (len >= 2) {
        sum += get_be16(data);
        data += 2;
        len -= 2;
    }
    if (len) {
        sum += (uint32_t) data[0] << 8;
    }
    return sum;
}

/* Folds 'sum' to 16 bits and complements it. */
static uint16_t
csum_finish(uint64_t sum)
{
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return ~sum & 0xffff;
}

uint16_t
netdev_offload_csum(const void *data, size_t len)
{
    return csum_finish(csum_add(0, data, len));
}

int
netdev_offload_complete_csum(struct dp_packet *p)
{
    struct virtio_net_hdr *v = &p->vnet;
    uint8_t *frame = dp_packet_data(p);
    uint32_t start, field;
    uint16_t csum;

    if (!(v->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)) {
        v->flags = 0;
        return 0;
    }
    start = v->csum_start;
    field = start + v->csum_offset;
    if (start >= p->size || field + 2 > p->size) {
        return -EINVAL;
    }
    /* The field holds the pseudo-header sum already: sum it along. */
    csum = csum_finish(csum_add(0, frame + start, p->size - start));
    put_be16(frame + field, csum ? csum : 0xffff);
    v->flags = 0;
    v->csum_start = 0;
    v->csum_offset = 0;
    return 0;
}

/* Where the headers of a frame are. */
struct layout {
    uint32_t l3;                /* IP header offset. */
    uint32_t l4;                /* TCP or UDP header offset. */
    uint32_t hdrs;              /* Offset of the payload. */
    bool ipv4;
    uint8_t proto;              /* IP_PROTO_TCP or IP_PROTO_UDP. */
};

/* Finds the headers of the frame 'f' of 'size' bytes.  Returns 0 or
 * -EINVAL. */
static int
parse_layout(const uint8_t *f, uint32_t size, struct layout *lo)
{
    uint32_t ofs = 12;
    uint16_t type;

    if (size < ETH_HDR_LEN) {
        return -EINVAL;
    }
    type = get_be16(f + ofs);
    while (type == ETH_TYPE_VLAN || type == ETH_TYPE_VLAN_8021AD) {
        ofs += 4;
        if (ofs + 2 > size) {
            return -EINVAL;
        }
        type = get_be16(f + ofs);
    }
    lo->l3 = ofs + 2;

    if (type == ETH_TYPE_IPV4) {
        uint32_t ihl;

        if (lo->l3 + 20 > size || f[lo->l3] >> 4 != 4) {
            return -EINVAL;
        }
        ihl = (f[lo->l3] & 0xf) * 4;
        if (ihl < 20 || lo->l3 + ihl > size) {
            return -EINVAL;
        }
        if (get_be16(f + lo->l3 + 6) & 0x3fff) {
            return -EINVAL;     /* A fragment. */
        }
        lo->ipv4 = true;
        lo->proto = f[lo->l3 + 9];
        lo->l4 = lo->l3 + ihl;
    } else if (type == ETH_TYPE_IPV6) {
        uint32_t next = lo->l3 + 40;
        uint8_t nh;

        if (next > size || f[lo->l3] >> 4 != 6) {
            return -EINVAL;
        }
        nh = f[lo->l3 + 6];
        /* Hop-by-hop, routing and destination options may come first. */
        while (nh == 0 || nh == 43 || nh == 60) {
            if (next + 8 > size) {
                return -EINVAL;
            }
            nh = f[next];
            next += (f[next + 1] + 1) * 8;
        }
        lo->ipv4 = false;
        lo->proto = nh;
        lo->l4 = next;
    } else {
        return -EINVAL;
    }

    if (lo->proto == IP_PROTO_TCP) {
        uint32_t thl;

        if (lo->l4 + 20 > size) {
            return -EINVAL;
        }
        thl = (f[lo->l4 + 12] >> 4) * 4;
        if (thl < 20) {
            return -EINVAL;
        }
        lo->hdrs = lo->l4 + thl;
    } else if (lo->proto == IP_PROTO_UDP) {
        lo->hdrs = lo->l4 + 8;
    } else {
        return -EINVAL;
    }
    return lo->hdrs <= size ? 0 : -EINVAL;
}

/* The one's complement sum of the pseudo-header of an L4 segment of
 * 'l4_len' bytes in frame 'f' laid out as 'lo'. */
static uint64_t
pseudo_header_sum(const uint8_t *f, const struct layout *lo, uint32_t l4_len)
{
    uint64_t sum;

    if (lo->ipv4) {
        sum = csum_add(0, f + lo->l3 + 12, 8);  /* Source, destination. */
    } else {
        sum = csum_add(0, f + lo->l3 + 8, 32);
    }
    return sum + lo->proto + l4_len;
}

int
netdev_offload_gso_ip_len(const struct dp_packet *p)
{
    struct layout lo;

    if (p->vnet.gso_type == VIRTIO_NET_HDR_GSO_NONE
        || parse_layout(dp_packet_data(p), p->size, &lo)) {
        return -EINVAL;
    }
    return lo.hdrs - lo.l3 + MIN(p->vnet.gso_size, p->size - lo.hdrs);
}

int
netdev_offload_segment(const struct dp_packet *p, uint32_t mtu,
                       struct dp_packet ***segsp)
{
    const uint8_t *f = dp_packet_data(p);
    uint8_t gso = p->vnet.gso_type & ~VIRTIO_NET_HDR_GSO_ECN;
    uint32_t mss = p->vnet.gso_size;
    struct dp_packet **segs;
    uint32_t payload, n, i;
    uint16_t ip_id = 0;
    uint32_t seq = 0;
    struct layout lo;
    int error;

    if (gso != VIRTIO_NET_HDR_GSO_TCPV4 && gso != VIRTIO_NET_HDR_GSO_TCPV6
        && gso != VIRTIO_NET_HDR_GSO_UDP_L4) {
        return -EOPNOTSUPP;
    }
    error = parse_layout(f, p->size, &lo);
    if (error) {
        return error;
    }
    if (!mss || (gso == VIRTIO_NET_HDR_GSO_UDP_L4) != (lo.proto
                                                        == IP_PROTO_UDP)) {
        return -EINVAL;
    }
    if (mtu) {
        if (mtu <= lo.hdrs - lo.l3) {
            return -EINVAL;
        }
        mss = MIN(mss, mtu - (lo.hdrs - lo.l3));
    }

    payload = p->size - lo.hdrs;
    n = payload ? (payload + mss - 1) / mss : 1;
    segs = g_new(struct dp_packet *, n);
    if (lo.ipv4) {
        ip_id = get_be16(f + lo.l3 + 4);
    }
    if (lo.proto == IP_PROTO_TCP) {
        seq = get_be32(f + lo.l4 + 4);
    }

    for (i = 0; i < n; i++) {
        uint32_t ofs = i * mss;
        uint32_t len = MIN(mss, payload - ofs);
        struct dp_packet *s = dp_packet_new(lo.hdrs + len);
        uint32_t l4_len = lo.hdrs - lo.l4 + len;
        uint8_t *sf = dp_packet_data(s);
        uint8_t *ip = sf + lo.l3;
        uint8_t *l4 = sf + lo.l4;
        uint64_t sum;
        uint16_t csum;
        uint32_t csum_field;

        memcpy(sf, f, lo.hdrs);
        memcpy(sf + lo.hdrs, f + lo.hdrs + ofs, len);
        s->size = lo.hdrs + len;
        s->in_port = p->in_port;

        if (lo.ipv4) {
            put_be16(ip + 2, s->size - lo.l3);
            put_be16(ip + 4, ip_id + i);
            put_be16(ip + 10, 0);
            put_be16(ip + 10, netdev_offload_csum(ip, lo.l4 - lo.l3));
        } else {
            put_be16(ip + 4, s->size - lo.l3 - 40);
        }

        if (lo.proto == IP_PROTO_TCP) {
            put_be32(l4 + 4, seq + ofs);
            if (i + 1 < n) {
                l4[13] &= ~(TCP_FIN | TCP_PSH);
            }
            if (i > 0) {
                l4[13] &= ~TCP_CWR;
            }
            csum_field = 16;
        } else {
            put_be16(l4 + 4, l4_len);
            csum_field = 6;
        }
        put_be16(l4 + csum_field, 0);
        sum = pseudo_header_sum(sf, &lo, l4_len);
        csum = csum_finish(csum_add(sum, l4, l4_len));
        if (!csum && lo.proto == IP_PROTO_UDP) {
            csum = 0xffff;
        }
        put_be16(l4 + csum_field, csum);
        segs[i] = s;
    }
    *segsp = segs;
    return n;
}
