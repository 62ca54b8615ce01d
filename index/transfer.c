/*
 * transfer.c - moving postings in and out: `export` (jsonl or csv),
 * `import` (jsonl, the export's own format) and `backup` (a consistent
 * copy of the database file while it is in use).
 *
 * The jsonl record is a posting as `extract` prints it plus its lifecycle
 * (key, state, first_seen, last_seen, last_changed, dup_of, page_url) and
 * its history, so export followed by import into an empty database gives
 * back the same postings with the same history: nothing in the index is
 * only reachable through SQL, and a database can be rebuilt from a dump.
 * backup uses SQLite's online backup API, which copies page by page and
 * restarts when a writer changes the source mid-copy, so it is safe while
 * the crawler and the server run.
 */
#include "transfer.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "cli.h"
#include "store.h"

static json_t *col_json(sqlite3_stmt *st, int i)
{
	switch (sqlite3_column_type(st, i)) {
	case SQLITE_INTEGER: return json_integer(sqlite3_column_int64(st, i));
	case SQLITE_FLOAT: return json_real(sqlite3_column_double(st, i));
	case SQLITE_NULL: return json_null();
	default: return json_string(db_col_text(st, i));
	}
}

/* RFC 4180 field: quoted when it holds a comma, quote or line break. */
static void csv_field(FILE *out, const char *s, bool last)
{
	if (!s)
		s = "";
	if (strpbrk(s, ",\"\r\n")) {
		fputc('"', out);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', out);
			fputc(*s, out);
		}
		fputc('"', out);
	} else {
		fputs(s, out);
	}
	fputc(last ? '\n' : ',', out);
}

static const char *const csv_columns[] = {
	"id", "state", "source", "title", "employer", "city", "url", "employment_type",
	"date_posted", "valid_through", "language", "international", "dutch_required",
	"level", "first_seen", "last_seen", "last_changed",
};

static enum tj_code export_rows(struct db *db, bool csv, FILE *out, long *n)
{
	sqlite3_stmt *st = NULL, *hist = NULL;
	bool row = true;
	enum tj_code rc;

	*n = 0;
	rc = db_prepare(db, &st,
		"SELECT id, state, source_id, title, employer, city, url, employment_type, date_posted,"
		" valid_through, language, intl_label, dutch_required, level, first_seen, last_seen,"
		" last_changed, posting_json, key, dup_of, page_url FROM jobs ORDER BY id");
	if (!rc)
		rc = db_prepare(db, &hist, "SELECT changed_at, posting_json FROM job_history"
				" WHERE job_id = ?1 ORDER BY changed_at, id");
	if (!rc && csv)
		for (size_t i = 0; i < sizeof(csv_columns) / sizeof(csv_columns[0]); i++)
			csv_field(out, csv_columns[i], i + 1 == sizeof(csv_columns) / sizeof(csv_columns[0]));
	while (!rc && !(rc = db_step(st, &row)) && row) {
		if (csv) {
			for (int i = 0; i < 17; i++) {
				const char *v = db_col_text(st, i);
				char tbuf[32];

				if (i >= 14 && v) {     /* timestamps as ISO 8601 */
					time_t t = (time_t)sqlite3_column_int64(st, i);
					struct tm tm;

					gmtime_r(&t, &tm);
					strftime(tbuf, sizeof(tbuf), "%Y-%m-%dT%H:%M:%SZ", &tm);
					v = tbuf;
				} else if (i == 12 && v) {
					v = sqlite3_column_int(st, i) ? "true" : "false";
				}
				csv_field(out, v, i == 16);
			}
		} else {
			json_t *o = json_loads(db_col_text(st, 17) ? db_col_text(st, 17) : "{}", 0, NULL);
			json_t *h = json_array();
			bool hrow = true;

			if (!o || !h) {
				json_decref(o);
				json_decref(h);
				rc = tj_error(TJ_EPARSE, "posting %lld: stored JSON is damaged",
					      (long long)sqlite3_column_int64(st, 0));
				break;
			}
			sqlite3_reset(hist);
			rc = db_bind_int(hist, 1, sqlite3_column_int64(st, 0));
			while (!rc && !(rc = db_step(hist, &hrow)) && hrow) {
				json_t *v = json_loads(db_col_text(hist, 1), 0, NULL);

				json_array_append_new(h, json_pack("{s:I, s:o}", "changed_at",
						(json_int_t)sqlite3_column_int64(hist, 0),
						"posting", v ? v : json_null()));
			}
			json_object_set_new(o, "id", col_json(st, 0));
			json_object_set_new(o, "key", col_json(st, 18));
			json_object_set_new(o, "state", col_json(st, 1));
			json_object_set_new(o, "dup_of", col_json(st, 19));
			json_object_set_new(o, "page_url", col_json(st, 20));
			json_object_set_new(o, "first_seen", col_json(st, 14));
			json_object_set_new(o, "last_seen", col_json(st, 15));
			json_object_set_new(o, "last_changed", col_json(st, 16));
			json_object_set_new(o, "history", h);
			if (json_dumpf(o, out, JSON_COMPACT) == 0)
				fputc('\n', out);
			json_decref(o);
		}
		(*n)++;
	}
	db_finalize(st);
	db_finalize(hist);
	return rc;
}

