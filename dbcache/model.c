/* model.c -- record tables, storage and integrity checks for the network
 * configuration model (see model.h).  reader.c and writer.c translate the
 * cache file to and from this model; xapi.c fills it from XAPI; query.c
 * answers the questions interface-reconfigure asks of it. */
#include <config.h>

#include "model.h"

#include <errno.h>
#include <glib.h>
#include <string.h>

#include "diag.h"
#include "util.h"

/* other_config whitelists: the keys the original program kept, in its
 * order (which is the order they are written in). */
#define ETHTOOL_KEYS \
    "ethtool-autoneg", "ethtool-speed", "ethtool-duplex", "ethtool-rx", \
    "ethtool-tx", "ethtool-sg", "ethtool-tso", "ethtool-ufo", \
    "ethtool-gso", "ethtool-gro", "ethtool-lro"

static const char *const pif_oc_keys[] = {
    "domain", "peerdns", "defaultroute", "mtu", "static-routes",
    "bond-mode", "bond-miimon", "bond-downdelay", "bond-updelay",
    "bond-use_carrier", "bond-hashing-algorithm", "vlan-bug-workaround",
    ETHTOOL_KEYS, NULL
};

static const char *const network_oc_keys[] = {
    "mtu", "static-routes", "vswitch-controller-fail-mode",
    "vswitch-disable-in-band", ETHTOOL_KEYS, NULL
};

static const char *const pool_oc_keys[] = {
    "vswitch-controller-fail-mode", NULL
};

static const char *const ip_modes[] = { "None", "DHCP", "Static", NULL };

#define STR(S, F, N) { N, DBC_T_STRING, offsetof(S, F), NULL, 0, NULL, NULL, false }
#define BOOL(S, F, N) { N, DBC_T_BOOL, offsetof(S, F), NULL, 0, NULL, NULL, false }
#define REF(S, F, N, C) { N, DBC_T_REF, offsetof(S, F), NULL, C, NULL, NULL, false }
#define LIST(S, F, N, ITEM, C, OPT) \
    { N, DBC_T_REFLIST, offsetof(S, F), ITEM, C, NULL, NULL, OPT }
#define MAP(S, F, N, WL) { N, DBC_T_MAP, offsetof(S, F), NULL, 0, NULL, WL, false }

static const struct dbc_field pif_fields[] = {
    STR(struct dbc_pif, uuid, "uuid"),
    BOOL(struct dbc_pif, management, "management"),
    REF(struct dbc_pif, network, "network", DBC_NETWORK),
    STR(struct dbc_pif, device, "device"),
    LIST(struct dbc_pif, bond_master_of, "bond_master_of", "slave",
         DBC_BOND, false),
    REF(struct dbc_pif, bond_slave_of, "bond_slave_of", DBC_BOND),
    STR(struct dbc_pif, vlan, "VLAN"),
    REF(struct dbc_pif, vlan_master_of, "VLAN_master_of", DBC_VLAN),
    LIST(struct dbc_pif, vlan_slave_of, "VLAN_slave_of", "master",
         DBC_VLAN, false),
    LIST(struct dbc_pif, tunnel_access_pif_of, "tunnel_access_PIF_of",
         "pif", DBC_TUNNEL, true),
    LIST(struct dbc_pif, tunnel_transport_pif_of, "tunnel_transport_PIF_of",
         "pif", DBC_TUNNEL, true),
    { "ip_configuration_mode", DBC_T_STRING,
      offsetof(struct dbc_pif, ip_configuration_mode), NULL, 0, ip_modes,
      NULL, false },
    STR(struct dbc_pif, ip, "IP"),
    STR(struct dbc_pif, netmask, "netmask"),
    STR(struct dbc_pif, gateway, "gateway"),
    STR(struct dbc_pif, dns, "DNS"),
    STR(struct dbc_pif, mac, "MAC"),
    MAP(struct dbc_pif, other_config, "other_config", pif_oc_keys),
    BOOL(struct dbc_pif, currently_attached, "currently_attached"),
};

