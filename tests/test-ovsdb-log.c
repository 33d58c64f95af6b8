/* test-ovsdb-log.c -- unit tests of vswitch/ovsdb-log.c, the database file.
 *
 * Round trips through a real file in a scratch directory; a torn last
 * record at every byte offset and a flipped byte at every position of the
 * last record; corruption in the middle; compaction and schema replacement;
 * the lock between writers; read-only opens leaving a damaged file as it
 * is; and the header checks. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <inttypes.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "diag.h"
#include "ovsdb-log.h"
#include "tap.h"

static char *scratch;

/* Stored in an out-parameter beforehand, to see whether it is written. */
static json_t *sentinel;

static char *
path_in_scratch(const char *name)
{
    return g_build_filename(scratch, name, NULL);
}

static json_t *
make_schema(void)
{
    return json_pack("{s:s, s:s, s:{s:{s:{s:{s:s}}}}}", "name", "Test",
                     "version", "1.0.0", "tables", "Counter", "columns",
                     "n", "type", "integer");
}

/* Record 'i': inserts row i, deletes row i - 2, with some padding. */
static json_t *
make_record(int i, int pad)
{
    char uuid[64], old[64];
    char *padding = g_strnfill(pad, 'x');
    json_t *rows = json_object();
    json_t *record;

    g_snprintf(uuid, sizeof uuid, "00000000-0000-0000-0000-%012d", i);
    g_snprintf(old, sizeof old, "00000000-0000-0000-0000-%012d", i - 2);
    json_object_set_new(rows, uuid, json_pack("{s:i, s:s}", "n", i, "pad",
                                              padding));
    if (i > 2) {
        json_object_set_new(rows, old, json_null());
    }
    record = json_pack("{s:o, s:s}", "Counter", rows, "_comment",
                       "test record\nwith a newline");
    g_free(padding);
    return record;
}

static GBytes *
slurp(const char *path)
{
    char *data = NULL;
    gsize len = 0;

    if (!g_file_get_contents(path, &data, &len, NULL)) {
        return g_bytes_new(NULL, 0);
    }
    return g_bytes_new_take(data, len);
}

/* Writes 'len' bytes of 'data' to 'path', replacing it. */
static void
spew(const char *path, const void *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

    if (fd < 0 || write(fd, data, len) != (ssize_t) len) {
        perror(path);
        exit(1);
    }
    close(fd);
}

static off_t
file_size(const char *path)
{
    struct stat st;

    return stat(path, &st) ? -1 : st.st_size;
}

/* Creates 'path' holding records 1..n; stores the offset of each record's
 * start in 'offsets' (n + 1 entries: the last one is the end). */
static void
make_db(const char *path, int n, int pad, uint64_t *offsets)
{
    json_t *schema = make_schema();
    struct ovsdb_log *log;

    g_unlink(path);
    if (ovsdb_log_open(path, OVSDB_LOG_CREATE_EXCL, schema, &log, NULL)) {
        fprintf(stderr, "cannot create %s\n", path);
        exit(1);
    }
    for (int i = 1; i <= n; i++) {
        json_t *record = make_record(i, pad);

        if (offsets) {
            offsets[i - 1] = ovsdb_log_size(log);
        }
        if (ovsdb_log_append(log, record, NULL)) {
            fprintf(stderr, "cannot append to %s\n", path);
            exit(1);
        }
        json_decref(record);
    }
    if (offsets) {
        offsets[n] = ovsdb_log_size(log);
    }
    ovsdb_log_close(log);
    json_decref(schema);
}

/* Is 'record' make_record(i, ...)?  (The padding is not compared.) */
static bool
record_is(const json_t *record, int i)
{
    json_t *want = make_record(i, 0);
    const json_t *want_rows = json_object_get(want, "Counter");
    const json_t *rows = json_object_get(record, "Counter");
    bool same = json_object_size(rows) == json_object_size(want_rows);
    const char *uuid;
    json_t *row;

    json_object_foreach ((json_t *) want_rows, uuid, row) {
        const json_t *got = json_object_get(rows, uuid);

        if (!got || json_is_null(got) != json_is_null(row)
            || json_integer_value(json_object_get(got, "n"))
               != json_integer_value(json_object_get(row, "n"))) {
            same = false;
        }
    }
    json_decref(want);
    return same;
}

