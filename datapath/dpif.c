/* dpif.c -- the userspace datapath behind dpif.h.
 *
 * The model: a datapath holds bridges; a bridge holds ports (a Port row:
 * one interface, or several for a bond) with their VLAN configuration, a
 * MAC learning table and a flow table; an interface is a device opened
 * through datapath/netdev.h (AF_PACKET for system devices, a TAP for
 * internal ones) and numbered with an OpenFlow port.
 *
 * One forwarding thread waits on every interface's descriptor with epoll.
 * For each batch received (netdev.h, up to DP_PACKET_BATCH_MAX packets) it
 * extracts each packet's flow key (flow.h), consults the bridge's flow
 * table (flow-table.h) and runs the rule's actions; the NORMAL action is a
 * learning switch: the input VLAN from the port's configuration (vlan.h),
 * the bond's input checks (bond.h), learning the source, then the port of
 * the destination or a flood over the VLAN, each output port tagging or
 * not as it is configured and a bond choosing its member.  Outputs are
 * gathered per interface and sent as one batch when the input batch is
 * done.  Packets keep their virtio-net header throughout, so a GSO super
 * packet from one veth leaves whole by another.
 *
 * A bridge in standalone fail mode gets a priority-0 "actions=NORMAL"
 * rule, re-added whenever its flows are deleted, as Open vSwitch's
 * connection manager does without a controller; in secure mode only the
 * rules the administrator adds forward.
 *
 * Locking: one mutex covers everything.  The forwarding thread holds it
 * while it handles the descriptors epoll reported and runs its timers
 * (MAC aging, idle flows, bond link checks and delays, rebalancing);
 * control calls take it for their whole duration.  Link state changes are
 * reported to the control thread through an eventfd (dpif_get_notify_fd). */
#include <config.h>

#include "dpif.h"

#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "diag.h"
#include "dp-packet.h"
#include "flow-table.h"
#include "log.h"
#include "mac-learning.h"
#include "netdev.h"

LOG_DEFINE_THIS_MODULE(dpif);

/* How often link states are read (ms), unless a bond asks more often. */
#define LINK_POLL_MS 1000
/* The longest the forwarding thread sleeps without a timer (ms). */
#define MAX_SLEEP_MS 1000
/* Batches read from one interface per wakeup, so that one busy interface
 * does not starve the others. */
#define BATCHES_PER_WAKEUP 4
/* MAC table port numbers of bonds start here (ports that are not bonds
 * use their interface's ofport). */
#define BOND_ML_PORT_BASE 0x10000

struct bridge;
struct port;

struct iface {
    char *name;
    char *type;                 /* "system" or "internal" */
    struct port *port;
    uint32_t ofport;
    struct dp_netdev *netdev;
    bool link_up;               /* last carrier read */
    bool lost;                  /* system device deleted: iface_lose() */
    struct dp_packet_batch tx;  /* pending output (packets not owned) */
    bool tx_queued;             /* on its bridge's pending list */
};

struct port {
    char *name;
    struct bridge *br;
    uint32_t ml_port;           /* this port in the MAC table */
    struct vlan_port vlan;
    GPtrArray *ifaces;          /* struct iface * */
    struct bond *bond;          /* NULL unless 2 or more interfaces */
    int miimon_interval;        /* ms; 0: carrier */
    long long next_link_check;  /* ms */
};

struct bridge {
    char *name;
    struct dpif *dpif;
    struct dpif_bridge_settings settings;
    GHashTable *ports;          /* name -> struct port * */
    GHashTable *by_ofport;      /* GUINT_TO_POINTER(ofport) -> iface */
    GHashTable *by_ml_port;     /* GUINT_TO_POINTER(ml_port) -> port */
    struct mac_learning *ml;
    struct flow_table *flows;
    uint32_t next_bond_id;
    GPtrArray *tx_pending;      /* struct iface * with tx.count > 0 */
    long long next_expiry;      /* MAC table and flows, ms */
};

struct dpif {
    pthread_mutex_t mutex;
    pthread_t thread;
    bool thread_started;
    bool exiting;
    int epoll_fd;
    int wake_fd;                /* eventfd: wakes the forwarding thread */
    int notify_fd;              /* eventfd: tells the control thread */
    uint64_t change_seq;
    uint64_t ifaces_seq;        /* Bumped when an interface is freed. */
    GHashTable *bridges;        /* name -> struct bridge * */
    GHashTable *ifaces;         /* name -> struct iface * (all bridges) */
    long long next_link_poll;
    int rx_coalesce_us;         /* dpif_set_rx_coalesce() */
    unsigned long long rx_coalesce_pauses;  /* How many so far. */
};

