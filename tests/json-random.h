/* json-random.h -- random jansson values from a fixed seed, for the tests
 * of vswitch/json-write.c and vswitch/json-read.c: every kind of value,
 * strings with every escape and UTF-8 of each length, integers and reals
 * at their edges, nesting to 7 levels. */
#ifndef TESTS_JSON_RANDOM_H
#define TESTS_JSON_RANDOM_H 1

#include <glib.h>
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

static uint64_t rng = 0x243f6a8885a308d3ULL;

static uint32_t
rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t) rng;
}

static json_t *
random_string(void)
{
    /* Plain ASCII, every escape, UTF-8 of 2, 3 and 4 bytes. */
    static const char *const pieces[] = {
        "a", "Z", " ", "/", "\"", "\\", "\b", "\f", "\n", "\r", "\t",
        "\x01", "\x1f", "\x7f", "\xc3\xa9", "\xe2\x82\xac",
        "\xf0\x9f\x98\x80", "uuid", "br0", "{}", "[\"set\",[]]",
    };
    GString *s = g_string_new(NULL);
    int n = rnd() % 12;
    json_t *json;

    for (int i = 0; i < n; i++) {
        g_string_append(s, pieces[rnd() % G_N_ELEMENTS(pieces)]);
    }
    json = json_stringn(s->str, s->len);
    g_string_free(s, TRUE);
    return json;
}

static json_t *
random_value(int depth)
{
    int kind = rnd() % (depth > 5 ? 6 : 8);

    switch (kind) {
    case 0:
        return random_string();
    case 1: {
        static const json_int_t edges[] = {
            0, 1, -1, 9, 10, INT32_MAX, INT32_MIN, INT64_MAX, INT64_MIN,
        };
        return json_integer(rnd() % 2 ? edges[rnd() % G_N_ELEMENTS(edges)]
                            : (json_int_t) (((uint64_t) rnd() << 32)
                                            | rnd()));
    }
    case 2: {
        double v;
        uint64_t bits = ((uint64_t) rnd() << 32) | rnd();

        memcpy(&v, &bits, sizeof v);
        if (!isfinite(v) || rnd() % 2) {
            v = (double) (int32_t) rnd() / (1 + rnd() % 1000);
        }
        return json_real(v);
    }
    case 3:
        return json_true();
    case 4:
        return json_false();
    case 5:
        return json_null();
    case 6: {
        json_t *a = json_array();
        int n = rnd() % 5;

        for (int i = 0; i < n; i++) {
            json_array_append_new(a, random_value(depth + 1));
        }
        return a;
    }
    default: {
        json_t *o = json_object();
        int n = rnd() % 5;

        for (int i = 0; i < n; i++) {
            json_t *key = random_string();

            json_object_set_new(o, json_string_value(key),
                                random_value(depth + 1));
            json_decref(key);
        }
        return o;
    }
    }
}

#endif /* tests/json-random.h */
