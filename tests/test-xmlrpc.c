/* test-xmlrpc.c -- unit tests of dbcache/xmlrpc.c: values, encoding and
 * parsing round trips for every type, escaping, faults, malformed
 * documents, and the hardening (DOCTYPE and entities refused, size and
 * depth caps). */
#include <config.h>

#include <errno.h>
#include <glib.h>
#include <string.h>

#include "diag.h"
#include "tap.h"
#include "xmlrpc.h"

/* A value of every type, nested. */
static struct xmlrpc_value *
sample_value(void)
{
    struct xmlrpc_value *s = xmlrpc_struct_new();
    struct xmlrpc_value *a = xmlrpc_array_new();
    struct xmlrpc_value *inner = xmlrpc_struct_new();

    xmlrpc_struct_set(s, "zeta", xmlrpc_string_new("last letter first"));
    xmlrpc_struct_set(s, "escapes",
                      xmlrpc_string_new("a<b>&c \"q\" 'a' ]]> \r\n\t end"));
    xmlrpc_struct_set(s, "unicode", xmlrpc_string_new("h\xc3\xa9llo "
                                                      "\xe2\x9c\x93 "
                                                      "\xf0\x9f\x90\xa7"));
    xmlrpc_struct_set(s, "empty", xmlrpc_string_new(""));
    xmlrpc_struct_set(s, "spaces", xmlrpc_string_new("  padded  "));
    xmlrpc_struct_set(s, "int", xmlrpc_int_new(42));
    xmlrpc_struct_set(s, "int_min", xmlrpc_int_new(INT32_MIN));
    xmlrpc_struct_set(s, "int_max", xmlrpc_int_new(INT32_MAX));
    xmlrpc_struct_set(s, "i8", xmlrpc_int_new(INT64_C(1) << 40));
    xmlrpc_struct_set(s, "i8_min", xmlrpc_int_new(INT64_MIN));
    xmlrpc_struct_set(s, "true", xmlrpc_bool_new(true));
    xmlrpc_struct_set(s, "false", xmlrpc_bool_new(false));
    xmlrpc_struct_set(s, "double", xmlrpc_double_new(3.25));
    xmlrpc_struct_set(s, "negative", xmlrpc_double_new(-0.1));
    xmlrpc_struct_set(s, "huge", xmlrpc_double_new(1e300));
    xmlrpc_struct_set(s, "when", xmlrpc_datetime_new("20240101T12:34:56Z"));
    xmlrpc_struct_set(s, "blob", xmlrpc_base64_new("aGVsbG8gd29ybGQ="));
    xmlrpc_struct_set(s, "nothing", xmlrpc_nil_new());
    xmlrpc_array_append(a, xmlrpc_string_new("one"));
    xmlrpc_array_append(a, xmlrpc_int_new(2));
    xmlrpc_array_append(a, xmlrpc_array_new());
    xmlrpc_struct_set(inner, "k", xmlrpc_string_new("v"));
    xmlrpc_array_append(a, inner);
    xmlrpc_array_append(a, xmlrpc_struct_new());
    xmlrpc_struct_set(s, "list", a);
    xmlrpc_struct_set(s, "alpha", xmlrpc_string_new("order is kept"));
    return s;
}

static void
test_values(void)
{
    struct xmlrpc_value *s = sample_value();
    struct xmlrpc_value *copy = xmlrpc_value_copy(s);
    char *text;

    ok(xmlrpc_value_equal(s, copy), "a copy equals its original");
    is_str(s->u.strct.names[0], "zeta", "struct members keep their order");
    is_str(s->u.strct.names[s->u.strct.n - 1], "alpha",
           "the last member set is last");

    xmlrpc_struct_set(copy, "zeta", xmlrpc_string_new("replaced"));
    is_str(copy->u.strct.names[0], "zeta",
           "replacing a member keeps its place");
    is_str(xmlrpc_get_string(xmlrpc_struct_get(copy, "zeta")), "replaced",
           "replacing a member replaces its value");
    is_int(copy->u.strct.n, s->u.strct.n, "replacing adds no member");
    ok(!xmlrpc_value_equal(s, copy), "a changed copy differs");
    ok(xmlrpc_struct_get(s, "missing") == NULL,
       "struct_get of a missing member is NULL");
    ok(xmlrpc_struct_get(xmlrpc_struct_get(s, "int"), "x") == NULL,
       "struct_get on a non-struct is NULL");
    ok(xmlrpc_get_string(xmlrpc_struct_get(s, "int")) == NULL,
       "get_string of an int is NULL");
    xmlrpc_value_free(copy);
    xmlrpc_value_free(s);

    s = xmlrpc_array_new();
    xmlrpc_array_append(s, xmlrpc_string_new("a\"b\\c\n"));
    xmlrpc_array_append(s, xmlrpc_int_new(-7));
    xmlrpc_array_append(s, xmlrpc_bool_new(true));
    xmlrpc_array_append(s, xmlrpc_nil_new());
    copy = xmlrpc_struct_new();
    xmlrpc_struct_set(copy, "k", xmlrpc_double_new(1.5));
    xmlrpc_array_append(s, copy);
    xmlrpc_array_append(s, xmlrpc_datetime_new("20240101T00:00:00Z"));
    text = xmlrpc_value_to_text(s);
    is_str(text, "[\"a\\\"b\\\\c\\n\", -7, true, nil, {\"k\": 1.5}, "
           "dateTime:\"20240101T00:00:00Z\"]", "readable text form");
    g_free(text);
    xmlrpc_value_free(s);
    xmlrpc_value_free(NULL);
    ok(true, "xmlrpc_value_free(NULL) is harmless");
}

