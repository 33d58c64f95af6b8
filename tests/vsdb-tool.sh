#! /bin/sh
# vsdb-tool.sh -- the vsdb-tool command line: create, show-log, check,
# compact, the usage errors and their exit codes.  Records are written with
# tests/test-log-writer (record N inserts row N and deletes row N - 2).
. "${top_srcdir:-.}/tests/tap.sh"

TOOL=$top_builddir/vswitch/vsdb-tool
WRITER=$top_builddir/tests/test-log-writer
T=$TMPDIR_TEST
db=$T/conf.db
writer_pid=

stop_writer() { [ -n "$writer_pid" ] && kill -9 "$writer_pid" 2>/dev/null; }
at_exit stop_writer

# Usage.
"$TOOL" --help >"$T/out"; ok $? "--help exits 0"
like "$(cat "$T/out")" "^vsdb-tool: " "--help describes the tool"
like "$("$TOOL" --version)" "^vsdb-tool \(.*\) [0-9]" "--version"
"$TOOL" 2>"$T/err"; is $? 2 "no command: exit 2"
"$TOOL" frobnicate x 2>"$T/err"; is $? 2 "unknown command: exit 2"
like "$(cat "$T/err")" "unknown command \"frobnicate\"" "and says so"
"$TOOL" check 2>"$T/err"; is $? 2 "missing argument: exit 2"
"$TOOL" --bogus 2>"$T/err"; is $? 2 "unknown option: exit 2"

# create.
printf '{"name": "Test", "version": "1.2.3", "tables": {}}\n' >"$T/schema"
"$TOOL" create "$db" "$T/schema"; ok $? "create"
"$TOOL" create "$db" "$T/schema" 2>"$T/err"; is $? 1 "create over a file: 1"
like "$(cat "$T/err")" "conf.db: cannot create: the file exists" \
    "and says the file exists"
printf '[1]\n' >"$T/bad-schema"
"$TOOL" create "$T/other.db" "$T/bad-schema" 2>"$T/err"
is $? 1 "a schema that is not an object: 1"
[ ! -e "$T/other.db" ]; ok $? "and no file is left"
"$TOOL" create "$T/other.db" "$T/missing" 2>/dev/null
is $? 1 "a missing schema file: 1"

out=$("$TOOL" show-log "$db"); ok $? "show-log of a new database"
like "$out" "^0 offset 0 size [0-9]+: header, schema Test 1.2.3$" \
    "shows the header and the schema"
"$TOOL" check "$db"; ok $? "check of a new database"

# Records from the writer (its own schema: a fresh file).
rm -f "$db"
"$WRITER" write "$db" --count=10 >/dev/null; ok $? "write 10 records"
out=$("$TOOL" show-log "$db")
is "$(printf '%s\n' "$out" | wc -l)" 11 "show-log: header and 10 lines"
like "$(printf '%s\n' "$out" | sed -n 2p)" \
    "^1 offset [0-9]+ size [0-9]+: Counter \(test-log-writer\)$" \
    "a record line: index, offset, size, tables, comment"
"$TOOL" check "$db"; ok $? "check: whole"

# A torn tail.
size=$(wc -c <"$db")
cp "$db" "$T/whole.db"
head -c $((size - 7)) "$T/whole.db" >"$db"
"$TOOL" check "$db" 2>"$T/err"; is $? 1 "check of a torn file: 1"
like "$(cat "$T/err")" "warning: torn last record at offset [0-9]+" \
    "reports a torn last record"
is "$(wc -c <"$db")" $((size - 7)) "check does not modify the file"
"$TOOL" show-log "$db" >"$T/out" 2>"$T/err"
is "$(wc -l <"$T/out")" 10 "show-log of the torn file: the 9 whole records"
like "$(cat "$T/err")" "torn last record" "and the warning"

# compact.
"$TOOL" compact "$db" 2>"$T/err"; ok $? "compact the torn file"
like "$(cat "$T/err")" "bytes cut off" "cutting the torn record off first"
out=$("$TOOL" show-log "$db")
is "$(printf '%s\n' "$out" | wc -l)" 2 "show-log: header and one snapshot"
like "$(printf '%s\n' "$out" | sed -n 2p)" \
    "Counter \(compacted by vsdb-tool\)$" "the snapshot"
"$TOOL" check "$db"; ok $? "check of the compacted file"
is "$("$WRITER" verify "$db" 9)" 9 \
    "the snapshot holds rows 8 and 9 only (the rest were deleted)"
"$WRITER" write "$db" --count=3 >/dev/null
is "$("$WRITER" verify "$db" 12)" 12 "appends go on after the snapshot"

# Damage in the middle.
cp "$T/whole.db" "$db"
off=$(sed -n 3p "$db" | wc -c)
off=$(( $(head -n 2 "$db" | wc -c) + off / 2 ))
printf 'Z' | dd of="$db" bs=1 seek="$off" conv=notrunc 2>/dev/null
"$TOOL" check "$db" 2>"$T/err"; is $? 1 "check of a damaged file: 1"
like "$(cat "$T/err")" "corrupt record at offset [0-9]+ .*followed by a good" \
    "names the offset of the damage"
"$TOOL" compact "$db" 2>/dev/null; is $? 1 "compact refuses a damaged file"
cmp -s "$db" "$T/whole.db"; is $? 1 "and leaves it as it was"

printf 'hello\n' >"$T/text"
"$TOOL" check "$T/text" 2>"$T/err"; is $? 1 "check of a text file: 1"
like "$(cat "$T/err")" "not an xsvdb database" "not a database"
"$TOOL" check "$T/none" 2>/dev/null; is $? 1 "check of a missing file: 1"

# The lock: compact while a writer has the database open.
cp "$T/whole.db" "$db"
"$WRITER" write "$db" >/dev/null 2>&1 &
writer_pid=$!
n=0
while [ "$(wc -c <"$db")" -le "$(wc -c <"$T/whole.db")" ] && [ $n -lt 100 ]; do
    sleep 0.05
    n=$((n + 1))
done
"$TOOL" compact "$db" 2>"$T/err"; is $? 1 "compact while a writer runs: 1"
like "$(cat "$T/err")" "database is locked by another process" \
    "because the database is locked"
kill -9 "$writer_pid"
wait "$writer_pid" 2>/dev/null
writer_pid=
"$TOOL" compact "$db"; ok $? "compact once the writer is gone"
done_testing
