/* ovsdb-db.c -- the in-memory OVSDB database and its transactions.
 *
 * Tables hold rows in GLib hash tables keyed by UUID; each row holds one
 * datum (ovsdb-data.h) per column of its table schema (ovsdb-schema.h).
 * ovsdb-txn.c executes RFC 7047 operations through the low-level
 * transaction here; the storage layer uses ovsdb_db_to_json() for snapshots
 * and ovsdb_db_apply_changes() to replay them.
 *
 * A transaction works in place, copy-on-write: the tables always show its
 * current state, and each row it touches has a "txn_row" that remembers the
 * committed version ('old') and the current one ('new'), so that a rollback
 * restores the old versions.  Committed rows are never changed in place.
 *
 * Strong references are counted: each row knows how many references other
 * rows hold to it.  A commit computes the change in counts only from the
 * columns that changed, so adding one port to a bridge with a thousand
 * costs one increment, not a thousand; rows whose count only changed get a
 * txn_row with old == new (no copy).  Garbage collection follows counts that
 * reach zero.  Weak references are not counted: deleting rows from a table
 * makes the commit scan the (usually small) tables with weak references
 * into it.  Indexes are hash tables of the committed rows, checked against
 * the rows the transaction changed. */
#include <config.h>

#include "ovsdb-db.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

struct index_node {
    struct ovsdb_row *row;
    unsigned int idx;           /* Index number in the table schema. */
};

struct ovsdb_row {
    struct ovsdb_table *table;
    unsigned int n_refs;        /* Strong references from other rows. */
    struct index_node *index_nodes;     /* One per index of the table. */
    struct ovsdb_datum fields[];        /* One per column. */
};

struct ovsdb_table {
    struct ovsdb_db *db;
    const struct ovsdb_table_schema *schema;
    GHashTable *rows;           /* &uuid -> struct ovsdb_row. */
    GHashTable **indexes;       /* Committed rows' index_nodes, per index. */
    GPtrArray *strong_columns;  /* Columns with strong references. */
    GPtrArray *weak_columns;    /* Columns with weak references. */
};

struct ovsdb_db {
    struct ovsdb_schema *schema;
    struct ovsdb_table **tables;        /* In schema order. */
    ovsdb_uuid_generator *gen;
    void *gen_aux;
    struct ovsdb_db_txn *txn;   /* The open transaction, if any. */
};

struct txn_row {
    struct ovsdb_table *table;
    struct ovsdb_uuid uuid;
    struct ovsdb_row *old;      /* Committed version, NULL if inserted. */
    struct ovsdb_row *new;      /* Current version, NULL if deleted; equal
                                 * to 'old' if only 'n_refs' changed. */
    unsigned int n_refs;        /* Strong references, as of now. */
    uint8_t *changed;           /* Per column, if modified; else NULL. */
    bool any_change;            /* Decided at commit. */
};

struct ovsdb_db_txn {
    struct ovsdb_db *db;
    GPtrArray *rows;            /* struct txn_row *, in creation order. */
    GHashTable **by_table;      /* Per table: &uuid -> txn_row, or NULL. */
};

static const struct ovsdb_uuid *
row_uuid(const struct ovsdb_row *row)
{
    return &row->fields[OVSDB_COL_UUID].keys[0].uuid;
}

/* ------------------------------------------------------------------------
 * Errors. */

json_t *
ovsdb_error_json(const char *tag, const char *details_fmt, ...)
{
    va_list args;
    char *details;
    json_t *json;

    va_start(args, details_fmt);
    details = g_strdup_vprintf(details_fmt, args);
    va_end(args);
    json = json_pack("{s:s,s:s}", "error", tag, "details", details);
    g_free(details);
    return json;
}

/* ------------------------------------------------------------------------
 * Rows. */

static struct ovsdb_row *
row_alloc(struct ovsdb_table *table)
{
    const struct ovsdb_table_schema *ts = table->schema;
    struct ovsdb_row *row;

    row = g_malloc0(sizeof *row + ts->n_columns * sizeof row->fields[0]);
    row->table = table;
    if (ts->n_indexes) {
        row->index_nodes = g_new(struct index_node, ts->n_indexes);
        for (size_t i = 0; i < ts->n_indexes; i++) {
            row->index_nodes[i].row = row;
            row->index_nodes[i].idx = (unsigned int) i;
        }
    }
    return row;
}

static struct ovsdb_row *
row_create(struct ovsdb_table *table, const struct ovsdb_uuid *uuid,
           const struct ovsdb_uuid *version)
{
    const struct ovsdb_table_schema *ts = table->schema;
    struct ovsdb_row *row = row_alloc(table);
    union ovsdb_atom atom;

    atom.uuid = *uuid;
    ovsdb_datum_init_atom(&row->fields[OVSDB_COL_UUID], &atom,
                          OVSDB_TYPE_UUID);
    atom.uuid = *version;
    ovsdb_datum_init_atom(&row->fields[OVSDB_COL_VERSION], &atom,
                          OVSDB_TYPE_UUID);
    for (size_t i = OVSDB_N_STD_COLUMNS; i < ts->n_columns; i++) {
        ovsdb_datum_init_default(&row->fields[i], &ts->columns[i]->type);
    }
    return row;
}

static struct ovsdb_row *
row_clone(const struct ovsdb_row *old)
{
    const struct ovsdb_table_schema *ts = old->table->schema;
    struct ovsdb_row *row = row_alloc(old->table);

    row->n_refs = old->n_refs;
    for (size_t i = 0; i < ts->n_columns; i++) {
        ovsdb_datum_clone(&row->fields[i], &old->fields[i],
                          &ts->columns[i]->type);
    }
    return row;
}

static void
row_free(struct ovsdb_row *row)
{
    if (row) {
        const struct ovsdb_table_schema *ts = row->table->schema;

        for (size_t i = 0; i < ts->n_columns; i++) {
            ovsdb_datum_destroy(&row->fields[i], &ts->columns[i]->type);
        }
        g_free(row->index_nodes);
        g_free(row);
    }
}

struct ovsdb_table *
ovsdb_row_get_table(const struct ovsdb_row *row)
{
    return row->table;
}

const struct ovsdb_uuid *
ovsdb_row_get_uuid(const struct ovsdb_row *row)
{
    return row_uuid(row);
}

const struct ovsdb_uuid *
ovsdb_row_get_version(const struct ovsdb_row *row)
{
    return &row->fields[OVSDB_COL_VERSION].keys[0].uuid;
}