static long long
time_msec(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
eventfd_kick(int fd)
{
    uint64_t one = 1;

    if (write(fd, &one, sizeof one) < 0 && errno != EAGAIN) {
        LOG_WARN("eventfd write: %s", g_strerror(errno));
    }
}

static void
eventfd_drain(int fd)
{
    uint64_t value;

    while (read(fd, &value, sizeof value) > 0) {
        continue;
    }
}

/* Tells the control thread that statuses changed. */
static void
notify_change(struct dpif *dpif)
{
    dpif->change_seq++;
    eventfd_kick(dpif->notify_fd);
}

/* Wakes the forwarding thread so that it recomputes its timers. */
static void
wake_forwarder(struct dpif *dpif)
{
    eventfd_kick(dpif->wake_fd);
}

/* ------------------------------------------------------------------------
 * Interfaces. */

static const char *
iface_kind(const char *type)
{
    return type && !strcmp(type, "internal") ? "internal" : "system";
}

/* The lowest free ofport of 'br' at or above 'request' (1 if 0). */
static uint32_t
bridge_alloc_ofport(const struct bridge *br, int request)
{
    uint32_t ofport = request > 0 ? (uint32_t) request : 1;

    while (g_hash_table_contains(br->by_ofport, GUINT_TO_POINTER(ofport))) {
        ofport++;
    }
    return ofport;
}

/* Makes the forwarding thread wait on 'netdev' for 'iface'.  Returns 0 or
 * a negative errno (with 'diag'). */
static int
iface_watch(struct dpif *dpif, struct iface *iface, struct dp_netdev *netdev,
            struct diag *diag)
{
    struct epoll_event ev;

    memset(&ev, 0, sizeof ev);
    ev.events = EPOLLIN;
    ev.data.ptr = iface;
    if (epoll_ctl(dpif->epoll_fd, EPOLL_CTL_ADD, dp_netdev_get_fd(netdev),
                  &ev) < 0) {
        int error = -errno;

        diag_add(diag, "%s: epoll: %s", iface->name, g_strerror(-error));
        return error;
    }
    return 0;
}

/* Opens interface 's' for 'port'.  Returns it, or NULL (with 'diag'). */
static struct iface *
iface_create(struct port *port, const struct dpif_iface_settings *s,
             struct diag *diag)
{
    struct bridge *br = port->br;
    struct dpif *dpif = br->dpif;
    const char *kind = iface_kind(s->type);
    bool local = !strcmp(s->name, br->name);
    struct dp_netdev *netdev;
    struct iface *iface;
    int error;

    if (g_hash_table_contains(dpif->ifaces, s->name)) {
        diag_add(diag, "%s: interface already exists on another port",
                 s->name);
        return NULL;
    }
    if (local && strcmp(kind, "internal")) {
        diag_add(diag, "%s: the bridge's own interface must be internal",
                 s->name);
        return NULL;
    }
    error = dp_netdev_open(s->name, kind, &netdev, diag);
    if (error) {
        return NULL;
    }
    if (!strcmp(kind, "internal")) {
        const uint8_t *mac = NULL;

        if (local && br->settings.has_hwaddr) {
            mac = br->settings.hwaddr;
        } else if (s->has_mac) {
            mac = s->mac;
        }
        /* Left administratively down, as Open vSwitch leaves internal
         * ports: whoever configures the host's side brings it up (for
         * XenServer, interface-reconfigure).  Bringing 1,000 of them up
         * at once would also make the kernel send IPv6 neighbour and
         * multicast-listener packets from each, which the bridge floods
         * to all the others. */
        if (mac && dp_netdev_set_mac(netdev, mac, diag)) {
            dp_netdev_close(netdev);
            return NULL;
        }
    }

    iface = g_new0(struct iface, 1);
    iface->name = g_strdup(s->name);
    iface->type = g_strdup(kind);
    iface->port = port;
    iface->netdev = netdev;
    iface->ofport = (local ? DPIF_LOCAL_PORT
                     : bridge_alloc_ofport(br, s->ofport_request));
    dp_netdev_get_carrier(netdev, &iface->link_up);

    if (iface_watch(dpif, iface, netdev, diag)) {
        dp_netdev_close(netdev);
        g_free(iface->name);
        g_free(iface->type);
        g_free(iface);
        return NULL;
    }
    g_hash_table_insert(br->by_ofport, GUINT_TO_POINTER(iface->ofport),
                        iface);
    g_hash_table_insert(dpif->ifaces, iface->name, iface);
    return iface;
}

/* Takes 'iface' out of every table; the device itself is closed by the
 * caller (alone, or many at once with dp_netdev_close_many()). */
static struct dp_netdev *
iface_detach(struct iface *iface)
{
    struct bridge *br = iface->port->br;
    struct dpif *dpif = br->dpif;
    struct dp_netdev *netdev = iface->netdev;

    /* Events the forwarding thread collected before this may point here:
     * it drops them (see forwarder_main()). */
    dpif->ifaces_seq++;
    epoll_ctl(dpif->epoll_fd, EPOLL_CTL_DEL, dp_netdev_get_fd(netdev),
              NULL);
    g_hash_table_remove(br->by_ofport, GUINT_TO_POINTER(iface->ofport));
    g_hash_table_remove(dpif->ifaces, iface->name);
    if (iface->tx_queued) {
        g_ptr_array_remove(br->tx_pending, iface);
    }
    if (iface->port->bond) {
        bond_member_remove(iface->port->bond, iface->ofport);
    }
    g_free(iface->name);
    g_free(iface->type);
    g_free(iface);
    return netdev;
}

static void
iface_destroy(struct iface *iface)
{
    dp_netdev_close(iface_detach(iface));
}

/* A system device deleted under the switch (a guest's vif when its domain
 * reboots, say) leaves the socket bound to nothing: the interface is lost
 * until a device of the same name exists again (iface_check_device()).
 * It keeps its ofport meanwhile, so that flows naming it apply again once
 * it is back. */
static void
iface_lose(struct dpif *dpif, struct iface *iface, const char *why)
{
    if (!iface->lost) {
        LOG_WARN("%s: %s; reopened when it is back", iface->name, why);
        epoll_ctl(dpif->epoll_fd, EPOLL_CTL_DEL,
                  dp_netdev_get_fd(iface->netdev), NULL);
        iface->lost = true;
        iface->link_up = false;
        notify_change(dpif);    /* For the database (link_state, error). */
    }
}

/* Notices a system device deleted (or replaced by another of the same
 * name) and reopens a lost one whose device is back.  Returns true if the
 * interface's state changed. */
static bool
iface_check_device(struct dpif *dpif, struct iface *iface)
{
    unsigned int ifindex = if_nametoindex(iface->name);
    struct dp_netdev *netdev;
    bool changed = false;
    struct diag *diag;
    int error;

    if (strcmp(iface->type, "system")) {
        return false;
    }
    if (!iface->lost) {
        if (ifindex
            && (int) ifindex == dp_netdev_get_ifindex(iface->netdev)) {
            return false;
        }
        iface_lose(dpif, iface, ifindex ? "the device was replaced"
                                        : "the device is gone");
        changed = true;
    }
    if (!ifindex) {
        return changed;
    }
    diag = diag_new();
    error = dp_netdev_open(iface->name, iface->type, &netdev, diag);
    if (!error) {
        error = iface_watch(dpif, iface, netdev, diag);
        if (error) {
            dp_netdev_close(netdev);
        }
    }
    if (error) {
        /* Perhaps not fully set up yet: try again at the next poll. */
        LOG_DBG("%s: not reopened yet: %s", iface->name,
                diag_count(diag) ? diag_get(diag, 0) : g_strerror(-error));
        diag_free(diag);
        return changed;
    }
    diag_free(diag);
    dp_netdev_close(iface->netdev);
    iface->netdev = netdev;
    iface->lost = false;
    dp_netdev_get_carrier(netdev, &iface->link_up);
    LOG_INFO("%s: the device is back, reopened (ofport %u)", iface->name,
             iface->ofport);
    return true;
}

/* ------------------------------------------------------------------------
 * Ports. */

static struct iface *
port_find_iface(const struct port *port, const char *name)
{
    for (guint i = 0; i < port->ifaces->len; i++) {
        struct iface *iface = g_ptr_array_index(port->ifaces, i);

        if (!strcmp(iface->name, name)) {
            return iface;
        }
    }
    return NULL;
}

/* Removes 'port' and its interfaces, appending their devices to
 * 'netdevs' (to be closed by the caller) if it is nonnull, else closing
 * them. */
static void
port_destroy(struct port *port, GPtrArray *netdevs)
{
    struct bridge *br = port->br;

    mac_learning_flush_port(br->ml, port->ml_port);
    g_hash_table_remove(br->by_ml_port, GUINT_TO_POINTER(port->ml_port));
    while (port->ifaces->len) {
        struct iface *iface = g_ptr_array_steal_index(port->ifaces,
                                                      port->ifaces->len - 1);
        struct dp_netdev *netdev = iface_detach(iface);

        if (netdevs) {
            g_ptr_array_add(netdevs, netdev);
        } else {
            dp_netdev_close(netdev);
        }
    }
    g_ptr_array_free(port->ifaces, TRUE);
    bond_destroy(port->bond);
    g_free(port->name);
    g_free(port);
}

/* Gives 'port' its number in the MAC table: its only interface's ofport,
 * or, for a bond ('bond' true), a number of its own. */
static void
port_set_ml_port(struct port *port, bool bond)
{
    struct bridge *br = port->br;
    uint32_t ml_port;

    if (!bond && port->ifaces->len) {
        ml_port = ((struct iface *) g_ptr_array_index(port->ifaces, 0))
                  ->ofport;
    } else if (port->ml_port >= BOND_ML_PORT_BASE) {
        ml_port = port->ml_port;
    } else {
        ml_port = BOND_ML_PORT_BASE + br->next_bond_id++;
    }
    if (ml_port != port->ml_port) {
        if (port->ml_port) {
            mac_learning_flush_port(br->ml, port->ml_port);
            g_hash_table_remove(br->by_ml_port,
                                GUINT_TO_POINTER(port->ml_port));
        }
        port->ml_port = ml_port;
        g_hash_table_insert(br->by_ml_port, GUINT_TO_POINTER(ml_port),
                            port);
    }
}

/* Makes 'port' a bond, or keeps it one, with 's''s settings, or stops it
 * being one.  Returns 0 or a negative errno (with 'diag'). */
static int
port_configure_bond(struct port *port, const struct dpif_port_settings *s,
                    struct diag *diag)
{
    struct bond_settings bs;
    long long now = time_msec();
    int error;

    if (port->ifaces->len < 2) {
        bond_destroy(port->bond);
        port->bond = NULL;
        port_set_ml_port(port, false);
        return 0;
    }
    port_set_ml_port(port, true);
    bond_settings_init(&bs, port->name, port->ml_port);
    bs.mode = s->bond_mode;
    bs.updelay = s->updelay;
    bs.downdelay = s->downdelay;
    bs.rebalance_interval = s->rebalance_interval;
    error = (port->bond ? bond_reconfigure(port->bond, &bs, now)
             : bond_create(&bs, now, &port->bond));
    if (error) {
        diag_add(diag, "%s: bad bond settings", port->name);
        return error;
    }
    for (guint i = 0; i < port->ifaces->len; i++) {
        struct iface *iface = g_ptr_array_index(port->ifaces, i);
        uint8_t mac[6];
        bool have_mac = !dp_netdev_get_mac(iface->netdev, mac);

        /* -EEXIST for a member the bond already has: nothing to do. */
        bond_member_add(port->bond, iface->ofport, iface->name,
                        have_mac ? mac : NULL, iface->link_up);
    }
    port->miimon_interval = s->miimon_interval;
    port->next_link_check = now;
    return 0;
}

/* ------------------------------------------------------------------------
 * Bridges. */

static int
port_lookup_cb(const char *name, void *br_)
{
    struct bridge *br = br_;
    struct iface *iface = g_hash_table_lookup(br->dpif->ifaces, name);

    return iface && iface->port->br == br ? (int) iface->ofport : -ENOENT;
}

/* Adds the rule that makes a standalone bridge a learning switch. */
static void
bridge_add_normal_rule(struct bridge *br)
{
    struct flow_table_spec spec;
    char *err = NULL;

    if (br->settings.fail_secure) {
        return;
    }
    if (flow_table_parse("priority=0,actions=NORMAL", FLOW_TABLE_PARSE_ADD,
                         port_lookup_cb, br, &spec, &err)) {
        LOG_ERR("%s: %s", br->name, err);
        g_free(err);
        return;
    }
    flow_table_add(br->flows, &spec, time_msec());
    flow_table_spec_destroy(&spec);
}

/* Deletes the priority-0 NORMAL rule (going secure). */
static void
bridge_del_normal_rule(struct bridge *br)
{
    struct flow_table_spec spec;
    char *err = NULL;

    if (!flow_table_parse("priority=0", FLOW_TABLE_PARSE_FILTER,
                          port_lookup_cb, br, &spec, &err)) {
        flow_table_delete(br->flows, &spec, true);
        flow_table_spec_destroy(&spec);
    }
    g_free(err);
}

static void
bridge_destroy(struct bridge *br)
{
    GPtrArray *netdevs = g_ptr_array_new();
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init(&iter, br->ports);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        g_hash_table_iter_steal(&iter);
        port_destroy(value, netdevs);
    }
    /* The TAP devices of all its internal ports go in one operation. */
    dp_netdev_close_many((struct dp_netdev **) netdevs->pdata, netdevs->len);
    g_ptr_array_free(netdevs, TRUE);
    g_hash_table_destroy(br->ports);
    g_hash_table_destroy(br->by_ofport);
    g_hash_table_destroy(br->by_ml_port);
    mac_learning_destroy(br->ml);
    flow_table_destroy(br->flows);
    g_ptr_array_free(br->tx_pending, TRUE);
    g_free(br->name);
    g_free(br);
}

