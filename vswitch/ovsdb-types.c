/* ovsdb-types.c -- OVSDB UUIDs, atomic, base and column types.
 *
 * This is the bottom of the database engine: ovsdb-data.c builds atoms and
 * datums on these types, ovsdb-schema.c parses a whole schema (and resolves
 * the "refTable" names left here as strings), ovsdb-db.c and ovsdb-txn.c
 * use both.  The only dependency upward is the "enum" constraint, a datum,
 * which is parsed with ovsdb-data.c.  Errors are returned as -EINVAL with a
 * message that the schema parser prefixes with the table and column. */
#include <config.h>

#include "ovsdb-types.h"

#include <errno.h>
#include <float.h>
#include <string.h>

#include "ovsdb-data.h"

/* ------------------------------------------------------------------------
 * UUIDs. */

void
ovsdb_uuid_generate(struct ovsdb_uuid *uuid)
{
    for (size_t i = 0; i < 16; i += 4) {
        guint32 r = g_random_int();

        memcpy(&uuid->b[i], &r, 4);
    }
    uuid->b[6] = (uuid->b[6] & 0x0f) | 0x40;    /* Version 4. */
    uuid->b[8] = (uuid->b[8] & 0x3f) | 0x80;    /* RFC 4122 variant. */
}

static int
hexit_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    } else if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

bool
ovsdb_uuid_from_string(struct ovsdb_uuid *uuid, const char *s)
{
    struct ovsdb_uuid u;
    size_t j = 0;

    if (!s || strlen(s) != OVSDB_UUID_LEN) {
        return false;
    }
    for (size_t i = 0; i < OVSDB_UUID_LEN; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-') {
                return false;
            }
            continue;
        }
        int hi = hexit_value(s[i]);
        int lo = hexit_value(s[i + 1]);
        if (hi < 0 || lo < 0) {
            return false;
        }
        u.b[j++] = (uint8_t) (hi << 4 | lo);
        i++;
    }
    *uuid = u;
    return true;
}

void
ovsdb_uuid_to_string(const struct ovsdb_uuid *uuid,
                     char buf[OVSDB_UUID_LEN + 1])
{
    static const char hex[] = "0123456789abcdef";
    char *p = buf;

    for (size_t i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10) {
            *p++ = '-';
        }
        *p++ = hex[uuid->b[i] >> 4];
        *p++ = hex[uuid->b[i] & 15];
    }
    *p = '\0';
}

bool
ovsdb_uuid_is_zero(const struct ovsdb_uuid *uuid)
{
    static const struct ovsdb_uuid zero;

    return !memcmp(uuid, &zero, sizeof zero);
}

int
ovsdb_uuid_compare(const struct ovsdb_uuid *a, const struct ovsdb_uuid *b)
{
    return memcmp(a->b, b->b, sizeof a->b);
}

bool
ovsdb_uuid_equals(const struct ovsdb_uuid *a, const struct ovsdb_uuid *b)
{
    return !memcmp(a->b, b->b, sizeof a->b);
}

/* A 32-bit hash in the style of MurmurHash3: 4-byte blocks mixed into the
 * state, then a final avalanche. */
static inline uint32_t
hash_rot(uint32_t x, int k)
{
    return (x << k) | (x >> (32 - k));
}

static inline uint32_t
hash_add(uint32_t hash, uint32_t data)
{
    data *= 0xcc9e2d51;
    data = hash_rot(data, 15);
    data *= 0x1b873593;
    hash ^= data;
    hash = hash_rot(hash, 13);
    return hash * 5 + 0xe6546b64;
}

static inline uint32_t
hash_finish(uint32_t hash, uint32_t n)
{
    hash ^= n;
    hash ^= hash >> 16;
    hash *= 0x85ebca6b;
    hash ^= hash >> 13;
    hash *= 0xc2b2ae35;
    hash ^= hash >> 16;
    return hash;
}

