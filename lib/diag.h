/* diag.h -- a list of diagnostics (error messages) gathered by a parser or
 * a checker, so that a caller can report every problem in one run instead
 * of one per run.  Library code adds to a list; the program prints it. */
#ifndef DIAG_H
#define DIAG_H 1

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "util.h"

struct diag;

/* Returns a new, empty list.  The caller owns it (diag_free). */
struct diag *diag_new(void);
void diag_free(struct diag *);          /* Accepts NULL. */

/* Appends a formatted message.  'd' may be NULL, in which case the message
 * is discarded; this lets callers that do not care pass NULL. */
void diag_add(struct diag *d, const char *fmt, ...) PRINTF_FORMAT(2, 3);
void diag_addv(struct diag *d, const char *fmt, va_list);

size_t diag_count(const struct diag *);
const char *diag_get(const struct diag *, size_t i);

/* True if some message contains 'needle'. */
bool diag_contains(const struct diag *, const char *needle);

/* Empties the list. */
void diag_clear(struct diag *);

/* Writes each message on its own line, prefixed by "PREFIX: " unless
 * 'prefix' is NULL. */
void diag_print(const struct diag *, FILE *, const char *prefix);

#endif /* diag.h */
