/* test-unixctl.c -- unit tests of vswitch/unixctl.c, printing TAP; and,
 * run with --serve, a small daemon on vswitch/daemon.c for the shell
 * tests.
 *
 * Without arguments: a server runs in a child process with commands
 * registered for the purpose, and the parent checks what the client
 * (unixctl_client_transact()) and raw JSON-RPC connections get back: the
 * built-in commands, argument-count errors and unknown commands in
 * ovs-appctl's words, arguments passed through, replies and error replies
 * (with the trailing newline rule), a command that does not reply or
 * replies twice, malformed requests, pipelined requests, timeouts and
 * connection failures; and a server without a socket.
 *
 *   test-unixctl --serve=SOCKET [--pidfile=FILE] [--detach]
 *                [--fail-before-ready] [--ready-delay=MS]
 *
 * serves, until "exit" or SIGTERM, fake "ofctl/..." commands as vswitchd
 * would (for tests/vsofctl.sh: each replies with its arguments joined by
 * '|'; bridges other than br0 and xenbr0 give "no such bridge"; a flow
 * containing "bad" is refused; a flow "sleep=MS" delays the reply) and
 * "test/sleep MS" (for tests/vsappctl.sh), with daemon.c's --detach and
 * --pidfile (for tests/daemon.sh). */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <glib.h>
#include <jansson.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon.h"
#include "diag.h"
#include "jsonrpc.h"
#include "stream.h"
#include "tap.h"
#include "unixctl.h"
#include "util.h"

/* The server's loop: until daemon_exit_requested(). */
static void
serve_until_exit(struct unixctl_server *server)
{
    while (!daemon_exit_requested()) {
        GArray *pfds = g_array_new(FALSE, TRUE, sizeof(struct pollfd));
        struct pollfd pfd = { .fd = daemon_signal_fd(), .events = POLLIN };
        int timeout = -1;

        g_array_append_val(pfds, pfd);
        unixctl_server_wait(server, pfds, &timeout);
        if (poll((struct pollfd *) pfds->data, pfds->len, timeout) < 0
            && errno != EINTR) {
            perror("poll");
            exit(EXIT_FAILURE);
        }
        g_array_free(pfds, TRUE);
        unixctl_server_run(server);
    }
}

/* Replies with argv[0]|argv[1]|... */
static void
cmd_echo(struct unixctl_conn *conn, int argc, const char *argv[], void *aux)
{
    char *s = g_strjoinv("|", (char **) argv);

    (void) argc;
    (void) aux;
    unixctl_command_reply(conn, s);
    g_free(s);
}

static void
cmd_error(struct unixctl_conn *conn, int argc, const char *argv[], void *aux)
{
    (void) argc;
    (void) aux;
    unixctl_command_reply_error(conn, argv[1]);
}

/* "test/reply [TEXT]": TEXT as it is, or a NULL body. */
static void
cmd_reply(struct unixctl_conn *conn, int argc, const char *argv[], void *aux)
{
    (void) aux;
    unixctl_command_reply(conn, argc > 1 ? argv[1] : NULL);
}

static void
cmd_noreply(struct unixctl_conn *conn, int argc, const char *argv[],
            void *aux)
{
    (void) conn;
    (void) argc;
    (void) argv;
    (void) aux;
}

static void
cmd_double(struct unixctl_conn *conn, int argc, const char *argv[],
           void *aux)
{
    (void) argc;
    (void) argv;
    (void) aux;
    unixctl_command_reply(conn, "first");
    unixctl_command_reply(conn, "second");
    unixctl_command_reply_error(conn, "third");
}

static void
cmd_aux(struct unixctl_conn *conn, int argc, const char *argv[], void *aux)
{
    (void) argc;
    (void) argv;
    unixctl_command_reply(conn, aux);
}

static void cmd_reregister_second(struct unixctl_conn *, int argc,
                                  const char *argv[], void *aux);

