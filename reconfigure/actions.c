/* actions.c -- up, down, rewrite and force rewrite (see actions.h).
 *
 * This is the skeleton the original program's actions had (reference
 * sections 2 and 4): where the model comes from, which PIF is meant, the
 * order of files, backend plans and IP configuration, and the revert of
 * the configuration files when anything fails after they were applied.
 * The backends (vswitch.c, bridge.c) decide what to do to the datapath;
 * ifcfg.c writes the files; execute.c carries out the steps. */
#include <config.h>

#include "actions.h"

#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "atomic-file.h"
#include "backend.h"
#include "cfgfile.h"
#include "cli.h"
#include "conf.h"
#include "diag.h"
#include "exec.h"
#include "execute.h"
#include "ifcfg.h"
#include "lock.h"
#include "log.h"
#include "model.h"
#include "netdev.h"
#include "query.h"
#include "reader.h"
#include "util.h"
#include "writer.h"
#include "xapi.h"

LOG_DEFINE_THIS_MODULE(actions);

#define DBCACHE_PATH "/var/xapi/network.dbcache"
#define LOCK_TIMEOUT_S 60

/* Everything one run works with. */
struct ifr_run {
    const struct ifr_args *args;
    const char *root;                   /* root prefix, "" for none */
    struct ifr_config conf;
    const struct backend_class *backend;
    struct dbcache *db;
    bool from_xapi;                     /* model read from XAPI: save it */
    const struct dbc_pif *pif;          /* the PIF acted on */
    const struct dbc_pif *management;
    struct ifr_exec exec;
    struct ifr_nic_defaults nic;        /* from the configuration */
    struct diag *diag;
};

/* Reports the problems gathered in 'diag' through the log, and on stderr
 * too when the log goes to syslog (XAPI shows a failed run's stderr). */
static void
report(struct ifr_run *r)
{
    bool to_stderr = !(log_get_destinations() & LOG_TO_CONSOLE);

    for (size_t i = 0; i < diag_count(r->diag); i++) {
        LOG_ERR("%s", diag_get(r->diag, i));
        if (to_stderr) {
            fprintf(stderr, "%s: %s\n", program_name(),
                    diag_get(r->diag, i));
        }
    }
    diag_clear(r->diag);
}

static char *
rooted(const struct ifr_run *r, const char *path)
{
    return g_strconcat(r->root, path, NULL);
}

/* The model. */

static int
load_cache(struct ifr_run *r)
{
    char *path = rooted(r, DBCACHE_PATH);
    int error;

    LOG_INFO("Loading xapi database cache from %s", DBCACHE_PATH);
    error = dbcache_read_file(path, &r->db, r->diag);
    g_free(path);
    return error;
}

static bool
xapi_unreachable(int error)
{
    return error == -ENOENT || error == -ECONNREFUSED || error == -ETIMEDOUT;
}

static int
load_from_xapi(struct ifr_run *r)
{
    struct xapi_options opts = { .root_prefix = r->root };
    struct xapi_session *session = NULL;
    struct diag *xdiag = diag_new();
    int error;

    if (!r->args->session) {
        LOG_INFO("No session ref given on command line, logging in.");
    }
    error = xapi_open(&opts, r->args->session, &session, xdiag);
    if (!error) {
        error = xapi_read_model(session, r->root, &r->db, xdiag);
    }
    xapi_close(session);

    if (error && xapi_unreachable(error) && r->args->pif_uuid
        && r->args->action != IFR_REWRITE) {
        /* Network-cache-aware: a PIF named by uuid can be configured from
         * the cache when XAPI cannot be reached. */
        for (size_t i = 0; i < diag_count(xdiag); i++) {
            LOG_WARN("%s", diag_get(xdiag, i));
        }
        LOG_WARN("XAPI is unreachable; configuring PIF %s from the cache",
                 r->args->pif_uuid);
        error = load_cache(r);
    } else if (error) {
        for (size_t i = 0; i < diag_count(xdiag); i++) {
            diag_add(r->diag, "%s", diag_get(xdiag, i));
        }
        if (r->args->action == IFR_REWRITE) {
            diag_add(r->diag, "cannot rewrite the cache without XAPI; "
                     "%s left as it was", DBCACHE_PATH);
        }
    } else {
        r->from_xapi = true;
    }
    diag_free(xdiag);
    return error;
}

