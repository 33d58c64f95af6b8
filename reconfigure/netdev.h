/* netdev.h -- the OS-facing seam through which interface-reconfigure
 * changes links, addresses and routes.
 *
 * A struct netdev is an instance of one implementation behind a small
 * vtable (struct netdev_ops, private to netdev.c), in the manner of Open
 * vSwitch's lib/netdev-provider.h and lib/netdev-dummy.c:
 *
 *   - netdev_open_netlink(): the real one.  It talks rtnetlink through
 *     libnl-route-3 (never by running ip(8)) in the network namespace of the
 *     calling thread, and asks the kernel for extended ACKs so that the
 *     kernel's own explanation of a failure reaches the user.
 *
 *   - netdev_open_recorder(): for tests and --dry-run.  It changes nothing;
 *     each successful operation appends one line to a GString, in a syntax
 *     close to ip(8)'s:
 *
 *         link eth0 up
 *         link eth0 up mtu 1500
 *         link eth0 down
 *         link eth0 mtu 9000
 *         link eth0 master xenbr0
 *         link eth0 nomaster
 *         addr flush dev xenbr0
 *         addr add 10.0.0.1/8 dev xenbr0
 *         route add 192.168.1.0/24 via 10.0.0.254 dev xenbr0
 *         route add 172.16.0.0/12 dev xenbr0
 *         route replace default via 10.0.0.254 dev xenbr0
 *         route flush dev xenbr0
 *         bridge add xenbr0
 *         bridge del xenbr0
 *         vlan add eth0.5 link eth0 id 5
 *         bond add bond0 mode active-backup
 *
 *     Which links exist is answered from a list the caller fills with
 *     netdev_fake_add_link(); links that the recorder creates or deletes
 *     are added to or removed from that list.
 *
 * Arguments are checked the same way for both implementations, and the
 * same text (the recorder's line) names the operation in error messages.
 *
 * Errors: every function returning int returns 0 on success or a negative
 * errno value on failure, and then adds exactly one message to 'diag'
 * (which may be NULL).  The message is the operation, then the reason (the
 * kernel's errno text, or a more specific explanation), then the kernel's
 * extended-ACK text when it gave one, e.g.
 *
 *     link eth0 mtu 70000: Invalid argument (kernel: mtu greater than
 *     device maximum)
 *
 * Out-parameters are written only on success.  Nothing here logs above
 * debug level; callers log the messages. */
#ifndef RECONFIGURE_NETDEV_H
#define RECONFIGURE_NETDEV_H 1

#include <glib.h>
#include <stdbool.h>

struct diag;
struct netdev_ops;              /* The vtable (netdev.c). */
struct netdev;                  /* An instance: ops plus private state. */

/* Opening and closing. */

/* Opens a NETLINK_ROUTE socket in the current network namespace, with
 * NETLINK_EXT_ACK enabled where the kernel supports it.  On success stores
 * a new netdev in '*ndp' (owned by the caller: netdev_close()) and returns
 * 0; otherwise returns a negative errno value, adds a message to 'diag' and
 * leaves '*ndp' alone. */
int netdev_open_netlink(struct netdev **ndp, struct diag *diag);

/* Returns a new recorder (never NULL; owned by the caller: netdev_close()).
 * Each successful operation appends one line, ending in "\n", to 'log',
 * which the caller owns and must keep alive until netdev_close().  The
 * recorder starts with no links, and with bonding and 802.1Q support
 * (netdev_fake_set_capabilities() changes that). */
struct netdev *netdev_open_recorder(GString *log);

/* Recorder only: makes link 'name' exist, as an Ethernet device whose MAC
 * is 'mac' ("aa:bb:cc:dd:ee:ff", any case; NULL for a device without one,
 * for which netdev_get_mac() fails with -ENODATA).  Adding a name twice
 * replaces its MAC. */
void netdev_fake_add_link(struct netdev *, const char *name, const char *mac);

/* Recorder only: what netdev_can_bond() and netdev_can_vlan() answer, and
 * so whether netdev_bond_add() and netdev_vlan_add() succeed. */
void netdev_fake_set_capabilities(struct netdev *, bool bond, bool vlan);

/* Frees 'nd' and closes its socket.  Accepts NULL. */
void netdev_close(struct netdev *nd);

/* Queries. */

/* True if network device 'dev' exists.  A missing device, an invalid name,
 * and a failure to ask are all simply false. */
bool netdev_exists(struct netdev *, const char *dev);

/* Stores the Ethernet address of 'dev' in 'mac' as "aa:bb:cc:dd:ee:ff"
 * (lower case, NUL-terminated) and returns 0.  Returns -ENODEV if there is
 * no such device, -ENODATA if it has no 6-byte hardware address, or another
 * negative errno value. */
int netdev_get_mac(struct netdev *, const char *dev, char mac[18]);

/* Links. */

