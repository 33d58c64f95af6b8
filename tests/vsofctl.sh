#! /bin/sh
# vsofctl.sh -- vsofctl against a fake vswitchd (tests/test-unixctl
# --serve), whose "ofctl/..." commands answer with the arguments they got
# joined by '|': the commands and arguments vsofctl sends (add-flows from a
# file with comments and blank lines, and from stdin; --strict;
# --no-stats; options after the arguments), its output, and its errors:
# from vswitchd, a bridge that does not exist (ovs-ofctl's wording, also
# compared with stock ovs-ofctl's when it is installed), no vswitchd, a
# timeout, command-line errors.  No root, no network.
. "${top_srcdir:-.}/tests/tap.sh"

OFCTL=$top_builddir/vswitch/vsofctl
FAKE=$top_builddir/tests/test-unixctl

for prog in "$OFCTL" "$FAKE"; do
    [ -x "$prog" ] || skip_all "$prog not built"
done

T=$TMPDIR_TEST
XSV_RUNDIR=$T
export XSV_RUNDIR

cleanup() {
    if [ -s "$T/fake.pid" ]; then
        kill "$(cat "$T/fake.pid")" 2>/dev/null
    fi
}
at_exit cleanup

"$FAKE" --serve="$T/vswitchd.ctl" --pidfile="$T/fake.pid" --detach \
    2>"$T/fake.log"
ok $? "the fake vswitchd starts"

# run OUT ARG...: vsofctl's stdout to OUT.out, stderr to OUT.err, exit
# status to OUT.rc.
run() {
    out=$1
    shift
    "$OFCTL" "$@" >"$out.out" 2>"$out.err"
    echo $? >"$out.rc"
}
# sends DESCRIPTION WANT ARG...: vsofctl ARG... exits 0 and prints WANT
# (the fake's echo of the command it got).
sends() {
    desc=$1 want=$2
    shift 2
    run "$T/r" "$@" </dev/null
    if [ "$(cat "$T/r.rc")" = 0 ] && [ "$(cat "$T/r.out")" = "$want" ] &&
       [ ! -s "$T/r.err" ]; then
        ok 0 "$desc"
    else
        ok 1 "$desc"
        sed 's/^/#   out: /' "$T/r.out"
        sed 's/^/#   err: /' "$T/r.err"
        echo "#   exit: $(cat "$T/r.rc"); want: $want"
    fi
}

sends "add-flow" "ofctl/add-flow|br0|priority=0,in_port=1,arp,actions=local" \
    add-flow br0 priority=0,in_port=1,arp,actions=local
sends "add-flow: a flow with spaces is one argument" \
    "ofctl/add-flow|xenbr0|priority=5 in_port=2 actions=normal" \
    add-flow xenbr0 "priority=5 in_port=2 actions=normal"
sends "-O OpenFlow13 accepted and ignored" \
    "ofctl/add-flow|br0|actions=drop" -O OpenFlow13 add-flow br0 actions=drop
sends "--protocols=OpenFlow10,OpenFlow13 likewise" \
    "ofctl/add-flow|br0|actions=drop" --protocols=OpenFlow10,OpenFlow13 \
    add-flow br0 actions=drop

cat >"$T/flows" <<'EOF'
# Flows for br0.
priority=0,in_port=1,arp,actions=local

   priority=0,in_port=LOCAL,actions=1   # output to the NIC
	# an indented comment
priority=5,dl_type=0x0800,nw_proto=17,actions=drop
EOF
printf 'priority=7,actions=normal\r\n' >>"$T/flows"
sends "add-flows FILE: one argument per flow; comments, blank lines, \
spaces and CRs dropped" \
    "ofctl/add-flows|br0|priority=0,in_port=1,arp,actions=local|\
priority=0,in_port=LOCAL,actions=1|\
priority=5,dl_type=0x0800,nw_proto=17,actions=drop|priority=7,actions=normal" \
    add-flows br0 "$T/flows"
run "$T/r" add-flows br0 - <"$T/flows"
is "$(cat "$T/r.out")" "ofctl/add-flows|br0|priority=0,in_port=1,arp,actions=local|\
priority=0,in_port=LOCAL,actions=1|\
priority=5,dl_type=0x0800,nw_proto=17,actions=drop|priority=7,actions=normal" \
    "add-flows BRIDGE -: from stdin"
printf '# nothing\n\n' >"$T/empty"
sends "add-flows: a file of comments only sends no flow" \
    "ofctl/add-flows|br0" add-flows br0 "$T/empty"
run "$T/r" add-flows br0 "$T/nosuch"
is "$(cat "$T/r.rc")" 1 "add-flows: a missing file: exit status 1"
is "$(cat "$T/r.err")" \
    "vsofctl: $T/nosuch: open failed (No such file or directory)" \
    "... ovs-ofctl's message"

sends "del-flows BRIDGE" "ofctl/del-flows|br0" del-flows br0
sends "del-flows BRIDGE FLOW" "ofctl/del-flows|br0|in_port=1" \
    del-flows br0 in_port=1
sends "--strict del-flows BRIDGE FLOW" \
    "ofctl/del-flows|br0|--strict|priority=5,in_port=1" \
    --strict del-flows br0 priority=5,in_port=1
