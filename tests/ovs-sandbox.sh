# ovs-sandbox.sh -- sourced by tests and the demo: a private switch inside
# the current network namespace.  By default a stock Open vSwitch
# (Debian's openvswitch-switch) with the userspace ("netdev") datapath,
# since this kernel may have no openvswitch module; with
# XSV_SWITCH=bundled, the bundled switch (vswitch/vsdb-server and
# vswitch/vswitchd from $top_builddir) in its place, so that the same
# tests check both and their results must agree.
#
#   ovs_start DIR    the database server and the switching daemon with
#                    their files in DIR; exports OVS_RUNDIR etc. so that
#                    ovs-vsctl finds the database (stock ovs-vsctl speaks
#                    to either server), and, for the bundled switch, puts
#                    an "ovs-ofctl" that runs vsofctl first in PATH
#   ovs_stop         stops both (by pid)
#   ovs_wrappers ROOT
#                    writes ROOT/usr/bin/vsctl-netdev and ROOT/usr/bin/ofctl
#                    for interface-reconfigure.conf: for stock Open
#                    vSwitch, ovs-vsctl that makes every new bridge a
#                    netdev bridge, and ovs-ofctl; for the bundled switch,
#                    vsctl and vsofctl
XSV_SWITCH=${XSV_SWITCH:-stock}

ovs_available() {
    if [ "$XSV_SWITCH" = bundled ]; then
        [ -x "$top_builddir/vswitch/vsdb-server" ] &&
            [ -x "$top_builddir/vswitch/vswitchd" ] &&
            [ -x "$top_builddir/vswitch/vsofctl" ] &&
            command -v ovs-vsctl >/dev/null
        return
    fi
    command -v ovsdb-server >/dev/null && command -v ovs-vswitchd >/dev/null &&
        [ -e /usr/share/openvswitch/vswitch.ovsschema ]
}

# The bundled switch, as ovs_start starts stock Open vSwitch.
bundled_start() {
    OVS_RUNDIR=$1 OVS_LOGDIR=$1 OVS_DBDIR=$1 OVS_SYSCONFDIR=$1
    XSV_RUNDIR=$1 XSV_LOGDIR=$1 XSV_DBDIR=$1
    XSV_SCHEMA=$top_srcdir/vswitch/vswitch.ovsschema
    export OVS_RUNDIR OVS_LOGDIR OVS_DBDIR OVS_SYSCONFDIR
    export XSV_RUNDIR XSV_LOGDIR XSV_DBDIR XSV_SCHEMA
    mkdir -p "$1/bin"
    cat >"$1/bin/ovs-ofctl" <<SH
#! /bin/sh
exec "$top_builddir/vswitch/vsofctl" "\$@"
SH
    chmod +x "$1/bin/ovs-ofctl"
    PATH=$1/bin:$PATH
    "$top_builddir/vswitch/vsdb-server" "$1/conf.db" \
        --remote="punix:$1/db.sock" --pidfile="$1/ovsdb-server.pid" \
        --detach --no-chdir --log-file="$1/ovsdb-server.log" \
        2>>"$1/start.log" &&
    "$top_builddir/vswitch/vsctl" --no-wait init &&
    "$top_builddir/vswitch/vswitchd" "unix:$1/db.sock" \
        --pidfile="$1/ovs-vswitchd.pid" --detach --no-chdir \
        --log-file="$1/ovs-vswitchd.log" 2>>"$1/start.log"
}

ovs_start() {
    if [ "$XSV_SWITCH" = bundled ]; then
        bundled_start "$1"
        return
    fi
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
    if [ "$XSV_SWITCH" = bundled ]; then
        printf '#! /bin/sh\nexec "%s" "$@"\n' \
            "$top_builddir/vswitch/vsctl" >"$1/usr/bin/vsctl-netdev"
        printf '#! /bin/sh\nexec "%s" "$@"\n' \
            "$top_builddir/vswitch/vsofctl" >"$1/usr/bin/ofctl"
        chmod +x "$1/usr/bin/vsctl-netdev" "$1/usr/bin/ofctl"
        return
    fi
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