static struct bridge *
find_bridge(struct dpif *dpif, const char *name)
{
    return g_hash_table_lookup(dpif->bridges, name);
}

/* ------------------------------------------------------------------------
 * Forwarding. */

/* The packets of one input batch being switched, with the copies made
 * for outputs that need another VLAN tag. */
struct xlate {
    struct bridge *br;
    struct iface *in;
    long long now;
    GPtrArray *scratch;         /* packets to free after sending */
};

static void
queue_output(struct xlate *x, struct iface *out, struct dp_packet *p)
{
    if (out->tx.count >= DP_PACKET_BATCH_MAX) {
        dp_netdev_tx_batch(out->netdev, &out->tx);
        out->tx.count = 0;
    }
    out->tx.packets[out->tx.count++] = p;
    if (!out->tx_queued) {
        out->tx_queued = true;
        g_ptr_array_add(x->br->tx_pending, out);
    }
}

/* 'p' as it must leave tagged with 'vid' (0: untagged): 'p' itself if it
 * already is, else a copy made once per packet and VLAN ('variants' holds
 * the copies: [0] untagged, [1] tagged). */
static struct dp_packet *
vlan_variant(struct xlate *x, struct dp_packet *p, const struct flow *key,
             uint16_t vid, struct dp_packet *variants[2])
{
    bool tagged = key->vlan_present;
    struct dp_packet *v;
    int slot = vid ? 1 : 0;

    if ((!vid && !tagged) || (vid && tagged && key->vlan_vid == vid)) {
        return p;
    }
    if (variants[slot]) {
        return variants[slot];
    }
    v = dp_packet_clone(p);
    if (tagged) {
        dp_packet_pop_vlan(v);
    }
    if (vid && dp_packet_push_vlan(v, (uint16_t) (key->vlan_pcp << 13)
                                   | vid)) {
        dp_packet_delete(v);
        return NULL;
    }
    g_ptr_array_add(x->scratch, v);
    variants[slot] = v;
    return v;
}

