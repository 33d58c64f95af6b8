/* exec.h -- run a program with an argument vector, never through a shell.
 *
 * interface-reconfigure runs ip, ifup, dhclient, vsctl and friends.  Every
 * such run goes through exec_run(), which logs the command line the way the
 * original program did ("Running command: ..." and "Command failed N: ..."),
 * honours --root-prefix by executing ROOT+argv[0] while passing argv[0]
 * unprefixed, and optionally captures standard output, adds environment
 * entries and enforces a timeout. */
#ifndef EXEC_H
#define EXEC_H 1

#include <glib.h>
#include <stdbool.h>

struct diag;

struct exec_options {
    /* If non-empty, the program executed is root_prefix + argv[0]; argv[0]
     * itself is passed to the program unchanged.  NULL or "" for none. */
    const char *root_prefix;

    /* Extra "NAME=VALUE" entries added to (or replacing the same NAME in)
     * the child's environment; NULL-terminated.  NULL for none. */
    const char *const *env;

    /* If nonnull, the child's standard output is appended here.  Otherwise
     * the child inherits our standard output. */
    GString *output;

    /* If positive, the child is sent SIGTERM after this many milliseconds
     * (and SIGKILL one second later if it is still there). */
    int timeout_ms;

    /* If true, nothing is logged. */
    bool quiet;

    /* If true, the child's standard error goes to /dev/null (for queries
     * whose complaints are expected, such as asking the switch about a
     * bridge that does not exist yet). */
    bool discard_stderr;
};

/* Runs argv[0] (prefixed as described above; searched in $PATH only when
 * the resulting name contains no '/') with arguments argv, a NULL-terminated
 * vector, and waits for it.  'options' may be NULL, meaning all defaults.
 *
 * The child gets every signal disposition reset to its default, an empty
 * signal mask, and no file descriptors beyond 0, 1 and 2.
 *
 * Unless 'options->quiet', logs "Running command: ARGV" at info level
 * beforehand and "Command failed STATUS: ARGV" if STATUS is non-zero.
 *
 * Returns the child's exit status (0 to 255): 127 if the program could not
 * be executed (a reason is also added to 'diag'), 128 + N if the child was
 * killed by signal N.  Returns -ETIMEDOUT if the timeout expired and the
 * child was killed (added to 'diag'), or another negative errno value if
 * the child could not be started at all (added to 'diag'). */
int exec_run(const char *const *argv, const struct exec_options *options,
             struct diag *diag);

/* Returns argv joined by single spaces, as logged by exec_run().  The
 * caller owns the result (g_free). */
char *exec_argv_to_string(const char *const *argv);

#endif /* exec.h */
