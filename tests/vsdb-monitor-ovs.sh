#! /bin/sh
# vsdb-monitor-ovs.sh -- the updates vsdb-server's monitors send, compared
# with stock ovsdb-server's.  Stock ovsdb-client watches a server with each
# monitor flavour -- "monitor" (update), "monitor-cond" (update2) and
# "monitor-cond-since" (update3), with and without a condition -- while the
# same sequence of stock ovs-vsctl commands inserts, modifies (scalars,
# sets, maps) and deletes rows; the normalised outputs (row UUIDs
# numbered in order of appearance) must be identical.  Needs
# openvswitch-switch; no root, loopback only.
. "${top_srcdir:-.}/tests/tap.sh"
. "${top_srcdir:-.}/tests/monitor-csv.sh"
. "$top_srcdir/tests/ovs-sandbox.sh"

SCHEMA=$top_srcdir/vswitch/vswitch.ovsschema
SERVER=$top_builddir/vswitch/vsdb-server

ovs_available || skip_all "Open vSwitch (openvswitch-switch) not installed"
require_programs ovsdb-tool ovsdb-client ovs-vsctl ovsdb-server
[ -x "$SERVER" ] || skip_all "$SERVER not built"

T=$TMPDIR_TEST
bg_pids=""
cleanup() {
    for pid in $bg_pids; do
        kill "$pid" 2>/dev/null
    done
    for f in "$T/ours/pid" "$T/stock/pid"; do
        [ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null
    done
}
at_exit cleanup

mkdir -p "$T/ours" "$T/stock"
XSV_RUNDIR=$T/ours XSV_DBDIR=$T/ours XSV_LOGDIR=$T/ours \
    "$SERVER" --schema="$SCHEMA" --remote="punix:$T/ours/db.sock" \
    --pidfile="$T/ours/pid" --unixctl="$T/ours/ctl" --detach --no-chdir \
    --log-file="$T/ours/log" "$T/ours/conf.db" 2>"$T/ours/start.log"
ok $? "vsdb-server starts"
ovsdb-tool create "$T/stock/conf.db" "$SCHEMA" &&
    ovsdb-server "$T/stock/conf.db" --remote="punix:$T/stock/db.sock" \
        --unixctl="$T/stock/ctl" --pidfile="$T/stock/pid" --detach \
        --no-chdir --log-file="$T/stock/log" 2>"$T/stock/start.log"
ok $? "a stock ovsdb-server starts on the same schema"

# The columns watched hold no UUIDs (sets of UUIDs sort by value, which
# differs between servers), so that only row UUIDs need renaming.
BR_COLS=name,external_ids,other_config,fail_mode,datapath_type,stp_enable
PORT_COLS=name,tag,trunks,vlan_mode,external_ids,other_config

# run_session DB: the commands, one transaction each, with a pause after
# each so that every update is a separate output block.
run_session() {
    v() {
        vdb=$1
        shift
        ovs-vsctl --db="$vdb" --no-wait "$@" >/dev/null \
            2>>"$T/session.err"
        sleep 0.15
    }
    db=$1
    v "$db" init
    v "$db" add-br br0
    v "$db" add-br br1 -- set Bridge br1 fail_mode=secure
    v "$db" add-port br0 p1 -- set Port p1 tag=10
    v "$db" set Port p1 tag=20 trunks=1,2,3 vlan_mode=native-tagged
    v "$db" add Port p1 trunks 4 -- remove Port p1 trunks 2
    v "$db" br-set-external-id br0 xs-network-uuids abc
    v "$db" set Bridge br0 other_config:hwaddr=00:11:22:33:44:55 \
        other_config:disable-in-band=true
    v "$db" remove Bridge br0 other_config disable-in-band
    v "$db" set Port p1 external_ids:a=1 external_ids:b=2
    v "$db" clear Port p1 trunks
    v "$db" set Bridge br1 fail_mode=standalone stp_enable=true
    v "$db" del-port p1
    v "$db" add-port br1 p2 -- add-port br1 p3
    v "$db" del-br br1
    v "$db" del-br br0
}


# watch KIND NAME ARGS...: starts "ovsdb-client KIND" against both servers
# (output in $T/NAME.ours and $T/NAME.stock).
watch() {
    kind=$1
    name=$2
    shift 2
    for side in ours stock; do
        ovsdb-client --format=csv "$kind" \
            "unix:$T/$side/db.sock" Open_vSwitch "$@" \
            >"$T/$name.$side" 2>"$T/$name.$side.err" &
        bg_pids="$bg_pids $!"
    done
}

watch monitor mon-br Bridge "$BR_COLS"
watch monitor mon-port Port "$PORT_COLS"
watch monitor-cond cond-br '[["name","!=","br1"]]' Bridge "$BR_COLS"
watch monitor-cond cond-port '[]' Port "$PORT_COLS"
watch monitor-cond-since since-br '[["fail_mode","==",["set",[]]]]' \
    Bridge "$BR_COLS"
watch monitor-cond-since since-port '[]' Port "$PORT_COLS"
sleep 1
run_session "unix:$T/ours/db.sock" &
s1=$!
run_session "unix:$T/stock/db.sock" &
s2=$!
wait $s1
wait $s2
ok "$([ ! -s "$T/session.err" ]; echo $?)" "the session ran on both"
sed 's/^/# /' "$T/session.err" | head -5
sleep 0.5
for pid in $bg_pids; do
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
done
bg_pids=""

for name in mon-br mon-port cond-br cond-port since-br since-port; do
    normalise "$T/$name.ours" >"$T/$name.ours.n"
    normalise "$T/$name.stock" >"$T/$name.stock.n"
    n=$(grep -c . "$T/$name.stock.n")
    [ "$n" -ge 8 ]
    ok $? "$name: stock ovsdb-server's output has $n lines"
    same_file "$T/$name.stock.n" "$T/$name.ours.n" \
        "$name: vsdb-server's is the same"
done

done_testing
