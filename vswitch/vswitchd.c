/* vswitchd.c -- the switching daemon: makes the configuration database
 * real on the datapath.
 *
 * It keeps a replica of the database's Open_vSwitch, Bridge, Port and
 * Interface tables through a "monitor" over a reconnecting JSON-RPC
 * session (jsonrpc.h).  After every change it reconciles the datapath
 * (datapath/dpif.h) with the replica: bridges, then ports with their VLAN
 * and bond settings and their interfaces; a port whose settings did not
 * change is not touched, so its traffic and learned addresses survive any
 * unrelated change, a database restart included.  Then it writes back what
 * the database should show -- each interface's ofport, link_state,
 * admin_state, mac_in_use, ifindex, mtu and error, each bond's active
 * member, and cur_cfg = next_cfg so that vsctl and ovs-vsctl stop waiting
 * -- in one transaction holding only the values that differ.
 *
 * The control socket (unixctl.h; vsappctl or ovs-appctl) offers fdb/show,
 * fdb/flush, bond/show, dpif/show, and the ofctl/ commands vsofctl sends.
 * The loop is single-threaded; the datapath forwards in its own thread. */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <glib.h>
#include <jansson.h>
#include <limits.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"
#include "diag.h"
#include "dpif.h"
#include "jsonrpc.h"
#include "log.h"
#include "unixctl.h"
#include "util.h"

LOG_DEFINE_THIS_MODULE(vswitchd);

#define DB_NAME "Open_vSwitch"

/* The replica: per table, _uuid string -> row (JSON object of the
 * monitored columns). */
struct table {
    const char *name;
    const char *const *columns;
    GHashTable *rows;
};

static const char *const ovs_columns[] = {
    "bridges", "next_cfg", "cur_cfg", "other_config", NULL,
};
static const char *const bridge_columns[] = {
    "name", "ports", "fail_mode", "other_config", "datapath_type", NULL,
};
static const char *const port_columns[] = {
    "name", "interfaces", "tag", "trunks", "vlan_mode", "bond_mode",
    "bond_updelay", "bond_downdelay", "other_config", "lacp",
    "bond_active_slave", NULL,
};
static const char *const iface_columns[] = {
    "name", "type", "ofport_request", "mac", "ofport", "link_state",
    "admin_state", "mac_in_use", "ifindex", "mtu", "error", NULL,
};

enum { T_OVS, T_BRIDGE, T_PORT, T_IFACE, N_TABLES };
static struct table tables[N_TABLES] = {
    { "Open_vSwitch", ovs_columns, NULL },
    { "Bridge", bridge_columns, NULL },
    { "Port", port_columns, NULL },
    { "Interface", iface_columns, NULL },
};

static struct dpif *dpif;
static struct jsonrpc_session *db;
static unsigned int db_seqno;    /* Session seqno the monitor is for. */
static json_t *monitor_id;       /* Request id of the monitor. */
static bool have_replica;        /* The monitor's first reply arrived. */
static bool replica_changed;     /* Reconcile at the next chance. */
static json_t *writeback_id;     /* Id of the write-back in flight. */
static uint64_t dp_seq;          /* dpif change seq last written back. */

/* What each port was last configured with (port key -> signature) and
 * the interfaces that failed to open (name -> message). */
static GHashTable *applied_ports;
static GHashTable *iface_errors;

/* When to try again the ports that could not be configured (ms, monotonic;
 * 0: nothing to retry). */
#define RETRY_MS 1000
static long long retry_at;


/* ------------------------------------------------------------------------
 * Reading OVSDB values (RFC 7047 5.1): an atom, ["set", [...]], or
 * ["map", [[k, v], ...]]. */

/* The 'i'th element of set 'value' and how many there are. */
static size_t
set_size(const json_t *value)
{
    if (json_is_array(value) && json_array_size(value) == 2
        && json_is_string(json_array_get(value, 0))) {
        const char *tag = json_string_value(json_array_get(value, 0));

        if (!strcmp(tag, "set")) {
            return json_array_size(json_array_get(value, 1));
        } else if (!strcmp(tag, "map")) {
            return 0;
        }
        return 1;               /* ["uuid", "..."] */
    }
    return value ? 1 : 0;
}

static const json_t *
set_get(const json_t *value, size_t i)
{
    if (json_is_array(value) && json_array_size(value) == 2
        && !g_strcmp0(json_string_value(json_array_get(value, 0)), "set")) {
        return json_array_get(json_array_get(value, 1), i);
    }
    return i == 0 ? value : NULL;
}

/* A uuid atom's string, or NULL. */
static const char *
uuid_of(const json_t *atom)
{
    if (json_is_array(atom) && json_array_size(atom) == 2
        && !g_strcmp0(json_string_value(json_array_get(atom, 0)), "uuid")) {
        return json_string_value(json_array_get(atom, 1));
    }
    return NULL;
}

/* Column 'column' of 'row' as a string (an optional string: NULL if
 * empty). */
static const char *
get_string(const json_t *row, const char *column)
{
    const json_t *v = json_object_get(row, column);

    return set_size(v) ? json_string_value(set_get(v, 0)) : NULL;
}

/* Column 'column' of 'row' as an integer, or 'dflt' if empty. */
static long long
get_int(const json_t *row, const char *column, long long dflt)
{
    const json_t *v = json_object_get(row, column);

    return set_size(v) && json_is_integer(set_get(v, 0))
           ? json_integer_value(set_get(v, 0)) : dflt;
}

