# lib.sh - shared helpers for integration tests (sourced, not run).
#
# Each test script takes the bin directory as $1, runs the real binaries
# against 127.0.0.1 only, counts checks with ok/fail, and ends with
# "N passed, M failed" (read by tests/run-all).

BIN=${1:-bin}
BIN=$(cd "$BIN" && pwd)
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tj-integ.XXXXXX")
PASS=0
FAIL=0
# sanitizer builds use several times the memory: memory bounds are checked
# only in the plain build
case "$BIN" in *asan* | *tsan*) SANITIZED=1 ;; *) SANITIZED=0 ;; esac
PIDS=()

cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
	if [ "$FAIL" = 0 ]; then rm -rf "$TMP"; else echo "kept $TMP"; fi
}
trap cleanup EXIT

ok() { PASS=$((PASS + 1)); echo "ok   $*"; }
fail() { FAIL=$((FAIL + 1)); echo "FAIL $*"; }
check() { # check "description" command...
	local what=$1
	shift
	if "$@"; then ok "$what"; else fail "$what"; fi
}
summary() {
	echo "$PASS passed, $FAIL failed"
	[ "$FAIL" = 0 ]
}

# wait_file FILE [SECONDS]: wait until FILE exists and is not empty
wait_file() {
	local i
	for ((i = 0; i < ${2:-10} * 20; i++)); do
		[ -s "$1" ] && return 0
		sleep 0.05
	done
	return 1
}

# start_demo_web [extra args...]: sets DEMO_PORT and DEMO_LOG
start_demo_web() {
	DEMO_LOG=$TMP/demo-web.log
	rm -f "$TMP/demo.port"
	"$BIN/demo-web" --listen 127.0.0.1:0 --port-file "$TMP/demo.port" --root "$ROOT/data/demo-web" \
		--log "$DEMO_LOG" --quiet "$@" 2>"$TMP/demo-web.err" &
	PIDS+=($!)
	wait_file "$TMP/demo.port" 10 || { echo "demo-web did not start"; cat "$TMP/demo-web.err"; return 1; }
	DEMO_PORT=$(cat "$TMP/demo.port")
}

# start_serve DB [extra args...]: sets API (base URL) and SERVE_PID
start_serve() {
	local db=$1 port try
	shift
	for try in 1 2 3 4 5; do
		port=$((20000 + RANDOM % 20000))
		"$BIN/twentejobs" serve --db "$db" --listen "127.0.0.1:$port" "$@" \
			>"$TMP/serve.out" 2>"$TMP/serve.err" &
		SERVE_PID=$!
		for ((i = 0; i < 100; i++)); do
			if curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then
				PIDS+=("$SERVE_PID")
				API="http://127.0.0.1:$port"
				return 0
			fi
			kill -0 "$SERVE_PID" 2>/dev/null || break
			sleep 0.05
		done
		kill "$SERVE_PID" 2>/dev/null
		wait "$SERVE_PID" 2>/dev/null
	done
	echo "serve did not start"; cat "$TMP/serve.err"
	return 1
}

# sql DB QUERY: one value
sql() { sqlite3 -batch -noheader "$1" "$2"; }
