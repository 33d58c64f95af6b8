/* xapi.c -- the XAPI client (see xapi.h).
 *
 * Three layers, bottom up:
 *
 *   - transports: a connection to XAPI behind struct xapi_transport_class
 *     (open, write, read, close), implemented for a Unix socket and for
 *     TLS over TCP.  Sockets are non-blocking and every wait goes through
 *     poll() with a timeout.  TLS runs OpenSSL over memory BIOs, so that
 *     every byte still goes through the same send()/recv() and poll() code
 *     as the Unix socket (and no write can raise SIGPIPE); OpenSSL's error
 *     queue is turned into a message in one place, tls_diag().
 *   - HTTP/1.1: one POST of text/xml per call on a kept-alive connection,
 *     the reply read by Content-Length or chunked encoding.
 *   - XAPI: calls with the session ref prepended, Success/Failure
 *     envelopes, login and logout, and xapi_read_model(), which fills the
 *     model of model.h through its field tables the way the original
 *     DatabaseCache read XAPI.
 *
 * XML-RPC encoding and parsing live in xmlrpc.c, the inventory file in
 * inventory.c; the test XAPI server (tests/test-xapi-server.c) is the
 * other end of all of this in the tests. */
#include <config.h>

#include "xapi.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "diag.h"
#include "inventory.h"
#include "log.h"
#include "model.h"
#include "util.h"
#include "xmlrpc.h"

LOG_DEFINE_THIS_MODULE(xapi);

#define DEFAULT_CONNECT_TIMEOUT_MS 5000
#define DEFAULT_IO_TIMEOUT_MS 30000

/* Limits on what the server may send. */
#define MAX_HEADER_LINE 8192
#define MAX_HEADER_LINES 100

/* Where and how to connect.  Everything a transport needs. */
struct xapi_target {
    char *name;                 /* "unix:PATH" or "https://HOST:PORT". */
    const struct xapi_transport_class *class;
    char *path;                 /* unix: socket path. */
    char *host;                 /* https: name or IP address, unbracketed. */
    char *port;                 /* https: port, as text. */
    char *host_header;          /* HTTP Host header. */
    SSL_CTX *ssl_ctx;           /* https. */
    int connect_timeout_ms;
    int io_timeout_ms;
    const char *doing;          /* Method being called, for messages. */
};

struct xapi_conn;

/* A transport.  Functions return 0 (or a byte count) on success and a
 * negative errno value on failure, after adding a message to 'diag'. */
struct xapi_transport_class {
    const char *name;

    /* Connects to 'target' within its connect timeout. */
    int (*open)(struct xapi_target *target, struct xapi_conn **connp,
                struct diag *diag);
    /* Writes all 'len' bytes, waiting at most the I/O timeout for the
     * connection to take each part. */
    int (*write)(struct xapi_conn *, const void *data, size_t len,
                 struct diag *diag);
    /* Reads up to 'len' bytes, waiting at most the I/O timeout for some to
     * arrive.  Returns the number read, 0 at end of stream. */
    int (*read)(struct xapi_conn *, void *buf, size_t len,
                struct diag *diag);
    void (*close)(struct xapi_conn *);
};

/* The part of a connection common to every transport. */
struct xapi_conn {
    const struct xapi_transport_class *class;
    struct xapi_target *target;
    int fd;
};

struct xapi_session {
    struct xapi_target target;
    struct xapi_conn *conn;     /* NULL when not connected. */
    bool conn_used;             /* 'conn' has carried a request. */
    char *ref;                  /* Session ref. */
    bool logged_in;             /* We logged in, so we log out. */
    char **last_failure;        /* ErrorDescription of the last call. */

    /* Bytes received but not yet consumed by the HTTP reader. */
    char ibuf[16384];
    size_t ipos, ilen;
};

/* Messages. */

static void target_diag(const struct xapi_target *, struct diag *,
                        const char *fmt, ...) PRINTF_FORMAT(3, 4);

/* Adds "XAPI NAME: [METHOD: ]MESSAGE" to 'diag'. */
static void
target_diag(const struct xapi_target *t, struct diag *diag,
            const char *fmt, ...)
{
    va_list args;
    char *msg;

    va_start(args, fmt);
    msg = g_strdup_vprintf(fmt, args);
    va_end(args);
    if (t->doing) {
        diag_add(diag, "XAPI %s: %s: %s", t->name, t->doing, msg);
    } else {
        diag_add(diag, "XAPI %s: %s", t->name, msg);
    }
    g_free(msg);
}

/* Copies every message of 'from' into 'to'. */
static void
diag_copy(struct diag *to, const struct diag *from)
{
    for (size_t i = 0; i < diag_count(from); i++) {
        diag_add(to, "%s", diag_get(from, i));
    }
}

/* Time and waiting. */

static long long
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Waits until 'fd' is ready for 'events' or 'deadline' (now_ms() time)
 * passes.  Returns 0 when ready, -ETIMEDOUT, or another negative errno. */
static int
wait_fd(int fd, short events, long long deadline)
{
    for (;;) {
        struct pollfd pfd = { .fd = fd, .events = events };
        long long left = deadline - now_ms();
        int n;

        if (left <= 0) {
            return -ETIMEDOUT;
        }
        n = poll(&pfd, 1, left > INT32_MAX ? INT32_MAX : (int) left);
        if (n > 0) {
            return 0;
        } else if (n < 0 && errno != EINTR) {
            return -errno;
        }
    }
}

/* Socket helpers shared by both transports. */

/* Connects non-blocking socket 'fd' to 'sa' by 'deadline'. */
static int
socket_connect(int fd, const struct sockaddr *sa, socklen_t sa_len,
               long long deadline)
{
    int error;

    while (connect(fd, sa, sa_len) < 0) {
        if (errno == EINTR) {
            continue;
        } else if (errno == EAGAIN) {
            /* A Unix socket whose listen queue is full: try again soon. */
            if (now_ms() >= deadline) {
                return -ETIMEDOUT;
            }
            poll(NULL, 0, 10);
            continue;
        } else if (errno == EINPROGRESS) {
            socklen_t len = sizeof error;

            error = wait_fd(fd, POLLOUT, deadline);
            if (error) {
                return error;
            }
            if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) < 0) {
                return -errno;
            }
            return -error;
        } else {
            return -errno;
        }
    }
    return 0;
}

/* Sends all of 'data' on 'fd', waiting at most 'timeout_ms' whenever the
 * socket does not take more. */
static int
socket_write(struct xapi_conn *c, const void *data, size_t len,
             struct diag *diag)
{
    const char *p = data;

    while (len) {
        ssize_t n = send(c->fd, p, len, MSG_NOSIGNAL);

        if (n > 0) {
            p += n;
            len -= n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && errno == EAGAIN) {
            int error = wait_fd(c->fd, POLLOUT,
                                now_ms() + c->target->io_timeout_ms);

            if (error == -ETIMEDOUT) {
                target_diag(c->target, diag, "send: server took no data for "
                            "%d ms", c->target->io_timeout_ms);
                return error;
            } else if (error) {
                target_diag(c->target, diag, "send: %s",
                            g_strerror(-error));
                return error;
            }
        } else {
            int error = n < 0 ? errno : EPIPE;

            target_diag(c->target, diag, "send: %s", g_strerror(error));
            return -error;
        }
    }
    return 0;
}

