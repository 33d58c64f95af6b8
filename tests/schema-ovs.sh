#! /bin/sh
# schema-ovs.sh -- our Open_vSwitch schema (vswitch/vswitch.ovsschema)
# against stock Open vSwitch tools: a private stock ovsdb-server serves it,
# and stock ovs-vsctl runs the session of tests/vsctl-script.sh on it.  The
# same session runs against a second ovsdb-server holding Open vSwitch's
# own schema, and the two normalised transcripts must be identical: for
# everything the session does, our schema is Open vSwitch's.  The server's
# own checks (constraints, indexes, referential integrity, garbage
# collection) are compared the same way, with raw transactions.  Needs
# openvswitch-switch; no root, no network.
. "${top_srcdir:-.}/tests/tap.sh"
. "$top_srcdir/tests/ovs-sandbox.sh"

SCHEMA=$top_srcdir/vswitch/vswitch.ovsschema
OVS_SCHEMA=/usr/share/openvswitch/vswitch.ovsschema
SCRIPT=$top_srcdir/tests/vsctl-script.sh

ovs_available || skip_all "Open vSwitch (openvswitch-switch) not installed"
require_programs ovsdb-tool ovsdb-client ovs-vsctl

T=$TMPDIR_TEST
OURS=unix:$T/ours/db.sock
STOCK=unix:$T/stock/db.sock

# A private ovsdb-server, its files in DIR, serving a database created
# from SCHEMA.
db_start() {
    mkdir -p "$1" &&
    ovsdb-tool create "$1/conf.db" "$2" &&
    OVS_RUNDIR=$1 OVS_LOGDIR=$1 OVS_DBDIR=$1 \
        ovsdb-server "$1/conf.db" --remote="punix:$1/db.sock" \
        --unixctl="$1/ovsdb-server.ctl" --pidfile="$1/ovsdb-server.pid" \
        --detach --no-chdir --log-file="$1/ovsdb-server.log" \
        2>>"$1/start.log"
}

monitor_pid=""
cleanup() {
    [ -n "$monitor_pid" ] && kill "$monitor_pid" 2>/dev/null
    for dir in "$T/ours" "$T/stock"; do
        stop_pidfile "$dir/ovsdb-server.pid"
    done
}
at_exit cleanup

vsctl() { ovs-vsctl --db="$OURS" --no-wait "$@"; }

# ---------------------------------------------------------------------------
# The schema file itself.
ovsdb-tool create "$T/check.db" "$SCHEMA" 2>"$T/create.err"
ok $? "ovsdb-tool create accepts vswitch/vswitch.ovsschema"
[ -s "$T/create.err" ] && sed 's/^/# /' "$T/create.err"
is "$(ovsdb-tool schema-name "$SCHEMA")" Open_vSwitch "the schema is named Open_vSwitch"
like "$(ovsdb-tool schema-version "$SCHEMA")" '^[0-9]+\.[0-9]+\.[0-9]+$' \
    "the schema has an x.y.z version"

db_start "$T/ours" "$SCHEMA" || sed 's/^/# /' "$T/ours/start.log"
ok $? "a stock ovsdb-server serves our schema"
db_start "$T/stock" "$OVS_SCHEMA" || sed 's/^/# /' "$T/stock/start.log"
ok $? "a stock ovsdb-server serves Open vSwitch's schema"

tables=$(ovsdb-client --format=csv list-tables "$OURS" | sed 1d | sort |
    tr '\n' ' ')
is "$tables" "AutoAttach Bridge Controller Datapath Flow_Table IPFIX Interface Manager Mirror NetFlow Open_vSwitch Port SSL sFlow " \
    "ovsdb-client list-tables: the tables we implement"

