/* vsdb-server.c -- the configuration database server.
 *
 * vsdb-server serves one OVSDB database (RFC 7047), normally our
 * Open_vSwitch schema, to JSON-RPC clients on punix:, ptcp: and pssl:
 * listeners, plus the read-only "_Server" database that Open vSwitch's
 * IDL (ovs-vsctl) consults.  The database lives in an ovsdb-log file
 * (ovsdb-log.h): it is replayed at start, each committed transaction is
 * appended (and synced) before the reply goes out, and the file is
 * compacted when it has grown large.  Transactions run through
 * ovsdb_execute() (ovsdb-txn.h); the change set of each commit feeds the
 * monitors ("monitor", "monitor_cond", "monitor_cond_since") and re-runs
 * the transactions blocked in a "wait".  Everything runs in one thread
 * around poll().  The control socket (ovs-appctl's protocol) is
 * unixctl.c's, and --detach and --pidfile are daemon.c's. */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <glib.h>
#include <jansson.h>
#include <limits.h>
#include <malloc.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "daemon.h"
#include "diag.h"
#include "json-write.h"
#include "jsonrpc.h"
#include "log.h"
#include "ovsdb-data.h"
#include "ovsdb-db.h"
#include "ovsdb-log.h"
#include "ovsdb-schema.h"
#include "ovsdb-txn.h"
#include "stream.h"
#include "unixctl.h"
#include "util.h"

LOG_DEFINE_THIS_MODULE(vsdb_server);
#define LOG_IS_DBG() log_is_enabled(&this_module, LL_DBG)

#ifndef PKGDATADIR
#define PKGDATADIR "/usr/share/xsvswitch"
#endif
#ifndef LOCALSTATEDIR
#define LOCALSTATEDIR "/var"
#endif
#ifndef RUNSTATEDIR
#define RUNSTATEDIR "/run/xsvswitch"
#endif

#define SERVER_DB "_Server"

/* The "_Server" database's schema, as Open vSwitch 3.x has it. */
static const char server_schema_text[] =
    "{\"name\":\"_Server\",\"version\":\"1.2.0\",\"tables\":{"
    "\"Database\":{\"columns\":{"
    "\"name\":{\"type\":\"string\"},"
    "\"model\":{\"type\":{\"key\":{\"type\":\"string\",\"enum\":[\"set\","
    "[\"standalone\",\"clustered\",\"relay\"]]}}},"
    "\"connected\":{\"type\":\"boolean\"},"
    "\"leader\":{\"type\":\"boolean\"},"
    "\"schema\":{\"type\":{\"key\":{\"type\":\"string\"},\"min\":0,"
    "\"max\":1}},"
    "\"cid\":{\"type\":{\"key\":{\"type\":\"uuid\"},\"min\":0,\"max\":1}},"
    "\"sid\":{\"type\":{\"key\":{\"type\":\"uuid\"},\"min\":0,\"max\":1}},"
    "\"index\":{\"type\":{\"key\":{\"type\":\"integer\"},\"min\":0,"
    "\"max\":1}}},"
    "\"isRoot\":true}}}";

/* One database served. */
struct db {
    char *name;
    struct ovsdb_db *db;
    json_t *schema_json;        /* get_schema's answer. */
    struct ovsdb_log *log;      /* NULL for _Server. */
};

enum monitor_version {
    MONITOR_V1,                 /* "monitor": "update". */
    MONITOR_V2,                 /* "monitor_cond": "update2". */
    MONITOR_V3,                 /* "monitor_cond_since": "update3". */
};

/* What one monitor watches in one table. */
struct mt {
    const struct ovsdb_table_schema *ts;
    const struct ovsdb_column **columns;
    size_t n_columns;
    bool initial, insert, delete, modify;
    json_t *where;              /* NULL: every row. */
};

struct monitor {
    struct db *db;
    json_t *id;                 /* The monitor id (JSON). */
    enum monitor_version version;
    GPtrArray *tables;          /* Of struct mt *. */
};

struct remote;

/* A client: a connection accepted on a listener ('rpc'), or the current
 * connection of an active remote's session ('js', owned by 'remote'). */
struct conn {
    struct jsonrpc *rpc;
    struct jsonrpc_session *js;
    struct remote *remote;      /* The remote whose session 'js' is, or
                                 * whose listener accepted 'rpc'; NULL if
                                 * none or once detached. */
    char *name;
    GPtrArray *monitors;        /* Of struct monitor *. */
    GPtrArray *locks;           /* Of struct lock_entry *. */
    bool dead;
};

/* A remote taken from the database (--remote=db:...): a listener for a
 * passive target, a reconnecting session for an active one. */
struct remote {
    char *target;
    struct pstream *ps;         /* ptcp:, pssl:, punix: (NULL until open). */
    struct jsonrpc_session *js; /* tcp:, ssl:, unix:. */
    struct conn *conn;          /* The client on 'js''s connection. */
    unsigned int seqno;         /* jsonrpc_session_get_seqno() seen. */
    int backoff;                /* jsonrpc_session_get_backoff() logged. */
    bool open_failed;           /* 'ps' failed to open (logged). */

    /* For the status (remote_status()): when 'js' last connected and
     * disconnected (LLONG_MAX: never), as of session seqno
     * 'status_seqno'. */
    long long int last_connected;
    long long int last_disconnected;
    unsigned int status_seqno;
};

/* Settings of a remote: -1 for the default. */
struct remote_opts {
    int max_backoff;            /* Milliseconds. */
    int probe;                  /* Milliseconds; 0 disables probes. */
};

/* A transaction blocked in "wait". */
struct pending {
    struct conn *conn;
    struct db *db;
    json_t *id;
    json_t *ops;
    long long int start;
};

static struct db main_db, server_db;
static GPtrArray *listeners;    /* Of struct pstream *. */
static GPtrArray *conns;        /* Of struct conn *. */
static GList *pending_txns;     /* Of struct pending *. */
static GHashTable *locks;       /* Name -> GQueue of struct conn *. */
static GPtrArray *db_remote_specs; /* Of "db:DB,TABLE,COLUMN" strings. */
static GHashTable *db_remotes;  /* Target -> struct remote *. */
static char *ssl_options[3];    /* --private-key, --certificate, --ca-cert. */
static bool ssl_bootstrap;      /* --bootstrap-ca-cert. */
/* The transaction id of update3 and monitor_cond_since.  Like a stock
 * ovsdb-server with a standalone database, the server keeps no history of
 * transactions, so it always answers "not found" and the id is all
 * zeros. */
static const char last_txn_id[] = "00000000-0000-0000-0000-000000000000";
static struct unixctl_server *unixctl;

static long long int
time_msec(void)
{
    return g_get_monotonic_time() / 1000;
}

/* ------------------------------------------------------------------------
 * Conditions ("where" of monitor_cond): a list of clauses, a row matching
 * if any clause does; an absent or empty list matches every row. */

static bool
clause_matches(const struct ovsdb_table_schema *ts, const json_t *clause,
               const json_t *row)
{
    const struct ovsdb_column *col;
    struct ovsdb_datum want, have;
    struct ovsdb_type type;
    const char *op;
    char *err = NULL;
    bool match = false;
    int cmp;

    if (json_is_boolean(clause)) {
        return json_is_true(clause);
    }
    if (!json_is_array(clause) || json_array_size(clause) != 3
        || !json_is_string(json_array_get(clause, 0))
        || !json_is_string(json_array_get(clause, 1))) {
        return false;
    }
    col = ovsdb_table_schema_get_column(
        ts, json_string_value(json_array_get(clause, 0)));
    op = json_string_value(json_array_get(clause, 1));
    if (!col) {
        return false;
    }
    type = col->type;
    type.n_min = 0;
    if (ovsdb_datum_from_json(&want, &type, json_array_get(clause, 2), NULL,
                              &err)) {
        g_free(err);
        return false;
    }
    if (ovsdb_datum_from_json(&have, &col->type,
                              json_object_get(row, col->name), NULL, &err)) {
        g_free(err);
        ovsdb_datum_destroy(&want, &type);
        return false;
    }
    cmp = ovsdb_datum_compare(&have, &want, &col->type);
    if (!strcmp(op, "==")) {
        match = cmp == 0;
    } else if (!strcmp(op, "!=")) {
        match = cmp != 0;
    } else if (!strcmp(op, "includes")) {
        match = ovsdb_datum_includes_all(&have, &want, &col->type);
    } else if (!strcmp(op, "excludes")) {
        match = ovsdb_datum_excludes_all(&have, &want, &col->type);
    } else if (have.n == 1 && want.n == 1) {
        cmp = ovsdb_atom_compare(&have.keys[0], &want.keys[0],
                                 col->type.key.type);
        match = (!strcmp(op, "<") ? cmp < 0
                 : !strcmp(op, "<=") ? cmp <= 0
                 : !strcmp(op, ">") ? cmp > 0
                 : !strcmp(op, ">=") ? cmp >= 0 : false);
    }
    ovsdb_datum_destroy(&want, &type);
    ovsdb_datum_destroy(&have, &col->type);
    return match;
}

/* 'row' is a JSON object holding every column the clauses of 'where' (a
 * condition of table 'ts', or NULL) name. */
static bool
where_matches(const struct ovsdb_table_schema *ts, const json_t *where,
              const json_t *row)
{
    size_t i;
    json_t *clause;

    if (!where || !json_array_size(where)) {
        return true;
    }
    json_array_foreach (where, i, clause) {
        if (clause_matches(ts, clause, row)) {
            return true;
        }
    }
    return false;
}

static bool
row_matches(const struct mt *mt, const json_t *row)
{
    return where_matches(mt->ts, mt->where, row);
}

/* ------------------------------------------------------------------------
 * Monitors. */

static void
mt_destroy(struct mt *mt)
{
    if (mt) {
        g_free(mt->columns);
        json_decref(mt->where);
        g_free(mt);
    }
}

static void
monitor_destroy(struct monitor *m)
{
    if (m) {
        g_ptr_array_free(m->tables, TRUE);
        json_decref(m->id);
        g_free(m);
    }
}

/* Parses one <monitor-request> for table 'ts' into a new 'mt'.  Returns
 * NULL and sets '*errp' on error. */
