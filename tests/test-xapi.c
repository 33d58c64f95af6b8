/* test-xapi.c -- tests of dbcache/xapi.c (and inventory.c) against the test
 * XAPI server, tests/test-xapi-server, on Unix sockets in a temporary
 * directory.
 *
 * Each test starts its own server (fork and exec, no shell) with the
 * options it needs, talks to it through the public API of xapi.h, and
 * checks both what the client returned and what the server recorded in its
 * calls log.  Every server is stopped (SIGTERM, then waitpid) before the
 * next test; the temporary directory is removed at the end. */
#include <config.h>

#include <errno.h>
#include <ftw.h>
#include <glib.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "diag.h"
#include "inventory.h"
#include "log.h"
#include "model.h"
#include "tap.h"
#include "xapi.h"
#include "xmlrpc.h"

#define HOST_A_UUID "852ee692-8a2c-4d4b-b0a6-0d8c3a4b5f01"
#define SESSION "OpaqueRef:test-session"
#define LOGIN_LINE "session.login_with_password \"root\" \"\" \"1.0\" " \
    "\"xsvswitch-interface-reconfigure\""

static const char *top_builddir;
static const char *top_srcdir;
static char *tmpdir;
static char *root;              /* A fake root with etc/xensource-inventory */
static char *log_path;          /* The library's log goes here. */

struct server {
    pid_t pid;
    char *socket;
    char *calls;
    char *pidfile;
};

/* Helpers. */

static char *
fixture(const char *name)
{
    return g_build_filename(top_srcdir, "tests", "xapi", name, NULL);
}

static void
write_file(const char *path, const char *text)
{
    GError *err = NULL;

    if (!g_file_set_contents(path, text, -1, &err)) {
        diag_msg("%s", err->message);
        exit(99);
    }
}

/* Starts the test server on Unix socket 'socket' with fixture 'fixture_name'
 * and the extra options in 'extra' (NULL-terminated, may be NULL).  Returns
 * false if it did not come up. */
static bool
server_start(struct server *srv, const char *socket, const char *fixture_name,
             const char *const *extra)
{
    char *program = g_build_filename(top_builddir, "tests",
                                     "test-xapi-server", NULL);
    char *fixture_path = fixture(fixture_name);
    GPtrArray *argv = g_ptr_array_new();
    static int serial;
    bool up = false;

    memset(srv, 0, sizeof *srv);
    srv->socket = g_strdup(socket);
    srv->calls = g_strdup_printf("%s/calls-%d", tmpdir, ++serial);
    srv->pidfile = g_strdup_printf("%s/pid-%d", tmpdir, serial);

    g_ptr_array_add(argv, program);
    g_ptr_array_add(argv, "--unix");
    g_ptr_array_add(argv, srv->socket);
    g_ptr_array_add(argv, "--fixture");
    g_ptr_array_add(argv, fixture_path);
    g_ptr_array_add(argv, "--pidfile");
    g_ptr_array_add(argv, srv->pidfile);
    g_ptr_array_add(argv, "--calls");
    g_ptr_array_add(argv, srv->calls);
    for (const char *const *p = extra; p && *p; p++) {
        g_ptr_array_add(argv, (char *) *p);
    }
    g_ptr_array_add(argv, NULL);

    fflush(stdout);
    srv->pid = fork();
    if (srv->pid == 0) {
        execv(program, (char **) argv->pdata);
        fprintf(stderr, "%s: %s\n", program, g_strerror(errno));
        _exit(127);
    } else if (srv->pid < 0) {
        diag_msg("fork: %s", g_strerror(errno));
        goto out;
    }

    /* Wait up to 20 s for the pidfile, which appears once it listens. */
    for (int i = 0; i < 2000; i++) {
        int status;

        if (g_file_test(srv->pidfile, G_FILE_TEST_EXISTS)) {
            up = true;
            break;
        }
        if (waitpid(srv->pid, &status, WNOHANG) == srv->pid) {
            diag_msg("test-xapi-server exited early (status %d)", status);
            srv->pid = 0;
            break;
        }
        g_usleep(10000);
    }

out:
    g_ptr_array_free(argv, TRUE);
    g_free(program);
    g_free(fixture_path);
    return up;
}

static void
server_stop(struct server *srv)
{
    if (srv->pid > 0) {
        int status;

        kill(srv->pid, SIGTERM);
        waitpid(srv->pid, &status, 0);
        ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
           "test-xapi-server exits cleanly on SIGTERM (status %d)", status);
    }
    g_free(srv->socket);
    g_free(srv->calls);
    g_free(srv->pidfile);
    memset(srv, 0, sizeof *srv);
}

/* The server's calls log, one string per call (g_strfreev). */
static char **
read_calls(const struct server *srv)
{
    char *text = NULL;
    char **lines;
    size_t n;

    if (!g_file_get_contents(srv->calls, &text, NULL, NULL)) {
        return g_new0(char *, 1);
    }
    lines = g_strsplit(text, "\n", -1);
    n = g_strv_length(lines);
    if (n && !*lines[n - 1]) {
        g_free(lines[n - 1]);
        lines[n - 1] = NULL;
    }
    g_free(text);
    return lines;
}

