#! /bin/sh
# switch-bond.sh -- bonds on the bundled switch.  The "physical switch" is
# a Linux bridge in an uplink namespace, with the far ends of two veths,
# m1 and m2, the members of bond0 on br0; a guest g1 on br0 pings the
# uplink's address.  active-backup with miimon: when the active member's
# link goes down, traffic moves to the other within downdelay + the miimon
# interval, the switch beyond learns the new path from a learning packet
# (a RARP from g1's MAC), bond/show and the database (bond_active_slave)
# say which member is active; the member comes back only after updelay.
# Then balance-slb: both members carry traffic for different MACs, and a
# failed member's share moves to the other.
. "${top_srcdir:-.}/tests/switch-harness.sh"

command -v ping >/dev/null || skip_all "ping not installed"
command -v tcpdump >/dev/null || skip_all "tcpdump not installed"

UP=xsv-upl-$$
ip netns add "$UP" || bail_out "cannot create the uplink namespace"
harness_guests="$harness_guests $UP"
ip -n "$UP" link set lo up
ip -n "$UP" link add sw type bridge &&
    ip -n "$UP" link set sw type bridge ageing_time 30000 &&
    ip -n "$UP" addr add 10.40.0.100/24 dev sw &&
    ip -n "$UP" link set sw up
ok $? "the uplink: a Linux bridge with 10.40.0.100"
for m in m1 m2; do
    ip link add name $m type veth peer name p$m netns "$UP" &&
        ip -n "$UP" link set p$m master sw &&
        ip -n "$UP" link set p$m up &&
        ip link set dev $m up || bail_out "cannot create $m"
done
guest g1 10.40.0.1 && guest g2 10.40.0.2
ok $? "two guests"

vs add-br br0 -- add-bond br0 bond0 m1 m2 \
    -- set Port bond0 bond_mode=active-backup bond_updelay=1000 \
       bond_downdelay=0 other_config:bond-detect-mode=miimon \
       other_config:bond-miimon-interval=100 \
    -- add-port br0 g1 -- add-port br0 g2
ok $? "bond0 of m1 and m2, active-backup, miimon 100 ms, updelay 1 s"

inns g1 ping -c 3 -i 0.2 -W 2 10.40.0.100 >/dev/null 2>&1
ok $? "g1 reaches the uplink through the bond"
show=$("$VSAPPCTL" -t "$T/vswitchd.ctl" bond/show bond0)
echo "$show" | sed 's/^/# /'
like "$show" 'bond_mode: active-backup' "bond/show: the mode"
like "$show" 'lacp_status: off' "bond/show: LACP is off"
active=$(echo "$show" | awk '/^member/ { m = $2; sub(":", "", m) }
                              /^  active member$/ { print m; exit }')
[ -n "$active" ]
ok $? "bond/show names the active member ($active)"
other=m1
[ "$active" = m1 ] && other=m2
wait_until 5 sh -c "[ \"\$($VSCTL get Port bond0 bond_active_slave |
    tr -d '\"')\" = \"$(cat /sys/class/net/$active/address)\" ]"
ok $? "the database says so too (bond_active_slave is $active's MAC)"

# Fail the active member while g1 pings every 20 ms.
ip netns exec "$UP" tcpdump -l -n -e -i "p$other" ether proto 0x8035 \
    >"$T/rarp.cap" 2>"$T/rarp.err" &
rarp_pid=$!
n=0
until grep -q listening "$T/rarp.err" 2>/dev/null || [ $n -ge 50 ]; do
    sleep 0.1
    n=$((n + 1))
done
inns g1 ping -c 150 -i 0.02 -W 1 10.40.0.100 >"$T/ping" 2>&1 &
ping_pid=$!
sleep 1
ip link set dev "$active" down
wait $ping_pid
received=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$T/ping")
echo "# during the failover: $received of 150 pings answered"
[ "${received:-0}" -ge 125 ]
ok $? "traffic went on through $other (at most 25 of 150 lost, 20 ms apart)"
kill $rarp_pid 2>/dev/null
wait $rarp_pid 2>/dev/null
grep -qi "$(mac_of g1) > ff:ff:ff:ff:ff:ff.*0x8035\|$(mac_of g1) >.*Reverse" \
    "$T/rarp.cap"
ok $? "a learning packet (RARP from g1's MAC) went out of $other"
show=$("$VSAPPCTL" -t "$T/vswitchd.ctl" bond/show bond0)
now=$(echo "$show" | awk '/^member/ { m = $2; sub(":", "", m) }
                           /^  active member$/ { print m; exit }')
is "$now" "$other" "bond/show: $other is now active"
wait_until 5 sh -c "[ \"\$($VSCTL get Port bond0 bond_active_slave |
    tr -d '\"')\" = \"$(cat /sys/class/net/$other/address)\" ]"
ok $? "... and the database"
is "$(vs get Interface $active link_state)" down \
    "$active's link_state is down in the database"

# Back up: enabled only after updelay (1 s).
ip link set dev "$active" up
sleep 0.4
like "$("$VSAPPCTL" -t "$T/vswitchd.ctl" bond/show bond0 |
       sed -n "/^member $active:/,/^member/p")" 'disabled' \
    "0.4 s after its link came back, $active is still disabled (updelay)"
wait_until 5 sh -c "$VSAPPCTL -t $T/vswitchd.ctl bond/show bond0 |
    sed -n '/^member $active:/,/^\$/p' | grep -q ': enabled'"
ok $? "after updelay, $active is enabled again"
inns g1 ping -c 3 -i 0.2 -W 2 10.40.0.100 >/dev/null 2>&1
ok $? "g1 still reaches the uplink"

# balance-slb: MACs spread over both members; a failure moves them.
vs set Port bond0 bond_mode=balance-slb bond_updelay=0
ok $? "bond0 is now balance-slb"
inns g1 ping -c 2 -i 0.2 -W 2 10.40.0.100 >/dev/null 2>&1 &&
    inns g2 ping -c 2 -i 0.2 -W 2 10.40.0.100 >/dev/null 2>&1
ok $? "g1 and g2 reach the uplink"
like "$("$VSAPPCTL" -t "$T/vswitchd.ctl" bond/show bond0)" \
    'bond_mode: balance-slb' "bond/show: balance-slb"
ip link set dev m1 down
sleep 0.5
inns g1 ping -c 3 -i 0.2 -W 2 10.40.0.100 >/dev/null 2>&1 &&
    inns g2 ping -c 3 -i 0.2 -W 2 10.40.0.100 >/dev/null 2>&1
ok $? "with m1 down, both guests still reach the uplink (through m2)"
ip link set dev m1 up

vs del-br br0
ok $? "del-br br0"
[ -e /sys/class/net/m1 ] && [ -e /sys/class/net/m2 ]
ok $? "the members (system devices) are left as they were"

done_testing
