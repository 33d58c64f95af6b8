#! /bin/sh
# switch-secure.sh -- fail modes and the flow table of the bundled switch,
# driven with vsofctl.  A secure bridge forwards nothing until a flow
# allows it; deleting the flows stops it again; a standalone bridge has
# the priority-0 NORMAL flow (back after del-flows); flows match on
# in_port (by number and "local"), ARP and MACs, count packets, and
# output to ports and LOCAL.  Bad flows are refused with the field named,
# and add-flows is all or nothing.  Then a restart of vswitchd (SIGTERM,
# then SIGKILL) and of vsdb-server: traffic resumes, and vswitchd follows
# the database again once it is back.
. "${top_srcdir:-.}/tests/switch-harness.sh"

command -v ping >/dev/null || skip_all "ping not installed"
[ -x "$VSOFCTL" ] || skip_all "$VSOFCTL not built"

ofctl() { "$VSOFCTL" "$@"; }

guest g1 10.50.0.1 && guest g2 10.50.0.2 && guest g3 10.50.0.3
ok $? "three guests"
vs add-br br0 -- set-fail-mode br0 secure -- add-port br0 g1 \
    -- add-port br0 g2
ok $? "a secure bridge with g1 and g2"
is "$(ofctl dump-flows br0 | grep -c 'actions=')" 0 "no flows"
inns g1 ping -c 2 -i 0.2 -W 1 10.50.0.2 >/dev/null 2>&1
ok "$([ $? -ne 0 ]; echo $?)" "nothing forwards"

ofctl add-flow br0 "priority=100,actions=normal"
ok $? "add-flow priority=100,actions=normal"
inns g1 ping -c 2 -i 0.2 -W 2 10.50.0.2 >/dev/null 2>&1
ok $? "now g1 reaches g2"
n=$(ofctl dump-flows br0 | sed -n 's/.*n_packets=\([0-9]*\),.*/\1/p')
[ "${n:-0}" -ge 4 ]
ok $? "the flow counted the packets ($n)"
ofctl del-flows br0
ok $? "del-flows"
inns g1 ping -c 2 -i 0.2 -W 1 10.50.0.2 >/dev/null 2>&1
ok "$([ $? -ne 0 ]; echo $?)" "secure again: nothing forwards"

# Port-to-port flows by ofport: only g1 <-> g2, both ways.
p1=$(vs get Interface g1 ofport)
p2=$(vs get Interface g2 ofport)
ofctl add-flow br0 "in_port=$p1,actions=output:$p2" &&
    ofctl add-flow br0 "in_port=$p2,actions=$p1"
ok $? "in_port=$p1 -> $p2 and back"
inns g1 ping -c 2 -i 0.2 -W 2 10.50.0.2 >/dev/null 2>&1
ok $? "g1 reaches g2 through them"

# LOCAL: the host's own port, as interface-reconfigure's escape flows use
# it (ARP and the host's MAC between an uplink and the host).
ofctl del-flows br0
ip link set br0 up
ip addr add 10.50.0.10/24 dev br0
mac=$(cat /sys/class/net/br0/address)
printf '%s\n' \
    "# interface-reconfigure's four management escape flows" \
    "idle_timeout=0,priority=0,in_port=$p1,arp,nw_proto=1,actions=local" \
    "idle_timeout=0,priority=0,in_port=local,arp,dl_src=$mac,actions=$p1" \
    "idle_timeout=0,priority=0,in_port=$p1,dl_dst=$mac,actions=local" \
    "idle_timeout=0,priority=0,in_port=local,dl_src=$mac,actions=$p1" \
    >"$T/escape.flows"
ofctl add-flows br0 "$T/escape.flows"
ok $? "add-flows: the four escape flows from a file"
is "$(ofctl dump-flows br0 | grep -c 'priority=0,')" 4 "... all four installed"
inns g1 ping -c 2 -i 0.2 -W 2 10.50.0.10 >/dev/null 2>&1
ok $? "g1 (the uplink) reaches the host's address on LOCAL"
inns g2 ping -c 2 -i 0.2 -W 1 10.50.0.10 >/dev/null 2>&1
ok "$([ $? -ne 0 ]; echo $?)" "g2 (no escape flow) does not"

# Bad input.
err=$(ofctl add-flow br0 "priority=10,dl_src=aa:bb:cc,actions=normal" 2>&1)
ok "$([ $? -ne 0 ]; echo $?)" "a bad MAC is refused"
like "$err" 'dl_src' "... naming the field ($err)"
printf 'priority=7,actions=normal\nin_port=99999,actions=drop\n' \
    >"$T/bad.flows"
ofctl add-flows br0 "$T/bad.flows" >/dev/null 2>&1
ok "$([ $? -ne 0 ]; echo $?)" "add-flows with one bad flow fails"
is "$(ofctl dump-flows br0 | grep -c 'priority=7')" 0 "... and adds none"
err=$(ofctl dump-flows nosuch 2>&1)
ok "$([ $? -ne 0 ]; echo $?)" "dump-flows of no bridge fails"
like "$err" 'nosuch is not a bridge' "... as ovs-ofctl says it ($err)"

# Standalone: the NORMAL flow, also after del-flows.
vs set-fail-mode br0 standalone
ok $? "set-fail-mode standalone"
like "$(ofctl dump-flows br0)" 'priority=0 actions=NORMAL' \
    "the priority-0 NORMAL flow is there"
ofctl del-flows br0
like "$(ofctl dump-flows br0)" 'priority=0 actions=NORMAL' \
    "... and back after del-flows"
inns g1 ping -c 2 -i 0.2 -W 2 10.50.0.2 >/dev/null 2>&1
ok $? "a learning switch again"

# Restarts.  vswitchd stopped: the bridge's device goes, no forwarding.
stop_vswitchd
ok $? "vswitchd stopped"
[ ! -e /sys/class/net/br0 ]
ok $? "its internal device went with it"
inns g1 ping -c 1 -W 1 10.50.0.2 >/dev/null 2>&1
ok "$([ $? -ne 0 ]; echo $?)" "no forwarding without it"
start_vswitchd
ok $? "vswitchd started again"
wait_until 5 inns g1 ping -c 1 -W 1 10.50.0.2
ok $? "traffic resumes"
kill -9 "$(cat "$T/vswitchd.pid")"
sleep 0.2
start_vswitchd
ok $? "vswitchd starts after a SIGKILL (stale pid file)"
wait_until 5 inns g1 ping -c 1 -W 1 10.50.0.2
ok $? "traffic resumes"

# vsdb-server stopped: forwarding goes on; when it is back, vswitchd
# reconnects and follows new changes.
inns g1 ping -c 100 -i 0.02 -W 1 10.50.0.2 >"$T/ping" 2>&1 &
ping_pid=$!
sleep 0.3
stop_server
sleep 0.5
start_server
ok $? "vsdb-server restarted"
wait $ping_pid
received=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$T/ping")
is "$received" 100 "no packet lost while the database was away"
vs add-port br0 g3
ok $? "add-port g3 after the database restart (vswitchd follows)"
wait_until 5 inns g3 ping -c 1 -W 1 10.50.0.1
ok $? "g3 reaches g1"
is "$(vs get Open_vSwitch . cur_cfg)" "$(vs get Open_vSwitch . next_cfg)" \
    "cur_cfg caught up"

done_testing