static bool
calls_contain(const struct server *srv, const char *line)
{
    char **calls = read_calls(srv);
    bool found = g_strv_contains((const char *const *) calls, line);

    g_strfreev(calls);
    return found;
}

static char *
url_of(const struct server *srv)
{
    return g_strdup_printf("unix:%s", srv->socket);
}

static int
open_session(const struct server *srv, const char *session_ref,
             int io_timeout_ms, struct xapi_session **sp, struct diag *d)
{
    char *url = url_of(srv);
    struct xapi_options o = { url, NULL, NULL, false, 0, io_timeout_ms };
    int error = xapi_open(&o, session_ref, sp, d);

    g_free(url);
    return error;
}

static int
call1(struct xapi_session *s, const char *method, const char *arg,
      struct xmlrpc_value **resultp, struct diag *d)
{
    struct xmlrpc_value *p = arg ? xmlrpc_string_new(arg) : NULL;
    int error = xapi_call(s, method, &p, arg ? 1 : 0, resultp, d);

    xmlrpc_value_free(p);
    return error;
}

static char *
log_contents(void)
{
    char *text = NULL;

    if (!g_file_get_contents(log_path, &text, NULL, NULL)) {
        return g_strdup("");
    }
    return text;
}

static const char *
list_str(const struct dbc_list *l)
{
    static char buf[1024];
    GString *s = g_string_new(NULL);

    for (size_t i = 0; i < l->n; i++) {
        g_string_append_printf(s, "%s%s", i ? " " : "", l->items[i]);
    }
    g_strlcpy(buf, s->str, sizeof buf);
    g_string_free(s, TRUE);
    return buf;
}

static const char *
map_str(const struct dbc_map *m)
{
    static char buf[1024];
    GString *s = g_string_new(NULL);

    for (size_t i = 0; i < m->n; i++) {
        g_string_append_printf(s, "%s%s=%s", i ? " " : "", m->keys[i],
                               m->values[i]);
    }
    g_strlcpy(buf, s->str, sizeof buf);
    g_string_free(s, TRUE);
    return buf;
}

static const char *
refs_of(const struct dbcache *db, enum dbc_class class)
{
    static char buf[2048];
    GString *s = g_string_new(NULL);

    for (size_t i = 0; i < dbcache_count(db, class); i++) {
        g_string_append_printf(s, "%s%s", i ? " " : "",
                               dbcache_at(db, class, i)->ref);
    }
    g_strlcpy(buf, s->str, sizeof buf);
    g_string_free(s, TRUE);
    return buf;
}

static bool
field_present(const struct dbcache *db, enum dbc_class class,
              const char *ref, const char *field)
{
    struct dbc_record *r = dbcache_get(db, class, ref);

    return r && dbc_field_present(r, dbc_find_field(class, field));
}

/* Tests. */

static void
test_login_logout(void)
{
    struct server srv;
    struct xapi_session *s = NULL;
    struct diag *d = diag_new();
    char *sock = g_strdup_printf("%s/login.sock", tmpdir);
    char **calls;
    int error;

    if (!ok(server_start(&srv, sock, "pool.xml", NULL), "server starts")) {
        goto out;
    }
    error = open_session(&srv, NULL, 0, &s, d);
    is_int(error, 0, "xapi_open without a session ref logs in");
    diag_print(d, stdout, "#");
    if (!error) {
        is_str(xapi_session_ref(s), SESSION, "the session ref is login's");
        ok(g_str_has_prefix(xapi_server_name(s), "unix:"),
           "server name is unix:PATH");
    }
    xapi_close(s);
    calls = read_calls(&srv);
    is_int(g_strv_length(calls), 2, "two calls: login and logout");
    is_str(calls[0], LOGIN_LINE, "login as root with an empty password, "
           "version 1.0 and our originator");
    if (g_strv_length(calls) >= 2) {
        is_str(calls[1], "session.logout \"" SESSION "\"",
               "logout of the session logged in");
    }
    g_strfreev(calls);
    server_stop(&srv);
out:
    g_free(sock);
    diag_free(d);
}

