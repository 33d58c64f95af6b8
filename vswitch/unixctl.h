/* unixctl.h -- the control socket of the daemons (vsdb-server, vswitchd),
 * in the protocol of Open vSwitch's ovs-appctl: JSON-RPC 1.0 over a Unix
 * socket, each request's method a command name and its params the
 * command's arguments (strings); the reply's result is the command's
 * output (a string), its error the command's error message (a string).
 *
 * The server side keeps a process-wide registry of commands, with the
 * built-in commands "list-commands" (also "help") and "version", and
 * serves them on a punix: listener from a single-threaded poll loop
 * (unixctl_server_wait() and unixctl_server_run()).  The client side
 * (unixctl_client_transact()) sends one command and waits for its reply,
 * for vsappctl and vsofctl.  Stock ovs-appctl works against the server,
 * and vsappctl against stock Open vSwitch daemons. */
#ifndef VSWITCH_UNIXCTL_H
#define VSWITCH_UNIXCTL_H 1

#include <glib.h>

struct diag;
struct unixctl_conn;
struct unixctl_server;

/* Commands.
 *
 * A command's callback runs inside unixctl_server_run() with 'argc' >= 1
 * and 'argv[0]' the command's name, 'argv[1]' to 'argv[argc - 1]' its
 * arguments (borrowed, valid during the call), and the 'aux' given at
 * registration.  It must answer, before it returns, with exactly one call
 * of unixctl_command_reply() or unixctl_command_reply_error() on 'conn'
 * (one that does not is answered with an error, and a warning logged).
 * It must not destroy the server. */
typedef void unixctl_cb_func(struct unixctl_conn *conn, int argc,
                             const char *argv[], void *aux);

/* Registers 'name' (copied) for every server of the process.  'usage'
 * (copied; NULL meaning "") describes the arguments in the list that
 * "list-commands" prints, e.g. "BRIDGE [FLOW]".  The server refuses, with
 * ovs-appctl's wording, a request with fewer than 'min_args' or more than
 * 'max_args' arguments (not counting the name; INT_MAX for no limit)
 * before 'cb' sees it.  Registering a name again replaces the earlier
 * registration (including a built-in command's). */
void unixctl_command_register(const char *name, const char *usage,
                              int min_args, int max_args,
                              unixctl_cb_func *cb, void *aux);

/* Answers the request being handled on 'conn' with 'body' (copied; NULL
 * meaning ""), the command's output, or with the error message 'body'.
 * A newline is added to a nonempty body that does not end in one, as
 * Open vSwitch does, so that ovs-appctl's output ends in a newline. */
void unixctl_command_reply(struct unixctl_conn *conn, const char *body);
void unixctl_command_reply_error(struct unixctl_conn *conn,
                                 const char *body);

/* The server. */

/* Starts listening on the Unix socket 'path' (non-NULL; a socket file
 * left there by a process that is gone is replaced).  Returns a new
 * server owned by the caller (unixctl_server_destroy()), or NULL with a
 * message in 'diag' (which may be NULL) if it cannot listen (for example
 * because a live process listens there).  The path "none" gives a server
 * without a socket, on which the other functions do nothing, so that
 * "--unixctl=none" needs no special case.  Registers the built-in
 * commands (once per process). */
struct unixctl_server *unixctl_server_create(const char *path,
                                             struct diag *diag);

/* Accepts new connections, reads requests from every connection, runs
 * their commands and sends the replies; closes connections that the peer
 * closed or that sent something malformed.  Never blocks. */
void unixctl_server_run(struct unixctl_server *);

/* For a poll loop: appends to 'pollfds' (a GArray of struct pollfd) the
 * listener and each connection, with the events to wait for before the
 * next unixctl_server_run(); lowers '*timeout_ms' (negative: forever) to
 * 0 if that can progress without waiting. */
void unixctl_server_wait(const struct unixctl_server *, GArray *pollfds,
                         int *timeout_ms);

/* The socket's path as given to unixctl_server_create() ("none" for a
 * server without a socket).  Borrowed. */
const char *unixctl_server_get_path(const struct unixctl_server *);

/* Closes every connection and the listener, removing the socket file, and
 * frees the server.  The registry stays.  Accepts NULL. */
void unixctl_server_destroy(struct unixctl_server *);

/* The client. */

/* Parses 'secs', a --timeout value in whole seconds (0: none), into the
 * 'timeout_ms' unixctl_client_transact() takes (-1 for none).  Returns 0,
 * or -EINVAL for anything but a non-negative integer small enough. */
int unixctl_parse_timeout(const char *secs, int *timeout_ms);

/* Connects to the Unix socket 'path', sends the command 'command' with
 * the 'argc' arguments in 'argv' (as ovs-appctl does: {"method": command,
 * "params": [argv...], "id": 0}), and waits for the reply, all within
 * 'timeout_ms' (negative: no limit).  BLOCKS.
 *
 * Returns 0 if the server replied: then exactly one of '*result' (the
 * command's output) and '*error' (its error message) is a new string the
 * caller must g_free(), the other NULL.  Returns a negative errno value
 * if there was no reply, leaving both alone: the connection's error
 * (-ENOENT or -ECONNREFUSED when nothing listens at 'path'), -ETIMEDOUT,
 * -EPIPE if the server closed the connection first, -EPROTO if the reply
 * was not a string. */
int unixctl_client_transact(const char *path, const char *command, int argc,
                            char *argv[], int timeout_ms, char **result,
                            char **error);

#endif /* vswitch/unixctl.h */
