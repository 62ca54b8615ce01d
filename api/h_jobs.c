/*
 * h_jobs.c - the postings resource: search (/api/v1/jobs), one posting
 * (/api/v1/jobs/{id}, with its duplicates and, on request, its history),
 * title autocomplete (/api/v1/suggest), the Atom feed
 * (/api/v1/feed.atom), and `twentejobs search`, which runs the very same
 * search from the shell.
 *
 * Handlers only translate between the request and index/search.c; the JSON
 * comes from json.c.  The feed is XML, written with libxml2's xmlTextWriter
 * (RFC 4287), so escaping is libxml2's business, not ours.
 *
 * Parameters were checked against the route table before a handler runs,
 * so an unknown name cannot reach search_params_set(); a bad value comes
 * back from it as TJ_EINVAL with a message naming the parameter, which the
 * dispatcher turns into a 400.
 */
#include <libxml/xmlwriter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobcache.h"
#include "json.h"
#include "routes.h"
#include "search.h"
#include "server.h"
#include "version.h"

/* Fill search parameters from the request; `cursor` (if any) is decoded
 * after the query is known, because it is bound to it. */
static enum tj_code params_from_request(struct api_req *rq, struct search_params *p)
{
	const char *cursor = NULL;
	enum tj_code rc;

	for (int i = 0; i < rq->n_params; i++) {
		const struct api_param *a = &rq->params[i];

		if (!strcmp(a->key, "cursor")) {
			if (cursor)
				return tj_error(TJ_EINVAL, "parameter 'cursor': given more than once");
			cursor = a->value;
			continue;
		}
		if ((rc = search_params_set(p, a->key, a->value)))
			return rc;
	}
	if ((rc = search_params_finish(p)))
		return rc;
	if (cursor && *cursor)
		return search_cursor_decode(p, cursor, api_cursor_key(rq->srv));
	return TJ_OK;
}

enum tj_code h_jobs_search(struct api_req *rq, struct api_resp *rs)
{
	struct search_params p;
	struct search_result r = { 0 };
	char cursor[SEARCH_CURSOR_MAX];
	struct jobcache *jc = NULL;
	struct db *db;
	enum tj_code rc;

	search_params_init(&p);
	if ((rc = params_from_request(rq, &p)) || (rc = api_jobcache(rq, &jc)) ||
	    (rc = api_db(rq, &db)) || (rc = search_params_settle(db, &p)) ||
	    (rc = search_run(db, jc, &p, &r)))
		goto out;
	if (r.more && r.n_hits)
		search_cursor_encode(&p, &r.hits[r.n_hits - 1], api_cursor_key(rq->srv), cursor);
	rc = json_take(json_search(&p, &r, r.more && r.n_hits ? cursor : NULL), &rs->body);
out:
	jobcache_unref(jc);
	search_result_release(&r);
	search_params_release(&p);
	return rc;
}

/* A posting id: 1 to 18 decimal digits. */
static bool parse_id(const char *s, int64_t *id)
{
	int64_t v = 0;
	size_t n = strlen(s);

	if (!n || n > 18 || strspn(s, "0123456789") != n)
		return false;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	*id = v;
	return v > 0;
}

/* ?history=1|true|0|false (the only parameter the route lists) */
static enum tj_code want_history(struct api_req *rq, bool *on)
{
	for (int i = 0; i < rq->n_params; i++) {
		const char *v = rq->params[i].value;

		if (!strcmp(v, "1") || !strcmp(v, "true"))
			*on = true;
		else if (!strcmp(v, "0") || !strcmp(v, "false"))
			*on = false;
		else
			return tj_error(TJ_EINVAL, "parameter 'history': '%.64s' is not 0, 1, "
					"true or false", v);
	}
	return TJ_OK;
}

/* Issue 6: the posting's duplicates (ids, lowest first) and, if asked,
 * its earlier versions from job_history, added to *job by json.c. */
static enum tj_code job_extras(struct db *db, int64_t id, bool history, json_t **job)
{
	sqlite3_stmt *st = NULL;
	int64_t *dups = NULL;
	size_t n = 0, cap = 0;
	json_t *hist = NULL;
	bool row = true;
	enum tj_code rc;

