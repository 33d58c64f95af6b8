/* ovsdb-db.h -- an in-memory OVSDB database and its low-level transactions.
 *
 * A database instantiates a schema: one table per table schema, each a set
 * of rows keyed by UUID, each row holding one datum per column (including
 * "_uuid" and "_version").  Nothing here does I/O.
 *
 * Changes go through a low-level transaction (struct ovsdb_db_txn): insert,
 * modify and delete rows, then commit.  Committing enforces what RFC 7047
 * requires of the result as a whole, in this order: strong references must
 * name existing rows and rows still strongly referenced may not be deleted
 * ("referential integrity violation"); rows of non-root tables that nothing
 * strongly references any more are deleted (garbage collection); "maxRows";
 * weak references to missing rows are dropped and the column's minimum
 * count re-checked; indexes stay unique ("constraint violation").  Rows that
 * changed get a new "_version".  A failed commit leaves the database as it
 * was before the transaction.  Only one transaction may be open at a time.
 *
 * The RFC 7047 operations ("insert", "select", ...) are in ovsdb-txn.h, on
 * top of this.
 *
 * JSON forms used here (each <uuid> a UUID string, each <column> a column
 * name, each <value> RFC 7047 <value> notation):
 *
 *   database / log form:  {"<table>": {"<uuid>": {"<column>": <value>, ...}
 *                                                | null, ...}, ...}
 *      A row object inserts the row (unlisted columns take their defaults)
 *      or, if the row exists, sets the listed columns; null deletes it.
 *      "_version" may be listed; "_uuid" may not.
 *
 *   change form (what a commit returns for monitors):
 *      {"<table>": {"<uuid>": {"old": {...}, "new": {...}}, ...}, ...}
 *      insert: only "new", with every column but "_uuid" that is not at
 *              its default value ("_version" always);
 *      delete: only "old", with every column but "_uuid";
 *      modify: "old" and "new", with only the columns that changed
 *              (always including "_version").
 *      Tables and rows without changes are absent. */
#ifndef VSWITCH_OVSDB_DB_H
#define VSWITCH_OVSDB_DB_H 1

#include <glib.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "ovsdb-data.h"
#include "ovsdb-schema.h"
#include "ovsdb-types.h"

struct ovsdb_db;
struct ovsdb_table;
struct ovsdb_row;
struct ovsdb_db_txn;

/* ------------------------------------------------------------------------
 * Databases. */

/* Creates an empty database for 'schema', taking ownership of it. */
struct ovsdb_db *ovsdb_db_create(struct ovsdb_schema *schema);

/* Frees 'db', its rows and its schema.  Accepts NULL.  No transaction may
 * be open. */
void ovsdb_db_destroy(struct ovsdb_db *db);

const struct ovsdb_schema *ovsdb_db_get_schema(const struct ovsdb_db *db);

/* Makes 'db' take new row UUIDs and versions from 'gen' (NULL: random
 * UUIDs, the default).  Tests use this for predictable UUIDs. */
void ovsdb_db_set_uuid_generator(struct ovsdb_db *db,
                                 ovsdb_uuid_generator *gen, void *aux);

/* Stores a new UUID from 'db''s generator in '*uuid'. */
void ovsdb_db_generate_uuid(struct ovsdb_db *db, struct ovsdb_uuid *uuid);

/* Returns the table named 'name' (NULL if none), or the table at 'index' in
 * schema order.  The database owns tables. */
struct ovsdb_table *ovsdb_db_get_table(const struct ovsdb_db *db,
                                       const char *name);
struct ovsdb_table *ovsdb_db_get_table_at(const struct ovsdb_db *db,
                                          size_t index);

/* Returns the whole database in the database form (see above), for
 * snapshots: columns with their default values and ephemeral columns are
 * left out, and so are empty tables.  The caller owns the result. */
json_t *ovsdb_db_to_json(const struct ovsdb_db *db);

/* Applies 'changes', in the database/log form, as one transaction (for
 * replaying a snapshot or a log).  Values are checked against the schema
 * and the commit checks above apply.  Returns 0 on success; otherwise
 * -EINVAL with a message in '*errp' (g_free() it) and the database
 * unchanged.  If 'changesp' is nonnull, stores there the change form of
 * what changed, or NULL if nothing did. */
int ovsdb_db_apply_changes(struct ovsdb_db *db, const json_t *changes,
                           json_t **changesp, char **errp);

/* Converts 'changes' (change form, as from ovsdb_execute()) to the log form
 * that ovsdb_db_apply_changes() replays: "new" for inserted and modified
 * rows, null for deleted ones, ephemeral columns left out.  A modified row
 * whose only changes are ephemeral (a switch's link states, a manager's
 * status) is left out, and so is a table left with no row: the result is
 * an empty object if there is nothing to persist.  The caller owns it. */
