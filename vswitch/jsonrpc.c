/* jsonrpc.c -- JSON-RPC 1.0 for OVSDB (see jsonrpc.h): messages, the
 * incremental parser, connections, and reconnecting sessions.
 *
 * The parser does not run jansson on every chunk that arrives: that would
 * cost time quadratic in the size of a message that arrives in many small
 * pieces.  Instead a small scanner follows strings, escapes and nesting to
 * find where each message ends, enforcing the size and depth limits as it
 * goes (so a hostile peer cannot make it buffer more than the size limit,
 * or make jansson recurse deeper than the depth limit); the complete text
 * is then parsed once by json_read() and checked as a JSON-RPC message.
 *
 * Connections sit on stream.h streams (stream.c, stream-ssl.c) and never
 * block, except the *_block() helpers for command-line tools; sessions
 * add reconnection with exponential backoff and inactivity probes for
 * active connections such as a pool's manager.  The database server and
 * the control tools are the users. */
#include <config.h>

#include "jsonrpc.h"

#include <errno.h>
#include <glib.h>
#include <limits.h>
#include <poll.h>
#include <string.h>

#include "diag.h"
#include "json-read.h"
#include "json-write.h"
#include "stream.h"
#include "util.h"

#define RX_BUFFER_SIZE 16384

/* jsonrpc_recv() reads at most this many times per call, so that one busy
 * peer cannot starve the others of a single-threaded server. */
#define MAX_READS_PER_RECV 64

/* The id of the session's inactivity probes, as Open vSwitch uses. */
#define PROBE_ID "echo"

/* Lowers '*timeout_ms' (negative: forever) to 'ms'. */
static void
lower_timeout(int *timeout_ms, int ms)
{
    if (*timeout_ms < 0 || ms < *timeout_ms) {
        *timeout_ms = ms < 0 ? 0 : ms;
    }
}

/* Messages. */

const char *
jsonrpc_msg_type_to_string(enum jsonrpc_msg_type type)
{
    switch (type) {
    case JSONRPC_REQUEST:
        return "request";
    case JSONRPC_NOTIFY:
        return "notification";
    case JSONRPC_REPLY:
        return "reply";
    case JSONRPC_ERROR:
        return "error";
    }
    return "unknown";
}

/* Sets 'key' of 'object' to 'value' (stolen), which must be valid. */
static void
set_new(json_t *object, const char *key, json_t *value)
{
    int r = json_object_set_new(object, key, value);

    g_assert(r == 0);
}

json_t *
jsonrpc_next_id(void)
{
    static json_int_t next_id;

    return json_integer(next_id++);
}

json_t *
jsonrpc_create_request(const char *method, json_t *params, json_t *id)
{
    json_t *msg = json_object();

    set_new(msg, "method", json_string(method));
    set_new(msg, "params", params ? params : json_array());
    set_new(msg, "id", id ? id : jsonrpc_next_id());
    return msg;
}

json_t *
jsonrpc_create_notify(const char *method, json_t *params)
{
    json_t *msg = json_object();

    set_new(msg, "method", json_string(method));
    set_new(msg, "params", params ? params : json_array());
    set_new(msg, "id", json_null());
    return msg;
}

json_t *
jsonrpc_create_reply(json_t *result, const json_t *id)
{
    json_t *msg = json_object();

    set_new(msg, "result", result ? result : json_null());
    set_new(msg, "error", json_null());
    set_new(msg, "id", id ? json_deep_copy(id) : json_null());
    return msg;
}

json_t *
jsonrpc_create_error(json_t *error, const json_t *id)
{
    json_t *msg = json_object();

    set_new(msg, "result", json_null());
    set_new(msg, "error", error ? error : json_null());
    set_new(msg, "id", id ? json_deep_copy(id) : json_null());
    return msg;
}

/* Member 'key' of 'msg', or NULL if it is absent or null. */
static json_t *
get_member(const json_t *msg, const char *key)
{
    json_t *value = json_object_get(msg, key);

    return json_is_null(value) ? NULL : value;
}

const char *
jsonrpc_msg_method(const json_t *msg)
{
    return json_string_value(get_member(msg, "method"));
}

