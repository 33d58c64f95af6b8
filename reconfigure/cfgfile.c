/* cfgfile.c -- the configuration-file transaction (see cfgfile.h).
 *
 * This is the original program's ConfigurationFile, with two changes that
 * make it crash-safe without changing what ends up on disk:
 *
 *  - ".xapi-new" is written in one go at close time, fsynced, and created
 *    afresh (O_EXCL after unlinking any old one) so that a stale hard link
 *    can never make us write through into a live file;
 *
 *  - the steps that move a file from one name to another make the first
 *    name durable (fsync of the directory) before the second disappears,
 *    and the new file is installed with rename() instead of unlink() plus
 *    link(), so that at every instant the target holds either the old or
 *    the new contents.  The end state of apply, commit and revert is
 *    exactly the original's: ".xapi-old" is a hard link to the file that
 *    was replaced.
 *
 * The files' contents are produced by ifcfg.c; the program's plan decides
 * which files to apply, and when to commit or revert them. */
#include <config.h>

#include "cfgfile.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic-file.h"
#include "diag.h"
#include "log.h"

LOG_DEFINE_THIS_MODULE(cfgfile);

enum cfgfile_state_id {
    CF_OPEN,
    CF_NOT_APPLIED,
    CF_APPLIED,
    CF_COMMITTED,
    CF_REVERTED,
    CF_DRY_RUN,
    CF_DISCARDED,
};

static const char *const state_names[] = {
    [CF_OPEN] = "OPEN",
    [CF_NOT_APPLIED] = "NOT-APPLIED",
    [CF_APPLIED] = "APPLIED",
    [CF_COMMITTED] = "COMMITTED",
    [CF_REVERTED] = "REVERTED",
    [CF_DRY_RUN] = "DRY-RUN",
    [CF_DISCARDED] = "DISCARDED",
};

struct cfgfile {
    char *path;                 /* The target. */
    char *dir;                  /* Its directory. */
    char *newpath;              /* <dir>/.<name>.xapi-new */
    char *oldpath;              /* <dir>/.<name>.xapi-old */
    GString *contents;
    GPtrArray *children;        /* Owned struct cfgfile *s. */
    enum cfgfile_state_id state;
    char *write_error;          /* First write attempted when not OPEN. */
};

struct cfgfile *
cfgfile_new(const char *path)
{
    struct cfgfile *f = g_new0(struct cfgfile, 1);
    char *base = g_path_get_basename(path);

    f->path = g_strdup(path);
    f->dir = g_path_get_dirname(path);
    f->newpath = g_strdup_printf("%s/.%s.xapi-new", f->dir, base);
    f->oldpath = g_strdup_printf("%s/.%s.xapi-old", f->dir, base);
    f->contents = g_string_new(NULL);
    f->children = g_ptr_array_new_with_free_func(
        (GDestroyNotify) cfgfile_free);
    f->state = CF_OPEN;
    g_free(base);
    return f;
}

void
cfgfile_free(struct cfgfile *f)
{
    if (f) {
        g_ptr_array_free(f->children, TRUE);
        g_string_free(f->contents, TRUE);
        g_free(f->write_error);
        g_free(f->oldpath);
        g_free(f->newpath);
        g_free(f->dir);
        g_free(f->path);
        g_free(f);
    }
}

void
cfgfile_printf(struct cfgfile *f, const char *fmt, ...)
{
    va_list args;

    if (f->state != CF_OPEN) {
        if (!f->write_error) {
            f->write_error = g_strdup_printf(
                "Attempt to write to file in state %s (%s)",
                state_names[f->state], f->path);
        }
        return;
    }
    va_start(args, fmt);
    g_string_append_vprintf(f->contents, fmt, args);
    va_end(args);
}

const char *
cfgfile_path(const struct cfgfile *f)
{
    return f->path;
}

const char *
cfgfile_contents(const struct cfgfile *f)
{
    return f->contents->str;
}

const char *
cfgfile_state(const struct cfgfile *f)
{
    return state_names[f->state];
}

void
cfgfile_attach_child(struct cfgfile *parent, struct cfgfile *child)
{
    g_ptr_array_add(parent->children, child);
}

size_t
cfgfile_n_children(const struct cfgfile *f)
{
    return f->children->len;
}

struct cfgfile *
cfgfile_child(const struct cfgfile *f, size_t i)
{
    return g_ptr_array_index(f->children, i);
}

/* Fails with the original's message unless 'f' is in state 'want'.
 * 'what' is e.g. "apply configuration from". */
static int
check_state(const struct cfgfile *f, enum cfgfile_state_id want,
            const char *what, struct diag *d)
{
    if (f->state != want) {
        diag_add(d, "Attempt to %s state %s", what, state_names[f->state]);
        return -EINVAL;
    }
    return 0;
}

/* Reports a write attempted after 'f' was closed. */
static int
check_write_error(const struct cfgfile *f, struct diag *d)
{
    if (f->write_error) {
        diag_add(d, "%s", f->write_error);
        return -EINVAL;
    }
    return 0;
}

