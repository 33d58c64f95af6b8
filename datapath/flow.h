/* flow.h -- the flow key of a packet: the header fields the forwarding
 * code decides on, pulled out of a frame once.
 *
 * A key holds the OpenFlow 1.0 fields (input port, Ethernet addresses, the
 * outer VLAN tag, EtherType, IPv4 or ARP addresses and protocol, TCP/UDP
 * ports or ICMP type and code).  Numbers are in host byte order; MAC
 * addresses are 6 bytes in wire order.  MAC learning, VLANs, the flow table
 * and bonds (mac-learning.h, vlan.h, flow-table.h, bond.h) all work on keys,
 * never on raw frames. */
#ifndef DATAPATH_FLOW_H
#define DATAPATH_FLOW_H 1

#include <glib.h>
#include <linux/if_ether.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dp_packet;

/* OpenFlow 1.0 port numbers.  Ports the switch numbers itself are below
 * FLOW_PORT_MAX; the rest are the reserved ports, as in ovs-ofctl. */
#define FLOW_PORT_MAX        0xff00
#define FLOW_PORT_IN_PORT    0xfff8
#define FLOW_PORT_NORMAL     0xfffa
#define FLOW_PORT_FLOOD      0xfffb
#define FLOW_PORT_ALL        0xfffc
#define FLOW_PORT_CONTROLLER 0xfffd
#define FLOW_PORT_LOCAL      0xfffe /* the bridge's own (internal) port */
#define FLOW_PORT_NONE       0xffff

/* dl_type of an 802.2 (LLC) frame that carries no SNAP EtherType. */
#define FLOW_DL_TYPE_NONE 0x05ff

/* The presence bit in a TCI as flow_vlan_tci() returns it. */
#define FLOW_VLAN_PRESENT 0x1000

#define FLOW_MAC_FMT "%02x:%02x:%02x:%02x:%02x:%02x"
#define FLOW_MAC_ARGS(M) (M)[0], (M)[1], (M)[2], (M)[3], (M)[4], (M)[5]
#define FLOW_MAC_STRLEN 18 /* "aa:bb:cc:dd:ee:ff" and a NUL */

struct flow {
    uint32_t in_port;           /* port the frame arrived on */
    uint8_t dl_dst[ETH_ALEN];
    uint8_t dl_src[ETH_ALEN];
    bool vlan_present;          /* an 802.1Q (or 802.1ad) tag was there */
    uint8_t vlan_pcp;           /* 0..7, 0 if untagged */
    uint16_t vlan_vid;          /* 0..4095, 0 if untagged */
    uint16_t dl_type;           /* EtherType after the tag */
    uint8_t nw_proto;           /* IPv4 protocol; ARP opcode (if < 256) */
    uint32_t nw_src;            /* IPv4 source; ARP sender address */
    uint32_t nw_dst;            /* IPv4 destination; ARP target address */
    uint16_t tp_src;            /* TCP/UDP source port; ICMP type */
    uint16_t tp_dst;            /* TCP/UDP destination port; ICMP code */
};

/* Extracts the key of the 'len'-byte Ethernet frame at 'frame' (no FCS),
 * which arrived on port 'in_port'.  Reads nothing past 'len'.
 *
 * Returns 0 when the Ethernet header (and the VLAN tag, if the EtherType
 * announces one) is complete: '*key' is then fully written, with every
 * field of a missing, truncated or malformed upper layer left 0 (a short
 * IPv4 header leaves nw_* and tp_* at 0, a short TCP header only tp_*).
 * Returns -EINVAL, leaving '*key' untouched, for a frame too short for its
 * Ethernet header or VLAN tag.
 *
 * Only the outermost tag is parsed (TPID 0x8100 or 0x88a8); dl_type is the
 * EtherType after it, so a double-tagged frame has dl_type 0x8100.  An
 * 802.2 frame gets its SNAP EtherType, or FLOW_DL_TYPE_NONE.  IPv4 ports
 * are read only from a first (or only) fragment.  For IPv6 only dl_type is
 * set. */
int flow_extract_frame(const void *frame, size_t len, uint32_t in_port,
                       struct flow *key);

/* flow_extract_frame() on the frame of 'p', with in_port = p->in_port.
 * The caller numbers datapath ports as OpenFlow ports (the bridge's
 * internal port as FLOW_PORT_LOCAL), or overwrites key->in_port. */
int flow_extract(const struct dp_packet *p, struct flow *key);

/* The TCI of 'key' in the form the flow table matches on: 0 for an
 * untagged frame, else FLOW_VLAN_PRESENT | pcp << 13 | vid. */
uint16_t flow_vlan_tci(const struct flow *key);

/* True if every field of 'a' and 'b' is the same. */
bool flow_equal(const struct flow *a, const struct flow *b);

/* A hash of every field of 'key', seeded with 'basis'. */
uint32_t flow_hash(const struct flow *key, uint32_t basis);

/* A hash of a MAC address and VLAN (0..4095), seeded with 'basis': the
 * bond's source-MAC balancing and the MAC table use it. */
uint32_t flow_hash_mac_vlan(const uint8_t mac[ETH_ALEN], uint16_t vlan,
                            uint32_t basis);

/* A hash of 32-bit 'word', seeded with 'basis'. */
uint32_t flow_hash_u32(uint32_t word, uint32_t basis);

/* True if 'key' is a gratuitous ARP: an ARP to the broadcast address that
 * is a reply, or a request for the sender's own address. */
bool flow_is_gratuitous_arp(const struct flow *key);

/* MAC address classes. */
bool flow_mac_is_multicast(const uint8_t mac[ETH_ALEN]); /* incl. bcast */
bool flow_mac_is_broadcast(const uint8_t mac[ETH_ALEN]);
bool flow_mac_is_zero(const uint8_t mac[ETH_ALEN]);

/* Parses "aa:bb:cc:dd:ee:ff" (hex digits in either case, one or two per
 * byte) into 'mac'.  Returns 0, or -EINVAL (and leaves 'mac' alone) if 's'
 * is anything else, trailing characters included. */
int flow_mac_from_string(const char *s, uint8_t mac[ETH_ALEN]);

/* Writes 'mac' as "aa:bb:cc:dd:ee:ff" into 'buf' and returns 'buf'. */
char *flow_mac_to_string(const uint8_t mac[ETH_ALEN],
                         char buf[FLOW_MAC_STRLEN]);

/* Appends 'key' to 'out' in ovs-ofctl field syntax, every field shown
 * ("in_port=1,dl_src=...,dl_dst=...,dl_type=0x0800,..."), for traces and
 * test messages. */
void flow_format(const struct flow *key, GString *out);

#endif /* datapath/flow.h */
