/* json-write.h -- compact JSON text from jansson values, fast.
 *
 * The server serialises every reply, every monitor update and every log
 * record.  jansson's own encoder hands its output to a callback a token at
 * a time and escapes strings a character at a time; on the server's hot
 * path that was half of all the work.  This encoder writes into one
 * growing buffer and copies runs of plain characters whole.  Its output is
 * byte for byte what json_dumps() gives with JSON_COMPACT |
 * JSON_ENCODE_ANY (default real precision, 17 digits): the same escapes,
 * the same key order (insertion order), the same numbers. */
#ifndef VSWITCH_JSON_WRITE_H
#define VSWITCH_JSON_WRITE_H 1

#include <glib.h>
#include <jansson.h>
#include <stddef.h>

/* Appends the compact JSON text of 'json' to 'out'.  Returns 0, or -EINVAL
 * (with 'out' unchanged) if 'json' holds a value JSON cannot express (a
 * NaN or infinite real) or is nested deeper than 2048 levels. */
int json_write(const json_t *json, GByteArray *out);

/* The compact JSON text of 'json' as a NUL-terminated string, its length
 * in '*lenp' if 'lenp' is nonnull.  Returns NULL on the errors of
 * json_write().  Free with g_free(). */
char *json_write_string(const json_t *json, size_t *lenp);

/* Keeps the text of 'json', an object or array, so that json_write()
 * copies it wherever 'json' appears instead of writing 'json' again: for
 * a large value sent again and again, such as a database's schema (9 KB,
 * answered to every client that connects).  'json' must not change from
 * then on, and must be forgotten before it is freed.  Single-threaded.
 * Returns 0, -ENOSPC if JSON_WRITE_MAX_KEPT values are kept already, or
 * the errors of json_write(). */
#define JSON_WRITE_MAX_KEPT 4
int json_write_keep(const json_t *json);

/* Stops keeping the text of 'json' (if it was kept). */
void json_write_forget(const json_t *json);

#endif /* vswitch/json-write.h */
