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
struct dbc_pif;
struct diag;

/* What a backend may know of the host while planning. */
struct ifr_env {
    const struct dbcache *db;
    const struct dbc_pif *management;   /* The management PIF, or NULL. */
    const char *ethtool;                /* The ethtool program. */
    /* The switch's current fail mode of 'bridge' ("secure", ...), or NULL
     * when unknown; a new string (g_free). */
    char *(*get_fail_mode)(void *aux, const char *bridge);
    void *aux;
};

struct backend_plan {
    struct plan pre;            /* preconfigure: before files are applied */
    struct plan down_existing;  /* not with --force */
    struct plan configure;      /* after files are applied */
    struct plan post;           /* after the IP device is up */
};

void backend_plan_init(struct backend_plan *);
void backend_plan_clear(struct backend_plan *);

/* The Open vSwitch backend (vswitch.c).  Each returns 0 or a negative errno
 * value with messages in 'diag'. */
int vswitch_check_pif(const struct ifr_env *, const struct dbc_pif *,
                      struct diag *);
int vswitch_plan_up(const struct ifr_env *, const struct dbc_pif *,
                    struct backend_plan *, struct diag *);
int vswitch_plan_down(const struct ifr_env *, const struct dbc_pif *,
                      struct plan *, struct diag *);
int vswitch_plan_rewrite(const struct ifr_env *, struct plan *,
                         struct diag *);

/* Formats a list of names the way the original's logs did (Python's
 * repr of a list): ['eth0', 'eth1']. */
char *ifr_pylist(char **names, size_t n);

#endif /* reconfigure/backend.h */