static int
io_error(struct diag *d, int error, const char *op, const char *path)
{
    diag_add(d, "%s %s: %s", op, path, g_strerror(-error));
    return error;
}

/* fsyncs directory 'dir', so that renames and links in it are durable.
 * Filesystems that cannot fsync a directory (EINVAL) are not an error. */
static int
fsync_dir(const char *dir, struct diag *d)
{
    int error = fsync_directory(dir);

    return error ? io_error(d, error, "cannot fsync directory", dir) : 0;
}

/* Sets '*existsp' to whether anything (a dangling symlink included) is
 * named 'path'. */
static int
path_exists(const char *path, bool *existsp, struct diag *d)
{
    struct stat st;

    if (lstat(path, &st) == 0) {
        *existsp = true;
        return 0;
    } else if (errno == ENOENT) {
        *existsp = false;
        return 0;
    }
    return io_error(d, -errno, "cannot stat", path);
}

/* Removes 'path'; that it does not exist is not an error. */
static int
remove_if_exists(const char *path, struct diag *d)
{
    if (unlink(path) < 0 && errno != ENOENT) {
        return io_error(d, -errno, "cannot remove", path);
    }
    return 0;
}

static int
link_durably(const struct cfgfile *f, const char *from, const char *to,
             struct diag *d)
{
    if (link(from, to) < 0) {
        int error = -errno;

        diag_add(d, "cannot link %s to %s: %s", from, to, g_strerror(-error));
        return error;
    }
    return fsync_dir(f->dir, d);
}

static int
rename_durably(const struct cfgfile *f, const char *from, const char *to,
               struct diag *d)
{
    if (rename(from, to) < 0) {
        int error = -errno;

        diag_add(d, "cannot rename %s to %s: %s", from, to,
                 g_strerror(-error));
        return error;
    }
    return fsync_dir(f->dir, d);
}

/* Writes the contents of 'f' to a fresh ".xapi-new", fsynced. */
static int
write_new(const struct cfgfile *f, struct diag *d)
{
    int error;
    int fd;

    error = remove_if_exists(f->newpath, d);
    if (error) {
        return error;
    }
    fd = open(f->newpath, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW
              | O_CLOEXEC, 0644);
    if (fd < 0) {
        return io_error(d, -errno, "cannot create", f->newpath);
    }
    error = write_fully(fd, f->contents->str, f->contents->len);
    if (!error && fsync(fd) < 0) {
        error = -errno;
    }
    if (close(fd) < 0 && !error) {
        error = -errno;
    }
    if (error) {
        unlink(f->newpath);
        return io_error(d, error, "cannot write", f->newpath);
    }
    return fsync_dir(f->dir, d);
}

/* Closes 'f' if it is OPEN, then its children. */
static int
close_tree(struct cfgfile *f, bool dry_run, struct diag *d)
{
    int error = check_write_error(f, d);

    if (error) {
        return error;
    }
    if (f->state == CF_OPEN) {
        if (!dry_run) {
            error = write_new(f, d);
            if (error) {
                return error;
            }
        }
        f->state = dry_run ? CF_DRY_RUN : CF_NOT_APPLIED;
    }
    for (size_t i = 0; i < f->children->len; i++) {
        error = close_tree(cfgfile_child(f, i), dry_run, d);
        if (error) {
            return error;
        }
    }
    return 0;
}

int
cfgfile_close(struct cfgfile *f, bool dry_run, struct diag *d)
{
    int error = check_state(f, CF_OPEN, "close file in", d);

    return error ? error : close_tree(f, dry_run, d);
}

/* Installs ".xapi-new" as the target of 'f', keeping the current target as
 * ".xapi-old".  On failure the target is as it was. */
static int
install_new(struct cfgfile *f, struct diag *d)
{
    bool had_old;
    int error;

    error = remove_if_exists(f->oldpath, d);
    if (!error) {
        error = path_exists(f->path, &had_old, d);
    }
    if (!error && had_old) {
        error = link_durably(f, f->path, f->oldpath, d);
        if (error) {
            unlink(f->oldpath);
        }
    }
    if (!error) {
        if (rename(f->newpath, f->path) < 0) {
            error = -errno;
            diag_add(d, "cannot rename %s to %s: %s", f->newpath, f->path,
                     g_strerror(-error));
            if (had_old) {
                unlink(f->oldpath);
            }
        } else if (fsync_dir(f->dir, NULL)) {
            /* The new file is in place whatever happens next. */
            LOG_WARN("%s: cannot fsync the directory after installing the "
                     "new file", f->path);
        }
    }
    return error;
}

/* Keeps the first error of several. */
static void
first_error(int *retval, int error)
{
    if (!*retval) {
        *retval = error;
    }
}

