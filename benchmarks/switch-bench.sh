#! /bin/sh
# switch-bench.sh -- three switches on the same namespace topology, in one
# run: the Linux bridge, stock ovs-vswitchd with the userspace ("netdev")
# datapath, and ours (vswitch/vsdb-server + vswitch/vswitchd over the
# userspace datapath of datapath/).
#
#   benchmarks/switch-bench.sh [BUILDDIR]
#
# BUILDDIR (default _build) is a configured and built tree holding
# vswitch/vsdb-server, vswitch/vswitchd and vswitch/vsctl; this script
# builds nothing.  Needs root, unshare, ip, ss, ping, iperf3, jq and
# openvswitch-switch (ovsdb-server, ovsdb-tool, ovs-vsctl, ovs-appctl,
# ovs-vswitchd); skips (exit 0, with a message) if one is missing.  It
# re-executes itself in a private network and mount namespace (like
# tests/switch-harness.sh), mounts a sysfs and a tmpfs on /run/netns
# there, and does everything inside: no host interface is touched and no
# traffic leaves.
#
# Topology, built afresh for each switch: two guests, network namespaces
# ns1 and ns2 (swb-ns1-PID, swb-ns2-PID) holding eth0 with 10.77.0.1/24
# and 10.77.0.2/24; each eth0 is a veth whose peer (v1, v2) stays in the
# script's namespace as a port of bridge br0.  The veths keep their
# DEFAULT offloads (checksum offload, TSO, GSO on): the case of guests
# that nobody tuned.  The switches, one after the other (never two at a
# time):
#
#   linux-bridge  `ip link add br0 type bridge`, v1 and v2 its ports;
#   stock-ovs     Debian's ovsdb-server + ovs-vswitchd --disable-system,
#                 br0 with datapath_type=netdev (as tests/ovs-sandbox.sh),
#                 other_config:userspace-tso-enable left at its default
#                 (false); then once more, a fresh daemon started with
#                 userspace-tso-enable=true (it is read at start-up only),
#                 for the TCP, UDP and CPU rows marked "stock TSO on";
#   ours          vsdb-server + vswitchd with XSV_RUNDIR etc. in a scratch
#                 directory (as tests/switch-harness.sh).
#
# Figures, per switch (each the median over its repetitions):
#
#   TCP Gbit/s        iperf3, one stream, TCP_SECS s, ns1 -> ns2: the
#                     receiver's rate (end.sum_received); TCP_RUNS runs.
#                     iperf3's control connection is TCP too: if the
#                     client cannot connect within 5 s although ns1 pings
#                     ns2 (stock with TSO off delivers every TCP and UDP
#                     segment of such guests with a bad checksum: the
#                     partial checksum of the offload is never completed),
#                     the switch carries no TCP: 0, with a note (and the
#                     count of bad-checksum segments ns2 dropped,
#                     InCsumErrors of its /proc/net/snmp), no more runs.
#   UDP 64 B kpps     iperf3 -u -l 18 -b 0 (no rate limit), UDP_SECS s,
#                     ns1 -> ns2: 18 bytes of payload (iperf3's 12-byte
#                     header and 6 more) + 8 UDP + 20 IPv4 + 14 Ethernet
#                     = 60 bytes per frame as the veth carries it, 64 on a
#                     wire with its 4-byte FCS: the minimum Ethernet frame.
#                     Packets per second RECEIVED by ns2's iperf3 (its
#                     sum_received: bytes / 18, over its seconds); RUNS
#                     runs.  The sender is a single iperf3 thread, one
#                     send(2) per packet: it, not a switch, may be the
#                     limit (compare with the Linux bridge's row).  No
#                     connection: 0, as for TCP.
#   UDP loss %        (sent - received) / sent, sent = the client's count.
#                     Below the table, per switch, where they were lost
#                     (all runs together): v1's rx and v2's tx counters
#                     (what entered and left the switch), ns2's eth0 rx
#                     and rx_dropped, its UDP InDatagrams and RcvbufErrors
#                     (the receiving iperf3 too slow: on 2 cores it
#                     shares them with the sender and the switch).
#   ping median/p99   `ping -c PINGS -i PING_INTERVAL` ns1 -> ns2, the time=
#                     of each reply (us); the median and the 99th
#                     percentile (nearest rank) per run, then the median of
#                     those over RUNS runs.  Lost replies are reported
#                     below the table.
#   CPU % TCP / UDP   the switch daemon's (ovs-vswitchd's, our vswitchd's)
#                     CPU time during each TCP / UDP run (utime + stime of
#                     /proc/PID/stat: all its threads, including the
#                     kernel work done in its system calls) over the run's
#                     wall time, in % of one core.  The Linux bridge has no
#                     daemon: its work is in the guests' and the softirq
#                     contexts ("-").  For reading the CPU rows beside
#                     the throughput: CPU per Gbit/s (TCP) and CPU ns per
#                     received packet (UDP), no target.  A stock that
#                     forwarded nothing has no CPU figure ("-"): the CPU
#                     targets are then judged against stock with TSO on
#                     (and the last line says so).
#   PORTS add s       one transaction adding bridge br1k and PORTS internal
#                     ports (`add-br br1k -- add-port br1k p1 -- set
#                     Interface p1 type=internal -- ...`; stock adds
#                     `-- set Bridge br1k datapath_type=netdev`), by
#                     ovs-vsctl for stock and our vsctl for ours, both
#                     WITHOUT --no-wait: until the command returns, i.e.
#                     until the daemon has created the devices and written
#                     back cur_cfg (checked: PORTS devices p* exist when it
#                     returns).  Wall seconds, median of CP_RUNS.
#   del-br PORTS s    `del-br br1k` holding those ports, waiting likewise
#                     (checked: no p* device left).  For the Linux bridge
#                     the equivalent with one `ip -batch` file each: add
#                     the bridge and PORTS tap devices (`tuntap add mode
#                     tap`, what an internal port of both userspace
#                     switches is) enslaved to it (and put in group 77),
#                     then delete the bridge and the taps (`link del group
#                     77`: the kernel unregisters them as one batch).  No
#                     daemon, no database: a floor, not a competitor.  Once
#                     more, deleting the taps one `ip link del` at a time,
#                     which is what the kernel charges a switch that
#                     closes or deletes its taps one by one (a note: about
#                     16 ms a device here, waiting for RCU each time).
#
# The table gives the three switches side by side, and ours/stock per
# figure (higher is better for Gbit/s and kpps, lower for the rest).  The
# last line says which of the issue's targets are met: ahead of stock
# ovs-vswitchd/netdev on every figure with default guest offloads (TCP
# higher, UDP at least twice its received rate, ping lower median and p99,
# CPU lower during TCP and during UDP) and the PORTS-port bridge deleted in
# under a second.  A measurement that fails is printed as FAIL (and the
# script exits 1); figures that are merely poor (stock forwarding TCP at
# next to nothing, say) are reported as measured.
#
# Below the table: notes (where UDP packets were lost, lost pings, bad
# checksums, devices a switch left behind, a daemon that died and what
# the kernel logged about it, the warnings and errors in our daemons'
# logs), the UDP ceiling (what the receiving guest takes when the Linux
# bridge forwards in the sender's own system call, against twice stock's
# rate), then a line comparing ours with stock with TSO on (no target).
#
# Environment (defaults): RUNS (10: UDP and ping runs), TCP_RUNS (3),
# TCP_SECS (10), UDP_SECS (3), PINGS (200), PING_INTERVAL (0.002),
# PORTS (1000), CP_RUNS (3: add and del-br of the PORTS-port bridge),
# CP_TIMEOUT (120 s per vsctl command; a daemon that dies meanwhile ends
# the wait at once), KEEP=1 to keep the scratch directory (the daemons'
# logs, the datapaths' port statistics).  SWITCHES (some of
# "linux-bridge stock-ovs stock-tso ours") and MEASURE (some of "ping udp
# tcp cp") restrict the run; what is left out shows as "-".  With the
# defaults it takes about 9 minutes on 2 cores, 4 of them our switch's
# 1,000-port transactions.
set -u

