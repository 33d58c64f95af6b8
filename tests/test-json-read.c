/* test-json-read.c -- vswitch/json-read.c reads what jansson reads.
 *
 * json_read() must give exactly json_loadb()'s answer (with
 * JSON_REJECT_DUPLICATES): the same value, keys in the same order, or the
 * same error at the same byte.  Checked on hand-picked texts, on the
 * schema, on 20,000 random values and on 20,000 of their texts with a
 * byte changed, dropped or added; and the fast path is checked to be the
 * one taken for ordinary messages, and to step aside for what it leaves
 * to jansson. */
#include <config.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json-random.h"
#include "json-read.h"
#include "tap.h"

/* Whether json_read() and json_loadb() agree on the 'len' bytes at 'text':
 * both a value with the same text (json_dumps() keeps key order), or both
 * an error with the same words and position. */
static bool
agrees(const char *text, size_t len, const char *what)
{
    json_error_t ours_err, their_err;
    json_t *ours = json_read(text, len, &ours_err);
    json_t *theirs = json_loadb(text, len, JSON_REJECT_DUPLICATES,
                                &their_err);
    char *a = ours ? json_dumps(ours, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    char *b = theirs ? json_dumps(theirs, JSON_COMPACT | JSON_ENCODE_ANY)
                     : NULL;
    bool same;

    if (ours && theirs) {
        same = a && b && !strcmp(a, b) && json_equal(ours, theirs);
    } else {
        same = !ours && !theirs && !strcmp(ours_err.text, their_err.text)
               && ours_err.position == their_err.position;
    }
    if (!same) {
        diag_msg("%s: text   %.*s", what, (int) (len > 200 ? 200 : len),
                 text);
        diag_msg("%s: ours   %.300s", what, a ? a : ours_err.text);
        diag_msg("%s: jansson %.300s", what, b ? b : their_err.text);
    }
    free(a);
    free(b);
    json_decref(ours);
    json_decref(theirs);
    return same;
}

/* Whether the fast path reads 'text' itself (or leaves it to jansson). */
static bool
fast(const char *text)
{
    json_t *v = json_read_fast(text, strlen(text));
    bool taken = v != NULL;

    json_decref(v);
    return taken;
}

int
main(void)
{
    /* Read by the fast path. */
    static const char *const plain[] = {
        "{}", "[]", " \t\r\n[ ] \n", "[[],{}]", "[0,-0,1,-1,42]",
        "[-9223372036854775,999999999999999999,-999999999999999999]",
        "[0.5,-0.0,1e10,1E-7,2.5e+3,-1.25E2,123456789.123456789]",
        "[true,false,null]", "[\"\",\"plain\",\"q\\\"b\\\\s\\/n\\nr\\rt"
        "\\tb\\bf\\f\"]", "{\"\":1}",
        "{\"b\":1,\"a\":2,\"c\":[1,2,{\"x\":null}]}",
        "{\"id\":1,\"method\":\"transact\",\"params\":[\"Open_vSwitch\","
        "{\"op\":\"insert\",\"table\":\"Bridge\",\"row\":{\"name\":\"br0\"}}"
        "]}",
        "{\"result\":[{\"rows\":[{\"_uuid\":[\"uuid\",\"2f9e6c1e-8a4e-4c4b-"
        "a1c0-0d8c3a4b5f01\"],\"ports\":[\"set\",[]]}]}],\"error\":null,"
        "\"id\":3}",
    };
    /* Left to jansson, which reads or refuses them. */
    static const char *const others[] = {
        "", " ", "1", "\"s\"", "null", "[\"\\u00e9\"]", "[\"\\u0000\"]",
        "[\"caf\xc3\xa9\"]", "[\"\xff\"]", "[\"a\x01\"]", "[\"\\x\"]",
        "[9223372036854775807]", "[9223372036854775808]",
        "[-9223372036854775809]", "[1234567890123456789]", "[1e400]",
        "[-1e400]", "[01]", "[-]", "[1.]", "[.5]", "[1e]", "[+1]",
        "[1,]", "[,1]", "{,}", "{\"a\":1,}", "{\"a\" 1}", "{\"a\":}",
        "{\"a\":1,\"a\":2}", "{1:2}", "[tru]", "[truex]", "[nul]", "[1]x",
        "[1] [2]", "[", "{\"a\":[1,2}", "[\"unterminated]",
        "[\"esc at end\\", "[1 2]", "[\"a\"\"b\"]",
    };
    const char *srcdir = getenv("top_srcdir");
    char *schema_file, *schema_text;
    gsize schema_len;
    int n_same, n_fast;

    for (size_t i = 0; i < G_N_ELEMENTS(plain); i++) {
        char *shown = g_strescape(plain[i], NULL);

        ok(fast(plain[i]) && agrees(plain[i], strlen(plain[i]), "plain"),
           "read here, as jansson: %.50s", shown);
        g_free(shown);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(others); i++) {
        char *shown = g_strescape(others[i], NULL);

        ok(!fast(others[i]) && agrees(others[i], strlen(others[i]), "other"),
           "left to jansson: %.50s", shown);
        g_free(shown);
    }

    /* A NUL byte inside and outside a string, and text past the value:
     * only 'len' bytes count. */
    ok(agrees("[\"a\0b\"]", 7, "nul") && agrees("[1]\0", 4, "nul")
       && !json_read_fast("[1]\0", 4) && agrees("[1]]", 3, "len")
       && !fast("[1]]"), "NUL bytes, and bytes past the length");
    {
        json_t *v = json_read_fast("[1]]", 3);

        ok(v && json_integer_value(json_array_get(v, 0)) == 1,
           "only the given length is read");
        json_decref(v);
    }

    schema_file = g_build_filename(srcdir ? srcdir : ".", "vswitch",
                                   "vswitch.ovsschema", NULL);
    if (g_file_get_contents(schema_file, &schema_text, &schema_len, NULL)) {
        json_t *v = json_read_fast(schema_text, schema_len);

        ok(v && agrees(schema_text, schema_len, "schema"),
           "the schema: read here, as jansson reads it");
        json_decref(v);
        g_free(schema_text);
    } else {
        ok(false, "read %s", schema_file);
    }
    g_free(schema_file);

    /* Nesting: 512 levels here, beyond that jansson (which stops at
     * 2048). */
    for (int levels = 511; levels <= 2050; levels++) {
        GString *s;

        if (levels != 511 && levels != 512 && levels != 513
            && levels != 2048 && levels != 2049) {
            continue;
        }
        s = g_string_new(NULL);
        for (int i = 0; i < levels; i++) {
            g_string_append_c(s, '[');
        }
        for (int i = 0; i < levels; i++) {
            g_string_append_c(s, ']');
        }
        ok(fast(s->str) == (levels <= 512)
           && agrees(s->str, s->len, "deep"),
           "%d levels: %s", levels,
           levels <= 512 ? "read here" : "left to jansson, as it reads");
        g_string_free(s, TRUE);
    }

    /* Random values, and their texts damaged. */
    n_same = n_fast = 0;
    for (int i = 0; i < 20000; i++) {
        json_t *v = json_pack("[o]", random_value(0));
        char *text = json_dumps(v, JSON_COMPACT | (rnd() % 2 ? JSON_INDENT(1)
                                                   : 0));

        n_same += agrees(text, strlen(text), "random");
        n_fast += fast(text);
        free(text);
        json_decref(v);
    }
    is_int(n_same, 20000, "20000 random values: read as jansson reads them");
    ok(n_fast > 5000, "... %d of them by the fast path", n_fast);

    n_same = 0;
    for (int i = 0; i < 20000; i++) {
        json_t *v = json_pack("[o]", random_value(0));
        char *text = json_dumps(v, JSON_COMPACT);
        size_t len = strlen(text);
        GString *s = g_string_new(text);
        size_t at = rnd() % (len + 1);
        static const char bytes[] = "[]{},:\"\\0123456789.eE+-tfnul \x01\xc3";

        switch (rnd() % 3) {
        case 0:
            if (at < len) {
                s->str[at] = bytes[rnd() % (sizeof bytes - 1)];
            }
            break;
        case 1:
            if (at < len) {
                g_string_erase(s, at, 1);
            }
            break;
        default:
            g_string_insert_c(s, at, bytes[rnd() % (sizeof bytes - 1)]);
            break;
        }
        n_same += agrees(s->str, s->len, "damaged");
        g_string_free(s, TRUE);
        free(text);
        json_decref(v);
    }
    is_int(n_same, 20000,
           "20000 damaged texts: the same value or the same error");

    /* A locale whose decimal point is not '.' (if one is installed):
     * reals go to jansson, which reads them right. */
    if (setlocale(LC_NUMERIC, "de_DE.UTF-8")
        || setlocale(LC_NUMERIC, "fr_FR.UTF-8")) {
        ok(!fast("[0.5]") && agrees("[0.5]", 5, "locale")
           && fast("[5]"), "a ',' locale: reals left to jansson");
        setlocale(LC_NUMERIC, "C");
    }

    done_testing();
}
