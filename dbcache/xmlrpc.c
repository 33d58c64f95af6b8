/* xmlrpc.c -- XML-RPC values, encoding and hardened parsing (see xmlrpc.h).
 *
 * This is the only file that knows XML-RPC's XML.  xapi.c sends the calls
 * it encodes and parses the responses it gets; the test XAPI server does
 * the reverse.  Encoding writes text directly into a GString.  Parsing
 * builds a libxml2 tree (documents are small: one XAPI reply) under a
 * parser context whose internalSubset hook stops the parser at the first
 * DOCTYPE, before any declaration inside it is read; the tree is then
 * walked into values, strictly: every element is where XML-RPC puts it,
 * and anything else is -EPROTO with a message naming the line. */
#include <config.h>

#include "xmlrpc.h"

#include <errno.h>
#include <glib.h>
#include <inttypes.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <math.h>
#include <string.h>

#include "xml-quiet.h"
#include "diag.h"
#include "util.h"

/* Values. */

static struct xmlrpc_value *
value_new(enum xmlrpc_type type)
{
    struct xmlrpc_value *v = g_new0(struct xmlrpc_value, 1);

    v->type = type;
    return v;
}

static struct xmlrpc_value *
text_value_new(enum xmlrpc_type type, const char *s)
{
    struct xmlrpc_value *v = value_new(type);

    v->u.s = g_strdup(s ? s : "");
    return v;
}

struct xmlrpc_value *
xmlrpc_string_new(const char *s)
{
    return text_value_new(XMLRPC_STRING, s);
}

struct xmlrpc_value *
xmlrpc_int_new(int64_t i)
{
    struct xmlrpc_value *v = value_new(XMLRPC_INT);

    v->u.i = i;
    return v;
}

struct xmlrpc_value *
xmlrpc_bool_new(bool b)
{
    struct xmlrpc_value *v = value_new(XMLRPC_BOOL);

    v->u.b = b;
    return v;
}

struct xmlrpc_value *
xmlrpc_double_new(double d)
{
    struct xmlrpc_value *v = value_new(XMLRPC_DOUBLE);

    v->u.d = d;
    return v;
}

struct xmlrpc_value *
xmlrpc_datetime_new(const char *s)
{
    return text_value_new(XMLRPC_DATETIME, s);
}

struct xmlrpc_value *
xmlrpc_base64_new(const char *s)
{
    return text_value_new(XMLRPC_BASE64, s);
}

struct xmlrpc_value *
xmlrpc_nil_new(void)
{
    return value_new(XMLRPC_NIL);
}

struct xmlrpc_value *
xmlrpc_array_new(void)
{
    return value_new(XMLRPC_ARRAY);
}

struct xmlrpc_value *
xmlrpc_struct_new(void)
{
    return value_new(XMLRPC_STRUCT);
}

void
xmlrpc_value_free(struct xmlrpc_value *v)
{
    if (!v) {
        return;
    }
    switch (v->type) {
    case XMLRPC_STRING:
    case XMLRPC_DATETIME:
    case XMLRPC_BASE64:
        g_free(v->u.s);
        break;
    case XMLRPC_ARRAY:
        for (size_t i = 0; i < v->u.array.n; i++) {
            xmlrpc_value_free(v->u.array.items[i]);
        }
        g_free(v->u.array.items);
        break;
    case XMLRPC_STRUCT:
        for (size_t i = 0; i < v->u.strct.n; i++) {
            g_free(v->u.strct.names[i]);
            xmlrpc_value_free(v->u.strct.values[i]);
        }
        g_free(v->u.strct.names);
        g_free(v->u.strct.values);
        break;
    case XMLRPC_INT:
    case XMLRPC_BOOL:
    case XMLRPC_DOUBLE:
    case XMLRPC_NIL:
        break;
    }
    g_free(v);
}

struct xmlrpc_value *
xmlrpc_value_copy(const struct xmlrpc_value *v)
{
    struct xmlrpc_value *copy;

    switch (v->type) {
    case XMLRPC_STRING:
    case XMLRPC_DATETIME:
    case XMLRPC_BASE64:
        return text_value_new(v->type, v->u.s);
    case XMLRPC_ARRAY:
        copy = xmlrpc_array_new();
        for (size_t i = 0; i < v->u.array.n; i++) {
            xmlrpc_array_append(copy, xmlrpc_value_copy(v->u.array.items[i]));
        }
        return copy;
    case XMLRPC_STRUCT:
        copy = xmlrpc_struct_new();
        for (size_t i = 0; i < v->u.strct.n; i++) {
            xmlrpc_struct_set(copy, v->u.strct.names[i],
                              xmlrpc_value_copy(v->u.strct.values[i]));
        }
        return copy;
    case XMLRPC_INT:
    case XMLRPC_BOOL:
    case XMLRPC_DOUBLE:
    case XMLRPC_NIL:
    default:
        copy = value_new(v->type);
        copy->u = v->u;
        return copy;
    }
}

