# monitor-csv.sh -- sourced by the tests that compare `ovsdb-client
# --format=csv monitor...` transcripts of our server and a stock one.
#
#   normalise FILE   the transcript with row UUIDs replaced by the rows'
#                    names (from the line that first shows each), and the
#                    rows of each update sorted, since their order within
#                    one update is not defined.
normalise() {
    awk -F, '
        ($2 == "insert" || $2 == "initial" || $2 == "new") && $1 != "" &&
        $3 != "" && !($1 in name) { name[$1] = $3 }
        { line[NR] = $0 }
        END {
            for (i = 1; i <= NR; i++) {
                l = line[i]
                split(l, f, ",")
                if (f[1] in name) {
                    l = name[f[1]] substr(l, length(f[1]) + 1)
                }
                print l
            }
        }' "$1" | awk '
        /^row,action/ || /^$/ || /last_id/ { flush(); print; next }
        { rows[++n] = $0 }
        function flush(   i, j, t) {
            for (i = 2; i <= n; i++) {
                for (j = i; j > 1 && rows[j - 1] > rows[j]; j--) {
                    t = rows[j]; rows[j] = rows[j - 1]; rows[j - 1] = t
                }
            }
            for (i = 1; i <= n; i++) {
                print rows[i]
            }
            n = 0
        }
        END { flush() }'
}
