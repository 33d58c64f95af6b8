/* test-log-writer.c -- the writer and the checker behind tests/log-crash.sh.
 *
 *   test-log-writer write DB [--compact-every=N] [--pad-every=N]
 *                            [--pad-bytes=N] [--count=N]
 *   test-log-writer verify DB ACKED
 *
 * `write` opens (or creates) DB read-write, replays it, and then appends
 * numbered records until killed (or --count are written): record N inserts
 * row N and deletes row N - 2 of table Counter, so the database always
 * holds rows MAX - 1 and MAX.  It prints N on standard output only after
 * ovsdb_log_append() has returned for it, i.e. once it is acknowledged.
 * Every --pad-every'th record carries --pad-bytes of padding, so that a
 * kill can land in the middle of one write; every --compact-every'th append
 * is followed by a compaction, so that kills land in those too.
 *
 * `verify` replays DB read-only and checks that the file loads (a torn tail
 * is allowed), that every record after the first adds exactly the next
 * number, that the rows are exactly MAX - 1 and MAX, and that MAX >= ACKED:
 * no acknowledged record was lost.  Exit status 0 if so, 1 if not. */
#include <config.h>

#include <getopt.h>
#include <glib.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "ovsdb-log.h"
#include "util.h"

static void
row_uuid(char *buf, size_t size, long long n)
{
    g_snprintf(buf, size, "00000000-0000-4000-8000-%012lld", n);
}

/* Applies 'record' to 'state' (table/uuid entries replace, null deletes). */
static void
merge(json_t *state, const json_t *record)
{
    const char *table, *uuid;
    json_t *rows, *row;

    json_object_foreach ((json_t *) record, table, rows) {
        json_t *dst;

        if (table[0] == '_' || !json_is_object(rows)) {
            continue;
        }
        dst = json_object_get(state, table);
        if (!dst) {
            dst = json_object();
            json_object_set_new(state, table, dst);
        }
        json_object_foreach (rows, uuid, row) {
            if (json_is_null(row)) {
                json_object_del(dst, uuid);
            } else {
                json_object_set(dst, uuid, row);
            }
        }
    }
}

/* Checks that 'state' holds exactly rows MAX - 1 and MAX (or none).
 * Returns MAX (0 for none) or -1 with a message on stderr. */
static long long
check_state(const json_t *state, const char *db, uint64_t index)
{
    const json_t *rows = json_object_get(state, "Counter");
    long long max = 0;
    const char *uuid;
    char prev[64];
    json_t *row;
    size_t want;

    json_object_foreach ((json_t *) rows, uuid, row) {
        long long n = json_integer_value(json_object_get(row, "n"));
        char expect[64];

        row_uuid(expect, sizeof expect, n);
        if (n < 1 || strcmp(uuid, expect)) {
            fprintf(stderr, "%s: record %" PRIu64 ": row %s holds n=%lld\n",
                    db, index, uuid, n);
            return -1;
        }
        max = MAX(max, n);
    }
    want = max >= 2 ? 2 : max;
    row_uuid(prev, sizeof prev, max - 1);
    if (json_object_size(rows) != want
        || (max >= 2 && !json_object_get(rows, prev))) {
        fprintf(stderr, "%s: after record %" PRIu64 " the rows are not "
                "exactly %lld and %lld\n", db, index, max - 1, max);
        return -1;
    }
    return max;
}

/* Replays 'log' into a new state.  Returns the largest number or -1. */
static long long
replay(struct ovsdb_log *log, json_t **statep)
{
    const char *db = ovsdb_log_get_name(log);
    struct diag *diag = diag_new();
    json_t *state = json_object();
    long long max = 0;
    uint64_t index = 0;

    for (;;) {
        json_t *record;
        long long new_max;

        if (ovsdb_log_read_next(log, &record, diag)) {
            max = -1;
            break;
        }
        if (!record) {
            break;
        }
        index++;
        merge(state, record);
        json_decref(record);
        new_max = check_state(state, db, index);
        if (new_max < 0) {
            max = -1;
            break;
        }
        if (index > 1 && new_max != max + 1) {
            fprintf(stderr, "%s: record %" PRIu64 " goes from %lld to %lld"
                    "\n", db, index, max, new_max);
            max = -1;
            break;
        }
        max = new_max;
    }
    diag_print(diag, stderr, program_name());
    diag_free(diag);
    if (max >= 0) {
        *statep = state;
    } else {
        json_decref(state);
    }
    return max;
}

