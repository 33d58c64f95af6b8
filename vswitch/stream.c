/* stream.c -- the stream front end (see stream.h) and the plain socket
 * kinds: unix:, tcp:, and descriptors handed in by the caller.
 *
 * This file parses names, makes every socket (non-blocking connect, bind,
 * listen, accept) and dispatches through struct stream_class
 * (stream-provider.h).  The class here, fd_stream_class, moves bytes with
 * plain recv()/send(); stream-ssl.c's class runs TLS over the same
 * sockets, from the module stream-ssl.so that stream-ssl-load.c loads
 * when SSL is first needed.  jsonrpc.c is the one user above: it frames
 * JSON-RPC messages on top of a stream. */
#include <config.h>

#include "stream.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "diag.h"
#include "stream-provider.h"
#include "util.h"

#define LISTEN_BACKLOG 64

/* A passive stream. */
struct pstream {
    const struct stream_class *class;   /* Of the streams it accepts. */
    const char *peer_prefix;    /* "unix", "tcp" or "ssl": accepted names. */
    char *name;                 /* With the real port. */
    int fd;
    int port;                   /* TCP port, or 0 for punix:. */
    char *unlink_path;          /* punix: socket file to remove, or NULL. */
};

/* unix:, tcp: and caller's descriptors: plain socket I/O. */
struct fd_stream {
    struct stream up;
    int status;                 /* -EAGAIN while connecting, 0, or error. */
};

static const struct stream_class fd_stream_class;

/* Helpers. */

