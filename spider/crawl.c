/*
 * crawl.c - one crawl of the configured sources (see crawl.h).
 *
 * How it works:
 *  - rules/ is loaded and validated first; one crawl_runs row per source
 *    is opened (or a killed run resumed: its queued pages come back from
 *    the pages table and its finished pages count as seen);
 *  - start URLs go into the frontier (spider/frontier.c), which hands
 *    N worker threads one item at a time with per-host politeness: at
 *    most one request in flight per host, a minimum gap between requests
 *    (rule delay, --delay-ms, robots.txt Crawl-delay, Retry-After and
 *    exponential backoff after errors, whichever is largest);
 *  - a worker fetches (spider/fetch.c), releases the host at once, and
 *    only then parses and extracts, so parsing never holds a host slot;
 *  - everything a page yields - its postings, its fetch state and the
 *    links it queues - is written in one transaction, so a kill -9 leaves
 *    the database at a page boundary and a rerun resumes from there;
 *  - when a source has no pending pages its run is finished with a status
 *    and counts; only a complete run may expire postings (index/store.c).
 *
 * ATS sources (rules with a feed strategy) have one more entry point, the
 * feed URL (spider/feeds.h), queued with ITEM_F_FEED: fetched with the
 * feed's content types and size cap, read by feed_extract(), and its
 * postings stored like a page's; a feed has no links to follow.
 *
 * Completeness: a run is complete when every listing page was fetched,
 * the page budget was not hit, start URLs were not blocked and the crawl
 * was not interrupted; for an ATS source, when its feed was fetched and
 * parsed.  A failed or robots-blocked *detail* page does not
 * make the run incomplete: its postings are kept alive instead
 * (store_touch_page), so they are neither refreshed nor expired.
 *
 * Connections: each host has its own libcurl handle (struct host_fetcher),
 * lent to whichever worker fetches that host; as a host has one request in
 * flight at a time, its handle is never shared, and its kept-alive
 * connection (and TLS session) serves the host's next request whatever
 * worker makes it - instead of a new TCP and TLS handshake per page, which
 * costs the employer's server as much as it costs us.  At most
 * FETCH_POOL_MAX handles are kept; the least recently used idle one is
 * closed for a new host.  Each worker keeps a handle of its own for when
 * the pool cannot lend one.
 *
 * Threads: the frontier and per-source counters have their own mutexes;
 * every write goes through one writer thread (spider/writer.c) that
 * commits pages in batches; workers only read, through main's connection
 * under rdb_mu.  The classifier,
 * rules and robots policies are immutable after load and shared.
 */
#include "crawl.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "classify.h"
#include "db.h"
#include "extract.h"
#include "feeds.h"
#include "fetch.h"
#include "frontier.h"
#include "log.h"
#include "normalize.h"
#include "robots.h"
#include "robots_cache.h"
#include "rules.h"
#include "sitemap.h"
#include "store.h"
#include "url.h"
#include "version.h"
#include "writer.h"

#define DEFAULT_DELAY_MS 2000
#define DEFAULT_MAX_PAGES 500
#define DEFAULT_MAX_DEPTH 5
#define MAX_HOPS 5
#define MAX_HOST_ERRORS 5        /* consecutive failures before a host is given up */
#define MAX_BACKOFF_S 300.0
#define ROBOTS_ATTEMPTS 3

struct crawl;

struct source_run {
	struct crawl *c;
	const struct rule *rule;
	int64_t run_id;
	bool resumed;
	long pending;           /* items queued or being processed */
	long fetched;           /* requests made for pages (the budget) */
	long pages, not_modified, postings, errors, robots_blocked;
	json_t *errors_by_kind;
	bool incomplete, start_blocked, budget_hit, finished;
	bool reported_complete;  /* what finish_source stored */
	char *message;
	char *feed_url;         /* an ATS source's feed (normalised), else NULL */
	long max_pages, max_depth;
};

/* Per-host libcurl handles (see the design block). */
#define FETCH_POOL_MAX 256

struct host_fetcher {
	char *host;
	struct fetcher *fe;
	bool busy;
	uint64_t used;          /* pool tick of the last lend, for LRU */
};

struct fetch_pool {
	pthread_mutex_t mu;
	struct host_fetcher v[FETCH_POOL_MAX];
	size_t n;
	uint64_t tick;
	struct fetcher_config fc;
};

struct crawl {
	const struct crawl_options *opt;
	struct ruleset rules;
	struct source_run *src;
	size_t n_src;
	struct db *db;          /* main's: set-up, then workers' reads under rdb_mu */
	pthread_mutex_t rdb_mu;
	struct db *wdb;         /* the writer thread's own connection */
	struct writer *wr;      /* every write during the crawl goes through it */
	pthread_mutex_t mu;     /* source counters */
	pthread_cond_t exited;  /* with mu: a worker thread is done */
	struct frontier *fr;
	struct classifier *cls;
	struct robots_cache *robots_cache;      /* read-only after start; may be NULL */
	struct fetch_pool pool;
	atomic_int stop;
	atomic_int workers_alive;
	atomic_long fetched_total, postings_total, errors_total;
	char agent_token[64];   /* robots.txt product token */
	char *user_agent;
	double default_delay;
};

/* Signal handlers can only reach a static; this is the one mutable global
 * of the module, and it only forwards to the crawl's own stop flag. */
static atomic_int *volatile stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	if (stop_flag)
		atomic_store(stop_flag, 1);
}

static void count_error(struct crawl *c, struct source_run *s, const char *kind)
{
	json_t *v;

	pthread_mutex_lock(&c->mu);
	s->errors++;
	v = json_object_get(s->errors_by_kind, kind);
	json_object_set_new(s->errors_by_kind, kind, json_integer(v ? json_integer_value(v) + 1 : 1));
	pthread_mutex_unlock(&c->mu);
	atomic_fetch_add(&c->errors_total, 1);
}

static bool looks_like_sitemap(const char *url);

static bool is_detail(const struct rule *r, const char *url)
{
	return rule_matches(r->detail, r->n_detail, url);
}

/*
 * Do the rule's detail pages list several postings (selectors with
 * listing/item)?  Those are fetched in full: on a 304 store_touch_page()
 * would keep alive every posting the page ever listed, also the ones it
 * no longer lists.
 */
static bool lists_postings(const struct rule *r)
{
	return r->sel[RULE_SEL_LISTING].css || r->sel[RULE_SEL_ITEM].css;
}

/* Is url an entry point of the source: a start URL or its ATS feed? */
static bool is_start(const struct source_run *s, const char *url)
{
	const struct rule *r = s->rule;

	for (size_t i = 0; i < r->n_start_urls; i++)
		if (!strcmp(r->start_urls[i], url))
			return true;
	return s->feed_url && !strcmp(s->feed_url, url);
}

/* Does a redirect target stay within the source (the host of an entry point)? */
static bool host_of_source(const struct source_run *s, const char *url)
{
	const struct rule *r = s->rule;
	char *h = url_host(url);
	bool ok = false;

	for (size_t i = 0; h && !ok && i <= r->n_start_urls; i++) {
		const char *entry = i < r->n_start_urls ? r->start_urls[i] : s->feed_url;
		char *sh = entry ? url_host(entry) : NULL;

		ok = sh && !strcmp(sh, h);
		free(sh);
	}
	free(h);
	return ok;
}

static const char *run_status(const struct crawl *c, const struct source_run *s, bool *complete)
{
	*complete = false;
	if (atomic_load(&c->stop))
		return "interrupted";
	if (s->start_blocked)
		return "blocked";
	if (s->pages == 0 && s->not_modified == 0)
		return "failed";
	if (s->incomplete || s->budget_hit)
		return "partial";
	*complete = true;
	return "ok";
}