/* Receives up to 'len' bytes from 'fd', waiting at most the I/O timeout. */
static int
socket_read(struct xapi_conn *c, void *buf, size_t len, struct diag *diag)
{
    for (;;) {
        ssize_t n = recv(c->fd, buf, len, 0);

        if (n >= 0) {
            return n;
        } else if (errno == EINTR) {
            continue;
        } else if (errno == EAGAIN) {
            int error = wait_fd(c->fd, POLLIN,
                                now_ms() + c->target->io_timeout_ms);

            if (error == -ETIMEDOUT) {
                target_diag(c->target, diag, "no reply from the server "
                            "within %d ms", c->target->io_timeout_ms);
                return error;
            } else if (error) {
                target_diag(c->target, diag, "recv: %s",
                            g_strerror(-error));
                return error;
            }
        } else {
            int error = errno;

            target_diag(c->target, diag, "recv: %s", g_strerror(error));
            return -error;
        }
    }
}

/* The Unix socket transport. */

static int
unix_open(struct xapi_target *t, struct xapi_conn **connp, struct diag *diag)
{
    long long deadline = now_ms() + t->connect_timeout_ms;
    struct sockaddr_un sun;
    struct xapi_conn *c;
    int error;
    int fd;

    memset(&sun, 0, sizeof sun);
    sun.sun_family = AF_UNIX;
    if (strlen(t->path) >= sizeof sun.sun_path) {
        target_diag(t, diag, "socket path is longer than %zu bytes",
                    sizeof sun.sun_path - 1);
        return -ENAMETOOLONG;
    }
    strcpy(sun.sun_path, t->path);

    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error = -errno;
        target_diag(t, diag, "socket: %s", g_strerror(-error));
        return error;
    }
    error = socket_connect(fd, (struct sockaddr *) &sun, sizeof sun,
                           deadline);
    if (error) {
        if (error == -ETIMEDOUT) {
            target_diag(t, diag, "connect: no answer within %d ms",
                        t->connect_timeout_ms);
        } else {
            target_diag(t, diag, "connect: %s", g_strerror(-error));
        }
        close(fd);
        return error;
    }

    c = g_new0(struct xapi_conn, 1);
    c->class = t->class;
    c->target = t;
    c->fd = fd;
    *connp = c;
    return 0;
}

static void
unix_close(struct xapi_conn *c)
{
    close(c->fd);
    g_free(c);
}

static const struct xapi_transport_class unix_transport = {
    "unix", unix_open, socket_write, socket_read, unix_close,
};

/* The TLS transport. */

struct tls_conn {
    struct xapi_conn up;
    SSL *ssl;
    BIO *rbio;                  /* Network -> SSL.  Owned by 'ssl'. */
    BIO *wbio;                  /* SSL -> network.  Owned by 'ssl'. */
};

static struct tls_conn *
tls_conn_cast(struct xapi_conn *c)
{
    return (struct tls_conn *) c;
}

/* The one place where OpenSSL's error queue becomes text: adds "WHAT:
 * reason; reason" to 'diag' and empties the queue. */
static void
tls_diag(const struct xapi_target *t, struct diag *diag, const char *what,
         const char *extra)
{
    GString *s = g_string_new(NULL);
    unsigned long code;

    while ((code = ERR_get_error()) != 0) {
        char buf[256];

        ERR_error_string_n(code, buf, sizeof buf);
        g_string_append_printf(s, "%s%s", s->len ? "; " : "", buf);
    }
    if (!s->len) {
        g_string_append(s, "unknown TLS error");
    }
    if (extra) {
        g_string_append_printf(s, " (%s)", extra);
    }
    target_diag(t, diag, "%s: %s", what, s->str);
    g_string_free(s, TRUE);
}

/* Sends whatever OpenSSL has queued for the network. */
static int
tls_flush(struct tls_conn *tc, struct diag *diag)
{
    char buf[16384];

    while (BIO_ctrl_pending(tc->wbio) > 0) {
        int n = BIO_read(tc->wbio, buf, sizeof buf);
        int error;

        if (n <= 0) {
            break;
        }
        error = socket_write(&tc->up, buf, n, diag);
        if (error) {
            return error;
        }
    }
    return 0;
}

/* Receives some bytes from the network into OpenSSL, waiting until
 * 'deadline'.  Returns the number of bytes, 0 at end of stream. */
static int
tls_fill(struct tls_conn *tc, long long deadline, struct diag *diag)
{
    char buf[16384];

    for (;;) {
        ssize_t n = recv(tc->up.fd, buf, sizeof buf, 0);

        if (n > 0) {
            BIO_write(tc->rbio, buf, n);
            return n;
        } else if (n == 0) {
            return 0;
        } else if (errno == EINTR) {
            continue;
        } else if (errno == EAGAIN) {
            int error = wait_fd(tc->up.fd, POLLIN, deadline);

            if (error) {
                return error;
            }
        } else {
            return -errno;
        }
    }
}

static bool
is_ip_address(const char *host)
{
    unsigned char buf[sizeof(struct in6_addr)];

    return (inet_pton(AF_INET, host, buf) == 1
            || inet_pton(AF_INET6, host, buf) == 1);
}

/* Runs the TLS handshake on 'tc' by 'deadline'. */
static int
tls_handshake(struct tls_conn *tc, long long deadline, struct diag *diag)
{
    struct xapi_target *t = tc->up.target;

    for (;;) {
        int r, err, error;

        ERR_clear_error();
        r = SSL_connect(tc->ssl);
        err = r == 1 ? SSL_ERROR_NONE : SSL_get_error(tc->ssl, r);
        /* Send what the handshake produced (on failure: its alert). */
        error = tls_flush(tc, diag);
        if (err == SSL_ERROR_NONE && !error) {
            return 0;
        } else if (err == SSL_ERROR_WANT_READ && !error) {
            int n = tls_fill(tc, deadline, diag);

            if (n == 0) {
                target_diag(t, diag, "TLS handshake: server closed the "
                            "connection");
                return -ECONNRESET;
            } else if (n == -ETIMEDOUT) {
                target_diag(t, diag, "TLS handshake: no answer within %d ms",
                            t->connect_timeout_ms);
                return n;
            } else if (n < 0) {
                target_diag(t, diag, "TLS handshake: recv: %s",
                            g_strerror(-n));
                return n;
            }
        } else if (err == SSL_ERROR_SSL || err == SSL_ERROR_SYSCALL) {
            long verify = SSL_get_verify_result(tc->ssl);

            if (verify != X509_V_OK) {
                tls_diag(t, diag, "TLS handshake",
                         X509_verify_cert_error_string(verify));
                return -EPERM;
            }
            tls_diag(t, diag, "TLS handshake", NULL);
            return -EPROTO;
        } else if (error) {
            ERR_clear_error();
            return error;
        } else {
            tls_diag(t, diag, "TLS handshake", NULL);
            return -EPROTO;
        }
    }
}

static int
tcp_connect(struct xapi_target *t, long long deadline, int *fdp,
            struct diag *diag)
{
    struct addrinfo hints, *res = NULL;
    int error = -EHOSTUNREACH;
    int gai;

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    gai = getaddrinfo(t->host, t->port, &hints, &res);
    if (gai) {
        target_diag(t, diag, "resolve %s: %s", t->host, gai_strerror(gai));
        return gai == EAI_SYSTEM ? -errno : -EHOSTUNREACH;
    }
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        int one = 1;
        int fd;

        fd = socket(ai->ai_family,
                    ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                    ai->ai_protocol);
        if (fd < 0) {
            error = -errno;
            continue;
        }
        error = socket_connect(fd, ai->ai_addr, ai->ai_addrlen, deadline);
        if (!error) {
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            *fdp = fd;
            break;
        }
        close(fd);
        if (error == -ETIMEDOUT) {
            break;
        }
    }
    freeaddrinfo(res);
    if (error == -ETIMEDOUT) {
        target_diag(t, diag, "connect: no answer within %d ms",
                    t->connect_timeout_ms);
    } else if (error) {
        target_diag(t, diag, "connect: %s", g_strerror(-error));
    }
    return error;
}

