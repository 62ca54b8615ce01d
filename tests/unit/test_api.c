/*
 * test_api.c - the real server, in process, on 127.0.0.1 with a free port,
 * over a temporary database; a libcurl client checks every route and the
 * HTTP conventions (errors, 405, ETag/304, CORS, gzip, rate limiting, size
 * limits) and that hostile query strings never produce a 5xx.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "fixture.h"
#include "routes.h"
#include "server.h"

struct env {
	char dir[64];
	char db_path[512];
	struct api_server *srv;         /* no rate limit, any origin */
	struct api_server *strict;      /* 1 req/s burst 2, one allowed origin */
	int port, strict_port;
	int64_t first_id;
};

static struct env *g_env;

struct resp {
	long status;
	struct buf body;
	struct buf headers;
	json_t *json;
};

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
	return buf_add(ud, p, size * n) ? 0 : size * n;
}

static void resp_release(struct resp *r)
{
	buf_release(&r->body);
	buf_release(&r->headers);
	json_decref(r->json);
	memset(r, 0, sizeof(*r));
}

/* Header value (case-insensitive name) or NULL; static storage. */
static const char *header(const struct resp *r, const char *name)
{
	static char val[512];
	const char *p = buf_str(&r->headers);
	size_t n = strlen(name);

	while (*p) {
		const char *eol = strstr(p, "\r\n");

		if (!eol)
			break;
		if (!strncasecmp(p, name, n) && p[n] == ':') {
			const char *v = p + n + 1;

			while (*v == ' ')
				v++;
			snprintf(val, sizeof(val), "%.*s", (int)(eol - v), v);
			return val;
		}
		p = eol + 2;
	}
	return NULL;
}

/*
 * One request.  `hdrs` is NULL-terminated extra headers; `gzip` lets curl
 * ask for and decode gzip.  The body is parsed as JSON when it is JSON.
 */
static void request(int port, const char *method, const char *path, const char *const *hdrs,
		    bool gzip, struct resp *r)
{
	CURL *c = curl_easy_init();
	struct curl_slist *list = NULL;
	char url[16384];

	memset(r, 0, sizeof(*r));
	buf_init(&r->body, 0);
	buf_init(&r->headers, 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", port, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &r->body);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &r->headers);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
	if (gzip)
		curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "gzip");
	if (!strcmp(method, "HEAD"))
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	else if (strcmp(method, "GET"))
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	for (; hdrs && *hdrs; hdrs++)
		list = curl_slist_append(list, *hdrs);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
	if (curl_easy_perform(c) != CURLE_OK)
		fail_msg("%s %s: transfer failed", method, path);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	curl_slist_free_all(list);
	curl_easy_cleanup(c);
	if (r->body.len && r->body.data[0] == '{')
		r->json = json_loads(buf_str(&r->body), 0, NULL);
}

static void get(const char *path, struct resp *r)
{
	request(g_env->port, "GET", path, NULL, false, r);
}

/* Assert a JSON error with this status and code. */
static void assert_error(const struct resp *r, long status, const char *code)
{
	json_t *err;

	if (r->status != status)
		fail_msg("status %ld, want %ld: %s", r->status, status, buf_str(&r->body));
	assert_non_null(r->json);
	err = json_object_get(r->json, "error");
	assert_true(json_is_object(err));
	assert_string_equal(json_string_value(json_object_get(err, "code")), code);
	assert_true(json_is_string(json_object_get(err, "message")));
	assert_non_null(strstr(header(r, "Content-Type"), "application/json"));
}

