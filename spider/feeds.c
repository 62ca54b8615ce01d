/*
 * feeds.c - postings from ATS job feeds (see feeds.h).
 *
 * How it works.  Each ATS has one reader that walks its document and
 * builds, per vacancy, the schema.org JobPosting object the vacancy would
 * carry as JSON-LD ({"title", "url", "jobLocation": [...], "baseSalary":
 * {...}, ...}), then hands it to extract_jobposting() - the mapper the
 * JSON-LD and microdata readers share.  So a feed's dates, salaries,
 * towns and employment types are read by the same code as a page's and
 * cannot drift apart; what is ATS-specific (its field names, its codes
 * for employment types, how it spells a posting's URL) stays here.  Facts
 * JSON-LD has no good property for (Recruitee's remote/hybrid/on-site
 * flags, Lever's workplaceType) are set on the posting afterwards.
 *
 * Formats, as the ATSs publish them (public, unauthenticated endpoints):
 *  - Recruitee careers-site API, GET /api/offers/: {"offers": [{id, slug,
 *    title, description, requirements (HTML), location, city, country_code,
 *    state_code, locations[], remote, hybrid, on_site, employment_type_code,
 *    education_code, min_hours, max_hours, salary {min, max, currency,
 *    period}, created_at, published_at, close_at, careers_url,
 *    company_name}]}.
 *  - Greenhouse Job Board API, GET /v1/boards/TOKEN/jobs?content=true:
 *    {"jobs": [{id, title, absolute_url, location {name}, offices[]
 *    {name, location}, content (HTML, entity-escaped), updated_at,
 *    first_published, company_name, metadata[] {name, value}}]}.
 *  - Lever Postings API, GET /v0/postings/SITE?mode=json: [{id, text,
 *    hostedUrl, categories {location, allLocations[], commitment, team},
 *    description (HTML), descriptionPlain, lists[] {text, content (<li>
 *    HTML)}, additional, createdAt (ms since 1970), workplaceType,
 *    country, salaryRange {min, max, currency, interval}}].
 *  - Personio XML feed, GET /xml: <workzag-jobs><position><id>, <subcompany>,
 *    <office>, <additionalOffices><office>, <name>, <jobDescriptions>
 *    <jobDescription><name>, <value> (HTML as text)</jobDescription>...,
 *    <employmentType> (permanent, intern, trainee, freelance, temporary,
 *    working_student), <schedule> (full-time, part-time,
 *    full-or-part-time), <createdAt>.  Read with libxml2.
 *  - SmartRecruiters Posting API, GET /v1/companies/ID/postings: {"content":
 *    [{id, name, company {identifier, name}, location {city, region,
 *    country, remote}, releasedDate, typeOfEmployment {label}, postingUrl,
 *    jobAd {sections {companyDescription, jobDescription, qualifications,
 *    additionalInformation {text}}}}]}.  The list endpoint carries no
 *    jobAd; NEEDSWORK: fetch /postings/ID for descriptions (one request
 *    per posting, so only with a per-source budget).
 *
 * Safety.  Feeds are capped at FEED_MAX_BYTES and FEED_MAX_POSTINGS.
 * jansson bounds JSON nesting itself.  libxml2 parses with XML_PARSE_NONET
 * and without XML_PARSE_NOENT or DTD loading, so no external entity is
 * ever fetched; element text is collected from text and CDATA nodes only,
 * never through entity references, so an entity-expansion bomb expands
 * nothing here (and libxml2's own amplification limits stay on: no
 * XML_PARSE_HUGE).
 */
#include "feeds.h"

#include <ctype.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "buf.h"
#include "html.h"
#include "normalize.h"
#include "rules.h"
#include "url.h"

#define MAX_SKIP_WARNINGS 5
#define MAX_LOCATIONS 20
#define XML_MAX_TEXT_DEPTH 64

enum ats { ATS_RECRUITEE, ATS_GREENHOUSE, ATS_LEVER, ATS_PERSONIO, ATS_SMARTRECRUITERS, ATS_N };

static const struct {
	const char *name;
	const char *prefix, *suffix;    /* default URL: prefix COMPANY suffix */
	bool xml;
} ats_info[ATS_N] = {
	{ "recruitee", "https://", ".recruitee.com/api/offers/", false },
	{ "greenhouse", "https://boards-api.greenhouse.io/v1/boards/", "/jobs?content=true", false },
	{ "lever", "https://api.lever.co/v0/postings/", "?mode=json", false },
	{ "personio", "https://", ".jobs.personio.de/xml", true },
	{ "smartrecruiters", "https://api.smartrecruiters.com/v1/companies/", "/postings", false },
};

static const char *const json_types[] = {
	"application/json", "text/json", "application/javascript", "text/javascript",
	"text/plain", "application/octet-stream", NULL,
};
static const char *const xml_types[] = {
	"application/xml", "text/xml", "application/rss+xml", "text/plain",
	"application/octet-stream", NULL,
};

static enum tj_code oom(void)
{
	return tj_error(TJ_ENOMEM, "out of memory reading a feed");
}

static int ats_of(const struct rule *r)
{
	for (int i = 0; r && r->strategy && i < ATS_N; i++)
		if (!strcmp(r->strategy, ats_info[i].name))
			return i;
	return -1;
}

static const char *feed_company(const struct rule *r)
{
	const char *c = json_string_value(json_object_get(r->feed, "company"));

	return c && *c ? c : NULL;
}

