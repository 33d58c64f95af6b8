/* test-netdev.c -- tests of reconfigure/netdev.c.
 *
 * Part 1 drives the recorder (needs no privileges) and checks the exact
 * lines it logs, its view of which links exist, argument checking and the
 * exact error messages.
 *
 * Part 2 drives the real, netlink implementation.  It needs root: the
 * process moves itself into a new, anonymous network namespace with
 * unshare(CLONE_NEWNET), so the host's interfaces are never seen and
 * nothing can outlive the test (the namespace dies with the process, on
 * every exit path, crash included).  It builds a veth pair there with ip(8)
 * and reads every result back with ip(8), independently of libnl: links up
 * and down, MTU, addresses, routes, a Linux bridge and its ports, the
 * capability probes, and the kernel's own error messages.  Without root
 * (or without ip(8), or if unshare() is refused) part 2 is reported as
 * skipped. */
#include <config.h>

#include <errno.h>
#include <glib.h>
#include <sched.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "diag.h"
#include "netdev.h"
#include "tap.h"

/* The last message in 'd', or "" if there is none. */
static const char *
last_msg(const struct diag *d)
{
    size_t n = diag_count(d);

    return n ? diag_get(d, n - 1) : "";
}

/* Part 1: the recorder. */

static void
test_recorder(void)
{
    GString *log = g_string_new(NULL);
    struct diag *d = diag_new();
    struct netdev *nd = netdev_open_recorder(log);
    char mac[18];
    const char *expected;

    netdev_close(NULL);

    netdev_fake_add_link(nd, "eth0", "00:16:3E:AA:BB:CC");
    netdev_fake_add_link(nd, "eth1", NULL);
    ok(netdev_exists(nd, "eth0"), "recorder: eth0 exists");
    ok(!netdev_exists(nd, "eth9"), "recorder: eth9 does not exist");
    ok(!netdev_exists(nd, ""), "recorder: an empty name does not exist");

    is_int(netdev_get_mac(nd, "eth0", mac), 0, "recorder: mac of eth0");
    is_str(mac, "00:16:3e:aa:bb:cc", "recorder: the mac is lower case");
    strcpy(mac, "untouched");
    is_int(netdev_get_mac(nd, "eth1", mac), -ENODATA,
           "recorder: eth1 has no mac");
    is_int(netdev_get_mac(nd, "eth9", mac), -ENODEV,
           "recorder: eth9 has no mac either");
    is_str(mac, "untouched", "recorder: mac not written on failure");

    /* Every operation, once. */
    is_int(netdev_set_up(nd, "eth0", 1500, d), 0, "recorder: up with mtu");
    is_int(netdev_set_up(nd, "eth0", 0, d), 0, "recorder: up");
    is_int(netdev_set_down(nd, "eth0", d), 0, "recorder: down");
    is_int(netdev_set_mtu(nd, "eth0", 9000, d), 0, "recorder: mtu");
    is_int(netdev_bridge_add(nd, "xenbr0", d), 0, "recorder: bridge add");
    ok(netdev_exists(nd, "xenbr0"), "recorder: the new bridge exists");
    is_int(netdev_enslave(nd, "eth0", "xenbr0", d), 0, "recorder: enslave");
    is_int(netdev_release(nd, "eth0", d), 0, "recorder: release");
    is_int(netdev_addr_flush(nd, "xenbr0", d), 0, "recorder: addr flush");
    is_int(netdev_addr_add(nd, "xenbr0", "10.0.0.1", "255.0.0.0", d), 0,
           "recorder: addr add, dotted netmask");
    is_int(netdev_addr_add(nd, "xenbr0", "192.168.1.10", "24", d), 0,
           "recorder: addr add, prefix length");
    is_int(netdev_route_add(nd, "192.168.2.0", 24, "10.0.0.254", "xenbr0",
                            d), 0, "recorder: route add via gateway");
    is_int(netdev_route_add(nd, "172.16.0.0", 12, NULL, "xenbr0", d), 0,
           "recorder: route add on link");
    is_int(netdev_route_add(nd, "172.17.0.0", 16, "", "xenbr0", d), 0,
           "recorder: route add, empty gateway");
    is_int(netdev_default_route_replace(nd, "10.0.0.254", "xenbr0", d), 0,
           "recorder: default route");
    is_int(netdev_route_flush_dev(nd, "xenbr0", d), 0,
           "recorder: route flush");
    is_int(netdev_vlan_add(nd, "eth0", 5, "eth0.5", d), 0,
           "recorder: vlan add");
    ok(netdev_exists(nd, "eth0.5"), "recorder: the vlan exists");
    is_int(netdev_bond_add(nd, "bond0", "active-backup", d), 0,
           "recorder: bond add with a mode");
    is_int(netdev_bond_add(nd, "bond1", NULL, d), 0,
           "recorder: bond add, default mode");
    is_int(netdev_bridge_del(nd, "xenbr0", d), 0, "recorder: bridge del");
    ok(!netdev_exists(nd, "xenbr0"), "recorder: the bridge is gone");
    is_int(diag_count(d), 0, "recorder: no messages");
    expected =
        "link eth0 up mtu 1500\n"
        "link eth0 up\n"
        "link eth0 down\n"
        "link eth0 mtu 9000\n"
        "bridge add xenbr0\n"
        "link eth0 master xenbr0\n"
        "link eth0 nomaster\n"
        "addr flush dev xenbr0\n"
        "addr add 10.0.0.1/8 dev xenbr0\n"
        "addr add 192.168.1.10/24 dev xenbr0\n"
        "route add 192.168.2.0/24 via 10.0.0.254 dev xenbr0\n"
        "route add 172.16.0.0/12 dev xenbr0\n"
        "route add 172.17.0.0/16 dev xenbr0\n"
        "route replace default via 10.0.0.254 dev xenbr0\n"
        "route flush dev xenbr0\n"
        "vlan add eth0.5 link eth0 id 5\n"
        "bond add bond0 mode active-backup\n"
        "bond add bond1\n"
        "bridge del xenbr0\n";
    is_str(log->str, expected, "recorder: the log");

    /* Failures: exact messages, nothing logged. */
    g_string_truncate(log, 0);
#define FAILS(CALL, ERR, MSG, NAME)                                 \
    do {                                                            \
        diag_clear(d);                                              \
        is_int(CALL, ERR, "recorder: %s fails", NAME);              \
        is_str(last_msg(d), MSG, "recorder: %s message", NAME);     \
        is_int(diag_count(d), 1, "recorder: %s, one message", NAME); \
    } while (0)
    FAILS(netdev_set_up(nd, "eth9", 0, d), -ENODEV,
          "link eth9 up: No such device", "missing device");
    FAILS(netdev_enslave(nd, "eth0", "xenbr9", d), -ENODEV,
          "link eth0 master xenbr9: No such device", "missing master");
    FAILS(netdev_set_up(nd, "abcdefghijklmnop", 0, d), -EINVAL,
          "link abcdefghijklmnop up: invalid device name "
          "\"abcdefghijklmnop\"", "long name");
    FAILS(netdev_set_down(nd, "a/b", d), -EINVAL,
          "link a/b down: invalid device name \"a/b\"", "name with /");
    FAILS(netdev_set_mtu(nd, "eth0", 0, d), -EINVAL,
          "link eth0 mtu 0: invalid MTU 0", "mtu 0");
    FAILS(netdev_set_up(nd, "eth0", -5, d), -EINVAL,
          "link eth0 up mtu -5: invalid MTU -5", "negative mtu");
    FAILS(netdev_addr_add(nd, "eth0", "10.0.0.1", "255.0.255.0", d),
          -EINVAL, "addr add 10.0.0.1/255.0.255.0 dev eth0: "
          "invalid netmask \"255.0.255.0\"", "holey netmask");
    FAILS(netdev_addr_add(nd, "eth0", "10.0.0.1", "33", d), -EINVAL,
          "addr add 10.0.0.1/33 dev eth0: invalid netmask \"33\"",
          "prefix 33");
    FAILS(netdev_addr_add(nd, "eth0", "10.0.0.1", "", d), -EINVAL,
          "addr add 10.0.0.1/ dev eth0: invalid netmask \"\"",
          "empty netmask");
    FAILS(netdev_addr_add(nd, "eth0", "10.0.0.256", "8", d), -EINVAL,
          "addr add 10.0.0.256/8 dev eth0: "
          "invalid IPv4 address \"10.0.0.256\"", "bad address");
    FAILS(netdev_addr_add(nd, "eth9", "10.0.0.1", "8", d), -ENODEV,
          "addr add 10.0.0.1/8 dev eth9: No such device", "addr, no dev");
    FAILS(netdev_addr_flush(nd, "eth9", d), -ENODEV,
          "addr flush dev eth9: No such device", "flush, no dev");
    FAILS(netdev_route_add(nd, "10.0.0.1", 8, NULL, "eth0", d), -EINVAL,
          "route add 10.0.0.1/8 dev eth0: host bits set in destination",
          "route with host bits");
    FAILS(netdev_route_add(nd, "10.0.0.0", 33, NULL, "eth0", d), -EINVAL,
          "route add 10.0.0.0/33 dev eth0: invalid prefix length 33",
          "route /33");
    FAILS(netdev_route_add(nd, "10.0.0.0", 8, "10.0.0.x", "eth0", d),
          -EINVAL, "route add 10.0.0.0/8 via 10.0.0.x dev eth0: "
          "invalid IPv4 address \"10.0.0.x\"", "bad gateway");
    FAILS(netdev_default_route_replace(nd, "10.0.0.1", "eth9", d), -ENODEV,
          "route replace default via 10.0.0.1 dev eth9: No such device",
          "default route, no dev");
    FAILS(netdev_route_flush_dev(nd, "eth9", d), -ENODEV,
          "route flush dev eth9: No such device", "route flush, no dev");
    FAILS(netdev_bridge_add(nd, "eth0", d), -EEXIST,
          "bridge add eth0: File exists", "bridge add over a device");
    FAILS(netdev_bridge_del(nd, "eth0", d), -EINVAL,
          "bridge del eth0: eth0 is not a bridge", "bridge del non-bridge");
    FAILS(netdev_bridge_del(nd, "xenbr9", d), -ENODEV,
          "bridge del xenbr9: No such device", "bridge del missing");
    FAILS(netdev_vlan_add(nd, "eth0", 4095, "eth0.4095", d), -EINVAL,
          "vlan add eth0.4095 link eth0 id 4095: "
          "invalid VLAN tag 4095 (must be 0 to 4094)", "vlan tag 4095");
    FAILS(netdev_vlan_add(nd, "eth9", 7, "eth9.7", d), -ENODEV,
          "vlan add eth9.7 link eth9 id 7: No such device",
          "vlan on a missing parent");
    FAILS(netdev_bond_add(nd, "bond2", "balance-slb", d), -EINVAL,
          "bond add bond2 mode balance-slb: \"balance-slb\" is not a mode "
          "of the Linux bonding driver", "bond mode balance-slb");

    ok(netdev_can_bond(nd) && netdev_can_vlan(nd),
       "recorder: capable by default");
    netdev_fake_set_capabilities(nd, false, false);
    ok(!netdev_can_bond(nd), "recorder: no bonding when told so");
    ok(!netdev_can_vlan(nd), "recorder: no 802.1Q when told so");
    FAILS(netdev_vlan_add(nd, "eth1", 7, "eth1.7", d), -EOPNOTSUPP,
          "vlan add eth1.7 link eth1 id 7: this kernel has no 802.1Q "
          "support", "vlan without 802.1Q");
    FAILS(netdev_bond_add(nd, "bond2", "802.3ad", d), -EOPNOTSUPP,
          "bond add bond2 mode 802.3ad: this kernel has no bonding support",
          "bond without bonding");
    ok(!netdev_exists(nd, "eth1.7") && !netdev_exists(nd, "bond2"),
       "recorder: failed creations leave no links");
    is_str(log->str, "", "recorder: failures are not logged");

    /* A NULL diag is allowed. */
    is_int(netdev_set_up(nd, "eth9", 0, NULL), -ENODEV,
           "recorder: NULL diag");
#undef FAILS

    netdev_close(nd);
    diag_free(d);
    g_string_free(log, TRUE);
}

