/* dbcache.c -- the `dbcache` administration tool.
 *
 * Validates, dumps and queries a network.dbcache file, and fetches one from
 * XAPI.  It is a thin command line over the dbcache library: reader.c and
 * writer.c for the file, query.c for the questions, xapi.c for XAPI. */
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
#include "query.h"
#include "reader.h"
#include "util.h"
#include "writer.h"
#include "xapi.h"

struct options {
    bool json;
    const char *xapi;
    const char *ca;
    bool insecure;
    const char *session;
    const char *root_prefix;
    const char *output;
    int timeout_s;
};

static void
usage(void)
{
    printf("%s: inspect and fetch XenServer's network configuration cache\n"
           "usage: %s COMMAND [ARG...] [OPTION...]\n"
           "\n"
           "Commands:\n"
           "  validate FILE           check FILE; print every problem\n"
           "  dump FILE [--json]      print every record, as tables or JSON\n"
           "  query FILE WHAT [ARG]   answer a question about FILE:\n"
           "      pif-by-uuid UUID, pif-by-bridge BRIDGE, management-pif,\n"
           "      bond-slaves PIF, bond-masters PIF, vlan-parent PIF,\n"
           "      vlan-children PIF, pifs-by-device DEVICE, netdev PIF,\n"
           "      ipdev PIF, bridge PIF, datapath PIF, physical PIF\n"
           "      (PIF is a ref or a uuid)\n"
           "  fetch -o FILE           read this host's network configuration"
           "\n                          from XAPI and write it to FILE\n"
           "\n"
           "Options for fetch:\n"
           "  --xapi unix:PATH        XAPI's unix socket (default: "
           "/var/lib/xcp/xapi,\n"
           "                          then /var/xapi/xapi)\n"
           "  --xapi https://HOST[:PORT]  XAPI over HTTPS\n"
           "  --ca FILE               CA certificates to verify HTTPS "
           "against\n"
           "  --insecure              do not verify the HTTPS certificate\n"
           "  --session REF           use this session (no login, no logout)"
           "\n"
           "  --root-prefix DIR       prefix for the inventory and default "
           "socket\n"
           "  --timeout SECONDS       connect and reply timeout\n"
           "  -o, --output FILE       the cache file to write (atomically)\n"
           "\n"
           "Other options:\n"
           "  -v, --verbose           log debugging messages to stderr\n"
           "  -h, --help              show this help and exit\n"
           "  -V, --version           show the version and exit\n"
           "\n"
           "Exit status: 0 success, 1 error, 2 usage error.\n",
           program_name(), program_name());
}

/* Reads FILE or reports why not.  Returns the model or NULL. */
static struct dbcache *
load(const char *path)
{
    struct diag *diag = diag_new();
    struct dbcache *db = NULL;

    if (dbcache_read_file(path, &db, diag)) {
        diag_print(diag, stderr, NULL);
    }
    diag_free(diag);
    return db;
}

static int
cmd_validate(char **args, const struct options *opts)
{
    struct dbcache *db = load(args[0]);

    dbcache_free(db);
    return db ? 0 : 1;
}

/* JSON output. */

static void
json_string(GString *s, const char *text)
{
    g_string_append_c(s, '"');
    for (const unsigned char *p = (const unsigned char *) text; *p; p++) {
        switch (*p) {
        case '"':
            g_string_append(s, "\\\"");
            break;
        case '\\':
            g_string_append(s, "\\\\");
            break;
        case '\n':
            g_string_append(s, "\\n");
            break;
        case '\r':
            g_string_append(s, "\\r");
            break;
        case '\t':
            g_string_append(s, "\\t");
            break;
        default:
            if (*p < 0x20) {
                g_string_append_printf(s, "\\u%04x", *p);
            } else {
                g_string_append_c(s, *p);
            }
            break;
        }
    }
    g_string_append_c(s, '"');
}