uint32_t
ovsdb_hash_bytes(const void *p_, size_t n, uint32_t basis)
{
    const uint8_t *p = p_;
    uint32_t hash = basis;
    size_t i;

    for (i = 0; i + 4 <= n; i += 4) {
        uint32_t w;

        memcpy(&w, p + i, 4);
        hash = hash_add(hash, w);
    }
    if (i < n) {
        uint32_t w = 0;

        memcpy(&w, p + i, n - i);
        hash = hash_add(hash, w);
    }
    return hash_finish(hash, (uint32_t) n);
}

uint32_t
ovsdb_uuid_hash(const struct ovsdb_uuid *uuid)
{
    return ovsdb_hash_bytes(uuid->b, sizeof uuid->b, 0);
}

guint
ovsdb_uuid_ghash(gconstpointer uuid)
{
    return ovsdb_uuid_hash(uuid);
}

gboolean
ovsdb_uuid_gequal(gconstpointer a, gconstpointer b)
{
    return ovsdb_uuid_equals(a, b);
}

/* ------------------------------------------------------------------------
 * Atomic types. */

static const char *const atomic_type_names[] = {
    [OVSDB_TYPE_VOID] = "void",
    [OVSDB_TYPE_INTEGER] = "integer",
    [OVSDB_TYPE_REAL] = "real",
    [OVSDB_TYPE_BOOLEAN] = "boolean",
    [OVSDB_TYPE_STRING] = "string",
    [OVSDB_TYPE_UUID] = "uuid",
};

const char *
ovsdb_atomic_type_to_string(enum ovsdb_atomic_type type)
{
    return type <= OVSDB_TYPE_UUID ? atomic_type_names[type] : "<invalid>";
}

bool
ovsdb_atomic_type_from_string(const char *s, enum ovsdb_atomic_type *typep)
{
    for (int t = OVSDB_TYPE_INTEGER; t <= OVSDB_TYPE_UUID; t++) {
        if (!strcmp(s, atomic_type_names[t])) {
            *typep = t;
            return true;
        }
    }
    return false;
}

/* ------------------------------------------------------------------------
 * Base types. */

void
ovsdb_base_type_init(struct ovsdb_base_type *base,
                     enum ovsdb_atomic_type type)
{
    memset(base, 0, sizeof *base);
    base->type = type;
    switch (type) {
    case OVSDB_TYPE_INTEGER:
        base->u.integer.min = INT64_MIN;
        base->u.integer.max = INT64_MAX;
        break;
    case OVSDB_TYPE_REAL:
        base->u.real.min = -DBL_MAX;
        base->u.real.max = DBL_MAX;
        break;
    case OVSDB_TYPE_STRING:
        base->u.string.min_len = 0;
        base->u.string.max_len = UINT_MAX;
        break;
    case OVSDB_TYPE_UUID:
        base->u.uuid.ref_type = OVSDB_REF_STRONG;
        break;
    case OVSDB_TYPE_VOID:
    case OVSDB_TYPE_BOOLEAN:
        break;
    }
}

/* The type of a base type's "enum" datum: a set of the atomic type,
 * unconstrained. */
static void
enum_type_init(struct ovsdb_type *type, enum ovsdb_atomic_type atomic)
{
    ovsdb_type_init(type, atomic);
    type->n_min = 0;
    type->n_max = OVSDB_N_UNLIMITED;
}

void
ovsdb_base_type_clone(struct ovsdb_base_type *dst,
                      const struct ovsdb_base_type *src)
{
    *dst = *src;
    if (src->enum_) {
        struct ovsdb_type et;

        enum_type_init(&et, src->type);
        dst->enum_ = g_new(struct ovsdb_datum, 1);
        ovsdb_datum_clone(dst->enum_, src->enum_, &et);
    }
    if (src->type == OVSDB_TYPE_UUID) {
        dst->u.uuid.ref_table_name = g_strdup(src->u.uuid.ref_table_name);
    }
}

