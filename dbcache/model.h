/* model.h -- the typed model of XenServer's network configuration.
 *
 * This is what /var/xapi/network.dbcache holds and what interface-reconfigure
 * reads from XAPI: PIF, Bond, VLAN, tunnel, network and pool records, each
 * keyed by its OpaqueRef.  Everything downstream of dbcache/ works on these
 * structs; XML (the cache, XML-RPC) stays in reader.c, writer.c and xapi.c.
 *
 * Each record class is described by a table of fields (name, type, where it
 * lives in the struct), in the order the original program wrote them.  The
 * reader, the writer, the XAPI client and the dump formats are all driven
 * by those tables, so a field is declared once.
 *
 * A record remembers which fields were present (read from the file or
 * received from XAPI), so that writing a model back gives the same fields;
 * absent fields read as their zero value ("" strings, false, empty lists).
 *
 * Ownership: a struct dbcache owns its records and all their strings.
 * Pointers returned by lookups stay valid until dbcache_free(). */
#ifndef DBCACHE_MODEL_H
#define DBCACHE_MODEL_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct diag;

enum dbc_class {
    DBC_PIF,
    DBC_BOND,
    DBC_VLAN,
    DBC_TUNNEL,
    DBC_NETWORK,
    DBC_POOL,
    DBC_N_CLASSES
};

enum dbc_type {
    DBC_T_STRING,               /* char *, never NULL once set. */
    DBC_T_BOOL,                 /* bool. */
    DBC_T_REF,                  /* char *: an OpaqueRef, or a null ref. */
    DBC_T_REFLIST,              /* struct dbc_list of OpaqueRefs. */
    DBC_T_MAP,                  /* struct dbc_map (other_config). */
};

/* A list of strings. */
struct dbc_list {
    size_t n;
    char **items;
};

/* A string-to-string map whose keys are restricted to a whitelist and kept
 * in whitelist order. */
struct dbc_map {
    size_t n;
    char **keys;
    char **values;
};

/* The part common to every record. */
struct dbc_record {
    char *ref;                  /* OpaqueRef: the record's key. */
    enum dbc_class class;
    unsigned int line;          /* Line in the cache file, or 0. */
    uint32_t present;           /* Bit i: field i of the class was present. */
};

struct dbc_pif {
    struct dbc_record rec;
    char *uuid;
    bool management;
    char *network;                      /* network ref */
    char *device;                       /* e.g. "eth0", "bond0" */
    struct dbc_list bond_master_of;     /* Bond refs (0 or 1) */
    char *bond_slave_of;                /* Bond ref or null */
    char *vlan;                         /* tag; "-1" when not a VLAN */
    char *vlan_master_of;               /* VLAN ref or null */
    struct dbc_list vlan_slave_of;      /* VLAN refs */
    struct dbc_list tunnel_access_pif_of;       /* tunnel refs */
    struct dbc_list tunnel_transport_pif_of;    /* tunnel refs */
    char *ip_configuration_mode;        /* "None", "DHCP" or "Static" */
    char *ip;
    char *netmask;
    char *gateway;
    char *dns;                          /* comma-separated */
    char *mac;
    struct dbc_map other_config;
    bool currently_attached;            /* Always false when read from a file. */
};

struct dbc_bond {
    struct dbc_record rec;
    char *uuid;
    char *master;                       /* PIF ref */
    struct dbc_list slaves;             /* PIF refs */
};

struct dbc_vlan {
    struct dbc_record rec;
    char *uuid;
    char *tagged_pif;                   /* the parent PIF (XAPI's naming) */
    char *untagged_pif;                 /* the VLAN PIF */
};

struct dbc_tunnel {
    struct dbc_record rec;
    char *uuid;
    char *access_pif;
    char *transport_pif;
};

struct dbc_network {
    struct dbc_record rec;
    char *uuid;
    char *bridge;                       /* may be "" (bridgeless) */
    char *mtu;                          /* "MTU"; absent in XenServer 5.5 */
    struct dbc_list pifs;               /* local PIF refs */
    struct dbc_map other_config;
};

struct dbc_pool {
    struct dbc_record rec;
    struct dbc_map other_config;
    /* Not part of the cache file: filled in only by the XAPI client. */
    char *vswitch_controller;
};

/* Field and class descriptions. */
struct dbc_field {
    const char *name;           /* Element name in the cache, XAPI field. */
    enum dbc_type type;
    size_t offset;              /* Offset of the value in the record. */
    const char *item_tag;       /* DBC_T_REFLIST: element name of items. */
    enum dbc_class target;      /* DBC_T_REF(LIST): class referred to. */
    const char *const *allowed; /* DBC_T_STRING: permitted values, or NULL */
    const char *const *whitelist;       /* DBC_T_MAP: permitted keys. */
    bool optional;              /* May be missing from a XAPI record. */
};