static void
json_record(GString *s, struct dbc_record *r)
{
    const struct dbc_class_info *ci = dbc_class_info(r->class);

    g_string_append_c(s, '{');
    for (size_t i = 0; i < ci->n_fields; i++) {
        const struct dbc_field *f = &ci->fields[i];

        if (i) {
            g_string_append(s, ", ");
        }
        json_string(s, f->name);
        g_string_append(s, ": ");
        switch (f->type) {
        case DBC_T_STRING:
        case DBC_T_REF:
            json_string(s, *dbc_field_str(r, f));
            break;
        case DBC_T_BOOL:
            g_string_append(s, *dbc_field_bool(r, f) ? "true" : "false");
            break;
        case DBC_T_REFLIST: {
            const struct dbc_list *l = dbc_field_list(r, f);

            g_string_append_c(s, '[');
            for (size_t j = 0; j < l->n; j++) {
                g_string_append(s, j ? ", " : "");
                json_string(s, l->items[j]);
            }
            g_string_append_c(s, ']');
            break;
        }
        case DBC_T_MAP: {
            const struct dbc_map *m = dbc_field_map(r, f);

            g_string_append_c(s, '{');
            for (size_t j = 0; j < m->n; j++) {
                g_string_append(s, j ? ", " : "");
                json_string(s, m->keys[j]);
                g_string_append(s, ": ");
                json_string(s, m->values[j]);
            }
            g_string_append_c(s, '}');
            break;
        }
        }
    }
    g_string_append_c(s, '}');
}

static void
dump_json(const struct dbcache *db)
{
    GString *s = g_string_new("{");

    for (int c = 0; c < DBC_N_CLASSES; c++) {
        g_string_append_printf(s, "%s\n  ", c ? "," : "");
        json_string(s, dbc_class_info(c)->tag);
        g_string_append(s, ": {");
        for (size_t i = 0; i < dbcache_count(db, c); i++) {
            struct dbc_record *r = dbcache_at(db, c, i);

            g_string_append_printf(s, "%s\n    ", i ? "," : "");
            json_string(s, r->ref);
            g_string_append(s, ": ");
            json_record(s, r);
        }
        g_string_append(s, dbcache_count(db, c) ? "\n  }" : "}");
    }
    g_string_append(s, "\n}\n");
    fputs(s->str, stdout);
    g_string_free(s, TRUE);
}

/* Table output: every cell is a string; columns are padded to fit. */

struct table {
    const char *title;
    size_t n_cols;
    GPtrArray *cells;           /* Row-major, n_cols per row. */
};

static void
table_init(struct table *t, const char *title, const char *const *heads)
{
    t->title = title;
    t->cells = g_ptr_array_new_with_free_func(g_free);
    for (t->n_cols = 0; heads[t->n_cols]; t->n_cols++) {
        g_ptr_array_add(t->cells, g_strdup(heads[t->n_cols]));
    }
}

static void
table_add(struct table *t, char *cell)
{
    g_ptr_array_add(t->cells, cell);
}

static void
table_print(struct table *t)
{
    size_t n_rows = t->cells->len / t->n_cols;
    size_t *widths = g_new0(size_t, t->n_cols);

    for (size_t i = 0; i < t->cells->len; i++) {
        size_t w = strlen(g_ptr_array_index(t->cells, i));

        widths[i % t->n_cols] = MAX(widths[i % t->n_cols], w);
    }
    printf("%s (%zu):\n", t->title, n_rows - 1);
    for (size_t row = 0; row < n_rows; row++) {
        for (size_t col = 0; col < t->n_cols; col++) {
            const char *cell = g_ptr_array_index(t->cells,
                                                 row * t->n_cols + col);

            if (col + 1 < t->n_cols) {
                printf("  %-*s", (int) widths[col], cell);
            } else {
                printf("  %s\n", cell);
            }
        }
    }
    printf("\n");
    g_ptr_array_free(t->cells, TRUE);
    g_free(widths);
}

