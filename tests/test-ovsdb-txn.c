/* test-ovsdb-txn.c -- table-driven tests of RFC 7047 transactions.
 *
 * tests/ovsdb-txn-cases.json holds fixtures (databases in the log form of
 * vswitch/ovsdb-db.h) and cases.  Each case runs one "transact" request on
 * a fresh database loaded from a fixture and compares, structurally:
 *
 *   "result"   the result array.  Strings "<0>", "<1>", ... stand for UUIDs
 *              the transaction made up; an error object without "details"
 *              matches any details.
 *   "dump"     the database afterwards (ovsdb_db_to_json(), without
 *              "_version"), or "unchanged"; or
 *   "delta"    the fixture's dump with these rows replaced (or deleted:
 *              null).
 *   "changes"  (optional) the change set, without "_version"; null if
 *              nothing was committed.
 *
 * Optional "options": {"locks": [...], "elapsed": N, "can_block": true}
 * and "blocked": true (the request must block).  Strings "$NAME" anywhere
 * in the file (keys included) are replaced by "names"."NAME".
 *
 * Every committed change set is also replayed, through
 * ovsdb_db_changes_to_log() and ovsdb_db_apply_changes(), onto a copy of
 * the database loaded from its snapshot (ovsdb_db_to_json()) before the
 * transaction; both must end up identical, versions included.  The
 * checks that do not fit a table (versions, blocking, timing) follow. */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ovsdb-txn.h"
#include "tap.h"

static json_t *schema_json;

/* ------------------------------------------------------------------------
 * Helpers. */

static json_t *
load_json(const char *name)
{
    const char *srcdir = getenv("top_srcdir");
    char *path = g_strdup_printf("%s/tests/%s", srcdir ? srcdir : ".", name);
    json_error_t error;
    json_t *json = json_load_file(path, 0, &error);

    if (!json) {
        printf("Bail out! %s:%d: %s\n", path, error.line, error.text);
        exit(1);
    }
    g_free(path);
    return json;
}

static char *
to_text(const json_t *json)
{
    char *s = json ? json_dumps(json, JSON_COMPACT | JSON_SORT_KEYS
                                | JSON_ENCODE_ANY) : NULL;

    return s ? s : strdup("(null)");
}

static void
diag_json(const char *what, const json_t *json)
{
    char *s = to_text(json);

    diag_msg("%s: %s", what, s);
    free(s);
}

/* New UUIDs 10000000-0000-4000-8000-<counter>: after every fixture UUID
 * (00000000-...) in sort order, and in creation order among themselves. */
static void
counter_uuid(struct ovsdb_uuid *uuid, void *counter_)
{
    unsigned long long *counter = counter_;
    char s[OVSDB_UUID_LEN + 1];

    snprintf(s, sizeof s, "10000000-0000-4000-8000-%012llx", ++*counter);
    ovsdb_uuid_from_string(uuid, s);
}

static unsigned long long uuid_counter;

static struct ovsdb_db *
make_db(const json_t *fixture)
{
    struct ovsdb_schema *schema;
    struct ovsdb_db *db;
    char *err = NULL;

    if (ovsdb_schema_from_json(schema_json, &schema, &err)) {
        printf("Bail out! schema: %s\n", err);
        exit(1);
    }
    db = ovsdb_db_create(schema);
    ovsdb_db_set_uuid_generator(db, counter_uuid, &uuid_counter);
    if (fixture && ovsdb_db_apply_changes(db, fixture, NULL, &err)) {
        printf("Bail out! fixture: %s\n", err);
        exit(1);
    }
    return db;
}

/* Removes "_version" members from every object in 'json'. */
static void
strip_versions(json_t *json)
{
    const char *key;
    json_t *value;
    size_t i;

    if (json_is_object(json)) {
        json_object_del(json, "_version");
        json_object_foreach (json, key, value) {
            strip_versions(value);
        }
    } else if (json_is_array(json)) {
        json_array_foreach (json, i, value) {
            strip_versions(value);
        }
    }
}

