/* stream-ssl.c -- ssl: and pssl: streams: TLS (1.2 or later) through
 * OpenSSL over the non-blocking TCP sockets that stream.c makes.
 *
 * This file is the module stream-ssl.so, not part of libovsdb.a, so that
 * only the programs that use SSL map OpenSSL: stream-ssl-load.c loads it
 * the first time SSL is needed and finds everything here through the one
 * symbol it exports, stream_ssl_module (see stream-provider.h).  The
 * module carries its own copies of lib/diag.c and lib/atomic-file.c, which
 * hold no state, and hands its one log message to the program.
 *
 * One SSL_CTX, built by ssl_set_config(), serves both directions:
 * each end presents its certificate and requires the peer's, signed by the
 * configured CA, as Open vSwitch does (so stock ovsdb-client and
 * ovsdb-server interoperate).  With --bootstrap-ca-cert behaviour, a
 * client whose CA file does not exist yet takes the self-signed top of the
 * server's certificate chain as the CA, saves it, and verifies the server
 * against it before going on (Open vSwitch instead drops that first
 * connection and reconnects).
 *
 * OpenSSL does its socket I/O through a small BIO of ours that uses send()
 * with MSG_NOSIGNAL, so that a write to a closed peer cannot raise SIGPIPE
 * in a program that did not ignore it.  OpenSSL's error queue becomes
 * text in one place, ssl_diag(). */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <limits.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic-file.h"
#include "diag.h"
#include "stream-provider.h"
#include "util.h"

static const struct stream_class ssl_stream_class;

/* The program's logger, from ssl_init(). */
static void (*host_log_info)(const char *message);

/* The process's SSL configuration. */
static struct {
    SSL_CTX *ctx;               /* NULL if not configured. */
    char *ca_file;
    bool bootstrap;             /* 'ca_file' still to be bootstrapped. */
} config;

enum ssl_state {
    S_TCP_CONNECTING,           /* Non-blocking connect() in progress. */
    S_HANDSHAKE,                /* TLS handshake in progress. */
    S_CONNECTED,
    S_FAILED,                   /* 'status' says why. */
};

struct ssl_stream {
    struct stream up;
    SSL *ssl;
    enum ssl_state state;
    int status;                 /* Negative errno value, in S_FAILED. */
    bool server;                /* Accepted by a pssl: listener. */
    bool bootstrap;             /* Client without a CA: bootstrap it. */

    /* What the last handshake step, SSL_read() and SSL_write() waited for
     * (POLLIN or POLLOUT): TLS may need to write in order to read, and
     * vice versa. */
    short hs_events;
    short rx_events;
    short tx_events;
};

/* Errors. */

/* The one place where OpenSSL's error queue becomes text: adds "NAME:
 * WHAT: reason[; reason...][ (EXTRA)]" to 'diag' and empties the queue. */
static void
ssl_diag(struct diag *diag, const char *name, const char *what,
         const char *extra)
{
    GString *s = g_string_new(NULL);
    unsigned long code;
    const char *data;
    int flags;

    for (;;) {
        const char *reason;

#if OPENSSL_VERSION_NUMBER >= 0x30000000L
        code = ERR_get_error_all(NULL, NULL, NULL, &data, &flags);
#else
        code = ERR_get_error_line_data(NULL, NULL, &data, &flags);
#endif
        if (!code) {
            break;
        }
        reason = ERR_reason_error_string(code);
        if (s->len) {
            g_string_append(s, "; ");
        }
        if (reason) {
            g_string_append(s, reason);
        } else {
            char buf[256];

            ERR_error_string_n(code, buf, sizeof buf);
            g_string_append(s, buf);
        }
        if (data && *data && (flags & ERR_TXT_STRING)) {
            g_string_append_printf(s, " (%s)", data);
        }
    }
    if (!s->len) {
        g_string_append(s, "unknown SSL error");
    }
    if (extra) {
        g_string_append_printf(s, " (%s)", extra);
    }
    diag_add(diag, "%s: %s: %s", name, what, s->str);
    g_string_free(s, TRUE);
}

/* A socket BIO that never raises SIGPIPE. */

struct sock_bio {
    int fd;
    bool eof;                   /* recv() returned 0. */
};