/* Opens 'path' in 'mode' and reads every record.  Returns what the last
 * read returned (or the open's error), the number of records read in
 * '*n_read', and whether they were records 1, 2, ... in '*in_order'. */
static int
read_all(const char *path, enum ovsdb_log_mode mode, struct diag *diag,
         int *n_read, bool *in_order)
{
    struct ovsdb_log *log;
    int error;

    *n_read = 0;
    *in_order = true;
    error = ovsdb_log_open(path, mode, NULL, &log, diag);
    if (error) {
        return error;
    }
    for (;;) {
        json_t *record = NULL;

        error = ovsdb_log_read_next(log, &record, diag);
        if (error || !record) {
            break;
        }
        ++*n_read;
        if (!record_is(record, *n_read)) {
            *in_order = false;
        }
        json_decref(record);
    }
    ovsdb_log_close(log);
    return error;
}

static void
test_round_trip(void)
{
    char *path = path_in_scratch("round.db");
    json_t *schema = make_schema();
    struct diag *diag = diag_new();
    struct ovsdb_log *log = NULL;
    json_t *records[3];
    uint64_t after_first = 0;
    int error;

    diag_msg("round trip");
    error = ovsdb_log_open(path, OVSDB_LOG_CREATE_EXCL, schema, &log, diag);
    is_int(error, 0, "create a new database");
    ok(json_equal((json_t *) ovsdb_log_get_schema(log), schema),
       "the new log has the schema given");
    is_int(ovsdb_log_record_count(log), 0, "no records yet");
    is_int(ovsdb_log_size(log), file_size(path), "size is the header's");
    is_int(ovsdb_log_snapshot_size(log), 0, "no snapshot size yet");
    for (int i = 0; i < 3; i++) {
        records[i] = make_record(i + 1, 10);
        error = ovsdb_log_append(log, records[i], diag);
        if (i == 0) {
            after_first = ovsdb_log_size(log);
        }
        if (error) {
            break;
        }
    }
    is_int(error, 0, "append three records");
    is_int(ovsdb_log_record_count(log), 3, "three records counted");
    is_int(ovsdb_log_size(log), file_size(path),
           "size is the file's (%" PRIu64 " bytes)", ovsdb_log_size(log));
    is_int(ovsdb_log_snapshot_size(log), after_first,
           "snapshot size is the end of the first record");
    ovsdb_log_close(log);
    log = NULL;

    error = ovsdb_log_open(path, OVSDB_LOG_READ_ONLY, NULL, &log, diag);
    is_int(error, 0, "reopen read-only");
    ok(log && json_equal((json_t *) ovsdb_log_get_schema(log), schema),
       "the header holds the schema");
    if (log) {
        bool same = true;
        json_t *record = NULL;

        for (int i = 0; i < 3; i++) {
            error = ovsdb_log_read_next(log, &record, diag);
            same = same && !error && record
                   && json_equal(record, records[i]);
            json_decref(record);
        }
        ok(same, "the three records read back equal");
        record = sentinel;
        error = ovsdb_log_read_next(log, &record, diag);
        ok(!error && !record, "then a clean end (0, NULL)");
        error = ovsdb_log_read_next(log, &record, diag);
        ok(!error && !record, "and again at the end");
        is_int(ovsdb_log_record_count(log), 3, "three records counted");
        error = ovsdb_log_append(log, records[0], diag);
        is_int(error, -EINVAL, "append to a read-only log fails");
        ovsdb_log_close(log);
    }
    diag_clear(diag);

    error = ovsdb_log_open(path, OVSDB_LOG_CREATE_EXCL, schema, &log, diag);
    is_int(error, -EEXIST, "exclusive create of an existing file: -EEXIST");
    ok(diag_contains(diag, "round.db: cannot create: the file exists"),
       "with a message naming the file");
    diag_clear(diag);

    error = ovsdb_log_open(path, OVSDB_LOG_CREATE, schema, &log, diag);
    is_int(error, 0, "create-or-open of an existing file opens it");
    if (!error) {
        json_t *record = NULL;

        error = ovsdb_log_append(log, records[0], diag);
        is_int(error, -EINVAL, "append before reading to the end fails");
        ok(diag_contains(diag, "before reading the log to its end"),
           "and says why");
        while (!ovsdb_log_read_next(log, &record, diag) && record) {
            json_decref(record);
        }
        is_int(ovsdb_log_record_count(log), 3, "it holds the three records");
        error = ovsdb_log_append(log, sentinel, diag);
        is_int(error, -EINVAL, "a record that is not an object is refused");
        ovsdb_log_close(log);
    }
    diag_clear(diag);

    char *fresh = path_in_scratch("fresh.db");
    error = ovsdb_log_open(fresh, OVSDB_LOG_CREATE, schema, &log, diag);
    is_int(error, 0, "create-or-open of a missing file creates it");
    if (!error) {
        is_int(ovsdb_log_append(log, records[0], diag), 0,
               "and it is appendable at once");
        ovsdb_log_close(log);
    }
    g_free(fresh);

    error = ovsdb_log_open(path, OVSDB_LOG_CREATE, NULL, &log, diag);
    is_int(error, -EINVAL, "creating needs a schema object");

    for (int i = 0; i < 3; i++) {
        json_decref(records[i]);
    }
    json_decref(schema);
    diag_free(diag);
    g_free(path);
}

