#! /bin/sh
# fuzz-reader.sh -- replays the cache reader's fuzz corpus
# (tests/fuzz/reader/) through the fuzz target tests/fuzz-reader.c, with
# no fuzzer: every seed must be read (or refused) without a crash, a
# sanitizer report or a leak, and every accepted seed must survive the
# write/re-read round trip.  Prints the TAP of tests/fuzz-reader-replay.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"

exec "$top_builddir/tests/fuzz-reader-replay" "$top_srcdir/tests/fuzz/reader"