bool
xmlrpc_value_equal(const struct xmlrpc_value *a,
                   const struct xmlrpc_value *b)
{
    if (a->type != b->type) {
        return false;
    }
    switch (a->type) {
    case XMLRPC_STRING:
    case XMLRPC_DATETIME:
    case XMLRPC_BASE64:
        return !strcmp(a->u.s, b->u.s);
    case XMLRPC_INT:
        return a->u.i == b->u.i;
    case XMLRPC_BOOL:
        return a->u.b == b->u.b;
    case XMLRPC_DOUBLE:
        return a->u.d == b->u.d;
    case XMLRPC_NIL:
        return true;
    case XMLRPC_ARRAY:
        if (a->u.array.n != b->u.array.n) {
            return false;
        }
        for (size_t i = 0; i < a->u.array.n; i++) {
            if (!xmlrpc_value_equal(a->u.array.items[i],
                                    b->u.array.items[i])) {
                return false;
            }
        }
        return true;
    case XMLRPC_STRUCT:
        if (a->u.strct.n != b->u.strct.n) {
            return false;
        }
        for (size_t i = 0; i < a->u.strct.n; i++) {
            if (strcmp(a->u.strct.names[i], b->u.strct.names[i])
                || !xmlrpc_value_equal(a->u.strct.values[i],
                                       b->u.strct.values[i])) {
                return false;
            }
        }
        return true;
    }
    return false;
}

void
xmlrpc_array_append(struct xmlrpc_value *array, struct xmlrpc_value *item)
{
    g_assert(array->type == XMLRPC_ARRAY);
    array->u.array.items = g_renew(struct xmlrpc_value *,
                                   array->u.array.items,
                                   array->u.array.n + 1);
    array->u.array.items[array->u.array.n++] = item;
}

void
xmlrpc_struct_set(struct xmlrpc_value *strct, const char *name,
                  struct xmlrpc_value *value)
{
    size_t n = strct->u.strct.n;

    g_assert(strct->type == XMLRPC_STRUCT);
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(strct->u.strct.names[i], name)) {
            xmlrpc_value_free(strct->u.strct.values[i]);
            strct->u.strct.values[i] = value;
            return;
        }
    }
    strct->u.strct.names = g_renew(char *, strct->u.strct.names, n + 1);
    strct->u.strct.values = g_renew(struct xmlrpc_value *,
                                    strct->u.strct.values, n + 1);
    strct->u.strct.names[n] = g_strdup(name);
    strct->u.strct.values[n] = value;
    strct->u.strct.n = n + 1;
}

const struct xmlrpc_value *
xmlrpc_struct_get(const struct xmlrpc_value *v, const char *name)
{
    if (!v || v->type != XMLRPC_STRUCT) {
        return NULL;
    }
    for (size_t i = 0; i < v->u.strct.n; i++) {
        if (!strcmp(v->u.strct.names[i], name)) {
            return v->u.strct.values[i];
        }
    }
    return NULL;
}

const char *
xmlrpc_get_string(const struct xmlrpc_value *v)
{
    return v && v->type == XMLRPC_STRING ? v->u.s : NULL;
}

const char *
xmlrpc_type_name(enum xmlrpc_type type)
{
    switch (type) {
    case XMLRPC_STRING:
        return "string";
    case XMLRPC_INT:
        return "i4";
    case XMLRPC_BOOL:
        return "boolean";
    case XMLRPC_DOUBLE:
        return "double";
    case XMLRPC_DATETIME:
        return "dateTime.iso8601";
    case XMLRPC_BASE64:
        return "base64";
    case XMLRPC_NIL:
        return "nil";
    case XMLRPC_ARRAY:
        return "array";
    case XMLRPC_STRUCT:
        return "struct";
    }
    return "unknown";
}

/* Readable text. */

static void
text_append_quoted(GString *s, const char *str)
{
    g_string_append_c(s, '"');
    for (const char *p = str; *p; p++) {
        unsigned char c = *p;

        switch (c) {
        case '"':
        case '\\':
            g_string_append_c(s, '\\');
            g_string_append_c(s, c);
            break;
        case '\n':
            g_string_append(s, "\\n");
            break;
        case '\r':
            g_string_append(s, "\\r");
            break;
        case '\t':
            g_string_append(s, "\\t");
            break;
        default:
            if (c < 0x20 || c == 0x7f) {
                g_string_append_printf(s, "\\x%02x", c);
            } else {
                g_string_append_c(s, c);
            }
            break;
        }
    }
    g_string_append_c(s, '"');
}