const struct ovsdb_datum *
ovsdb_row_get_datum(const struct ovsdb_row *row, unsigned int index)
{
    return &row->fields[index];
}

struct ovsdb_datum *
ovsdb_row_get_datum_rw(struct ovsdb_row *row, unsigned int index)
{
    g_assert(index != OVSDB_COL_UUID);
    return &row->fields[index];
}

enum {
    ROW_NO_UUID = 1 << 0,       /* Leave out "_uuid". */
    ROW_NO_EPHEMERAL = 1 << 1,  /* Leave out ephemeral columns. */
    ROW_NO_DEFAULTS = 1 << 2,   /* Leave out columns at default values. */
};

/* Returns 'row' as a JSON object, with the columns whose 'mask' byte is
 * nonzero (all if 'mask' is NULL), filtered by 'flags'. */
static json_t *
row_to_json_masked(const struct ovsdb_row *row, const uint8_t *mask,
                   int flags)
{
    const struct ovsdb_table_schema *ts = row->table->schema;
    json_t *json = json_object();

    for (size_t i = 0; i < ts->n_columns; i++) {
        const struct ovsdb_column *column = ts->columns[i];

        if ((mask && !mask[i])
            || (i == OVSDB_COL_UUID && flags & ROW_NO_UUID)
            || (column->ephemeral && flags & ROW_NO_EPHEMERAL)
            || (i >= OVSDB_N_STD_COLUMNS && flags & ROW_NO_DEFAULTS
                && ovsdb_datum_is_default(&row->fields[i], &column->type))) {
            continue;
        }
        json_object_set_new_nocheck(json, column->name,
                                    ovsdb_datum_to_json(&row->fields[i],
                                                        &column->type));
    }
    return json;
}

json_t *
ovsdb_row_to_json(const struct ovsdb_row *row,
                  const struct ovsdb_column *const *columns, size_t n)
{
    json_t *json;

    if (!columns) {
        return row_to_json_masked(row, NULL, 0);
    }
    json = json_object();
    for (size_t i = 0; i < n; i++) {
        const struct ovsdb_column *column = columns[i];

        json_object_set_new_nocheck(
            json, column->name,
            ovsdb_datum_to_json(&row->fields[column->index], &column->type));
    }
    return json;
}

/* ------------------------------------------------------------------------
 * Indexes: sets of index_nodes, hashed and compared on the index's
 * columns. */

static guint
index_node_hash(gconstpointer node_)
{
    const struct index_node *node = node_;
    const struct ovsdb_row *row = node->row;
    const struct ovsdb_index_schema *idx
        = &row->table->schema->indexes[node->idx];
    uint32_t hash = node->idx;

    for (size_t i = 0; i < idx->n_columns; i++) {
        const struct ovsdb_column *column = idx->columns[i];

        hash = ovsdb_datum_hash(&row->fields[column->index], &column->type,
                                hash);
    }
    return hash;
}

static gboolean
index_node_equal(gconstpointer a_, gconstpointer b_)
{
    const struct index_node *a = a_;
    const struct index_node *b = b_;
    const struct ovsdb_index_schema *idx
        = &a->row->table->schema->indexes[a->idx];

    for (size_t i = 0; i < idx->n_columns; i++) {
        const struct ovsdb_column *column = idx->columns[i];

        if (!ovsdb_datum_equals(&a->row->fields[column->index],
                                &b->row->fields[column->index],
                                &column->type)) {
            return FALSE;
        }
    }
    return TRUE;
}

/* ------------------------------------------------------------------------
 * Databases and tables. */

static struct ovsdb_table *
table_create(struct ovsdb_db *db, const struct ovsdb_table_schema *ts)
{
    struct ovsdb_table *table = g_new0(struct ovsdb_table, 1);

    table->db = db;
    table->schema = ts;
    table->rows = g_hash_table_new(ovsdb_uuid_ghash, ovsdb_uuid_gequal);
    table->indexes = g_new0(GHashTable *, ts->n_indexes + 1);
    for (size_t i = 0; i < ts->n_indexes; i++) {
        table->indexes[i] = g_hash_table_new(index_node_hash,
                                             index_node_equal);
    }
    table->strong_columns = g_ptr_array_new();
    table->weak_columns = g_ptr_array_new();
    for (size_t i = OVSDB_N_STD_COLUMNS; i < ts->n_columns; i++) {
        const struct ovsdb_column *column = ts->columns[i];

        if (ovsdb_type_has_strong_refs(&column->type)) {
            g_ptr_array_add(table->strong_columns, (void *) column);
        }
        if (ovsdb_type_has_weak_refs(&column->type)) {
            g_ptr_array_add(table->weak_columns, (void *) column);
        }
    }
    return table;
}

static void
table_destroy(struct ovsdb_table *table)
{
    GHashTableIter iter;
    gpointer row;

    g_hash_table_iter_init(&iter, table->rows);
    while (g_hash_table_iter_next(&iter, NULL, &row)) {
        row_free(row);
    }
    g_hash_table_destroy(table->rows);
    for (size_t i = 0; i < table->schema->n_indexes; i++) {
        g_hash_table_destroy(table->indexes[i]);
    }
    g_free(table->indexes);
    g_ptr_array_free(table->strong_columns, TRUE);
    g_ptr_array_free(table->weak_columns, TRUE);
    g_free(table);
}

struct ovsdb_db *
ovsdb_db_create(struct ovsdb_schema *schema)
{
    struct ovsdb_db *db = g_new0(struct ovsdb_db, 1);

    db->schema = schema;
    db->tables = g_new(struct ovsdb_table *, schema->n_tables + 1);
    for (size_t i = 0; i < schema->n_tables; i++) {
        db->tables[i] = table_create(db, schema->tables[i]);
    }
    return db;
}

void
ovsdb_db_destroy(struct ovsdb_db *db)
{
    if (!db) {
        return;
    }
    g_assert(!db->txn);
    for (size_t i = 0; i < db->schema->n_tables; i++) {
        table_destroy(db->tables[i]);
    }
    g_free(db->tables);
    ovsdb_schema_destroy(db->schema);
    g_free(db);
}

const struct ovsdb_schema *
ovsdb_db_get_schema(const struct ovsdb_db *db)
{
    return db->schema;
}

void
ovsdb_db_set_uuid_generator(struct ovsdb_db *db, ovsdb_uuid_generator *gen,
                            void *aux)
{
    db->gen = gen;
    db->gen_aux = aux;
}

