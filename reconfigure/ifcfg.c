/* ifcfg.c -- contents of the initscripts files (see ifcfg.h).
 *
 * This is the file-writing half of the original program: the ipdev's
 * ifcfg file and its routes (both backends), /etc/sysconfig/network, and
 * the Linux-bridge backend's datapath files, plus the interpretation of
 * the ethtool-* and mtu other_config keys that the Open vSwitch backend
 * shares.  The model comes from dbcache/ (model.h, query.h); the files are
 * struct cfgfiles (cfgfile.c), which the program's plan applies, commits or
 * reverts.
 *
 * Generation of one file goes through a 'struct out', which checks each
 * value before writing it and keeps the first error, so that the code
 * that lays out a file reads as a list of lines and checks once at the
 * end. */
#include <config.h>

#include "ifcfg.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "cfgfile.h"
#include "diag.h"
#include "log.h"
#include "model.h"
#include "query.h"

LOG_DEFINE_THIS_MODULE(ifcfg);

#define SCRIPTS_DIR "/etc/sysconfig/network-scripts"
#define NETWORK_FILE "/etc/sysconfig/network"

/* Deepest chain of VLAN parents followed (XAPI allows one level). */
#define MAX_VLAN_DEPTH 4

/* ---- Values and names ---- */

static const char *
map_get(const struct dbc_map *oc, const char *key)
{
    return oc ? dbc_map_get(oc, key) : NULL;
}

/* Parses 's', a non-empty string of decimal digits, into '*np' if its value
 * is between 'min' and 'max'. */
static bool
parse_uint(const char *s, unsigned long min, unsigned long max,
           unsigned long *np)
{
    unsigned long n = 0;

    if (!*s) {
        return false;
    }
    for (; *s; s++) {
        if (*s < '0' || *s > '9') {
            return false;
        }
        n = n * 10 + (*s - '0');
        if (n > max) {
            return false;
        }
    }
    if (n < min) {
        return false;
    }
    *np = n;
    return true;
}

/* True if 'name' can be a Linux network interface name (at most 15
 * characters, not "." or "..") made only of characters that are inert both
 * in a path component and in a shell word. */
static bool
is_valid_ifname(const char *name)
{
    size_t len = strlen(name);

    if (len == 0 || len > 15 || !strcmp(name, ".") || !strcmp(name, "..")) {
        return false;
    }
    for (const char *p = name; *p; p++) {
        if (!g_ascii_isalnum(*p) && !strchr("._-@+", *p)) {
            return false;
        }
    }
    return true;
}

static int
check_ifname(const char *name, struct diag *diag)
{
    if (!is_valid_ifname(name)) {
        char *esc = g_strescape(name, NULL);

        diag_add(diag, "Refusing to write configuration for \"%s\": not a "
                 "valid interface name", esc);
        g_free(esc);
        return -EINVAL;
    }
    return 0;
}

/* True if 'value' can be written unquoted as a shell assignment's value,
 * or as one word inside double quotes: only characters with no meaning to
 * the shell.  The empty string is fine. */
static bool
is_shell_word(const char *value)
{
    for (const char *p = value; *p; p++) {
        if (!g_ascii_isalnum(*p) && !strchr("._:/@+%,=-", *p)) {
            return false;
        }
    }
    return true;
}

/* True if 'value' can be written between single quotes. */
static bool
is_single_quotable(const char *value)
{
    for (const char *p = value; *p; p++) {
        if (*p == '\'' || g_ascii_iscntrl(*p)) {
            return false;
        }
    }
    return true;
}

/* ---- Writing one file ---- */

/* A file being generated. */
struct out {
    struct cfgfile *f;
    struct diag *diag;
    int error;                  /* The first error, or 0. */
};

static void
out_init(struct out *o, struct cfgfile *f, struct diag *diag)
{
    o->f = f;
    o->diag = diag;
    o->error = 0;
}

static void PRINTF_FORMAT(2, 3)
out_line(struct out *o, const char *fmt, ...)
{
    va_list args;
    char *s;

    va_start(args, fmt);
    s = g_strdup_vprintf(fmt, args);
    va_end(args);
    cfgfile_printf(o->f, "%s", s);
    g_free(s);
}

static void
out_unsafe(struct out *o, const char *key, const char *value)
{
    char *esc = g_strescape(value, NULL);

    diag_add(o->diag, "Refusing to write %s=\"%s\" to %s: the value has "
             "characters a shell would interpret", key, esc,
             cfgfile_path(o->f));
    g_free(esc);
    if (!o->error) {
        o->error = -EINVAL;
    }
}

