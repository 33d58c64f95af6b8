/* netdev-offload.h -- offload work done in software, for ports that cannot
 * take a packet's virtio-net header as it is.
 *
 * A packet received with VIRTIO_NET_HDR_F_NEEDS_CSUM carries a partial
 * checksum: the pseudo-header sum sits at csum_start + csum_offset and the
 * sum over the rest of the packet from csum_start is still to be added.  A
 * GSO packet (VIRTIO_NET_HDR_GSO_TCPV4, _TCPV6, _UDP_L4) is a super-packet
 * of up to 64 KiB still to be cut into gso_size pieces.  netdev.c calls
 * these when a port lacks the matching DP_NETDEV_TX_* offload, or when a
 * GSO packet's segments would not fit the port's MTU. */
#ifndef DATAPATH_NETDEV_OFFLOAD_H
#define DATAPATH_NETDEV_OFFLOAD_H 1

#include <stddef.h>
#include <stdint.h>

#include "dp-packet.h"

/* UDP segmentation offload (Linux 6.2 headers and later). */
#ifndef VIRTIO_NET_HDR_GSO_UDP_L4
#define VIRTIO_NET_HDR_GSO_UDP_L4 5
#endif

/* The Internet checksum (RFC 1071) of 'len' bytes at 'data': the one's
 * complement of their one's complement sum of 16-bit big-endian words, as
 * a number; stored big-endian (htons) into a checksum field that was zero,
 * it makes the bytes sum to zero. */
uint16_t netdev_offload_csum(const void *data, size_t len);

/* Completes the partial checksum of 'p' if its header says
 * VIRTIO_NET_HDR_F_NEEDS_CSUM, and then clears its virtio-net header's
 * flags and checksum offsets (a zero checksum result is stored as 0xffff,
 * which UDP requires and TCP accepts).  GSO fields are left alone.
 * Returns 0 (also when there was nothing to do), or -EINVAL if the
 * offsets fall outside the frame (then 'p' is unchanged). */
int netdev_offload_complete_csum(struct dp_packet *p);

/* Cuts GSO packet 'p' (TCP over IPv4 or IPv6, or UDP_L4 over either,
 * behind any number of 802.1Q/802.1ad tags) into segments of at most
 * gso_size bytes of payload each, and fewer if needed for each segment's
 * IP packet to fit in 'mtu' bytes (0: no limit), setting in each the IPv4
 * total length, identification (incremented per segment) and header
 * checksum, or the IPv6 payload length; the TCP sequence number and flags
 * (FIN and PSH only on the last segment, CWR only on the first), or the
 * UDP length; and the complete TCP or UDP checksum.  The segments have no
 * offload metadata and keep 'p''s in_port.
 *
 * On success stores a newly allocated array of the segments in '*segsp'
 * and returns how many there are (>= 1); the caller owns the array
 * (g_free) and the segments (dp_packet_delete).  Returns -EINVAL for a
 * malformed packet, a zero gso_size or an 'mtu' too small for the headers,
 * -EOPNOTSUPP for a GSO type it cannot do (legacy UDP fragmentation
 * offload, VIRTIO_NET_HDR_GSO_UDP) or a packet without GSO; '*segsp' is
 * then not written. */
int netdev_offload_segment(const struct dp_packet *p, uint32_t mtu,
                           struct dp_packet ***segsp);

/* The size of the IP packet in the largest segment that GSO packet 'p'
 * would be cut into (IP and L4 headers plus gso_size), to compare with an
 * MTU.  Returns it, or -EINVAL if 'p' is not a GSO packet this file can
 * parse. */
int netdev_offload_gso_ip_len(const struct dp_packet *p);

#endif /* datapath/netdev-offload.h */