/* "eth0" for a PIF ref, or the ref itself if it names no PIF. */
static char *
pif_label(const struct dbcache *db, const char *ref)
{
    const struct dbc_pif *pif = dbc_get_pif(db, ref);

    return pif ? dbc_pif_netdev_name(pif) : g_strdup(ref);
}

static char *
pif_list_label(const struct dbcache *db, const struct dbc_list *l)
{
    GString *s = g_string_new(NULL);

    for (size_t i = 0; i < l->n; i++) {
        char *label = pif_label(db, l->items[i]);

        g_string_append_printf(s, "%s%s", i ? "," : "", label);
        g_free(label);
    }
    return g_string_free(s, FALSE);
}

static char *
map_label(const struct dbc_map *m)
{
    GString *s = g_string_new(NULL);

    for (size_t i = 0; i < m->n; i++) {
        g_string_append_printf(s, "%s%s=%s", i ? " " : "", m->keys[i],
                               m->values[i]);
    }
    return g_string_free(s, FALSE);
}

static void
dump_tables(const struct dbcache *db)
{
    static const char *const pif_heads[] = {
        "REF", "UUID", "NETDEV", "BRIDGE", "MODE", "IP", "MAC", "MGMT",
        "OTHER-CONFIG", NULL
    };
    static const char *const bond_heads[] = {
        "REF", "UUID", "MASTER", "SLAVES", NULL
    };
    static const char *const vlan_heads[] = {
        "REF", "UUID", "TAGGED-PIF", "UNTAGGED-PIF", NULL
    };
    static const char *const tunnel_heads[] = {
        "REF", "UUID", "ACCESS-PIF", "TRANSPORT-PIF", NULL
    };
    static const char *const network_heads[] = {
        "REF", "UUID", "BRIDGE", "MTU", "PIFS", "OTHER-CONFIG", NULL
    };
    static const char *const pool_heads[] = { "REF", "OTHER-CONFIG", NULL };
    struct table t;

    table_init(&t, "PIFs", pif_heads);
    for (size_t i = 0; i < dbcache_count(db, DBC_PIF); i++) {
        const struct dbc_pif *p = DBC_PIF_AT(db, i);
        const struct dbc_network *nw = dbc_pif_network(db, p);

        table_add(&t, g_strdup(p->rec.ref));
        table_add(&t, g_strdup(p->uuid));
        table_add(&t, dbc_pif_netdev_name(p));
        table_add(&t, g_strdup(nw && *nw->bridge ? nw->bridge : "-"));
        table_add(&t, g_strdup(p->ip_configuration_mode));
        table_add(&t, *p->ip ? g_strdup_printf("%s/%s", p->ip, p->netmask)
                             : g_strdup("-"));
        table_add(&t, g_strdup(p->mac));
        table_add(&t, g_strdup(p->management ? "yes" : "no"));
        table_add(&t, map_label(&p->other_config));
    }
    table_print(&t);

    table_init(&t, "Bonds", bond_heads);
    for (size_t i = 0; i < dbcache_count(db, DBC_BOND); i++) {
        const struct dbc_bond *b = (const void *) dbcache_at(db, DBC_BOND, i);

        table_add(&t, g_strdup(b->rec.ref));
        table_add(&t, g_strdup(b->uuid));
        table_add(&t, pif_label(db, b->master));
        table_add(&t, pif_list_label(db, &b->slaves));
    }
    table_print(&t);

    table_init(&t, "VLANs", vlan_heads);
    for (size_t i = 0; i < dbcache_count(db, DBC_VLAN); i++) {
        const struct dbc_vlan *v = (const void *) dbcache_at(db, DBC_VLAN, i);

        table_add(&t, g_strdup(v->rec.ref));
        table_add(&t, g_strdup(v->uuid));
        table_add(&t, pif_label(db, v->tagged_pif));
        table_add(&t, pif_label(db, v->untagged_pif));
    }
    table_print(&t);

    table_init(&t, "Tunnels", tunnel_heads);
    for (size_t i = 0; i < dbcache_count(db, DBC_TUNNEL); i++) {
        const struct dbc_tunnel *tn = (const void *) dbcache_at(db,
                                                                DBC_TUNNEL, i);

        table_add(&t, g_strdup(tn->rec.ref));
        table_add(&t, g_strdup(tn->uuid));
        table_add(&t, pif_label(db, tn->access_pif));
        table_add(&t, pif_label(db, tn->transport_pif));
    }
    table_print(&t);

    table_init(&t, "Networks", network_heads);
    for (size_t i = 0; i < dbcache_count(db, DBC_NETWORK); i++) {
        const struct dbc_network *n = DBC_NETWORK_AT(db, i);

        table_add(&t, g_strdup(n->rec.ref));
        table_add(&t, g_strdup(n->uuid));
        table_add(&t, g_strdup(*n->bridge ? n->bridge : "-"));
        table_add(&t, g_strdup(*n->mtu ? n->mtu : "-"));
        table_add(&t, pif_list_label(db, &n->pifs));
        table_add(&t, map_label(&n->other_config));
    }
    table_print(&t);

    table_init(&t, "Pools", pool_heads);
    for (size_t i = 0; i < dbcache_count(db, DBC_POOL); i++) {
        const struct dbc_pool *p = (const void *) dbcache_at(db, DBC_POOL, i);

        table_add(&t, g_strdup(p->rec.ref));
        table_add(&t, map_label(&p->other_config));
    }
    table_print(&t);
}

