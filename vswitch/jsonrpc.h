/* jsonrpc.h -- JSON-RPC 1.0 as OVSDB (RFC 7047) speaks it: messages,
 * the incremental parser that frames them, connections over a stream, and
 * a reconnecting session for active connections (managers).
 *
 * Messages are jansson values (json_t), JSON objects of one of four kinds:
 *
 *   request       {"method": M, "params": [...], "id": ID}
 *   notification  {"method": M, "params": [...], "id": null}
 *   reply         {"result": R, "error": null, "id": ID}
 *   error reply   {"result": null, "error": E, "id": ID}
 *
 * As in Open vSwitch, a member whose value is null counts as absent, and
 * members other than these five are refused.  On the wire, messages are
 * JSON texts one after another with no delimiter.
 *
 * Reference counts: a function documented to "steal" a json_t takes over
 * the caller's reference (as json_object_set_new() does); one documented to
 * "copy" leaves the caller's reference alone. */
#ifndef VSWITCH_JSONRPC_H
#define VSWITCH_JSONRPC_H 1

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct diag;
struct stream;

/* Default limits on what a peer may send. */
#define JSONRPC_DEFAULT_MAX_MSG_SIZE (64 * 1024 * 1024)     /* Bytes. */
#define JSONRPC_DEFAULT_MAX_DEPTH 1000    /* Nested objects and arrays. */

/* Reconnection defaults, in milliseconds. */
#define JSONRPC_MIN_BACKOFF 1000
#define JSONRPC_DEFAULT_MAX_BACKOFF 8000
#define JSONRPC_DEFAULT_PROBE_INTERVAL 5000

/* Messages. */

enum jsonrpc_msg_type {
    JSONRPC_REQUEST,
    JSONRPC_NOTIFY,
    JSONRPC_REPLY,
    JSONRPC_ERROR,
};

/* "request", "notification", "reply" or "error". */
const char *jsonrpc_msg_type_to_string(enum jsonrpc_msg_type);

/* Each returns a new message (a reference owned by the caller).  'method'
 * must be valid UTF-8 (it is copied).  'params'
 * (NULL meaning []), 'result' and 'error' are stolen; 'id' is stolen by
 * jsonrpc_create_request() (NULL meaning a new jsonrpc_next_id()) and
 * copied by the replies, which take it from the request they answer. */
json_t *jsonrpc_create_request(const char *method, json_t *params,
                               json_t *id);
json_t *jsonrpc_create_notify(const char *method, json_t *params);
json_t *jsonrpc_create_reply(json_t *result, const json_t *id);
json_t *jsonrpc_create_error(json_t *error, const json_t *id);

/* A new request id (a JSON integer, counting up in this process), owned by
 * the caller. */
json_t *jsonrpc_next_id(void);

/* Checks that 'msg' is a well-formed message (see above).  Returns 0 and
 * sets '*typep' (if nonnull) to its kind, or returns -EPROTO and sets
 * '*reasonp' (if nonnull) to a description the caller must g_free(). */
int jsonrpc_msg_check(const json_t *msg, enum jsonrpc_msg_type *typep,
                      char **reasonp);

/* Members of a checked message, or NULL if absent or null (borrowed
 * references; the method as a C string). */
const char *jsonrpc_msg_method(const json_t *msg);
json_t *jsonrpc_msg_params(const json_t *msg);
json_t *jsonrpc_msg_id(const json_t *msg);
json_t *jsonrpc_msg_result(const json_t *msg);
json_t *jsonrpc_msg_error(const json_t *msg);

/* 'msg' as compact JSON text, which the caller must g_free(). */
char *jsonrpc_msg_to_string(const json_t *msg);

/* The incremental parser.
 *
 * Frames a byte stream into messages: bytes go in as they arrive, in any
 * chunks, and each complete JSON text comes out as a checked message.  It
 * refuses (with a reason) a message over the size limit or nested deeper
 * than the depth limit before it has read all of it, a text that is not
 * an object, malformed JSON (including invalid UTF-8 and numbers out of
 * range), and objects that are not JSON-RPC messages.  An error is
 * final. */
struct jsonrpc_parser;

/* Returns a new parser owned by the caller.  'max_size' is in bytes, 0
 * meaning JSONRPC_DEFAULT_MAX_MSG_SIZE; 'max_depth', 0 meaning
 * JSONRPC_DEFAULT_MAX_DEPTH, counts nested objects and arrays (a message
 * is depth 1). */