static void
set_nodelay(int fd)
{
    int one = 1;

    /* Small JSON-RPC messages should not wait for Nagle. */
    (void) setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

/* If 's' starts with 'prefix' followed by ':', returns what follows. */
static const char *
skip_prefix(const char *s, const char *prefix)
{
    size_t n = strlen(prefix);

    return !strncmp(s, prefix, n) && s[n] == ':' ? s + n + 1 : NULL;
}

/* Parses a port number into '*port'.  'allow_zero' for listeners. */
static int
parse_port(const char *name, const char *s, bool allow_zero, int *port,
           struct diag *diag)
{
    char *end;
    long n;

    if (!*s) {
        *port = STREAM_DEFAULT_PORT;
        return 0;
    }
    errno = 0;
    n = strtol(s, &end, 10);
    if (!g_ascii_isdigit(*s) || *end || errno || n > 65535
        || (n == 0 && !allow_zero)) {
        diag_add(diag, "%s: bad port \"%s\"", name, s);
        return -EINVAL;
    }
    *port = n;
    return 0;
}

/* Splits the active suffix "HOST[:PORT]" or "[IPV6][:PORT]" into a newly
 * allocated '*hostp' and a port. */
static int
parse_active_inet(const char *name, const char *s, char **hostp, int *portp,
                  struct diag *diag)
{
    const char *port_s = "";
    char *host;
    int error;

    if (*s == '[') {
        const char *close = strchr(s, ']');

        if (!close || (close[1] && close[1] != ':')) {
            diag_add(diag, "%s: bad IPv6 address syntax", name);
            return -EINVAL;
        }
        host = g_strndup(s + 1, close - s - 1);
        if (close[1] == ':') {
            port_s = close + 2;
        }
    } else {
        const char *colon = strchr(s, ':');

        if (colon && strchr(colon + 1, ':')) {
            diag_add(diag, "%s: IPv6 addresses go in brackets", name);
            return -EINVAL;
        }
        host = colon ? g_strndup(s, colon - s) : g_strdup(s);
        if (colon) {
            port_s = colon + 1;
        }
    }
    if (!*host) {
        diag_add(diag, "%s: no host", name);
        g_free(host);
        return -EINVAL;
    }
    error = parse_port(name, port_s, false, portp, diag);
    if (error) {
        g_free(host);
        return error;
    }
    *hostp = host;
    return 0;
}

/* Splits the passive suffix "[PORT][:IP]" into a port and a newly
 * allocated '*hostp' (the IPv4 wildcard if none). */
static int
parse_passive_inet(const char *name, const char *s, char **hostp, int *portp,
                   struct diag *diag)
{
    const char *colon = strchr(s, ':');
    char *port_s = colon ? g_strndup(s, colon - s) : g_strdup(s);
    char *host = NULL;
    int error;

    error = parse_port(name, port_s, true, portp, diag);
    g_free(port_s);
    if (error) {
        return error;
    }
    if (!colon || !colon[1]) {
        host = g_strdup("0.0.0.0");
    } else if (colon[1] == '[') {
        size_t len = strlen(colon + 2);

        if (!len || colon[2 + len - 1] != ']') {
            diag_add(diag, "%s: bad IPv6 address syntax", name);
            return -EINVAL;
        }
        host = g_strndup(colon + 2, len - 1);
    } else {
        host = g_strdup(colon + 1);
    }
    *hostp = host;
    return 0;
}

/* Resolves 'host' and 'port'.  Numeric addresses never block; names are
 * looked up with getaddrinfo() (blocking) unless 'numeric_only'. */
static int
resolve(const char *name, const char *host, int port, bool numeric_only,
        struct addrinfo **resp, struct diag *diag)
{
    struct addrinfo hints;
    char port_s[16];
    int gai;

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
    snprintf(port_s, sizeof port_s, "%d", port);
    gai = getaddrinfo(host, port_s, &hints, resp);
    if (gai == EAI_NONAME && !numeric_only) {
        hints.ai_flags = AI_NUMERICSERV;
        gai = getaddrinfo(host, port_s, &hints, resp);
    }
    if (gai) {
        diag_add(diag, "%s: %s: %s", name, host,
                 gai == EAI_SYSTEM ? g_strerror(errno) : gai_strerror(gai));
        return -EADDRNOTAVAIL;
    }
    return 0;
}

/* Fills 'sun' for 'path'.  A path too long for sun_path is reached
 * through /proc/self/fd/N/BASENAME, N being a descriptor of its directory,
 * returned in '*dirfdp' (else -1) for the caller to close after bind() or
 * connect(). */
static int
make_unix_addr(const char *path, struct sockaddr_un *sun, socklen_t *lenp,
               int *dirfdp)
{
    char *dir, *base;
    int dirfd, n;

    *dirfdp = -1;
    memset(sun, 0, sizeof *sun);
    sun->sun_family = AF_UNIX;
    if (strlen(path) < sizeof sun->sun_path) {
        strcpy(sun->sun_path, path);
        *lenp = offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1;
        return 0;
    }

    dir = g_path_get_dirname(path);
    base = g_path_get_basename(path);
    dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    g_free(dir);
    if (dirfd < 0) {
        g_free(base);
        return -errno;
    }
    n = snprintf(sun->sun_path, sizeof sun->sun_path, "/proc/self/fd/%d/%s",
                 dirfd, base);
    g_free(base);
    if (n < 0 || (size_t) n >= sizeof sun->sun_path) {
        close(dirfd);
        return -ENAMETOOLONG;
    }
    *lenp = offsetof(struct sockaddr_un, sun_path) + n + 1;
    *dirfdp = dirfd;
    return 0;
}

/* Starts a non-blocking connect() of a new socket to 'path'.  Returns the
 * socket or a negative errno value. */
static int
unix_connect(const char *path)
{
    struct sockaddr_un sun;
    socklen_t len;
    int dirfd, fd, error;

    error = make_unix_addr(path, &sun, &len, &dirfd);
    if (error) {
        return error;
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error = -errno;
        goto out;
    }
    if (connect(fd, (struct sockaddr *) &sun, len) < 0) {
        /* A Unix socket connects at once or not at all; EAGAIN means the
         * listener's backlog is full. */
        error = errno == EAGAIN ? -ECONNREFUSED : -errno;
        close(fd);
        goto out;
    }
    error = fd;
out:
    if (dirfd >= 0) {
        close(dirfd);
    }
    return error;
}

static int
unix_bind(const char *path, int fd)
{
    struct sockaddr_un sun;
    socklen_t len;
    int dirfd, error;

    error = make_unix_addr(path, &sun, &len, &dirfd);
    if (error) {
        return error;
    }
    error = bind(fd, (struct sockaddr *) &sun, len) < 0 ? -errno : 0;
    if (dirfd >= 0) {
        close(dirfd);
    }
    return error;
}

/* True if 'path' is a socket that nothing listens on any more. */
static bool
is_stale_socket(const char *path)
{
    struct stat st;
    int fd;

    if (lstat(path, &st) < 0 || !S_ISSOCK(st.st_mode)) {
        return false;
    }
    fd = unix_connect(path);
    if (fd >= 0) {
        close(fd);
        return false;
    }
    return fd == -ECONNREFUSED;
}

/* Active streams. */

int
stream_verify_name(const char *name)
{
    return (skip_prefix(name, "unix") || skip_prefix(name, "tcp")
            || skip_prefix(name, "ssl") ? 0 : -EAFNOSUPPORT);
}

int
pstream_verify_name(const char *name)
{
    return (skip_prefix(name, "punix") || skip_prefix(name, "ptcp")
            || skip_prefix(name, "pssl") ? 0 : -EAFNOSUPPORT);
}

/* Opens a TCP connection for tcp: or ssl: ('class'). */
static int
inet_open(const char *name, const char *suffix,
          const struct stream_class *class, struct stream **streamp,
          struct diag *diag)
{
    struct addrinfo *res = NULL;
    int error, port;
    char *host;

    error = parse_active_inet(name, suffix, &host, &port, diag);
    if (error) {
        return error;
    }
    error = resolve(name, host, port, false, &res, diag);
    g_free(host);
    if (error) {
        return error;
    }

    error = -EHOSTUNREACH;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        int fd = socket(ai->ai_family,
                        SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        bool connecting;

        if (fd < 0) {
            error = -errno;
            continue;
        }
        set_nodelay(fd);
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
            connecting = false;
        } else if (errno == EINPROGRESS) {
            connecting = true;
        } else {
            error = -errno;
            close(fd);
            continue;
        }
        error = class->create(fd, name, connecting, false, streamp, diag);
        goto out;
    }
    diag_add(diag, "%s: connect: %s", name, g_strerror(-error));
out:
    freeaddrinfo(res);
    return error;
}

