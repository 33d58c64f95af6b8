/* stream.h -- byte streams for OVSDB connections: Unix sockets, TCP and
 * SSL (TLS), active ("unix:PATH", "tcp:IP[:PORT]", "ssl:IP[:PORT]") and
 * passive ("punix:PATH", "ptcp:[PORT][:IP]", "pssl:[PORT][:IP]").
 *
 * Everything here is non-blocking unless its comment says otherwise: a
 * call that cannot make progress returns -EAGAIN, and the caller polls the
 * descriptor that stream_wait_fd() (or pstream_wait_fd()) names for the
 * events it names, then calls again.  Errors are negative errno values;
 * functions that take a 'struct diag *' add a message there (it may be
 * NULL) when they fail.
 *
 * The default port of tcp:, ssl:, ptcp: and pssl: is 6640 (OVSDB's IANA
 * port).  IPv6 addresses go in brackets: "tcp:[::1]:6640". */
#ifndef VSWITCH_STREAM_H
#define VSWITCH_STREAM_H 1

#include <stdbool.h>
#include <stddef.h>

struct diag;
struct pstream;
struct stream;

#define STREAM_DEFAULT_PORT 6640

/* What a caller of stream_wait_fd() wants to do next. */
enum stream_wait_type {
    STREAM_WAIT_CONNECT = 0,    /* Finish connecting (always implied). */
    STREAM_WAIT_RECV = 1 << 0,  /* Receive. */
    STREAM_WAIT_SEND = 1 << 1,  /* Send. */
};

/* Name checks.  Return 0 if 'name' has a known active (stream_) or passive
 * (pstream_) prefix, otherwise -EAFNOSUPPORT.  They do not look at the rest
 * of the name. */
int stream_verify_name(const char *name);
int pstream_verify_name(const char *name);

/* Active streams. */

/* Starts connecting to 'name'.  On success returns 0 and sets '*streamp'
 * to a new stream, owned by the caller (stream_close()); the connection
 * may still be in progress (see stream_connect()).  On failure returns a
 * negative errno value (-EAFNOSUPPORT for an unknown prefix, -EINVAL for a
 * malformed name, -ENOPROTOOPT for ssl: without SSL configuration or
 * without the SSL module, see below) and
 * leaves '*streamp' alone.
 *
 * Does not block, except that a host name (as opposed to an IP address)
 * in a tcp: or ssl: name is resolved with getaddrinfo(), which blocks. */
int stream_open(const char *name, struct stream **streamp, struct diag *);

/* Like stream_open() followed by stream_connect() until done, waiting up
 * to 'timeout_ms' (negative: forever).  BLOCKS.  For command-line tools. */
int stream_open_block(const char *name, int timeout_ms,
                      struct stream **streamp, struct diag *);

/* Wraps the connected socket 'fd' (for example one end of a socketpair)
 * in a stream named 'name'.  The stream owns 'fd' and makes it
 * non-blocking.  Never fails; the caller owns the stream. */
struct stream *stream_open_fd(int fd, const char *name);

/* Drives the connection (TCP connect, SSL handshake) forward.  Returns 0
 * once connected, -EAGAIN while in progress, or a negative errno value if
 * the connection failed (-EPERM: the peer's certificate did not verify;
 * -EPROTO: another SSL failure).  Once it has returned 0 or an error it
 * keeps returning the same. */
int stream_connect(struct stream *, struct diag *);

/* Receives up to 'n' bytes into 'buf'.  Returns the number of bytes
 * received (> 0), 0 at end of stream, -EAGAIN if nothing can be received
 * now (including while still connecting), or another negative errno value
 * on error.  A caller that wants to sleep must first call this until it
 * returns -EAGAIN (SSL may hold data that poll() does not see; then
 * stream_wait_fd() asks for no sleep at all). */
int stream_recv(struct stream *, void *buf, size_t n, struct diag *);

/* Sends up to 'n' bytes from 'buf'.  Returns the number of bytes sent
 * (> 0: possibly fewer than 'n'), -EAGAIN if none can be sent now
 * (including while still connecting), or another negative errno value on
 * error.  After -EAGAIN, call again with at least the same bytes first in
 * 'buf' (SSL requires it).  Never raises SIGPIPE. */
int stream_send(struct stream *, const void *buf, size_t n, struct diag *);