/* The number of rows in 'json', a change set or a log record (table ->
 * uuid -> row). */
static size_t
count_rows(const json_t *json)
{
    const char *table;
    json_t *rows;
    size_t n = 0;

    json_object_foreach ((json_t *) json, table, rows) {
        n += json_object_size(rows);
    }
    return n;
}

static json_t *
dump_db(const struct ovsdb_db *db)
{
    json_t *dump = ovsdb_db_to_json(db);

    strip_versions(dump);
    return dump;
}

/* Replaces "$NAME" strings and keys by names."NAME", recursively.  Returns
 * a new reference. */
static json_t *
expand_names(const json_t *json, const json_t *names)
{
    const char *key;
    json_t *value, *copy;
    size_t i;

    if (json_is_string(json) && json_string_value(json)[0] == '$') {
        json_t *sub = json_object_get(names, json_string_value(json) + 1);

        if (!sub) {
            printf("Bail out! unknown name %s\n", json_string_value(json));
            exit(1);
        }
        return json_incref(sub);
    } else if (json_is_object(json)) {
        copy = json_object();
        json_object_foreach ((json_t *) json, key, value) {
            const json_t *k = (key[0] == '$'
                               ? json_object_get(names, key + 1) : NULL);

            json_object_set_new(copy, k ? json_string_value(k) : key,
                                expand_names(value, names));
        }
        return copy;
    } else if (json_is_array(json)) {
        copy = json_array();
        json_array_foreach (json, i, value) {
            json_array_append_new(copy, expand_names(value, names));
        }
        return copy;
    }
    return json_incref((json_t *) json);
}

static bool
is_placeholder(const char *s)
{
    size_t n = strlen(s);

    return n >= 3 && s[0] == '<' && s[n - 1] == '>'
           && strspn(s + 1, "0123456789") == n - 2;
}

/* Matches 'actual' against 'expected', binding placeholders in 'bindings'
 * (placeholder -> actual string). */
static bool
unify(const json_t *expected, const json_t *actual, GHashTable *bindings)
{
    const char *key;
    json_t *value;
    size_t i;

    if (json_is_string(expected)
        && is_placeholder(json_string_value(expected))) {
        const char *bound;

        if (!json_is_string(actual)) {
            return false;
        }
        bound = g_hash_table_lookup(bindings, json_string_value(expected));
        if (bound) {
            return !strcmp(bound, json_string_value(actual));
        }
        g_hash_table_insert(bindings, g_strdup(json_string_value(expected)),
                            g_strdup(json_string_value(actual)));
        return true;
    }
    if (json_typeof(expected) != json_typeof(actual)) {
        return false;
    }
    if (json_is_object(expected)) {
        bool is_error = json_object_get(expected, "error") != NULL;

        if (!is_error && json_object_size(expected)
                         != json_object_size(actual)) {
            return false;
        }
        json_object_foreach ((json_t *) expected, key, value) {
            json_t *a = json_object_get(actual, key);

            if (!a || !unify(value, a, bindings)) {
                return false;
            }
        }
        if (is_error) {
            json_object_foreach ((json_t *) actual, key, value) {
                if (strcmp(key, "details")
                    && !json_object_get(expected, key)) {
                    return false;
                }
            }
        }
        return true;
    }
    if (json_is_array(expected)) {
        if (json_array_size(expected) != json_array_size(actual)) {
            return false;
        }
        json_array_foreach (expected, i, value) {
            if (!unify(value, json_array_get(actual, i), bindings)) {
                return false;
            }
        }
        return true;
    }
    return json_equal((json_t *) expected, (json_t *) actual);
}

/* Returns a copy of 'json' with bound placeholders (values and keys)
 * replaced. */
