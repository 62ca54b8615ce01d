#!/bin/bash
# crawl_serve.sh - the walking skeleton end to end: the demo web on a
# loopback port, the real `crawl` into a fresh database, the real `serve`,
# and HTTP queries asserting on specific demo postings.  Also: robots.txt
# was obeyed, requests to one host never overlapped or came closer than
# the delay, and a second crawl uses conditional GET and expires nothing.
set -u
. "$(dirname "$0")/lib.sh"

DB=$TMP/t.db
DELAY_MS=150
start_demo_web || { fail "demo web starts"; summary; exit 1; }
ok "demo web starts on port $DEMO_PORT"

"$BIN/twentejobs" crawl --db "$DB" --rules "$ROOT/rules" --demo-web "127.0.0.1:$DEMO_PORT" \
	--delay-ms $DELAY_MS --threads 8 --no-progress >"$TMP/crawl1.out" 2>"$TMP/crawl1.err"
rc=$?
check "crawl exits 0 (got $rc)" test "$rc" = 0
[ "$rc" = 0 ] || tail -20 "$TMP/crawl1.err"
# the summary counts every page stored through the one writer thread
writer=$(sed -n 's/^took [0-9.]* s; database writer: \([0-9]*\) commits of \([0-9]*\) messages.*/\1 \2/p' "$TMP/crawl1.out")
check "the crawl says how busy its writer was ($writer)" \
	test -n "$writer" -a "${writer% *}" -ge 1 -a "${writer#* }" -ge "$(sql "$DB" "SELECT count(*) FROM pages WHERE state != 'queued'")"