/* Writes "KEY=value", the value unquoted. */
static void
out_var(struct out *o, const char *key, const char *value)
{
    if (!is_shell_word(value)) {
        out_unsafe(o, key, value);
    } else {
        cfgfile_printf(o->f, "%s=%s\n", key, value);
    }
}

/* Writes "KEY='value'". */
static void
out_var_squoted(struct out *o, const char *key, const char *value)
{
    if (!is_single_quotable(value)) {
        out_unsafe(o, key, value);
    } else {
        cfgfile_printf(o->f, "%s='%s'\n", key, value);
    }
}

/* Writes "KEY="w1 w2 ..."" if 'words' is not empty. */
static void
out_words(struct out *o, const char *key, const GPtrArray *words)
{
    if (words->len) {
        cfgfile_printf(o->f, "%s=\"", key);
        for (guint i = 0; i < words->len; i++) {
            cfgfile_printf(o->f, "%s%s", i ? " " : "",
                           (const char *) g_ptr_array_index(words, i));
        }
        cfgfile_printf(o->f, "\"\n");
    }
}

static void
log_warnings(const struct diag *warnings)
{
    for (size_t i = 0; i < diag_count(warnings); i++) {
        LOG_WARN("%s", diag_get(warnings, i));
    }
}

/* "# DO NOT EDIT..." and the lines every ifcfg file starts with. */
static void
out_ifcfg_header(struct out *o, const struct ifcfg_ctx *ctx,
                 const char *dev)
{
    out_line(o, "# DO NOT EDIT: This file (ifcfg-%s) was autogenerated by "
             "%s\n", dev, ctx->prog);
    out_line(o, "XEMANAGED=yes\n");
    out_var(o, "DEVICE", dev);
    out_line(o, "ONBOOT=no\n");
}

/* The NIC defaults of 'ctx'. */
static const struct ifr_nic_defaults *
ctx_nic(const struct ifcfg_ctx *ctx)
{
    return ctx->nic ? ctx->nic : &ifr_default_nic_defaults;
}

/* ETHTOOL_OPTS and ETHTOOL_OFFLOAD_OPTS from 'oc', falling back to
 * 'fallback' (may be NULL), with NIC defaults 'nic' (NULL: none). */
static void
out_ethtool(struct out *o, const struct dbc_map *oc,
            const struct dbc_map *fallback,
            const struct ifr_nic_defaults *nic)
{
    GPtrArray *settings = g_ptr_array_new_with_free_func(g_free);
    GPtrArray *offload = g_ptr_array_new_with_free_func(g_free);
    struct diag *warnings = diag_new();

    ifr_ethtool_settings(oc, fallback, nic, settings, offload, warnings);
    log_warnings(warnings);
    out_words(o, "ETHTOOL_OPTS", settings);
    out_words(o, "ETHTOOL_OFFLOAD_OPTS", offload);
    diag_free(warnings);
    g_ptr_array_free(offload, TRUE);
    g_ptr_array_free(settings, TRUE);
}

/* MTU=, unless the MTU resolves to an invalid value. */
static void
out_mtu(struct out *o, const struct ifcfg_ctx *ctx,
        const struct dbc_network *nw, const char *type,
        const struct dbc_map *oc)
{
    struct diag *warnings = diag_new();
    int mtu = 0;

    ifr_mtu_setting(ctx->db, nw, type, oc, &mtu, warnings);
    log_warnings(warnings);
    if (mtu) {
        out_line(o, "MTU=%d\n", mtu);
    }
    diag_free(warnings);
}

/* Hands the file over to '*filep' if generating it succeeded. */
static int
out_finish(struct out *o, struct cfgfile **filep)
{
    if (o->error) {
        cfgfile_free(o->f);
        return o->error;
    }
    *filep = o->f;
    return 0;
}

char *
ifcfg_script_path(const char *root_prefix, const char *kind,
                  const char *dev)
{
    return g_strdup_printf("%s" SCRIPTS_DIR "/%s-%s",
                           root_prefix ? root_prefix : "", kind, dev);
}

/* ---- other_config: ethtool and MTU ---- */

/* Each parser returns the word to give ethtool, or NULL if 'v' is
 * invalid.  The result is 'v' itself or a static string. */
typedef const char *ethtool_parse_func(const char *v);

static const char *
parse_speed(const char *v)
{
    unsigned long n;

    return parse_uint(v, 1, INT_MAX, &n) && v[0] != '0' ? v : NULL;
}

static const char *
parse_duplex(const char *v)
{
    return !strcmp(v, "half") || !strcmp(v, "full") ? v : NULL;
}

