/* cli.c -- see cli.h.
 *
 * Two passes, as in the original: getopt_long() reads the whole command
 * line first (so an unknown option anywhere is an error, even after
 * --help), then the options take effect in order (so the first of --help
 * and --version wins), then the semantic checks run in the original's order
 * with its messages.  The caller (interface-reconfigure's main) does the
 * rest: logging "Called as ...", and the "No PIF given" check, which needs
 * the configuration model.
 *
 * Where the original failed on an unknown or ambiguous option (a TypeError,
 * exit 1, traceback in syslog), this prints a getopt-style message and
 * returns IFR_CLI_USAGE, which is what the original meant to do. */
#include <config.h>

#include "cli.h"

#include <getopt.h>
#include <glib.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

enum {
    OPT_PIF = UCHAR_MAX + 1,
    OPT_PIF_UUID,
    OPT_SESSION,
    OPT_FORCE,
    OPT_FORCE_INTERFACE,        /* Distinct from OPT_FORCE, so that getopt
                                 * calls "--fo" ambiguous, as Python did. */
    OPT_MANAGEMENT,
    OPT_MAC,
    OPT_DEVICE,
    OPT_MODE,
    OPT_IP,
    OPT_NETMASK,
    OPT_GATEWAY,
    OPT_ROOT_PREFIX,
    OPT_NO_SYSLOG,
    OPT_DRY_RUN,
};

static const struct option long_options[] = {
    { "pif", required_argument, NULL, OPT_PIF },
    { "pif-uuid", required_argument, NULL, OPT_PIF_UUID },
    { "session", required_argument, NULL, OPT_SESSION },
    { "force-interface", required_argument, NULL, OPT_FORCE_INTERFACE },
    { "force", required_argument, NULL, OPT_FORCE },
    { "management", no_argument, NULL, OPT_MANAGEMENT },
    { "mac", required_argument, NULL, OPT_MAC },
    { "device", required_argument, NULL, OPT_DEVICE },
    { "mode", required_argument, NULL, OPT_MODE },
    { "ip", required_argument, NULL, OPT_IP },
    { "netmask", required_argument, NULL, OPT_NETMASK },
    { "gateway", required_argument, NULL, OPT_GATEWAY },
    { "root-prefix", required_argument, NULL, OPT_ROOT_PREFIX },
    { "no-syslog", no_argument, NULL, OPT_NO_SYSLOG },
    { "dry-run", no_argument, NULL, OPT_DRY_RUN },
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 },
};

void
ifr_usage_error(const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    vfprintf(stderr, fmt, args);
    va_end(args);
    fputs("\nFor help use --help.\n", stderr);
    fflush(stderr);
}

static void
print_help(const char *argv0)
{
    char *name = g_path_get_basename(argv0 ? argv0
                                     : "interface-reconfigure");

    printf("%1$s <PIF> up\n"
           "%1$s <PIF> down\n"
           "%1$s rewrite\n"
           "%1$s --force <BRIDGE> up\n"
           "%1$s --force <BRIDGE> down\n"
           "%1$s --force <BRIDGE> rewrite --device=<INTERFACE> "
           "--mac=<MAC-ADDRESS> <CONFIG>\n"
           "  <PIF>    := --session <SESSION-REF> --pif <PIF-REF> "
           "| --pif-uuid <PIF-UUID>\n"
           "  <CONFIG> := --mode=dhcp | --mode=static --ip=<IPADDR> "
           "--netmask=<NM> [--gateway=<GW>]\n"
           "\n"
           "Actions:\n"
           "  up         configure the PIF's device and bring it up\n"
           "  down       bring the PIF's device down\n"
           "  rewrite    write XAPI's network configuration to the cache\n"
           "             (with --force: write a cache by hand)\n"
           "\n"
           "Options:\n"
           "  --session=REF        use this XAPI session (no login or "
           "logout);\n"
           "                       needs --pif\n"
           "  --pif=REF            the PIF to configure, by XAPI reference\n"
           "  --pif-uuid=UUID      the PIF to configure, by uuid (from the "
           "cache\n"
           "                       if XAPI cannot be reached)\n"
           "  --force=BRIDGE, --force-interface=BRIDGE\n"
           "                       configure the PIF on the network with "
           "bridge\n"
           "                       BRIDGE, from the cache "
           "(/var/xapi/network.dbcache),\n"
           "                       without contacting XAPI\n"
           "  --management         treat the PIF as the management PIF "
           "(ignored with\n"
           "                       --force)\n"
           "  --device=INTERFACE, --mac=MAC-ADDRESS, --mode=dhcp|static,\n"
           "  --ip=IPADDR, --netmask=NM, --gateway=GW\n"
           "                       (--force rewrite) the PIF to write into "
           "the cache\n"
           "  --root-prefix=DIR    use DIR as an alternate root directory "
           "(for testing)\n"
           "  --no-syslog          write log messages to stderr instead of "
           "syslog\n"
           "  --dry-run            print what would be done; change "
           "nothing\n"
           "  -h, --help           print this help and exit\n"
           "  -V, --version        print the version and exit\n"
           "\n"
           "Exit status: 0 success, 1 error, 2 usage error.\n", name);
    fflush(stdout);
    g_free(name);
}