/* Registers itself again, with another callback, while it runs. */
static void
cmd_reregister_first(struct unixctl_conn *conn, int argc, const char *argv[],
                     void *aux)
{
    (void) argc;
    (void) aux;
    unixctl_command_register(argv[0], "replaced", 0, 0,
                             cmd_reregister_second, NULL);
    unixctl_command_reply(conn, "first");
}

static void
cmd_reregister_second(struct unixctl_conn *conn, int argc, const char *argv[],
                      void *aux)
{
    (void) argc;
    (void) argv;
    (void) aux;
    unixctl_command_reply(conn, "second");
}

static void
cmd_sleep(struct unixctl_conn *conn, int argc, const char *argv[], void *aux)
{
    (void) argc;
    (void) aux;
    g_usleep(atoi(argv[1]) * 1000);
    unixctl_command_reply(conn, "slept");
}

static void
cmd_exit(struct unixctl_conn *conn, int argc, const char *argv[], void *aux)
{
    (void) argc;
    (void) argv;
    (void) aux;
    daemon_request_exit();
    unixctl_command_reply(conn, NULL);
}

/* The fake vswitchd's "ofctl/..." commands. */
static void
cmd_ofctl(struct unixctl_conn *conn, int argc, const char *argv[], void *aux)
{
    char *s;
    int i;

    (void) aux;
    if (strcmp(argv[1], "br0") && strcmp(argv[1], "xenbr0")) {
        unixctl_command_reply_error(conn, "no such bridge");
        return;
    }
    for (i = 2; i < argc; i++) {
        if (g_str_has_prefix(argv[i], "sleep=")) {
            g_usleep(atoi(argv[i] + 6) * 1000);
        } else if (strstr(argv[i], "bad")) {
            s = g_strdup_printf("%s: unknown keyword in flow", argv[i]);
            unixctl_command_reply_error(conn, s);
            g_free(s);
            return;
        }
    }
    s = g_strjoinv("|", (char **) argv);
    if (!strcmp(argv[0], "ofctl/dump-flows")) {
        char *t = g_strdup_printf(
            "%s\n cookie=0x0, duration=1.5s, table=0, n_packets=0, "
            "n_bytes=0, priority=0 actions=NORMAL\n cookie=0x0, "
            "duration=1.5s, table=0, n_packets=3, n_bytes=180, "
            "priority=5,arp actions=drop\n", s);

        g_free(s);
        s = t;
    }
    unixctl_command_reply(conn, s);
    g_free(s);
}

