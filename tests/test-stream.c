/* test-stream.c -- a small JSON-RPC server and client over vswitch/stream.h
 * and vswitch/jsonrpc.h, for tests/stream-ssl.sh and interoperability
 * tests against stock Open vSwitch tools.
 *
 *   test-stream [OPTIONS] listen PSTREAM
 *       Listens on PSTREAM (punix:, ptcp:, pssl:) until SIGTERM or SIGINT.
 *       Answers "echo" with its params and "list_dbs" with
 *       ["Open_vSwitch"] (so that `ovsdb-client list-dbs` works), and any
 *       other request with the error "unknown method".  Writes the bound
 *       port (0 for punix:) to --port-file once listening, and a line to
 *       stderr for every connection that ends, with the reason.
 *
 *   test-stream [OPTIONS] call STREAM METHOD [PARAMS]
 *       Connects to STREAM (unix:, tcp:, ssl:), sends request METHOD with
 *       PARAMS (a JSON array, default []), and prints the result as compact
 *       JSON.  Exit status: 0 for a result, 2 for an error reply (printed
 *       as "error: JSON"), 1 if the connection or the call failed (the
 *       reason on stderr).
 *
 * Options: --key FILE, --cert FILE, --ca FILE (SSL), --bootstrap-ca-cert,
 * --port-file FILE (listen), --timeout MS (call; default 10000). */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <glib.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic-file.h"
#include "diag.h"
#include "jsonrpc.h"
#include "stream.h"
#include "util.h"

static volatile sig_atomic_t stop;

static void
on_signal(int signo)
{
    stop = 1;
}

static void NO_RETURN
usage(void)
{
    fprintf(stderr,
            "usage: test-stream [OPTIONS] listen PSTREAM\n"
            "       test-stream [OPTIONS] call STREAM METHOD [PARAMS]\n"
            "options: --key FILE --cert FILE --ca FILE --bootstrap-ca-cert\n"
            "         --port-file FILE --timeout MS\n");
    exit(EXIT_FAILURE);
}

/* Answers one message received by the listener. */
static void
serve(struct jsonrpc *rpc, json_t *msg)
{
    const char *method = jsonrpc_msg_method(msg);

    if (jsonrpc_handle_echo(rpc, msg) || !method || !jsonrpc_msg_id(msg)) {
        return;
    }
    if (!strcmp(method, "list_dbs")) {
        jsonrpc_send(rpc, jsonrpc_create_reply(
                         json_pack("[s]", "Open_vSwitch"),
                         jsonrpc_msg_id(msg)));
    } else {
        jsonrpc_send(rpc, jsonrpc_create_error(
                         json_pack("{s:s, s:s}", "error", "unknown method",
                                   "details", method),
                         jsonrpc_msg_id(msg)));
    }
}

static int
do_listen(const char *name, const char *port_file)
{
    GPtrArray *conns = g_ptr_array_new();
    struct diag *diag = diag_new();
    struct pstream *pstream;
    struct sigaction sa;
    int error;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    error = pstream_open(name, &pstream, diag);
    if (error) {
        diag_print(diag, stderr, "test-stream");
        diag_free(diag);
        g_ptr_array_free(conns, TRUE);
        return EXIT_FAILURE;
    }
    fprintf(stderr, "test-stream: listening on %s\n",
            pstream_get_name(pstream));
    if (port_file) {
        char *text = g_strdup_printf("%d\n", pstream_get_port(pstream));

        error = atomic_file_write(port_file, text, strlen(text), 0644);
        g_free(text);
        if (error) {
            fprintf(stderr, "test-stream: %s: %s\n", port_file,
                    g_strerror(-error));
        }
    }

    while (!stop) {
        struct stream *stream;
        struct pollfd *pfds;
        int timeout = -1;

        /* New connections. */
        for (;;) {
            diag_clear(diag);
            error = pstream_accept(pstream, &stream, diag);
            if (error == -EAGAIN) {
                break;
            } else if (error) {
                diag_print(diag, stderr, "test-stream");
                break;
            }
            g_ptr_array_add(conns, jsonrpc_open(stream));
        }

        /* Requests. */
        for (guint i = 0; i < conns->len; ) {
            struct jsonrpc *rpc = g_ptr_array_index(conns, i);
            json_t *msg;

            while ((error = jsonrpc_recv(rpc, &msg)) == 0) {
                serve(rpc, msg);
                json_decref(msg);
            }
            jsonrpc_run(rpc);
            if (jsonrpc_get_status(rpc)) {
                fprintf(stderr, "test-stream: closed: %s\n",
                        jsonrpc_get_error(rpc));
                jsonrpc_close(rpc);
                g_ptr_array_remove_index(conns, i);
            } else {
                i++;
            }
        }

        /* Wait. */
        pfds = g_new0(struct pollfd, conns->len + 1);
        pfds[0].fd = pstream_wait_fd(pstream, &pfds[0].events);
        for (guint i = 0; i < conns->len; i++) {
            pfds[i + 1].fd = jsonrpc_wait_fd(g_ptr_array_index(conns, i),
                                             &pfds[i + 1].events, &timeout);
        }
        fflush(stderr);
        if (!stop) {
            (void) poll(pfds, conns->len + 1, timeout);
        }
        g_free(pfds);
    }

    for (guint i = 0; i < conns->len; i++) {
        jsonrpc_close(g_ptr_array_index(conns, i));
    }
    g_ptr_array_free(conns, TRUE);
    pstream_close(pstream);
    diag_free(diag);
    return EXIT_SUCCESS;
}

