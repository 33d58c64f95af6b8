/* ovsdb-data.c -- OVSDB atoms, datums, their JSON notation, named UUIDs.
 *
 * Built on ovsdb-types.c (the types that describe every value here) and
 * used by ovsdb-schema.c (enum constraints), ovsdb-db.c (the columns of
 * rows) and ovsdb-txn.c (values in operations, conditions and mutations).
 * A datum's keys are kept sorted and unique, so most operations on two
 * datums are single merge walks: union, subtraction, inclusion.  Parsing
 * checks JSON shape and atomic types; constraints (counts, ranges, enums)
 * are a separate check because conditions and mutation arguments relax
 * them. */
#include <config.h>

#include "ovsdb-data.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------
 * Atoms. */

void
ovsdb_atom_init_default(union ovsdb_atom *atom, enum ovsdb_atomic_type type)
{
    memset(atom, 0, sizeof *atom);
    if (type == OVSDB_TYPE_STRING) {
        atom->string = g_strdup("");
    }
}

bool
ovsdb_atom_is_default(const union ovsdb_atom *atom,
                      enum ovsdb_atomic_type type)
{
    switch (type) {
    case OVSDB_TYPE_INTEGER:
        return atom->integer == 0;
    case OVSDB_TYPE_REAL:
        return atom->real == 0.0;
    case OVSDB_TYPE_BOOLEAN:
        return !atom->boolean;
    case OVSDB_TYPE_STRING:
        return atom->string[0] == '\0';
    case OVSDB_TYPE_UUID:
        return ovsdb_uuid_is_zero(&atom->uuid);
    case OVSDB_TYPE_VOID:
        break;
    }
    return true;
}

void
ovsdb_atom_clone(union ovsdb_atom *dst, const union ovsdb_atom *src,
                 enum ovsdb_atomic_type type)
{
    if (type == OVSDB_TYPE_STRING) {
        dst->string = g_strdup(src->string);
    } else {
        *dst = *src;
    }
}

void
ovsdb_atom_destroy(union ovsdb_atom *atom, enum ovsdb_atomic_type type)
{
    if (atom && type == OVSDB_TYPE_STRING) {
        g_free(atom->string);
        atom->string = NULL;
    }
}

int
ovsdb_atom_compare(const union ovsdb_atom *a, const union ovsdb_atom *b,
                   enum ovsdb_atomic_type type)
{
    int c;

    switch (type) {
    case OVSDB_TYPE_INTEGER:
        return a->integer < b->integer ? -1 : a->integer > b->integer;
    case OVSDB_TYPE_REAL:
        return a->real < b->real ? -1 : a->real > b->real;
    case OVSDB_TYPE_BOOLEAN:
        return (int) a->boolean - (int) b->boolean;
    case OVSDB_TYPE_STRING:
        c = strcmp(a->string, b->string);
        return c < 0 ? -1 : c > 0;
    case OVSDB_TYPE_UUID:
        c = ovsdb_uuid_compare(&a->uuid, &b->uuid);
        return c < 0 ? -1 : c > 0;
    case OVSDB_TYPE_VOID:
        break;
    }
    return 0;
}

bool
ovsdb_atom_equals(const union ovsdb_atom *a, const union ovsdb_atom *b,
                  enum ovsdb_atomic_type type)
{
    return !ovsdb_atom_compare(a, b, type);
}

uint32_t
ovsdb_atom_hash(const union ovsdb_atom *atom, enum ovsdb_atomic_type type,
                uint32_t basis)
{
    switch (type) {
    case OVSDB_TYPE_INTEGER:
        return ovsdb_hash_bytes(&atom->integer, sizeof atom->integer, basis);
    case OVSDB_TYPE_REAL: {
        double d = atom->real == 0.0 ? 0.0 : atom->real; /* -0.0 == 0.0. */

        return ovsdb_hash_bytes(&d, sizeof d, basis);
    }
    case OVSDB_TYPE_BOOLEAN: {
        uint8_t b = atom->boolean;

        return ovsdb_hash_bytes(&b, 1, basis);
    }
    case OVSDB_TYPE_STRING:
        return ovsdb_hash_bytes(atom->string, strlen(atom->string), basis);
    case OVSDB_TYPE_UUID:
        return ovsdb_hash_bytes(atom->uuid.b, sizeof atom->uuid.b, basis);
    case OVSDB_TYPE_VOID:
        break;
    }
    return basis;
}