static int
tls_open(struct xapi_target *t, struct xapi_conn **connp, struct diag *diag)
{
    long long deadline = now_ms() + t->connect_timeout_ms;
    struct tls_conn *tc = NULL;
    int error;
    int fd = -1;

    error = tcp_connect(t, deadline, &fd, diag);
    if (error) {
        return error;
    }

    tc = g_new0(struct tls_conn, 1);
    tc->up.class = t->class;
    tc->up.target = t;
    tc->up.fd = fd;
    ERR_clear_error();
    tc->ssl = SSL_new(t->ssl_ctx);
    tc->rbio = BIO_new(BIO_s_mem());
    tc->wbio = BIO_new(BIO_s_mem());
    if (!tc->ssl || !tc->rbio || !tc->wbio) {
        tls_diag(t, diag, "TLS setup", NULL);
        BIO_free(tc->rbio);
        BIO_free(tc->wbio);
        error = -ENOMEM;
        goto out;
    }
    /* An empty read BIO means "wait for more", not end of stream. */
    BIO_set_mem_eof_return(tc->rbio, -1);
    SSL_set_bio(tc->ssl, tc->rbio, tc->wbio);

    if (is_ip_address(t->host)) {
        if (!X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(tc->ssl),
                                           t->host)) {
            tls_diag(t, diag, "TLS setup", NULL);
            error = -EINVAL;
            goto out;
        }
    } else if (!SSL_set_tlsext_host_name(tc->ssl, t->host)
               || !SSL_set1_host(tc->ssl, t->host)) {
        tls_diag(t, diag, "TLS setup", NULL);
        error = -EINVAL;
        goto out;
    }
    X509_VERIFY_PARAM_set_hostflags(SSL_get0_param(tc->ssl),
                                    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);

    error = tls_handshake(tc, deadline, diag);

out:
    if (error) {
        SSL_free(tc->ssl);
        close(fd);
        g_free(tc);
    } else {
        *connp = &tc->up;
    }
    return error;
}

static int
tls_write(struct xapi_conn *c, const void *data, size_t len,
          struct diag *diag)
{
    struct tls_conn *tc = tls_conn_cast(c);
    const char *p = data;

    while (len) {
        int chunk = len > INT32_MAX ? INT32_MAX : (int) len;
        int n, error;

        ERR_clear_error();
        n = SSL_write(tc->ssl, p, chunk);
        if (n <= 0) {
            tls_diag(c->target, diag, "TLS write", NULL);
            return -EPROTO;
        }
        p += n;
        len -= n;
        /* Memory BIOs never block: send what was encrypted. */
        error = tls_flush(tc, diag);
        if (error) {
            return error;
        }
    }
    return 0;
}

static int
tls_read(struct xapi_conn *c, void *buf, size_t len, struct diag *diag)
{
    struct tls_conn *tc = tls_conn_cast(c);
    int chunk = len > INT32_MAX ? INT32_MAX : (int) len;

    for (;;) {
        int n, err, error;

        ERR_clear_error();
        n = SSL_read(tc->ssl, buf, chunk);
        if (n > 0) {
            return n;
        }
        err = SSL_get_error(tc->ssl, n);
        if (err == SSL_ERROR_ZERO_RETURN) {
            return 0;
        } else if (err == SSL_ERROR_WANT_READ) {
            error = tls_flush(tc, diag);
            if (error) {
                return error;
            }
            n = tls_fill(tc, now_ms() + c->target->io_timeout_ms, diag);
            if (n == 0) {
                /* Closed without close_notify: the HTTP layer decides
                 * whether anything was cut short. */
                return 0;
            } else if (n == -ETIMEDOUT) {
                target_diag(c->target, diag, "no reply from the server "
                            "within %d ms", c->target->io_timeout_ms);
                return n;
            } else if (n < 0) {
                target_diag(c->target, diag, "recv: %s", g_strerror(-n));
                return n;
            }
        } else if (err == SSL_ERROR_WANT_WRITE) {
            error = tls_flush(tc, diag);
            if (error) {
                return error;
            }
        } else {
            tls_diag(c->target, diag, "TLS read", NULL);
            return -EPROTO;
        }
    }
}

static void
tls_close(struct xapi_conn *c)
{
    struct tls_conn *tc = tls_conn_cast(c);

    /* A polite close_notify, if the socket takes it at once. */
    ERR_clear_error();
    if (SSL_shutdown(tc->ssl) >= 0) {
        char buf[4096];
        int n;

        while ((n = BIO_read(tc->wbio, buf, sizeof buf)) > 0) {
            if (send(c->fd, buf, n, MSG_NOSIGNAL | MSG_DONTWAIT) != n) {
                break;
            }
        }
    }
    ERR_clear_error();
    SSL_free(tc->ssl);
    close(c->fd);
    g_free(tc);
}

static const struct xapi_transport_class tls_transport = {
    "tls", tls_open, tls_write, tls_read, tls_close,
};

/* Targets. */

static void
target_clear(struct xapi_target *t)
{
    g_free(t->name);
    g_free(t->path);
    g_free(t->host);
    g_free(t->port);
    g_free(t->host_header);
    SSL_CTX_free(t->ssl_ctx);
    memset(t, 0, sizeof *t);
}

static int
target_init_tls(struct xapi_target *t, const struct xapi_options *o,
                struct diag *diag)
{
    SSL_CTX *ctx;

    ERR_clear_error();
    ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx) {
        tls_diag(t, diag, "TLS setup", NULL);
        return -ENOMEM;
    }
    t->ssl_ctx = ctx;
    if (!SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION)) {
        tls_diag(t, diag, "TLS setup", NULL);
        return -EINVAL;
    }
    if (o->insecure) {
        SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
        return 0;
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    if (o->ca_file) {
        struct stat st;

        if (stat(o->ca_file, &st) < 0) {
            int error = -errno;

            target_diag(t, diag, "CA file %s: %s", o->ca_file,
                        g_strerror(-error));
            return error;
        }
        if (!SSL_CTX_load_verify_locations(ctx, o->ca_file, NULL)) {
            char *what = g_strdup_printf("CA file %s", o->ca_file);

            tls_diag(t, diag, what, NULL);
            g_free(what);
            return -EINVAL;
        }
    } else if (!SSL_CTX_set_default_verify_paths(ctx)) {
        tls_diag(t, diag, "default CA store", NULL);
        return -EINVAL;
    }
    return 0;
}

/* Parses "https://HOST[:PORT][/]" into 't'. */
static int
target_parse_https(struct xapi_target *t, const char *url, struct diag *diag)
{
    const char *p = url + strlen("https://");
    const char *end = p + strcspn(p, "/");
    const char *host_end, *port;
    char *endptr;
    long port_no;

    if (*end && strcmp(end, "/")) {
        goto bad;
    }
    if (*p == '[') {
        host_end = memchr(p, ']', end - p);
        if (!host_end) {
            goto bad;
        }
        t->host = g_strndup(p + 1, host_end - p - 1);
        port = host_end + 1;
        if (port < end && *port != ':') {
            goto bad;
        }
    } else {
        host_end = memchr(p, ':', end - p);
        if (!host_end) {
            host_end = end;
        }
        t->host = g_strndup(p, host_end - p);
        port = host_end;
    }
    if (!*t->host) {
        goto bad;
    }
    if (port < end) {
        char *digits = g_strndup(port + 1, end - port - 1);

        port_no = strtol(digits, &endptr, 10);
        if (!*digits || *endptr || port_no < 1 || port_no > 65535) {
            g_free(digits);
            goto bad;
        }
        g_free(digits);
    } else {
        port_no = 443;
    }
    t->port = g_strdup_printf("%ld", port_no);
    if (strchr(t->host, ':')) {
        t->name = g_strdup_printf("https://[%s]:%ld", t->host, port_no);
        t->host_header = (port_no == 443
                          ? g_strdup_printf("[%s]", t->host)
                          : g_strdup_printf("[%s]:%ld", t->host, port_no));
    } else {
        t->name = g_strdup_printf("https://%s:%ld", t->host, port_no);
        t->host_header = (port_no == 443
                          ? g_strdup(t->host)
                          : g_strdup_printf("%s:%ld", t->host, port_no));
    }
    t->class = &tls_transport;
    return 0;

bad:
    diag_add(diag, "XAPI %s: bad URL (expected https://HOST[:PORT])", url);
    return -EINVAL;
}

