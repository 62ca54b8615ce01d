/*
 * robots_hosts.c - synthetic sites with misbehaving robots.txt.
 *
 * Purpose: let integration tests check how the crawler reacts to robots.txt
 * failures (RFC 9309: 4xx means "no rules", 5xx means "assume full
 * disallow"), Crawl-delay and Disallow rules, and a transient 5xx.
 *
 * How it works: four fixed host names, no files on disk:
 *   robots503.demo.test          /robots.txt -> 503
 *   robots404.demo.test          /robots.txt -> 404
 *   robotsdelay.demo.test        /robots.txt -> Crawl-delay: 1,
 *                                               Disallow: /private/
 *   robots5xx-then-ok.demo.test  /robots.txt -> 503 the first time, then an
 *                                               allow-all file
 * Any other path on these hosts is a small HTML page linking to /a/, /b/
 * and /private/x/, so a crawl always has somewhere (forbidden) to go.
 * The "first time" counter lives in struct demo_app and is reset by
 * /__fault/reset.
 *
 * Limits: the counter is per server process, not per client.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* strptime, timegm, *_r, clock_gettime */
#endif

#include "robots_hosts.h"

#include <stdatomic.h>
#include <string.h>

#include "demo_app.h"
#include "http_reply.h"

enum robots_kind {
	ROBOTS_NONE = 0,
	ROBOTS_503,
	ROBOTS_404,
	ROBOTS_DELAY,
	ROBOTS_FLAKY
};

static enum robots_kind kind_of(const char *host)
{
	if (strcmp(host, "robots503.demo.test") == 0) {
		return ROBOTS_503;
	}
	if (strcmp(host, "robots404.demo.test") == 0) {
		return ROBOTS_404;
	}
	if (strcmp(host, "robotsdelay.demo.test") == 0) {
		return ROBOTS_DELAY;
	}
	if (strcmp(host, "robots5xx-then-ok.demo.test") == 0) {
		return ROBOTS_FLAKY;
	}
	return ROBOTS_NONE;
}

int robots_hosts_match(const char *host)
{
	return kind_of(host) != ROBOTS_NONE;
}

static int gen_link_page(struct http_reply *r, const void *arg)
{
	const char *path = arg;

	if (reply_print(r,
	                "<!doctype html>\n<html><head><meta charset=\"utf-8\">"
	                "<title>Robots test page ")
	        != 0
	    || reply_escaped(r, path) != 0
	    || reply_print(r,
	                   "</title></head>\n<body><h1>Robots test page</h1>\n"
	                   "<ul>\n<li><a href=\"/a/\">A</a></li>\n"
	                   "<li><a href=\"/b/\">B</a></li>\n"
	                   "<li><a href=\"/private/x/\">Private X</a></li>\n"
	                   "</ul>\n</body></html>\n")
	           != 0) {
		return -1;
	}
	return 0;
}

int robots_hosts_serve(struct demo_app *app,
                       struct http_reply *r,
                       const char *host,
                       const char *path)
{
	enum robots_kind kind = kind_of(host);

	if (strcmp(path, "/robots.txt") != 0) {
		return reply_generated(r, 200, "text/html; charset=utf-8", NULL, NULL,
		                       gen_link_page, path);
	}
	switch (kind) {
	case ROBOTS_503:
		return reply_text(r, 503, "text/plain", "robots.txt unavailable\n");
	case ROBOTS_404:
		return reply_text(r, 404, "text/plain", "no robots.txt here\n");
	case ROBOTS_DELAY:
		return reply_text(r, 200, "text/plain",
		                  "User-agent: *\nCrawl-delay: 1\nDisallow: /private/\n");
	case ROBOTS_FLAKY:
		/* fetch_add returns the old value: 0 only for the very first. */
		if (atomic_fetch_add(&app->robots_flaky_hits, 1u) == 0) {
			return reply_text(r, 503, "text/plain",
			                  "robots.txt temporarily unavailable\n");
		}
		return reply_text(r, 200, "text/plain", "User-agent: *\nDisallow:\n");
	case ROBOTS_NONE:
	default:
		return reply_text(r, 404, "text/plain", "not found\n");
	}
}