static void
text_append_value(GString *s, const struct xmlrpc_value *v)
{
    char buf[G_ASCII_DTOSTR_BUF_SIZE];

    switch (v->type) {
    case XMLRPC_STRING:
        text_append_quoted(s, v->u.s);
        break;
    case XMLRPC_DATETIME:
        g_string_append(s, "dateTime:");
        text_append_quoted(s, v->u.s);
        break;
    case XMLRPC_BASE64:
        g_string_append(s, "base64:");
        text_append_quoted(s, v->u.s);
        break;
    case XMLRPC_INT:
        g_string_append_printf(s, "%" PRId64, v->u.i);
        break;
    case XMLRPC_BOOL:
        g_string_append(s, v->u.b ? "true" : "false");
        break;
    case XMLRPC_DOUBLE:
        g_string_append(s, g_ascii_dtostr(buf, sizeof buf, v->u.d));
        break;
    case XMLRPC_NIL:
        g_string_append(s, "nil");
        break;
    case XMLRPC_ARRAY:
        g_string_append_c(s, '[');
        for (size_t i = 0; i < v->u.array.n; i++) {
            if (i) {
                g_string_append(s, ", ");
            }
            text_append_value(s, v->u.array.items[i]);
        }
        g_string_append_c(s, ']');
        break;
    case XMLRPC_STRUCT:
        g_string_append_c(s, '{');
        for (size_t i = 0; i < v->u.strct.n; i++) {
            if (i) {
                g_string_append(s, ", ");
            }
            text_append_quoted(s, v->u.strct.names[i]);
            g_string_append(s, ": ");
            text_append_value(s, v->u.strct.values[i]);
        }
        g_string_append_c(s, '}');
        break;
    }
}

char *
xmlrpc_value_to_text(const struct xmlrpc_value *v)
{
    GString *s = g_string_new(NULL);

    text_append_value(s, v);
    return g_string_free(s, FALSE);
}

/* Encoding. */

static bool
xml_char_ok(gunichar c)
{
    return (c == 0x9 || c == 0xa || c == 0xd
            || (c >= 0x20 && c <= 0xd7ff)
            || (c >= 0xe000 && c <= 0xfffd)
            || (c >= 0x10000 && c <= 0x10ffff));
}

/* Appends 'text' to 's', escaped for XML character data.  A carriage
 * return is written as a character reference, which XML's end-of-line
 * normalisation leaves alone. */
static void
xml_append_text(GString *s, const char *text)
{
    const char *p = text;

    while (*p) {
        unsigned char c = *p;

        if (c < 0x80) {
            switch (c) {
            case '&':
                g_string_append(s, "&amp;");
                break;
            case '<':
                g_string_append(s, "&lt;");
                break;
            case '>':
                g_string_append(s, "&gt;");
                break;
            case '\r':
                g_string_append(s, "&#13;");
                break;
            default:
                if (xml_char_ok(c)) {
                    g_string_append_c(s, c);
                } else {
                    g_string_append(s, "\xef\xbf\xbd");
                }
                break;
            }
            p++;
        } else {
            gunichar uc = g_utf8_get_char_validated(p, -1);

            if (uc == (gunichar) -1 || uc == (gunichar) -2
                || !xml_char_ok(uc)) {
                g_string_append(s, "\xef\xbf\xbd");
                p++;
            } else {
                const char *next = g_utf8_next_char(p);

                g_string_append_len(s, p, next - p);
                p = next;
            }
        }
    }
}

static void
encode_value(GString *s, const struct xmlrpc_value *v)
{
    char buf[G_ASCII_DTOSTR_BUF_SIZE];

    g_string_append(s, "<value>");
    switch (v->type) {
    case XMLRPC_STRING:
        g_string_append(s, "<string>");
        xml_append_text(s, v->u.s);
        g_string_append(s, "</string>");
        break;
    case XMLRPC_DATETIME:
        g_string_append(s, "<dateTime.iso8601>");
        xml_append_text(s, v->u.s);
        g_string_append(s, "</dateTime.iso8601>");
        break;
    case XMLRPC_BASE64:
        g_string_append(s, "<base64>");
        xml_append_text(s, v->u.s);
        g_string_append(s, "</base64>");
        break;
    case XMLRPC_INT:
        if (v->u.i >= INT32_MIN && v->u.i <= INT32_MAX) {
            g_string_append_printf(s, "<int>%" PRId64 "</int>", v->u.i);
        } else {
            g_string_append_printf(s, "<i8>%" PRId64 "</i8>", v->u.i);
        }
        break;
    case XMLRPC_BOOL:
        g_string_append_printf(s, "<boolean>%d</boolean>", v->u.b ? 1 : 0);
        break;
    case XMLRPC_DOUBLE:
        g_string_append_printf(s, "<double>%s</double>",
                               g_ascii_dtostr(buf, sizeof buf, v->u.d));
        break;
    case XMLRPC_NIL:
        g_string_append(s, "<nil/>");
        break;
    case XMLRPC_ARRAY:
        g_string_append(s, "<array><data>");
        for (size_t i = 0; i < v->u.array.n; i++) {
            encode_value(s, v->u.array.items[i]);
        }
        g_string_append(s, "</data></array>");
        break;
    case XMLRPC_STRUCT:
        g_string_append(s, "<struct>");
        for (size_t i = 0; i < v->u.strct.n; i++) {
            g_string_append(s, "<member><name>");
            xml_append_text(s, v->u.strct.names[i]);
            g_string_append(s, "</name>");
            encode_value(s, v->u.strct.values[i]);
            g_string_append(s, "</member>");
        }
        g_string_append(s, "</struct>");
        break;
    }
    g_string_append(s, "</value>");
}

