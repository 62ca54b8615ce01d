/*
 * db.c - SQLite connection, schema migrations and the statement wrapper.
 *
 * Schema versions are PRAGMA user_version; migrations[i] takes the
 * database from version i to i+1 and runs inside one transaction, so a
 * killed process leaves either the old or the new schema, never half.
 * Add a migration by appending to the array - never edit a shipped one,
 * and first save the old version's fixture with scripts/db-fixture:
 * tests/unit/test_db.c migrates every tests/data/schema/v*.sql to the
 * current version and compares the result with a fresh database.
 *
 * Tables (version 1):
 *   sources     one row per rule file: employer facts for the directory
 *   crawl_runs  one row per crawl of a source: status, counts, errors
 *   pages       the frontier and per-URL fetch state (ETag, Last-Modified)
 *   jobs        one row per posting, with classification and lifecycle;
 *               simhash + dup_key group near-duplicates (dedupe.c), the
 *               copies have state 'duplicate' and dup_of = the kept id
 *   job_history previous versions of a posting when it changed
 *   jobs_fts    FTS5 external-content index over jobs, kept by triggers;
 *               tokenizer tj_stem (fts_stem.c: unicode61 + en/nl stems,
 *               "+" and "#" kept inside tokens so "C++" and "C#" are words);
 *               prefix indexes for 2-4 characters, so search-as-you-type
 *               fragments ("ontw"*) need not merge every word's doclist
 *               (2.6x the index size; "ontw" at 100k: 39 -> 19 ms)
 *
 * Version 2 adds:
 *   robots_cache the last definitive robots.txt answer per origin, so a
 *               crawl within 24 h reuses it (RFC 9309 2.4)
 *   meta        name -> value settings of the database (cursor_key)
 * and jobs_attrs also covers advertiser and source_id.
 */
#include "db.h"
#include "cli.h"
#include "fts_stem.h"
#include "store.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

/* A step's SQL, then (optionally) a C step in the same transaction, for
 * what SQL cannot compute (e.g. keys made by index/dedupe.c). */
struct migration {
	const char *sql;
	enum tj_code (*fn)(struct db *db);
};

