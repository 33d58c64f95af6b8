/* fuzz-ovsdb-txn.c -- fuzz target for the transaction layer of the OVSDB
 * engine (vswitch/ovsdb-txn.c on vswitch/ovsdb-db.c and ovsdb-data.c):
 * what a client's "transact" request reaches once the JSON-RPC framing
 * (tests/fuzz-jsonrpc.c) has delivered it.
 *
 * The input is JSON text: the "transact" params without the database name
 * (an array of operations).  Inputs over 64 KiB or nested deeper than 32
 * are refused before parsing.  The request runs through ovsdb_execute() on
 * a fresh database of our schema (vswitch/vswitch.ovsschema, read once:
 * $OVSDB_FUZZ_SCHEMA, else the source tree's copy compiled in as
 * FUZZ_SCHEMA_PATH) holding a small fixture (one switch, bridge br0 with
 * ports br0 and eth0, their interfaces; fixed UUIDs 00000000-...-0000000000NN,
 * see the seeds in tests/fuzz/ovsdb-txn/).  New rows get predictable UUIDs,
 * so every run is reproducible.  The target aborts, so that libFuzzer
 * records the input, if:
 *
 *   - ovsdb_execute() returns something other than 0, or -EINVAL for
 *     params that are not an array;
 *   - the result is not an array of one element per operation (plus at
 *     most one trailing error), or has an error but changes were returned;
 *   - nothing was committed, yet the database changed;
 *   - the change set, replayed through ovsdb_db_changes_to_log() and
 *     ovsdb_db_apply_changes() onto a copy of the database as it was
 *     before, does not give the same database (versions included);
 *   - the database, dumped by ovsdb_db_to_json() and loaded into a fresh
 *     database, does not dump the same.
 *
 * Crashes, sanitizer reports and leaks are found by the sanitizers.
 * tests/fuzz/run-fuzzer.sh links this file with libFuzzer;
 * tests/fuzz-replay.c links it into tests/fuzz-ovsdb-txn-replay, which
 * replays tests/fuzz/ovsdb-txn/ under `make check`. */
#include <config.h>

#include <errno.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ovsdb-db.h"
#include "ovsdb-schema.h"
#include "ovsdb-txn.h"
#include "util.h"

#ifndef FUZZ_SCHEMA_PATH
#define FUZZ_SCHEMA_PATH "vswitch/vswitch.ovsschema"
#endif

#define FUZZ_MAX_INPUT 65536
#define FUZZ_MAX_DEPTH 32

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The fixture, in the log form of vswitch/ovsdb-db.h. */
static const char fixture_text[] =
    "{\"Open_vSwitch\": {\"00000000-0000-0000-0000-000000000001\":"
    "  {\"bridges\": [\"uuid\", \"00000000-0000-0000-0000-000000000010\"],"
    "   \"next_cfg\": 1, \"cur_cfg\": 1,"
    "   \"external_ids\": [\"map\", [[\"system-id\", \"host0\"]]]}},"
    " \"Bridge\": {\"00000000-0000-0000-0000-000000000010\":"
    "  {\"name\": \"br0\", \"fail_mode\": \"secure\","
    "   \"ports\": [\"set\", [[\"uuid\", \"00000000-0000-0000-0000-000000000020\"],"
    "                       [\"uuid\", \"00000000-0000-0000-0000-000000000021\"]]],"
    "   \"other_config\": [\"map\", [[\"hwaddr\", \"00:16:3e:00:00:01\"]]]}},"
    " \"Port\": {"
    "  \"00000000-0000-0000-0000-000000000020\":"
    "  {\"name\": \"br0\","
    "   \"interfaces\": [\"uuid\", \"00000000-0000-0000-0000-000000000030\"]},"
    "  \"00000000-0000-0000-0000-000000000021\":"
    "  {\"name\": \"eth0\", \"tag\": 10,"
    "   \"interfaces\": [\"uuid\", \"00000000-0000-0000-0000-000000000031\"]}},"
    " \"Interface\": {"
    "  \"00000000-0000-0000-0000-000000000030\":"
    "  {\"name\": \"br0\", \"type\": \"internal\"},"
    "  \"00000000-0000-0000-0000-000000000031\":"
    "  {\"name\": \"eth0\", \"ofport\": 1}}}";

