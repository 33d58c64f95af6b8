/* test-lock.c -- the run lock (reconfigure/lock.c).
 *
 * A forked child holds the lock while the parent tries for it: with a
 * 1-second timeout the parent gives up after about a second, with the
 * message naming the lock file; once the child lets go (or exits), the
 * lock can be taken again, and a waiter gets it as soon as it is free. */
#include <config.h>

#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "diag.h"
#include "lock.h"
#include "tap.h"

static char *root;

/* Forks a child that takes the lock, says so on a pipe, then releases it
 * after reading a byte from '*release_fdp' (or 'hold_ms' later, if that is
 * positive).  Returns its pid once it holds the lock. */
static pid_t
spawn_holder(int *release_fdp, int hold_ms)
{
    int ready[2], release[2];
    char c;
    pid_t pid;

    if (pipe(ready) < 0 || pipe(release) < 0) {
        return -1;
    }
    pid = fork();
    if (pid == 0) {
        int fd;

        close(ready[0]);
        close(release[1]);
        if (ifr_lock(root, 0, &fd, NULL)) {
            _exit(1);
        }
        if (write(ready[1], "x", 1) != 1) {
            _exit(1);
        }
        if (hold_ms > 0) {
            g_usleep(hold_ms * 1000);
        } else if (read(release[0], &c, 1) < 0) {
            _exit(1);
        }
        ifr_unlock(fd);
        _exit(0);
    }
    close(ready[1]);
    close(release[0]);
    if (read(ready[0], &c, 1) != 1) {
        pid = -1;
    }
    close(ready[0]);
    *release_fdp = release[1];
    return pid;
}

static int
reap(pid_t pid)
{
    int status;

    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            return -1;
        }
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int
main(void)
{
    struct diag *d = diag_new();
    char *lockfile, *want;
    gint64 start, elapsed;
    int release_fd;
    pid_t pid;
    int fd = -1;
    int error;

    root = g_dir_make_tmp("test-lock-XXXXXX", NULL);
    if (!root) {
        skip_all("no temporary directory");
    }
    lockfile = g_strconcat(root, IFR_LOCK_FILE, NULL);

    /* Free lock: taken at once; ROOT/run is created. */
    error = ifr_lock(root, 1, &fd, d);
    is_int(error, 0, "a free lock is taken");
    ok(fd >= 0, "... and its descriptor returned");
    ok(g_file_test(lockfile, G_FILE_TEST_IS_REGULAR),
       "ROOT/run/interface-reconfigure.lock exists");
    ifr_unlock(fd);
    ifr_unlock(-1);
    ok(true, "ifr_unlock(-1) is harmless");

    /* Held by another process: a 1-second timeout expires. */
    pid = spawn_holder(&release_fd, 0);
    ok(pid > 0, "a child holds the lock");
    fd = -12345;
    start = g_get_monotonic_time();
    error = ifr_lock(root, 1, &fd, d);
    elapsed = g_get_monotonic_time() - start;
    is_int(error, -ETIMEDOUT, "held lock, 1 s timeout: -ETIMEDOUT");
    ok(elapsed >= 1000000 && elapsed < 3000000,
       "gave up after about a second (%lld ms)", (long long) elapsed / 1000);
    is_int(fd, -12345, "*fdp untouched on failure");
    want = g_strdup_printf("another interface-reconfigure holds %s; gave up "
                           "after 1 s", lockfile);
    is_int(diag_count(d), 1, "one message");
    is_str(diag_count(d) ? diag_get(d, 0) : NULL, want, "the clear message");
    g_free(want);

    diag_clear(d);
    error = ifr_lock(root, 0, &fd, d);
    is_int(error, -EWOULDBLOCK, "held lock, no timeout: -EWOULDBLOCK");
    ok(diag_contains(d, "gave up after 0 s"), "... with the message");

    /* Released: taken again. */
    if (write(release_fd, "x", 1) != 1) {
        diag_msg("write: %s", g_strerror(errno));
    }
    close(release_fd);
    is_int(reap(pid), 0, "the holder released and exited");
    error = ifr_lock(root, 0, &fd, d);
    is_int(error, 0, "a released lock is taken");
    ifr_unlock(fd);

    /* A waiter gets the lock once the holder lets go. */
    pid = spawn_holder(&release_fd, 300);
    start = g_get_monotonic_time();
    error = ifr_lock(root, 5, &fd, d);
    elapsed = g_get_monotonic_time() - start;
    is_int(error, 0, "a waiter gets the lock when it is released");
    ok(elapsed >= 100000 && elapsed < 2000000,
       "... after the holder's 300 ms (%lld ms)", (long long) elapsed / 1000);
    close(release_fd);
    is_int(reap(pid), 0, "the second holder exited");

    /* Two descriptors in one process conflict too (flock semantics). */
    {
        int fd2 = -1;

        error = ifr_lock(root, 0, &fd2, NULL);
        is_int(error, -EWOULDBLOCK, "a second lock in the same process "
               "conflicts");
        ifr_unlock(fd);
    }

    /* A root prefix that does not exist is an error, not created. */
    diag_clear(d);
    error = ifr_lock("/nonexistent-test-lock-root", 0, &fd, d);
    is_int(error, -ENOENT, "missing root prefix: -ENOENT");
    ok(diag_contains(d, "/nonexistent-test-lock-root/run: cannot create "
                     "directory"), "missing root prefix: message");

    g_unlink(lockfile);
    want = g_build_filename(root, "run", NULL);
    g_rmdir(want);
    g_free(want);
    g_rmdir(root);
    g_free(lockfile);
    g_free(root);
    diag_free(d);
    return done_testing();
}
