/*
 * test_robots_cache.c - robots.txt answers kept between crawls
 * (index/robots_cache.c) on a real database in a temp directory.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "fixture.h"
#include "robots_cache.h"

struct fx {
	char dir[64];
	struct db *db;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(db_open(fx_db_path(f->dir, sizeof(f->dir)), false, &f->db), TJ_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	db_close(f->db);
	fx_rm_dir(f->dir);
	free(f);
	return 0;
}

static void test_put_load_find(void **state)
{
	struct fx *f = *state;
	struct robots_cache *c = NULL;
	const struct robots_cache_entry *e;
	static const char body[] = "User-agent: *\nDisallow: /private/\n";
	/* a robots.txt may hold a NUL: the length is kept, not strlen */
	static const char nul_body[] = "User-agent: *\0junk\nDisallow: /x\n";

	assert_int_equal(robots_cache_put(f->db, "https://a.example/robots.txt", 200, body,
					  strlen(body), 1000), TJ_OK);
	assert_int_equal(robots_cache_put(f->db, "https://b.example/robots.txt", 404, NULL, 0, 1000),
			 TJ_OK);
	assert_int_equal(robots_cache_put(f->db, "http://c.example:8080/robots.txt", 200, nul_body,
					  sizeof(nul_body) - 1, 1000), TJ_OK);
	assert_int_equal(robots_cache_load(f->db, 0, &c), TJ_OK);

	e = robots_cache_find(c, "https://a.example/robots.txt");
	assert_non_null(e);
	assert_int_equal(e->status, 200);
	assert_int_equal(e->len, strlen(body));
	assert_memory_equal(e->body, body, e->len);
	assert_int_equal(e->fetched_at, 1000);
	e = robots_cache_find(c, "https://b.example/robots.txt");
	assert_non_null(e);
	assert_int_equal(e->status, 404);
	assert_int_equal(e->len, 0);
	e = robots_cache_find(c, "http://c.example:8080/robots.txt");
	assert_non_null(e);
	assert_int_equal(e->len, sizeof(nul_body) - 1);
	assert_memory_equal(e->body, nul_body, e->len);
	/* the scheme and port are part of the key (RFC 9309 2.3) */
	assert_null(robots_cache_find(c, "http://a.example/robots.txt"));
	assert_null(robots_cache_find(c, "http://c.example/robots.txt"));
	assert_null(robots_cache_find(c, NULL));
	assert_null(robots_cache_find(NULL, "https://a.example/robots.txt"));
	robots_cache_free(c);
}

static void test_age_and_replace(void **state)
{
	struct fx *f = *state;
	struct robots_cache *c = NULL;
	const struct robots_cache_entry *e;

	assert_int_equal(robots_cache_put(f->db, "https://old.example/robots.txt", 200, "a", 1, 100),
			 TJ_OK);
	assert_int_equal(robots_cache_put(f->db, "https://new.example/robots.txt", 200, "b", 1, 5000),
			 TJ_OK);
	/* too old for this crawl: not loaded, so it is fetched again */
	assert_int_equal(robots_cache_load(f->db, 1000, &c), TJ_OK);
	assert_null(robots_cache_find(c, "https://old.example/robots.txt"));
	assert_non_null(robots_cache_find(c, "https://new.example/robots.txt"));
	robots_cache_free(c);

	/* a newer answer replaces the old one */
	assert_int_equal(robots_cache_put(f->db, "https://old.example/robots.txt", 410, NULL, 0, 6000),
			 TJ_OK);
	assert_int_equal(robots_cache_load(f->db, 1000, &c), TJ_OK);
	e = robots_cache_find(c, "https://old.example/robots.txt");
	assert_non_null(e);
	assert_int_equal(e->status, 410);
	assert_int_equal(e->fetched_at, 6000);
	robots_cache_free(c);
}

/* 5xx and unreachable mean "disallow all for now and retry": never kept */
static void test_transient_answers_refused(void **state)
{
	struct fx *f = *state;
	struct robots_cache *c = NULL;

	assert_int_equal(robots_cache_put(f->db, "https://a.example/robots.txt", 503, NULL, 0, 1),
			 TJ_EINVAL);
	assert_int_equal(robots_cache_put(f->db, "https://a.example/robots.txt", 0, NULL, 0, 1),
			 TJ_EINVAL);
	assert_int_equal(robots_cache_put(f->db, "https://a.example/robots.txt", 304, NULL, 0, 1),
			 TJ_EINVAL);
	assert_int_equal(robots_cache_put(f->db, NULL, 200, "x", 1, 1), TJ_EINVAL);
	assert_int_equal(robots_cache_load(f->db, 0, &c), TJ_OK);
	assert_null(robots_cache_find(c, "https://a.example/robots.txt"));
	robots_cache_free(c);
	robots_cache_free(NULL);
}

/* many hosts: the sorted lookup finds every one */
static void test_many_hosts(void **state)
{
	struct fx *f = *state;
	struct robots_cache *c = NULL;
	char url[64];

	assert_int_equal(db_begin(f->db), TJ_OK);
	for (int i = 0; i < 300; i++) {
		snprintf(url, sizeof(url), "https://h%03d.example/robots.txt", (i * 7919) % 300);
		assert_int_equal(robots_cache_put(f->db, url, 200, url, strlen(url), 10), TJ_OK);
	}
	assert_int_equal(db_commit(f->db), TJ_OK);
	assert_int_equal(robots_cache_load(f->db, 0, &c), TJ_OK);
	for (int i = 0; i < 300; i++) {
		const struct robots_cache_entry *e;

		snprintf(url, sizeof(url), "https://h%03d.example/robots.txt", i);
		e = robots_cache_find(c, url);
		assert_non_null(e);
		assert_string_equal(e->body, url);
	}
	assert_null(robots_cache_find(c, "https://h300.example/robots.txt"));
	robots_cache_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_put_load_find, setup, teardown),
		cmocka_unit_test_setup_teardown(test_age_and_replace, setup, teardown),
		cmocka_unit_test_setup_teardown(test_transient_answers_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_hosts, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
