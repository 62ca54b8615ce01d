/*
 * writer.c - the crawl's database writer thread (see writer.h).
 *
 * Loop: wait for messages, take up to WRITER_MAX_BATCH, BEGIN, apply each
 * inside a SAVEPOINT (so one bad page never undoes its neighbours), COMMIT,
 * then run the done callbacks.  A barrier message (writer_call) ends the
 * batch before it: its function runs after everything earlier is durable,
 * which is what finishing a source's crawl run needs.
 *
 * Why the writer lingers: a commit costs far more than a page's rows (the
 * WAL frames of every touched b-tree page, and an FTS5 segment that later
 * has to be merged).  Taking whatever happens to be queued made ~20-message
 * commits on a fast crawl and one commit per page on a slow one (two worker
 * threads: 700 commits for 2,624 pages, 40% more writer CPU).  So with fewer
 * than WRITER_MIN_BATCH messages queued the writer waits up to
 * WRITER_LINGER_MS for more; a barrier or writer_stop() ends the wait at
 * once.  A kill -9 loses at most that much work, which a resumed crawl
 * fetches again (the pages were not marked done).
 */
#include "writer.h"
#include "robots_cache.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "store.h"

struct writer {
	struct db *db;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv_work;         /* messages arrived / stop */
	pthread_cond_t cv_space;        /* the queue has room */
	struct wmsg *head, *tail;
	size_t queued;
	size_t barriers;                /* queued messages that are barriers */
	bool lingering;                 /* waiting for a fuller batch */
	bool stopping;
	struct writer_stats stats;      /* written by the thread; read after join */
};

void wmsg_free(struct wmsg *m)
{
	if (!m)
		return;
	free(m->url);
	free(m->etag);
	free(m->last_modified);
	free(m->error);
	free(m->body);
	for (size_t i = 0; i < m->n_postings; i++)
		posting_release(&m->postings[i]);
	free(m->postings);
	for (size_t i = 0; i < m->n_links; i++)
		free(m->links[i]);
	free(m->links);
	free(m);
}

/* Apply one message's operations.  Inside a transaction. */
static enum tj_code apply(struct db *db, const struct wmsg *m, long *n_new)
{
	enum tj_code rc = TJ_OK;

	*n_new = 0;
	if (m->ops & W_POSTINGS) {
		for (size_t i = 0; !rc && i < m->n_postings; i++) {
			enum store_outcome oc;
			const struct posting *p = &m->postings[i];

			if (!p->title || !p->url)
				continue;
			rc = store_posting(db, p, m->url, m->run_id, &oc);
			if (!rc && oc == STORE_NEW)
				(*n_new)++;
		}
	}
	if (!rc && (m->ops & W_LINKS))
		for (size_t i = 0; !rc && i < m->n_links; i++)
			rc = store_page_queue(db, m->links[i], m->source_id, m->run_id, m->link_depth);
	if (!rc && (m->ops & W_QUEUE))
		rc = store_page_queue(db, m->url, m->source_id, m->run_id, m->link_depth);
	if (!rc && (m->ops & W_FETCHED))
		rc = store_page_fetched(db, m->url, m->source_id, m->run_id, m->http_status, m->etag,
					m->last_modified, m->error);
	if (!rc && (m->ops & W_BLOCKED))
		rc = store_page_blocked(db, m->url, m->source_id, m->run_id,
					m->error ? m->error : "robots.txt");
	if (!rc && (m->ops & W_TOUCH))
		rc = store_touch_page(db, m->url, m->run_id, NULL);
	if (!rc && (m->ops & W_ROBOTS))
		rc = robots_cache_put(db, m->url, m->http_status, m->body, m->body_len, db_now());
	return rc;
}

struct outcome {
	enum tj_code rc;
	long n_new;
};

/* A statement without results, prepared once per connection. */
static enum tj_code exec_cached(struct db *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	enum tj_code rc = db_prepare_cached(db, &st, sql);

	if (!rc)
		rc = db_step(st, NULL);
	db_release(db, st);
	return rc;
}

/* Apply and commit a batch of plain messages; then their callbacks. */
static void run_batch(struct writer *w, struct wmsg **batch, size_t n)
{
	struct outcome res[WRITER_MAX_BATCH];
	enum tj_code rc;

	rc = db_begin(w->db);
	for (size_t i = 0; i < n; i++) {
		size_t mark = store_fts_mark(w->db);

		res[i].rc = rc;
		res[i].n_new = 0;
		if (rc)
			continue;
		if ((res[i].rc = exec_cached(w->db, "SAVEPOINT page")))
			continue;
		res[i].rc = apply(w->db, batch[i], &res[i].n_new);
		if (res[i].rc) {
			log_error("cannot store '%s': %s", batch[i]->url ? batch[i]->url : "", tj_errmsg());
			if (exec_cached(w->db, "ROLLBACK TO page"))
				log_error("%s", tj_errmsg());
			store_fts_rollback_to(w->db, mark);
		}
		if (exec_cached(w->db, "RELEASE page"))
			log_error("%s", tj_errmsg());
	}
	/* the batch's postings into the full-text index: one FTS5 segment */
	if (!rc && (rc = store_fts_flush(w->db)))
		log_error("cannot index crawl results: %s", tj_errmsg());
	if (!rc && (rc = db_commit(w->db)))
		log_error("cannot commit crawl results: %s", tj_errmsg());
	if (rc) {
		db_rollback(w->db);
		store_fts_rollback_to(w->db, 0);
	}
	for (size_t i = 0; i < n; i++) {
		if (batch[i]->done)
			batch[i]->done(batch[i]->ctx, batch[i], rc ? rc : res[i].rc, res[i].n_new);
		wmsg_free(batch[i]);
	}
}