/* The value of 'key' in map column 'column', or NULL. */
static const char *
map_get(const json_t *row, const char *column, const char *key)
{
    const json_t *v = json_object_get(row, column);
    const json_t *pairs, *pair;
    size_t i;

    if (!json_is_array(v) || json_array_size(v) != 2
        || g_strcmp0(json_string_value(json_array_get(v, 0)), "map")) {
        return NULL;
    }
    pairs = json_array_get(v, 1);
    json_array_foreach (pairs, i, pair) {
        if (!g_strcmp0(json_string_value(json_array_get(pair, 0)), key)) {
            return json_string_value(json_array_get(pair, 1));
        }
    }
    return NULL;
}

/* The rows that reference column 'column' of 'row' names in table 't'. */
static GPtrArray *
get_refs(const json_t *row, const char *column, int t)
{
    const json_t *v = json_object_get(row, column);
    GPtrArray *rows = g_ptr_array_new();
    size_t n = set_size(v);

    for (size_t i = 0; i < n; i++) {
        const char *uuid = uuid_of(set_get(v, i));
        json_t *target = uuid ? g_hash_table_lookup(tables[t].rows, uuid)
                              : NULL;

        if (target) {
            g_ptr_array_add(rows, target);
        }
    }
    return rows;
}

static const char *
row_uuid(const json_t *row)
{
    return json_string_value(json_object_get(row, "_uuid"));
}

static bool
parse_mac(const char *s, uint8_t mac[6])
{
    unsigned int b[6];
    char extra;

    if (!s || sscanf(s, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3],
                     &b[4], &b[5], &extra) != 6) {
        return false;
    }
    for (int i = 0; i < 6; i++) {
        if (b[i] > 255) {
            return false;
        }
        mac[i] = b[i];
    }
    return true;
}

/* ------------------------------------------------------------------------
 * The database session. */

static void
replica_clear(void)
{
    for (int t = 0; t < N_TABLES; t++) {
        g_hash_table_remove_all(tables[t].rows);
    }
    have_replica = false;
}

static void
send_monitor(void)
{
    json_t *requests = json_object();

    for (int t = 0; t < N_TABLES; t++) {
        json_t *columns = json_array();

        for (const char *const *c = tables[t].columns; *c; c++) {
            json_array_append_new(columns, json_string(*c));
        }
        json_object_set_new(requests, tables[t].name,
                            json_pack("{so}", "columns", columns));
    }
    json_decref(monitor_id);
    monitor_id = jsonrpc_next_id();
    jsonrpc_session_send(db, jsonrpc_create_request(
                             "monitor",
                             json_pack("[s,n,o]", DB_NAME, requests),
                             json_incref(monitor_id)));
}

/* Applies a monitor "update" (or the monitor's reply) to the replica. */
static void
apply_updates(const json_t *updates)
{
    const char *table_name;
    json_t *rows;

    json_object_foreach ((json_t *) updates, table_name, rows) {
        struct table *t = NULL;
        const char *uuid;
        json_t *change;

        for (int i = 0; i < N_TABLES; i++) {
            if (!strcmp(tables[i].name, table_name)) {
                t = &tables[i];
            }
        }
        if (!t) {
            continue;
        }
        json_object_foreach (rows, uuid, change) {
            json_t *new = json_object_get(change, "new");

            if (json_is_object(new)) {
                json_t *row = json_deep_copy(new);

                json_object_set_new(row, "_uuid", json_string(uuid));
                g_hash_table_insert(t->rows, g_strdup(uuid), row);
            } else {
                g_hash_table_remove(t->rows, uuid);
            }
        }
    }
    replica_changed = true;
}

static void
db_handle(json_t *msg)
{
    const char *method = jsonrpc_msg_method(msg);
    json_t *id = jsonrpc_msg_id(msg);

    if (method && !strcmp(method, "update")) {
        apply_updates(json_array_get(jsonrpc_msg_params(msg), 1));
    } else if (!method && id && monitor_id && json_equal(id, monitor_id)) {
        if (jsonrpc_msg_error(msg)) {
            char *s = jsonrpc_msg_to_string(msg);

            LOG_ERR("%s: monitor refused: %s", jsonrpc_session_get_name(db),
                    s);
            g_free(s);
            return;
        }
        replica_clear();
        apply_updates(jsonrpc_msg_result(msg));
        have_replica = true;
    } else if (!method && id && writeback_id
               && json_equal(id, writeback_id)) {
        json_t *error = jsonrpc_msg_error(msg);
        json_t *result = jsonrpc_msg_result(msg);
        size_t i;
        json_t *r;

        json_decref(writeback_id);
        writeback_id = NULL;
        if (error) {
            LOG_WARN("status write-back refused");
        }
        json_array_foreach (result, i, r) {
            if (json_object_get(r, "error")) {
                char *s = json_dumps(r, JSON_COMPACT);

                LOG_WARN("status write-back: %s", s);
                free(s);
                break;
            }
        }
        /* Whatever happened, look again: the replica says what is. */
        replica_changed = true;
    }
}

/* ------------------------------------------------------------------------
 * Reconciliation. */

/* The datapath settings of Port 'row' and its interfaces; 'ifaces' keeps
 * the interface settings (their strings point into the replica).  Returns
 * false (with a message in '*errp') for a port that cannot be configured
 * as written. */
