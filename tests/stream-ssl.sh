#! /bin/sh
# stream-ssl.sh -- the streams of vswitch/stream.c and stream-ssl.c end to
# end, through tests/test-stream (a JSON-RPC echo and list_dbs server, and
# a client), and against stock Open vSwitch tools.
#
#   - unix: and tcp: on 127.0.0.1 (ptcp:0 picks the port);
#   - ssl: with mutual verification; an untrusted server, an untrusted
#     client, and plain TCP and SSL mixed up are all refused with a reason;
#   - CA bootstrap: the server's CA is saved on first connect and used to
#     verify from then on; a server that does not send its CA, or is
#     signed by another CA, is refused;
#   - stock ovsdb-client (list-dbs, --bootstrap-ca-cert) against
#     test-stream over unix, tcp and ssl;
#   - stock ovsdb-server with a tiny schema, on punix, ptcp and pssl,
#     called by test-stream (list_dbs, echo; CA bootstrap);
#   - the SSL module, vswitch/stream-ssl.so: a server without SSL does not
#     map it (nor OpenSSL), one with SSL does; without the module (an empty
#     $XSV_MODULEDIR), ssl: and pssl: fail with a message naming the file.
#
# Certificates are made at test time with openssl(1) (tests/certs.sh, plus
# a client certificate and a rogue CA's certificate made here).  Every
# server it starts is killed, by pid, on every way out; all traffic stays
# on loopback.  Prints TAP.

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
. "$top_srcdir/tests/tap.sh"

ts=$top_builddir/tests/test-stream
dir=$TMPDIR_TEST
pids=

kill_servers() {
    for pid in $pids; do
        kill "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    pids=
}
at_exit kill_servers

# show FILE: the file as TAP comments.
show() {
    sed 's/^/#   /' "$1"
}

# maps PID: what process PID has mapped (libraries and modules).
maps() {
    cat "/proc/$1/maps" 2>/dev/null
}

# wait_for FILE: waits up to 10 s for FILE to be non-empty.
wait_for() {
    i=0
    while [ ! -s "$1" ] && [ $i -lt 100 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    [ -s "$1" ]
}

# start NAME PSTREAM [OPTION...]: starts test-stream listening; sets $port
# and NAME_pid; its stderr goes to $dir/NAME.log.
start() {
    name=$1
    pstream=$2
    shift 2
    "$ts" --port-file "$dir/$name.port" "$@" listen "$pstream" \
        2>"$dir/$name.log" &
    eval "${name}_pid=$!"
    pids="$pids $!"
    if wait_for "$dir/$name.port"; then
        port=$(cat "$dir/$name.port")
    else
        port=
        show "$dir/$name.log"
    fi
}

# stop NAME: stops a server started by start().
stop() {
    eval "pid=\$${1}_pid"
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
}

# call [--OPTION VALUE...] STREAM METHOD [PARAMS]: test-stream call;
# output in $out, stderr in $dir/call.err, exit status in $rc.  (Options
# without a value, like --bootstrap-ca-cert, go last among the options.)
call() {
    opts=
    while [ $# -gt 0 ]; do
        case $1 in
            --bootstrap-ca-cert) opts="$opts $1"; shift ;;
            --*) opts="$opts $1 $2"; shift 2 ;;
            *) break ;;
        esac
    done
    # shellcheck disable=SC2086
    out=$("$ts" --timeout 5000 $opts call "$@" 2>"$dir/call.err")
    rc=$?
}

if ! command -v openssl >/dev/null 2>&1; then
    skip_all "openssl(1) not found"
fi
. "$top_srcdir/tests/certs.sh"
# make_cert NAME CA: a certificate for client and server use, signed by CA.
make_cert() {
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
        -nodes -keyout "$dir/$1.key" -out "$dir/$1.csr" \
        -subj "/CN=$1" >>"$dir/openssl.log" 2>&1 &&
    printf '%s\n' 'basicConstraints=CA:FALSE' \
        'extendedKeyUsage=clientAuth,serverAuth' >"$dir/$1.ext" &&
    openssl x509 -req -in "$dir/$1.csr" -CA "$dir/$2.pem" \
        -CAkey "$dir/$2.key" -CAcreateserial -out "$dir/$1.pem" \
        -days 2 -extfile "$dir/$1.ext" >>"$dir/openssl.log" 2>&1
}
if ! make_test_certs "$dir" || ! make_cert client ca \
        || ! make_cert rogue other-ca; then
    show "$dir/openssl.log"
    skip_all "openssl could not make the test certificates"
