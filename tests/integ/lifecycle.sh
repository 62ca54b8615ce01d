#!/bin/bash
# lifecycle.sh - postings change, disappear, reappear and a site fails
# between crawls of the demo web (its --state override rounds), and the
# index follows: history kept, expiry only after two complete crawls that
# miss a posting, never while a source is failing, reappearance
# reactivates; export -> import round-trips every posting with its
# history; backup makes a consistent copy while the server reads.
set -u
. "$(dirname "$0")/lib.sh"

SITE=www.utwente.nl
VAC=en/careers/vacancies
A=$(ls "$ROOT/data/demo-web/$SITE/$VAC" | grep -v -e index.html -e internal | sed -n 1p)
B=$(ls "$ROOT/data/demo-web/$SITE/$VAC" | grep -v -e index.html -e internal | sed -n 2p)
STATE=$TMP/state
R1=$TMP/round1 R2=$TMP/round2
: >"$STATE"
# round 1: A's title changes, B disappears
mkdir -p "$R1/$SITE/$VAC/$A" "$R1/$SITE/$VAC"
sed 's/<title>/<title>Changed: Zwoferix /; s/"title": *"/"title": "Changed: Zwoferix /' \
	"$ROOT/data/demo-web/$SITE/$VAC/$A/index.html" >"$R1/$SITE/$VAC/$A/index.html"
touch "$R1/$SITE/$VAC/$B.gone"
# round 2: the whole careers listing fails (404): the site is broken
mkdir -p "$R2/$SITE/en/careers"
touch "$R2/$SITE/$VAC.gone"

start_demo_web --state "$STATE" || { fail "demo web starts"; summary; exit 1; }
DB=$TMP/l.db
crawl() {
	"$BIN/twentejobs" crawl --db "$DB" --rules "$ROOT/rules" --source utwente \
		--demo-web "127.0.0.1:$DEMO_PORT" --delay-ms 20 --no-progress --quiet
}
state_of() { sqlite3 "$DB" "SELECT state FROM jobs WHERE page_url LIKE '%/$1/'"; }

crawl; check "crawl 1 ok" test $? = 0
n0=$(sqlite3 "$DB" "SELECT count(*) FROM jobs WHERE state = 'active'")
check "B active after crawl 1" test "$(state_of "$B")" = active

echo "$R2" >"$STATE"
crawl; crawl
check "two crawls of a failing site: its runs are not complete" \
	test "$(sqlite3 "$DB" "SELECT count(*) FROM crawl_runs WHERE complete = 0")" = 2
check "a failing site expires nothing" test "$(sqlite3 "$DB" "SELECT count(*) FROM jobs WHERE state = 'active'")" = "$n0"

echo "$R1" >"$STATE"
crawl
check "A changed: the previous version is in its history" \
	test "$(sqlite3 "$DB" "SELECT count(*) FROM job_history h JOIN jobs j ON j.id = h.job_id WHERE j.page_url LIKE '%/$A/'")" = 1
check "A's title is the new one" grep -q '^Changed: ' <<<"$(sqlite3 "$DB" "SELECT title FROM jobs WHERE page_url LIKE '%/$A/'")"
found() { "$BIN/twentejobs" search --db "$DB" --json "$1" | jq .total; }
check "search finds A by a word of its new title" test "$(found zwoferix)" = 1
check "the full-text index matches the changed postings" "$BIN/twentejobs" check --db "$DB"
check "B missed once: still active" test "$(state_of "$B")" = active
crawl
check "B missed by two complete crawls: expired" test "$(state_of "$B")" = expired
check "B is kept, not deleted" test "$(sqlite3 "$DB" "SELECT count(*) FROM jobs")" = "$n0"

: >"$STATE"
crawl
check "B reappears: active again" test "$(state_of "$B")" = active
check "A changed back: two history entries" \
	test "$(sqlite3 "$DB" "SELECT count(*) FROM job_history h JOIN jobs j ON j.id = h.job_id WHERE j.page_url LIKE '%/$A/'")" = 2
check "A changed back: its old title's word no longer finds it" test "$(found zwoferix)" = 0
check "the full-text index still matches the postings" "$BIN/twentejobs" check --db "$DB"

# export / import round trip, with history
"$BIN/twentejobs" export --db "$DB" --format jsonl >"$TMP/e1.jsonl"
check "export writes one line per posting" test "$(wc -l <"$TMP/e1.jsonl")" = "$n0"
"$BIN/twentejobs" import --db "$TMP/copy.db" "$TMP/e1.jsonl" 2>/dev/null
check "import exits 0" test $? = 0
"$BIN/twentejobs" export --db "$TMP/copy.db" --format jsonl >"$TMP/e2.jsonl"
check "export -> import -> export gives the same postings, states and history" \
	diff <(jq -cS 'del(.id)' "$TMP/e1.jsonl") <(jq -cS 'del(.id)' "$TMP/e2.jsonl")
check "history survives the round trip" test "$(jq '.history | length' "$TMP/e2.jsonl" | paste -sd+ | bc)" = 2
"$BIN/twentejobs" import --db "$TMP/copy.db" "$TMP/e1.jsonl" 2>"$TMP/imp2.err"
check "importing again skips what is there" grep -q "0 postings imported, $n0 already present" "$TMP/imp2.err"
printf '{"key": "x"}\nnot json\n' >"$TMP/bad.jsonl"
"$BIN/twentejobs" import --db "$TMP/copy.db" "$TMP/bad.jsonl" 2>"$TMP/bad.err"
check "a bad import names the file and line and changes nothing" \
	test $? = 1 -a "$(sqlite3 "$TMP/copy.db" "SELECT count(*) FROM jobs")" = "$n0"
check "the import error names the file and line 1" grep -q "bad.jsonl:1: " "$TMP/bad.err"
"$BIN/twentejobs" export --db "$DB" --format csv >"$TMP/e.csv"
check "csv export: a header and one row per posting" test "$(head -1 "$TMP/e.csv" | cut -d, -f1-3)" = "id,state,source"

# backup while the server reads the database
start_serve "$DB" || { fail "serve starts"; summary; exit 1; }
readers=()
for i in $(seq 20); do
	curl -fsS "$API/api/v1/jobs?q=phd" >/dev/null &
	readers+=($!)
done
"$BIN/twentejobs" backup --db "$DB" "$TMP/backup.db" 2>/dev/null
check "backup while serving exits 0" test $? = 0
wait "${readers[@]}"
check "the backup is intact" test "$(sqlite3 "$TMP/backup.db" "PRAGMA integrity_check")" = ok
check "the backup has every posting" test "$(sqlite3 "$TMP/backup.db" "SELECT count(*) FROM jobs")" = "$n0"
"$BIN/twentejobs" backup --db "$DB" "$TMP/backup.db" 2>/dev/null
check "backup refuses to overwrite" test $? = 1
summary
