/* test-ovsdb-data.c -- OVSDB UUIDs, atoms and datums (vswitch/ovsdb-data.h).
 *
 * JSON round trips in canonical form, type errors, constraints, ordering,
 * equality and hashing, the set and map operations that mutations and
 * conditions use, and named UUIDs. */
#include <config.h>

#include <errno.h>
#include <float.h>
#include <string.h>

#include "ovsdb-data.h"
#include "tap.h"

static json_t *
parse(const char *text)
{
    json_error_t error;
    json_t *json = json_loads(text, JSON_DECODE_ANY, &error);

    if (!json) {
        printf("Bail out! %s: %s\n", text, error.text);
        exit(1);
    }
    return json;
}

/* Parses a column type from 'text'. */
static struct ovsdb_type
type_from(const char *text)
{
    json_t *json = parse(text);
    struct ovsdb_type type;
    char *err = NULL;

    if (ovsdb_type_from_json(&type, json, &err)) {
        printf("Bail out! type %s: %s\n", text, err);
        exit(1);
    }
    json_decref(json);
    return type;
}

static char *
dump(const json_t *json)
{
    return json_dumps(json, JSON_COMPACT | JSON_ENCODE_ANY);
}

/* Parses 'in' as a value of 'type_text' and checks that it prints as
 * 'out'. */
static void
round_trip(const char *type_text, const char *in, const char *out)
{
    struct ovsdb_type type = type_from(type_text);
    json_t *json = parse(in), *back;
    struct ovsdb_datum datum;
    char *err = NULL, *s;

    if (!ok(!ovsdb_datum_from_json(&datum, &type, json, NULL, &err),
            "%s: parses %s", type_text, in)) {
        diag_msg("%s", err);
        g_free(err);
        goto out;
    }
    back = ovsdb_datum_to_json(&datum, &type);
    s = dump(back);
    is_str(s, out, "%s: %s prints as %s", type_text, in, out);
    free(s);

    /* And the printed form parses to an equal datum. */
    {
        struct ovsdb_datum again;

        ok(!ovsdb_datum_from_json(&again, &type, back, NULL, &err)
           && ovsdb_datum_equals(&datum, &again, &type),
           "%s: %s reparses equal", type_text, out);
        ovsdb_datum_destroy(&again, &type);
    }
    json_decref(back);
    ovsdb_datum_destroy(&datum, &type);
out:
    json_decref(json);
    ovsdb_type_destroy(&type);
}

/* Checks that 'in' is refused as a value of 'type_text' with a message
 * containing 'msg'. */
static void
bad_value(const char *type_text, const char *in, const char *msg)
{
    struct ovsdb_type type = type_from(type_text);
    json_t *json = parse(in);
    struct ovsdb_datum datum;
    char *err = NULL;
    int error = ovsdb_datum_from_json(&datum, &type, json, NULL, &err);

    is_int(error, -EINVAL, "%s: %s refused", type_text, in);
    if (!error) {
        ovsdb_datum_destroy(&datum, &type);
    } else if (!ok(err && strstr(err, msg), "... with \"%s\"", msg)) {
        diag_msg("got: %s", err ? err : "(null)");
    }
    g_free(err);
    json_decref(json);
    ovsdb_type_destroy(&type);
}

/* Checks ovsdb_datum_check_constraints() on 'in': 'msg' NULL if it must
 * pass, else a part of the message. */
static void
constraint(const char *type_text, const char *in, const char *msg)
{
    struct ovsdb_type type = type_from(type_text);
    json_t *json = parse(in);
    struct ovsdb_datum datum;
    char *err = NULL;

    if (ovsdb_datum_from_json(&datum, &type, json, NULL, &err)) {
        printf("Bail out! %s: %s\n", in, err);
        exit(1);
    }
    if (!msg) {
        ok(!ovsdb_datum_check_constraints(&datum, &type, &err),
           "%s: %s satisfies the constraints", type_text, in);
    } else {
        is_int(ovsdb_datum_check_constraints(&datum, &type, &err), -ERANGE,
               "%s: %s violates the constraints", type_text, in);
        if (!ok(err && strstr(err, msg), "... with \"%s\"", msg)) {
            diag_msg("got: %s", err ? err : "(null)");
        }
    }
    g_free(err);
    ovsdb_datum_destroy(&datum, &type);
    json_decref(json);
    ovsdb_type_destroy(&type);
}