/* The source has nothing pending: write its report with db (the writer's
 * connection during the crawl, main's after it).  Called once. */
static void finish_source(struct crawl *c, struct source_run *s, struct db *db)
{
	struct run_stats st = { 0 };
	bool complete;
	long expired = 0;
	char msg[256] = "";
	enum tj_code rc;

	st.status = run_status(c, s, &complete);
	st.complete = complete;
	s->reported_complete = complete;
	st.pages = s->pages;
	st.not_modified = s->not_modified;
	st.postings = s->postings;
	st.errors = s->errors;
	st.robots_blocked = s->robots_blocked;
	st.errors_by_kind = s->errors_by_kind;
	if (s->message)
		snprintf(msg, sizeof(msg), "%s", s->message);
	else if (s->budget_hit)
		snprintf(msg, sizeof(msg), "page budget of %ld reached", s->max_pages);
	else if (s->start_blocked)
		snprintf(msg, sizeof(msg), "robots.txt does not allow the start URLs");
	st.message = msg[0] ? msg : NULL;
	rc = store_run_finish(db, s->run_id, s->rule->id, &st, &expired);
	if (rc)
		log_error("%s: cannot store the crawl report: %s", s->rule->id, tj_errmsg());
	if (!c->opt->quiet)
		log_info("%s: %s: %ld pages, %ld not modified, %ld postings, %ld errors, "
			 "%ld robots-blocked, %ld expired%s%s", s->rule->id, st.status, s->pages,
			 s->not_modified, s->postings, s->errors, s->robots_blocked, expired,
			 msg[0] ? "; " : "", msg);
}

static void finish_source_cb(void *ctx)
{
	struct source_run *s = ctx;

	finish_source(s->c, s, s->c->wdb);
}

/* One item of source s is fully processed.  The run is finished on the
 * writer thread, after everything the source's pages sent is committed. */
static void item_done(struct crawl *c, struct source_run *s)
{
	bool last;

	pthread_mutex_lock(&c->mu);
	last = --s->pending == 0 && !s->finished;
	if (last)
		s->finished = true;
	pthread_mutex_unlock(&c->mu);
	if (last && writer_call(c->wr, finish_source_cb, s)) {
		log_error("%s: %s", s->rule->id, tj_errmsg());
		pthread_mutex_lock(&c->mu);
		s->finished = false;    /* main finishes it after the crawl */
		pthread_mutex_unlock(&c->mu);
	}
}

/* A write failed: the page's results are lost for this run, so the run
 * must not count as complete.  Runs on the writer thread. */
static void write_done(void *ctx, const struct wmsg *m, enum tj_code rc, long n_new)
{
	struct source_run *s = ctx;

	(void)m;
	(void)n_new;    /* new postings are counted by store_run_finish from the jobs table */
	if (!rc)
		return;
	count_error(s->c, s, "database");
	pthread_mutex_lock(&s->c->mu);
	s->incomplete = true;
	pthread_mutex_unlock(&s->c->mu);
}

/*
 * Hand the writer one message about url.  Copies url, etag, lm and error;
 * takes ownership of postings/links when given (the caller's pointers are
 * cleared).  On failure the run is marked incomplete.
 */
static void send_msg(struct crawl *c, struct source_run *s, unsigned ops, const char *url,
		     long http_status, const char *etag, const char *lm, const char *error,
		     struct posting **postings, size_t *n_postings, char ***links, size_t *n_links,
		     int link_depth)
{
	struct wmsg *m = calloc(1, sizeof(*m));

	if (!m)
		goto oom;
	m->ops = ops;
	m->source_id = s->rule->id;
	m->run_id = s->run_id;
	m->http_status = http_status;
	m->link_depth = link_depth;
	m->done = write_done;
	m->ctx = s;
	if (postings) {
		m->postings = *postings;
		m->n_postings = *n_postings;
		*postings = NULL;
		*n_postings = 0;
	}
	if (links) {
		m->links = *links;
		m->n_links = *n_links;
		*links = NULL;
		*n_links = 0;
	}
	if (!(m->url = strdup(url)) || (etag && !(m->etag = strdup(etag))) ||
	    (lm && !(m->last_modified = strdup(lm))) || (error && !(m->error = strdup(error)))) {
		wmsg_free(m);
		goto oom;
	}
	if (!writer_send(c->wr, m))
		return;
	log_error("%s: %s", s->rule->id, tj_errmsg());
	goto fail;
oom:
	log_error("%s: out of memory recording '%s'", s->rule->id, url);
fail:
	count_error(c, s, "database");
	pthread_mutex_lock(&c->mu);
	s->incomplete = true;
	pthread_mutex_unlock(&c->mu);
}

/* Queue a URL for source s (frontier only; the DB row is written by the
 * caller inside its page transaction).  Counts it as pending. */
static enum tj_code enqueue(struct crawl *c, int si, const char *url, int depth, int hops,
			    unsigned flags)
{
	struct source_run *s = &c->src[si];
	char *host = url_host(url);
	bool added = false;
	enum tj_code rc;

	if (!host)
		return TJ_OK;   /* not a usable URL: nothing to queue */
	pthread_mutex_lock(&c->mu);
	s->pending++;       /* before adding: a fast worker must not see 0 */
	pthread_mutex_unlock(&c->mu);
	rc = frontier_add(c->fr, url, host, si, depth, hops, flags, &added);
	if (!rc) {
		double d = s->rule->delay_ms >= 0 && c->opt->delay_ms < 0
			   ? (double)s->rule->delay_ms / 1000.0 : c->default_delay;

		rc = frontier_host_delay(c->fr, host, d);
	}
	free(host);
	if (rc || !added)
		item_done(c, s);
	return rc;
}

/* Which links of a page does the source want? */
static bool want_link(struct crawl *c, struct source_run *s, const char *url, int depth, bool *trap)
{
	const struct rule *r = s->rule;
	char why[128];

	*trap = false;
	if (depth > s->max_depth)
		return false;
	if (!rule_matches(r->follow, r->n_follow, url) && !is_detail(r, url))
		return false;
	if (url_is_trap(url, why, sizeof(why))) {
		*trap = true;
		log_debug("%s: not following '%s': %s", r->id, url, why);
		return false;
	}
	(void)c;
	return true;
}

/*
 * Normalise, classify and store what a fetched page or feed yielded
 * (pr, from extract_page or feed_extract) and queue the links the source
 * wants; with !keep_postings the postings are dropped (a page that is not
 * a detail page), with !follows the links.  The writer takes the postings
 * and the chosen links over.
 */
