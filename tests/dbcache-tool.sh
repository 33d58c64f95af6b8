#! /bin/sh
# dbcache-tool.sh -- functional tests of the `dbcache` command: its command
# line, validate/dump/query on the fixtures and on bad files.
. "${top_srcdir:-.}/tests/tap.sh"

DBCACHE=$top_builddir/dbcache/dbcache
FIX=$top_srcdir/tests/fixtures
T=$TMPDIR_TEST

run() {         # run CMD...: sets $out, $err, $rc
    "$@" >"$T/out" 2>"$T/err"
    rc=$?
    out=$(cat "$T/out")
    err=$(cat "$T/err")
}

# Command line.
run "$DBCACHE" --help
is "$rc" 0 "--help exits 0"
like "$out" "^usage: dbcache COMMAND" "--help prints usage on stdout"
run "$DBCACHE" --version
is "$rc" 0 "--version exits 0"
like "$out" "^dbcache \(xsvswitch\) [0-9]" "--version output"
run "$DBCACHE"
is "$rc" 2 "no command: usage error"
like "$err" "missing command" "no command: message"
like "$err" "For help use --help." "usage errors point at --help"
run "$DBCACHE" frobnicate x
is "$rc" 2 "unknown command"
like "$err" 'unknown command "frobnicate"' "unknown command named"
run "$DBCACHE" validate "$FIX/pool-pretty.dbcache" --bogus
is "$rc" 2 "unknown option"
like "$err" "unrecognized option --bogus" "unknown option named"
run "$DBCACHE" validate
is "$rc" 2 "validate without FILE"
run "$DBCACHE" dump "$FIX/pool-pretty.dbcache" --xapi unix:/x
is "$rc" 2 "fetch options refused elsewhere"
run "$DBCACHE" validate "$FIX/pool-pretty.dbcache" --json
is "$rc" 2 "--json only with dump"
run "$DBCACHE" fetch
is "$rc" 2 "fetch without -o"
run "$DBCACHE" fetch -o x --timeout soon
is "$rc" 2 "bad --timeout"
like "$err" 'timeout: "soon"' "bad --timeout named"

# validate
run "$DBCACHE" validate "$FIX/pool-pretty.dbcache"
is "$rc:$out$err" "0:" "pretty fixture is valid, silently"
run "$DBCACHE" validate "$FIX/pool-compact.dbcache"
is "$rc:$out$err" "0:" "compact fixture is valid, silently"

head -c 2000 "$FIX/pool-compact.dbcache" >"$T/truncated"
run "$DBCACHE" validate "$T/truncated"
is "$rc" 1 "truncated file: exit 1"
like "$err" "^$T/truncated:[0-9]+: XML error" "truncated file: file, line"

cat >"$T/bad.dbcache" <<'XML'
<?xml version="1.0" ?>
<xenserver-network-configuration>
	<pif ref="OpaqueRef:a">
		<uuid>u</uuid>
		<network>OpaqueRef:nowhere</network>
		<management>maybe</management>
	</pif>
	<pif ref="OpaqueRef:b">
		<uuid>u</uuid>
	</pif>
	<pif>
	</pif>
</xenserver-network-configuration>
XML
run "$DBCACHE" validate "$T/bad.dbcache"
is "$rc" 1 "bad file: exit 1"
like "$err" "bad.dbcache:6: pif OpaqueRef:a: field management: Unknown boolean value 'maybe'" "bad boolean: line, record, field"
like "$err" "bad.dbcache:11: pif record has no ref attribute" "missing ref: line"
like "$err" "bad.dbcache:3: pif OpaqueRef:a: field network refers to network OpaqueRef:nowhere" "and dangling references, in the same run"
is "$(printf '%s\n' "$err" | wc -l)" 4 "four problems, four lines"

sed -e 's/<management>maybe/<management>True/' -e '/^	<pif>$/,/^	<\/pif>$/d' \
    "$T/bad.dbcache" >"$T/bad2.dbcache"
run "$DBCACHE" validate "$T/bad2.dbcache"
is "$rc" 1 "dangling and duplicate: exit 1"
like "$err" "bad2.dbcache:3: pif OpaqueRef:a: field network refers to network OpaqueRef:nowhere, which does not exist" "dangling reference reported"
like "$err" "bad2.dbcache:8: pif OpaqueRef:b: duplicate uuid u \(also pif OpaqueRef:a, line 3\)" "duplicate uuid reported in the same run"

truncate -s 200M "$T/huge.dbcache"
run "$DBCACHE" validate "$T/huge.dbcache"
is "$rc" 1 "200 MB file refused"
like "$err" "huge.dbcache: file is 209715200 bytes, larger than the limit" "200 MB: message"

run "$DBCACHE" validate "$T/absent.dbcache"
is "$rc" 1 "missing file"
like "$err" "absent.dbcache: No such file or directory" "missing file named"

printf '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n<xenserver-network-configuration>&b;</xenserver-network-configuration>\n' >"$T/bomb.dbcache"
run "$DBCACHE" validate "$T/bomb.dbcache"
is "$rc" 1 "entity bomb refused"
like "$err" "bomb.dbcache:2: document type declaration refused" "entity bomb: message"

printf '<?xml version="1.0"?>\n<xenserver-network-configuration><network ref="a"><bridge>\377</bridge></network></xenserver-network-configuration>\n' >"$T/utf8.dbcache"
run "$DBCACHE" validate "$T/utf8.dbcache"
is "$rc" 1 "invalid UTF-8 refused"
like "$err" "utf8.dbcache:2: XML error: .*UTF-8" "invalid UTF-8: message"

