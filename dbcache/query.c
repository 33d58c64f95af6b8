/* query.c -- derived queries over the model (see query.h).
 *
 * These follow the original program's helper functions one for one, with
 * its error wording, but return errors instead of raising them and take
 * the model as an argument instead of a global. */
#include <config.h>

#include "query.h"

#include <errno.h>
#include <glib.h>
#include <string.h>

#include "diag.h"

static void
pifs_add(struct dbc_pifs *l, const struct dbc_pif *pif)
{
    l->pifs = g_renew(const struct dbc_pif *, l->pifs, l->n + 1);
    l->pifs[l->n++] = pif;
}

void
dbc_pifs_free(struct dbc_pifs *l)
{
    if (l) {
        g_free(l->pifs);
        l->pifs = NULL;
        l->n = 0;
    }
}

bool
dbc_pif_is_vlan(const struct dbc_pif *pif)
{
    return strcmp(pif->vlan, "-1") != 0 && *pif->vlan;
}

bool
dbc_pif_is_bond(const struct dbc_pif *pif)
{
    return pif->bond_master_of.n > 0;
}

bool
dbc_pif_is_tunnel(const struct dbc_pif *pif)
{
    return pif->tunnel_access_pif_of.n > 0;
}

const struct dbc_network *
dbc_pif_network(const struct dbcache *db, const struct dbc_pif *pif)
{
    return dbc_get_network(db, pif->network);
}

bool
dbc_pif_is_bridged(const struct dbcache *db, const struct dbc_pif *pif)
{
    const struct dbc_network *nw = dbc_pif_network(db, pif);

    return nw && *nw->bridge;
}

char *
dbc_pif_netdev_name(const struct dbc_pif *pif)
{
    return (dbc_pif_is_vlan(pif)
            ? g_strdup_printf("%s.%s", pif->device, pif->vlan)
            : g_strdup(pif->device));
}

char *
dbc_pif_ipdev_name(const struct dbcache *db, const struct dbc_pif *pif)
{
    const struct dbc_network *nw = dbc_pif_network(db, pif);

    return (nw && *nw->bridge
            ? g_strdup(nw->bridge)
            : dbc_pif_netdev_name(pif));
}

int
dbc_pif_bridge_name(const struct dbcache *db, const struct dbc_pif *pif,
                    const char **bridgep, struct diag *diag)
{
    const struct dbc_network *nw = dbc_pif_network(db, pif);

    if (!nw || !*nw->bridge) {
        diag_add(diag, "PIF %s does not have a bridge name", pif->uuid);
        return -ENOENT;
    }
    *bridgep = nw->bridge;
    return 0;
}

struct dbc_pifs
dbc_pif_bond_masters(const struct dbcache *db, const struct dbc_pif *pif)
{
    struct dbc_pifs masters = { 0, NULL };
    const struct dbc_bond *bond = dbc_get_bond(db, pif->bond_slave_of);

    if (bond) {
        const struct dbc_pif *master = dbc_get_pif(db, bond->master);

        if (master) {
            pifs_add(&masters, master);
        }
    }
    return masters;
}

int
dbc_pif_bond_slaves(const struct dbcache *db, const struct dbc_pif *pif,
                    struct dbc_pifs *slavesp, struct diag *diag)
{
    struct dbc_pifs slaves = { 0, NULL };
    const struct dbc_bond *bond;

    if (pif->bond_master_of.n > 1) {
        diag_add(diag, "Bond-master-of contains too many elements");
        return -EINVAL;
    }
    if (pif->bond_master_of.n == 1) {
        bond = dbc_get_bond(db, pif->bond_master_of.items[0]);
        if (!bond) {
            diag_add(diag, "No bond record for bond master PIF");
            return -ENOENT;
        }
        for (size_t i = 0; i < bond->slaves.n; i++) {
            const struct dbc_pif *slave = dbc_get_pif(db,
                                                      bond->slaves.items[i]);

            if (!slave) {
                diag_add(diag, "Unknown PIF \"%s\"", bond->slaves.items[i]);
                dbc_pifs_free(&slaves);
                return -ENOENT;
            }
            pifs_add(&slaves, slave);
        }
    }
    *slavesp = slaves;
    return 0;
}

int
dbc_pif_vlan_parent(const struct dbcache *db, const struct dbc_pif *pif,
                    const struct dbc_pif **parentp, struct diag *diag)
{
    const struct dbc_vlan *vlan;
    const struct dbc_pif *parent;

    if (dbc_ref_is_null(pif->vlan_master_of)) {
        diag_add(diag, "PIF is not a VLAN master");
        return -EINVAL;
    }
    vlan = dbc_get_vlan(db, pif->vlan_master_of);
    if (!vlan) {
        diag_add(diag, "No VLAN record found for PIF");
        return -ENOENT;
    }
    parent = dbc_get_pif(db, vlan->tagged_pif);
    if (!parent) {
        diag_add(diag, "Unknown PIF \"%s\"", vlan->tagged_pif);
        return -ENOENT;
    }
    *parentp = parent;
    return 0;
}

struct dbc_pifs
dbc_pif_vlan_children(const struct dbcache *db, const struct dbc_pif *pif)
{
    struct dbc_pifs children = { 0, NULL };

    for (size_t i = 0; i < pif->vlan_slave_of.n; i++) {
        const struct dbc_vlan *vlan = dbc_get_vlan(db,
                                                   pif->vlan_slave_of.items[i]);
        const struct dbc_pif *child = vlan
                                      ? dbc_get_pif(db, vlan->untagged_pif)
                                      : NULL;

        if (child) {
            pifs_add(&children, child);
        }
    }
    return children;
}

