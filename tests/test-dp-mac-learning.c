/* test-dp-mac-learning.c -- tests of datapath/mac-learning.c.
 *
 * A scripted run (learn, look up, expire, flush at simulated times, each
 * step with its expected result), then the edges one by one: aging by the
 * millisecond, eviction of the least recently learned entry when full,
 * shrinking the limit, per-VLAN entries, refused addresses, the
 * gratuitous-ARP lock, iteration order and ages, and the exact fdb/show
 * text.  Time is a plain number of milliseconds: nothing sleeps. */
#include <config.h>

#include <errno.h>
#include <glib.h>
#include <limits.h>
#include <string.h>

#include "flow.h"
#include "mac-learning.h"
#include "tap.h"

static void
mac_n(unsigned int n, uint8_t mac[6])
{
    mac[0] = 0x02;
    mac[1] = 0;
    mac[2] = (uint8_t) (n >> 24);
    mac[3] = (uint8_t) (n >> 16);
    mac[4] = (uint8_t) (n >> 8);
    mac[5] = (uint8_t) n;
}

enum op { LEARN, LOOKUP, EXPIRE, FLUSH_PORT, FLUSH, COUNT };

static const struct step {
    enum op op;
    unsigned int mac;           /* mac_n() */
    uint16_t vlan;
    uint32_t port;              /* LEARN, FLUSH_PORT; LOOKUP: expected */
    long long now;
    long long want;             /* result (LOOKUP: 0 or -ENOENT) */
    const char *what;
} script[] = {
    {LOOKUP, 1, 0, 0, 0, -ENOENT, "empty table: miss"},
    {LEARN, 1, 0, 1, 0, MAC_LEARNING_NEW, "learn mac1 on port 1"},
    {LOOKUP, 1, 0, 1, 10, 0, "mac1 is on port 1"},
    {LOOKUP, 1, 5, 0, 10, -ENOENT, "mac1 is unknown in VLAN 5"},
    {LEARN, 1, 0, 1, 1000, MAC_LEARNING_REFRESHED, "seen again on port 1"},
    {LEARN, 1, 5, 3, 1000, MAC_LEARNING_NEW, "mac1 in VLAN 5 on port 3"},
    {LOOKUP, 1, 5, 3, 1000, 0, "VLAN 5 entry is separate"},
    {LOOKUP, 1, 0, 1, 1000, 0, "VLAN 0 entry unchanged"},
    {LEARN, 1, 0, 2, 2000, MAC_LEARNING_MOVED, "mac1 moves to port 2"},
    {LOOKUP, 1, 0, 2, 2000, 0, "mac1 is now on port 2"},
    {LEARN, 2, 0, 2, 3000, MAC_LEARNING_NEW, "mac2 on port 2"},
    {LEARN, 3, 0, 4, 3000, MAC_LEARNING_NEW, "mac3 on port 4"},
    {COUNT, 0, 0, 0, 3000, 4, "four entries"},
    {FLUSH_PORT, 0, 0, 2, 3000, 2, "flushing port 2 removes two"},
    {LOOKUP, 1, 0, 0, 3000, -ENOENT, "mac1 gone with port 2"},
    {LOOKUP, 3, 0, 4, 3000, 0, "mac3 kept"},
    {FLUSH_PORT, 0, 0, 9, 3000, 0, "flushing an unused port: none"},
    /* Aging: 300 s.  mac1/VLAN 5 learned at 1000, mac3 at 3000. */
    {LOOKUP, 1, 5, 3, 300999, 0, "VLAN 5 entry alive 1 ms before expiry"},
    {LOOKUP, 1, 5, 0, 301000, -ENOENT, "and gone at 300 s"},
    {COUNT, 0, 0, 0, 301000, 2, "expired entry still counted until freed"},
    {EXPIRE, 0, 0, 0, 301000, 1, "expire frees one"},
    {EXPIRE, 0, 0, 0, 302999, 0, "mac3 not yet"},
    {LEARN, 3, 0, 4, 302000, MAC_LEARNING_REFRESHED, "mac3 refreshed"},
    {EXPIRE, 0, 0, 0, 303000, 0, "refresh restarted its aging"},
    {LOOKUP, 3, 0, 4, 601999, 0, "alive until 602 s"},
    {LEARN, 3, 0, 5, 602000, MAC_LEARNING_NEW,
     "relearning an expired, unfreed entry is new"},
    {FLUSH, 0, 0, 0, 602000, 0, "flush all"},
    {COUNT, 0, 0, 0, 602000, 0, "empty"},
};

