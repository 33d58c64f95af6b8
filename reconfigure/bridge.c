/* bridge.c -- the Linux-bridge backend of interface-reconfigure.
 *
 * Plans what the original's InterfaceReconfigureBridge did (reference
 * section 4.5): the PIF's device (a NIC, a bond master with its slaves, or
 * a VLAN on its parent, the parent brought up first) joins the Linux bridge
 * of the PIF's network; "down" takes that apart again the way the
 * original's bring_down_interface() did, leaving alone what attached VLANs
 * still use.  Before "up" (unless --force), VLANs on the PIF, bonds it
 * belongs to and the device itself are brought down.
 *
 * The datapath's ifcfg files are ifcfg.c's (ifcfg_datapath()); MTUs and
 * ethtool settings come from other_config as there and in vswitch.c.  The
 * steps go into plans (plan.h) that execute.c carries out: over netlink,
 * or with ipconfig=ifup by running ifup on each device, as the original
 * did, so that initscripts build bridges and VLANs from the files.
 *
 * A kernel without bonding or 802.1Q, and bond modes the Linux bonding
 * driver does not have, are found out here, while planning, so that a run
 * that cannot succeed changes nothing. */
#include <config.h>

#include <errno.h>
#include <glib.h>
#include <stdarg.h>
#include <string.h>

#include "backend.h"
#include "diag.h"
#include "ifcfg.h"
#include "model.h"
#include "query.h"

/* VLANs do not stack in XAPI; this only guards against a broken model. */
#define MAX_DEPTH 4

/* The other_config of 'pif''s network (for ethtool settings a device takes
 * from its network when it has none of its own), or NULL. */
static const struct dbc_map *
pif_network_oc(const struct dbcache *db, const struct dbc_pif *pif)
{
    const struct dbc_network *nw = dbc_pif_network(db, pif);

    return nw ? &nw->other_config : NULL;
}

/* Something this host cannot do.  Fails the plan with the message, or, for
 * a dry run (env->cannot set), notes it there and returns 0 so that the
 * plan is made as if the host could. */
static int PRINTF_FORMAT(4, 5)
cannot(const struct ifr_env *env, struct diag *diag, int error,
       const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    diag_addv(env->cannot ? env->cannot : diag, fmt, args);
    va_end(args);
    return env->cannot ? 0 : error;
}

/* The mode of the Linux bonding driver for bond PIF 'bond': its bond-mode
 * (the original's default is balance-slb), "lacp" being 802.3ad. */
static int
bond_mode(const struct ifr_env *env, const struct dbc_pif *bond,
          const char *netdev, const char **modep, struct diag *diag)
{
    static const char *const modes[] = {
        "balance-rr", "active-backup", "balance-xor", "broadcast",
        "802.3ad", "balance-tlb", "balance-alb",
    };
    const char *mode = dbc_map_get(&bond->other_config, "bond-mode");
    int error;

    if (!mode) {
        mode = "balance-slb";
    }
    if (!strcmp(mode, "lacp")) {
        *modep = "802.3ad";
        return 0;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(modes); i++) {
        if (!strcmp(mode, modes[i])) {
            *modep = mode;
            return 0;
        }
    }
    error = cannot(env, diag, -EINVAL, "bond %s: bond-mode \"%s\" is not a "
                   "mode of the Linux bonding driver%s; set the bond PIF's "
                   "other_config:bond-mode to active-backup, balance-rr, "
                   "balance-xor, broadcast, balance-tlb, balance-alb or "
                   "lacp", netdev, mode,
                   (!strcmp(mode, "balance-slb")
                    ? " (it is XenServer's own, from its patched kernel)"
                    : ""));
    if (!error) {
        *modep = mode;
    }
    return error;
}

/* The MTU of 'pif''s own device ('type' as ifr_mtu_setting() takes it), 0
 * to leave it; warnings go to the log. */
static int
pif_mtu(const struct dbcache *db, const struct dbc_pif *pif,
        const char *type, struct plan *p)
{
    struct diag *warnings = diag_new();
    int mtu = 0;

    ifr_mtu_setting(db, dbc_pif_network(db, pif), type, &pif->other_config,
                    &mtu, warnings);
    for (size_t i = 0; i < diag_count(warnings); i++) {
        plan_log(p, "%s", diag_get(warnings, i));
    }
    diag_free(warnings);
    return mtu;
}

/* The original's bring_up_interface(): appends to 'p' the steps that bring
 * the device of 'pif' up as a port of its bridge, a VLAN's parent first, a
 * bond's master and slaves first. */
