/* test-ifr-conf.c -- network.conf and interface-reconfigure.conf
 * (reconfigure/conf.c), read from a temporary root prefix. */
#include <config.h>

#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "conf.h"
#include "diag.h"
#include "tap.h"
#include "util.h"

static char *root;

static void
put(const char *rel, const char *contents)
{
    char *path = g_strconcat(root, rel, NULL);
    char *dir = g_path_get_dirname(path);

    g_mkdir_with_parents(dir, 0755);
    if (!g_file_set_contents(path, contents, -1, NULL)) {
        diag_msg("cannot write %s", path);
    }
    g_free(dir);
    g_free(path);
}

static void
backend_case(const char *contents, int want_error, int want_backend,
             const char *want_msg)
{
    struct diag *d = diag_new();
    enum ifr_backend backend = 99;
    char *shown = g_strescape(contents, NULL);
    int error;

    put(IFR_NETWORK_CONF, contents);
    error = ifr_read_backend(root, &backend, d);
    is_int(error, want_error, "network.conf \"%s\": returns %d", shown,
           want_error);
    is_int(backend, want_backend, "network.conf \"%s\": backend", shown);
    if (want_msg) {
        is_int(diag_count(d), 1, "network.conf \"%s\": one message", shown);
        is_str(diag_count(d) ? diag_get(d, 0) : NULL, want_msg,
               "network.conf \"%s\": message", shown);
    } else {
        is_int(diag_count(d), 0, "network.conf \"%s\": no message", shown);
    }
    g_free(shown);
    diag_free(d);
}

static void
test_backend(void)
{
    char *path = g_strconcat(root, IFR_NETWORK_CONF, NULL);
    char *want;
    struct diag *d = diag_new();
    enum ifr_backend backend = 99;
    int error;

    /* Missing file. */
    error = ifr_read_backend(root, &backend, d);
    is_int(error, -ENOENT, "missing network.conf: -ENOENT");
    is_int(backend, 99, "missing network.conf: backend untouched");
    want = g_strdup_printf("failed to determine network backend: %s: "
                           "No such file or directory", path);
    is_str(diag_count(d) ? diag_get(d, 0) : NULL, want,
           "missing network.conf: message");
    g_free(want);

    /* A directory where the file should be. */
    diag_clear(d);
    g_mkdir_with_parents(path, 0755);
    error = ifr_read_backend(root, &backend, d);
    is_int(error, -EISDIR, "network.conf a directory: -EISDIR");
    want = g_strdup_printf("failed to determine network backend: %s: "
                           "Is a directory", path);
    is_str(diag_count(d) ? diag_get(d, 0) : NULL, want,
           "network.conf a directory: message");
    g_free(want);
    g_rmdir(path);

    backend_case("bridge\n", 0, IFR_BACKEND_BRIDGE, NULL);
    backend_case("vswitch\n", 0, IFR_BACKEND_VSWITCH, NULL);
    backend_case("openvswitch", 0, IFR_BACKEND_VSWITCH, NULL);
    backend_case("  openvswitch \t\r\n", 0, IFR_BACKEND_VSWITCH, NULL);
    backend_case("bridge\nvswitch\n", 0, IFR_BACKEND_BRIDGE, NULL);
    backend_case("Bridge\n", -EINVAL, 99, "unknown network backend Bridge");
    backend_case("linux bridge\n", -EINVAL, 99,
                 "unknown network backend linux bridge");
    backend_case("\nbridge\n", -EINVAL, 99, "unknown network backend ");
    backend_case("", -EINVAL, 99, "unknown network backend ");

    diag_free(d);
    g_free(path);
}

static void
test_config_defaults(void)
{
    struct ifr_config c = { .vsctl = NULL };
    int error;

    error = ifr_read_config(root, &c, NULL);
    is_int(error, 0, "no config file: defaults");
    is_str(c.vsctl, BINDIR "/vsctl", "default vsctl is BINDIR/vsctl");
    is_str(c.ofctl, BINDIR "/vsofctl", "default ofctl is BINDIR/vsofctl");
    is_str(c.dhclient, "/sbin/dhclient", "default dhclient");
    is_str(c.ethtool, "/sbin/ethtool", "default ethtool");
    is_str(c.ifup, "/sbin/ifup", "default ifup");
    is_str(c.ifdown, "/sbin/ifdown", "default ifdown");
    is_int(c.ipconfig, IFR_IPCONFIG_NETLINK, "default ipconfig netlink");
    ifr_config_clear(&c);
    ok(!c.vsctl && !c.ifdown, "ifr_config_clear() NULLs the strings");
    ifr_config_clear(NULL);

    put(IFR_CONFIG_FILE, "# nothing but comments\n\n   # and blanks\n");
    error = ifr_read_config(root, &c, NULL);
    is_int(error, 0, "comments and blanks only");
    is_str(c.vsctl, BINDIR "/vsctl", "... defaults");
    ifr_config_clear(&c);
}

