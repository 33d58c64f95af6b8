/* conf.c -- see conf.h.
 *
 * network.conf is read the way the original read it (first line, stripped;
 * the rest is ignored).  interface-reconfigure.conf is a plain KEY=VALUE
 * file, parsed strictly: a typo in it should stop a run, not quietly run
 * the default program instead of the one the administrator named. */
#include <config.h>

#include "conf.h"

#include <errno.h>
#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "util.h"

#ifndef BINDIR
#define BINDIR "/usr/bin"
#endif

int
ifr_read_backend(const char *root_prefix, enum ifr_backend *backendp,
                 struct diag *diag)
{
    char *path = g_strconcat(root_prefix ? root_prefix : "",
                             IFR_NETWORK_CONF, NULL);
    const char *name = "";
    char *line = NULL;
    size_t size = 0;
    int error = 0;
    FILE *f;

    f = fopen(path, "re");
    if (!f) {
        error = -errno;
        diag_add(diag, "failed to determine network backend: %s: %s", path,
                 g_strerror(errno));
        goto out;
    }
    errno = 0;
    if (getline(&line, &size, f) >= 0) {
        name = g_strstrip(line);
    } else if (errno) {
        error = -errno;
        diag_add(diag, "failed to determine network backend: %s: %s", path,
                 g_strerror(errno));
        goto out;
    }

    if (!strcmp(name, "bridge")) {
        *backendp = IFR_BACKEND_BRIDGE;
    } else if (!strcmp(name, "vswitch") || !strcmp(name, "openvswitch")) {
        *backendp = IFR_BACKEND_VSWITCH;
    } else {
        error = -EINVAL;
        diag_add(diag, "unknown network backend %s", name);
    }

out:
    if (f) {
        fclose(f);
    }
    free(line);
    g_free(path);
    return error;
}

/* The keys whose values are program paths, and where each one goes. */
struct path_key {
    const char *name;
    size_t offset;              /* Of a 'char *' in struct ifr_config. */
    const char *dflt;
};

static const struct path_key path_keys[] = {
    { "vsctl", offsetof(struct ifr_config, vsctl), BINDIR "/vsctl" },
    { "ofctl", offsetof(struct ifr_config, ofctl), BINDIR "/vsofctl" },
    { "dhclient", offsetof(struct ifr_config, dhclient), "/sbin/dhclient" },
    { "ethtool", offsetof(struct ifr_config, ethtool), "/sbin/ethtool" },
    { "ifup", offsetof(struct ifr_config, ifup), "/sbin/ifup" },
    { "ifdown", offsetof(struct ifr_config, ifdown), "/sbin/ifdown" },
};

static char **
path_field(struct ifr_config *c, const struct path_key *k)
{
    return (char **) ((char *) c + k->offset);
}

/* Parses one line (already stripped, not blank, not a comment) into 'c'.
 * Returns true if it was valid, else adds a message to 'diag'. */
static bool
parse_line(char *line, struct ifr_config *c, const char *path,
           unsigned int lineno, struct diag *diag)
{
    char *eq = strchr(line, '=');
    const char *key, *value;

    if (!eq) {
        diag_add(diag, "%s:%u: expected KEY=VALUE, not \"%s\"", path,
                 lineno, line);
        return false;
    }
    *eq = '\0';
    key = g_strstrip(line);
    value = g_strstrip(eq + 1);

    if (!strcmp(key, "ipconfig")) {
        if (!strcmp(value, "netlink")) {
            c->ipconfig = IFR_IPCONFIG_NETLINK;
        } else if (!strcmp(value, "ifup")) {
            c->ipconfig = IFR_IPCONFIG_IFUP;
        } else {
            diag_add(diag, "%s:%u: ipconfig: \"%s\" is neither netlink nor "
                     "ifup", path, lineno, value);
            return false;
        }
        return true;
    }
    if (!strcmp(key, "gro")) {
        if (!strcmp(value, "on") || !strcmp(value, "off")) {
            c->gro = value[1] == 'n' ? "on" : "off";
        } else if (!strcmp(value, "unchanged")) {
            c->gro = NULL;
        } else {
            diag_add(diag, "%s:%u: gro: \"%s\" is not on, off or unchanged",
                     path, lineno, value);
            return false;
        }
        return true;
    }
    for (size_t i = 0; i < ARRAY_SIZE(path_keys); i++) {
        if (!strcmp(key, path_keys[i].name)) {
            char **field = path_field(c, &path_keys[i]);

            if (value[0] != '/') {
                diag_add(diag, "%s:%u: %s: \"%s\" is not an absolute path",
                         path, lineno, key, value);
                return false;
            }
            g_free(*field);
            *field = g_strdup(value);
            return true;
        }
    }
    diag_add(diag, "%s:%u: unknown key \"%s\"", path, lineno, key);
    return false;
}

int
ifr_read_config(const char *root_prefix, struct ifr_config *config,
                struct diag *diag)
{
    char *path = g_strconcat(root_prefix ? root_prefix : "",
                             IFR_CONFIG_FILE, NULL);
    struct ifr_config c = { .ipconfig = IFR_IPCONFIG_NETLINK };
    unsigned int lineno = 0;
    char *line = NULL;
    size_t size = 0;
    int error = 0;
    FILE *f;

    for (size_t i = 0; i < ARRAY_SIZE(path_keys); i++) {
        *path_field(&c, &path_keys[i]) = g_strdup(path_keys[i].dflt);
    }

    f = fopen(path, "re");
    if (!f) {
        if (errno != ENOENT) {
            error = -errno;
            diag_add(diag, "%s: %s", path, g_strerror(errno));
        }
        goto out;
    }
    for (;;) {
        char *s;

        errno = 0;
        if (getline(&line, &size, f) < 0) {
            if (errno) {
                error = -errno;
                diag_add(diag, "%s: %s", path, g_strerror(errno));
            }
            break;
        }
        lineno++;
        s = g_strstrip(line);
        if (!*s || *s == '#') {
            continue;
        }
        if (!parse_line(s, &c, path, lineno, diag) && !error) {
            error = -EINVAL;
        }
    }

out:
    if (f) {
        fclose(f);
    }
    free(line);
    if (!error) {
        *config = c;
    } else {
        ifr_config_clear(&c);
    }
    g_free(path);
    return error;
}

void
ifr_config_clear(struct ifr_config *config)
{
    if (!config) {
        return;
    }
    for (size_t i = 0; i < ARRAY_SIZE(path_keys); i++) {
        char **field = path_field(config, &path_keys[i]);

        g_free(*field);
        *field = NULL;
    }
}