/* The default local socket: ROOT/var/lib/xcp/xapi, or the older
 * ROOT/var/xapi/xapi if the first does not exist. */
static char *
default_socket_path(const char *root_prefix)
{
    const char *root = str_empty(root_prefix) ? "/" : root_prefix;
    char *path = g_build_filename(root, "var/lib/xcp/xapi", NULL);
    struct stat st;

    if (lstat(path, &st) < 0 && errno == ENOENT) {
        g_free(path);
        path = g_build_filename(root, "var/xapi/xapi", NULL);
    }
    return path;
}

static int
target_init(struct xapi_target *t, const struct xapi_options *o,
            struct diag *diag)
{
    const char *url = o->url;
    int error = 0;

    memset(t, 0, sizeof *t);
    t->connect_timeout_ms = (o->connect_timeout_ms > 0
                             ? o->connect_timeout_ms
                             : DEFAULT_CONNECT_TIMEOUT_MS);
    t->io_timeout_ms = (o->io_timeout_ms > 0 ? o->io_timeout_ms
                        : DEFAULT_IO_TIMEOUT_MS);
    if (!url) {
        t->path = default_socket_path(o->root_prefix);
    } else if (g_str_has_prefix(url, "unix:") && url[5]) {
        t->path = g_strdup(url + 5);
    } else if (g_str_has_prefix(url, "https://")) {
        error = target_parse_https(t, url, diag);
        if (!error) {
            error = target_init_tls(t, o, diag);
        }
        goto out;
    } else {
        diag_add(diag, "XAPI %s: unsupported URL (expected unix:PATH or "
                 "https://HOST[:PORT])", url);
        error = -EINVAL;
        goto out;
    }
    t->name = g_strdup_printf("unix:%s", t->path);
    t->host_header = g_strdup("localhost");
    t->class = &unix_transport;

out:
    if (error) {
        target_clear(t);
    }
    return error;
}

/* HTTP. */

static void
disconnect(struct xapi_session *s)
{
    if (s->conn) {
        s->conn->class->close(s->conn);
        s->conn = NULL;
    }
    s->ipos = s->ilen = 0;
}

static int
connect_if_needed(struct xapi_session *s, bool *freshp, struct diag *diag)
{
    int error;

    if (s->conn && !s->conn_used) {
        /* Opened but not used yet (a TLS server may already have sent
         * session tickets, so do not look for stray bytes). */
        *freshp = true;
        return 0;
    } else if (s->conn) {
        struct pollfd pfd = { .fd = s->conn->fd, .events = POLLIN };

        /* An idle kept-alive connection has nothing to read.  If it has,
         * the server closed it (or sent junk): start afresh. */
        if (!poll(&pfd, 1, 0)) {
            *freshp = false;
            return 0;
        }
        LOG_DBG("%s: connection closed by the server while idle, "
                "reconnecting", s->target.name);
        disconnect(s);
    }
    error = s->target.class->open(&s->target, &s->conn, diag);
    s->conn_used = false;
    *freshp = true;
    return error;
}

/* Reads more bytes into the input buffer.  Returns the number read, 0 at
 * end of stream. */
static int
fill(struct xapi_session *s, struct diag *diag)
{
    int n;

    if (s->ipos == s->ilen) {
        s->ipos = s->ilen = 0;
    } else if (s->ipos > 0) {
        memmove(s->ibuf, s->ibuf + s->ipos, s->ilen - s->ipos);
        s->ilen -= s->ipos;
        s->ipos = 0;
    }
    if (s->ilen == sizeof s->ibuf) {
        return -ENOBUFS;        /* Callers consume before filling. */
    }
    n = s->conn->class->read(s->conn, s->ibuf + s->ilen,
                             sizeof s->ibuf - s->ilen, diag);
    if (n > 0) {
        s->ilen += n;
    }
    return n;
}

/* Reads one CRLF- (or LF-) terminated line into 'line', without the line
 * end.  At end of stream before any byte returns -ENODATA with no
 * message, so that the caller can tell a closed idle connection apart. */
static int
read_line(struct xapi_session *s, GString *line, struct diag *diag)
{
    g_string_truncate(line, 0);
    for (;;) {
        char *start = s->ibuf + s->ipos;
        char *nl = memchr(start, '\n', s->ilen - s->ipos);
        size_t take = nl ? (size_t) (nl - start + 1) : s->ilen - s->ipos;
        int n;

        g_string_append_len(line, start, take);
        s->ipos += take;
        if (line->len > MAX_HEADER_LINE) {
            target_diag(&s->target, diag, "HTTP reply line longer than %d "
                        "bytes", MAX_HEADER_LINE);
            return -EPROTO;
        }
        if (nl) {
            g_string_truncate(line, line->len - 1);
            if (line->len && line->str[line->len - 1] == '\r') {
                g_string_truncate(line, line->len - 1);
            }
            return 0;
        }
        n = fill(s, diag);
        if (n == 0) {
            if (!line->len) {
                return -ENODATA;
            }
            target_diag(&s->target, diag, "connection closed in the middle "
                        "of the HTTP reply");
            return -EPROTO;
        } else if (n < 0) {
            return n;
        }
    }
}

/* Appends exactly 'len' bytes of the stream to 'body'. */
static int
read_bytes(struct xapi_session *s, size_t len, GString *body,
           struct diag *diag)
{
    while (len) {
        size_t avail = s->ilen - s->ipos;
        int n;

        if (avail) {
            size_t take = MIN(avail, len);

            g_string_append_len(body, s->ibuf + s->ipos, take);
            s->ipos += take;
            len -= take;
            continue;
        }
        n = fill(s, diag);
        if (n == 0) {
            target_diag(&s->target, diag, "connection closed in the middle "
                        "of the HTTP reply body");
            return -EPROTO;
        } else if (n < 0) {
            return n;
        }
    }
    return 0;
}

static int
check_body_size(struct xapi_session *s, size_t have, uint64_t more,
                struct diag *diag)
{
    if (more > XMLRPC_MAX_SIZE || have + more > XMLRPC_MAX_SIZE) {
        target_diag(&s->target, diag, "HTTP reply body larger than %u "
                    "bytes", XMLRPC_MAX_SIZE);
        return -EPROTO;
    }
    return 0;
}

static int
parse_size(const char *s, int base, uint64_t *sizep)
{
    char *end;
    guint64 v;

    if (!g_ascii_isxdigit(*s) || (base == 10 && !g_ascii_isdigit(*s))) {
        return -EPROTO;
    }
    errno = 0;
    v = g_ascii_strtoull(s, &end, base);
    if (errno == ERANGE) {
        return -EPROTO;
    }
    while (*end == ' ' || *end == '\t') {
        end++;
    }
    if (*end && (base == 10 || *end != ';')) {
        return -EPROTO;
    }
    *sizep = v;
    return 0;
}

