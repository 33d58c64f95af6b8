/* ovsdb-schema.c -- parsing, serialising and looking up an OVSDB schema.
 *
 * Column types come from ovsdb-types.c; this file adds the structure above
 * them (tables, columns, indexes), the implicit "_uuid" and "_version"
 * columns, and the resolution of each reference's "refTable" name to the
 * table it names.  ovsdb-db.c instantiates a schema as a database.  Every
 * error message says which table and column it concerns. */
#include <config.h>

#include "ovsdb-schema.h"

#include <errno.h>
#include <string.h>

/* <version>: [0-9]+\.[0-9]+\.[0-9]+ */
static bool
is_version(const char *s)
{
    for (int part = 0; part < 3; part++) {
        if (!g_ascii_isdigit(*s)) {
            return false;
        }
        while (g_ascii_isdigit(*s)) {
            s++;
        }
        if (part < 2 && *s++ != '.') {
            return false;
        }
    }
    return *s == '\0';
}

static void
column_free(struct ovsdb_column *column)
{
    if (column) {
        g_free(column->name);
        ovsdb_type_destroy(&column->type);
        g_free(column);
    }
}

static struct ovsdb_column *
column_create(const char *name, unsigned int index)
{
    struct ovsdb_column *column = g_new0(struct ovsdb_column, 1);

    column->name = g_strdup(name);
    column->index = index;
    column->is_mutable = true;
    ovsdb_type_init(&column->type, OVSDB_TYPE_VOID);
    return column;
}

static void
table_schema_free(struct ovsdb_table_schema *ts)
{
    if (!ts) {
        return;
    }
    for (size_t i = 0; i < ts->n_indexes; i++) {
        g_free(ts->indexes[i].columns);
    }
    g_free(ts->indexes);
    for (size_t i = 0; i < ts->n_columns; i++) {
        column_free(ts->columns[i]);
    }
    g_free(ts->columns);
    if (ts->column_by_name) {
        g_hash_table_destroy(ts->column_by_name);
    }
    g_free(ts->name);
    g_free(ts);
}

static void
table_add_column(struct ovsdb_table_schema *ts, struct ovsdb_column *column)
{
    ts->columns = g_renew(struct ovsdb_column *, ts->columns,
                          ts->n_columns + 1);
    ts->columns[ts->n_columns++] = column;
    g_hash_table_insert(ts->column_by_name, column->name, column);
}

static int
column_from_json(struct ovsdb_column *column, const json_t *json,
                 const char *where, char **errp)
{
    static const char *const members[] = {
        "type", "ephemeral", "mutable", NULL
    };
    const json_t *type, *ephemeral, *mutable_;
    char *msg = NULL;
    int error;

    if (!json_is_object(json)) {
        *errp = g_strdup_printf("%scolumn schema must be an object", where);
        return -EINVAL;
    }
    error = ovsdb_json_check_members(json, members, where, errp);
    if (error) {
        return error;
    }
    type = json_object_get(json, "type");
    ephemeral = json_object_get(json, "ephemeral");
    mutable_ = json_object_get(json, "mutable");
    if (!type) {
        *errp = g_strdup_printf("%s\"type\" is missing", where);
        return -EINVAL;
    }
    if ((ephemeral && !json_is_boolean(ephemeral))
        || (mutable_ && !json_is_boolean(mutable_))) {
        *errp = g_strdup_printf("%s\"ephemeral\" and \"mutable\" must be "
                                "booleans", where);
        return -EINVAL;
    }
    column->ephemeral = ephemeral && json_is_true(ephemeral);
    column->is_mutable = !mutable_ || json_is_true(mutable_);

    ovsdb_type_destroy(&column->type);
    error = ovsdb_type_from_json(&column->type, type, &msg);
    if (error) {
        *errp = g_strdup_printf("%s%s", where, msg);
        g_free(msg);
    }
    return error;
}

