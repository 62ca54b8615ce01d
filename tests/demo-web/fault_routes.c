/*
 * fault_routes.c - the /__fault/ endpoints (hostile-server behaviour).
 *
 * Purpose: integration tests point crawl rules at these endpoints to check
 * timeouts, retry/backoff, redirect limits, size limits, decompression
 * limits, content-type checks, encoding robustness and trap detection.
 * They answer under "/__fault/..." on every host, and at the top level on
 * the dedicated host faults.demo.test (see dispatch.c).
 *
 * How it works: a table-free prefix match on the first path segment, then
 * one small handler per endpoint. Timing endpoints (slow, stall) sleep in
 * short slices and give up as soon as the server is stopping, because
 * mg_stop() waits for every worker thread. Page-shaped endpoints live in
 * fault_pages.c, the gzip bomb in gzip_bomb.c, the Brotli one in br_bomb.c.
 *
 * A slow or stalled request holds one of the 64 civetweb worker threads, so
 * both also stop waiting as soon as the client hangs up (peer_watch.c).
 *
 * Limits: if the client's socket cannot be identified the full time is
 * slept; a client that half-closes (shutdown(SHUT_WR)) right after sending
 * its request counts as gone.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* strptime, timegm, *_r, clock_gettime */
#endif

#include "fault_routes.h"

#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "clock_util.h"
#include "demo_app.h"
#include "fault_pages.h"
#include "br_bomb.h"
#include "gzip_bomb.h"
#include "http_reply.h"
#include "peer_watch.h"
#include "url_util.h"

static const char html_type[] = "text/html; charset=utf-8";

/* If sub is "/<name>" or "/<name>/...", return what follows the name
 * ("" or "/..."), else NULL. */
static const char *match_segment(const char *sub, const char *name)
{
	size_t len = strlen(name);

	if (sub[0] != '/' || strncmp(sub + 1, name, len) != 0) {
		return NULL;
	}
	if (sub[1 + len] == '\0' || sub[1 + len] == '/') {
		return sub + 1 + len;
	}
	return NULL;
}

static const char *const fault_names[] = {
    "slow",       "stall",         "status",   "retry-after", "503-retry",
    "redirect-loop", "redirect-host", "oversize", "gzip-bomb", "br-bomb", "wrong-type",
    "bad-utf8",   "calendar",      "page",     "links",       "deep",
    "reset",
};

int fault_routes_known(const char *sub)
{
	size_t i;

	for (i = 0; i < sizeof(fault_names) / sizeof(fault_names[0]); i++) {
		if (match_segment(sub, fault_names[i]) != NULL) {
			return 1;
		}
	}
	return 0;
}

static const char fault_index[] =
    "demo-web fault endpoints (under /__fault/ on any host, or at the top\n"
    "level on faults.demo.test):\n"
    "  /__fault/slow?ms=N                 wait N ms (default 1000, max 120000)\n"
    "  /__fault/stall?ms=N                headers + half the body, then stall\n"
    "                                     (default and max 30000 ms)\n"
    "  /__fault/status/NNN                answer status NNN (200..599)\n"
    "  /__fault/retry-after?s=N           429 with Retry-After: N (default 1)\n"
    "  /__fault/503-retry?s=N             503 with Retry-After: N (default 1)\n"
    "  /__fault/redirect-loop/N           302 to /__fault/redirect-loop/N+1\n"
    "  /__fault/redirect-host?to=H&path=P 302 to http://H/P\n"
    "  /__fault/oversize?mb=N&chunked=1   N MiB HTML (default 20, max 4096)\n"
    "  /__fault/gzip-bomb?mb=N            gzip body inflating to N MiB\n"
    "  /__fault/br-bomb?mb=N              Brotli body decoding to N MiB\n"
    "                                     (default 100, max 10240)\n"
    "  /__fault/wrong-type                PNG bytes labelled image/png\n"
    "  /__fault/bad-utf8                  HTML + JobPosting with invalid UTF-8\n"
    "  /__fault/calendar/YYYY-MM/         endless calendar (prev/next month)\n"
    "  /__fault/page/N/                   endless pagination (N+1)\n"
    "  /__fault/links?n=N                 N links to /__fault/links/item-K\n"
    "                                     (default 100, max 100000)\n"
    "  /__fault/deep?n=N                  <div> nested N deep (max 1000000)\n"
    "  /__fault/reset                     reset robots5xx-then-ok counter\n";

