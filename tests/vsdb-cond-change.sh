#! /bin/sh
# vsdb-cond-change.sh -- "monitor_cond_change" on vsdb-server, compared
# with stock ovsdb-server.  First stock ovsdb-client watches each server
# with "monitor-cond" (update2), "monitor-cond-since" (update3) and plain
# "monitor" (which takes the request but has no conditions to change),
# while its "ovsdb-client/cond_change" control command moves the
# condition between bridges, to both, to false and to true, and stock
# ovs-vsctl changes rows in between; the normalised outputs must be the
# same.  Then a raw JSON-RPC client (python3) sends the same requests to
# both servers -- new monitor ids, several tables, "select" flags, every
# error stock answers -- and the transcripts (row UUIDs replaced by names)
# must be the same, down to the update2/update3 coming before the reply.
# Needs openvswitch-switch and python3; no root, no network.
. "${top_srcdir:-.}/tests/tap.sh"
. "${top_srcdir:-.}/tests/monitor-csv.sh"
. "$top_srcdir/tests/ovs-sandbox.sh"

SCHEMA=$top_srcdir/vswitch/vswitch.ovsschema
SERVER=$top_builddir/vswitch/vsdb-server

ovs_available || skip_all "Open vSwitch (openvswitch-switch) not installed"
require_programs ovsdb-tool ovsdb-client ovs-vsctl ovs-appctl ovsdb-server \
    python3
[ -x "$SERVER" ] || skip_all "$SERVER not built"

