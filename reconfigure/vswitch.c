/* vswitch.c -- the Open vSwitch backend of interface-reconfigure.
 *
 * Plans what the original's InterfaceReconfigureVswitch did (reference
 * section 4.4): the datapath bridge with its uplink (a NIC, or a bond made
 * of the PIF's slaves), the VLAN "fake bridge" of a VLAN PIF, the bridge's
 * hwaddr, fail mode, in-band setting and xs-network-uuids, all as one switch
 * transaction; sibling bridges and bond members that are in the way are
 * torn down; secure pools get the management escape flows.  Everything
 * goes into plans (plan.h) that actions.c executes.
 *
 * Device MTUs and ethtool settings come from ifcfg.c's interpretation of
 * other_config, so both backends read those keys the same way. */
#include <config.h>

#include <errno.h>
#include <glib.h>
#include <string.h>

#include "backend.h"
#include "diag.h"
#include "ifcfg.h"
#include "model.h"
#include "query.h"

/* A list of PIFs that grows, without duplicates. */
static bool
pifs_contains(const GPtrArray *a, const struct dbc_pif *pif)
{
    for (guint i = 0; i < a->len; i++) {
        if (g_ptr_array_index(a, i) == pif) {
            return true;
        }
    }
    return false;
}

/* Is 'pif' in use: attached, or under an attached bond or VLAN?  Logs why,
 * as the original did. */
static bool
pif_in_use(const struct dbcache *db, const struct dbc_pif *pif,
           struct plan *p, int depth)
{
    struct dbc_pifs masters;
    char *netdev = dbc_pif_netdev_name(pif);
    bool in_use = false;

    if (pif->currently_attached) {
        plan_log(p, "configure_datapath: %s is currently attached", netdev);
        in_use = true;
    } else if (depth < 4) {
        masters = dbc_pif_bond_masters(db, pif);
        for (size_t i = 0; !in_use && i < masters.n; i++) {
            if (pif_in_use(db, masters.pifs[i], p, depth + 1)) {
                plan_log(p, "configure_datapath: %s is in use by BOND master",
                         netdev);
                in_use = true;
            }
        }
        dbc_pifs_free(&masters);
        masters = dbc_pif_vlan_children(db, pif);
        for (size_t i = 0; !in_use && i < masters.n; i++) {
            if (pif_in_use(db, masters.pifs[i], p, depth + 1)) {
                plan_log(p, "configure_datapath: %s is in use by VLAN master",
                         netdev);
                in_use = true;
            }
        }
        dbc_pifs_free(&masters);
    }
    g_free(netdev);
    return in_use;
}

/* The network uuids of every PIF on the datapath PIF's device: non-VLAN
 * PIFs first, VLAN PIFs after, joined with ';'. */
static char *
network_uuids(const struct dbcache *db, const struct dbc_pif *dp)
{
    struct dbc_pifs same = dbc_pifs_by_device(db, dp->device);
    GPtrArray *uuids = g_ptr_array_new();
    char *joined;

    for (size_t i = 0; i < same.n; i++) {
        const struct dbc_network *nw = dbc_pif_network(db, same.pifs[i]);

        if (!nw) {
            continue;
        }
        if (dbc_pif_is_vlan(same.pifs[i])) {
            g_ptr_array_add(uuids, nw->uuid);
        } else {
            g_ptr_array_insert(uuids, 0, nw->uuid);
        }
    }
    g_ptr_array_add(uuids, NULL);
    joined = g_strjoinv(";", (char **) uuids->pdata);
    g_ptr_array_free(uuids, TRUE);
    dbc_pifs_free(&same);
    return joined;
}