/* Sends 'p' (in 'vlan') out of port 'out' as NORMAL does. */
static void
normal_output(struct xlate *x, struct dp_packet *p, const struct flow *key,
              uint16_t vlan, struct port *out, struct dp_packet *variants[2])
{
    struct iface *iface;
    uint16_t vid;

    if (vlan_port_output(&out->vlan, vlan, &vid)) {
        return;
    }
    if (out->bond) {
        uint32_t member;

        if (bond_choose_output(out->bond, key->dl_src, vlan, &member)) {
            return;
        }
        iface = g_hash_table_lookup(x->br->by_ofport,
                                    GUINT_TO_POINTER(member));
        bond_account(out->bond, bond_hash(out->bond, key->dl_src, vlan),
                     p->size);
    } else if (out->ifaces->len) {
        iface = g_ptr_array_index(out->ifaces, 0);
    } else {
        return;
    }
    if (iface) {
        struct dp_packet *v = vlan_variant(x, p, key, vid, variants);

        if (v) {
            queue_output(x, iface, v);
        }
    }
}

/* The NORMAL action: a learning switch over VLANs and bonds. */
static void
normal(struct xlate *x, struct dp_packet *p, const struct flow *key)
{
    struct port *in_port = x->in->port;
    struct dp_packet *variants[2] = { NULL, NULL };
    uint32_t out_ml;
    uint16_t vlan;

    if (vlan_port_input_flow(&in_port->vlan, key, &vlan)) {
        return;
    }
    if (in_port->bond
        && !bond_admit(in_port->bond, x->in->ofport, key, vlan,
                       x->br->ml, x->now)) {
        return;
    }
    if (!flow_mac_is_multicast(key->dl_src)) {
        mac_learning_learn(x->br->ml, key->dl_src, vlan, in_port->ml_port,
                           x->now);
    }
    if (!flow_mac_is_multicast(key->dl_dst)
        && !mac_learning_lookup(x->br->ml, key->dl_dst, vlan, x->now,
                                &out_ml)) {
        struct port *out = g_hash_table_lookup(x->br->by_ml_port,
                                               GUINT_TO_POINTER(out_ml));

        if (out && out != in_port) {
            normal_output(x, p, key, vlan, out, variants);
        }
        return;
    }

    /* Flood within the VLAN. */
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init(&iter, x->br->ports);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        struct port *out = value;

        if (out != in_port) {
            normal_output(x, p, key, vlan, out, variants);
        }
    }
}

/* Sends 'p' as it is out of every interface of the bridge but the input
 * one (FLOOD and ALL: there is no per-port flood setting here). */
static void
output_all(struct xlate *x, struct dp_packet *p)
{
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init(&iter, x->br->by_ofport);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        if (value != x->in) {
            queue_output(x, value, p);
        }
    }
}

/* Runs a rule's actions on 'p'.  An action that changes the packet
 * after it was queued works on a copy. */
static void
execute_actions(struct xlate *x, struct dp_packet *p, struct flow *key,
                const struct flow_table_action *actions, size_t n)
{
    bool queued = false;

    for (size_t i = 0; i < n; i++) {
        const struct flow_table_action *a = &actions[i];

        switch (a->type) {
        case FLOW_TABLE_ACTION_OUTPUT: {
            struct iface *out;

            switch (a->arg) {
            case FLOW_PORT_NORMAL:
                normal(x, p, key);
                break;
            case FLOW_PORT_FLOOD:
            case FLOW_PORT_ALL:
                output_all(x, p);
                break;
            case FLOW_PORT_IN_PORT:
                queue_output(x, x->in, p);
                break;
            case FLOW_PORT_CONTROLLER:
            case FLOW_PORT_NONE:
                continue;
            default:
                out = g_hash_table_lookup(x->br->by_ofport,
                                          GUINT_TO_POINTER(a->arg));
                /* OpenFlow never sends a packet back where it came from
                 * unless told "in_port". */
                if (out && out != x->in) {
                    queue_output(x, out, p);
                }
                break;
            }
            queued = true;
            break;
        }
        case FLOW_TABLE_ACTION_STRIP_VLAN:
        case FLOW_TABLE_ACTION_MOD_VLAN_VID:
        case FLOW_TABLE_ACTION_MOD_VLAN_PCP: {
            uint16_t vid = key->vlan_vid, pcp = key->vlan_pcp;

            if (queued) {
                p = dp_packet_clone(p);
                g_ptr_array_add(x->scratch, p);
                queued = false;
            }
            if (key->vlan_present) {
                dp_packet_pop_vlan(p);
                key->vlan_present = false;
            }
            if (a->type == FLOW_TABLE_ACTION_STRIP_VLAN) {
                key->vlan_vid = key->vlan_pcp = 0;
                break;
            }
            if (a->type == FLOW_TABLE_ACTION_MOD_VLAN_VID) {
                vid = a->arg;
            } else {
                pcp = a->arg;
            }
            if (!dp_packet_push_vlan(p, (uint16_t) (pcp << 13) | vid)) {
                key->vlan_present = true;
                key->vlan_vid = vid;
                key->vlan_pcp = pcp;
            }
            break;
        }
        }
    }
}

/* Switches one received packet. */
static void
process_packet(struct xlate *x, struct dp_packet *p)
{
    const struct flow_table_rule *rule;
    struct flow key;

    p->in_port = x->in->ofport;
    if (flow_extract(p, &key)) {
        return;
    }
    rule = flow_table_lookup(x->br->flows, &key, p->size, x->now);
    if (rule) {
        execute_actions(x, p, &key, rule->spec.actions,
                        rule->spec.n_actions);
    }
}

/* Sends what the input batch queued, then frees the batch's packets. */
static void
flush_outputs(struct xlate *x, struct dp_packet_batch *in)
{
    struct bridge *br = x->br;

    for (guint i = 0; i < br->tx_pending->len; i++) {
        struct iface *out = g_ptr_array_index(br->tx_pending, i);

        if (out->tx.count) {
            dp_netdev_tx_batch(out->netdev, &out->tx);
            out->tx.count = 0;
        }
        out->tx_queued = false;
    }
    g_ptr_array_set_size(br->tx_pending, 0);
    for (unsigned int i = 0; i < in->count; i++) {
        dp_packet_delete(in->packets[i]);
    }
    in->count = 0;
    for (guint i = 0; i < x->scratch->len; i++) {
        dp_packet_delete(g_ptr_array_index(x->scratch, i));
    }
    g_ptr_array_set_size(x->scratch, 0);
}

/* Receives and switches up to BATCHES_PER_WAKEUP batches from 'iface'.
 * Returns how many packets it switched. */
