/* test-json-write.c -- vswitch/json-write.c writes what jansson writes.
 *
 * The server's encoder must produce exactly the text of json_dumps(...,
 * JSON_COMPACT | JSON_ENCODE_ANY): logs written before it existed, and
 * every test transcript, depend on it.  Checked on hand-picked values
 * (escapes, number edge cases, nesting, the schema) and on 20,000 random
 * trees from a fixed seed; and a value whose text is kept
 * (json_write_keep()) is written from that text, within the same limits. */
#include <config.h>

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json-random.h"
#include "json-write.h"
#include "tap.h"

static bool
same_as_jansson(const json_t *json, const char *what)
{
    char *ours;
    char *theirs = json_dumps(json, JSON_COMPACT | JSON_ENCODE_ANY);
    size_t len = 0;
    bool same;

    ours = json_write_string(json, &len);
    same = ours && theirs && !strcmp(ours, theirs) && len == strlen(theirs);
    if (!same) {
        diag_msg("%s: ours   %.300s", what, ours ? ours : "(null)");
        diag_msg("%s: jansson %.300s", what, theirs ? theirs : "(null)");
    }
    g_free(ours);
    free(theirs);
    return same;
}

static void
check_text(const char *text)
{
    json_error_t err;
    json_t *json = json_loads(text, JSON_DECODE_ANY, &err);

    if (!json) {
        ok(false, "parse %s: %s", text, err.text);
        return;
    }
    ok(same_as_jansson(json, text), "same text: %.60s", text);
    json_decref(json);
}

static void
check_real(double v)
{
    json_t *json = json_real(v);
    char what[64];

    snprintf(what, sizeof what, "real %.17g", v);
    ok(json && same_as_jansson(json, what), "%s", what);
    json_decref(json);
}

/* 'n' arrays, one in the other, the innermost holding 'inner' (taken). */
static json_t *
nest(int n, json_t *inner)
{
    json_t *v = inner;

    for (int i = 0; i < n; i++) {
        json_t *outer = json_array();

        json_array_append_new(outer, v);
        v = outer;
    }
    return v;
}

static void
check_kept(void)
{
    json_t *v = json_pack("{s:[i,s],s:{s:b}}", "k", 1, "x", "o", "t", 1);
    json_t *msg = json_pack("{s:O,s:n,s:i}", "result", v, "error", "id", 7);
    json_t *chain, *wrap;
    char *text;

    ok(!json_write_keep(v), "keep a value");
    ok(same_as_jansson(msg, "kept, in a message"),
       "a message holding a kept value: the same text");

    /* Changed against the rules, it still comes out as kept: the text
     * is indeed the one kept, until forgotten. */
    json_object_set_new(v, "new", json_integer(2));
    text = json_write_string(msg, NULL);
    ok(text && !strcmp(text, "{\"result\":{\"k\":[1,\"x\"],\"o\":{\"t\":"
                       "true}},\"error\":null,\"id\":7}"),
       "the kept text is what is written");
    g_free(text);
    json_write_forget(v);
    ok(same_as_jansson(msg, "forgotten"), "forgotten: written anew");

    /* Four at most; keeping one twice takes one place. */
    {
        json_t *vs[5];
        int n_ok = 0;

        for (int i = 0; i < 5; i++) {
            vs[i] = json_pack("[i]", i);
        }
        for (int i = 0; i < 4; i++) {
            n_ok += !json_write_keep(vs[i]);
        }
        n_ok += !json_write_keep(vs[0]);
        is_int(n_ok, 5, "four values kept, one of them twice");
        ok(json_write_keep(vs[4]) == -ENOSPC, "a fifth: -ENOSPC");
        json_write_forget(vs[1]);
        ok(!json_write_keep(vs[4]), "room again once one is forgotten");
        for (int i = 0; i < 5; i++) {
            json_write_forget(vs[i]);
            json_decref(vs[i]);
        }
    }

    /* The depth limit (2048) holds for a kept value too: 2000 levels
     * kept, in 48 more (the innermost value at depth 2048) is written; in
     * 49 it is refused, as unkept. */
    chain = nest(2000, json_integer(0));
    ok(!json_write_keep(chain), "keep 2000 levels");
    wrap = nest(48, json_incref(chain));
    text = json_write_string(wrap, NULL);
    ok(text != NULL, "kept, down to depth 2048: written");
    g_free(text);
    wrap = nest(1, wrap);
    ok(json_write_string(wrap, NULL) == NULL, "down to 2049: refused");
    json_write_forget(chain);
    ok(json_write_string(wrap, NULL) == NULL, "... as unkept");
    json_decref(wrap);
    json_decref(chain);

    json_decref(msg);
    json_decref(v);
}