static struct ovsdb_datum
datum_from(const struct ovsdb_type *type, const char *text)
{
    json_t *json = parse(text);
    struct ovsdb_datum datum;
    char *err = NULL;

    if (ovsdb_datum_from_json(&datum, type, json, NULL, &err)) {
        printf("Bail out! %s: %s\n", text, err);
        exit(1);
    }
    json_decref(json);
    return datum;
}

static bool
datum_is(const struct ovsdb_datum *datum, const struct ovsdb_type *type,
         const char *text)
{
    json_t *json = ovsdb_datum_to_json(datum, type);
    char *s = dump(json);
    bool same = !strcmp(s, text);

    if (!same) {
        diag_msg("  got: %s", s);
        diag_msg(" want: %s", text);
    }
    free(s);
    json_decref(json);
    return same;
}

static void
test_uuids(void)
{
    struct ovsdb_uuid a, b;
    char s[OVSDB_UUID_LEN + 1];

    ok(ovsdb_uuid_from_string(&a, "550E8400-e29b-41d4-a716-446655440000"),
       "uuid: mixed case parses");
    ovsdb_uuid_to_string(&a, s);
    is_str(s, "550e8400-e29b-41d4-a716-446655440000",
           "uuid: prints in lower case");
    ok(!ovsdb_uuid_from_string(&b, "550e8400e29b-41d4-a716-446655440000x"),
       "uuid: misplaced dash refused");
    ok(!ovsdb_uuid_from_string(&b, "550e8400-e29b-41d4-a716-44665544000g"),
       "uuid: non-hex refused");
    ok(!ovsdb_uuid_from_string(&b, "550e8400-e29b-41d4-a716-4466554400"),
       "uuid: short refused");
    ovsdb_uuid_from_string(&b, "550e8400-e29b-41d4-a716-446655440001");
    ok(ovsdb_uuid_compare(&a, &b) < 0 && ovsdb_uuid_compare(&b, &a) > 0,
       "uuid: ordered like their text");
    ovsdb_uuid_generate(&b);
    ovsdb_uuid_to_string(&b, s);
    ok(s[14] == '4' && strchr("89ab", s[19]), "uuid: random ones are v4");
    ok(!ovsdb_uuid_equals(&a, &b) && !ovsdb_uuid_is_zero(&b),
       "uuid: random ones differ");
}

static void
test_round_trips(void)
{
    round_trip("\"integer\"", "42", "42");
    round_trip("\"integer\"", "-9223372036854775808", "-9223372036854775808");
    round_trip("\"real\"", "2.5", "2.5");
    round_trip("\"real\"", "3", "3.0");
    round_trip("\"boolean\"", "true", "true");
    round_trip("\"string\"", "\"h\\u00e9\"", "\"h\xc3\xa9\"");
    round_trip("\"uuid\"",
               "[\"uuid\", \"550E8400-e29b-41d4-a716-446655440000\"]",
               "[\"uuid\",\"550e8400-e29b-41d4-a716-446655440000\"]");

    /* A 1-element set is printed as its atom; other sets sorted. */
    round_trip("{\"key\": \"integer\", \"min\": 0, \"max\": \"unlimited\"}",
               "[\"set\", [3, 1, 2]]", "[\"set\",[1,2,3]]");
    round_trip("{\"key\": \"integer\", \"min\": 0, \"max\": \"unlimited\"}",
               "[\"set\", [7]]", "7");
    round_trip("{\"key\": \"integer\", \"min\": 0, \"max\": \"unlimited\"}",
               "7", "7");
    round_trip("{\"key\": \"string\", \"min\": 0, \"max\": 1}",
               "[\"set\", []]", "[\"set\",[]]");
    round_trip("{\"key\": \"string\", \"min\": 0, \"max\": \"unlimited\"}",
               "[\"set\", [\"b\", \"a\", \"B\"]]",
               "[\"set\",[\"B\",\"a\",\"b\"]]");
    round_trip("{\"key\": \"boolean\", \"min\": 0, \"max\": 2}",
               "[\"set\", [true, false]]", "[\"set\",[false,true]]");
    round_trip("{\"key\": \"uuid\", \"min\": 0, \"max\": \"unlimited\"}",
               "[\"set\", [[\"uuid\","
               " \"00000000-0000-0000-0000-000000000002\"],"
               " [\"uuid\", \"00000000-0000-0000-0000-000000000001\"]]]",
               "[\"set\",[[\"uuid\",\"00000000-0000-0000-0000-000000000001\"],"
               "[\"uuid\",\"00000000-0000-0000-0000-000000000002\"]]]");

    /* Maps, sorted by key; a 1-element map is still a map. */
    round_trip("{\"key\": \"string\", \"value\": \"integer\", \"min\": 0,"
               " \"max\": \"unlimited\"}",
               "[\"map\", [[\"z\", 1], [\"a\", 2]]]",
               "[\"map\",[[\"a\",2],[\"z\",1]]]");
    round_trip("{\"key\": \"integer\", \"value\": \"real\", \"min\": 0,"
               " \"max\": \"unlimited\"}",
               "[\"map\", [[1, 1]]]", "[\"map\",[[1,1.0]]]");
    round_trip("{\"key\": \"string\", \"value\": \"string\", \"min\": 0,"
               " \"max\": \"unlimited\"}", "[\"map\", []]", "[\"map\",[]]");
}

