/* ovsdb-types.h -- OVSDB (RFC 7047) UUIDs, atomic types, base types with
 * their constraints, and column types.
 *
 * A column type is a key base type, an optional value base type (present
 * only for maps) and a count range [n_min, n_max].  A base type is an atomic
 * type plus constraints: an enumeration of allowed values, an integer or real
 * range, a string length range, or, for UUIDs, a referenced table and the
 * strength of the reference.  Types parse from and serialise to the schema
 * JSON notation of RFC 7047 section 3.2. */
#ifndef VSWITCH_OVSDB_TYPES_H
#define VSWITCH_OVSDB_TYPES_H 1

#include <glib.h>
#include <jansson.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

struct ovsdb_datum;
struct ovsdb_table_schema;

/* ------------------------------------------------------------------------
 * UUIDs.
 *
 * Stored as 16 bytes in the order of their textual form, so that memcmp()
 * order is the order of the canonical strings. */
struct ovsdb_uuid {
    uint8_t b[16];
};

#define OVSDB_UUID_LEN 36       /* Length of the textual form. */

/* A source of new UUIDs (see ovsdb_db_set_uuid_generator()). */
typedef void ovsdb_uuid_generator(struct ovsdb_uuid *, void *aux);

/* Stores a new random (version 4) UUID in '*uuid'. */
void ovsdb_uuid_generate(struct ovsdb_uuid *uuid);

/* Parses the 36-character canonical form (hex digits in either case).
 * Returns true and stores the UUID on success, false otherwise. */
bool ovsdb_uuid_from_string(struct ovsdb_uuid *uuid, const char *s);

/* Writes the lower-case canonical form and a terminating NUL to 'buf'. */
void ovsdb_uuid_to_string(const struct ovsdb_uuid *uuid,
                          char buf[OVSDB_UUID_LEN + 1]);

bool ovsdb_uuid_is_zero(const struct ovsdb_uuid *uuid);
int ovsdb_uuid_compare(const struct ovsdb_uuid *a, const struct ovsdb_uuid *b);
bool ovsdb_uuid_equals(const struct ovsdb_uuid *a,
                       const struct ovsdb_uuid *b);
uint32_t ovsdb_uuid_hash(const struct ovsdb_uuid *uuid);

/* GHashFunc / GEqualFunc for tables keyed by 'const struct ovsdb_uuid *'. */
guint ovsdb_uuid_ghash(gconstpointer uuid);
gboolean ovsdb_uuid_gequal(gconstpointer a, gconstpointer b);

/* Hashes 'n' bytes, continuing from 'basis'. */
uint32_t ovsdb_hash_bytes(const void *p, size_t n, uint32_t basis);

/* ------------------------------------------------------------------------
 * Atomic types. */
enum ovsdb_atomic_type {
    OVSDB_TYPE_VOID,            /* No value (a set's "value" type). */
    OVSDB_TYPE_INTEGER,
    OVSDB_TYPE_REAL,
    OVSDB_TYPE_BOOLEAN,
    OVSDB_TYPE_STRING,
    OVSDB_TYPE_UUID,
};

/* "integer", "real", ...; "void" for OVSDB_TYPE_VOID. */
const char *ovsdb_atomic_type_to_string(enum ovsdb_atomic_type);

/* Parses an <atomic-type> name ("void" is not one).  Returns true on
 * success. */
bool ovsdb_atomic_type_from_string(const char *, enum ovsdb_atomic_type *);

/* ------------------------------------------------------------------------
 * Base types. */
enum ovsdb_ref_type {
    OVSDB_REF_STRONG,
    OVSDB_REF_WEAK,
};

struct ovsdb_base_type {
    enum ovsdb_atomic_type type;

    /* If nonnull, the only values allowed: a datum of type "set of 'type'
     * without constraints, 0 to unlimited members".  Exclusive of the
     * other constraints below. */
    struct ovsdb_datum *enum_;

    union {
        struct {
            int64_t min, max;   /* INT64_MIN, INT64_MAX if unconstrained. */
        } integer;
        struct {
            double min, max;    /* -DBL_MAX, DBL_MAX if unconstrained. */
        } real;
        struct {
            unsigned int min_len, max_len; /* In characters: 0, UINT_MAX. */
        } string;
        struct {
            char *ref_table_name;       /* NULL if not a reference. */
            /* Resolved by ovsdb_schema_from_json(). */
            const struct ovsdb_table_schema *ref_table;
            enum ovsdb_ref_type ref_type;
        } uuid;
    } u;
};

