/* atomic-file.c -- see atomic-file.h. */
#include <config.h>

#include "atomic-file.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int
write_fully(int fd, const void *data, size_t len)
{
    const char *p = data;

    while (len > 0) {
        ssize_t n = write(fd, p, len);

        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -errno;
        }
        p += n;
        len -= n;
    }
    return 0;
}

int
fsync_directory(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int error = 0;

    if (fd < 0) {
        return -errno;
    }
    if (fsync(fd) < 0 && errno != EINVAL) {
        error = -errno;
    }
    close(fd);
    return error;
}

int
atomic_file_write(const char *path, const void *data, size_t len,
                  mode_t mode)
{
    char *dir = g_path_get_dirname(path);
    char *base = g_path_get_basename(path);
    char *tmp = g_strdup_printf("%s/.%s.XXXXXX", dir, base);
    int error = 0;
    int fd;

    fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) {
        error = -errno;
        goto out;
    }
    if (fchmod(fd, mode) < 0) {
        error = -errno;
    }
    if (!error) {
        error = write_fully(fd, data, len);
    }
    if (!error && fsync(fd) < 0) {
        error = -errno;
    }
    if (close(fd) < 0 && !error) {
        error = -errno;
    }
    if (!error && rename(tmp, path) < 0) {
        error = -errno;
    }
    if (error) {
        unlink(tmp);
        goto out;
    }
    error = fsync_directory(dir);

out:
    g_free(tmp);
    g_free(base);
    g_free(dir);
    return error;
}
