/* test-dp-bond.c -- tests of datapath/bond.c.
 *
 * An active-backup bond driven through a scripted timeline of link
 * changes (XenServer's 31 s updelay, a 200 ms downdelay): when members
 * become enabled or disabled, which one is active, when learning packets
 * are due and when the bond next needs attention; a link that bounces
 * within the downdelay; all links down and the first one back skipping its
 * updelay.  Then balance-slb: bucket assignment, failover of buckets,
 * rebalancing that moves load (and the cases where it must not), the
 * input checks with the MAC table (multicast on the active member only,
 * reverse path, gratuitous ARP and its lock), learning packets and their
 * exact bytes, and bond/show text.  Time is simulated. */
#include <config.h>

#include <errno.h>
#include <glib.h>
#include <limits.h>
#include <string.h>

#include "bond.h"
#include "flow.h"
#include "mac-learning.h"
#include "tap.h"

#define BOND_PORT 100
#define ETH0 1
#define ETH1 2

static const uint8_t mac_eth0[6] = {0x02, 0xe0, 0, 0, 0, 0};
static const uint8_t mac_eth1[6] = {0x02, 0xe1, 0, 0, 0, 1};

static void
mac_n(unsigned int n, uint8_t mac[6])
{
    mac[0] = 0x02;
    mac[1] = 0x11;
    mac[2] = 0;
    mac[3] = (uint8_t) (n >> 16);
    mac[4] = (uint8_t) (n >> 8);
    mac[5] = (uint8_t) n;
}

static struct bond *
make_bond(enum bond_mode mode, int updelay, int downdelay, long long now)
{
    struct bond_settings s;
    struct bond *bond = NULL;

    bond_settings_init(&s, "bond0", BOND_PORT);
    s.mode = mode;
    s.updelay = updelay;
    s.downdelay = downdelay;
    g_assert(!bond_create(&s, now, &bond));
    g_assert(!bond_member_add(bond, ETH0, "eth0", mac_eth0, true));
    g_assert(!bond_member_add(bond, ETH1, "eth1", mac_eth1, true));
    return bond;
}

static void
test_settings(void)
{
    struct bond_settings s;
    struct bond *bond = (struct bond *) 1;
    enum bond_mode mode;

    bond_settings_init(&s, "", 1);
    is_int(bond_create(&s, 0, &bond), -EINVAL, "a bond needs a name");
    ok(bond == (struct bond *) 1, "  and nothing is returned");
    bond_settings_init(&s, "bond0", 1);
    s.updelay = -1;
    is_int(bond_create(&s, 0, &bond), -EINVAL, "negative updelay refused");
    s.updelay = 0;
    s.rebalance_interval = -5;
    is_int(bond_create(&s, 0, &bond), -EINVAL, "negative interval refused");

    ok(!bond_mode_from_string("active-backup", &mode)
           && mode == BOND_MODE_ACTIVE_BACKUP
           && !bond_mode_from_string("balance-slb", &mode)
           && mode == BOND_MODE_BALANCE_SLB,
       "bond modes parse");
    is_int(bond_mode_from_string("balance-tcp", &mode), -EINVAL,
           "balance-tcp (needs LACP) is refused");
    is_str(bond_mode_to_string(BOND_MODE_BALANCE_SLB), "balance-slb",
           "bond_mode_to_string()");

    bond = make_bond(BOND_MODE_ACTIVE_BACKUP, 0, 0, 0);
    is_int(bond_member_add(bond, ETH0, "eth0", NULL, true), -EEXIST,
           "a member cannot be added twice");
    is_int(bond_member_remove(bond, 9), -ENOENT, "removing a stranger");
    is_int(bond_member_set_link(bond, 9, true, 0), -ENOENT,
           "link state of a stranger");
    bond_settings_init(&s, "", 1);
    is_int(bond_reconfigure(bond, &s, 0), -EINVAL,
           "reconfiguring with bad settings is refused");
    is_str(bond_get_name(bond), "bond0", "  and changes nothing");
    ok(bond_get_port(bond) == BOND_PORT && bond_n_members(bond) == 2
           && bond_get_mode(bond) == BOND_MODE_ACTIVE_BACKUP,
       "accessors");
    bond_destroy(bond);
    bond_destroy(NULL);
}