static int
sock_bio_write(BIO *b, const char *buf, int len)
{
    struct sock_bio *sb = BIO_get_data(b);
    ssize_t n;

    BIO_clear_retry_flags(b);
    do {
        n = send(sb->fd, buf, len, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        BIO_set_retry_write(b);
    }
    return n;
}

static int
sock_bio_read(BIO *b, char *buf, int len)
{
    struct sock_bio *sb = BIO_get_data(b);
    ssize_t n;

    BIO_clear_retry_flags(b);
    do {
        n = recv(sb->fd, buf, len, 0);
    } while (n < 0 && errno == EINTR);
    if (n == 0) {
        sb->eof = true;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        BIO_set_retry_read(b);
    }
    return n;
}

static long
sock_bio_ctrl(BIO *b, int cmd, long num, void *ptr)
{
    struct sock_bio *sb = BIO_get_data(b);

    switch (cmd) {
    case BIO_CTRL_FLUSH:
        return 1;
    case BIO_CTRL_EOF:
        return sb && sb->eof;
    default:
        return 0;
    }
}

static int
sock_bio_destroy(BIO *b)
{
    g_free(BIO_get_data(b));
    BIO_set_data(b, NULL);
    return 1;
}

/* Returns a new BIO for 'fd' (which it does not close), or NULL. */
static BIO *
sock_bio_new(int fd)
{
    static BIO_METHOD *method;
    struct sock_bio *sb;
    BIO *b;

    if (!method) {
        method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK,
                              "xsvswitch socket");
        if (!method
            || !BIO_meth_set_write(method, sock_bio_write)
            || !BIO_meth_set_read(method, sock_bio_read)
            || !BIO_meth_set_ctrl(method, sock_bio_ctrl)
            || !BIO_meth_set_destroy(method, sock_bio_destroy)) {
            BIO_meth_free(method);
            method = NULL;
            return NULL;
        }
    }
    b = BIO_new(method);
    if (!b) {
        return NULL;
    }
    sb = g_new0(struct sock_bio, 1);
    sb->fd = fd;
    BIO_set_data(b, sb);
    BIO_set_init(b, 1);
    return b;
}

/* Configuration. */

/* Trusts the CA certificates in 'file' in 'ctx', and names them to clients
 * as the CAs their certificates must come from. */
static int
load_ca_file(SSL_CTX *ctx, const char *file, struct diag *diag)
{
    STACK_OF(X509_NAME) *names;

    if (SSL_CTX_load_verify_locations(ctx, file, NULL) != 1) {
        ssl_diag(diag, file, "CA certificate", NULL);
        return -EINVAL;
    }
    names = SSL_load_client_CA_file(file);
    if (names) {
        SSL_CTX_set_client_CA_list(ctx, names);
    }
    ERR_clear_error();
    return 0;
}

/* Checks that 'file' is readable, with a message if not. */
static int
check_file(const char *file, const char *what, struct diag *diag)
{
    if (access(file, R_OK) < 0) {
        int error = -errno;

        diag_add(diag, "%s: %s: %s", file, what, g_strerror(errno));
        return error;
    }
    return 0;
}

/* See stream_ssl_set_config() in stream.h. */
static int
ssl_set_config(const char *private_key, const char *certificate,
               const char *ca_cert, bool bootstrap_ca_cert,
               struct diag *diag)
{
    bool pending = false;
    SSL_CTX *ctx = NULL;
    int error;

    if (str_empty(private_key) || str_empty(certificate)
        || str_empty(ca_cert)) {
        diag_add(diag, "SSL needs a private key, a certificate and a CA "
                 "certificate");
        return -EINVAL;
    }
    error = check_file(certificate, "certificate", diag);
    if (!error) {
        error = check_file(private_key, "private key", diag);
    }
    if (error) {
        return error;
    }

    ERR_clear_error();
    ctx = SSL_CTX_new(TLS_method());
    if (!ctx) {
        ssl_diag(diag, "SSL", "SSL_CTX_new", NULL);
        return -ENOMEM;
    }
    error = -EINVAL;
    if (!SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION)) {
        ssl_diag(diag, "SSL", "cannot require TLS 1.2", NULL);
        goto out;
    }
    /* No automatic chain: a peer gets exactly the chain in the
     * certificate file, as configured. */
    SSL_CTX_set_mode(ctx, (SSL_MODE_ENABLE_PARTIAL_WRITE
                           | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER
                           | SSL_MODE_NO_AUTO_CHAIN));
#ifdef SSL_OP_IGNORE_UNEXPECTED_EOF
    /* JSON-RPC messages delimit themselves: a peer that closes without
     * close_notify (as Open vSwitch's tools do) has simply gone. */
    SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