builddir=${1:-_build}
runs=${RUNS:-10}
tcp_runs=${TCP_RUNS:-3}
tcp_secs=${TCP_SECS:-10}
udp_secs=${UDP_SECS:-3}
pings=${PINGS:-200}
ping_interval=${PING_INTERVAL:-0.002}
ports=${PORTS:-1000}
cp_runs=${CP_RUNS:-3}
cp_timeout=${CP_TIMEOUT:-120}
me=switch-bench
# An iperf3 client that has not finished by then has hung.
client_timeout=$((tcp_secs > udp_secs ? tcp_secs + 60 : udp_secs + 60))

case $builddir in /*) ;; *) builddir=$(pwd)/$builddir ;; esac
srcdir=$(cd "$(dirname "$0")/.." && pwd)

if [ "$(id -u)" -ne 0 ]; then
    echo "# $me: skipped: needs root (for private network namespaces)"
    exit 0
fi
for prog in unshare ip ss ping iperf3 jq timeout ovsdb-server ovsdb-tool \
            ovs-vsctl ovs-appctl ovs-vswitchd; do
    if ! command -v "$prog" >/dev/null; then
        echo "# $me: skipped: $prog not found"
        exit 0
    fi
done
STOCK_SCHEMA=/usr/share/openvswitch/vswitch.ovsschema
if [ ! -e "$STOCK_SCHEMA" ]; then
    echo "# $me: skipped: $STOCK_SCHEMA not found (openvswitch-switch)"
    exit 0
fi
SERVER=$builddir/vswitch/vsdb-server
VSWITCHD=$builddir/vswitch/vswitchd
VSCTL=$builddir/vswitch/vsctl
for prog in "$SERVER" "$VSWITCHD" "$VSCTL"; do
    if [ ! -x "$prog" ]; then
        echo "$0: $prog not found; build first (make -C $builddir)" >&2
        exit 1
    fi
done

if [ -z "${SWITCH_BENCH_IN_NETNS:-}" ]; then
    # A network namespace of our own, and a mount namespace in which /sys
    # shows that network namespace's devices and /run/netns is ours.
    SWITCH_BENCH_IN_NETNS=1 exec unshare --net --mount -- /bin/sh "$0" "$@"
fi
mount --make-rprivate / 2>/dev/null
if ! mount -t sysfs sysfs /sys; then
    echo "# $me: skipped: cannot mount sysfs"
    exit 0
fi
if ! mkdir -p /run/netns || ! mount -t tmpfs tmpfs /run/netns; then
    echo "# $me: skipped: cannot mount a tmpfs on /run/netns"
    exit 0
fi
ip link set lo up

if grep -q '^SANITIZER_CFLAGS = -f' "$builddir/Makefile" 2>/dev/null; then
    echo "# warning: $builddir is a sanitizer build; figures are inflated"
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/switch-bench.XXXXXX") || exit 1
NS1=swb-ns1-$$
NS2=swb-ns2-$$
guests=""
iperf_pid=""
daemon_pid=""           # the switch daemon being measured (CPU)
pidfiles=""             # of the daemons running now, stopped in reverse
status=0

# stop_pidfile FILE: SIGTERM the process named in FILE, wait up to 5 s for
# it to go, then SIGKILL it.
stop_pidfile() {
    [ -s "$1" ] || return 0
    pid=$(cat "$1")
    # A daemon that crashed left its pidfile: never signal a process that
    # is not one of the four daemons (the number may have been reused).
    case $(cat "/proc/$pid/comm" 2>/dev/null) in
        vswitchd|vsdb-server|ovs-vswitchd|ovsdb-server) ;;
        *) rm -f "$1"; return 0 ;;
    esac
    kill "$pid" 2>/dev/null
    n=0
    while [ $n -lt 100 ] && kill -0 "$pid" 2>/dev/null; do
        sleep 0.05
        n=$((n + 1))
    done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    rm -f "$1"
}
stop_daemons() {
    for f in $pidfiles; do
        stop_pidfile "$f"
    done
    pidfiles=""
    daemon_pid=""
}
stop_iperf() {
    if [ -n "$iperf_pid" ]; then
        kill "$iperf_pid" 2>/dev/null
        wait "$iperf_pid" 2>/dev/null
        iperf_pid=""
    fi
}
del_guests() {
    # The veths first: deleting a namespace is finished in the background.
    ip link del v1 2>/dev/null
    ip link del v2 2>/dev/null
    for ns in $guests; do
        ip netns del "$ns" 2>/dev/null
    done
    guests=""
}
cleanup() {
    for pid in ${cmd_pid:-} ${dog_pid:-}; do
        kill "$pid" 2>/dev/null
    done
    stop_iperf
    stop_daemons
    del_guests
    if [ "${KEEP:-0}" = 1 ]; then
        echo "# scratch directory kept: $T"
    else
        rm -rf "$T"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# note TEXT...: a line (folded) for below the table.
note() {
    echo "$*" | fold -s -w 76 | sed '1s/^/# /; 2,$s/^/#   /' >>"$T/notes"
}
# fail WHAT: a measurement of switch $sw failed (its cell is FAIL).
fail() {
    note "$sw: $1 failed"
    if [ -s "$T/err" ]; then
        sed 's/^/#     /' "$T/err" | head -5 >>"$T/notes"
    fi
    status=1
}
# record KEY VALUE: one figure of the current switch.
record() {
    echo "$2" >"$T/res/$sw/$1"
}

now() {
    date +%s.%N
}
# cpu_ticks: the CPU time (clock ticks, utime + stime over all threads) of
# the daemon being measured; empty without one.
cpu_ticks() {
    [ -n "$daemon_pid" ] || return 0
    sed 's/^.*) //' "/proc/$daemon_pid/stat" 2>/dev/null |
        awk '{ print $12 + $13 }'
}
HZ=$(getconf CLK_TCK 2>/dev/null || echo 100)
# cpu_pct TICKS0 TICKS1 T0 T1: % of one core between the two samples.
cpu_pct() {
    if [ -z "$1" ] || [ -z "$2" ]; then
        echo -
        return
    fi
    awk -v a="$1" -v b="$2" -v t0="$3" -v t1="$4" -v hz="$HZ" \
        'BEGIN { printf "%.1f", 100 * (b - a) / hz / (t1 - t0) }'
}
# alive: whether the daemons of this switch still run.
alive() {
    for f in $pidfiles; do
        [ -s "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null || return 1
    done
}
# died: notes (once per switch) which daemon died, and what the kernel
# said about it (a crash leaves a line in its log); false if none died.
died() {
    alive && return 1
    [ -n "$dead_noted" ] && return 0
    dead_noted=1
    status=1
    for f in $pidfiles; do
        pid=$(cat "$f" 2>/dev/null)
        if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
            name=$(basename "$f" .pid)
            note "$sw: $name (pid $pid) died during $what"
            # The kernel names the thread that faulted: NAME[TID], its
            # TID a little above the pid.
            dmesg 2>/dev/null | awk -v name="$name" -v pid="$pid" '
                {
                    i = index($0, " " name "[")
                    if (!i) next
                    tid = substr($0, i + length(name) + 2) + 0
                    if (tid >= pid && tid < pid + 64) print
                }' | tail -2 | sed 's/^/#     /' >>"$T/notes"
        fi
    done
    return 0
}
# watched_ctl ARG...: ctl ARG... (stdout to /dev/null, stderr to $T/err),
# returning its status; if a daemon of the switch dies meanwhile, the
# command is stopped (it would otherwise wait for it until its timeout).
watched_ctl() {
    # The program itself in the background (a function would run in a
    # subshell, and its pid would not be the program's).
    case $sw in
        ours) set -- "$VSCTL" --timeout="$cp_timeout" "$@" ;;
        *) set -- ovs-vsctl --timeout="$cp_timeout" "$@" ;;
    esac
    "$@" >/dev/null 2>"$T/err" &
    cmd_pid=$!
    (
        while kill -0 "$cmd_pid" 2>/dev/null; do
            if ! alive; then
                echo "(stopped: a daemon died)" >>"$T/err"
                kill "$cmd_pid" 2>/dev/null
                break
            fi
            sleep 0.2
        done
    ) &
    dog_pid=$!
    wait "$cmd_pid" 2>/dev/null
    rc=$?
    kill "$dog_pid" 2>/dev/null
    wait "$dog_pid" 2>/dev/null
    cmd_pid=""
    dog_pid=""
    return $rc
}

# median FILE [COLUMN]: the median of a column of numbers ("-" entries
# skipped); FAIL if none.
median() {
    awk -v c="${2:-1}" '$c != "-" { print $c }' "$1" 2>/dev/null | sort -g |
        awk '{ v[NR] = $1 }
            END {
                if (NR == 0) { print "FAIL"; exit }
                m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
                print m
            }'
}

# make_guests: the two namespaces, their veths, the peers v1 and v2 up
# here (not yet on any bridge).
make_guests() {
    for i in 1 2; do
        ns=swb-ns$i-$$
        ip netns add "$ns" || return 1
        guests="$guests $ns"
        ip link add name "v$i" type veth peer name eth0 netns "$ns" &&
        ip -n "$ns" link set lo up &&
        ip -n "$ns" link set eth0 up &&
        ip -n "$ns" addr add "10.77.0.$i/24" dev eth0 &&
        ip link set "v$i" up || return 1
    done
}
# leftovers: devices in this namespace other than lo (after a switch has
# been torn down there should be none).
leftovers() {
    ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' |
        grep -v '^lo$'
}
# clean_slate: removes what a switch left behind (and says so), once
# the guests' namespaces (and with them v1, v2) are gone: the kernel
# dismantles a namespace in the background, so it waits up to 5 s.
clean_slate() {
    n=0
    while [ $n -lt 50 ] && [ -n "$(leftovers)" ]; do
        sleep 0.1
        n=$((n + 1))
    done
    left=$(leftovers | tr '\n' ' ')
    if [ -n "$left" ]; then
        note "$sw: devices left after the switch stopped: $left"
        for dev in $left; do
            ip link del "$dev" 2>/dev/null
        done
    fi
}

# The daemons.  start_stock DIR [TSO]: ovsdb-server and ovs-vswitchd with
# the netdev datapath; TSO "true" sets userspace-tso-enable before the
# daemon starts.  start_ours DIR: vsdb-server and vswitchd.  Both set
# daemon_pid and pidfiles.
start_stock() {
    d=$1
    mkdir -p "$d"
    OVS_RUNDIR=$d OVS_LOGDIR=$d OVS_DBDIR=$d OVS_SYSCONFDIR=$d
    export OVS_RUNDIR OVS_LOGDIR OVS_DBDIR OVS_SYSCONFDIR
    ovsdb-tool create "$d/conf.db" "$STOCK_SCHEMA" 2>>"$d/start.log" &&
    ovsdb-server "$d/conf.db" --remote="punix:$d/db.sock" \
        --pidfile="$d/ovsdb-server.pid" --detach --no-chdir \
        --log-file="$d/ovsdb-server.log" 2>>"$d/start.log" || return 1
    pidfiles="$d/ovsdb-server.pid"
    ovs-vsctl --no-wait init 2>>"$d/start.log" || return 1
    if [ "${2:-}" = true ]; then
        ovs-vsctl --no-wait set Open_vSwitch . \
            other_config:userspace-tso-enable=true 2>>"$d/start.log" ||
            return 1
    fi
    ovs-vswitchd "unix:$d/db.sock" --pidfile="$d/ovs-vswitchd.pid" \
        --detach --no-chdir --disable-system \
        --log-file="$d/ovs-vswitchd.log" 2>>"$d/start.log" || return 1
    pidfiles="$d/ovs-vswitchd.pid $pidfiles"
    daemon_pid=$(cat "$d/ovs-vswitchd.pid")
}
start_ours() {
    d=$1
    mkdir -p "$d"
    XSV_RUNDIR=$d XSV_DBDIR=$d XSV_LOGDIR=$d
    XSV_SCHEMA=$srcdir/vswitch/vswitch.ovsschema
    export XSV_RUNDIR XSV_DBDIR XSV_LOGDIR XSV_SCHEMA
    "$SERVER" --pidfile --detach --log-file "$d/conf.db" \
        2>>"$d/start.log" || return 1
    pidfiles="$d/vsdb-server.pid"
    "$VSWITCHD" --pidfile --detach --log-file 2>>"$d/start.log" ||
        return 1
    pidfiles="$d/vswitchd.pid $pidfiles"
    daemon_pid=$(cat "$d/vswitchd.pid")
    "$VSCTL" --no-wait --timeout=10 init 2>>"$d/start.log"
}

# ctl ARG...: the current switch's vsctl (stock's or ours), waiting for
# the daemon (up to CP_TIMEOUT s); ctl_to SECONDS ARG...: the same with
# another timeout.
ctl_to() {
    secs=$1
    shift
    case $sw in
        ours) "$VSCTL" --timeout="$secs" "$@" ;;
        *) ovs-vsctl --timeout="$secs" "$@" ;;
    esac
}
ctl() {
    ctl_to "$cp_timeout" "$@"
}

# setup: the switch $sw with br0 holding v1 and v2, forwarding (ns1 pings
# ns2 within 20 s).
setup() {
    d=$T/$sw
    case $sw in
        linux-bridge)
            ip link add br0 type bridge &&
            ip link set br0 up &&
            ip link set v1 master br0 &&
            ip link set v2 master br0 ;;
        stock-ovs|stock-tso)
            tso=false
            [ $sw = stock-tso ] && tso=true
            start_stock "$d" $tso &&
            ctl add-br br0 -- set Bridge br0 datapath_type=netdev \
                -- add-port br0 v1 -- add-port br0 v2 2>>"$d/start.log" &&
            ip link set br0 up ;;
        ours)
            start_ours "$d" &&
            ctl add-br br0 -- add-port br0 v1 -- add-port br0 v2 \
                2>>"$d/start.log" &&
            ip link set br0 up ;;
    esac
    if [ $? != 0 ]; then
        cp "$d/start.log" "$T/err" 2>/dev/null
        return 1
    fi
    n=0
    until ip netns exec "$NS1" ping -c 1 -W 1 10.77.0.2 >/dev/null 2>&1; do
        n=$((n + 1))
        if [ $n -ge 20 ]; then
            echo "ns1 cannot ping ns2 through $sw" >"$T/err"
            return 1
        fi
    done
}
teardown() {
    stop_iperf
    if [ $sw = linux-bridge ]; then
        ip link del br0 2>/dev/null
    elif died; then
        :
    else
        # For KEEP=1: the datapath's own view after the runs.
        if [ $sw = ours ]; then
            "$builddir/vswitch/vsappctl" -t "$T/ours/vswitchd.ctl" \
                dpif/show >"$T/ours/dpif-show.txt" 2>&1
        else
            ovs-appctl -t ovs-vswitchd dpctl/show -s \
                >"$T/$sw/dpctl-show.txt" 2>&1
        fi
    fi
    if [ $sw != linux-bridge ] && alive &&
       ! ctl_to 30 del-br br0 >/dev/null 2>"$T/err"; then
        fail "del-br br0 at the end"
    fi
    stop_daemons
    del_guests
    clean_slate
}

# iperf_start: a one-off iperf3 server in ns2, listening.
iperf_start() {
    ip netns exec "$NS2" iperf3 -s -1 -p 5201 >"$T/iperf-s.out" 2>&1 &
    iperf_pid=$!
    n=0
    until ip netns exec "$NS2" ss -Hltn 'sport = :5201' 2>/dev/null |
          grep -q .; do
        n=$((n + 1))
        [ $n -ge 50 ] && return 1
        sleep 0.1
    done
}

# csum_errors: TCP and UDP segments ns2's stack has dropped for a bad
# checksum so far (Tcp InCsumErrors + Udp InCsumErrors of its
# /proc/net/snmp).
csum_errors() {
    ip netns exec "$NS2" cat /proc/net/snmp 2>/dev/null | awk '
        $1 == "Tcp:" || $1 == "Udp:" {
            if (!($1 in names)) { names[$1] = $0; next }
            n = split(names[$1], k)
            for (f = 2; f <= n; f++)
                if (k[f] == "InCsumErrors") sum += $f
        }
        END { print sum + 0 }'
}

# iperf_run OUT ARG...: one iperf3 client run from ns1 (JSON in OUT), the
# daemon's CPU around it; writes "START END TICKS0 TICKS1" to OUT.cpu.
# Returns 0 if it ran, 2 if the client could not connect to the server
# (its control connection is TCP: a switch that forwards no valid TCP
# segment fails here, and this is reported as 0, not as a failure), 1 if
# it failed otherwise.
iperf_run() {
    out=$1
    shift
    iperf_start || { echo "iperf3 server not listening" >"$T/err"; return 1; }
    e0=$(csum_errors)
    c0=$(cpu_ticks)
    t0=$(now)
    ip netns exec "$NS1" timeout "$client_timeout" iperf3 -c 10.77.0.2 \
        -p 5201 --connect-timeout 5000 -J "$@" >"$out" 2>"$T/err"
    rc=$?
    t1=$(now)
    c1=$(cpu_ticks)
    stop_iperf
    e1=$(csum_errors)
    echo "$t0 $t1 ${c0:--} ${c1:--}" >"$out.cpu"
    bad=$((bad + e1 - e0))
    # With -J, iperf3 reports an error in the JSON (and may exit 0).
    jq -r '.error // empty' "$out" >>"$T/err" 2>/dev/null
    if [ $rc != 0 ] || [ -s "$T/err" ]; then
        # (Not if it is for want of a switch daemon.)
        if grep -q 'unable to connect' "$T/err" &&
           { [ $sw = linux-bridge ] || alive; }; then
            return 2
        fi
        return 1
    fi
}

# no_connect WHAT: the note for a run whose client could not connect.
no_connect() {
    note "$sw: $1: iperf3 could not connect to ns2 within 5 s (ping works;" \
        "$bad TCP/UDP segments reached ns2 with a bad checksum):" \
        "counted as 0, no more runs"
}

# tcp KEY: TCP_RUNS runs; per run "Gbit/s cpu%" in $T/res/$sw/KEY.runs.
tcp() {
    key=$1
    : >"$T/res/$sw/$key.runs"
    bad=0
    i=0
    while [ $i -lt "$tcp_runs" ]; do
        i=$((i + 1))
        iperf_run "$T/$sw.tcp.$i" -t "$tcp_secs"
        case $? in
            0) ;;
            2)  no_connect TCP
                record "$key" 0
                record "$key.cpu" -
                return ;;
            *)  fail "TCP run $i"
                continue ;;
        esac
        gbps=$(jq '.end.sum_received.bits_per_second / 1e9' \
            "$T/$sw.tcp.$i") || { fail "TCP run $i (JSON)"; continue; }
        read -r t0 t1 c0 c1 <"$T/$sw.tcp.$i.cpu"
        echo "$gbps $(cpu_pct "$c0" "$c1" "$t0" "$t1")" \
            >>"$T/res/$sw/$key.runs"
    done
    [ $bad -gt 0 ] &&
        note "$sw: TCP: $bad TCP/UDP segments reached ns2 with a bad checksum"
    [ "$(wc -l <"$T/res/$sw/$key.runs")" -eq "$tcp_runs" ] || return
    record "$key" "$(median "$T/res/$sw/$key.runs" 1)"
    record "$key.cpu" "$(median "$T/res/$sw/$key.runs" 2)"
}

# path_counters: packet counters along the way from ns1 to ns2: "v1_rx
# v2_tx eth0_rx eth0_dropped udp_in udp_rcvbuferrors" (v1 and v2 are the
# switch's ends of the veths, eth0 is ns2's; Udp of its /proc/net/snmp).
path_counters() {
    printf '%s %s ' "$(cat /sys/class/net/v1/statistics/rx_packets)" \
        "$(cat /sys/class/net/v2/statistics/tx_packets)"
    ip netns exec "$NS2" sh -c 'cat /sys/class/net/eth0/statistics/rx_packets \
        /sys/class/net/eth0/statistics/rx_dropped /proc/net/snmp' 2>/dev/null |
        awk 'NR <= 2 { v[NR] = $1; next }
             $1 == "Udp:" {
                 if (!seen++) { for (f = 2; f <= NF; f++) k[f] = $f; next }
                 for (f = 2; f <= NF; f++) u[k[f]] = $f
             }
             END {
                 print v[1], v[2], u["InDatagrams"] + 0, u["RcvbufErrors"] + 0
             }'
}

# udp KEY: RUNS runs of 64-byte UDP; per run "received_pps loss% cpu%
# sent received".  Below the table, where the lost packets went.
udp() {
    key=$1
    : >"$T/res/$sw/$key.runs"
    bad=0
    before=$(path_counters)
    i=0
    while [ $i -lt "$runs" ]; do
        i=$((i + 1))
        iperf_run "$T/$sw.udp.$i" -u -l 18 -b 0 -t "$udp_secs"
        case $? in
            0) ;;
            2)  no_connect UDP
                record "$key" 0
                record "$key.loss" -
                record "$key.cpu" -
                return ;;
            *)  fail "UDP run $i"
                continue ;;
        esac
        line=$(jq -r '.end | [ .sum_sent.packets,
                                .sum_received.bytes / 18,
                                .sum_received.seconds ] | @tsv' \
            "$T/$sw.udp.$i") || { fail "UDP run $i (JSON)"; continue; }
        read -r t0 t1 c0 c1 <"$T/$sw.udp.$i.cpu"
        echo "$line" | awk -v cpu="$(cpu_pct "$c0" "$c1" "$t0" "$t1")" '
            {
                sent = $1; rcvd = $2; secs = $3
                loss = sent > 0 ? 100 * (sent - rcvd) / sent : 0
                printf "%.0f %.3f %s %d %d\n", rcvd / secs, loss, cpu, sent,
                       rcvd
            }' >>"$T/res/$sw/$key.runs"
    done
    # Where the lost ones went (all runs together; the counters also hold
    # the few packets of iperf3's control connections).
    rm -f "$T/udp-path"
    [ -s "$T/res/$sw/$key.runs" ] &&
    echo "$before $(path_counters)" | awk -v sw="$sw" '
        FNR == NR { sent += $4; rcvd += $5; next }
        {
            printf "%s: UDP, %d runs: iperf3 sent %d; v1 rx %d, v2 tx %d" \
                   " (difference %d); ns2 eth0 rx %d (dropped %d);" \
                   " its UDP: in %d, RcvbufErrors %d; iperf3 received %d\n",
                   sw, n, sent, $7 - $1, $8 - $2, ($7 - $1) - ($8 - $2),
                   $9 - $3, $10 - $4, $11 - $5, $12 - $6, rcvd
        }' n="$(wc -l <"$T/res/$sw/$key.runs")" "$T/res/$sw/$key.runs" - \
        >"$T/udp-path"
    [ -s "$T/udp-path" ] && note "$(cat "$T/udp-path")"
    [ $bad -gt 0 ] &&
        note "$sw: UDP: $bad TCP/UDP segments reached ns2 with a bad checksum"
    [ "$(wc -l <"$T/res/$sw/$key.runs")" -eq "$runs" ] || return
    record "$key" "$(median "$T/res/$sw/$key.runs" 1)"
    record "$key.loss" "$(median "$T/res/$sw/$key.runs" 2)"
    record "$key.cpu" "$(median "$T/res/$sw/$key.runs" 3)"
}

# ping_runs: RUNS runs of PINGS pings; per run "median_us p99_us replies".
ping_runs() {
    : >"$T/res/$sw/ping.runs"
    lost=0
    i=0
    while [ $i -lt "$runs" ]; do
        i=$((i + 1))
        ip netns exec "$NS1" timeout 120 ping -n -c "$pings" \
            -i "$ping_interval" -W 1 10.77.0.2 >"$T/ping.out" 2>"$T/err"
        sed -n 's/.* time=\([0-9.]*\) ms.*/\1/p' "$T/ping.out" |
            awk '{ printf "%.1f\n", $1 * 1000 }' | sort -g >"$T/rtt"
        n=$(wc -l <"$T/rtt")
        if [ "$n" -eq 0 ]; then
            fail "ping run $i (no reply)"
            continue
        fi
        lost=$((lost + pings - n))
        awk -v n="$n" '{ v[NR] = $1 }
            END {
                m = n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
                r = int(0.99 * n); if (r < 0.99 * n) r++
                print m, v[r], n
            }' "$T/rtt" >>"$T/res/$sw/ping.runs"
    done
    [ $lost -gt 0 ] &&
        note "$sw: ping: $lost of $((runs * pings)) replies lost"
    [ "$(wc -l <"$T/res/$sw/ping.runs")" -eq "$runs" ] || return
    record ping.med "$(median "$T/res/$sw/ping.runs" 1)"
    record ping.p99 "$(median "$T/res/$sw/ping.runs" 2)"
}