static struct mt *
mt_parse(const struct ovsdb_table_schema *ts, const json_t *req,
         bool allow_where, char **errp)
{
    struct mt *mt = g_new0(struct mt, 1);
    json_t *columns, *select, *where;
    size_t i;

    mt->ts = ts;
    mt->initial = mt->insert = mt->delete = mt->modify = true;
    if (!json_is_object(req)) {
        *errp = g_strdup("monitor request must be an object");
        goto error;
    }
    columns = json_object_get(req, "columns");
    if (columns) {
        json_t *c;

        if (!json_is_array(columns)) {
            *errp = g_strdup("\"columns\" must be an array");
            goto error;
        }
        mt->columns = g_new(const struct ovsdb_column *,
                            json_array_size(columns));
        json_array_foreach (columns, i, c) {
            const struct ovsdb_column *col = json_is_string(c)
                ? ovsdb_table_schema_get_column(ts, json_string_value(c))
                : NULL;
            size_t j;

            if (!col) {
                *errp = g_strdup_printf("%s: no such column in table %s",
                                        json_is_string(c)
                                        ? json_string_value(c) : "?",
                                        ts->name);
                goto error;
            }
            for (j = 0; j < mt->n_columns; j++) {
                if (mt->columns[j] == col) {
                    break;
                }
            }
            if (j == mt->n_columns) {
                mt->columns[mt->n_columns++] = col;
            }
        }
    } else {
        mt->columns = g_new(const struct ovsdb_column *, ts->n_columns);
        for (i = 0; i < ts->n_columns; i++) {
            if (i != OVSDB_COL_UUID) {
                mt->columns[mt->n_columns++] = ts->columns[i];
            }
        }
    }
    select = json_object_get(req, "select");
    if (select) {
        json_t *v;

        if (!json_is_object(select)) {
            *errp = g_strdup("\"select\" must be an object");
            goto error;
        }
#define SELECT_FLAG(NAME)                                   \
        v = json_object_get(select, #NAME);                 \
        if (v) {                                            \
            mt->NAME = json_is_true(v);                     \
        }
        SELECT_FLAG(initial);
        SELECT_FLAG(insert);
        SELECT_FLAG(delete);
        SELECT_FLAG(modify);
#undef SELECT_FLAG
    }
    where = json_object_get(req, "where");
    if (where && allow_where) {
        if (!json_is_array(where)) {
            *errp = g_strdup("\"where\" must be an array");
            goto error;
        }
        mt->where = json_incref(where);
    }
    return mt;

error:
    mt_destroy(mt);
    return NULL;
}

static json_t *
columns_json(const struct ovsdb_row *row, const struct mt *mt)
{
    /* ovsdb_row_to_json() takes no columns as all of them. */
    return (mt->n_columns
            ? ovsdb_row_to_json(row, mt->columns, mt->n_columns)
            : json_object());
}

/* The columns of 'obj' that 'mt' monitors. */
static json_t *
filter_columns(const struct mt *mt, const json_t *obj)
{
    json_t *out = json_object();
    size_t i;

    for (i = 0; i < mt->n_columns; i++) {
        json_t *v = json_object_get(obj, mt->columns[i]->name);

        if (v) {
            json_object_set(out, mt->columns[i]->name, v);
        }
    }
    return out;
}

/* The monitored columns of 'row' for a v2 "initial" or "insert": those at
 * their default values are left out, as Open vSwitch does. */
static json_t *
columns_json_v2(const struct ovsdb_row *row, const struct mt *mt)
{
    json_t *json = json_object();

    for (size_t i = 0; i < mt->n_columns; i++) {
        const struct ovsdb_column *col = mt->columns[i];
        const struct ovsdb_datum *d = ovsdb_row_get_datum(row, col->index);

        if (!ovsdb_datum_is_default(d, &col->type)) {
            json_object_set_new_nocheck(json, col->name,
                                        ovsdb_datum_to_json(d, &col->type));
        }
    }
    return json;
}

/* The "modify" diff of update2 for one column: the new value for a
 * column of at most one element, otherwise the elements (or map pairs)
 * added or removed, with changed map keys carrying their new value. */
static json_t *
column_diff(const struct ovsdb_column *col, const json_t *old_json,
            const json_t *new_json)
{
    const struct ovsdb_type *type = &col->type;
    struct ovsdb_datum old, new, diff;
    char *err = NULL;
    unsigned int i;
    json_t *out;

    if (type->n_max <= 1) {
        return json_incref((json_t *) new_json);
    }
    if (ovsdb_datum_from_json(&old, type, old_json, NULL, &err)) {
        g_free(err);
        return json_incref((json_t *) new_json);
    }
    if (ovsdb_datum_from_json(&new, type, new_json, NULL, &err)) {
        g_free(err);
        ovsdb_datum_destroy(&old, type);
        return json_incref((json_t *) new_json);
    }
    ovsdb_datum_init_empty(&diff);
    diff.keys = g_new(union ovsdb_atom, old.n + new.n + 1);
    if (type->value.type != OVSDB_TYPE_VOID) {
        diff.values = g_new(union ovsdb_atom, old.n + new.n + 1);
    }
    for (i = 0; i < old.n; i++) {
        int j = ovsdb_datum_find_key(&new, &old.keys[i], type->key.type);

        if (j < 0) {
            ovsdb_atom_clone(&diff.keys[diff.n], &old.keys[i],
                             type->key.type);
            if (diff.values) {
                ovsdb_atom_clone(&diff.values[diff.n], &old.values[i],
                                 type->value.type);
            }
            diff.n++;
        } else if (diff.values
                   && !ovsdb_atom_equals(&old.values[i], &new.values[j],
                                         type->value.type)) {
            ovsdb_atom_clone(&diff.keys[diff.n], &new.keys[j],
                             type->key.type);
            ovsdb_atom_clone(&diff.values[diff.n], &new.values[j],
                             type->value.type);
            diff.n++;
        }
    }
    for (i = 0; i < new.n; i++) {
        if (ovsdb_datum_find_key(&old, &new.keys[i], type->key.type) < 0) {
            ovsdb_atom_clone(&diff.keys[diff.n], &new.keys[i],
                             type->key.type);
            if (diff.values) {
                ovsdb_atom_clone(&diff.values[diff.n], &new.values[i],
                                 type->value.type);
            }
            diff.n++;
        }
    }
    if (ovsdb_datum_sort(&diff, type->key.type)) {
        /* Cannot happen: keys come from disjoint sets. */
        LOG_WARN("duplicate keys in a monitor diff");
    }
    {
        struct ovsdb_type loose = *type;

        loose.n_min = 0;
        out = ovsdb_datum_to_json(&diff, &loose);
        ovsdb_datum_destroy(&diff, &loose);
    }
    ovsdb_datum_destroy(&old, type);
    ovsdb_datum_destroy(&new, type);
    return out;
}

/* Adds 'row_update' for row 'uuid' of table 'table' to 'updates'. */
static void
add_update(json_t *updates, const char *table, const char *uuid,
           json_t *row_update)
{
    json_t *t = json_object_get(updates, table);

    if (!t) {
        t = json_object();
        json_object_set_new(updates, table, t);
    }
    json_object_set_new(t, uuid, row_update);
}

/* The initial contents that monitor 'm' reports. */
static json_t *
monitor_initial(const struct monitor *m)
{
    json_t *updates = json_object();
    guint i;

    for (i = 0; i < m->tables->len; i++) {
        const struct mt *mt = g_ptr_array_index(m->tables, i);
        struct ovsdb_table *table = ovsdb_db_get_table(m->db->db,
                                                       mt->ts->name);
        struct ovsdb_table_cursor cursor;
        const struct ovsdb_row *row;

        if (!mt->initial) {
            continue;
        }
        ovsdb_table_cursor_init(&cursor, table);
        while ((row = ovsdb_table_cursor_next(&cursor))) {
            char uuid[OVSDB_UUID_LEN + 1];
            json_t *full, *cols, *ru;

            if (mt->where) {
                full = ovsdb_row_to_json(row, NULL, 0);
                if (!row_matches(mt, full)) {
                    json_decref(full);
                    continue;
                }
                json_decref(full);
            }
            ovsdb_uuid_to_string(ovsdb_row_get_uuid(row), uuid);
            if (m->version == MONITOR_V1) {
                cols = columns_json(row, mt);
                ru = json_pack("{so}", "new", cols);
            } else {
                ru = json_pack("{so}", "initial", columns_json_v2(row, mt));
            }
            add_update(updates, mt->ts->name, uuid, ru);
        }
    }
    return updates;
}

/* The update that monitor 'm' reports for 'changes' (change form), or NULL
 * if none. */
static json_t *
monitor_changes(const struct monitor *m, const json_t *changes)
{
    json_t *updates = json_object();
    guint i;

    for (i = 0; i < m->tables->len; i++) {
        const struct mt *mt = g_ptr_array_index(m->tables, i);
        struct ovsdb_table *table = ovsdb_db_get_table(m->db->db,
                                                       mt->ts->name);
        json_t *rows = json_object_get(changes, mt->ts->name);
        const char *uuid_s;
        json_t *change;

        json_object_foreach (rows, uuid_s, change) {
            json_t *old = json_object_get(change, "old");
            json_t *new = json_object_get(change, "new");
            json_t *old_full = NULL, *new_full = NULL;
            const struct ovsdb_row *row = NULL;
            struct ovsdb_uuid uuid;
            bool old_in, new_in;
            json_t *ru = NULL;

            if (new && ovsdb_uuid_from_string(&uuid, uuid_s)) {
                row = ovsdb_table_get_row(table, &uuid);
            }
            if (!mt->where) {
                /* Every row matches: no need for whole rows in JSON,
                 * except the old one of a v1 delete. */
                old_in = old != NULL;
                new_in = row != NULL;
                if (old_in && !new_in && m->version == MONITOR_V1) {
                    old_full = json_incref(old);
                }
            } else {
                if (row) {
                    new_full = ovsdb_row_to_json(row, NULL, 0);
                }
                if (old) {
                    old_full = new_full ? json_deep_copy(new_full)
                                        : json_object();
                    json_object_update(old_full, old);
                }
                old_in = old_full && row_matches(mt, old_full);
                new_in = new_full && row_matches(mt, new_full);
            }

            if (!old_in && new_in && mt->insert) {
                ru = (m->version == MONITOR_V1
                      ? json_pack("{so}", "new", columns_json(row, mt))
                      : json_pack("{so}", "insert",
                                  columns_json_v2(row, mt)));
            } else if (old_in && !new_in && mt->delete) {
                ru = (m->version == MONITOR_V1
                      ? json_pack("{so}", "old", filter_columns(mt, old_full))
                      : json_pack("{sn}", "delete"));
            } else if (old_in && new_in && mt->modify) {
                json_t *changed = json_object();
                size_t j;

                for (j = 0; j < mt->n_columns; j++) {
                    const struct ovsdb_column *col = mt->columns[j];
                    const json_t *was = json_object_get(old, col->name);

                    if (!was) {
                        continue;
                    }
                    if (m->version == MONITOR_V1) {
                        json_object_set(changed, col->name, (json_t *) was);
                    } else {
                        json_t *now = ovsdb_datum_to_json(
                            ovsdb_row_get_datum(row, col->index), &col->type);

                        json_object_set_new(changed, col->name,
                                            column_diff(col, was, now));
                        json_decref(now);
                    }
                }
                if (!json_object_size(changed)) {
                    json_decref(changed);
                } else if (m->version == MONITOR_V1) {
                    ru = json_pack("{soso}", "old", changed,
                                   "new", columns_json(row, mt));
                } else {
                    ru = json_pack("{so}", "modify", changed);
                }
            }
            if (ru) {
                add_update(updates, mt->ts->name, uuid_s, ru);
            }
            json_decref(old_full);
            json_decref(new_full);
        }
    }
    if (!json_object_size(updates)) {
        json_decref(updates);
        return NULL;
    }
    return updates;
}

static void
conn_send(struct conn *c, json_t *msg)
{
    if (LOG_IS_DBG()) {
        char *s = jsonrpc_msg_to_string(msg);

        LOG_DBG("%s: send %.2000s", c->name, s);
        g_free(s);
    }
    if (c->js ? jsonrpc_session_send(c->js, msg)
        : jsonrpc_send(c->rpc, msg)) {
        c->dead = true;
    }
}

/* Sends 'updates' (taken over) to 'c' as monitor 'm''s notification:
 * "update", "update2" or "update3" after its version. */
static void
monitor_send(struct conn *c, const struct monitor *m, json_t *updates)
{
    json_t *params;

    if (m->version == MONITOR_V1) {
        params = json_pack("[Oo]", m->id, updates);
        conn_send(c, jsonrpc_create_notify("update", params));
    } else if (m->version == MONITOR_V2) {
        params = json_pack("[Oo]", m->id, updates);
        conn_send(c, jsonrpc_create_notify("update2", params));
    } else {
        params = json_pack("[Oso]", m->id, last_txn_id, updates);
        conn_send(c, jsonrpc_create_notify("update3", params));
    }
}

/* Tells the monitors of 'db' about 'changes': those of 'only' if it is
 * nonnull, else those of every connection but 'skip'. */
static void
monitors_notify(struct db *db, const json_t *changes, const struct conn *only,
                const struct conn *skip)
{
    guint i, j;

    for (i = 0; i < conns->len; i++) {
        struct conn *c = g_ptr_array_index(conns, i);

        if ((only && c != only) || c == skip) {
            continue;
        }
        for (j = 0; j < c->monitors->len; j++) {
            struct monitor *m = g_ptr_array_index(c->monitors, j);
            json_t *updates;

            if (m->db != db) {
                continue;
            }
            updates = monitor_changes(m, changes);
            if (updates) {
                monitor_send(c, m, updates);
            }
        }
    }
}

/* ------------------------------------------------------------------------
 * Persistence. */

/* Writes the snapshot of 'db' over its log. */
static int
db_compact(struct db *db)
{
    struct diag *diag = diag_new();
    json_t *snapshot = ovsdb_db_to_json(db->db);
    int error;

    json_object_set_new(snapshot, "_comment",
                        json_string("compacted by vsdb-server"));
    json_object_set_new(snapshot, "_date",
                        json_integer(g_get_real_time() / 1000));
    error = ovsdb_log_compact(db->log, snapshot, diag);
    if (error) {
        LOG_ERR("%s: compaction failed: %s", ovsdb_log_get_name(db->log),
                diag_count(diag) ? diag_get(diag, 0) : g_strerror(-error));
    } else {
        LOG_INFO("%s: compacted", ovsdb_log_get_name(db->log));
    }
    json_decref(snapshot);
    diag_free(diag);
    return error;
}

/* Appends 'changes' (change form) to the log of 'db', synced, then
 * compacts if the log has grown large.  A failure to append leaves memory
 * ahead of the disk: the caller must not acknowledge, and exits. */
static int
db_persist(struct db *db, const json_t *changes, const char *comment)
{
    struct diag *diag;
    json_t *record;
    int error;

    if (!db->log) {
        return 0;
    }
    record = ovsdb_db_changes_to_log(db->db, changes);
    if (!json_object_size(record)) {
        /* Only ephemeral columns changed: nothing to write or sync, as
         * with Open vSwitch. */
        json_decref(record);
        return 0;
    }
    diag = diag_new();
    if (comment) {
        json_object_set_new(record, "_comment", json_string(comment));
    }
    json_object_set_new(record, "_date",
                        json_integer(g_get_real_time() / 1000));
    error = ovsdb_log_append(db->log, record, diag);
    if (error) {
        LOG_ERR("%s: cannot write transaction: %s",
                ovsdb_log_get_name(db->log),
                diag_count(diag) ? diag_get(diag, 0) : g_strerror(-error));
    } else if (ovsdb_log_record_count(db->log) > 100
               && ovsdb_log_size(db->log)
                  > 4 * ovsdb_log_snapshot_size(db->log)) {
        db_compact(db);
    }
    json_decref(record);
    diag_free(diag);
    return error;
}

/* Replays the records of 'db''s log into its database. */
static int
db_replay(struct db *db, struct diag *diag)
{
    uint64_t n = 0;

    for (;;) {
        json_t *record, *copy;
        const char *key;
        json_t *value;
        void *tmp;
        char *err = NULL;
        int error;

        error = ovsdb_log_read_next(db->log, &record, diag);
        if (error) {
            return error;
        }
        if (!record) {
            break;
        }
        n++;
        copy = json_copy(record);
        json_object_foreach_safe (copy, tmp, key, value) {
            if (key[0] == '_') {
                json_object_del(copy, key);
            }
        }
        error = ovsdb_db_apply_changes(db->db, copy, NULL, &err);
        json_decref(copy);
        json_decref(record);
        if (error) {
            diag_add(diag, "%s: record %"G_GUINT64_FORMAT": %s",
                     ovsdb_log_get_name(db->log), n, err);
            g_free(err);
            return error;
        }
    }
    LOG_INFO("%s: %"G_GUINT64_FORMAT" transactions replayed",
             ovsdb_log_get_name(db->log), n);
    return 0;
}

/* ------------------------------------------------------------------------
 * Locks. */

/* A lock that a client asked for ("lock" or "steal"), until it unlocks,
 * as ovsdb-server's lock waiters: in the lock's queue it holds the lock
 * (first) or waits; a stolen lock got by "steal" is out of the queue,
 * lost. */
struct lock_entry {
    char *name;
    bool steal;                 /* Asked for by "steal", not "lock". */
};

static json_t *ovs_error_json(const char *tag, const json_t *syntax,
                              const char *fmt, ...) G_GNUC_PRINTF(3, 4);

static bool
lock_held(const char *name, void *aux)
{
    struct conn *c = aux;
    GQueue *q = g_hash_table_lookup(locks, name);

    return q && g_queue_peek_head(q) == c;
}

static void
lock_notify(struct conn *c, const char *method, const char *name)
{
    conn_send(c, jsonrpc_create_notify(method, json_pack("[s]", name)));
}

/* Removes 'c' from lock 'name'; the next waiter, if it becomes the owner,
 * is told. */
static void
lock_release(struct conn *c, const char *name)
{
    GQueue *q = g_hash_table_lookup(locks, name);
    bool was_owner;

    if (!q) {
        return;
    }
    was_owner = g_queue_peek_head(q) == c;
    g_queue_remove(q, c);
    if (g_queue_is_empty(q)) {
        g_hash_table_remove(locks, name);
    } else if (was_owner) {
        lock_notify(g_queue_peek_head(q), "locked", name);
    }
}

/* The entry of 'c' for lock 'name', or NULL; its index in '*indexp'. */
static struct lock_entry *
conn_find_lock(const struct conn *c, const char *name, guint *indexp)
{
    guint i;

    for (i = 0; i < c->locks->len; i++) {
        struct lock_entry *e = g_ptr_array_index(c->locks, i);

        if (!strcmp(e->name, name)) {
            if (indexp) {
                *indexp = i;
            }
            return e;
        }
    }
    return NULL;
}

static void
lock_entry_free(struct lock_entry *e)
{
    g_free(e->name);
    g_free(e);
}

/* "lock", "steal" and "unlock" ('params': [<id>]), as ovsdb-server
 * answers them.  "steal" puts its client first in the lock's queue and
 * tells the owner it lost the lock ("stolen"): an owner that had asked
 * with "lock" waits on, next in line; one that had stolen it itself
 * leaves the queue, its lock lost until it unlocks. */
static json_t *
do_lock(struct conn *c, const char *method, const json_t *params,
        json_t **err)
{
    const char *name = json_string_value(json_array_get(params, 0));
    struct lock_entry *e;
    GQueue *q;
    guint i;

    if (json_array_size(params) != 1 || !name || !ovsdb_is_id(name)) {
        *err = ovs_error_json("syntax error", params,
                              "%s request params must be <id>", method);
        return NULL;
    }
    e = conn_find_lock(c, name, &i);
    if (!strcmp(method, "unlock")) {
        if (!e) {
            *err = ovs_error_json("syntax error", params, "unlock: \"unlock\""
                                  " without \"lock\" or \"steal\"");
            return NULL;
        }
        lock_release(c, name);
        g_ptr_array_remove_index(c->locks, i);
        return json_object();
    }
    if (e) {
        *err = ovs_error_json("syntax error", params, "must issue \"unlock\" "
                              "before new \"%s\"", method);
        return NULL;
    }
    q = g_hash_table_lookup(locks, name);
    if (!q) {
        q = g_queue_new();
        g_hash_table_insert(locks, g_strdup(name), q);
    }
    e = g_new0(struct lock_entry, 1);
    e->name = g_strdup(name);
    e->steal = !strcmp(method, "steal");
    g_ptr_array_add(c->locks, e);
    if (e->steal) {
        struct conn *victim = g_queue_peek_head(q);

        if (victim) {
            const struct lock_entry *ve = conn_find_lock(victim, name, NULL);

            if (ve && ve->steal) {
                g_queue_remove(q, victim);
            }
            lock_notify(victim, "stolen", name);
        }
        g_queue_push_head(q, c);
    } else {
        g_queue_push_tail(q, c);
    }
    return json_pack("{sb}", "locked", g_queue_peek_head(q) == c);
}

/* ------------------------------------------------------------------------
 * Transactions. */

static struct db *
find_db(const char *name)
{
    if (!name) {
        return NULL;
    }
    if (!strcmp(name, main_db.name)) {
        return &main_db;
    }
    if (!strcmp(name, SERVER_DB)) {
        return &server_db;
    }
    return NULL;
}

/* True if 'ops' only reads (the _Server database is read-only). */
static bool
ops_read_only(const json_t *ops)
{
    size_t i;
    json_t *op;

    json_array_foreach (ops, i, op) {
        const char *name = json_string_value(json_object_get(op, "op"));

        if (!name || (strcmp(name, "select") && strcmp(name, "wait")
                      && strcmp(name, "comment")
                      && strcmp(name, "assert"))) {
            return false;
        }
    }
    return true;
}

static unsigned int commit_seq;

/* Set by a commit to the main database: the remotes and SSL settings taken
 * from it are recomputed in the main loop. */
static bool db_config_changed;

/* Runs the transaction 'ops' on 'db' for 'c' and sends 'c' the reply,
 * unless the transaction is blocked (then it is queued, with 'start' kept
 * from an earlier attempt).  The caller runs run_pending() when
 * 'commit_seq' has changed. */
static void
execute(struct conn *c, struct db *db, const json_t *id, json_t *ops,
        long long int start)
{
    struct ovsdb_execute_options options = {
        .lock_held = lock_held,
        .lock_aux = c,
        .elapsed_msec = time_msec() - start,
        .can_block = true,
    };
    struct ovsdb_execute_status status = { 0 };
    json_t *result = NULL, *changes = NULL;
    int error;

    if (db == &server_db && !ops_read_only(ops)) {
        conn_send(c, jsonrpc_create_error(
                      json_pack("{ssss}", "error", "not allowed", "details",
                                "the _Server database is read-only"), id));
        return;
    }
    error = ovsdb_execute(db->db, ops, &result, &changes, &options, &status);
    if (error == OVSDB_EXECUTE_BLOCKED) {
        struct pending *p = g_new0(struct pending, 1);

        p->conn = c;
        p->db = db;
        p->id = json_incref((json_t *) id);
        p->ops = json_incref(ops);
        p->start = start;
        pending_txns = g_list_append(pending_txns, p);
        g_free(status.comment);
        return;
    }
    if (error) {
        g_free(status.comment);
        conn_send(c, jsonrpc_create_error(
                      json_pack("{ssss}", "error", "syntax error", "details",
                                "transact parameters must be an array"), id));
        return;
    }
    if (changes && db_persist(db, changes, status.comment)) {
        /* The database in memory is ahead of the file: stop before anyone
         * sees it. */
        LOG_ERR("exiting: the database file cannot be written");
        exit(EXIT_FAILURE);
    }
    g_free(status.comment);
    if (!changes) {
        conn_send(c, jsonrpc_create_reply(result, id));
        return;
    }
    commit_seq++;
    if (db == &main_db) {
        db_config_changed = true;
    }
    /* The client's own monitors hear of the change before the reply, as
     * Open vSwitch does it, so that its replica holds the change once its
     * commit is acknowledged; the other monitors right after it, so that
     * the reply does not wait for them. */
    monitors_notify(db, changes, c, NULL);
    conn_send(c, jsonrpc_create_reply(result, id));
    monitors_notify(db, changes, NULL, c);
    json_decref(changes);
}

/* Re-runs the blocked transactions, again as long as one of them
 * commits, since that may unblock the others. */
static void
run_pending(void)
{
    static bool running;
    unsigned int seq;

    if (running) {
        return;
    }
    running = true;
    do {
        GList *list = pending_txns, *l;

        seq = commit_seq;
        pending_txns = NULL;
        for (l = list; l; l = l->next) {
            struct pending *p = l->data;

            if (!p->conn->dead) {
                execute(p->conn, p->db, p->id, p->ops, p->start);
            }
            json_decref(p->id);
            json_decref(p->ops);
            g_free(p);
        }
        g_list_free(list);
    } while (seq != commit_seq);
    running = false;
}

/* ------------------------------------------------------------------------
 * Requests. */

static json_t *
error_json(const char *error, const char *details)
{
    return details ? json_pack("{ssss}", "error", error, "details", details)
                   : json_pack("{ss}", "error", error);
}

static struct monitor *
find_monitor(const struct conn *c, const json_t *id, guint *indexp)
{
    guint i;

    for (i = 0; i < c->monitors->len; i++) {
        struct monitor *m = g_ptr_array_index(c->monitors, i);

        if (json_equal(m->id, (json_t *) id)) {
            if (indexp) {
                *indexp = i;
            }
            return m;
        }
    }
    return NULL;
}

/* "monitor", "monitor_cond" and "monitor_cond_since". */
static json_t *where_check(const struct ovsdb_table_schema *,
                           const json_t *where);

static json_t *
do_monitor(struct conn *c, const json_t *params, enum monitor_version v,
           json_t **err)
{
    struct db *db = find_db(json_string_value(json_array_get(params, 0)));
    json_t *id = json_array_get(params, 1);
    json_t *reqs = json_array_get(params, 2);
    struct monitor *m;
    const char *table_name;
    json_t *req, *initial;

    if (json_array_size(params) < 3 || !json_is_object(reqs)) {
        *err = error_json("syntax error", "bad monitor parameters");
        return NULL;
    }
    if (!db) {
        *err = error_json("unknown database", NULL);
        return NULL;
    }
    if (find_monitor(c, id, NULL)) {
        *err = error_json("duplicate monitor ID", NULL);
        return NULL;
    }
    m = g_new0(struct monitor, 1);
    m->db = db;
    m->id = json_incref(id);
    m->version = v;
    m->tables = g_ptr_array_new_with_free_func((GDestroyNotify) mt_destroy);
    json_object_foreach (reqs, table_name, req) {
        const struct ovsdb_table_schema *ts = ovsdb_schema_get_table(
            ovsdb_db_get_schema(db->db), table_name);
        json_t *single = NULL;
        size_t i, n;

        if (!ts) {
            char *s = g_strdup_printf("no table named %s", table_name);

            *err = error_json("syntax error", s);
            g_free(s);
            goto error;
        }
        if (!json_is_array(req)) {
            single = json_pack("[O]", req);
            req = single;
        }
        n = json_array_size(req);
        for (i = 0; i < n; i++) {
            char *s = NULL;
            struct mt *mt = mt_parse(ts, json_array_get(req, i),
                                     v != MONITOR_V1, &s);

            if (!mt) {
                *err = error_json("syntax error", s);
                g_free(s);
                json_decref(single);
                goto error;
            }
            g_ptr_array_add(m->tables, mt);
            /* Open vSwitch refuses a bad condition, as a bad change. */
            *err = mt->where ? where_check(ts, mt->where) : NULL;
            if (*err) {
                json_decref(single);
                goto error;
            }
        }
        json_decref(single);
    }
    g_ptr_array_add(c->monitors, m);
    initial = monitor_initial(m);
    if (v == MONITOR_V3) {
        return json_pack("[bso]", 0, last_txn_id, initial);
    }
    return initial;

error:
    monitor_destroy(m);
    return NULL;
}

/* ------------------------------------------------------------------------
 * "monitor_cond_change": a monitor takes new conditions, and a new id;
 * before the reply, the client of a "monitor_cond" or "monitor_cond_since"
 * monitor gets one update2 or update3 that moves its view from the rows
 * matching the old conditions to those matching the new ones.  Open
 * vSwitch's replies are copied word for word, errors included, except
 * that here nothing changes unless the whole request is valid (Open
 * vSwitch keeps the conditions of the tables parsed before an error, and
 * applies them half-way on later transactions). */

/* An error object as Open vSwitch's ovsdb_syntax_error() makes them: its
 * "syntax" member, present if 'syntax' is nonnull, is that JSON
 * serialised. */
static json_t * G_GNUC_PRINTF(3, 4)
ovs_error_json(const char *tag, const json_t *syntax, const char *fmt, ...)
{
    va_list args;
    json_t *error;
    char *details;

    va_start(args, fmt);
    details = g_strdup_vprintf(fmt, args);
    va_end(args);
    error = error_json(tag, details);
    g_free(details);
    if (syntax) {
        char *s = json_dumps(syntax, (JSON_COMPACT | JSON_SORT_KEYS
                                      | JSON_ENCODE_ANY));

        if (s) {
            json_object_set_new(error, "syntax", json_string(s));
            free(s);
        }
    }
    return error;
}

/* Checks the value of a clause whose function needs it to be of type
 * 'type'.  The number of elements of a ["set", [...]] or ["map", [...]]
 * comes first, as in Open vSwitch's parser. */
static json_t *
clause_value_check(const struct ovsdb_type *type, const json_t *value)
{
    const char *class = ovsdb_type_is_map(type) ? "map" : "set";
    const json_t *tag = json_array_get(value, 0);
    struct ovsdb_datum datum;
    char *err = NULL;
    size_t n;

    if (json_array_size(value) == 2 && json_is_array(json_array_get(value, 1))
        && json_is_string(tag) && !strcmp(json_string_value(tag), class)) {
        n = json_array_size(json_array_get(value, 1));
        if (n < type->n_min || n > type->n_max) {
            if (type->n_min == 1 && type->n_max == 1) {
                return ovs_error_json("syntax error", value,
                                      "%s must have exactly one member but "
                                      "%zu are present", class, n);
            }
            return ovs_error_json("syntax error", value,
                                  "%s must have %u to %u members but %zu "
                                  "are present", class, type->n_min,
                                  type->n_max, n);
        }
    }
    if (ovsdb_datum_from_json(&datum, type, value, NULL, &err)) {
        json_t *error = ovs_error_json("syntax error", value, "%s", err);

        g_free(err);
        return error;
    }
    ovsdb_datum_destroy(&datum, type);
    return NULL;
}

/* Checks one clause of a condition on table 'ts': true, false, or
 * [<column>, <function>, <value>] with a value of the column's type as
 * the function relaxes it.  Returns NULL or Open vSwitch's error. */
static json_t *
clause_check(const struct ovsdb_table_schema *ts, const json_t *clause)
{
    static const char *const orderings[] = { "<", "<=", ">", ">=" };
    const struct ovsdb_column *col;
    struct ovsdb_type type;
    const char *name, *function;
    bool ordering = false;
    size_t i;

    if (json_is_boolean(clause)) {
        return NULL;
    }
    if (!json_is_array(clause) || json_array_size(clause) != 3
        || !json_is_string(json_array_get(clause, 0))
        || !json_is_string(json_array_get(clause, 1))) {
        return ovs_error_json("syntax error", clause,
                              "Parse error in condition.");
    }
    name = json_string_value(json_array_get(clause, 0));
    function = json_string_value(json_array_get(clause, 1));
    col = ovsdb_table_schema_get_column(ts, name);
    if (!col) {
        return ovs_error_json("unknown column", clause,
                              "No column %s in table %s.", name, ts->name);
    }
    for (i = 0; i < G_N_ELEMENTS(orderings); i++) {
        ordering = ordering || !strcmp(function, orderings[i]);
    }
    /* Open vSwitch 3.1 also takes "true" and "false" here, and then
     * aborts; they are unknown functions here. */
    if (!ordering && strcmp(function, "==") && strcmp(function, "!=")
        && strcmp(function, "includes") && strcmp(function, "excludes")) {
        return ovs_error_json("unknown function", NULL,
                              "No function named %s.", function);
    }

    type = col->type;
    if (ordering) {
        if (!(ovsdb_type_is_scalar(&type)
              || ovsdb_type_is_optional_scalar(&type))
            || (type.key.type != OVSDB_TYPE_INTEGER
                && type.key.type != OVSDB_TYPE_REAL)) {
            char *s = ovsdb_type_to_english(&type);
            json_t *error = ovs_error_json(
                "syntax error", clause, "Type mismatch: \"%s\" operator may "
                "not be applied to column %s of type %s.", function,
                col->name, s);

            g_free(s);
            return error;
        }
        type.n_min = 1;
    } else if (!strcmp(function, "includes")
               && !ovsdb_type_is_scalar(&type)) {
        type.n_min = 0;
    } else if (!strcmp(function, "excludes")
               && !ovsdb_type_is_scalar(&type)) {
        type.n_min = 0;
        type.n_max = OVSDB_N_UNLIMITED;
    }
    return clause_value_check(&type, json_array_get(clause, 2));
}

/* Checks every clause of condition 'where' on table 'ts'.  Returns NULL
 * or Open vSwitch's error for the first bad one. */
static json_t *
where_check(const struct ovsdb_table_schema *ts, const json_t *where)
{
    size_t i;
    json_t *clause;

    json_array_foreach ((json_t *) where, i, clause) {
        json_t *error = clause_check(ts, clause);

        if (error) {
            return error;
        }
    }
    return NULL;
}

/* Parses one <monitor-cond-update-request> on table 'ts' of monitor 'm':
 * an object with an optional "where", and no "columns" (which Open
 * vSwitch cannot change either).  Returns NULL and sets '*wherep' to the
 * new condition, or to NULL if the request gives none (Open vSwitch 3.1
 * crashes then; here the condition stays), or returns an error object.
 * A "monitor" monitor has no conditions: its "where" is not looked at. */
static json_t *
cond_request_parse(const struct monitor *m,
                   const struct ovsdb_table_schema *ts, const json_t *req,
                   const json_t **wherep)
{
    const json_t *columns, *where;
    const char *unused = NULL;
    size_t n_unused = 0;
    const char *key;
    json_t *value;

    if (!json_is_object(req)) {
        return ovs_error_json("syntax error", NULL, "Parsing table %s "
                              "failed: Object expected.", ts->name);
    }
    columns = json_object_get(req, "columns");
    where = json_object_get(req, "where");
    if ((columns && !json_is_array(columns))
        || (where && !json_is_array(where))) {
        return ovs_error_json("syntax error", req, "Parsing table %s "
                              "failed: Type mismatch for member '%s'.",
                              ts->name,
                              columns && !json_is_array(columns)
                              ? "columns" : "where");
    }
    json_object_foreach ((json_t *) req, key, value) {
        if (strcmp(key, "columns") && strcmp(key, "where")
            && !n_unused++) {
            unused = key;
        }
    }
    if (n_unused == 1) {
        return ovs_error_json("syntax error", req, "Parsing table %s "
                              "failed: Member '%s' is present but not "
                              "allowed here.", ts->name, unused);
    } else if (n_unused) {
        return ovs_error_json("syntax error", req, "Parsing table %s "
                              "failed: Member '%s' and %zu other member%s "
                              "are present but not allowed here.",
                              ts->name, unused, n_unused - 1,
                              n_unused > 2 ? "s" : "");
    }
    if (columns) {
        return ovs_error_json("syntax error", req,
                              "changing columns is unsupported");
    }
    if (where && m->version != MONITOR_V1) {
        json_t *error = where_check(ts, where);

        if (error) {
            return error;
        }
    }
    *wherep = where;
    return NULL;
}

static bool
monitor_watches(const struct monitor *m, const struct ovsdb_table_schema *ts)
{
    for (guint i = 0; i < m->tables->len; i++) {
        const struct mt *mt = g_ptr_array_index(m->tables, i);

        if (mt->ts == ts) {
            return true;
        }
    }
    return false;
}

/* Parses the <monitor-cond-update-request>s 'reqs' for table 'name' of
 * monitor 'm' into 'wheres' (table name -> new condition; the last
 * request with a "where" wins).  Returns NULL or an error object. */
static json_t *
cond_table_parse(const struct monitor *m, const char *name,
                 const json_t *reqs, json_t *wheres)
{
    const struct ovsdb_table_schema *ts = ovsdb_schema_get_table(
        ovsdb_db_get_schema(m->db->db), name);
    size_t i;

    if (!ts) {
        return ovs_error_json("syntax error", NULL, "no table named %s",
                              name);
    }
    if (!monitor_watches(m, ts)) {
        return ovs_error_json("syntax error", NULL,
                              "no table named %s in monitor session", name);
    }
    if (!json_is_array(reqs)) {
        return ovs_error_json("syntax error", NULL,
                              "table %s no monitor-cond-change JSON array",
                              name);
    }
    for (i = 0; i < json_array_size(reqs); i++) {
        const json_t *where = NULL;
        json_t *error = cond_request_parse(m, ts, json_array_get(reqs, i),
                                           &where);

        if (error) {
            return error;
        }
        if (where) {
            json_object_set(wheres, name, (json_t *) where);
        }
    }
    return NULL;
}

/* Gives 'mt' (of monitor 'm') the condition 'where', adding to 'updates'
 * the rows that leave the client's view ("delete") and those that enter
 * it ("insert", with the monitored columns), as far as 'mt' selects these
 * kinds of update. */
static void
mt_set_where(const struct monitor *m, struct mt *mt, json_t *where,
             json_t *updates)
{
    struct ovsdb_table *table = ovsdb_db_get_table(m->db->db, mt->ts->name);
    struct ovsdb_table_cursor cursor;
    const struct ovsdb_row *row;

    if (!json_array_size(where)) {
        where = NULL;           /* Every row, as no condition. */
    }
    if (!mt->where && !where) {
        return;                 /* Every row before and after. */
    }
    ovsdb_table_cursor_init(&cursor, table);
    while ((row = ovsdb_table_cursor_next(&cursor))) {
        json_t *full = ovsdb_row_to_json(row, NULL, 0);
        bool was_in = row_matches(mt, full);
        bool is_in = where_matches(mt->ts, where, full);
        char uuid[OVSDB_UUID_LEN + 1];

        json_decref(full);
        ovsdb_uuid_to_string(ovsdb_row_get_uuid(row), uuid);
        if (!was_in && is_in && mt->insert) {
            add_update(updates, mt->ts->name, uuid,
                       json_pack("{so}", "insert",
                                 columns_json_v2(row, mt)));
        } else if (was_in && !is_in && mt->delete) {
            add_update(updates, mt->ts->name, uuid,
                       json_pack("{sn}", "delete"));
        }
    }
    json_decref(mt->where);
    mt->where = json_incref(where);
}

/* "monitor_cond_change": [<monitor id>, <new monitor id>,
 * <monitor-cond-update-requests>].  The result is {}. */
static json_t *
do_monitor_cond_change(struct conn *c, const json_t *params, json_t **err)
{
    json_t *new_id = json_array_get(params, 1);
    json_t *reqs = json_array_get(params, 2);
    json_t *wheres, *updates, *req, *old_id;
    const char *name;
    struct monitor *m;
    guint i;

    if (json_array_size(params) != 3) {
        *err = ovs_error_json("syntax error", params, "invalid parameters");
        return NULL;
    }
    m = find_monitor(c, json_array_get(params, 0), NULL);
    if (!m) {
        *err = ovs_error_json("syntax error", json_array_get(params, 0),
                              "unknown monitor session");
        return NULL;
    }
    if (!json_equal(m->id, new_id) && find_monitor(c, new_id, NULL)) {
        *err = ovs_error_json("syntax error", new_id, "duplicate monitor ID");
        return NULL;
    }
    if (!json_is_object(reqs)) {
        *err = ovs_error_json("syntax error", NULL,
                              "monitor-cond-change-requests must be object");
        return NULL;
    }
    wheres = json_object();
    json_object_foreach (reqs, name, req) {
        *err = cond_table_parse(m, name, req, wheres);
        if (*err) {
            json_decref(wheres);
            return NULL;
        }
    }

    old_id = m->id;
    m->id = json_incref(new_id);
    json_decref(old_id);
    if (m->version != MONITOR_V1) {
        updates = json_object();
        for (i = 0; i < m->tables->len; i++) {
            struct mt *mt = g_ptr_array_index(m->tables, i);
            json_t *where = json_object_get(wheres, mt->ts->name);

            if (where) {
                mt_set_where(m, mt, where, updates);
            }
        }
        if (json_object_size(updates)) {
            monitor_send(c, m, updates);
        } else {
            json_decref(updates);
        }
    }
    json_decref(wheres);
    return json_object();
}

static json_t *
handle_request(struct conn *c, const char *method, json_t *params,
               const json_t *id)
{
    json_t *result = NULL, *err = NULL;
    const char *arg0 = json_string_value(json_array_get(params, 0));

    if (!strcmp(method, "list_dbs")) {
        result = json_pack("[ss]", main_db.name, SERVER_DB);
    } else if (!strcmp(method, "get_schema")) {
        struct db *db = find_db(arg0);

        if (db) {
            result = json_incref(db->schema_json);
        } else {
            err = error_json("unknown database", NULL);
        }
    } else if (!strcmp(method, "transact")) {
        struct db *db = find_db(arg0);

        if (!db) {
            err = error_json("unknown database", NULL);
        } else {
            json_t *ops = json_array();
            size_t i;

            for (i = 1; i < json_array_size(params); i++) {
                json_array_append(ops, json_array_get(params, i));
            }
            execute(c, db, id, ops, time_msec());
            json_decref(ops);
            return NULL;        /* Sent, or blocked. */
        }
    } else if (!strcmp(method, "monitor")) {
        result = do_monitor(c, params, MONITOR_V1, &err);
    } else if (!strcmp(method, "monitor_cond")) {
        result = do_monitor(c, params, MONITOR_V2, &err);
    } else if (!strcmp(method, "monitor_cond_since")) {
        result = do_monitor(c, params, MONITOR_V3, &err);
    } else if (!strcmp(method, "monitor_cond_change")) {
        result = do_monitor_cond_change(c, params, &err);
    } else if (!strcmp(method, "monitor_cancel")) {
        guint i;

        /* Open vSwitch's errors here are bare strings. */
        if (json_array_size(params) != 1) {
            err = json_string("invalid parameters");
        } else if (find_monitor(c, json_array_get(params, 0), &i)) {
            g_ptr_array_remove_index(c->monitors, i);
            result = json_object();
        } else {
            err = json_string("unknown monitor");
        }
    } else if (!strcmp(method, "lock") || !strcmp(method, "steal")
               || !strcmp(method, "unlock")) {
        result = do_lock(c, method, params, &err);
    } else if (!strcmp(method, "set_db_change_aware")) {
        result = json_object();
    } else if (!strcmp(method, "get_server_id")) {
        static char sid[OVSDB_UUID_LEN + 1];

        if (!sid[0]) {
            struct ovsdb_uuid u;

            ovsdb_uuid_generate(&u);
            ovsdb_uuid_to_string(&u, sid);
        }
        result = json_string(sid);
    } else {
        err = error_json("unknown method", method);
    }
    if (err) {
        json_decref(result);
        return jsonrpc_create_error(err, id);
    }
    return jsonrpc_create_reply(result, id);
}

/* ------------------------------------------------------------------------
 * Connections. */

/* Forgets the remote whose session 'c' serves or whose listener accepted
 * it, if any. */
static void
conn_detach(struct conn *c)
{
    if (c->remote) {
        if (c->remote->conn == c) {
            c->remote->conn = NULL;
        }
        c->remote = NULL;
    }
}

/* A new client for the accepted 'stream' (taken over) or, if 'stream' is
 * NULL, for the connection that session 'js' (still owned by the caller)
 * has just made. */
static struct conn *
conn_create(struct stream *stream, struct jsonrpc_session *js)
{
    struct conn *c = g_new0(struct conn, 1);

    if (stream) {
        c->rpc = jsonrpc_open(stream);
        c->name = g_strdup(jsonrpc_get_name(c->rpc));
    } else {
        c->js = js;
        c->name = g_strdup(jsonrpc_session_get_name(js));
    }
    c->monitors = g_ptr_array_new_with_free_func(
        (GDestroyNotify) monitor_destroy);
    c->locks = g_ptr_array_new_with_free_func(
        (GDestroyNotify) lock_entry_free);
    LOG_DBG("%s: connected", c->name);
    return c;
}

static void
conn_destroy(struct conn *c)
{
    GList *l, *next;
    guint i;

    const char *error = (c->js ? jsonrpc_session_get_error(c->js)
                         : jsonrpc_get_error(c->rpc));

    LOG_DBG("%s: disconnected (%s)", c->name, error ? error : "");
    for (l = pending_txns; l; l = next) {
        struct pending *p = l->data;

        next = l->next;
        if (p->conn == c) {
            json_decref(p->id);
            json_decref(p->ops);
            g_free(p);
            pending_txns = g_list_delete_link(pending_txns, l);
        }
    }
    for (i = 0; i < c->locks->len; i++) {
        const struct lock_entry *e = g_ptr_array_index(c->locks, i);

        lock_release(c, e->name);
    }
    g_ptr_array_free(c->locks, TRUE);
    g_ptr_array_free(c->monitors, TRUE);
    jsonrpc_close(c->rpc);      /* The remote owns 'js'. */
    conn_detach(c);
    g_free(c->name);
    g_free(c);
}

static void
conn_handle(struct conn *c, json_t *msg)
{
    enum jsonrpc_msg_type type;
    const char *method;
    json_t *params, *reply;

    if (LOG_IS_DBG()) {
        char *s = jsonrpc_msg_to_string(msg);

        LOG_DBG("%s: received %.2000s", c->name, s);
        g_free(s);
    }
    if (jsonrpc_msg_check(msg, &type, NULL) || type != JSONRPC_REQUEST) {
        return;                 /* Replies to nothing, notifications. */
    }
    if (c->rpc && jsonrpc_handle_echo(c->rpc, msg)) {
        return;             /* Sessions answer echo requests themselves. */
    }
    method = jsonrpc_msg_method(msg);
    params = jsonrpc_msg_params(msg);
    if (!json_is_array(params)) {
        conn_send(c, jsonrpc_create_error(
                      error_json("syntax error", "params must be an array"),
                      jsonrpc_msg_id(msg)));
        return;
    }
    reply = handle_request(c, method, params, jsonrpc_msg_id(msg));
    if (reply) {
        conn_send(c, reply);
    }
}

/* Removes 'c' from 'conns' and destroys it.  Not while iterating over
 * 'conns'. */
static void
conn_remove(struct conn *c)
{
    g_ptr_array_remove(conns, c);
    conn_destroy(c);
}

/* ------------------------------------------------------------------------
 * Remotes and SSL settings taken from the database, as Open vSwitch's
 * "--remote=db:DB,TABLE,COLUMN" and "--private-key=db:DB,TABLE,COLUMN":
 * recomputed at start and after every commit to the main database.
 *
 * A remote column holds target strings, or references to rows (Manager,
 * Controller) whose "target" column is the target, with "max_backoff" and
 * "inactivity_probe" applying to active targets. */

/* Parses "db:DB,TABLE,COLUMN" naming a column of the main database.
 * Returns 0 and sets '*tsp' and '*colp', or -EINVAL with a message in
 * 'diag'. */
static int
parse_db_column(const char *spec, const struct ovsdb_table_schema **tsp,
                const struct ovsdb_column **colp, struct diag *diag)
{
    char **parts = g_strsplit(spec + 3, ",", 3);
    const struct ovsdb_table_schema *ts = NULL;
    const struct ovsdb_column *col = NULL;
    int error = -EINVAL;

    if (g_strv_length(parts) != 3) {
        diag_add(diag, "%s: expected db:DB,TABLE,COLUMN", spec);
    } else if (strcmp(parts[0], main_db.name)) {
        diag_add(diag, "%s: no database named %s", spec, parts[0]);
    } else if (!(ts = ovsdb_schema_get_table(
                     ovsdb_db_get_schema(main_db.db), parts[1]))) {
        diag_add(diag, "%s: no table named %s", spec, parts[1]);
    } else if (!(col = ovsdb_table_schema_get_column(ts, parts[2]))) {
        diag_add(diag, "%s: no column named %s in table %s", spec, parts[2],
                 parts[1]);
    } else {
        *tsp = ts;
        *colp = col;
        error = 0;
    }
    g_strfreev(parts);
    return error;
}

/* The value of column 'name' of 'row' if it is a string (the first one of
 * a set), otherwise NULL.  Borrowed from the row. */
static const char *
row_get_string(const struct ovsdb_row *row,
               const struct ovsdb_table_schema *ts, const char *name)
{
    const struct ovsdb_column *col = ovsdb_table_schema_get_column(ts, name);
    const struct ovsdb_datum *d;

    if (!col || col->type.key.type != OVSDB_TYPE_STRING) {
        return NULL;
    }
    d = ovsdb_row_get_datum(row, col->index);
    return d->n ? d->keys[0].string : NULL;
}

/* The value of integer column 'name' of 'row', or -1 if it is empty or
 * there is no such integer column. */
static int
row_get_int(const struct ovsdb_row *row, const struct ovsdb_table_schema *ts,
            const char *name)
{
    const struct ovsdb_column *col = ovsdb_table_schema_get_column(ts, name);
    const struct ovsdb_datum *d;

    if (!col || col->type.key.type != OVSDB_TYPE_INTEGER) {
        return -1;
    }
    d = ovsdb_row_get_datum(row, col->index);
    return (d->n && d->keys[0].integer >= 0 && d->keys[0].integer <= INT_MAX
            ? (int) d->keys[0].integer : -1);
}

static void
add_target(GHashTable *want, const char *target, int max_backoff, int probe)
{
    struct remote_opts *o = g_new(struct remote_opts, 1);

    o->max_backoff = max_backoff;
    o->probe = probe;
    g_hash_table_replace(want, g_strdup(target), o);
}

/* Adds to 'want' (target -> struct remote_opts *) the targets that the
 * column "db:DB,TABLE,COLUMN" 'spec' holds now. */
static void
collect_targets(const char *spec, GHashTable *want)
{
    const struct ovsdb_table_schema *ts, *ref_ts = NULL;
    const struct ovsdb_table *table, *ref = NULL;
    const struct ovsdb_column *col;
    struct ovsdb_table_cursor cursor;
    const struct ovsdb_row *row;

    if (parse_db_column(spec, &ts, &col, NULL)) {
        return;                 /* Checked at start. */
    }
    table = ovsdb_db_get_table(main_db.db, ts->name);
    if (col->type.key.type == OVSDB_TYPE_UUID
        && col->type.key.u.uuid.ref_table) {
        ref = ovsdb_db_get_table(main_db.db,
                                 col->type.key.u.uuid.ref_table->name);
        ref_ts = ovsdb_table_get_schema(ref);
    }
    ovsdb_table_cursor_init(&cursor, table);
    while ((row = ovsdb_table_cursor_next(&cursor))) {
        const struct ovsdb_datum *d = ovsdb_row_get_datum(row, col->index);
        unsigned int i;

        for (i = 0; i < d->n; i++) {
            const struct ovsdb_row *r;
            const char *target;

            if (col->type.key.type == OVSDB_TYPE_STRING) {
                add_target(want, d->keys[i].string, -1, -1);
            } else if (ref
                       && (r = ovsdb_table_get_row(ref, &d->keys[i].uuid))
                       && (target = row_get_string(r, ref_ts, "target"))) {
                add_target(want, target, row_get_int(r, ref_ts,
                                                     "max_backoff"),
                           row_get_int(r, ref_ts, "inactivity_probe"));
            }
        }
    }
}

static void
remote_destroy(struct remote *r)
{
    guint i;

    if (r) {
        LOG_INFO("%s: remote removed", r->target);
        if (r->conn) {
            conn_remove(r->conn);
        }
        /* The clients its listener accepted go with it, as with
         * ovsdb-server (at the next round: the loop may be walking the
         * connections). */
        for (i = 0; conns && i < conns->len; i++) {
            struct conn *c = g_ptr_array_index(conns, i);

            if (c->remote == r) {
                c->remote = NULL;
                c->dead = true;
            }
        }
        jsonrpc_session_close(r->js);
        pstream_close(r->ps);
        g_free(r->target);
        g_free(r);
    }
}

/* Opens the listener of passive remote 'r' if it is not open yet (it may
 * need SSL settings that arrive later). */
static void
remote_listen(struct remote *r)
{
    struct diag *diag;
    guint i;

    if (r->ps) {
        return;
    }
    diag = diag_new();
    if (!pstream_open(r->target, &r->ps, diag)) {
        LOG_INFO("listening on %s", pstream_get_name(r->ps));
    } else if (!r->open_failed) {
        for (i = 0; i < diag_count(diag); i++) {
            LOG_WARN("%s: %s (retried after the next commit)", r->target,
                     diag_get(diag, i));
        }
        r->open_failed = true;
    }
    diag_free(diag);
}

/* A new remote for 'target', or NULL (logged) if it is not a target. */
static struct remote *
remote_create(const char *target)
{
    struct remote *r = g_new0(struct remote, 1);

    r->target = g_strdup(target);
    r->last_connected = r->last_disconnected = LLONG_MAX;
    if (!pstream_verify_name(target)) {
        remote_listen(r);
    } else if (!stream_verify_name(target)
               && !jsonrpc_session_open(target, &r->js, NULL)) {
        LOG_INFO("%s: connecting to manager", target);
        r->seqno = r->status_seqno = jsonrpc_session_get_seqno(r->js);
    } else {
        LOG_WARN("%s: not a remote (ignored)", target);
        g_free(r->target);
        g_free(r);
        return NULL;
    }
    return r;
}

/* Opens and closes remotes to match the database's remote columns. */
static void
remotes_reconfigure(void)
{
    GHashTable *want = g_hash_table_new_full(g_str_hash, g_str_equal,
                                             g_free, g_free);
    GHashTableIter iter;
    gpointer key, value;
    guint i;

    for (i = 0; i < db_remote_specs->len; i++) {
        collect_targets(g_ptr_array_index(db_remote_specs, i), want);
    }
    g_hash_table_iter_init(&iter, db_remotes);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        if (!g_hash_table_contains(want, key)) {
            g_hash_table_iter_remove(&iter);  /* remote_destroy(). */
        }
    }
    g_hash_table_iter_init(&iter, want);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        const struct remote_opts *o = value;
        struct remote *r = g_hash_table_lookup(db_remotes, key);

        if (!r) {
            r = remote_create(key);
            if (!r) {
                continue;
            }
            g_hash_table_insert(db_remotes, r->target, r);
        }
        if (r->js) {
            jsonrpc_session_set_max_backoff(
                r->js, o->max_backoff >= JSONRPC_MIN_BACKOFF
                ? o->max_backoff : JSONRPC_DEFAULT_MAX_BACKOFF);
            jsonrpc_session_set_probe_interval(
                r->js, o->probe < 0 ? JSONRPC_DEFAULT_PROBE_INTERVAL
                : o->probe > 0 && o->probe < 1000 ? 1000 : o->probe);
        } else {
            remote_listen(r);
        }
    }
    g_hash_table_destroy(want);
}

