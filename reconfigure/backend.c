/* backend.c -- what the two datapath backends (vswitch.c, bridge.c) share:
 * plan bookkeeping, the original's list formatting in logs, and bringing a
 * device up with its MTU and ethtool settings. */
#include <config.h>

#include "backend.h"

#include <glib.h>

#include "diag.h"
#include "ifcfg.h"
#include "model.h"
#include "query.h"

void
backend_plan_init(struct backend_plan *bp)
{
    plan_init(&bp->pre);
    plan_init(&bp->down_existing);
    plan_init(&bp->configure);
    plan_init(&bp->post);
}

void
backend_plan_clear(struct backend_plan *bp)
{
    plan_clear(&bp->pre);
    plan_clear(&bp->down_existing);
    plan_clear(&bp->configure);
    plan_clear(&bp->post);
}

char *
ifr_pylist(char **names, size_t n)
{
    GString *s = g_string_new("[");

    for (size_t i = 0; i < n; i++) {
        g_string_append_printf(s, "%s'%s'", i ? ", " : "", names[i]);
    }
    g_string_append_c(s, ']');
    return g_string_free(s, FALSE);
}

char *
ifr_pifs_pylist(const struct dbc_pif *const *pifs, size_t n)
{
    char **names = g_new0(char *, n + 1);
    char *s;

    for (size_t i = 0; i < n; i++) {
        names[i] = dbc_pif_netdev_name(pifs[i]);
    }
    s = ifr_pylist(names, n);
    g_strfreev(names);
    return s;
}

/* Runs "ethtool OPT dev words..." if there are any words. */
static void
run_ethtool(const struct ifr_env *env, const char *opt, const char *dev,
            GPtrArray *words, struct plan *p)
{
    if (words->len) {
        g_ptr_array_insert(words, 0, g_strdup(dev));
        g_ptr_array_insert(words, 0, g_strdup(opt));
        g_ptr_array_insert(words, 0, g_strdup(env->ethtool));
        g_ptr_array_add(words, NULL);
        plan_run(p, (const char *const *) words->pdata);
    }
}

void
backend_device_up(const struct ifr_env *env, const char *dev, int mtu,
                  const struct dbc_map *oc, const struct dbc_map *fallback,
                  bool nic, struct plan *p)
{
    GPtrArray *settings = g_ptr_array_new_with_free_func(g_free);
    GPtrArray *offload = g_ptr_array_new_with_free_func(g_free);
    struct diag *warnings = diag_new();

    ifr_ethtool_settings(oc, fallback,
                         (nic ? (env->nic ? env->nic
                                 : &ifr_default_nic_defaults)
                          : NULL),
                         settings, offload, warnings);
    for (size_t i = 0; i < diag_count(warnings); i++) {
        plan_log(p, "%s", diag_get(warnings, i));
    }
    plan_link_up(p, dev, mtu);
    run_ethtool(env, "-s", dev, settings, p);
    run_ethtool(env, "-K", dev, offload, p);
    diag_free(warnings);
    g_ptr_array_free(settings, TRUE);
    g_ptr_array_free(offload, TRUE);
}