int
cfgfile_commit(struct cfgfile *f, struct diag *d)
{
    int retval;

    retval = check_state(f, CF_APPLIED, "commit configuration from", d);
    if (retval) {
        return retval;
    }
    for (size_t i = 0; i < f->children->len; i++) {
        first_error(&retval, cfgfile_commit(cfgfile_child(f, i), d));
    }

    LOG_INFO("Committing changes to %s configuration", f->path);
    first_error(&retval, remove_if_exists(f->oldpath, d));
    first_error(&retval, remove_if_exists(f->newpath, d));
    first_error(&retval, fsync_dir(f->dir, d));
    f->state = CF_COMMITTED;
    return retval;
}

/* Puts back the target that 'f' replaced; the applied contents become
 * ".xapi-new". */
static int
restore_old(struct cfgfile *f, struct diag *d)
{
    bool have_current, have_old;
    int error;

    error = remove_if_exists(f->newpath, d);
    if (!error) {
        error = path_exists(f->path, &have_current, d);
    }
    if (!error) {
        error = path_exists(f->oldpath, &have_old, d);
    }
    if (error) {
        return error;
    }

    if (have_old) {
        /* The target is never missing: the old file renames over it. */
        if (have_current) {
            error = link_durably(f, f->path, f->newpath, d);
        }
        if (!error) {
            error = rename_durably(f, f->oldpath, f->path, d);
        }
    } else if (have_current) {
        /* There was no file before: the target disappears. */
        error = rename_durably(f, f->path, f->newpath, d);
    }
    return error;
}

/* Puts back what applying 'f' changed, children last-applied first, after
 * a later step of the same apply failed: the files go back to NOT-APPLIED,
 * with their new contents in ".xapi-new" again.  A file that cannot be put
 * back stays APPLIED (cfgfile_revert_all() can try again). */
static void
unapply(struct cfgfile *f, struct diag *d)
{
    if (f->state != CF_APPLIED) {
        return;
    }
    for (size_t i = f->children->len; i-- > 0;) {
        unapply(cfgfile_child(f, i), d);
    }
    LOG_INFO("Reverting changes to %s configuration", f->path);
    if (!restore_old(f, d)) {
        f->state = CF_NOT_APPLIED;
    }
}

int
cfgfile_apply(struct cfgfile *f, struct diag *d)
{
    size_t i;
    int error;

    error = check_state(f, CF_NOT_APPLIED, "apply configuration from", d);
    if (!error) {
        error = check_write_error(f, d);
    }
    if (error) {
        return error;
    }

    for (i = 0; i < f->children->len; i++) {
        error = cfgfile_apply(cfgfile_child(f, i), d);
        if (error) {
            break;
        }
    }
    if (!error) {
        LOG_INFO("Applying changes to %s configuration", f->path);
        error = install_new(f, d);
    }
    if (error) {
        /* Children 0...i-1 were applied by this call. */
        while (i-- > 0) {
            unapply(cfgfile_child(f, i), d);
        }
        return error;
    }
    f->state = CF_APPLIED;
    return 0;
}

int
cfgfile_revert(struct cfgfile *f, struct diag *d)
{
    int retval;

    retval = check_state(f, CF_APPLIED, "revert configuration from", d);
    if (retval) {
        return retval;
    }
    for (size_t i = 0; i < f->children->len; i++) {
        first_error(&retval, cfgfile_revert(cfgfile_child(f, i), d));
    }

    LOG_INFO("Reverting changes to %s configuration", f->path);
    first_error(&retval, restore_old(f, d));
    f->state = CF_REVERTED;
    return retval;
}

void
cfgfile_discard(struct cfgfile *f)
{
    if (f->state == CF_NOT_APPLIED) {
        unlink(f->newpath);
        f->state = CF_DISCARDED;
    }
    for (size_t i = 0; i < f->children->len; i++) {
        cfgfile_discard(cfgfile_child(f, i));
    }
}

int
cfgfile_apply_all(struct cfgfile *const *files, size_t n, struct diag *d)
{
    for (size_t i = 0; i < n; i++) {
        if (files[i]) {
            int error = cfgfile_apply(files[i], d);

            if (error) {
                return error;
            }
        }
    }
    return 0;
}

int
cfgfile_commit_all(struct cfgfile *const *files, size_t n, struct diag *d)
{
    int retval = 0;

    for (size_t i = 0; i < n; i++) {
        if (files[i]) {
            first_error(&retval, cfgfile_commit(files[i], d));
        }
    }
    return retval;
}

/* Reverts what was applied within 'f' (see cfgfile_revert_all()). */
static int
revert_applied(struct cfgfile *f, struct diag *d)
{
    int retval = 0;

    if (f->state != CF_NOT_APPLIED) {
        return cfgfile_revert(f, d);
    }
    for (size_t i = 0; i < f->children->len; i++) {
        first_error(&retval, revert_applied(cfgfile_child(f, i), d));
    }
    return retval;
}

int
cfgfile_revert_all(struct cfgfile *const *files, size_t n, struct diag *d)
{
    int retval = 0;

    for (size_t i = 0; i < n; i++) {
        if (files[i]) {
            first_error(&retval, revert_applied(files[i], d));
        }
    }
    return retval;
}
