/*
 * rcache.c - sharded LRU cache of response bodies (see rcache.h).
 *
 * Each shard is a chained hash table plus a doubly linked recency list,
 * under one mutex; the shard is picked by the key's hash, so two requests
 * contend only when their keys share a shard.  Entries are reference
 * counted: rcache_get() hands out the entry itself (no copy of a 20 KB
 * body per hit), an evicted or replaced entry is unlinked at once and
 * freed by whoever drops the last reference.  Sizes are accounted as key +
 * bodies + a fixed overhead.
 */
#include "rcache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define RC_SHARDS 16
#define RC_BUCKETS 512          /* per shard; chains stay short at our sizes */
#define RC_OVERHEAD 128         /* bytes charged per entry besides its data */

struct rc_entry {
	struct rcache_val val;          /* first: a val pointer is an entry pointer */
	char *key;
	uint64_t hash, gen;
	size_t cost;
	atomic_int refs;                /* the table's reference + every hit's */
	struct rc_entry *chain;         /* next in the bucket */
	struct rc_entry *prev, *next;   /* recency: head = most recent */
};

struct rc_shard {
	pthread_mutex_t mu;
	struct rc_entry *bucket[RC_BUCKETS];
	struct rc_entry *head, *tail;
	size_t bytes, entries;
	uint64_t hits, misses, stale, evictions;
};

struct rcache {
	size_t shard_max;
	struct rc_shard shard[RC_SHARDS];
};

static uint64_t hash_key(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;     /* FNV-1a 64 ... */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	h ^= h >> 33;                           /* ... with a final mix, so the */
	h *= 0xff51afd7ed558ccdULL;             /* low bits pick shards evenly */
	return h ^ (h >> 33);
}

static void entry_unref(struct rc_entry *e)
{
	if (atomic_fetch_sub(&e->refs, 1) == 1) {
		free(e->key);
		free((char *)e->val.body);
		free((char *)e->val.gz);
		free(e);
	}
}

enum tj_code rcache_new(size_t max_bytes, struct rcache **out)
{
	struct rcache *c;

	*out = NULL;
	if (!max_bytes)
		return tj_error(TJ_EINVAL, "a response cache needs a size");
	c = calloc(1, sizeof(*c));
	if (!c)
		return tj_error(TJ_ENOMEM, "out of memory for the response cache");
	c->shard_max = max_bytes / RC_SHARDS ? max_bytes / RC_SHARDS : 1;
	for (int i = 0; i < RC_SHARDS; i++)
		pthread_mutex_init(&c->shard[i].mu, NULL);
	*out = c;
	return TJ_OK;
}

/* Take e out of its shard's table and list (the caller holds the lock)
 * and drop the table's reference. */
static void shard_remove(struct rc_shard *s, struct rc_entry *e)
{
	struct rc_entry **p = &s->bucket[e->hash % RC_BUCKETS];

	while (*p != e)
		p = &(*p)->chain;
	*p = e->chain;
	if (e->prev)
		e->prev->next = e->next;
	else
		s->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		s->tail = e->prev;
	s->bytes -= e->cost;
	s->entries--;
	entry_unref(e);
}

void rcache_free(struct rcache *c)
{
	if (!c)
		return;
	for (int i = 0; i < RC_SHARDS; i++) {
		while (c->shard[i].head)
			shard_remove(&c->shard[i], c->shard[i].head);
		pthread_mutex_destroy(&c->shard[i].mu);
	}
	free(c);
}

static struct rc_entry *shard_find(struct rc_shard *s, const char *key, uint64_t h)
{
	for (struct rc_entry *e = s->bucket[h % RC_BUCKETS]; e; e = e->chain)
		if (e->hash == h && !strcmp(e->key, key))
			return e;
	return NULL;
}

const struct rcache_val *rcache_get(struct rcache *c, const char *key, uint64_t gen)
{
	uint64_t h;
	struct rc_shard *s;
	struct rc_entry *e;

	if (!c || !key)
		return NULL;
	h = hash_key(key);
	s = &c->shard[(h >> 32) % RC_SHARDS];
	pthread_mutex_lock(&s->mu);
	e = shard_find(s, key, h);
	if (e && e->gen != gen) {
		shard_remove(s, e);     /* computed from other data: never served */
		s->stale++;
		e = NULL;
	}
	if (!e) {
		s->misses++;
		pthread_mutex_unlock(&s->mu);
		return NULL;
	}
	if (e != s->head) {             /* move to the front */
		e->prev->next = e->next;
		if (e->next)
			e->next->prev = e->prev;
		else
			s->tail = e->prev;
		e->prev = NULL;
		e->next = s->head;
		s->head->prev = e;
		s->head = e;
	}
	atomic_fetch_add(&e->refs, 1);
	s->hits++;
	pthread_mutex_unlock(&s->mu);
	return &e->val;
}

void rcache_release(struct rcache *c, const struct rcache_val *v)
{
	(void)c;
	if (v)
		entry_unref((struct rc_entry *)(void *)v);
}

static char *dup_bytes(const char *p, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		memcpy(d, p, n);
		d[n] = '\0';
	}
	return d;
}

void rcache_put(struct rcache *c, const char *key, uint64_t gen, const char *body, size_t len,
		const char *gz, size_t gz_len)
{
	struct rc_entry *e, *old;
	struct rc_shard *s;
	size_t klen;

	if (!c || !key || !body)
		return;
	klen = strlen(key);
	if (klen + len + (gz ? gz_len : 0) + RC_OVERHEAD > c->shard_max / 8)
		return;
	e = calloc(1, sizeof(*e));
	if (!e)
		return;
	e->key = dup_bytes(key, klen);
	e->val.body = dup_bytes(body, len);
	e->val.len = len;
	if (gz) {
		e->val.gz = dup_bytes(gz, gz_len);
		e->val.gz_len = gz_len;
	}
	if (!e->key || !e->val.body || (gz && !e->val.gz)) {
		atomic_init(&e->refs, 1);
		entry_unref(e);
		return;
	}
	e->hash = hash_key(key);
	e->gen = gen;
	e->cost = klen + len + (gz ? gz_len : 0) + RC_OVERHEAD;
	atomic_init(&e->refs, 1);       /* the table's */
	s = &c->shard[(e->hash >> 32) % RC_SHARDS];
	pthread_mutex_lock(&s->mu);
	if ((old = shard_find(s, key, e->hash)))
		shard_remove(s, old);
	while (s->tail && s->bytes + e->cost > c->shard_max) {
		shard_remove(s, s->tail);
		s->evictions++;
	}
	e->chain = s->bucket[e->hash % RC_BUCKETS];
	s->bucket[e->hash % RC_BUCKETS] = e;
	e->next = s->head;
	if (s->head)
		s->head->prev = e;
	s->head = e;
	if (!s->tail)
		s->tail = e;
	s->bytes += e->cost;
	s->entries++;
	pthread_mutex_unlock(&s->mu);
}

void rcache_stats(struct rcache *c, struct rcache_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (!c)
		return;
	for (int i = 0; i < RC_SHARDS; i++) {
		struct rc_shard *s = &c->shard[i];

		pthread_mutex_lock(&s->mu);
		st->hits += s->hits;
		st->misses += s->misses;
		st->stale += s->stale;
		st->evictions += s->evictions;
		st->entries += s->entries;
		st->bytes += s->bytes;
		pthread_mutex_unlock(&s->mu);
	}
}