/* Returns a short description of 'json' for messages.  Free with free(). */
static char *
json_brief(const json_t *json)
{
    char *s = json_dumps(json, JSON_COMPACT | JSON_ENCODE_ANY);

    if (!s) {
        return strdup("(unprintable)");
    }
    if (strlen(s) > 64) {
        strcpy(s + 60, "...");
    }
    return s;
}

static int
type_error(const char *expected, const json_t *json, char **errp)
{
    char *brief = json_brief(json);

    *errp = g_strdup_printf("expected %s, not %s", expected, brief);
    free(brief);
    return -EINVAL;
}

static bool
is_tagged_pair(const json_t *json, const char *tag)
{
    const json_t *first;

    if (!json_is_array(json) || json_array_size(json) != 2) {
        return false;
    }
    first = json_array_get(json, 0);
    return json_is_string(first) && !strcmp(json_string_value(first), tag);
}

static int
uuid_from_json(struct ovsdb_uuid *uuid, const json_t *json,
               struct ovsdb_symtab *symtab, char **errp)
{
    const json_t *arg;

    if (is_tagged_pair(json, "uuid")) {
        arg = json_array_get(json, 1);
        if (!json_is_string(arg)
            || !ovsdb_uuid_from_string(uuid, json_string_value(arg))) {
            return type_error("a UUID string in [\"uuid\", ...]", arg, errp);
        }
        return 0;
    } else if (is_tagged_pair(json, "named-uuid")) {
        struct ovsdb_symbol *symbol;

        arg = json_array_get(json, 1);
        if (!symtab) {
            *errp = g_strdup("\"named-uuid\" is not allowed here");
            return -EINVAL;
        }
        if (!json_is_string(arg) || !ovsdb_is_id(json_string_value(arg))) {
            return type_error("an <id> in [\"named-uuid\", ...]", arg, errp);
        }
        symbol = ovsdb_symtab_insert(symtab, json_string_value(arg));
        *uuid = symbol->uuid;
        return 0;
    }
    return type_error("uuid", json, errp);
}

int
ovsdb_atom_from_json(union ovsdb_atom *atom,
                     const struct ovsdb_base_type *base, const json_t *json,
                     struct ovsdb_symtab *symtab, char **errp)
{
    switch (base->type) {
    case OVSDB_TYPE_INTEGER:
        if (!json_is_integer(json)) {
            return type_error("integer", json, errp);
        }
        atom->integer = json_integer_value(json);
        return 0;

    case OVSDB_TYPE_REAL:
        if (!json_is_number(json)) {
            return type_error("real", json, errp);
        }
        atom->real = json_number_value(json);
        return 0;

    case OVSDB_TYPE_BOOLEAN:
        if (!json_is_boolean(json)) {
            return type_error("boolean", json, errp);
        }
        atom->boolean = json_is_true(json);
        return 0;

    case OVSDB_TYPE_STRING:
        if (!json_is_string(json)) {
            return type_error("string", json, errp);
        }
        if (strlen(json_string_value(json)) != json_string_length(json)) {
            *errp = g_strdup("strings may not contain NUL characters");
            return -EINVAL;
        }
        atom->string = g_strdup(json_string_value(json));
        return 0;

    case OVSDB_TYPE_UUID:
        return uuid_from_json(&atom->uuid, json, symtab, errp);

    case OVSDB_TYPE_VOID:
        break;
    }
    *errp = g_strdup("void type has no values");
    return -EINVAL;
}