/* Appends "set Port <bond> [MAC=..] options..." for bond PIF 'bond'. */
static void
bond_options(const struct dbc_pif *bond, const char *bridge,
             const char *bond_dev, struct vsctl_txn *txn, struct plan *p)
{
    /* Defaults, overridden by the bond PIF's bond-* keys.  Kept in sorted
     * name order, the order the original processed them in. */
    static const char *const names[] = {
        "downdelay", "hashing-algorithm", "miimon", "mode", "updelay",
        "use_carrier",
    };
    const char *values[] = { "200", "src_mac", "100", "balance-slb",
                             "31000", "1" };
    GPtrArray *words = g_ptr_array_new();
    const char *mode = NULL, *hashing = NULL;

    g_ptr_array_add(words, g_strdup("set"));
    g_ptr_array_add(words, g_strdup("Port"));
    g_ptr_array_add(words, g_strdup(bond_dev));
    if (*bond->mac) {
        char *mac = vsctl_escape(bond->mac);

        g_ptr_array_add(words, g_strdup_printf("MAC=%s", mac));
        g_free(mac);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        char *key = g_strdup_printf("bond-%s", names[i]);
        const char *v = dbc_map_get(&bond->other_config, key);

        if (v) {
            values[i] = v;
        }
        g_free(key);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        const char *name = names[i], *v = values[i];
        char *end;
        long long n = g_ascii_strtoll(v, &end, 10);
        bool is_uint = *v && !*end && n >= 0 && n <= G_MAXINT;

        if (!strcmp(name, "mode")) {
            mode = v;
        } else if (!strcmp(name, "hashing-algorithm")) {
            hashing = v;
        } else if (!is_uint) {
            plan_log(p, "bridge %s has invalid %s '%s'", bridge, name, v);
        } else if (!strcmp(name, "updelay") || !strcmp(name, "downdelay")) {
            g_ptr_array_add(words, g_strdup_printf("bond_%s=%lld", name, n));
        } else if (!strcmp(name, "miimon")) {
            g_ptr_array_add(words, g_strdup_printf(
                                "other-config:bond-miimon-interval=%lld", n));
        } else if (!strcmp(name, "use_carrier")) {
            g_ptr_array_add(words, g_strdup_printf(
                                "other-config:bond-detect-mode=%s",
                                n ? "carrier" : "miimon"));
        }
    }

    if (!strcmp(mode, "lacp")) {
        const char *bond_mode = "balance-slb";

        if (!strcmp(hashing, "tcpudp_ports")) {
            bond_mode = "balance-tcp";
        } else if (strcmp(hashing, "src_mac")) {
            plan_log(p, "bridge %s has invalid bond-hashing-algorithm '%s'",
                     bridge, hashing);
        }
        g_ptr_array_add(words, g_strdup("lacp=active"));
        g_ptr_array_add(words, g_strdup_printf("bond_mode=%s", bond_mode));
    } else {
        if (strcmp(mode, "balance-slb") && strcmp(mode, "active-backup")) {
            plan_log(p, "bridge %s has invalid bond-mode '%s'", bridge, mode);
            mode = "balance-slb";
        }
        g_ptr_array_add(words, g_strdup("lacp=off"));
        g_ptr_array_add(words, g_strdup_printf("bond_mode=%s", mode));
    }
    g_ptr_array_add(words, NULL);
    vsctl_txn_addv(txn, (char **) g_ptr_array_free(words, FALSE));
}

/* The management escape flows (NIC-376), for a secure bridge whose
 * controller may not be reachable yet: ARP and traffic to and from the
 * management MAC pass between the uplink ("%s": each physical port's
 * ofport) and the host.  The host is the bridge's local port, or, when the
 * management interface is VLAN PIF 'vlan' on this bridge, that VLAN's
 * internal port ("%v": its ofport), with the tag added and stripped (the
 * original skipped this case). */