/* Which PIF the command line means. */
static int
find_pif(struct ifr_run *r)
{
    const struct ifr_args *a = r->args;

    if (a->force) {
        return dbc_pif_by_bridge(r->db, a->force, &r->pif, r->diag);
    } else if (a->pif) {
        r->pif = dbc_get_pif(r->db, a->pif);
        if (!r->pif) {
            diag_add(r->diag, "Unknown PIF \"%s\"", a->pif);
            return -ENOENT;
        }
    } else if (a->pif_uuid) {
        return dbc_pif_by_uuid(r->db, a->pif_uuid, &r->pif, r->diag);
    }
    return 0;
}

/* Saves the model as the cache (XAPI mode only). */
static int
save_cache(struct ifr_run *r)
{
    char *path = rooted(r, DBCACHE_PATH);
    int error = 0;

    if (r->exec.dry_run) {
        fprintf(stdout, "write %s\n", path);
    } else {
        error = dbcache_write_file(r->db, path);
        if (error) {
            diag_add(r->diag, "%s: %s", path, g_strerror(-error));
        }
    }
    g_free(path);
    return error;
}

/* Backend plans. */

static char *
query_fail_mode(void *aux, const char *bridge)
{
    struct ifr_run *r = aux;
    const char *argv[] = { r->conf.vsctl, "-vconsole:off", "get-fail-mode",
                           bridge, NULL };
    GString *out = g_string_new(NULL);
    struct exec_options opts = { .root_prefix = r->root, .output = out,
                                 .quiet = true, .discard_stderr = true,
                                 .timeout_ms = 20000 };

    if (exec_run(argv, &opts, NULL)) {
        g_string_free(out, TRUE);
        return NULL;
    }
    g_strstrip(out->str);
    return g_string_free(out, FALSE);
}

static bool
kernel_can_vlan(void *aux)
{
    struct ifr_run *r = aux;

    return netdev_can_vlan(r->exec.netdev);
}

static bool
kernel_can_bond(void *aux)
{
    struct ifr_run *r = aux;

    return netdev_can_bond(r->exec.netdev);
}

/* The slaves of 'bond' from sysfs (of the running kernel, as netlink sees
 * it: not under the root prefix), in the order they were attached. */
static char **
read_bond_slaves(void *aux, const char *bond)
{
    char *path, *text = NULL;
    char **slaves = NULL;

    (void) aux;
    if (!*bond || *bond == '.' || strchr(bond, '/')) {
        return NULL;
    }
    path = g_strdup_printf("/sys/class/net/%s/bonding/slaves", bond);
    if (g_file_get_contents(path, &text, NULL, NULL)) {
        GPtrArray *a = g_ptr_array_new();
        char **words = g_strsplit_set(text, " \t\n", -1);

        for (char **w = words; *w; w++) {
            if (**w) {
                g_ptr_array_add(a, g_strdup(*w));
            }
        }
        g_strfreev(words);
        g_ptr_array_add(a, NULL);
        slaves = (char **) g_ptr_array_free(a, FALSE);
    }
    g_free(text);
    g_free(path);
    return slaves;
}

/* Fills 'env' for the backends.  A dry run's plan is made even where the
 * kernel cannot carry it out; what it cannot do is gathered in
 * env->cannot (report_cannot() prints it; env_clear() frees it). */
static void
env_init(struct ifr_run *r, struct ifr_env *env)
{
    memset(env, 0, sizeof *env);
    env->db = r->db;
    env->management = r->management;
    env->ethtool = r->conf.ethtool;
    env->nic = &r->nic;
    env->get_fail_mode = query_fail_mode;
    env->can_vlan = kernel_can_vlan;
    env->can_bond = kernel_can_bond;
    env->bond_slaves = read_bond_slaves;
    env->aux = r;
    env->cannot = r->exec.dry_run ? diag_new() : NULL;
}

static void
env_clear(struct ifr_env *env)
{
    diag_free(env->cannot);
    env->cannot = NULL;
}

/* A dry run says what a real run would have failed on. */
static void
report_cannot(const struct ifr_env *env)
{
    for (size_t i = 0; i < diag_count(env->cannot); i++) {
        LOG_WARN("%s", diag_get(env->cannot, i));
        printf("warning: %s (a real run fails here, before changing "
               "anything)\n", diag_get(env->cannot, i));
    }
}

/* IP configuration of the IP device (netlink mode). */

