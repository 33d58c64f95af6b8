# ovs-sandbox.sh -- sourced by tests and the demo: a private stock Open
# vSwitch (Debian's openvswitch-switch) inside the current network
# namespace, with the userspace ("netdev") datapath, since this kernel may
# have no openvswitch module.
#
#   ovs_start DIR    ovsdb-server and ovs-vswitchd with their files in DIR;
#                    exports OVS_RUNDIR etc. so that ovs-vsctl/ovs-ofctl
#                    find them
#   ovs_stop         stops both (by pid)
#   ovs_wrappers ROOT
#                    writes ROOT/usr/bin/vsctl-netdev (ovs-vsctl that makes
#                    every new bridge a netdev bridge) and ROOT/usr/bin/ofctl
#                    (ovs-ofctl), for interface-reconfigure.conf
ovs_available() {
    command -v ovsdb-server >/dev/null && command -v ovs-vswitchd >/dev/null &&
        [ -e /usr/share/openvswitch/vswitch.ovsschema ]
}

ovs_start() {
    OVS_RUNDIR=$1 OVS_LOGDIR=$1 OVS_DBDIR=$1 OVS_SYSCONFDIR=$1
    export OVS_RUNDIR OVS_LOGDIR OVS_DBDIR OVS_SYSCONFDIR
    mkdir -p "$1"
    ovsdb-tool create "$1/conf.db" /usr/share/openvswitch/vswitch.ovsschema &&
    ovsdb-server "$1/conf.db" --remote="punix:$1/db.sock" \
        --pidfile="$1/ovsdb-server.pid" --detach --no-chdir \
        --log-file="$1/ovsdb-server.log" 2>>"$1/start.log" &&
    ovs-vsctl --no-wait init &&
    ovs-vswitchd "unix:$1/db.sock" --pidfile="$1/ovs-vswitchd.pid" \
        --detach --no-chdir --disable-system \
        --log-file="$1/ovs-vswitchd.log" 2>>"$1/start.log"
}

ovs_stop() {
    [ -n "${OVS_RUNDIR:-}" ] || return 0
    for daemon in ovs-vswitchd ovsdb-server; do
        if [ -s "$OVS_RUNDIR/$daemon.pid" ]; then
            kill "$(cat "$OVS_RUNDIR/$daemon.pid")" 2>/dev/null
        fi
    done
    n=0
    while [ $n -lt 50 ] && { [ -e "$OVS_RUNDIR/ovs-vswitchd.pid" ] ||
                             [ -e "$OVS_RUNDIR/ovsdb-server.pid" ]; }; do
        sleep 0.1
        n=$((n + 1))
    done
}

ovs_wrappers() {
    mkdir -p "$1/usr/bin"
    cat >"$1/usr/bin/vsctl-netdev" <<'SH'
#! /bin/sh
# ovs-vsctl, but every bridge created ("add-br NAME" with no parent) gets
# datapath_type=netdev, in the same transaction.
extra=""
prev=""
n=$#
i=0
for arg in "$@"; do
    i=$((i + 1))
    if [ "$prev" = "add-br" ]; then
        name=$arg
        eval "next=\${$((i + 1)):-}"
        if [ $i -eq $n ] || [ "$next" = "--" ]; then
            extra="$extra -- set Bridge $name datapath_type=netdev"
        fi
    fi
    prev=$arg
done
exec ovs-vsctl "$@" $extra
SH
    cat >"$1/usr/bin/ofctl" <<'SH'
#! /bin/sh
exec ovs-ofctl "$@"
SH
    chmod +x "$1/usr/bin/vsctl-netdev" "$1/usr/bin/ofctl"
}
