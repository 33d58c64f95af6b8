/* vsofctl.c -- the flow commands of Open vSwitch's ovs-ofctl that
 * interface-reconfigure and the XAPI plugin use (add-flow, add-flows,
 * del-flows, dump-flows), for the bundled switch.
 *
 * It speaks no OpenFlow: each command goes to vswitchd's control socket
 * (unixctl.h), as "ofctl/add-flow BRIDGE FLOW", "ofctl/add-flows BRIDGE
 * FLOW...", "ofctl/del-flows BRIDGE [--strict] [FLOW]" and
 * "ofctl/dump-flows BRIDGE [--no-stats] [FLOW]"; vswitchd parses the flows
 * (datapath/flow-table.h) and does the work.  vsofctl prints vswitchd's
 * output verbatim, and its errors as "vsofctl: ERROR" with exit status 1;
 * an error that starts with "no such bridge" becomes ovs-ofctl's
 * "vsofctl: BRIDGE is not a bridge or a socket". */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <glib.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unixctl.h"
#include "util.h"

#ifndef RUNSTATEDIR
#define RUNSTATEDIR "/run/xsvswitch"
#endif

/* The error text, from vswitchd, that means the bridge does not exist. */
#define NO_SUCH_BRIDGE "no such bridge"

static char *ctl_path;          /* vswitchd's control socket. */
static int timeout_ms = -1;     /* -t, --timeout; negative: no limit. */
static bool strict;             /* --strict */
static bool no_stats;           /* --no-stats */

static void
usage(void)
{
    printf("%s: manage the flow tables of the bundled switch's bridges\n"
           "(the subset of ovs-ofctl that interface-reconfigure uses)\n"
           "usage: %s [OPTIONS] COMMAND BRIDGE [ARG...]\n"
           "\nCommands:\n"
           "  add-flow BRIDGE FLOW        add a flow\n"
           "  add-flows BRIDGE FILE       add the flows in FILE, one per\n"
           "                              line ('-': stdin; '#' starts a\n"
           "                              comment)\n"
           "  del-flows BRIDGE [FLOW]     delete the flows that match FLOW\n"
           "                              (all flows without FLOW)\n"
           "  dump-flows BRIDGE [FLOW]    print the flows that match FLOW\n"
           "\nFLOW is in ovs-ofctl's syntax, e.g.\n"
           "  priority=0,in_port=1,arp,nw_proto=1,actions=local\n"
           "\nOptions:\n"
           "  --strict                    del-flows: only the flow with\n"
           "                              exactly FLOW's match and priority\n"
           "  --no-stats                  dump-flows: leave out the\n"
           "                              statistics\n"
           "  -t, --timeout=SECS          wait at most SECS seconds for\n"
           "                              vswitchd (default: no limit)\n"
           "  --unixctl=SOCKET            vswitchd's control socket\n"
           "                              (default $XSV_RUNDIR/vswitchd.ctl;\n"
           "                              XSV_RUNDIR defaults to %s)\n"
           "  -O, --protocols=VERSIONS    accepted and ignored (OpenFlow10\n"
           "                              to OpenFlow15): vsofctl speaks\n"
           "                              no OpenFlow\n"
           "  -h, --help                  this help\n"
           "  -V, --version               the version\n"
           "\nExit status: 0 on success, 1 on an error from vswitchd or if\n"
           "it cannot be reached, 2 on a command-line error.\n",
           program_name(), program_name(), RUNSTATEDIR);
}

static int
parse_timeout(const char *s)
{
    int ms;

    if (unixctl_parse_timeout(s, &ms)) {
        usage_error("value %s on -t or --timeout is invalid", s);
    }
    return ms;
}

/* -O: a comma-separated list of OpenFlow versions, checked and ignored. */
static void
check_protocols(const char *s)
{
    char **versions = g_strsplit(s, ",", -1);
    char **v;

    for (v = versions; *v; v++) {
        char *name = g_strstrip(*v);

        if (strlen(name) != 10 || strncmp(name, "OpenFlow1", 9)
            || name[9] < '0' || name[9] > '5') {
            usage_error("%s: unknown OpenFlow version (OpenFlow10 to "
                        "OpenFlow15)", name);
        }
    }
    g_strfreev(versions);
}