static void
test_type_errors(void)
{
    bad_value("\"integer\"", "\"5\"", "expected integer");
    bad_value("\"integer\"", "5.5", "expected integer");
    bad_value("\"real\"", "true", "expected real");
    bad_value("\"boolean\"", "0", "expected boolean");
    bad_value("\"string\"", "null", "expected string");
    bad_value("\"uuid\"", "\"550e8400-e29b-41d4-a716-446655440000\"",
              "expected uuid");
    bad_value("\"uuid\"", "[\"uuid\", \"nope\"]", "UUID string");
    bad_value("\"uuid\"", "[\"named-uuid\", \"x\"]", "not allowed here");
    bad_value("{\"key\": \"integer\", \"min\": 0, \"max\": \"unlimited\"}",
              "[\"set\", [1, \"2\"]]", "set element 2: expected integer");
    bad_value("{\"key\": \"integer\", \"min\": 0, \"max\": \"unlimited\"}",
              "[\"set\", [1, 2, 1]]", "duplicate value 1");
    bad_value("{\"key\": \"integer\", \"min\": 0, \"max\": \"unlimited\"}",
              "[\"set\", 1]", "[\"set\", [...]]");
    bad_value("{\"key\": \"string\", \"value\": \"string\", \"min\": 0,"
              " \"max\": \"unlimited\"}", "[\"set\", [\"a\"]]",
              "[\"map\", [...]]");
    bad_value("{\"key\": \"string\", \"value\": \"string\", \"min\": 0,"
              " \"max\": \"unlimited\"}", "[\"map\", [[\"a\", \"1\"],"
              " [\"a\", \"2\"]]]", "duplicate key \"a\"");
    bad_value("{\"key\": \"string\", \"value\": \"string\", \"min\": 0,"
              " \"max\": \"unlimited\"}", "[\"map\", [[\"a\"]]]",
              "[key, value] pair");
    bad_value("{\"key\": \"string\", \"value\": \"integer\", \"min\": 0,"
              " \"max\": \"unlimited\"}", "[\"map\", [[\"a\", \"1\"]]]",
              "expected integer");
}

