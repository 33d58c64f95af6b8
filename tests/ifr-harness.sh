# ifr-harness.sh -- sourced (after tap.sh) by the interface-reconfigure
# functional tests: enters a private network and mount namespace (root
# only; skips otherwise), creates veth NICs named and addressed like the
# fixture cache's, and builds a fake root for --root-prefix in which
# recorder programs stand in for vsctl, ofctl, ethtool, ifup and ifdown
# (as in the original's upstream test).
#
#   run_ifr ARGS...   runs interface-reconfigure in the fake root; sets
#                     $rc, $out, $err and $cmds (the recorded commands)
#   txn               the recorded vsctl transaction, one command a line
#   link_state DEV    "up 1500" / "down 1400" (flags and MTU, from sysfs)
#
# The fake root's network.conf says "vswitch"; a test may rewrite it, and
# $R/etc/interface-reconfigure.conf, before its runs.  A recorder exits 1
# while $R/fail-<program> exists.
IFR=$top_builddir/reconfigure/interface-reconfigure
FIX=$top_srcdir/tests/fixtures
X=$top_srcdir/tests/xapi

if [ "$(id -u)" -ne 0 ]; then
    skip_all "needs root for a private network namespace"
fi
if [ -z "${XSV_IN_NETNS:-}" ]; then
    command -v unshare >/dev/null || skip_all "unshare(1) not found"
    trap - EXIT
    rm -rf "$TMPDIR_TEST"
    # A network namespace of our own, and a mount namespace in which
    # /sys shows that network namespace's devices.
    XSV_IN_NETNS=1 exec unshare --net --mount -- /bin/sh "$0" "$@"
fi
mount -t sysfs sysfs /sys || { echo "1..0 # SKIP cannot mount sysfs"; exit 77; }

T=$TMPDIR_TEST
R=$T/root
ip link set lo up
# NICs named and addressed as in the fixture; the far ends are unused.
mkveth() { ip link add "$1" address "$2" type veth peer name "$1-p"; }
mkveth eth0 00:22:19:22:4b:af
mkveth eth1 00:22:19:22:4b:b0
mkveth eth2 00:15:17:a0:29:80
mkveth eth3 00:15:17:a0:29:81
mkveth eth4 00:15:17:a0:29:82
ip link set eth2 mtu 1400

# The fake root.
mkdir -p "$R/etc/xensource" "$R/etc/sysconfig/network-scripts" \
    "$R/var/xapi" "$R/usr/bin" "$R/sbin" "$R/run"
cp "$X/xensource-inventory" "$R/etc/"
echo vswitch >"$R/etc/xensource/network.conf"
cat >"$R/etc/interface-reconfigure.conf" <<CONF
# The test's recorders stand in for the switch and the initscripts.
vsctl=/usr/bin/ovs-vsctl
ofctl=/usr/bin/ovs-ofctl
ethtool=/sbin/ethtool
ifup=/sbin/ifup
ifdown=/sbin/ifdown
ipconfig=ifup
CONF
cp "$FIX/pool-pretty.dbcache" "$R/var/xapi/network.dbcache"
for prog in usr/bin/ovs-vsctl usr/bin/ovs-ofctl sbin/ethtool sbin/ifup sbin/ifdown; do
    cat >"$R/$prog" <<'REC'
#! /bin/sh
# A recorder: logs its command line; answers ofport queries like the
# original test's stub (5 for eth2); fails when told to.
echo "${0#$ROOT} $*" >>"$ROOT/commands"
case "$*" in
    *"get interface eth2 ofport") echo 5 ;;
    *"get interface "*" ofport") echo -1 ;;
esac
[ -e "$ROOT/fail-${0##*/}" ] && exit 1
exit 0
REC
    chmod +x "$R/$prog"
done
export ROOT=$R

run_ifr() {     # run_ifr ARGS...: sets $rc, $out, $err, $cmds
    : >"$R/commands"
    "$IFR" --root-prefix="$R" --no-syslog "$@" >"$T/out" 2>"$T/err"
    rc=$?
    out=$(cat "$T/out")
    err=$(cat "$T/err")
    cmds=$(cat "$R/commands")
}
# The vsctl transaction as the original test showed it: " -- " -> newline.
txn() {
    printf '%s\n' "$cmds" | grep '^/usr/bin/ovs-vsctl --timeout=20' |
        sed 's/ -- /\n    /g'
}
link_state() {  # "up 1500" or "down 1400"
    flags=$(cat /sys/class/net/$1/flags)
    if [ $((flags & 1)) -eq 1 ]; then s=up; else s=down; fi
    echo "$s $(cat /sys/class/net/$1/mtu)"
}

