#!/bin/bash
# dedupe.sh - near-duplicate postings end to end (issue 6).  The demo web's
# staffing agency olympia reposts two employers' vacancies with the same
# title and town and a rewritten description (twence's operator, Hengelo;
# nijhof-wassink's chauffeur, Rijssen), and demcon and xsens each post a
# different "Embedded Software Engineer (C/C++)" in Enschede.  Besides, an
# agency site made up here reposts the Gemeente Enschede "Data engineer"
# with a few words changed.  The whole demo web plus that site is crawled:
# each agency copy must become a 'duplicate' of the employer's posting,
# the demcon/xsens pair must not, search must show each vacancy once,
# /api/v1/jobs/{id} must list the duplicates, a second crawl must keep it
# so, and /api/v1/changes?since=0 must list every posting as new.
set -u
. "$(dirname "$0")/lib.sh"

AGENCY=www.uitzendtwente.example
SRC=$ROOT/data/demo-web/www.enschede.nl/werken-bij/vacatures/data-engineer/index.html
EMP_URL=https://www.enschede.nl/werken-bij/vacatures/data-engineer/

# the web: every demo host as a symlink, plus the agency's host
WEB=$TMP/web
mkdir -p "$WEB/$AGENCY/vacatures/data-engineer-enschede"
for d in "$ROOT"/data/demo-web/*/; do ln -s "${d%/}" "$WEB/$(basename "$d")"; done
printf 'User-agent: *\nAllow: /\n' >"$WEB/$AGENCY/robots.txt"
cat >"$WEB/$AGENCY/vacatures/index.html" <<HTML
<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><title>Vacatures | Uitzend Twente</title></head>
<body><h1>Vacatures</h1><ul>
<li><a href="data-engineer-enschede/">Data engineer, Enschede</a></li>
</ul></body></html>
HTML
# the agency's copy: its own URLs and name, two phrases reworded
sed -e "s#www\.enschede\.nl/werken-bij/vacatures/data-engineer/#$AGENCY/vacatures/data-engineer-enschede/#g" \
	-e 's/"name": "Gemeente Enschede"/"name": "Uitzend Twente"/' \
	-e 's/onze onderzoekers/de onderzoekers/g' \
	-e 's/Wat vragen wij/Wat vraagt de opdrachtgever/g' \
	"$SRC" >"$WEB/$AGENCY/vacatures/data-engineer-enschede/index.html"

RULES=$TMP/rules
mkdir -p "$RULES"
for r in "$ROOT"/rules/*.json; do ln -s "$r" "$RULES/$(basename "$r")"; done
cat >"$RULES/uitzendtwente.json" <<JSON
{
  "id": "uitzendtwente",
  "employer": "Uitzend Twente",
  "website": "https://$AGENCY",
  "town": "Enschede",
  "advertiser": "agency",
  "start_urls": ["https://$AGENCY/vacatures/"],
  "sitemaps": [],
  "follow": ["^https://www\\\\.uitzendtwente\\\\.example/vacatures/([a-z0-9-]+/)?\$"],
  "detail": ["^https://www\\\\.uitzendtwente\\\\.example/vacatures/[a-z0-9-]+/\$"],
  "strategy": "jsonld",
  "delay_ms": 50,
  "max_pages": 20,
  "max_depth": 2,
  "verified": false,
  "notes": "made up by tests/integ/dedupe.sh: an agency reposting a demo vacancy"
}
JSON

DEMO_LOG=$TMP/demo-web.log
"$BIN/demo-web" --listen 127.0.0.1:0 --port-file "$TMP/demo.port" --root "$WEB" \
	--log "$DEMO_LOG" --quiet 2>"$TMP/demo-web.err" &
PIDS+=($!)
wait_file "$TMP/demo.port" 10 || { fail "demo web starts"; cat "$TMP/demo-web.err"; summary; exit 1; }
DEMO_PORT=$(cat "$TMP/demo.port")
ok "demo web with the agency site starts"

DB=$TMP/d.db
crawl() {
	"$BIN/twentejobs" crawl --db "$DB" --rules "$RULES" --demo-web "127.0.0.1:$DEMO_PORT" \
		--delay-ms 20 --threads 8 --no-progress --quiet >>"$TMP/crawl.out" 2>>"$TMP/crawl.err"
}
crawl
rc=$?
check "crawl exits 0 (got $rc)" test "$rc" = 0
[ "$rc" = 0 ] || tail -20 "$TMP/crawl.err"

emp=$(sql "$DB" "SELECT id FROM jobs WHERE url = '$EMP_URL'")
agency=$(sql "$DB" "SELECT id FROM jobs WHERE source_id = 'uitzendtwente'")
check "the employer's posting was crawled (id ${emp:-none})" test -n "$emp"
check "the agency's posting was crawled (id ${agency:-none})" test -n "$agency"
check "the agency copy is a duplicate" \
	test "$(sql "$DB" "SELECT state FROM jobs WHERE id = '$agency'")" = duplicate
check "its dup_of is the employer's posting" \
	test "$(sql "$DB" "SELECT dup_of FROM jobs WHERE id = '$agency'")" = "$emp"
check "the employer's posting stays active" \
	test "$(sql "$DB" "SELECT state FROM jobs WHERE id = '$emp'")" = active

# the demo's real reposts: the agency olympia rewrote the employers' texts
TWENCE=$(sql "$DB" "SELECT id FROM jobs WHERE url = 'https://www.twence.nl/werken-bij-twence/vacatures/operator-afvalenergiecentrale-volcontinu/'")
OLY_OP=$(sql "$DB" "SELECT id FROM jobs WHERE url = 'https://www.olympia.nl/vacatures/operator-afvalenergiecentrale-volcontinu-hengelo-v418832/'")
NIJHOF=$(sql "$DB" "SELECT id FROM jobs WHERE url = 'https://www.nijhof-wassink.nl/werken-bij/vacatures/chauffeur-ce-nationaal/'")
OLY_CE=$(sql "$DB" "SELECT id FROM jobs WHERE url = 'https://www.olympia.nl/vacatures/chauffeur-ce-nationaal-rijssen-v418870/'")
DEMCON=$(sql "$DB" "SELECT id FROM jobs WHERE url = 'https://www.demcon.com/careers/vacancies/embedded-software-engineer-c-cpp/'")
XSENS=$(sql "$DB" "SELECT id FROM jobs WHERE url = 'https://www.xsens.com/careers/jobs/embedded-software-engineer/'")
check "the demo pairs were crawled" test -n "$TWENCE" -a -n "$OLY_OP" -a -n "$NIJHOF" -a -n "$OLY_CE" \
	-a -n "$DEMCON" -a -n "$XSENS"
check "olympia's operator is a duplicate of twence's" \
	test "$(sql "$DB" "SELECT state || ' ' || dup_of FROM jobs WHERE id = '$OLY_OP'")" = "duplicate $TWENCE"
check "olympia's chauffeur is a duplicate of nijhof-wassink's" \
	test "$(sql "$DB" "SELECT state || ' ' || dup_of FROM jobs WHERE id = '$OLY_CE'")" = "duplicate $NIJHOF"
check "twence's and nijhof-wassink's postings stay active" \
	test "$(sql "$DB" "SELECT group_concat(state) FROM jobs WHERE id IN ('$TWENCE', '$NIJHOF')")" = "active,active"
check "demcon's and xsens's same-title jobs are not grouped" \
	test "$(sql "$DB" "SELECT group_concat(state || ':' || coalesce(dup_of, '-')) FROM jobs WHERE id IN ('$DEMCON', '$XSENS')")" = "active:-,active:-"
check "no other posting of the demo web is a duplicate" \
	test "$(sql "$DB" "SELECT count(*) FROM jobs WHERE state = 'duplicate'")" = 3

start_serve "$DB" || { fail "serve starts"; summary; exit 1; }
ok "serve starts"
body=$(curl -fsS "$API/api/v1/jobs?q=%22data%20engineer%22&city=Enschede&limit=50")
check "search shows the vacancy once" \
	test "$(echo "$body" | jq '[.results[] | select(.title == "Data engineer")] | length')" = 1
check "search shows the employer's posting" \
	test "$(echo "$body" | jq "[.results[] | select(.id == $emp)] | length")" = 1
one=$(curl -fsS "$API/api/v1/jobs/$emp")
check "/api/v1/jobs/{id} lists the duplicate" test "$(echo "$one" | jq -c '.duplicates')" = "[$agency]"
for q in "operator afvalenergiecentrale&city=Hengelo:$TWENCE" "chauffeur CE nationaal&city=Rijssen:$NIJHOF"; do
	body=$(curl -fsS "$API/api/v1/jobs?q=$(echo "${q%%:*}" | sed 's/ /%20/g')&limit=50")
	check "search '${q%%&*}' shows the vacancy once, the employer's" \
		test "$(echo "$body" | jq -c "[.results[] | select(.title | test(\"^(Operator afvalenergiecentrale|Chauffeur CE nationaal)\")) | .id]")" = "[${q##*:}]"
done
check "/api/v1/jobs/{id} of twence's lists olympia's copy" \
	test "$(curl -fsS "$API/api/v1/jobs/$TWENCE" | jq -c '.duplicates')" = "[$OLY_OP]"
check "/api/v1/jobs/{id} of nijhof-wassink's lists olympia's copy" \
	test "$(curl -fsS "$API/api/v1/jobs/$NIJHOF" | jq -c '.duplicates')" = "[$OLY_CE]"
check "olympia's copy names what it duplicates" \
	test "$(curl -fsS "$API/api/v1/jobs/$OLY_OP" | jq '.duplicate_of')" = "$TWENCE"
body=$(curl -fsS "$API/api/v1/jobs?q=embedded%20software%20engineer&city=Enschede&limit=50")
check "search shows both demcon's and xsens's embedded jobs" \
	test "$(echo "$body" | jq "[.results[] | select(.id == $DEMCON or .id == $XSENS)] | length")" = 2
dup=$(curl -fsS "$API/api/v1/jobs/$agency")
check "the duplicate names what it duplicates" test "$(echo "$dup" | jq '.duplicate_of')" = "$emp"
check "the duplicate's state is 'duplicate'" test "$(echo "$dup" | jq -r '.state')" = duplicate

n_jobs=$(sql "$DB" "SELECT count(*) FROM jobs")
changes=$(curl -fsS "$API/api/v1/changes?since=0&limit=500")
check "changes since 0 lists every posting as new ($n_jobs)" \
	test "$(echo "$changes" | jq '[.changes[] | select(.change == "new") | .id] | unique | length')" = "$n_jobs"
# the demo has one posting past its validThrough: expired at once, so listed twice
n_expired=$(sql "$DB" "SELECT count(*) FROM jobs WHERE state = 'expired'")
check "besides, only the expired postings are listed ($n_expired)" \
	test "$(echo "$changes" | jq '[.changes[] | select(.change == "expired")] | length')" = "$n_expired" \
	-a "$(echo "$changes" | jq '[.changes[] | select(.change != "new" and .change != "expired")] | length')" = 0
check "changes since 0 fit one page" test "$(echo "$changes" | jq -r '.next_cursor')" = null
code=$(curl -s -o "$TMP/bad.json" -w '%{http_code}' "$API/api/v1/changes?since=last-week")
check "a bad since is a 400 naming it (got $code)" \
	test "$code" = 400 -a "$(jq -r '.error.message' "$TMP/bad.json" | grep -c since)" = 1
check "openapi documents /api/v1/changes" \
	test "$(curl -fsS "$API/api/v1/openapi.json" | jq '.paths | has("/api/v1/changes")')" = true

# crawled again (conditional GET, 304s): the copy stays a duplicate
crawl
check "second crawl exits 0" test $? = 0
check "after a second crawl the agency copy is still a duplicate of the same posting" \
	test "$(sql "$DB" "SELECT state || ' ' || dup_of FROM jobs WHERE id = '$agency'")" = "duplicate $emp"
check "after a second crawl olympia's copies are still duplicates of the same postings" \
	test "$(sql "$DB" "SELECT dup_of FROM jobs WHERE id = '$OLY_OP' AND state = 'duplicate'")" = "$TWENCE" \
	-a "$(sql "$DB" "SELECT dup_of FROM jobs WHERE id = '$OLY_CE' AND state = 'duplicate'")" = "$NIJHOF"
check "database integrity ok" test "$(sql "$DB" "PRAGMA integrity_check")" = ok

summary