static void store_result(struct crawl *c, int si, const struct frontier_item *it,
			 const struct fetch_response *resp, struct page_result *pr, bool keep_postings,
			 bool follows)
{
	struct source_run *s = &c->src[si];
	char **links = NULL;
	size_t n_links = 0, n_postings;

	if (!keep_postings) {
		for (size_t i = 0; i < pr->n_postings; i++)
			posting_release(&pr->postings[i]);
		pr->n_postings = 0;
	}
	for (size_t i = 0; i < pr->n_postings; i++) {
		struct posting *p = &pr->postings[i];

		if (!p->employer && posting_set(&p->employer, s->rule->employer))
			goto oom;
		if (normalize_posting(p))
			log_debug("%s: normalising a posting of '%s': %s", s->rule->id, it->url, tj_errmsg());
		if (c->cls && classify_posting(c->cls, p, s->rule->advertiser))
			log_warn("%s: cannot classify a posting of '%s': %s", s->rule->id, it->url, tj_errmsg());
	}
	links = calloc(pr->n_links ? pr->n_links : 1, sizeof(char *));
	if (!links)
		goto oom;
	for (size_t i = 0; follows && i < pr->n_links; i++) {
		bool trap;

		if (want_link(c, s, pr->links[i], it->depth + 1, &trap)) {
			links[n_links++] = pr->links[i];
			pr->links[i] = NULL;
		} else if (trap) {
			count_error(c, s, "trap_avoided");
		}
	}
	n_postings = pr->n_postings;
	pthread_mutex_lock(&c->mu);
	s->pages++;
	s->postings += (long)n_postings;
	pthread_mutex_unlock(&c->mu);
	atomic_fetch_add(&c->postings_total, (long)n_postings);
	/* queue in memory first: the writer commits this page before any of
	 * these links can have been fetched and reported (its queue is FIFO) */
	for (size_t i = 0; i < n_links; i++)
		if (enqueue(c, si, links[i], it->depth + 1, 0, 0))
			log_error("%s: cannot queue '%s': %s", s->rule->id, links[i], tj_errmsg());
	send_msg(c, s, W_POSTINGS | W_LINKS | W_FETCHED, it->url, resp->http_status, resp->etag,
		 resp->last_modified, NULL, &pr->postings, &pr->n_postings, &links, &n_links,
		 it->depth + 1);
	goto out;
oom:
	log_error("%s: out of memory processing '%s'", s->rule->id, it->url);
	count_error(c, s, "out_of_memory");
	pthread_mutex_lock(&c->mu);
	s->incomplete = true;
	pthread_mutex_unlock(&c->mu);
out:
	for (size_t i = 0; i < n_links; i++)
		free(links[i]);
	free(links);
}

static void process_body(struct crawl *c, int si, const struct frontier_item *it,
			 const struct fetch_response *resp)
{
	struct source_run *s = &c->src[si];
	struct extract_opts eo = { 0 };
	struct page_result pr = { 0 };
	bool follows;

	follows = is_start(s, it->url) || rule_matches(s->rule->follow, s->rule->n_follow, it->url);
	eo.default_employer = s->rule->employer;
	eo.source_id = s->rule->id;
	eo.rule = s->rule;
	if (extract_page(buf_str(&resp->body), resp->body.len, it->url, &eo, &pr)) {
		log_warn("%s: cannot extract '%s': %s", s->rule->id, it->url, tj_errmsg());
		count_error(c, s, "extract");
		if (!is_detail(s->rule, it->url)) {
			pthread_mutex_lock(&c->mu);
			s->incomplete = true;
			pthread_mutex_unlock(&c->mu);
		}
		send_msg(c, s, W_FETCHED, it->url, resp->http_status, NULL, NULL, "extraction failed",
			 NULL, NULL, NULL, NULL, 0);
		goto out;
	}
	/* rules/README.md: postings come from detail pages (every page when a
	 * rule has no detail patterns); links from start and follow pages */
	store_result(c, si, it, resp, &pr, !s->rule->n_detail || is_detail(s->rule, it->url), follows);
out:
	page_result_release(&pr);
}

/*
 * A fetched ATS feed: its postings, stored like a page's.  A feed that
 * does not parse makes the run incomplete, so nothing expires on a
 * broken or changed feed format.
 */
static void process_feed(struct crawl *c, int si, const struct frontier_item *it,
			 const struct fetch_response *resp)
{
	struct source_run *s = &c->src[si];
	struct page_result pr = { 0 };

	if (feed_extract(s->rule, buf_str(&resp->body), resp->body.len, it->url, &pr)) {
		char why[256];

		snprintf(why, sizeof(why), "%s", tj_errmsg());
		log_warn("%s: feed '%s': %s", s->rule->id, it->url, why);
		count_error(c, s, "bad_feed");
		pthread_mutex_lock(&c->mu);
		s->incomplete = true;
		if (!s->message)
			s->message = strdup(why);
		pthread_mutex_unlock(&c->mu);
		send_msg(c, s, W_FETCHED, it->url, resp->http_status, NULL, NULL, why,
			 NULL, NULL, NULL, NULL, 0);
		goto out;
	}
	for (size_t i = 0; i < json_array_size(pr.warnings); i++)
		log_debug("%s: feed '%s': %s", s->rule->id, it->url,
			  json_string_value(json_array_get(pr.warnings, i)));
	store_result(c, si, it, resp, &pr, true, false);
out:
	page_result_release(&pr);
}

/* Record a fetch that yielded no content (304, redirect, error); with
 * touch, keep the postings last seen on that page alive for this run. */
static void record_fetch(struct crawl *c, struct source_run *s, const char *url, long status,
			 const char *error, bool touch)
{
	send_msg(c, s, W_FETCHED | (touch ? W_TOUCH : 0), url, status, NULL, NULL, error,
		 NULL, NULL, NULL, NULL, 0);
}

/*
 * Extra wait after a request, on top of the host's delay: Retry-After when
 * the server asked (429/503), and exponential backoff after consecutive
 * failures (1 s, 2 s, 4 s, ... capped at 5 minutes).
 */
static double backoff_gap(const struct fetch_response *r, int host_errors)
{
	double gap = 0, b;

	if (r->retry_after_s > 0)
		gap = (double)r->retry_after_s > MAX_BACKOFF_S ? MAX_BACKOFF_S : (double)r->retry_after_s;
	if (host_errors > 0) {
		b = pow(2.0, host_errors - 1);
		if (b > MAX_BACKOFF_S)
			b = MAX_BACKOFF_S;
		if (b > gap)
			gap = b;
	}
	return gap;
}

/* Parse a robots.txt body and apply what it says besides the rules: its
 * Crawl-delay raises the host's delay, its Sitemap: lines on the source's
 * own host feed the source job URLs.  Returns the policy (NULL: out of
 * memory) and the delay in *gap. */
static struct robots *apply_robots_file(struct crawl *c, const struct frontier_item *it,
					const char *body, size_t len, double *gap)
{
	struct robots *r = robots_parse(body, len);
	double cd = r ? robots_crawl_delay(r, c->agent_token) : -1.0;

	for (size_t i = 0; r && i < robots_sitemap_count(r); i++) {
		char *u = url_normalize(robots_sitemap(r, i)), *h = u ? url_host(u) : NULL;

		if (h && !strcmp(h, it->host)) {
			send_msg(c, &c->src[it->source], W_QUEUE, u, 0, NULL, NULL, NULL,
				 NULL, NULL, NULL, NULL, 1);
			if (enqueue(c, it->source, u, 1, 0, ITEM_F_SITEMAP))
				log_error("cannot queue sitemap '%s': %s", u, tj_errmsg());
		}
		free(h);
		free(u);
	}
	if (cd > 0) {
		if (cd > MAX_BACKOFF_S)
			cd = MAX_BACKOFF_S;
		if (frontier_host_delay(c->fr, it->host, cd))
			log_error("%s", tj_errmsg());
		if (cd > *gap)
			*gap = cd;
	}
	return r;
}

/* Keep a definitive robots.txt answer for the next crawls (the writer
 * thread stores it).  Losing it only costs a fetch next time, so a failure
 * is logged and does not mark the run incomplete. */
