#! /bin/sh
# cache-crash.sh -- a cache write killed at any instant leaves the old
# cache or the new one, whole: kill -9 a process that rewrites the cache in
# a loop, many times at random moments, and check the file every time.
. "${top_srcdir:-.}/tests/tap.sh"

WRITER=$top_builddir/tests/test-cache-write
DBCACHE=$top_builddir/dbcache/dbcache
T=$TMPDIR_TEST
cache=$T/network.dbcache
rounds=25
writer_pid=

stop_writer() { [ -n "$writer_pid" ] && kill -9 "$writer_pid" 2>/dev/null; }
at_exit stop_writer

whole=0 valid=0
i=0
while [ $i -lt $rounds ]; do
    i=$((i + 1))
    "$WRITER" "$cache" 20000 >"$T/ready" &
    writer_pid=$!
    # Wait until the first write is done, then let it run a random while.
    n=0
    while [ ! -s "$T/ready" ] && [ $n -lt 200 ]; do sleep 0.05; n=$((n + 1)); done
    sleep "0.$(( (i * 37) % 10 ))$(( (i * 11) % 10 ))"
    kill -9 "$writer_pid"
    wait "$writer_pid" 2>/dev/null
    writer_pid=
    if cmp -s "$cache" "$cache.a" || cmp -s "$cache" "$cache.b"; then
        whole=$((whole + 1))
    else
        echo "# round $i: cache is neither document ($(wc -c <"$cache") bytes)"
    fi
    "$DBCACHE" validate "$cache" && valid=$((valid + 1))
    rm -f "$T/ready"
done
is "$whole" "$rounds" "after $rounds kills the cache is always one whole document"
is "$valid" "$rounds" "and it always validates"
size=$(wc -c <"$cache.a")
[ "$size" -gt 1000000 ]
ok $? "documents are large enough for a kill to land mid-write ($size bytes)"
done_testing