static json_int_t jint(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

/* ---- fixture -------------------------------------------------------- */

static const struct fx_job jobs[] = {
	{ "Software Ontwikkelaar", "Thales", "Hengelo", "Wij zoeken een ervaren ontwikkelaar voor radarsystemen.",
	  "nl", "no", "medior", "FULL_TIME", "onsite", "2026-11-20", NULL, "thales", 1 },
	{ "Senior Software Engineer", "Demcon", "Enschede", "You will design embedded software for medical devices.",
	  "en", "yes", "senior", "FULL_TIME", "hybrid", "2026-11-25", NULL, "demcon", 0 },
	{ "Data Engineer", "University of Twente", "Enschede", "Engineers wanted: build data pipelines in Python.",
	  "en", "yes", "junior", "FULL_TIME", "hybrid", "2026-11-28", NULL, "utwente", 0 },
	{ "Werkstudent Logistik", "Bentheimer Eisenbahn", "Münster", "Unterstützung im Team Logistik.",
	  "de", "maybe", "internship", "PART_TIME", "onsite", "2026-11-01", NULL, "bentheimer", 0 },
	{ "Stagiair Marketing", "Grolsch", "Enschede", "Stage bij marketing, Nederlands vereist.",
	  "nl", "no", "internship", "INTERN", "onsite", "2026-10-15", NULL, "grolsch", 1 },
	{ "C++ Developer", "Thales", "Hengelo", "Real-time C++ work on <radar> & sonar.",
	  "en", "yes", "medior", "FULL_TIME", "onsite", "2026-11-27", NULL, "thales", 0 },
	{ "Old Engineer Job", "Demcon", "Enschede", "Expired engineer posting.",
	  "en", "yes", "senior", "FULL_TIME", "onsite", "2026-01-01", "expired", "demcon", 0 },
	{ "Junior Software Engineer", "Demcon", "Enschede", "Engineer software with us.",
	  "en", "yes", "junior", "FULL_TIME", "remote", "2026-11-26", NULL, "demcon", 0 },
};
#define N_ACTIVE 7

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));
	struct api_config c;
	struct db *db;
	const char *path = fx_db_path(e->dir, sizeof(e->dir));

	snprintf(e->db_path, sizeof(e->db_path), "%s", path);
	if (db_open(e->db_path, false, &db))
		return -1;
	for (size_t i = 0; i < sizeof(jobs) / sizeof(jobs[0]); i++) {
		int64_t id = fx_insert(db, &jobs[i]);

		if (!i)
			e->first_id = id;
	}
	if (db_exec(db, "INSERT INTO sources (id, employer, website, town, lat, lon, updated_at) VALUES"
		    " ('thales', 'Thales', 'https://thales.example/', 'Hengelo', 52.26, 6.79, 1),"
		    " ('demcon', 'Demcon', 'https://demcon.example/', 'Enschede', 52.22, 6.89, 1),"
		    " ('utwente', 'University of Twente', NULL, 'Enschede', NULL, NULL, 1);"
		    "INSERT INTO crawl_runs (source_id, started_at, finished_at, status, complete, pages,"
		    " postings, errors, errors_json) VALUES"
		    " ('thales', 100, 200, 'ok', 1, 10, 2, 0, NULL),"
		    " ('thales', 300, 400, 'failed', 0, 1, 0, 5, '{\"http_5xx\": 5}');"))
		return -1;
	db_close(db);
	api_config_init(&c);
	c.db_path = e->db_path;
	c.listen = "127.0.0.1:0";
	c.threads = 4;
	c.rate = 0;
	c.access_log = NULL;
	if (api_server_start(&c, &e->srv))
		return fprintf(stderr, "start: %s\n", tj_errmsg()), -1;
	e->port = api_server_port(e->srv);
	c.rate = 1;
	c.burst = 2;
	c.origins[0] = "https://jobs.example";
	c.n_origins = 1;
	if (api_server_start(&c, &e->strict))
		return fprintf(stderr, "start: %s\n", tj_errmsg()), -1;
	e->strict_port = api_server_port(e->strict);
	g_env = e;
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	api_server_stop(e->srv);
	api_server_stop(e->strict);
	fx_rm_dir(e->dir);
	free(e);
	return 0;
}

/* ---- routes --------------------------------------------------------- */

static void test_health(void **state)
{
	struct resp r;

	(void)state;
	get("/healthz", &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "status")), "ok");
	assert_int_equal(jint(r.json, "jobs_active"), N_ACTIVE);
	assert_string_equal(header(&r, "Cache-Control"), "no-store");
	resp_release(&r);
}

static void test_search_shape(void **state)
{
	static const char *const fields[] = {
		"id", "title", "employer", "city", "url", "snippet", "language", "international",
		"dutch_required", "level", "employment_type", "date_posted", "first_seen", NULL,
	};
	static const char *const facets[] = {
		"language", "international", "city", "employer", "level", "employment_type", NULL,
	};
	struct resp r;
	json_t *res, *hit, *q;

	(void)state;
	get("/api/v1/jobs?q=engineers&limit=10", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(r.json);
	assert_int_equal(jint(r.json, "total"), 3);            /* stemmed, expired left out */
	res = json_object_get(r.json, "results");
	assert_int_equal(json_array_size(res), 3);
	hit = json_array_get(res, 0);
	for (int i = 0; fields[i]; i++)
		if (!json_object_get(hit, fields[i]))
			fail_msg("result lacks '%s'", fields[i]);
	for (int i = 0; facets[i]; i++)
		assert_true(json_is_array(json_object_get(json_object_get(r.json, "facets"), facets[i])));
	assert_true(json_is_null(json_object_get(r.json, "next_cursor")));
	q = json_object_get(r.json, "query");
	assert_string_equal(json_string_value(json_object_get(q, "q")), "engineers");
	/* a word the index knows is taken as finished (stems find "engineer") */
	assert_string_equal(json_string_value(json_object_get(q, "understood")), "engineers");
	assert_string_equal(json_string_value(json_object_get(q, "sort")), "relevance");
	assert_int_equal(jint(q, "limit"), 10);
	assert_string_equal(header(&r, "Cache-Control"), "public, max-age=60");
	resp_release(&r);

	/* a fragment is matched as a prefix: search-as-you-type */
	get("/api/v1/jobs?q=ontwik", &r);
	assert_int_equal(jint(r.json, "total"), 1);
	assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "query"),
							      "understood")), "ontwik*");
	resp_release(&r);

	/* snippets: escaped text, <mark> around matches */
	get("/api/v1/jobs?q=radar+", &r);
	assert_int_equal(jint(r.json, "total"), 1);    /* not "radarsystemen": no compound splitting */
	res = json_object_get(r.json, "results");
	for (size_t i = 0; i < json_array_size(res); i++) {
		const char *s = json_string_value(json_object_get(json_array_get(res, i), "snippet"));

		assert_non_null(strstr(s, "<mark>radar"));
		assert_null(strstr(s, "<radar>"));
	}
	resp_release(&r);
}