char *feed_default_url(const struct rule *r)
{
	int a = ats_of(r);
	const char *url, *company;
	struct buf b;
	char *u;

	if (a < 0) {
		(void)tj_error(TJ_EINVAL, "'%s' is not an ATS feed rule", r && r->id ? r->id : "(null)");
		return NULL;
	}
	if ((url = json_string_value(json_object_get(r->feed, "url"))) && *url) {
		if (!(u = strdup(url)))
			(void)oom();
		return u;
	}
	if (!(company = feed_company(r))) {
		(void)tj_error(TJ_EINVAL, "%s: the feed names neither 'url' nor 'company'", r->id);
		return NULL;
	}
	buf_init(&b, 4096);
	if (buf_adds(&b, ats_info[a].prefix) || buf_adds(&b, company) || buf_adds(&b, ats_info[a].suffix)) {
		buf_release(&b);
		(void)oom();
		return NULL;
	}
	return buf_detach(&b, NULL);
}

const char *const *feed_accept_types(const struct rule *r)
{
	int a = ats_of(r);

	return a >= 0 && ats_info[a].xml ? xml_types : json_types;
}

bool feed_looks_like_feed(const char *body, size_t len)
{
	size_t i = 0;

	if (len >= 3 && !memcmp(body, "\xef\xbb\xbf", 3))
		i = 3;
	while (i < len && isspace((unsigned char)body[i]))
		i++;
	if (i == len)
		return false;
	if (body[i] == '{' || body[i] == '[')
		return true;
	if (body[i] != '<')
		return false;
	/* XML, unless it is an HTML page (doctype or <html>, perhaps after <?xml) */
	for (size_t k = i; k < len && k < i + 1024; k++) {
		if (body[k] != '<')
			continue;
		if (len - k >= 9 && !strncasecmp(body + k, "<!doctype", 9))
			return len - k >= 14 && strncasecmp(body + k, "<!doctype html", 14) != 0;
		if (len - k >= 5 && !strncasecmp(body + k, "<html", 5))
			return false;
		if (body[k + 1 < len ? k + 1 : k] != '?' && body[k + 1 < len ? k + 1 : k] != '!')
			return true;    /* the root element, not html */
	}
	return true;
}

/* ------------------------------------------------------------------ */
/* Building JobPosting objects                                         */

struct feed {
	const struct rule *r;
	int ats;
	const char *url;        /* the feed URL as given */
	char *origin;           /* its scheme://host[:port] */
	struct extract_opts opts;
	char extraction[32];
	struct page_result *out;
	size_t alloc;
	size_t entry;           /* 1-based number of the entry being read */
	size_t skipped;
	bool capped;
};

static enum tj_code warn(struct feed *f, const char *fmt, ...) TJ_PRINTF(2, 3);
static enum tj_code warn(struct feed *f, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	json_t *s;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	s = json_string(msg);
	if (!s)
		s = json_string("warning with invalid UTF-8 text");
	if (!s || json_array_append_new(f->out->warnings, s))
		return tj_error(TJ_ENOMEM, "out of memory recording a warning");
	return TJ_OK;
}

/* Is s[0..n) valid UTF-8 (what json_string() demands)? */
static bool utf8_ok(const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		size_t k = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 :
			   (c & 0xf8) == 0xf0 ? 4 : 0;

		if (!k || i + k > n || !c)
			return false;
		for (size_t j = 1; j < k; j++)
			if (((unsigned char)s[i + j] & 0xc0) != 0x80)
				return false;
		i += k;
	}
	return true;
}

/* o[key] = text; nothing for NULL, "" or invalid UTF-8. */
static enum tj_code set_str(json_t *o, const char *key, const char *text)
{
	json_t *v;

	if (!text || !*text || !utf8_ok(text, strlen(text)))
		return TJ_OK;
	if (!(v = json_string(text)) || json_object_set_new(o, key, v))
		return oom();
	return TJ_OK;
}

/* o[key] = v (a new reference is taken); nothing for NULL or null. */
static enum tj_code set_val(json_t *o, const char *key, const json_t *v)
{
	if (!v || json_is_null(v))
		return TJ_OK;
	if (json_object_set(o, key, (json_t *)v))
		return oom();
	return TJ_OK;
}

/* o[key] (an object), created when absent. */
static json_t *sub(json_t *o, const char *key)
{
	json_t *s = json_object_get(o, key);

	if (s)
		return s;
	if (!(s = json_object()) || json_object_set_new(o, key, s))
		return NULL;
	return s;
}

/* A non-empty string member, or NULL. */
static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s && *s ? s : NULL;
}

/* A place {"address": {"addressLocality", "addressRegion", "addressCountry"}}
 * or, with only text, the text: appended to the array jobLocation. */
static enum tj_code add_place(json_t *jp, const char *town, const char *region, const char *country,
			      const char *text)
{
	json_t *locs = json_object_get(jp, "jobLocation"), *place, *addr;
	enum tj_code rc;

	if (!town && !text)
		return TJ_OK;
	if (!locs) {
		if (!(locs = json_array()) || json_object_set_new(jp, "jobLocation", locs))
			return oom();
	}
	if (json_array_size(locs) >= MAX_LOCATIONS)
		return TJ_OK;
	if (!town) {
		size_t i, n = strlen(text);
		json_t *t, *e;

		if (!utf8_ok(text, n))
			return TJ_OK;
		/* "Enschede" and an office's "Enschede, Netherlands" are one place */
		json_array_foreach(locs, i, e) {
			const char *had = json_string_value(e);
			size_t hl = had ? strlen(had) : 0;

			if (had && (!strcmp(had, text) ||
				    (hl < n && !strncmp(had, text, hl) && text[hl] == ',') ||
				    (n < hl && !strncmp(had, text, n) && had[n] == ',')))
				return TJ_OK;
		}
		if (!(t = json_string(text)) || json_array_append_new(locs, t))
			return oom();
		return TJ_OK;
	}
	if (!(place = json_object()) || json_array_append_new(locs, place) || !(addr = sub(place, "address")))
		return oom();
	if ((rc = set_str(addr, "addressLocality", town)) || (rc = set_str(addr, "addressRegion", region)) ||
	    (rc = set_str(addr, "addressCountry", country)))
		return rc;
	return TJ_OK;
}

