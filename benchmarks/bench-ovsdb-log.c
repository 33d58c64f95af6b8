/* bench-ovsdb-log.c -- figures for the database file (vswitch/ovsdb-log.c).
 *
 *   bench-ovsdb-log [DIR]
 *
 * In a scratch directory under DIR (default $TMPDIR or /tmp), so on that
 * file system: the latency of one append, fdatasync included, over 1,000
 * records of a typical transaction's size (median and tail); the time to
 * compact to a 10 MB snapshot; and the time to read that snapshot back. */
#include <config.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "diag.h"
#include "ovsdb-log.h"
#include "util.h"

static int
compare_int64(const void *a_, const void *b_)
{
    const gint64 *a = a_, *b = b_;

    return *a < *b ? -1 : *a > *b;
}

/* A transaction of about 300 bytes: one Interface row updated. */
static json_t *
make_transaction(int i)
{
    char uuid[64];

    g_snprintf(uuid, sizeof uuid, "5e3a9c1e-0000-4000-8000-%012d", i);
    return json_pack("{s:{s:{s:s, s:s, s:I, s:[s, [[s, s]]]}}, s:s, s:I}",
                     "Interface", uuid, "name", "vif1.0", "type", "",
                     "ofport", (json_int_t) i, "external_ids", "map",
                     "xs-vif-uuid", "0b1e8a5c-7f1d-4c38-9d2e-5b0c7a1e9f33",
                     "_comment", "bench", "_date",
                     (json_int_t) (g_get_real_time() / 1000));
}

/* A snapshot whose JSON text is about 'bytes' long. */
static json_t *
make_snapshot(size_t bytes)
{
    json_t *rows = json_object();
    size_t size = 0;

    for (int i = 0; size < bytes; i++) {
        char uuid[64];
        json_t *row;
        char *text;

        g_snprintf(uuid, sizeof uuid, "7d2b4f60-0000-4000-8000-%012d", i);
        row = json_pack("{s:s, s:s, s:[s, [[s, s], [s, s]]], s:[s, []], "
                        "s:I}", "name", "vif-something", "type", "internal",
                        "external_ids", "map", "xs-network-uuid",
                        "0b1e8a5c-7f1d-4c38-9d2e-5b0c7a1e9f33", "bridge-id",
                        "xenbr0", "options", "map", "ofport",
                        (json_int_t) i);
        text = json_dumps(row, JSON_COMPACT);
        size += strlen(text) + strlen(uuid) + 4;
        free(text);
        json_object_set_new(rows, uuid, row);
    }
    return json_pack("{s:o}", "Interface", rows);
}

int
main(int argc, char *argv[])
{
    const char *base = argc > 1 ? argv[1] : g_get_tmp_dir();
    enum { N = 1000 };
    gint64 lat[N];
    struct diag *diag = diag_new();
    json_t *schema = json_pack("{s:s, s:s, s:{}}", "name", "Open_vSwitch",
                               "version", "8.3.0", "tables");
    struct ovsdb_log *log;
    json_t *snapshot, *record;
    char *dir, *path;
    gint64 t0, t1;
    int status = 1;

    set_program_name(argv[0]);
    dir = g_build_filename(base, "bench-ovsdb-log.XXXXXX", NULL);
    if (!g_mkdtemp(dir)) {
        perror(dir);
        return 1;
    }
    path = g_build_filename(dir, "conf.db", NULL);
    if (ovsdb_log_open(path, OVSDB_LOG_CREATE_EXCL, schema, &log, diag)) {
        goto out;
    }

    for (int i = 0; i < N; i++) {
        record = make_transaction(i);
        t0 = g_get_monotonic_time();
        if (ovsdb_log_append(log, record, diag)) {
            json_decref(record);
            goto out_close;
        }
        lat[i] = g_get_monotonic_time() - t0;
        json_decref(record);
    }
    qsort(lat, N, sizeof lat[0], compare_int64);
    printf("append + fdatasync, %d records of ~%" PRIu64 " bytes in %s:\n"
           "  median %.3f ms, p90 %.3f ms, p99 %.3f ms, max %.3f ms\n",
           N, (ovsdb_log_size(log) - ovsdb_log_snapshot_size(log)) / (N - 1),
           dir, lat[N / 2] / 1000.0, lat[N * 9 / 10] / 1000.0,
           lat[N * 99 / 100] / 1000.0, lat[N - 1] / 1000.0);

    snapshot = make_snapshot(10 * 1000 * 1000);
    t0 = g_get_monotonic_time();
    if (ovsdb_log_compact(log, snapshot, diag)) {
        json_decref(snapshot);
        goto out_close;
    }
    t1 = g_get_monotonic_time();
    printf("compact to a snapshot of %" PRIu64 " bytes (%zu rows): "
           "%.1f ms\n", ovsdb_log_size(log),
           json_object_size(json_object_get(snapshot, "Interface")),
           (t1 - t0) / 1000.0);
    json_decref(snapshot);
    ovsdb_log_close(log);

    t0 = g_get_monotonic_time();
    if (ovsdb_log_open(path, OVSDB_LOG_READ_ONLY, NULL, &log, diag)) {
        goto out;
    }
    if (ovsdb_log_read_next(log, &record, diag) || !record) {
        goto out_close;
    }
    t1 = g_get_monotonic_time();
    printf("open and read the snapshot back: %.1f ms\n", (t1 - t0) / 1000.0);
    json_decref(record);
    status = 0;

out_close:
    ovsdb_log_close(log);
out:
    diag_print(diag, stderr, program_name());
    g_unlink(path);
    g_rmdir(dir);
    g_free(path);
    g_free(dir);
    json_decref(schema);
    diag_free(diag);
    return status;
}