/* Part 2: the kernel. */

static char *ip_path;

/* Runs ip(8) with the arguments given (NULL-terminated).  Returns its
 * standard output (caller frees), or NULL if it failed. */
static char * G_GNUC_NULL_TERMINATED
ip(const char *arg, ...)
{
    GPtrArray *argv = g_ptr_array_new();
    GError *error = NULL;
    char *out = NULL, *err = NULL;
    int status;
    va_list args;

    g_ptr_array_add(argv, ip_path);
    va_start(args, arg);
    for (; arg; arg = va_arg(args, const char *)) {
        g_ptr_array_add(argv, (char *) arg);
    }
    va_end(args);
    g_ptr_array_add(argv, NULL);

    if (!g_spawn_sync(NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT,
                      NULL, NULL, &out, &err, &status, &error)) {
        diag_msg("cannot run ip: %s", error->message);
        g_error_free(error);
    } else if (!g_spawn_check_wait_status(status, NULL)) {
        g_free(out);
        out = NULL;
    }
    g_free(err);
    g_ptr_array_free(argv, TRUE);
    return out;
}

/* ip -o link show dev DEV, or "" if there is no such device. */
static char *
link_show(const char *dev)
{
    char *out = ip("-o", "-d", "link", "show", "dev", dev, NULL);

    return out ? out : g_strdup("");
}

