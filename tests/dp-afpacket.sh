#! /bin/sh
# dp-afpacket.sh -- the datapath's ports forwarding real traffic, in
# private network namespaces (root only).
#
# The test enters a network and mount namespace of its own, makes two
# more, A (10.77.0.1) and B (10.77.0.2), each with a veth whose peer stays
# in the test's namespace, and runs tests/dp-wire, a two-port wire over the
# datapath's ports, between the two peers (AF_PACKET "system" ports).  The
# namespace veths keep their default offloads, so TCP sends 64 KiB GSO
# super-packets with partial checksums: forwarding them whole, with their
# virtio-net headers, is what makes TCP fast.  Checked: ping A -> B; TCP
# for 3 s above 1 Gbit/s (the figure is printed); tcpdump in B sees the
# super-packets arrive unsegmented; UDP at 200 Mbit/s with little loss.
# Then the same wire with --no-offloads (every port segments and
# checksums in software): ping, TCP (figure printed), and tcpdump sees
# only segments that fit the MTU.  Then a wire between an AF_PACKET port
# and an internal (TAP) port that has 10.78.0.1 in the test's namespace,
# the veth's far end (10.78.0.2) in B: ping, TCP both ways above
# 1 Gbit/s.
. "${top_srcdir:-.}/tests/tap.sh"

if [ "$(id -u)" -ne 0 ]; then
    skip_all "needs root for private network namespaces"
fi
require_programs ip iperf3 tcpdump ping unshare ss
if [ -z "${XSV_IN_NETNS:-}" ]; then
    trap - EXIT
    rm -rf "$TMPDIR_TEST"
    XSV_IN_NETNS=1 exec unshare --net --mount -- /bin/sh "$0" "$@"
fi

T=$TMPDIR_TEST
WIRE=$top_builddir/tests/dp-wire
[ -x "$WIRE" ] || skip_all "tests/dp-wire not built"

# Named namespaces live in a tmpfs of this mount namespace only, so that
# nothing of them is left on the host, whatever happens.
mkdir -p /run/netns 2>/dev/null
mount -t tmpfs xsv-netns /run/netns || skip_all "cannot mount /run/netns"
A=dpa$$
B=dpb$$
TAPDEV=dpt$$
pids=""

cleanup() {
    for pid in $pids; do
        kill "$pid" 2>/dev/null
    done
    for pid in $pids; do
        wait "$pid" 2>/dev/null
    done
    ip netns del "$A" 2>/dev/null
    ip netns del "$B" 2>/dev/null
}
at_exit cleanup

ip link set lo up
ip netns add "$A"
ip netns add "$B"
mkns() {    # mkns NS DEV ADDR: DEV in NS with ADDR, its peer DEV-p here
    ip link add "$2" type veth peer name "$2-p"
    ip link set "$2" netns "$1"
    ip link set "$2-p" up
    ip -n "$1" link set lo up
    ip -n "$1" link set "$2" up
    ip -n "$1" addr add "$3" dev "$2"
}
mkns "$A" va 10.77.0.1/24
mkns "$B" vb 10.77.0.2/24
mkns "$B" vc 10.78.0.2/24

# start_wire ARGS...: runs dp-wire in the background, waits until its
# ports are open; $wire is its pid.
start_wire() {
    rm -f "$T/ready"
    "$WIRE" --ready="$T/ready" "$@" 2>>"$T/wire.err" &
    wire=$!
    pids="$pids $wire"
    i=0
    while [ ! -e "$T/ready" ] && [ $i -lt 50 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    [ -e "$T/ready" ]
}
stop_wire() {
    kill "$wire" 2>/dev/null
    wait "$wire" 2>/dev/null
}

# iperf NS-SERVER SERVER-ADDR NS-CLIENT NAME ARGS...: one iperf3 run,
# server in NS-SERVER ("-" for the test's namespace); JSON in $T/NAME.json.
in_ns() {   # in_ns NS CMD...: CMD in NS, or here for "-"
    ns=$1
    shift
    if [ "$ns" = - ]; then
        "$@"
    else
        ip netns exec "$ns" "$@"
    fi
}
iperf() {
    srv_ns=$1 addr=$2 cli_ns=$3 name=$4
    shift 4
    in_ns "$srv_ns" iperf3 -s -1 -B "$addr" >"$T/$name.server" 2>&1 &
    srv=$!
    pids="$pids $srv"
    i=0
    until in_ns "$srv_ns" ss -ltn | grep -q "$addr:5201"; do
        sleep 0.1
        i=$((i + 1))
        [ $i -lt 50 ] || break
    done
    in_ns "$cli_ns" iperf3 -c "$addr" -J "$@" >"$T/$name.json" 2>&1
    rc=$?
    kill "$srv" 2>/dev/null
    wait "$srv" 2>/dev/null
    return $rc
}
# json_num FILE SECTION KEY: the first KEY after "SECTION" in iperf3's JSON.
json_num() {
    awk -v sec="\"$2\"" -v key="\"$3\"" '
        index($0, sec) { found = 1 }
        found && index($0, key) { gsub(/[^0-9.e+-]/, "", $2); print $2; exit }
    ' FS=: "$1"
}
gbits() { awk -v b="$1" 'BEGIN { printf "%.2f", b / 1e9 }'; }
above() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a > b) }'; }

