/* ovsdb-log.c -- the database file as a log of JSON records.
 *
 * This is the storage under the configuration database: the engine hands
 * it one JSON object per committed transaction and, now and then, a
 * snapshot of the whole database; the server replays the records at start.
 * It knows nothing of tables or rows.  lib/atomic-file.h supplies the
 * write and directory-sync primitives; GLib the SHA-256.
 *
 * The file format (version 1), as ovsdb-log.h describes it:
 *
 *     XSVDB <length> <sha256>\n          one frame line per record
 *     <length bytes of JSON text>\n      compact JSON: no raw newline inside
 *
 *     record 0, the header:  {"format": "xsvdb-log", "version": 1,
 *                             "schema": <the schema JSON>}
 *     records 1...:          any JSON object, usually one transaction;
 *                            after a compaction, record 1 is the snapshot.
 *
 * <length> is 1 to 10 decimal digits (at most OVSDB_LOG_MAX_RECORD) and
 * <sha256> 64 lower-case hex digits, the digest of the JSON text alone.
 *
 * Reading walks the file with pread().  When a record is bad, the rest of
 * the file is searched for "XSVDB " starting a good record: if there is one
 * the file is corrupt in the middle (an error naming the offset); if not,
 * the bad bytes are a torn tail, cut off in read-write mode.  Appends
 * write one buffer at the end and fdatasync() it.  Files are created and
 * compacted by writing a temporary file in the same directory, syncing it,
 * and linking (creation) or renaming (compaction) it into place, then
 * syncing the directory; the temporary file is locked before it gets the
 * database's name, so the lock never lapses. */
#include <config.h>

#include "ovsdb-log.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic-file.h"
#include "diag.h"
#include "json-read.h"
#include "json-write.h"
#include "util.h"

#define MAGIC "XSVDB "
#define MAGIC_LEN (sizeof MAGIC - 1)
#define SHA256_HEX_LEN 64

/* "XSVDB " + up to 10 digits + " " + 64 hex digits + "\n". */
#define MAX_LENGTH_DIGITS 10
#define MAX_FRAME_LINE (MAGIC_LEN + MAX_LENGTH_DIGITS + 1 + SHA256_HEX_LEN + 1)

enum log_state {
    LOG_READING,                /* Records remain to be read. */
    LOG_AT_END,                 /* Read to the end; appends allowed. */
    LOG_CORRUPT,                /* A bad record in the middle. */
    LOG_BROKEN,                 /* A write or sync failed: state unknown. */
};

struct ovsdb_log {
    char *name;                 /* File name as given. */
    bool writable;              /* Opened read-write (and locked). */
    int fd;
    json_t *schema;             /* From the header. */
    enum log_state state;
    uint64_t offset;            /* End of the good part read so far. */
    uint64_t file_size;         /* Size of the file as this log knows it. */
    uint64_t n_records;         /* Records after the header. */
    uint64_t snapshot_size;     /* End of the first record after the header,
                                 * 0 if none yet. */
};

/* Where one good record is. */
struct frame {
    uint64_t body_ofs;          /* Offset of the JSON text. */
    size_t len;                 /* Its length. */
    uint64_t end;               /* Offset just past the closing newline. */
};

/* GLib's SHA-256 rather than OpenSSL's EVP: the first EVP digest
 * initialises OpenSSL's providers, which costs a server that never speaks
 * TLS about 2.5 MiB of resident memory. */
static bool
sha256_hex(const void *data, size_t len, char hex[SHA256_HEX_LEN + 1])
{
    gchar *s = g_compute_checksum_for_data(G_CHECKSUM_SHA256, data, len);
    bool ok = s && strlen(s) == SHA256_HEX_LEN;

    if (ok) {
        memcpy(hex, s, SHA256_HEX_LEN + 1);
    }
    g_free(s);
    return ok;
}

/* Reads up to 'len' bytes at 'ofs' into 'buf', retrying short reads and
 * EINTR.  Returns the number of bytes read (fewer only at end of file) or a
 * negative errno value. */
static ssize_t
pread_fully(int fd, void *buf, size_t len, uint64_t ofs)
{
    char *p = buf;
    size_t done = 0;

    while (done < len) {
        ssize_t n = pread(fd, p + done, len - done, ofs + done);

        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -errno;
        }
        if (n == 0) {
            break;
        }
        done += n;
    }
    return done;
}

