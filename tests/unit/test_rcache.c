/*
 * test_rcache.c - the API's response cache (api/rcache.c): hits, stale
 * generations, the byte bound with least-recently-used eviction, references
 * that outlive eviction, and many threads at once (run it under TSan/ASan).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rcache.h"

static void test_hit_miss_and_generation(void **state)
{
	struct rcache *c = NULL;
	const struct rcache_val *v;
	struct rcache_stats st;

	(void)state;
	assert_int_equal(rcache_new(0, &c), TJ_EINVAL);
	assert_null(c);
	assert_int_equal(rcache_new(1 << 20, &c), TJ_OK);
	assert_null(rcache_get(c, "/jobs?q=engineer", 1));
	rcache_put(c, "/jobs?q=engineer", 1, "{\"total\":3}", 11, "GZ", 2);
	v = rcache_get(c, "/jobs?q=engineer", 1);
	assert_non_null(v);
	assert_int_equal(v->len, 11);
	assert_memory_equal(v->body, "{\"total\":3}", 11);
	assert_int_equal(v->gz_len, 2);
	assert_memory_equal(v->gz, "GZ", 2);
	rcache_release(c, v);
	/* another key, even a prefix, is another entry */
	assert_null(rcache_get(c, "/jobs?q=engineers", 1));
	assert_null(rcache_get(c, "/jobs?q=enginee", 1));
	/* the database changed: the old answer is never served, and dropped */
	assert_null(rcache_get(c, "/jobs?q=engineer", 2));
	assert_null(rcache_get(c, "/jobs?q=engineer", 1));
	rcache_stats(c, &st);
	assert_int_equal(st.hits, 1);
	assert_int_equal(st.stale, 1);
	assert_int_equal(st.misses, 5);
	assert_int_equal(st.entries, 0);
	assert_int_equal(st.bytes, 0);
	/* without a gzip form */
	rcache_put(c, "k", 7, "body", 4, NULL, 0);
	v = rcache_get(c, "k", 7);
	assert_non_null(v);
	assert_null(v->gz);
	assert_string_equal(v->body, "body");
	rcache_release(c, v);
	rcache_release(c, NULL);
	rcache_free(c);
	rcache_free(NULL);
}

static void test_replace_keeps_old_reference_valid(void **state)
{
	struct rcache *c = NULL;
	const struct rcache_val *old, *neu;
	struct rcache_stats st;

	(void)state;
	assert_int_equal(rcache_new(1 << 20, &c), TJ_OK);
	rcache_put(c, "k", 1, "first", 5, NULL, 0);
	old = rcache_get(c, "k", 1);
	assert_non_null(old);
	rcache_put(c, "k", 2, "second", 6, NULL, 0);
	neu = rcache_get(c, "k", 2);
	assert_non_null(neu);
	assert_string_equal(neu->body, "second");
	/* the replaced entry is still readable by its holder (ASan checks) */
	assert_string_equal(old->body, "first");
	rcache_release(c, old);
	rcache_release(c, neu);
	rcache_stats(c, &st);
	assert_int_equal(st.entries, 1);
	rcache_free(c);
}

/* The byte bound holds, and the least recently used entries go first. */
static void test_lru_eviction(void **state)
{
	struct rcache *c = NULL;
	struct rcache_stats st;
	char key[32], body[1000];
	const struct rcache_val *v;
	int kept = 0;

	(void)state;
	memset(body, 'x', sizeof(body));
	/* 16 shards of 16 KB: each holds about 14 of these 1.1 KB entries */
	assert_int_equal(rcache_new(256 * 1024, &c), TJ_OK);
	for (int i = 0; i < 1000; i++) {
		snprintf(key, sizeof(key), "key-%d", i);
		rcache_put(c, key, 1, body, sizeof(body), NULL, 0);
		/* key-0 is read after every put: always the most recent */
		v = rcache_get(c, "key-0", 1);
		assert_non_null(v);
		rcache_release(c, v);
	}
	rcache_stats(c, &st);
	assert_true(st.bytes <= 256 * 1024);
	assert_true(st.evictions > 700);
	assert_int_equal(st.entries + st.evictions, 1000);
	for (int i = 0; i < 1000; i++) {
		snprintf(key, sizeof(key), "key-%d", i);
		if ((v = rcache_get(c, key, 1))) {
			kept++;
			rcache_release(c, v);
		}
	}
	assert_int_equal((size_t)kept, st.entries);
	/* the oldest unread entries went first: the last ones put are there */
	v = rcache_get(c, "key-999", 1);
	assert_non_null(v);
	rcache_release(c, v);
	/* a response too big for its shard is not cached at all */
	{
		char *big = calloc(1, 64 * 1024);

		assert_non_null(big);
		rcache_put(c, "big", 1, big, 64 * 1024, NULL, 0);
		assert_null(rcache_get(c, "big", 1));
		free(big);
	}
	rcache_free(c);
}

struct hammer {
	struct rcache *c;
	int seed;
	long hits, bad;
};

static void *hammer_main(void *arg)
{
	struct hammer *h = arg;
	unsigned x = (unsigned)h->seed * 2654435761u + 1;
	char key[32], body[64];

	for (int i = 0; i < 20000; i++) {
		const struct rcache_val *v;
		int k, gen;

		x = x * 1103515245u + 12345u;
		k = (int)((x >> 16) % 200);
		gen = (int)((x >> 8) % 3 == 0);
		snprintf(key, sizeof(key), "q=%d", k);
		if ((v = rcache_get(h->c, key, (uint64_t)gen))) {
			/* a hit is the body put for this key and generation */
			snprintf(body, sizeof(body), "%s@%d", key, gen);
			if (strcmp(v->body, body))
				h->bad++;       /* cmocka asserts belong to the main thread */
			h->hits++;
			rcache_release(h->c, v);
		} else {
			snprintf(body, sizeof(body), "%s@%d", key, gen);
			rcache_put(h->c, key, (uint64_t)gen, body, strlen(body), NULL, 0);
		}
	}
	return NULL;
}

static void test_threads(void **state)
{
	struct rcache *c = NULL;
	struct hammer h[4];
	pthread_t t[4];
	long hits = 0, bad = 0;

	(void)state;
	assert_int_equal(rcache_new(64 * 1024, &c), TJ_OK);
	for (int i = 0; i < 4; i++) {
		h[i] = (struct hammer){ .c = c, .seed = i + 1 };
		assert_int_equal(pthread_create(&t[i], NULL, hammer_main, &h[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		hits += h[i].hits;
		bad += h[i].bad;
	}
	assert_true(hits > 0);
	assert_int_equal(bad, 0);
	rcache_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hit_miss_and_generation),
		cmocka_unit_test(test_replace_keeps_old_reference_valid),
		cmocka_unit_test(test_lru_eviction),
		cmocka_unit_test(test_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