/* baseSalary: {"currency", "value": {"minValue", "maxValue", "unitText"}} */
static enum tj_code set_salary(json_t *jp, const json_t *min, const json_t *max, const char *currency,
			       const char *unit)
{
	json_t *bs, *val;
	enum tj_code rc;

	if ((!min || json_is_null(min)) && (!max || json_is_null(max)))
		return TJ_OK;
	if (!(bs = sub(jp, "baseSalary")) || !(val = sub(bs, "value")))
		return oom();
	if ((rc = set_str(bs, "currency", currency)) || (rc = set_val(val, "minValue", min)) ||
	    (rc = set_val(val, "maxValue", max)) || (rc = set_str(val, "unitText", unit)))
		return rc;
	return TJ_OK;
}

/* workHours "MIN - MAX uur per week" from two numbers (or strings). */
static enum tj_code set_hours(json_t *jp, const json_t *lo, const json_t *hi)
{
	double a = json_is_number(lo) ? json_number_value(lo) :
		   json_is_string(lo) ? normalize_amount(json_string_value(lo), NULL) : NAN;
	double b = json_is_number(hi) ? json_number_value(hi) :
		   json_is_string(hi) ? normalize_amount(json_string_value(hi), NULL) : NAN;
	char text[64];

	if (isnan(a) && isnan(b))
		return TJ_OK;
	if (isnan(a))
		a = b;
	if (isnan(b))
		b = a;
	if (!(a > 0 && b > 0 && a <= 80 && b <= 80))
		return TJ_OK;
	if (a == b)
		snprintf(text, sizeof(text), "%g uur per week", a);
	else
		snprintf(text, sizeof(text), "%g - %g uur per week", a < b ? a : b, a < b ? b : a);
	return set_str(jp, "workHours", text);
}

/* A salary period word ("month", "per-year-salary", "yearly") as unitText. */
static const char *period_of(const char *s)
{
	static const struct { const char *word, *unit; } w[] = {
		{ "hour", "HOUR" }, { "day", "DAY" }, { "week", "WEEK" }, { "month", "MONTH" },
		{ "year", "YEAR" }, { "annual", "YEAR" },
	};

	for (size_t i = 0; s && i < sizeof(w) / sizeof(w[0]); i++)
		if (strcasestr(s, w[i].word))
			return w[i].unit;
	return s ? normalize_period(s) : NULL;
}

/* "YYYY-MM-DD" from milliseconds since 1970 (Lever's createdAt). */
static bool date_from_ms(const json_t *v, char out[11])
{
	struct tm tm;
	time_t t;
	double ms;

	if (!json_is_number(v))
		return false;
	ms = json_number_value(v);
	if (!(ms > 0 && ms < 7.3e12))   /* before the year 2200 */
		return false;
	t = (time_t)(ms / 1000.0);
	if (!gmtime_r(&t, &tm))
		return false;
	return strftime(out, 11, "%Y-%m-%d", &tm) == 10;
}

/* Append an HTML section (heading optional) to a description being built. */
static enum tj_code add_section(struct buf *d, const char *heading, const char *html)
{
	if (!html || !*html)
		return TJ_OK;
	if ((heading && *heading && (buf_adds(d, "<h2>") || buf_adds(d, heading) || buf_adds(d, "</h2>"))) ||
	    buf_adds(d, "<div>") || buf_adds(d, html) || buf_adds(d, "</div>\n"))
		return tj_error(TJ_ETOOBIG, "description larger than %zu bytes", d->cap);
	return TJ_OK;
}

/* Set description from the sections collected; too large: cut, with a warning. */
static enum tj_code set_description(struct feed *f, json_t *jp, struct buf *d, enum tj_code built)
{
	if (built == TJ_ETOOBIG) {
		enum tj_code rc = warn(f, "%s feed: entry %zu: description over %zu bytes; cut",
				       ats_info[f->ats].name, f->entry, d->cap);

		if (rc)
			return rc;
	} else if (built) {
		return built;
	}
	return set_str(jp, "description", buf_str(d));
}

static bool same(const struct posting *a, const struct posting *b)
{
	return a->url && b->url && !strcmp(a->url, b->url) && a->title && b->title &&
	       !strcmp(a->title, b->title);
}

/* An entry without a title or URL: a warning for the first few. */
static enum tj_code skip(struct feed *f, const char *what)
{
	if (++f->skipped > MAX_SKIP_WARNINGS)
		return TJ_OK;
	return warn(f, "%s feed: entry %zu has no %s; skipped", ats_info[f->ats].name, f->entry, what);
}

/*
 * Map jp and append the posting; *added is it, or NULL when it was
 * skipped (no title or URL, a duplicate, over the cap).
 */
static enum tj_code add(struct feed *f, const json_t *jp, struct posting **added)
{
	struct page_result *out = f->out;
	struct posting *p;
	enum tj_code rc;

