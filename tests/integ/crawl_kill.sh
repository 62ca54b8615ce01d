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
refetched=0
committed=0
: >"$TMP/done-before"
for i in 1 2 3 4 5; do
	if [ "$i" -lt 5 ]; then
		(crawl "$TMP/k.db") 2>>"$TMP/k.err" &
		pid=$!
		sleep "$(awk -v r=$RANDOM 'BEGIN { printf "%.2f", 0.4 + (r % 200) / 100 }')"
		if kill -9 "$pid" 2>/dev/null; then kills=$((kills + 1)); fi
		wait "$pid" 2>/dev/null
		check "integrity after kill $i" test "$(sqlite3 "$TMP/k.db" "PRAGMA integrity_check" 2>&1)" = ok
		# the writer indexes a batch's postings just before its commit
		check "the full-text index matches the postings after kill $i" \
			"$BIN/twentejobs" check --db "$TMP/k.db"
	else
		(crawl "$TMP/k.db") 2>"$TMP/final.err"
		check "crawl after the kills completes" test $? = 0
	fi
	# pages this attempt requested that an earlier, killed attempt of the
	# same (resumed) run had already committed as fetched
	n=$(awk -F'\t' 'NR == FNR { done[$1] = 1; next } ("https://" $3 $5) in done' \
		"$TMP/done-before" "$DEMO_LOG" | wc -l)
	refetched=$((refetched + n))
	: >"$DEMO_LOG"
	sqlite3 "$TMP/k.db" "SELECT p.url FROM pages p JOIN crawl_runs r ON r.id = p.run_id
		WHERE r.status = 'running' AND p.state = 'done'" >"$TMP/done-before"
	committed=$((committed + $(wc -l <"$TMP/done-before")))
done
check "the crawler was killed mid-crawl ($kills times)" test "$kills" -ge 2

check "an interrupted run was resumed" grep -q "resuming the interrupted crawl run" "$TMP/final.err"

q="SELECT key || ' ' || state FROM jobs ORDER BY key"
check "same postings and states as the uninterrupted crawl" \
	diff <(sqlite3 "$TMP/ref.db" "$q") <(sqlite3 "$TMP/k.db" "$q")
check "twentejobs check: database and full-text index agree" "$BIN/twentejobs" check --db "$TMP/k.db"
check "search finds as many postings as the uninterrupted crawl" test \
	"$("$BIN/twentejobs" search --db "$TMP/k.db" --json engineer | jq .total)" = \
	"$("$BIN/twentejobs" search --db "$TMP/ref.db" --json engineer | jq .total)"
check "no posting expired" test "$(sqlite3 "$TMP/k.db" "SELECT count(*) FROM jobs WHERE state = 'expired'")" = \
	"$(sqlite3 "$TMP/ref.db" "SELECT count(*) FROM jobs WHERE state = 'expired'")"
check "every source's latest run complete" \
	test "$(sqlite3 "$TMP/k.db" "SELECT count(*) FROM crawl_runs r WHERE id = (SELECT max(id) FROM crawl_runs WHERE source_id = r.source_id) AND complete = 1")" = "$(ls "$ROOT"/rules/*.json | wc -l)"
check "killed runs had committed pages to resume from ($committed)" test "$committed" -gt 0
check "a resumed run never refetched a page it had committed ($refetched refetches)" test "$refetched" = 0

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
diff <(sqlite3 "$TMP/ref.db" "$q") <(sqlite3 "$TMP/i.db" "$q") >"$TMP/int.diff"
check "crawl after SIGINT completes with the same postings" test $? = 0 || cat "$TMP/int.diff"
summary