json_t *
jsonrpc_msg_params(const json_t *msg)
{
    return get_member(msg, "params");
}

json_t *
jsonrpc_msg_id(const json_t *msg)
{
    return get_member(msg, "id");
}

json_t *
jsonrpc_msg_result(const json_t *msg)
{
    return get_member(msg, "result");
}

json_t *
jsonrpc_msg_error(const json_t *msg)
{
    return get_member(msg, "error");
}

/* For messages: 'key', escaped and shortened. */
static char *
quote_key(const char *key)
{
    char *escaped = g_strescape(key, NULL);

    if (strlen(escaped) > 40) {
        strcpy(escaped + 37, "...");
    }
    return escaped;
}

int
jsonrpc_msg_check(const json_t *msg, enum jsonrpc_msg_type *typep,
                  char **reasonp)
{
    /* Which members each kind must have (1) or must not have (0), in the
     * order method, params, result, error, id. */
    static const char *const names[] = {
        "method", "params", "result", "error", "id"
    };
    static const bool need[4][5] = {
        [JSONRPC_REQUEST] = { 1, 1, 0, 0, 1 },
        [JSONRPC_NOTIFY] = { 1, 1, 0, 0, 0 },
        [JSONRPC_REPLY] = { 0, 0, 1, 0, 1 },
        [JSONRPC_ERROR] = { 0, 0, 0, 1, 1 },
    };
    enum jsonrpc_msg_type type;
    json_t *members[5];
    char *reason = NULL;
    const char *key;
    json_t *value;

    if (!json_is_object(msg)) {
        reason = g_strdup("message is not a JSON object");
        goto out;
    }
    json_object_foreach ((json_t *) msg, key, value) {
        bool known = false;

        for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
            if (!strcmp(key, names[i])) {
                known = true;
                break;
            }
        }
        if (!known) {
            char *q = quote_key(key);

            reason = g_strdup_printf("message has unexpected member \"%s\"",
                                     q);
            g_free(q);
            goto out;
        }
    }
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        members[i] = get_member(msg, names[i]);
    }
    if (members[0] && !json_is_string(members[0])) {
        reason = g_strdup("\"method\" is not a string");
        goto out;
    }
    if (members[1] && !json_is_array(members[1])) {
        reason = g_strdup("\"params\" is not an array");
        goto out;
    }

    type = (members[2] ? JSONRPC_REPLY
            : members[3] ? JSONRPC_ERROR
            : members[4] ? JSONRPC_REQUEST
            : JSONRPC_NOTIFY);
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        if ((members[i] != NULL) != need[type][i]) {
            reason = g_strdup_printf("%s must%s have \"%s\"",
                                     jsonrpc_msg_type_to_string(type),
                                     need[type][i] ? "" : " not", names[i]);
            goto out;
        }
    }
    if (typep) {
        *typep = type;
    }

out:
    if (reason) {
        if (reasonp) {
            *reasonp = reason;
        } else {
            g_free(reason);
        }
        return -EPROTO;
    }
    return 0;
}

/* Appends 'msg' as compact JSON to 'array'.  Returns 0, or -EINVAL (with
 * 'array' unchanged) if it cannot be encoded. */
static int
encode_msg(const json_t *msg, GByteArray *array)
{
    return json_write(msg, array);
}

char *
jsonrpc_msg_to_string(const json_t *msg)
{
    GByteArray *array = g_byte_array_new();

    if (encode_msg(msg, array)) {
        g_byte_array_set_size(array, 0);
    }
    g_byte_array_append(array, (const guint8 *) "", 1);
    return (char *) g_byte_array_free(array, FALSE);
}

/* The incremental parser. */

struct jsonrpc_parser {
    size_t max_size;
    int max_depth;

    GByteArray *buf;            /* The current message, from its '{'. */
    int depth;                  /* Open objects and arrays. */
    bool started;               /* The current message's '{' was seen. */
    bool in_string;
    bool escape;                /* In a string, after a backslash. */
    bool done;                  /* 'buf' holds a complete message. */

    int status;                 /* 0 or a negative errno value. */
    char *error;                /* Why, if 'status'. */
};