static int
receive(struct iface *iface, GPtrArray *scratch)
{
    int total = 0;

    struct xlate x = {
        .br = iface->port->br,
        .in = iface,
        .now = time_msec(),
        .scratch = scratch,
    };

    for (int n = 0; n < BATCHES_PER_WAKEUP; n++) {
        struct dp_packet_batch batch = { .count = 0 };
        int got = dp_netdev_rx_batch(iface->netdev, &batch);

        if (got <= 0) {
            if (got == -ENETDOWN) {
                /* Reported once when the link goes down; the port
                 * receives again once it is back up. */
                LOG_INFO("%s: receive: %s", iface->name, g_strerror(-got));
            } else if (got != -EAGAIN) {
                /* A device that went away (its descriptor would poll
                 * readable for ever): stop listening until it is back
                 * (iface_check_device()) or the database drops it. */
                char *why = g_strdup_printf("receive: %s", g_strerror(-got));

                iface_lose(x.br->dpif, iface, why);
                g_free(why);
            }
            return total;
        }
        total += got;
        for (unsigned int i = 0; i < batch.count; i++) {
            process_packet(&x, batch.packets[i]);
        }
        flush_outputs(&x, &batch);
    }
    return total;
}

/* ------------------------------------------------------------------------
 * Timers. */

/* Sends learning packets out of a bond whose active member changed. */
static void
bond_send_learning_packets(struct bridge *br, struct port *port,
                           long long now)
{
    struct bond_learning_packet *lp = NULL;
    size_t n = bond_learning_packets(port->bond, br->ml, now, &lp);

    for (size_t i = 0; i < n; i++) {
        struct iface *iface = g_hash_table_lookup(
            br->by_ofport, GUINT_TO_POINTER(lp[i].member));
        struct dp_packet *p;
        uint8_t buf[BOND_LEARNING_PACKET_MAX];
        int len;

        if (!iface) {
            continue;
        }
        len = bond_compose_learning_packet(lp[i].mac, lp[i].vlan, buf,
                                           sizeof buf);
        if (len < 0) {
            continue;
        }
        p = dp_packet_new(len);
        if (!dp_packet_put_frame(p, buf, len)) {
            struct dp_packet_batch b = { .count = 1, .packets = { p } };

            dp_netdev_tx_batch(iface->netdev, &b);
        }
        dp_packet_delete(p);
    }
    g_free(lp);
}

/* Reads link states (bond members at their interval, everything else
 * every LINK_POLL_MS), runs bonds and expires MAC entries and flows.
 * Returns when it next needs to run. */
static long long
run_timers(struct dpif *dpif, long long now)
{
    long long next = now + MAX_SLEEP_MS;
    bool poll_all = now >= dpif->next_link_poll;
    bool changed = false;
    GHashTableIter biter;
    gpointer bvalue;

    if (poll_all) {
        dpif->next_link_poll = now + LINK_POLL_MS;
    }
    next = MIN(next, dpif->next_link_poll);
    g_hash_table_iter_init(&biter, dpif->bridges);
    while (g_hash_table_iter_next(&biter, NULL, &bvalue)) {
        struct bridge *br = bvalue;
        GHashTableIter piter;
        gpointer pvalue;

        g_hash_table_iter_init(&piter, br->ports);
        while (g_hash_table_iter_next(&piter, NULL, &pvalue)) {
            struct port *port = pvalue;
            bool check = poll_all;

            if (port->bond) {
                int interval = port->miimon_interval > 0
                               ? port->miimon_interval : 100;

                if (now >= port->next_link_check) {
                    check = true;
                    port->next_link_check = now + interval;
                }
                next = MIN(next, port->next_link_check);
            }
            if (!check) {
                continue;
            }
            for (guint i = 0; i < port->ifaces->len; i++) {
                struct iface *iface = g_ptr_array_index(port->ifaces, i);
                bool up = false;

                if (poll_all && iface_check_device(dpif, iface)) {
                    changed = true;
                }
                if (!iface->lost) {
                    dp_netdev_get_carrier(iface->netdev, &up);
                }
                if (up != iface->link_up) {
                    iface->link_up = up;
                    changed = true;
                    LOG_INFO("%s: link state changed to %s", iface->name,
                             up ? "up" : "down");
                }
                if (port->bond) {
                    bond_member_set_link(port->bond, iface->ofport, up, now);
                }
            }
            if (port->bond) {
                long long wake;

                if (bond_run(port->bond, now)) {
                    changed = true;
                    mac_learning_flush_port(br->ml, port->ml_port);
                }
                if (bond_should_send_learning_packets(port->bond)) {
                    bond_send_learning_packets(br, port, now);
                }
                bond_rebalance(port->bond, now);
                wake = bond_next_wake(port->bond);
                if (wake > now) {
                    next = MIN(next, wake);
                }
            }
        }
        if (now >= br->next_expiry) {
            long long a, b;

            mac_learning_expire(br->ml, now);
            flow_table_expire(br->flows, now);
            a = mac_learning_next_expiry(br->ml);
            b = flow_table_next_expiry(br->flows);
            br->next_expiry = MIN(a > 0 ? a : LLONG_MAX, b > 0 ? b
                                  : LLONG_MAX);
            if (br->next_expiry == LLONG_MAX) {
                br->next_expiry = now + MAX_SLEEP_MS;
            }
        }
        next = MIN(next, br->next_expiry);
    }
    if (changed) {
        notify_change(dpif);
    }
    return next;
}

static void *
forwarder_main(void *dpif_)
{
    struct dpif *dpif = dpif_;
    GPtrArray *scratch = g_ptr_array_new();
    long long next = 0;

    for (;;) {
        struct epoll_event events[64];
        long long now = time_msec();
        int timeout = next > now ? (int) MIN(next - now, MAX_SLEEP_MS) : 0;
        int switched = 0;
        int pause_us;
        uint64_t seq;
        int n;

        pthread_mutex_lock(&dpif->mutex);
        seq = dpif->ifaces_seq;
        pthread_mutex_unlock(&dpif->mutex);
        n = epoll_wait(dpif->epoll_fd, events, 64, timeout);

        pthread_mutex_lock(&dpif->mutex);
        if (dpif->exiting) {
            pthread_mutex_unlock(&dpif->mutex);
            break;
        }
        if (dpif->ifaces_seq != seq) {
            /* An interface was freed while we waited: the events may
             * name it.  Drop them all; those still due come again
             * (level-triggered). */
            n = 0;
            next = 0;
        }
        for (int i = 0; i < n; i++) {
            if (!events[i].data.ptr) {
                eventfd_drain(dpif->wake_fd);
                next = 0;       /* Settings changed: run the timers. */
            } else {
                switched += receive(events[i].data.ptr, scratch);
            }
        }
        now = time_msec();
        if (now >= next) {
            next = run_timers(dpif, now);
        }
        pause_us = switched >= DP_PACKET_BATCH_MAX ? dpif->rx_coalesce_us : 0;
        if (pause_us > 0) {
            dpif->rx_coalesce_pauses++;
        }
        pthread_mutex_unlock(&dpif->mutex);
        if (pause_us > 0) {
            /* Receive coalescing (dpif_set_rx_coalesce()). */
            struct timespec pause = { pause_us / 1000000,
                                      pause_us % 1000000 * 1000L };

            nanosleep(&pause, NULL);
        }
    }
    g_ptr_array_free(scratch, TRUE);
    return NULL;
}

/* ------------------------------------------------------------------------
 * The interface. */