static json_t *
substitute(const json_t *json, GHashTable *bindings)
{
    const char *key;
    json_t *value, *copy;
    size_t i;

    if (json_is_string(json)) {
        const char *bound = g_hash_table_lookup(bindings,
                                                json_string_value(json));

        return bound ? json_string(bound) : json_incref((json_t *) json);
    } else if (json_is_object(json)) {
        copy = json_object();
        json_object_foreach ((json_t *) json, key, value) {
            const char *bound = g_hash_table_lookup(bindings, key);

            json_object_set_new(copy, bound ? bound : key,
                                substitute(value, bindings));
        }
        return copy;
    } else if (json_is_array(json)) {
        copy = json_array();
        json_array_foreach (json, i, value) {
            json_array_append_new(copy, substitute(value, bindings));
        }
        return copy;
    }
    return json_incref((json_t *) json);
}

/* Returns 'base' (a dump) with the rows of 'delta' applied. */
static json_t *
apply_delta(const json_t *base, const json_t *delta)
{
    json_t *dump = json_deep_copy(base);
    const char *table, *uuid;
    json_t *rows, *row;

    json_object_foreach ((json_t *) delta, table, rows) {
        json_t *t = json_object_get(dump, table);

        if (!t) {
            t = json_object();
            json_object_set_new(dump, table, t);
        }
        json_object_foreach (rows, uuid, row) {
            if (json_is_null(row)) {
                json_object_del(t, uuid);
            } else {
                json_object_set(t, uuid, row);
            }
        }
        if (!json_object_size(t)) {
            json_object_del(dump, table);
        }
    }
    return dump;
}

static bool
lock_held(const char *name, void *aux)
{
    const json_t *locks = aux;
    json_t *lock;
    size_t i;

    json_array_foreach (locks, i, lock) {
        if (!strcmp(json_string_value(lock), name)) {
            return true;
        }
    }
    return false;
}

/* ------------------------------------------------------------------------
 * The table. */

static void
run_case(const json_t *c, const json_t *fixtures)
{
    const char *name = json_string_value(json_object_get(c, "name"));
    const char *fixture_name = json_string_value(json_object_get(c, "db"));
    const json_t *fixture = json_object_get(fixtures,
                                            fixture_name ? fixture_name
                                            : "base");
    const json_t *options_json = json_object_get(c, "options");
    const json_t *want_dump = json_object_get(c, "dump");
    const json_t *want_delta = json_object_get(c, "delta");
    const json_t *want_changes = json_object_get(c, "changes");
    struct ovsdb_execute_options options = { 0 };
    struct ovsdb_execute_status status;
    GHashTable *bindings = g_hash_table_new_full(g_str_hash, g_str_equal,
                                                 g_free, g_free);
    struct ovsdb_db *db = make_db(fixture);
    json_t *snapshot = ovsdb_db_to_json(db);
    json_t *before = dump_db(db), *after = NULL, *expected = NULL;
    json_t *result = NULL, *changes = NULL;
    int retval;

    if (options_json) {
        const json_t *locks = json_object_get(options_json, "locks");

        if (locks) {
            options.lock_held = lock_held;
            options.lock_aux = (void *) locks;
        }
        options.elapsed_msec = json_integer_value(
            json_object_get(options_json, "elapsed"));
        options.can_block = json_is_true(json_object_get(options_json,
                                                         "can_block"));
    }

    retval = ovsdb_execute(db, json_object_get(c, "txn"), &result,
                           &changes, &options, &status);
    g_free(status.comment);

    if (json_is_true(json_object_get(c, "blocked"))) {
        is_int(retval, OVSDB_EXECUTE_BLOCKED, "%s: blocks", name);
        ok(!result && !changes, "%s: no result while blocked", name);
    } else {
        json_t *r = json_deep_copy(result);

        strip_versions(r);
        is_int(retval, 0, "%s: executes", name);
        if (!ok(unify(json_object_get(c, "result"), r, bindings),
                "%s: result", name)) {
            diag_json("want", json_object_get(c, "result"));
            diag_json(" got", r);
        }
        json_decref(r);
    }

    after = dump_db(db);
    if (json_is_string(want_dump)) {
        expected = json_incref(before);
    } else if (want_dump) {
        expected = substitute(want_dump, bindings);
    } else if (want_delta) {
        json_t *delta = substitute(want_delta, bindings);

        expected = apply_delta(before, delta);
        json_decref(delta);
    }
    if (expected && !ok(json_equal(expected, after), "%s: database", name)) {
        diag_json("want", expected);
        diag_json(" got", after);
    }

    if (want_changes) {
        json_t *want = substitute(want_changes, bindings);
        json_t *got = json_deep_copy(changes);

        strip_versions(got);
        if (!ok(json_is_null(want) ? !got : (got && json_equal(want, got)),
                "%s: changes", name)) {
            diag_json("want", want);
            diag_json(" got", got);
        }
        json_decref(want);
        json_decref(got);
    }

    /* Replay the change set onto a copy of the database as it was before
     * (from its snapshot): same database, versions included -- but for
     * rows whose only changes were ephemeral, which the log leaves out,
     * versions and all. */
    if (changes) {
        struct ovsdb_db *replica = make_db(snapshot);
        json_t *log = ovsdb_db_changes_to_log(db, changes);
        json_t *a = ovsdb_db_to_json(db), *b;
        bool all_logged = count_rows(log) == count_rows(changes);
        char *err = NULL;

        if (!ok(!ovsdb_db_apply_changes(replica, log, NULL, &err),
                "%s: change set replays", name)) {
            diag_msg("%s", err);
            g_free(err);
        }
        b = ovsdb_db_to_json(replica);
        if (!all_logged) {
            strip_versions(a);
            strip_versions(b);
        }
        ok(json_equal(a, b), "%s: replay gives the same database%s", name,
           all_logged ? "" : " (but for ephemeral-only rows' _version)");
        json_decref(a);
        json_decref(b);
        json_decref(log);
        ovsdb_db_destroy(replica);
    }

    json_decref(expected);
    json_decref(snapshot);
    json_decref(before);
    json_decref(after);
    json_decref(result);
    json_decref(changes);
    g_hash_table_destroy(bindings);
    ovsdb_db_destroy(db);
}