static int
read_chunked_body(struct xapi_session *s, GString *body, struct diag *diag)
{
    GString *line = g_string_new(NULL);
    int error;

    for (;;) {
        uint64_t size;

        error = read_line(s, line, diag);
        if (error) {
            break;
        }
        if (parse_size(line->str, 16, &size)) {
            target_diag(&s->target, diag, "bad HTTP chunk size \"%s\"",
                        line->str);
            error = -EPROTO;
            break;
        }
        if (!size) {
            /* Trailer fields, up to an empty line. */
            for (int i = 0; i < MAX_HEADER_LINES; i++) {
                error = read_line(s, line, diag);
                if (error || !line->len) {
                    break;
                }
            }
            break;
        }
        error = check_body_size(s, body->len, size, diag);
        if (!error) {
            error = read_bytes(s, size, body, diag);
        }
        if (!error) {
            error = read_line(s, line, diag);
        }
        if (!error && line->len) {
            target_diag(&s->target, diag, "HTTP chunk not followed by a "
                        "line end");
            error = -EPROTO;
        }
        if (error) {
            break;
        }
    }
    if (error == -ENODATA) {
        target_diag(&s->target, diag, "connection closed in the middle of "
                    "the HTTP reply body");
        error = -EPROTO;
    }
    g_string_free(line, TRUE);
    return error;
}

/* Reads the rest of the stream into 'body'. */
static int
read_to_eof(struct xapi_session *s, GString *body, struct diag *diag)
{
    for (;;) {
        size_t avail = s->ilen - s->ipos;
        int error, n;

        error = check_body_size(s, body->len, avail, diag);
        if (error) {
            return error;
        }
        g_string_append_len(body, s->ibuf + s->ipos, avail);
        s->ipos = s->ilen;
        n = fill(s, diag);
        if (n <= 0) {
            return n;
        }
    }
}

/* True if the comma-separated header value 'value' holds 'token' (compared
 * without regard to case). */
static bool
has_token(const char *value, const char *token)
{
    char **tokens = g_strsplit(value, ",", -1);
    bool found = false;

    for (char **p = tokens; *p && !found; p++) {
        found = !g_ascii_strcasecmp(g_strstrip(*p), token);
    }
    g_strfreev(tokens);
    return found;
}

/* Reads header line number 'i' of a reply into 'line' (empty at the end
 * of the header).  The stream ending here, or too many lines, is -EPROTO. */
static int
read_header_line(struct xapi_session *s, GString *line, int i,
                 struct diag *diag)
{
    int error = read_line(s, line, diag);

    if (error == -ENODATA) {
        target_diag(&s->target, diag, "connection closed in the middle of "
                    "the HTTP reply");
        return -EPROTO;
    } else if (!error && line->len && i >= MAX_HEADER_LINES) {
        target_diag(&s->target, diag, "too many HTTP header lines");
        return -EPROTO;
    }
    return error;
}

/* Reads one HTTP reply.  On success stores its body in '*bodyp' and
 * whether the connection may be reused in '*keep_alivep'.  -ENODATA (no
 * message) means the stream ended before the first byte. */
static int
read_reply(struct xapi_session *s, GString **bodyp, bool *keep_alivep,
           struct diag *diag)
{
    GString *line = g_string_new(NULL);
    GString *body = NULL;
    uint64_t content_length = 0;
    bool have_length = false;
    bool chunked = false;
    bool keep_alive = false;
    int minor, status;
    int error;

    /* Status line; informational (1xx) replies are skipped. */
    for (;;) {
        char reason[256];

        error = read_line(s, line, diag);
        if (error) {
            goto out;
        }
        reason[0] = '\0';
        if (sscanf(line->str, "HTTP/1.%d %3d %255[^\n]", &minor, &status,
                   reason) < 2 || minor < 0 || status < 100) {
            target_diag(&s->target, diag, "not an HTTP reply: \"%.80s\"",
                        line->str);
            error = -EPROTO;
            goto out;
        }
        keep_alive = minor >= 1;
        if (status >= 200) {
            if (status != 200) {
                target_diag(&s->target, diag, "HTTP status %d %s", status,
                            reason);
                error = -EPROTO;
                goto out;
            }
            break;
        }
        /* Skip the 1xx reply's header lines. */
        for (int i = 0; !(error = read_header_line(s, line, i, diag))
                        && line->len; i++) {
            continue;
        }
        if (error) {
            goto out;
        }
    }

    /* Header fields. */
    for (int i = 0; ; i++) {
        char *colon, *value;

        error = read_header_line(s, line, i, diag);
        if (error) {
            goto out;
        } else if (!line->len) {
            break;
        }
        colon = strchr(line->str, ':');
        if (!colon || colon == line->str || line->str[0] == ' '
            || line->str[0] == '\t') {
            target_diag(&s->target, diag, "bad HTTP header line \"%.80s\"",
                        line->str);
            error = -EPROTO;
            goto out;
        }
        *colon = '\0';
        value = g_strstrip(colon + 1);
        if (!g_ascii_strcasecmp(line->str, "Content-Length")) {
            uint64_t len;

            if (parse_size(value, 10, &len)
                || (have_length && len != content_length)) {
                target_diag(&s->target, diag, "bad HTTP Content-Length "
                            "\"%s\"", value);
                error = -EPROTO;
                goto out;
            }
            content_length = len;
            have_length = true;
        } else if (!g_ascii_strcasecmp(line->str, "Transfer-Encoding")) {
            if (g_ascii_strcasecmp(value, "chunked")) {
                target_diag(&s->target, diag, "unsupported HTTP "
                            "Transfer-Encoding \"%s\"", value);
                error = -EPROTO;
                goto out;
            }
            chunked = true;
        } else if (!g_ascii_strcasecmp(line->str, "Connection")) {
            if (has_token(value, "close")) {
                keep_alive = false;
            } else if (has_token(value, "keep-alive")) {
                keep_alive = true;
            }
        }
    }

    body = g_string_new(NULL);
    if (chunked) {
        error = read_chunked_body(s, body, diag);
    } else if (have_length) {
        error = check_body_size(s, 0, content_length, diag);
        if (!error) {
            error = read_bytes(s, content_length, body, diag);
        }
    } else {
        keep_alive = false;
        error = read_to_eof(s, body, diag);
    }
    if (!error && s->ipos != s->ilen) {
        /* We sent one request: nothing may follow its reply. */
        keep_alive = false;
    }

out:
    g_string_free(line, TRUE);
    if (error) {
        if (body) {
            g_string_free(body, TRUE);
        }
    } else {
        *bodyp = body;
        *keep_alivep = keep_alive;
    }
    return error;
}

/* POSTs the XML-RPC document 'request' and stores the reply's body in
 * '*replyp'.  A kept-alive connection that turns out to be closed before
 * any byte of the reply arrives is reopened and the request sent again,
 * once, as Python's xmlrpc.client (under the original program's XenAPI.py)
 * does: that is a server closing an idle connection as we used it. */
