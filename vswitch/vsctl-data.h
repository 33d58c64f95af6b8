/* vsctl-data.h -- the "string syntax" of ovs-vsctl for OVSDB atoms and
 * datums (ovs-vsctl(8), "Database Values"): parsing command-line values
 * such as `trunks=1,2,3` or `other-config:hwaddr="00:16:3e:00:00:01"`, and
 * printing cells as ovs-vsctl does (strings quoted only when needed, sets
 * in [...], maps in {...}), plus the "bare" form of --bare. */
#ifndef VSWITCH_VSCTL_DATA_H
#define VSWITCH_VSCTL_DATA_H 1

#include <glib.h>
#include <stdbool.h>

#include "ovsdb-data.h"

/* Resolves "@name" in a UUID value: returns 0 and stores the UUID, or a
 * negative errno value with a message in '*errp'. */
typedef int vsctl_symbol_lookup(const char *name, struct ovsdb_uuid *,
                                void *aux, char **errp);

/* True if 'c' ends an unquoted token. */
bool vsctl_token_is_delim(unsigned char c);

/* Parses one token from '*s' (quotes kept, backslashes resolved), advancing
 * '*s' past it.  Returns 0 and a new string in '*outp', or -EINVAL. */
int vsctl_token_parse(const char **s, char **outp, char **errp);

/* Parses 's' as one atom of 'base' and checks its constraints.  Returns 0
 * and initialises '*atom', or -EINVAL/-ERANGE with a message in '*errp'
 * worded as ovs-vsctl words it. */
int vsctl_atom_from_string(union ovsdb_atom *atom,
                           const struct ovsdb_base_type *base, const char *s,
                           vsctl_symbol_lookup *lookup, void *aux,
                           char **errp);

/* Parses 's' as a value of 'type'.  Returns 0 and initialises '*datum', or
 * a negative errno value with a message in '*errp'. */
int vsctl_datum_from_string(struct ovsdb_datum *datum,
                            const struct ovsdb_type *type, const char *s,
                            vsctl_symbol_lookup *lookup, void *aux,
                            char **errp);

/* Checks 'atom' against the constraints of 'base'; message as above. */
int vsctl_atom_check(const union ovsdb_atom *atom,
                     const struct ovsdb_base_type *base, char **errp);

void vsctl_atom_to_string(const union ovsdb_atom *atom,
                          enum ovsdb_atomic_type type, GString *out);
void vsctl_datum_to_string(const struct ovsdb_datum *datum,
                           const struct ovsdb_type *type, GString *out);
void vsctl_datum_to_bare(const struct ovsdb_datum *datum,
                         const struct ovsdb_type *type, GString *out);

#endif /* vswitch/vsctl-data.h */
