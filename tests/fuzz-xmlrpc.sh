#! /bin/sh
# fuzz-xmlrpc.sh -- replays the XML-RPC parser's fuzz corpus
# (tests/fuzz/xmlrpc/) through the fuzz target tests/fuzz-xmlrpc.c: no
# crash, no sanitizer report, no leak, and accepted documents survive the
# encode/parse round trip.  Prints TAP.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"

exec "$top_builddir/tests/fuzz-xmlrpc-replay" "$top_srcdir/tests/fuzz/xmlrpc"
