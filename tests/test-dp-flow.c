/* test-dp-flow.c -- tests of datapath/flow.c: flow keys from frames.
 *
 * A table of frames written in hex (Ethernet, 802.1Q and 802.1ad tags,
 * LLC/SNAP, ARP and RARP, IPv4 with TCP, UDP, ICMP, options and
 * fragments, IPv6, and malformed variants), each with the key it must
 * give.  Then every frame is cut at every length: the key of a cut frame
 * must be what its complete layers give, and the bytes after the cut are
 * left in place in the buffer, so reading past the length would show up as
 * fields that should be zero.  Then hashing, MAC helpers and formatting. */
#include <config.h>

#include <errno.h>
#include <glib.h>
#include <string.h>

#include "dp-packet.h"
#include "flow.h"
#include "hex.h"
#include "tap.h"

#define BCAST "ffffffffffff"
#define MAC1 "020000000001"
#define MAC2 "020000000002"

/* IPv4 headers: version/IHL, TOS, total length, id, flags/fragment,
 * TTL, protocol, checksum (not checked), source, destination. */
#define IP_TCP "4500 0028 0001 0000 40 06 0000 0a000001 0a000002"
#define TCP_80 "3039 0050 00000000 00000000 5000 2000 0000 0000"
#define IP_UDP "4500 001c 0001 0000 40 11 0000 c0a80101 c0a80102"
#define UDP_53 "d431 0035 0008 0000"

struct expect {
    int rc;
    bool vlan_present;
    uint8_t vlan_pcp;
    uint16_t vlan_vid;
    uint16_t dl_type;
    uint8_t nw_proto;
    uint32_t nw_src, nw_dst;
    uint16_t tp_src, tp_dst;
};