static const struct migration migrations[] = {
	/* 0 -> 1: the first schema */
	{ "CREATE TABLE sources ("
	"  id TEXT PRIMARY KEY,"
	"  employer TEXT NOT NULL,"
	"  website TEXT, town TEXT, lat REAL, lon REAL,"
	"  rule_file TEXT, advertiser TEXT NOT NULL DEFAULT 'employer',"
	"  updated_at INTEGER NOT NULL"
	");"
	"CREATE TABLE crawl_runs ("
	"  id INTEGER PRIMARY KEY,"
	"  source_id TEXT NOT NULL,"
	"  started_at INTEGER NOT NULL,"
	"  finished_at INTEGER,"
	"  status TEXT NOT NULL DEFAULT 'running',"   /* running ok partial failed blocked interrupted */
	"  complete INTEGER NOT NULL DEFAULT 0,"
	"  pages INTEGER NOT NULL DEFAULT 0,"
	"  not_modified INTEGER NOT NULL DEFAULT 0,"
	"  postings INTEGER NOT NULL DEFAULT 0,"
	"  new_postings INTEGER NOT NULL DEFAULT 0,"
	"  changed_postings INTEGER NOT NULL DEFAULT 0,"
	"  expired_postings INTEGER NOT NULL DEFAULT 0,"
	"  errors INTEGER NOT NULL DEFAULT 0,"
	"  robots_blocked INTEGER NOT NULL DEFAULT 0,"
	"  errors_json TEXT,"                          /* {"kind": count, ...} */
	"  message TEXT"
	");"
	"CREATE INDEX crawl_runs_source ON crawl_runs(source_id, started_at);"
	"CREATE TABLE pages ("
	"  url TEXT PRIMARY KEY,"
	"  source_id TEXT NOT NULL,"
	"  depth INTEGER NOT NULL DEFAULT 0,"
	"  state TEXT NOT NULL DEFAULT 'queued',"      /* queued done failed blocked */
	"  run_id INTEGER,"
	"  http_status INTEGER,"
	"  etag TEXT, last_modified TEXT,"
	"  content_hash TEXT,"
	"  fetched_at INTEGER,"
	"  error TEXT"
	");"
	"CREATE INDEX pages_source_state ON pages(source_id, state);"
	"CREATE TABLE jobs ("
	"  id INTEGER PRIMARY KEY,"
	"  key TEXT NOT NULL UNIQUE,"                  /* source|identifier or source|url */
	"  source_id TEXT NOT NULL,"
	"  url TEXT NOT NULL,"
	"  page_url TEXT,"                             /* the page it was extracted from */
	"  title TEXT NOT NULL,"
	"  employer TEXT, city TEXT,"
	"  employment_type TEXT, date_posted TEXT, valid_through TEXT,"
	"  description TEXT,"
	"  remote TEXT, education TEXT,"
	"  salary_min REAL, salary_max REAL, salary_currency TEXT, salary_period TEXT,"
	"  hours_min REAL, hours_max REAL,"
	"  language TEXT, language_confidence REAL,"
	"  intl_label TEXT, intl_score INTEGER, intl_reasons TEXT,"
	"  dutch_required INTEGER, level TEXT, advertiser TEXT,"
	"  posting_json TEXT NOT NULL,"
	"  fingerprint TEXT NOT NULL,"
	"  state TEXT NOT NULL DEFAULT 'active',"      /* active expired duplicate */
	"  first_seen INTEGER NOT NULL,"
	"  last_seen INTEGER NOT NULL,"
	"  last_changed INTEGER NOT NULL,"
	"  last_run_id INTEGER,"
	"  missed_runs INTEGER NOT NULL DEFAULT 0,"
	"  dup_of INTEGER,"
	"  simhash INTEGER,"                           /* index/dedupe.c, of the description */
	"  dup_key TEXT"                               /* normalised title|town, or NULL */
	");"
	"CREATE INDEX jobs_source ON jobs(source_id, state);"
	"CREATE INDEX jobs_state_date ON jobs(state, date_posted);"
	"CREATE INDEX jobs_page ON jobs(page_url);"
	"CREATE INDEX jobs_dup_key ON jobs(dup_key, state);"
	"CREATE INDEX jobs_dup_of ON jobs(dup_of);"
	/* covering index for the API's attribute snapshot (index/jobcache.c):
	 * reading these columns from the table would walk every description's
	 * overflow pages */
	"CREATE INDEX jobs_attrs ON jobs(state, language, intl_label, city, employer, level,"
	"  employment_type, remote, date_posted, first_seen);"
	"CREATE TABLE job_history ("
	"  id INTEGER PRIMARY KEY,"
	"  job_id INTEGER NOT NULL,"
	"  changed_at INTEGER NOT NULL,"
	"  posting_json TEXT NOT NULL"
	");"
	"CREATE INDEX job_history_job ON job_history(job_id, changed_at);"
	"CREATE VIRTUAL TABLE jobs_fts USING fts5("
	"  title, employer, city, description,"
	"  content='jobs', content_rowid='id',"
	"  tokenize=\"tj_stem remove_diacritics 2 tokenchars '+#'\","
	"  prefix='2 3 4'"
	");"
	"CREATE TRIGGER jobs_ai AFTER INSERT ON jobs BEGIN"
	"  INSERT INTO jobs_fts(rowid, title, employer, city, description)"
	"  VALUES (new.id, new.title, new.employer, new.city, new.description);"
	"END;"
	"CREATE TRIGGER jobs_ad AFTER DELETE ON jobs BEGIN"
	"  INSERT INTO jobs_fts(jobs_fts, rowid, title, employer, city, description)"
	"  VALUES ('delete', old.id, old.title, old.employer, old.city, old.description);"
	"END;"
	"CREATE TRIGGER jobs_au AFTER UPDATE OF title, employer, city, description ON jobs BEGIN"
	"  INSERT INTO jobs_fts(jobs_fts, rowid, title, employer, city, description)"
	"  VALUES ('delete', old.id, old.title, old.employer, old.city, old.description);"
	"  INSERT INTO jobs_fts(rowid, title, employer, city, description)"
	"  VALUES (new.id, new.title, new.employer, new.city, new.description);"
	"END;", NULL },

	/* 1 -> 2: robots.txt answers kept across crawls (spider/crawl.c),
	 * because RFC 9309 2.4 lets a crawler cache them for up to 24 hours
	 * and a daily crawl should not ask every host again */
	{ "CREATE TABLE robots_cache ("
	"  url TEXT PRIMARY KEY,"                      /* scheme://host[:port]/robots.txt */
	"  status INTEGER NOT NULL,"                   /* 200 = body is the file, 4xx = allow all */
	"  body BLOB,"
	"  fetched_at INTEGER NOT NULL"
	");"
	/* settings of this database; cursor_key seals the API's pagination
	 * cursors (index/search.c), kept here so that a cursor stays valid
	 * across server restarts and between servers on one database */
	"CREATE TABLE meta ("
	"  name TEXT PRIMARY KEY,"
	"  value BLOB NOT NULL"
	");"
	"INSERT INTO meta (name, value) VALUES ('cursor_key', randomblob(16));"
	/* fts_stem.c indexes the heads of Dutch and German compounds now */
	"INSERT INTO jobs_fts(jobs_fts) VALUES ('rebuild');"
	/* jobs_attrs also covers advertiser and source_id, for the
	 * advertiser filter (jobcache.c falls back to the source's advertiser
	 * when the posting's is NULL) */
	"DROP INDEX jobs_attrs;"
	"CREATE INDEX jobs_attrs ON jobs(state, language, intl_label, city, employer, level,"
	"  employment_type, remote, date_posted, first_seen, advertiser, source_id);",
	/* dedupe.c's title key drops gender markers and the town now, and
	 * reworded reposts are compared by content words: key and group
	 * every stored posting again */
	store_regroup_all },
};