static const struct dbc_field bond_fields[] = {
    STR(struct dbc_bond, uuid, "uuid"),
    REF(struct dbc_bond, master, "master", DBC_PIF),
    LIST(struct dbc_bond, slaves, "slaves", "slave", DBC_PIF, false),
};

static const struct dbc_field vlan_fields[] = {
    STR(struct dbc_vlan, uuid, "uuid"),
    REF(struct dbc_vlan, tagged_pif, "tagged_PIF", DBC_PIF),
    REF(struct dbc_vlan, untagged_pif, "untagged_PIF", DBC_PIF),
};

static const struct dbc_field tunnel_fields[] = {
    STR(struct dbc_tunnel, uuid, "uuid"),
    REF(struct dbc_tunnel, access_pif, "access_PIF", DBC_PIF),
    REF(struct dbc_tunnel, transport_pif, "transport_PIF", DBC_PIF),
};

static const struct dbc_field network_fields[] = {
    STR(struct dbc_network, uuid, "uuid"),
    STR(struct dbc_network, bridge, "bridge"),
    { "MTU", DBC_T_STRING, offsetof(struct dbc_network, mtu), NULL, 0, NULL,
      NULL, true },
    LIST(struct dbc_network, pifs, "PIFs", "PIF", DBC_PIF, false),
    MAP(struct dbc_network, other_config, "other_config", network_oc_keys),
};

static const struct dbc_field pool_fields[] = {
    MAP(struct dbc_pool, other_config, "other_config", pool_oc_keys),
};

static const struct dbc_class_info classes[DBC_N_CLASSES] = {
    [DBC_PIF] = { "pif", "PIF", sizeof(struct dbc_pif), pif_fields,
                  ARRAY_SIZE(pif_fields), true },
    [DBC_BOND] = { "bond", "Bond", sizeof(struct dbc_bond), bond_fields,
                   ARRAY_SIZE(bond_fields), true },
    [DBC_VLAN] = { "vlan", "VLAN", sizeof(struct dbc_vlan), vlan_fields,
                   ARRAY_SIZE(vlan_fields), true },
    [DBC_TUNNEL] = { "tunnel", "tunnel", sizeof(struct dbc_tunnel),
                     tunnel_fields, ARRAY_SIZE(tunnel_fields), true },
    [DBC_NETWORK] = { "network", "network", sizeof(struct dbc_network),
                      network_fields, ARRAY_SIZE(network_fields), true },
    [DBC_POOL] = { "pool", "pool", sizeof(struct dbc_pool), pool_fields,
                   ARRAY_SIZE(pool_fields), false },
};

const struct dbc_class_info *
dbc_class_info(enum dbc_class class)
{
    return &classes[class];
}

int
dbc_class_from_tag(const char *tag)
{
    for (int c = 0; c < DBC_N_CLASSES; c++) {
        if (!strcmp(classes[c].tag, tag)) {
            return c;
        }
    }
    return -1;
}

const struct dbc_field *
dbc_find_field(enum dbc_class class, const char *name)
{
    const struct dbc_class_info *ci = &classes[class];

    for (size_t i = 0; i < ci->n_fields; i++) {
        if (!strcmp(ci->fields[i].name, name)) {
            return &ci->fields[i];
        }
    }
    return NULL;
}

size_t
dbc_field_index(enum dbc_class class, const struct dbc_field *f)
{
    return f - classes[class].fields;
}

const char *const *
dbc_other_config_whitelist(enum dbc_class class)
{
    const struct dbc_field *f = dbc_find_field(class, "other_config");

    return f ? f->whitelist : NULL;
}

bool
dbc_str_in(const char *const *list, const char *key)
{
    for (; list && *list; list++) {
        if (!strcmp(*list, key)) {
            return true;
        }
    }
    return false;
}