static int
bring_up_interface(const struct ifr_env *env, const struct dbc_pif *pif,
                   int depth, struct plan *p, struct diag *diag)
{
    const struct dbcache *db = env->db;
    const struct dbc_pif *parent = NULL;
    struct dbc_pifs slaves = { 0, NULL };
    const char *bridge, *mode = NULL, *type = "PIF";
    char *netdev = dbc_pif_netdev_name(pif);
    char *parent_dev = NULL;
    long long tag = 0;
    int error, mtu;

    if (depth >= MAX_DEPTH) {
        diag_add(diag, "PIF %s: VLAN parents nested too deeply", pif->uuid);
        error = -ELOOP;
        goto out;
    }
    error = dbc_pif_bridge_name(db, pif, &bridge, diag);
    if (error) {
        goto out;
    }

    if (dbc_pif_is_vlan(pif)) {
        char *end;

        type = "VLAN-PIF";
        tag = g_ascii_strtoll(pif->vlan, &end, 10);
        if (*end || end == pif->vlan || tag < 0 || tag > 4094) {
            diag_add(diag, "PIF %s: invalid VLAN tag %s", pif->uuid,
                     pif->vlan);
            error = -EINVAL;
            goto out;
        }
        error = dbc_pif_vlan_parent(db, pif, &parent, diag);
        if (!error) {
            error = bring_up_interface(env, parent, depth + 1, p, diag);
        }
        if (!error && env->can_vlan && !env->can_vlan(env->aux)) {
            error = cannot(env, diag, -EOPNOTSUPP, "cannot create VLAN %s: "
                           "this kernel has no 802.1Q support", netdev);
        }
        if (error) {
            goto out;
        }
        parent_dev = dbc_pif_netdev_name(parent);
    } else if (dbc_pif_is_bond(pif)) {
        int mode_error;

        type = "Bond-PIF";
        error = dbc_pif_bond_slaves(db, pif, &slaves, diag);
        if (error) {
            goto out;
        }
        if (env->can_bond && !env->can_bond(env->aux)) {
            error = cannot(env, diag, -EOPNOTSUPP, "cannot create bond %s: "
                           "this kernel has no bonding support", netdev);
        }
        mode_error = bond_mode(env, pif, netdev, &mode, diag);
        error = error ? error : mode_error;
        if (error) {
            goto out;
        }
        /* The executor logs "Creating bond master" if it is missing. */
        plan_link_op(p, PLAN_BOND_ADD, netdev, mode, 0);
    }

    mtu = pif_mtu(db, pif, type, p);
    plan_log(p, "Bring interface %s up", netdev);
    if (parent) {
        plan_link_op(p, PLAN_VLAN_ADD, netdev, parent_dev, tag);
    }
    for (size_t i = 0; i < slaves.n; i++) {
        const struct dbc_pif *slave = slaves.pifs[i];
        char *slave_dev = dbc_pif_netdev_name(slave);

        /* The bonding driver takes only links that are down; it gives
         * them the bond's MTU. */
        plan_link_down(p, slave_dev);
        plan_link_op(p, PLAN_ENSLAVE, slave_dev, netdev, 0);
        backend_device_up(env, slave_dev, mtu, &slave->other_config,
                          pif_network_oc(db, slave), true, p);
        g_free(slave_dev);
    }
    plan_link_op(p, PLAN_BRIDGE_ADD, bridge, NULL, 0);
    plan_link_op(p, PLAN_ENSLAVE, netdev, bridge, 0);
    backend_device_up(env, netdev, mtu, &pif->other_config,
                      pif_network_oc(db, pif), !parent && !slaves.n, p);

out:
    dbc_pifs_free(&slaves);
    g_free(parent_dev);
    g_free(netdev);
    return error;
}

/* The original's destroy_bridge(): the bridge of 'pif' is taken down and
 * deleted (the executor logs "Destroy bridge", or that it does not
 * exist). */
static int
destroy_bridge(const struct dbcache *db, const struct dbc_pif *pif,
               struct plan *p, struct diag *diag)
{
    const char *bridge;
    int error = dbc_pif_bridge_name(db, pif, &bridge, diag);

    if (!error) {
        plan_link_op(p, PLAN_BRIDGE_DEL, bridge, NULL, 0);
    }
    return error;
}

/* The bond slaves of 'pif' (none if it is not a bond), those the bond has
 * now first, in the reverse of the order they were attached in: the first
 * one attached, whose MAC the bond uses, must be the last detached. */