void
ovsdb_db_generate_uuid(struct ovsdb_db *db, struct ovsdb_uuid *uuid)
{
    if (db->gen) {
        db->gen(uuid, db->gen_aux);
    } else {
        ovsdb_uuid_generate(uuid);
    }
}

struct ovsdb_table *
ovsdb_db_get_table(const struct ovsdb_db *db, const char *name)
{
    const struct ovsdb_table_schema *ts
        = ovsdb_schema_get_table(db->schema, name);

    return ts ? db->tables[ts->index] : NULL;
}

struct ovsdb_table *
ovsdb_db_get_table_at(const struct ovsdb_db *db, size_t index)
{
    return index < db->schema->n_tables ? db->tables[index] : NULL;
}

const struct ovsdb_table_schema *
ovsdb_table_get_schema(const struct ovsdb_table *table)
{
    return table->schema;
}

size_t
ovsdb_table_count(const struct ovsdb_table *table)
{
    return g_hash_table_size(table->rows);
}

const struct ovsdb_row *
ovsdb_table_get_row(const struct ovsdb_table *table,
                    const struct ovsdb_uuid *uuid)
{
    return g_hash_table_lookup(table->rows, uuid);
}

void
ovsdb_table_cursor_init(struct ovsdb_table_cursor *cursor,
                        const struct ovsdb_table *table)
{
    g_hash_table_iter_init(&cursor->iter, table->rows);
}

const struct ovsdb_row *
ovsdb_table_cursor_next(struct ovsdb_table_cursor *cursor)
{
    gpointer row;

    return g_hash_table_iter_next(&cursor->iter, NULL, &row) ? row : NULL;
}

static void
table_put(struct ovsdb_table *table, struct ovsdb_row *row)
{
    g_hash_table_replace(table->rows, (gpointer) row_uuid(row), row);
}

static void
table_remove(struct ovsdb_table *table, const struct ovsdb_uuid *uuid)
{
    g_hash_table_remove(table->rows, uuid);
}

/* ------------------------------------------------------------------------
 * Transactions: changing rows. */

struct ovsdb_db_txn *
ovsdb_db_txn_begin(struct ovsdb_db *db)
{
    struct ovsdb_db_txn *txn;

    g_assert(!db->txn);
    txn = g_new0(struct ovsdb_db_txn, 1);
    txn->db = db;
    txn->rows = g_ptr_array_new();
    txn->by_table = g_new0(GHashTable *, db->schema->n_tables + 1);
    db->txn = txn;
    return txn;
}

static void
txn_free(struct ovsdb_db_txn *txn)
{
    for (size_t i = 0; i < txn->rows->len; i++) {
        struct txn_row *tr = g_ptr_array_index(txn->rows, i);

        g_free(tr->changed);
        g_free(tr);
    }
    g_ptr_array_free(txn->rows, TRUE);
    for (size_t i = 0; i < txn->db->schema->n_tables; i++) {
        if (txn->by_table[i]) {
            g_hash_table_destroy(txn->by_table[i]);
        }
    }
    g_free(txn->by_table);
    txn->db->txn = NULL;
    g_free(txn);
}

static struct txn_row *
txn_find(const struct ovsdb_db_txn *txn, const struct ovsdb_table *table,
         const struct ovsdb_uuid *uuid)
{
    GHashTable *rows = txn->by_table[table->schema->index];

    return rows ? g_hash_table_lookup(rows, uuid) : NULL;
}

static struct txn_row *
txn_add(struct ovsdb_db_txn *txn, struct ovsdb_table *table,
        struct ovsdb_row *old, struct ovsdb_row *new,
        const struct ovsdb_uuid *uuid)
{
    GHashTable **rows = &txn->by_table[table->schema->index];
    struct txn_row *tr = g_new0(struct txn_row, 1);

    tr->table = table;
    tr->uuid = *uuid;
    tr->old = old;
    tr->new = new;
    tr->n_refs = old ? old->n_refs : 0;
    if (!*rows) {
        *rows = g_hash_table_new(ovsdb_uuid_ghash, ovsdb_uuid_gequal);
    }
    g_hash_table_insert(*rows, &tr->uuid, tr);
    g_ptr_array_add(txn->rows, tr);
    return tr;
}

/* Returns the txn_row for 'uuid' in 'table', making one for an existing
 * untouched row; NULL if there is no such row, current or deleted. */
static struct txn_row *
txn_find_or_make(struct ovsdb_db_txn *txn, struct ovsdb_table *table,
                 const struct ovsdb_uuid *uuid)
{
    struct txn_row *tr = txn_find(txn, table, uuid);
    struct ovsdb_row *row;

    if (tr) {
        return tr;
    }
    row = g_hash_table_lookup(table->rows, uuid);
    return row ? txn_add(txn, table, row, row, uuid) : NULL;
}

bool
ovsdb_db_txn_may_insert(const struct ovsdb_db_txn *txn,
                        const struct ovsdb_table *table,
                        const struct ovsdb_uuid *uuid)
{
    return (!g_hash_table_contains(table->rows, uuid)
            && !txn_find(txn, table, uuid));
}

struct ovsdb_row *
ovsdb_db_txn_insert(struct ovsdb_db_txn *txn, struct ovsdb_table *table,
                    const struct ovsdb_uuid *uuid)
{
    struct ovsdb_uuid u, version;
    struct ovsdb_row *row;

    if (uuid) {
        u = *uuid;
    } else {
        ovsdb_db_generate_uuid(txn->db, &u);
    }
    if (!ovsdb_db_txn_may_insert(txn, table, &u)) {
        return NULL;
    }
    ovsdb_db_generate_uuid(txn->db, &version);
    row = row_create(table, &u, &version);
    txn_add(txn, table, NULL, row, &u);
    table_put(table, row);
    return row;
}

struct ovsdb_row *
ovsdb_db_txn_modify(struct ovsdb_db_txn *txn, const struct ovsdb_row *row_)
{
    struct ovsdb_row *row = (struct ovsdb_row *) row_;
    struct txn_row *tr = txn_find(txn, row->table, row_uuid(row));
    struct ovsdb_row *copy;

    if (!tr) {
        tr = txn_add(txn, row->table, row, row, row_uuid(row));
    } else if (tr->new != tr->old) {
        g_assert(tr->new == row);
        return tr->new;
    }
    copy = row_clone(row);
    tr->new = copy;
    table_put(row->table, copy);
    return copy;
}

