/* ovsdb-txn.h -- executing an RFC 7047 "transact" request on a database.
 *
 * ovsdb_execute() runs the operations of one "transact" request (RFC 7047
 * section 5.2: insert, select, update, mutate, delete, wait, commit, abort,
 * comment, assert) as one atomic transaction on an ovsdb_db, and builds the
 * "result" array the RFC specifies.  No networking: the JSON-RPC server
 * calls this and sends the result back. */
#ifndef VSWITCH_OVSDB_TXN_H
#define VSWITCH_OVSDB_TXN_H 1

#include <jansson.h>
#include <stdbool.h>

#include "ovsdb-db.h"

/* Answers whether the client that sent the transaction holds the lock
 * 'lock_name' (for the "assert" operation). */
typedef bool ovsdb_lock_held_func(const char *lock_name, void *aux);

struct ovsdb_execute_options {
    /* For "assert".  NULL: the client holds no lock. */
    ovsdb_lock_held_func *lock_held;
    void *lock_aux;

    /* How long, in milliseconds, the request has been waiting: 0 on its
     * first execution, more when a blocked request is run again.  A "wait"
     * with "timeout": T fails with "timed out" once this reaches T. */
    long long int elapsed_msec;

    /* If true, an unsatisfied "wait" that has not timed out makes
     * ovsdb_execute() return OVSDB_EXECUTE_BLOCKED (the caller keeps the
     * request, runs it again when the database changes or the timeout
     * passes).  If false, it fails at once with "timed out". */
    bool can_block;
};

struct ovsdb_execute_status {
    /* A "commit" operation asked for "durable": true. */
    bool durable;

    /* For OVSDB_EXECUTE_BLOCKED: the 'elapsed_msec' at which the request
     * times out (the smallest "timeout" of its "wait"s), or LLONG_MAX if it
     * may wait forever. */
    long long int timeout_msec;

    /* The "comment" operations' text, joined by newlines, for the log; NULL
     * if there were none.  Owned by the caller (g_free()). */
    char *comment;
};

/* Returned by ovsdb_execute() for a request that must wait. */
#define OVSDB_EXECUTE_BLOCKED 1

/* Executes the operations in 'params' (the "transact" params without the
 * leading database name: a JSON array of operation objects) on 'db'.
 * 'options' may be NULL (no locks held, elapsed 0, cannot block); 'status'
 * may be NULL.
 *
 * Returns 0 when the request is complete: '*resultp' is the RFC 7047
 * "result" array (one element per operation: its result object, or at the
 * first failure an error object followed by nulls; plus one trailing error
 * object if every operation succeeded but the commit checks failed).  If
 * the transaction committed changes, '*changesp' is the change set in the
 * change form documented in ovsdb-db.h ("old"/"new" per changed row);
 * otherwise NULL, and the database is as it was.
 *
 * Returns OVSDB_EXECUTE_BLOCKED when a "wait" is not satisfied and may
 * still be (see 'can_block'); '*resultp' and '*changesp' are NULL, the
 * database is unchanged, and 'status->timeout_msec' says when to give up.
 *
 * Returns -EINVAL, storing nothing, if 'params' is not a JSON array.
 *
 * The caller owns '*resultp' and '*changesp'. */
int ovsdb_execute(struct ovsdb_db *db, const json_t *params,
                  json_t **resultp, json_t **changesp,
                  const struct ovsdb_execute_options *options,
                  struct ovsdb_execute_status *status);

#endif /* vswitch/ovsdb-txn.h */