static void
test_call_round_trip(void)
{
    struct xmlrpc_value *params[3] = {
        xmlrpc_string_new("OpaqueRef:session"),
        sample_value(),
        xmlrpc_int_new(-12),
    };
    struct xmlrpc_value *got = NULL;
    struct diag *d = diag_new();
    char *method = NULL;
    char *doc;
    size_t len;
    int error;

    doc = xmlrpc_encode_call("PIF.get_record<&>", params, 3, &len);
    is_int(len, strlen(doc), "encode_call reports the length");
    ok(strstr(doc, "<methodName>PIF.get_record&lt;&amp;&gt;</methodName>")
       != NULL, "the method name is escaped");
    ok(strstr(doc, "&#13;") != NULL, "a carriage return is a character "
       "reference");
    ok(strstr(doc, "<i8>") != NULL, "a 64-bit int is written as <i8>");
    error = xmlrpc_parse_call(doc, len, &method, &got, d);
    is_int(error, 0, "parse_call accepts what encode_call wrote");
    diag_print(d, stdout, "#");
    if (!error) {
        is_str(method, "PIF.get_record<&>", "method name round trip");
        is_int(got->u.array.n, 3, "three params");
        ok(got->u.array.n == 3
           && xmlrpc_value_equal(got->u.array.items[0], params[0])
           && xmlrpc_value_equal(got->u.array.items[1], params[1])
           && xmlrpc_value_equal(got->u.array.items[2], params[2]),
           "every type survives a call round trip");
    }
    g_free(method);
    xmlrpc_value_free(got);
    g_free(doc);

    /* No params at all. */
    doc = xmlrpc_encode_call("pool.get_all", NULL, 0, &len);
    got = NULL;
    method = NULL;
    error = xmlrpc_parse_call(doc, len, &method, &got, d);
    ok(!error && got->u.array.n == 0 && !strcmp(method, "pool.get_all"),
       "a call without params round trips");
    g_free(method);
    xmlrpc_value_free(got);
    g_free(doc);

    for (size_t i = 0; i < 3; i++) {
        xmlrpc_value_free(params[i]);
    }
    diag_free(d);
}

static void
test_response_round_trip(void)
{
    struct xmlrpc_value *v = sample_value();
    struct xmlrpc_response r;
    struct diag *d = diag_new();
    char *doc;
    size_t len;
    int error;

    doc = xmlrpc_encode_response(v, &len);
    memset(&r, 0, sizeof r);
    error = xmlrpc_parse_response(doc, len, &r, d);
    is_int(error, 0, "parse_response accepts what encode_response wrote");
    ok(!error && !r.is_fault && xmlrpc_value_equal(r.value, v),
       "every type survives a response round trip");
    xmlrpc_response_clear(&r);
    g_free(doc);
    xmlrpc_value_free(v);

    doc = xmlrpc_encode_fault(-32601, "no such <method> & more", &len);
    error = xmlrpc_parse_response(doc, len, &r, d);
    is_int(error, 0, "a fault parses");
    ok(r.is_fault && r.value == NULL, "a fault is a fault");
    is_int(r.fault_code, -32601, "fault code");
    is_str(r.fault_string, "no such <method> & more", "fault string");
    xmlrpc_response_clear(&r);
    xmlrpc_response_clear(NULL);
    g_free(doc);
    diag_free(d);
}