struct jsonrpc_parser *
jsonrpc_parser_create(size_t max_size, int max_depth)
{
    struct jsonrpc_parser *p = g_new0(struct jsonrpc_parser, 1);

    p->max_size = max_size ? max_size : JSONRPC_DEFAULT_MAX_MSG_SIZE;
    p->max_depth = max_depth > 0 ? max_depth : JSONRPC_DEFAULT_MAX_DEPTH;
    p->buf = g_byte_array_new();
    return p;
}

void
jsonrpc_parser_destroy(struct jsonrpc_parser *p)
{
    if (p) {
        g_byte_array_free(p->buf, TRUE);
        g_free(p->error);
        g_free(p);
    }
}

static int PRINTF_FORMAT(3, 4)
parser_fail(struct jsonrpc_parser *p, int error, const char *fmt, ...)
{
    va_list args;

    if (!p->status) {
        p->status = error;
        va_start(args, fmt);
        p->error = g_strdup_vprintf(fmt, args);
        va_end(args);
    }
    return p->status;
}

static bool
is_json_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

ssize_t
jsonrpc_parser_feed(struct jsonrpc_parser *p, const void *data, size_t n)
{
    const unsigned char *s = data;
    size_t i = 0, start;

    if (p->status) {
        return p->status;
    } else if (p->done) {
        return 0;
    }

    if (!p->started) {
        while (i < n && is_json_space(s[i])) {
            i++;
        }
        if (i == n) {
            return n;
        }
        if (s[i] == 0x16) {
            /* The first byte of a TLS handshake record. */
            return parser_fail(p, -EPROTO, "received SSL data on a JSON-RPC "
                               "connection (is the peer using ssl:?)");
        } else if (s[i] != '{') {
            return (g_ascii_isprint(s[i])
                    ? parser_fail(p, -EPROTO, "a message must be a JSON "
                                  "object, but it starts with '%c'", s[i])
                    : parser_fail(p, -EPROTO, "a message must be a JSON "
                                  "object, but it starts with byte 0x%02x",
                                  s[i]));
        }
        p->started = true;
    }

    start = i;
    for (; i < n; i++) {
        unsigned char c = s[i];

        if (p->in_string) {
            if (p->escape) {
                p->escape = false;
            } else if (c == '\\') {
                p->escape = true;
            } else if (c == '"') {
                p->in_string = false;
            }
        } else if (c == '"') {
            p->in_string = true;
        } else if (c == '{' || c == '[') {
            if (++p->depth > p->max_depth) {
                return parser_fail(p, -EPROTO, "message nested deeper than "
                                   "%d levels", p->max_depth);
            }
        } else if (c == '}' || c == ']') {
            if (--p->depth == 0) {
                p->done = true;
                i++;
                break;
            }
        }
    }
    if (p->buf->len + (i - start) > p->max_size) {
        return parser_fail(p, -EMSGSIZE, "message longer than %zu bytes",
                           p->max_size);
    }
    g_byte_array_append(p->buf, s + start, i - start);
    return i;
}

bool
jsonrpc_parser_is_done(const struct jsonrpc_parser *p)
{
    return p->done && !p->status;
}

bool
jsonrpc_parser_is_busy(const struct jsonrpc_parser *p)
{
    return p->started;
}

const char *
jsonrpc_parser_get_error(const struct jsonrpc_parser *p)
{
    return p->error;
}

int
jsonrpc_parser_finish(struct jsonrpc_parser *p, json_t **msgp)
{
    json_error_t jerror;
    char *reason = NULL;
    json_t *msg;

    if (p->status) {
        return p->status;
    } else if (!p->done) {
        return -EAGAIN;
    }

    msg = json_read((const char *) p->buf->data, p->buf->len, &jerror);

    /* Ready for the next message; let go of a big buffer. */
    if (p->buf->len > 65536) {
        g_byte_array_free(p->buf, TRUE);
        p->buf = g_byte_array_new();
    } else {
        g_byte_array_set_size(p->buf, 0);
    }
    p->depth = 0;
    p->started = p->in_string = p->escape = p->done = false;

    if (!msg) {
        return parser_fail(p, -EPROTO, "invalid JSON at byte %d of the "
                           "message: %s", jerror.position, jerror.text);
    }
    if (jsonrpc_msg_check(msg, NULL, &reason)) {
        json_decref(msg);
        parser_fail(p, -EPROTO, "%s", reason);
        g_free(reason);
        return p->status;
    }
    *msgp = msg;
    return 0;
}