/* Truncates the last record at every byte offset. */
static void
test_torn_tail(void)
{
    char *orig = path_in_scratch("torn-orig.db");
    char *path = path_in_scratch("torn.db");
    struct diag *diag = diag_new();
    uint64_t offsets[4];
    GBytes *bytes;
    const char *data;
    size_t len;
    int detected = 0, dropped = 0, intact = 0, appended = 0, cuts = 0;
    int ro_unchanged = 0;
    char *want_msg;

    diag_msg("torn tail at every byte of the last record");
    make_db(orig, 3, 40, offsets);
    bytes = slurp(orig);
    data = g_bytes_get_data(bytes, &len);
    want_msg = g_strdup_printf("warning: torn last record at offset %" PRIu64,
                               offsets[2]);

    for (uint64_t cut = offsets[2] + 1; cut < offsets[3]; cut++) {
        bool in_order;
        int n_read;
        int error;

        cuts++;
        spew(path, data, cut);

        /* Read-only: reported, not modified. */
        error = read_all(path, OVSDB_LOG_READ_ONLY, diag, &n_read,
                         &in_order);
        if (!error && n_read == 2 && diag_contains(diag, want_msg)
            && diag_contains(diag, "not modified")
            && file_size(path) == (off_t) cut) {
            ro_unchanged++;
        }
        diag_clear(diag);

        /* Read-write: reported and cut off. */
        error = read_all(path, OVSDB_LOG_READ_WRITE, diag, &n_read,
                         &in_order);
        if (!error && diag_count(diag) == 1 && diag_contains(diag, want_msg)) {
            detected++;
        } else {
            diag_msg("cut at %" PRIu64 ": error %d, %zu messages", cut,
                     error, diag_count(diag));
            diag_print(diag, stdout, "# ");
        }
        if (file_size(path) == (off_t) offsets[2]) {
            dropped++;
        }
        if (n_read == 2 && in_order) {
            intact++;
        }
        diag_clear(diag);

        /* The log goes on from there. */
        struct ovsdb_log *log;
        if (!ovsdb_log_open(path, OVSDB_LOG_READ_WRITE, NULL, &log, diag)) {
            json_t *record = NULL;

            while (!ovsdb_log_read_next(log, &record, diag) && record) {
                json_decref(record);
            }
            record = make_record(3, 40);
            if (!ovsdb_log_append(log, record, diag)
                && ovsdb_log_size(log) == offsets[3]) {
                appended++;
            }
            json_decref(record);
            ovsdb_log_close(log);
        }
        if (!read_all(path, OVSDB_LOG_READ_ONLY, diag, &n_read, &in_order)
            && n_read != 3) {
            appended--;
        }
        diag_clear(diag);
    }
    ok(cuts > 100, "cut the last record at each of its %d bytes", cuts);
    is_int(detected, cuts, "a read-write open reports each cut as a torn "
           "last record, at the record's offset, as a warning");
    is_int(dropped, cuts, "and cuts the file back to the end of record 2");
    is_int(intact, cuts, "records 1 and 2 read back intact every time");
    is_int(appended, cuts, "appends after the cut land there and read back");
    is_int(ro_unchanged, cuts, "a read-only open reports the torn record and "
           "leaves the file as it is");

    /* Cut exactly at a record boundary: no warning. */
    {
        bool in_order;
        int n_read;

        spew(path, data, offsets[2]);
        is_int(read_all(path, OVSDB_LOG_READ_WRITE, diag, &n_read,
                        &in_order), 0, "a cut at a record boundary reads");
        ok(n_read == 2 && in_order && diag_count(diag) == 0,
           "as two whole records, no warning");
        diag_clear(diag);
    }

    /* Zeros after the last record, as a file system may leave. */
    {
        GByteArray *z = g_byte_array_new();
        guint8 zeros[4096] = { 0 };
        bool in_order;
        int n_read;

        g_byte_array_append(z, (const guint8 *) data, len);
        g_byte_array_append(z, zeros, sizeof zeros);
        spew(path, z->data, z->len);
        g_byte_array_free(z, TRUE);
        read_all(path, OVSDB_LOG_READ_WRITE, diag, &n_read, &in_order);
        ok(n_read == 3 && in_order && diag_count(diag) == 1
           && file_size(path) == (off_t) len,
           "zeros after the last record: a warning, cut off, 3 records");
        diag_clear(diag);
    }

    g_free(want_msg);
    g_bytes_unref(bytes);
    diag_free(diag);
    g_free(path);
    g_free(orig);
}

