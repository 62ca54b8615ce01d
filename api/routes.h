/*
 * routes.h - the route table: every path the API serves, its handler, its
 * query parameters and its documentation (fossil's WEBPAGE index).
 *
 * The table is the single source of truth: the dispatcher (server.c)
 * rejects any query parameter a route does not list, /metrics labels by
 * route name, and /api/v1/openapi.json is generated from it (json.c), so a
 * route cannot exist undocumented.
 */
#ifndef TJ_ROUTES_H
#define TJ_ROUTES_H

#include <stddef.h>
#include "server.h"

struct route_param {
	const char *name;
	const char *type;               /* OpenAPI type: string, integer, boolean */
	const char *desc;
	const char *values;             /* comma-separated enum, or NULL */
};

typedef enum tj_code (*route_fn)(struct api_req *rq, struct api_resp *rs);

struct route {
	const char *path;               /* "/api/v1/jobs/{id}": {x} is one segment */
	const char *name;               /* metrics label, OpenAPI operationId */
	route_fn fn;                    /* serves GET and HEAD */
	const char *summary;
	const struct route_param *params;   /* ends with { NULL } */
	const char *content_type;
	const char *schema;             /* OpenAPI component of the 200 body, or NULL */
	const char *cache_control;
};

extern const struct route routes[];
extern const size_t n_routes;

/* The route for a path, or NULL; *arg is the {x} segment (borrowed from
 * path) or NULL. */
const struct route *route_match(const char *path, const char **arg);

/* The handlers, one file per resource. */
enum tj_code h_jobs_search(struct api_req *rq, struct api_resp *rs);
enum tj_code h_jobs_get(struct api_req *rq, struct api_resp *rs);
enum tj_code h_jobs_suggest(struct api_req *rq, struct api_resp *rs);
enum tj_code h_jobs_feed(struct api_req *rq, struct api_resp *rs);
enum tj_code h_changes_list(struct api_req *rq, struct api_resp *rs);
enum tj_code h_employers_list(struct api_req *rq, struct api_resp *rs);
enum tj_code h_sources_list(struct api_req *rq, struct api_resp *rs);
enum tj_code h_meta_health(struct api_req *rq, struct api_resp *rs);
enum tj_code h_meta_metrics(struct api_req *rq, struct api_resp *rs);
enum tj_code h_meta_openapi(struct api_req *rq, struct api_resp *rs);

/* `twentejobs search` (h_jobs.c): the same search from the shell, printed as
 * a table or, with --json, as the API's JSON.  Exit status 0, 1, 2. */
int cmd_search(int argc, char **argv);

#endif
