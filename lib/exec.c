/* exec.c -- see exec.h.
 *
 * fork() and execve(), with the child's standard output optionally on a
 * pipe that the parent reads while it waits.  The parent waits with poll()
 * on the output pipe and, where the kernel has it, a pidfd for the child, so
 * that it notices the child's exit promptly even when a grandchild (dhclient
 * daemonising under ifup, say) keeps the output pipe open.  Without pidfds
 * it looks every 10 ms.  Nothing here is thread-safe: the programs that use
 * it are single-threaded. */
#include <config.h>

#include "exec.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "diag.h"
#include "log.h"
#include "util.h"

LOG_DEFINE_THIS_MODULE(exec);

extern char **environ;

/* How long a child gets between SIGTERM and SIGKILL. */
#define EXEC_KILL_GRACE_MS 1000

/* How often to look for the child's exit when there is no pidfd. */
#define EXEC_POLL_MS 10

char *
exec_argv_to_string(const char *const *argv)
{
    GString *s = g_string_new(NULL);

    for (size_t i = 0; argv && argv[i]; i++) {
        if (i) {
            g_string_append_c(s, ' ');
        }
        g_string_append(s, argv[i]);
    }
    return g_string_free(s, FALSE);
}

/* Returns a copy of our environment with the "NAME=VALUE" entries of 'env'
 * added or replaced (g_strfreev), or NULL if 'env' has none. */
static char **
build_environment(const char *const *env)
{
    char **envp;

    if (!env || !env[0]) {
        return NULL;
    }
    envp = g_get_environ();
    for (size_t i = 0; env[i]; i++) {
        const char *eq = strchr(env[i], '=');
        char *name;

        if (!eq || eq == env[i]) {
            continue;
        }
        name = g_strndup(env[i], eq - env[i]);
        envp = g_environ_setenv(envp, name, eq + 1, TRUE);
        g_free(name);
    }
    return envp;
}

/* Moves 'fd' to a descriptor number of at least 3 (so that it is not
 * clobbered when 0, 1 or 2 are set up), keeping FD_CLOEXEC.  Returns the
 * new descriptor, or -1. */
static int
move_above_stdio(int fd)
{
    return fd >= 3 ? fd : fcntl(fd, F_DUPFD_CLOEXEC, 3);
}

/* Closes every descriptor from 'first' up, except 'keep' (if at least
 * 'first'). */
static void
close_fds_from(int first, int keep)
{
#ifdef SYS_close_range
    if (keep < first) {
        if (!syscall(SYS_close_range, (unsigned int) first, ~0U, 0)) {
            return;
        }
    } else if ((keep == first
                || !syscall(SYS_close_range, (unsigned int) first,
                            (unsigned int) keep - 1, 0))
               && !syscall(SYS_close_range, (unsigned int) keep + 1, ~0U,
                           0)) {
        return;
    }
#endif
    long max = sysconf(_SC_OPEN_MAX);

    if (max < 0 || max > 65536) {
        max = 65536;
    }
    for (int fd = first; fd < max; fd++) {
        if (fd != keep) {
            close(fd);
        }
    }
}

/* In the child: sets up and executes 'program'.  On failure, writes errno
 * to 'err_fd' and exits 127.  Only async-signal-safe calls here. */
static void NO_RETURN
exec_child(const char *program, const char *const *argv, char **envp,
           int out_fd, int err_fd, bool quiet_stderr)
{
    struct sigaction dfl = { .sa_handler = SIG_DFL };
    sigset_t none;
    int error;

    for (int sig = 1; sig < NSIG; sig++) {
        sigaction(sig, &dfl, NULL);     /* Fails harmlessly for SIGKILL. */
    }
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);

    err_fd = move_above_stdio(err_fd);
    if (out_fd >= 0) {
        out_fd = move_above_stdio(out_fd);
        if (out_fd < 0 || dup2(out_fd, STDOUT_FILENO) < 0) {
            goto fail;
        }
    }
    if (quiet_stderr) {
        int null = open("/dev/null", O_WRONLY);

        if (null < 0 || dup2(null, STDERR_FILENO) < 0) {
            goto fail;
        }
        if (null != STDERR_FILENO) {
            close(null);
        }
    }
    close_fds_from(3, err_fd);

    if (strchr(program, '/')) {
        execve(program, (char *const *) argv, envp ? envp : environ);
    } else {
        execvpe(program, (char *const *) argv, envp ? envp : environ);
    }

