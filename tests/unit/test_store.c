/*
 * test_store.c - the database schema and the posting lifecycle
 * (index/db.c, index/store.c) on a real SQLite file in a temp directory.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "store.h"

struct fx {
	char dir[64];
	char path[128];
	struct db *db;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/tj-store-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/t.db", f->dir);
	assert_int_equal(db_open(f->path, false, &f->db), TJ_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[200];

	db_close(f->db);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static int64_t query_int(struct db *db, const char *sql, const char *arg)
{
	sqlite3_stmt *st = NULL;
	bool row = false;
	int64_t v = -1;

	assert_int_equal(db_prepare(db, &st, sql), TJ_OK);
	if (arg)
		assert_int_equal(db_bind_text(st, 1, arg), TJ_OK);
	assert_int_equal(db_step(st, &row), TJ_OK);
	if (row)
		v = sqlite3_column_int64(st, 0);
	db_finalize(st);
	return v;
}

static char *query_text(struct db *db, const char *sql, const char *arg)
{
	sqlite3_stmt *st = NULL;
	bool row = false;
	char *v = NULL;

	assert_int_equal(db_prepare(db, &st, sql), TJ_OK);
	if (arg)
		assert_int_equal(db_bind_text(st, 1, arg), TJ_OK);
	assert_int_equal(db_step(st, &row), TJ_OK);
	if (row && db_col_text(st, 0))
		v = strdup(db_col_text(st, 0));
	db_finalize(st);
	return v;
}

static void make_posting(struct posting *p, const char *url, const char *title)
{
	posting_init(p);
	assert_int_equal(posting_set(&p->source_id, "acme"), TJ_OK);
	assert_int_equal(posting_set(&p->url, url), TJ_OK);
	assert_int_equal(posting_set(&p->title, title), TJ_OK);
	assert_int_equal(posting_set(&p->employer, "Acme BV"), TJ_OK);
	assert_int_equal(posting_set(&p->location, "Enschede"), TJ_OK);
	/* distinct per url: same title, town and text would be near-duplicates (dedupe.h) */
	char text[256];

	snprintf(text, sizeof(text), "Build robots in Twente, vacancy %s.", url);
	assert_int_equal(posting_set(&p->description, text), TJ_OK);
	assert_int_equal(posting_set(&p->valid_through, "2999-01-01"), TJ_OK);
}

static int64_t run(struct fx *f, bool complete, const char *status, const char **urls, size_t n)
{
	int64_t run_id;
	struct run_stats st = { .status = status, .complete = complete };

	assert_int_equal(store_run_begin(f->db, "acme", &run_id), TJ_OK);
	for (size_t i = 0; i < n; i++) {
		struct posting p;

		make_posting(&p, urls[i], "Mechanical Engineer");
		assert_int_equal(store_posting(f->db, &p, urls[i], run_id, NULL), TJ_OK);
		posting_release(&p);
	}
	st.postings = (long)n;
	assert_int_equal(store_run_finish(f->db, run_id, "acme", &st, NULL), TJ_OK);
	return run_id;
}

static void test_schema_version(void **state)
{
	struct fx *f = *state;

	assert_int_equal(query_int(f->db, "PRAGMA user_version", NULL), db_schema_version());
	char *mode = query_text(f->db, "PRAGMA journal_mode", NULL);

	assert_non_null(mode);
	assert_string_equal(mode, "wal");
	free(mode);
}

static void test_newer_schema_refused(void **state)
{
	struct fx *f = *state;
	struct db *db2 = NULL;

	assert_int_equal(db_exec(f->db, "PRAGMA user_version = 999"), TJ_OK);
	assert_int_equal(db_open(f->path, false, &db2), TJ_EDB);
	assert_null(db2);
	assert_non_null(strstr(tj_errmsg(), "schema version 999"));
	assert_int_equal(db_exec(f->db, "PRAGMA user_version = 2"), TJ_OK);
}

