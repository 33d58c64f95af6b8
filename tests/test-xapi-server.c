/* test-xapi-server.c -- a small XAPI for the tests of dbcache/xapi.c.
 *
 * It answers XML-RPC calls over HTTP/1.1 the way XAPI does (Status
 * Success/Failure envelopes, a session ref as first parameter) from a
 * fixture: an XML-RPC <value><struct> whose members are XAPI class names,
 * each a struct of ref -> record.  It listens on a Unix socket or on TLS
 * over TCP, serves any number of clients from one poll() loop, and runs
 * until SIGTERM or SIGINT.
 *
 * For the tests it records every call (--calls), and can answer a method
 * with a Failure (--fail), close the connection instead of answering
 * (--drop), never answer (--stall), answer with a body that is not
 * XML-RPC (--garbage) or with something that is not HTTP (--not-http), send
 * its replies chunked (--chunked) or close the connection after every reply
 * (--close-after-reply).
 *
 * It uses dbcache/xmlrpc.c for XML-RPC, so the encoder and parser are
 * exercised from both ends. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <glib.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "diag.h"
#include "util.h"
#include "xmlrpc.h"

#define MAX_REQUEST (XMLRPC_MAX_SIZE + 65536)

/* Configuration. */
static const char *unix_path;
static const char *tls_addr;
static const char *cert_file, *key_file;
static const char *port_file;
static const char *fixture_file;
static const char *pid_file;
static const char *calls_file;
static const char *session_ref = "OpaqueRef:test-session";
static GHashTable *fail_methods;    /* method -> char ** ErrorDescription */
static GHashTable *drop_methods;    /* set of methods */
static GHashTable *stall_methods;   /* set of methods */
static GHashTable *garbage_methods; /* set of methods */
static GHashTable *not_http_methods; /* set of methods */
static bool chunked;
static bool close_after_reply;

static struct xmlrpc_value *fixture;
static SSL_CTX *ssl_ctx;

struct client {
    int fd;
    SSL *ssl;                   /* NULL on a Unix socket. */
    bool handshaking;
    bool want_write;            /* TLS: OpenSSL waits to write. */
    GString *in;
    GString *out;
    size_t out_pos;
    bool stalled;               /* Never answer again. */
    bool closing;               /* Close once 'out' is sent. */
    bool dead;
};

static void NO_RETURN
fatal(const char *fmt, ...) PRINTF_FORMAT(1, 2);

static void
fatal(const char *fmt, ...)
{
    va_list args;

    fprintf(stderr, "%s: ", program_name());
    va_start(args, fmt);
    vfprintf(stderr, fmt, args);
    va_end(args);
    fprintf(stderr, "\n");
    exit(1);
}

static void NO_RETURN
usage(void)
{
    printf("usage: %s (--unix PATH | --tls ADDR:PORT --cert FILE --key FILE"
           " [--port-file FILE])\n"
           "          --fixture FILE [--pidfile FILE] [--calls FILE]\n"
           "          [--session REF] [--fail METHOD=CODE[,ARG...]]\n"
           "          [--drop METHOD] [--stall METHOD] [--garbage METHOD]\n"
           "          [--not-http METHOD] [--chunked]\n"
           "          [--close-after-reply]\n", program_name());
    exit(0);
}

/* Writes 'text' to 'path' through a temporary file and a rename, so that a
 * reader never sees it half written. */
static void
write_file_atomic(const char *path, const char *text)
{
    char *tmp = g_strdup_printf("%s.tmp%ld", path, (long) getpid());
    GError *err = NULL;

    if (!g_file_set_contents(tmp, text, -1, &err)) {
        fatal("%s", err->message);
    }
    if (rename(tmp, path) < 0) {
        fatal("rename %s: %s", path, g_strerror(errno));
    }
    g_free(tmp);
}

/* The calls log. */