# count_ports: how many of p1..pPORTS exist as devices here.
count_ports() {
    find /sys/class/net/ -maxdepth 1 -name 'p[0-9]*' | wc -l
}

# control_plane: CP_RUNS times, the PORTS-port bridge added in one
# transaction, then deleted; per run "add_s del_s".
control_plane() {
    : >"$T/res/$sw/cp.runs"
    i=0
    while [ $i -lt "$cp_runs" ]; do
        i=$((i + 1))
        if [ $sw = linux-bridge ]; then
            {
                echo "link add br1k type bridge"
                j=1
                while [ $j -le "$ports" ]; do
                    echo "tuntap add mode tap name p$j"
                    echo "link set p$j master br1k group 77"
                    j=$((j + 1))
                done
            } >"$T/add.batch"
            printf 'link del br1k\nlink del group 77\n' >"$T/del.batch"
            t0=$(now)
            ip -batch "$T/add.batch" >/dev/null 2>"$T/err"
            rc=$?
            t1=$(now)
        else
            # (The function's own positional parameters.)
            set -- add-br br1k
            [ $sw = ours ] ||
                set -- "$@" -- set Bridge br1k datapath_type=netdev
            j=1
            while [ $j -le "$ports" ]; do
                set -- "$@" -- add-port br1k "p$j" \
                    -- set Interface "p$j" type=internal
                j=$((j + 1))
            done
            t0=$(now)
            watched_ctl "$@"
            rc=$?
            t1=$(now)
        fi
        n=$(count_ports)
        add_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
        if [ $rc != 0 ]; then
            fail "$ports ports in one transaction (run $i, $add_s s)"
            add_s=-
        elif [ "$n" -ne "$ports" ]; then
            echo "only $n of $ports devices existed when it returned" \
                >"$T/err"
            fail "$ports ports in one transaction (run $i, $add_s s)"
            add_s=-
        fi
        t0=$(now)
        if [ $sw = linux-bridge ]; then
            ip -batch "$T/del.batch" >/dev/null 2>"$T/err"
        else
            watched_ctl del-br br1k
        fi
        rc=$?
        t1=$(now)
        n=$(count_ports)
        del_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
        if [ $rc != 0 ]; then
            fail "del-br with $ports ports (run $i, $del_s s)"
            del_s=-
        elif [ "$n" -ne 0 ]; then
            echo "$n of $ports devices were left when it returned" >"$T/err"
            fail "del-br with $ports ports (run $i, $del_s s)"
            del_s=-
            # Give it time to finish before the next run.
            k=0
            while [ $k -lt 600 ] && [ "$(count_ports)" -ne 0 ]; do
                sleep 0.1
                k=$((k + 1))
            done
        fi
        echo "$add_s $del_s" >>"$T/res/$sw/cp.runs"
        alive || break
    done
    if [ "$(grep -c -v -e - "$T/res/$sw/cp.runs")" -ne "$cp_runs" ]; then
        note "$sw: add and del-br of $ports ports, per run (s):" \
            "$(tr '\n' ';' <"$T/res/$sw/cp.runs")"
        return
    fi
    record cp.add "$(median "$T/res/$sw/cp.runs" 1)"
    record cp.del "$(median "$T/res/$sw/cp.runs" 2)"
    [ $sw = linux-bridge ] || return 0
    # Once more, deleting the taps one `ip link del` at a time (each
    # unregisters its device on its own, as a switch closing its taps one
    # by one does): what the kernel charges per device.
    {
        echo "link del br1k"
        j=1
        while [ $j -le "$ports" ]; do
            echo "link del p$j"
            j=$((j + 1))
        done
    } >"$T/del1.batch"
    if ip -batch "$T/add.batch" >/dev/null 2>"$T/err"; then
        t0=$(now)
        ip -batch "$T/del1.batch" >/dev/null 2>"$T/err"
        t1=$(now)
        note "linux-bridge: the $ports taps deleted one \`ip link del\` at a" \
            "time instead: $(awk -v a="$t0" -v b="$t1" \
                'BEGIN { printf "%.3f", b - a }') s (once)"
    fi
    ip -force -batch "$T/del.batch" >/dev/null 2>&1
}

