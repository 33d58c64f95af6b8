/* tap.h -- a tiny Test Anything Protocol emitter for the C unit tests.
 *
 * Each test program prints "1..N" (plan() up front, or done_testing() at
 * the end) and one "ok N - ..." / "not ok N - ..." line per check; automake's
 * tap-driver.sh reads them.  skip_all() prints a SKIP plan and exits 77.
 * The program's exit status is non-zero when any check failed. */
#ifndef TESTS_TAP_H
#define TESTS_TAP_H 1

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_count;
static int tap_failed;

static inline void
plan(int n)
{
    printf("1..%d\n", n);
    fflush(stdout);
}

__attribute__((format(printf, 2, 0))) static inline bool
tap_vok(bool cond, const char *fmt, va_list args)
{
    printf("%sok %d - ", cond ? "" : "not ", ++tap_count);
    vprintf(fmt, args);
    printf("\n");
    fflush(stdout);
    if (!cond) {
        tap_failed++;
    }
    return cond;
}

__attribute__((format(printf, 2, 3))) static inline bool
ok(bool cond, const char *fmt, ...)
{
    va_list args;
    bool r;

    va_start(args, fmt);
    r = tap_vok(cond, fmt, args);
    va_end(args);
    return r;
}

__attribute__((format(printf, 1, 2))) static inline void
diag_msg(const char *fmt, ...)
{
    va_list args;

    printf("# ");
    va_start(args, fmt);
    vprintf(fmt, args);
    va_end(args);
    printf("\n");
    fflush(stdout);
}

__attribute__((format(printf, 3, 4))) static inline bool
is_int(long long got, long long want, const char *fmt, ...)
{
    va_list args;
    bool r;

    va_start(args, fmt);
    r = tap_vok(got == want, fmt, args);
    va_end(args);
    if (!r) {
        diag_msg("  got: %lld", got);
        diag_msg(" want: %lld", want);
    }
    return r;
}

__attribute__((format(printf, 3, 4))) static inline bool
is_str(const char *got, const char *want, const char *fmt, ...)
{
    va_list args;
    bool same = (got && want) ? !strcmp(got, want) : got == want;

    va_start(args, fmt);
    tap_vok(same, fmt, args);
    va_end(args);
    if (!same) {
        diag_msg("  got: \"%s\"", got ? got : "(null)");
        diag_msg(" want: \"%s\"", want ? want : "(null)");
    }
    return same;
}

static inline void
skip_all(const char *reason)
{
    printf("1..0 # SKIP %s\n", reason);
    exit(77);
}

/* Ends the run: prints the plan (if not printed by plan()) and returns the
 * exit status for main(). */
static inline int
done_testing(void)
{
    printf("1..%d\n", tap_count);
    return tap_failed ? 1 : 0;
}

/* For programs that called plan(): the exit status. */
static inline int
exit_status(void)
{
    return tap_failed ? 1 : 0;
}

#endif /* tests/tap.h */
