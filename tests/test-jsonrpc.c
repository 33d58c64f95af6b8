/* test-jsonrpc.c -- unit tests of vswitch/jsonrpc.c and the plain socket
 * streams of vswitch/stream.c, printing TAP.
 *
 * Messages and their checks; the incremental parser alone (chunking,
 * limits, garbage); connections over socketpairs (round trips, a message
 * written byte by byte, several in one write, a message bigger than the
 * socket buffers, refusals with their reasons, end of stream); punix: and
 * ptcp: listeners in a scratch directory; and sessions, whose backoff and
 * inactivity probes run on a fake clock.  SSL is tested by
 * tests/stream-ssl.sh. */
#include <config.h>

#include <errno.h>
#include <glib.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "diag.h"
#include "jsonrpc.h"
#include "stream.h"
#include "tap.h"

static char *scratch;

/* Helpers. */

static json_t *
parse(const char *text)
{
    json_error_t error;
    json_t *json = json_loads(text, 0, &error);

    if (!json) {
        diag_msg("bad test JSON %s: %s", text, error.text);
        abort();
    }
    return json;
}

/* Waits up to 5 s for a message or an error on 'rpc'. */
static int
recv_wait(struct jsonrpc *rpc, json_t **msgp)
{
    for (int i = 0; i < 500; i++) {
        struct pollfd pfd;
        int timeout = 10;
        int error;

        jsonrpc_run(rpc);
        error = jsonrpc_recv(rpc, msgp);
        if (error != -EAGAIN) {
            return error;
        }
        pfd.fd = jsonrpc_wait_fd(rpc, &pfd.events, &timeout);
        poll(&pfd, 1, timeout);
    }
    return -ETIMEDOUT;
}

/* Two connected jsonrpc connections over a socketpair. */
static void
make_pair(struct jsonrpc **a, struct jsonrpc **b)
{
    int fds[2];

    if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds)) {
        abort();
    }
    *a = jsonrpc_open(stream_open_fd(fds[0], "pair:a"));
    *b = jsonrpc_open(stream_open_fd(fds[1], "pair:b"));
}

/* A connection whose peer is the raw socket '*peer'. */
static struct jsonrpc *
make_raw(int *peer)
{
    int fds[2];

    if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds)) {
        abort();
    }
    *peer = fds[1];
    return jsonrpc_open(stream_open_fd(fds[0], "raw"));
}

static void
write_all(int fd, const void *data, size_t n)
{
    const char *p = data;

    while (n) {
        ssize_t r = write(fd, p, n);

        if (r <= 0) {
            abort();
        }
        p += r;
        n -= r;
    }
}

static bool
contains(const char *s, const char *needle)
{
    return s && strstr(s, needle);
}

/* Messages. */

static void
test_messages(void)
{
    static const struct {
        const char *text;
        const char *reason;     /* NULL: valid. */
        enum jsonrpc_msg_type type;
    } cases[] = {
        { "{\"method\":\"m\",\"params\":[],\"id\":1}", NULL, JSONRPC_REQUEST },
        { "{\"method\":\"m\",\"params\":[1],\"id\":null}", NULL,
          JSONRPC_NOTIFY },
        { "{\"method\":\"m\",\"params\":[1]}", NULL, JSONRPC_NOTIFY },
        { "{\"result\":[],\"error\":null,\"id\":\"x\"}", NULL,
          JSONRPC_REPLY },
        { "{\"result\":null,\"error\":{\"e\":1},\"id\":2}", NULL,
          JSONRPC_ERROR },
        { "[1]", "not a JSON object", 0 },
        { "{\"method\":\"m\",\"params\":[],\"id\":1,\"x\":1}",
          "unexpected member \"x\"", 0 },
        { "{\"method\":1,\"params\":[],\"id\":1}", "\"method\" is not", 0 },
        { "{\"method\":\"m\",\"params\":{},\"id\":1}", "\"params\" is not",
          0 },
        { "{\"method\":\"m\",\"id\":1}", "request must have \"params\"", 0 },
        { "{\"result\":1,\"error\":null}", "reply must have \"id\"", 0 },
        { "{\"result\":1,\"error\":2,\"id\":1}",
          "reply must not have \"error\"", 0 },
        { "{\"result\":1,\"method\":\"m\",\"id\":1}",
          "reply must not have \"method\"", 0 },
        { "{\"params\":[],\"id\":1}", "request must have \"method\"", 0 },
        { "{}", "notification must have \"method\"", 0 },
    };
    json_t *msg, *id;
    char *text;

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        enum jsonrpc_msg_type type = -1;
        char *reason = NULL;
        int error;

        msg = parse(cases[i].text);
        error = jsonrpc_msg_check(msg, &type, &reason);
        if (cases[i].reason) {
            ok(error == -EPROTO && contains(reason, cases[i].reason),
               "refused %s (%s)", cases[i].text, reason);
        } else {
            ok(!error && type == cases[i].type, "%s is a %s",
               cases[i].text, jsonrpc_msg_type_to_string(cases[i].type));
        }
        g_free(reason);
        json_decref(msg);
    }

    msg = jsonrpc_create_request("echo", NULL, json_integer(7));
    text = jsonrpc_msg_to_string(msg);
    is_str(text, "{\"method\":\"echo\",\"params\":[],\"id\":7}",
           "request encodes as expected");
    g_free(text);
    id = json_incref(jsonrpc_msg_id(msg));
    json_decref(msg);

    msg = jsonrpc_create_reply(json_pack("[i]", 1), id);
    text = jsonrpc_msg_to_string(msg);
    is_str(text, "{\"result\":[1],\"error\":null,\"id\":7}",
           "reply copies the id and says error null");
    g_free(text);
    json_decref(msg);

    msg = jsonrpc_create_error(json_string("oops"), id);
    ok(!jsonrpc_msg_check(msg, NULL, NULL)
       && !strcmp(json_string_value(jsonrpc_msg_error(msg)), "oops"),
       "error reply is valid");
    json_decref(msg);
    json_decref(id);

    msg = jsonrpc_create_notify("update", json_pack("[s]", "x"));
    text = jsonrpc_msg_to_string(msg);
    is_str(text, "{\"method\":\"update\",\"params\":[\"x\"],\"id\":null}",
           "notification has id null");
    g_free(text);
    json_decref(msg);

    msg = jsonrpc_create_request("a", NULL, NULL);
    id = jsonrpc_msg_id(msg);
    ok(json_is_integer(id), "request without id gets a fresh one");
    json_decref(msg);
}