static bool
port_settings(const json_t *row, GArray *ifaces,
              struct dpif_port_settings *s, char **errp)
{
    GPtrArray *irows = get_refs(row, "interfaces", T_IFACE);
    const json_t *trunks_json = json_object_get(row, "trunks");
    size_t n_trunks = set_size(trunks_json);
    int64_t *trunks = g_new(int64_t, n_trunks + 1);
    const char *mode;
    bool ok = true;

    memset(s, 0, sizeof *s);
    s->name = get_string(row, "name");
    for (size_t i = 0; i < n_trunks; i++) {
        trunks[i] = json_integer_value(set_get(trunks_json, i));
    }
    if (vlan_port_init(&s->vlan, get_string(row, "vlan_mode"),
                       get_int(row, "tag", -1), trunks, n_trunks, errp)) {
        ok = false;
    }
    g_free(trunks);

    for (guint i = 0; i < irows->len; i++) {
        const json_t *irow = irows->pdata[i];
        struct dpif_iface_settings is;

        memset(&is, 0, sizeof is);
        is.name = get_string(irow, "name");
        is.type = get_string(irow, "type");
        is.ofport_request = get_int(irow, "ofport_request", 0);
        is.has_mac = parse_mac(get_string(irow, "mac"), is.mac);
        if (is.name) {
            g_array_append_val(ifaces, is);
        }
    }
    g_ptr_array_free(irows, TRUE);
    s->ifaces = (const struct dpif_iface_settings *) ifaces->data;
    s->n_ifaces = ifaces->len;

    mode = get_string(row, "bond_mode");
    if (ok && s->n_ifaces > 1 && mode
        && bond_mode_from_string(mode, &s->bond_mode)) {
        *errp = g_strdup_printf("bond_mode \"%s\" is not supported "
                                "(active-backup, balance-slb)", mode);
        ok = false;
    } else if (!mode) {
        /* Open vSwitch's default is active-backup. */
        s->bond_mode = BOND_MODE_ACTIVE_BACKUP;
    }
    s->updelay = get_int(row, "bond_updelay", 0);
    s->downdelay = get_int(row, "bond_downdelay", 0);
    {
        const char *v = map_get(row, "other_config",
                                "bond-rebalance-interval");
        const char *detect = map_get(row, "other_config",
                                     "bond-detect-mode");
        const char *miimon = map_get(row, "other_config",
                                     "bond-miimon-interval");

        s->rebalance_interval = v ? atoi(v) : BOND_DEFAULT_REBALANCE_INTERVAL;
        s->miimon_interval = (detect && !strcmp(detect, "miimon")
                              ? (miimon ? MAX(atoi(miimon), 1) : 200) : 0);
    }
    if (s->n_ifaces > 1 && !g_strcmp0(get_string(row, "lacp"), "active")) {
        LOG_WARN("%s: LACP is not implemented; bonding without it",
                 s->name);
    }
    return ok;
}

/* A text that changes when anything dpif_port_set() uses changes. */
static char *
port_signature(const struct dpif_port_settings *s,
               const struct dpif_bridge_settings *bs)
{
    GString *sig = g_string_new(NULL);

    g_string_append_printf(sig, "%d/%u/%d/", s->vlan.mode, s->vlan.vlan,
                           s->vlan.all_trunks);
    for (size_t i = 0; i < G_N_ELEMENTS(s->vlan.trunks); i++) {
        if (s->vlan.trunks[i]) {
            g_string_append_printf(sig, "%zu:%llx,", i,
                                   (unsigned long long) s->vlan.trunks[i]);
        }
    }
    g_string_append_printf(sig, "/%d/%d/%d/%d/%d", s->bond_mode, s->updelay,
                           s->downdelay, s->rebalance_interval,
                           s->miimon_interval);
    for (size_t i = 0; i < s->n_ifaces; i++) {
        const struct dpif_iface_settings *is = &s->ifaces[i];

        g_string_append_printf(sig, "|%s/%s/%d/", is->name,
                               is->type ? is->type : "", is->ofport_request);
        if (is->has_mac) {
            g_string_append_printf(sig, "%02x%02x%02x%02x%02x%02x",
                                   is->mac[0], is->mac[1], is->mac[2],
                                   is->mac[3], is->mac[4], is->mac[5]);
        }
    }
    if (bs->has_hwaddr) {
        g_string_append_printf(sig, "|hw%02x%02x%02x%02x%02x%02x",
                               bs->hwaddr[0], bs->hwaddr[1], bs->hwaddr[2],
                               bs->hwaddr[3], bs->hwaddr[4], bs->hwaddr[5]);
    }
    return g_string_free(sig, FALSE);
}

static void
bridge_settings(const json_t *row, struct dpif_bridge_settings *s)
{
    const char *aging = map_get(row, "other_config", "mac-aging-time");
    const char *size = map_get(row, "other_config", "mac-table-size");

    memset(s, 0, sizeof *s);
    s->fail_secure = !g_strcmp0(get_string(row, "fail_mode"), "secure");
    s->has_hwaddr = parse_mac(map_get(row, "other_config", "hwaddr"),
                              s->hwaddr);
    s->mac_aging_time = aging ? (unsigned int) atoi(aging) : 0;
    s->mac_table_size = size ? (size_t) atoll(size) : 0;
}

/* Applies the Open_vSwitch row's other_config:rx-coalesce-usecs (the
 * default when absent; a bad value is logged, once, and the default
 * used). */
