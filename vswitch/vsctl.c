/* vsctl.c -- the control CLI of the bundled switch, with ovs-vsctl's
 * syntax and semantics (see vsctl(8)).
 *
 * One run: connect to the database server (stream.h, jsonrpc.h), fetch the
 * schema, read every table with one "transact" of selects into an
 * in-memory view, run the commands (chained with "--") against the view,
 * then send ONE "transact" holding what changed: "wait" operations on the
 * _version of every row it changed (so that a concurrent change makes the
 * server refuse with "timed out", and the whole run starts again, as
 * ovs-vsctl's IDL does), inserts, updates, and deletes of rows of root
 * tables (rows of other tables are left to the server's garbage
 * collection, as the IDL does).  Values on the command line and in the
 * output use the string syntax of vsctl-data.c.  Unless --no-wait, it
 * increments Open_vSwitch.next_cfg and then waits until cur_cfg reaches
 * it (an OVSDB "wait" operation), as ovs-vsctl waits for ovs-vswitchd.
 * --dry-run ends the transaction with an "abort" operation, as
 * ovs-vsctl's IDL does; --retry keeps trying to connect (open_rpc()). */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "diag.h"
#include "jsonrpc.h"
#include "ovsdb-data.h"
#include "ovsdb-schema.h"
#include "stream.h"
#include "util.h"
#include "vsctl-data.h"

/* ---------------------------------------------------------------------
 * Errors: command handlers return 0 or a negative errno value and leave
 * the message (without the program name) in 'error_msg'. */
static char *error_msg;

static int PRINTF_FORMAT(1, 2)
fail(const char *fmt, ...)
{
    va_list args;

    g_free(error_msg);
    va_start(args, fmt);
    error_msg = g_strdup_vprintf(fmt, args);
    va_end(args);
    return -EINVAL;
}

static int
fail_take(char *msg)
{
    g_free(error_msg);
    error_msg = msg;
    return -EINVAL;
}

static void NO_RETURN PRINTF_FORMAT(1, 2)
fatal(const char *fmt, ...)
{
    va_list args;

    fprintf(stderr, "%s: ", program_name());
    va_start(args, fmt);
    vfprintf(stderr, fmt, args);
    va_end(args);
    fputc('\n', stderr);
    exit(EXIT_FAILURE);
}

/* A log line in Open vSwitch's format, which scripts around ovs-vsctl
 * recognise. */
static void
log_warn(const char *module, const char *msg)
{
    char stamp[64];
    time_t now = time(NULL);
    struct tm tm;

    gmtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    fprintf(stderr, "%s|00001|%s|WARN|%s\n", stamp, module, msg);
}

/* ---------------------------------------------------------------------
 * The view: every row of every table, as read, and as changed. */
struct vrow {
    const struct ovsdb_table_schema *ts;
    struct ovsdb_uuid uuid;
    struct ovsdb_datum *old;    /* As read; NULL for an inserted row. */
    struct ovsdb_datum *cur;    /* Current value of each column. */
    char *uuid_name;            /* Inserted rows: the txn's uuid-name. */
    size_t insert_op;           /* Inserted rows: index of the op. */
    bool deleted;
    bool has_version;           /* Read with its _version (wait_op()). */
};

struct symbol {
    struct ovsdb_uuid uuid;
    bool created;               /* Defined by create --id or get --id. */
    bool referenced;
};

struct view {
    struct ovsdb_schema *schema;
    GPtrArray **rows;           /* Per table: struct vrow *. */
    GHashTable *by_uuid;        /* struct ovsdb_uuid * -> struct vrow *. */
    GHashTable *symbols;        /* "@name" -> struct symbol *. */
    unsigned int n_inserted;
};

static struct view *view;

static void
vrow_free(struct vrow *row)
{
    for (size_t i = 0; i < row->ts->n_columns; i++) {
        const struct ovsdb_type *t = &row->ts->columns[i]->type;

        if (row->old) {
            ovsdb_datum_destroy(&row->old[i], t);
        }
        ovsdb_datum_destroy(&row->cur[i], t);
    }
    g_free(row->old);
    g_free(row->cur);
    g_free(row->uuid_name);
    g_free(row);
}

static void
view_free(struct view *v)
{
    if (!v) {
        return;
    }
    for (size_t t = 0; t < v->schema->n_tables; t++) {
        g_ptr_array_free(v->rows[t], TRUE);
    }
    g_free(v->rows);
    g_hash_table_destroy(v->by_uuid);
    g_hash_table_destroy(v->symbols);
    g_free(v);
}

static struct view *
view_create(struct ovsdb_schema *schema)
{
    struct view *v = g_new0(struct view, 1);

    v->schema = schema;
    v->rows = g_new(GPtrArray *, schema->n_tables);
    for (size_t t = 0; t < schema->n_tables; t++) {
        v->rows[t] = g_ptr_array_new_with_free_func(
            (GDestroyNotify) vrow_free);
    }
    v->by_uuid = g_hash_table_new(ovsdb_uuid_ghash, ovsdb_uuid_gequal);
    v->symbols = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                       g_free);
    return v;
}

static const struct ovsdb_table_schema *
table_get(const char *name)
{
    return ovsdb_schema_get_table(view->schema, name);
}

static const struct ovsdb_column *
column_get(const struct ovsdb_table_schema *ts, const char *name)
{
    return ovsdb_table_schema_get_column(ts, name);
}

static GPtrArray *
table_rows(const char *name)
{
    const struct ovsdb_table_schema *ts = table_get(name);

    return ts ? view->rows[ts->index] : NULL;
}

static struct vrow *
row_by_uuid(const struct ovsdb_uuid *uuid)
{
    struct vrow *row = g_hash_table_lookup(view->by_uuid, uuid);

    return row && !row->deleted ? row : NULL;
}

/* The datum of column 'name' of 'row' (which must exist). */
static struct ovsdb_datum *
datum(struct vrow *row, const char *name)
{
    const struct ovsdb_column *c = column_get(row->ts, name);

    g_assert(c);
    return &row->cur[c->index];
}

static const struct ovsdb_type *
ctype(struct vrow *row, const char *name)
{
    return &column_get(row->ts, name)->type;
}

static const char *
get_str(struct vrow *row, const char *name)
{
    const struct ovsdb_column *c = column_get(row->ts, name);

    if (!c || c->type.key.type != OVSDB_TYPE_STRING
        || !row->cur[c->index].n) {
        return NULL;
    }
    return row->cur[c->index].keys[0].string;
}

static bool
get_int(struct vrow *row, const char *name, int64_t *value)
{
    const struct ovsdb_column *c = column_get(row->ts, name);

    if (!c || c->type.key.type != OVSDB_TYPE_INTEGER
        || !row->cur[c->index].n) {
        return false;
    }
    *value = row->cur[c->index].keys[0].integer;
    return true;
}

static bool
get_bool(struct vrow *row, const char *name)
{
    const struct ovsdb_column *c = column_get(row->ts, name);

    return (c && c->type.key.type == OVSDB_TYPE_BOOLEAN
            && row->cur[c->index].n && row->cur[c->index].keys[0].boolean);
}

/* Replaces the value of a column with 'd' (stolen). */
static void
set_datum(struct vrow *row, const char *name, struct ovsdb_datum *d)
{
    struct ovsdb_datum *old = datum(row, name);

    ovsdb_datum_destroy(old, ctype(row, name));
    *old = *d;
}

static void
set_atom(struct vrow *row, const char *name, const union ovsdb_atom *atom)
{
    const struct ovsdb_type *t = ctype(row, name);
    struct ovsdb_datum d;

    if (atom) {
        ovsdb_datum_init_atom(&d, atom, t->key.type);
    } else {
        ovsdb_datum_init_empty(&d);
    }
    set_datum(row, name, &d);
}

static void
set_str(struct vrow *row, const char *name, const char *s)
{
    union ovsdb_atom a;

    if (!s) {
        set_atom(row, name, NULL);
        return;
    }
    a.string = (char *) s;
    set_atom(row, name, &a);
}

static void
set_int(struct vrow *row, const char *name, int64_t v)
{
    union ovsdb_atom a = { .integer = v };

    set_atom(row, name, &a);
}

static void
set_bool(struct vrow *row, const char *name, bool v)
{
    union ovsdb_atom a = { .boolean = v };

    set_atom(row, name, &a);
}

/* Adds (or removes) the reference to 'target' in a set column. */
static void
ref_add(struct vrow *row, const char *name, struct vrow *target)
{
    const struct ovsdb_type *t = ctype(row, name);
    union ovsdb_atom a = { .uuid = target->uuid };
    struct ovsdb_datum d;

    ovsdb_datum_init_atom(&d, &a, OVSDB_TYPE_UUID);
    ovsdb_datum_union(datum(row, name), &d, t);
    ovsdb_datum_destroy(&d, t);
}

static void
ref_remove(struct vrow *row, const char *name, struct vrow *target)
{
    const struct ovsdb_type *t = ctype(row, name);
    union ovsdb_atom a = { .uuid = target->uuid };
    struct ovsdb_datum d;

    ovsdb_datum_init_atom(&d, &a, OVSDB_TYPE_UUID);
    ovsdb_datum_subtract(datum(row, name), t, &d, t);
    ovsdb_datum_destroy(&d, t);
}

/* The rows a reference column of 'row' points to, in order. */
static GPtrArray *
refs(struct vrow *row, const char *name)
{
    const struct ovsdb_datum *d = datum(row, name);
    GPtrArray *out = g_ptr_array_new();

    for (unsigned int i = 0; i < d->n; i++) {
        struct vrow *r = row_by_uuid(&d->keys[i].uuid);

        if (r) {
            g_ptr_array_add(out, r);
        }
    }
    return out;
}

static struct vrow *
ref1(struct vrow *row, const char *name)
{
    const struct ovsdb_datum *d = datum(row, name);

    return d->n ? row_by_uuid(&d->keys[0].uuid) : NULL;
}

/* Map helpers for string-to-string maps. */
static const char *
map_get(struct vrow *row, const char *name, const char *key)
{
    const struct ovsdb_datum *d = datum(row, name);
    union ovsdb_atom k = { .string = (char *) key };
    int i = ovsdb_datum_find_key(d, &k, OVSDB_TYPE_STRING);

    return i >= 0 ? d->values[i].string : NULL;
}

static void
map_set(struct vrow *row, const char *name, const char *key,
        const char *value)
{
    const struct ovsdb_type *t = ctype(row, name);
    struct ovsdb_datum *d = datum(row, name);
    union ovsdb_atom k = { .string = (char *) key };
    int i = ovsdb_datum_find_key(d, &k, OVSDB_TYPE_STRING);

    if (i >= 0) {
        ovsdb_datum_remove(d, i, t);
    }
    if (value) {
        struct ovsdb_datum add;

        add.n = 1;
        add.keys = &k;
        add.values = (union ovsdb_atom[]) { { .string = (char *) value } };
        ovsdb_datum_union(d, &add, t);
    }
}

static struct vrow *
row_insert(const struct ovsdb_table_schema *ts)
{
    struct vrow *row = g_new0(struct vrow, 1);

    row->ts = ts;
    ovsdb_uuid_generate(&row->uuid);
    row->cur = g_new0(struct ovsdb_datum, ts->n_columns);
    for (size_t i = 0; i < ts->n_columns; i++) {
        const struct ovsdb_type *t = &ts->columns[i]->type;

        /* Sets start empty (the commands fill those that need one). */
        if (t->n_max > 1) {
            ovsdb_datum_init_empty(&row->cur[i]);
        } else {
            ovsdb_datum_init_default(&row->cur[i], t);
        }
    }
    row->uuid_name = g_strdup_printf("row%u", view->n_inserted++);
    g_ptr_array_add(view->rows[ts->index], row);
    g_hash_table_insert(view->by_uuid, &row->uuid, row);
    return row;
}

static struct vrow *
row_insert_named(const char *table)
{
    return row_insert(table_get(table));
}

static void
row_delete(struct vrow *row)
{
    row->deleted = true;
}

static GPtrArray *
live_rows(const char *table)
{
    GPtrArray *all = table_rows(table);
    GPtrArray *out = g_ptr_array_new();

    for (size_t i = 0; all && i < all->len; i++) {
        struct vrow *r = all->pdata[i];

        if (!r->deleted) {
            g_ptr_array_add(out, r);
        }
    }
    return out;
}

static struct vrow *ovs_row;    /* The Open_vSwitch row. */

/* ---------------------------------------------------------------------
 * Connection and reading. */
static struct jsonrpc *rpc;
static const char *db_name = "Open_vSwitch";

static bool retry;              /* --retry: keep trying to connect. */
static void reconnect_db(void);
static char *db;

/* Sends a "transact" with 'params' (stolen) and returns the reply.  If the
 * connection is lost: with --retry, connects again (reconnect_db()) and
 * returns NULL, and the caller starts the run again, as ovs-vsctl's IDL
 * does; without, exits with an error. */
static json_t *
transact(json_t *params)
{
    json_t *reply = NULL;
    json_t *request = jsonrpc_create_request("transact", params, NULL);
    int error = jsonrpc_transact_block(rpc, request, &reply, -1);

    if (error && retry) {
        reconnect_db();
        return NULL;
    } else if (error) {
        fatal("%s: transaction failed (%s)", jsonrpc_get_name(rpc),
              jsonrpc_get_error(rpc) ? jsonrpc_get_error(rpc)
              : g_strerror(-error));
    }
    if (jsonrpc_msg_error(reply)) {
        char *text = json_dumps(jsonrpc_msg_error(reply),
                                JSON_COMPACT | JSON_SORT_KEYS);

        fatal("transaction error: %s", text);
    }
    return reply;
}

/* How much of Port and Interface a run reads (view_load()).
 *
 * READ_ALL: every column of every row, for the database commands.
 *
 * READ_MODEL: for a run made only of bridge, port, interface, controller,
 * manager and SSL commands.  With 1,000 ports, reading every column was
 * most of a run's time (ovs-vsctl likewise asks only for the columns its
 * commands use).  The ports of fake bridges (fake_bridge true: a handful)
 * are read with every column the model uses; the others only with what
 * places them in the model, without even their _version, which only a
 * row the run changes needs (wait_op()): these commands change only the
 * ports of fake bridges.
 *
 * READ_NAMED: for a run whose commands look up only the bridges and some
 * ports and interfaces by name (add-port, add-br, port-to-br, ... see
 * command_names()): the ports of fake bridges and the ports and
 * interfaces of those names, not the thousand others; a second read
 * brings the interfaces of those ports and the port of an interface that
 * is not its namesake's (a bond's): read_relatives().
 *
 * Both read bridges only with the columns the model's commands use: a
 * bridge row holds some 40 columns, and with a few dozen bridges reading
 * them all doubled the time of an add-br.
 *
 * Columns not read keep their defaults in the view and, unchanged, are
 * never written back; rows not read are not in the view, and references
 * to them are skipped (refs()). */
enum read_mode { READ_ALL, READ_MODEL, READ_NAMED };
#define MAX_NAMED_READS 32

static const char *const bridge_columns[] = {
    "_uuid", "_version", "name", "ports", "controller", "fail_mode",
    "external_ids", NULL,
};
static const char *const fake_port_columns[] = {
    "_uuid", "_version", "name", "interfaces", "fake_bridge", "tag",
    "external_ids", NULL,
};
static const char *const port_columns[] = {
    "_uuid", "name", "interfaces", "tag", NULL,
};
static const char *const iface_columns[] = {
    "_uuid", "name", NULL,
};

/* ["uuid", "<uuid>"]. */
static json_t *
uuid_json(const struct ovsdb_uuid *uuid)
{
    char buf[OVSDB_UUID_LEN + 1];

    ovsdb_uuid_to_string(uuid, buf);
    return json_pack("[s, s]", "uuid", buf);
}

/* A select of the rows of 'table' ('where' a JSON condition list,
 * stolen): all columns, or those of 'columns'. */
static json_t *
select_op(const char *table, json_t *where, const char *const *columns)
{
    json_t *op = json_pack("{s:s, s:s, s:o}", "op", "select",
                           "table", table, "where", where);

    if (columns) {
        json_t *names = json_array();

        for (; *columns; columns++) {
            json_array_append_new(names, json_string(*columns));
        }
        json_object_set_new(op, "columns", names);
    }
    return op;
}

