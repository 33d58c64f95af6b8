/* ovsdb-data.h -- OVSDB atoms and datums, and their RFC 7047 JSON notation.
 *
 * An atom is one value of an atomic type.  A datum is the value of a column:
 * a set of atoms (keys only), or a map (keys and values), always sorted by
 * key with no duplicate keys, which makes equality, ordering and hashing
 * canonical.  A scalar is a 1-element set.
 *
 * Atoms and datums do not record their own type: every function takes the
 * type, as the column knows it. */
#ifndef VSWITCH_OVSDB_DATA_H
#define VSWITCH_OVSDB_DATA_H 1

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "ovsdb-types.h"

struct ovsdb_symtab;

/* ------------------------------------------------------------------------
 * Atoms. */
union ovsdb_atom {
    int64_t integer;
    double real;
    bool boolean;
    char *string;               /* Owned, NUL-terminated UTF-8. */
    struct ovsdb_uuid uuid;
};

/* The default value: 0, 0.0, false, "", all-zeros UUID. */
void ovsdb_atom_init_default(union ovsdb_atom *atom,
                             enum ovsdb_atomic_type type);
bool ovsdb_atom_is_default(const union ovsdb_atom *atom,
                           enum ovsdb_atomic_type type);
void ovsdb_atom_clone(union ovsdb_atom *dst, const union ovsdb_atom *src,
                      enum ovsdb_atomic_type type);
void ovsdb_atom_destroy(union ovsdb_atom *atom, enum ovsdb_atomic_type type);

/* Canonical total order (-1, 0, 1): numbers numerically, false < true,
 * strings bytewise, UUIDs by their canonical text. */
int ovsdb_atom_compare(const union ovsdb_atom *a, const union ovsdb_atom *b,
                       enum ovsdb_atomic_type type);
bool ovsdb_atom_equals(const union ovsdb_atom *a, const union ovsdb_atom *b,
                       enum ovsdb_atomic_type type);
uint32_t ovsdb_atom_hash(const union ovsdb_atom *atom,
                         enum ovsdb_atomic_type type, uint32_t basis);

/* Parses an <atom> of 'base->type' (not its constraints).  A UUID may be
 * ["uuid", "<uuid>"] or, if 'symtab' is nonnull, ["named-uuid", "<id>"]
 * (resolved through, or added to, 'symtab').  Returns 0 and initialises
 * '*atom', or -EINVAL with a message in '*errp' (g_free() it). */
int ovsdb_atom_from_json(union ovsdb_atom *atom,
                         const struct ovsdb_base_type *base,
                         const json_t *json, struct ovsdb_symtab *symtab,
                         char **errp);

/* Returns a new reference to the JSON form of 'atom'. */
json_t *ovsdb_atom_to_json(const union ovsdb_atom *atom,
                           enum ovsdb_atomic_type type);

/* Checks 'atom' against the constraints of 'base' (enum, range, length).
 * Returns 0, or -ERANGE with a message in '*errp'. */
int ovsdb_atom_check_constraints(const union ovsdb_atom *atom,
                                 const struct ovsdb_base_type *base,
                                 char **errp);

/* Appends a short human-readable form of 'atom' to 's' (for messages). */
void ovsdb_atom_to_gstring(const union ovsdb_atom *atom,
                           enum ovsdb_atomic_type type, GString *s);

/* ------------------------------------------------------------------------
 * Datums. */
struct ovsdb_datum {
    unsigned int n;             /* Number of keys (and values). */
    union ovsdb_atom *keys;     /* 'n' keys, sorted, unique. */
    union ovsdb_atom *values;   /* 'n' values for a map, else NULL. */
};

void ovsdb_datum_init_empty(struct ovsdb_datum *datum);

/* The default value of 'type': empty if n_min is 0, otherwise one default
 * key (and value). */
void ovsdb_datum_init_default(struct ovsdb_datum *datum,
                              const struct ovsdb_type *type);
bool ovsdb_datum_is_default(const struct ovsdb_datum *datum,
                            const struct ovsdb_type *type);

/* A datum holding exactly 'atom' (copied). */
void ovsdb_datum_init_atom(struct ovsdb_datum *datum,
                           const union ovsdb_atom *atom,
                           enum ovsdb_atomic_type type);

/* Makes 'dst' a deep copy of 'src'. */
void ovsdb_datum_clone(struct ovsdb_datum *dst, const struct ovsdb_datum *src,
                       const struct ovsdb_type *type);

/* Frees what 'datum' owns and leaves it empty.  Accepts NULL. */
void ovsdb_datum_destroy(struct ovsdb_datum *datum,
                         const struct ovsdb_type *type);
void ovsdb_datum_swap(struct ovsdb_datum *a, struct ovsdb_datum *b);

