/*
 * h_sources.c - crawl health per source (/api/v1/sources), for curators.
 *
 * Each source with its most recent crawl_runs row (by started_at, then id)
 * and its count of active postings; json.c sums the run up in one word
 * (ok, degraded, failing, stale, running, never_crawled) so a dashboard can
 * sort the broken sources to the top.
 */
#include "json.h"
#include "routes.h"
#include "server.h"

enum tj_code h_sources_list(struct api_req *rq, struct api_resp *rs)
{
	sqlite3_stmt *st = NULL;
	json_t *list = json_array();
	int64_t now = db_now();
	struct db *db;
	enum tj_code rc;
	bool row;

	if (!list)
		return tj_error(TJ_ENOMEM, "out of memory");
	rc = api_db(rq, &db);
	if (!rc)
		rc = db_prepare(db, &st,
				"SELECT " JSON_SOURCE_COLUMNS ","
				" (SELECT count(*) FROM jobs j WHERE j.source_id = s.id AND j.state = 'active')"
				" FROM sources s LEFT JOIN crawl_runs r ON r.id ="
				"  (SELECT id FROM crawl_runs WHERE source_id = s.id"
				"   ORDER BY started_at DESC, id DESC LIMIT 1)"
				" ORDER BY s.id");
	while (!rc && !(rc = db_step(st, &row)) && row)
		if (json_array_append_new(list, json_source(st, now)))
			rc = tj_error(TJ_ENOMEM, "out of memory");
	db_finalize(st);
	if (rc) {
		json_decref(list);
		return rc;
	}
	return json_take(json_collection("sources", list), &rs->body);
}
