#!/bin/bash
# api_abuse.sh - hostile requests against the real server: FTS5 syntax and
# SQL injection in every parameter, oversized query strings and headers,
# invalid UTF-8 and bad percent-encoding, NUL bytes, path traversal, bad
# limits and forged cursors, unknown parameters, every method on every
# route, and a slowloris client.
#
# Every response must be < 500, and every error body {"error":{"code",
# "message"}}.  After each group the server must still answer /healthz and
# a normal search.  Requests are bounded: curl --max-time, raw sockets
# under `timeout`, fixed loops.  The rate limiter is off (--rate 0) so the
# checks see the handlers, not 429s.
set -u
. "$(dirname "$0")/lib.sh"

DB=$TMP/t.db
T0=$SECONDS
start_demo_web || { fail "demo web starts"; summary; exit 1; }
"$BIN/twentejobs" crawl --db "$DB" --rules "$ROOT/rules" --demo-web "127.0.0.1:$DEMO_PORT" \
	--delay-ms 10 --threads 8 --no-progress >"$TMP/crawl.out" 2>"$TMP/crawl.err"
check "crawl of the demo web exits 0" test $? = 0
start_serve "$DB" --rate 0 --cors-origin http://app.example || { fail "serve starts"; summary; exit 1; }
ok "serve starts (crawl and start took $((SECONDS - T0)) s)"
PORT=${API##*:}
JOB_ID=$(curl -fsS --max-time 10 "$API/api/v1/jobs?limit=1" | jq -r '.results[0].id')

N=0         # requests sent
GBAD=0      # unexpected answers in the current group
bad() { GBAD=$((GBAD + 1)); echo "  unexpected: $*"; }

# json_error FILE: the body is {"error":{"code":string,"message":string}}
json_error() {
	jq -e '(.error.code | type == "string") and (.error.message | type == "string")' "$1" \
		>/dev/null 2>&1
}

# hit WANT WHAT curl-args...: WANT is an extended regex over the status
# ("000" is a dropped connection).  Any 5xx is unexpected whatever WANT says.
hit() {
	local want=$1 what=$2 code
	shift 2
	N=$((N + 1))
	: >"$TMP/b"
	code=$(curl -s --max-time 10 -o "$TMP/b" -D "$TMP/h" -w '%{http_code}' "$@")
	LAST=$code
	if [[ $code == 5* ]] || ! [[ $code =~ ^($want)$ ]]; then
		bad "$what: status $code (want $want) $(head -c 200 "$TMP/b")"
		return 1
	fi
	if [[ $code == 4* ]] && [ -s "$TMP/b" ] && ! json_error "$TMP/b"; then
		bad "$what: $code body is not a JSON error: $(head -c 200 "$TMP/b")"
		return 1
	fi
	return 0
}

# raw WANT WHAT BYTES: send BYTES (printf format) on a raw socket, read the
# status line; "000" when the server closes without answering
raw() {
	local want=$1 what=$2 fmt=$3 line code
	N=$((N + 1))
	line=$(timeout 10 bash -c 'exec 3<>/dev/tcp/127.0.0.1/'"$PORT"' || exit 1
		printf "'"$fmt"'" >&3; head -c 4096 <&3' 2>/dev/null | head -1 | tr -d '\r')
	code=$(echo "$line" | awk '{print $2}')
	code=${code:-000}
	if [[ $code == 5* && $want != *$code* ]] || ! [[ $code =~ ^($want)$ ]]; then
		bad "$what: status line '$line' (want $want)"
	fi
}

alive() {
	local body
	curl -fsS --max-time 10 -o /dev/null "$API/healthz" &&
		body=$(curl -fsS --max-time 10 "$API/api/v1/jobs?q=engineer&limit=5") &&
		[ "$(echo "$body" | jq '.total')" -ge 1 ]
}

# end_group NAME: one check for the group's answers, one that the server lives
end_group() {
	check "$1: all answers as expected" test "$GBAD" = 0
	check "$1: server still answers /healthz and a search" alive
	GBAD=0
}

check "normal search works before the abuse" alive

# ---- injection in every parameter ----------------------------------------
payloads=(
	"'" '"' '"""' "' OR '1'='1" "1; DROP TABLE jobs; --" "x' UNION SELECT sql FROM sqlite_master --"
	'NEAR(a b, 2)' 'title:engineer' 'engineer*' '^eng' 'a AND' 'OR' 'NOT x' 'a OR OR b'
	'(' ')' '")' '("' '-' '--' '-"' '*' '"*"' '{' '\' '%' '_' 'a"b' "$(printf 'tab\there')"
	'jobs_fts' '1e999' '-1' '0x7fffffffffffffff' '99999999999999999999' ',,,' 'en,,de,' 'null'
)
params=(q lang intl city employer level type remote posted_since sort limit cursor include_expired)
for p in "${params[@]}"; do
	for v in "${payloads[@]}"; do
		hit '200|400' "jobs $p=$v" -G --data-urlencode "$p=$v" "$API/api/v1/jobs"
	done
done
for p in q limit; do
	for v in "${payloads[@]}"; do
		hit '200|400' "suggest $p=$v" -G --data-urlencode "$p=$v" "$API/api/v1/suggest"
		hit '200|400' "feed $p=$v" -G --data-urlencode "$p=$v" "$API/api/v1/feed.atom"
	done
done
# the search text is data: injection attempts find nothing odd, and the table survives
hit '200' "q with SQL injection" -G --data-urlencode "q=x'); DELETE FROM jobs; --" "$API/api/v1/jobs"
check "jobs table intact after injection attempts" test "$(sql "$DB" "SELECT count(*) FROM jobs")" -ge 50
end_group "injection in every parameter ($N requests so far)"

# ---- oversized query strings and headers ---------------------------------
head -c 1048576 /dev/zero | tr '\0' a >"$TMP/1mb"
hit '4[0-9][0-9]|000' "1 MB q" -G --data-urlencode "q@$TMP/1mb" "$API/api/v1/jobs"
hit '4[0-9][0-9]|000' "1 MB suggest q" -G --data-urlencode "q@$TMP/1mb" "$API/api/v1/suggest"
hit '4[0-9][0-9]|000' "1 MB unknown parameter" -G --data-urlencode "zzz@$TMP/1mb" "$API/api/v1/jobs"
head -c 9000 /dev/zero | tr '\0' a >"$TMP/9k"
hit '414|4[0-9][0-9]|000' "9 kB q" -G --data-urlencode "q@$TMP/9k" "$API/api/v1/jobs"
head -c 1500 /dev/zero | tr '\0' a >"$TMP/1500"
hit '400' "q over SEARCH_MAX_QUERY" -G --data-urlencode "q@$TMP/1500" "$API/api/v1/jobs"
hit '200|400' "q with 200 terms" -G --data-urlencode "q=$(printf 'w%d ' $(seq 1 200))" "$API/api/v1/jobs"
{ printf 'X-Big: '; head -c 1048576 /dev/zero | tr '\0' b; echo; } >"$TMP/1mbh"
hit '4[0-9][0-9]|000' "1 MB header" -H "@$TMP/1mbh" "$API/api/v1/jobs?q=engineer"
for i in $(seq 1 200); do echo "X-H$i: $(head -c 100 /dev/zero | tr '\0' c)"; done >"$TMP/manyh"
hit '4[0-9][0-9]|000' "200 headers of 100 bytes" -H "@$TMP/manyh" "$API/api/v1/jobs"
hit '4[0-9][0-9]|000' "1 MB path" "$API/api/v1/$(head -c 1048576 /dev/zero | tr '\0' p | head -c 100000)"
hit '4[0-9][0-9]|000' "1 MB body" --data-binary "@$TMP/1mb" "$API/api/v1/jobs"
hit '4[0-9][0-9]|000' "GET with a 1 MB body" -X GET --data-binary "@$TMP/1mb" "$API/api/v1/jobs"
end_group "oversized requests"

# ---- encoding: invalid UTF-8, bad percent-encoding, NUL bytes -------------
for qs in 'q=%ff%fe' 'q=%c3%28' 'q=%ed%a0%80' 'q=%f8%88%80%80%80' 'q=%c0%af' 'q=%e2%82' \
	'q=%zz' 'q=%' 'q=%0' 'q=a%' 'q=%00' 'q=a%00b' 'q=%25' 'q=%2' '%zz=1' '%00=1' '=1' '&&&' \
	'q' 'q=' 'q==' 'q=a&q=b' 'lang=%ff' 'city=%00' 'employer=%c3' 'cursor=%00%ff' \
	'limit=%31%30' 'limit=1%00' 'sort=date%00' 'q=%e2%80%ae%e2%80%8b' 'q=+++' 'q=%20%20'; do
	hit '200|400' "jobs?$qs" "$API/api/v1/jobs?$qs"
	hit '200|400' "suggest?$qs" "$API/api/v1/suggest?$qs"
done
hit '200|400' "q in Latin-1" -G --data-urlencode "q=$(printf 'caf\xe9')" "$API/api/v1/jobs"
raw '400|404|000' "NUL byte in the path" 'GET /api/v1/jo\0bs HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'
raw '200|400|000' "NUL byte in the query" 'GET /api/v1/jobs?q=a\0b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'
raw '200|400|000' "NUL byte in a header" 'GET /api/v1/jobs HTTP/1.1\r\nHost: x\0y\r\nConnection: close\r\n\r\n'
raw '200|400|000' "raw 0xff in the query" 'GET /api/v1/jobs?q=\377\376 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'
raw '4[0-9][0-9]|000' "garbage request line" '\001\002\003 nonsense\r\n\r\n'
# 505 is RFC 9110's answer to an unsupported version: the one 5xx allowed
raw '4[0-9][0-9]|505|000' "HTTP/9.9" 'GET /healthz HTTP/9.9\r\nHost: x\r\nConnection: close\r\n\r\n'
raw '200|4[0-9][0-9]|000' "LF-only line ends" 'GET /healthz HTTP/1.1\nHost: x\nConnection: close\n\n'
raw '4[0-9][0-9]|000' "negative Content-Length" 'GET /api/v1/jobs HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\nConnection: close\r\n\r\n'
raw '4[0-9][0-9]|000' "huge Content-Length" 'GET /api/v1/jobs HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\nConnection: close\r\n\r\n'
raw '200|4[0-9][0-9]|000' "chunked GET" 'GET /api/v1/jobs HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n'
end_group "encoding"

# ---- path traversal -------------------------------------------------------
for path in '/api/v1/../../etc/passwd' '/api/v1/%2e%2e/%2e%2e/etc/passwd' '/%2e%2e%2f%2e%2e%2fetc%2fpasswd' \
	'/api/v1/jobs/..%2f..%2f..%2fetc%2fpasswd' '/api/v1/jobs/../../../../etc/passwd' '/..' '/.' '//etc/passwd' \
	'/api/v1/jobs/%00' '/api/v1/jobs/-1' '/api/v1/jobs/0' '/api/v1/jobs/99999999999999999999' \
	'/api/v1/jobs/1e3' '/api/v1/jobs/abc' '/api/v1/jobs/%2f' '/api/v1/jobs//' '/api/v1//jobs' \
	'/api/v1/jobs/1/2' '/api/v1/jobs/' '/API/V1/JOBS' '/api/v1/jobs%3fq=x' '/api/v1/jobs;q=x' \
	'/api/v1/openapi.json/..' '/metrics/../../etc/passwd' '/\\..\\..\\etc\\passwd'; do
	hit '200|301|302|400|404' "path $path" --path-as-is "$API$path"
	if grep -q 'root:' "$TMP/b"; then bad "path $path: served /etc/passwd"; fi
done
end_group "path traversal"

# ---- limits and cursors ----------------------------------------------------
for v in -1 0 101 1000 99999999999999999999 -99999999999999999999 abc 1.5 1e2 0x10 ' 5' '5 ' '+5' '' \
	2147483648 -2147483649 '5,6'; do
	want=400
	hit "$want" "jobs limit='$v'" -G --data-urlencode "limit=$v" "$API/api/v1/jobs"
	hit "$want" "suggest limit='$v'" -G --data-urlencode "limit=$v" "$API/api/v1/suggest"
done
hit 200 "jobs limit=100" "$API/api/v1/jobs?limit=100"
hit 200 "suggest limit=20" "$API/api/v1/suggest?q=en&limit=20"
hit 400 "suggest limit=21" "$API/api/v1/suggest?q=en&limit=21"
next=$(curl -fsS --max-time 10 "$API/api/v1/jobs?q=engineer&limit=1" | jq -r '.next_cursor // empty')
check "a real cursor comes back" test -n "$next"
hit 200 "the real cursor" -G --data-urlencode "cursor=$next" --data-urlencode q=engineer --data-urlencode limit=1 "$API/api/v1/jobs"
# forged: flipped characters, truncated, extended, other-query, base64 garbage
if [ -n "$next" ]; then
	first=${next:0:1}
	if [ "$first" = A ]; then flip=B; else flip=A; fi
	for c in "$flip${next:1}" "${next:0:${#next}-1}" "${next}A" "${next}${next}" "${next:0:4}"; do
		hit 400 "forged cursor $c" -G --data-urlencode "cursor=$c" --data-urlencode q=engineer "$API/api/v1/jobs"
	done
fi
for c in AAAA 'eyJrZXkiOjEsImlkIjoxfQ' '!!!!' '====' "$(head -c 600 /dev/zero | tr '\0' A)" '..' '%00' \
	'-1' "$(printf '%s' 'a.b.c')"; do
	hit 400 "forged cursor '${c:0:40}'" -G --data-urlencode "cursor=$c" "$API/api/v1/jobs"
done
hit 400 "cursor twice" "$API/api/v1/jobs?cursor=AAAA&cursor=BBBB"
end_group "limits and cursors"

# ---- unknown parameters ----------------------------------------------------
for p in foo Q qq 'q[]' 'limit ' '__proto__' "x';--" 'page' 'offset'; do
	for route in /api/v1/jobs /api/v1/suggest /api/v1/feed.atom /api/v1/employers /api/v1/sources /healthz; do
		enc=$(jq -rn --arg s "$p" '$s | @uri')
		if hit 400 "$route unknown parameter '$p'" "$API$route?$enc=1"; then
			jq -e --arg p "$p" '.error.message | contains("'"'"'" + $p + "'"'"'")' "$TMP/b" >/dev/null ||
				bad "$route '$p': message does not name the parameter: $(cat "$TMP/b")"
		fi
	done
done
hit 400 "unknown parameter on /api/v1/jobs/{id}" "$API/api/v1/jobs/$JOB_ID?x=1"
end_group "unknown parameters"

# ---- every method on every route --------------------------------------------
routes=(/api/v1/jobs "/api/v1/jobs/$JOB_ID" /api/v1/suggest /api/v1/feed.atom /api/v1/employers
	/api/v1/sources /api/v1/openapi.json /healthz /metrics /no/such/route)
for route in "${routes[@]}"; do
	if [ "$route" = /no/such/route ]; then get=404; else get=200; fi
	hit "$get" "GET $route" "$API$route"
	head_code=$(curl -s --max-time 10 -I -o /dev/null -w '%{http_code}' "$API$route")
	N=$((N + 1))
	[ "$head_code" = "$get" ] || bad "HEAD $route: status $head_code (want $get)"
	if [ "$route" = /no/such/route ]; then
		hit 404 "OPTIONS $route" -X OPTIONS -H 'Origin: http://app.example' "$API$route"
	else
		hit 204 "OPTIONS $route" -X OPTIONS -H 'Origin: http://app.example' \
			-H 'Access-Control-Request-Method: GET' "$API$route"
		grep -qi '^Access-Control-Allow-Origin: http://app.example' "$TMP/h" ||
			bad "OPTIONS $route: no Access-Control-Allow-Origin for an allowed origin"
		grep -qi '^Access-Control-Allow-Methods: .*GET' "$TMP/h" ||
			bad "OPTIONS $route: no Access-Control-Allow-Methods"
		hit 204 "OPTIONS $route (other origin)" -X OPTIONS -H 'Origin: http://evil.example' "$API$route"
		grep -qi '^Access-Control-Allow-Origin' "$TMP/h" &&
			bad "OPTIONS $route: Access-Control-Allow-Origin for a foreign origin"
	fi
	for m in POST PUT DELETE PATCH TRACE PROPFIND; do
		hit '405' "$m $route" -X "$m" "$API$route"
		grep -qi '^Allow: GET, HEAD, OPTIONS' "$TMP/h" || bad "$m $route: no Allow header"
	done
	hit '405|413' "POST $route with a body" --data 'q=engineer' "$API$route"
done
raw '400|405|501|000' "CONNECT" 'CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n'
raw '4[0-9][0-9]|000' "lower-case method" 'get /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'
raw '4[0-9][0-9]|000' "absolute-form to another host" 'GET http://169.254.169.254/latest/meta-data HTTP/1.1\r\nHost: 169.254.169.254\r\nConnection: close\r\n\r\n'
end_group "methods"

# ---- slowloris: 50 connections trickling a header every 0.5 s --------------
slow=()
for i in $(seq 1 50); do
	timeout 8 bash -c 'exec 3<>/dev/tcp/127.0.0.1/'"$PORT"' || exit 0
		printf "GET /api/v1/jobs?q=x HTTP/1.1\r\nHost: x\r\n" >&3
		for j in 1 2 3 4 5 6 7 8; do printf "X-Slow-%d: %d\r\n" $j $j >&3 2>/dev/null || exit 0; sleep 0.5; done' \
		2>/dev/null &
	slow+=($!)
done
sleep 1
t0=$(date +%s%N)
during=$(curl -s --max-time 30 -o /dev/null -w '%{http_code}' "$API/healthz")
t1=$(date +%s%N)
echo "  /healthz during slowloris: $during after $(((t1 - t0) / 1000000)) ms"
for p in "${slow[@]}"; do wait "$p" 2>/dev/null; done
check "server process survives slowloris" kill -0 "$SERVE_PID"
end_group "slowloris"

check "server stderr has no 5xx, crash or sanitizer report" \
	bash -c "! grep -E '\" 5[0-9][0-9] |AddressSanitizer|runtime error|database is locked' '$TMP/serve.err'"
echo "  $N hostile requests sent"
summary