/* --serve. */
static int
serve(int argc, char *argv[])
{
    enum {
        OPT_SERVE = 256, OPT_PIDFILE, OPT_DETACH, OPT_FAIL, OPT_DELAY,
    };
    static const struct option long_options[] = {
        { "serve", required_argument, NULL, OPT_SERVE },
        { "pidfile", required_argument, NULL, OPT_PIDFILE },
        { "detach", no_argument, NULL, OPT_DETACH },
        { "fail-before-ready", no_argument, NULL, OPT_FAIL },
        { "ready-delay", required_argument, NULL, OPT_DELAY },
        { NULL, 0, NULL, 0 },
    };
    const char *path = NULL, *pidfile = NULL;
    bool detach = false, fail = false;
    struct unixctl_server *server;
    struct diag *diag = diag_new();
    int delay_ms = 0;
    int status = EXIT_FAILURE;
    int opt;

    while ((opt = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
        switch (opt) {
        case OPT_SERVE:
            path = optarg;
            break;
        case OPT_PIDFILE:
            pidfile = optarg;
            break;
        case OPT_DETACH:
            detach = true;
            break;
        case OPT_FAIL:
            fail = true;
            break;
        case OPT_DELAY:
            delay_ms = atoi(optarg);
            break;
        default:
            return 2;
        }
    }
    if (!path || optind < argc) {
        fprintf(stderr, "usage: %s --serve=SOCKET [--pidfile=FILE] "
                "[--detach] [--fail-before-ready] [--ready-delay=MS]\n",
                program_name());
        return 2;
    }
    if (detach && daemon_detach(false)) {
        fprintf(stderr, "%s: cannot detach\n", program_name());
        goto out;
    }
    if (fail) {
        fprintf(stderr, "%s: failing before ready, as asked\n",
                program_name());
        goto out;
    }
    if (daemon_signals_init()) {
        fprintf(stderr, "%s: cannot set up signals\n", program_name());
        goto out;
    }
    server = unixctl_server_create(path, diag);
    if (!server) {
        diag_print(diag, stderr, program_name());
        goto out;
    }
    unixctl_command_register("ofctl/add-flow", "BRIDGE FLOW", 2, 2,
                             cmd_ofctl, NULL);
    unixctl_command_register("ofctl/add-flows", "BRIDGE FLOW...", 1,
                             INT_MAX, cmd_ofctl, NULL);
    unixctl_command_register("ofctl/del-flows", "BRIDGE [--strict] [FLOW]",
                             1, 3, cmd_ofctl, NULL);
    unixctl_command_register("ofctl/dump-flows",
                             "BRIDGE [--no-stats] [FLOW]", 1, 3, cmd_ofctl,
                             NULL);
    unixctl_command_register("test/sleep", "MS", 1, 1, cmd_sleep, NULL);
    unixctl_command_register("exit", "", 0, 0, cmd_exit, NULL);
    if (pidfile && daemon_pidfile_create(pidfile, diag)) {
        diag_print(diag, stderr, program_name());
        unixctl_server_destroy(server);
        goto out;
    }
    if (delay_ms) {
        g_usleep(delay_ms * 1000);
    }
    daemon_ready();
    serve_until_exit(server);
    daemon_pidfile_remove();
    unixctl_server_destroy(server);
    status = EXIT_SUCCESS;
out:
    diag_free(diag);
    return status;
}

/* The unit tests. */

static char *ctl;               /* The child's socket. */

/* Runs COMMAND with the 'argc' arguments that follow through the client,
 * with a 5 s timeout; '*result' and '*error' are NULL unless set. */
static int
transact(char **result, char **error, const char *command, int argc, ...)
{
    char **argv = g_new0(char *, argc + 1);
    va_list args;
    int retval;
    int i;

    va_start(args, argc);
    for (i = 0; i < argc; i++) {
        argv[i] = va_arg(args, char *);
    }
    va_end(args);
    *result = *error = NULL;
    retval = unixctl_client_transact(ctl, command, argc, argv, 5000, result,
                                     error);
    g_free(argv);
    return retval;
}

/* Checks that COMMAND gives the result 'want' (NULL: no result) and the
 * error 'want_error' (NULL: none). */
static void
check(const char *want, const char *want_error, const char *name,
      const char *command, int argc, const char *arg0, const char *arg1,
      const char *arg2)
{
    char *result, *error;
    int retval = transact(&result, &error, command, argc, arg0, arg1, arg2);

    if (!is_int(retval, 0, "%s: a reply", name)) {
        return;
    }
    if (want_error) {
        is_str(error, want_error, "%s: the error", name);
    } else {
        is_str(result, want, "%s: the result", name);
    }
    ok(want_error ? !result : !error, "%s: %s", name,
       want_error ? "no result" : "no error");
    g_free(result);
    g_free(error);
}

static json_t *
parse(const char *text)
{
    json_t *json = json_loads(text, 0, NULL);

    if (!json) {
        diag_msg("bad test JSON %s", text);
        abort();
    }
    return json;
}

/* A raw JSON-RPC connection to the child. */
static struct jsonrpc *
raw_open(void)
{
    struct stream *stream;
    char *name = g_strdup_printf("unix:%s", ctl);
    int error = stream_open_block(name, 5000, &stream, NULL);

    g_free(name);
    if (error) {
        diag_msg("cannot connect to %s: %s", ctl, g_strerror(-error));
        abort();
    }
    return jsonrpc_open(stream);
}

static void
test_builtins(void)
{
    char *version = g_strdup_printf("test-unixctl (%s) %s\n", PACKAGE_NAME,
                                    PACKAGE_VERSION);
    char *result, *error;
    const char *list =
        "The available commands are:\n"
        "  exit                    \n"
        "  help                    \n"
        "  list-commands           \n"
        "  test/aux                \n"
        "  test/double             \n"
        "  test/echo               [ARG...]\n"
        "  test/error              TEXT\n"
        "  test/noreply            \n"
        "  test/reply              [TEXT]\n"
        "  test/reregister         \n"
        "  test/sleep              MS\n"
        "  test/two                A [B]\n"
        "  test/usage-with-a-long-name-beyond-the-column USAGE\n"
        "  version                 \n";

    check(version, NULL, "version", "version", 0, NULL, NULL, NULL);
    check(list, NULL, "list-commands", "list-commands", 0, NULL, NULL, NULL);
    check(list, NULL, "help", "help", 0, NULL, NULL, NULL);
    is_int(transact(&result, &error, "version", 1, "x"), 0,
           "version with an argument: a reply");
    is_str(error, "\"version\" command takes at most 0 arguments\n",
           "... an error in ovs-appctl's words");
    g_free(result);
    g_free(error);
    g_free(version);
}

static void
test_arguments(void)
{
    check(NULL, "\"nosuch\" is not a valid command (use \"list-commands\" "
          "to see a list of valid commands)\n", "unknown command", "nosuch",
          0, NULL, NULL, NULL);
    check(NULL, "\"test/two\" command requires at least 1 arguments\n",
          "too few arguments", "test/two", 0, NULL, NULL, NULL);
    check(NULL, "\"test/two\" command takes at most 2 arguments\n",
          "too many arguments", "test/two", 3, "a", "b", "c");
    check("test/two|a\n", NULL, "the minimum", "test/two", 1, "a", NULL,
          NULL);
    check("test/two|a|b\n", NULL, "the maximum", "test/two", 2, "a", "b",
          NULL);
    check("test/echo\n", NULL, "no arguments", "test/echo", 0, NULL, NULL,
          NULL);
    check("test/echo|a b|--x|\n", NULL, "arguments pass through as they are",
          "test/echo", 3, "a b", "--x", "");
    check("test/echo|caf\xc3\xa9\n", NULL, "UTF-8 arguments", "test/echo", 1,
          "caf\xc3\xa9", NULL, NULL);
}

static void
test_replies(void)
{
    char *result, *error;

    check(NULL, "it failed\n", "an error reply gets a newline",
          "test/error", 1, "it failed", NULL, NULL);
    check(NULL, "two\nlines\n", "... not a second one", "test/error", 1,
          "two\nlines\n", NULL, NULL);
    check("text\n", NULL, "a reply gets a newline", "test/reply", 1, "text",
          NULL, NULL);
    check("", NULL, "an empty reply stays empty", "test/reply", 1, "", NULL,
          NULL);
    check("", NULL, "a NULL reply is empty", "test/reply", 0, NULL, NULL,
          NULL);
    check("the aux\n", NULL, "the callback gets its aux", "test/aux", 0,
          NULL, NULL, NULL);
    check(NULL, "internal error: the command did not reply\n",
          "a command that does not reply gets an error", "test/noreply", 0,
          NULL, NULL, NULL);
    check("first\n", NULL, "of two replies the first counts", "test/double",
          0, NULL, NULL, NULL);
    check("first\n", NULL, "a command may register itself again",
          "test/reregister", 0, NULL, NULL, NULL);
    check("second\n", NULL, "... and the new registration runs next time",
          "test/reregister", 0, NULL, NULL, NULL);

    is_int(unixctl_client_transact(ctl, "test/sleep", 1,
                                   (char *[]) { "1000", NULL }, 200, &result,
                                   &error),
           -ETIMEDOUT, "a slow command: -ETIMEDOUT after the timeout");
    check("test/echo|after\n", NULL, "the server carries on",
          "test/echo", 1, "after", NULL, NULL);
}

static void
test_raw(void)
{
    struct jsonrpc *rpc = raw_open(), *rpc2;
    json_t *reply = NULL;
    int error;

    /* A notification gets no reply; the request after it does. */
    jsonrpc_send(rpc, parse("{\"method\":\"test/echo\",\"params\":[],"
                            "\"id\":null}"));
    error = jsonrpc_transact_block(
        rpc, parse("{\"method\":\"test/echo\",\"params\":[1],\"id\":5}"),
        &reply, 5000);
    if (is_int(error, 0, "non-string argument: a reply")) {
        is_str(json_string_value(jsonrpc_msg_error(reply)),
               "command has non-string argument: 1\n",
               "... an error naming the argument");
        is_int(json_integer_value(jsonrpc_msg_id(reply)), 5,
               "... with the request's id (the notification got none)");
    }
    json_decref(reply);

    /* Two requests back to back: two replies, in order. */
    jsonrpc_send(rpc, parse("{\"method\":\"test/echo\",\"params\":[\"a\"],"
                            "\"id\":7}"));
    jsonrpc_send(rpc, parse("{\"method\":\"test/echo\",\"params\":[\"b\"],"
                            "\"id\":\"eight\"}"));
    error = jsonrpc_recv_block(rpc, &reply, 5000);
    ok(!error && json_integer_value(jsonrpc_msg_id(reply)) == 7
       && !g_strcmp0(json_string_value(jsonrpc_msg_result(reply)),
                     "test/echo|a\n"),
       "pipelined requests: the first reply");
    json_decref(reply);
    error = jsonrpc_recv_block(rpc, &reply, 5000);
    ok(!error && !g_strcmp0(json_string_value(jsonrpc_msg_id(reply)),
                            "eight")
       && !g_strcmp0(json_string_value(jsonrpc_msg_result(reply)),
                     "test/echo|b\n"),
       "... then the second, with its id");
    json_decref(reply);

    /* Two connections at once, answered each on its own. */
    rpc2 = raw_open();
    error = jsonrpc_transact_block(
        rpc2, parse("{\"method\":\"test/echo\",\"params\":[\"2\"],"
                    "\"id\":1}"), &reply, 5000);
    ok(!error && !g_strcmp0(json_string_value(jsonrpc_msg_result(reply)),
                            "test/echo|2\n"),
       "a second connection meanwhile");
    json_decref(reply);
    error = jsonrpc_transact_block(
        rpc, parse("{\"method\":\"test/echo\",\"params\":[\"1\"],"
                   "\"id\":1}"), &reply, 5000);
    ok(!error && !g_strcmp0(json_string_value(jsonrpc_msg_result(reply)),
                            "test/echo|1\n"),
       "... and the first still works");
    json_decref(reply);
    jsonrpc_close(rpc2);
    jsonrpc_close(rpc);

    /* Garbage and a half-sent request, then a hang-up. */
    {
        struct stream *stream;
        char *name = g_strdup_printf("unix:%s", ctl);

        if (!stream_open_block(name, 5000, &stream, NULL)) {
            stream_send(stream, "[1,2]", 5, NULL);
            stream_close(stream);
        }
        if (!stream_open_block(name, 5000, &stream, NULL)) {
            stream_send(stream, "{\"method\":\"test/ec", 18, NULL);
            stream_close(stream);
        }
        g_free(name);
    }
    check("test/echo|alive\n", NULL, "garbage and hang-ups do no harm",
          "test/echo", 1, "alive", NULL, NULL);
}

static void
test_client_failures(const char *dir)
{
    char *missing = g_build_filename(dir, "missing.ctl", NULL);
    char *file = g_build_filename(dir, "file.ctl", NULL);
    char *result = NULL, *error = NULL;

    is_int(unixctl_client_transact(missing, "version", 0, NULL, 1000,
                                   &result, &error),
           -ENOENT, "client: no socket: -ENOENT");
    g_file_set_contents(file, "", 0, NULL);
    ok(unixctl_client_transact(file, "version", 0, NULL, 1000, &result,
                               &error) < 0,
       "client: a file that is not a socket: an error");
    ok(!result && !error, "... results left alone");
    is_int(unixctl_client_transact(ctl, "test/echo", 1,
                                   (char *[]) { "\xff", NULL }, 1000,
                                   &result, &error),
           -EINVAL, "client: an argument that is not UTF-8: -EINVAL");
    unlink(file);
    g_free(file);
    g_free(missing);
}

static void
test_servers(const char *dir, struct unixctl_server *live)
{
    struct unixctl_server *none = unixctl_server_create("none", NULL);
    struct diag *diag = diag_new();
    GArray *pfds = g_array_new(FALSE, TRUE, sizeof(struct pollfd));
    char *path;
    int timeout = -1;

    ok(none != NULL, "a server at \"none\"");
    is_str(unixctl_server_get_path(none), "none", "... its path");
    unixctl_server_wait(none, pfds, &timeout);
    is_int(pfds->len, 0, "... waits on nothing");
    unixctl_server_run(none);
    unixctl_server_destroy(none);
    unixctl_server_destroy(NULL);
    ok(true, "... runs and goes away; destroy accepts NULL");

    unixctl_server_wait(live, pfds, &timeout);
    is_int(pfds->len, 1, "the listening server waits on its listener");
    is_int(timeout, -1, "... with no timeout");
    g_array_free(pfds, TRUE);

    ok(!unixctl_server_create(ctl, diag) && diag_count(diag) > 0,
       "a second server on a live socket: NULL, with a message");
    diag_clear(diag);
    path = g_build_filename(dir, "no", "such", "dir.ctl", NULL);
    ok(!unixctl_server_create(path, diag) && diag_count(diag) > 0,
       "a server in a missing directory: NULL, with a message");
    g_free(path);
    diag_free(diag);
}

int
main(int argc, char *argv[])
{
    struct unixctl_server *server;
    char *dir, *result, *error;
    int status;
    pid_t pid;

    set_program_name(argv[0]);
    if (argc > 1) {
        return serve(argc, argv);
    }

    dir = g_dir_make_tmp("test-unixctl.XXXXXX", NULL);
    ctl = g_build_filename(dir, "test.ctl", NULL);
    server = unixctl_server_create(ctl, NULL);
    if (!server) {
        skip_all("cannot listen on a Unix socket");
    }
    unixctl_command_register("test/echo", "[ARG...]", 0, INT_MAX, cmd_echo,
                             NULL);
    unixctl_command_register("test/two", "A [B]", 1, 2, cmd_echo, NULL);
    unixctl_command_register("test/error", "TEXT", 1, 1, cmd_error, NULL);
    unixctl_command_register("test/reply", "[TEXT]", 0, 1, cmd_reply, NULL);
    unixctl_command_register("test/noreply", NULL, 0, 0, cmd_noreply, NULL);
    unixctl_command_register("test/double", "", 0, 0, cmd_double, NULL);
    unixctl_command_register("test/aux", "", 0, 0, cmd_aux, "the aux");
    unixctl_command_register("test/reregister", "", 0, 0,
                             cmd_reregister_first, NULL);
    unixctl_command_register("test/sleep", "MS", 1, 1, cmd_sleep, NULL);
    unixctl_command_register("test/usage-with-a-long-name-beyond-the-column",
                             "USAGE", 0, 0, cmd_echo, NULL);
    unixctl_command_register("exit", "", 0, 0, cmd_exit, NULL);

    fflush(stdout);
    pid = fork();
    if (pid < 0) {
        skip_all("cannot fork");
    } else if (!pid) {
        serve_until_exit(server);
        _exit(EXIT_SUCCESS);
    }

    test_builtins();
    test_arguments();
    test_replies();
    test_raw();
    test_client_failures(dir);
    test_servers(dir, server);

    is_int(transact(&result, &error, "exit", 0), 0, "exit: a reply");
    g_free(result);
    g_free(error);
    ok(waitpid(pid, &status, 0) == pid && WIFEXITED(status)
       && WEXITSTATUS(status) == 0, "... and the server process ends");
    unixctl_server_destroy(server);
    ok(!g_file_test(ctl, G_FILE_TEST_EXISTS),
       "destroying the server removes its socket");
    rmdir(dir);
    g_free(ctl);
    g_free(dir);
    return done_testing();
}