static bool
link_has(const char *dev, const char *needle)
{
    char *s = link_show(dev);
    bool found = strstr(s, needle) != NULL;

    g_free(s);
    return found;
}

/* Whether flag 'flag' is in the <...> flags of 'dev'. */
static bool
link_flag(const char *dev, const char *flag)
{
    char *s = link_show(dev);
    char *open = strchr(s, '<'), *close = open ? strchr(open, '>') : NULL;
    bool found = false;

    if (close) {
        char **flags;

        *close = '\0';
        flags = g_strsplit(open + 1, ",", -1);
        found = g_strv_contains((const char *const *) flags, flag);
        g_strfreev(flags);
    }
    g_free(s);
    return found;
}

static int
link_mtu(const char *dev)
{
    char *s = link_show(dev);
    char *p = strstr(s, " mtu ");
    int mtu = p ? atoi(p + 5) : -1;

    g_free(s);
    return mtu;
}

static char *
link_mac(const char *dev)
{
    char *s = link_show(dev);
    char *p = strstr(s, "link/ether ");
    char *mac = p ? g_strndup(p + 11, 17) : g_strdup("");

    g_free(s);
    return mac;
}

/* ip -o -4 addr show dev DEV. */
static char *
addrs(const char *dev)
{
    char *out = ip("-o", "-4", "addr", "show", "dev", dev, NULL);

    return out ? out : g_strdup("");
}