bool
dbc_ref_is_null(const char *ref)
{
    return !ref || !*ref || !strcmp(ref, "OpaqueRef:NULL");
}

/* Field access. */

static void *
field_ptr(struct dbc_record *r, const struct dbc_field *f)
{
    return (char *) r + f->offset;
}

char **
dbc_field_str(struct dbc_record *r, const struct dbc_field *f)
{
    g_assert(f->type == DBC_T_STRING || f->type == DBC_T_REF);
    return field_ptr(r, f);
}

bool *
dbc_field_bool(struct dbc_record *r, const struct dbc_field *f)
{
    g_assert(f->type == DBC_T_BOOL);
    return field_ptr(r, f);
}

struct dbc_list *
dbc_field_list(struct dbc_record *r, const struct dbc_field *f)
{
    g_assert(f->type == DBC_T_REFLIST);
    return field_ptr(r, f);
}

struct dbc_map *
dbc_field_map(struct dbc_record *r, const struct dbc_field *f)
{
    g_assert(f->type == DBC_T_MAP);
    return field_ptr(r, f);
}

bool
dbc_field_present(const struct dbc_record *r, const struct dbc_field *f)
{
    return r->present & (1u << dbc_field_index(r->class, f));
}

void
dbc_mark_present(struct dbc_record *r, const struct dbc_field *f)
{
    r->present |= 1u << dbc_field_index(r->class, f);
}

void
dbc_set_str(struct dbc_record *r, const struct dbc_field *f,
            const char *value)
{
    char **p = dbc_field_str(r, f);

    g_free(*p);
    *p = g_strdup(value);
    dbc_mark_present(r, f);
}

void
dbc_set_bool(struct dbc_record *r, const struct dbc_field *f, bool value)
{
    *dbc_field_bool(r, f) = value;
    dbc_mark_present(r, f);
}

void
dbc_list_append(struct dbc_record *r, const struct dbc_field *f,
                const char *item)
{
    struct dbc_list *l = dbc_field_list(r, f);

    l->items = g_renew(char *, l->items, l->n + 1);
    l->items[l->n++] = g_strdup(item);
    dbc_mark_present(r, f);
}

static size_t
whitelist_rank(const char *const *wl, const char *key)
{
    size_t i;

    for (i = 0; wl[i] && strcmp(wl[i], key); i++) {
        continue;
    }
    return i;
}

bool
dbc_map_set(struct dbc_record *r, const struct dbc_field *f,
            const char *key, const char *value)
{
    struct dbc_map *m = dbc_field_map(r, f);
    size_t rank = whitelist_rank(f->whitelist, key);
    size_t i;

    dbc_mark_present(r, f);
    if (!f->whitelist[rank]) {
        return false;
    }
    for (i = 0; i < m->n; i++) {
        size_t other = whitelist_rank(f->whitelist, m->keys[i]);

        if (other == rank) {
            g_free(m->values[i]);
            m->values[i] = g_strdup(value);
            return true;
        } else if (other > rank) {
            break;
        }
    }
    m->keys = g_renew(char *, m->keys, m->n + 1);
    m->values = g_renew(char *, m->values, m->n + 1);
    memmove(&m->keys[i + 1], &m->keys[i], (m->n - i) * sizeof *m->keys);
    memmove(&m->values[i + 1], &m->values[i],
            (m->n - i) * sizeof *m->values);
    m->keys[i] = g_strdup(key);
    m->values[i] = g_strdup(value);
    m->n++;
    return true;
}

const char *
dbc_map_get(const struct dbc_map *m, const char *key)
{
    for (size_t i = 0; i < m->n; i++) {
        if (!strcmp(m->keys[i], key)) {
            return m->values[i];
        }
    }
    return NULL;
}

/* The model. */

