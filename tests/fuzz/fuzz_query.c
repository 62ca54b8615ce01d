/*
 * fuzz_query.c - libFuzzer harness for search_translate() (index/search.c),
 * the translation of user text into an FTS5 query.
 *
 * Input: the user's text (`q`).  The first byte, when present, chooses
 * prefix matching (its low bit); the rest is the text, cut at its first NUL
 * as a C string would be.
 *
 * The translation must never let input change the query's structure, so
 * every expression it produces (match, exclude, suggest, tier0, probe) is
 *   - checked for balanced FTS5 strings ("..." with "" as the escape) and
 *     balanced parentheses outside strings, and
 *   - run as `MATCH ?` against FTS5 tables using the project's tj_stem
 *     tokenizer: the real jobs_fts of a schema made by db_open(":memory:")
 *     and a scratch table with a few rows (so the matcher also walks real
 *     position lists).  Any SQLite error - an FTS5 syntax error above all -
 *     is a crash.
 * Texts the translator rejects (TJ_EINVAL: invalid UTF-8, too long, too
 * many terms) are fine; any other error is a crash.
 *
 * The database is opened once and kept for the process; it is only read
 * after setup, so no state carries from one input to the next.
 *
 * Build: make build-fuzz/fuzz_query && build-fuzz/fuzz_query tests/fuzz/query/
 */
#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "search.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct db *database(void)
{
	static struct db *db;

	if (db)
		return db;
	if (db_open(":memory:", false, &db) != TJ_OK ||
	    db_exec(db, "CREATE VIRTUAL TABLE fz USING fts5(title, employer, city, description,"
			" tokenize=\"tj_stem remove_diacritics 2 tokenchars '+#'\", prefix='2 3 4');"
			"INSERT INTO fz VALUES ('Senior C++ developer', 'Thales', 'Hengelo',"
			"  'We are looking for engineers who write C# and C++; Dutch is a plus.');"
			"INSERT INTO fz VALUES ('Medewerker klantenservice', 'Bolk', 'Enschede',"
			"  'Je spreekt vloeiend Nederlands. Ontwikkelaars gezocht, \"quotes\" OR NEAR.');"
			"INSERT INTO fz VALUES ('Werkstudent Java', 'Universiteit Twente', 'Enschede',"
			"  'English-speaking team, international environment, café résumé naïve.');") !=
		    TJ_OK) {
		fprintf(stderr, "fuzz_query: cannot set up the database: %s\n", tj_errmsg());
		abort();
	}
	return db;
}

/* FTS5 strings balanced ("" escapes a quote inside one), parentheses
 * balanced outside strings. */
static void check_balanced(const char *s)
{
	bool in = false;
	int depth = 0;

	for (; *s; s++) {
		if (in) {
			if (*s == '"') {
				if (s[1] == '"')
					s++;
				else
					in = false;
			}
		} else if (*s == '"') {
			in = true;
		} else if (*s == '(') {
			depth++;
		} else if (*s == ')') {
			if (--depth < 0)
				abort();
		}
	}
	if (in || depth)
		abort();
}

static void run(struct db *db, const char *table, const char *expr)
{
	char sql[128];
	sqlite3_stmt *st = NULL;
	int rc, rows = 0;

	snprintf(sql, sizeof sql, "SELECT rowid FROM %s WHERE %s MATCH ?1", table, table);
	if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) != SQLITE_OK)
		abort();
	sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && rows < 100)
		rows++;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		fprintf(stderr, "fuzz_query: %s MATCH '%s': %s\n", table, expr, sqlite3_errmsg(db->h));
		abort();
	}
	sqlite3_finalize(st);
}

static void check(struct db *db, const char *expr)
{
	if (!expr)
		return;
	check_balanced(expr);
	run(db, "jobs_fts", expr);
	run(db, "fz", expr);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct db *db = database();
	struct search_query q;
	bool prefix = size && (data[0] & 1);
	char *text;
	enum tj_code rc;

	if (size)
		data++, size--;
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	memset(&q, 0, sizeof q);
	rc = search_translate(text, prefix, &q);
	free(text);
	if (rc == TJ_EINVAL)
		return 0;
	if (rc != TJ_OK || !q.understood)
		abort();
	check(db, q.match);
	check(db, q.exclude);
	check(db, q.suggest);
	check(db, q.tier0);
	check(db, q.probe);
	search_query_release(&q);
	return 0;
}