static void
test_script(void)
{
    struct mac_learning *ml = mac_learning_create(300, 100);

    for (size_t i = 0; i < G_N_ELEMENTS(script); i++) {
        const struct step *s = &script[i];
        uint8_t mac[6];
        uint32_t port = 0xdead;
        long long got = 0;

        mac_n(s->mac, mac);
        switch (s->op) {
        case LEARN:
            got = mac_learning_learn(ml, mac, s->vlan, s->port, s->now);
            break;
        case LOOKUP:
            got = mac_learning_lookup(ml, mac, s->vlan, s->now, &port);
            if (!got && port != s->port) {
                diag_msg("port %u, want %u", port, s->port);
                got = -1;
            } else if (got && port != 0xdead) {
                diag_msg("port written on a miss");
                got = -2;
            }
            break;
        case EXPIRE:
            got = (long long) mac_learning_expire(ml, s->now);
            break;
        case FLUSH_PORT:
            got = (long long) mac_learning_flush_port(ml, s->port);
            break;
        case FLUSH:
            mac_learning_flush(ml);
            break;
        case COUNT:
            got = (long long) mac_learning_count(ml);
            break;
        }
        is_int(got, s->want, "step %zu: %s", i + 1, s->what);
    }
    mac_learning_destroy(ml);
}

static void
test_refused(void)
{
    struct mac_learning *ml = mac_learning_create(300, 10);
    static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    static const uint8_t mcast[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};
    uint8_t mac[6];

    mac_n(1, mac);
    is_int(mac_learning_learn(ml, bcast, 0, 1, 0), -EINVAL,
           "broadcast source: refused");
    is_int(mac_learning_learn(ml, mcast, 0, 1, 0), -EINVAL,
           "multicast source: refused");
    is_int(mac_learning_learn(ml, mac, 4096, 1, 0), -EINVAL,
           "VLAN 4096: refused");
    is_int(mac_learning_learn(ml, mac, 4095, 1, 0), MAC_LEARNING_NEW,
           "VLAN 4095: learned");
    is_int((long long) mac_learning_count(ml), 1,
           "refused addresses left no entry");
    mac_learning_destroy(ml);
    mac_learning_destroy(NULL);
    ok(true, "mac_learning_destroy(NULL) is harmless");
}

static void
test_idle_time(void)
{
    struct mac_learning *ml = mac_learning_create(5, 10);
    uint8_t mac[6];
    uint32_t port;

    is_int(mac_learning_get_idle_time(ml), 15,
           "idle time below 15 s is raised to 15 s");
    is_int(mac_learning_set_idle_time(ml, 100000), 3600,
           "idle time above 3600 s is lowered to 3600 s");
    is_int(mac_learning_set_idle_time(ml, 60), 60, "60 s is kept");

    mac_n(7, mac);
    mac_learning_learn(ml, mac, 0, 1, 1000);
    is_int(mac_learning_next_expiry(ml), 61000,
           "next expiry: learned + idle time");
    mac_learning_set_idle_time(ml, 30);
    ok(mac_learning_lookup(ml, mac, 0, 31000, &port) == -ENOENT,
       "a shorter idle time applies to existing entries");
    mac_learning_flush(ml);
    is_int(mac_learning_next_expiry(ml), LLONG_MAX,
           "next expiry of an empty table: LLONG_MAX");
    mac_learning_destroy(ml);

    ml = mac_learning_create(MAC_LEARNING_DEFAULT_IDLE_TIME,
                             MAC_LEARNING_DEFAULT_MAX);
    is_int(mac_learning_get_idle_time(ml), 300, "default idle time: 300 s");
    mac_learning_destroy(ml);
}