static void
escape_flows(const struct dbc_pif *dp, const struct dbc_pifs *phys,
             const char *bridge, const struct dbc_pif *vlan,
             const char *vlan_port, struct plan *p)
{
    GPtrArray *ports = g_ptr_array_new();
    GPtrArray *flows = g_ptr_array_new();
    const char *mac = dp->mac;
    const char *prefix = "idle_timeout=0,priority=0,";
    char *host_in, *to_host, *from_host_arp, *from_host, *match_tag;

    if (vlan) {
        host_in = g_strdup("in_port=%v");
        to_host = g_strdup("strip_vlan,output:%v");
        match_tag = g_strdup_printf("dl_vlan=%s,", vlan->vlan);
        from_host = (phys->n > 1
                     ? g_strdup("NORMAL")
                     : g_strdup_printf("mod_vlan_vid:%s,output:%%s",
                                       vlan->vlan));
    } else {
        host_in = g_strdup("in_port=local");
        to_host = g_strdup("local");
        match_tag = g_strdup("");
        from_host = g_strdup(phys->n > 1 ? "NORMAL" : "%s");
    }
    from_host_arp = g_strdup(from_host);

    if (phys->n > 1) {
        g_ptr_array_add(flows, g_strdup_printf(
                            "%s%s,arp,dl_src=%s,actions=%s", prefix, host_in,
                            mac, from_host_arp));
        g_ptr_array_add(flows, g_strdup_printf(
                            "%s%s,dl_src=%s,actions=%s", prefix, host_in,
                            mac, from_host));
        g_ptr_array_add(flows, g_strdup_printf(
                            "%sin_port=%%s,%sarp,nw_proto=1,actions=%s",
                            prefix, match_tag, to_host));
        g_ptr_array_add(flows, g_strdup_printf(
                            "%sin_port=%%s,%sdl_dst=%s,actions=%s",
                            prefix, match_tag, mac, to_host));
        for (size_t i = 0; i < phys->n; i++) {
            g_ptr_array_add(ports, dbc_pif_netdev_name(phys->pifs[i]));
        }
    } else {
        g_ptr_array_add(flows, g_strdup_printf(
                            "%sin_port=%%s,%sarp,nw_proto=1,actions=%s",
                            prefix, match_tag, to_host));
        g_ptr_array_add(flows, g_strdup_printf(
                            "%s%s,arp,dl_src=%s,actions=%s", prefix, host_in,
                            mac, from_host_arp));
        g_ptr_array_add(flows, g_strdup_printf(
                            "%sin_port=%%s,%sdl_dst=%s,actions=%s",
                            prefix, match_tag, mac, to_host));
        g_ptr_array_add(flows, g_strdup_printf(
                            "%s%s,dl_src=%s,actions=%s", prefix, host_in,
                            mac, from_host));
        g_ptr_array_add(ports, dbc_pif_netdev_name(phys->n ? phys->pifs[0]
                                                   : dp));
    }
    g_ptr_array_add(ports, NULL);
    g_ptr_array_add(flows, NULL);
    plan_flows(p, bridge, (char **) g_ptr_array_free(ports, FALSE),
               (char **) g_ptr_array_free(flows, FALSE), vlan_port);
    g_free(host_in);
    g_free(to_host);
    g_free(from_host_arp);
    g_free(from_host);
    g_free(match_tag);
}

/* Brings down the bridge of 'pif' now and deletes it in the transaction. */
static void
tear_down_bridge(const struct dbcache *db, const struct dbc_pif *pif,
                 struct plan *pre, struct vsctl_txn *txn)
{
    const char *bridge;

    if (!dbc_pif_bridge_name(db, pif, &bridge, NULL)) {
        plan_link_down(pre, bridge);
        vsctl_txn_add(txn, "--if-exists", "del-br", bridge, NULL);
    }
}

/* Physical device settings: link up with its MTU, then ethtool (the NIC's
 * own settings, else its network's). */
