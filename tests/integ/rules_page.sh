#!/bin/bash
# rules_page.sh - `twentejobs rules check --page FILE --url URL RULE` as a
# curator uses it (rules/README.md "Testing a rule"): what the crawler does
# with the URL, then each posting the rule extracts, field by field, with
# "(not found)" for what the page lacks.  Pages and feeds come from
# tests/data/{strategies,feeds,extract} and the demo web.
set -u
. "$(dirname "$0")/lib.sh"

S=$ROOT/tests/data/strategies
F=$ROOT/tests/data/feeds
TJ=$BIN/twentejobs

run() { # run ARGS... -> $rc, $TMP/out, $TMP/err
	"$TJ" rules check "$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
}
has() { grep -q -- "$1" "$TMP/$2"; }
field() { # field NAME VALUE: the line "  NAME<spaces>VALUE" is in out
	grep -qE "^  $1 +$(sed 's/[][().*^$+?{}|\\/]/\\&/g' <<<"$2")\$" "$TMP/out"
}

# a detail page read with selectors
run --page "$S/kanaal-tech-vacature.html" \
	--url https://werkenbij.kanaaltech.example/vacatures/monteur-elektrotechniek "$S/kanaal-tech.json"
check "selectors detail page: exit 0" test "$rc" = 0
check "says the crawler extracts it" has "^crawler	fetches it, does not follow its links, extracts postings from it$" out
check "numbers the posting" has "^posting	1$" out
check "title" field title "Monteur elektrotechniek"
check "url from the canonical link" field url "https://werkenbij.kanaaltech.example/vacatures/monteur-elektrotechniek"
check "employer from the rule" field employer "Kanaal Tech B.V."
check "location normalised, as stated kept" field location "Hengelo (stated: Hengelo (Ov.))"
check "employment type" field employment_type FULL_TIME
check "date from <time datetime>" field date_posted 2026-11-12
check "a missing field says (not found)" field valid_through "(not found)"
check "hours through the regex" field hours "32-40 per week"
check "salary" field salary '2900-3800 EUR per MONTH ("€ 2.900 - € 3.800 bruto per maand")'
check "description on one line with its length" has '^  description      Wat ga je doen? Als monteur elektrotechniek .*\.\.\. ([0-9]* characters)$' out
check "extraction" field extraction selectors
check "count line last" test "$(tail -1 "$TMP/out")" = "postings	1"

# a selector that matches nothing shows up as (not found)
sed 's/"location": ".vacancy-meta .place"/"location": ".vacancy-meta .plaats"/' "$S/kanaal-tech.json" >"$TMP/kanaal-tech.json"
run --page "$S/kanaal-tech-vacature.html" \
	--url https://werkenbij.kanaaltech.example/vacatures/monteur-elektrotechniek "$TMP/kanaal-tech.json"
check "wrong selector: still exit 0" test "$rc" = 0
check "wrong selector: location (not found)" field location "(not found)"

# a listing read with listing/item selectors
run --page "$S/hengelo-bouw-listing.html" --url https://www.hengelobouw.example/werken-bij/ "$S/hengelo-bouw.json"
check "listing: exit 0" test "$rc" = 0
check "listing: three postings" test "$(grep -c '^posting	' "$TMP/out")" = 3
check "listing: item URLs resolved" field url "https://www.hengelobouw.example/werken-bij/timmerman/"
check "listing: the title-less item is a warning" has "twentejobs rules: warning: selectors: item 4: 'title' (h3) matched nothing; skipped" err

# a broken selector is reported where it is, like every rule error
sed 's/"title": "h3"/"title": "h3 > "/' "$S/hengelo-bouw.json" >"$TMP/hengelo-bouw.json"
run --page "$S/hengelo-bouw-listing.html" --url https://www.hengelobouw.example/werken-bij/ "$TMP/hengelo-bouw.json"
check "broken selector: exit 1" test "$rc" = 1
check "broken selector: FILE:LINE:COL and the offset" has "hengelo-bouw.json:11:20: 'selectors.title': selector does not parse: expected a selector after '>' at offset 5" err

# an ATS feed, saved
cat >"$TMP/grenzland.json" <<'JSON'
{ "id": "grenzland", "employer": "Grenzland Logistik", "strategy": "personio", "feed": {"company": "grenzland"} }
JSON
run --page "$F/personio.xml" --url https://grenzland.jobs.personio.de/xml "$TMP/grenzland.json"
check "feed: exit 0" test "$rc" = 0
check "feed: recognised as the rule's feed" has "^feed	yes	https://grenzland.jobs.personio.de/xml$" out
check "feed: what the crawler does" has "^crawler	fetches it as the rule's personio feed and stores its postings$" out
check "feed: three postings" test "$(tail -1 "$TMP/out")" = "postings	3"
check "feed: posting URL built from the id" field url "https://grenzland.jobs.personio.de/job/1503201"
check "feed: extraction" field extraction feed:personio
run --page "$F/personio-broken.xml" --url https://grenzland.jobs.personio.de/xml "$TMP/grenzland.json"
check "broken feed: exit 1" test "$rc" = 1
check "broken feed: the parser's message" has "twentejobs rules: personio feed: line 5: Opening and ending tag mismatch" err
run --page "$F/personio.xml" --url https://grenzland.jobs.personio.de/jobs "$TMP/grenzland.json"
check "feed at another URL: says which URL the feed is" has "^feed	no	https://grenzland.jobs.personio.de/xml$" out

# JSON-LD (the default strategy) on a demo page, the rule looked up by id
run --dir "$ROOT/rules" --page "$ROOT/data/demo-web/www.xsens.com/careers/jobs/embedded-software-engineer/index.html" \
	--url https://www.xsens.com/careers/jobs/embedded-software-engineer/ xsens
check "jsonld by id: exit 0 (got $rc)" test "$rc" = 0
check "jsonld by id: extraction" field extraction jsonld

# microdata only
cat >"$TMP/tit.json" <<'JSON'
{ "id": "tit", "employer": "Twentse Installatietechniek B.V.", "start_urls": ["https://werkenbij.twentse-installatietechniek.nl/vacatures/"], "strategy": "microdata" }
JSON
run --page "$ROOT/tests/data/extract/listing-microdata.html" --url https://werkenbij.twentse-installatietechniek.nl/vacatures/ "$TMP/tit.json"
check "microdata: exit 0" test "$rc" = 0
check "microdata: four postings (the JSON-LD one is not read)" test "$(tail -1 "$TMP/out")" = "postings	4"

# a detail URL whose page has no posting
printf '<html><body><h1>Deze vacature is vervuld</h1></body></html>' >"$TMP/gone.html"
run --page "$TMP/gone.html" --url https://werkenbij.kanaaltech.example/vacatures/oud "$S/kanaal-tech.json"
check "no posting on a detail page: exit 1" test "$rc" = 1
check "no posting: says so" has "twentejobs rules: no postings found" err
check "no posting: the selector that missed" has "warning: selectors: 'title' (h1.vacancy-title) matched nothing; no posting" err

# a listing URL (not a detail page): postings shown, marked as not stored
run --page "$S/kanaal-tech-vacature.html" --url https://werkenbij.kanaaltech.example/vacatures "$S/kanaal-tech.json"
check "follow page: exit 0" test "$rc" = 0
check "follow page: not stored" has "^postings	1	(not stored: the URL matches no 'detail' pattern)$" out
summary