/* A batch of selects: the "transact" parameters, the table name of each
 * select, and the reply once it has come. */
struct selects {
    json_t *params;
    GPtrArray *tables;          /* const char *: names, not owned. */
    json_t *reply;
};

static void
selects_init(struct selects *s)
{
    s->params = json_pack("[s]", db_name);
    s->tables = g_ptr_array_new();
    s->reply = NULL;
}

static void
selects_destroy(struct selects *s)
{
    json_decref(s->params);
    g_ptr_array_free(s->tables, TRUE);
    json_decref(s->reply);
}

static void
selects_add(struct selects *s, const char *table, json_t *where,
            const char *const *columns)
{
    json_array_append_new(s->params, select_op(table, where, columns));
    g_ptr_array_add(s->tables, (void *) table);
}

/* Adds the rows of a select's result 'rows' to the view, as rows of 'ts'
 * (a row already there, read by another select, is skipped). */
static void
view_add_rows(const struct ovsdb_table_schema *ts, json_t *rows)
{
    size_t i;
    json_t *jrow;

    json_array_foreach(rows, i, jrow) {
        struct vrow *row = g_new0(struct vrow, 1);

        row->ts = ts;
        row->cur = g_new0(struct ovsdb_datum, ts->n_columns);
        row->old = g_new0(struct ovsdb_datum, ts->n_columns);
        for (size_t c = 0; c < ts->n_columns; c++) {
            const struct ovsdb_type *type = &ts->columns[c]->type;
            json_t *j = json_object_get(jrow, ts->columns[c]->name);
            char *err = NULL;

            if (!j || ovsdb_datum_from_json(&row->cur[c], type, j,
                                            NULL, &err)) {
                g_free(err);
                ovsdb_datum_init_default(&row->cur[c], type);
            }
            ovsdb_datum_clone(&row->old[c], &row->cur[c], type);
        }
        if (row->cur[OVSDB_COL_UUID].n) {
            row->uuid = row->cur[OVSDB_COL_UUID].keys[0].uuid;
        }
        if (g_hash_table_contains(view->by_uuid, &row->uuid)) {
            vrow_free(row);
            continue;
        }
        row->has_version = json_object_get(jrow, "_version") != NULL;
        g_ptr_array_add(view->rows[ts->index], row);
        g_hash_table_insert(view->by_uuid, &row->uuid, row);
    }
}

/* Adds the rows of the reply of 's' to the view, if every select
 * succeeded on a table of the view's schema; returns false (the view
 * unchanged) if not. */
static bool
selects_apply(const struct selects *s)
{
    json_t *result = jsonrpc_msg_result(s->reply);

    if (!json_is_array(result) || json_array_size(result) < s->tables->len) {
        return false;
    }
    for (size_t i = 0; i < s->tables->len; i++) {
        json_t *r = json_array_get(result, i);

        if (!ovsdb_schema_get_table(view->schema, s->tables->pdata[i])
            || !json_is_array(json_object_get(r, "rows"))) {
            return false;
        }
    }
    for (size_t i = 0; i < s->tables->len; i++) {
        view_add_rows(ovsdb_schema_get_table(view->schema,
                                             s->tables->pdata[i]),
                      json_object_get(json_array_get(result, i), "rows"));
    }
    return true;
}

/* Runs the selects of 's' (and destroys it), adding their rows to the
 * view.  Returns false if the connection was lost (see transact()). */
static bool
selects_run(struct selects *s)
{
    bool ok;

    s->reply = transact(s->params);
    s->params = NULL;           /* Stolen. */
    ok = s->reply != NULL;
    if (ok && !selects_apply(s)) {
        fatal("%s: unexpected reply to a read", db);
    }
    selects_destroy(s);
    return ok;
}

/* READ_NAMED's second read: the interfaces of the ports read (for
 * "--may-exist add-bond", which compares them), and the ports of the
 * interfaces read by name that no port read so far holds (a bond's). */
static bool
read_relatives(const struct ovsdb_table_schema *port_ts,
               const struct ovsdb_table_schema *iface_ts)
{
    GHashTable *held = g_hash_table_new(ovsdb_uuid_ghash, ovsdb_uuid_gequal);
    GPtrArray *ports = view->rows[port_ts->index];
    GPtrArray *ifaces = view->rows[iface_ts->index];
    struct selects s;

    selects_init(&s);
    for (size_t i = 0; i < ports->len; i++) {
        const struct ovsdb_datum *d = datum(ports->pdata[i], "interfaces");

        for (unsigned int k = 0; k < d->n; k++) {
            const struct ovsdb_uuid *u = &d->keys[k].uuid;

            g_hash_table_add(held, (void *) u);
            if (!g_hash_table_contains(view->by_uuid, u)) {
                selects_add(&s, iface_ts->name, json_pack(
                                "[[s, s, o]]", "_uuid", "==", uuid_json(u)),
                            iface_columns);
            }
        }
    }
    for (size_t i = 0; i < ifaces->len; i++) {
        struct vrow *iface = ifaces->pdata[i];

        if (!g_hash_table_contains(held, &iface->uuid)) {
            selects_add(&s, port_ts->name, json_pack(
                            "[[s, s, [s, [o]]]]", "interfaces", "includes",
                            "set", uuid_json(&iface->uuid)),
                        fake_port_columns);
        }
    }
    g_hash_table_destroy(held);
    if (s.tables->len) {
        return selects_run(&s);
    }
    selects_destroy(&s);
    return true;
}

/* The tables that the runs other than READ_ALL read: those of the model
 * and of the controller, manager and SSL commands.  A schema is not
 * needed to name them, so that the read can go out with the request for
 * the schema (connect_db()). */
static const char *const model_tables[] = {
    "Open_vSwitch", "Bridge", "Port", "Interface", "Controller", "Manager",
    "SSL",
};

/* The first read of a run, as 'mode' says (see above): READ_ALL reads
 * every table of 'schema'; the others only model_tables[] ('schema' may
 * then be NULL), with 'names' (strings) READ_NAMED's port and interface
 * names. */
static void
read_selects(struct selects *s, enum read_mode mode, const GPtrArray *names,
             const struct ovsdb_schema *schema)
{
    selects_init(s);
    if (mode == READ_ALL) {
        for (size_t t = 0; t < schema->n_tables; t++) {
            selects_add(s, schema->tables[t]->name, json_array(), NULL);
        }
        return;
    }
    for (size_t t = 0; t < G_N_ELEMENTS(model_tables); t++) {
        const char *table = model_tables[t];

        if (schema && !ovsdb_schema_get_table(schema, table)) {
            continue;
        } else if (!strcmp(table, "Bridge")) {
            selects_add(s, table, json_array(), bridge_columns);
        } else if (!strcmp(table, "Port")) {
            selects_add(s, table, json_pack("[[s, s, b]]",
                                            "fake_bridge", "==", 1),
                        fake_port_columns);
            if (mode == READ_MODEL) {
                selects_add(s, table, json_pack("[[s, s, b]]",
                                                "fake_bridge", "==", 0),
                            port_columns);
            }
            for (size_t i = 0; mode == READ_NAMED && i < names->len; i++) {
                selects_add(s, table, json_pack("[[s, s, s]]", "name", "==",
                                                names->pdata[i]),
                            fake_port_columns);
            }
        } else if (!strcmp(table, "Interface")) {
            if (mode == READ_MODEL) {
                selects_add(s, table, json_array(), iface_columns);
            }
            for (size_t i = 0; mode == READ_NAMED && i < names->len; i++) {
                selects_add(s, table, json_pack("[[s, s, s]]", "name", "==",
                                                names->pdata[i]),
                            iface_columns);
            }
        } else {
            selects_add(s, table, json_array(), NULL);
        }
    }
}

/* Whether 'schema' has table 'name' with each of 'columns'. */
static bool
has_columns(const struct ovsdb_schema *schema, const char *name,
            const char *const *columns)
{
    const struct ovsdb_table_schema *ts = ovsdb_schema_get_table(schema,
                                                                 name);

    for (; ts && *columns; columns++) {
        if (**columns != '_' && !ovsdb_table_schema_get_column(ts, *columns)) {
            return false;
        }
    }
    return ts != NULL;
}

/* Reads the database into a new view, as 'mode' says (see above);
 * 'names' (strings) are READ_NAMED's port and interface names.  'pre', if
 * not NULL, is that read already done (connect_db()): it is used if the
 * schema allows 'mode' and every select succeeded, and destroyed.
 * Returns false if the connection was lost (see transact()). */
static bool
view_load(struct ovsdb_schema *schema, enum read_mode mode,
          const GPtrArray *names, struct selects *pre)
{
    const struct ovsdb_table_schema *port_ts, *iface_ts;
    bool done = false;
    struct selects s;

    view_free(view);
    view = view_create(schema);
    port_ts = ovsdb_schema_get_table(schema, "Port");
    iface_ts = ovsdb_schema_get_table(schema, "Interface");
    if (!has_columns(schema, "Bridge", bridge_columns)
        || !has_columns(schema, "Port", fake_port_columns)
        || !has_columns(schema, "Interface", iface_columns)) {
        mode = READ_ALL;        /* Not the model's columns: read them all. */
    }
    if (pre) {
        done = mode != READ_ALL && selects_apply(pre);
        selects_destroy(pre);
    }
    if (!done) {
        read_selects(&s, mode, names, schema);
        if (!selects_run(&s)) {
            return false;
        }
    }
    return mode != READ_NAMED || read_relatives(port_ts, iface_ts);
}

/* ---------------------------------------------------------------------
 * The bridge/port/interface model of ovs-vsctl, rebuilt from the view. */
struct vbr {
    char *name;
    struct vrow *row;           /* NULL for a fake bridge. */
    struct vbr *parent;         /* Fake bridges only. */
    int vlan;
    GPtrArray *ports;           /* struct vport *. */
    GPtrArray *children;        /* struct vbr *. */
};

struct vport {
    struct vrow *row;
    struct vbr *br;
    GPtrArray *ifaces;          /* struct viface *. */
};

struct viface {
    struct vrow *row;
    struct vport *port;
};

static GHashTable *bridges, *ports, *ifaces;
static bool cache_valid;        /* The model matches the view. */

static void
vbr_free(struct vbr *b)
{
    g_free(b->name);
    g_ptr_array_free(b->ports, TRUE);
    g_ptr_array_free(b->children, TRUE);
    g_free(b);
}

static void
vport_free(struct vport *p)
{
    g_ptr_array_free(p->ifaces, TRUE);
    g_free(p);
}

static bool
port_is_fake_bridge(struct vrow *port)
{
    int64_t tag;

    return (get_bool(port, "fake_bridge") && get_int(port, "tag", &tag)
            && tag >= 0 && tag <= 4095);
}

static struct vbr *
find_vlan_bridge(struct vbr *parent, int vlan)
{
    for (size_t i = 0; i < parent->children->len; i++) {
        struct vbr *c = parent->children->pdata[i];

        if (c->vlan == vlan) {
            return c;
        }
    }
    return NULL;
}

static struct vbr *
add_bridge_to_cache(struct vrow *row, const char *name, struct vbr *parent,
                    int vlan)
{
    struct vbr *b = g_new0(struct vbr, 1);

    b->name = g_strdup(name);
    b->row = row;
    b->parent = parent;
    b->vlan = vlan;
    b->ports = g_ptr_array_new();
    b->children = g_ptr_array_new();
    if (parent) {
        struct vbr *conflict = find_vlan_bridge(parent, vlan);

        if (conflict) {
            char *msg = g_strdup_printf(
                "%s: bridge has multiple VLAN bridges (%s and %s) for VLAN "
                "%d, but only one is allowed", parent->name, name,
                conflict->name, vlan);

            log_warn("vsctl", msg);
            g_free(msg);
        } else {
            g_ptr_array_add(parent->children, b);
        }
    }
    g_hash_table_insert(bridges, b->name, b);
    return b;
}

static void
cache_populate(void)
{
    GHashTable *seen_br = g_hash_table_new(g_str_hash, g_str_equal);
    GHashTable *seen_port = g_hash_table_new(g_str_hash, g_str_equal);
    GPtrArray *brs;

    if (bridges) {
        g_hash_table_destroy(bridges);
        g_hash_table_destroy(ports);
        g_hash_table_destroy(ifaces);
    }
    bridges = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                    (GDestroyNotify) vbr_free);
    ports = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                  (GDestroyNotify) vport_free);
    ifaces = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);

    brs = refs(ovs_row, "bridges");
    for (size_t i = 0; i < brs->len; i++) {
        struct vrow *br = brs->pdata[i];
        const char *name = get_str(br, "name");
        struct vbr *b = NULL;
        GPtrArray *ps;

        if (!name || g_hash_table_contains(seen_br, name)) {
            continue;
        }
        g_hash_table_add(seen_br, (char *) name);
        b = add_bridge_to_cache(br, name, NULL, 0);
        ps = refs(br, "ports");
        for (size_t j = 0; j < ps->len; j++) {
            struct vrow *p = ps->pdata[j];
            const char *pname = get_str(p, "name");
            int64_t tag = 0;

            if (!pname || g_hash_table_contains(seen_port, pname)) {
                continue;
            }
            g_hash_table_add(seen_port, (char *) pname);
            if (port_is_fake_bridge(p)
                && !g_hash_table_contains(seen_br, pname)) {
                g_hash_table_add(seen_br, (char *) pname);
                get_int(p, "tag", &tag);
                add_bridge_to_cache(NULL, pname, b, tag);
            }
        }
        g_ptr_array_free(ps, TRUE);
    }
    g_hash_table_remove_all(seen_br);

    for (size_t i = 0; i < brs->len; i++) {
        struct vrow *br = brs->pdata[i];
        const char *name = get_str(br, "name");
        struct vbr *b = NULL;
        GPtrArray *ps;

        if (!name || g_hash_table_contains(seen_br, name)) {
            continue;
        }
        g_hash_table_add(seen_br, (char *) name);
        b = g_hash_table_lookup(bridges, name);
        ps = refs(br, "ports");
        for (size_t j = 0; j < ps->len; j++) {
            struct vrow *p = ps->pdata[j];
            const char *pname = get_str(p, "name");
            struct vbr *owner = b;
            struct vport *vp;
            GPtrArray *is;
            int64_t tag;

            if (!pname || g_hash_table_contains(ports, pname)) {
                continue;
            }
            if (port_is_fake_bridge(p)
                && g_hash_table_contains(seen_br, pname)) {
                continue;
            }
            g_hash_table_add(seen_br, (char *) pname);
            if (get_int(p, "tag", &tag) && tag >= 0 && tag <= 4095) {
                struct vbr *vb = find_vlan_bridge(b, tag);

                if (vb) {
                    owner = vb;
                }
            }
            vp = g_new0(struct vport, 1);
            vp->row = p;
            vp->br = owner;
            vp->ifaces = g_ptr_array_new();
            g_ptr_array_add(owner->ports, vp);
            g_hash_table_insert(ports, (char *) pname, vp);
            is = refs(p, "interfaces");
            for (size_t k = 0; k < is->len; k++) {
                struct vrow *ir = is->pdata[k];
                const char *iname = get_str(ir, "name");
                struct viface *vi = NULL;

                if (!iname || g_hash_table_contains(ifaces, iname)) {
                    continue;
                }
                vi = g_new0(struct viface, 1);
                vi->row = ir;
                vi->port = vp;
                g_ptr_array_add(vp->ifaces, vi);
                g_hash_table_insert(ifaces, (char *) iname, vi);
            }
            g_ptr_array_free(is, TRUE);
        }
        g_ptr_array_free(ps, TRUE);
    }
    g_ptr_array_free(brs, TRUE);
    g_hash_table_destroy(seen_br);
    g_hash_table_destroy(seen_port);
}

/* Adds the new 'port' row of bridge 'b', and its interfaces, to the model,
 * as add-port and add-bond create them, so that a chain of 1,000 add-port
 * commands does not rebuild the model 1,000 times. */