static void cache_robots(struct crawl *c, const struct frontier_item *it, long status,
			 const struct buf *body)
{
	struct wmsg *m;

	if (c->opt->robots_max_age_s == 0)
		return;
	m = calloc(1, sizeof(*m));
	if (!m || !(m->url = strdup(it->url)) ||
	    (body && body->len && !(m->body = malloc(body->len)))) {
		wmsg_free(m);
		log_error("robots.txt '%s': out of memory caching it", it->url);
		return;
	}
	m->ops = W_ROBOTS;
	m->source_id = c->src[it->source].rule->id;
	m->run_id = c->src[it->source].run_id;
	m->http_status = status;
	if (m->body) {
		memcpy(m->body, body->data, body->len);
		m->body_len = body->len;
	}
	if (writer_send(c->wr, m))
		log_error("robots.txt '%s': %s", it->url, tj_errmsg());
}

/* A robots.txt answer an earlier crawl stored within the allowed age:
 * used without a request.  Returns false when there is none. */
static bool robots_from_cache(struct crawl *c, const struct frontier_item *it)
{
	const struct robots_cache_entry *e = robots_cache_find(c->robots_cache, it->url);
	struct robots *r;
	double gap = 0;

	if (!e)
		return false;
	if (e->status >= 200 && e->status < 300)
		r = apply_robots_file(c, it, e->body, e->len, &gap);
	else
		r = robots_allow_all();
	if (!r)
		return false;   /* out of memory: fetch it instead */
	log_debug("robots.txt '%s': from the cache (status %ld, %lld s old)", it->url, e->status,
		  (long long)(db_now() - e->fetched_at));
	frontier_set_robots(c->fr, it->host, r);
	frontier_done(c->fr, it->host, false, 0);
	return true;
}

static void handle_robots(struct crawl *c, struct fetcher *fe, const struct frontier_item *it)
{
	static const char *const any[] = { "", NULL };
	struct fetch_request rq = { .url = it->url, .accept = any, .follow_redirects = true };
	struct fetch_response resp;
	struct robots *r = NULL;
	double gap = 0;

	if (robots_from_cache(c, it))
		return;
	if (fetch_url(fe, &rq, &resp)) {
		log_error("robots.txt '%s': %s", it->url, tj_errmsg());
		r = robots_disallow_all();
	} else if (resp.status == FETCH_OK) {
		r = apply_robots_file(c, it, buf_str(&resp.body), resp.body.len, &gap);
		if (r)
			cache_robots(c, it, resp.http_status, &resp.body);
	} else if (resp.status == FETCH_HTTP_ERROR && resp.http_status >= 400 && resp.http_status < 500) {
		r = robots_allow_all();         /* RFC 9309 2.3.1.3: unavailable = allow */
		cache_robots(c, it, resp.http_status, NULL);
	} else if (resp.status == FETCH_STOPPED) {
		r = robots_disallow_all();
	} else if (resp.status == FETCH_FORBIDDEN_ADDR) {
		/* not "unreachable, retry later": it must never be fetched */
		struct source_run *s = &c->src[it->source];

		log_warn("%s: %s", s->rule->id, resp.error);
		count_error(c, s, resp.kind);
		pthread_mutex_lock(&c->mu);
		if (!s->message)
			s->message = strdup("refused to connect to a non-public address "
					    "(map it with --resolve HOST:PORT:ADDR, or --allow-private)");
		pthread_mutex_unlock(&c->mu);
		r = robots_disallow_all();
	} else {
		/* RFC 9309 2.3.1.4: unreachable = disallow everything, for now */
		int n = frontier_robots_retry(c->fr, it->host, 2.0 * (1 << 1));

		log_warn("robots.txt '%s': %s (attempt %d of %d)", it->url,
			 resp.error[0] ? resp.error : resp.kind, n, ROBOTS_ATTEMPTS);
		if (n < ROBOTS_ATTEMPTS) {
			frontier_done(c->fr, it->host, true, backoff_gap(&resp, n));
			fetch_response_release(&resp);
			return;
		}
		r = robots_disallow_all();
	}
	if (!r)
		log_error("robots.txt '%s': out of memory", it->url);
	else
		frontier_set_robots(c->fr, it->host, r);
	frontier_done(c->fr, it->host, true, gap);
	fetch_response_release(&resp);
}

/* Host error bookkeeping: consecutive failures per host, shared by workers. */
struct host_errors {
	char *host;
	int n;
};

static int host_error_update(struct crawl *c, struct host_errors **tab, size_t *n,
			     const char *host, bool failed)
{
	int v = 0;
	size_t i;

	pthread_mutex_lock(&c->mu);
	for (i = 0; i < *n; i++)
		if (!strcmp((*tab)[i].host, host))
			break;
	if (i == *n && failed) {
		struct host_errors *t = realloc(*tab, (*n + 1) * sizeof(**tab));
		char *h = strdup(host);

		if (t && h) {
			*tab = t;
			t[*n].host = h;
			t[*n].n = 0;
			(*n)++;
		} else {
			if (t)
				*tab = t;
			free(h);
			i = *n + 1;
		}
	}
	if (i < *n) {
		(*tab)[i].n = failed ? (*tab)[i].n + 1 : 0;
		v = (*tab)[i].n;
	}
	pthread_mutex_unlock(&c->mu);
	return v;
}

/* A queued URL of a resumed run: was it a sitemap?  (Flags are not stored.) */
static bool looks_like_sitemap(const char *url)
{
	size_t n = strcspn(url, "?#");

	return (n > 4 && !strncmp(url + n - 4, ".xml", 4)) ||
	       (n > 7 && !strncmp(url + n - 7, ".xml.gz", 7));
}

/*
 * A fetched sitemap: queue the listed URLs the rule wants (detail or
 * follow patterns), and the child sitemaps of an index on the same host.
 */
static void process_sitemap(struct crawl *c, int si, const struct frontier_item *it,
			    const struct fetch_response *resp)
{
	struct source_run *s = &c->src[si];
	struct sitemap sm;
	char **links = NULL;
	size_t n_links = 0;

	if (sitemap_parse(buf_str(&resp->body), resp->body.len, &sm)) {
		log_warn("%s: sitemap '%s': %s", s->rule->id, it->url, tj_errmsg());
		count_error(c, s, "bad_sitemap");
		pthread_mutex_lock(&c->mu);
		s->incomplete = true;
		pthread_mutex_unlock(&c->mu);
		record_fetch(c, s, it->url, resp->http_status, "bad sitemap", false);
		return;
	}
	if (sm.truncated)
		log_warn("%s: sitemap '%s' is over the protocol's limits; the rest is ignored",
			 s->rule->id, it->url);
	pthread_mutex_lock(&c->mu);
	s->pages++;
	pthread_mutex_unlock(&c->mu);
	links = calloc(sm.n ? sm.n : 1, sizeof(char *));
	for (size_t i = 0; links && i < sm.n; i++) {
		char *u = url_normalize(sm.urls[i]), *h = u ? url_host(u) : NULL;
		bool trap, want;
		unsigned flags = 0;

		if (sm.is_index) {
			/* child sitemaps only on the same host, and not endlessly deep */
			want = h && !strcmp(h, it->host) && it->depth < s->max_depth;
			flags = ITEM_F_SITEMAP;
		} else {
			want = u && want_link(c, s, u, it->depth + 1, &trap);
		}
		if (want && enqueue(c, si, u, it->depth + 1, 0, flags))
			log_error("%s: cannot queue '%s': %s", s->rule->id, u, tj_errmsg());
		if (want)
			links[n_links++] = u;
		else
			free(u);
		free(h);
	}
	if (!links)
		log_error("%s: out of memory reading sitemap '%s'", s->rule->id, it->url);
	log_debug("%s: sitemap '%s': %zu URLs, %zu wanted", s->rule->id, it->url, sm.n, n_links);
	send_msg(c, s, W_LINKS | W_FETCHED, it->url, resp->http_status, NULL, NULL, NULL,
		 NULL, NULL, &links, &n_links, it->depth + 1);
	for (size_t i = 0; i < n_links; i++)     /* only when the writer did not take them */
		free(links[i]);
	free(links);
	sitemap_release(&sm);
}

