/* ovsdb-txn.c -- the RFC 7047 operations of a "transact" request.
 *
 * Each operation is parsed, checked and executed in turn against a
 * low-level transaction of ovsdb-db.c, which shows every later operation the
 * effects of the earlier ones; the checks that concern the transaction as a
 * whole (references, garbage collection, row limits, indexes) happen once,
 * when ovsdb-db.c commits it.  Values come from ovsdb-data.c, named UUIDs
 * from its symbol table.  This file adds conditions ("where"), mutations,
 * row and column-set parsing, and the result array.
 *
 * Error tags follow RFC 7047 and Open vSwitch: malformed requests are
 * "syntax error" (or "unknown column", "unknown function", "unknown
 * mutator"), values outside their column's constraints "constraint
 * violation", failed arithmetic "domain error" or "range error", and so
 * on. */
#include <config.h>

#include "ovsdb-txn.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct exec {
    struct ovsdb_db *db;
    struct ovsdb_db_txn *txn;
    struct ovsdb_symtab *symtab;
    const struct ovsdb_execute_options *opts;
    long long int timeout_msec; /* Smallest "wait" timeout so far. */
    bool durable;
    bool blocked;               /* A "wait" must block. */
    GString *comments;
};

/* ------------------------------------------------------------------------
 * Parsing an operation's members. */

enum {
    P_STRING = 1 << 0,
    P_ID = 1 << 1,              /* A string matching [a-zA-Z_][a-zA-Z0-9_]*. */
    P_ARRAY = 1 << 2,
    P_OBJECT = 1 << 3,
    P_INTEGER = 1 << 4,
    P_BOOLEAN = 1 << 5,
    P_OPTIONAL = 1 << 6,
};

#define MAX_MEMBERS 8

struct op_parser {
    const json_t *json;         /* The operation object. */
    const char *op_name;
    const char *members[MAX_MEMBERS];   /* Names declared so far. */
    size_t n_members;
    json_t *error;              /* First error, if any. */
};

static const char *
kind_name(int kinds)
{
    return (kinds & P_ID ? "an identifier"
            : kinds & P_STRING ? "a string"
            : kinds & P_ARRAY ? "an array"
            : kinds & P_OBJECT ? "an object"
            : kinds & P_INTEGER ? "an integer"
            : kinds & P_BOOLEAN ? "a boolean"
            : "a value");
}

/* Returns member 'name' of the operation if it is of one of 'kinds', else
 * records an error (unless P_OPTIONAL and absent) and returns NULL. */
static const json_t *
parser_member(struct op_parser *p, const char *name, int kinds)
{
    const json_t *j;
    bool ok;

    g_assert(p->n_members < MAX_MEMBERS);
    p->members[p->n_members++] = name;
    if (p->error) {
        return NULL;
    }
    j = json_object_get(p->json, name);
    if (!j) {
        if (!(kinds & P_OPTIONAL)) {
            p->error = ovsdb_error_json("syntax error",
                                        "\"%s\" operation lacks required "
                                        "member \"%s\".", p->op_name, name);
        }
        return NULL;
    }
    ok = ((kinds & P_STRING && json_is_string(j))
          || (kinds & P_ID && json_is_string(j)
              && ovsdb_is_id(json_string_value(j)))
          || (kinds & P_ARRAY && json_is_array(j))
          || (kinds & P_OBJECT && json_is_object(j))
          || (kinds & P_INTEGER && json_is_integer(j))
          || (kinds & P_BOOLEAN && json_is_boolean(j)));
    if (!ok) {
        p->error = ovsdb_error_json("syntax error",
                                    "Member \"%s\" of \"%s\" operation must "
                                    "be %s.", name, p->op_name,
                                    kind_name(kinds));
        return NULL;
    }
    return j;
}

/* Records 'error' unless an error is already recorded. */
static void
parser_raise(struct op_parser *p, json_t *error)
{
    if (p->error) {
        json_decref(error);
    } else {
        p->error = error;
    }
}

/* Returns the first error recorded, or a complaint about a member that was
 * not declared, or NULL.  The caller owns the result. */
static json_t *
parser_finish(struct op_parser *p)
{
    const char *key;
    json_t *value;

    if (p->error) {
        json_t *error = p->error;

        p->error = NULL;
        return error;
    }
    json_object_foreach ((json_t *) p->json, key, value) {
        bool declared = false;

        for (size_t i = 0; i < p->n_members; i++) {
            if (!strcmp(key, p->members[i])) {
                declared = true;
                break;
            }
        }
        if (!declared) {
            return ovsdb_error_json("syntax error",
                                    "Member \"%s\" is not allowed in a "
                                    "\"%s\" operation.", key, p->op_name);
        }
    }
    return NULL;
}

static struct ovsdb_table *
parse_table(struct exec *x, struct op_parser *p)
{
    const json_t *json = parser_member(p, "table", P_ID);
    struct ovsdb_table *table;

    if (!json) {
        return NULL;
    }
    table = ovsdb_db_get_table(x->db, json_string_value(json));
    if (!table) {
        parser_raise(p, ovsdb_error_json("syntax error",
                                         "No table named %s.",
                                         json_string_value(json)));
    }
    return table;
}

/* ------------------------------------------------------------------------
 * Rows: {"<column>": <value>, ...}. */

struct row_values {
    size_t n;
    const struct ovsdb_column **columns;
    struct ovsdb_datum *datums;
};

enum {
    ROW_CHECK = 1 << 0,         /* Check values against constraints. */
    ROW_UPDATE = 1 << 1,        /* Refuse immutable columns. */
    ROW_ANY_COLUMN = 1 << 2,    /* Allow "_uuid" and "_version". */
};

static void
row_values_destroy(struct row_values *rv)
{
    for (size_t i = 0; i < rv->n; i++) {
        ovsdb_datum_destroy(&rv->datums[i], &rv->columns[i]->type);
    }
    g_free(rv->columns);
    g_free(rv->datums);
    rv->n = 0;
    rv->columns = NULL;
    rv->datums = NULL;
}