static void test_search_filters(void **state)
{
	struct resp r;
	json_t *f;

	(void)state;
	get("/api/v1/jobs?city=Enschede&lang=en", &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(jint(r.json, "total"), 3);
	f = json_object_get(json_object_get(r.json, "query"), "filters");
	assert_string_equal(json_string_value(json_array_get(json_object_get(f, "city"), 0)), "Enschede");
	/* the language facet ignores lang=en: it shows what choosing nl would give */
	f = json_object_get(json_object_get(r.json, "facets"), "language");
	assert_int_equal(json_array_size(f), 2);
	resp_release(&r);
	get("/api/v1/jobs?intl=no&type=full_time", &r);
	assert_int_equal(jint(r.json, "total"), 1);
	resp_release(&r);
	get("/api/v1/jobs?remote=remote,hybrid&level=junior", &r);
	assert_int_equal(jint(r.json, "total"), 2);
	resp_release(&r);
	get("/api/v1/jobs?employer=thales&posted_since=2026-11-21", &r);
	assert_int_equal(jint(r.json, "total"), 1);
	resp_release(&r);
	get("/api/v1/jobs?q=expired&include_expired=1", &r);
	assert_int_equal(jint(r.json, "total"), 1);
	resp_release(&r);
	get("/api/v1/jobs?q=engineer+-senior+", &r);
	assert_int_equal(jint(r.json, "total"), 2);
	resp_release(&r);
	get("/api/v1/jobs?sort=date&limit=1", &r);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
		json_object_get(r.json, "results"), 0), "title")), "Data Engineer");
	resp_release(&r);
}

static void test_search_errors(void **state)
{
	struct resp r;
	const char *msg;

	(void)state;
	get("/api/v1/jobs?q=x&colour=red", &r);
	assert_error(&r, 400, "unknown_parameter");
	msg = json_string_value(json_object_get(json_object_get(r.json, "error"), "message"));
	assert_non_null(strstr(msg, "'colour'"));
	resp_release(&r);
	get("/api/v1/jobs?intl=perhaps", &r);
	assert_error(&r, 400, "invalid_parameter");
	msg = json_string_value(json_object_get(json_object_get(r.json, "error"), "message"));
	assert_non_null(strstr(msg, "'intl'"));
	assert_non_null(strstr(msg, "'perhaps'"));
	resp_release(&r);
	get("/api/v1/jobs?limit=0", &r);
	assert_error(&r, 400, "invalid_parameter");
	resp_release(&r);
	get("/api/v1/jobs?limit=101", &r);
	assert_error(&r, 400, "invalid_parameter");
	resp_release(&r);
	get("/api/v1/jobs?posted_since=yesterday", &r);
	assert_error(&r, 400, "invalid_parameter");
	resp_release(&r);
	get("/api/v1/jobs?cursor=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", &r);
	assert_error(&r, 400, "invalid_parameter");
	assert_non_null(strstr(json_string_value(json_object_get(json_object_get(r.json, "error"),
							       "message")), "'cursor'"));
	resp_release(&r);
	get("/api/v1/employers?page=2", &r);
	assert_error(&r, 400, "unknown_parameter");
	resp_release(&r);
}