/* Sets 'dev' administratively up and, if 'mtu' is positive, its MTU, in
 * one request ("ip link set DEV up mtu MTU").  'mtu' 0 leaves the MTU. */
int netdev_set_up(struct netdev *, const char *dev, int mtu, struct diag *);

/* Sets 'dev' administratively down. */
int netdev_set_down(struct netdev *, const char *dev, struct diag *);

/* Sets the MTU of 'dev' to 'mtu' (positive), leaving it up or down. */
int netdev_set_mtu(struct netdev *, const char *dev, int mtu,
                   struct diag *);

/* Addresses (IPv4 only). */

/* Removes every IPv4 address of 'dev' (secondaries too).  IPv6 addresses
 * are left alone.  A device without addresses is not an error. */
int netdev_addr_flush(struct netdev *, const char *dev, struct diag *);

/* Adds IPv4 address 'ip' ("a.b.c.d") to 'dev', with the prefix length given
 * by 'netmask', either dotted ("255.255.255.0", contiguous) or a prefix
 * length as a string ("24").  The broadcast address is derived from the
 * mask (for prefixes up to /30), as ifup does.  Adding an address that is
 * already there succeeds (the kernel is asked to replace it). */
int netdev_addr_add(struct netdev *, const char *dev, const char *ip,
                    const char *netmask, struct diag *);

/* Routes (IPv4, main table). */

/* Adds the route 'dst'/'prefixlen' (a network address: no host bits set,
 * 0 <= prefixlen <= 32) out of 'dev', via gateway 'gw' ("a.b.c.d"), or
 * directly on the link (scope link) if 'gw' is NULL or "".  An identical
 * route that already exists gives -EEXIST, as "ip route add" does. */
int netdev_route_add(struct netdev *, const char *dst, int prefixlen,
                     const char *gw, const char *dev, struct diag *);

/* Adds the default route via 'gw' out of 'dev' (on the link if 'gw' is NULL
 * or ""), replacing the existing default route of the main table if there
 * is one ("ip route replace default via GW dev DEV"). */
int netdev_default_route_replace(struct netdev *, const char *gw,
                                 const char *dev, struct diag *);

/* Removes the IPv4 routes of the main table that leave through 'dev' (a
 * multipath route with any hop through 'dev' goes whole), except the prefix
 * routes the kernel itself keeps for the addresses of 'dev' (protocol
 * "kernel"): those come and go with the addresses.  Other tables and IPv6
 * are left alone. */
int netdev_route_flush_dev(struct netdev *, const char *dev, struct diag *);

/* Linux bridges. */

/* Creates Linux bridge 'br' (down, no ports).  -EEXIST if a device of that
 * name exists. */
int netdev_bridge_add(struct netdev *, const char *br, struct diag *);

/* Deletes Linux bridge 'br', releasing its ports.  -ENODEV if there is no
 * such device, -EINVAL if 'br' is not a bridge. */
int netdev_bridge_del(struct netdev *, const char *br, struct diag *);
/* Deletes link 'dev' of any kind (a VLAN or bond link).  Returns 0 or a
 * negative errno value (-ENODEV if it does not exist). */
int netdev_link_del(struct netdev *, const char *dev, struct diag *);

/* Makes 'dev' a port of 'master' (a bridge or a bond). */
int netdev_enslave(struct netdev *, const char *dev, const char *master,
                   struct diag *);

/* Detaches 'dev' from its master, if it has one. */
int netdev_release(struct netdev *, const char *dev, struct diag *);

/* Kernel capabilities, and the links that depend on them. */

/* Whether bonding (respectively 802.1Q VLAN) links can be created here.
 * The first call probes the kernel by asking it to create a uniquely named
 * throwaway link of that kind (deleted again at once if it was created;
 * the VLAN probe gives no parent, which a kernel that knows VLANs refuses
 * only after recognising the kind); the answer is cached in 'nd'.  Note
 * that on a kernel that loads modules on demand, the probe may load the
 * bonding or 8021q module. */
bool netdev_can_bond(struct netdev *nd);
bool netdev_can_vlan(struct netdev *nd);

/* Creates 802.1Q link 'name' on 'parent' with VLAN id 'tag' (0 to 4094).
 * Fails with -EOPNOTSUPP and "this kernel has no 802.1Q support" where the
 * kernel cannot create VLAN links. */
int netdev_vlan_add(struct netdev *, const char *parent, int tag,
                    const char *name, struct diag *);

/* Creates bonding master 'name' with the Linux bonding driver's mode 'mode'
 * (balance-rr, active-backup, balance-xor, broadcast, 802.3ad, balance-tlb,
 * balance-alb, or its number; NULL for the driver's default).  Other modes,
 * such as XenServer's balance-slb, give -EINVAL.  Fails with -EOPNOTSUPP and
 * "this kernel has no bonding support" where the kernel cannot create
 * bonds. */
int netdev_bond_add(struct netdev *, const char *name, const char *mode,
                    struct diag *);

#endif /* reconfigure/netdev.h */
