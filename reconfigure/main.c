/* main.c -- interface-reconfigure: brings a XenServer PIF up or down, or
 * rewrites the network cache.
 *
 * The flow of one run: parse the command line (cli.c); read the model, from
 * the cache (--force, or a --pif-uuid run whose XAPI is unreachable) or from
 * XAPI (dbcache/); plan (the backends, vswitch.c); write the configuration
 * files (ifcfg.c, as transactions of cfgfile.c); execute (execute.c), and
 * revert the files on any failure; in XAPI mode, save the cache.  Runs are
 * serialised by a lock (lock.c). */
#include <config.h>

#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "actions.h"
#include "cli.h"
#include "conf.h"
#include "diag.h"
#include "lock.h"
#include "log.h"
#include "util.h"

LOG_DEFINE_THIS_MODULE(main);

int
main(int argc, char *argv[])
{
    struct ifr_args args;
    int status;

    set_program_name(argv[0]);
    switch (ifr_parse_args(argc, argv, &args)) {
    case IFR_CLI_OK:
        break;
    case IFR_CLI_EXIT_OK:
        return 0;
    case IFR_CLI_USAGE:
    default:
        return 2;
    }

    if (args.no_syslog) {
        log_set_destinations(LOG_TO_CONSOLE);
    } else {
        log_set_destinations(LOG_TO_SYSLOG);
        LOG_INFO("Called as %s", args.called_as);
    }

    status = ifr_main(&args);
    ifr_args_clear(&args);
    return status;
}