	rc = db_prepare(db, &st, "SELECT id FROM jobs WHERE dup_of = ?1 AND state = 'duplicate'"
			" ORDER BY id");
	if (!rc)
		rc = db_bind_int(st, 1, id);
	while (!rc && !(rc = db_step(st, &row)) && row) {
		if (n == cap) {
			int64_t *grown = realloc(dups, (cap ? cap * 2 : 8) * sizeof(*dups));

			if (!grown) {
				rc = tj_error(TJ_ENOMEM, "out of memory listing duplicates");
				break;
			}
			dups = grown;
			cap = cap ? cap * 2 : 8;
		}
		dups[n++] = sqlite3_column_int64(st, 0);
	}
	db_finalize(st);
	st = NULL;
	if (!rc && history) {
		row = true;
		if (!(hist = json_array()))
			rc = tj_error(TJ_ENOMEM, "out of memory reading history");
		if (!rc && !(rc = db_prepare(db, &st, "SELECT changed_at, posting_json FROM job_history"
					     " WHERE job_id = ?1 ORDER BY changed_at, id")))
			rc = db_bind_int(st, 1, id);
		while (!rc && !(rc = db_step(st, &row)) && row)
			if (json_array_append_new(hist, json_history_entry(sqlite3_column_int64(st, 0),
									   db_col_text(st, 1))))
				rc = tj_error(TJ_ENOMEM, "out of memory reading history");
		db_finalize(st);
	}
	if (!rc) {
		*job = json_job_extras(*job, dups, n, hist);
		hist = NULL;
		if (!*job)
			rc = tj_error(TJ_ENOMEM, "out of memory building a job");
	}
	json_decref(hist);
	free(dups);
	return rc;
}

enum tj_code h_jobs_get(struct api_req *rq, struct api_resp *rs)
{
	sqlite3_stmt *st = NULL;
	struct db *db;
	json_t *job;
	int64_t id;
	enum tj_code rc;
	bool row, history = false;

	if (!parse_id(rq->path_arg, &id))
		return api_fail(rs, 404, "not_found", "no job '%.40s' (ids are positive integers, "
				"as in search results)", rq->path_arg);
	if ((rc = api_db(rq, &db)) ||
	    (rc = db_prepare(db, &st, "SELECT " JSON_JOB_COLUMNS " FROM jobs j"
			     " LEFT JOIN sources s ON s.id = j.source_id WHERE j.id = ?1")) ||
	    (rc = db_bind_int(st, 1, id)) || (rc = db_step(st, &row)))
		goto out;
	if (!row) {
		rc = api_fail(rs, 404, "not_found", "no job %lld", (long long)id);
		goto out;
	}
	if ((rc = want_history(rq, &history)))
		goto out;
	job = json_job(st);
	db_finalize(st);
	st = NULL;
	rc = job_extras(db, id, history, &job);
	if (!rc)
		rc = json_take(job, &rs->body);
	else
		json_decref(job);
out:
	db_finalize(st);
	return rc;
}

enum tj_code h_jobs_suggest(struct api_req *rq, struct api_resp *rs)
{
	const char *q = NULL;
	char **titles = NULL;
	int64_t *counts = NULL;
	size_t n = 0;
	int limit = 10;
	struct db *db;
	enum tj_code rc;

	for (int i = 0; i < rq->n_params; i++) {
		const char *v = rq->params[i].value;

		if (!strcmp(rq->params[i].key, "q")) {
			q = v;
		} else {
			char *end;
			long l = strtol(v, &end, 10);

			/* digits only, as for /api/v1/jobs: strtol would also take
			 * " 5" and "+5" */
			if (*v < '0' || *v > '9' || *end || l < 1 || l > 20)
				return tj_error(TJ_EINVAL, "parameter 'limit': '%.64s' is not a number "
						"from 1 to 20", v);
			limit = (int)l;
		}
	}
	if ((rc = api_db(rq, &db)) || (rc = search_suggest(db, q, limit, &titles, &counts, &n)))
		return rc;
	rc = json_take(json_suggest(q, titles, counts, n), &rs->body);
	for (size_t i = 0; i < n; i++)
		free(titles[i]);
	free(titles);
	free(counts);
	return rc;
}

/* ---- Atom ----------------------------------------------------------- */

/* Text for XML: libxml2 escapes markup but not the control characters XML
 * 1.0 forbids; drop those.  Caller frees. */
