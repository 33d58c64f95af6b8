#! /bin/sh
# dbcache-bench.sh -- parse time, query time and peak memory of the
# network.dbcache reader, per cache size.
#
#   benchmarks/dbcache-bench.sh [BUILDDIR]
#
# BUILDDIR (default _build) is a configured and built tree holding
# benchmarks/gen-dbcache and benchmarks/bench-dbcache; this script builds
# nothing.  For each size (PIFs) it generates a cache in a scratch
# directory, runs bench-dbcache on it, and prints one row of a table.  The
# last line says whether the 10,000-PIF cache parsed in under 100 ms (the
# target).  Use an optimised build, not a sanitizer build, for figures.
#
# Environment: SIZES (default "100 1000 10000 30000"), REPEATS (parses per
# size, default 10), KEEP=1 to keep the generated caches.
set -u

builddir=${1:-_build}
sizes=${SIZES:-100 1000 10000 30000}
repeats=${REPEATS:-10}
target_pifs=10000
target_ms=100

gen=$builddir/benchmarks/gen-dbcache
bench=$builddir/benchmarks/bench-dbcache
for prog in "$gen" "$bench"; do
    if [ ! -x "$prog" ]; then
        echo "$0: $prog not found; build first (make -C $builddir)" >&2
        exit 1
    fi
done
if grep -q '^SANITIZER_CFLAGS = -f' "$builddir/Makefile" 2>/dev/null; then
    echo "# warning: $builddir is a sanitizer build; figures are inflated"
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/dbcache-bench.XXXXXX") || exit 1
if [ "${KEEP:-0}" = 1 ]; then
    echo "# caches kept in $scratch"
else
    trap 'rm -rf "$scratch"' EXIT
fi
trap 'exit 130' INT TERM

# Value of KEY in a bench-dbcache report.
field() {
    sed -n "s/^$1: //p" "$2"
}

printf '# %s, %s parses per size (median), %s\n' \
    "$(uname -m)" "$repeats" "$(date -u +%Y-%m-%dT%H:%MZ)"
printf '%6s %10s %9s %9s %9s %9s %9s %9s %9s %9s %9s\n' \
    PIFs bytes parse_ms min_ms ms/1kPIF q_uuid_us q_brdg_us q_dp_us \
    query_us peak_MiB parse_MiB
verdict="no ${target_pifs}-PIF size was measured"
status=0
for n in $sizes; do
    cache=$scratch/$n.dbcache
    report=$scratch/$n.report
    if ! "$gen" "$n" "$cache"; then
        echo "$0: gen-dbcache $n failed" >&2
        status=1
        continue
    fi
    if ! "$bench" "$cache" "$repeats" > "$report"; then
        echo "$0: bench-dbcache on $n PIFs failed" >&2
        status=1
        continue
    fi
    median=$(field parse_ms_median "$report")
    awk -v n="$n" -v bytes="$(field bytes "$report")" \
        -v med="$median" -v min="$(field parse_ms_min "$report")" \
        -v qu="$(field query_us_uuid "$report")" \
        -v qb="$(field query_us_bridge "$report")" \
        -v qd="$(field query_us_datapath "$report")" \
        -v qm="$(field query_us_mix "$report")" \
        -v peak="$(field rss_peak_kib "$report")" \
        -v base="$(field rss_base_kib "$report")" '
        BEGIN {
            printf "%6d %10d %9.2f %9.2f %9.3f %9.2f %9.2f %9.3f %9.2f" \
                   " %9.1f %9.1f\n", n, bytes, med, min, med * 1000 / n,
                   qu, qb, qd, qm, peak / 1024, (peak - base) / 1024
        }'
    if [ "$n" -eq "$target_pifs" ]; then
        if awk -v m="$median" -v t="$target_ms" 'BEGIN { exit !(m < t) }'
        then
            verdict="${target_pifs}-PIF parse: $median ms (median):"
            verdict="$verdict UNDER the $target_ms ms target"
        else
            verdict="${target_pifs}-PIF parse: $median ms (median):"
            verdict="$verdict OVER the $target_ms ms target"
            status=1
        fi
    fi
done
echo "# query_us: mean of the three queries; parse_MiB: peak RSS less the"
echo "# RSS before parsing (program and libraries)"
echo "$verdict"
exit $status