static void
test_eviction(void)
{
    struct mac_learning *ml = mac_learning_create(300, 4);
    uint8_t mac[6];
    uint32_t port;
    int present = 0;

    for (unsigned int i = 1; i <= 4; i++) {
        mac_n(i, mac);
        mac_learning_learn(ml, mac, 0, i, i);
    }
    /* Refresh mac1: mac2 becomes the least recently learned. */
    mac_n(1, mac);
    mac_learning_learn(ml, mac, 0, 1, 10);
    mac_n(5, mac);
    is_int(mac_learning_learn(ml, mac, 0, 5, 11), MAC_LEARNING_NEW,
           "full table: a fifth MAC is still learned");
    is_int((long long) mac_learning_count(ml), 4, "the table stays at 4");
    mac_n(2, mac);
    ok(mac_learning_lookup(ml, mac, 0, 11, &port) == -ENOENT,
       "the least recently learned (mac2) was evicted");
    mac_n(1, mac);
    ok(!mac_learning_lookup(ml, mac, 0, 11, &port) && port == 1,
       "the refreshed oldest (mac1) was kept");

    mac_learning_set_max_entries(ml, 2);
    is_int((long long) mac_learning_count(ml), 2,
           "shrinking the limit to 2 evicts down to 2");
    mac_n(5, mac);
    ok(!mac_learning_lookup(ml, mac, 0, 11, &port) && port == 5,
       "the newest entry survives the shrink");
    mac_n(1, mac);
    ok(!mac_learning_lookup(ml, mac, 0, 11, &port) && port == 1,
       "the second newest survives too");
    mac_learning_set_max_entries(ml, 0);
    is_int((long long) mac_learning_count(ml), 1, "a limit of 0 means 1");
    mac_learning_destroy(ml);

    /* The default limit under a flood of source addresses. */
    ml = mac_learning_create(300, MAC_LEARNING_DEFAULT_MAX);
    for (unsigned int i = 0; i < 10000; i++) {
        mac_n(i, mac);
        mac_learning_learn(ml, mac, (uint16_t) (i % 7), 1, i);
    }
    is_int((long long) mac_learning_count(ml), MAC_LEARNING_DEFAULT_MAX,
           "10000 MACs into the default table: 8192 kept");
    for (unsigned int i = 0; i < 10000; i++) {
        mac_n(i, mac);
        present += !mac_learning_lookup(ml, mac, (uint16_t) (i % 7), 10000,
                                        &port);
        if (i == 10000 - MAC_LEARNING_DEFAULT_MAX - 1) {
            is_int(present, 0, "the 1808 oldest were evicted");
        }
    }
    is_int(present, MAC_LEARNING_DEFAULT_MAX, "the 8192 newest are found");
    is_int((long long) mac_learning_expire(ml, 300000 + 1808), 1,
           "expiry frees in learning order");
    mac_learning_destroy(ml);
}

static void
test_grat_arp_lock(void)
{
    struct mac_learning *ml = mac_learning_create(300, 10);
    uint8_t mac[6], other[6];

    mac_n(1, mac);
    mac_n(2, other);
    mac_learning_learn(ml, mac, 0, 1, 0);
    ok(!mac_learning_is_grat_arp_locked(ml, mac, 0, 0),
       "a new entry is not locked");
    is_int(mac_learning_lock_grat_arp(ml, mac, 0, 1000), 0, "lock it");
    ok(mac_learning_is_grat_arp_locked(ml, mac, 0, 5999),
       "locked 4999 ms later");
    ok(!mac_learning_is_grat_arp_locked(ml, mac, 0, 6000),
       "unlocked 5000 ms later");
    ok(!mac_learning_is_grat_arp_locked(ml, mac, 1, 1000),
       "the lock is per VLAN");
    is_int(mac_learning_lock_grat_arp(ml, other, 0, 1000), -ENOENT,
           "locking an unknown MAC: -ENOENT");
    mac_learning_destroy(ml);
}

static void
collect(const struct mac_learning_entry_info *e, void *aux)
{
    GString *s = aux;

    g_string_append_printf(s, "%u/%u/%u/%u ", e->mac[5], e->vlan, e->port,
                           e->age);
}

static const char *
port_name(uint32_t port, void *aux)
{
    return port == 1 ? "eth0" : NULL;
}

static void
test_show(void)
{
    struct mac_learning *ml = mac_learning_create(300, 10);
    GString *s = g_string_new(NULL);
    uint8_t mac[6];

    mac_n(2, mac);
    mac_learning_learn(ml, mac, 0, 12345, -295000); /* expired at 10999 */
    mac_n(3, mac);
    mac_learning_learn(ml, mac, 0, 1, 1000);
    mac_n(1, mac);
    mac_learning_learn(ml, mac, 10, 2, 2500);
    mac_learning_learn(ml, (uint8_t[]){0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff},
                       4095, FLOW_PORT_LOCAL, 9000);

    mac_learning_foreach(ml, 10999, collect, s);
    is_str(s->str, "3/0/1/9 1/10/2/8 255/4095/65534/1 ",
           "foreach: oldest first, ages in whole seconds, expired skipped");

    g_string_truncate(s, 0);
    mac_learning_format(ml, 10999, NULL, NULL, s);
    is_str(s->str,
           " port  VLAN  MAC                Age\n"
           "    1     0  02:00:00:00:00:03    9\n"
           "    2    10  02:00:00:00:00:01    8\n"
           "LOCAL  4095  aa:bb:cc:dd:ee:ff    1\n",
           "fdb/show text, ports by number");
    g_string_truncate(s, 0);
    mac_learning_format(ml, 10999, port_name, NULL, s);
    ok(g_str_has_suffix(s->str, "Age\n"
                                " eth0     0  02:00:00:00:00:03    9\n"
                                "    2    10  02:00:00:00:00:01    8\n"
                                "LOCAL  4095  aa:bb:cc:dd:ee:ff    1\n"),
       "fdb/show text, with a port name");
    g_string_free(s, TRUE);
    mac_learning_destroy(ml);
}

int
main(void)
{
    test_script();
    test_refused();
    test_idle_time();
    test_eviction();
    test_grat_arp_lock();
    test_show();
    return done_testing();
}
