#! /bin/sh
# log-syslog.sh -- the daemons' log destinations, as Open vSwitch's -v
# names them: "-vsyslog:LEVEL" sends vsdb-server's messages to syslog
# (facility daemon, ident vsdb-server[PID]), "vlog/set syslog:..." changes
# that at run time, also for one module ("vsdb_server:syslog:info"),
# "-vconsole:off" and "-vfile:LEVEL" filter the other two, and a bad level
# is refused.
#
# syslog(3) writes to /dev/log: each server runs in a mount namespace of
# its own, with a tmpfs on /dev holding null, zero, random and urandom
# (bound from the host's) and a /dev/log that leads to a socket in the
# scratch directory, where tests/test-syslog-sink keeps what arrives.
# Needs root (unshare, mount); the host's /dev is not touched.
. "${top_srcdir:-.}/tests/tap.sh"

SCHEMA=$top_srcdir/vswitch/vswitch.ovsschema
SERVER=$top_builddir/vswitch/vsdb-server
APPCTL=$top_builddir/vswitch/vsappctl
SINK=$top_builddir/tests/test-syslog-sink

[ "$(id -u)" = 0 ] || skip_all "needs root (mount namespaces)"
command -v unshare >/dev/null || skip_all "unshare (util-linux) not found"
for prog in "$SERVER" "$APPCTL" "$SINK"; do
    [ -x "$prog" ] || skip_all "$prog not built"
done

T=$TMPDIR_TEST
sink_pid=""
cleanup() {
    for d in "$T"/s*/; do
        stop_pidfile "${d}pid"
    done
    [ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null && wait "$sink_pid"
}
at_exit cleanup

"$SINK" "$T/log.sock" "$T/syslog" &
sink_pid=$!
wait_until 5 test -S "$T/log.sock"
ok $? "the syslog sink listens"

# server NAME ARG...: vsdb-server on $T/NAME (database, sockets, pid file)
# with ARGs, detached, in a mount namespace whose /dev/log is the sink.
server() {
    name=$1
    shift
    mkdir -p "$T/$name"
    unshare --mount --propagation private sh -c '
        set -e
        T=$1; shift
        for f in null zero random urandom; do
            : >"$T/dev.$f"
            mount --bind "/dev/$f" "$T/dev.$f"
        done
        mount -t tmpfs -o mode=755 xsv-test-dev /dev
        for f in null zero random urandom; do
            : >"/dev/$f"
            mount --bind "$T/dev.$f" "/dev/$f"
        done
        ln -s "$T/log.sock" /dev/log
        exec "$@"' sh "$T" \
        env XSV_RUNDIR="$T/$name" XSV_DBDIR="$T/$name" \
        "$SERVER" "$T/$name/conf.db" --schema="$SCHEMA" \
        --remote="punix:$T/$name/db.sock" --unixctl="$T/$name/ctl" \
        --pidfile="$T/$name/pid" "$@"
}

# The lines of the sink from process PID.
from() {
    grep "vsdb-server\[$1\]: " "$T/syslog"
}

# 1. -vsyslog:info: the start-up messages reach syslog, at facility
#    daemon (3) and priority info (6): <30>.
server s1 --detach -vsyslog:info 2>"$T/s1.err"
ok $? "vsdb-server -vsyslog:info starts"
pid1=$(cat "$T/s1/pid" 2>/dev/null)
wait_until 5 grep -q "vsdb-server\[$pid1\]: listening on punix:$T/s1/db.sock" \
    "$T/syslog"
ok $? "its 'listening on' message reaches syslog"
like "$(from "$pid1" | grep 'listening on')" '^<30>' \
    "as facility daemon, priority info (<30>)"

# 2. At run time: syslog:warn keeps info messages out, syslog:dbg lets
#    them in again, syslog:off stops them, and naming the module
#    (vsdb_server:syslog:LEVEL) does the same for it alone; compacting
#    logs one at info.
compacts() {
    "$APPCTL" -t "$T/s1/ctl" ovsdb-server/compact >/dev/null 2>&1 &&
        sleep 0.2 && from "$pid1" | grep -c 'compacted'
}
"$APPCTL" -t "$T/s1/ctl" vlog/set syslog:warn
ok $? "vlog/set syslog:warn"
is "$(compacts)" 0 "an info message (compacted) is kept from syslog at warn"
"$APPCTL" -t "$T/s1/ctl" vlog/set syslog:dbg
is "$(compacts)" 1 "and reaches it at dbg"
"$APPCTL" -t "$T/s1/ctl" vlog/set syslog:off
is "$(compacts)" 1 "syslog:off: no more"
"$APPCTL" -t "$T/s1/ctl" vlog/set vsdb_server:syslog:info
ok $? "vlog/set vsdb_server:syslog:info"
is "$(compacts)" 2 "  turns syslog on again for that module"
"$APPCTL" -t "$T/s1/ctl" vlog/set syslog:warn:vsdb_server
ok $? "vlog/set syslog:warn:vsdb_server (the words in any order)"
is "$(compacts)" 2 "  keeps the info message out again"
"$APPCTL" -t "$T/s1/ctl" vlog/set syslog:loud 2>"$T/vlog.err"
ok $((! $?)) "vlog/set syslog:loud is refused"
like "$(cat "$T/vlog.err")" 'usage: vlog/set' "  with the usage"

# 3. Without -vsyslog nothing goes to syslog.
server s2 --detach 2>"$T/s2.err"
ok $? "vsdb-server without -vsyslog starts"
pid2=$(cat "$T/s2/pid" 2>/dev/null)
"$APPCTL" -t "$T/s2/ctl" ovsdb-server/compact >/dev/null 2>&1
sleep 0.3
is "$(from "$pid2" | wc -l)" 0 "none of its messages reach syslog"

# 4. A bad level is refused at start, naming it.
server s3 --detach -vsyslog:loud 2>"$T/s3.err"
ok $((! $?)) "-vsyslog:loud: vsdb-server refuses to start"
like "$(cat "$T/s3.err")" 'bad log level "syslog:loud"' "  naming the level"
test ! -e "$T/s3/pid"
ok $? "  and leaves no pid file"

# 5. -vconsole:off keeps the messages off standard error; -vfile:warn
#    keeps info messages out of the log file, not the warnings' level.
for mode in on off; do
    args="--log-file=$T/s4-$mode.log"
    [ $mode = off ] && args="$args -vconsole:off -vfile:warn"
    # shellcheck disable=SC2086
    server s4-$mode $args 2>"$T/s4-$mode.err" &
    server_pid=$!
    wait_until 5 test -S "$T/s4-$mode/ctl"
    "$APPCTL" -t "$T/s4-$mode/ctl" exit >/dev/null 2>&1
    wait "$server_pid"
done
like "$(cat "$T/s4-on.err")" 'listening on' \
    "by default, a foreground server prints its messages"
is "$(grep -c 'listening on' "$T/s4-off.err")" 0 "-vconsole:off: it does not"
like "$(cat "$T/s4-on.log")" '\|info\|listening on' \
    "by default the log file has the info messages"
is "$(grep -c 'listening on' "$T/s4-off.log")" 0 "-vfile:warn: it does not"

done_testing