static int
http_post(struct xapi_session *s, const char *request, size_t len,
          GString **replyp, struct diag *diag)
{
    GString *msg = g_string_new(NULL);
    bool keep_alive = false;
    int error;

    g_string_append_printf(msg,
                           "POST / HTTP/1.1\r\n"
                           "Host: %s\r\n"
                           "User-Agent: %s/%s\r\n"
                           "Content-Type: text/xml\r\n"
                           "Content-Length: %zu\r\n"
                           "Connection: keep-alive\r\n"
                           "\r\n",
                           s->target.host_header, PACKAGE_NAME,
                           PACKAGE_VERSION, len);
    g_string_append_len(msg, request, len);

    for (int attempt = 0; ; attempt++) {
        struct diag *tmp = diag_new();
        bool fresh;

        error = connect_if_needed(s, &fresh, tmp);
        if (!error) {
            s->conn_used = true;
            error = s->conn->class->write(s->conn, msg->str, msg->len, tmp);
        }
        if (!error) {
            error = read_reply(s, replyp, &keep_alive, tmp);
        }
        if (error && s->conn && !fresh && attempt == 0
            && (error == -ENODATA || error == -EPIPE
                || error == -ECONNRESET)) {
            /* The server closed the kept-alive connection as we used it:
             * try once more on a new one. */
            LOG_DBG("%s: connection closed by the server, reconnecting",
                    s->target.name);
            disconnect(s);
            diag_free(tmp);
            continue;
        }
        if (error == -ENODATA) {
            target_diag(&s->target, tmp, "connection closed by the server "
                        "without a reply");
            error = -ECONNRESET;
        }
        diag_copy(diag, tmp);
        diag_free(tmp);
        break;
    }
    if (error || !keep_alive) {
        disconnect(s);
    }
    g_string_free(msg, TRUE);
    return error;
}

/* XAPI calls. */

static void
clear_last_failure(struct xapi_session *s)
{
    g_strfreev(s->last_failure);
    s->last_failure = NULL;
}

/* Calls 'method' with exactly 'params' (no session ref added) and returns
 * the Value of XAPI's answer in '*resultp'. */
static int
call_raw(struct xapi_session *s, const char *method,
         struct xmlrpc_value *const *params, size_t n_params,
         struct xmlrpc_value **resultp, struct diag *diag)
{
    struct xmlrpc_response r = { false, NULL, 0, NULL };
    const struct xmlrpc_value *status, *value;
    struct diag *tmp = diag_new();
    GString *reply = NULL;
    char *request;
    size_t len;
    int error;

    clear_last_failure(s);
    s->target.doing = method;
    LOG_DBG("%s: calling %s", s->target.name, method);

    request = xmlrpc_encode_call(method, params, n_params, &len);
    error = http_post(s, request, len, &reply, diag);
    g_free(request);
    if (error) {
        goto out;
    }

    error = xmlrpc_parse_response(reply->str, reply->len, &r, tmp);
    if (error) {
        for (size_t i = 0; i < diag_count(tmp); i++) {
            target_diag(&s->target, diag, "%s", diag_get(tmp, i));
        }
        error = -EPROTO;
        goto out;
    }
    if (r.is_fault) {
        target_diag(&s->target, diag, "XML-RPC fault %d: %s", r.fault_code,
                    r.fault_string);
        error = -EREMOTEIO;
        goto out;
    }

    status = xmlrpc_struct_get(r.value, "Status");
    if (!xmlrpc_get_string(status)) {
        target_diag(&s->target, diag, "reply has no Status");
        error = -EPROTO;
    } else if (!strcmp(status->u.s, "Success")) {
        value = xmlrpc_struct_get(r.value, "Value");
        if (!value) {
            target_diag(&s->target, diag, "Success without a Value");
            error = -EPROTO;
        } else {
            *resultp = xmlrpc_value_copy(value);
        }
    } else if (!strcmp(status->u.s, "Failure")) {
        const struct xmlrpc_value *ed = xmlrpc_struct_get(r.value,
                                                          "ErrorDescription");
        GPtrArray *strs = g_ptr_array_new();
        GString *text = g_string_new(NULL);

        if (ed && ed->type == XMLRPC_ARRAY) {
            for (size_t i = 0; i < ed->u.array.n; i++) {
                const struct xmlrpc_value *item = ed->u.array.items[i];

                g_ptr_array_add(strs, (item->type == XMLRPC_STRING
                                       ? g_strdup(item->u.s)
                                       : xmlrpc_value_to_text(item)));
            }
        }
        if (!strs->len) {
            g_ptr_array_add(strs, g_strdup("UNKNOWN_ERROR"));
        }
        g_string_append(text, g_ptr_array_index(strs, 0));
        if (strs->len > 1) {
            g_string_append(text, " [");
            for (size_t i = 1; i < strs->len; i++) {
                g_string_append_printf(text, "%s%s", i > 1 ? ", " : "",
                                       (char *) g_ptr_array_index(strs, i));
            }
            g_string_append_c(text, ']');
        }
        g_ptr_array_add(strs, NULL);
        s->last_failure = (char **) g_ptr_array_free(strs, FALSE);
        target_diag(&s->target, diag, "XAPI error: %s", text->str);
        g_string_free(text, TRUE);
        error = -EREMOTEIO;
    } else {
        target_diag(&s->target, diag, "reply has unknown Status \"%s\"",
                    status->u.s);
        error = -EPROTO;
    }

out:
    s->target.doing = NULL;
    xmlrpc_response_clear(&r);
    if (reply) {
        g_string_free(reply, TRUE);
    }
    diag_free(tmp);
    return error;
}

int
xapi_call(struct xapi_session *s, const char *method,
          struct xmlrpc_value **params, size_t n_params,
          struct xmlrpc_value **resultp, struct diag *diag)
{
    struct xmlrpc_value **all = g_new(struct xmlrpc_value *, n_params + 1);
    int error;

    all[0] = xmlrpc_string_new(s->ref);
    for (size_t i = 0; i < n_params; i++) {
        all[i + 1] = params[i];
    }
    error = call_raw(s, method, all, n_params + 1, resultp, diag);
    xmlrpc_value_free(all[0]);
    g_free(all);
    return error;
}

const char *const *
xapi_last_failure(const struct xapi_session *s)
{
    return (const char *const *) s->last_failure;
}

const char *
xapi_session_ref(const struct xapi_session *s)
{
    return s->ref;
}

const char *
xapi_server_name(const struct xapi_session *s)
{
    return s->target.name;
}

int
xapi_open(const struct xapi_options *options, const char *session_ref,
          struct xapi_session **sessionp, struct diag *diag)
{
    struct xapi_session *s = g_new0(struct xapi_session, 1);
    struct xmlrpc_value *result = NULL;
    bool fresh;
    int error;

    error = target_init(&s->target, options, diag);
    if (error) {
        g_free(s);
        return error;
    }
    /* Connect now, so that an unreachable XAPI shows as such. */
    error = connect_if_needed(s, &fresh, diag);
    if (error) {
        goto out;
    }

    if (session_ref) {
        s->ref = g_strdup(session_ref);
    } else {
        struct xmlrpc_value *params[4] = {
            xmlrpc_string_new("root"),
            xmlrpc_string_new(""),
            xmlrpc_string_new("1.0"),
            xmlrpc_string_new(XAPI_ORIGINATOR),
        };

        error = call_raw(s, "session.login_with_password", params,
                         ARRAY_SIZE(params), &result, diag);
        for (size_t i = 0; i < ARRAY_SIZE(params); i++) {
            xmlrpc_value_free(params[i]);
        }
        if (!error && !xmlrpc_get_string(result)) {
            target_diag(&s->target, diag, "session.login_with_password: "
                        "the session ref is not a string");
            error = -EPROTO;
        }
        if (!error) {
            s->ref = g_strdup(result->u.s);
            s->logged_in = true;
        }
    }

out:
    xmlrpc_value_free(result);
    if (error) {
        xapi_close(s);
    } else {
        *sessionp = s;
    }
    return error;
}