/* Drives the active remotes' sessions: a client for each new connection,
 * none for a connection that has ended.  Not while iterating over
 * 'conns'. */
static void
remotes_run(void)
{
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init(&iter, db_remotes);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        struct remote *r = value;
        unsigned int seqno;
        int backoff;

        if (!r->js) {
            continue;
        }
        jsonrpc_session_run(r->js);
        seqno = jsonrpc_session_get_seqno(r->js);
        if (seqno != r->seqno) {
            r->seqno = seqno;
            if (r->conn) {
                conn_remove(r->conn);
            }
            if (jsonrpc_session_is_connected(r->js)) {
                LOG_INFO("%s: connected", r->target);
                r->conn = conn_create(NULL, r->js);
                r->conn->remote = r;
                g_ptr_array_add(conns, r->conn);
            }
        }
        backoff = jsonrpc_session_get_backoff(r->js);
        if (!jsonrpc_session_is_connected(r->js) && backoff != r->backoff) {
            const char *error = jsonrpc_session_get_error(r->js);

            LOG_INFO("%s: not connected (%s); next attempt in %d ms",
                     r->target, error ? error : "?", backoff);
        }
        r->backoff = backoff;
    }
}

/* ------------------------------------------------------------------------
 * The remotes' status, written back as stock ovsdb-server does: every
 * 2.5 s, into each row that a remote column references (Manager), the
 * "is_connected" and "status" columns.  Both are ephemeral, and these
 * commits are not logged: a server with managers would otherwise sync
 * and grow its file every few seconds for nothing worth keeping (after a
 * restart the columns are empty until the first write).  Monitors see
 * the changes; a row whose status is unchanged commits nothing. */