static json_t *schema_json;     /* Read once, kept for the process. */
static json_t *fixture;

static void NO_RETURN
fail(const char *what)
{
    fprintf(stderr, "fuzz-ovsdb-txn: %s\n", what);
    abort();
}

static void
fail_json(const char *what, const json_t *a, const json_t *b)
{
    char *sa = a ? json_dumps(a, JSON_SORT_KEYS | JSON_ENCODE_ANY) : NULL;
    char *sb = b ? json_dumps(b, JSON_SORT_KEYS | JSON_ENCODE_ANY) : NULL;

    fprintf(stderr, "fuzz-ovsdb-txn: %s\n  a: %s\n  b: %s\n", what,
            sa ? sa : "(null)", sb ? sb : "(null)");
    free(sa);
    free(sb);
    abort();
}

static void
init(void)
{
    const char *path = getenv("OVSDB_FUZZ_SCHEMA");
    json_error_t error;

    if (!path || !*path) {
        path = FUZZ_SCHEMA_PATH;
    }
    schema_json = json_load_file(path, 0, &error);
    if (!schema_json) {
        fprintf(stderr, "fuzz-ovsdb-txn: %s: %s (set OVSDB_FUZZ_SCHEMA)\n",
                path, error.text);
        exit(EXIT_FAILURE);
    }
    fixture = json_loads(fixture_text, 0, &error);
    if (!fixture) {
        fprintf(stderr, "fuzz-ovsdb-txn: fixture: %s\n", error.text);
        exit(EXIT_FAILURE);
    }
}

/* New UUIDs 10000000-0000-4000-8000-<counter>. */
static void
counter_uuid(struct ovsdb_uuid *uuid, void *counter_)
{
    unsigned long long *counter = counter_;
    char s[OVSDB_UUID_LEN + 1];

    snprintf(s, sizeof s, "10000000-0000-4000-8000-%012llx", ++*counter);
    ovsdb_uuid_from_string(uuid, s);
}

/* A database of our schema, loaded from 'contents' (log form) if
 * nonnull.  Aborts if that fails: every 'contents' given here is a dump
 * or the fixture, which must load. */
static struct ovsdb_db *
make_db(const json_t *contents, unsigned long long *counter)
{
    struct ovsdb_schema *schema;
    struct ovsdb_db *db;
    char *err = NULL;

    if (ovsdb_schema_from_json(schema_json, &schema, &err)) {
        fprintf(stderr, "fuzz-ovsdb-txn: schema: %s\n", err);
        exit(EXIT_FAILURE);
    }
    db = ovsdb_db_create(schema);
    ovsdb_db_set_uuid_generator(db, counter_uuid, counter);
    if (contents && ovsdb_db_apply_changes(db, contents, NULL, &err)) {
        fprintf(stderr, "fuzz-ovsdb-txn: load: %s\n", err);
        fail_json("a dump does not load", contents, NULL);
    }
    return db;
}

/* True if 'data' nests arrays and objects no deeper than FUZZ_MAX_DEPTH
 * (brackets inside strings do not count). */
static bool
shallow_enough(const uint8_t *data, size_t size)
{
    bool in_string = false, escaped = false;
    int depth = 0;

    for (size_t i = 0; i < size; i++) {
        uint8_t c = data[i];

        if (in_string) {
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                in_string = false;
            }
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > FUZZ_MAX_DEPTH) {
                return false;
            }
        } else if (c == ']' || c == '}') {
            depth--;
        }
    }
    return true;
}

