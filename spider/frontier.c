/*
 * frontier.c - per-host queues, seen-set and politeness schedule (see
 * frontier.h).
 *
 * How it works: hosts are kept in an array (a regional crawl has tens to
 * hundreds of hosts, so a scan per scheduling decision is cheaper than
 * keeping a heap consistent); each host has a FIFO of items, a busy flag
 * and next_ok, a time on the monotonic clock.  frontier_next() scans from
 * a rotating start for a host that is not busy, has work and is due, and
 * otherwise sleeps until the earliest next_ok or a wake-up.  The seen-set
 * is an open-addressing hash set of URL strings that only grows during a
 * crawl (bounded by the page budgets of the sources).
 *
 * Limits: robots.txt retries are bounded by the caller; the seen-set
 * doubles when 70% full.
 */
#include "frontier.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "robots.h"

struct node {
	struct frontier_item it;
	struct node *next;
};

enum robots_state { ROBOTS_UNKNOWN, ROBOTS_FETCHING, ROBOTS_RETRY, ROBOTS_KNOWN };

struct host {
	char *name;
	struct node *head, *tail;
	size_t queued;
	bool busy;
	bool dead;
	double next_ok;
	double delay;
	enum robots_state rstate;
	int robots_failures;
	struct robots *robots;
	char *robots_url;       /* scheme://host/robots.txt, from the first URL seen */
};

struct frontier {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct host *hosts;
	size_t n_hosts, alloc_hosts;
	size_t rr;              /* rotating scan start, for fairness */
	size_t queued, busy;
	char **seen;            /* open addressing, NULL = empty */
	size_t seen_cap, seen_n;
};

double frontier_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void frontier_item_release(struct frontier_item *it)
{
	free(it->url);
	free(it->host);
	it->url = it->host = NULL;
}

enum tj_code frontier_new(struct frontier **out)
{
	struct frontier *f = calloc(1, sizeof(*f));

	*out = NULL;
	if (!f)
		return tj_error(TJ_ENOMEM, "out of memory");
	f->seen_cap = 1024;
	f->seen = calloc(f->seen_cap, sizeof(char *));
	if (!f->seen) {
		free(f);
		return tj_error(TJ_ENOMEM, "out of memory");
	}
	pthread_mutex_init(&f->mu, NULL);
	pthread_cond_init(&f->cv, NULL);
	*out = f;
	return TJ_OK;
}

void frontier_free(struct frontier *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n_hosts; i++) {
		struct host *h = &f->hosts[i];

		for (struct node *n = h->head, *next; n; n = next) {
			next = n->next;
			frontier_item_release(&n->it);
			free(n);
		}
		robots_free(h->robots);
		free(h->name);
		free(h->robots_url);
	}
	free(f->hosts);
	for (size_t i = 0; i < f->seen_cap; i++)
		free(f->seen[i]);
	free(f->seen);
	pthread_mutex_destroy(&f->mu);
	pthread_cond_destroy(&f->cv);
	free(f);
}

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

/* Insert into the seen-set; *added = false when present.  Lock held. */
static enum tj_code seen_insert(struct frontier *f, const char *url, bool *added)
{
	size_t i;

	if ((f->seen_n + 1) * 10 > f->seen_cap * 7) {
		size_t ncap = f->seen_cap * 2;
		char **n = calloc(ncap, sizeof(char *));

		if (!n)
			return tj_error(TJ_ENOMEM, "out of memory growing the seen-set");
		for (size_t j = 0; j < f->seen_cap; j++) {
			if (!f->seen[j])
				continue;
			for (i = hash_str(f->seen[j]) & (ncap - 1); n[i]; i = (i + 1) & (ncap - 1))
				;
			n[i] = f->seen[j];
		}
		free(f->seen);
		f->seen = n;
		f->seen_cap = ncap;
	}
	for (i = hash_str(url) & (f->seen_cap - 1); f->seen[i]; i = (i + 1) & (f->seen_cap - 1)) {
		if (!strcmp(f->seen[i], url)) {
			*added = false;
			return TJ_OK;
		}
	}
	f->seen[i] = strdup(url);
	if (!f->seen[i])
		return tj_error(TJ_ENOMEM, "out of memory");
	f->seen_n++;
	*added = true;
	return TJ_OK;
}