static int
index_from_json(struct ovsdb_table_schema *ts, struct ovsdb_index_schema *idx,
                const json_t *json, size_t n, char **errp)
{
    size_t i;

    if (!json_is_array(json) || !json_array_size(json)) {
        *errp = g_strdup_printf("table %s: index %zu must be a nonempty "
                                "array of column names", ts->name, n + 1);
        return -EINVAL;
    }
    idx->n_columns = json_array_size(json);
    idx->columns = g_new(const struct ovsdb_column *, idx->n_columns);
    for (i = 0; i < idx->n_columns; i++) {
        const json_t *name = json_array_get(json, i);
        const struct ovsdb_column *column;

        column = (json_is_string(name)
                  ? ovsdb_table_schema_get_column(ts,
                                                  json_string_value(name))
                  : NULL);
        if (!column) {
            *errp = g_strdup_printf("table %s: index %zu names a column "
                                    "that does not exist", ts->name, n + 1);
            return -EINVAL;
        }
        if (column->ephemeral) {
            *errp = g_strdup_printf("table %s column %s: ephemeral columns "
                                    "may not be indexed", ts->name,
                                    column->name);
            return -EINVAL;
        }
        for (size_t j = 0; j < i; j++) {
            if (idx->columns[j] == column) {
                *errp = g_strdup_printf("table %s: index %zu names column "
                                        "%s twice", ts->name, n + 1,
                                        column->name);
                return -EINVAL;
            }
        }
        idx->columns[i] = column;
    }
    return 0;
}

static int
table_schema_from_json(const char *name, const json_t *json,
                       struct ovsdb_table_schema **tsp, char **errp)
{
    static const char *const members[] = {
        "columns", "maxRows", "isRoot", "indexes", NULL
    };
    struct ovsdb_table_schema *ts;
    const json_t *columns, *max_rows, *is_root, *indexes, *value;
    char *where = g_strdup_printf("table %s: ", name);
    const char *column_name;
    int error;

    ts = g_new0(struct ovsdb_table_schema, 1);
    ts->name = g_strdup(name);
    ts->max_rows = UINT_MAX;
    ts->column_by_name = g_hash_table_new(g_str_hash, g_str_equal);

    if (!json_is_object(json)) {
        *errp = g_strdup_printf("%stable schema must be an object", where);
        error = -EINVAL;
        goto out;
    }
    error = ovsdb_json_check_members(json, members, where, errp);
    if (error) {
        goto out;
    }
    columns = json_object_get(json, "columns");
    max_rows = json_object_get(json, "maxRows");
    is_root = json_object_get(json, "isRoot");
    indexes = json_object_get(json, "indexes");

    if (!columns || !json_is_object(columns) || !json_object_size(columns)) {
        *errp = g_strdup_printf("%s\"columns\" must be an object with at "
                                "least one column", where);
        error = -EINVAL;
        goto out;
    }
    if (max_rows) {
        if (!json_is_integer(max_rows) || json_integer_value(max_rows) < 1
            || json_integer_value(max_rows) > UINT_MAX) {
            *errp = g_strdup_printf("%s\"maxRows\" must be a positive "
                                    "integer", where);
            error = -EINVAL;
            goto out;
        }
        ts->max_rows = (unsigned int) json_integer_value(max_rows);
    }
    if (is_root) {
        if (!json_is_boolean(is_root)) {
            *errp = g_strdup_printf("%s\"isRoot\" must be a boolean", where);
            error = -EINVAL;
            goto out;
        }
        ts->is_root = json_is_true(is_root);
    }

    /* The implicit columns. */
    for (unsigned int i = 0; i < OVSDB_N_STD_COLUMNS; i++) {
        struct ovsdb_column *column;

        column = column_create(i == OVSDB_COL_UUID ? "_uuid" : "_version", i);
        ovsdb_type_init(&column->type, OVSDB_TYPE_UUID);
        column->is_mutable = false;
        table_add_column(ts, column);
    }

    json_object_foreach ((json_t *) columns, column_name, value) {
        struct ovsdb_column *column;
        char *cwhere;

        if (!ovsdb_is_id(column_name) || column_name[0] == '_') {
            *errp = g_strdup_printf("%s\"%s\" is not a valid column name "
                                    "(names are [a-zA-Z][a-zA-Z0-9_]*)",
                                    where, column_name);
            error = -EINVAL;
            goto out;
        }
        column = column_create(column_name, (unsigned int) ts->n_columns);
        cwhere = g_strdup_printf("table %s column %s: ", name, column_name);
        error = column_from_json(column, value, cwhere, errp);
        g_free(cwhere);
        if (error) {
            column_free(column);
            goto out;
        }
        table_add_column(ts, column);
    }