static void
configure_physical(const struct ifr_env *env, const struct dbc_pif *dp,
                   const struct dbc_pif *dev_pif, struct plan *p)
{
    const struct dbcache *db = env->db;
    const struct dbc_network *nw = dbc_pif_network(db, dev_pif);
    struct diag *warnings = diag_new();
    char *dev = dbc_pif_netdev_name(dev_pif);
    int mtu = 0;

    if (dbc_pif_is_bond(dp)) {
        ifr_mtu_setting(db, dbc_pif_network(db, dp), "Bond-PIF",
                        &dp->other_config, &mtu, warnings);
    } else {
        ifr_mtu_setting(db, nw, "PIF", &dev_pif->other_config, &mtu,
                        warnings);
    }
    for (size_t i = 0; i < diag_count(warnings); i++) {
        plan_log(p, "%s", diag_get(warnings, i));
    }
    backend_device_up(env, dev, mtu, &dev_pif->other_config,
                      nw ? &nw->other_config : NULL, true, p);
    diag_free(warnings);
    g_free(dev);
}

/* The original's configure_datapath(): fills 'bp' for datapath PIF 'dp'
 * and queues its switch commands in 'txn'.  The escape flows, if the
 * bridge needs them, go to 'flows': they run after the transaction.
 * 'vlan_mgmt' is the management VLAN PIF being brought up on 'dp' (its
 * internal port 'vlan_port'), or NULL. */
static int
configure_datapath(const struct ifr_env *env, const struct dbc_pif *dp,
                   const struct dbc_pif *vlan_mgmt, const char *vlan_port,
                   struct backend_plan *bp, struct vsctl_txn *txn,
                   struct plan *flows, struct diag *diag)
{
    const struct dbcache *db = env->db;
    GPtrArray *extra_ports = g_ptr_array_new();
    GPtrArray *extra_bonds = g_ptr_array_new();
    const struct dbc_network *nw;
    const struct dbc_pool *pool;
    struct dbc_pifs phys;
    const char *bridge;
    char *dp_netdev = NULL, *s, *mac, *uuids;
    const char *fail_mode = NULL, *in_band;
    bool need_flows = false;
    int error;

    error = dbc_pif_bridge_name(db, dp, &bridge, diag);
    if (!error) {
        error = dbc_pif_physical_pifs(db, dp, &phys, diag);
    }
    if (error) {
        goto out;
    }
    dp_netdev = dbc_pif_netdev_name(dp);

    /* 1. Bonds and bond members in the way. */
    for (size_t i = 0; i < phys.n; i++) {
        struct dbc_pifs masters = dbc_pif_bond_masters(db, phys.pifs[i]);

        for (size_t j = 0; j < masters.n; j++) {
            const struct dbc_pif *m = masters.pifs[j];
            struct dbc_pifs slaves;
            char *mdev = dbc_pif_netdev_name(m);

            if (m == dp) {
                plan_log(&bp->pre, "configure_datapath: leaving bond %s up",
                         mdev);
                g_free(mdev);
                continue;
            }
            if (!pifs_contains(extra_bonds, m)) {
                if (m->currently_attached) {
                    plan_log(&bp->pre, "configure_datapath: implicitly "
                             "tearing down currently-attached bond %s", mdev);
                }
                g_ptr_array_add(extra_bonds, (gpointer) m);
            }
            g_free(mdev);
            if (!dbc_pif_bond_slaves(db, m, &slaves, NULL)) {
                for (size_t k = 0; k < slaves.n; k++) {
                    const struct dbc_pif *sl = slaves.pifs[k];
                    bool in_phys = false;

                    for (size_t q = 0; q < phys.n; q++) {
                        in_phys |= phys.pifs[q] == sl;
                    }
                    if (!in_phys && !pifs_contains(extra_ports, sl)
                        && !pif_in_use(db, sl, &bp->pre, 0)) {
                        g_ptr_array_add(extra_ports, (gpointer) sl);
                    }
                }
                dbc_pifs_free(&slaves);
            }
        }
        dbc_pifs_free(&masters);
    }