# Every column we have is Open vSwitch's, with the same type (enumerations
# included: vlan_mode has dot1q-tunnel).
columns() {
    ovsdb-client --format=csv list-columns "$1" Open_vSwitch "$2" |
        sed 1d | grep -v '^_version,' | sort
}
: >"$T/spec"
: >"$T/typediff"
for t in $tables; do
    columns "$OURS" "$t" >"$T/cols.ours"
    columns "$STOCK" "$t" >"$T/cols.stock"
    echo "$t $(cut -d, -f1 "$T/cols.ours" | tr '\n' ' ')" >>"$T/spec"
    comm -23 "$T/cols.ours" "$T/cols.stock" | sed "s/^/$t./" >>"$T/typediff"
done
is "$(cut -d, -f1 "$T/typediff" | tr '\n' ' ')" "" \
    "every column has Open vSwitch's name and type"
sed 's/^/# /' "$T/typediff"

# ---------------------------------------------------------------------------
# The session, against both.
sh "$SCRIPT" -w "$T/ours.warn" -d "$T/spec" ovs-vsctl "$OURS" \
    >"$T/ours.txt" 2>"$T/ours.err"
ok $? "vsctl-script.sh with our schema: every exit status as expected"
sed 's/^/# /' "$T/ours.err"
sh "$SCRIPT" -w "$T/stock.warn" -d "$T/spec" ovs-vsctl "$STOCK" \
    >"$T/stock.txt" 2>"$T/stock.err"
ok $? "vsctl-script.sh with Open vSwitch's schema: every exit status as expected"
sed 's/^/# /' "$T/stock.err"

n=$(grep -c '^\$ vsctl ' "$T/ours.txt")
[ "$n" -ge 40 ]
ok $? "the session has at least 40 commands ($n)"

same_file "$T/stock.txt" "$T/ours.txt" "the two transcripts are identical"

# Stock ovs-vsctl warns when the server's schema lacks a table or column
# it monitors.  Only whole-row list (of columns we do not implement) may.
is "$(grep -v '^vsctl list [A-Za-z_]* [^ ]*: ' "$T/ours.warn")" "" \
    "no command but a whole-row list meets a missing column"
is "$(cat "$T/stock.warn")" "" "no warnings with Open vSwitch's schema"

# The output of the Nth (default first) "$ vsctl CMD" of our transcript,
# and its exit status.
output_of() {
    awk -v c="\$ vsctl $1" -v n="${2:-1}" '
        $0 == c && ++k == n { on = 1; next }
        on && /^exit [0-9]+$/ { exit }
        on { print }' "$T/ours.txt"
}
status_of() {
    awk -v c="\$ vsctl $1" -v n="${2:-1}" '
        $0 == c && ++k == n { on = 1; next }
        on && /^exit [0-9]+$/ { print $2; exit }' "$T/ours.txt"
}

is "$(output_of list-br 2 | tr '\n' ' ')" "xapi3 xenbr0 xenbr3 " "list-br"
is "$(status_of 'add-br xenbr0' 2)" 1 "add-br of an existing bridge fails"
is "$(output_of 'add-br xenbr0' 2)" "stderr: vsctl: cannot create a bridge named xenbr0 because a bridge named xenbr0 already exists" \
    "... saying why"
is "$(status_of '--may-exist add-br xenbr0')" 0 "--may-exist add-br of it does not"
is "$(output_of 'br-to-parent xapi3')" xenbr3 "br-to-parent of a VLAN bridge"
is "$(output_of 'br-to-vlan xapi3')" 123 "br-to-vlan of a VLAN bridge"
is "$(output_of 'br-to-parent xenbr0')" xenbr0 "br-to-parent of a real bridge"
is "$(output_of 'br-get-external-id xenbr3 xs-network-uuids')" "7d0f;c2b1" \
    "br-set-external-id / br-get-external-id"