static bool
is_firstboot(const struct ifr_run *r)
{
    char *path = rooted(r, "/etc/firstboot.d/data/firstboot_in_progress");
    bool firstboot = g_file_test(path, G_FILE_TEST_EXISTS);

    g_free(path);
    return firstboot;
}

/* Writes /etc/resolv.conf for a static DNS device. */
static int
write_resolv_conf(struct ifr_run *r)
{
    const char *domain = dbc_map_get(&r->pif->other_config, "domain");
    char **servers = g_strsplit(r->pif->dns, ",", -1);
    GString *s = g_string_new(NULL);
    char *path = rooted(r, "/etc/resolv.conf");
    int error = 0;

    g_string_append_printf(s, "# Generated by %s for %s\n", program_name(),
                           r->pif->device);
    if (domain && *domain) {
        char *spaced = g_strdelimit(g_strdup(domain), ",", ' ');

        g_string_append_printf(s, "search %s\n", spaced);
        g_free(spaced);
    }
    for (char **d = servers; *d; d++) {
        if (**d) {
            g_string_append_printf(s, "nameserver %s\n", *d);
        }
    }
    if (r->exec.dry_run) {
        printf("write %s:\n%s", path, s->str);
    } else {
        error = atomic_file_write(path, s->str, s->len, 0644);
        if (error) {
            diag_add(r->diag, "%s: %s", path, g_strerror(-error));
        }
    }
    g_strfreev(servers);
    g_string_free(s, TRUE);
    g_free(path);
    return error;
}

static int
ipdev_up_netlink(struct ifr_run *r, const char *ipdev, bool dns_dev,
                 bool gateway_dev)
{
    struct netdev *nd = r->exec.netdev;
    const struct dbc_pif *pif = r->pif;
    const struct dbc_network *nw = dbc_pif_network(r->db, pif);
    struct diag *warnings = diag_new();
    const char *routes;
    int mtu = 0;
    int error;

    ifr_mtu_setting(r->db, nw, "Network", &nw->other_config, &mtu,
                    warnings);
    diag_free(warnings);

    if (r->exec.dry_run) {
        printf("ip %s: link up mtu %d, %s configuration\n", ipdev, mtu,
               pif->ip_configuration_mode);
        return 0;
    }
    if (!netdev_exists(nd, ipdev)) {
        diag_add(r->diag, "ifup: device %s does not exist", ipdev);
        return -ENODEV;
    }
    error = netdev_set_up(nd, ipdev, mtu, r->diag);
    if (!error) {
        error = netdev_addr_flush(nd, ipdev, r->diag);
    }
    if (error) {
        return error;
    }

    if (!strcmp(pif->ip_configuration_mode, "Static")) {
        error = netdev_addr_add(nd, ipdev, pif->ip, pif->netmask, r->diag);
        if (!error && gateway_dev && *pif->gateway) {
            error = netdev_default_route_replace(nd, pif->gateway, ipdev,
                                                 r->diag);
        }
        if (!error && dns_dev && *pif->dns) {
            error = write_resolv_conf(r);
        }
    } else if (!strcmp(pif->ip_configuration_mode, "DHCP")) {
        char *pidfile = g_strdup_printf("%s/run/dhclient-%s.pid", r->root,
                                        ipdev);
        char *leases = g_strdup_printf("%s/run/dhclient-%s.leases", r->root,
                                       ipdev);
        GPtrArray *argv = g_ptr_array_new();
        char *conf = NULL;

        g_ptr_array_add(argv, r->conf.dhclient);
        g_ptr_array_add(argv, "-pf");
        g_ptr_array_add(argv, pidfile);
        g_ptr_array_add(argv, "-lf");
        g_ptr_array_add(argv, leases);
        if (is_firstboot(r)) {
            /* Wait longer for a lease during first boot (CA-119115). */
            conf = g_strdup_printf("%s/run/interface-reconfigure-"
                                   "dhclient.conf", r->root);
            g_file_set_contents(conf, "timeout 240;\n", -1, NULL);
            g_ptr_array_add(argv, "-cf");
            g_ptr_array_add(argv, conf);
        }
        g_ptr_array_add(argv, (char *) ipdev);
        g_ptr_array_add(argv, NULL);
        error = ifr_run(&r->exec, (const char *const *) argv->pdata,
                        r->diag);
        g_ptr_array_free(argv, TRUE);
        g_free(pidfile);
        g_free(leases);
        g_free(conf);
    }

    /* The network's static routes. */
    routes = dbc_map_get(&nw->other_config, "static-routes");
    if (!error && routes && *routes) {
        char **entries = g_strsplit(routes, ",", -1);

        for (char **e = entries; !error && *e; e++) {
            char **f = g_strsplit(*e, "/", 3);

            /* ifcfg_routes() has validated the format already. */
            error = netdev_route_add(nd, f[0], atoi(f[1]), f[2], ipdev,
                                     r->diag);
            g_strfreev(f);
        }
        g_strfreev(entries);
    }
    return error;
}

