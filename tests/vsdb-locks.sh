#! /bin/sh
# vsdb-locks.sh -- "lock", "steal" and "unlock" on vsdb-server, compared
# with stock ovsdb-server: three JSON-RPC clients (python3) take, wait
# for, steal and release locks, and make every error stock answers; the
# transcripts (each reply, and the "locked"/"stolen" notifications each
# client got) must be the same.  Then the Manager status of a client that
# stole a lock and had it stolen in turn: locks_lost, as stock writes it.
# Needs openvswitch-switch and python3; no root, loopback only.
. "${top_srcdir:-.}/tests/tap.sh"
. "$top_srcdir/tests/ovs-sandbox.sh"

SCHEMA=$top_srcdir/vswitch/vswitch.ovsschema
SERVER=$top_builddir/vswitch/vsdb-server

ovs_available || skip_all "Open vSwitch (openvswitch-switch) not installed"
require_programs ovsdb-tool ovsdb-client ovs-vsctl ovsdb-server python3
[ -x "$SERVER" ] || skip_all "$SERVER not built"

T=$TMPDIR_TEST
cleanup() {
    stop_pidfile "$T/ours/pid"
    stop_pidfile "$T/stock/pid"
}
at_exit cleanup

mkdir -p "$T/ours" "$T/stock"
XSV_RUNDIR=$T/ours XSV_DBDIR=$T/ours XSV_LOGDIR=$T/ours XSV_SCHEMA=$SCHEMA \
    "$SERVER" --remote="punix:$T/ours/db.sock" \
    --remote=db:Open_vSwitch,Open_vSwitch,manager_options \
    --pidfile="$T/ours/pid" --unixctl="$T/ours/ctl" --detach \
    --log-file="$T/ours/log" "$T/ours/conf.db" 2>"$T/ours/start.log"
ok $? "vsdb-server starts"
ovsdb-tool create "$T/stock/conf.db" "$SCHEMA" &&
    ovsdb-server "$T/stock/conf.db" --remote="punix:$T/stock/db.sock" \
        --remote=db:Open_vSwitch,Open_vSwitch,manager_options \
        --unixctl="$T/stock/ctl" --pidfile="$T/stock/pid" --detach \
        --no-chdir --log-file="$T/stock/log" 2>"$T/stock/start.log"
ok $? "a stock ovsdb-server starts on the same schema"

# The session: "CLIENT METHOD ARG..." lines (ARG: JSON, the request's
# params), "CLIENT close", or "status" (after the status interval, the
# Manager rows' target, is_connected and status).  After each step every
# client's notifications so far are printed -- but for a "locked" sent to
# a client that holds the lock already: stock sends one to the owner
# whenever any waiter leaves the queue, which says nothing (vsdb-server
# does not).
cat >"$T/locks.py" <<'PY'
import json, socket, subprocess, sys, time

path, db = sys.argv[1], sys.argv[2]
clients, n = {}, 0
holding = set()                 # (client, lock) pairs

def connect(name):
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    clients[name] = [s, ""]

def recv_all(name, wait):
    s, buf = clients[name]
    s.settimeout(wait)
    msgs = []
    dec = json.JSONDecoder()
    while True:
        b = buf.lstrip()
        try:
            obj, end = dec.raw_decode(b)
            buf = b[end:]
            msgs.append(obj)
            continue
        except ValueError:
            pass
        try:
            data = s.recv(65536)
        except socket.timeout:
            break
        if not data:
            break
        buf += data.decode()
        s.settimeout(0.05)
    clients[name][1] = buf
    return msgs

def report(name, m, lock=None):
    if m.get("method") == "echo":
        return
    if m.get("method") in ("locked", "stolen"):
        key = (name, m["params"][0])
        if m["method"] == "locked":
            if key in holding:
                return
            holding.add(key)
        else:
            holding.discard(key)
    elif lock is not None and m.get("error") is None:
        if (m.get("result") or {}).get("locked"):
            holding.add((name, lock))
        elif m.get("result") == {}:
            holding.discard((name, lock))
    print("%s: %s" % (name, show(m)))

def show(m):
    if "method" in m:
        return "notify %s %s" % (m["method"], json.dumps(m["params"]))
    if m.get("error") is not None:
        return "error %s" % json.dumps(m["error"], sort_keys=True)
    return "result %s" % json.dumps(m["result"], sort_keys=True)

