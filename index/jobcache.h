/*
 * jobcache.h - an in-memory, immutable snapshot of the attributes search
 * filters, facets and date-orders by, one compact row per job.
 *
 * Why: a query word that matches most postings would otherwise cost a join
 * to `jobs` per match just to read city, language and friends.  With the
 * snapshot, search_run() only asks FTS5 for matching rowids (cheap) and does
 * filtering, facet counting and date ordering in memory; SQLite is asked for
 * rows only for the page it returns.
 *
 * Sharing: a snapshot is reference-counted and never changes once built, so
 * any number of threads read it without locks.  A jobcache_holder owns the
 * current snapshot and replaces it when the database changed: every reader
 * connection checks PRAGMA data_version (it changes when another connection
 * - the spider - commits) and marks the holder dirty; the next acquire
 * rebuilds.  Memory: about 40 bytes per job plus the distinct values.
 */
#ifndef TJ_JOBCACHE_H
#define TJ_JOBCACHE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include "db.h"
#include "err.h"

#define JOBCACHE_FIELDS 8       /* = SEARCH_N_FIELDS: lang intl city employer level type
				   advertiser remote */

enum jobcache_state { JC_ACTIVE, JC_EXPIRED, JC_OTHER };

struct jobcache_row {
	int64_t id;
	int64_t first_seen;
	int32_t day;                    /* date_posted as days since 1970, else first_seen's day */
	int32_t posted;                 /* date_posted as days, or -1 when unknown */
	uint16_t code[JOBCACHE_FIELDS]; /* 0 = NULL, else index + 1 into dict */
	uint8_t state;                  /* enum jobcache_state */
};

struct jobcache {
	atomic_int refs;
	uint64_t build_seq;             /* holder seq when the build began */
	uint64_t dirty_gen;             /* holder dirty count when the build began */
	struct jobcache_row *rows;      /* ascending id */
	size_t n;
	char **dict[JOBCACHE_FIELDS];   /* distinct values per field */
	size_t n_dict[JOBCACHE_FIELDS];
};

/* Build a snapshot from the database (one scan of jobs).  *out has one
 * reference, dropped with jobcache_unref().  Errors: TJ_EDB, TJ_ENOMEM. */
enum tj_code jobcache_build(struct db *db, struct jobcache **out) TJ_WUR;
void jobcache_ref(struct jobcache *c);
void jobcache_unref(struct jobcache *c);        /* NULL is a no-op */

/* Index of the first row with id >= `id`, starting the search at `from`
 * (rows are scanned in id order, so callers walking ascending ids pass the
 * previous answer and pay O(log) per gap).  Returns c->n when none. */
size_t jobcache_seek(const struct jobcache *c, size_t from, int64_t id);

/* Code of a value in field f (exact; case-insensitive for city and
 * employer), or 0 when no job has it. */
uint16_t jobcache_code(const struct jobcache *c, int f, const char *value);

/* The value of a code; NULL for 0.  Borrowed from the snapshot. */
const char *jobcache_value(const struct jobcache *c, int f, uint16_t code);

/* The owner of the current snapshot, shared by the server's threads. */
struct jobcache_holder {
	pthread_mutex_t lock;
	struct jobcache *cur;
	atomic_ullong dirty;            /* bumped when a change was seen */
	atomic_ullong seq;              /* orders builds and connection baselines */
};

/* What one reader connection remembers between requests. */
struct jobcache_conn {
	int64_t data_version;
	uint64_t baseline;              /* seq when data_version was first read; 0 = done */
};

void jobcache_holder_init(struct jobcache_holder *h);
void jobcache_holder_release(struct jobcache_holder *h);

/* Start tracking a freshly opened connection (call before its first query). */
enum tj_code jobcache_conn_init(struct jobcache_holder *h, struct db *db,
				struct jobcache_conn *cs) TJ_WUR;

/*
 * A snapshot at least as new as every commit this connection can see,
 * rebuilding (with `db`, under the holder's lock) when needed.  *out has a
 * reference for the caller.  Thread-safe.
 */
enum tj_code jobcache_acquire(struct jobcache_holder *h, struct db *db, struct jobcache_conn *cs,
			      struct jobcache **out) TJ_WUR;

#endif