int
stream_open(const char *name, struct stream **streamp, struct diag *diag)
{
    const char *suffix;

    if ((suffix = skip_prefix(name, "unix"))) {
        int fd;

        if (!*suffix) {
            diag_add(diag, "%s: no socket path", name);
            return -EINVAL;
        }
        fd = unix_connect(suffix);
        if (fd < 0) {
            diag_add(diag, "%s: connect: %s", name, g_strerror(-fd));
            return fd;
        }
        return fd_stream_class.create(fd, name, false, false, streamp, diag);
    } else if ((suffix = skip_prefix(name, "tcp"))) {
        return inet_open(name, suffix, &fd_stream_class, streamp, diag);
    } else if ((suffix = skip_prefix(name, "ssl"))) {
        const struct stream_class *class;
        int error = stream_ssl_check_config(false, &class, diag);

        if (error) {
            return error;
        }
        return inet_open(name, suffix, class, streamp, diag);
    }
    diag_add(diag, "%s: unknown connection method (expected unix:, tcp: or "
             "ssl:)", name);
    return -EAFNOSUPPORT;
}

int
stream_open_block(const char *name, int timeout_ms, struct stream **streamp,
                  struct diag *diag)
{
    gint64 deadline = (timeout_ms < 0 ? -1
                       : g_get_monotonic_time() / 1000 + timeout_ms);
    struct stream *stream;
    int error;

