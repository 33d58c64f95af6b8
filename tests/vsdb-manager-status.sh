#! /bin/sh
# vsdb-manager-status.sh -- the Manager rows' status, written back by
# vsdb-server as by a stock ovsdb-server: "is_connected" and the "status"
# map every 2.5 s, for passive managers (ptcp:, with clients) and active
# ones (tcp:, towards a passive stock ovsdb-client, holding and waiting
# for a lock), while connected and after the peer has gone.  The same
# steps run against vsdb-server and a stock ovsdb-server on our schema;
# what ovs-vsctl shows must agree (uuids, ports and seconds normalised).
# The status columns are ephemeral: unchanged values commit nothing, the
# file does not grow, and after a restart the old status is gone.  Needs
# openvswitch-switch and python3 (to find free ports); no root, loopback
# only.
. "${top_srcdir:-.}/tests/tap.sh"

SCHEMA=$top_srcdir/vswitch/vswitch.ovsschema
SERVER=$top_builddir/vswitch/vsdb-server

require_programs ovsdb-server ovsdb-tool ovsdb-client ovs-vsctl python3
[ -x "$SERVER" ] || skip_all "$SERVER not built"

T=$TMPDIR_TEST
OURS=unix:$T/ours/db.sock
STOCK=unix:$T/stock/db.sock
MANAGERS=db:Open_vSwitch,Open_vSwitch,manager_options

bg_pids=""
ours_pid=""
cleanup() {
    for pid in $bg_pids $ours_pid; do
        kill "$pid" 2>/dev/null
    done
    stop_pidfile "$T/stock/ovsdb-server.pid"
}
at_exit cleanup

# vsdb-server in the foreground, so that its stderr (with what a sanitizer
# build reports at exit: leaks) is kept; ready once its pid file is.
ours_start() {
    rm -f "$T/ours/vsdb-server.pid"
    "$SERVER" --remote="punix:$T/ours/db.sock" --remote=$MANAGERS \
        --unixctl=none --pidfile="$T/ours/vsdb-server.pid" \
        --log-file="$T/ours/vsdb-server.log" --schema="$SCHEMA" \
        "$T/ours/conf.db" 2>>"$T/ours/stderr" &
    ours_pid=$!
    wait_until 10 test -s "$T/ours/vsdb-server.pid"
}
ours_stop() {
    kill "$ours_pid" && wait "$ours_pid"
    st=$?
    ours_pid=""
    return $st
}
stock_start() {
    ovsdb-server "$T/stock/conf.db" --remote="punix:$T/stock/db.sock" \
        --remote=$MANAGERS --unixctl="$T/stock/ovsdb-server.ctl" \
        --pidfile="$T/stock/ovsdb-server.pid" --detach --no-chdir \
        --log-file="$T/stock/ovsdb-server.log" 2>>"$T/stock/start.log"
}

# vsctl DB ARGS...: stock ovs-vsctl against DB.
vsctl() {
    db=$1
    shift
    ovs-vsctl --db="$db" --no-wait "$@"
}
# mgr DB TARGET COLUMN: COLUMN of DB's Manager row for TARGET.
mgr() {
    u=$(vsctl "$1" --bare --columns=_uuid find Manager "target=\"$2\"") &&
        [ -n "$u" ] && vsctl "$1" get Manager "$u" "$3"
}
mgr_is() { [ "$(mgr "$1" "$2" "$3" 2>/dev/null)" = "$4" ]; }
mgr_like() { mgr "$1" "$2" "$3" 2>/dev/null | grep -Eq -- "$4"; }
# The status with its numbers normalised: ports and seconds vary.
norm_status() {
    sed -E 's/(bound_port|sec_since_[a-z]+)="[0-9]+"/\1=N/g'
}
# same_status TARGET_OURS TARGET_STOCK DESCRIPTION: the Manager rows'
# status on both servers, compared (normalised).
same_status() {
    is "$(mgr "$OURS" "$1" status | norm_status)" \
        "$(mgr "$STOCK" "$2" status | norm_status)" "$3"
}
# ovs-vsctl output with uuids and loopback ports normalised.
norm() {
    sed -E -e 's/[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}/UUID/g' \
        -e 's/127\.0\.0\.1:[0-9]+/127.0.0.1:PORT/g'
}
# both COMMAND ARGS...: COMMAND DB ARGS... for our server, then stock's.
both() {
    cmd=$1
    shift
    "$cmd" "$OURS" "$@" && "$cmd" "$STOCK" "$@"
}
# A passive stock ovsdb-client on a free port running "$@" (e.g. lock
# NAME), listening before this returns; sets $peer_port and $peer_pid.
peer() {
    peer_port=$(free_port)
    ovsdb-client "$1" "ptcp:$peer_port:127.0.0.1" "$2" >"$T/peer.$peer_port" \
        2>&1 &
    peer_pid=$!
    bg_pids="$bg_pids $peer_pid"
    wait_until 5 grep -q 'waiting for connection' "$T/peer.$peer_port"
}
row_version() {
    ovsdb-client transact "$1" '["Open_vSwitch",{"op":"select",
        "table":"Manager","where":[],"columns":["_version"]}]'
}
file_size() { wc -c <"$1"; }