static void test_pagination(void **state)
{
	struct resp r;
	char path[512], cursor[128] = "";
	json_int_t seen[32];
	size_t n_seen = 0;
	int pages = 0;

	(void)state;
	do {
		json_t *res;

		snprintf(path, sizeof(path), "/api/v1/jobs?q=software+OR+engineer+OR+marketing+OR+logistik+&limit=2%s%s",
			 *cursor ? "&cursor=" : "", cursor);
		get(path, &r);
		assert_int_equal(r.status, 200);
		assert_int_equal(jint(r.json, "total"), 6);
		res = json_object_get(r.json, "results");
		for (size_t i = 0; i < json_array_size(res); i++) {
			json_int_t id = jint(json_array_get(res, i), "id");

			for (size_t j = 0; j < n_seen; j++)
				assert_true(seen[j] != id);
			seen[n_seen++] = id;
		}
		if (json_is_string(json_object_get(r.json, "next_cursor"))) {
			snprintf(cursor, sizeof(cursor), "%s",
				 json_string_value(json_object_get(r.json, "next_cursor")));
			/* a tampered cursor is refused */
			if (pages == 0) {
				struct resp bad;
				char p2[512];

				snprintf(p2, sizeof(p2), "/api/v1/jobs?q=software+OR+engineer+OR+marketing+OR+logistik+"
					 "&limit=2&cursor=%c%s", cursor[0] == 'A' ? 'B' : 'A', cursor + 1);
				get(p2, &bad);
				assert_error(&bad, 400, "invalid_parameter");
				resp_release(&bad);
				/* and so is the right cursor with another query */
				snprintf(p2, sizeof(p2), "/api/v1/jobs?q=software&limit=2&cursor=%s", cursor);
				get(p2, &bad);
				assert_error(&bad, 400, "invalid_parameter");
				resp_release(&bad);
			}
		} else {
			cursor[0] = '\0';
		}
		resp_release(&r);
		pages++;
	} while (*cursor && pages < 10);
	assert_int_equal(n_seen, 6);
	assert_int_equal(pages, 3);
}