static json_t *
parse_row_values(struct exec *x, const struct ovsdb_table_schema *ts,
                 const json_t *json, int flags, struct row_values *rv)
{
    size_t n = json_object_size(json);
    const char *name;
    json_t *value;

    rv->n = 0;
    rv->columns = g_new(const struct ovsdb_column *, n + 1);
    rv->datums = g_new(struct ovsdb_datum, n + 1);
    json_object_foreach ((json_t *) json, name, value) {
        const struct ovsdb_column *column
            = ovsdb_table_schema_get_column(ts, name);
        char *msg = NULL;

        if (!column) {
            return ovsdb_error_json("unknown column",
                                    "No column %s in table %s.", name,
                                    ts->name);
        }
        if (column->index < OVSDB_N_STD_COLUMNS
            && !(flags & ROW_ANY_COLUMN)) {
            return ovsdb_error_json("constraint violation",
                                    "Column %s of table %s is read-only.",
                                    name, ts->name);
        }
        if (flags & ROW_UPDATE && !column->is_mutable) {
            return ovsdb_error_json("constraint violation",
                                    "Cannot update immutable column %s in "
                                    "table %s.", name, ts->name);
        }
        if (ovsdb_datum_from_json(&rv->datums[rv->n], &column->type, value,
                                  x->symtab, &msg)) {
            json_t *error = ovsdb_error_json("syntax error",
                                             "table %s column %s: %s",
                                             ts->name, name, msg);
            g_free(msg);
            return error;
        }
        rv->columns[rv->n++] = column;
        if (flags & ROW_CHECK
            && ovsdb_datum_check_constraints(&rv->datums[rv->n - 1],
                                             &column->type, &msg)) {
            json_t *error = ovsdb_error_json("constraint violation",
                                             "table %s column %s: %s",
                                             ts->name, name, msg);
            g_free(msg);
            return error;
        }
    }
    return NULL;
}

/* ------------------------------------------------------------------------
 * Column sets: ["<column>", ...]. */

static json_t *
parse_columns(const struct ovsdb_table_schema *ts, const json_t *json,
              GPtrArray *columns)
{
    if (!json) {
        for (size_t i = 0; i < ts->n_columns; i++) {
            g_ptr_array_add(columns, ts->columns[i]);
        }
        return NULL;
    }
    for (size_t i = 0; i < json_array_size(json); i++) {
        const json_t *elem = json_array_get(json, i);
        const struct ovsdb_column *column;

        if (!json_is_string(elem)) {
            return ovsdb_error_json("syntax error",
                                    "\"columns\" must be an array of "
                                    "column names.");
        }
        column = ovsdb_table_schema_get_column(ts, json_string_value(elem));
        if (!column) {
            return ovsdb_error_json("unknown column",
                                    "No column %s in table %s.",
                                    json_string_value(elem), ts->name);
        }
        for (size_t j = 0; j < columns->len; j++) {
            if (g_ptr_array_index(columns, j) == column) {
                return ovsdb_error_json("syntax error",
                                        "Column %s is listed twice in "
                                        "\"columns\".", column->name);
            }
        }
        g_ptr_array_add(columns, (void *) column);
    }
    return NULL;
}

/* ------------------------------------------------------------------------
 * Conditions: [<condition>*], each [<column>, <function>, <value>] (or, as
 * in Open vSwitch, true or false). */

enum function {
    F_LT, F_LE, F_EQ, F_NE, F_GE, F_GT, F_INCLUDES, F_EXCLUDES,
    F_TRUE, F_FALSE,
};

static const char *const function_names[] = {
    [F_LT] = "<", [F_LE] = "<=", [F_EQ] = "==", [F_NE] = "!=",
    [F_GE] = ">=", [F_GT] = ">", [F_INCLUDES] = "includes",
    [F_EXCLUDES] = "excludes",
};

struct clause {
    enum function function;
    const struct ovsdb_column *column;  /* NULL for F_TRUE, F_FALSE. */
    struct ovsdb_datum arg;
};

struct condition {
    size_t n;
    struct clause *clauses;
};

static void
condition_destroy(struct condition *cond)
{
    for (size_t i = 0; i < cond->n; i++) {
        if (cond->clauses[i].column) {
            ovsdb_datum_destroy(&cond->clauses[i].arg,
                                &cond->clauses[i].column->type);
        }
    }
    g_free(cond->clauses);
    cond->n = 0;
    cond->clauses = NULL;
}

static json_t *
type_mismatch(const char *op, const struct ovsdb_column *column)
{
    char *s = ovsdb_type_to_english(&column->type);
    json_t *error = ovsdb_error_json("syntax error",
                                     "Type mismatch: \"%s\" operator may "
                                     "not be applied to column %s of type "
                                     "%s.", op, column->name, s);

    g_free(s);
    return error;
}

/* Checks the number of elements of an argument 'arg' against 'type' (a
 * column type relaxed for the operator 'op'). */
static json_t *
check_arg_count(const struct ovsdb_datum *arg, const struct ovsdb_type *type,
                const char *op, const struct ovsdb_column *column)
{
    if (arg->n < type->n_min || arg->n > type->n_max) {
        char *s = ovsdb_type_to_english(type);
        json_t *error = ovsdb_error_json("syntax error",
                                         "Argument of \"%s\" on column %s "
                                         "has %u element(s), but %s is "
                                         "expected.", op, column->name,
                                         arg->n, s);

        g_free(s);
        return error;
    }
    return NULL;
}

