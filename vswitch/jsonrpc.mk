# vswitch/jsonrpc.mk -- see vswitch/automake.mk.
#
# The transport -- streams over Unix sockets, TCP and SSL, active and
# passive, behind a small vtable (stream-provider.h) -- and JSON-RPC 1.0:
# messages, the incremental parser, connections and reconnecting sessions.
vswitch_libovsdb_a_SOURCES += \
	vswitch/json-read.c vswitch/json-read.h \
	vswitch/json-write.c vswitch/json-write.h \
	vswitch/jsonrpc.c vswitch/jsonrpc.h \
	vswitch/stream.c vswitch/stream.h vswitch/stream-provider.h \
	vswitch/stream-ssl-load.c

# SSL is a module that the library loads when it is first needed
# (stream-ssl-load.c), so that programs that do not use it do not load
# OpenSSL.  It carries PIC copies of the lib/ files it uses (they hold no
# state to share with the program) and exports one symbol: everything
# else is hidden, so that it cannot interpose on the program's functions.
# -z defs: it must name every library it needs.
module_PROGRAMS += vswitch/stream-ssl.so
vswitch_stream_ssl_so_SOURCES = vswitch/stream-ssl.c \
	lib/diag.c lib/atomic-file.c
vswitch_stream_ssl_so_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/vswitch \
	$(OPENSSL_CFLAGS)
vswitch_stream_ssl_so_CFLAGS = $(AM_CFLAGS) -fPIC -fvisibility=hidden
vswitch_stream_ssl_so_LDFLAGS = $(AM_LDFLAGS) -shared -Wl,-z,defs
vswitch_stream_ssl_so_LDADD = $(OPENSSL_LIBS) $(GLIB_LIBS)

# Unit tests: messages, the parser, connections over socketpairs, punix:
# and ptcp: listeners, sessions on a fake clock.
check_PROGRAMS += tests/test-jsonrpc
tests_test_jsonrpc_CPPFLAGS = $(OVSDB_TEST_CPPFLAGS)
tests_test_jsonrpc_SOURCES = tests/test-jsonrpc.c
tests_test_jsonrpc_LDADD = $(OVSDB_LIBS)
TESTS += tests/test-jsonrpc

# The JSON reader and encoder: the same values and text as jansson's, on
# fixed and random values (tests/json-random.h).
check_PROGRAMS += tests/test-json-read
tests_test_json_read_CPPFLAGS = $(OVSDB_TEST_CPPFLAGS)
tests_test_json_read_SOURCES = tests/test-json-read.c tests/json-random.h
tests_test_json_read_LDADD = $(OVSDB_LIBS)
TESTS += tests/test-json-read

check_PROGRAMS += tests/test-json-write
tests_test_json_write_CPPFLAGS = $(OVSDB_TEST_CPPFLAGS)
tests_test_json_write_SOURCES = tests/test-json-write.c tests/json-random.h
tests_test_json_write_LDADD = $(OVSDB_LIBS)
TESTS += tests/test-json-write

# Streams end to end (unix, tcp, ssl with verification and CA bootstrap)
# with tests/test-stream, and against stock ovsdb-client and ovsdb-server.
check_PROGRAMS += tests/test-stream
tests_test_stream_CPPFLAGS = $(OVSDB_TEST_CPPFLAGS)
tests_test_stream_SOURCES = tests/test-stream.c
tests_test_stream_LDADD = $(OVSDB_LIBS)
TESTS += tests/stream-ssl.sh
EXTRA_DIST += tests/stream-ssl.sh

# The framing's fuzz target, its corpus replayed as tests/fuzz-reader.sh
# does; tests/fuzz/run-fuzzer.sh jsonrpc SECONDS fuzzes it.  List new seeds
# in FUZZ_JSONRPC_CORPUS.
check_PROGRAMS += tests/fuzz-jsonrpc-replay
tests_fuzz_jsonrpc_replay_CPPFLAGS = $(OVSDB_TEST_CPPFLAGS)
tests_fuzz_jsonrpc_replay_SOURCES = tests/fuzz-replay.c tests/fuzz-jsonrpc.c
tests_fuzz_jsonrpc_replay_LDADD = $(OVSDB_LIBS)
TESTS += tests/fuzz-jsonrpc.sh
FUZZ_JSONRPC_CORPUS = \
	tests/fuzz/jsonrpc/hostile-deep-nesting.json \
	tests/fuzz/jsonrpc/hostile-deep-objects.json \
	tests/fuzz/jsonrpc/hostile-duplicate-key.json \
	tests/fuzz/jsonrpc/hostile-escape-at-end.json \
	tests/fuzz/jsonrpc/hostile-http.txt \
	tests/fuzz/jsonrpc/hostile-huge-numbers.json \
	tests/fuzz/jsonrpc/hostile-invalid-utf8.json \
	tests/fuzz/jsonrpc/hostile-mismatched.json \
	tests/fuzz/jsonrpc/hostile-params-not-array.json \
	tests/fuzz/jsonrpc/hostile-tls-hello.bin \
	tests/fuzz/jsonrpc/hostile-truncated.json \
	tests/fuzz/jsonrpc/split-message-then-partial.json \
	tests/fuzz/jsonrpc/valid-concatenated.json \
	tests/fuzz/jsonrpc/valid-echo-pair.json \
	tests/fuzz/jsonrpc/valid-error.json \
	tests/fuzz/jsonrpc/valid-escapes.json \
	tests/fuzz/jsonrpc/valid-notification.json \
	tests/fuzz/jsonrpc/valid-reply.json \
	tests/fuzz/jsonrpc/valid-request-monitor.json \
	tests/fuzz/jsonrpc/valid-request-transact.json
EXTRA_DIST += tests/fuzz-jsonrpc.sh tests/fuzz/jsonrpc.dict \
	$(FUZZ_JSONRPC_CORPUS)