int
main(void)
{
    static const char *const texts[] = {
        "null", "true", "false", "0", "-0", "42", "-9223372036854775808",
        "9223372036854775807", "\"\"", "\"plain\"",
        "\"q\\\"b\\\\s\\/n\\nr\\rt\\tb\\bf\\f\"", "\"\\u0001\\u001f\\u007f\"",
        "\"caf\\u00e9 \\u20ac \\ud83d\\ude00\"", "[]", "{}", "[[],{}]",
        "{\"b\":1,\"a\":2,\"c\":[1,2,{\"x\":null}]}",
        "[\"set\",[[\"uuid\",\"2f9e6c1e-8a4e-4c4b-a1c0-0d8c3a4b5f01\"]]]",
        "[\"map\",[[\"k\",\"v\"],[\"k2\",\"v\\\"2\"]]]",
        "{\"id\":1,\"method\":\"transact\",\"params\":[\"Open_vSwitch\","
        "{\"op\":\"insert\",\"table\":\"Bridge\",\"row\":{\"name\":\"br0\"}}]}",
    };
    static const double reals[] = {
        0.0, -0.0, 1.0, -1.5, 0.1, 1.0 / 3, 1e20, 1e21, 1e-5, 1e-7,
        123456789012345678.0, 1e300, -1e-300, DBL_MAX, DBL_MIN,
        4.9e-324, 100.0, 1e16, 1e17, 2.5e-3,
    };
    const char *srcdir = getenv("top_srcdir");
    char *schema_file, *schema_text;
    gsize schema_len;
    int random_same = 0;
    json_t *deep;

    for (size_t i = 0; i < G_N_ELEMENTS(texts); i++) {
        check_text(texts[i]);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(reals); i++) {
        check_real(reals[i]);
    }

    schema_file = g_build_filename(srcdir ? srcdir : ".", "vswitch",
                                   "vswitch.ovsschema", NULL);
    if (g_file_get_contents(schema_file, &schema_text, &schema_len, NULL)) {
        check_text(schema_text);
        {
            /* The schema as one string, as _Server's Database rows carry
             * it: every quote escaped. */
            json_t *s = json_string(schema_text);

            ok(same_as_jansson(s, "schema as a string"),
               "the schema as a JSON string");
            json_decref(s);
        }
        g_free(schema_text);
    } else {
        ok(false, "read %s", schema_file);
    }
    g_free(schema_file);

    for (int i = 0; i < 20000; i++) {
        json_t *v = random_value(0);

        if (same_as_jansson(v, "random")) {
            random_same++;
        }
        json_decref(v);
    }
    is_int(random_same, 20000, "20000 random values: the same text");

    /* Appending to a byte array keeps what was there. */
    {
        GByteArray *a = g_byte_array_new();
        json_t *v = json_pack("{s:[i,s]}", "k", 1, "x");

        g_byte_array_append(a, (const guint8 *) "AB", 2);
        ok(!json_write(v, a) && a->len == 2 + 13
           && !memcmp(a->data, "AB{\"k\":[1,\"x\"]}", 15),
           "json_write appends");
        ok(json_write(NULL, a) == -EINVAL && a->len == 15,
           "NULL: -EINVAL, nothing appended");
        g_byte_array_free(a, TRUE);
        json_decref(v);
    }

    /* Nesting deeper than the limit is refused, not a stack overflow. */
    deep = json_array();
    for (int i = 0; i < 3000; i++) {
        json_t *outer = json_array();

        json_array_append_new(outer, deep);
        deep = outer;
    }
    ok(json_write_string(deep, NULL) == NULL, "3000 levels: refused");
    json_decref(deep);

    check_kept();

    done_testing();
}