	*added = NULL;
	if (out->n_postings >= FEED_MAX_POSTINGS) {
		if (f->capped)
			return TJ_OK;
		f->capped = true;
		return warn(f, "%s feed: more than %d postings; the rest are ignored", ats_info[f->ats].name,
			    FEED_MAX_POSTINGS);
	}
	if (!str(jp, "title") || !str(jp, "url"))
		return skip(f, str(jp, "title") ? "URL" : "title");
	if (out->n_postings == f->alloc) {
		size_t na = f->alloc ? f->alloc * 2 : 16;
		struct posting *np = realloc(out->postings, na * sizeof(*np));

		if (!np)
			return oom();
		out->postings = np;
		f->alloc = na;
	}
	p = &out->postings[out->n_postings];
	if ((rc = extract_jobposting(jp, f->url, &f->opts, f->extraction, out->warnings, p)))
		return rc;
	if (!p->title) {        /* markup or white space only */
		posting_release(p);
		return skip(f, "title");
	}
	for (size_t i = 0; i < out->n_postings; i++) {
		if (same(&out->postings[i], p)) {
			posting_release(p);
			return TJ_OK;
		}
	}
	out->n_postings++;
	*added = p;
	return TJ_OK;
}

/* An employment type code mapped by table, else read as a label. */
static const char *type_of(const char *code, const char *const (*tab)[2], size_t n)
{
	if (!code)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!strncasecmp(code, tab[i][0], strlen(tab[i][0])))
			return tab[i][1];
	return normalize_employment_type(code);
}

static enum tj_code set_remote(struct posting *p, const char *how)
{
	return how ? posting_set(&p->remote, how) : TJ_OK;
}

/* ------------------------------------------------------------------ */
/* Recruitee                                                           */

static enum tj_code recruitee_offer(struct feed *f, const json_t *o)
{
	static const char *const types[][2] = {
		{ "fulltime", "FULL_TIME" }, { "parttime", "PART_TIME" }, { "freelance", "CONTRACTOR" },
		{ "contract", "CONTRACTOR" }, { "internship", "INTERN" }, { "traineeship", "TEMPORARY" },
		{ "temporary", "TEMPORARY" }, { "volunteer", "VOLUNTEER" }, { "per_diem", "PER_DIEM" },
	};
	json_t *jp = json_object();
	const json_t *locs = json_object_get(o, "locations"), *sal = json_object_get(o, "salary");
	struct buf d, u;
	struct posting *p = NULL;
	const char *s;
	enum tj_code rc;

	buf_init(&d, HTML_MAX_INPUT);
	buf_init(&u, 4096);
	if (!jp) {
		rc = oom();
		goto out;
	}
	if ((rc = set_str(jp, "title", str(o, "title"))) || (rc = set_val(jp, "identifier", json_object_get(o, "id"))))
		goto out;
	if ((s = str(o, "careers_url"))) {
		rc = set_str(jp, "url", s);
	} else if ((s = str(o, "slug")) && f->origin) {
		if (buf_adds(&u, f->origin) || buf_adds(&u, "/o/") || buf_adds(&u, s))
			rc = oom();
		else
			rc = set_str(jp, "url", buf_str(&u));
	}
	if (rc)
		goto out;
	rc = add_section(&d, NULL, str(o, "description"));
	if (!rc)
		rc = add_section(&d, NULL, str(o, "requirements"));
	if ((rc = set_description(f, jp, &d, rc)))
		goto out;
	if ((s = str(o, "company_name"))) {
		json_t *org = sub(jp, "hiringOrganization");

		if (!org) {
			rc = oom();
			goto out;
		}
		if ((rc = set_str(org, "name", s)))
			goto out;
	}
	if (json_is_array(locs) && json_array_size(locs)) {
		size_t i;
		const json_t *l;

		json_array_foreach(locs, i, l)
			if ((rc = add_place(jp, str(l, "city"), str(l, "state"),
					    str(l, "country_code") ? str(l, "country_code") : str(l, "country"),
					    str(l, "name"))))
				goto out;
	} else if ((rc = add_place(jp, str(o, "city"), str(o, "state_name") ? str(o, "state_name")
				   : str(o, "state_code"), str(o, "country_code") ? str(o, "country_code")
				   : str(o, "country"), str(o, "location")))) {
		goto out;
	}
	if ((rc = set_str(jp, "employmentType", type_of(str(o, "employment_type_code"), types,
							sizeof(types) / sizeof(types[0])))) ||
	    (rc = set_str(jp, "datePosted", str(o, "published_at") ? str(o, "published_at")
			  : str(o, "created_at"))) ||
	    (rc = set_str(jp, "validThrough", str(o, "close_at"))) ||
	    (rc = set_hours(jp, json_object_get(o, "min_hours"), json_object_get(o, "max_hours"))))
		goto out;
	if (json_is_object(sal) &&
	    (rc = set_salary(jp, json_object_get(sal, "min"), json_object_get(sal, "max"),
			     str(sal, "currency"), period_of(str(sal, "period")))))
		goto out;
	if ((s = str(o, "education_code"))) {
		char cat[64];
		json_t *edu;
		size_t k;

		/* "bachelor_degree" is schema.org's credentialCategory "bachelor degree" */
		for (k = 0; s[k] && k + 1 < sizeof(cat); k++)
			cat[k] = s[k] == '_' ? ' ' : s[k];
		cat[k] = '\0';
		if (!(edu = sub(jp, "educationRequirements")) || (rc = set_str(edu, "credentialCategory", cat))) {
			rc = rc ? rc : oom();
			goto out;
		}
	}
	if ((rc = add(f, jp, &p)) || !p)
		goto out;
	rc = set_remote(p, json_is_true(json_object_get(o, "hybrid")) ? "hybrid"
			: json_is_true(json_object_get(o, "remote")) ? "remote"
			: json_is_true(json_object_get(o, "on_site")) ? "onsite" : NULL);
out:
	json_decref(jp);
	buf_release(&d);
	buf_release(&u);
	return rc;
}

