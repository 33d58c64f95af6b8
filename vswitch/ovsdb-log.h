/* ovsdb-log.h -- the database file: a log of committed transactions.
 *
 * The configuration database lives in one file that only ever grows by
 * whole records: a header naming the format and holding the schema, then
 * one record per committed transaction.  Each record is a JSON object that
 * this module does not interpret (the engine writes
 * {"<table>": {"<uuid>": {...} | null}, "_comment": ..., "_date": ...}).
 * ovsdb_log_append() returns only once the record is on stable storage, so
 * a server may acknowledge a transaction as soon as it returns.
 * ovsdb_log_compact() atomically replaces the whole file by the header and
 * one snapshot record.
 *
 * File format (version 1).  Every record, the header included, is framed
 * as one text line followed by the JSON text and a newline:
 *
 *     XSVDB <length> <sha256>\n
 *     <length bytes of compact JSON, holding no raw newline>\n
 *
 * <length> is the decimal byte count of the JSON text, <sha256> the 64
 * lower-case hex digits of the SHA-256 of those bytes.  The first record is
 * the header, {"format": "xsvdb-log", "version": 1, "schema": <schema>};
 * each further record is one JSON object.  JSON text written compact never
 * holds a raw newline, so no valid frame line can appear inside one.
 *
 * Crash safety.  A record whose frame, length, checksum, trailing newline
 * or JSON is wrong is "bad".  A bad record with no good record after it is
 * a torn tail -- a crash in the middle of an append -- and is reported as
 * a warning and cut off (read-write mode) or left alone (read-only mode);
 * the database is everything before it.  A bad record followed by a good
 * one is corruption and an error naming the bad record's byte offset.  A
 * database file is always created and replaced whole (temporary file,
 * fsync, rename, directory fsync), so its header is never torn.
 *
 * Locking.  A read-write open takes an exclusive flock() on the file, so two
 * servers cannot write one database; the second gets -EAGAIN and a message
 * saying so.  Read-only opens take no lock (a reader may then see an append
 * in progress as a torn tail, and says so without touching the file).
 *
 * Errors.  Functions return 0 or a negative errno value and, on failure,
 * add a message naming the file (and the byte offset, for bad records) to
 * the 'diag' passed in, which may be NULL.  Out-parameters are written only
 * on success.  Error values: -EBADMSG corrupt data, -EINVAL not a database
 * of this format or a misuse of the API, -EPROTONOSUPPORT a newer format
 * version, -EAGAIN locked by another process, -EEXIST (OVSDB_LOG_CREATE_EXCL)
 * the file exists, -EIO the log failed earlier; other values come from the
 * system calls.  The functions are not thread-safe; one log, one thread. */
#ifndef OVSDB_LOG_H
#define OVSDB_LOG_H 1

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct diag;
struct ovsdb_log;

/* The format this code writes, and the largest JSON text it reads in one
 * record (anything longer is treated as corrupt). */
#define OVSDB_LOG_FORMAT "xsvdb-log"
#define OVSDB_LOG_VERSION 1
#define OVSDB_LOG_MAX_RECORD (1024u * 1024u * 1024u)

enum ovsdb_log_mode {
    OVSDB_LOG_READ_ONLY,        /* Existing file; no lock; never modified. */
    OVSDB_LOG_READ_WRITE,       /* Existing file; locked; appendable. */
    OVSDB_LOG_CREATE,           /* Create with 'schema' if absent, else as
                                 * OVSDB_LOG_READ_WRITE. */
    OVSDB_LOG_CREATE_EXCL,      /* Create with 'schema'; -EEXIST if the file
                                 * exists. */
};