static int
pwrite_fully(int fd, const void *buf, size_t len, uint64_t ofs)
{
    const char *p = buf;

    while (len > 0) {
        ssize_t n = pwrite(fd, p, len, ofs);

        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -errno;
        }
        p += n;
        len -= n;
        ofs += n;
    }
    return 0;
}

/* Appends to 's' the framed form of 'json' (an object).  Returns 0, or
 * -EINVAL if it cannot be serialised or it is too long. */
static int
frame_json(GString *s, const json_t *json)
{
    char hex[SHA256_HEX_LEN + 1];
    char *body;
    size_t len;

    body = json_write_string(json, &len);
    if (!body) {
        return -EINVAL;
    }
    if (len > OVSDB_LOG_MAX_RECORD || !sha256_hex(body, len, hex)) {
        g_free(body);
        return -EINVAL;
    }
    g_string_append_printf(s, "%s%zu %s\n", MAGIC, len, hex);
    g_string_append_len(s, body, len);
    g_string_append_c(s, '\n');
    g_free(body);
    return 0;
}

/* Parses the frame line in the 'n' bytes at 'buf'.  Returns the length of
 * the line (newline included) and stores the record length and digest, or
 * returns 0 and stores in '*why' what is wrong. */
static size_t
parse_frame_line(const char *buf, size_t n, bool at_eof, size_t *lenp,
                 char hex[SHA256_HEX_LEN + 1], const char **why)
{
    const char *p = buf + MAGIC_LEN;
    const char *end = buf + n;
    uint64_t len = 0;
    int digits = 0;

    if (memcmp(buf, MAGIC, MIN(n, MAGIC_LEN))) {
        *why = "no record marker";
        return 0;
    }
    if (!memchr(buf, '\n', n)) {
        *why = (at_eof && n < MAX_FRAME_LINE
                ? "truncated record header" : "bad record header");
        return 0;
    }
    while (p < end && g_ascii_isdigit(*p) && digits <= MAX_LENGTH_DIGITS) {
        len = len * 10 + (*p++ - '0');
        digits++;
    }
    if (!digits || digits > MAX_LENGTH_DIGITS
        || (digits > 1 && buf[MAGIC_LEN] == '0') || p >= end || *p != ' ') {
        *why = "bad record length";
        return 0;
    }
    if (len > OVSDB_LOG_MAX_RECORD) {
        *why = "record length too large";
        return 0;
    }
    p++;
    if (end - p < SHA256_HEX_LEN + 1) {
        *why = "bad record checksum field";
        return 0;
    }
    for (int i = 0; i < SHA256_HEX_LEN; i++) {
        if (!g_ascii_isxdigit(p[i]) || g_ascii_isupper(p[i])) {
            *why = "bad record checksum field";
            return 0;
        }
    }
    if (p[SHA256_HEX_LEN] != '\n') {
        *why = "bad record header";
        return 0;
    }
    memcpy(hex, p, SHA256_HEX_LEN);
    hex[SHA256_HEX_LEN] = '\0';
    *lenp = len;
    return p + SHA256_HEX_LEN + 1 - buf;
}

/* Checks the record at 'ofs'.  Returns 0 if it is good, storing where it is
 * in '*frame' and, if 'bodyp' is nonnull, its JSON text (NUL-terminated;
 * the caller g_free()s it) in '*bodyp'; 1 if it is bad, storing a
 * description in '*why'; or a negative errno value if reading failed. */