/* Flips a byte at every position of the last record. */
static void
test_flipped_byte(void)
{
    char *orig = path_in_scratch("flip-orig.db");
    char *path = path_in_scratch("flip.db");
    struct diag *diag = diag_new();
    uint64_t offsets[4];
    GBytes *bytes;
    const char *data;
    size_t len;
    int positions = 0, detected = 0;
    char *want_msg;

    diag_msg("a flipped byte in the last record");
    make_db(orig, 3, 20, offsets);
    bytes = slurp(orig);
    data = g_bytes_get_data(bytes, &len);
    want_msg = g_strdup_printf("warning: torn last record at offset %" PRIu64,
                               offsets[2]);
    for (uint64_t pos = offsets[2]; pos < offsets[3]; pos++) {
        char *copy = g_memdup2(data, len);
        bool in_order;
        int n_read;
        int error;

        copy[pos] ^= 0x01;
        spew(path, copy, len);
        g_free(copy);
        positions++;
        error = read_all(path, OVSDB_LOG_READ_ONLY, diag, &n_read,
                         &in_order);
        if (!error && n_read == 2 && in_order
            && diag_contains(diag, want_msg)) {
            detected++;
        } else {
            diag_msg("flip at %" PRIu64 " not detected", pos);
        }
        diag_clear(diag);
    }
    is_int(detected, positions, "a flipped byte at each of the last record's "
           "%d bytes is detected (the record is not returned)", positions);

    /* The detail of one: a byte of the JSON text. */
    {
        char *copy = g_memdup2(data, len);
        bool in_order;
        int n_read;

        copy[offsets[3] - 5] ^= 0x01;
        spew(path, copy, len);
        g_free(copy);
        read_all(path, OVSDB_LOG_READ_ONLY, diag, &n_read, &in_order);
        ok(diag_contains(diag, "checksum mismatch"),
           "a flip in the JSON text is a checksum mismatch");
        diag_clear(diag);
    }

    g_free(want_msg);
    g_bytes_unref(bytes);
    diag_free(diag);
    g_free(path);
    g_free(orig);
}

