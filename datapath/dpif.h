/* dpif.h -- the datapath interface: bridges, ports and flows, and the
 * forwarding of packets between real devices.
 *
 * The switching daemon (vswitch/vswitchd.c) says what should exist --
 * bridges with their settings, ports with their VLAN configuration and
 * interfaces, flows -- and the datapath makes it so and forwards.  Names
 * are the database's: a bridge, its ports (one interface each, or several
 * for a bond) and their interfaces (devices).  Every interface gets an
 * OpenFlow port number ("ofport") on its bridge; the interface named like
 * its bridge is the bridge's own port, LOCAL (DPIF_LOCAL_PORT).
 *
 * This is the userspace datapath (dpif.c): system interfaces are AF_PACKET
 * ports, internal ones TAP devices (datapath/netdev.h); one forwarding
 * thread moves packets in batches; switching is a flow table consulted
 * first (datapath/flow-table.h) whose NORMAL action is a learning switch
 * with VLANs and bonds (mac-learning.h, vlan.h, bond.h).  A kernel
 * datapath would offer the same functions.
 *
 * Threads: the functions below may be called from one control thread
 * while the forwarding thread runs; each takes the datapath's lock.
 * Functions return 0 or a negative errno; those with a 'diag' add a
 * message naming the bridge, port or interface. */
#ifndef DATAPATH_DPIF_H
#define DATAPATH_DPIF_H 1

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bond.h"
#include "flow.h"
#include "vlan.h"

struct diag;
struct dpif;

/* The OpenFlow number of a bridge's own port. */
#define DPIF_LOCAL_PORT FLOW_PORT_LOCAL

/* Opens a datapath of 'type' ("userspace"; also "netdev" and "system" are
 * taken as "userspace", the only one here) and starts its forwarding
 * thread.  Stores it in '*dpifp' (the caller's: dpif_close()). */
int dpif_open(const char *type, struct dpif **dpifp, struct diag *diag);

/* Stops forwarding and deletes every bridge (internal devices go; system
 * devices are left as they were).  Accepts NULL. */
void dpif_close(struct dpif *);

/* A file descriptor that polls readable when something the control thread
 * reports has changed (link states, bond members); dpif_get_change_seq()
 * then returns a new value.  The datapath drains it. */
int dpif_get_notify_fd(const struct dpif *);
uint64_t dpif_get_change_seq(struct dpif *);

/* Receive coalescing, as a NIC's interrupt moderation (ethtool's
 * rx-usecs): after a pass of the forwarding thread that switched at least
 * a full batch (DP_PACKET_BATCH_MAX packets), the thread pauses 'usecs'
 * before it polls again (0: never; clamped to DPIF_RX_COALESCE_MAX).
 * Under load each pass then finds fuller batches (fewer system calls and
 * wakeups a packet) and, where guests share the switch's CPUs, they run
 * meanwhile: the receiving one keeps up instead of dropping what the
 * switch paid to deliver, and what cannot be carried is dropped at the
 * switch's receive queue, the cheapest place.  Light traffic (a ping, a
 * TCP ACK clock) never waits.  The price is a ceiling on a flood: at most
 * 4 batches an interface a pass. */
#define DPIF_RX_COALESCE_DEFAULT 100
#define DPIF_RX_COALESCE_MAX 10000
void dpif_set_rx_coalesce(struct dpif *, int usecs);
int dpif_get_rx_coalesce(struct dpif *);

/* Bridges. */
struct dpif_bridge_settings {
    bool fail_secure;           /* fail_mode=secure: only flows forward */
    bool has_hwaddr;
    uint8_t hwaddr[6];          /* other_config:hwaddr, for LOCAL */
    unsigned int mac_aging_time; /* s; 0: the default (300) */
    size_t mac_table_size;      /* entries; 0: the default (8192) */
};

/* Creates bridge 'name' or changes its settings. */
int dpif_bridge_set(struct dpif *, const char *name,
                    const struct dpif_bridge_settings *,
                    struct diag *diag);

/* Deletes bridge 'name' and all its ports, if it exists. */
void dpif_bridge_del(struct dpif *, const char *name);

/* The names of the bridges, sorted (free with g_ptr_array_unref()). */
GPtrArray *dpif_bridge_list(struct dpif *);

/* Ports. */
struct dpif_iface_settings {
    const char *name;
    const char *type;           /* "" or "system", "internal" */
    int ofport_request;         /* 1..65279, or 0: any */
    bool has_mac;
    uint8_t mac[6];             /* for an internal interface */
};

struct dpif_port_settings {
    const char *name;
    struct vlan_port vlan;
    const struct dpif_iface_settings *ifaces;
    size_t n_ifaces;            /* 1, or more for a bond */

    /* Bonds (n_ifaces > 1). */
    enum bond_mode bond_mode;
    int updelay, downdelay;     /* ms */
    int rebalance_interval;     /* ms; 0: never */
    int miimon_interval;        /* ms; 0: carrier detection */
};

/* Creates port 'settings->name' on bridge 'bridge', or reconfigures it:
 * interfaces that stay keep their devices, ofports and traffic.  On
 * failure (a device that cannot be opened, say) the port keeps the
 * interfaces that could be opened and the error is returned; the caller
 * reports it on the interface. */
int dpif_port_set(struct dpif *, const char *bridge,
                  const struct dpif_port_settings *, struct diag *diag);

/* Deletes port 'port' of 'bridge', if it exists. */
void dpif_port_del(struct dpif *, const char *bridge, const char *port);

/* The names of the ports of 'bridge', sorted (free with
 * g_ptr_array_unref()), or NULL if there is no such bridge. */
GPtrArray *dpif_port_list(struct dpif *, const char *bridge);

/* What an interface looks like now, for the database. */
struct dpif_iface_status {
    bool lost;                  /* device deleted; only 'ofport' is set */
    uint32_t ofport;
    bool link_up;               /* carrier */
    bool admin_up;
    uint8_t mac[6];             /* mac_in_use */
    int mtu;
};

/* The status of interface 'iface' of 'bridge'.  -ENOENT if there is no
 * such (opened) interface. */
int dpif_iface_get_status(struct dpif *, const char *bridge,
                          const char *iface, struct dpif_iface_status *);

/* The active member of bond 'port', in '*name' (free with g_free()), or
 * NULL when none is enabled.  -ENOENT if 'port' is not a bond. */
int dpif_bond_get_active(struct dpif *, const char *bridge,
                         const char *port, char **name);

/* Flows, in ovs-ofctl's syntax (flow-table.h).  Errors go to '*errp'
 * (free with g_free()). */
int dpif_flow_add(struct dpif *, const char *bridge, const char *flow,
                  char **errp);
/* Adds the 'n' flows of 'flows', all of them or, if one is bad, none. */
int dpif_flow_add_many(struct dpif *, const char *bridge,
                       const char *const *flows, size_t n, char **errp);
int dpif_flow_del(struct dpif *, const char *bridge, const char *filter,
                  bool strict, char **errp);
int dpif_flow_dump(struct dpif *, const char *bridge, const char *filter,
                   bool no_stats, GString *out, char **errp);

/* The control socket's reports, in ovs-appctl's formats.  -ENOENT for an
 * unknown bridge or bond. */
int dpif_fdb_show(struct dpif *, const char *bridge, GString *out);
int dpif_fdb_flush(struct dpif *, const char *bridge);
int dpif_bond_show(struct dpif *, const char *port, GString *out);
void dpif_show(struct dpif *, GString *out);

#endif /* datapath/dpif.h */
