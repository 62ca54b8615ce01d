#!/bin/bash
# crawl_faults.sh - the spider against a hostile web: the demo web's fault
# endpoints (slow, stalled, 5xx, 429 + Retry-After, redirect loops and
# cross-host redirects, oversize pages, a gzip bomb, wrong content types,
# invalid UTF-8, endless calendars and pagination, 20k links, deep nesting)
# and robots.txt answering 503, 404, 503-then-200, or with a Crawl-delay.
# The crawl must finish, stay within budget and memory, obey robots.txt and
# the per-host gap, and report every error by kind for its source.
set -u
. "$(dirname "$0")/lib.sh"

RULES=$TMP/rules
mkdir -p "$RULES"
rule() { # id host start max_pages
	cat >"$RULES/$1.json" <<JSON
{ "id": "$1", "employer": "Fault Lab $1", "start_urls": ["$3"],
  "follow": ["^https://$(sed 's/\./\\\\./g' <<<"$2")/"],
  "detail": ["^https://$(sed 's/\./\\\\./g' <<<"$2")/__fault/bad-utf8\$"],
  "max_pages": $4, "max_depth": 40, "verified": false }
JSON
}
rule faults faults.demo.test https://faults.demo.test/ 120
rule robots503 robots503.demo.test https://robots503.demo.test/ 20
rule robots404 robots404.demo.test https://robots404.demo.test/ 20
rule robotsdelay robotsdelay.demo.test https://robotsdelay.demo.test/ 20
rule robotsflaky robots5xx-then-ok.demo.test https://robots5xx-then-ok.demo.test/ 20

DEMO_ROOT=$ROOT/tests/data/faults-web
DB=$TMP/f.db
"$BIN/demo-web" --listen 127.0.0.1:0 --port-file "$TMP/port" --root "$DEMO_ROOT" --log "$TMP/req.log" --quiet &
PIDS+=($!)
wait_file "$TMP/port" 10 || { fail "demo web starts"; summary; exit 1; }
PORT=$(cat "$TMP/port")
DEMO_LOG=$TMP/req.log

start=$(date +%s)
timeout 300 /usr/bin/time -v "$BIN/twentejobs" crawl --db "$DB" --rules "$RULES" \
	--demo-web "127.0.0.1:$PORT" --delay-ms 100 --timeout-ms 2000 --threads 8 --no-progress \
	>"$TMP/crawl.out" 2>"$TMP/crawl.err"
rc=$?
secs=$(($(date +%s) - start))
check "crawl of the hostile web finishes with exit 0 (rc $rc, ${secs}s)" test "$rc" = 0
rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$TMP/crawl.err")
if [ "$SANITIZED" = 0 ]; then
	check "peak RSS stays under 150 MB despite an 8 MiB page and 200 MiB gzip and Brotli bombs (${rss} KB)" \
		test "${rss:-999999}" -lt 153600
fi

"$BIN/twentejobs" sources --db "$DB" --json >"$TMP/sources.json"
kinds() { jq -r --arg s "$1" '.[] | select(.id == $s) | .last_run.errors_by_kind | keys[]' "$TMP/sources.json"; }
status() { jq -r --arg s "$1" '.[] | select(.id == $s) | .last_run.status' "$TMP/sources.json"; }
for k in http_500 timeout too_big bad_content_type http_429; do
	check "faults: '$k' reported" grep -qx "$k" <<<"$(kinds faults)"
done
too_big=$(jq -r '.[] | select(.id == "faults") | .last_run.errors_by_kind.too_big' "$TMP/sources.json")
check "the 8 MiB page, the gzip bomb and the Brotli bomb all stopped at the cap (too_big: $too_big)" \
	test "${too_big:-0}" -ge 3 -a "$(grep -c $'\t/__fault/br-bomb' "$DEMO_LOG")" -ge 1
n_loop=$(grep -c $'\t/__fault/redirect-loop/' "$DEMO_LOG")
check "redirect loop: $n_loop requests, at most 6 (5 redirects followed)" test "$n_loop" -le 6
check "faults: the redirect to another host is not followed" grep -qx redirect_outside_source <<<"$(kinds faults)"
check "faults: run is partial, not ok (nothing may expire)" test "$(status faults)" = partial
n_cal=$(grep -c $'\t/__fault/calendar/' "$DEMO_LOG")
n_page=$(grep -c $'\t/__fault/page/' "$DEMO_LOG")
check "calendar trap: $n_cal requests, within the 120-page budget" test "$n_cal" -le 120
check "pagination trap: $n_page requests, within the 120-page budget" test "$n_page" -le 120
n_faults=$(awk -F'\t' '$3 == "faults.demo.test"' "$DEMO_LOG" | wc -l)
check "faults host: $n_faults requests, within budget + robots.txt" test "$n_faults" -le 121
check "redirect target on another host never requested" test "$(awk -F'\t' '$3 == "elsewhere.demo.test"' "$DEMO_LOG" | wc -l)" = 0
check "the invalid UTF-8 vacancy is stored as valid UTF-8" \
	test "$(sqlite3 "$DB" "SELECT count(*) FROM jobs WHERE source_id = 'faults'")" -ge 1

# robots.txt variants
check "robots 503: only robots.txt requested, 3 attempts" \
	test "$(awk -F'\t' '$3 == "robots503.demo.test" { print $5 }' "$DEMO_LOG" | sort -u)" = /robots.txt
check "robots 503: the run is blocked" test "$(status robots503)" = blocked
check "robots 404: allow all, pages fetched" test "$(awk -F'\t' '$3 == "robots404.demo.test" && $5 != "/robots.txt"' "$DEMO_LOG" | wc -l)" -ge 2
check "robots 503 then 200: retried and crawled" test "$(status robotsflaky)" = ok
check "Crawl-delay host: /private/ never requested" test "$(awk -F'\t' '$3 == "robotsdelay.demo.test" && $5 ~ /^\/private\//' "$DEMO_LOG" | wc -l)" = 0
gap_bad=$(awk -F'\t' '$3 == "robotsdelay.demo.test"' "$DEMO_LOG" | sort -n | awk -F'\t' 'NR > 1 && $1 - prev < 995 { bad++ } { prev = $2 } END { print bad + 0 }')
check "Crawl-delay host: requests at least 1 s apart" test "$gap_bad" = 0
over=$(sort -t$'\t' -k3,3 -k1,1n "$DEMO_LOG" | awk -F'\t' '$3 == host && $1 < prev_end { over++ } { host = $3; prev_end = $2 } END { print over + 0 }')
check "no two requests to one host overlapped" test "$over" = 0
check "database integrity ok" test "$(sqlite3 "$DB" "PRAGMA integrity_check")" = ok
summary
