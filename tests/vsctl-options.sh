#! /bin/sh
# vsctl-options.sh -- vsctl's --dry-run and --retry, side by side with
# stock ovs-vsctl, each against a stock ovsdb-server (on Open vSwitch's
# own schema) and against vsdb-server (on ours).
#
#   --dry-run  a session of commands runs as a dry run and then for real:
#              the dry run leaves the database exactly as it was and
#              prints what the real run prints (uuids aside), and both
#              programs print the same.  After a dry run that changes
#              something, both wait for a next_cfg that was never
#              committed (until --timeout, or until another change
#              gets applied); one that changes nothing does not wait.
#   --retry    without it, a missing server is an error at once; with
#              it, vsctl waits for a server that starts later, and
#              --timeout ends the wait with SIGALRM.  A server that
#              restarts while vsctl waits for cur_cfg is reconnected to.
#              A connection lost in the middle of a run: with --retry,
#              vsctl connects again and runs the commands again.
#   reads      a schema without a table or a column of those vsctl
#              reads along with the schema: it reads again, every
#              column; a server answering reads with rows of the wrong
#              shape: an error naming the database.
#
# Needs ovs-vsctl, ovsdb-server, ovsdb-tool, ovsdb-client and Open
# vSwitch's schema; no root, no network.
. "${top_srcdir:-.}/tests/tap.sh"

STOCK_SCHEMA=/usr/share/openvswitch/vswitch.ovsschema
SCHEMA=$top_srcdir/vswitch/vswitch.ovsschema
SERVER=$top_builddir/vswitch/vsdb-server
VSCTL=$top_builddir/vswitch/vsctl

require_programs ovs-vsctl ovsdb-server ovsdb-tool ovsdb-client
[ -e "$STOCK_SCHEMA" ] || skip_all "$STOCK_SCHEMA not installed"
for f in "$SERVER" "$VSCTL"; do
    [ -x "$f" ] || skip_all "$f not built"
done

T=$TMPDIR_TEST
XSV_RUNDIR=$T XSV_DBDIR=$T XSV_LOGDIR=$T XSV_SCHEMA=$SCHEMA
export XSV_RUNDIR XSV_DBDIR XSV_LOGDIR XSV_SCHEMA

pidfiles=""
bg_pids=""
# Signal every server first, then wait for each.
cleanup() {
    for pid in $bg_pids; do
        kill "$pid" 2>/dev/null
    done
    for f in $pidfiles; do
        [ -s "$f" ] && kill "$(cat "$f" 2>/dev/null)" 2>/dev/null
    done
    for f in $pidfiles; do
        stop_pidfile "$f"
    done
}
at_exit cleanup

# server_start KIND DIR: serves DIR/conf.db (created if missing) on
# unix:DIR/db.sock, with stock ovsdb-server (KIND "stock") or vsdb-server
# ("ours").
server_start() {
    mkdir -p "$2"
    case $1 in
    stock)
        { [ -e "$2/conf.db" ] ||
              ovsdb-tool create "$2/conf.db" "$STOCK_SCHEMA"; } &&
        OVS_RUNDIR=$2 OVS_LOGDIR=$2 OVS_DBDIR=$2 \
            ovsdb-server "$2/conf.db" --remote="punix:$2/db.sock" \
            --unixctl="$2/server.ctl" --pidfile="$2/server.pid" \
            --detach --no-chdir --log-file="$2/server.log" \
            2>>"$2/start.log"
        ;;
    ours)
        "$SERVER" --remote="punix:$2/db.sock" --unixctl=none \
            --pidfile="$2/server.pid" --log-file="$2/server.log" \
            --schema="$SCHEMA" --detach "$2/conf.db" 2>>"$2/start.log"
        ;;
    esac || return 1
    pidfiles="$pidfiles $2/server.pid"
}

# The program of client KIND: stock ovs-vsctl or our vsctl.
client() { if [ "$1" = stock ]; then echo ovs-vsctl; else echo "$VSCTL"; fi; }

# Uuids, log time stamps and the program's name made comparable.
norm() {
    sed -E 's/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/<u>/g
            s/^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z\|[0-9]+\|//
            s/^(ovs-vsctl|vsctl): /PROG: /
            s/  +/ /g'
}

dump() { ovsdb-client dump "unix:$1/db.sock" Open_vSwitch 2>&1; }