int cmd_export(int argc, char **argv)
{
	const char *path = db_default_path(), *format = "jsonl", *output = NULL;
	const struct cli_opt opts[] = {
		{ "format", 0, &format, NULL },
		{ "output", 'o', &output, NULL },
		{ NULL, 0, NULL, NULL },
	};
	struct db *db = NULL;
	FILE *out = stdout;
	long n = 0;
	int first, status;

	if ((status = cli_parse(argc, argv,
				"usage: twentejobs export [--db FILE] [--format jsonl|csv] [-o FILE]\n\n"
				"Every posting with its state (active, expired, duplicate) and lifecycle\n"
				"times; jsonl also carries each posting's full record and its history.\n",
				opts, NULL, &path, &first)) >= 0)
		return status;
	status = 0;
	if (strcmp(format, "jsonl") && strcmp(format, "csv")) {
		fprintf(stderr, "twentejobs export: unknown format '%s' (expected jsonl or csv)\n", format);
		return 2;
	}
	if (db_open(path, true, &db)) {
		fprintf(stderr, "twentejobs export: %s\n", tj_errmsg());
		return 1;
	}
	if (output && !(out = fopen(output, "w"))) {
		fprintf(stderr, "twentejobs export: cannot write '%s': %s\n", output, strerror(errno));
		db_close(db);
		return 1;
	}
	if (transfer_export(db, !strcmp(format, "csv"), out, &n)) {
		fprintf(stderr, "twentejobs export: %s\n", tj_errmsg());
		status = 1;
	}
	if (output && fclose(out)) {
		fprintf(stderr, "twentejobs export: cannot write '%s': %s\n", output, strerror(errno));
		status = 1;
	}
	db_close(db);
	if (!status && output)
		fprintf(stderr, "twentejobs export: %ld postings written to '%s'\n", n, output);
	return status;
}

enum tj_code transfer_export(struct db *db, bool csv, FILE *out, long *n)
{
	enum tj_code rc;

	/* one read transaction: a consistent snapshot while the spider writes */
	if ((rc = db_exec(db, "BEGIN")))
		return rc;
	rc = export_rows(db, csv, out, n);
	db_rollback(db);
	if (!rc && ferror(out))
		rc = tj_error(TJ_EIO, "cannot write the export: %s", strerror(errno));
	return rc;
}

enum tj_code transfer_import(struct db *db, FILE *in, const char *name, bool replace,
			     long *added, long *skipped)
{
	struct buf line;
	long lineno = 0;
	enum tj_code rc;
	int ch;

	*added = *skipped = 0;
	buf_init(&line, (size_t)16 << 20);
	if ((rc = db_begin(db)))
		goto out;
	do {
		json_t *rec;
		json_error_t err;
		bool ok;

		buf_reset(&line);
		while ((ch = fgetc(in)) != EOF && ch != '\n') {
			if ((rc = buf_addc(&line, (char)ch))) {
				rc = tj_error(TJ_ETOOBIG, "%s:%ld: line longer than 16 MiB", name, lineno + 1);
				goto out;
			}
		}
		lineno++;
		if (strspn(buf_str(&line), " \t\r") == line.len)
			continue;       /* blank line */
		rec = json_loadb(buf_str(&line), line.len, 0, &err);
		if (!rec) {
			rc = tj_error(TJ_EPARSE, "%s:%ld:%d: %s", name, lineno, err.column, err.text);
			goto out;
		}
		rc = store_import(db, rec, replace, &ok);
		json_decref(rec);
		if (rc) {
			rc = tj_error(rc, "%s:%ld: %s", name, lineno, tj_errmsg());
			goto out;
		}
		if (ok)
			(*added)++;
		else
			(*skipped)++;
	} while (ch != EOF);
	if (ferror(in))
		rc = tj_error(TJ_EIO, "cannot read '%s': %s", name, strerror(errno));
	else
		rc = db_commit(db);
out:
	if (rc)
		db_rollback(db);
	buf_release(&line);
	return rc;
}

