/*
 * test_db.c - schema migrations (index/db.c) from every earlier version.
 *
 * tests/data/schema/v<N>.sql are dumps of real databases (scripts/db-fixture:
 * crawls of demo sources, with history and an expired posting) written by
 * the binary of schema version N before migration N -> N+1 was added.
 * Each is loaded with plain SQLite, opened with db_open() and must come out
 * at the current version with every row kept, integrity and the full-text
 * index intact, and exactly the schema of a freshly created database - so
 * a shipped migration edited in place, or a migration that forgets what a
 * fresh database gets, fails here.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "paths.h"

static char schema_dir[PATH_MAX];

/* tests/data/schema from the checkout root or relative to the binary. */
static void find_schema_dir(void)
{
	char exe[PATH_MAX];
	ssize_t n;

	snprintf(schema_dir, sizeof(schema_dir), "tests/data/schema");
	if (access(schema_dir, R_OK) == 0)
		return;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	assert_true(n > 0);
	exe[n] = '\0';
	*strrchr(exe, '/') = '\0';
	snprintf(schema_dir, sizeof(schema_dir), "%.*s/../../tests/data/schema",
		 (int)(sizeof(schema_dir) - 32), exe);
	assert_int_equal(access(schema_dir, R_OK), 0);
}

struct tmp {
	char dir[64];
	char path[128];
};

