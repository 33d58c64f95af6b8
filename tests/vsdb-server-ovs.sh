#! /bin/sh
# vsdb-server-ovs.sh -- vsdb-server against stock Open vSwitch clients.
# The session of tests/vsctl-script.sh runs with stock ovs-vsctl against
# vsdb-server and against a stock ovsdb-server, both on our schema; the
# normalised transcripts must be identical.  Then ovsdb-client dump and
# monitor, the control socket (stock ovs-appctl), a blocking "wait", locks,
# persistence across a restart and a SIGKILL, and malformed input.  Needs
# openvswitch-switch; no root, no network beyond loopback.
. "${top_srcdir:-.}/tests/tap.sh"
. "$top_srcdir/tests/ovs-sandbox.sh"

SCHEMA=$top_srcdir/vswitch/vswitch.ovsschema
SCRIPT=$top_srcdir/tests/vsctl-script.sh
SERVER=$top_builddir/vswitch/vsdb-server

ovs_available || skip_all "Open vSwitch (openvswitch-switch) not installed"
require_programs ovsdb-tool ovsdb-client ovs-vsctl ovs-appctl
[ -x "$SERVER" ] || skip_all "$SERVER not built"

T=$TMPDIR_TEST
OURS=unix:$T/ours/db.sock
STOCK=unix:$T/stock/db.sock
XSV_RUNDIR=$T/ours XSV_DBDIR=$T/ours XSV_LOGDIR=$T/ours XSV_SCHEMA=$SCHEMA
export XSV_RUNDIR XSV_DBDIR XSV_LOGDIR XSV_SCHEMA

# wait_dead PID: after a SIGKILL, waits (up to 10 s) until the process has
# exited -- gone, or a zombie (its files and locks released) -- so that a
# restart does not race with it.
wait_dead() {
    n=0
    while [ $n -lt 1000 ] && alive "$1"; do
        sleep 0.01
        n=$((n + 1))
    done
}
bg_pids=""
cleanup() {
    for pid in $bg_pids; do
        kill "$pid" 2>/dev/null
    done
    stop_pidfile "$T/ours/vsdb-server.pid"
    stop_pidfile "$T/stock/ovsdb-server.pid"
    stop_pidfile "$T/ssl/vsdb-server.pid"
}
at_exit cleanup

# vsdb-server on $T/ours/conf.db, punix: and ptcp: on a free port.
ours_start() {
    rm -f "$T/ours/vsdb-server.log"
    "$SERVER" --remote="punix:$T/ours/db.sock" --remote=ptcp:0:127.0.0.1 \
        --pidfile --detach --log-file -vdbg "$T/ours/conf.db" \
        2>>"$T/ours/start.log"
}
ours_port() {
    sed -n 's/.*listening on ptcp:\([0-9]*\):.*/\1/p' \
        "$T/ours/vsdb-server.log" | tail -1
}

mkdir -p "$T/ours" "$T/stock"
ours_start
ok $? "vsdb-server starts, creating its database file"
[ -s "$T/ours/start.log" ] && sed 's/^/# /' "$T/ours/start.log"
[ -f "$T/ours/conf.db" ]
ok $? "... with the built-in schema"
"$SERVER" --help | grep -q 'Not implemented'
ok $? "--help says what is not implemented"

ovsdb-tool create "$T/stock/conf.db" "$SCHEMA" &&
    ovsdb-server "$T/stock/conf.db" --remote="punix:$T/stock/db.sock" \
        --unixctl="$T/stock/ovsdb-server.ctl" \
        --pidfile="$T/stock/ovsdb-server.pid" --detach --no-chdir \
        --log-file="$T/stock/ovsdb-server.log" 2>>"$T/stock/start.log"
ok $? "a stock ovsdb-server serves the same schema"

is "$(ovsdb-client list-dbs "$OURS" | tr '\n' ' ')" \
    "$(ovsdb-client list-dbs "$STOCK" | tr '\n' ' ')" "list_dbs"