is "$(status_of 'br-exists nosuch')" 2 "br-exists of no bridge exits 2"
is "$(output_of 'list-ports xenbr3' | tr '\n' ' ')" "bond0 eth3 " "list-ports"
is "$(output_of 'port-to-br vif1.0')" xapi3 "port-to-br"
is "$(output_of 'iface-to-br eth5')" xenbr3 "iface-to-br of a bond member"
is "$(output_of 'get Port vif1.0 tag')" 123 \
    "a port of a VLAN bridge gets its tag"
is "$(output_of 'get Port bond0 bond_fake_iface bond_mode lacp bond_updelay' |
    tr '\n' ' ')" "true balance-slb off 31000 " "--fake-iface add-bond -- set Port"
is "$(output_of show 2)" "<0>
    Bridge xenbr0
        Port eth0
            Interface eth0
        Port xenbr0
            Interface xenbr0
                type: internal
    Bridge xenbr3
        Port bond0
            Interface eth4
            Interface eth5
        Port eth3
            Interface eth3
        Port vif1.0
            Interface vif1.0
            tag: 123
        Port xapi3
            Interface xapi3
                type: internal
            tag: 123
        Port xenbr3
            Interface xenbr3
                type: internal" "show"
is "$(output_of 'get Bridge xenbr5 other_config' 2)" \
    '{hwaddr="00:16:3e:00:00:06"}' \
    "remove Bridge X other_config disable-in-band"
is "$(output_of 'get-controller xenbr0' | tr '\n' ' ')" \
    "ssl:192.0.2.11:6633 tcp:192.0.2.10:6633 " "set-controller / get-controller"
is "$(output_of 'get-fail-mode xenbr0')" secure "set-fail-mode / get-fail-mode"
is "$(output_of 'get-fail-mode xenbr0' 2)" "" "del-fail-mode"
is "$(output_of get-manager 2)" ssl:192.0.2.1:6640 "set-manager / get-manager"
is "$(output_of get-manager 4)" "" "del-manager"
is "$(output_of get-ssl 2)" "Private key: /etc/xensource/xapi-ssl.pem
Certificate: /etc/xensource/xapi-ssl.pem
CA Certificate: /etc/openvswitch/vswitchd.cacert
Bootstrap: true" "--bootstrap set-ssl / get-ssl"
is "$(status_of 'set Port eth3 tag=4096')" 1 "set Port p tag=4096 fails"
is "$(status_of 'list Port eth3')" 1 \
    "a Port no Bridge refers to is garbage-collected"
is "$(status_of 'list Interface eth3')" 1 "... and so is its Interface"
is "$(output_of 'get Bridge xenbr3 other_config flood_vlans stp_enable fail_mode' |
    tr '\n' ' ')" '{hwaddr="00:16:3e:00:00:03"} [] true [] ' \
    "emer-reset keeps only other-config:hwaddr"
is "$(output_of get-manager 8)$(output_of get-ssl 6)" "" \
    "emer-reset removes managers and SSL"

# After the session: del-br left no Port or Interface behind.
vsctl list Port eth6 >/dev/null 2>&1
is $? 1 "after del-br its Port is gone"
vsctl list Interface eth6 >/dev/null 2>&1
is $? 1 "... and its Interface"
vsctl set Port eth4 tag=5000 2>"$T/err"
is $? 1 "ovs-vsctl set Port p tag=5000 fails"

# ---------------------------------------------------------------------------
# The server's own checks, in raw transactions (ovs-vsctl checks types
# itself, before the server sees them).  Each runs against both servers;
# the answers must be the same, and be what is expected.
transact() {
    # Which of two rows that clash in an index is "first" depends on their
    # UUIDs: that part of the message goes.
    ovsdb-client transact "$1" "[\"Open_vSwitch\",$2]" 2>&1 |
        sed -E -e 's/[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}/UUID/g' \
            -e 's/  First row, [^"]*"/"/'
}
check() {
    desc=$1 txn=$2 want=$3
    got=$(transact "$OURS" "$txn")
    like "$got" "$want" "$desc"
    is "$got" "$(transact "$STOCK" "$txn")" "... as with Open vSwitch's schema"
}
check "tag 5000: out of range" \
    '{"op":"update","table":"Port","where":[["name","==","eth4"]],"row":{"tag":5000}}' \
    '"constraint violation"'
