/* vsappctl.c -- send a command to a daemon's control socket, as Open
 * vSwitch's ovs-appctl does.
 *
 * A thin command line over unixctl_client_transact() (unixctl.h): it
 * finds the socket (a path, or a program name under $XSV_RUNDIR), sends
 * the command and its arguments, and prints the reply as ovs-appctl does
 * -- the output verbatim on stdout; an error on stderr, then exit status
 * 2 -- so that scripts written for ovs-appctl work against vsdb-server
 * and vswitchd, and vsappctl works against stock Open vSwitch daemons. */
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

static void
usage(void)
{
    printf("%s: send a command to a running daemon (as ovs-appctl)\n"
           "usage: %s [-t TARGET] [--timeout=SECS] COMMAND [ARG...]\n"
           "\nTARGET is the daemon's control socket: a path (containing a\n"
           "slash), or a program name NAME for $XSV_RUNDIR/NAME.ctl\n"
           "(XSV_RUNDIR defaults to %s).  The default is vswitchd.\n"
           "\nCommon commands:\n"
           "  list-commands       the commands the target supports\n"
           "  version             the target's version\n"
           "  exit                stop the target\n"
           "\nOptions:\n"
           "  -t, --target=TARGET  the daemon to contact\n"
           "  -T, --timeout=SECS   wait at most SECS seconds for the reply\n"
           "                       (default: no limit)\n"
           "  -h, --help           this help\n"
           "  -V, --version        the version\n"
           "\nExit status: 0 on success, 1 if the target could not be\n"
           "reached, 2 if it answered with an error.\n",
           program_name(), program_name(), RUNSTATEDIR);
}

/* The socket path for TARGET, which the caller must g_free(). */
static char *
target_path(const char *target)
{
    const char *rundir;

    if (strchr(target, '/')) {
        return g_strdup(target);
    }
    rundir = getenv("XSV_RUNDIR");
    return g_strdup_printf("%s/%s.ctl",
                           str_empty(rundir) ? RUNSTATEDIR : rundir, target);
}

static int
parse_timeout(const char *s)
{
    int ms;

    if (unixctl_parse_timeout(s, &ms)) {
        usage_error("value %s on --timeout is invalid", s);
    }
    return ms;
}

int
main(int argc, char *argv[])
{
    static const struct option long_options[] = {
        { "target", required_argument, NULL, 't' },
        { "timeout", required_argument, NULL, 'T' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    const char *target = "vswitchd";
    char *result = NULL, *error = NULL;
    int timeout_ms = -1;
    char *path;
    int retval;
    int opt;

    set_program_name(argv[0]);
    /* '+': options end at COMMAND, whose arguments may look like
     * options. */
    while ((opt = getopt_long(argc, argv, "+t:T:hV", long_options, NULL))
           != -1) {
        switch (opt) {
        case 't':
            target = optarg;
            break;
        case 'T':
            timeout_ms = parse_timeout(optarg);
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
        usage_error("at least one non-option argument is required "
                    "(the command)");
    }
    if (!*target) {
        usage_error("the target is empty");
    }

    path = target_path(target);
    retval = unixctl_client_transact(path, argv[optind], argc - optind - 1,
                                     argv + optind + 1, timeout_ms, &result,
                                     &error);
    if (retval == -ENOENT || retval == -ECONNREFUSED
        || retval == -ENOTSOCK || retval == -EACCES) {
        fprintf(stderr, "%s: cannot connect to \"%s\" (%s)\n",
                program_name(), path, g_strerror(-retval));
        retval = EXIT_FAILURE;
    } else if (retval) {
        fprintf(stderr, "%s: %s: transaction error (%s)\n", program_name(),
                target, g_strerror(-retval));
        retval = EXIT_FAILURE;
    } else if (error) {
        fputs(error, stderr);
        fprintf(stderr, "%s: %s: server returned an error\n", program_name(),
                target);
        retval = 2;
    } else {
        fputs(result, stdout);
        retval = EXIT_SUCCESS;
    }
    g_free(result);
    g_free(error);
    g_free(path);
    return retval;
}
