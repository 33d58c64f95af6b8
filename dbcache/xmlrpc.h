/* xmlrpc.h -- XML-RPC values, and the four documents built from them.
 *
 * A struct xmlrpc_value is one XML-RPC value: a string, an int (i4, int or
 * the common i8 extension), a boolean, a double, a dateTime.iso8601 or a
 * base64 (both kept as their text), nil, an array, or a struct whose
 * members keep their order.  XAPI (xapi.c) and the test XAPI server build
 * and take apart method calls and responses with it.
 *
 * Parsing goes through libxml2 with the network off, no DTD loading and no
 * entity expansion; a DOCTYPE is refused outright, documents larger than
 * XMLRPC_MAX_SIZE and values nested deeper than XMLRPC_MAX_DEPTH are
 * refused.  A malformed document gives -EPROTO and a message in 'diag'.
 *
 * Ownership: a value owns everything inside it.  Functions that take a
 * 'struct xmlrpc_value *' to store in a container take ownership of it;
 * functions taking 'const struct xmlrpc_value *' only look. */
#ifndef DBCACHE_XMLRPC_H
#define DBCACHE_XMLRPC_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct diag;

/* Largest document accepted by the parsers, in bytes. */
#define XMLRPC_MAX_SIZE (64u * 1024 * 1024)

/* Deepest nesting of values accepted by the parsers (a scalar inside N
 * arrays or structs is at depth N + 1). */
#define XMLRPC_MAX_DEPTH 64

enum xmlrpc_type {
    XMLRPC_STRING,
    XMLRPC_INT,
    XMLRPC_BOOL,
    XMLRPC_DOUBLE,
    XMLRPC_DATETIME,            /* dateTime.iso8601, kept as text. */
    XMLRPC_BASE64,              /* base64, kept as (encoded) text. */
    XMLRPC_NIL,
    XMLRPC_ARRAY,
    XMLRPC_STRUCT,
};

/* Read-only for callers: build values with the constructors below. */
struct xmlrpc_value {
    enum xmlrpc_type type;
    union {
        char *s;                /* STRING, DATETIME, BASE64: never NULL. */
        int64_t i;              /* INT. */
        bool b;                 /* BOOL. */
        double d;               /* DOUBLE. */
        struct {                /* ARRAY. */
            size_t n;
            struct xmlrpc_value **items;
        } array;
        struct {                /* STRUCT: members in order. */
            size_t n;
            char **names;
            struct xmlrpc_value **values;
        } strct;
    } u;
};

/* Constructors.  Each returns a new value that the caller owns (free it
 * with xmlrpc_value_free() or hand it to a container).  Strings are copied;
 * NULL is taken as "". */
struct xmlrpc_value *xmlrpc_string_new(const char *);
struct xmlrpc_value *xmlrpc_int_new(int64_t);
struct xmlrpc_value *xmlrpc_bool_new(bool);
struct xmlrpc_value *xmlrpc_double_new(double);     /* Must be finite. */
struct xmlrpc_value *xmlrpc_datetime_new(const char *);
struct xmlrpc_value *xmlrpc_base64_new(const char *);
struct xmlrpc_value *xmlrpc_nil_new(void);
struct xmlrpc_value *xmlrpc_array_new(void);
struct xmlrpc_value *xmlrpc_struct_new(void);

void xmlrpc_value_free(struct xmlrpc_value *);     /* Accepts NULL. */

/* Returns a deep copy, owned by the caller. */
struct xmlrpc_value *xmlrpc_value_copy(const struct xmlrpc_value *);

/* True if 'a' and 'b' have the same type and contents (struct members
 * compared in order). */
bool xmlrpc_value_equal(const struct xmlrpc_value *,
                        const struct xmlrpc_value *);

/* Appends 'item' to 'array', which takes ownership of it. */
void xmlrpc_array_append(struct xmlrpc_value *array,
                         struct xmlrpc_value *item);