static char *
finish_document(GString *s, size_t *lenp)
{
    if (lenp) {
        *lenp = s->len;
    }
    return g_string_free(s, FALSE);
}

char *
xmlrpc_encode_call(const char *method, struct xmlrpc_value *const *params,
                   size_t n_params, size_t *lenp)
{
    GString *s = g_string_new("<?xml version=\"1.0\"?>\n<methodCall>"
                              "<methodName>");

    xml_append_text(s, method);
    g_string_append(s, "</methodName><params>");
    for (size_t i = 0; i < n_params; i++) {
        g_string_append(s, "<param>");
        encode_value(s, params[i]);
        g_string_append(s, "</param>");
    }
    g_string_append(s, "</params></methodCall>\n");
    return finish_document(s, lenp);
}

char *
xmlrpc_encode_response(const struct xmlrpc_value *value, size_t *lenp)
{
    GString *s = g_string_new("<?xml version=\"1.0\"?>\n<methodResponse>"
                              "<params><param>");

    encode_value(s, value);
    g_string_append(s, "</param></params></methodResponse>\n");
    return finish_document(s, lenp);
}

char *
xmlrpc_encode_fault(int code, const char *string, size_t *lenp)
{
    GString *s = g_string_new("<?xml version=\"1.0\"?>\n<methodResponse>"
                              "<fault>");
    struct xmlrpc_value *v = xmlrpc_struct_new();

    xmlrpc_struct_set(v, "faultCode", xmlrpc_int_new(code));
    xmlrpc_struct_set(v, "faultString", xmlrpc_string_new(string));
    encode_value(s, v);
    xmlrpc_value_free(v);
    g_string_append(s, "</fault></methodResponse>\n");
    return finish_document(s, lenp);
}

/* Parsing: the document. */

struct parse_state {
    bool doctype;               /* A DOCTYPE was seen (and refused). */
    char *error;                /* libxml2's first error, or NULL. */
    int error_line;
};

static void
on_internal_subset(void *ctx, const xmlChar *name, const xmlChar *external,
                   const xmlChar *system)
{
    xmlParserCtxtPtr ctxt = ctx;
    struct parse_state *ps = ctxt->_private;

    ps->doctype = true;
    xmlStopParser(ctxt);
}

static void
on_error(void *ctx, xmlErrorPtr error)
{
    xmlParserCtxtPtr ctxt = ctx;
    struct parse_state *ps = ctxt->_private;

    if (!ps->error && error->level >= XML_ERR_ERROR) {
        ps->error = g_strchomp(g_strdup(error->message
                                        ? error->message : "error"));
        ps->error_line = error->line;
    }
}

/* Parses the 'len' bytes at 'data' into a tree.  'name' names the document
 * in messages.  Returns 0 and stores the tree in '*docp' (xmlFreeDoc), or
 * a negative errno value after adding a message to 'diag'. */