struct worker_ctx {
	struct crawl *c;
	struct host_errors **herr;
	size_t *n_herr;
};

static void process_item(struct worker_ctx *w, struct fetcher *fe, struct frontier_item *it)
{
	struct crawl *c = w->c;
	struct source_run *s = &c->src[it->source];
	const struct rule *r = s->rule;
	struct fetch_request rq = { .url = it->url };
	struct fetch_response resp;
	char *etag = NULL, *lm = NULL;
	const char *why = NULL;
	bool detail = is_detail(r, it->url), over_budget;
	int herr;

	if (it->host_dead) {
		count_error(c, s, "host_given_up");
		if (detail)
			record_fetch(c, s, it->url, 0, "host given up", true);
		else {
			pthread_mutex_lock(&c->mu);
			s->incomplete = true;
			pthread_mutex_unlock(&c->mu);
		}
		return;
	}
	if (!it->robots || !robots_allowed(it->robots, c->agent_token, it->url, &why)) {
		pthread_mutex_lock(&c->mu);
		s->robots_blocked++;
		if (is_start(s, it->url))
			s->start_blocked = true;
		pthread_mutex_unlock(&c->mu);
		log_debug("%s: robots.txt forbids '%s' (%s)", r->id, it->url, why ? why : "no policy");
		send_msg(c, s, W_BLOCKED | (detail ? W_TOUCH : 0), it->url, 0, NULL, NULL,
			 why ? why : "robots.txt", NULL, NULL, NULL, NULL, 0);
		frontier_done(c->fr, it->host, false, 0);
		return;
	}
	pthread_mutex_lock(&c->mu);
	over_budget = s->fetched >= s->max_pages;
	if (over_budget)
		s->budget_hit = true;
	else
		s->fetched++;
	pthread_mutex_unlock(&c->mu);
	if (over_budget) {
		frontier_done(c->fr, it->host, false, 0);
		return;
	}
	if (it->flags & ITEM_F_FEED) {
		/* Always in full, never conditional: a 304 would keep alive every
		 * posting the feed ever listed (store_touch_page works per page). */
		rq.accept = feed_accept_types(r);
		rq.max_body = FEED_MAX_BYTES;
		detail = false;
	} else if (it->flags & ITEM_F_SITEMAP) {
		static const char *const xml_types[] = {
			"application/xml", "text/xml", "application/gzip", "application/x-gzip",
			"application/octet-stream", "text/plain", NULL,
		};

		rq.accept = xml_types;
		detail = false;
	} else if (detail && !lists_postings(r)) {
		pthread_mutex_lock(&c->rdb_mu);
		if (store_page_validators(c->db, it->url, &etag, &lm))
			log_warn("%s: %s", r->id, tj_errmsg());
		pthread_mutex_unlock(&c->rdb_mu);
		rq.etag = etag;
		rq.last_modified = lm;
	}
	if (fetch_url(fe, &rq, &resp)) {
		log_error("%s: '%s': %s", r->id, it->url, tj_errmsg());
		frontier_done(c->fr, it->host, true, 0);
		count_error(c, s, "internal");
		goto out;
	}
	atomic_fetch_add(&c->fetched_total, 1);
	{
		bool failed = resp.status == FETCH_TIMEOUT || resp.status == FETCH_CONNECT ||
			      (resp.status == FETCH_HTTP_ERROR && (resp.http_status >= 500 ||
								   resp.http_status == 429));

		herr = host_error_update(c, w->herr, w->n_herr, it->host, failed);
		/* release the host before parsing: extraction never holds a slot */
		frontier_done(c->fr, it->host, true, backoff_gap(&resp, herr));
		if (herr >= MAX_HOST_ERRORS) {
			log_warn("%s: giving up on host '%s' after %d failures in a row", r->id, it->host, herr);
			frontier_kill_host(c->fr, it->host);
		}
	}
	log_debug("%s: %s %ld %s (%.3f s)", r->id, it->url, resp.http_status, resp.kind, resp.seconds);

	switch (resp.status) {
	case FETCH_OK:
		if (it->flags & ITEM_F_SITEMAP)
			process_sitemap(c, it->source, it, &resp);
		else if (it->flags & ITEM_F_FEED)
			process_feed(c, it->source, it, &resp);
		else
			process_body(c, it->source, it, &resp);
		break;
	case FETCH_NOT_MODIFIED:
		record_fetch(c, s, it->url, 304, NULL, true);
		pthread_mutex_lock(&c->mu);
		s->not_modified++;
		pthread_mutex_unlock(&c->mu);
		break;
	case FETCH_REDIRECT: {
		char *to = url_normalize(resp.location);

		record_fetch(c, s, it->url, resp.http_status, NULL, false);
		if (!to) {
			count_error(c, s, "bad_redirect");
		} else if (it->hops + 1 > MAX_HOPS) {
			count_error(c, s, "too_many_redirects");
			if (detail)
				record_fetch(c, s, it->url, resp.http_status, "too many redirects", true);
		} else if ((it->flags & ITEM_F_FEED) || host_of_source(s, to) ||
			   rule_matches(r->follow, r->n_follow, to) || is_detail(r, to)) {
			send_msg(c, s, W_QUEUE, to, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
				 it->depth);
			if (enqueue(c, it->source, to, it->depth, it->hops + 1, it->flags))
				log_error("%s: %s", r->id, tj_errmsg());
		} else {
			log_info("%s: not following redirect '%s' -> '%s' (outside the source)",
				 r->id, it->url, to);
			count_error(c, s, "redirect_outside_source");
		}
		free(to);
		break;
	}
	case FETCH_STOPPED:
		/* cut off by SIGINT/SIGTERM: no answer at all, so nothing is
		 * recorded and the page stays queued for the resumed run (a
		 * "failed" row would be taken as finished and never fetched) */
		pthread_mutex_lock(&c->mu);
		s->incomplete = true;
		pthread_mutex_unlock(&c->mu);
		break;
	default: {
		bool gone = resp.status == FETCH_HTTP_ERROR &&
			    (resp.http_status == 404 || resp.http_status == 410);

		log_warn("%s: '%s': %s", r->id, it->url, resp.error[0] ? resp.error : resp.kind);
		count_error(c, s, resp.kind);
		if ((gone && detail) || (gone && (it->flags & ITEM_F_SITEMAP))) {
			/* the vacancy is gone: let the lifecycle see it; a missing
			 * sitemap lists nothing, while the pages still do */
			record_fetch(c, s, it->url, resp.http_status, resp.error[0] ? resp.error : resp.kind,
				     false);
			break;
		}
		record_fetch(c, s, it->url, resp.http_status, resp.error[0] ? resp.error : resp.kind,
			     detail);
		if (!detail) {
			pthread_mutex_lock(&c->mu);
			s->incomplete = true;
			pthread_mutex_unlock(&c->mu);
		}
	}
	}
	fetch_response_release(&resp);
out:
	free(etag);
	free(lm);
}

/* Lend the host's own handle (creating it, or recycling the least
 * recently used idle one), or NULL when none can be had. */
static struct fetcher *pool_take(struct fetch_pool *p, const char *host)
{
	struct host_fetcher *slot = NULL, *lru = NULL;
	struct fetcher *fe = NULL;