static const struct frame_case {
    const char *name;
    const char *hex;
    struct expect want;
} cases[] = {
    {"ARP request",
     BCAST MAC1 "0806 0001 0800 06 04 0001" MAC1 "0a000001"
     "000000000000 0a000002",
     {0, false, 0, 0, 0x0806, 1, 0x0a000001, 0x0a000002, 0, 0}},
    {"ARP reply",
     MAC2 MAC1 "0806 0001 0800 06 04 0002" MAC1 "0a000001" MAC2 "0a000002",
     {0, false, 0, 0, 0x0806, 2, 0x0a000001, 0x0a000002, 0, 0}},
    {"ARP opcode above 255 gives nw_proto 0",
     BCAST MAC1 "0806 0001 0800 06 04 0101" MAC1 "0a000001"
     "000000000000 0a000002",
     {0, false, 0, 0, 0x0806, 0, 0x0a000001, 0x0a000002, 0, 0}},
    {"ARP with 8-byte hardware addresses is not read",
     BCAST MAC1 "0806 0001 0800 08 04 0001" MAC1 "0a000001"
     "000000000000 0a000002 00000000",
     {0, false, 0, 0, 0x0806, 0, 0, 0, 0, 0}},
    {"RARP (a bond's learning packet)",
     BCAST MAC1 "8035 0001 0800 06 04 0003" MAC1 "00000000" MAC1 "00000000",
     {0, false, 0, 0, 0x8035, 3, 0, 0, 0, 0}},
    {"TCP in an 802.1Q tag, PCP 5, VID 100",
     MAC2 MAC1 "8100 a064 0800" IP_TCP TCP_80,
     {0, true, 5, 100, 0x0800, 6, 0x0a000001, 0x0a000002, 12345, 80}},
    {"UDP in an 802.1ad tag",
     MAC2 MAC1 "88a8 0fff 0800" IP_UDP UDP_53,
     {0, true, 0, 4095, 0x0800, 17, 0xc0a80101, 0xc0a80102, 54321, 53}},
    {"ICMP echo request",
     MAC2 MAC1 "0800 4500 001c 0001 0000 40 01 0000 0a000001 0a000002"
     "08 00 0000 0001 0001",
     {0, false, 0, 0, 0x0800, 1, 0x0a000001, 0x0a000002, 8, 0}},
    {"IPv4 with options (IHL 6), UDP",
     MAC2 MAC1 "0800 4600 0020 0001 0000 40 11 0000 0a000001 0a000002"
     "01010100" UDP_53,
     {0, false, 0, 0, 0x0800, 17, 0x0a000001, 0x0a000002, 54321, 53}},
    {"later IPv4 fragment: no ports",
     MAC2 MAC1 "0800 4500 0028 0001 0064 40 06 0000 0a000001 0a000002"
     TCP_80,
     {0, false, 0, 0, 0x0800, 6, 0x0a000001, 0x0a000002, 0, 0}},
    {"first IPv4 fragment (MF set): ports",
     MAC2 MAC1 "0800 4500 0028 0001 2000 40 06 0000 0a000001 0a000002"
     TCP_80,
     {0, false, 0, 0, 0x0800, 6, 0x0a000001, 0x0a000002, 12345, 80}},
    {"IPv4 header length 4 words: not read",
     MAC2 MAC1 "0800 4400 0028 0001 0000 40 06 0000 0a000001 0a000002"
     TCP_80,
     {0, false, 0, 0, 0x0800, 0, 0, 0, 0, 0}},
    {"IP version 6 under EtherType 0x0800: not read",
     MAC2 MAC1 "0800 6500 0028 0001 0000 40 06 0000 0a000001 0a000002"
     TCP_80,
     {0, false, 0, 0, 0x0800, 0, 0, 0, 0, 0}},
    {"total length shorter than the header: not read",
     MAC2 MAC1 "0800 4500 0010 0001 0000 40 06 0000 0a000001 0a000002"
     TCP_80,
     {0, false, 0, 0, 0x0800, 0, 0, 0, 0, 0}},
    {"padding after a short datagram is not a TCP header",
     MAC2 MAC1 "0800 4500 001c 0001 0000 40 06 0000 0a000001 0a000002"
     TCP_80,
     {0, false, 0, 0, 0x0800, 6, 0x0a000001, 0x0a000002, 0, 0}},
    {"IPv6: EtherType only",
     MAC2 MAC1 "86dd 60000000 0008 11 40 fe800000000000000000000000000001"
     "fe800000000000000000000000000002" UDP_53,
     {0, false, 0, 0, 0x86dd, 0, 0, 0, 0, 0}},
    {"802.3 with LLC (STP): FLOW_DL_TYPE_NONE",
     "0180c2000000" MAC1 "0026 424203 0000 0000",
     {0, false, 0, 0, FLOW_DL_TYPE_NONE, 0, 0, 0, 0, 0}},
    {"802.3 with SNAP carrying IPv4",
     MAC2 MAC1 "0030 aaaa03 000000 0800" IP_UDP UDP_53,
     {0, false, 0, 0, 0x0800, 17, 0xc0a80101, 0xc0a80102, 54321, 53}},
    {"SNAP with a non-zero OUI: FLOW_DL_TYPE_NONE",
     MAC2 MAC1 "0030 aaaa03 00000c 2000 0000",
     {0, false, 0, 0, FLOW_DL_TYPE_NONE, 0, 0, 0, 0, 0}},
    {"double tag: the outer one, then 0x8100",
     MAC2 MAC1 "88a8 000a 8100 0014 0800" IP_UDP UDP_53,
     {0, true, 0, 10, 0x8100, 0, 0, 0, 0, 0}},
    {"priority tag (VID 0, PCP 3)",
     MAC2 MAC1 "8100 6000 0806 0001 0800 06 04 0001" MAC1 "0a000001"
     "000000000000 0a000002",
     {0, true, 3, 0, 0x0806, 1, 0x0a000001, 0x0a000002, 0, 0}},
    {"other EtherType (LLDP)",
     "0180c200000e" MAC1 "88cc 0207 04" MAC1,
     {0, false, 0, 0, 0x88cc, 0, 0, 0, 0, 0}},
    {"13 bytes: runt", MAC2 "0200000000", {-EINVAL}},
    {"Ethernet header alone", MAC2 MAC1 "0800",
     {0, false, 0, 0, 0x0800, 0, 0, 0, 0, 0}},
    {"tag cut short", MAC2 MAC1 "8100 0064", {-EINVAL}},
    {"tag complete, nothing after", MAC2 MAC1 "8100 0064 0800",
     {0, true, 0, 100, 0x0800, 0, 0, 0, 0, 0}},
};