# measure SW WHAT...: sets up switch SW and measures WHAT (tcp, udp, ping,
# cp); figures not measured stay FAIL, or "-" for the ones not asked.
measure() {
    sw=$1
    shift
    dead_noted=""
    mkdir -p "$T/res/$sw"
    for key in tcp tcp.cpu udp udp.loss udp.cpu ping.med ping.p99 \
               cp.add cp.del; do
        record $key -
    done
    for what in "$@"; do
        case $what in
            tcp) record tcp FAIL; record tcp.cpu FAIL ;;
            udp) record udp FAIL; record udp.loss FAIL; record udp.cpu FAIL ;;
            ping) record ping.med FAIL; record ping.p99 FAIL ;;
            cp) record cp.add FAIL; record cp.del FAIL ;;
        esac
    done
    [ $sw = linux-bridge ] && { record tcp.cpu -; record udp.cpu -; }
    what=setup
    if ! make_guests; then
        echo "cannot create the guests" >"$T/err"
        fail "setup"
        teardown
        return
    fi
    if ! setup; then
        fail "setup"
        teardown
        return
    fi
    # A warm-up, not counted (ARP, MAC learning, flow caches).
    ip netns exec "$NS1" ping -c 20 -i 0.01 -W 1 10.77.0.2 >/dev/null 2>&1
    for what in "$@"; do
        case $what in
            tcp) tcp tcp ;;
            udp) udp udp ;;
            ping) ping_runs ;;
            cp) control_plane ;;
        esac
        if [ $sw != linux-bridge ] && died; then
            break
        fi
    done
    [ $sw = linux-bridge ] && { record tcp.cpu -; record udp.cpu -; }
    teardown
}

