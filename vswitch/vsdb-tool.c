/* vsdb-tool.c -- the `vsdb-tool` command: create, inspect, check and
 * compact a configuration database file offline.
 *
 * It is a thin command line over ovsdb-log.c, for administrators and tests.
 * It reads records as the engine writes them, {"<table>": {"<uuid>": row or
 * null}, ...}, top-level names starting with "_" being metadata ("_comment",
 * "_date"), but knows nothing else of the engine: `compact` replays the
 * records by replacing each table/uuid entry with its latest value and
 * dropping deleted (null) rows, so it relies on each record holding whole
 * rows. */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <glib.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "ovsdb-log.h"
#include "util.h"

static void
usage(void)
{
    printf("%s: create, inspect, check and compact a configuration "
           "database file\n"
           "usage: %s COMMAND ARG...\n"
           "\n"
           "Commands:\n"
           "  create DB SCHEMA    create database file DB with the schema in"
           "\n                      file SCHEMA (a JSON object); DB must not"
           "\n                      exist\n"
           "  show-log DB         print one line per record: index, offset,"
           "\n                      size, tables touched\n"
           "  check DB            read every record; exit 0 if the file is "
           "whole,\n"
           "                      1 with the reason if not\n"
           "  compact DB          replace DB by its header and one snapshot "
           "record\n"
           "                      (not while a server has it open)\n"
           "\n"
           "Options:\n"
           "  -h, --help          show this help and exit\n"
           "  -V, --version       show the version and exit\n"
           "\n"
           "Exit status: 0 success, 1 error, 2 usage error.\n",
           program_name(), program_name());
}

static void
print_diag(struct diag *diag)
{
    diag_print(diag, stderr, program_name());
    diag_clear(diag);
}

/* Is 'name' a table name rather than metadata? */
static bool
is_table_name(const char *name)
{
    return name[0] != '_';
}

/* Checks that 'record' has the shape {"<table>": {"<uuid>": {...} | null}}
 * apart from metadata.  Returns true if so, else false with a message. */
static bool
check_shape(const json_t *record, uint64_t index, const char *db,
            struct diag *diag)
{
    const char *table, *uuid;
    json_t *rows, *row;

    json_object_foreach ((json_t *) record, table, rows) {
        if (!is_table_name(table)) {
            continue;
        }
        if (!json_is_object(rows)) {
            diag_add(diag, "%s: record %" PRIu64 ": table \"%s\" is not a "
                     "JSON object", db, index, table);
            return false;
        }
        json_object_foreach (rows, uuid, row) {
            if (!json_is_object(row) && !json_is_null(row)) {
                diag_add(diag, "%s: record %" PRIu64 ": row %s of table "
                         "\"%s\" is neither an object nor null", db, index,
                         uuid, table);
                return false;
            }
        }
    }
    return true;
}

static int
cmd_create(char **args)
{
    struct diag *diag = diag_new();
    struct ovsdb_log *log = NULL;
    json_error_t jerr;
    json_t *schema;
    int status = 1;

    schema = json_load_file(args[1], JSON_REJECT_DUPLICATES, &jerr);
    if (!schema) {
        fprintf(stderr, "%s: %s:%d:%d: %s\n", program_name(), args[1],
                jerr.line, jerr.column, jerr.text);
        goto out;
    }
    if (!json_is_object(schema)) {
        fprintf(stderr, "%s: %s: the schema is not a JSON object\n",
                program_name(), args[1]);
        goto out;
    }
    if (!ovsdb_log_open(args[0], OVSDB_LOG_CREATE_EXCL, schema, &log,
                        diag)) {
        status = 0;
    }

out:
    print_diag(diag);
    ovsdb_log_close(log);
    json_decref(schema);
    diag_free(diag);
    return status;
}

/* Appends to 's' the table names in 'record', comma-separated. */
static void
list_tables(GString *s, const json_t *record)
{
    const char *table;
    json_t *rows;
    bool first = true;

    json_object_foreach ((json_t *) record, table, rows) {
        if (is_table_name(table)) {
            g_string_append_printf(s, "%s%s", first ? "" : ", ", table);
            first = false;
        }
    }
    if (first) {
        g_string_append(s, "(none)");
    }
}

static int
cmd_show_log(char **args)
{
    struct diag *diag = diag_new();
    struct ovsdb_log *log;
    const json_t *schema;
    const char *name, *version;
    uint64_t index = 0;
    int status = 0;

    if (ovsdb_log_open(args[0], OVSDB_LOG_READ_ONLY, NULL, &log, diag)) {
        print_diag(diag);
        diag_free(diag);
        return 1;
    }
    schema = ovsdb_log_get_schema(log);
    name = json_string_value(json_object_get(schema, "name"));
    version = json_string_value(json_object_get(schema, "version"));
    printf("0 offset 0 size %" PRIu64 ": header, schema %s %s\n",
           ovsdb_log_size(log), name ? name : "(unnamed)",
           version ? version : "(no version)");
    for (;;) {
        uint64_t start = ovsdb_log_size(log);
        const char *comment;
        json_t *record;
        GString *line;

        if (ovsdb_log_read_next(log, &record, diag)) {
            status = 1;
            break;
        }
        if (!record) {
            break;
        }
        line = g_string_new(NULL);
        g_string_append_printf(line, "%" PRIu64 " offset %" PRIu64 " size "
                               "%" PRIu64 ": ", ++index, start,
                               ovsdb_log_size(log) - start);
        list_tables(line, record);
        comment = json_string_value(json_object_get(record, "_comment"));
        if (comment) {
            g_string_append_printf(line, " (%s)", comment);
        }
        puts(line->str);
        g_string_free(line, TRUE);
        json_decref(record);
    }
    print_diag(diag);
    ovsdb_log_close(log);
    diag_free(diag);
    return status;
}