/* Tells a poll loop what to wait for before the next call that 'want's
 * (a bitmask of enum stream_wait_type; connecting is implied).  Returns
 * the descriptor and sets '*events' to POLLIN and/or POLLOUT.  Lowers
 * '*timeout_ms' (milliseconds, negative meaning forever) to 0 if the next
 * call can make progress without waiting. */
int stream_wait_fd(const struct stream *, int want, short *events,
                   int *timeout_ms);

/* The stream's name, for messages: as given to stream_open(), or for an
 * accepted stream "unix:", "tcp:IP:PORT" or "ssl:IP:PORT" (the peer). */
const char *stream_get_name(const struct stream *);

/* Closes the stream and frees it.  Accepts NULL. */
void stream_close(struct stream *);

/* Passive streams (listeners). */

/* Starts listening on 'name'.  On success returns 0 and sets '*pstreamp'
 * to a new listener owned by the caller (pstream_close()).  On failure
 * returns a negative errno value (-EADDRINUSE, -EACCES, -EAFNOSUPPORT,
 * -EINVAL, -ENOPROTOOPT for pssl: without complete SSL configuration or
 * without the SSL module...)
 * with a message in 'diag'.  Port 0 picks a free port: see
 * pstream_get_port().  A punix: socket file left by a process that is gone
 * is replaced; one that still answers is -EADDRINUSE.  Does not block. */
int pstream_open(const char *name, struct pstream **pstreamp, struct diag *);

/* Accepts one connection.  Returns 0 and sets '*streamp' to a new stream
 * owned by the caller (for pssl: its handshake still to do, driven by
 * stream_connect(), stream_recv() or stream_send()), -EAGAIN if none is
 * waiting, or another negative errno value. */
int pstream_accept(struct pstream *, struct stream **streamp, struct diag *);

/* The descriptor to poll for POLLIN (an incoming connection). */
int pstream_wait_fd(const struct pstream *, short *events);

/* The TCP port a ptcp: or pssl: listener is bound to (the one picked for
 * port 0), or 0 for punix:. */
int pstream_get_port(const struct pstream *);

/* The listener's name with the real port: "ptcp:PORT:IP", "pssl:PORT:IP"
 * or "punix:PATH". */
const char *pstream_get_name(const struct pstream *);

/* Stops listening and frees the listener; a punix: socket file is
 * removed.  Accepts NULL. */
void pstream_close(struct pstream *);

/* SSL configuration, shared by every ssl: and pssl: stream of the process.
 *
 * OpenSSL is not linked into the programs: it comes with the module
 * stream-ssl.so, which stream_ssl_set_config() or the first ssl: or pssl:
 * name loads (from $XSV_MODULEDIR if set, else the program's directory if
 * the module is there, else the package's library directory).  If it
 * cannot be loaded, they fail with -ENOPROTOOPT and "SSL support is
 * unavailable: cannot load FILE (reason)".
 *
 * 'private_key' and 'certificate' are PEM files (the certificate file may
 * hold a chain: the certificate first, then the CAs to send with it, e.g.
 * the CA itself for peers that bootstrap; exactly that chain is sent, none
 * is built from 'ca_cert').  'ca_cert' is the PEM file of
 * the CA that must have signed every peer's certificate: both ends verify
 * each other (TLS 1.2 or later), as Open vSwitch does; host names are not
 * checked.
 *
 * With 'bootstrap_ca_cert', a 'ca_cert' file that does not exist yet is
 * not an error: the first ssl: (client) connection takes the CA
 * certificate the server sends at the top of its chain (it must be
 * self-signed), saves it to 'ca_cert', verifies the server against it, and
 * every later connection verifies against it.  Until then pssl: listeners
 * refuse clients, since they cannot verify them.
 *
 * Returns 0 or a negative errno value with OpenSSL's reason (or the
 * loader's, above) in 'diag'; on failure the previous configuration stays.
 * Streams already open keep the configuration they were opened with.
 * Reads the files now: call again after they change. */
int stream_ssl_set_config(const char *private_key, const char *certificate,
                          const char *ca_cert, bool bootstrap_ca_cert,
                          struct diag *);

/* True if stream_ssl_set_config() has succeeded.  Does not load the
 * module. */
bool stream_ssl_is_configured(void);

/* Forgets the SSL configuration and frees OpenSSL's context (open streams
 * keep working).  Does not load the module. */
void stream_ssl_clear_config(void);

#endif /* vswitch/stream.h */
