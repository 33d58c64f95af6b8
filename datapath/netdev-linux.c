/* netdev-linux.c -- device attributes by name, for the two Linux port
 * classes (netdev-afpacket.c, netdev-tap.c; declared in
 * netdev-provider.h).
 *
 * Link state, MAC, MTU and ifindex are read and set with the classic
 * SIOCGIF and SIOCSIF ioctls (and ETHTOOL_GLINK for the carrier) on one
 * datagram socket shared by the process:
 * these are single-device, synchronous operations, and the ioctls are the
 * kernel's cheapest interface for them (no netlink cache to keep).  The
 * socket is created at first use, in the network namespace of the thread
 * that first needs it; every port of a process lives in that namespace.
 * The ioctls are safe to issue from several threads at once. */
#include <config.h>

#include "netdev-provider.h"

#include <errno.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <glib.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "diag.h"

static int ioctl_sock = -1;

/* Returns the shared ioctl socket, or a negative errno. */
static int
get_ioctl_sock(void)
{
    int fd = __atomic_load_n(&ioctl_sock, __ATOMIC_ACQUIRE);
    int expected = -1;

    if (fd >= 0) {
        return fd;
    }
    fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -errno;
    }
    if (!__atomic_compare_exchange_n(&ioctl_sock, &expected, fd, false,
                                     __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        close(fd);              /* Another thread won the race. */
        fd = expected;
    }
    return fd;
}

/* Issues 'cmd' on device 'name' with 'ifr' (whose name it fills).
 * Returns 0 or a negative errno. */
static int
do_ioctl(const char *name, unsigned long cmd, struct ifreq *ifr)
{
    int fd = get_ioctl_sock();
    size_t len = strlen(name);

    if (fd < 0) {
        return fd;
    }
    if (len >= IFNAMSIZ) {
        return -ENODEV;
    }
    memcpy(ifr->ifr_name, name, len + 1);
    return ioctl(fd, cmd, ifr) < 0 ? -errno : 0;
}

int
dp_netdev_linux_check_name(const char *name, struct diag *diag)
{
    size_t len = strlen(name);

    if (!len || len >= IFNAMSIZ || strchr(name, '/')
        || strcspn(name, " \t\n:") != len || !strcmp(name, ".")
        || !strcmp(name, "..")) {
        diag_add(diag, "\"%s\": not a valid device name", name);
        return -EINVAL;
    }
    return 0;
}

int
dp_netdev_linux_get_flags(const char *name, unsigned int *flags)
{
    struct ifreq ifr;
    int error;

    memset(&ifr, 0, sizeof ifr);
    error = do_ioctl(name, SIOCGIFFLAGS, &ifr);
    if (!error) {
        *flags = (unsigned short) ifr.ifr_flags;
    }
    return error;
}

int
dp_netdev_linux_get_carrier(const char *name, bool *carrier)
{
    struct ethtool_value ev = { .cmd = ETHTOOL_GLINK };
    unsigned int flags;
    struct ifreq ifr;
    int error;

    error = dp_netdev_linux_get_flags(name, &flags);
    if (error) {
        return error;
    }
    if (!(flags & IFF_UP)) {
        *carrier = false;
        return 0;
    }
    /* The carrier itself, as the driver has it now; IFF_RUNNING follows
     * it only when the kernel's link watcher has run. */
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_data = (void *) &ev;
    if (!do_ioctl(name, SIOCETHTOOL, &ifr)) {
        *carrier = ev.data != 0;
    } else {
        *carrier = (flags & IFF_RUNNING) != 0;
    }
    return 0;
}

int
dp_netdev_linux_get_mac(const char *name, uint8_t mac[6])
{
    struct ifreq ifr;
    int error;

    memset(&ifr, 0, sizeof ifr);
    error = do_ioctl(name, SIOCGIFHWADDR, &ifr);
    if (!error) {
        if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER) {
            return -EAFNOSUPPORT;
        }
        memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
    }
    return error;
}

int
dp_netdev_linux_set_mac(const char *name, const uint8_t mac[6],
                        struct diag *diag)
{
    struct ifreq ifr;
    int error;

    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
    memcpy(ifr.ifr_hwaddr.sa_data, mac, 6);
    error = do_ioctl(name, SIOCSIFHWADDR, &ifr);
    if (error) {
        diag_add(diag, "%s: cannot set MAC address "
                 "%02x:%02x:%02x:%02x:%02x:%02x: %s", name, mac[0], mac[1],
                 mac[2], mac[3], mac[4], mac[5], g_strerror(-error));
    }
    return error;
}

int
dp_netdev_linux_get_mtu(const char *name, int *mtup)
{
    struct ifreq ifr;
    int error;

    memset(&ifr, 0, sizeof ifr);
    error = do_ioctl(name, SIOCGIFMTU, &ifr);
    if (!error) {
        *mtup = ifr.ifr_mtu;
    }
    return error;
}

int
dp_netdev_linux_set_mtu(const char *name, int mtu, struct diag *diag)
{
    struct ifreq ifr;
    int error;

    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_mtu = mtu;
    error = do_ioctl(name, SIOCSIFMTU, &ifr);
    if (error) {
        diag_add(diag, "%s: cannot set MTU %d: %s", name, mtu,
                 g_strerror(-error));
    }
    return error;
}

int
dp_netdev_linux_get_ifindex(const char *name)
{
    struct ifreq ifr;
    int error;

    memset(&ifr, 0, sizeof ifr);
    error = do_ioctl(name, SIOCGIFINDEX, &ifr);
    return error ? error : ifr.ifr_ifindex;
}

int
dp_netdev_linux_set_up(const char *name, bool up, struct diag *diag)
{
    struct ifreq ifr;
    int error;

    memset(&ifr, 0, sizeof ifr);
    error = do_ioctl(name, SIOCGIFFLAGS, &ifr);
    if (!error) {
        if (up) {
            ifr.ifr_flags |= IFF_UP;
        } else {
            ifr.ifr_flags &= ~IFF_UP;
        }
        error = do_ioctl(name, SIOCSIFFLAGS, &ifr);
    }
    if (error) {
        diag_add(diag, "%s: cannot bring the device %s: %s", name,
                 up ? "up" : "down", g_strerror(-error));
    }
    return error;
}

void
dp_netdev_random_mac(uint8_t mac[6])
{
    for (int i = 0; i < 6; i++) {
        mac[i] = g_random_int_range(0, 256);
    }
    mac[0] = (mac[0] & 0xfe) | 0x02;    /* Unicast, locally administered. */
}