# bg NAME COMMAND...: runs COMMAND in the background; its output goes to
# $T/NAME.out, its exit status to $T/NAME.rc, its run time (ms) to
# $T/NAME.ms.
bg() {
    name=$1
    shift
    (
        start=$(date +%s%N)
        "$@" >"$T/$name.out" 2>&1
        rc=$?
        echo $((($(date +%s%N) - start) / 1000000)) >"$T/$name.ms"
        echo $rc >"$T/$name.rc"
    ) &
    bg_pids="$bg_pids $!"
}
rc_of() { cat "$T/$1.rc"; }
ms_of() { cat "$T/$1.ms"; }
# count_alive PID...: how many of the PIDs still run.
count_alive() {
    n=0
    for pid in "$@"; do
        alive "$pid" && n=$((n + 1))
    done
    echo $n
}

# ---------------------------------------------------------------------------
# --help: our lines for the two options are stock's.
for opt in --dry-run --retry; do
    line=$(ovs-vsctl --help | grep -E -- "^  $opt ")
    "$VSCTL" --help | grep -qxF -- "$line"
    ok $? "--help: '$line', as ovs-vsctl says it"
done

# ---------------------------------------------------------------------------
# --dry-run: the session, each command as a dry run, then for real.  The
# commands that fail or only read come first, so that each prints the same
# whether or not the ones before it committed.
session() {
    s_prog=$1 s_sock=$2 s_opt=$3
    v() {
        echo "\$ vsctl $*"
        # shellcheck disable=SC2086
        "$s_prog" --db="unix:$s_sock" --no-wait $s_opt "$@" 2>&1
        echo "exit $?"
    }
    v list-br
    v add-br br0
    v add-br br1
    v -- --id=@m create Manager 'target="ptcp:6640"' \
        -- add Open_vSwitch . manager_options @m
    v create Bridge name=brx
    v set Bridge br0 other_config:a=b -- get Bridge br0 other_config
    v del-br br0
}

for server in stock ours; do
    for cl in stock ours; do
        d=$T/dry-$server-$cl
        what="$cl vsctl, $server server"
        prog=$(client $cl)
        server_start $server "$d" &&
            "$prog" --db="unix:$d/db.sock" --no-wait init -- add-br br0
        ok $? "$what: a database with bridge br0"
        dump "$d" >"$d/before"
        session "$prog" "$d/db.sock" --dry-run >"$d/dry.txt"
        dump "$d" >"$d/after"
        cmp -s "$d/before" "$d/after"
        ok $? "$what: the dry runs leave the database as it was"
        uuids=$(grep -E '^[0-9a-f]{8}-' "$d/dry.txt")
        is "$(echo "$uuids" | wc -w)" 2 \
            "$what: the dry runs of create print the uuids of the rows"
        found=0
        for u in $uuids; do
            grep -q "$u" "$d/after" && found=1
        done
        is $found 0 "$what: ... which are not in the database"
        session "$prog" "$d/db.sock" "" >"$d/real.txt"
        is "$(norm <"$d/dry.txt")" "$(norm <"$d/real.txt")" \
            "$what: the dry runs print what the real runs print"
        dump "$d" | norm | sort >"$d.final"
        grep -qw br1 "$d.final" && ! grep -qw br0 "$d.final" &&
            grep -q ptcp:6640 "$d.final"
        ok $? "$what: the real runs commit"
    done
    is "$(norm <"$T/dry-$server-ours/dry.txt")" \
        "$(norm <"$T/dry-$server-stock/dry.txt")" \
        "$server server: our dry-run transcript is ovs-vsctl's"
    cmp -s "$T/dry-$server-ours.final" "$T/dry-$server-stock.final"
    ok $? "$server server: the same database after the real runs"
done
# Show one transcript, for whoever reads the log.
norm <"$T/dry-ours-ours/dry.txt" | sed 's/^/# /'

# ---------------------------------------------------------------------------
# What a dry run waits for.  In a database where the "switch" is up to date
# (cur_cfg = next_cfg = 5), a dry run that changes something waits for
# next_cfg 6, which it never committed, as ovs-vsctl does: --timeout ends
# it (SIGALRM, 142), unless another change gets applied meanwhile.  With no
# Open_vSwitch row at all, it waits too.  A dry run that changes nothing
# sends nothing and does not wait.  Every case runs at once, in the
# background, the --retry ones below as well.
for server in stock ours; do
    server_start $server "$T/wait-$server" &&
        "$VSCTL" --db="unix:$T/wait-$server/db.sock" --no-wait init \
            -- set Open_vSwitch . next_cfg=5 cur_cfg=5 &&
        server_start $server "$T/empty-$server"
    ok $? "$server server: a database at cfg 5, and an empty one"
    for cl in stock ours; do
        prog=$(client $cl)
        bg "alarm-$server-$cl" "$prog" --db="unix:$T/wait-$server/db.sock" \
            --timeout=2 --dry-run add-br brw
        bg "empty-$server-$cl" "$prog" --db="unix:$T/empty-$server/db.sock" \
            --timeout=2 --dry-run add-br brw
        bg "unchanged-$server-$cl" "$prog" \
            --db="unix:$T/wait-$server/db.sock" --timeout=2 --dry-run list-br
    done
