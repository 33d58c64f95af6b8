#! /bin/sh
# ifr-ovs.sh -- XenServer's start of day against stock Open vSwitch, in a
# private network namespace: the switch started, every bridge deleted,
# then `interface-reconfigure --force xenbr0 up` from the bundled example
# cache (static management address, secure pool), checked in the switch
# database, the flow table, the kernel (links, MTU, addresses, routes) and
# by pinging a gateway in a second namespace across the bridge; then
# `down`, which removes it all.  Needs root and openvswitch-switch.
. "${top_srcdir:-.}/tests/tap.sh"
. "$top_srcdir/tests/ovs-sandbox.sh"

IFR=$top_builddir/reconfigure/interface-reconfigure
FIX=$top_srcdir/tests/fixtures

[ "$(id -u)" -eq 0 ] || skip_all "needs root for network namespaces"
ovs_available || skip_all "Open vSwitch (openvswitch-switch) not installed"
command -v ping >/dev/null || skip_all "ping not installed"
if [ -z "${XSV_IN_NETNS:-}" ]; then
    trap - EXIT
    rm -rf "$TMPDIR_TEST"
    # A network namespace of our own, and a mount namespace in which
    # /sys shows that network namespace's devices.
    XSV_IN_NETNS=1 exec unshare --net --mount -- /bin/sh "$0" "$@"
fi
mount -t sysfs sysfs /sys || { echo "1..0 # SKIP cannot mount sysfs"; exit 77; }

T=$TMPDIR_TEST
R=$T/root
GW=xsv-gw-$$
cleanup() {
    ovs_stop
    ip netns del "$GW" 2>/dev/null
}
at_exit cleanup

ip link set lo up
# The host's NICs, with the cache's MACs; eth0's far end is the gateway.
ip link add eth0 address 00:16:3e:5a:00:01 type veth peer name eth0-p
ip link add eth1 address 00:16:3e:5a:00:02 type veth peer name eth1-p
ip link set eth0 mtu 1400
ip netns add "$GW"
ip link set eth0-p netns "$GW"
ip -n "$GW" link set lo up
ip -n "$GW" link set eth0-p up
ip -n "$GW" addr add 192.0.2.1/24 dev eth0-p

mkdir -p "$R/etc/xensource" "$R/etc/sysconfig/network-scripts" \
    "$R/var/xapi" "$R/sbin" "$R/run"
echo vswitch >"$R/etc/xensource/network.conf"
cp "$FIX/start-of-day.dbcache" "$R/var/xapi/network.dbcache"
ln -s "$(command -v ethtool)" "$R/sbin/ethtool"
ovs_wrappers "$R"
cat >"$R/etc/interface-reconfigure.conf" <<CONF
vsctl=/usr/bin/vsctl-netdev
ofctl=/usr/bin/ofctl
ethtool=/sbin/ethtool
CONF

# Start of day: the switch, with a bridge left over from before "reboot".
ovs_start "$T/ovs"
ok $? "the switch ($XSV_SWITCH): database server and daemon started"
ovs-vsctl -- add-br stale -- set Bridge stale datapath_type=netdev
for br in $(ovs-vsctl list-br); do ovs-vsctl del-br "$br"; done
is "$(ovs-vsctl list-br)" "" "every bridge deleted, as XenServer expects"

"$IFR" --root-prefix="$R" --no-syslog --force xenbr0 up >"$T/out" 2>"$T/err"
rc=$?
is "$rc" 0 "--force xenbr0 up: exit 0"
[ "$rc" -eq 0 ] || sed 's/^/#   /' "$T/err"

# The switch.
is "$(ovs-vsctl list-br)" "xenbr0" "the switch has bridge xenbr0"
is "$(ovs-vsctl list-ports xenbr0)" "eth0" "with eth0 as its uplink"
is "$(ovs-vsctl get Bridge xenbr0 fail_mode)" "secure" "fail mode from the pool"
is "$(ovs-vsctl get Bridge xenbr0 other_config:hwaddr)" '"00:16:3e:5a:00:01"' "bridge MAC"
is "$(ovs-vsctl br-get-external-id xenbr0 xs-network-uuids)" \
   "a7c1d2e3-4f5a-4b6c-8d7e-9f0a1b2c3d01" "xs-network-uuids"
flows=$(ovs-ofctl dump-flows xenbr0 | grep -c 'priority=0,')
is "$flows" 4 "the four management escape flows are in the flow table"

# The kernel.
is "$(cat /sys/class/net/eth0/mtu)" 1500 "eth0 MTU 1500"
is "$(( $(cat /sys/class/net/eth0/flags) & 1 ))" 1 "eth0 up"
like "$(ip -4 -o addr show dev xenbr0)" "inet 192\.0\.2\.10/24" "xenbr0 has the management address"
like "$(ip -4 route show default)" "default via 192\.0\.2\.1 dev xenbr0" "default route via the gateway"
like "$(ip -4 route show 198.51.100.0/24)" "via 192\.0\.2\.254 dev xenbr0" "the network's static route"
like "$(cat "$R/etc/resolv.conf")" "nameserver 192\.0\.2\.53" "resolv.conf names the DNS server"
like "$(cat "$R/etc/resolv.conf")" "search pool\.example\.com" "resolv.conf has the search domain"
like "$(cat "$R/etc/sysconfig/network-scripts/ifcfg-xenbr0")" "IPADDR=192\.0\.2\.10" "ifcfg-xenbr0 written"

# Traffic, through the secure bridge and its escape flows.
ping -c 3 -i 0.2 -W 2 192.0.2.1 >"$T/ping" 2>&1
ok $? "the host pings the gateway across xenbr0"
ip netns exec "$GW" ping -c 2 -i 0.2 -W 2 192.0.2.10 >"$T/ping2" 2>&1
ok $? "the gateway pings the host's management address"

"$IFR" --root-prefix="$R" --no-syslog --force xenbr0 down >"$T/out" 2>"$T/err"
is "$?" 0 "--force xenbr0 down: exit 0"
is "$(ovs-vsctl list-br)" "" "the bridge is gone from the switch"
[ -e /sys/class/net/xenbr0 ]
ok $(( ! $? )) "and its device from the kernel"
is "$(( $(cat /sys/class/net/eth0/flags) & 1 ))" 0 "eth0 down"

done_testing