struct dbc_pifs
dbc_pif_tunnel_transports(const struct dbcache *db, const struct dbc_pif *pif)
{
    struct dbc_pifs transports = { 0, NULL };

    for (size_t i = 0; i < pif->tunnel_access_pif_of.n; i++) {
        const struct dbc_tunnel *t
            = dbc_get_tunnel(db, pif->tunnel_access_pif_of.items[i]);
        const struct dbc_pif *transport = t
                                          ? dbc_get_pif(db, t->transport_pif)
                                          : NULL;

        if (transport) {
            pifs_add(&transports, transport);
        }
    }
    return transports;
}

int
dbc_pif_datapath(const struct dbcache *db, const struct dbc_pif *pif,
                 const struct dbc_pif **dpp, struct diag *diag)
{
    /* A VLAN's parent is never itself a VLAN in XAPI, but a corrupt model
     * could loop; bound the walk. */
    for (int hops = 0; dbc_pif_is_vlan(pif); hops++) {
        int error;

        if (hops >= 8) {
            diag_add(diag, "PIF %s: VLAN parents nested too deep",
                     pif->uuid);
            return -ELOOP;
        }
        error = dbc_pif_vlan_parent(db, pif, &pif, diag);
        if (error) {
            return error;
        }
    }
    *dpp = dbc_pif_is_bridged(db, pif) ? pif : NULL;
    return 0;
}

int
dbc_pif_physical_pifs(const struct dbcache *db, const struct dbc_pif *pif,
                      struct dbc_pifs *physp, struct diag *diag)
{
    struct dbc_pifs phys = { 0, NULL };

    if (dbc_pif_is_tunnel(pif)) {
        *physp = phys;
        return 0;
    } else if (dbc_pif_is_vlan(pif)) {
        diag_add(diag, "get-physical-pifs should not get passed a VLAN");
        return -EINVAL;
    } else if (dbc_pif_is_bond(pif)) {
        return dbc_pif_bond_slaves(db, pif, physp, diag);
    }
    pifs_add(&phys, pif);
    *physp = phys;
    return 0;
}

int
dbc_pif_by_uuid(const struct dbcache *db, const char *uuid,
                const struct dbc_pif **pifp, struct diag *diag)
{
    const struct dbc_pif *found = NULL;

    for (size_t i = 0; i < dbcache_count(db, DBC_PIF); i++) {
        const struct dbc_pif *pif = DBC_PIF_AT(db, i);

        if (!strcmp(pif->uuid, uuid)) {
            if (found) {
                diag_add(diag, "Non-unique PIF \"%s\"", uuid);
                return -EINVAL;
            }
            found = pif;
        }
    }
    if (!found) {
        diag_add(diag, "Unknown PIF \"%s\"", uuid);
        return -ENOENT;
    }
    *pifp = found;
    return 0;
}

struct dbc_pifs
dbc_pifs_by_device(const struct dbcache *db, const char *device)
{
    struct dbc_pifs pifs = { 0, NULL };

    for (size_t i = 0; i < dbcache_count(db, DBC_PIF); i++) {
        const struct dbc_pif *pif = DBC_PIF_AT(db, i);

        if (!strcmp(pif->device, device)) {
            pifs_add(&pifs, pif);
        }
    }
    return pifs;
}

const struct dbc_network *
dbc_network_by_bridge(const struct dbcache *db, const char *bridge)
{
    for (size_t i = 0; i < dbcache_count(db, DBC_NETWORK); i++) {
        const struct dbc_network *nw = DBC_NETWORK_AT(db, i);

        if (!strcmp(nw->bridge, bridge)) {
            return nw;
        }
    }
    return NULL;
}

int
dbc_pif_by_bridge(const struct dbcache *db, const char *bridge,
                  const struct dbc_pif **pifp, struct diag *diag)
{
    const struct dbc_pif *answer = NULL;
    bool any_network = false;

    for (size_t i = 0; i < dbcache_count(db, DBC_NETWORK); i++) {
        const struct dbc_network *nw = DBC_NETWORK_AT(db, i);

        if (strcmp(nw->bridge, bridge)) {
            continue;
        }
        any_network = true;
        for (size_t j = 0; j < nw->pifs.n; j++) {
            const struct dbc_pif *pif = dbc_get_pif(db, nw->pifs.items[j]);

            if (!pif) {
                diag_add(diag, "Unknown PIF \"%s\"", nw->pifs.items[j]);
                return -ENOENT;
            }
            if (answer) {
                diag_add(diag, "Multiple PIFs on host for network %s",
                         bridge);
                return -EINVAL;
            }
            answer = pif;
        }
    }
    if (!any_network) {
        diag_add(diag, "No matching network \"%s\"", bridge);
        return -ENOENT;
    }
    if (!answer) {
        diag_add(diag, "No PIF on host for network %s", bridge);
        return -ENOENT;
    }
    *pifp = answer;
    return 0;
}

const struct dbc_pif *
dbc_management_pif(const struct dbcache *db)
{
    for (size_t i = 0; i < dbcache_count(db, DBC_PIF); i++) {
        const struct dbc_pif *pif = DBC_PIF_AT(db, i);

        if (pif->management) {
            return pif;
        }
    }
    return NULL;
}