/* ------------------------------------------------------------------------
 * Checks that do not fit the table. */

static json_t *
parse(const char *text)
{
    json_error_t error;
    json_t *json = json_loads(text, 0, &error);

    if (!json) {
        printf("Bail out! %s: %s\n", text, error.text);
        exit(1);
    }
    return json;
}

/* Executes 'text', which must succeed; returns the result. */
static json_t *
execute_ok(struct ovsdb_db *db, const char *text, json_t **changesp)
{
    json_t *params = parse(text), *result = NULL, *changes = NULL;

    ovsdb_execute(db, params, &result, &changes, NULL, NULL);
    json_decref(params);
    if (changesp) {
        *changesp = changes;
    } else {
        json_decref(changes);
    }
    return result;
}

static void
test_versions(const json_t *fixture)
{
    struct ovsdb_db *db = make_db(fixture);
    struct ovsdb_table *ports = ovsdb_db_get_table(db, "Port");
    struct ovsdb_uuid p1, v0, v1;
    json_t *result, *changes;

    ovsdb_uuid_from_string(&p1, "00000000-0000-0000-0000-00000000c001");
    v0 = *ovsdb_row_get_version(ovsdb_table_get_row(ports, &p1));

    result = execute_ok(db, "[{\"op\": \"update\", \"table\": \"Port\","
                        " \"where\": [[\"name\", \"==\", \"p1\"]],"
                        " \"row\": {\"tag\": 10}}]", &changes);
    ok(!changes, "versions: an update to the same value commits nothing");
    ok(ovsdb_uuid_equals(&v0, ovsdb_row_get_version(
                             ovsdb_table_get_row(ports, &p1))),
       "versions: ... and keeps the version");
    json_decref(result);

    result = execute_ok(db, "[{\"op\": \"update\", \"table\": \"Port\","
                        " \"where\": [[\"name\", \"==\", \"p1\"]],"
                        " \"row\": {\"tag\": 11}}]", &changes);
    v1 = *ovsdb_row_get_version(ovsdb_table_get_row(ports, &p1));
    ok(!ovsdb_uuid_equals(&v0, &v1), "versions: a change makes a new one");
    {
        json_t *row = json_object_get(json_object_get(
            json_object_get(changes, "Port"),
            "00000000-0000-0000-0000-00000000c001"), "old");
        json_t *new = json_object_get(json_object_get(
            json_object_get(changes, "Port"),
            "00000000-0000-0000-0000-00000000c001"), "new");
        char s0[OVSDB_UUID_LEN + 1], s1[OVSDB_UUID_LEN + 1];

        ovsdb_uuid_to_string(&v0, s0);
        ovsdb_uuid_to_string(&v1, s1);
        is_str(json_string_value(json_array_get(
                   json_object_get(row, "_version"), 1)), s0,
               "versions: changes carry the old version");
        is_str(json_string_value(json_array_get(
                   json_object_get(new, "_version"), 1)), s1,
               "versions: ... and the new one");
        is_int(json_object_size(new), 2,
               "versions: a modification reports changed columns only");
    }
    json_decref(result);
    json_decref(changes);

    /* A failed transaction keeps versions too. */
    result = execute_ok(db, "[{\"op\": \"update\", \"table\": \"Port\","
                        " \"where\": [[\"name\", \"==\", \"p1\"]],"
                        " \"row\": {\"tag\": 12}}, {\"op\": \"abort\"}]",
                        NULL);
    ok(ovsdb_uuid_equals(&v1, ovsdb_row_get_version(
                             ovsdb_table_get_row(ports, &p1))),
       "versions: an aborted change keeps the version");
    json_decref(result);
    ovsdb_db_destroy(db);
}