struct dbcache {
    GPtrArray *records[DBC_N_CLASSES];  /* struct dbc_record *, owned. */
    GHashTable *by_ref[DBC_N_CLASSES];  /* ref -> struct dbc_record *. */
};

static void
record_free(gpointer p)
{
    struct dbc_record *r = p;
    const struct dbc_class_info *ci = &classes[r->class];

    for (size_t i = 0; i < ci->n_fields; i++) {
        const struct dbc_field *f = &ci->fields[i];

        switch (f->type) {
        case DBC_T_STRING:
        case DBC_T_REF:
            g_free(*dbc_field_str(r, f));
            break;
        case DBC_T_BOOL:
            break;
        case DBC_T_REFLIST: {
            struct dbc_list *l = dbc_field_list(r, f);

            for (size_t j = 0; j < l->n; j++) {
                g_free(l->items[j]);
            }
            g_free(l->items);
            break;
        }
        case DBC_T_MAP: {
            struct dbc_map *m = dbc_field_map(r, f);

            for (size_t j = 0; j < m->n; j++) {
                g_free(m->keys[j]);
                g_free(m->values[j]);
            }
            g_free(m->keys);
            g_free(m->values);
            break;
        }
        }
    }
    if (r->class == DBC_POOL) {
        g_free(((struct dbc_pool *) r)->vswitch_controller);
    }
    g_free(r->ref);
    g_free(r);
}

struct dbcache *
dbcache_new(void)
{
    struct dbcache *db = g_new0(struct dbcache, 1);

    for (int c = 0; c < DBC_N_CLASSES; c++) {
        db->records[c] = g_ptr_array_new_with_free_func(record_free);
        db->by_ref[c] = g_hash_table_new(g_str_hash, g_str_equal);
    }
    return db;
}

void
dbcache_free(struct dbcache *db)
{
    if (db) {
        for (int c = 0; c < DBC_N_CLASSES; c++) {
            g_hash_table_destroy(db->by_ref[c]);
            g_ptr_array_free(db->records[c], TRUE);
        }
        g_free(db);
    }
}

struct dbc_record *
dbcache_add(struct dbcache *db, enum dbc_class class, const char *ref)
{
    const struct dbc_class_info *ci = &classes[class];
    struct dbc_record *r;

    if (g_hash_table_contains(db->by_ref[class], ref)) {
        return NULL;
    }
    r = g_malloc0(ci->size);
    r->ref = g_strdup(ref);
    r->class = class;
    /* Absent strings read as "", never NULL. */
    for (size_t i = 0; i < ci->n_fields; i++) {
        const struct dbc_field *f = &ci->fields[i];

        if (f->type == DBC_T_STRING || f->type == DBC_T_REF) {
            *dbc_field_str(r, f) = g_strdup("");
        }
    }
    g_ptr_array_add(db->records[class], r);
    g_hash_table_insert(db->by_ref[class], r->ref, r);
    return r;
}

size_t
dbcache_count(const struct dbcache *db, enum dbc_class class)
{
    return db->records[class]->len;
}

struct dbc_record *
dbcache_at(const struct dbcache *db, enum dbc_class class, size_t i)
{
    return g_ptr_array_index(db->records[class], i);
}

struct dbc_record *
dbcache_get(const struct dbcache *db, enum dbc_class class, const char *ref)
{
    return ref ? g_hash_table_lookup(db->by_ref[class], ref) : NULL;
}

const struct dbc_pif *
dbc_get_pif(const struct dbcache *db, const char *ref)
{
    return (const struct dbc_pif *) dbcache_get(db, DBC_PIF, ref);
}

const struct dbc_bond *
dbc_get_bond(const struct dbcache *db, const char *ref)
{
    return (const struct dbc_bond *) dbcache_get(db, DBC_BOND, ref);
}

const struct dbc_vlan *
dbc_get_vlan(const struct dbcache *db, const char *ref)
{
    return (const struct dbc_vlan *) dbcache_get(db, DBC_VLAN, ref);
}