    error = stream_open(name, &stream, diag);
    if (error) {
        return error;
    }
    while ((error = stream_connect(stream, diag)) == -EAGAIN) {
        struct pollfd pfd;
        int timeout = -1;

        if (deadline >= 0) {
            gint64 left = deadline - g_get_monotonic_time() / 1000;

            if (left <= 0) {
                diag_add(diag, "%s: connection timed out after %d ms", name,
                         timeout_ms);
                error = -ETIMEDOUT;
                break;
            }
            timeout = left;
        }
        pfd.fd = stream_wait_fd(stream, STREAM_WAIT_CONNECT, &pfd.events,
                                &timeout);
        if (poll(&pfd, 1, timeout) < 0 && errno != EINTR) {
            error = -errno;
            diag_add(diag, "%s: poll: %s", name, g_strerror(errno));
            break;
        }
    }
    if (error) {
        stream_close(stream);
        return error;
    }
    *streamp = stream;
    return 0;
}

struct stream *
stream_open_fd(int fd, const char *name)
{
    struct stream *stream = NULL;
    int flags = fcntl(fd, F_GETFL);

    if (flags >= 0) {
        (void) fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    }
    (void) fcntl(fd, F_SETFD, FD_CLOEXEC);
    (void) fd_stream_class.create(fd, name, false, false, &stream, NULL);
    return stream;
}

int
stream_connect(struct stream *stream, struct diag *diag)
{
    return stream->class->connect(stream, diag);
}

int
stream_recv(struct stream *stream, void *buf, size_t n, struct diag *diag)
{
    return stream->class->recv(stream, buf, n, diag);
}

int
stream_send(struct stream *stream, const void *buf, size_t n,
            struct diag *diag)
{
    return stream->class->send(stream, buf, n, diag);
}

int
stream_wait_fd(const struct stream *stream, int want, short *events,
               int *timeout_ms)
{
    *events = 0;
    stream->class->wait(stream, want, events, timeout_ms);
    return stream->fd;
}

const char *
stream_get_name(const struct stream *stream)
{
    return stream->name;
}

void
stream_close(struct stream *stream)
{
    if (stream) {
        stream->class->close(stream);
    }
}

/* The plain socket class. */

static struct fd_stream *
fd_stream_cast(const struct stream *stream)
{
    return (struct fd_stream *) stream;
}

static int
fd_create(int fd, const char *name, bool connecting, bool server,
          struct stream **streamp, struct diag *diag)
{
    struct fd_stream *s = g_new0(struct fd_stream, 1);

    s->up.class = &fd_stream_class;
    s->up.name = g_strdup(name);
    s->up.fd = fd;
    s->status = connecting ? -EAGAIN : 0;
    *streamp = &s->up;
    return 0;
}

static void
fd_close(struct stream *stream)
{
    close(stream->fd);
    g_free(stream->name);
    g_free(fd_stream_cast(stream));
}

static int
fd_connect(struct stream *stream, struct diag *diag)
{
    struct fd_stream *s = fd_stream_cast(stream);

    if (s->status == -EAGAIN) {
        s->status = stream_check_connect(stream->fd);
        if (s->status && s->status != -EAGAIN) {
            diag_add(diag, "%s: connect: %s", stream->name,
                     g_strerror(-s->status));
        }
    }
    return s->status;
}

static int
fd_recv(struct stream *stream, void *buf, size_t n, struct diag *diag)
{
    int error = fd_connect(stream, diag);
    ssize_t r;

    if (error) {
        return error;
    }
    if (n > INT_MAX) {
        n = INT_MAX;
    }
    do {
        r = recv(stream->fd, buf, n, 0);
    } while (r < 0 && errno == EINTR);
    if (r >= 0) {
        return r;
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
        return -EAGAIN;
    }
    diag_add(diag, "%s: recv: %s", stream->name, g_strerror(errno));
    return -errno;
}