json_t *
ovsdb_atom_to_json(const union ovsdb_atom *atom, enum ovsdb_atomic_type type)
{
    char buf[OVSDB_UUID_LEN + 1];
    json_t *json;

    switch (type) {
    case OVSDB_TYPE_INTEGER:
        return json_integer(atom->integer);
    case OVSDB_TYPE_REAL:
        return json_real(atom->real);
    case OVSDB_TYPE_BOOLEAN:
        return json_boolean(atom->boolean);
    case OVSDB_TYPE_STRING:
        json = json_string(atom->string);
        if (!json) {
            /* Not valid UTF-8: only possible for strings that did not come
             * from JSON.  Pass the bytes on rather than lose the value. */
            json = json_stringn_nocheck(atom->string, strlen(atom->string));
        }
        return json;
    case OVSDB_TYPE_UUID:
        /* ["uuid", "<uuid>"], built directly: json_pack()'s parsing of its
         * format was a quarter of a server's CPU answering a select of a
         * bridge with 1,000 ports. */
        ovsdb_uuid_to_string(&atom->uuid, buf);
        json = json_array();
        json_array_append_new(json, json_stringn_nocheck("uuid", 4));
        json_array_append_new(json, json_stringn_nocheck(buf,
                                                         OVSDB_UUID_LEN));
        return json;
    case OVSDB_TYPE_VOID:
        break;
    }
    return json_null();
}

void
ovsdb_atom_to_gstring(const union ovsdb_atom *atom,
                      enum ovsdb_atomic_type type, GString *s)
{
    char buf[OVSDB_UUID_LEN + 1];

    switch (type) {
    case OVSDB_TYPE_INTEGER:
        g_string_append_printf(s, "%" PRId64, atom->integer);
        break;
    case OVSDB_TYPE_REAL:
        g_string_append_printf(s, "%.17g", atom->real);
        break;
    case OVSDB_TYPE_BOOLEAN:
        g_string_append(s, atom->boolean ? "true" : "false");
        break;
    case OVSDB_TYPE_STRING:
        g_string_append_printf(s, "\"%s\"", atom->string);
        break;
    case OVSDB_TYPE_UUID:
        ovsdb_uuid_to_string(&atom->uuid, buf);
        g_string_append(s, buf);
        break;
    case OVSDB_TYPE_VOID:
        break;
    }
}

static char *
atom_to_string(const union ovsdb_atom *atom, enum ovsdb_atomic_type type)
{
    GString *s = g_string_new(NULL);

    ovsdb_atom_to_gstring(atom, type, s);
    return g_string_free(s, FALSE);
}

int
ovsdb_atom_check_constraints(const union ovsdb_atom *atom,
                             const struct ovsdb_base_type *base, char **errp)
{
    char *a;

    if (base->enum_) {
        if (ovsdb_datum_find_key(base->enum_, atom, base->type) >= 0) {
            return 0;
        }

        GString *s = g_string_new(NULL);

        ovsdb_atom_to_gstring(atom, base->type, s);
        g_string_append(s, " is not one of the allowed values (");
        for (unsigned int i = 0; i < base->enum_->n; i++) {
            if (i) {
                g_string_append(s, ", ");
            }
            ovsdb_atom_to_gstring(&base->enum_->keys[i], base->type, s);
        }
        g_string_append(s, ")");
        *errp = g_string_free(s, FALSE);
        return -ERANGE;
    }

    switch (base->type) {
    case OVSDB_TYPE_INTEGER:
        if (atom->integer < base->u.integer.min
            || atom->integer > base->u.integer.max) {
            *errp = g_strdup_printf("%" PRId64 " is not in the allowed range "
                                    "%" PRId64 " to %" PRId64,
                                    atom->integer, base->u.integer.min,
                                    base->u.integer.max);
            return -ERANGE;
        }
        break;

    case OVSDB_TYPE_REAL:
        if (atom->real < base->u.real.min || atom->real > base->u.real.max) {
            *errp = g_strdup_printf("%.17g is not in the allowed range "
                                    "%.17g to %.17g", atom->real,
                                    base->u.real.min, base->u.real.max);
            return -ERANGE;
        }
        break;

    case OVSDB_TYPE_STRING:
        if (base->u.string.min_len || base->u.string.max_len != UINT_MAX) {
            glong len = g_utf8_strlen(atom->string, -1);

            if (len < base->u.string.min_len) {
                a = atom_to_string(atom, base->type);
                *errp = g_strdup_printf("%s is %ld characters long, shorter "
                                        "than the minimum of %u", a, len,
                                        base->u.string.min_len);
                g_free(a);
                return -ERANGE;
            } else if (len > base->u.string.max_len) {
                a = atom_to_string(atom, base->type);
                *errp = g_strdup_printf("%s is %ld characters long, longer "
                                        "than the maximum of %u", a, len,
                                        base->u.string.max_len);
                g_free(a);
                return -ERANGE;
            }
        }
        break;

    case OVSDB_TYPE_VOID:
    case OVSDB_TYPE_BOOLEAN:
    case OVSDB_TYPE_UUID:
        break;
    }
    return 0;
}

