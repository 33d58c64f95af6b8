#! /bin/sh
# ifr-options.sh -- interface-reconfigure's reading of other_config on the
# vswitch backend: MTU overrides, bond modes and options (active-backup,
# LACP, bad values), ethtool settings (any speed) and offloads, fail mode
# and in-band settings, and the escape flows of a bonded management
# interface; bad values are reported by key and value.  Same fake root and
# namespace as ifr-scenarios.sh (tests/ifr-harness.sh).
. "${top_srcdir:-.}/tests/tap.sh"
. "$top_srcdir/tests/ifr-harness.sh"

DBCACHE=$top_builddir/dbcache/dbcache
BASE=$FIX/pool-compact.dbcache
CACHE=$R/var/xapi/network.dbcache

ref_of_bridge() {       # the PIF ref behind bridge $1
    "$DBCACHE" query "$BASE" pif-by-bridge "$1" | cut -d' ' -f1
}
net_of_bridge() {       # the network ref of bridge $1
    "$DBCACHE" dump "$BASE" --json |
        jq -r --arg b "$1" '.network | to_entries[] | select(.value.bridge == $b) | .key'
}
pool_ref=$("$DBCACHE" dump "$BASE" --json | jq -r '.pool | keys[0]')

# with_oc REF K=V...: $BASE with record REF's other_config replaced by the
# given entries (none: an empty map), written to $CACHE; edit does the same
# on top of the current $CACHE.
reset_cache() { cp "$BASE" "$CACHE"; }
# cumulative: apply several with_oc edits on top of each other
edit() { cp "$CACHE" "$T/edit.tmp"; BASE_SAVE=$BASE; BASE=$T/edit.tmp; with_oc "$@"; BASE=$BASE_SAVE; }
with_oc() {
    ref=$1
    shift
    entries=""
    for kv in "$@"; do
        entries="$entries<${kv%%=*}>${kv#*=}</${kv%%=*}>"
    done
    awk -v ref="ref=\"$ref\"" -v oc="<other_config>$entries</other_config>" '
        index($0, ref) { inrec = 1 }
        inrec && !done && /<other_config\/>/ { sub(/<other_config\/>/, oc); done = 1 }
        inrec && !done && /<other_config>/ { skip = 1; sub(/<other_config>.*/, oc); print; next }
        skip { if (/<\/other_config>/) { skip = 0; done = 1 } next }
        /^\t<\/(pif|network|pool)>/ { inrec = 0; done = 0 }
        { print }' "$BASE" >"$CACHE.new"
    mv "$CACHE.new" "$CACHE"
    "$DBCACHE" validate "$CACHE" || echo "# edited cache does not validate"
}

eth2=$(ref_of_bridge xenbr2)
bond0=$(ref_of_bridge xapi1)
net2=$(net_of_bridge xenbr2)
ip link add bond0 type veth peer name bond0-p

# MTU: the PIF's own override for its device, the network's for the bridge.
reset_cache
with_oc "$eth2" mtu=9000 ethtool-speed=10000 ethtool-duplex=full \
    ethtool-autoneg=off ethtool-tx=on ethtool-gro=yes
edit "$net2" mtu=4000
run_ifr --force xenbr2 up
is "$rc" 0 "overrides: exit 0"
is "$(link_state eth2)" "up 9000" "PIF other_config mtu=9000 on the NIC (kernel)"
like "$(cat "$R/etc/sysconfig/network-scripts/ifcfg-xenbr2")" "^MTU=4000$" "network other_config mtu=4000 on the bridge's ifcfg"
like "$err" "Override Network.MTU setting on bridge xenbr2 from PIF.MTU is 9000" "override logged with the new value"
like "$cmds" "/sbin/ethtool -s eth2 speed 10000 duplex full autoneg off" "ethtool settings, 10G speed accepted"
like "$cmds" "/sbin/ethtool -K eth2 tx on lro off" "ethtool offloads; bad gro value skipped"
like "$err" "Invalid value for ethtool-gro = yes" "bad ethtool value reported by key and value"

# The network's ethtool settings reach the NIC (the original put them only
# in the bridge's ifcfg, where an Open vSwitch internal port ignores them).
reset_cache
with_oc "$net2" ethtool-speed=1000 ethtool-tso=off
run_ifr --force xenbr2 up
like "$cmds" "/sbin/ethtool -s eth2 speed 1000" "network ethtool settings applied to the NIC"
like "$cmds" "/sbin/ethtool -K eth2 tso off lro off" "network offloads applied to the NIC"
like "$(cat "$R/etc/sysconfig/network-scripts/ifcfg-xenbr2")" 'ETHTOOL_OPTS="speed 1000"' \
    "and still written in the bridge's ifcfg, as before"

