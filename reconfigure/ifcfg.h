/* ifcfg.h -- the initscripts files interface-reconfigure writes, and the
 * other_config keys that shape them.
 *
 * Everything here builds contents in memory, into struct cfgfiles (see
 * cfgfile.h) that the caller closes, applies and commits or reverts; the
 * only file read is the current /etc/sysconfig/network, by ifcfg_ipdev().
 *
 *   ifcfg_ipdev()        ifcfg-<ipdev>, with route-<ipdev> and, when this
 *                        PIF is the DNS or gateway device,
 *                        /etc/sysconfig/network attached as children;
 *   ifcfg_routes()       route-<ipdev> alone;
 *   ifcfg_network_file() /etc/sysconfig/network alone;
 *   ifcfg_datapath()     the Linux-bridge backend's datapath files
 *                        (physical, bond with slaves, VLAN on its parent);
 *   ifr_ethtool_settings(), ifr_mtu_setting()
 *                        the ethtool-* and mtu keys, shared with the
 *                        Open vSwitch backend.
 *
 * Log messages ("Writing network configuration for ...", "Configuring ...",
 * warnings about invalid values) are worded as the original's.
 *
 * Every value written into a file is checked first: these files are
 * sourced by a root shell, so a device name must be a valid Linux
 * interface name and a value may not contain characters that would end
 * its quoting; such a value fails the generation with -EINVAL. */
#ifndef RECONFIGURE_IFCFG_H
#define RECONFIGURE_IFCFG_H 1

#include <glib.h>
#include <stdbool.h>

struct cfgfile;
struct dbcache;
struct dbc_map;
struct dbc_network;
struct dbc_pif;
struct diag;

/* Where the files go and how they are labelled. */
/* What unset offloads default to on a physical NIC: "on", "off", or NULL
 * to leave the driver's setting alone.  The original forced both off;
 * XAPI later made GRO on the default, so here GRO is left alone unless
 * interface-reconfigure.conf says otherwise (gro=on|off|unchanged), while
 * LRO stays off (it breaks bridging). */
struct ifr_nic_defaults {
    const char *gro;
    const char *lro;
};

/* gro unchanged, lro off. */
extern const struct ifr_nic_defaults ifr_default_nic_defaults;

struct ifcfg_ctx {
    const struct dbcache *db;   /* The model the PIFs belong to. */
    const char *prog;           /* Program name for the "DO NOT EDIT"
                                 * headers: basename(argv[0]). */
    const char *root_prefix;    /* Prepended to every path; "" or NULL for
                                 * none. */
    const struct ifr_nic_defaults *nic;  /* NULL: the default defaults. */
};

/* The backend, as chosen from /etc/xensource/network.conf. */
enum ifcfg_backend {
    IFCFG_VSWITCH,              /* "openvswitch" or "vswitch" */
    IFCFG_BRIDGE,               /* "bridge" */
};

/* Returns "<root_prefix>/etc/sysconfig/network-scripts/<kind>-<dev>", for
 * 'kind' "ifcfg" or "route".  The caller frees it (g_free). */
char *ifcfg_script_path(const char *root_prefix, const char *kind,
                        const char *dev);

/* Builds /etc/sysconfig/network-scripts/ifcfg-<ipdev> for bringing 'pif'
 * up with 'backend' (section 4.3 of the behaviour reference), and attaches
 * to it, in this order, route-<ipdev> (ifcfg_routes()) and, if this PIF is
 * the DNS or gateway device, /etc/sysconfig/network (ifcfg_network_file(),
 * given the file's current contents).  'management' is the management PIF
 * (may be NULL).
 *
 * Logs "Writing network configuration for <ipdev>" and "Configuring
 * <ipdev> using <mode> configuration", and a warning per invalid ethtool or
 * MTU setting of the network.
 *
 * On success stores the new OPEN file in '*filep' (the caller owns it) and
 * returns 0.  Fails with -EINVAL (unknown ip_configuration_mode, malformed
 * static-routes, unsafe value), -ENOENT (the PIF has no network) or the
 * error reading /etc/sysconfig/network (other than its absence), with a
 * message in 'diag'. */
int ifcfg_ipdev(const struct ifcfg_ctx *, const struct dbc_pif *pif,
                enum ifcfg_backend backend, const struct dbc_pif *management,
                struct cfgfile **filep, struct diag *diag);

/* Builds route-<ipdev> from the other_config "static-routes" of the PIF's
 * network: a header, then "<net>/<len> via <gw> dev <ipdev>" for each
 * comma-separated "<net>/<len>/<gw>" entry (just the header when the key
 * is absent or empty, so that old routes go away).
 *
 * On success stores the new OPEN file in '*filep' (the caller owns it) and
 * returns 0.  A malformed entry (not three '/'-separated fields, a network
 * or gateway that is not a dotted-quad IPv4 address, a prefix length
 * outside 0-32, or host bits set in the network) fails with -EINVAL and a
 * message naming the key, the network's bridge and the entry.  The original
 * logged that case and went on with the old routes in place. */
int ifcfg_routes(const struct ifcfg_ctx *, const struct dbc_pif *pif,
                 struct cfgfile **filep, struct diag *diag);

