/* test-ovsdb-schema.c -- OVSDB schemas (vswitch/ovsdb-schema.h).
 *
 * tests/ovsdb-test.ovsschema uses every feature of the schema language;
 * it must parse into the structures expected and serialise back to itself.
 * Then a table of broken schemas, each refused with a message that names
 * the table and column at fault. */
#include <config.h>

#include <errno.h>
#include <string.h>

#include "ovsdb-data.h"
#include "ovsdb-schema.h"
#include "tap.h"

static json_t *
load_json(const char *name)
{
    const char *srcdir = getenv("top_srcdir");
    char *path = g_strdup_printf("%s/tests/%s", srcdir ? srcdir : ".", name);
    json_error_t error;
    json_t *json = json_load_file(path, 0, &error);

    if (!json) {
        printf("Bail out! %s:%d: %s\n", path, error.line, error.text);
        exit(1);
    }
    g_free(path);
    return json;
}

static const struct ovsdb_column *
column(const struct ovsdb_schema *schema, const char *table,
       const char *name)
{
    const struct ovsdb_table_schema *ts = ovsdb_schema_get_table(schema,
                                                                 table);

    return ts ? ovsdb_table_schema_get_column(ts, name) : NULL;
}

static void
type_is(const struct ovsdb_schema *schema, const char *table,
        const char *name, const char *english)
{
    const struct ovsdb_column *c = column(schema, table, name);
    char *s = c ? ovsdb_type_to_english(&c->type) : NULL;

    is_str(s, english, "%s.%s is a %s", table, name, english);
    g_free(s);
}

static void
serialises_as(const json_t *schema_json, const char *table, const char *name,
              const char *want_text)
{
    json_t *got = json_object_get(json_object_get(json_object_get(
        json_object_get(schema_json, "tables"), table), "columns"), name);
    json_t *want = json_loads(want_text, 0, NULL);

    if (!ok(want && json_equal(got, want), "%s.%s serialises as %s", table,
            name, want_text)) {
        char *s = json_dumps(got, JSON_COMPACT | JSON_ENCODE_ANY);

        diag_msg("got: %s", s ? s : "(null)");
        free(s);
    }
    json_decref(want);
}