static void
apply_rx_coalesce(const json_t *ovs)
{
    static char *reported;      /* The bad value last logged. */
    const char *v = ovs ? map_get(ovs, "other_config", "rx-coalesce-usecs")
                        : NULL;
    guint64 usecs = DPIF_RX_COALESCE_DEFAULT;

    if (v && !g_ascii_string_to_unsigned(v, 10, 0, DPIF_RX_COALESCE_MAX,
                                         &usecs, NULL)) {
        if (g_strcmp0(reported, v)) {
            LOG_WARN("Open_vSwitch other_config:rx-coalesce-usecs=\"%s\": "
                     "not a number of microseconds from 0 to %d; using %d",
                     v, DPIF_RX_COALESCE_MAX, DPIF_RX_COALESCE_DEFAULT);
            g_free(reported);
            reported = g_strdup(v);
        }
        usecs = DPIF_RX_COALESCE_DEFAULT;
    }
    if ((int) usecs != dpif_get_rx_coalesce(dpif)) {
        LOG_INFO("receive coalescing: %d us", (int) usecs);
        dpif_set_rx_coalesce(dpif, (int) usecs);
    }
}

/* Makes the datapath match the replica.  Schedules another attempt
 * (retry_at) while a port could not be configured in full. */
static void
reconcile(void)
{
    bool retry_needed = false;
    GHashTable *wanted_bridges = g_hash_table_new(g_str_hash, g_str_equal);
    GHashTable *seen_ports = g_hash_table_new_full(g_str_hash, g_str_equal,
                                                   g_free, NULL);
    GHashTableIter iter;
    gpointer value;
    const json_t *ovs = NULL;
    GPtrArray *brows, *existing;

    g_hash_table_iter_init(&iter, tables[T_OVS].rows);
    if (g_hash_table_iter_next(&iter, NULL, &value)) {
        ovs = value;
    }
    apply_rx_coalesce(ovs);
    brows = ovs ? get_refs(ovs, "bridges", T_BRIDGE) : g_ptr_array_new();
    for (guint b = 0; b < brows->len; b++) {
        const json_t *brow = brows->pdata[b];
        const char *name = get_string(brow, "name");
        struct dpif_bridge_settings bs;
        struct diag *diag;
        GPtrArray *prows, *dp_ports;

        if (!name || g_hash_table_contains(wanted_bridges, name)) {
            continue;
        }
        bridge_settings(brow, &bs);
        diag = diag_new();
        if (dpif_bridge_set(dpif, name, &bs, diag)) {
            LOG_ERR("%s", diag_get(diag, 0));
            diag_free(diag);
            continue;
        }
        diag_free(diag);
        g_hash_table_add(wanted_bridges, (char *) name);

        prows = get_refs(brow, "ports", T_PORT);
        for (guint p = 0; p < prows->len; p++) {
            const json_t *prow = prows->pdata[p];
            GArray *ifaces = g_array_new(FALSE, TRUE,
                                         sizeof(struct dpif_iface_settings));
            struct dpif_port_settings ps;
            char *err = NULL, *key, *sig;
            const char *old;

            if (!port_settings(prow, ifaces, &ps, &err) || !ps.name) {
                LOG_WARN("%s: port %s: %s", name,
                         ps.name ? ps.name : "(unnamed)",
                         err ? err : "no name");
                g_free(err);
                g_array_free(ifaces, TRUE);
                continue;
            }
            key = g_strdup_printf("%s/%s", name, ps.name);
            g_hash_table_add(seen_ports, g_strdup(key));
            sig = port_signature(&ps, &bs);
            old = g_hash_table_lookup(applied_ports, key);
            if (!old || strcmp(old, sig)) {
                struct diag *pdiag = diag_new();
                GHashTable *before = g_hash_table_new_full(
                    g_str_hash, g_str_equal, g_free, g_free);

                for (size_t i = 0; i < ps.n_ifaces; i++) {
                    char *prev = NULL;

                    if (g_hash_table_steal_extended(iface_errors,
                                                    ps.ifaces[i].name,
                                                    NULL,
                                                    (gpointer *) &prev)) {
                        g_hash_table_insert(before,
                                            g_strdup(ps.ifaces[i].name),
                                            prev);
                    }
                }
                if (dpif_port_set(dpif, name, &ps, pdiag)) {
                    for (size_t i = 0; i < diag_count(pdiag); i++) {
                        const char *msg = diag_get(pdiag, i);
                        bool repeated = false;

                        for (size_t k = 0; k < ps.n_ifaces; k++) {
                            const char *n = ps.ifaces[k].name;
                            size_t len = strlen(n);

                            if (!strncmp(msg, n, len) && msg[len] == ':') {
                                repeated = !g_strcmp0(
                                    g_hash_table_lookup(before, n), msg);
                                g_hash_table_insert(iface_errors,
                                                    g_strdup(n),
                                                    g_strdup(msg));
                            }
                        }
                        if (!repeated) {
                            LOG_WARN("%s", msg);
                        }
                    }
                    /* Try again at the next change, or in RETRY_MS (a
                     * device that appears later, as a guest's vif). */
                    g_free(sig);
                    sig = g_strdup("");
                    retry_needed = true;
                }
                g_hash_table_destroy(before);
                diag_free(pdiag);
                g_hash_table_insert(applied_ports, key, sig);
                key = NULL;
            } else {
                g_free(sig);
            }
            g_free(key);
            g_array_free(ifaces, TRUE);
        }
        g_ptr_array_free(prows, TRUE);

        /* Ports that are no longer in the database. */
        dp_ports = dpif_port_list(dpif, name);
        for (guint p = 0; dp_ports && p < dp_ports->len; p++) {
            char *key = g_strdup_printf("%s/%s", name,
                                        (char *) dp_ports->pdata[p]);

            if (!g_hash_table_contains(seen_ports, key)) {
                dpif_port_del(dpif, name, dp_ports->pdata[p]);
                g_hash_table_remove(applied_ports, key);
            }
            g_free(key);
        }
        if (dp_ports) {
            g_ptr_array_unref(dp_ports);
        }
    }

    /* Bridges that are no longer in the database. */
    existing = dpif_bridge_list(dpif);
    for (guint b = 0; b < existing->len; b++) {
        const char *name = existing->pdata[b];

        if (!g_hash_table_contains(wanted_bridges, name)) {
            GHashTableIter ai;
            gpointer akey;
            size_t len = strlen(name);

            dpif_bridge_del(dpif, name);
            g_hash_table_iter_init(&ai, applied_ports);
            while (g_hash_table_iter_next(&ai, &akey, NULL)) {
                if (!strncmp(akey, name, len)
                    && ((char *) akey)[len] == '/') {
                    g_hash_table_iter_remove(&ai);
                }
            }
        }
    }
    g_ptr_array_unref(existing);
    g_ptr_array_free(brows, TRUE);
    g_hash_table_destroy(wanted_bridges);
    g_hash_table_destroy(seen_ports);
    retry_at = retry_needed ? g_get_monotonic_time() / 1000 + RETRY_MS : 0;
}