void
ovsdb_base_type_destroy(struct ovsdb_base_type *base)
{
    if (!base) {
        return;
    }
    ovsdb_base_type_clear_constraints(base);
    if (base->type == OVSDB_TYPE_UUID) {
        g_free(base->u.uuid.ref_table_name);
    }
    ovsdb_base_type_init(base, OVSDB_TYPE_VOID);
}

void
ovsdb_base_type_clear_constraints(struct ovsdb_base_type *base)
{
    if (base->enum_) {
        struct ovsdb_type et;

        enum_type_init(&et, base->type);
        ovsdb_datum_destroy(base->enum_, &et);
        g_free(base->enum_);
        base->enum_ = NULL;
    }
    if (base->type != OVSDB_TYPE_UUID) {
        ovsdb_base_type_init(base, base->type);
    }
}

bool
ovsdb_base_type_is_strong_ref(const struct ovsdb_base_type *base)
{
    return (base->type == OVSDB_TYPE_UUID && base->u.uuid.ref_table_name
            && base->u.uuid.ref_type == OVSDB_REF_STRONG);
}

bool
ovsdb_base_type_is_weak_ref(const struct ovsdb_base_type *base)
{
    return (base->type == OVSDB_TYPE_UUID && base->u.uuid.ref_table_name
            && base->u.uuid.ref_type == OVSDB_REF_WEAK);
}

bool
ovsdb_is_id(const char *s)
{
    if (!g_ascii_isalpha(*s) && *s != '_') {
        return false;
    }
    for (s++; *s; s++) {
        if (!g_ascii_isalnum(*s) && *s != '_') {
            return false;
        }
    }
    return true;
}

int
ovsdb_json_check_members(const json_t *json, const char *const allowed[],
                         const char *where, char **errp)
{
    const char *key;
    json_t *value;

    json_object_foreach ((json_t *) json, key, value) {
        bool found = false;

        for (size_t i = 0; allowed[i]; i++) {
            if (!strcmp(key, allowed[i])) {
                found = true;
                break;
            }
        }
        if (!found) {
            *errp = g_strdup_printf("%sunexpected member \"%s\"", where, key);
            return -EINVAL;
        }
    }
    return 0;
}

/* Like ovsdb_json_check_members(), with the message "<what> has unexpected
 * member ...". */
static int
check_members(const json_t *json, const char *const allowed[],
              const char *what, char **errp)
{
    char *where = g_strdup_printf("%s has ", what);
    int error = ovsdb_json_check_members(json, allowed, where, errp);

    g_free(where);
    return error;
}

static int
parse_int_member(const json_t *obj, const char *name, int64_t *valuep,
                 char **errp)
{
    const json_t *j = json_object_get(obj, name);

    if (!j) {
        return 0;
    }
    if (!json_is_integer(j)) {
        *errp = g_strdup_printf("\"%s\" must be an integer", name);
        return -EINVAL;
    }
    *valuep = json_integer_value(j);
    return 0;
}

static int
parse_real_member(const json_t *obj, const char *name, double *valuep,
                  char **errp)
{
    const json_t *j = json_object_get(obj, name);

    if (!j) {
        return 0;
    }
    if (!json_is_number(j)) {
        *errp = g_strdup_printf("\"%s\" must be a number", name);
        return -EINVAL;
    }
    *valuep = json_number_value(j);
    return 0;
}

static int
parse_uint_member(const json_t *obj, const char *name, unsigned int *valuep,
                  char **errp)
{
    const json_t *j = json_object_get(obj, name);

    if (!j) {
        return 0;
    }
    if (!json_is_integer(j) || json_integer_value(j) < 0
        || json_integer_value(j) > UINT_MAX) {
        *errp = g_strdup_printf("\"%s\" must be a nonnegative integer "
                                "no greater than %u", name, UINT_MAX);
        return -EINVAL;
    }
    *valuep = (unsigned int) json_integer_value(j);
    return 0;
}

static int
parse_atomic_type(const json_t *json, enum ovsdb_atomic_type *typep,
                  char **errp)
{
    if (!json_is_string(json)) {
        *errp = g_strdup("atomic type name expected");
        return -EINVAL;
    }
    if (!ovsdb_atomic_type_from_string(json_string_value(json), typep)) {
        *errp = g_strdup_printf("unknown atomic type \"%s\"",
                                json_string_value(json));
        return -EINVAL;
    }
    return 0;
}