static void
cache_add_port(struct vbr *b, struct vrow *port)
{
    struct vport *vp = g_new0(struct vport, 1);
    GPtrArray *is = refs(port, "interfaces");

    vp->row = port;
    vp->br = b;
    vp->ifaces = g_ptr_array_new();
    g_ptr_array_add(b->ports, vp);
    g_hash_table_insert(ports, (char *) get_str(port, "name"), vp);
    for (size_t k = 0; k < is->len; k++) {
        struct viface *vi = g_new0(struct viface, 1);

        vi->row = is->pdata[k];
        vi->port = vp;
        g_ptr_array_add(vp->ifaces, vi);
        g_hash_table_insert(ifaces, (char *) get_str(vi->row, "name"), vi);
    }
    g_ptr_array_free(is, TRUE);
}

static int
find_bridge(const char *name, bool must_exist, struct vbr **brp)
{
    struct vbr *b = g_hash_table_lookup(bridges, name);

    *brp = b;
    if (!b && must_exist) {
        return fail("no bridge named %s", name);
    }
    return 0;
}

static struct vbr *
real_bridge(struct vbr *b)
{
    return b->parent ? b->parent : b;
}

static int
find_port(const char *name, bool must_exist, struct vport **portp)
{
    struct vport *p = g_hash_table_lookup(ports, name);

    if (p && !strcmp(name, p->br->name)) {
        p = NULL;
    }
    *portp = p;
    if (!p && must_exist) {
        return fail("no port named %s", name);
    }
    return 0;
}

static int
find_iface(const char *name, bool must_exist, struct viface **ifacep)
{
    struct viface *i = g_hash_table_lookup(ifaces, name);

    if (i && !strcmp(name, i->port->br->name)) {
        i = NULL;
    }
    *ifacep = i;
    if (!i && must_exist) {
        return fail("no interface named %s", name);
    }
    return 0;
}

static int
check_conflicts(const char *name, const char *msg)
{
    struct vport *p = NULL;
    struct viface *i = NULL;

    if (g_hash_table_contains(bridges, name)) {
        return fail("%s because a bridge named %s already exists", msg,
                    name);
    }
    p = g_hash_table_lookup(ports, name);
    if (p) {
        return fail("%s because a port named %s already exists on bridge "
                    "%s", msg, name, p->br->name);
    }
    i = g_hash_table_lookup(ifaces, name);
    if (i) {
        return fail("%s because an interface named %s already exists on "
                    "bridge %s", msg, name, i->port->br->name);
    }
    return 0;
}

/* ---------------------------------------------------------------------
 * Commands. */
struct cmd {
    int argc;
    char **argv;                /* argv[0] is the command name. */
    GHashTable *options;        /* "--name" -> value ("" if none). */
    GString *out;
    struct vrow *created;       /* "create": print its final UUID. */
};

static bool
has_opt(const struct cmd *c, const char *name)
{
    return g_hash_table_contains(c->options, name);
}

static void
del_iface_row(struct vrow *iface)
{
    row_delete(iface);
}

static void
del_port(struct vport *p)
{
    struct vbr *rb = real_bridge(p->br);

    for (size_t i = 0; i < p->ifaces->len; i++) {
        del_iface_row(((struct viface *) p->ifaces->pdata[i])->row);
    }
    ref_remove(rb->row, "ports", p->row);
    row_delete(p->row);
}

static void
del_bridge(struct vbr *b)
{
    /* Children first (a real bridge's fake bridges). */
    while (b->children->len) {
        struct vbr *c = b->children->pdata[0];

        g_ptr_array_remove_index(b->children, 0);
        del_bridge(c);
    }
    for (size_t i = 0; i < b->ports->len; i++) {
        del_port(b->ports->pdata[i]);
    }
    if (b->row) {
        ref_remove(ovs_row, "bridges", b->row);
        row_delete(b->row);
    } else {
        /* A fake bridge: its own Port on the parent. */
        GPtrArray *ps = refs(b->parent->row, "ports");

        for (size_t i = 0; i < ps->len; i++) {
            struct vrow *p = ps->pdata[i];
            const char *n = get_str(p, "name");

            if (n && !strcmp(n, b->name)) {
                GPtrArray *is = refs(p, "interfaces");

                for (size_t k = 0; k < is->len; k++) {
                    del_iface_row(is->pdata[k]);
                }
                g_ptr_array_free(is, TRUE);
                ref_remove(b->parent->row, "ports", p);
                row_delete(p);
            }
        }
        g_ptr_array_free(ps, TRUE);
    }
}

static int
cmd_init(struct cmd *c)
{
    (void) c;
    return 0;
}

static int
cmd_add_br(struct cmd *c)
{
    bool may_exist = has_opt(c, "--may-exist");
    const char *name = c->argv[1];
    struct vbr *parent = NULL, *b;
    int vlan = 0;
    int error;

    if (c->argc == 2) {
        /* Real bridge. */
    } else if (c->argc == 4) {
        char *end;
        long v = strtol(c->argv[3], &end, 10);

        if (*end || v < 0 || v > 4095) {
            return fail("%s: vlan must be between 0 and 4095", c->argv[0]);
        }
        vlan = v;
        error = find_bridge(c->argv[2], false, &parent);
        if (error) {
            return error;
        }
        if (!parent) {
            return fail("parent bridge %s does not exist", c->argv[2]);
        }
    } else {
        return fail("'%s' command takes exactly 1 or 3 arguments",
                    c->argv[0]);
    }

    b = g_hash_table_lookup(bridges, name);
    if (may_exist && b) {
        if (!parent) {
            if (b->parent) {
                return fail("\"--may-exist add-br %s\" but %s is a VLAN "
                            "bridge for VLAN %d", name, name, b->vlan);
            }
        } else {
            if (!b->parent) {
                return fail("\"--may-exist add-br %s %s %d\" but %s is not "
                            "a VLAN bridge", name, c->argv[2], vlan, name);
            } else if (b->parent != parent) {
                return fail("\"--may-exist add-br %s %s %d\" but %s has the "
                            "wrong parent %s", name, c->argv[2], vlan, name,
                            b->parent->name);
            } else if (b->vlan != vlan) {
                return fail("\"--may-exist add-br %s %s %d\" but %s is a "
                            "VLAN bridge for the wrong VLAN %d", name,
                            c->argv[2], vlan, name, b->vlan);
            }
        }
        return 0;
    }
    {
        char *msg = g_strdup_printf("cannot create a bridge named %s", name);

        error = check_conflicts(name, msg);
        g_free(msg);
        if (error) {
            return error;
        }
    }

    struct vrow *iface = row_insert_named("Interface");
    struct vrow *port = row_insert_named("Port");

    set_str(iface, "name", name);
    set_str(iface, "type", "internal");
    set_str(port, "name", name);
    ref_add(port, "interfaces", iface);
    if (!parent) {
        struct vrow *br = row_insert_named("Bridge");

        set_str(br, "name", name);
        ref_add(br, "ports", port);
        ref_add(ovs_row, "bridges", br);
    } else {
        set_bool(port, "fake_bridge", true);
        set_int(port, "tag", vlan);
        ref_add(parent->row, "ports", port);
    }
    return 0;
}

static int
cmd_del_br(struct cmd *c)
{
    struct vbr *b = NULL;
    int error = find_bridge(c->argv[1], !has_opt(c, "--if-exists"), &b);

    if (!error && b) {
        del_bridge(b);
    }
    return error;
}

