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

#endif /* vswitch/daemon.h */