    if (indexes) {
        if (!json_is_array(indexes)) {
            *errp = g_strdup_printf("%s\"indexes\" must be an array", where);
            error = -EINVAL;
            goto out;
        }
        ts->indexes = g_new0(struct ovsdb_index_schema,
                             json_array_size(indexes) + 1);
        for (size_t i = 0; i < json_array_size(indexes); i++) {
            error = index_from_json(ts, &ts->indexes[i],
                                    json_array_get(indexes, i), i, errp);
            ts->n_indexes++;
            if (error) {
                goto out;
            }
        }
    }

out:
    g_free(where);
    if (error) {
        table_schema_free(ts);
    } else {
        *tsp = ts;
    }
    return error;
}

static int
resolve_ref(const struct ovsdb_schema *schema,
            const struct ovsdb_table_schema *ts,
            const struct ovsdb_column *column, struct ovsdb_base_type *base,
            char **errp)
{
    const char *name;

    if (base->type != OVSDB_TYPE_UUID || !base->u.uuid.ref_table_name) {
        return 0;
    }
    name = base->u.uuid.ref_table_name;
    base->u.uuid.ref_table = ovsdb_schema_get_table(schema, name);
    if (!base->u.uuid.ref_table) {
        *errp = g_strdup_printf("table %s column %s: refTable \"%s\" is not "
                                "a table in this schema", ts->name,
                                column->name, name);
        return -EINVAL;
    }
    return 0;
}

int
ovsdb_schema_from_json(const json_t *json, struct ovsdb_schema **schemap,
                       char **errp)
{
    static const char *const members[] = {
        "name", "version", "cksum", "tables", NULL
    };
    struct ovsdb_schema *schema;
    const json_t *name, *version, *cksum, *tables, *value;
    const char *table_name;
    bool any_root = false;
    int error;

    if (!json_is_object(json)) {
        *errp = g_strdup("schema must be a JSON object");
        return -EINVAL;
    }
    error = ovsdb_json_check_members(json, members, "schema: ", errp);
    if (error) {
        return error;
    }
    name = json_object_get(json, "name");
    version = json_object_get(json, "version");
    cksum = json_object_get(json, "cksum");
    tables = json_object_get(json, "tables");
    if (!name || !json_is_string(name) || !ovsdb_is_id(json_string_value(name))) {
        *errp = g_strdup("schema: \"name\" must be an identifier");
        return -EINVAL;
    }
    if (version && (!json_is_string(version)
                    || !is_version(json_string_value(version)))) {
        *errp = g_strdup("schema: \"version\" must be a string of the form "
                         "x.y.z");
        return -EINVAL;
    }
    if (cksum && !json_is_string(cksum)) {
        *errp = g_strdup("schema: \"cksum\" must be a string");
        return -EINVAL;
    }
    if (!tables || !json_is_object(tables)) {
        *errp = g_strdup("schema: \"tables\" must be an object");
        return -EINVAL;
    }

    schema = g_new0(struct ovsdb_schema, 1);
    schema->name = g_strdup(json_string_value(name));
    schema->version = version ? g_strdup(json_string_value(version)) : NULL;
    schema->cksum = cksum ? g_strdup(json_string_value(cksum)) : NULL;
    schema->table_by_name = g_hash_table_new(g_str_hash, g_str_equal);
    schema->tables = g_new(struct ovsdb_table_schema *,
                           json_object_size(tables) + 1);

    json_object_foreach ((json_t *) tables, table_name, value) {
        struct ovsdb_table_schema *ts;

        if (!ovsdb_is_id(table_name) || table_name[0] == '_') {
            *errp = g_strdup_printf("schema: \"%s\" is not a valid table "
                                    "name (names are [a-zA-Z][a-zA-Z0-9_]*)",
                                    table_name);
            error = -EINVAL;
            goto out;
        }
        error = table_schema_from_json(table_name, value, &ts, errp);
        if (error) {
            goto out;
        }
        ts->index = (unsigned int) schema->n_tables;
        schema->tables[schema->n_tables++] = ts;
        g_hash_table_insert(schema->table_by_name, ts->name, ts);
        any_root |= ts->is_root;
    }

    for (size_t t = 0; t < schema->n_tables; t++) {
        struct ovsdb_table_schema *ts = schema->tables[t];

        /* Schemas from before "isRoot" existed have no garbage collection:
         * then every table is a root. */
        ts->root = ts->is_root || !any_root;
        for (size_t c = 0; c < ts->n_columns; c++) {
            struct ovsdb_column *column = ts->columns[c];

            error = resolve_ref(schema, ts, column, &column->type.key, errp);
            if (!error) {
                error = resolve_ref(schema, ts, column, &column->type.value,
                                    errp);
            }
            if (error) {
                goto out;
            }
        }
    }

out:
    if (error) {
        ovsdb_schema_destroy(schema);
    } else {
        *schemap = schema;
    }
    return error;
}