fi
# Chains that carry their CA, for peers that bootstrap.
cat "$dir/server.pem" "$dir/ca.pem" >"$dir/server-chain.pem"
cat "$dir/rogue.pem" "$dir/other-ca.pem" >"$dir/rogue-chain.pem"
fingerprint() {
    openssl x509 -noout -fingerprint -sha256 -in "$1" 2>/dev/null
}

server_ssl="--key $dir/server.key --cert $dir/server-chain.pem \
--ca $dir/ca.pem"
client_ssl="--key $dir/client.key --cert $dir/client.pem --ca $dir/ca.pem"

# --- unix: ---
start u "punix:$dir/u.sock"
call "unix:$dir/u.sock" echo '["hello",1,{"a":[null]}]'
is "$out" '["hello",1,{"a":[null]}]' "unix: echo"
call "unix:$dir/u.sock" list_dbs
is "$out" '["Open_vSwitch"]' "unix: list_dbs"
call "unix:$dir/u.sock" frobnicate
is "$rc" 2 "unix: unknown method gives an error reply"
like "$out" 'unknown method' "unix: error reply says why"
call "unix:$dir/nothing.sock" echo
is "$rc" 1 "unix: no listener: the call fails"
like "$(cat "$dir/call.err")" 'nothing.sock: connect: No such file' \
    "unix: no listener: reason given"
# shellcheck disable=SC2154 # u_pid is set by start().
u_maps=$(maps "$u_pid")
like "$u_maps" 'libglib' "unix: the server's maps can be read"
! printf '%s\n' "$u_maps" | grep -Eq 'stream-ssl\.so|libssl|libcrypto'
ok $? "unix: a server without SSL maps neither the SSL module nor OpenSSL"

# --- tcp: ---
start t "ptcp:0:127.0.0.1"
like "$port" '^[1-9][0-9]*$' "ptcp:0 picked port $port"
tcp_port=$port
call "tcp:127.0.0.1:$tcp_port" echo '["over tcp"]'
is "$out" '["over tcp"]' "tcp: echo"

# --- ssl: ---
# shellcheck disable=SC2086
start s "pssl:0:127.0.0.1" $server_ssl
ssl_port=$port
like "$ssl_port" '^[1-9][0-9]*$' "pssl:0 picked port $ssl_port"
# shellcheck disable=SC2086
call $client_ssl "ssl:127.0.0.1:$ssl_port" echo '["over ssl"]'
is "$out" '["over ssl"]' "ssl: echo with mutual verification"
module=$(cd "$top_builddir" && pwd -P)/vswitch/stream-ssl.so
# shellcheck disable=SC2154 # s_pid is set by start().
like "$(maps "$s_pid")" "$module" \
    "ssl: the server loaded the SSL module (\$XSV_MODULEDIR)"
like "$(maps "$s_pid")" 'libssl' "... and with it OpenSSL"

call --key "$dir/client.key" --cert "$dir/client.pem" \
    --ca "$dir/other-ca.pem" "ssl:127.0.0.1:$ssl_port" echo
is "$rc" 1 "ssl: server signed by an untrusted CA refused"
like "$(cat "$dir/call.err")" 'certificate verify failed' \
    "ssl: client says: certificate verify failed"

call --key "$dir/rogue.key" --cert "$dir/rogue.pem" --ca "$dir/ca.pem" \
    "ssl:127.0.0.1:$ssl_port" echo
is "$rc" 1 "ssl: client signed by an untrusted CA refused"
sleep 0.2
like "$(cat "$dir/s.log")" \
    'closed: ssl:127.0.0.1:[0-9]+: TLS handshake: .*certificate verify fail' \
    "ssl: server says: certificate verify failed"

