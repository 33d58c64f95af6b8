#! /bin/sh
# vsappctl.sh -- vsappctl against a running vsdb-server, by socket path and
# by program name (under $XSV_RUNDIR), with its output, errors and exit
# statuses compared with stock ovs-appctl's for the same commands (the
# version excepted), and against a stock ovsdb-server; the default target;
# a timeout (tests/test-unixctl --serve as a slow daemon); bad targets.
# The comparisons need openvswitch-switch and are skipped without it; no
# root, no network.
. "${top_srcdir:-.}/tests/tap.sh"

SCHEMA=$top_srcdir/vswitch/vswitch.ovsschema
SERVER=$top_builddir/vswitch/vsdb-server
APPCTL=$top_builddir/vswitch/vsappctl
FAKE=$top_builddir/tests/test-unixctl

for prog in "$SERVER" "$APPCTL" "$FAKE"; do
    [ -x "$prog" ] || skip_all "$prog not built"
done
have_ovs=no
command -v ovs-appctl >/dev/null && have_ovs=yes

T=$TMPDIR_TEST
XSV_RUNDIR=$T XSV_DBDIR=$T XSV_LOGDIR=$T XSV_SCHEMA=$SCHEMA
export XSV_RUNDIR XSV_DBDIR XSV_LOGDIR XSV_SCHEMA

cleanup() {
    for f in vsdb-server.pid fake.pid stock/ovsdb-server.pid; do
        stop_pidfile "$T/$f"
    done
}
at_exit cleanup

"$SERVER" --pidfile --detach --log-file --remote="punix:$T/db.sock" \
    "$T/conf.db" 2>"$T/start.log"
ok $? "vsdb-server starts"
CTL=$T/vsdb-server.ctl

# run OUT PROGRAM ARG...: stdout to OUT.out, stderr to OUT.err (with the
# program's name made "appctl"), the exit status to OUT.rc.
run() {
    out=$1
    shift
    "$@" >"$out.out" 2>"$out.raw" </dev/null
    echo $? >"$out.rc"
    sed -e 's/^ovs-appctl:/appctl:/' -e 's/^vsappctl:/appctl:/' \
        "$out.raw" >"$out.err"
}
same() {
    cmp -s "$1.out" "$2.out" && cmp -s "$1.err" "$2.err" &&
        cmp -s "$1.rc" "$2.rc"
}
show_diff() {
    for ext in out err rc; do
        diff -u "$2.$ext" "$1.$ext" | sed 's/^/# /'
    done
}

# By path and by name.
like "$("$APPCTL" -t "$CTL" version)" '^vsdb-server \(xsvswitch\) ' \
    "-t PATH version"
like "$("$APPCTL" -t vsdb-server version)" '^vsdb-server \(xsvswitch\) ' \
    "-t NAME version: \$XSV_RUNDIR/NAME.ctl"
like "$("$APPCTL" --target=vsdb-server list-commands)" \
    '^  ovsdb-server/compact +\[DB\]$' "--target=NAME list-commands"

# The same commands through vsappctl and ovs-appctl.
i=0
while IFS= read -r cmd; do
    i=$((i + 1))
    if [ $have_ovs = no ]; then
        ok 0 "# SKIP ovs-appctl not installed: $cmd"
        continue
    fi
    # shellcheck disable=SC2086
    run "$T/ours.$i" "$APPCTL" -t "$CTL" $cmd
    # shellcheck disable=SC2086
    run "$T/stock.$i" ovs-appctl -t "$CTL" $cmd
    same "$T/ours.$i" "$T/stock.$i"
    ok $? "as ovs-appctl: $cmd (exit $(cat "$T/ours.$i.rc"))"
    same "$T/ours.$i" "$T/stock.$i" || show_diff "$T/ours.$i" "$T/stock.$i"
done <<'EOF'
list-commands
help
nosuch
version extra
exit now
vlog/set
vlog/set nosuchmodule:dbg
vlog/set vsdb_server:dbg unixctl:info
compact
ovsdb-server/compact
ovsdb-server/compact Open_vSwitch
ovsdb-server/compact nosuchdb
ovsdb-server/compact a b
EOF

run "$T/err" "$APPCTL" -t "$CTL" nosuch
is "$(cat "$T/err.rc")" 2 "an error from the daemon: exit status 2"
is "$(cat "$T/err.out")" "" "... nothing on stdout"
is "$(cat "$T/err.raw")" "\"nosuch\" is not a valid command (use \"list-commands\" to see a list of valid commands)
vsappctl: $CTL: server returned an error" "... the error, then vsappctl's line"
run "$T/dash" "$APPCTL" -t "$CTL" vlog/set -x
like "$(cat "$T/dash.raw")" '^usage: vlog/set' \
    "arguments after COMMAND that look like options go to the daemon"