int
ovsdb_base_type_from_json(struct ovsdb_base_type *base, const json_t *json,
                          char **errp)
{
    static const char *const int_members[] = {
        "type", "minInteger", "maxInteger", NULL
    };
    static const char *const real_members[] = {
        "type", "minReal", "maxReal", NULL
    };
    static const char *const string_members[] = {
        "type", "minLength", "maxLength", NULL
    };
    static const char *const uuid_members[] = {
        "type", "refTable", "refType", NULL
    };
    static const char *const plain_members[] = { "type", NULL };
    static const char *const enum_members[] = { "type", "enum", NULL };
    enum ovsdb_atomic_type type;
    const char *const *allowed;
    const json_t *enum_json;
    int error;

    ovsdb_base_type_init(base, OVSDB_TYPE_VOID);
    if (json_is_string(json)) {
        error = parse_atomic_type(json, &type, errp);
        if (!error) {
            ovsdb_base_type_init(base, type);
        }
        return error;
    } else if (!json_is_object(json)) {
        *errp = g_strdup("base type must be a string or an object");
        return -EINVAL;
    }

    if (!json_object_get(json, "type")) {
        *errp = g_strdup("base type object lacks \"type\"");
        return -EINVAL;
    }
    error = parse_atomic_type(json_object_get(json, "type"), &type, errp);
    if (error) {
        return error;
    }
    ovsdb_base_type_init(base, type);

    enum_json = json_object_get(json, "enum");
    allowed = (enum_json ? enum_members
               : type == OVSDB_TYPE_INTEGER ? int_members
               : type == OVSDB_TYPE_REAL ? real_members
               : type == OVSDB_TYPE_STRING ? string_members
               : type == OVSDB_TYPE_UUID ? uuid_members
               : plain_members);
    error = check_members(json, allowed,
                          enum_json ? "base type with \"enum\""
                          : "base type", errp);
    if (error) {
        goto error;
    }

    if (enum_json) {
        struct ovsdb_type et;
        char *msg = NULL;

        enum_type_init(&et, type);
        base->enum_ = g_new(struct ovsdb_datum, 1);
        error = ovsdb_datum_from_json(base->enum_, &et, enum_json, NULL,
                                      &msg);
        if (error) {
            g_free(base->enum_);
            base->enum_ = NULL;
            *errp = g_strdup_printf("bad \"enum\": %s", msg);
            g_free(msg);
            goto error;
        }
        if (!base->enum_->n) {
            *errp = g_strdup("\"enum\" must have at least one value");
            error = -EINVAL;
            goto error;
        }
        return 0;
    }

    switch (type) {
    case OVSDB_TYPE_INTEGER:
        error = parse_int_member(json, "minInteger", &base->u.integer.min,
                                 errp);
        if (!error) {
            error = parse_int_member(json, "maxInteger",
                                     &base->u.integer.max, errp);
        }
        if (!error && base->u.integer.min > base->u.integer.max) {
            *errp = g_strdup("minInteger exceeds maxInteger");
            error = -EINVAL;
        }
        break;

    case OVSDB_TYPE_REAL:
        error = parse_real_member(json, "minReal", &base->u.real.min, errp);
        if (!error) {
            error = parse_real_member(json, "maxReal", &base->u.real.max,
                                      errp);
        }
        if (!error && base->u.real.min > base->u.real.max) {
            *errp = g_strdup("minReal exceeds maxReal");
            error = -EINVAL;
        }
        break;

    case OVSDB_TYPE_STRING:
        error = parse_uint_member(json, "minLength",
                                  &base->u.string.min_len, errp);
        if (!error) {
            error = parse_uint_member(json, "maxLength",
                                      &base->u.string.max_len, errp);
        }
        if (!error && base->u.string.min_len > base->u.string.max_len) {
            *errp = g_strdup("minLength exceeds maxLength");
            error = -EINVAL;
        }
        break;

    case OVSDB_TYPE_UUID: {
        const json_t *ref_table = json_object_get(json, "refTable");
        const json_t *ref_type = json_object_get(json, "refType");

        if (ref_type && !ref_table) {
            *errp = g_strdup("\"refType\" requires \"refTable\"");
            error = -EINVAL;
        } else if (ref_table && (!json_is_string(ref_table)
                                 || !ovsdb_is_id(json_string_value(ref_table)))) {
            *errp = g_strdup("\"refTable\" must be a table name");
            error = -EINVAL;
        } else if (ref_type
                   && (!json_is_string(ref_type)
                       || (strcmp(json_string_value(ref_type), "strong")
                           && strcmp(json_string_value(ref_type), "weak")))) {
            *errp = g_strdup("\"refType\" must be \"strong\" or \"weak\"");
            error = -EINVAL;
        } else if (ref_table) {
            base->u.uuid.ref_table_name
                = g_strdup(json_string_value(ref_table));
            base->u.uuid.ref_type
                = (ref_type && !strcmp(json_string_value(ref_type), "weak")
                   ? OVSDB_REF_WEAK : OVSDB_REF_STRONG);
        }
        break;
    }

    case OVSDB_TYPE_VOID:
    case OVSDB_TYPE_BOOLEAN:
        break;
    }
    if (!error) {
        return 0;
    }

error:
    ovsdb_base_type_destroy(base);
    return error;
}