static int
bond_slaves_sorted(const struct ifr_env *env, const struct dbc_pif *pif,
                   struct dbc_pifs *slavesp, struct diag *diag)
{
    struct dbc_pifs slaves;
    char **now = NULL;
    int error = dbc_pif_bond_slaves(env->db, pif, &slaves, diag);

    if (error) {
        return error;
    }
    if (slaves.n && env->bond_slaves) {
        now = env->bond_slaves(env->aux, pif->device);
    }
    for (char **dev = now; dev && *dev; dev++) {
        for (size_t i = 0; i < slaves.n; i++) {
            const struct dbc_pif *s = slaves.pifs[i];

            if (!dbc_pif_is_vlan(s) && !strcmp(s->device, *dev)) {
                memmove(&slaves.pifs[1], &slaves.pifs[0],
                        i * sizeof *slaves.pifs);
                slaves.pifs[0] = s;
                break;
            }
        }
    }
    g_strfreev(now);
    *slavesp = slaves;
    return 0;
}

/* The original's bring_down_interface(): takes the device of 'pif' down,
 * with the bond slaves under it (and their bridges, which would carry the
 * bond's MAC or an address); with 'destroy', also deletes the VLAN or bond
 * link and the bridge, and for a VLAN goes on with its parent unless
 * something attached still uses it. */
static int
bring_down_interface(const struct ifr_env *env, const struct dbc_pif *pif,
                     bool destroy, struct plan *p, struct diag *diag)
{
    const struct dbcache *db = env->db;
    struct dbc_pifs list = { 0, NULL };
    char *netdev = dbc_pif_netdev_name(pif);
    bool keep = false;
    char *s;
    int error = 0;

    if (dbc_pif_is_vlan(pif)) {
        const struct dbc_pif *parent;

        plan_log(p, "bring_down_interface: %s is a VLAN", netdev);
        plan_ifdown(p, netdev);
        if (!destroy) {
            goto out;
        }
        s = g_strdup_printf("Destroy vlan device %s", netdev);
        plan_link_op(p, PLAN_LINK_DEL, netdev, s, 0);
        g_free(s);
        error = destroy_bridge(db, pif, p, diag);
        if (!error) {
            error = dbc_pif_vlan_parent(db, pif, &parent, diag);
        }
        if (error) {
            goto out;
        }
        if (parent->currently_attached) {
            plan_log(p, "bring_down_interface: vlan slave is currently "
                     "attached");
            goto out;
        }
        list = dbc_pif_vlan_children(db, parent);
        for (size_t i = 0; i < list.n; i++) {
            keep |= list.pifs[i] != pif && list.pifs[i]->currently_attached;
        }
        dbc_pifs_free(&list);
        if (keep) {
            plan_log(p, "bring_down_interface: vlan slave has other "
                     "masters");
            goto out;
        }
        pif = parent;
        g_free(netdev);
        netdev = dbc_pif_netdev_name(pif);
        plan_log(p, "bring_down_interface: no more masters, bring down vlan "
                 "slave %s", netdev);
    } else {
        list = dbc_pif_vlan_children(db, pif);
        s = ifr_pifs_pylist(list.pifs, list.n);
        plan_log(p, "vlan masters of %s - %s", pif->device, s);
        g_free(s);
        for (size_t i = 0; i < list.n; i++) {
            keep |= list.pifs[i]->currently_attached;
        }
        dbc_pifs_free(&list);
        if (keep) {
            plan_log(p, "Leaving %s up due to currently attached VLAN "
                     "masters", netdev);
            goto out;
        }
    }

    /* 'pif' is now a NIC or a bond master. */
    error = bond_slaves_sorted(env, pif, &list, diag);
    if (error) {
        goto out;
    }
    s = ifr_pifs_pylist(list.pifs, list.n);
    plan_log(p, "bond slaves of %s - %s", pif->device, s);
    g_free(s);
    for (size_t i = 0; i < list.n; i++) {
        const struct dbc_pif *slave = list.pifs[i];
        char *slave_dev = dbc_pif_netdev_name(slave);

        if (slave->currently_attached) {
            plan_log(p, "bring_down_interface: %s is currently attached",
                     slave_dev);
        } else {
            plan_log(p, "bring_down_interface: bring down bond slave %s",
                     slave_dev);
            plan_ifdown(p, slave_dev);
            /* A slave without a bridge has none to destroy. */
            destroy_bridge(db, slave, p, NULL);
        }
        g_free(slave_dev);
    }
    dbc_pifs_free(&list);

    plan_log(p, "Bring interface %s down", netdev);
    plan_ifdown(p, netdev);
    if (destroy) {
        if (dbc_pif_is_bond(pif)) {
            s = g_strdup_printf("Destroying bond master %s", netdev);
            plan_link_op(p, PLAN_LINK_DEL, netdev, s, 0);
            g_free(s);
        }
        error = destroy_bridge(db, pif, p, diag);
    }

out:
    g_free(netdev);
    return error;
}