call "tcp:127.0.0.1:$ssl_port" echo
is "$rc" 1 "plain tcp to an ssl port fails"
# shellcheck disable=SC2086
call $client_ssl "ssl:127.0.0.1:$tcp_port" echo
is "$rc" 1 "ssl to a plain tcp port fails"
like "$(cat "$dir/call.err")" 'TLS handshake' "... in the TLS handshake"
sleep 0.2
like "$(cat "$dir/t.log")" 'received SSL data on a JSON-RPC connection' \
    "tcp server says: received SSL data"

# --- CA bootstrap ---
mkdir "$dir/boot"
call --key "$dir/client.key" --cert "$dir/client.pem" \
    --ca "$dir/boot/ca.pem" --bootstrap-ca-cert \
    "ssl:127.0.0.1:$ssl_port" echo '["bootstrap"]'
is "$out" '["bootstrap"]' "bootstrap: first connection works"
like "$(cat "$dir/call.err")" \
    "$dir/boot/ca.pem: bootstrapped CA certificate from ssl:127" \
    "bootstrap: logged through the program's logger"
is "$(fingerprint "$dir/boot/ca.pem")" "$(fingerprint "$dir/ca.pem")" \
    "bootstrap: the server's CA was saved"
call --key "$dir/client.key" --cert "$dir/client.pem" \
    --ca "$dir/boot/ca.pem" "ssl:127.0.0.1:$ssl_port" echo '["again"]'
is "$out" '["again"]' "bootstrap: saved CA verifies the next connection"

start r "pssl:0:127.0.0.1" --key "$dir/rogue.key" \
    --cert "$dir/rogue-chain.pem" --ca "$dir/other-ca.pem"
rogue_port=$port
call --key "$dir/client.key" --cert "$dir/client.pem" \
    --ca "$dir/boot/ca.pem" --bootstrap-ca-cert \
    "ssl:127.0.0.1:$rogue_port" echo
is "$rc" 1 "bootstrap: after bootstrap, another CA's server is refused"
like "$(cat "$dir/call.err")" 'certificate verify failed' \
    "... certificate verify failed"
stop r

start n "pssl:0:127.0.0.1" --key "$dir/server.key" \
    --cert "$dir/server.pem" --ca "$dir/ca.pem"
call --key "$dir/client.key" --cert "$dir/client.pem" \
    --ca "$dir/boot/none.pem" --bootstrap-ca-cert \
    "ssl:127.0.0.1:$port" echo
is "$rc" 1 "bootstrap: a server that does not send its CA is refused"
like "$(cat "$dir/call.err")" 'not self-signed' "... with the reason"
[ ! -e "$dir/boot/none.pem" ]
ok $? "... and nothing was saved"
stop n

# --- without the SSL module ---
# $XSV_MODULEDIR, when set, is the only place the module is looked for.
nomod=$dir/no-module
mkdir "$nomod"
no_module="SSL support is unavailable: cannot load $nomod/stream-ssl\\.so \\("
no_module="$no_module.*No such file"
# shellcheck disable=SC2086
out=$(XSV_MODULEDIR=$nomod "$ts" --timeout 5000 $client_ssl \
    call "ssl:127.0.0.1:$ssl_port" echo 2>"$dir/call.err")
is "$?" 1 "no module: an ssl: call fails (exit status 1, no crash)"
like "$(cat "$dir/call.err")" "$no_module" "... naming the file and why"
out=$(XSV_MODULEDIR=$nomod "$ts" --timeout 5000 \
    call "ssl:127.0.0.1:$ssl_port" echo 2>"$dir/call.err")
is "$?" 1 "no module: ssl: without SSL options fails"
like "$(cat "$dir/call.err")" "$no_module" "... with the same reason"
XSV_MODULEDIR=$nomod timeout 10 "$ts" listen "pssl:0:127.0.0.1" \
    2>"$dir/call.err"
is "$?" 1 "no module: a pssl: listener fails"
like "$(cat "$dir/call.err")" "$no_module" "... with the same reason"
out=$(XSV_MODULEDIR=$nomod "$top_builddir/vswitch/vsctl" \
    --db="ssl:127.0.0.1:$ssl_port" --private-key="$dir/client.key" \
    --certificate="$dir/client.pem" --ca-cert="$dir/ca.pem" \
    --timeout=5 show 2>"$dir/call.err")