static bool
base_type_has_constraints(const struct ovsdb_base_type *base)
{
    if (base->enum_) {
        return true;
    }
    switch (base->type) {
    case OVSDB_TYPE_INTEGER:
        return (base->u.integer.min != INT64_MIN
                || base->u.integer.max != INT64_MAX);
    case OVSDB_TYPE_REAL:
        return base->u.real.min != -DBL_MAX || base->u.real.max != DBL_MAX;
    case OVSDB_TYPE_STRING:
        return (base->u.string.min_len != 0
                || base->u.string.max_len != UINT_MAX);
    case OVSDB_TYPE_UUID:
        return base->u.uuid.ref_table_name != NULL;
    case OVSDB_TYPE_VOID:
    case OVSDB_TYPE_BOOLEAN:
        break;
    }
    return false;
}

json_t *
ovsdb_base_type_to_json(const struct ovsdb_base_type *base)
{
    const char *name = ovsdb_atomic_type_to_string(base->type);
    json_t *json;

    if (!base_type_has_constraints(base)) {
        return json_string(name);
    }

    json = json_object();
    json_object_set_new(json, "type", json_string(name));
    if (base->enum_) {
        struct ovsdb_type et;

        enum_type_init(&et, base->type);
        json_object_set_new(json, "enum",
                            ovsdb_datum_to_json(base->enum_, &et));
        return json;
    }
    switch (base->type) {
    case OVSDB_TYPE_INTEGER:
        if (base->u.integer.min != INT64_MIN) {
            json_object_set_new(json, "minInteger",
                                json_integer(base->u.integer.min));
        }
        if (base->u.integer.max != INT64_MAX) {
            json_object_set_new(json, "maxInteger",
                                json_integer(base->u.integer.max));
        }
        break;
    case OVSDB_TYPE_REAL:
        if (base->u.real.min != -DBL_MAX) {
            json_object_set_new(json, "minReal", json_real(base->u.real.min));
        }
        if (base->u.real.max != DBL_MAX) {
            json_object_set_new(json, "maxReal", json_real(base->u.real.max));
        }
        break;
    case OVSDB_TYPE_STRING:
        if (base->u.string.min_len) {
            json_object_set_new(json, "minLength",
                                json_integer(base->u.string.min_len));
        }
        if (base->u.string.max_len != UINT_MAX) {
            json_object_set_new(json, "maxLength",
                                json_integer(base->u.string.max_len));
        }
        break;
    case OVSDB_TYPE_UUID:
        json_object_set_new(json, "refTable",
                            json_string(base->u.uuid.ref_table_name));
        if (base->u.uuid.ref_type == OVSDB_REF_WEAK) {
            json_object_set_new(json, "refType", json_string("weak"));
        }
        break;
    case OVSDB_TYPE_VOID:
    case OVSDB_TYPE_BOOLEAN:
        break;
    }
    return json;
}

