/*
 * frontier.h - the crawl's to-do list: per-host FIFO queues, a seen-set,
 * and the politeness schedule that decides which host may be fetched next.
 *
 * Politeness lives here because it is a scheduling property: a host is
 * handed to at most one worker at a time ("busy"), and not again until
 * its next_ok time, which the worker sets when it reports the request
 * done (end of request + delay).  So no two requests to one host overlap
 * or come closer than the delay, however many workers run.
 *
 * Before a host's first page the frontier hands out a ROBOTS item: the
 * worker fetches robots.txt and stores the parsed policy with
 * frontier_set_robots(); pages of that host wait until then.
 *
 * Thread-safe: every function takes the frontier's mutex; frontier_next()
 * blocks on a condition variable until an item is ready.
 */
#ifndef TJ_FRONTIER_H
#define TJ_FRONTIER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include "err.h"

struct robots;

enum item_kind { ITEM_PAGE, ITEM_ROBOTS };

#define ITEM_F_SITEMAP 1u      /* fetch as a sitemap, not as a page */
#define ITEM_F_FEED 2u         /* fetch as the source's ATS feed (spider/feeds.h) */

struct frontier_item {
	enum item_kind kind;
	char *url;              /* owned by the item */
	char *host;             /* owned; lowercase host[:port] key */
	int source;             /* index of the source (rule) */
	int depth;
	int hops;               /* redirects followed to reach it */
	unsigned flags;         /* ITEM_F_* */
	bool host_dead;         /* the host was given up: skip, don't fetch */
	const struct robots *robots; /* the host's policy (borrowed; valid until frontier_free) */
};

void frontier_item_release(struct frontier_item *it);

struct frontier;

enum tj_code frontier_new(struct frontier **out) TJ_WUR;
void frontier_free(struct frontier *f);        /* frees robots policies too */

/*
 * Queue url (already normalised) for a source, unless it was seen before
 * in this crawl.  *added tells which.  Copies its arguments.
 */
enum tj_code frontier_add(struct frontier *f, const char *url, const char *host, int source,
			  int depth, int hops, unsigned flags, bool *added) TJ_WUR;

/* Mark a URL as seen without queueing it (e.g. finished before a resume). */
enum tj_code frontier_mark_seen(struct frontier *f, const char *url) TJ_WUR;

/* Raise the host's minimum delay between requests to at least delay_s. */
enum tj_code frontier_host_delay(struct frontier *f, const char *host, double delay_s) TJ_WUR;

/*
 * Wait for the next item whose host is free and due.  Returns TJ_OK with
 * *it filled (the host is now busy until frontier_done), TJ_ENOTFOUND
 * when nothing is queued or in flight any more, TJ_EINTR when *stop is set.
 */
enum tj_code frontier_next(struct frontier *f, struct frontier_item *it, atomic_int *stop) TJ_WUR;

/*
 * The worker is finished with the host.  When it made a request, the host
 * may be fetched again after its delay (frontier_host_delay) or after
 * extra_s, whichever is longer (backoff, Retry-After); when it made none
 * (a robots-blocked URL, a skipped item) the host is free at once.
 */
void frontier_done(struct frontier *f, const char *host, bool requested, double extra_s);

/* Store the host's robots.txt policy (ownership passes to the frontier). */
void frontier_set_robots(struct frontier *f, const char *host, struct robots *r);

/* Robots.txt could not be fetched (5xx/unreachable): retry in retry_s.
 * Returns how many attempts have failed so far for this host. */
int frontier_robots_retry(struct frontier *f, const char *host, double retry_s);

/* Give up on a host: its queued and future items come back host_dead. */
void frontier_kill_host(struct frontier *f, const char *host);

/* Counters for the status line. */
struct frontier_stats {
	size_t queued, busy_hosts, hosts, seen;
};
void frontier_stats(struct frontier *f, struct frontier_stats *st);

/* Seconds on the monotonic clock (the frontier's time base). */
double frontier_now(void);

/* Wake every waiting worker (after raising the stop flag). */
void frontier_wake_all(struct frontier *f);

#endif