/* What the log keeps of ephemeral columns: nothing, and nothing at all of
 * a change that touched only them. */
static void
test_ephemeral_log(const json_t *fixture)
{
    struct ovsdb_db *db = make_db(fixture);
    json_t *result, *changes, *log, *rows, *row;
    const char *uuid;

    result = execute_ok(db, "[{\"op\": \"update\", \"table\": \"Interface\","
                        " \"where\": [[\"name\", \"==\", \"i1\"]],"
                        " \"row\": {\"link_state\": \"up\"}}]", &changes);
    ok(changes != NULL, "ephemeral: a change to an ephemeral column is one");
    log = ovsdb_db_changes_to_log(db, changes);
    is_int(json_object_size(log), 0,
           "ephemeral: ... but leaves nothing to write");
    json_decref(log);
    json_decref(changes);
    json_decref(result);

    result = execute_ok(db, "[{\"op\": \"update\", \"table\": \"Interface\","
                        " \"where\": [[\"name\", \"==\", \"i1\"]],"
                        " \"row\": {\"link_state\": \"down\","
                        " \"mtu\": 9000}}]", &changes);
    log = ovsdb_db_changes_to_log(db, changes);
    rows = json_object_get(log, "Interface");
    is_int(json_object_size(rows), 1,
           "ephemeral: with a persistent column too, the row is written");
    row = NULL;
    json_object_foreach (rows, uuid, row) {
        break;
    }
    ok(json_object_get(row, "mtu") && json_object_get(row, "_version")
       && !json_object_get(row, "link_state"),
       "ephemeral: ... its mtu and version, not its link_state");
    json_decref(log);
    json_decref(changes);
    json_decref(result);
    ovsdb_db_destroy(db);
}

