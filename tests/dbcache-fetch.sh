#! /bin/sh
# dbcache-fetch.sh -- `dbcache fetch` against the test XAPI server: the
# cache it writes is byte-identical to what the original program writes
# from the same XAPI records (tests/xapi/*-expected.dbcache were produced
# by the original's algorithm), sessions are handled as XAPI expects, and
# every failure (XAPI Failure, unreachable, stalled, untrusted certificate)
# exits 1 with a clear message and leaves the existing cache untouched.
. "${top_srcdir:-.}/tests/tap.sh"
. "$top_srcdir/tests/certs.sh"

DBCACHE=$top_builddir/dbcache/dbcache
SERVER=$top_builddir/tests/test-xapi-server
X=$top_srcdir/tests/xapi
T=$TMPDIR_TEST
server_pids=

stop_servers() {
    for pid in $server_pids; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
    server_pids=
}
at_exit stop_servers

# start NAME FIXTURE [OPTION...]: a server on unix socket $T/NAME.sock.
start() {
    name=$1 fixture=$2
    shift 2
    rm -f "$T/$name.pid"
    "$SERVER" --unix "$T/$name.sock" --fixture "$X/$fixture" \
        --pidfile "$T/$name.pid" --calls "$T/$name.calls" "$@" \
        2>"$T/$name.log" &
    server_pids="$server_pids $!"
    n=0
    while [ ! -s "$T/$name.pid" ] && [ $n -lt 500 ]; do sleep 0.01; n=$((n + 1)); done
}

run() {         # run CMD...: sets $out, $err, $rc
    "$@" >"$T/out" 2>"$T/err"
    rc=$?
    out=$(cat "$T/out")
    err=$(cat "$T/err")
}

mkdir -p "$T/root/etc" "$T/root/var/lib/xcp"
cp "$X/xensource-inventory" "$T/root/etc/"

# Logging in, reading, writing.
start main pool.xml --session OpaqueRef:given
run "$DBCACHE" fetch --xapi "unix:$T/main.sock" --root-prefix "$T/root" -o "$T/cache"
is "$rc" 0 "fetch over the unix socket"
is "$err" "" "fetch is quiet on success"
cmp -s "$T/cache" "$X/pool-expected.dbcache"
ok $? "cache byte-identical to the original program's"
"$DBCACHE" validate "$T/cache"
ok $? "fetched cache validates"
like "$(cat "$T/main.calls")" 'session.login_with_password "root" "" "1.0"' "logged in as root, with a version"
like "$(cat "$T/main.calls")" 'session.logout' "logged out"

: >"$T/main.calls"
run "$DBCACHE" fetch --xapi "unix:$T/main.sock" --root-prefix "$T/root" \
    --session OpaqueRef:given -o "$T/cache2"
is "$rc" 0 "fetch with a given session"
if grep -q -e login_with_password -e session.logout "$T/main.calls"; then r=1; else r=0; fi
ok $r "a given session: no login, no logout"
like "$(cat "$T/main.calls")" 'OpaqueRef:given' "the given session is used"

run "$DBCACHE" fetch --root-prefix "$T/root" -o "$T/cache3" -v
is "$rc" 1 "default socket absent: exit 1"
like "$err" "var/xapi/xapi: .*No such file" "default socket absent: message names the socket"
like "$err" "host uuid is|connect" "-v shows the client's log"
ln -s "$T/main.sock" "$T/root/var/lib/xcp/xapi"
run "$DBCACHE" fetch --root-prefix "$T/root" -o "$T/cache3"
is "$rc" 0 "default socket under the root prefix"
cmp -s "$T/cache3" "$X/pool-expected.dbcache"
ok $? "same cache through the default socket"

start notunnel pool-no-tunnel.xml
run "$DBCACHE" fetch --xapi "unix:$T/notunnel.sock" --root-prefix "$T/root" -o "$T/cache4"
is "$rc" 0 "XAPI without the tunnel class"
cmp -s "$T/cache4" "$X/pool-no-tunnel-expected.dbcache"
ok $? "its cache byte-identical to the original program's"

