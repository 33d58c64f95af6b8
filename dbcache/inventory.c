/* inventory.c -- reads /etc/xensource-inventory (see inventory.h).
 *
 * A small, self-contained parser: the file is read whole (it is a few
 * hundred bytes) and kept as a hash table.  xapi.c uses it to learn which
 * host it runs on; nothing here knows what the keys mean. */
#include <config.h>

#include "inventory.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"

struct inventory {
    GHashTable *values;         /* char *key -> char *value, both owned. */
};

/* Reads the whole of 'path' into '*datap' (g_free) and '*lenp'. */
static int
read_file(const char *path, char **datap, size_t *lenp, struct diag *diag)
{
    char *data = NULL;
    size_t len = 0;
    size_t alloc;
    struct stat st;
    int error = 0;
    int fd;

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        error = -errno;
        diag_add(diag, "%s: %s", path, g_strerror(errno));
        goto out;
    }
    if (fstat(fd, &st) < 0) {
        error = -errno;
        diag_add(diag, "%s: %s", path, g_strerror(errno));
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        error = -EINVAL;
        diag_add(diag, "%s: not a regular file", path);
        goto out;
    }
    if (st.st_size > INVENTORY_MAX_SIZE) {
        error = -EFBIG;
        diag_add(diag, "%s: file of %lld bytes is larger than the limit "
                 "of %d bytes", path, (long long) st.st_size,
                 INVENTORY_MAX_SIZE);
        goto out;
    }
    /* Grows as needed, should the file grow while it is read. */
    alloc = st.st_size + 1 < 4096 ? 4096 : (size_t) st.st_size + 1;
    data = g_malloc(alloc);
    for (;;) {
        ssize_t n;

        if (len + 1 >= alloc) {
            alloc *= 2;
            data = g_realloc(data, alloc);
        }
        n = read(fd, data + len, alloc - 1 - len);
        if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0) {
            error = -errno;
            diag_add(diag, "%s: read: %s", path, g_strerror(errno));
            goto out;
        } else if (n == 0) {
            break;
        }
        len += n;
        if (len > INVENTORY_MAX_SIZE) {
            error = -EFBIG;
            diag_add(diag, "%s: file is larger than the limit of %d bytes",
                     path, INVENTORY_MAX_SIZE);
            goto out;
        }
    }
    data[len] = '\0';

out:
    if (fd >= 0) {
        close(fd);
    }
    if (error) {
        g_free(data);
    } else {
        *datap = data;
        *lenp = len;
    }
    return error;
}

/* Strips every single quote from both ends of 's', in place, as Python's
 * str.strip("'") does. */
static char *
strip_quotes(char *s)
{
    size_t len = strlen(s);

    while (len && s[len - 1] == '\'') {
        s[--len] = '\0';
    }
    while (*s == '\'') {
        s++;
    }
    return s;
}

int
inventory_read(const char *path, struct inventory **invp, struct diag *diag)
{
    struct inventory *inv = NULL;
    char **lines = NULL;
    char *data = NULL;
    size_t len;
    int error;

    error = read_file(path, &data, &len, diag);
    if (error) {
        goto out;
    }
    if (memchr(data, '\0', len)) {
        error = -EINVAL;
        diag_add(diag, "%s: file contains a NUL byte", path);
        goto out;
    }

    inv = g_new(struct inventory, 1);
    inv->values = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                        g_free);
    lines = g_strsplit(data, "\n", -1);
    for (size_t i = 0; lines[i]; i++) {
        char *line = g_strstrip(lines[i]);
        char *eq, *key, *value;

        if (!*line || *line == '#') {
            continue;
        }
        eq = strchr(line, '=');
        if (!eq) {
            error = -EINVAL;
            diag_add(diag, "%s:%zu: expected KEY=VALUE, not \"%s\"", path,
                     i + 1, line);
            goto out;
        }
        *eq = '\0';
        key = g_strstrip(line);
        value = strip_quotes(g_strstrip(eq + 1));
        if (!*key) {
            error = -EINVAL;
            diag_add(diag, "%s:%zu: empty key", path, i + 1);
            goto out;
        }
        g_hash_table_insert(inv->values, g_strdup(key), g_strdup(value));
    }

out:
    g_strfreev(lines);
    g_free(data);
    if (error) {
        inventory_free(inv);
    } else {
        *invp = inv;
    }
    return error;
}

const char *
inventory_get(const struct inventory *inv, const char *key)
{
    return g_hash_table_lookup(inv->values, key);
}

void
inventory_free(struct inventory *inv)
{
    if (inv) {
        g_hash_table_destroy(inv->values);
        g_free(inv);
    }
}