static const char *
parse_on_off(const char *v)
{
    return (!strcmp(v, "true") || !strcmp(v, "on") ? "on"
            : !strcmp(v, "false") || !strcmp(v, "off") ? "off"
            : NULL);
}

struct ethtool_key {
    const char *name;           /* Option; the key is "ethtool-<name>". */
    ethtool_parse_func *parse;
    const char *must_be;        /* For the warning. */
};

/* "ethtool -s" settings, in order. */
static const struct ethtool_key ethtool_settings[] = {
    { "speed", parse_speed, "a positive integer (Mb/s)" },
    { "duplex", parse_duplex, "half|full" },
    { "autoneg", parse_on_off, "on|true|off|false" },
};

/* "ethtool -K" offloads, in order. */
static const struct ethtool_key ethtool_offloads[] = {
    { "rx", parse_on_off, "on|true|off|false" },
    { "tx", parse_on_off, "on|true|off|false" },
    { "sg", parse_on_off, "on|true|off|false" },
    { "tso", parse_on_off, "on|true|off|false" },
    { "ufo", parse_on_off, "on|true|off|false" },
    { "gso", parse_on_off, "on|true|off|false" },
    { "gro", parse_on_off, "on|true|off|false" },
    { "lro", parse_on_off, "on|true|off|false" },
};

const struct ifr_nic_defaults ifr_default_nic_defaults = { NULL, "off" };

/* The default of offload 'name' on a NIC with defaults 'nic'. */
static const char *
nic_default(const struct ifr_nic_defaults *nic, const char *name)
{
    return (!nic ? NULL
            : !strcmp(name, "gro") ? nic->gro
            : !strcmp(name, "lro") ? nic->lro
            : NULL);
}

static void
ethtool_keys(const struct dbc_map *oc, const struct dbc_map *fallback,
             const struct ethtool_key *keys, size_t n,
             const struct ifr_nic_defaults *nic, GPtrArray *words,
             struct diag *warnings)
{
    for (size_t i = 0; i < n; i++) {
        const struct ethtool_key *k = &keys[i];
        char *key = g_strconcat("ethtool-", k->name, NULL);
        const char *value = map_get(oc, key);
        const char *word = NULL;

        if (!value && fallback) {
            value = map_get(fallback, key);
        }
        if (value) {
            word = k->parse(value);
            if (!word) {
                diag_add(warnings, "Invalid value for %s = %s. Must be %s.",
                         key, value, k->must_be);
            }
        } else {
            word = nic_default(nic, k->name);
        }
        if (word) {
            g_ptr_array_add(words, g_strdup(k->name));
            g_ptr_array_add(words, g_strdup(word));
        }
        g_free(key);
    }
}

void
ifr_ethtool_settings(const struct dbc_map *oc, const struct dbc_map *fallback,
                     const struct ifr_nic_defaults *nic,
                     GPtrArray *settings, GPtrArray *offload,
                     struct diag *warnings)
{
    ethtool_keys(oc, fallback, ethtool_settings, ARRAY_SIZE(ethtool_settings),
                 nic, settings, warnings);
    ethtool_keys(oc, fallback, ethtool_offloads, ARRAY_SIZE(ethtool_offloads),
                 nic, offload, warnings);
}

int
ifr_mtu_setting(const struct dbcache *db, const struct dbc_network *nw,
                const char *type, const struct dbc_map *oc, int *mtup,
                struct diag *warnings)
{
    const char *mtu = nw && !str_empty(nw->mtu) ? nw->mtu : "1500";
    const char *override = map_get(oc, "mtu");
    unsigned long n;

    if (override) {
        LOG_INFO("Override Network.MTU setting on bridge %s from %s.MTU is "
                 "%s", nw ? nw->bridge : "", type, override);
        mtu = override;
    }
    if (parse_uint(mtu, 68, 65535, &n)) {
        *mtup = n;
    } else {
        diag_add(warnings, "Invalid value for mtu = %s", mtu);
        *mtup = 0;
    }
    return 0;
}

/* ---- route-<ipdev> ---- */

static bool
parse_ipv4(const char *s, uint32_t *addrp)
{
    struct in_addr in;

    if (inet_pton(AF_INET, s, &in) != 1) {
        return false;
    }
    *addrp = ntohl(in.s_addr);
    return true;
}

/* Checks one "<net>/<len>/<gw>" entry; on success stores its parts in
 * 'parts' (a NULL-terminated vector of 3, freed by the caller) and
 * '*lenp'.  On failure returns a message (freed by the caller). */