static char *xml_text(const char *s)
{
	char *out, *o;

	if (!s)
		s = "";
	if (!(out = malloc(strlen(s) + 1)))
		return NULL;
	for (o = out; *s; s++)
		if ((unsigned char)*s >= 0x20 || *s == '\t' || *s == '\n' || *s == '\r')
			*o++ = *s;
	*o = '\0';
	return out;
}

static int write_elem(xmlTextWriterPtr w, const char *name, const char *text)
{
	char *t = xml_text(text);
	int rc = t ? xmlTextWriterWriteElement(w, BAD_CAST name, BAD_CAST t) : -1;

	free(t);
	return rc;
}

static int write_link(xmlTextWriterPtr w, const char *rel, const char *type, const char *href)
{
	char *t = xml_text(href);
	int rc = t ? 0 : -1;

	if (rc >= 0)
		rc = xmlTextWriterStartElement(w, BAD_CAST "link");
	if (rc >= 0 && rel)
		rc = xmlTextWriterWriteAttribute(w, BAD_CAST "rel", BAD_CAST rel);
	if (rc >= 0 && type)
		rc = xmlTextWriterWriteAttribute(w, BAD_CAST "type", BAD_CAST type);
	if (rc >= 0)
		rc = xmlTextWriterWriteAttribute(w, BAD_CAST "href", BAD_CAST t);
	if (rc >= 0)
		rc = xmlTextWriterEndElement(w);
	free(t);
	return rc;
}

static int write_entry(xmlTextWriterPtr w, const char *base, const struct search_hit *h)
{
	char buf[1024], when[32];
	int rc;

	json_iso_time(h->first_seen, when, sizeof(when));
	snprintf(buf, sizeof(buf), "%s%s%s%s%s", h->title ? h->title : "",
		 h->employer ? " - " : "", h->employer ? h->employer : "",
		 h->city ? ", " : "", h->city ? h->city : "");
	rc = xmlTextWriterStartElement(w, BAD_CAST "entry");
	if (rc >= 0)
		rc = write_elem(w, "title", buf);
	if (rc >= 0)
		rc = write_link(w, "alternate", "text/html", h->url);
	snprintf(buf, sizeof(buf), "%s/api/v1/jobs/%lld", base, (long long)h->id);
	if (rc >= 0)
		rc = write_link(w, "related", "application/json", buf);
	if (rc >= 0)
		rc = write_elem(w, "id", buf);
	if (rc >= 0)
		rc = write_elem(w, "updated", when);
	if (rc >= 0 && h->date_posted) {
		snprintf(buf, sizeof(buf), "%sT00:00:00Z", h->date_posted);
		rc = write_elem(w, "published", buf);
	}
	if (rc >= 0 && h->employer) {
		rc = xmlTextWriterStartElement(w, BAD_CAST "author");
		if (rc >= 0)
			rc = write_elem(w, "name", h->employer);
		if (rc >= 0)
			rc = xmlTextWriterEndElement(w);
	}
	if (rc >= 0) {
		char *t = xml_text(h->snippet);

		rc = t ? xmlTextWriterStartElement(w, BAD_CAST "summary") : -1;
		if (rc >= 0)
			rc = xmlTextWriterWriteAttribute(w, BAD_CAST "type", BAD_CAST "html");
		if (rc >= 0)
			rc = xmlTextWriterWriteString(w, BAD_CAST t);
		if (rc >= 0)
			rc = xmlTextWriterEndElement(w);
		free(t);
	}
	for (int i = 0; i < 2 && rc >= 0; i++) {
		const char *term = i ? h->language : h->intl;

		if (!term)
			continue;
		snprintf(buf, sizeof(buf), "%s:%s", i ? "language" : "international", term);
		rc = xmlTextWriterStartElement(w, BAD_CAST "category");
		if (rc >= 0)
			rc = xmlTextWriterWriteAttribute(w, BAD_CAST "term", BAD_CAST buf);
		if (rc >= 0)
			rc = xmlTextWriterEndElement(w);
	}
	if (rc >= 0)
		rc = xmlTextWriterEndElement(w);
	return rc;
}