/* A posting the spider commits while the server runs is searchable at once. */
static void test_sees_new_jobs(void **state)
{
	struct env *e = *state;
	struct fx_job j = { "Zeppelin Pilot", "Demcon", "Enschede", "Fly airships over Twente.",
			    "en", "yes", "senior", "FULL_TIME", "onsite", "2026-11-30", NULL, "demcon", 0 };
	struct resp r;
	struct db *db;

	get("/api/v1/jobs?q=zeppelin+", &r);
	assert_int_equal(jint(r.json, "total"), 0);
	resp_release(&r);
	/* a reader is never blocked by the writer's open transaction, and
	 * does not see it before the commit */
	assert_int_equal(db_open(e->db_path, false, &db), TJ_OK);
	assert_int_equal(db_begin(db), TJ_OK);
	fx_insert(db, &j);
	get("/api/v1/jobs?q=zeppelin+", &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(jint(r.json, "total"), 0);
	resp_release(&r);
	assert_int_equal(db_commit(db), TJ_OK);
	db_close(db);
	for (int i = 0; i < 8; i++) {       /* whichever worker thread answers */
		get("/api/v1/jobs?q=zeppelin+", &r);
		assert_int_equal(jint(r.json, "total"), 1);
		resp_release(&r);
		get("/api/v1/jobs?city=enschede", &r);
		assert_int_equal(jint(r.json, "total"), 5);
		resp_release(&r);
	}
}

/* Issue 6: duplicates and history on /api/v1/jobs/{id}, and the changes
 * feed.  Runs last: it adds rows (none active, so search counts hold). */
static void test_duplicates_history_changes(void **state)
{
	struct env *e = *state;
	struct fx_job j = { "Software Ontwikkelaar", "Uitzendbureau", "Hengelo",
			    "Wij zoeken een ervaren ontwikkelaar voor radarsystemen.",
			    "nl", "no", "medior", "FULL_TIME", "onsite", "2026-11-20", "duplicate", "agency", 0 };
	struct resp r, all;
	struct db *db;
	sqlite3_stmt *st = NULL;
	char path[160], cursor[64] = "";
	int64_t dup, n_jobs;
	size_t seen = 0;
	json_t *list, *h;

	assert_int_equal(db_open(e->db_path, false, &db), TJ_OK);
	dup = fx_insert(db, &j);
	assert_int_equal(db_prepare(db, &st, "UPDATE jobs SET dup_of = ?1 WHERE id = ?2"), TJ_OK);
	assert_int_equal(db_bind_int(st, 1, e->first_id), TJ_OK);
	assert_int_equal(db_bind_int(st, 2, dup), TJ_OK);
	assert_int_equal(db_step(st, NULL), TJ_OK);
	db_finalize(st);
	assert_int_equal(db_prepare(db, &st, "INSERT INTO job_history(job_id, changed_at, posting_json)"
				    " VALUES (?1, ?2, '{\"title\":\"Ontwikkelaar\"}')"), TJ_OK);
	assert_int_equal(db_bind_int(st, 1, e->first_id), TJ_OK);
	assert_int_equal(db_bind_int(st, 2, db_now() - 5), TJ_OK);
	assert_int_equal(db_step(st, NULL), TJ_OK);
	db_finalize(st);
	assert_int_equal(db_prepare(db, &st, "SELECT count(*) FROM jobs"), TJ_OK);
	assert_int_equal(db_step(st, NULL), TJ_OK);
	n_jobs = sqlite3_column_int64(st, 0);
	db_finalize(st);
	db_close(db);

	/* the kept posting lists its duplicate; no history unless asked */
	snprintf(path, sizeof(path), "/api/v1/jobs/%lld", (long long)e->first_id);
	get(path, &r);
	assert_int_equal(r.status, 200);
	list = json_object_get(r.json, "duplicates");
	assert_int_equal(json_array_size(list), 1);
	assert_int_equal(json_integer_value(json_array_get(list, 0)), dup);
	assert_true(json_is_null(json_object_get(r.json, "duplicate_of")));
	assert_null(json_object_get(r.json, "history"));
	resp_release(&r);
	snprintf(path, sizeof(path), "/api/v1/jobs/%lld?history=1", (long long)e->first_id);
	get(path, &r);
	assert_int_equal(r.status, 200);
	list = json_object_get(r.json, "history");
	assert_int_equal(json_array_size(list), 1);
	h = json_array_get(list, 0);
	assert_true(json_is_string(json_object_get(h, "changed_at")));
	assert_string_equal(json_string_value(json_object_get(json_object_get(h, "posting"), "title")),
			    "Ontwikkelaar");
	resp_release(&r);
	snprintf(path, sizeof(path), "/api/v1/jobs/%lld?history=maybe", (long long)e->first_id);
	get(path, &r);
	assert_error(&r, 400, "invalid_parameter");
	resp_release(&r);
	/* the duplicate names the posting it duplicates */
	snprintf(path, sizeof(path), "/api/v1/jobs/%lld", (long long)dup);
	get(path, &r);
	assert_string_equal(json_string_value(json_object_get(r.json, "state")), "duplicate");
	assert_int_equal(jint(r.json, "duplicate_of"), e->first_id);
	assert_int_equal(json_array_size(json_object_get(r.json, "duplicates")), 0);
	resp_release(&r);

	/* changes since the epoch: every posting new, one changed, one expired */
	get("/api/v1/changes?since=0&limit=500", &all);
	assert_int_equal(all.status, 200);
	list = json_object_get(all.json, "changes");
	assert_int_equal(json_array_size(list), (size_t)n_jobs + 2);
	assert_true(json_is_null(json_object_get(all.json, "next_cursor")));
	{
		size_t i, n_new = 0, n_changed = 0, n_expired = 0;
		const char *prev = "";

		json_array_foreach(list, i, h) {
			const char *c = json_string_value(json_object_get(h, "change"));
			const char *t = json_string_value(json_object_get(h, "time"));

			n_new += !strcmp(c, "new");
			n_changed += !strcmp(c, "changed");
			n_expired += !strcmp(c, "expired");
			assert_true(strcmp(prev, t) <= 0);     /* oldest first */
			assert_true(json_is_string(json_object_get(h, "key")));
			assert_true(json_is_string(json_object_get(h, "url")));
			assert_true(json_is_string(json_object_get(h, "title")));
			prev = t;
		}
		assert_int_equal(n_new, n_jobs);
		assert_int_equal(n_changed, 1);
		assert_int_equal(n_expired, 1);
	}
	/* pages of 3 walk the same list */
	do {
		size_t i;

		snprintf(path, sizeof(path), "/api/v1/changes?since=1970-01-01T01:00:00%%2B01:00&limit=3%s%s",
			 *cursor ? "&cursor=" : "", cursor);
		get(path, &r);
		assert_int_equal(r.status, 200);
		json_array_foreach(json_object_get(r.json, "changes"), i, h) {
			json_t *want = json_array_get(list, seen++);

			assert_non_null(want);
			assert_int_equal(jint(h, "id"), jint(want, "id"));
			assert_string_equal(json_string_value(json_object_get(h, "change")),
					    json_string_value(json_object_get(want, "change")));
		}
		snprintf(cursor, sizeof(cursor), "%s",
			 json_string_value(json_object_get(r.json, "next_cursor")) ?
			 json_string_value(json_object_get(r.json, "next_cursor")) : "");
		resp_release(&r);
	} while (*cursor);
	assert_int_equal(seen, json_array_size(list));
	resp_release(&all);
	/* later than everything: nothing */
	get("/api/v1/changes?since=2999-01-01", &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "changes")), 0);
	resp_release(&r);
	/* bad values name the parameter */
	get("/api/v1/changes?since=yesterday", &r);
	assert_error(&r, 400, "invalid_parameter");
	assert_non_null(strstr(buf_str(&r.body), "since"));
	resp_release(&r);
	get("/api/v1/changes", &r);
	assert_error(&r, 400, "invalid_parameter");
	resp_release(&r);
	get("/api/v1/changes?since=0&cursor=nonsense", &r);
	assert_error(&r, 400, "invalid_parameter");
	assert_non_null(strstr(buf_str(&r.body), "cursor"));
	resp_release(&r);
	get("/api/v1/changes?since=2026-13-01", &r);
	assert_error(&r, 400, "invalid_parameter");
	resp_release(&r);
}