static void
test_middle_corruption(void)
{
    char *orig = path_in_scratch("mid-orig.db");
    char *path = path_in_scratch("mid.db");
    struct diag *diag = diag_new();
    uint64_t offsets[4];
    struct ovsdb_log *log;
    GBytes *bytes;
    const char *data;
    size_t len;
    char *copy;
    char *want_msg;
    int error;

    diag_msg("corruption in the middle");
    make_db(orig, 3, 20, offsets);
    bytes = slurp(orig);
    data = g_bytes_get_data(bytes, &len);
    copy = g_memdup2(data, len);
    copy[(offsets[1] + offsets[2]) / 2] ^= 0x01;
    spew(path, copy, len);

    error = ovsdb_log_open(path, OVSDB_LOG_READ_WRITE, NULL, &log, diag);
    is_int(error, 0, "open a file with a bad record in the middle");
    if (!error) {
        json_t *record = NULL;

        error = ovsdb_log_read_next(log, &record, diag);
        ok(!error && record, "record 1 reads");
        json_decref(record);
        record = NULL;
        error = ovsdb_log_read_next(log, &record, diag);
        is_int(error, -EBADMSG, "record 2 is an error (-EBADMSG)");
        ok(!record, "and returns no record");
        want_msg = g_strdup_printf("mid.db: corrupt record at offset %" PRIu64
                                   " (checksum mismatch), followed by a good "
                                   "record at offset %" PRIu64, offsets[1],
                                   offsets[2]);
        ok(diag_contains(diag, want_msg), "the message names the file, the "
           "bad record's offset and the good one after it");
        if (diag_count(diag)) {
            diag_msg("%s", diag_get(diag, 0));
        }
        g_free(want_msg);
        error = ovsdb_log_read_next(log, &record, diag);
        is_int(error, -EBADMSG, "reading on is still an error");
        record = json_object();
        error = ovsdb_log_append(log, record, diag);
        json_decref(record);
        is_int(error, -EBADMSG, "appending is refused");
        ovsdb_log_close(log);
    }
    is_int(file_size(path), len, "the file is not modified");

    /* A torn record in the middle (bytes missing) is corruption too. */
    {
        GByteArray *a = g_byte_array_new();
        bool in_order;
        int n_read;

        g_byte_array_append(a, (const guint8 *) data, offsets[1] + 30);
        g_byte_array_append(a, (const guint8 *) data + offsets[2],
                            len - offsets[2]);
        spew(path, a->data, a->len);
        g_byte_array_free(a, TRUE);
        diag_clear(diag);
        error = read_all(path, OVSDB_LOG_READ_WRITE, diag, &n_read,
                         &in_order);
        want_msg = g_strdup_printf("corrupt record at offset %" PRIu64,
                                   offsets[1]);
        ok(error == -EBADMSG && n_read == 1 && diag_contains(diag, want_msg),
           "a cut-short record followed by a whole one is corruption");
        g_free(want_msg);
    }

    g_free(copy);
    g_bytes_unref(bytes);
    diag_free(diag);
    g_free(path);
    g_free(orig);
}

static bool
scratch_has_temporary_files(void)
{
    GDir *dir = g_dir_open(scratch, 0, NULL);
    const char *name;
    bool found = false;

    while (dir && (name = g_dir_read_name(dir))) {
        if (name[0] == '.') {
            found = true;
        }
    }
    if (dir) {
        g_dir_close(dir);
    }
    return found;
}

static void
test_compaction(void)
{
    char *path = path_in_scratch("compact.db");
    struct diag *diag = diag_new();
    json_t *snapshot, *after, *schema2;
    struct ovsdb_log *log;
    struct stat before_st, after_st;
    char *tmp;
    int error;

    diag_msg("compaction");
    make_db(path, 20, 100, NULL);
    stat(path, &before_st);
    snapshot = json_pack("{s:{s:{s:i}}, s:s}", "Counter", "row-20", "n", 20,
                         "_comment", "snapshot");
    after = json_pack("{s:{s:{s:i}}}", "Counter", "row-21", "n", 21);

    /* A compaction file left by a crash is reused. */
    tmp = path_in_scratch(".compact.db.tmp");
    spew(tmp, "garbage", 7);

    error = ovsdb_log_open(path, OVSDB_LOG_READ_WRITE, NULL, &log, diag);
    is_int(error, 0, "open a database of 20 records");
    if (!error) {
        json_t *record = NULL;
        uint64_t compacted;

        /* Only part read: compaction does not need the rest. */
        ovsdb_log_read_next(log, &record, diag);
        json_decref(record);
        error = ovsdb_log_compact(log, snapshot, diag);
        is_int(error, 0, "compact after reading one record");
        compacted = ovsdb_log_size(log);
        is_int(compacted, file_size(path), "the size is the new file's");
        is_int(ovsdb_log_record_count(log), 1, "one record: the snapshot");
        is_int(ovsdb_log_snapshot_size(log), compacted,
               "the snapshot size is the whole file");
        stat(path, &after_st);
        ok(before_st.st_ino != after_st.st_ino, "the file was replaced");
        ok(!scratch_has_temporary_files(), "no temporary file is left "
           "(one left by an earlier crash was reused)");
        error = ovsdb_log_append(log, after, diag);
        is_int(error, 0, "append after compaction");
        ok(file_size(path) > (off_t) compacted,
           "the record lands in the new file");
        ovsdb_log_close(log);
    }

    error = ovsdb_log_open(path, OVSDB_LOG_READ_ONLY, NULL, &log, diag);
    if (!error) {
        json_t *r1 = NULL, *r2 = NULL, *r3 = sentinel;
        json_t *schema = make_schema();

        ok(json_equal((json_t *) ovsdb_log_get_schema(log), schema),
           "reopened: the header keeps the schema");
        ovsdb_log_read_next(log, &r1, diag);
        ovsdb_log_read_next(log, &r2, diag);
        ovsdb_log_read_next(log, &r3, diag);
        ok(r1 && json_equal(r1, snapshot), "then the snapshot");
        ok(r2 && json_equal(r2, after), "then the record appended after");
        ok(!r3, "then the end");
        is_int(diag_count(diag), 0, "no warnings");
        json_decref(r1);
        json_decref(r2);
        json_decref(schema);
        ovsdb_log_close(log);
    }

    /* A new schema with the snapshot (conversion). */
    schema2 = json_pack("{s:s, s:s, s:{}}", "name", "Test", "version",
                        "2.0.0", "tables");
    error = ovsdb_log_open(path, OVSDB_LOG_READ_WRITE, NULL, &log, diag);
    if (!error) {
        error = ovsdb_log_replace(log, schema2, snapshot, diag);
        is_int(error, 0, "replace the schema and the contents");
        ok(json_equal((json_t *) ovsdb_log_get_schema(log), schema2),
           "the log has the new schema");
        ovsdb_log_close(log);
    }
    error = ovsdb_log_open(path, OVSDB_LOG_READ_ONLY, NULL, &log, diag);
    if (!error) {
        ok(json_equal((json_t *) ovsdb_log_get_schema(log), schema2),
           "and so does the file");
        is_int(ovsdb_log_compact(log, snapshot, diag), -EINVAL,
               "a read-only log cannot be compacted");
        ovsdb_log_close(log);
    }

    g_free(tmp);
    json_decref(schema2);
    json_decref(snapshot);
    json_decref(after);
    diag_free(diag);
    g_free(path);
}