fail:
    error = errno;
    if (err_fd >= 0) {
        ssize_t n = write(err_fd, &error, sizeof error);

        (void) n;
    }
    _exit(127);
}

/* Reads what is available on '*fdp' into 'output'.  At end of file closes
 * '*fdp' and sets it to -1. */
static void
read_output(int *fdp, GString *output)
{
    char buf[4096];

    for (;;) {
        ssize_t n = read(*fdp, buf, sizeof buf);

        if (n > 0) {
            g_string_append_len(output, buf, n);
            continue;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
            close(*fdp);
            *fdp = -1;
        }
        return;
    }
}

static int
open_pidfd(pid_t pid)
{
#ifdef SYS_pidfd_open
    return syscall(SYS_pidfd_open, pid, 0);
#else
    return -1;
#endif
}

/* Waits for 'pid' to exit, reading its output from '*out_fdp' (if not -1)
 * into 'output' meanwhile, for at most 'timeout_ms' (if positive).
 * Returns 0 and stores the wait status in '*statusp', or -ETIMEDOUT if
 * the child is still running at the deadline (it is not reaped then), or
 * another negative errno value. */
static int
wait_child(pid_t pid, int *out_fdp, GString *output, int timeout_ms,
           int *statusp)
{
    gint64 deadline = (timeout_ms > 0
                       ? g_get_monotonic_time() + (gint64) timeout_ms * 1000
                       : 0);
    int pidfd = -1;
    int error = 0;

    if (*out_fdp < 0 && !deadline) {
        while (waitpid(pid, statusp, 0) < 0) {
            if (errno != EINTR) {
                return -errno;
            }
        }
        return 0;
    }

    pidfd = open_pidfd(pid);
    if (*out_fdp >= 0) {
        fcntl(*out_fdp, F_SETFL, fcntl(*out_fdp, F_GETFL) | O_NONBLOCK);
    }
    for (;;) {
        struct pollfd pfds[2];
        nfds_t n = 0;
        int wait_ms = -1;
        pid_t r;

        r = waitpid(pid, statusp, WNOHANG);
        if (r == pid) {
            break;
        } else if (r < 0 && errno != EINTR) {
            error = -errno;
            goto out;
        }

        if (deadline) {
            gint64 left = deadline - g_get_monotonic_time();

            if (left <= 0) {
                error = -ETIMEDOUT;
                goto out;
            }
            wait_ms = (left + 999) / 1000;
        }
        if (pidfd < 0 && (wait_ms < 0 || wait_ms > EXEC_POLL_MS)) {
            wait_ms = EXEC_POLL_MS;
        }
        if (*out_fdp >= 0) {
            pfds[n++] = (struct pollfd) { .fd = *out_fdp, .events = POLLIN };
        }
        if (pidfd >= 0) {
            pfds[n++] = (struct pollfd) { .fd = pidfd, .events = POLLIN };
        }
        if (poll(pfds, n, wait_ms) < 0 && errno != EINTR) {
            error = -errno;
            goto out;
        }
        if (*out_fdp >= 0 && pfds[0].revents) {
            read_output(out_fdp, output);
        }
    }

    /* The child has exited: take what it left in the pipe, but do not wait
     * for end of file, which a grandchild may hold off for ever. */
    if (*out_fdp >= 0) {
        read_output(out_fdp, output);
    }

out:
    if (pidfd >= 0) {
        close(pidfd);
    }
    return error;
}