static void
log_call(const char *method, const struct xmlrpc_value *params)
{
    GString *line;
    FILE *f;

    if (!calls_file) {
        return;
    }
    line = g_string_new(method);
    for (size_t i = 0; i < params->u.array.n; i++) {
        char *text = xmlrpc_value_to_text(params->u.array.items[i]);

        g_string_append_printf(line, " %s", text);
        g_free(text);
    }
    f = fopen(calls_file, "a");
    if (!f) {
        fatal("%s: %s", calls_file, g_strerror(errno));
    }
    fprintf(f, "%s\n", line->str);
    fclose(f);
    g_string_free(line, TRUE);
}

/* XAPI answers. */

static struct xmlrpc_value *
success(struct xmlrpc_value *value)
{
    struct xmlrpc_value *v = xmlrpc_struct_new();

    xmlrpc_struct_set(v, "Status", xmlrpc_string_new("Success"));
    xmlrpc_struct_set(v, "Value", value);
    return v;
}

static struct xmlrpc_value *
failure_strv(char **desc)
{
    struct xmlrpc_value *v = xmlrpc_struct_new();
    struct xmlrpc_value *ed = xmlrpc_array_new();

    for (char **p = desc; *p; p++) {
        xmlrpc_array_append(ed, xmlrpc_string_new(*p));
    }
    xmlrpc_struct_set(v, "Status", xmlrpc_string_new("Failure"));
    xmlrpc_struct_set(v, "ErrorDescription", ed);
    return v;
}

static struct xmlrpc_value *
failure(const char *code, ...)
{
    GPtrArray *desc = g_ptr_array_new();
    struct xmlrpc_value *v;
    const char *arg;
    va_list args;

    g_ptr_array_add(desc, (char *) code);
    va_start(args, code);
    while ((arg = va_arg(args, const char *)) != NULL) {
        g_ptr_array_add(desc, (char *) arg);
    }
    va_end(args);
    g_ptr_array_add(desc, NULL);
    v = failure_strv((char **) desc->pdata);
    g_ptr_array_free(desc, TRUE);
    return v;
}

static const char *
param_str(const struct xmlrpc_value *params, size_t i)
{
    return (i < params->u.array.n
            ? xmlrpc_get_string(params->u.array.items[i]) : NULL);
}

/* Checks that 'method' got 'want' parameters (the session ref included). */
static struct xmlrpc_value *
check_count(const char *method, const struct xmlrpc_value *params,
            size_t want)
{
    if (params->u.array.n != want) {
        char w[32], g[32];

        snprintf(w, sizeof w, "%zu", want);
        snprintf(g, sizeof g, "%zu", params->u.array.n);
        return failure("MESSAGE_PARAMETER_COUNT_MISMATCH", method, w, g,
                       NULL);
    }
    return NULL;
}

static struct xmlrpc_value *
class_call(const char *method, const char *class, const char *op,
           const struct xmlrpc_value *params)
{
    const struct xmlrpc_value *table = xmlrpc_struct_get(fixture, class);
    struct xmlrpc_value *answer;
    const char *arg;

    if (!table) {
        return failure("MESSAGE_METHOD_UNKNOWN", method, NULL);
    }
    if (!strcmp(op, "get_all")) {
        struct xmlrpc_value *refs = xmlrpc_array_new();

        if ((answer = check_count(method, params, 1))) {
            xmlrpc_value_free(refs);
            return answer;
        }
        for (size_t i = 0; i < table->u.strct.n; i++) {
            xmlrpc_array_append(refs,
                                xmlrpc_string_new(table->u.strct.names[i]));
        }
        return success(refs);
    } else if (!strcmp(op, "get_all_records")) {
        if ((answer = check_count(method, params, 1))) {
            return answer;
        }
        return success(xmlrpc_value_copy(table));
    } else if (!strcmp(op, "get_by_uuid")) {
        if ((answer = check_count(method, params, 2))) {
            return answer;
        }
        arg = param_str(params, 1);
        for (size_t i = 0; arg && i < table->u.strct.n; i++) {
            const char *uuid = xmlrpc_get_string(
                xmlrpc_struct_get(table->u.strct.values[i], "uuid"));

            if (uuid && !strcmp(uuid, arg)) {
                return success(xmlrpc_string_new(table->u.strct.names[i]));
            }
        }
        return failure("UUID_INVALID", class, arg ? arg : "", NULL);
    } else if (g_str_has_prefix(op, "get_")) {
        const struct xmlrpc_value *rec, *field = NULL;
        bool whole = !strcmp(op, "get_record");

        if (!whole) {
            /* get_FIELD: only for fields that some record has. */
            for (size_t i = 0; !field && i < table->u.strct.n; i++) {
                field = xmlrpc_struct_get(table->u.strct.values[i], op + 4);
            }
            if (!field) {
                return failure("MESSAGE_METHOD_UNKNOWN", method, NULL);
            }
        }
        if ((answer = check_count(method, params, 2))) {
            return answer;
        }
        arg = param_str(params, 1);
        rec = arg ? xmlrpc_struct_get(table, arg) : NULL;
        if (!rec) {
            return failure("HANDLE_INVALID", class, arg ? arg : "", NULL);
        }
        if (whole) {
            return success(xmlrpc_value_copy(rec));
        }
        field = xmlrpc_struct_get(rec, op + 4);
        return success(field ? xmlrpc_value_copy(field)
                       : xmlrpc_string_new(""));
    }
    return failure("MESSAGE_METHOD_UNKNOWN", method, NULL);
}