static char *
parse_route(const char *entry, char ***partsp, unsigned long *lenp)
{
    char **parts = g_strsplit(entry, "/", -1);
    uint32_t net, gw;
    unsigned long len = 0;
    char *msg = NULL;

    if (g_strv_length(parts) != 3) {
        msg = g_strdup_printf("entry '%s' is not "
                              "<network>/<prefix length>/<gateway>", entry);
    } else if (!parse_ipv4(parts[0], &net)) {
        msg = g_strdup_printf("entry '%s': network '%s' is not an IPv4 "
                              "address", entry, parts[0]);
    } else if (!parse_uint(parts[1], 0, 32, &len)) {
        msg = g_strdup_printf("entry '%s': prefix length '%s' is not a "
                              "number from 0 to 32", entry, parts[1]);
    } else if (len < 32 && (net & (UINT32_MAX >> len))) {
        msg = g_strdup_printf("entry '%s': network '%s' has bits set "
                              "beyond the prefix length", entry, parts[0]);
    } else if (!parse_ipv4(parts[2], &gw)) {
        msg = g_strdup_printf("entry '%s': gateway '%s' is not an IPv4 "
                              "address", entry, parts[2]);
    }
    if (msg) {
        g_strfreev(parts);
    } else {
        *partsp = parts;
        *lenp = len;
    }
    return msg;
}

/* The network of 'pif', or NULL with a message. */
static const struct dbc_network *
pif_network(const struct ifcfg_ctx *ctx, const struct dbc_pif *pif,
            struct diag *diag)
{
    const struct dbc_network *nw = dbc_pif_network(ctx->db, pif);

    if (!nw) {
        diag_add(diag, "PIF %s has no network record", pif->uuid);
    }
    return nw;
}

int
ifcfg_routes(const struct ifcfg_ctx *ctx, const struct dbc_pif *pif,
             struct cfgfile **filep, struct diag *diag)
{
    const struct dbc_network *nw = pif_network(ctx, pif, diag);
    char *ipdev = dbc_pif_ipdev_name(ctx->db, pif);
    char **entries = NULL;
    const char *routes;
    char *path = NULL;
    struct out o;
    int error;

    error = !nw ? -ENOENT : check_ifname(ipdev, diag);
    if (error) {
        goto out;
    }
    path = ifcfg_script_path(ctx->root_prefix, "route", ipdev);
    out_init(&o, cfgfile_new(path), diag);
    out_line(&o, "# DO NOT EDIT: This file (route-%s) was autogenerated by "
             "%s\n", ipdev, ctx->prog);

    routes = map_get(&nw->other_config, "static-routes");
    entries = g_strsplit(str_empty(routes) ? "" : routes, ",", -1);
    for (char **e = entries; *e && !o.error; e++) {
        unsigned long len = 0;
        char **parts = NULL;
        char *msg = parse_route(*e, &parts, &len);

        if (msg) {
            char *esc = g_strescape(msg, NULL);

            diag_add(diag, "Error in other-config['static-routes'] format "
                     "for network %s: %s", *nw->bridge ? nw->bridge : ipdev,
                     esc);
            g_free(esc);
            g_free(msg);
            o.error = -EINVAL;
        } else {
            out_line(&o, "%s/%lu via %s dev %s\n", parts[0], len, parts[2],
                     ipdev);
            g_strfreev(parts);
        }
    }
    error = out_finish(&o, filep);

out:
    g_strfreev(entries);
    g_free(path);
    g_free(ipdev);
    return error;
}

/* ---- /etc/sysconfig/network ---- */

static bool
pifs_contain(const struct dbc_pifs *pifs, const struct dbc_pif *pif)
{
    for (size_t i = 0; i < pifs->n; i++) {
        if (pifs->pifs[i] == pif) {
            return true;
        }
    }
    return false;
}

/* The first candidate whose other_config has 'key' = "true"; if 'warn',
 * logs each later one as ignored. */
static const struct dbc_pif *
choose_pif(const struct dbcache *db, const struct dbc_pif *pif,
           const char *key, bool warn)
{
    struct dbc_pifs masters = dbc_pif_bond_masters(db, pif);
    const struct dbc_pif *chosen = NULL;

    for (size_t i = 0; i < dbcache_count(db, DBC_PIF); i++) {
        const struct dbc_pif *p = DBC_PIF_AT(db, i);
        const char *v = map_get(&p->other_config, key);

        if (pifs_contain(&masters, p) || !dbc_ref_is_null(p->bond_slave_of)
            || !v || strcmp(v, "true")) {
            continue;
        }
        if (!chosen) {
            chosen = p;
        } else if (warn) {
            LOG_WARN("Warning: multiple pifs with \"%s=true\" - choosing %s "
                     "and ignoring %s", key, chosen->device, p->device);
        }
    }
    dbc_pifs_free(&masters);
    return chosen;
}

