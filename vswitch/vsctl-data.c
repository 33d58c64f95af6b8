/* vsctl-data.c -- ovs-vsctl's string syntax for OVSDB values.
 *
 * vsctl.c parses every value on its command line and prints every cell
 * through these functions; the RFC 7047 JSON forms stay in ovsdb-data.c,
 * whose atoms and datums these build and read.  The wording of errors is
 * that of ovs-vsctl, since scripts and tests compare it. */
#include <config.h>

#include "vsctl-data.h"

#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

bool
vsctl_token_is_delim(unsigned char c)
{
    return c && strchr(":=, []{}!<>", c) != NULL;
}

int
vsctl_token_parse(const char **s, char **outp, char **errp)
{
    GString *out = g_string_new(NULL);
    bool in_quotes = false;
    const char *p;

    for (p = *s; *p != '\0';) {
        int c = *p++;

        if (c == '\\') {
            if (in_quotes) {
                g_string_append_c(out, '\\');
            }
            if (!*p) {
                *errp = g_strdup_printf("%s: backslash at end of argument",
                                        *s);
                g_string_free(out, TRUE);
                return -EINVAL;
            }
            g_string_append_c(out, *p++);
        } else if (!in_quotes && vsctl_token_is_delim(c)) {
            p--;
            break;
        } else {
            g_string_append_c(out, c);
            if (c == '"') {
                in_quotes = !in_quotes;
            }
        }
    }
    if (in_quotes) {
        *errp = g_strdup_printf("%s: quoted string extends past end of "
                                "argument", *s);
        g_string_free(out, TRUE);
        return -EINVAL;
    }
    *outp = g_string_free(out, FALSE);
    *s = p;
    return 0;
}

int
vsctl_atom_check(const union ovsdb_atom *atom,
                 const struct ovsdb_base_type *base, char **errp)
{
    const char *why = "constraint violation";

    if (base->enum_) {
        struct ovsdb_type et;
        GString *s;

        if (ovsdb_datum_find_key(base->enum_, atom, base->type) >= 0) {
            return 0;
        }
        s = g_string_new(NULL);
        ovsdb_type_init(&et, base->type);
        et.n_min = 0;
        et.n_max = OVSDB_N_UNLIMITED;
        g_string_append_printf(s, "%s: ", why);
        vsctl_atom_to_string(atom, base->type, s);
        g_string_append(s, " is not one of the allowed values (");
        vsctl_datum_to_string(base->enum_, &et, s);
        g_string_append(s, ")");
        ovsdb_type_destroy(&et);
        *errp = g_string_free(s, FALSE);
        return -ERANGE;
    }
    if (base->type == OVSDB_TYPE_INTEGER) {
        int64_t v = atom->integer;
        int64_t min = base->u.integer.min, max = base->u.integer.max;

        if (v >= min && v <= max) {
            return 0;
        } else if (min != INT64_MIN && max != INT64_MAX) {
            *errp = g_strdup_printf("%s: %" PRId64 " is not in the valid "
                                    "range %" PRId64 " to %" PRId64
                                    " (inclusive)", why, v, min, max);
        } else if (min != INT64_MIN) {
            *errp = g_strdup_printf("%s: %" PRId64 " is less than minimum "
                                    "allowed value %" PRId64, why, v, min);
        } else {
            *errp = g_strdup_printf("%s: %" PRId64 " is greater than "
                                    "maximum allowed value %" PRId64,
                                    why, v, max);
        }
        return -ERANGE;
    } else if (base->type == OVSDB_TYPE_REAL) {
        double v = atom->real;

        if (v >= base->u.real.min && v <= base->u.real.max) {
            return 0;
        }
        *errp = g_strdup_printf("%s: %.*g is not in the valid range %.*g "
                                "to %.*g (inclusive)", why, DBL_DIG, v,
                                DBL_DIG, base->u.real.min, DBL_DIG,
                                base->u.real.max);
        return -ERANGE;
    } else if (base->type == OVSDB_TYPE_STRING) {
        glong len = g_utf8_strlen(atom->string, -1);

        if (len < (glong) base->u.string.min_len) {
            *errp = g_strdup_printf("%s: \"%s\" length %ld is less than "
                                    "minimum allowed length %u", why,
                                    atom->string, len,
                                    base->u.string.min_len);
            return -ERANGE;
        } else if (base->u.string.max_len != UINT_MAX
                   && len > (glong) base->u.string.max_len) {
            *errp = g_strdup_printf("%s: \"%s\" length %ld is greater than "
                                    "maximum allowed length %u", why,
                                    atom->string, len,
                                    base->u.string.max_len);
            return -ERANGE;
        }
    }
    return 0;
}

static int
string_unquote(const char *s, char **outp, char **errp)
{
    size_t len = strlen(s);
    json_error_t jerr;
    json_t *j;

    if (len < 2 || s[len - 1] != '"') {
        *errp = g_strdup_printf("%s: missing quote at end of quoted string",
                                s);
        return -EINVAL;
    }
    j = json_loads(s, JSON_DECODE_ANY, &jerr);
    if (!j || !json_is_string(j)) {
        *errp = g_strdup_printf("%s: %s", s, j ? "not a string" : jerr.text);
        json_decref(j);
        return -EINVAL;
    }
    *outp = g_strdup(json_string_value(j));
    json_decref(j);
    return 0;
}