static void
test_constraints(void)
{
    const char *range = "{\"key\": {\"type\": \"integer\", \"minInteger\": 0,"
                        " \"maxInteger\": 4095}, \"min\": 0, \"max\": 3}";
    const char *reals = "{\"key\": {\"type\": \"real\", \"minReal\": -1.5,"
                        " \"maxReal\": 2.5}}";
    const char *len = "{\"key\": {\"type\": \"string\", \"minLength\": 2,"
                      " \"maxLength\": 4}}";
    const char *enums = "{\"key\": {\"type\": \"string\", \"enum\":"
                        " [\"set\", [\"up\", \"down\"]]}, \"min\": 0,"
                        " \"max\": \"unlimited\"}";
    const char *map = "{\"key\": \"string\", \"value\": {\"type\":"
                      " \"integer\", \"maxInteger\": 9}, \"min\": 1,"
                      " \"max\": 2}";

    constraint(range, "[\"set\", [0, 4095]]", NULL);
    constraint(range, "4096", "4096 is not in the allowed range 0 to 4095");
    constraint(range, "-1", "not in the allowed range");
    constraint(range, "[\"set\", [1, 2, 3, 4]]",
               "4 values cannot be stored in a column of type set of up to "
               "3 integers");
    constraint(reals, "2.5", NULL);
    constraint(reals, "-1.75", "not in the allowed range");
    constraint(len, "\"ab\"", NULL);
    constraint(len, "\"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\"", NULL);
    constraint(len, "\"a\"", "shorter than the minimum of 2");
    constraint(len, "\"abcde\"", "longer than the maximum of 4");
    constraint(enums, "[\"set\", [\"down\", \"up\"]]", NULL);
    constraint(enums, "\"sideways\"",
               "\"sideways\" is not one of the allowed values");
    constraint(map, "[\"map\", [[\"a\", 9]]]", NULL);
    constraint(map, "[\"map\", [[\"a\", 10]]]", "10 is not in the allowed");
    constraint(map, "[\"map\", []]", "0 values cannot be stored");
}