static void test_job(void **state)
{
	struct env *e = *state;
	struct resp r;
	char path[64];
	json_t *so;

	snprintf(path, sizeof(path), "/api/v1/jobs/%lld", (long long)e->first_id);
	get(path, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "title")), "Software Ontwikkelaar");
	assert_string_equal(json_string_value(json_object_get(r.json, "state")), "active");
	assert_true(json_is_string(json_object_get(r.json, "first_seen")));
	assert_true(json_is_string(json_object_get(r.json, "last_seen")));
	assert_string_equal(json_string_value(json_object_get(r.json, "city")), "Hengelo");
	so = json_object_get(r.json, "schema_org");
	assert_string_equal(json_string_value(json_object_get(so, "@type")), "JobPosting");
	assert_string_equal(json_string_value(json_object_get(so, "@context")), "https://schema.org");
	assert_string_equal(json_string_value(json_object_get(json_object_get(so, "hiringOrganization"),
							      "sameAs")), "https://thales.example/");
	assert_true(json_is_true(json_object_get(json_object_get(r.json, "classification"), "dutch_required")));
	resp_release(&r);
	get("/api/v1/jobs/999999", &r);
	assert_error(&r, 404, "not_found");
	assert_string_equal(header(&r, "Cache-Control"), "no-store");
	resp_release(&r);
	get("/api/v1/jobs/abc", &r);
	assert_error(&r, 404, "not_found");
	resp_release(&r);
	get("/api/v1/jobs/1/extra", &r);
	assert_error(&r, 404, "not_found");
	resp_release(&r);
}

static void test_employers_sources(void **state)
{
	struct resp r;
	json_t *list, *e;

	(void)state;
	get("/api/v1/employers", &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(jint(r.json, "total"), 3);
	list = json_object_get(r.json, "employers");
	e = json_array_get(list, 0);           /* Demcon, by name */
	assert_string_equal(json_string_value(json_object_get(e, "name")), "Demcon");
	assert_int_equal(jint(e, "open_jobs"), 2);
	assert_int_equal(jint(e, "international_jobs"), 2);
	assert_true(json_is_number(json_object_get(json_object_get(e, "coordinates"), "lat")));
	assert_true(json_is_null(json_object_get(json_array_get(list, 2), "coordinates")));
	resp_release(&r);
	get("/api/v1/sources", &r);
	assert_int_equal(r.status, 200);
	list = json_object_get(r.json, "sources");
	assert_int_equal(json_array_size(list), 3);
	e = json_array_get(list, 1);            /* thales, by id */
	assert_string_equal(json_string_value(json_object_get(e, "id")), "thales");
	assert_string_equal(json_string_value(json_object_get(e, "health")), "failing");
	assert_int_equal(jint(json_object_get(json_object_get(e, "last_run"), "errors_by_kind"), "http_5xx"), 5);
	assert_int_equal(jint(json_object_get(e, "last_run"), "duration_s"), 100);
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "health")),
			    "never_crawled");
	resp_release(&r);
}

static void test_suggest_feed(void **state)
{
	struct resp r;
	xmlDocPtr doc;
	xmlNodePtr root;
	int entries = 0;

	(void)state;
	get("/api/v1/suggest?q=softw", &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "suggestions")), 3);
	resp_release(&r);
	get("/api/v1/feed.atom?lang=en&q=engineer", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(header(&r, "Content-Type"), "application/atom+xml"));
	doc = xmlReadMemory(r.body.data, (int)r.body.len, "feed.xml", NULL, XML_PARSE_NONET);
	assert_non_null(doc);
	root = xmlDocGetRootElement(doc);
	assert_string_equal((const char *)root->name, "feed");
	for (xmlNodePtr n = root->children; n; n = n->next)
		entries += n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, "entry");
	assert_int_equal(entries, 3);
	xmlFreeDoc(doc);
	resp_release(&r);
	get("/api/v1/feed.atom?sort=date", &r);        /* the feed has no sort */
	assert_error(&r, 400, "unknown_parameter");
	resp_release(&r);
}

static void test_openapi(void **state)
{
	struct resp r;
	json_t *paths;

	(void)state;
	get("/api/v1/openapi.json", &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "openapi")), "3.1.0");
	paths = json_object_get(r.json, "paths");
	/* every route in the table is documented, with every parameter */
	for (size_t i = 0; i < n_routes; i++) {
		json_t *op = json_object_get(json_object_get(paths, routes[i].path), "get");
		json_t *params = json_object_get(op, "parameters");

		if (!op)
			fail_msg("route %s is not in openapi.json", routes[i].path);
		assert_true(json_is_object(json_object_get(json_object_get(op, "responses"), "200")));
		for (const struct route_param *p = routes[i].params; p->name; p++) {
			bool found = false;

			for (size_t k = 0; k < json_array_size(params); k++)
				found |= !strcmp(json_string_value(json_object_get(json_array_get(params, k),
										   "name")), p->name);
			if (!found)
				fail_msg("%s parameter %s is not documented", routes[i].path, p->name);
		}
	}
	assert_int_equal(json_object_size(paths), n_routes);
	resp_release(&r);
}

