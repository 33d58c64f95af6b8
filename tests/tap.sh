# tap.sh -- sourced by the shell functional tests: TAP output helpers and a
# scratch directory that is removed on exit, pass or fail.
#
#   ok COND_STATUS DESCRIPTION     ("ok $? 'message'" after a command)
#   is GOT WANT DESCRIPTION
#   like TEXT REGEX DESCRIPTION    (grep -E)
#   skip_all REASON                (exit 77)
#   done_testing                   (prints the plan, exits 1 on failure)
#   at_exit FUNCTION               (run at exit, pass or fail)
#   alive PID, stop_pidfile FILE   (processes the test started)
#   wait_until SECONDS CMD...      (polls CMD until it succeeds)
#   free_port                      (a free TCP port on 127.0.0.1)
#   require_programs PROG...       (skip_all unless each is on PATH)
#   same_file WANT GOT DESCRIPTION (ok if identical, else their diff)
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

# wait_until SECONDS CMD...: polls CMD (its output discarded) every 0.1 s
# until it succeeds; fails after SECONDS.
wait_until() {
    wait_limit_=$(($1 * 10))
    shift
    wait_n_=0
    until "$@" >/dev/null 2>&1; do
        wait_n_=$((wait_n_ + 1))
        [ $wait_n_ -ge $wait_limit_ ] && return 1
        sleep 0.1
    done
}
# free_port: a TCP port free on 127.0.0.1 now (python3).
free_port() {
    python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}
# require_programs PROG...: skips the whole test ("PROG not installed")
# unless every PROG is on PATH.
require_programs() {
    for required_ in "$@"; do
        command -v "$required_" >/dev/null ||
            skip_all "$required_ not installed"
    done
}
# same_file WANT GOT DESCRIPTION: passes if the two files are identical;
# if not, the start of their diff follows as comments.
same_file() {
    if cmp -s "$1" "$2"; then
        ok 0 "$3"
    else
        ok 1 "$3"
        diff -u "$1" "$2" | head -40 | sed 's/^/# /'
    fi
}
# alive PID: whether process PID still runs.  A zombie (waiting for its
# parent, or for init to reap it) has released its files, sockets and
# locks: it counts as gone.
alive() {
    kill -0 "$1" 2>/dev/null &&
        ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
}
# stop_pidfile FILE: SIGTERMs the process named in FILE, if any, and waits
# (up to 5 s) until it has exited.
stop_pidfile() {
    [ -s "$1" ] || return 0
    stop_pid_=$(cat "$1" 2>/dev/null) || return 0   # Gone meanwhile.
    kill "$stop_pid_" 2>/dev/null
    stop_n_=0
    while [ $stop_n_ -lt 500 ] && alive "$stop_pid_"; do
        sleep 0.01
        stop_n_=$((stop_n_ + 1))
    done
}

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