static void
test_locking(void)
{
    char *path = path_in_scratch("lock.db");
    struct diag *diag = diag_new();
    struct ovsdb_log *a, *b;
    json_t *snapshot = json_object();
    int error;
    pid_t pid;

    diag_msg("locking");
    make_db(path, 2, 0, NULL);
    error = ovsdb_log_open(path, OVSDB_LOG_READ_WRITE, NULL, &a, diag);
    is_int(error, 0, "first writer opens");

    error = ovsdb_log_open(path, OVSDB_LOG_READ_WRITE, NULL, &b, diag);
    is_int(error, -EAGAIN, "second writer fails with -EAGAIN");
    ok(diag_contains(diag, "lock.db: database is locked by another process"),
       "with a clear message");
    if (diag_count(diag)) {
        diag_msg("%s", diag_get(diag, 0));
    }
    diag_clear(diag);
    error = ovsdb_log_open(path, OVSDB_LOG_CREATE, snapshot, &b, diag);
    is_int(error, -EAGAIN, "create-or-open is locked out too");
    diag_clear(diag);

    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        struct ovsdb_log *c;

        _exit(ovsdb_log_open(path, OVSDB_LOG_READ_WRITE, NULL, &c, NULL)
              == -EAGAIN ? 0 : 1);
    }
    if (pid > 0) {
        int status = 0;

        waitpid(pid, &status, 0);
        ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
           "a writer in another process is locked out");
    }

    error = ovsdb_log_open(path, OVSDB_LOG_READ_ONLY, NULL, &b, diag);
    is_int(error, 0, "a reader opens while the writer holds the lock");
    ovsdb_log_close(b);

    error = ovsdb_log_compact(a, snapshot, diag);
    is_int(error, 0, "the writer compacts");
    error = ovsdb_log_open(path, OVSDB_LOG_READ_WRITE, NULL, &b, diag);
    is_int(error, -EAGAIN, "the lock holds on the compacted file");
    diag_clear(diag);

    ovsdb_log_close(a);
    error = ovsdb_log_open(path, OVSDB_LOG_READ_WRITE, NULL, &b, diag);
    is_int(error, 0, "once the first writer closes, the second opens");
    ovsdb_log_close(b);

    json_decref(snapshot);
    diag_free(diag);
    g_free(path);
}