    /* 2. What it found. */
    plan_log(&bp->pre, "configure_datapath: bridge      - %s", bridge);
    s = ifr_pifs_pylist(phys.pifs, phys.n);
    plan_log(&bp->pre, "configure_datapath: physical    - %s", s);
    g_free(s);
    s = ifr_pifs_pylist((const struct dbc_pif *const *) extra_ports->pdata,
                    extra_ports->len);
    plan_log(&bp->pre, "configure_datapath: extra ports - %s", s);
    g_free(s);
    s = ifr_pifs_pylist((const struct dbc_pif *const *) extra_bonds->pdata,
                    extra_bonds->len);
    plan_log(&bp->pre, "configure_datapath: extra bonds - %s", s);
    g_free(s);

    /* 3. Bridges of the devices about to be reused. */
    for (size_t i = 0; i < phys.n; i++) {
        if (phys.pifs[i] != dp) {
            tear_down_bridge(db, phys.pifs[i], &bp->pre, txn);
        }
    }
    for (guint i = 0; i < extra_ports->len; i++) {
        tear_down_bridge(db, g_ptr_array_index(extra_ports, i), &bp->pre,
                         txn);
    }
    for (guint i = 0; i < extra_bonds->len; i++) {
        if (g_ptr_array_index(extra_bonds, i) != dp) {
            tear_down_bridge(db, g_ptr_array_index(extra_bonds, i),
                             &bp->pre, txn);
        }
    }

    /* 4-5. Ports to take out of whatever bridge holds them. */
    for (int pass = 0; pass < 2; pass++) {
        GPtrArray *list = pass ? extra_bonds : extra_ports;

        for (guint i = 0; i < list->len; i++) {
            char *dev = dbc_pif_netdev_name(g_ptr_array_index(list, i));

            vsctl_txn_add(txn, "--with-iface", "--if-exists", "del-port",
                          dev, NULL);
            plan_link_down(&bp->pre, dev);
            g_free(dev);
        }
    }
    for (size_t i = 0; i < phys.n; i++) {
        char *dev = dbc_pif_netdev_name(phys.pifs[i]);

        vsctl_txn_add(txn, "--with-iface", "--if-exists", "del-port", dev,
                      NULL);
        g_free(dev);
    }

    /* 6-7. The bridge and its uplink. */
    vsctl_txn_add(txn, "--may-exist", "add-br", bridge, NULL);
    if (phys.n > 1) {
        GPtrArray *words = g_ptr_array_new();

        vsctl_txn_add(txn, "--with-iface", "--if-exists", "del-port",
                      dp_netdev, NULL);
        g_ptr_array_add(words, g_strdup("--fake-iface"));
        g_ptr_array_add(words, g_strdup("add-bond"));
        g_ptr_array_add(words, g_strdup(bridge));
        g_ptr_array_add(words, g_strdup(dp_netdev));
        for (size_t i = 0; i < phys.n; i++) {
            g_ptr_array_add(words, dbc_pif_netdev_name(phys.pifs[i]));
        }
        g_ptr_array_add(words, NULL);
        vsctl_txn_addv(txn, (char **) g_ptr_array_free(words, FALSE));
        bond_options(dp, bridge, dp_netdev, txn, &bp->pre);
        plan_log(&bp->post, "action_up: bring up %s", dp_netdev);
        plan_link_up(&bp->post, dp_netdev, 0);
    } else if (phys.n == 1) {
        char *dev = dbc_pif_netdev_name(phys.pifs[0]);

        vsctl_txn_add(txn, "--may-exist", "add-port", bridge, dev, NULL);
        g_free(dev);
    }

    /* 8. The bridge's MAC. */
    mac = vsctl_escape(dp->mac);
    s = g_strdup_printf("other-config:hwaddr=%s", mac);
    vsctl_txn_add(txn, "set", "Bridge", bridge, s, NULL);
    g_free(s);
    g_free(mac);

