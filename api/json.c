/*
 * json.c - the API's JSON documents (see json.h).
 *
 * Conventions, everywhere: snake_case keys; a field the data does not know
 * is null, never absent and never ""; times are RFC 3339 UTC strings
 * ("2026-12-04T15:40:54Z"); dates stay "YYYY-MM-DD" as the postings state
 * them; lists are arrays (JSON object order is not something clients can
 * rely on), facets included: [{"value": "Enschede", "count": 12}, ...].
 *
 * Builders use a sticky `bool *oom`: after the first failed allocation
 * every later put is a no-op and the builder returns NULL at the end, which
 * keeps the code free of a check per field (sqlite's fts5_buffer habit).
 *
 * The OpenAPI document is generated from the route table (routes.c); only
 * the response schemas are written out by hand, below.
 */
#include "json.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "version.h"

enum tj_code json_take(json_t *o, struct buf *out)
{
	char *s;
	enum tj_code rc;

	if (!o)
		return tj_error(TJ_ENOMEM, "out of memory building JSON");
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (!s)
		return tj_error(TJ_ENOMEM, "out of memory serialising JSON");
	rc = buf_adds(out, s);
	free(s);
	return rc;
}

void json_iso_time(int64_t t, char *out, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- sticky builders ------------------------------------------------ */

static void put(json_t *o, const char *k, json_t *v, bool *oom)
{
	if (!v || !o || json_object_set_new(o, k, v))
		*oom = true;
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *time_or_null(int64_t t)
{
	char iso[32];

	if (t <= 0)
		return json_null();
	json_iso_time(t, iso, sizeof(iso));
	return json_string(iso);
}

static json_t *col_str(sqlite3_stmt *st, int i)
{
	return str_or_null((const char *)sqlite3_column_text(st, i));
}

static json_t *col_int(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? json_null()
							 : json_integer(sqlite3_column_int64(st, i));
}

static json_t *col_real(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? json_null()
							 : json_real(sqlite3_column_double(st, i));
}

static json_t *col_bool(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? json_null()
							 : json_boolean(sqlite3_column_int(st, i));
}

static json_t *col_time(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? json_null()
							 : time_or_null(sqlite3_column_int64(st, i));
}

/* A column holding JSON text, parsed; null when absent or malformed. */
static json_t *col_json(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);
	json_t *v = s ? json_loads(s, 0, NULL) : NULL;

	return v ? v : json_null();
}

json_t *json_error_body(const char *code, const char *message)
{
	return json_pack("{s:{s:s, s:s}}", "error", "code", code, "message", message);
}

/* ---- search --------------------------------------------------------- */

static json_t *json_query(const struct search_params *p)
{
	json_t *q = json_object(), *filters = json_object();
	bool oom = !q || !filters;

	for (int f = 0; f < SEARCH_N_FIELDS && !oom; f++) {
		json_t *vals;

		if (!p->n_values[f])
			continue;
		vals = json_array();
		for (int i = 0; vals && i < p->n_values[f]; i++)
			if (json_array_append_new(vals, json_string(p->values[f][i])))
				oom = true;
		put(filters, search_field_param(f), vals, &oom);
	}
	if (p->posted_since[0])
		put(filters, "posted_since", json_string(p->posted_since), &oom);
	if (p->include_expired)
		put(filters, "include_expired", json_true(), &oom);
	put(q, "q", str_or_null(p->q), &oom);
	put(q, "understood", json_string(p->query.understood ? p->query.understood : ""), &oom);
	put(q, "filters", filters, &oom);
	filters = NULL;
	put(q, "sort", json_string(p->sort == SORT_DATE ? "date" : "relevance"), &oom);
	put(q, "limit", json_integer(p->limit), &oom);
	json_decref(filters);
	if (oom) {
		json_decref(q);
		return NULL;
	}
	return q;
}

static json_t *json_hit(const struct search_hit *h)
{
	json_t *o = json_object();
	bool oom = false;
	char first_seen[32];

	json_iso_time(h->first_seen, first_seen, sizeof(first_seen));
	put(o, "id", json_integer(h->id), &oom);
	put(o, "title", str_or_null(h->title), &oom);
	put(o, "employer", str_or_null(h->employer), &oom);
	put(o, "city", str_or_null(h->city), &oom);
	put(o, "url", str_or_null(h->url), &oom);
	put(o, "snippet", str_or_null(h->snippet), &oom);
	put(o, "language", str_or_null(h->language), &oom);
	put(o, "international", str_or_null(h->intl), &oom);
	put(o, "dutch_required", h->dutch_required < 0 ? json_null() : json_boolean(h->dutch_required), &oom);
	put(o, "level", str_or_null(h->level), &oom);
	put(o, "employment_type", str_or_null(h->type), &oom);
	put(o, "remote", str_or_null(h->remote), &oom);
	put(o, "advertiser", str_or_null(h->advertiser), &oom);
	put(o, "date_posted", str_or_null(h->date_posted), &oom);
	put(o, "first_seen", json_string(first_seen), &oom);
	put(o, "state", str_or_null(h->state), &oom);
	if (oom) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *json_search(const struct search_params *p, const struct search_result *r,
		    const char *next_cursor)
{
	json_t *o = json_object(), *results = json_array(), *facets = json_object();
	bool oom = !o || !results || !facets;

	for (size_t i = 0; i < r->n_hits && !oom; i++)
		if (json_array_append_new(results, json_hit(&r->hits[i])))
			oom = true;
	for (int f = 0; f < SEARCH_N_FACETS && !oom; f++) {
		json_t *list = json_array();

		for (size_t i = 0; list && i < r->n_facets[f]; i++)
			if (json_array_append_new(list, json_pack("{s:s, s:I}",
					"value", r->facets[f][i].value,
					"count", (json_int_t)r->facets[f][i].count)))
				oom = true;
		put(facets, search_field_facet(f), list, &oom);
	}
	put(o, "query", json_query(p), &oom);
	put(o, "total", json_integer(r->total), &oom);
	put(o, "results", results, &oom);
	results = NULL;
	put(o, "facets", facets, &oom);
	facets = NULL;
	put(o, "next_cursor", str_or_null(next_cursor), &oom);
	json_decref(results);
	json_decref(facets);
	if (oom) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *json_suggest(const char *q, char *const *titles, const int64_t *counts, size_t n)
{
	json_t *list = json_array();

	for (size_t i = 0; list && i < n; i++) {
		if (json_array_append_new(list, json_pack("{s:s, s:I}", "title", titles[i],
							  "count", (json_int_t)counts[i]))) {
			json_decref(list);
			return NULL;
		}
	}
	return list ? json_pack("{s:o, s:o}", "q", str_or_null(q), "suggestions", list) : NULL;
}

json_t *json_collection(const char *key, json_t *items)
{
	if (!items)
		return NULL;
	return json_pack("{s:I, s:o}", "total", (json_int_t)json_array_size(items), key, items);
}

json_t *json_health(int64_t active)
{
	return json_pack("{s:s, s:s, s:i, s:I}", "status", "ok", "version", TJ_VERSION,
			 "schema_version", db_schema_version(), "jobs_active", (json_int_t)active);
}

/* ---- one posting ---------------------------------------------------- */

enum {
	J_ID, J_POSTING, J_STATE, J_FIRST_SEEN, J_LAST_SEEN, J_LAST_CHANGED, J_MISSED,
	J_DUP_OF, J_SOURCE, J_LANG, J_LANG_CONF, J_INTL, J_INTL_SCORE, J_INTL_REASONS,
	J_DUTCH, J_LEVEL, J_ADVERTISER, J_WEBSITE, J_SOURCE_EMPLOYER,
};

static const char *get_s(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* schema.org JobPosting (https://schema.org/JobPosting) for the posting. */
static json_t *schema_org(const json_t *job, const char *website)
{
	json_t *o = json_object(), *org, *place, *sal = json_object_get(job, "salary");
	const char *remote = get_s(job, "remote");
	bool oom = !o;

	put(o, "@context", json_string("https://schema.org"), &oom);
	put(o, "@type", json_string("JobPosting"), &oom);
	put(o, "title", str_or_null(get_s(job, "title")), &oom);
	put(o, "description", str_or_null(get_s(job, "description")), &oom);
	put(o, "url", str_or_null(get_s(job, "url")), &oom);
	if (get_s(job, "date_posted"))
		put(o, "datePosted", json_string(get_s(job, "date_posted")), &oom);
	if (get_s(job, "valid_through"))
		put(o, "validThrough", json_string(get_s(job, "valid_through")), &oom);
	if (get_s(job, "employment_type"))
		put(o, "employmentType", json_string(get_s(job, "employment_type")), &oom);
	org = json_pack("{s:s, s:o}", "@type", "Organization",
			"name", str_or_null(get_s(job, "employer")));
	if (org && website)
		put(org, "sameAs", json_string(website), &oom);
	put(o, "hiringOrganization", org, &oom);
	place = json_pack("{s:s, s:{s:s, s:o, s:o, s:s}}", "@type", "Place",
			  "address", "@type", "PostalAddress",
			  "addressLocality", str_or_null(get_s(job, "location")),
			  "addressRegion", str_or_null(get_s(job, "region")),
			  "addressCountry", get_s(job, "country") ? get_s(job, "country") : "NL");
	put(o, "jobLocation", place, &oom);
	if (remote && !strcmp(remote, "remote"))
		put(o, "jobLocationType", json_string("TELECOMMUTE"), &oom);
	if (json_is_object(sal) && (json_is_number(json_object_get(sal, "min")) ||
				    json_is_number(json_object_get(sal, "max")))) {
		json_t *value = json_pack("{s:s}", "@type", "QuantitativeValue");

		if (value && json_is_number(json_object_get(sal, "min")))
			put(value, "minValue", json_deep_copy(json_object_get(sal, "min")), &oom);
		if (value && json_is_number(json_object_get(sal, "max")))
			put(value, "maxValue", json_deep_copy(json_object_get(sal, "max")), &oom);
		if (value && get_s(sal, "period"))
			put(value, "unitText", json_string(get_s(sal, "period")), &oom);
		put(o, "baseSalary", json_pack("{s:s, s:s, s:o}", "@type", "MonetaryAmount",
					       "currency", get_s(sal, "currency") ? get_s(sal, "currency") : "EUR",
					       "value", value), &oom);
	}
	if (oom) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *json_job(sqlite3_stmt *st)
{
	json_t *o = col_json(st, J_POSTING), *cls = NULL, *intl;
	bool oom = false;

	if (!json_is_object(o)) {
		json_decref(o);
		o = json_object();
	}
	if (!o)
		return NULL;
	put(o, "id", json_integer(sqlite3_column_int64(st, J_ID)), &oom);
	/* "city" is the name search results use for the town */
	put(o, "city", str_or_null(get_s(o, "location")), &oom);
	put(o, "source", col_str(st, J_SOURCE), &oom);
	put(o, "state", col_str(st, J_STATE), &oom);
	put(o, "first_seen", col_time(st, J_FIRST_SEEN), &oom);
	put(o, "last_seen", col_time(st, J_LAST_SEEN), &oom);
	put(o, "last_changed", col_time(st, J_LAST_CHANGED), &oom);
	put(o, "missed_runs", col_int(st, J_MISSED), &oom);
	put(o, "duplicate_of", col_int(st, J_DUP_OF), &oom);
	/* the classification columns are what search filters on: they win */
	if (sqlite3_column_type(st, J_LANG) != SQLITE_NULL) {
		intl = json_object();
		put(intl, "label", col_str(st, J_INTL), &oom);
		put(intl, "score", col_int(st, J_INTL_SCORE), &oom);
		put(intl, "reasons", col_json(st, J_INTL_REASONS), &oom);
		cls = json_object();
		put(cls, "language", col_str(st, J_LANG), &oom);
		put(cls, "language_confidence", col_real(st, J_LANG_CONF), &oom);
		put(cls, "international", intl, &oom);
		put(cls, "dutch_required", col_bool(st, J_DUTCH), &oom);
		put(cls, "level", col_str(st, J_LEVEL), &oom);
		put(cls, "advertiser", col_str(st, J_ADVERTISER), &oom);
		put(o, "classification", cls, &oom);
	}
	if (!json_object_get(o, "classification"))
		put(o, "classification", json_null(), &oom);
	if (!oom)
		put(o, "schema_org", schema_org(o, (const char *)sqlite3_column_text(st, J_WEBSITE)), &oom);
	if (oom) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* ---- directory and crawl health ------------------------------------- */

json_t *json_employer(sqlite3_stmt *st)
{
	json_t *o = json_object(), *coords;
	bool oom = false;

	coords = sqlite3_column_type(st, 4) == SQLITE_NULL || sqlite3_column_type(st, 5) == SQLITE_NULL
		 ? json_null()
		 : json_pack("{s:f, s:f}", "lat", sqlite3_column_double(st, 4),
			     "lon", sqlite3_column_double(st, 5));
	put(o, "id", col_str(st, 0), &oom);
	put(o, "name", col_str(st, 1), &oom);
	put(o, "website", col_str(st, 2), &oom);
	put(o, "town", col_str(st, 3), &oom);
	put(o, "coordinates", coords, &oom);
	put(o, "advertiser", col_str(st, 6), &oom);
	put(o, "open_jobs", col_int(st, 7), &oom);
	put(o, "international_jobs", col_int(st, 8), &oom);
	if (oom) {
		json_decref(o);
		return NULL;
	}
	return o;
}

enum {
	S_ID, S_EMPLOYER, S_RULE_FILE, S_UPDATED, S_RUN_ID, S_STARTED, S_FINISHED, S_STATUS,
	S_COMPLETE, S_PAGES, S_NOT_MODIFIED, S_POSTINGS, S_NEW, S_CHANGED, S_EXPIRED, S_ERRORS,
	S_ROBOTS, S_ERRORS_JSON, S_MESSAGE, S_ACTIVE,
};

#define STALE_AFTER (3 * 86400)

/* One word a curator can sort by. */
static const char *health(sqlite3_stmt *st, int64_t now)
{
	const char *status = (const char *)sqlite3_column_text(st, S_STATUS);
	int64_t finished = sqlite3_column_int64(st, S_FINISHED);

	if (sqlite3_column_type(st, S_RUN_ID) == SQLITE_NULL || !status)
		return "never_crawled";
	if (!strcmp(status, "running"))
		return "running";
	if (!strcmp(status, "failed") || !strcmp(status, "blocked"))
		return "failing";
	if (strcmp(status, "ok") || !sqlite3_column_int(st, S_COMPLETE) ||
	    sqlite3_column_int64(st, S_ERRORS) > 0)
		return "degraded";
	if (finished && now - finished > STALE_AFTER)
		return "stale";
	return "ok";
}

json_t *json_source(sqlite3_stmt *st, int64_t now)
{
	json_t *o = json_object(), *run = json_null();
	bool oom = false;

	if (sqlite3_column_type(st, S_RUN_ID) != SQLITE_NULL) {
		run = json_object();
		put(run, "id", col_int(st, S_RUN_ID), &oom);
		put(run, "started_at", col_time(st, S_STARTED), &oom);
		put(run, "finished_at", col_time(st, S_FINISHED), &oom);
		/* how long the run took, so a slow or stalling source stands out */
		put(run, "duration_s", sqlite3_column_type(st, S_FINISHED) == SQLITE_NULL ||
					    sqlite3_column_type(st, S_STARTED) == SQLITE_NULL
					? json_null()
					: json_integer(sqlite3_column_int64(st, S_FINISHED) -
						       sqlite3_column_int64(st, S_STARTED)), &oom);
		put(run, "status", col_str(st, S_STATUS), &oom);
		put(run, "complete", col_bool(st, S_COMPLETE), &oom);
		put(run, "pages", col_int(st, S_PAGES), &oom);
		put(run, "not_modified", col_int(st, S_NOT_MODIFIED), &oom);
		put(run, "postings", col_int(st, S_POSTINGS), &oom);
		put(run, "new_postings", col_int(st, S_NEW), &oom);
		put(run, "changed_postings", col_int(st, S_CHANGED), &oom);
		put(run, "expired_postings", col_int(st, S_EXPIRED), &oom);
		put(run, "errors", col_int(st, S_ERRORS), &oom);
		put(run, "robots_blocked", col_int(st, S_ROBOTS), &oom);
		put(run, "errors_by_kind", col_json(st, S_ERRORS_JSON), &oom);
		put(run, "message", col_str(st, S_MESSAGE), &oom);
	}
	put(o, "id", col_str(st, S_ID), &oom);
	put(o, "employer", col_str(st, S_EMPLOYER), &oom);
	put(o, "rule_file", col_str(st, S_RULE_FILE), &oom);
	put(o, "health", json_string(health(st, now)), &oom);
	put(o, "active_jobs", col_int(st, S_ACTIVE), &oom);
	put(o, "last_run", run, &oom);
	if (oom) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* ---- OpenAPI -------------------------------------------------------- */

/* Response schemas, by hand; the paths are generated from the route table. */
static const char openapi_schemas[] =
"{"
"\"Error\":{\"type\":\"object\",\"required\":[\"error\"],\"properties\":{\"error\":{\"type\":\"object\","
"  \"required\":[\"code\",\"message\"],\"properties\":{\"code\":{\"type\":\"string\","
"  \"examples\":[\"invalid_parameter\",\"unknown_parameter\",\"not_found\",\"method_not_allowed\","
"  \"too_large\",\"rate_limited\",\"internal_error\"]},\"message\":{\"type\":\"string\"}}}}},"
"\"Hit\":{\"type\":\"object\",\"properties\":{"
"  \"id\":{\"type\":\"integer\"},\"title\":{\"type\":\"string\"},\"employer\":{\"type\":[\"string\",\"null\"]},"
"  \"city\":{\"type\":[\"string\",\"null\"]},\"url\":{\"type\":\"string\",\"format\":\"uri\"},"
"  \"snippet\":{\"type\":\"string\",\"description\":\"HTML: text escaped, matches in <mark>\"},"
"  \"language\":{\"type\":[\"string\",\"null\"]},\"international\":{\"enum\":[\"yes\",\"maybe\",\"no\",null]},"
"  \"dutch_required\":{\"type\":[\"boolean\",\"null\"]},\"level\":{\"type\":[\"string\",\"null\"]},"
"  \"employment_type\":{\"type\":[\"string\",\"null\"]},\"remote\":{\"type\":[\"string\",\"null\"]},"
"  \"advertiser\":{\"enum\":[\"employer\",\"agency\"]},"
"  \"date_posted\":{\"type\":[\"string\",\"null\"],\"format\":\"date\"},"
"  \"first_seen\":{\"type\":\"string\",\"format\":\"date-time\"},\"state\":{\"enum\":[\"active\",\"expired\"]}}},"
"\"FacetValue\":{\"type\":\"object\",\"properties\":{\"value\":{\"type\":\"string\"},\"count\":{\"type\":\"integer\"}}},"
"\"SearchResponse\":{\"type\":\"object\",\"required\":[\"query\",\"total\",\"results\",\"facets\",\"next_cursor\"],"
"  \"properties\":{\"query\":{\"type\":\"object\",\"description\":\"the request as understood\",\"properties\":{"
"   \"q\":{\"type\":[\"string\",\"null\"]},\"understood\":{\"type\":\"string\"},\"filters\":{\"type\":\"object\"},"
"   \"sort\":{\"enum\":[\"relevance\",\"date\"]},\"limit\":{\"type\":\"integer\"}}},"
"  \"total\":{\"type\":\"integer\"},\"results\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Hit\"}},"
"  \"facets\":{\"type\":\"object\",\"description\":\"counts under the query and every other filter\","
"   \"properties\":{\"language\":{\"$ref\":\"#/components/schemas/Facet\"},\"international\":{\"$ref\":\"#/components/schemas/Facet\"},"
"   \"city\":{\"$ref\":\"#/components/schemas/Facet\"},\"employer\":{\"$ref\":\"#/components/schemas/Facet\"},"
"   \"level\":{\"$ref\":\"#/components/schemas/Facet\"},\"employment_type\":{\"$ref\":\"#/components/schemas/Facet\"},"
"   \"advertiser\":{\"$ref\":\"#/components/schemas/Facet\"}}},"
"  \"next_cursor\":{\"type\":[\"string\",\"null\"]}}},"
"\"Facet\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/FacetValue\"}},"
"\"Job\":{\"type\":\"object\",\"description\":\"the posting as extracted (see SPEC.md) plus lifecycle\","
"  \"properties\":{\"id\":{\"type\":\"integer\"},\"title\":{\"type\":\"string\"},\"url\":{\"type\":\"string\"},"
"  \"employer\":{\"type\":[\"string\",\"null\"]},\"city\":{\"type\":[\"string\",\"null\"]},"
"  \"description\":{\"type\":[\"string\",\"null\"]},\"state\":{\"enum\":[\"active\",\"expired\",\"duplicate\"]},"
"  \"first_seen\":{\"type\":\"string\",\"format\":\"date-time\"},\"last_seen\":{\"type\":\"string\",\"format\":\"date-time\"},"
"  \"last_changed\":{\"type\":\"string\",\"format\":\"date-time\"},\"duplicate_of\":{\"type\":[\"integer\",\"null\"]},"
"  \"duplicates\":{\"type\":\"array\",\"items\":{\"type\":\"integer\"},"
"   \"description\":\"ids of postings grouped as duplicates of this one\"},"
"  \"history\":{\"type\":\"array\",\"description\":\"with history=1: earlier versions, oldest first\","
"   \"items\":{\"type\":\"object\",\"properties\":{\"changed_at\":{\"type\":\"string\",\"format\":\"date-time\"},"
"   \"posting\":{\"type\":\"object\"}}}},"
"  \"classification\":{\"type\":[\"object\",\"null\"]},"
"  \"schema_org\":{\"type\":\"object\",\"description\":\"schema.org JobPosting\"}}},"
"\"SuggestResponse\":{\"type\":\"object\",\"properties\":{\"q\":{\"type\":[\"string\",\"null\"]},"
"  \"suggestions\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{"
"  \"title\":{\"type\":\"string\"},\"count\":{\"type\":\"integer\"}}}}}},"
"\"Employer\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"},\"name\":{\"type\":\"string\"},"
"  \"website\":{\"type\":[\"string\",\"null\"]},\"town\":{\"type\":[\"string\",\"null\"]},"
"  \"coordinates\":{\"type\":[\"object\",\"null\"],\"properties\":{\"lat\":{\"type\":\"number\"},\"lon\":{\"type\":\"number\"}}},"
"  \"advertiser\":{\"enum\":[\"employer\",\"agency\"]},\"open_jobs\":{\"type\":\"integer\"},"
"  \"international_jobs\":{\"type\":\"integer\"}}},"
"\"EmployersResponse\":{\"type\":\"object\",\"properties\":{\"total\":{\"type\":\"integer\"},"
"  \"employers\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Employer\"}}}},"
"\"Source\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"},\"employer\":{\"type\":\"string\"},"
"  \"rule_file\":{\"type\":[\"string\",\"null\"]},"
"  \"health\":{\"enum\":[\"ok\",\"degraded\",\"failing\",\"stale\",\"running\",\"never_crawled\"]},"
"  \"active_jobs\":{\"type\":\"integer\"},\"last_run\":{\"type\":[\"object\",\"null\"]}}},"
"\"SourcesResponse\":{\"type\":\"object\",\"properties\":{\"total\":{\"type\":\"integer\"},"
"  \"sources\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Source\"}}}},"
"\"Change\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"key\":{\"type\":\"string\"},"
"  \"change\":{\"enum\":[\"new\",\"changed\",\"expired\"]},\"time\":{\"type\":\"string\",\"format\":\"date-time\"},"
"  \"title\":{\"type\":\"string\"},\"employer\":{\"type\":[\"string\",\"null\"]},\"url\":{\"type\":\"string\"},"
"  \"state\":{\"enum\":[\"active\",\"expired\",\"duplicate\"]}}},"
"\"ChangesResponse\":{\"type\":\"object\",\"properties\":{\"since\":{\"type\":\"string\",\"format\":\"date-time\"},"
"  \"count\":{\"type\":\"integer\"},\"changes\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Change\"}},"
"  \"next_cursor\":{\"type\":[\"string\",\"null\"]}}},"
"\"Health\":{\"type\":\"object\",\"properties\":{\"status\":{\"const\":\"ok\"},\"version\":{\"type\":\"string\"},"
"  \"schema_version\":{\"type\":\"integer\"},\"jobs_active\":{\"type\":\"integer\"}}}"
"}";

static json_t *openapi_param(const struct route_param *p, const char *in)
{
	/* a boolean is spelled 0/1/true/false on the wire: document the strings */
	json_t *schema = json_pack("{s:s}", "type", strcmp(p->type, "boolean") ? p->type : "string");
	json_t *vals = p->values ? json_array() : NULL;
	const char *s = p->values;
	bool oom = !schema || (p->values && !vals);

	while (!oom && s && *s) {
		size_t n = strcspn(s, ",");

		if (json_array_append_new(vals, json_stringn(s, n)))
			oom = true;
		s += n + (s[n] == ',');
	}
	if (vals)
		put(schema, "enum", vals, &oom);
	if (oom) {
		json_decref(schema);
		return NULL;
	}
	return json_pack("{s:s, s:s, s:b, s:s, s:o}", "name", p->name, "in", in,
			 "required", !strcmp(in, "path"), "description", p->desc, "schema", schema);
}

static json_t *openapi_operation(const struct route *r)
{
	json_t *params = json_array(), *responses, *content, *ok;
	char ctype[64];
	const char *brace = strchr(r->path, '{');
	bool oom = !params;

	if (brace) {
		struct route_param id = { "id", "integer", "the posting's id (from search results)", NULL };

		if (json_array_append_new(params, openapi_param(&id, "path")))
			oom = true;
	}
	for (const struct route_param *p = r->params; p->name && !oom; p++)
		if (json_array_append_new(params, openapi_param(p, "query")))
			oom = true;
	snprintf(ctype, sizeof(ctype), "%.*s", (int)strcspn(r->content_type, ";"), r->content_type);
	content = r->schema
		  ? json_pack("{s:{s:{s:s+}}}", ctype, "schema", "$ref", "#/components/schemas/", r->schema)
		  : json_pack("{s:{s:{s:s}}}", ctype, "schema", "type",
			      strncmp(ctype, "application/json", 16) ? "string" : "object");
	ok = json_pack("{s:s, s:o, s:{s:{s:s}, s:{s:s}}}", "description", "OK", "content", content,
		       "headers", "ETag", "description", "strong validator; send it back in If-None-Match",
		       "Cache-Control", "description", r->cache_control);
	responses = json_pack("{s:o, s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}}",
			      "200", ok,
			      "304", "description", "Not Modified (If-None-Match matched the ETag)",
			      "400", "$ref", "#/components/responses/Error",
			      "404", "$ref", "#/components/responses/Error",
			      "405", "$ref", "#/components/responses/Error",
			      "413", "$ref", "#/components/responses/Error",
			      "429", "$ref", "#/components/responses/RateLimited",
			      "500", "$ref", "#/components/responses/Error");
	if (oom || !responses) {
		json_decref(params);
		json_decref(responses);
		return NULL;
	}
	return json_pack("{s:s, s:s, s:o, s:o}", "operationId", r->name, "summary", r->summary,
			 "parameters", params, "responses", responses);
}

json_t *json_openapi(const struct route *r, size_t n)
{
	json_t *paths = json_object(), *schemas = json_loads(openapi_schemas, 0, NULL);
	json_t *error_ref = json_pack("{s:{s:{s:s}}}", "application/json", "schema",
				      "$ref", "#/components/schemas/Error");
	bool oom = !paths || !schemas || !error_ref;

	for (size_t i = 0; i < n && !oom; i++)
		put(paths, r[i].path, json_pack("{s:o}", "get", openapi_operation(&r[i])), &oom);
	if (oom) {
		json_decref(paths);
		json_decref(schemas);
		json_decref(error_ref);
		return NULL;
	}
	return json_pack(
		"{s:s, s:{s:s, s:s, s:s}, s:[{s:s}], s:o,"
		" s:{s:o, s:{s:{s:s, s:O}, s:{s:s, s:{s:{s:s}}, s:o}}}}",
		"openapi", "3.1.0",
		"info", "title", "twentejobs API", "version", TJ_VERSION,
		"description", "Job vacancies in Twente (NL), crawled from employers' career pages. "
		"JSON in UTF-8; errors are {\"error\": {\"code\", \"message\"}}; every GET answers "
		"If-None-Match with 304, is gzip-compressed when accepted, and is rate limited per "
		"client (429 with Retry-After). An unknown query parameter is a 400.",
		"servers", "url", "/",
		"paths", paths,
		"components", "schemas", schemas,
		"responses",
		"Error", "description", "an error", "content", error_ref,
		"RateLimited", "description", "too many requests; retry after Retry-After seconds",
		"headers", "Retry-After", "description", "seconds",
		"content", error_ref);
}

/* ---- duplicates, history, changes (issue 6) ------------------------- */

json_t *json_job_extras(json_t *job, const int64_t *dups, size_t n_dups, json_t *history)
{
	json_t *ids;
	bool oom = false;

	if (!job) {
		json_decref(history);
		return NULL;
	}
	ids = json_array();
	oom = !ids;
	for (size_t i = 0; i < n_dups && !oom; i++)
		if (json_array_append_new(ids, json_integer(dups[i])))
			oom = true;
	put(job, "duplicates", ids, &oom);      /* steals ids, even on failure */
	if (history)
		put(job, "history", history, &oom);
	if (oom) {
		json_decref(job);
		return NULL;
	}
	return job;
}

json_t *json_history_entry(int64_t changed_at, const char *posting_json)
{
	json_t *posting = posting_json ? json_loads(posting_json, 0, NULL) : NULL;
	char when[32];

	json_iso_time(changed_at, when, sizeof(when));
	return json_pack("{s:s, s:o}", "changed_at", when, "posting", posting ? posting : json_null());
}

json_t *json_change(sqlite3_stmt *st)
{
	char when[32];

	json_iso_time(sqlite3_column_int64(st, 3), when, sizeof(when));
	return json_pack("{s:I, s:s?, s:s?, s:s, s:s?, s:o, s:s?, s:s?}",
			 "id", (json_int_t)sqlite3_column_int64(st, 0),
			 "key", db_col_text(st, 1),
			 "change", db_col_text(st, 2),
			 "time", when,
			 "title", db_col_text(st, 4),
			 "employer", str_or_null(db_col_text(st, 5)),
			 "url", db_col_text(st, 6),
			 "state", db_col_text(st, 7));
}

json_t *json_changes(int64_t since, json_t *items, const char *next_cursor)
{
	char when[32];

	json_iso_time(since, when, sizeof(when));
	return json_pack("{s:s, s:I, s:o, s:o}", "since", when, "count",
			 (json_int_t)(items ? json_array_size(items) : 0), "changes", items,
			 "next_cursor", str_or_null(next_cursor));
}
