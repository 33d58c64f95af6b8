# tests/ -- unit tests (C programs printing TAP), functional tests (shell
# scripts printing TAP, running the real binaries), fixtures, and the test
# XAPI server.

TESTS_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/dbcache -I$(top_srcdir)/tests \
	$(LIBXML2_CFLAGS) $(OPENSSL_CFLAGS)
EXTRA_DIST += tests/tap.h tests/tap.sh tests/summarize.sh tests/hex.h

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

# Fuzz corpus replay
# tests/fuzz-reader.c is the fuzz target of the cache reader (round trip
# included); tests/fuzz/run-fuzzer.sh builds it with libFuzzer, outside
# make.  Here it is linked with a replay driver that runs every seed of
# tests/fuzz/reader/ through it.  List new seeds in FUZZ_READER_CORPUS.
check_PROGRAMS += tests/fuzz-reader-replay
tests_fuzz_reader_replay_CPPFLAGS = $(TESTS_CPPFLAGS)
tests_fuzz_reader_replay_SOURCES = tests/fuzz-replay.c tests/fuzz-reader.c
tests_fuzz_reader_replay_LDADD = $(DBCACHE_LIBS)
TESTS += tests/fuzz-reader.sh
FUZZ_READER_CORPUS = \
	tests/fuzz/reader/fixture-pool-compact.xml \
	tests/fuzz/reader/fixture-pool-pretty.xml \
	tests/fuzz/reader/hostile-bad-boolean.xml \
	tests/fuzz/reader/hostile-dangling-ref.xml \
	tests/fuzz/reader/hostile-deep-nesting.xml \
	tests/fuzz/reader/hostile-doctype.xml \
	tests/fuzz/reader/hostile-duplicate-ref.xml \
	tests/fuzz/reader/hostile-duplicate-uuid.xml \
	tests/fuzz/reader/hostile-entity-bomb.xml \
	tests/fuzz/reader/hostile-external-entity.xml \
	tests/fuzz/reader/hostile-invalid-utf8.xml \
	tests/fuzz/reader/hostile-missing-ref.xml \
	tests/fuzz/reader/hostile-namespaced.xml \
	tests/fuzz/reader/hostile-truncated.xml \
	tests/fuzz/reader/hostile-unknown-record.xml \
	tests/fuzz/reader/hostile-wrong-root.xml \
	tests/fuzz/reader/odd-cdata.xml \
	tests/fuzz/reader/odd-comments-everywhere.xml \
	tests/fuzz/reader/odd-encoding-latin1.xml \
	tests/fuzz/reader/regress-amp-in-attribute.xml \
	tests/fuzz/reader/regress-bad-utf8-in-cdata.xml \
	tests/fuzz/reader/regress-cr-in-text.xml \
	tests/fuzz/reader/regress-whitespace-in-attribute.xml \
	tests/fuzz/reader/valid-bond.xml \
	tests/fuzz/reader/valid-empty.xml \
	tests/fuzz/reader/valid-escapes.xml \
	tests/fuzz/reader/valid-network.xml \
	tests/fuzz/reader/valid-pif.xml \
	tests/fuzz/reader/valid-pool.xml \
	tests/fuzz/reader/valid-tunnel.xml \
	tests/fuzz/reader/valid-unknown-fields.xml \
	tests/fuzz/reader/valid-vlan.xml
EXTRA_DIST += tests/fuzz-reader.sh tests/fuzz/run-fuzzer.sh \
	tests/fuzz/reader.dict $(FUZZ_READER_CORPUS)

# The XML-RPC parser's fuzz target, replayed the same way.
check_PROGRAMS += tests/fuzz-xmlrpc-replay
tests_fuzz_xmlrpc_replay_CPPFLAGS = $(TESTS_CPPFLAGS)
tests_fuzz_xmlrpc_replay_SOURCES = tests/fuzz-replay.c tests/fuzz-xmlrpc.c
tests_fuzz_xmlrpc_replay_LDADD = $(DBCACHE_LIBS)
TESTS += tests/fuzz-xmlrpc.sh
FUZZ_XMLRPC_CORPUS = \
	tests/fuzz/xmlrpc/call-login.xml \
	tests/fuzz/xmlrpc/fault.xml \
	tests/fuzz/xmlrpc/hostile-bad-utf8.xml \
	tests/fuzz/xmlrpc/hostile-deep.xml \
	tests/fuzz/xmlrpc/hostile-doctype.xml \
	tests/fuzz/xmlrpc/hostile-int-overflow.xml \
	tests/fuzz/xmlrpc/hostile-truncated.xml \
	tests/fuzz/xmlrpc/hostile-two-params.xml \
	tests/fuzz/xmlrpc/response-all-types.xml \
	tests/fuzz/xmlrpc/response-failure.xml
EXTRA_DIST += tests/fuzz-xmlrpc.c tests/fuzz-xmlrpc.sh $(FUZZ_XMLRPC_CORPUS)

# The logger's level specs (lib/log.c): Open vSwitch's -v, a level per
# module and destination.
check_PROGRAMS += tests/test-log-levels
tests_test_log_levels_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_test_log_levels_SOURCES = tests/test-log-levels.c
tests_test_log_levels_LDADD = lib/libutil.a $(GLIB_LIBS)
TESTS += tests/test-log-levels

# interface-reconfigure's reading of other_config (vswitch backend).
TESTS += tests/ifr-options.sh
EXTRA_DIST += tests/ifr-options.sh
TESTS += tests/ifr-ovs-scenarios.sh
EXTRA_DIST += tests/ifr-ovs-scenarios.sh

# vsctl's --dry-run and --retry, beside stock ovs-vsctl.
TESTS += tests/vsctl-options.sh
EXTRA_DIST += tests/vsctl-options.sh

# The Open_vSwitch schema
TESTS += tests/schema-ovs.sh
EXTRA_DIST += tests/schema-ovs.sh tests/vsctl-script.sh vswitch/vswitch.ovsschema
pkgdata_DATA = vswitch/vswitch.ovsschema