# Failures keep the old cache.
cp "$X/pool-expected.dbcache" "$T/keep"
start failing pool.xml --fail "network.get_all_records=INTERNAL_ERROR,database locked"
run "$DBCACHE" fetch --xapi "unix:$T/failing.sock" --root-prefix "$T/root" -o "$T/keep"
is "$rc" 1 "XAPI Failure: exit 1"
like "$err" "network.get_all_records.*INTERNAL_ERROR.*database locked" "Failure reported with its ErrorDescription"
cmp -s "$T/keep" "$X/pool-expected.dbcache"
ok $? "Failure: old cache untouched"
like "$(cat "$T/failing.calls")" 'session.logout' "Failure: still logged out"

start stalled pool.xml --stall PIF.get_all_records
start_s=$(date +%s)
run "$DBCACHE" fetch --xapi "unix:$T/stalled.sock" --root-prefix "$T/root" --timeout 1 -o "$T/keep"
took=$(( $(date +%s) - start_s ))
is "$rc" 1 "stalled XAPI: exit 1"
like "$err" "PIF.get_all_records: no reply from the server within 1000 ms" "stalled XAPI: timeout reported"
[ "$took" -le 5 ]
ok $? "stalled XAPI: gave up within the timeout (${took}s)"
cmp -s "$T/keep" "$X/pool-expected.dbcache"
ok $? "stall: old cache untouched"

run "$DBCACHE" fetch --xapi "unix:$T/nothing.sock" -o "$T/keep" --root-prefix "$T/root"
is "$rc" 1 "missing socket: exit 1"
like "$err" "nothing.sock.*No such file" "missing socket named"

start broken pif-missing-device.xml
run "$DBCACHE" fetch --xapi "unix:$T/broken.sock" --root-prefix "$T/root" -o "$T/keep"
is "$rc" 1 "record missing a field: exit 1"
like "$err" "device" "missing field named"
cmp -s "$T/keep" "$X/pool-expected.dbcache"
ok $? "bad record: old cache untouched"

rm "$T/root/etc/xensource-inventory"
run "$DBCACHE" fetch --xapi "unix:$T/main.sock" --root-prefix "$T/root" -o "$T/keep"
is "$rc" 1 "no inventory: exit 1"
like "$err" "etc/xensource-inventory" "no inventory: file named"
cp "$X/xensource-inventory" "$T/root/etc/"

# HTTPS.
if make_test_certs "$T"; then
    rm -f "$T/tls.pid"
    "$SERVER" --tls 127.0.0.1:0 --cert "$T/server.pem" --key "$T/server.key" \
        --port-file "$T/tls.port" --pidfile "$T/tls.pid" \
        --fixture "$X/pool.xml" 2>"$T/tls.log" &
    server_pids="$server_pids $!"
    n=0
    while [ ! -s "$T/tls.pid" ] && [ $n -lt 500 ]; do sleep 0.01; n=$((n + 1)); done
    url=https://127.0.0.1:$(cat "$T/tls.port")
    run "$DBCACHE" fetch --xapi "$url" --ca "$T/ca.pem" --root-prefix "$T/root" -o "$T/tls-cache"
    is "$rc" 0 "fetch over HTTPS, certificate verified"
    cmp -s "$T/tls-cache" "$X/pool-expected.dbcache"
    ok $? "same cache over HTTPS"
    run "$DBCACHE" fetch --xapi "$url" --ca "$T/other-ca.pem" --root-prefix "$T/root" -o "$T/keep"
    is "$rc" 1 "untrusted certificate refused"
    like "$err" "certificate verify failed" "untrusted certificate: OpenSSL's reason"
    cmp -s "$T/keep" "$X/pool-expected.dbcache"
    ok $? "untrusted certificate: old cache untouched"
    run "$DBCACHE" fetch --xapi "$url" --insecure --root-prefix "$T/root" -o "$T/tls-cache2"
    is "$rc" 0 "--insecure skips verification"
    run "$DBCACHE" fetch --xapi "$url" --insecure --ca "$T/ca.pem" -o "$T/x"
    is "$rc" 2 "--insecure with --ca: usage error"
else
    for i in 1 2 3 4 5 6 7; do ok 0 "# SKIP openssl cannot make certificates"; done
fi

done_testing
