#!/bin/bash
# crawl_strategies.sh - the crawler on sources that are not JSON-LD sites:
# ATS feeds (Recruitee, Greenhouse, Lever, Personio, SmartRecruiters) and a
# listing read with CSS selectors, served by bin/demo-web from a temporary
# web root built from tests/data/feeds and tests/data/strategies.  Checks
# what got stored, that a feed redirect (Personio /xml -> /xml/) is
# followed, that feeds are always fetched in full, that a vacancy gone
# from a feed expires, and that a broken or missing feed makes the run
# incomplete so nothing expires.
set -u
. "$(dirname "$0")/lib.sh"

WEB=$TMP/web
RULES=$TMP/rules
DB=$TMP/t.db
FEEDS=$ROOT/tests/data/feeds
mkdir -p "$RULES"

put() { # put HOST/PATH SOURCE_FILE
	mkdir -p "$WEB/$(dirname "$1")"
	cp "$2" "$WEB/$1"
}
put tukkersoft.recruitee.com/api/offers/index.json "$FEEDS/recruitee.json"
put boards-api.greenhouse.io/v1/boards/twentsemedtech/jobs/index.json "$FEEDS/greenhouse.json"
put api.lever.co/v0/postings/energietwente/index.json "$FEEDS/lever.json"
put grenzland.jobs.personio.de/xml/index.xml "$FEEDS/personio.xml"
put api.smartrecruiters.com/v1/companies/TwenteCoatings/postings/index.json "$FEEDS/smartrecruiters.json"
put www.hengelobouw.example/werken-bij/index.html "$ROOT/tests/data/strategies/hengelo-bouw-listing.html"
printf 'User-agent: *\nDisallow: /admin/\n' >"$WEB/www.hengelobouw.example/robots.txt"
cp "$ROOT/tests/data/strategies/hengelo-bouw.json" "$RULES/"
rule() { # rule ID STRATEGY COMPANY
	printf '{"id": "%s", "employer": "%s employer", "strategy": "%s", "feed": {"company": "%s"}}\n' \
		"$1" "$1" "$2" "$3" >"$RULES/$1.json"
}
rule tukker-soft recruitee tukkersoft
rule twentse-medtech greenhouse twentsemedtech
rule energie-twente lever energietwente
rule grenzland personio grenzland
rule twente-coatings smartrecruiters TwenteCoatings

check "rules check accepts the rules" "$BIN/twentejobs" rules check --dir "$RULES"

start_demo_web --root "$WEB" || { fail "demo web starts"; summary; exit 1; }
ok "demo web starts on port $DEMO_PORT"

crawl() { # crawl N
	"$BIN/twentejobs" crawl --db "$DB" --rules "$RULES" --demo-web "127.0.0.1:$DEMO_PORT" \
		--delay-ms 20 --threads 4 --no-progress >"$TMP/crawl$1.out" 2>"$TMP/crawl$1.err"
}
active() { sql "$DB" "SELECT count(*) FROM jobs WHERE source_id = '$1' AND state = 'active'"; }
last_status() { sql "$DB" "SELECT status || ' ' || complete FROM crawl_runs WHERE source_id = '$1' ORDER BY id DESC LIMIT 1"; }

