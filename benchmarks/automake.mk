# benchmarks/ -- scripts that print figures (not run by make check).
#
# gen-dbcache writes large synthetic caches, bench-dbcache times the reader
# and the queries on one, and dbcache-bench.sh runs both over several sizes
# and prints a table: `benchmarks/dbcache-bench.sh _build`.
noinst_PROGRAMS += benchmarks/gen-dbcache benchmarks/bench-dbcache
benchmarks_gen_dbcache_CPPFLAGS = $(dbcache_libdbcache_a_CPPFLAGS)
benchmarks_gen_dbcache_SOURCES = benchmarks/gen-dbcache.c
benchmarks_gen_dbcache_LDADD = $(DBCACHE_LIBS)
benchmarks_bench_dbcache_CPPFLAGS = $(dbcache_libdbcache_a_CPPFLAGS)
benchmarks_bench_dbcache_SOURCES = benchmarks/bench-dbcache.c
benchmarks_bench_dbcache_LDADD = $(DBCACHE_LIBS)
EXTRA_DIST += benchmarks/dbcache-bench.sh
EXTRA_DIST += benchmarks/ifr-bench.sh
EXTRA_DIST += benchmarks/switch-bench.sh
EXTRA_DIST += benchmarks/vsdb-bench.sh