#define REMOTE_STATUS_INTERVAL 2500     /* Milliseconds, as stock. */

static long long int remote_status_due; /* time_msec(); 0 at start. */

/* Notes when the active remotes' sessions last connected and
 * disconnected.  A session's seqno changes once at each, and since the
 * last look (a round ago) a session may have done both. */
static void
remotes_track(void)
{
    long long int now = time_msec();
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init(&iter, db_remotes);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        struct remote *r = value;
        unsigned int seqno, n;
        bool connected;

        if (!r->js) {
            continue;
        }
        seqno = jsonrpc_session_get_seqno(r->js);
        n = seqno - r->status_seqno;
        connected = jsonrpc_session_is_connected(r->js);
        if (n >= 2 || (n == 1 && connected)) {
            r->last_connected = now;
        }
        if (n >= 2 || (n == 1 && !connected)) {
            r->last_disconnected = now;
        }
        r->status_seqno = seqno;
    }
}

/* The state of session 'js' by the names of stock's reconnect.c: IDLE is
 * connected with an inactivity probe unanswered. */
static const char *
session_state_name(const struct jsonrpc_session *js)
{
    int timeout = -1;
    short events;

    if (jsonrpc_session_is_connected(js)) {
        return jsonrpc_session_is_idle(js) ? "IDLE" : "ACTIVE";
    }
    /* Only a connection attempt has a descriptor to poll. */
    return (jsonrpc_session_wait_fd(js, &events, &timeout) >= 0
            ? "CONNECTING" : "BACKOFF");
}