ovsdb-client get-schema "$OURS" Open_vSwitch >"$T/schema.ours"
ovsdb-client get-schema "$STOCK" Open_vSwitch >"$T/schema.stock"
is "$(ovsdb-client get-schema-version "$OURS")" \
    "$(ovsdb-client get-schema-version "$STOCK")" "get_schema"
is "$(ovsdb-client list-tables "$OURS" | sort)" \
    "$(ovsdb-client list-tables "$STOCK" | sort)" "... the same tables"

# The session, against both.
: >"$T/spec"
for t in $(ovsdb-client --format=csv list-tables "$STOCK" | sed 1d); do
    echo "$t $(ovsdb-client --format=csv list-columns "$STOCK" Open_vSwitch \
        "$t" | sed 1d | cut -d, -f1 | grep -v '^_version$' | sort |
        tr '\n' ' ')" >>"$T/spec"
done
sh "$SCRIPT" -d "$T/spec" ovs-vsctl "$OURS" >"$T/ours.txt" 2>"$T/ours.err"
ok $? "vsctl-script.sh against vsdb-server: every exit status as expected"
sed 's/^/# /' "$T/ours.err"
sh "$SCRIPT" -d "$T/spec" ovs-vsctl "$STOCK" >"$T/stock.txt" 2>"$T/stock.err"
ok $? "vsctl-script.sh against stock ovsdb-server: likewise"
sed 's/^/# /' "$T/stock.err"
n=$(grep -c '^\$ vsctl ' "$T/ours.txt")
[ "$n" -ge 40 ]
ok $? "the session has at least 40 commands ($n)"
total=$(wc -l <"$T/stock.txt")
differ=$(diff "$T/stock.txt" "$T/ours.txt" | grep -c '^>')
echo "# transcript: $total lines; $differ differ"
same_file "$T/stock.txt" "$T/ours.txt" "the two transcripts are identical"

vsctl() { ovs-vsctl --db="$OURS" --no-wait "$@"; }

# ovsdb-client over TCP.
port=$(ours_port)
ovsdb-client dump "tcp:127.0.0.1:$port" >"$T/dump" 2>&1
ok $? "ovsdb-client dump over ptcp:"
like "$(cat "$T/dump")" '^Open_vSwitch table' "... shows the Open_vSwitch table"
ovsdb-client dump "$OURS" Open_vSwitch Bridge name >"$T/dump.ours" 2>&1
ovsdb-client dump "$STOCK" Open_vSwitch Bridge name >"$T/dump.stock" 2>&1
is "$(sort "$T/dump.ours")" "$(sort "$T/dump.stock")" \
    "ovsdb-client dump Bridge name: as the stock server"

monitor() {
    cond=""
    [ "$1" = monitor-cond ] && cond='[["name","!=","nosuch"]]'
    ovsdb-client --format=csv "$1" "$OURS" Open_vSwitch $cond Bridge name \
        >"$T/$1" 2>&1 &
    mpid=$!
    bg_pids="$bg_pids $mpid"
    n=0
    until grep -q initial "$T/$1" || [ $n -ge 50 ]; do
        sleep 0.1
        n=$((n + 1))
    done
    vsctl add-br "$2"
    n=0
    until grep -q "$2" "$T/$1" || [ $n -ge 50 ]; do
        sleep 0.1
        n=$((n + 1))
    done
    vsctl del-br "$2"
    n=0
    until grep -q 'delete' "$T/$1" || [ $n -ge 50 ]; do
        sleep 0.1
        n=$((n + 1))
    done
    kill "$mpid" 2>/dev/null
    wait "$mpid" 2>/dev/null
}
for kind in monitor monitor-cond; do
    bridge=xenbr7$(echo $kind | tr -d -c c)
    monitor $kind "$bridge"
    like "$(cat "$T/$kind")" '^"?row"?,"?action"?,"?name"?' \
        "ovsdb-client $kind: a header"
    like "$(cat "$T/$kind")" ',initial,"?xenbr0"?$' "... the rows there were"
    like "$(cat "$T/$kind")" ",insert,\"?$bridge\"?\$" "... a bridge added"
    like "$(cat "$T/$kind")" ',delete,' "... and deleted"