check "fail_mode outside its enumeration" \
    '{"op":"update","table":"Bridge","where":[],"row":{"fail_mode":"bogus"}}' \
    '"constraint violation"'
check "a Port needs at least one Interface" \
    '{"op":"insert","table":"Port","row":{"name":"p9"},"uuid-name":"p"},
     {"op":"mutate","table":"Bridge","where":[["name","==","xenbr3"]],
      "mutations":[["ports","insert",["named-uuid","p"]]]}' \
    'error'
check "a reference to no row: referential integrity" \
    '{"op":"mutate","table":"Bridge","where":[["name","==","xenbr3"]],
      "mutations":[["ports","insert",["uuid","01234567-89ab-cdef-0123-456789abcdef"]]]}' \
    '"referential integrity violation"'
check "one Open_vSwitch row at most" \
    '{"op":"insert","table":"Open_vSwitch","row":{}}' \
    '"constraint violation"'
check "Bridge names are an index" \
    '{"op":"insert","table":"Bridge","row":{"name":"xenbr3"},"uuid-name":"b"},
     {"op":"mutate","table":"Open_vSwitch","where":[],
      "mutations":[["bridges","insert",["named-uuid","b"]]]}' \
    'identical values \(xenbr3\) for index on column \\"name\\"'
check "Port names are an index" \
    '{"op":"insert","table":"Interface","row":{"name":"i9"},"uuid-name":"i"},
     {"op":"insert","table":"Port","row":{"name":"eth4","interfaces":["named-uuid","i"]},"uuid-name":"p"},
     {"op":"mutate","table":"Bridge","where":[["name","==","xenbr3"]],
      "mutations":[["ports","insert",["named-uuid","p"]]]}' \
    '\\"Port\\" table to have identical values \(eth4\)'
check "Interface names are an index" \
    '{"op":"insert","table":"Interface","row":{"name":"eth4"},"uuid-name":"i"},
     {"op":"insert","table":"Port","row":{"name":"p9","interfaces":["named-uuid","i"]},"uuid-name":"p"},
     {"op":"mutate","table":"Bridge","where":[["name","==","xenbr3"]],
      "mutations":[["ports","insert",["named-uuid","p"]]]}' \
    '\\"Interface\\" table to have identical values \(eth4\)'
check "Manager targets are an index" \
    '{"op":"insert","table":"Manager","row":{"target":"ptcp:1"},"uuid-name":"m"},
     {"op":"insert","table":"Manager","row":{"target":"ptcp:1"},"uuid-name":"n"},
     {"op":"mutate","table":"Open_vSwitch","where":[],
      "mutations":[["manager_options","insert",["set",[["named-uuid","m"],["named-uuid","n"]]]]]}' \
    '\\"Manager\\" table to have identical values'
check "names are immutable" \
    '{"op":"update","table":"Bridge","where":[["name","==","xenbr3"]],"row":{"name":"xenbr9"}}' \
    '"constraint violation"'
for db in "$OURS" "$STOCK"; do
    transact "$db" \
        '{"op":"insert","table":"Interface","row":{"name":"i9"},"uuid-name":"i"},
         {"op":"insert","table":"Port","row":{"name":"p9","interfaces":["named-uuid","i"]}}' \
        >/dev/null
done
check "rows nothing refers to are garbage-collected at commit" \
    '{"op":"select","table":"Port","where":[["name","==","p9"]]},
     {"op":"select","table":"Interface","where":[["name","==","i9"]]}' \
    '^\[\{"rows":\[\]\},\{"rows":\[\]\}\]$'
check "vlan_mode dot1q-tunnel is in the enumeration" \
    '{"op":"update","table":"Port","where":[["name","==","eth4"]],"row":{"vlan_mode":"dot1q-tunnel"}}' \
    '^\[\{"count":1\}\]$'