/* The active-backup timeline. */
enum what { LINK_DOWN, LINK_UP, RUN };

static const struct step {
    long long now;
    enum what what;
    uint32_t member;            /* LINK_* */
    const char *want;           /* "eth0:E eth1:D active=eth1" */
    int run;                    /* RUN: expected bond_run() result */
    int learn;                  /* expected learning-packet flag */
    long long wake;             /* expected bond_next_wake() */
    const char *why;
} timeline[] = {
    {0, RUN, 0, "eth0:E eth1:E active=eth0", 1, 1, LLONG_MAX,
     "both links up at start: enabled at once, eth0 active"},
    {10, RUN, 0, "eth0:E eth1:E active=eth0", 0, 0, LLONG_MAX,
     "nothing new"},
    {1000, LINK_DOWN, ETH0, "eth0:E eth1:E active=eth0", -1, 0, 1200,
     "eth0 loses carrier: still enabled for the 200 ms downdelay"},
    {1199, RUN, 0, "eth0:E eth1:E active=eth0", 0, 0, 1200,
     "199 ms later: still enabled"},
    {1200, RUN, 0, "eth0:D eth1:E active=eth1", 1, 1, LLONG_MAX,
     "200 ms later: eth0 disabled, failover to eth1, learning packets"},
    {2000, LINK_UP, ETH0, "eth0:D eth1:E active=eth1", -1, 0, 33000,
     "eth0 carrier back: disabled for the 31 s updelay"},
    {32999, RUN, 0, "eth0:D eth1:E active=eth1", 0, 0, 33000,
     "1 ms before the updelay ends: disabled"},
    {33000, RUN, 0, "eth0:E eth1:E active=eth1", 1, 0, LLONG_MAX,
     "updelay over: eth0 enabled, but eth1 stays active (no failback)"},
    {40000, LINK_DOWN, ETH1, "eth0:E eth1:E active=eth1", -1, 0, 40200,
     "eth1 bounces: down"},
    {40100, LINK_UP, ETH1, "eth0:E eth1:E active=eth1", -1, 0, LLONG_MAX,
     "and up again within the downdelay: the delay is cancelled"},
    {40300, RUN, 0, "eth0:E eth1:E active=eth1", 0, 0, LLONG_MAX,
     "no failover happened"},
    {50000, LINK_DOWN, ETH0, "eth0:E eth1:E active=eth1", -1, 0, 50200,
     "both links fail: eth0"},
    {50000, LINK_DOWN, ETH1, "eth0:E eth1:E active=eth1", -1, 0, 50200,
     "and eth1"},
    {50200, RUN, 0, "eth0:D eth1:D active=none", 1, 0, LLONG_MAX,
     "after the downdelay: all disabled, no active member"},
    {60000, LINK_UP, ETH1, "eth0:D eth1:E active=eth1", -1, 1, LLONG_MAX,
     "eth1 back with nothing enabled: enabled at once, skipping updelay"},
    {61000, LINK_UP, ETH0, "eth0:D eth1:E active=eth1", -1, 0, 92000,
     "eth0 back while eth1 works: waits for its updelay"},
    {91999, RUN, 0, "eth0:D eth1:E active=eth1", 1, 0, 92000,
     "1 ms before"},
    {92000, RUN, 0, "eth0:E eth1:E active=eth1", 1, 0, LLONG_MAX,
     "enabled"},
};

static char *
state_of(const struct bond *bond)
{
    uint32_t active;

    return g_strdup_printf("eth0:%c eth1:%c active=%s",
                           bond_member_is_enabled(bond, ETH0) ? 'E' : 'D',
                           bond_member_is_enabled(bond, ETH1) ? 'E' : 'D',
                           bond_get_active(bond, &active) ? "none"
                           : active == ETH0               ? "eth0"
                                                          : "eth1");
}