struct dbc_class_info {
    const char *tag;            /* Element name in the cache: "pif". */
    const char *xapi_class;     /* XAPI class name: "PIF". */
    size_t size;                /* sizeof the record struct. */
    const struct dbc_field *fields;
    size_t n_fields;
    bool has_uuid;              /* Every class but pool. */
};

const struct dbc_class_info *dbc_class_info(enum dbc_class);

/* Returns the class whose cache element name is 'tag', or -1. */
int dbc_class_from_tag(const char *tag);

/* Returns the field of 'class' named 'name', or NULL. */
const struct dbc_field *dbc_find_field(enum dbc_class, const char *name);

/* Index of 'field' within its class's table. */
size_t dbc_field_index(enum dbc_class, const struct dbc_field *);

/* The other_config whitelist of a class (NULL-terminated). */
const char *const *dbc_other_config_whitelist(enum dbc_class);

/* True if 'key' is in NULL-terminated 'list'. */
bool dbc_str_in(const char *const *list, const char *key);

/* True for "", NULL and "OpaqueRef:NULL". */
bool dbc_ref_is_null(const char *ref);

/* Generic access to a field of a record. */
char **dbc_field_str(struct dbc_record *, const struct dbc_field *);
bool *dbc_field_bool(struct dbc_record *, const struct dbc_field *);
struct dbc_list *dbc_field_list(struct dbc_record *, const struct dbc_field *);
struct dbc_map *dbc_field_map(struct dbc_record *, const struct dbc_field *);
bool dbc_field_present(const struct dbc_record *, const struct dbc_field *);

/* Setters: each marks the field present.  Strings are copied. */
void dbc_set_str(struct dbc_record *, const struct dbc_field *,
                 const char *value);
void dbc_set_bool(struct dbc_record *, const struct dbc_field *, bool);
void dbc_list_append(struct dbc_record *, const struct dbc_field *,
                     const char *item);
/* Marks a list or map field present without adding to it. */
void dbc_mark_present(struct dbc_record *, const struct dbc_field *);
/* Sets map entry 'key' (replacing any previous value).  Returns false, and
 * changes nothing but presence, if 'key' is not in the field's whitelist. */
bool dbc_map_set(struct dbc_record *, const struct dbc_field *,
                 const char *key, const char *value);

/* Returns the value of 'key' in 'map', or NULL. */
const char *dbc_map_get(const struct dbc_map *, const char *key);

/* The whole model. */
struct dbcache;

struct dbcache *dbcache_new(void);
void dbcache_free(struct dbcache *);    /* Accepts NULL. */

/* Adds a new record of 'class' with key 'ref', all fields absent, and
 * returns it.  Returns NULL if a record of that class with that ref exists
 * already (the model is unchanged). */
struct dbc_record *dbcache_add(struct dbcache *, enum dbc_class,
                               const char *ref);

/* Records of a class, in the order they were added. */
size_t dbcache_count(const struct dbcache *, enum dbc_class);
struct dbc_record *dbcache_at(const struct dbcache *, enum dbc_class,
                              size_t i);

/* The record of 'class' with key 'ref', or NULL. */
struct dbc_record *dbcache_get(const struct dbcache *, enum dbc_class,
                               const char *ref);

/* Typed lookups by ref: NULL if absent or 'ref' is NULL. */
const struct dbc_pif *dbc_get_pif(const struct dbcache *, const char *ref);
const struct dbc_bond *dbc_get_bond(const struct dbcache *, const char *);
const struct dbc_vlan *dbc_get_vlan(const struct dbcache *, const char *);
const struct dbc_tunnel *dbc_get_tunnel(const struct dbcache *,
                                        const char *);
const struct dbc_network *dbc_get_network(const struct dbcache *,
                                          const char *);

/* Typed iteration helpers. */
#define DBC_PIF_AT(DB, I) ((const struct dbc_pif *) dbcache_at(DB, DBC_PIF, I))
#define DBC_NETWORK_AT(DB, I) \
    ((const struct dbc_network *) dbcache_at(DB, DBC_NETWORK, I))

/* The first pool record, or NULL. */
const struct dbc_pool *dbc_get_pool(const struct dbcache *);

/* Checks the model's integrity: every reference names a record that exists
 * (or is null), and no two records of a class share a uuid.  Adds one
 * message per problem to 'diag', each naming 'source' (a file name; may be
 * NULL), the line when known, the record and the field.  Returns 0 if the
 * model is consistent, otherwise -EINVAL. */
int dbcache_check(const struct dbcache *, const char *source, struct diag *);

#endif /* dbcache/model.h */