/* Connections. */

struct jsonrpc {
    struct stream *stream;
    struct jsonrpc_parser *parser;
    struct diag *diag;          /* The stream's messages. */

    /* Received and not yet parsed: rx[rx_ofs..rx_len). */
    unsigned char rx[RX_BUFFER_SIZE];
    size_t rx_ofs, rx_len;

    /* Backlog: tx->data[tx_ofs..tx->len). */
    GByteArray *tx;
    size_t tx_ofs;

    int status;
    char *error;
};

struct jsonrpc *
jsonrpc_open(struct stream *stream)
{
    struct jsonrpc *rpc = g_new0(struct jsonrpc, 1);

    rpc->stream = stream;
    rpc->parser = jsonrpc_parser_create(0, 0);
    rpc->diag = diag_new();
    rpc->tx = g_byte_array_new();
    return rpc;
}

void
jsonrpc_close(struct jsonrpc *rpc)
{
    if (rpc) {
        stream_close(rpc->stream);
        jsonrpc_parser_destroy(rpc->parser);
        diag_free(rpc->diag);
        g_byte_array_free(rpc->tx, TRUE);
        g_free(rpc->error);
        g_free(rpc);
    }
}

void
jsonrpc_set_limits(struct jsonrpc *rpc, size_t max_size, int max_depth)
{
    struct jsonrpc_parser *p = rpc->parser;

    p->max_size = max_size ? max_size : JSONRPC_DEFAULT_MAX_MSG_SIZE;
    p->max_depth = max_depth > 0 ? max_depth : JSONRPC_DEFAULT_MAX_DEPTH;
}

static int PRINTF_FORMAT(3, 4)
jsonrpc_fail(struct jsonrpc *rpc, int error, const char *fmt, ...)
{
    va_list args;

    if (!rpc->status) {
        rpc->status = error;
        va_start(args, fmt);
        rpc->error = g_strdup_vprintf(fmt, args);
        va_end(args);
    }
    return rpc->status;
}

/* Ends the connection with the stream's message for 'error'. */
static int
jsonrpc_stream_fail(struct jsonrpc *rpc, int error)
{
    size_t n = diag_count(rpc->diag);

    if (n) {
        return jsonrpc_fail(rpc, error, "%s", diag_get(rpc->diag, n - 1));
    }
    return jsonrpc_fail(rpc, error, "%s: %s", stream_get_name(rpc->stream),
                        g_strerror(-error));
}

void
jsonrpc_run(struct jsonrpc *rpc)
{
    while (!rpc->status && rpc->tx_ofs < rpc->tx->len) {
        int n;

        diag_clear(rpc->diag);
        n = stream_send(rpc->stream, rpc->tx->data + rpc->tx_ofs,
                        rpc->tx->len - rpc->tx_ofs, rpc->diag);
        if (n == -EAGAIN) {
            break;
        } else if (n < 0) {
            jsonrpc_stream_fail(rpc, n);
        } else {
            rpc->tx_ofs += n;
        }
    }
    if (rpc->tx_ofs == rpc->tx->len) {
        g_byte_array_set_size(rpc->tx, 0);
        rpc->tx_ofs = 0;
    } else if (rpc->tx_ofs > 65536 && rpc->tx_ofs > rpc->tx->len / 2) {
        g_byte_array_remove_range(rpc->tx, 0, rpc->tx_ofs);
        rpc->tx_ofs = 0;
    }
}

int
jsonrpc_send(struct jsonrpc *rpc, json_t *msg)
{
    int error = rpc->status;

    if (!error) {
        error = encode_msg(msg, rpc->tx);
        if (!error) {
            jsonrpc_run(rpc);
            error = rpc->status;
        }
    }
    json_decref(msg);
    return error;
}

