/* dp-packet.c -- one packet inside the userspace datapath (dp-packet.h).
 *
 * A packet is one allocation: the struct, then its buffer (headroom and
 * frame room), so that creating and deleting one costs a single malloc and
 * free.  Ports (netdev*.c) allocate packets sized to the frame they
 * receive and fill them; the forwarding code pushes and pops 802.1Q tags
 * here, and this file keeps the virtio-net header's offsets in step with
 * the frame, so that a checksum-offloaded or GSO packet stays valid on every
 * port it leaves by.  The software fallback for those offloads lives in
 * netdev-offload.c. */
#include <config.h>

#include "dp-packet.h"

#include <errno.h>
#include <glib.h>
#include <string.h>

#define ETH_ADDRS_LEN 12        /* Destination and source MAC. */
#define ETH_HDR_LEN 14
#define VLAN_HDR_LEN 4
#define TPID_8021Q 0x8100

struct dp_packet *
dp_packet_new(uint32_t frame_room)
{
    uint32_t allocated = DP_PACKET_HEADROOM + frame_room;
    struct dp_packet *p = g_malloc(sizeof *p + allocated);

    p->base = (uint8_t *) (p + 1);
    p->allocated = allocated;
    dp_packet_clear(p);
    return p;
}

void
dp_packet_delete(struct dp_packet *p)
{
    /* The buffer is part of the same allocation. */
    g_free(p);
}

struct dp_packet *
dp_packet_clone(const struct dp_packet *p)
{
    struct dp_packet *c = dp_packet_new(p->size);

    memcpy(dp_packet_data(c), dp_packet_data(p), p->size);
    c->size = p->size;
    c->in_port = p->in_port;
    c->vnet = p->vnet;
    return c;
}

void
dp_packet_clear(struct dp_packet *p)
{
    p->ofs = DP_PACKET_HEADROOM;
    p->size = 0;
    p->in_port = 0;
    memset(&p->vnet, 0, sizeof p->vnet);
}

int
dp_packet_put_frame(struct dp_packet *p, const void *frame, uint32_t len)
{
    if (len > p->allocated - DP_PACKET_HEADROOM) {
        return -EMSGSIZE;
    }
    p->ofs = DP_PACKET_HEADROOM;
    p->size = len;
    memcpy(dp_packet_data(p), frame, len);
    return 0;
}

/* Moves the offsets of 'p''s virtio-net header by 'delta' bytes (+4 or -4)
 * after a tag was pushed or popped in front of them.  Only a header that
 * asks for work (a partial checksum or GSO) has meaningful offsets; a zero
 * offset means "not given" and stays zero. */
static void
shift_offload_offsets(struct dp_packet *p, int delta)
{
    struct virtio_net_hdr *v = &p->vnet;

    if (!(v->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)
        && v->gso_type == VIRTIO_NET_HDR_GSO_NONE) {
        return;
    }
    if (v->csum_start && (int) v->csum_start + delta >= 0) {
        v->csum_start += delta;
    }
    if (v->hdr_len && (int) v->hdr_len + delta >= 0) {
        v->hdr_len += delta;
    }
}

int
dp_packet_push_vlan(struct dp_packet *p, uint16_t tci)
{
    uint8_t *eth;

    if (p->size < ETH_HDR_LEN) {
        return -EINVAL;
    }
    if (p->ofs < VLAN_HDR_LEN) {
        return -ENOSPC;
    }
    eth = dp_packet_data(p);
    memmove(eth - VLAN_HDR_LEN, eth, ETH_ADDRS_LEN);
    p->ofs -= VLAN_HDR_LEN;
    p->size += VLAN_HDR_LEN;
    eth = dp_packet_data(p);
    eth[12] = TPID_8021Q >> 8;
    eth[13] = TPID_8021Q & 0xff;
    eth[14] = tci >> 8;
    eth[15] = tci & 0xff;
    shift_offload_offsets(p, VLAN_HDR_LEN);
    return 0;
}

int
dp_packet_pop_vlan(struct dp_packet *p)
{
    uint8_t *eth = dp_packet_data(p);
    uint16_t tci;

    if (p->size < ETH_HDR_LEN + VLAN_HDR_LEN
        || ((eth[12] << 8) | eth[13]) != TPID_8021Q) {
        return -ENOENT;
    }
    tci = (eth[14] << 8) | eth[15];
    memmove(eth + VLAN_HDR_LEN, eth, ETH_ADDRS_LEN);
    p->ofs += VLAN_HDR_LEN;
    p->size -= VLAN_HDR_LEN;
    shift_offload_offsets(p, -VLAN_HDR_LEN);
    return tci;
}