/* Returns the message for an option that getopt_long() rejected.  'arg' is
 * the command-line element of a rejected long option, 'c' the rejected
 * short option otherwise.  The caller owns the result (g_free). */
static char *
bad_option_message(const char *arg, int c)
{
    const struct option *match = NULL;
    const char *eq;
    size_t len;
    int n = 0;

    if (!arg || strncmp(arg, "--", 2)) {
        return g_strdup_printf("option -%c not recognized", c);
    }

    arg += 2;
    eq = strchr(arg, '=');
    len = eq ? (size_t) (eq - arg) : strlen(arg);
    for (const struct option *o = long_options; o->name; o++) {
        if (!strncmp(o->name, arg, len)) {
            if (strlen(o->name) == len) {
                match = o;
                n = 1;
                break;
            }
            match = o;
            n++;
        }
    }

    if (n == 0) {
        return g_strdup_printf("option --%.*s not recognized", (int) len,
                               arg);
    } else if (n > 1) {
        GString *s = g_string_new(NULL);

        g_string_printf(s, "option '--%.*s' is ambiguous; possibilities:",
                        (int) len, arg);
        for (const struct option *o = long_options; o->name; o++) {
            if (!strncmp(o->name, arg, len)) {
                g_string_append_printf(s, " '--%s'", o->name);
            }
        }
        return g_string_free(s, FALSE);
    } else if (eq && match->has_arg == no_argument) {
        return g_strdup_printf("option --%s must not have an argument",
                               match->name);
    } else {
        return g_strdup_printf("option --%s requires an argument",
                               match->name);
    }
}

/* Sets '*field' to a copy of 'value'.  The original tested these options
 * for truth, so an empty value counts as not given: '*field' becomes NULL. */
static void
set_option(char **field, const char *value)
{
    g_free(*field);
    *field = str_empty(value) ? NULL : g_strdup(value);
}

/* Sets force-rewrite field '*field' to a copy of 'value'.  The original
 * tested these for presence, so an empty value counts as given. */
static void
set_fc_option(char **field, const char *value)
{
    g_free(*field);
    *field = g_strdup(value);
}

static char *
join_argv(int argc, char *argv[])
{
    GString *s = g_string_new(NULL);

    for (int i = 0; i < argc; i++) {
        if (i) {
            g_string_append_c(s, ' ');
        }
        g_string_append(s, argv[i]);
    }
    return g_string_free(s, FALSE);
}

/* The semantic checks of section 1.3, items 2 to 9 and 11, in order, on
 * 'a' and the 'n_pos' positional arguments 'pos'.  Returns NULL if all
 * pass, otherwise the message for the first that fails (g_free). */
static char *
check_args(struct ifr_args *a, char **pos, int n_pos)
{
    const struct ifr_force_config *fc = &a->fc;
    bool have_fc = (fc->device || fc->mac || fc->mode || fc->ip
                    || fc->netmask || fc->gateway);
    bool force_rewrite;

    if (n_pos < 1) {
        return g_strdup("Required option <action> not present");
    } else if (n_pos > 1) {
        return g_strdup("Too many arguments");
    }

    if (!strcmp(pos[0], "up")) {
        a->action = IFR_UP;
    } else if (!strcmp(pos[0], "down")) {
        a->action = IFR_DOWN;
    } else if (!strcmp(pos[0], "rewrite")
               || !strcmp(pos[0], "rewrite-configuration")) {
        a->action = IFR_REWRITE;
    } else {
        return g_strdup_printf("Unknown action \"%s\"", pos[0]);
    }

    if ((a->session || a->pif) && a->pif_uuid) {
        return g_strdup("--session/--pif and --pif-uuid are mutually "
                        "exclusive.");
    }
    if (!a->session != !a->pif) {
        return g_strdup("--session and --pif must be used together.");
    }
    if (a->force && (a->session || a->pif || a->pif_uuid)) {
        return g_strdup("--force is mutually exclusive with --session, "
                        "--pif and --pif-uuid");
    }
    force_rewrite = a->force && a->action == IFR_REWRITE;
    if (have_fc && !force_rewrite) {
        return g_strdup("\"--force rewrite\" needed for --device, --mode, "
                        "--ip, --netmask, and --gateway");
    }
    if (a->action == IFR_REWRITE && (a->pif || a->pif_uuid)) {
        return g_strdup("rewrite action does not take --pif or --pif-uuid");
    }

    if (force_rewrite) {
        if (!fc->mode || !fc->mac || !fc->device) {
            return g_strdup("Please supply --mode, --mac and --device");
        }
        if (!strcmp(fc->mode, "static") && (!fc->netmask || !fc->ip)) {
            return g_strdup("Please supply --netmask and --ip");
        }
        if (strcmp(fc->mode, "static") && strcmp(fc->mode, "dhcp")) {
            return g_strdup("--mode must be either static or dhcp");
        }
    }
    return NULL;
}