static void
test_active_backup(void)
{
    struct bond *bond = make_bond(BOND_MODE_ACTIVE_BACKUP, 31000, 200, 0);

    for (size_t i = 0; i < G_N_ELEMENTS(timeline); i++) {
        const struct step *s = &timeline[i];
        int run = -1;
        int learn;
        char *state;

        switch (s->what) {
        case LINK_DOWN:
        case LINK_UP:
            g_assert(!bond_member_set_link(bond, s->member,
                                           s->what == LINK_UP, s->now));
            break;
        case RUN:
            run = bond_run(bond, s->now);
            break;
        }
        learn = bond_should_send_learning_packets(bond);
        state = state_of(bond);
        ok(!strcmp(state, s->want) && run == s->run && learn == s->learn
               && bond_next_wake(bond) == s->wake,
           "%lld ms: %s", s->now, s->why);
        if (strcmp(state, s->want) || run != s->run || learn != s->learn
            || bond_next_wake(bond) != s->wake) {
            diag_msg("state %s, run %d, learn %d, wake %lld", state, run,
                     learn, bond_next_wake(bond));
        }
        g_free(state);
        if (i == 13) {
            uint32_t port;
            static const uint8_t src[6] = {2, 0, 0, 0, 0, 9};

            is_int(bond_choose_output(bond, src, 0, &port), -ENETDOWN,
                   "no member enabled: output fails with -ENETDOWN");
        }
    }
    bond_destroy(bond);
}

static void
test_active_backup_io(void)
{
    struct bond *bond = make_bond(BOND_MODE_ACTIVE_BACKUP, 0, 0, 0);
    static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    static const uint8_t ucast[6] = {0x02, 0, 0, 0, 0, 5};
    int on_eth0 = 0;

    for (unsigned int i = 0; i < 100; i++) {
        uint8_t mac[6];
        uint32_t port = 0;

        mac_n(i, mac);
        bond_choose_output(bond, mac, (uint16_t) i, &port);
        on_eth0 += port == ETH0;
    }
    is_int(on_eth0, 100, "active-backup: everything leaves by the active");
    is_int(bond_check_admissibility(bond, ETH0, ucast), BOND_VERDICT_ACCEPT,
           "unicast on the active member: accepted");
    is_int(bond_check_admissibility(bond, ETH1, ucast), BOND_VERDICT_DROP,
           "unicast on the backup: dropped");
    is_int(bond_check_admissibility(bond, ETH1, bcast), BOND_VERDICT_DROP,
           "broadcast on the backup: dropped");
    is_int(bond_check_admissibility(bond, ETH0, bcast), BOND_VERDICT_ACCEPT,
           "broadcast on the active member: accepted");
    is_int(bond_check_admissibility(bond, 7, ucast), BOND_VERDICT_DROP,
           "a frame on a port that is no member: dropped");

    /* Removing the active member fails over at once. */
    bond_should_send_learning_packets(bond);
    is_int(bond_member_remove(bond, ETH0), 0, "remove eth0 (active)");
    ok(bond_run(bond, 0) && bond_should_send_learning_packets(bond),
       "  a change, and learning packets are due");
    {
        uint32_t port;

        ok(!bond_get_active(bond, &port) && port == ETH1,
           "  eth1 is active");
    }
    bond_destroy(bond);
}

/* Three MACs whose buckets differ; 'buckets' gets their buckets. */
static void
three_macs(const struct bond *bond, uint8_t macs[3][6], unsigned int b[3])
{
    unsigned int n = 0;

    for (unsigned int i = 0; n < 3; i++) {
        mac_n(i, macs[n]);
        b[n] = bond_hash(bond, macs[n], 0);
        if ((n < 1 || b[n] != b[0]) && (n < 2 || b[n] != b[1])) {
            n++;
        }
    }
}