static int
count_lines_with(const char *text, const char *needle)
{
    char **lines = g_strsplit(text, "\n", -1);
    int n = 0;

    for (char **l = lines; *l; l++) {
        n += strstr(*l, needle) != NULL;
    }
    g_strfreev(lines);
    return n;
}

static int
addr_count(const char *dev, const char *needle)
{
    char *s = addrs(dev);
    int n = count_lines_with(s, needle);

    g_free(s);
    return n;
}

/* ip -4 route show table main: the number of lines containing 'needle'. */
static int
route_count(const char *needle)
{
    char *s = ip("-4", "route", "show", "table", "main", NULL);
    int n = s ? count_lines_with(s, needle) : -1;

    g_free(s);
    return n;
}

/* The same, among routes of protocol "boot" (which ip(8) does not print:
 * it is what "ip route add" uses, and what netdev.c uses). */
static int
boot_route_count(const char *needle)
{
    char *s = ip("-4", "route", "show", "table", "main", "proto", "boot",
                 NULL);
    int n = s ? count_lines_with(s, needle) : -1;

    g_free(s);
    return n;
}

/* Whether ip(8) can create a link of 'type' here (then deleted), which is
 * what the probes should answer. */
static bool
ip_can_create(const char *type)
{
    char *out;

    if (!strcmp(type, "vlan")) {
        out = ip("link", "add", "link", "xsv0", "name", "xsvtv0", "type",
                 "vlan", "id", "7", NULL);
    } else {
        out = ip("link", "add", "xsvtb0", "type", type, NULL);
    }
    if (!out) {
        return false;
    }
    g_free(out);
    g_free(ip("link", "del", !strcmp(type, "vlan") ? "xsvtv0" : "xsvtb0",
              NULL));
    return true;
}