/* For "assert": the client holds the lock named "mine", and no other. */
static bool
lock_held(const char *name, void *aux G_GNUC_UNUSED)
{
    return !strcmp(name, "mine");
}

/* ovsdb_db_to_json() of 'db' loads into a fresh database that dumps the
 * same. */
static void
check_round_trip(const json_t *dump)
{
    unsigned long long counter = 0;
    struct ovsdb_db *copy = make_db(dump, &counter);
    json_t *again = ovsdb_db_to_json(copy);

    if (!json_equal(dump, again)) {
        fail_json("the dump does not load back the same", dump, again);
    }
    json_decref(again);
    ovsdb_db_destroy(copy);
}

static void
check_result(const json_t *params, const json_t *result, const json_t *changes)
{
    size_t n_ops = json_array_size(params);
    size_t n = json_array_size(result);
    bool error = false;
    size_t i;
    json_t *r;

    if (!json_is_array(result) || n < n_ops || n > n_ops + 1) {
        fail_json("the result is not one element per operation", params,
                  result);
    }
    json_array_foreach (result, i, r) {
        if (json_is_object(r) && json_object_get(r, "error")) {
            if (!json_is_string(json_object_get(r, "error"))) {
                fail_json("an error without a string tag", params, result);
            }
            error = true;
        } else if (!json_is_object(r) && !(error && json_is_null(r))) {
            fail_json("a result element is neither an object nor a null "
                      "after an error", params, result);
        }
    }
    if (n == n_ops + 1 && !error) {
        fail_json("an extra result element that is no error", params, result);
    }
    if (error && changes) {
        fail_json("changes committed despite an error", result, changes);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ovsdb_execute_options options = {
        .lock_held = lock_held,
        .can_block = false,
    };
    struct ovsdb_execute_status status = { 0 };
    unsigned long long counter = 0;
    json_t *params, *result = NULL, *changes = NULL;
    json_t *before, *after;
    struct ovsdb_db *db;
    json_error_t error;
    int retval;

    if (!schema_json) {
        init();
    }
    if (size > FUZZ_MAX_INPUT || !shallow_enough(data, size)) {
        return 0;
    }
    params = json_loadb((const char *) data, size,
                        JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &error);
    if (!params) {
        return 0;
    }

    db = make_db(fixture, &counter);
    before = ovsdb_db_to_json(db);
    retval = ovsdb_execute(db, params, &result, &changes, &options, &status);
    g_free(status.comment);
    after = ovsdb_db_to_json(db);

    if (retval == -EINVAL) {
        if (json_is_array(params) || result || changes) {
            fail("-EINVAL for an array, or with a result");
        }
    } else if (retval) {
        fail("ovsdb_execute() returned neither 0 nor -EINVAL");
    } else {
        check_result(params, result, changes);
    }

    if (!changes) {
        if (!json_equal(before, after)) {
            fail_json("no change set, yet the database changed", before,
                      after);
        }
    } else {
        /* Replay the change set onto a copy of the database as it was. */
        unsigned long long replica_counter = 0;
        struct ovsdb_db *replica = make_db(before, &replica_counter);
        json_t *log = ovsdb_db_changes_to_log(db, changes);
        json_t *replayed;
        char *err = NULL;

        if (ovsdb_db_apply_changes(replica, log, NULL, &err)) {
            fprintf(stderr, "fuzz-ovsdb-txn: replay: %s\n", err);
            fail_json("the change set does not replay", changes, log);
        }
        replayed = ovsdb_db_to_json(replica);
        if (!json_equal(after, replayed)) {
            fail_json("the replayed change set gives another database",
                      after, replayed);
        }
        json_decref(replayed);
        json_decref(log);
        ovsdb_db_destroy(replica);
    }
    check_round_trip(after);

    json_decref(before);
    json_decref(after);
    json_decref(result);
    json_decref(changes);
    json_decref(params);
    ovsdb_db_destroy(db);
    return 0;
}