static int
ipdev_up(struct ifr_run *r, const char *ipdev)
{
    const struct dbc_pif *dns = NULL, *gw = NULL;

    if (r->conf.ipconfig == IFR_IPCONFIG_IFUP) {
        char *ifcfg = ifcfg_script_path(r->root, "ifcfg", ipdev);
        bool have = g_file_test(ifcfg, G_FILE_TEST_EXISTS) || r->exec.dry_run;
        const char *argv[] = { r->conf.ifup, ipdev, NULL };
        const char *env[] = { "DHCLIENTARGS= -T 240 ", NULL };
        struct exec_options opts = { .root_prefix = r->root };
        int status;

        g_free(ifcfg);
        if (!have) {
            diag_add(r->diag, "ifup: device %s exists but ifcfg-%s does not",
                     ipdev, ipdev);
            return -ENOENT;
        }
        if (r->exec.dry_run) {
            return ifr_run(&r->exec, argv, r->diag);
        }
        if (is_firstboot(r)) {
            opts.env = env;
        }
        status = exec_run(argv, &opts, r->diag);
        if (status) {
            diag_add(r->diag, "ifup %s failed (status %d)", ipdev, status);
            return status > 0 ? -ECHILD : status;
        }
        return 0;
    }
    ifcfg_select_devices(r->db, r->pif, r->management, &dns, &gw);
    return ipdev_up_netlink(r, ipdev, dns == r->pif, gw == r->pif);
}

/* Runs update-issue, as the original did; its result does not matter. */
static void
update_issue(struct ifr_run *r)
{
    char *path = rooted(r, "/sbin/update-issue");

    if (!r->exec.dry_run && g_file_test(path, G_FILE_TEST_IS_EXECUTABLE)) {
        const char *argv[] = { "/sbin/update-issue", NULL };
        struct exec_options opts = { .root_prefix = r->root, .quiet = true };

        exec_run(argv, &opts, NULL);
    }
    g_free(path);
}

/* The physical-name check (section 4.2 step 5): each physical device of the
 * PIF must have the PIF's MAC. */
static int
check_physical_names(struct ifr_run *r)
{
    const struct dbc_pif *pif = r->pif;
    struct dbc_pifs devs = { 0, NULL };
    int error = 0;

    if (dbc_pif_is_tunnel(pif)) {
        return 0;
    }
    if (dbc_pif_is_vlan(pif)) {
        error = dbc_pif_vlan_parent(r->db, pif, &pif, r->diag);
        if (error) {
            return error;
        }
    }
    error = dbc_pif_physical_pifs(r->db, pif, &devs, r->diag);
    for (size_t i = 0; !error && i < devs.n; i++) {
        const struct dbc_pif *p = devs.pifs[i];
        char mac[18];

        if (!*p->mac) {
            continue;
        }
        if (netdev_get_mac(r->exec.netdev, p->device, mac)) {
            LOG_INFO("No network device %s", p->device);
        } else if (g_ascii_strcasecmp(mac, p->mac)) {
            diag_add(r->diag, "network device %s has MAC %s, but PIF %s "
                     "expects %s: devices are named by udev, not renamed "
                     "here", p->device, mac, p->uuid, p->mac);
            error = -EINVAL;
        }
    }
    dbc_pifs_free(&devs);
    return error;
}

/* Prints a file and its children, for a dry run. */
static void
print_files(const struct cfgfile *file)
{
    printf("write %s:\n%s", cfgfile_path(file), cfgfile_contents(file));
    for (size_t i = 0; i < cfgfile_n_children(file); i++) {
        print_files(cfgfile_child(file, i));
    }
}

/* Actions. */

