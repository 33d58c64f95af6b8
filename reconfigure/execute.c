/* execute.c -- carries out a plan (see execute.h).
 *
 * Every change to the system made by interface-reconfigure after planning
 * goes through here: links through netdev.c (netlink), programs through
 * lib/exec.c.  Unlike the original, a failing step is a failure of the run
 * (the original ignored the exit status of ip, ethtool, ifup and ofctl),
 * so the caller reverts the configuration files. */
#include <config.h>

#include "execute.h"

#include <errno.h>
#include <glib.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "exec.h"
#include "log.h"
#include "netdev.h"
#include "plan.h"

LOG_DEFINE_THIS_MODULE(execute);

int
ifr_run(const struct ifr_exec *x, const char *const *argv,
        struct diag *diag)
{
    struct exec_options opts = { .root_prefix = x->root_prefix };
    int status;

    if (x->dry_run) {
        char *line = exec_argv_to_string(argv);

        fprintf(x->dry_run_out, "run %s\n", line);
        g_free(line);
        return 0;
    }
    status = exec_run(argv, &opts, diag);
    if (status) {
        char *line = exec_argv_to_string(argv);

        if (status > 0) {
            diag_add(diag, "%s: exit status %d", line, status);
        }
        g_free(line);
        return status > 0 ? -ECHILD : status;
    }
    return 0;
}

static char *
sysfs_path(const struct ifr_exec *x, const char *dev)
{
    return g_strdup_printf("%s/sys/class/net/%s", x->root_prefix, dev);
}

static bool
dev_exists(const struct ifr_exec *x, const char *dev)
{
    return netdev_exists(x->netdev, dev);
}

static int
link_down(const struct ifr_exec *x, const char *dev, struct diag *diag)
{
    if (!dev_exists(x, dev)) {
        LOG_INFO("netdev: down: device %s does not exist, ignoring", dev);
        return 0;
    }
    if (x->dry_run) {
        fprintf(x->dry_run_out, "link %s down\n", dev);
        return 0;
    }
    return netdev_set_down(x->netdev, dev, diag);
}

static int
link_up(const struct ifr_exec *x, const char *dev, int mtu,
        struct diag *diag)
{
    if (x->dry_run) {
        /* Not checked: an earlier step (a bond or VLAN created) would
         * have made it. */
        fprintf(x->dry_run_out, "link %s up", dev);
        if (mtu) {
            fprintf(x->dry_run_out, " mtu %d", mtu);
        }
        fputc('\n', x->dry_run_out);
        return 0;
    }
    if (!dev_exists(x, dev)) {
        diag_add(diag, "netdev: up: device %s does not exist", dev);
        return -ENODEV;
    }
    return netdev_set_up(x->netdev, dev, mtu, diag);
}

/* Stops the DHCP client that ifr_ipdev_up() started on 'dev', if any. */
static void
stop_dhclient(const struct ifr_exec *x, const char *dev)
{
    char *pidfile = g_strdup_printf("%s/run/dhclient-%s.pid", x->root_prefix,
                                    dev);
    char *text = NULL;

    if (g_file_get_contents(pidfile, &text, NULL, NULL)) {
        long pid = strtol(text, NULL, 10);

        if (pid > 1) {
            LOG_INFO("stopping the DHCP client on %s (pid %ld)", dev, pid);
            kill(pid, SIGTERM);
        }
        unlink(pidfile);
    }
    g_free(text);
    g_free(pidfile);
}