/* Parses 'doc' as a response and returns its value (or NULL). */
static struct xmlrpc_value *
parse_ok(const char *doc, const char *what)
{
    struct xmlrpc_response r;
    struct diag *d = diag_new();
    int error;

    memset(&r, 0, sizeof r);
    error = xmlrpc_parse_response(doc, strlen(doc), &r, d);
    ok(!error, "%s: parses", what);
    diag_print(d, stdout, "#");
    diag_free(d);
    return error ? NULL : r.value;
}

static void
test_parse_forms(void)
{
    struct xmlrpc_value *v;

    v = parse_ok("<?xml version=\"1.0\"?><methodResponse><params><param>"
                 "<value>  untyped text  </value></param></params>"
                 "</methodResponse>", "untyped value");
    is_str(xmlrpc_get_string(v), "  untyped text  ",
           "a value without a type is a string, white space kept");
    xmlrpc_value_free(v);

    v = parse_ok("<methodResponse><params><param><value/></param></params>"
                 "</methodResponse>", "empty value");
    is_str(xmlrpc_get_string(v), "", "<value/> is the empty string");
    xmlrpc_value_free(v);

    v = parse_ok("<methodResponse><params><param><value><string/></value>"
                 "</param></params></methodResponse>", "empty string");
    is_str(xmlrpc_get_string(v), "", "<string/> is the empty string");
    xmlrpc_value_free(v);

    v = parse_ok("<methodResponse>\n  <params>\n    <param>\n"
                 "      <value>\n        <struct>\n"
                 "          <!-- a comment -->\n"
                 "          <member><value><i4> 7 </i4></value>"
                 "<name>b</name></member>\n"
                 "          <member><name>a</name><value><int>+8</int>"
                 "</value></member>\n"
                 "          <member><name>c</name><value><string>"
                 "<![CDATA[<raw> & ]]>cooked &amp; &#65;</string></value>"
                 "</member>\n"
                 "          <member><name>d</name><value><boolean>1"
                 "</boolean></value></member>\n"
                 "          <member><name>e</name><value><double>-1.5e3"
                 "</double></value></member>\n"
                 "          <member><name>f</name><value><nil></nil>"
                 "</value></member>\n"
                 "        </struct>\n      </value>\n    </param>\n"
                 "  </params>\n</methodResponse>\n", "pretty printed");
    ok(v && v->type == XMLRPC_STRUCT && v->u.strct.n == 6,
       "pretty printed struct has six members");
    if (v && v->u.strct.n == 6) {
        is_str(v->u.strct.names[0], "b", "member order is document order");
        is_int(xmlrpc_struct_get(v, "b")->u.i, 7, "i4 with white space");
        is_int(xmlrpc_struct_get(v, "a")->u.i, 8, "int with a plus sign");
        is_str(xmlrpc_get_string(xmlrpc_struct_get(v, "c")),
               "<raw> & cooked & A", "CDATA, entities and character "
               "references");
        ok(xmlrpc_struct_get(v, "d")->u.b, "boolean 1 is true");
        ok(xmlrpc_struct_get(v, "e")->u.d == -1500.0, "double with an "
           "exponent");
        is_int(xmlrpc_struct_get(v, "f")->type, XMLRPC_NIL, "<nil></nil>");
    }
    xmlrpc_value_free(v);
}

static void
test_encode_sanitizes(void)
{
    struct xmlrpc_value *v = xmlrpc_string_new("bad\xff utf8 \x01 ctl");
    struct xmlrpc_response r;
    struct diag *d = diag_new();
    char *doc;
    size_t len;
    int error;

    doc = xmlrpc_encode_response(v, &len);
    memset(&r, 0, sizeof r);
    error = xmlrpc_parse_response(doc, len, &r, d);
    is_int(error, 0, "invalid UTF-8 and control characters still give a "
           "well-formed document");
    if (!error) {
        is_str(xmlrpc_get_string(r.value),
               "bad\xef\xbf\xbd utf8 \xef\xbf\xbd ctl",
               "they are replaced by U+FFFD");
    }
    xmlrpc_response_clear(&r);
    g_free(doc);
    xmlrpc_value_free(v);
    diag_free(d);
}

/* Checks that response document 'doc' is refused with 'want_error' and a
 * message containing 'needle'. */
static void
refused(const char *doc, int want_error, const char *needle,
        const char *what)
{
    struct xmlrpc_response r = { true, NULL, 99, NULL };
    struct diag *d = diag_new();
    int error;

    error = xmlrpc_parse_response(doc, strlen(doc), &r, d);
    is_int(error, want_error, "%s: refused", what);
    ok(diag_count(d) > 0 && (!needle || diag_contains(d, needle)),
       "%s: message mentions \"%s\"", what, needle ? needle : "");
    if (!diag_contains(d, needle ? needle : "")) {
        diag_print(d, stdout, "#");
    }
    ok(r.is_fault && r.fault_code == 99 && !r.value,
       "%s: output untouched", what);
    diag_free(d);
}

