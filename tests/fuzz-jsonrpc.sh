#! /bin/sh
# fuzz-jsonrpc.sh -- replays the JSON-RPC framing's fuzz corpus
# (tests/fuzz/jsonrpc/) through the fuzz target tests/fuzz-jsonrpc.c, with
# no fuzzer: every seed must be framed (or refused) without a crash, a
# sanitizer report or a leak, the same way in one chunk, in random chunks
# and through a connection, and every message must survive a round trip.
# Prints the TAP of tests/fuzz-jsonrpc-replay.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"

exec "$top_builddir/tests/fuzz-jsonrpc-replay" "$top_srcdir/tests/fuzz/jsonrpc"