int
vsctl_atom_from_string(union ovsdb_atom *atom,
                       const struct ovsdb_base_type *base, const char *s,
                       vsctl_symbol_lookup *lookup, void *aux, char **errp)
{
    char *end;
    int error;

    switch (base->type) {
    case OVSDB_TYPE_INTEGER: {
        long long v;

        errno = 0;
        v = strtoll(s, &end, 10);
        if (!*s || *end || errno) {
            *errp = g_strdup_printf("\"%s\" is not a valid integer or range",
                                    s);
            return -EINVAL;
        }
        atom->integer = v;
        break;
    }
    case OVSDB_TYPE_REAL:
        errno = 0;
        atom->real = strtod(s, &end);
        if (!*s || *end || errno) {
            *errp = g_strdup_printf("\"%s\" is not a valid real number", s);
            return -EINVAL;
        }
        if (atom->real == 0.0) {
            atom->real = 0.0;
        }
        break;
    case OVSDB_TYPE_BOOLEAN:
        if (!strcmp(s, "true") || !strcmp(s, "yes") || !strcmp(s, "on")
            || !strcmp(s, "1")) {
            atom->boolean = true;
        } else if (!strcmp(s, "false") || !strcmp(s, "no")
                   || !strcmp(s, "off") || !strcmp(s, "0")) {
            atom->boolean = false;
        } else {
            *errp = g_strdup_printf("\"%s\" is not a valid boolean (use "
                                    "\"true\" or \"false\")", s);
            return -EINVAL;
        }
        break;
    case OVSDB_TYPE_STRING:
        if (!*s) {
            *errp = g_strdup("An empty string is not valid as input; use "
                             "\"\" to represent the empty string");
            return -EINVAL;
        } else if (*s == '"') {
            error = string_unquote(s, &atom->string, errp);
            if (error) {
                return error;
            }
        } else {
            atom->string = g_strdup(s);
        }
        break;
    case OVSDB_TYPE_UUID:
        if (*s == '@' && lookup) {
            error = lookup(s, &atom->uuid, aux, errp);
            if (error) {
                return error;
            }
        } else if (!ovsdb_uuid_from_string(&atom->uuid, s)) {
            *errp = g_strdup_printf("\"%s\" is not a valid UUID", s);
            return -EINVAL;
        }
        break;
    case OVSDB_TYPE_VOID:
    default:
        *errp = g_strdup("void type");
        return -EINVAL;
    }

    error = vsctl_atom_check(atom, base, errp);
    if (error) {
        ovsdb_atom_destroy(atom, base->type);
    }
    return error;
}

static const char *
skip_spaces(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\n') {
        p++;
    }
    return p;
}

static int
parse_atom_token(const char **p, const struct ovsdb_base_type *base,
                 union ovsdb_atom *atom, vsctl_symbol_lookup *lookup,
                 void *aux, char **errp)
{
    char *token;
    int error;

    error = vsctl_token_parse(p, &token, errp);
    if (!error) {
        error = vsctl_atom_from_string(atom, base, token, lookup, aux, errp);
        g_free(token);
    }
    return error;
}