static void
select_devices(const struct dbcache *db, const struct dbc_pif *pif,
               const struct dbc_pif *management, bool warn,
               const struct dbc_pif **dnsp, const struct dbc_pif **gatewayp)
{
    const struct dbc_pif *peerdns = choose_pif(db, pif, "peerdns", warn);
    const struct dbc_pif *defaultroute = choose_pif(db, pif, "defaultroute",
                                                    warn);

    *dnsp = peerdns ? peerdns : management;
    *gatewayp = defaultroute ? defaultroute : management;
}

void
ifcfg_select_devices(const struct dbcache *db, const struct dbc_pif *pif,
                     const struct dbc_pif *management,
                     const struct dbc_pif **dnsp,
                     const struct dbc_pif **gatewayp)
{
    select_devices(db, pif, management, false, dnsp, gatewayp);
}

/* Finds out whether 'pif' is the DNS device and the gateway device. */
static void
network_file_roles(const struct ifcfg_ctx *ctx, const struct dbc_pif *pif,
                   const struct dbc_pif *management, bool *dnsdevp,
                   bool *gatewaydevp)
{
    const struct dbc_pif *dns, *gateway;

    select_devices(ctx->db, pif, management, true, &dns, &gateway);
    *dnsdevp = dns == pif;
    *gatewaydevp = gateway == pif;
}

/* If '*replacep' and 'line' (of 'len' bytes, with its newline if it has
 * one) starts, after blanks, with 'key' ("DNSDEV="), writes
 * "<key><ipdev>" in its place, clears '*replacep' and returns true.
 * Otherwise writes nothing and returns false. */
static bool
replace_line(struct out *o, const char *line, size_t len, const char *key,
             const char *ipdev, bool *replacep)
{
    const char *p = line;

    while (p < line + len && g_ascii_isspace(*p)) {
        p++;
    }
    if (*replacep && g_str_has_prefix(p, key)
        && (size_t) (p - line) + strlen(key) <= len) {
        out_line(o, "%s%s\n", key, ipdev);
        *replacep = false;
        return true;
    }
    return false;
}

static int
build_network_file(const struct ifcfg_ctx *ctx, const char *ipdev,
                   bool dnsdev, bool gatewaydev, const char *old_contents,
                   struct cfgfile **filep, struct diag *diag)
{
    char *path = g_strconcat(ctx->root_prefix ? ctx->root_prefix : "",
                             NETWORK_FILE, NULL);
    const char *p = old_contents ? old_contents : "";
    bool ends_in_newline = true;
    struct out o;

    out_init(&o, cfgfile_new(path), diag);
    g_free(path);
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t) (nl - p + 1) : strlen(p);

        if (!replace_line(&o, p, len, "DNSDEV=", ipdev, &dnsdev)
            && !replace_line(&o, p, len, "GATEWAYDEV=", ipdev,
                             &gatewaydev)) {
            cfgfile_printf(o.f, "%.*s", (int) len, p);
            ends_in_newline = nl != NULL;
        } else {
            ends_in_newline = true;
        }
        p += len;
    }
    if ((dnsdev || gatewaydev) && !ends_in_newline) {
        out_line(&o, "\n");
    }
    if (dnsdev) {
        out_line(&o, "DNSDEV=%s\n", ipdev);
    }
    if (gatewaydev) {
        out_line(&o, "GATEWAYDEV=%s\n", ipdev);
    }
    return out_finish(&o, filep);
}

int
ifcfg_network_file(const struct ifcfg_ctx *ctx, const struct dbc_pif *pif,
                   const struct dbc_pif *management,
                   const char *old_contents, struct cfgfile **filep,
                   struct diag *diag)
{
    char *ipdev = dbc_pif_ipdev_name(ctx->db, pif);
    bool dnsdev, gatewaydev;
    int error;

    network_file_roles(ctx, pif, management, &dnsdev, &gatewaydev);
    if (!dnsdev && !gatewaydev) {
        error = 0;
    } else {
        error = check_ifname(ipdev, diag);
        if (!error) {
            error = build_network_file(ctx, ipdev, dnsdev, gatewaydev,
                                       old_contents, filep, diag);
        }
        error = error ? error : 1;
    }
    g_free(ipdev);
    return error;
}

/* Reads the current /etc/sysconfig/network into '*contentsp' (NULL if
 * there is none). */