is "$?" 1 "no module: vsctl with SSL fails, though the module is beside it"
like "$(cat "$dir/call.err")" "^vsctl: $no_module" "... with the reason"
# refused WHAT REGEX: with $nomod/stream-ssl.so in place, an ssl: call
# fails, with an error matching REGEX.
refused() {
    # shellcheck disable=SC2086
    out=$(XSV_MODULEDIR=$nomod "$ts" --timeout 5000 $client_ssl \
        call "ssl:127.0.0.1:$ssl_port" echo 2>"$dir/call.err")
    is "$?" 1 "$1: the call fails"
    like "$(cat "$dir/call.err")" "$2" "... saying why"
}
printf 'not a module\n' >"$nomod/stream-ssl.so"
refused "a file that is not a module" \
    "cannot load $nomod/stream-ssl\\.so \\(.*stream-ssl\\.so: .+\\)"
# A shared library, but not the module: jansson, which test-stream links.
jansson=$(ldd "$ts" | sed -n 's/.*=> \(.*libjansson[^ ]*\) .*/\1/p')
cp "$jansson" "$nomod/stream-ssl.so"
refused "another library in the module's place" \
    "unavailable: $nomod/stream-ssl\\.so is not an SSL module \\(.*symbol"

# --- stock ovsdb-client against test-stream ---
if command -v ovsdb-client >/dev/null 2>&1; then
    OVS_RUNDIR=$dir OVS_LOGDIR=$dir OVS_DBDIR=$dir OVS_SYSCONFDIR=$dir
    export OVS_RUNDIR OVS_LOGDIR OVS_DBDIR OVS_SYSCONFDIR
    oc() {
        out=$(ovsdb-client --timeout=10 "$@" 2>"$dir/oc.err")
        rc=$?
    }
    oc list-dbs "unix:$dir/u.sock"
    is "$out" Open_vSwitch "ovsdb-client list-dbs over unix"
    oc list-dbs "tcp:127.0.0.1:$tcp_port"
    is "$out" Open_vSwitch "ovsdb-client list-dbs over tcp"
    oc --private-key="$dir/client.key" --certificate="$dir/client.pem" \
        --ca-cert="$dir/ca.pem" list-dbs "ssl:127.0.0.1:$ssl_port"
    is "$out" Open_vSwitch "ovsdb-client list-dbs over ssl"
    [ "$rc" -eq 0 ] || show "$dir/oc.err"
    oc --private-key="$dir/client.key" --certificate="$dir/client.pem" \
        --ca-cert="$dir/other-ca.pem" list-dbs "ssl:127.0.0.1:$ssl_port"
    is "$rc" 1 "ovsdb-client trusting another CA is refused"
    oc --private-key="$dir/rogue.key" --certificate="$dir/rogue.pem" \
        --ca-cert="$dir/other-ca.pem" list-dbs "ssl:127.0.0.1:$ssl_port"
    is "$rc" 1 "ovsdb-client with another CA's certificate is refused"

    # Open vSwitch drops the connection on which it bootstraps, then
    # verifies with the saved CA.
    oc --private-key="$dir/client.key" --certificate="$dir/client.pem" \
        --bootstrap-ca-cert="$dir/ovs-boot.pem" list-dbs \
        "ssl:127.0.0.1:$ssl_port"
    is "$(fingerprint "$dir/ovs-boot.pem")" "$(fingerprint "$dir/ca.pem")" \
        "ovsdb-client --bootstrap-ca-cert saved our server's CA"
    oc --private-key="$dir/client.key" --certificate="$dir/client.pem" \
        --bootstrap-ca-cert="$dir/ovs-boot.pem" list-dbs \
        "ssl:127.0.0.1:$ssl_port"
    is "$out" Open_vSwitch "... and then lists over ssl"
else
    echo "# ovsdb-client not found: skipping its tests"
fi
kill_servers

