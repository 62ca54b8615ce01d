/*
 * routes.c - the route table (see routes.h).
 *
 * Add a route here and nowhere else: the dispatcher, the parameter check,
 * the metrics labels and the OpenAPI document all follow.  Matching is a
 * linear scan: the table is small, and exact paths are compared before the
 * one-segment patterns.
 */
#include "routes.h"

#include <string.h>

#define FILTERS \
	{ "lang", "string", "posting language, ISO 639-1 (en, nl, de, und); comma-separated for several", NULL }, \
	{ "intl", "string", "international-friendly label; comma-separated for several", "yes,maybe,no" }, \
	{ "city", "string", "town, case-insensitive (exact name)", NULL }, \
	{ "employer", "string", "employer name, case-insensitive (exact name)", NULL }, \
	{ "level", "string", "seniority; comma-separated for several", \
	  "internship,graduate,junior,medior,senior,unknown" }, \
	{ "type", "string", "schema.org employment type; comma-separated for several", \
	  "FULL_TIME,PART_TIME,CONTRACTOR,TEMPORARY,INTERN,VOLUNTEER,PER_DIEM,OTHER" }, \
	{ "advertiser", "string", "who advertises the posting: the employer itself or a recruitment " \
	  "agency (the posting's classification, else its source's); comma-separated for several", \
	  "employer,agency" }, \
	{ "remote", "string", "work arrangement; comma-separated for several", "remote,hybrid,onsite" }, \
	{ "posted_since", "string", "date posted on or after: YYYY-MM-DD, or a number of days such as 7d", NULL }, \
	{ "include_expired", "boolean", "also return postings no longer online (default 0)", "0,1,true,false" }

static const struct route_param search_params[] = {
	{ "q", "string", "query: words (all must match), \"phrases\", a OR b, -excluded; "
	  "the last word also matches as a prefix", NULL },
	FILTERS,
	{ "sort", "string", "relevance (default with q) or date (newest first; default without q)",
	  "relevance,date" },
	{ "limit", "integer", "results per page, 1-100 (default 20)", NULL },
	{ "cursor", "string", "next_cursor of the previous page, with the same q, filters and sort", NULL },
	{ NULL, NULL, NULL, NULL },
};

static const struct route_param feed_params[] = {
	{ "q", "string", "query, as for /api/v1/jobs", NULL },
	FILTERS,
	{ "limit", "integer", "entries, 1-100 (default 50)", NULL },
	{ NULL, NULL, NULL, NULL },
};

static const struct route_param suggest_params[] = {
	{ "q", "string", "the title typed so far", NULL },
	{ "limit", "integer", "suggestions, 1-20 (default 10)", NULL },
	{ NULL, NULL, NULL, NULL },
};

static const struct route_param job_params[] = {
	{ "history", "boolean", "also return the posting's earlier versions (default 0)", "0,1,true,false" },
	{ NULL, NULL, NULL, NULL },
};

static const struct route_param changes_params[] = {
	{ "since", "string", "required: ISO 8601 date or date-time (2026-12-01T00:00:00Z), "
	  "or Unix seconds; postings new, changed or expired at or after it", NULL },
	{ "limit", "integer", "entries, 1-500 (default 100)", NULL },
	{ "cursor", "string", "next_cursor of the previous page", NULL },
	{ NULL, NULL, NULL, NULL },
};

static const struct route_param no_params[] = { { NULL, NULL, NULL, NULL } };

#define JSON "application/json; charset=utf-8"

const struct route routes[] = {
	{ "/api/v1/jobs", "jobs_search", h_jobs_search,
	  "Search active job postings with filters, facets and cursor pagination",
	  search_params, JSON, "SearchResponse", "public, max-age=60" },
	{ "/api/v1/jobs/{id}", "jobs_get", h_jobs_get,
	  "One posting in full, with lifecycle, duplicates and a schema.org JobPosting",
	  job_params, JSON, "Job", "public, max-age=300" },
	{ "/api/v1/suggest", "suggest", h_jobs_suggest,
	  "Job title autocomplete",
	  suggest_params, JSON, "SuggestResponse", "public, max-age=300" },
	{ "/api/v1/feed.atom", "feed", h_jobs_feed,
	  "The newest postings matching the filters as an Atom feed",
	  feed_params, "application/atom+xml; charset=utf-8", NULL, "public, max-age=300" },
	{ "/api/v1/changes", "changes", h_changes_list,
	  "Postings that became new, changed or expired since a time, oldest first",
	  changes_params, JSON, "ChangesResponse", "no-cache" },
	{ "/api/v1/employers", "employers", h_employers_list,
	  "The employer directory with open and international-friendly posting counts",
	  no_params, JSON, "EmployersResponse", "public, max-age=300" },
	{ "/api/v1/sources", "sources", h_sources_list,
	  "Crawl health per source, from its latest crawl run",
	  no_params, JSON, "SourcesResponse", "no-cache" },
	{ "/api/v1/openapi.json", "openapi", h_meta_openapi,
	  "This OpenAPI 3.1 document",
	  no_params, JSON, NULL, "public, max-age=3600" },
	{ "/healthz", "healthz", h_meta_health,
	  "Liveness: the database answers",
	  no_params, JSON, "Health", "no-store" },
	{ "/metrics", "metrics", h_meta_metrics,
	  "Prometheus metrics: requests by route and status, latency, jobs by state, database size",
	  no_params, "text/plain; version=0.0.4; charset=utf-8", NULL, "no-store" },
};

const size_t n_routes = sizeof(routes) / sizeof(routes[0]);

const struct route *route_match(const char *path, const char **arg)
{
	*arg = NULL;
	for (size_t i = 0; i < n_routes; i++)
		if (!strcmp(routes[i].path, path))
			return &routes[i];
	for (size_t i = 0; i < n_routes; i++) {
		const char *open = strchr(routes[i].path, '{');
		size_t pre;

		if (!open)
			continue;
		pre = (size_t)(open - routes[i].path);
		if (strncmp(path, routes[i].path, pre) || !path[pre] || strchr(path + pre, '/'))
			continue;
		*arg = path + pre;
		return &routes[i];
	}
	return NULL;
}