static void test_new_unchanged_changed(void **state)
{
	struct fx *f = *state;
	struct posting p;
	enum store_outcome oc;
	int64_t run_id;

	assert_int_equal(store_run_begin(f->db, "acme", &run_id), TJ_OK);
	make_posting(&p, "https://acme.example/jobs/1", "Mechanical Engineer");
	assert_int_equal(store_posting(f->db, &p, p.url, run_id, &oc), TJ_OK);
	assert_int_equal(oc, STORE_NEW);
	assert_int_equal(store_posting(f->db, &p, p.url, run_id, &oc), TJ_OK);
	assert_int_equal(oc, STORE_UNCHANGED);
	assert_int_equal(posting_set(&p.title, "Senior Mechanical Engineer"), TJ_OK);
	assert_int_equal(store_posting(f->db, &p, p.url, run_id, &oc), TJ_OK);
	assert_int_equal(oc, STORE_CHANGED);
	posting_release(&p);

	assert_int_equal(query_int(f->db, "SELECT count(*) FROM jobs", NULL), 1);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM job_history", NULL), 1);
	/* the previous version is what history keeps */
	char *old = query_text(f->db, "SELECT posting_json FROM job_history", NULL);
	assert_non_null(old);
	assert_non_null(strstr(old, "\"title\":\"Mechanical Engineer\""));
	free(old);
	/* the FTS index follows the update trigger */
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM jobs_fts WHERE jobs_fts MATCH ?1",
				   "senior"), 1);
}

static void test_identifier_key_beats_url(void **state)
{
	struct fx *f = *state;
	struct posting p;
	enum store_outcome oc;

	make_posting(&p, "https://acme.example/jobs/1?lang=en", "Engineer");
	assert_int_equal(posting_set(&p.ext_id, "VAC-1"), TJ_OK);
	assert_int_equal(store_posting(f->db, &p, p.url, 1, &oc), TJ_OK);
	assert_int_equal(posting_set(&p.url, "https://acme.example/jobs/1?lang=nl"), TJ_OK);
	assert_int_equal(store_posting(f->db, &p, p.url, 1, &oc), TJ_OK);
	assert_int_equal(oc, STORE_CHANGED);  /* the url changed, the identity did not */
	posting_release(&p);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM jobs", NULL), 1);
}

static void test_expire_after_two_complete_runs(void **state)
{
	struct fx *f = *state;
	const char *both[] = { "https://acme.example/a", "https://acme.example/b" };
	const char *one[] = { "https://acme.example/a" };

	run(f, true, "ok", both, 2);
	run(f, true, "ok", one, 1);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM jobs WHERE state = 'active'", NULL), 2);
	run(f, true, "ok", one, 1);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM jobs WHERE state = 'expired'", NULL), 1);
	char *gone = query_text(f->db, "SELECT url FROM jobs WHERE state = 'expired'", NULL);
	assert_string_equal(gone, "https://acme.example/b");
	free(gone);
	/* it reappears: active again, nothing duplicated */
	run(f, true, "ok", both, 2);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM jobs WHERE state = 'active'", NULL), 2);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM jobs", NULL), 2);
}

static void test_failed_runs_never_expire(void **state)
{
	struct fx *f = *state;
	const char *both[] = { "https://acme.example/a", "https://acme.example/b" };

	run(f, true, "ok", both, 2);
	for (int i = 0; i < 3; i++) {
		run(f, false, "partial", NULL, 0);
		run(f, true, "failed", NULL, 0);
		run(f, false, "blocked", NULL, 0);
	}
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM jobs WHERE state = 'active'", NULL), 2);
	assert_int_equal(query_int(f->db, "SELECT max(missed_runs) FROM jobs", NULL), 0);
}

static void test_valid_through_past_expires(void **state)
{
	struct fx *f = *state;
	struct posting p;

	make_posting(&p, "https://acme.example/old", "Old job");
	assert_int_equal(posting_set(&p.valid_through, "2001-01-01"), TJ_OK);
	assert_int_equal(store_posting(f->db, &p, p.url, 1, NULL), TJ_OK);
	posting_release(&p);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM jobs WHERE state = 'expired'", NULL), 1);
}

static void test_touch_page_counts_as_seen(void **state)
{
	struct fx *f = *state;
	const char *both[] = { "https://acme.example/a", "https://acme.example/b" };
	int64_t run_id;
	long n = 0;
	struct run_stats st = { .status = "ok", .complete = true };

	run(f, true, "ok", both, 2);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(store_run_begin(f->db, "acme", &run_id), TJ_OK);
		/* both pages answer 304 Not Modified */
		assert_int_equal(store_touch_page(f->db, both[0], run_id, &n), TJ_OK);
		assert_int_equal(n, 1);
		assert_int_equal(store_touch_page(f->db, both[1], run_id, &n), TJ_OK);
		assert_int_equal(store_run_finish(f->db, run_id, "acme", &st, NULL), TJ_OK);
	}
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM jobs WHERE state = 'active'", NULL), 2);
}