/* CPU seconds this thread has used; 0 where the clock is missing. */
static double thread_cpu_s(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts))
		return 0;
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Called with w->mu held and a message queued: wait (at most
 * WRITER_LINGER_MS) until WRITER_MIN_BATCH messages, a barrier or a stop
 * request arrive.  See the block at the top for why.
 */
static void linger(struct writer *w)
{
	struct timespec until;

	if (w->queued >= WRITER_MIN_BATCH || w->barriers || w->stopping ||
	    clock_gettime(CLOCK_MONOTONIC, &until))
		return;
	until.tv_nsec += WRITER_LINGER_MS * 1000000L;
	until.tv_sec += until.tv_nsec / 1000000000L;
	until.tv_nsec %= 1000000000L;
	w->lingering = true;
	while (w->queued < WRITER_MIN_BATCH && !w->barriers && !w->stopping)
		if (pthread_cond_timedwait(&w->cv_work, &w->mu, &until))
			break;          /* ETIMEDOUT: commit what there is */
	w->lingering = false;
}

static void *writer_main(void *arg)
{
	struct writer *w = arg;
	struct wmsg *batch[WRITER_MAX_BATCH];

	pthread_mutex_lock(&w->mu);
	for (;;) {
		size_t n = 0;
		struct wmsg *barrier = NULL;

		while (!w->head && !w->stopping)
			pthread_cond_wait(&w->cv_work, &w->mu);
		if (!w->head && w->stopping)
			break;
		linger(w);
		while (w->head && n < WRITER_MAX_BATCH) {
			struct wmsg *m = w->head;

			if (m->call && n > 0)
				break;          /* commit what precedes the barrier first */
			w->head = m->next;
			if (!w->head)
				w->tail = NULL;
			w->queued--;
			if (m->call) {
				w->barriers--;
				barrier = m;
				break;
			}
			batch[n++] = m;
		}
		pthread_cond_broadcast(&w->cv_space);
		pthread_mutex_unlock(&w->mu);
		if (n) {
			run_batch(w, batch, n);
			w->stats.commits++;
			w->stats.messages += n;
		}
		if (barrier) {
			barrier->call(barrier->ctx);
			wmsg_free(barrier);
		}
		pthread_mutex_lock(&w->mu);
	}
	pthread_mutex_unlock(&w->mu);
	w->stats.cpu_s = thread_cpu_s();
	return NULL;
}

enum tj_code writer_start(struct db *db, struct writer **out)
{
	struct writer *w = calloc(1, sizeof(*w));
	pthread_condattr_t attr;
	enum tj_code rc;

	*out = NULL;
	if (!w)
		return tj_error(TJ_ENOMEM, "out of memory");
	/* postings are indexed once per batch, not once per posting (store.h);
	 * and the writer touches every index of jobs and pages per message, so
	 * it gets a page cache of 32 MiB instead of SQLite's 2 MiB: on a
	 * 2,624-page crawl that took 15% off its CPU, most of it pread() */
	if ((rc = store_fts_defer(db)) || (rc = db_exec(db, "PRAGMA cache_size = -32768"))) {
		free(w);
		return rc;
	}
	w->db = db;
	pthread_mutex_init(&w->mu, NULL);
	/* linger() waits on a monotonic deadline: a clock step must not stall it */
	if (pthread_condattr_init(&attr)) {
		free(w);
		return tj_error(TJ_ENOMEM, "cannot start the database writer thread");
	}
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cv_work, &attr);
	pthread_condattr_destroy(&attr);
	pthread_cond_init(&w->cv_space, NULL);
	if (pthread_create(&w->thread, NULL, writer_main, w)) {
		pthread_mutex_destroy(&w->mu);
		pthread_cond_destroy(&w->cv_work);
		pthread_cond_destroy(&w->cv_space);
		free(w);
		return tj_error(TJ_ENOMEM, "cannot start the database writer thread");
	}
	*out = w;
	return TJ_OK;
}

enum tj_code writer_send(struct writer *w, struct wmsg *m)
{
	m->next = NULL;
	pthread_mutex_lock(&w->mu);
	while (w->queued >= WRITER_MAX_QUEUE && !w->stopping)
		pthread_cond_wait(&w->cv_space, &w->mu);
	if (w->tail)
		w->tail->next = m;
	else
		w->head = m;
	w->tail = m;
	w->queued++;
	if (m->call)
		w->barriers++;
	/* a lingering writer only needs waking once its wait is over */
	if (!w->lingering || m->call || w->queued >= WRITER_MIN_BATCH)
		pthread_cond_signal(&w->cv_work);
	pthread_mutex_unlock(&w->mu);
	return TJ_OK;
}

enum tj_code writer_call(struct writer *w, void (*fn)(void *ctx), void *ctx)
{
	struct wmsg *m = calloc(1, sizeof(*m));

	if (!m)
		return tj_error(TJ_ENOMEM, "out of memory");
	m->call = fn;
	m->ctx = ctx;
	return writer_send(w, m);
}

void writer_stop(struct writer *w, struct writer_stats *stats)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	w->stopping = true;
	pthread_cond_broadcast(&w->cv_work);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	if (stats)
		*stats = w->stats;
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv_work);
	pthread_cond_destroy(&w->cv_space);
	free(w);
}
