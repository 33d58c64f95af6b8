/* xapi.h -- a client for XAPI, XenServer's management API, over XML-RPC.
 *
 * interface-reconfigure asks XAPI for this host's network configuration
 * whenever it is not running from the cache ("--force"): it logs in (or
 * uses the session XAPI handed it), reads the PIF, pool, tunnel, VLAN, Bond
 * and network records and builds the same model (model.h) that the cache
 * reader builds from network.dbcache.
 *
 * XAPI is reached by HTTP/1.1 POSTs either over its local Unix socket
 * (what XenServer's own scripts use) or over HTTPS, with the server's
 * certificate verified against a CA file.  The connection is kept open
 * between calls.
 *
 * Errors are negative errno values, each with a message in 'diag' that
 * names the server and what was being done:
 *   -ENOENT        the Unix socket does not exist
 *   -ECONNREFUSED  nothing listens there
 *   -ETIMEDOUT     connecting, or waiting for a byte of the reply, took
 *                  longer than the timeout
 *   -EPROTO, -ECONNRESET, -EPIPE
 *                  the connection broke, or the reply was not HTTP or not
 *                  XML-RPC as XAPI speaks it
 *   -EPERM         the server's TLS certificate did not verify (the
 *                  message carries OpenSSL's reason)
 *   -EREMOTEIO     XAPI answered with a Failure (xapi_last_failure())
 *   -EINVAL        bad options (a URL that is neither unix: nor https:)
 */
#ifndef DBCACHE_XAPI_H
#define DBCACHE_XAPI_H 1

#include <stdbool.h>
#include <stddef.h>

struct dbcache;
struct diag;
struct xmlrpc_value;

struct xapi_options {
    /* "unix:PATH" or "https://HOST[:PORT]" (port 443 by default; an IPv6
     * address goes in brackets).  NULL: the local socket
     * ROOT/var/lib/xcp/xapi, or ROOT/var/xapi/xapi if the first does not
     * exist. */
    const char *url;
    /* NULL or "" for none; prefixes the default Unix socket paths (and, for
     * xapi_read_model(), the inventory). */
    const char *root_prefix;
    /* https: the CA bundle to verify the server's certificate against; the
     * certificate must also match the host name or IP address of 'url'.
     * NULL: the system's default CA store. */
    const char *ca_file;
    /* https: skip certificate verification (explicitly insecure). */
    bool insecure;
    int connect_timeout_ms;     /* 0: 5000. */
    int io_timeout_ms;          /* 0: 30000.  No byte this long: -ETIMEDOUT */
};

/* The originator this client logs in as (XAPI gives each originator its
 * own pool of sessions). */
#define XAPI_ORIGINATOR "xsvswitch-interface-reconfigure"

struct xapi_session;

/* Connects to XAPI.  With 'session_ref' NULL, logs in with
 * session.login_with_password("root", "", "1.0", XAPI_ORIGINATOR) and logs
 * out again in xapi_close(); with a session ref, uses it as it is and
 * neither logs in nor out.  On success returns 0 and stores a new session
 * in '*sessionp' (xapi_close).  On failure returns a negative errno value
 * (see above), adds a message to 'diag' and leaves '*sessionp' untouched.
 * 'options' is not kept after the call returns. */
int xapi_open(const struct xapi_options *options, const char *session_ref,
              struct xapi_session **sessionp, struct diag *diag);

/* Logs out if xapi_open() logged in (ignoring errors), closes the
 * connection and frees 'session'.  Accepts NULL. */
void xapi_close(struct xapi_session *session);

/* The session ref in use (owned by the session). */
const char *xapi_session_ref(const struct xapi_session *);

/* "unix:PATH" or "https://HOST:PORT": the server, as messages name it
 * (owned by the session). */
const char *xapi_server_name(const struct xapi_session *);

/* Calls METHOD(session_ref, params...): the session ref is prepended to
 * the 'n_params' parameters, which remain the caller's.  On success
 * returns 0 and stores in '*resultp' the Value of XAPI's Success answer
 * (xmlrpc_value_free).  A Failure answer gives -EREMOTEIO and a message
 * "XAPI error: CODE [arg, arg]" holding the whole ErrorDescription, which
 * xapi_last_failure() also returns.  Other errors as listed above.  A
 * broken connection is reopened by the next call; a connection that the
 * server closed while idle is reopened (once) by this one. */
int xapi_call(struct xapi_session *, const char *method,
              struct xmlrpc_value **params, size_t n_params,
              struct xmlrpc_value **resultp, struct diag *diag);

/* The ErrorDescription of the last call if it failed with a XAPI Failure,
 * as a NULL-terminated array of strings (code first), owned by the session
 * and valid until the next call; NULL if the last call did not end that
 * way. */
const char *const *xapi_last_failure(const struct xapi_session *);

/* Reads this host's network configuration from XAPI, as the original
 * program's DatabaseCache did: this host is INSTALLATION_UUID of
 * ROOT/etc/xensource-inventory ('root_prefix' may be NULL or ""); PIFs are
 * those of this host, pools all, tunnels those whose transport PIF is
 * local (a XAPI without the tunnel class has none), VLANs those whose
 * untagged PIF is local, bonds those whose master is local, networks all
 * (their PIF lists keeping local PIFs only).  Records keep XAPI's order;
 * other_config maps keep their whitelisted keys only.  Logs "host uuid is
 * UUID".  The model is checked with dbcache_check().
 *
 * On success returns 0 and stores the new model in '*dbp' (dbcache_free).
 * On failure returns a negative errno value: those of xapi_call(), those
 * of inventory_read(), -EPROTO for a record missing a required field or
 * holding a value of the wrong type, -EINVAL for an inconsistent model;
 * adds messages to 'diag' and leaves '*dbp' untouched. */
int xapi_read_model(struct xapi_session *, const char *root_prefix,
                    struct dbcache **dbp, struct diag *diag);

#endif /* dbcache/xapi.h */