int
jsonrpc_recv(struct jsonrpc *rpc, json_t **msgp)
{
    for (int i = 0; i < MAX_READS_PER_RECV && !rpc->status; ) {
        int n;

        if (rpc->rx_ofs < rpc->rx_len) {
            ssize_t used = jsonrpc_parser_feed(rpc->parser,
                                               rpc->rx + rpc->rx_ofs,
                                               rpc->rx_len - rpc->rx_ofs);

            if (used < 0) {
                return jsonrpc_fail(rpc, used, "%s: %s",
                                    stream_get_name(rpc->stream),
                                    jsonrpc_parser_get_error(rpc->parser));
            }
            rpc->rx_ofs += used;
            if (jsonrpc_parser_is_done(rpc->parser)) {
                json_t *msg;
                int error = jsonrpc_parser_finish(rpc->parser, &msg);

                if (error) {
                    return jsonrpc_fail(
                        rpc, error, "%s: %s", stream_get_name(rpc->stream),
                        jsonrpc_parser_get_error(rpc->parser));
                }
                *msgp = msg;
                return 0;
            }
            continue;
        }

        diag_clear(rpc->diag);
        n = stream_recv(rpc->stream, rpc->rx, sizeof rpc->rx, rpc->diag);
        i++;
        if (n == -EAGAIN) {
            return -EAGAIN;
        } else if (n < 0) {
            return jsonrpc_stream_fail(rpc, n);
        } else if (n == 0) {
            if (jsonrpc_parser_is_busy(rpc->parser)) {
                return jsonrpc_fail(rpc, -EPROTO, "%s: connection closed in "
                                    "the middle of a message",
                                    stream_get_name(rpc->stream));
            }
            return jsonrpc_fail(rpc, -EPIPE, "%s: connection closed by peer",
                                stream_get_name(rpc->stream));
        }
        rpc->rx_ofs = 0;
        rpc->rx_len = n;
    }
    return rpc->status ? rpc->status : -EAGAIN;
}

int
jsonrpc_wait_fd(const struct jsonrpc *rpc, short *events, int *timeout_ms)
{
    int want = STREAM_WAIT_RECV;

    if (rpc->status || rpc->rx_ofs < rpc->rx_len) {
        lower_timeout(timeout_ms, 0);
    }
    if (rpc->tx_ofs < rpc->tx->len) {
        want |= STREAM_WAIT_SEND;
    }
    return stream_wait_fd(rpc->stream, want, events, timeout_ms);
}

int
jsonrpc_get_status(const struct jsonrpc *rpc)
{
    return rpc->status;
}

const char *
jsonrpc_get_error(const struct jsonrpc *rpc)
{
    return rpc->error;
}

size_t
jsonrpc_get_backlog(const struct jsonrpc *rpc)
{
    return rpc->tx->len - rpc->tx_ofs;
}

const char *
jsonrpc_get_name(const struct jsonrpc *rpc)
{
    return stream_get_name(rpc->stream);
}

/* True if 'msg' is a request for method 'method'. */
static bool
is_request(const json_t *msg, const char *method)
{
    const char *m = jsonrpc_msg_method(msg);

    return m && jsonrpc_msg_id(msg) && !strcmp(m, method);
}

bool
jsonrpc_handle_echo(struct jsonrpc *rpc, const json_t *msg)
{
    json_t *params;

    if (!is_request(msg, "echo")) {
        return false;
    }
    params = jsonrpc_msg_params(msg);
    jsonrpc_send(rpc, jsonrpc_create_reply(
                     params ? json_deep_copy(params) : json_array(),
                     jsonrpc_msg_id(msg)));
    return true;
}

/* Blocking helpers. */

static long long
monotonic_ms(void)
{
    return g_get_monotonic_time() / 1000;
}

static int
clamp_ms(long long ms)
{
    return ms < 0 ? 0 : ms > INT_MAX ? INT_MAX : ms;
}

/* Waits until 'rpc' may progress or 'deadline' (negative: none) passes.
 * Returns 0 or -ETIMEDOUT. */