/* ------------------------------------------------------------------------
 * Datums. */

void
ovsdb_datum_init_empty(struct ovsdb_datum *datum)
{
    datum->n = 0;
    datum->keys = NULL;
    datum->values = NULL;
}

void
ovsdb_datum_init_default(struct ovsdb_datum *datum,
                         const struct ovsdb_type *type)
{
    ovsdb_datum_init_empty(datum);
    if (type->n_min) {
        datum->n = 1;
        datum->keys = g_new(union ovsdb_atom, 1);
        ovsdb_atom_init_default(&datum->keys[0], type->key.type);
        if (type->value.type != OVSDB_TYPE_VOID) {
            datum->values = g_new(union ovsdb_atom, 1);
            ovsdb_atom_init_default(&datum->values[0], type->value.type);
        }
    }
}

bool
ovsdb_datum_is_default(const struct ovsdb_datum *datum,
                       const struct ovsdb_type *type)
{
    if (!type->n_min) {
        return datum->n == 0;
    }
    return (datum->n == 1
            && ovsdb_atom_is_default(&datum->keys[0], type->key.type)
            && (type->value.type == OVSDB_TYPE_VOID
                || ovsdb_atom_is_default(&datum->values[0],
                                         type->value.type)));
}

void
ovsdb_datum_init_atom(struct ovsdb_datum *datum, const union ovsdb_atom *atom,
                      enum ovsdb_atomic_type type)
{
    datum->n = 1;
    datum->keys = g_new(union ovsdb_atom, 1);
    ovsdb_atom_clone(&datum->keys[0], atom, type);
    datum->values = NULL;
}

static union ovsdb_atom *
clone_atoms(const union ovsdb_atom *src, unsigned int n,
            enum ovsdb_atomic_type type)
{
    union ovsdb_atom *dst;

    if (!src) {
        return NULL;
    }
    dst = g_new(union ovsdb_atom, n ? n : 1);
    if (type == OVSDB_TYPE_STRING) {
        for (unsigned int i = 0; i < n; i++) {
            dst[i].string = g_strdup(src[i].string);
        }
    } else {
        memcpy(dst, src, n * sizeof *dst);
    }
    return dst;
}

void
ovsdb_datum_clone(struct ovsdb_datum *dst, const struct ovsdb_datum *src,
                  const struct ovsdb_type *type)
{
    dst->n = src->n;
    dst->keys = clone_atoms(src->keys, src->n, type->key.type);
    dst->values = clone_atoms(src->values, src->n, type->value.type);
}

static void
free_atoms(union ovsdb_atom *atoms, unsigned int n,
           enum ovsdb_atomic_type type)
{
    if (atoms && type == OVSDB_TYPE_STRING) {
        for (unsigned int i = 0; i < n; i++) {
            g_free(atoms[i].string);
        }
    }
    g_free(atoms);
}

