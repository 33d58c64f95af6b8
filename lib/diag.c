/* diag.c -- see diag.h. */
#include <config.h>

#include "diag.h"

#include <glib.h>
#include <string.h>

struct diag {
    GPtrArray *msgs;            /* char *, owned. */
};

struct diag *
diag_new(void)
{
    struct diag *d = g_new(struct diag, 1);

    d->msgs = g_ptr_array_new_with_free_func(g_free);
    return d;
}

void
diag_free(struct diag *d)
{
    if (d) {
        g_ptr_array_free(d->msgs, TRUE);
        g_free(d);
    }
}

void
diag_addv(struct diag *d, const char *fmt, va_list args)
{
    if (d) {
        g_ptr_array_add(d->msgs, g_strdup_vprintf(fmt, args));
    }
}

void
diag_add(struct diag *d, const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    diag_addv(d, fmt, args);
    va_end(args);
}

size_t
diag_count(const struct diag *d)
{
    return d ? d->msgs->len : 0;
}

const char *
diag_get(const struct diag *d, size_t i)
{
    return g_ptr_array_index(d->msgs, i);
}

bool
diag_contains(const struct diag *d, const char *needle)
{
    for (size_t i = 0; i < diag_count(d); i++) {
        if (strstr(diag_get(d, i), needle)) {
            return true;
        }
    }
    return false;
}

void
diag_clear(struct diag *d)
{
    if (d) {
        g_ptr_array_set_size(d->msgs, 0);
    }
}

void
diag_print(const struct diag *d, FILE *stream, const char *prefix)
{
    for (size_t i = 0; i < diag_count(d); i++) {
        if (prefix) {
            fprintf(stream, "%s: %s\n", prefix, diag_get(d, i));
        } else {
            fprintf(stream, "%s\n", diag_get(d, i));
        }
    }
}
