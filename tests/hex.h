/* hex.h -- test frames written as hex digits.
 *
 * The datapath tests spell their Ethernet frames as hex strings (white
 * space allowed, for readability by header); hex_to_bytes() turns one into
 * bytes.  A malformed string is a bug in the test: it aborts. */
#ifndef TESTS_HEX_H
#define TESTS_HEX_H 1

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

/* Decodes the hex digits of 's' (white space ignored) into 'buf', of
 * 'size' bytes.  Returns the length. */
static inline size_t
hex_to_bytes(const char *s, uint8_t *buf, size_t size)
{
    size_t n = 0;
    int hi = -1;

    for (; *s; s++) {
        int d;

        if (g_ascii_isspace(*s)) {
            continue;
        }
        d = g_ascii_xdigit_value(*s);
        g_assert(d >= 0);
        if (hi < 0) {
            hi = d;
        } else {
            g_assert(n < size);
            buf[n++] = (uint8_t) (hi << 4 | d);
            hi = -1;
        }
    }
    g_assert(hi < 0);
    return n;
}

#endif /* tests/hex.h */