void
ovsdb_datum_destroy(struct ovsdb_datum *datum, const struct ovsdb_type *type)
{
    if (datum) {
        free_atoms(datum->keys, datum->n, type->key.type);
        free_atoms(datum->values, datum->n, type->value.type);
        ovsdb_datum_init_empty(datum);
    }
}

void
ovsdb_datum_swap(struct ovsdb_datum *a, struct ovsdb_datum *b)
{
    struct ovsdb_datum tmp = *a;

    *a = *b;
    *b = tmp;
}

static int
compare_atoms_r(const void *a, const void *b, void *type_)
{
    const enum ovsdb_atomic_type *type = type_;

    return ovsdb_atom_compare(a, b, *type);
}

struct sort_aux {
    const union ovsdb_atom *keys;
    enum ovsdb_atomic_type type;
};

static int
compare_indexes_r(const void *a_, const void *b_, void *aux_)
{
    const struct sort_aux *aux = aux_;
    const unsigned int *a = a_;
    const unsigned int *b = b_;

    return ovsdb_atom_compare(&aux->keys[*a], &aux->keys[*b], aux->type);
}

int
ovsdb_datum_sort(struct ovsdb_datum *datum, enum ovsdb_atomic_type key_type)
{
    if (datum->n < 2) {
        return 0;
    }
    if (!datum->values) {
        qsort_r(datum->keys, datum->n, sizeof *datum->keys,
                compare_atoms_r, &key_type);
    } else {
        struct sort_aux aux = { datum->keys, key_type };
        unsigned int *perm = g_new(unsigned int, datum->n);
        union ovsdb_atom *keys = g_new(union ovsdb_atom, datum->n);
        union ovsdb_atom *values = g_new(union ovsdb_atom, datum->n);

        for (unsigned int i = 0; i < datum->n; i++) {
            perm[i] = i;
        }
        qsort_r(perm, datum->n, sizeof *perm, compare_indexes_r, &aux);
        for (unsigned int i = 0; i < datum->n; i++) {
            keys[i] = datum->keys[perm[i]];
            values[i] = datum->values[perm[i]];
        }
        g_free(datum->keys);
        g_free(datum->values);
        datum->keys = keys;
        datum->values = values;
        g_free(perm);
    }

    for (unsigned int i = 1; i < datum->n; i++) {
        if (ovsdb_atom_equals(&datum->keys[i - 1], &datum->keys[i],
                              key_type)) {
            return -EEXIST;
        }
    }
    return 0;
}

int
ovsdb_datum_from_json(struct ovsdb_datum *datum,
                      const struct ovsdb_type *type, const json_t *json,
                      struct ovsdb_symtab *symtab, char **errp)
{
    bool is_map = ovsdb_type_is_map(type);
    const json_t *elems;
    unsigned int n, i;
    char *msg = NULL;
    int error = 0;

    ovsdb_datum_init_empty(datum);
    if (is_map || is_tagged_pair(json, "set")) {
        const char *tag = is_map ? "map" : "set";

        if (!is_tagged_pair(json, tag)
            || !json_is_array(json_array_get(json, 1))) {
            char *brief = json_brief(json);

            *errp = g_strdup_printf("expected [\"%s\", [...]], not %s",
                                    tag, brief);
            free(brief);
            return -EINVAL;
        }
        elems = json_array_get(json, 1);
        if (json_array_size(elems) >= UINT_MAX) {
            *errp = g_strdup("too many elements");
            return -EINVAL;
        }
        n = (unsigned int) json_array_size(elems);
    } else {
        /* A single atom: a 1-element set. */
        elems = NULL;
        n = 1;
    }