static void
test_links(struct netdev *nd, struct diag *d)
{
    char mac[18] = "";
    char *want;

    ok(netdev_exists(nd, "lo"), "kernel: lo exists");
    ok(!netdev_exists(nd, "nosuch0"), "kernel: nosuch0 does not exist");
    ok(netdev_exists(nd, "xsv0"), "kernel: the veth exists");

    is_int(netdev_get_mac(nd, "xsv0", mac), 0, "kernel: get mac");
    want = link_mac("xsv0");
    is_str(mac, want, "kernel: the mac is the one ip shows");
    g_free(want);
    strcpy(mac, "untouched");
    is_int(netdev_get_mac(nd, "nosuch0", mac), -ENODEV,
           "kernel: no mac for a missing device");
    is_str(mac, "untouched", "kernel: mac not written on failure");

    ok(!link_flag("xsv0", "UP"), "kernel: xsv0 starts down");
    is_int(netdev_set_up(nd, "xsv0", 0, d), 0, "kernel: set up");
    ok(link_flag("xsv0", "UP"), "kernel: xsv0 is up");
    is_int(link_mtu("xsv0"), 1500, "kernel: MTU left alone");
    is_int(netdev_set_up(nd, "xsv0", 1400, d), 0, "kernel: set up, mtu");
    ok(link_flag("xsv0", "UP"), "kernel: still up");
    is_int(link_mtu("xsv0"), 1400, "kernel: MTU 1400");
    is_int(netdev_set_down(nd, "xsv0", d), 0, "kernel: set down");
    ok(!link_flag("xsv0", "UP"), "kernel: xsv0 is down");
    is_int(link_mtu("xsv0"), 1400, "kernel: MTU kept when going down");
    is_int(netdev_set_mtu(nd, "xsv0", 9000, d), 0, "kernel: set mtu");
    is_int(link_mtu("xsv0"), 9000, "kernel: MTU 9000");
    ok(!link_flag("xsv0", "UP"), "kernel: set mtu leaves it down");
    is_int(diag_count(d), 0, "kernel: no messages so far");

    /* The kernel's own reasons. */
    diag_clear(d);
    is_int(netdev_set_mtu(nd, "xsv0", 70000, d), -EINVAL,
           "kernel: MTU 70000 refused with EINVAL");
    diag_msg("%s", last_msg(d));
    ok(strstr(last_msg(d), "link xsv0 mtu 70000: ") != NULL,
       "kernel: the message names the operation and device");
    ok(strstr(last_msg(d), "(kernel: mtu greater than device maximum)")
       != NULL, "kernel: the message carries the extended ACK");
    is_int(link_mtu("xsv0"), 9000, "kernel: MTU unchanged");

    diag_clear(d);
    is_int(netdev_set_up(nd, "nosuch0", 0, d), -ENODEV,
           "kernel: a missing device is ENODEV");
    diag_msg("%s", last_msg(d));
    ok(strstr(last_msg(d), "link nosuch0 up: No such device") != NULL,
       "kernel: the message names the device and the kernel's error");
    is_int(diag_count(d), 1, "kernel: one message");
    diag_clear(d);
}