/* Writes a file whose header is 'header', framed properly. */
static void
write_framed_header(const char *path, const char *header)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    GString *s = g_string_new("XSVDB ");

    EVP_Digest(header, strlen(header), md, &md_len, EVP_sha256(), NULL);
    g_string_append_printf(s, "%zu ", strlen(header));
    for (unsigned int i = 0; i < md_len; i++) {
        g_string_append_printf(s, "%02x", md[i]);
    }
    g_string_append_printf(s, "\n%s\n", header);
    spew(path, s->str, s->len);
    g_string_free(s, TRUE);
}

static void
test_headers(void)
{
    char *path = path_in_scratch("header.db");
    struct diag *diag = diag_new();
    struct ovsdb_log *log;
    int error;

    diag_msg("headers");
    error = ovsdb_log_open(path, OVSDB_LOG_READ_ONLY, NULL, &log, diag);
    is_int(error, -ENOENT, "a missing file: -ENOENT");
    ok(diag_contains(diag, "header.db: cannot open"), "naming the file");
    diag_clear(diag);

    spew(path, "", 0);
    error = ovsdb_log_open(path, OVSDB_LOG_READ_ONLY, NULL, &log, diag);
    is_int(error, -EINVAL, "an empty file: -EINVAL");
    ok(diag_contains(diag, "empty file"), "saying it is empty");
    diag_clear(diag);

    spew(path, "{\"a\": 1}\n", 9);
    error = ovsdb_log_open(path, OVSDB_LOG_READ_ONLY, NULL, &log, diag);
    is_int(error, -EINVAL, "a JSON file: -EINVAL");
    ok(diag_contains(diag, "not an xsvdb database"), "not a database");
    diag_clear(diag);

    write_framed_header(path, "{\"format\":\"xsvdb-log\",\"version\":2,"
                        "\"schema\":{}}");
    error = ovsdb_log_open(path, OVSDB_LOG_READ_ONLY, NULL, &log, diag);
    is_int(error, -EPROTONOSUPPORT, "a newer format version is refused");
    ok(diag_contains(diag, "format version 2 is newer"), "and says so");
    diag_clear(diag);

    write_framed_header(path, "{\"format\":\"other\",\"version\":1,"
                        "\"schema\":{}}");
    error = ovsdb_log_open(path, OVSDB_LOG_READ_ONLY, NULL, &log, diag);
    is_int(error, -EINVAL, "another format is refused");
    diag_clear(diag);

    write_framed_header(path, "{\"format\":\"xsvdb-log\",\"version\":1,"
                        "\"schema\":{\"name\":\"S\"}}");
    error = ovsdb_log_open(path, OVSDB_LOG_READ_ONLY, NULL, &log, diag);
    is_int(error, 0, "a hand-made version 1 header opens");
    if (!error) {
        is_str(json_string_value(json_object_get(ovsdb_log_get_schema(log),
                                                 "name")), "S",
               "and its schema reads");
        ovsdb_log_close(log);
    }

    write_framed_header(path, "{\"format\":\"xsvdb-log\",\"version\":1,"
                        "\"schema\":{}}");
    {
        GBytes *b = slurp(path);
        gsize len = g_bytes_get_size(b);
        char *copy = g_memdup2(g_bytes_get_data(b, NULL), len);

        copy[len - 3] ^= 0x01;
        spew(path, copy, len);
        g_free(copy);
        g_bytes_unref(b);
    }
    error = ovsdb_log_open(path, OVSDB_LOG_READ_WRITE, NULL, &log, diag);
    is_int(error, -EBADMSG, "a damaged header is an error, never dropped");
    ok(diag_contains(diag, "corrupt header record at offset 0"),
       "naming offset 0");
    diag_clear(diag);

    diag_free(diag);
    g_free(path);
}

static void
remove_scratch(void)
{
    GDir *dir = g_dir_open(scratch, 0, NULL);
    const char *name;

    while (dir && (name = g_dir_read_name(dir))) {
        char *p = path_in_scratch(name);

        g_unlink(p);
        g_free(p);
    }
    if (dir) {
        g_dir_close(dir);
    }
    g_rmdir(scratch);
}

int
main(void)
{
    scratch = g_dir_make_tmp("test-ovsdb-log.XXXXXX", NULL);
    if (!scratch) {
        skip_all("cannot make a scratch directory");
    }
    sentinel = json_string("sentinel");
    test_round_trip();
    test_torn_tail();
    test_flipped_byte();
    test_middle_corruption();
    test_compaction();
    test_locking();
    test_headers();
    remove_scratch();
    g_free(scratch);
    json_decref(sentinel);
    return done_testing();
}
