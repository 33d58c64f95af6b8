#! /bin/sh
# vsctl-script.sh -- one fixed session of ovs-vsctl commands against a
# configuration database, written out as a normalised transcript, so that
# two runs can be compared byte for byte: stock ovs-vsctl against a stock
# ovsdb-server holding our schema (vswitch/vswitch.ovsschema) or Open
# vSwitch's, and later our own vsctl and vsdb-server.
#
#   vsctl-script.sh [-w WARNINGS] [-d DUMPSPEC] VSCTL DB
#
# VSCTL is the program to run (ovs-vsctl or anything with its syntax), DB
# the database it reaches (--db=DB; also used by ovsdb-client, or
# $OVSDB_CLIENT).  The database must be freshly created and empty.
#
# Every command runs with --db=DB --no-wait (no switching daemon needs to
# follow the database), and is killed after 60 seconds if timeout(1) is
# there (exit 124).  The transcript, on stdout, has for each command
#
#   $ vsctl ARGS...
#   its stdout
#   stderr: each line of its stderr
#   exit STATUS
#
# and ends with a dump of the database (ovsdb-client dump, or only the
# tables and columns named in DUMPSPEC, one line per table: "TABLE COLUMN
# COLUMN...").  Normalised means:
#   - every UUID is replaced by <0>, <1>, ... in order of appearance; a row
#     appears when it enters the database (after each command the rows of
#     the main tables are numbered, by table and then by name or target),
#     so the numbers do not depend on the random UUIDs;
#   - sets of UUIDs are sorted by number; output whose order is that of a
#     hash (show, list and find of several rows) is sorted;
#   - the program's name at the start of a message becomes "vsctl", the DB
#     target "<db>", and log lines lose their time stamp and sequence number;
#   - the IDL's warnings that the server's schema lacks a table or column
#     ("database needs upgrade?") are left out of the transcript; with -w
#     they are written to WARNINGS, each after the command that caused it.
#
# Each command has an expected exit status.  A command that exits otherwise
# is reported on stderr, and the script then exits 1 (after the whole
# transcript); it exits 2 on a usage error.
set -u
LC_ALL=C
export LC_ALL

warnings=/dev/null
dumpspec=
while getopts w:d: opt; do
    case $opt in
    w) warnings=$OPTARG ;;
    d) dumpspec=$OPTARG ;;
    *) echo "usage: $0 [-w WARNINGS] [-d DUMPSPEC] VSCTL DB" >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