	pthread_mutex_lock(&p->mu);
	for (size_t i = 0; i < p->n && !slot; i++) {
		if (!strcmp(p->v[i].host, host))
			slot = &p->v[i];
		else if (!p->v[i].busy && (!lru || p->v[i].used < lru->used))
			lru = &p->v[i];
	}
	if (slot) {
		if (slot->busy)
			slot = NULL;    /* never two transfers on one handle */
	} else {
		char *h = strdup(host);

		if (h && p->n < FETCH_POOL_MAX) {
			slot = &p->v[p->n++];
		} else if (h && lru) {
			slot = lru;     /* close the least recently used host's connection */
			fetcher_free(slot->fe);
			free(slot->host);
		}
		if (slot) {
			slot->host = h;
			slot->busy = false;
			if (fetcher_new(&p->fc, &slot->fe)) {
				log_debug("no handle of its own for '%s': %s", host, tj_errmsg());
				/* drop the slot: move the last one into it */
				free(slot->host);
				*slot = p->v[--p->n];
				slot = NULL;
			}
		} else {
			free(h);
		}
	}
	if (slot) {
		slot->busy = true;
		slot->used = ++p->tick;
		fe = slot->fe;
	}
	pthread_mutex_unlock(&p->mu);
	return fe;
}

static void pool_give(struct fetch_pool *p, struct fetcher *fe)
{
	pthread_mutex_lock(&p->mu);
	for (size_t i = 0; i < p->n; i++)
		if (p->v[i].fe == fe)
			p->v[i].busy = false;
	pthread_mutex_unlock(&p->mu);
}

static void pool_release(struct fetch_pool *p)
{
	for (size_t i = 0; i < p->n; i++) {
		fetcher_free(p->v[i].fe);
		free(p->v[i].host);
	}
	p->n = 0;
}

static void *worker_main(void *arg)
{
	struct worker_ctx *w = arg;
	struct crawl *c = w->c;
	struct fetcher *fe = NULL;
	struct frontier_item it;

	if (fetcher_new(&c->pool.fc, &fe)) {
		log_error("cannot start a worker: %s", tj_errmsg());
		atomic_store(&c->stop, 1);
		frontier_wake_all(c->fr);
		goto out;
	}
	while (frontier_next(c->fr, &it, &c->stop) == TJ_OK) {
		struct fetcher *hf = it.host_dead ? NULL : pool_take(&c->pool, it.host);

		if (it.kind == ITEM_ROBOTS) {
			handle_robots(c, hf ? hf : fe, &it);
		} else {
			process_item(w, hf ? hf : fe, &it);
			item_done(c, &c->src[it.source]);
		}
		if (hf)
			pool_give(&c->pool, hf);
		frontier_item_release(&it);
	}
out:
	fetcher_free(fe);
	pthread_mutex_lock(&c->mu);
	atomic_fetch_sub(&c->workers_alive, 1);
	pthread_cond_signal(&c->exited);
	pthread_mutex_unlock(&c->mu);
	frontier_wake_all(c->fr);
	return NULL;
}

struct resume_ctx {
	struct crawl *c;
	int si;
};

/*
 * A queued URL of a resumed ATS source: is it the feed?  Flags are not
 * stored, and the feed may have been redirected (Personio's /xml to
 * /xml/), so besides the feed URL itself any queued URL the rule would
 * not crawl as a page is taken for the feed.
 */
static bool resumed_feed(const struct source_run *s, const char *url)
{
	const struct rule *r = s->rule;

	if (!s->feed_url)
		return false;
	if (!strcmp(url, s->feed_url))
		return true;
	for (size_t i = 0; i < r->n_start_urls; i++)
		if (!strcmp(r->start_urls[i], url))
			return false;
	return !rule_matches(r->follow, r->n_follow, url) && !is_detail(r, url) && !looks_like_sitemap(url);
}

static enum tj_code resume_page(const char *url, int depth, bool queued, bool done, void *ctx)
{
	struct resume_ctx *rc = ctx;

	if (!queued) {
		/* fetched before the kill: it counts for this run's report, or a
		 * run resumed with nothing left to fetch would look failed */
		if (done)
			rc->c->src[rc->si].pages++;
		return frontier_mark_seen(rc->c->fr, url);
	}
	return enqueue(rc->c, rc->si, url, depth, 0, resumed_feed(&rc->c->src[rc->si], url) ? ITEM_F_FEED
		       : looks_like_sitemap(url) ? ITEM_F_SITEMAP : 0);
}

/* Open (or resume) each source's run and queue its start URLs. */
static enum tj_code start_sources(struct crawl *c)
{
	enum tj_code rc = TJ_OK;

	for (size_t i = 0; i < c->n_src; i++) {
		struct source_run *s = &c->src[i];
		const struct rule *r = s->rule;
		struct source_info si = {
			.id = r->id, .employer = r->employer, .website = r->website, .town = r->town,
			.lat = r->lat, .lon = r->lon, .rule_file = r->file, .advertiser = r->advertiser,
		};
		struct resume_ctx rctx = { c, (int)i };

		if (rule_strategy_is_feed(r->strategy)) {
			char *u = feed_default_url(r);

			if (!u)
				return tj_error(TJ_EINVAL, "%s: %s", r->file, tj_errmsg());
			s->feed_url = url_normalize(u);
			if (!s->feed_url) {
				rc = tj_error(TJ_EINVAL, "%s: feed URL '%s' is not a valid http(s) URL", r->file, u);
				free(u);
				return rc;
			}
			free(u);
		}

		rc = db_begin(c->db);
		if (!rc)
			rc = store_source_upsert(c->db, &si);
		if (!rc)
			rc = store_run_resumable(c->db, r->id, &s->run_id);
		if (!rc && !s->run_id)
			rc = store_run_begin(c->db, r->id, &s->run_id);
		else if (!rc)
			s->resumed = true;
		for (size_t k = 0; !rc && k < r->n_start_urls; k++) {
			char *u = url_normalize(r->start_urls[k]);

			rc = u ? store_page_queue(c->db, u, r->id, s->run_id, 0)
			       : tj_error(TJ_EINVAL, "%s: start URL '%s' is not a valid http(s) URL",
					  r->file, r->start_urls[k]);
			free(u);
		}
		if (!rc && s->feed_url)
			rc = store_page_queue(c->db, s->feed_url, r->id, s->run_id, 0);
		if (!rc)
			rc = db_commit(c->db);
		else
			db_rollback(c->db);
		if (rc)
			return rc;
		/* pending starts at 1 so the source cannot finish while queueing */
		s->pending = 1;
		if (s->resumed) {
			log_info("%s: resuming the interrupted crawl run %lld", r->id, (long long)s->run_id);
			rc = store_run_pages(c->db, s->run_id, resume_page, &rctx);
		} else {
			for (size_t k = 0; !rc && k < r->n_start_urls; k++) {
				char *u = url_normalize(r->start_urls[k]);

				rc = u ? enqueue(c, (int)i, u, 0, 0, 0) : TJ_OK;
				free(u);
			}
			if (!rc && s->feed_url)
				rc = enqueue(c, (int)i, s->feed_url, 0, 0, ITEM_F_FEED);
			for (size_t k = 0; !rc && k < r->n_sitemaps; k++) {
				char *u = url_normalize(r->sitemaps[k]);

				if (u)
					rc = store_page_queue(c->db, u, r->id, s->run_id, 0);
				if (!rc && u)
					rc = enqueue(c, (int)i, u, 0, 0, ITEM_F_SITEMAP);
				free(u);
			}
		}
		if (rc)
			return rc;
		item_done(c, s);
	}
	return TJ_OK;
}