stock_ver=$(ovs-vswitchd --version | sed -n '1s/.*) //p')
cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
printf '# %s, %s, %s cores, kernel %s, Open vSwitch %s, %s\n' \
    "$(uname -m)" "${cpu_model:-unknown CPU}" "$(nproc)" "$(uname -r)" \
    "$stock_ver" "$(date -u +%Y-%m-%dT%H:%MZ)"
printf '# %s; TCP %s x %s s; UDP %s x %s s; ping %s x %s at %s s;' \
    "$builddir" "$tcp_runs" "$tcp_secs" "$runs" "$udp_secs" "$runs" \
    "$pings" "$ping_interval"
printf ' %s ports x %s; medians\n' "$ports" "$cp_runs"

# wanted SW WHAT...: measure SW, for those of WHAT that MEASURE names
# (all by default), if SWITCHES names it (all by default).
wanted() {
    sw=$1
    shift
    case " ${SWITCHES:-$sw} " in *" $sw "*) ;; *) return ;; esac
    set -- $(for w in "$@"; do
        case " ${MEASURE:-$w} " in *" $w "*) echo "$w" ;; esac
    done)
    [ $# -gt 0 ] && measure "$sw" "$@"
}
wanted linux-bridge ping udp tcp cp
wanted stock-ovs ping udp tcp cp
wanted stock-tso udp tcp
wanted ours ping udp tcp cp
for log in vswitchd vsdb-server; do
    [ -s "$T/ours/$log.log" ] || continue
    n=$(grep -c -i -E '\|(err|emer|warn)\|' "$T/ours/$log.log")
    note "ours: $log.log: $n warnings or errors"
    grep -i -E '\|(err|emer|warn)\|' "$T/ours/$log.log" | head -5 |
        sed 's/^/#     /' >>"$T/notes"