int
ifr_ipdev_down(const struct ifr_exec *x, const char *dev, struct diag *diag)
{
    char *sysfs = sysfs_path(x, dev);
    bool exists = dev_exists(x, dev);
    int error = 0;

    g_free(sysfs);
    if (!exists) {
        LOG_INFO("ifdown: device %s does not exist, ignoring", dev);
        return 0;
    }
    if (x->use_ifup) {
        char *ifcfg = g_strdup_printf("%s/etc/sysconfig/network-scripts/"
                                      "ifcfg-%s", x->root_prefix, dev);
        bool have_ifcfg = g_file_test(ifcfg, G_FILE_TEST_EXISTS);

        g_free(ifcfg);
        if (!have_ifcfg) {
            LOG_INFO("ifdown: device %s exists but ifcfg-%s does not", dev,
                     dev);
            return link_down(x, dev, diag);
        } else {
            const char *argv[] = { x->ifdown, dev, NULL };

            return ifr_run(x, argv, diag);
        }
    }
    if (x->dry_run) {
        fprintf(x->dry_run_out, "ifdown %s (DHCP client, addresses, link)\n",
                dev);
        return 0;
    }
    stop_dhclient(x, dev);
    error = netdev_addr_flush(x->netdev, dev, diag);
    if (!error) {
        error = netdev_set_down(x->netdev, dev, diag);
    }
    return error;
}

static int
run_vsctl(const struct ifr_exec *x, char ***cmds, struct diag *diag)
{
    char **argv = plan_vsctl_argv(x->vsctl, cmds);
    int error = ifr_run(x, (const char *const *) argv, diag);

    g_strfreev(argv);
    if (error) {
        diag_add(diag, "Failed to modify vswitch configuration");
    }
    return error;
}

/* Queries the ofport of interface 'port'. */
static int
query_ofport(const struct ifr_exec *x, const char *port, char **ofportp,
             struct diag *diag)
{
    const char *argv[] = { x->vsctl, "-vconsole:off", "get", "interface",
                           port, "ofport", NULL };
    GString *out = g_string_new(NULL);
    struct exec_options opts = { .root_prefix = x->root_prefix,
                                 .output = out, .quiet = true };
    int status = exec_run(argv, &opts, diag);
    int error = 0;

    g_strstrip(out->str);
    if (status || !*out->str) {
        diag_add(diag, "cannot read the ofport of %s", port);
        error = status < 0 ? status : -EPROTO;
    } else {
        *ofportp = g_strdup(out->str);
    }
    g_string_free(out, TRUE);
    return error;
}

/* Adds the escape flows of 'step', expanding each "%s" template once per
 * port's ofport. */
static int
add_flows(const struct ifr_exec *x, const struct plan_step *step,
          struct diag *diag)
{
    GPtrArray *ofports = g_ptr_array_new_with_free_func(g_free);
    char *vlan_ofport = NULL;
    int error = 0;

    if (step->text) {
        if (x->dry_run) {
            vlan_ofport = g_strdup_printf("<ofport of %s>", step->text);
        } else {
            error = query_ofport(x, step->text, &vlan_ofport, diag);
        }
    }
    for (char **port = step->ports; !error && *port; port++) {
        char *ofport = NULL;

        if (x->dry_run) {
            ofport = g_strdup_printf("<ofport of %s>", *port);
        } else {
            error = query_ofport(x, *port, &ofport, diag);
        }
        if (!error) {
            g_ptr_array_add(ofports, ofport);
        }
    }
    for (char **flow = step->flows; !error && *flow; flow++) {
        bool templated = strstr(*flow, "%s") != NULL;

        for (guint i = 0; !error && i < (templated ? ofports->len : 1); i++) {
            GString *f = g_string_new(*flow);
            const char *argv[] = { x->ofctl, "add-flow", step->dev, NULL,
                                   NULL };

            if (templated) {
                g_string_replace(f, "%s", g_ptr_array_index(ofports, i), 0);
            }
            if (vlan_ofport) {
                g_string_replace(f, "%v", vlan_ofport, 0);
            }
            argv[3] = f->str;
            error = ifr_run(x, argv, diag);
            g_string_free(f, TRUE);
        }
    }
    g_ptr_array_free(ofports, TRUE);
    g_free(vlan_ofport);
    return error;
}

/* ifup of a port whose ifcfg file names its bridge or bond (ipconfig=ifup),
 * as the original's ifup(): the file must exist. */