    /* 9. Fail mode: the network's, else the pool's, else standalone. */
    nw = dbc_network_by_bridge(db, bridge);
    pool = dbc_get_pool(db);
    if (nw) {
        fail_mode = dbc_map_get(&nw->other_config,
                                "vswitch-controller-fail-mode");
    }
    if (!fail_mode || (strcmp(fail_mode, "standalone")
                       && strcmp(fail_mode, "secure"))) {
        fail_mode = NULL;
        if (pool) {
            fail_mode = dbc_map_get(&pool->other_config,
                                    "vswitch-controller-fail-mode");
            if (fail_mode && !strcmp(fail_mode, "secure")
                && (dp->management || vlan_mgmt) && env->get_fail_mode) {
                char *current = env->get_fail_mode(env->aux, bridge);

                if (!current || strcmp(current, "secure")) {
                    need_flows = true;
                }
                g_free(current);
            }
        }
        if (!fail_mode || (strcmp(fail_mode, "standalone")
                           && strcmp(fail_mode, "secure"))) {
            fail_mode = "standalone";
        }
    }
    s = g_strdup_printf("fail_mode=%s", fail_mode);
    vsctl_txn_add(txn, "set", "Bridge", bridge, s, NULL);
    g_free(s);

    /* 10. In-band management. */
    if (nw) {
        in_band = dbc_map_get(&nw->other_config, "vswitch-disable-in-band");
        if (!in_band || !*in_band) {
            vsctl_txn_add(txn, "remove", "Bridge", bridge, "other_config",
                          "disable-in-band", NULL);
        } else if (!strcmp(in_band, "true") || !strcmp(in_band, "false")) {
            s = g_strdup_printf("other_config:disable-in-band=%s", in_band);
            vsctl_txn_add(txn, "set", "Bridge", bridge, s, NULL);
            g_free(s);
        } else {
            plan_log(&bp->pre, "\"%s\" isn't a valid setting for "
                     "other_config:disable-in-band on %s", in_band, bridge);
        }
    }

    /* 11. Which XAPI networks this bridge carries. */
    uuids = network_uuids(db, dp);
    vsctl_txn_add(txn, "br-set-external-id", bridge, "xs-network-uuids",
                  uuids, NULL);
    g_free(uuids);

    /* Physical devices come up before they join the switch, so that a
     * bond knows their carrier from the start. */
    for (size_t i = 0; i < phys.n; i++) {
        configure_physical(env, dp, phys.pifs[i], &bp->configure);
    }
    if (need_flows) {
        escape_flows(dp, &phys, bridge, vlan_mgmt,
                     vlan_mgmt ? vlan_port : NULL, flows);
    }
    dbc_pifs_free(&phys);

out:
    g_free(dp_netdev);
    g_ptr_array_free(extra_ports, TRUE);
    g_ptr_array_free(extra_bonds, TRUE);
    return error;
}

static int
vswitch_check_pif(const struct ifr_env *env, const struct dbc_pif *pif,
                  struct diag *diag)
{
    const struct dbc_pif *dp;
    int error = dbc_pif_datapath(env->db, pif, &dp, diag);

    if (!error && !dp) {
        if (dbc_pif_is_vlan(pif)) {
            diag_add(diag, "Unbridged VLAN devices not implemented yet");
        } else {
            diag_add(diag, "PIF %s has no bridge: bridgeless PIFs are not "
                     "supported", pif->uuid);
        }
        error = -EINVAL;
    }
    return error;
}

static int
vswitch_plan_up(const struct ifr_env *env, const struct dbc_pif *pif,
                struct backend_plan *bp, struct diag *diag)
{
    const struct dbcache *db = env->db;
    struct vsctl_txn *txn = vsctl_txn_new();
    const struct dbc_pif *dp;
    struct dbc_pifs others;
    const char *dp_bridge;
    char *ipdev = dbc_pif_ipdev_name(db, pif);
    struct plan flows;
    int error;