done

# The table.  get SW KEY: a figure.
get() {
    if [ -d "$T/res/$1" ]; then
        cat "$T/res/$1/$2" 2>/dev/null || echo FAIL
    else
        echo -         # not measured (SWITCHES)
    fi
}
# isnum VALUE: whether VALUE is a figure (not "-" or FAIL).
isnum() {
    case $1 in -|FAIL|"") return 1 ;; *) return 0 ;; esac
}
# fmt DECIMALS VALUE: a number rounded; "-" and FAIL as they are.
fmt() {
    if isnum "$2"; then
        awk -v d="$1" -v v="$2" 'BEGIN { printf "%.*f", d, v }'
    else
        echo "$2"
    fi
}
# ratio A B: A / B, 2 decimals ("inf" if only B is 0), or "-".
ratio() {
    if isnum "$1" && isnum "$2"; then
        awk -v a="$1" -v b="$2" 'BEGIN {
            if (b + 0 > 0) printf "%.2f", a / b
            else print (a + 0 > 0 ? "inf" : "-")
        }'
    else
        echo -
    fi
}
# per DIVIDEND DIVISOR SCALE: DIVIDEND * SCALE / DIVISOR, or "-".
per() {
    if isnum "$1" && isnum "$2"; then
        awk -v a="$1" -v b="$2" -v s="$3" \
            'BEGIN { if (b + 0 > 0) printf "%.6g", a * s / b; else print "-" }'
    else
        echo -
    fi
}
kpps() {
    if isnum "$1"; then
        awk -v v="$1" 'BEGIN { printf "%.6g", v / 1000 }'
    else
        echo "$1"
    fi
}
# row NAME DECIMALS LB STOCK OURS
row() {
    printf '%-34s %12s %13s %12s %10s\n' "$1" "$(fmt "$2" "$3")" \
        "$(fmt "$2" "$4")" "$(fmt "$2" "$5")" "$(ratio "$5" "$4")"
}