void
ovsdb_db_txn_delete(struct ovsdb_db_txn *txn, const struct ovsdb_row *row_)
{
    struct ovsdb_row *row = (struct ovsdb_row *) row_;
    struct txn_row *tr = txn_find(txn, row->table, row_uuid(row));

    if (!tr) {
        tr = txn_add(txn, row->table, row, row, row_uuid(row));
    }
    g_assert(tr->new == row);
    table_remove(row->table, &tr->uuid);
    if (tr->new != tr->old) {
        row_free(tr->new);
    }
    tr->new = NULL;
}

static void
txn_rollback(struct ovsdb_db_txn *txn)
{
    for (size_t i = txn->rows->len; i-- > 0;) {
        struct txn_row *tr = g_ptr_array_index(txn->rows, i);

        if (tr->new == tr->old) {
            continue;
        }
        if (tr->old) {
            table_put(tr->table, tr->old);
        } else {
            table_remove(tr->table, &tr->uuid);
        }
        row_free(tr->new);
    }
    txn_free(txn);
}

void
ovsdb_db_txn_abort(struct ovsdb_db_txn *txn)
{
    if (txn) {
        txn_rollback(txn);
    }
}

/* ------------------------------------------------------------------------
 * Transactions: the commit checks. */

static void
uuid_str(const struct ovsdb_uuid *uuid, char buf[OVSDB_UUID_LEN + 1])
{
    ovsdb_uuid_to_string(uuid, buf);
}

/* Puts back the committed version of 'tr', which did not change after
 * all. */
static void
txn_row_revert(struct txn_row *tr)
{
    table_put(tr->table, tr->old);
    row_free(tr->new);
    tr->new = tr->old;
    g_free(tr->changed);
    tr->changed = NULL;
    tr->any_change = false;
}

/* Decides which columns of 'tr' changed; reverts rows that did not. */
static void
txn_row_determine_changes(struct txn_row *tr)
{
    const struct ovsdb_table_schema *ts = tr->table->schema;
    bool any = false;

    g_free(tr->changed);
    tr->changed = NULL;
    if (!tr->old || !tr->new) {
        /* Inserted or deleted: every column changed, unless both. */
        tr->any_change = tr->old || tr->new;
        return;
    }
    if (tr->old == tr->new) {
        tr->any_change = false;
        return;
    }
    tr->changed = g_malloc0(ts->n_columns);
    for (size_t i = 0; i < ts->n_columns; i++) {
        if (!ovsdb_datum_equals(&tr->old->fields[i], &tr->new->fields[i],
                                &ts->columns[i]->type)) {
            tr->changed[i] = 1;
            any = true;
        }
    }
    tr->any_change = any;
    if (!any) {
        txn_row_revert(tr);
    }
}

static bool
column_changed(const struct txn_row *tr, const struct ovsdb_column *column)
{
    return !tr->changed || tr->changed[column->index];
}

static json_t *
ref_to_nonexistent(const struct txn_row *src, const struct ovsdb_column *c,
                   const struct ovsdb_table_schema *dst_ts,
                   const struct ovsdb_uuid *dst)
{
    char a[OVSDB_UUID_LEN + 1], b[OVSDB_UUID_LEN + 1];

    uuid_str(&src->uuid, a);
    uuid_str(dst, b);
    return ovsdb_error_json("referential integrity violation",
                            "Table %s column %s row %s references "
                            "nonexistent row %s in table %s.",
                            src->table->schema->name, c->name, a, b,
                            dst_ts->name);
}

/* Adds 'delta' (+1 or -1) to the reference count of the row that 'uuid'
 * names in the table that 'base' refers to, for a reference from 'src'.
 * Increments require the row to exist now. */
static json_t *
adjust_ref(struct ovsdb_db_txn *txn, const struct txn_row *src,
           const struct ovsdb_column *column,
           const struct ovsdb_base_type *base, const struct ovsdb_uuid *uuid,
           int delta)
{
    const struct ovsdb_table_schema *dst_ts = base->u.uuid.ref_table;
    struct ovsdb_table *dst = txn->db->tables[dst_ts->index];
    struct txn_row *tr;

    if (dst == src->table && ovsdb_uuid_equals(uuid, &src->uuid)) {
        return NULL;            /* Self-references don't count. */
    }
    tr = txn_find_or_make(txn, dst, uuid);
    if (delta > 0) {
        if (!tr || !tr->new) {
            return ref_to_nonexistent(src, column, dst_ts, uuid);
        }
        tr->n_refs++;
    } else if (tr && tr->n_refs) {
        tr->n_refs--;
    }
    return NULL;
}

/* Updates reference counts for column 'column' of 'tr', which went from
 * 'old' to 'new' (either may be NULL). */
static json_t *
update_column_refs(struct ovsdb_db_txn *txn, const struct txn_row *tr,
                   const struct ovsdb_column *column,
                   const struct ovsdb_datum *old,
                   const struct ovsdb_datum *new)
{
    static const struct ovsdb_datum empty;
    const struct ovsdb_type *type = &column->type;
    json_t *error;

    old = old ? old : &empty;
    new = new ? new : &empty;

    /* Keys are sorted: a merge walk finds what was added and removed. */
    if (ovsdb_base_type_is_strong_ref(&type->key)) {
        unsigned int i = 0, j = 0;

        while (i < old->n || j < new->n) {
            int c = (i >= old->n ? 1
                     : j >= new->n ? -1
                     : ovsdb_uuid_compare(&old->keys[i].uuid,
                                          &new->keys[j].uuid));

            error = NULL;
            if (c < 0) {
                error = adjust_ref(txn, tr, column, &type->key,
                                   &old->keys[i++].uuid, -1);
            } else if (c > 0) {
                error = adjust_ref(txn, tr, column, &type->key,
                                   &new->keys[j++].uuid, +1);
            } else {
                i++;
                j++;
            }
            if (error) {
                return error;
            }
        }
    }

    /* Values are not sorted: count them all out and back in. */
    if (ovsdb_base_type_is_strong_ref(&type->value)) {
        for (unsigned int i = 0; i < old->n; i++) {
            error = adjust_ref(txn, tr, column, &type->value,
                               &old->values[i].uuid, -1);
            if (error) {
                return error;
            }
        }
        for (unsigned int i = 0; i < new->n; i++) {
            error = adjust_ref(txn, tr, column, &type->value,
                               &new->values[i].uuid, +1);
            if (error) {
                return error;
            }
        }
    }
    return NULL;
}

