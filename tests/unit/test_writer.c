/*
 * test_writer.c - the crawl's database writer thread (spider/writer.c) on
 * a real SQLite file: messages land in order and in batches, a failing
 * page is rolled back alone, a barrier runs after what precedes it is
 * committed, and the batch's postings reach the full-text index together
 * with the commit (deferred indexing, store_fts_defer in store.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "fixture.h"
#include "store.h"
#include "writer.h"

struct fx {
	char dir[64];
	const char *path;
	struct db *wdb;         /* the writer's connection */
	struct db *rdb;         /* another connection, as the API would read */
	int64_t run;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct source_info src = { .id = "acme", .employer = "Acme BV" };

	assert_non_null(f);
	f->path = fx_db_path(f->dir, sizeof(f->dir));
	assert_int_equal(db_open(f->path, false, &f->wdb), TJ_OK);
	assert_int_equal(db_open(f->path, false, &f->rdb), TJ_OK);
	assert_int_equal(store_source_upsert(f->wdb, &src), TJ_OK);
	assert_int_equal(store_run_begin(f->wdb, "acme", &f->run), TJ_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	db_close(f->wdb);
	db_close(f->rdb);
	fx_rm_dir(f->dir);
	free(f);
	return 0;
}

static int64_t count(struct db *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	bool row = false;
	int64_t v = -1;

	assert_int_equal(db_prepare(db, &st, sql), TJ_OK);
	assert_int_equal(db_step(st, &row), TJ_OK);
	if (row)
		v = sqlite3_column_int64(st, 0);
	db_finalize(st);
	return v;
}

/* How many postings the full-text index finds for word. */
static int64_t matches(struct db *db, const char *word)
{
	char sql[160];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM jobs_fts WHERE jobs_fts MATCH '%s'", word);
	return count(db, sql);
}

static void fts_intact(struct db *db)
{
	assert_int_equal(db_exec(db, "INSERT INTO jobs_fts(jobs_fts, rank) VALUES ('integrity-check', 1)"),
			 TJ_OK);
}

struct outcome {
	int done, failed;
};

static void on_done(void *ctx, const struct wmsg *m, enum tj_code rc, long n_new)
{
	struct outcome *o = ctx;

	(void)m;
	(void)n_new;
	o->done++;
	if (rc)
		o->failed++;
}

/* A message storing one posting titled title on page url (ops W_POSTINGS
 * | W_FETCHED); source NULL makes its page write fail. */
static struct wmsg *msg(struct fx *f, const char *url, const char *title, const char *source,
			struct outcome *o)
{
	struct wmsg *m = calloc(1, sizeof(*m));
	char text[200];

	assert_non_null(m);
	m->ops = W_POSTINGS | W_FETCHED;
	m->source_id = source;
	m->run_id = f->run;
	m->url = strdup(url);
	m->http_status = 200;
	m->postings = calloc(1, sizeof(*m->postings));
	assert_non_null(m->url);
	assert_non_null(m->postings);
	m->n_postings = 1;
	posting_init(&m->postings[0]);
	snprintf(text, sizeof(text), "Work on %s at %s, a vacancy of its own.", title, url);
	assert_int_equal(posting_set(&m->postings[0].source_id, "acme"), TJ_OK);
	assert_int_equal(posting_set(&m->postings[0].url, url), TJ_OK);
	assert_int_equal(posting_set(&m->postings[0].title, title), TJ_OK);
	assert_int_equal(posting_set(&m->postings[0].location, "Enschede"), TJ_OK);
	assert_int_equal(posting_set(&m->postings[0].description, text), TJ_OK);
	m->done = on_done;
	m->ctx = o;
	return m;
}

static void test_messages_committed_and_indexed(void **state)
{
	struct fx *f = *state;
	struct writer *w = NULL;
	struct writer_stats st;
	struct outcome o = { 0, 0 };
	char url[64], title[64];

	assert_int_equal(writer_start(f->wdb, &w), TJ_OK);
	for (int i = 0; i < 150; i++) {
		snprintf(url, sizeof(url), "https://acme.example/jobs/%d", i);
		snprintf(title, sizeof(title), "%s Technician %d", i % 2 ? "Walrus" : "Okapi", i);
		assert_int_equal(writer_send(w, msg(f, url, title, "acme", &o)), TJ_OK);
	}
	writer_stop(w, &st);
	assert_int_equal(o.done, 150);
	assert_int_equal(o.failed, 0);
	assert_int_equal(st.messages, 150);
	assert_true(st.commits >= 1 && st.commits <= 150);
	assert_true(st.cpu_s >= 0);
	/* every posting is in the table and, through another connection, in
	 * the full-text index */
	assert_int_equal(count(f->rdb, "SELECT count(*) FROM jobs"), 150);
	assert_int_equal(count(f->rdb, "SELECT count(*) FROM pages WHERE state = 'done'"), 150);
	assert_int_equal(matches(f->rdb, "walrus"), 75);
	assert_int_equal(matches(f->rdb, "okapi"), 75);
	fts_intact(f->rdb);
}