int
vsctl_datum_from_string(struct ovsdb_datum *datum,
                        const struct ovsdb_type *type, const char *s,
                        vsctl_symbol_lookup *lookup, void *aux, char **errp)
{
    bool is_map = ovsdb_type_is_map(type);
    const char *p = skip_spaces(s);
    int end_delim = 0;
    int error = 0;

    ovsdb_datum_init_empty(datum);
    if (*p == (is_map ? '{' : '[')) {
        end_delim = is_map ? '}' : ']';
        p = skip_spaces(p + 1);
    } else if (!*p) {
        *errp = g_strdup(is_map ? "use \"{}\" to specify the empty map"
                         : "use \"[]\" to specify the empty set");
        return -EINVAL;
    }

    while (*p && *p != end_delim) {
        union ovsdb_atom key, value;

        if (vsctl_token_is_delim(*p)) {
            char *english = ovsdb_type_to_english(type);

            *errp = g_strdup_printf("%s: unexpected \"%c\" parsing %s", s,
                                    *p, english);
            g_free(english);
            error = -EINVAL;
            goto out;
        }
        error = parse_atom_token(&p, &type->key, &key, lookup, aux, errp);
        if (error) {
            goto out;
        }
        if (is_map) {
            p = skip_spaces(p);
            if (*p != '=') {
                *errp = g_strdup_printf("%s: syntax error at \"%c\" "
                                        "expecting \"=\"", s, *p ? *p : ' ');
                ovsdb_atom_destroy(&key, type->key.type);
                error = -EINVAL;
                goto out;
            }
            p = skip_spaces(p + 1);
            error = parse_atom_token(&p, &type->value, &value, lookup, aux,
                                     errp);
            if (error) {
                ovsdb_atom_destroy(&key, type->key.type);
                goto out;
            }
        }
        datum->keys = g_renew(union ovsdb_atom, datum->keys, datum->n + 1);
        datum->keys[datum->n] = key;
        if (is_map) {
            datum->values = g_renew(union ovsdb_atom, datum->values,
                                    datum->n + 1);
            datum->values[datum->n] = value;
        }
        datum->n++;

        p = skip_spaces(p);
        if (*p == ',') {
            p = skip_spaces(p + 1);
        }
    }
    if (*p != end_delim) {
        *errp = g_strdup_printf("%s: missing \"%c\" at end of data", s,
                                end_delim);
        error = -EINVAL;
        goto out;
    }
    if (end_delim && *skip_spaces(p + 1)) {
        *errp = g_strdup_printf("%s: trailing garbage after \"%c\"", s,
                                end_delim);
        error = -EINVAL;
        goto out;
    }
    if (datum->n < type->n_min) {
        *errp = g_strdup_printf("%s: %u values specified but the minimum "
                                "number is %u", s, datum->n, type->n_min);
        error = -EINVAL;
        goto out;
    } else if (datum->n > type->n_max) {
        *errp = g_strdup_printf("%s: %u values specified but the maximum "
                                "number is %u", s, datum->n, type->n_max);
        error = -EINVAL;
        goto out;
    }
    if (ovsdb_datum_sort(datum, type->key.type)) {
        *errp = g_strdup_printf(is_map ? "%s: map contains duplicate key"
                                : "%s: set contains duplicate value", s);
        error = -EINVAL;
        goto out;
    }

out:
    if (error) {
        ovsdb_datum_destroy(datum, type);
    }
    return error;
}

static bool
string_needs_quotes(const char *s)
{
    struct ovsdb_uuid uuid;
    const char *p = s;
    unsigned char c = *p++;

    if (!g_ascii_isalpha(c) && c != '_') {
        return true;
    }
    while ((c = *p++) != '\0') {
        if (!g_ascii_isalnum(c) && c != '_' && c != '-' && c != '.') {
            return true;
        }
    }
    return (!strcmp(s, "true") || !strcmp(s, "false")
            || ovsdb_uuid_from_string(&uuid, s));
}

void
vsctl_atom_to_string(const union ovsdb_atom *atom,
                     enum ovsdb_atomic_type type, GString *out)
{
    char buf[OVSDB_UUID_LEN + 1];

    switch (type) {
    case OVSDB_TYPE_INTEGER:
        g_string_append_printf(out, "%" PRId64, atom->integer);
        break;
    case OVSDB_TYPE_REAL:
        g_string_append_printf(out, "%.*g", DBL_DIG, atom->real);
        break;
    case OVSDB_TYPE_BOOLEAN:
        g_string_append(out, atom->boolean ? "true" : "false");
        break;
    case OVSDB_TYPE_STRING:
        if (string_needs_quotes(atom->string)) {
            json_t *j = json_string(atom->string);
            char *text = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;

            g_string_append(out, text ? text : "\"\"");
            free(text);
            json_decref(j);
        } else {
            g_string_append(out, atom->string);
        }
        break;
    case OVSDB_TYPE_UUID:
        ovsdb_uuid_to_string(&atom->uuid, buf);
        g_string_append(out, buf);
        break;
    case OVSDB_TYPE_VOID:
    default:
        break;
    }
}

static void
atom_to_bare(const union ovsdb_atom *atom, enum ovsdb_atomic_type type,
             GString *out)
{
    if (type == OVSDB_TYPE_STRING) {
        g_string_append(out, atom->string);
    } else {
        vsctl_atom_to_string(atom, type, out);
    }
}

void
vsctl_datum_to_string(const struct ovsdb_datum *datum,
                      const struct ovsdb_type *type, GString *out)
{
    bool is_map = ovsdb_type_is_map(type);
    bool brackets = is_map || type->n_max > 1 || !datum->n;

    if (brackets) {
        g_string_append_c(out, is_map ? '{' : '[');
    }
    for (unsigned int i = 0; i < datum->n; i++) {
        if (i) {
            g_string_append(out, ", ");
        }
        vsctl_atom_to_string(&datum->keys[i], type->key.type, out);
        if (is_map) {
            g_string_append_c(out, '=');
            vsctl_atom_to_string(&datum->values[i], type->value.type, out);
        }
    }
    if (brackets) {
        g_string_append_c(out, is_map ? '}' : ']');
    }
}

void
vsctl_datum_to_bare(const struct ovsdb_datum *datum,
                    const struct ovsdb_type *type, GString *out)
{
    bool is_map = ovsdb_type_is_map(type);

    for (unsigned int i = 0; i < datum->n; i++) {
        if (i) {
            g_string_append_c(out, ' ');
        }
        atom_to_bare(&datum->keys[i], type->key.type, out);
        if (is_map) {
            g_string_append_c(out, '=');
            atom_to_bare(&datum->values[i], type->value.type, out);
        }
    }
}
