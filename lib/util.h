/* util.h -- small macros shared by every part of the project.
 *
 * Memory comes from GLib (g_malloc and friends abort on exhaustion, so
 * allocation failure needs no handling at call sites). */
#ifndef UTIL_H
#define UTIL_H 1

#include <stdbool.h>
#include <stddef.h>

#define ARRAY_SIZE(A) (sizeof (A) / sizeof (A)[0])

#define PRINTF_FORMAT(FMT, ARG1) __attribute__((format(printf, FMT, ARG1)))
#define NO_RETURN __attribute__((noreturn))
#define WARN_UNUSED_RESULT __attribute__((warn_unused_result))

/* The program name for messages: basename of argv[0]. */
void set_program_name(const char *argv0);
const char *program_name(void);

/* Reports a command-line error the way every program here does --
 * "PROGRAM: <message>" and "For help use --help." on stderr -- and exits
 * with status 2. */
void usage_error(const char *fmt, ...) PRINTF_FORMAT(1, 2) NO_RETURN;

/* Prints "PROGRAM (xsvswitch) VERSION" to stdout, as --version does. */
void print_version(void);

/* True if 's' is NULL or "". */
static inline bool
str_empty(const char *s)
{
    return !s || !*s;
}

#endif /* util.h */