sends "del-flows BRIDGE FLOW --strict: options after the arguments" \
    "ofctl/del-flows|br0|--strict|priority=5,in_port=1" \
    del-flows br0 priority=5,in_port=1 --strict
sends "--strict has no effect on add-flow" "ofctl/add-flow|br0|actions=drop" \
    --strict add-flow br0 actions=drop

flows=' cookie=0x0, duration=1.5s, table=0, n_packets=0, n_bytes=0, priority=0 actions=NORMAL
 cookie=0x0, duration=1.5s, table=0, n_packets=3, n_bytes=180, priority=5,arp actions=drop'
sends "dump-flows BRIDGE: the output verbatim" "ofctl/dump-flows|br0
$flows" dump-flows br0
sends "dump-flows BRIDGE --no-stats" "ofctl/dump-flows|br0|--no-stats
$flows" dump-flows br0 --no-stats
sends "dump-flows --no-stats BRIDGE FLOW" \
    "ofctl/dump-flows|xenbr0|--no-stats|arp
$flows" dump-flows --no-stats xenbr0 arp
run "$T/r" dump-flows br0
tail -c 1 "$T/r.out" | od -c | grep -q '\\n'
ok $? "... ending in a newline, as vswitchd sent it"

# Errors.
run "$T/r" add-flow nobr actions=drop
is "$(cat "$T/r.rc")" 1 "a bridge that does not exist: exit status 1"
is "$(cat "$T/r.err")" "vsofctl: nobr is not a bridge or a socket" \
    "... ovs-ofctl's message"
is "$(cat "$T/r.out")" "" "... nothing on stdout"
run "$T/r" dump-flows nobr
is "$(cat "$T/r.err")" "vsofctl: nobr is not a bridge or a socket" \
    "... for dump-flows too"
if command -v ovs-ofctl >/dev/null; then
    OVS_RUNDIR=$T ovs-ofctl dump-flows nobr 2>"$T/stock.err"
    is "$(sed 's/^ovs-ofctl:/vsofctl:/' "$T/stock.err")" \
        "$(cat "$T/r.err")" "... the same as stock ovs-ofctl's"
else
    ok 0 "# SKIP ovs-ofctl not installed"
fi
run "$T/r" add-flow br0 priority=1,bad=2,actions=drop
is "$(cat "$T/r.rc")" 1 "an error from vswitchd: exit status 1"
is "$(cat "$T/r.err")" \
    "vsofctl: priority=1,bad=2,actions=drop: unknown keyword in flow" \
    "... printed after \"vsofctl: \""
printf 'actions=drop\nbad\n' >"$T/badflows"
run "$T/r" add-flows br0 "$T/badflows"
is "$(cat "$T/r.rc")" 1 "add-flows: an error from vswitchd: exit status 1"
is "$(cat "$T/r.err")" "vsofctl: bad: unknown keyword in flow" "... printed"

run "$T/r" -t 1 dump-flows br0 sleep=4000
is "$(cat "$T/r.rc")" 1 "-t 1 against a slow vswitchd: exit status 1"
like "$(cat "$T/r.err")" \
    "^vsofctl: $T/vswitchd.ctl: transaction error \(Connection timed out\)$" \
    "... a timeout error"
sends "--timeout=10: time enough" "ofctl/dump-flows|br0|sleep=10
$flows" --timeout=10 dump-flows br0 sleep=10

mv "$T/vswitchd.ctl" "$T/moved.ctl"
run "$T/r" dump-flows br0
is "$(cat "$T/r.rc")" 1 "no vswitchd: exit status 1"
is "$(cat "$T/r.err")" \
    "vsofctl: cannot connect to vswitchd at \"$T/vswitchd.ctl\" (No such file or directory)" \
    "... an error naming the socket"
sends "--unixctl=SOCKET" "ofctl/del-flows|br0" --unixctl="$T/moved.ctl" \
    del-flows br0
mv "$T/moved.ctl" "$T/vswitchd.ctl"

# Command-line errors.
run "$T/r" add-flow br0
is "$(cat "$T/r.rc")" 2 "too few arguments: exit status 2"
like "$(cat "$T/r.err")" "^vsofctl: 'add-flow' command requires at least 2 arguments" \
    "... ovs-ofctl's wording"
run "$T/r" del-flows br0 a b
like "$(cat "$T/r.err")" "^vsofctl: 'del-flows' command takes at most 2 arguments" \
    "too many arguments"
run "$T/r" mod-flows br0 a
is "$(cat "$T/r.rc")" 2 "an unknown command: exit status 2"
like "$(cat "$T/r.err")" "unknown command 'mod-flows'" "... named"
run "$T/r"
like "$(cat "$T/r.err")" "missing command name" "no command"
run "$T/r" -O OpenFlow99 dump-flows br0
is "$(cat "$T/r.rc")" 2 "-O with an unknown version: exit status 2"
run "$T/r" -t x dump-flows br0
is "$(cat "$T/r.rc")" 2 "a bad timeout: exit status 2"

"$OFCTL" --help >"$T/help"
ok $? "--help"
grep -q 'accepted and ignored' "$T/help"
ok $? "... says that -O is accepted and ignored"
like "$("$OFCTL" --version)" '^vsofctl \(xsvswitch\) ' "--version"

done_testing
