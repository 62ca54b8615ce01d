/*
 * jobcache.c - the in-memory attribute snapshot (see jobcache.h).
 *
 * Building: one scan of the covering index jobs_attrs (db.c), interning
 * each attribute string into a per-field dictionary through a small
 * open-addressing table, then a sort by id.
 *
 * Freshness, precisely: a snapshot built from a read that started after a
 * connection's baseline contains everything that connection could see at
 * its baseline, and every later commit changes that connection's
 * PRAGMA data_version.  So a connection marks the holder dirty (a) when its
 * data_version moved, and (b) once, if the current snapshot's build began
 * before the connection's baseline.  `seq` orders builds and baselines.
 * Rebuilds hold the holder's lock; concurrent readers wait for the new
 * snapshot rather than serve a stale one.
 *
 * Limits: at most 65535 distinct values per field (more map to "unknown").
 */
#include "jobcache.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "search.h"

/* ---- interning ------------------------------------------------------ */

struct intern {
	char **v;               /* by code - 1 */
	size_t n, cap;
	uint32_t *slot;         /* code or 0, open addressing */
	size_t n_slot;
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

static enum tj_code intern_grow(struct intern *t)
{
	size_t n = t->n_slot ? t->n_slot * 2 : 256;
	uint32_t *s = calloc(n, sizeof(*s));

	if (!s)
		return tj_error(TJ_ENOMEM, "out of memory building the job cache");
	for (size_t i = 0; i < t->n; i++) {
		size_t j = hash_str(t->v[i]) & (n - 1);

		while (s[j])
			j = (j + 1) & (n - 1);
		s[j] = (uint32_t)(i + 1);
	}
	free(t->slot);
	t->slot = s;
	t->n_slot = n;
	return TJ_OK;
}

static enum tj_code intern(struct intern *t, const char *v, uint16_t *code)
{
	size_t j;
	enum tj_code rc;

	*code = 0;
	if (!v)
		return TJ_OK;
	if ((t->n + 1) * 2 > t->n_slot && (rc = intern_grow(t)))
		return rc;
	for (j = hash_str(v) & (t->n_slot - 1); t->slot[j]; j = (j + 1) & (t->n_slot - 1)) {
		if (!strcmp(t->v[t->slot[j] - 1], v)) {
			*code = (uint16_t)t->slot[j];
			return TJ_OK;
		}
	}
	if (t->n >= UINT16_MAX)
		return TJ_OK;   /* out of codes: the value reads as unknown */
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		char **v2 = realloc(t->v, cap * sizeof(*v2));

		if (!v2)
			return tj_error(TJ_ENOMEM, "out of memory building the job cache");
		t->v = v2;
		t->cap = cap;
	}
	if (!(t->v[t->n] = strdup(v)))
		return tj_error(TJ_ENOMEM, "out of memory building the job cache");
	t->slot[j] = (uint32_t)++t->n;
	*code = (uint16_t)t->n;
	return TJ_OK;
}

/* ---- snapshots ------------------------------------------------------ */

void jobcache_ref(struct jobcache *c)
{
	atomic_fetch_add(&c->refs, 1);
}

void jobcache_unref(struct jobcache *c)
{
	if (!c || atomic_fetch_sub(&c->refs, 1) != 1)
		return;
	for (int f = 0; f < JOBCACHE_FIELDS; f++) {
		for (size_t i = 0; i < c->n_dict[f]; i++)
			free(c->dict[f][i]);
		free(c->dict[f]);
	}
	free(c->rows);
	free(c);
}