static void
test_slb_assignment(void)
{
    struct bond *bond = make_bond(BOND_MODE_BALANCE_SLB, 0, 0, 0);
    int count[3] = {0};
    int moved = 0, stable = 0, disabled_used = 0;
    uint32_t first[200];

    for (unsigned int i = 0; i < 200; i++) {
        uint8_t mac[6];

        mac_n(i, mac);
        g_assert(!bond_choose_output(bond, mac, 0, &first[i]));
        count[first[i]]++;
    }
    ok(count[ETH0] > 50 && count[ETH1] > 50,
       "200 MACs spread over both members (%d/%d)", count[ETH0],
       count[ETH1]);
    for (unsigned int i = 0; i < 200; i++) {
        uint8_t mac[6];
        uint32_t port;

        mac_n(i, mac);
        bond_choose_output(bond, mac, 0, &port);
        stable += port == first[i];
    }
    is_int(stable, 200, "a MAC keeps its member");

    bond_member_set_link(bond, ETH0, false, 10);
    for (unsigned int i = 0; i < 200; i++) {
        uint8_t mac[6];
        uint32_t port;

        mac_n(i, mac);
        bond_choose_output(bond, mac, 0, &port);
        disabled_used += port == ETH0;
        moved += port != first[i];
    }
    ok(!disabled_used && moved == count[ETH0],
       "eth0 down: its %d MACs move to eth1, no others move", moved);

    bond_member_set_link(bond, ETH0, true, 20);
    moved = 0;
    for (unsigned int i = 0; i < 200; i++) {
        uint8_t mac[6];
        uint32_t port;

        mac_n(i, mac);
        bond_choose_output(bond, mac, 0, &port);
        moved += port != ETH1;
    }
    is_int(moved, 0, "eth0 back: buckets stay where they are until a "
                     "rebalance");

    {
        uint8_t mac[6];
        int differ = 0;

        for (unsigned int i = 0; i < 50; i++) {
            mac_n(i, mac);
            differ += bond_hash(bond, mac, 1) != bond_hash(bond, mac, 2);
        }
        ok(differ > 40, "the VLAN is part of the hash (%d/50 differ)",
           differ);
    }
    bond_destroy(bond);
}

static void
test_rebalance(void)
{
    struct bond *bond = make_bond(BOND_MODE_BALANCE_SLB, 0, 0, 0);
    uint8_t macs[3][6];
    unsigned int b[3];
    uint32_t port[3];
    GString *show = g_string_new(NULL);
    char *line;

    three_macs(bond, macs, b);
    for (int i = 0; i < 3; i++) {
        bond_choose_output(bond, macs[i], 0, &port[i]);
    }
    ok(port[0] == ETH0 && port[1] == ETH1 && port[2] == ETH0,
       "new buckets go to the members in turn");

    bond_account(bond, b[0], 1000000);
    bond_account(bond, b[2], 1000000);
    bond_account(bond, b[1], 100000);
    bond_run(bond, 0);
    is_int(bond_next_wake(bond), 10000, "rebalancing is due at 10 s");
    is_int(bond_rebalance(bond, 9999), 0, "not before");
    is_int(bond_rebalance(bond, 10000), 1,
           "at 10 s: one bucket moves from eth0 (2000 kB) to eth1 (98 kB)");
    bond_choose_output(bond, macs[0], 0, &port[0]);
    bond_choose_output(bond, macs[2], 0, &port[2]);
    ok((port[0] == ETH1) != (port[2] == ETH1),
       "  one of eth0's two busy MACs now leaves by eth1");
    ok(bond_run(bond, 10000), "  bond_run() reports the change");
    is_int(bond_next_wake(bond), 20000, "  next rebalance in 10 s");

    bond_format(bond, 12500, show);
    line = g_strdup_printf("  hash %u: 488 kB load\n", port[0] == ETH1 ? b[0]
                                                                      : b[2]);
    ok(strstr(show->str, "next rebalance: 7500 ms\n")
           && strstr(strstr(show->str, "member eth1"), line),
       "bond/show: the moved bucket, its load halved, under eth1");
    g_free(line);

    /* Now 500 kB vs 550 kB: close enough. */
    is_int(bond_rebalance(bond, 20000), 0, "a gap of 50 kB: left alone");

    /* One busy bucket alone on a member is not moved. */
    bond_account(bond, port[0] == ETH1 ? b[2] : b[0], 5000000);
    is_int(bond_rebalance(bond, 30000), 0,
           "a member's only busy bucket stays, however heavy");

    /* A disabled member takes no load. */
    bond_account(bond, b[0], 3000000);
    bond_account(bond, b[2], 3000000);
    bond_member_set_link(bond, ETH1, false, 30000);
    is_int(bond_rebalance(bond, 40000), 0,
           "with one member enabled nothing moves");
    bond_destroy(bond);
    g_string_free(show, TRUE);

    /* Under 100000 bytes apart: not worth it. */
    bond = make_bond(BOND_MODE_BALANCE_SLB, 0, 0, 0);
    three_macs(bond, macs, b);
    for (int i = 0; i < 3; i++) {
        bond_choose_output(bond, macs[i], 0, &port[i]);
    }
    bond_account(bond, b[0], 45000);
    bond_account(bond, b[2], 45000);
    is_int(bond_rebalance(bond, 10000), 0,
           "eth0 90000 bytes, eth1 none: under 100000 apart, left alone");
    bond_account(bond, b[0], 60000);
    bond_account(bond, b[2], 60000);
    is_int(bond_rebalance(bond, 20000), 1,
           "120000 bytes more (165000 with the older halved): one moves");
    bond_destroy(bond);

    /* An interval of 0 turns rebalancing off. */
    {
        struct bond_settings s;

        bond = make_bond(BOND_MODE_BALANCE_SLB, 0, 0, 0);
        three_macs(bond, macs, b);
        for (int i = 0; i < 3; i++) {
            bond_choose_output(bond, macs[i], 0, &port[i]);
        }
        bond_account(bond, b[0], 1000000);
        bond_account(bond, b[2], 1000000);
        bond_settings_init(&s, "bond0", BOND_PORT);
        s.mode = BOND_MODE_BALANCE_SLB;
        s.rebalance_interval = 0;
        g_assert(!bond_reconfigure(bond, &s, 0));
        is_int(bond_rebalance(bond, 1000000), 0,
               "rebalance_interval=0: never");
        is_int(bond_next_wake(bond), LLONG_MAX, "  and nothing to wake for");
        bond_destroy(bond);
    }
}