static int
port_ifup(const struct ifr_exec *x, const char *dev, struct diag *diag)
{
    const char *argv[] = { x->ifup, dev, NULL };

    if (!x->dry_run) {
        char *ifcfg = g_strdup_printf("%s/etc/sysconfig/network-scripts/"
                                      "ifcfg-%s", x->root_prefix, dev);
        bool have_ifcfg = g_file_test(ifcfg, G_FILE_TEST_EXISTS);

        g_free(ifcfg);
        if (!have_ifcfg) {
            diag_add(diag, "ifup: device %s exists but ifcfg-%s does not",
                     dev, dev);
            return -ENOENT;
        }
    }
    return ifr_run(x, argv, diag);
}

/* The Linux-link steps of the bridge backend.  Creating what exists, or
 * deleting or releasing what is not there, is not an error.  The log lines
 * are the original's, for what was found at the time. */
static int
link_step(const struct ifr_exec *x, const struct plan_step *s,
          struct diag *diag)
{
    struct netdev *nd = x->netdev;
    bool exists;
    int error;

    if (x->use_ifup) {
        switch (s->op) {
        case PLAN_BRIDGE_ADD:
        case PLAN_VLAN_ADD:
            /* Initscripts make them when the port comes up. */
            return 0;
        case PLAN_ENSLAVE:
            return port_ifup(x, s->dev, diag);
        default:
            break;
        }
    }
    if (x->dry_run) {
        char *line = plan_step_describe(s);

        fprintf(x->dry_run_out, "%s\n", line);
        g_free(line);
        return 0;
    }
    exists = netdev_exists(nd, s->dev);
    switch (s->op) {
    case PLAN_BRIDGE_ADD:
        return exists ? 0 : netdev_bridge_add(nd, s->dev, diag);
    case PLAN_BRIDGE_DEL:
        if (!exists) {
            LOG_INFO("destroy_bridge: bridge %s does not exist, ignoring",
                     s->dev);
            return 0;
        }
        LOG_INFO("Destroy bridge %s", s->dev);
        /* Its DHCP client and addresses go first. */
        error = ifr_ipdev_down(x, s->dev, diag);
        return error ? error : netdev_bridge_del(nd, s->dev, diag);
    case PLAN_ENSLAVE:
        return netdev_enslave(nd, s->dev, s->text, diag);
    case PLAN_RELEASE:
        return exists ? netdev_release(nd, s->dev, diag) : 0;
    case PLAN_VLAN_ADD:
        return exists ? 0 : netdev_vlan_add(nd, s->text, s->mtu, s->dev,
                                            diag);
    case PLAN_LINK_DEL:
        if (!exists) {
            return 0;
        }
        if (s->text) {
            /* What the planner said this is ("Destroy vlan device ..."). */
            LOG_INFO("%s", s->text);
        }
        return netdev_link_del(nd, s->dev, diag);
    case PLAN_BOND_ADD:
        if (exists) {
            return 0;
        }
        LOG_INFO("Creating bond master %s", s->dev);
        return netdev_bond_add(nd, s->dev, s->text, diag);
    default:
        return -EINVAL;
    }
}

int
plan_execute(const struct plan *p, const struct ifr_exec *x,
             struct diag *diag)
{
    int error = 0;

    for (size_t i = 0; !error && i < p->n; i++) {
        const struct plan_step *s = &p->steps[i];

        switch (s->op) {
        case PLAN_LOG:
            LOG_INFO("%s", s->text);
            break;
        case PLAN_LINK_DOWN:
            error = link_down(x, s->dev, diag);
            break;
        case PLAN_LINK_UP:
            error = link_up(x, s->dev, s->mtu, diag);
            break;
        case PLAN_RUN:
            error = ifr_run(x, (const char *const *) s->argv, diag);
            break;
        case PLAN_VSCTL:
            error = run_vsctl(x, s->cmds, diag);
            break;
        case PLAN_FLOWS:
            error = add_flows(x, s, diag);
            break;
        case PLAN_IFDOWN:
            error = ifr_ipdev_down(x, s->dev, diag);
            break;
        case PLAN_BRIDGE_ADD:
        case PLAN_BRIDGE_DEL:
        case PLAN_ENSLAVE:
        case PLAN_RELEASE:
        case PLAN_VLAN_ADD:
        case PLAN_LINK_DEL:
        case PLAN_BOND_ADD:
            error = link_step(x, s, diag);
            break;
        }
    }
    return error;
}