static json_t *
update_ref_counts(struct ovsdb_db_txn *txn)
{
    /* txn_find_or_make() appends to txn->rows, but only rows without
     * changes, which need no processing here. */
    for (size_t i = 0; i < txn->rows->len; i++) {
        struct txn_row *tr = g_ptr_array_index(txn->rows, i);
        GPtrArray *columns = tr->table->strong_columns;

        if (!tr->any_change) {
            continue;
        }
        for (size_t c = 0; c < columns->len; c++) {
            const struct ovsdb_column *column = g_ptr_array_index(columns, c);
            json_t *error;

            if (!column_changed(tr, column)) {
                continue;
            }
            error = update_column_refs(
                txn, tr, column,
                tr->old ? &tr->old->fields[column->index] : NULL,
                tr->new ? &tr->new->fields[column->index] : NULL);
            if (error) {
                return error;
            }
        }
    }
    return NULL;
}

static json_t *
check_deleted_refs(struct ovsdb_db_txn *txn)
{
    for (size_t i = 0; i < txn->rows->len; i++) {
        struct txn_row *tr = g_ptr_array_index(txn->rows, i);

        if (tr->old && !tr->new && tr->n_refs) {
            char u[OVSDB_UUID_LEN + 1];

            uuid_str(&tr->uuid, u);
            return ovsdb_error_json("referential integrity violation",
                                    "cannot delete %s row %s because of %u "
                                    "remaining reference(s)",
                                    tr->table->schema->name, u, tr->n_refs);
        }
    }
    return NULL;
}

static bool
is_garbage(const struct txn_row *tr)
{
    return tr->new && !tr->n_refs && !tr->table->schema->root;
}

/* Releases the strong references that 'atoms' (of 'base') in row 'tr' hold,
 * queueing rows that become garbage on 'work'. */
static void
release_refs(struct ovsdb_db_txn *txn, const struct txn_row *tr,
             const struct ovsdb_base_type *base,
             const union ovsdb_atom *atoms, unsigned int n, GPtrArray *work)
{
    struct ovsdb_table *dst;

    if (!ovsdb_base_type_is_strong_ref(base)) {
        return;
    }
    dst = txn->db->tables[base->u.uuid.ref_table->index];
    for (unsigned int i = 0; i < n; i++) {
        struct txn_row *target;

        if (dst == tr->table && ovsdb_uuid_equals(&atoms[i].uuid,
                                                  &tr->uuid)) {
            continue;
        }
        target = txn_find_or_make(txn, dst, &atoms[i].uuid);
        if (target && target->n_refs && !--target->n_refs
            && is_garbage(target)) {
            g_ptr_array_add(work, target);
        }
    }
}

/* Deletes rows of non-root tables that nothing strongly references, and
 * then the rows that only they referenced, and so on. */
static void
collect_garbage(struct ovsdb_db_txn *txn)
{
    GPtrArray *work = g_ptr_array_new();

    for (size_t i = 0; i < txn->rows->len; i++) {
        struct txn_row *tr = g_ptr_array_index(txn->rows, i);

        if (is_garbage(tr)) {
            g_ptr_array_add(work, tr);
        }
    }
    while (work->len) {
        struct txn_row *tr = g_ptr_array_steal_index_fast(work,
                                                          work->len - 1);
        GPtrArray *columns = tr->table->strong_columns;

        if (!is_garbage(tr)) {
            continue;
        }
        for (size_t c = 0; c < columns->len; c++) {
            const struct ovsdb_column *column = g_ptr_array_index(columns, c);
            const struct ovsdb_datum *d = &tr->new->fields[column->index];

            release_refs(txn, tr, &column->type.key, d->keys, d->n, work);
            release_refs(txn, tr, &column->type.value, d->values, d->n,
                         work);
        }
        table_remove(tr->table, &tr->uuid);
        if (tr->new != tr->old) {
            row_free(tr->new);
        }
        tr->new = NULL;
        g_free(tr->changed);
        tr->changed = NULL;
        tr->any_change = tr->old != NULL;
    }
    g_ptr_array_free(work, TRUE);
}

static json_t *
check_max_rows(struct ovsdb_db_txn *txn)
{
    const struct ovsdb_schema *schema = txn->db->schema;

    for (size_t i = 0; i < schema->n_tables; i++) {
        const struct ovsdb_table *table = txn->db->tables[i];
        unsigned int n_rows = g_hash_table_size(table->rows);

        if (txn->by_table[i] && n_rows > table->schema->max_rows) {
            return ovsdb_error_json("constraint violation",
                                    "transaction causes \"%s\" table to "
                                    "contain %u rows, greater than the "
                                    "schema-defined limit of %u row(s)",
                                    table->schema->name, n_rows,
                                    table->schema->max_rows);
        }
    }
    return NULL;
}

static bool
ref_exists(const struct ovsdb_db *db, const struct ovsdb_base_type *base,
           const union ovsdb_atom *atom)
{
    const struct ovsdb_table *dst = db->tables[base->u.uuid.ref_table->index];

    return g_hash_table_contains(dst->rows, &atom->uuid);
}

/* True if 'datum' of 'column' holds a weak reference to a missing row. */
static bool
has_dangling_weak_refs(const struct ovsdb_db *db,
                       const struct ovsdb_column *column,
                       const struct ovsdb_datum *datum)
{
    const struct ovsdb_type *type = &column->type;
    bool weak_key = ovsdb_base_type_is_weak_ref(&type->key);
    bool weak_value = ovsdb_base_type_is_weak_ref(&type->value);

    for (unsigned int i = 0; i < datum->n; i++) {
        if ((weak_key && !ref_exists(db, &type->key, &datum->keys[i]))
            || (weak_value
                && !ref_exists(db, &type->value, &datum->values[i]))) {
            return true;
        }
    }
    return false;
}

/* Removes from 'datum' of 'column' the elements that weakly refer to
 * missing rows.  Returns the number removed. */
static unsigned int
remove_dangling_weak_refs(const struct ovsdb_db *db,
                          const struct ovsdb_column *column,
                          struct ovsdb_datum *datum)
{
    const struct ovsdb_type *type = &column->type;
    bool weak_key = ovsdb_base_type_is_weak_ref(&type->key);
    bool weak_value = ovsdb_base_type_is_weak_ref(&type->value);
    unsigned int k = 0, n = datum->n;

