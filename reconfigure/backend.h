/* backend.h -- what the two datapath backends (vswitch.c, bridge.c) are
 * given and what they produce.
 *
 * A backend turns the model into plans (plan.h): the steps to take before
 * the configuration files are applied (preconfigure, with the original's
 * immediate side effects), to bring down what is in the way (skipped with
 * --force), to configure the datapath, and to finish after the IP device is
 * up.  It decides everything; the executor only carries steps out. */
#ifndef RECONFIGURE_BACKEND_H
#define RECONFIGURE_BACKEND_H 1

#include <stdbool.h>

#include "plan.h"

struct dbcache;
struct dbc_map;
struct dbc_pif;
struct ifr_nic_defaults;
struct diag;

/* What a backend may know of the host while planning. */
struct ifr_env {
    const struct dbcache *db;
    const struct dbc_pif *management;   /* The management PIF, or NULL. */
    const char *ethtool;                /* The ethtool program. */
    const struct ifr_nic_defaults *nic; /* NULL: ifcfg.h's defaults. */
    /* The switch's current fail mode of 'bridge' ("secure", ...), or NULL
     * when unknown; a new string (g_free). */
    char *(*get_fail_mode)(void *aux, const char *bridge);
    /* Whether this kernel can create 802.1Q VLAN links (respectively
     * bonding masters).  NULL means it can. */
    bool (*can_vlan)(void *aux);
    bool (*can_bond)(void *aux);
    /* The slaves bond 'bond' has now, in the order they were attached
     * (NULL-terminated, g_strfreev), or NULL when that is not known. */
    char **(*bond_slaves)(void *aux, const char *bond);
    void *aux;
    /* NULL, or (for a dry run) where to note what this host cannot do:
     * the plan is then made as if it could, instead of failing. */
    struct diag *cannot;
};

struct backend_plan {
    struct plan pre;            /* preconfigure: before files are applied */
    struct plan down_existing;  /* not with --force */
    struct plan configure;      /* after files are applied */
    struct plan post;           /* after the IP device is up */
};

void backend_plan_init(struct backend_plan *);
void backend_plan_clear(struct backend_plan *);

/* A datapath backend: the Open vSwitch one (vswitch.c) or the Linux-bridge
 * one (bridge.c).  Each function returns 0 or a negative errno value with
 * messages in 'diag'. */
struct backend_class {
    const char *name;           /* "Vswitch", "Bridge": for the log. */
    int ifcfg_backend;          /* enum ifcfg_backend of its ifcfg files */
    bool datapath_files;        /* It writes datapath ifcfg files too. */

    /* Can it handle 'pif' at all (tunnels, bridgeless PIFs)? */
    int (*check_pif)(const struct ifr_env *, const struct dbc_pif *,
                     struct diag *);
    int (*plan_up)(const struct ifr_env *, const struct dbc_pif *,
                   struct backend_plan *, struct diag *);
    int (*plan_down)(const struct ifr_env *, const struct dbc_pif *,
                     struct plan *, struct diag *);
    /* What "rewrite" does besides saving the cache; NULL: nothing. */
    int (*plan_rewrite)(const struct ifr_env *, struct plan *,
                        struct diag *);
};

/* The Linux-bridge backend: what this kernel cannot create (bonds,
 * VLANs), and bond modes the Linux bonding driver does not have, fail the
 * plan before anything is changed, unless env->cannot is set. */
extern const struct backend_class vswitch_backend;
extern const struct backend_class bridge_backend;

/* Formats a list of names the way the original's logs did (Python's
 * repr of a list): ['eth0', 'eth1'].  Returns a new string.  The second
 * takes PIFs and lists their netdev names. */
char *ifr_pylist(char **names, size_t n);
char *ifr_pifs_pylist(const struct dbc_pif *const *pifs, size_t n);

/* Appends to 'p' the steps that bring 'dev' up with 'mtu' (0: leave it)
 * and apply the ethtool settings of 'oc' (keys missing there taken from
 * 'fallback', may be NULL), with the NIC defaults of 'env' if 'nic'. */
void backend_device_up(const struct ifr_env *, const char *dev, int mtu,
                       const struct dbc_map *oc,
                       const struct dbc_map *fallback, bool nic,
                       struct plan *p);

#endif /* reconfigure/backend.h */