/* The parser alone. */

/* Feeds all of 'text' in chunks of 'chunk' bytes; collects messages into
 * 'msgs'.  Returns 0 or the parser's error. */
static int
feed_all(struct jsonrpc_parser *p, const char *text, size_t len,
         size_t chunk, GPtrArray *msgs)
{
    size_t ofs = 0;

    while (ofs < len) {
        size_t n = MIN(chunk, len - ofs);
        ssize_t used = jsonrpc_parser_feed(p, text + ofs, n);

        if (used < 0) {
            return used;
        }
        ofs += used;
        if (jsonrpc_parser_is_done(p)) {
            json_t *msg;
            int error = jsonrpc_parser_finish(p, &msg);

            if (error) {
                return error;
            }
            g_ptr_array_add(msgs, msg);
        }
    }
    return 0;
}

static void
test_parser(void)
{
    static const char three[] =
        "  {\"method\":\"a{[\\\"}\",\"params\":[\"]}\\\\\"],\"id\":1}\n"
        "{\"result\":{\"x\":[[],{}]},\"error\":null,\"id\":1}"
        "\r\n\t{\"method\":\"n\",\"params\":[\"\\u00e9\"],\"id\":null}  ";
    GPtrArray *whole = g_ptr_array_new_with_free_func(
        (GDestroyNotify) json_decref);
    struct jsonrpc_parser *p;
    bool same = true;
    GString *s;
    int error;

    p = jsonrpc_parser_create(0, 0);
    error = feed_all(p, three, strlen(three), strlen(three), whole);
    ok(!error && whole->len == 3, "three messages with braces and quotes "
       "in strings, in one chunk");
    ok(!jsonrpc_parser_is_busy(p), "parser idle after trailing space");
    jsonrpc_parser_destroy(p);

    for (size_t chunk = 1; chunk <= 7; chunk++) {
        GPtrArray *msgs = g_ptr_array_new_with_free_func(
            (GDestroyNotify) json_decref);

        p = jsonrpc_parser_create(0, 0);
        error = feed_all(p, three, strlen(three), chunk, msgs);
        if (error || msgs->len != whole->len) {
            same = false;
        } else {
            for (guint i = 0; i < msgs->len; i++) {
                if (!json_equal(msgs->pdata[i], whole->pdata[i])) {
                    same = false;
                }
            }
        }
        jsonrpc_parser_destroy(p);
        g_ptr_array_free(msgs, TRUE);
    }
    ok(same, "chunks of 1 to 7 bytes give the same messages");
    g_ptr_array_set_size(whole, 0);

    /* Size limit: refused before all of it is buffered. */
    s = g_string_new("{\"method\":\"m\",\"params\":[\"");
    for (int i = 0; i < 1000; i++) {
        g_string_append_c(s, 'x');
    }
    g_string_append(s, "\"],\"id\":1}");
    p = jsonrpc_parser_create(500, 0);
    error = feed_all(p, s->str, 600, 600, whole);
    is_int(error, -EMSGSIZE, "message over the size limit refused early");
    ok(contains(jsonrpc_parser_get_error(p), "longer than 500 bytes"),
       "reason: %s", jsonrpc_parser_get_error(p));
    is_int(jsonrpc_parser_feed(p, "{}", 2), -EMSGSIZE, "error is final");
    jsonrpc_parser_destroy(p);

    p = jsonrpc_parser_create(s->len, 0);
    error = feed_all(p, s->str, s->len, 100, whole);
    ok(!error && whole->len == 1, "message of exactly the limit accepted");
    jsonrpc_parser_destroy(p);
    g_string_free(s, TRUE);
    g_ptr_array_set_size(whole, 0);

    /* Depth limit. */
    s = g_string_new("{\"method\":\"m\",\"params\":");
    for (int i = 0; i < 9; i++) {
        g_string_append_c(s, '[');
    }
    for (int i = 0; i < 9; i++) {
        g_string_append_c(s, ']');
    }
    g_string_append(s, ",\"id\":1}");
    p = jsonrpc_parser_create(0, 10);
    error = feed_all(p, s->str, s->len, s->len, whole);
    ok(!error && whole->len == 1, "depth 10 accepted with a limit of 10");
    jsonrpc_parser_destroy(p);
    p = jsonrpc_parser_create(0, 9);
    error = feed_all(p, s->str, s->len, s->len, whole);
    is_int(error, -EPROTO, "depth 10 refused with a limit of 9");
    ok(contains(jsonrpc_parser_get_error(p), "deeper than 9"),
       "reason: %s", jsonrpc_parser_get_error(p));
    jsonrpc_parser_destroy(p);
    g_string_free(s, TRUE);

    /* A deep attack far beyond jansson's own limit. */
    s = g_string_new("{\"a\":");
    for (int i = 0; i < 100000; i++) {
        g_string_append_c(s, '[');
    }
    p = jsonrpc_parser_create(0, 0);
    error = feed_all(p, s->str, s->len, 4096, whole);
    is_int(error, -EPROTO, "100000 open brackets refused");
    jsonrpc_parser_destroy(p);
    g_string_free(s, TRUE);

    /* Garbage and malformed JSON. */
    g_ptr_array_set_size(whole, 0);
    static const struct {
        const char *text;
        const char *reason;
    } bad[] = {
        { "GET / HTTP/1.1\r\n", "starts with 'G'" },
        { "\x16\x03\x01", "SSL data" },
        { "[1,2]", "starts with '['" },
        { "{\"method\":\"m\",params:[],\"id\":1}", "invalid JSON" },
        { "{\"method\":\"m\xff\",\"params\":[],\"id\":1}", "invalid JSON" },
        { "{\"result\":1e999,\"error\":null,\"id\":1}", "invalid JSON" },
        { "{\"result\":99999999999999999999,\"error\":null,\"id\":1}",
          "invalid JSON" },
        { "{\"result\":1,\"result\":2,\"id\":1}", "invalid JSON" },
        { "{\"result\":\"a\\u0000b\",\"error\":null,\"id\":1}",
          "invalid JSON" },
        { "{\"result\":[1},\"id\":1]", "invalid JSON" },
        { "{\"x\":1}", "unexpected member" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        char *esc = g_strescape(bad[i].text, NULL);

        p = jsonrpc_parser_create(0, 0);
        error = feed_all(p, bad[i].text, strlen(bad[i].text), 3, whole);
        ok(error == -EPROTO
           && contains(jsonrpc_parser_get_error(p), bad[i].reason),
           "refused %s: %s", esc, jsonrpc_parser_get_error(p));
        g_free(esc);
        jsonrpc_parser_destroy(p);
    }
    ok(whole->len == 0, "no message came out of garbage");
    g_ptr_array_free(whole, TRUE);
}

/* Connections over socketpairs. */

static void
test_round_trips(void)
{
    struct jsonrpc *client, *server;
    json_t *msg = NULL, *reply = NULL, *params;
    int error;

    make_pair(&client, &server);

    params = json_pack("[s, {s: [i, b, n, f]}]", "Open_vSwitch", "x", 1, 1,
                       2.5);
    error = jsonrpc_send(client, jsonrpc_create_request(
                             "transact", json_deep_copy(params),
                             json_integer(42)));
    is_int(error, 0, "request sent");
    error = recv_wait(server, &msg);
    ok(!error && !strcmp(jsonrpc_msg_method(msg), "transact")
       && json_equal(jsonrpc_msg_params(msg), params)
       && json_integer_value(jsonrpc_msg_id(msg)) == 42,
       "request received intact");

    error = jsonrpc_send(server, jsonrpc_create_reply(
                             json_pack("[{s:i}]", "count", 1),
                             jsonrpc_msg_id(msg)));
    is_int(error, 0, "reply sent");
    error = recv_wait(client, &reply);
    ok(!error && json_integer_value(jsonrpc_msg_id(reply)) == 42
       && json_is_array(jsonrpc_msg_result(reply)),
       "reply received with the request's id");
    json_decref(msg);
    json_decref(reply);
    json_decref(params);

    error = jsonrpc_send(server, jsonrpc_create_notify(
                             "update", json_pack("[s,{}]", "mon")));
    error = error ? error : recv_wait(client, &msg);
    ok(!error && !strcmp(jsonrpc_msg_method(msg), "update")
       && !jsonrpc_msg_id(msg), "notification received");
    json_decref(msg);

    /* Echo. */
    jsonrpc_send(client, jsonrpc_create_request(
                     "echo", json_pack("[s]", "ping"), json_string("e1")));
    error = recv_wait(server, &msg);
    ok(!error && jsonrpc_handle_echo(server, msg), "server handles echo");
    json_decref(msg);
    error = recv_wait(client, &reply);
    ok(!error && !strcmp(json_string_value(jsonrpc_msg_id(reply)), "e1")
       && !strcmp(json_string_value(json_array_get(
                                        jsonrpc_msg_result(reply), 0)),
                  "ping"), "echo reply echoes params");
    json_decref(reply);

    msg = jsonrpc_create_request("list_dbs", NULL, NULL);
    ok(!jsonrpc_handle_echo(server, msg), "other requests are not echo");
    json_decref(msg);

    /* End of stream between messages. */
    jsonrpc_close(client);
    error = recv_wait(server, &msg);
    is_int(error, -EPIPE, "peer closed: -EPIPE");
    ok(contains(jsonrpc_get_error(server), "closed by peer"), "reason: %s",
       jsonrpc_get_error(server));
    is_int(jsonrpc_send(server, jsonrpc_create_notify("x", NULL)), -EPIPE,
           "send after the end returns the same error");
    jsonrpc_close(server);
}

static void
test_raw_input(void)
{
    static const char msg1[] = "{\"method\":\"echo\",\"params\":[\"a\"],"
                               "\"id\":1}";
    struct jsonrpc *rpc;
    json_t *msg = NULL;
    int peer, error;
    bool all_eagain = true;
    GString *s;
    int n;

    /* Byte by byte. */
    rpc = make_raw(&peer);
    for (size_t i = 0; i < strlen(msg1) - 1; i++) {
        write_all(peer, &msg1[i], 1);
        if (jsonrpc_recv(rpc, &msg) != -EAGAIN) {
            all_eagain = false;
        }
    }
    ok(all_eagain, "nothing until the last byte arrives");
    write_all(peer, &msg1[strlen(msg1) - 1], 1);
    error = recv_wait(rpc, &msg);
    ok(!error && !strcmp(jsonrpc_msg_method(msg), "echo"),
       "message written byte by byte received");
    json_decref(msg);

    /* Several messages in one write. */
    s = g_string_new(NULL);
    for (int i = 0; i < 5; i++) {
        g_string_append_printf(s, "{\"method\":\"m%d\",\"params\":[],"
                               "\"id\":%d}%s", i, i, i % 2 ? "\n" : "");
    }
    write_all(peer, s->str, s->len);
    g_string_free(s, TRUE);
    n = 0;
    for (int i = 0; i < 5; i++) {
        char name[8];

        snprintf(name, sizeof name, "m%d", i);
        if (!recv_wait(rpc, &msg) && !strcmp(jsonrpc_msg_method(msg), name)) {
            n++;
        }
        json_decref(msg);
    }
    is_int(n, 5, "five messages in one write, received in order");

    /* End in the middle of a message. */
    write_all(peer, "{\"method\":\"x\",", 14);
    close(peer);
    error = recv_wait(rpc, &msg);
    is_int(error, -EPROTO, "end of stream inside a message: -EPROTO");
    ok(contains(jsonrpc_get_error(rpc), "middle of a message"),
       "reason: %s", jsonrpc_get_error(rpc));
    jsonrpc_close(rpc);

    /* Oversize. */
    rpc = make_raw(&peer);
    jsonrpc_set_limits(rpc, 1024, 0);
    s = g_string_new("{\"method\":\"m\",\"params\":[\"");
    while (s->len < 4000) {
        g_string_append(s, "0123456789");
    }
    g_string_append(s, "\"],\"id\":1}");
    write_all(peer, s->str, s->len);
    g_string_free(s, TRUE);
    error = recv_wait(rpc, &msg);
    is_int(error, -EMSGSIZE, "message over a 1 KiB limit: -EMSGSIZE");
    ok(contains(jsonrpc_get_error(rpc), "raw: message longer than 1024"),
       "reason: %s", jsonrpc_get_error(rpc));
    jsonrpc_close(rpc);
    close(peer);

    /* Over-deep. */
    rpc = make_raw(&peer);
    jsonrpc_set_limits(rpc, 0, 10);
    s = g_string_new("{\"method\":\"m\",\"params\":");
    for (int i = 0; i < 20; i++) {
        g_string_append_c(s, '[');
    }
    write_all(peer, s->str, s->len);
    g_string_free(s, TRUE);
    error = recv_wait(rpc, &msg);
    is_int(error, -EPROTO, "nesting over a limit of 10: -EPROTO");
    ok(contains(jsonrpc_get_error(rpc), "deeper than 10"), "reason: %s",
       jsonrpc_get_error(rpc));
    jsonrpc_close(rpc);
    close(peer);

    /* Garbage. */
    rpc = make_raw(&peer);
    write_all(peer, "\x00\xff garbage", 10);
    error = recv_wait(rpc, &msg);
    is_int(error, -EPROTO, "garbage: -EPROTO");
    ok(contains(jsonrpc_get_error(rpc), "must be a JSON object"),
       "reason: %s", jsonrpc_get_error(rpc));
    jsonrpc_close(rpc);
    close(peer);

    /* A valid message, then garbage: the message still arrives. */
    rpc = make_raw(&peer);
    s = g_string_new(msg1);
    g_string_append(s, "{\"method\":}");
    write_all(peer, s->str, s->len);
    g_string_free(s, TRUE);
    error = recv_wait(rpc, &msg);
    ok(!error, "message before garbage delivered");
    json_decref(msg);
    error = recv_wait(rpc, &msg);
    ok(error == -EPROTO && contains(jsonrpc_get_error(rpc), "invalid JSON"),
       "then the JSON error: %s", jsonrpc_get_error(rpc));
    jsonrpc_close(rpc);
    close(peer);
}

/* A 4 MiB message through a socketpair: the sender's backlog drains as the
 * receiver reads. */
static void
test_big_message(void)
{
    struct jsonrpc *a, *b;
    json_t *params = json_array(), *msg = NULL;
    size_t backlog;
    int error = -EAGAIN;

    for (int i = 0; i < 65536; i++) {
        json_array_append_new(params, json_sprintf("row %08d of the big "
                                                   "message", i));
    }
    make_pair(&a, &b);
    jsonrpc_send(a, jsonrpc_create_request("big", json_incref(params),
                                           json_integer(1)));
    backlog = jsonrpc_get_backlog(a);
    ok(backlog > 0, "sender has a backlog (%zu bytes)", backlog);
    for (int i = 0; i < 100000 && error == -EAGAIN; i++) {
        jsonrpc_run(a);
        error = jsonrpc_recv(b, &msg);
    }
    ok(!error && json_equal(jsonrpc_msg_params(msg), params),
       "big message received intact");
    is_int(jsonrpc_get_backlog(a), 0, "backlog drained");
    json_decref(msg);
    json_decref(params);
    jsonrpc_close(a);
    jsonrpc_close(b);
}

/* Listeners. */

static struct stream *
accept_wait(struct pstream *p)
{
    for (int i = 0; i < 500; i++) {
        struct stream *stream;
        struct pollfd pfd;

        if (!pstream_accept(p, &stream, NULL)) {
            return stream;
        }
        pfd.fd = pstream_wait_fd(p, &pfd.events);
        poll(&pfd, 1, 10);
    }
    return NULL;
}

/* Connects to 'name', accepted by 'p', and checks a round trip. */
static void
check_listener(struct pstream *p, const char *name)
{
    struct jsonrpc *client, *server;
    struct stream *stream = NULL;
    json_t *msg = NULL;
    int error;

    error = stream_open_block(name, 5000, &stream, NULL);
    is_int(error, 0, "connected to %s", name);
    if (error) {
        return;
    }
    client = jsonrpc_open(stream);
    stream = accept_wait(p);
    ok(stream != NULL, "%s accepted a connection (from %s)",
       pstream_get_name(p), stream ? stream_get_name(stream) : "?");
    if (!stream) {
        jsonrpc_close(client);
        return;
    }
    server = jsonrpc_open(stream);
    jsonrpc_send(client, jsonrpc_create_request("echo", NULL,
                                                json_integer(5)));
    error = recv_wait(server, &msg);
    ok(!error && jsonrpc_handle_echo(server, msg), "request over %s", name);
    json_decref(msg);
    error = recv_wait(client, &msg);
    ok(!error && json_integer_value(jsonrpc_msg_id(msg)) == 5,
       "reply over %s", name);
    json_decref(msg);
    jsonrpc_close(client);
    jsonrpc_close(server);
}

static void
test_listeners(void)
{
    struct diag *diag = diag_new();
    struct pstream *p, *p2;
    struct sockaddr_un sun;
    char *path, *name, *cname;
    struct stream *stream;
    int error, fd;

    /* punix:, and its socket file. */
    path = g_build_filename(scratch, "sock", NULL);
    name = g_strdup_printf("punix:%s", path);
    cname = g_strdup_printf("unix:%s", path);
    error = pstream_open(name, &p, diag);
    is_int(error, 0, "listening on punix:");
    if (!error) {
        is_int(pstream_get_port(p), 0, "punix: has no port");
        check_listener(p, cname);
        diag_clear(diag);
        error = pstream_open(name, &p2, diag);
        ok(error == -EADDRINUSE, "second listener on a live socket: "
           "%s", diag_count(diag) ? diag_get(diag, 0) : "");
        pstream_close(p);
        ok(access(path, F_OK) < 0, "socket file removed at close");
    }

    /* A socket file left behind by a dead listener is replaced. */
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    memset(&sun, 0, sizeof sun);
    sun.sun_family = AF_UNIX;
    g_strlcpy(sun.sun_path, path, sizeof sun.sun_path);
    if (bind(fd, (struct sockaddr *) &sun, sizeof sun) == 0) {
        close(fd);
        error = pstream_open(name, &p, NULL);
        is_int(error, 0, "stale socket file replaced");
        if (!error) {
            pstream_close(p);
        }
    } else {
        close(fd);
        ok(false, "could not make a stale socket");
    }
    diag_clear(diag);
    error = stream_open(cname, &stream, diag);
    ok(error == -ENOENT || error == -ECONNREFUSED,
       "connecting to no listener fails: %s",
       diag_count(diag) ? diag_get(diag, 0) : "");
    g_free(name);
    g_free(cname);
    g_free(path);

    /* A path longer than sun_path. */
    path = g_build_filename(scratch, "a-directory-with-a-long-name-"
                            "0123456789012345678901234567890123456789", NULL);
    if (!g_mkdir_with_parents(path, 0700)) {
        char *long_path = g_build_filename(path, "socket-with-a-long-name-"
                                           "01234567890123456789", NULL);

        name = g_strdup_printf("punix:%s", long_path);
        cname = g_strdup_printf("unix:%s", long_path);
        ok(strlen(long_path) >= sizeof sun.sun_path,
           "path of %zu bytes", strlen(long_path));
        error = pstream_open(name, &p, NULL);
        is_int(error, 0, "listening on a long punix: path");
        if (!error) {
            check_listener(p, cname);
            pstream_close(p);
        }
        g_free(name);
        g_free(cname);
        g_free(long_path);
    }
    g_free(path);

    /* ptcp:0 picks a port. */
    error = pstream_open("ptcp:0:127.0.0.1", &p, diag);
    is_int(error, 0, "listening on ptcp:0:127.0.0.1");
    if (!error) {
        int port = pstream_get_port(p);

        ok(port > 0, "port picked: %d", port);
        name = g_strdup_printf("ptcp:%d:127.0.0.1", port);
        is_str(pstream_get_name(p), name, "name has the real port");
        g_free(name);
        cname = g_strdup_printf("tcp:127.0.0.1:%d", port);
        check_listener(p, cname);
        pstream_close(p);

        /* Now nothing listens there. */
        error = stream_open_block(cname, 5000, &stream, NULL);
        is_int(error, -ECONNREFUSED, "closed port: -ECONNREFUSED");
        g_free(cname);
    }

    /* Names. */
    static const struct {
        const char *name;
        int error;
        bool passive;
    } names[] = {
        { "foo:bar", -EAFNOSUPPORT, false },
        { "tcp:", -EINVAL, false },
        { "tcp:127.0.0.1:0", -EINVAL, false },
        { "tcp:127.0.0.1:65536", -EINVAL, false },
        { "tcp:127.0.0.1:12x", -EINVAL, false },
        { "tcp:::1:6640", -EINVAL, false },
        { "tcp:[::1", -EINVAL, false },
        { "unix:", -EINVAL, false },
        { "ssl:127.0.0.1:6640", -ENOPROTOOPT, false },
        { "ptcp:x", -EINVAL, true },
        { "ptcp:0:not-an-ip", -EADDRNOTAVAIL, true },
        { "pssl:0:127.0.0.1", -ENOPROTOOPT, true },
        { "tcp:127.0.0.1", -EAFNOSUPPORT, true },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        diag_clear(diag);
        if (names[i].passive) {
            error = pstream_open(names[i].name, &p, diag);
        } else {
            error = stream_open(names[i].name, &stream, diag);
        }
        ok(error == names[i].error && diag_count(diag),
           "%s refused: %s", names[i].name,
           diag_count(diag) ? diag_get(diag, 0) : "(no message)");
    }
    is_int(stream_verify_name("ssl:1.2.3.4"), 0, "ssl: is an active name");
    is_int(pstream_verify_name("ssl:1.2.3.4"), -EAFNOSUPPORT,
           "ssl: is not a passive name");
    diag_free(diag);
}

/* Sessions. */

static long long fake_now;

static long long
fake_clock(void *aux)
{
    return fake_now;
}

/* Runs 's' at fake time 'now'. */
static void
run_at(struct jsonrpc_session *s, long long now)
{
    fake_now = now;
    jsonrpc_session_run(s);
}

static void
test_session_backoff(void)
{
    static const long long times[] = { 0, 1000, 3000, 7000, 15000, 23000 };
    static const int backoffs[] = { 1000, 2000, 4000, 8000, 8000, 8000 };
    struct jsonrpc_session *s;
    char *name = g_strdup_printf("unix:%s/nothing-here", scratch);
    bool good = true;
    unsigned int seqno;
    short events;
    int timeout, fd;

    is_int(jsonrpc_session_open("ptcp:1", &s, NULL), -EAFNOSUPPORT,
           "a session needs an active name");
    jsonrpc_session_open(name, &s, NULL);
    jsonrpc_session_set_clock(s, fake_clock, NULL);
    seqno = jsonrpc_session_get_seqno(s);
    for (size_t i = 0; i < G_N_ELEMENTS(times); i++) {
        run_at(s, times[i]);
        if (jsonrpc_session_get_backoff(s) != backoffs[i]) {
            diag_msg("at %lld ms: backoff %d, want %d", times[i],
                     jsonrpc_session_get_backoff(s), backoffs[i]);
            good = false;
        }
        /* Just before the next attempt, nothing happens. */
        run_at(s, times[i] + backoffs[i] - 1);
        if (jsonrpc_session_get_backoff(s) != backoffs[i]) {
            good = false;
        }
    }
    ok(good, "backoff 1, 2, 4, 8, 8, 8 s");
    ok(contains(jsonrpc_session_get_error(s), "nothing-here"),
       "last error: %s", jsonrpc_session_get_error(s));
    ok(!jsonrpc_session_is_connected(s)
       && jsonrpc_session_get_seqno(s) == seqno,
       "never connected, seqno unchanged");

    fake_now = 23500;
    timeout = -1;
    fd = jsonrpc_session_wait_fd(s, &events, &timeout);
    ok(fd < 0 && timeout == 7500, "waiting: no fd, wake in 7500 ms (%d)",
       timeout);
    jsonrpc_session_close(s);

    jsonrpc_session_open(name, &s, NULL);
    jsonrpc_session_set_clock(s, fake_clock, NULL);
    jsonrpc_session_set_max_backoff(s, 2000);
    run_at(s, 0);
    run_at(s, 1000);
    run_at(s, 3000);
    is_int(jsonrpc_session_get_backoff(s), 2000, "max backoff 2 s honoured");
    ok(jsonrpc_session_send(s, jsonrpc_create_notify("x", NULL))
       == -ENOTCONN, "send while disconnected: -ENOTCONN");
    jsonrpc_session_close(s);
    g_free(name);
}

static void
test_session_connect(void)
{
    char *path = g_build_filename(scratch, "session.sock", NULL);
    char *pname = g_strdup_printf("punix:%s", path);
    char *name = g_strdup_printf("unix:%s", path);
    struct jsonrpc_session *s;
    struct jsonrpc *server;
    struct pstream *p;
    json_t *msg = NULL;
    unsigned int seqno;
    int error;

    if (pstream_open(pname, &p, NULL)) {
        ok(false, "listening for the session");
        goto out;
    }
    jsonrpc_session_open(name, &s, NULL);
    jsonrpc_session_set_clock(s, fake_clock, NULL);
    jsonrpc_session_set_probe_interval(s, 1000);
    run_at(s, 0);
    ok(jsonrpc_session_is_connected(s), "session connected");
    seqno = jsonrpc_session_get_seqno(s);
    server = jsonrpc_open(accept_wait(p));

    /* Request and reply. */
    jsonrpc_session_send(s, jsonrpc_create_request("list_dbs", NULL,
                                                   json_integer(9)));
    error = recv_wait(server, &msg);
    ok(!error && !strcmp(jsonrpc_msg_method(msg), "list_dbs"),
       "server got the session's request");
    jsonrpc_send(server, jsonrpc_create_reply(json_pack("[s]", "db"),
                                              jsonrpc_msg_id(msg)));
    json_decref(msg);
    msg = NULL;
    for (int i = 0; i < 500 && jsonrpc_session_recv(s, &msg); i++) {
        g_usleep(10000);
    }
    ok(msg && json_integer_value(jsonrpc_msg_id(msg)) == 9,
       "session got the reply");
    json_decref(msg);

    /* The peer's echo requests are answered, not returned. */
    jsonrpc_send(server, jsonrpc_create_request(
                     "echo", json_pack("[i]", 3), json_string("x")));
    msg = NULL;
    for (int i = 0; i < 20; i++) {
        g_usleep(5000);
        if (!jsonrpc_session_recv(s, &msg)) {
            break;
        }
    }
    ok(!msg, "echo request not passed to the caller");
    json_decref(msg);
    run_at(s, 500);
    error = recv_wait(server, &msg);
    ok(!error && !strcmp(json_string_value(jsonrpc_msg_id(msg)), "x"),
       "session answered the echo request");
    json_decref(msg);

    /* Inactivity probe: sent after 1 s of silence. */
    ok(!jsonrpc_session_is_idle(s), "not idle before the probe");
    run_at(s, 1600);
    error = recv_wait(server, &msg);
    ok(!error && !strcmp(jsonrpc_msg_method(msg), "echo"),
       "probe sent after 1 s of silence");
    ok(jsonrpc_session_is_idle(s), "idle while the probe is unanswered");
    jsonrpc_handle_echo(server, msg);
    json_decref(msg);
    msg = NULL;
    for (int i = 0; i < 50; i++) {
        g_usleep(5000);
        if (!jsonrpc_session_recv(s, &msg)) {
            break;
        }
    }
    ok(!msg, "probe reply absorbed by the session");
    json_decref(msg);
    run_at(s, 2500);
    ok(jsonrpc_session_is_connected(s), "answered probe keeps the "
       "connection");
    ok(!jsonrpc_session_is_idle(s), "... and ends the idle state");

    /* Unanswered probe: disconnect. */
    run_at(s, 3000);
    error = recv_wait(server, &msg);
    ok(!error && !strcmp(jsonrpc_msg_method(msg), "echo"),
       "second probe sent");
    json_decref(msg);
    run_at(s, 4100);
    ok(!jsonrpc_session_is_connected(s)
       && contains(jsonrpc_session_get_error(s), "inactivity probe"),
       "unanswered probe drops the connection: %s",
       jsonrpc_session_get_error(s));
    ok(jsonrpc_session_get_seqno(s) != seqno, "seqno changed");
    is_int(jsonrpc_session_get_backoff(s), 1000,
           "backoff restarts from 1 s after a working connection");
    jsonrpc_close(server);

    /* Reconnects after the backoff. */
    run_at(s, 4900);
    ok(!jsonrpc_session_is_connected(s), "not before the backoff");
    seqno = jsonrpc_session_get_seqno(s);
    run_at(s, 5100);
    ok(jsonrpc_session_is_connected(s)
       && jsonrpc_session_get_seqno(s) != seqno, "reconnected");
    server = jsonrpc_open(accept_wait(p));

    /* The server closes: the session notices and backs off. */
    jsonrpc_close(server);
    for (int i = 0; i < 100 && jsonrpc_session_is_connected(s); i++) {
        g_usleep(5000);
        jsonrpc_session_recv(s, &msg);
    }
    ok(!jsonrpc_session_is_connected(s)
       && contains(jsonrpc_session_get_error(s), "closed by peer"),
       "server close noticed: %s", jsonrpc_session_get_error(s));
    is_int(jsonrpc_session_get_backoff(s), 2000,
           "silent connection does not reset the backoff");

    jsonrpc_session_close(s);
    pstream_close(p);
out:
    g_free(path);
    g_free(pname);
    g_free(name);
}

int
main(void)
{
    signal(SIGPIPE, SIG_DFL);   /* MSG_NOSIGNAL must do its job. */
    scratch = g_dir_make_tmp("test-jsonrpc.XXXXXX", NULL);
    if (!scratch) {
        skip_all("cannot make a scratch directory");
    }

    test_messages();
    test_parser();
    test_round_trips();
    test_raw_input();
    test_big_message();
    test_listeners();
    test_session_backoff();
    test_session_connect();

    {
        char *cmd = g_strdup_printf("rm -rf '%s'", scratch);

        if (system(cmd)) {
            diag_msg("could not remove %s", scratch);
        }
        g_free(cmd);
    }
    g_free(scratch);
    return done_testing();
}