static int
check_frame(const struct ovsdb_log *log, uint64_t ofs, struct frame *frame,
            char **bodyp, const char **why)
{
    char line[MAX_FRAME_LINE];
    char want[SHA256_HEX_LEN + 1];
    char got[SHA256_HEX_LEN + 1];
    size_t line_len, len;
    char *body;
    ssize_t n;

    n = pread_fully(log->fd, line, sizeof line, ofs);
    if (n < 0) {
        return n;
    }
    line_len = parse_frame_line(line, n, n < (ssize_t) sizeof line, &len,
                                want, why);
    if (!line_len) {
        return 1;
    }
    if (ofs + line_len + len + 1 > log->file_size) {
        *why = "truncated record";
        return 1;
    }
    body = g_malloc(len + 1);
    n = pread_fully(log->fd, body, len + 1, ofs + line_len);
    if (n < 0) {
        g_free(body);
        return n;
    }
    if ((size_t) n < len + 1) {
        *why = "truncated record";
        g_free(body);
        return 1;
    }
    if (body[len] != '\n') {
        *why = "record not followed by a newline";
        g_free(body);
        return 1;
    }
    body[len] = '\0';
    if (!sha256_hex(body, len, got)) {
        g_free(body);
        return -EIO;
    }
    if (strcmp(got, want)) {
        *why = "checksum mismatch";
        g_free(body);
        return 1;
    }
    frame->body_ofs = ofs + line_len;
    frame->len = len;
    frame->end = ofs + line_len + len + 1;
    if (bodyp) {
        *bodyp = body;
    } else {
        g_free(body);
    }
    return 0;
}

/* Reads the record at 'ofs' as a JSON object.  Returns 0 and stores the
 * frame and a new reference to the object; 1 and stores what is wrong in
 * 'why' (a buffer of 'why_size' bytes); or a negative errno value. */
static int
read_record(const struct ovsdb_log *log, uint64_t ofs, struct frame *frame,
            json_t **jsonp, char *why, size_t why_size)
{
    const char *what = NULL;
    json_error_t jerr;
    char *body = NULL;
    json_t *json;
    int error;

    error = check_frame(log, ofs, frame, &body, &what);
    if (error) {
        if (error > 0) {
            g_strlcpy(why, what, why_size);
        }
        return error;
    }
    json = json_read(body, frame->len, &jerr);
    g_free(body);
    if (!json) {
        g_snprintf(why, why_size, "invalid JSON: %s", jerr.text);
        return 1;
    }
    if (!json_is_object(json)) {
        json_decref(json);
        g_strlcpy(why, "record is not a JSON object", why_size);
        return 1;
    }
    *jsonp = json;
    return 0;
}

/* Searches the file after the bad record at 'bad_ofs' for a good one.
 * Returns 1 and stores its offset in '*good_ofs', 0 if there is none, or a
 * negative errno value.
 *
 * Every "XSVDB " after 'bad_ofs' is tried, not only those at the start of a
 * line, so that a record written right after a torn one (which has no
 * newline at its end) is found.  No good frame can start inside a record's
 * JSON text: "XSVDB " there is inside a JSON string, and the frame line
 * would have to end in a raw newline before the string's closing quote. */
static int
find_good_record(const struct ovsdb_log *log, uint64_t bad_ofs,
                 uint64_t *good_ofs)
{
    enum { CHUNK = 65536 };
    char *buf = g_malloc(CHUNK);
    uint64_t pos = bad_ofs + 1;
    int result = 0;

    while (pos < log->file_size) {
        ssize_t n = pread_fully(log->fd, buf, CHUNK, pos);
        const char *p = buf;

        if (n < 0) {
            result = n;
            goto out;
        }
        while ((p = memmem(p, buf + n - p, MAGIC, MAGIC_LEN))) {
            uint64_t cand = pos + (p - buf);
            const char *why;
            struct frame frame;
            int error = check_frame(log, cand, &frame, NULL, &why);

            if (error <= 0) {
                if (!error) {
                    *good_ofs = cand;
                    result = 1;
                } else {
                    result = error;
                }
                goto out;
            }
            p++;
        }
        if ((size_t) n < CHUNK) {
            break;
        }
        /* Overlap the chunks so that a marker across the seam is found. */
        pos += n - (MAGIC_LEN - 1);
    }

out:
    g_free(buf);
    return result;
}

/* Reads and checks the header record.  Returns 0 or a negative errno
 * value, with a message in 'diag'. */