    datum->keys = g_new(union ovsdb_atom, n ? n : 1);
    if (is_map) {
        datum->values = g_new(union ovsdb_atom, n ? n : 1);
    }
    for (i = 0; i < n; i++) {
        const json_t *elem = elems ? json_array_get(elems, i) : json;

        if (is_map) {
            if (!json_is_array(elem) || json_array_size(elem) != 2) {
                error = type_error("a [key, value] pair", elem, &msg);
                break;
            }
            error = ovsdb_atom_from_json(&datum->keys[i], &type->key,
                                         json_array_get(elem, 0), symtab,
                                         &msg);
            if (error) {
                break;
            }
            error = ovsdb_atom_from_json(&datum->values[i], &type->value,
                                         json_array_get(elem, 1), symtab,
                                         &msg);
            if (error) {
                ovsdb_atom_destroy(&datum->keys[i], type->key.type);
                break;
            }
        } else {
            error = ovsdb_atom_from_json(&datum->keys[i], &type->key, elem,
                                         symtab, &msg);
            if (error) {
                break;
            }
        }
    }
    datum->n = i;
    if (error) {
        if (elems) {
            *errp = g_strdup_printf("%s element %u: %s",
                                    is_map ? "map" : "set", i + 1, msg);
            g_free(msg);
        } else {
            *errp = msg;
        }
        ovsdb_datum_destroy(datum, type);
        return error;
    }

    if (ovsdb_datum_sort(datum, type->key.type)) {
        GString *s = g_string_new(is_map ? "map contains duplicate key"
                                  : "set contains duplicate value");

        for (i = 1; i < datum->n; i++) {
            if (ovsdb_atom_equals(&datum->keys[i - 1], &datum->keys[i],
                                  type->key.type)) {
                g_string_append_c(s, ' ');
                ovsdb_atom_to_gstring(&datum->keys[i], type->key.type, s);
                break;
            }
        }
        *errp = g_string_free(s, FALSE);
        ovsdb_datum_destroy(datum, type);
        return -EINVAL;
    }
    return 0;
}

json_t *
ovsdb_datum_to_json(const struct ovsdb_datum *datum,
                    const struct ovsdb_type *type)
{
    json_t *elems;

    if (ovsdb_type_is_map(type)) {
        elems = json_array();
        for (unsigned int i = 0; i < datum->n; i++) {
            json_t *pair = json_array();

            json_array_append_new(pair, ovsdb_atom_to_json(&datum->keys[i],
                                                           type->key.type));
            json_array_append_new(pair,
                                  ovsdb_atom_to_json(&datum->values[i],
                                                     type->value.type));
            json_array_append_new(elems, pair);
        }
        return json_pack("[so]", "map", elems);
    }
    if (datum->n == 1) {
        return ovsdb_atom_to_json(&datum->keys[0], type->key.type);
    }
    elems = json_array();
    for (unsigned int i = 0; i < datum->n; i++) {
        json_array_append_new(elems, ovsdb_atom_to_json(&datum->keys[i],
                                                        type->key.type));
    }
    return json_pack("[so]", "set", elems);
}

int
ovsdb_datum_check_constraints(const struct ovsdb_datum *datum,
                              const struct ovsdb_type *type, char **errp)
{
    if (datum->n < type->n_min || datum->n > type->n_max) {
        char *s = ovsdb_type_to_english(type);

        *errp = g_strdup_printf("%u value%s cannot be stored in a column "
                                "of type %s", datum->n,
                                datum->n == 1 ? "" : "s", s);
        g_free(s);
        return -ERANGE;
    }
    for (unsigned int i = 0; i < datum->n; i++) {
        int error = ovsdb_atom_check_constraints(&datum->keys[i], &type->key,
                                                 errp);
        if (!error && datum->values) {
            error = ovsdb_atom_check_constraints(&datum->values[i],
                                                 &type->value, errp);
        }
        if (error) {
            return error;
        }
    }
    return 0;
}

int
ovsdb_datum_compare(const struct ovsdb_datum *a, const struct ovsdb_datum *b,
                    const struct ovsdb_type *type)
{
    unsigned int n = MIN(a->n, b->n);

    for (unsigned int i = 0; i < n; i++) {
        int c = ovsdb_atom_compare(&a->keys[i], &b->keys[i], type->key.type);

        if (!c && a->values && b->values) {
            c = ovsdb_atom_compare(&a->values[i], &b->values[i],
                                   type->value.type);
        }
        if (c) {
            return c;
        }
    }
    return a->n < b->n ? -1 : a->n > b->n;
}