const struct dbc_tunnel *
dbc_get_tunnel(const struct dbcache *db, const char *ref)
{
    return (const struct dbc_tunnel *) dbcache_get(db, DBC_TUNNEL, ref);
}

const struct dbc_network *
dbc_get_network(const struct dbcache *db, const char *ref)
{
    return (const struct dbc_network *) dbcache_get(db, DBC_NETWORK, ref);
}

const struct dbc_pool *
dbc_get_pool(const struct dbcache *db)
{
    return (dbcache_count(db, DBC_POOL)
            ? (const struct dbc_pool *) dbcache_at(db, DBC_POOL, 0)
            : NULL);
}

/* Integrity. */

static void
record_problem(struct diag *diag, const char *source,
               const struct dbc_record *r, const char *fmt, ...)
    PRINTF_FORMAT(4, 5);

static void
record_problem(struct diag *diag, const char *source,
               const struct dbc_record *r, const char *fmt, ...)
{
    GString *s = g_string_new(NULL);
    va_list args;

    if (source) {
        g_string_append_printf(s, "%s:", source);
        if (r->line) {
            g_string_append_printf(s, "%u:", r->line);
        }
        g_string_append_c(s, ' ');
    }
    g_string_append_printf(s, "%s %s: ", classes[r->class].tag, r->ref);
    va_start(args, fmt);
    g_string_append_vprintf(s, fmt, args);
    va_end(args);
    diag_add(diag, "%s", s->str);
    g_string_free(s, TRUE);
}

int
dbcache_check(const struct dbcache *db, const char *source,
              struct diag *diag)
{
    size_t problems = 0;

    for (int c = 0; c < DBC_N_CLASSES; c++) {
        const struct dbc_class_info *ci = &classes[c];
        GHashTable *uuids = g_hash_table_new(g_str_hash, g_str_equal);

        for (size_t i = 0; i < dbcache_count(db, c); i++) {
            struct dbc_record *r = dbcache_at(db, c, i);

            for (size_t k = 0; k < ci->n_fields; k++) {
                const struct dbc_field *f = &ci->fields[k];

                if (f->type == DBC_T_REF) {
                    const char *ref = *dbc_field_str(r, f);

                    if (!dbc_ref_is_null(ref)
                        && !dbcache_get(db, f->target, ref)) {
                        record_problem(diag, source, r,
                                       "field %s refers to %s %s, "
                                       "which does not exist", f->name,
                                       classes[f->target].tag, ref);
                        problems++;
                    }
                } else if (f->type == DBC_T_REFLIST) {
                    const struct dbc_list *l = dbc_field_list(r, f);

                    for (size_t j = 0; j < l->n; j++) {
                        if (!dbcache_get(db, f->target, l->items[j])) {
                            record_problem(diag, source, r,
                                           "field %s refers to %s %s, "
                                           "which does not exist", f->name,
                                           classes[f->target].tag,
                                           l->items[j]);
                            problems++;
                        }
                    }
                }
            }

            if (ci->has_uuid) {
                const struct dbc_field *uf = &ci->fields[0];
                const char *uuid = *dbc_field_str(r, uf);
                struct dbc_record *other;

                if (!*uuid) {
                    continue;
                }
                other = g_hash_table_lookup(uuids, uuid);
                if (other) {
                    if (other->line) {
                        record_problem(diag, source, r,
                                       "duplicate uuid %s (also %s %s, "
                                       "line %u)", uuid, ci->tag,
                                       other->ref, other->line);
                    } else {
                        record_problem(diag, source, r,
                                       "duplicate uuid %s (also %s %s)",
                                       uuid, ci->tag, other->ref);
                    }
                    problems++;
                } else {
                    g_hash_table_insert(uuids, (gpointer) uuid, r);
                }
            }
        }
        g_hash_table_destroy(uuids);
    }
    return problems ? -EINVAL : 0;
}