/* Sleep ms, but stop early when the server shuts down or the client hangs
 * up (see peer_watch.c for why the latter matters). Never returns early
 * otherwise, so "slow?ms=N" takes at least N ms. */
static void wait_or_give_up(struct demo_app *app, int fd, long ms)
{
	long left = ms;

	while (left > 0) {
		long step = left < 100 ? left : 100;

		if (clock_sleep_ms(step, &app->stopping) != 0 || peer_watch_gone(fd)) {
			return;
		}
		left -= step;
	}
}

static int fault_slow(struct demo_app *app, struct http_reply *r, const char *query)
{
	long ms;
	char body[128];
	int n;

	if (url_query_long(query, "ms", 1000, 0, 120000, &ms) != 0) {
		return reply_error(r, 400, "slow: ms must be 0..120000.");
	}
	wait_or_give_up(app, peer_watch_find(r->conn), ms);
	n = snprintf(body, sizeof(body), "<p>This answer took %ld ms.</p>", ms);
	if (n < 0 || (size_t)n >= sizeof(body)) {
		return -1;
	}
	return reply_page(r, 200, "Slow page", body);
}

static int fault_stall(struct demo_app *app, struct http_reply *r, const char *query)
{
	/* Promise 2048 bytes, deliver 1024, then go quiet. */
	enum { HALF = 1024 };
	static const char head[] =
	    "<!doctype html>\n<html><head><meta charset=\"utf-8\">"
	    "<title>Stalled page</title></head>\n<body>\n<p>";
	char body[HALF];
	long ms;
	int fd;

	if (url_query_long(query, "ms", 30000, 0, 30000, &ms) != 0) {
		return reply_error(r, 400, "stall: ms must be 0..30000.");
	}
	memset(body, 'x', sizeof(body));
	memcpy(body, head, sizeof(head) - 1);
	if (reply_start(r, 200) != 0
	    || reply_header(r, "Content-Type", html_type) != 0
	    || reply_end_headers(r, 2 * HALF) != 0
	    || reply_write(r, body, sizeof(body)) != 0 || reply_flush(r) != 0) {
		return -1;
	}
	fd = peer_watch_find(r->conn);
	wait_or_give_up(app, fd, ms);
	/* Never send the second half. Cut the connection so the client sees a
	 * truncated body right away (without this civetweb would keep the
	 * socket open for its keep-alive timeout, another 0.5 s). */
	peer_watch_cut(fd);
	return 0;
}

static int fault_status(struct http_reply *r, const char *rest)
{
	long code;
	char title[64];
	int n;

	if (rest[0] != '/' || url_parse_long(rest + 1, 200, 599, &code) != 0) {
		return reply_error(r, 400, "status: expected /__fault/status/NNN, 200..599.");
	}
	if (code == 204 || code == 304) {
		/* These must not carry a body. */
		if (reply_start(r, (int)code) != 0
		    || reply_end_headers(r, REPLY_NO_BODY) != 0) {
			return -1;
		}
		return 0;
	}
	n = snprintf(title, sizeof(title), "%ld %s", code, reply_reason((int)code));
	if (n < 0 || (size_t)n >= sizeof(title)) {
		return -1;
	}
	return reply_page(r, (int)code, title, "<p>Injected status.</p>");
}

struct retry_args {
	const char *title;
	const char *seconds;
};