/* Sends 'command' with the arguments in 'args' (of char *) to vswitchd and
 * prints its reply.  Returns the exit status. */
static int
transact(const char *bridge, const char *command, GPtrArray *args)
{
    char *result = NULL, *error = NULL;
    int status = EXIT_FAILURE;
    int retval;

    retval = unixctl_client_transact(ctl_path, command, args->len,
                                     (char **) args->pdata, timeout_ms,
                                     &result, &error);
    if (retval == -ENOENT || retval == -ECONNREFUSED
        || retval == -ENOTSOCK || retval == -EACCES) {
        fprintf(stderr, "%s: cannot connect to vswitchd at \"%s\" (%s)\n",
                program_name(), ctl_path, g_strerror(-retval));
    } else if (retval) {
        fprintf(stderr, "%s: %s: transaction error (%s)\n", program_name(),
                ctl_path, g_strerror(-retval));
    } else if (error) {
        g_strchomp(error);
        if (g_str_has_prefix(error, NO_SUCH_BRIDGE)) {
            fprintf(stderr, "%s: %s is not a bridge or a socket\n",
                    program_name(), bridge);
        } else {
            fprintf(stderr, "%s: %s\n", program_name(), error);
        }
    } else {
        fputs(result, stdout);
        status = fflush(stdout) ? EXIT_FAILURE : EXIT_SUCCESS;
    }
    g_free(result);
    g_free(error);
    return status;
}

/* A new array of the arguments of a command to BRIDGE, for transact(). */
static GPtrArray *
args_new(const char *bridge)
{
    GPtrArray *args = g_ptr_array_new();

    g_ptr_array_add(args, (char *) bridge);
    return args;
}

static int
do_add_flow(int argc, char *argv[])
{
    GPtrArray *args = args_new(argv[1]);
    int status;

    (void) argc;
    g_ptr_array_add(args, argv[2]);
    status = transact(argv[1], "ofctl/add-flow", args);
    g_ptr_array_free(args, TRUE);
    return status;
}

/* Reads the flows in 'file' ("-": stdin) into 'flows' (of char *, owned).
 * Returns 0, or an exit status after printing the error. */
static int
read_flows(const char *file, GPtrArray *flows)
{
    bool is_stdin = !strcmp(file, "-");
    FILE *stream = is_stdin ? stdin : fopen(file, "r");
    char *line = NULL;
    size_t size = 0;
    int line_number = 0;
    int status = 0;

    if (!stream) {
        fprintf(stderr, "%s: %s: open failed (%s)\n", program_name(), file,
                g_strerror(errno));
        return EXIT_FAILURE;
    }
    while (getline(&line, &size, stream) >= 0) {
        char *hash = strchr(line, '#');

        line_number++;
        if (hash) {
            *hash = '\0';
        }
        g_strstrip(line);
        if (!*line) {
            continue;
        }
        if (!g_utf8_validate(line, -1, NULL)) {
            fprintf(stderr, "%s: %s:%d: not valid UTF-8\n", program_name(),
                    is_stdin ? "(stdin)" : file, line_number);
            status = EXIT_FAILURE;
            break;
        }
        g_ptr_array_add(flows, g_strdup(line));
    }
    if (!status && ferror(stream)) {
        fprintf(stderr, "%s: %s: read failed (%s)\n", program_name(), file,
                g_strerror(errno));
        status = EXIT_FAILURE;
    }
    free(line);
    if (!is_stdin) {
        fclose(stream);
    }
    return status;
}

/* All the flows in one command, so that vswitchd can check them all
 * before it adds any. */