static void
test_addrs(struct netdev *nd, struct diag *d)
{
    int v6_before, v6_after;
    char *s;

    is_int(netdev_set_up(nd, "xsv0", 1500, d), 0, "kernel: up for addrs");
    is_int(netdev_addr_add(nd, "xsv0", "10.1.2.3", "255.255.255.0", d), 0,
           "kernel: addr add, dotted netmask");
    is_int(addr_count("xsv0", "inet 10.1.2.3/24 brd 10.1.2.255 "), 1,
           "kernel: 10.1.2.3/24 with its broadcast address");
    is_int(netdev_addr_add(nd, "xsv0", "10.9.0.1", "16", d), 0,
           "kernel: addr add, prefix length");
    is_int(addr_count("xsv0", "inet 10.9.0.1/16 brd 10.9.255.255 "), 1,
           "kernel: 10.9.0.1/16");
    is_int(netdev_addr_add(nd, "xsv0", "10.9.0.1", "16", d), 0,
           "kernel: adding it again succeeds");
    is_int(addr_count("xsv0", "inet 10.9.0.1/"), 1,
           "kernel: and it is there once");
    is_int(netdev_addr_add(nd, "xsv0", "10.1.2.4", "24", d), 0,
           "kernel: a secondary address");
    is_int(addr_count("xsv0", "inet 10.1.2.4/24 brd 10.1.2.255 scope "
                      "global secondary"), 1, "kernel: it is secondary");
    is_int(addr_count("xsv0", "inet "), 3, "kernel: three addresses");
    is_int(netdev_addr_add(nd, "xsv0", "10.1.2.9", "32", d), 0,
           "kernel: a /32");
    is_int(addr_count("xsv0", "inet 10.1.2.9/32 scope"), 1,
           "kernel: /32 without broadcast");
    is_int(diag_count(d), 0, "kernel: no messages");

    diag_clear(d);
    is_int(netdev_addr_add(nd, "nosuch0", "10.1.2.3", "24", d), -ENODEV,
           "kernel: addr add on a missing device");
    is_str(last_msg(d), "addr add 10.1.2.3/24 dev nosuch0: No such device",
           "kernel: its message");
    diag_clear(d);

    /* Flushing removes IPv4 only. */
    s = ip("-o", "-6", "addr", "show", "dev", "xsv0", NULL);
    v6_before = s ? count_lines_with(s, "inet6 ") : -1;
    g_free(s);
    is_int(netdev_addr_flush(nd, "xsv0", d), 0, "kernel: addr flush");
    is_int(addr_count("xsv0", "inet "), 0, "kernel: no IPv4 addresses left");
    s = ip("-o", "-6", "addr", "show", "dev", "xsv0", NULL);
    v6_after = s ? count_lines_with(s, "inet6 ") : -1;
    g_free(s);
    is_int(v6_after, v6_before, "kernel: IPv6 addresses untouched");
    is_int(netdev_addr_flush(nd, "xsv0", d), 0,
           "kernel: flushing nothing is fine");
    is_int(diag_count(d), 0, "kernel: no messages");
    diag_clear(d);
}

static void
test_routes(struct netdev *nd, struct diag *d)
{
    g_free(ip("addr", "add", "10.5.0.1/24", "dev", "xsv1", NULL));
    is_int(netdev_addr_add(nd, "xsv0", "10.1.2.3", "24", d), 0,
           "kernel: address for routes");
    is_int(route_count("10.1.2.0/24 dev xsv0 proto kernel"), 1,
           "kernel: the kernel's prefix route is there");

    is_int(netdev_route_add(nd, "192.168.50.0", 24, "10.1.2.1", "xsv0", d),
           0, "kernel: route via a gateway");
    is_int(boot_route_count("192.168.50.0/24 via 10.1.2.1 dev xsv0 "),
           1, "kernel: it is there");
    is_int(netdev_route_add(nd, "172.16.0.0", 12, NULL, "xsv0", d), 0,
           "kernel: route on link");
    is_int(boot_route_count("172.16.0.0/12 dev xsv0 scope link"), 1,
           "kernel: it is there, scope link");
    is_int(netdev_route_add(nd, "192.168.70.0", 24, NULL, "xsv1", d), 0,
           "kernel: route out of the other device");
    is_int(diag_count(d), 0, "kernel: no messages");

    diag_clear(d);
    is_int(netdev_route_add(nd, "172.16.0.0", 12, NULL, "xsv0", d), -EEXIST,
           "kernel: the same route again is EEXIST");
    is_str(last_msg(d), "route add 172.16.0.0/12 dev xsv0: File exists",
           "kernel: its message");
    diag_clear(d);
    ok(netdev_route_add(nd, "192.168.60.0", 24, "10.200.0.1", "xsv0", d) < 0,
       "kernel: an unreachable gateway is refused");
    diag_msg("%s", last_msg(d));
    ok(strstr(last_msg(d), "route add 192.168.60.0/24 via 10.200.0.1 "
              "dev xsv0: ") != NULL, "kernel: the message names the route");
    ok(strstr(last_msg(d), "(kernel: Nexthop has invalid gateway)") != NULL,
       "kernel: and carries the kernel's reason");
    diag_clear(d);

    is_int(netdev_default_route_replace(nd, "10.1.2.1", "xsv0", d), 0,
           "kernel: default route");
    is_int(boot_route_count("default via 10.1.2.1 dev xsv0 "), 1,
           "kernel: default via 10.1.2.1");
    is_int(netdev_default_route_replace(nd, "10.1.2.254", "xsv0", d), 0,
           "kernel: default route replaced");
    is_int(route_count("default "), 1, "kernel: one default route");
    is_int(route_count("default via 10.1.2.254 dev xsv0"), 1,
           "kernel: default via 10.1.2.254");
    is_int(netdev_default_route_replace(nd, "10.5.0.254", "xsv1", d), 0,
           "kernel: default route moved to the other device");
    is_int(route_count("default via 10.5.0.254 dev xsv1"), 1,
           "kernel: default via xsv1");
    is_int(route_count("default "), 1, "kernel: still one default route");
    is_int(netdev_default_route_replace(nd, "10.1.2.1", "xsv0", d), 0,
           "kernel: and back");

    is_int(netdev_route_flush_dev(nd, "xsv0", d), 0, "kernel: route flush");
    is_int(route_count("dev xsv0"), 1, "kernel: one route left on xsv0");
    is_int(route_count("10.1.2.0/24 dev xsv0 proto kernel"), 1,
           "kernel: the kernel's prefix route");
    is_int(route_count("192.168.70.0/24 dev xsv1"), 1,
           "kernel: xsv1's route untouched");
    is_int(diag_count(d), 0, "kernel: no messages");

    diag_clear(d);
    is_int(netdev_route_flush_dev(nd, "nosuch0", d), -ENODEV,
           "kernel: route flush of a missing device");
    is_str(last_msg(d), "route flush dev nosuch0: No such device",
           "kernel: its message");
    diag_clear(d);
}

