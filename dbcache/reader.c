/* reader.c -- reads network.dbcache XML into the model (see reader.h).
 *
 * The file is parsed with libxml2's SAX2 interface: no tree is built, the
 * depth is known at every element (so the depth cap applies while parsing),
 * and a DOCTYPE stops the parser the moment it is seen, before any entity
 * declaration in it is processed.  Records are filled through the field
 * tables of model.c, so this file knows the layout of the document (root,
 * record, field, item) but nothing about individual fields.
 *
 * Problems in records (bad boolean, missing ref, duplicate ref, unknown
 * top-level element) are gathered and reported together; a malformed
 * document stops at the first XML error, as any parser must. */
#include <config.h>

#include "reader.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <libxml/parser.h>
#include <libxml/SAX2.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "model.h"
#include "xml-quiet.h"

#define ROOT_TAG "xenserver-network-configuration"

/* Depth of each level, counting the root element as 1. */
enum {
    D_ROOT = 1,
    D_RECORD = 2,
    D_FIELD = 3,
    D_ITEM = 4,
    D_MAX = 16,                 /* Deeper than this is refused. */
};

struct reader {
    xmlParserCtxtPtr ctxt;
    const char *name;           /* File name for messages. */
    struct dbcache *db;
    struct diag *diag;
    int errors;                 /* Problems found (fatal or not). */
    bool stopped;               /* Parsing was stopped by us. */

    int depth;                  /* Open elements. */
    int skip_depth;             /* Ignoring the subtree opened here, or 0. */

    struct dbc_record *rec;     /* Record being read, or NULL. */
    const struct dbc_field *field;      /* Field being read, or NULL. */
    char *item_key;             /* Map entry being read (DBC_T_MAP). */
    GString *text;              /* Text of the current field or item. */
    bool in_text;               /* Collecting text at this depth. */
};

static unsigned int
current_line(const struct reader *r)
{
    return xmlSAX2GetLineNumber(r->ctxt);
}

static void reader_error(struct reader *, unsigned int line,
                         const char *fmt, ...) PRINTF_FORMAT(3, 4);

static void
reader_error(struct reader *r, unsigned int line, const char *fmt, ...)
{
    va_list args;
    char *msg;

    va_start(args, fmt);
    msg = g_strdup_vprintf(fmt, args);
    va_end(args);
    diag_add(r->diag, "%s:%u: %s", r->name, line, msg);
    g_free(msg);
    r->errors++;
}

/* Stops the parser after a problem that makes the rest meaningless. */
static void
reader_stop(struct reader *r)
{
    r->stopped = true;
    xmlStopParser(r->ctxt);
}

static void
record_error(struct reader *r, const char *fmt, ...) PRINTF_FORMAT(2, 3);

static void
record_error(struct reader *r, const char *fmt, ...)
{
    va_list args;
    char *msg;

    va_start(args, fmt);
    msg = g_strdup_vprintf(fmt, args);
    va_end(args);
    reader_error(r, current_line(r), "%s %s: field %s: %s",
                 dbc_class_info(r->rec->class)->tag, r->rec->ref,
                 r->field->name, msg);
    g_free(msg);
}

static const char *
find_attr(const xmlChar **attrs, int n, const char *name, char **valuep)
{
    /* SAX2 gives 5 pointers per attribute: localname, prefix, URI, value,
     * end of value (not NUL-terminated). */
    for (int i = 0; i < n; i++) {
        const xmlChar **a = &attrs[i * 5];

        if (!a[1] && !strcmp((const char *) a[0], name)) {
            char *raw = g_strndup((const char *) a[3], a[4] - a[3]);
            gchar **parts;

            /* Without entity substitution libxml2 hands over an escaped
             * ampersand in an attribute value as "&#38;" (it is the only
             * reference left undecoded); decode it. */
            parts = g_strsplit(raw, "&#38;", -1);
            *valuep = g_strjoinv("&", parts);
            g_strfreev(parts);
            g_free(raw);
            return *valuep;
        }
    }
    return NULL;
}

