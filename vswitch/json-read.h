/* json-read.h -- jansson values from JSON text, fast.
 *
 * Every message a server or a client receives is parsed, and a client's
 * first answer is the whole schema (9 KB): jansson's json_loadb() took
 * 0.13 ms over it (0.2 ms in a fresh process), a tenth of a vsctl run.
 * jansson reads through a character stream with a callback per byte; this
 * parser scans the buffer directly.  It handles the common case only --
 * ASCII strings with the short escapes, numbers that cannot overflow,
 * nesting to a moderate depth, keys that do not repeat -- and hands
 * anything else to json_loadb(), which then gives the value or the error
 * it always gave.  Either way the result is exactly json_loadb()'s. */
#ifndef VSWITCH_JSON_READ_H
#define VSWITCH_JSON_READ_H 1

#include <jansson.h>
#include <stddef.h>

/* As json_loadb(buf, len, JSON_REJECT_DUPLICATES, error): the object or
 * array that 'buf' holds (nothing but white space around it), or NULL
 * with the reason in 'error' (if nonnull). */
json_t *json_read(const char *buf, size_t len, json_error_t *error);

/* The fast path alone: the value, or NULL wherever json_read() would
 * hand the text to jansson (for the tests). */
json_t *json_read_fast(const char *buf, size_t len);

#endif /* vswitch/json-read.h */