static int
bridge_check_pif(const struct ifr_env *env, const struct dbc_pif *pif,
                 struct diag *diag)
{
    const char *bridge;

    if (dbc_pif_is_tunnel(pif)) {
        diag_add(diag, "Tunnel PIFs are not supported in Bridge mode");
        return -EINVAL;
    }
    return dbc_pif_bridge_name(env->db, pif, &bridge, diag);
}

/* Appends every step of each part of 'from' to the same part of 'to'. */
static void
backend_plan_move(struct backend_plan *to, struct backend_plan *from)
{
    plan_move(&to->pre, &from->pre);
    plan_move(&to->down_existing, &from->down_existing);
    plan_move(&to->configure, &from->configure);
    plan_move(&to->post, &from->post);
}

static int
bridge_plan_up(const struct ifr_env *env, const struct dbc_pif *pif,
               struct backend_plan *bp, struct diag *diag)
{
    const struct dbcache *db = env->db;
    struct backend_plan new;
    struct dbc_pifs others;
    int error;

    backend_plan_init(&new);
    error = bridge_check_pif(env, pif, diag);
    if (!error) {
        error = bring_up_interface(env, pif, 0, &new.configure, diag);
    }
    if (error) {
        goto out;
    }

    /* bring_down_existing: VLANs on the PIF, bonds it is in, itself. */
    others = dbc_pif_vlan_children(db, pif);
    for (size_t i = 0; i < others.n; i++) {
        char *dev = dbc_pif_netdev_name(others.pifs[i]);

        plan_log(&new.down_existing, "action_up: bring down vlan master %s",
                 dev);
        plan_ifdown(&new.down_existing, dev);
        g_free(dev);
    }
    dbc_pifs_free(&others);
    others = dbc_pif_bond_masters(db, pif);
    for (size_t i = 0; !error && i < others.n; i++) {
        char *dev = dbc_pif_netdev_name(others.pifs[i]);

        plan_log(&new.down_existing, "action_up: bring down bond master %s",
                 dev);
        error = bring_down_interface(env, others.pifs[i], true,
                                     &new.down_existing, diag);
        g_free(dev);
    }
    dbc_pifs_free(&others);
    if (!error) {
        error = bring_down_interface(env, pif, false, &new.down_existing,
                                     diag);
    }
    if (error) {
        goto out;
    }

    /* post: the attached VLANs on the PIF come back up. */
    others = dbc_pif_vlan_children(db, pif);
    for (size_t i = 0; !error && i < others.n; i++) {
        const struct dbc_pif *vlan = others.pifs[i];
        char *dev = dbc_pif_netdev_name(vlan);
        const char *bridge;

        if (vlan->currently_attached) {
            plan_log(&new.post, "action_up: bring up %s", dev);
            error = dbc_pif_bridge_name(db, vlan, &bridge, diag);
            if (!error) {
                int mtu = pif_mtu(db, vlan, "VLAN-PIF", &new.post);

                plan_link_op(&new.post, PLAN_ENSLAVE, dev, bridge, 0);
                plan_link_up(&new.post, dev, mtu);
            }
        }
        g_free(dev);
    }
    dbc_pifs_free(&others);
    if (!error) {
        backend_plan_move(bp, &new);
    }

out:
    backend_plan_clear(&new);
    return error;
}

static int
bridge_plan_down(const struct ifr_env *env, const struct dbc_pif *pif,
                 struct plan *p, struct diag *diag)
{
    struct plan new;
    int error;

    plan_init(&new);
    error = bridge_check_pif(env, pif, diag);
    if (!error) {
        error = bring_down_interface(env, pif, true, &new, diag);
    }
    if (!error) {
        plan_move(p, &new);
    }
    plan_clear(&new);
    return error;
}

const struct backend_class bridge_backend = {
    "Bridge", IFCFG_BRIDGE, true,
    bridge_check_pif, bridge_plan_up, bridge_plan_down, NULL,
};