static json_t *
parse_clause(struct exec *x, const struct ovsdb_table_schema *ts,
             const json_t *json, struct clause *clause)
{
    const struct ovsdb_column *column;
    struct ovsdb_type type;
    const char *name;
    char *msg = NULL;
    json_t *error;
    int f;

    clause->column = NULL;
    if (json_is_boolean(json)) {
        clause->function = json_is_true(json) ? F_TRUE : F_FALSE;
        return NULL;
    }
    if (!json_is_array(json) || json_array_size(json) != 3
        || !json_is_string(json_array_get(json, 0))
        || !json_is_string(json_array_get(json, 1))) {
        return ovsdb_error_json("syntax error", "Parse error in condition.");
    }
    name = json_string_value(json_array_get(json, 0));
    column = ovsdb_table_schema_get_column(ts, name);
    if (!column) {
        return ovsdb_error_json("unknown column", "No column %s in table %s.",
                                name, ts->name);
    }
    name = json_string_value(json_array_get(json, 1));
    for (f = F_LT; f <= F_EXCLUDES; f++) {
        if (!strcmp(name, function_names[f])) {
            break;
        }
    }
    if (f > F_EXCLUDES) {
        return ovsdb_error_json("unknown function", "No function named %s.",
                                name);
    }

    /* Type rules: the argument's type is the column's, relaxed. */
    type = column->type;
    switch (f) {
    case F_LT:
    case F_LE:
    case F_GE:
    case F_GT:
        if (!(ovsdb_type_is_scalar(&type)
              || ovsdb_type_is_optional_scalar(&type))
            || (type.key.type != OVSDB_TYPE_INTEGER
                && type.key.type != OVSDB_TYPE_REAL)) {
            return type_mismatch(name, column);
        }
        type.n_min = 1;
        break;
    case F_INCLUDES:
        if (!ovsdb_type_is_scalar(&type)) {
            type.n_min = 0;
        }
        break;
    case F_EXCLUDES:
        if (!ovsdb_type_is_scalar(&type)) {
            type.n_min = 0;
            type.n_max = OVSDB_N_UNLIMITED;
        }
        break;
    default:
        break;
    }

    if (ovsdb_datum_from_json(&clause->arg, &type, json_array_get(json, 2),
                              x->symtab, &msg)) {
        error = ovsdb_error_json("syntax error", "table %s column %s: %s",
                                 ts->name, column->name, msg);
        g_free(msg);
        return error;
    }
    error = check_arg_count(&clause->arg, &type, name, column);
    if (error) {
        ovsdb_datum_destroy(&clause->arg, &column->type);
        return error;
    }
    clause->function = f;
    clause->column = column;
    return NULL;
}

static json_t *
parse_condition(struct exec *x, const struct ovsdb_table_schema *ts,
                const json_t *json, struct condition *cond)
{
    size_t n = json_array_size(json);

    cond->n = 0;
    cond->clauses = g_new(struct clause, n + 1);
    for (size_t i = 0; i < n; i++) {
        json_t *error = parse_clause(x, ts, json_array_get(json, i),
                                     &cond->clauses[i]);
        if (error) {
            return error;
        }
        cond->n++;
    }
    return NULL;
}

static bool
clause_matches(const struct clause *c, const struct ovsdb_row *row)
{
    const struct ovsdb_datum *field;
    const struct ovsdb_type *type;
    int cmp;

    switch (c->function) {
    case F_TRUE:
        return true;
    case F_FALSE:
        return false;
    default:
        break;
    }
    field = ovsdb_row_get_datum(row, c->column->index);
    type = &c->column->type;
    switch (c->function) {
    case F_EQ:
        return ovsdb_datum_equals(field, &c->arg, type);
    case F_NE:
        return !ovsdb_datum_equals(field, &c->arg, type);
    case F_INCLUDES:
        return ovsdb_datum_includes_all(field, &c->arg, type);
    case F_EXCLUDES:
        return ovsdb_datum_excludes_all(field, &c->arg, type);
    case F_LT:
    case F_LE:
    case F_GE:
    case F_GT:
        if (field->n != 1 || c->arg.n != 1) {
            return false;       /* An empty optional value compares false. */
        }
        cmp = ovsdb_atom_compare(&field->keys[0], &c->arg.keys[0],
                                 type->key.type);
        return (c->function == F_LT ? cmp < 0
                : c->function == F_LE ? cmp <= 0
                : c->function == F_GE ? cmp >= 0
                : cmp > 0);
    case F_TRUE:
    case F_FALSE:
        break;
    }
    return false;
}

static bool
condition_matches(const struct condition *cond, const struct ovsdb_row *row)
{
    for (size_t i = 0; i < cond->n; i++) {
        if (!clause_matches(&cond->clauses[i], row)) {
            return false;
        }
    }
    return true;
}

static gint
compare_rows_by_uuid(gconstpointer a_, gconstpointer b_)
{
    const struct ovsdb_row *const *a = a_;
    const struct ovsdb_row *const *b = b_;

    return ovsdb_uuid_compare(ovsdb_row_get_uuid(*a),
                              ovsdb_row_get_uuid(*b));
}

/* Returns the rows of 'table' that match 'cond', in UUID order.  A
 * "_uuid" == clause makes this a single lookup. */
static GPtrArray *
query(struct ovsdb_table *table, const struct condition *cond)
{
    GPtrArray *rows = g_ptr_array_new();
    struct ovsdb_table_cursor cursor;
    const struct ovsdb_row *row;

    for (size_t i = 0; i < cond->n; i++) {
        const struct clause *c = &cond->clauses[i];

        if (c->function == F_FALSE) {
            return rows;
        }
        if (c->function == F_EQ && c->column->index == OVSDB_COL_UUID) {
            row = ovsdb_table_get_row(table, &c->arg.keys[0].uuid);
            if (row && condition_matches(cond, row)) {
                g_ptr_array_add(rows, (void *) row);
            }
            return rows;
        }
    }

    ovsdb_table_cursor_init(&cursor, table);
    while ((row = ovsdb_table_cursor_next(&cursor)) != NULL) {
        if (condition_matches(cond, row)) {
            g_ptr_array_add(rows, (void *) row);
        }
    }
    if (rows->len > 1) {
        g_ptr_array_sort(rows, compare_rows_by_uuid);
    }
    return rows;
}

/* ------------------------------------------------------------------------
 * Mutations: [<mutation>*], each [<column>, <mutator>, <value>]. */

enum mutator {
    M_ADD, M_SUB, M_MUL, M_DIV, M_MOD, M_INSERT, M_DELETE,
};

static const char *const mutator_names[] = {
    [M_ADD] = "+=", [M_SUB] = "-=", [M_MUL] = "*=", [M_DIV] = "/=",
    [M_MOD] = "%=", [M_INSERT] = "insert", [M_DELETE] = "delete",
};

