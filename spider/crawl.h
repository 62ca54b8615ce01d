/*
 * crawl.h - the crawl: sources from rules/, polite multi-threaded fetching,
 * extraction, classification and storage, with a report per source.
 *
 * `twentejobs crawl` is cmd_crawl(); crawl_run() is the same as a function
 * for tests and benchmarks.
 */
#ifndef TJ_CRAWL_H
#define TJ_CRAWL_H

#include <stdbool.h>
#include <stddef.h>
#include "err.h"
#include "writer.h"

struct crawl_options {
	const char *db_path;
	const char *rules_dir;          /* default "rules" */
	const char *const *only;        /* source ids to crawl; NULL/0 = all */
	size_t n_only;
	int threads;                    /* 0 = from the core count */
	const char *const *resolve;     /* "HOST:PORT:ADDR" entries */
	size_t n_resolve;
	const char *demo_web;           /* "ADDR:PORT" of bin/demo-web, or NULL */
	long delay_ms;                  /* -1: the rule's delay_ms, else 2000 */
	long max_pages;                 /* -1: the rule's, else 500 */
	long timeout_ms;                /* 0: 30 s per request */
	const char *user_agent;         /* NULL: TwenteJobsBot/<version> (+<contact>) */
	long robots_max_age_s;          /* reuse a robots.txt answer fetched within this
					   many seconds by an earlier crawl: 0 = always
					   fetch; capped at 86400 (RFC 9309 2.4) */
	bool allow_private;
	bool quiet;
	bool progress;                  /* live status line (a terminal) */
};

/* Summary of a whole crawl, for the caller's exit status. */
struct crawl_summary {
	size_t sources, ok, failed;
	long pages, postings, errors, robots_blocked;
	bool interrupted;
	double wall_s;                  /* from the workers' start to the last commit */
	struct writer_stats writer;     /* how busy the one database writer was */
};

/* Run a crawl.  Returns TJ_OK when it ran (sources may still have failed:
 * see the summary), an error when it could not start (rules, database). */
enum tj_code crawl_run(const struct crawl_options *opt, struct crawl_summary *sum) TJ_WUR;

int cmd_crawl(int argc, char **argv);

#endif