bool
ovsdb_datum_equals(const struct ovsdb_datum *a, const struct ovsdb_datum *b,
                   const struct ovsdb_type *type)
{
    return a->n == b->n && !ovsdb_datum_compare(a, b, type);
}

uint32_t
ovsdb_datum_hash(const struct ovsdb_datum *datum,
                 const struct ovsdb_type *type, uint32_t basis)
{
    uint32_t hash = basis ^ datum->n;

    for (unsigned int i = 0; i < datum->n; i++) {
        hash = ovsdb_atom_hash(&datum->keys[i], type->key.type, hash);
        if (datum->values) {
            hash = ovsdb_atom_hash(&datum->values[i], type->value.type, hash);
        }
    }
    return hash;
}

int
ovsdb_datum_find_key(const struct ovsdb_datum *datum,
                     const union ovsdb_atom *key,
                     enum ovsdb_atomic_type key_type)
{
    unsigned int lo = 0, hi = datum->n;

    while (lo < hi) {
        unsigned int mid = lo + (hi - lo) / 2;
        int c = ovsdb_atom_compare(key, &datum->keys[mid], key_type);

        if (c < 0) {
            hi = mid;
        } else if (c > 0) {
            lo = mid + 1;
        } else {
            return (int) mid;
        }
    }
    return -1;
}

/* Returns true if element 'j' of 'b' is in 'a' at index 'i' (keys already
 * known equal): for maps, the values must match too. */
static bool
values_match(const struct ovsdb_datum *a, unsigned int i,
             const struct ovsdb_datum *b, unsigned int j,
             const struct ovsdb_type *type)
{
    return (!a->values || !b->values
            || ovsdb_atom_equals(&a->values[i], &b->values[j],
                                 type->value.type));
}

bool
ovsdb_datum_includes_all(const struct ovsdb_datum *a,
                         const struct ovsdb_datum *b,
                         const struct ovsdb_type *type)
{
    unsigned int i = 0;

    for (unsigned int j = 0; j < b->n; j++) {
        int c = -1;

        while (i < a->n
               && (c = ovsdb_atom_compare(&a->keys[i], &b->keys[j],
                                          type->key.type)) < 0) {
            i++;
        }
        if (i >= a->n || c || !values_match(a, i, b, j, type)) {
            return false;
        }
    }
    return true;
}

bool
ovsdb_datum_excludes_all(const struct ovsdb_datum *a,
                         const struct ovsdb_datum *b,
                         const struct ovsdb_type *type)
{
    unsigned int i = 0;

    for (unsigned int j = 0; j < b->n; j++) {
        int c = -1;

        while (i < a->n
               && (c = ovsdb_atom_compare(&a->keys[i], &b->keys[j],
                                          type->key.type)) < 0) {
            i++;
        }
        if (i < a->n && !c && values_match(a, i, b, j, type)) {
            return false;
        }
    }
    return true;
}

void
ovsdb_datum_union(struct ovsdb_datum *dst, const struct ovsdb_datum *src,
                  const struct ovsdb_type *type)
{
    enum ovsdb_atomic_type kt = type->key.type, vt = type->value.type;
    union ovsdb_atom *keys, *values = NULL;
    unsigned int i = 0, j = 0, k = 0;
    unsigned int n = dst->n + src->n;

    if (!src->n) {
        return;
    }
    keys = g_new(union ovsdb_atom, n);
    if (dst->values || src->values) {
        values = g_new(union ovsdb_atom, n);
    }
    while (i < dst->n || j < src->n) {
        int c = (i >= dst->n ? 1
                 : j >= src->n ? -1
                 : ovsdb_atom_compare(&dst->keys[i], &src->keys[j], kt));

        if (c <= 0) {
            keys[k] = dst->keys[i];
            if (values) {
                values[k] = dst->values[i];
            }
            i++;
            j += !c;
        } else {
            ovsdb_atom_clone(&keys[k], &src->keys[j], kt);
            if (values) {
                ovsdb_atom_clone(&values[k], &src->values[j], vt);
            }
            j++;
        }
        k++;
    }
    g_free(dst->keys);
    g_free(dst->values);
    dst->keys = keys;
    dst->values = values;
    dst->n = k;
}

