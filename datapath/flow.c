/* flow.c -- flow keys: extraction from frames, hashing, MAC helpers.
 *
 * This is the bottom of the forwarding code: every other part
 * (mac-learning.c, vlan.c, flow-table.c, bond.c) works on the struct flow
 * built here and on its hashes.  Extraction is a single bounds-checked pass
 * over the frame; nothing here allocates or keeps state.  The packet itself
 * (dp-packet.h) is only read, through its inline accessors. */
#include <config.h>

#include "flow.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "dp-packet.h"

#define ETH_TYPE_SNAP_MIN 0x0600 /* smaller "types" are 802.3 lengths */
#define ETH_TYPE_RARP 0x8035

#define IP_PROTO_ICMP 1
#define IP_PROTO_TCP 6
#define IP_PROTO_UDP 17

/* ------------------------------------------------------------------------
 * Reading the frame. */

static uint16_t
get_be16(const uint8_t *p)
{
    return (uint16_t) (p[0] << 8 | p[1]);
}

static uint32_t
get_be32(const uint8_t *p)
{
    return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16
           | (uint32_t) p[2] << 8 | p[3];
}

/* The IPv4 header at 'l3' ('avail' bytes of frame left): network and
 * transport fields. */
static void
extract_ipv4(const uint8_t *l3, size_t avail, struct flow *key)
{
    size_t ihl, tot_len;
    uint16_t frag_off;
    const uint8_t *l4;
    size_t l4_len;

    if (avail < 20 || l3[0] >> 4 != 4) {
        return;
    }
    ihl = (size_t) (l3[0] & 0x0f) * 4;
    tot_len = get_be16(l3 + 2);
    if (ihl < 20 || ihl > avail || tot_len < ihl) {
        return;
    }
    /* Ethernet padding after a short datagram is not transport header. */
    if (tot_len < avail) {
        avail = tot_len;
    }

    key->nw_proto = l3[9];
    key->nw_src = get_be32(l3 + 12);
    key->nw_dst = get_be32(l3 + 16);

    frag_off = get_be16(l3 + 6) & 0x1fff;
    if (frag_off) {
        return;                 /* A later fragment: no transport header. */
    }
    l4 = l3 + ihl;
    l4_len = avail - ihl;
    switch (key->nw_proto) {
    case IP_PROTO_TCP:
        if (l4_len >= 20) {
            key->tp_src = get_be16(l4);
            key->tp_dst = get_be16(l4 + 2);
        }
        break;
    case IP_PROTO_UDP:
        if (l4_len >= 8) {
            key->tp_src = get_be16(l4);
            key->tp_dst = get_be16(l4 + 2);
        }
        break;
    case IP_PROTO_ICMP:
        if (l4_len >= 4) {
            key->tp_src = l4[0];
            key->tp_dst = l4[1];
        }
        break;
    default:
        break;
    }
}

/* The ARP (or RARP) packet at 'l3': Ethernet/IPv4 ARP only. */
static void
extract_arp(const uint8_t *l3, size_t avail, struct flow *key)
{
    uint16_t op;

    if (avail < 28 || get_be16(l3) != 1 || get_be16(l3 + 2) != ETH_P_IP
        || l3[4] != ETH_ALEN || l3[5] != 4) {
        return;
    }
    op = get_be16(l3 + 6);
    key->nw_proto = op <= 0xff ? op : 0;
    key->nw_src = get_be32(l3 + 14);
    key->nw_dst = get_be32(l3 + 24);
}

int
flow_extract_frame(const void *frame, size_t len, uint32_t in_port,
                   struct flow *key)
{
    const uint8_t *f = frame;
    struct flow k;
    size_t ofs;
    uint16_t type;

    if (len < ETH_HLEN) {
        return -EINVAL;
    }
    memset(&k, 0, sizeof k);
    k.in_port = in_port;
    memcpy(k.dl_dst, f, ETH_ALEN);
    memcpy(k.dl_src, f + ETH_ALEN, ETH_ALEN);
    type = get_be16(f + 12);
    ofs = ETH_HLEN;

    if (type == ETH_P_8021Q || type == ETH_P_8021AD) {
        uint16_t tci;

        if (len < ofs + 4) {
            return -EINVAL;
        }
        tci = get_be16(f + ofs);
        k.vlan_present = true;
        k.vlan_pcp = tci >> 13;
        k.vlan_vid = tci & 0x0fff;
        type = get_be16(f + ofs + 2);
        ofs += 4;
    }