static int
jsonrpc_poll(struct jsonrpc *rpc, long long deadline)
{
    int timeout = -1;
    struct pollfd pfd;

    if (deadline >= 0) {
        long long now = monotonic_ms();

        if (now >= deadline) {
            return -ETIMEDOUT;
        }
        timeout = clamp_ms(deadline - now);
    }
    pfd.fd = jsonrpc_wait_fd(rpc, &pfd.events, &timeout);
    pfd.revents = 0;
    (void) poll(&pfd, 1, timeout);
    return 0;
}

static long long
deadline_of(int timeout_ms)
{
    return timeout_ms < 0 ? -1 : monotonic_ms() + timeout_ms;
}

int
jsonrpc_send_block(struct jsonrpc *rpc, json_t *msg, int timeout_ms)
{
    long long deadline = deadline_of(timeout_ms);
    int error = jsonrpc_send(rpc, msg);

    while (!error && jsonrpc_get_backlog(rpc)) {
        error = jsonrpc_poll(rpc, deadline);
        if (!error) {
            jsonrpc_run(rpc);
            error = rpc->status;
        }
    }
    return error;
}

static int
recv_block(struct jsonrpc *rpc, json_t **msgp, long long deadline)
{
    for (;;) {
        json_t *msg;
        int error;

        jsonrpc_run(rpc);
        error = jsonrpc_recv(rpc, &msg);
        if (!error) {
            if (jsonrpc_handle_echo(rpc, msg)) {
                json_decref(msg);
                continue;
            }
            *msgp = msg;
            return 0;
        } else if (error != -EAGAIN) {
            return error;
        }
        error = jsonrpc_poll(rpc, deadline);
        if (error) {
            return error;
        }
    }
}

int
jsonrpc_recv_block(struct jsonrpc *rpc, json_t **msgp, int timeout_ms)
{
    return recv_block(rpc, msgp, deadline_of(timeout_ms));
}

int
jsonrpc_transact_block(struct jsonrpc *rpc, json_t *request, json_t **replyp,
                       int timeout_ms)
{
    long long deadline = deadline_of(timeout_ms);
    json_t *id = json_incref(jsonrpc_msg_id(request));
    int error;

    error = jsonrpc_send(rpc, request);
    while (!error) {
        json_t *msg, *result;

        error = recv_block(rpc, &msg, deadline);
        if (error) {
            break;
        }
        result = jsonrpc_msg_result(msg);
        if ((result || jsonrpc_msg_error(msg))
            && json_equal(jsonrpc_msg_id(msg), id)) {
            *replyp = msg;
            break;
        }
        json_decref(msg);
    }
    json_decref(id);
    return error;
}

/* Sessions. */

enum session_state {
    SESSION_BACKOFF,            /* Waiting to (re)connect. */
    SESSION_CONNECTING,         /* 'stream' connecting. */
    SESSION_ACTIVE,             /* 'rpc' connected. */
};

struct jsonrpc_session {
    char *name;
    enum session_state state;
    struct stream *stream;      /* In SESSION_CONNECTING. */
    struct jsonrpc *rpc;        /* In SESSION_ACTIVE. */
    struct diag *diag;

    long long state_entered;    /* When 'state' was entered. */
    long long next_attempt;     /* In SESSION_BACKOFF: when to connect. */
    int backoff;                /* Last wait, 0 after success. */
    int max_backoff;

    int probe_interval;         /* 0: no probes. */
    long long last_heard;       /* When the peer last sent a message. */
    bool probe_sent;
    long long probe_deadline;   /* If 'probe_sent': when to give up. */

    unsigned int seqno;
    char *error;
    size_t max_size;
    int max_depth;

    long long (*now_ms)(void *aux);
    void *clock_aux;
};

static long long
real_clock(void *aux)
{
    return monotonic_ms();
}

int
jsonrpc_session_open(const char *name, struct jsonrpc_session **sessionp,
                     struct diag *diag)
{
    struct jsonrpc_session *s;