if [ $# -ne 2 ]; then
    echo "usage: $0 [-w WARNINGS] [-d DUMPSPEC] VSCTL DB" >&2
    exit 2
fi
VSCTL=$1
DB=$2
CLIENT=${OVSDB_CLIENT:-ovsdb-client}
prog=$(basename "$VSCTL")
# A command that hangs (wait-until on a row that never comes) is killed.
TIMEOUT=
if command -v timeout >/dev/null; then
    TIMEOUT="timeout 60"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/vsctl-script.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
: >"$work/map"
: >"$warnings"
mismatches=0

# The tables whose rows are numbered after each command, with the column
# that orders them.
KEYED_TABLES="Open_vSwitch: Bridge:name Port:name Interface:name
Controller:target Manager:target SSL:"

# Gives the next numbers to the UUIDs of rows not seen before, in a fixed
# order: by table (as listed above), then by key.
number_rows() {
    txn='["Open_vSwitch"'
    for tk in $KEYED_TABLES; do
        t=${tk%%:*}
        k=${tk#*:}
        cols='"_uuid"'
        [ -n "$k" ] && cols="$cols,\"$k\""
        txn="$txn,{\"op\":\"select\",\"table\":\"$t\",\"where\":[],\"columns\":[$cols]}"
    done
    txn="$txn]"
    "$CLIENT" transact "$DB" "$txn" >"$work/rows" 2>/dev/null || return 0
    # One line per row: table index, key, uuid.
    awk '
    {
        n = split($0, tables, /"rows"[ \t]*:/)
        for (t = 2; t <= n; t++) {
            rest = tables[t]
            while (match(rest, /"_uuid"[ \t]*:[ \t]*\[[ \t]*"uuid"[ \t]*,[ \t]*"[0-9a-f-]+"/)) {
                row = substr(rest, 1, RSTART - 1)
                u = substr(rest, RSTART, RLENGTH)
                rest = substr(rest, RSTART + RLENGTH)
                sub(/"$/, "", u)
                sub(/.*"/, "", u)
                # The key is in the same row object, before or after _uuid.
                obj = row
                sub(/.*\{/, "", obj)
                after = rest
                sub(/\}.*/, "", after)
                obj = obj after
                key = ""
                if (match(obj, /"(name|target)"[ \t]*:[ \t]*"([^"\\]|\\.)*"/)) {
                    key = substr(obj, RSTART, RLENGTH)
                    sub(/^"(name|target)"[ \t]*:[ \t]*"/, "", key)
                    sub(/"$/, "", key)
                }
                printf "%03d %s %s\n", t, (key == "" ? "-" : key), u
            }
        }
    }' "$work/rows" | sort -k1,1 -k2,2 | awk '
    FNR == NR { seen[$1] = 1; n++; next }
    !($3 in seen) { seen[$3] = 1; print $3, "<" n++ ">" }
    ' "$work/map" - >"$work/map.add"
    cat "$work/map.add" >>"$work/map"
}

# Replaces UUIDs by their numbers (numbering new ones), then sorts sets of
# numbers.  Reads stdin, writes stdout, updates the map.
relabel() {
    awk -v mapfile="$work/map" -v newmap="$work/map.new" '
    BEGIN {
        n = 0
        while ((getline line < mapfile) > 0) {
            split(line, f, " ")
            label[f[1]] = f[2]
            n++
        }
        close(mapfile)
        U = "[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]-[0-9a-f][0-9a-f][0-9a-f][0-9a-f]-[0-9a-f][0-9a-f][0-9a-f][0-9a-f]-[0-9a-f][0-9a-f][0-9a-f][0-9a-f]-[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]"
    }
    function sortlist(s,    sep, m, i, j, a, t) {
        # s is "<a>, <b>, ..." or "<a> <b> ...": sort by number.
        sep = (index(s, ",") ? ", " : " ")
        m = split(s, a, /,? +/)
        for (i = 2; i <= m; i++) {
            t = a[i]
            for (j = i - 1; j >= 1 && num(a[j]) > num(t); j--) {
                a[j + 1] = a[j]
            }
            a[j + 1] = t
        }
        t = a[1]
        for (i = 2; i <= m; i++) {
            t = t sep a[i]
        }
        return t
    }
    function num(l) {
        gsub(/[<>]/, "", l)
        return l + 0
    }
    {
        out = ""
        line = $0
        while (match(line, U)) {
            u = substr(line, RSTART, RLENGTH)
            if (!(u in label)) {
                label[u] = "<" n++ ">"
                print u, label[u] >> newmap
            }
            out = out substr(line, 1, RSTART - 1) label[u]
            line = substr(line, RSTART + RLENGTH)
        }
        line = out line
        # [<a>, <b>] sets, and lines made only of numbers (--bare).
        out = ""
        while (match(line, /\[<[0-9]+>(, <[0-9]+>)+\]/)) {
            out = out substr(line, 1, RSTART - 1) "[" \
                sortlist(substr(line, RSTART + 1, RLENGTH - 2)) "]"
            line = substr(line, RSTART + RLENGTH)
        }
        line = out line
        if (line ~ /^<[0-9]+>( <[0-9]+>)+$/) {
            line = sortlist(line)
        }
        print line
    }' || return 1
    if [ -s "$work/map.new" ]; then
        cat "$work/map.new" >>"$work/map"
        rm -f "$work/map.new"
    fi
}

# Sorts `ovs-vsctl show` output: the children of each line (the lines
# indented more deeply below it) are ordered as whole blocks.
sort_tree() {
    awk '
    { line[NR] = $0; match($0, /^ */); ind[NR] = RLENGTH }
    # Renders the block of lines i..(end of its children).
    function block(i,    j, n, c, k, m, t, s) {
        n = 0
        j = i + 1
        while (j <= NR && ind[j] > ind[i]) {
            c[++n] = block(j)
            j = nextsib[j]
        }
        nextsib[i] = j
        for (k = 2; k <= n; k++) {
            t = c[k]
            for (m = k - 1; m >= 1 && c[m] > t; m--) {
                c[m + 1] = c[m]
            }
            c[m + 1] = t
        }
        s = line[i]
        for (k = 1; k <= n; k++) {
            s = s "\n" c[k]
        }
        return s
    }
    END {
        i = 1
        while (i <= NR) {
            print block(i)
            i = nextsib[i]
        }
    }'
}

# Sorts records separated by blank lines (list and find).
sort_records() {
    awk 'BEGIN { RS = "" } { gsub(/\n/, "\001"); print }' | sort |
        awk '{ gsub(/\001/, "\n"); print (NR > 1 ? "\n" : "") $0 }'
}

# run STATUS [SORT] -- ARGS...: runs one vsctl command (ARGS) expecting exit
# STATUS; SORT is "lines", "records" or "tree" for output whose order is
# not meaningful.
run() {
    expect=$1
    shift
    order=none
    if [ "$1" != "--" ]; then
        order=$1
        shift
    fi
    shift
    echo "\$ vsctl $*"
    $TIMEOUT "$VSCTL" --db="$DB" --no-wait "$@" >"$work/out" 2>"$work/err"
    status=$?
    number_rows
    case $order in
    lines) relabel <"$work/out" | sed '/^$/d' | sort ;;
    records) relabel <"$work/out" | sort_records ;;
    tree) relabel <"$work/out" | sort_tree ;;
    *) relabel <"$work/out" ;;
    esac
    # stderr: IDL schema warnings aside, then the rest, normalised.
    if grep -q 'database needs upgrade' "$work/err"; then
        grep 'database needs upgrade' "$work/err" |
            sed -e 's/^.*|WARN|//' -e "s|^|vsctl $*: |" >>"$warnings"
    fi
    grep -v 'database needs upgrade' "$work/err" |
        sed -e 's/^[0-9][0-9-]*T[0-9:.]*Z|[0-9]*|//' \
            -e "s|^$prog: |vsctl: |" |
        awk -v db="$DB" '{
            while ((i = index($0, db)) > 0) {
                $0 = substr($0, 1, i - 1) "<db>" substr($0, i + length(db))
            }
            print
        }' | relabel | sed 's/^/stderr: /'
    echo "exit $status"
    if [ "$status" -ne "$expect" ]; then
        echo "vsctl-script: \`vsctl $*' exited $status, expected $expect" >&2
        mismatches=$((mismatches + 1))
    fi
}

# Dumps one table (all of it, or the columns given), rows sorted.
dump_table() {
    "$CLIENT" dump "$DB" Open_vSwitch "$@" >"$work/dump" 2>&1
    # Cells lose their padding (it no longer lines up once UUIDs are
    # short), and with it the line of dashes.
    relabel <"$work/dump" | sed 's/   */ /g' | awk '
        NR <= 2 { print; next }
        NR == 3 && /^[- ]+$/ { next }
        { print | "sort" }'
}

# ---------------------------------------------------------------------------
# The session.  Names follow XenServer's: xenbrN bridges, xapiN VLAN (fake)
# bridges, ethN NICs, bondN bonds, vifD.N guest interfaces.

# An empty database, initialised.
run 0 -- init
run 0 tree -- show
run 0 -- list-br

# Bridges, and VLAN ("fake") bridges on a parent.
run 0 -- add-br xenbr0
run 1 -- add-br xenbr0
run 0 -- --may-exist add-br xenbr0
run 0 -- add-br xenbr3
run 0 -- add-br xapi3 xenbr3 123
run 0 -- --may-exist add-br xapi3 xenbr3 123
run 1 -- --may-exist add-br xapi3 xenbr3 124
run 1 -- add-br xapi4 xenbr3 4096
run 1 -- add-br xapi4 nosuch 5
run 0 -- list-br
run 0 -- br-exists xenbr3
run 2 -- br-exists nosuch
run 0 -- br-to-vlan xapi3
run 0 -- br-to-parent xapi3
run 0 -- br-to-vlan xenbr0
run 0 -- br-to-parent xenbr0
run 1 -- br-to-parent nosuch
run 0 -- br-set-external-id xenbr3 xs-network-uuids "7d0f;c2b1"
run 0 -- br-set-external-id xapi3 xs-network-uuids 9a4e
run 0 -- br-set-external-id xenbr3 bridge-id xenbr3
run 0 -- br-get-external-id xenbr3 xs-network-uuids
run 0 -- br-get-external-id xenbr3
run 0 -- br-get-external-id xapi3
run 0 -- br-set-external-id xenbr3 bridge-id
run 0 -- br-get-external-id xenbr3

# Ports, bonds, interfaces.
run 0 -- add-port xenbr0 eth0
run 1 -- add-port xenbr0 eth0
run 0 -- --may-exist add-port xenbr0 eth0
run 1 -- add-port xenbr3 eth0
run 0 -- add-port xenbr3 eth3
run 0 -- add-port xapi3 vif1.0 -- set Interface vif1.0 \
    external-ids:xs-vif-uuid=0f3d external-ids:attached-mac="fe:ff:ff:ff:ff:01"
run 0 -- --fake-iface add-bond xenbr3 bond0 eth4 eth5 \
    -- set Port bond0 bond_mode=balance-slb lacp=off bond_updelay=31000 \
       bond_downdelay=200 other-config:bond-miimon-interval=100 \
       other-config:bond-detect-mode=carrier mac='"00:16:3e:00:00:04"'
run 1 -- add-bond xenbr3 bond1 eth4 eth6
run 0 -- --may-exist add-bond xenbr3 bond0 eth5 eth4
run 1 -- --may-exist add-bond xenbr3 bond0 eth4 eth6
run 1 -- --may-exist add-port xenbr3 bond0
run 1 -- --may-exist add-port xenbr0 eth3
run 1 -- --may-exist add-port xenbr3 vif1.0
run 0 -- --may-exist add-port xapi3 vif1.0
run 1 -- add-port xenbr0 eth5
run 1 -- add-br eth4
run 0 -- list-ports xenbr0
run 0 -- list-ports xenbr3
run 0 -- list-ports xapi3
run 0 -- port-to-br vif1.0
run 0 -- port-to-br bond0
run 1 -- port-to-br nosuch
run 0 -- list-ifaces xenbr3
run 0 -- iface-to-br eth5
run 1 -- iface-to-br xapi3
run 1 -- iface-to-br nosuch
run 0 -- get Port vif1.0 tag
run 0 -- get Port bond0 bond_fake_iface bond_mode lacp bond_updelay
run 0 -- get Interface vif1.0 external_ids:attached-mac
run 0 tree -- show

# What interface-reconfigure does to bring up a bridge, in one transaction.
run 0 -- --timeout=20 -- --if-exists del-br xenbr5 \
    -- --may-exist add-br xenbr5 -- --may-exist add-port xenbr5 eth6 \
    -- set Bridge xenbr5 other-config:hwaddr="00:16:3e:00:00:06" \
    -- set Bridge xenbr5 fail_mode=standalone \
    -- remove Bridge xenbr5 other_config disable-in-band \
    -- br-set-external-id xenbr5 xs-network-uuids 5e6f \
    -- --if-exists del-br xapi5 -- --may-exist add-br xapi5 xenbr5 55 \
    -- br-set-external-id xapi5 xs-network-uuids 5e70
run 0 -- set Bridge xenbr5 other-config:disable-in-band=true
run 0 -- get Bridge xenbr5 other_config
run 0 -- remove Bridge xenbr5 other_config disable-in-band
run 0 -- get Bridge xenbr5 other_config
run 0 -- set Bridge xenbr0 other-config:hwaddr="00:16:3e:00:00:01"

# Controllers and fail modes.
run 0 -- set-controller xenbr0 tcp:192.0.2.10:6633 ssl:192.0.2.11:6633
run 0 -- get-controller xenbr0
run 0 -- set-fail-mode xenbr0 secure
run 0 -- get-fail-mode xenbr0
run 1 -- set-fail-mode xenbr0 sideways
run 0 -- get-fail-mode xenbr5
run 0 -- get-fail-mode xenbr3
run 0 tree -- show
run 0 -- del-controller xenbr0
run 0 -- get-controller xenbr0
run 0 -- del-fail-mode xenbr0
run 0 -- get-fail-mode xenbr0

# Managers and SSL, as XAPI's openvswitch-cfg-update sets them.
run 0 -- get-manager
run 0 -- set-manager ssl:192.0.2.1:6640
run 0 -- get-manager
run 0 -- set-manager ptcp:6640 ssl:192.0.2.2:6640
run 0 lines -- get-manager
run 0 -- del-manager
run 0 -- get-manager
run 0 -- get-ssl
run 0 -- --bootstrap set-ssl /etc/xensource/xapi-ssl.pem \
    /etc/xensource/xapi-ssl.pem /etc/openvswitch/vswitchd.cacert
run 0 -- get-ssl
run 0 -- del-ssl
run 0 -- get-ssl
run 0 -- -- del-manager -- del-ssl \
    -- --bootstrap set-ssl /etc/xensource/xapi-ssl.pem \
       /etc/xensource/xapi-ssl.pem /etc/openvswitch/vswitchd.cacert \
    -- set-manager ssl:192.0.2.1:6640
run 0 -- get-manager
run 0 -- get-ssl
run 0 -- set Manager ssl:192.0.2.1:6640 inactivity_probe=30000 \
    connection_mode=out-of-band
run 0 -- --columns=target,inactivity_probe,connection_mode list Manager

# The database commands.
run 0 -- list Bridge xenbr0
run 0 -- list Open_vSwitch .
run 0 -- --columns=name,fail_mode,external_ids,other_config list Bridge xenbr5
run 0 records -- --columns=name,tag find Port tag=123
run 0 lines -- --bare --columns=name find Interface type=internal
run 0 lines -- --format=csv --columns=name,tag find Port 'tag>=0'
run 0 -- --format=json --columns=name,tag list Port vif1.0
run 0 -- --format=table --columns=name,bond_mode,lacp,bond_downdelay \
    list Port bond0
run 0 -- --bare --columns=fake_bridge list Port xapi3
run 0 -- get Bridge xenbr5 other_config:hwaddr
run 1 -- get Bridge xenbr5 other_config:nosuch
run 0 -- --if-exists get Bridge xenbr5 other_config:nosuch
run 1 -- get Bridge nosuch name
run 0 -- set Port eth3 trunks=1,2,3 vlan_mode=trunk
run 0 -- add Port eth3 trunks 4 5
run 0 -- remove Port eth3 trunks 2
run 0 -- get Port eth3 trunks vlan_mode
run 0 -- clear Port eth3 trunks vlan_mode
run 0 -- get Port eth3 trunks vlan_mode
run 0 -- set Port eth3 tag=4095
run 1 -- set Port eth3 tag=4096
run 0 -- clear Port eth3 tag
run 1 -- set Port eth3 vlan_mode=sideways
run 1 -- set Bridge nosuch fail_mode=secure
run 1 -- set Interface eth3 ofport_request=0
run 0 -- set Interface eth3 ofport_request=3 mtu_request=1500 \
    options:key=flow other_config:speed=1000
run 0 -- get Interface eth3 ofport_request mtu_request options other_config
run 0 -- set Interface eth3 mac='"00:16:3e:00:00:03"'
run 0 -- get Interface eth3 mac
run 0 -- --id=@c create Controller target='"tcp:192.0.2.20:6633"' \
    -- add Bridge xenbr0 controller @c
run 0 -- get-controller xenbr0
run 0 -- --id=@m create Manager target='"ptcp:6641"' \
    -- add Open_vSwitch . manager_options @m
run 0 lines -- get-manager
run 0 -- create Manager target='"ptcp:6642"'
run 0 lines -- get-manager
run 0 -- --oneline -- get Bridge xenbr3 name -- list-br -- br-to-parent xapi3
run 0 -- destroy Bridge xenbr0
run 0 -- br-exists xenbr0
run 1 -- destroy Bridge nosuch
run 0 -- --if-exists destroy Bridge nosuch
run 0 -- wait-until Bridge xenbr5 other_config:hwaddr='"00:16:3e:00:00:06"'
run 0 -- wait-until Port bond0 bond_updelay=31000
run 142 -- --timeout=1 wait-until Bridge xenbr5 other_config:never=true

# Garbage collection: a Port no Bridge refers to goes, with its Interface.
run 0 -- --id=@p get Port eth3 -- remove Bridge xenbr3 ports @p
run 1 -- list Port eth3
run 1 -- list Interface eth3
run 0 -- list-ports xenbr3

# Deleting.
run 0 -- del-port xenbr0 eth0
run 1 -- del-port xenbr0 eth0
run 0 -- --if-exists del-port xenbr0 eth0
run 0 -- --with-iface del-port vif1.0
run 0 -- --with-iface --if-exists del-port vif1.0
run 0 -- --with-iface del-port xenbr3 eth5
run 0 -- list-ports xenbr3
run 0 -- del-br xapi3
run 0 -- list-br
run 0 -- add-port xenbr3 eth4 -- set Port eth4 other-config:a=b \
    -- set Interface eth4 ingress_policing_rate=1000 \
       ingress_policing_burst=100
run 0 -- set-controller xenbr3 tcp:192.0.2.10:6633
run 0 -- set-fail-mode xenbr3 secure
run 0 -- set Bridge xenbr3 other-config:disable-in-band=true \
    other-config:hwaddr='"00:16:3e:00:00:03"' flood_vlans=10 stp_enable=true
run 0 -- emer-reset
run 0 tree -- show
run 0 -- get-manager
run 0 -- get-ssl
run 0 -- get Bridge xenbr3 other_config flood_vlans stp_enable fail_mode
run 0 -- get Port eth4 other_config
run 0 -- get Interface eth4 ingress_policing_rate ingress_policing_burst
run 0 -- del-br xenbr5
run 1 -- del-br xenbr5
run 0 -- --if-exists del-br xenbr5
run 0 -- list-br
run 0 tree -- show

# The database, as it is left.
echo "\$ ovsdb-client dump"
if [ -n "$dumpspec" ]; then
    while read -r table columns; do
        [ -n "$table" ] || continue
        # shellcheck disable=SC2086
        dump_table "$table" $columns
    done <"$dumpspec"
else
    for table in $("$CLIENT" list-tables "$DB" | sed '1,2d' | sort); do
        dump_table "$table"
    done
fi

[ "$mismatches" -eq 0 ]