    if (type < ETH_TYPE_SNAP_MIN) {
        /* 802.2 LLC; SNAP with a zero OUI carries an EtherType. */
        const uint8_t *llc = f + ofs;

        if (len >= ofs + 8 && llc[0] == 0xaa && llc[1] == 0xaa
            && llc[2] == 0x03 && !llc[3] && !llc[4] && !llc[5]) {
            type = get_be16(llc + 6);
            ofs += 8;
        } else {
            type = FLOW_DL_TYPE_NONE;
        }
    }
    k.dl_type = type;

    if (type == ETH_P_IP) {
        extract_ipv4(f + ofs, len - ofs, &k);
    } else if (type == ETH_P_ARP || type == ETH_TYPE_RARP) {
        extract_arp(f + ofs, len - ofs, &k);
    }
    *key = k;
    return 0;
}

int
flow_extract(const struct dp_packet *p, struct flow *key)
{
    return flow_extract_frame(dp_packet_data(p), p->size, p->in_port, key);
}

uint16_t
flow_vlan_tci(const struct flow *key)
{
    if (!key->vlan_present) {
        return 0;
    }
    return FLOW_VLAN_PRESENT | (uint16_t) (key->vlan_pcp & 7) << 13
           | (key->vlan_vid & 0x0fff);
}

bool
flow_equal(const struct flow *a, const struct flow *b)
{
    return (a->in_port == b->in_port
            && !memcmp(a->dl_dst, b->dl_dst, ETH_ALEN)
            && !memcmp(a->dl_src, b->dl_src, ETH_ALEN)
            && a->vlan_present == b->vlan_present
            && a->vlan_pcp == b->vlan_pcp && a->vlan_vid == b->vlan_vid
            && a->dl_type == b->dl_type && a->nw_proto == b->nw_proto
            && a->nw_src == b->nw_src && a->nw_dst == b->nw_dst
            && a->tp_src == b->tp_src && a->tp_dst == b->tp_dst);
}

/* ------------------------------------------------------------------------
 * Hashing: the MurmurHash3 (32-bit) mixing steps, one word at a time. */

static uint32_t
hash_rot(uint32_t x, int k)
{
    return (x << k) | (x >> (32 - k));
}

static uint32_t
hash_add(uint32_t hash, uint32_t data)
{
    data *= 0xcc9e2d51;
    data = hash_rot(data, 15);
    data *= 0x1b873593;
    hash ^= data;
    hash = hash_rot(hash, 13);
    return hash * 5 + 0xe6546b64;
}

static uint32_t
hash_finish(uint32_t hash, uint32_t n_bytes)
{
    hash ^= n_bytes;
    hash ^= hash >> 16;
    hash *= 0x85ebca6b;
    hash ^= hash >> 13;
    hash *= 0xc2b2ae35;
    hash ^= hash >> 16;
    return hash;
}

static uint32_t
mac_word_hi(const uint8_t mac[ETH_ALEN])
{
    return (uint32_t) mac[0] << 24 | (uint32_t) mac[1] << 16
           | (uint32_t) mac[2] << 8 | mac[3];
}

static uint32_t
mac_word_lo(const uint8_t mac[ETH_ALEN])
{
    return (uint32_t) mac[4] << 8 | mac[5];
}

uint32_t
flow_hash_u32(uint32_t word, uint32_t basis)
{
    return hash_finish(hash_add(basis, word), 4);
}

uint32_t
flow_hash_mac_vlan(const uint8_t mac[ETH_ALEN], uint16_t vlan,
                   uint32_t basis)
{
    uint32_t h = basis;

    h = hash_add(h, mac_word_hi(mac));
    h = hash_add(h, mac_word_lo(mac) << 16 | (vlan & 0x0fff));
    return hash_finish(h, 8);
}

uint32_t
flow_hash(const struct flow *key, uint32_t basis)
{
    uint32_t h = basis;

    h = hash_add(h, key->in_port);
    h = hash_add(h, mac_word_hi(key->dl_dst));
    h = hash_add(h, mac_word_lo(key->dl_dst) << 16
                        | mac_word_lo(key->dl_src));
    h = hash_add(h, mac_word_hi(key->dl_src));
    h = hash_add(h, (uint32_t) flow_vlan_tci(key) << 16 | key->dl_type);
    h = hash_add(h, key->nw_proto);
    h = hash_add(h, key->nw_src);
    h = hash_add(h, key->nw_dst);
    h = hash_add(h, (uint32_t) key->tp_src << 16 | key->tp_dst);
    return hash_finish(h, 36);
}