struct jsonrpc_parser *jsonrpc_parser_create(size_t max_size, int max_depth);
void jsonrpc_parser_destroy(struct jsonrpc_parser *);  /* Accepts NULL. */

/* Feeds up to 'n' bytes.  Stops after the byte that completes a message;
 * then jsonrpc_parser_is_done() is true and jsonrpc_parser_finish() must
 * be called before more bytes go in.  Returns the number of bytes used,
 * or a negative errno value (-EMSGSIZE, -EPROTO) if the bytes cannot be
 * part of a valid message (see jsonrpc_parser_get_error()). */
ssize_t jsonrpc_parser_feed(struct jsonrpc_parser *, const void *data,
                            size_t n);

/* True if a complete message awaits jsonrpc_parser_finish(). */
bool jsonrpc_parser_is_done(const struct jsonrpc_parser *);

/* True if some bytes of a message (not just white space) have been fed but
 * not yet finished. */
bool jsonrpc_parser_is_busy(const struct jsonrpc_parser *);

/* Parses the complete message.  Returns 0 and sets '*msgp' to it (a new
 * reference owned by the caller), or returns -EPROTO (see
 * jsonrpc_parser_get_error()).  Either way the parser is then ready for the
 * next message (unless it failed). */
int jsonrpc_parser_finish(struct jsonrpc_parser *, json_t **msgp);

/* Why the parser failed, or NULL if it has not. */
const char *jsonrpc_parser_get_error(const struct jsonrpc_parser *);

/* Connections.
 *
 * A connection sends and receives messages over a stream, without
 * blocking (except the functions marked BLOCKS).  Output that the stream
 * does not take at once waits in a backlog, sent by jsonrpc_run() and
 * every jsonrpc_send(); it has no limit: see jsonrpc_get_backlog().  Any
 * error, including a malformed message from the peer, ends the
 * connection: every later call returns the same error, and
 * jsonrpc_get_error() says why. */
struct jsonrpc;

/* Returns a new connection over 'stream' (which it takes over), owned by
 * the caller, with the default limits. */
struct jsonrpc *jsonrpc_open(struct stream *);

/* Closes the connection and its stream, dropping any backlog.  Accepts
 * NULL. */
void jsonrpc_close(struct jsonrpc *);

/* Changes the limits on incoming messages (0 meaning the default); see
 * jsonrpc_parser_create(). */
void jsonrpc_set_limits(struct jsonrpc *, size_t max_size, int max_depth);

/* Sends as much of the backlog as the stream takes now. */
void jsonrpc_run(struct jsonrpc *);

/* Queues 'msg' (stolen) for sending and sends what it can now.  Returns 0
 * or the connection's error (a negative errno value). */
int jsonrpc_send(struct jsonrpc *, json_t *msg);

/* Receives a message.  Returns 0 and sets '*msgp' to a checked message (a
 * new reference owned by the caller), -EAGAIN if no complete message has
 * arrived, or the connection's error: -EPIPE if the peer closed the
 * connection between messages, -EPROTO for a malformed message or a close
 * in the middle of one, -EMSGSIZE for one over the size limit, or a stream
 * error.  Call it until it returns -EAGAIN before sleeping. */
int jsonrpc_recv(struct jsonrpc *, json_t **msgp);

/* For a poll loop: the descriptor and the events to wait for before
 * calling jsonrpc_recv() and jsonrpc_run() again; lowers '*timeout_ms'
 * (negative: forever) to 0 if they can progress without waiting. */
int jsonrpc_wait_fd(const struct jsonrpc *, short *events, int *timeout_ms);

/* 0, or the error that ended the connection (negative errno value). */
int jsonrpc_get_status(const struct jsonrpc *);

/* Why the connection ended, or NULL if it has not. */
const char *jsonrpc_get_error(const struct jsonrpc *);

/* Bytes queued and not yet sent. */
size_t jsonrpc_get_backlog(const struct jsonrpc *);

/* The stream's name. */
const char *jsonrpc_get_name(const struct jsonrpc *);

/* If 'msg' is an "echo" request, sends the reply (echoing its params) on
 * 'rpc' and returns true; otherwise returns false.  'msg' is copied. */
bool jsonrpc_handle_echo(struct jsonrpc *rpc, const json_t *msg);

/* BLOCKS until the backlog after sending 'msg' (stolen) is empty, or
 * 'timeout_ms' (negative: forever) passes (-ETIMEDOUT).  Returns 0 or a
 * negative errno value. */
int jsonrpc_send_block(struct jsonrpc *, json_t *msg, int timeout_ms);