static bool
str_in(const char *const *list, const char *s)
{
    for (; *list; list++) {
        if (!strcmp(*list, s)) {
            return true;
        }
    }
    return false;
}

static struct xmlrpc_value *
dispatch(const char *method, const struct xmlrpc_value *params)
{
    static const char *const classes[] = {
        "PIF", "Bond", "VLAN", "tunnel", "network", "pool", "host", NULL
    };
    char **desc = g_hash_table_lookup(fail_methods, method);
    struct xmlrpc_value *answer;
    const char *ref;
    char *class, *dot;

    if (desc) {
        return failure_strv(desc);
    }
    if (!strcmp(method, "session.login_with_password")) {
        if (params->u.array.n < 2 || params->u.array.n > 4) {
            return failure("MESSAGE_PARAMETER_COUNT_MISMATCH", method, "4",
                           NULL);
        }
        return success(xmlrpc_string_new(session_ref));
    }

    ref = param_str(params, 0);
    if (!ref || strcmp(ref, session_ref)) {
        return failure("SESSION_INVALID", ref ? ref : "", NULL);
    }
    if (!strcmp(method, "session.logout")) {
        return success(xmlrpc_string_new(""));
    }

    dot = strchr(method, '.');
    if (!dot) {
        return failure("MESSAGE_METHOD_UNKNOWN", method, NULL);
    }
    class = g_strndup(method, dot - method);
    if (str_in(classes, class)) {
        answer = class_call(method, class, dot + 1, params);
    } else {
        answer = failure("MESSAGE_METHOD_UNKNOWN", method, NULL);
    }
    g_free(class);
    return answer;
}

/* HTTP and clients. */

static GPtrArray *clients;      /* struct client * */

static struct client *
client_new(int fd)
{
    struct client *c = g_new0(struct client, 1);

    c->fd = fd;
    c->in = g_string_new(NULL);
    c->out = g_string_new(NULL);
    if (ssl_ctx) {
        c->ssl = SSL_new(ssl_ctx);
        if (!c->ssl || !SSL_set_fd(c->ssl, fd)) {
            fatal("SSL_new failed");
        }
        SSL_set_accept_state(c->ssl);
        c->handshaking = true;
    }
    return c;
}

static void
client_free(gpointer p)
{
    struct client *c = p;

    if (c->ssl) {
        SSL_free(c->ssl);
    }
    close(c->fd);
    g_string_free(c->in, TRUE);
    g_string_free(c->out, TRUE);
    g_free(c);
}

