#! /bin/sh
# run-fuzzer.sh -- builds a libFuzzer binary for a fuzz target and runs it.
#
#   tests/fuzz/run-fuzzer.sh TARGET SECONDS [LIBFUZZER-OPTION...]
#
# TARGET names a fuzz target: tests/fuzz-TARGET.c, its seeds in
# tests/fuzz/TARGET/ and, if present, a dictionary tests/fuzz/TARGET.dict
# ("reader": the cache reader; "jsonrpc": the JSON-RPC framing;
# "ovsdb-txn": the OVSDB transaction layer).  This is
# not part of make: it compiles the target and the libraries it needs
# (libdbcache, or for "jsonrpc" the transport's part of libovsdb as listed
# in vswitch/jsonrpc.mk, for "ovsdb-txn" the engine's part as listed in
# vswitch/ovsdb.mk, and libutil, as listed in their automake.mk)
# straight from the source tree with clang,
#
#   clang -g -O1 -fsanitize=fuzzer,address,undefined
#
# into $FUZZ_WORKDIR/TARGET/ (default ./_fuzz/TARGET/), then fuzzes for
# SECONDS seconds.  The seeds in tests/fuzz/TARGET/ are read but never
# written; those named bug-* (known bugs, see tests/fuzz-replay.c) are left
# out, or the fuzzer would stop on them at once.  Inputs that add coverage
# go to $FUZZ_WORKDIR/TARGET/corpus/ (kept between runs), and crashing
# inputs to $FUZZ_WORKDIR/TARGET/crash-*, which are listed at the end.
# Copy a new crash into tests/fuzz/TARGET/ as a regression seed, named
# bug-* until it is fixed.
#
# It needs config.h from a configured tree: $BUILDDIR (default _build), or
# else it runs configure in the work directory.  Environment: CC (default
# clang), FUZZ_WORKDIR, BUILDDIR.  Extra arguments go to the fuzzer, e.g.
# -fork=2 -ignore_crashes=1 to keep going after a crash.
set -eu

if [ $# -lt 2 ]; then
    echo "usage: $0 TARGET SECONDS [LIBFUZZER-OPTION...]" >&2
    exit 1
fi
target=$1
seconds=$2
shift 2

srcdir=$(cd "$(dirname "$0")/../.." && pwd)
src=$srcdir/tests/fuzz-$target.c
seeds=$srcdir/tests/fuzz/$target
dict=$srcdir/tests/fuzz/$target.dict
if [ ! -f "$src" ]; then
    echo "$0: no fuzz target $src" >&2
    exit 1
fi
case $seconds in
    ''|*[!0-9]*) echo "$0: SECONDS must be a number" >&2; exit 1 ;;
esac

CC=${CC:-clang}
workdir=${FUZZ_WORKDIR:-_fuzz}/$target
mkdir -p "$workdir/obj" "$workdir/corpus"
workdir=$(cd "$workdir" && pwd)

# config.h: from a configured tree, or configure one here.
builddir=${BUILDDIR:-_build}
if [ -f "$builddir/config.h" ]; then
    cp "$builddir/config.h" "$workdir/obj/config.h"
elif [ ! -f "$workdir/conf/config.h" ]; then
    echo "== configuring in $workdir/conf for config.h"
    mkdir -p "$workdir/conf"
    (cd "$workdir/conf" && "$srcdir/configure" -q) || exit 1
    cp "$workdir/conf/config.h" "$workdir/obj/config.h"
else
    cp "$workdir/conf/config.h" "$workdir/obj/config.h"
fi

# The .c files of a `NAME_SOURCES = ...` (or `+= ...`) variable of an
# automake.mk.
sources_of() {
    sed -n "/^$2 *[+]*=/,/[^\\\\]\$/p" "$srcdir/$1" | tr -s ' \t\\' '\n' |
        grep '\.c$'
}

# What the target links besides libutil.
extra_cflags=
case $target in
    jsonrpc)
        lib_sources=$(sources_of vswitch/jsonrpc.mk vswitch_libovsdb_a_SOURCES)
        pkgs="glib-2.0 openssl jansson"
        lib_dir=vswitch
        ;;
    ovsdb-txn)
        lib_sources=$(sources_of vswitch/ovsdb.mk vswitch_libovsdb_a_SOURCES)
        pkgs="glib-2.0 jansson"
        lib_dir=vswitch
        # The schema the target loads (OVSDB_FUZZ_SCHEMA overrides it).
        extra_cflags="-DFUZZ_SCHEMA_PATH=\"$srcdir/vswitch/vswitch.ovsschema\""
        ;;
    *)
        lib_sources=$(sources_of dbcache/automake.mk \
                      dbcache_libdbcache_a_SOURCES)
        pkgs="libxml-2.0 glib-2.0 openssl"
        lib_dir=dbcache
        ;;
esac
cflags="-g -O1 -fno-omit-frame-pointer $(pkg-config --cflags $pkgs)"
cflags="$cflags -I$workdir/obj -I$srcdir -I$srcdir/lib -I$srcdir/$lib_dir"
san=address,undefined

echo "== building $workdir/fuzz-$target"
rm -f "$workdir"/obj/*.o "$workdir/obj/libdeps.a"
for f in $lib_sources \
         $(sources_of lib/automake.mk lib_libutil_a_SOURCES); do
    o=$workdir/obj/$(echo "$f" | tr / _ | sed 's/\.c$/.o/')
    $CC $cflags -fsanitize=fuzzer-no-link,$san -c "$srcdir/$f" -o "$o"
done
ar rcs "$workdir/obj/libdeps.a" "$workdir"/obj/*.o
$CC $cflags $extra_cflags -fsanitize=fuzzer,$san "$src" \
    "$workdir/obj/libdeps.a" \
    $(pkg-config --libs $pkgs) -o "$workdir/fuzz-$target"

# The seeds, less the known bugs.
rm -rf "$workdir/seeds"
mkdir "$workdir/seeds"
for f in "$seeds"/*; do
    [ -f "$f" ] || continue
    case ${f##*/} in
        bug-*) ;;
        *) cp "$f" "$workdir/seeds/" ;;
    esac
done

dict_opt=
if [ -f "$dict" ]; then
    dict_opt=-dict=$dict
fi

echo "== fuzzing $target for $seconds s"
status=0
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
"$workdir/fuzz-$target" -max_total_time="$seconds" -print_final_stats=1 \
    -artifact_prefix="$workdir/" $dict_opt "$@" \
    "$workdir/corpus" "$workdir/seeds" || status=$?

found=
for f in "$workdir"/crash-* "$workdir"/leak-* "$workdir"/timeout-* \
         "$workdir"/oom-*; do
    if [ -e "$f" ]; then
        [ -n "$found" ] || echo "== inputs that failed (in $workdir):"
        found=yes
        echo "${f##*/}"
    fi
done
if [ -n "$found" ]; then
    status=1
fi
exit $status