static int
fd_send(struct stream *stream, const void *buf, size_t n, struct diag *diag)
{
    int error = fd_connect(stream, diag);
    ssize_t r;

    if (error) {
        return error;
    }
    if (n > INT_MAX) {
        n = INT_MAX;
    }
    do {
        r = send(stream->fd, buf, n, MSG_NOSIGNAL);
    } while (r < 0 && errno == EINTR);
    if (r >= 0) {
        return r;
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
        return -EAGAIN;
    }
    diag_add(diag, "%s: send: %s", stream->name, g_strerror(errno));
    return -errno;
}

static void
fd_wait(const struct stream *stream, int want, short *events,
        int *timeout_ms)
{
    const struct fd_stream *s = fd_stream_cast(stream);

    if (s->status == -EAGAIN) {
        *events = POLLOUT;
        return;
    } else if (s->status) {
        stream_lower_timeout(timeout_ms, 0);
    }
    if (want & STREAM_WAIT_RECV) {
        *events |= POLLIN;
    }
    if (want & STREAM_WAIT_SEND) {
        *events |= POLLOUT;
    }
}

static const struct stream_class fd_stream_class = {
    .prefix = "fd",
    .create = fd_create,
    .close = fd_close,
    .connect = fd_connect,
    .recv = fd_recv,
    .send = fd_send,
    .wait = fd_wait,
};

/* Passive streams. */

static int
punix_open(const char *name, const char *path, struct pstream *p,
           struct diag *diag)
{
    int fd, error;

    if (!*path) {
        diag_add(diag, "%s: no socket path", name);
        return -EINVAL;
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error = -errno;
        diag_add(diag, "%s: socket: %s", name, g_strerror(errno));
        return error;
    }
    error = unix_bind(path, fd);
    if (error == -EADDRINUSE && is_stale_socket(path)) {
        (void) unlink(path);
        error = unix_bind(path, fd);
    }
    if (error) {
        diag_add(diag, "%s: bind: %s", name, g_strerror(-error));
        close(fd);
        return error;
    }
    if (listen(fd, LISTEN_BACKLOG) < 0) {
        error = -errno;
        diag_add(diag, "%s: listen: %s", name, g_strerror(errno));
        (void) unlink(path);
        close(fd);
        return error;
    }
    p->fd = fd;
    p->unlink_path = g_strdup(path);
    p->name = g_strdup(name);
    return 0;
}

static int
pinet_open(const char *name, const char *prefix, const char *suffix,
           struct pstream *p, struct diag *diag)
{
    struct addrinfo *res = NULL;
    struct sockaddr_storage ss;
    socklen_t ss_len = sizeof ss;
    char addr[INET6_ADDRSTRLEN];
    int error, port, fd = -1;
    int one = 1;
    char *host;

    error = parse_passive_inet(name, suffix, &host, &port, diag);
    if (error) {
        return error;
    }
    error = resolve(name, host, port, true, &res, diag);
    g_free(host);
    if (error) {
        return error;
    }

    fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
                0);
    if (fd < 0) {
        error = -errno;
        diag_add(diag, "%s: socket: %s", name, g_strerror(errno));
        goto out;
    }
    (void) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, res->ai_addr, res->ai_addrlen) < 0) {
        error = -errno;
        diag_add(diag, "%s: bind: %s", name, g_strerror(errno));
        goto out;
    }
    if (listen(fd, LISTEN_BACKLOG) < 0) {
        error = -errno;
        diag_add(diag, "%s: listen: %s", name, g_strerror(errno));
        goto out;
    }
    if (getsockname(fd, (struct sockaddr *) &ss, &ss_len) < 0) {
        error = -errno;
        diag_add(diag, "%s: getsockname: %s", name, g_strerror(errno));
        goto out;
    }
    if (ss.ss_family == AF_INET6) {
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) &ss;

        inet_ntop(AF_INET6, &sin6->sin6_addr, addr, sizeof addr);
        p->port = ntohs(sin6->sin6_port);
        p->name = g_strdup_printf("%s:%d:[%s]", prefix, p->port, addr);
    } else {
        struct sockaddr_in *sin = (struct sockaddr_in *) &ss;

        inet_ntop(AF_INET, &sin->sin_addr, addr, sizeof addr);
        p->port = ntohs(sin->sin_port);
        p->name = g_strdup_printf("%s:%d:%s", prefix, p->port, addr);
    }
    p->fd = fd;
    fd = -1;
    error = 0;