static void
queue_reply(struct client *c, const char *status, const char *body,
            size_t len)
{
    g_string_append_printf(c->out, "HTTP/1.1 %s\r\n"
                           "Content-Type: text/xml\r\n", status);
    if (chunked) {
        g_string_append(c->out, "Transfer-Encoding: chunked\r\n\r\n");
        for (size_t pos = 0; pos < len; pos += 1000) {
            size_t n = MIN(len - pos, 1000);

            g_string_append_printf(c->out, "%zx\r\n", n);
            g_string_append_len(c->out, body + pos, n);
            g_string_append(c->out, "\r\n");
        }
        g_string_append(c->out, "0\r\n\r\n");
    } else {
        g_string_append_printf(c->out, "Content-Length: %zu\r\n\r\n", len);
        g_string_append_len(c->out, body, len);
    }
    if (close_after_reply) {
        c->closing = true;
    }
}

static void
handle_call(struct client *c, const char *body, size_t len)
{
    struct diag *diag = diag_new();
    struct xmlrpc_value *params = NULL;
    struct xmlrpc_value *answer;
    char *method = NULL;
    char *reply;
    size_t reply_len;

    if (xmlrpc_parse_call(body, len, &method, &params, diag)) {
        for (size_t i = 0; i < diag_count(diag); i++) {
            fprintf(stderr, "%s: %s\n", program_name(), diag_get(diag, i));
        }
        reply = xmlrpc_encode_fault(-32700, "parse error", &reply_len);
        queue_reply(c, "200 OK", reply, reply_len);
        g_free(reply);
        goto out;
    }
    log_call(method, params);
    if (g_hash_table_contains(drop_methods, method)) {
        c->dead = true;
        goto out;
    }
    if (g_hash_table_contains(stall_methods, method)) {
        c->stalled = true;
        goto out;
    }
    if (g_hash_table_contains(garbage_methods, method)) {
        static const char junk[] = "<html><body>Not XML-RPC</body></html>";

        queue_reply(c, "200 OK", junk, strlen(junk));
        goto out;
    }
    if (g_hash_table_contains(not_http_methods, method)) {
        g_string_append(c->out, "SSH-2.0-OpenSSH_9.2\r\n\r\n");
        c->closing = true;
        goto out;
    }
    answer = dispatch(method, params);
    reply = xmlrpc_encode_response(answer, &reply_len);
    queue_reply(c, "200 OK", reply, reply_len);
    g_free(reply);
    xmlrpc_value_free(answer);

out:
    g_free(method);
    xmlrpc_value_free(params);
    diag_free(diag);
}

static void
bad_request(struct client *c, const char *status)
{
    static const char body[] = "bad request\n";

    g_string_append_printf(c->out, "HTTP/1.1 %s\r\nContent-Type: "
                           "text/plain\r\nContent-Length: %zu\r\n"
                           "Connection: close\r\n\r\n%s", status,
                           strlen(body), body);
    c->closing = true;
}

/* Handles every complete request in c->in. */
static void
process_input(struct client *c)
{
    while (!c->stalled && !c->dead && !c->closing) {
        char *end = g_strstr_len(c->in->str, c->in->len, "\r\n\r\n");
        size_t header_len, content_length = 0;
        bool have_length = false;
        char **lines;

        if (!end) {
            if (c->in->len > 65536) {
                bad_request(c, "431 Request Header Fields Too Large");
            }
            return;
        }
        header_len = end + 4 - c->in->str;
        *end = '\0';
        lines = g_strsplit(c->in->str, "\r\n", -1);
        *end = '\r';
        if (!g_str_has_prefix(lines[0], "POST ")
            || !g_str_has_suffix(lines[0], " HTTP/1.1")) {
            g_strfreev(lines);
            bad_request(c, "400 Bad Request");
            return;
        }
        for (size_t i = 1; lines[i]; i++) {
            char *colon = strchr(lines[i], ':');

            if (colon) {
                *colon = '\0';
                if (!g_ascii_strcasecmp(lines[i], "Content-Length")) {
                    content_length = g_ascii_strtoull(colon + 1, NULL, 10);
                    have_length = true;
                }
            }
        }
        g_strfreev(lines);
        if (!have_length || content_length > XMLRPC_MAX_SIZE) {
            bad_request(c, "411 Length Required");
            return;
        }
        if (c->in->len < header_len + content_length) {
            return;
        }
        handle_call(c, c->in->str + header_len, content_length);
        g_string_erase(c->in, 0, header_len + content_length);
    }
}