done
# --retry, with no server at all, and none ever.
for cl in stock ours; do
    bg "retry-none-$cl" "$(client $cl)" --db="unix:$T/none.sock" \
        --retry --timeout=2 --no-wait list-br
done
wait

for server in stock ours; do
    for cl in stock ours; do
        what="$cl vsctl, $server server"
        is "$(rc_of "alarm-$server-$cl")" 142 \
            "$what: a dry run waits for the next_cfg it did not commit"
        like "$(norm <"$T/alarm-$server-$cl.out")" \
            '^fatal_signal\|WARN\|terminating with signal 14 \(Alarm clock\)$' \
            "$what: ... until --timeout"
        is "$(rc_of "empty-$server-$cl")" 142 \
            "$what: a dry run on an empty database waits as well"
        is "$(rc_of "unchanged-$server-$cl"):$(cat \
            "$T/unchanged-$server-$cl.out")" "0:" \
            "$what: a dry run that changes nothing does not wait"
    done
    is "$("$VSCTL" --db="unix:$T/wait-$server/db.sock" get Open_vSwitch . \
          next_cfg cur_cfg | tr '\n' ' ')" "5 5 " \
        "$server server: next_cfg is still 5"
    is "$(dump "$T/empty-$server" | grep -c '^[0-9a-f]\{8\}-')" 0 \
        "$server server: the empty database is still empty"
done

for cl in stock ours; do
    is "$(rc_of "retry-none-$cl")" 142 \
        "$cl vsctl: --retry, no server: --timeout ends it (SIGALRM)"
    ms=$(ms_of "retry-none-$cl")
    [ "$ms" -ge 1900 ] && [ "$ms" -lt 5000 ]
    ok $? "$cl vsctl: ... after 2 s ($ms ms)"
done
is "$(norm <"$T/retry-none-ours.out")" "$(norm <"$T/retry-none-stock.out")" \
    "--retry, no server: our messages are ovs-vsctl's"

# A dry run that waits ends once another change gets applied.
for server in stock ours; do
    pids=""
    for cl in stock ours; do
        bg "applied-$server-$cl" "$(client $cl)" \
            --db="unix:$T/wait-$server/db.sock" --timeout=10 --dry-run \
            add-br brw
        pids="$pids $!"
    done
    sleep 1
    # shellcheck disable=SC2086
    is "$(count_alive $pids)" 2 \
        "$server server: both dry runs still wait after 1 s"
    "$VSCTL" --db="unix:$T/wait-$server/db.sock" --no-wait \
        set Open_vSwitch . next_cfg=6 cur_cfg=6
    wait
    for cl in stock ours; do
        is "$(rc_of "applied-$server-$cl")" 0 \
            "$cl vsctl, $server server: ... and ends once cfg 6 is applied"
    done
done

# ---------------------------------------------------------------------------
# --retry.  Without it, no server is an error at once.
for cl in stock ours; do
    bg "once-$cl" "$(client $cl)" --db="unix:$T/none.sock" --no-wait list-br
done
wait
for cl in stock ours; do
    is "$(rc_of "once-$cl")" 1 "$cl vsctl: no server, no --retry: exit 1"
    [ "$(ms_of "once-$cl")" -lt 1000 ]
    ok $? "$cl vsctl: ... at once ($(ms_of "once-$cl") ms)"
done
is "$(cat "$T/once-ours.out")" \
    "vsctl: unix:$T/none.sock: database connection failed (No such file or directory)" \
    "our message"
is "$(norm <"$T/once-ours.out")" "$(norm <"$T/once-stock.out")" \
    "... is ovs-vsctl's"

# With --retry, a server that starts 1 s later gets the command.  Its
# database is initialised beforehand: two clients adding the first bridge
# to an empty one would race to insert the Open_vSwitch row, and the
# second would fail on the table's one-row limit (ovs-vsctl as well).
L=$T/late
server_start ours "$L" && "$VSCTL" --db="unix:$L/db.sock" --no-wait init
ok $? "a database for the late server, initialised"
stop_pidfile "$L/server.pid"
rm -f "$L/db.sock"
pids=""
for cl in stock ours; do
    bg "late-$cl" "$(client $cl)" --db="unix:$L/db.sock" --retry \
        --timeout=10 --no-wait add-br "br-$cl"
    pids="$pids $!"