static enum tj_code write_feed(struct api_req *rq, const struct search_params *p,
			       const struct search_result *r, struct buf *out)
{
	xmlBufferPtr xb = xmlBufferCreate();
	xmlTextWriterPtr w = xb ? xmlNewTextWriterMemory(xb, 0) : NULL;
	char base[300], self[8600], when[32], title[1200];
	int64_t newest = 0;
	enum tj_code rc = TJ_OK;
	int x;

	if (!w) {
		rc = tj_error(TJ_ENOMEM, "out of memory writing a feed");
		goto out;
	}
	snprintf(base, sizeof(base), "http://%.256s", rq->host ? rq->host : "localhost");
	snprintf(self, sizeof(self), "%s/api/v1/feed.atom%s%s", base,
		 rq->query_string && *rq->query_string ? "?" : "",
		 rq->query_string ? rq->query_string : "");
	for (size_t i = 0; i < r->n_hits; i++)
		if (r->hits[i].first_seen > newest)
			newest = r->hits[i].first_seen;
	json_iso_time(newest ? newest : db_now(), when, sizeof(when));
	snprintf(title, sizeof(title), "twentejobs%s%.1000s", p->q && *p->q ? ": " : " - newest jobs in Twente",
		 p->q && *p->q ? p->q : "");
	x = xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL);
	if (x >= 0)
		x = xmlTextWriterStartElement(w, BAD_CAST "feed");
	if (x >= 0)
		x = xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns", BAD_CAST "http://www.w3.org/2005/Atom");
	if (x >= 0)
		x = write_elem(w, "title", title);
	if (x >= 0)
		x = write_elem(w, "id", self);
	if (x >= 0)
		x = write_link(w, "self", "application/atom+xml", self);
	if (x >= 0)
		x = write_elem(w, "updated", when);
	if (x >= 0)
		x = write_elem(w, "generator", "twentejobs " TJ_VERSION);
	for (size_t i = 0; i < r->n_hits && x >= 0; i++)
		x = write_entry(w, base, &r->hits[i]);
	if (x >= 0)
		x = xmlTextWriterEndDocument(w);
	xmlFreeTextWriter(w);
	w = NULL;
	if (x < 0)
		rc = tj_error(TJ_ENOMEM, "cannot write the Atom feed");
	else
		rc = buf_add(out, xmlBufferContent(xb), (size_t)xmlBufferLength(xb));
out:
	xmlFreeTextWriter(w);
	if (xb)
		xmlBufferFree(xb);
	return rc;
}

enum tj_code h_jobs_feed(struct api_req *rq, struct api_resp *rs)
{
	struct search_params p;
	struct search_result r = { 0 };
	struct jobcache *jc = NULL;
	struct db *db;
	enum tj_code rc;

	search_params_init(&p);
	p.limit = 50;
	if ((rc = params_from_request(rq, &p)))
		goto out;
	p.sort = SORT_DATE;     /* a feed is a chronology, whatever q is */
	if ((rc = api_jobcache(rq, &jc)) || (rc = api_db(rq, &db)) ||
	    (rc = search_params_settle(db, &p)) || (rc = search_run(db, jc, &p, &r)))
		goto out;
	rc = write_feed(rq, &p, &r, &rs->body);
out:
	jobcache_unref(jc);
	search_result_release(&r);
	search_params_release(&p);
	return rc;
}

/* ---- `twentejobs search` -------------------------------------------- */

static void search_usage(FILE *f)
{
	fprintf(f, "usage: twentejobs search [--db FILE] [--json] [--lang L] [--intl yes|maybe|no]\n"
		   "          [--city C] [--employer E] [--level L] [--type T] [--remote R]\n"
		   "          [--advertiser employer|agency]\n"
		   "          [--posted-since DATE|Nd] [--sort relevance|date] [--limit N]\n"
		   "          [--include-expired] QUERY...\n\n"
		   "Search the index as GET /api/v1/jobs does and print a table (or, with\n"
		   "--json, the API's JSON).  QUERY: words, \"phrases\", a OR b, -excluded.\n");
}

/* Print s in exactly `width` columns (code points), cut with an ellipsis. */
static void cell(const char *s, int width)
{
	int cols = 0;
	const unsigned char *p = (const unsigned char *)(s ? s : "-");
	const unsigned char *cut = NULL;

	for (const unsigned char *q = p; *q; q++) {
		if ((*q & 0xC0) == 0x80)
			continue;
		if (cols == width - 1)
			cut = q;
		if (++cols > width)
			break;
	}
	if (cols > width) {
		fwrite(p, 1, (size_t)(cut - p), stdout);
		fputs("…", stdout);
	} else {
		fputs((const char *)p, stdout);
		for (; cols < width; cols++)
			putchar(' ');
	}
	putchar(' ');
}