static int
do_verify(const char *db, long long acked)
{
    struct ovsdb_log *log;
    struct diag *diag = diag_new();
    json_t *state = NULL;
    long long max;

    if (ovsdb_log_open(db, OVSDB_LOG_READ_ONLY, NULL, &log, diag)) {
        diag_print(diag, stderr, program_name());
        diag_free(diag);
        return 1;
    }
    diag_free(diag);
    max = replay(log, &state);
    ovsdb_log_close(log);
    json_decref(state);
    if (max < 0) {
        return 1;
    }
    if (max < acked) {
        fprintf(stderr, "%s: last record is %lld but %lld was acknowledged\n",
                db, max, acked);
        return 1;
    }
    printf("%lld\n", max);
    return 0;
}

static int
do_write(const char *db, int compact_every, int pad_every, int pad_bytes,
         long long count)
{
    json_t *schema = json_pack("{s:s, s:s, s:{s:{s:{s:{s:s}}}}}", "name",
                               "Counter", "version", "1.0.0", "tables",
                               "Counter", "columns", "n", "type", "integer");
    char *padding = g_strnfill(pad_bytes, 'p');
    struct diag *diag = diag_new();
    json_t *state = NULL;
    struct ovsdb_log *log;
    long long max;
    int status = 1;

    if (ovsdb_log_open(db, OVSDB_LOG_CREATE, schema, &log, diag)) {
        diag_print(diag, stderr, program_name());
        goto out_free;
    }
    max = replay(log, &state);
    if (max < 0) {
        goto out;
    }
    for (long long i = 0; !count || i < count; i++) {
        long long n = max + 1;
        char uuid[64], old[64];
        json_t *rows, *record;

        row_uuid(uuid, sizeof uuid, n);
        row_uuid(old, sizeof old, n - 2);
        rows = json_object();
        json_object_set_new(rows, uuid, json_pack("{s:I}", "n", n));
        if (pad_every && n % pad_every == 0) {
            json_object_set_new(json_object_get(rows, uuid), "pad",
                                json_string(padding));
        }
        if (n > 2) {
            json_object_set_new(rows, old, json_null());
        }
        record = json_pack("{s:o, s:s, s:I}", "Counter", rows, "_comment",
                           "test-log-writer", "_date",
                           (json_int_t) (g_get_real_time() / 1000));
        if (ovsdb_log_append(log, record, diag)) {
            json_decref(record);
            diag_print(diag, stderr, program_name());
            goto out;
        }
        merge(state, record);
        json_decref(record);
        max = n;
        printf("%lld\n", n);
        fflush(stdout);

        if (compact_every && n % compact_every == 0) {
            json_t *snapshot = json_deep_copy(state);

            json_object_set_new(snapshot, "_comment",
                                json_string("snapshot by test-log-writer"));
            if (ovsdb_log_compact(log, snapshot, diag)) {
                json_decref(snapshot);
                diag_print(diag, stderr, program_name());
                goto out;
            }
            json_decref(snapshot);
        }
    }
    status = 0;

out:
    ovsdb_log_close(log);
out_free:
    json_decref(state);
    json_decref(schema);
    diag_free(diag);
    g_free(padding);
    return status;
}

static int
parse_int(const char *s, const char *what)
{
    char *end;
    long v = strtol(s, &end, 10);

    if (*end || end == s || v < 0 || v > 100000000) {
        fprintf(stderr, "%s: bad %s \"%s\"\n", program_name(), what, s);
        exit(2);
    }
    return v;
}

int
main(int argc, char *argv[])
{
    static const struct option options[] = {
        { "compact-every", required_argument, NULL, 'c' },
        { "pad-every", required_argument, NULL, 'p' },
        { "pad-bytes", required_argument, NULL, 'b' },
        { "count", required_argument, NULL, 'n' },
        { NULL, 0, NULL, 0 },
    };
    int compact_every = 0, pad_every = 0, pad_bytes = 0;
    long long count = 0;
    int c;

    set_program_name(argv[0]);
    while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (c) {
        case 'c':
            compact_every = parse_int(optarg, "--compact-every");
            break;
        case 'p':
            pad_every = parse_int(optarg, "--pad-every");
            break;
        case 'b':
            pad_bytes = parse_int(optarg, "--pad-bytes");
            break;
        case 'n':
            count = parse_int(optarg, "--count");
            break;
        default:
            return 2;
        }
    }
    if (argc - optind == 2 && !strcmp(argv[optind], "write")) {
        return do_write(argv[optind + 1], compact_every, pad_every,
                        pad_bytes, count);
    }
    if (argc - optind == 3 && !strcmp(argv[optind], "verify")) {
        return do_verify(argv[optind + 1],
                         parse_int(argv[optind + 2], "ACKED"));
    }
    fprintf(stderr, "usage: %s write DB [--compact-every=N] [--pad-every=N] "
            "[--pad-bytes=N] [--count=N]\n"
            "       %s verify DB ACKED\n", program_name(), program_name());
    return 2;
}