enum tj_code transfer_backup(struct db *src, const char *dest)
{
	sqlite3 *d = NULL;
	sqlite3_backup *b;
	struct stat st;
	int r;
	enum tj_code rc = TJ_OK;

	if (stat(dest, &st) == 0)
		return tj_error(TJ_EINVAL, "'%s' already exists; choose a new file", dest);
	if (sqlite3_open_v2(dest, &d, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		rc = tj_error(TJ_EIO, "cannot create '%s': %s", dest, d ? sqlite3_errmsg(d) : "out of memory");
		goto out;
	}
	b = sqlite3_backup_init(d, "main", src->h, "main");
	if (!b) {
		rc = tj_error(TJ_EDB, "cannot back up to '%s': %s", dest, sqlite3_errmsg(d));
		goto out;
	}
	/* copy in steps so a busy writer only delays us; a change to the
	 * source during the copy makes SQLite restart it, so the copy is a
	 * consistent snapshot */
	do {
		r = sqlite3_backup_step(b, 256);
		if (r == SQLITE_BUSY || r == SQLITE_LOCKED)
			sqlite3_sleep(20);
	} while (r == SQLITE_OK || r == SQLITE_BUSY || r == SQLITE_LOCKED);
	sqlite3_backup_finish(b);
	if (r != SQLITE_DONE)
		rc = tj_error(TJ_EDB, "backup to '%s' failed: %s", dest, sqlite3_errstr(r));
out:
	sqlite3_close(d);
	if (rc)
		unlink(dest);
	return rc;
}

int cmd_import(int argc, char **argv)
{
	const char *path = db_default_path(), *file;
	bool replace = false;
	const struct cli_opt opts[] = {
		{ "replace", 0, NULL, &replace },
		{ NULL, 0, NULL, NULL },
	};
	struct db *db = NULL;
	FILE *in;
	long added, skipped;
	int first, status;

	if ((status = cli_parse(argc, argv,
				"usage: twentejobs import [--db FILE] [--replace] FILE.jsonl\n\n"
				"Import postings written by 'export --format jsonl' (FILE '-' is stdin),\n"
				"with their state, lifecycle times and history.  Postings whose key is\n"
				"already in the database are skipped, or replaced with --replace.  All\n"
				"or nothing: one bad line imports nothing and names the line.\n",
				opts, "FILE", &path, &first)) >= 0)
		return status;
	status = 0;
	file = argv[first];
	in = strcmp(file, "-") ? fopen(file, "r") : stdin;
	if (!in) {
		fprintf(stderr, "twentejobs import: cannot read '%s': %s\n", file, strerror(errno));
		return 1;
	}
	if (db_open(path, false, &db) ||
	    transfer_import(db, in, strcmp(file, "-") ? file : "<stdin>", replace, &added, &skipped)) {
		fprintf(stderr, "twentejobs import: %s\n", tj_errmsg());
		status = 1;
	} else {
		fprintf(stderr, "twentejobs import: %ld postings imported, %ld already present%s\n",
			added, skipped, skipped && !replace ? " (kept; --replace overwrites)" : "");
	}
	if (in != stdin)
		fclose(in);
	db_close(db);
	return status;
}

int cmd_backup(int argc, char **argv)
{
	const char *path = db_default_path();
	struct db *db = NULL;
	int first, status;

	if ((status = cli_parse(argc, argv,
				"usage: twentejobs backup [--db FILE] DEST\n\n"
				"Write a consistent copy of the database to DEST (a new file), safely\n"
				"while the crawler and the server are using it (SQLite's backup API).\n",
				NULL, "DEST", &path, &first)) >= 0)
		return status;
	status = 0;
	if (db_open(path, true, &db) || transfer_backup(db, argv[first])) {
		fprintf(stderr, "twentejobs backup: %s\n", tj_errmsg());
		status = 1;
	} else {
		fprintf(stderr, "twentejobs backup: '%s' copied to '%s'\n", path, argv[first]);
	}
	db_close(db);
	return status;
}