reset_cache
with_oc "$eth2" mtu=jumbo
ip link set eth2 mtu 1400
run_ifr --force xenbr2 up
is "$rc" 0 "invalid mtu: still brought up"
like "$err" "Invalid value for mtu = jumbo" "invalid mtu reported"
is "$(link_state eth2)" "up 1400" "invalid mtu: the device's MTU is left as it was"

# Bonds.
bond_set_port() { printf '%s\n' "$cmds" | tr ' ' '\n' | sed -n '/^Port$/,/^--$/p' | tr '\n' ' '; }
reset_cache
with_oc "$bond0" bond-mode=active-backup bond-updelay=500 bond-miimon=50
run_ifr --force xapi1 up
is "$rc" 0 "active-backup bond: exit 0"
like "$(txn)" "set Port bond0 MAC=\"00:22:19:22:4b:af\" bond_downdelay=200 other-config:bond-miimon-interval=50 bond_updelay=500 other-config:bond-detect-mode=carrier lacp=off bond_mode=active-backup" \
    "active-backup bond options"

reset_cache
with_oc "$bond0" bond-mode=lacp bond-hashing-algorithm=tcpudp_ports bond-use_carrier=0
run_ifr --force xapi1 up
like "$(txn)" "other-config:bond-detect-mode=miimon lacp=active bond_mode=balance-tcp" "LACP with tcpudp_ports hashing; miimon detection"

reset_cache
with_oc "$bond0" bond-mode=lacp bond-hashing-algorithm=dst_ip bond-miimon=fast bond-downdelay=soon
run_ifr --force xapi1 up
is "$rc" 0 "bad bond values: still brought up (the original crashed on downdelay)"
like "$err" "bridge xapi1 has invalid bond-hashing-algorithm 'dst_ip'" "bad hashing algorithm reported"
like "$err" "bridge xapi1 has invalid miimon 'fast'" "bad miimon reported"
like "$err" "bridge xapi1 has invalid downdelay 'soon'" "bad downdelay reported with its own value"
like "$(txn)" "lacp=active bond_mode=balance-slb" "bad hashing: balance-slb"

reset_cache
with_oc "$bond0" bond-mode=round-robin
run_ifr --force xapi1 up
like "$err" "bridge xapi1 has invalid bond-mode 'round-robin'" "bad bond mode reported"
like "$(txn)" "lacp=off bond_mode=balance-slb" "bad bond mode: balance-slb"

# Fail mode and in-band.
reset_cache
with_oc "$net2" vswitch-controller-fail-mode=standalone vswitch-disable-in-band=maybe
run_ifr --force xenbr2 up
like "$(txn)" "set Bridge xenbr2 fail_mode=standalone" "network fail mode overrides the pool's"
if printf '%s\n' "$cmds" | grep -q "ovs-ofctl\|get-fail-mode"; then r=1; else r=0; fi
ok $r "standalone: no escape flows"
like "$err" '"maybe" isn.t a valid setting for other_config:disable-in-band on xenbr2' "bad in-band value reported"
if txn | grep -q "disable-in-band"; then r=1; else r=0; fi
ok $r "bad in-band value: no in-band command"

reset_cache
with_oc "$net2" vswitch-disable-in-band=true
run_ifr --force xenbr2 up
like "$(txn)" "set Bridge xenbr2 other_config:disable-in-band=true" "in-band disabled"

reset_cache
with_oc "$pool_ref"
run_ifr --force xenbr2 up
like "$(txn)" "set Bridge xenbr2 fail_mode=standalone" "no pool setting: standalone"

# A bonded management interface on a secure pool gets the bond's flows.
sed "s|<management>True</management>|<management>False</management>|" "$BASE" >"$T/b1"
awk -v ref="ref=\"$bond0\"" 'index($0, ref) { inrec = 1 }
    inrec && /<management>False<\/management>/ { sub(/False/, "True"); inrec = 0 }
    { print }' "$T/b1" >"$CACHE"
run_ifr --force xapi1 up
is "$rc" 0 "bonded management: exit 0"
is "$(printf '%s\n' "$cmds" | grep -c 'ovs-ofctl add-flow xapi1')" 6 "six flows: two NORMAL, two per slave"
like "$cmds" "in_port=local,arp,dl_src=00:22:19:22:4b:af,actions=NORMAL" "NORMAL flow for the bond"
like "$cmds" "in_port=-1,dl_dst=00:22:19:22:4b:af,actions=local" "per-slave flows use each slave's ofport"

done_testing