printf '<?xml version="1.0" encoding="ISO-10646-UCS-4"?>\n<xenserver-network-configuration/>\n' >"$T/enc.dbcache"
run "$DBCACHE" validate "$T/enc.dbcache"
is "$rc" 1 "undecodable encoding refused"
is "$(printf '%s\n' "$err" | grep -vc "^$T/enc.dbcache:[0-9]*: ")" 0 \
   "every message names the file and line (libxml2 prints nothing itself)"

# dump
run "$DBCACHE" dump "$FIX/pool-pretty.dbcache"
is "$rc" 0 "dump"
like "$out" "^PIFs \(8\):" "dump: PIF table"
like "$out" "bond0\.4 +xapi2 +None" "dump: VLAN PIF row"
like "$out" "eth3 +xenbr3 +Static +10\.0\.0\.188/255\.0\.0\.0" "dump: static PIF row"
like "$out" "^Networks \(9\):" "dump: network table"
like "$out" "xenbr0 +- +eth0 +vswitch-disable-in-band=true" "dump: network other_config"
like "$out" "vswitch-controller-fail-mode=secure" "dump: pool"

run "$DBCACHE" dump "$FIX/pool-pretty.dbcache" --json
is "$rc" 0 "dump --json"
if command -v jq >/dev/null 2>&1; then
    printf '%s\n' "$out" >"$T/dump.json"
    is "$(jq -c '[.pif, .bond, .vlan, .tunnel, .network, .pool] | map(length)' "$T/dump.json")" \
       "[8,1,2,0,9,1]" "JSON: a member per class, keyed by ref"
    is "$(jq -r '[.pif[] | select(.management)] | .[0].device' "$T/dump.json")" "eth2" \
       "JSON: booleans are booleans"
    is "$(jq -r '.network[] | select(.bridge == "xenbr0") | .other_config["vswitch-disable-in-band"]' "$T/dump.json")" \
       "true" "JSON: other_config is an object"
    is "$(jq -r '.bond[] | .slaves | length' "$T/dump.json")" "2" "JSON: lists are arrays"
else
    for i in 1 2 3 4; do ok 0 "# SKIP jq not installed"; done
fi

# query
run "$DBCACHE" query "$FIX/pool-pretty.dbcache" pif-by-bridge xenbr2
is "$rc" 0 "query pif-by-bridge"
like "$out" "^OpaqueRef:[-0-9a-f]+ [-0-9a-f]+ eth2$" "pif-by-bridge prints REF UUID NETDEV"
eth2_uuid=$(echo "$out" | cut -d' ' -f2)
run "$DBCACHE" query "$FIX/pool-pretty.dbcache" management-pif
is "$(echo "$out" | cut -d' ' -f2)" "$eth2_uuid" "management-pif is eth2"
run "$DBCACHE" query "$FIX/pool-pretty.dbcache" pif-by-uuid "$eth2_uuid"
like "$out" " eth2$" "pif-by-uuid"
bond_ref=$("$DBCACHE" query "$FIX/pool-pretty.dbcache" pif-by-bridge xapi1 | cut -d' ' -f1)
run "$DBCACHE" query "$FIX/pool-pretty.dbcache" bond-slaves "$bond_ref"
is "$(echo "$out" | cut -d' ' -f3 | tr '\n' ' ')" "eth0 eth1 " "bond-slaves by ref"
vlan_uuid=$("$DBCACHE" query "$FIX/pool-pretty.dbcache" pif-by-bridge xapi3 | cut -d' ' -f2)
run "$DBCACHE" query "$FIX/pool-pretty.dbcache" vlan-parent "$vlan_uuid"
like "$out" " eth3$" "vlan-parent by uuid"
run "$DBCACHE" query "$FIX/pool-pretty.dbcache" netdev "$vlan_uuid"
is "$out" "eth3.123" "netdev"
run "$DBCACHE" query "$FIX/pool-pretty.dbcache" ipdev "$vlan_uuid"
is "$out" "xapi3" "ipdev"
v4=$("$DBCACHE" query "$FIX/pool-pretty.dbcache" pif-by-bridge xapi2 | cut -d' ' -f1)
run "$DBCACHE" query "$FIX/pool-pretty.dbcache" datapath "$v4"
like "$out" " bond0$" "datapath of bond0.4 is bond0"
run "$DBCACHE" query "$FIX/pool-pretty.dbcache" physical "$bond_ref"
is "$(echo "$out" | cut -d' ' -f3 | tr '\n' ' ')" "eth0 eth1 " "physical PIFs of a bond"
run "$DBCACHE" query "$FIX/pool-pretty.dbcache" pif-by-bridge xapi0
is "$rc" 1 "query without answer: exit 1"
like "$err" "No PIF on host for network xapi0" "query failure: reason"
run "$DBCACHE" query "$FIX/pool-pretty.dbcache" vlan-parent nope
is "$rc" 1 "unknown PIF"
like "$err" 'Unknown PIF "nope"' "unknown PIF: reason"
run "$DBCACHE" query "$FIX/pool-pretty.dbcache" colour xenbr0
is "$rc" 2 "unknown query: usage error"
run "$DBCACHE" query "$FIX/pool-pretty.dbcache" management-pif extra
is "$rc" 2 "management-pif takes no argument"
run "$DBCACHE" query "$T/bad2.dbcache" management-pif
is "$rc" 1 "query on an invalid file fails"

done_testing
