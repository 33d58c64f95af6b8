#! /bin/sh
# xapi-tls.sh -- the XAPI client over HTTPS (dbcache/xapi.c's TLS transport),
# against tests/test-xapi-server, driven by tests/test-xapi-client.
#
# At test time it makes, with openssl(1), a CA, a server certificate for
# IP 127.0.0.1 signed by it, and a second, untrusted CA; then checks that a
# verified connection works, that an untrusted certificate and a wrong host
# name are refused with OpenSSL's reason (-EPERM), that --insecure skips
# verification, and that timeouts apply over TLS too.  Prints TAP.  Every
# server it starts is killed, by pid, on every way out.

set -u

: "${top_builddir:=.}"
: "${top_srcdir:=.}"
server=$top_builddir/tests/test-xapi-server
client=$top_builddir/tests/test-xapi-client
pool_xml=$top_srcdir/tests/xapi/pool.xml
inventory=$top_srcdir/tests/xapi/xensource-inventory

if ! command -v openssl >/dev/null 2>&1; then
    echo "1..0 # SKIP openssl(1) not found"
    exit 77
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/xapi-tls.XXXXXX") || exit 99
pids=

cleanup () {
    for pid in $pids; do
        kill "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    pids=
    rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

count=0
failed=0
ok () {
    count=$((count + 1))
    echo "ok $count - $1"
}
not_ok () {
    count=$((count + 1))
    failed=$((failed + 1))
    echo "not ok $count - $1"
}
# show FILE: the file as TAP comments.
show () {
    sed 's/^/#   /' "$1"
}
# check DESCRIPTION COMMAND...: ok if COMMAND succeeds.
check () {
    desc=$1
    shift
    if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}
# contains FILE TEXT: FILE has a line containing TEXT.
contains () {
    grep -F -q -e "$2" "$1"
}

# Certificates.
. "$top_srcdir/tests/certs.sh"
if ! make_test_certs "$dir"; then
    echo "1..0 # SKIP openssl could not make the test certificates"
    show "$dir/openssl.log"
    exit 77
fi

# start_server NAME [OPTION...]: starts a TLS server; sets $port.
start_server () {
    name=$1
    shift
    "$server" --tls 127.0.0.1:0 --cert "$dir/server.pem" \
        --key "$dir/server.key" --port-file "$dir/$name.port" \
        --pidfile "$dir/$name.pid" --calls "$dir/$name.calls" \
        --fixture "$pool_xml" "$@" 2>"$dir/$name.log" &
    pid=$!
    pids="$pids $pid"
    i=0
    while [ ! -s "$dir/$name.pid" ]; do
        i=$((i + 1))
        if [ $i -gt 1000 ]; then
            echo "# $name server did not start"
            show "$dir/$name.log"
            return 1
        fi
        sleep 0.01
    done
    port=$(cat "$dir/$name.port")
}

if ! start_server main; then
    echo "1..0 # SKIP the test server did not start"
    exit 99
fi
main_pid=$pid
url=https://127.0.0.1:$port

# client NAME ARGS...: runs the client; output in $dir/NAME.out and .err.
client () {
    name=$1
    shift
    "$client" "$@" >"$dir/$name.out" 2>"$dir/$name.err"
    echo $? >"$dir/$name.rc"
}
rc_is () {
    [ "$(cat "$dir/$1.rc")" = "$2" ] || {
        echo "# exit status $(cat "$dir/$1.rc"), expected $2"
        show "$dir/$1.err"
        return 1
    }
}

# 1. A verified connection.
client verified --xapi "$url" --ca "$dir/ca.pem" call pool.get_all
check "verified connection: the call succeeds" rc_is verified 0
check "verified connection: the result" \
    contains "$dir/verified.out" '["OpaqueRef:pool-0"]'
login='session.login_with_password "root" "" "1.0"'
login="$login \"xsvswitch-interface-reconfigure\""
check "the client logged in with the originator" \
    contains "$dir/main.calls" "$login"
check "and logged out" \
    contains "$dir/main.calls" 'session.logout "OpaqueRef:test-session"'

# 2. The whole model over TLS.
mkdir -p "$dir/root/etc" && cp "$inventory" "$dir/root/etc/xensource-inventory"
client model --xapi "$url" --ca "$dir/ca.pem" read-model \
    --root-prefix "$dir/root"
check "read-model over TLS succeeds" rc_is model 0
check "read-model: the management PIF" \
    contains "$dir/model.out" \
    'pif OpaqueRef:pif-a-eth2 a0e2a0e2-0000-4000-8000-000000000002'
check "read-model: nine PIFs of this host" \
    test "$(grep -c '^pif ' "$dir/model.out")" = 9
check "read-model: no PIF of the other host" \
    test "$(grep -c '^pif OpaqueRef:pif-b' "$dir/model.out")" = 0
check "read-model: the pool's controller" \
    contains "$dir/model.out" 'pool vswitch_controller 192.0.2.10'

# 3. A session ref given: no login.
client given --xapi "$url" --ca "$dir/ca.pem" \
    --session OpaqueRef:test-session call host.get_by_uuid \
    852ee692-8a2c-4d4b-b0a6-0d8c3a4b5f01
check "with --session, the call succeeds" rc_is given 0
check "with --session, the result" \
    contains "$dir/given.out" '"OpaqueRef:host-a"'

# 4. A certificate signed by a CA we do not trust.
client untrusted --xapi "$url" --ca "$dir/other-ca.pem" call pool.get_all
check "untrusted CA: refused" rc_is untrusted 1
check "untrusted CA: OpenSSL's reason is given" \
    contains "$dir/untrusted.err" "certificate verify failed"
check "untrusted CA: the verification error is given" \
    contains "$dir/untrusted.err" "unable to get local issuer certificate"
check "untrusted CA: the message names the server" \
    contains "$dir/untrusted.err" "XAPI $url: TLS handshake:"
check "untrusted CA: -EPERM" \
    contains "$dir/untrusted.err" "error: Operation not permitted"

# 5. The system's CA store does not know our CA either.
client default-ca --xapi "$url" call pool.get_all
check "default CA store: refused" rc_is default-ca 1
check "default CA store: certificate verify failed" \
    contains "$dir/default-ca.err" "certificate verify failed"

# 6. --insecure skips verification.
client insecure --xapi "$url" --insecure call pool.get_all
check "--insecure: the call succeeds" rc_is insecure 0
check "--insecure: the result" \
    contains "$dir/insecure.out" '["OpaqueRef:pool-0"]'
client insecure2 --xapi "$url" --ca "$dir/other-ca.pem" --insecure \
    call pool.get_all
check "--insecure overrides an untrusted --ca" rc_is insecure2 0

# 7. The right CA but the wrong name: the certificate is for 127.0.0.1.
client wrong-name --xapi "https://localhost:$port" --ca "$dir/ca.pem" \
    call pool.get_all
check "wrong host name: refused" rc_is wrong-name 1
check "wrong host name: certificate verify failed" \
    contains "$dir/wrong-name.err" "certificate verify failed"
check "wrong host name: hostname mismatch" \
    contains "$dir/wrong-name.err" "hostname mismatch"
check "wrong host name: -EPERM" \
    contains "$dir/wrong-name.err" "error: Operation not permitted"

# 8. A stalled server over TLS.
if start_server stall --stall pool.get_all; then
    client stall --xapi "https://127.0.0.1:$port" --ca "$dir/ca.pem" \
        --timeout-ms 300 call pool.get_all
    check "stalled server: the call fails" rc_is stall 1
    check "stalled server: no reply within the timeout" \
        contains "$dir/stall.err" \
        "pool.get_all: no reply from the server within 300 ms"
    check "stalled server: -ETIMEDOUT" \
        contains "$dir/stall.err" "error: Connection timed out"
else
    not_ok "stalled server starts"
fi

# 9. Nothing listening.
client refused --xapi "https://127.0.0.1:1" --ca "$dir/ca.pem" \
    call pool.get_all
check "nothing listening: refused" rc_is refused 1
check "nothing listening: -ECONNREFUSED" \
    contains "$dir/refused.err" "connect: Connection refused"

# 10. The server stops cleanly (under the sanitizers: without leaks).
kill "$main_pid" 2>/dev/null
wait "$main_pid"
status=$?
rest=
for pid in $pids; do
    [ "$pid" = "$main_pid" ] || rest="$rest $pid"
done
pids=$rest
check "the server exits 0 on SIGTERM (status $status)" test "$status" = 0
if [ "$status" != 0 ]; then
    show "$dir/main.log"
fi

echo "1..$count"
[ $failed -eq 0 ]