int
dpif_open(const char *type, struct dpif **dpifp, struct diag *diag)
{
    struct dpif *dpif;
    struct epoll_event ev;

    if (type && *type && strcmp(type, "userspace") && strcmp(type, "netdev")
        && strcmp(type, "system")) {
        diag_add(diag, "%s: unknown datapath type (this datapath is "
                 "\"userspace\")", type);
        return -EAFNOSUPPORT;
    }
    dpif = g_new0(struct dpif, 1);
    pthread_mutex_init(&dpif->mutex, NULL);
    dpif->bridges = g_hash_table_new(g_str_hash, g_str_equal);
    dpif->rx_coalesce_us = DPIF_RX_COALESCE_DEFAULT;
    dpif->ifaces = g_hash_table_new(g_str_hash, g_str_equal);
    dpif->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    dpif->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    dpif->notify_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    memset(&ev, 0, sizeof ev);
    ev.events = EPOLLIN;
    ev.data.ptr = NULL;
    if (dpif->epoll_fd < 0 || dpif->wake_fd < 0 || dpif->notify_fd < 0
        || epoll_ctl(dpif->epoll_fd, EPOLL_CTL_ADD, dpif->wake_fd, &ev) < 0) {
        int error = -errno;

        diag_add(diag, "datapath: %s", g_strerror(errno));
        dpif_close(dpif);
        return error;
    }
    if (pthread_create(&dpif->thread, NULL, forwarder_main, dpif)) {
        diag_add(diag, "datapath: cannot start the forwarding thread");
        dpif_close(dpif);
        return -EAGAIN;
    }
    dpif->thread_started = true;
    *dpifp = dpif;
    return 0;
}

void
dpif_close(struct dpif *dpif)
{
    GHashTableIter iter;
    gpointer value;

    if (!dpif) {
        return;
    }
    if (dpif->thread_started) {
        pthread_mutex_lock(&dpif->mutex);
        dpif->exiting = true;
        pthread_mutex_unlock(&dpif->mutex);
        wake_forwarder(dpif);
        pthread_join(dpif->thread, NULL);
    }
    g_hash_table_iter_init(&iter, dpif->bridges);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        g_hash_table_iter_steal(&iter);
        bridge_destroy(value);
    }
    g_hash_table_destroy(dpif->bridges);
    g_hash_table_destroy(dpif->ifaces);
    if (dpif->epoll_fd >= 0) {
        close(dpif->epoll_fd);
    }
    if (dpif->wake_fd >= 0) {
        close(dpif->wake_fd);
    }
    if (dpif->notify_fd >= 0) {
        close(dpif->notify_fd);
    }
    pthread_mutex_destroy(&dpif->mutex);
    g_free(dpif);
}

int
dpif_get_notify_fd(const struct dpif *dpif)
{
    return dpif->notify_fd;
}

uint64_t
dpif_get_change_seq(struct dpif *dpif)
{
    uint64_t seq;

    eventfd_drain(dpif->notify_fd);
    pthread_mutex_lock(&dpif->mutex);
    seq = dpif->change_seq;
    pthread_mutex_unlock(&dpif->mutex);
    return seq;
}

int
dpif_bridge_set(struct dpif *dpif, const char *name,
                const struct dpif_bridge_settings *s, struct diag *diag)
{
    struct bridge *br;
    bool was_secure;

    if (!*name || strlen(name) >= 16 || strchr(name, '/')) {
        diag_add(diag, "%s: invalid bridge name", name);
        return -EINVAL;
    }
    pthread_mutex_lock(&dpif->mutex);
    br = find_bridge(dpif, name);
    if (!br) {
        br = g_new0(struct bridge, 1);
        br->name = g_strdup(name);
        br->dpif = dpif;
        br->settings = *s;
        br->ports = g_hash_table_new(g_str_hash, g_str_equal);
        br->by_ofport = g_hash_table_new(NULL, NULL);
        br->by_ml_port = g_hash_table_new(NULL, NULL);
        br->ml = mac_learning_create(s->mac_aging_time
                                     ? s->mac_aging_time
                                     : MAC_LEARNING_DEFAULT_IDLE_TIME,
                                     s->mac_table_size
                                     ? s->mac_table_size
                                     : MAC_LEARNING_DEFAULT_MAX);
        br->flows = flow_table_create();
        br->tx_pending = g_ptr_array_new();
        g_hash_table_insert(dpif->bridges, br->name, br);
        bridge_add_normal_rule(br);
        LOG_INFO("%s: bridge created", name);
    } else {
        was_secure = br->settings.fail_secure;
        br->settings = *s;
        mac_learning_set_idle_time(br->ml, s->mac_aging_time
                                   ? s->mac_aging_time
                                   : MAC_LEARNING_DEFAULT_IDLE_TIME);
        mac_learning_set_max_entries(br->ml, s->mac_table_size
                                     ? s->mac_table_size
                                     : MAC_LEARNING_DEFAULT_MAX);
        if (was_secure && !s->fail_secure) {
            bridge_add_normal_rule(br);
        } else if (!was_secure && s->fail_secure) {
            bridge_del_normal_rule(br);
        }
        if (s->has_hwaddr) {
            struct iface *local = g_hash_table_lookup(
                br->by_ofport, GUINT_TO_POINTER(DPIF_LOCAL_PORT));
            uint8_t mac[6];

            if (local && !dp_netdev_get_mac(local->netdev, mac)
                && memcmp(mac, s->hwaddr, 6)) {
                dp_netdev_set_mac(local->netdev, s->hwaddr, diag);
            }
        }
    }
    pthread_mutex_unlock(&dpif->mutex);
    wake_forwarder(dpif);
    return 0;
}

void
dpif_bridge_del(struct dpif *dpif, const char *name)
{
    struct bridge *br;

    pthread_mutex_lock(&dpif->mutex);
    br = find_bridge(dpif, name);
    if (br) {
        g_hash_table_remove(dpif->bridges, name);
        bridge_destroy(br);
        LOG_INFO("%s: bridge deleted", name);
    }
    pthread_mutex_unlock(&dpif->mutex);
}

