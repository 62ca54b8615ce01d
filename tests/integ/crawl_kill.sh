#!/bin/bash
# crawl_kill.sh - kill -9 the crawler at random moments, several times,
# restarting each time: the database stays intact, the interrupted run is
# resumed without refetching finished pages, and the final set of postings
# equals that of an uninterrupted crawl - nothing duplicated, nothing
# expired.  SIGINT stops a crawl cleanly with exit 1 and resumes likewise.
set -u
. "$(dirname "$0")/lib.sh"

start_demo_web || { fail "demo web starts"; summary; exit 1; }
# exec: when run in the background, $! must be the crawler itself, not a
# subshell around it, or the signals below would never reach it
crawl() { # DB [extra]
	local db=$1
	shift
	exec "$BIN/twentejobs" crawl --db "$db" --rules "$ROOT/rules" --demo-web "127.0.0.1:$DEMO_PORT" \
		--delay-ms 60 --threads 6 --no-progress "$@"
}

(crawl "$TMP/ref.db") 2>"$TMP/ref.err"
check "reference crawl completes" test $? = 0
: >"$DEMO_LOG"

RANDOM=$$
kills=0
for i in 1 2 3 4; do
	crawl "$TMP/k.db" 2>>"$TMP/k.err" &
	pid=$!
	sleep "$(awk -v r=$RANDOM 'BEGIN { printf "%.2f", 0.4 + (r % 200) / 100 }')"
	if kill -9 "$pid" 2>/dev/null; then kills=$((kills + 1)); fi
	wait "$pid" 2>/dev/null
	check "integrity after kill $i" test "$(sqlite3 "$TMP/k.db" "PRAGMA integrity_check" 2>&1)" = ok
done
check "the crawler was killed mid-crawl ($kills times)" test "$kills" -ge 2

(crawl "$TMP/k.db") 2>"$TMP/final.err"
check "crawl after the kills completes" test $? = 0
check "an interrupted run was resumed" grep -q "resuming the interrupted crawl run" "$TMP/final.err"

q="SELECT key || ' ' || state FROM jobs ORDER BY key"
check "same postings and states as the uninterrupted crawl" \
	diff <(sqlite3 "$TMP/ref.db" "$q") <(sqlite3 "$TMP/k.db" "$q")
check "no posting expired" test "$(sqlite3 "$TMP/k.db" "SELECT count(*) FROM jobs WHERE state = 'expired'")" = \
	"$(sqlite3 "$TMP/ref.db" "SELECT count(*) FROM jobs WHERE state = 'expired'")"
check "every source's latest run complete" \
	test "$(sqlite3 "$TMP/k.db" "SELECT count(*) FROM crawl_runs r WHERE id = (SELECT max(id) FROM crawl_runs WHERE source_id = r.source_id) AND complete = 1")" = "$(ls "$ROOT"/rules/*.json | wc -l)"
# a page fully fetched (200) is fetched again at most once: by a run that
# had not committed it yet when it was killed; never once per restart
# (detail pages: listing pages are fetched whole by every new run by design)
sqlite3 "$TMP/ref.db" "SELECT DISTINCT page_url FROM jobs" | sed -E 's|^https://([^/]+)|\1\t|' >"$TMP/detail"
worst=$(awk -F'\t' 'NR == FNR { d[$1 "\t" $2] = 1; next }
	$6 == 200 && ($3 "\t" $5) in d { n[$3 $5]++ }
	END { m = 0; for (k in n) if (n[k] > m) m = n[k]; print m }' "$TMP/detail" "$DEMO_LOG")
check "no vacancy page body fetched more than twice across $kills kills (worst: $worst)" test "$worst" -le 2

# SIGINT: a clean stop, reported, and resumed by the next run
crawl "$TMP/i.db" 2>"$TMP/int.err" &
pid=$!
sleep 1
kill -INT "$pid"
wait "$pid"
rc=$?
check "SIGINT stops the crawl with exit 1 (got $rc)" test "$rc" = 1
check "SIGINT says how to resume" grep -q "run it again to resume" "$TMP/int.err"
check "interrupted runs are recorded as such" test "$(sqlite3 "$TMP/i.db" "SELECT count(*) FROM crawl_runs WHERE status = 'interrupted'")" -ge 1
(crawl "$TMP/i.db") 2>/dev/null
check "crawl after SIGINT completes with the same postings" \
	diff <(sqlite3 "$TMP/ref.db" "$q") <(sqlite3 "$TMP/i.db" "$q")
summary