static int
read_document(const char *data, size_t len, const char *name,
              xmlDocPtr *docp, struct diag *diag)
{
    struct parse_state ps = { false, NULL, 0 };
    xmlParserCtxtPtr ctxt = NULL;
    xmlDocPtr doc = NULL;
    int error = 0;

    if (!len) {
        diag_add(diag, "%s: empty document", name);
        error = -EPROTO;
        goto out;
    }
    if (len > XMLRPC_MAX_SIZE) {
        diag_add(diag, "%s: document of %zu bytes is larger than the "
                 "limit of %u bytes", name, len, XMLRPC_MAX_SIZE);
        error = -EFBIG;
        goto out;
    }

    xml_quiet();
    ctxt = xmlNewParserCtxt();
    if (!ctxt) {
        g_error("out of memory");
    }
    ctxt->_private = &ps;
    ctxt->sax->internalSubset = on_internal_subset;
    ctxt->sax->serror = on_error;

    /* No XML_PARSE_NOENT (no entity substitution), no XML_PARSE_DTDLOAD,
     * no XML_PARSE_HUGE (libxml2's own depth and text-size limits stay).
     * CDATA sections become plain text. */
    doc = xmlCtxtReadMemory(ctxt, data, (int) len, name, NULL,
                            XML_PARSE_NONET | XML_PARSE_NOCDATA);
    if (ps.doctype || (doc && (doc->intSubset || doc->extSubset))) {
        diag_add(diag, "%s: document type declarations are not allowed",
                 name);
        error = -EPROTO;
    } else if (!doc || !ctxt->wellFormed) {
        if (ps.error) {
            diag_add(diag, "%s:%d: %s", name, ps.error_line, ps.error);
        } else {
            diag_add(diag, "%s: not well-formed XML", name);
        }
        error = -EPROTO;
    } else if (!xmlDocGetRootElement(doc)) {
        diag_add(diag, "%s: document has no root element", name);
        error = -EPROTO;
    }

out:
    if (error) {
        xmlFreeDoc(doc);
    } else {
        *docp = doc;
    }
    g_free(ps.error);
    xmlFreeParserCtxt(ctxt);
    return error;
}

/* Parsing: from the tree to values. */

struct decoder {
    const char *name;           /* Document name, for messages. */
    struct diag *diag;
};

static int decode_error(struct decoder *, const xmlNode *, const char *fmt,
                        ...) PRINTF_FORMAT(3, 4);

/* Adds a message about node 'n' and returns -EPROTO. */
static int
decode_error(struct decoder *d, const xmlNode *n, const char *fmt, ...)
{
    va_list args;
    char *msg;

    va_start(args, fmt);
    msg = g_strdup_vprintf(fmt, args);
    va_end(args);
    diag_add(d->diag, "%s:%ld: %s", d->name, n ? xmlGetLineNo(n) : 0L, msg);
    g_free(msg);
    return -EPROTO;
}

static const char *
node_name(const xmlNode *n)
{
    return (const char *) n->name;
}

static bool
is_element(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && !strcmp(node_name(n), name);
}

static bool
is_blank(const xmlChar *text)
{
    for (const xmlChar *p = text; p && *p; p++) {
        if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') {
            return false;
        }
    }
    return true;
}

/* Looks at the children of 'parent'.  Counts its element children into
 * '*n_elemsp' (the first in '*firstp', both may be NULL) and appends its
 * text to 'text' (may be NULL).  Comments and processing instructions are
 * skipped.  Returns -EPROTO for anything else (an entity reference, ...). */
static int
scan_children(struct decoder *d, const xmlNode *parent, size_t *n_elemsp,
              const xmlNode **firstp, GString *text, bool *blankp)
{
    size_t n_elems = 0;
    const xmlNode *first = NULL;
    bool blank = true;

    for (const xmlNode *c = parent->children; c; c = c->next) {
        switch (c->type) {
        case XML_ELEMENT_NODE:
            if (!n_elems++) {
                first = c;
            }
            break;
        case XML_TEXT_NODE:
        case XML_CDATA_SECTION_NODE:
            if (text) {
                g_string_append(text, (const char *) c->content);
            }
            if (!is_blank(c->content)) {
                blank = false;
            }
            break;
        case XML_COMMENT_NODE:
        case XML_PI_NODE:
            break;
        default:
            return decode_error(d, c, "unexpected content in <%s>",
                                node_name(parent));
        }
    }
    if (n_elemsp) {
        *n_elemsp = n_elems;
    }
    if (firstp) {
        *firstp = first;
    }
    if (blankp) {
        *blankp = blank;
    }
    return 0;
}

/* Stores in '*textp' (g_free) the text of element 'e', which must contain
 * no elements. */
static int
element_text(struct decoder *d, const xmlNode *e, char **textp)
{
    GString *text = g_string_new(NULL);
    const xmlNode *first;
    size_t n_elems;
    int error;

    error = scan_children(d, e, &n_elems, &first, text, NULL);
    if (!error && n_elems) {
        error = decode_error(d, first, "unexpected element <%s> in <%s>",
                             node_name(first), node_name(e));
    }
    if (error) {
        g_string_free(text, TRUE);
    } else {
        *textp = g_string_free(text, FALSE);
    }
    return error;
}

/* Checks that 'e' holds only elements (blank text aside). */
static int
elements_only(struct decoder *d, const xmlNode *e)
{
    bool blank;
    int error = scan_children(d, e, NULL, NULL, NULL, &blank);

    if (!error && !blank) {
        error = decode_error(d, e, "unexpected text in <%s>", node_name(e));
    }
    return error;
}

/* Stores in '*childp' the single element child of 'e', which must be
 * named 'want' (any name if NULL). */
