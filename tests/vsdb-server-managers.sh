#! /bin/sh
# vsdb-server-managers.sh -- vsdb-server's active manager connections,
# taken from the database (--remote=db:Open_vSwitch,Open_vSwitch,
# manager_options), with SSL settings from the SSL table.  A stock
# ovsdb-client in passive mode (ptcp:, pssl:) waits for the server to
# connect and dumps the database through that connection.  The server maps
# the SSL module (and OpenSSL) only once SSL is configured, and finds it
# beside itself in the build tree.  Needs ovs-vsctl, ovsdb-client and
# python3 (to find free ports); openssl for the SSL part.  No root,
# loopback only.
. "${top_srcdir:-.}/tests/tap.sh"

SCHEMA=$top_srcdir/vswitch/vswitch.ovsschema
SERVER=$top_builddir/vswitch/vsdb-server

require_programs ovsdb-client ovs-vsctl python3
[ -x "$SERVER" ] || skip_all "$SERVER not built"

T=$TMPDIR_TEST
DB=unix:$T/db.sock
LOG=$T/vsdb-server.log
bg_pids=""
cleanup() {
    for pid in $bg_pids; do
        kill "$pid" 2>/dev/null
    done
    if [ -s "$T/vsdb-server.pid" ]; then
        kill "$(cat "$T/vsdb-server.pid")" 2>/dev/null
    fi
}
at_exit cleanup

vsctl() { ovs-vsctl --db="$DB" --no-wait "$@"; }


log_has() { grep -q "$1" "$LOG"; }
gone() { ! kill -0 "$1" 2>/dev/null; }
# server_maps: the libraries and modules the server has mapped.
server_maps() { cat "/proc/$(cat "$T/vsdb-server.pid")/maps"; }

# Without XSV_MODULEDIR, the server looks for the SSL module in its own
# directory (vswitch/ of the build tree) first.
env -u XSV_MODULEDIR "$SERVER" --remote="punix:$T/db.sock" \
    --remote=db:Open_vSwitch,Open_vSwitch,manager_options \
    --private-key=db:Open_vSwitch,SSL,private_key \
    --certificate=db:Open_vSwitch,SSL,certificate \
    --ca-cert=db:Open_vSwitch,SSL,ca_cert \
    --unixctl=none --pidfile="$T/vsdb-server.pid" --log-file="$LOG" \
    --schema="$SCHEMA" --detach "$T/conf.db" 2>>"$T/start.log"
ok $? "vsdb-server starts with remotes and SSL from the database"
sed 's/^/# /' "$T/start.log"
vsctl init
ok $? "ovs-vsctl init"

# A manager that is down is retried with backoff; once ovsdb-client
# listens, the server connects and serves it.
port=$(free_port)
vsctl set-manager "tcp:127.0.0.1:$port"
wait_until 10 \
    log_has "tcp:127.0.0.1:$port: not connected.*next attempt in 2000 ms"
ok $? "a manager that is down is retried with growing backoff"
timeout 20 ovsdb-client dump "ptcp:$port:127.0.0.1" Open_vSwitch \
    >"$T/dump" 2>"$T/dump.err"
ok $? "passive ovsdb-client dump through the manager connection"
like "$(cat "$T/dump")" '^Open_vSwitch table' \
    "... shows the Open_vSwitch table"
like "$(cat "$T/dump")" '^Manager table' "... and the Manager table"
grep -q "tcp:127.0.0.1:$port: connected" "$LOG"
ok $? "... the server logs the connection"

# del-manager closes the connection: a passive monitor sees it end.
port=$(free_port)
ovsdb-client monitor "ptcp:$port:127.0.0.1" Open_vSwitch Bridge name \
    >"$T/monitor" 2>&1 &
mpid=$!
bg_pids="$bg_pids $mpid"
sleep 0.3
vsctl set-manager "tcp:127.0.0.1:$port"
wait_until 10 log_has "tcp:127.0.0.1:$port: connected"
ok $? "a second manager connects to a passive monitor"
vsctl add-br br-mgr
wait_until 10 grep -q br-mgr "$T/monitor"
ok $? "... which sees a commit through it"
vsctl del-manager
wait_until 10 gone $mpid
ok $? "del-manager closes the connection (the monitor exits)"
kill $mpid 2>/dev/null   # (if it did not exit: no hang)
wait $mpid 2>/dev/null
grep -q "tcp:127.0.0.1:$port: remote removed" "$LOG"
ok $? "... and the server forgets the manager"

# A passive manager: a client connects through it, and removing the
# manager closes the listener and, as with ovsdb-server, that client.
port=$(free_port)
vsctl set-manager "ptcp:$port:127.0.0.1"
wait_until 10 log_has "listening on ptcp:$port"
ok $? "a passive manager listens"
ovsdb-client monitor "tcp:127.0.0.1:$port" Open_vSwitch Bridge name \
    >"$T/pmon.out" 2>"$T/pmon.err" &