void
ovsdb_datum_subtract(struct ovsdb_datum *dst,
                     const struct ovsdb_type *dst_type,
                     const struct ovsdb_datum *src,
                     const struct ovsdb_type *src_type)
{
    enum ovsdb_atomic_type kt = dst_type->key.type;
    enum ovsdb_atomic_type vt = dst_type->value.type;
    bool match_values = dst->values && src_type->value.type != OVSDB_TYPE_VOID;
    unsigned int i, j = 0, k = 0;

    if (!src->n || !dst->n) {
        return;
    }
    for (i = 0; i < dst->n; i++) {
        int c = 1;
        bool remove = false;

        while (j < src->n
               && (c = ovsdb_atom_compare(&src->keys[j], &dst->keys[i],
                                          kt)) < 0) {
            j++;
        }
        if (j < src->n && !c) {
            remove = (!match_values
                      || ovsdb_atom_equals(&dst->values[i], &src->values[j],
                                           vt));
        }
        if (remove) {
            ovsdb_atom_destroy(&dst->keys[i], kt);
            if (dst->values) {
                ovsdb_atom_destroy(&dst->values[i], vt);
            }
        } else {
            dst->keys[k] = dst->keys[i];
            if (dst->values) {
                dst->values[k] = dst->values[i];
            }
            k++;
        }
    }
    dst->n = k;
}

void
ovsdb_datum_remove(struct ovsdb_datum *datum, unsigned int i,
                   const struct ovsdb_type *type)
{
    unsigned int rest = datum->n - i - 1;

    ovsdb_atom_destroy(&datum->keys[i], type->key.type);
    memmove(&datum->keys[i], &datum->keys[i + 1], rest * sizeof *datum->keys);
    if (datum->values) {
        ovsdb_atom_destroy(&datum->values[i], type->value.type);
        memmove(&datum->values[i], &datum->values[i + 1],
                rest * sizeof *datum->values);
    }
    datum->n--;
}

/* ------------------------------------------------------------------------
 * Named UUIDs. */

struct ovsdb_symtab {
    GHashTable *symbols;        /* Name -> struct ovsdb_symbol. */
    ovsdb_uuid_generator *gen;
    void *aux;
};

static void
symbol_free(gpointer symbol_)
{
    struct ovsdb_symbol *symbol = symbol_;

    g_free(symbol->name);
    g_free(symbol);
}

struct ovsdb_symtab *
ovsdb_symtab_create(ovsdb_uuid_generator *gen, void *aux)
{
    struct ovsdb_symtab *symtab = g_new(struct ovsdb_symtab, 1);

    symtab->symbols = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                            symbol_free);
    symtab->gen = gen;
    symtab->aux = aux;
    return symtab;
}

void
ovsdb_symtab_destroy(struct ovsdb_symtab *symtab)
{
    if (symtab) {
        g_hash_table_destroy(symtab->symbols);
        g_free(symtab);
    }
}

struct ovsdb_symbol *
ovsdb_symtab_get(const struct ovsdb_symtab *symtab, const char *name)
{
    return g_hash_table_lookup(symtab->symbols, name);
}

struct ovsdb_symbol *
ovsdb_symtab_insert(struct ovsdb_symtab *symtab, const char *name)
{
    struct ovsdb_symbol *symbol = g_hash_table_lookup(symtab->symbols, name);

    if (!symbol) {
        symbol = g_new0(struct ovsdb_symbol, 1);
        symbol->name = g_strdup(name);
        if (symtab->gen) {
            symtab->gen(&symbol->uuid, symtab->aux);
        } else {
            ovsdb_uuid_generate(&symbol->uuid);
        }
        g_hash_table_insert(symtab->symbols, symbol->name, symbol);
    }
    return symbol;
}