static void test_metrics(void **state)
{
	struct resp r;

	(void)state;
	get("/api/v1/jobs?q=x", &r);
	resp_release(&r);
	get("/metrics", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(buf_str(&r.body), "twentejobs_http_requests_total{route=\"jobs_search\",status=\"200\"}"));
	assert_non_null(strstr(buf_str(&r.body), "twentejobs_http_request_duration_seconds_bucket{route=\"jobs_search\",le=\"+Inf\"}"));
	assert_non_null(strstr(buf_str(&r.body), "twentejobs_jobs{state=\"active\"} 7"));
	assert_non_null(strstr(buf_str(&r.body), "twentejobs_database_bytes "));
	resp_release(&r);
}

/* ---- HTTP conventions ----------------------------------------------- */

static void test_methods(void **state)
{
	struct env *e = *state;
	struct resp r;

	request(e->port, "POST", "/api/v1/jobs", NULL, false, &r);
	assert_error(&r, 405, "method_not_allowed");
	assert_string_equal(header(&r, "Allow"), "GET, HEAD, OPTIONS");
	resp_release(&r);
	request(e->port, "DELETE", "/api/v1/jobs/1", NULL, false, &r);
	assert_error(&r, 405, "method_not_allowed");
	resp_release(&r);
	get("/api/v2/nothing", &r);
	assert_error(&r, 404, "not_found");
	resp_release(&r);
	request(e->port, "HEAD", "/api/v1/jobs?q=engineer", NULL, false, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body.len, 0);
	assert_non_null(header(&r, "ETag"));
	resp_release(&r);
}