printf '%-34s %12s %13s %12s %10s\n' figure linux-bridge "stock(netdev)" \
    ours ours/stock
row "TCP Gbit/s" 2 "$(get linux-bridge tcp)" "$(get stock-ovs tcp)" \
    "$(get ours tcp)"
row "  stock TSO on" 2 - "$(get stock-tso tcp)" "$(get ours tcp)"
row "UDP 64 B received kpps" 1 "$(kpps "$(get linux-bridge udp)")" \
    "$(kpps "$(get stock-ovs udp)")" "$(kpps "$(get ours udp)")"
row "  stock TSO on" 1 - "$(kpps "$(get stock-tso udp)")" \
    "$(kpps "$(get ours udp)")"
row "UDP 64 B loss %" 2 "$(get linux-bridge udp.loss)" \
    "$(get stock-ovs udp.loss)" "$(get ours udp.loss)"
row "  stock TSO on" 2 - "$(get stock-tso udp.loss)" "$(get ours udp.loss)"
row "ping median us" 1 "$(get linux-bridge ping.med)" \
    "$(get stock-ovs ping.med)" "$(get ours ping.med)"
row "ping p99 us" 1 "$(get linux-bridge ping.p99)" \
    "$(get stock-ovs ping.p99)" "$(get ours ping.p99)"
row "daemon CPU % during TCP" 1 - "$(get stock-ovs tcp.cpu)" \
    "$(get ours tcp.cpu)"
row "  stock TSO on" 1 - "$(get stock-tso tcp.cpu)" "$(get ours tcp.cpu)"
row "daemon CPU % during UDP" 1 - "$(get stock-ovs udp.cpu)" \
    "$(get ours udp.cpu)"
