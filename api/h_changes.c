/*
 * h_changes.c - the changes feed (/api/v1/changes, issue 6): what became
 * new, changed or expired since a moment, for clients that mirror the
 * index or send alerts.
 *
 * How it works: one query is the union of three views of jobs -
 *   new      first_seen >= since, at first_seen;
 *   changed  a job_history row at or after since, at the newest such
 *            row (a history row is written exactly when the content
 *            changed, so state moves alone never count);
 *   expired  state 'expired' and last_changed >= since, at last_changed
 * - ordered by (time, id, change).  One posting can appear once per kind.
 * Duplicates are postings too and are listed (with their state).
 *
 * Pagination is keyset, not offset: the cursor is the last entry's
 * (time, id, change) written as "T.ID.C", and the next page starts
 * strictly after it, so entries added meanwhile never shift a page.  The
 * cursor is opaque to clients but not secret, and needs no binding to the
 * query: every position is valid for any `since`.
 *
 * Limits: `since` is parsed here (Unix seconds, or ISO 8601 date or
 * date-time with Z or an offset); fractions of a second are ignored.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json.h"
#include "routes.h"
#include "server.h"

#define CHANGES_DEFAULT_LIMIT 100
#define CHANGES_MAX_LIMIT 500

/* Parse exactly n digits at *p (advance on success). */
static int digits(const char **p, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

static int lit(const char **p, char c)
{
	if (**p != c)
		return -1;
	(*p)++;
	return 0;
}

/* Unix seconds (1-12 digits), or YYYY-MM-DD[THH:MM[:SS[.f...]][Z|+HH:MM|-HH:MM]];
 * a date-time without a zone is UTC. */
static int parse_since(const char *s, int64_t *out)
{
	const char *p = s;
	struct tm tm = { 0 };
	int y, mo, d, h = 0, mi = 0, sec = 0, oh = 0, om = 0, sign = 0;
	size_t n = strspn(s, "0123456789");

	if (n && !s[n]) {
		int64_t v = 0;

		if (n > 12)
			return -1;
		for (size_t i = 0; i < n; i++)
			v = v * 10 + (s[i] - '0');
		*out = v;
		return 0;
	}
	if (digits(&p, 4, &y) || lit(&p, '-') || digits(&p, 2, &mo) || lit(&p, '-') ||
	    digits(&p, 2, &d))
		return -1;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (digits(&p, 2, &h) || lit(&p, ':') || digits(&p, 2, &mi))
			return -1;
		if (*p == ':') {
			p++;
			if (digits(&p, 2, &sec))
				return -1;
		}
		if (*p == '.' || *p == ',') {
			p++;
			if (*p < '0' || *p > '9')
				return -1;
			p += strspn(p, "0123456789");
		}
		if (*p == 'Z' || *p == 'z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			sign = *p++ == '-' ? -1 : 1;
			if (digits(&p, 2, &oh))
				return -1;
			if (*p == ':')
				p++;
			if (digits(&p, 2, &om))
				return -1;
		}
	}
	if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60 ||
	    oh > 23 || om > 59)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	*out = (int64_t)timegm(&tm) - (int64_t)sign * (oh * 3600 + om * 60);
	return 0;
}

struct pos {
	int64_t time, id;
	const char *change;     /* static: "changed", "expired", "new" */
};

static const char *const kinds[] = { "changed", "expired", "new" };

/* "T.ID.C" with C the first letter of the change kind. */
static int parse_cursor(const char *s, struct pos *out)
{
	int64_t v[2] = { 0, 0 };
	const char *p = s;

	for (int k = 0; k < 2; k++) {
		size_t n = strspn(p, "0123456789");

		if (!n || n > 18 || p[n] != '.')
			return -1;
		for (size_t i = 0; i < n; i++)
			v[k] = v[k] * 10 + (p[i] - '0');
		p += n + 1;
	}
	out->change = NULL;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (p[0] == kinds[i][0] && !p[1])
			out->change = kinds[i];
	if (!out->change)
		return -1;
	out->time = v[0];
	out->id = v[1];
	return 0;
}