done
sleep 1
# shellcheck disable=SC2086
is "$(count_alive $pids)" 2 "--retry: both still try after 1 s"
server_start ours "$L"
ok $? "vsdb-server starts on the socket"
wait
for cl in stock ours; do
    is "$(rc_of "late-$cl"):$(cat "$T/late-$cl.out")" "0:" \
        "$cl vsctl: --retry: the command succeeds ($(ms_of "late-$cl") ms)"
done
is "$("$VSCTL" --db="unix:$L/db.sock" list-br | tr '\n' ' ')" \
    "br-ours br-stock " "--retry: both bridges are in the database"

# A server that restarts while vsctl waits for cur_cfg: it reconnects
# (--retry or not), as ovs-vsctl does, and ends once cur_cfg is there.
for server in ours stock; do
    d=$T/restart-$server
    server_start $server "$d" &&
        "$VSCTL" --db="unix:$d/db.sock" --no-wait init
    ok $? "$server server: a fresh database"
    for cl in stock ours; do
        bg "restart-$server-$cl" "$(client $cl)" --db="unix:$d/db.sock" \
            --timeout=15 set Open_vSwitch . "external_ids:$cl=1"
    done
    sleep 0.5
    stop_pidfile "$d/server.pid"
    server_start $server "$d"
    ok $? "$server server: restarted"
    sleep 0.5
    next=$("$VSCTL" --db="unix:$d/db.sock" get Open_vSwitch . next_cfg)
    "$VSCTL" --db="unix:$d/db.sock" --no-wait set Open_vSwitch . \
        cur_cfg="$next"
    wait
    for cl in stock ours; do
        is "$(rc_of "restart-$server-$cl"):$(cat \
            "$T/restart-$server-$cl.out")" "0:" \
            "$cl vsctl, $server server: the wait survives a restart"
    done
done

# The connection lost in the middle of a run: a proxy in front of the
# server closes the first connection when the client sends its write
# transaction (it never reaches the server), and passes later ones on.
# With --retry, both programs connect again, run the commands again and
# succeed, the bridge added once.  Without it ours fails at once, naming
# the connection; ovs-vsctl waits, until --timeout (not compared).
cat >"$T/proxy.py" <<'PY'
import socket, sys, threading
listen, target, flag = sys.argv[1:4]
srv = socket.socket(socket.AF_UNIX)
srv.bind(listen)
srv.listen(8)
cut = []
def pump(a, b, watch):
    try:
        while True:
            data = a.recv(65536)
            if not data:
                break
            if (watch and not cut and b'"transact"' in data
                    and b'"insert"' in data):
                cut.append(1)
                open(flag, "w").close()
                break
            b.sendall(data)
    except OSError:
        pass
    for s in (a, b):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
while True:
    c = srv.accept()[0]
    u = socket.socket(socket.AF_UNIX)
    u.connect(target)
    threading.Thread(target=pump, args=(c, u, True), daemon=True).start()
    threading.Thread(target=pump, args=(u, c, False), daemon=True).start()
PY
M=$T/midrun
server_start ours "$M" && "$VSCTL" --db="unix:$M/db.sock" --no-wait init
ok $? "a server for the lost connection"
# proxied NAME CLIENT ARG...: CLIENT through a fresh proxy; its output in
# $T/NAME.out, its exit status in $T/NAME.rc; $T/NAME.cut once cut.
proxied() {
    name=$1
    shift
    python3 "$T/proxy.py" "$T/$name.sock" "$M/db.sock" "$T/$name.cut" &
    proxy_pid=$!
    bg_pids="$bg_pids $proxy_pid"
    wait_until 5 test -S "$T/$name.sock"
    prog=$1
    shift
    "$prog" --db="unix:$T/$name.sock" --timeout=10 --no-wait "$@" \
        >"$T/$name.out" 2>&1
    echo $? >"$T/$name.rc"
    kill "$proxy_pid"
}
for cl in stock ours; do
    proxied "midrun-$cl" "$(client $cl)" --retry add-br "mid-$cl"
    test -e "$T/midrun-$cl.cut"
    ok $? "$cl vsctl --retry: the proxy cut its write transaction"
    is "$(rc_of "midrun-$cl"):$(cat "$T/midrun-$cl.out")" "0:" \
        "$cl vsctl --retry: it connects again and succeeds"