row "  stock TSO on" 1 - "$(get stock-tso udp.cpu)" "$(get ours udp.cpu)"
row "CPU % per TCP Gbit/s (no target)" 1 - \
    "$(per "$(get stock-ovs tcp.cpu)" "$(get stock-ovs tcp)" 1)" \
    "$(per "$(get ours tcp.cpu)" "$(get ours tcp)" 1)"
row "  stock TSO on" 1 - \
    "$(per "$(get stock-tso tcp.cpu)" "$(get stock-tso tcp)" 1)" \
    "$(per "$(get ours tcp.cpu)" "$(get ours tcp)" 1)"
row "CPU ns per UDP packet (no target)" 0 - \
    "$(per "$(get stock-ovs udp.cpu)" "$(get stock-ovs udp)" 1e7)" \
    "$(per "$(get ours udp.cpu)" "$(get ours udp)" 1e7)"
row "  stock TSO on" 0 - \
    "$(per "$(get stock-tso udp.cpu)" "$(get stock-tso udp)" 1e7)" \
    "$(per "$(get ours udp.cpu)" "$(get ours udp)" 1e7)"
row "$ports ports, 1 txn, add s" 3 "$(get linux-bridge cp.add)" \
    "$(get stock-ovs cp.add)" "$(get ours cp.add)"
row "del-br with $ports ports s" 3 "$(get linux-bridge cp.del)" \
    "$(get stock-ovs cp.del)" "$(get ours cp.del)"
cat "$T/notes" 2>/dev/null
echo "# \"stock TSO on\": a fresh stock ovs-vswitchd started with"
echo "# other_config:userspace-tso-enable=true (not the default); ratios are"
echo "# ours/stock (higher is better for Gbit/s and kpps, lower for the rest);"
echo "# CPU: % of one core, all the daemon's threads; linux-bridge add/del:"
echo "# one \`ip -batch\` each (bridge + $ports taps), no daemon, no database:"
echo "# a floor, not a competitor."

# The UDP ceiling: how much the receiving guest takes when no switch
# process stands between (the Linux bridge forwards in the sender's own
# system call), against twice what stock delivers.
awk -v lb="$(get linux-bridge udp)" -v st="$(get stock-tso udp)" \
    -v o="$(get ours udp)" '
    function num(v) { return v != "" && v != "-" && v != "FAIL" }
    BEGIN {
        if (!num(lb) || !num(st) || st + 0 == 0)
            exit
        printf "# UDP ceiling: the Linux bridge delivers %.1f kpps, %.2fx" \
               " stock with TSO on (twice stock: %.1f kpps)", lb / 1000,
               lb / st, 2 * st / 1000
        if (num(o))
            printf "; ours %.2fx the Linux bridge", o / lb
        printf "\n"
    }'

# verdicts STOCK: ours against STOCK, figure by figure.  For stock-tso
# (the one configuration in which stock forwards these guests' TCP and
# UDP), a line for reading: TCP, UDP and CPU, no target.  For stock-ovs
# (as shipped, userspace-tso-enable=false), the issue's targets: also ping
# and the bridge deletion; and a CPU figure of a stock that forwarded
# nothing (TCP or UDP at 0: no connection), which means nothing, is judged
# against stock with TSO on, and says so.
verdicts() {
    awk -v stock="$1" \
        -v tcp_o="$(get ours tcp)" -v tcp_s="$(get "$1" tcp)" \
        -v udp_o="$(get ours udp)" -v udp_s="$(get "$1" udp)" \
        -v pm_o="$(get ours ping.med)" -v pm_s="$(get "$1" ping.med)" \
        -v pp_o="$(get ours ping.p99)" -v pp_s="$(get "$1" ping.p99)" \
        -v ct_o="$(get ours tcp.cpu)" -v ct_s="$(get "$1" tcp.cpu)" \
        -v cu_o="$(get ours udp.cpu)" -v cu_s="$(get "$1" udp.cpu)" \
        -v ct_t="$(get stock-tso tcp.cpu)" \
        -v cu_t="$(get stock-tso udp.cpu)" \
        -v del_o="$(get ours cp.del)" -v ports="$ports" '
    function num(v) { return v != "" && v != "-" && v != "FAIL" }
    # For reading, a figure not measured is left out; for the targets it
    # is listed as such, and a failed one as missed.
    function judge(name, ok, a, b) {
        if (info && (!num(a) || !num(b)))
            return
        if (a == "-" || b == "-")
            unmeasured = unmeasured " " name
        else if (!num(a) || !num(b))
            miss = miss " " name "(FAIL)"
        else if (ok)
            met = met " " name
        else
            miss = miss " " name
    }
    # judge_cpu NAME OURS STOCK STOCK-TSO THROUGHPUT-OF-STOCK
    function judge_cpu(name, o, s, t, thr) {
        if (!info && s == "-" && thr == "0") {
            s = t
            name = name "(vs-TSO-on)"
        }
        judge(name, o + 0 < s + 0, o, s)
    }
    BEGIN {
        info = stock == "stock-tso"
        judge("TCP-higher", tcp_o + 0 > tcp_s + 0, tcp_o, tcp_s)
        judge("UDP-2x", udp_o + 0 >= 2 * udp_s, udp_o, udp_s)
        if (!info) {
            judge("ping-median-lower", pm_o + 0 < pm_s + 0, pm_o, pm_s)
            judge("ping-p99-lower", pp_o + 0 < pp_s + 0, pp_o, pp_s)
        }
        judge_cpu("CPU-TCP-lower", ct_o, ct_s, ct_t, tcp_s)
        judge_cpu("CPU-UDP-lower", cu_o, cu_s, cu_t, udp_s)
        if (info) {
            printf "# Against stock with userspace-tso-enable=true (no" \
                   " target): met:%s; not met:%s\n",
                   met == "" ? " none" : met, miss == "" ? " none" : miss
            exit
        }
        judge("del-br-" ports "-under-1s", del_o + 0 < 1, del_o, 0)
        printf "Targets (ahead of stock ovs-vswitchd/netdev with default" \
               " guest offloads; the %s-port bridge deleted in < 1 s):" \
               " met:%s; not met:%s", ports, met == "" ? " none" : met,
               miss == "" ? " none" : miss
        if (unmeasured != "")
            printf "; not measured:%s", unmeasured
        printf "\n"
    }'
}
verdicts stock-tso
verdicts stock-ovs
exit $status