/* Drives the TLS handshake.  Returns true once it is done. */
static bool
client_handshake(struct client *c)
{
    int r, err;

    ERR_clear_error();
    r = SSL_accept(c->ssl);
    if (r == 1) {
        c->handshaking = false;
        return true;
    }
    err = SSL_get_error(c->ssl, r);
    if (err == SSL_ERROR_WANT_WRITE) {
        c->want_write = true;
    } else if (err != SSL_ERROR_WANT_READ) {
        unsigned long code = ERR_get_error();
        char buf[256] = "connection closed";

        if (code) {
            ERR_error_string_n(code, buf, sizeof buf);
        }
        fprintf(stderr, "%s: TLS handshake failed: %s\n", program_name(),
                buf);
        ERR_clear_error();
        c->dead = true;
    }
    return false;
}

static void
client_read(struct client *c)
{
    char buf[16384];

    if (c->ssl && c->handshaking && !client_handshake(c)) {
        return;
    }
    for (;;) {
        ssize_t n;

        if (c->ssl) {
            int r, err;

            ERR_clear_error();
            r = SSL_read(c->ssl, buf, sizeof buf);
            if (r > 0) {
                n = r;
            } else {
                err = SSL_get_error(c->ssl, r);
                if (err == SSL_ERROR_WANT_READ) {
                    break;
                } else if (err == SSL_ERROR_WANT_WRITE) {
                    c->want_write = true;
                    break;
                }
                ERR_clear_error();
                c->dead = true;
                return;
            }
        } else {
            n = recv(c->fd, buf, sizeof buf, 0);
            if (n < 0 && errno == EINTR) {
                continue;
            } else if (n < 0 && errno == EAGAIN) {
                break;
            } else if (n <= 0) {
                c->dead = true;
                return;
            }
        }
        if (!c->stalled) {
            g_string_append_len(c->in, buf, n);
            if (c->in->len > MAX_REQUEST) {
                c->dead = true;
                return;
            }
        }
    }
    process_input(c);
}

static void
client_write(struct client *c)
{
    while (c->out_pos < c->out->len) {
        size_t len = c->out->len - c->out_pos;
        const char *p = c->out->str + c->out_pos;
        ssize_t n;

        if (c->ssl) {
            int r = SSL_write(c->ssl, p, len > INT32_MAX ? INT32_MAX : len);

            if (r <= 0) {
                int err = SSL_get_error(c->ssl, r);

                if (err == SSL_ERROR_WANT_WRITE) {
                    c->want_write = true;
                    return;
                } else if (err == SSL_ERROR_WANT_READ) {
                    return;
                }
                ERR_clear_error();
                c->dead = true;
                return;
            }
            n = r;
        } else {
            n = send(c->fd, p, len, MSG_NOSIGNAL);
            if (n < 0 && errno == EINTR) {
                continue;
            } else if (n < 0 && errno == EAGAIN) {
                return;
            } else if (n < 0) {
                c->dead = true;
                return;
            }
        }
        c->out_pos += n;
    }
    g_string_truncate(c->out, 0);
    c->out_pos = 0;
    if (c->closing) {
        c->dead = true;
    }
}

/* Set-up. */