static int
single_child(struct decoder *d, const xmlNode *e, const char *want,
             const xmlNode **childp)
{
    const xmlNode *child;
    size_t n_elems;
    bool blank;
    int error;

    error = scan_children(d, e, &n_elems, &child, NULL, &blank);
    if (error) {
        return error;
    } else if (!blank) {
        return decode_error(d, e, "unexpected text in <%s>", node_name(e));
    } else if (n_elems != 1) {
        return decode_error(d, e, "<%s> must contain exactly one element "
                            "%s%s%s", node_name(e), want ? "<" : "",
                            want ? want : "", want ? ">" : "");
    } else if (want && !is_element(child, want)) {
        return decode_error(d, child, "expected <%s> in <%s>, not <%s>",
                            want, node_name(e), node_name(child));
    }
    *childp = child;
    return 0;
}

static char *
strip_copy(const char *s)
{
    return g_strstrip(g_strdup(s));
}

static int
decode_int(struct decoder *d, const xmlNode *e, const char *text,
           int64_t min, int64_t max, int64_t *ip)
{
    char *s = strip_copy(text);
    char *end;
    gint64 i;
    int error = 0;

    errno = 0;
    if ((*s != '-' && *s != '+' && !g_ascii_isdigit(*s))
        || ((*s == '-' || *s == '+') && !g_ascii_isdigit(s[1]))) {
        error = decode_error(d, e, "<%s> holds \"%s\", not an integer",
                             node_name(e), s);
        goto out;
    }
    i = g_ascii_strtoll(s, &end, 10);
    if (*end) {
        error = decode_error(d, e, "<%s> holds \"%s\", not an integer",
                             node_name(e), s);
    } else if (errno == ERANGE || i < min || i > max) {
        error = decode_error(d, e, "<%s> value %s is out of range",
                             node_name(e), s);
    } else {
        *ip = i;
    }
out:
    g_free(s);
    return error;
}

static int decode_value(struct decoder *, const xmlNode *value, int depth,
                        struct xmlrpc_value **);

static int
decode_array(struct decoder *d, const xmlNode *e, int depth,
             struct xmlrpc_value **vp)
{
    struct xmlrpc_value *array = xmlrpc_array_new();
    const xmlNode *data = NULL;
    int error;

    error = single_child(d, e, "data", &data);
    if (!error) {
        error = elements_only(d, data);
    }
    for (const xmlNode *c = data ? data->children : NULL; !error && c;
         c = c->next) {
        struct xmlrpc_value *item;

        if (c->type != XML_ELEMENT_NODE) {
            continue;
        } else if (!is_element(c, "value")) {
            error = decode_error(d, c, "expected <value> in <data>, not "
                                 "<%s>", node_name(c));
        } else if (!(error = decode_value(d, c, depth + 1, &item))) {
            xmlrpc_array_append(array, item);
        }
    }
    if (error) {
        xmlrpc_value_free(array);
    } else {
        *vp = array;
    }
    return error;
}

static int
decode_member(struct decoder *d, const xmlNode *m, int depth,
              struct xmlrpc_value *strct)
{
    const xmlNode *name = NULL, *value = NULL;
    struct xmlrpc_value *v;
    char *text = NULL;
    int error;

    error = elements_only(d, m);
    for (const xmlNode *c = m->children; !error && c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) {
            continue;
        } else if (is_element(c, "name") && !name) {
            name = c;
        } else if (is_element(c, "value") && !value) {
            value = c;
        } else {
            error = decode_error(d, c, "unexpected <%s> in <member>",
                                 node_name(c));
        }
    }
    if (!error && (!name || !value)) {
        error = decode_error(d, m, "<member> without <%s>",
                             name ? "value" : "name");
    }
    if (!error) {
        error = element_text(d, name, &text);
    }
    if (!error) {
        error = decode_value(d, value, depth + 1, &v);
    }
    if (!error) {
        xmlrpc_struct_set(strct, text, v);
    }
    g_free(text);
    return error;
}

static int
decode_struct(struct decoder *d, const xmlNode *e, int depth,
              struct xmlrpc_value **vp)
{
    struct xmlrpc_value *strct = xmlrpc_struct_new();
    int error;

    error = elements_only(d, e);
    for (const xmlNode *c = e->children; !error && c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) {
            continue;
        } else if (!is_element(c, "member")) {
            error = decode_error(d, c, "expected <member> in <struct>, not "
                                 "<%s>", node_name(c));
        } else {
            error = decode_member(d, c, depth, strct);
        }
    }
    if (error) {
        xmlrpc_value_free(strct);
    } else {
        *vp = strct;
    }
    return error;
}

/* Decodes the typed element 'e' of a <value>. */
static int
decode_typed(struct decoder *d, const xmlNode *e, int depth,
             struct xmlrpc_value **vp)
{
    const char *type = node_name(e);
    char *text = NULL;
    int error = 0;