#endif
    SSL_CTX_set_session_id_context(ctx, (const unsigned char *) "xsvswitch",
                                   strlen("xsvswitch"));
    if (SSL_CTX_use_certificate_chain_file(ctx, certificate) != 1) {
        ssl_diag(diag, certificate, "certificate", NULL);
        goto out;
    }
    if (SSL_CTX_use_PrivateKey_file(ctx, private_key, SSL_FILETYPE_PEM)
        != 1) {
        ssl_diag(diag, private_key, "private key", NULL);
        goto out;
    }
    if (SSL_CTX_check_private_key(ctx) != 1) {
        ssl_diag(diag, private_key, "private key does not match the "
                 "certificate", NULL);
        goto out;
    }
    if (access(ca_cert, F_OK) == 0) {
        error = load_ca_file(ctx, ca_cert, diag);
        if (error) {
            goto out;
        }
    } else if (errno == ENOENT && bootstrap_ca_cert) {
        pending = true;
    } else {
        error = -errno;
        diag_add(diag, "%s: CA certificate: %s", ca_cert, g_strerror(errno));
        goto out;
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                       NULL);

    SSL_CTX_free(config.ctx);
    config.ctx = ctx;
    ctx = NULL;
    g_free(config.ca_file);
    config.ca_file = g_strdup(ca_cert);
    config.bootstrap = pending;
    error = 0;
out:
    SSL_CTX_free(ctx);
    ERR_clear_error();
    return error;
}

/* See stream_ssl_is_configured() in stream.h. */
static bool
ssl_is_configured(void)
{
    return config.ctx != NULL;
}

/* See stream_ssl_clear_config() in stream.h. */
static void
ssl_clear_config(void)
{
    SSL_CTX_free(config.ctx);
    config.ctx = NULL;
    g_free(config.ca_file);
    config.ca_file = NULL;
    config.bootstrap = false;
}

/* While bootstrapping, picks up a CA file that another process (or an
 * earlier connection whose context was since replaced) has written. */
static void
refresh_bootstrap(void)
{
    if (config.bootstrap && access(config.ca_file, F_OK) == 0
        && !load_ca_file(config.ctx, config.ca_file, NULL)) {
        config.bootstrap = false;
    }
}

/* Checks that the configuration can serve a server (pssl:) or a client
 * (ssl:) now: 0 or -ENOPROTOOPT with the reason in 'diag'. */
static int
ssl_check_config(bool server, struct diag *diag)
{
    if (!config.ctx) {
        diag_add(diag, "SSL is not configured (it needs a private key, a "
                 "certificate and a CA certificate)");
        return -ENOPROTOOPT;
    }
    refresh_bootstrap();
    if (server && config.bootstrap) {
        diag_add(diag, "%s: no CA certificate yet (bootstrap pending), so "
                 "SSL clients cannot be verified", config.ca_file);
        return -ENOPROTOOPT;
    }
    return 0;
}

/* CA bootstrap. */

/* Verifies the peer of 'ssl', as a server, against 'store'.  Returns 0 or
 * -EPERM. */
static int
verify_peer(SSL *ssl, X509_STORE *store, const char *name, struct diag *diag)
{
    STACK_OF(X509) *chain = SSL_get_peer_cert_chain(ssl);
    X509_STORE_CTX *vctx = X509_STORE_CTX_new();
    int error = -EPERM;
    X509 *leaf;

#if OPENSSL_VERSION_NUMBER >= 0x30000000L
    leaf = SSL_get1_peer_certificate(ssl);
#else
    leaf = SSL_get_peer_certificate(ssl);
#endif
    if (!vctx || !leaf
        || X509_STORE_CTX_init(vctx, store, leaf, chain) != 1
        || X509_STORE_CTX_set_default(vctx, "ssl_server") != 1) {
        ssl_diag(diag, name, "cannot verify the peer", NULL);
        goto out;
    }
    if (X509_verify_cert(vctx) != 1) {
        int verr = X509_STORE_CTX_get_error(vctx);

        ERR_clear_error();
        diag_add(diag, "%s: certificate verify failed against the "
                 "bootstrapped CA (%s)", name,
                 X509_verify_cert_error_string(verr));
        goto out;
    }
    error = 0;
out:
    X509_STORE_CTX_free(vctx);
    X509_free(leaf);
    return error;
}

/* Writes 'cert' to 'path', which must not exist: all of it or nothing,
 * durably.  Returns 0, -EEXIST, or another negative errno value. */