static void
test_good_schema(void)
{
    json_t *json = load_json("ovsdb-test.ovsschema");
    struct ovsdb_schema *schema, *again;
    const struct ovsdb_table_schema *ts;
    const struct ovsdb_column *c;
    json_t *back, *back2;
    char *err = NULL;

    if (!ok(!ovsdb_schema_from_json(json, &schema, &err),
            "test schema parses")) {
        diag_msg("%s", err);
        exit(1);
    }
    is_str(schema->name, "Test", "name");
    is_str(schema->version, "1.2.3", "version");
    is_str(schema->cksum, "12345 678", "cksum");
    is_int(schema->n_tables, 9, "9 tables");
    is_str(schema->tables[0]->name, "Root", "tables in schema order");
    ok(!ovsdb_schema_get_table(schema, "Nope"), "no table Nope");

    ts = ovsdb_schema_get_table(schema, "Root");
    is_int(ts->n_columns, 6, "Root: 4 columns plus _uuid and _version");
    is_str(ts->columns[OVSDB_COL_UUID]->name, "_uuid", "_uuid first");
    is_str(ts->columns[OVSDB_COL_VERSION]->name, "_version",
           "_version second");
    ok(!ts->columns[OVSDB_COL_UUID]->is_mutable, "_uuid immutable");
    is_str(ts->columns[2]->name, "bridges", "columns in schema order");
    is_int(ts->max_rows, 1, "Root: maxRows 1");
    ok(ts->is_root && ts->root, "Root is a root");
    ok(column(schema, "Root", "flag")->ephemeral, "Root.flag ephemeral");

    ts = ovsdb_schema_get_table(schema, "Port");
    ok(!ts->is_root && !ts->root, "Port is not a root");
    is_int(ts->max_rows, UINT_MAX, "Port: rows unlimited");
    ok(!column(schema, "Port", "name")->is_mutable, "Port.name immutable");
    ok(column(schema, "Port", "tag")->is_mutable, "Port.tag mutable");

    ts = ovsdb_schema_get_table(schema, "Pair");
    is_int(ts->n_indexes, 2, "Pair: two indexes");
    is_int(ts->indexes[0].n_columns, 2, "Pair: first index on 2 columns");
    is_str(ts->indexes[0].columns[1]->name, "b", "... a and b");
    is_str(ts->indexes[1].columns[0]->name, "c", "Pair: second index on c");

    c = column(schema, "Bridge", "ports");
    ok(c && c->type.key.u.uuid.ref_table
       == ovsdb_schema_get_table(schema, "Port")
       && c->type.key.u.uuid.ref_type == OVSDB_REF_STRONG
       && ovsdb_type_has_strong_refs(&c->type),
       "Bridge.ports: strong references to Port");
    c = column(schema, "Mirror", "select_src_port");
    ok(c && c->type.key.u.uuid.ref_type == OVSDB_REF_WEAK
       && ovsdb_type_has_weak_refs(&c->type)
       && !ovsdb_type_has_strong_refs(&c->type),
       "Mirror.select_src_port: weak references");
    c = column(schema, "Watch", "by_name");
    ok(c && ovsdb_base_type_is_weak_ref(&c->type.value)
       && !ovsdb_base_type_is_weak_ref(&c->type.key),
       "Watch.by_name: weak references in map values");

    type_is(schema, "Root", "cfg", "integer");
    type_is(schema, "Port", "tag", "set of up to 1 integers");
    type_is(schema, "Port", "interfaces", "set of 1 or more uuids");
    type_is(schema, "Types", "names", "set of 1 to 3 strings");
    type_is(schema, "Types", "imap", "map of up to 2 (integer, real) pairs");
    type_is(schema, "Types", "smap", "map of (string, string) pairs");

    c = column(schema, "Types", "i_range");
    ok(c && c->type.key.u.integer.min == -10
       && c->type.key.u.integer.max == 10, "Types.i_range: -10 to 10");
    c = column(schema, "Types", "r_range");
    ok(c && c->type.key.u.real.min == -1.5 && c->type.key.u.real.max == 2.5,
       "Types.r_range: -1.5 to 2.5");
    c = column(schema, "Types", "s_len");
    ok(c && c->type.key.u.string.min_len == 2
       && c->type.key.u.string.max_len == 5, "Types.s_len: 2 to 5 long");
    c = column(schema, "Types", "color");
    ok(c && c->type.key.enum_ && c->type.key.enum_->n == 3,
       "Types.color: enum of 3");
    c = column(schema, "Types", "small");
    ok(c && c->type.key.enum_ && c->type.key.enum_->n == 3
       && c->type.key.enum_->keys[0].integer == 1,
       "Types.small: integer enum, sorted");

    /* Serialising gives back what was parsed (in its shortest form), and
     * that is stable. */
    back = ovsdb_schema_to_json(schema);
    ok(!ovsdb_schema_from_json(back, &again, &err), "serialised schema "
       "parses");
    back2 = ovsdb_schema_to_json(again);
    ok(json_equal(back, back2), "serialising is stable");
    /* The shortest form: "min" 1 and "max" 1 are left out. */
    serialises_as(back, "Port", "tag",
                  "{\"type\": {\"key\": {\"type\": \"integer\", "
                  "\"minInteger\": 0, \"maxInteger\": 4095}, \"min\": 0}}");
    serialises_as(back, "Root", "cfg", "{\"type\": \"integer\"}");
    serialises_as(back, "Interface", "link_state",
                  "{\"type\": {\"key\": {\"type\": \"string\", "
                  "\"enum\": [\"set\", [\"down\", \"up\"]]}, \"min\": 0},"
                  " \"ephemeral\": true}");
    serialises_as(back, "Bridge", "name",
                  "{\"type\": \"string\", \"mutable\": false}");
    serialises_as(back, "Watch", "by_name",
                  "{\"type\": {\"key\": \"string\", \"value\": "
                  "{\"type\": \"uuid\", \"refTable\": \"Port\", "
                  "\"refType\": \"weak\"}, \"min\": 0, "
                  "\"max\": \"unlimited\"}}");
    serialises_as(back, "Types", "r_range",
                  "{\"type\": {\"key\": {\"type\": \"real\", "
                  "\"minReal\": -1.5, \"maxReal\": 2.5}}}");
    serialises_as(back, "Types", "s_len",
                  "{\"type\": {\"key\": {\"type\": \"string\", "
                  "\"minLength\": 2, \"maxLength\": 5}, \"min\": 0}}");
    {
        json_t *pair = json_object_get(json_object_get(back, "tables"),
                                       "Pair");
        json_t *want = json_loads("{\"maxRows\": 3, \"isRoot\": true,"
                                  " \"indexes\": [[\"a\", \"b\"], "
                                  "[\"c\"]]}", 0, NULL);

        json_object_del(pair, "columns");
        ok(json_equal(pair, want),
           "Pair: maxRows, isRoot, indexes serialised");
        json_decref(want);
    }
    ok(json_equal(json_object_get(back, "cksum"),
                  json_object_get(json, "cksum"))
       && json_equal(json_object_get(back, "version"),
                     json_object_get(json, "version")),
       "version and cksum serialised");
    json_decref(back);
    json_decref(back2);
    ovsdb_schema_destroy(again);
    ovsdb_schema_destroy(schema);
    json_decref(json);
}