static void
test_given_session(void)
{
    const char *const extra[] = { "--session", "OpaqueRef:given", NULL };
    struct xmlrpc_value *result = NULL;
    struct xapi_session *s = NULL;
    struct diag *d = diag_new();
    char *sock = g_strdup_printf("%s/given.sock", tmpdir);
    const char *const *failure;
    struct server srv;
    char **calls;
    int error;

    if (!ok(server_start(&srv, sock, "pool.xml", extra), "server starts")) {
        goto out;
    }
    error = open_session(&srv, "OpaqueRef:given", 0, &s, d);
    is_int(error, 0, "xapi_open with a session ref");
    if (!error) {
        error = call1(s, "host.get_by_uuid", HOST_A_UUID, &result, d);
        is_int(error, 0, "host.get_by_uuid succeeds with the given ref");
        diag_print(d, stdout, "#");
        if (!error) {
            is_str(xmlrpc_get_string(result), "OpaqueRef:host-a",
                   "host.get_by_uuid finds host A");
            xmlrpc_value_free(result);
        }
        ok(xapi_last_failure(s) == NULL, "no failure recorded on success");
        xapi_close(s);
    }
    calls = read_calls(&srv);
    is_int(g_strv_length(calls), 1, "one call only: no login, no logout");
    is_str(calls[0], "host.get_by_uuid \"OpaqueRef:given\" \"" HOST_A_UUID
           "\"", "the given session ref is the call's first argument");
    g_strfreev(calls);

    /* A session ref XAPI does not know. */
    s = NULL;
    error = open_session(&srv, "OpaqueRef:stale", 0, &s, d);
    is_int(error, 0, "xapi_open with an unknown ref (not checked yet)");
    if (!error) {
        diag_clear(d);
        error = call1(s, "pool.get_all", NULL, &result, d);
        is_int(error, -EREMOTEIO, "a Failure is -EREMOTEIO");
        ok(diag_contains(d, "XAPI error: SESSION_INVALID [OpaqueRef:stale]"),
           "the message carries the ErrorDescription");
        ok(diag_contains(d, "pool.get_all"), "and names the method");
        diag_print(d, stdout, "#");
        failure = xapi_last_failure(s);
        ok(failure && !g_strcmp0(failure[0], "SESSION_INVALID")
           && !g_strcmp0(failure[1], "OpaqueRef:stale") && !failure[2],
           "xapi_last_failure() gives the ErrorDescription");
        xapi_close(s);
    }
    ok(!calls_contain(&srv, "session.logout \"OpaqueRef:stale\""),
       "no logout of a session given by the caller");
    server_stop(&srv);
out:
    g_free(sock);
    diag_free(d);
}

