/* query.h -- the questions interface-reconfigure asks of the model.
 *
 * These are the derived queries of the original program: device names,
 * bonds, VLANs, tunnels, the datapath of a PIF, the PIF behind a bridge,
 * the management PIF.  Functions that can fail return 0 or a negative
 * errno value and add a message to 'diag' worded as the original worded
 * it; out-parameters are written only on success.
 *
 * Lists of PIFs are returned as struct dbc_pifs, which point into the model
 * (the array itself is the caller's: dbc_pifs_free()). */
#ifndef DBCACHE_QUERY_H
#define DBCACHE_QUERY_H 1

#include <stdbool.h>
#include <stddef.h>

#include "model.h"

struct diag;

struct dbc_pifs {
    size_t n;
    const struct dbc_pif **pifs;
};

void dbc_pifs_free(struct dbc_pifs *);  /* Frees the array, not the PIFs. */

/* Kinds of PIF. */
bool dbc_pif_is_vlan(const struct dbc_pif *);      /* VLAN != "-1" */
bool dbc_pif_is_bond(const struct dbc_pif *);      /* a bond master */
bool dbc_pif_is_tunnel(const struct dbc_pif *);    /* a tunnel access PIF */
bool dbc_pif_is_bridged(const struct dbcache *, const struct dbc_pif *);

/* The PIF's network, or NULL if it names none that exists. */
const struct dbc_network *dbc_pif_network(const struct dbcache *,
                                          const struct dbc_pif *);

/* Netdev name: "<device>.<VLAN>" for a VLAN PIF, else the device.  Returns
 * a new string (g_free). */
char *dbc_pif_netdev_name(const struct dbc_pif *);

/* IP device: the network's bridge, or the netdev name if bridgeless.
 * Returns a new string (g_free). */
char *dbc_pif_ipdev_name(const struct dbcache *, const struct dbc_pif *);

/* The bridge of the PIF's network.  Fails ("PIF <uuid> does not have a
 * bridge name") if it has none. */
int dbc_pif_bridge_name(const struct dbcache *, const struct dbc_pif *,
                        const char **bridgep, struct diag *);

/* Bond masters of which 'pif' is a slave (unknown bonds are skipped). */
struct dbc_pifs dbc_pif_bond_masters(const struct dbcache *,
                                     const struct dbc_pif *);

/* Slaves of bond master 'pif', in bond record order; none if 'pif' is not a
 * bond.  Fails on more than one bond or a missing bond record. */
int dbc_pif_bond_slaves(const struct dbcache *, const struct dbc_pif *,
                        struct dbc_pifs *slavesp, struct diag *);

/* The PIF under VLAN PIF 'pif' (its parent).  Fails if 'pif' is not a VLAN
 * master or its VLAN record is missing. */
int dbc_pif_vlan_parent(const struct dbcache *, const struct dbc_pif *,
                        const struct dbc_pif **parentp, struct diag *);

/* The VLAN PIFs stacked on 'pif'. */
struct dbc_pifs dbc_pif_vlan_children(const struct dbcache *,
                                      const struct dbc_pif *);

/* The transport PIFs of the tunnels whose access PIF is 'pif'. */
struct dbc_pifs dbc_pif_tunnel_transports(const struct dbcache *,
                                          const struct dbc_pif *);

/* The PIF that owns the datapath (the bridge carrying the uplink) of
 * 'pif': for a VLAN, its parent's datapath; otherwise 'pif' itself if
 * bridged.  '*dpp' is NULL for a bridgeless PIF. */
int dbc_pif_datapath(const struct dbcache *, const struct dbc_pif *,
                     const struct dbc_pif **dpp, struct diag *);

/* Physical PIFs of datapath PIF 'pif': none for a tunnel, the slaves of a
 * bond, otherwise 'pif' itself.  Fails for a VLAN. */
int dbc_pif_physical_pifs(const struct dbcache *, const struct dbc_pif *,
                          struct dbc_pifs *physp, struct diag *);

/* Lookups. */
int dbc_pif_by_uuid(const struct dbcache *, const char *uuid,
                    const struct dbc_pif **pifp, struct diag *);
struct dbc_pifs dbc_pifs_by_device(const struct dbcache *,
                                   const char *device);
/* The single PIF on the network(s) whose bridge is 'bridge'. */
int dbc_pif_by_bridge(const struct dbcache *, const char *bridge,
                      const struct dbc_pif **pifp, struct diag *);
/* The first network whose bridge is 'bridge', or NULL. */
const struct dbc_network *dbc_network_by_bridge(const struct dbcache *,
                                                const char *bridge);
/* The first PIF with management true, or NULL. */
const struct dbc_pif *dbc_management_pif(const struct dbcache *);

#endif /* dbcache/query.h */