json_t *ovsdb_db_changes_to_log(const struct ovsdb_db *db,
                                const json_t *changes);

/* ------------------------------------------------------------------------
 * Tables.  During a transaction, tables show the transaction's state. */

const struct ovsdb_table_schema *ovsdb_table_get_schema(
    const struct ovsdb_table *table);
size_t ovsdb_table_count(const struct ovsdb_table *table);

/* Returns the row with 'uuid', or NULL.  The table owns it; it stays valid
 * until the row is modified or deleted. */
const struct ovsdb_row *ovsdb_table_get_row(const struct ovsdb_table *table,
                                            const struct ovsdb_uuid *uuid);

/* Iteration in no particular order.  The table must not change while a
 * cursor is in use. */
struct ovsdb_table_cursor {
    GHashTableIter iter;
};
void ovsdb_table_cursor_init(struct ovsdb_table_cursor *cursor,
                             const struct ovsdb_table *table);
/* Returns the next row, or NULL at the end. */
const struct ovsdb_row *ovsdb_table_cursor_next(
    struct ovsdb_table_cursor *cursor);

/* ------------------------------------------------------------------------
 * Rows. */

struct ovsdb_table *ovsdb_row_get_table(const struct ovsdb_row *row);
const struct ovsdb_uuid *ovsdb_row_get_uuid(const struct ovsdb_row *row);
const struct ovsdb_uuid *ovsdb_row_get_version(const struct ovsdb_row *row);

/* Returns the value of column number 'index' (struct ovsdb_column's
 * 'index'). */
const struct ovsdb_datum *ovsdb_row_get_datum(const struct ovsdb_row *row,
                                              unsigned int index);

/* Returns the JSON object {"<column>": <value>, ...} for the 'n' columns in
 * 'columns', or for every column (including "_uuid" and "_version") if
 * 'columns' is NULL.  The caller owns the result. */
json_t *ovsdb_row_to_json(const struct ovsdb_row *row,
                          const struct ovsdb_column *const *columns,
                          size_t n);

/* ------------------------------------------------------------------------
 * Low-level transactions. */

/* Opens a transaction on 'db'.  There must be no other open one. */
struct ovsdb_db_txn *ovsdb_db_txn_begin(struct ovsdb_db *db);

/* True if a row with 'uuid' may be inserted into 'table': no such row
 * exists, and none was deleted from 'table' by this transaction. */
bool ovsdb_db_txn_may_insert(const struct ovsdb_db_txn *txn,
                             const struct ovsdb_table *table,
                             const struct ovsdb_uuid *uuid);

/* Inserts into 'table' a new row with 'uuid' (a generated UUID if NULL),
 * every column at its default value, and a new "_version".  Returns the
 * row, writable through ovsdb_row_get_datum_rw() until the transaction
 * ends, or NULL if ovsdb_db_txn_may_insert() says no. */
struct ovsdb_row *ovsdb_db_txn_insert(struct ovsdb_db_txn *txn,
                                      struct ovsdb_table *table,
                                      const struct ovsdb_uuid *uuid);

/* Returns a writable version of 'row' (a current row of the database),
 * which replaces it: pointers to 'row' obtained before may no longer be
 * valid. */
struct ovsdb_row *ovsdb_db_txn_modify(struct ovsdb_db_txn *txn,
                                      const struct ovsdb_row *row);

/* Returns column number 'index' of 'row', for changing.  'row' must come
 * from ovsdb_db_txn_insert() or ovsdb_db_txn_modify() in the open
 * transaction, and 'index' must not be OVSDB_COL_UUID.  The new value must
 * be sorted and unique (as every parsed or computed datum is). */
struct ovsdb_datum *ovsdb_row_get_datum_rw(struct ovsdb_row *row,
                                           unsigned int index);

/* Deletes 'row' (a current row of the database).  'row' is invalid
 * afterwards. */
void ovsdb_db_txn_delete(struct ovsdb_db_txn *txn,
                         const struct ovsdb_row *row);

/* Checks and commits 'txn', then frees it.  Returns 0 on success, storing
 * in '*changesp' (if nonnull) the change form of what changed, or NULL if
 * nothing did.  On failure returns -EINVAL, rolls the database back, and
 * stores in '*errorp' (if nonnull) an RFC 7047 error object
 * {"error": ..., "details": ...}.  The caller owns what it receives. */
int ovsdb_db_txn_commit(struct ovsdb_db_txn *txn, json_t **changesp,
                        json_t **errorp);

/* Rolls back and frees 'txn'.  Accepts NULL. */
void ovsdb_db_txn_abort(struct ovsdb_db_txn *txn);

/* Returns an RFC 7047 error object {"error": 'tag', "details": ...}. */
json_t *ovsdb_error_json(const char *tag, const char *details_fmt, ...)
    G_GNUC_PRINTF(2, 3);

#endif /* vswitch/ovsdb-db.h */