/* The start of up and down: the backend's checks and the log lines. */
static int
begin_action(struct ifr_run *r, struct ifr_env *env, const char *action,
             const char *ipdev)
{
    int error;

    env_init(r, env);
    error = r->backend->check_pif(env, r->pif, r->diag);
    if (!error) {
        LOG_INFO("Configured for %s datapath", r->backend->name);
        LOG_INFO("action_%s: %s", action, ipdev);
    }
    return error;
}

static int
action_up(struct ifr_run *r)
{
    struct ifcfg_ctx ctx = { r->db, program_name(), r->root, &r->nic };
    struct backend_plan bp;
    struct ifr_env env;
    struct cfgfile *file = NULL;
    char *ipdev = dbc_pif_ipdev_name(r->db, r->pif);
    bool applied = false;
    int error;

    backend_plan_init(&bp);
    error = begin_action(r, &env, "up", ipdev);
    if (error) {
        goto out;
    }

    error = ifcfg_ipdev(&ctx, r->pif, r->backend->ifcfg_backend,
                        r->management, &file, r->diag);
    if (!error && r->backend->datapath_files) {
        /* preconfigure: the datapath's files, applied with the ipdev's. */
        struct cfgfile *datapath;

        error = ifcfg_datapath(&ctx, r->pif, &datapath, r->diag);
        if (!error) {
            cfgfile_attach_child(file, datapath);
        }
    }
    if (!error) {
        error = r->backend->plan_up(&env, r->pif, &bp, r->diag);
    }
    if (!error) {
        report_cannot(&env);
        error = plan_execute(&bp.pre, &r->exec, r->diag);
    }
    if (!error) {
        error = cfgfile_close(file, r->exec.dry_run, r->diag);
    }
    if (!error) {
        error = check_physical_names(r);
    }
    if (!error && !r->args->force) {
        error = ifr_ipdev_down(&r->exec, ipdev, r->diag);
        if (!error) {
            error = plan_execute(&bp.down_existing, &r->exec, r->diag);
        }
    }
    if (error) {
        goto out;
    }

    if (r->exec.dry_run) {
        print_files(file);
    } else {
        error = cfgfile_apply(file, r->diag);
        applied = !error;
    }
    if (!error) {
        error = plan_execute(&bp.configure, &r->exec, r->diag);
    }
    if (!error) {
        error = ipdev_up(r, ipdev);
    }
    if (!error) {
        error = plan_execute(&bp.post, &r->exec, r->diag);
    }
    if (!error) {
        update_issue(r);
        if (applied) {
            error = cfgfile_commit(file, r->diag);
        }
    }
    if (error && applied) {
        struct diag *revert = diag_new();

        LOG_ERR("failed to apply changes: %s",
                diag_count(r->diag) ? diag_get(r->diag, 0) : "error");
        cfgfile_revert(file, revert);
        for (size_t i = 0; i < diag_count(revert); i++) {
            diag_add(r->diag, "%s", diag_get(revert, i));
        }
        diag_free(revert);
    }

out:
    if (error && file && !applied) {
        cfgfile_discard(file);
    }
    cfgfile_free(file);
    backend_plan_clear(&bp);
    env_clear(&env);
    g_free(ipdev);
    return error;
}

static int
action_down(struct ifr_run *r)
{
    char *ipdev = dbc_pif_ipdev_name(r->db, r->pif);
    struct ifr_env env;
    struct plan p;
    int error;

    plan_init(&p);
    error = begin_action(r, &env, "down", ipdev);
    if (!error) {
        error = ifr_ipdev_down(&r->exec, ipdev, r->diag);
    }
    if (!error) {
        error = r->backend->plan_down(&env, r->pif, &p, r->diag);
    }
    if (!error) {
        report_cannot(&env);
        error = plan_execute(&p, &r->exec, r->diag);
    }
    plan_clear(&p);
    env_clear(&env);
    g_free(ipdev);
    return error;
}

static int
action_rewrite(struct ifr_run *r)
{
    struct ifr_env env;
    struct plan p;
    int error = 0;

    /* With the bridge backend, as in the original, rewrite only saves the
     * cache. */
    if (r->backend->plan_rewrite) {
        plan_init(&p);
        env_init(r, &env);
        error = r->backend->plan_rewrite(&env, &p, r->diag);
        if (!error) {
            error = plan_execute(&p, &r->exec, r->diag);
        }
        plan_clear(&p);
        env_clear(&env);
    }
    return error;
}