static void
test_no_roots(void)
{
    json_t *json = json_loads(
        "{\"name\": \"Old\", \"tables\": {"
        " \"A\": {\"columns\": {\"b\": {\"type\": {\"key\":"
        " {\"type\": \"uuid\", \"refTable\": \"B\"}, \"min\": 0}}}},"
        " \"B\": {\"columns\": {\"x\": {\"type\": \"integer\"}}}}}", 0, NULL);
    struct ovsdb_schema *schema;
    char *err = NULL;

    ok(!ovsdb_schema_from_json(json, &schema, &err),
       "schema without isRoot and without version parses");
    ok(schema->tables[0]->root && schema->tables[1]->root
       && !schema->tables[0]->is_root,
       "without any isRoot, every table is a root");
    ok(!schema->version, "no version");
    ovsdb_schema_destroy(schema);
    json_decref(json);
}

/* A schema with one table T holding one column c of type TYPE. */
#define ONE_COLUMN(TYPE) \
    "{\"name\": \"S\", \"version\": \"1.0.0\", \"tables\": {\"T\": " \
    "{\"columns\": {\"c\": {\"type\": " TYPE "}}}}}"

static const struct {
    const char *json;
    const char *message;        /* Must occur in the error message. */
} bad_schemas[] = {
    { "[]", "schema must be a JSON object" },
    { "{\"version\": \"1.0.0\", \"tables\": {}}", "\"name\" must be" },
    { "{\"name\": \"S\", \"version\": \"1.0\", \"tables\": {}}",
      "\"version\" must be a string of the form x.y.z" },
    { "{\"name\": \"S\", \"tables\": {}, \"extra\": 1}",
      "unexpected member \"extra\"" },
    { "{\"name\": \"S\"}", "\"tables\" must be an object" },
    { "{\"name\": \"S\", \"tables\": {\"_T\": {\"columns\": {}}}}",
      "\"_T\" is not a valid table name" },
    { "{\"name\": \"S\", \"tables\": {\"T\": {\"columns\": {}}}}",
      "table T: \"columns\" must be an object with at least one column" },
    { "{\"name\": \"S\", \"tables\": {\"T\": {\"columns\": "
      "{\"c\": {\"type\": \"integer\"}}, \"maxRows\": 0}}}",
      "table T: \"maxRows\" must be a positive integer" },
    { "{\"name\": \"S\", \"tables\": {\"T\": {\"columns\": "
      "{\"c\": {\"type\": \"integer\"}}, \"isRoot\": 1}}}",
      "table T: \"isRoot\" must be a boolean" },
    { "{\"name\": \"S\", \"tables\": {\"T\": {\"columns\": "
      "{\"_c\": {\"type\": \"integer\"}}}}}",
      "table T: \"_c\" is not a valid column name" },
    { "{\"name\": \"S\", \"tables\": {\"T\": {\"columns\": "
      "{\"c\": {}}}}}", "table T column c: \"type\" is missing" },
    { "{\"name\": \"S\", \"tables\": {\"T\": {\"columns\": "
      "{\"c\": {\"type\": \"integer\", \"mutable\": 1}}}}}",
      "table T column c: \"ephemeral\" and \"mutable\" must be booleans" },
    { ONE_COLUMN("\"int\""), "table T column c: unknown atomic type \"int\"" },
    { ONE_COLUMN("\"void\""), "table T column c: unknown atomic type" },
    { ONE_COLUMN("{\"key\": {\"type\": \"integer\", \"minInteger\": 5,"
                 " \"maxInteger\": 4}}"),
      "table T column c: key type: minInteger exceeds maxInteger" },
    { ONE_COLUMN("{\"key\": {\"type\": \"real\", \"minReal\": 1.5,"
                 " \"maxReal\": 1}}"),
      "table T column c: key type: minReal exceeds maxReal" },
    { ONE_COLUMN("{\"key\": {\"type\": \"string\", \"minLength\": -1}}"),
      "table T column c: key type: \"minLength\" must be a nonnegative" },
    { ONE_COLUMN("{\"key\": {\"type\": \"string\", \"minLength\": 3,"
                 " \"maxLength\": 2}}"),
      "table T column c: key type: minLength exceeds maxLength" },
    { ONE_COLUMN("{\"key\": {\"type\": \"integer\", \"minLength\": 1}}"),
      "table T column c: key type: base type has unexpected member "
      "\"minLength\"" },
    { ONE_COLUMN("{\"key\": {\"type\": \"integer\", \"enum\": 1,"
                 " \"minInteger\": 0}}"),
      "table T column c: key type: base type with \"enum\" has unexpected "
      "member \"minInteger\"" },
    { ONE_COLUMN("{\"key\": {\"type\": \"integer\", \"enum\": \"x\"}}"),
      "table T column c: key type: bad \"enum\": expected integer" },
    { ONE_COLUMN("{\"key\": {\"type\": \"integer\", \"enum\": [\"set\","
                 " []]}}"),
      "table T column c: key type: \"enum\" must have at least one value" },
    { ONE_COLUMN("{\"key\": {\"type\": \"uuid\", \"refTable\": \"Nope\"}}"),
      "table T column c: refTable \"Nope\" is not a table in this schema" },
    { ONE_COLUMN("{\"key\": {\"type\": \"uuid\", \"refTable\": \"T\","
                 " \"refType\": \"medium\"}}"),
      "table T column c: key type: \"refType\" must be \"strong\" or "
      "\"weak\"" },
    { ONE_COLUMN("{\"key\": {\"type\": \"uuid\", \"refType\": \"weak\"}}"),
      "table T column c: key type: \"refType\" requires \"refTable\"" },
    { ONE_COLUMN("{\"key\": \"integer\", \"value\": {\"type\": \"uuid\","
                 " \"refTable\": \"Nope\"}}"),
      "table T column c: refTable \"Nope\"" },
    { ONE_COLUMN("{\"key\": \"integer\", \"value\": \"nope\"}"),
      "table T column c: value type: unknown atomic type \"nope\"" },
    { ONE_COLUMN("{\"value\": \"integer\"}"),
      "table T column c: type object lacks \"key\"" },
    { ONE_COLUMN("{\"key\": \"integer\", \"min\": 2}"),
      "table T column c: \"min\" must be 0 or 1" },
    { ONE_COLUMN("{\"key\": \"integer\", \"max\": 0}"),
      "table T column c: \"max\" must be a positive integer or "
      "\"unlimited\"" },
    { ONE_COLUMN("{\"key\": \"integer\", \"max\": \"lots\"}"),
      "table T column c: \"max\" must be" },
    { ONE_COLUMN("{\"key\": \"integer\", \"keys\": 1}"),
      "table T column c: type has unexpected member \"keys\"" },
    { ONE_COLUMN("5"), "table T column c: type must be a string or an "
      "object" },
    { "{\"name\": \"S\", \"tables\": {\"T\": {\"columns\": "
      "{\"c\": {\"type\": \"integer\"}}, \"indexes\": [[\"d\"]]}}}",
      "table T: index 1 names a column that does not exist" },
    { "{\"name\": \"S\", \"tables\": {\"T\": {\"columns\": "
      "{\"c\": {\"type\": \"integer\"}}, \"indexes\": [[]]}}}",
      "table T: index 1 must be a nonempty array of column names" },
    { "{\"name\": \"S\", \"tables\": {\"T\": {\"columns\": "
      "{\"c\": {\"type\": \"integer\"}}, \"indexes\": [[\"c\", \"c\"]]}}}",
      "table T: index 1 names column c twice" },
    { "{\"name\": \"S\", \"tables\": {\"T\": {\"columns\": "
      "{\"c\": {\"type\": \"integer\", \"ephemeral\": true}},"
      " \"indexes\": [[\"c\"]]}}}",
      "table T column c: ephemeral columns may not be indexed" },
};

static void
test_bad_schemas(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(bad_schemas); i++) {
        json_error_t jerror;
        json_t *json = json_loads(bad_schemas[i].json, 0, &jerror);
        struct ovsdb_schema *schema = NULL;
        char *err = NULL;
        int error;

        if (!json) {
            printf("Bail out! case %zu: %s\n", i + 1, jerror.text);
            exit(1);
        }
        error = ovsdb_schema_from_json(json, &schema, &err);
        is_int(error, -EINVAL, "bad schema %zu refused", i + 1);
        if (!ok(err && strstr(err, bad_schemas[i].message),
                "bad schema %zu: \"%s\"", i + 1, bad_schemas[i].message)) {
            diag_msg("got: %s", err ? err : "(null)");
        }
        if (!error) {
            ovsdb_schema_destroy(schema);
        }
        g_free(err);
        json_decref(json);
    }
}

int
main(void)
{
    test_good_schema();
    test_no_roots();
    test_bad_schemas();
    return done_testing();
}
