/* lock.c -- see lock.h.
 *
 * flock() rather than fcntl() locks: the lock belongs to the open file
 * description, so it is released when the process exits however it exits,
 * and it is not dropped when some other descriptor of the same file is
 * closed.  The wait is a loop of non-blocking attempts 100 ms apart, which
 * needs no signals (alarm() would interfere with exec_run()'s children). */
#include <config.h>

#include "lock.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "util.h"

/* Time between two attempts to take the lock. */
#define LOCK_RETRY_MS 100

int
ifr_lock(const char *root_prefix, int timeout_s, int *fdp, struct diag *diag)
{
    const char *root = root_prefix ? root_prefix : "";
    char *path = g_strconcat(root, IFR_LOCK_FILE, NULL);
    gint64 deadline = (g_get_monotonic_time()
                       + (gint64) (timeout_s > 0 ? timeout_s : 0)
                         * G_USEC_PER_SEC);
    int error = 0;
    int fd = -1;

    if (!str_empty(root)) {
        char *dir = g_path_get_dirname(path);

        if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
            error = -errno;
            diag_add(diag, "%s: cannot create directory: %s", dir,
                     g_strerror(errno));
        }
        g_free(dir);
        if (error) {
            goto out;
        }
    }

    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
    if (fd < 0) {
        error = -errno;
        diag_add(diag, "%s: cannot open lock file: %s", path,
                 g_strerror(errno));
        goto out;
    }

    for (;;) {
        if (!flock(fd, LOCK_EX | LOCK_NB)) {
            break;
        } else if (errno == EINTR) {
            continue;
        } else if (errno != EWOULDBLOCK) {
            error = -errno;
            diag_add(diag, "%s: cannot lock: %s", path, g_strerror(errno));
            goto out;
        } else if (g_get_monotonic_time() >= deadline) {
            error = timeout_s > 0 ? -ETIMEDOUT : -EWOULDBLOCK;
            diag_add(diag, "another interface-reconfigure holds %s; "
                     "gave up after %d s", path,
                     timeout_s > 0 ? timeout_s : 0);
            goto out;
        }
        g_usleep(LOCK_RETRY_MS * 1000);
    }
    *fdp = fd;
    fd = -1;

out:
    if (fd >= 0) {
        close(fd);
    }
    g_free(path);
    return error;
}

void
ifr_unlock(int fd)
{
    if (fd >= 0) {
        flock(fd, LOCK_UN);
        close(fd);
    }
}