static void
test_slb_input(void)
{
    struct bond *bond = make_bond(BOND_MODE_BALANCE_SLB, 0, 0, 0);
    struct mac_learning *ml = mac_learning_create(300, 100);
    static const uint8_t local_vm[6] = {0x02, 0x16, 0x3e, 0, 0, 1};
    static const uint8_t remote[6] = {0x02, 0x99, 0, 0, 0, 1};
    static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    struct flow key;

    /* eth0 is active (the first member up). */
    is_int(bond_check_admissibility(bond, ETH1, remote),
           BOND_VERDICT_DROP_IF_MOVED,
           "SLB: unicast on any member: accepted unless it moved");
    is_int(bond_check_admissibility(bond, ETH1, bcast), BOND_VERDICT_DROP,
           "SLB: broadcast on a non-active member: dropped");
    is_int(bond_check_admissibility(bond, ETH0, bcast),
           BOND_VERDICT_DROP_IF_MOVED,
           "SLB: broadcast on the active member: accepted unless it moved");

    mac_learning_learn(ml, local_vm, 0, 10, 0);  /* a VIF */
    mac_learning_learn(ml, remote, 0, BOND_PORT, 0);

    memset(&key, 0, sizeof key);
    key.dl_type = 0x0800;
    memcpy(key.dl_dst, local_vm, 6);
    memcpy(key.dl_src, remote, 6);
    ok(bond_admit(bond, ETH1, &key, 0, ml, 1000),
       "a remote host's frame (learned on the bond) is admitted");
    memcpy(key.dl_src, local_vm, 6);
    memcpy(key.dl_dst, bcast, 6);
    ok(!bond_admit(bond, ETH0, &key, 0, ml, 1000),
       "our VIF's broadcast coming back on the bond: dropped (reverse "
       "path)");
    ok(bond_admit(bond, ETH0, &key, 7, ml, 1000),
       "  the same MAC in another VLAN is not known: admitted");
    key.dl_src[5] = 0x77;
    ok(bond_admit(bond, ETH0, &key, 0, ml, 1000),
       "an unknown source: admitted");
    ok(bond_admit(bond, ETH0, &key, 0, NULL, 1000),
       "without a MAC table: admitted");

    /* A gratuitous ARP from the VIF's MAC: the VM moved behind the
     * bond. */
    memcpy(key.dl_src, local_vm, 6);
    key.dl_type = 0x0806;
    key.nw_proto = 1;
    key.nw_src = key.nw_dst = 0x0a000005;
    ok(bond_admit(bond, ETH0, &key, 0, ml, 1000),
       "a gratuitous ARP from a MAC learned elsewhere: admitted (it moved)");
    mac_learning_lock_grat_arp(ml, local_vm, 0, 1000);
    ok(!bond_admit(bond, ETH0, &key, 0, ml, 5999),
       "  unless its entry is locked (our own GARP reflected): dropped");
    ok(bond_admit(bond, ETH0, &key, 0, ml, 6000),
       "  the lock lasts 5 s");
    key.nw_dst = 0x0a000006;
    ok(!bond_admit(bond, ETH0, &key, 0, ml, 6000),
       "an ordinary ARP request from it: dropped");

    mac_learning_destroy(ml);
    bond_destroy(bond);
}