# tcpdump_max NS DEV NAME: captures TCP on DEV in NS while a 1 s iperf3
# from A runs; prints the largest IP packet length seen.
tcpdump_max() {
    ip netns exec "$1" tcpdump -i "$2" -nn -s 128 -w "$T/$3.pcap" \
        tcp 2>"$T/$3.tcpdump" &
    tcpd=$!
    pids="$pids $tcpd"
    i=0
    until grep -q "listening on" "$T/$3.tcpdump" 2>/dev/null; do
        sleep 0.1
        i=$((i + 1))
        [ $i -lt 50 ] || break
    done
    iperf "$B" 10.77.0.2 "$A" "$3-iperf" -t 1 >/dev/null
    sleep 0.2
    kill -INT "$tcpd" 2>/dev/null
    wait "$tcpd" 2>/dev/null
    tcpdump -nn -r "$T/$3.pcap" 2>/dev/null |
        awk '{ for (i = 1; i < NF; i++) if ($i == "length") n = $(i + 1) + 0;
               if (n > max) max = n } END { print max + 0 }'
}

# 1. AF_PACKET <-> AF_PACKET, offloads passed through.
start_wire system:va-p system:vb-p
ok $? "wire between two AF_PACKET ports"

ip netns exec "$A" ping -c 3 -i 0.2 -W 2 10.77.0.2 >"$T/ping1" 2>&1
ok $? "ping A -> B through the wire"

iperf "$B" 10.77.0.2 "$A" tcp1 -t 3
ok $? "iperf3 TCP A -> B"
bps=$(json_num "$T/tcp1.json" sum_received bits_per_second)
echo "# TCP A -> B, default offloads: $(gbits "${bps:-0}") Gbit/s"
above "${bps:-0}" 1e9
ok $? "TCP through the wire above 1 Gbit/s"

largest=$(tcpdump_max "$B" vb gso)
echo "# largest TCP packet arriving in B: $largest bytes"
above "$largest" 1500
ok $? "GSO super-packets arrive unsegmented"

iperf "$B" 10.77.0.2 "$A" udp1 -u -b 200M -t 2
ok $? "iperf3 UDP A -> B"
lost=$(json_num "$T/udp1.json" sum_received lost_percent)
ubps=$(json_num "$T/udp1.json" sum_received bits_per_second)
echo "# UDP A -> B at 200 Mbit/s:" \
    "$(gbits "${ubps:-0}") Gbit/s received, ${lost:-?}% lost"
above "${ubps:-0}" 1e8 && ! above "${lost:-100}" 5
ok $? "UDP through the wire, under 5% lost"
stop_wire

# 2. The same without offloads: software segmentation and checksums.
start_wire --no-offloads system:va-p system:vb-p
ok $? "wire without offloads"
ip netns exec "$A" ping -c 3 -i 0.2 -W 2 10.77.0.2 >"$T/ping2" 2>&1
ok $? "ping A -> B, no offloads"
iperf "$B" 10.77.0.2 "$A" tcp2 -t 3
ok $? "iperf3 TCP A -> B, no offloads"
bps=$(json_num "$T/tcp2.json" sum_received bits_per_second)
echo "# TCP A -> B, software segmentation: $(gbits "${bps:-0}") Gbit/s"
above "${bps:-0}" 1e8
ok $? "TCP with software segmentation above 100 Mbit/s"
largest=$(tcpdump_max "$B" vb soft)
echo "# largest TCP packet arriving in B: $largest bytes"
above "$largest" 0 && ! above "$largest" 1500
ok $? "only segments that fit the MTU arrive"
stop_wire

# 3. AF_PACKET <-> TAP.
start_wire system:vc-p "internal:$TAPDEV"
ok $? "wire between an AF_PACKET port and a TAP port"
ip addr add 10.78.0.1/24 dev "$TAPDEV"
ip netns exec "$B" ping -c 3 -i 0.2 -W 2 10.78.0.1 >"$T/ping3" 2>&1
ok $? "ping B -> TAP"
iperf - 10.78.0.1 "$B" tcp3 -t 3
ok $? "iperf3 TCP B -> TAP"
bps=$(json_num "$T/tcp3.json" sum_received bits_per_second)
echo "# TCP B -> TAP: $(gbits "${bps:-0}") Gbit/s"
above "${bps:-0}" 1e9
ok $? "TCP B -> TAP above 1 Gbit/s"
iperf - 10.78.0.1 "$B" tcp4 -t 3 -R
ok $? "iperf3 TCP TAP -> B"
bps=$(json_num "$T/tcp4.json" sum_received bits_per_second)
echo "# TCP TAP -> B: $(gbits "${bps:-0}") Gbit/s"
above "${bps:-0}" 1e9
ok $? "TCP TAP -> B above 1 Gbit/s"
stop_wire
! ip link show "$TAPDEV" >/dev/null 2>&1
ok $? "the TAP is gone with the wire"

if [ -s "$T/wire.err" ]; then
    sed 's/^/# wire: /' "$T/wire.err"
fi
done_testing