mpid=$!
bg_pids="$bg_pids $mpid"
wait_until 10 grep -q '^row' "$T/pmon.out"
ok $? "a client monitors through it"
vsctl del-manager
wait_until 10 gone $mpid
ok $? "del-manager closes that client's connection (the monitor exits)"
kill $mpid 2>/dev/null   # (if it did not exit: no hang)
wait $mpid 2>/dev/null
ovsdb-client list-dbs "tcp:127.0.0.1:$port" >/dev/null 2>&1
ok "$([ $? -ne 0 ]; echo $?)" "... and nothing listens on the port"

# Manager options: several managers, max_backoff.
vsctl -- --id=@a create Manager target=\"tcp:127.0.0.1:1\" \
    max_backoff=1000 -- set Open_vSwitch . manager_options=@a
wait_until 10 log_has "tcp:127.0.0.1:1: not connected.*next attempt in 1000 ms"
ok $? "Manager.max_backoff applies"
sleep 2.5
! grep -q "tcp:127.0.0.1:1: not connected.*next attempt in 2000 ms" "$LOG"
ok $? "... the backoff stays at max_backoff"
vsctl del-manager

# SSL, with the server's settings from the SSL table.
. "$top_srcdir/tests/certs.sh"
c=$T/ssl
mkdir -p "$c"
# make_cert NAME CA: NAME.key and NAME.pem, for client and server use,
# signed by CA.
make_cert() {
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
        -keyout "$c/$1.key" -out "$c/$1.csr" -subj "/CN=$1" \
        >>"$c/openssl.log" 2>&1 &&
    printf '%s\n' 'basicConstraints=CA:FALSE' \
        'extendedKeyUsage=clientAuth,serverAuth' >"$c/$1.ext" &&
    openssl x509 -req -in "$c/$1.csr" -CA "$c/$2.pem" -CAkey "$c/$2.key" \
        -CAcreateserial -out "$c/$1.pem" -days 2 -extfile "$c/$1.ext" \
        >>"$c/openssl.log" 2>&1
}
if ! make_test_certs "$c" || ! make_cert client ca ||
    ! make_cert rogue other-ca; then
    echo "# openssl could not make test certificates"
    done_testing
    exit 0
fi

maps=$(server_maps)
like "$maps" 'libglib' "the server's maps can be read"
! printf '%s\n' "$maps" | grep -Eq 'stream-ssl\.so|libssl|libcrypto'
ok $? "before SSL is configured, the server maps neither the SSL module \
nor OpenSSL"
vsctl set-ssl "$c/client.key" "$c/client.pem" "$c/ca.pem"
wait_until 10 log_has "SSL: private key $c/client.key"
ok $? "set-ssl configures the server's SSL"
module=$(cd "$top_builddir" && pwd -P)/vswitch/stream-ssl.so
like "$(server_maps)" "$module" \
    "... loading the SSL module from beside the server"
like "$(server_maps)" 'libssl' "... and with it OpenSSL"
port=$(free_port)
vsctl set-manager "ssl:127.0.0.1:$port"
timeout 20 ovsdb-client --private-key="$c/server.key" \
    --certificate="$c/server.pem" --ca-cert="$c/ca.pem" \
    dump "pssl:$port:127.0.0.1" Open_vSwitch >"$T/sdump" 2>"$T/sdump.err"
ok $? "passive ovsdb-client dump over SSL through the manager connection"
like "$(cat "$T/sdump")" '^Open_vSwitch table' \
    "... shows the Open_vSwitch table"
like "$(cat "$T/sdump")" '^SSL table' "... and the SSL table"
vsctl del-manager

# A passive peer whose certificate the server's CA did not sign.
port=$(free_port)
vsctl set-manager "ssl:127.0.0.1:$port"
timeout 4 ovsdb-client --private-key="$c/rogue.key" \
    --certificate="$c/rogue.pem" --ca-cert="$c/ca.pem" \
    dump "pssl:$port:127.0.0.1" Open_vSwitch >"$T/rdump" 2>&1
[ $? -ne 0 ] && ! grep -q '^Open_vSwitch table' "$T/rdump"
ok $? "a peer with an untrusted certificate gets nothing"
grep -q "ssl:127.0.0.1:$port: not connected" "$LOG"
ok $? "... the server refuses it and retries"
vsctl del-manager

# The server with an untrusted client certificate (set-ssl again): the
# passive ovsdb-client refuses it.
vsctl set-ssl "$c/rogue.key" "$c/rogue.pem" "$c/ca.pem"
wait_until 10 log_has "SSL: private key $c/rogue.key"
ok $? "set-ssl again: new settings applied after the commit"
port=$(free_port)
vsctl set-manager "ssl:127.0.0.1:$port"
timeout 4 ovsdb-client --private-key="$c/server.key" \
    --certificate="$c/server.pem" --ca-cert="$c/ca.pem" \
    dump "pssl:$port:127.0.0.1" Open_vSwitch >"$T/udump" 2>&1
[ $? -ne 0 ] && ! grep -q '^Open_vSwitch table' "$T/udump"
ok $? "an untrusted client certificate is refused by the passive peer"
vsctl del-manager

kill -0 "$(cat "$T/vsdb-server.pid")"
ok $? "the server is still running"
done_testing
