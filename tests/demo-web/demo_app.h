/*
 * demo_app.h - the one context object shared by all demo-web modules.
 *
 * Purpose: main() owns a single struct demo_app and hands it to civetweb as
 * the server user data; every request handler reaches it through
 * mg_get_user_data(). This keeps the program free of mutable globals.
 *
 * How it works: everything in here is written once by main() before
 * mg_start() and is read-only afterwards, except the fields explicitly marked
 * as atomic (those are touched by worker threads) and the request log, which
 * has its own mutex.
 *
 * Limits: header only; there is nothing to initialise besides what main.c does.
 */
#ifndef DEMO_APP_H
#define DEMO_APP_H

#include <stdatomic.h>

#include "gzip_bomb.h"
#include "request_log.h"

struct demo_app {
	const char *root;       /* static tree: ROOT/<host>/<path> */
	const char *state_file; /* --state FILE, or NULL (no live-change mode) */
	struct request_log *log; /* --log FILE, or NULL */
	struct gzip_bomb bomb;  /* precomputed deflate segment, read-only */

	/* Set by main() just before mg_stop() so that sleeping handlers (slow,
	 * stall) return promptly; mg_stop() waits for every worker thread. */
	atomic_int stopping;

	/* How many times /robots.txt was asked from robots5xx-then-ok.demo.test
	 * since start (or since /__fault/reset). The first one gets a 503. */
	atomic_uint robots_flaky_hits;
};

#endif
