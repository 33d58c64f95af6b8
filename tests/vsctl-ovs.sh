#! /bin/sh
# vsctl-ovs.sh -- our vsctl against stock Open vSwitch.  The session of
# tests/vsctl-script.sh runs twice, each time against a fresh stock
# ovsdb-server serving our schema (vswitch/vswitch.ovsschema): once with
# stock ovs-vsctl, once with our vswitch/vsctl; the normalised transcripts
# must be identical, line for line (stock ovs-vsctl prints the columns of
# its compiled-in schema; ours has every one it shows, so nothing is left
# out of the comparison).  Then interface-reconfigure's switch
# transactions (those of tests/ifr-scenarios.sh) run through both programs
# against fresh databases, and the database dumps must match.  Needs
# openvswitch-switch; no root, no network.
. "${top_srcdir:-.}/tests/tap.sh"
. "$top_srcdir/tests/ovs-sandbox.sh"

SCHEMA=$top_srcdir/vswitch/vswitch.ovsschema
SCRIPT=$top_srcdir/tests/vsctl-script.sh
VSCTL=$top_builddir/vswitch/vsctl

ovs_available || skip_all "Open vSwitch (openvswitch-switch) not installed"
require_programs ovsdb-tool ovsdb-client ovs-vsctl
[ -x "$VSCTL" ] || skip_all "$VSCTL not built"

T=$TMPDIR_TEST
dirs=""

# db_start DIR: a private stock ovsdb-server on a new database (our schema).
db_start() {
    mkdir -p "$1" &&
    ovsdb-tool create "$1/conf.db" "$SCHEMA" &&
    OVS_RUNDIR=$1 OVS_LOGDIR=$1 OVS_DBDIR=$1 \
        ovsdb-server "$1/conf.db" --remote="punix:$1/db.sock" \
        --unixctl="$1/ovsdb-server.ctl" --pidfile="$1/ovsdb-server.pid" \
        --detach --no-chdir --log-file="$1/ovsdb-server.log" \
        2>>"$1/start.log" &&
    dirs="$dirs $1"
}

db_stop() {
    stop_pidfile "$1/ovsdb-server.pid"
}

cleanup() {
    for dir in $dirs; do
        db_stop "$dir"
    done
}
at_exit cleanup

ok $? "setup"
"$VSCTL" --version | grep -q vsctl
ok $? "vsctl --version"
"$VSCTL" --help | grep -q "Not implemented"
ok $? "vsctl --help says what is not implemented"

# ---------------------------------------------------------------------------
# The session, twice.
db_start "$T/stock" && db_start "$T/ours"
ok $? "two stock ovsdb-servers serve our schema"
sh "$SCRIPT" ovs-vsctl "unix:$T/stock/db.sock" >"$T/stock.txt" 2>"$T/stock.err"
ok $? "the session with stock ovs-vsctl"
sed 's/^/# /' "$T/stock.err"
sh "$SCRIPT" "$VSCTL" "unix:$T/ours/db.sock" >"$T/ours.txt" 2>"$T/ours.err"
ok $? "the session with our vsctl (every exit status as expected)"
sed 's/^/# /' "$T/ours.err"

if diff -u "$T/stock.txt" "$T/ours.txt" >"$T/diff"; then
    ok 0 "the transcripts are identical"
else
    ok 1 "the transcripts are identical"
    sed 's/^/# /' "$T/diff" | head -60
fi
n_cmds=$(grep -c '^\$ vsctl' "$T/ours.txt")
n_lines=$(wc -l <"$T/ours.txt")
echo "# $n_cmds commands, $n_lines transcript lines compared"

# ---------------------------------------------------------------------------
# Two VLAN bridges on one parent and VLAN, which only a database edited by
# hand can hold: both programs list both and warn, the same words, about
# the one they saw second (which of the two that is follows the ports'
# uuids, so the names are compared as a pair).
db_start "$T/vlan" &&
    ovs-vsctl --db="unix:$T/vlan/db.sock" --no-wait init -- add-br xenbr3 \
        -- add-br xapi7 xenbr3 7 \
        -- --id=@i create Interface name=xapi8 type=internal \
        -- --id=@p create Port name=xapi8 fake_bridge=true tag=7 \
           interfaces=@i -- add Bridge xenbr3 ports @p >/dev/null
ok $? "a database with two VLAN bridges for VLAN 7 of xenbr3"
for prog in ovs-vsctl "$VSCTL"; do
    name=$(basename "$prog")
    "$prog" --db="unix:$T/vlan/db.sock" --no-wait list-br \
        >"$T/vlan.$name.out" 2>"$T/vlan.$name.err"
    echo "exit $?" >>"$T/vlan.$name.out"
    sed -E 's/^[0-9T:-]+Z\|[0-9]+\|//
            s/\((xapi7 and xapi8|xapi8 and xapi7)\)/(<two>)/' \
        "$T/vlan.$name.err" >"$T/vlan.$name.warn"
done
same_file "$T/vlan.ovs-vsctl.out" "$T/vlan.vsctl.out" \
    "list-br: both VLAN bridges, as with ovs-vsctl"
