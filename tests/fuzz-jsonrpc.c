/* fuzz-jsonrpc.c -- fuzz target for the JSON-RPC framing of
 * vswitch/jsonrpc.c: the incremental parser and a connection's receive
 * path, which read everything a peer (a manager, any client) sends.
 *
 * The input is a byte stream as it might arrive on a connection.  It is
 * parsed five ways, and the target aborts (so that libFuzzer records the
 * input) if they disagree:
 *
 *   1. in one chunk, with the default limits: the reference;
 *   2. in chunks of pseudo-random sizes (1 byte to 128, chosen by a
 *      generator seeded from the input): the same messages, the same
 *      final error;
 *   3. with small limits (256 bytes, depth 4): the messages it accepts
 *      are a prefix of the reference's;
 *   4. each message of the reference, encoded again by
 *      jsonrpc_msg_to_string(), parses back to an equal message;
 *   5. written to a socketpair and read by jsonrpc_recv() (inputs up to
 *      32 KiB): the same messages, then the error the reference predicts
 *      (the parser's error, or end of stream inside or between messages).
 *
 * Crashes, sanitizer reports and leaks are found by the sanitizers.
 * tests/fuzz/run-fuzzer.sh links this file with libFuzzer;
 * tests/fuzz-replay.c links it into tests/fuzz-jsonrpc-replay, which
 * replays tests/fuzz/jsonrpc/ under `make check`. */
#include <config.h>

#include <errno.h>
#include <glib.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "jsonrpc.h"
#include "stream.h"
#include "util.h"

#define SOCKET_PASS_MAX 32768

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void NO_RETURN
fail(const char *what)
{
    fprintf(stderr, "fuzz-jsonrpc: %s\n", what);
    abort();
}

/* What parsing a byte stream gave. */
struct outcome {
    GPtrArray *msgs;            /* json_t *, owned. */
    int error;                  /* Parser error, or 0. */
    bool busy;                  /* Input ended inside a message. */
};

static void
outcome_init(struct outcome *o)
{
    o->msgs = g_ptr_array_new_with_free_func((GDestroyNotify) json_decref);
    o->error = 0;
    o->busy = false;
}

static void
outcome_destroy(struct outcome *o)
{
    g_ptr_array_free(o->msgs, TRUE);
}

/* A small deterministic generator (xorshift64). */
static uint64_t
next_random(uint64_t *state)
{
    uint64_t x = *state;

    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *state = x;
    return x;
}

/* Parses 'data' into 'o' with a new parser of the given limits.  Chunks
 * are all of it if 'seed' is 0, else of pseudo-random sizes. */
static void
parse_stream(const uint8_t *data, size_t size, uint64_t seed,
             size_t max_size, int max_depth, struct outcome *o)
{
    struct jsonrpc_parser *p = jsonrpc_parser_create(max_size, max_depth);
    size_t ofs = 0;

    outcome_init(o);
    while (ofs < size) {
        size_t chunk = size - ofs;
        ssize_t used;

        if (seed) {
            size_t r = 1 + next_random(&seed) % 128;

            chunk = MIN(chunk, r);
        }
        while (chunk) {
            used = jsonrpc_parser_feed(p, data + ofs, chunk);
            if (used < 0) {
                o->error = used;
                goto out;
            } else if ((size_t) used > chunk) {
                fail("parser used more bytes than it was given");
            }
            ofs += used;
            chunk -= used;
            if (jsonrpc_parser_is_done(p)) {
                json_t *msg;
                int error = jsonrpc_parser_finish(p, &msg);

                if (error) {
                    o->error = error;
                    goto out;
                }
                if (jsonrpc_msg_check(msg, NULL, NULL)) {
                    fail("parser returned an invalid message");
                }
                g_ptr_array_add(o->msgs, msg);
            } else if (!used && chunk) {
                fail("parser made no progress");
            }
        }
    }
out:
    if (o->error && !jsonrpc_parser_get_error(p)) {
        fail("parser error without a reason");
    }
    o->busy = jsonrpc_parser_is_busy(p);
    jsonrpc_parser_destroy(p);
}