/* Kills 'pid', politely first, and reaps it. */
static void
kill_child(pid_t pid)
{
    int status;

    kill(pid, SIGTERM);
    for (int waited = 0; waited < EXEC_KILL_GRACE_MS;
         waited += EXEC_POLL_MS) {
        pid_t r = waitpid(pid, &status, WNOHANG);

        if (r == pid || (r < 0 && errno != EINTR)) {
            return;
        }
        g_usleep(EXEC_POLL_MS * 1000);
    }
    kill(pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        continue;
    }
}

int
exec_run(const char *const *argv, const struct exec_options *options,
         struct diag *diag)
{
    static const struct exec_options defaults;
    const struct exec_options *o = options ? options : &defaults;
    int out_pipe[2] = { -1, -1 };
    int err_pipe[2] = { -1, -1 };
    char *cmdline = NULL;
    char *program = NULL;
    char **envp = NULL;
    int child_errno = 0;
    int status = 0;
    int retval;
    pid_t pid;
    ssize_t n;

    if (!argv || !argv[0]) {
        diag_add(diag, "empty command line");
        return -EINVAL;
    }
    cmdline = exec_argv_to_string(argv);
    program = (str_empty(o->root_prefix)
               ? g_strdup(argv[0])
               : g_strconcat(o->root_prefix, argv[0], NULL));
    envp = build_environment(o->env);

    if (!o->quiet) {
        LOG_INFO("Running command: %s", cmdline);
    }

    if ((o->output && pipe2(out_pipe, O_CLOEXEC) < 0)
        || pipe2(err_pipe, O_CLOEXEC) < 0) {
        retval = -errno;
        diag_add(diag, "%s: cannot create a pipe: %s", program,
                 g_strerror(errno));
        goto out;
    }

    pid = fork();
    if (pid < 0) {
        retval = -errno;
        diag_add(diag, "%s: cannot fork: %s", program, g_strerror(errno));
        goto out;
    } else if (pid == 0) {
        exec_child(program, argv, envp, out_pipe[1], err_pipe[1],
                   o->discard_stderr);
    }

    close(err_pipe[1]);
    err_pipe[1] = -1;
    if (out_pipe[1] >= 0) {
        close(out_pipe[1]);
        out_pipe[1] = -1;
    }

    /* Blocks until exec succeeds (the pipe closes) or fails (errno). */
    do {
        n = read(err_pipe[0], &child_errno, sizeof child_errno);
    } while (n < 0 && errno == EINTR);
    if (n != sizeof child_errno) {
        child_errno = 0;
    }

    retval = wait_child(pid, &out_pipe[0], o->output, o->timeout_ms,
                        &status);
    if (retval == -ETIMEDOUT) {
        kill_child(pid);
        diag_add(diag, "%s: timed out after %d ms; killed", program,
                 o->timeout_ms);
        if (!o->quiet) {
            LOG_INFO("Command timed out after %d ms: %s", o->timeout_ms,
                     cmdline);
        }
        goto out;
    } else if (retval < 0) {
        diag_add(diag, "%s: waiting for the child failed: %s", program,
                 g_strerror(-retval));
        goto out;
    }

    if (WIFEXITED(status)) {
        retval = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        retval = 128 + WTERMSIG(status);
    } else {
        retval = 255;
    }
    if (child_errno) {
        diag_add(diag, "cannot execute %s: %s", program,
                 g_strerror(child_errno));
    }
    if (retval && !o->quiet) {
        LOG_INFO("Command failed %d: %s", retval, cmdline);
    }

out:
    for (int i = 0; i < 2; i++) {
        if (out_pipe[i] >= 0) {
            close(out_pipe[i]);
        }
        if (err_pipe[i] >= 0) {
            close(err_pipe[i]);
        }
    }
    g_strfreev(envp);
    g_free(program);
    g_free(cmdline);
    return retval;
}