/* --force BRIDGE rewrite: a minimal cache for a management interface,
 * written by hand (section 2.6), without the original's bugs: proper refs,
 * and a gateway element always present. */
static int
force_rewrite(struct ifr_run *r)
{
    const struct ifr_force_config *fc = &r->args->fc;
    bool dhcp = !strcmp(fc->mode, "dhcp");
    char *pif_uuid = g_uuid_string_random();
    char *net_uuid = g_uuid_string_random();
    char *pif_ref = g_strconcat("OpaqueRef:", pif_uuid, NULL);
    char *net_ref = g_strconcat("OpaqueRef:", net_uuid, NULL);
    struct dbcache *db = dbcache_new();
    struct dbc_record *p = dbcache_add(db, DBC_PIF, pif_ref);
    struct dbc_record *n = dbcache_add(db, DBC_NETWORK, net_ref);
    char *path = rooted(r, DBCACHE_PATH);
    char *uuid = g_strdup_printf("%sPif", fc->device);
    int error;

#define SET(REC, CLASS, FIELD, VALUE) \
    dbc_set_str(REC, dbc_find_field(CLASS, FIELD), VALUE)
#define MARK(REC, CLASS, FIELD) \
    dbc_mark_present(REC, dbc_find_field(CLASS, FIELD))

    LOG_INFO("Configuring %s using %s configuration", r->args->force,
             dhcp ? "DHCP" : "Static");
    SET(p, DBC_PIF, "uuid", uuid);
    dbc_set_bool(p, dbc_find_field(DBC_PIF, "management"), true);
    SET(p, DBC_PIF, "network", net_ref);
    SET(p, DBC_PIF, "device", fc->device);
    MARK(p, DBC_PIF, "bond_master_of");
    SET(p, DBC_PIF, "bond_slave_of", "OpaqueRef:NULL");
    SET(p, DBC_PIF, "VLAN", "-1");
    SET(p, DBC_PIF, "VLAN_master_of", "OpaqueRef:NULL");
    MARK(p, DBC_PIF, "VLAN_slave_of");
    MARK(p, DBC_PIF, "tunnel_access_PIF_of");
    MARK(p, DBC_PIF, "tunnel_transport_PIF_of");
    SET(p, DBC_PIF, "ip_configuration_mode", dhcp ? "DHCP" : "Static");
    SET(p, DBC_PIF, "IP", dhcp ? "" : fc->ip);
    SET(p, DBC_PIF, "netmask", dhcp ? "" : fc->netmask);
    SET(p, DBC_PIF, "gateway", !dhcp && fc->gateway ? fc->gateway : "");
    SET(p, DBC_PIF, "DNS", "");
    SET(p, DBC_PIF, "MAC", fc->mac);
    MARK(p, DBC_PIF, "other_config");
    dbc_set_bool(p, dbc_find_field(DBC_PIF, "currently_attached"), false);
    SET(n, DBC_NETWORK, "uuid", "InitialManagementNetwork");
    SET(n, DBC_NETWORK, "bridge", r->args->force);
    dbc_list_append(n, dbc_find_field(DBC_NETWORK, "PIFs"), pif_ref);
    MARK(n, DBC_NETWORK, "other_config");
#undef SET
#undef MARK

    error = dbcache_check(db, NULL, r->diag);
    if (!error && r->exec.dry_run) {
        size_t len;
        char *xml = dbcache_to_xml(db, &len);

        printf("write %s:\n%s", path, xml);
        g_free(xml);
    } else if (!error) {
        error = dbcache_write_file(db, path);
        if (error) {
            diag_add(r->diag, "%s: %s", path, g_strerror(-error));
        }
    }
    g_free(uuid);
    g_free(path);
    g_free(pif_ref);
    g_free(net_ref);
    g_free(pif_uuid);
    g_free(net_uuid);
    dbcache_free(db);
    return error;
}

/* Citrix Provisioning Services (formerly Ardence) streams the host's disk
 * over one NIC; /proc/ardence names it on a line "HWaddr: <MAC>".  That
 * NIC must not be touched.  Returns true if 'pif' is it. */
