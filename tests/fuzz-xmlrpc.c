/* fuzz-xmlrpc.c -- fuzz target for the XML-RPC parser (dbcache/xmlrpc.c),
 * which reads everything XAPI (or anything pretending to be XAPI) sends.
 *
 * The input is parsed as a methodResponse and as a methodCall.  Refusals
 * are fine; the target looks for crashes, sanitizer reports and leaks.  An
 * accepted response must survive a round trip: encoded again, it parses to
 * an equal value (or the same fault); likewise an accepted call.  A broken
 * round trip aborts, so libFuzzer records the input.
 *
 * tests/fuzz/run-fuzzer.sh links this file with libFuzzer; tests/fuzz-replay.c
 * links it into tests/fuzz-xmlrpc-replay, which replays tests/fuzz/xmlrpc/
 * under `make check`. */
#include <config.h>

#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "xmlrpc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void NO_RETURN
fail(const char *what, const char *doc, size_t len)
{
    fprintf(stderr, "fuzz-xmlrpc: round trip failed: %s\n", what);
    fwrite(doc, 1, len, stderr);
    fprintf(stderr, "\n");
    abort();
}

static void
check_response(const char *data, size_t size)
{
    struct xmlrpc_response r = { 0 }, again = { 0 };
    char *doc;
    size_t len;

    if (xmlrpc_parse_response(data, size, &r, NULL)) {
        return;
    }
    doc = (r.is_fault
           ? xmlrpc_encode_fault(r.fault_code, r.fault_string, &len)
           : xmlrpc_encode_response(r.value, &len));
    if (xmlrpc_parse_response(doc, len, &again, NULL)) {
        fail("re-encoded response refused", doc, len);
    }
    if (r.is_fault != again.is_fault
        || (r.is_fault
            ? (r.fault_code != again.fault_code
               || strcmp(r.fault_string, again.fault_string))
            : !xmlrpc_value_equal(r.value, again.value))) {
        fail("re-encoded response differs", doc, len);
    }
    xmlrpc_response_clear(&r);
    xmlrpc_response_clear(&again);
    g_free(doc);
}

static void
check_call(const char *data, size_t size)
{
    struct xmlrpc_value *params = NULL, *params2 = NULL;
    char *method = NULL, *method2 = NULL;
    char *doc;
    size_t len;

    if (xmlrpc_parse_call(data, size, &method, &params, NULL)) {
        return;
    }
    doc = xmlrpc_encode_call(method, params->u.array.items,
                             params->u.array.n, &len);
    if (xmlrpc_parse_call(doc, len, &method2, &params2, NULL)) {
        fail("re-encoded call refused", doc, len);
    }
    if (strcmp(method, method2) || !xmlrpc_value_equal(params, params2)) {
        fail("re-encoded call differs", doc, len);
    }
    xmlrpc_value_free(params);
    xmlrpc_value_free(params2);
    g_free(method);
    g_free(method2);
    g_free(doc);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_response((const char *) data, size);
    check_call((const char *) data, size);
    return 0;
}
