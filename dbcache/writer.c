/* writer.c -- writes the model as network.dbcache XML (see writer.h).
 *
 * The original program built a DOM and wrote it with Python 3's minidom
 * toprettyxml().  This file reproduces that output byte for byte instead of
 * going through a general XML serialiser: TAB indentation, an element
 * whose only child is text on one line (so an empty string is written
 * "<IP></IP>"), an element with no children self-closed ("<slaves/>"), and
 * minidom's escaping (&, <, > and " in text and attribute values).
 *
 * One deliberate difference: minidom writes carriage returns (and, in
 * attributes, tabs and newlines) raw, which an XML parser reads back as
 * something else (line-end and attribute-value normalisation), so such a
 * value would change on every rewrite.  They are written as character
 * references here.  XAPI's values never contain them, so real caches are
 * byte-identical all the same. */
#include <config.h>

#include "writer.h"

#include <glib.h>
#include <stdbool.h>
#include <string.h>

#include "atomic-file.h"
#include "model.h"

#define ROOT_TAG "xenserver-network-configuration"

static void
append_escaped(GString *s, const char *text, bool attribute)
{
    for (const char *p = text; *p; p++) {
        switch (*p) {
        case '\r':
            g_string_append(s, "&#13;");
            break;
        case '\t':
        case '\n':
            if (attribute) {
                g_string_append_printf(s, "&#%d;", *p);
            } else {
                g_string_append_c(s, *p);
            }
            break;
        case '&':
            g_string_append(s, "&amp;");
            break;
        case '<':
            g_string_append(s, "&lt;");
            break;
        case '>':
            g_string_append(s, "&gt;");
            break;
        case '"':
            g_string_append(s, "&quot;");
            break;
        default:
            g_string_append_c(s, *p);
            break;
        }
    }
}

static void
indent(GString *s, int level)
{
    for (int i = 0; i < level; i++) {
        g_string_append_c(s, '\t');
    }
}

/* <tag>text</tag> on one line at 'level'. */
static void
append_text_element(GString *s, int level, const char *tag, const char *text)
{
    indent(s, level);
    g_string_append_printf(s, "<%s>", tag);
    append_escaped(s, text, false);
    g_string_append_printf(s, "</%s>\n", tag);
}

/* A list or map: self-closed when empty, else one child per line. */
static void
append_container(GString *s, int level, const char *tag, size_t n,
                 const char *item_tag, char *const *keys,
                 char *const *values)
{
    indent(s, level);
    if (!n) {
        g_string_append_printf(s, "<%s/>\n", tag);
        return;
    }
    g_string_append_printf(s, "<%s>\n", tag);
    for (size_t i = 0; i < n; i++) {
        append_text_element(s, level + 1, item_tag ? item_tag : keys[i],
                            values[i]);
    }
    indent(s, level);
    g_string_append_printf(s, "</%s>\n", tag);
}

static void
append_field(GString *s, struct dbc_record *r, const struct dbc_field *f)
{
    switch (f->type) {
    case DBC_T_STRING:
    case DBC_T_REF:
        append_text_element(s, 2, f->name, *dbc_field_str(r, f));
        break;
    case DBC_T_BOOL:
        append_text_element(s, 2, f->name,
                            *dbc_field_bool(r, f) ? "True" : "False");
        break;
    case DBC_T_REFLIST: {
        const struct dbc_list *l = dbc_field_list(r, f);

        append_container(s, 2, f->name, l->n, f->item_tag, NULL, l->items);
        break;
    }
    case DBC_T_MAP: {
        const struct dbc_map *m = dbc_field_map(r, f);

        append_container(s, 2, f->name, m->n, NULL, m->keys, m->values);
        break;
    }
    }
}

static void
append_record(GString *s, struct dbc_record *r)
{
    const struct dbc_class_info *ci = dbc_class_info(r->class);

    g_string_append_printf(s, "\t<%s ref=\"", ci->tag);
    append_escaped(s, r->ref, true);
    if (!r->present) {
        g_string_append(s, "\"/>\n");
        return;
    }
    g_string_append(s, "\">\n");
    for (size_t i = 0; i < ci->n_fields; i++) {
        if (dbc_field_present(r, &ci->fields[i])) {
            append_field(s, r, &ci->fields[i]);
        }
    }
    g_string_append_printf(s, "\t</%s>\n", ci->tag);
}

char *
dbcache_to_xml(const struct dbcache *db, size_t *lenp)
{
    GString *s = g_string_sized_new(4096);
    size_t n_records = 0;

    for (int c = 0; c < DBC_N_CLASSES; c++) {
        n_records += dbcache_count(db, c);
    }

    g_string_append(s, "<?xml version=\"1.0\" ?>\n");
    if (!n_records) {
        g_string_append(s, "<" ROOT_TAG "/>\n");
    } else {
        g_string_append(s, "<" ROOT_TAG ">\n");
        for (int c = 0; c < DBC_N_CLASSES; c++) {
            for (size_t i = 0; i < dbcache_count(db, c); i++) {
                append_record(s, dbcache_at(db, c, i));
            }
        }
        g_string_append(s, "</" ROOT_TAG ">\n");
    }
    *lenp = s->len;
    return g_string_free(s, FALSE);
}

int
dbcache_write_file(const struct dbcache *db, const char *path)
{
    size_t len;
    char *xml = dbcache_to_xml(db, &len);
    int error = atomic_file_write(path, xml, len, 0644);

    g_free(xml);
    return error;
}
