#! /bin/bash
# demo.sh -- builds xsvswitch and demonstrates it on the bundled example
# data, inside a throwaway network namespace (when run as root):
#   * the dbcache tool on XenServer's network cache (validate, dump, query,
#     and what it says of a broken cache);
#   * fetching the cache from a (test) XAPI over its unix socket and over
#     HTTPS with a verified certificate, written exactly as the original
#     interface-reconfigure writes it.
# Installs missing Debian packages first (as root).
set -eu
top=$(cd "$(dirname "$0")" && pwd)
cd "$top"
B=$top/_build/demo

if [ "${XSV_DEMO_IN_NS:-}" != 1 ]; then
    . tests/deps.sh
    xsv_install_deps
    echo "Building (in _build/demo)..."
    [ -x configure ] || ./boot.sh >/dev/null 2>&1
    mkdir -p "$B"
    (cd "$B" && { [ -f Makefile ] || "$top/configure" -q; } &&
        make -s -j"$(nproc)" >/dev/null &&
        make -s tests/test-xapi-server >/dev/null)
    if [ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null; then
        echo "Entering a throwaway network namespace."
        XSV_DEMO_IN_NS=1 exec unshare --net -- "$0" "$@"
    fi
    echo "(not root: running without a private network namespace)"
fi
[ "$(id -u)" -eq 0 ] && ip link set lo up 2>/dev/null || true

DBCACHE=$B/dbcache/dbcache
SERVER=$B/tests/test-xapi-server
FIX=tests/fixtures
T=$(mktemp -d /tmp/xsv-demo.XXXXXX)
pids=
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    rm -rf "$T"
}
trap cleanup EXIT

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*" | sed "s|$B/||g; s|$T|\$TMP|g"; "$@"; }

say "A XenServer network cache (old pretty-printed layout): is it valid?"
run "$DBCACHE" validate $FIX/pool-pretty.dbcache && echo "valid."

say "What it holds"
run "$DBCACHE" dump $FIX/pool-pretty.dbcache

say "Questions interface-reconfigure asks of it"
run "$DBCACHE" query $FIX/pool-pretty.dbcache management-pif
run "$DBCACHE" query $FIX/pool-pretty.dbcache pif-by-bridge xapi2
vlan=$("$DBCACHE" query $FIX/pool-pretty.dbcache pif-by-bridge xapi2 | cut -d' ' -f2)
run "$DBCACHE" query $FIX/pool-pretty.dbcache datapath "$vlan"
bond=$("$DBCACHE" query $FIX/pool-pretty.dbcache datapath "$vlan" | cut -d' ' -f2)
run "$DBCACHE" query $FIX/pool-pretty.dbcache physical "$bond"

say "As JSON (first lines)"
"$DBCACHE" dump $FIX/pool-pretty.dbcache --json | head -4

say "A damaged cache: every problem, with file and line"
sed -e '0,/<management>/s/False/Maybe/' \
    -e '0,/<network>OpaqueRef:/s/<network>OpaqueRef:/<network>OpaqueRef:gone-/' \
    -e 's/c7a2ea20-b2f1-4c94-ae05-319acb5c7427/ec66a787-95e7-41d1-b731-af10506bf2ef/' \
    $FIX/pool-compact.dbcache >"$T/damaged.dbcache"
run "$DBCACHE" validate "$T/damaged.dbcache" || echo "(exit status $?)"

say "Reading the configuration from XAPI over its unix socket"
mkdir -p "$T/root/etc"
cp tests/xapi/xensource-inventory "$T/root/etc/"
"$SERVER" --unix "$T/xapi.sock" --fixture tests/xapi/pool.xml \
    --pidfile "$T/xapi.pid" 2>/dev/null &
pids="$pids $!"
while [ ! -s "$T/xapi.pid" ]; do sleep 0.05; done
run "$DBCACHE" fetch --xapi "unix:$T/xapi.sock" --root-prefix "$T/root" \
    -o "$T/network.dbcache"
run "$DBCACHE" query "$T/network.dbcache" pif-by-bridge xenbr2
if cmp -s "$T/network.dbcache" tests/xapi/pool-expected.dbcache; then
    echo "The cache written is byte-identical to the original program's."
fi
head -12 "$T/network.dbcache"

say "The same over HTTPS, verifying XAPI's certificate"
. tests/certs.sh
if make_test_certs "$T"; then
    "$SERVER" --tls 127.0.0.1:0 --cert "$T/server.pem" --key "$T/server.key" \
        --port-file "$T/port" --pidfile "$T/tls.pid" \
        --fixture tests/xapi/pool.xml 2>/dev/null &
    pids="$pids $!"
    while [ ! -s "$T/tls.pid" ]; do sleep 0.05; done
    url=https://127.0.0.1:$(cat "$T/port")
    run "$DBCACHE" fetch --xapi "$url" --ca "$T/ca.pem" \
        --root-prefix "$T/root" -o "$T/tls.dbcache" && echo "fetched."
    run "$DBCACHE" fetch --xapi "$url" --ca "$T/other-ca.pem" \
        --root-prefix "$T/root" -o "$T/tls.dbcache" || echo "(exit status $?)"
fi
say "Done."