static gint
cmp_str(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

static void
output_sorted(struct cmd *c, GPtrArray *names)
{
    g_ptr_array_sort(names, cmp_str);
    for (size_t i = 0; i < names->len; i++) {
        g_string_append_printf(c->out, "%s\n", (char *) names->pdata[i]);
    }
    g_ptr_array_free(names, TRUE);
}

static int
cmd_list_br(struct cmd *c)
{
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    GHashTableIter it;
    struct vbr *b = NULL;
    bool real = has_opt(c, "--real"), fake = has_opt(c, "--fake");

    g_hash_table_iter_init(&it, bridges);
    while (g_hash_table_iter_next(&it, NULL, (gpointer *) &b)) {
        if ((!real && !fake) || (real && !b->parent)
            || (fake && b->parent)) {
            g_ptr_array_add(names, g_strdup(b->name));
        }
    }
    output_sorted(c, names);
    return 0;
}

static int
cmd_br_exists(struct cmd *c)
{
    if (!g_hash_table_contains(bridges, c->argv[1])) {
        exit(2);
    }
    return 0;
}

static int
cmd_br_to_vlan(struct cmd *c)
{
    struct vbr *b = NULL;
    int error = find_bridge(c->argv[1], true, &b);

    if (!error) {
        g_string_append_printf(c->out, "%d\n", b->vlan);
    }
    return error;
}

static int
cmd_br_to_parent(struct cmd *c)
{
    struct vbr *b = NULL;
    int error = find_bridge(c->argv[1], true, &b);

    if (!error) {
        g_string_append_printf(c->out, "%s\n", real_bridge(b)->name);
    }
    return error;
}

static struct vport *
fake_bridge_port(struct vbr *b)
{
    return g_hash_table_lookup(ports, b->name);
}

static int
cmd_br_set_external_id(struct cmd *c)
{
    const char *value = c->argc > 3 ? c->argv[3] : NULL;
    struct vbr *b = NULL;
    int error = find_bridge(c->argv[1], true, &b);

    if (error) {
        return error;
    }
    if (b->row) {
        map_set(b->row, "external_ids", c->argv[2], value);
    } else {
        char *key = g_strdup_printf("fake-bridge-%s", c->argv[2]);
        struct vport *p = fake_bridge_port(b);

        if (p) {
            map_set(p->row, "external_ids", key, value);
        }
        g_free(key);
    }
    return 0;
}

static void
get_external_ids(struct cmd *c, struct vrow *row, const char *prefix,
                 const char *key)
{
    const struct ovsdb_datum *d = datum(row, "external_ids");
    size_t plen = prefix ? strlen(prefix) : 0;

    if (key) {
        char *full = g_strdup_printf("%s%s", prefix ? prefix : "", key);
        const char *v = map_get(row, "external_ids", full);

        if (v) {
            g_string_append_printf(c->out, "%s\n", v);
        }
        g_free(full);
        return;
    }
    for (unsigned int i = 0; i < d->n; i++) {
        const char *k = d->keys[i].string;

        if (prefix && strncmp(k, prefix, plen)) {
            continue;
        }
        g_string_append_printf(c->out, "%s=%s\n", k + plen,
                               d->values[i].string);
    }
}

static int
cmd_br_get_external_id(struct cmd *c)
{
    const char *key = c->argc > 2 ? c->argv[2] : NULL;
    struct vbr *b = NULL;
    int error = find_bridge(c->argv[1], true, &b);

    if (error) {
        return error;
    }
    if (b->row) {
        get_external_ids(c, b->row, NULL, key);
    } else {
        struct vport *p = fake_bridge_port(b);

        if (p) {
            get_external_ids(c, p->row, "fake-bridge-", key);
        }
    }
    return 0;
}

static int
cmd_list_ports(struct cmd *c)
{
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    struct vbr *b = NULL;
    int error = find_bridge(c->argv[1], true, &b);

    if (error) {
        g_ptr_array_free(names, TRUE);
        return error;
    }
    for (size_t i = 0; i < b->ports->len; i++) {
        struct vport *p = b->ports->pdata[i];
        const char *n = get_str(p->row, "name");

        if (strcmp(n, b->name)) {
            g_ptr_array_add(names, g_strdup(n));
        }
    }
    output_sorted(c, names);
    return 0;
}

static int
cmd_list_ifaces(struct cmd *c)
{
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    struct vbr *b = NULL;
    int error = find_bridge(c->argv[1], true, &b);

    if (error) {
        g_ptr_array_free(names, TRUE);
        return error;
    }
    for (size_t i = 0; i < b->ports->len; i++) {
        struct vport *p = b->ports->pdata[i];

        for (size_t k = 0; k < p->ifaces->len; k++) {
            struct viface *vi = p->ifaces->pdata[k];
            const char *n = get_str(vi->row, "name");

            if (strcmp(n, b->name)) {
                g_ptr_array_add(names, g_strdup(n));
            }
        }
    }
    output_sorted(c, names);
    return 0;
}

/* The command as ovs-vsctl quotes it in its errors: options, then
 * arguments. */
static char *
command_string(const struct cmd *c)
{
    GString *s = g_string_new(NULL);
    GList *names = g_list_sort(g_hash_table_get_keys(c->options),
                               (GCompareFunc) strcmp);

    for (GList *n = names; n; n = n->next) {
        const char *value = g_hash_table_lookup(c->options, n->data);

        g_string_append_printf(s, "%s%s%s ", (char *) n->data,
                               *value ? "=" : "", value);
    }
    g_list_free(names);
    for (int i = 0; i < c->argc; i++) {
        g_string_append_printf(s, "%s%s", i ? " " : "", c->argv[i]);
    }
    return g_string_free(s, FALSE);
}

/* "--may-exist add-port/add-bond": succeeds, doing nothing, if port
 * 'existing' is on bridge 'br_name' with exactly the interfaces
 * 'iface_names'; fails as ovs-vsctl does otherwise. */
static int
check_existing_port(struct cmd *c, const struct vport *existing,
                    const char *br_name, char **iface_names, int n_ifaces)
{
    GPtrArray *want = g_ptr_array_new(), *have = g_ptr_array_new();
    GPtrArray *is = refs(existing->row, "interfaces");
    bool same = true;
    int error = 0;

    for (int i = 0; i < n_ifaces; i++) {
        g_ptr_array_add(want, iface_names[i]);
    }
    for (size_t i = 0; i < is->len; i++) {
        const char *name = get_str(is->pdata[i], "name");

        g_ptr_array_add(have, (char *) (name ? name : ""));
    }
    g_ptr_array_sort(want, cmp_str);
    g_ptr_array_sort(have, cmp_str);
    same = want->len == have->len;
    for (size_t i = 0; same && i < want->len; i++) {
        same = !strcmp(want->pdata[i], have->pdata[i]);
    }
    if (strcmp(existing->br->name, br_name)) {
        char *cmd = command_string(c);

        error = fail("\"%s\" but %s is actually attached to bridge %s", cmd,
                     get_str(existing->row, "name"), existing->br->name);
        g_free(cmd);
    } else if (!same) {
        char *cmd = command_string(c);
        GString *names = g_string_new(NULL);

        for (size_t i = 0; i < have->len; i++) {
            g_string_append_printf(names, "%s%s", i ? ", " : "",
                                   (char *) have->pdata[i]);
        }
        error = fail("\"%s\" but %s actually has interface(s) %s", cmd,
                     get_str(existing->row, "name"), names->str);
        g_string_free(names, TRUE);
        g_free(cmd);
    }
    g_ptr_array_free(want, TRUE);
    g_ptr_array_free(have, TRUE);
    g_ptr_array_free(is, TRUE);
    return error;
}

static int
add_port(struct cmd *c, const char *br_name, const char *port_name,
         char **iface_names, int n_ifaces, bool fake_iface)
{
    bool may_exist = has_opt(c, "--may-exist");
    struct vport *existing = g_hash_table_lookup(ports, port_name);
    struct vbr *b = NULL;
    int error;

    if (may_exist && existing) {
        return check_existing_port(c, existing, br_name, iface_names,
                                   n_ifaces);
    }
    {
        char *msg = g_strdup_printf("cannot create a port named %s",
                                    port_name);

        error = check_conflicts(port_name, msg);
        g_free(msg);
        if (error) {
            return error;
        }
    }
    for (int i = 0; i < n_ifaces; i++) {
        char *msg = g_strdup_printf("cannot create an interface named %s",
                                    iface_names[i]);

        error = check_conflicts(iface_names[i], msg);
        g_free(msg);
        if (error) {
            return error;
        }
    }
    error = find_bridge(br_name, true, &b);
    if (error) {
        return error;
    }

    struct vrow *port = row_insert_named("Port");

    set_str(port, "name", port_name);
    for (int i = 0; i < n_ifaces; i++) {
        struct vrow *iface = row_insert_named("Interface");

        set_str(iface, "name", iface_names[i]);
        ref_add(port, "interfaces", iface);
    }
    if (fake_iface) {
        set_bool(port, "bond_fake_iface", true);
    }
    if (b->parent) {
        set_int(port, "tag", b->vlan);
    }
    ref_add(real_bridge(b)->row, "ports", port);
    cache_add_port(b, port);
    return 0;
}

static int
cmd_add_port(struct cmd *c)
{
    if (c->argc > 3) {
        return fail("add-port: column settings are not implemented");
    }
    return add_port(c, c->argv[1], c->argv[2], &c->argv[2], 1, false);
}

static int
cmd_add_bond(struct cmd *c)
{
    int n = c->argc - 3;

    for (int i = 3; i < c->argc; i++) {
        if (strchr(c->argv[i], '=')) {
            return fail("add-bond: column settings are not implemented");
        }
    }
    if (n < 2) {
        return fail("add-bond requires at least 2 interfaces, but only %d "
                    "were specified", n);
    }
    return add_port(c, c->argv[1], c->argv[2], &c->argv[3], n,
                    has_opt(c, "--fake-iface"));
}

static int
cmd_del_port(struct cmd *c)
{
    bool if_exists = has_opt(c, "--if-exists");
    bool with_iface = has_opt(c, "--with-iface");
    const char *target = c->argv[c->argc - 1];
    struct vport *p = NULL;
    int error;

    error = find_port(target, !with_iface && !if_exists, &p);
    if (error) {
        return error;
    }
    if (!p && with_iface) {
        struct viface *vi = NULL;

        error = find_iface(target, false, &vi);
        if (vi) {
            p = vi->port;
        } else if (!if_exists) {
            return fail("no port or interface named %s", target);
        }
    }
    if (!p) {
        return 0;
    }
    if (c->argc == 3) {
        struct vbr *b = NULL;

        error = find_bridge(c->argv[1], true, &b);
        if (error) {
            return error;
        }
        if (p->br != b) {
            if (p->br->parent == b) {
                return fail("bridge %s does not have a port %s (although "
                            "its child bridge %s does)", c->argv[1],
                            target, p->br->name);
            }
            return fail("bridge %s does not have a port %s", c->argv[1],
                        target);
        }
    }
    del_port(p);
    return 0;
}

static int
cmd_port_to_br(struct cmd *c)
{
    struct vport *p = NULL;
    int error = find_port(c->argv[1], true, &p);

    if (!error) {
        g_string_append_printf(c->out, "%s\n", p->br->name);
    }
    return error;
}

static int
cmd_iface_to_br(struct cmd *c)
{
    struct viface *i = NULL;
    int error = find_iface(c->argv[1], true, &i);

    if (!error) {
        g_string_append_printf(c->out, "%s\n", i->port->br->name);
    }
    return error;
}

static int
cmd_get_controller(struct cmd *c)
{
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    struct vbr *b = NULL;
    GPtrArray *cs;
    int error = find_bridge(c->argv[1], true, &b);

    if (error) {
        g_ptr_array_free(names, TRUE);
        return error;
    }
    cs = refs(real_bridge(b)->row, "controller");
    for (size_t i = 0; i < cs->len; i++) {
        g_ptr_array_add(names, g_strdup(get_str(cs->pdata[i], "target")));
    }
    g_ptr_array_free(cs, TRUE);
    output_sorted(c, names);
    return 0;
}

static void
delete_refs(struct vrow *row, const char *column)
{
    GPtrArray *rs = refs(row, column);
    struct ovsdb_datum empty;

    for (size_t i = 0; i < rs->len; i++) {
        row_delete(rs->pdata[i]);
    }
    g_ptr_array_free(rs, TRUE);
    ovsdb_datum_init_empty(&empty);
    set_datum(row, column, &empty);
}

static int
cmd_del_controller(struct cmd *c)
{
    struct vbr *b = NULL;
    int error = find_bridge(c->argv[1], true, &b);

    if (!error) {
        delete_refs(real_bridge(b)->row, "controller");
    }
    return error;
}

static int
cmd_set_controller(struct cmd *c)
{
    struct vbr *b = NULL;
    int error = find_bridge(c->argv[1], true, &b);

    if (error) {
        return error;
    }
    b = real_bridge(b);
    delete_refs(b->row, "controller");
    for (int i = 2; i < c->argc; i++) {
        struct vrow *ctl = row_insert_named("Controller");

        set_str(ctl, "target", c->argv[i]);
        ref_add(b->row, "controller", ctl);
    }
    return 0;
}

static int
cmd_get_fail_mode(struct cmd *c)
{
    struct vbr *b = NULL;
    int error = find_bridge(c->argv[1], true, &b);
    const char *mode;

    if (error) {
        return error;
    }
    mode = get_str(real_bridge(b)->row, "fail_mode");
    if (mode && *mode) {
        g_string_append_printf(c->out, "%s\n", mode);
    }
    return 0;
}

static int
cmd_set_fail_mode(struct cmd *c)
{
    struct vbr *b = NULL;
    int error = find_bridge(c->argv[1], true, &b);

    if (error) {
        return error;
    }
    if (strcmp(c->argv[2], "standalone") && strcmp(c->argv[2], "secure")) {
        return fail("fail-mode must be \"standalone\" or \"secure\"");
    }
    set_str(real_bridge(b)->row, "fail_mode", c->argv[2]);
    return 0;
}

static int
cmd_del_fail_mode(struct cmd *c)
{
    struct vbr *b = NULL;
    int error = find_bridge(c->argv[1], true, &b);

    if (!error) {
        set_str(real_bridge(b)->row, "fail_mode", NULL);
    }
    return error;
}

static int
cmd_get_manager(struct cmd *c)
{
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    GPtrArray *ms = refs(ovs_row, "manager_options");

    for (size_t i = 0; i < ms->len; i++) {
        g_ptr_array_add(names, g_strdup(get_str(ms->pdata[i], "target")));
    }
    g_ptr_array_free(ms, TRUE);
    output_sorted(c, names);
    return 0;
}

static int
cmd_del_manager(struct cmd *c)
{
    (void) c;
    delete_refs(ovs_row, "manager_options");
    return 0;
}

static int
cmd_set_manager(struct cmd *c)
{
    delete_refs(ovs_row, "manager_options");
    for (int i = 1; i < c->argc; i++) {
        struct vrow *m = row_insert_named("Manager");

        set_str(m, "target", c->argv[i]);
        ref_add(ovs_row, "manager_options", m);
    }
    return 0;
}

static int
cmd_get_ssl(struct cmd *c)
{
    struct vrow *ssl = ref1(ovs_row, "ssl");

    if (ssl) {
        g_string_append_printf(c->out, "Private key: %s\n",
                               get_str(ssl, "private_key"));
        g_string_append_printf(c->out, "Certificate: %s\n",
                               get_str(ssl, "certificate"));
        g_string_append_printf(c->out, "CA Certificate: %s\n",
                               get_str(ssl, "ca_cert"));
        g_string_append_printf(c->out, "Bootstrap: %s\n",
                               get_bool(ssl, "bootstrap_ca_cert")
                               ? "true" : "false");
    }
    return 0;
}

static int
cmd_del_ssl(struct cmd *c)
{
    (void) c;
    delete_refs(ovs_row, "ssl");
    return 0;
}

static int
cmd_set_ssl(struct cmd *c)
{
    struct vrow *ssl;

    delete_refs(ovs_row, "ssl");
    ssl = row_insert_named("SSL");
    set_str(ssl, "private_key", c->argv[1]);
    set_str(ssl, "certificate", c->argv[2]);
    set_str(ssl, "ca_cert", c->argv[3]);
    set_bool(ssl, "bootstrap_ca_cert", has_opt(c, "--bootstrap"));
    ref_add(ovs_row, "ssl", ssl);
    return 0;
}

static void
clear_column(struct vrow *row, const char *name)
{
    struct ovsdb_datum d;

    if (!column_get(row->ts, name)) {
        return;
    }
    ovsdb_datum_init_default(&d, ctype(row, name));
    set_datum(row, name, &d);
}

static void
delete_all(const char *table)
{
    GPtrArray *rs = live_rows(table);

    for (size_t i = 0; i < rs->len; i++) {
        row_delete(rs->pdata[i]);
    }
    g_ptr_array_free(rs, TRUE);
}

static int
cmd_emer_reset(struct cmd *c)
{
    static const char *const br_cols[] = {
        "controller", "fail_mode", "mirrors", "netflow", "sflow", "ipfix",
        "flood_vlans",
    };
    static const char *const tables[] = {
        "Mirror", "Controller", "Manager", "NetFlow", "SSL", "sFlow",
        "IPFIX",
    };
    GPtrArray *rs;

    (void) c;
    clear_column(ovs_row, "manager_options");
    clear_column(ovs_row, "ssl");
    rs = live_rows("Bridge");
    for (size_t i = 0; i < rs->len; i++) {
        struct vrow *br = rs->pdata[i];
        char *hwaddr = g_strdup(map_get(br, "other_config", "hwaddr"));

        for (size_t k = 0; k < G_N_ELEMENTS(br_cols); k++) {
            clear_column(br, br_cols[k]);
        }
        clear_column(br, "other_config");
        if (hwaddr) {
            map_set(br, "other_config", "hwaddr", hwaddr);
        }
        g_free(hwaddr);
    }
    g_ptr_array_free(rs, TRUE);
    rs = live_rows("Port");
    for (size_t i = 0; i < rs->len; i++) {
        clear_column(rs->pdata[i], "other_config");
    }
    g_ptr_array_free(rs, TRUE);
    rs = live_rows("Interface");
    for (size_t i = 0; i < rs->len; i++) {
        set_int(rs->pdata[i], "ingress_policing_rate", 0);
        set_int(rs->pdata[i], "ingress_policing_burst", 0);
    }
    g_ptr_array_free(rs, TRUE);
    for (size_t k = 0; k < G_N_ELEMENTS(tables); k++) {
        if (table_get(tables[k])) {
            delete_all(tables[k]);
        }
    }
    return 0;
}

/* "show": the tree of Open_vSwitch, Bridge, Port, Interface, Controller
 * and Manager rows, with a few columns of each. */
struct show_table {
    const char *table;
    const char *name_column;
    const char *columns[4];
};

static const struct show_table show_tables[] = {
    { "Open_vSwitch", NULL,
      { "manager_options", "bridges", "ovs_version", NULL } },
    { "Bridge", "name",
      { "controller", "fail_mode", "datapath_type", "ports" } },
    { "Port", "name", { "tag", "trunks", "interfaces", NULL } },
    { "Interface", "name", { "type", "options", "error", "bfd_status" } },
    { "Controller", "target", { "is_connected", NULL, NULL, NULL } },
    { "Manager", "target", { "is_connected", NULL, NULL, NULL } },
};

static const struct show_table *
show_table_get(const char *name)
{
    for (size_t i = 0; i < G_N_ELEMENTS(show_tables); i++) {
        if (!strcmp(show_tables[i].table, name)) {
            return &show_tables[i];
        }
    }
    return NULL;
}

static void
show_row(struct cmd *c, struct vrow *row, int level)
{
    const struct show_table *st = show_table_get(row->ts->name);
    const struct ovsdb_column *nc;

    g_string_append_printf(c->out, "%*s", level * 4, "");
    nc = st && st->name_column ? column_get(row->ts, st->name_column) : NULL;
    if (nc) {
        g_string_append_printf(c->out, "%s ", row->ts->name);
        vsctl_datum_to_string(&row->cur[nc->index], &nc->type, c->out);
    } else {
        char buf[OVSDB_UUID_LEN + 1];

        ovsdb_uuid_to_string(&row->uuid, buf);
        g_string_append(c->out, buf);
    }
    g_string_append_c(c->out, '\n');
    if (!st) {
        return;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(st->columns) && st->columns[i];
         i++) {
        const struct ovsdb_column *col = column_get(row->ts, st->columns[i]);
        const struct ovsdb_datum *d;
        const struct ovsdb_base_type *ref;

        if (!col) {
            continue;
        }
        d = &row->cur[col->index];
        ref = &col->type.key;
        if (ref->type == OVSDB_TYPE_UUID && ref->u.uuid.ref_table_name
            && show_table_get(ref->u.uuid.ref_table_name)) {
            for (unsigned int k = 0; k < d->n; k++) {
                struct vrow *r = row_by_uuid(&d->keys[k].uuid);

                if (r) {
                    show_row(c, r, level + 1);
                }
            }
        } else if (!ovsdb_datum_is_default(d, &col->type)) {
            g_string_append_printf(c->out, "%*s%s: ", (level + 1) * 4, "",
                                   col->name);
            vsctl_datum_to_string(d, &col->type, c->out);
            g_string_append_c(c->out, '\n');
        }
    }
}

static int
cmd_show(struct cmd *c)
{
    show_row(c, ovs_row, 0);
    return 0;
}

/* ---------------------------------------------------------------------
 * Database commands. */
static int
symbol_lookup(const char *name, struct ovsdb_uuid *uuid, void *aux,
              char **errp)
{
    struct symbol *s = g_hash_table_lookup(view->symbols, name);

    (void) aux;
    (void) errp;
    if (!s) {
        s = g_new0(struct symbol, 1);
        ovsdb_uuid_generate(&s->uuid);
        g_hash_table_insert(view->symbols, g_strdup(name), s);
    }
    s->referenced = true;
    *uuid = s->uuid;
    return 0;
}

static bool
names_match(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char x = a[i] == '-' ? '_' : a[i];
        char y = b[i] == '-' ? '_' : b[i];

        if (g_ascii_tolower(x) != g_ascii_tolower(y) || !x) {
            return false;
        }
    }
    return true;
}

static int
lookup_table(const char *name, const struct ovsdb_table_schema **tsp)
{
    const struct ovsdb_table_schema *best = NULL;
    size_t len = strlen(name);
    int n = 0;

    *tsp = table_get(name);
    if (*tsp) {
        return 0;
    }
    for (size_t t = 0; t < view->schema->n_tables; t++) {
        const struct ovsdb_table_schema *ts = view->schema->tables[t];

        if (strlen(ts->name) == len && names_match(ts->name, name, len)) {
            *tsp = ts;
            return 0;
        }
        if (strlen(ts->name) > len && names_match(ts->name, name, len)) {
            best = ts;
            n++;
        }
    }
    if (n == 1) {
        *tsp = best;
        return 0;
    }
    return n > 1 ? fail("multiple table names match \"%s\"", name)
        : fail("unknown table \"%s\"", name);
}

static int
lookup_column(const struct ovsdb_table_schema *ts, const char *name,
              const struct ovsdb_column **colp)
{
    const struct ovsdb_column *best = NULL;
    size_t len = strlen(name);
    int n = 0;

    for (size_t i = 0; i < ts->n_columns; i++) {
        const struct ovsdb_column *col = ts->columns[i];

        if (strlen(col->name) == len && names_match(col->name, name, len)) {
            *colp = col;
            return 0;
        }
        if (strlen(col->name) > len && names_match(col->name, name, len)) {
            best = col;
            n++;
        }
    }
    if (n == 1) {
        *colp = best;
        return 0;
    }
    return n > 1 ? fail("%s contains more than one column whose name "
                        "matches \"%s\"", ts->name, name)
        : fail("%s does not contain a column whose name matches \"%s\"",
               ts->name, name);
}

struct row_id {
    const char *table;
    const char *name_column;    /* In 'ref_table' if that is nonnull. */
    const char *ref_table;
    const char *ref_column;
};

static const struct row_id row_ids[] = {
    { "Bridge", "name", NULL, NULL },
    { "Port", "name", NULL, NULL },
    { "Interface", "name", NULL, NULL },
    { "Mirror", "name", NULL, NULL },
    { "Manager", "target", NULL, NULL },
    { "Flow_Table", "name", NULL, NULL },
    { "Controller", "name", "Bridge", "controller" },
    { "NetFlow", "name", "Bridge", "netflow" },
    { "sFlow", "name", "Bridge", "sflow" },
    { "IPFIX", "name", "Bridge", "ipfix" },
    { "QoS", "name", "Port", "qos" },
};