static enum tj_code recruitee(struct feed *f, const json_t *doc)
{
	const json_t *offers = json_object_get(doc, "offers"), *o;
	size_t i;
	enum tj_code rc;

	if (!json_is_array(offers))
		return tj_error(TJ_EPARSE, "recruitee feed: expected an object with an \"offers\" array");
	json_array_foreach(offers, i, o) {
		f->entry = i + 1;
		if (!json_is_object(o)) {
			if ((rc = warn(f, "recruitee feed: entry %zu is not an object; skipped", i + 1)))
				return rc;
			continue;
		}
		if ((rc = recruitee_offer(f, o)))
			return rc;
	}
	return TJ_OK;
}

/* ------------------------------------------------------------------ */
/* Greenhouse                                                          */

static enum tj_code greenhouse_job(struct feed *f, const json_t *o)
{
	const json_t *offices = json_object_get(o, "offices"), *meta = json_object_get(o, "metadata"), *e;
	json_t *jp = json_object();
	struct posting *p = NULL;
	const char *s;
	size_t i;
	enum tj_code rc;

	if (!jp)
		return oom();
	if ((rc = set_str(jp, "title", str(o, "title"))) || (rc = set_str(jp, "url", str(o, "absolute_url"))) ||
	    (rc = set_val(jp, "identifier", json_object_get(o, "id"))) ||
	    (rc = set_str(jp, "description", str(o, "content"))) ||
	    (rc = set_str(jp, "datePosted", str(o, "first_published") ? str(o, "first_published")
			  : str(o, "updated_at"))) ||
	    (rc = add_place(jp, NULL, NULL, NULL, str(json_object_get(o, "location"), "name"))))
		goto out;
	json_array_foreach(offices, i, e)
		if ((rc = add_place(jp, NULL, NULL, NULL, str(e, "location") ? str(e, "location") : str(e, "name"))))
			goto out;
	if ((s = str(o, "company_name"))) {
		json_t *org = sub(jp, "hiringOrganization");

		if (!org) {
			rc = oom();
			goto out;
		}
		if ((rc = set_str(org, "name", s)))
			goto out;
	}
	/* custom fields: an employment type is often one */
	json_array_foreach(meta, i, e) {
		const char *name = str(e, "name"), *value = str(e, "value"), *et;

		if (!name || !value || json_object_get(jp, "employmentType"))
			continue;
		if (!strcasestr(name, "employment") && !strcasestr(name, "dienstverband") &&
		    !strcasestr(name, "contract") && !strcasestr(name, "job type") &&
		    !strcasestr(name, "commitment"))
			continue;
		if ((et = normalize_employment_type(value)) && (rc = set_str(jp, "employmentType", et)))
			goto out;
	}
	rc = add(f, jp, &p);
out:
	json_decref(jp);
	return rc;
}

static enum tj_code greenhouse(struct feed *f, const json_t *doc)
{
	const json_t *jobs = json_object_get(doc, "jobs"), *o;
	size_t i;
	enum tj_code rc;

	if (!json_is_array(jobs))
		return tj_error(TJ_EPARSE, "greenhouse feed: expected an object with a \"jobs\" array");
	json_array_foreach(jobs, i, o) {
		f->entry = i + 1;
		if (!json_is_object(o)) {
			if ((rc = warn(f, "greenhouse feed: entry %zu is not an object; skipped", i + 1)))
				return rc;
			continue;
		}
		if ((rc = greenhouse_job(f, o)))
			return rc;
	}
	return TJ_OK;
}

/* ------------------------------------------------------------------ */
/* Lever                                                               */

/* Lever states the country apart: attach it to the first location. */
static enum tj_code lever_country(json_t *jp, const char *country)
{
	json_t *locs = json_object_get(jp, "jobLocation"), *place;
	const char *town = json_string_value(json_array_get(locs, 0));

	if (!town || !utf8_ok(country, strlen(country)))
		return TJ_OK;
	place = json_pack("{s{ssss}}", "address", "addressLocality", town, "addressCountry", country);
	if (!place || json_array_set_new(locs, 0, place))
		return oom();
	return TJ_OK;
}

static enum tj_code lever_posting(struct feed *f, const json_t *o)
{
	const json_t *cat = json_object_get(o, "categories"), *lists = json_object_get(o, "lists"), *e;
	const json_t *all = json_object_get(cat, "allLocations"), *sal = json_object_get(o, "salaryRange");
	json_t *jp = json_object();
	struct posting *p = NULL;
	struct buf d;
	const char *s, *wt;
	char date[11];
	size_t i;
	enum tj_code rc = TJ_OK;