static void print_progress(struct crawl *c, bool final)
{
	struct frontier_stats fs;

	frontier_stats(c->fr, &fs);
	fprintf(stderr, "\r\033[K%zu/%zu hosts active, %ld fetched, %zu queued, %ld postings, %ld errors%s",
		fs.busy_hosts, fs.hosts, atomic_load(&c->fetched_total), fs.queued,
		atomic_load(&c->postings_total), atomic_load(&c->errors_total), final ? "\n" : "");
	fflush(stderr);
}

/* The robots.txt product token: the User-Agent up to the first '/' or space. */
static void agent_token(const char *ua, char *out, size_t n)
{
	size_t k = 0;

	while (ua[k] && ua[k] != '/' && ua[k] != ' ' && k + 1 < n) {
		out[k] = ua[k];
		k++;
	}
	out[k] = '\0';
}

static int cpu_count(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (int)n : 1;
}

/* Seconds on a clock that never steps, for the summary's wall time. */
static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

enum tj_code crawl_run(const struct crawl_options *opt, struct crawl_summary *sum)
{
	struct crawl c;
	pthread_t *tids = NULL;
	struct host_errors *herr = NULL;
	size_t n_herr = 0, started = 0;
	struct worker_ctx wctx;
	struct sigaction sa, old_int, old_term;
	pthread_condattr_t cattr;
	int threads;
	double t_start = 0;
	enum tj_code rc;
	char ua[256];

	memset(&c, 0, sizeof(c));
	memset(sum, 0, sizeof(*sum));
	c.opt = opt;
	pthread_mutex_init(&c.rdb_mu, NULL);
	pthread_mutex_init(&c.pool.mu, NULL);
	pthread_mutex_init(&c.mu, NULL);
	/* main's timed waits for the workers run on a clock that never steps */
	pthread_condattr_init(&cattr);
	pthread_condattr_setclock(&cattr, CLOCK_MONOTONIC);
	pthread_cond_init(&c.exited, &cattr);
	pthread_condattr_destroy(&cattr);
	c.default_delay = (opt->delay_ms >= 0 ? (double)opt->delay_ms : DEFAULT_DELAY_MS) / 1000.0;
	snprintf(ua, sizeof(ua), "%s", opt->user_agent ? opt->user_agent
		 : "TwenteJobsBot/" TJ_VERSION " (+" TJ_CONTACT_URL ")");
	c.user_agent = ua;
	agent_token(ua, c.agent_token, sizeof(c.agent_token));
	c.pool.fc.user_agent = c.user_agent;
	c.pool.fc.demo_web = opt->demo_web;
	c.pool.fc.resolve = opt->resolve;
	c.pool.fc.n_resolve = opt->n_resolve;
	c.pool.fc.allow_private = opt->allow_private;
	c.pool.fc.timeout_ms = opt->timeout_ms;
	c.pool.fc.stop = &c.stop;

	if ((rc = ruleset_load_dir(opt->rules_dir ? opt->rules_dir : "rules", &c.rules)))
		goto out;
	c.src = calloc(c.rules.n ? c.rules.n : 1, sizeof(*c.src));
	if (!c.src) {
		rc = tj_error(TJ_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < opt->n_only; i++) {
		if (!ruleset_find(&c.rules, opt->only[i])) {
			rc = tj_error(TJ_EINVAL, "no rule with id '%s' in '%s'", opt->only[i],
				      opt->rules_dir ? opt->rules_dir : "rules");
			goto out;
		}
	}
	for (size_t i = 0; i < c.rules.n; i++) {
		const struct rule *r = c.rules.v[i];
		struct source_run *s;
		bool wanted = opt->n_only == 0;

		for (size_t k = 0; k < opt->n_only && !wanted; k++)
			wanted = !strcmp(opt->only[k], r->id);
		if (!wanted)
			continue;
		s = &c.src[c.n_src++];
		s->rule = r;
		s->c = &c;
		s->max_pages = opt->max_pages >= 0 ? opt->max_pages
			       : r->max_pages >= 0 ? r->max_pages : DEFAULT_MAX_PAGES;
		s->max_depth = r->max_depth >= 0 ? r->max_depth : DEFAULT_MAX_DEPTH;
		s->errors_by_kind = json_object();
		if (!s->errors_by_kind) {
			rc = tj_error(TJ_ENOMEM, "out of memory");
			goto out;
		}
	}
	if (!c.n_src) {
		rc = tj_error(TJ_EINVAL, "no rules to crawl in '%s'", opt->rules_dir ? opt->rules_dir : "rules");
		goto out;
	}
	if ((rc = db_open(opt->db_path, false, &c.db)) || (rc = db_open(opt->db_path, false, &c.wdb)) ||
	    (rc = frontier_new(&c.fr)) || (rc = writer_start(c.wdb, &c.wr)))
		goto out;
	if ((rc = classifier_load(NULL, &c.cls)))
		goto out;
	if (opt->robots_max_age_s != 0) {
		long age = opt->robots_max_age_s < 0 || opt->robots_max_age_s > ROBOTS_CACHE_MAX_AGE_S
			   ? ROBOTS_CACHE_MAX_AGE_S : opt->robots_max_age_s;

		if ((rc = robots_cache_load(c.db, db_now() - age, &c.robots_cache)))
			goto out;
	}

	stop_flag = &c.stop;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);

	if ((rc = start_sources(&c)))
		goto out_signals;