static bool
key_is(const struct flow *key, const struct expect *w, uint32_t in_port,
       const uint8_t *frame)
{
    return (key->in_port == in_port && !memcmp(key->dl_dst, frame, 6)
            && !memcmp(key->dl_src, frame + 6, 6)
            && key->vlan_present == w->vlan_present
            && key->vlan_pcp == w->vlan_pcp && key->vlan_vid == w->vlan_vid
            && key->dl_type == w->dl_type && key->nw_proto == w->nw_proto
            && key->nw_src == w->nw_src && key->nw_dst == w->nw_dst
            && key->tp_src == w->tp_src && key->tp_dst == w->tp_dst);
}

static void
test_cases(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        const struct frame_case *c = &cases[i];
        uint8_t frame[256];
        size_t len = hex_to_bytes(c->hex, frame, sizeof frame);
        struct flow key;
        GString *s = g_string_new(NULL);
        int rc;

        memset(&key, 0xa5, sizeof key);
        rc = flow_extract_frame(frame, len, 3, &key);
        if (c->want.rc) {
            ok(rc == c->want.rc && key.in_port == 0xa5a5a5a5,
               "%s: %d, key untouched", c->name, c->want.rc);
        } else {
            ok(rc == 0 && key_is(&key, &c->want, 3, frame), "%s", c->name);
            flow_format(&key, s);
            if (rc) {
                diag_msg("rc %d", rc);
            } else if (!key_is(&key, &c->want, 3, frame)) {
                diag_msg("got %s", s->str);
            }
        }
        g_string_free(s, TRUE);
    }
}

/* What a frame cut at 'len' must give: the layers it still holds. */
static void
expect_cut(const struct flow *full, size_t len, size_t type_end, size_t l3,
           size_t l4_end, struct flow *want)
{
    *want = *full;
    if (len < type_end) {
        want->dl_type = FLOW_DL_TYPE_NONE;
    }
    if (len < l3) {
        want->nw_proto = 0;
        want->nw_src = want->nw_dst = 0;
    }
    if (len < l4_end) {
        want->tp_src = want->tp_dst = 0;
    }
}

/* Cuts the frame of 'cases[index]' at every length.  It needs 'l2' bytes
 * at least, 'type_end' for its EtherType (beyond 'l2' only for SNAP),
 * 'l3_end' for network fields and 'l4_end' for transport fields. */
static void
test_cuts(size_t index, size_t l2, size_t type_end, size_t l3_end,
          size_t l4_end)
{
    const struct frame_case *c = &cases[index];
    uint8_t frame[256];
    size_t len = hex_to_bytes(c->hex, frame, sizeof frame);
    struct flow full;
    int bad = 0;

    g_assert(!flow_extract_frame(frame, len, 1, &full));
    for (size_t cut = 0; cut <= len; cut++) {
        struct flow key, want;
        int rc = flow_extract_frame(frame, cut, 1, &key);

        if (cut < l2) {
            if (rc != -EINVAL) {
                diag_msg("%s cut at %zu: rc %d", c->name, cut, rc);
                bad++;
            }
            continue;
        }
        expect_cut(&full, cut, type_end, l3_end, l4_end, &want);
        if (rc || !flow_equal(&key, &want)) {
            GString *s = g_string_new(NULL);

            flow_format(&key, s);
            diag_msg("%s cut at %zu: rc %d, %s", c->name, cut, rc, s->str);
            g_string_free(s, TRUE);
            bad++;
        }
    }
    is_int(bad, 0, "%s: every cut from 0 to %zu bytes reads only what is "
                   "there",
           c->name, len);
}

static void
test_dp_packet(void)
{
    uint8_t buf[DP_PACKET_HEADROOM + 128];
    struct dp_packet p;
    struct flow key;
    size_t len;

    memset(&p, 0, sizeof p);
    len = hex_to_bytes(cases[5].hex, buf + DP_PACKET_HEADROOM,
                       sizeof buf - DP_PACKET_HEADROOM);
    p.base = buf;
    p.allocated = sizeof buf;
    p.ofs = DP_PACKET_HEADROOM;
    p.size = (uint32_t) len;
    p.in_port = FLOW_PORT_LOCAL;
    ok(!flow_extract(&p, &key) && key.in_port == FLOW_PORT_LOCAL
           && key.vlan_vid == 100 && key.tp_dst == 80,
       "flow_extract() reads the frame at base + ofs and takes in_port");
    p.size = 10;
    is_int(flow_extract(&p, &key), -EINVAL, "flow_extract(): runt packet");
}

