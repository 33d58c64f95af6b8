/* xml-quiet.h -- keeps libxml2 from printing on stderr.
 *
 * Each parser here installs a structured error handler that turns libxml2's
 * errors into messages naming file and line.  A few problems (a failed
 * encoding conversion, for one) also go through libxml2's generic handler,
 * which prints straight to stderr; the structured handler still receives
 * the error that matters, so the generic one is silenced. */
#ifndef DBCACHE_XML_QUIET_H
#define DBCACHE_XML_QUIET_H 1

#include <libxml/xmlerror.h>

static inline void
xml_discard_generic_error(void *ctx, const char *msg, ...)
{
}

static inline void
xml_quiet(void)
{
    xmlSetGenericErrorFunc(NULL, xml_discard_generic_error);
}

#endif /* dbcache/xml-quiet.h */