/* ------------------------------------------------------------------------
 * Classifying and spelling MAC addresses. */

bool
flow_is_gratuitous_arp(const struct flow *key)
{
    if (key->dl_type != ETH_P_ARP || !flow_mac_is_broadcast(key->dl_dst)) {
        return false;
    }
    return (key->nw_proto == 2
            || (key->nw_proto == 1 && key->nw_src == key->nw_dst));
}

bool
flow_mac_is_multicast(const uint8_t mac[ETH_ALEN])
{
    return mac[0] & 1;
}

bool
flow_mac_is_broadcast(const uint8_t mac[ETH_ALEN])
{
    static const uint8_t bcast[ETH_ALEN] = {0xff, 0xff, 0xff,
                                            0xff, 0xff, 0xff};

    return !memcmp(mac, bcast, ETH_ALEN);
}

bool
flow_mac_is_zero(const uint8_t mac[ETH_ALEN])
{
    static const uint8_t zero[ETH_ALEN];

    return !memcmp(mac, zero, ETH_ALEN);
}

static int
hex_digit(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    } else if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

int
flow_mac_from_string(const char *s, uint8_t mac[ETH_ALEN])
{
    uint8_t m[ETH_ALEN];

    for (int i = 0; i < ETH_ALEN; i++) {
        int hi = hex_digit(*s);
        int lo;

        if (hi < 0) {
            return -EINVAL;
        }
        s++;
        lo = hex_digit(*s);
        if (lo >= 0) {
            m[i] = (uint8_t) (hi << 4 | lo);
            s++;
        } else {
            m[i] = (uint8_t) hi;
        }
        if (i < ETH_ALEN - 1) {
            if (*s != ':') {
                return -EINVAL;
            }
            s++;
        }
    }
    if (*s) {
        return -EINVAL;
    }
    memcpy(mac, m, ETH_ALEN);
    return 0;
}

char *
flow_mac_to_string(const uint8_t mac[ETH_ALEN], char buf[FLOW_MAC_STRLEN])
{
    snprintf(buf, FLOW_MAC_STRLEN, FLOW_MAC_FMT, FLOW_MAC_ARGS(mac));
    return buf;
}

static void
put_ip(GString *out, const char *name, uint32_t ip)
{
    g_string_append_printf(out, ",%s=%u.%u.%u.%u", name, ip >> 24,
                           (ip >> 16) & 0xff, (ip >> 8) & 0xff, ip & 0xff);
}

void
flow_format(const struct flow *key, GString *out)
{
    if (key->in_port == FLOW_PORT_LOCAL) {
        g_string_append(out, "in_port=LOCAL");
    } else {
        g_string_append_printf(out, "in_port=%" PRIu32, key->in_port);
    }
    if (key->vlan_present) {
        g_string_append_printf(out, ",dl_vlan=%u,dl_vlan_pcp=%u",
                               key->vlan_vid, key->vlan_pcp);
    }
    g_string_append_printf(out, ",dl_src=" FLOW_MAC_FMT
                           ",dl_dst=" FLOW_MAC_FMT ",dl_type=0x%04x",
                           FLOW_MAC_ARGS(key->dl_src),
                           FLOW_MAC_ARGS(key->dl_dst), key->dl_type);
    if (key->dl_type == ETH_P_IP || key->dl_type == ETH_P_ARP
        || key->dl_type == ETH_TYPE_RARP) {
        put_ip(out, "nw_src", key->nw_src);
        put_ip(out, "nw_dst", key->nw_dst);
        g_string_append_printf(out, ",nw_proto=%u", key->nw_proto);
    }
    if (key->dl_type == ETH_P_IP
        && (key->nw_proto == IP_PROTO_TCP || key->nw_proto == IP_PROTO_UDP
            || key->nw_proto == IP_PROTO_ICMP)) {
        g_string_append_printf(out, ",tp_src=%u,tp_dst=%u", key->tp_src,
                               key->tp_dst);
    }
}