static int
compare_strings(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

static int
compare_port_names(gconstpointer a, gconstpointer b)
{
    return strcmp((*(struct port *const *) a)->name,
                  (*(struct port *const *) b)->name);
}

static GPtrArray *
sorted_keys(GHashTable *table)
{
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    GHashTableIter iter;
    gpointer key;

    g_hash_table_iter_init(&iter, table);
    while (g_hash_table_iter_next(&iter, &key, NULL)) {
        g_ptr_array_add(names, g_strdup(key));
    }
    g_ptr_array_sort(names, compare_strings);
    return names;
}

GPtrArray *
dpif_bridge_list(struct dpif *dpif)
{
    GPtrArray *names;

    pthread_mutex_lock(&dpif->mutex);
    names = sorted_keys(dpif->bridges);
    pthread_mutex_unlock(&dpif->mutex);
    return names;
}

int
dpif_port_set(struct dpif *dpif, const char *bridge,
              const struct dpif_port_settings *s, struct diag *diag)
{
    struct bridge *br;
    struct port *port;
    int error = 0;

    pthread_mutex_lock(&dpif->mutex);
    br = find_bridge(dpif, bridge);
    if (!br) {
        diag_add(diag, "%s: no such bridge", bridge);
        pthread_mutex_unlock(&dpif->mutex);
        return -ENOENT;
    }
    port = g_hash_table_lookup(br->ports, s->name);
    if (!port) {
        port = g_new0(struct port, 1);
        port->name = g_strdup(s->name);
        port->br = br;
        port->ifaces = g_ptr_array_new();
        g_hash_table_insert(br->ports, port->name, port);
    }
    port->vlan = s->vlan;

    /* Interfaces that went away, or changed type. */
    for (guint i = 0; i < port->ifaces->len;) {
        struct iface *iface = g_ptr_array_index(port->ifaces, i);
        bool keep = false;

        for (size_t k = 0; k < s->n_ifaces; k++) {
            if (!strcmp(s->ifaces[k].name, iface->name)
                && !strcmp(iface_kind(s->ifaces[k].type), iface->type)) {
                keep = true;
            }
        }
        if (keep) {
            i++;
        } else {
            g_ptr_array_remove_index(port->ifaces, i);
            iface_destroy(iface);
        }
    }
    /* New ones. */
    for (size_t k = 0; k < s->n_ifaces; k++) {
        struct iface *iface;

        if (port_find_iface(port, s->ifaces[k].name)) {
            continue;
        }
        iface = iface_create(port, &s->ifaces[k], diag);
        if (iface) {
            g_ptr_array_add(port->ifaces, iface);
        } else {
            error = -ENODEV;
        }
    }
    if (port_configure_bond(port, s, diag) && !error) {
        error = -EINVAL;
    }
    /* Forwarding decisions made for the old configuration are stale. */
    mac_learning_flush_port(br->ml, port->ml_port);
    pthread_mutex_unlock(&dpif->mutex);
    wake_forwarder(dpif);
    return error;
}

void
dpif_port_del(struct dpif *dpif, const char *bridge, const char *name)
{
    struct bridge *br;
    struct port *port;

    pthread_mutex_lock(&dpif->mutex);
    br = find_bridge(dpif, bridge);
    port = br ? g_hash_table_lookup(br->ports, name) : NULL;
    if (port) {
        g_hash_table_remove(br->ports, name);
        port_destroy(port, NULL);
    }
    pthread_mutex_unlock(&dpif->mutex);
}

GPtrArray *
dpif_port_list(struct dpif *dpif, const char *bridge)
{
    struct bridge *br;
    GPtrArray *names = NULL;

    pthread_mutex_lock(&dpif->mutex);
    br = find_bridge(dpif, bridge);
    if (br) {
        names = sorted_keys(br->ports);
    }
    pthread_mutex_unlock(&dpif->mutex);
    return names;
}

int
dpif_iface_get_status(struct dpif *dpif, const char *bridge,
                      const char *name, struct dpif_iface_status *st)
{
    struct iface *iface;
    int error = -ENOENT;

    pthread_mutex_lock(&dpif->mutex);
    iface = g_hash_table_lookup(dpif->ifaces, name);
    if (iface && !strcmp(iface->port->br->name, bridge)) {
        memset(st, 0, sizeof *st);
        st->ofport = iface->ofport;
        if (iface->lost) {
            st->lost = true;
            pthread_mutex_unlock(&dpif->mutex);
            return 0;
        }
        dp_netdev_get_carrier(iface->netdev, &st->link_up);
        iface->link_up = st->link_up;
        dp_netdev_get_mac(iface->netdev, st->mac);
        dp_netdev_get_mtu(iface->netdev, &st->mtu);
        /* The carrier (IFF_RUNNING) needs the device administratively
         * up; a device that is up without carrier reads as down. */
        st->admin_up = st->link_up;
        error = 0;
    }
    pthread_mutex_unlock(&dpif->mutex);
    return error;
}

int
dpif_bond_get_active(struct dpif *dpif, const char *bridge,
                     const char *name, char **active)
{
    struct bridge *br;
    struct port *port;
    int error = -ENOENT;

    pthread_mutex_lock(&dpif->mutex);
    br = find_bridge(dpif, bridge);
    port = br ? g_hash_table_lookup(br->ports, name) : NULL;
    if (port && port->bond) {
        uint32_t member;
        struct iface *iface = NULL;

        if (!bond_get_active(port->bond, &member)) {
            iface = g_hash_table_lookup(br->by_ofport,
                                        GUINT_TO_POINTER(member));
        }
        *active = iface ? g_strdup(iface->name) : NULL;
        error = 0;
    }
    pthread_mutex_unlock(&dpif->mutex);
    return error;
}

/* Flows. */

static int
flow_op_prologue(struct dpif *dpif, const char *bridge, char **errp,
                 struct bridge **brp)
{
    pthread_mutex_lock(&dpif->mutex);
    *brp = find_bridge(dpif, bridge);
    if (!*brp) {
        *errp = g_strdup_printf("%s is not a bridge or a socket", bridge);
        pthread_mutex_unlock(&dpif->mutex);
        return -ENOENT;
    }
    return 0;
}

int
dpif_flow_add(struct dpif *dpif, const char *bridge, const char *flow,
              char **errp)
{
    return dpif_flow_add_many(dpif, bridge, &flow, 1, errp);
}

int
dpif_flow_add_many(struct dpif *dpif, const char *bridge,
                   const char *const *flows, size_t n, char **errp)
{
    struct flow_table_spec *specs = g_new0(struct flow_table_spec, n + 1);
    struct bridge *br;
    size_t parsed = 0;
    int error = flow_op_prologue(dpif, bridge, errp, &br);

    if (error) {
        g_free(specs);
        return error;
    }
    for (; parsed < n; parsed++) {
        error = flow_table_parse(flows[parsed], FLOW_TABLE_PARSE_ADD,
                                 port_lookup_cb, br, &specs[parsed], errp);
        if (error) {
            break;
        }
    }
    if (!error) {
        long long now = time_msec();

        for (size_t i = 0; i < n; i++) {
            flow_table_add(br->flows, &specs[i], now);
        }
    }
    for (size_t i = 0; i < parsed; i++) {
        flow_table_spec_destroy(&specs[i]);
    }
    g_free(specs);
    pthread_mutex_unlock(&dpif->mutex);
    wake_forwarder(dpif);
    return error;
}

/* Parses the del-flows or dump-flows filter 'filter' of 'br' into 'spec':
 * NULL or "" selects every flow. */
static int
parse_filter(struct bridge *br, const char *filter,
             struct flow_table_spec *spec, char **errp)
{
    if (!filter || !*filter) {
        flow_table_spec_init(spec);
        return 0;
    }
    return flow_table_parse(filter, FLOW_TABLE_PARSE_FILTER, port_lookup_cb,
                            br, spec, errp);
}

int
dpif_flow_del(struct dpif *dpif, const char *bridge, const char *filter,
              bool strict, char **errp)
{
    struct flow_table_spec spec;
    struct bridge *br;
    int error = flow_op_prologue(dpif, bridge, errp, &br);

    if (error) {
        return error;
    }
    error = parse_filter(br, filter, &spec, errp);
    if (!error) {
        flow_table_delete(br->flows, &spec, strict);
        flow_table_spec_destroy(&spec);
        if (!flow_table_count(br->flows)) {
            /* As Open vSwitch without a controller: a standalone bridge
             * stays a learning switch. */
            bridge_add_normal_rule(br);
        }
    }
    pthread_mutex_unlock(&dpif->mutex);
    return error;
}

int
dpif_flow_dump(struct dpif *dpif, const char *bridge, const char *filter,
               bool no_stats, GString *out, char **errp)
{
    struct flow_table_spec spec;
    struct bridge *br;
    int error = flow_op_prologue(dpif, bridge, errp, &br);

    if (error) {
        return error;
    }
    error = parse_filter(br, filter, &spec, errp);
    if (!error) {
        flow_table_dump(br->flows, &spec, time_msec(),
                        no_stats ? FLOW_TABLE_DUMP_NO_STATS : 0, out);
        flow_table_spec_destroy(&spec);
    }
    pthread_mutex_unlock(&dpif->mutex);
    return error;
}

/* Reports. */

static const char *
ml_port_name(uint32_t ml_port, void *br_)
{
    static char buf[16];
    struct bridge *br = br_;
    struct port *port = g_hash_table_lookup(br->by_ml_port,
                                            GUINT_TO_POINTER(ml_port));
    struct iface *iface = (port && port->ifaces->len
                           ? g_ptr_array_index(port->ifaces, 0) : NULL);

    if (!iface) {
        return "?";
    }
    if (iface->ofport == DPIF_LOCAL_PORT) {
        return "LOCAL";
    }
    snprintf(buf, sizeof buf, "%u", iface->ofport);
    return buf;
}

int
dpif_fdb_show(struct dpif *dpif, const char *bridge, GString *out)
{
    struct bridge *br;

    pthread_mutex_lock(&dpif->mutex);
    br = find_bridge(dpif, bridge);
    if (br) {
        mac_learning_format(br->ml, time_msec(), ml_port_name, br, out);
    }
    pthread_mutex_unlock(&dpif->mutex);
    return br ? 0 : -ENOENT;
}

int
dpif_fdb_flush(struct dpif *dpif, const char *bridge)
{
    GHashTableIter iter;
    gpointer value;
    int error = -ENOENT;

    pthread_mutex_lock(&dpif->mutex);
    g_hash_table_iter_init(&iter, dpif->bridges);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        struct bridge *br = value;

        if (!bridge || !strcmp(br->name, bridge)) {
            mac_learning_flush(br->ml);
            error = 0;
        }
    }
    pthread_mutex_unlock(&dpif->mutex);
    return error;
}