mkdir -p "$T/ours" "$T/stock"
ours_start
ok $? "vsdb-server starts with managers from the database"
ovsdb-tool create "$T/stock/conf.db" "$SCHEMA" && stock_start
ok $? "a stock ovsdb-server serves the same schema and managers"
both vsctl init
ok $? "ovs-vsctl init on both"

# ------------------------------------------------------------------------
# A passive manager on port 0: its status tells the port picked.
both vsctl set-manager ptcp:0:127.0.0.1
P=ptcp:0:127.0.0.1
wait_until 10 both mgr_like $P status 'bound_port="[0-9]+"'
ok $? "ptcp:0: status:bound_port written within the status interval"
same_status "$P" "$P" "... the same status as stock, no client"
is "$(mgr "$OURS" $P status | sed 's/bound_port="[0-9]*", //')" \
    '{sec_since_connect="0", sec_since_disconnect="0"}' \
    "... with stock's zero seconds for a listener"
is "$(mgr "$OURS" $P is_connected)" false "... is_connected false"
port_ours=$(mgr "$OURS" $P status:bound_port | tr -d '"')
port_stock=$(mgr "$STOCK" $P status:bound_port | tr -d '"')
grep -q "listening on ptcp:$port_ours:127.0.0.1" "$T/ours/vsdb-server.log"
ok $? "... bound_port is the port the listener has"

# Nothing changes while nothing happens: no commit, no update.
v=$(row_version "$OURS")
ovsdb-client monitor "$OURS" Open_vSwitch Manager is_connected,status \
    >"$T/quiet.mon" 2>&1 &
mpid=$!
bg_pids="$bg_pids $mpid"
wait_until 5 grep -q ptcp "$T/quiet.mon"
lines=$(wc -l <"$T/quiet.mon")
sleep 5.2
is "$(row_version "$OURS")" "$v" \
    "an unchanged status over two intervals: the row's _version stays"
is "$(wc -l <"$T/quiet.mon")" "$lines" "... and monitors get no update"
kill $mpid

# Clients on the listener.
clients=""
client() {
    ovsdb-client monitor "tcp:127.0.0.1:$1" Open_vSwitch Bridge name \
        >/dev/null 2>&1 &
    clients="$clients $!"
    bg_pids="$bg_pids $!"
}
client "$port_ours"
client "$port_stock"
wait_until 10 both mgr_is $P is_connected true
ok $? "a client on the listener: is_connected true"
is "$(vsctl "$OURS" show | norm)" "$(vsctl "$STOCK" show | norm)" \
    "... ovs-vsctl show as with stock"
like "$(vsctl "$OURS" show)" 'is_connected: true' \
    "... which says is_connected: true"
is "$(vsctl "$OURS" --columns=target,is_connected list Manager)" \
    "$(vsctl "$STOCK" --columns=target,is_connected list Manager)" \
    "... list Manager target,is_connected as with stock"
same_status "$P" "$P" "... status as with stock"
client "$port_ours"
client "$port_stock"
wait_until 10 both mgr_like $P status 'n_connections="2"'
ok $? "two clients: status:n_connections 2"
same_status "$P" "$P" "... status as with stock"
# shellcheck disable=SC2086
kill $clients
wait_until 10 both mgr_is $P is_connected false
ok $? "the clients gone: is_connected false"
same_status "$P" "$P" "... status as with stock"

# ------------------------------------------------------------------------
# Active managers towards passive ovsdb-clients that take a lock.
peer lock lk1
a_ours=tcp:127.0.0.1:$peer_port apid_ours=$peer_pid
peer lock lk1
a_stock=tcp:127.0.0.1:$peer_port apid_stock=$peer_pid
vsctl "$OURS" set-manager "$a_ours" && vsctl "$STOCK" set-manager "$a_stock"
ok $? "set-manager tcp: to a passive ovsdb-client (lock lk1) on both"
ovsdb-client monitor "$OURS" Open_vSwitch Manager target,status \
    >"$T/ours.mon" 2>&1 &
bg_pids="$bg_pids $!"
wait_until 10 mgr_like "$OURS" "$a_ours" status locks_held &&
    wait_until 10 mgr_like "$STOCK" "$a_stock" status locks_held
ok $? "connected: status:locks_held written on both"
is "$(vsctl "$OURS" show | norm)" "$(vsctl "$STOCK" show | norm)" \
    "... ovs-vsctl show as with stock"
is "$(vsctl "$OURS" --columns=target,is_connected list Manager | norm)" \
    "$(vsctl "$STOCK" --columns=target,is_connected list Manager | norm)" \
    "... list Manager target,is_connected as with stock"
same_status "$a_ours" "$a_stock" "... status as with stock"
is "$(mgr "$OURS" "$a_ours" status:state)" ACTIVE "... state ACTIVE"