    plan_init(&flows);
    error = vswitch_check_pif(env, pif, diag);
    if (!error) {
        error = dbc_pif_datapath(db, pif, &dp, diag);
    }
    if (!error) {
        const struct dbc_pif *vlan_mgmt = NULL;

        if (dbc_pif_is_vlan(pif)
            && (pif->management || env->management == pif)) {
            vlan_mgmt = pif;
        }
        error = configure_datapath(env, dp, vlan_mgmt, ipdev, bp, txn,
                                   &flows, diag);
    }
    if (error) {
        goto out;
    }
    dbc_pif_bridge_name(db, dp, &dp_bridge, NULL);

    if (dbc_pif_is_vlan(pif)) {
        char *uuids = network_uuids(db, dp);

        /* xapi sometimes leaves a stale bridge of the same name. */
        vsctl_txn_add(txn, "--if-exists", "del-br", ipdev, NULL);
        vsctl_txn_add(txn, "--may-exist", "add-br", ipdev, dp_bridge,
                      pif->vlan, NULL);
        vsctl_txn_add(txn, "br-set-external-id", ipdev, "xs-network-uuids",
                      uuids, NULL);
        g_free(uuids);
    }
    if (strcmp(ipdev, dp_bridge)) {
        /* A VLAN PIF's own MAC is a placeholder; use its datapath's. */
        char *mac = vsctl_escape(dp->mac);
        char *set = g_strdup_printf("MAC=%s", mac);

        vsctl_txn_add(txn, "set", "Interface", ipdev, set, NULL);
        g_free(set);
        g_free(mac);
    }

    /* Dhclients left on bond members or bond masters (OVS bug #2668). */
    others = dbc_pif_bond_masters(db, pif);
    for (size_t i = 0; i < others.n; i++) {
        char *name = dbc_pif_netdev_name(others.pifs[i]);
        const char *br;

        plan_log(&bp->down_existing, "action_up: bring down bond master %s",
                 name);
        if (!dbc_pif_bridge_name(db, others.pifs[i], &br, NULL)) {
            plan_ifdown(&bp->down_existing, br);
        }
        g_free(name);
    }
    dbc_pifs_free(&others);
    if (!dbc_pif_bond_slaves(db, pif, &others, NULL)) {
        for (size_t i = 0; i < others.n; i++) {
            char *name = dbc_pif_netdev_name(others.pifs[i]);
            const char *br;

            plan_log(&bp->down_existing, "action_up: bring down bond slave "
                     "%s", name);
            if (!dbc_pif_bridge_name(db, others.pifs[i], &br, NULL)) {
                plan_ifdown(&bp->down_existing, br);
            }
            g_free(name);
        }
        dbc_pifs_free(&others);
    }

    /* The transaction runs after the physical devices are up; the escape
     * flows need the ofports it creates. */
    vsctl_txn_finish(txn, &bp->configure);
    txn = NULL;
    plan_move(&bp->configure, &flows);

out:
    plan_clear(&flows);
    vsctl_txn_free(txn);
    g_free(ipdev);
    return error;
}

static int
vswitch_plan_down(const struct ifr_env *env, const struct dbc_pif *pif,
                  struct plan *p, struct diag *diag)
{
    const struct dbcache *db = env->db;
    struct vsctl_txn *txn = vsctl_txn_new();
    char *ipdev = dbc_pif_ipdev_name(db, pif);
    const struct dbc_pif *dp;
    const char *dp_bridge;
    bool keep = false;
    int error;

    error = vswitch_check_pif(env, pif, diag);
    if (!error) {
        error = dbc_pif_datapath(db, pif, &dp, diag);
    }
    if (error) {
        goto out;
    }
    dbc_pif_bridge_name(db, dp, &dp_bridge, NULL);