done
is "$("$VSCTL" --db="unix:$M/db.sock" list-br | tr '\n' ' ')" \
    "mid-ours mid-stock " "--retry: each bridge is in the database, once"
proxied midrun-once "$VSCTL" add-br mid-once
is "$(rc_of midrun-once)" 1 "ours without --retry: exit 1"
is "$(cat "$T/midrun-once.out")" \
    "vsctl: unix:$T/midrun-once.sock: transaction failed (unix:$T/midrun-once.sock: connection closed by peer)" \
    "  naming the connection"
is "$("$VSCTL" --db="unix:$M/db.sock" br-exists mid-once; echo $?)" 2 \
    "  and nothing was committed"

# edited_server NAME PYTHON: vsdb-server on our schema changed by the
# python statements PYTHON (on 'schema'), with its files in $T/NAME.
edited_server() {
    python3 - "$SCHEMA" "$T/$1.ovsschema" "$2" <<'PY'
import json, sys
schema = json.load(open(sys.argv[1]))
exec(sys.argv[3])
json.dump(schema, open(sys.argv[2], "w"))
PY
    mkdir -p "$T/$1"
    pidfiles="$pidfiles $T/$1/server.pid"
    "$SERVER" --remote="punix:$T/$1/db.sock" --unixctl=none \
        --pidfile="$T/$1/server.pid" --schema="$T/$1.ovsschema" --detach \
        "$T/$1/conf.db" 2>"$T/$1/start.log"
}
# add_br_port NAME BRIDGE PORT: vsctl adds both on edited_server NAME, in
# one run that must succeed and print nothing.
add_br_port() {
    "$VSCTL" --db="unix:$T/$1/db.sock" --no-wait add-br "$2" \
        -- add-port "$2" "$3" >"$T/$1.out" 2>&1
    is "$?:$(cat "$T/$1.out")" "0:" "vsctl add-br, add-port on it"
}

# A schema without one of the tables vsctl reads along with the schema
# (SSL): that first read fails, and vsctl reads again, by the schema.
edited_server nossl 'del schema["tables"]["SSL"]
del schema["tables"]["Open_vSwitch"]["columns"]["ssl"]'
ok $? "vsdb-server on a schema without SSL"
add_br_port nossl nb np
is "$("$VSCTL" --db="unix:$T/nossl/db.sock" list-ports nb)" np "  list-ports"

# A schema whose Bridge lacks a column the bridge commands read (fail_mode):
# vsctl reads every column instead, and works.
edited_server nofail 'del schema["tables"]["Bridge"]["columns"]["fail_mode"]'
ok $? "vsdb-server on a schema without Bridge fail_mode"
add_br_port nofail fb fp
is "$("$VSCTL" --db="unix:$T/nofail/db.sock" list-br)" fb "  list-br"

# A server that answers every read with rows of the wrong shape: vsctl
# gives up with an error naming the database, not a crash or a hang.
cat >"$T/badread.py" <<'PY'
import json, os, socket, sys
sock_path, schema_path = sys.argv[1], sys.argv[2]
schema = json.load(open(schema_path))
srv = socket.socket(socket.AF_UNIX)
srv.bind(sock_path)
srv.listen(4)
dec = json.JSONDecoder()
while True:
    c = srv.accept()[0]
    buf = ""
    while True:
        data = c.recv(65536)
        if not data:
            break
        buf += data.decode()
        while buf.strip():
            try:
                msg, end = dec.raw_decode(buf.lstrip())
            except ValueError:
                break
            buf = buf.lstrip()[end:]
            if msg.get("method") == "get_schema":
                result = schema
            elif msg.get("method") == "transact":
                result = [{"rows": 7} for _ in msg["params"][1:]]
            else:
                result = {}
            c.sendall(json.dumps({"id": msg.get("id"), "result": result,
                                  "error": None}).encode())
    c.close()
PY
python3 "$T/badread.py" "$T/badread.sock" "$SCHEMA" &
bg_pids="$bg_pids $!"
wait_until 5 test -S "$T/badread.sock"
for cmd in list-br "list Bridge"; do
    # shellcheck disable=SC2086
    "$VSCTL" --db="unix:$T/badread.sock" --no-wait --timeout=10 $cmd \
        >"$T/badread.out" 2>&1
    is "$?:$(cat "$T/badread.out")" \
        "1:vsctl: unix:$T/badread.sock: unexpected reply to a read" \
        "$cmd, rows of the wrong shape: exit 1, naming the database"
done

done_testing