	buf_init(&d, HTML_MAX_INPUT);
	if (!jp) {
		rc = oom();
		goto out;
	}
	if ((rc = set_str(jp, "title", str(o, "text"))) || (rc = set_str(jp, "url", str(o, "hostedUrl"))) ||
	    (rc = set_val(jp, "identifier", json_object_get(o, "id"))))
		goto out;
	if (str(o, "description")) {
		rc = add_section(&d, NULL, str(o, "description"));
	} else if ((s = str(o, "descriptionPlain"))) {
		/* plain text: escape it so the HTML reader keeps it as text */
		for (; *s && !rc; s++)
			rc = *s == '<' ? buf_adds(&d, "&lt;") : *s == '&' ? buf_adds(&d, "&amp;")
			     : *s == '\n' ? buf_adds(&d, "<br>") : buf_addc(&d, *s);
		rc = rc ? TJ_ETOOBIG : TJ_OK;
	}
	json_array_foreach(lists, i, e) {
		if (rc)
			break;
		if (!str(e, "content"))
			continue;
		if ((str(e, "text") && (buf_adds(&d, "<h3>") || buf_adds(&d, str(e, "text")) ||
					 buf_adds(&d, "</h3>"))) ||
		    buf_adds(&d, "<ul>") || buf_adds(&d, str(e, "content")) || buf_adds(&d, "</ul>\n"))
			rc = TJ_ETOOBIG;
	}
	if (!rc)
		rc = add_section(&d, NULL, str(o, "additional"));
	if ((rc = set_description(f, jp, &d, rc)))
		goto out;
	if (json_is_array(all) && json_array_size(all)) {
		json_array_foreach(all, i, e)
			if ((rc = add_place(jp, NULL, NULL, NULL, json_string_value(e))))
				goto out;
	} else if ((rc = add_place(jp, NULL, NULL, NULL, str(cat, "location")))) {
		goto out;
	}
	if ((s = str(o, "country")) && (rc = lever_country(jp, s)))
		goto out;
	if ((s = str(cat, "commitment")) && (rc = set_str(jp, "employmentType", normalize_employment_type(s))))
		goto out;
	if (date_from_ms(json_object_get(o, "createdAt"), date) && (rc = set_str(jp, "datePosted", date)))
		goto out;
	if (json_is_object(sal) &&
	    (rc = set_salary(jp, json_object_get(sal, "min"), json_object_get(sal, "max"),
			     str(sal, "currency"), period_of(str(sal, "interval")))))
		goto out;
	if ((rc = add(f, jp, &p)) || !p)
		goto out;
	wt = str(o, "workplaceType");
	rc = set_remote(p, !wt ? NULL : !strcasecmp(wt, "remote") ? "remote" : !strcasecmp(wt, "hybrid")
			? "hybrid" : !strcasecmp(wt, "onsite") || !strcasecmp(wt, "on-site") ? "onsite" : NULL);
out:
	json_decref(jp);
	buf_release(&d);
	return rc;
}

static enum tj_code lever(struct feed *f, const json_t *doc)
{
	const json_t *o;
	size_t i;
	enum tj_code rc;

	if (!json_is_array(doc))
		return tj_error(TJ_EPARSE, "lever feed: expected an array of postings%s",
				json_object_get(doc, "ok") ? " (the API answered with an error object)" : "");
	json_array_foreach(doc, i, o) {
		f->entry = i + 1;
		if (!json_is_object(o)) {
			if ((rc = warn(f, "lever feed: entry %zu is not an object; skipped", i + 1)))
				return rc;
			continue;
		}
		if ((rc = lever_posting(f, o)))
			return rc;
	}
	return TJ_OK;
}

/* ------------------------------------------------------------------ */
/* SmartRecruiters                                                     */

static enum tj_code smartrecruiters_posting(struct feed *f, const json_t *o)
{
	static const char *const sections[] = {
		"companyDescription", "jobDescription", "qualifications", "additionalInformation",
	};
	const json_t *loc = json_object_get(o, "location"), *company = json_object_get(o, "company");
	const json_t *secs = json_object_get(json_object_get(o, "jobAd"), "sections");
	json_t *jp = json_object();
	struct posting *p = NULL;
	struct buf d, u;
	const char *s, *cid;
	enum tj_code rc = TJ_OK;

	buf_init(&d, HTML_MAX_INPUT);
	buf_init(&u, 4096);
	if (!jp) {
		rc = oom();
		goto out;
	}
	if ((rc = set_str(jp, "title", str(o, "name"))) ||
	    (rc = set_val(jp, "identifier", json_object_get(o, "id"))))
		goto out;
	cid = str(company, "identifier") ? str(company, "identifier") : feed_company(f->r);
	if ((s = str(o, "postingUrl"))) {
		rc = set_str(jp, "url", s);
	} else if (cid && (s = str(o, "id"))) {
		if (buf_adds(&u, "https://jobs.smartrecruiters.com/") || buf_adds(&u, cid) ||
		    buf_addc(&u, '/') || buf_adds(&u, s))
			rc = oom();
		else
			rc = set_str(jp, "url", buf_str(&u));
	}
	if (rc)
		goto out;
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]) && !rc; i++) {
		const json_t *sec = json_object_get(secs, sections[i]);

		rc = add_section(&d, str(sec, "title"), str(sec, "text"));
	}
	if ((rc = set_description(f, jp, &d, rc)))
		goto out;
	if ((s = str(company, "name"))) {
		json_t *org = sub(jp, "hiringOrganization");

		if (!org) {
			rc = oom();
			goto out;
		}
		if ((rc = set_str(org, "name", s)))
			goto out;
	}
	if ((rc = add_place(jp, str(loc, "city"), str(loc, "region"), str(loc, "country"),
			    str(loc, "fullLocation"))) ||
	    (rc = set_str(jp, "datePosted", str(o, "releasedDate"))))
		goto out;
	if ((s = str(json_object_get(o, "typeOfEmployment"), "label")) &&
	    (rc = set_str(jp, "employmentType", normalize_employment_type(s))))
		goto out;
	if ((rc = add(f, jp, &p)) || !p)
		goto out;
	if (json_is_boolean(json_object_get(loc, "remote")))
		rc = set_remote(p, json_is_true(json_object_get(loc, "remote")) ? "remote" : NULL);