static int row_cmp(const void *a, const void *b)
{
	const struct jobcache_row *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

enum tj_code jobcache_build(struct db *db, struct jobcache **out)
{
	struct intern tab[JOBCACHE_FIELDS] = { 0 };
	struct jobcache *c = calloc(1, sizeof(*c));
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	enum tj_code rc;
	bool row;

	*out = NULL;
	if (!c)
		return tj_error(TJ_ENOMEM, "out of memory building the job cache");
	atomic_init(&c->refs, 1);
	/* column order: the search fields in enum search_field order */
	/* from the covering index jobs_attrs (db.c), then sorted by id here:
	 * far cheaper than reading the table past each description; the
	 * advertiser falls back to the source's (a lookup in the small sources
	 * table per job), then to "employer", as store.c's dedupe assumes */
	rc = db_prepare(db, &st, "SELECT j.id, j.state, j.date_posted, j.first_seen, j.language,"
			" j.intl_label, j.city, j.employer, j.level, j.employment_type,"
			" coalesce(j.advertiser, s.advertiser, 'employer'), j.remote"
			" FROM jobs j INDEXED BY jobs_attrs LEFT JOIN sources s ON s.id = j.source_id");
	while (!rc && !(rc = db_step(st, &row)) && row) {
		struct jobcache_row *r;
		const char *state = db_col_text(st, 1);
		int64_t posted = search_parse_date(db_col_text(st, 2));

		if (c->n == cap) {
			size_t ncap = cap ? cap * 2 : 4096;
			struct jobcache_row *nr = realloc(c->rows, ncap * sizeof(*nr));

			if (!nr) {
				rc = tj_error(TJ_ENOMEM, "out of memory building the job cache");
				break;
			}
			c->rows = nr;
			cap = ncap;
		}
		r = &c->rows[c->n++];
		memset(r, 0, sizeof(*r));
		r->id = sqlite3_column_int64(st, 0);
		r->first_seen = sqlite3_column_int64(st, 3);
		r->posted = (int32_t)posted;
		r->day = (int32_t)(posted >= 0 ? posted : r->first_seen / 86400);
		r->state = !state ? JC_OTHER : !strcmp(state, "active") ? JC_ACTIVE
			   : !strcmp(state, "expired") ? JC_EXPIRED : JC_OTHER;
		for (int f = 0; f < JOBCACHE_FIELDS && !rc; f++)
			rc = intern(&tab[f], db_col_text(st, 4 + f), &r->code[f]);
	}
	db_finalize(st);
	if (!rc && c->n)        /* an empty database has no rows array at all */
		qsort(c->rows, c->n, sizeof(*c->rows), row_cmp);
	for (int f = 0; f < JOBCACHE_FIELDS; f++) {
		c->dict[f] = tab[f].v;
		c->n_dict[f] = tab[f].n;
		free(tab[f].slot);
	}
	if (rc) {
		jobcache_unref(c);
		return rc;
	}
	*out = c;
	return TJ_OK;
}

size_t jobcache_seek(const struct jobcache *c, size_t from, int64_t id)
{
	size_t step = 1, lo = from, hi;

	if (from >= c->n || c->rows[from].id >= id)
		return from;
	/* gallop: the next match is usually close */
	while (lo + step < c->n && c->rows[lo + step].id < id) {
		lo += step;
		step *= 2;
	}
	hi = lo + step < c->n ? lo + step : c->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->rows[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

uint16_t jobcache_code(const struct jobcache *c, int f, const char *value)
{
	bool nocase = f == SF_CITY || f == SF_EMPLOYER;

	for (size_t i = 0; i < c->n_dict[f]; i++)
		if (nocase ? !strcasecmp(c->dict[f][i], value) : !strcmp(c->dict[f][i], value))
			return (uint16_t)(i + 1);
	return 0;
}

const char *jobcache_value(const struct jobcache *c, int f, uint16_t code)
{
	return code && code <= c->n_dict[f] ? c->dict[f][code - 1] : NULL;
}

/* ---- the holder ----------------------------------------------------- */

void jobcache_holder_init(struct jobcache_holder *h)
{
	pthread_mutex_init(&h->lock, NULL);
	h->cur = NULL;
	atomic_init(&h->dirty, 0);
	atomic_init(&h->seq, 1);
}

void jobcache_holder_release(struct jobcache_holder *h)
{
	jobcache_unref(h->cur);
	h->cur = NULL;
	pthread_mutex_destroy(&h->lock);
}

static enum tj_code data_version(struct db *db, int64_t *out)
{
	sqlite3_stmt *st = NULL;
	enum tj_code rc;
	bool row = false;

	rc = db_prepare(db, &st, "PRAGMA data_version");
	if (!rc)
		rc = db_step(st, &row);
	*out = row ? sqlite3_column_int64(st, 0) : 0;
	db_finalize(st);
	return rc;
}

enum tj_code jobcache_conn_init(struct jobcache_holder *h, struct db *db, struct jobcache_conn *cs)
{
	cs->baseline = atomic_fetch_add(&h->seq, 1);
	return data_version(db, &cs->data_version);
}

enum tj_code jobcache_acquire(struct jobcache_holder *h, struct db *db, struct jobcache_conn *cs,
			      struct jobcache **out)
{
	struct jobcache *c;
	int64_t v;
	enum tj_code rc;

	*out = NULL;
	if ((rc = data_version(db, &v)))
		return rc;
	if (v != cs->data_version) {
		cs->data_version = v;
		atomic_fetch_add(&h->dirty, 1);
	}
	pthread_mutex_lock(&h->lock);
	if (cs->baseline) {
		if (h->cur && h->cur->build_seq < cs->baseline)
			atomic_fetch_add(&h->dirty, 1);
		cs->baseline = 0;
	}
	if (!h->cur || h->cur->dirty_gen != atomic_load(&h->dirty)) {
		/* record both counters before reading a single row */
		uint64_t gen = atomic_load(&h->dirty), seq = atomic_fetch_add(&h->seq, 1);

		if (!(rc = jobcache_build(db, &c))) {
			c->dirty_gen = gen;
			c->build_seq = seq;
			jobcache_unref(h->cur);
			h->cur = c;
		}
	}
	if (!rc) {
		jobcache_ref(h->cur);
		*out = h->cur;
	}
	pthread_mutex_unlock(&h->lock);
	return rc;
}
