/*
 * robots_cache.c - robots.txt answers kept between crawls (robots_cache.h).
 *
 * The table is small (one row per crawled origin, each at most the 500 KiB
 * robots.txt cap), so the crawl loads the fresh rows whole into a sorted
 * array and looks them up with bsearch: no database access from the
 * worker threads, which never hold a connection.
 */
#include "robots_cache.h"

#include <stdlib.h>
#include <string.h>

struct robots_cache {
	struct robots_cache_entry *v;
	size_t n;
};

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct robots_cache_entry *)a)->url,
		      ((const struct robots_cache_entry *)b)->url);
}

void robots_cache_free(struct robots_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		free((char *)c->v[i].url);
		free((char *)c->v[i].body);
	}
	free(c->v);
	free(c);
}

enum tj_code robots_cache_load(struct db *db, int64_t min_fetched_at, struct robots_cache **out)
{
	struct robots_cache *c = calloc(1, sizeof(*c));
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	bool row = false;
	enum tj_code rc;

	*out = NULL;
	if (!c)
		return tj_error(TJ_ENOMEM, "out of memory loading the robots.txt cache");
	rc = db_prepare(db, &st, "SELECT url, status, body, fetched_at FROM robots_cache"
			" WHERE fetched_at >= ?1");
	if (!rc)
		rc = db_bind_int(st, 1, min_fetched_at);
	while (!rc && !(rc = db_step(st, &row)) && row) {
		struct robots_cache_entry *e;
		const void *body = sqlite3_column_blob(st, 2);
		size_t len = (size_t)sqlite3_column_bytes(st, 2);
		char *u, *b;

		if (c->n == cap) {
			size_t ncap = cap ? 2 * cap : 16;
			void *nv = realloc(c->v, ncap * sizeof(*c->v));

			if (!nv) {
				rc = tj_error(TJ_ENOMEM, "out of memory loading the robots.txt cache");
				break;
			}
			c->v = nv;
			cap = ncap;
		}
		u = strdup(db_col_text(st, 0) ? db_col_text(st, 0) : "");
		b = malloc(len + 1);
		if (!u || !b) {
			free(u);
			free(b);
			rc = tj_error(TJ_ENOMEM, "out of memory loading the robots.txt cache");
			break;
		}
		if (len)
			memcpy(b, body, len);
		b[len] = '\0';
		e = &c->v[c->n++];
		e->url = u;
		e->body = b;
		e->len = len;
		e->status = (long)sqlite3_column_int64(st, 1);
		e->fetched_at = sqlite3_column_int64(st, 3);
	}
	db_finalize(st);
	if (rc) {
		robots_cache_free(c);
		return rc;
	}
	if (c->n)
		qsort(c->v, c->n, sizeof(*c->v), cmp_entry);
	*out = c;
	return TJ_OK;
}

const struct robots_cache_entry *robots_cache_find(const struct robots_cache *c, const char *url)
{
	struct robots_cache_entry key = { .url = url };

	if (!c || !c->n || !url)
		return NULL;
	return bsearch(&key, c->v, c->n, sizeof(*c->v), cmp_entry);
}

enum tj_code robots_cache_put(struct db *db, const char *url, long status, const char *body,
			      size_t len, int64_t fetched_at)
{
	sqlite3_stmt *st = NULL;
	enum tj_code rc;

	if (!url || !((status >= 200 && status < 300) || (status >= 400 && status < 500)))
		return tj_error(TJ_EINVAL, "robots.txt '%s': status %ld is not cached",
				url ? url : "(null)", status);
	rc = db_prepare_cached(db, &st, "INSERT OR REPLACE INTO robots_cache (url, status, body,"
			       " fetched_at) VALUES (?1, ?2, ?3, ?4)");
	if (!rc)
		rc = db_bind_text(st, 1, url);
	if (!rc)
		rc = db_bind_int(st, 2, status);
	if (!rc)
		rc = db_bind_blob(st, 3, body ? body : "", body ? len : 0);
	if (!rc)
		rc = db_bind_int(st, 4, fetched_at);
	if (!rc)
		rc = db_step(st, NULL);
	db_release(db, st);
	return rc;
}