/* A page whose writes fail is rolled back alone: its posting is neither
 * stored nor indexed, and its neighbours in the same batch are both. */
static void test_failed_page_rolled_back_alone(void **state)
{
	struct fx *f = *state;
	struct writer *w = NULL;
	struct outcome o = { 0, 0 };

	/* page 2's write fails (NULL source); its error is logged on stderr */
	assert_int_equal(writer_start(f->wdb, &w), TJ_OK);
	assert_int_equal(writer_send(w, msg(f, "https://acme.example/1", "Walrus Keeper", "acme", &o)), TJ_OK);
	assert_int_equal(writer_send(w, msg(f, "https://acme.example/2", "Giraffe Keeper", NULL, &o)), TJ_OK);
	assert_int_equal(writer_send(w, msg(f, "https://acme.example/3", "Okapi Keeper", "acme", &o)), TJ_OK);
	writer_stop(w, NULL);
	assert_int_equal(o.done, 3);
	assert_int_equal(o.failed, 1);
	assert_int_equal(count(f->rdb, "SELECT count(*) FROM jobs"), 2);
	assert_int_equal(matches(f->rdb, "giraffe"), 0);
	assert_int_equal(matches(f->rdb, "walrus"), 1);
	assert_int_equal(matches(f->rdb, "okapi"), 1);
	assert_int_equal(matches(f->rdb, "keeper"), 2);
	fts_intact(f->rdb);
}

/* A page that changed an indexed posting and then failed: the posting
 * keeps its old text, indexed once. */
static void test_failed_change_rolled_back(void **state)
{
	struct fx *f = *state;
	struct writer *w = NULL;
	struct outcome o = { 0, 0 };

	assert_int_equal(writer_start(f->wdb, &w), TJ_OK);
	assert_int_equal(writer_send(w, msg(f, "https://acme.example/1", "Walrus Keeper", "acme", &o)), TJ_OK);
	writer_stop(w, NULL);
	assert_int_equal(writer_start(f->wdb, &w), TJ_OK);
	assert_int_equal(writer_send(w, msg(f, "https://acme.example/1", "Zebra Keeper", NULL, &o)), TJ_OK);
	assert_int_equal(writer_send(w, msg(f, "https://acme.example/2", "Okapi Keeper", "acme", &o)), TJ_OK);
	writer_stop(w, NULL);
	assert_int_equal(o.failed, 1);
	assert_int_equal(matches(f->rdb, "walrus"), 1);
	assert_int_equal(matches(f->rdb, "zebra"), 0);
	assert_int_equal(count(f->rdb, "SELECT count(*) FROM job_history"), 0);
	fts_intact(f->rdb);
}

/* A posting changed twice in one batch, and one changed in the next:
 * the index holds only the last text of each. */
static void test_changes_reindexed(void **state)
{
	struct fx *f = *state;
	struct writer *w = NULL;
	struct outcome o = { 0, 0 };

	assert_int_equal(writer_start(f->wdb, &w), TJ_OK);
	assert_int_equal(writer_send(w, msg(f, "https://acme.example/1", "Walrus Keeper", "acme", &o)), TJ_OK);
	assert_int_equal(writer_send(w, msg(f, "https://acme.example/1", "Zebra Keeper", "acme", &o)), TJ_OK);
	assert_int_equal(writer_send(w, msg(f, "https://acme.example/2", "Okapi Keeper", "acme", &o)), TJ_OK);
	writer_stop(w, NULL);
	assert_int_equal(matches(f->rdb, "walrus"), 0);
	assert_int_equal(matches(f->rdb, "zebra"), 1);
	fts_intact(f->rdb);
	/* a new writer (a later batch): the indexed posting changes */
	assert_int_equal(writer_start(f->wdb, &w), TJ_OK);
	assert_int_equal(writer_send(w, msg(f, "https://acme.example/2", "Lynx Keeper", "acme", &o)), TJ_OK);
	writer_stop(w, NULL);
	assert_int_equal(o.failed, 0);
	assert_int_equal(matches(f->rdb, "okapi"), 0);
	assert_int_equal(matches(f->rdb, "lynx"), 1);
	assert_int_equal(count(f->rdb, "SELECT count(*) FROM job_history"), 2);
	fts_intact(f->rdb);
}

/* A feed page's thousands of postings in one message: indexed in several
 * statements (FTS_FLUSH_IDS), and changes within the batch found pending. */