static void
start_record(struct reader *r, const char *tag, int n_attrs,
             const xmlChar **attrs)
{
    int class = dbc_class_from_tag(tag);
    char *ref = NULL;

    if (class < 0) {
        reader_error(r, current_line(r), "unknown element <%s> in <%s>",
                     tag, ROOT_TAG);
        r->skip_depth = r->depth;
        return;
    }
    if (!find_attr(attrs, n_attrs, "ref", &ref) || !*ref) {
        reader_error(r, current_line(r), "%s record has no ref attribute",
                     tag);
        r->skip_depth = r->depth;
        goto out;
    }
    if (!g_utf8_validate(ref, -1, NULL)) {
        reader_error(r, current_line(r), "%s ref is not valid UTF-8", tag);
        r->skip_depth = r->depth;
        goto out;
    }
    r->rec = dbcache_add(r->db, class, ref);
    if (!r->rec) {
        struct dbc_record *first = dbcache_get(r->db, class, ref);

        reader_error(r, current_line(r), "duplicate %s ref %s (first at "
                     "line %u)", tag, ref, first->line);
        r->skip_depth = r->depth;
        goto out;
    }
    r->rec->line = current_line(r);
out:
    g_free(ref);
}

static void
start_field(struct reader *r, const char *tag)
{
    r->field = dbc_find_field(r->rec->class, tag);
    if (!r->field) {
        /* Unknown fields are ignored, as the original did. */
        r->skip_depth = r->depth;
        return;
    }
    dbc_mark_present(r->rec, r->field);
    g_string_truncate(r->text, 0);
    r->in_text = (r->field->type != DBC_T_REFLIST
                  && r->field->type != DBC_T_MAP);
}

static void
start_item(struct reader *r, const char *tag)
{
    const struct dbc_field *f = r->field;

    if (f->type == DBC_T_REFLIST && !strcmp(tag, f->item_tag)) {
        r->in_text = true;
    } else if (f->type == DBC_T_MAP && dbc_str_in(f->whitelist, tag)) {
        r->item_key = g_strdup(tag);
        r->in_text = true;
    } else {
        /* Other elements inside a field: ignored (keys outside the
         * whitelist are dropped; elements inside scalars carry no text). */
        r->skip_depth = r->depth;
        return;
    }
    g_string_truncate(r->text, 0);
}

static void
on_start_element(void *ctx, const xmlChar *localname, const xmlChar *prefix,
                 const xmlChar *uri, int n_ns, const xmlChar **ns,
                 int n_attrs, int n_defaulted, const xmlChar **attrs)
{
    struct reader *r = ctx;
    const char *tag = (const char *) localname;

    r->depth++;
    if (r->depth > D_MAX) {
        reader_error(r, current_line(r), "elements nested more than %d "
                     "deep", D_MAX);
        reader_stop(r);
        return;
    }
    if (r->skip_depth) {
        return;
    }
    if (prefix) {
        reader_error(r, current_line(r), "unexpected namespaced element "
                     "<%s:%s>", prefix, tag);
        r->skip_depth = r->depth;
        return;
    }

    switch (r->depth) {
    case D_ROOT:
        if (strcmp(tag, ROOT_TAG)) {
            reader_error(r, current_line(r), "root element is <%s>, "
                         "expected <%s>", tag, ROOT_TAG);
            reader_stop(r);
        }
        break;
    case D_RECORD:
        start_record(r, tag, n_attrs, attrs);
        break;
    case D_FIELD:
        start_field(r, tag);
        break;
    case D_ITEM:
        start_item(r, tag);
        break;
    default:
        r->skip_depth = r->depth;
        break;
    }
}

static void
finish_scalar(struct reader *r, const char *value)
{
    const struct dbc_field *f = r->field;

    if (!g_utf8_validate(value, -1, NULL)) {
        record_error(r, "value is not valid UTF-8");
    } else if (f->type == DBC_T_BOOL) {
        if (!strcmp(value, "True") || !strcmp(value, "False")) {
            /* currently_attached is stale after a reboot: always false. */
            bool b = !strcmp(value, "True")
                     && strcmp(f->name, "currently_attached");

            dbc_set_bool(r->rec, f, b);
        } else {
            record_error(r, "Unknown boolean value '%s' (must be True or "
                         "False)", value);
        }
    } else if (f->allowed && !dbc_str_in(f->allowed, value)) {
        GString *allowed = g_string_new(NULL);

        for (const char *const *p = f->allowed; *p; p++) {
            g_string_append_printf(allowed, "%s%s",
                                   p == f->allowed ? "" : ", ", *p);
        }
        record_error(r, "unknown value '%s' (must be one of %s)", value,
                     allowed->str);
        g_string_free(allowed, TRUE);
    } else {
        dbc_set_str(r->rec, f, value);
    }
}