static struct vrow *
find_row(const struct ovsdb_table_schema *ts, const char *id)
{
    GPtrArray *all = view->rows[ts->index];
    struct ovsdb_uuid uuid;
    struct vrow *found = NULL;

    if (ovsdb_uuid_from_string(&uuid, id)) {
        struct vrow *r = row_by_uuid(&uuid);

        return r && r->ts == ts ? r : NULL;
    }
    if (id[0] == '@') {
        struct symbol *s = g_hash_table_lookup(view->symbols, id);
        struct vrow *r = s ? row_by_uuid(&s->uuid) : NULL;

        return r && r->ts == ts ? r : NULL;
    }
    if (!strcmp(id, ".")) {
        GPtrArray *live = live_rows(ts->name);

        if (live->len == 1) {
            found = live->pdata[0];
        }
        g_ptr_array_free(live, TRUE);
        if (found || strcmp(ts->name, "SSL")) {
            return found;
        }
        return ovs_row ? ref1(ovs_row, "ssl") : NULL;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(row_ids); i++) {
        const struct row_id *ri = &row_ids[i];

        if (strcmp(ri->table, ts->name)) {
            continue;
        }
        if (!ri->ref_table) {
            for (size_t k = 0; k < all->len; k++) {
                struct vrow *r = all->pdata[k];
                const char *n = get_str(r, ri->name_column);

                if (!r->deleted && n && !strcmp(n, id)) {
                    return r;
                }
            }
        } else if (table_get(ri->ref_table)) {
            GPtrArray *rs = live_rows(ri->ref_table);

            for (size_t k = 0; k < rs->len && !found; k++) {
                struct vrow *r = rs->pdata[k];
                const char *n = get_str(r, ri->name_column);

                if (n && !strcmp(n, id) && column_get(r->ts, ri->ref_column)) {
                    found = ref1(r, ri->ref_column);
                }
            }
            g_ptr_array_free(rs, TRUE);
            return found;
        }
    }
    return NULL;
}

static int
get_row(const struct ovsdb_table_schema *ts, const char *id, bool must,
        struct vrow **rowp)
{
    *rowp = find_row(ts, id);
    if (!*rowp && must) {
        return fail("no row \"%s\" in table %s", id, ts->name);
    }
    return 0;
}

/* Parses "COLUMN[:KEY][OP VALUE]" from 'arg'.  'ops' lists the accepted
 * operators (NULL: none); '*valuep' points into 'arg'. */
static int
parse_column_key_value(const char *arg, const struct ovsdb_table_schema *ts,
                       const struct ovsdb_column **colp, char **keyp,
                       const char *const *ops, const char **opp,
                       const char **valuep)
{
    const char *p = arg;
    char *name = NULL, *err = NULL;
    int error;

    *keyp = NULL;
    *opp = NULL;
    *valuep = NULL;
    error = vsctl_token_parse(&p, &name, &err);
    if (error) {
        return fail_take(err);
    }
    if (!*name) {
        g_free(name);
        return fail("%s: missing column name", arg);
    }
    error = lookup_column(ts, name, colp);
    g_free(name);
    if (error) {
        return error;
    }
    if (*p == ':') {
        p++;
        error = vsctl_token_parse(&p, keyp, &err);
        if (error) {
            return fail_take(err);
        }
    }
    if (ops) {
        size_t best = 0;

        for (size_t i = 0; ops[i]; i++) {
            size_t n = strlen(ops[i]);

            if (n > best && !strncmp(p, ops[i], n)) {
                best = n;
                *opp = ops[i];
            }
        }
        if (!best) {
            g_free(*keyp);
            *keyp = NULL;
            if (*p) {
                return fail("%s: argument does not end in \"%s\" followed "
                            "by a value.", arg, ops[0]);
            }
            return fail("%s: missing value", arg);
        }
        *valuep = p + best;
    } else if (*p) {
        g_free(*keyp);
        *keyp = NULL;
        return fail("%s: trailing garbage \"%s\" in argument", arg, p);
    }
    return 0;
}

static const char *const eq_op[] = { "=", NULL };

/* A type for parsing values given to a column: any number of elements. */
static void
relaxed_type(struct ovsdb_type *dst, const struct ovsdb_type *src)
{
    ovsdb_type_clone(dst, src);
    dst->n_min = 0;
    dst->n_max = OVSDB_N_UNLIMITED;
}

static int
parse_datum(const struct ovsdb_type *type, const char *s,
            struct ovsdb_datum *d)
{
    char *err = NULL;

    if (vsctl_datum_from_string(d, type, s, symbol_lookup, NULL, &err)) {
        return fail_take(err);
    }
    return 0;
}

static int
parse_atom(const struct ovsdb_base_type *base, const char *s,
           union ovsdb_atom *a)
{
    char *err = NULL;

    if (vsctl_atom_from_string(a, base, s, symbol_lookup, NULL, &err)) {
        return fail_take(err);
    }
    return 0;
}

static int
check_mutable(struct vrow *row, const struct ovsdb_column *col)
{
    if (!col->is_mutable && row->old) {
        return fail("cannot modify read-only column %s in table %s",
                    col->name, row->ts->name);
    }
    if (col->index < OVSDB_N_STD_COLUMNS) {
        return fail("cannot modify read-only column %s in table %s",
                    col->name, row->ts->name);
    }
    return 0;
}

static int
set_column(struct vrow *row, const char *arg)
{
    const struct ovsdb_column *col = NULL;
    const char *op, *value;
    char *key;
    int error;

    error = parse_column_key_value(arg, row->ts, &col, &key, eq_op, &op,
                                   &value);
    if (error) {
        return error;
    }
    error = check_mutable(row, col);
    if (error) {
        goto out;
    }
    if (key) {
        union ovsdb_atom k, v;
        struct ovsdb_datum add;
        struct ovsdb_datum *d = &row->cur[col->index];
        int i;

        if (!ovsdb_type_is_map(&col->type)) {
            error = fail("cannot specify key to set for non-map column %s",
                         col->name);
            goto out;
        }
        error = parse_atom(&col->type.key, key, &k);
        if (error) {
            goto out;
        }
        error = parse_atom(&col->type.value, value, &v);
        if (error) {
            ovsdb_atom_destroy(&k, col->type.key.type);
            goto out;
        }
        i = ovsdb_datum_find_key(d, &k, col->type.key.type);
        if (i >= 0) {
            ovsdb_datum_remove(d, i, &col->type);
        }
        add.n = 1;
        add.keys = &k;
        add.values = &v;
        ovsdb_datum_union(d, &add, &col->type);
        ovsdb_atom_destroy(&k, col->type.key.type);
        ovsdb_atom_destroy(&v, col->type.value.type);
    } else {
        struct ovsdb_datum d;

        error = parse_datum(&col->type, value, &d);
        if (error) {
            goto out;
        }
        ovsdb_datum_destroy(&row->cur[col->index], &col->type);
        row->cur[col->index] = d;
    }
out:
    g_free(key);
    return error;
}

static int
cmd_set(struct cmd *c)
{
    const struct ovsdb_table_schema *ts = NULL;
    struct vrow *row = NULL;
    int error = lookup_table(c->argv[1], &ts);

    if (!error) {
        error = get_row(ts, c->argv[2], !has_opt(c, "--if-exists"), &row);
    }
    for (int i = 3; !error && row && i < c->argc; i++) {
        error = set_column(row, c->argv[i]);
    }
    return error;
}

static void
define_id(struct cmd *c, struct vrow *row)
{
    const char *id = g_hash_table_lookup(c->options, "--id");
    struct symbol *s;

    if (!id || !row) {
        return;
    }
    s = g_hash_table_lookup(view->symbols, id);
    if (!s) {
        s = g_new0(struct symbol, 1);
        g_hash_table_insert(view->symbols, g_strdup(id), s);
    } else if (s->referenced && row->old) {
        /* Already handed out for a forward reference: not supported for
         * existing rows. */
    }
    s->uuid = row->uuid;
    s->created = true;
}

static int
cmd_get(struct cmd *c)
{
    const struct ovsdb_table_schema *ts = NULL;
    bool if_exists = has_opt(c, "--if-exists");
    struct vrow *row = NULL;
    int error = lookup_table(c->argv[1], &ts);

    if (!error) {
        error = get_row(ts, c->argv[2], !if_exists, &row);
    }
    if (error || !row) {
        return error;
    }
    define_id(c, row);
    for (int i = 3; i < c->argc; i++) {
        const struct ovsdb_column *col = NULL;
        const char *op, *value;
        char *key;

        error = parse_column_key_value(c->argv[i], ts, &col, &key, NULL, &op,
                                       &value);
        if (error) {
            return error;
        }
        if (key) {
            union ovsdb_atom k;
            const struct ovsdb_datum *d = &row->cur[col->index];
            int idx;

            if (!ovsdb_type_is_map(&col->type)) {
                g_free(key);
                return fail("cannot specify key to get for non-map column "
                            "%s", col->name);
            }
            error = parse_atom(&col->type.key, key, &k);
            if (error) {
                g_free(key);
                return error;
            }
            idx = ovsdb_datum_find_key(d, &k, col->type.key.type);
            ovsdb_atom_destroy(&k, col->type.key.type);
            if (idx >= 0) {
                vsctl_atom_to_string(&d->values[idx], col->type.value.type,
                                     c->out);
            } else if (!if_exists) {
                error = fail("no key \"%s\" in %s record \"%s\" column %s",
                             key, ts->name, c->argv[2], col->name);
                g_free(key);
                return error;
            }
            g_free(key);
        } else {
            vsctl_datum_to_string(&row->cur[col->index], &col->type, c->out);
        }
        g_string_append_c(c->out, '\n');
    }
    return 0;
}

/* The table, row and column that "add" and "remove" name in argv[1..3]:
 * the column must be one a client may change.  '*rowp' is left NULL when
 * the row does not exist and --if-exists was given. */
static int
row_column(struct cmd *c, const struct ovsdb_table_schema **tsp,
           struct vrow **rowp, const struct ovsdb_column **colp)
{
    int error = lookup_table(c->argv[1], tsp);

    if (!error) {
        error = get_row(*tsp, c->argv[2], !has_opt(c, "--if-exists"), rowp);
    }
    if (!error && *rowp) {
        error = lookup_column(*tsp, c->argv[3], colp);
    }
    if (!error && *rowp) {
        error = check_mutable(*rowp, *colp);
    }
    return error;
}

static int
cmd_add(struct cmd *c)
{
    const struct ovsdb_table_schema *ts = NULL;
    const struct ovsdb_column *col = NULL;
    struct ovsdb_type rt;
    struct vrow *row = NULL;
    int error = row_column(c, &ts, &row, &col);

    if (error || !row) {
        return error;
    }
    relaxed_type(&rt, &col->type);
    for (int i = 4; i < c->argc && !error; i++) {
        struct ovsdb_datum d;

        error = parse_datum(&rt, c->argv[i], &d);
        if (!error) {
            ovsdb_datum_union(&row->cur[col->index], &d, &col->type);
            ovsdb_datum_destroy(&d, &rt);
        }
    }
    ovsdb_type_destroy(&rt);
    if (!error && row->cur[col->index].n > col->type.n_max) {
        error = fail("\"add\" operation would put %u %s in column %s of "
                     "table %s but the maximum number is %u",
                     row->cur[col->index].n,
                     ovsdb_type_is_map(&col->type) ? "pairs" : "values",
                     col->name, ts->name, col->type.n_max);
    }
    return error;
}

static int
cmd_remove(struct cmd *c)
{
    const struct ovsdb_table_schema *ts = NULL;
    const struct ovsdb_column *col = NULL;
    struct ovsdb_type rt;
    struct vrow *row = NULL;
    int error = row_column(c, &ts, &row, &col);

    if (error || !row) {
        return error;
    }
    relaxed_type(&rt, &col->type);
    for (int i = 4; i < c->argc && !error; i++) {
        struct ovsdb_datum d;

        if (ovsdb_type_is_map(&col->type)) {
            struct ovsdb_type kt;

            /* A key alone, or key=value. */
            ovsdb_type_clone(&kt, &rt);
            ovsdb_base_type_destroy(&kt.value);
            ovsdb_base_type_init(&kt.value, OVSDB_TYPE_VOID);
            if (!strchr(c->argv[i], '=')
                && !parse_datum(&kt, c->argv[i], &d)) {
                ovsdb_datum_subtract(&row->cur[col->index], &col->type, &d,
                                     &kt);
                ovsdb_datum_destroy(&d, &kt);
                ovsdb_type_destroy(&kt);
                continue;
            }
            ovsdb_type_destroy(&kt);
        }
        error = parse_datum(&rt, c->argv[i], &d);
        if (!error) {
            ovsdb_datum_subtract(&row->cur[col->index], &col->type, &d, &rt);
            ovsdb_datum_destroy(&d, &rt);
        }
    }
    ovsdb_type_destroy(&rt);
    if (!error && row->cur[col->index].n < col->type.n_min) {
        error = fail("\"remove\" operation would put %u values in column %s "
                     "of table %s but the minimum number is %u",
                     row->cur[col->index].n, col->name, ts->name,
                     col->type.n_min);
    }
    return error;
}

static int
cmd_clear(struct cmd *c)
{
    const struct ovsdb_table_schema *ts = NULL;
    struct vrow *row = NULL;
    int error = lookup_table(c->argv[1], &ts);

    if (!error) {
        error = get_row(ts, c->argv[2], !has_opt(c, "--if-exists"), &row);
    }
    for (int i = 3; !error && row && i < c->argc; i++) {
        const struct ovsdb_column *col = NULL;

        error = lookup_column(ts, c->argv[i], &col);
        if (!error) {
            error = check_mutable(row, col);
        }
        if (!error && col->type.n_min > 0) {
            error = fail("\"clear\" operation cannot be applied to column "
                         "%s of table %s, which is not allowed to be empty",
                         col->name, ts->name);
        }
        if (!error) {
            clear_column(row, col->name);
        }
    }
    return error;
}

static int
cmd_create(struct cmd *c)
{
    const struct ovsdb_table_schema *ts = NULL;
    const char *id = g_hash_table_lookup(c->options, "--id");
    struct vrow *row = NULL;
    int error = lookup_table(c->argv[1], &ts);

    if (error) {
        return error;
    }
    if (!id && !ts->root) {
        char *msg = g_strdup_printf("applying \"create\" command to table %s "
                                    "without --id option will have no "
                                    "effect", ts->name);

        log_warn("db_ctl_base", msg);
        g_free(msg);
    }
    row = row_insert(ts);
    if (id) {
        struct symbol *s = g_hash_table_lookup(view->symbols, id);

        if (s && s->created) {
            return fail("row id \"%s\" may only be specified on one --id "
                        "option", id);
        }
        if (s) {
            /* Forward reference: the row takes the symbol's UUID. */
            g_hash_table_remove(view->by_uuid, &row->uuid);
            row->uuid = s->uuid;
            g_hash_table_insert(view->by_uuid, &row->uuid, row);
        }
        define_id(c, row);
    }
    for (int i = 2; i < c->argc && !error; i++) {
        error = set_column(row, c->argv[i]);
    }
    c->created = row;
    return error;
}

static int
cmd_destroy(struct cmd *c)
{
    const struct ovsdb_table_schema *ts = NULL;
    bool all = has_opt(c, "--all");
    int error = lookup_table(c->argv[1], &ts);

    if (error) {
        return error;
    }
    if (all) {
        if (c->argc > 2) {
            return fail("--all and records argument should not be "
                        "specified together");
        }
        delete_all(ts->name);
        return 0;
    }
    for (int i = 2; i < c->argc; i++) {
        struct vrow *row = NULL;

        error = get_row(ts, c->argv[i], !has_opt(c, "--if-exists"), &row);
        if (error) {
            return error;
        }
        if (row) {
            row_delete(row);
        }
    }
    return 0;
}

/* Output of "list" and "find". */
enum fmt { FMT_LIST, FMT_TABLE, FMT_CSV, FMT_JSON };
enum data_fmt { DATA_STRING, DATA_BARE, DATA_JSON };
static enum fmt out_format = FMT_LIST;
static enum data_fmt data_format = DATA_STRING;
static bool headings = true;
static bool oneline;
static int n_tables_printed;

static char *
cell_text(struct vrow *row, const struct ovsdb_column *col)
{
    GString *s = g_string_new(NULL);

    if (data_format == DATA_BARE) {
        vsctl_datum_to_bare(&row->cur[col->index], &col->type, s);
    } else if (data_format == DATA_JSON) {
        json_t *j = ovsdb_datum_to_json(&row->cur[col->index], &col->type);
        char *t = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY
                             | JSON_SORT_KEYS);

        g_string_append(s, t);
        free(t);
        json_decref(j);
    } else {
        vsctl_datum_to_string(&row->cur[col->index], &col->type, s);
    }
    return g_string_free(s, FALSE);
}