static json_t *
column_to_json(const struct ovsdb_column *column)
{
    json_t *json = json_object();

    json_object_set_new(json, "type", ovsdb_type_to_json(&column->type));
    if (column->ephemeral) {
        json_object_set_new(json, "ephemeral", json_true());
    }
    if (!column->is_mutable) {
        json_object_set_new(json, "mutable", json_false());
    }
    return json;
}

static json_t *
table_schema_to_json(const struct ovsdb_table_schema *ts)
{
    json_t *json = json_object();
    json_t *columns = json_object();

    for (size_t i = OVSDB_N_STD_COLUMNS; i < ts->n_columns; i++) {
        json_object_set_new(columns, ts->columns[i]->name,
                            column_to_json(ts->columns[i]));
    }
    json_object_set_new(json, "columns", columns);
    if (ts->max_rows != UINT_MAX) {
        json_object_set_new(json, "maxRows", json_integer(ts->max_rows));
    }
    if (ts->is_root) {
        json_object_set_new(json, "isRoot", json_true());
    }
    if (ts->n_indexes) {
        json_t *indexes = json_array();

        for (size_t i = 0; i < ts->n_indexes; i++) {
            const struct ovsdb_index_schema *idx = &ts->indexes[i];
            json_t *names = json_array();

            for (size_t j = 0; j < idx->n_columns; j++) {
                json_array_append_new(names,
                                      json_string(idx->columns[j]->name));
            }
            json_array_append_new(indexes, names);
        }
        json_object_set_new(json, "indexes", indexes);
    }
    return json;
}

json_t *
ovsdb_schema_to_json(const struct ovsdb_schema *schema)
{
    json_t *json = json_object();
    json_t *tables = json_object();

    json_object_set_new(json, "name", json_string(schema->name));
    if (schema->version) {
        json_object_set_new(json, "version", json_string(schema->version));
    }
    if (schema->cksum) {
        json_object_set_new(json, "cksum", json_string(schema->cksum));
    }
    for (size_t i = 0; i < schema->n_tables; i++) {
        json_object_set_new(tables, schema->tables[i]->name,
                            table_schema_to_json(schema->tables[i]));
    }
    json_object_set_new(json, "tables", tables);
    return json;
}

void
ovsdb_schema_destroy(struct ovsdb_schema *schema)
{
    if (!schema) {
        return;
    }
    for (size_t i = 0; i < schema->n_tables; i++) {
        table_schema_free(schema->tables[i]);
    }
    g_free(schema->tables);
    g_hash_table_destroy(schema->table_by_name);
    g_free(schema->name);
    g_free(schema->version);
    g_free(schema->cksum);
    g_free(schema);
}

const struct ovsdb_table_schema *
ovsdb_schema_get_table(const struct ovsdb_schema *schema, const char *name)
{
    return g_hash_table_lookup(schema->table_by_name, name);
}

const struct ovsdb_column *
ovsdb_table_schema_get_column(const struct ovsdb_table_schema *table,
                              const char *name)
{
    return g_hash_table_lookup(table->column_by_name, name);
}