static void
test_blocking(const json_t *fixture)
{
    struct ovsdb_db *db = make_db(fixture);
    json_t *params = parse("[{\"op\": \"update\", \"table\": \"Port\","
                           " \"where\": [[\"name\", \"==\", \"p1\"]],"
                           " \"row\": {\"tag\": 99}},"
                           " {\"op\": \"wait\", \"table\": \"Port\","
                           "  \"timeout\": 500,"
                           "  \"where\": [[\"name\", \"==\", \"p2\"]],"
                           "  \"columns\": [\"tag\"], \"until\": \"==\","
                           "  \"rows\": [{\"tag\": 5}]},"
                           " {\"op\": \"wait\", \"table\": \"Port\","
                           "  \"timeout\": 200, \"where\": [],"
                           "  \"columns\": [\"name\"], \"until\": \"==\","
                           "  \"rows\": []}]");
    struct ovsdb_execute_options options = { .can_block = true };
    struct ovsdb_execute_status status;
    json_t *result = NULL, *changes = NULL, *before = dump_db(db), *after;
    int retval;

    retval = ovsdb_execute(db, params, &result, &changes, &options, &status);
    is_int(retval, OVSDB_EXECUTE_BLOCKED, "blocking: unsatisfied wait blocks");
    is_int(status.timeout_msec, 500, "blocking: reports its timeout");
    after = dump_db(db);
    ok(json_equal(before, after), "blocking: database untouched");
    json_decref(after);

    /* Satisfy the first wait, run again later: the second wait blocks,
     * with the smaller timeout. */
    json_decref(execute_ok(db, "[{\"op\": \"update\", \"table\": \"Port\","
                           " \"where\": [[\"name\", \"==\", \"p2\"]],"
                           " \"row\": {\"tag\": 5}}]", NULL));
    options.elapsed_msec = 100;
    retval = ovsdb_execute(db, params, &result, &changes, &options, &status);
    is_int(retval, OVSDB_EXECUTE_BLOCKED, "blocking: next wait blocks");
    is_int(status.timeout_msec, 200, "blocking: with the least timeout");

    options.elapsed_msec = 250;
    retval = ovsdb_execute(db, params, &result, &changes, &options, &status);
    is_int(retval, 0, "blocking: completes once timed out");
    is_str(json_string_value(json_object_get(json_array_get(result, 2),
                                             "error")),
           "timed out", "blocking: ... with \"timed out\"");
    ok(!changes, "blocking: ... committing nothing");
    json_decref(result);
    json_decref(params);

    /* Without "timeout", a wait may block forever. */
    params = parse("[{\"op\": \"wait\", \"table\": \"Port\", \"where\": [],"
                   " \"columns\": [\"name\"], \"until\": \"!=\","
                   " \"rows\": [{\"name\": \"p1\"}, {\"name\": \"p2\"}]}]");
    options.elapsed_msec = 0;
    retval = ovsdb_execute(db, params, &result, &changes, &options, &status);
    is_int(retval, OVSDB_EXECUTE_BLOCKED, "blocking: no timeout blocks");
    ok(status.timeout_msec == LLONG_MAX, "blocking: ... forever");
    json_decref(params);

    is_int(ovsdb_execute(db, json_object_get(fixture, "Port"), &result,
                         &changes, NULL, NULL), -EINVAL,
           "params that are not an array are refused");
    json_decref(before);
    ovsdb_db_destroy(db);
}

static void
test_status(const json_t *fixture)
{
    struct ovsdb_db *db = make_db(fixture);
    json_t *params = parse("[{\"op\": \"comment\", \"comment\": \"one\"},"
                           " {\"op\": \"commit\", \"durable\": true},"
                           " {\"op\": \"comment\", \"comment\": \"two\"}]");
    struct ovsdb_execute_status status;
    json_t *result, *changes;

    ovsdb_execute(db, params, &result, &changes, NULL, &status);
    ok(status.durable, "status: durable commit reported");
    is_str(status.comment, "one\ntwo", "status: comments joined");
    ok(!changes, "status: read-only transaction commits nothing");
    g_free(status.comment);
    json_decref(result);
    json_decref(params);
    ovsdb_db_destroy(db);
}

