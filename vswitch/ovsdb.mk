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