crawl 1
rc=$?
check "crawl exits 0 (got $rc)" test "$rc" = 0
[ "$rc" = 0 ] || tail -20 "$TMP/crawl1.err"
check "recruitee: 3 postings" test "$(active tukker-soft)" = 3
check "greenhouse: 3 postings" test "$(active twentse-medtech)" = 3
check "lever: 3 postings" test "$(active energie-twente)" = 3
check "personio: 3 postings (after the /xml -> /xml/ redirect)" test "$(active grenzland)" = 3
check "smartrecruiters: 2 postings" test "$(active twente-coatings)" = 2
check "selectors listing: 3 postings" test "$(active hengelo-bouw)" = 3
check "every run complete" test "$(sql "$DB" "SELECT count(*) FROM crawl_runs WHERE status = 'ok' AND complete = 1")" = 6
check "extraction names the ATS" test "$(sql "$DB" "SELECT json_extract(posting_json, '$.extraction') FROM jobs WHERE source_id = 'grenzland' LIMIT 1")" = feed:personio
check "selectors postings say so" test "$(sql "$DB" "SELECT count(*) FROM jobs WHERE json_extract(posting_json, '$.extraction') = 'selectors'")" = 3
check "feed postings point at the ATS's job pages" test "$(sql "$DB" "SELECT url FROM jobs WHERE title = 'Data Engineer'")" = https://jobs.lever.co/energietwente/5b1f3f2e-8a0c-4c1e-9d55-0f6a2f6f9b01
check "feed postings are normalised and classified" test "$(sql "$DB" "SELECT city || ' ' || language FROM jobs WHERE title = 'Embedded Software Engineer'")" = "Enschede en"
check "descriptions are plain text" test "$(sql "$DB" "SELECT count(*) FROM jobs WHERE description LIKE '%<p>%' OR description LIKE '%&lt;%'")" = 0
check "the feed's company name is the employer" test "$(sql "$DB" "SELECT employer FROM jobs WHERE title = 'Quality Engineer Medical Devices'")" = "Twentse MedTech"
check "the rule's employer when the feed names none" test "$(sql "$DB" "SELECT employer FROM jobs WHERE title = 'Regulatory Affairs Specialist'")" = "twentse-medtech employer"
check "feeds were fetched once each, robots.txt first" test "$(grep -c $'\t/api/offers/\t' "$DEMO_LOG")" = 1
check "no links followed from a feed" test "$(awk -F'\t' '$3 == "tukkersoft.recruitee.com"' "$DEMO_LOG" | wc -l)" = 2

# unchanged feeds: fetched in full again (never 304: see crawl.c), nothing expires
crawl 2
check "second crawl exits 0" test $? = 0
crawl 3
check "third crawl exits 0" test $? = 0
check "feeds are fetched unconditionally" test "$(grep $'\t/api/offers/\t' "$DEMO_LOG" | cut -f6 | sort -u)" = 200
check "nothing expired after three crawls" test "$(sql "$DB" "SELECT count(*) FROM jobs WHERE state != 'active'")" = 0

# a broken feed: the run is not complete, and even twice in a row nothing expires
printf '{"offers": [' >"$WEB/tukkersoft.recruitee.com/api/offers/index.json"
crawl 4
crawl 5
check "broken feed: the run is partial or failed" grep -Eq '^(partial|failed) 0$' <<<"$(last_status tukker-soft)"
check "broken feed: the reason is recorded" test "$(sql "$DB" "SELECT count(*) FROM crawl_runs WHERE source_id = 'tukker-soft' AND message LIKE '%recruitee feed: line 1%'")" -ge 1
check "broken feed: its postings stay active" test "$(active tukker-soft)" = 3

# a feed that lost an offer: two complete runs expire it
cp "$FEEDS/recruitee.json" "$WEB/tukkersoft.recruitee.com/api/offers/index.json"
jq 'del(.offers[1])' "$FEEDS/recruitee.json" >"$WEB/tukkersoft.recruitee.com/api/offers/index.json"
crawl 6
crawl 7
check "a vacancy gone from the feed expires" test "$(sql "$DB" "SELECT state FROM jobs WHERE title LIKE 'Medewerker klantenservice%'")" = expired
check "the others stay active" test "$(active tukker-soft)" = 2

# a missing feed (404) is not a complete run either
rm "$WEB/api.lever.co/v0/postings/energietwente/index.json"
crawl 8
crawl 9
check "missing feed: not complete" grep -Eq '^(partial|failed) 0$' <<<"$(last_status energie-twente)"
check "missing feed: postings stay active" test "$(active energie-twente)" = 3
summary
