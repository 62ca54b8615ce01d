/*
 * json.h - every JSON document the API produces, built in one place.
 *
 * Handlers fetch data (search_run, or a statement selecting the columns
 * named by the JSON_*_COLUMNS macros below, in that order) and hand it here;
 * this file decides field names, null handling and time formats, so the
 * wire format is consistent across routes.  All builders return a new
 * reference (caller json_decref()s) or NULL on OOM.  Thread-safe.
 */
#ifndef TJ_JSON_H
#define TJ_JSON_H

#include <jansson.h>
#include <sqlite3.h>
#include "buf.h"
#include "routes.h"
#include "search.h"

/* Serialise compactly as UTF-8 into out and drop the reference; a NULL
 * `o` (a failed builder) is TJ_ENOMEM. */
enum tj_code json_take(json_t *o, struct buf *out) TJ_WUR;

/* {"error": {"code": code, "message": message}} */
json_t *json_error_body(const char *code, const char *message);

/* The /api/v1/jobs body; next_cursor NULL when there is no next page. */
json_t *json_search(const struct search_params *p, const struct search_result *r,
		    const char *next_cursor);

/* One posting in full (/api/v1/jobs/{id}) from a row of JSON_JOB_COLUMNS
 * (jobs j LEFT JOIN sources s). */
#define JSON_JOB_COLUMNS \
	"j.id, j.posting_json, j.state, j.first_seen, j.last_seen, j.last_changed," \
	" j.missed_runs, j.dup_of, j.source_id, j.language, j.language_confidence," \
	" j.intl_label, j.intl_score, j.intl_reasons, j.dutch_required, j.level," \
	" j.advertiser, s.website, s.employer"
json_t *json_job(sqlite3_stmt *st);

/*
 * Add "duplicates" (the ids with dup_of = this one) and, when history is
 * not NULL, "history" ([{"changed_at", "posting"}], oldest first) to a
 * json_job() object.  Steals job and history; NULL on OOM (both freed).
 */
json_t *json_job_extras(json_t *job, const int64_t *dups, size_t n_dups, json_t *history);
/* {"changed_at": RFC 3339, "posting": the stored JSON (null if unreadable)} */
json_t *json_history_entry(int64_t changed_at, const char *posting_json);

/* One entry of /api/v1/changes from a row of JSON_CHANGE_COLUMNS (see
 * h_changes.c): id, key, change type, time, title, employer, url, state. */
json_t *json_change(sqlite3_stmt *st);
/* {"since", "count", "changes": items, "next_cursor"}; steals items. */
json_t *json_changes(int64_t since, json_t *items, const char *next_cursor);

/* One employer from a row of JSON_EMPLOYER_COLUMNS followed by the open
 * and international-friendly counts. */
#define JSON_EMPLOYER_COLUMNS "s.id, s.employer, s.website, s.town, s.lat, s.lon, s.advertiser"
json_t *json_employer(sqlite3_stmt *st);

/* One source's crawl health from a row of JSON_SOURCE_COLUMNS (sources s
 * LEFT JOIN its latest crawl_runs r), then the active job count. */
#define JSON_SOURCE_COLUMNS \
	"s.id, s.employer, s.rule_file, s.updated_at, r.id, r.started_at, r.finished_at," \
	" r.status, r.complete, r.pages, r.not_modified, r.postings, r.new_postings," \
	" r.changed_postings, r.expired_postings, r.errors, r.robots_blocked," \
	" r.errors_json, r.message"
json_t *json_source(sqlite3_stmt *st, int64_t now);

/* {"q": ..., "suggestions": [{"title", "count"}]} */
json_t *json_suggest(const char *q, char *const *titles, const int64_t *counts, size_t n);

/* {"total": n, key: items}; steals `items` (an array). */
json_t *json_collection(const char *key, json_t *items);

/* {"status": "ok", "version", "schema_version", "jobs_active"} */
json_t *json_health(int64_t active);

/* The OpenAPI 3.1 document for the route table. */
json_t *json_openapi(const struct route *r, size_t n);

/* "2026-12-04T15:40:54Z"; `out` holds at least 24 bytes. */
void json_iso_time(int64_t t, char *out, size_t n);

#endif