    if (!strcmp(type, "array")) {
        return decode_array(d, e, depth, vp);
    } else if (!strcmp(type, "struct")) {
        return decode_struct(d, e, depth, vp);
    } else if (!strcmp(type, "nil")) {
        bool blank;
        size_t n_elems;

        error = scan_children(d, e, &n_elems, NULL, NULL, &blank);
        if (!error && (n_elems || !blank)) {
            error = decode_error(d, e, "<nil> must be empty");
        }
        if (!error) {
            *vp = xmlrpc_nil_new();
        }
        return error;
    }

    error = element_text(d, e, &text);
    if (error) {
        goto out;
    }
    if (!strcmp(type, "string")) {
        *vp = xmlrpc_string_new(text);
    } else if (!strcmp(type, "i4") || !strcmp(type, "int")) {
        int64_t i;

        error = decode_int(d, e, text, INT32_MIN, INT32_MAX, &i);
        if (!error) {
            *vp = xmlrpc_int_new(i);
        }
    } else if (!strcmp(type, "i8")) {
        int64_t i;

        error = decode_int(d, e, text, INT64_MIN, INT64_MAX, &i);
        if (!error) {
            *vp = xmlrpc_int_new(i);
        }
    } else if (!strcmp(type, "boolean")) {
        char *s = strip_copy(text);

        if (!strcmp(s, "0") || !strcmp(s, "1")) {
            *vp = xmlrpc_bool_new(s[0] == '1');
        } else {
            error = decode_error(d, e, "<boolean> holds \"%s\", not 0 or 1",
                                 s);
        }
        g_free(s);
    } else if (!strcmp(type, "double")) {
        char *s = strip_copy(text);
        char *end;
        double x;

        errno = 0;
        x = g_ascii_strtod(s, &end);
        if (!*s || *end || !isfinite(x) || errno == ERANGE) {
            error = decode_error(d, e, "<double> holds \"%s\", not a finite "
                                 "number", s);
        } else {
            *vp = xmlrpc_double_new(x);
        }
        g_free(s);
    } else if (!strcmp(type, "dateTime.iso8601")) {
        *vp = xmlrpc_datetime_new(text);
    } else if (!strcmp(type, "base64")) {
        *vp = xmlrpc_base64_new(text);
    } else {
        error = decode_error(d, e, "unknown XML-RPC type <%s>", type);
    }

out:
    g_free(text);
    return error;
}

/* Decodes the <value> element 'e' at nesting 'depth' (1 for the outermost
 * value). */
static int
decode_value(struct decoder *d, const xmlNode *e, int depth,
             struct xmlrpc_value **vp)
{
    GString *text = g_string_new(NULL);
    const xmlNode *typed;
    size_t n_elems;
    bool blank;
    int error;

    if (depth > XMLRPC_MAX_DEPTH) {
        error = decode_error(d, e, "values nested more than %d deep",
                             XMLRPC_MAX_DEPTH);
        goto out;
    }
    error = scan_children(d, e, &n_elems, &typed, text, &blank);
    if (error) {
        goto out;
    }
    if (!n_elems) {
        /* No type element: the text is a string. */
        *vp = xmlrpc_string_new(text->str);
    } else if (n_elems > 1) {
        error = decode_error(d, e, "<value> holds more than one element");
    } else if (!blank) {
        error = decode_error(d, e, "<value> holds both text and <%s>",
                             node_name(typed));
    } else {
        error = decode_typed(d, typed, depth, vp);
    }
out:
    g_string_free(text, TRUE);
    return error;
}

/* Parses the document and checks that its root is named 'root_name'. */
static int
read_rooted(const char *data, size_t len, const char *name,
            const char *root_name, xmlDocPtr *docp, const xmlNode **rootp,
            struct diag *diag)
{
    const xmlNode *root;
    xmlDocPtr doc;
    int error;

    error = read_document(data, len, name, &doc, diag);
    if (error) {
        return error;
    }
    root = xmlDocGetRootElement(doc);
    if (strcmp(node_name(root), root_name)) {
        diag_add(diag, "%s:%ld: expected <%s> as the root element, not "
                 "<%s>", name, xmlGetLineNo(root), root_name,
                 node_name(root));
        xmlFreeDoc(doc);
        return -EPROTO;
    }
    *docp = doc;
    *rootp = root;
    return 0;
}

static int
decode_fault(struct decoder *d, const xmlNode *fault,
             struct xmlrpc_response *r)
{
    const struct xmlrpc_value *code, *string;
    struct xmlrpc_value *v = NULL;
    const xmlNode *value;
    int error;