static void
test_learning_packets(void)
{
    struct bond *bond = make_bond(BOND_MODE_ACTIVE_BACKUP, 0, 0, 0);
    struct mac_learning *ml = mac_learning_create(300, 100);
    static const uint8_t vm1[6] = {0x02, 0x16, 0x3e, 0, 0, 1};
    static const uint8_t vm2[6] = {0x02, 0x16, 0x3e, 0, 0, 2};
    static const uint8_t remote[6] = {0x02, 0x99, 0, 0, 0, 1};
    struct bond_learning_packet *lp;
    uint8_t buf[64];
    struct flow key;
    size_t n;
    int len;

    mac_learning_learn(ml, vm1, 0, 10, 0);
    mac_learning_learn(ml, remote, 0, BOND_PORT, 0);
    mac_learning_learn(ml, vm2, 5, FLOW_PORT_LOCAL, 0);

    bond_should_send_learning_packets(bond);
    bond_member_set_link(bond, ETH0, false, 100);
    ok(bond_should_send_learning_packets(bond),
       "after the failover learning packets are due");
    ok(!bond_should_send_learning_packets(bond), "  (once)");
    n = bond_learning_packets(bond, ml, 100, &lp);
    ok(n == 2 && !memcmp(lp[0].mac, vm1, 6) && lp[0].vlan == 0
           && lp[0].member == ETH1 && !memcmp(lp[1].mac, vm2, 6)
           && lp[1].vlan == 5 && lp[1].member == ETH1,
       "one per MAC learned off the bond, out of the new active member");
    g_free(lp);

    len = bond_compose_learning_packet(vm1, 0, buf, sizeof buf);
    is_int(len, 42, "an untagged learning packet is 42 bytes");
    {
        static const uint8_t want[42] = {
            0xff, 0xff, 0xff, 0xff, 0xff, 0xff, /* broadcast */
            0x02, 0x16, 0x3e, 0, 0, 1,          /* from the MAC */
            0x80, 0x35,                         /* RARP */
            0x00, 0x01, 0x08, 0x00, 6, 4,       /* Ethernet, IPv4 */
            0x00, 0x03,                         /* request reverse */
            0x02, 0x16, 0x3e, 0, 0, 1, 0, 0, 0, 0,
            0x02, 0x16, 0x3e, 0, 0, 1, 0, 0, 0, 0,
        };

        ok(!memcmp(buf, want, sizeof want),
           "  an RARP request, as Open vSwitch composes it");
    }
    len = bond_compose_learning_packet(vm2, 5, buf, sizeof buf);
    is_int(len, 46, "a tagged one is 46 bytes");
    ok(!flow_extract_frame(buf, (size_t) len, 1, &key) && key.vlan_present
           && key.vlan_vid == 5 && key.dl_type == 0x8035
           && key.nw_proto == 3 && !memcmp(key.dl_src, vm2, 6)
           && flow_mac_is_broadcast(key.dl_dst),
       "  which parses as RARP from that MAC in VLAN 5");
    is_int(bond_compose_learning_packet(vm2, 5, buf, 45), -ENOSPC,
           "a buffer too small: -ENOSPC");

    bond_member_set_link(bond, ETH1, false, 200);
    ok(!bond_learning_packets(bond, ml, 200, &lp) && !lp,
       "no member enabled: no learning packets");
    mac_learning_destroy(ml);
    bond_destroy(bond);

    /* SLB: each packet leaves by its MAC's member. */
    bond = make_bond(BOND_MODE_BALANCE_SLB, 0, 0, 0);
    ml = mac_learning_create(300, 100);
    for (unsigned int i = 0; i < 20; i++) {
        uint8_t mac[6];

        mac_n(i, mac);
        mac_learning_learn(ml, mac, 0, 10 + i, 0);
    }
    n = bond_learning_packets(bond, ml, 0, &lp);
    {
        int agree = 0, on[3] = {0};

        for (size_t i = 0; i < n; i++) {
            uint32_t port;

            bond_choose_output(bond, lp[i].mac, lp[i].vlan, &port);
            agree += port == lp[i].member;
            on[lp[i].member]++;
        }
        ok(n == 20 && agree == 20 && on[ETH0] && on[ETH1],
           "SLB: learning packets leave by each MAC's own member");
    }
    g_free(lp);
    mac_learning_destroy(ml);
    bond_destroy(bond);
}

