#!/bin/bash
# api_cache.sh - the response cache over real HTTP: a repeated request is
# answered from the cache with the same bytes (plain and gzip), and a
# crawl that commits while the server runs makes every cached answer stale
# at once - the next request sees the new postings.  --cache-mb 0 turns it
# off.
set -u
. "$(dirname "$0")/lib.sh"

start_demo_web || { fail "demo web starts"; summary; exit 1; }
DB=$TMP/c.db
crawl() {
	"$BIN/twentejobs" crawl --db "$DB" --rules "$ROOT/rules" --demo-web "127.0.0.1:$DEMO_PORT" \
		--delay-ms 10 --no-progress --quiet "$@"
}
crawl --source utwente
check "first crawl ok" test $? = 0
start_serve "$DB" --rate 0 || { fail "serve starts"; summary; exit 1; }
hits() { curl -fsS "$API/metrics" | sed -n 's/^twentejobs_response_cache_requests_total{outcome="hit"} //p'; }
misses() { curl -fsS "$API/metrics" | sed -n 's/^twentejobs_response_cache_requests_total{outcome="miss"} //p'; }

q="$API/api/v1/jobs?q=engineer&limit=50"
a=$(curl -fsS "$q")
h0=$(hits)
b=$(curl -fsS "$q")
check "a repeated search is a cache hit" test "$(hits)" = $((h0 + 1))
check "the hit has the same bytes" test "$a" = "$b"
gz1=$(curl -fsS --compressed "$q")
gz2=$(curl -fsS --compressed "$q")
check "gzip answers from the cache decode to the same bytes" test "$gz1" = "$a" -a "$gz2" = "$a"
etag=$(curl -fsS -D - -o /dev/null "$q" | tr -d '\r' | sed -n 's/^ETag: //Ip')
check "a cached answer revalidates: If-None-Match -> 304" \
	test "$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$q")" = 304
check "other parameters are another entry" \
	test "$(curl -fsS "$API/api/v1/jobs?q=engineer&limit=49" | jq '.results | length')" -le 49
n1=$(echo "$a" | jq '.total')
e1=$(curl -fsS "$API/api/v1/employers" | jq '.employers | length')

# a crawl commits while the server runs: nothing stale may be served
crawl --source demcon --source xsens
check "second crawl ok" test $? = 0
m0=$(misses)
c=$(curl -fsS "$q")
n2=$(echo "$c" | jq '.total')
check "after the crawl the search sees the new postings ($n1 -> $n2)" test "$n2" -gt "$n1"
check "... because the old answer was stale: a miss" test "$(misses)" -gt "$m0"
check "the employer directory too" test "$(curl -fsS "$API/api/v1/employers" | jq '.employers | length')" -gt "$e1"
d=$(curl -fsS "$q")
check "and the new answer is cached again" test "$d" = "$c"

kill "$SERVE_PID"; wait "$SERVE_PID" 2>/dev/null
start_serve "$DB" --rate 0 --cache-mb 0 || { fail "serve --cache-mb 0 starts"; summary; exit 1; }
q="$API/api/v1/jobs?q=engineer&limit=50"
check "--cache-mb 0: searches still answer" test "$(curl -fsS "$q" | jq '.total')" = "$n2"
check "--cache-mb 0: the same again" test "$(curl -fsS "$q")" = "$c"
check "--cache-mb 0: no cache" test -z "$(curl -fsS "$API/metrics" | grep response_cache)"
check "--cache-mb -1 is a usage error" \
	test "$("$BIN/twentejobs" serve --db "$DB" --cache-mb -1 >/dev/null 2>&1; echo $?)" = 2
summary