static void
test_config_keys(void)
{
    struct ifr_config c = { .vsctl = NULL };
    int error;

    put(IFR_CONFIG_FILE,
        "# interface-reconfigure.conf\n"
        "vsctl=/usr/local/bin/vsctl\n"
        "  ofctl = /opt/ovs/bin/ovs-ofctl  \n"
        "\n"
        "dhclient=/usr/sbin/dhclient\n"
        "\tethtool=/usr/sbin/ethtool\n"
        "ifup=/usr/sbin/ifup\n"
        "ifdown=/usr/sbin/ifdown\n"
        "ipconfig=ifup\n"
        "ifup=/sbin/ifup-local\n");
    error = ifr_read_config(root, &c, NULL);
    is_int(error, 0, "every key");
    is_str(c.vsctl, "/usr/local/bin/vsctl", "vsctl");
    is_str(c.ofctl, "/opt/ovs/bin/ovs-ofctl", "ofctl, white space stripped");
    is_str(c.dhclient, "/usr/sbin/dhclient", "dhclient");
    is_str(c.ethtool, "/usr/sbin/ethtool", "ethtool");
    is_str(c.ifup, "/sbin/ifup-local", "ifup, the later value wins");
    is_str(c.ifdown, "/usr/sbin/ifdown", "ifdown");
    is_int(c.ipconfig, IFR_IPCONFIG_IFUP, "ipconfig=ifup");
    ifr_config_clear(&c);

    put(IFR_CONFIG_FILE, "ipconfig=netlink\n");
    error = ifr_read_config(root, &c, NULL);
    is_int(error, 0, "ipconfig=netlink");
    is_int(c.ipconfig, IFR_IPCONFIG_NETLINK, "... netlink");
    ok(c.gro == NULL, "GRO left unchanged by default");
    ifr_config_clear(&c);

    put(IFR_CONFIG_FILE, "gro=off\n");
    is_int(ifr_read_config(root, &c, NULL), 0, "gro=off");
    is_str(c.gro, "off", "... off");
    ifr_config_clear(&c);
    put(IFR_CONFIG_FILE, "gro=on\n");
    is_int(ifr_read_config(root, &c, NULL), 0, "gro=on");
    is_str(c.gro, "on", "... on");
    ifr_config_clear(&c);
    put(IFR_CONFIG_FILE, "gro=off\ngro=unchanged\n");
    is_int(ifr_read_config(root, &c, NULL), 0, "gro=unchanged");
    ok(c.gro == NULL, "... unchanged, the later value winning");
    ifr_config_clear(&c);
}

static void
test_config_errors(void)
{
    char *path = g_strconcat(root, IFR_CONFIG_FILE, NULL);
    struct ifr_config c = { .vsctl = (char *) "sentinel" };
    struct diag *d = diag_new();
    static const char *const want[] = {
        ":2: vsctl: \"vsctl\" is not an absolute path",
        ":3: unknown key \"vsctl_path\"",
        ":4: expected KEY=VALUE, not \"just some words\"",
        ":6: ipconfig: \"dhcp\" is neither netlink nor ifup",
        ":7: dhclient: \"\" is not an absolute path",
        ":8: unknown key \"\"",
        ":9: gro: \"yes\" is not on, off or unchanged",
    };
    int error;

    put(IFR_CONFIG_FILE,
        "ofctl=/usr/bin/vsofctl\n"
        "vsctl=vsctl\n"
        "vsctl_path=/usr/bin/vsctl\n"
        "just some words\n"
        "# fine\n"
        "ipconfig=dhcp\n"
        "dhclient=\n"
        "=/sbin/x\n"
        "gro=yes\n");
    error = ifr_read_config(root, &c, d);
    is_int(error, -EINVAL, "bad lines: -EINVAL");
    is_str(c.vsctl, "sentinel", "bad lines: config untouched");
    is_int(diag_count(d), ARRAY_SIZE(want), "every bad line reported");
    for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
        char *msg = g_strconcat(path, want[i], NULL);

        is_str(i < diag_count(d) ? diag_get(d, i) : NULL, msg,
               "message %zu names file and line", i + 1);
        g_free(msg);
    }

    /* A config file that cannot be read (a directory). */
    diag_clear(d);
    g_unlink(path);
    g_mkdir(path, 0755);
    error = ifr_read_config(root, &c, d);
    ok(error < 0, "config file a directory: error %d", error);
    ok(diag_count(d) == 1 && g_str_has_prefix(diag_get(d, 0), path),
       "config file a directory: message names it");
    g_rmdir(path);

    diag_free(d);
    g_free(path);
}

int
main(void)
{
    root = g_dir_make_tmp("test-ifr-conf-XXXXXX", NULL);
    if (!root) {
        skip_all("no temporary directory");
    }
    test_backend();
    test_config_defaults();
    test_config_keys();
    test_config_errors();

    {
        char *p;

        p = g_strconcat(root, IFR_NETWORK_CONF, NULL);
        g_unlink(p);
        g_free(p);
        p = g_strconcat(root, IFR_CONFIG_FILE, NULL);
        g_unlink(p);
        g_free(p);
        p = g_strconcat(root, "/etc/xensource", NULL);
        g_rmdir(p);
        g_free(p);
        p = g_strconcat(root, "/etc", NULL);
        g_rmdir(p);
        g_free(p);
    }
    g_rmdir(root);
    g_free(root);
    return done_testing();
}
