#!/bin/bash
# api_slow_clients.sh - slow clients against the real server (slowloris).
#
# civetweb ties a worker thread to a client connection while it is open, so
# the server's defences are (api/README.md, "Slow clients"): enough threads
# that slow connections do not take them all, one deadline for a request's
# headers however they trickle in, a short keep-alive idle time, and
# database connections that only requests being computed hold.  Each is
# checked as behaviour, never as a duration: the slow clients here trickle
# far longer than any deadline the server is given, and every wait is
# bounded (curl --max-time, `timeout`).
set -u
. "$(dirname "$0")/lib.sh"

DB=$TMP/empty.db     # serve creates and migrates it; no postings needed
PORT=

# slow_client NAME SECONDS: open a connection, send a request line and one
# header, then one more header line every 0.2 s for SECONDS.  Writes the
# first line the server answers (or nothing) to $TMP/NAME.answer, and
# creates $TMP/NAME.done only if the client got to the end of its trickle
# before the server ended the connection.
slow_client() {
	local name=$1 secs=$2
	timeout $((secs + 10)) bash -c '
		exec 3<>/dev/tcp/127.0.0.1/'"$PORT"' || exit 1
		printf "GET /healthz HTTP/1.1\r\nHost: x\r\n" >&3
		(for ((j = 0; j < '"$secs"' * 5; j++)); do
			printf "X-Slow-%d: %d\r\n" $j $j >&3 2>/dev/null || exit 0
			sleep 0.2
		done; : >"'"$TMP/$name"'.done") &
		head -n 1 <&3 | tr -d "\r" >"'"$TMP/$name"'.answer"
		kill $! 2>/dev/null
		exit 0' 2>/dev/null &
	SLOW+=($!)
}

# ---- more slow clients than a small server would have threads ---------------
# 12 clients that would trickle for a minute against 16 threads, with a
# 60 s header deadline: they hold 12 threads the whole time, and everyone
# else is still served by the other four.
start_serve "$DB" --rate 0 --threads 16 --request-timeout 60000 ||
	{ fail "serve starts"; summary; exit 1; }
PORT=${API##*:}
SLOW=()
for i in $(seq 1 12); do slow_client "held$i" 60; done
sleep 1
held=0
for i in $(seq 1 12); do [ -s "$TMP/held$i.answer" ] || held=$((held + 1)); done
check "12 slow clients are connected and unanswered" test "$held" = 12
code=$(curl -s --max-time 10 -o "$TMP/h.json" -w '%{http_code}' "$API/healthz")
check "/healthz answers 200 while 12 slow clients hold 12 of 16 threads" test "$code" = 200
code=$(curl -s --max-time 10 -o "$TMP/s.json" -w '%{http_code}' "$API/api/v1/jobs?q=engineer")
check "a search answers 200 meanwhile" test "$code" = 200
# 6 clients with 3 searches each share the pool of database connections
# (2 per CPU by default) while the slow clients still hold their threads
for i in $(seq 1 6); do
	curl -s --max-time 20 -o /dev/null -o /dev/null -o /dev/null -w '%{http_code}\n' \
		"$API/api/v1/jobs?q=a$i" "$API/api/v1/jobs?q=b$i" "$API/api/v1/jobs?q=c$i" >"$TMP/par$i" &
	SLOW+=($!)
done
wait "${SLOW[@]: -6}" 2>/dev/null
check "18 searches from 6 parallel clients all answer 200" \
	test "$(cat "$TMP"/par[1-6] | grep -c '^200$')" = 18
for i in $(seq 1 12); do [ -e "$TMP/held$i.done" ] && held=$((held - 1)); done
check "the slow clients were still trickling" test "$held" = 12
for p in "${SLOW[@]}"; do kill "$p" 2>/dev/null; done
for p in "${SLOW[@]}"; do wait "$p" 2>/dev/null; done
kill "$SERVE_PID"
wait "$SERVE_PID" 2>/dev/null

# ---- the header deadline ends slow connections --------------------------------
# 10 clients that would trickle for 30 s against 4 threads and a 1 s
# deadline: the server answers each (400) and closes it long before its
# trickle ends, so the threads come back and /healthz is served.
start_serve "$DB" --rate 0 --threads 4 --request-timeout 1000 ||
	{ fail "serve starts"; summary; exit 1; }
PORT=${API##*:}
SLOW=()
for i in $(seq 1 10); do slow_client "cut$i" 30; done
code=$(curl -s --max-time 25 -o /dev/null -w '%{http_code}' "$API/healthz")
check "/healthz answers 200 with 10 slow clients and 4 threads" test "$code" = 200
for p in "${SLOW[@]}"; do wait "$p" 2>/dev/null; done
cut=0 answered=0
for i in $(seq 1 10); do
	[ -e "$TMP/cut$i.done" ] || cut=$((cut + 1))
	grep -q '^HTTP/1.1 400' "$TMP/cut$i.answer" 2>/dev/null && answered=$((answered + 1))
done
check "the server ended all 10 slow connections before they finished" test "$cut" = 10
check "each got a 400 answer, not a silent close" test "$answered" = 10

# ---- an idle kept-alive connection is closed ----------------------------------
# one complete request, then silence: the server answers and closes the
# connection (keep_alive_timeout_ms) rather than keep a thread for it
timeout 20 bash -c 'exec 3<>/dev/tcp/127.0.0.1/'"$PORT"' || exit 1
	printf "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n" >&3
	cat <&3 >"'"$TMP"'/idle.out"' 2>/dev/null
rc=$?
check "an idle kept-alive connection is closed by the server" test "$rc" = 0
check "... after its request was answered" grep -q '^HTTP/1.1 200' "$TMP/idle.out"

code=$(curl -s --max-time 10 -o /dev/null -w '%{http_code}' "$API/healthz")
check "/healthz answers 200 afterwards" test "$code" = 200
check "server stderr has no 5xx, crash or sanitizer report" \
	bash -c "! grep -E '\" 5[0-9][0-9] |AddressSanitizer|ThreadSanitizer|runtime error' '$TMP/serve.err'"
summary