static void
check_pool_model(const struct dbcache *db, bool tunnels)
{
    const struct dbc_pif *eth2, *eth3, *bond0, *vlan4;
    const struct dbc_network *net;
    const struct dbc_pool *pool;

    if (tunnels) {
        is_str(refs_of(db, DBC_PIF),
               "OpaqueRef:pif-a-eth0 OpaqueRef:pif-a-eth1 "
               "OpaqueRef:pif-a-eth2 OpaqueRef:pif-a-eth3 "
               "OpaqueRef:pif-a-eth4 OpaqueRef:pif-a-bond0 "
               "OpaqueRef:pif-a-bond0-4 OpaqueRef:pif-a-eth3-123 "
               "OpaqueRef:pif-a-tunnel0",
               "this host's PIFs, in XAPI's order");
        is_str(refs_of(db, DBC_TUNNEL), "OpaqueRef:tunnel-a",
               "the local tunnel only");
        is_str(refs_of(db, DBC_NETWORK),
               "OpaqueRef:net-xenbr0 OpaqueRef:net-xenbr1 "
               "OpaqueRef:net-xenbr2 OpaqueRef:net-xenbr3 "
               "OpaqueRef:net-xenbr4 OpaqueRef:net-xapi0 "
               "OpaqueRef:net-xapi1 OpaqueRef:net-xapi2 "
               "OpaqueRef:net-xapi3 OpaqueRef:net-xapi4 "
               "OpaqueRef:net-xapi5", "every network");
    } else {
        is_str(refs_of(db, DBC_PIF),
               "OpaqueRef:pif-a-eth0 OpaqueRef:pif-a-eth1 "
               "OpaqueRef:pif-a-eth2 OpaqueRef:pif-a-eth3 "
               "OpaqueRef:pif-a-eth4 OpaqueRef:pif-a-bond0 "
               "OpaqueRef:pif-a-bond0-4 OpaqueRef:pif-a-eth3-123",
               "this host's PIFs, in XAPI's order");
        is_int(dbcache_count(db, DBC_TUNNEL), 0, "no tunnels");
        is_int(dbcache_count(db, DBC_NETWORK), 10, "every network");
    }
    is_str(refs_of(db, DBC_BOND), "OpaqueRef:bond-a", "the local bond only");
    is_str(refs_of(db, DBC_VLAN), "OpaqueRef:vlan-a4 OpaqueRef:vlan-a123",
           "the local VLANs only");
    is_int(dbcache_count(db, DBC_POOL), 1, "one pool");

    eth2 = dbc_get_pif(db, "OpaqueRef:pif-a-eth2");
    eth3 = dbc_get_pif(db, "OpaqueRef:pif-a-eth3");
    bond0 = dbc_get_pif(db, "OpaqueRef:pif-a-bond0");
    vlan4 = dbc_get_pif(db, "OpaqueRef:pif-a-bond0-4");
    if (!ok(eth2 && eth3 && bond0 && vlan4, "PIFs found by ref")) {
        return;
    }
    is_str(eth2->uuid, "a0e2a0e2-0000-4000-8000-000000000002", "eth2 uuid");
    is_str(eth2->device, "eth2", "eth2 device");
    ok(eth2->management, "eth2 is the management PIF (XML-RPC boolean)");
    ok(eth2->currently_attached, "eth2 is attached");
    is_str(eth2->ip_configuration_mode, "DHCP", "eth2 uses DHCP");
    is_str(eth2->network, "OpaqueRef:net-xenbr2", "eth2 network");
    is_str(eth2->mac, "00:15:17:a0:29:80", "eth2 MAC");
    is_str(map_str(&eth2->other_config), "domain=example.com peerdns=true",
           "eth2 other_config: whitelisted keys only, in whitelist order");
    is_str(eth3->ip_configuration_mode, "Static", "eth3 is static");
    is_str(eth3->ip, "10.0.0.188", "eth3 IP");
    is_str(eth3->netmask, "255.0.0.0", "eth3 netmask");
    is_str(list_str(&eth3->vlan_slave_of), "OpaqueRef:vlan-a123",
           "eth3 carries VLAN 123");
    is_str(map_str(&eth3->other_config), "ethtool-tx=off",
           "eth3 other_config drops XenCenter keys");
    is_str(list_str(&bond0->bond_master_of), "OpaqueRef:bond-a",
           "bond0 is the bond master");
    is_str(bond0->vlan, "-1", "bond0 is not a VLAN");
    is_str(map_str(&bond0->other_config), "mtu=1500 bond-miimon=100 "
           "bond-downdelay=200 bond-updelay=31000 bond-use_carrier=1",
           "bond0 other_config");
    is_str(vlan4->vlan, "4", "bond0.4 has VLAN tag 4");
    is_str(vlan4->vlan_master_of, "OpaqueRef:vlan-a4",
           "bond0.4 is VLAN 4's master");
    is_str(dbc_get_pif(db, "OpaqueRef:pif-a-eth0")->bond_slave_of,
           "OpaqueRef:bond-a", "eth0 is a bond slave");
    is_str(dbc_get_pif(db, "OpaqueRef:pif-a-eth2")->bond_slave_of,
           "OpaqueRef:NULL", "a null ref is kept as OpaqueRef:NULL");
    ok(field_present(db, DBC_PIF, "OpaqueRef:pif-a-eth2",
                     "tunnel_access_PIF_of") == tunnels,
       "PIF tunnel fields are %s", tunnels ? "present" : "optional");
    if (tunnels) {
        const struct dbc_tunnel *t = dbc_get_tunnel(db, "OpaqueRef:tunnel-a");

        is_str(t ? t->transport_pif : NULL, "OpaqueRef:pif-a-eth4",
               "tunnel transport PIF");
        is_str(t ? t->access_pif : NULL, "OpaqueRef:pif-a-tunnel0",
               "tunnel access PIF");
    }

    is_str(dbc_get_bond(db, "OpaqueRef:bond-a")
           ? list_str(&dbc_get_bond(db, "OpaqueRef:bond-a")->slaves) : NULL,
           "OpaqueRef:pif-a-eth0 OpaqueRef:pif-a-eth1", "bond slaves");
    is_str(dbc_get_vlan(db, "OpaqueRef:vlan-a123")
           ? dbc_get_vlan(db, "OpaqueRef:vlan-a123")->tagged_pif : NULL,
           "OpaqueRef:pif-a-eth3", "VLAN 123's tagged PIF is eth3");

    net = dbc_get_network(db, "OpaqueRef:net-xenbr0");
    if (ok(net != NULL, "xenbr0 network found")) {
        is_str(list_str(&net->pifs), "OpaqueRef:pif-a-eth0",
               "xenbr0's PIFs: host B's PIF filtered out");
        is_str(net->bridge, "xenbr0", "xenbr0 bridge");
        is_str(map_str(&net->other_config), "vswitch-disable-in-band=true",
               "network other_config: whitelisted keys only");
        if (tunnels) {
            is_str(net->mtu, "1500", "network MTU");
        } else {
            ok(!field_present(db, DBC_NETWORK, "OpaqueRef:net-xenbr0", "MTU"),
               "a network without MTU (XenServer 5.5) is accepted");
        }
    }
    net = dbc_get_network(db, "OpaqueRef:net-xapi1");
    if (net) {
        is_str(list_str(&net->pifs), "OpaqueRef:pif-a-bond0",
               "xapi1's PIFs: host B's bond filtered out");
    }
    net = dbc_get_network(db, "OpaqueRef:net-xapi0");
    ok(net && net->pifs.n == 0
       && !field_present(db, DBC_NETWORK, "OpaqueRef:net-xapi0", "MTU"),
       "internal network xapi0: no PIFs, no MTU");
    net = dbc_get_network(db, "OpaqueRef:net-xapi5");
    ok(net && net->pifs.n == 0, "host B's network is kept, with no PIFs");

    pool = dbc_get_pool(db);
    if (ok(pool != NULL, "pool found")) {
        is_str(map_str(&pool->other_config),
               "vswitch-controller-fail-mode=secure",
               "pool other_config: whitelisted keys only");
        is_str(pool->vswitch_controller, tunnels ? "192.0.2.10" : NULL,
               "pool vswitch_controller");
    }
}

