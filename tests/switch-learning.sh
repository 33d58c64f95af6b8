#! /bin/sh
# switch-learning.sh -- the bundled switch forwards between real devices.
# Three "guests" (namespaces with a veth each) on one bridge: they ping
# each other both ways; vswitchd writes back ofport, link_state,
# mac_in_use and cur_cfg (so vsctl's wait ends); the bridge learns their
# MACs (fdb/show); once learned, unicast between two guests no longer
# reaches the third (counted with tcpdump), while broadcast still does;
# TCP between guests whose veths keep their default offloads runs at full
# speed (iperf3); deleting a port stops its traffic; a port added before
# its device exists works once the device appears; del-br leaves no
# device behind.
. "${top_srcdir:-.}/tests/switch-harness.sh"

command -v ping >/dev/null || skip_all "ping not installed"
command -v tcpdump >/dev/null || skip_all "tcpdump not installed"

guest g1 10.9.0.1 && guest g2 10.9.0.2 && guest g3 10.9.0.3
ok $? "three guests"
vs add-br br0 -- add-port br0 g1 -- add-port br0 g2 -- add-port br0 g3
ok $? "add-br and three add-port, waiting for vswitchd (cur_cfg)"
is "$(vs get Open_vSwitch . cur_cfg)" "$(vs get Open_vSwitch . next_cfg)" \
    "cur_cfg caught up with next_cfg"
[ -d /sys/class/net/br0 ]
ok $? "the bridge's internal device br0 exists"
is "$(( $(cat /sys/class/net/br0/flags 2>/dev/null || echo 1) & 1 ))" 0 \
    "... left administratively down, as Open vSwitch leaves internal ports"
is "$(vs get Interface br0 admin_state)" down "... and so the database says"
ip link set br0 up
wait_until 5 sh -c "[ \"\$($VSCTL get Interface br0 admin_state)\" = up ]"
ok $? "once brought up, the database says up"

for g in g1 g2 g3; do
    ofport=$(vs get Interface $g ofport)
    [ "$ofport" -ge 1 ] 2>/dev/null
    ok $? "$g: ofport $ofport"
    is "$(vs get Interface $g link_state)" up "$g: link_state up"
    is "$(vs get Interface $g mac_in_use | tr -d '"')" \
        "$(cat /sys/class/net/$g/address)" "$g: mac_in_use is the device's"
done
is "$(vs get Interface br0 ofport)" 65534 "br0: the LOCAL port"

inns g1 ping -c 3 -i 0.2 -W 2 10.9.0.2 >"$T/ping12" 2>&1
ok $? "g1 pings g2"
inns g2 ping -c 3 -i 0.2 -W 2 10.9.0.1 >"$T/ping21" 2>&1
ok $? "g2 pings g1"
inns g3 ping -c 2 -i 0.2 -W 2 10.9.0.1 >/dev/null 2>&1
ok $? "g3 pings g1"

fdb=$("$VSAPPCTL" -t "$T/vswitchd.ctl" fdb/show br0 2>&1)
echo "$fdb" | sed 's/^/# /'
for g in g1 g2; do
    echo "$fdb" | grep -q "$(mac_of $g)"
    ok $? "fdb/show: $g's MAC learned"
done
like "$(echo "$fdb" | head -1)" 'port +VLAN +MAC +Age' "fdb/show's heading"

# Learned unicast between g1 and g2 does not reach g3.
capture g3 "$T/g3.cap" icmp
inns g1 ping -c 10 -i 0.05 -W 2 10.9.0.2 >/dev/null 2>&1
ok $? "g1 pings g2 ten times"
stop_captures
is "$(grep -c 'ICMP echo' "$T/g3.cap")" 0 \
    "after learning, g3 saw none of their ICMP packets"
capture g3 "$T/g3-bcast.cap" arp
inns g1 arping -c 1 10.9.0.2 >/dev/null 2>&1 ||
    inns g1 ip neigh flush dev eth0 && inns g1 ping -c 1 -W 2 10.9.0.2 \
    >/dev/null 2>&1
stop_captures
[ "$(grep -c 'Request who-has 10.9.0.2' "$T/g3-bcast.cap")" -ge 1 ]
ok $? "a broadcast (ARP request) still reaches g3"

# TCP with the veths' default offloads (checksum offload, TSO).
if command -v iperf3 >/dev/null; then
    inns g2 iperf3 -s -1 -p 5201 >"$T/iperf-s" 2>&1 &
    spid=$!
    sleep 0.5
    inns g1 iperf3 -c 10.9.0.2 -p 5201 -t 3 -J >"$T/iperf.json" 2>&1
    ok $? "iperf3 TCP g1 -> g2 for 3 s"
    kill $spid 2>/dev/null
    wait $spid 2>/dev/null
    bps=$(sed -n 's/.*"bits_per_second":[[:space:]]*\([0-9.e+]*\).*/\1/p' \
        "$T/iperf.json" | tail -1)
    gbps=$(awk -v b="$bps" 'BEGIN { printf "%.2f", b / 1e9 }')
    echo "# TCP g1 -> g2: $gbps Gbit/s"
    awk -v g="$gbps" 'BEGIN { exit !(g >= 1) }'
    ok $? "TCP throughput with default offloads at least 1 Gbit/s ($gbps)"
else
    ok 0 "# SKIP iperf3 not installed"
fi