    for (unsigned int i = 0; i < n; i++) {
        bool keep
            = ((!weak_key || ref_exists(db, &type->key, &datum->keys[i]))
               && (!weak_value
                   || ref_exists(db, &type->value, &datum->values[i])));

        if (!keep) {
            ovsdb_atom_destroy(&datum->keys[i], type->key.type);
            if (datum->values) {
                ovsdb_atom_destroy(&datum->values[i], type->value.type);
            }
            continue;
        }
        datum->keys[k] = datum->keys[i];
        if (datum->values) {
            datum->values[k] = datum->values[i];
        }
        k++;
    }
    datum->n = k;
    return n - k;
}

/* Removes the dangling weak references of every weak column of the current
 * version of 'tr' (only changed columns if 'only_changed').  Returns an
 * error if a column falls below its minimum count. */
static json_t *
fix_weak_refs(struct ovsdb_db_txn *txn, struct txn_row *tr,
              bool only_changed, bool *fixedp)
{
    GPtrArray *columns = tr->table->weak_columns;

    for (size_t c = 0; c < columns->len; c++) {
        const struct ovsdb_column *column = g_ptr_array_index(columns, c);
        unsigned int removed;
        struct ovsdb_datum *datum;

        if ((only_changed && !column_changed(tr, column))
            || !has_dangling_weak_refs(txn->db, column,
                                       &tr->new->fields[column->index])) {
            continue;
        }
        if (tr->new == tr->old) {
            ovsdb_db_txn_modify(txn, tr->new);
        }
        datum = &tr->new->fields[column->index];
        removed = remove_dangling_weak_refs(txn->db, column, datum);
        *fixedp = true;
        if (datum->n < column->type.n_min) {
            char u[OVSDB_UUID_LEN + 1];

            uuid_str(&tr->uuid, u);
            return ovsdb_error_json(
                "constraint violation",
                "Deletion of %u weak reference(s) to deleted (or "
                "never-existing) rows from column \"%s\" in \"%s\" row %s "
                "%scaused this column to have %u value(s), fewer than its "
                "minimum of %u.", removed, column->name,
                tr->table->schema->name, u,
                tr->old ? "" : "(inserted within this transaction) ",
                datum->n, column->type.n_min);
        }
    }
    return NULL;
}

static json_t *
assess_weak_refs(struct ovsdb_db_txn *txn)
{
    const struct ovsdb_schema *schema = txn->db->schema;
    bool *deleted = g_new0(bool, schema->n_tables + 1);
    GPtrArray *fixed = g_ptr_array_new();
    json_t *error = NULL;

    for (size_t i = 0; i < txn->rows->len; i++) {
        struct txn_row *tr = g_ptr_array_index(txn->rows, i);

        if (tr->old && !tr->new) {
            deleted[tr->table->schema->index] = true;
        }
    }

    /* Rows anywhere that refer weakly to deleted rows. */
    for (size_t t = 0; t < schema->n_tables && !error; t++) {
        struct ovsdb_table *table = txn->db->tables[t];
        GPtrArray *columns = table->weak_columns;
        GHashTableIter iter;
        GPtrArray *rows;
        bool scan = false;
        gpointer row_;

        for (size_t c = 0; c < columns->len; c++) {
            const struct ovsdb_column *column = g_ptr_array_index(columns, c);
            const struct ovsdb_type *type = &column->type;

            scan |= (ovsdb_base_type_is_weak_ref(&type->key)
                     && deleted[type->key.u.uuid.ref_table->index]);
            scan |= (ovsdb_base_type_is_weak_ref(&type->value)
                     && deleted[type->value.u.uuid.ref_table->index]);
        }
        if (!scan) {
            continue;
        }

        rows = g_ptr_array_new();
        g_hash_table_iter_init(&iter, table->rows);
        while (g_hash_table_iter_next(&iter, NULL, &row_)) {
            const struct ovsdb_row *row = row_;

            for (size_t c = 0; c < columns->len; c++) {
                const struct ovsdb_column *column
                    = g_ptr_array_index(columns, c);

                if (has_dangling_weak_refs(txn->db, column,
                                           &row->fields[column->index])) {
                    g_ptr_array_add(rows, row_);
                    break;
                }
            }
        }
        for (size_t r = 0; r < rows->len && !error; r++) {
            const struct ovsdb_row *row = g_ptr_array_index(rows, r);
            struct txn_row *tr = txn_find_or_make(txn, table,
                                                  row_uuid(row));
            bool fixed_any = false;

            error = fix_weak_refs(txn, tr, false, &fixed_any);
            if (fixed_any) {
                g_ptr_array_add(fixed, tr);
            }
        }
        g_ptr_array_free(rows, TRUE);
    }

    /* Inserted and modified rows that refer weakly to missing rows. */
    for (size_t i = 0; i < txn->rows->len && !error; i++) {
        struct txn_row *tr = g_ptr_array_index(txn->rows, i);
        bool fixed_any = false;

        if (tr->new && tr->any_change && tr->table->weak_columns->len) {
            error = fix_weak_refs(txn, tr, true, &fixed_any);
            if (fixed_any) {
                g_ptr_array_add(fixed, tr);
            }
        }
    }

    /* What changed may be different now. */
    for (size_t i = 0; i < fixed->len && !error; i++) {
        struct txn_row *tr = g_ptr_array_index(fixed, i);

        if (tr->old && tr->new) {
            txn_row_determine_changes(tr);
        }
    }

    g_ptr_array_free(fixed, TRUE);
    g_free(deleted);
    return error;
}

static void
index_values_to_gstring(const struct ovsdb_row *row,
                        const struct ovsdb_index_schema *idx, GString *s)
{
    for (size_t i = 0; i < idx->n_columns; i++) {
        const struct ovsdb_column *column = idx->columns[i];
        json_t *json = ovsdb_datum_to_json(&row->fields[column->index],
                                           &column->type);
        char *text = json_dumps(json, JSON_COMPACT | JSON_ENCODE_ANY);

        g_string_append_printf(s, "%s%s=%s", i ? ", " : "", column->name,
                               text ? text : "?");
        free(text);
        json_decref(json);
    }
}