/* Appends the pair ['key', 'value'] to 'pairs', taking 'value'. */
static void
add_pair(json_t *pairs, const char *key, char *value)
{
    json_array_append_new(pairs, json_pack("[ss]", key, value));
    g_free(value);
}

enum lock_state { LOCK_HELD, LOCK_WAITING, LOCK_LOST };

/* Appends under 'key' the space-separated names of the locks of 'c' in
 * 'state', if there are any: held, waited for (asked for by "lock"), or
 * lost (stolen after a "steal"), by ovsdb-server's rules. */
static void
add_locks(json_t *pairs, const char *key, struct conn *c,
          enum lock_state state)
{
    GString *names = g_string_new(NULL);
    guint i;

    for (i = 0; i < c->locks->len; i++) {
        const struct lock_entry *e = g_ptr_array_index(c->locks, i);
        enum lock_state st = (lock_held(e->name, c) ? LOCK_HELD
                              : !e->steal ? LOCK_WAITING : LOCK_LOST);

        if (st == state) {
            g_string_append_printf(names, "%s%s", names->len ? " " : "",
                                   e->name);
        }
    }
    if (names->len) {
        add_pair(pairs, key, g_string_free(names, FALSE));
    } else {
        g_string_free(names, TRUE);
    }
}

/* The number of clients that 'r''s listener accepted, still here. */
static guint
remote_count_conns(const struct remote *r)
{
    guint i, n = 0;

    for (i = 0; i < conns->len; i++) {
        const struct conn *c = g_ptr_array_index(conns, i);

        n += c->remote == r;
    }
    return n;
}