static bool
same_messages(const struct outcome *a, const struct outcome *b, guint n)
{
    if (a->msgs->len < n || b->msgs->len < n) {
        return false;
    }
    for (guint i = 0; i < n; i++) {
        if (!json_equal(a->msgs->pdata[i], b->msgs->pdata[i])) {
            return false;
        }
    }
    return true;
}

/* Pass 4: every message survives encoding and parsing again. */
static void
check_round_trip(const json_t *msg)
{
    char *text = jsonrpc_msg_to_string(msg);
    struct outcome o;

    parse_stream((const uint8_t *) text, strlen(text), 0, 0, 0, &o);
    if (o.error || o.busy || o.msgs->len != 1
        || !json_equal(o.msgs->pdata[0], msg)) {
        fprintf(stderr, "fuzz-jsonrpc: re-encoded: %s\n", text);
        fail("re-encoded message does not parse back the same");
    }
    outcome_destroy(&o);
    g_free(text);
}

/* Pass 5: through a connection. */
static void
check_connection(const uint8_t *data, size_t size, const struct outcome *ref)
{
    struct jsonrpc *rpc;
    guint n = 0;
    int fds[2];
    int error;

    if (size > SOCKET_PASS_MAX
        || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds)) {
        return;
    }
    for (size_t ofs = 0; ofs < size; ) {
        ssize_t r = write(fds[1], data + ofs, size - ofs);

        if (r <= 0) {
            fail("write to socketpair failed");
        }
        ofs += r;
    }
    shutdown(fds[1], SHUT_WR);

    rpc = jsonrpc_open(stream_open_fd(fds[0], "fuzz"));
    for (;;) {
        json_t *msg;

        error = jsonrpc_recv(rpc, &msg);
        if (error == -EAGAIN) {
            continue;           /* Read limit per call; data is all there. */
        } else if (error) {
            break;
        }
        if (n >= ref->msgs->len || !json_equal(msg, ref->msgs->pdata[n])) {
            fail("connection received a different message");
        }
        n++;
        json_decref(msg);
    }
    if (n != ref->msgs->len) {
        fail("connection received fewer messages");
    }
    if (error != (ref->error ? ref->error : ref->busy ? -EPROTO : -EPIPE)) {
        fprintf(stderr, "fuzz-jsonrpc: connection error %d (%s)\n", error,
                jsonrpc_get_error(rpc));
        fail("connection ended with an unexpected error");
    }
    if (!jsonrpc_get_error(rpc)) {
        fail("connection error without a reason");
    }
    jsonrpc_close(rpc);
    close(fds[1]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct outcome ref, chunked, small;
    uint64_t seed = 0xcbf29ce484222325ULL;      /* FNV-1a of the input. */

    for (size_t i = 0; i < size; i++) {
        seed = (seed ^ data[i]) * 0x100000001b3ULL;
    }
    if (!seed) {
        seed = 1;
    }

    /* 1. */
    parse_stream(data, size, 0, 0, 0, &ref);

    /* 2. */
    parse_stream(data, size, seed, 0, 0, &chunked);
    if (chunked.error != ref.error || chunked.busy != ref.busy
        || chunked.msgs->len != ref.msgs->len
        || !same_messages(&chunked, &ref, ref.msgs->len)) {
        fail("chunked parse differs from the one-chunk parse");
    }
    outcome_destroy(&chunked);

    /* 3. */
    parse_stream(data, size, seed, 256, 4, &small);
    if (small.msgs->len > ref.msgs->len
        || !same_messages(&small, &ref, small.msgs->len)
        || (!small.error && small.msgs->len != ref.msgs->len)) {
        fail("small limits accepted what the defaults did not");
    }
    outcome_destroy(&small);

    /* 4. */
    for (guint i = 0; i < ref.msgs->len; i++) {
        check_round_trip(ref.msgs->pdata[i]);
    }

    /* 5. */
    check_connection(data, size, &ref);

    outcome_destroy(&ref);
    return 0;
}