/* Initialises 'base' as 'type' without constraints. */
void ovsdb_base_type_init(struct ovsdb_base_type *base,
                          enum ovsdb_atomic_type type);

/* Makes 'dst' a deep copy of 'src'.  'dst' must be destroyed later. */
void ovsdb_base_type_clone(struct ovsdb_base_type *dst,
                           const struct ovsdb_base_type *src);

/* Frees what 'base' owns (not 'base' itself).  Leaves it VOID. */
void ovsdb_base_type_destroy(struct ovsdb_base_type *base);

/* Removes the enumeration and ranges (not the reference). */
void ovsdb_base_type_clear_constraints(struct ovsdb_base_type *base);

/* True if 'base' is a strong (weak) reference to a table. */
bool ovsdb_base_type_is_strong_ref(const struct ovsdb_base_type *base);
bool ovsdb_base_type_is_weak_ref(const struct ovsdb_base_type *base);

/* Parses a <base-type> (an atomic type name, or an object with "type" and
 * constraints).  On success returns 0 and initialises '*base' (to be
 * destroyed by the caller).  On failure returns -EINVAL, leaves '*base' VOID
 * and stores a message in '*errp' (free with g_free()). */
int ovsdb_base_type_from_json(struct ovsdb_base_type *base, const json_t *json,
                              char **errp);

/* Returns the <base-type> JSON for 'base' (a plain string when it has no
 * constraints).  The caller owns the result. */
json_t *ovsdb_base_type_to_json(const struct ovsdb_base_type *base);

/* ------------------------------------------------------------------------
 * Column types. */
#define OVSDB_N_UNLIMITED UINT_MAX

struct ovsdb_type {
    struct ovsdb_base_type key;
    struct ovsdb_base_type value;       /* VOID unless this is a map. */
    unsigned int n_min;                 /* 0 or 1. */
    unsigned int n_max;                 /* >= 1; OVSDB_N_UNLIMITED. */
};

/* Initialises 'type' as a scalar of atomic type 'atomic', no constraints. */
void ovsdb_type_init(struct ovsdb_type *type, enum ovsdb_atomic_type atomic);
void ovsdb_type_clone(struct ovsdb_type *dst, const struct ovsdb_type *src);
void ovsdb_type_destroy(struct ovsdb_type *type);

/* Checks that every member of JSON object 'json' is one of the
 * NULL-terminated 'allowed' names.  Returns 0, or -EINVAL with "<where>
 * unexpected member \"NAME\"" in '*errp' (g_free) -- 'where' is a prefix
 * such as "schema: ". */
int ovsdb_json_check_members(const json_t *json, const char *const allowed[],
                             const char *where, char **errp);

/* Parses a column <type>.  Same conventions as ovsdb_base_type_from_json().
 * References are left unresolved (ovsdb_schema_from_json() resolves them).
 */
int ovsdb_type_from_json(struct ovsdb_type *type, const json_t *json,
                         char **errp);

/* Returns the <type> JSON for 'type', in the shortest form.  The caller owns
 * the result. */
json_t *ovsdb_type_to_json(const struct ovsdb_type *type);

/* Returns an English description such as "set of 1 to 3 integers" for error
 * messages.  Free with g_free(). */
char *ovsdb_type_to_english(const struct ovsdb_type *type);

/* Exactly one value (min 1, max 1, not a map). */
bool ovsdb_type_is_scalar(const struct ovsdb_type *type);
/* Zero or one value (min 0, max 1, not a map). */
bool ovsdb_type_is_optional_scalar(const struct ovsdb_type *type);
/* Not a map and not a scalar. */
bool ovsdb_type_is_set(const struct ovsdb_type *type);
bool ovsdb_type_is_map(const struct ovsdb_type *type);

/* Whether 's' is an <id> of RFC 7047: a letter or "_", then letters,
 * digits and "_". */
bool ovsdb_is_id(const char *s);
bool ovsdb_type_has_strong_refs(const struct ovsdb_type *type);
bool ovsdb_type_has_weak_refs(const struct ovsdb_type *type);

#endif /* vswitch/ovsdb-types.h */