#define CHANGES_SQL \
	"SELECT id, key, change, t, title, employer, url, state FROM (" \
	" SELECT id, key, 'new' AS change, first_seen AS t, title, employer, url, state" \
	"  FROM jobs WHERE first_seen >= ?1" \
	" UNION ALL" \
	" SELECT j.id, j.key, 'changed', h.t, j.title, j.employer, j.url, j.state" \
	"  FROM (SELECT job_id, max(changed_at) AS t FROM job_history WHERE changed_at >= ?1" \
	"   GROUP BY job_id) h JOIN jobs j ON j.id = h.job_id" \
	" UNION ALL" \
	" SELECT id, key, 'expired', last_changed, title, employer, url, state" \
	"  FROM jobs WHERE state = 'expired' AND last_changed >= ?1" \
	") WHERE (t, id, change) > (?2, ?3, ?4) ORDER BY t, id, change LIMIT ?5"

enum tj_code h_changes_list(struct api_req *rq, struct api_resp *rs)
{
	sqlite3_stmt *st = NULL;
	struct pos after = { INT64_MIN, 0, "" }, last = { 0, 0, NULL };
	int64_t since = -1;
	long limit = CHANGES_DEFAULT_LIMIT;
	json_t *items = NULL;
	char cursor[64];
	struct db *db;
	bool row = true, more = false;
	long n = 0;
	enum tj_code rc;

	for (int i = 0; i < rq->n_params; i++) {
		const char *k = rq->params[i].key, *v = rq->params[i].value;

		if (!strcmp(k, "since")) {
			if (parse_since(v, &since))
				return tj_error(TJ_EINVAL, "parameter 'since': '%.64s' is not a time "
						"(ISO 8601 such as 2026-12-01T00:00:00Z, or Unix seconds)", v);
		} else if (!strcmp(k, "limit")) {
			char *end;

			limit = strtol(v, &end, 10);
			if (!*v || *end || limit < 1 || limit > CHANGES_MAX_LIMIT)
				return tj_error(TJ_EINVAL, "parameter 'limit': '%.64s' is not a number "
						"from 1 to %d", v, CHANGES_MAX_LIMIT);
		} else if (*v && parse_cursor(v, &after)) {
			return tj_error(TJ_EINVAL, "parameter 'cursor': '%.64s' is not a next_cursor "
					"of this feed", v);
		}
	}
	if (since < 0)
		return tj_error(TJ_EINVAL, "parameter 'since': required (ISO 8601 or Unix seconds)");
	if (!(items = json_array()))
		return tj_error(TJ_ENOMEM, "out of memory listing changes");
	if ((rc = api_db(rq, &db)) || (rc = db_prepare(db, &st, CHANGES_SQL)) ||
	    (rc = db_bind_int(st, 1, since)) || (rc = db_bind_int(st, 2, after.time)) ||
	    (rc = db_bind_int(st, 3, after.id)) || (rc = db_bind_text(st, 4, after.change)) ||
	    (rc = db_bind_int(st, 5, limit + 1)))
		goto out;
	/* one row more than the page says whether there is a next one */
	while (!(rc = db_step(st, &row)) && row) {
		if (n == limit) {
			more = true;
			break;
		}
		if (json_array_append_new(items, json_change(st))) {
			rc = tj_error(TJ_ENOMEM, "out of memory listing changes");
			goto out;
		}
		last.time = sqlite3_column_int64(st, 3);
		last.id = sqlite3_column_int64(st, 0);
		last.change = db_col_text(st, 2);
		if (!last.change) {
			rc = tj_error(TJ_ENOMEM, "out of memory listing changes");
			goto out;
		}
		snprintf(cursor, sizeof(cursor), "%lld.%lld.%c", (long long)last.time,
			 (long long)last.id, last.change[0]);
		n++;
	}
	if (rc)
		goto out;
	rc = json_take(json_changes(since, items, more ? cursor : NULL), &rs->body);
	items = NULL;
out:
	db_finalize(st);
	json_decref(items);
	return rc;
}