#define N_MIGRATIONS ((int)(sizeof(migrations) / sizeof(migrations[0])))

int db_schema_version(void)
{
	return N_MIGRATIONS;
}

const char *db_default_path(void)
{
	const char *env = getenv("TWENTEJOBS_DB");

	return env && *env ? env : "twentejobs.db";
}

int64_t db_now(void)
{
	return (int64_t)time(NULL);
}

static enum tj_code db_fail(struct db *db, const char *what)
{
	return tj_error(TJ_EDB, "database '%s': %s: %s", db->path, what,
			sqlite3_errmsg(db->h));
}

enum tj_code db_exec(struct db *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db->h, sql, NULL, NULL, &msg) != SQLITE_OK) {
		enum tj_code rc = tj_error(TJ_EDB, "database '%s': %s", db->path,
					   msg ? msg : sqlite3_errmsg(db->h));
		sqlite3_free(msg);
		return rc;
	}
	return TJ_OK;
}

enum tj_code db_begin(struct db *db)
{
	return db_exec(db, "BEGIN IMMEDIATE");
}

enum tj_code db_commit(struct db *db)
{
	return db_exec(db, "COMMIT");
}

void db_rollback(struct db *db)
{
	if (!sqlite3_get_autocommit(db->h))
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
	/* what a rolled-back promotion had settled is unsettled again */
	db->promote_due = true;
}

static enum tj_code get_user_version(struct db *db, int *out)
{
	sqlite3_stmt *st = NULL;
	bool row = false;
	enum tj_code rc;

	rc = db_prepare(db, &st, "PRAGMA user_version");
	if (!rc)
		rc = db_step(st, &row);
	*out = row ? sqlite3_column_int(st, 0) : 0;
	db_finalize(st);
	return rc;
}

static enum tj_code migrate(struct db *db)
{
	enum tj_code rc;
	int version;
	char pragma[64];

