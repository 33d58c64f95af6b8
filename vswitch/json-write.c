/* json-write.c -- compact JSON text from jansson values, fast.
 *
 * See json-write.h.  The value is written depth first into a buffer
 * that grows by doubling; strings are copied in runs between the
 * characters that need escaping, found with a 256-entry table.  The rules
 * are jansson's (dump.c), so that the text is the same as json_dumps():
 * '"', '\\' and the C0 controls are escaped (\b \f \n \r \t, otherwise
 * \u00XX with upper-case hex digits), '/' and non-ASCII are not; reals are
 * "%.17g" with ".0" added when the result would read back as an integer,
 * and the exponent loses its '+' and leading zeros.  jsonrpc.c, the log
 * and the engine's messages use it. */
#include <config.h>

#include "json-write.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define MAX_DEPTH 2048

struct buf {
    char *p;
    size_t len;
    size_t cap;
};

static void
buf_grow(struct buf *b, size_t n)
{
    size_t cap = b->cap ? b->cap : 256;

    while (cap - b->len < n) {
        cap *= 2;
    }
    b->p = g_realloc(b->p, cap);
    b->cap = cap;
}

static inline void
buf_put(struct buf *b, const void *data, size_t n)
{
    if (b->cap - b->len < n) {
        buf_grow(b, n);
    }
    memcpy(b->p + b->len, data, n);
    b->len += n;
}

static inline void
buf_putc(struct buf *b, char c)
{
    if (b->cap == b->len) {
        buf_grow(b, 1);
    }
    b->p[b->len++] = c;
}

/* The values whose text is kept (json_write_keep()). */
struct kept {
    const json_t *json;
    char *text;
    size_t len;
    int reach;                  /* reach(): how deep writing it goes. */
};
static struct kept kept[JSON_WRITE_MAX_KEPT];
static int n_kept;

static const struct kept *
find_kept(const json_t *json)
{
    for (int i = 0; i < n_kept; i++) {
        if (kept[i].json == json) {
            return &kept[i];
        }
    }
    return NULL;
}

/* How much deeper than 'json' writing it goes: 0 for a scalar or an
 * empty array or object, else 1 more than its deepest member. */
static int
reach(const json_t *json)
{
    const char *key;
    json_t *value;
    size_t i;
    int max = -1;

    if (json_is_object(json)) {
        json_object_foreach ((json_t *) json, key, value) {
            int d = reach(value);

            max = d > max ? d : max;
        }
    } else if (json_is_array(json)) {
        json_array_foreach (json, i, value) {
            int d = reach(value);

            max = d > max ? d : max;
        }
    }
    return max + 1;
}

/* Which bytes end a run of plain string characters: 1 for '"', '\\' and
 * the C0 controls. */
static const unsigned char needs_escape[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
};

static void
write_string(struct buf *b, const char *s, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *p = (const unsigned char *) s;
    const unsigned char *end = p + len;

    buf_putc(b, '"');
    while (p < end) {
        const unsigned char *run = p;
        char esc[6];

        while (p < end && !needs_escape[*p]) {
            p++;
        }
        buf_put(b, run, p - run);
        if (p == end) {
            break;
        }
        esc[0] = '\\';
        switch (*p) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        default:
            esc[1] = 'u';
            esc[2] = '0';
            esc[3] = '0';
            esc[4] = hex[*p >> 4];
            esc[5] = hex[*p & 15];
            buf_put(b, esc, 6);
            p++;
            continue;
        }
        buf_put(b, esc, 2);
        p++;
    }
    buf_putc(b, '"');
}

static void
write_integer(struct buf *b, json_int_t v)
{
    char tmp[24];
    char *q = tmp + sizeof tmp;
    /* Through uint64_t so that the most negative value does not
     * overflow. */
    uint64_t u = v < 0 ? -(uint64_t) v : (uint64_t) v;

    do {
        *--q = '0' + u % 10;
        u /= 10;
    } while (u);
    if (v < 0) {
        *--q = '-';
    }
    buf_put(b, q, tmp + sizeof tmp - q);
}