static void
test_bridge(struct netdev *nd, struct diag *d)
{
    is_int(netdev_bridge_add(nd, "xsvbr0", d), 0, "kernel: bridge add");
    ok(link_has("xsvbr0", " bridge "), "kernel: xsvbr0 is a bridge");
    diag_clear(d);
    is_int(netdev_bridge_add(nd, "xsvbr0", d), -EEXIST,
           "kernel: adding it again is EEXIST");
    is_str(last_msg(d), "bridge add xsvbr0: File exists",
           "kernel: its message");
    diag_clear(d);

    is_int(netdev_enslave(nd, "xsv0", "xsvbr0", d), 0, "kernel: enslave");
    ok(link_has("xsv0", " master xsvbr0 "), "kernel: xsv0 is a port");
    is_int(netdev_release(nd, "xsv0", d), 0, "kernel: release");
    ok(!link_has("xsv0", " master "), "kernel: xsv0 has no master");
    is_int(netdev_release(nd, "xsv0", d), 0,
           "kernel: releasing again is fine");
    is_int(diag_count(d), 0, "kernel: no messages");

    diag_clear(d);
    is_int(netdev_enslave(nd, "xsv0", "nosuchbr0", d), -ENODEV,
           "kernel: enslave to a missing master");
    is_str(last_msg(d), "link xsv0 master nosuchbr0: No such device",
           "kernel: its message");
    diag_clear(d);
    is_int(netdev_bridge_del(nd, "xsv0", d), -EINVAL,
           "kernel: bridge del of a veth");
    is_str(last_msg(d), "bridge del xsv0: xsv0 is not a bridge",
           "kernel: its message");
    ok(netdev_exists(nd, "xsv0"), "kernel: the veth survives");
    diag_clear(d);

    is_int(netdev_enslave(nd, "xsv0", "xsvbr0", d), 0, "kernel: re-enslave");
    is_int(netdev_bridge_del(nd, "xsvbr0", d), 0, "kernel: bridge del");
    ok(!netdev_exists(nd, "xsvbr0"), "kernel: the bridge is gone");
    ok(!link_has("xsv0", " master "), "kernel: its port was released");
    is_int(netdev_bridge_del(nd, "xsvbr0", d), -ENODEV,
           "kernel: deleting it again is ENODEV");
    is_str(last_msg(d), "bridge del xsvbr0: No such device",
           "kernel: its message");
    diag_clear(d);
}