struct mutation {
    const struct ovsdb_column *column;
    enum mutator mutator;
    struct ovsdb_datum arg;
    bool keys_only;             /* "delete" from a map by keys. */
};

struct mutation_set {
    size_t n;
    struct mutation *mutations;
};

static void
mutation_set_destroy(struct mutation_set *set)
{
    for (size_t i = 0; i < set->n; i++) {
        ovsdb_datum_destroy(&set->mutations[i].arg,
                            &set->mutations[i].column->type);
    }
    g_free(set->mutations);
    set->n = 0;
    set->mutations = NULL;
}

static json_t *
parse_mutation(struct exec *x, const struct ovsdb_table_schema *ts,
               const json_t *json, struct mutation *m)
{
    const struct ovsdb_column *column;
    const json_t *value;
    struct ovsdb_type type;
    const char *name;
    char *msg = NULL;
    json_t *error;
    int i;

    if (!json_is_array(json) || json_array_size(json) != 3
        || !json_is_string(json_array_get(json, 0))
        || !json_is_string(json_array_get(json, 1))) {
        return ovsdb_error_json("syntax error", "Parse error in mutation.");
    }
    name = json_string_value(json_array_get(json, 0));
    column = ovsdb_table_schema_get_column(ts, name);
    if (!column) {
        return ovsdb_error_json("unknown column", "No column %s in table %s.",
                                name, ts->name);
    }
    if (!column->is_mutable) {
        return ovsdb_error_json("constraint violation",
                                "Cannot mutate immutable column %s in table "
                                "%s.", name, ts->name);
    }
    name = json_string_value(json_array_get(json, 1));
    for (i = M_ADD; i <= M_DELETE; i++) {
        if (!strcmp(name, mutator_names[i])) {
            break;
        }
    }
    if (i > M_DELETE) {
        return ovsdb_error_json("unknown mutator", "No mutator named %s.",
                                name);
    }
    m->mutator = i;
    m->keys_only = false;
    value = json_array_get(json, 2);

    type = column->type;
    switch (m->mutator) {
    case M_ADD:
    case M_SUB:
    case M_MUL:
    case M_DIV:
    case M_MOD:
        if ((!ovsdb_type_is_scalar(&type) && !ovsdb_type_is_set(&type))
            || (type.key.type != OVSDB_TYPE_INTEGER
                && type.key.type != OVSDB_TYPE_REAL)
            || (m->mutator == M_MOD && type.key.type == OVSDB_TYPE_REAL)) {
            return type_mismatch(name, column);
        }
        type.n_min = type.n_max = 1;
        break;

    case M_INSERT:
    case M_DELETE:
        if (!ovsdb_type_is_set(&type) && !ovsdb_type_is_map(&type)) {
            return type_mismatch(name, column);
        }
        type.n_min = 0;
        if (m->mutator == M_DELETE) {
            type.n_max = OVSDB_N_UNLIMITED;
        }
        break;
    }

    if (ovsdb_datum_from_json(&m->arg, &type, value, x->symtab, &msg)) {
        if (m->mutator == M_DELETE && ovsdb_type_is_map(&type)) {
            /* A map's elements may also be deleted by key alone. */
            struct ovsdb_type keys = type;
            char *msg2 = NULL;

            keys.value.type = OVSDB_TYPE_VOID;
            if (!ovsdb_datum_from_json(&m->arg, &keys, value, x->symtab,
                                       &msg2)) {
                g_free(msg);
                msg = NULL;
                m->keys_only = true;
            }
            g_free(msg2);
        }
        if (msg) {
            error = ovsdb_error_json("syntax error", "table %s column %s: %s",
                                     ts->name, column->name, msg);
            g_free(msg);
            return error;
        }
    }
    m->column = column;

    error = check_arg_count(&m->arg, &type, name, column);
    if (!error && m->mutator == M_INSERT) {
        for (unsigned int j = 0; j < m->arg.n && !error; j++) {
            if (ovsdb_atom_check_constraints(&m->arg.keys[j], &type.key,
                                             &msg)
                || (m->arg.values
                    && ovsdb_atom_check_constraints(&m->arg.values[j],
                                                    &type.value, &msg))) {
                error = ovsdb_error_json("constraint violation",
                                         "table %s column %s: %s", ts->name,
                                         column->name, msg);
                g_free(msg);
            }
        }
    }
    if (error) {
        ovsdb_datum_destroy(&m->arg, &column->type);
    }
    return error;
}

static json_t *
parse_mutations(struct exec *x, const struct ovsdb_table_schema *ts,
                const json_t *json, struct mutation_set *set)
{
    size_t n = json_array_size(json);

    set->n = 0;
    set->mutations = g_new(struct mutation, n + 1);
    for (size_t i = 0; i < n; i++) {
        json_t *error = parse_mutation(x, ts, json_array_get(json, i),
                                       &set->mutations[i]);
        if (error) {
            return error;
        }
        set->n++;
    }
    return NULL;
}

enum arith_result {
    ARITH_OK,
    ARITH_RANGE,
    ARITH_DOMAIN,
};

static enum arith_result
arith_integer(enum mutator m, int64_t *x, int64_t y)
{
    int64_t r = 0;

    switch (m) {
    case M_ADD:
        if (__builtin_add_overflow(*x, y, &r)) {
            return ARITH_RANGE;
        }
        break;
    case M_SUB:
        if (__builtin_sub_overflow(*x, y, &r)) {
            return ARITH_RANGE;
        }
        break;
    case M_MUL:
        if (__builtin_mul_overflow(*x, y, &r)) {
            return ARITH_RANGE;
        }
        break;
    case M_DIV:
        if (!y) {
            return ARITH_DOMAIN;
        } else if (*x == INT64_MIN && y == -1) {
            return ARITH_RANGE;
        }
        r = *x / y;
        break;
    case M_MOD:
        if (!y) {
            return ARITH_DOMAIN;
        }
        r = y == -1 ? 0 : *x % y;
        break;
    case M_INSERT:
    case M_DELETE:
        break;
    }
    *x = r;
    return ARITH_OK;
}

