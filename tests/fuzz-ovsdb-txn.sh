#! /bin/sh
# fuzz-ovsdb-txn.sh -- replays the transaction layer's fuzz corpus
# (tests/fuzz/ovsdb-txn/) through the fuzz target tests/fuzz-ovsdb-txn.c,
# with no fuzzer: every seed must run as a "transact" request on a fresh
# database of vswitch/vswitch.ovsschema (or be refused) without a crash, a
# sanitizer report or a leak; committed change sets must replay to the
# same database and dumps must load back the same.  Prints the TAP of
# tests/fuzz-ovsdb-txn-replay.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"

OVSDB_FUZZ_SCHEMA=$top_srcdir/vswitch/vswitch.ovsschema
export OVSDB_FUZZ_SCHEMA
exec "$top_builddir/tests/fuzz-ovsdb-txn-replay" \
    "$top_srcdir/tests/fuzz/ovsdb-txn"