int
dpif_bond_show(struct dpif *dpif, const char *name, GString *out)
{
    GPtrArray *bonds = g_ptr_array_new();
    GHashTableIter biter;
    gpointer bvalue;
    long long now = time_msec();

    pthread_mutex_lock(&dpif->mutex);
    g_hash_table_iter_init(&biter, dpif->bridges);
    while (g_hash_table_iter_next(&biter, NULL, &bvalue)) {
        struct bridge *br = bvalue;
        GHashTableIter piter;
        gpointer pvalue;

        g_hash_table_iter_init(&piter, br->ports);
        while (g_hash_table_iter_next(&piter, NULL, &pvalue)) {
            struct port *port = pvalue;

            if (port->bond && (!name || !strcmp(port->name, name))) {
                g_ptr_array_add(bonds, port);
            }
        }
    }
    g_ptr_array_sort(bonds, compare_port_names);
    for (guint i = 0; i < bonds->len; i++) {
        struct port *port = g_ptr_array_index(bonds, i);

        bond_format(port->bond, now, out);
    }
    pthread_mutex_unlock(&dpif->mutex);
    g_ptr_array_free(bonds, TRUE);
    return name && !out->len ? -ENOENT : 0;
}

void
dpif_set_rx_coalesce(struct dpif *dpif, int usecs)
{
    pthread_mutex_lock(&dpif->mutex);
    dpif->rx_coalesce_us = CLAMP(usecs, 0, DPIF_RX_COALESCE_MAX);
    pthread_mutex_unlock(&dpif->mutex);
}

int
dpif_get_rx_coalesce(struct dpif *dpif)
{
    int usecs;

    pthread_mutex_lock(&dpif->mutex);
    usecs = dpif->rx_coalesce_us;
    pthread_mutex_unlock(&dpif->mutex);
    return usecs;
}

void
dpif_show(struct dpif *dpif, GString *out)
{
    GPtrArray *names = dpif_bridge_list(dpif);

    pthread_mutex_lock(&dpif->mutex);
    g_string_append_printf(out, "userspace@xsvswitch: rx-coalesce-usecs %d "
                           "(%llu pauses)\n", dpif->rx_coalesce_us,
                           dpif->rx_coalesce_pauses);
    for (guint i = 0; i < names->len; i++) {
        struct bridge *br = find_bridge(dpif, names->pdata[i]);
        GPtrArray *ofports = g_ptr_array_new();
        GHashTableIter iter;
        gpointer value;

        if (!br) {
            continue;
        }
        g_string_append_printf(out, "  %s:\n", br->name);
        g_hash_table_iter_init(&iter, br->by_ofport);
        while (g_hash_table_iter_next(&iter, NULL, &value)) {
            g_ptr_array_add(ofports, value);
        }
        for (guint a = 0; a < ofports->len; a++) {
            for (guint b = a + 1; b < ofports->len; b++) {
                struct iface *x = ofports->pdata[a], *y = ofports->pdata[b];

                if (y->ofport < x->ofport) {
                    ofports->pdata[a] = y;
                    ofports->pdata[b] = x;
                }
            }
        }
        for (guint k = 0; k < ofports->len; k++) {
            struct iface *iface = ofports->pdata[k];
            struct dp_netdev_stats st;

            dp_netdev_get_stats(iface->netdev, &st);
            if (iface->ofport == DPIF_LOCAL_PORT) {
                g_string_append_printf(out, "    %s LOCAL/%s: (%s)",
                                       iface->name, iface->type,
                                       iface->type);
            } else {
                g_string_append_printf(out, "    %s %u/%s: (%s)",
                                       iface->name, iface->ofport,
                                       iface->type, iface->type);
            }
            g_string_append_printf(out, " rx %llu pkts, tx %llu pkts\n",
                                   (unsigned long long) st.rx_packets,
                                   (unsigned long long) st.tx_packets);
        }
        g_ptr_array_free(ofports, TRUE);
    }
    pthread_mutex_unlock(&dpif->mutex);
    g_ptr_array_unref(names);
}