static void
test_read_model(const char *fixture_name, bool tunnels,
                const char *const *extra)
{
    struct xapi_session *s = NULL;
    struct dbcache *db = NULL;
    struct diag *d = diag_new();
    char *sock = g_strdup_printf("%s/model.sock", tmpdir);
    struct server srv;
    char *log;
    int error;

    diag_msg("read_model from %s%s%s", fixture_name, extra ? " " : "",
             extra ? extra[0] : "");
    if (!ok(server_start(&srv, sock, fixture_name, extra),
            "server starts")) {
        goto out;
    }
    error = open_session(&srv, NULL, 0, &s, d);
    if (!is_int(error, 0, "xapi_open")) {
        diag_print(d, stdout, "#");
        goto stop;
    }
    if (truncate(log_path, 0) < 0) {
        diag_msg("truncate %s: %s", log_path, g_strerror(errno));
    }
    error = xapi_read_model(s, root, &db, d);
    is_int(error, 0, "xapi_read_model succeeds");
    diag_print(d, stdout, "#");
    if (!error) {
        check_pool_model(db, tunnels);
        dbcache_free(db);
    }
    log = log_contents();
    ok(strstr(log, "|xapi|info|host uuid is " HOST_A_UUID "\n") != NULL,
       "logs \"host uuid is UUID\" at info level");
    ok(strstr(log, "|xapi|dbg|Unknown other-config attribute: "
              "memory-ratio-hvm\n") != NULL,
       "logs dropped pool other_config keys at debug level");
    g_free(log);
    xapi_close(s);

    ok(calls_contain(&srv, "host.get_by_uuid \"" SESSION "\" \""
                     HOST_A_UUID "\""),
       "host looked up by INSTALLATION_UUID from the inventory");
    ok(calls_contain(&srv, "tunnel.get_all \"" SESSION "\""),
       "tunnel.get_all was called");
    ok(calls_contain(&srv, "pool.get_record \"" SESSION
                     "\" \"OpaqueRef:pool-0\""), "pool.get_record was called");
stop:
    server_stop(&srv);
out:
    g_free(sock);
    diag_free(d);
}

static void
test_read_model_errors(void)
{
    const char *const fail_pifs[] = {
        "--fail", "PIF.get_all_records=INTERNAL_ERROR,boom,x", NULL
    };
    const char *const fail_tunnels[] = {
        "--fail", "tunnel.get_all=PERMISSION_DENIED", NULL
    };
    struct xapi_session *s = NULL;
    struct dbcache *db = NULL;
    struct diag *d = diag_new();
    char *sock = g_strdup_printf("%s/errors.sock", tmpdir);
    char *bad_root = g_strdup_printf("%s/no-such-root", tmpdir);
    const char *const *failure;
    struct server srv;
    int error;

    /* A record without a required field. */
    if (ok(server_start(&srv, sock, "pif-missing-device.xml", NULL),
           "server starts")) {
        if (!open_session(&srv, NULL, 0, &s, d)) {
            error = xapi_read_model(s, root, &db, d);
            is_int(error, -EPROTO, "a PIF without 'device' is refused");
            ok(diag_contains(d, "PIF OpaqueRef:pif-a-eth0 has no field "
                        "'device'"), "the message names class, ref and "
               "field");
            diag_print(d, stdout, "#");

            /* No inventory. */
            diag_clear(d);
            error = xapi_read_model(s, bad_root, &db, d);
            is_int(error, -ENOENT, "a missing inventory is -ENOENT");
            ok(diag_contains(d, "no-such-root/etc/xensource-inventory: No such "
                        "file"), "naming the file");
            xapi_close(s);
        }
        server_stop(&srv);
    }

    /* A Failure in the middle. */
    diag_clear(d);
    if (ok(server_start(&srv, sock, "pool.xml", fail_pifs),
           "server starts")) {
        if (!open_session(&srv, NULL, 0, &s, d)) {
            error = xapi_read_model(s, root, &db, d);
            is_int(error, -EREMOTEIO, "a Failure stops xapi_read_model");
            ok(diag_contains(d, "PIF.get_all_records: XAPI error: "
                        "INTERNAL_ERROR [boom, x]"),
               "the message names the method and the whole "
               "ErrorDescription");
            diag_print(d, stdout, "#");
            failure = xapi_last_failure(s);
            ok(failure && !g_strcmp0(failure[0], "INTERNAL_ERROR")
               && !g_strcmp0(failure[1], "boom")
               && !g_strcmp0(failure[2], "x") && !failure[3],
               "xapi_last_failure() has the ErrorDescription");
            xapi_close(s);
        }
        ok(calls_contain(&srv, "session.logout \"" SESSION "\""),
           "logged out after the failure");
        server_stop(&srv);
    }

    /* A tunnel failure other than "no such method" is an error. */
    diag_clear(d);
    if (ok(server_start(&srv, sock, "pool.xml", fail_tunnels),
           "server starts")) {
        if (!open_session(&srv, NULL, 0, &s, d)) {
            error = xapi_read_model(s, root, &db, d);
            is_int(error, -EREMOTEIO, "tunnel.get_all PERMISSION_DENIED is "
                   "an error");
            ok(diag_contains(d, "XAPI error: PERMISSION_DENIED"),
               "with its message");
            xapi_close(s);
        }
        server_stop(&srv);
    }
    g_free(sock);
    g_free(bad_root);
    diag_free(d);
}

static void
test_login_failure(void)
{
    const char *const extra[] = {
        "--fail", "session.login_with_password=SESSION_AUTHENTICATION_FAILED"
        ",root,Authentication failure", NULL
    };
    struct xapi_session *s = NULL;
    struct diag *d = diag_new();
    char *sock = g_strdup_printf("%s/auth.sock", tmpdir);
    struct server srv;
    int error;

    if (ok(server_start(&srv, sock, "pool.xml", extra), "server starts")) {
        error = open_session(&srv, NULL, 0, &s, d);
        is_int(error, -EREMOTEIO, "a refused login fails xapi_open");
        ok(s == NULL, "no session on failure");
        ok(diag_contains(d, "session.login_with_password: XAPI error: "
                    "SESSION_AUTHENTICATION_FAILED [root, Authentication "
                    "failure]"), "the message carries XAPI's reason");
        diag_print(d, stdout, "#");
        server_stop(&srv);
    }
    g_free(sock);
    diag_free(d);
}