static enum arith_result
arith_real(enum mutator m, double *x, double y)
{
    double r = *x;

    switch (m) {
    case M_ADD:
        r += y;
        break;
    case M_SUB:
        r -= y;
        break;
    case M_MUL:
        r *= y;
        break;
    case M_DIV:
        if (y == 0.0) {
            return ARITH_DOMAIN;
        }
        r /= y;
        break;
    case M_MOD:
    case M_INSERT:
    case M_DELETE:
        break;
    }
    if (!isfinite(r)) {
        return ARITH_RANGE;
    }
    *x = r;
    return ARITH_OK;
}

static json_t *
count_error(const struct ovsdb_datum *datum, const struct ovsdb_column *c)
{
    char *s = ovsdb_type_to_english(&c->type);
    json_t *error = ovsdb_error_json("constraint violation",
                                     "Attempted to store %u elements in "
                                     "column %s of type %s.", datum->n,
                                     c->name, s);

    g_free(s);
    return error;
}

static json_t *
apply_mutation(const struct ovsdb_table_schema *ts, struct ovsdb_row *row,
               const struct mutation *m)
{
    const struct ovsdb_column *column = m->column;
    const struct ovsdb_type *type = &column->type;
    struct ovsdb_datum *d = ovsdb_row_get_datum_rw(row, column->index);
    const char *op = mutator_names[m->mutator];
    char *msg = NULL;

    switch (m->mutator) {
    case M_ADD:
    case M_SUB:
    case M_MUL:
    case M_DIV:
    case M_MOD:
        for (unsigned int i = 0; i < d->n; i++) {
            enum arith_result r
                = (type->key.type == OVSDB_TYPE_INTEGER
                   ? arith_integer(m->mutator, &d->keys[i].integer,
                                   m->arg.keys[0].integer)
                   : arith_real(m->mutator, &d->keys[i].real,
                                m->arg.keys[0].real));

            if (r == ARITH_DOMAIN) {
                return ovsdb_error_json("domain error", "Division by zero.");
            } else if (r == ARITH_RANGE) {
                return ovsdb_error_json("range error",
                                        "Result of \"%s\" operation is out "
                                        "of range.", op);
            }
        }
        for (unsigned int i = 0; i < d->n; i++) {
            if (ovsdb_atom_check_constraints(&d->keys[i], &type->key,
                                             &msg)) {
                json_t *error = ovsdb_error_json("constraint violation",
                                                 "table %s column %s: %s",
                                                 ts->name, column->name,
                                                 msg);
                g_free(msg);
                return error;
            }
        }
        if (ovsdb_datum_sort(d, type->key.type)) {
            return ovsdb_error_json("constraint violation",
                                    "Result of \"%s\" operation contains "
                                    "duplicates.", op);
        }
        return NULL;

    case M_INSERT:
        ovsdb_datum_union(d, &m->arg, type);
        return d->n > type->n_max ? count_error(d, column) : NULL;

    case M_DELETE: {
        struct ovsdb_type arg_type = *type;

        if (m->keys_only) {
            arg_type.value.type = OVSDB_TYPE_VOID;
        }
        ovsdb_datum_subtract(d, type, &m->arg, &arg_type);
        return d->n < type->n_min ? count_error(d, column) : NULL;
    }
    }
    return NULL;
}

/* ------------------------------------------------------------------------
 * Operations. */

typedef json_t *op_func(struct exec *, struct op_parser *, json_t *result);

static json_t *
uuid_to_json(const struct ovsdb_uuid *uuid)
{
    char s[OVSDB_UUID_LEN + 1];

    ovsdb_uuid_to_string(uuid, s);
    return json_pack("[ss]", "uuid", s);
}

static json_t *
op_insert(struct exec *x, struct op_parser *p, json_t *result)
{
    struct ovsdb_table *table = parse_table(x, p);
    const json_t *row_json = parser_member(p, "row", P_OBJECT);
    const json_t *uuid_name = parser_member(p, "uuid-name",
                                            P_ID | P_OPTIONAL);
    const json_t *uuid_json = parser_member(p, "uuid", P_STRING | P_OPTIONAL);
    const struct ovsdb_table_schema *ts;
    struct row_values rv = { 0, NULL, NULL };
    struct ovsdb_uuid uuid;
    struct ovsdb_row *row;
    json_t *error;

    error = parser_finish(p);
    if (error) {
        return error;
    }
    ts = ovsdb_table_get_schema(table);

    if (uuid_json) {
        if (!ovsdb_uuid_from_string(&uuid, json_string_value(uuid_json))) {
            return ovsdb_error_json("syntax error", "\"%s\" is not a UUID.",
                                    json_string_value(uuid_json));
        }
        if (!ovsdb_db_txn_may_insert(x->txn, table, &uuid)) {
            return ovsdb_error_json("duplicate uuid",
                                    "This UUID would duplicate a UUID "
                                    "already present within the \"%s\" "
                                    "table or deleted from this table "
                                    "within the same transaction.",
                                    ts->name);
        }
    }
    if (uuid_name) {
        struct ovsdb_symbol *symbol
            = ovsdb_symtab_insert(x->symtab, json_string_value(uuid_name));

        if (symbol->created) {
            return ovsdb_error_json("duplicate uuid-name",
                                    "This \"uuid-name\" (%s) appeared on an "
                                    "earlier \"insert\" operation.",
                                    symbol->name);
        }
        if (uuid_json) {
            symbol->uuid = uuid;
        } else {
            uuid = symbol->uuid;
        }
        symbol->created = true;
    } else if (!uuid_json) {
        ovsdb_db_generate_uuid(x->db, &uuid);
    }

    error = parse_row_values(x, ts, row_json, ROW_CHECK, &rv);
    if (error) {
        goto out;
    }

    row = ovsdb_db_txn_insert(x->txn, table, &uuid);
    if (!row) {
        error = ovsdb_error_json("duplicate uuid",
                                 "Row %s already exists in table %s.",
                                 uuid_name ? json_string_value(uuid_name)
                                 : "", ts->name);
        goto out;
    }
    for (size_t i = 0; i < rv.n; i++) {
        ovsdb_datum_swap(ovsdb_row_get_datum_rw(row, rv.columns[i]->index),
                         &rv.datums[i]);
    }

    /* The columns left at their defaults must satisfy the constraints
     * too (a default of 0 may be out of range, "" not in an enum). */
    for (size_t i = OVSDB_N_STD_COLUMNS; i < ts->n_columns; i++) {
        const struct ovsdb_column *column = ts->columns[i];
        const struct ovsdb_datum *d = ovsdb_row_get_datum(row, i);
        char *msg = NULL;

        if (d->n == 1
            && ovsdb_datum_check_constraints(d, &column->type, &msg)) {
            error = ovsdb_error_json("constraint violation",
                                     "table %s column %s: %s", ts->name,
                                     column->name, msg);
            g_free(msg);
            goto out;
        }
    }
    json_object_set_new(result, "uuid", uuid_to_json(&uuid));

out:
    row_values_destroy(&rv);
    return error;
}