check "vlan_mode outside its enumeration" \
    '{"op":"update","table":"Port","where":[["name","==","eth4"]],"row":{"vlan_mode":"dot1q"}}' \
    '"constraint violation"'
check "flow_tables keys are 0 to 254" \
    '{"op":"insert","table":"Flow_Table","row":{},"uuid-name":"f"},
     {"op":"mutate","table":"Bridge","where":[["name","==","xenbr3"]],
      "mutations":[["flow_tables","insert",["map",[[255,["named-uuid","f"]]]]]]}' \
    '"constraint violation"'
check "Flow_Table rows are referenced through Bridge.flow_tables" \
    '{"op":"insert","table":"Flow_Table","row":{"name":"t1"},"uuid-name":"f"},
     {"op":"mutate","table":"Bridge","where":[["name","==","xenbr3"]],
      "mutations":[["flow_tables","insert",["map",[[1,["named-uuid","f"]]]]]]},
     {"op":"select","table":"Flow_Table","where":[],"columns":["name"]}' \
    '\{"rows":\[\{"name":"t1"\}\]\}'

# A Bridge no longer in Open_vSwitch.bridges goes, and with it its Ports
# and their Interfaces.
for db in "$OURS" "$STOCK"; do
    u=$(ovs-vsctl --db="$db" --no-wait get Bridge xenbr3 _uuid)
    transact "$db" "{\"op\":\"mutate\",\"table\":\"Open_vSwitch\",\"where\":[],
        \"mutations\":[[\"bridges\",\"delete\",[\"uuid\",\"$u\"]]]}" \
        >"$T/gc.$(basename "$(dirname "${db#unix:}")")"
    transact "$db" "{\"op\":\"select\",\"table\":\"Bridge\",\"where\":[],\"columns\":[\"name\"]},
        {\"op\":\"select\",\"table\":\"Port\",\"where\":[],\"columns\":[\"name\"]},
        {\"op\":\"select\",\"table\":\"Interface\",\"where\":[],\"columns\":[\"name\"]}" \
        >>"$T/gc.$(basename "$(dirname "${db#unix:}")")"
done
is "$(cat "$T/gc.ours")" '[{"count":1}]
[{"rows":[{"name":"xenbr0"}]},{"rows":[{"name":"xenbr0"}]},{"rows":[{"name":"xenbr0"}]}]' \
    "an unreferenced Bridge is collected with its Ports and Interfaces"
is "$(cat "$T/gc.ours")" "$(cat "$T/gc.stock")" "... as with Open vSwitch's schema"

# ---------------------------------------------------------------------------
# ovsdb-client dump and monitor.
ovsdb-client dump "$OURS" >"$T/dump" 2>&1
ok $? "ovsdb-client dump"
like "$(cat "$T/dump")" '^Open_vSwitch table' "... shows the Open_vSwitch table"

ovsdb-client --format=csv monitor "$OURS" Open_vSwitch Bridge name \
    >"$T/monitor" 2>&1 &
monitor_pid=$!
n=0
until grep -q xenbr0 "$T/monitor" || [ $n -ge 50 ]; do
    sleep 0.1
    n=$((n + 1))
done
vsctl add-br xenbr7
n=0
until grep -q xenbr7 "$T/monitor" || [ $n -ge 50 ]; do
    sleep 0.1
    n=$((n + 1))
done
kill "$monitor_pid" 2>/dev/null
wait "$monitor_pid" 2>/dev/null
monitor_pid=""
like "$(cat "$T/monitor")" '^"?row"?,"?action"?,"?name"?' "ovsdb-client monitor: a header"
like "$(cat "$T/monitor")" ',initial,"?xenbr0"?$' "... the rows there were"
like "$(cat "$T/monitor")" ',insert,"?xenbr7"?$' "... and a bridge added"

done_testing
