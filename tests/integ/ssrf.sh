#!/bin/bash
# ssrf.sh - the crawler never connects to a loopback/private address it
# was not told to use: not for a start URL, not for a link, not after a
# redirect.  --resolve HOST:PORT:ADDR allows ADDR for that HOST only;
# --allow-private allows everything.  (Every address used here is on
# 127.0.0.0/8; the guard refuses before connecting, so a broken guard
# would still only reach loopback.)
set -u
. "$(dirname "$0")/lib.sh"

WEB=$TMP/web
mkdir -p "$WEB/ssrf.demo.test" "$WEB/127.0.0.1" "$WEB/127.0.0.2" "$WEB/localhost"
"$BIN/demo-web" --listen 127.0.0.1:0 --port-file "$TMP/port" --root "$WEB" --log "$TMP/req.log" --quiet &
PIDS+=($!)
wait_file "$TMP/port" 10 || { fail "demo web starts"; summary; exit 1; }
P=$(cat "$TMP/port")
# 127.0.0.2 reaches the same server (it listens on 127.0.0.1 only, so a
# connection there would fail anyway - the log shows what got through)
cat >"$WEB/ssrf.demo.test/index.html" <<HTML
<html><body><h1>Jobs</h1>
<a href="http://127.0.0.1:$P/internal/">internal by address</a>
<a href="http://localhost:$P/admin/">internal by name</a>
<a href="/__fault/redirect-host?to=127.0.0.1:$P&amp;path=/after-redirect/">redirect inward</a>
<a href="/jobs/">jobs</a>
</body></html>
HTML
mkdir -p "$WEB/ssrf.demo.test/jobs" "$WEB/127.0.0.1/internal" "$WEB/localhost/admin" "$WEB/127.0.0.1/after-redirect"
echo "<html><body>jobs</body></html>" >"$WEB/ssrf.demo.test/jobs/index.html"
for d in 127.0.0.1/internal localhost/admin 127.0.0.1/after-redirect 127.0.0.1; do
	echo "<html><body>secret</body></html>" >"$WEB/$d/index.html"
done
mkdir -p "$TMP/rules" "$TMP/rules2"
cat >"$TMP/rules/ssrf.json" <<JSON
{ "id": "ssrf", "employer": "SSRF Lab", "start_urls": ["http://ssrf.demo.test:$P/"],
  "follow": ["^http://"], "verified": false }
JSON
cat >"$TMP/rules2/direct.json" <<JSON
{ "id": "direct", "employer": "Direct", "start_urls": ["http://127.0.0.1:$P/"],
  "follow": ["^http://"], "verified": false }
JSON
crawl() { "$BIN/twentejobs" crawl --db "$TMP/$1.db" --delay-ms 10 --no-progress --timeout-ms 3000 "${@:2}" >/dev/null 2>"$TMP/$1.err"; }
hosts_seen() { awk -F'\t' '{ print $3 }' "$TMP/req.log" | sort -u | paste -sd' '; }

crawl mapped --rules "$TMP/rules" --resolve "ssrf.demo.test:$P:127.0.0.1"
check "mapped host crawled" grep -q 'ssrf.demo.test' <<<"$(hosts_seen)"
check "links to 127.0.0.1 and localhost never requested (saw: $(hosts_seen))" test "$(hosts_seen)" = ssrf.demo.test
check "the inward redirect was answered but its target never requested" \
	test "$(grep -c 'redirect-host' "$TMP/req.log")" = 1 -a "$(awk -F'\t' '$5 == "/after-redirect/"' "$TMP/req.log" | wc -l)" = 0
check "refusals reported as forbidden_address" grep -q forbidden_address <<<"$("$BIN/twentejobs" sources --db "$TMP/mapped.db" --json)"

: >"$TMP/req.log"
crawl direct --rules "$TMP/rules2"
check "an unmapped loopback start URL is never requested" test ! -s "$TMP/req.log"
check "and the source reports why" grep -q forbidden_address <<<"$("$BIN/twentejobs" sources --db "$TMP/direct.db" --json)"

: >"$TMP/req.log"
crawl allowed --rules "$TMP/rules2" --allow-private
check "--allow-private lets it through" grep -q '127.0.0.1' <<<"$(hosts_seen)"
summary