static json_t *
duplicate_index_error(const struct ovsdb_index_schema *idx,
                      const struct ovsdb_row *a, const struct ovsdb_row *b)
{
    char ua[OVSDB_UUID_LEN + 1], ub[OVSDB_UUID_LEN + 1];
    GString *s = g_string_new(NULL);
    json_t *error;

    if (ovsdb_uuid_compare(row_uuid(a), row_uuid(b)) > 0) {
        const struct ovsdb_row *tmp = a;

        a = b;
        b = tmp;
    }
    uuid_str(row_uuid(a), ua);
    uuid_str(row_uuid(b), ub);
    g_string_append_printf(s, "Transaction causes multiple rows in \"%s\" "
                           "table to have identical values (",
                           a->table->schema->name);
    index_values_to_gstring(a, idx, s);
    g_string_append_printf(s, ") for an index: rows %s and %s.", ua, ub);
    error = ovsdb_error_json("constraint violation", "%s", s->str);
    g_string_free(s, TRUE);
    return error;
}

static json_t *
check_indexes(struct ovsdb_db_txn *txn)
{
    const struct ovsdb_schema *schema = txn->db->schema;
    json_t *error = NULL;

    for (size_t t = 0; t < schema->n_tables && !error; t++) {
        struct ovsdb_table *table = txn->db->tables[t];
        const struct ovsdb_table_schema *ts = table->schema;

        if (!ts->n_indexes || !txn->by_table[t]) {
            continue;
        }
        for (size_t x = 0; x < ts->n_indexes && !error; x++) {
            GHashTable *seen = g_hash_table_new(index_node_hash,
                                                index_node_equal);

            for (size_t i = 0; i < txn->rows->len && !error; i++) {
                struct txn_row *tr = g_ptr_array_index(txn->rows, i);
                struct index_node *node, *match;

                if (tr->table != table || !tr->new || !tr->any_change) {
                    continue;
                }
                node = &tr->new->index_nodes[x];

                /* Two changed rows alike? */
                match = g_hash_table_lookup(seen, node);
                if (match) {
                    error = duplicate_index_error(&ts->indexes[x],
                                                  match->row, tr->new);
                    break;
                }
                g_hash_table_add(seen, node);

                /* A committed row alike that stays as it is? */
                match = g_hash_table_lookup(table->indexes[x], node);
                if (match
                    && !ovsdb_uuid_equals(row_uuid(match->row), &tr->uuid)) {
                    struct txn_row *other
                        = txn_find(txn, table, row_uuid(match->row));

                    if (!other || !other->any_change) {
                        error = duplicate_index_error(&ts->indexes[x],
                                                      match->row, tr->new);
                    }
                }
            }
            g_hash_table_destroy(seen);
        }
    }
    return error;
}

static void
update_versions(struct ovsdb_db_txn *txn)
{
    for (size_t i = 0; i < txn->rows->len; i++) {
        struct txn_row *tr = g_ptr_array_index(txn->rows, i);
        struct ovsdb_uuid *version;

        if (!tr->any_change || !tr->old || !tr->new) {
            continue;
        }
        version = &tr->new->fields[OVSDB_COL_VERSION].keys[0].uuid;
        if (ovsdb_uuid_equals(version, ovsdb_row_get_version(tr->old))) {
            ovsdb_db_generate_uuid(txn->db, version);
        }
        tr->changed[OVSDB_COL_VERSION] = 1;
    }
}

static json_t *
build_changes(struct ovsdb_db_txn *txn)
{
    json_t *changes = NULL;

    for (size_t i = 0; i < txn->rows->len; i++) {
        struct txn_row *tr = g_ptr_array_index(txn->rows, i);
        char u[OVSDB_UUID_LEN + 1];
        json_t *table, *row;

        if (!tr->any_change) {
            continue;
        }
        if (!changes) {
            changes = json_object();
        }
        table = json_object_get(changes, tr->table->schema->name);
        if (!table) {
            table = json_object();
            json_object_set_new(changes, tr->table->schema->name, table);
        }
        row = json_object();
        if (tr->old) {
            json_object_set_new(row, "old",
                                row_to_json_masked(tr->old, tr->changed,
                                                   ROW_NO_UUID));
        }
        if (tr->new) {
            /* A new row's columns at their defaults say nothing that
             * replaying the insert would not restore: leave them out
             * (most of an Interface's columns, for one). */
            json_object_set_new(row, "new",
                                row_to_json_masked(tr->new, tr->changed,
                                                   ROW_NO_UUID
                                                   | (tr->old ? 0
                                                      : ROW_NO_DEFAULTS)));
        }
        uuid_str(&tr->uuid, u);
        json_object_set_new(table, u, row);
    }
    return changes;
}

static void
txn_finish(struct ovsdb_db_txn *txn)
{
    /* Take the old versions out of the indexes before putting the new ones
     * in, since an old and a new version may have equal index values. */
    for (size_t i = 0; i < txn->rows->len; i++) {
        struct txn_row *tr = g_ptr_array_index(txn->rows, i);

        if (tr->old && tr->old != tr->new) {
            for (size_t x = 0; x < tr->table->schema->n_indexes; x++) {
                g_hash_table_remove(tr->table->indexes[x],
                                    &tr->old->index_nodes[x]);
            }
        }
    }
    for (size_t i = 0; i < txn->rows->len; i++) {
        struct txn_row *tr = g_ptr_array_index(txn->rows, i);

        if (tr->new) {
            if (tr->new != tr->old) {
                for (size_t x = 0; x < tr->table->schema->n_indexes; x++) {
                    g_hash_table_add(tr->table->indexes[x],
                                     &tr->new->index_nodes[x]);
                }
            }
            tr->new->n_refs = tr->n_refs;
        }
        if (tr->old && tr->old != tr->new) {
            row_free(tr->old);
        }
    }
    txn_free(txn);
}

int
ovsdb_db_txn_commit(struct ovsdb_db_txn *txn, json_t **changesp,
                    json_t **errorp)
{
    json_t *error;

    for (size_t i = 0; i < txn->rows->len; i++) {
        txn_row_determine_changes(g_ptr_array_index(txn->rows, i));
    }
    error = update_ref_counts(txn);
    if (!error) {
        error = check_deleted_refs(txn);
    }
    if (!error) {
        collect_garbage(txn);
        error = check_max_rows(txn);
    }
    if (!error) {
        error = assess_weak_refs(txn);
    }
    if (!error) {
        error = check_indexes(txn);
    }
    if (error) {
        txn_rollback(txn);
        if (errorp) {
            *errorp = error;
        } else {
            json_decref(error);
        }
        return -EINVAL;
    }

    update_versions(txn);
    if (changesp) {
        *changesp = build_changes(txn);
    }
    txn_finish(txn);
    return 0;
}

/* ------------------------------------------------------------------------
 * Snapshots and replay. */