/* Find or create a host.  Lock held. */
static struct host *host_get(struct frontier *f, const char *name)
{
	struct host *h;

	for (size_t i = 0; i < f->n_hosts; i++)
		if (!strcmp(f->hosts[i].name, name))
			return &f->hosts[i];
	if (f->n_hosts == f->alloc_hosts) {
		size_t n = f->alloc_hosts ? f->alloc_hosts * 2 : 16;
		struct host *p = realloc(f->hosts, n * sizeof(*p));

		if (!p)
			return NULL;
		f->hosts = p;
		f->alloc_hosts = n;
	}
	h = &f->hosts[f->n_hosts];
	memset(h, 0, sizeof(*h));
	h->name = strdup(name);
	if (!h->name)
		return NULL;
	f->n_hosts++;
	return h;
}

/* scheme://host[:port]/robots.txt for a URL. */
static char *robots_url_for(const char *url)
{
	const char *p = strstr(url, "://");
	size_t n;
	char *r;

	if (!p)
		return NULL;
	p += 3;
	n = (size_t)(p - url) + strcspn(p, "/?#");
	r = malloc(n + sizeof("/robots.txt"));
	if (r) {
		memcpy(r, url, n);
		memcpy(r + n, "/robots.txt", sizeof("/robots.txt"));
	}
	return r;
}

enum tj_code frontier_mark_seen(struct frontier *f, const char *url)
{
	bool added;
	enum tj_code rc;

	pthread_mutex_lock(&f->mu);
	rc = seen_insert(f, url, &added);
	pthread_mutex_unlock(&f->mu);
	return rc;
}

enum tj_code frontier_add(struct frontier *f, const char *url, const char *host, int source,
			  int depth, int hops, unsigned flags, bool *added)
{
	struct node *n = NULL;
	struct host *h;
	enum tj_code rc;

	*added = false;
	pthread_mutex_lock(&f->mu);
	rc = seen_insert(f, url, added);
	if (rc || !*added)
		goto out;
	h = host_get(f, host);
	n = calloc(1, sizeof(*n));
	if (!h || !n)
		goto oom;
	n->it.url = strdup(url);
	n->it.host = strdup(host);
	if (!n->it.url || !n->it.host)
		goto oom;
	if (!h->robots_url && !(h->robots_url = robots_url_for(url)))
		goto oom;
	n->it.kind = ITEM_PAGE;
	n->it.source = source;
	n->it.depth = depth;
	n->it.hops = hops;
	n->it.flags = flags;
	if (h->tail)
		h->tail->next = n;
	else
		h->head = n;
	h->tail = n;
	h->queued++;
	f->queued++;
	pthread_cond_signal(&f->cv);
	goto out;
oom:
	if (n)
		frontier_item_release(&n->it);
	free(n);
	*added = false;
	rc = tj_error(TJ_ENOMEM, "out of memory queueing '%s'", url);
out:
	pthread_mutex_unlock(&f->mu);
	return rc;
}

enum tj_code frontier_host_delay(struct frontier *f, const char *host, double delay_s)
{
	struct host *h;
	enum tj_code rc = TJ_OK;

	pthread_mutex_lock(&f->mu);
	h = host_get(f, host);
	if (!h)
		rc = tj_error(TJ_ENOMEM, "out of memory");
	else if (delay_s > h->delay)
		h->delay = delay_s;
	pthread_mutex_unlock(&f->mu);
	return rc;
}

/* Take the head item of h into *it.  Lock held. */
static void pop(struct frontier *f, struct host *h, struct frontier_item *it)
{
	struct node *n = h->head;

	*it = n->it;
	h->head = n->next;
	if (!h->head)
		h->tail = NULL;
	h->queued--;
	f->queued--;
	free(n);
}

enum tj_code frontier_next(struct frontier *f, struct frontier_item *it, atomic_int *stop)
{
	enum tj_code rc = TJ_OK;