static int gen_retry(struct http_reply *r, const void *arg)
{
	const struct retry_args *ra = arg;

	return reply_printf(r,
	                    "<!doctype html>\n<html><head><meta charset=\"utf-8\">"
	                    "<title>%s</title></head>\n<body><h1>%s</h1>\n"
	                    "<p>Retry after %s seconds.</p>\n</body></html>\n",
	                    ra->title, ra->title, ra->seconds);
}

static int fault_retry(struct http_reply *r, const char *query, int status)
{
	long s;
	char seconds[32];
	struct retry_args ra;
	int n;

	if (url_query_long(query, "s", 1, 0, 86400, &s) != 0) {
		return reply_error(r, 400, "retry: s must be 0..86400.");
	}
	n = snprintf(seconds, sizeof(seconds), "%ld", s);
	if (n < 0 || (size_t)n >= sizeof(seconds)) {
		return -1;
	}
	ra.title = status == 429 ? "429 Too Many Requests" : "503 Service Unavailable";
	ra.seconds = seconds;
	return reply_generated(r, status, html_type, "Retry-After", seconds,
	                       gen_retry, &ra);
}

static int fault_redirect_loop(struct http_reply *r, const char *rest)
{
	long n = 0;
	char location[64];
	int len;

	if (rest[0] == '/' && rest[1] != '\0') {
		char buf[32];
		size_t l = strlen(rest + 1);

		if (rest[l] == '/') {
			l--; /* tolerate a trailing slash */
		}
		if (l == 0 || l >= sizeof(buf)) {
			return reply_error(r, 400, "redirect-loop: expected /N.");
		}
		memcpy(buf, rest + 1, l);
		buf[l] = '\0';
		if (url_parse_long(buf, 0, LONG_MAX - 1, &n) != 0) {
			return reply_error(r, 400, "redirect-loop: expected /N.");
		}
	}
	len = snprintf(location, sizeof(location), "/__fault/redirect-loop/%ld", n + 1);
	if (len < 0 || (size_t)len >= sizeof(location)) {
		return -1;
	}
	return reply_redirect(r, 302, location);
}

/* Host[:port] made of DNS characters only; blocks header injection and
 * anything that is not a plain authority. */
static int valid_authority(const char *s)
{
	size_t i;

	if (s[0] == '\0' || strlen(s) > 255) {
		return 0;
	}
	for (i = 0; s[i] != '\0'; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
		      || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_'
		      || c == ':')) {
			return 0;
		}
	}
	return 1;
}

static int fault_redirect_host(struct http_reply *r, const char *query)
{
	char to[256];
	char path[2048];
	char location[2400];
	const char *p = path;
	size_t i;
	int has_path;
	int n;

	if (url_query_param(query, "to", to, sizeof(to)) != 1 || !valid_authority(to)) {
		return reply_error(r, 400, "redirect-host: need to=HOST[:PORT].");
	}
	has_path = url_query_param(query, "path", path, sizeof(path));
	if (has_path < 0) {
		return reply_error(r, 400, "redirect-host: bad path.");
	}
	if (has_path == 0) {
		path[0] = '\0';
	}
	for (i = 0; path[i] != '\0'; i++) {
		unsigned char c = (unsigned char)path[i];

		if (c <= 0x20 || c == 0x7f) {
			return reply_error(r, 400, "redirect-host: path must not contain "
			                           "spaces or control characters.");
		}
	}
	if (*p == '/') {
		p++;
	}
	n = snprintf(location, sizeof(location), "http://%s/%s", to, p);
	if (n < 0 || (size_t)n >= sizeof(location)) {
		return reply_error(r, 400, "redirect-host: too long.");
	}
	return reply_redirect(r, 302, location);
}

