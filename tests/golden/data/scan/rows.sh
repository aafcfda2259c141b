# rows.sh - `vigil scan --format jsonl` rows on standard input, shown compactly for
# tests/golden/scan.test: "timestamp record_id level rule_title file[:line]". Other lines (a
# summary merged in) pass unchanged.
sed -E '/^\{"timestamp":/{
s/^\{"timestamp":"([^"]*)".*"record_id":([0-9]+),"level":"([a-z]+)","rule_id":"[^"]*","rule_title":"([^"]*)".*"file":"([^"]*)"(,"line":([0-9]+))?\}$/\1 \2 \3 \4 \5:\7/
s/:$//
}'