static int
read_header(struct ovsdb_log *log, struct diag *diag)
{
    const json_t *format, *version, *schema;
    struct frame frame;
    char why[160];
    json_t *header;
    int error;

    if (log->file_size == 0) {
        diag_add(diag, "%s: empty file: not a database", log->name);
        return -EINVAL;
    }
    error = read_record(log, 0, &frame, &header, why, sizeof why);
    if (error < 0) {
        diag_add(diag, "%s: read error at offset 0: %s", log->name,
                 g_strerror(-error));
        return error;
    }
    if (error > 0) {
        char start[MAGIC_LEN];
        ssize_t n = pread_fully(log->fd, start, MAGIC_LEN, 0);

        if (n != (ssize_t) MAGIC_LEN || memcmp(start, MAGIC, MAGIC_LEN)) {
            diag_add(diag, "%s: not an xsvdb database (no \"%.5s\" marker "
                     "at offset 0)", log->name, MAGIC);
            return -EINVAL;
        }
        diag_add(diag, "%s: corrupt header record at offset 0 (%s)",
                 log->name, why);
        return -EBADMSG;
    }

    format = json_object_get(header, "format");
    version = json_object_get(header, "version");
    schema = json_object_get(header, "schema");
    if (!json_is_string(format)
        || strcmp(json_string_value(format), OVSDB_LOG_FORMAT)) {
        diag_add(diag, "%s: header at offset 0 does not name the \"%s\" "
                 "format", log->name, OVSDB_LOG_FORMAT);
        error = -EINVAL;
    } else if (!json_is_integer(version) || json_integer_value(version) < 1) {
        diag_add(diag, "%s: header at offset 0 has no valid format version",
                 log->name);
        error = -EINVAL;
    } else if (json_integer_value(version) > OVSDB_LOG_VERSION) {
        diag_add(diag, "%s: format version %" JSON_INTEGER_FORMAT " is newer "
                 "than this program reads (%d)", log->name,
                 json_integer_value(version), OVSDB_LOG_VERSION);
        error = -EPROTONOSUPPORT;
    } else if (!json_is_object(schema)) {
        diag_add(diag, "%s: header at offset 0 holds no schema object",
                 log->name);
        error = -EINVAL;
    } else {
        log->schema = json_incref((json_t *) schema);
        log->offset = frame.end;
    }
    json_decref(header);
    return error;
}

/* Writes the header holding 'schema' and then 'snapshot' (if nonnull) to
 * 'fd', at offset 0, and fsyncs it.  Returns the number of bytes written
 * or a negative errno value, with a message in 'diag' naming 'what'. */
static int64_t
write_new_file(int fd, const char *what, const json_t *schema,
               const json_t *snapshot, struct diag *diag)
{
    GString *buf = g_string_new(NULL);
    json_t *header;
    int64_t result;
    int error;

    header = json_pack("{s:s, s:i, s:O}", "format", OVSDB_LOG_FORMAT,
                       "version", OVSDB_LOG_VERSION, "schema", schema);
    error = header ? frame_json(buf, header) : -EINVAL;
    json_decref(header);
    if (error) {
        diag_add(diag, "%s: cannot serialise the schema", what);
        goto out;
    }
    if (snapshot) {
        error = frame_json(buf, snapshot);
        if (error) {
            diag_add(diag, "%s: cannot serialise the snapshot", what);
            goto out;
        }
    }
    error = write_fully(fd, buf->str, buf->len);
    if (!error && fsync(fd) < 0) {
        error = -errno;
    }
    if (error) {
        diag_add(diag, "%s: %s", what, g_strerror(-error));
    }

out:
    result = error ? error : (int64_t) buf->len;
    g_string_free(buf, TRUE);
    return result;
}

/* Creates 'log->name' holding a header with 'schema', atomically: a locked
 * temporary file, linked into place (so an existing file is never
 * replaced).  Returns 0 with 'log' open read-write, -EEXIST if the file
 * exists (no message), or another negative errno value with a message. */
static int
create_file(struct ovsdb_log *log, const json_t *schema, struct diag *diag)
{
    char *dir = g_path_get_dirname(log->name);
    char *base = g_path_get_basename(log->name);
    char *tmp = g_strdup_printf("%s/.%s.new.XXXXXX", dir, base);
    int64_t size;
    int error = 0;
    int fd;

    fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) {
        error = -errno;
        diag_add(diag, "%s: cannot create a temporary file in %s: %s",
                 log->name, dir, g_strerror(errno));
        g_free(tmp);
        tmp = NULL;
        goto out;
    }
    if (fchmod(fd, 0644) < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0) {
        error = -errno;
        diag_add(diag, "%s: %s", tmp, g_strerror(errno));
        goto out;
    }
    size = write_new_file(fd, tmp, schema, NULL, diag);
    if (size < 0) {
        error = size;
        goto out;
    }
    if (link(tmp, log->name) < 0) {
        error = -errno;
        if (errno != EEXIST) {
            diag_add(diag, "%s: cannot create: %s", log->name,
                     g_strerror(errno));
        }
        goto out;
    }
    error = fsync_directory(dir);
    if (error) {
        diag_add(diag, "%s: cannot sync directory: %s", dir,
                 g_strerror(-error));
        unlink(log->name);
        goto out;
    }
    log->fd = fd;
    log->file_size = size;
    fd = -1;