static void
test_ordering(void)
{
    struct ovsdb_type ints = type_from("{\"key\": \"integer\", \"min\": 0,"
                                       " \"max\": \"unlimited\"}");
    struct ovsdb_type reals = type_from("{\"key\": \"real\", \"min\": 0,"
                                        " \"max\": \"unlimited\"}");
    struct ovsdb_type smap = type_from("{\"key\": \"string\", \"value\":"
                                       " \"string\", \"min\": 0,"
                                       " \"max\": \"unlimited\"}");
    struct ovsdb_datum a = datum_from(&ints, "[\"set\", [1, 2]]");
    struct ovsdb_datum b = datum_from(&ints, "[\"set\", [2, 1]]");
    struct ovsdb_datum c = datum_from(&ints, "[\"set\", [1, 3]]");
    struct ovsdb_datum d = datum_from(&ints, "[\"set\", [1, 2, 3]]");
    struct ovsdb_datum z1 = datum_from(&reals, "0.0");
    struct ovsdb_datum z2 = datum_from(&reals, "-0.0");
    struct ovsdb_datum m1 = datum_from(&smap, "[\"map\", [[\"a\", \"1\"]]]");
    struct ovsdb_datum m2 = datum_from(&smap, "[\"map\", [[\"a\", \"2\"]]]");
    union ovsdb_atom x, y;

    ok(ovsdb_datum_equals(&a, &b, &ints), "order: sets equal regardless of "
       "the order given");
    is_int(ovsdb_datum_hash(&a, &ints, 0), ovsdb_datum_hash(&b, &ints, 0),
           "order: equal sets hash equal");
    ok(ovsdb_datum_compare(&a, &c, &ints) < 0
       && ovsdb_datum_compare(&c, &a, &ints) > 0,
       "order: {1,2} < {1,3}");
    ok(ovsdb_datum_compare(&a, &d, &ints) < 0, "order: a prefix sorts first");
    ok(!ovsdb_datum_equals(&a, &d, &ints), "order: {1,2} != {1,2,3}");
    ok(ovsdb_datum_equals(&z1, &z2, &reals)
       && ovsdb_datum_hash(&z1, &reals, 7) == ovsdb_datum_hash(&z2, &reals, 7),
       "order: 0.0 and -0.0 are equal and hash equal");
    ok(ovsdb_datum_compare(&m1, &m2, &smap) < 0
       && !ovsdb_datum_equals(&m1, &m2, &smap),
       "order: maps compare values too");

    x.integer = -5;
    y.integer = 3;
    ok(ovsdb_atom_compare(&x, &y, OVSDB_TYPE_INTEGER) < 0,
       "order: integers numerically");
    x.boolean = false;
    y.boolean = true;
    ok(ovsdb_atom_compare(&x, &y, OVSDB_TYPE_BOOLEAN) < 0,
       "order: false < true");
    x.string = (char *) "B";
    y.string = (char *) "a";
    ok(ovsdb_atom_compare(&x, &y, OVSDB_TYPE_STRING) < 0,
       "order: strings bytewise");

    /* Lookups and set operations, as conditions and mutations use them. */
    x.integer = 2;
    is_int(ovsdb_datum_find_key(&d, &x, OVSDB_TYPE_INTEGER), 1,
           "find: key 2 at index 1");
    x.integer = 5;
    is_int(ovsdb_datum_find_key(&d, &x, OVSDB_TYPE_INTEGER), -1,
           "find: key 5 absent");
    ok(ovsdb_datum_includes_all(&d, &c, &ints)
       && !ovsdb_datum_includes_all(&c, &d, &ints),
       "includes: {1,2,3} includes {1,3}, not the reverse");
    {
        struct ovsdb_datum e = datum_from(&ints, "[\"set\", [4, 5]]");

        ok(ovsdb_datum_excludes_all(&d, &e, &ints)
           && !ovsdb_datum_excludes_all(&d, &c, &ints),
           "excludes: {1,2,3} excludes {4,5}, not {1,3}");
        ovsdb_datum_union(&e, &c, &ints);
        ok(datum_is(&e, &ints, "[\"set\",[1,3,4,5]]"), "union of sets");
        ovsdb_datum_subtract(&e, &ints, &d, &ints);
        ok(datum_is(&e, &ints, "[\"set\",[4,5]]"), "subtraction of sets");
        ovsdb_datum_destroy(&e, &ints);
    }
    {
        struct ovsdb_datum m = datum_from(&smap, "[\"map\", [[\"a\", \"1\"],"
                                          " [\"b\", \"2\"]]]");
        struct ovsdb_datum add = datum_from(&smap, "[\"map\", [[\"a\","
                                            " \"X\"], [\"c\", \"3\"]]]");
        struct ovsdb_type keys = type_from("{\"key\": \"string\", \"min\": 0,"
                                           " \"max\": \"unlimited\"}");
        struct ovsdb_datum k = datum_from(&keys, "[\"set\", [\"c\"]]");

        ok(ovsdb_datum_includes_all(&m, &m1, &smap)
           && !ovsdb_datum_includes_all(&m, &m2, &smap),
           "includes on maps compares values");
        ok(ovsdb_datum_excludes_all(&m, &m2, &smap)
           && !ovsdb_datum_excludes_all(&m, &m1, &smap),
           "excludes on maps compares values");
        ovsdb_datum_union(&m, &add, &smap);
        ok(datum_is(&m, &smap,
                    "[\"map\",[[\"a\",\"1\"],[\"b\",\"2\"],[\"c\",\"3\"]]]"),
           "union of maps keeps existing values");
        ovsdb_datum_subtract(&m, &smap, &m2, &smap);
        ok(datum_is(&m, &smap,
                    "[\"map\",[[\"a\",\"1\"],[\"b\",\"2\"],[\"c\",\"3\"]]]"),
           "map minus a pair with another value: unchanged");
        ovsdb_datum_subtract(&m, &smap, &m1, &smap);
        ovsdb_datum_subtract(&m, &smap, &k, &keys);
        ok(datum_is(&m, &smap, "[\"map\",[[\"b\",\"2\"]]]"),
           "map minus a pair, and minus a key");
        ovsdb_datum_destroy(&m, &smap);
        ovsdb_datum_destroy(&add, &smap);
        ovsdb_datum_destroy(&k, &keys);
        ovsdb_type_destroy(&keys);
    }

    ovsdb_datum_destroy(&a, &ints);
    ovsdb_datum_destroy(&b, &ints);
    ovsdb_datum_destroy(&c, &ints);
    ovsdb_datum_destroy(&d, &ints);
    ovsdb_datum_destroy(&z1, &reals);
    ovsdb_datum_destroy(&z2, &reals);
    ovsdb_datum_destroy(&m1, &smap);
    ovsdb_datum_destroy(&m2, &smap);
    ovsdb_type_destroy(&ints);
    ovsdb_type_destroy(&reals);
    ovsdb_type_destroy(&smap);
}

