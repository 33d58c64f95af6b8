# vswitch/ovsdb.mk -- see vswitch/automake.mk.
#
# The OVSDB database engine: types, schema, data, the in-memory database
# and the execution of RFC 7047 transactions.  A library only: no I/O.
vswitch_libovsdb_a_SOURCES += \
	vswitch/ovsdb-types.c vswitch/ovsdb-types.h \
	vswitch/ovsdb-data.c vswitch/ovsdb-data.h \
	vswitch/ovsdb-schema.c vswitch/ovsdb-schema.h \
	vswitch/ovsdb-db.c vswitch/ovsdb-db.h \
	vswitch/ovsdb-txn.c vswitch/ovsdb-txn.h

check_PROGRAMS += tests/test-ovsdb-data tests/test-ovsdb-schema \
	tests/test-ovsdb-txn
tests_test_ovsdb_data_CPPFLAGS = $(OVSDB_TEST_CPPFLAGS)
tests_test_ovsdb_data_SOURCES = tests/test-ovsdb-data.c
tests_test_ovsdb_data_LDADD = $(OVSDB_LIBS)
tests_test_ovsdb_schema_CPPFLAGS = $(OVSDB_TEST_CPPFLAGS)
tests_test_ovsdb_schema_SOURCES = tests/test-ovsdb-schema.c
tests_test_ovsdb_schema_LDADD = $(OVSDB_LIBS)
tests_test_ovsdb_txn_CPPFLAGS = $(OVSDB_TEST_CPPFLAGS)
tests_test_ovsdb_txn_SOURCES = tests/test-ovsdb-txn.c
tests_test_ovsdb_txn_LDADD = $(OVSDB_LIBS)
TESTS += tests/test-ovsdb-data tests/test-ovsdb-schema tests/test-ovsdb-txn
EXTRA_DIST += tests/ovsdb-test.ovsschema tests/ovsdb-txn-cases.json

# The transaction layer's fuzz target, its corpus replayed as
# tests/fuzz-jsonrpc.sh does; tests/fuzz/run-fuzzer.sh ovsdb-txn SECONDS
# fuzzes it.  List new seeds in FUZZ_OVSDB_TXN_CORPUS.
check_PROGRAMS += tests/fuzz-ovsdb-txn-replay
tests_fuzz_ovsdb_txn_replay_CPPFLAGS = $(OVSDB_TEST_CPPFLAGS)
tests_fuzz_ovsdb_txn_replay_SOURCES = tests/fuzz-replay.c tests/fuzz-ovsdb-txn.c
tests_fuzz_ovsdb_txn_replay_LDADD = $(OVSDB_LIBS)
TESTS += tests/fuzz-ovsdb-txn.sh
FUZZ_OVSDB_TXN_CORPUS = \
	tests/fuzz/ovsdb-txn/abort-assert.json \
	tests/fuzz/ovsdb-txn/add-bond.json \
	tests/fuzz/ovsdb-txn/add-bridge.json \
	tests/fuzz/ovsdb-txn/add-port.json \
	tests/fuzz/ovsdb-txn/bad-ops.json \
	tests/fuzz/ovsdb-txn/bad-types.json \
	tests/fuzz/ovsdb-txn/controller-manager.json \
	tests/fuzz/ovsdb-txn/deep.json \
	tests/fuzz/ovsdb-txn/delete-bridge.json \
	tests/fuzz/ovsdb-txn/delete-referenced.json \
	tests/fuzz/ovsdb-txn/flow-tables-ssl.json \
	tests/fuzz/ovsdb-txn/gc-and-maxrows.json \
	tests/fuzz/ovsdb-txn/index-clash.json \
	tests/fuzz/ovsdb-txn/mutate-maps.json \
	tests/fuzz/ovsdb-txn/not-an-array.json \
	tests/fuzz/ovsdb-txn/update-bridge.json \
	tests/fuzz/ovsdb-txn/wait-ok.json \
	tests/fuzz/ovsdb-txn/wait-timeout.json
EXTRA_DIST += tests/fuzz-ovsdb-txn.sh $(FUZZ_OVSDB_TXN_CORPUS)