out:
    if (tmp) {
        unlink(tmp);
    }
    if (fd >= 0) {
        close(fd);
    }
    g_free(tmp);
    g_free(base);
    g_free(dir);
    return error;
}

/* Opens and locks an existing file for 'log'.  Returns 0 or a negative
 * errno value with a message. */
static int
open_file(struct ovsdb_log *log, struct diag *diag)
{
    /* A compaction by another process may rename a new file over the one
     * just opened: then the lock was taken on a file that is no longer the
     * database, and the open is tried again. */
    for (int attempt = 0; attempt < 10; attempt++) {
        struct stat fd_st, path_st;
        int fd;

        fd = open(log->name, (log->writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);
        if (fd < 0) {
            int error = -errno;

            diag_add(diag, "%s: cannot open: %s", log->name,
                     g_strerror(errno));
            return error;
        }
        if (fstat(fd, &fd_st) < 0) {
            int error = -errno;

            diag_add(diag, "%s: %s", log->name, g_strerror(errno));
            close(fd);
            return error;
        }
        if (!S_ISREG(fd_st.st_mode)) {
            diag_add(diag, "%s: not a regular file", log->name);
            close(fd);
            return -EINVAL;
        }
        if (!log->writable) {
            log->fd = fd;
            log->file_size = fd_st.st_size;
            return 0;
        }
        if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
            int error = -errno;

            if (errno == EWOULDBLOCK) {
                diag_add(diag, "%s: database is locked by another process "
                         "(is another server using it?)", log->name);
            } else {
                diag_add(diag, "%s: cannot lock: %s", log->name,
                         g_strerror(errno));
            }
            close(fd);
            return error;
        }
        if (stat(log->name, &path_st) == 0 && path_st.st_dev == fd_st.st_dev
            && path_st.st_ino == fd_st.st_ino) {
            log->fd = fd;
            log->file_size = fd_st.st_size;
            return 0;
        }
        close(fd);
    }
    diag_add(diag, "%s: the file keeps being replaced while opening it",
             log->name);
    return -EAGAIN;
}

int
ovsdb_log_open(const char *path, enum ovsdb_log_mode mode,
               const json_t *schema, struct ovsdb_log **logp,
               struct diag *diag)
{
    struct ovsdb_log *log = g_new0(struct ovsdb_log, 1);
    bool create = mode == OVSDB_LOG_CREATE || mode == OVSDB_LOG_CREATE_EXCL;
    int error;

    log->name = g_strdup(path);
    log->writable = mode != OVSDB_LOG_READ_ONLY;
    log->fd = -1;
    log->state = LOG_READING;

    if (create && !json_is_object(schema)) {
        diag_add(diag, "%s: cannot create: the schema is not a JSON object",
                 path);
        error = -EINVAL;
        goto out;
    }
    if (create) {
        error = create_file(log, schema, diag);
        if (!error) {
            log->schema = json_incref((json_t *) schema);
            log->offset = log->file_size;
            log->state = LOG_AT_END;
            goto out;
        }
        if (error != -EEXIST) {
            goto out;
        }
        if (mode == OVSDB_LOG_CREATE_EXCL) {
            diag_add(diag, "%s: cannot create: the file exists", path);
            goto out;
        }
    }
    error = open_file(log, diag);
    if (!error) {
        error = read_header(log, diag);
    }

out:
    if (error) {
        ovsdb_log_close(log);
    } else {
        *logp = log;
    }
    return error;
}

void
ovsdb_log_close(struct ovsdb_log *log)
{
    if (log) {
        if (log->fd >= 0) {
            close(log->fd);
        }
        json_decref(log->schema);
        g_free(log->name);
        g_free(log);
    }
}

