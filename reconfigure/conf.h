/* conf.h -- the two small configuration files interface-reconfigure reads.
 *
 * ROOT/etc/xensource/network.conf chooses the backend, as it did for the
 * original.  ROOT/etc/interface-reconfigure.conf, which the original did not
 * have, names the helper programs this implementation runs and chooses how
 * IP addresses are configured.  Both are read once, here, into typed
 * values; nothing else looks at them. */
#ifndef RECONFIGURE_CONF_H
#define RECONFIGURE_CONF_H 1

struct diag;

/* The files, relative to the root prefix. */
#define IFR_NETWORK_CONF "/etc/xensource/network.conf"
#define IFR_CONFIG_FILE "/etc/interface-reconfigure.conf"

enum ifr_backend {
    IFR_BACKEND_BRIDGE,         /* "bridge": Linux bridges. */
    IFR_BACKEND_VSWITCH,        /* "vswitch" or "openvswitch". */
};

/* Reads the first line of root_prefix + IFR_NETWORK_CONF ('root_prefix' may
 * be NULL or "" for none), stripped of surrounding white space: "bridge"
 * gives IFR_BACKEND_BRIDGE, "vswitch" and "openvswitch" give
 * IFR_BACKEND_VSWITCH.
 *
 * Returns 0 and stores the backend in '*backendp'.  Otherwise returns a
 * negative errno value and adds to 'diag' either "unknown network backend
 * X" (-EINVAL) or, if the file cannot be read, "failed to determine network
 * backend: PATH: REASON". */
int ifr_read_backend(const char *root_prefix, enum ifr_backend *backendp,
                     struct diag *diag);

/* How IP configuration is applied. */
enum ifr_ipconfig {
    IFR_IPCONFIG_NETLINK,       /* "netlink": by this program (default). */
    IFR_IPCONFIG_IFUP,          /* "ifup": by ifup/ifdown, as originally. */
};

/* The contents of IFR_CONFIG_FILE.  Every path is absolute and unprefixed:
 * whoever runs the program puts the root prefix in front (exec_run() does,
 * given the prefix).  Each key's default applies when the file or the key
 * is missing. */
struct ifr_config {
    char *vsctl;                /* vsctl=PATH, default BINDIR/vsctl. */
    char *ofctl;                /* ofctl=PATH, default BINDIR/vsofctl. */
    char *dhclient;             /* dhclient=PATH, default /sbin/dhclient. */
    char *ethtool;              /* ethtool=PATH, default /sbin/ethtool. */
    char *ifup;                 /* ifup=PATH, default /sbin/ifup. */
    char *ifdown;               /* ifdown=PATH, default /sbin/ifdown. */
    enum ifr_ipconfig ipconfig; /* ipconfig=netlink|ifup, default netlink. */
    const char *gro;            /* gro=on|off|unchanged: what NICs without
                                 * an ethtool-gro key get; "on", "off" or
                                 * NULL (unchanged, the default). */
};

/* Reads root_prefix + IFR_CONFIG_FILE ('root_prefix' may be NULL or "").
 * The file is optional.  Each line is blank, a comment (first non-blank
 * character '#'), or KEY=VALUE, with white space allowed around KEY and
 * VALUE.  A key given twice takes the later value.
 *
 * Returns 0 and fills in '*config', which the caller then owns (free with
 * ifr_config_clear()).  Otherwise returns a negative errno value (-EINVAL
 * for bad contents) and adds to 'diag' one "PATH:LINE: message" per bad
 * line (a malformed line, an unknown key, an empty or relative path, an
 * ipconfig other than netlink or ifup), or "PATH: REASON" if the file
 * exists but cannot be read; '*config' is then untouched. */
int ifr_read_config(const char *root_prefix, struct ifr_config *config,
                    struct diag *diag);

/* Frees the strings in 'config' (not 'config' itself) and sets them to
 * NULL.  Accepts NULL. */
void ifr_config_clear(struct ifr_config *config);

#endif /* reconfigure/conf.h */