void
xapi_close(struct xapi_session *s)
{
    if (!s) {
        return;
    }
    if (s->logged_in) {
        struct xmlrpc_value *result = NULL;

        if (!xapi_call(s, "session.logout", NULL, 0, &result, NULL)) {
            xmlrpc_value_free(result);
        }
    }
    disconnect(s);
    clear_last_failure(s);
    g_free(s->ref);
    target_clear(&s->target);
    g_free(s);
}

/* Reading the model. */

struct model_reader {
    struct xapi_session *s;
    struct dbcache *db;
    struct diag *diag;
};

static int model_error(struct model_reader *, const char *fmt, ...)
    PRINTF_FORMAT(2, 3);

/* Adds a message and returns -EPROTO. */
static int
model_error(struct model_reader *mr, const char *fmt, ...)
{
    va_list args;
    char *msg;

    va_start(args, fmt);
    msg = g_strdup_vprintf(fmt, args);
    va_end(args);
    target_diag(&mr->s->target, mr->diag, "%s", msg);
    g_free(msg);
    return -EPROTO;
}

static int
call_str(struct model_reader *mr, const char *method, const char *arg,
         struct xmlrpc_value **resultp)
{
    struct xmlrpc_value *param = arg ? xmlrpc_string_new(arg) : NULL;
    int error;

    error = xapi_call(mr->s, method, &param, arg ? 1 : 0, resultp,
                      mr->diag);
    xmlrpc_value_free(param);
    return error;
}

/* The text of a scalar: strings as they are, integers in decimal (XAPI
 * sends integers as strings, but a server could use <int>). */
static char *
scalar_text(const struct xmlrpc_value *v)
{
    switch (v->type) {
    case XMLRPC_STRING:
        return g_strdup(v->u.s);
    case XMLRPC_INT:
        return g_strdup_printf("%" G_GINT64_FORMAT, (gint64) v->u.i);
    case XMLRPC_BOOL:
    case XMLRPC_DOUBLE:
    case XMLRPC_DATETIME:
    case XMLRPC_BASE64:
    case XMLRPC_NIL:
    case XMLRPC_ARRAY:
    case XMLRPC_STRUCT:
    default:
        return NULL;
    }
}

static int
parse_bool(const struct xmlrpc_value *v, bool *bp)
{
    if (v->type == XMLRPC_BOOL) {
        *bp = v->u.b;
        return 0;
    } else if (v->type == XMLRPC_STRING) {
        if (!g_ascii_strcasecmp(v->u.s, "true") || !strcmp(v->u.s, "1")) {
            *bp = true;
            return 0;
        } else if (!g_ascii_strcasecmp(v->u.s, "false")
                   || !strcmp(v->u.s, "0")) {
            *bp = false;
            return 0;
        }
    }
    return -EPROTO;
}

/* Sets field 'f' of 'r' from XAPI value 'v'. */
static int
copy_field(struct model_reader *mr, struct dbc_record *r,
           const struct dbc_field *f, const struct xmlrpc_value *v)
{
    const char *class = dbc_class_info(r->class)->xapi_class;
    int error = 0;

    switch (f->type) {
    case DBC_T_STRING:
    case DBC_T_REF: {
        char *text = scalar_text(v);

        if (!text) {
            return model_error(mr, "%s %s field '%s' is a %s, not a string",
                               class, r->ref, f->name,
                               xmlrpc_type_name(v->type));
        }
        if (f->allowed && !dbc_str_in(f->allowed, text)) {
            char *allowed = g_strjoinv(", ", (char **) f->allowed);

            error = model_error(mr, "%s %s field '%s' is \"%s\", not one "
                                "of %s", class, r->ref, f->name, text,
                                allowed);
            g_free(allowed);
        } else {
            dbc_set_str(r, f, text);
        }
        g_free(text);
        return error;
    }

    case DBC_T_BOOL: {
        bool b;

        if (parse_bool(v, &b)) {
            char *text = xmlrpc_value_to_text(v);

            error = model_error(mr, "%s %s field '%s' is %s, not a boolean",
                                class, r->ref, f->name, text);
            g_free(text);
            return error;
        }
        dbc_set_bool(r, f, b);
        return 0;
    }

    case DBC_T_REFLIST:
        if (v->type != XMLRPC_ARRAY) {
            return model_error(mr, "%s %s field '%s' is a %s, not an array",
                               class, r->ref, f->name,
                               xmlrpc_type_name(v->type));
        }
        dbc_mark_present(r, f);
        for (size_t i = 0; i < v->u.array.n; i++) {
            const char *item = xmlrpc_get_string(v->u.array.items[i]);

            if (!item) {
                return model_error(mr, "%s %s field '%s' holds a %s, not a "
                                   "reference", class, r->ref, f->name,
                                   xmlrpc_type_name(
                                       v->u.array.items[i]->type));
            }
            /* A network's PIFs: this host's only. */
            if (r->class == DBC_NETWORK && f->target == DBC_PIF
                && !dbcache_get(mr->db, DBC_PIF, item)) {
                continue;
            }
            dbc_list_append(r, f, item);
        }
        return 0;

    case DBC_T_MAP:
        if (v->type != XMLRPC_STRUCT) {
            return model_error(mr, "%s %s field '%s' is a %s, not a struct",
                               class, r->ref, f->name,
                               xmlrpc_type_name(v->type));
        }
        dbc_mark_present(r, f);
        for (size_t i = 0; i < v->u.strct.n; i++) {
            const char *key = v->u.strct.names[i];
            char *text = scalar_text(v->u.strct.values[i]);

            if (!text) {
                return model_error(mr, "%s %s field '%s' key '%s' is a %s, "
                                   "not a string", class, r->ref, f->name,
                                   key, xmlrpc_type_name(
                                       v->u.strct.values[i]->type));
            }
            if (!dbc_map_set(r, f, key, text) && r->class == DBC_POOL) {
                LOG_DBG("Unknown other-config attribute: %s", key);
            }
            g_free(text);
        }
        return 0;
    }
    return 0;
}

/* Adds a 'class' record with key 'ref' from the XAPI record 'rec'. */
static int
copy_record(struct model_reader *mr, enum dbc_class class, const char *ref,
            const struct xmlrpc_value *rec, struct dbc_record **rp)
{
    const struct dbc_class_info *ci = dbc_class_info(class);
    struct dbc_record *r;

    if (rec->type != XMLRPC_STRUCT) {
        return model_error(mr, "%s %s is a %s, not a record", ci->xapi_class,
                           ref, xmlrpc_type_name(rec->type));
    }
    r = dbcache_add(mr->db, class, ref);
    if (!r) {
        return model_error(mr, "%s %s appears twice", ci->xapi_class, ref);
    }
    for (size_t i = 0; i < ci->n_fields; i++) {
        const struct dbc_field *f = &ci->fields[i];
        const struct xmlrpc_value *v = xmlrpc_struct_get(rec, f->name);
        int error;

        if (!v) {
            if (f->optional) {
                continue;
            }
            return model_error(mr, "%s %s has no field '%s'", ci->xapi_class,
                               ref, f->name);
        }
        error = copy_field(mr, r, f, v);
        if (error) {
            return error;
        }
    }
    if (rp) {
        *rp = r;
    }
    return 0;
}

/* Returns the string field 'name' of XAPI record 'rec' in '*valuep'. */
static int
record_ref_field(struct model_reader *mr, const char *class, const char *ref,
                 const struct xmlrpc_value *rec, const char *name,
                 const char **valuep)
{
    const struct xmlrpc_value *v = xmlrpc_struct_get(rec, name);

    if (rec->type != XMLRPC_STRUCT) {
        return model_error(mr, "%s %s is a %s, not a record", class, ref,
                           xmlrpc_type_name(rec->type));
    } else if (!v) {
        return model_error(mr, "%s %s has no field '%s'", class, ref, name);
    } else if (!xmlrpc_get_string(v)) {
        return model_error(mr, "%s %s field '%s' is a %s, not a reference",
                           class, ref, name, xmlrpc_type_name(v->type));
    }
    *valuep = v->u.s;
    return 0;
}

