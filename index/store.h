/*
 * store.h - writing crawl results into the database: sources, crawl runs
 * and postings, with the posting lifecycle (new / changed / expired).
 *
 * Lifecycle rules (issue 6):
 *  - a posting's key is "<source>|id:<site identifier>" when the site gives
 *    one, else "<source>|url:<canonical url>";
 *  - its fingerprint covers what a reader sees (title, description, salary,
 *    hours, place, type, dates, classification); a different fingerprint
 *    stores the previous version in job_history and bumps last_changed;
 *  - a posting missed by two consecutive successful, complete runs of its
 *    source becomes 'expired'; failed, partial or blocked runs never expire
 *    anything; a valid_through in the past expires it at once; a posting
 *    that is seen again becomes 'active';
 *  - near-duplicates (same normalised title + town and the same vacancy
 *    by dedupe_same_vacancy(): the same text, or an agency's or the
 *    employer's own rewording, index/dedupe.h) under different keys are
 *    grouped when a posting is new, changed or back after it expired: the
 *    employer's own posting is kept over an agency's, else the earliest
 *    first_seen; the others get state 'duplicate' and dup_of = the kept
 *    id, and stay so when seen again.  A kept posting that changes lets go
 *    of the duplicates it no longer matches.  When a kept posting expires
 *    (missed, or by its date), its best duplicate still seen becomes
 *    'active' (store_run_finish).
 *
 * Every function runs its writes in the caller's transaction if one is
 * open, else in its own.  Not thread-safe: one struct db per thread, or a
 * lock around it (the crawler serialises writers).
 */
#ifndef TJ_STORE_H
#define TJ_STORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "db.h"
#include "posting.h"

struct source_info {
	const char *id;
	const char *employer;
	const char *website;
	const char *town;
	double lat, lon;        /* NAN when unknown */
	const char *rule_file;
	const char *advertiser; /* "employer" or "agency"; NULL = employer */
};

/* Insert or update the sources row. */
enum tj_code store_source_upsert(struct db *db, const struct source_info *s) TJ_WUR;

/* Start a crawl run of a source; *run_id receives its id. */
enum tj_code store_run_begin(struct db *db, const char *source_id, int64_t *run_id) TJ_WUR;

struct run_stats {
	const char *status;     /* ok, partial, failed, blocked, interrupted */
	bool complete;          /* every reachable page of the source was fetched */
	long pages;             /* pages fetched with a body */
	long not_modified;      /* 304 answers */
	long postings;          /* postings seen in this run */
	long errors;
	long robots_blocked;
	json_t *errors_by_kind; /* borrowed object {"http_500": 2, ...} or NULL */
	const char *message;    /* one line for curators, or NULL */
};

/*
 * Finish a run: store its stats and, only for a successful complete run,
 * advance the lifecycle of the source's postings that this run did not see.
 * *expired (may be NULL) receives how many became expired.
 */
enum tj_code store_run_finish(struct db *db, int64_t run_id, const char *source_id,
			      const struct run_stats *st, long *expired) TJ_WUR;

enum store_outcome { STORE_NEW, STORE_CHANGED, STORE_UNCHANGED };

/*
 * Insert or update one posting found on page_url during run_id.  The
 * posting must have source_id, url and title.  *outcome may be NULL.
 */
enum tj_code store_posting(struct db *db, const struct posting *p, const char *page_url,
			   int64_t run_id, enum store_outcome *outcome) TJ_WUR;

/*
 * Deferred full-text indexing, for a connection that writes many postings
 * per transaction (the crawl's writer thread).
 *
 * Normally triggers keep jobs_fts in step with jobs, one posting per
 * statement.  Inside a transaction that costs an FTS5 segment per posting:
 * every statement that may abort opens a statement savepoint, and FTS5
 * writes its pending terms to disk at each savepoint, so segments are
 * written and merged posting by posting.  store_fts_defer() turns this
 * connection's triggers off (SQLITE_DBCONFIG_ENABLE_TRIGGER; other
 * connections keep theirs); store_posting() then records the postings it
 * inserts or changes and store_fts_flush() indexes them in one statement.
 *
 * Contract for a deferred connection: only store_posting() writes the
 * indexed columns of jobs (title, employer, city, description), jobs rows
 * are never deleted, and store_fts_flush() runs before every COMMIT.  A
 * caller that rolls back to a savepoint calls store_fts_rollback_to() with
 * the store_fts_mark() taken when it opened the savepoint; a full
 * ROLLBACK is followed by store_fts_rollback_to(db, 0).
 */
enum tj_code store_fts_defer(struct db *db) TJ_WUR;
size_t store_fts_mark(const struct db *db);
void store_fts_rollback_to(struct db *db, size_t mark);
/* Index the recorded postings (inside the caller's transaction). */
enum tj_code store_fts_flush(struct db *db) TJ_WUR;

/*
 * A detail page answered 304 Not Modified: mark the postings last
 * extracted from it as seen in this run (an expired one is active again
 * and grouped anew).  *n receives how many.
 */
enum tj_code store_touch_page(struct db *db, const char *page_url, int64_t run_id, long *n) TJ_WUR;

/* The stable key and the content fingerprint (malloc'd; NULL on OOM). */
char *store_posting_key(const struct posting *p);
char *store_fingerprint(const struct posting *p);

/* Remember a fetched page's validators for conditional GET next time. */
enum tj_code store_page_fetched(struct db *db, const char *url, const char *source_id,
				int64_t run_id, long http_status, const char *etag,
				const char *last_modified, const char *error) TJ_WUR;
/* Look up a page's validators (malloc'd, caller frees; NULL when unknown). */
enum tj_code store_page_validators(struct db *db, const char *url, char **etag,
				   char **last_modified) TJ_WUR;

/*
 * Insert one exported record (a posting object plus key, state,
 * first_seen, last_seen, last_changed, dup_of, page_url and history) as
 * it was.  An existing key is left alone (*added = false) unless replace.
 */
/*
 * Recompute every posting's dedupe columns from its stored record and
 * decide every group again (duplicates first become active, then each
 * active posting is grouped, oldest first).  For a schema migration after
 * dedupe.c's keys changed; run it inside the caller's transaction.
 * Lifecycle times are not touched.
 */
enum tj_code store_regroup_all(struct db *db) TJ_WUR;

enum tj_code store_import(struct db *db, const json_t *rec, bool replace, bool *added) TJ_WUR;

/*
 * The crawl frontier in SQLite, so a killed crawl resumes: queue a URL for
 * a run (a no-op when this run already has it), and list a run's pages.
 */
enum tj_code store_page_queue(struct db *db, const char *url, const char *source_id,
			      int64_t run_id, int depth) TJ_WUR;

/* Mark a page robots-blocked (state 'blocked') in this run. */
enum tj_code store_page_blocked(struct db *db, const char *url, const char *source_id,
				int64_t run_id, const char *why) TJ_WUR;

/*
 * The source's latest run if it never finished (killed) or was
 * interrupted: *run_id > 0 then, and the run is marked running again.
 * *run_id = 0 when the latest run finished normally (start a new one).
 */
enum tj_code store_run_resumable(struct db *db, const char *source_id, int64_t *run_id) TJ_WUR;

/* Call fn(url, depth, queued, done, ctx) for every page of the run; queued
 * is true for pages still to fetch, done for pages fetched with a body.
 * A non-zero return from fn stops. */
enum tj_code store_run_pages(struct db *db, int64_t run_id,
			     enum tj_code (*fn)(const char *url, int depth, bool queued, bool done, void *ctx),
			     void *ctx) TJ_WUR;

#endif