static void
test_capabilities(struct netdev *nd, struct diag *d)
{
    bool bond = ip_can_create("bond");
    bool vlan = ip_can_create("vlan");
    char *all;

    diag_msg("ip(8) says: bond %s, vlan %s", bond ? "yes" : "no",
             vlan ? "yes" : "no");
    is_int(netdev_can_bond(nd), bond, "kernel: bond probe agrees with ip");
    is_int(netdev_can_vlan(nd), vlan, "kernel: vlan probe agrees with ip");
    is_int(netdev_can_bond(nd), bond, "kernel: bond answer cached");
    all = ip("-o", "link", "show", NULL);
    ok(all && !strstr(all, "xsvp"), "kernel: the probes left no links");
    g_free(all);

    diag_clear(d);
    if (vlan) {
        is_int(netdev_vlan_add(nd, "xsv0", 5, "xsv0.5", d), 0,
               "kernel: vlan add");
        ok(link_has("xsv0.5", "vlan protocol 802.1Q id 5 "),
           "kernel: xsv0.5 is VLAN 5");
    } else {
        is_int(netdev_vlan_add(nd, "xsv0", 5, "xsv0.5", d), -EOPNOTSUPP,
               "kernel: vlan add fails with EOPNOTSUPP");
        diag_msg("%s", last_msg(d));
        ok(g_str_has_prefix(last_msg(d), "vlan add xsv0.5 link xsv0 id 5: "
                            "this kernel has no 802.1Q support"),
           "kernel: and says why");
        ok(!netdev_exists(nd, "xsv0.5"), "kernel: no xsv0.5");
    }
    diag_clear(d);
    if (bond) {
        is_int(netdev_bond_add(nd, "xsvbond0", "active-backup", d), 0,
               "kernel: bond add");
        ok(link_has("xsvbond0", "bond mode active-backup "),
           "kernel: xsvbond0 is an active-backup bond");
    } else {
        is_int(netdev_bond_add(nd, "xsvbond0", "active-backup", d),
               -EOPNOTSUPP, "kernel: bond add fails with EOPNOTSUPP");
        diag_msg("%s", last_msg(d));
        ok(g_str_has_prefix(last_msg(d), "bond add xsvbond0 mode "
                            "active-backup: this kernel has no bonding "
                            "support"), "kernel: and says why");
        ok(!netdev_exists(nd, "xsvbond0"), "kernel: no xsvbond0");
    }
    diag_clear(d);
}

static void
test_kernel(void)
{
    struct netdev *nd = NULL;
    struct diag *d = diag_new();
    char *out;

    /* Only the test's own namespace from here on. */
    out = ip("link", "add", "xsv0", "type", "veth", "peer", "name", "xsv1",
             NULL);
    ok(out != NULL, "kernel: veth pair created in the test namespace");
    g_free(out);
    g_free(ip("link", "set", "xsv1", "up", NULL));

    is_int(netdev_open_netlink(&nd, d), 0, "kernel: open netlink");
    if (!nd) {
        diag_msg("%s", last_msg(d));
        diag_free(d);
        return;
    }
    test_links(nd, d);
    test_addrs(nd, d);
    test_routes(nd, d);
    test_bridge(nd, d);
    test_capabilities(nd, d);
    netdev_close(nd);
    diag_free(d);
}

int
main(void)
{
    const char *reason = NULL;

    test_recorder();

    ip_path = g_find_program_in_path("ip");
    if (!ip_path && access("/usr/sbin/ip", X_OK) == 0) {
        ip_path = g_strdup("/usr/sbin/ip");
    } else if (!ip_path && access("/sbin/ip", X_OK) == 0) {
        ip_path = g_strdup("/sbin/ip");
    }
    if (geteuid() != 0) {
        reason = "not root";
    } else if (!ip_path) {
        reason = "no ip(8)";
    } else if (unshare(CLONE_NEWNET) < 0) {
        reason = "unshare(CLONE_NEWNET) failed";
        diag_msg("unshare: %s", g_strerror(errno));
    }
    if (reason) {
        ok(true, "kernel tests # SKIP %s", reason);
    } else {
        test_kernel();
    }
    g_free(ip_path);
    return done_testing();
}
