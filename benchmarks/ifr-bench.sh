#! /bin/sh
# ifr-bench.sh -- wall time of `interface-reconfigure --force BRIDGE up` and
# `down`, and how much of it is the switch transaction.
#
#   benchmarks/ifr-bench.sh [BUILDDIR]
#
# BUILDDIR (default _build) is a configured and built tree holding
# reconfigure/interface-reconfigure, dbcache/dbcache and
# benchmarks/gen-dbcache; this script builds nothing (except a tiny timing
# helper, compiled into its scratch directory with the tree's C compiler).
# Needs root: it re-executes itself in a private network and mount
# namespace (like tests/ifr-harness.sh), mounts sysfs there, and creates
# veth NICs with the MACs of the cache in use; nothing outside the
# namespace is touched and the namespace goes when the script exits.
#
# Rows of runs, each `up` then `down`, RUNS times after one warm-up:
#
#   ovs       the four scenarios of tests/fixtures/pool-pretty.dbcache
#             (xenbr2 = NIC eth2, xapi3 = VLAN 123 on eth3, xapi1 = bond0
#             of eth0+eth1, xapi2 = VLAN 4 on the bond) against a private
#             stock Open vSwitch with the netdev datapath
#             (tests/ovs-sandbox.sh): the transaction is real, links and
#             addresses are set by netlink (ipconfig=netlink), ethtool is
#             the real one;
#   rec       the same scenarios with the recorder programs of
#             tests/ifr-harness.sh standing in for vsctl, ofctl and
#             ethtool (no switch): the tool's own cost;
#   PIFS:BR   (in both modes) a plain NIC, bridge BR, of a cache of PIFS
#             PIFs written by gen-dbcache; and, below the table, the time
#             of `dbcache validate` on that cache and on the fixture (the
#             parse, as a whole process).
#
# Each program the tool runs (vsctl, ofctl, ethtool, dhclient -- a stub,
# there is no DHCP server) is wrapped in the fake root by the timing helper,
# which logs its own start and end; the tool itself is started by the same
# helper.  Per run: total = the tool's wall time; vsctl = the sum of its
# vsctl invocations (the transaction, get-fail-mode and the ofport
# queries), ofctl likewise, other = ethtool and dhclient, tool = total less
# all of those.  The table gives the median (and the p90 of the total) over
# the runs.  The last line says what fraction of the median `up` time
# against the real switch is the switch transaction (vsctl + ofctl).
#
# Environment: RUNS (default 10), PIFS (default 1000), BIG_BRIDGE (default
# xenbr595, a standalone NIC without an address in the last block of a
# 1,000-PIF cache), KEEP=1 to keep the scratch directory.
set -u

builddir=${1:-_build}
runs=${RUNS:-10}
pifs=${PIFS:-1000}
big_bridge=${BIG_BRIDGE:-xenbr595}
me=ifr-bench