T=$TMPDIR_TEST
cleanup() {
    for f in "$T"/*/client-*.pid "$T/ours/pid" "$T/stock/pid"; do
        [ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null
    done
}
at_exit cleanup

mkdir -p "$T/ours/run" "$T/stock/run"
# In the foreground, so that its exit status and stderr (the sanitizers'
# reports, leaks included) can be checked at the end.
XSV_RUNDIR=$T/ours XSV_DBDIR=$T/ours XSV_LOGDIR=$T/ours XSV_SCHEMA=$SCHEMA \
    "$SERVER" --remote="punix:$T/ours/db.sock" \
    --pidfile="$T/ours/pid" --unixctl="$T/ours/ctl" --no-chdir \
    --log-file="$T/ours/log" "$T/ours/conf.db" 2>"$T/ours/stderr" &
ours_pid=$!
n=0
while [ $n -lt 100 ] && [ ! -S "$T/ours/db.sock" ]; do
    sleep 0.1
    n=$((n + 1))
done
[ -S "$T/ours/db.sock" ]
ok $? "vsdb-server starts"
ovsdb-tool create "$T/stock/conf.db" "$SCHEMA" &&
    ovsdb-server "$T/stock/conf.db" --remote="punix:$T/stock/db.sock" \
        --unixctl="$T/stock/ctl" --pidfile="$T/stock/pid" --detach \
        --no-chdir --log-file="$T/stock/log" 2>"$T/stock/start.log"
ok $? "a stock ovsdb-server starts on the same schema"

for side in ours stock; do
    ovs-vsctl --db="unix:$T/$side/db.sock" --no-wait init -- \
        add-br br1 -- add-br br2 2>>"$T/setup.err" || echo "$side" \
        >>"$T/setup.err"
done
ok "$([ ! -s "$T/setup.err" ]; echo $?)" "bridges br1 and br2 on both"

# ------------------------------------------------------------------------
# Stock ovsdb-client: its control socket (OVS_RUNDIR/ovsdb-client.PID.ctl,
# made when it detaches, once the first reply is printed) takes
# "ovsdb-client/cond_change TABLE CONDITION".

# watch SIDE NAME KIND ARGS...: ovsdb-client KIND against SIDE's server,
# output in $T/NAME.SIDE (its timestamped log in $T/NAME.SIDE.err).
watch() {
    side=$1
    name=$2
    kind=$3
    shift 3
    OVS_RUNDIR=$T/$side/run ovsdb-client --detach --no-chdir \
        --pidfile="$T/$side/client-$name.pid" --format=csv "$kind" \
        "unix:$T/$side/db.sock" Open_vSwitch "$@" \
        >"$T/$name.$side" 2>"$T/$name.$side.err" </dev/null
}

BR_COLS=name,fail_mode,external_ids
for side in ours stock; do
    watch $side cond monitor-cond '[["name","==","br1"]]' \
        Bridge $BR_COLS
done
for side in ours stock; do
    watch $side since monitor-cond-since '[["name","==","br1"]]' \
        Bridge $BR_COLS
done
for side in ours stock; do
    watch $side plain monitor Bridge $BR_COLS
done

# run_session SIDE: condition changes and transactions, with a pause
# after each so that every update is a separate output block.
run_session() {
    side=$1
    db=unix:$T/$side/db.sock
    cc() {
        for name in cond since plain; do
            ovs-appctl -t "$T/$side/run/ovsdb-client.$(cat \
                "$T/$side/client-$name.pid").ctl" ovsdb-client/cond_change \
                Bridge "$1" >/dev/null 2>>"$T/session.err"
        done
        sleep 0.3
    }
    v() {
        ovs-vsctl --db="$db" --no-wait "$@" >/dev/null 2>>"$T/session.err"
        sleep 0.3
    }
    cc '[["name","==","br2"]]'
    v set Bridge br1 fail_mode=secure
    v set Bridge br2 fail_mode=secure
    cc '[["name","==","br1"],["name","==","br2"]]'
    v add-br br3
    cc '[false]'
    v set Bridge br1 external_ids:a=1
    cc '[true]'
    cc '[["fail_mode","==","secure"]]'
    v add-br br4 -- set Bridge br4 fail_mode=secure
    v set Bridge br1 fail_mode=standalone
    v set Bridge br3 fail_mode=secure
    cc '[["name","!=","br3"]]'
    v del-br br2
}
run_session ours &
s1=$!
run_session stock &
s2=$!
wait $s1
wait $s2
ok "$([ ! -s "$T/session.err" ]; echo $?)" "the session ran on both"
sed 's/^/# /' "$T/session.err" | head -5
sleep 0.3
cleanup_clients() {
    for f in "$T"/*/client-*.pid; do
        [ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null
        rm -f "$f"
    done
}
cleanup_clients


for name in cond since plain; do
    normalise "$T/$name.ours" >"$T/$name.ours.n"
    normalise "$T/$name.stock" >"$T/$name.stock.n"
    n=$(grep -c . "$T/$name.stock.n")
    [ "$n" -ge 10 ]
    ok $? "$name: stock ovsdb-client's output has $n lines"
    same_file "$T/$name.stock.n" "$T/$name.ours.n" \
        "$name: the same with vsdb-server"
done
# What the condition changes must have produced, as stock does.
like "$(cat "$T/cond.ours.n")" "^br1,delete,," \
    "monitor-cond: a row leaving the condition is deleted"
like "$(cat "$T/cond.ours.n")" "^br4,insert,br4,secure," \
    "monitor-cond: a row entering it through a transaction is inserted"

# ------------------------------------------------------------------------
# A raw JSON-RPC client.  Each input line is a request [method, params]
# ("~" first: only the error's tag and syntax are compared, the details
# being our data parser's wording, or naming one of several members in
# hash order), or "!" and a shell command (run with
# $DB naming the server), after which the notifications that arrive are
# printed, sorted.  Row UUIDs print as the rows' names.
cat >"$T/rpc.py" <<'PY'
import json, os, re, socket, subprocess, sys, time

UUID = re.compile(r"^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$")
sock = socket.socket(socket.AF_UNIX)
sock.connect(sys.argv[1])
os.environ["DB"] = "unix:" + sys.argv[1]
buf, n, names = "", 0, {}
dec = json.JSONDecoder()

def recv(timeout):
    global buf
    sock.settimeout(timeout)
    while True:
        b = buf.lstrip()
        if b:
            try:
                obj, end = dec.raw_decode(b)
                buf = b[end:]
                return obj
            except ValueError:
                pass
        try:
            data = sock.recv(65536)
        except socket.timeout:
            return None
        if not data:
            return None
        buf += data.decode()

def call(method, params):
    global n
    n += 1
    sock.sendall(json.dumps({"method": method, "params": params,
                             "id": n}).encode())
    out = []
    while True:
        m = recv(5)
        if m is None or m.get("id") == n:
            return out, m
        out.append(m)

# Returns the messages that came before the reply.
def learn_names():
    ops = [{"op": "select", "table": t, "where": [],
            "columns": ["_uuid", "name"]}
           for t in ("Bridge", "Port", "Interface")]
    before, reply = call("transact", ["Open_vSwitch"] + ops)
    for r in reply["result"]:
        for row in r["rows"]:
            names[row["_uuid"][1]] = row["name"]
    return before

def named(x):
    if isinstance(x, dict):
        return {named(k): named(v) for k, v in x.items()}
    if isinstance(x, list):
        return [named(v) for v in x]
    if isinstance(x, str) and UUID.match(x) and set(x) != {"0", "-"}:
        return names.get(x, "?uuid")
    return x

def show(m, tag_only=False):
    if "method" in m:
        return "notify %s" % json.dumps(named([m["method"], m["params"]]),
                                        sort_keys=True)
    if m.get("error") is not None:
        e = m["error"]
        if tag_only:
            e = {k: v for k, v in e.items() if k != "details"}
        return "error %s" % json.dumps(e, sort_keys=True)
    return "result %s" % json.dumps(named(m["result"]), sort_keys=True)

learn_names()
for line in sys.stdin:
    line = line.strip()
    if not line or line.startswith("#"):
        continue
    if line.startswith("!"):
        print(line)
        subprocess.run(line[1:], shell=True, check=True)
        time.sleep(0.3)
        msgs = learn_names()
        while True:
            m = recv(0.3)
            if m is None:
                break
            msgs.append(m)
        print("\n".join(sorted(show(m) for m in msgs
                                if m.get("method") != "echo")))
        continue
    tag_only = line.startswith("~")
    method, params = json.loads(line.lstrip("~"))
    print("> " + line)
    before, reply = call(method, params)
    for m in before:
        if m.get("method") != "echo":
            print(show(m))
    print(show(reply, tag_only) if reply else "no reply")
PY

cat >"$T/rpc.in" <<'EOF'
# br1, br3 and br4 are left from above.
!ovs-vsctl --db=$DB --no-wait add-br br2
["monitor_cond", ["Open_vSwitch", "m1", {"Bridge": [{"columns": ["name", "fail_mode"], "where": [["name", "==", "br1"]]}], "Port": [{"columns": ["name", "external_ids"], "where": [["name", "==", "br1"]]}]}]]
# A new condition and a new id: the update2 uses the new id.
["monitor_cond_change", ["m1", "m2", {"Bridge": [{"where": [["name", "==", "br2"]]}]}]]
# Later transactions follow it; Port keeps its own.
!ovs-vsctl --db=$DB --no-wait set Bridge br1 fail_mode=standalone -- set Bridge br2 fail_mode=standalone -- set Port br1 external_ids:a=1 -- set Port br2 external_ids:a=1
# The same condition and id again: nothing to send.
["monitor_cond_change", ["m2", "m2", {"Bridge": [{"where": [["name", "==", "br2"]]}]}]]
# The last request of a table wins; two tables at once.
["monitor_cond_change", ["m2", "m3", {"Bridge": [{"where": [false]}, {"where": [["name", "==", "br1"], ["name", "==", "br2"]]}], "Port": [{"where": [["name", "==", "br2"]]}]}]]
!ovs-vsctl --db=$DB --no-wait add-br br5
["monitor_cond_change", ["m3", "m3", {"Bridge": [{"where": [false]}]}]]
!ovs-vsctl --db=$DB --no-wait set Bridge br1 fail_mode=secure
["monitor_cond_change", ["m3", "m3", {"Bridge": [{"where": []}], "Port": [{"where": [true]}]}]]
["monitor_cond_change", ["m3", "m3", {"Bridge": [{"where": [["fail_mode", "==", "secure"]]}]}]]
!ovs-vsctl --db=$DB --no-wait set Bridge br5 fail_mode=secure -- set Bridge br1 fail_mode=standalone
# Errors: the monitor stays as it is.
["monitor_cond_change", ["nope", "m4", {"Bridge": [{"where": []}]}]]
["monitor_cond", ["Open_vSwitch", "other", {"Interface": [{"columns": ["name"]}]}]]
["monitor_cond_change", ["m3", "other", {"Bridge": [{"where": []}]}]]
["monitor_cond_change", ["m3", "m3", {"Interface": [{"where": []}]}]]
["monitor_cond_change", ["m3", "m3", {"Nope": [{"where": []}]}]]
["monitor_cond_change", ["m3", "m3", {"Bridge": {"where": []}}]]
["monitor_cond_change", ["m3", "m3", {"Bridge": [3]}]]
["monitor_cond_change", ["m3", "m3", {"Bridge": [{"where": true}]}]]
["monitor_cond_change", ["m3", "m3", {"Bridge": [{"columns": 1}]}]]
["monitor_cond_change", ["m3", "m3", {"Bridge": [{"where": [], "foo": 1}]}]]
~["monitor_cond_change", ["m3", "m3", {"Bridge": [{"where": [], "foo": 1, "bar": 2, "baz": 3}]}]]
["monitor_cond_change", ["m3", "m3", {"Bridge": [{"columns": ["name"], "where": []}]}]]
["monitor_cond_change", ["m3", "m3", {"Bridge": [{"where": [["nope", "==", 1]]}]}]]
["monitor_cond_change", ["m3", "m3", {"Bridge": [{"where": [["name", "~", "x"]]}]}]]
["monitor_cond_change", ["m3", "m3", {"Bridge": [{"where": [["name", "<", "x"]]}]}]]
["monitor_cond_change", ["m3", "m3", {"Bridge": [{"where": [["name", "=="]]}]}]]
["monitor_cond_change", ["m3", "m3", {"Bridge": [{"where": [["name", "==", ["set", ["a", "b"]]]]}]}]]
["monitor_cond_change", ["m3", "m3", {"Bridge": [{"where": [["datapath_id", "==", ["set", ["a", "b"]]]]}]}]]
~["monitor_cond_change", ["m3", "m3", {"Bridge": [{"where": [["name", "==", 1]]}]}]]
["monitor_cond_change", ["m3", "m3", []]]
["monitor_cond_change", ["m3", "m3"]]
["monitor_cond_change", ["m3", "m3", {}]]
!ovs-vsctl --db=$DB --no-wait set Bridge br1 fail_mode=secure
# "select": a monitor that takes no inserts gets none for a new condition.
["monitor_cond", ["Open_vSwitch", "sel", {"Bridge": [{"columns": ["name"], "where": [["name", "==", "br1"]], "select": {"insert": false}}]}]]
["monitor_cond_change", ["sel", "sel", {"Bridge": [{"where": [true]}]}]]
["monitor_cond_change", ["sel", "sel", {"Bridge": [{"where": [["name", "==", "br2"]]}]}]]
["monitor_cancel", ["sel"]]
# A "monitor" monitor takes a new id, and nothing else.
["monitor", ["Open_vSwitch", "v1", {"Bridge": {"columns": ["name", "fail_mode"]}}]]
["monitor_cond_change", ["v1", "v1b", {"Bridge": [{"where": [["name", "==", "br2"]]}]}]]
["monitor_cond_change", ["v1b", "v1b", {"Bridge": [{"where": [["nope", "==", "x"]]}]}]]
["monitor_cond_change", ["v1b", "v1b", {"Bridge": [{"columns": ["name"]}]}]]
!ovs-vsctl --db=$DB --no-wait set Bridge br1 fail_mode=standalone
["monitor_cancel", ["v1"]]
["monitor_cancel", []]
["monitor_cancel", ["v1b"]]
# monitor_cond and monitor_cond_since refuse a bad condition too.
["monitor_cond", ["Open_vSwitch", "bad1", {"Bridge": [{"columns": ["name"], "where": [["nope", "==", 1]]}]}]]
["monitor_cond", ["Open_vSwitch", "bad2", {"Bridge": [{"columns": ["name"], "where": [["name", "~", "x"]]}]}]]
["monitor_cond", ["Open_vSwitch", "bad3", {"Bridge": [{"columns": ["name"], "where": [["name", "<", "x"]]}]}]]
["monitor_cond_since", ["Open_vSwitch", "bad4", {"Bridge": [{"columns": ["name"], "where": [["name", "=="]]}]}, "00000000-0000-0000-0000-000000000000"]]
["monitor_cancel", ["bad1"]]
# update3 for a monitor_cond_since monitor.
["monitor_cond_since", ["Open_vSwitch", "s", {"Bridge": [{"columns": ["name", "fail_mode"], "where": [["name", "==", "br1"]]}]}, "00000000-0000-0000-0000-000000000000"]]
["monitor_cond_change", ["s", ["s", 2], {"Bridge": [{"where": [["name", "==", "br2"]]}]}]]
!ovs-vsctl --db=$DB --no-wait set Bridge br2 fail_mode=secure
["monitor_cond_change", [["s", 2], "s", {"Bridge": [{"where": [["name", "!=", "br2"]]}]}]]
EOF

for side in ours stock; do
    python3 "$T/rpc.py" "$T/$side/db.sock" <"$T/rpc.in" >"$T/rpc.$side" \
        2>"$T/rpc.$side.err"
    ok $? "the JSON-RPC session runs against the $side server"
done
n=$(grep -c '^notify' "$T/rpc.stock")
[ "$n" -ge 12 ]
ok $? "stock ovsdb-server sent $n notifications in the JSON-RPC session"
same_file "$T/rpc.stock" "$T/rpc.ours" \
    "vsdb-server's JSON-RPC transcript is the same"
sed 's/^/# /' "$T/rpc.ours.err" | head -5
for e in "unknown monitor session" "duplicate monitor ID" \
         "no table named Interface in monitor session" \
         "changing columns is unsupported" "No column nope in table Bridge"; do
    grep -q "error.*$e" "$T/rpc.ours"
    ok $? "error: $e"
done
like "$(grep -A1 'm1", "m2' "$T/rpc.ours")" \
    '^notify \["update2", \["m2", \{"Bridge": \{"br1": \{"delete": null\}, "br2": \{"insert": \{"name": "br2"\}\}\}\}\]\]' \
    "update2 under the new id, before the reply"

# (A server that does not exit is killed after 30 s, failing the check.)
kill "$ours_pid"
(sleep 30; kill -9 "$ours_pid" 2>/dev/null) &
watchdog=$!
wait "$ours_pid"
is "$?" 0 "vsdb-server exits 0 on SIGTERM"
kill "$watchdog" 2>/dev/null
rm -f "$T/ours/pid"
grep -q "Sanitizer\|runtime error" "$T/ours/stderr"
ok $((! $?)) "vsdb-server's stderr has no sanitizer report"
grep -A20 "Sanitizer\|runtime error" "$T/ours/stderr" | head -40 | sed 's/^/# /'

done_testing