static json_t *
op_select(struct exec *x, struct op_parser *p, json_t *result)
{
    struct ovsdb_table *table = parse_table(x, p);
    const json_t *where = parser_member(p, "where", P_ARRAY);
    const json_t *columns_json = parser_member(p, "columns",
                                               P_ARRAY | P_OPTIONAL);
    const struct ovsdb_table_schema *ts;
    struct condition cond = { 0, NULL };
    GPtrArray *columns = g_ptr_array_new();
    GPtrArray *rows = NULL;
    json_t *error, *rows_json;

    error = parser_finish(p);
    if (error) {
        goto out;
    }
    ts = ovsdb_table_get_schema(table);
    error = parse_condition(x, ts, where, &cond);
    if (!error) {
        error = parse_columns(ts, columns_json, columns);
    }
    if (error) {
        goto out;
    }

    rows = query(table, &cond);
    rows_json = json_array();
    for (size_t i = 0; i < rows->len; i++) {
        json_array_append_new(
            rows_json,
            ovsdb_row_to_json(g_ptr_array_index(rows, i),
                              (const struct ovsdb_column *const *)
                              columns->pdata, columns->len));
    }
    json_object_set_new(result, "rows", rows_json);

out:
    if (rows) {
        g_ptr_array_free(rows, TRUE);
    }
    g_ptr_array_free(columns, TRUE);
    condition_destroy(&cond);
    return error;
}

static json_t *
op_update(struct exec *x, struct op_parser *p, json_t *result)
{
    struct ovsdb_table *table = parse_table(x, p);
    const json_t *where = parser_member(p, "where", P_ARRAY);
    const json_t *row_json = parser_member(p, "row", P_OBJECT);
    const struct ovsdb_table_schema *ts;
    struct row_values rv = { 0, NULL, NULL };
    struct condition cond = { 0, NULL };
    GPtrArray *rows = NULL;
    json_t *error;

    error = parser_finish(p);
    if (error) {
        goto out;
    }
    ts = ovsdb_table_get_schema(table);
    error = parse_row_values(x, ts, row_json, ROW_CHECK | ROW_UPDATE, &rv);
    if (!error) {
        error = parse_condition(x, ts, where, &cond);
    }
    if (error) {
        goto out;
    }

    rows = query(table, &cond);
    for (size_t i = 0; i < rows->len; i++) {
        const struct ovsdb_row *row = g_ptr_array_index(rows, i);
        struct ovsdb_row *rw = NULL;

        for (size_t c = 0; c < rv.n; c++) {
            const struct ovsdb_column *column = rv.columns[c];
            struct ovsdb_datum *d;

            if (ovsdb_datum_equals(ovsdb_row_get_datum(row, column->index),
                                   &rv.datums[c], &column->type)) {
                continue;
            }
            if (!rw) {
                rw = ovsdb_db_txn_modify(x->txn, row);
                row = rw;
            }
            d = ovsdb_row_get_datum_rw(rw, column->index);
            ovsdb_datum_destroy(d, &column->type);
            ovsdb_datum_clone(d, &rv.datums[c], &column->type);
        }
    }
    json_object_set_new(result, "count", json_integer(rows->len));

out:
    if (rows) {
        g_ptr_array_free(rows, TRUE);
    }
    row_values_destroy(&rv);
    condition_destroy(&cond);
    return error;
}

static json_t *
op_mutate(struct exec *x, struct op_parser *p, json_t *result)
{
    struct ovsdb_table *table = parse_table(x, p);
    const json_t *where = parser_member(p, "where", P_ARRAY);
    const json_t *mutations = parser_member(p, "mutations", P_ARRAY);
    const struct ovsdb_table_schema *ts;
    struct mutation_set set = { 0, NULL };
    struct condition cond = { 0, NULL };
    GPtrArray *rows = NULL;
    json_t *error;

    error = parser_finish(p);
    if (error) {
        goto out;
    }
    ts = ovsdb_table_get_schema(table);
    error = parse_mutations(x, ts, mutations, &set);
    if (!error) {
        error = parse_condition(x, ts, where, &cond);
    }
    if (error) {
        goto out;
    }

    rows = query(table, &cond);
    for (size_t i = 0; i < rows->len && !error && set.n; i++) {
        struct ovsdb_row *rw
            = ovsdb_db_txn_modify(x->txn, g_ptr_array_index(rows, i));

        for (size_t m = 0; m < set.n && !error; m++) {
            error = apply_mutation(ts, rw, &set.mutations[m]);
        }
    }
    if (!error) {
        json_object_set_new(result, "count", json_integer(rows->len));
    }

out:
    if (rows) {
        g_ptr_array_free(rows, TRUE);
    }
    mutation_set_destroy(&set);
    condition_destroy(&cond);
    return error;
}

static json_t *
op_delete(struct exec *x, struct op_parser *p, json_t *result)
{
    struct ovsdb_table *table = parse_table(x, p);
    const json_t *where = parser_member(p, "where", P_ARRAY);
    struct condition cond = { 0, NULL };
    GPtrArray *rows;
    json_t *error;

    error = parser_finish(p);
    if (!error) {
        error = parse_condition(x, ovsdb_table_get_schema(table), where,
                                &cond);
    }
    if (!error) {
        rows = query(table, &cond);
        for (size_t i = 0; i < rows->len; i++) {
            ovsdb_db_txn_delete(x->txn, g_ptr_array_index(rows, i));
        }
        json_object_set_new(result, "count", json_integer(rows->len));
        g_ptr_array_free(rows, TRUE);
    }
    condition_destroy(&cond);
    return error;
}