grep -qx 'vsctl|WARN|xenbr3: bridge has multiple VLAN bridges (<two>) for VLAN 7, but only one is allowed' \
    "$T/vlan.vsctl.warn"
ok $? "vsctl warns of the second VLAN bridge"
same_file "$T/vlan.ovs-vsctl.warn" "$T/vlan.vsctl.warn" \
    "... as ovs-vsctl does, as many times"

# ---------------------------------------------------------------------------
# interface-reconfigure's transactions (tests/ifr-scenarios.sh), through
# both programs, on fresh databases: the dumps must match.  UUIDs are
# replaced by one placeholder and the lines sorted.
ifr1='--with-iface --if-exists del-port eth2 -- --may-exist add-br xenbr2 -- --may-exist add-port xenbr2 eth2 -- set Bridge xenbr2 other-config:hwaddr="00:15:17:a0:29:80" -- set Bridge xenbr2 fail_mode=secure -- remove Bridge xenbr2 other_config disable-in-band -- br-set-external-id xenbr2 xs-network-uuids 8d116ece-1738-47d9-bd9c-172411e20b8f'
ifr1d='--with-iface --if-exists del-port xenbr2 -- --if-exists del-br xenbr2'
ifr2='--with-iface --if-exists del-port eth3 -- --may-exist add-br xenbr3 -- --may-exist add-port xenbr3 eth3 -- set Bridge xenbr3 other-config:hwaddr="00:15:17:a0:29:81" -- set Bridge xenbr3 fail_mode=secure -- remove Bridge xenbr3 other_config disable-in-band -- br-set-external-id xenbr3 xs-network-uuids a170b338-3926-4059-b28c-105d1fb17c23;18f135d2-5f55-4203-b018-50c5a38fd547 -- --if-exists del-br xapi3 -- --may-exist add-br xapi3 xenbr3 123 -- br-set-external-id xapi3 xs-network-uuids a170b338-3926-4059-b28c-105d1fb17c23;18f135d2-5f55-4203-b018-50c5a38fd547 -- set Interface xapi3 MAC="00:15:17:a0:29:81"'
ifr2d='--with-iface --if-exists del-port xapi3 -- --if-exists del-br xapi3 -- --if-exists del-br xenbr3'
ifr3='--if-exists del-br xenbr0 -- --if-exists del-br xenbr1 -- --with-iface --if-exists del-port eth0 -- --with-iface --if-exists del-port eth1 -- --may-exist add-br xapi1 -- --with-iface --if-exists del-port bond0 -- --fake-iface add-bond xapi1 bond0 eth0 eth1 -- set Port bond0 MAC="00:22:19:22:4b:af" bond_downdelay=200 other-config:bond-miimon-interval=100 bond_updelay=31000 other-config:bond-detect-mode=carrier lacp=off bond_mode=balance-slb -- set Bridge xapi1 other-config:hwaddr="00:22:19:22:4b:af" -- set Bridge xapi1 fail_mode=secure -- remove Bridge xapi1 other_config disable-in-band -- br-set-external-id xapi1 xs-network-uuids 6b4cb242-4a23-4596-a217-beaddbc496cb;ae97ba94-d0ed-482f-8f6d-05584ef8aa38'
ifr3d='--with-iface --if-exists del-port xapi1 -- --if-exists del-br xapi1'
ifr4="$ifr3"' -- --if-exists del-br xapi2 -- --may-exist add-br xapi2 xapi1 4 -- br-set-external-id xapi2 xs-network-uuids 1d0e -- set Interface xapi2 MAC="00:22:19:22:4b:af"'
ifr4d='--with-iface --if-exists del-port xapi2 -- --if-exists del-br xapi2 -- --if-exists del-br xapi1'

# scenario NAME PROGRAM: runs the up transaction, dumps, runs the down
# transaction, dumps, into $T/NAME.PROGRAM.
scenario() {
    dir=$T/$1.$2
    db_start "$dir" || return 1
    prog=$VSCTL
    [ "$2" = stock ] && prog=ovs-vsctl
    eval "up=\$$1; down=\$${1}d"
    {
        # shellcheck disable=SC2086
        set -f
        $prog --db="unix:$dir/db.sock" --no-wait --timeout=20 -vconsole:off \
            -- $up 2>&1
        echo "exit $?"
        ovsdb-client dump "unix:$dir/db.sock"
        $prog --db="unix:$dir/db.sock" --no-wait --timeout=20 -vconsole:off \
            -- $down 2>&1
        echo "exit $?"
        ovsdb-client dump "unix:$dir/db.sock"
        set +f
    } | sed -E 's/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/<u>/g; s/  +/ /g' |
        sort >"$dir.out"
    db_stop "$dir"
}
for s in ifr1 ifr2 ifr3 ifr4; do
    scenario $s stock && scenario $s ours
    if cmp -s "$T/$s.stock.out" "$T/$s.ours.out"; then
        ok 0 "interface-reconfigure $s: same database as with ovs-vsctl"
    else
        ok 1 "interface-reconfigure $s: same database as with ovs-vsctl"
        diff "$T/$s.stock.out" "$T/$s.ours.out" | sed 's/^/# /' | head -20
    fi
done

done_testing