static void
test_show(void)
{
    struct bond *bond = make_bond(BOND_MODE_ACTIVE_BACKUP, 31000, 200, 0);
    GString *s = g_string_new(NULL);

    bond_member_set_link(bond, ETH0, false, 1000);
    bond_run(bond, 1200);
    bond_member_set_link(bond, ETH0, true, 2000);
    bond_format(bond, 2500, s);
    is_str(s->str,
           "---- bond0 ----\n"
           "bond_mode: active-backup\n"
           "bond may use recirculation: no, Recirc-ID : -1\n"
           "bond-hash-basis: 0\n"
           "lb_output action: disabled, bond-id: -1\n"
           "updelay: 31000 ms\n"
           "downdelay: 200 ms\n"
           "lacp_status: off\n"
           "lacp_fallback_ab: false\n"
           "active-backup primary: <none>\n"
           "active member mac: 02:e1:00:00:00:01(eth1)\n"
           "\n"
           "member eth0: disabled\n"
           "  updelay expires in 30500 ms\n"
           "  may_enable: true\n"
           "\n"
           "member eth1: enabled\n"
           "  active member\n"
           "  may_enable: true\n"
           "\n",
           "bond/show, active-backup, eth0 in its updelay");
    bond_destroy(bond);

    bond = make_bond(BOND_MODE_BALANCE_SLB, 0, 5000, 0);
    bond_member_set_link(bond, ETH1, false, 1000);
    bond_account(bond, 7, 4096);    /* unassigned: not shown */
    g_string_truncate(s, 0);
    bond_format(bond, 2000, s);
    is_str(s->str,
           "---- bond0 ----\n"
           "bond_mode: balance-slb\n"
           "bond may use recirculation: no, Recirc-ID : -1\n"
           "bond-hash-basis: 0\n"
           "lb_output action: disabled, bond-id: -1\n"
           "all members active: false\n"
           "updelay: 0 ms\n"
           "downdelay: 5000 ms\n"
           "next rebalance: 8000 ms\n"
           "lacp_status: off\n"
           "lacp_fallback_ab: false\n"
           "active-backup primary: <none>\n"
           "active member mac: 02:e0:00:00:00:00(eth0)\n"
           "\n"
           "member eth0: enabled\n"
           "  active member\n"
           "  may_enable: true\n"
           "\n"
           "member eth1: enabled\n"
           "  downdelay expires in 4000 ms\n"
           "  may_enable: false\n"
           "\n",
           "bond/show, balance-slb, eth1 in its downdelay");
    bond_member_set_link(bond, ETH0, false, 3000);
    bond_run(bond, 8000);
    g_string_truncate(s, 0);
    bond_format(bond, 8000, s);
    ok(strstr(s->str, "active member mac: 02:e0:00:00:00:00(none)\n")
           && strstr(s->str, "member eth0: disabled\n  may_enable: false\n"),
       "bond/show with every member down: the last active MAC, (none)");
    g_string_free(s, TRUE);
    bond_destroy(bond);
}

int
main(void)
{
    test_settings();
    test_active_backup();
    test_active_backup_io();
    test_slb_assignment();
    test_rebalance();
    test_slb_input();
    test_learning_packets();
    test_show();
    return done_testing();
}