static int
save_ca_cert(X509 *cert, const char *path, struct diag *diag)
{
    char *tmp = g_strdup_printf("%s.tmpXXXXXX", path);
    char *dir = g_path_get_dirname(path);
    FILE *file = NULL;
    int error = 0;
    int fd;

    fd = mkstemp(tmp);
    if (fd < 0) {
        error = -errno;
        diag_add(diag, "%s: cannot save the bootstrapped CA certificate: "
                 "%s", path, g_strerror(errno));
        goto out;
    }
    file = fdopen(fd, "w");
    if (!file) {
        error = -errno;
        close(fd);
        unlink(tmp);
        goto out;
    }
    if (fchmod(fd, 0444) < 0 || PEM_write_X509(file, cert) != 1
        || fflush(file) || fsync(fd) < 0) {
        error = errno ? -errno : -EIO;
        ERR_clear_error();
        diag_add(diag, "%s: cannot save the bootstrapped CA certificate: "
                 "%s", path, g_strerror(-error));
        fclose(file);
        unlink(tmp);
        goto out;
    }
    if (fclose(file)) {
        error = -errno;
        unlink(tmp);
        goto out;
    }
    /* link() rather than rename(): never replace a CA file that another
     * process saved meanwhile. */
    if (link(tmp, path) < 0) {
        error = -errno;
        if (error != -EEXIST) {
            diag_add(diag, "%s: cannot save the bootstrapped CA "
                     "certificate: %s", path, g_strerror(errno));
        }
    } else {
        (void) fsync_directory(dir);
    }
    unlink(tmp);
out:
    g_free(tmp);
    g_free(dir);
    return error;
}

/* After a handshake done without verification: takes the top of the
 * server's chain as the CA, verifies the server against it, saves it and
 * trusts it from now on. */
static int
bootstrap_ca(struct ssl_stream *s, struct diag *diag)
{
    STACK_OF(X509) *chain = SSL_get_peer_cert_chain(s->ssl);
    int n = chain ? sk_X509_num(chain) : 0;
    const char *name = s->up.name;
    bool current = SSL_get_SSL_CTX(s->ssl) == config.ctx;
    X509_STORE *store;
    X509 *ca;
    int error;

    if (!n) {
        diag_add(diag, "%s: cannot bootstrap the CA certificate: the peer "
                 "sent no certificate", name);
        return -EPROTO;
    }
    ca = sk_X509_value(chain, n - 1);
    if (X509_check_issued(ca, ca) != X509_V_OK) {
        diag_add(diag, "%s: cannot bootstrap the CA certificate: the top "
                 "certificate of the %d the peer sent is not self-signed "
                 "(the peer must send its CA certificate too)", name, n);
        return -EPROTO;
    }

    store = X509_STORE_new();
    if (!store || X509_STORE_add_cert(store, ca) != 1) {
        X509_STORE_free(store);
        ssl_diag(diag, name, "cannot bootstrap the CA certificate", NULL);
        return -ENOMEM;
    }
    error = verify_peer(s->ssl, store, name, diag);
    X509_STORE_free(store);
    if (error) {
        return error;
    }

    if (!current || !config.bootstrap) {
        /* Someone else has settled the CA meanwhile: check against it. */
        refresh_bootstrap();
        return verify_peer(s->ssl, SSL_CTX_get_cert_store(
                               SSL_get_SSL_CTX(s->ssl)), name, diag);
    }
    error = save_ca_cert(ca, config.ca_file, diag);
    if (error == -EEXIST) {
        refresh_bootstrap();
        if (config.bootstrap) {
            diag_add(diag, "%s: cannot read the CA certificate that "
                     "another process saved", config.ca_file);
            return -EPROTO;
        }
        return verify_peer(s->ssl, SSL_CTX_get_cert_store(config.ctx),
                           name, diag);
    } else if (error) {
        return error;
    }
    if (X509_STORE_add_cert(SSL_CTX_get_cert_store(config.ctx), ca) != 1
        || SSL_CTX_add_client_CA(config.ctx, ca) != 1) {
        ERR_clear_error();
    }
    config.bootstrap = false;
    if (host_log_info) {
        char *msg = g_strdup_printf("%s: bootstrapped CA certificate from "
                                    "%s", config.ca_file, name);

        host_log_info(msg);
        g_free(msg);
    }
    return 0;
}

/* The SSL stream class. */

static struct ssl_stream *
ssl_stream_cast(const struct stream *stream)
{
    return (struct ssl_stream *) stream;
}