int cmd_search(int argc, char **argv)
{
	static const char *const opts[][2] = {
		{ "--lang", "lang" }, { "--intl", "intl" }, { "--city", "city" },
		{ "--employer", "employer" }, { "--level", "level" }, { "--type", "type" },
		{ "--remote", "remote" }, { "--advertiser", "advertiser" },
		{ "--posted-since", "posted_since" },
		{ "--sort", "sort" }, { "--limit", "limit" },
	};
	struct search_params p;
	struct search_result r = { 0 };
	struct db *db = NULL;
	struct buf q, out;
	const char *db_path = db_default_path();
	bool json = false;
	int rc = 1;

	search_params_init(&p);
	buf_init(&q, SEARCH_MAX_QUERY * 2);
	buf_init(&out, 0);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		size_t k;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			search_usage(stdout);
			rc = 0;
			goto out;
		}
		if (!strcmp(a, "--json")) {
			json = true;
			continue;
		}
		if (!strcmp(a, "--include-expired")) {
			p.include_expired = true;
			continue;
		}
		if (!strcmp(a, "--db") && i + 1 < argc) {
			db_path = argv[++i];
			continue;
		}
		for (k = 0; k < sizeof(opts) / sizeof(opts[0]); k++)
			if (!strcmp(a, opts[k][0]))
				break;
		if (k < sizeof(opts) / sizeof(opts[0])) {
			if (i + 1 >= argc) {
				fprintf(stderr, "twentejobs search: '%s' needs a value\n", a);
				rc = 2;
				goto out;
			}
			if (search_params_set(&p, opts[k][1], argv[++i])) {
				fprintf(stderr, "twentejobs search: %s\n", tj_errmsg());
				rc = 2;
				goto out;
			}
			continue;
		}
		if (a[0] == '-' && a[1] == '-') {
			fprintf(stderr, "twentejobs search: unknown option '%s'\n", a);
			search_usage(stderr);
			rc = 2;
			goto out;
		}
		if ((q.len && buf_addc(&q, ' ')) || buf_adds(&q, a)) {
			fprintf(stderr, "twentejobs search: query too long\n");
			rc = 2;
			goto out;
		}
	}
	/* a finished command line: no search-as-you-type prefix */
	p.prefix = false;
	if ((q.len && search_params_set(&p, "q", buf_str(&q))) || search_params_finish(&p)) {
		fprintf(stderr, "twentejobs search: %s\n", tj_errmsg());
		rc = 2;
		goto out;
	}
	if (db_open(db_path, true, &db) || search_run(db, NULL, &p, &r)) {
		fprintf(stderr, "twentejobs: %s\n", tj_errmsg());
		goto out;
	}
	if (json) {
		if (json_take(json_search(&p, &r, NULL), &out)) {
			fprintf(stderr, "twentejobs: %s\n", tj_errmsg());
			goto out;
		}
		puts(buf_str(&out));
		rc = 0;
		goto out;
	}
	printf("%-7s ", "ID");
	cell("TITLE", 40);
	cell("EMPLOYER", 24);
	cell("CITY", 12);
	printf("LANG INTL  LEVEL      POSTED\n");
	for (size_t i = 0; i < r.n_hits; i++) {
		const struct search_hit *h = &r.hits[i];

		printf("%-7lld ", (long long)h->id);
		cell(h->title, 40);
		cell(h->employer, 24);
		cell(h->city, 12);
		cell(h->language, 4);
		cell(h->intl, 5);
		cell(h->level, 10);
		printf("%s\n", h->date_posted ? h->date_posted : "-");
	}
	printf("%zu of %lld postings", r.n_hits, (long long)r.total);
	if (p.query.understood && *p.query.understood)
		printf(" matching %s", p.query.understood);
	printf(" (sorted by %s)\n", p.sort == SORT_DATE ? "date" : "relevance");
	rc = 0;
out:
	search_result_release(&r);
	search_params_release(&p);
	db_close(db);
	buf_release(&q);
	buf_release(&out);
	return rc;
}
