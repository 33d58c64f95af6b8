#! /bin/bash
# demo.sh -- builds xsvswitch and shows XenServer's start of day on it, in
# a throwaway network namespace, from bundled example data:
#   1. the bundled switch starts (vsdb-server, the configuration
#      database; vswitchd, the switching daemon, on the userspace
#      datapath) and every bridge left in its database is deleted, as
#      XenServer expects;
#   2. interface-reconfigure --force xenbr0 up brings the management
#      interface up from the cache (tests/fixtures/start-of-day.dbcache:
#      static 192.0.2.10/24 on eth0, a secure pool);
#   3. the host pings its gateway, a second namespace on the wire;
#   4. a summary of what was built; then the dbcache tool reads the same
#      configuration from a (test) XAPI, as `rewrite` will.
# Run as root; installs missing Debian packages first.
set -eu
top=$(cd "$(dirname "$0")" && pwd)
cd "$top"
B=$top/_build/demo

if [ "${XSV_DEMO_IN_NS:-}" != 1 ]; then
    . tests/deps.sh
    xsv_install_deps
    if [ "$(id -u)" -ne 0 ]; then
        echo "demo.sh: run as root (it works in a throwaway network namespace)" >&2
        exit 1
    fi
    echo "Building (in _build/demo)..."
    [ -x configure ] || ./boot.sh >/dev/null 2>&1
    mkdir -p "$B"
    (cd "$B" && { [ -f Makefile ] || "$top/configure" -q; } &&
        make -s -j"$(nproc)" >/dev/null &&
        make -s tests/test-xapi-server >/dev/null)
    echo "Entering a throwaway network namespace."
    XSV_DEMO_IN_NS=1 exec unshare --net --mount -- "$0" "$@"
fi
mount -t sysfs sysfs /sys
ip link set lo up

IFR=$B/reconfigure/interface-reconfigure
DBCACHE=$B/dbcache/dbcache
SERVER=$B/tests/test-xapi-server
T=$(mktemp -d /tmp/xsv-demo.XXXXXX)
R=$T/root
GW=xsv-demo-gw-$$
pids=
top_srcdir=$top top_builddir=$B XSV_SWITCH=bundled
VSCTL=$B/vswitch/vsctl
. tests/ovs-sandbox.sh
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    ovs_stop
    ip netns del "$GW" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*" | sed "s|$B/||g; s|$T|\$TMP|g"; "$@"; }

say "The host: two NICs (veth) with the MACs of the example cache; eth0's wire leads to a gateway"
ip link add eth0 address 00:16:3e:5a:00:01 type veth peer name eth0-p
ip link add eth1 address 00:16:3e:5a:00:02 type veth peer name eth1-p
ip netns add "$GW"
ip link set eth0-p netns "$GW"
ip -n "$GW" link set lo up
ip -n "$GW" link set eth0-p up
ip -n "$GW" addr add 192.0.2.1/24 dev eth0-p
ip -br link show

say "The fake root XenServer would have: the network cache, network.conf"
mkdir -p "$R/etc/xensource" "$R/etc/sysconfig/network-scripts" \
    "$R/var/xapi" "$R/sbin" "$R/run"
echo vswitch >"$R/etc/xensource/network.conf"
cp tests/fixtures/start-of-day.dbcache "$R/var/xapi/network.dbcache"
cp tests/xapi/xensource-inventory "$R/etc/"
ln -s "$(command -v ethtool)" "$R/sbin/ethtool"
ovs_wrappers "$R"
printf 'vsctl=/usr/bin/vsctl-netdev\nofctl=/usr/bin/ofctl\n' \
    >"$R/etc/interface-reconfigure.conf"
run "$DBCACHE" dump "$R/var/xapi/network.dbcache" | sed -n '1,4p;/^Networks/,/^$/p'

say "Start of day 1: the switch starts, and every bridge in its database is deleted"
ovs_start "$T/ovs"
"$VSCTL" add-br leftover
echo "bridges before: $("$VSCTL" list-br | tr '\n' ' ')"
for br in $("$VSCTL" list-br); do "$VSCTL" del-br "$br"; done
echo "bridges after:  $("$VSCTL" list-br | tr '\n' ' ')(none)"

say "Start of day 2: the management interface comes up from the cache"
run "$IFR" --root-prefix="$R" --no-syslog --force xenbr0 up

say "Start of day 3: the host reaches its gateway through the secure bridge"
run ping -c 3 -i 0.2 -W 2 192.0.2.1

say "What was built"
run "$VSCTL" show
echo "fail_mode: $("$VSCTL" get Bridge xenbr0 fail_mode)," \
     "xs-network-uuids: $("$VSCTL" br-get-external-id xenbr0 xs-network-uuids)"
run "$B/vswitch/vsofctl" dump-flows xenbr0 --no-stats
run "$B/vswitch/vsappctl" dpif/show
run "$B/vswitch/vsappctl" fdb/show xenbr0
run ip -4 -br addr show dev xenbr0
run ip -4 route
run cat "$R/etc/sysconfig/network-scripts/ifcfg-xenbr0"
run cat "$R/etc/resolv.conf"

say "Later, XAPI runs: the cache is refreshed from it (here a test XAPI on a unix socket)"
"$SERVER" --unix "$T/xapi.sock" --fixture tests/xapi/pool.xml \
    --pidfile "$T/xapi.pid" 2>/dev/null &
pids="$pids $!"
while [ ! -s "$T/xapi.pid" ]; do sleep 0.05; done
run "$DBCACHE" fetch --xapi "unix:$T/xapi.sock" --root-prefix "$R" \
    -o "$T/network.dbcache"
run "$DBCACHE" query "$T/network.dbcache" management-pif
if cmp -s "$T/network.dbcache" tests/xapi/pool-expected.dbcache; then
    echo "(byte-identical to what the original program writes from the same XAPI)"
fi

say "And the interface goes down again"
run "$IFR" --root-prefix="$R" --no-syslog --force xenbr0 down
echo "bridges: $("$VSCTL" list-br | tr '\n' ' ')(none)"
say "Done; the namespace and everything in it are gone when this script exits."