static void tmp_make(struct tmp *t)
{
	snprintf(t->dir, sizeof(t->dir), "/tmp/tj-db-XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->path, sizeof(t->path), "%s/t.db", t->dir);
}

static void tmp_remove(struct tmp *t)
{
	static const char *const suffix[] = { "", "-wal", "-shm", "-journal" };
	char p[160];

	for (size_t i = 0; i < 4; i++) {
		snprintf(p, sizeof(p), "%s%s", t->path, suffix[i]);
		unlink(p);
	}
	rmdir(t->dir);
}

/* Load a fixture dump into path with plain SQLite (no tokenizer needed:
 * the dump writes the FTS5 table's schema row and shadow tables directly). */
static void load_dump(const char *sql_file, const char *path)
{
	char *sql = NULL, *msg = NULL;
	size_t len;
	sqlite3 *h = NULL;

	assert_int_equal(tj_read_file(sql_file, 64u << 20, &sql, &len), TJ_OK);
	assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
	if (sqlite3_exec(h, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql_file, msg ? msg : "?");
	sqlite3_close(h);
	free(sql);
}

/* One text value from SQL on a raw connection (caller frees). */
static char *raw_text(const char *path, const char *sql)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	char *out = NULL;

	assert_int_equal(sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(h));
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		out = strdup((const char *)sqlite3_column_text(st, 0));
	else
		out = strdup("");
	assert_non_null(out);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return out;
}

static char *db_text(struct db *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	bool row = false;
	char *out;

	assert_int_equal(db_prepare(db, &st, sql), TJ_OK);
	assert_int_equal(db_step(st, &row), TJ_OK);
	out = strdup(row && db_col_text(st, 0) ? db_col_text(st, 0) : "");
	assert_non_null(out);
	db_finalize(st);
	return out;
}

/* What must survive a migration, as one comparable string per table:
 * every row of the tables of version 1 (all later versions only add).
 * Posting states are checked apart: a migration may group duplicates. */
static const char *const keep_sql[] = {
	"SELECT count(*) || ':' || group_concat(id || '|' || employer || '|' || coalesce(town, '')"
	"  || '|' || advertiser, ';') FROM (SELECT * FROM sources ORDER BY id)",
	"SELECT count(*) || ':' || group_concat(id || '|' || source_id || '|' || status || '|'"
	"  || complete || '|' || postings, ';') FROM (SELECT * FROM crawl_runs ORDER BY id)",
	"SELECT count(*) || ':' || group_concat(url || '|' || state || '|' || coalesce(etag, '')"
	"  || '|' || coalesce(content_hash, ''), ';') FROM (SELECT * FROM pages ORDER BY url)",
	"SELECT count(*) || ':' || group_concat(id || '|' || key || '|' || title"
	"  || '|' || fingerprint || '|' || first_seen || '|' || last_changed || '|'"
	"  || length(description) || '|' || posting_json, ';') FROM (SELECT * FROM jobs ORDER BY id)",
	"SELECT count(*) || ':' || group_concat(id || '|' || job_id || '|' || posting_json, ';')"
	"  FROM (SELECT * FROM job_history ORDER BY id)",
};
#define N_KEEP (sizeof(keep_sql) / sizeof(keep_sql[0]))

/* Every schema object except SQLite's own, in a fixed order. */
static const char schema_sql[] =
	"SELECT group_concat(type || ' ' || name || ' ' || tbl_name || ': ' || coalesce(sql, ''),"
	"  char(10)) FROM (SELECT * FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'"
	"  ORDER BY type, name)";

static char *fresh_schema(void)
{
	struct tmp t;
	struct db *db = NULL;
	char *s;

	tmp_make(&t);
	assert_int_equal(db_open(t.path, false, &db), TJ_OK);
	s = db_text(db, schema_sql);
	db_close(db);
	tmp_remove(&t);
	return s;
}

static void copy_file(const char *from, const char *to)
{
	char *data = NULL;
	size_t len;
	FILE *f;

	assert_int_equal(tj_read_file(from, 256u << 20, &data, &len), TJ_OK);
	f = fopen(to, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	free(data);
}

static void migrate_one(const char *file, int version)
{
	struct tmp t;
	struct db *db = NULL;
	char *before[N_KEEP], *after, *fresh, *s, old_path[200];

	tmp_make(&t);
	snprintf(old_path, sizeof(old_path), "%s/old.db", t.dir);
	load_dump(file, t.path);
	s = raw_text(t.path, "PRAGMA user_version");
	assert_int_equal(atoi(s), version);
	free(s);
	for (size_t i = 0; i < N_KEEP; i++) {
		before[i] = raw_text(t.path, keep_sql[i]);
		assert_true(strlen(before[i]) > 2);     /* the fixture has rows */
	}

	copy_file(t.path, old_path);

	/* a reader may not upgrade: it says how */
	assert_int_equal(db_open(t.path, true, &db), TJ_EDB);
	assert_non_null(strstr(tj_errmsg(), "twentejobs migrate"));

	assert_int_equal(db_open(t.path, false, &db), TJ_OK);
	s = db_text(db, "PRAGMA user_version");
	assert_int_equal(atoi(s), db_schema_version());
	free(s);
	{
		char sql[400];

		snprintf(sql, sizeof(sql), "ATTACH '%s' AS old", old_path);
		assert_int_equal(db_exec(db, sql), TJ_OK);
	}
	for (size_t i = 0; i < N_KEEP; i++) {
		after = db_text(db, keep_sql[i]);
		if (strcmp(before[i], after))
			fail_msg("%s: rows changed by the migration: %.200s", file, keep_sql[i]);
		free(after);
		free(before[i]);
	}
	/* states: the same, except postings that became duplicates */
	after = db_text(db, "SELECT count(*) FROM jobs j JOIN old.jobs o ON o.id = j.id"
			" WHERE j.state != o.state AND NOT (o.state = 'active' AND j.state = 'duplicate'"
			" AND j.dup_of IS NOT NULL)");
	assert_string_equal(after, "0");
	free(after);
	if (version == 1) {
		/* the v1 fixture holds olympia's reworded repost of a twence
		 * vacancy, which v1 did not group and v2 does */
		after = db_text(db, "SELECT count(*) FROM jobs d JOIN jobs k ON k.id = d.dup_of"
				" WHERE d.state = 'duplicate' AND d.source_id = 'olympia'"
				" AND k.source_id = 'twence' AND k.state = 'active'");
		assert_string_equal(after, "1");
		free(after);
	}
	assert_int_equal(db_exec(db, "DETACH old"), TJ_OK);
	s = db_text(db, "PRAGMA integrity_check");
	assert_string_equal(s, "ok");
	free(s);
	/* the external-content index still matches its table ... */
	assert_int_equal(db_exec(db, "INSERT INTO jobs_fts(jobs_fts, rank) VALUES ('integrity-check', 1)"),
			 TJ_OK);
	/* ... and answers through the stemming tokenizer */
	s = db_text(db, "SELECT count(*) FROM jobs_fts WHERE jobs_fts MATCH 'engineers'");
	assert_true(atoi(s) > 0);
	free(s);

	/* the same schema a fresh database gets, object for object */
	after = db_text(db, schema_sql);
	fresh = fresh_schema();
	assert_string_equal(after, fresh);
	free(after);
	free(fresh);

	/* and it is writable: a posting change still reaches the index */
	assert_int_equal(db_exec(db, "UPDATE jobs SET title = 'Zwijndrechtse molenaar' WHERE id ="
				 " (SELECT min(id) FROM jobs)"), TJ_OK);
	s = db_text(db, "SELECT count(*) FROM jobs_fts WHERE jobs_fts MATCH 'molenaar'");
	assert_int_equal(atoi(s), 1);
	free(s);
	db_close(db);

	/* opening again is a no-op */
	assert_int_equal(db_open(t.path, true, &db), TJ_OK);
	db_close(db);
	unlink(old_path);
	tmp_remove(&t);
}

static void test_migrate_every_earlier_version(void **state)
{
	DIR *d;
	struct dirent *e;
	int seen = 0;
	bool have[64] = { false };

	(void)state;
	d = opendir(schema_dir);
	assert_non_null(d);
	while ((e = readdir(d))) {
		char file[PATH_MAX + 300];
		int v = 0, used = 0;

		if (sscanf(e->d_name, "v%d.sql%n", &v, &used) != 1 || e->d_name[used])
			continue;
		assert_true(v >= 1 && v < db_schema_version() && v < 64);
		snprintf(file, sizeof(file), "%s/%s", schema_dir, e->d_name);
		migrate_one(file, v);
		have[v] = true;
		seen++;
	}
	closedir(d);
	/* one fixture per earlier version: adding a migration without saving
	 * the old version's fixture (scripts/db-fixture) fails here */
	for (int v = 1; v < db_schema_version(); v++)
		if (!have[v])
			fail_msg("no fixture %s/v%d.sql: run scripts/db-fixture before adding a migration",
				 schema_dir, v);
	assert_int_equal(seen, db_schema_version() - 1);
}

/* A migration that fails leaves the database at its old version with
 * every row: each step is one transaction. */
static void test_failed_migration_rolls_back(void **state)
{
	struct tmp t;
	struct db *db = NULL;
	char file[PATH_MAX + 32], *jobs, *s;
	sqlite3 *h = NULL;

	(void)state;
	snprintf(file, sizeof(file), "%s/v1.sql", schema_dir);
	tmp_make(&t);
	load_dump(file, t.path);
	/* migration 1 -> 2 creates robots_cache: make that step fail */
	assert_int_equal(sqlite3_open(t.path, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "CREATE TABLE robots_cache (x)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	jobs = raw_text(t.path, keep_sql[3]);

	assert_int_equal(db_open(t.path, false, &db), TJ_EDB);
	assert_null(db);
	assert_non_null(strstr(tj_errmsg(), "robots_cache"));
	s = raw_text(t.path, "PRAGMA user_version");
	assert_string_equal(s, "1");
	free(s);
	s = raw_text(t.path, keep_sql[3]);
	assert_string_equal(s, jobs);
	free(s);
	free(jobs);
	tmp_remove(&t);
}

/* cmd_migrate: reports the step, then that it is up to date. */
static void test_cmd_migrate(void **state)
{
	struct tmp t;
	char file[PATH_MAX + 32], *s;
	char *argv[] = { "migrate", "--db", NULL, NULL };
	char *bad[] = { "migrate", "--nope", NULL };

	(void)state;
	snprintf(file, sizeof(file), "%s/v1.sql", schema_dir);
	tmp_make(&t);
	argv[2] = t.path;
	assert_int_equal(cmd_migrate(3, argv), 1);      /* missing file: not created */
	assert_int_not_equal(access(t.path, F_OK), 0);
	load_dump(file, t.path);
	assert_int_equal(cmd_migrate(3, argv), 0);
	s = raw_text(t.path, "PRAGMA user_version");
	assert_int_equal(atoi(s), db_schema_version());
	free(s);
	assert_int_equal(cmd_migrate(3, argv), 0);
	assert_int_equal(cmd_migrate(2, bad), 2);
	tmp_remove(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_migrate_every_earlier_version),
		cmocka_unit_test(test_failed_migration_rolls_back),
		cmocka_unit_test(test_cmd_migrate),
	};

	find_schema_dir();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