static void
test_defaults(void)
{
    struct ovsdb_type scalar = type_from("\"string\"");
    struct ovsdb_type opt = type_from("{\"key\": \"integer\", \"min\": 0}");
    struct ovsdb_type map = type_from("{\"key\": \"string\", \"value\":"
                                      " \"uuid\"}");
    struct ovsdb_datum d;

    ovsdb_datum_init_default(&d, &scalar);
    ok(datum_is(&d, &scalar, "\"\"") && ovsdb_datum_is_default(&d, &scalar),
       "default: string is \"\"");
    ovsdb_datum_destroy(&d, &scalar);
    ovsdb_datum_init_default(&d, &opt);
    ok(datum_is(&d, &opt, "[\"set\",[]]") && ovsdb_datum_is_default(&d, &opt),
       "default: optional value is empty");
    ovsdb_datum_destroy(&d, &opt);
    ovsdb_datum_init_default(&d, &map);
    ok(datum_is(&d, &map, "[\"map\",[[\"\",[\"uuid\","
                "\"00000000-0000-0000-0000-000000000000\"]]]]"),
       "default: a 1-element map of default atoms");
    ovsdb_datum_destroy(&d, &map);
    d = datum_from(&scalar, "\"x\"");
    ok(!ovsdb_datum_is_default(&d, &scalar), "default: \"x\" is not");
    ovsdb_datum_destroy(&d, &scalar);
    ovsdb_type_destroy(&scalar);
    ovsdb_type_destroy(&opt);
    ovsdb_type_destroy(&map);
}

static void
fixed_uuid(struct ovsdb_uuid *uuid, void *aux)
{
    int *n = aux;

    memset(uuid, 0, sizeof *uuid);
    uuid->b[15] = (uint8_t) ++*n;
}

static void
test_named_uuids(void)
{
    struct ovsdb_type type = type_from("{\"key\": \"uuid\", \"min\": 0,"
                                       " \"max\": \"unlimited\"}");
    int counter = 0;
    struct ovsdb_symtab *symtab = ovsdb_symtab_create(fixed_uuid, &counter);
    json_t *json = parse("[\"set\", [[\"named-uuid\", \"b\"],"
                         " [\"named-uuid\", \"a\"],"
                         " [\"named-uuid\", \"b\"]]]");
    struct ovsdb_datum d;
    char *err = NULL;

    is_int(ovsdb_datum_from_json(&d, &type, json, symtab, &err), -EINVAL,
           "named-uuid: the same name twice is a duplicate");
    g_free(err);
    err = NULL;
    json_decref(json);
    ok(ovsdb_symtab_get(symtab, "a") && ovsdb_symtab_get(symtab, "b")
       && !ovsdb_symtab_get(symtab, "c"), "named-uuid: symbols created");
    is_int(ovsdb_symtab_get(symtab, "b")->uuid.b[15], 1,
           "named-uuid: first name gets the first UUID");
    ok(!ovsdb_symtab_get(symtab, "a")->created,
       "named-uuid: a reference does not define");

    json = parse("[\"named-uuid\", \"a\"]");
    ok(!ovsdb_datum_from_json(&d, &type, json, symtab, &err)
       && d.n == 1 && d.keys[0].uuid.b[15] == 2,
       "named-uuid: resolves to the symbol's UUID");
    ovsdb_datum_destroy(&d, &type);
    json_decref(json);

    json = parse("[\"named-uuid\", \"not an id\"]");
    is_int(ovsdb_datum_from_json(&d, &type, json, symtab, &err), -EINVAL,
           "named-uuid: names must be identifiers");
    g_free(err);
    json_decref(json);

    ovsdb_symtab_destroy(symtab);
    ovsdb_type_destroy(&type);
}

int
main(void)
{
    test_uuids();
    test_round_trips();
    test_type_errors();
    test_constraints();
    test_ordering();
    test_defaults();
    test_named_uuids();
    return done_testing();
}
