/*
 * test_frontier.c - scheduling and politeness of spider/frontier.c:
 * robots.txt first, one item per host at a time, the gap after done,
 * dedupe, draining, dead hosts.
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

#include "frontier.h"
#include "robots.h"

static void add(struct frontier *f, const char *url, const char *host, bool expect_added)
{
	bool added;

	assert_int_equal(frontier_add(f, url, host, 0, 0, 0, 0, &added), TJ_OK);
	assert_int_equal(added, expect_added);
}

static void test_robots_first_then_pages(void **state)
{
	struct frontier *f;
	struct frontier_item it;
	atomic_int stop = 0;

	(void)state;
	assert_int_equal(frontier_new(&f), TJ_OK);
	add(f, "https://a.example/jobs/", "a.example", true);
	add(f, "https://a.example/jobs/1", "a.example", true);
	assert_int_equal(frontier_next(f, &it, &stop), TJ_OK);
	assert_int_equal(it.kind, ITEM_ROBOTS);
	assert_string_equal(it.url, "https://a.example/robots.txt");
	frontier_set_robots(f, it.host, robots_allow_all());
	frontier_done(f, it.host, false, 0.0);
	frontier_item_release(&it);
	assert_int_equal(frontier_next(f, &it, &stop), TJ_OK);
	assert_int_equal(it.kind, ITEM_PAGE);
	assert_string_equal(it.url, "https://a.example/jobs/");   /* FIFO */
	assert_non_null(it.robots);
	frontier_done(f, it.host, false, 0.0);
	frontier_item_release(&it);
	assert_int_equal(frontier_next(f, &it, &stop), TJ_OK);
	assert_string_equal(it.url, "https://a.example/jobs/1");
	frontier_done(f, it.host, false, 0.0);
	frontier_item_release(&it);
	/* nothing queued, nothing busy: drained */
	assert_int_equal(frontier_next(f, &it, &stop), TJ_ENOTFOUND);
	frontier_free(f);
}

static void test_seen_set_dedupes(void **state)
{
	struct frontier *f;
	char url[64];

	(void)state;
	assert_int_equal(frontier_new(&f), TJ_OK);
	add(f, "https://a.example/x", "a.example", true);
	add(f, "https://a.example/x", "a.example", false);
	assert_int_equal(frontier_mark_seen(f, "https://a.example/done"), TJ_OK);
	add(f, "https://a.example/done", "a.example", false);
	/* growth of the hash set keeps every entry */
	for (int i = 0; i < 5000; i++) {
		snprintf(url, sizeof(url), "https://b.example/%d", i);
		add(f, url, "b.example", true);
	}
	for (int i = 0; i < 5000; i += 97) {
		snprintf(url, sizeof(url), "https://b.example/%d", i);
		add(f, url, "b.example", false);
	}
	struct frontier_stats st;
	frontier_stats(f, &st);
	assert_int_equal(st.queued, 5001);
	assert_int_equal(st.hosts, 2);
	frontier_free(f);
}

static void test_gap_is_respected(void **state)
{
	struct frontier *f;
	struct frontier_item it;
	atomic_int stop = 0;
	double t0, t1;

	(void)state;
	assert_int_equal(frontier_new(&f), TJ_OK);
	add(f, "https://a.example/1", "a.example", true);
	add(f, "https://a.example/2", "a.example", true);
	assert_int_equal(frontier_next(f, &it, &stop), TJ_OK);   /* robots */
	frontier_set_robots(f, it.host, robots_allow_all());
	frontier_done(f, it.host, false, 0.0);
	frontier_item_release(&it);
	assert_int_equal(frontier_next(f, &it, &stop), TJ_OK);
	t0 = frontier_now();
	frontier_done(f, it.host, true, 0.3);
	frontier_item_release(&it);
	assert_int_equal(frontier_next(f, &it, &stop), TJ_OK);
	t1 = frontier_now();
	assert_true(t1 - t0 >= 0.299);
	frontier_done(f, it.host, false, 0.0);
	frontier_item_release(&it);
	frontier_free(f);
}

static void test_host_minimum_delay(void **state)
{
	struct frontier *f;
	struct frontier_item it;
	atomic_int stop = 0;
	double t0;

	(void)state;
	assert_int_equal(frontier_new(&f), TJ_OK);
	add(f, "https://a.example/1", "a.example", true);
	add(f, "https://a.example/2", "a.example", true);
	/* Crawl-delay / rule delay: a shorter gap from the worker is raised */
	assert_int_equal(frontier_host_delay(f, "a.example", 0.25), TJ_OK);
	assert_int_equal(frontier_next(f, &it, &stop), TJ_OK);
	frontier_set_robots(f, it.host, robots_allow_all());
	frontier_done(f, it.host, false, 0.0);
	frontier_item_release(&it);
	assert_int_equal(frontier_next(f, &it, &stop), TJ_OK);
	t0 = frontier_now();
	frontier_done(f, it.host, true, 0.01);
	frontier_item_release(&it);
	assert_int_equal(frontier_next(f, &it, &stop), TJ_OK);
	assert_true(frontier_now() - t0 >= 0.249);
	frontier_done(f, it.host, false, 0.0);
	frontier_item_release(&it);
	frontier_free(f);
}

