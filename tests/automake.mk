# tests/ -- unit tests (C programs printing TAP), functional tests (shell
# scripts printing TAP, running the real binaries), fixtures, and the test
# XAPI server.

TESTS_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/dbcache -I$(top_srcdir)/tests \
	$(LIBXML2_CFLAGS) $(OPENSSL_CFLAGS)
EXTRA_DIST += tests/tap.h tests/tap.sh tests/summarize.sh

# Model, reader, writer and queries.
check_PROGRAMS += tests/test-dbcache
tests_test_dbcache_CPPFLAGS = $(TESTS_CPPFLAGS)
tests_test_dbcache_SOURCES = tests/test-dbcache.c
tests_test_dbcache_LDADD = $(DBCACHE_LIBS)
TESTS += tests/test-dbcache

# The dbcache command, and crash safety of cache writes.
check_PROGRAMS += tests/test-cache-write
tests_test_cache_write_CPPFLAGS = $(TESTS_CPPFLAGS)
tests_test_cache_write_SOURCES = tests/test-cache-write.c
tests_test_cache_write_LDADD = $(DBCACHE_LIBS)
TESTS += tests/dbcache-tool.sh tests/dbcache-fetch.sh tests/cache-crash.sh
EXTRA_DIST += tests/dbcache-tool.sh tests/dbcache-fetch.sh tests/cache-crash.sh \
	tests/deps.sh tests/xapi/pool-expected.dbcache \
	tests/xapi/pool-no-tunnel-expected.dbcache \
	tests/fixtures/pool-pretty.dbcache tests/fixtures/pool-compact.dbcache


# XAPI client tests
check_PROGRAMS += tests/test-xapi-server tests/test-xapi-client \
	tests/test-xmlrpc tests/test-xapi
tests_test_xapi_server_CPPFLAGS = $(dbcache_libdbcache_a_CPPFLAGS)
tests_test_xapi_server_SOURCES = tests/test-xapi-server.c
tests_test_xapi_server_LDADD = $(DBCACHE_LIBS)
tests_test_xapi_client_CPPFLAGS = $(dbcache_libdbcache_a_CPPFLAGS)
tests_test_xapi_client_SOURCES = tests/test-xapi-client.c
tests_test_xapi_client_LDADD = $(DBCACHE_LIBS)
tests_test_xmlrpc_CPPFLAGS = $(dbcache_libdbcache_a_CPPFLAGS)
tests_test_xmlrpc_SOURCES = tests/test-xmlrpc.c
tests_test_xmlrpc_LDADD = $(DBCACHE_LIBS)
tests_test_xapi_CPPFLAGS = $(dbcache_libdbcache_a_CPPFLAGS)
tests_test_xapi_SOURCES = tests/test-xapi.c
tests_test_xapi_LDADD = $(DBCACHE_LIBS)
TESTS += tests/test-xmlrpc tests/test-xapi tests/xapi-tls.sh
EXTRA_DIST += tests/xapi-tls.sh tests/certs.sh \
	tests/xapi/pool.xml tests/xapi/pool-no-tunnel.xml \
	tests/xapi/pif-missing-device.xml tests/xapi/xensource-inventory