static void
load_fixture(void)
{
    struct diag *diag = diag_new();
    GError *err = NULL;
    char *data;
    gsize len;

    if (!g_file_get_contents(fixture_file, &data, &len, &err)) {
        fatal("%s", err->message);
    }
    if (xmlrpc_parse_value_document(data, len, fixture_file, &fixture,
                                    diag)) {
        diag_print(diag, stderr, program_name());
        exit(1);
    }
    g_free(data);
    diag_free(diag);

    if (fixture->type != XMLRPC_STRUCT) {
        fatal("%s: the fixture must be a struct of classes", fixture_file);
    }
    for (size_t i = 0; i < fixture->u.strct.n; i++) {
        const struct xmlrpc_value *table = fixture->u.strct.values[i];

        if (table->type != XMLRPC_STRUCT) {
            fatal("%s: class %s is not a struct", fixture_file,
                  fixture->u.strct.names[i]);
        }
        for (size_t j = 0; j < table->u.strct.n; j++) {
            if (table->u.strct.values[j]->type != XMLRPC_STRUCT) {
                fatal("%s: %s %s is not a struct", fixture_file,
                      fixture->u.strct.names[i], table->u.strct.names[j]);
            }
        }
    }
}

static int
listen_unix(void)
{
    struct sockaddr_un sun;
    struct stat st;
    int fd;

    memset(&sun, 0, sizeof sun);
    sun.sun_family = AF_UNIX;
    if (strlen(unix_path) >= sizeof sun.sun_path) {
        fatal("%s: path too long for a Unix socket", unix_path);
    }
    strcpy(sun.sun_path, unix_path);
    if (!lstat(unix_path, &st) && S_ISSOCK(st.st_mode)) {
        unlink(unix_path);
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *) &sun, sizeof sun) < 0
        || listen(fd, 16) < 0) {
        fatal("%s: %s", unix_path, g_strerror(errno));
    }
    return fd;
}

static int
listen_tls(void)
{
    struct sockaddr_storage ss;
    socklen_t ss_len;
    const char *colon = strrchr(tls_addr, ':');
    char *host;
    long port;
    int one = 1;
    int fd;

    if (!colon) {
        fatal("%s: expected ADDR:PORT", tls_addr);
    }
    port = strtol(colon + 1, NULL, 10);
    if (port < 0 || port > 65535) {
        fatal("%s: bad port", tls_addr);
    }
    if (tls_addr[0] == '[' && colon > tls_addr && colon[-1] == ']') {
        host = g_strndup(tls_addr + 1, colon - tls_addr - 2);
    } else {
        host = g_strndup(tls_addr, colon - tls_addr);
    }
    memset(&ss, 0, sizeof ss);
    if (strchr(host, ':')) {
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) &ss;

        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons(port);
        if (inet_pton(AF_INET6, host, &sin6->sin6_addr) != 1) {
            fatal("%s: bad address", tls_addr);
        }
        ss_len = sizeof *sin6;
    } else {
        struct sockaddr_in *sin = (struct sockaddr_in *) &ss;

        sin->sin_family = AF_INET;
        sin->sin_port = htons(port);
        if (inet_pton(AF_INET, host, &sin->sin_addr) != 1) {
            fatal("%s: bad address", tls_addr);
        }
        ss_len = sizeof *sin;
    }
    g_free(host);

    fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        fatal("socket: %s", g_strerror(errno));
    }
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr *) &ss, ss_len) < 0 || listen(fd, 16) < 0) {
        fatal("%s: %s", tls_addr, g_strerror(errno));
    }
    ss_len = sizeof ss;
    if (getsockname(fd, (struct sockaddr *) &ss, &ss_len) < 0) {
        fatal("getsockname: %s", g_strerror(errno));
    }
    port = ntohs(ss.ss_family == AF_INET6
                 ? ((struct sockaddr_in6 *) &ss)->sin6_port
                 : ((struct sockaddr_in *) &ss)->sin_port);
    if (port_file) {
        char *text = g_strdup_printf("%ld\n", port);

        write_file_atomic(port_file, text);
        g_free(text);
    }

    ssl_ctx = SSL_CTX_new(TLS_server_method());
    if (!ssl_ctx
        || !SSL_CTX_set_min_proto_version(ssl_ctx, TLS1_2_VERSION)
        || SSL_CTX_use_certificate_chain_file(ssl_ctx, cert_file) != 1
        || SSL_CTX_use_PrivateKey_file(ssl_ctx, key_file,
                                       SSL_FILETYPE_PEM) != 1
        || SSL_CTX_check_private_key(ssl_ctx) != 1) {
        char buf[256];

        ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
        fatal("TLS set-up (%s, %s): %s", cert_file, key_file, buf);
    }
    SSL_CTX_set_mode(ssl_ctx, SSL_MODE_ENABLE_PARTIAL_WRITE
                     | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    return fd;
}

