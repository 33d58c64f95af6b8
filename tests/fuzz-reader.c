/* fuzz-reader.c -- fuzz target for the network.dbcache reader.
 *
 * A libFuzzer entry point: the input is handed to dbcache_read_memory()
 * (dbcache/reader.h).  Most inputs are refused, which is fine; the target
 * only looks for crashes, sanitizer reports and leaks there.  When an
 * input is accepted, the model must survive a round trip: it is written
 * with dbcache_to_xml() (dbcache/writer.h), that output must be accepted
 * again, and writing the second model must give the same bytes.  Any
 * failure of that property aborts, so libFuzzer records the input.
 *
 * tests/fuzz/run-fuzzer.sh links this file with libFuzzer;
 * tests/fuzz-replay.c links it into tests/fuzz-reader-replay, which
 * replays the corpus in tests/fuzz/reader/ under `make check`. */
#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "diag.h"
#include "model.h"
#include "reader.h"
#include "writer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Prints 'what', the diagnostics and the document involved, and aborts. */
static void NO_RETURN
round_trip_failure(const char *what, const struct diag *diag,
                   const char *xml, size_t len)
{
    fprintf(stderr, "fuzz-reader: round trip failed: %s\n", what);
    if (diag) {
        diag_print(diag, stderr, "fuzz-reader");
    }
    fprintf(stderr, "fuzz-reader: document (%zu bytes):\n", len);
    fwrite(xml, 1, len, stderr);
    fputc('\n', stderr);
    abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct diag *diag = diag_new();
    struct dbcache *db = NULL;
    struct dbcache *db2 = NULL;
    char *xml = NULL;
    char *xml2 = NULL;
    size_t len, len2;

    if (dbcache_read_memory((const char *) data, size, "fuzz", &db, diag)) {
        goto out;
    }

    xml = dbcache_to_xml(db, &len);
    if (strlen(xml) != len) {
        round_trip_failure("writer output has a NUL byte", NULL, xml, len);
    }
    diag_clear(diag);
    if (dbcache_read_memory(xml, len, "rewritten", &db2, diag)) {
        round_trip_failure("the reader refuses the writer's output", diag,
                           xml, len);
    }
    xml2 = dbcache_to_xml(db2, &len2);
    if (len != len2 || memcmp(xml, xml2, len)) {
        fprintf(stderr, "fuzz-reader: second write (%zu bytes):\n", len2);
        fwrite(xml2, 1, len2, stderr);
        fputc('\n', stderr);
        round_trip_failure("the second write differs from the first", NULL,
                           xml, len);
    }

out:
    g_free(xml2);
    g_free(xml);
    dbcache_free(db2);
    dbcache_free(db);
    diag_free(diag);
    return 0;
}