json_t *
ovsdb_db_to_json(const struct ovsdb_db *db)
{
    json_t *json = json_object();

    for (size_t t = 0; t < db->schema->n_tables; t++) {
        const struct ovsdb_table *table = db->tables[t];
        GHashTableIter iter;
        gpointer row;
        json_t *rows;

        if (!g_hash_table_size(table->rows)) {
            continue;
        }
        rows = json_object();
        g_hash_table_iter_init(&iter, table->rows);
        while (g_hash_table_iter_next(&iter, NULL, &row)) {
            char u[OVSDB_UUID_LEN + 1];

            uuid_str(row_uuid(row), u);
            json_object_set_new(rows, u,
                                row_to_json_masked(row, NULL,
                                                   ROW_NO_UUID
                                                   | ROW_NO_EPHEMERAL
                                                   | ROW_NO_DEFAULTS));
        }
        json_object_set_new(json, table->schema->name, rows);
    }
    return json;
}

static int
apply_row(struct ovsdb_db_txn *txn, struct ovsdb_table *table,
          const char *uuid_s, const json_t *value, char **errp)
{
    const struct ovsdb_table_schema *ts = table->schema;
    const struct ovsdb_row *row;
    struct ovsdb_row *rw;
    struct ovsdb_uuid uuid;
    const char *name;
    json_t *cell;

    if (!ovsdb_uuid_from_string(&uuid, uuid_s)) {
        *errp = g_strdup_printf("table %s: \"%s\" is not a UUID", ts->name,
                                uuid_s);
        return -EINVAL;
    }
    row = ovsdb_table_get_row(table, &uuid);
    if (json_is_null(value)) {
        if (!row) {
            *errp = g_strdup_printf("table %s: cannot delete missing row %s",
                                    ts->name, uuid_s);
            return -EINVAL;
        }
        ovsdb_db_txn_delete(txn, row);
        return 0;
    } else if (!json_is_object(value)) {
        *errp = g_strdup_printf("table %s row %s: expected an object or "
                                "null", ts->name, uuid_s);
        return -EINVAL;
    }

    rw = row ? ovsdb_db_txn_modify(txn, row)
         : ovsdb_db_txn_insert(txn, table, &uuid);
    if (!rw) {
        *errp = g_strdup_printf("table %s: row %s was deleted earlier in "
                                "the same change set", ts->name, uuid_s);
        return -EINVAL;
    }
    json_object_foreach ((json_t *) value, name, cell) {
        const struct ovsdb_column *column
            = ovsdb_table_schema_get_column(ts, name);
        struct ovsdb_datum datum;
        char *msg = NULL;
        int error;

        if (!column || column->index == OVSDB_COL_UUID) {
            *errp = g_strdup_printf("table %s row %s: no column \"%s\" to "
                                    "set", ts->name, uuid_s, name);
            return -EINVAL;
        }
        error = ovsdb_datum_from_json(&datum, &column->type, cell, NULL,
                                      &msg);
        if (!error) {
            error = ovsdb_datum_check_constraints(&datum, &column->type,
                                                  &msg);
            if (error) {
                ovsdb_datum_destroy(&datum, &column->type);
            }
        }
        if (error) {
            *errp = g_strdup_printf("table %s row %s column %s: %s",
                                    ts->name, uuid_s, name, msg);
            g_free(msg);
            return -EINVAL;
        }
        ovsdb_datum_swap(&rw->fields[column->index], &datum);
        ovsdb_datum_destroy(&datum, &column->type);
    }
    return 0;
}

int
ovsdb_db_apply_changes(struct ovsdb_db *db, const json_t *changes,
                       json_t **changesp, char **errp)
{
    struct ovsdb_db_txn *txn;
    const char *table_name;
    json_t *rows, *error_json = NULL;
    int error = 0;

    if (!json_is_object(changes)) {
        *errp = g_strdup("change set must be a JSON object");
        return -EINVAL;
    }
    txn = ovsdb_db_txn_begin(db);
    json_object_foreach ((json_t *) changes, table_name, rows) {
        struct ovsdb_table *table = ovsdb_db_get_table(db, table_name);
        const char *uuid_s;
        json_t *value;

        if (!table) {
            *errp = g_strdup_printf("no table \"%s\"", table_name);
            error = -EINVAL;
            break;
        }
        if (!json_is_object(rows)) {
            *errp = g_strdup_printf("table %s: rows must be a JSON object",
                                    table_name);
            error = -EINVAL;
            break;
        }
        json_object_foreach (rows, uuid_s, value) {
            error = apply_row(txn, table, uuid_s, value, errp);
            if (error) {
                break;
            }
        }
        if (error) {
            break;
        }
    }
    if (error) {
        ovsdb_db_txn_abort(txn);
        return error;
    }

    error = ovsdb_db_txn_commit(txn, changesp, &error_json);
    if (error) {
        *errp = g_strdup_printf(
            "%s: %s",
            json_string_value(json_object_get(error_json, "error")),
            json_string_value(json_object_get(error_json, "details")));
        json_decref(error_json);
    }
    return error;
}

json_t *
ovsdb_db_changes_to_log(const struct ovsdb_db *db, const json_t *changes)
{
    json_t *log = json_object();
    const char *table_name;
    json_t *rows;

    json_object_foreach ((json_t *) changes, table_name, rows) {
        const struct ovsdb_table_schema *ts
            = ovsdb_schema_get_table(db->schema, table_name);
        json_t *log_rows = json_object();
        const char *uuid_s;
        json_t *change;

        json_object_foreach (rows, uuid_s, change) {
            const json_t *new = json_object_get(change, "new");
            const char *column_name;
            json_t *value, *row;

            if (!new) {
                json_object_set_new(log_rows, uuid_s, json_null());
                continue;
            }
            row = json_object();
            json_object_foreach ((json_t *) new, column_name, value) {
                const struct ovsdb_column *column
                    = ts ? ovsdb_table_schema_get_column(ts, column_name)
                    : NULL;

                if (!column || !column->ephemeral) {
                    json_object_set(row, column_name, value);
                }
            }
            if (json_object_get(change, "old")
                && json_object_size(row)
                   == (json_object_get(row, "_version") ? 1 : 0)) {
                json_decref(row);   /* Only ephemeral columns changed. */
                continue;
            }
            json_object_set_new(log_rows, uuid_s, row);
        }
        if (json_object_size(log_rows)) {
            json_object_set_new(log, table_name, log_rows);
        } else {
            json_decref(log_rows);
        }
    }
    return log;
}
