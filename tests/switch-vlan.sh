#! /bin/sh
# switch-vlan.sh -- VLANs on the bundled switch, with fake bridges as
# interface-reconfigure makes them (add-br NAME PARENT VLAN).  Guests a and
# c are in VLAN 10 (ports of fake bridge vlan10), b in VLAN 20 (vlan20),
# all in one IP subnet; "tr" is the parent's trunk (no tag: every VLAN),
# "ua" an access port of VLAN 0 (untagged).  a reaches c but not b; frames
# of VLAN 10 and 20 leave by the trunk tagged with their VLAN; the untagged
# access port sees no tagged frame; a tagged frame sent into the trunk
# reaches its VLAN's guests untagged.  Also: a port with trunks=10 does
# not carry VLAN 20, and changing a port's tag moves it.
. "${top_srcdir:-.}/tests/switch-harness.sh"

command -v ping >/dev/null || skip_all "ping not installed"
command -v tcpdump >/dev/null || skip_all "tcpdump not installed"

guest a 10.30.0.1 && guest b 10.30.0.2 && guest c 10.30.0.3 &&
    guest tr 10.30.0.100 && guest ua 10.30.0.101
ok $? "five guests"
vs add-br br0 -- add-port br0 tr -- add-port br0 ua \
    -- set Port ua vlan_mode=access \
    -- add-br vlan10 br0 10 -- add-br vlan20 br0 20 \
    -- add-port vlan10 a -- add-port vlan20 b -- add-port vlan10 c
ok $? "bridge br0, fake bridges vlan10 and vlan20, five ports"
is "$(vs br-to-vlan vlan10) $(vs br-to-parent vlan10)" "10 br0" \
    "vlan10 is VLAN 10 of br0"
is "$(vs get Port a tag) $(vs get Port b tag)" "10 20" \
    "the fake bridges' ports are tagged"
[ -d /sys/class/net/vlan10 ] && [ -d /sys/class/net/vlan20 ]
ok $? "the fake bridges' internal devices exist"

capture tr "$T/tr.cap" 'icmp or arp or (vlan and (icmp or arp))'
capture ua "$T/ua.cap" ''
inns a ping -c 3 -i 0.2 -W 2 10.30.0.3 >/dev/null 2>&1
ok $? "a (VLAN 10) pings c (VLAN 10)"
inns a ping -c 2 -i 0.2 -W 1 10.30.0.2 >/dev/null 2>&1
ok "$([ $? -ne 0 ]; echo $?)" "a (VLAN 10) cannot reach b (VLAN 20)"
inns b ping -c 2 -i 0.2 -W 1 10.30.0.3 >/dev/null 2>&1
ok "$([ $? -ne 0 ]; echo $?)" "b (VLAN 20) cannot reach c (VLAN 10)"
stop_captures
sed 's/^/# tr: /' "$T/tr.cap" | head -8
grep -q 'vlan 10,.*Request who-has 10.30.0.3' "$T/tr.cap"
ok $? "a's ARP request leaves the trunk tagged VLAN 10"
grep -q 'vlan 20,.*Request who-has 10.30.0.3' "$T/tr.cap"
ok $? "b's ARP request leaves the trunk tagged VLAN 20"
is "$(grep -v 'vlan' "$T/tr.cap" | grep -c 'who-has 10.30.0.3')" 0 \
    "no untagged copy of them on the trunk"
is "$(grep -c 'vlan ' "$T/ua.cap")" 0 \
    "the untagged access port saw no tagged frame"

# A frame sent tagged into the trunk reaches its VLAN's guests untagged.
# The trunk's guest has no 802.1Q device (this kernel has no 8021q), so
# it sends a hand-made tagged ARP request with a raw socket.
if command -v python3 >/dev/null; then
    capture a "$T/a.cap" arp
    capture b "$T/b.cap" arp
    inns tr python3 - 10 "$(mac_of tr)" <<'PY'
import socket, struct, sys
vid = int(sys.argv[1]); mac = bytes.fromhex(sys.argv[2].replace(':', ''))
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(('eth0', 0))
arp = struct.pack('!HHBBH6s4s6s4s', 1, 0x0800, 6, 4, 1, mac,
                  socket.inet_aton('10.30.0.100'), b'\0' * 6,
                  socket.inet_aton('10.30.0.1'))
frame = b'\xff' * 6 + mac + struct.pack('!HH', 0x8100, vid) + \
    struct.pack('!H', 0x0806) + arp
s.send(frame + b'\0' * max(0, 60 - len(frame)))
PY
    stop_captures
    grep -q 'Request who-has 10.30.0.1 tell 10.30.0.100' "$T/a.cap" &&
        ! grep -q 'vlan' "$T/a.cap"
    ok $? "a tagged VLAN 10 request from the trunk reaches a, untagged"
    is "$(grep -c 'who-has 10.30.0.1 tell' "$T/b.cap")" 0 \
        "... and not b (VLAN 20)"
else
    ok 0 "# SKIP python3 not installed"
    ok 0 "# SKIP python3 not installed"
fi

# Trunks: a trunk of VLAN 10 only does not carry VLAN 20.
vs set Port tr trunks=10
ok $? "the trunk now carries VLAN 10 only"
capture tr "$T/tr2.cap" 'vlan'
inns a ping -c 1 -W 1 10.30.0.3 >/dev/null 2>&1
inns a ip neigh flush dev eth0
inns b ip neigh flush dev eth0
inns a ping -c 1 -W 1 10.30.0.9 >/dev/null 2>&1
inns b ping -c 1 -W 1 10.30.0.9 >/dev/null 2>&1
stop_captures
grep -q 'vlan 10,' "$T/tr2.cap"
ok $? "VLAN 10 still leaves by it"
is "$(grep -c 'vlan 20,' "$T/tr2.cap")" 0 "VLAN 20 no longer does"

# Moving c to VLAN 20: it now reaches b and no longer a.
vs set Port c tag=20
ok $? "c moved to VLAN 20"
inns c ip neigh flush dev eth0
inns c ping -c 2 -i 0.2 -W 2 10.30.0.2 >/dev/null 2>&1
ok $? "c reaches b"
inns c ping -c 2 -i 0.2 -W 1 10.30.0.1 >/dev/null 2>&1
ok "$([ $? -ne 0 ]; echo $?)" "c no longer reaches a"

vs del-br br0
ok $? "del-br br0 (with its fake bridges)"
wait_until 5 sh -c '! [ -e /sys/class/net/vlan10 ] &&
                    ! [ -e /sys/class/net/vlan20 ] &&
                    ! [ -e /sys/class/net/br0 ]'
ok $? "no internal device left"

done_testing
