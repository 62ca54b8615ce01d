/*
 * robots_cache.h - robots.txt answers kept in the database between crawls.
 *
 * RFC 9309 2.4: a crawler may cache robots.txt, and should not use a
 * cached copy for more than 24 hours.  A daily crawl of a hundred hosts
 * would otherwise ask each for robots.txt every run.  Only definitive
 * answers are kept: 2xx (the file) and 4xx (no file: allow all).  5xx and
 * unreachable are never cached - they mean "disallow all for now, retry".
 *
 * The crawl loads the fresh entries once at start (robots_cache_load) and
 * reads them from any worker thread; new answers are written by the crawl's
 * writer thread (robots_cache_put), so the loaded table never changes.
 */
#ifndef TJ_ROBOTS_CACHE_H
#define TJ_ROBOTS_CACHE_H

#include <stddef.h>
#include <stdint.h>
#include "db.h"

/* RFC 9309 2.4's upper bound for using a cached robots.txt. */
#define ROBOTS_CACHE_MAX_AGE_S 86400

struct robots_cache_entry {
	const char *url;        /* scheme://host[:port]/robots.txt */
	long status;            /* 200..299: body is the file; 400..499: allow all */
	const char *body;       /* NUL-terminated (the file may hold NULs: use len) */
	size_t len;
	int64_t fetched_at;     /* db_now() seconds */
};

struct robots_cache;

/*
 * Load every entry fetched at or after min_fetched_at.  *out is the
 * caller's, freed with robots_cache_free().  Errors: TJ_EDB, TJ_ENOMEM.
 */
enum tj_code robots_cache_load(struct db *db, int64_t min_fetched_at,
			       struct robots_cache **out) TJ_WUR;
void robots_cache_free(struct robots_cache *c);        /* NULL is a no-op */

/* The entry for a robots.txt URL, or NULL.  Borrowed until
 * robots_cache_free; safe from any thread (the table is read-only). */
const struct robots_cache_entry *robots_cache_find(const struct robots_cache *c,
						   const char *url);

/* Remember an answer (replacing the previous one).  Statuses other than
 * 2xx/4xx are refused with TJ_EINVAL: they must not be cached. */
enum tj_code robots_cache_put(struct db *db, const char *url, long status, const char *body,
			      size_t len, int64_t fetched_at) TJ_WUR;

#endif