out:
	json_decref(jp);
	buf_release(&d);
	buf_release(&u);
	return rc;
}

static enum tj_code smartrecruiters(struct feed *f, const json_t *doc)
{
	const json_t *content = json_object_get(doc, "content"), *o;
	size_t i;
	enum tj_code rc;

	if (json_is_object(doc) && json_object_get(doc, "jobAd") && !content) {
		f->entry = 1;
		return smartrecruiters_posting(f, doc);        /* one posting's detail */
	}
	if (!json_is_array(content))
		return tj_error(TJ_EPARSE, "smartrecruiters feed: expected an object with a \"content\" array");
	json_array_foreach(content, i, o) {
		f->entry = i + 1;
		if (!json_is_object(o)) {
			if ((rc = warn(f, "smartrecruiters feed: entry %zu is not an object; skipped", i + 1)))
				return rc;
			continue;
		}
		if ((rc = smartrecruiters_posting(f, o)))
			return rc;
	}
	return TJ_OK;
}

/* ------------------------------------------------------------------ */
/* Personio (XML)                                                      */

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_init(void)
{
	xmlInitParser();
}

static bool is_elem(const xmlNode *n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

static const xmlNode *child(const xmlNode *n, const char *name)
{
	for (const xmlNode *c = n ? n->children : NULL; c; c = c->next)
		if (is_elem(c, name))
			return c;
	return NULL;
}

/*
 * The text of an element: its text and CDATA descendants, in order, never
 * through an entity reference.  Malloc'd, trimmed; NULL when empty or on
 * OOM (*rc set).
 */
static char *xml_text(const xmlNode *n, enum tj_code *rc)
{
	const xmlNode *stack[XML_MAX_TEXT_DEPTH];
	size_t depth = 0;
	struct buf b;
	const char *s, *e;
	char *t;

	if (!n)
		return NULL;
	buf_init(&b, HTML_MAX_INPUT);
	stack[depth++] = n->children;
	while (depth) {
		const xmlNode *c = stack[depth - 1];

		if (!c) {
			depth--;
			continue;
		}
		stack[depth - 1] = c->next;
		if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content) {
			if (buf_adds(&b, (const char *)c->content) == TJ_ENOMEM) {
				*rc = oom();
				buf_release(&b);
				return NULL;
			}
		} else if (c->type == XML_ELEMENT_NODE && depth < XML_MAX_TEXT_DEPTH) {
			stack[depth++] = c->children;
		}
	}
	s = buf_str(&b);
	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	t = e > s ? strndup(s, (size_t)(e - s)) : NULL;
	if (e > s && !t)
		*rc = oom();
	buf_release(&b);
	return t;
}

static const char *personio_type(const char *employment, const char *schedule)
{
	static const char *const kinds[][2] = {
		{ "intern", "INTERN" }, { "trainee", "TEMPORARY" }, { "freelance", "CONTRACTOR" },
		{ "temporary", "TEMPORARY" }, { "working_student", "PART_TIME" },
	};

	for (size_t i = 0; employment && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcasecmp(employment, kinds[i][0]))
			return kinds[i][1];
	if (schedule && !strncasecmp(schedule, "full", 4))
		return "FULL_TIME";     /* "full-time", "full-or-part-time" */
	if (schedule && !strncasecmp(schedule, "part", 4))
		return "PART_TIME";
	if (employment && !strcasecmp(employment, "permanent"))
		return "FULL_TIME";     /* normalize.h: "vast" reads as FULL_TIME */
	return NULL;
}

static enum tj_code personio_position(struct feed *f, const xmlNode *pos)
{
	static const char *const fields[] = {
		"id", "subcompany", "office", "name", "employmentType", "schedule", "createdAt",
	};
	enum { ID, SUBCOMPANY, OFFICE, NAME, EMPLOYMENT, SCHEDULE, CREATED, N_FIELDS };
	char *v[N_FIELDS] = { 0 };
	json_t *jp = json_object();
	struct posting *p = NULL;
	struct buf d, u;
	enum tj_code rc = TJ_OK;
	const xmlNode *c;

	buf_init(&d, HTML_MAX_INPUT);
	buf_init(&u, 4096);
	if (!jp) {
		rc = oom();
		goto out;
	}
	for (int i = 0; i < N_FIELDS && !rc; i++)
		v[i] = xml_text(child(pos, fields[i]), &rc);
	if (rc)
		goto out;
	if ((rc = set_str(jp, "title", v[NAME])) || (rc = set_str(jp, "identifier", v[ID])))
		goto out;
	if (v[ID] && f->origin) {
		if (buf_adds(&u, f->origin) || buf_adds(&u, "/job/") || buf_adds(&u, v[ID]))
			rc = oom();
		else
			rc = set_str(jp, "url", buf_str(&u));
		if (rc)
			goto out;
	}
	if (v[SUBCOMPANY]) {
		json_t *org = sub(jp, "hiringOrganization");

		if (!org || (rc = set_str(org, "name", v[SUBCOMPANY]))) {
			rc = rc ? rc : oom();
			goto out;
		}
	}
	if ((rc = add_place(jp, v[OFFICE], NULL, NULL, NULL)))
		goto out;
	for (c = child(child(pos, "additionalOffices"), "office"); c && !rc; c = c->next) {
		char *o;

		if (!is_elem(c, "office"))
			continue;
		if ((o = xml_text(c, &rc)))
			rc = add_place(jp, o, NULL, NULL, NULL);
		free(o);
	}
	if (rc)
		goto out;
	for (c = child(child(pos, "jobDescriptions"), "jobDescription"); c && !rc; c = c->next) {
		char *name, *value;

		if (!is_elem(c, "jobDescription"))
			continue;
		name = xml_text(child(c, "name"), &rc);
		value = rc ? NULL : xml_text(child(c, "value"), &rc);
		if (!rc)
			rc = add_section(&d, name, value);
		free(name);
		free(value);
	}
	if (rc != TJ_ENOMEM && (rc = set_description(f, jp, &d, rc)))
		goto out;
	if (rc)
		goto out;
	if ((rc = set_str(jp, "employmentType", personio_type(v[EMPLOYMENT], v[SCHEDULE]))) ||
	    (rc = set_str(jp, "datePosted", v[CREATED])))
		goto out;
	rc = add(f, jp, &p);
out:
	for (int i = 0; i < N_FIELDS; i++)
		free(v[i]);
	json_decref(jp);
	buf_release(&d);
	buf_release(&u);
	return rc;
}