# Against a stock ovsdb-server.
if [ $have_ovs = yes ] && command -v ovsdb-server >/dev/null; then
    mkdir -p "$T/stock"
    ovsdb-tool create "$T/stock/conf.db" "$SCHEMA" &&
        ovsdb-server "$T/stock/conf.db" --remote="punix:$T/stock/db.sock" \
            --unixctl="$T/stock/ovsdb-server.ctl" \
            --pidfile="$T/stock/ovsdb-server.pid" --detach --no-chdir \
            --log-file="$T/stock/ovsdb-server.log" 2>>"$T/stock/start.log"
    ok $? "a stock ovsdb-server starts"
    for cmd in version list-commands nosuch "exit now"; do
        # shellcheck disable=SC2086
        run "$T/o" "$APPCTL" -t "$T/stock/ovsdb-server.ctl" $cmd
        # shellcheck disable=SC2086
        run "$T/s" ovs-appctl -t "$T/stock/ovsdb-server.ctl" $cmd
        same "$T/o" "$T/s"
        ok $? "against stock ovsdb-server, as ovs-appctl: $cmd"
        same "$T/o" "$T/s" || show_diff "$T/o" "$T/s"
    done
else
    for n in 1 2 3 4 5; do
        ok 0 "# SKIP Open vSwitch not installed"
    done
fi

# The default target, vswitchd, and a timeout.
"$FAKE" --serve="$T/vswitchd.ctl" --pidfile="$T/fake.pid" --detach \
    2>"$T/fake.log"
ok $? "a fake vswitchd starts"
like "$("$APPCTL" version)" '^test-unixctl \(xsvswitch\) ' \
    "without -t: \$XSV_RUNDIR/vswitchd.ctl"
start=$(date +%s)
run "$T/slow" "$APPCTL" --timeout=1 test/sleep 4000
end=$(date +%s)
is "$(cat "$T/slow.rc")" 1 "--timeout=1 against a slow command: exit status 1"
like "$(cat "$T/slow.raw")" \
    '^vsappctl: vswitchd: transaction error \(Connection timed out\)$' \
    "... a timeout error"
[ $((end - start)) -le 3 ]
ok $? "... after about a second ($((end - start)) s)"
like "$("$APPCTL" -T 10 test/sleep 10)" '^slept$' "-T 10: time enough"

# Bad targets.
run "$T/bad" "$APPCTL" -t "$T/nosuch.ctl" version
is "$(cat "$T/bad.rc")" 1 "no socket: exit status 1"
is "$(cat "$T/bad.raw")" \
    "vsappctl: cannot connect to \"$T/nosuch.ctl\" (No such file or directory)" \
    "... an error naming the socket"
run "$T/bad" "$APPCTL" -t nosuchd version
is "$(cat "$T/bad.rc")" 1 "a name that is not running: exit status 1"
like "$(cat "$T/bad.raw")" "cannot connect to \"$T/nosuchd.ctl\"" \
    "... an error naming \$XSV_RUNDIR/NAME.ctl"
: >"$T/plain"
run "$T/bad" "$APPCTL" -t "$T/plain" version
is "$(cat "$T/bad.rc")" 1 "a file that is not a socket: exit status 1"
like "$(cat "$T/bad.raw")" "^vsappctl: cannot connect to \"$T/plain\"" \
    "... an error"
run "$T/bad" "$APPCTL" -t "$CTL"
is "$(cat "$T/bad.rc")" 2 "no command: exit status 2"
like "$(cat "$T/bad.raw")" 'at least one non-option argument' "... why"
run "$T/bad" "$APPCTL" --timeout=x version
is "$(cat "$T/bad.rc")" 2 "a bad --timeout: exit status 2"

"$APPCTL" --help | grep -q -- '--target=TARGET'
ok $? "--help"
like "$("$APPCTL" --version)" '^vsappctl \(xsvswitch\) ' "--version"

# exit through vsappctl.
"$APPCTL" -t vsdb-server exit
ok $? "vsappctl exit"
n=0
while [ $n -lt 50 ] && [ -e "$T/vsdb-server.pid" ]; do
    sleep 0.1
    n=$((n + 1))
done
[ ! -e "$T/vsdb-server.pid" ] && [ ! -e "$CTL" ]
ok $? "... vsdb-server stops, removing its pid file and socket"

done_testing