static int
cmd_dump(char **args, const struct options *opts)
{
    struct dbcache *db = load(args[0]);

    if (!db) {
        return 1;
    }
    if (opts->json) {
        dump_json(db);
    } else {
        dump_tables(db);
    }
    dbcache_free(db);
    return 0;
}

/* Queries. */

static void
print_pif(const struct dbc_pif *pif)
{
    char *netdev = dbc_pif_netdev_name(pif);

    printf("%s %s %s\n", pif->rec.ref, pif->uuid, netdev);
    g_free(netdev);
}

static void
print_pifs(struct dbc_pifs *pifs)
{
    for (size_t i = 0; i < pifs->n; i++) {
        print_pif(pifs->pifs[i]);
    }
    dbc_pifs_free(pifs);
}

/* Finds the PIF named by 'arg', a ref or a uuid. */
static int
find_pif(const struct dbcache *db, const char *arg,
         const struct dbc_pif **pifp, struct diag *diag)
{
    if (g_str_has_prefix(arg, "OpaqueRef:")) {
        const struct dbc_pif *pif = dbc_get_pif(db, arg);

        if (!pif) {
            diag_add(diag, "Unknown PIF \"%s\"", arg);
            return -ENOENT;
        }
        *pifp = pif;
        return 0;
    }
    return dbc_pif_by_uuid(db, arg, pifp, diag);
}

enum query_arg { Q_NONE, Q_PIF, Q_STRING };

struct query {
    const char *name;
    enum query_arg arg;
};

static const struct query queries[] = {
    { "pif-by-uuid", Q_STRING },
    { "pif-by-bridge", Q_STRING },
    { "pifs-by-device", Q_STRING },
    { "management-pif", Q_NONE },
    { "bond-slaves", Q_PIF },
    { "bond-masters", Q_PIF },
    { "vlan-parent", Q_PIF },
    { "vlan-children", Q_PIF },
    { "netdev", Q_PIF },
    { "ipdev", Q_PIF },
    { "bridge", Q_PIF },
    { "datapath", Q_PIF },
    { "physical", Q_PIF },
};

static int
run_query(const struct dbcache *db, const char *what, const char *arg,
          struct diag *diag)
{
    const struct dbc_pif *pif = NULL;
    struct dbc_pifs pifs = { 0, NULL };
    int error = 0;

