/*
 * fixture.h - test helpers shared by the search and API tests: a fresh
 * database in a temporary directory and a one-call job insert.
 *
 * Header-only (static functions, marked unused so a test may take only
 * some) because each test program is built from a
 * single tests/unit/test_<x>.c linked with the project's objects.
 */
#ifndef TJ_TEST_FIXTURE_H
#define TJ_TEST_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "db.h"

struct fx_job {
	const char *title, *employer, *city, *description;
	const char *language, *intl, *level, *type, *remote;
	const char *date_posted;        /* NULL = unknown */
	const char *state;              /* NULL = active */
	const char *source;             /* NULL = "src-a" */
	int dutch_required;
};

/* Make a temp dir and return "<dir>/t.db" (static storage). */
__attribute__((unused)) static const char *fx_db_path(char *dir, size_t n)
{
	static char path[512];

	snprintf(dir, n, "/tmp/tj-test-XXXXXX");
	if (!mkdtemp(dir))
		abort();
	snprintf(path, sizeof(path), "%s/t.db", dir);
	return path;
}

__attribute__((unused)) static void fx_rm_dir(const char *dir)
{
	const char *names[] = { "t.db", "t.db-wal", "t.db-shm" };
	char p[600];

	for (size_t i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
		unlink(p);
	}
	rmdir(dir);
}

/* Insert one job; returns its id (aborts on failure: fixtures must work). */
__attribute__((unused)) static int64_t fx_insert(struct db *db, const struct fx_job *j)
{
	static int seq;
	sqlite3_stmt *st = NULL;
	char key[64], url[128];
	int64_t now = db_now();

	seq++;
	snprintf(key, sizeof(key), "fx|%d", seq);
	snprintf(url, sizeof(url), "https://example.org/jobs/%d", seq);
	if (db_prepare(db, &st,
		       "INSERT INTO jobs (key, source_id, url, title, employer, city, description,"
		       " language, intl_label, level, employment_type, remote, date_posted, state,"
		       " dutch_required, posting_json, fingerprint, first_seen, last_seen, last_changed)"
		       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,"
		       " json_object('title', ?4, 'url', ?3, 'employer', ?5, 'location', ?6,"
		       "  'description', ?7, 'employment_type', ?11, 'date_posted', ?13),"
		       " ?1, ?16, ?16, ?16)") ||
	    db_bind_text(st, 1, key) || db_bind_text(st, 2, j->source ? j->source : "src-a") ||
	    db_bind_text(st, 3, url) || db_bind_text(st, 4, j->title) ||
	    db_bind_text(st, 5, j->employer) || db_bind_text(st, 6, j->city) ||
	    db_bind_text(st, 7, j->description ? j->description : "") ||
	    db_bind_text(st, 8, j->language ? j->language : "en") ||
	    db_bind_text(st, 9, j->intl ? j->intl : "yes") ||
	    db_bind_text(st, 10, j->level ? j->level : "unknown") ||
	    db_bind_text(st, 11, j->type ? j->type : "FULL_TIME") ||
	    db_bind_text(st, 12, j->remote) || db_bind_text(st, 13, j->date_posted) ||
	    db_bind_text(st, 14, j->state ? j->state : "active") ||
	    db_bind_int(st, 15, j->dutch_required) || db_bind_int(st, 16, now - seq) ||
	    db_step(st, NULL)) {
		fprintf(stderr, "fixture insert: %s\n", tj_errmsg());
		abort();
	}
	db_finalize(st);
	return sqlite3_last_insert_rowid(db->h);
}

#endif