/* Parses a <value> of 'type': ["set", [...]], ["map", [[k, v], ...]] or a
 * single <atom> standing for a 1-element set.  Checks atomic types and
 * rejects duplicate set members or map keys ("syntax error" material), but
 * neither the count range nor the base type constraints: see
 * ovsdb_datum_check_constraints().  Returns 0 and initialises '*datum', or
 * -EINVAL with a message in '*errp'. */
int ovsdb_datum_from_json(struct ovsdb_datum *datum,
                          const struct ovsdb_type *type, const json_t *json,
                          struct ovsdb_symtab *symtab, char **errp);

/* Returns a new reference to the JSON form of 'datum': a bare atom for one
 * element of a set, ["set", [...]] otherwise, ["map", [...]] for maps. */
json_t *ovsdb_datum_to_json(const struct ovsdb_datum *datum,
                            const struct ovsdb_type *type);

/* Checks the element count against [n_min, n_max] and every atom against
 * its base type's constraints.  Returns 0, or -ERANGE with a message in
 * '*errp' (which names neither table nor column: callers add them). */
int ovsdb_datum_check_constraints(const struct ovsdb_datum *datum,
                                  const struct ovsdb_type *type, char **errp);

/* Canonical order, equality and hash. */
int ovsdb_datum_compare(const struct ovsdb_datum *a,
                        const struct ovsdb_datum *b,
                        const struct ovsdb_type *type);
bool ovsdb_datum_equals(const struct ovsdb_datum *a,
                        const struct ovsdb_datum *b,
                        const struct ovsdb_type *type);
uint32_t ovsdb_datum_hash(const struct ovsdb_datum *datum,
                          const struct ovsdb_type *type, uint32_t basis);

/* Returns the index of 'key' in 'datum', or -1 (binary search). */
int ovsdb_datum_find_key(const struct ovsdb_datum *datum,
                         const union ovsdb_atom *key,
                         enum ovsdb_atomic_type key_type);

/* True if every element (map: key-value pair) of 'b' is in 'a'. */
bool ovsdb_datum_includes_all(const struct ovsdb_datum *a,
                              const struct ovsdb_datum *b,
                              const struct ovsdb_type *type);
/* True if no element (map: key-value pair) of 'b' is in 'a'. */
bool ovsdb_datum_excludes_all(const struct ovsdb_datum *a,
                              const struct ovsdb_datum *b,
                              const struct ovsdb_type *type);

/* Adds the elements of 'src' to 'dst'.  For a map, a key already in 'dst'
 * keeps its value. */
void ovsdb_datum_union(struct ovsdb_datum *dst, const struct ovsdb_datum *src,
                       const struct ovsdb_type *type);

/* Removes from 'dst' the elements of 'src'.  If 'dst_type' is a map and
 * 'src_type' is too, removes the pairs that match in key and value; if
 * 'src_type' is a set of keys, removes those keys. */
void ovsdb_datum_subtract(struct ovsdb_datum *dst,
                          const struct ovsdb_type *dst_type,
                          const struct ovsdb_datum *src,
                          const struct ovsdb_type *src_type);

/* Sorts 'datum' by key.  Returns 0, or -EEXIST (datum still sorted) if two
 * keys are equal. */
int ovsdb_datum_sort(struct ovsdb_datum *datum, enum ovsdb_atomic_type key);

/* Removes element 'i' of 'datum' (keeping the order). */
void ovsdb_datum_remove(struct ovsdb_datum *datum, unsigned int i,
                        const struct ovsdb_type *type);

/* ------------------------------------------------------------------------
 * Named UUIDs ("uuid-name" in an insert, ["named-uuid", name] elsewhere):
 * one table per transaction. */
struct ovsdb_symbol {
    char *name;
    struct ovsdb_uuid uuid;
    bool created;               /* True once an "insert" defined it. */
};

/* Creates an empty table whose new symbols get UUIDs from 'gen' (or random
 * UUIDs when 'gen' is NULL).  Free with ovsdb_symtab_destroy(). */
struct ovsdb_symtab *ovsdb_symtab_create(ovsdb_uuid_generator *gen,
                                         void *aux);
void ovsdb_symtab_destroy(struct ovsdb_symtab *symtab);

/* Returns the symbol 'name', or NULL.  The table owns it. */
struct ovsdb_symbol *ovsdb_symtab_get(const struct ovsdb_symtab *symtab,
                                      const char *name);

/* Returns the symbol 'name', creating it with a new UUID if needed. */
struct ovsdb_symbol *ovsdb_symtab_insert(struct ovsdb_symtab *symtab,
                                         const char *name);

#endif /* vswitch/ovsdb-data.h */