    if (stream_verify_name(name)) {
        diag_add(diag, "%s: not an active connection method (expected "
                 "unix:, tcp: or ssl:)", name);
        return -EAFNOSUPPORT;
    }
    s = g_new0(struct jsonrpc_session, 1);
    s->name = g_strdup(name);
    s->state = SESSION_BACKOFF;
    s->next_attempt = LLONG_MIN;
    s->max_backoff = JSONRPC_DEFAULT_MAX_BACKOFF;
    s->probe_interval = JSONRPC_DEFAULT_PROBE_INTERVAL;
    s->diag = diag_new();
    s->now_ms = real_clock;
    *sessionp = s;
    return 0;
}

void
jsonrpc_session_close(struct jsonrpc_session *s)
{
    if (s) {
        stream_close(s->stream);
        jsonrpc_close(s->rpc);
        diag_free(s->diag);
        g_free(s->name);
        g_free(s->error);
        g_free(s);
    }
}

static void
session_set_error(struct jsonrpc_session *s, const char *error)
{
    g_free(s->error);
    s->error = g_strdup(error);
}

/* The last message in the session's diag, or 'fallback'. */
static const char *
session_diag(const struct jsonrpc_session *s, const char *fallback)
{
    size_t n = diag_count(s->diag);

    return n ? diag_get(s->diag, n - 1) : fallback;
}

/* Drops any connection and waits before the next attempt. */
static void
session_backoff(struct jsonrpc_session *s, long long now, const char *why)
{
    session_set_error(s, why);
    stream_close(s->stream);
    s->stream = NULL;
    if (s->rpc) {
        jsonrpc_close(s->rpc);
        s->rpc = NULL;
        s->seqno++;
    }
    s->backoff = (s->backoff ? MIN(s->backoff * 2, s->max_backoff)
                  : MIN(JSONRPC_MIN_BACKOFF, s->max_backoff));
    s->state = SESSION_BACKOFF;
    s->state_entered = now;
    s->next_attempt = now + s->backoff;
}

static int
connect_timeout(const struct jsonrpc_session *s)
{
    return MAX(JSONRPC_MIN_BACKOFF, s->backoff);
}

void
jsonrpc_session_run(struct jsonrpc_session *s)
{
    long long now = s->now_ms(s->clock_aux);

    if (s->state == SESSION_BACKOFF && now >= s->next_attempt) {
        int error;

        diag_clear(s->diag);
        error = stream_open(s->name, &s->stream, s->diag);
        if (error) {
            session_backoff(s, now, session_diag(s, g_strerror(-error)));
            return;
        }
        s->state = SESSION_CONNECTING;
        s->state_entered = now;
    }

    if (s->state == SESSION_CONNECTING) {
        int error;

        diag_clear(s->diag);
        error = stream_connect(s->stream, s->diag);
        if (!error) {
            s->rpc = jsonrpc_open(s->stream);
            jsonrpc_set_limits(s->rpc, s->max_size, s->max_depth);
            s->stream = NULL;
            s->state = SESSION_ACTIVE;
            s->state_entered = now;
            s->last_heard = now;
            s->probe_sent = false;
            s->seqno++;
        } else if (error != -EAGAIN) {
            session_backoff(s, now, session_diag(s, g_strerror(-error)));
            return;
        } else if (now >= s->state_entered + connect_timeout(s)) {
            char *why = g_strdup_printf("%s: connection attempt timed out",
                                        s->name);

            session_backoff(s, now, why);
            g_free(why);
            return;
        }
    }

    if (s->state == SESSION_ACTIVE) {
        jsonrpc_run(s->rpc);
        if (jsonrpc_get_status(s->rpc)) {
            session_backoff(s, now, jsonrpc_get_error(s->rpc));
        } else if (s->probe_interval && s->probe_sent
                   && now >= s->probe_deadline) {
            char *why = g_strdup_printf("%s: no response to inactivity "
                                        "probe after %.3g seconds", s->name,
                                        s->probe_interval / 1000.0);

            session_backoff(s, now, why);
            g_free(why);
        } else if (s->probe_interval && !s->probe_sent
                   && now >= s->last_heard + s->probe_interval) {
            s->probe_sent = true;
            s->probe_deadline = now + s->probe_interval;
            jsonrpc_session_send(s, jsonrpc_create_request(
                                     "echo", NULL, json_string(PROBE_ID)));
        }
    }
}

