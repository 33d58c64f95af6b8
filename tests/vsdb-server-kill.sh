#! /bin/sh
# vsdb-server-kill.sh -- SIGKILL vsdb-server while a client commits, many
# times over, on one database file.  Each cycle starts vsdb-server on the
# file, checks that the file is whole (vsdb-tool check: a torn last record
# left by the previous kill must have been dropped on start) and that
# every transaction a client saw acknowledged is there, then runs a client
# that commits numbered keys (Open_vSwitch external_ids:nN=N, one vsctl
# --no-wait per commit, N recorded only after vsctl exits 0), and kills
# the server with SIGKILL at a random moment, 5 to 100 ms in.  Unlike the
# kill in tests/vsdb-server-ovs.sh, the kill lands anywhere: between
# commits, in the middle of a write, between the fsync and the reply.
#
# Environment: VSDB_KILL_CYCLES (default 200), VSDB_KILL_SEED (default:
# from the clock; printed, to replay a failure).  Needs only our own
# programs: no Open vSwitch, no root, no network.
. "${top_srcdir:-.}/tests/tap.sh"

SCHEMA=$top_srcdir/vswitch/vswitch.ovsschema
SERVER=$top_builddir/vswitch/vsdb-server
VSCTL=$top_builddir/vswitch/vsctl
TOOL=$top_builddir/vswitch/vsdb-tool
cycles=${VSDB_KILL_CYCLES:-200}
seed=${VSDB_KILL_SEED:-$(date +%s)}

for prog in "$SERVER" "$VSCTL" "$TOOL"; do
    [ -x "$prog" ] || skip_all "$prog not built"
done

T=$TMPDIR_TEST
DB=$T/conf.db
SOCK=$T/db.sock
XSV_RUNDIR=$T XSV_DBDIR=$T XSV_LOGDIR=$T XSV_SCHEMA=$SCHEMA
export XSV_RUNDIR XSV_DBDIR XSV_LOGDIR XSV_SCHEMA

server_pid=""
client_pid=""
cleanup() {
    for pid in $client_pid $server_pid; do
        kill -9 "$pid" 2>/dev/null
    done
}
at_exit cleanup

vsctl() {
    "$VSCTL" --db="unix:$SOCK" --no-wait --timeout=10 "$@"
}

# Starts vsdb-server in the background on $DB and waits (up to 10 s) for
# its socket.  (It loads the file before it listens.)
server_start() {
    rm -f "$SOCK"
    "$SERVER" --remote="punix:$SOCK" --unixctl="$T/vsdb-server.ctl" \
        "$DB" 2>>"$T/server.log" &
    server_pid=$!
    n=0
    while [ $n -lt 1000 ]; do
        [ -S "$SOCK" ] && return 0
        kill -0 "$server_pid" 2>/dev/null || return 1
        sleep 0.01
        n=$((n + 1))
    done
    return 1
}

# The client: commits keys FIRST, FIRST+1, ... until a commit fails (the
# server is gone), appending each acknowledged number to $T/acked.
client() {
    i=$1
    while vsctl set Open_vSwitch . "external_ids:n$i=$i" 2>/dev/null; do
        echo "$i" >>"$T/acked"
        i=$((i + 1))
    done
}

echo "# $cycles cycles, seed $seed (VSDB_KILL_SEED=$seed to replay)"
awk -v seed="$seed" -v n="$cycles" \
    'BEGIN { srand(seed); for (i = 0; i < n; i++)
             printf "%.3f\n", 0.005 + rand() * 0.095 }' >"$T/delays"

server_start && vsctl init
ok $? "vsdb-server creates the database; vsctl init"
: >"$T/acked"

start=$(date +%s)
cycle=0
bad_start=0 bad_check=0 bad_lost=0
while [ $cycle -lt "$cycles" ]; do
    cycle=$((cycle + 1))
    delay=$(sed -n "${cycle}p" "$T/delays")

    # The client commits from cycle*10000 on; kill the server mid-way.
    client $((cycle * 10000)) &
    client_pid=$!
    sleep "$delay"
    kill -9 "$server_pid"
    wait "$server_pid" 2>/dev/null
    server_pid=""
    wait "$client_pid"
    client_pid=""

    if ! server_start; then
        bad_start=$((bad_start + 1))
        echo "# cycle $cycle (kill after ${delay}s): vsdb-server does not start"
        tail -5 "$T/server.log" | sed 's/^/#   /'
        break
    fi
    if ! "$TOOL" check "$DB" >"$T/check.out" 2>&1; then
        bad_check=$((bad_check + 1))
        echo "# cycle $cycle (kill after ${delay}s): vsdb-tool check fails" \
            "after restart"
        sed 's/^/#   /' "$T/check.out"
    fi
    # Every acknowledged number must be there (more may be: a commit that
    # was written but whose reply was lost to the kill).
    # The first vsctl may come between bind() and listen(): retry once.
    { vsctl get Open_vSwitch . external_ids 2>/dev/null ||
      { sleep 0.05; vsctl get Open_vSwitch . external_ids; }; } |
        tr -d '{}" ' | tr ',' '\n' |
        sed -n 's/^n\([0-9]*\)=.*/\1/p' | sort -u >"$T/present"
    sort -u "$T/acked" >"$T/acked.sorted"
    if [ -n "$(comm -23 "$T/acked.sorted" "$T/present")" ]; then
        bad_lost=$((bad_lost + 1))
        echo "# cycle $cycle (kill after ${delay}s): acknowledged but lost:" \
            "$(comm -23 "$T/acked.sorted" "$T/present" | head -10 |
               tr '\n' ' ')"
    fi
done
elapsed=$(($(date +%s) - start))

is "$cycle" "$cycles" "$cycles kill -9 cycles ran"
is "$bad_start" 0 "vsdb-server starts after every SIGKILL"
is "$bad_check" 0 "vsdb-tool check passes after every restart"
is "$bad_lost" 0 "no acknowledged commit is ever lost"
# On a loaded machine (a sanitizer build) a commit may take longer than
# the shortest kill delays: ask for one acknowledged commit per four
# cycles on average (an idle machine makes about seven per cycle).
n_acked=$(wc -l <"$T/acked")
[ $((n_acked * 4)) -ge "$cycles" ]
ok $? "the clients committed ($n_acked acknowledged commits)"
echo "# $n_acked acknowledged commits in $cycles cycles, $elapsed s"
n_present=$(wc -l <"$T/present")
[ "$n_present" -ge "$n_acked" ]
ok $? "$n_present keys in the database"

kill "$server_pid"
wait "$server_pid" 2>/dev/null
server_pid=""
"$TOOL" check "$DB" >"$T/check.out" 2>&1
ok $? "the file is whole after a clean stop"
sed 's/^/# /' "$T/check.out"

done_testing
