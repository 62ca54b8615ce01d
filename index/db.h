/*
 * db.h - the SQLite database: open, migrate, and one statement wrapper.
 *
 * All SQL in the project goes through db_prepare(), db_bind_*() and db_step() so that
 * every value is a bound parameter and every SQLite error is translated
 * once, here, into a tj_code with the SQL's context (fossil's db.c habit).
 *
 * Concurrency: the database runs in WAL mode with a busy timeout, so one
 * writer (the spider) and many readers (the API) work at once.  A struct db
 * is one sqlite3 connection: use it from one thread at a time (open one per
 * thread; SQLite is built threadsafe).
 */
#ifndef TJ_DB_H
#define TJ_DB_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "err.h"

#define DB_STMT_CACHE 32

struct db {
	sqlite3 *h;
	char *path;
	bool readonly;
	/* statements kept for reuse by db_prepare_cached(), keyed by the
	 * address of their SQL text (a string literal) */
	struct {
		const char *sql;
		sqlite3_stmt *st;
		bool busy;
	} cache[DB_STMT_CACHE];
	/* a kept posting may have expired since store_run_finish() last
	 * looked for groups that need an heir (store.c); true on open */
	bool promote_due;
	/* deferred full-text indexing (store_fts_defer in store.h): the ids
	 * of postings written since the last store_fts_flush() */
	struct {
		bool on;
		int64_t *ids;           /* in the order they were written */
		size_t n, cap;
		int64_t *set;           /* the same ids, hashed (store.c) */
		size_t set_cap;
	} fts;
};

/* The schema version this binary writes (PRAGMA user_version). */
int db_schema_version(void);

/*
 * Open (creating if needed, unless readonly) and migrate to the current
 * schema.  A database newer than this binary is refused with TJ_EDB.
 * On success *out is the caller's, closed with db_close().
 */
enum tj_code db_open(const char *path, bool readonly, struct db **out) TJ_WUR;
void db_close(struct db *db);   /* NULL is a no-op */

/* twentejobs migrate [--db FILE]: upgrade the schema; exit status. */
int cmd_migrate(int argc, char **argv);
/* twentejobs check [--db FILE]: integrity of the database and its FTS index. */
int cmd_check(int argc, char **argv);

/* The --db default: $TWENTEJOBS_DB, else "twentejobs.db".  Borrowed. */
const char *db_default_path(void);

/* Run SQL with no parameters and no result rows (may hold several statements). */
enum tj_code db_exec(struct db *db, const char *sql) TJ_WUR;

enum tj_code db_begin(struct db *db) TJ_WUR;      /* BEGIN IMMEDIATE */
enum tj_code db_commit(struct db *db) TJ_WUR;
void db_rollback(struct db *db);                  /* best effort, never fails */

/* Prepared statements.  *out is the caller's, freed with db_finalize(). */
enum tj_code db_prepare(struct db *db, sqlite3_stmt **out, const char *sql) TJ_WUR;
void db_finalize(sqlite3_stmt *st);               /* NULL is a no-op */

/*
 * Like db_prepare(), for statements on a hot path (the crawler's writer
 * runs the same few per page): the statement is compiled once per
 * connection and kept, keyed by the address of sql, which must be a
 * string literal.  Hand it back with db_release(), never db_finalize();
 * it is reset and its bindings cleared then.  A statement already in use
 * (re-entrant call) or a full cache falls back to a fresh one, which
 * db_release() finalizes.  db_close() finalizes the cache.
 */
enum tj_code db_prepare_cached(struct db *db, sqlite3_stmt **out, const char *sql) TJ_WUR;
void db_release(struct db *db, sqlite3_stmt *st);  /* NULL is a no-op */

/* Bind by 1-based index; NULL text binds SQL NULL; NAN double binds NULL. */
enum tj_code db_bind_text(sqlite3_stmt *st, int i, const char *s) TJ_WUR;
enum tj_code db_bind_int(sqlite3_stmt *st, int i, int64_t v) TJ_WUR;
enum tj_code db_bind_blob(sqlite3_stmt *st, int i, const void *p, size_t len) TJ_WUR; /* NULL p: SQL NULL */
enum tj_code db_bind_double(sqlite3_stmt *st, int i, double v) TJ_WUR;
enum tj_code db_bind_null(sqlite3_stmt *st, int i) TJ_WUR;

/*
 * Step: returns TJ_OK with *row = true when a row is ready, TJ_OK with
 * *row = false when done; an error otherwise (message has the SQL).
 * `row` may be NULL for statements that return no rows.
 */
enum tj_code db_step(sqlite3_stmt *st, bool *row) TJ_WUR;

/* Copy the setting `name` of table meta, exactly len bytes, into out.
 * TJ_ENOTFOUND when it is missing or of another length. */
enum tj_code db_meta_blob(struct db *db, const char *name, void *out, size_t len) TJ_WUR;

/* Column text, or NULL; borrowed until the next step. */
const char *db_col_text(sqlite3_stmt *st, int i);

/* Seconds since the Unix epoch (the clock every timestamp column uses). */
int64_t db_now(void);

#endif