/* ------------------------------------------------------------------------
 * Write-back. */

/* Adds to 'row' column 'column' = 'value' if the replica's 'current' row
 * holds something else.  Takes 'value'. */
static void
set_if_changed(json_t *row, const json_t *current, const char *column,
               json_t *value)
{
    const json_t *now = json_object_get(current, column);

    if (now && json_equal(now, value)) {
        json_decref(value);
    } else {
        json_object_set_new(row, column, value);
    }
}

static json_t *
optional_string(const char *s)
{
    return s ? json_string(s) : json_pack("[s[]]", "set");
}

static json_t *
update_op(const char *table, const char *uuid, json_t *row)
{
    return json_pack("{s:s, s:s, s:[[s,s,[s,s]]], s:o}", "op", "update",
                     "table", table, "where", "_uuid", "==", "uuid", uuid,
                     "row", row);
}

/* Sends one transaction with every status that differs from the replica,
 * and cur_cfg.  Does nothing while a write-back is in flight. */
static void
write_back(void)
{
    json_t *ops = json_array();
    GHashTableIter iter;
    gpointer value;
    const json_t *ovs = NULL;

    json_array_append_new(ops, json_string(DB_NAME));
    g_hash_table_iter_init(&iter, tables[T_BRIDGE].rows);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        const json_t *brow = value;
        const char *bname = get_string(brow, "name");
        GPtrArray *prows = get_refs(brow, "ports", T_PORT);

        for (guint p = 0; bname && p < prows->len; p++) {
            const json_t *prow = prows->pdata[p];
            GPtrArray *irows = get_refs(prow, "interfaces", T_IFACE);
            json_t *prow_new = json_object();
            char *active = NULL;

            for (guint i = 0; i < irows->len; i++) {
                const json_t *irow = irows->pdata[i];
                const char *iname = get_string(irow, "name");
                struct dpif_iface_status st;
                json_t *row = json_object();
                const char *err = iname ? g_hash_table_lookup(iface_errors,
                                                              iname) : NULL;

                if (iname && !dpif_iface_get_status(dpif, bname, iname,
                                                    &st) && st.lost) {
                    /* Deleted under us: reopened when it is back. */
                    char *msg = g_strdup_printf("could not open network "
                                                "device %s (No such device)",
                                                iname);

                    set_if_changed(row, irow, "link_state",
                                   json_string("down"));
                    set_if_changed(row, irow, "admin_state",
                                   json_string("down"));
                    set_if_changed(row, irow, "ifindex", json_integer(0));
                    set_if_changed(row, irow, "error", optional_string(msg));
                    g_free(msg);
                } else if (iname && !dpif_iface_get_status(dpif, bname,
                                                           iname, &st)) {
                    char mac[18];
                    unsigned int ifindex = if_nametoindex(iname);

                    snprintf(mac, sizeof mac,
                             "%02x:%02x:%02x:%02x:%02x:%02x", st.mac[0],
                             st.mac[1], st.mac[2], st.mac[3], st.mac[4],
                             st.mac[5]);
                    set_if_changed(row, irow, "ofport",
                                   json_integer(st.ofport));
                    set_if_changed(row, irow, "link_state",
                                   json_string(st.link_up ? "up" : "down"));
                    set_if_changed(row, irow, "admin_state",
                                   json_string(st.admin_up ? "up" : "down"));
                    set_if_changed(row, irow, "mac_in_use",
                                   json_string(mac));
                    set_if_changed(row, irow, "mtu", json_integer(st.mtu));
                    set_if_changed(row, irow, "ifindex",
                                   json_integer(ifindex));
                    set_if_changed(row, irow, "error", optional_string(NULL));
                } else if (iname) {
                    /* Not opened: as Open vSwitch shows it, ofport -1. */
                    set_if_changed(row, irow, "ofport", json_integer(-1));
                    set_if_changed(row, irow, "error",
                                   optional_string(err ? err
                                                   : "could not open "
                                                   "network device"));
                }
                if (json_object_size(row)) {
                    json_array_append_new(ops, update_op("Interface",
                                                         row_uuid(irow),
                                                         row));
                } else {
                    json_decref(row);
                }
            }
            g_ptr_array_free(irows, TRUE);

            if (!dpif_bond_get_active(dpif, bname, get_string(prow, "name"),
                                      &active)) {
                char mac[18] = "";

                if (active) {
                    struct dpif_iface_status st;

                    if (!dpif_iface_get_status(dpif, bname, active, &st)) {
                        snprintf(mac, sizeof mac,
                                 "%02x:%02x:%02x:%02x:%02x:%02x", st.mac[0],
                                 st.mac[1], st.mac[2], st.mac[3], st.mac[4],
                                 st.mac[5]);
                    }
                }
                set_if_changed(prow_new, prow, "bond_active_slave",
                               optional_string(*mac ? mac : NULL));
                g_free(active);
            }
            if (json_object_size(prow_new)) {
                json_array_append_new(ops, update_op("Port", row_uuid(prow),
                                                     prow_new));
            } else {
                json_decref(prow_new);
            }
        }
        g_ptr_array_free(prows, TRUE);
    }

    g_hash_table_iter_init(&iter, tables[T_OVS].rows);
    if (g_hash_table_iter_next(&iter, NULL, &value)) {
        ovs = value;
    }
    if (ovs && get_int(ovs, "cur_cfg", 0) != get_int(ovs, "next_cfg", 0)) {
        json_array_append_new(ops, update_op(
                                  "Open_vSwitch", row_uuid(ovs),
                                  json_pack("{s:I}", "cur_cfg",
                                            (json_int_t) get_int(
                                                ovs, "next_cfg", 0))));
    }
    if (json_array_size(ops) > 1) {
        writeback_id = jsonrpc_next_id();
        jsonrpc_session_send(db, jsonrpc_create_request(
                                 "transact", ops,
                                 json_incref(writeback_id)));
    } else {
        json_decref(ops);
    }
}