for line in sys.stdin:
    words = line.split(None, 2)
    if not words or words[0].startswith("#"):
        continue
    print("> " + line.strip())
    who = words[0]
    if who == "status":
        time.sleep(3)
        out = subprocess.run(
            ["ovs-vsctl", "--db=" + db, "--no-wait", "--columns=target,"
             "is_connected,status", "list", "Manager"],
            capture_output=True, text=True).stdout
        print("\n".join(l for l in out.splitlines() if l.strip()))
        continue
    if who not in clients:
        connect(who)
    if words[1] == "close":
        clients[who][0].close()
        del clients[who]
        holding = {k for k in holding if k[0] != who}
    else:
        n += 1
        params = json.loads(words[2])
        req = {"method": words[1], "params": params, "id": n}
        clients[who][0].sendall(json.dumps(req).encode())
        lock = params[0] if isinstance(params, list) and params else None
        for m in recv_all(who, 2):
            report(who, m, lock if "id" in m and m["id"] == n else None)
    time.sleep(0.2)
    for name in sorted(clients):
        for m in recv_all(name, 0.05):
            report(name, m)
PY

cat >"$T/locks.in" <<'EOF'
# a holds x; b waits; b and c are told nothing yet.
a lock ["x"]
b lock ["x"]
a lock ["x"]
a steal ["x"]
# c steals x from a, which had asked with "lock": a is told, waits on.
c steal ["x"]
# c unlocks: x goes to a (first in line again), told "locked".
c unlock ["x"]
# b steals from a; then c steals from b, which had stolen it: b's lock is
# lost, out of the queue (a waits on).
b unlock ["x"]
b steal ["x"]
c steal ["x"]
c unlock ["x"]
# b's lost lock is released by its unlock; a lock again is then allowed.
b lock ["x"]
b unlock ["x"]
b unlock ["x"]
b lock ["x"]
# Errors.
a unlock ["nope"]
a lock []
a lock ["x", "y"]
a lock [1]
a lock ["1x"]
a steal ["a-b"]
a unlock [true]
# A client that goes away hands its lock on.
a close
b unlock ["x"]
c lock ["y"]
b lock ["y"]
c close
EOF

for side in ours stock; do
    python3 "$T/locks.py" "$T/$side/db.sock" "unix:$T/$side/db.sock" \
        <"$T/locks.in" >"$T/locks.$side" 2>"$T/locks.$side.err"
    ok $? "the lock session runs against the $side server"
done
n=$(grep -c 'notify stolen' "$T/locks.stock")
[ "$n" -ge 3 ]
ok $? "stock told $n clients their lock was stolen"
same_file "$T/locks.stock" "$T/locks.ours" \
    "vsdb-server's transcript is the same"
sed 's/^/# /' "$T/locks.ours.err" | head -5

# locks_lost in a manager's status: a passive peer (the manager's end)
# steals a lock, and a local client steals it from it.
for side in ours stock; do
    port=$(free_port)
    echo "$port" >"$T/$side.port"
    # The peer: listens, and over the server's connection steals "x".
    python3 - "$port" >"$T/peer.$side" 2>&1 <<'PY' &
import json, socket, sys, time
l = socket.socket()
l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(("127.0.0.1", int(sys.argv[1])))
l.listen(1)
l.settimeout(30)
s, _ = l.accept()
s.sendall(json.dumps({"method": "steal", "params": ["x"], "id": 1}).encode())
s.settimeout(1)
end = time.time() + 25
while time.time() < end:
    try:
        data = s.recv(65536)
    except socket.timeout:
        continue
    if not data:
        break
    for part in data.decode().replace("}{", "}\n{").splitlines():
        m = json.loads(part)
        if m.get("method") == "echo":
            s.sendall(json.dumps({"result": m["params"], "error": None,
                                  "id": m["id"]}).encode())
        else:
            print(json.dumps(m), flush=True)
PY
    echo $! >"$T/peer.$side.pid"
    ovs-vsctl --db="unix:$T/$side/db.sock" --no-wait init -- \
        set-manager "tcp:127.0.0.1:$port"
done
for side in ours stock; do
    wait_until 15 grep -q '"locked": true' "$T/peer.$side"
    ok $? "$side: the manager's peer stole lock x"
done
cat >"$T/lost.in" <<'EOF'
status
z steal ["x"]
status
EOF
for side in ours stock; do
    python3 "$T/locks.py" "$T/$side/db.sock" "unix:$T/$side/db.sock" \
        <"$T/lost.in" 2>&1 | sed -E 's/[0-9]+/N/g' >"$T/lost.$side"
done
grep -q 'locks_lost=x' "$T/lost.stock"
ok $? "stock: the peer's stolen lock is lost in its status"
same_file "$T/lost.stock" "$T/lost.ours" \
    "vsdb-server's status is the same (locks_held, then locks_lost)"
for side in ours stock; do
    kill "$(cat "$T/peer.$side.pid")" 2>/dev/null
done
wait 2>/dev/null

done_testing