/* Decides whether bringing 'pif' up rewrites /etc/sysconfig/network:
 * whether it is the DNS device or the gateway device, as chosen by
 * ifcfg_select_devices() (with a warning logged for each later PIF that
 * has the same key).  If it is neither, returns 0 and leaves '*filep'
 * alone.
 *
 * Otherwise builds the file from 'old_contents' (the current file, or NULL
 * if there is none): every line is copied, except that the first line
 * starting (after blanks) with "DNSDEV=" becomes "DNSDEV=<ipdev>" when
 * 'pif' is the DNS device, likewise "GATEWAYDEV=", and a needed line that
 * is missing is appended.  Stores the new OPEN file in '*filep' (the
 * caller owns it) and returns 1.
 *
 * Fails with -EINVAL if the ipdev name is not a valid interface name. */
int ifcfg_network_file(const struct ifcfg_ctx *, const struct dbc_pif *pif,
                       const struct dbc_pif *management,
                       const char *old_contents, struct cfgfile **filep,
                       struct diag *diag);

/* Chooses the DNS device and the gateway device for bringing 'pif' up
 * (section 4.3): the first PIF of the model whose other_config has
 * "peerdns=true" (respectively "defaultroute=true"), leaving out the bond
 * masters of 'pif' and every bond slave, or else 'management' (may be
 * NULL).  Stores them in '*dnsp' and '*gatewayp' (pointers into the model,
 * possibly NULL).  Logs nothing: ifcfg_ipdev() and ifcfg_network_file()
 * log the PIFs ignored as duplicates. */
void ifcfg_select_devices(const struct dbcache *, const struct dbc_pif *pif,
                          const struct dbc_pif *management,
                          const struct dbc_pif **dnsp,
                          const struct dbc_pif **gatewayp);

/* Builds the Linux-bridge backend's datapath files for 'pif' (section 4.5)
 * and stores the top one in '*filep' (OPEN, owned by the caller, who
 * attaches it to the ipdev file):
 *
 *   - physical PIF: ifcfg-<dev> with TYPE=Ethernet, HWADDR, ETHTOOL lines
 *     (with the NIC defaults of ctx->nic) and MTU;
 *   - bond PIF: ifcfg-<bond> with MACADDR, ETHTOOL lines, MTU and
 *     BONDING_OPTS (defaults overridden by the bond-* keys), and as
 *     children one physical file per slave with MASTER= and SLAVE=yes;
 *   - VLAN PIF: ifcfg-<dev>.<tag> with VLAN=yes, ETHTOOL lines and MTU,
 *     and the parent's datapath files as its child.
 *
 * Every file built for a PIF other than a bond slave ends with
 * "BRIDGE=<that PIF's bridge>".  Logs "Configuring physical interface
 * <dev>" and "Configuring <netdev> (<MAC>)", and invalid settings.
 *
 * Returns 0, or a negative errno value with a message in 'diag': a tunnel
 * PIF (not supported in bridge mode), a PIF or parent without a bridge,
 * bond or VLAN records missing, an unsafe value. */
int ifcfg_datapath(const struct ifcfg_ctx *, const struct dbc_pif *pif,
                   struct cfgfile **filep, struct diag *diag);

/* Interprets the ethtool-* keys of 'oc' (a PIF's or a network's
 * other_config).  Appends to 'settings' the "ethtool -s" words ("speed
 * <n>", "duplex half|full", "autoneg on|off", in that order) and to
 * 'offload' the "ethtool -K" words for rx, tx, sg, tso, ufo, gso, gro and
 * lro, in that order ("<opt> on|off").  A key missing from 'oc' is looked
 * up in 'fallback' (may be NULL): a NIC takes its network's settings
 * unless it has its own.  With 'nic' (a physical NIC), unset gro and lro
 * take nic->gro and nic->lro (NULL: nothing).
 *
 * Speed is any positive decimal integer (Mb/s) up to INT_MAX, duplex "half"
 * or "full", the others "true", "on", "false" or "off".  An invalid value
 * is skipped, with a message in 'warnings' (may be NULL) such as "Invalid
 * value for ethtool-duplex = x. Must be half|full.".
 *
 * Both arrays must free their elements with g_free: the words appended are
 * new strings owned by the arrays. */
void ifr_ethtool_settings(const struct dbc_map *oc,
                          const struct dbc_map *fallback,
                          const struct ifr_nic_defaults *nic,
                          GPtrArray *settings, GPtrArray *offload,
                          struct diag *warnings);

/* Resolves the MTU for a device on network 'nw' whose own other_config is
 * 'oc' ('type' names its kind in the log: "PIF", "Network", "Bond-PIF" or
 * "VLAN-PIF").  Starts from the network's MTU, or 1500 if it has none; an
 * "mtu" key in 'oc' overrides it, logging "Override Network.MTU setting on
 * bridge <b> from <type>.MTU is <new value>".  'db' is the model 'nw'
 * belongs to.
 *
 * Returns 0 and stores the MTU in '*mtup', or 0 there if the value is not
 * an integer from 68 to 65535 (with "Invalid value for mtu = <v>" in
 * 'warnings', which may be NULL): the caller then sets no MTU. */
int ifr_mtu_setting(const struct dbcache *db, const struct dbc_network *nw,
                    const char *type, const struct dbc_map *oc, int *mtup,
                    struct diag *warnings);

#endif /* reconfigure/ifcfg.h */
