/*
 * rcache.h - the API's response cache: finished response bodies by
 * request, for the hot queries of a job board (the landing page's search,
 * "engineer", the facets of a city) that many visitors send unchanged.
 *
 * A response is cached under a key the caller makes from the route and
 * the canonical parameters, with the database generation it was computed
 * from; a lookup with another generation is a miss (and drops the entry),
 * so a crawl that changes the database makes every cached answer stale at
 * once, and no answer is ever served from older data than the snapshot a
 * fresh request would use.  Memory is bounded (least recently used entries
 * are evicted); the gzip form can be stored beside the plain one so a hit
 * costs neither the search nor the compression.
 *
 * Thread-safe: the table is split into shards, each with its own mutex, so
 * civetweb's worker threads rarely wait on each other.  A hit is a counted
 * reference: the entry stays valid until rcache_release() even if it is
 * evicted meanwhile.
 */
#ifndef TJ_RCACHE_H
#define TJ_RCACHE_H

#include <stddef.h>
#include <stdint.h>
#include "err.h"

struct rcache;

/* A cached response (borrowed through the reference from rcache_get). */
struct rcache_val {
	const char *body;       /* the plain body */
	size_t len;
	const char *gz;         /* its gzip form, or NULL */
	size_t gz_len;
};

struct rcache_stats {
	uint64_t hits, misses, stale, evictions;
	size_t entries, bytes;
};

/* A cache holding at most max_bytes of keys and bodies.  *out is the
 * caller's (rcache_free).  TJ_EINVAL for max_bytes 0 (use no cache). */
enum tj_code rcache_new(size_t max_bytes, struct rcache **out) TJ_WUR;
void rcache_free(struct rcache *c);     /* NULL is a no-op; no references may be held */

/* The response cached for key at generation gen, or NULL.  A hit must be
 * given back with rcache_release(). */
const struct rcache_val *rcache_get(struct rcache *c, const char *key, uint64_t gen);
void rcache_release(struct rcache *c, const struct rcache_val *v);     /* NULL is a no-op */

/*
 * Cache a response (copied; gz may be NULL).  Replaces what key held.
 * A response larger than an eighth of a shard is not cached.  Out of
 * memory only means it is not cached.
 */
void rcache_put(struct rcache *c, const char *key, uint64_t gen, const char *body, size_t len,
		const char *gz, size_t gz_len);

void rcache_stats(struct rcache *c, struct rcache_stats *st);

#endif
