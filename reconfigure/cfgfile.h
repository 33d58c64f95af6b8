/* cfgfile.h -- configuration files changed as a transaction.
 *
 * interface-reconfigure never edits a configuration file in place.  It
 * builds the new contents (in memory here), writes them next to the target
 * as "<dir>/.<name>.xapi-new", and only when everything is ready "applies"
 * the change: the current file is kept as "<dir>/.<name>.xapi-old" and the
 * new one takes its place.  If bringing the interface up then fails, the
 * change is "reverted" (the old file comes back, the new one is left as
 * .xapi-new to help debugging); if it succeeds it is "committed" (both
 * side files are removed).
 *
 * A file can own child files (an ifcfg file owns its route file, a bridge
 * owns its datapath's files...); apply, commit and revert act on the
 * children first, depth first, in the order they were attached.
 *
 * States, as the original named them in its messages:
 *
 *     OPEN --close--> NOT-APPLIED --apply--> APPLIED --commit--> COMMITTED
 *                         |                      \---revert--> REVERTED
 *                         +--discard--> DISCARDED
 *     OPEN --close(dry_run)--> DRY-RUN   (nothing can be applied)
 *
 * Every operation that can fail returns 0 or a negative errno value and
 * adds a message to a 'struct diag'.  A call in the wrong state fails with
 * -EINVAL and the original's message, e.g. "Attempt to apply configuration
 * from state APPLIED". */
#ifndef RECONFIGURE_CFGFILE_H
#define RECONFIGURE_CFGFILE_H 1

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

struct diag;
struct cfgfile;

/* Returns a new, empty file in state OPEN that will replace 'path' (the
 * real path: any root prefix already applied).  Nothing is written until
 * cfgfile_close().  The caller owns the result (cfgfile_free()). */
struct cfgfile *cfgfile_new(const char *path);

/* Appends formatted text to the contents.  Writing to a file that is not
 * OPEN changes nothing; the error ("Attempt to write to file in state X")
 * is remembered and makes the next cfgfile_close() or cfgfile_apply() of
 * the file (or of a file that owns it) fail. */
void cfgfile_printf(struct cfgfile *, const char *fmt, ...)
    PRINTF_FORMAT(2, 3);

/* The target path, and the contents built so far.  Both are owned by the
 * file and valid until cfgfile_free(). */
const char *cfgfile_path(const struct cfgfile *);
const char *cfgfile_contents(const struct cfgfile *);

/* The state's name: "OPEN", "NOT-APPLIED", "APPLIED", "COMMITTED",
 * "REVERTED", "DRY-RUN" or "DISCARDED". */
const char *cfgfile_state(const struct cfgfile *);

/* Makes 'child' a child of 'parent', after any earlier children.  'parent'
 * owns 'child' from now on. */
void cfgfile_attach_child(struct cfgfile *parent, struct cfgfile *child);

/* The children of a file, in attach order (owned by it). */
size_t cfgfile_n_children(const struct cfgfile *);
struct cfgfile *cfgfile_child(const struct cfgfile *, size_t i);

/* Closes the file, and each of its descendants that is still OPEN.
 * Unless 'dry_run', writes each one's contents to "<dir>/.<name>.xapi-new"
 * (an existing .xapi-new is replaced, never written through), fsyncs it and
 * its directory, and moves it to NOT-APPLIED.  With 'dry_run' nothing is
 * written and the files go to DRY-RUN.  Fails if the file is not OPEN, if a
 * write was attempted on any of them after it was closed, or on an I/O
 * error; files written before the failure stay NOT-APPLIED (see
 * cfgfile_discard()). */
int cfgfile_close(struct cfgfile *, bool dry_run, struct diag *);

/* Applies the change: the children first, then logs "Applying changes to
 * <path> configuration", deletes an old ".xapi-old", hard-links the current
 * file (if any) to ".xapi-old" and puts ".xapi-new" in its place.  The file
 * becomes APPLIED.
 *
 * A tree is applied all or nothing: on failure, the files this call had
 * already applied are put back (each logged as "Reverting changes to ...")
 * and the whole tree is NOT-APPLIED again, its new contents still in the
 * ".xapi-new" files (cfgfile_discard() removes them).  Only if putting a
 * file back fails too does it stay APPLIED; cfgfile_revert_all() retries. */
int cfgfile_apply(struct cfgfile *, struct diag *);

/* Commits an APPLIED file: the children first, then logs "Committing
 * changes to <path> configuration" and removes ".xapi-old" and
 * ".xapi-new".  The file becomes COMMITTED.  Carries on past errors and
 * returns the first. */
int cfgfile_commit(struct cfgfile *, struct diag *);

/* Reverts an APPLIED file: the children first, then logs "Reverting
 * changes to <path> configuration"; the applied contents go back to
 * ".xapi-new" (kept as an aid to debugging) and ".xapi-old" goes back to
 * the target; with no ".xapi-old" (there was no file before) the target
 * disappears.  The file becomes REVERTED.  Carries on past errors and
 * returns the first. */
int cfgfile_revert(struct cfgfile *, struct diag *);

/* Removes the ".xapi-new" of the file and of each descendant that was
 * closed but never applied (NOT-APPLIED), for a run that failed before
 * applying; they become DISCARDED.  Files in other states are left alone.
 * Best effort: errors are ignored. */
void cfgfile_discard(struct cfgfile *);

/* Frees the file and its children.  Accepts NULL.  Touches no file on
 * disk. */
void cfgfile_free(struct cfgfile *);

/* The same operations on a list of 'n' top-level files, in order.  NULL
 * entries are skipped.
 *
 * cfgfile_apply_all() stops at the first failure and returns it; the caller
 * should then cfgfile_revert_all() the same list, to revert the files
 * before the one that failed.
 *
 * cfgfile_revert_all() reverts whatever was applied: an APPLIED file as
 * cfgfile_revert() does, and within a NOT-APPLIED file any APPLIED
 * descendants (left by a failed apply that could not put them back);
 * NOT-APPLIED files themselves are left as they are.  It carries on past
 * errors and returns the first.
 *
 * cfgfile_commit_all() commits each file, carries on past errors and
 * returns the first. */
int cfgfile_apply_all(struct cfgfile *const *files, size_t n, struct diag *);
int cfgfile_commit_all(struct cfgfile *const *files, size_t n,
                       struct diag *);
int cfgfile_revert_all(struct cfgfile *const *files, size_t n,
                       struct diag *);

#endif /* reconfigure/cfgfile.h */