static void test_busy_host_not_handed_twice(void **state)
{
	struct frontier *f;
	struct frontier_item a, b;
	atomic_int stop = 0;

	(void)state;
	assert_int_equal(frontier_new(&f), TJ_OK);
	add(f, "https://a.example/1", "a.example", true);
	add(f, "https://a.example/2", "a.example", true);
	add(f, "https://b.example/1", "b.example", true);
	assert_int_equal(frontier_next(f, &a, &stop), TJ_OK);
	assert_int_equal(frontier_next(f, &b, &stop), TJ_OK);
	/* two robots items for two different hosts, never the same host twice */
	assert_string_not_equal(a.host, b.host);
	frontier_set_robots(f, a.host, robots_allow_all());
	frontier_set_robots(f, b.host, robots_allow_all());
	frontier_done(f, a.host, false, 0.0);
	frontier_done(f, b.host, false, 0.0);
	frontier_item_release(&a);
	frontier_item_release(&b);
	assert_int_equal(frontier_next(f, &a, &stop), TJ_OK);
	assert_int_equal(frontier_next(f, &b, &stop), TJ_OK);
	assert_string_not_equal(a.host, b.host);
	frontier_done(f, a.host, false, 0.0);
	frontier_done(f, b.host, false, 0.0);
	frontier_item_release(&a);
	frontier_item_release(&b);
	frontier_free(f);
}

static void test_dead_host_drains(void **state)
{
	struct frontier *f;
	struct frontier_item it;
	atomic_int stop = 0;
	int dead = 0;

	(void)state;
	assert_int_equal(frontier_new(&f), TJ_OK);
	add(f, "https://a.example/1", "a.example", true);
	add(f, "https://a.example/2", "a.example", true);
	add(f, "https://a.example/3", "a.example", true);
	assert_int_equal(frontier_next(f, &it, &stop), TJ_OK);
	frontier_set_robots(f, it.host, robots_allow_all());
	frontier_done(f, it.host, false, 0.0);
	frontier_item_release(&it);
	assert_int_equal(frontier_next(f, &it, &stop), TJ_OK);
	frontier_kill_host(f, it.host);
	frontier_done(f, it.host, true, 100.0);   /* a long backoff must not delay draining */
	frontier_item_release(&it);
	while (frontier_next(f, &it, &stop) == TJ_OK) {
		assert_true(it.host_dead);
		dead++;
		frontier_item_release(&it);
	}
	assert_int_equal(dead, 2);
	frontier_free(f);
}

static void test_robots_retry_counts(void **state)
{
	struct frontier *f;
	struct frontier_item it;
	atomic_int stop = 0;

	(void)state;
	assert_int_equal(frontier_new(&f), TJ_OK);
	add(f, "https://a.example/1", "a.example", true);
	assert_int_equal(frontier_next(f, &it, &stop), TJ_OK);
	assert_int_equal(it.kind, ITEM_ROBOTS);
	assert_int_equal(frontier_robots_retry(f, it.host, 0.01), 1);
	frontier_done(f, it.host, true, 0.01);
	frontier_item_release(&it);
	assert_int_equal(frontier_next(f, &it, &stop), TJ_OK);
	assert_int_equal(it.kind, ITEM_ROBOTS);     /* asked again */
	assert_int_equal(frontier_robots_retry(f, it.host, 0.01), 2);
	frontier_done(f, it.host, true, 0.01);
	frontier_item_release(&it);
	frontier_free(f);
}

static void *stopper(void *arg)
{
	atomic_int *stop = arg;

	atomic_store(stop, 1);
	return NULL;
}

static void test_stop_flag(void **state)
{
	struct frontier *f;
	struct frontier_item it, busy;
	atomic_int stop = 0;
	pthread_t t;

	(void)state;
	assert_int_equal(frontier_new(&f), TJ_OK);
	add(f, "https://a.example/1", "a.example", true);
	assert_int_equal(frontier_next(f, &busy, &stop), TJ_OK);  /* host busy: next would wait */
	assert_int_equal(pthread_create(&t, NULL, stopper, &stop), 0);
	assert_int_equal(frontier_next(f, &it, &stop), TJ_EINTR);
	pthread_join(t, NULL);
	frontier_item_release(&busy);
	frontier_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_robots_first_then_pages),
		cmocka_unit_test(test_seen_set_dedupes),
		cmocka_unit_test(test_gap_is_respected),
		cmocka_unit_test(test_host_minimum_delay),
		cmocka_unit_test(test_busy_host_not_handed_twice),
		cmocka_unit_test(test_dead_host_drains),
		cmocka_unit_test(test_robots_retry_counts),
		cmocka_unit_test(test_stop_flag),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