enum ifr_cli_result
ifr_parse_args(int argc, char *argv[], struct ifr_args *args)
{
    struct ifr_args a = { .action = IFR_UP };
    enum ifr_cli_result result = IFR_CLI_OK;
    char *msg = NULL;
    int exit_option = 0;
    int c;

    a.called_as = join_argv(argc, argv);
    a.root_prefix = g_strdup("");

    optind = 0;                 /* Fully reinitialises glibc's getopt. */
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":hV", long_options, NULL)) != -1) {
        switch (c) {
        case OPT_PIF:
            set_option(&a.pif, optarg);
            break;
        case OPT_PIF_UUID:
            set_option(&a.pif_uuid, optarg);
            break;
        case OPT_SESSION:
            set_option(&a.session, optarg);
            break;
        case OPT_FORCE:
        case OPT_FORCE_INTERFACE:
            set_option(&a.force, optarg);
            break;
        case OPT_MANAGEMENT:
            a.management = true;
            break;
        case OPT_MAC:
            set_fc_option(&a.fc.mac, optarg);
            break;
        case OPT_DEVICE:
            set_fc_option(&a.fc.device, optarg);
            break;
        case OPT_MODE:
            set_fc_option(&a.fc.mode, optarg);
            break;
        case OPT_IP:
            set_fc_option(&a.fc.ip, optarg);
            break;
        case OPT_NETMASK:
            set_fc_option(&a.fc.netmask, optarg);
            break;
        case OPT_GATEWAY:
            set_fc_option(&a.fc.gateway, optarg);
            break;
        case OPT_ROOT_PREFIX:
            g_free(a.root_prefix);
            a.root_prefix = g_strdup(optarg);
            break;
        case OPT_NO_SYSLOG:
            a.no_syslog = true;
            break;
        case OPT_DRY_RUN:
            a.dry_run = true;
            break;
        case 'h':
        case 'V':
            if (!exit_option) {
                exit_option = c;
            }
            break;
        default: {
            /* A long option's error leaves optopt 0 or the option's value;
             * a short option's, the character (never 'h' or 'V'). */
            bool is_long = (!optopt || optopt > UCHAR_MAX
                            || optopt == 'h' || optopt == 'V');

            msg = bad_option_message(is_long ? argv[optind - 1] : NULL,
                                     optopt);
            goto out;
        }
        }
    }

    if (exit_option == 'h') {
        print_help(argc > 0 ? argv[0] : NULL);
        result = IFR_CLI_EXIT_OK;
        goto out;
    } else if (exit_option == 'V') {
        print_version();
        fflush(stdout);
        result = IFR_CLI_EXIT_OK;
        goto out;
    }

    msg = check_args(&a, &argv[optind], argc - optind);
    if (!msg) {
        *args = a;
        return IFR_CLI_OK;
    }

out:
    if (msg) {
        ifr_usage_error("%s", msg);
        g_free(msg);
        result = IFR_CLI_USAGE;
    }
    ifr_args_clear(&a);
    return result;
}

void
ifr_args_clear(struct ifr_args *args)
{
    if (!args) {
        return;
    }
    g_free(args->session);
    g_free(args->pif);
    g_free(args->pif_uuid);
    g_free(args->force);
    g_free(args->root_prefix);
    g_free(args->fc.device);
    g_free(args->fc.mac);
    g_free(args->fc.mode);
    g_free(args->fc.ip);
    g_free(args->fc.netmask);
    g_free(args->fc.gateway);
    g_free(args->called_as);
    memset(args, 0, sizeof *args);
}