static int
do_add_flows(int argc, char *argv[])
{
    GPtrArray *flows = g_ptr_array_new_with_free_func(g_free);
    GPtrArray *args = args_new(argv[1]);
    int status;
    guint i;

    (void) argc;
    status = read_flows(argv[2], flows);
    if (!status) {
        for (i = 0; i < flows->len; i++) {
            g_ptr_array_add(args, g_ptr_array_index(flows, i));
        }
        status = transact(argv[1], "ofctl/add-flows", args);
    }
    g_ptr_array_free(args, TRUE);
    g_ptr_array_free(flows, TRUE);
    return status;
}

static int
do_del_flows(int argc, char *argv[])
{
    GPtrArray *args = args_new(argv[1]);
    int status;

    if (strict) {
        g_ptr_array_add(args, (char *) "--strict");
    }
    if (argc > 2) {
        g_ptr_array_add(args, argv[2]);
    }
    status = transact(argv[1], "ofctl/del-flows", args);
    g_ptr_array_free(args, TRUE);
    return status;
}

static int
do_dump_flows(int argc, char *argv[])
{
    GPtrArray *args = args_new(argv[1]);
    int status;

    if (no_stats) {
        g_ptr_array_add(args, (char *) "--no-stats");
    }
    if (argc > 2) {
        g_ptr_array_add(args, argv[2]);
    }
    status = transact(argv[1], "ofctl/dump-flows", args);
    g_ptr_array_free(args, TRUE);
    return status;
}

struct command {
    const char *name;
    int min_args, max_args;     /* Not counting the command's name. */
    int (*run)(int argc, char *argv[]);
};

static const struct command commands[] = {
    { "add-flow", 2, 2, do_add_flow },
    { "add-flows", 2, 2, do_add_flows },
    { "del-flows", 1, 2, do_del_flows },
    { "dump-flows", 1, 2, do_dump_flows },
};

int
main(int argc, char *argv[])
{
    enum { OPT_STRICT = 256, OPT_NO_STATS, OPT_UNIXCTL };
    static const struct option long_options[] = {
        { "timeout", required_argument, NULL, 't' },
        { "strict", no_argument, NULL, OPT_STRICT },
        { "no-stats", no_argument, NULL, OPT_NO_STATS },
        { "unixctl", required_argument, NULL, OPT_UNIXCTL },
        { "protocols", required_argument, NULL, 'O' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    const struct command *command = NULL;
    const char *rundir;
    int status;
    int opt;
    size_t i;
    int n;

    set_program_name(argv[0]);
    /* Options may follow the command's arguments, as in ovs-ofctl
     * ("dump-flows xenbr0 --no-stats"). */
    while ((opt = getopt_long(argc, argv, "t:O:hV", long_options, NULL))
           != -1) {
        switch (opt) {
        case 't':
            timeout_ms = parse_timeout(optarg);
            break;
        case OPT_STRICT:
            strict = true;
            break;
        case OPT_NO_STATS:
            no_stats = true;
            break;
        case OPT_UNIXCTL:
            g_free(ctl_path);
            ctl_path = g_strdup(optarg);
            break;
        case 'O':
            check_protocols(optarg);
            break;
        case 'h':
            usage();
            return EXIT_SUCCESS;
        case 'V':
            print_version();
            return EXIT_SUCCESS;
        default:
            fprintf(stderr, "For help use --help.\n");
            return 2;
        }
    }
    if (optind >= argc) {
        usage_error("missing command name");
    }
    for (i = 0; i < G_N_ELEMENTS(commands); i++) {
        if (!strcmp(argv[optind], commands[i].name)) {
            command = &commands[i];
        }
    }
    if (!command) {
        usage_error("unknown command '%s'", argv[optind]);
    }
    n = argc - optind - 1;
    if (n < command->min_args) {
        usage_error("'%s' command requires at least %d arguments",
                    command->name, command->min_args);
    } else if (n > command->max_args) {
        usage_error("'%s' command takes at most %d arguments",
                    command->name, command->max_args);
    }
    if (!ctl_path) {
        rundir = getenv("XSV_RUNDIR");
        ctl_path = g_strdup_printf("%s/vswitchd.ctl",
                                   str_empty(rundir) ? RUNSTATEDIR : rundir);
    }
    status = command->run(n + 1, argv + optind);
    g_free(ctl_path);
    return status;
}
