/* writer.h -- writes the model as network.dbcache XML.
 *
 * The layout is exactly the one the original program produced (Python
 * minidom's toprettyxml: TAB indentation, records grouped by class in the
 * order pif, bond, vlan, tunnel, network, pool, fields in table order), so
 * that a cache written here is byte-identical to the original's for the
 * same records. */
#ifndef DBCACHE_WRITER_H
#define DBCACHE_WRITER_H 1

#include <stddef.h>

struct dbcache;

/* Returns the cache document as a NUL-terminated string of '*lenp' bytes.
 * The caller frees it with g_free(). */
char *dbcache_to_xml(const struct dbcache *, size_t *lenp);

/* Writes the cache to 'path' atomically: a crash at any instant leaves
 * either the old file or the new one, whole.  Returns 0 or a negative
 * errno value (the old file is then untouched). */
int dbcache_write_file(const struct dbcache *, const char *path);

#endif /* dbcache/writer.h */