/* ------------------------------------------------------------------------
 * The control socket. */

static void
reply_gstring(struct unixctl_conn *conn, GString *out, int error,
              const char *what)
{
    if (error) {
        unixctl_command_reply_error(conn, what);
    } else {
        unixctl_command_reply(conn, out->str);
    }
    g_string_free(out, TRUE);
}

static void
cmd_fdb_show(struct unixctl_conn *conn, int argc,
             const char *argv[], void *aux)
{
    GString *out = g_string_new(NULL);
    char *what = g_strdup_printf("no such bridge");

    reply_gstring(conn, out, dpif_fdb_show(dpif, argv[1], out), what);
    g_free(what);
}

static void
cmd_fdb_flush(struct unixctl_conn *conn, int argc, const char *argv[],
              void *aux)
{
    if (dpif_fdb_flush(dpif, argc > 1 ? argv[1] : NULL)) {
        unixctl_command_reply_error(conn, "no such bridge");
    } else {
        unixctl_command_reply(conn, "table successfully flushed");
    }
}

static void
cmd_bond_show(struct unixctl_conn *conn, int argc, const char *argv[],
              void *aux)
{
    GString *out = g_string_new(NULL);

    reply_gstring(conn, out,
                  dpif_bond_show(dpif, argc > 1 ? argv[1] : NULL, out),
                  "no such bond");
}

static void
cmd_dpif_show(struct unixctl_conn *conn, int argc,
              const char *argv[], void *aux)
{
    GString *out = g_string_new(NULL);

    dpif_show(dpif, out);
    reply_gstring(conn, out, 0, NULL);
}

static void
cmd_exit(struct unixctl_conn *conn, int argc,
         const char *argv[], void *aux)
{
    daemon_request_exit();
    unixctl_command_reply(conn, "");
}

static void
cmd_vlog_set(struct unixctl_conn *conn, int argc,
             const char *argv[], void *aux)
{
    if (log_set_levels(argv[1])) {
        unixctl_command_reply_error(conn,
                                    "usage: vlog/set [MODULE][:DEST][:LEVEL]");
    } else {
        unixctl_command_reply(conn, "");
    }
}

/* ofctl/add-flow BRIDGE FLOW */
static void
cmd_add_flow(struct unixctl_conn *conn, int argc,
             const char *argv[], void *aux)
{
    char *err = NULL;

    if (dpif_flow_add(dpif, argv[1], argv[2], &err)) {
        unixctl_command_reply_error(conn, err ? err : "cannot add flow");
    } else {
        unixctl_command_reply(conn, "");
    }
    g_free(err);
}

/* ofctl/add-flows BRIDGE FLOW...: all or none. */
static void
cmd_add_flows(struct unixctl_conn *conn, int argc, const char *argv[],
              void *aux)
{
    char *err = NULL;

    if (dpif_flow_add_many(dpif, argv[1], argv + 2, argc - 2, &err)) {
        unixctl_command_reply_error(conn, err ? err : "cannot add flows");
    } else {
        unixctl_command_reply(conn, "");
    }
    g_free(err);
}

/* Splits the optional "--strict"/"--no-stats" and the optional FLOW of
 * ofctl/del-flows and ofctl/dump-flows. */
