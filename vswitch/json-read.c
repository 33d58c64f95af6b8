/* json-read.c -- see json-read.h.
 *
 * A recursive descent over the buffer.  What it accepts it builds exactly
 * as jansson's parser would (same values, same key order, integers with
 * strtoll() and reals with strtod(), as jansson does); at the first thing
 * it does not handle -- or that is not valid JSON -- it gives up, frees
 * what it built, and json_read() parses the whole text again with
 * json_loadb().  So only what jansson handles identically needs handling
 * here, and errors keep jansson's words. */
#include <config.h>

#include "json-read.h"

#include <glib.h>
#include <locale.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* jansson's limit is 2048 levels: anything deeper than this goes to it. */
#define FAST_MAX_DEPTH 512

/* Numbers longer than this go to jansson (none that OVSDB writes). */
#define MAX_NUMBER_LEN 40

struct reader {
    const char *p;
    const char *end;
};

static json_t *read_value(struct reader *, int depth);

static inline void
skip_space(struct reader *r)
{
    while (r->p < r->end
           && (*r->p == ' ' || *r->p == '\n' || *r->p == '\r'
               || *r->p == '\t')) {
        r->p++;
    }
}

/* Reads the string that starts at r->p (its opening quote): its bytes are
 * '*s' and '*len', in the buffer itself or, if it had escapes, in '*tmp'
 * (to free).  Returns false for what jansson must read: bytes outside
 * printable ASCII, \u escapes, a string without its end. */
static bool
read_string(struct reader *r, const char **s, size_t *len, char **tmp)
{
    const char *start = ++r->p;
    bool escapes = false;
    char *out;

    *tmp = NULL;
    for (;;) {
        unsigned char c;

        if (r->p >= r->end) {
            return false;
        }
        c = *r->p;
        if (c == '"') {
            break;
        } else if (c == '\\') {
            escapes = true;
            if (++r->p >= r->end) {
                return false;
            }
        } else if (c < 0x20 || c >= 0x80) {
            return false;
        }
        r->p++;
    }
    *s = start;
    *len = r->p - start;
    r->p++;                     /* The closing quote. */
    if (!escapes) {
        return true;
    }

    out = *tmp = g_malloc(*len);
    for (const char *q = start; q < start + *len; q++) {
        if (*q != '\\') {
            *out++ = *q;
            continue;
        }
        switch (*++q) {
        case '"': case '\\': case '/':
            *out++ = *q;
            break;
        case 'b':
            *out++ = '\b';
            break;
        case 'f':
            *out++ = '\f';
            break;
        case 'n':
            *out++ = '\n';
            break;
        case 'r':
            *out++ = '\r';
            break;
        case 't':
            *out++ = '\t';
            break;
        default:                /* \u, or not an escape at all. */
            g_free(*tmp);
            *tmp = NULL;
            return false;
        }
    }
    *s = *tmp;
    *len = out - *tmp;
    return true;
}

/* Whether strtod() reads '.' as the decimal point, as JSON writes it
 * (jansson swaps it for the locale's; then it is left to jansson). */
static bool
c_decimal_point(void)
{
    const char *point = localeconv()->decimal_point;

    return point[0] == '.' && !point[1];
}

static json_t *
read_number(struct reader *r)
{
    const char *start = r->p, *p = r->p;
    char text[MAX_NUMBER_LEN + 1];
    bool real = false;
    size_t n;

    if (p < r->end && *p == '-') {
        p++;
    }
    if (p < r->end && *p == '0') {
        p++;
    } else if (p < r->end && *p >= '1' && *p <= '9') {
        while (p < r->end && *p >= '0' && *p <= '9') {
            p++;
        }
    } else {
        return NULL;
    }
    if (p < r->end && *p == '.') {
        real = true;
        if (++p >= r->end || *p < '0' || *p > '9') {
            return NULL;
        }
        while (p < r->end && *p >= '0' && *p <= '9') {
            p++;
        }
    }
    if (p < r->end && (*p == 'e' || *p == 'E')) {
        real = true;
        p++;
        if (p < r->end && (*p == '+' || *p == '-')) {
            p++;
        }
        if (p >= r->end || *p < '0' || *p > '9') {
            return NULL;
        }
        while (p < r->end && *p >= '0' && *p <= '9') {
            p++;
        }
    }
    n = p - start;
    if (n > MAX_NUMBER_LEN) {
        return NULL;
    }
    memcpy(text, start, n);
    text[n] = '\0';
    r->p = p;
    if (!real) {
        /* 18 digits cannot overflow; jansson decides about more. */
        if (n - (*start == '-') > 18) {
            return NULL;
        }
        return json_integer(strtoll(text, NULL, 10));
    } else {
        double v;

        if (!c_decimal_point()) {
            return NULL;
        }
        v = strtod(text, NULL);
        return isinf(v) ? NULL : json_real(v);  /* jansson: overflow. */
    }
}

