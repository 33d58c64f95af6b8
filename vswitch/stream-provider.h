/* stream-provider.h -- the vtables behind stream.h, for the files that
 * implement a kind of stream: stream.c (unix:, tcp:, and descriptors
 * given by the caller), stream-ssl.c (ssl: and pssl:, built as the
 * module stream-ssl.so) and stream-ssl-load.c (which loads that module).
 * Nothing outside those files should include this.
 *
 * Every stream and listener has a socket descriptor.  stream.c makes the
 * sockets (connect, bind, listen, accept) for every kind; a class turns a
 * socket into a stream and moves bytes over it. */
#ifndef VSWITCH_STREAM_PROVIDER_H
#define VSWITCH_STREAM_PROVIDER_H 1

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "stream.h"

struct diag;

/* An active stream.  A class embeds this as its first member. */
struct stream {
    const struct stream_class *class;
    char *name;                 /* Owned. */
    int fd;                     /* Owned, non-blocking. */
};

/* How to move bytes over a connected socket.  Every function follows the
 * contract of the stream.h function of the same name. */
struct stream_class {
    const char *prefix;         /* "unix", "tcp", "ssl" or "fd". */

    /* Wraps 'fd' (owned by the new stream, whatever happens) in a stream
     * named 'name' (copied).  'connecting' is true if a non-blocking TCP
     * connect is still in progress on 'fd'; 'server' is true for a stream
     * accepted by a listener.  Returns 0 or a negative errno value. */
    int (*create)(int fd, const char *name, bool connecting, bool server,
                  struct stream **streamp, struct diag *);
    void (*close)(struct stream *);
    int (*connect)(struct stream *, struct diag *);
    int (*recv)(struct stream *, void *, size_t, struct diag *);
    int (*send)(struct stream *, const void *, size_t, struct diag *);
    void (*wait)(const struct stream *, int want, short *events,
                 int *timeout_ms);
};

/* Helpers for every class.  Inline, so that a class built apart from the
 * program (stream-ssl.so) has them too. */

/* Checks the connection progress of a socket on which a non-blocking
 * connect() was started, without blocking: 0 if connected, -EAGAIN if
 * still in progress, else the connect error. */
static inline int
stream_check_connect(int fd)
{
    struct pollfd pfd = { .fd = fd, .events = POLLOUT };
    socklen_t len = sizeof(int);
    int error = 0;
    int n;

    do {
        n = poll(&pfd, 1, 0);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        return -errno;
    } else if (n == 0) {
        return -EAGAIN;
    }
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) < 0) {
        return -errno;
    }
    return error ? -error : 0;
}

/* Lowers '*timeout_ms' (negative: infinite) to 'ms'. */
static inline void
stream_lower_timeout(int *timeout_ms, int ms)
{
    if (ms < 0) {
        ms = 0;
    }
    if (*timeout_ms < 0 || ms < *timeout_ms) {
        *timeout_ms = ms;
    }
}

/* SSL.  Programs do not link OpenSSL: stream-ssl.c is built into a module,
 * stream-ssl.so, that stream-ssl-load.c loads with dlopen() the first time
 * SSL is configured or an ssl: or pssl: name is opened.  The module exports
 * one symbol, STREAM_SSL_MODULE_SYMBOL, a struct stream_ssl_module. */
#define STREAM_SSL_MODULE_FILE "stream-ssl.so"
#define STREAM_SSL_MODULE_SYMBOL "stream_ssl_module"

struct stream_ssl_module {
    /* PACKAGE_VERSION of the build the module comes from: the loader
     * refuses any other, since nothing else guarantees that this struct,
     * struct stream_class and struct diag have the layout it expects.
     * Keep it first. */
    const char *version;

    /* The class of ssl: streams and of the streams pssl: accepts. */
    const struct stream_class *class;

    /* Called once, just after loading, before anything else.  The module
     * has no logger of its own: it hands its one message (a CA certificate
     * bootstrapped) to 'log_info', which logs it as the program logs. */
    void (*init)(void (*log_info)(const char *message));

    /* stream_ssl_check_config() without the class, and the stream.h
     * functions of the same names. */
    int (*check_config)(bool server, struct diag *);
    int (*set_config)(const char *private_key, const char *certificate,
                      const char *ca_cert, bool bootstrap_ca_cert,
                      struct diag *);
    bool (*is_configured)(void);
    void (*clear_config)(void);
};

/* Checks that SSL can serve a server (pssl:) or a client (ssl:) now,
 * loading the module if need be.  Returns 0 and sets '*classp' to the SSL
 * class, or returns -ENOPROTOOPT with the reason in 'diag' (the module
 * cannot be loaded; SSL is not configured; a CA certificate is still to be
 * bootstrapped, for a server).  In stream-ssl-load.c. */
int stream_ssl_check_config(bool server, const struct stream_class **classp,
                            struct diag *);

#endif /* vswitch/stream-provider.h */
