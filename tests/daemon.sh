#! /bin/sh
# daemon.sh -- vswitch/daemon.c through tests/test-unixctl --serve (a small
# daemon on it): --detach returns only once the child is ready, and fails
# when the child fails first, with its message on the terminal; the
# detached daemon's stdio is /dev/null; the pid file names the daemon, is
# refused to a second instance while the first runs, is replaced when it
# is stale (after a SIGKILL, or holding garbage), is removed at exit
# (SIGTERM or the "exit" command) unless another file has replaced it.
# No root, no network.
. "${top_srcdir:-.}/tests/tap.sh"

FAKE=$top_builddir/tests/test-unixctl
APPCTL=$top_builddir/vswitch/vsappctl

for prog in "$FAKE" "$APPCTL"; do
    [ -x "$prog" ] || skip_all "$prog not built"
done

T=$TMPDIR_TEST
PIDFILE=$T/d.pid

pids=""
cleanup() {
    for pid in $pids; do
        kill -9 "$pid" 2>/dev/null
    done
}
at_exit cleanup

# wait_gone PID: up to 5 s for PID to exit (or be a zombie).
wait_gone() {
    n=0
    while [ $n -lt 500 ] && kill -0 "$1" 2>/dev/null &&
          ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; do
        sleep 0.01
        n=$((n + 1))
    done
    ! kill -0 "$1" 2>/dev/null || grep -q '^State:.*Z' "/proc/$1/status"
}
ms() { date +%s%3N; }

start=$(ms)
"$FAKE" --serve="$T/a.ctl" --pidfile="$PIDFILE" --detach \
    --ready-delay=500 2>"$T/a.err"
ok $? "--detach: exit status 0"
end=$(ms)
[ $((end - start)) -ge 450 ]
ok $? "... only once the child is ready ($((end - start)) ms)"
[ -S "$T/a.ctl" ] && "$APPCTL" -t "$T/a.ctl" version >/dev/null
ok $? "... which answers at once"
pid=$(cat "$PIDFILE")
pids="$pids $pid"
kill -0 "$pid" 2>/dev/null
ok $? "the pid file names the running daemon ($pid)"
is "$(wc -c <"$PIDFILE" | tr -d ' ')" "$((${#pid} + 1))" \
    "... the pid and a newline"
is "$(readlink "/proc/$pid/fd/1")" /dev/null "its stdout is /dev/null"
is "$(readlink "/proc/$pid/fd/2")" /dev/null "... and its stderr"
is "$(readlink "/proc/$pid/cwd")" "$(pwd -P)" \
    "it keeps its directory (no chdir)"
ok "$(ls "$T" | grep -c 'tmp')" "no temporary file left"

"$FAKE" --serve="$T/b.ctl" --pidfile="$PIDFILE" --detach 2>"$T/b.err"
[ $? -ne 0 ]
ok $? "a second instance on the same pid file fails"
like "$(cat "$T/b.err")" "$PIDFILE: already in use by process $pid" \
    "... saying which process holds it"
is "$(cat "$PIDFILE")" "$pid" "... the pid file is untouched"
kill -0 "$pid" 2>/dev/null
ok $? "... the first still runs"
[ ! -e "$T/b.ctl" ]
ok $? "... the second removed its socket"

kill -9 "$pid"
wait_gone "$pid"
[ -s "$PIDFILE" ]
ok $? "after a SIGKILL, the pid file is left behind"
"$FAKE" --serve="$T/a.ctl" --pidfile="$PIDFILE" --detach 2>"$T/c.err"
ok $? "... a new instance starts over the stale pid file"
pid2=$(cat "$PIDFILE")
pids="$pids $pid2"
[ "$pid2" != "$pid" ] && kill -0 "$pid2" 2>/dev/null
ok $? "... and writes its own pid"

kill "$pid2"
wait_gone "$pid2"
ok $? "SIGTERM stops the daemon"
[ ! -e "$PIDFILE" ] && [ ! -e "$T/a.ctl" ]
ok $? "... which removes its pid file and socket"

echo garbage >"$PIDFILE"
"$FAKE" --serve="$T/a.ctl" --pidfile="$PIDFILE" --detach 2>"$T/d.err"
ok $? "a pid file holding garbage is replaced"
pid3=$(cat "$PIDFILE")
pids="$pids $pid3"
echo 12345 >"$T/other"
mv "$T/other" "$PIDFILE"
"$APPCTL" -t "$T/a.ctl" exit
wait_gone "$pid3"
ok $? "the exit command stops the daemon"
is "$(cat "$PIDFILE" 2>/dev/null)" 12345 \
    "... leaving a pid file that another process wrote meanwhile"
rm -f "$PIDFILE"

"$FAKE" --serve="$T/e.ctl" --pidfile="$PIDFILE" --detach \
    --fail-before-ready 2>"$T/e.err"
is "$?" 1 "a child that fails before it is ready: the parent exits 1"
like "$(cat "$T/e.err")" 'failing before ready' \
    "... and the child's message reaches the terminal"
"$FAKE" --serve="$T/no/such/dir.ctl" --detach 2>"$T/f.err"
is "$?" 1 "a child that cannot listen: the parent exits 1"
like "$(cat "$T/f.err")" 'dir.ctl' "... with the reason"
"$FAKE" --serve="$T/g.ctl" --pidfile="$T/no/such/dir.pid" --detach \
    2>"$T/g.err"
is "$?" 1 "a pid file that cannot be written: the parent exits 1"
like "$(cat "$T/g.err")" 'no/such/dir\.pid.*No such file' "... with the reason"

"$FAKE" --serve="$T/h.ctl" --pidfile="$T/h.pid" 2>"$T/h.err" &
fg=$!
pids="$pids $fg"
n=0
while [ $n -lt 500 ] && [ ! -s "$T/h.pid" ]; do
    sleep 0.01
    n=$((n + 1))
done
is "$(cat "$T/h.pid")" "$fg" "without --detach: the pid file names the process"
kill -INT "$fg"
wait "$fg"
is "$?" 0 "... SIGINT stops it cleanly"
[ ! -e "$T/h.pid" ]
ok $? "... removing the pid file"

done_testing