static int
cmd_check(char **args)
{
    struct diag *diag = diag_new();
    struct ovsdb_log *log;
    uint64_t index = 0;
    int status = 0;

    if (ovsdb_log_open(args[0], OVSDB_LOG_READ_ONLY, NULL, &log, diag)) {
        print_diag(diag);
        diag_free(diag);
        return 1;
    }
    for (;;) {
        json_t *record;

        if (ovsdb_log_read_next(log, &record, diag)) {
            status = 1;
            break;
        }
        if (!record) {
            /* A torn tail ends the log with a warning: not whole. */
            if (diag_count(diag)) {
                status = 1;
            }
            break;
        }
        index++;
        if (!check_shape(record, index, args[0], diag)) {
            status = 1;
        }
        json_decref(record);
        if (status) {
            break;
        }
    }
    print_diag(diag);
    ovsdb_log_close(log);
    diag_free(diag);
    return status;
}

/* Replays 'record' onto 'snapshot': each table/uuid entry replaces the one
 * there, null deletes it. */
static void
merge_record(json_t *snapshot, const json_t *record)
{
    const char *table, *uuid;
    json_t *rows, *row;

    json_object_foreach ((json_t *) record, table, rows) {
        json_t *dst;

        if (!is_table_name(table)) {
            continue;
        }
        dst = json_object_get(snapshot, table);
        if (!dst) {
            dst = json_object();
            json_object_set_new(snapshot, table, dst);
        }
        json_object_foreach (rows, uuid, row) {
            if (json_is_null(row)) {
                json_object_del(dst, uuid);
            } else {
                json_object_set(dst, uuid, row);
            }
        }
    }
}

/* Removes the tables left without rows. */
static void
prune_empty_tables(json_t *snapshot)
{
    const char *table;
    json_t *rows;
    void *tmp;

    json_object_foreach_safe (snapshot, tmp, table, rows) {
        if (is_table_name(table) && !json_object_size(rows)) {
            json_object_del(snapshot, table);
        }
    }
}

static int
cmd_compact(char **args)
{
    struct diag *diag = diag_new();
    json_t *snapshot = json_object();
    struct ovsdb_log *log;
    uint64_t index = 0;
    int status = 1;

    if (ovsdb_log_open(args[0], OVSDB_LOG_READ_WRITE, NULL, &log, diag)) {
        print_diag(diag);
        json_decref(snapshot);
        diag_free(diag);
        return 1;
    }
    for (;;) {
        json_t *record;

        if (ovsdb_log_read_next(log, &record, diag)) {
            goto out;
        }
        if (!record) {
            break;
        }
        index++;
        if (!check_shape(record, index, args[0], diag)) {
            json_decref(record);
            goto out;
        }
        merge_record(snapshot, record);
        json_decref(record);
    }
    /* A torn tail was cut off: say so, and go on. */
    print_diag(diag);

    prune_empty_tables(snapshot);
    json_object_set_new(snapshot, "_comment",
                        json_string("compacted by vsdb-tool"));
    json_object_set_new(snapshot, "_date",
                        json_integer(g_get_real_time() / 1000));
    if (!ovsdb_log_compact(log, snapshot, diag)) {
        status = 0;
    }

out:
    print_diag(diag);
    ovsdb_log_close(log);
    json_decref(snapshot);
    diag_free(diag);
    return status;
}

struct command {
    const char *name;
    int n_args;
    int (*run)(char **args);
};

static const struct command commands[] = {
    { "create", 2, cmd_create },
    { "show-log", 1, cmd_show_log },
    { "check", 1, cmd_check },
    { "compact", 1, cmd_compact },
};

int
main(int argc, char *argv[])
{
    static const struct option long_options[] = {
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    const struct command *cmd = NULL;
    int n_args;
    int c;

    set_program_name(argv[0]);
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+hV", long_options, NULL)) != -1) {
        switch (c) {
        case 'h':
            usage();
            return 0;
        case 'V':
            print_version();
            return 0;
        default:
            usage_error("unrecognized option %s", argv[optind - 1]);
        }
    }

    if (optind >= argc) {
        usage_error("missing command");
    }
    for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
        if (!strcmp(commands[i].name, argv[optind])) {
            cmd = &commands[i];
        }
    }
    if (!cmd) {
        usage_error("unknown command \"%s\"", argv[optind]);
    }
    n_args = argc - optind - 1;
    if (n_args != cmd->n_args) {
        usage_error("%s takes %d argument%s, not %d", cmd->name, cmd->n_args,
                    cmd->n_args == 1 ? "" : "s", n_args);
    }
    return cmd->run(&argv[optind + 1]);
}