	if ((rc = get_user_version(db, &version)))
		return rc;
	if (version > N_MIGRATIONS)
		return tj_error(TJ_EDB, "database '%s' has schema version %d; this twentejobs "
				"knows up to %d: upgrade twentejobs", db->path, version, N_MIGRATIONS);
	if (version == N_MIGRATIONS)
		return TJ_OK;
	if (db->readonly)
		return tj_error(TJ_EDB, "database '%s' has schema version %d and needs %d: "
				"upgrade it with 'twentejobs migrate --db %s' (or any crawl)",
				db->path, version, N_MIGRATIONS, db->path);
	for (; version < N_MIGRATIONS; version++) {
		if ((rc = db_begin(db)))
			return rc;
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", version + 1);
		if ((rc = db_exec(db, migrations[version].sql)) ||
		    (migrations[version].fn && (rc = migrations[version].fn(db))) ||
		    (rc = db_exec(db, pragma)) || (rc = db_commit(db))) {
			char why[512];

			/* the message says what failed; copy it before wrapping */
			snprintf(why, sizeof(why), "%s", tj_errmsg());
			db_rollback(db);
			return tj_error(rc, "upgrading the schema from version %d to %d failed, "
					"so nothing was changed: %s", version, version + 1, why);
		}
	}
	return TJ_OK;
}

/*
 * Process-wide SQLite settings, applied once before the library initialises
 * (sqlite3_config() is refused afterwards; then this is a no-op).  Memory
 * statistics off: with them on, every sqlite3_malloc() and free takes one
 * global mutex, which the API's reader threads - each on its own connection
 * and otherwise sharing nothing - would contend for on every FTS5 doclist
 * buffer.  Nothing here reads sqlite3_memory_used() or sets a heap limit.
 */
static void sqlite_global_config(void)
{
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

enum tj_code db_open(const char *path, bool readonly, struct db **out)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	struct db *db;
	int flags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	enum tj_code rc;

	*out = NULL;
	pthread_once(&once, sqlite_global_config);
	db = calloc(1, sizeof(*db));
	if (!db)
		return tj_error(TJ_ENOMEM, "out of memory opening '%s'", path);
	db->readonly = readonly;
	db->promote_due = true;         /* another process may have expired postings */
	db->path = strdup(path);
	if (!db->path) {
		free(db);
		return tj_error(TJ_ENOMEM, "out of memory opening '%s'", path);
	}
	if (sqlite3_open_v2(path, &db->h, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		rc = db->h ? db_fail(db, "cannot open")
			   : tj_error(TJ_ENOMEM, "out of memory opening '%s'", path);
		db_close(db);
		return rc;
	}
	/* A long busy timeout: the API must wait out the spider's short write
	 * transactions rather than ever report "database is locked". */
	sqlite3_busy_timeout(db->h, 10000);
	sqlite3_extended_result_codes(db->h, 1);
	/* jobs_fts names the tj_stem tokenizer: it must exist before the
	 * first statement that touches the table, migrations included. */
	if ((rc = fts_stem_register(db->h))) {
		db_close(db);
		return rc;
	}
	if (!readonly) {
		rc = db_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
			     "PRAGMA foreign_keys=ON;");
	} else {
		rc = db_exec(db, "PRAGMA query_only=ON;");
	}
	if (!rc)
		rc = migrate(db);
	if (rc) {
		db_close(db);
		return rc;
	}
	*out = db;
	return TJ_OK;
}

void db_close(struct db *db)
{
	if (!db)
		return;
	for (int i = 0; i < DB_STMT_CACHE; i++)
		sqlite3_finalize(db->cache[i].st);
	sqlite3_close_v2(db->h);
	free(db->fts.ids);
	free(db->fts.set);
	free(db->path);
	free(db);
}

enum tj_code db_prepare(struct db *db, sqlite3_stmt **out, const char *sql)
{
	*out = NULL;
	if (sqlite3_prepare_v2(db->h, sql, -1, out, NULL) != SQLITE_OK)
		return tj_error(TJ_EDB, "database '%s': cannot prepare \"%.80s\": %s",
				db->path, sql, sqlite3_errmsg(db->h));
	return TJ_OK;
}

void db_finalize(sqlite3_stmt *st)
{
	sqlite3_finalize(st);
}