static int
write_real(struct buf *b, double v)
{
    char tmp[40];
    char *e;
    int n;

    if (!isfinite(v)) {
        return -EINVAL;
    }
    n = snprintf(tmp, sizeof tmp - 2, "%.17g", v);
    if (n < 0 || (size_t) n >= sizeof tmp - 2) {
        return -EINVAL;
    }
    /* The decimal point of a locale other than "C" (the programs never
     * call setlocale(LC_NUMERIC), but be sure). */
    for (char *c = tmp; *c; c++) {
        if (*c == ',') {
            *c = '.';
        }
    }
    if (!strchr(tmp, '.') && !strchr(tmp, 'e')) {
        memcpy(tmp + n, ".0", 3);
        n += 2;
    }
    e = strchr(tmp, 'e');
    if (e) {
        char *start = e + 1;
        char *digits = start + 1;

        if (*start == '-') {
            start++;
        }
        while (*digits == '0') {
            digits++;
        }
        if (digits != start) {
            memmove(start, digits, strlen(digits) + 1);
            n = strlen(tmp);
        }
    }
    buf_put(b, tmp, n);
    return 0;
}

static int
write_value(struct buf *b, const json_t *json, int depth)
{
    if (depth > MAX_DEPTH) {
        return -EINVAL;
    }
    if (n_kept && (json_is_object(json) || json_is_array(json))) {
        const struct kept *k = find_kept(json);

        /* Where it would nest too deep, written as usual, to fail. */
        if (k && depth + k->reach <= MAX_DEPTH) {
            buf_put(b, k->text, k->len);
            return 0;
        }
    }
    switch (json_typeof(json)) {
    case JSON_OBJECT: {
        const char *key;
        json_t *value;
        bool first = true;

        buf_putc(b, '{');
        json_object_foreach ((json_t *) json, key, value) {
            int error;

            if (!first) {
                buf_putc(b, ',');
            }
            first = false;
            write_string(b, key, strlen(key));
            buf_putc(b, ':');
            error = write_value(b, value, depth + 1);
            if (error) {
                return error;
            }
        }
        buf_putc(b, '}');
        return 0;
    }
    case JSON_ARRAY: {
        size_t n = json_array_size(json);

        buf_putc(b, '[');
        for (size_t i = 0; i < n; i++) {
            int error;

            if (i) {
                buf_putc(b, ',');
            }
            error = write_value(b, json_array_get(json, i), depth + 1);
            if (error) {
                return error;
            }
        }
        buf_putc(b, ']');
        return 0;
    }
    case JSON_STRING:
        write_string(b, json_string_value(json), json_string_length(json));
        return 0;
    case JSON_INTEGER:
        write_integer(b, json_integer_value(json));
        return 0;
    case JSON_REAL:
        return write_real(b, json_real_value(json));
    case JSON_TRUE:
        buf_put(b, "true", 4);
        return 0;
    case JSON_FALSE:
        buf_put(b, "false", 5);
        return 0;
    case JSON_NULL:
        buf_put(b, "null", 4);
        return 0;
    }
    return -EINVAL;
}

int
json_write(const json_t *json, GByteArray *out)
{
    struct buf b = { NULL, 0, 0 };
    int error = json ? write_value(&b, json, 0) : -EINVAL;

    if (!error) {
        g_byte_array_append(out, (const guint8 *) b.p, b.len);
    }
    g_free(b.p);
    return error;
}

char *
json_write_string(const json_t *json, size_t *lenp)
{
    struct buf b = { NULL, 0, 0 };
    int error = json ? write_value(&b, json, 0) : -EINVAL;

    if (error) {
        g_free(b.p);
        return NULL;
    }
    buf_putc(&b, '\0');
    if (lenp) {
        *lenp = b.len - 1;
    }
    return b.p;
}

int
json_write_keep(const json_t *json)
{
    size_t len;
    char *text;

    if (find_kept(json)) {
        return 0;
    } else if (n_kept >= JSON_WRITE_MAX_KEPT) {
        return -ENOSPC;
    }
    text = json_write_string(json, &len);
    if (!text) {
        return -EINVAL;
    }
    kept[n_kept].json = json;
    kept[n_kept].text = text;
    kept[n_kept].len = len;
    kept[n_kept].reach = reach(json);
    n_kept++;
    return 0;
}

void
json_write_forget(const json_t *json)
{
    for (int i = 0; i < n_kept; i++) {
        if (kept[i].json == json) {
            g_free(kept[i].text);
            kept[i] = kept[--n_kept];
            return;
        }
    }
}