static int
read_network_file(const struct ifcfg_ctx *ctx, char **contentsp,
                  struct diag *diag)
{
    char *path = g_strconcat(ctx->root_prefix ? ctx->root_prefix : "",
                             NETWORK_FILE, NULL);
    GError *gerror = NULL;
    char *contents = NULL;
    int error = 0;

    if (!g_file_get_contents(path, &contents, NULL, &gerror)) {
        if (gerror->code == G_FILE_ERROR_NOENT) {
            contents = NULL;
        } else {
            diag_add(diag, "%s", gerror->message);
            error = gerror->code == G_FILE_ERROR_ACCES ? -EACCES : -EIO;
        }
        g_error_free(gerror);
    }
    if (!error) {
        *contentsp = contents;
    }
    g_free(path);
    return error;
}

/* Attaches /etc/sysconfig/network to 'f' if 'pif' is the DNS or gateway
 * device. */
static int
attach_network_file(const struct ifcfg_ctx *ctx, const struct dbc_pif *pif,
                    const char *ipdev, const struct dbc_pif *management,
                    struct cfgfile *f, struct diag *diag)
{
    struct cfgfile *child = NULL;
    char *old_contents = NULL;
    bool dnsdev, gatewaydev;
    int error;

    network_file_roles(ctx, pif, management, &dnsdev, &gatewaydev);
    if (!dnsdev && !gatewaydev) {
        return 0;
    }
    error = read_network_file(ctx, &old_contents, diag);
    if (!error) {
        error = build_network_file(ctx, ipdev, dnsdev, gatewaydev,
                                   old_contents, &child, diag);
    }
    if (!error) {
        cfgfile_attach_child(f, child);
    }
    g_free(old_contents);
    return error;
}

/* ---- ifcfg-<ipdev> ---- */

/* The "mode block", per ip_configuration_mode. */
static void
out_mode_dhcp(struct out *o, const struct dbc_pif *pif)
{
    out_line(o, "BOOTPROTO=dhcp\n");
    out_line(o, "PERSISTENT_DHCLIENT=yes\n");
}

static void
out_mode_static(struct out *o, const struct dbc_pif *pif)
{
    out_line(o, "BOOTPROTO=none\n");
    out_var(o, "NETMASK", pif->netmask);
    out_var(o, "IPADDR", pif->ip);
    out_var(o, "GATEWAY", pif->gateway);
}

static void
out_mode_none(struct out *o, const struct dbc_pif *pif)
{
    out_line(o, "BOOTPROTO=none\n");
}

static const struct {
    const char *name;
    void (*out)(struct out *, const struct dbc_pif *);
} ip_modes[] = {
    { "DHCP", out_mode_dhcp },
    { "Static", out_mode_static },
    { "None", out_mode_none },
};

/* The backend's "TYPE block". */
static void
out_type(struct out *o, const struct ifcfg_ctx *ctx,
         const struct dbc_pif *pif, enum ifcfg_backend backend)
{
    if (backend == IFCFG_BRIDGE && dbc_pif_is_bridged(ctx->db, pif)) {
        char *netdev = dbc_pif_netdev_name(pif);

        out_line(o, "TYPE=Bridge\n");
        out_line(o, "DELAY=0\n");
        out_line(o, "STP=off\n");
        if (!is_valid_ifname(netdev)) {
            out_unsafe(o, "PIFDEV", netdev);
        } else {
            out_var(o, "PIFDEV", netdev);
        }
        g_free(netdev);
    } else {
        out_line(o, "TYPE=Ethernet\n");
    }
}

/* DNS1=, DNS2=, ... and DOMAIN=. */
static void
out_dns(struct out *o, const struct dbc_pif *pif)
{
    const char *domain = map_get(&pif->other_config, "domain");

    if (!str_empty(pif->dns)) {
        char **servers = g_strsplit(pif->dns, ",", -1);

        for (size_t i = 0; servers[i]; i++) {
            char *key = g_strdup_printf("DNS%zu", i + 1);

            out_var(o, key, servers[i]);
            g_free(key);
        }
        g_strfreev(servers);
    }
    if (domain) {
        char *spaced = g_strdelimit(g_strdup(domain), ",", ' ');

        out_var_squoted(o, "DOMAIN", spaced);
        g_free(spaced);
    }
}

int
ifcfg_ipdev(const struct ifcfg_ctx *ctx, const struct dbc_pif *pif,
            enum ifcfg_backend backend, const struct dbc_pif *management,
            struct cfgfile **filep, struct diag *diag)
{
    const struct dbc_network *nw = pif_network(ctx, pif, diag);
    char *ipdev = dbc_pif_ipdev_name(ctx->db, pif);
    struct cfgfile *routes = NULL;
    char *path = NULL;
    size_t mode;
    struct out o;
    int error;