static void
csv_cell(GString *out, const char *text)
{
    if (!strpbrk(text, "\n\",")) {
        g_string_append(out, text);
        return;
    }
    g_string_append_c(out, '"');
    for (const char *p = text; *p; p++) {
        g_string_append(out, *p == '"' ? "\"\"" : (char[]) { *p, 0 });
    }
    g_string_append_c(out, '"');
}

static void
finish_line(GString *out)
{
    while (out->len && out->str[out->len - 1] == ' ') {
        g_string_truncate(out, out->len - 1);
    }
    g_string_append_c(out, '\n');
}

static void
print_rows(struct cmd *c, GPtrArray *rows, GPtrArray *cols)
{
    GString *out = c->out;

    if (n_tables_printed++ && out_format != FMT_JSON) {
        g_string_append_c(out, '\n');
    }
    if (out_format == FMT_LIST) {
        for (size_t y = 0; y < rows->len; y++) {
            if (y) {
                g_string_append_c(out, '\n');
            }
            for (size_t x = 0; x < cols->len; x++) {
                const struct ovsdb_column *col = cols->pdata[x];
                char *t = cell_text(rows->pdata[y], col);

                if (headings) {
                    g_string_append_printf(out, "%-20s: ", col->name);
                }
                g_string_append_printf(out, "%s\n", t);
                g_free(t);
            }
        }
    } else if (out_format == FMT_TABLE) {
        int *w = g_new0(int, cols->len);

        for (size_t x = 0; x < cols->len; x++) {
            const struct ovsdb_column *col = cols->pdata[x];

            w[x] = headings ? (int) strlen(col->name) : 0;
            for (size_t y = 0; y < rows->len; y++) {
                char *t = cell_text(rows->pdata[y], col);

                w[x] = MAX(w[x], (int) strlen(t));
                g_free(t);
            }
        }
        if (headings) {
            for (size_t x = 0; x < cols->len; x++) {
                g_string_append_printf(out, "%s%-*s", x ? " " : "", w[x],
                    ((const struct ovsdb_column *) cols->pdata[x])->name);
            }
            finish_line(out);
            for (size_t x = 0; x < cols->len; x++) {
                g_string_append_printf(out, "%s", x ? " " : "");
                for (int i = 0; i < w[x]; i++) {
                    g_string_append_c(out, '-');
                }
            }
            finish_line(out);
        }
        for (size_t y = 0; y < rows->len; y++) {
            for (size_t x = 0; x < cols->len; x++) {
                char *t = cell_text(rows->pdata[y], cols->pdata[x]);

                g_string_append_printf(out, "%s%-*s", x ? " " : "", w[x], t);
                g_free(t);
            }
            finish_line(out);
        }
        g_free(w);
    } else if (out_format == FMT_CSV) {
        if (headings) {
            for (size_t x = 0; x < cols->len; x++) {
                g_string_append(out, x ? "," : "");
                csv_cell(out, ((const struct ovsdb_column *)
                               cols->pdata[x])->name);
            }
            g_string_append_c(out, '\n');
        }
        for (size_t y = 0; y < rows->len; y++) {
            for (size_t x = 0; x < cols->len; x++) {
                char *t = cell_text(rows->pdata[y], cols->pdata[x]);

                g_string_append(out, x ? "," : "");
                csv_cell(out, t);
                g_free(t);
            }
            g_string_append_c(out, '\n');
        }
    } else {
        json_t *top = json_object(), *data = json_array();
        json_t *heads = json_array();
        char *text;

        for (size_t x = 0; x < cols->len; x++) {
            json_array_append_new(heads, json_string(
                ((const struct ovsdb_column *) cols->pdata[x])->name));
        }
        for (size_t y = 0; y < rows->len; y++) {
            json_t *jrow = json_array();

            for (size_t x = 0; x < cols->len; x++) {
                const struct ovsdb_column *col = cols->pdata[x];
                struct vrow *r = rows->pdata[y];

                json_array_append_new(jrow, ovsdb_datum_to_json(
                                          &r->cur[col->index], &col->type));
            }
            json_array_append_new(data, jrow);
        }
        json_object_set_new(top, "data", data);
        if (headings) {
            json_object_set_new(top, "headings", heads);
        } else {
            json_decref(heads);
        }
        text = json_dumps(top, JSON_COMPACT | JSON_SORT_KEYS);
        g_string_append_printf(out, "%s\n", text);
        free(text);
        json_decref(top);
    }
}

static gint
cmp_column(gconstpointer a, gconstpointer b)
{
    const struct ovsdb_column *x = *(const struct ovsdb_column *const *) a;
    const struct ovsdb_column *y = *(const struct ovsdb_column *const *) b;

    if (x->index == OVSDB_COL_UUID || y->index == OVSDB_COL_UUID) {
        return x->index == OVSDB_COL_UUID ? -1 : 1;
    }
    return strcmp(x->name, y->name);
}

static int
list_columns(struct cmd *c, const struct ovsdb_table_schema *ts,
             GPtrArray **colsp)
{
    const char *spec = g_hash_table_lookup(c->options, "--columns");
    GPtrArray *cols = g_ptr_array_new();

    if (spec) {
        char **names = g_strsplit(spec, ",", -1);

        for (char **n = names; *n; n++) {
            const struct ovsdb_column *col = NULL;
            int error = lookup_column(ts, *n, &col);

            if (error) {
                g_strfreev(names);
                g_ptr_array_free(cols, TRUE);
                return error;
            }
            g_ptr_array_add(cols, (gpointer) col);
        }
        g_strfreev(names);
    } else {
        for (size_t i = 0; i < ts->n_columns; i++) {
            if (i != OVSDB_COL_VERSION) {
                g_ptr_array_add(cols, ts->columns[i]);
            }
        }
        g_ptr_array_sort(cols, cmp_column);
    }
    *colsp = cols;
    return 0;
}

static int
cmd_list(struct cmd *c)
{
    const struct ovsdb_table_schema *ts = NULL;
    GPtrArray *rows, *cols;
    int error = lookup_table(c->argv[1], &ts);

    if (error || (error = list_columns(c, ts, &cols))) {
        return error;
    }
    if (c->argc > 2) {
        rows = g_ptr_array_new();
        for (int i = 2; i < c->argc; i++) {
            struct vrow *row = NULL;

            error = get_row(ts, c->argv[i], !has_opt(c, "--if-exists"),
                            &row);
            if (error) {
                g_ptr_array_free(rows, TRUE);
                g_ptr_array_free(cols, TRUE);
                return error;
            }
            if (row) {
                g_ptr_array_add(rows, row);
            }
        }
    } else {
        rows = live_rows(ts->name);
    }
    print_rows(c, rows, cols);
    g_ptr_array_free(rows, TRUE);
    g_ptr_array_free(cols, TRUE);
    return 0;
}

static const char *const cond_ops[] = {
    "=", "!=", "<", ">", "<=", ">=", "{=}", "{!=}", "{<}", "{>}", "{<=}",
    "{>=}", NULL,
};

/* Evaluates "COLUMN[:KEY]OP VALUE" on 'row': returns 1 or 0, or a
 * negative errno value. */
static int
condition(struct vrow *row, const char *arg)
{
    const struct ovsdb_column *col = NULL;
    struct ovsdb_datum a, b;
    struct ovsdb_type t;
    const char *op, *value;
    char *key;
    int error, result;

    error = parse_column_key_value(arg, row->ts, &col, &key, cond_ops, &op,
                                   &value);
    if (error) {
        return error;
    }
    if (key) {
        union ovsdb_atom k;
        const struct ovsdb_datum *d = &row->cur[col->index];
        int i;

        if (!ovsdb_type_is_map(&col->type)) {
            g_free(key);
            return fail("cannot specify key to check for non-map column %s",
                        col->name);
        }
        error = parse_atom(&col->type.key, key, &k);
        g_free(key);
        if (error) {
            return error;
        }
        ovsdb_type_init(&t, col->type.value.type);
        ovsdb_base_type_destroy(&t.key);
        ovsdb_base_type_clone(&t.key, &col->type.value);
        t.n_min = 0;
        t.n_max = OVSDB_N_UNLIMITED;
        i = ovsdb_datum_find_key(d, &k, col->type.key.type);
        ovsdb_atom_destroy(&k, col->type.key.type);
        if (i >= 0) {
            ovsdb_datum_init_atom(&a, &d->values[i], col->type.value.type);
        } else {
            ovsdb_datum_init_empty(&a);
        }
    } else {
        relaxed_type(&t, &col->type);
        ovsdb_datum_clone(&a, &row->cur[col->index], &col->type);
    }
    error = parse_datum(&t, value, &b);
    if (error) {
        ovsdb_datum_destroy(&a, &t);
        ovsdb_type_destroy(&t);
        return error;
    }
    if (!strcmp(op, "=") || !strcmp(op, "{=}")) {
        result = ovsdb_datum_equals(&a, &b, &t);
    } else if (!strcmp(op, "!=") || !strcmp(op, "{!=}")) {
        result = !ovsdb_datum_equals(&a, &b, &t);
    } else if (op[0] != '{') {
        int cmp = (a.n == 1 && b.n == 1
                   ? ovsdb_atom_compare(&a.keys[0], &b.keys[0], t.key.type)
                   : 2);

        result = (cmp != 2
                  && ((!strcmp(op, "<") && cmp < 0)
                      || (!strcmp(op, ">") && cmp > 0)
                      || (!strcmp(op, "<=") && cmp <= 0)
                      || (!strcmp(op, ">=") && cmp >= 0)));
    } else {
        bool eq = ovsdb_datum_equals(&a, &b, &t);
        bool sub = ovsdb_datum_includes_all(&b, &a, &t);
        bool sup = ovsdb_datum_includes_all(&a, &b, &t);

        result = ((!strcmp(op, "{<}") && sub && !eq)
                  || (!strcmp(op, "{>}") && sup && !eq)
                  || (!strcmp(op, "{<=}") && sub)
                  || (!strcmp(op, "{>=}") && sup));
    }
    ovsdb_datum_destroy(&a, &t);
    ovsdb_datum_destroy(&b, &t);
    ovsdb_type_destroy(&t);
    return result;
}

static int
cmd_find(struct cmd *c)
{
    const struct ovsdb_table_schema *ts = NULL;
    GPtrArray *all, *rows, *cols;
    int error = lookup_table(c->argv[1], &ts);

    if (error || (error = list_columns(c, ts, &cols))) {
        return error;
    }
    all = live_rows(ts->name);
    rows = g_ptr_array_new();
    for (size_t r = 0; r < all->len && !error; r++) {
        bool match = true;

        for (int i = 2; i < c->argc && match; i++) {
            int v = condition(all->pdata[r], c->argv[i]);

            if (v < 0) {
                error = v;
            }
            match = v == 1;
        }
        if (match) {
            g_ptr_array_add(rows, all->pdata[r]);
        }
    }
    if (!error) {
        print_rows(c, rows, cols);
    }
    g_ptr_array_free(all, TRUE);
    g_ptr_array_free(rows, TRUE);
    g_ptr_array_free(cols, TRUE);
    return error;
}

static int
cmd_wait_until(struct cmd *c)
{
    const struct ovsdb_table_schema *ts = NULL;
    struct vrow *row = NULL;
    int error = lookup_table(c->argv[1], &ts);

    if (error) {
        return error;
    }
    row = find_row(ts, c->argv[2]);
    if (!row) {
        return -EAGAIN;
    }
    for (int i = 3; i < c->argc; i++) {
        int v = condition(row, c->argv[i]);

        if (v < 0) {
            return v;
        } else if (!v) {
            return -EAGAIN;
        }
    }
    return 0;
}

/* ---------------------------------------------------------------------
 * The command table. */
struct cmd_syntax {
    const char *name;
    int min_args, max_args;     /* Not counting the name. */
    int (*run)(struct cmd *);
    const char *options;        /* Accepted, space-separated. */
    bool uses_cache;            /* Needs the bridge/port/iface model. */
    bool all_columns;           /* Reads columns beyond the model's. */
};

/* Whether the model is still right after command 'name' ran: commands that
 * add, remove or rename bridges, ports or interfaces other than through
 * add-port and add-bond (which keep it up to date) leave it stale. */
static bool
keeps_cache(const char *name)
{
    static const char *const stale[] = {
        "init", "emer-reset", "add-br", "del-br", "del-port", "set", "add",
        "remove", "clear", "create", "destroy",
    };

    for (size_t i = 0; i < G_N_ELEMENTS(stale); i++) {
        if (!strcmp(name, stale[i])) {
            return false;
        }
    }
    return true;
}

#define N INT_MAX
static const struct cmd_syntax commands[] = {
    { "init", 0, 0, cmd_init, "", false },
    { "show", 0, 0, cmd_show, "", false, true },
    { "emer-reset", 0, 0, cmd_emer_reset, "", false, true },
    { "add-br", 1, 3, cmd_add_br, "--may-exist", true },
    { "del-br", 1, 1, cmd_del_br, "--if-exists", true },
    { "list-br", 0, 0, cmd_list_br, "--real --fake", true },
    { "br-exists", 1, 1, cmd_br_exists, "", true },
    { "br-to-vlan", 1, 1, cmd_br_to_vlan, "", true },
    { "br-to-parent", 1, 1, cmd_br_to_parent, "", true },
    { "br-set-external-id", 2, 3, cmd_br_set_external_id, "", true },
    { "br-get-external-id", 1, 2, cmd_br_get_external_id, "", true },
    { "list-ports", 1, 1, cmd_list_ports, "", true },
    { "add-port", 2, 2, cmd_add_port, "--may-exist", true },
    { "add-bond", 4, N, cmd_add_bond, "--may-exist --fake-iface", true },
    { "del-port", 1, 2, cmd_del_port, "--if-exists --with-iface", true },
    { "port-to-br", 1, 1, cmd_port_to_br, "", true },
    { "list-ifaces", 1, 1, cmd_list_ifaces, "", true },
    { "iface-to-br", 1, 1, cmd_iface_to_br, "", true },
    { "get-controller", 1, 1, cmd_get_controller, "", true },
    { "del-controller", 1, 1, cmd_del_controller, "", true },
    { "set-controller", 1, N, cmd_set_controller, "", true },
    { "get-fail-mode", 1, 1, cmd_get_fail_mode, "", true },
    { "del-fail-mode", 1, 1, cmd_del_fail_mode, "", true },
    { "set-fail-mode", 2, 2, cmd_set_fail_mode, "", true },
    { "get-manager", 0, 0, cmd_get_manager, "", false },
    { "del-manager", 0, 0, cmd_del_manager, "", false },
    { "set-manager", 1, N, cmd_set_manager, "", false },
    { "get-ssl", 0, 0, cmd_get_ssl, "", false },
    { "del-ssl", 0, 0, cmd_del_ssl, "", false },
    { "set-ssl", 3, 3, cmd_set_ssl, "--bootstrap", false },
    { "get", 2, N, cmd_get, "--if-exists --id=", false, true },
    { "set", 3, N, cmd_set, "--if-exists", false, true },
    { "add", 4, N, cmd_add, "--if-exists", false, true },
    { "remove", 4, N, cmd_remove, "--if-exists", false, true },
    { "clear", 3, N, cmd_clear, "--if-exists", false, true },
    { "list", 1, N, cmd_list, "--if-exists --columns=", false, true },
    { "find", 1, N, cmd_find, "--columns=", false, true },
    { "create", 2, N, cmd_create, "--id=", false, true },
    { "destroy", 1, N, cmd_destroy, "--if-exists --all", false, true },
    { "wait-until", 2, N, cmd_wait_until, "", false, true },
};
#undef N

/* Whether a run of command 'c' can read only some ports and interfaces
 * (READ_NAMED): if so, appends the names it looks up to 'names'.  Not the
 * commands that list, delete or go beyond the model's columns, which need
 * every row. */