enum tj_code db_prepare_cached(struct db *db, sqlite3_stmt **out, const char *sql)
{
	int free_slot = -1;
	enum tj_code rc;

	for (int i = 0; i < DB_STMT_CACHE; i++) {
		if (db->cache[i].sql == sql && db->cache[i].st) {
			if (db->cache[i].busy)
				return db_prepare(db, out, sql);
			db->cache[i].busy = true;
			*out = db->cache[i].st;
			return TJ_OK;
		}
		if (!db->cache[i].st && free_slot < 0)
			free_slot = i;
	}
	*out = NULL;
	if (free_slot < 0)
		return db_prepare(db, out, sql);
	if (sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, out, NULL) != SQLITE_OK) {
		rc = tj_error(TJ_EDB, "database '%s': cannot prepare \"%.80s\": %s",
			      db->path, sql, sqlite3_errmsg(db->h));
		sqlite3_finalize(*out);
		*out = NULL;
		return rc;
	}
	db->cache[free_slot].sql = sql;
	db->cache[free_slot].st = *out;
	db->cache[free_slot].busy = true;
	return TJ_OK;
}

void db_release(struct db *db, sqlite3_stmt *st)
{
	if (!st)
		return;
	for (int i = 0; i < DB_STMT_CACHE; i++) {
		if (db->cache[i].st == st) {
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			db->cache[i].busy = false;
			return;
		}
	}
	sqlite3_finalize(st);
}

static enum tj_code bind_rc(sqlite3_stmt *st, int rc)
{
	if (rc == SQLITE_OK)
		return TJ_OK;
	return tj_error(rc == SQLITE_NOMEM ? TJ_ENOMEM : TJ_EDB, "cannot bind parameter in \"%.80s\": %s",
			sqlite3_sql(st), sqlite3_errstr(rc));
}

enum tj_code db_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (!s)
		return bind_rc(st, sqlite3_bind_null(st, i));
	return bind_rc(st, sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT));
}

enum tj_code db_bind_blob(sqlite3_stmt *st, int i, const void *p, size_t len)
{
	if (!p)
		return bind_rc(st, sqlite3_bind_null(st, i));
	return bind_rc(st, sqlite3_bind_blob64(st, i, p, (sqlite3_uint64)len, SQLITE_TRANSIENT));
}

enum tj_code db_bind_int(sqlite3_stmt *st, int i, int64_t v)
{
	return bind_rc(st, sqlite3_bind_int64(st, i, v));
}

enum tj_code db_bind_double(sqlite3_stmt *st, int i, double v)
{
	if (isnan(v))
		return bind_rc(st, sqlite3_bind_null(st, i));
	return bind_rc(st, sqlite3_bind_double(st, i, v));
}

enum tj_code db_bind_null(sqlite3_stmt *st, int i)
{
	return bind_rc(st, sqlite3_bind_null(st, i));
}

enum tj_code db_step(sqlite3_stmt *st, bool *row)
{
	int rc = sqlite3_step(st);

	if (row)
		*row = rc == SQLITE_ROW;
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return TJ_OK;
	return tj_error(TJ_EDB, "database: \"%.80s\": %s", sqlite3_sql(st),
			sqlite3_errmsg(sqlite3_db_handle(st)));
}

const char *db_col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

enum tj_code db_meta_blob(struct db *db, const char *name, void *out, size_t len)
{
	sqlite3_stmt *st = NULL;
	bool row = false;
	enum tj_code rc;

	rc = db_prepare(db, &st, "SELECT value FROM meta WHERE name = ?1");
	if (!rc)
		rc = db_bind_text(st, 1, name);
	if (!rc)
		rc = db_step(st, &row);
	if (!rc && (!row || (size_t)sqlite3_column_bytes(st, 0) != len))
		rc = tj_error(TJ_ENOTFOUND, "database '%s': no %zu-byte setting '%s'", db->path,
			      len, name);
	if (!rc)
		memcpy(out, sqlite3_column_blob(st, 0), len);
	db_finalize(st);
	return rc;
}