    if (!nw) {
        error = -ENOENT;
        goto out;
    }
    LOG_INFO("Writing network configuration for %s", ipdev);
    LOG_INFO("Configuring %s using %s configuration", ipdev,
             pif->ip_configuration_mode);
    for (mode = 0; mode < ARRAY_SIZE(ip_modes); mode++) {
        if (!strcmp(pif->ip_configuration_mode, ip_modes[mode].name)) {
            break;
        }
    }
    if (mode >= ARRAY_SIZE(ip_modes)) {
        diag_add(diag, "Unknown ip-configuration-mode %s",
                 pif->ip_configuration_mode);
        error = -EINVAL;
        goto out;
    }
    error = check_ifname(ipdev, diag);
    if (error) {
        goto out;
    }

    path = ifcfg_script_path(ctx->root_prefix, "ifcfg", ipdev);
    out_init(&o, cfgfile_new(path), diag);
    out_ifcfg_header(&o, ctx, ipdev);
    out_line(&o, "NOZEROCONF=yes\n");
    out_type(&o, ctx, pif, backend);
    ip_modes[mode].out(&o, pif);
    out_ethtool(&o, &nw->other_config, NULL, NULL);
    out_mtu(&o, ctx, nw, "Network", &nw->other_config);
    out_dns(&o, pif);

    if (!o.error) {
        o.error = ifcfg_routes(ctx, pif, &routes, diag);
        if (!o.error) {
            cfgfile_attach_child(o.f, routes);
        }
    }
    if (!o.error) {
        o.error = attach_network_file(ctx, pif, ipdev, management, o.f,
                                      diag);
    }
    error = out_finish(&o, filep);

out:
    g_free(path);
    g_free(ipdev);
    return error;
}

/* ---- Linux-bridge datapath files ---- */

/* Starts ifcfg-<netdev> of 'pif': logs, checks the name, and writes the
 * header. */
static int
open_pif_ifcfg(const struct ifcfg_ctx *ctx, const struct dbc_pif *pif,
               struct out *o, struct diag *diag)
{
    char *netdev = dbc_pif_netdev_name(pif);
    char *path;
    int error;

    LOG_INFO("Configuring %s (%s)", netdev, pif->mac);
    error = check_ifname(netdev, diag);
    if (!error) {
        path = ifcfg_script_path(ctx->root_prefix, "ifcfg", netdev);
        out_init(o, cfgfile_new(path), diag);
        out_ifcfg_header(o, ctx, netdev);
        g_free(path);
    }
    g_free(netdev);
    return error;
}

static int
configure_physical(const struct ifcfg_ctx *ctx, const struct dbc_pif *pif,
                   struct cfgfile **filep, struct diag *diag)
{
    const struct dbc_network *nw;
    struct out o;
    int error;

    LOG_INFO("Configuring physical interface %s", pif->device);
    error = open_pif_ifcfg(ctx, pif, &o, diag);
    if (error) {
        return error;
    }
    out_line(&o, "TYPE=Ethernet\n");
    out_var(&o, "HWADDR", pif->mac);
    nw = dbc_pif_network(ctx->db, pif);
    out_ethtool(&o, &pif->other_config, nw ? &nw->other_config : NULL,
                ctx_nic(ctx));
    out_mtu(&o, ctx, dbc_pif_network(ctx->db, pif), "PIF",
            &pif->other_config);
    return out_finish(&o, filep);
}

/* The bond's options in the kernel's order, with their defaults. */
static const struct {
    const char *name;           /* Option; the key is "bond-<name>". */
    const char *value;
} bond_defaults[] = {
    { "mode", "balance-slb" },
    { "miimon", "100" },
    { "downdelay", "200" },
    { "updelay", "31000" },
    { "use_carrier", "1" },
    { "hashing-algorithm", "src_mac" },
};

static void
out_bonding_opts(struct out *o, const struct dbc_pif *pif)
{
    GString *opts = g_string_new(NULL);

    for (size_t i = 0; i < ARRAY_SIZE(bond_defaults); i++) {
        char *key = g_strconcat("bond-", bond_defaults[i].name, NULL);
        const char *value = map_get(&pif->other_config, key);

        if (!value) {
            value = bond_defaults[i].value;
        } else if (!is_shell_word(value)) {
            out_unsafe(o, key, value);
        }
        g_string_append_printf(opts, "%s=%s ", bond_defaults[i].name, value);
        g_free(key);
    }
    if (!o->error) {
        out_line(o, "BONDING_OPTS=\"%s\"\n", opts->str);
    }
    g_string_free(opts, TRUE);
}