/* Reads CLASS.get_all_records and adds the records for which the reference
 * in field 'key_field' names one of this host's records: 'local_class'
 * records, or 'host_ref' if 'local_class' is -1. */
static int
read_all_records(struct model_reader *mr, enum dbc_class class,
                 const char *key_field, int local_class,
                 const char *host_ref)
{
    const char *xapi_class = dbc_class_info(class)->xapi_class;
    struct xmlrpc_value *all = NULL;
    char *method;
    int error;

    method = g_strdup_printf("%s.get_all_records", xapi_class);
    error = call_str(mr, method, NULL, &all);
    if (error) {
        goto out;
    }
    if (all->type != XMLRPC_STRUCT) {
        error = model_error(mr, "%s returned a %s, not a struct", method,
                            xmlrpc_type_name(all->type));
        goto out;
    }
    for (size_t i = 0; i < all->u.strct.n; i++) {
        const char *ref = all->u.strct.names[i];
        const struct xmlrpc_value *rec = all->u.strct.values[i];
        const char *key = NULL;
        bool local;

        if (key_field) {
            error = record_ref_field(mr, xapi_class, ref, rec, key_field,
                                     &key);
            if (error) {
                goto out;
            }
        }
        local = (!key_field
                 || (local_class < 0 ? !strcmp(key, host_ref)
                     : dbcache_get(mr->db, local_class, key) != NULL));
        if (local) {
            error = copy_record(mr, class, ref, rec, NULL);
            if (error) {
                goto out;
            }
        }
    }

out:
    xmlrpc_value_free(all);
    g_free(method);
    return error;
}

/* Reads CLASS.get_record for each ref in 'refs' (the answer of
 * CLASS.get_all) and adds the records: all of them, except that tunnels
 * are kept only if their transport PIF is local.  A pool also keeps its
 * vswitch_controller. */
static int
read_each_record(struct model_reader *mr, enum dbc_class class,
                 const struct xmlrpc_value *refs)
{
    const char *xapi_class = dbc_class_info(class)->xapi_class;
    char *method = g_strdup_printf("%s.get_record", xapi_class);
    int error = 0;

    if (refs->type != XMLRPC_ARRAY) {
        error = model_error(mr, "%s.get_all returned a %s, not an array",
                            xapi_class, xmlrpc_type_name(refs->type));
        goto out;
    }
    for (size_t i = 0; i < refs->u.array.n; i++) {
        const char *ref = xmlrpc_get_string(refs->u.array.items[i]);
        struct xmlrpc_value *rec = NULL;
        struct dbc_record *r;

        if (!ref) {
            error = model_error(mr, "%s.get_all returned a %s, not a "
                                "reference", xapi_class, xmlrpc_type_name(
                                    refs->u.array.items[i]->type));
            goto out;
        }
        error = call_str(mr, method, ref, &rec);
        if (error) {
            goto out;
        }
        if (class == DBC_TUNNEL) {
            const char *transport;

            error = record_ref_field(mr, xapi_class, ref, rec,
                                     "transport_PIF", &transport);
            if (error || !dbcache_get(mr->db, DBC_PIF, transport)) {
                xmlrpc_value_free(rec);
                if (error) {
                    goto out;
                }
                continue;
            }
        }
        error = copy_record(mr, class, ref, rec, &r);
        if (!error && class == DBC_POOL) {
            const char *vc = xmlrpc_get_string(
                xmlrpc_struct_get(rec, "vswitch_controller"));

            if (vc) {
                struct dbc_pool *pool = (struct dbc_pool *) r;

                g_free(pool->vswitch_controller);
                pool->vswitch_controller = g_strdup(vc);
            }
        }
        xmlrpc_value_free(rec);
        if (error) {
            goto out;
        }
    }

out:
    g_free(method);
    return error;
}

/* pool.get_all, then pool.get_record for each pool. */
static int
read_pools(struct model_reader *mr)
{
    struct xmlrpc_value *refs = NULL;
    int error;

    error = call_str(mr, "pool.get_all", NULL, &refs);
    if (!error) {
        error = read_each_record(mr, DBC_POOL, refs);
    }
    xmlrpc_value_free(refs);
    return error;
}

/* tunnel.get_all, then tunnel.get_record for each; a XAPI that does not
 * know tunnels has none. */
static int
read_tunnels(struct model_reader *mr)
{
    struct xmlrpc_value *refs = NULL;
    struct diag *tmp = diag_new();
    int error;

    error = xapi_call(mr->s, "tunnel.get_all", NULL, 0, &refs, tmp);
    if (error == -EREMOTEIO && xapi_last_failure(mr->s)
        && !strcmp(xapi_last_failure(mr->s)[0], "MESSAGE_METHOD_UNKNOWN")) {
        LOG_DBG("%s: no tunnel class, so no tunnels", mr->s->target.name);
        error = 0;
    } else if (error) {
        diag_copy(mr->diag, tmp);
    } else {
        error = read_each_record(mr, DBC_TUNNEL, refs);
    }
    xmlrpc_value_free(refs);
    diag_free(tmp);
    return error;
}

int
xapi_read_model(struct xapi_session *s, const char *root_prefix,
                struct dbcache **dbp, struct diag *diag)
{
    const char *root = str_empty(root_prefix) ? "/" : root_prefix;
    char *inventory_path = g_build_filename(root, "etc/xensource-inventory",
                                            NULL);
    struct model_reader mr = { s, dbcache_new(), diag };
    struct xmlrpc_value *host = NULL;
    struct inventory *inv = NULL;
    const char *host_uuid;
    char *source = NULL;
    int error;

    error = inventory_read(inventory_path, &inv, diag);
    if (error) {
        goto out;
    }
    host_uuid = inventory_get(inv, "INSTALLATION_UUID");
    if (!host_uuid || !*host_uuid) {
        diag_add(diag, "%s: no INSTALLATION_UUID", inventory_path);
        error = -EINVAL;
        goto out;
    }
    LOG_INFO("host uuid is %s", host_uuid);

    error = call_str(&mr, "host.get_by_uuid", host_uuid, &host);
    if (error) {
        goto out;
    }
    if (!xmlrpc_get_string(host)) {
        error = model_error(&mr, "host.get_by_uuid returned a %s, not a "
                            "reference", xmlrpc_type_name(host->type));
        goto out;
    }

    error = read_all_records(&mr, DBC_PIF, "host", -1, host->u.s);
    if (!error) {
        error = read_pools(&mr);
    }
    if (!error) {
        error = read_tunnels(&mr);
    }
    if (!error) {
        error = read_all_records(&mr, DBC_VLAN, "untagged_PIF", DBC_PIF,
                                 NULL);
    }
    if (!error) {
        error = read_all_records(&mr, DBC_BOND, "master", DBC_PIF, NULL);
    }
    if (!error) {
        error = read_all_records(&mr, DBC_NETWORK, NULL, -1, NULL);
    }
    if (!error) {
        source = g_strdup_printf("XAPI %s", s->target.name);
        error = dbcache_check(mr.db, source, diag);
    }

out:
    g_free(source);
    xmlrpc_value_free(host);
    inventory_free(inv);
    g_free(inventory_path);
    if (error) {
        dbcache_free(mr.db);
    } else {
        *dbp = mr.db;
    }
    return error;
}