# Receive coalescing (Open_vSwitch other_config:rx-coalesce-usecs): the
# forwarding thread pauses after a pass that switched a full batch.
# Flood pings in bursts of 64 (more than a batch) make such passes; none
# may be lost, with or without the pauses.
dpshow() { "$VSAPPCTL" -t "$T/vswitchd.ctl" dpif/show | head -1; }
pauses() { dpshow | sed -n 's/.*(\([0-9]*\) pauses)$/\1/p'; }
flood() {
    inns g1 ping -f -l 64 -c 2000 -W 2 10.9.0.2 2>&1 |
        grep -c '^2000 packets transmitted, 2000 received'
}
like "$(dpshow)" '^userspace@xsvswitch: rx-coalesce-usecs 100 ' \
    "dpif/show: receive coalescing 100 us by default"
p0=$(pauses)
is "$(flood)" 1 "2000 pings in bursts of 64: all answered"
p1=$(pauses)
[ "${p1:-0}" -gt "${p0:-0}" ]
ok $? "the forwarding thread paused after full batches ($p0 -> $p1)"
vs set Open_vSwitch . other_config:rx-coalesce-usecs=0
wait_until 5 sh -c "$VSAPPCTL -t $T/vswitchd.ctl dpif/show |
    grep -q '^userspace@xsvswitch: rx-coalesce-usecs 0 '"
ok $? "rx-coalesce-usecs=0 applied"
p0=$(pauses)
is "$(flood)" 1 "without coalescing: all answered"
is "$(pauses)" "$p0" "without coalescing: no pause"
vs set Open_vSwitch . other_config:rx-coalesce-usecs=fast
wait_until 5 grep -q 'rx-coalesce-usecs="fast": not a number' \
    "$T/vswitchd.log"
ok $? "a bad rx-coalesce-usecs is logged, naming key and value"
like "$(dpshow)" ' rx-coalesce-usecs 100 ' "... and the default used"
vs set Open_vSwitch . other_config:rx-coalesce-usecs=10001
wait_until 5 grep -q 'rx-coalesce-usecs="10001": not a number' \
    "$T/vswitchd.log"
ok $? "rx-coalesce-usecs above 10000 refused"
vs remove Open_vSwitch . other_config rx-coalesce-usecs
ok $? "rx-coalesce-usecs removed"

# A device deleted under the switch (a guest's vif when its domain
# reboots) and created again with the same name: the port is down with an
# error meanwhile, then comes back by itself, on the same ofport.
of=$($VSCTL get Interface g2 ofport)
mac=$(mac_of g2)
ip link del g2
wait_until 5 sh -c "[ \"\$($VSCTL get Interface g2 link_state)\" = down ]"
ok $? "g2's device deleted: link_state down"
like "$($VSCTL get Interface g2 error)" 'g2 \(No such device\)' \
    "... and the error says the device is missing"
is "$($VSCTL get Interface g2 ifindex)" 0 "... ifindex 0"
ip link add name g2 type veth peer name eth0 netns "xsv-g2-$$" &&
    ip -n "xsv-g2-$$" link set eth0 address "$mac" &&
    ip -n "xsv-g2-$$" link set eth0 up &&
    ip -n "xsv-g2-$$" addr add 10.9.0.2/24 dev eth0 &&
    ip link set g2 up
ok $? "g2's device created again"
wait_until 5 inns g1 ping -c 1 -W 1 10.9.0.2
ok $? "g1 reaches g2 again, the switch having reopened the device"
is "$($VSCTL get Interface g2 ofport)" "$of" "... on the same ofport"
wait_until 5 sh -c "[ \"\$($VSCTL get Interface g2 error)\" = '[]' ]"
ok $? "... its error cleared"
is "$($VSCTL get Interface g2 ifindex)" "$(cat /sys/class/net/g2/ifindex)" \
    "... and its new ifindex written"
is "$($VSCTL get Interface g2 link_state)" up "... link_state up"

# del-port: g3 is cut off.
vs del-port br0 g3
ok $? "del-port g3"
inns g3 ping -c 2 -i 0.2 -W 1 10.9.0.1 >/dev/null 2>&1
ok "$([ $? -ne 0 ]; echo $?)" "g3 no longer reaches g1"
inns g1 ping -c 2 -i 0.2 -W 2 10.9.0.2 >/dev/null 2>&1
ok $? "g1 still reaches g2"

# A port whose device does not exist yet: the error is in the database,
# and once the device appears, vswitchd picks it up by itself.
vs add-port br0 g4
ok $? "add-port g4, a device that does not exist yet"
like "$(vs get Interface g4 error)" 'g4' "its error names it"
is "$(vs get Interface g4 ofport)" -1 "its ofport is -1"
guest g4 10.9.0.4
wait_until 5 sh -c "[ \"\$($VSCTL get Interface g4 ofport)\" -ge 1 ]"
ok $? "once the device exists, it gets an ofport (no database change)"
is "$(vs get Interface g4 error)" '[]' "... and its error is cleared"
wait_until 5 inns g4 ping -c 1 -W 1 10.9.0.1
ok $? "g4 reaches g1"

# Nothing left after del-br.
vs del-br br0
ok $? "del-br br0"
wait_until 5 sh -c '! [ -e /sys/class/net/br0 ]'
ok $? "the internal device br0 is gone"
inns g1 ping -c 2 -i 0.2 -W 1 10.9.0.2 >/dev/null 2>&1
ok "$([ $? -ne 0 ]; echo $?)" "g1 and g2 are no longer connected"
is "$(ip -o link show type tun 2>/dev/null | wc -l)" 0 "no TAP device left"

done_testing