/* BLOCKS until a message arrives (0, '*msgp' owned by the caller) or an
 * error, or 'timeout_ms' passes (-ETIMEDOUT).  Answers echo requests on
 * the way. */
int jsonrpc_recv_block(struct jsonrpc *, json_t **msgp, int timeout_ms);

/* BLOCKS: sends 'request' (stolen) and waits for the reply or error reply
 * with the same id, answering echo requests and dropping other messages
 * meanwhile.  Returns 0 and sets '*replyp' (owned by the caller), or a
 * negative errno value (-ETIMEDOUT after 'timeout_ms'). */
int jsonrpc_transact_block(struct jsonrpc *, json_t *request,
                           json_t **replyp, int timeout_ms);

/* Reconnecting sessions.
 *
 * A session keeps an active connection (unix:, tcp:, ssl:) up: it
 * connects, and after a failure or a disconnection waits before
 * reconnecting, 1 s the first time and twice as long each time after,
 * up to the maximum backoff (8 s by default); the wait starts again from
 * 1 s once a connection has received a message.  It answers echo requests
 * itself, and after 'probe_interval' ms without hearing from the peer
 * sends an echo request; if another interval passes in silence it drops
 * the connection.  Nothing blocks, except the host name resolution noted
 * at stream_open(). */
struct jsonrpc_session;

/* Returns 0 and sets '*sessionp' to a new session for 'name' (owned by the
 * caller; it starts connecting at the first jsonrpc_session_run()), or
 * -EAFNOSUPPORT if 'name' is not an active stream name. */
int jsonrpc_session_open(const char *name, struct jsonrpc_session **sessionp,
                         struct diag *);

/* Closes the session and its connection.  Accepts NULL. */
void jsonrpc_session_close(struct jsonrpc_session *);

/* Does what is due: connects, reconnects, sends the backlog and probes. */
void jsonrpc_session_run(struct jsonrpc_session *);

/* For a poll loop: returns the descriptor to poll (or -1 if none, while
 * waiting to reconnect) and sets '*events'; lowers '*timeout_ms'
 * (negative: forever) to when jsonrpc_session_run() next has work. */
int jsonrpc_session_wait_fd(const struct jsonrpc_session *, short *events,
                            int *timeout_ms);

/* Sends 'msg' (stolen) if connected: returns 0, or -ENOTCONN (the message
 * is dropped), or the connection's error (then it reconnects). */
int jsonrpc_session_send(struct jsonrpc_session *, json_t *msg);

/* Returns 0 and a message in '*msgp' (owned by the caller), or -EAGAIN if
 * there is none now (including while disconnected).  Echo requests and
 * the replies to the session's own probes are handled, not returned. */
int jsonrpc_session_recv(struct jsonrpc_session *, json_t **msgp);

bool jsonrpc_session_is_connected(const struct jsonrpc_session *);
/* Connected, with an inactivity probe sent and not yet answered (Open
 * vSwitch's reconnect calls that state IDLE). */
bool jsonrpc_session_is_idle(const struct jsonrpc_session *);

/* A number that changes at each connection and disconnection: a caller
 * that sees it change resends what a new connection needs (for example
 * its monitor requests). */
unsigned int jsonrpc_session_get_seqno(const struct jsonrpc_session *);

/* The last connection error or why the last connection ended, or NULL. */
const char *jsonrpc_session_get_error(const struct jsonrpc_session *);

/* How long the session waits before the next reconnection attempt, in
 * ms (0 before the first failure). */
int jsonrpc_session_get_backoff(const struct jsonrpc_session *);

const char *jsonrpc_session_get_name(const struct jsonrpc_session *);

/* Settings, in milliseconds: the maximum backoff (at least 1000), and the
 * inactivity probe interval (0 disables probes; otherwise at least
 * 1000). */
void jsonrpc_session_set_max_backoff(struct jsonrpc_session *, int ms);
void jsonrpc_session_set_probe_interval(struct jsonrpc_session *, int ms);

/* Limits for incoming messages on future connections; see
 * jsonrpc_set_limits(). */
void jsonrpc_session_set_limits(struct jsonrpc_session *, size_t max_size,
                                int max_depth);

/* Replaces the session's clock (monotonic milliseconds), for tests;
 * NULL restores the real one. */
void jsonrpc_session_set_clock(struct jsonrpc_session *,
                               long long (*now_ms)(void *aux), void *aux);

#endif /* vswitch/jsonrpc.h */