static void
on_end_element(void *ctx, const xmlChar *localname, const xmlChar *prefix,
               const xmlChar *uri)
{
    struct reader *r = ctx;

    if (r->skip_depth) {
        if (r->depth == r->skip_depth) {
            r->skip_depth = 0;
        }
        r->depth--;
        return;
    }

    switch (r->depth) {
    case D_RECORD:
        r->rec = NULL;
        break;
    case D_FIELD:
        if (r->in_text) {
            finish_scalar(r, g_strstrip(r->text->str));
        }
        r->field = NULL;
        r->in_text = false;
        break;
    case D_ITEM: {
        const char *value = g_strstrip(r->text->str);

        if (!g_utf8_validate(value, -1, NULL)) {
            record_error(r, "value is not valid UTF-8");
        } else if (r->field->type == DBC_T_REFLIST) {
            dbc_list_append(r->rec, r->field, value);
        } else {
            dbc_map_set(r->rec, r->field, r->item_key, value);
        }
        g_free(r->item_key);
        r->item_key = NULL;
        r->in_text = false;
        break;
    }
    }
    r->depth--;
}

static bool
is_blank(const xmlChar *s, int len)
{
    for (int i = 0; i < len; i++) {
        if (!g_ascii_isspace(s[i])) {
            return false;
        }
    }
    return true;
}

static void
on_characters(void *ctx, const xmlChar *s, int len)
{
    struct reader *r = ctx;

    if (r->skip_depth) {
        return;
    }
    if (r->in_text && (r->depth == D_FIELD || r->depth == D_ITEM)) {
        g_string_append_len(r->text, (const char *) s, len);
    } else if (r->depth == D_ROOT && !is_blank(s, len)) {
        reader_error(r, current_line(r), "unexpected text in <%s>",
                     ROOT_TAG);
    }
}

static void
on_internal_subset(void *ctx, const xmlChar *name, const xmlChar *ext_id,
                   const xmlChar *sys_id)
{
    struct reader *r = ctx;

    reader_error(r, current_line(r), "document type declaration refused "
                 "(a network cache never has one)");
    reader_stop(r);
}

static void
on_entity_decl(void *ctx, const xmlChar *name, int type,
               const xmlChar *public_id, const xmlChar *system_id,
               xmlChar *content)
{
    struct reader *r = ctx;

    reader_error(r, current_line(r), "entity declaration refused");
    reader_stop(r);
}

static void
on_xml_error(void *ctx, xmlErrorPtr error)
{
    struct reader *r = ctx;
    char *msg;

    if (r->stopped || error->level < XML_ERR_ERROR) {
        return;
    }
    msg = g_strchomp(g_strdup(error->message ? error->message : "error"));
    reader_error(r, error->line, "XML error: %s", msg);
    g_free(msg);
}

static void
reader_init(struct reader *r, xmlSAXHandler *sax, const char *name,
            struct diag *diag)
{
    memset(r, 0, sizeof *r);
    r->name = name;
    r->diag = diag;
    r->db = dbcache_new();
    r->text = g_string_new(NULL);

    memset(sax, 0, sizeof *sax);
    sax->initialized = XML_SAX2_MAGIC;
    sax->startElementNs = on_start_element;
    sax->endElementNs = on_end_element;
    sax->characters = on_characters;
    sax->cdataBlock = on_characters;
    sax->internalSubset = on_internal_subset;
    sax->externalSubset = on_internal_subset;
    sax->entityDecl = on_entity_decl;
    sax->serror = on_xml_error;
}

/* Creates the push parser.  No network, no DTD loading, no entity
 * substitution: the options are libxml2's defaults minus everything that
 * reaches outside the document. */
