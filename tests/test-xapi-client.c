/* test-xapi-client.c -- drives dbcache/xapi.c from the command line, for
 * the shell tests (tests/xapi-tls.sh).
 *
 *   test-xapi-client --xapi URL [--ca FILE] [--insecure] [--session REF]
 *                    [--timeout-ms N] call METHOD [ARG...]
 *   test-xapi-client --xapi URL ... read-model --root-prefix DIR
 *
 * "call" calls METHOD with string arguments (the session ref comes first,
 * added by xapi_call()) and prints the result as xmlrpc_value_to_text()
 * renders it.  "read-model" runs xapi_read_model() and prints one line per
 * record: "CLASS REF UUID", then "pool vswitch_controller VALUE".  Errors
 * go to stderr, each diag message on its own line, then "error: " and the
 * errno text; the exit status is 0 on success and 1 on failure. */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "log.h"
#include "model.h"
#include "util.h"
#include "xapi.h"
#include "xmlrpc.h"

static void NO_RETURN
usage(void)
{
    printf("usage: %s --xapi URL [--ca FILE] [--insecure] [--session REF]\n"
           "          [--timeout-ms N] call METHOD [ARG...]\n"
           "   or: %s --xapi URL ... read-model --root-prefix DIR\n",
           program_name(), program_name());
    exit(0);
}

static int
do_call(struct xapi_session *s, int argc, char *argv[], struct diag *diag)
{
    struct xmlrpc_value **params;
    struct xmlrpc_value *result = NULL;
    int error;

    if (argc < 1) {
        fprintf(stderr, "%s: call needs a METHOD\n", program_name());
        exit(2);
    }
    params = g_new(struct xmlrpc_value *, argc);
    for (int i = 1; i < argc; i++) {
        params[i - 1] = xmlrpc_string_new(argv[i]);
    }
    error = xapi_call(s, argv[0], params, argc - 1, &result, diag);
    if (!error) {
        char *text = xmlrpc_value_to_text(result);

        printf("%s\n", text);
        g_free(text);
        xmlrpc_value_free(result);
    }
    for (int i = 1; i < argc; i++) {
        xmlrpc_value_free(params[i - 1]);
    }
    g_free(params);
    return error;
}

static int
do_read_model(struct xapi_session *s, const char *root_prefix,
              struct diag *diag)
{
    struct dbcache *db;
    int error;

    error = xapi_read_model(s, root_prefix, &db, diag);
    if (error) {
        return error;
    }
    for (int c = 0; c < DBC_N_CLASSES; c++) {
        const struct dbc_class_info *ci = dbc_class_info(c);

        for (size_t i = 0; i < dbcache_count(db, c); i++) {
            struct dbc_record *r = dbcache_at(db, c, i);

            if (ci->has_uuid) {
                printf("%s %s %s\n", ci->tag, r->ref,
                       *dbc_field_str(r, &ci->fields[0]));
            } else {
                printf("%s %s\n", ci->tag, r->ref);
            }
        }
    }
    if (dbc_get_pool(db)) {
        const char *vc = dbc_get_pool(db)->vswitch_controller;

        printf("pool vswitch_controller %s\n", vc ? vc : "(none)");
    }
    dbcache_free(db);
    return 0;
}

int
main(int argc, char *argv[])
{
    enum {
        OPT_XAPI = 256, OPT_CA, OPT_INSECURE, OPT_SESSION, OPT_TIMEOUT,
        OPT_ROOT, OPT_HELP,
    };
    static const struct option long_options[] = {
        { "xapi", required_argument, NULL, OPT_XAPI },
        { "ca", required_argument, NULL, OPT_CA },
        { "insecure", no_argument, NULL, OPT_INSECURE },
        { "session", required_argument, NULL, OPT_SESSION },
        { "timeout-ms", required_argument, NULL, OPT_TIMEOUT },
        { "root-prefix", required_argument, NULL, OPT_ROOT },
        { "help", no_argument, NULL, OPT_HELP },
        { NULL, 0, NULL, 0 },
    };
    struct xapi_options options = { NULL, NULL, NULL, false, 0, 0 };
    const char *session_ref = NULL;
    const char *root_prefix = NULL;
    struct xapi_session *s = NULL;
    struct diag *diag = diag_new();
    const char *command;
    int error;
    int opt;

    set_program_name(argv[0]);
    /* "+": stop at the command, so that its arguments may start with -. */
    while ((opt = getopt_long(argc, argv, "+", long_options, NULL)) != -1) {
        switch (opt) {
        case OPT_XAPI:
            options.url = optarg;
            break;
        case OPT_CA:
            options.ca_file = optarg;
            break;
        case OPT_INSECURE:
            options.insecure = true;
            break;
        case OPT_SESSION:
            session_ref = optarg;
            break;
        case OPT_TIMEOUT:
            options.connect_timeout_ms = atoi(optarg);
            options.io_timeout_ms = atoi(optarg);
            break;
        case OPT_ROOT:
            root_prefix = optarg;
            options.root_prefix = optarg;
            break;
        case OPT_HELP:
            usage();
        default:
            exit(2);
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "%s: missing command (try --help)\n",
                program_name());
        exit(2);
    }
    command = argv[optind++];
    /* Options may also follow the command (read-model --root-prefix). */
    while ((opt = getopt_long(argc, argv, "+", long_options, NULL)) != -1) {
        if (opt == OPT_ROOT) {
            root_prefix = optarg;
            options.root_prefix = optarg;
        } else {
            exit(2);
        }
    }

    error = xapi_open(&options, session_ref, &s, diag);
    if (!error) {
        if (!strcmp(command, "call")) {
            error = do_call(s, argc - optind, argv + optind, diag);
        } else if (!strcmp(command, "read-model")) {
            error = do_read_model(s, root_prefix, diag);
        } else {
            fprintf(stderr, "%s: unknown command %s\n", program_name(),
                    command);
            exit(2);
        }
    }
    xapi_close(s);

    if (error) {
        diag_print(diag, stderr, program_name());
        fprintf(stderr, "%s: error: %s\n", program_name(),
                g_strerror(-error));
    }
    diag_free(diag);
    return error ? 1 : 0;
}
