/* cli.h -- interface-reconfigure's command line.
 *
 * Parses and validates argv exactly as the original program did (GNU
 * getopt_long with unambiguous prefixes, the same validation order and
 * messages, exit status 2 for usage errors), into a struct ifr_args that
 * the rest of the program works from.  Nothing here touches the system. */
#ifndef RECONFIGURE_CLI_H
#define RECONFIGURE_CLI_H 1

#include <stdbool.h>

#include "util.h"

enum ifr_action {
    IFR_UP,
    IFR_DOWN,
    IFR_REWRITE,                /* also "rewrite-configuration" */
};

/* What "--force BRIDGE rewrite --device --mac --mode ..." asks for. */
struct ifr_force_config {
    char *device;
    char *mac;
    char *mode;                 /* "dhcp" or "static" */
    char *ip;
    char *netmask;
    char *gateway;              /* NULL if not given */
};

struct ifr_args {
    enum ifr_action action;
    char *session;              /* --session REF, or NULL */
    char *pif;                  /* --pif REF, or NULL */
    char *pif_uuid;             /* --pif-uuid UUID, or NULL */
    char *force;                /* --force/--force-interface BRIDGE, or NULL */
    bool management;            /* --management */
    char *root_prefix;          /* --root-prefix DIR, or "" */
    bool no_syslog;             /* --no-syslog: log to stderr */
    bool dry_run;               /* --dry-run: print the plan, change nothing */
    struct ifr_force_config fc; /* --force rewrite only */
    char *called_as;            /* argv joined by single spaces */
};

enum ifr_cli_result {
    IFR_CLI_OK,                 /* '*args' filled in: go on. */
    IFR_CLI_EXIT_OK,            /* --help or --version printed: exit 0. */
    IFR_CLI_USAGE,              /* Usage error printed on stderr: exit 2. */
};

/* Parses argc/argv.  On IFR_CLI_OK fills '*args' (free with
 * ifr_args_clear()).  On IFR_CLI_USAGE has written "<message>\nFor help use
 * --help.\n" to stderr.  --help writes the help text to stdout.
 *
 * Details:
 *
 *   - getopt_long() permutes 'argv' (options and the action may come in
 *     any order; "--" ends the options).  Unambiguous prefixes of long
 *     options are accepted; an unknown or ambiguous option, a missing
 *     argument or an argument given to a flag is a usage error, wherever
 *     it appears, even after --help.
 *
 *   - The first of --help/-h and --version/-V wins and returns
 *     IFR_CLI_EXIT_OK before any check below.  --help names the program
 *     basename(argv[0]); --version prints through print_version(), so the
 *     caller should call set_program_name() first.
 *
 *   - Then, in the original's order, with its messages: no action; more
 *     than one positional argument; an unknown action
 *     ("rewrite-configuration" is "rewrite"); --session/--pif with
 *     --pif-uuid; only one of --session and --pif; --force with any of
 *     those; --device/--mac/--mode/--ip/--netmask/--gateway without
 *     "--force BRIDGE rewrite"; rewrite with --pif or --pif-uuid; for a
 *     force rewrite, missing --mode/--mac/--device, static without
 *     --ip/--netmask, a mode other than dhcp or static.
 *
 *   - Not checked here: "No PIF given" (an up or down without --force,
 *     --pif or --pif-uuid).  The original checked it only after reading
 *     XAPI, and the caller does so too, printing it with ifr_usage_error()
 *     and exiting 2.
 *
 *   - As in the original, an empty --session, --pif, --pif-uuid or --force
 *     counts as not given (the field is NULL); an empty force-rewrite value
 *     counts as given (the field is "").  A repeated option takes its last
 *     value.
 *
 *   - 'called_as' is argv as given, before permutation, joined by single
 *     spaces: the caller logs "Called as <called_as>" in syslog mode. */
enum ifr_cli_result ifr_parse_args(int argc, char *argv[],
                                   struct ifr_args *args);

/* Frees what 'args' holds and zeroes it.  Accepts NULL. */
void ifr_args_clear(struct ifr_args *);

/* Writes the formatted message, then "\nFor help use --help.\n", to
 * stderr: the form of every usage error (exit status 2). */
void ifr_usage_error(const char *fmt, ...) PRINTF_FORMAT(1, 2);

#endif /* reconfigure/cli.h */