static int
ssl_fail(struct ssl_stream *s, int error)
{
    s->state = S_FAILED;
    s->status = error;
    return error;
}

static int
ssl_create(int fd, const char *name, bool connecting, bool server,
           struct stream **streamp, struct diag *diag)
{
    struct ssl_stream *s;
    int error;
    SSL *ssl;
    BIO *bio;

    error = ssl_check_config(server, diag);
    if (error) {
        close(fd);
        return error;
    }
    ERR_clear_error();
    ssl = SSL_new(config.ctx);
    bio = ssl ? sock_bio_new(fd) : NULL;
    if (!bio) {
        ssl_diag(diag, name, "SSL_new", NULL);
        SSL_free(ssl);
        close(fd);
        return -ENOMEM;
    }
    SSL_set_bio(ssl, bio, bio);

    s = g_new0(struct ssl_stream, 1);
    s->up.class = &ssl_stream_class;
    s->up.name = g_strdup(name);
    s->up.fd = fd;
    s->ssl = ssl;
    s->server = server;
    s->state = connecting ? S_TCP_CONNECTING : S_HANDSHAKE;
    s->hs_events = server ? POLLIN : POLLOUT;
    s->rx_events = POLLIN;
    s->tx_events = POLLOUT;
    if (server) {
        SSL_set_accept_state(ssl);
    } else {
        SSL_set_connect_state(ssl);
        if (config.bootstrap) {
            SSL_set_verify(ssl, SSL_VERIFY_NONE, NULL);
            s->bootstrap = true;
        }
    }
    *streamp = &s->up;
    return 0;
}

static void
ssl_close(struct stream *stream)
{
    struct ssl_stream *s = ssl_stream_cast(stream);

    if (s->state == S_CONNECTED) {
        /* Best effort close_notify: never waits. */
        (void) SSL_shutdown(s->ssl);
    }
    ERR_clear_error();
    SSL_free(s->ssl);
    close(stream->fd);
    g_free(stream->name);
    g_free(s);
}

static int
ssl_handshake(struct ssl_stream *s, struct diag *diag)
{
    const char *name = s->up.name;
    long verify;
    int r, err;

    ERR_clear_error();
    errno = 0;
    r = SSL_do_handshake(s->ssl);
    if (r == 1) {
        if (s->bootstrap) {
            int error = bootstrap_ca(s, diag);

            if (error) {
                return ssl_fail(s, error);
            }
        }
        s->state = S_CONNECTED;
        return 0;
    }

    err = SSL_get_error(s->ssl, r);
    if (err == SSL_ERROR_WANT_READ) {
        s->hs_events = POLLIN;
        return -EAGAIN;
    } else if (err == SSL_ERROR_WANT_WRITE) {
        s->hs_events = POLLOUT;
        return -EAGAIN;
    } else if (err == SSL_ERROR_SYSCALL && !ERR_peek_error()) {
        if (errno) {
            int error = -errno;

            diag_add(diag, "%s: TLS handshake: %s", name, g_strerror(errno));
            return ssl_fail(s, error);
        }
        diag_add(diag, "%s: TLS handshake: the peer closed the connection",
                 name);
        return ssl_fail(s, -ECONNRESET);
    }

    if (err == SSL_ERROR_ZERO_RETURN
        || (err == SSL_ERROR_SSL && !ERR_peek_error())) {
        diag_add(diag, "%s: TLS handshake: the peer closed the connection "
                 "(is it speaking SSL?)", name);
        return ssl_fail(s, -ECONNRESET);
    }
    verify = SSL_get_verify_result(s->ssl);
    if (verify != X509_V_OK) {
        ssl_diag(diag, name, "TLS handshake",
                 X509_verify_cert_error_string(verify));
        return ssl_fail(s, -EPERM);
    }
    ssl_diag(diag, name, "TLS handshake", NULL);
    return ssl_fail(s, -EPROTO);
}

static int
ssl_connect(struct stream *stream, struct diag *diag)
{
    struct ssl_stream *s = ssl_stream_cast(stream);
    int error;

    switch (s->state) {
    case S_TCP_CONNECTING:
        error = stream_check_connect(stream->fd);
        if (error == -EAGAIN) {
            return error;
        } else if (error) {
            diag_add(diag, "%s: connect: %s", stream->name,
                     g_strerror(-error));
            return ssl_fail(s, error);
        }
        s->state = S_HANDSHAKE;
        /* Fall through. */
    case S_HANDSHAKE:
        return ssl_handshake(s, diag);
    case S_CONNECTED:
        return 0;
    case S_FAILED:
    default:
        return s->status;
    }
}