    if (!strcmp(what, "pif-by-uuid")) {
        error = dbc_pif_by_uuid(db, arg, &pif, diag);
    } else if (!strcmp(what, "pif-by-bridge")) {
        error = dbc_pif_by_bridge(db, arg, &pif, diag);
    } else if (!strcmp(what, "pifs-by-device")) {
        pifs = dbc_pifs_by_device(db, arg);
        if (!pifs.n) {
            diag_add(diag, "No PIF has device %s", arg);
            error = -ENOENT;
        }
    } else if (!strcmp(what, "management-pif")) {
        pif = dbc_management_pif(db);
        if (!pif) {
            diag_add(diag, "No management PIF");
            error = -ENOENT;
        }
    } else {
        const struct dbc_pif *subject;
        const char *name = NULL;
        char *owned = NULL;

        error = find_pif(db, arg, &subject, diag);
        if (error) {
            return error;
        }
        if (!strcmp(what, "bond-slaves")) {
            error = dbc_pif_bond_slaves(db, subject, &pifs, diag);
        } else if (!strcmp(what, "bond-masters")) {
            pifs = dbc_pif_bond_masters(db, subject);
        } else if (!strcmp(what, "vlan-parent")) {
            error = dbc_pif_vlan_parent(db, subject, &pif, diag);
        } else if (!strcmp(what, "vlan-children")) {
            pifs = dbc_pif_vlan_children(db, subject);
        } else if (!strcmp(what, "physical")) {
            error = dbc_pif_physical_pifs(db, subject, &pifs, diag);
        } else if (!strcmp(what, "datapath")) {
            error = dbc_pif_datapath(db, subject, &pif, diag);
            if (!error && !pif) {
                diag_add(diag, "PIF %s has no datapath (bridgeless)",
                         subject->uuid);
                error = -ENOENT;
            }
        } else if (!strcmp(what, "netdev")) {
            name = owned = dbc_pif_netdev_name(subject);
        } else if (!strcmp(what, "ipdev")) {
            name = owned = dbc_pif_ipdev_name(db, subject);
        } else if (!strcmp(what, "bridge")) {
            error = dbc_pif_bridge_name(db, subject, &name, diag);
        }
        if (!error && name) {
            printf("%s\n", name);
        }
        g_free(owned);
    }

    if (!error) {
        if (pif) {
            print_pif(pif);
        }
        print_pifs(&pifs);
    }
    dbc_pifs_free(&pifs);
    return error;
}

static int
cmd_query(char **args, const struct options *opts)
{
    const struct query *q = NULL;
    struct diag *diag;
    struct dbcache *db;
    int error;

    for (size_t i = 0; i < ARRAY_SIZE(queries); i++) {
        if (!strcmp(queries[i].name, args[1])) {
            q = &queries[i];
        }
    }
    if (!q) {
        usage_error("unknown query \"%s\"", args[1]);
    } else if (q->arg == Q_NONE && args[2]) {
        usage_error("query %s takes no argument", q->name);
    } else if (q->arg != Q_NONE && !args[2]) {
        usage_error("query %s needs an argument", q->name);
    }

    db = load(args[0]);
    if (!db) {
        return 1;
    }
    diag = diag_new();
    error = run_query(db, q->name, args[2], diag);
    diag_print(diag, stderr, program_name());
    diag_free(diag);
    dbcache_free(db);
    return error ? 1 : 0;
}

static int
cmd_fetch(char **args, const struct options *opts)
{
    struct xapi_options xo = {
        .url = opts->xapi,
        .root_prefix = opts->root_prefix,
        .ca_file = opts->ca,
        .insecure = opts->insecure,
        .connect_timeout_ms = opts->timeout_s * 1000,
        .io_timeout_ms = opts->timeout_s * 1000,
    };
    struct xapi_session *session = NULL;
    struct diag *diag = diag_new();
    struct dbcache *db = NULL;
    int error;

    if (!opts->output) {
        usage_error("fetch needs -o FILE");
    }
    error = xapi_open(&xo, opts->session, &session, diag);
    if (!error) {
        error = xapi_read_model(session, opts->root_prefix, &db, diag);
    }
    xapi_close(session);
    if (!error) {
        error = dbcache_write_file(db, opts->output);
        if (error) {
            diag_add(diag, "%s: %s", opts->output, g_strerror(-error));
        }
    }
    diag_print(diag, stderr, program_name());
    diag_free(diag);
    dbcache_free(db);
    return error ? 1 : 0;
}