/* The status of the remote for 'target', as stock reports it: the object
 * {"is_connected": <boolean>, "status": <map>} (RFC 7047 notation).
 *
 * An active remote tells its session's state, the seconds since it last
 * connected and disconnected (once it has), and the locks its client
 * holds and waits for.  A listener tells whether it has clients, how
 * many if more than one, and its TCP port; stock's listeners keep no
 * connection times and report "0" seconds for both.  A target that is
 * no remote at all stock tries forever to connect to: "BACKOFF". */
static json_t *
remote_status(const char *target)
{
    const struct remote *r = g_hash_table_lookup(db_remotes, target);
    json_t *pairs = json_array();
    bool connected = false;

    if (r && r->js) {
        long long int now = time_msec();

        connected = jsonrpc_session_is_connected(r->js);
        add_pair(pairs, "state", g_strdup(session_state_name(r->js)));
        if (r->last_connected != LLONG_MAX) {
            add_pair(pairs, "sec_since_connect",
                     g_strdup_printf("%lld", (now - r->last_connected)
                                     / 1000));
        }
        if (r->last_disconnected != LLONG_MAX) {
            add_pair(pairs, "sec_since_disconnect",
                     g_strdup_printf("%lld", (now - r->last_disconnected)
                                     / 1000));
        }
        if (r->conn) {
            add_locks(pairs, "locks_held", r->conn, LOCK_HELD);
            add_locks(pairs, "locks_waiting", r->conn, LOCK_WAITING);
            add_locks(pairs, "locks_lost", r->conn, LOCK_LOST);
        }
    } else if (r || !pstream_verify_name(target)) {
        guint n = r ? remote_count_conns(r) : 0;
        int port = r && r->ps ? pstream_get_port(r->ps) : 0;

        connected = n > 0;
        add_pair(pairs, "sec_since_connect", g_strdup("0"));
        add_pair(pairs, "sec_since_disconnect", g_strdup("0"));
        if (n > 1) {
            add_pair(pairs, "n_connections", g_strdup_printf("%u", n));
        }
        if (port > 0) {
            add_pair(pairs, "bound_port", g_strdup_printf("%d", port));
        }
    } else {
        add_pair(pairs, "state", g_strdup("BACKOFF"));
    }
    return json_pack("{sbs[so]}", "is_connected", connected, "status", "map",
                     pairs);
}

/* Column 'name' of 'ts' if it is ephemeral with key type 'key' and value
 * type 'value', otherwise NULL: the status is never written to the
 * file. */
static const struct ovsdb_column *
status_column(const struct ovsdb_table_schema *ts, const char *name,
              enum ovsdb_atomic_type key, enum ovsdb_atomic_type value)
{
    const struct ovsdb_column *col = ovsdb_table_schema_get_column(ts, name);

    return (col && col->ephemeral && col->type.key.type == key
            && col->type.value.type == value ? col : NULL);
}

/* Adds to 'changes' (database form) the status of the remotes in the rows
 * that the column "db:DB,TABLE,COLUMN" 'spec' references, if it is a
 * column of references. */
static void
collect_status(const char *spec, json_t *changes)
{
    const struct ovsdb_table_schema *ts, *ref_ts;
    const struct ovsdb_column *col;
    const struct ovsdb_table *ref;
    struct ovsdb_table_cursor cursor;
    const struct ovsdb_row *row;
    bool has_connected, has_status;

    if (parse_db_column(spec, &ts, &col, NULL)
        || col->type.key.type != OVSDB_TYPE_UUID
        || !col->type.key.u.uuid.ref_table
        || col->type.value.type != OVSDB_TYPE_VOID) {
        return;
    }
    ref = ovsdb_db_get_table(main_db.db,
                             col->type.key.u.uuid.ref_table->name);
    ref_ts = ovsdb_table_get_schema(ref);
    has_connected = status_column(ref_ts, "is_connected",
                                  OVSDB_TYPE_BOOLEAN, OVSDB_TYPE_VOID);
    has_status = status_column(ref_ts, "status", OVSDB_TYPE_STRING,
                               OVSDB_TYPE_STRING);
    if (!has_connected && !has_status) {
        return;
    }
    ovsdb_table_cursor_init(&cursor, ovsdb_db_get_table(main_db.db,
                                                        ts->name));
    while ((row = ovsdb_table_cursor_next(&cursor))) {
        const struct ovsdb_datum *d = ovsdb_row_get_datum(row, col->index);
        unsigned int i;

        for (i = 0; i < d->n; i++) {
            const struct ovsdb_row *r = ovsdb_table_get_row(ref,
                                                            &d->keys[i].uuid);
            const char *target = r ? row_get_string(r, ref_ts, "target")
                                 : NULL;
            char uuid[OVSDB_UUID_LEN + 1];
            json_t *rows, *status;

            if (!target) {
                continue;
            }
            status = remote_status(target);
            if (!has_connected) {
                json_object_del(status, "is_connected");
            }
            if (!has_status) {
                json_object_del(status, "status");
            }
            rows = json_object_get(changes, ref_ts->name);
            if (!rows) {
                rows = json_object();
                json_object_set_new(changes, ref_ts->name, rows);
            }
            ovsdb_uuid_to_string(&d->keys[i].uuid, uuid);
            json_object_set_new(rows, uuid, status);
        }
    }
}