static void test_large_batch(void **state)
{
	struct fx *f = *state;
	struct writer *w = NULL;
	struct outcome o = { 0, 0 };
	struct wmsg *m = msg(f, "https://acme.example/feed", "Walrus Keeper", "acme", &o);
	enum { N = 4500 };
	char url[64], title[64], text[128];

	posting_release(&m->postings[0]);
	free(m->postings);
	m->postings = calloc(N, sizeof(*m->postings));
	assert_non_null(m->postings);
	m->n_postings = N;
	for (int i = 0; i < N; i++) {
		struct posting *p = &m->postings[i];

		snprintf(url, sizeof(url), "https://acme.example/jobs/%d", i);
		snprintf(title, sizeof(title), "%s Keeper %d", i < 10 ? "Zebra" : "Walrus", i);
		snprintf(text, sizeof(text), "Keep animal number %d fed, a vacancy of its own.", i);
		posting_init(p);
		assert_int_equal(posting_set(&p->source_id, "acme"), TJ_OK);
		assert_int_equal(posting_set(&p->url, url), TJ_OK);
		assert_int_equal(posting_set(&p->title, title), TJ_OK);
		assert_int_equal(posting_set(&p->location, "Enschede"), TJ_OK);
		assert_int_equal(posting_set(&p->description, text), TJ_OK);
	}
	assert_int_equal(writer_start(f->wdb, &w), TJ_OK);
	assert_int_equal(writer_send(w, m), TJ_OK);
	/* the first ten change again, most likely in the same batch */
	for (int i = 0; i < 10; i++) {
		snprintf(url, sizeof(url), "https://acme.example/jobs/%d", i);
		snprintf(title, sizeof(title), "Okapi Keeper %d", i);
		assert_int_equal(writer_send(w, msg(f, url, title, "acme", &o)), TJ_OK);
	}
	writer_stop(w, NULL);
	assert_int_equal(o.failed, 0);
	assert_int_equal(count(f->rdb, "SELECT count(*) FROM jobs"), N);
	assert_int_equal(matches(f->rdb, "walrus"), N - 10);
	assert_int_equal(matches(f->rdb, "zebra"), 0);
	assert_int_equal(matches(f->rdb, "okapi"), 10);
	fts_intact(f->rdb);
}

struct seen {
	struct fx *f;
	int64_t jobs, indexed;
};

static void barrier(void *ctx)
{
	struct seen *s = ctx;

	/* another connection sees only what is committed */
	s->jobs = count(s->f->rdb, "SELECT count(*) FROM jobs");
	s->indexed = matches(s->f->rdb, "keeper");
}

static void test_barrier_after_commit(void **state)
{
	struct fx *f = *state;
	struct writer *w = NULL;
	struct outcome o = { 0, 0 };
	struct seen s = { f, -1, -1 };

	assert_int_equal(writer_start(f->wdb, &w), TJ_OK);
	assert_int_equal(writer_send(w, msg(f, "https://acme.example/1", "Walrus Keeper", "acme", &o)), TJ_OK);
	assert_int_equal(writer_send(w, msg(f, "https://acme.example/2", "Okapi Keeper", "acme", &o)), TJ_OK);
	assert_int_equal(writer_call(w, barrier, &s), TJ_OK);
	writer_stop(w, NULL);
	assert_int_equal(s.jobs, 2);
	assert_int_equal(s.indexed, 2);
}

/* The writer's connection indexes in batches; every other connection
 * keeps its triggers, and a posting stored outside a transaction on the
 * deferred connection is indexed by store_posting's own commit. */
static void test_other_connections_keep_triggers(void **state)
{
	struct fx *f = *state;
	struct wmsg *m;
	struct outcome o = { 0, 0 };

	assert_int_equal(store_fts_defer(f->wdb), TJ_OK);
	m = msg(f, "https://acme.example/1", "Walrus Keeper", "acme", &o);
	assert_int_equal(store_posting(f->rdb, &m->postings[0], m->url, f->run, NULL), TJ_OK);
	assert_int_equal(matches(f->rdb, "walrus"), 1);
	wmsg_free(m);
	m = msg(f, "https://acme.example/2", "Okapi Keeper", "acme", &o);
	assert_int_equal(store_posting(f->wdb, &m->postings[0], m->url, f->run, NULL), TJ_OK);
	assert_int_equal(matches(f->rdb, "okapi"), 1);
	assert_int_equal(store_fts_mark(f->wdb), 0);
	wmsg_free(m);
	fts_intact(f->rdb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_messages_committed_and_indexed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_page_rolled_back_alone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_change_rolled_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changes_reindexed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_large_batch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_barrier_after_commit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_connections_keep_triggers, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
