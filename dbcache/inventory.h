/* inventory.h -- XenServer's /etc/xensource-inventory.
 *
 * The inventory is a list of KEY=VALUE lines (INSTALLATION_UUID,
 * MANAGEMENT_INTERFACE, CURRENT_INTERFACES, ...).  As the original program
 * read it, each line is split at its first '=' and the value loses the
 * single quotes at both of its ends.  xapi.c reads INSTALLATION_UUID from
 * it; interface-reconfigure reads the management interface. */
#ifndef DBCACHE_INVENTORY_H
#define DBCACHE_INVENTORY_H 1

struct diag;
struct inventory;

/* Largest inventory file accepted, in bytes. */
#define INVENTORY_MAX_SIZE (1024 * 1024)

/* Reads the inventory at 'path' (the caller applies any root prefix).
 * Blank lines and lines starting with '#' are skipped; keys and values are
 * stripped of surrounding white space, then values of the single quotes
 * at both ends; a key given twice keeps its last value.  On success returns
 * 0 and stores a new inventory in '*invp' (inventory_free).  On failure
 * returns a negative errno value (-ENOENT, -EFBIG, -EINVAL for a line
 * without '=', ...), adds a message naming the file (and line) to 'diag'
 * and leaves '*invp' untouched. */
int inventory_read(const char *path, struct inventory **invp,
                   struct diag *diag);

/* Returns the value of 'key', or NULL if the inventory has no such key.
 * The string belongs to the inventory. */
const char *inventory_get(const struct inventory *, const char *key);

void inventory_free(struct inventory *);    /* Accepts NULL. */

#endif /* dbcache/inventory.h */