#define RESP(V) "<methodResponse><params><param><value>" V \
    "</value></param></params></methodResponse>"

static void
test_malformed(void)
{
    struct diag *d = diag_new();
    const char *no_name = "<methodCall><params/></methodCall>";
    const char *blank_name = "<methodCall><methodName> </methodName>"
                             "</methodCall>";
    struct xmlrpc_value *params = NULL;
    char *method = NULL;

    refused("", -EPROTO, "empty", "empty document");
    refused("this is not XML", -EPROTO, "XML-RPC response:1:",
            "not XML");
    refused("<methodResponse><params>", -EPROTO, NULL, "truncated");
    refused("<methodCall/>", -EPROTO, "expected <methodResponse>",
            "wrong root");
    refused("<methodResponse/>", -EPROTO, "exactly one element",
            "empty methodResponse");
    refused("<methodResponse><params><param><value>1</value></param>"
            "<param><value>2</value></param></params></methodResponse>",
            -EPROTO, "exactly one element", "two params in a response");
    refused("<methodResponse><fault><value><struct><member><name>"
            "faultString</name><value>x</value></member></struct></value>"
            "</fault></methodResponse>", -EPROTO, "faultCode",
            "fault without a code");
    refused("<methodResponse><other/></methodResponse>", -EPROTO,
            "<params> or <fault>", "unknown child");
    refused(RESP("<foo>1</foo>"), -EPROTO, "unknown XML-RPC type <foo>",
            "unknown type");
    refused(RESP("<int>abc</int>"), -EPROTO, "not an integer", "bad int");
    refused(RESP("<int>12x</int>"), -EPROTO, "not an integer",
            "int with trailing junk");
    refused(RESP("<i4>2147483648</i4>"), -EPROTO, "out of range",
            "i4 out of range");
    refused(RESP("<i8>99999999999999999999</i8>"), -EPROTO, "out of range",
            "i8 out of range");
    refused(RESP("<boolean>2</boolean>"), -EPROTO, "not 0 or 1",
            "bad boolean");
    refused(RESP("<boolean>true</boolean>"), -EPROTO, "not 0 or 1",
            "boolean spelled out");
    refused(RESP("<double>nan</double>"), -EPROTO, "finite", "NaN");
    refused(RESP("<double>1e999</double>"), -EPROTO, "finite",
            "infinite double");
    refused(RESP("<double></double>"), -EPROTO, "finite", "empty double");
    refused(RESP("<string>a<b/></string>"), -EPROTO, "unexpected element",
            "element inside a string");
    refused(RESP("text<string>a</string>"), -EPROTO, "both text",
            "text beside a type");
    refused(RESP("<string>a</string><string>b</string>"), -EPROTO,
            "more than one", "two types");
    refused(RESP("<nil>x</nil>"), -EPROTO, "<nil> must be empty",
            "non-empty nil");
    refused(RESP("<array><value>1</value></array>"), -EPROTO, "<data>",
            "array without data");
    refused(RESP("<array><data><string>x</string></data></array>"),
            -EPROTO, "expected <value> in <data>", "bare item in an array");
    refused(RESP("<struct><member><value>1</value></member></struct>"),
            -EPROTO, "without <name>", "member without a name");
    refused(RESP("<struct><member><name>a</name></member></struct>"),
            -EPROTO, "without <value>", "member without a value");
    refused(RESP("<struct><value>1</value></struct>"), -EPROTO,
            "expected <member>", "struct without members");
    refused(RESP("<struct>junk<member><name>a</name><value>1</value>"
                 "</member></struct>"), -EPROTO, "unexpected text",
            "text in a struct");
    refused(RESP("&undeclared;"), -EPROTO, "undeclared",
            "undeclared entity");

    ok(xmlrpc_parse_call(no_name, strlen(no_name), &method, &params, d)
       == -EPROTO && diag_contains(d, "without <methodName>"),
       "a call without a method name is refused");
    ok(xmlrpc_parse_call(blank_name, strlen(blank_name), &method, &params,
                         d) == -EPROTO && diag_contains(d, "empty <methodName>"),
       "a call with an empty method name is refused");
    ok(method == NULL && params == NULL, "outputs untouched on failure");
    diag_free(d);
}