n_sources=$(ls "$ROOT"/rules/*.json | wc -l)
n_jobs=$(sql "$DB" "SELECT count(*) FROM jobs WHERE state = 'active'")
check "every source has postings" test "$(sql "$DB" "SELECT count(DISTINCT source_id) FROM jobs")" = "$n_sources"
check "at least 50 active postings (got $n_jobs)" test "$n_jobs" -ge 50
check "every run complete" test "$(sql "$DB" "SELECT count(*) FROM crawl_runs WHERE status = 'ok' AND complete = 1")" = "$n_sources"
check "postings are classified" test "$(sql "$DB" "SELECT count(*) FROM jobs WHERE language IS NULL OR intl_label IS NULL")" = 0
check "languages en, nl and de all present" test "$(sql "$DB" "SELECT count(DISTINCT language) FROM jobs WHERE language IN ('en','nl','de')")" = 3
check "URLs keep their https form" test "$(sql "$DB" "SELECT count(*) FROM jobs WHERE url NOT LIKE 'https://%'")" = 0
check "descriptions are plain text" test "$(sql "$DB" "SELECT count(*) FROM jobs WHERE description LIKE '%<p>%' OR description LIKE '%&lt;%'")" = 0

# robots.txt: no request the site's robots.txt forbids us
disallowed_requests() {
	local bad=0 start end host method path status robots d
	while IFS=$'\t' read -r start end host method path status port; do
		[ "$path" = "/robots.txt" ] && continue
		robots="$ROOT/data/demo-web/$host/robots.txt"
		[ -f "$robots" ] || continue
		d=$("$BIN/twentejobs" robots --agent TwenteJobsBot "$robots" "https://$host$path" | cut -f1)
		if [ "$d" != allow ]; then bad=$((bad + 1)); echo "  disallowed but fetched: $host$path" >&2; fi
	done <"$DEMO_LOG"
	echo "$bad"
}
check "no robots-disallowed URL was requested" test "$(disallowed_requests)" = 0
blocked=$(sql "$DB" "SELECT sum(robots_blocked) FROM crawl_runs")
check "robots.txt blocked some linked pages (got $blocked)" test "${blocked:-0}" -ge 2

# politeness: per host, requests sorted by start never overlap and keep the gap
gaps=$(sort -t$'\t' -k3,3 -k1,1n "$DEMO_LOG" | awk -F'\t' -v d=$DELAY_MS '
	$3 == host { if ($1 < prev_end) over++; if ($1 - prev_end < d - 5) close_++ }
	{ host = $3; prev_end = $2 }
	END { printf "%d %d\n", over, close_ }')
check "no two requests to one host overlapped" test "${gaps% *}" = 0
check "no two requests to one host closer than ${DELAY_MS} ms" test "${gaps#* }" = 0
n_req=$(wc -l <"$DEMO_LOG")
n_conn=$(awk -F'\t' '{ print $3, $7 }' "$DEMO_LOG" | sort -u | wc -l)
check "kept-alive connections: $n_req requests over $n_conn connections" test $((n_conn * 2)) -le "$n_req"
check "robots.txt fetched first on every host" test "$(awk -F'\t' '!seen[$3]++ { if ($5 != "/robots.txt") bad++ } END { print bad+0 }' "$DEMO_LOG")" = 0

# the API
start_serve "$DB" || { fail "serve starts"; summary; exit 1; }
ok "serve starts"
body=$(curl -fsS "$API/api/v1/jobs?q=engineer&limit=50")
check "search returns postings" test "$(echo "$body" | jq '.total')" -ge 4
check "engineer postings from at least 4 employers" test "$(echo "$body" | jq '[.results[].employer] | unique | length')" -ge 4
check "results carry the SPEC fields" test "$(echo "$body" | jq '[.results[] | has("id","title","employer","city","url","snippet","language","international","dutch_required","level")] | all')" = true
id=$(echo "$body" | jq -r '.results[0].id')
one=$(curl -fsS "$API/api/v1/jobs/$id")
check "GET /api/v1/jobs/{id} returns the posting" test "$(echo "$one" | jq -r '.id|tostring')" = "$id"
check "the posting has a schema.org JobPosting" test "$(echo "$one" | jq -r '.. | objects | select(."@type"? == "JobPosting") | ."@type"' | head -1)" = JobPosting
code=$(curl -s -o "$TMP/404.json" -w '%{http_code}' "$API/api/v1/jobs/999999999")
check "unknown id is a JSON 404" test "$code" = 404 -a "$(jq -r '.error.code' "$TMP/404.json")" != null
code=$(curl -s -o /dev/null -w '%{http_code}' "$API/api/v1/jobs?q=%22%20OR%20*%20NEAR(&limit=5")
check "FTS5 syntax in q is a 200, not an error (got $code)" test "$code" = 200
code=$(curl -s -o /dev/null -w '%{http_code}' "$API/api/v1/jobs?limit=0")
check "limit=0 is a 400 (got $code)" test "$code" = 400

# advertiser: Olympia's rule says agency; its postings are found by the filter
all=$(curl -fsS "$API/api/v1/jobs?limit=1")
ag=$(curl -fsS "$API/api/v1/jobs?advertiser=agency&limit=100")
em=$(curl -fsS "$API/api/v1/jobs?advertiser=employer&limit=1")
n_agency=$(sql "$DB" "SELECT count(*) FROM jobs j LEFT JOIN sources s ON s.id = j.source_id
	WHERE j.state = 'active' AND coalesce(j.advertiser, s.advertiser, 'employer') = 'agency'")
check "advertiser=agency finds the agency's postings ($n_agency)" \
	test "$(echo "$ag" | jq '.total')" = "$n_agency" -a "$n_agency" -ge 1
check "every advertiser=agency result says agency" \
	test "$(echo "$ag" | jq '[.results[].advertiser == "agency"] | all')" = true
check "the agency results include Olympia's" \
	test "$(echo "$ag" | jq '[.results[].employer] | map(test("Olympia")) | any')" = true
check "advertiser=employer and =agency partition the postings" \
	test "$(echo "$em" | jq '.total')" = "$(( $(echo "$all" | jq '.total') - n_agency ))"
check "the advertiser facet counts both" \
	test "$(echo "$all" | jq '[.facets.advertiser[] | .value] | sort | join(",")')" = '"agency,employer"'
check "the filter is echoed in query.filters" \
	test "$(echo "$ag" | jq -c '.query.filters.advertiser')" = '["agency"]'
code=$(curl -s -o "$TMP/adv.json" -w '%{http_code}' "$API/api/v1/jobs?advertiser=recruiter")
check "advertiser=recruiter is a 400 naming it (got $code)" \
	test "$code" = 400 -a "$(jq -r '.error.message | contains("advertiser") and contains("recruiter")' "$TMP/adv.json")" = true
curl -fsS -o "$TMP/agency.atom" "$API/api/v1/feed.atom?advertiser=agency&limit=100"
check "the Atom feed takes advertiser too" \
	test "$(grep -o '<entry>' "$TMP/agency.atom" | wc -l)" = "$n_agency"
check "openapi documents advertiser on /jobs and the feed" \
	test "$(curl -fsS "$API/api/v1/openapi.json" | jq '[.paths["/api/v1/jobs", "/api/v1/feed.atom"].get.parameters[] | select(.name == "advertiser")] | length')" = 2

out=$("$BIN/twentejobs" search --db "$DB" engineer)
check "search command prints engineer postings" grep -qi engineer <<<"$out"
out=$("$BIN/twentejobs" sources --db "$DB")
check "sources lists every source" test "$(grep -c ' ok ' <<<"$out")" = "$n_sources"
check "sources shows how long each crawl took" \
	test "$(awk 'NR > 1 && $4 ~ /^[0-9]+(s|m[0-9][0-9]s|h[0-9][0-9]m)$/' <<<"$out" | wc -l)" = "$n_sources"
check "sources --json gives each run's duration in seconds" test "$("$BIN/twentejobs" sources --db "$DB" --json |
	jq '[.[] | select(.last_run.duration_s >= 0)] | length')" = "$n_sources"
check "the API gives each run's duration too" test "$(curl -fsS "$API/api/v1/sources" |
	jq '[.sources[] | select(.last_run.duration_s >= 0)] | length')" = "$n_sources"

# cursors are sealed with the database's key: they outlive a restart
page1=$(curl -fsS "$API/api/v1/jobs?q=engineer&limit=2")
cur=$(echo "$page1" | jq -r '.next_cursor')
page2=$(curl -fsS -G --data-urlencode "cursor=$cur" "$API/api/v1/jobs?q=engineer&limit=2" | jq -c '[.results[].id]')
kill "$SERVE_PID"; wait "$SERVE_PID" 2>/dev/null
start_serve "$DB" || { fail "serve restarts"; summary; exit 1; }
again=$(curl -fsS -G --data-urlencode "cursor=$cur" "$API/api/v1/jobs?q=engineer&limit=2" | jq -c '[.results[].id]')
check "a cursor from before a restart gives the same next page ($page2)" \
	test -n "$again" -a "$again" = "$page2" -a "$page2" != '[]'
check "the next page does not repeat the first" \
	test "$(jq -n --argjson a "$(echo "$page1" | jq -c '[.results[].id]')" --argjson b "$page2" '$a - ($a - $b) | length')" = 0

# a second crawl: conditional GET answers 304 and nothing is lost
robots_requests() { awk -F'\t' '$5 == "/robots.txt"' "$DEMO_LOG" | wc -l; }
n_robots=$(robots_requests)
n_hosts=$(awk -F'\t' '{ print $3 }' "$DEMO_LOG" | sort -u | wc -l)
check "robots.txt answers kept for the next crawl ($n_hosts hosts)" \
	test "$(sql "$DB" "SELECT count(*) FROM robots_cache")" = "$n_hosts"
"$BIN/twentejobs" crawl --db "$DB" --rules "$ROOT/rules" --demo-web "127.0.0.1:$DEMO_PORT" \
	--delay-ms $DELAY_MS --threads 8 --no-progress >"$TMP/crawl2.out" 2>"$TMP/crawl2.err"
check "second crawl exits 0" test $? = 0
check "second crawl used conditional GET" test "$(sql "$DB" "SELECT sum(not_modified) FROM crawl_runs WHERE id > $n_sources")" -ge 20
check "second crawl kept every posting active" test "$(sql "$DB" "SELECT count(*) FROM jobs WHERE state = 'active'")" = "$n_jobs"
check "second crawl reused the cached robots.txt (RFC 9309 2.4: 24 h)" test "$(robots_requests)" = "$n_robots"
check "second crawl still obeyed it: pages blocked" \
	test "$(sql "$DB" "SELECT sum(robots_blocked) FROM crawl_runs WHERE id > $n_sources")" -ge 2
check "no robots-disallowed URL requested in either crawl" test "$(disallowed_requests)" = 0
# --robots-max-age 0 asks every host again
"$BIN/twentejobs" crawl --db "$DB" --rules "$ROOT/rules" --demo-web "127.0.0.1:$DEMO_PORT" \
	--delay-ms $DELAY_MS --threads 8 --no-progress --quiet --robots-max-age 0
check "--robots-max-age 0 fetched robots.txt again from every host" \
	test "$(robots_requests)" = "$((n_robots + n_hosts))"
check "database integrity ok" test "$(sql "$DB" "PRAGMA integrity_check")" = ok

summary