static enum tj_code personio(struct feed *f, const char *body, size_t len)
{
	xmlParserCtxtPtr ctxt;
	xmlDocPtr doc;
	const xmlNode *root;
	enum tj_code rc = TJ_OK;

	pthread_once(&xml_once, xml_init);
	if (len > (size_t)0x7fffffff)
		return tj_error(TJ_ETOOBIG, "personio feed: too large");
	if (!(ctxt = xmlNewParserCtxt()))
		return oom();
	doc = xmlCtxtReadMemory(ctxt, body, (int)len, f->url, NULL,
				XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOERROR |
				XML_PARSE_NOWARNING | XML_PARSE_NOBLANKS);
	if (!doc) {
		const xmlError *e = xmlCtxtGetLastError(ctxt);
		char msg[256] = "not an XML document";

		if (e && e->message) {
			size_t n;

			snprintf(msg, sizeof(msg), "%s", e->message);
			n = strlen(msg);
			while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
				msg[--n] = '\0';
		}
		rc = tj_error(TJ_EPARSE, "personio feed: line %d: %s", e ? e->line : 0, msg);
		xmlFreeParserCtxt(ctxt);
		return rc;
	}
	root = xmlDocGetRootElement(doc);
	if (!is_elem(root, "workzag-jobs")) {
		rc = tj_error(TJ_EPARSE, "personio feed: root element is <%s>, expected <workzag-jobs>",
			      root ? (const char *)root->name : "(none)");
		goto out;
	}
	f->entry = 0;
	for (const xmlNode *c = root->children; c && !rc; c = c->next) {
		if (!is_elem(c, "position"))
			continue;
		f->entry++;
		rc = personio_position(f, c);
	}
out:
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Entry point                                                         */

enum tj_code feed_extract(const struct rule *r, const char *body, size_t len, const char *feed_url,
			  struct page_result *out)
{
	struct feed f;
	json_t *doc = NULL;
	char *norm = NULL;
	enum tj_code rc = TJ_OK;

	memset(out, 0, sizeof(*out));
	memset(&f, 0, sizeof(f));
	if (!(out->warnings = json_array()))
		return oom();
	f.ats = ats_of(r);
	if (f.ats < 0)
		return tj_error(TJ_EINVAL, "'%s' is not an ATS feed rule (strategy '%s')",
				r && r->id ? r->id : "(null)", r && r->strategy ? r->strategy : "(none)");
	if (!feed_url || !(norm = url_normalize(feed_url)))
		return tj_error(TJ_EINVAL, "%s feed: '%s' is not an http(s) URL", ats_info[f.ats].name,
				feed_url ? feed_url : "(null)");
	free(norm);
	if (len > FEED_MAX_BYTES)
		return tj_error(TJ_ETOOBIG, "%s feed: %zu bytes; at most %zu are read", ats_info[f.ats].name,
				len, FEED_MAX_BYTES);
	f.r = r;
	f.url = feed_url;
	f.out = out;
	f.origin = url_origin(feed_url);
	f.opts.default_employer = r->employer;
	f.opts.source_id = r->id;
	f.opts.rule = r;
	snprintf(f.extraction, sizeof(f.extraction), "feed:%s", ats_info[f.ats].name);
	if (!body)
		body = "";
	if (ats_info[f.ats].xml) {
		rc = personio(&f, body, len);
	} else {
		json_error_t je;

		if (!(doc = json_loadb(body, len, 0, &je))) {
			rc = json_error_code(&je) == json_error_out_of_memory ? oom()
			     : tj_error(TJ_EPARSE, "%s feed: line %d column %d: %s", ats_info[f.ats].name,
					je.line, je.column, je.text);
			goto out;
		}
		switch (f.ats) {
		case ATS_RECRUITEE: rc = recruitee(&f, doc); break;
		case ATS_GREENHOUSE: rc = greenhouse(&f, doc); break;
		case ATS_LEVER: rc = lever(&f, doc); break;
		case ATS_SMARTRECRUITERS: rc = smartrecruiters(&f, doc); break;
		default: rc = tj_error(TJ_EINVAL, "no reader for '%s'", ats_info[f.ats].name); break;
		}
	}
	if (!rc && f.skipped > MAX_SKIP_WARNINGS)
		rc = warn(&f, "%s feed: %zu entries in all were skipped", ats_info[f.ats].name, f.skipped);
out:
	json_decref(doc);
	free(f.origin);
	return rc;
}
