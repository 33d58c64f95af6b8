/* unixctl.c -- the control socket: a registry of commands served to
 * ovs-appctl-style clients over a Unix socket, and the client that sends
 * one command.
 *
 * It sits on the JSON-RPC layer (jsonrpc.h) over punix:/unix: streams
 * (stream.h), and is used by the daemons (vsdb-server.c, vswitchd) for
 * their server side and by vsappctl.c and vsofctl.c for the client side.
 * The wording of its errors (unknown command, argument counts) and the
 * layout of "list-commands" are Open vSwitch's, so that scripts written
 * against ovs-appctl read the same text.  Replies are synchronous: a
 * command answers before its callback returns. */
#include <config.h>

#include "unixctl.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "jsonrpc.h"
#include "log.h"
#include "stream.h"
#include "util.h"

LOG_DEFINE_THIS_MODULE(unixctl);

struct unixctl_command {
    char *usage;
    int min_args, max_args;
    unixctl_cb_func *cb;
    void *aux;
};

struct unixctl_conn {
    struct jsonrpc *rpc;
    json_t *request_id;         /* The request awaiting a reply, or NULL. */
};

struct unixctl_server {
    char *path;
    struct pstream *listener;   /* NULL for "none". */
    GPtrArray *conns;           /* Of struct unixctl_conn *. */
};

/* Name -> struct unixctl_command *, for the whole process. */
static GHashTable *commands;

static void
command_free(gpointer command_)
{
    struct unixctl_command *command = command_;

    g_free(command->usage);
    g_free(command);
}

static void
register__(const char *name, const char *usage, int min_args, int max_args,
           unixctl_cb_func *cb, void *aux)
{
    struct unixctl_command *command = g_new0(struct unixctl_command, 1);

    command->usage = g_strdup(usage ? usage : "");
    command->min_args = min_args;
    command->max_args = max_args;
    command->cb = cb;
    command->aux = aux;
    g_hash_table_replace(commands, g_strdup(name), command);
}

static gint
compare_strings(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* "list-commands" (and "help"): Open vSwitch's layout, sorted by name. */
static void
unixctl_list_commands(struct unixctl_conn *conn, int argc,
                      const char *argv[], void *aux)
{
    GString *s = g_string_new("The available commands are:\n");
    guint n, i;
    gpointer *names = g_hash_table_get_keys_as_array(commands, &n);

    (void) argc;
    (void) argv;
    (void) aux;
    qsort(names, n, sizeof *names, compare_strings);
    for (i = 0; i < n; i++) {
        const struct unixctl_command *command
            = g_hash_table_lookup(commands, names[i]);

        g_string_append_printf(s, "  %-23s %s\n", (const char *) names[i],
                               command->usage);
    }
    g_free(names);
    unixctl_command_reply(conn, s->str);
    g_string_free(s, TRUE);
}

static void
unixctl_version(struct unixctl_conn *conn, int argc,
                const char *argv[], void *aux)
{
    char *s = g_strdup_printf("%s (%s) %s", program_name(), PACKAGE_NAME,
                              PACKAGE_VERSION);

    (void) argc;
    (void) argv;
    (void) aux;
    unixctl_command_reply(conn, s);
    g_free(s);
}

/* The registry, created with the built-in commands on first use. */
static void
registry_init(void)
{
    if (!commands) {
        commands = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                         command_free);
        register__("list-commands", "", 0, 0, unixctl_list_commands, NULL);
        register__("help", "", 0, 0, unixctl_list_commands, NULL);
        register__("version", "", 0, 0, unixctl_version, NULL);
    }
}

void
unixctl_command_register(const char *name, const char *usage, int min_args,
                         int max_args, unixctl_cb_func *cb, void *aux)
{
    registry_init();
    register__(name, usage, min_args, max_args, cb, aux);
}