done

# A "wait" blocks until another client's commit satisfies it.
ovsdb-client transact "$OURS" '["Open_vSwitch",
    {"op":"wait","table":"Bridge","where":[["name","==","xenbr9"]],
     "columns":["name"],"until":"==","rows":[{"name":"xenbr9"}],
     "timeout":10000}]' >"$T/wait" 2>&1 &
wpid=$!
bg_pids="$bg_pids $wpid"
sleep 0.5
kill -0 $wpid 2>/dev/null
ok $? "a wait on a missing row blocks"
vsctl add-br xenbr9
wait $wpid
ok $? "... and completes once another client adds it"
is "$(cat "$T/wait")" '[{}]' "... with an empty result"
ovsdb-client transact "$OURS" '["Open_vSwitch",
    {"op":"wait","table":"Bridge","where":[["name","==","nosuch"]],
     "columns":["name"],"until":"==","rows":[{"name":"nosuch"}],
     "timeout":300}]' >"$T/wait" 2>&1
like "$(cat "$T/wait")" '"timed out"' "a wait times out"

# Locks: ovsdb-client lock holds one; a second waits.
ovsdb-client lock "$OURS" mylock >"$T/lock1" 2>&1 &
l1=$!
bg_pids="$bg_pids $l1"
sleep 0.3
ovsdb-client lock "$OURS" mylock >"$T/lock2" 2>&1 &
l2=$!
bg_pids="$bg_pids $l2"
sleep 0.3
like "$(cat "$T/lock1")" '"locked":true' "lock: the first client gets it"
like "$(cat "$T/lock2")" '"locked":false' "... the second waits"
kill $l1
wait $l1 2>/dev/null
sleep 0.3
like "$(cat "$T/lock2")" '^locked$' "... and gets it when the first goes"
sed 's/^/# lock2: /' "$T/lock2"
kill $l2
wait $l2 2>/dev/null

# Malformed input: an error or a disconnection, never a crash.
for junk in '{"method":"echo"' '[1,2]' '{"id":1,"method":"bogus","params":[]}' \
    '{"id":1,"method":"transact","params":["nodb"]}' \
    '{"id":1,"method":"transact","params":["Open_vSwitch",{"op":"insert","table":"nosuch","row":{}}]}' \
    '{"id":1,"method":"monitor","params":["Open_vSwitch",1,{"nosuch":{}}]}' \
    "$(printf '[%.0s' $(seq 2000))"; do
    python3 -c 'import socket,sys
s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(sys.argv[2].encode()); s.settimeout(1)
try: s.recv(65536)
except Exception: pass' "$T/ours/db.sock" "$junk" 2>/dev/null
done
kill -0 "$(cat "$T/ours/vsdb-server.pid")"
ok $? "malformed requests do not kill the server"

# The control socket, with stock ovs-appctl.
ctl=$T/ours/vsdb-server.ctl
like "$(ovs-appctl -t "$ctl" version)" 'vsdb-server' "ovs-appctl version"
ovs-appctl -t "$ctl" ovsdb-server/compact >/dev/null
ok $? "ovs-appctl ovsdb-server/compact"

# Persistence: a clean restart, then SIGKILL after acknowledged commits.
before=$(vsctl list-br | tr '\n' ' ')
ovs-appctl -t "$ctl" exit
n=0
while [ $n -lt 50 ] && [ -e "$T/ours/vsdb-server.pid" ]; do
    sleep 0.1
    n=$((n + 1))