case $builddir in /*) ;; *) builddir=$(pwd)/$builddir ;; esac
srcdir=$(cd "$(dirname "$0")/.." && pwd)

if [ "$(id -u)" -ne 0 ]; then
    echo "# $me: skipped: needs root (for a private network namespace)"
    exit 0
fi
for prog in unshare ip jq ovsdb-server ovs-vswitchd ovs-vsctl ovs-ofctl \
            ethtool; do
    if ! command -v "$prog" >/dev/null; then
        echo "# $me: skipped: $prog not found"
        exit 0
    fi
done

IFR=$builddir/reconfigure/interface-reconfigure
DBCACHE=$builddir/dbcache/dbcache
GEN=$builddir/benchmarks/gen-dbcache
for prog in "$IFR" "$DBCACHE" "$GEN"; do
    if [ ! -x "$prog" ]; then
        echo "$0: $prog not found; build first (make -C $builddir)" >&2
        exit 1
    fi
done

if [ -z "${IFR_BENCH_IN_NETNS:-}" ]; then
    # A network namespace of our own, and a mount namespace in which /sys
    # shows that network namespace's devices.
    IFR_BENCH_IN_NETNS=1 exec unshare --net --mount -- /bin/sh "$0" "$@"
fi
mount -t sysfs sysfs /sys || { echo "# $me: skipped: cannot mount sysfs"; exit 0; }
ip link set lo up

. "$srcdir/tests/ovs-sandbox.sh"
if ! ovs_available; then
    echo "# $me: skipped: Open vSwitch (openvswitch-switch) not installed"
    exit 0
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/ifr-bench.XXXXXX") || exit 1
cleanup() {
    ovs_stop
    if [ "${KEEP:-0}" = 1 ]; then
        echo "# scratch directory kept: $T"
    else
        rm -rf "$T"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if grep -q '^SANITIZER_CFLAGS = -f' "$builddir/Makefile" 2>/dev/null; then
    echo "# warning: $builddir is a sanitizer build; figures are inflated"
fi

# The timing helper.  As "timed --run LOG PROGRAM ARG..." it runs PROGRAM
# and appends "ifr START END" to LOG; as any other name (a copy installed
# as ROOT/usr/bin/timed-vsctl, say) it runs the program of the same path
# plus ".real" with its own arguments and appends "NAME START END" to
# $IFRB_LOG.  Times are CLOCK_MONOTONIC nanoseconds.
cc=$(sed -n 's/^CC = //p' "$builddir/Makefile" 2>/dev/null)
cat >"$T/timed.c" <<'EOF'
#define _GNU_SOURCE
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long
now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int
main(int argc, char *argv[])
{
    long long start = now(), end;
    char path[PATH_MAX + 8];
    const char *log, *name;
    char **args;
    FILE *f;
    pid_t pid;
    int status;

    if (argc >= 4 && !strcmp(argv[1], "--run")) {
        log = argv[2];
        name = "ifr";
        args = argv + 3;
        snprintf(path, sizeof path, "%s", args[0]);
    } else {
        ssize_t n = readlink("/proc/self/exe", path, PATH_MAX);

        if (n < 0) {
            perror("timed: /proc/self/exe");
            return 127;
        }
        strcpy(path + n, ".real");
        log = getenv("IFRB_LOG");
        name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
        if (!strncmp(name, "timed-", 6)) {
            name += 6;
        }
        args = argv;
    }
    pid = fork();
    if (pid < 0) {
        perror("timed: fork");
        return 127;
    } else if (pid == 0) {
        execv(path, args);
        perror(path);
        _exit(127);
    }
    while (waitpid(pid, &status, 0) < 0) {
        continue;
    }
    end = now();
    if (log && (f = fopen(log, "a"))) {
        fprintf(f, "%s %lld %lld\n", name, start, end);
        fclose(f);
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
EOF
if ! ${cc:-cc} -O2 -o "$T/timed" "$T/timed.c"; then
    echo "$0: cannot compile the timing helper" >&2
    exit 1
fi
TIMED=$T/timed

# make_root DIR MODE CACHE: a fake root for --root-prefix whose programs
# are timed; MODE "ovs" runs the real switch's programs, "rec" recorders.
make_root() {
    r=$1
    mkdir -p "$r/etc/xensource" "$r/etc/sysconfig/network-scripts" \
        "$r/var/xapi" "$r/usr/bin" "$r/sbin" "$r/run"
    cp "$srcdir/tests/xapi/xensource-inventory" "$r/etc/"
    echo vswitch >"$r/etc/xensource/network.conf"
    cp "$3" "$r/var/xapi/network.dbcache"
    cat >"$r/etc/interface-reconfigure.conf" <<CONF
vsctl=/usr/bin/timed-vsctl
ofctl=/usr/bin/timed-ofctl
ethtool=/sbin/timed-ethtool
dhclient=/sbin/timed-dhclient
ipconfig=netlink
CONF
    for prog in usr/bin/timed-vsctl usr/bin/timed-ofctl sbin/timed-ethtool \
                sbin/timed-dhclient; do
        cp "$TIMED" "$r/$prog"
    done
    # No DHCP server here: dhclient is a stub in both modes.
    printf '#! /bin/sh\nexit 0\n' >"$r/sbin/dhclient-stub"
    chmod +x "$r/sbin/dhclient-stub"
    ln -s dhclient-stub "$r/sbin/timed-dhclient.real"
    if [ "$2" = ovs ]; then
        ovs_wrappers "$r"       # usr/bin/vsctl-netdev: netdev bridges
        ln -s vsctl-netdev "$r/usr/bin/timed-vsctl.real"
        ln -s "$(command -v ovs-ofctl)" "$r/usr/bin/timed-ofctl.real"
        ln -s "$(command -v ethtool)" "$r/sbin/timed-ethtool.real"
    else
        # The recorders of tests/ifr-harness.sh: log the command line,
        # answer ofport queries (5 for eth2).
        cat >"$r/usr/bin/recorder" <<'REC'
#! /bin/sh
echo "${0#$ROOT} $*" >>"$ROOT/commands"
case "$*" in
    *"get interface eth2 ofport") echo 5 ;;
    *"get interface "*" ofport") echo -1 ;;
esac
exit 0
REC
        chmod +x "$r/usr/bin/recorder"
        ln -s recorder "$r/usr/bin/timed-vsctl.real"
        ln -s recorder "$r/usr/bin/timed-ofctl.real"
        ln -s ../usr/bin/recorder "$r/sbin/timed-ethtool.real"
    fi
}

# One run: "timed_run ROOT KEY ARG...".  Appends to $T/runs/KEY the line
# "total vsctl n_vsctl ofctl n_ofctl other tool" (ms).
mkdir -p "$T/runs"
timed_run() {
    r=$1
    key=$2
    shift 2
    log=$T/log
    : >"$log"
    : >"$r/commands"
    if ! ROOT=$r IFRB_LOG=$log "$TIMED" --run "$log" "$IFR" \
            --root-prefix="$r" --no-syslog "$@" >"$T/out" 2>"$T/err"; then
        echo "$0: interface-reconfigure $* failed:" >&2
        sed 's/^/    /' "$T/err" >&2
        exit 1
    fi
    [ "$key" = - ] && return 0
    awk '
        { ms = ($3 - $2) / 1e6 }
        $1 == "ifr"   { total = ms; next }
        $1 == "vsctl" { vsctl += ms; nv++; next }
        $1 == "ofctl" { ofctl += ms; no++; next }
                      { other += ms }
        END {
            printf "%.3f %.3f %d %.3f %d %.3f %.3f\n", total, vsctl, nv,
                   ofctl, no, other, total - vsctl - ofctl - other
        }' "$log" >>"$T/runs/$key"
}

# bench ROOT LABEL BRIDGE: one warm-up, then RUNS times up and down.
bench() {
    timed_run "$1" - --force "$3" up
    if [ "${2%% *}" = ovs ] && ! ovs-vsctl br-exists "$3"; then
        echo "$0: --force $3 up: no bridge $3 in the switch" >&2
        exit 1
    fi
    timed_run "$1" - --force "$3" down
    if [ "${2%% *}" = ovs ] && ovs-vsctl br-exists "$3"; then
        echo "$0: --force $3 down: bridge $3 still in the switch" >&2
        exit 1
    fi
    rm -f "$T/runs/$2.up" "$T/runs/$2.down"
    i=0
    while [ $i -lt "$runs" ]; do
        timed_run "$1" "$2.up" --force "$3" up
        timed_run "$1" "$2.down" --force "$3" down
        i=$((i + 1))
    done
    row "$2" up
    row "$2" down
}

# row LABEL ACTION: one line of the table, from $T/runs/LABEL.ACTION; also
# kept in $T/rows.
row() {
    awk -v mode="${1%% *}" -v what="${1#* }" -v action="$2" '
        function sortv(k,    i, j, t) {     # insertion sort of v[1..k]
            for (i = 2; i <= k; i++) {
                t = v[i]
                for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]
                v[j + 1] = t
            }
        }
        function column(col,    m) {
            for (m = 1; m <= NR; m++) v[m] = cell[m, col]
            sortv(NR)
        }
        function median(col) {
            column(col)
            return NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        }
        function p90(col,    m) {           # nearest rank
            column(col)
            m = int(0.9 * NR); if (m < 0.9 * NR) m++
            return v[m]
        }
        { for (c = 1; c <= NF; c++) cell[NR, c] = $c }
        END {
            tot = median(1); sw = median(2) + median(4)
            share = tot > 0 ? 100 * sw / tot : 0
            printf "%-4s %-13s %-4s %9.2f %9.2f %9.2f %3d %9.2f %3d %9.2f" \
                   " %9.2f %6.1f%%\n", mode, what, action, tot, p90(1),
                   median(2), median(3), median(4), median(5), median(6),
                   median(7), share
        }' "$T/runs/$1.$2" | tee -a "$T/rows"
}

# NICs named and addressed as in the fixture; the far ends are unused.
mkveth() { ip link add "$1" address "$2" type veth peer name "$1-p"; }
mkveth eth0 00:22:19:22:4b:af
mkveth eth1 00:22:19:22:4b:b0
mkveth eth2 00:15:17:a0:29:80
mkveth eth3 00:15:17:a0:29:81
mkveth eth4 00:15:17:a0:29:82
# bond0: the fake bond device of the bond scenarios (tests/ifr-scenarios.sh).
ip link add bond0 type veth peer name bond0-p

# The generated cache and its chosen NIC.
big=$T/big.dbcache
if ! "$GEN" "$pifs" "$big"; then
    echo "$0: gen-dbcache $pifs failed" >&2
    exit 1
fi
big_ref=$("$DBCACHE" query "$big" pif-by-bridge "$big_bridge" | cut -d' ' -f1)
big_dev=$("$DBCACHE" query "$big" pif-by-bridge "$big_bridge" | cut -d' ' -f3)
big_mac=$("$DBCACHE" dump "$big" --json |
          jq -r --arg ref "$big_ref" '.pif[$ref].MAC')
if [ -z "$big_ref" ] || [ -z "$big_dev" ] || [ -z "$big_mac" ] ||
   [ "$big_mac" = null ]; then
    echo "$0: no PIF on bridge $big_bridge in the $pifs-PIF cache" >&2
    exit 1
fi
mkveth "$big_dev" "$big_mac"

scenarios="xenbr2 xapi3 xapi1 xapi2"
make_root "$T/rec" rec "$srcdir/tests/fixtures/pool-pretty.dbcache"
make_root "$T/ovs" ovs "$srcdir/tests/fixtures/pool-pretty.dbcache"
make_root "$T/recbig" rec "$big"
make_root "$T/ovsbig" ovs "$big"

printf '# %s, %s, %s runs each after one warm-up (median; p90 of total), %s\n' \
    "$(uname -m)" "$(ovs-vsctl --version | sed -n '1s/.*) //p' |
                      sed 's/^/Open vSwitch /')" \
    "$runs" "$(date -u +%Y-%m-%dT%H:%MZ)"
printf '%-4s %-13s %-4s %9s %9s %9s %3s %9s %3s %9s %9s %7s\n' \
    mode scenario run total_ms p90_ms vsctl_ms n ofctl_ms n other_ms \
    tool_ms switch

# Recorders first: they need the bridges' devices to exist for the netlink
# steps, and the real switch needs them not to.
for br in $scenarios xenbr3 "$big_bridge"; do
    ip link add "$br" type veth peer name "$br-p"
done
for br in $scenarios; do
    bench "$T/rec" "rec $br" "$br"
done
bench "$T/recbig" "rec $pifs:$big_bridge" "$big_bridge"
for br in $scenarios xenbr3 "$big_bridge"; do
    ip link del "$br"
done

if ! ovs_start "$T/sw"; then
    echo "$0: cannot start Open vSwitch:" >&2
    cat "$T/sw/start.log" >&2
    exit 1
fi
for br in $scenarios; do
    bench "$T/ovs" "ovs $br" "$br"
done
bench "$T/ovsbig" "ovs $pifs:$big_bridge" "$big_bridge"

# median_ms LOG NAME: the median of NAME's times in LOG (ms).
median_ms() {
    awk -v name="$2" '
        $1 == name { t[++n] = ($3 - $2) / 1e6 }
        END {
            for (i = 2; i <= n; i++) {
                x = t[i]
                for (j = i - 1; j >= 1 && t[j] > x; j--) t[j + 1] = t[j]
                t[j + 1] = x
            }
            printf "%.2f", n % 2 ? t[(n + 1) / 2] : (t[n / 2] + t[n / 2 + 1]) / 2
        }' "$1"
}
# repeat N CMD...: runs CMD N times; stops the script if it fails.
repeat() {
    n=$1
    shift
    while [ "$n" -gt 0 ]; do
        "$@" >/dev/null || { echo "$0: $* failed" >&2; exit 1; }
        n=$((n - 1))
    done
}

# The parse alone: `dbcache validate` on the same caches (whole process).
: >"$T/validate-pretty"
: >"$T/validate-big"
pretty=$srcdir/tests/fixtures/pool-pretty.dbcache
repeat "$runs" "$TIMED" --run "$T/validate-pretty" "$DBCACHE" validate "$pretty"
repeat "$runs" "$TIMED" --run "$T/validate-big" "$DBCACHE" validate "$big"
printf '# dbcache validate (a whole process): pool-pretty (%d bytes) %s ms,' \
    "$(wc -c <"$pretty")" "$(median_ms "$T/validate-pretty" ifr)"
printf ' %s PIFs (%d bytes) %s ms\n' "$pifs" "$(wc -c <"$big")" \
    "$(median_ms "$T/validate-big" ifr)"

# What the tool column holds besides the tool's own work: starting the
# tool itself, and starting each timed program (the caller's fork and the
# helper's exec before its clock starts: counted in tool, not in the
# program).
cp "$TIMED" "$T/timed-noop"
ln -s /bin/true "$T/timed-noop.real"
repeat "$runs" "$TIMED" --run "$T/cal-version" "$IFR" --version
repeat "$runs" "$TIMED" --run "$T/cal-true" /bin/true
IFRB_LOG=$T/cal-noop
export IFRB_LOG
repeat "$runs" "$TIMED" --run "$T/cal-noop" "$T/timed-noop"
unset IFRB_LOG
spawn=$(awk -v outer="$(median_ms "$T/cal-noop" ifr)" \
            -v inner="$(median_ms "$T/cal-noop" noop)" \
            'BEGIN { printf "%.2f", outer - inner }')
printf '# process start: interface-reconfigure --version %s ms,' \
    "$(median_ms "$T/cal-version" ifr)"
printf ' /bin/true %s ms; each timed program costs its caller ~%s ms\n' \
    "$(median_ms "$T/cal-true" ifr)" "$spawn"

echo "# vsctl: every vsctl run (transaction, get-fail-mode, ofport queries),"
echo "# through the sandbox's netdev wrapper script in the ovs rows; other:"
echo "# ethtool, dhclient (a stub); tool: total less all programs; switch:"
echo "# (vsctl + ofctl) / total, of the medians"
awk '$1 == "ovs" && $2 !~ /:/ && $3 == "up" { tot += $4; sw += $6 + $8 }
     END {
         if (tot > 0)
             printf "The switch transaction (vsctl + ofctl) is %.0f%% of the" \
                    " median up time against the real switch (%.1f of %.1f ms," \
                    " four scenarios).\n", 100 * sw / tot, sw, tot
     }' "$T/rows"