static void
test_methods(void)
{
    struct xmlrpc_value *result = NULL;
    struct xapi_session *s = NULL;
    struct diag *d = diag_new();
    char *sock = g_strdup_printf("%s/methods.sock", tmpdir);
    struct server srv;
    int error;

    if (!ok(server_start(&srv, sock, "pool.xml", NULL), "server starts")) {
        goto out;
    }
    if (open_session(&srv, NULL, 0, &s, d)) {
        diag_print(d, stdout, "#");
        server_stop(&srv);
        goto out;
    }
    error = call1(s, "pool.get_vswitch_controller", "OpaqueRef:pool-0",
                  &result, d);
    is_int(error, 0, "pool.get_vswitch_controller");
    if (!error) {
        is_str(xmlrpc_get_string(result), "192.0.2.10",
               "the pool's controller");
        xmlrpc_value_free(result);
    }
    error = call1(s, "PIF.frobnicate", NULL, &result, d);
    is_int(error, -EREMOTEIO, "an unknown method fails");
    ok(diag_contains(d, "XAPI error: MESSAGE_METHOD_UNKNOWN [PIF.frobnicate]"),
       "with MESSAGE_METHOD_UNKNOWN");
    error = call1(s, "network.get_record", "OpaqueRef:nope", &result, d);
    is_int(error, -EREMOTEIO, "get_record of an unknown ref fails");
    ok(xapi_last_failure(s)
       && !g_strcmp0(xapi_last_failure(s)[0], "HANDLE_INVALID"),
       "with HANDLE_INVALID");
    error = call1(s, "pool.get_all", NULL, &result, d);
    is_int(error, 0, "the session still works after failures");
    ok(!error && result->type == XMLRPC_ARRAY && result->u.array.n == 1,
       "pool.get_all gives one pool");
    ok(xapi_last_failure(s) == NULL, "a success clears the last failure");
    if (!error) {
        xmlrpc_value_free(result);
    }

    /* The server restarts between two calls: the client reconnects. */
    server_stop(&srv);
    if (ok(server_start(&srv, sock, "pool.xml", NULL), "server restarts")) {
        diag_clear(d);
        error = call1(s, "pool.get_all", NULL, &result, d);
        is_int(error, 0, "a call after the server closed the idle "
               "connection reconnects");
        diag_print(d, stdout, "#");
        if (!error) {
            xmlrpc_value_free(result);
        }
    }
    xapi_close(s);
    server_stop(&srv);
out:
    g_free(sock);
    diag_free(d);
}

static void
test_drop_and_stall(void)
{
    const char *const drop[] = { "--drop", "host.get_by_uuid", NULL };
    const char *const stall[] = { "--stall", "host.get_by_uuid", NULL };
    struct xmlrpc_value *result = NULL;
    struct xapi_session *s = NULL;
    struct diag *d = diag_new();
    char *sock = g_strdup_printf("%s/drop.sock", tmpdir);
    struct server srv;
    gint64 start, elapsed_ms;
    int error;

    if (ok(server_start(&srv, sock, "pool.xml", drop), "server starts")
        && !open_session(&srv, NULL, 0, &s, d)) {
        error = call1(s, "host.get_by_uuid", HOST_A_UUID, &result, d);
        ok(error == -EPROTO || error == -ECONNRESET,
           "a dropped connection is -EPROTO or -ECONNRESET (got %d)", error);
        ok(diag_contains(d, "host.get_by_uuid: connection closed by the server"),
           "the message says the server closed the connection");
        diag_print(d, stdout, "#");
        error = call1(s, "pool.get_all", NULL, &result, d);
        is_int(error, 0, "the next call reconnects");
        if (!error) {
            xmlrpc_value_free(result);
        }
        xapi_close(s);
        s = NULL;
    }
    server_stop(&srv);

    diag_clear(d);
    if (ok(server_start(&srv, sock, "pool.xml", stall), "server starts")
        && !open_session(&srv, NULL, 300, &s, d)) {
        start = g_get_monotonic_time();
        error = call1(s, "host.get_by_uuid", HOST_A_UUID, &result, d);
        elapsed_ms = (g_get_monotonic_time() - start) / 1000;
        is_int(error, -ETIMEDOUT, "a stalled server gives -ETIMEDOUT");
        ok(elapsed_ms >= 250 && elapsed_ms < 5000,
           "after about the I/O timeout (%lld ms)", (long long) elapsed_ms);
        ok(diag_contains(d, "host.get_by_uuid: no reply from the server within "
                    "300 ms"), "the message names the call and the timeout");
        diag_print(d, stdout, "#");
        error = call1(s, "pool.get_all", NULL, &result, d);
        is_int(error, 0, "the next call works on a new connection");
        if (!error) {
            xmlrpc_value_free(result);
        }
        xapi_close(s);
    }
    server_stop(&srv);
    g_free(sock);
    diag_free(d);
}