static void
reply__(struct unixctl_conn *conn, const char *body, bool is_error)
{
    json_t *text, *msg;
    char *s;

    if (!conn->request_id) {
        LOG_WARN("control: a second reply to one request (dropped): %s",
                 body ? body : "");
        return;
    }
    body = body ? body : "";
    s = (!*body || body[strlen(body) - 1] == '\n' ? g_strdup(body)
         : g_strdup_printf("%s\n", body));
    if (!g_utf8_validate(s, -1, NULL)) {
        char *valid = g_utf8_make_valid(s, -1);

        g_free(s);
        s = valid;
    }
    text = json_string(s);
    g_free(s);
    msg = (is_error ? jsonrpc_create_error(text, conn->request_id)
           : jsonrpc_create_reply(text, conn->request_id));
    jsonrpc_send(conn->rpc, msg);
    json_decref(conn->request_id);
    conn->request_id = NULL;
}

void
unixctl_command_reply(struct unixctl_conn *conn, const char *body)
{
    reply__(conn, body, false);
}

void
unixctl_command_reply_error(struct unixctl_conn *conn, const char *body)
{
    reply__(conn, body, true);
}

/* Handles one message received on 'conn': runs a request's command and
 * sends its reply.  Notifications and replies are ignored. */
static void
process_message(struct unixctl_conn *conn, const json_t *msg)
{
    const char *method = jsonrpc_msg_method(msg);
    json_t *id = jsonrpc_msg_id(msg);
    json_t *params = jsonrpc_msg_params(msg);
    const struct unixctl_command *command;
    const char **argv;
    size_t n = params ? json_array_size(params) : 0;
    size_t i;
    char *error;

    if (!method || !id) {
        LOG_DBG("control: ignoring a message that is not a request");
        return;
    }
    LOG_DBG("control: %s", method);
    conn->request_id = json_incref(id);
    for (i = 0; i < n; i++) {
        const json_t *arg = json_array_get(params, i);

        if (!json_is_string(arg)) {
            char *text = json_dumps(arg, JSON_COMPACT | JSON_ENCODE_ANY);

            error = g_strdup_printf("command has non-string argument: %s",
                                    text ? text : "?");
            free(text);
            goto error;
        }
    }
    command = g_hash_table_lookup(commands, method);
    if (!command) {
        error = g_strdup_printf("\"%s\" is not a valid command (use "
                                "\"list-commands\" to see a list of valid "
                                "commands)", method);
        goto error;
    } else if (n < (size_t) MAX(command->min_args, 0)) {
        error = g_strdup_printf("\"%s\" command requires at least %d "
                                "arguments", method, command->min_args);
        goto error;
    } else if (command->max_args >= 0 && n > (size_t) command->max_args) {
        error = g_strdup_printf("\"%s\" command takes at most %d arguments",
                                method, command->max_args);
        goto error;
    }

    argv = g_new(const char *, n + 2);
    argv[0] = method;
    for (i = 0; i < n; i++) {
        argv[i + 1] = json_string_value(json_array_get(params, i));
    }
    argv[n + 1] = NULL;
    /* 'command' may be freed by the callback (if it registers 'method'
     * again): not used after this. */
    command->cb(conn, n + 1, argv, command->aux);
    g_free(argv);
    if (conn->request_id) {
        LOG_WARN("control: command \"%s\" did not reply", method);
        unixctl_command_reply_error(conn, "internal error: the command "
                                    "did not reply");
    }
    return;

error:
    unixctl_command_reply_error(conn, error);
    g_free(error);
}

static void
conn_destroy(struct unixctl_conn *conn)
{
    if (conn) {
        jsonrpc_close(conn->rpc);
        json_decref(conn->request_id);
        g_free(conn);
    }
}

struct unixctl_server *
unixctl_server_create(const char *path, struct diag *diag)
{
    struct pstream *listener = NULL;
    struct unixctl_server *server;

    registry_init();
    if (strcmp(path, "none")) {
        char *name = g_strdup_printf("punix:%s", path);
        int error = pstream_open(name, &listener, diag);

        g_free(name);
        if (error) {
            return NULL;
        }
    }
    server = g_new0(struct unixctl_server, 1);
    server->path = g_strdup(path);
    server->listener = listener;
    server->conns = g_ptr_array_new();
    return server;
}