static bool
is_pvs_device(const struct ifr_run *r, const struct dbc_pif *pif)
{
    char *path = rooted(r, "/proc/ardence");
    char *text = NULL;
    char *found = NULL;
    bool pvs = false;
    int n = 0;

    if (g_file_get_contents(path, &text, NULL, NULL)) {
        char **lines = g_strsplit(text, "\n", -1);

        for (char **l = lines; *l; l++) {
            if (g_str_has_prefix(*l, "HWaddr:")) {
                n++;
                g_free(found);
                found = g_strdup(*l);
            }
        }
        g_strfreev(lines);
    }
    if (n == 1 && *pif->mac) {
        char **words = g_strsplit_set(found + strlen("HWaddr:"), " \t", -1);

        for (char **w = words; *w; w++) {
            pvs |= !g_ascii_strcasecmp(*w, pif->mac);
        }
        g_strfreev(words);
    }
    g_free(found);
    g_free(text);
    g_free(path);
    return pvs;
}

int
ifr_main(const struct ifr_args *args)
{
    enum ifr_backend backend;
    struct ifr_run r;
    int lock_fd = -1;
    int status = 1;
    int error;

    memset(&r, 0, sizeof r);
    r.args = args;
    r.root = args->root_prefix ? args->root_prefix : "";
    r.diag = diag_new();

    error = ifr_read_config(r.root, &r.conf, r.diag);
    r.nic = ifr_default_nic_defaults;
    r.nic.gro = r.conf.gro;
    if (!error && !args->dry_run) {
        error = ifr_lock(r.root, LOCK_TIMEOUT_S, &lock_fd, r.diag);
    }
    if (error) {
        goto out;
    }
    if (args->force) {
        LOG_INFO("Force interface %s %s", args->force,
                 args->action == IFR_UP ? "up"
                 : args->action == IFR_DOWN ? "down" : "rewrite");
    }
    if (args->force && args->action == IFR_REWRITE) {
        r.exec.dry_run = args->dry_run;
        error = force_rewrite(&r);
        goto out;
    }

    error = args->force ? load_cache(&r) : load_from_xapi(&r);
    if (!error) {
        error = find_pif(&r);
    }
    if (error) {
        goto out;
    }
    if (args->action != IFR_REWRITE && !r.pif) {
        fprintf(stderr, "No PIF given\nFor help use --help.\n");
        status = 2;
        goto out;
    }
    r.management = (args->management && !args->force && r.pif
                    ? r.pif : dbc_management_pif(r.db));

    error = ifr_read_backend(r.root, &backend, r.diag);
    r.backend = (backend == IFR_BACKEND_BRIDGE
                 ? &bridge_backend : &vswitch_backend);
    if (!error && args->action != IFR_REWRITE) {
        /* A dry run looks at links too (read-only). */
        error = netdev_open_netlink(&r.exec.netdev, r.diag);
    }
    if (error) {
        goto out;
    }
    r.exec.root_prefix = r.root;
    r.exec.vsctl = r.conf.vsctl;
    r.exec.ofctl = r.conf.ofctl;
    r.exec.ifup = r.conf.ifup;
    r.exec.ifdown = r.conf.ifdown;
    r.exec.use_ifup = r.conf.ipconfig == IFR_IPCONFIG_IFUP;
    r.exec.dry_run = args->dry_run;
    r.exec.dry_run_out = stdout;

    if (r.pif && args->action != IFR_REWRITE) {
        char *netdev = dbc_pif_netdev_name(r.pif);

        LOG_INFO("Bring %s PIF %s: %s configured as %s",
                 args->action == IFR_UP ? "up" : "down", r.pif->uuid, netdev,
                 r.pif->ip_configuration_mode);
        g_free(netdev);
        if (!args->force && is_pvs_device(&r, r.pif)) {
            LOG_INFO("Skipping PVS device %s (%s)", r.pif->device,
                     r.pif->mac);
            status = 0;
            goto out;
        }
    }
    switch (args->action) {
    case IFR_UP:
        error = action_up(&r);
        break;
    case IFR_DOWN:
        error = action_down(&r);
        break;
    case IFR_REWRITE:
        error = action_rewrite(&r);
        break;
    }
    if (!error && r.from_xapi) {
        error = save_cache(&r);
    }

out:
    if (error) {
        report(&r);
    } else if (status != 2) {
        status = 0;
    }
    if (lock_fd >= 0) {
        ifr_unlock(lock_fd);
    }
    netdev_close(r.exec.netdev);
    ifr_config_clear(&r.conf);
    dbcache_free(r.db);
    diag_free(r.diag);
    return status;
}