int
jsonrpc_session_wait_fd(const struct jsonrpc_session *s, short *events,
                        int *timeout_ms)
{
    long long now = s->now_ms(s->clock_aux);
    int fd = -1;

    *events = 0;
    switch (s->state) {
    case SESSION_BACKOFF:
        lower_timeout(timeout_ms,
                             s->next_attempt == LLONG_MIN
                             ? 0 : clamp_ms(s->next_attempt - now));
        break;
    case SESSION_CONNECTING:
        fd = stream_wait_fd(s->stream, STREAM_WAIT_CONNECT, events,
                            timeout_ms);
        lower_timeout(timeout_ms,
                             clamp_ms(s->state_entered + connect_timeout(s)
                                      - now));
        break;
    case SESSION_ACTIVE:
        fd = jsonrpc_wait_fd(s->rpc, events, timeout_ms);
        if (s->probe_interval) {
            long long when = (s->probe_sent ? s->probe_deadline
                              : s->last_heard + s->probe_interval);

            lower_timeout(timeout_ms, clamp_ms(when - now));
        }
        break;
    }
    return fd;
}

int
jsonrpc_session_send(struct jsonrpc_session *s, json_t *msg)
{
    int error;

    if (s->state != SESSION_ACTIVE) {
        json_decref(msg);
        return -ENOTCONN;
    }
    error = jsonrpc_send(s->rpc, msg);
    if (error) {
        session_backoff(s, s->now_ms(s->clock_aux),
                        jsonrpc_get_error(s->rpc));
    }
    return error;
}

int
jsonrpc_session_recv(struct jsonrpc_session *s, json_t **msgp)
{
    while (s->state == SESSION_ACTIVE) {
        json_t *msg, *id;
        int error;

        error = jsonrpc_recv(s->rpc, &msg);
        if (error == -EAGAIN) {
            break;
        } else if (error) {
            session_backoff(s, s->now_ms(s->clock_aux),
                            jsonrpc_get_error(s->rpc));
            break;
        }

        /* The peer is alive and the connection works. */
        s->last_heard = s->now_ms(s->clock_aux);
        s->probe_sent = false;
        s->backoff = 0;

        id = jsonrpc_msg_id(msg);
        if (jsonrpc_handle_echo(s->rpc, msg)
            || (jsonrpc_msg_result(msg) && json_is_string(id)
                && !strcmp(json_string_value(id), PROBE_ID))) {
            json_decref(msg);
            continue;
        }
        *msgp = msg;
        return 0;
    }
    return -EAGAIN;
}

bool
jsonrpc_session_is_connected(const struct jsonrpc_session *s)
{
    return s->state == SESSION_ACTIVE;
}

bool
jsonrpc_session_is_idle(const struct jsonrpc_session *s)
{
    return s->state == SESSION_ACTIVE && s->probe_sent;
}

unsigned int
jsonrpc_session_get_seqno(const struct jsonrpc_session *s)
{
    return s->seqno;
}

const char *
jsonrpc_session_get_error(const struct jsonrpc_session *s)
{
    return s->error;
}

int
jsonrpc_session_get_backoff(const struct jsonrpc_session *s)
{
    return s->backoff;
}

const char *
jsonrpc_session_get_name(const struct jsonrpc_session *s)
{
    return s->name;
}

void
jsonrpc_session_set_max_backoff(struct jsonrpc_session *s, int ms)
{
    s->max_backoff = MAX(ms, JSONRPC_MIN_BACKOFF);
}

void
jsonrpc_session_set_probe_interval(struct jsonrpc_session *s, int ms)
{
    s->probe_interval = ms <= 0 ? 0 : MAX(ms, 1000);
}

void
jsonrpc_session_set_limits(struct jsonrpc_session *s, size_t max_size,
                           int max_depth)
{
    s->max_size = max_size;
    s->max_depth = max_depth;
    if (s->rpc) {
        jsonrpc_set_limits(s->rpc, max_size, max_depth);
    }
}

void
jsonrpc_session_set_clock(struct jsonrpc_session *s,
                          long long (*now_ms)(void *aux), void *aux)
{
    s->now_ms = now_ms ? now_ms : real_clock;
    s->clock_aux = now_ms ? aux : NULL;
}