void
unixctl_server_run(struct unixctl_server *server)
{
    guint i;

    if (!server) {
        return;
    }
    while (server->listener) {
        struct unixctl_conn *conn;
        struct stream *stream;

        if (pstream_accept(server->listener, &stream, NULL)) {
            break;
        }
        conn = g_new0(struct unixctl_conn, 1);
        conn->rpc = jsonrpc_open(stream);
        g_ptr_array_add(server->conns, conn);
    }
    for (i = 0; i < server->conns->len;) {
        struct unixctl_conn *conn = g_ptr_array_index(server->conns, i);
        json_t *msg;
        int error;

        while (!(error = jsonrpc_recv(conn->rpc, &msg))) {
            process_message(conn, msg);
            json_decref(msg);
        }
        jsonrpc_run(conn->rpc);
        if (error != -EAGAIN) {
            if (error != -EPIPE) {
                LOG_DBG("control: connection dropped: %s",
                        jsonrpc_get_error(conn->rpc));
            }
            conn_destroy(conn);
            g_ptr_array_remove_index(server->conns, i);
        } else {
            i++;
        }
    }
}

void
unixctl_server_wait(const struct unixctl_server *server, GArray *pollfds,
                    int *timeout_ms)
{
    struct pollfd pfd;
    guint i;

    if (!server) {
        return;
    }
    if (server->listener) {
        pfd.fd = pstream_wait_fd(server->listener, &pfd.events);
        pfd.revents = 0;
        g_array_append_val(pollfds, pfd);
    }
    for (i = 0; i < server->conns->len; i++) {
        const struct unixctl_conn *conn = g_ptr_array_index(server->conns, i);

        pfd.fd = jsonrpc_wait_fd(conn->rpc, &pfd.events, timeout_ms);
        pfd.revents = 0;
        g_array_append_val(pollfds, pfd);
    }
}

const char *
unixctl_server_get_path(const struct unixctl_server *server)
{
    return server->path;
}

void
unixctl_server_destroy(struct unixctl_server *server)
{
    guint i;

    if (!server) {
        return;
    }
    for (i = 0; i < server->conns->len; i++) {
        conn_destroy(g_ptr_array_index(server->conns, i));
    }
    g_ptr_array_free(server->conns, TRUE);
    pstream_close(server->listener);
    g_free(server->path);
    g_free(server);
}

/* The client. */

int
unixctl_client_transact(const char *path, const char *command, int argc,
                        char *argv[], int timeout_ms, char **result,
                        char **error)
{
    gint64 start = g_get_monotonic_time() / 1000;
    struct jsonrpc *rpc = NULL;
    struct stream *stream;
    json_t *params, *request, *reply = NULL;
    const json_t *value;
    char *name;
    int retval;
    int i;

    if (!g_utf8_validate(command, -1, NULL)) {
        return -EINVAL;
    }
    params = json_array();
    for (i = 0; i < argc; i++) {
        json_t *arg = json_string(argv[i]);

        if (!arg) {             /* Not UTF-8. */
            json_decref(params);
            return -EINVAL;
        }
        json_array_append_new(params, arg);
    }
    request = jsonrpc_create_request(command, params, json_integer(0));

    name = g_strdup_printf("unix:%s", path);
    retval = stream_open_block(name, timeout_ms, &stream, NULL);
    g_free(name);
    if (retval) {
        json_decref(request);
        return retval;
    }
    rpc = jsonrpc_open(stream);
    if (timeout_ms >= 0) {
        gint64 left = start + timeout_ms - g_get_monotonic_time() / 1000;

        timeout_ms = MAX(left, 0);
    }
    retval = jsonrpc_transact_block(rpc, request, &reply, timeout_ms);
    if (retval) {
        goto out;
    }
    value = jsonrpc_msg_error(reply);
    if (value) {
        if (!json_is_string(value)) {
            retval = -EPROTO;
            goto out;
        }
        *error = g_strdup(json_string_value(value));
        *result = NULL;
    } else {
        value = jsonrpc_msg_result(reply);
        if (!json_is_string(value)) {
            retval = -EPROTO;
            goto out;
        }
        *result = g_strdup(json_string_value(value));
        *error = NULL;
    }

out:
    json_decref(reply);
    jsonrpc_close(rpc);
    return retval;
}

int
unixctl_parse_timeout(const char *s, int *timeout_ms)
{
    char *end;
    long secs;

    errno = 0;
    secs = strtol(s, &end, 10);
    if (errno || end == s || *end || secs < 0 || secs > INT_MAX / 1000) {
        return -EINVAL;
    }
    *timeout_ms = secs ? (int) secs * 1000 : -1;
    return 0;
}