static bool
command_names(const struct cmd_syntax *syntax, const struct cmd *c,
              GPtrArray *names)
{
    static const char *const bridges_only[] = {
        "list-br", "br-exists", "br-to-vlan", "br-to-parent",
        "br-set-external-id", "br-get-external-id", "get-controller",
        "del-controller", "set-controller", "get-fail-mode",
        "del-fail-mode", "set-fail-mode",
    };
    const char *name = syntax->name;

    if (syntax->all_columns) {
        return false;
    } else if (!syntax->uses_cache) {
        return true;            /* init, managers, SSL: no ports at all. */
    } else if (!strcmp(name, "add-br") || !strcmp(name, "port-to-br")
               || !strcmp(name, "iface-to-br")) {
        g_ptr_array_add(names, c->argv[1]);
        return true;
    } else if (!strcmp(name, "add-port") || !strcmp(name, "add-bond")) {
        for (int i = 2; i < c->argc; i++) {
            g_ptr_array_add(names, c->argv[i]);
        }
        return true;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(bridges_only); i++) {
        if (!strcmp(name, bridges_only[i])) {
            return true;
        }
    }
    return false;
}

static const struct cmd_syntax *
find_syntax(const char *name)
{
    for (size_t i = 0; i < G_N_ELEMENTS(commands); i++) {
        if (!strcmp(commands[i].name, name)) {
            return &commands[i];
        }
    }
    return NULL;
}

struct command {
    const struct cmd_syntax *syntax;
    struct cmd cmd;
};

/* Adds option 'arg' ("--name" or "--name=value") to 'options', checking it
 * against what 'syntax' accepts. */
static void
add_option(GHashTable *options, const char *arg)
{
    const char *eq = strchr(arg, '=');
    char *name = eq ? g_strndup(arg, eq - arg) : g_strdup(arg);

    if (g_hash_table_contains(options, name)) {
        fatal("'%s' option specified multiple times", name);
    }
    g_hash_table_insert(options, name, g_strdup(eq ? eq + 1 : ""));
}

static void
check_options(const struct command *c)
{
    GHashTableIter it;
    const char *name, *value;

    g_hash_table_iter_init(&it, c->cmd.options);
    while (g_hash_table_iter_next(&it, (gpointer *) &name,
                                  (gpointer *) &value)) {
        char *with_eq = g_strdup_printf("%s=", name);
        char **accepted = g_strsplit(c->syntax->options, " ", -1);
        bool ok = false, takes_arg = false;

        for (char **a = accepted; *a; a++) {
            if (!strcmp(*a, name)) {
                ok = true;
            } else if (!strcmp(*a, with_eq)) {
                ok = takes_arg = true;
            }
        }
        g_strfreev(accepted);
        g_free(with_eq);
        if (!ok) {
            fatal("'%s' command has no '%s' option", c->syntax->name, name);
        } else if (takes_arg != (*value != '\0')) {
            fatal(takes_arg ? "missing argument to '%s' option on '%s' "
                  "command" : "'%s' option on '%s' does not accept an "
                  "argument", name, c->syntax->name);
        }
    }
}

/* ---------------------------------------------------------------------
 * Committing. */
static GHashTable *inserted_names;  /* UUID string -> uuid-name. */

static void
name_uuids(json_t *j)
{
    if (json_is_array(j)) {
        size_t i;
        json_t *e;

        if (json_array_size(j) == 2
            && json_is_string(json_array_get(j, 0))
            && !strcmp(json_string_value(json_array_get(j, 0)), "uuid")) {
            const char *n = g_hash_table_lookup(
                inserted_names, json_string_value(json_array_get(j, 1)));

            if (n) {
                json_array_set_new(j, 0, json_string("named-uuid"));
                json_array_set_new(j, 1, json_string(n));
            }
            return;
        }
        json_array_foreach(j, i, e) {
            name_uuids(e);
        }
    }
}

static json_t *
where_uuid(const struct vrow *row)
{
    return json_pack("[[s, s, o]]", "_uuid", "==", uuid_json(&row->uuid));
}

static bool
row_changed(const struct vrow *row, size_t c)
{
    return !ovsdb_datum_equals(&row->old[c], &row->cur[c],
                               &row->ts->columns[c]->type);
}

/* The JSON of 'd', a value of type 't', for the transaction: inserted
 * rows named by their uuid-name. */
static json_t *
datum_json(const struct ovsdb_datum *d, const struct ovsdb_type *t)
{
    json_t *j = ovsdb_datum_to_json(d, t);

    if (t->n_max != 1 || !d->n) {
        /* Always a ["set", ...] for sets, so the server never takes a
         * one-element set for a scalar of another shape. */
        if (!json_is_array(j) && !ovsdb_type_is_map(t)) {
            j = json_pack("[s, [o]]", "set", j);
        }
    }
    name_uuids(j);
    return j;
}

/* Whether column 'c' of a read row goes into its "mutate" operation
 * rather than its "update" (see build_txn()). */
static bool
column_mutates(const struct vrow *row, size_t c)
{
    return row->ts->columns[c]->type.n_max > 1;
}

/* The columns of 'row' for an "insert" (those not at their default) or,
 * with 'only_changed', for an "update" (the changed scalar columns). */
static json_t *
row_json(const struct vrow *row, bool only_changed)
{
    json_t *obj = json_object();

    for (size_t c = OVSDB_N_STD_COLUMNS; c < row->ts->n_columns; c++) {
        const struct ovsdb_type *t = &row->ts->columns[c]->type;

        if (only_changed ? !row_changed(row, c) || column_mutates(row, c)
            : ovsdb_datum_is_default(&row->cur[c], t)) {
            continue;
        }
        json_object_set_new(obj, row->ts->columns[c]->name,
                            datum_json(&row->cur[c], t));
    }
    return obj;
}

/* The mutations that turn the changed set and map columns of 'row' from
 * their old values into their current ones: "delete" what left, then
 * "insert" what came (a map's changed value is both).  With 1,000 ports,
 * an add-port so sends one new port rather than all 1,001. */
static json_t *
row_mutations(const struct vrow *row)
{
    json_t *mutations = json_array();

    for (size_t c = OVSDB_N_STD_COLUMNS; c < row->ts->n_columns; c++) {
        const struct ovsdb_column *col = row->ts->columns[c];
        struct ovsdb_datum gone, came;

        if (!row_changed(row, c) || !column_mutates(row, c)) {
            continue;
        }
        ovsdb_datum_clone(&gone, &row->old[c], &col->type);
        ovsdb_datum_subtract(&gone, &col->type, &row->cur[c], &col->type);
        ovsdb_datum_clone(&came, &row->cur[c], &col->type);
        ovsdb_datum_subtract(&came, &col->type, &row->old[c], &col->type);
        if (gone.n) {
            json_array_append_new(mutations, json_pack(
                "[s, s, o]", col->name, "delete",
                datum_json(&gone, &col->type)));
        }
        if (came.n) {
            json_array_append_new(mutations, json_pack(
                "[s, s, o]", col->name, "insert",
                datum_json(&came, &col->type)));
        }
        ovsdb_datum_destroy(&gone, &col->type);
        ovsdb_datum_destroy(&came, &col->type);
    }
    return mutations;
}

static bool
row_modified(const struct vrow *row)
{
    for (size_t c = OVSDB_N_STD_COLUMNS; c < row->ts->n_columns; c++) {
        if (row_changed(row, c)) {
            return true;
        }
    }
    return false;
}

/* The "wait" operation that makes the server refuse the transaction
 * ("timed out": the run starts again) if read row 'r', which the run
 * changed or deleted, has changed meanwhile: on its _version.  NULL for a
 * row read without its _version (see view_load()): the commands that read
 * so never change such a row, only delete it (a port of a deleted
 * bridge), and the row that referenced it was read with its _version. */
static json_t *
wait_op(const struct vrow *r)
{
    const struct ovsdb_column *vc = r->ts->columns[OVSDB_COL_VERSION];

    if (!r->has_version) {
        g_assert(r->deleted);
        return NULL;
    }
    return json_pack("{s:s, s:s, s:o, s:[s], s:s, s:[{s:o}], s:i}",
                     "op", "wait", "table", r->ts->name,
                     "where", where_uuid(r), "columns", "_version",
                     "until", "==", "rows", "_version",
                     ovsdb_datum_to_json(&r->old[OVSDB_COL_VERSION],
                                         &vc->type),
                     "timeout", 0);
}

/* Appends to 'ops' operation 'op' on read row 'r', with member 'key' set
 * to 'value' (stolen: the changed columns, or the mutations), unless
 * 'value' is empty. */
static void
append_row_op(json_t *ops, const struct vrow *r, const char *op,
              const char *key, json_t *value)
{
    if (!json_object_size(value) && !json_array_size(value)) {
        json_decref(value);
        return;
    }
    json_array_append_new(ops, json_pack("{s:s, s:s, s:o, s:o}", "op", op,
                                         "table", r->ts->name,
                                         "where", where_uuid(r),
                                         key, value));
}

/* Builds the transaction.  Returns NULL if there is nothing to do (then,
 * as ovs-vsctl, nothing is sent, --dry-run or not).  With 'dry_run' the
 * transaction ends with an "abort" operation: the server runs every
 * operation, so the replies (the uuids of inserted rows) are those of a
 * real commit, and then rolls it all back. */
static json_t *
build_txn(bool bump_cfg, bool dry_run, size_t *n_ops)
{
    json_t *ops = json_array();
    GPtrArray *waits = g_ptr_array_new();
    bool changes = false;
    GHashTableIter it;
    struct symbol *sym;
    const char *sname;

    g_hash_table_iter_init(&it, view->symbols);
    while (g_hash_table_iter_next(&it, (gpointer *) &sname,
                                  (gpointer *) &sym)) {
        if (sym->referenced && !sym->created) {
            fatal("row id \"%s\" is referenced but never created (e.g. "
                  "with \"-- --id=%s create ...\")", sname, sname);
        }
    }

    if (inserted_names) {
        g_hash_table_destroy(inserted_names);
    }
    inserted_names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                           NULL);
    for (size_t t = 0; t < view->schema->n_tables; t++) {
        GPtrArray *rs = view->rows[t];

        for (size_t i = 0; i < rs->len; i++) {
            struct vrow *r = rs->pdata[i];
            char buf[OVSDB_UUID_LEN + 1];

            if (!r->old && !r->deleted) {
                ovsdb_uuid_to_string(&r->uuid, buf);
                g_hash_table_insert(inserted_names, g_strdup(buf),
                                    r->uuid_name);
                changes = true;
            } else if (r->old && (r->deleted ? r->ts->root
                                  : row_modified(r))) {
                changes = true;
            }
        }
    }
    if (!changes) {
        json_decref(ops);
        g_ptr_array_free(waits, TRUE);
        return NULL;
    }
    if (bump_cfg) {
        int64_t cfg = 0;

        get_int(ovs_row, "next_cfg", &cfg);
        set_int(ovs_row, "next_cfg", cfg + 1);
    }

    json_array_append_new(ops, json_string(db_name));
    for (size_t t = 0; t < view->schema->n_tables; t++) {
        GPtrArray *rs = view->rows[t];

        for (size_t i = 0; i < rs->len; i++) {
            struct vrow *r = rs->pdata[i];

            if (r->old && (r->deleted || row_modified(r))) {
                json_t *wait = wait_op(r);

                if (wait) {
                    json_array_append_new(ops, wait);
                }
            }
        }
    }
    for (size_t t = 0; t < view->schema->n_tables; t++) {
        GPtrArray *rs = view->rows[t];

        for (size_t i = 0; i < rs->len; i++) {
            struct vrow *r = rs->pdata[i];

            if (!r->old && !r->deleted) {
                r->insert_op = json_array_size(ops) - 1;
                json_array_append_new(ops, json_pack(
                    "{s:s, s:s, s:s, s:o}", "op", "insert",
                    "table", r->ts->name, "uuid-name", r->uuid_name,
                    "row", row_json(r, false)));
            } else if (r->old && r->deleted) {
                if (r->ts->root) {
                    json_array_append_new(ops, json_pack(
                        "{s:s, s:s, s:o}", "op", "delete",
                        "table", r->ts->name, "where", where_uuid(r)));
                }
            } else if (r->old && row_modified(r)) {
                append_row_op(ops, r, "update", "row", row_json(r, true));
                append_row_op(ops, r, "mutate", "mutations",
                              row_mutations(r));
            }
        }
    }
    if (dry_run) {
        json_array_append_new(ops, json_pack("{s:s}", "op", "abort"));
    }
    g_ptr_array_free(waits, TRUE);
    *n_ops = json_array_size(ops) - 1;
    return ops;
}

/* ---------------------------------------------------------------------
 * Main. */
static int timeout_secs;
static bool no_wait;
static bool dry_run;            /* --dry-run: end the txn with "abort". */
static char *ssl_key, *ssl_cert, *ssl_ca;
static bool ssl_bootstrap;

static void
usage(void)
{
    printf("%s: control the switch's configuration database\n"
           "usage: %s [OPTIONS] COMMAND [ARG...] [-- [OPTIONS] COMMAND "
           "[ARG...]]...\n\n"
           "Open vSwitch commands:\n"
           "  init                        initialize database, if not yet "
           "initialized\n"
           "  show                        print overview of database "
           "contents\n"
           "  emer-reset                  reset configuration to clean "
           "state\n\n"
           "Bridge commands:\n"
           "  add-br BRIDGE               create a new bridge named "
           "BRIDGE\n"
           "  add-br BRIDGE PARENT VLAN   create new fake BRIDGE in PARENT "
           "on VLAN\n"
           "  del-br BRIDGE               delete BRIDGE and all of its "
           "ports\n"
           "  list-br                     print the names of all the "
           "bridges\n"
           "  br-exists BRIDGE            exit 2 if BRIDGE does not exist\n"
           "  br-to-vlan BRIDGE           print the VLAN which BRIDGE is "
           "on\n"
           "  br-to-parent BRIDGE         print the parent of BRIDGE\n"
           "  br-set-external-id BRIDGE KEY VALUE  set KEY on BRIDGE to "
           "VALUE\n"
           "  br-get-external-id BRIDGE [KEY]  print value of KEY on "
           "BRIDGE\n\n"
           "Port and interface commands:\n"
           "  list-ports BRIDGE, add-port BRIDGE PORT, "
           "add-bond BRIDGE PORT IFACE...,\n"
           "  del-port [BRIDGE] PORT, port-to-br PORT, "
           "list-ifaces BRIDGE, iface-to-br IFACE\n\n"
           "Controllers, managers, SSL:\n"
           "  get-controller, set-controller, del-controller, "
           "get-fail-mode,\n"
           "  set-fail-mode, del-fail-mode, get-manager, set-manager, "
           "del-manager,\n"
           "  get-ssl, set-ssl [--bootstrap] KEY CERT CA-CERT, del-ssl\n\n"
           "Database commands:\n"
           "  list, find, get, set, add, remove, clear, create, destroy, "
           "wait-until\n\n"
           "Not implemented: column settings after add-port/add-bond, "
           "comment,\n"
           "  and the ovs-vsctl commands not listed here.\n\n"
           "Options:\n"
           "  --db=DATABASE               connect to DATABASE (default: "
           "unix:$XSV_RUNDIR/db.sock,\n"
           "                              $XSV_RUNDIR defaulting to "
           "/run/xsvswitch)\n"
           "  --no-wait                   do not wait for the switch to "
           "reconfigure\n"
           "  --retry                     keep trying to connect to server "
           "forever\n"
           "  -t, --timeout=SECS          wait at most SECS seconds (then "
           "exit 142, SIGALRM)\n"
           "  --dry-run                   do not commit changes to "
           "database\n"
           "  -f, --format=FORMAT         list, table, bare, csv or json\n"
           "  --bare, --oneline, --no-headings, -d, --data=string|bare|"
           "json\n"
           "  -p, --private-key=FILE, -c, --certificate=FILE, -C, "
           "--ca-cert=FILE\n"
           "  --bootstrap-ca-cert=FILE    SSL settings for ssl: databases\n"
           "  -v..., --verbose...         accepted and ignored\n"
           "  -h, --help, -V, --version\n",
           program_name(), program_name());
}