static const char *
flow_args(int argc, const char *argv[], const char *option, bool *flag)
{
    const char *flow = NULL;

    *flag = false;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], option)) {
            *flag = true;
        } else {
            flow = argv[i];
        }
    }
    return flow;
}

/* ofctl/del-flows BRIDGE [--strict] [FLOW] */
static void
cmd_del_flows(struct unixctl_conn *conn, int argc, const char *argv[],
              void *aux)
{
    bool strict;
    const char *flow = flow_args(argc, argv, "--strict", &strict);
    char *err = NULL;

    if (dpif_flow_del(dpif, argv[1], flow, strict, &err)) {
        unixctl_command_reply_error(conn, err ? err : "cannot delete flows");
    } else {
        unixctl_command_reply(conn, "");
    }
    g_free(err);
}

/* ofctl/dump-flows BRIDGE [--no-stats] [FLOW] */
static void
cmd_dump_flows(struct unixctl_conn *conn, int argc, const char *argv[],
               void *aux)
{
    bool no_stats;
    const char *flow = flow_args(argc, argv, "--no-stats", &no_stats);
    GString *out = g_string_new(NULL);
    char *err = NULL;

    if (dpif_flow_dump(dpif, argv[1], flow, no_stats, out, &err)) {
        unixctl_command_reply_error(conn, err ? err : "cannot dump flows");
    } else {
        unixctl_command_reply(conn, out->str);
    }
    g_string_free(out, TRUE);
    g_free(err);
}

static void
register_commands(void)
{
    unixctl_command_register("exit", "", 0, 0, cmd_exit, NULL);
    unixctl_command_register("vlog/set", "SPEC", 1, 1, cmd_vlog_set, NULL);
    unixctl_command_register("fdb/show", "BRIDGE", 1, 1, cmd_fdb_show,
                             NULL);
    unixctl_command_register("fdb/flush", "[BRIDGE]", 0, 1, cmd_fdb_flush,
                             NULL);
    unixctl_command_register("bond/show", "[PORT]", 0, 1, cmd_bond_show,
                             NULL);
    unixctl_command_register("dpif/show", "", 0, 0, cmd_dpif_show, NULL);
    unixctl_command_register("ofctl/add-flow", "BRIDGE FLOW", 2, 2,
                             cmd_add_flow, NULL);
    unixctl_command_register("ofctl/add-flows", "BRIDGE FLOW...", 1,
                             INT_MAX, cmd_add_flows, NULL);
    unixctl_command_register("ofctl/del-flows", "BRIDGE [--strict] [FLOW]",
                             1, 3, cmd_del_flows, NULL);
    unixctl_command_register("ofctl/dump-flows",
                             "BRIDGE [--no-stats] [FLOW]", 1, 3,
                             cmd_dump_flows, NULL);
}

/* ------------------------------------------------------------------------
 * Main loop. */

static void
main_loop_once(struct unixctl_server *unixctl)
{
    GArray *pfds = g_array_new(FALSE, TRUE, sizeof(struct pollfd));
    struct pollfd pfd;
    short events = 0;
    int timeout = -1;
    int fd;

    jsonrpc_session_run(db);
    if (jsonrpc_session_is_connected(db)
        && jsonrpc_session_get_seqno(db) != db_seqno) {
        /* A new connection: ask for everything again.  The datapath keeps
         * forwarding meanwhile; the new replica only changes what
         * differs. */
        db_seqno = jsonrpc_session_get_seqno(db);
        json_decref(writeback_id);
        writeback_id = NULL;
        send_monitor();
        LOG_INFO("%s: connected", jsonrpc_session_get_name(db));
    }
    for (int n = 0; n < 50; n++) {
        json_t *msg;

        if (jsonrpc_session_recv(db, &msg)) {
            break;
        }
        db_handle(msg);
        json_decref(msg);
    }
    if (have_replica && dpif_get_change_seq(dpif) != dp_seq) {
        dp_seq = dpif_get_change_seq(dpif);
        replica_changed = true;
    }
    if (retry_at && g_get_monotonic_time() / 1000 >= retry_at) {
        retry_at = 0;
        replica_changed = true;
    }
    if (have_replica && replica_changed && !writeback_id
        && jsonrpc_session_is_connected(db)) {
        replica_changed = false;
        reconcile();
        write_back();
    }
    unixctl_server_run(unixctl);

    pfd.fd = daemon_signal_fd();
    pfd.events = POLLIN;
    g_array_append_val(pfds, pfd);
    pfd.fd = dpif_get_notify_fd(dpif);
    g_array_append_val(pfds, pfd);
    fd = jsonrpc_session_wait_fd(db, &events, &timeout);
    if (fd >= 0) {
        pfd.fd = fd;
        pfd.events = events;
        g_array_append_val(pfds, pfd);
    }
    unixctl_server_wait(unixctl, pfds, &timeout);
    if (replica_changed && have_replica) {
        /* A write-back in flight: its reply wakes us.  Otherwise the
         * database was away; look again soon. */
        timeout = timeout < 0 ? 100 : MIN(timeout, 100);
    }
    if (retry_at) {
        long long wait = MAX(retry_at - g_get_monotonic_time() / 1000, 0);

        timeout = timeout < 0 ? (int) wait : MIN(timeout, (int) wait);
    }
    if (!daemon_exit_requested()) {
        poll((struct pollfd *) pfds->data, pfds->len, timeout);
    }
    g_array_free(pfds, TRUE);
}