static void
test_hardening(void)
{
    struct xmlrpc_response r;
    struct diag *d = diag_new();
    struct xmlrpc_value *v = NULL;
    GString *doc;
    char *big;
    int error;

    refused("<?xml version=\"1.0\"?>\n<!DOCTYPE methodResponse>\n"
            RESP("x"), -EPROTO, "document type declarations",
            "bare DOCTYPE");
    refused("<!DOCTYPE methodResponse [<!ENTITY x \"expanded\">]>"
            RESP("&x;"), -EPROTO, "document type declarations",
            "internal entity");
    refused("<!DOCTYPE methodResponse [<!ENTITY xxe SYSTEM "
            "\"file:///etc/passwd\">]>" RESP("&xxe;"), -EPROTO,
            "document type declarations", "external entity");
    refused("<!DOCTYPE methodResponse SYSTEM \"http://example.invalid/x."
            "dtd\">" RESP("x"), -EPROTO, "document type declarations",
            "external DTD");
    refused("<!DOCTYPE lolz [<!ENTITY lol \"lol\">"
            "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
            "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">"
            "]>" RESP("&lol3;"), -EPROTO, "document type declarations",
            "entity expansion bomb");

    /* Depth: XMLRPC_MAX_DEPTH values deep is fine, one more is not. */
    for (int depth = XMLRPC_MAX_DEPTH; depth <= XMLRPC_MAX_DEPTH + 1;
         depth++) {
        doc = g_string_new("<value>");
        for (int i = 1; i < depth; i++) {
            g_string_append(doc, "<array><data><value>");
        }
        g_string_append(doc, "deep");
        for (int i = 1; i < depth; i++) {
            g_string_append(doc, "</value></data></array>");
        }
        g_string_append(doc, "</value>");
        diag_clear(d);
        error = xmlrpc_parse_value_document(doc->str, doc->len, "deep.xml",
                                            &v, d);
        if (depth == XMLRPC_MAX_DEPTH) {
            is_int(error, 0, "values nested %d deep are accepted", depth);
            xmlrpc_value_free(v);
            v = NULL;
        } else {
            is_int(error, -EPROTO, "values nested %d deep are refused",
                   depth);
            ok(diag_contains(d, "deep.xml:1: values nested more than"),
               "the message names the document and the limit");
            diag_print(d, stdout, "#");
        }
        g_string_free(doc, TRUE);
    }

    /* Far deeper: libxml2's own limit or ours, either way refused. */
    doc = g_string_new("<value>");
    for (int i = 0; i < 5000; i++) {
        g_string_append(doc, "<array><data><value>");
    }
    error = xmlrpc_parse_value_document(doc->str, doc->len, NULL, &v, d);
    is_int(error, -EPROTO, "5000 nested arrays are refused");
    g_string_free(doc, TRUE);

    /* Size cap. */
    big = g_malloc(XMLRPC_MAX_SIZE + 1);
    memset(big, ' ', XMLRPC_MAX_SIZE + 1);
    diag_clear(d);
    memset(&r, 0, sizeof r);
    error = xmlrpc_parse_response(big, XMLRPC_MAX_SIZE + 1, &r, d);
    is_int(error, -EFBIG, "a document over the size cap is refused");
    ok(diag_contains(d, "larger than the limit"), "with a message saying so");
    g_free(big);
    diag_free(d);
}

static void
test_value_document(void)
{
    struct diag *d = diag_new();
    struct xmlrpc_value *v = NULL;
    const char *doc = "<?xml version=\"1.0\"?>\n<!-- fixture -->\n"
                      "<value><struct><member><name>PIF</name><value>"
                      "<struct/></value></member></struct></value>\n";
    int error;

    error = xmlrpc_parse_value_document(doc, strlen(doc), "f.xml", &v, d);
    is_int(error, 0, "a value document parses");
    ok(v && v->type == XMLRPC_STRUCT && v->u.strct.n == 1
       && xmlrpc_struct_get(v, "PIF")->type == XMLRPC_STRUCT,
       "a value document's value");
    xmlrpc_value_free(v);

    doc = "<value>\n<int>x</int></value>";
    error = xmlrpc_parse_value_document(doc, strlen(doc), "f.xml", &v, d);
    ok(error == -EPROTO && diag_contains(d, "f.xml:2: <int> holds \"x\""),
       "messages name the document and the line");
    diag_free(d);
}

int
main(void)
{
    test_values();
    test_call_round_trip();
    test_response_round_trip();
    test_parse_forms();
    test_encode_sanitizes();
    test_malformed();
    test_hardening();
    test_value_document();
    return done_testing();
}