static void
test_hashes(void)
{
    static const uint8_t mac[6] = {0x02, 0, 0, 0, 0, 1};
    uint8_t frame[256];
    size_t len = hex_to_bytes(cases[5].hex, frame, sizeof frame);
    struct flow a, b;
    unsigned int counts[256] = {0};
    unsigned int max = 0, empty = 0;

    flow_extract_frame(frame, len, 1, &a);
    flow_extract_frame(frame, len, 1, &b);
    ok(flow_equal(&a, &b) && flow_hash(&a, 0) == flow_hash(&b, 0),
       "equal keys, equal hashes");
    b.in_port = 2;
    ok(!flow_equal(&a, &b) && flow_hash(&a, 0) != flow_hash(&b, 0),
       "in_port changes the key and its hash");
    b = a;
    b.tp_dst = 81;
    ok(!flow_equal(&a, &b) && flow_hash(&a, 0) != flow_hash(&b, 0),
       "tp_dst changes the key and its hash");
    ok(flow_hash(&a, 0) != flow_hash(&a, 1), "the basis changes the hash");

    ok(flow_hash_mac_vlan(mac, 1, 0) != flow_hash_mac_vlan(mac, 2, 0),
       "the VLAN changes the MAC hash");
    ok(flow_hash_mac_vlan(mac, 1, 0) == flow_hash_mac_vlan(mac, 1, 0)
           && flow_hash_mac_vlan(mac, 1, 0) != flow_hash_mac_vlan(mac, 1, 7),
       "the MAC hash is stable and depends on the basis");
    ok(flow_hash_mac_vlan(mac, 1, 0) == flow_hash_mac_vlan(mac, 0x1001, 0),
       "only the 12 VID bits count");

    /* 4096 consecutive MACs spread over 256 buckets (mean 16). */
    for (unsigned int i = 0; i < 4096; i++) {
        uint8_t m[6] = {0x02, 0, 0, 0, (uint8_t) (i >> 8), (uint8_t) i};

        counts[flow_hash_mac_vlan(m, 0, 0) & 0xff]++;
    }
    for (int i = 0; i < 256; i++) {
        max = MAX(max, counts[i]);
        empty += !counts[i];
    }
    ok(!empty && max < 40, "4096 MACs fill all 256 buckets, none above 40 "
                           "(max %u)",
       max);
    ok(flow_hash_u32(1, 0) != flow_hash_u32(2, 0), "flow_hash_u32()");
}

static void
test_macs(void)
{
    static const struct {
        const char *s;
        int rc;
        uint8_t mac[6];
    } macs[] = {
        {"aa:bb:cc:dd:ee:ff", 0, {0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff}},
        {"AA:Bb:0c:dD:EE:01", 0, {0xaa, 0xbb, 0x0c, 0xdd, 0xee, 0x01}},
        {"0:1:2:3:4:5", 0, {0, 1, 2, 3, 4, 5}},
        {"aa:bb:cc", -EINVAL, {0}},
        {"aa:bb:cc:dd:ee:ff:00", -EINVAL, {0}},
        {"aa:bb:cc:dd:ee:fg", -EINVAL, {0}},
        {"aa-bb-cc-dd-ee-ff", -EINVAL, {0}},
        {"aaa:bb:cc:dd:ee:ff", -EINVAL, {0}},
        {"", -EINVAL, {0}},
        {"aa:bb:cc:dd:ee:ff ", -EINVAL, {0}},
    };
    char buf[FLOW_MAC_STRLEN];

    for (size_t i = 0; i < G_N_ELEMENTS(macs); i++) {
        uint8_t mac[6] = {9, 9, 9, 9, 9, 9};
        static const uint8_t untouched[6] = {9, 9, 9, 9, 9, 9};
        int rc = flow_mac_from_string(macs[i].s, mac);

        ok(rc == macs[i].rc
               && !memcmp(mac, rc ? untouched : macs[i].mac, 6),
           "flow_mac_from_string(\"%s\") = %d", macs[i].s, macs[i].rc);
    }
    is_str(flow_mac_to_string(macs[1].mac, buf), "aa:bb:0c:dd:ee:01",
           "flow_mac_to_string() prints lower-case, two digits");

    {
        static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
        static const uint8_t mcast[6] = {0x01, 0x00, 0x5e, 0, 0, 1};
        static const uint8_t ucast[6] = {0x02, 0, 0, 0, 0, 1};
        static const uint8_t zero[6] = {0};

        ok(flow_mac_is_multicast(bcast) && flow_mac_is_broadcast(bcast),
           "broadcast is broadcast and multicast");
        ok(flow_mac_is_multicast(mcast) && !flow_mac_is_broadcast(mcast),
           "01:00:5e:00:00:01 is multicast, not broadcast");
        ok(!flow_mac_is_multicast(ucast) && !flow_mac_is_zero(ucast)
               && flow_mac_is_zero(zero),
           "unicast and zero addresses");
    }
}

