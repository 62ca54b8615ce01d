#!/usr/bin/env bash
# smoke.sh - end-to-end smoke test of the demo-web fixture server.
#
# Usage: tests/demo-web/smoke.sh path/to/demo-web
#
# Starts the server on a free loopback port (--listen 127.0.0.1:0 with
# --port-file, so there is no race on the port) against a throw-away root it
# creates, checks a set of behaviours with curl, stops the server with
# SIGTERM and prints "N passed, M failed" as its last line. Exit status is 0
# only when nothing failed. Needs bash, curl, gzip, awk.

set -u

BIN=${1:-}
if [[ -z "$BIN" || ! -x "$BIN" ]]; then
	echo "usage: $0 path/to/demo-web" >&2
	echo "0 passed, 1 failed"
	exit 2
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/demo-web-smoke.XXXXXX")
PID=""
PASS=0
FAIL=0

cleanup() {
	if [[ -n "$PID" ]] && kill -0 "$PID" 2>/dev/null; then
		kill -TERM "$PID" 2>/dev/null
		wait "$PID" 2>/dev/null
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT

ok() {
	PASS=$((PASS + 1))
	echo "ok   - $1"
}
bad() {
	FAIL=$((FAIL + 1))
	echo "FAIL - $1${2:+ ($2)}"
}
# expect NAME WANTED GOT
expect() {
	if [[ "$3" == "$2" ]]; then ok "$1"; else bad "$1" "want '$2', got '$3'"; fi
}

# --- a tiny static tree ---------------------------------------------------
SITE="$TMP/root/www.example.test"
mkdir -p "$SITE/jobs" "$TMP/round2/www.example.test/jobs"
printf '<!doctype html><title>Home</title><a href="/jobs/">jobs</a>\n' >"$SITE/index.html"
printf '<!doctype html><title>Jobs</title>SMOKE-ROUND-1\n' >"$SITE/jobs/index.html"
printf '<!doctype html><title>Job 1</title>\n' >"$SITE/jobs/job-1.html"
printf 'User-agent: *\nDisallow: /private/\n' >"$SITE/robots.txt"
printf '<!doctype html><title>Jobs</title>SMOKE-ROUND-2\n' >"$TMP/round2/www.example.test/jobs/index.html"
touch "$TMP/round2/www.example.test/jobs/job-1.html.gone"

# --- start ------------------------------------------------------------------
"$BIN" --listen 127.0.0.1:0 --root "$TMP/root" --log "$TMP/requests.log" \
	--state "$TMP/state" --port-file "$TMP/port" --quiet 2>"$TMP/stderr" &
PID=$!
for _ in $(seq 1 100); do
	[[ -s "$TMP/port" ]] && break
	kill -0 "$PID" 2>/dev/null || break
	sleep 0.05
done
if [[ ! -s "$TMP/port" ]]; then
	bad "server starts and writes --port-file" "$(cat "$TMP/stderr")"
	echo "$PASS passed, $FAIL failed"
	exit 1
fi
PORT=$(cat "$TMP/port")
BASE="http://127.0.0.1:$PORT"
ok "server listening on port $PORT"

HOST='Host: www.example.test'
# code [curl args...] -> HTTP status code only
code() { curl -s -o /dev/null --max-time 10 -w '%{http_code}' "$@"; }
# header NAME [curl args...] -> value of one response header
header() {
	local name=$1
	shift
	curl -s -o /dev/null --max-time 10 -D - "$@" | tr -d '\r' |
		awk -v n="$(echo "$name" | tr 'A-Z' 'a-z')" \
			'BEGIN{FS=": "} tolower($1)==n {sub(/^[^:]*: /, ""); print; exit}'
}

# --- static files -----------------------------------------------------------
body=$(curl -s --max-time 10 -H "$HOST" "$BASE/jobs/")
[[ "$body" == *SMOKE-ROUND-1* ]] && ok "GET /jobs/ serves jobs/index.html" ||
	bad "GET /jobs/ serves jobs/index.html" "$body"
expect "HTML Content-Type" "text/html; charset=utf-8" "$(header Content-Type -H "$HOST" "$BASE/")"
expect "robots.txt is text/plain" "text/plain" "$(header Content-Type -H "$HOST" "$BASE/robots.txt")"
expect "Host with port and upper case" "200" "$(code -H 'Host: WWW.Example.TEST:8080' "$BASE/")"
expect "query string ignored for lookup" "200" "$(code -H "$HOST" "$BASE/jobs/job-1.html?utm_source=x")"
expect "directory without slash -> 301" "301" "$(code -H "$HOST" "$BASE/jobs")"
expect "301 Location keeps query" "/jobs/?a=1" "$(header Location -H "$HOST" "$BASE/jobs?a=1")"
expect "missing page -> 404" "404" "$(code -H "$HOST" "$BASE/nope.html")"
expect "unknown host -> 404" "404" "$(code -H 'Host: unknown.example' "$BASE/")"
expect "POST -> 405" "405" "$(code -X POST -d x -H "$HOST" "$BASE/")"
expect "HEAD has Content-Length" "$(stat -c %s "$SITE/index.html")" "$(header Content-Length -I -H "$HOST" "$BASE/")"

# --- conditional GET ----------------------------------------------------------
ETAG=$(header ETag -H "$HOST" "$BASE/jobs/")
LM=$(header Last-Modified -H "$HOST" "$BASE/jobs/")
[[ -n "$ETAG" && -n "$LM" ]] && ok "ETag and Last-Modified sent" || bad "ETag and Last-Modified sent"
expect "If-None-Match -> 304" "304" "$(code -H "$HOST" -H "If-None-Match: $ETAG" "$BASE/jobs/")"
expect "If-Modified-Since -> 304" "304" "$(code -H "$HOST" -H "If-Modified-Since: $LM" "$BASE/jobs/")"
expect "stale If-None-Match -> 200" "200" "$(code -H "$HOST" -H 'If-None-Match: "stale"' "$BASE/jobs/")"

# --- path traversal -----------------------------------------------------------
expect "raw ../ -> 400" "400" "$(code --path-as-is -H "$HOST" "$BASE/jobs/../../etc/passwd")"
expect "encoded %2e%2e -> 400" "400" "$(code -H "$HOST" "$BASE/%2e%2e/%2e%2e/etc/passwd")"
expect "encoded NUL -> 400" "400" "$(code -H "$HOST" "$BASE/index.html%00.txt")"
expect "backslash -> 400" "400" "$(code -H "$HOST" "$BASE/jobs%5c..%5cx")"
expect "Host traversal -> 400" "400" "$(code -H 'Host: ..' "$BASE/")"

# --- faults and robots hosts ----------------------------------------------------
expect "/__fault/status/503" "503" "$(code "$BASE/__fault/status/503")"
expect "faults.demo.test/status/410" "410" "$(code -H 'Host: faults.demo.test' "$BASE/status/410")"
expect "retry-after header" "7" "$(header Retry-After "$BASE/__fault/retry-after?s=7")"
expect "redirect-loop Location" "/__fault/redirect-loop/4" "$(header Location "$BASE/__fault/redirect-loop/3")"
expect "redirect-host Location" "http://other.test/x/y" "$(header Location "$BASE/__fault/redirect-host?to=other.test&path=/x/y")"
start=$(date +%s%N)
slow_code=$(code "$BASE/__fault/slow?ms=300")
elapsed=$((($(date +%s%N) - start) / 1000000))
[[ "$slow_code" == 200 && $elapsed -ge 300 ]] && ok "slow?ms=300 took ${elapsed} ms" ||
	bad "slow?ms=300" "code $slow_code after ${elapsed} ms"
curl -s --max-time 10 -o "$TMP/bomb.gz" "$BASE/__fault/gzip-bomb?mb=5"
bomb_size=$(gzip -dc <"$TMP/bomb.gz" 2>/dev/null | wc -c)
expect "gzip-bomb inflates to 5 MiB" "5242880" "$bomb_size"
expect "robots503 robots.txt" "503" "$(code -H 'Host: robots503.demo.test' "$BASE/robots.txt")"
flaky1=$(code -H 'Host: robots5xx-then-ok.demo.test' "$BASE/robots.txt")
flaky2=$(code -H 'Host: robots5xx-then-ok.demo.test' "$BASE/robots.txt")
expect "robots5xx-then-ok: 503 then 200" "503 200" "$flaky1 $flaky2"

# --- live-change mode -------------------------------------------------------------
echo "$TMP/round2" >"$TMP/state"
body=$(curl -s --max-time 10 -H "$HOST" "$BASE/jobs/")
[[ "$body" == *SMOKE-ROUND-2* ]] && ok "--state override served" || bad "--state override served" "$body"
expect "--state .gone -> 404" "404" "$(code -H "$HOST" "$BASE/jobs/job-1.html")"
expect "--state falls back to root" "200" "$(code -H "$HOST" "$BASE/robots.txt")"
: >"$TMP/state"
body=$(curl -s --max-time 10 -H "$HOST" "$BASE/jobs/")
[[ "$body" == *SMOKE-ROUND-1* ]] && ok "empty state file -> back to root" || bad "empty state file -> back to root" "$body"

# --- request log ----------------------------------------------------------------------
LOG="$TMP/requests.log"
lines=$(wc -l <"$LOG")
bad_lines=$(awk -F'\t' 'NF != 7 || $7 !~ /^[0-9]+$/ || $1 !~ /^[0-9]+$/ || length($1) != 13 || $2 + 0 < $1 + 0 || $6 !~ /^[1-5][0-9][0-9]$/' "$LOG" | wc -l)
[[ $lines -ge 30 && $bad_lines -eq 0 ]] && ok "request log: $lines well-formed lines" ||
	bad "request log well-formed" "$lines lines, $bad_lines malformed"
awk -F'\t' '$3 == "www.example.test" && $4 == "GET" &&
	$5 == "/jobs/job-1.html?utm_source=x" && $6 == "200" {f = 1} END {exit !f}' "$LOG" &&
	ok "log line has host, method, path?query, status" ||
	bad "log line has host, method, path?query, status"
awk -F'\t' '$5 ~ /slow\?ms=300/ && $2 - $1 >= 300 {found=1} END {exit !found}' "$LOG" &&
	ok "log end_ms - start_ms covers the slow request" || bad "log timing of slow request"

# --- shutdown ------------------------------------------------------------------------
kill -TERM "$PID"
wait "$PID"
rc=$?
PID=""
expect "SIGTERM -> exit 0" "0" "$rc"

echo "$PASS passed, $FAIL failed"
[[ $FAIL -eq 0 ]]