static int fault_gzip_bomb(struct demo_app *app, struct http_reply *r, const char *query)
{
	long mb;

	if (url_query_long(query, "mb", 100, 1, 10240, &mb) != 0) {
		return reply_error(r, 400, "gzip-bomb: mb must be 1..10240.");
	}
	if (reply_start(r, 200) != 0
	    || reply_header(r, "Content-Type", html_type) != 0
	    || reply_header(r, "Content-Encoding", "gzip") != 0
	    || reply_end_headers(r, (long long)gzip_bomb_size(&app->bomb,
	                                                      (unsigned long)mb))
	           != 0) {
		return -1;
	}
	if (r->head_only) {
		return 0;
	}
	return gzip_bomb_write(&app->bomb, r, (unsigned long)mb);
}

static int fault_br_bomb(struct http_reply *r, const char *query)
{
	long mb;

	if (url_query_long(query, "mb", 100, 1, 10240, &mb) != 0) {
		return reply_error(r, 400, "br-bomb: mb must be 1..10240.");
	}
	if (reply_start(r, 200) != 0
	    || reply_header(r, "Content-Type", html_type) != 0
	    || reply_header(r, "Content-Encoding", "br") != 0
	    || reply_end_headers(r, REPLY_CHUNKED) != 0) {
		return -1;
	}
	if (r->head_only) {
		return 0;
	}
	return br_bomb_write(r, (unsigned long)mb);
}

int fault_routes_serve(struct demo_app *app,
                       struct http_reply *r,
                       const char *sub,
                       const char *query)
{
	const char *rest;

	if (sub[0] == '\0' || strcmp(sub, "/") == 0) {
		return reply_text(r, 200, "text/plain; charset=utf-8", fault_index);
	}
	if ((rest = match_segment(sub, "slow")) != NULL && rest[0] == '\0') {
		return fault_slow(app, r, query);
	}
	if ((rest = match_segment(sub, "stall")) != NULL && rest[0] == '\0') {
		return fault_stall(app, r, query);
	}
	if ((rest = match_segment(sub, "status")) != NULL) {
		return fault_status(r, rest);
	}
	if ((rest = match_segment(sub, "retry-after")) != NULL && rest[0] == '\0') {
		return fault_retry(r, query, 429);
	}
	if ((rest = match_segment(sub, "503-retry")) != NULL && rest[0] == '\0') {
		return fault_retry(r, query, 503);
	}
	if ((rest = match_segment(sub, "redirect-loop")) != NULL) {
		return fault_redirect_loop(r, rest);
	}
	if ((rest = match_segment(sub, "redirect-host")) != NULL && rest[0] == '\0') {
		return fault_redirect_host(r, query);
	}
	if ((rest = match_segment(sub, "oversize")) != NULL && rest[0] == '\0') {
		return fault_page_oversize(r, query);
	}
	if ((rest = match_segment(sub, "gzip-bomb")) != NULL && rest[0] == '\0') {
		return fault_gzip_bomb(app, r, query);
	}
	if ((rest = match_segment(sub, "br-bomb")) != NULL && rest[0] == '\0') {
		return fault_br_bomb(r, query);
	}
	if (match_segment(sub, "wrong-type") != NULL) {
		/* Any suffix, so a link can look like "/__fault/wrong-type/job.html". */
		return fault_page_wrong_type(r);
	}
	if ((rest = match_segment(sub, "bad-utf8")) != NULL && rest[0] == '\0') {
		return fault_page_bad_utf8(r);
	}
	if ((rest = match_segment(sub, "calendar")) != NULL) {
		return fault_page_calendar(r, rest);
	}
	if ((rest = match_segment(sub, "page")) != NULL) {
		return fault_page_pagination(r, rest);
	}
	if ((rest = match_segment(sub, "links")) != NULL) {
		return fault_page_links(r, rest, query);
	}
	if ((rest = match_segment(sub, "deep")) != NULL && rest[0] == '\0') {
		return fault_page_deep(r, query);
	}
	if ((rest = match_segment(sub, "reset")) != NULL && rest[0] == '\0') {
		atomic_store(&app->robots_flaky_hits, 0u);
		return reply_text(r, 200, "text/plain", "reset\n");
	}
	return reply_error(r, 404, "No such fault endpoint; see /__fault/.");
}