/* For "wait": rows projected onto a set of columns, each projection an
 * array of pointers to datums, one per column. */
struct projection_aux {
    const struct ovsdb_column *const *columns;
    size_t n;
};

static int
projection_compare(const struct ovsdb_datum *const *a,
                   const struct ovsdb_datum *const *b,
                   const struct projection_aux *aux)
{
    for (size_t i = 0; i < aux->n; i++) {
        int c = ovsdb_datum_compare(a[i], b[i], &aux->columns[i]->type);

        if (c) {
            return c;
        }
    }
    return 0;
}

static int
projection_compare_r(const void *a, const void *b, void *aux)
{
    const struct ovsdb_datum *const *const *pa = a;
    const struct ovsdb_datum *const *const *pb = b;

    return projection_compare(*pa, *pb, aux);
}

/* Sorts the 'n' projections in 'p' and moves the distinct ones to the
 * front; returns their number. */
static size_t
sort_unique_projections(const struct ovsdb_datum ***p, size_t n,
                        struct projection_aux *aux)
{
    size_t k = 0;

    qsort_r(p, n, sizeof *p, projection_compare_r, aux);
    for (size_t i = 0; i < n; i++) {
        if (!k || projection_compare(p[k - 1], p[i], aux)) {
            p[k++] = p[i];
        }
    }
    return k;
}

static json_t *
op_wait(struct exec *x, struct op_parser *p, json_t *result)
{
    struct ovsdb_table *table = parse_table(x, p);
    const json_t *where = parser_member(p, "where", P_ARRAY);
    const json_t *columns_json = parser_member(p, "columns",
                                               P_ARRAY | P_OPTIONAL);
    const json_t *until = parser_member(p, "until", P_STRING);
    const json_t *rows_json = parser_member(p, "rows", P_ARRAY);
    const json_t *timeout = parser_member(p, "timeout",
                                          P_INTEGER | P_OPTIONAL);
    const struct ovsdb_table_schema *ts;
    struct condition cond = { 0, NULL };
    GPtrArray *columns = g_ptr_array_new();
    struct row_values *expected_rows = NULL;
    struct ovsdb_datum *defaults = NULL;
    const struct ovsdb_datum **cells = NULL;
    const struct ovsdb_datum ***expected = NULL, ***actual = NULL;
    size_t n_expected = 0, n_actual = 0, ne, na;
    struct projection_aux aux;
    GPtrArray *rows = NULL;
    bool equal, want_equal;
    json_t *error;

    (void) result;
    error = parser_finish(p);
    if (error) {
        goto out;
    }
    ts = ovsdb_table_get_schema(table);
    if (timeout && json_integer_value(timeout) < 0) {
        error = ovsdb_error_json("syntax error",
                                 "\"timeout\" must be nonnegative.");
        goto out;
    }
    if (strcmp(json_string_value(until), "==")
        && strcmp(json_string_value(until), "!=")) {
        error = ovsdb_error_json("syntax error",
                                 "\"until\" must be \"==\" or \"!=\".");
        goto out;
    }
    want_equal = !strcmp(json_string_value(until), "==");
    error = parse_condition(x, ts, where, &cond);
    if (!error) {
        error = parse_columns(ts, columns_json, columns);
    }
    if (error) {
        goto out;
    }
    aux.columns = (const struct ovsdb_column *const *) columns->pdata;
    aux.n = columns->len;
    rows = query(table, &cond);
    n_expected = json_array_size(rows_json);
    n_actual = rows->len;

    /* One block of datum pointers for all projections, expected rows
     * first: given values, else the column defaults. */
    cells = g_new(const struct ovsdb_datum *,
                  (n_expected + n_actual) * aux.n + 1);
    expected = g_new(const struct ovsdb_datum **, n_expected + 1);
    actual = g_new(const struct ovsdb_datum **, n_actual + 1);
    defaults = g_new(struct ovsdb_datum, aux.n + 1);
    for (size_t c = 0; c < aux.n; c++) {
        ovsdb_datum_init_default(&defaults[c], &aux.columns[c]->type);
    }
    expected_rows = g_new0(struct row_values, n_expected + 1);
    for (size_t r = 0; r < n_expected; r++) {
        const json_t *row_json = json_array_get(rows_json, r);
        struct row_values *rv = &expected_rows[r];

        if (!json_is_object(row_json)) {
            error = ovsdb_error_json("syntax error",
                                     "\"rows\" must be an array of "
                                     "objects.");
            goto out;
        }
        error = parse_row_values(x, ts, row_json, ROW_ANY_COLUMN, rv);
        if (error) {
            goto out;
        }
        expected[r] = &cells[r * aux.n];
        for (size_t c = 0; c < aux.n; c++) {
            expected[r][c] = &defaults[c];
            for (size_t v = 0; v < rv->n; v++) {
                if (rv->columns[v] == aux.columns[c]) {
                    expected[r][c] = &rv->datums[v];
                }
            }
        }
    }
    for (size_t r = 0; r < n_actual; r++) {
        const struct ovsdb_row *row = g_ptr_array_index(rows, r);

        actual[r] = &cells[(n_expected + r) * aux.n];
        for (size_t c = 0; c < aux.n; c++) {
            actual[r][c] = ovsdb_row_get_datum(row, aux.columns[c]->index);
        }
    }

    /* Compare as sets. */
    ne = sort_unique_projections(expected, n_expected, &aux);
    na = sort_unique_projections(actual, n_actual, &aux);
    equal = ne == na;
    for (size_t r = 0; equal && r < ne; r++) {
        equal = !projection_compare(expected[r], actual[r], &aux);
    }

    if (equal != want_equal) {
        long long int elapsed = x->opts->elapsed_msec;

        if (timeout && json_integer_value(timeout) < x->timeout_msec) {
            x->timeout_msec = json_integer_value(timeout);
        }
        if (timeout && elapsed >= json_integer_value(timeout)) {
            error = (elapsed
                     ? ovsdb_error_json("timed out",
                                        "\"wait\" timed out after %lld ms",
                                        elapsed)
                     : ovsdb_error_json("timed out",
                                        "\"where\" clause test failed"));
        } else if (x->opts->can_block) {
            x->blocked = true;
            error = ovsdb_error_json("not supported", "blocked");
        } else {
            error = ovsdb_error_json("timed out",
                                     "\"wait\" condition not satisfied, and "
                                     "this request cannot wait");
        }
    }

out:
    for (size_t r = 0; expected_rows && r < n_expected; r++) {
        row_values_destroy(&expected_rows[r]);
    }
    g_free(expected_rows);
    g_free(expected);
    g_free(actual);
    g_free(cells);
    if (defaults) {
        for (size_t c = 0; c < aux.n; c++) {
            ovsdb_datum_destroy(&defaults[c], &aux.columns[c]->type);
        }
        g_free(defaults);
    }
    if (rows) {
        g_ptr_array_free(rows, TRUE);
    }
    g_ptr_array_free(columns, TRUE);
    condition_destroy(&cond);
    return error;
}