struct command {
    const char *name;
    int min_args, max_args;
    int (*run)(char **args, const struct options *);
};

static const struct command commands[] = {
    { "validate", 1, 1, cmd_validate },
    { "dump", 1, 1, cmd_dump },
    { "query", 2, 3, cmd_query },
    { "fetch", 0, 0, cmd_fetch },
};

int
main(int argc, char *argv[])
{
    enum {
        OPT_JSON = 256, OPT_XAPI, OPT_CA, OPT_INSECURE, OPT_SESSION,
        OPT_ROOT_PREFIX, OPT_TIMEOUT,
    };
    static const struct option long_options[] = {
        { "json", no_argument, NULL, OPT_JSON },
        { "xapi", required_argument, NULL, OPT_XAPI },
        { "ca", required_argument, NULL, OPT_CA },
        { "insecure", no_argument, NULL, OPT_INSECURE },
        { "session", required_argument, NULL, OPT_SESSION },
        { "root-prefix", required_argument, NULL, OPT_ROOT_PREFIX },
        { "timeout", required_argument, NULL, OPT_TIMEOUT },
        { "output", required_argument, NULL, 'o' },
        { "verbose", no_argument, NULL, 'v' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    struct options opts = { .timeout_s = 0 };
    const struct command *cmd = NULL;
    bool fetch_options = false;
    int n_args;
    int c;

    set_program_name(argv[0]);
    log_set_levels("warn");     /* -v shows the rest. */
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:vhV", long_options, NULL)) != -1) {
        switch (c) {
        case OPT_JSON:
            opts.json = true;
            break;
        case OPT_XAPI:
            opts.xapi = optarg;
            fetch_options = true;
            break;
        case OPT_CA:
            opts.ca = optarg;
            fetch_options = true;
            break;
        case OPT_INSECURE:
            opts.insecure = true;
            fetch_options = true;
            break;
        case OPT_SESSION:
            opts.session = optarg;
            fetch_options = true;
            break;
        case OPT_ROOT_PREFIX:
            opts.root_prefix = optarg;
            fetch_options = true;
            break;
        case OPT_TIMEOUT: {
            char *end;
            long v = strtol(optarg, &end, 10);

            if (*end || end == optarg || v <= 0 || v > 3600) {
                usage_error("--timeout: \"%s\" is not a number of seconds "
                            "from 1 to 3600", optarg);
            }
            opts.timeout_s = v;
            fetch_options = true;
            break;
        }
        case 'o':
            opts.output = optarg;
            fetch_options = true;
            break;
        case 'v':
            log_set_levels("dbg");
            break;
        case 'h':
            usage();
            return 0;
        case 'V':
            print_version();
            return 0;
        case ':':
            usage_error("option %s requires an argument", argv[optind - 1]);
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
    if (n_args < cmd->min_args || n_args > cmd->max_args) {
        usage_error("%s takes %d to %d arguments, not %d", cmd->name,
                    cmd->min_args, cmd->max_args, n_args);
    }
    if (opts.json && cmd->run != cmd_dump) {
        usage_error("--json is an option of dump");
    }
    if (fetch_options && cmd->run != cmd_fetch) {
        usage_error("--xapi, --ca, --insecure, --session, --root-prefix, "
                    "--timeout and -o are options of fetch");
    }
    if (opts.insecure && opts.ca) {
        usage_error("--ca and --insecure are mutually exclusive");
    }
    return cmd->run(&argv[optind + 1], &opts);
}