    plan_log(p, "deconfigure ipdev %s on %s", ipdev, dp_bridge);
    vsctl_txn_add(txn, "--with-iface", "--if-exists", "del-port", ipdev,
                  NULL);

    if (dbc_pif_is_vlan(pif)) {
        struct dbc_pifs vlans = dbc_pif_vlan_children(db, dp);

        plan_log(p, "deconfigure_bridge: bridge           - %s", ipdev);
        vsctl_txn_add(txn, "--if-exists", "del-br", ipdev, NULL);
        if (dp->currently_attached) {
            plan_log(p, "action_down: vlan slave is currently attached");
            keep = true;
        }
        for (size_t i = 0; !keep && i < vlans.n; i++) {
            if (vlans.pifs[i] != pif && vlans.pifs[i]->currently_attached) {
                char *n = dbc_pif_netdev_name(vlans.pifs[i]);

                plan_log(p, "action_down: vlan slave has other master: %s",
                         n);
                g_free(n);
                keep = true;
            }
        }
        if (!keep) {
            plan_log(p, "action_down: no more masters, bring down slave %s",
                     dp_bridge);
        }
        dbc_pifs_free(&vlans);
    } else {
        struct dbc_pifs vlans = dbc_pif_vlan_children(db, pif);
        GPtrArray *tags = g_ptr_array_new();

        for (size_t i = 0; i < vlans.n; i++) {
            if (vlans.pifs[i]->currently_attached) {
                g_ptr_array_add(tags, vlans.pifs[i]->vlan);
            }
        }
        if (tags->len) {
            char *s = ifr_pylist((char **) tags->pdata, tags->len);

            plan_log(p, "Leaving datapath %s up due to currently attached "
                     "VLAN masters %s", dp_bridge, s);
            g_free(s);
            keep = true;
        }
        g_ptr_array_free(tags, TRUE);
        dbc_pifs_free(&vlans);
    }

    if (!keep) {
        struct dbc_pifs phys;
        char *s;

        plan_log(p, "deconfigure_bridge: bridge           - %s", dp_bridge);
        vsctl_txn_add(txn, "--if-exists", "del-br", dp_bridge, NULL);
        error = dbc_pif_physical_pifs(db, dp, &phys, diag);
        if (error) {
            goto out;
        }
        s = ifr_pifs_pylist(phys.pifs, phys.n);
        plan_log(p, "action_down: bring down physical devices - %s", s);
        g_free(s);
        for (size_t i = 0; i < phys.n; i++) {
            char *dev = dbc_pif_netdev_name(phys.pifs[i]);

            plan_link_down(p, dev);
            g_free(dev);
        }
        dbc_pifs_free(&phys);
    }
    vsctl_txn_finish(txn, p);
    txn = NULL;

out:
    vsctl_txn_free(txn);
    g_free(ipdev);
    return error;
}

static int
vswitch_plan_rewrite(const struct ifr_env *env, struct plan *p,
                     struct diag *diag)
{
    const struct dbcache *db = env->db;
    struct vsctl_txn *txn = vsctl_txn_new();

    for (size_t i = 0; i < dbcache_count(db, DBC_PIF); i++) {
        const struct dbc_pif *pif = DBC_PIF_AT(db, i);
        const char *bridge;
        char *uuids;

        if (dbc_pif_is_vlan(pif) || !pif->currently_attached
            || dbc_pif_bridge_name(db, pif, &bridge, NULL)) {
            continue;
        }
        uuids = network_uuids(db, pif);
        vsctl_txn_add(txn, "br-set-external-id", bridge, "xs-network-uuids",
                      uuids, NULL);
        g_free(uuids);
    }
    vsctl_txn_finish(txn, p);
    return 0;
}

const struct backend_class vswitch_backend = {
    "Vswitch", IFCFG_VSWITCH, false,
    vswitch_check_pif, vswitch_plan_up, vswitch_plan_down, vswitch_plan_rewrite,
};
