/* daemon.h -- what makes a program a daemon: running in the background
 * (--detach) with the parent exiting only once the child is ready, a pid
 * file (--pidfile) that refuses a second instance and replaces a stale
 * one, and SIGTERM/SIGINT turned into a flag and a descriptor for the
 * poll loop.
 *
 * Each program parses its own options and calls these functions in this
 * order:
 *
 *     daemon_detach()            if --detach: before opening anything
 *     daemon_signals_init()
 *     ... open files, listen ...
 *     daemon_pidfile_create()    if --pidfile
 *     daemon_ready()             the parent exits 0 now
 *     while (!daemon_exit_requested()) { poll on daemon_signal_fd() ... }
 *     daemon_pidfile_remove()
 *
 * A child that exits before daemon_ready() makes the parent exit 1; its
 * error messages reach the terminal, since stdio is closed only by
 * daemon_ready().  The state is per process. */
#ifndef VSWITCH_DAEMON_H
#define VSWITCH_DAEMON_H 1

#include <stdbool.h>

struct diag;

/* Forks.  The parent waits until the child calls daemon_ready(), then
 * exits 0, or exits 1 if the child exits first: it never returns.  The
 * child starts a new session, changes to "/" if 'chdir_root' (the
 * programs here keep their directory: --no-chdir is their only mode) and
 * returns 0.  Returns a negative errno value, without forking, if the
 * pipe or the fork fails. */
int daemon_detach(bool chdir_root);

/* True in a child made by daemon_detach(). */
bool daemon_is_detached(void);

/* Tells the parent left by daemon_detach() that the daemon is ready (it
 * then exits 0), points stdin, stdout and stderr at /dev/null and stops
 * logging to the console.  Does nothing in a process that did not detach,
 * or the second time. */
void daemon_ready(void);

/* Writes the process id and a newline to 'path' (replacing the file
 * atomically) and keeps it locked until daemon_pidfile_remove() or the
 * exit of the process.  A pid file left by a process that has gone (for
 * example after a SIGKILL) is stale and replaced; one that a live process
 * has locked is not: returns -EBUSY with a message naming that process.
 * Other failures return a negative errno value.  The message goes to
 * 'diag' (which may be NULL).  Call it after daemon_detach(): the lock
 * does not pass to the child. */
int daemon_pidfile_create(const char *path, struct diag *diag);

/* Removes the pid file written by daemon_pidfile_create() (unless another
 * process has replaced it since) and releases the lock.  Does nothing if
 * there is none. */
void daemon_pidfile_remove(void);

/* Makes SIGTERM and SIGINT request an exit (see daemon_exit_requested())
 * and wake the poll loop (see daemon_signal_fd()), and ignores SIGPIPE.
 * Returns 0 or a negative errno value. */
int daemon_signals_init(void);

/* The descriptor that becomes readable (POLLIN) when a signal requests
 * an exit, or when daemon_request_exit() is called; -1 before
 * daemon_signals_init(). */
int daemon_signal_fd(void);

/* Requests an exit, as SIGTERM does: for an "exit" command. */
void daemon_request_exit(void);

/* True once SIGTERM, SIGINT or daemon_request_exit() has requested an
 * exit. */
bool daemon_exit_requested(void);

/* The options every daemon here takes, parsed in one place:
 *
 *   --pidfile[=FILE]    default $XSV_RUNDIR/NAME.pid
 *   --detach
 *   --no-chdir          accepted: the daemons never change directory
 *   --log-file[=FILE]   default $XSV_LOGDIR/NAME.log
 *   --unixctl=SOCKET    default $XSV_RUNDIR/NAME.ctl ("none": no socket)
 *   -v, --verbose[=SPEC]
 *
 * A program lists DAEMON_LONG_OPTIONS in its getopt_long() table (and
 * "v::" in its short options), passes every option to
 * daemon_option_parse(), and calls daemon_options_finish() after the
 * loop. */
enum {
    DAEMON_OPT_PIDFILE = 1000,
    DAEMON_OPT_DETACH,
    DAEMON_OPT_NO_CHDIR,
    DAEMON_OPT_LOG_FILE,
    DAEMON_OPT_UNIXCTL,
};

#define DAEMON_LONG_OPTIONS                                             \
    { "pidfile", optional_argument, NULL, DAEMON_OPT_PIDFILE },         \
    { "detach", no_argument, NULL, DAEMON_OPT_DETACH },                 \
    { "no-chdir", no_argument, NULL, DAEMON_OPT_NO_CHDIR },             \
    { "log-file", optional_argument, NULL, DAEMON_OPT_LOG_FILE },       \
    { "unixctl", required_argument, NULL, DAEMON_OPT_UNIXCTL },         \
    { "verbose", optional_argument, NULL, 'v' }

struct daemon_options {
    char *pidfile;              /* NULL: no pid file. */
    char *logfile;              /* NULL: no log file. */
    char *unixctl_path;         /* After daemon_options_finish(): set. */
    bool detach;
};

/* Handles option 'opt' (with 'optarg') of the daemon called 'name' if it
 * is one of the options above.  Returns 1 if it was, 0 if it is not one
 * of them, or -1 after printing an error (a bad log level). */
int daemon_option_parse(struct daemon_options *, const char *name, int opt,
                        const char *optarg);

/* Fills in the defaults of 'name' that were not given. */
void daemon_options_finish(struct daemon_options *, const char *name);

/* Frees the strings of 'options' (not 'options' itself). */
void daemon_options_destroy(struct daemon_options *);

/* The directories of the switch's files, from the environment or the
 * built-in defaults: $XSV_RUNDIR (sockets, pid files; /run/xsvswitch),
 * $XSV_LOGDIR (logs), $XSV_DBDIR (the database). */
const char *daemon_rundir(void);
const char *daemon_logdir(void);
const char *daemon_dbdir(void);

#endif /* vswitch/daemon.h */