# A second manager, whose peer waits for the lock.
# add_manager DB TARGET
add_manager() {
    vsctl "$1" add Open_vSwitch . manager_options @m \
        -- --id=@m create Manager target="\"$2\"" >/dev/null
}
peer lock lk1
b_ours=tcp:127.0.0.1:$peer_port
peer lock lk1
b_stock=tcp:127.0.0.1:$peer_port
add_manager "$OURS" "$b_ours" && add_manager "$STOCK" "$b_stock"
ok $? "a second manager, to a peer that waits for lock lk1, on both"
wait_until 10 mgr_like "$OURS" "$b_ours" status locks_waiting &&
    wait_until 10 mgr_like "$STOCK" "$b_stock" status locks_waiting
ok $? "a second manager: status:locks_waiting on both"
same_status "$b_ours" "$b_stock" "... status as with stock"

# The first peer goes: the second one gets the lock.
kill "$apid_ours" "$apid_stock"
wait_until 10 mgr_is "$OURS" "$a_ours" is_connected false &&
    wait_until 10 mgr_is "$STOCK" "$a_stock" is_connected false
ok $? "the first peer gone: is_connected false on both"
wait_until 10 mgr_like "$OURS" "$a_ours" status sec_since_disconnect &&
    wait_until 10 mgr_like "$STOCK" "$a_stock" status sec_since_disconnect
ok $? "... status:sec_since_disconnect written"
same_status "$a_ours" "$a_stock" \
    "... status as with stock (state, no last_error)"
is "$(mgr "$OURS" "$a_ours" status:state)" BACKOFF "... state BACKOFF"
wait_until 10 mgr_like "$OURS" "$b_ours" status locks_held &&
    wait_until 10 mgr_like "$STOCK" "$b_stock" status locks_held
ok $? "... the second manager's peer now holds the lock"
same_status "$b_ours" "$b_stock" "... status as with stock"
is "$(vsctl "$OURS" show | norm | sort)" \
    "$(vsctl "$STOCK" show | norm | sort)" "... ovs-vsctl show as with stock"
grep -q BACKOFF "$T/ours.mon"
ok $? "a monitor of the Manager table saw the status change"

# The seconds change every interval; the file stays as it is.
s1=$(mgr "$OURS" "$a_ours" status:sec_since_disconnect)
size_ours=$(file_size "$T/ours/conf.db")
size_stock=$(file_size "$T/stock/conf.db")
sleep 5.2
s2=$(mgr "$OURS" "$a_ours" status:sec_since_disconnect)
[ "$s1" != "$s2" ]
ok $? "status rewritten over two intervals ($s1 -> $s2 seconds)"
is "$(file_size "$T/ours/conf.db")" "$size_ours" \
    "... without the database file growing"
is "$(file_size "$T/stock/conf.db")" "$size_stock" "... (as with stock)"

# A client's transaction that changes only ephemeral columns (as a switch
# writing link states does) is not written either; one that also changes
# a persistent column is.
vsctl "$OURS" set Manager "$a_ours" is_connected=true
ok $? "a client sets an ephemeral column (Manager is_connected)"
is "$(file_size "$T/ours/conf.db")" "$size_ours" \
    "... and the database file does not grow"
vsctl "$OURS" set Manager "$a_ours" status:probe=1 \
    other_config:note=persisted
[ "$(file_size "$T/ours/conf.db")" -gt "$size_ours" ]
ok $? "with a persistent column too, it is written"

# ------------------------------------------------------------------------
# A restart: nothing of the status was in the file.
ours_stop
ok $? "vsdb-server exits cleanly"
stop_pidfile "$T/stock/ovsdb-server.pid"
grep -v '"format":"xsvdb-log"' "$T/ours/conf.db" >"$T/records"
! grep -Eq 'is_connected|sec_since|locks_held|bound_port' "$T/records"
ok $? "the file holds no status"
"$top_builddir/vswitch/vsdb-tool" check "$T/ours/conf.db" >/dev/null
ok $? "... and is whole (vsdb-tool check)"
ours_start && stock_start
ok $? "both servers restart"
# The passive peers exit when the connection ends: the managers never
# connect again, and a restarted server has no times to tell.
for t in "$a_ours" "$b_ours"; do
    wait_until 10 mgr_is "$OURS" "$t" status '{state=BACKOFF}'
    ok $? "$t: status {state=BACKOFF}, the old times and locks gone"
    is "$(mgr "$OURS" "$t" is_connected)" false "... is_connected false"
done
wait_until 10 mgr_is "$STOCK" "$a_stock" status '{state=BACKOFF}' &&
    wait_until 10 mgr_is "$STOCK" "$b_stock" status '{state=BACKOFF}'
ok $? "... as with stock"

ours_stop
ok $? "vsdb-server exits cleanly"
! grep -Eq 'Sanitizer|runtime error' "$T/ours/stderr"
ok $? "no sanitizer report (leaks) from either run"
grep -E -A12 'Sanitizer|runtime error' "$T/ours/stderr" | sed 's/^/# /'
done_testing