static void test_page_validators(void **state)
{
	struct fx *f = *state;
	char *etag, *lm;

	assert_int_equal(store_page_fetched(f->db, "https://a/x", "acme", 1, 200, "\"abc\"",
					    "Tue, 01 Dec 2026 10:00:00 GMT", NULL), TJ_OK);
	assert_int_equal(store_page_fetched(f->db, "https://a/x", "acme", 2, 304, NULL, NULL, NULL), TJ_OK);
	assert_int_equal(store_page_validators(f->db, "https://a/x", &etag, &lm), TJ_OK);
	assert_string_equal(etag, "\"abc\"");
	assert_string_equal(lm, "Tue, 01 Dec 2026 10:00:00 GMT");
	free(etag);
	free(lm);
	/* queueing the page for the next run must keep what conditional GET needs */
	assert_int_equal(store_page_queue(f->db, "https://a/x", "acme", 3, 1), TJ_OK);
	assert_int_equal(store_page_validators(f->db, "https://a/x", &etag, &lm), TJ_OK);
	assert_string_equal(etag, "\"abc\"");
	free(etag);
	free(lm);
	assert_int_equal(store_page_validators(f->db, "https://a/unknown", &etag, &lm), TJ_OK);
	assert_null(etag);
	assert_null(lm);
}

static void test_run_stats_stored(void **state)
{
	struct fx *f = *state;
	int64_t run_id;
	json_t *kinds = json_pack("{s:i}", "http_500", 3);
	struct run_stats st = { .status = "partial", .pages = 7, .errors = 3,
				.robots_blocked = 2, .errors_by_kind = kinds,
				.message = "3 pages answered 500" };

	assert_int_equal(store_run_begin(f->db, "acme", &run_id), TJ_OK);
	assert_int_equal(store_run_finish(f->db, run_id, "acme", &st, NULL), TJ_OK);
	json_decref(kinds);
	assert_int_equal(query_int(f->db, "SELECT robots_blocked FROM crawl_runs", NULL), 2);
	char *e = query_text(f->db, "SELECT errors_json FROM crawl_runs", NULL);
	assert_string_equal(e, "{\"http_500\":3}");
	free(e);
}

static void test_statement_cache(void **state)
{
	struct fx *f = *state;
	static const char sql[] = "SELECT count(*) FROM jobs WHERE source_id = ?1";
	sqlite3_stmt *a = NULL, *b = NULL, *c = NULL;
	bool row = false;

	assert_int_equal(db_prepare_cached(f->db, &a, sql), TJ_OK);
	assert_int_equal(db_bind_text(a, 1, "acme"), TJ_OK);
	/* in use: a re-entrant caller gets its own statement */
	assert_int_equal(db_prepare_cached(f->db, &b, sql), TJ_OK);
	assert_ptr_not_equal(a, b);
	db_release(f->db, b);
	assert_int_equal(db_step(a, &row), TJ_OK);
	assert_true(row);
	db_release(f->db, a);
	/* released: the same compiled statement comes back, reset and unbound */
	assert_int_equal(db_prepare_cached(f->db, &c, sql), TJ_OK);
	assert_ptr_equal(a, c);
	assert_int_equal(db_step(c, &row), TJ_OK);
	assert_true(row);
	assert_int_equal(sqlite3_column_int(c, 0), 0);   /* NULL binding: no rows match */
	db_release(f->db, c);
}

static void test_missing_fields_rejected(void **state)
{
	struct fx *f = *state;
	struct posting p;

	posting_init(&p);
	assert_int_equal(store_posting(f->db, &p, NULL, 1, NULL), TJ_EINVAL);
	posting_release(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_schema_version, setup, teardown),
		cmocka_unit_test_setup_teardown(test_newer_schema_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_new_unchanged_changed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_identifier_key_beats_url, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expire_after_two_complete_runs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_runs_never_expire, setup, teardown),
		cmocka_unit_test_setup_teardown(test_valid_through_past_expires, setup, teardown),
		cmocka_unit_test_setup_teardown(test_touch_page_counts_as_seen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_page_validators, setup, teardown),
		cmocka_unit_test_setup_teardown(test_run_stats_stored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_fields_rejected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_statement_cache, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