/* Interprets the failure 'r' of SSL_read() or SSL_write() ('what').
 * Returns -EAGAIN (setting '*events' to what to wait for), 0 for a clean
 * end of stream, or a negative errno value. */
static int
ssl_io_error(struct ssl_stream *s, const char *what, int r, short *events,
             struct diag *diag)
{
    int err = SSL_get_error(s->ssl, r);

    switch (err) {
    case SSL_ERROR_WANT_READ:
        *events = POLLIN;
        return -EAGAIN;
    case SSL_ERROR_WANT_WRITE:
        *events = POLLOUT;
        return -EAGAIN;
    case SSL_ERROR_ZERO_RETURN:
        return 0;
    case SSL_ERROR_SYSCALL:
        if (!ERR_peek_error()) {
            if (!errno) {
                return 0;
            }
            diag_add(diag, "%s: %s: %s", s->up.name, what, g_strerror(errno));
            return ssl_fail(s, -errno);
        }
        /* Fall through. */
    default:
        ssl_diag(diag, s->up.name, what, NULL);
        return ssl_fail(s, -EPROTO);
    }
}

static int
ssl_recv(struct stream *stream, void *buf, size_t n, struct diag *diag)
{
    struct ssl_stream *s = ssl_stream_cast(stream);
    int error = ssl_connect(stream, diag);
    int r;

    if (error) {
        return error;
    }
    ERR_clear_error();
    errno = 0;
    r = SSL_read(s->ssl, buf, n > INT_MAX ? INT_MAX : n);
    if (r > 0) {
        s->rx_events = POLLIN;
        return r;
    }
    return ssl_io_error(s, "SSL_read", r, &s->rx_events, diag);
}

static int
ssl_send(struct stream *stream, const void *buf, size_t n, struct diag *diag)
{
    struct ssl_stream *s = ssl_stream_cast(stream);
    int error = ssl_connect(stream, diag);
    int r;

    if (error) {
        return error;
    } else if (!n) {
        return 0;
    }
    ERR_clear_error();
    errno = 0;
    r = SSL_write(s->ssl, buf, n > INT_MAX ? INT_MAX : n);
    if (r > 0) {
        s->tx_events = POLLOUT;
        return r;
    }
    error = ssl_io_error(s, "SSL_write", r, &s->tx_events, diag);
    if (!error) {
        diag_add(diag, "%s: SSL_write: the peer closed the connection",
                 stream->name);
        return ssl_fail(s, -EPIPE);
    }
    return error;
}

static void
ssl_wait(const struct stream *stream, int want, short *events,
         int *timeout_ms)
{
    const struct ssl_stream *s = ssl_stream_cast(stream);

    switch (s->state) {
    case S_TCP_CONNECTING:
        *events = POLLOUT;
        break;
    case S_HANDSHAKE:
        *events = s->hs_events;
        break;
    case S_CONNECTED:
        if (want & STREAM_WAIT_RECV) {
            *events |= s->rx_events;
            if (SSL_pending(s->ssl) > 0) {
                stream_lower_timeout(timeout_ms, 0);
            }
        }
        if (want & STREAM_WAIT_SEND) {
            *events |= s->tx_events;
        }
        break;
    case S_FAILED:
    default:
        *events = POLLIN;
        stream_lower_timeout(timeout_ms, 0);
        break;
    }
}

static const struct stream_class ssl_stream_class = {
    .prefix = "ssl",
    .create = ssl_create,
    .close = ssl_close,
    .connect = ssl_connect,
    .recv = ssl_recv,
    .send = ssl_send,
    .wait = ssl_wait,
};

/* The module's interface. */

/* See struct stream_ssl_module's 'init'. */
static void
ssl_init(void (*log_info)(const char *message))
{
    host_log_info = log_info;
}

/* The one symbol the module exports (the build hides every other), so
 * that nothing here can interpose on the program's own functions. */
extern const struct stream_ssl_module stream_ssl_module
    __attribute__((visibility("default")));
const struct stream_ssl_module stream_ssl_module = {
    .version = PACKAGE_VERSION,
    .class = &ssl_stream_class,
    .init = ssl_init,
    .check_config = ssl_check_config,
    .set_config = ssl_set_config,
    .is_configured = ssl_is_configured,
    .clear_config = ssl_clear_config,
};
