# dbcache/ -- the network.dbcache model, its reader and writer, the XAPI
# client, and the `dbcache` admin tool.
noinst_LIBRARIES += dbcache/libdbcache.a
dbcache_libdbcache_a_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/dbcache \
	$(LIBXML2_CFLAGS) $(OPENSSL_CFLAGS)
dbcache_libdbcache_a_SOURCES = \
	dbcache/model.c dbcache/model.h \
	dbcache/query.c dbcache/query.h \
	dbcache/reader.c dbcache/reader.h \
	dbcache/writer.c dbcache/writer.h \
	dbcache/xml-quiet.h \
	dbcache/xmlrpc.c dbcache/xmlrpc.h \
	dbcache/xapi.c dbcache/xapi.h \
	dbcache/inventory.c dbcache/inventory.h

# What a program linking libdbcache needs.
DBCACHE_LIBS = dbcache/libdbcache.a lib/libutil.a \
	$(LIBXML2_LIBS) $(OPENSSL_LIBS) $(GLIB_LIBS)

bin_PROGRAMS += dbcache/dbcache
dbcache_dbcache_CPPFLAGS = $(dbcache_libdbcache_a_CPPFLAGS)
dbcache_dbcache_SOURCES = dbcache/dbcache.c
dbcache_dbcache_LDADD = $(DBCACHE_LIBS)
