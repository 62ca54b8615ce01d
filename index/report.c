/*
 * report.c - `sources` (see report.h).
 *
 * `sources` answers the curator's question "why does this employer show
 * no jobs?": the last run's status, what failed by kind, how many URLs
 * robots.txt blocked, and its one-line message.
 */
#include "report.h"
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static json_t *col_json(sqlite3_stmt *st, int i)
{
	switch (sqlite3_column_type(st, i)) {
	case SQLITE_INTEGER: return json_integer(sqlite3_column_int64(st, i));
	case SQLITE_FLOAT: return json_real(sqlite3_column_double(st, i));
	case SQLITE_NULL: return json_null();
	default: return json_string(db_col_text(st, i));
	}
}

static json_t *iso_time(sqlite3_stmt *st, int i)
{
	time_t t;
	struct tm tm;
	char b[32];

	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return json_null();
	t = (time_t)sqlite3_column_int64(st, i);
	gmtime_r(&t, &tm);
	strftime(b, sizeof(b), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_string(b);
}

enum tj_code report_sources(struct db *db, json_t **out)
{
	sqlite3_stmt *st = NULL;
	json_t *arr = json_array();
	bool row = true;
	enum tj_code rc;

	*out = NULL;
	if (!arr)
		return tj_error(TJ_ENOMEM, "out of memory");
	rc = db_prepare(db, &st,
		"SELECT s.id, s.employer, s.website, s.town, r.status, r.started_at, r.finished_at,"
		" r.pages, r.not_modified, r.postings, r.new_postings, r.expired_postings, r.errors,"
		" r.robots_blocked, r.errors_json, r.message, r.complete,"
		" (SELECT count(*) FROM jobs j WHERE j.source_id = s.id AND j.state = 'active'),"
		" (SELECT count(*) FROM jobs j WHERE j.source_id = s.id AND j.state = 'expired'),"
		" (SELECT count(*) FROM crawl_runs c WHERE c.source_id = s.id)"
		" FROM sources s LEFT JOIN crawl_runs r ON r.id ="
		"  (SELECT max(id) FROM crawl_runs c WHERE c.source_id = s.id)"
		" ORDER BY s.id");
	while (!rc && !(rc = db_step(st, &row)) && row) {
		json_t *errs = NULL, *o;
		const char *ej = db_col_text(st, 14);

		if (ej)
			errs = json_loads(ej, 0, NULL);
		o = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
			      "id", col_json(st, 0), "employer", col_json(st, 1),
			      "website", col_json(st, 2), "town", col_json(st, 3),
			      "active_postings", col_json(st, 17),
			      "expired_postings", col_json(st, 18),
			      "runs", col_json(st, 19));
		if (o && sqlite3_column_type(st, 4) != SQLITE_NULL) {
			bool timed = sqlite3_column_type(st, 5) != SQLITE_NULL &&
				     sqlite3_column_type(st, 6) != SQLITE_NULL;
			json_t *last = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
				"status", col_json(st, 4), "started_at", iso_time(st, 5),
				"finished_at", iso_time(st, 6),
				"duration_s", timed ? json_integer(sqlite3_column_int64(st, 6) -
								   sqlite3_column_int64(st, 5))
						    : json_null(),
				"pages", col_json(st, 7),
				"not_modified", col_json(st, 8), "postings", col_json(st, 9),
				"new_postings", col_json(st, 10), "expired_postings", col_json(st, 11),
				"errors", col_json(st, 12), "robots_blocked", col_json(st, 13),
				"errors_by_kind", errs ? errs : json_object(),
				"message", col_json(st, 15),
				"complete", json_boolean(sqlite3_column_int(st, 16)));
			errs = NULL;
			if (!last || json_object_set_new(o, "last_run", last)) {
				json_decref(o);
				o = NULL;
			}
		} else if (o) {
			json_object_set_new(o, "last_run", json_null());
		}
		json_decref(errs);
		if (!o || json_array_append_new(arr, o))
			rc = tj_error(TJ_ENOMEM, "out of memory");
	}
	db_finalize(st);
	if (rc) {
		json_decref(arr);
		return rc;
	}
	*out = arr;
	return TJ_OK;
}