static void
parse_fail(const char *arg)
{
    const char *eq = strchr(arg, '=');

    if (!eq || eq == arg || !eq[1]) {
        fatal("--fail %s: expected METHOD=CODE[,ARG...]", arg);
    }
    g_hash_table_insert(fail_methods, g_strndup(arg, eq - arg),
                        g_strsplit(eq + 1, ",", -1));
}

static void
parse_options(int argc, char *argv[])
{
    enum {
        OPT_UNIX = 256, OPT_TLS, OPT_CERT, OPT_KEY, OPT_PORT_FILE,
        OPT_FIXTURE, OPT_PIDFILE, OPT_CALLS, OPT_SESSION, OPT_FAIL,
        OPT_DROP, OPT_STALL, OPT_GARBAGE, OPT_NOT_HTTP, OPT_CHUNKED,
        OPT_CLOSE, OPT_HELP,
    };
    static const struct option long_options[] = {
        { "unix", required_argument, NULL, OPT_UNIX },
        { "tls", required_argument, NULL, OPT_TLS },
        { "cert", required_argument, NULL, OPT_CERT },
        { "key", required_argument, NULL, OPT_KEY },
        { "port-file", required_argument, NULL, OPT_PORT_FILE },
        { "fixture", required_argument, NULL, OPT_FIXTURE },
        { "pidfile", required_argument, NULL, OPT_PIDFILE },
        { "calls", required_argument, NULL, OPT_CALLS },
        { "session", required_argument, NULL, OPT_SESSION },
        { "fail", required_argument, NULL, OPT_FAIL },
        { "drop", required_argument, NULL, OPT_DROP },
        { "stall", required_argument, NULL, OPT_STALL },
        { "garbage", required_argument, NULL, OPT_GARBAGE },
        { "not-http", required_argument, NULL, OPT_NOT_HTTP },
        { "chunked", no_argument, NULL, OPT_CHUNKED },
        { "close-after-reply", no_argument, NULL, OPT_CLOSE },
        { "help", no_argument, NULL, OPT_HELP },
        { NULL, 0, NULL, 0 },
    };
    int opt;

    while ((opt = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
        switch (opt) {
        case OPT_UNIX:
            unix_path = optarg;
            break;
        case OPT_TLS:
            tls_addr = optarg;
            break;
        case OPT_CERT:
            cert_file = optarg;
            break;
        case OPT_KEY:
            key_file = optarg;
            break;
        case OPT_PORT_FILE:
            port_file = optarg;
            break;
        case OPT_FIXTURE:
            fixture_file = optarg;
            break;
        case OPT_PIDFILE:
            pid_file = optarg;
            break;
        case OPT_CALLS:
            calls_file = optarg;
            break;
        case OPT_SESSION:
            session_ref = optarg;
            break;
        case OPT_FAIL:
            parse_fail(optarg);
            break;
        case OPT_DROP:
            g_hash_table_add(drop_methods, g_strdup(optarg));
            break;
        case OPT_STALL:
            g_hash_table_add(stall_methods, g_strdup(optarg));
            break;
        case OPT_GARBAGE:
            g_hash_table_add(garbage_methods, g_strdup(optarg));
            break;
        case OPT_NOT_HTTP:
            g_hash_table_add(not_http_methods, g_strdup(optarg));
            break;
        case OPT_CHUNKED:
            chunked = true;
            break;
        case OPT_CLOSE:
            close_after_reply = true;
            break;
        case OPT_HELP:
            usage();
        default:
            exit(2);
        }
    }
    if (optind != argc) {
        fatal("unexpected argument %s (try --help)", argv[optind]);
    }
    if (!fixture_file) {
        fatal("--fixture is required (try --help)");
    }
    if (!unix_path == !tls_addr) {
        fatal("give exactly one of --unix and --tls (try --help)");
    }
    if (tls_addr && (!cert_file || !key_file)) {
        fatal("--tls needs --cert and --key");
    }
}

int
main(int argc, char *argv[])
{
    sigset_t mask;
    int lfd, sfd;

    set_program_name(argv[0]);
    fail_methods = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) g_strfreev);
    drop_methods = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                         NULL);
    stall_methods = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                          NULL);
    garbage_methods = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                            NULL);
    not_http_methods = g_hash_table_new_full(g_str_hash, g_str_equal,
                                             g_free, NULL);
    parse_options(argc, argv);
    load_fixture();

    /* SIGTERM and SIGINT arrive through a descriptor, so poll() sees them
     * without races. */
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0) {
        fatal("sigprocmask: %s", g_strerror(errno));
    }
    sfd = signalfd(-1, &mask, SFD_CLOEXEC);
    if (sfd < 0) {
        fatal("signalfd: %s", g_strerror(errno));
    }
    signal(SIGPIPE, SIG_IGN);

    lfd = unix_path ? listen_unix() : listen_tls();
    if (pid_file) {
        char *text = g_strdup_printf("%ld\n", (long) getpid());

        write_file_atomic(pid_file, text);
        g_free(text);
    }
    fprintf(stderr, "%s: listening on %s%s\n", program_name(),
            unix_path ? "unix:" : "tls:", unix_path ? unix_path : tls_addr);

    clients = g_ptr_array_new_with_free_func(client_free);
    for (;;) {
        size_t n = clients->len + 2;
        struct pollfd *pfds = g_new0(struct pollfd, n);
        bool stop = false;

        pfds[0].fd = sfd;
        pfds[0].events = POLLIN;
        pfds[1].fd = lfd;
        pfds[1].events = POLLIN;
        for (size_t i = 0; i < clients->len; i++) {
            struct client *c = g_ptr_array_index(clients, i);

            pfds[i + 2].fd = c->fd;
            pfds[i + 2].events = POLLIN;
            if (c->out_pos < c->out->len || c->want_write) {
                pfds[i + 2].events |= POLLOUT;
            }
        }
        if (poll(pfds, n, -1) < 0) {
            if (errno != EINTR) {
                fatal("poll: %s", g_strerror(errno));
            }
            g_free(pfds);
            continue;
        }
        if (pfds[0].revents) {
            stop = true;
        }
        for (size_t i = 0; i < n - 2; i++) {
            struct client *c = g_ptr_array_index(clients, i);
            short revents = pfds[i + 2].revents;

            if (revents & POLLOUT) {
                c->want_write = false;
                if (c->handshaking) {
                    client_read(c);
                }
                client_write(c);
            }
            if (!c->dead && (revents & (POLLIN | POLLHUP | POLLERR))) {
                client_read(c);
            }
            if (!c->dead && c->out_pos < c->out->len) {
                client_write(c);
            }
        }
        for (size_t i = clients->len; i-- > 0;) {
            struct client *c = g_ptr_array_index(clients, i);

            if (c->dead) {
                g_ptr_array_remove_index(clients, i);
            }
        }
        if (pfds[1].revents & POLLIN) {
            int fd;

            while ((fd = accept4(lfd, NULL, NULL,
                                 SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
                g_ptr_array_add(clients, client_new(fd));
            }
        }
        g_free(pfds);
        if (stop) {
            break;
        }
    }

    g_ptr_array_free(clients, TRUE);
    close(lfd);
    close(sfd);
    if (unix_path) {
        unlink(unix_path);
    }
    if (pid_file) {
        unlink(pid_file);
    }
    SSL_CTX_free(ssl_ctx);
    xmlrpc_value_free(fixture);
    g_hash_table_destroy(fail_methods);
    g_hash_table_destroy(drop_methods);
    g_hash_table_destroy(stall_methods);
    g_hash_table_destroy(garbage_methods);
    g_hash_table_destroy(not_http_methods);
    return 0;
}