	threads = opt->threads > 0 ? opt->threads : cpu_count() * 4;
	if (threads > 256)
		threads = 256;
	tids = calloc((size_t)threads, sizeof(*tids));
	if (!tids) {
		rc = tj_error(TJ_ENOMEM, "out of memory");
		goto out_signals;
	}
	t_start = mono_s();
	wctx.c = &c;
	wctx.herr = &herr;
	wctx.n_herr = &n_herr;
	atomic_store(&c.workers_alive, threads);
	for (; started < (size_t)threads; started++) {
		if (pthread_create(&tids[started], NULL, worker_main, &wctx)) {
			atomic_fetch_sub(&c.workers_alive, threads - (int)started);
			log_warn("could start only %zu crawler threads", started);
			break;
		}
	}
	if (!opt->quiet)
		log_info("crawling %zu sources with %zu threads", c.n_src, started);
	/* wake every 200 ms for the status line and a stop request, and at
	 * once when the last worker is done (a fixed sleep here cost a short
	 * crawl up to 200 ms) */
	pthread_mutex_lock(&c.mu);
	while (atomic_load(&c.workers_alive) > 0) {
		struct timespec until;

		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_nsec += 200 * 1000000L;
		until.tv_sec += until.tv_nsec / 1000000000L;
		until.tv_nsec %= 1000000000L;
		pthread_cond_timedwait(&c.exited, &c.mu, &until);
		if (atomic_load(&c.workers_alive) == 0)
			break;
		pthread_mutex_unlock(&c.mu);
		if (opt->progress && !opt->quiet)
			print_progress(&c, false);
		if (atomic_load(&c.stop))
			frontier_wake_all(c.fr);
		pthread_mutex_lock(&c.mu);
	}
	pthread_mutex_unlock(&c.mu);
	for (size_t i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	writer_stop(c.wr, &sum->writer);        /* commits everything the workers sent */
	c.wr = NULL;
	sum->wall_s = mono_s() - t_start;
	if (opt->progress && !opt->quiet)
		print_progress(&c, true);
	/* sources still pending were cut short (interrupt, fatal error) */
	for (size_t i = 0; i < c.n_src; i++) {
		if (!c.src[i].finished) {
			c.src[i].finished = true;
			c.src[i].incomplete = true;
			finish_source(&c, &c.src[i], c.db);
		}
	}
	sum->interrupted = atomic_load(&c.stop);
	sum->sources = c.n_src;
	for (size_t i = 0; i < c.n_src; i++) {
		struct source_run *s = &c.src[i];

		if (s->reported_complete)
			sum->ok++;
		else
			sum->failed++;
		sum->pages += s->pages;
		sum->postings += s->postings;
		sum->errors += s->errors;
		sum->robots_blocked += s->robots_blocked;
	}
out_signals:
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	stop_flag = NULL;
out:
	free(tids);
	for (size_t i = 0; i < n_herr; i++)
		free(herr[i].host);
	free(herr);
	for (size_t i = 0; i < c.n_src; i++) {
		json_decref(c.src[i].errors_by_kind);
		free(c.src[i].message);
		free(c.src[i].feed_url);
	}
	free(c.src);
	writer_stop(c.wr, NULL);
	frontier_free(c.fr);
	classifier_free(c.cls);
	robots_cache_free(c.robots_cache);
	pool_release(&c.pool);
	pthread_mutex_destroy(&c.pool.mu);
	db_close(c.wdb);
	db_close(c.db);
	ruleset_release(&c.rules);
	pthread_mutex_destroy(&c.rdb_mu);
	pthread_cond_destroy(&c.exited);
	pthread_mutex_destroy(&c.mu);
	return rc;
}

static void crawl_usage(FILE *out)
{
	fprintf(out,
		"usage: twentejobs crawl [OPTIONS]\n\n"
		"Crawl the sources in rules/ politely and update the index.\n\n"
		"  --db FILE             database (default $TWENTEJOBS_DB or twentejobs.db)\n"
		"  --rules DIR           rule files (default rules)\n"
		"  --source ID           crawl only this source (repeatable)\n"
		"  --threads N           worker threads (default 4 x cores)\n"
		"  --delay-ms MS         minimum gap between requests to one host; overrides the\n"
		"                        rules' delay_ms (default: rule, else 2000); robots.txt\n"
		"                        Crawl-delay and Retry-After still raise it\n"
		"  --max-pages N         page budget per source (default: rule, else 500)\n"
		"  --timeout-ms MS       total time allowed per request (default 30000)\n"
		"  --resolve H:P:ADDR    connect to ADDR for host H port P (repeatable)\n"
		"  --demo-web ADDR:PORT  fetch every host from bin/demo-web at ADDR:PORT over\n"
		"                        plain HTTP (https URLs keep their form everywhere else)\n"
		"  --allow-private       allow connections to loopback/private addresses\n"
		"  --robots-max-age S    reuse a robots.txt an earlier crawl fetched less than S\n"
		"                        seconds ago (default and maximum 86400, RFC 9309;\n"
		"                        0 = always fetch it)\n"
		"  --user-agent UA       User-Agent (default TwenteJobsBot/%s (+%s))\n"
		"  --quiet               only errors\n"
		"  --no-progress         no live status line even on a terminal\n"
		"  -v, --verbose         log every request\n", TJ_VERSION, TJ_CONTACT_URL);
}

static bool parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

int cmd_crawl(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "rules", required_argument, NULL, 'r' },
		{ "source", required_argument, NULL, 's' },
		{ "threads", required_argument, NULL, 't' },
		{ "delay-ms", required_argument, NULL, 'D' },
		{ "max-pages", required_argument, NULL, 'm' },
		{ "timeout-ms", required_argument, NULL, 'T' },
		{ "resolve", required_argument, NULL, 'R' },
		{ "demo-web", required_argument, NULL, 'w' },
		{ "allow-private", no_argument, NULL, 'p' },
		{ "robots-max-age", required_argument, NULL, 'A' },
		{ "user-agent", required_argument, NULL, 'u' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "no-progress", no_argument, NULL, 'n' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct crawl_options opt = { 0 };
	struct crawl_summary sum;
	const char **only = NULL, **resolve = NULL;
	bool no_progress = false;
	int ch, status = 0;
	long v;

	only = calloc((size_t)argc, sizeof(char *));
	resolve = calloc((size_t)argc, sizeof(char *));
	if (!only || !resolve) {
		fprintf(stderr, "twentejobs crawl: out of memory\n");
		free(only);
		free(resolve);
		return 1;
	}
	opt.db_path = db_default_path();
	opt.delay_ms = -1;
	opt.max_pages = -1;
	opt.robots_max_age_s = -1;
	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "qvh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd': opt.db_path = optarg; break;
		case 'r': opt.rules_dir = optarg; break;
		case 's': only[opt.n_only++] = optarg; break;
		case 'R': resolve[opt.n_resolve++] = optarg; break;
		case 'w': opt.demo_web = optarg; break;
		case 'p': opt.allow_private = true; break;
		case 'u': opt.user_agent = optarg; break;
		case 'q': opt.quiet = true; break;
		case 'n': no_progress = true; break;
		case 'v': log_set_level(LOG_DEBUG); break;
		case 'h': crawl_usage(stdout); goto done;
		case 't':
			if (!parse_long(optarg, 1, 256, &v))
				goto bad_number;
			opt.threads = (int)v;
			break;
		case 'D':
			if (!parse_long(optarg, 0, 3600000, &v))
				goto bad_number;
			opt.delay_ms = v;
			break;
		case 'm':
			if (!parse_long(optarg, 1, 10000000, &v))
				goto bad_number;
			opt.max_pages = v;
			break;
		case 'A':
			if (!parse_long(optarg, 0, ROBOTS_CACHE_MAX_AGE_S, &v))
				goto bad_number;
			opt.robots_max_age_s = v;
			break;
		case 'T':
			if (!parse_long(optarg, 100, 3600000, &v))
				goto bad_number;
			opt.timeout_ms = v;
			break;
		default:
			fprintf(stderr, "twentejobs crawl: unknown option '%s' (see --help)\n", argv[optind - 1]);
			status = 2;
			goto done;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "twentejobs crawl: unexpected argument '%s' (see --help)\n", argv[optind]);
		status = 2;
		goto done;
	}
	opt.only = only;
	opt.resolve = resolve;
	opt.progress = !no_progress && isatty(STDERR_FILENO);
	if (opt.quiet)
		log_set_level(LOG_ERROR);
	if (crawl_run(&opt, &sum)) {
		fprintf(stderr, "twentejobs crawl: %s\n", tj_errmsg());
		status = 1;
		goto done;
	}
	if (!opt.quiet)
		printf("crawled %zu sources: %zu complete, %zu not; %ld pages, %ld postings, "
		       "%ld errors, %ld robots-blocked\n", sum.sources, sum.ok, sum.failed, sum.pages,
		       sum.postings, sum.errors, sum.robots_blocked);
	/* the writer is the crawl's one serial stage: its share of the wall
	 * time says whether more threads could help */
	if (!opt.quiet && sum.wall_s > 0)
		printf("took %.2f s; database writer: %ld commits of %ld messages, %.2f s CPU (%.0f%% of the time)\n",
		       sum.wall_s, sum.writer.commits, sum.writer.messages, sum.writer.cpu_s,
		       100.0 * sum.writer.cpu_s / sum.wall_s);
	if (sum.interrupted) {
		fprintf(stderr, "twentejobs crawl: interrupted; run it again to resume\n");
		status = 1;
	}
	goto done;
bad_number:
	fprintf(stderr, "twentejobs crawl: '%s' is not a valid number for '%s'\n", optarg,
		argv[optind - 1]);
	status = 2;
done:
	free(only);
	free(resolve);
	return status;
}