/* ifcfg-<slave> of each slave of bond 'pif', attached to 'o'. */
static int
configure_bond_slaves(const struct ifcfg_ctx *ctx, const struct dbc_pif *pif,
                      struct out *o, struct diag *diag)
{
    struct dbc_pifs slaves = { 0, NULL };
    int error;

    error = dbc_pif_bond_slaves(ctx->db, pif, &slaves, diag);
    for (size_t i = 0; !error && i < slaves.n; i++) {
        struct cfgfile *child;

        error = configure_physical(ctx, slaves.pifs[i], &child, diag);
        if (!error) {
            struct out s;

            out_init(&s, child, diag);
            out_var(&s, "MASTER", pif->device);
            out_line(&s, "SLAVE=yes\n");
            cfgfile_attach_child(o->f, child);
            error = s.error;
        }
    }
    dbc_pifs_free(&slaves);
    return error;
}

static int
configure_bond(const struct ifcfg_ctx *ctx, const struct dbc_pif *pif,
               struct cfgfile **filep, struct diag *diag)
{
    struct out o;
    int error;

    error = open_pif_ifcfg(ctx, pif, &o, diag);
    if (error) {
        return error;
    }
    if (*pif->mac) {
        out_var(&o, "MACADDR", pif->mac);
    }
    if (!o.error) {
        o.error = configure_bond_slaves(ctx, pif, &o, diag);
    }
    out_ethtool(&o, &pif->other_config, NULL, NULL);
    out_mtu(&o, ctx, dbc_pif_network(ctx->db, pif), "Bond-PIF",
            &pif->other_config);
    out_bonding_opts(&o, pif);
    return out_finish(&o, filep);
}

static int configure_pif(const struct ifcfg_ctx *, const struct dbc_pif *,
                         int depth, struct cfgfile **, struct diag *);

static int
configure_vlan(const struct ifcfg_ctx *ctx, const struct dbc_pif *pif,
               int depth, struct cfgfile **filep, struct diag *diag)
{
    const struct dbc_pif *parent;
    struct cfgfile *parent_file;
    struct out o;
    int error;

    if (depth >= MAX_VLAN_DEPTH) {
        diag_add(diag, "PIF %s: VLAN parents nested too deeply", pif->uuid);
        return -ELOOP;
    }
    error = dbc_pif_vlan_parent(ctx->db, pif, &parent, diag);
    if (!error) {
        error = configure_pif(ctx, parent, depth + 1, &parent_file, diag);
    }
    if (!error) {
        error = open_pif_ifcfg(ctx, pif, &o, diag);
        if (error) {
            cfgfile_free(parent_file);
        }
    }
    if (error) {
        return error;
    }
    out_line(&o, "VLAN=yes\n");
    out_ethtool(&o, &pif->other_config, NULL, NULL);
    out_mtu(&o, ctx, dbc_pif_network(ctx->db, pif), "VLAN-PIF",
            &pif->other_config);
    cfgfile_attach_child(o.f, parent_file);
    return out_finish(&o, filep);
}

/* The datapath files of 'pif', the top one ending with its BRIDGE=. */
static int
configure_pif(const struct ifcfg_ctx *ctx, const struct dbc_pif *pif,
              int depth, struct cfgfile **filep, struct diag *diag)
{
    struct cfgfile *f = NULL;
    const char *bridge;
    struct out o;
    int error;

    if (dbc_pif_is_tunnel(pif)) {
        diag_add(diag, "Tunnel PIFs are not supported in Bridge mode");
        return -EINVAL;
    }
    error = (dbc_pif_is_vlan(pif) ? configure_vlan(ctx, pif, depth, &f, diag)
             : dbc_pif_is_bond(pif) ? configure_bond(ctx, pif, &f, diag)
             : configure_physical(ctx, pif, &f, diag));
    if (error) {
        return error;
    }
    out_init(&o, f, diag);
    o.error = dbc_pif_bridge_name(ctx->db, pif, &bridge, diag);
    if (!o.error) {
        out_var(&o, "BRIDGE", bridge);
    }
    return out_finish(&o, filep);
}

int
ifcfg_datapath(const struct ifcfg_ctx *ctx, const struct dbc_pif *pif,
               struct cfgfile **filep, struct diag *diag)
{
    return configure_pif(ctx, pif, 0, filep, diag);
}
