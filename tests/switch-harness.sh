# switch-harness.sh -- sourced by the tests of the bundled switch
# (vsdb-server + vswitchd + the userspace datapath) that move real packets.
#
# As root, re-executes the test in a private network and mount namespace
# (with its own sysfs), so that nothing it does touches the host's
# interfaces, then starts vsdb-server and vswitchd in the test's scratch
# directory.  Offers:
#
#   vs ARG...            our vsctl against the test's database
#   guest NAME IP [MAC]  a "guest": network namespace xsv-NAME-PID holding
#                        eth0 (IP/24, MAC if given), whose veth peer NAME
#                        stays here to be added to a bridge
#   inns NAME CMD...     runs CMD in guest NAME's namespace
#   start_vswitchd, stop_vswitchd, start_server, stop_server
#   capture NAME FILE FILTER...
#                        tcpdump on guest NAME's eth0 in the background
#                        (link-level headers), until stop_captures
#
# Everything it started is stopped by pid, and every namespace deleted, on
# exit.  Needs: root, unshare, ip, ping; tcpdump for captures.
. "${top_srcdir:-.}/tests/tap.sh"

if [ "$(id -u)" -ne 0 ]; then
    skip_all "needs root (network namespaces)"
fi
if [ -z "${XSV_IN_NETNS:-}" ]; then
    command -v unshare >/dev/null || skip_all "unshare(1) not found"
    command -v ip >/dev/null || skip_all "ip(8) not found"
    trap - EXIT
    rm -rf "$TMPDIR_TEST"
    XSV_IN_NETNS=1 exec unshare --net --mount -- /bin/sh "$0" "$@"
fi
mount -t sysfs sysfs /sys || skip_all "cannot mount sysfs"
ip link set lo up

SERVER=$top_builddir/vswitch/vsdb-server
VSWITCHD=$top_builddir/vswitch/vswitchd
VSCTL=$top_builddir/vswitch/vsctl
VSAPPCTL=$top_builddir/vswitch/vsappctl
VSOFCTL=$top_builddir/vswitch/vsofctl
for prog in "$SERVER" "$VSWITCHD" "$VSCTL"; do
    [ -x "$prog" ] || skip_all "$prog not built"
done

T=$TMPDIR_TEST
XSV_RUNDIR=$T XSV_DBDIR=$T XSV_LOGDIR=$T
XSV_SCHEMA=$top_srcdir/vswitch/vswitch.ovsschema
export XSV_RUNDIR XSV_DBDIR XSV_LOGDIR XSV_SCHEMA

harness_guests=""
harness_captures=""

start_server() {
    "$SERVER" --pidfile --detach --log-file "$T/conf.db" 2>>"$T/start.log"
}
start_vswitchd() {
    [ -n "${VSW_DEBUG:-}" ] && set -- -vdbg
    "$VSWITCHD" --pidfile --detach --log-file "$@" 2>>"$T/start.log"
}
# stop_daemon FILE: tap.sh's stop_pidfile, then SIGKILL if it is still
# there, and the pid file removed (a daemon that did not exit cleanly
# leaves it behind).
stop_daemon() {
    stop_pidfile "$1"
    [ -s "$1" ] && kill -9 "$(cat "$1")" 2>/dev/null
    rm -f "$1"
}
stop_server() { stop_daemon "$T/vsdb-server.pid"; }
stop_vswitchd() { stop_daemon "$T/vswitchd.pid"; }

vs() { "$VSCTL" --timeout=10 "$@"; }

guest() {
    ns=xsv-$1-$$
    ip netns add "$ns" || return 1
    harness_guests="$harness_guests $ns"
    ip link add name "$1" type veth peer name eth0 netns "$ns" || return 1
    if [ -n "${3:-}" ]; then
        ip -n "$ns" link set eth0 address "$3"
    fi
    ip -n "$ns" link set lo up
    ip -n "$ns" link set eth0 up
    ip -n "$ns" addr add "$2/24" dev eth0
    ip link set dev "$1" up
}
inns() {
    ns=xsv-$1-$$
    shift
    ip netns exec "$ns" "$@"
}
# mac_of NAME: the MAC of guest NAME's eth0.
mac_of() {
    ip -n "xsv-$1-$$" -o link show eth0 |
        sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'
}

capture() {
    name=$1
    file=$2
    shift 2
    inns "$name" tcpdump -l -n -e -i eth0 "$@" >"$file" 2>"$file.err" &
    harness_captures="$harness_captures $!"
    # tcpdump says "listening on" once its filter is in place.
    n=0
    until grep -q listening "$file.err" 2>/dev/null || [ $n -ge 50 ]; do
        sleep 0.1
        n=$((n + 1))
    done
}
stop_captures() {
    sleep 0.3
    for pid in $harness_captures; do
        kill "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    harness_captures=""
}


bail_out() {
    echo "Bail out! $*"
    exit 1
}

harness_cleanup() {
    stop_captures
    stop_vswitchd
    stop_server
    for ns in $harness_guests; do
        ip netns del "$ns" 2>/dev/null
    done
    if [ -n "${KEEP_LOGS:-}" ]; then
        cp "$T"/*.log "$KEEP_LOGS" 2>/dev/null
    fi
}
at_exit harness_cleanup

start_server || bail_out "vsdb-server does not start: $(cat "$T/start.log")"
start_vswitchd || bail_out "vswitchd does not start: $(cat "$T/start.log")"
vs --no-wait init || bail_out "vsctl init fails"