static void
test_bad_replies(void)
{
    const char *const extra[] = {
        "--garbage", "host.get_by_uuid", "--not-http", "pool.get_all", NULL
    };
    struct xmlrpc_value *result = NULL;
    struct xapi_session *s = NULL;
    struct diag *d = diag_new();
    char *sock = g_strdup_printf("%s/bad.sock", tmpdir);
    struct server srv;
    int error;

    if (!ok(server_start(&srv, sock, "pool.xml", extra), "server starts")) {
        goto out;
    }
    if (!is_int(open_session(&srv, NULL, 0, &s, d), 0, "xapi_open")) {
        server_stop(&srv);
        goto out;
    }
    error = call1(s, "host.get_by_uuid", HOST_A_UUID, &result, d);
    is_int(error, -EPROTO, "a reply that is not XML-RPC is -EPROTO");
    ok(diag_contains(d, "host.get_by_uuid: XML-RPC response:1: expected "
                "<methodResponse> as the root element, not <html>"),
       "the message names the call and the problem");
    diag_print(d, stdout, "#");

    diag_clear(d);
    error = call1(s, "pool.get_all", NULL, &result, d);
    is_int(error, -EPROTO, "a reply that is not HTTP is -EPROTO");
    ok(diag_contains(d, "pool.get_all: not an HTTP reply: \"SSH-2.0"),
       "the message quotes what came back");
    diag_print(d, stdout, "#");

    diag_clear(d);
    error = call1(s, "VLAN.get_all", NULL, &result, d);
    is_int(error, 0, "the session works again afterwards");
    if (!error) {
        xmlrpc_value_free(result);
    }
    xapi_close(s);
    server_stop(&srv);
out:
    g_free(sock);
    diag_free(d);
}

static void
test_connect_errors(void)
{
    struct xapi_options o = { NULL, NULL, NULL, false, 0, 0 };
    struct xapi_session *s = NULL;
    struct diag *d = diag_new();
    char *missing = g_strdup_printf("%s/missing.sock", tmpdir);
    char *refusing = g_strdup_printf("%s/refusing.sock", tmpdir);
    char *url, *want;
    struct sockaddr_un sun;
    int fd, error;

    url = g_strdup_printf("unix:%s", missing);
    o.url = url;
    error = xapi_open(&o, NULL, &s, d);
    is_int(error, -ENOENT, "a missing socket is -ENOENT");
    want = g_strdup_printf("XAPI unix:%s: connect: No such file or "
                           "directory", missing);
    ok(diag_contains(d, want), "message: %s", want);
    diag_print(d, stdout, "#");
    ok(s == NULL, "no session");
    g_free(want);
    g_free(url);

    /* A socket file with nobody listening. */
    memset(&sun, 0, sizeof sun);
    sun.sun_family = AF_UNIX;
    g_strlcpy(sun.sun_path, refusing, sizeof sun.sun_path);
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *) &sun, sizeof sun) < 0) {
        diag_msg("bind %s: %s", refusing, g_strerror(errno));
    }
    close(fd);
    url = g_strdup_printf("unix:%s", refusing);
    o.url = url;
    diag_clear(d);
    error = xapi_open(&o, NULL, &s, d);
    is_int(error, -ECONNREFUSED, "a socket nobody listens on is "
           "-ECONNREFUSED");
    ok(diag_contains(d, "connect: Connection refused"), "with a message");
    g_free(url);

    /* Bad URLs. */
    o.url = "http://localhost/";
    diag_clear(d);
    error = xapi_open(&o, NULL, &s, d);
    ok(error == -EINVAL && diag_contains(d, "unsupported URL"),
       "an http: URL is refused");
    o.url = "https://";
    error = xapi_open(&o, NULL, &s, d);
    is_int(error, -EINVAL, "an https: URL without a host is refused");
    o.url = "https://host:99999";
    error = xapi_open(&o, NULL, &s, d);
    is_int(error, -EINVAL, "an https: URL with a bad port is refused");

    g_free(missing);
    g_free(refusing);
    diag_free(d);
}

static void
test_default_socket(void)
{
    char *droot = g_strdup_printf("%s/droot", tmpdir);
    char *old_dir = g_strdup_printf("%s/var/xapi", droot);
    char *new_dir = g_strdup_printf("%s/var/lib/xcp", droot);
    char *old_sock = g_strdup_printf("%s/xapi", old_dir);
    char *new_sock = g_strdup_printf("%s/xapi", new_dir);
    struct xapi_options o = { NULL, droot, NULL, false, 0, 0 };
    struct xapi_session *s = NULL;
    struct diag *d = diag_new();
    struct server old_srv, new_srv;
    char *want;
    int error;

    g_mkdir_with_parents(old_dir, 0755);
    g_mkdir_with_parents(new_dir, 0755);

    error = xapi_open(&o, NULL, &s, d);
    is_int(error, -ENOENT, "no local socket at all is -ENOENT");
    want = g_strdup_printf("XAPI unix:%s: connect: No such file", old_sock);
    ok(diag_contains(d, want), "naming the older path it fell back to");
    diag_print(d, stdout, "#");
    g_free(want);

    if (ok(server_start(&old_srv, old_sock, "pool.xml", NULL),
           "server starts on ROOT/var/xapi/xapi")) {
        diag_clear(d);
        error = xapi_open(&o, NULL, &s, d);
        is_int(error, 0, "without ROOT/var/lib/xcp/xapi, ROOT/var/xapi/xapi "
               "is used");
        diag_print(d, stdout, "#");
        if (!error) {
            want = g_strdup_printf("unix:%s", old_sock);
            is_str(xapi_server_name(s), want, "server name");
            g_free(want);
            xapi_close(s);
        }
        ok(calls_contain(&old_srv, LOGIN_LINE), "login went to the old "
           "socket");

        if (ok(server_start(&new_srv, new_sock, "pool.xml", NULL),
               "server starts on ROOT/var/lib/xcp/xapi")) {
            s = NULL;
            error = xapi_open(&o, NULL, &s, d);
            is_int(error, 0, "xapi_open with both sockets");
            if (!error) {
                want = g_strdup_printf("unix:%s", new_sock);
                is_str(xapi_server_name(s), want,
                       "ROOT/var/lib/xcp/xapi is preferred");
                g_free(want);
                xapi_close(s);
            }
            ok(calls_contain(&new_srv, LOGIN_LINE), "login went to the new "
               "socket");
            server_stop(&new_srv);
        }
        server_stop(&old_srv);
    }
    g_free(droot);
    g_free(old_dir);
    g_free(new_dir);
    g_free(old_sock);
    g_free(new_sock);
    diag_free(d);
}