static const char *jstr(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "-";
}

static long long jint(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

/* A run's duration for the table: "42s", "3m05s", "2h10m"; "-" if unknown. */
static void format_took(const json_t *d, char *out, size_t n)
{
	long long s = json_integer_value(d);

	if (!json_is_integer(d) || s < 0)
		snprintf(out, n, "-");
	else if (s < 60)
		snprintf(out, n, "%llds", s);
	else if (s < 3600)
		snprintf(out, n, "%lldm%02llds", s / 60, s % 60);
	else
		snprintf(out, n, "%lldh%02lldm", s / 3600, s % 3600 / 60);
}

static void print_sources_table(const json_t *arr)
{
	size_t i;
	json_t *s;
	int w = 6;      /* the SOURCE column fits the longest id */

	json_array_foreach(arr, i, s)
		if ((int)strlen(jstr(s, "id")) > w)
			w = (int)strlen(jstr(s, "id"));
	printf("%-*s %-11s %-20s %7s %6s %6s %7s %6s %6s  %s\n", w, "SOURCE", "STATUS",
	       "LAST CRAWL", "TOOK", "PAGES", "JOBS", "EXPIRED", "ERRORS", "ROBOTS", "WHY");
	json_array_foreach(arr, i, s) {
		json_t *r = json_object_get(s, "last_run");
		char why[200] = "", took[32];

		if (json_is_object(r)) {
			const char *msg = json_string_value(json_object_get(r, "message"));
			json_t *ek = json_object_get(r, "errors_by_kind");

			if (msg) {
				snprintf(why, sizeof(why), "%s", msg);
			} else if (json_object_size(ek)) {
				/* the most frequent error kinds, so a curator sees what broke */
				const char *k;
				json_t *v;
				size_t n = 0;

				json_object_foreach(ek, k, v) {
					n += (size_t)snprintf(why + n, n < sizeof(why) ? sizeof(why) - n : 0,
							      "%s%s x%lld", n ? ", " : "", k,
							      (long long)json_integer_value(v));
					if (n >= sizeof(why))
						break;
				}
			}
			format_took(json_object_get(r, "duration_s"), took, sizeof(took));
			printf("%-*s %-11s %-20s %7s %6lld %6lld %7lld %6lld %6lld  %s\n", w, jstr(s, "id"),
			       jstr(r, "status"), jstr(r, "started_at"), took, jint(r, "pages"),
			       jint(s, "active_postings"), jint(s, "expired_postings"), jint(r, "errors"),
			       jint(r, "robots_blocked"), why);
		} else {
			printf("%-*s %-11s %-20s %7s %6s %6lld %7lld %6s %6s  %s\n", w, jstr(s, "id"),
			       "never", "-", "-", "-", jint(s, "active_postings"),
			       jint(s, "expired_postings"), "-", "-", "not crawled yet");
		}
	}
}

int cmd_sources(int argc, char **argv)
{
	const char *path = db_default_path();
	bool as_json = false;
	const struct cli_opt opts[] = {
		{ "json", 0, NULL, &as_json },
		{ NULL, 0, NULL, NULL },
	};
	struct db *db = NULL;
	json_t *arr = NULL;
	int first, status;

	if ((status = cli_parse(argc, argv,
				"usage: twentejobs sources [--db FILE] [--json]\n\n"
				"Each source's crawl health: the last run's status and time, pages,\n"
				"active and expired postings, errors by kind, robots.txt blocks, and\n"
				"why a run was not complete.\n",
				opts, NULL, &path, &first)) >= 0)
		return status;
	status = 0;
	if (db_open(path, true, &db) || report_sources(db, &arr)) {
		fprintf(stderr, "twentejobs sources: %s\n", tj_errmsg());
		status = 1;
		goto out;
	}
	if (as_json) {
		if (json_dumpf(arr, stdout, JSON_INDENT(2)) == 0)
			putchar('\n');
	} else {
		print_sources_table(arr);
	}
out:
	json_decref(arr);
	db_close(db);
	return status;
}