/* Writes the remotes' status into the database (see above). */
static void
remotes_write_status(void)
{
    json_t *changes = json_object(), *done = NULL;
    char *err = NULL;
    guint i;

    for (i = 0; i < db_remote_specs->len; i++) {
        collect_status(g_ptr_array_index(db_remote_specs, i), changes);
    }
    if (json_object_size(changes)
        && ovsdb_db_apply_changes(main_db.db, changes, &done, &err)) {
        LOG_ERR("cannot write the remotes' status: %s", err);
        g_free(err);
    } else if (done) {
        commit_seq++;
        monitors_notify(&main_db, done, NULL, NULL);
        json_decref(done);
    }
    json_decref(changes);
}

/* Keeps the remotes' status: at the end of each round, and written at
 * the first round and every REMOTE_STATUS_INTERVAL ms after. */
static void
remotes_status_run(void)
{
    long long int now = time_msec();

    remotes_track();
    if (db_remote_specs->len && now >= remote_status_due) {
        remote_status_due = now + REMOTE_STATUS_INTERVAL;
        remotes_write_status();
    }
}

/* Lowers '*timeout' (ms, negative: forever) to when the status is due. */
static void
remotes_status_wait(int *timeout)
{
    if (db_remote_specs->len) {
        long long int wait = MAX(remote_status_due - time_msec(), 0);

        if (*timeout < 0 || wait < *timeout) {
            *timeout = wait;
        }
    }
}

/* An SSL option's value now: the file name it gives, or the first
 * nonempty string in the column it names ("db:DB,TABLE,COLUMN"), or NULL.
 * The caller frees it. */
static char *
ssl_option_value(const char *option, const char *boolean_column,
                 bool *booleanp)
{
    const struct ovsdb_table_schema *ts;
    const struct ovsdb_column *col, *bcol;
    struct ovsdb_table_cursor cursor;
    const struct ovsdb_row *row;

    if (!option || strncmp(option, "db:", 3)) {
        return g_strdup(option);
    }
    if (parse_db_column(option, &ts, &col, NULL)
        || col->type.key.type != OVSDB_TYPE_STRING) {
        return NULL;
    }
    bcol = boolean_column ? ovsdb_table_schema_get_column(ts, boolean_column)
        : NULL;
    ovsdb_table_cursor_init(&cursor, ovsdb_db_get_table(main_db.db,
                                                        ts->name));
    while ((row = ovsdb_table_cursor_next(&cursor))) {
        const struct ovsdb_datum *d = ovsdb_row_get_datum(row, col->index);

        if (d->n && d->keys[0].string[0]) {
            if (bcol && bcol->type.key.type == OVSDB_TYPE_BOOLEAN) {
                const struct ovsdb_datum *b
                    = ovsdb_row_get_datum(row, bcol->index);

                *booleanp = b->n && b->keys[0].boolean;
            }
            return g_strdup(d->keys[0].string);
        }
    }
    return NULL;
}

/* Applies the SSL settings that the options give now, if they are
 * complete and have changed.  Incomplete settings (the SSL row deleted)
 * leave the last ones in force. */
static void
ssl_reconfigure(void)
{
    static char *applied[3];
    static bool applied_bootstrap;
    bool bootstrap = false;
    char *v[3];
    struct diag *diag;
    int i;

    v[0] = ssl_option_value(ssl_options[0], NULL, NULL);
    v[1] = ssl_option_value(ssl_options[1], NULL, NULL);
    v[2] = ssl_option_value(ssl_options[2], "bootstrap_ca_cert", &bootstrap);
    bootstrap = bootstrap || ssl_bootstrap;
    if (!v[0] || !v[1] || !v[2]
        || (!g_strcmp0(v[0], applied[0]) && !g_strcmp0(v[1], applied[1])
            && !g_strcmp0(v[2], applied[2])
            && bootstrap == applied_bootstrap)) {
        for (i = 0; i < 3; i++) {
            g_free(v[i]);
        }
        return;
    }
    diag = diag_new();
    if (stream_ssl_set_config(v[0], v[1], v[2], bootstrap, diag)) {
        for (i = 0; i < (int) diag_count(diag); i++) {
            LOG_ERR("SSL: %s", diag_get(diag, i));
        }
    } else {
        LOG_INFO("SSL: private key %s, certificate %s, CA certificate %s%s",
                 v[0], v[1], v[2], bootstrap ? " (bootstrap)" : "");
    }
    diag_free(diag);
    /* Failed settings are not retried until they change. */
    for (i = 0; i < 3; i++) {
        g_free(applied[i]);
        applied[i] = v[i];
    }
    applied_bootstrap = bootstrap;
}

static bool
ssl_from_db(void)
{
    int i;

    for (i = 0; i < 3; i++) {
        if (ssl_options[i] && !strncmp(ssl_options[i], "db:", 3)) {
            return true;
        }
    }
    return false;
}

/* ------------------------------------------------------------------------
 * The control socket (unixctl.h): the commands that stock ovs-appctl and
 * vsappctl send, besides the built-in "list-commands" and "version". */

static void
ctl_exit(struct unixctl_conn *conn, int argc, const char *argv[], void *aux)
{
    (void) argc;
    (void) argv;
    (void) aux;
    daemon_request_exit();
    unixctl_command_reply(conn, NULL);
}

/* "ovsdb-server/compact [DB]" and its alias "compact". */
static void
ctl_compact(struct unixctl_conn *conn, int argc, const char *argv[],
            void *aux)
{
    (void) aux;
    if (argc > 1 && strcmp(argv[1], main_db.name)) {
        char *error = g_strdup_printf("no database named %s", argv[1]);

        unixctl_command_reply_error(conn, error);
        g_free(error);
    } else if (db_compact(&main_db)) {
        unixctl_command_reply_error(conn, "compaction failed");
    } else {
        unixctl_command_reply(conn, NULL);
    }
}

/* "vlog/set SPEC...": each SPEC as for --verbose. */
static void
ctl_vlog_set(struct unixctl_conn *conn, int argc, const char *argv[],
             void *aux)
{
    int i;

    (void) aux;
    for (i = 1; i < argc; i++) {
        if (log_set_levels(argv[i])) {
            break;
        }
    }
    if (argc < 2 || i < argc) {
        unixctl_command_reply_error(conn,
                                    "usage: vlog/set [MODULE][:DEST][:LEVEL]");
    } else {
        unixctl_command_reply(conn, NULL);
    }
}

static void
register_commands(void)
{
    unixctl_command_register("exit", "", 0, 0, ctl_exit, NULL);
    unixctl_command_register("ovsdb-server/compact", "[DB]", 0, 1,
                             ctl_compact, NULL);
    unixctl_command_register("compact", "[DB]", 0, 1, ctl_compact, NULL);
    unixctl_command_register("vlog/set", "SPEC...", 0, INT_MAX,
                             ctl_vlog_set, NULL);
}

/* ------------------------------------------------------------------------
 * Start-up. */

static void
usage(void)
{
    printf("%s: the configuration database server (OVSDB, RFC 7047)\n"
           "usage: %s [OPTIONS] [DBFILE]\n"
           "DBFILE defaults to $XSV_DBDIR/conf.db (XSV_DBDIR defaults to\n"
           "%s/lib/xsvswitch); if it does not exist it is created with\n"
           "the schema (--schema, $XSV_SCHEMA or %s/vswitch.ovsschema).\n"
           "\nOptions:\n"
           "  --remote=REMOTE       listen on punix:PATH, ptcp:[PORT][:IP]\n"
           "                        or pssl:[PORT][:IP] (repeatable;\n"
           "                        default punix:$XSV_RUNDIR/db.sock)\n"
           "  --remote=db:DB,TABLE,COLUMN\n"
           "                        also the remotes that COLUMN holds (e.g.\n"
           "                        db:Open_vSwitch,Open_vSwitch,\n"
           "                        manager_options):\n"
           "                        listens on passive ones, connects to\n"
           "                        active ones (tcp:, ssl:, unix:) with\n"
           "                        reconnection and backoff; re-read after\n"
           "                        every commit; each referenced row's\n"
           "                        is_connected and status (Manager) are\n"
           "                        written every 2.5 s, not to the file\n"
           "  --schema=FILE         schema for a new database file\n"
           "  --unixctl=SOCKET      control socket (default\n"
           "                        $XSV_RUNDIR/vsdb-server.ctl)\n"
           "  --pidfile[=FILE]      write a pid file\n"
           "  --detach              run in the background\n"
           "  --no-chdir            accepted (the server never changes\n"
           "                        directory)\n"
           "  --log-file[=FILE]     also log to FILE\n"
           "  -v, --verbose[=SPEC]  log levels: [MODULE][:DEST][:LEVEL],...\n"
           "                        (DEST console, syslog or file; LEVEL\n"
           "                        default dbg; syslog off unless named)\n"
           "  --private-key=FILE --certificate=FILE --ca-cert=FILE\n"
           "  [--bootstrap-ca-cert=FILE]   SSL for pssl: and ssl: remotes;\n"
           "                        each FILE may be db:DB,TABLE,COLUMN\n"
           "                        (e.g. db:Open_vSwitch,SSL,private_key),\n"
           "                        re-read after every commit\n"
           "  -h, --help            this help\n"
           "  -V, --version         the version\n"
           "\nNot implemented: in a remote's status, last_error;\n"
           "clustered databases, the change history of\n"
           "monitor_cond_since.\n",
           program_name(), program_name(), LOCALSTATEDIR, PKGDATADIR);
}


/* Opens (creating if needed) the database file 'path' into 'main_db'. */
static int
open_main_db(const char *path, const char *schema_file, struct diag *diag)
{
    struct ovsdb_schema *schema;
    json_t *schema_json = NULL;
    json_error_t jerr;
    char *err = NULL;
    int error;

    bool create = access(path, F_OK) != 0;

    if (create) {
        schema_json = json_load_file(schema_file, 0, &jerr);
        if (!schema_json) {
            diag_add(diag, "%s: %s", schema_file, jerr.text);
            return -EINVAL;
        }
    }
    error = ovsdb_log_open(path,
                           create ? OVSDB_LOG_CREATE : OVSDB_LOG_READ_WRITE,
                           schema_json, &main_db.log, diag);
    json_decref(schema_json);
    if (error) {
        return error;
    }
    /* Shared with the log, which never changes it in place. */
    main_db.schema_json
        = json_incref((json_t *) ovsdb_log_get_schema(main_db.log));
    if (ovsdb_schema_from_json(main_db.schema_json, &schema, &err)) {
        diag_add(diag, "%s: bad schema: %s", path, err);
        g_free(err);
        return -EINVAL;
    }
    main_db.name = g_strdup(schema->name);
    main_db.db = ovsdb_db_create(schema);
    return db_replay(&main_db, diag);
}

/* Creates the _Server database with its one row per database. */
static void
open_server_db(void)
{
    struct ovsdb_schema *schema;
    struct db *dbs[2] = { &main_db, &server_db };
    json_t *rows = json_object(), *changes;
    char *err = NULL;
    size_t i;

    server_db.name = g_strdup(SERVER_DB);
    server_db.schema_json = json_loads(server_schema_text, 0, NULL);
    if (ovsdb_schema_from_json(server_db.schema_json, &schema, &err)) {
        LOG_ERR("internal error: _Server schema: %s", err);
        abort();
    }
    server_db.db = ovsdb_db_create(schema);
    for (i = 0; i < 2; i++) {
        /* Every vsctl run asks for the schema: written once, not each
         * time (a tenth of the server's work per command). */
        json_write_keep(dbs[i]->schema_json);
    }
    for (i = 0; i < 2; i++) {
        char uuid[OVSDB_UUID_LEN + 1];
        struct ovsdb_uuid u;
        char *text = json_dumps(dbs[i]->schema_json, JSON_COMPACT);

        ovsdb_uuid_generate(&u);
        ovsdb_uuid_to_string(&u, uuid);
        json_object_set_new(rows, uuid,
                            json_pack("{sssssbsbss}", "name", dbs[i]->name,
                                      "model", "standalone",
                                      "connected", 1, "leader", 1,
                                      "schema", text));
        free(text);
    }
    changes = json_pack("{so}", "Database", rows);
    if (ovsdb_db_apply_changes(server_db.db, changes, NULL, &err)) {
        LOG_ERR("internal error: _Server rows: %s", err);
        abort();
    }
    json_decref(changes);
}

