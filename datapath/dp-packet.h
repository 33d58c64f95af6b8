/* dp-packet.h -- one packet inside the userspace datapath.
 *
 * A dp_packet is an Ethernet frame (no FCS) in a buffer with headroom, so
 * that an 802.1Q tag can be pushed without moving the payload, plus the
 * offload metadata the kernel handed us with it: a virtio-net header
 * (struct virtio_net_hdr, as read from AF_PACKET with PACKET_VNET_HDR or
 * from a TAP with IFF_VNET_HDR).  The header travels with the frame
 * unchanged, except that pushing or popping a VLAN tag shifts its offsets
 * (csum_start, hdr_len) by 4, so a checksum-offloaded or GSO packet stays
 * valid on every port it leaves by.
 *
 * Ports (datapath/netdev.h) fill packets; the forwarding code
 * (datapath/flow.h and the rest) reads them; nobody else owns one. */
#ifndef DATAPATH_DP_PACKET_H
#define DATAPATH_DP_PACKET_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/virtio_net.h>

/* Room in front of the frame: enough for two VLAN tags. */
#define DP_PACKET_HEADROOM 64

/* Largest frame a port hands over: a 64 KiB GSO super-packet plus an
 * Ethernet header and two tags. */
#define DP_PACKET_MAX_FRAME (65536 + 14 + 8)

struct dp_packet {
    uint8_t *base;              /* start of the buffer (owned) */
    uint32_t allocated;         /* size of the buffer */
    uint32_t ofs;               /* frame starts at base + ofs */
    uint32_t size;              /* frame length in bytes */
    uint32_t in_port;           /* datapath port number it arrived on */
    struct virtio_net_hdr vnet; /* offload metadata; all zero: none */
};

/* Largest number of packets one batch carries. */
#define DP_PACKET_BATCH_MAX 32

struct dp_packet_batch {
    unsigned int count;
    struct dp_packet *packets[DP_PACKET_BATCH_MAX];
};

/* Allocates a packet with room for 'frame_room' bytes of frame after
 * DP_PACKET_HEADROOM.  Never returns NULL (allocation failure aborts). */
struct dp_packet *dp_packet_new(uint32_t frame_room);
void dp_packet_delete(struct dp_packet *); /* accepts NULL */

/* A copy of 'p' (frame, metadata, header) in a new packet. */
struct dp_packet *dp_packet_clone(const struct dp_packet *p);

/* Resets 'p' to an empty frame at the default headroom, no metadata. */
void dp_packet_clear(struct dp_packet *p);

static inline uint8_t *
dp_packet_data(const struct dp_packet *p)
{
    return p->base + p->ofs;
}

/* Frame room left after the current frame's start. */
static inline uint32_t
dp_packet_tailroom(const struct dp_packet *p)
{
    return p->allocated - p->ofs;
}

/* Whether the packet carries offload work for whoever sends it next
 * (a partial checksum or a GSO type). */
static inline bool
dp_packet_has_offload(const struct dp_packet *p)
{
    return p->vnet.flags != 0 || p->vnet.gso_type != VIRTIO_NET_HDR_GSO_NONE;
}

/* Copies 'len' bytes of frame into 'p' (replacing its frame; metadata is
 * kept).  Returns 0, or -EMSGSIZE if it does not fit. */
int dp_packet_put_frame(struct dp_packet *p, const void *frame, uint32_t len);

/* Inserts an 802.1Q tag (TPID 0x8100, TCI 'tci', host order) after the
 * MAC addresses and shifts the offload offsets.  Returns 0, or -EINVAL for
 * a frame shorter than 14 bytes, or -ENOSPC without headroom. */
int dp_packet_push_vlan(struct dp_packet *p, uint16_t tci);

/* Removes the outermost 802.1Q tag, if there is one, and shifts the
 * offload offsets back.  Returns the removed TCI (host order), or -ENOENT
 * if the frame is not tagged. */
int dp_packet_pop_vlan(struct dp_packet *p);

#endif /* datapath/dp-packet.h */