/* The user_version of the file at path, without migrating it. */
static enum tj_code file_version(const char *path, int *out)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	enum tj_code rc = TJ_OK;

	*out = 0;
	if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(h, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		rc = tj_error(TJ_EDB, "database '%s': %s", path,
			      h ? sqlite3_errmsg(h) : "out of memory");
	else
		*out = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return rc;
}

int cmd_migrate(int argc, char **argv)
{
	char usage[512];
	const char *path = db_default_path();
	struct db *db = NULL;
	int first, before = 0, status;

	snprintf(usage, sizeof(usage),
		 "usage: twentejobs migrate [--db FILE]\n\n"
		 "Upgrade the database to the schema this twentejobs writes (%d).\n"
		 "Each step runs in its own transaction: an interrupted upgrade leaves\n"
		 "the last complete version.  Commands that write (crawl, import) and\n"
		 "serve upgrade too; the other readers need an upgraded database.\n",
		 N_MIGRATIONS);
	if ((status = cli_parse(argc, argv, usage, NULL, NULL, &path, &first)) >= 0)
		return status;
	if (access(path, F_OK) != 0) {
		fprintf(stderr, "twentejobs migrate: database '%s' does not exist\n", path);
		return 1;
	}
	if (file_version(path, &before) || db_open(path, false, &db)) {
		fprintf(stderr, "twentejobs migrate: %s\n", tj_errmsg());
		return 1;
	}
	db_close(db);
	if (before == N_MIGRATIONS)
		printf("database '%s': schema %d, up to date\n", path, before);
	else
		printf("database '%s': schema %d -> %d\n", path, before, N_MIGRATIONS);
	return 0;
}

/*
 * twentejobs check: SQLite's own integrity check and FTS5's check of the
 * full-text index against the jobs table (rank 1 compares every indexed
 * posting's text).  The crawler indexes postings in batches on its writer
 * connection (store_fts_defer in store.h), so this is how a curator -- and
 * every integration test that kills a crawl -- proves that search still
 * sees exactly what the table holds.
 */
int cmd_check(int argc, char **argv)
{
	const char *usage =
		"usage: twentejobs check [--db FILE]\n\n"
		"Verify the database: SQLite's integrity check, and the full-text index\n"
		"against the stored postings.  Prints what is wrong and exits 1 on any\n"
		"problem.  Like serve, it upgrades an older schema first.\n";
	const char *path = db_default_path();
	struct db *db = NULL;
	sqlite3_stmt *st = NULL;
	bool row = false, ok = true;
	long jobs = 0;
	int first, status;

	if ((status = cli_parse(argc, argv, usage, NULL, NULL, &path, &first)) >= 0)
		return status;
	if (access(path, F_OK) != 0) {
		fprintf(stderr, "twentejobs check: database '%s' does not exist\n", path);
		return 1;
	}
	if (db_open(path, false, &db)) {
		fprintf(stderr, "twentejobs check: %s\n", tj_errmsg());
		return 1;
	}
	if (db_prepare(db, &st, "PRAGMA integrity_check")) {
		fprintf(stderr, "twentejobs check: %s\n", tj_errmsg());
		db_close(db);
		return 1;
	}
	while (!db_step(st, &row) && row) {
		const char *msg = db_col_text(st, 0);

		if (msg && strcmp(msg, "ok")) {
			printf("database '%s': %s\n", path, msg);
			ok = false;
		}
	}
	db_finalize(st);
	if (db_exec(db, "INSERT INTO jobs_fts(jobs_fts, rank) VALUES ('integrity-check', 1)")) {
		printf("database '%s': the full-text index does not match the postings (%s)\n", path,
		       sqlite3_errmsg(db->h));
		ok = false;
	}
	if (!db_prepare(db, &st, "SELECT count(*) FROM jobs") && !db_step(st, &row) && row)
		jobs = sqlite3_column_int64(st, 0);
	db_finalize(st);
	db_close(db);
	if (ok)
		printf("database '%s': ok (%ld postings, full-text index matches)\n", path, jobs);
	return ok ? 0 : 1;
}