/* ------------------------------------------------------------------------
 * Column types. */

void
ovsdb_type_init(struct ovsdb_type *type, enum ovsdb_atomic_type atomic)
{
    ovsdb_base_type_init(&type->key, atomic);
    ovsdb_base_type_init(&type->value, OVSDB_TYPE_VOID);
    type->n_min = 1;
    type->n_max = 1;
}

void
ovsdb_type_clone(struct ovsdb_type *dst, const struct ovsdb_type *src)
{
    ovsdb_base_type_clone(&dst->key, &src->key);
    ovsdb_base_type_clone(&dst->value, &src->value);
    dst->n_min = src->n_min;
    dst->n_max = src->n_max;
}

void
ovsdb_type_destroy(struct ovsdb_type *type)
{
    if (type) {
        ovsdb_base_type_destroy(&type->key);
        ovsdb_base_type_destroy(&type->value);
    }
}

int
ovsdb_type_from_json(struct ovsdb_type *type, const json_t *json,
                     char **errp)
{
    static const char *const members[] = {
        "key", "value", "min", "max", NULL
    };
    const json_t *key, *value, *min, *max;
    char *msg = NULL;
    int error;

    ovsdb_type_init(type, OVSDB_TYPE_VOID);
    if (json_is_string(json)) {
        return ovsdb_base_type_from_json(&type->key, json, errp);
    } else if (!json_is_object(json)) {
        *errp = g_strdup("type must be a string or an object");
        return -EINVAL;
    }

    error = check_members(json, members, "type", errp);
    if (error) {
        return error;
    }
    key = json_object_get(json, "key");
    value = json_object_get(json, "value");
    min = json_object_get(json, "min");
    max = json_object_get(json, "max");
    if (!key) {
        *errp = g_strdup("type object lacks \"key\"");
        return -EINVAL;
    }

    error = ovsdb_base_type_from_json(&type->key, key, &msg);
    if (error) {
        *errp = g_strdup_printf("key type: %s", msg);
        goto out;
    }
    if (value) {
        error = ovsdb_base_type_from_json(&type->value, value, &msg);
        if (error) {
            *errp = g_strdup_printf("value type: %s", msg);
            goto out;
        }
    }

    if (min) {
        if (!json_is_integer(min) || json_integer_value(min) < 0
            || json_integer_value(min) > 1) {
            *errp = g_strdup("\"min\" must be 0 or 1");
            error = -EINVAL;
            goto out;
        }
        type->n_min = (unsigned int) json_integer_value(min);
    }
    if (max) {
        if (json_is_string(max)
            && !strcmp(json_string_value(max), "unlimited")) {
            type->n_max = OVSDB_N_UNLIMITED;
        } else if (json_is_integer(max) && json_integer_value(max) >= 1
                   && json_integer_value(max) < UINT_MAX) {
            type->n_max = (unsigned int) json_integer_value(max);
        } else {
            *errp = g_strdup("\"max\" must be a positive integer or "
                             "\"unlimited\"");
            error = -EINVAL;
            goto out;
        }
    }
    if (type->n_min > type->n_max) {
        *errp = g_strdup("\"min\" exceeds \"max\"");
        error = -EINVAL;
    }

out:
    g_free(msg);
    if (error) {
        ovsdb_type_destroy(type);
    }
    return error;
}