/* Deals with the bad record at 'log->offset': a torn tail or corruption.
 * Returns 0 (torn tail, now the end of the log) or a negative errno value,
 * with a message in 'diag' either way. */
static int
bad_record(struct ovsdb_log *log, const char *why, struct diag *diag)
{
    uint64_t bad = log->offset;
    uint64_t tail = log->file_size - bad;
    uint64_t good = 0;
    int error;

    error = find_good_record(log, bad, &good);
    if (error < 0) {
        diag_add(diag, "%s: read error after offset %" PRIu64 ": %s",
                 log->name, bad, g_strerror(-error));
        return error;
    }
    if (error > 0) {
        log->state = LOG_CORRUPT;
        diag_add(diag, "%s: corrupt record at offset %" PRIu64 " (%s), "
                 "followed by a good record at offset %" PRIu64 ": the "
                 "database is damaged, not just cut short", log->name, bad,
                 why, good);
        return -EBADMSG;
    }
    if (!log->writable) {
        diag_add(diag, "%s: warning: torn last record at offset %" PRIu64
                 " (%s): %" PRIu64 " bytes ignored, file not modified "
                 "(read-only)", log->name, bad, why, tail);
    } else {
        if (ftruncate(log->fd, bad) < 0 || fdatasync(log->fd) < 0) {
            error = -errno;
            diag_add(diag, "%s: cannot cut off the torn last record at "
                     "offset %" PRIu64 ": %s", log->name, bad,
                     g_strerror(errno));
            return error;
        }
        log->file_size = bad;
        diag_add(diag, "%s: warning: torn last record at offset %" PRIu64
                 " (%s): %" PRIu64 " bytes cut off", log->name, bad, why,
                 tail);
    }
    log->state = LOG_AT_END;
    return 0;
}

int
ovsdb_log_read_next(struct ovsdb_log *log, json_t **recordp,
                    struct diag *diag)
{
    struct frame frame;
    json_t *record;
    char why[160];
    int error;

    switch (log->state) {
    case LOG_CORRUPT:
        diag_add(diag, "%s: the log is corrupt at offset %" PRIu64,
                 log->name, log->offset);
        return -EBADMSG;
    case LOG_BROKEN:
    case LOG_AT_END:
        *recordp = NULL;
        return 0;
    case LOG_READING:
        break;
    }
    if (log->offset >= log->file_size) {
        log->state = LOG_AT_END;
        *recordp = NULL;
        return 0;
    }

    error = read_record(log, log->offset, &frame, &record, why, sizeof why);
    if (error < 0) {
        diag_add(diag, "%s: read error at offset %" PRIu64 ": %s", log->name,
                 log->offset, g_strerror(-error));
        return error;
    }
    if (error > 0) {
        error = bad_record(log, why, diag);
        if (!error) {
            *recordp = NULL;
        }
        return error;
    }
    log->offset = frame.end;
    if (++log->n_records == 1) {
        log->snapshot_size = log->offset;
    }
    *recordp = record;
    return 0;
}

int
ovsdb_log_append(struct ovsdb_log *log, const json_t *record,
                 struct diag *diag)
{
    GString *buf;
    int error;

    if (!log->writable) {
        diag_add(diag, "%s: cannot append: opened read-only", log->name);
        return -EINVAL;
    }
    switch (log->state) {
    case LOG_READING:
        diag_add(diag, "%s: cannot append before reading the log to its "
                 "end", log->name);
        return -EINVAL;
    case LOG_CORRUPT:
        diag_add(diag, "%s: cannot append: the log is corrupt at offset "
                 "%" PRIu64, log->name, log->offset);
        return -EBADMSG;
    case LOG_BROKEN:
        diag_add(diag, "%s: cannot append: an earlier write failed; reopen "
                 "the database", log->name);
        return -EIO;
    case LOG_AT_END:
        break;
    }
    if (!json_is_object(record)) {
        diag_add(diag, "%s: cannot append: the record is not a JSON object",
                 log->name);
        return -EINVAL;
    }