/* Gives freed heap memory back to the system.  A large transaction or
 * monitor update leaves megabytes of freed blocks below live ones, which
 * malloc never returns by itself: with 1,000 ports added in one
 * transaction the server would stay at three times its working size.
 * Not cheap: mallinfo2() walks every free list, which after a 1,000-port
 * select was a sixth of the server's CPU when it ran after every round.
 * So it runs once the server has been idle for TRIM_IDLE_MS after some
 * work (main_loop_once()), trimming only when more than 1 MiB lies free. */
#define TRIM_IDLE_MS 250

static void
release_free_memory(void)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33)
    struct mallinfo2 mi = mallinfo2();

    if (mi.fordblks > 1024 * 1024) {
        malloc_trim(0);
    }
#endif
}

/* One round of the poll loop. */
static void
main_loop_once(void)
{
    static bool trim_due;       /* Work done since the last trim. */
    int n_ready;
    GArray *pfds = g_array_new(FALSE, TRUE, sizeof(struct pollfd));
    /* Blocked transactions run again every 100 ms, so that "wait"
     * timeouts are honoured promptly. */
    int timeout = pending_txns ? 100 : -1;
    GHashTableIter iter;
    gpointer value;
    guint i;

#define ADD_FD(FD, EVENTS)                                              \
    do {                                                                \
        struct pollfd pfd = { .fd = (FD), .events = (EVENTS) };         \
        g_array_append_val(pfds, pfd);                                  \
    } while (0)
    ADD_FD(daemon_signal_fd(), POLLIN);
    for (i = 0; i < listeners->len; i++) {
        short events;
        int fd = pstream_wait_fd(g_ptr_array_index(listeners, i), &events);

        ADD_FD(fd, events);
    }
    unixctl_server_wait(unixctl, pfds, &timeout);
    for (i = 0; i < conns->len; i++) {
        struct conn *c = g_ptr_array_index(conns, i);
        short events;
        int fd;

        if (c->rpc) {           /* Sessions are polled below. */
            fd = jsonrpc_wait_fd(c->rpc, &events, &timeout);
            ADD_FD(fd, events);
        }
    }
    g_hash_table_iter_init(&iter, db_remotes);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        struct remote *r = value;
        short events = 0;
        int fd = (r->js ? jsonrpc_session_wait_fd(r->js, &events, &timeout)
                  : r->ps ? pstream_wait_fd(r->ps, &events) : -1);

        ADD_FD(fd, events);
    }
#undef ADD_FD
    remotes_status_wait(&timeout);
    if (trim_due && (timeout < 0 || timeout > TRIM_IDLE_MS)) {
        timeout = TRIM_IDLE_MS;
    }
    n_ready = poll((struct pollfd *) pfds->data, pfds->len, timeout);
    if (n_ready < 0 && errno != EINTR) {
        LOG_ERR("poll: %s", g_strerror(errno));
    } else if (n_ready > 0) {
        trim_due = true;
    } else if (!n_ready && trim_due) {
        release_free_memory();
        trim_due = false;
    }
    g_array_free(pfds, TRUE);
    if (daemon_exit_requested()) {
        return;
    }

    for (i = 0; i < listeners->len; i++) {
        struct pstream *ps = g_ptr_array_index(listeners, i);
        struct stream *stream;

        while (!pstream_accept(ps, &stream, NULL)) {
            g_ptr_array_add(conns, conn_create(stream, NULL));
        }
    }
    g_hash_table_iter_init(&iter, db_remotes);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        struct remote *r = value;
        struct stream *stream;

        while (r->ps && !pstream_accept(r->ps, &stream, NULL)) {
            struct conn *c = conn_create(stream, NULL);

            c->remote = r;      /* Counted in its status. */
            g_ptr_array_add(conns, c);
        }
    }
    remotes_run();
    unixctl_server_run(unixctl);
    for (i = 0; i < conns->len; i++) {
        struct conn *c = g_ptr_array_index(conns, i);
        int n;

        /* A bounded number of messages per round keeps one busy client
         * from starving the others. */
        for (n = 0; n < 50 && !c->dead; n++) {
            json_t *msg;
            int error = (c->js ? jsonrpc_session_recv(c->js, &msg)
                         : jsonrpc_recv(c->rpc, &msg));

            if (error == -EAGAIN) {
                break;
            } else if (error) {
                c->dead = true;
                break;
            }
            conn_handle(c, msg);
            json_decref(msg);
        }
        if (c->js) {
            jsonrpc_session_run(c->js);
        } else {
            jsonrpc_run(c->rpc);
        }
    }
    run_pending();
    for (i = 0; i < conns->len;) {
        struct conn *c = g_ptr_array_index(conns, i);

        if (c->dead || (c->rpc && jsonrpc_get_status(c->rpc))) {
            g_ptr_array_remove_index(conns, i);
            conn_destroy(c);
        } else {
            i++;
        }
    }
    if (db_config_changed) {
        db_config_changed = false;
        if (ssl_from_db()) {
            ssl_reconfigure();
        }
        remotes_reconfigure();
    }
    remotes_status_run();
}

int
main(int argc, char *argv[])
{
    enum {
        OPT_REMOTE = 256, OPT_PRIVATE_KEY, OPT_CERTIFICATE,
        OPT_CA_CERT, OPT_BOOTSTRAP_CA_CERT, OPT_SCHEMA,
    };
    static const struct option long_options[] = {
        DAEMON_LONG_OPTIONS,
        { "remote", required_argument, NULL, OPT_REMOTE },
        { "private-key", required_argument, NULL, OPT_PRIVATE_KEY },
        { "certificate", required_argument, NULL, OPT_CERTIFICATE },
        { "ca-cert", required_argument, NULL, OPT_CA_CERT },
        { "bootstrap-ca-cert", required_argument, NULL,
          OPT_BOOTSTRAP_CA_CERT },
        { "schema", required_argument, NULL, OPT_SCHEMA },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    struct daemon_options dopts = { NULL, NULL, NULL, false };
    GPtrArray *remotes = g_ptr_array_new_with_free_func(g_free);
    char *dbfile = NULL, *schema = NULL;
    struct diag *diag = diag_new();
    int status = EXIT_FAILURE;
    int error;
    int opt;
    guint i;

    set_program_name(argv[0]);
    while ((opt = getopt_long(argc, argv, "hVv::", long_options, NULL))
           != -1) {
        int handled = daemon_option_parse(&dopts, "vsdb-server", opt,
                                          optarg);

        if (handled < 0) {
            goto out;
        } else if (handled) {
            continue;
        }
        switch (opt) {
        case OPT_REMOTE:
            g_ptr_array_add(remotes, g_strdup(optarg));
            break;
        case OPT_PRIVATE_KEY:
        case OPT_CERTIFICATE:
        case OPT_CA_CERT:
        case OPT_BOOTSTRAP_CA_CERT:
            i = (opt == OPT_PRIVATE_KEY ? 0 : opt == OPT_CERTIFICATE ? 1 : 2);
            g_free(ssl_options[i]);
            ssl_options[i] = g_strdup(optarg);
            if (opt == OPT_BOOTSTRAP_CA_CERT) {
                ssl_bootstrap = true;
            }
            break;
        case OPT_SCHEMA:
            g_free(schema);
            schema = g_strdup(optarg);
            break;
        case 'h':
            usage();
            status = EXIT_SUCCESS;
            goto out;
        case 'V':
            print_version();
            status = EXIT_SUCCESS;
            goto out;
        default:
            fprintf(stderr, "Try `%s --help' for more information.\n",
                    program_name());
            goto out;
        }
    }
    if (argc - optind > 1) {
        fprintf(stderr, "%s: at most one database file\n", program_name());
        goto out;
    }
    daemon_options_finish(&dopts, "vsdb-server");
    dbfile = (argc > optind ? g_strdup(argv[optind])
              : g_strdup_printf("%s/conf.db", daemon_dbdir()));
    if (!schema) {
        const char *env = getenv("XSV_SCHEMA");

        schema = (env && *env ? g_strdup(env)
                  : g_strdup(PKGDATADIR "/vswitch.ovsschema"));
    }
    if (!remotes->len) {
        g_ptr_array_add(remotes, g_strdup_printf("punix:%s/db.sock",
                                                 daemon_rundir()));
    }
    if (dopts.logfile && log_set_file(dopts.logfile)) {
        fprintf(stderr, "%s: %s: cannot open log file\n", program_name(),
                dopts.logfile);
        goto out;
    }
    if (dopts.detach) {
        error = daemon_detach(false);
        if (error) {
            LOG_ERR("cannot detach: %s", g_strerror(-error));
            goto out;
        }
    }

    if (ssl_options[0] || ssl_options[1] || ssl_options[2]) {
        if (!ssl_options[0] || !ssl_options[1] || !ssl_options[2]) {
            LOG_ERR("--private-key, --certificate and --ca-cert go "
                    "together");
            goto out;
        }
        if (!ssl_from_db()
            && stream_ssl_set_config(ssl_options[0], ssl_options[1],
                                     ssl_options[2], ssl_bootstrap, diag)) {
            goto out_diag;
        }
    }
    if (open_main_db(dbfile, schema, diag)) {
        goto out_diag;
    }
    open_server_db();
    for (i = 0; i < 3; i++) {
        const struct ovsdb_table_schema *ts;
        const struct ovsdb_column *col;

        if (ssl_options[i] && !strncmp(ssl_options[i], "db:", 3)
            && parse_db_column(ssl_options[i], &ts, &col, diag)) {
            goto out_diag;
        }
    }
    if (ssl_from_db()) {
        ssl_reconfigure();
    }

    listeners = g_ptr_array_new();
    conns = g_ptr_array_new();
    locks = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                  (GDestroyNotify) g_queue_free);
    db_remote_specs = g_ptr_array_new();
    db_remotes = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                       (GDestroyNotify) remote_destroy);
    for (i = 0; i < remotes->len; i++) {
        const char *remote = g_ptr_array_index(remotes, i);
        struct pstream *ps;

        if (!strncmp(remote, "db:", 3)) {
            const struct ovsdb_table_schema *ts;
            const struct ovsdb_column *col;

            if (parse_db_column(remote, &ts, &col, diag)) {
                goto out_diag;
            }
            g_ptr_array_add(db_remote_specs, (char *) remote);
            continue;
        }
        if (pstream_open(remote, &ps, diag)) {
            goto out_diag;
        }
        LOG_INFO("listening on %s", pstream_get_name(ps));
        g_ptr_array_add(listeners, ps);
    }
    unixctl = unixctl_server_create(dopts.unixctl_path, diag);
    if (!unixctl) {
        goto out_diag;
    }
    register_commands();

    remotes_reconfigure();

    error = daemon_signals_init();
    if (error) {
        LOG_ERR("cannot set up signal handling: %s", g_strerror(-error));
        goto out;
    }

    if (dopts.pidfile && daemon_pidfile_create(dopts.pidfile, diag)) {
        goto out_diag;
    }
    daemon_ready();
    /* Loading and replaying the database leaves freed memory behind. */
    malloc_trim(0);

    while (!daemon_exit_requested()) {
        main_loop_once();
    }
    LOG_INFO("exiting");
    status = EXIT_SUCCESS;
    goto out;

out_diag:
    for (i = 0; i < diag_count(diag); i++) {
        LOG_ERR("%s", diag_get(diag, i));
    }
out:
    if (conns) {
        while (conns->len) {
            conn_destroy(g_ptr_array_steal_index(conns, conns->len - 1));
        }
        g_ptr_array_free(conns, TRUE);
        conns = NULL;           /* For remote_destroy(). */
    }
    if (db_remotes) {
        g_hash_table_destroy(db_remotes);   /* After the clients. */
    }
    if (db_remote_specs) {
        g_ptr_array_free(db_remote_specs, TRUE);
    }
    if (listeners) {
        for (i = 0; i < listeners->len; i++) {
            pstream_close(g_ptr_array_index(listeners, i));
        }
        g_ptr_array_free(listeners, TRUE);
    }
    unixctl_server_destroy(unixctl);
    if (locks) {
        g_hash_table_destroy(locks);
    }
    ovsdb_db_destroy(main_db.db);
    ovsdb_log_close(main_db.log);
    /* The pid file goes only once the database file is closed and its
     * lock released: whoever waits for it to vanish (a restart) may then
     * open the database. */
    daemon_pidfile_remove();
    json_write_forget(main_db.schema_json);
    json_decref(main_db.schema_json);
    g_free(main_db.name);
    ovsdb_db_destroy(server_db.db);
    json_write_forget(server_db.schema_json);
    json_decref(server_db.schema_json);
    g_free(server_db.name);
    stream_ssl_clear_config();
    g_ptr_array_free(remotes, TRUE);
    daemon_options_destroy(&dopts);
    g_free(dbfile);
    g_free(schema);
    for (i = 0; i < 3; i++) {
        g_free(ssl_options[i]);
    }
    diag_free(diag);
    return status;
}
