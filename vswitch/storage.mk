# vswitch/storage.mk -- see vswitch/automake.mk.
#
# Storage: the database file as a log of committed transactions
# (ovsdb-log), the `vsdb-tool` command over it, and their tests.
vswitch_libovsdb_a_SOURCES += vswitch/ovsdb-log.c vswitch/ovsdb-log.h

bin_PROGRAMS += vswitch/vsdb-tool
vswitch_vsdb_tool_CPPFLAGS = $(vswitch_libovsdb_a_CPPFLAGS)
vswitch_vsdb_tool_SOURCES = vswitch/vsdb-tool.c
vswitch_vsdb_tool_LDADD = $(OVSDB_LIBS)

# Unit tests: round trip, torn tails, corruption, compaction, locking.
check_PROGRAMS += tests/test-ovsdb-log
tests_test_ovsdb_log_CPPFLAGS = $(OVSDB_TEST_CPPFLAGS) $(OPENSSL_CFLAGS)
tests_test_ovsdb_log_SOURCES = tests/test-ovsdb-log.c
tests_test_ovsdb_log_LDADD = $(OVSDB_LIBS) $(OPENSSL_LIBS)
TESTS += tests/test-ovsdb-log

# The vsdb-tool command line; and the crash test: kill -9 a writer at
# random moments, check the file every time.  Both use test-log-writer.
check_PROGRAMS += tests/test-log-writer
tests_test_log_writer_CPPFLAGS = $(OVSDB_TEST_CPPFLAGS)
tests_test_log_writer_SOURCES = tests/test-log-writer.c
tests_test_log_writer_LDADD = $(OVSDB_LIBS)
TESTS += tests/vsdb-tool.sh tests/log-crash.sh
EXTRA_DIST += tests/vsdb-tool.sh tests/log-crash.sh

# Figures (not run by make check): `benchmarks/bench-ovsdb-log [DIR]`.
noinst_PROGRAMS += benchmarks/bench-ovsdb-log
benchmarks_bench_ovsdb_log_CPPFLAGS = $(vswitch_libovsdb_a_CPPFLAGS)
benchmarks_bench_ovsdb_log_SOURCES = benchmarks/bench-ovsdb-log.c
benchmarks_bench_ovsdb_log_LDADD = $(OVSDB_LIBS)