static void test_etag(void **state)
{
	struct env *e = *state;
	struct resp r;
	char inm[128];
	const char *hdrs[] = { inm, NULL };

	get("/api/v1/jobs?q=engineer", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(header(&r, "ETag"));
	snprintf(inm, sizeof(inm), "If-None-Match: %s", header(&r, "ETag"));
	resp_release(&r);
	request(e->port, "GET", "/api/v1/jobs?q=engineer", hdrs, false, &r);
	assert_int_equal(r.status, 304);
	assert_int_equal(r.body.len, 0);
	assert_non_null(header(&r, "ETag"));
	resp_release(&r);
	snprintf(inm, sizeof(inm), "If-None-Match: \"0000000000000000\"");
	request(e->port, "GET", "/api/v1/jobs?q=engineer", hdrs, false, &r);
	assert_int_equal(r.status, 200);
	resp_release(&r);
}

static void test_cors(void **state)
{
	struct env *e = *state;
	struct resp r;
	const char *ok[] = { "Origin: https://jobs.example", "Access-Control-Request-Method: GET", NULL };
	const char *other[] = { "Origin: https://evil.example", "Access-Control-Request-Method: GET", NULL };

	/* default: any origin */
	request(e->port, "GET", "/api/v1/employers", ok, false, &r);
	assert_string_equal(header(&r, "Access-Control-Allow-Origin"), "*");
	resp_release(&r);
	/* configured origins: the preflight answers for the allowed one only */
	request(e->strict_port, "OPTIONS", "/api/v1/jobs", ok, false, &r);
	assert_int_equal(r.status, 204);
	assert_string_equal(header(&r, "Access-Control-Allow-Origin"), "https://jobs.example");
	assert_non_null(strstr(header(&r, "Access-Control-Allow-Methods"), "GET"));
	assert_non_null(strstr(header(&r, "Vary"), "Origin"));
	resp_release(&r);
	request(e->strict_port, "OPTIONS", "/api/v1/jobs", other, false, &r);
	assert_int_equal(r.status, 204);
	assert_null(header(&r, "Access-Control-Allow-Origin"));
	resp_release(&r);
}

static void test_gzip(void **state)
{
	struct env *e = *state;
	struct resp r;

	char inm[128];
	const char *hdrs[] = { inm, NULL };

	request(e->port, "GET", "/api/v1/openapi.json", NULL, true, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(header(&r, "Content-Encoding"), "gzip");
	assert_non_null(r.json);                /* curl decoded it */
	assert_true(!strncmp(header(&r, "ETag"), "W/\"", 3));
	/* the weak tag of the gzip form still validates */
	snprintf(inm, sizeof(inm), "If-None-Match: %s", header(&r, "ETag"));
	resp_release(&r);
	request(e->port, "GET", "/api/v1/openapi.json", hdrs, true, &r);
	assert_int_equal(r.status, 304);
	resp_release(&r);
	request(e->port, "GET", "/api/v1/openapi.json", NULL, false, &r);
	assert_null(header(&r, "Content-Encoding"));
	assert_non_null(r.json);
	resp_release(&r);
}

static void test_rate_limit(void **state)
{
	struct env *e = *state;
	struct resp r;
	int limited = 0;

	for (int i = 0; i < 4; i++) {
		request(e->strict_port, "GET", "/api/v1/employers", NULL, false, &r);
		if (r.status == 429) {
			assert_error(&r, 429, "rate_limited");
			assert_non_null(header(&r, "Retry-After"));
			assert_true(strtol(header(&r, "Retry-After"), NULL, 10) >= 1);
			limited++;
		}
		resp_release(&r);
	}
	assert_true(limited >= 1);
	/* probes are never limited */
	request(e->strict_port, "GET", "/healthz", NULL, false, &r);
	assert_int_equal(r.status, 200);
	resp_release(&r);
}

static void test_size_limits(void **state)
{
	struct env *e = *state;
	struct resp r;
	struct buf p;
	const char *big[] = { "Content-Length: 100000", NULL };

	buf_init(&p, 0);
	assert_int_equal(buf_adds(&p, "/api/v1/jobs?q="), TJ_OK);
	for (int i = 0; i < 9000; i++)
		assert_int_equal(buf_addc(&p, 'a'), TJ_OK);
	get(buf_str(&p), &r);
	assert_true(r.status == 414 || r.status == 413);
	resp_release(&r);
	buf_release(&p);
	request(e->port, "GET", "/api/v1/jobs", big, false, &r);
	assert_error(&r, 413, "too_large");
	resp_release(&r);
}

/* Nothing a client sends may produce a 5xx. */
static void test_hostile(void **state)
{
	static const char *const qs[] = {
		"q=%22", "q=*", "q=NEAR(", "q=%27%3B+DROP+TABLE+jobs%3B+--", "q=col%3Aterm",
		"q=%5E", "q=%22unbalanced", "q=", "q=%C3%28", "q=%FF%FE", "q=%00", "q=%ZZ", "q=%",
		"q=%2", "q=a&q=b", "q=(((((", "q=a+OR", "q=-", "q=-%22", "q={title}:x",
		"q=rowid%3D1", "q=%E2%82%AC", "q=%F0%9F%98%80", "limit=-1", "limit=1e3",
		"limit=99999999999999999999", "limit=", "cursor=", "cursor=%00", "cursor=..",
		"cursor=AAAA", "sort=", "lang=%00", "city=%C3", "city=" "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
		"employer=%27%20OR%201%3D1", "posted_since=9999-99-99", "posted_since=99999999d",
		"include_expired=2", "=", "&&&", "q", "q==", "lang=en,,de,", "type=,", "=x",
		"a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&i=9&j=10&k=11&l=12&m=13&n=14&o=15&p=16&q=17&r=18&s=19&t=20&u=21&v=22&w=23&x=24&y=25&z=26&aa=27&bb=28&cc=29&dd=30&ee=31&ff=32&gg=33",
		NULL,
	};
	char path[1024];
	struct resp r;

	(void)state;
	for (int i = 0; qs[i]; i++) {
		snprintf(path, sizeof(path), "/api/v1/jobs?%s", qs[i]);
		get(path, &r);
		if (r.status >= 500 || !r.json)
			fail_msg("GET %s -> %ld %s", path, r.status, buf_str(&r.body));
		resp_release(&r);
		snprintf(path, sizeof(path), "/api/v1/suggest?%s", qs[i]);
		get(path, &r);
		if (r.status >= 500)
			fail_msg("GET %s -> %ld %s", path, r.status, buf_str(&r.body));
		resp_release(&r);
		snprintf(path, sizeof(path), "/api/v1/feed.atom?%s", qs[i]);
		get(path, &r);
		if (r.status >= 500)
			fail_msg("GET %s -> %ld %s", path, r.status, buf_str(&r.body));
		resp_release(&r);
	}
	get("/api/v1/jobs/%00", &r);
	assert_true(r.status < 500);
	resp_release(&r);
	get("/api/v1/jobs/99999999999999999999999", &r);
	assert_error(&r, 404, "not_found");
	resp_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_health),
		cmocka_unit_test(test_search_shape),
		cmocka_unit_test(test_search_filters),
		cmocka_unit_test(test_search_errors),
		cmocka_unit_test(test_pagination),
		cmocka_unit_test(test_job),
		cmocka_unit_test(test_employers_sources),
		cmocka_unit_test(test_suggest_feed),
		cmocka_unit_test(test_openapi),
		cmocka_unit_test(test_metrics),
		cmocka_unit_test(test_methods),
		cmocka_unit_test(test_etag),
		cmocka_unit_test(test_cors),
		cmocka_unit_test(test_gzip),
		cmocka_unit_test(test_rate_limit),
		cmocka_unit_test(test_size_limits),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_sees_new_jobs),
		cmocka_unit_test(test_duplicates_history_changes),
	};
	int rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, setup, teardown);
	curl_global_cleanup();
	xmlCleanupParser();
	return rc;
}
