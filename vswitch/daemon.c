/* daemon.c -- detaching with a ready pipe, the locked pid file, and exit
 * requests by signal, for the daemons (vsdb-server.c, vswitchd).
 *
 * Each program keeps its own option parsing and calls these functions
 * (see daemon.h for the order).  The pid file is locked with an open file
 * description lock (F_OFD_SETLK) held for the life of the process, as Open
 * vSwitch locks its pid files: the kernel drops the lock when the process
 * dies, however it dies, so a pid file whose lock is free is stale and
 * replaced, and one whose lock is held belongs to a running instance.
 * Signals only set a flag and write a byte to a pipe that the poll loop
 * watches; everything else happens in the loop. */
#include <config.h>

#include "daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "log.h"

#ifndef F_OFD_SETLK             /* Linux before 3.15: per-process locks. */
#define F_OFD_SETLK F_SETLK
#define F_OFD_GETLK F_GETLK
#endif

static bool detached;
static int ready_fd = -1;       /* Write end of the pipe to the parent. */

static int pidfile_fd = -1;     /* Open and locked while the file is ours. */
static char *pidfile_path;

static int signal_pipe[2] = { -1, -1 };
static volatile sig_atomic_t exit_requested;

int
daemon_detach(bool chdir_root)
{
    int fds[2];
    pid_t pid;

    if (pipe2(fds, O_CLOEXEC)) {
        return -errno;
    }
    pid = fork();
    if (pid < 0) {
        int error = -errno;

        close(fds[0]);
        close(fds[1]);
        return error;
    }
    if (pid > 0) {
        ssize_t n;
        char c;

        close(fds[1]);
        do {
            n = read(fds[0], &c, 1);
        } while (n < 0 && errno == EINTR);
        _exit(n == 1 ? EXIT_SUCCESS : EXIT_FAILURE);
    }
    close(fds[0]);
    setsid();
    if (chdir_root && chdir("/")) {
        int error = -errno;

        close(fds[1]);
        return error;
    }
    ready_fd = fds[1];
    detached = true;
    return 0;
}

bool
daemon_is_detached(void)
{
    return detached;
}

void
daemon_ready(void)
{
    int devnull;

    if (ready_fd < 0) {
        return;
    }
    if (write(ready_fd, "", 1) != 1) {
        /* The parent is gone: nobody waits for the answer. */
    }
    close(ready_fd);
    ready_fd = -1;
    devnull = open("/dev/null", O_RDWR);
    if (devnull >= 0) {
        dup2(devnull, STDIN_FILENO);
        dup2(devnull, STDOUT_FILENO);
        dup2(devnull, STDERR_FILENO);
        if (devnull > STDERR_FILENO) {
            close(devnull);
        }
    }
    log_set_destinations(log_get_destinations() & ~LOG_TO_CONSOLE);
}

/* Sets 'lock' to describe a write lock on a whole file. */
static void
whole_file_lock(struct flock *lock)
{
    memset(lock, 0, sizeof *lock);
    lock->l_type = F_WRLCK;
    lock->l_whence = SEEK_SET;
    lock->l_start = 0;
    lock->l_len = 0;
}

/* Returns 0 if 'path' does not exist or nobody holds its lock (a stale pid
 * file), otherwise -EBUSY with a message naming the process. */
static int
check_running(const char *path, struct diag *diag)
{
    struct flock lock;
    char *text = NULL;
    int fd;

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return 0;               /* Missing or unreadable: replaced. */
    }
    whole_file_lock(&lock);
    if (fcntl(fd, F_OFD_GETLK, &lock) || lock.l_type == F_UNLCK) {
        close(fd);
        return 0;
    }
    close(fd);
    if (g_file_get_contents(path, &text, NULL, NULL)) {
        g_strstrip(text);
    }
    diag_add(diag, "%s: already in use by process %s (another instance is "
             "running)", path, !str_empty(text) ? text : "?");
    g_free(text);
    return -EBUSY;
}

int
daemon_pidfile_create(const char *path, struct diag *diag)
{
    char *tmp = g_strdup_printf("%s.tmp%ld", path, (long) getpid());
    char *text = g_strdup_printf("%ld\n", (long) getpid());
    struct flock lock;
    size_t len = strlen(text);
    int error = 0;
    int fd;

    daemon_pidfile_remove();
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        error = -errno;
        diag_add(diag, "%s: cannot create: %s", tmp, g_strerror(errno));
        goto out;
    }
    whole_file_lock(&lock);
    if (fcntl(fd, F_OFD_SETLK, &lock)) {
        error = -errno;
        diag_add(diag, "%s: cannot lock: %s", tmp, g_strerror(errno));
        goto out_unlink;
    }
    if (write(fd, text, len) != (ssize_t) len) {
        error = errno ? -errno : -EIO;
        diag_add(diag, "%s: cannot write: %s", tmp, g_strerror(-error));
        goto out_unlink;
    }
    error = check_running(path, diag);
    if (error) {
        goto out_unlink;
    }
    if (rename(tmp, path)) {
        error = -errno;
        diag_add(diag, "%s: cannot rename to %s: %s", tmp, path,
                 g_strerror(errno));
        goto out_unlink;
    }
    pidfile_fd = fd;
    pidfile_path = g_strdup(path);
    fd = -1;
    goto out;