json_t *
ovsdb_type_to_json(const struct ovsdb_type *type)
{
    json_t *json;

    if (ovsdb_type_is_scalar(type)
        && !base_type_has_constraints(&type->key)) {
        return ovsdb_base_type_to_json(&type->key);
    }
    json = json_object();
    json_object_set_new(json, "key", ovsdb_base_type_to_json(&type->key));
    if (type->value.type != OVSDB_TYPE_VOID) {
        json_object_set_new(json, "value",
                            ovsdb_base_type_to_json(&type->value));
    }
    if (type->n_min != 1) {
        json_object_set_new(json, "min", json_integer(type->n_min));
    }
    if (type->n_max == OVSDB_N_UNLIMITED) {
        json_object_set_new(json, "max", json_string("unlimited"));
    } else if (type->n_max != 1) {
        json_object_set_new(json, "max", json_integer(type->n_max));
    }
    return json;
}

static const char *
base_type_to_english(const struct ovsdb_base_type *base, bool plural)
{
    static const char *const singular[] = {
        [OVSDB_TYPE_VOID] = "void",
        [OVSDB_TYPE_INTEGER] = "integer",
        [OVSDB_TYPE_REAL] = "real",
        [OVSDB_TYPE_BOOLEAN] = "boolean",
        [OVSDB_TYPE_STRING] = "string",
        [OVSDB_TYPE_UUID] = "uuid",
    };
    static const char *const plurals[] = {
        [OVSDB_TYPE_VOID] = "voids",
        [OVSDB_TYPE_INTEGER] = "integers",
        [OVSDB_TYPE_REAL] = "reals",
        [OVSDB_TYPE_BOOLEAN] = "booleans",
        [OVSDB_TYPE_STRING] = "strings",
        [OVSDB_TYPE_UUID] = "uuids",
    };

    return plural ? plurals[base->type] : singular[base->type];
}

char *
ovsdb_type_to_english(const struct ovsdb_type *type)
{
    const char *key = base_type_to_english(&type->key, false);
    GString *s;

    if (ovsdb_type_is_scalar(type)) {
        return g_strdup(key);
    }

    s = g_string_new(NULL);
    if (ovsdb_type_is_map(type)) {
        g_string_append_printf(s, "map of ");
    } else {
        g_string_append_printf(s, "set of ");
    }
    if (type->n_max == OVSDB_N_UNLIMITED) {
        if (type->n_min) {
            g_string_append_printf(s, "%u or more ", type->n_min);
        }
    } else if (type->n_min == type->n_max) {
        g_string_append_printf(s, "exactly %u ", type->n_min);
    } else if (type->n_min) {
        g_string_append_printf(s, "%u to %u ", type->n_min, type->n_max);
    } else {
        g_string_append_printf(s, "up to %u ", type->n_max);
    }
    if (ovsdb_type_is_map(type)) {
        g_string_append_printf(s, "(%s, %s) pairs", key,
                               base_type_to_english(&type->value, false));
    } else {
        g_string_append(s, base_type_to_english(&type->key, true));
    }
    return g_string_free(s, FALSE);
}

bool
ovsdb_type_is_scalar(const struct ovsdb_type *type)
{
    return (type->value.type == OVSDB_TYPE_VOID
            && type->n_min == 1 && type->n_max == 1);
}

bool
ovsdb_type_is_optional_scalar(const struct ovsdb_type *type)
{
    return (type->value.type == OVSDB_TYPE_VOID
            && type->n_min == 0 && type->n_max == 1);
}

bool
ovsdb_type_is_set(const struct ovsdb_type *type)
{
    return (type->value.type == OVSDB_TYPE_VOID
            && (type->n_min != 1 || type->n_max != 1));
}

bool
ovsdb_type_is_map(const struct ovsdb_type *type)
{
    return type->value.type != OVSDB_TYPE_VOID;
}

bool
ovsdb_type_has_strong_refs(const struct ovsdb_type *type)
{
    return (ovsdb_base_type_is_strong_ref(&type->key)
            || ovsdb_base_type_is_strong_ref(&type->value));
}

bool
ovsdb_type_has_weak_refs(const struct ovsdb_type *type)
{
    return (ovsdb_base_type_is_weak_ref(&type->key)
            || ovsdb_base_type_is_weak_ref(&type->value));
}