/* Takes the byte 'c', and the white space after it, if 'c' comes next. */
static bool
take(struct reader *r, char c)
{
    if (r->p < r->end && *r->p == c) {
        r->p++;
        skip_space(r);
        return true;
    }
    return false;
}

/* Reads one member, "KEY": VALUE, into 'object'.  Returns false to give
 * up, also for a key that 'object' has already. */
static bool
read_member(struct reader *r, json_t *object, int depth)
{
    const char *key;
    size_t key_len;
    char *tmp;
    json_t *value = NULL;
    bool ok;

    if (r->p >= r->end || *r->p != '"'
        || !read_string(r, &key, &key_len, &tmp)) {
        return false;
    }
    skip_space(r);
    if (!json_object_getn(object, key, key_len) && take(r, ':')) {
        value = read_value(r, depth + 1);
    }
    ok = value && !json_object_setn_new_nocheck(object, key, key_len, value);
    g_free(tmp);
    skip_space(r);
    return ok;
}

static json_t *
read_object(struct reader *r, int depth)
{
    json_t *object = json_object();

    r->p++;                     /* '{' */
    skip_space(r);
    if (take(r, '}')) {
        return object;
    }
    do {
        if (!read_member(r, object, depth)) {
            json_decref(object);
            return NULL;
        }
    } while (take(r, ','));
    if (take(r, '}')) {
        return object;
    }
    json_decref(object);
    return NULL;
}

static json_t *
read_array(struct reader *r, int depth)
{
    json_t *array = json_array();

    r->p++;                     /* '[' */
    skip_space(r);
    if (take(r, ']')) {
        return array;
    }
    do {
        json_t *value = read_value(r, depth + 1);

        if (!value || json_array_append_new(array, value)) {
            json_decref(array);
            return NULL;
        }
        skip_space(r);
    } while (take(r, ','));
    if (take(r, ']')) {
        return array;
    }
    json_decref(array);
    return NULL;
}

/* The literal 'word' at r->p, if it is there. */
static bool
read_word(struct reader *r, const char *word, size_t len)
{
    if ((size_t) (r->end - r->p) >= len && !memcmp(r->p, word, len)) {
        r->p += len;
        return true;
    }
    return false;
}

static json_t *
read_value(struct reader *r, int depth)
{
    if (depth > FAST_MAX_DEPTH || r->p >= r->end) {
        return NULL;
    }
    switch (*r->p) {
    case '{':
        return read_object(r, depth);
    case '[':
        return read_array(r, depth);
    case '"': {
        const char *s;
        size_t len;
        char *tmp;
        json_t *value;

        if (!read_string(r, &s, &len, &tmp)) {
            return NULL;
        }
        value = json_stringn_nocheck(s, len);
        g_free(tmp);
        return value;
    }
    case 't':
        return read_word(r, "true", 4) ? json_true() : NULL;
    case 'f':
        return read_word(r, "false", 5) ? json_false() : NULL;
    case 'n':
        return read_word(r, "null", 4) ? json_null() : NULL;
    default:
        return read_number(r);
    }
}

json_t *
json_read_fast(const char *buf, size_t len)
{
    struct reader r = { buf, buf + len };
    json_t *value;

    skip_space(&r);
    if (r.p >= r.end || (*r.p != '{' && *r.p != '[')) {
        return NULL;
    }
    value = read_value(&r, 1);
    skip_space(&r);
    if (value && r.p != r.end) {
        json_decref(value);
        return NULL;
    }
    return value;
}

json_t *
json_read(const char *buf, size_t len, json_error_t *error)
{
    json_t *value = json_read_fast(buf, len);

    return value ? value : json_loadb(buf, len, JSON_REJECT_DUPLICATES,
                                      error);
}