out_unlink:
    unlink(tmp);
out:
    if (fd >= 0) {
        close(fd);
    }
    g_free(text);
    g_free(tmp);
    return error;
}

void
daemon_pidfile_remove(void)
{
    struct stat ours, now;

    if (pidfile_fd < 0) {
        return;
    }
    /* Unless another process has replaced it. */
    if (!fstat(pidfile_fd, &ours) && !stat(pidfile_path, &now)
        && ours.st_dev == now.st_dev && ours.st_ino == now.st_ino) {
        unlink(pidfile_path);
    }
    close(pidfile_fd);
    pidfile_fd = -1;
    g_free(pidfile_path);
    pidfile_path = NULL;
}

static void
wake_loop(void)
{
    int save_errno = errno;

    if (signal_pipe[1] >= 0) {
        ssize_t n = write(signal_pipe[1], "", 1);

        (void) n;               /* A full pipe wakes the loop anyway. */
    }
    errno = save_errno;
}

static void
signal_handler(int sig)
{
    (void) sig;
    exit_requested = 1;
    wake_loop();
}

int
daemon_signals_init(void)
{
    struct sigaction sa;

    if (signal_pipe[0] < 0 && pipe2(signal_pipe, O_NONBLOCK | O_CLOEXEC)) {
        return -errno;
    }
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = signal_handler;
    if (sigaction(SIGTERM, &sa, NULL) || sigaction(SIGINT, &sa, NULL)) {
        return -errno;
    }
    sa.sa_handler = SIG_IGN;
    if (sigaction(SIGPIPE, &sa, NULL)) {
        return -errno;
    }
    return 0;
}

int
daemon_signal_fd(void)
{
    return signal_pipe[0];
}

void
daemon_request_exit(void)
{
    exit_requested = 1;
    wake_loop();
}

bool
daemon_exit_requested(void)
{
    return exit_requested;
}

/* ------------------------------------------------------------------------
 * The daemons' common options and directories. */

static const char *
env_or(const char *name, const char *dflt)
{
    const char *v = getenv(name);

    return v && *v ? v : dflt;
}

const char *
daemon_rundir(void)
{
    return env_or("XSV_RUNDIR", RUNSTATEDIR);
}

const char *
daemon_logdir(void)
{
    return env_or("XSV_LOGDIR", LOCALSTATEDIR "/log/xsvswitch");
}

const char *
daemon_dbdir(void)
{
    return env_or("XSV_DBDIR", LOCALSTATEDIR "/lib/xsvswitch");
}

int
daemon_option_parse(struct daemon_options *o, const char *name, int opt,
                    const char *optarg)
{
    switch (opt) {
    case DAEMON_OPT_PIDFILE:
        g_free(o->pidfile);
        o->pidfile = (optarg ? g_strdup(optarg)
                      : g_strdup_printf("%s/%s.pid", daemon_rundir(), name));
        return 1;
    case DAEMON_OPT_DETACH:
        o->detach = true;
        return 1;
    case DAEMON_OPT_NO_CHDIR:
        return 1;
    case DAEMON_OPT_LOG_FILE:
        g_free(o->logfile);
        o->logfile = (optarg ? g_strdup(optarg)
                      : g_strdup_printf("%s/%s.log", daemon_logdir(), name));
        return 1;
    case DAEMON_OPT_UNIXCTL:
        g_free(o->unixctl_path);
        o->unixctl_path = g_strdup(optarg);
        return 1;
    case 'v':
        if (log_set_levels(optarg ? optarg : "dbg")) {
            fprintf(stderr, "%s: bad log level \"%s\"\n", name, optarg);
            return -1;
        }
        return 1;
    }
    return 0;
}

void
daemon_options_finish(struct daemon_options *o, const char *name)
{
    /* For "-vsyslog:LEVEL" (log.h), as Open vSwitch's daemons log. */
    log_use_daemon_facility();
    if (!o->unixctl_path) {
        o->unixctl_path = g_strdup_printf("%s/%s.ctl", daemon_rundir(),
                                          name);
    }
}

void
daemon_options_destroy(struct daemon_options *o)
{
    g_free(o->pidfile);
    g_free(o->logfile);
    g_free(o->unixctl_path);
}