static json_t *
op_commit(struct exec *x, struct op_parser *p, json_t *result)
{
    const json_t *durable = parser_member(p, "durable", P_BOOLEAN);
    json_t *error = parser_finish(p);

    if (!error && json_is_true(durable)) {
        x->durable = true;
    }
    (void) result;
    return error;
}

static json_t *
op_abort(struct exec *x, struct op_parser *p, json_t *result)
{
    json_t *error = parser_finish(p);

    (void) x;
    (void) result;
    return error ? error : ovsdb_error_json("aborted", "aborted by request");
}

static json_t *
op_comment(struct exec *x, struct op_parser *p, json_t *result)
{
    const json_t *comment = parser_member(p, "comment", P_STRING);
    json_t *error = parser_finish(p);

    if (!error) {
        if (x->comments->len) {
            g_string_append_c(x->comments, '\n');
        }
        g_string_append(x->comments, json_string_value(comment));
    }
    (void) result;
    return error;
}

static json_t *
op_assert(struct exec *x, struct op_parser *p, json_t *result)
{
    const json_t *lock = parser_member(p, "lock", P_ID);
    json_t *error = parser_finish(p);
    const char *name;

    (void) result;
    if (error) {
        return error;
    }
    name = json_string_value(lock);
    if (x->opts->lock_held && x->opts->lock_held(name, x->opts->lock_aux)) {
        return NULL;
    }
    return ovsdb_error_json("not owner", "Asserted lock %s not held.", name);
}

static const struct {
    const char *name;
    op_func *func;
} operations[] = {
    { "insert", op_insert },
    { "select", op_select },
    { "update", op_update },
    { "mutate", op_mutate },
    { "delete", op_delete },
    { "wait", op_wait },
    { "commit", op_commit },
    { "abort", op_abort },
    { "comment", op_comment },
    { "assert", op_assert },
};

static json_t *
execute_operation(struct exec *x, const json_t *json, json_t *result)
{
    struct op_parser p;
    const json_t *op;

    if (!json_is_object(json)) {
        return ovsdb_error_json("syntax error",
                                "Operation must be a JSON object.");
    }
    op = json_object_get(json, "op");
    if (!json_is_string(op)) {
        return ovsdb_error_json("syntax error",
                                "Operation lacks an \"op\" string.");
    }
    for (size_t i = 0; i < G_N_ELEMENTS(operations); i++) {
        if (!strcmp(json_string_value(op), operations[i].name)) {
            memset(&p, 0, sizeof p);
            p.json = json;
            p.op_name = operations[i].name;
            p.members[p.n_members++] = "op";
            return operations[i].func(x, &p, result);
        }
    }
    return ovsdb_error_json("syntax error", "No operation \"%s\".",
                            json_string_value(op));
}

static void
generate_uuid_from_db(struct ovsdb_uuid *uuid, void *db)
{
    ovsdb_db_generate_uuid(db, uuid);
}

int
ovsdb_execute(struct ovsdb_db *db, const json_t *params, json_t **resultp,
              json_t **changesp, const struct ovsdb_execute_options *options,
              struct ovsdb_execute_status *status)
{
    static const struct ovsdb_execute_options default_options;
    json_t *results, *error = NULL, *changes = NULL;
    size_t n = json_array_size(params);
    struct exec x;
    int retval = 0;

    if (!json_is_array(params)) {
        return -EINVAL;
    }

    memset(&x, 0, sizeof x);
    x.db = db;
    x.opts = options ? options : &default_options;
    x.txn = ovsdb_db_txn_begin(db);
    x.symtab = ovsdb_symtab_create(generate_uuid_from_db, db);
    x.timeout_msec = LLONG_MAX;
    x.comments = g_string_new(NULL);

    results = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *result = json_object();

        error = execute_operation(&x, json_array_get(params, i), result);
        if (error) {
            json_decref(result);
            break;
        }
        json_array_append_new(results, result);
    }

    if (x.blocked) {
        ovsdb_db_txn_abort(x.txn);
        json_decref(error);
        json_decref(results);
        results = NULL;
        retval = OVSDB_EXECUTE_BLOCKED;
    } else if (error) {
        ovsdb_db_txn_abort(x.txn);
        json_array_append_new(results, error);
        while (json_array_size(results) < n) {
            json_array_append_new(results, json_null());
        }
    } else if (ovsdb_db_txn_commit(x.txn, changesp ? &changes : NULL,
                                   &error)) {
        json_array_append_new(results, error);
    }

    if (status) {
        status->durable = x.durable;
        status->timeout_msec = x.timeout_msec;
        status->comment = (x.comments->len
                           ? g_strdup(x.comments->str) : NULL);
    }
    *resultp = results;
    if (changesp) {
        *changesp = changes;
    }
    ovsdb_symtab_destroy(x.symtab);
    g_string_free(x.comments, TRUE);
    return retval;
}