    error = single_child(d, fault, "value", &value);
    if (!error) {
        error = decode_value(d, value, 1, &v);
    }
    if (error) {
        goto out;
    }
    code = xmlrpc_struct_get(v, "faultCode");
    string = xmlrpc_struct_get(v, "faultString");
    if (!code || code->type != XMLRPC_INT || code->u.i < INT32_MIN
        || code->u.i > INT32_MAX) {
        error = decode_error(d, value, "<fault> without an integer "
                             "faultCode");
    } else if (string && string->type != XMLRPC_STRING) {
        error = decode_error(d, value, "<fault> with a faultString that is "
                             "not a string");
    } else {
        r->is_fault = true;
        r->fault_code = code->u.i;
        r->fault_string = g_strdup(string ? string->u.s : "");
    }
out:
    xmlrpc_value_free(v);
    return error;
}

void
xmlrpc_response_clear(struct xmlrpc_response *r)
{
    if (r) {
        xmlrpc_value_free(r->value);
        g_free(r->fault_string);
        memset(r, 0, sizeof *r);
    }
}

int
xmlrpc_parse_response(const char *data, size_t len,
                      struct xmlrpc_response *rp, struct diag *diag)
{
    struct decoder d = { "XML-RPC response", diag };
    struct xmlrpc_response r = { false, NULL, 0, NULL };
    const xmlNode *root, *child, *param, *value;
    xmlDocPtr doc;
    int error;

    error = read_rooted(data, len, d.name, "methodResponse", &doc, &root,
                        diag);
    if (error) {
        return error;
    }
    error = single_child(&d, root, NULL, &child);
    if (error) {
        goto out;
    }
    if (is_element(child, "fault")) {
        error = decode_fault(&d, child, &r);
    } else if (is_element(child, "params")) {
        error = single_child(&d, child, "param", &param);
        if (!error) {
            error = single_child(&d, param, "value", &value);
        }
        if (!error) {
            error = decode_value(&d, value, 1, &r.value);
        }
    } else {
        error = decode_error(&d, child, "expected <params> or <fault> in "
                             "<methodResponse>, not <%s>", node_name(child));
    }

out:
    xmlFreeDoc(doc);
    if (error) {
        xmlrpc_response_clear(&r);
    } else {
        *rp = r;
    }
    return error;
}

int
xmlrpc_parse_call(const char *data, size_t len, char **methodp,
                  struct xmlrpc_value **paramsp, struct diag *diag)
{
    struct decoder d = { "XML-RPC call", diag };
    struct xmlrpc_value *params = xmlrpc_array_new();
    const xmlNode *root, *name = NULL, *plist = NULL;
    char *method = NULL;
    xmlDocPtr doc;
    int error;

    error = read_rooted(data, len, d.name, "methodCall", &doc, &root, diag);
    if (error) {
        xmlrpc_value_free(params);
        return error;
    }
    error = elements_only(&d, root);
    for (const xmlNode *c = root->children; !error && c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) {
            continue;
        } else if (is_element(c, "methodName") && !name) {
            name = c;
        } else if (is_element(c, "params") && !plist) {
            plist = c;
        } else {
            error = decode_error(&d, c, "unexpected <%s> in <methodCall>",
                                 node_name(c));
        }
    }
    if (!error && !name) {
        error = decode_error(&d, root, "<methodCall> without <methodName>");
    }
    if (!error) {
        error = element_text(&d, name, &method);
    }
    if (!error && !*g_strstrip(method)) {
        error = decode_error(&d, name, "empty <methodName>");
    }
    if (!error && plist) {
        error = elements_only(&d, plist);
    }
    for (const xmlNode *c = plist ? plist->children : NULL; !error && c;
         c = c->next) {
        const xmlNode *value;
        struct xmlrpc_value *v;

        if (c->type != XML_ELEMENT_NODE) {
            continue;
        } else if (!is_element(c, "param")) {
            error = decode_error(&d, c, "expected <param> in <params>, not "
                                 "<%s>", node_name(c));
        } else if (!(error = single_child(&d, c, "value", &value))
                   && !(error = decode_value(&d, value, 1, &v))) {
            xmlrpc_array_append(params, v);
        }
    }

    xmlFreeDoc(doc);
    if (error) {
        g_free(method);
        xmlrpc_value_free(params);
    } else {
        *methodp = method;
        *paramsp = params;
    }
    return error;
}

int
xmlrpc_parse_value_document(const char *data, size_t len, const char *name,
                            struct xmlrpc_value **valuep, struct diag *diag)
{
    struct decoder d = { name ? name : "XML-RPC value", diag };
    const xmlNode *root;
    xmlDocPtr doc;
    int error;

    error = read_rooted(data, len, d.name, "value", &doc, &root, diag);
    if (!error) {
        error = decode_value(&d, root, 1, valuep);
        xmlFreeDoc(doc);
    }
    return error;
}