static int
reader_start(struct reader *r, xmlSAXHandler *sax)
{
    xml_quiet();
    r->ctxt = xmlCreatePushParserCtxt(sax, r, NULL, 0, r->name);
    if (!r->ctxt) {
        diag_add(r->diag, "%s: cannot create XML parser", r->name);
        return -ENOMEM;
    }
    xmlCtxtUseOptions(r->ctxt, XML_PARSE_NONET | XML_PARSE_NOWARNING);
    return 0;
}

static int
reader_feed(struct reader *r, const char *data, size_t len, bool last)
{
    if (!r->stopped) {
        xmlParseChunk(r->ctxt, data, len, last);
    }
    /* Problems in records do not stop the parse (all are reported);
     * malformed XML does. */
    return r->stopped || !r->ctxt->wellFormed ? -EINVAL : 0;
}

/* Finishes parsing, checks the model and hands it over. */
static int
reader_finish(struct reader *r, int error, struct dbcache **dbp)
{
    if (r->ctxt && !r->ctxt->wellFormed) {
        if (!r->errors) {
            reader_error(r, current_line(r), "XML error: document is not "
                         "well-formed");
        }
        error = -EINVAL;
    }
    if (!error && r->depth != 0) {
        error = -EINVAL;
    }
    if (!error) {
        /* The document parsed: check references too, so that problems in
         * records and dangling references are reported in one run. */
        error = dbcache_check(r->db, r->name, r->diag);
        if (r->errors) {
            error = -EINVAL;
        }
    }
    if (!error) {
        *dbp = r->db;
        r->db = NULL;
    }

    if (r->ctxt) {
        xmlFreeParserCtxt(r->ctxt);
    }
    dbcache_free(r->db);
    g_free(r->item_key);
    g_string_free(r->text, TRUE);
    return error;
}

int
dbcache_read_memory(const char *data, size_t len, const char *name,
                    struct dbcache **dbp, struct diag *diag)
{
    xmlSAXHandler sax;
    struct reader r;
    int error;

    reader_init(&r, &sax, name, diag);
    if (len > DBCACHE_MAX_SIZE) {
        diag_add(diag, "%s: %zu bytes is larger than the limit of %u bytes",
                 name, len, DBCACHE_MAX_SIZE);
        error = -EFBIG;
    } else {
        error = reader_start(&r, &sax);
    }
    while (!error && len > 0) {
        /* xmlParseChunk takes an int length. */
        size_t chunk = MIN(len, 1u << 20);

        error = reader_feed(&r, data, chunk, false);
        data += chunk;
        len -= chunk;
    }
    if (!error) {
        error = reader_feed(&r, NULL, 0, true);
    }
    return reader_finish(&r, error, dbp);
}

int
dbcache_read_file(const char *path, struct dbcache **dbp, struct diag *diag)
{
    xmlSAXHandler sax;
    struct reader r;
    size_t total = 0;
    char buf[65536];
    int error;
    int fd;

    reader_init(&r, &sax, path, diag);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        error = -errno;
        diag_add(diag, "%s: %s", path, g_strerror(errno));
        return reader_finish(&r, error, dbp);
    }

    struct stat st;
    if (!fstat(fd, &st) && S_ISREG(st.st_mode)
        && st.st_size > DBCACHE_MAX_SIZE) {
        diag_add(diag, "%s: file is %lld bytes, larger than the limit of "
                 "%u bytes", path, (long long) st.st_size, DBCACHE_MAX_SIZE);
        error = -EFBIG;
    } else {
        error = reader_start(&r, &sax);
    }
    while (!error) {
        ssize_t n = read(fd, buf, sizeof buf);

        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            error = -errno;
            diag_add(diag, "%s: read: %s", path, g_strerror(errno));
        } else if (n == 0) {
            error = reader_feed(&r, NULL, 0, true);
            break;
        } else if ((total += n) > DBCACHE_MAX_SIZE) {
            diag_add(diag, "%s: file is larger than the limit of %u bytes",
                     path, DBCACHE_MAX_SIZE);
            error = -EFBIG;
        } else {
            error = reader_feed(&r, buf, n, false);
        }
    }
    close(fd);
    return reader_finish(&r, error, dbp);
}