static int
do_call(const char *name, const char *method, const char *params_text,
        int timeout)
{
    struct diag *diag = diag_new();
    json_t *params, *reply = NULL;
    struct stream *stream;
    json_error_t jerror;
    struct jsonrpc *rpc;
    int status = EXIT_FAILURE;
    char *text;
    int error;

    params = json_loads(params_text, 0, &jerror);
    if (!json_is_array(params)) {
        fprintf(stderr, "test-stream: PARAMS must be a JSON array%s%s\n",
                params ? "" : ": ", params ? "" : jerror.text);
        json_decref(params);
        diag_free(diag);
        return EXIT_FAILURE;
    }

    error = stream_open_block(name, timeout, &stream, diag);
    if (error) {
        diag_print(diag, stderr, "test-stream");
        json_decref(params);
        diag_free(diag);
        return EXIT_FAILURE;
    }
    rpc = jsonrpc_open(stream);
    error = jsonrpc_transact_block(
        rpc, jsonrpc_create_request(method, params, NULL), &reply, timeout);
    if (error) {
        fprintf(stderr, "test-stream: %s\n",
                jsonrpc_get_error(rpc) ? jsonrpc_get_error(rpc)
                : g_strerror(-error));
        goto out;
    }
    if (jsonrpc_msg_result(reply)) {
        text = jsonrpc_msg_to_string(jsonrpc_msg_result(reply));
        printf("%s\n", text);
        status = EXIT_SUCCESS;
    } else {
        text = jsonrpc_msg_to_string(jsonrpc_msg_error(reply));
        printf("error: %s\n", text);
        status = 2;
    }
    g_free(text);

out:
    json_decref(reply);
    jsonrpc_close(rpc);
    diag_free(diag);
    return status;
}

int
main(int argc, char *argv[])
{
    enum { OPT_KEY = 256, OPT_CERT, OPT_CA, OPT_BOOTSTRAP, OPT_PORT_FILE,
           OPT_TIMEOUT };
    static const struct option options[] = {
        { "key", required_argument, NULL, OPT_KEY },
        { "cert", required_argument, NULL, OPT_CERT },
        { "ca", required_argument, NULL, OPT_CA },
        { "bootstrap-ca-cert", no_argument, NULL, OPT_BOOTSTRAP },
        { "port-file", required_argument, NULL, OPT_PORT_FILE },
        { "timeout", required_argument, NULL, OPT_TIMEOUT },
        { NULL, 0, NULL, 0 },
    };
    const char *key = NULL, *cert = NULL, *ca = NULL, *port_file = NULL;
    bool bootstrap = false;
    int timeout = 10000;
    int status;
    int c;

    set_program_name(argv[0]);
    while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (c) {
        case OPT_KEY:
            key = optarg;
            break;
        case OPT_CERT:
            cert = optarg;
            break;
        case OPT_CA:
            ca = optarg;
            break;
        case OPT_BOOTSTRAP:
            bootstrap = true;
            break;
        case OPT_PORT_FILE:
            port_file = optarg;
            break;
        case OPT_TIMEOUT:
            timeout = atoi(optarg);
            break;
        default:
            usage();
        }
    }
    argc -= optind;
    argv += optind;

    if (key || cert || ca) {
        struct diag *diag = diag_new();

        if (stream_ssl_set_config(key, cert, ca, bootstrap, diag)) {
            diag_print(diag, stderr, "test-stream");
            diag_free(diag);
            return EXIT_FAILURE;
        }
        diag_free(diag);
    }

    if (argc == 2 && !strcmp(argv[0], "listen")) {
        status = do_listen(argv[1], port_file);
    } else if ((argc == 3 || argc == 4) && !strcmp(argv[0], "call")) {
        status = do_call(argv[1], argv[2], argc == 4 ? argv[3] : "[]",
                         timeout);
    } else {
        usage();
    }
    stream_ssl_clear_config();
    return status;
}