static void
test_inventory(void)
{
    char *path = g_strdup_printf("%s/inventory", tmpdir);
    struct inventory *inv = NULL;
    struct diag *d = diag_new();
    int error;

    write_file(path, "# comment\n\nA='quoted'\nB=plain\nC=''\n"
               "D='a=b'\nE = 'spaced' \r\nA='again'\nF\n");
    error = inventory_read(path, &inv, d);
    is_int(error, -EINVAL, "a line without '=' is an error");
    ok(diag_contains(d, "/inventory:9: expected KEY=VALUE"),
       "naming the file and line");
    ok(inv == NULL, "no inventory on failure");

    write_file(path, "# comment\n\nA='quoted'\nB=plain\nC=''\n"
               "D='a=b'\nE = 'spaced' \r\nA='again'\n");
    error = inventory_read(path, &inv, d);
    is_int(error, 0, "inventory_read");
    if (!error) {
        is_str(inventory_get(inv, "A"), "again", "the last value wins");
        is_str(inventory_get(inv, "B"), "plain", "unquoted value");
        is_str(inventory_get(inv, "C"), "", "empty quoted value");
        is_str(inventory_get(inv, "D"), "a=b", "split at the first '='");
        is_str(inventory_get(inv, "E"), "spaced", "white space stripped");
        ok(inventory_get(inv, "Z") == NULL, "a missing key is NULL");
        inventory_free(inv);
    }
    inventory_free(NULL);

    diag_clear(d);
    error = inventory_read("/nonexistent/xensource-inventory", &inv, d);
    is_int(error, -ENOENT, "a missing inventory is -ENOENT");
    ok(diag_contains(d, "/nonexistent/xensource-inventory: No such file"),
       "naming the file");
    g_free(path);
    diag_free(d);
}

static int
remove_one(const char *path, const struct stat *st, int flag,
           struct FTW *ftw)
{
    remove(path);
    return 0;
}

int
main(void)
{
    char *etc, *inventory, *src;

    top_builddir = getenv("top_builddir");
    top_srcdir = getenv("top_srcdir");
    if (!top_builddir) {
        top_builddir = ".";
    }
    if (!top_srcdir) {
        top_srcdir = top_builddir;
    }
    /* SIGPIPE keeps its default action: the library must never raise it
     * (it sends with MSG_NOSIGNAL, and TLS goes through memory BIOs). */

    tmpdir = g_dir_make_tmp("xapi-test-XXXXXX", NULL);
    if (!tmpdir) {
        skip_all("cannot make a temporary directory");
    }
    root = g_strdup_printf("%s/root", tmpdir);
    etc = g_strdup_printf("%s/etc", root);
    g_mkdir_with_parents(etc, 0755);
    inventory = g_strdup_printf("%s/xensource-inventory", etc);
    src = fixture("xensource-inventory");
    {
        char *text = NULL;

        if (!g_file_get_contents(src, &text, NULL, NULL)) {
            diag_msg("cannot read %s", src);
            return 99;
        }
        write_file(inventory, text);
        g_free(text);
    }
    log_path = g_strdup_printf("%s/log", tmpdir);
    log_set_destinations(0);
    if (log_set_file(log_path) < 0 || log_set_levels("xapi:dbg") < 0) {
        diag_msg("cannot log to %s", log_path);
        return 99;
    }

    test_login_logout();
    test_given_session();
    test_read_model("pool.xml", true, NULL);
    test_read_model("pool-no-tunnel.xml", false, NULL);
    {
        const char *const extra[] = {
            "--chunked", "--close-after-reply", NULL
        };

        test_read_model("pool.xml", true, extra);
    }
    test_read_model_errors();
    test_login_failure();
    test_methods();
    test_drop_and_stall();
    test_bad_replies();
    test_connect_errors();
    test_default_socket();
    test_inventory();

    nftw(tmpdir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
    g_free(tmpdir);
    g_free(root);
    g_free(etc);
    g_free(inventory);
    g_free(src);
    g_free(log_path);
    return done_testing();
}