	memset(it, 0, sizeof(*it));
	pthread_mutex_lock(&f->mu);
	for (;;) {
		double now = frontier_now(), wake = now + 1.0;

		if (stop && atomic_load(stop)) {
			rc = TJ_EINTR;
			break;
		}
		for (size_t k = 0; k < f->n_hosts; k++) {
			size_t i = (f->rr + k) % f->n_hosts;
			struct host *h = &f->hosts[i];

			if (h->busy || !h->queued)
				continue;
			if (h->dead) {
				/* a given-up host's items drain at once, no request made */
				pop(f, h, it);
				it->host_dead = true;
				goto got;
			}
			if (h->next_ok > now) {
				if (h->next_ok < wake)
					wake = h->next_ok;
				continue;
			}
			if (h->rstate == ROBOTS_UNKNOWN || h->rstate == ROBOTS_RETRY) {
				it->kind = ITEM_ROBOTS;
				it->url = strdup(h->robots_url);
				it->host = strdup(h->name);
				it->source = h->head->it.source;
				if (!it->url || !it->host) {
					frontier_item_release(it);
					rc = tj_error(TJ_ENOMEM, "out of memory");
					goto out;
				}
				h->rstate = ROBOTS_FETCHING;
				h->busy = true;
				f->busy++;
				f->rr = i + 1;
				goto out;
			}
			if (h->rstate == ROBOTS_FETCHING)
				continue;
			pop(f, h, it);
			h->busy = true;
			f->busy++;
got:
			it->robots = h->robots;
			f->rr = i + 1;
			goto out;
		}
		if (!f->queued && !f->busy) {
			rc = TJ_ENOTFOUND;
			break;
		}
		{
			struct timespec ts;
			double w = wake - frontier_now();

			clock_gettime(CLOCK_REALTIME, &ts);
			if (w < 0.001)
				w = 0.001;
			ts.tv_sec += (time_t)w;
			ts.tv_nsec += (long)((w - (double)(time_t)w) * 1e9);
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&f->cv, &f->mu, &ts);
		}
	}
out:
	pthread_mutex_unlock(&f->mu);
	return rc;
}

static struct host *host_find(struct frontier *f, const char *name)
{
	for (size_t i = 0; i < f->n_hosts; i++)
		if (!strcmp(f->hosts[i].name, name))
			return &f->hosts[i];
	return NULL;
}

void frontier_done(struct frontier *f, const char *host, bool requested, double extra_s)
{
	struct host *h;

	pthread_mutex_lock(&f->mu);
	h = host_find(f, host);
	if (h && h->busy) {
		h->busy = false;
		f->busy--;
		/* the gap runs from the end of the request, so requests to one
		 * host never overlap and never come closer than the delay */
		if (requested) {
			double g = extra_s > h->delay ? extra_s : h->delay, t = frontier_now() + g;

			if (t > h->next_ok)
				h->next_ok = t;
		}
	}
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->mu);
}

void frontier_set_robots(struct frontier *f, const char *host, struct robots *r)
{
	struct host *h;

	pthread_mutex_lock(&f->mu);
	h = host_find(f, host);
	if (h) {
		/* items already handed out keep using the old policy: free it
		 * only at frontier_free, never while a worker may hold it */
		if (h->robots && h->robots != r) {
			robots_free(r);
		} else {
			h->robots = r;
		}
		h->rstate = ROBOTS_KNOWN;
	} else {
		robots_free(r);
	}
	pthread_mutex_unlock(&f->mu);
}

int frontier_robots_retry(struct frontier *f, const char *host, double retry_s)
{
	struct host *h;
	int n = 0;

	pthread_mutex_lock(&f->mu);
	h = host_find(f, host);
	if (h) {
		n = ++h->robots_failures;
		h->rstate = ROBOTS_RETRY;
		if (frontier_now() + retry_s > h->next_ok)
			h->next_ok = frontier_now() + retry_s;
	}
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->mu);
	return n;
}

void frontier_kill_host(struct frontier *f, const char *host)
{
	struct host *h;

	pthread_mutex_lock(&f->mu);
	h = host_find(f, host);
	if (h)
		h->dead = true;
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->mu);
}

void frontier_stats(struct frontier *f, struct frontier_stats *st)
{
	pthread_mutex_lock(&f->mu);
	st->queued = f->queued;
	st->busy_hosts = f->busy;
	st->hosts = f->n_hosts;
	st->seen = f->seen_n;
	pthread_mutex_unlock(&f->mu);
}

void frontier_wake_all(struct frontier *f)
{
	pthread_mutex_lock(&f->mu);
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->mu);
}