# --- test-stream against stock ovsdb-server ---
if command -v ovsdb-server >/dev/null 2>&1 \
        && command -v ovsdb-tool >/dev/null 2>&1 \
        && command -v ovs-appctl >/dev/null 2>&1; then
    OVS_RUNDIR=$dir OVS_LOGDIR=$dir OVS_DBDIR=$dir OVS_SYSCONFDIR=$dir
    export OVS_RUNDIR OVS_LOGDIR OVS_DBDIR OVS_SYSCONFDIR
    cat >"$dir/tiny.ovsschema" <<'EOF'
{"name": "Tiny", "version": "1.0.0",
 "tables": {"T": {"columns": {"name": {"type": "string"}}}}}
EOF
    ovsdb-tool create "$dir/tiny.db" "$dir/tiny.ovsschema" \
        >"$dir/ovsdb-tool.log" 2>&1
    ok $? "ovsdb-tool create"
    ovsdb-server "$dir/tiny.db" --remote="punix:$dir/db.sock" \
        --remote=ptcp:0:127.0.0.1 \
        --private-key="$dir/server.key" --certificate="$dir/server.pem" \
        --ca-cert="$dir/ca.pem" --peer-ca-cert="$dir/ca.pem" \
        --unixctl="$dir/ovsdb-server.ctl" \
        --log-file="$dir/ovsdb-server.log" >/dev/null 2>&1 &
    pids="$pids $!"

    # ovsdb-server logs "listening on port N" for each ptcp/pssl remote:
    # the first is ptcp; pssl is added afterwards.
    ports() {
        sed -n 's/.*listening on port \([0-9][0-9]*\).*/\1/p' \
            "$dir/ovsdb-server.log" 2>/dev/null
    }
    i=0
    while [ -z "$(ports)" ] && [ $i -lt 100 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    ovs_tcp=$(ports | head -1)
    ovs-appctl -t "$dir/ovsdb-server.ctl" ovsdb-server/add-remote \
        pssl:0:127.0.0.1 >/dev/null 2>&1
    i=0
    while [ "$(ports | wc -l)" -lt 2 ] && [ $i -lt 100 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    ovs_ssl=$(ports | sed -n 2p)
    like "$ovs_tcp:$ovs_ssl" '^[0-9]+:[0-9]+$' \
        "ovsdb-server listening on ptcp $ovs_tcp and pssl $ovs_ssl"

    call "unix:$dir/db.sock" list_dbs
    like "$out" '"Tiny"' "list_dbs to ovsdb-server over unix: $out"
    call "tcp:127.0.0.1:$ovs_tcp" list_dbs
    like "$out" '"Tiny"' "list_dbs to ovsdb-server over tcp"
    call "tcp:127.0.0.1:$ovs_tcp" echo '["x",[1,2]]'
    is "$out" '["x",[1,2]]' "echo to ovsdb-server over tcp"
    # shellcheck disable=SC2086
    call $client_ssl "ssl:127.0.0.1:$ovs_ssl" list_dbs
    like "$out" '"Tiny"' "list_dbs to ovsdb-server over ssl"
    [ "$rc" -eq 0 ] || show "$dir/call.err"
    call "unix:$dir/db.sock" get_schema '["Nope"]'
    is "$rc" 2 "ovsdb-server's error reply is an error reply"
    call --key "$dir/client.key" --cert "$dir/client.pem" \
        --ca "$dir/other-ca.pem" "ssl:127.0.0.1:$ovs_ssl" list_dbs
    is "$rc" 1 "ovsdb-server's certificate refused when trusting another CA"
    call --key "$dir/rogue.key" --cert "$dir/rogue.pem" \
        --ca "$dir/ca.pem" "ssl:127.0.0.1:$ovs_ssl" list_dbs
    is "$rc" 1 "ovsdb-server refuses our certificate from another CA"
    call --key "$dir/client.key" --cert "$dir/client.pem" \
        --ca "$dir/boot/ovs.pem" --bootstrap-ca-cert \
        "ssl:127.0.0.1:$ovs_ssl" list_dbs
    like "$out" '"Tiny"' "bootstrap from ovsdb-server (--peer-ca-cert)"
    is "$(fingerprint "$dir/boot/ovs.pem")" "$(fingerprint "$dir/ca.pem")" \
        "... saved its CA"
else
    echo "# ovsdb-server, ovsdb-tool or ovs-appctl not found: skipping"
fi
kill_servers

done_testing