static double
now_msec(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* 1,000 Port+Interface pairs added to one bridge in one transaction. */
static void
test_timing(const json_t *fixture)
{
    struct ovsdb_db *db = make_db(fixture);
    json_t *ops = json_array(), *ports = json_array();
    json_t *result, *changes;
    double start, elapsed;
    int n = 1000;

    for (int i = 0; i < n; i++) {
        char name[32], pname[32], iname[32];

        snprintf(name, sizeof name, "eth%d", i);
        snprintf(pname, sizeof pname, "port%d", i);
        snprintf(iname, sizeof iname, "iface%d", i);
        json_array_append_new(ops, json_pack(
            "{s:s, s:s, s:s, s:{s:s, s:s}}", "op", "insert",
            "table", "Interface", "uuid-name", iname,
            "row", "name", name, "type", "system"));
        json_array_append_new(ops, json_pack(
            "{s:s, s:s, s:s, s:{s:s, s:[ss]}}", "op", "insert",
            "table", "Port", "uuid-name", pname,
            "row", "name", name, "interfaces", "named-uuid", iname));
        json_array_append_new(ports, json_pack("[ss]", "named-uuid", pname));
    }
    json_array_append_new(ops, json_pack(
        "{s:s, s:s, s:[[sss]], s:[[ss[so]]]}", "op", "mutate",
        "table", "Bridge", "where", "name", "==", "br0",
        "mutations", "ports", "insert", "set", ports));

    start = now_msec();
    ovsdb_execute(db, ops, &result, &changes, NULL, NULL);
    elapsed = now_msec() - start;
    diag_msg("timing: %d Port+Interface inserts referenced from one Bridge "
             "in one transaction: %.1f ms", n, elapsed);
    is_int(ovsdb_table_count(ovsdb_db_get_table(db, "Port")), n + 2,
           "timing: all ports committed");
    is_int(ovsdb_table_count(ovsdb_db_get_table(db, "Interface")), n + 2,
           "timing: all interfaces committed");
    /* Generous: sanitizer builds are several times slower. */
    ok(elapsed < 2000, "timing: %.1f ms for %d pairs", elapsed, n);
    json_decref(result);
    json_decref(changes);

    /* Deleting them again, by emptying the bridge (garbage collection). */
    json_decref(ops);
    ops = parse("[{\"op\": \"update\", \"table\": \"Bridge\","
                " \"where\": [[\"name\", \"==\", \"br0\"]],"
                " \"row\": {\"ports\": [\"set\", []]}},"
                " {\"op\": \"delete\", \"table\": \"Watch\", \"where\": []}]");
    start = now_msec();
    ovsdb_execute(db, ops, &result, &changes, NULL, NULL);
    elapsed = now_msec() - start;
    diag_msg("timing: garbage-collecting them: %.1f ms", elapsed);
    is_int(ovsdb_table_count(ovsdb_db_get_table(db, "Port")), 0,
           "timing: all ports collected");
    json_decref(result);
    json_decref(changes);
    json_decref(ops);
    ovsdb_db_destroy(db);
}

int
main(void)
{
    json_t *file = load_json("ovsdb-txn-cases.json");
    json_t *names = json_object_get(file, "names");
    json_t *expanded = expand_names(file, names);
    json_t *fixtures = json_object_get(expanded, "fixtures");
    json_t *cases = json_object_get(expanded, "cases");
    json_t *c;
    size_t i;

    schema_json = load_json("ovsdb-test.ovsschema");
    diag_msg("%zu cases", json_array_size(cases));
    json_array_foreach (cases, i, c) {
        run_case(c, fixtures);
    }
    test_versions(json_object_get(fixtures, "base"));
    test_ephemeral_log(json_object_get(fixtures, "base"));
    test_blocking(json_object_get(fixtures, "base"));
    test_status(json_object_get(fixtures, "base"));
    test_timing(json_object_get(fixtures, "base"));

    json_decref(expanded);
    json_decref(file);
    json_decref(schema_json);
    return done_testing();
}