done
[ ! -e "$T/ours/vsdb-server.pid" ]
ok $? "ovs-appctl exit stops the server"
ours_start
ok $? "vsdb-server restarts"
is "$(vsctl list-br | tr '\n' ' ')" "$before" "... with the same bridges"
vsctl add-br kill1 -- add-br kill2 &&
    vsctl set Bridge kill1 other_config:x=1
ok $? "commits acknowledged"
pid=$(cat "$T/ours/vsdb-server.pid")
kill -9 "$pid"
wait_dead "$pid"
ours_start
ok $? "vsdb-server starts after SIGKILL"
is "$(vsctl get Bridge kill1 other_config:x)" '"1"' \
    "... every acknowledged transaction is there"
like "$(vsctl list-br | tr '\n' ' ')" 'kill1 kill2' "... both bridges"

# Kill -9 in a loop while a client commits.
cycles=${VSDB_KILL_CYCLES:-20}
lost=0
i=0
while [ $i -lt "$cycles" ]; do
    if vsctl --timeout=5 add-br "k$i" 2>/dev/null; then
        echo "k$i" >>"$T/acked"
    fi
    pid=$(cat "$T/ours/vsdb-server.pid")
    kill -9 "$pid"
    wait_dead "$pid"
    ours_start || { echo "# restart failed at cycle $i:"; sed 's/^/#   /' "$T/ours/start.log" | tail -5; break; }
    i=$((i + 1))
done
is "$i" "$cycles" "$cycles kill -9 cycles"
vsctl list-br >"$T/after"
for b in $(cat "$T/acked" 2>/dev/null); do
    grep -qx "$b" "$T/after" || lost=$((lost + 1))
done
is "$lost" 0 "... no acknowledged transaction lost"

# pssl:, with test certificates, and stock ovsdb-client over ssl:.
. "$top_srcdir/tests/certs.sh"
mkdir -p "$T/ssl"
c=$T/ssl
if make_test_certs "$c" &&
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
        -keyout "$c/client.key" -out "$c/client.csr" -subj "/CN=client" \
        >>"$c/openssl.log" 2>&1 &&
    printf '%s\n' 'basicConstraints=CA:FALSE' \
        'extendedKeyUsage=clientAuth,serverAuth' >"$c/client.ext" &&
    openssl x509 -req -in "$c/client.csr" -CA "$c/ca.pem" -CAkey "$c/ca.key" \
        -CAcreateserial -out "$c/client.pem" -days 2 \
        -extfile "$c/client.ext" >>"$c/openssl.log" 2>&1; then
    "$SERVER" --remote=pssl:0:127.0.0.1 --unixctl=none \
        --pidfile="$c/vsdb-server.pid" --log-file="$c/vsdb-server.log" \
        --detach --private-key="$c/server.key" \
        --certificate="$c/server.pem" --ca-cert="$c/ca.pem" "$c/conf.db" \
        2>>"$c/start.log"
    ok $? "vsdb-server with a pssl: remote"
    sport=$(sed -n 's/.*listening on pssl:\([0-9]*\):.*/\1/p' \
        "$c/vsdb-server.log")
    ssl="--private-key=$c/client.key --certificate=$c/client.pem --ca-cert=$c/ca.pem"
    is "$(ovsdb-client $ssl list-dbs "ssl:127.0.0.1:$sport" | tr '\n' ' ')" \
        "Open_vSwitch _Server " "ovsdb-client list-dbs over ssl:"
    ovs-vsctl $ssl --db="ssl:127.0.0.1:$sport" --no-wait init -- add-br s0 &&
        [ "$(ovs-vsctl $ssl --db="ssl:127.0.0.1:$sport" list-br)" = s0 ]
    ok $? "ovs-vsctl over ssl:"
else
    ok 0 "# SKIP openssl could not make test certificates"
    ok 0 "# SKIP"
    ok 0 "# SKIP"
fi

done_testing
