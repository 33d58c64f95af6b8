# tap.sh -- sourced by the shell functional tests: TAP output helpers and a
# scratch directory that is removed on exit, pass or fail.
#
#   ok COND_STATUS DESCRIPTION     ("ok $? 'message'" after a command)
#   is GOT WANT DESCRIPTION
#   like TEXT REGEX DESCRIPTION    (grep -E)
#   skip_all REASON                (exit 77)
#   done_testing                   (prints the plan, exits 1 on failure)
set -u

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
tap_n=0
tap_failed=0

TMPDIR_TEST=$(mktemp -d "${TMPDIR:-/tmp}/xsv-test.XXXXXX")
tap_cleanup_hooks=""
tap_cleanup() {
    for hook in $tap_cleanup_hooks; do $hook; done
    rm -rf "$TMPDIR_TEST"
}
trap tap_cleanup EXIT
trap 'exit 130' INT TERM

# Registers a function to run at exit (before the scratch dir goes).
at_exit() { tap_cleanup_hooks="$1 $tap_cleanup_hooks"; }

ok() {
    tap_n=$((tap_n + 1))
    if [ "$1" -eq 0 ]; then
        echo "ok $tap_n - $2"
    else
        echo "not ok $tap_n - $2"
        tap_failed=$((tap_failed + 1))
    fi
}

is() {
    if [ "$1" = "$2" ]; then
        ok 0 "$3"
    else
        ok 1 "$3"
        printf '%s\n' "  got: $1" | sed 's/^/# /'
        printf '%s\n' " want: $2" | sed 's/^/# /'
    fi
}

like() {
    if printf '%s\n' "$1" | grep -Eq -- "$2"; then
        ok 0 "$3"
    else
        ok 1 "$3"
        printf '%s\n' "$1" | sed 's/^/#   got: /' | head -20
        echo "#  want: /$2/"
    fi
}

skip_all() {
    echo "1..0 # SKIP $1"
    exit 77
}

done_testing() {
    echo "1..$tap_n"
    [ "$tap_failed" -eq 0 ]
    exit $?
}