    buf = g_string_new(NULL);
    error = frame_json(buf, record);
    if (error) {
        diag_add(diag, "%s: cannot append: the record cannot be serialised",
                 log->name);
        goto out;
    }
    error = pwrite_fully(log->fd, buf->str, buf->len, log->offset);
    if (!error && fdatasync(log->fd) < 0) {
        error = -errno;
        /* After a failed sync the kernel may have dropped the dirty pages:
         * nothing is known about the file any more. */
        log->state = LOG_BROKEN;
    }
    if (error) {
        diag_add(diag, "%s: cannot append at offset %" PRIu64 ": %s",
                 log->name, log->offset, g_strerror(-error));
        if (ftruncate(log->fd, log->offset) < 0) {
            log->state = LOG_BROKEN;
        }
        goto out;
    }
    log->offset += buf->len;
    log->file_size = log->offset;
    if (++log->n_records == 1) {
        log->snapshot_size = log->offset;
    }

out:
    g_string_free(buf, TRUE);
    return error;
}

int
ovsdb_log_replace(struct ovsdb_log *log, const json_t *schema,
                  const json_t *snapshot, struct diag *diag)
{
    char *dir = g_path_get_dirname(log->name);
    char *base = g_path_get_basename(log->name);
    char *tmp = g_strdup_printf("%s/.%s.tmp", dir, base);
    bool renamed = false;
    struct stat st;
    int64_t size;
    int error = 0;
    int fd = -1;

    if (!log->writable) {
        diag_add(diag, "%s: cannot compact: opened read-only", log->name);
        error = -EINVAL;
        goto out;
    }
    if (!json_is_object(schema) || !json_is_object(snapshot)) {
        diag_add(diag, "%s: cannot compact: the schema and the snapshot "
                 "must be JSON objects", log->name);
        error = -EINVAL;
        goto out;
    }
    if (fstat(log->fd, &st) < 0) {
        error = -errno;
        diag_add(diag, "%s: %s", log->name, g_strerror(errno));
        goto out;
    }

    /* The lock on the database keeps other writers out, so the temporary
     * file's name can be fixed: one left by a crash is simply reused. */
    fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        error = -errno;
        diag_add(diag, "%s: cannot create: %s", tmp, g_strerror(errno));
        goto out;
    }
    if (fchmod(fd, st.st_mode & 07777) < 0
        || flock(fd, LOCK_EX | LOCK_NB) < 0) {
        error = -errno;
        diag_add(diag, "%s: %s", tmp, g_strerror(errno));
        goto out;
    }
    size = write_new_file(fd, tmp, schema, snapshot, diag);
    if (size < 0) {
        error = size;
        goto out;
    }
    if (rename(tmp, log->name) < 0) {
        error = -errno;
        diag_add(diag, "%s: cannot rename %s over it: %s", log->name, tmp,
                 g_strerror(errno));
        goto out;
    }
    renamed = true;

    /* The name now refers to the new file: switch to it whatever happens
     * next. */
    close(log->fd);
    log->fd = fd;
    fd = -1;
    if (schema != log->schema) {
        json_t *copy = json_deep_copy(schema);

        json_decref(log->schema);
        log->schema = copy;
    }
    log->state = LOG_AT_END;
    log->offset = log->file_size = log->snapshot_size = size;
    log->n_records = 1;

    error = fsync_directory(dir);
    if (error) {
        diag_add(diag, "%s: compacted, but cannot sync directory %s: %s",
                 log->name, dir, g_strerror(-error));
    }

out:
    if (fd >= 0) {
        close(fd);
    }
    if (error && !renamed) {
        unlink(tmp);
    }
    g_free(tmp);
    g_free(base);
    g_free(dir);
    return error;
}

int
ovsdb_log_compact(struct ovsdb_log *log, const json_t *snapshot,
                  struct diag *diag)
{
    return ovsdb_log_replace(log, log->schema, snapshot, diag);
}

const json_t *
ovsdb_log_get_schema(const struct ovsdb_log *log)
{
    return log->schema;
}

const char *
ovsdb_log_get_name(const struct ovsdb_log *log)
{
    return log->name;
}

uint64_t
ovsdb_log_size(const struct ovsdb_log *log)
{
    return log->offset;
}

uint64_t
ovsdb_log_record_count(const struct ovsdb_log *log)
{
    return log->n_records;
}

uint64_t
ovsdb_log_snapshot_size(const struct ovsdb_log *log)
{
    return log->snapshot_size;
}