static void
usage(void)
{
    printf("%s: the switching daemon: realises the configuration database\n"
           "on the userspace datapath\n"
           "usage: %s [OPTIONS] [unix:DBSOCKET]\n"
           "DBSOCKET defaults to $XSV_RUNDIR/db.sock (XSV_RUNDIR defaults\n"
           "to %s).\n"
           "\nOptions:\n"
           "  --pidfile[=FILE]      write the process id (default\n"
           "                        $XSV_RUNDIR/vswitchd.pid)\n"
           "  --detach              run in the background\n"
           "  --no-chdir            accepted (the daemon never changes "
           "directory)\n"
           "  --log-file[=FILE]     log to FILE (default\n"
           "                        $XSV_LOGDIR/vswitchd.log)\n"
           "  --unixctl=SOCKET      control socket (default\n"
           "                        $XSV_RUNDIR/vswitchd.ctl; \"none\")\n"
           "  -v, --verbose[=SPEC]  log levels: [MODULE][:DEST][:LEVEL],...\n"
           "                        (DEST console, syslog or file; LEVEL\n"
           "                        default dbg; syslog off unless named)\n"
           "  -h, --help            this help\n"
           "  -V, --version         version\n"
           "\nNot implemented: OpenFlow controllers and the OpenFlow wire\n"
           "protocol (flows come through vsofctl), LACP, STP/RSTP,\n"
           "mirrors, QoS, NetFlow/sFlow/IPFIX, tunnels, DPDK.\n",
           program_name(), program_name(), RUNSTATEDIR);
}

int
main(int argc, char *argv[])
{
    static const struct option long_options[] = {
        DAEMON_LONG_OPTIONS,
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    struct daemon_options dopts = { NULL, NULL, NULL, false };
    char *remote = NULL;
    struct unixctl_server *unixctl = NULL;
    struct diag *diag = diag_new();
    int status = EXIT_FAILURE;
    int opt;

    set_program_name(argv[0]);
    while ((opt = getopt_long(argc, argv, "hVv::", long_options, NULL))
           != -1) {
        int handled = daemon_option_parse(&dopts, "vswitchd", opt, optarg);

        if (handled < 0) {
            goto out;
        } else if (handled) {
            continue;
        }
        switch (opt) {
        case 'h':
            usage();
            status = EXIT_SUCCESS;
            goto out;
        case 'V':
            print_version();
            status = EXIT_SUCCESS;
            goto out;
        default:
            fprintf(stderr, "Try `%s --help' for more information.\n",
                    program_name());
            goto out;
        }
    }
    if (argc - optind > 1) {
        fprintf(stderr, "%s: at most one database socket\n",
                program_name());
        goto out;
    }
    daemon_options_finish(&dopts, "vswitchd");
    remote = (argc > optind ? g_strdup(argv[optind])
              : g_strdup_printf("unix:%s/db.sock", daemon_rundir()));
    if (dopts.logfile && log_set_file(dopts.logfile)) {
        fprintf(stderr, "%s: %s: cannot open log file\n", program_name(),
                dopts.logfile);
        goto out;
    }
    if (dopts.detach) {
        int error = daemon_detach(false);

        if (error) {
            LOG_ERR("cannot detach: %s", g_strerror(-error));
            goto out;
        }
    }
    if (daemon_signals_init()) {
        LOG_ERR("cannot set up signal handling");
        goto out;
    }
    if (jsonrpc_session_open(remote, &db, diag)) {
        goto out_diag;
    }
    jsonrpc_session_set_max_backoff(db, 1000);

    for (int t = 0; t < N_TABLES; t++) {
        tables[t].rows = g_hash_table_new_full(g_str_hash, g_str_equal,
                                               g_free,
                                               (GDestroyNotify) json_decref);
    }
    applied_ports = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                          g_free);
    iface_errors = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                         g_free);
    if (dpif_open("userspace", &dpif, diag)) {
        goto out_diag;
    }
    unixctl = unixctl_server_create(dopts.unixctl_path, diag);
    if (!unixctl) {
        goto out_diag;
    }
    register_commands();

    if (dopts.pidfile && daemon_pidfile_create(dopts.pidfile, diag)) {
        goto out_diag;
    }
    daemon_ready();
    LOG_INFO("started; database %s", remote);

    while (!daemon_exit_requested()) {
        main_loop_once(unixctl);
    }
    LOG_INFO("exiting");
    status = EXIT_SUCCESS;
    goto out;

out_diag:
    for (size_t i = 0; i < diag_count(diag); i++) {
        LOG_ERR("%s", diag_get(diag, i));
    }
out:
    /* Deleting the bridges removes their internal devices; system
     * devices are left as they are. */
    dpif_close(dpif);
    unixctl_server_destroy(unixctl);
    /* Last, so that a restart waiting for it finds the devices gone. */
    daemon_pidfile_remove();
    if (db) {
        jsonrpc_session_close(db);
    }
    for (int t = 0; t < N_TABLES; t++) {
        if (tables[t].rows) {
            g_hash_table_destroy(tables[t].rows);
        }
    }
    if (applied_ports) {
        g_hash_table_destroy(applied_ports);
        g_hash_table_destroy(iface_errors);
    }
    json_decref(monitor_id);
    json_decref(writeback_id);
    diag_free(diag);
    daemon_options_destroy(&dopts);
    g_free(remote);
    return status;
}