out:
    if (fd >= 0) {
        close(fd);
    }
    freeaddrinfo(res);
    return error;
}

int
pstream_open(const char *name, struct pstream **pstreamp, struct diag *diag)
{
    struct pstream *p = g_new0(struct pstream, 1);
    const char *suffix;
    int error;

    p->fd = -1;
    if ((suffix = skip_prefix(name, "punix"))) {
        p->class = &fd_stream_class;
        p->peer_prefix = "unix";
        error = punix_open(name, suffix, p, diag);
    } else if ((suffix = skip_prefix(name, "ptcp"))) {
        p->class = &fd_stream_class;
        p->peer_prefix = "tcp";
        error = pinet_open(name, "ptcp", suffix, p, diag);
    } else if ((suffix = skip_prefix(name, "pssl"))) {
        p->peer_prefix = "ssl";
        error = stream_ssl_check_config(true, &p->class, diag);
        if (!error) {
            error = pinet_open(name, "pssl", suffix, p, diag);
        }
    } else {
        diag_add(diag, "%s: unknown listening method (expected punix:, "
                 "ptcp: or pssl:)", name);
        error = -EAFNOSUPPORT;
    }
    if (error) {
        g_free(p);
        return error;
    }
    *pstreamp = p;
    return 0;
}

/* The name of an accepted stream, from its peer's address. */
static char *
peer_name(const struct pstream *p, const struct sockaddr_storage *ss)
{
    char addr[INET6_ADDRSTRLEN];

    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *sin = (const struct sockaddr_in *) ss;

        inet_ntop(AF_INET, &sin->sin_addr, addr, sizeof addr);
        return g_strdup_printf("%s:%s:%d", p->peer_prefix, addr,
                               ntohs(sin->sin_port));
    } else if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *) ss;

        inet_ntop(AF_INET6, &sin6->sin6_addr, addr, sizeof addr);
        return g_strdup_printf("%s:[%s]:%d", p->peer_prefix, addr,
                               ntohs(sin6->sin6_port));
    }
    return g_strdup_printf("%s:", p->peer_prefix);
}

int
pstream_accept(struct pstream *p, struct stream **streamp, struct diag *diag)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    struct stream *stream;
    char *name;
    int fd, error;

    do {
        fd = accept4(p->fd, (struct sockaddr *) &ss, &len,
                     SOCK_NONBLOCK | SOCK_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            return -EAGAIN;
        }
        error = -errno;
        diag_add(diag, "%s: accept: %s", p->name, g_strerror(errno));
        return error;
    }
    if (ss.ss_family != AF_UNIX) {
        set_nodelay(fd);
    }
    name = peer_name(p, &ss);
    error = p->class->create(fd, name, false, true, &stream, diag);
    g_free(name);
    if (error) {
        return error;
    }
    *streamp = stream;
    return 0;
}

int
pstream_wait_fd(const struct pstream *p, short *events)
{
    *events = POLLIN;
    return p->fd;
}

int
pstream_get_port(const struct pstream *p)
{
    return p->port;
}

const char *
pstream_get_name(const struct pstream *p)
{
    return p->name;
}

void
pstream_close(struct pstream *p)
{
    if (p) {
        close(p->fd);
        if (p->unlink_path) {
            (void) unlink(p->unlink_path);
            g_free(p->unlink_path);
        }
        g_free(p->name);
        g_free(p);
    }
}