/* Opens the database file 'path' in 'mode'.  When the mode creates the file,
 * it is written with a header holding 'schema' (a JSON object, required
 * then; ignored otherwise), atomically and durably; the log keeps a
 * reference to 'schema', which nobody may change afterwards.  The header
 * of an existing file is read and checked.
 *
 * On success stores a new log in '*logp', which the caller owns
 * (ovsdb_log_close), and returns 0.  The log is then positioned at the first
 * record after the header: read the records with ovsdb_log_read_next()
 * before appending (a newly created log has none). */
int ovsdb_log_open(const char *path, enum ovsdb_log_mode mode,
                   const json_t *schema, struct ovsdb_log **logp,
                   struct diag *diag);

/* Closes 'log', releasing its lock.  Accepts NULL. */
void ovsdb_log_close(struct ovsdb_log *log);

/* Reads the next record.  On success returns 0 and stores in '*recordp' a
 * new reference to the record (the caller owns it: json_decref), or NULL at
 * the end of the log.
 *
 * A torn tail (see above) ends the log: it returns 0 with NULL and adds a
 * warning, starting with "PATH: warning:", to 'diag'; in read-write mode the
 * bad bytes have been cut off and the cut made durable.  A bad record
 * followed by a good one returns -EBADMSG (and leaves '*recordp' alone);
 * so does every later call. */
int ovsdb_log_read_next(struct ovsdb_log *log, json_t **recordp,
                        struct diag *diag);

/* Appends 'record', a JSON object (the caller keeps its reference), and
 * waits until it is on stable storage (fdatasync).  Returns 0 once it is,
 * or a negative errno value.  The log must be open read-write and read to
 * its end (-EINVAL otherwise).
 *
 * If the write or the sync fails, the log tries to cut the partial record
 * off; whether or not that works, the failed record must be treated as not
 * committed, and if the state of the file cannot be known the log refuses
 * every later append with -EIO (reopen it to recover). */
int ovsdb_log_append(struct ovsdb_log *log, const json_t *record,
                     struct diag *diag);

/* Atomically replaces the file by the header (same schema) and the single
 * record 'snapshot', a JSON object holding the whole database (the caller
 * keeps its reference).  The new file is written to a temporary file in the
 * same directory, synced, renamed over the database and the directory
 * synced; a crash at any instant leaves the old file or the new one.  The
 * log stays open, locked, for appends to the new file.  Needs read-write
 * mode, not necessarily read to the end.  Returns 0 or a negative errno
 * value; on failure before the rename the old file and log are unchanged.
 * If only the final directory sync fails, the log already refers to the new
 * file (the rename happened) and the error is still returned, since the
 * replacement may not survive a power loss. */
int ovsdb_log_compact(struct ovsdb_log *log, const json_t *snapshot,
                      struct diag *diag);

/* As ovsdb_log_compact(), but the new header holds 'schema' instead of the
 * current one: for converting a database to a new schema. */
int ovsdb_log_replace(struct ovsdb_log *log, const json_t *schema,
                      const json_t *snapshot, struct diag *diag);

/* The schema from the header.  The log keeps the reference: it lives as
 * long as the log (json_incref() to keep it longer). */
const json_t *ovsdb_log_get_schema(const struct ovsdb_log *log);

/* The file name given to ovsdb_log_open().  Owned by the log. */
const char *ovsdb_log_get_name(const struct ovsdb_log *log);

/* The size in bytes of the good part of the file: the header and every
 * record read or appended so far. */
uint64_t ovsdb_log_size(const struct ovsdb_log *log);

/* The number of records read or appended so far, not counting the header.
 * After a compaction that is 1 (the snapshot). */
uint64_t ovsdb_log_record_count(const struct ovsdb_log *log);

/* The size of the file up to the end of its first record after the header:
 * after a compaction, the header plus the snapshot.  0 until the first
 * record has been read or appended.  A server compacts when, say,
 * ovsdb_log_size() > 4 * ovsdb_log_snapshot_size() and
 * ovsdb_log_record_count() > 1000. */
uint64_t ovsdb_log_snapshot_size(const struct ovsdb_log *log);

#endif /* ovsdb-log.h */