static void
test_garp_and_tci(void)
{
    uint8_t frame[256];
    struct flow key;
    size_t len;

    /* Request for the sender's own address, to broadcast. */
    len = hex_to_bytes(BCAST MAC1 "0806 0001 0800 06 04 0001" MAC1
                       "0a000001 000000000000 0a000001",
                       frame, sizeof frame);
    flow_extract_frame(frame, len, 1, &key);
    ok(flow_is_gratuitous_arp(&key), "gratuitous ARP request");
    key.nw_dst = 0x0a000002;
    ok(!flow_is_gratuitous_arp(&key), "ordinary ARP request is not");
    key.nw_proto = 2;
    ok(flow_is_gratuitous_arp(&key), "broadcast ARP reply is");
    key.dl_dst[0] = 0x02;
    ok(!flow_is_gratuitous_arp(&key), "unicast ARP reply is not");
    key.dl_dst[0] = 0xff;
    key.dl_type = 0x0800;
    ok(!flow_is_gratuitous_arp(&key), "IPv4 is not");

    len = hex_to_bytes(cases[5].hex, frame, sizeof frame);
    flow_extract_frame(frame, len, 1, &key);
    is_int(flow_vlan_tci(&key), 0x1000 | 5 << 13 | 100,
           "flow_vlan_tci(): presence bit, PCP, VID");
    key.vlan_present = false;
    is_int(flow_vlan_tci(&key), 0, "flow_vlan_tci() of an untagged key");
}

static void
test_format(void)
{
    uint8_t frame[256];
    size_t len = hex_to_bytes(cases[5].hex, frame, sizeof frame);
    struct flow key;
    GString *s = g_string_new(NULL);

    flow_extract_frame(frame, len, 2, &key);
    flow_format(&key, s);
    is_str(s->str,
           "in_port=2,dl_vlan=100,dl_vlan_pcp=5,dl_src=02:00:00:00:00:01,"
           "dl_dst=02:00:00:00:00:02,dl_type=0x0800,nw_src=10.0.0.1,"
           "nw_dst=10.0.0.2,nw_proto=6,tp_src=12345,tp_dst=80",
           "flow_format() of a tagged TCP key");
    g_string_truncate(s, 0);
    len = hex_to_bytes(cases[0].hex, frame, sizeof frame);
    flow_extract_frame(frame, len, FLOW_PORT_LOCAL, &key);
    flow_format(&key, s);
    is_str(s->str,
           "in_port=LOCAL,dl_src=02:00:00:00:00:01,dl_dst=ff:ff:ff:ff:ff:ff,"
           "dl_type=0x0806,nw_src=10.0.0.1,nw_dst=10.0.0.2,nw_proto=1",
           "flow_format() of an ARP key from LOCAL");
    g_string_free(s, TRUE);
}

int
main(void)
{
    test_cases();
    test_cuts(0, 14, 14, 14 + 28, 0);              /* ARP */
    test_cuts(5, 18, 18, 18 + 20, 18 + 20 + 20);   /* tagged TCP */
    test_cuts(6, 18, 18, 18 + 20, 18 + 20 + 8);    /* 802.1ad UDP */
    test_cuts(7, 14, 14, 14 + 20, 14 + 20 + 4);    /* ICMP */
    test_cuts(8, 14, 14, 14 + 24, 14 + 24 + 8);    /* IPv4 options */
    test_cuts(17, 14, 22, 22 + 20, 22 + 20 + 8);   /* SNAP */
    test_dp_packet();
    test_hashes();
    test_macs();
    test_garp_and_tci();
    test_format();
    return done_testing();
}