/* Sets member 'name' of 'strct' to 'value', taking ownership of 'value'.
 * A member of that name is replaced in place; otherwise the member is
 * appended. */
void xmlrpc_struct_set(struct xmlrpc_value *strct, const char *name,
                       struct xmlrpc_value *value);

/* Returns the value of member 'name' of 'v', or NULL if 'v' is NULL, not
 * a struct, or has no such member.  The value still belongs to 'v'. */
const struct xmlrpc_value *xmlrpc_struct_get(const struct xmlrpc_value *v,
                                             const char *name);

/* Returns the string of 'v' if it is an XMLRPC_STRING, else NULL. */
const char *xmlrpc_get_string(const struct xmlrpc_value *v);

/* The name of a type as written in XML-RPC ("string", "i4", "boolean",
 * "double", "dateTime.iso8601", "base64", "nil", "array", "struct"). */
const char *xmlrpc_type_name(enum xmlrpc_type);

/* Returns a one-line readable rendering of 'v' for logs and test output:
 * strings in double quotes with C escapes, ints and doubles as numbers,
 * booleans as true/false, nil as nil, arrays as [a, b], structs as
 * {"name": value, ...}, dateTime and base64 as dateTime:"..." and
 * base64:"...".  The caller frees it with g_free(). */
char *xmlrpc_value_to_text(const struct xmlrpc_value *v);

/* Encoding.  Each returns a NUL-terminated document of '*lenp' bytes
 * ('lenp' may be NULL), which the caller frees with g_free().  Text that
 * XML 1.0 cannot carry (invalid UTF-8, control characters other than tab,
 * newline and carriage return) is replaced by U+FFFD. */
char *xmlrpc_encode_call(const char *method,
                         struct xmlrpc_value *const *params, size_t n_params,
                         size_t *lenp);
char *xmlrpc_encode_response(const struct xmlrpc_value *value, size_t *lenp);
char *xmlrpc_encode_fault(int code, const char *string, size_t *lenp);

/* A parsed methodResponse: either a value or a fault. */
struct xmlrpc_response {
    bool is_fault;
    struct xmlrpc_value *value;     /* The result, if !is_fault. */
    int fault_code;                 /* If is_fault. */
    char *fault_string;             /* If is_fault. */
};

/* Frees what 'r' holds (not 'r' itself) and zeroes it.  Accepts NULL. */
void xmlrpc_response_clear(struct xmlrpc_response *r);

/* Parses the methodResponse in the 'len' bytes at 'data'.  On success
 * returns 0 and fills '*r', which the caller clears with
 * xmlrpc_response_clear().  On failure returns -EPROTO (malformed), or
 * -EFBIG (larger than XMLRPC_MAX_SIZE), adds a message to 'diag' and leaves
 * '*r' untouched. */
int xmlrpc_parse_response(const char *data, size_t len,
                          struct xmlrpc_response *r, struct diag *diag);

/* Parses the methodCall in the 'len' bytes at 'data'.  On success returns
 * 0 and stores the method name in '*methodp' (g_free) and the parameters
 * as an XMLRPC_ARRAY in '*paramsp' (xmlrpc_value_free).  Errors as for
 * xmlrpc_parse_response(). */
int xmlrpc_parse_call(const char *data, size_t len, char **methodp,
                      struct xmlrpc_value **paramsp, struct diag *diag);

/* Parses a document whose root element is a single <value>, as the test
 * XAPI server's fixtures are.  'name' (a file name, or NULL) prefixes the
 * messages.  On success returns 0 and stores the value in '*valuep'
 * (xmlrpc_value_free).  Errors as for xmlrpc_parse_response(). */
int xmlrpc_parse_value_document(const char *data, size_t len,
                                const char *name,
                                struct xmlrpc_value **valuep,
                                struct diag *diag);

#endif /* dbcache/xmlrpc.h */
