/* ovsdb-schema.h -- an OVSDB database schema (RFC 7047 section 3.2).
 *
 * A schema names the database and its version and lists tables; a table
 * lists columns (each with a type and the "mutable" and "ephemeral" flags),
 * an optional row limit, whether it is a root table for garbage collection,
 * and indexes (sets of columns whose values must be unique across rows).
 * Every table also has the implicit columns "_uuid" and "_version", at
 * indexes OVSDB_COL_UUID and OVSDB_COL_VERSION; declared columns follow in
 * the order of the schema JSON.  A parsed schema is immutable. */
#ifndef VSWITCH_OVSDB_SCHEMA_H
#define VSWITCH_OVSDB_SCHEMA_H 1

#include <glib.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "ovsdb-types.h"

#define OVSDB_COL_UUID 0
#define OVSDB_COL_VERSION 1
#define OVSDB_N_STD_COLUMNS 2

struct ovsdb_column {
    char *name;
    unsigned int index;         /* In the table's 'columns'. */
    struct ovsdb_type type;
    bool is_mutable;            /* "mutable": false forbids update/mutate. */
    bool ephemeral;             /* "ephemeral": not written to snapshots. */
};

struct ovsdb_index_schema {
    size_t n_columns;
    const struct ovsdb_column **columns;
};

struct ovsdb_table_schema {
    char *name;
    unsigned int index;         /* In the schema's 'tables'. */
    size_t n_columns;           /* Including _uuid and _version. */
    struct ovsdb_column **columns;
    GHashTable *column_by_name;
    unsigned int max_rows;      /* UINT_MAX when unlimited. */
    bool is_root;               /* As declared ("isRoot"). */
    bool root;                  /* In effect: every table is a root when
                                 * the schema declares none. */
    size_t n_indexes;
    struct ovsdb_index_schema *indexes;
};

struct ovsdb_schema {
    char *name;
    char *version;              /* NULL if absent. */
    char *cksum;                /* NULL if absent. */
    size_t n_tables;
    struct ovsdb_table_schema **tables;
    GHashTable *table_by_name;
};

/* Parses a <database-schema>.  On success returns 0 and stores a new schema
 * in '*schemap' (free with ovsdb_schema_destroy()).  On failure returns
 * -EINVAL and stores in '*errp' a message naming the table and column at
 * fault (free with g_free()). */
int ovsdb_schema_from_json(const json_t *json, struct ovsdb_schema **schemap,
                           char **errp);

/* Returns the schema as JSON, as the "get_schema" method answers.  The
 * caller owns the result. */
json_t *ovsdb_schema_to_json(const struct ovsdb_schema *schema);

void ovsdb_schema_destroy(struct ovsdb_schema *schema);

/* Lookups: NULL if there is no such table or column. */
const struct ovsdb_table_schema *ovsdb_schema_get_table(
    const struct ovsdb_schema *schema, const char *name);
const struct ovsdb_column *ovsdb_table_schema_get_column(
    const struct ovsdb_table_schema *table, const char *name);

#endif /* vswitch/ovsdb-schema.h */
