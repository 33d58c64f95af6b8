#! /bin/sh
# summarize.sh -- totals the results of every test suite run in the given
# build directories, from automake's per-test .trs files (one ":test-result:"
# line per TAP test point), and prints the closing line
#     N passed, N failed, N skipped
# Extra results can be added as arguments of the form RESULT:NAME (for
# steps such as "make distcheck" that are not TAP suites), e.g. PASS:distcheck.
# Exits 1 when anything failed.
set -u

passed=0 failed=0 skipped=0
count() {
    case $1 in
        PASS|XFAIL) passed=$((passed + 1)) ;;
        SKIP) skipped=$((skipped + 1)) ;;
        *) failed=$((failed + 1)); echo "FAILED: $2" ;;
    esac
}

for arg in "$@"; do
    case $arg in
        PASS:*|FAIL:*|SKIP:*|ERROR:*)
            count "${arg%%:*}" "${arg#*:}"
            continue ;;
    esac
    [ -d "$arg" ] || continue
    # Each .trs belongs to one test program; a program that did not produce
    # a .trs (crashed before TAP) leaves a .log with no .trs: counted below.
    for trs in $(find "$arg" -name '*.trs' -not -path '*/xsvswitch-*/*' | sort); do
        while read -r key result rest; do
            [ "$key" = ":test-result:" ] || continue
            count "$result" "${trs%.trs}: $rest"
        done < "$trs"
    done
done

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
