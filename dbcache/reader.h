/* reader.h -- reads network.dbcache XML into the model (model.h).
 *
 * Accepts both layouts the original program produced (compact, and every
 * value on its own indented line), tolerates comments, ignores unknown
 * fields and reads currently_attached as false.  Hardened against hostile
 * files: no network access, no DTD (a DOCTYPE or entity declaration is
 * refused), no entity expansion, a size cap and a depth cap. */
#ifndef DBCACHE_READER_H
#define DBCACHE_READER_H 1

#include <stddef.h>

struct dbcache;
struct diag;

/* Largest cache file accepted, in bytes. */
#define DBCACHE_MAX_SIZE (64u * 1024 * 1024)

/* Reads the cache file at 'path'.  On success returns 0 and stores a new
 * model in '*dbp' (the caller owns it).  On failure returns a negative errno
 * value (-ENOENT, -EFBIG, -EINVAL, ...), leaves '*dbp' untouched and adds
 * to 'diag' one message per problem, each naming the file and line and,
 * where it applies, the record and field.  The model is checked with
 * dbcache_check() before it is returned. */
int dbcache_read_file(const char *path, struct dbcache **dbp,
                      struct diag *diag);

/* Like dbcache_read_file(), from 'len' bytes in memory; 'name' stands for
 * the file name in messages. */
int dbcache_read_memory(const char *data, size_t len, const char *name,
                        struct dbcache **dbp, struct diag *diag);

#endif /* dbcache/reader.h */
