/*
 * h_meta.c - the routes about the API itself: /healthz, /metrics and
 * /api/v1/openapi.json.
 *
 * /healthz runs one cheap query so that "healthy" means "can answer from
 * the database", not merely "the process is up".  The OpenAPI document is
 * generated from the route table on each call (it is small, and the 304
 * path makes repeats cheap for clients).
 */
#include "json.h"
#include "routes.h"
#include "server.h"

enum tj_code h_meta_health(struct api_req *rq, struct api_resp *rs)
{
	sqlite3_stmt *st = NULL;
	struct db *db;
	enum tj_code rc;
	bool row = false;

	rc = api_db(rq, &db);
	if (!rc)
		rc = db_prepare(db, &st, "SELECT count(*) FROM jobs WHERE state = 'active'");
	if (!rc)
		rc = db_step(st, &row);
	if (rc) {
		db_finalize(st);
		return api_fail(rs, 503, "unhealthy", "database unavailable: %s", tj_errmsg());
	}
	rc = json_take(json_health(row ? sqlite3_column_int64(st, 0) : 0), &rs->body);
	db_finalize(st);
	return rc;
}

enum tj_code h_meta_metrics(struct api_req *rq, struct api_resp *rs)
{
	return api_metrics_render(rq, &rs->body);
}

enum tj_code h_meta_openapi(struct api_req *rq, struct api_resp *rs)
{
	(void)rq;
	return json_take(json_openapi(routes, n_routes), &rs->body);
}
