#! /bin/sh
# log-crash.sh -- an acknowledged transaction survives a crash, and a crash
# never leaves a database that does not load: kill -9 a process appending
# records to a database (tests/test-log-writer) at random moments, many
# times, and after each kill check the file with `vsdb-tool check` and
# check that every record the writer acknowledged (printed) is in it.  The
# writer compacts now and then, and `vsdb-tool compact` runs between some
# kills, so kills land in compactions too.
#
# LOG_CRASH_CYCLES sets the number of kills (default 200).
. "${top_srcdir:-.}/tests/tap.sh"

WRITER=$top_builddir/tests/test-log-writer
TOOL=$top_builddir/vswitch/vsdb-tool
T=$TMPDIR_TEST
db=$T/crash.db
cycles=${LOG_CRASH_CYCLES:-200}
writer_pid=

stop_writer() { [ -n "$writer_pid" ] && kill -9 "$writer_pid" 2>/dev/null; }
at_exit stop_writer

# Random delays before each kill, 0 to 50 ms, drawn at once.
delays=$(awk -v n="$cycles" 'BEGIN {
    srand(); for (i = 0; i < n; i++) printf "%.3f ", rand() * 0.05 }')

start=$(date +%s.%N)
acked=0 examined=0 checked=0 verified=0 torn=0 in_compaction=0
tool_compactions=0 compact_ok=0
i=0
for delay in $delays; do
    i=$((i + 1))
    "$WRITER" write "$db" --compact-every=20 --pad-every=5 \
        --pad-bytes=131072 >"$T/out" 2>"$T/writer-err" &
    writer_pid=$!
    sleep "$delay"
    kill -9 "$writer_pid" 2>/dev/null
    wait "$writer_pid" 2>/dev/null
    writer_pid=

    # The writer prints a number only once its record is on disk.
    last=$(tail -n 1 "$T/out")
    if [ -n "$last" ] && [ "$last" -gt "$acked" ]; then
        acked=$last
    fi
    if [ ! -f "$db" ]; then
        continue                # Killed before it created the file.
    fi
    examined=$((examined + 1))
    # The writer's compaction file: it was killed in the middle of one.
    if [ -e "$T/.crash.db.tmp" ]; then
        in_compaction=$((in_compaction + 1))
        rm -f "$T/.crash.db.tmp"
    fi

    if "$TOOL" check "$db" 2>"$T/check-err"; then
        checked=$((checked + 1))
    elif grep -q "torn last record" "$T/check-err" \
            && [ "$(wc -l <"$T/check-err")" -eq 1 ]; then
        # Killed in the middle of an append: loads, minus that record.
        checked=$((checked + 1))
        torn=$((torn + 1))
    else
        echo "# cycle $i: vsdb-tool check failed:"
        sed 's/^/#   /' "$T/check-err"
    fi
    if "$WRITER" verify "$db" "$acked" >/dev/null 2>"$T/verify-err"; then
        verified=$((verified + 1))
    else
        echo "# cycle $i: acknowledged $acked:"
        sed 's/^/#   /' "$T/verify-err"
    fi

    if [ $((i % 10)) -eq 0 ]; then
        tool_compactions=$((tool_compactions + 1))
        if "$TOOL" compact "$db" 2>"$T/compact-err" \
                && "$WRITER" verify "$db" "$acked" >/dev/null; then
            compact_ok=$((compact_ok + 1))
        else
            echo "# cycle $i: vsdb-tool compact:"
            sed 's/^/#   /' "$T/compact-err"
        fi
    fi
done
end=$(date +%s.%N)
elapsed=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')

is "$i" "$cycles" "killed the writer $cycles times"
ok $(( examined > 0 && checked == examined ? 0 : 1 )) \
    "vsdb-tool check loads the database after every kill ($checked/$examined)"
ok $(( examined > 0 && verified == examined ? 0 : 1 )) \
    "every acknowledged record survives every kill ($verified/$examined)"
n_compact="$compact_ok/$tool_compactions"
ok $(( compact_ok == tool_compactions ? 0 : 1 )) \
    "vsdb-tool compact between kills keeps them ($n_compact)"
ok $(( acked > 0 ? 0 : 1 )) "the writer acknowledged records ($acked)"
echo "# $i kills in ${elapsed}s; $acked records acknowledged;" \
    "$torn kills left a torn last record, $in_compaction landed in a" \
    "compaction; $tool_compactions offline compactions"
done_testing
