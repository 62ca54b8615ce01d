#!/bin/bash
# extract.sh BIN - `twentejobs extract` as a user runs it: exit codes, usage
# errors, warnings on stderr, the JSON array on stdout (SPEC.md "A posting as
# extract prints it").  Self-contained; ends with "N passed, M failed".
set -u
BIN=${1:-bin}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DATA=$ROOT/tests/data/extract
TJ=$BIN/twentejobs
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tj-extract.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
PASS=0
FAIL=0
ok() { PASS=$((PASS + 1)); echo "ok   $*"; }
fail() { FAIL=$((FAIL + 1)); echo "FAIL $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else fail "$what"; fi; }

run() { # run ARGS... -> $rc, $TMP/out, $TMP/err
	"$TJ" extract "$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
}
has() { grep -q -- "$1" "$TMP/$2"; }

run --help
check "--help exits 0" [ "$rc" = 0 ]
check "--help prints usage" has "usage: twentejobs extract --url URL" out

run "$DATA/zgt-array.html"
check "missing --url is a usage error (2)" [ "$rc" = 2 ]
check "usage error says why" has "--url URL is required" err

run --url https://www.werkenbijzgt.nl/ --bogus "$DATA/zgt-array.html"
check "unknown option is a usage error (2)" [ "$rc" = 2 ]

run --url
check "--url without value is a usage error (2)" [ "$rc" = 2 ]

run --url https://ex.nl/ "$TMP/missing.html"
check "unreadable file exits 1" [ "$rc" = 1 ]
check "unreadable file message" has "twentejobs extract: cannot read '$TMP/missing.html': No such file or directory" err

run --url ftp://ex.nl/ "$DATA/zgt-array.html"
check "non-http URL exits 1" [ "$rc" = 1 ]

run --url https://www.werkenbijzgt.nl/vacature/2026-137/clinical-data-scientist.html "$DATA/zgt-array.html"
check "array page exits 0" [ "$rc" = 0 ]
check "prints a JSON array" has '^\[' out
check "two-space indent" has '^    "title": "Clinical Data Scientist",' out
check "location normalised" has '"location": "Hengelo",' out
check "all towns kept" has '"location_raw": "Hengelo; Almelo",' out
check "twente flag" has '"twente": true,' out
check "structured salary" has '"source": "structured"' out
check "no warnings" [ ! -s "$TMP/err" ]

run --url=https://www.bolk.nl/vacatures/planner-nationaal-transport/ "$DATA/bolk-malformed.html"
check "malformed block: still exits 0" [ "$rc" = 0 ]
check "malformed block: warning on stderr" has "twentejobs extract: warning: JSON-LD block 1: line 7" err
check "malformed block: valid posting printed" has '"title": "Planner nationaal transport",' out

# a complete rule, so it also passes the real rules loader when that is linked
cat >"$TMP/rule.json" <<'JSON'
{
  "id": "twentse-installatietechniek",
  "employer": "Twentse Installatietechniek B.V.",
  "website": "https://werkenbij.twentse-installatietechniek.nl",
  "town": "Almelo",
  "start_urls": ["https://werkenbij.twentse-installatietechniek.nl/vacatures/"],
  "follow": ["^https://werkenbij\\.twentse-installatietechniek\\.nl/vacatures/"],
  "detail": ["^https://werkenbij\\.twentse-installatietechniek\\.nl/vacatures/[a-z0-9-]+/$"],
  "strategy": "jsonld",
  "verified": false
}
JSON
run --url https://werkenbij.twentse-installatietechniek.nl/vacatures/ --rule "$TMP/rule.json" "$DATA/listing-microdata.html"
check "microdata listing exits 0" [ "$rc" = 0 ]
check "microdata postings" [ "$(grep -c '"extraction": "microdata"' "$TMP/out")" = 3 ]
check "rule id as source" has '"source": "twentse-installatietechniek",' out
check "rule employer fills a gap" [ "$(grep -c '"employer": "Twentse Installatietechniek B.V."' "$TMP/out")" = 3 ]
check "salary from text" has '"text": "€ 14,20 per uur",' out

echo '{ "id": ' >"$TMP/bad-rule.json"
run --url https://ex.nl/ --rule "$TMP/bad-rule.json" "$DATA/zgt-array.html"
check "broken rule exits 1" [ "$rc" = 1 ]
check "broken rule message names the file" has "bad-rule.json:" err

run --links --url https://werkenbij.twentse-installatietechniek.nl/vacatures/ "$DATA/listing-microdata.html"
check "--links exits 0" [ "$rc" = 0 ]
check "--links prints 8 links" [ "$(wc -l <"$TMP/out")" = 8 ]
check "--links honours <base href> and rel=next" has '^https://werkenbij.twentse-installatietechniek.nl/vacatures/?pagina=2$' out

printf '<p>nothing</p>' >"$TMP/empty.html"
run --url https://ex.nl/ "$TMP/empty.html"
check "page without postings prints []" [ "$rc" = 0 ] && [ "$(tr -d ' \n' <"$TMP/out")" = "[]" ]

# --rule applies the rule's strategy: CSS selectors, an ATS feed
STRAT=$ROOT/tests/data/strategies
run --url https://www.hengelobouw.example/werken-bij/ --rule "$STRAT/hengelo-bouw.json" "$STRAT/hengelo-bouw-listing.html"
check "selectors rule: exit 0" [ "$rc" = 0 ]
check "selectors rule: three postings" [ "$(grep -c '"extraction": "selectors"' "$TMP/out")" = 3 ]
check "selectors rule: the skipped item is a warning" has "warning: selectors: item 4" err
cat >"$TMP/feed-rule.json" <<'JSON'
{ "id": "tukker-soft", "employer": "Tukker Soft", "strategy": "recruitee", "feed": {"company": "tukkersoft"} }
JSON
run --url https://tukkersoft.recruitee.com/api/offers/ --rule "$TMP/feed-rule.json" "$ROOT/tests/data/feeds/recruitee.json"
check "feed rule: a saved feed is read as one" [ "$(grep -c '"extraction": "feed:recruitee"' "$TMP/out")" = 3 ]

echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
