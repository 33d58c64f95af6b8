#! /bin/sh
# ifr-ovs-scenarios.sh -- the original's four upstream scenarios (plain
# NIC, VLAN, bond, VLAN on bond) against stock Open vSwitch instead of
# recorders: after each `--force BRIDGE up` the switch database holds the
# bridges, ports, VLAN tags, bond and settings XenServer expects, and after
# `down` they are gone.  The fake root and veth NICs come from
# tests/ifr-harness.sh; the switch from tests/ovs-sandbox.sh.  Needs root
# and openvswitch-switch.
. "${top_srcdir:-.}/tests/tap.sh"
. "$top_srcdir/tests/ovs-sandbox.sh"
ovs_available || skip_all "Open vSwitch (openvswitch-switch) not installed"
. "$top_srcdir/tests/ifr-harness.sh"

at_exit ovs_stop
ovs_start "$T/ovs"
ok $? "the switch ($XSV_SWITCH): database server and daemon started"
ovs_wrappers "$R"
sed -i -e 's|^vsctl=.*|vsctl=/usr/bin/vsctl-netdev|' \
       -e 's|^ofctl=.*|ofctl=/usr/bin/ofctl|' "$R/etc/interface-reconfigure.conf"

db() { ovs-vsctl --bare "$@" 2>&1; }

# 1. A NIC.
run_ifr --force xenbr2 up
is "$rc" 0 "1 up: exit 0"
[ "$rc" -eq 0 ] || printf '%s\n' "$err" | sed 's/^/#   /'
is "$(db list-br)" "xenbr2" "1 up: bridge xenbr2"
is "$(db list-ports xenbr2)" "eth2" "1 up: eth2 its uplink"
is "$(db get Bridge xenbr2 fail_mode)" "secure" "1 up: secure, from the pool"
is "$(db get Bridge xenbr2 other_config:hwaddr)" '"00:15:17:a0:29:80"' "1 up: hwaddr"
is "$(ovs-ofctl dump-flows xenbr2 | grep -c 'priority=0,')" 4 "1 up: four escape flows installed"
run_ifr --force xenbr2 down
is "$(db list-br)" "" "1 down: no bridge left"

# 2. A VLAN on a NIC.
run_ifr --force xapi3 up
is "$rc" 0 "2 up: exit 0"
is "$(db list-br | tr '\n' ' ')" "xapi3 xenbr3 " "2 up: the parent and the fake bridge"
is "$(db br-to-parent xapi3) $(db br-to-vlan xapi3)" "xenbr3 123" "2 up: xapi3 is VLAN 123 on xenbr3"
is "$(db get Port xapi3 tag)" "123" "2 up: its port carries tag 123"
is "$(db get Interface xapi3 mac)" '"00:15:17:a0:29:81"' "2 up: the parent's MAC on the VLAN interface"
is "$(db br-get-external-id xapi3 xs-network-uuids)" \
   "a170b338-3926-4059-b28c-105d1fb17c23;18f135d2-5f55-4203-b018-50c5a38fd547" \
   "2 up: xs-network-uuids of both networks on eth3"
run_ifr --force xapi3 down
is "$(db list-br)" "" "2 down: both bridges gone"

# 3. A bond.  The kernel datapath would create the bond's fake interface;
# the userspace one does not, so a stand-in device is made, as the
# original's upstream test did.
ip link add bond0 type veth peer name bond0-p
run_ifr --force xapi1 up
is "$rc" 0 "3 up: exit 0"
[ "$rc" -eq 0 ] || printf '%s\n' "$err" | sed 's/^/#   /'
is "$(db list-br)" "xapi1" "3 up: bridge xapi1"
is "$(db list-ports xapi1)" "bond0" "3 up: one port, the bond"
is "$(db get Port bond0 interfaces | wc -w)" 2 "3 up: with two interfaces"
is "$(db iface-to-br eth0) $(db iface-to-br eth1)" "xapi1 xapi1" "3 up: eth0 and eth1 in it"
is "$(db get Port bond0 bond_mode lacp bond_updelay bond_downdelay | tr '\n' ' ')" \
   "balance-slb off 31000 200 " "3 up: bond mode and delays"
is "$(db get Port bond0 other_config:bond-detect-mode other_config:bond-miimon-interval | tr '\n' ' ')" \
   "carrier \"100\" " "3 up: detection settings"
is "$(db get Port bond0 bond_fake_iface)" "true" "3 up: the fake interface"

# 4. A VLAN on the bond.
run_ifr --force xapi2 up
is "$rc" 0 "4 up: exit 0"
is "$(db list-br | tr '\n' ' ')" "xapi1 xapi2 " "4 up: the bond's bridge and the fake bridge"
is "$(db br-to-parent xapi2) $(db br-to-vlan xapi2)" "xapi1 4" "4 up: xapi2 is VLAN 4 on xapi1"
run_ifr --force xapi2 down
is "$(db list-br)" "" "4 down: both bridges gone"
is "$(db list Port | grep -c bond0)" 0 "4 down: the bond is gone"

# Management on a VLAN (the original installed no escape flows then): the
# flows tag and untag for the VLAN's internal port.
awk -v ref="ref=\"$("$top_builddir/dbcache/dbcache" query "$FIX/pool-compact.dbcache" pif-by-bridge xapi3 | cut -d' ' -f1)\"" '
    /<management>True<\/management>/ { sub(/True/, "False") }
    index($0, ref) { inrec = 1 }
    inrec && /<management>False<\/management>/ { sub(/False/, "True"); inrec = 0 }
    { print }' "$FIX/pool-compact.dbcache" >"$R/var/xapi/network.dbcache"
run_ifr --force xapi3 up
is "$rc" 0 "VLAN management: exit 0"
flows=$(ovs-ofctl dump-flows xenbr3 --no-stats | grep 'priority=0,' | sort)
vport=$(db get Interface xapi3 ofport)
uport=$(db get Interface eth3 ofport)
is "$(printf '%s\n' "$flows" | wc -l)" 4 "VLAN management: four escape flows on the parent bridge"
like "$flows" "priority=0,arp,in_port=$uport,dl_vlan=123,arp_op=1 actions=strip_vlan,output:$vport" \
    "VLAN management: tagged ARP requests reach the VLAN port, untagged"
like "$flows" "priority=0,in_port=$uport,dl_vlan=123,dl_dst=00:15:17:a0:29:81 actions=strip_vlan,output:$vport" \
    "VLAN management: tagged traffic to the host's MAC reaches it"
like "$flows" "priority=0,in_port=$vport,dl_src=00:15:17:a0:29:81 actions=mod_vlan_vid:123,output:$uport" \
    "VLAN management: the host's traffic leaves tagged"
run_ifr --force xapi3 down
is "$(db list-br)" "" "VLAN management: down leaves nothing"

done_testing