static bool
parse_global(const char *arg)
{
    const char *v;

#define VAL(P) (!strncmp(arg, P "=", strlen(P) + 1) \
                && (v = arg + strlen(P) + 1, true))
    if (VAL("--db")) {
        g_free(db);
        db = g_strdup(v);
    } else if (VAL("--timeout") || (!strncmp(arg, "-t", 2) && arg[2]
                                    && (v = arg + 2, true))) {
        char *end;
        long t = strtol(v, &end, 10);

        if (*end || t < 0) {
            fatal("value %s on -t or --timeout is invalid", v);
        }
        timeout_secs = t;
    } else if (!strcmp(arg, "--no-wait")) {
        no_wait = true;
    } else if (!strcmp(arg, "--dry-run")) {
        dry_run = true;
    } else if (!strcmp(arg, "--retry")) {
        retry = true;
    } else if (VAL("--format") || (!strncmp(arg, "-f", 2) && arg[2]
                                   && (v = arg + 2, true))) {
        if (!strcmp(v, "list")) {
            out_format = FMT_LIST;
        } else if (!strcmp(v, "table")) {
            out_format = FMT_TABLE;
        } else if (!strcmp(v, "csv")) {
            out_format = FMT_CSV;
        } else if (!strcmp(v, "json")) {
            out_format = FMT_JSON;
        } else if (!strcmp(v, "bare")) {
            out_format = FMT_LIST;
            data_format = DATA_BARE;
            headings = false;
        } else {
            fatal("unknown output format \"%s\"", v);
        }
    } else if (VAL("--data")) {
        data_format = (!strcmp(v, "bare") ? DATA_BARE
                       : !strcmp(v, "json") ? DATA_JSON : DATA_STRING);
    } else if (!strcmp(arg, "--bare")) {
        out_format = FMT_LIST;
        data_format = DATA_BARE;
        headings = false;
    } else if (!strcmp(arg, "--no-headings")) {
        headings = false;
    } else if (!strcmp(arg, "--oneline")) {
        oneline = true;
    } else if (!strcmp(arg, "--pretty") || !strcmp(arg, "--no-syslog")) {
        /* Accepted; nothing to do. */
    } else if (VAL("--private-key")) {
        ssl_key = g_strdup(v);
    } else if (VAL("--certificate")) {
        ssl_cert = g_strdup(v);
    } else if (VAL("--ca-cert")) {
        ssl_ca = g_strdup(v);
    } else if (VAL("--bootstrap-ca-cert")) {
        ssl_ca = g_strdup(v);
        ssl_bootstrap = true;
    } else if (!strncmp(arg, "-v", 2) || !strncmp(arg, "--verbose", 9)
               || !strncmp(arg, "--log-file", 10)) {
        /* Logging options: accepted and ignored. */
    } else if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
        usage();
        exit(EXIT_SUCCESS);
    } else if (!strcmp(arg, "-V") || !strcmp(arg, "--version")) {
        print_version();
        exit(EXIT_SUCCESS);
    } else {
        return false;
    }
#undef VAL
    return true;
}

static GPtrArray *
parse_commands(int argc, char **argv)
{
    GPtrArray *cmds = g_ptr_array_new();
    GHashTable *pending = g_hash_table_new_full(g_str_hash, g_str_equal,
                                                g_free, g_free);
    int i = 1;

    /* Global options; others before the first command are the first
     * command's. */
    for (; i < argc && argv[i][0] == '-' && strcmp(argv[i], "--"); i++) {
        if (!parse_global(argv[i])) {
            if (argv[i][1] != '-') {
                fatal("unrecognized option '%s' (use --help for help)",
                      argv[i]);
            }
            add_option(pending, argv[i]);
        }
    }
    while (i < argc) {
        struct command *c;
        int start;

        if (!strcmp(argv[i], "--")) {
            i++;
            continue;
        }
        c = g_new0(struct command, 1);
        c->cmd.options = pending;
        pending = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                        g_free);
        for (; i < argc && !strncmp(argv[i], "--", 2) && argv[i][2]; i++) {
            add_option(c->cmd.options, argv[i]);
        }
        if (i >= argc || !strcmp(argv[i], "--")) {
            fatal("missing command name (use --help for help)");
        }
        c->syntax = find_syntax(argv[i]);
        if (!c->syntax) {
            fatal("unknown command '%s'; use --help for help", argv[i]);
        }
        start = i;
        while (i < argc && strcmp(argv[i], "--")) {
            i++;
        }
        c->cmd.argc = i - start;
        c->cmd.argv = &argv[start];
        if (c->cmd.argc - 1 < c->syntax->min_args) {
            fatal("'%s' command requires at least %d arguments",
                  c->syntax->name, c->syntax->min_args);
        } else if (c->cmd.argc - 1 > c->syntax->max_args) {
            fatal("'%s' command takes at most %d arguments",
                  c->syntax->name, c->syntax->max_args);
        }
        check_options(c);
        g_ptr_array_add(cmds, c);
    }
    if (g_hash_table_size(pending)) {
        fatal("missing command name (use --help for help)");
    }
    g_hash_table_destroy(pending);
    if (!cmds->len) {
        fatal("missing command name (use --help for help)");
    }
    return cmds;
}

static void
alarm_handler(int sig)
{
    static const char msg[] =
        "|00001|fatal_signal|WARN|terminating with signal 14 (Alarm "
        "clock)\n";
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    size_t n;
    ssize_t r;

    gmtime_r(&now, &tm);
    n = strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    r = write(STDERR_FILENO, stamp, n);
    r = write(STDERR_FILENO, msg, sizeof msg - 1);
    (void) r;
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Returns a new connection to 'db'.  Tries once and exits with
 * ovs-vsctl's message if that fails, unless 'keep_trying': then it tries
 * again after 1 s, then after twice as long each time up to 8 s (the
 * backoff of ovs-vsctl's reconnect), until it connects or --timeout's
 * SIGALRM ends the run.  Like ovs-vsctl, it says nothing meanwhile.  (A
 * jsonrpc_session has that backoff, but vsctl's blocking transactions
 * need the plain connection, which a session does not hand out.) */
static struct jsonrpc *
open_rpc(bool keep_trying)
{
    int backoff_ms = 0;

    for (;;) {
        struct diag *d = diag_new();
        struct stream *stream;
        int error = stream_open_block(db, -1, &stream, d);

        diag_free(d);
        if (!error) {
            return jsonrpc_open(stream);
        } else if (!keep_trying) {
            fatal("%s: database connection failed (%s)", db,
                  g_strerror(-error));
        }
        backoff_ms = backoff_ms ? MIN(backoff_ms * 2, 8000) : 1000;
        g_usleep((gulong) backoff_ms * 1000);
    }
}

/* Sends 'request' (get_schema, stolen) and the read of 'pre' together,
 * without waiting between them, and receives both replies: the schema's
 * in '*replyp', the read's in 'pre'.  One round trip fewer for every run.
 * Returns 0 or a negative errno value. */
static int
get_schema_and_read(json_t *request, struct selects *pre, json_t **replyp)
{
    json_t *read = jsonrpc_create_request("transact", pre->params, NULL);
    json_t *schema_id = json_incref(json_object_get(request, "id"));
    json_t *read_id = json_incref(json_object_get(read, "id"));
    int error;

    pre->params = NULL;         /* Stolen. */
    *replyp = NULL;
    error = jsonrpc_send(rpc, request);
    if (!error) {
        error = jsonrpc_send(rpc, read);
    } else {
        json_decref(read);
    }
    while (!error && (!*replyp || !pre->reply)) {
        json_t *msg;
        json_t *id;

        error = jsonrpc_recv_block(rpc, &msg, -1);
        if (error) {
            break;
        }
        id = json_object_get(msg, "id");
        if (id && json_equal(id, schema_id) && !*replyp) {
            *replyp = msg;
        } else if (id && json_equal(id, read_id) && !pre->reply) {
            pre->reply = msg;
        } else {
            json_decref(msg);
        }
    }
    json_decref(schema_id);
    json_decref(read_id);
    return error;
}

/* Connects to the database server and reads its schema into a new view.
 * 'pre', if not NULL, is the run's first read (read_selects() without a
 * schema), sent along with the request for the schema; its reply is left
 * in it for view_load(). */
static void
connect_db(struct selects *pre)
{
    json_t *reply, *request;
    int error;

    if (ssl_key || ssl_cert || ssl_ca) {
        struct diag *d = diag_new();

        error = stream_ssl_set_config(ssl_key, ssl_cert, ssl_ca,
                                      ssl_bootstrap, d);
        if (error) {
            diag_print(d, stderr, program_name());
            exit(EXIT_FAILURE);
        }
        diag_free(d);
    }
    rpc = open_rpc(retry);
    request = jsonrpc_create_request("get_schema",
                                     json_pack("[s]", db_name), NULL);
    if (!pre) {
        error = jsonrpc_transact_block(rpc, request, &reply, -1);
    } else {
        error = get_schema_and_read(request, pre, &reply);
    }
    if (error || jsonrpc_msg_error(reply)) {
        fatal("%s: could not retrieve schema", db);
    }
    {
        struct ovsdb_schema *schema;
        char *err = NULL;

        if (ovsdb_schema_from_json(jsonrpc_msg_result(reply), &schema,
                                   &err)) {
            fatal("%s: bad schema: %s", db, err);
        }
        if (view) {
            struct ovsdb_schema *old = view->schema;

            view_free(view);
            ovsdb_schema_destroy(old);
        }
        view = view_create(schema);
    }
    json_decref(reply);
}

/* --retry, the connection lost in the middle of a run: connects again
 * (with open_rpc()'s backoff) and fetches the schema again. */
static void
reconnect_db(void)
{
    jsonrpc_close(rpc);
    connect_db(NULL);
}

/* Waits until the switching daemon has applied configuration 'next_cfg'
 * (Open_vSwitch's cur_cfg reaches it): one "wait" operation that the
 * server answers as soon as a row has cur_cfg >= next_cfg (ovs-vsctl's
 * test: so with no Open_vSwitch row it waits on), so the reply comes
 * with the daemon's write-back, not at the next poll.  After --dry-run
 * too, as ovs-vsctl does: the next_cfg it waits for was never committed,
 * so it waits until someone else's change gets applied, or --timeout.
 *
 * If the connection is lost meanwhile, it reconnects (with backoff,
 * --retry or not) and waits again, as ovs-vsctl does: the change is
 * committed, and only the wait is left to do.  --timeout (SIGALRM)
 * bounds it all. */
static void
wait_for_cfg(int64_t next_cfg)
{
    json_t *reply = NULL, *result;

    for (;;) {
        json_t *request = jsonrpc_create_request("transact", json_pack(
            "[s, {s:s, s:s, s:[[s,s,I]], s:[s], s:s, s:[]}]", db_name,
            "op", "wait", "table", "Open_vSwitch",
            "where", "cur_cfg", ">=", (json_int_t) next_cfg,
            "columns", "cur_cfg", "until", "!=", "rows"), NULL);

        if (!jsonrpc_transact_block(rpc, request, &reply, -1)) {
            break;
        }
        jsonrpc_close(rpc);
        rpc = open_rpc(true);
    }
    if (jsonrpc_msg_error(reply)) {
        char *text = json_dumps(jsonrpc_msg_error(reply),
                                JSON_COMPACT | JSON_SORT_KEYS);

        fatal("transaction error: %s", text);
    }
    result = json_array_get(jsonrpc_msg_result(reply), 0);
    if (json_object_get(result, "error")) {
        char *text = json_dumps(result, JSON_COMPACT | JSON_SORT_KEYS);

        fatal("waiting for the switch to apply the change: %s", text);
    }
    json_decref(reply);
}

int
main(int argc, char **argv)
{
    GPtrArray *cmds;
    const char *rundir;
    enum read_mode mode = READ_NAMED;
    GPtrArray *names = g_ptr_array_new();
    struct selects pre;         /* The first read, sent with get_schema. */
    bool first = true;

    set_program_name(argv[0]);
    cmds = parse_commands(argc, argv);
    for (size_t i = 0; i < cmds->len; i++) {
        const struct command *c = cmds->pdata[i];

        if (c->syntax->all_columns) {
            mode = READ_ALL;
        } else if (!command_names(c->syntax, &c->cmd, names)
                   && mode == READ_NAMED) {
            mode = READ_MODEL;
        }
    }
    /* Two selects a name: past a few dozen, reading them all is cheaper
     * (add-br and 1,000 add-port in one run). */
    if (mode == READ_NAMED && names->len > MAX_NAMED_READS) {
        mode = READ_MODEL;
    }
    if (!db) {
        rundir = getenv("XSV_RUNDIR");
        db = g_strdup_printf("unix:%s/db.sock",
                             rundir && *rundir ? rundir : "/run/xsvswitch");
    }
    if (timeout_secs) {
        signal(SIGALRM, alarm_handler);
        alarm(timeout_secs);
    }
    if (mode != READ_ALL) {
        read_selects(&pre, mode, names, NULL);
    }
    connect_db(mode != READ_ALL ? &pre : NULL);

    for (;;) {
        struct ovsdb_schema *schema = view->schema;
        bool again = false;
        int64_t next_cfg = 0;
        json_t *txn, *reply = NULL, *result = NULL;
        size_t n_ops = 0;
        GPtrArray *ovs;

        if (!view_load(schema, mode, names,
                       first && mode != READ_ALL ? &pre : NULL)) {
            first = false;
            continue;           /* Connected again (--retry). */
        }
        first = false;
        cache_valid = false;
        ovs = live_rows("Open_vSwitch");
        ovs_row = ovs->len ? ovs->pdata[0] : row_insert_named("Open_vSwitch");
        g_ptr_array_free(ovs, TRUE);
        n_tables_printed = 0;

        for (size_t i = 0; i < cmds->len; i++) {
            struct command *c = cmds->pdata[i];
            int error;

            if (c->cmd.out) {
                g_string_free(c->cmd.out, TRUE);
            }
            c->cmd.out = g_string_new(NULL);
            c->cmd.created = NULL;
            if (c->syntax->uses_cache && !cache_valid) {
                cache_populate();
                cache_valid = true;
            }
            error = c->syntax->run(&c->cmd);
            cache_valid = cache_valid && keeps_cache(c->syntax->name);
            if (error == -EAGAIN) {
                again = true;
                break;
            } else if (error) {
                fatal("%s", error_msg ? error_msg : g_strerror(-error));
            }
        }
        if (again) {
            g_usleep(100 * 1000);
            continue;
        }

        txn = build_txn(!no_wait, dry_run, &n_ops);
        if (txn) {
            size_t i;
            json_t *r;

            reply = transact(txn);
            if (!reply) {
                continue;       /* Connected again (--retry). */
            }
            result = jsonrpc_msg_result(reply);
            json_array_foreach(result, i, r) {
                json_t *e = json_object_get(r, "error");

                if (!e) {
                    continue;
                }
                if (json_is_string(e)
                    && !strcmp(json_string_value(e), "timed out")) {
                    again = true;
                    break;
                } else if (json_is_string(e)
                           && !strcmp(json_string_value(e), "aborted")) {
                    /* The answer to --dry-run's "abort": not an error,
                     * for ovs-vsctl's IDL either. */
                    continue;
                }
                fatal("transaction error: %s",
                      json_dumps(r, JSON_COMPACT | JSON_SORT_KEYS));
            }
            if (again) {
                json_decref(reply);
                continue;
            }
            get_int(ovs_row, "next_cfg", &next_cfg);
        }

        for (size_t i = 0; i < cmds->len; i++) {
            struct command *c = cmds->pdata[i];
            GString *out = c->cmd.out;

            if (c->cmd.created && result) {
                json_t *u = json_object_get(
                    json_array_get(result, c->cmd.created->insert_op),
                    "uuid");

                g_string_append_printf(out, "%s\n",
                                       json_string_value(
                                           json_array_get(u, 1)));
            }
            if (oneline) {
                for (size_t k = 0; k < out->len; k++) {
                    char ch = out->str[k];

                    if (ch == '\n' && k + 1 < out->len) {
                        fputs("\\n", stdout);
                    } else if (ch == '\\') {
                        fputs("\\\\", stdout);
                    } else if (ch != '\n') {
                        putchar(ch);
                    }
                }
                putchar('\n');
            } else {
                fputs(out->str, stdout);
            }
        }
        fflush(stdout);
        json_decref(reply);
        if (txn && !no_wait) {
            wait_for_cfg(next_cfg);
        }
        break;
    }
    return 0;
}
