/*
 * extract.c - schema.org JobPosting from JSON-LD and microdata, and the
 * page's links, in one gumbo parse (see extract.h).
 *
 * How it works.  One walk over the tree collects the raw material: the
 * first <base href>, every <a>/<area> href and <link rel=next>, every
 * ld+json <script>, every JobPosting itemscope.  Links are then resolved
 * against the base and deduplicated with a hash set.  Each JSON-LD block
 * is cleaned (BOM, comment/CDATA wrappers, invalid UTF-8 repaired),
 * depth-checked, parsed with jansson and searched for JobPosting objects.
 * A microdata item is first turned into the JSON-LD shape it describes
 * ({"@type": "JobPosting", "hiringOrganization": {"name": ...}}), so both
 * formats share one field mapper and cannot drift apart.
 *
 * Decisions.
 *  - jansson is called without JSON_DECODE_ANY: a scalar at the top of a
 *    block carries no JobPosting, and its default rejects it with a usable
 *    message.  JSON_DISABLE_EOF_CHECK lets us read several values written
 *    back to back in one block ("{...}{...}" or "{...};"), which real CMS
 *    templates produce.
 *  - jansson limits nesting to 2048 by recursion; we refuse blocks nested
 *    deeper than 64 with a linear pre-scan before parsing, so neither the
 *    parser nor our own recursive search can be driven deep.
 *  - Invalid UTF-8 is repaired (U+FFFD) before jansson sees it instead of
 *    losing the block: gumbo already does this for text nodes, but the
 *    repair keeps us independent of that detail.
 *  - TELECOMMUTE with a jobLocation is "hybrid": Google's JobPosting
 *    guidelines use that combination for "work from home or this office".
 *
 * References: schema.org JobPosting, JSON-LD 1.1 (@graph, @type arrays),
 * WHATWG HTML "Microdata" (property values), Google Search Central
 * "Job posting structured data".
 *
 * Limits: EXTRACT_MAX_POSTINGS per page, EXTRACT_MAX_JSONLD bytes and
 * EXTRACT_MAX_JSON_DEPTH per block, opts->max_links links, microdata items
 * nested at most MD_MAX_DEPTH deep, html_parse()'s limits for the page.
 */
#include "extract.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "feeds.h"
#include "html.h"
#include "normalize.h"
#include "paths.h"
#include "rules.h"
#include "select.h"
#include "url.h"

#define MD_MAX_DEPTH 8
#define MAX_VALUES_PER_BLOCK 32
#define MAX_PAGE_FILE ((size_t)32 << 20)

/* ---- small containers ---- */

struct ptrvec {
	const void **v;
	size_t n, alloc;
};

static enum tj_code ptrvec_push(struct ptrvec *pv, const void *p)
{
	if (pv->n == pv->alloc) {
		size_t na = pv->alloc ? pv->alloc * 2 : 16;
		const void **nv = realloc(pv->v, na * sizeof(*nv));

		if (!nv)
			return tj_error(TJ_ENOMEM, "out of memory collecting page elements");
		pv->v = nv;
		pv->alloc = na;
	}
	pv->v[pv->n++] = p;
	return TJ_OK;
}

static void ptrvec_release(struct ptrvec *pv)
{
	free(pv->v);
	memset(pv, 0, sizeof(*pv));
}

/* A set of strings it does not own (open addressing, FNV-1a). */
struct strset {
	const char **slot;
	size_t cap, n;
};

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* Add s unless present: 1 added, 0 present, -1 OOM. */
static int strset_add(struct strset *set, const char *s)
{
	size_t i;

	if ((set->n + 1) * 2 > set->cap) {
		size_t nc = set->cap ? set->cap * 2 : 64;
		const char **ns = calloc(nc, sizeof(*ns));

		if (!ns)
			return -1;
		for (size_t k = 0; k < set->cap; k++) {
			if (!set->slot[k])
				continue;
			for (i = fnv1a(set->slot[k]) & (nc - 1); ns[i]; i = (i + 1) & (nc - 1))
				;
			ns[i] = set->slot[k];
		}
		free(set->slot);
		set->slot = ns;
		set->cap = nc;
	}
	for (i = fnv1a(s) & (set->cap - 1); set->slot[i]; i = (i + 1) & (set->cap - 1))
		if (!strcmp(set->slot[i], s))
			return 0;
	set->slot[i] = s;
	set->n++;
	return 1;
}

static void strset_release(struct strset *set)
{
	free(set->slot);
	memset(set, 0, sizeof(*set));
}

/* ---- the page walk ---- */

struct scan {
	const char *base_href;
	struct ptrvec hrefs;    /* const char * borrowed from the tree */
	struct ptrvec scripts;  /* const GumboNode * */
	struct ptrvec items;    /* const GumboNode * */
	unsigned flags;
	enum tj_code rc;
};

/* Does the space-separated token list have tok (case-insensitive)? */
static bool has_token(const char *list, const char *tok)
{
	size_t tl = strlen(tok);

	while (list && *list) {
		size_t n;

		while (isspace((unsigned char)*list))
			list++;
		n = strcspn(list, " \t\r\n\f");
		if (n == tl && !strncasecmp(list, tok, n))
			return true;
		list += n;
	}
	return false;
}

/* Is a schema.org type name (possibly a URL or "schema:X") equal to want? */
static bool type_name_is(const char *t, size_t n, const char *want)
{
	size_t wl = strlen(want), i = n;

	while (i && t[i - 1] != '/' && t[i - 1] != '#' && t[i - 1] != ':')
		i--;
	return n - i == wl && !strncasecmp(t + i, want, wl);
}

static bool itemtype_has(const char *itemtype, const char *want)
{
	while (itemtype && *itemtype) {
		size_t n;

		while (isspace((unsigned char)*itemtype))
			itemtype++;
		n = strcspn(itemtype, " \t\r\n\f");
		if (n && type_name_is(itemtype, n, want))
			return true;
		itemtype += n;
	}
	return false;
}

static bool is_ldjson_type(const char *type)
{
	static const char want[] = "application/ld+json";

	if (!type)
		return false;
	while (isspace((unsigned char)*type))
		type++;
	if (strncasecmp(type, want, sizeof(want) - 1))
		return false;
	type += sizeof(want) - 1;
	while (isspace((unsigned char)*type))
		type++;
	return *type == '\0' || *type == ';';
}

static enum html_walk_action scan_enter(const GumboNode *n, void *ctx)
{
	struct scan *s = ctx;
	const char *v;

	if (s->rc)
		return HTML_WALK_STOP;
	if (n->type != GUMBO_NODE_ELEMENT)
		return n->type == GUMBO_NODE_DOCUMENT ? HTML_WALK_CONTINUE : HTML_WALK_SKIP;
	switch (n->v.element.tag) {
	case GUMBO_TAG_A:
	case GUMBO_TAG_AREA:
		if ((s->flags & EXTRACT_LINKS) && (v = html_attr(n, "href")))
			s->rc = ptrvec_push(&s->hrefs, v);
		break;
	case GUMBO_TAG_LINK:
		if ((s->flags & EXTRACT_LINKS) && has_token(html_attr(n, "rel"), "next") &&
		    (v = html_attr(n, "href")))
			s->rc = ptrvec_push(&s->hrefs, v);
		break;
	case GUMBO_TAG_BASE:
		if (!s->base_href)
			s->base_href = html_attr(n, "href");
		break;
	case GUMBO_TAG_SCRIPT:
		if ((s->flags & EXTRACT_JSONLD) && is_ldjson_type(html_attr(n, "type")))
			s->rc = ptrvec_push(&s->scripts, n);
		return HTML_WALK_SKIP;
	default:
		break;
	}
	if ((s->flags & EXTRACT_MICRODATA) && html_attr(n, "itemscope") &&
	    itemtype_has(html_attr(n, "itemtype"), "JobPosting"))
		s->rc = ptrvec_push(&s->items, n);
	return HTML_WALK_CONTINUE;
}

/* ---- result building ---- */

struct ctx {
	const struct extract_opts *opts;
	const char *page;       /* canonical page URL */
	const char *base;       /* canonical document base URL */
	struct page_result *out;
	size_t alloc;
	bool capped;
};

static enum tj_code warn(struct page_result *out, const char *fmt, ...) TJ_PRINTF(2, 3);

static enum tj_code warn(struct page_result *out, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	json_t *s;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	s = json_string(msg);
	if (!s)         /* a message with invalid UTF-8 from the page */
		s = json_string("warning with invalid UTF-8 text");
	if (!s || json_array_append_new(out->warnings, s))
		return tj_error(TJ_ENOMEM, "out of memory recording a warning");
	return TJ_OK;
}

/* A string value: a string, the first string of an array, or {"@value": s}. */
static const char *jstr(const json_t *v)
{
	if (json_is_array(v))
		v = json_array_get(v, 0);
	if (json_is_object(v))
		v = json_object_get(v, "@value");
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static const json_t *jget(const json_t *o, const char *key)
{
	return json_is_object(o) ? json_object_get(o, key) : NULL;
}

/* An object value: the object, or the first object of an array. */
static const json_t *jobj(const json_t *v)
{
	if (json_is_array(v)) {
		size_t i;
		const json_t *e;

		json_array_foreach(v, i, e)
			if (json_is_object(e))
				return e;
		return NULL;
	}
	return json_is_object(v) ? v : NULL;
}

static bool json_type_is(const json_t *o, const char *want)
{
	const json_t *t = jget(o, "@type");
	size_t i;
	const json_t *e;

	if (json_is_string(t))
		return type_name_is(json_string_value(t), json_string_length(t), want);
	json_array_foreach(t, i, e)
		if (json_is_string(e) && type_name_is(json_string_value(e), json_string_length(e), want))
			return true;
	return false;
}

/*
 * A one-line text value: entities decoded and tags stripped when it has
 * any, whitespace collapsed.  NULL when empty.  *rc set on OOM.
 */
static char *clean_inline(const char *s, enum tj_code *rc)
{
	char *t, *w;
	const char *r;
	bool sp = false;

	if (!s)
		return NULL;
	if (!strpbrk(s, "&<")) {
		t = strdup(s);
		if (!t)
			*rc = tj_error(TJ_ENOMEM, "out of memory cleaning text");
	} else if ((*rc = html_fragment_text(s, strlen(s), &t)) == TJ_ETOOBIG) {
		*rc = TJ_OK;    /* markup too hostile to be a title: no value */
	}
	if (!t)
		return NULL;
	for (r = t, w = t; *r; r++) {
		if (isspace((unsigned char)*r)) {
			sp = w != t;
			continue;
		}
		if (sp)
			*w++ = ' ';
		sp = false;
		*w++ = *r;
	}
	*w = '\0';
	if (!*t) {
		free(t);
		return NULL;
	}
	return t;
}

/* Set *field from a one-line text value (only when it has text). */
static enum tj_code set_inline(char **field, const char *s)
{
	enum tj_code rc = TJ_OK;
	char *t = clean_inline(s, &rc);

	if (t)
		posting_take(field, t);
	return rc;
}

/* A positive finite number from a number or a string like "3.500" or "€ 18,50". */
static double jnum(const json_t *v)
{
	double d = NAN;

	if (json_is_array(v))
		v = json_array_get(v, 0);
	if (json_is_number(v)) {
		d = json_number_value(v);
	} else if (json_is_string(v)) {
		const char *s = json_string_value(v);

		while (*s && !isdigit((unsigned char)*s))
			s++;
		d = normalize_amount(s, NULL);
	}
	return isfinite(d) && d > 0 ? d : NAN;
}

/*
 * A value that may be a range written as text ("3.500 - 4.800", "3500 tot
 * 4800"): *lo and *hi, equal for a single amount, NAN when none.
 */
static void jrange(const json_t *v, double *lo, double *hi)
{
	const char *s, *e;
	double a, b;

	*lo = *hi = jnum(v);
	if (json_is_array(v))
		v = json_array_get(v, 0);
	if (!json_is_string(v))
		return;
	s = json_string_value(v);
	while (*s && !isdigit((unsigned char)*s))
		s++;
	a = normalize_amount(s, &e);
	if (isnan(a))
		return;
	/* a separator, then (after any currency sign) a second amount */
	while (*e == ' ' || *e == '-' || !strncmp(e, "\xe2\x80\x93", 3) || !strncasecmp(e, "tot", 3) ||
	       !strncasecmp(e, "to", 2) || !strncasecmp(e, "bis", 3) || !strncmp(e, "\xe2\x82\xac", 3) ||
	       !strncasecmp(e, "eur", 3)) {
		if (*e == ' ' || *e == '-')
			e++;
		else if (!strncasecmp(e, "tot", 3) || !strncasecmp(e, "bis", 3) || !strncasecmp(e, "eur", 3) ||
			 (unsigned char)*e == 0xe2)
			e += 3;
		else
			e += 2;
	}
	b = normalize_amount(e, NULL);
	if (isfinite(b) && b > 0 && e != s) {
		*lo = a < b ? a : b;
		*hi = a < b ? b : a;
	}
}

static enum tj_code map_identifier(struct posting *p, const json_t *v)
{
	char num[64];

	if (json_is_array(v))
		v = json_array_get(v, 0);
	if (json_is_object(v))
		v = json_object_get(v, "value") ? json_object_get(v, "value") : json_object_get(v, "@value");
	if (json_is_integer(v)) {
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return posting_set(&p->ext_id, num);
	}
	if (json_is_real(v)) {
		snprintf(num, sizeof(num), "%.15g", json_real_value(v));
		return posting_set(&p->ext_id, num);
	}
	return set_inline(&p->ext_id, jstr(v));
}

/* Append piece to a "; "-joined list unless it is already there. */
static enum tj_code add_piece(struct buf *list, const char *piece)
{
	const char *s = buf_str(list);
	size_t n = strlen(piece);

	for (const char *p = s; (p = strstr(p, piece)); p += n)
		if ((p == s || p[-1] == ' ') && (p[n] == '\0' || p[n] == ';'))
			return TJ_OK;
	if ((list->len && buf_adds(list, "; ")) || buf_adds(list, piece))
		return tj_error(TJ_ENOMEM, "out of memory joining locations");
	return TJ_OK;
}

static const char *country_text(const json_t *v)
{
	const char *s = jstr(v);

	if (!s)
		s = jstr(jget(jobj(v), "name"));
	if (!s)
		s = jstr(jget(jobj(v), "identifier"));
	return s;
}

/* jobLocation: Place(s) with a PostalAddress or a text address, or text. */
static enum tj_code map_location(struct posting *p, const json_t *loc)
{
	struct buf raw;
	enum tj_code rc = TJ_OK;
	size_t n = json_is_array(loc) ? json_array_size(loc) : loc ? 1 : 0;
	bool first = true;

	buf_init(&raw, 64 << 10);
	for (size_t i = 0; i < n && i < 100 && !rc; i++) {
		const json_t *place = json_is_array(loc) ? json_array_get(loc, i) : loc;
		const json_t *addr = jget(place, "address");
		const char *town = NULL, *text = NULL;
		char *piece;

		if (json_is_string(place))
			text = json_string_value(place);
		else if (json_is_string(addr) || json_is_array(addr))
			text = jstr(addr);
		else if (json_is_object(addr))
			town = jstr(jget(addr, "addressLocality"));
		if (!town && !text && !addr)
			text = jstr(jget(place, "name"));
		piece = clean_inline(town ? town : text, &rc);
		if (!piece)
			continue;
		if (first) {
			posting_take(&p->location, piece);
			piece = NULL;
			if (json_is_object(addr)) {
				if ((rc = set_inline(&p->region, jstr(jget(addr, "addressRegion")))) ||
				    (rc = set_inline(&p->country, country_text(jget(addr, "addressCountry")))))
					break;
			}
			first = false;
		}
		rc = add_piece(&raw, piece ? piece : p->location);
		free(piece);
	}
	if (!rc && raw.len)
		posting_take(&p->location_raw, buf_detach(&raw, NULL));
	buf_release(&raw);
	return rc;
}

static int edu_rank(const char *e)
{
	static const char *const order[] = { "mbo", "hbo", "wo", "phd" };

	for (int i = 0; e && i < 4; i++)
		if (!strcmp(e, order[i]))
			return i;
	return 99;
}

/* educationRequirements: text, credential(s), or a list; the lowest level. */
static const char *map_education(const json_t *v)
{
	static const char *const cat[][2] = {
		{ "associate degree", "hbo" }, { "bachelor degree", "hbo" },
		{ "professional certificate", "mbo" }, { "postgraduate degree", "wo" },
		{ "master degree", "wo" }, { "doctoral degree", "phd" }, { "doctorate", "phd" },
	};
	const char *best = NULL;
	size_t n = json_is_array(v) ? json_array_size(v) : 1;

	for (size_t i = 0; i < n && i < 20; i++) {
		const json_t *e = json_is_array(v) ? json_array_get(v, i) : v;
		const char *got = NULL, *s = jstr(e);

		if (!s && json_is_object(e)) {
			const char *c = jstr(jget(e, "credentialCategory"));

			for (size_t k = 0; c && k < sizeof(cat) / sizeof(cat[0]) && !got; k++)
				if (!strcasecmp(c, cat[k][0]))
					got = cat[k][1];
			s = got ? NULL : c ? c : jstr(jget(e, "name"));
		}
		if (!got && s)
			got = normalize_education(s);
		if (got && edu_rank(got) < edu_rank(best))
			best = got;
	}
	return best;
}

static enum tj_code map_salary(struct posting *p, const json_t *bs)
{
	const json_t *val;
	const char *cur = NULL, *unit = NULL;
	double min = NAN, max = NAN;
	struct salary s;        /* cur and unit may point into it */
	enum tj_code rc;

	if (json_is_array(bs))
		bs = json_array_get(bs, 0);
	if (!bs)
		return TJ_OK;
	if (json_is_string(bs)) {
		const char *text = json_string_value(bs);

		if (normalize_salary(text, &s)) {
			min = s.min;
			max = s.max;
			cur = s.currency[0] ? s.currency : NULL;
			unit = s.period[0] ? s.period : NULL;
		} else {
			jrange(bs, &min, &max);
		}
		if ((rc = set_inline(&p->salary_text, text)))
			return rc;
	} else if (json_is_number(bs)) {
		min = max = jnum(bs);
	} else if (json_is_object(bs)) {
		cur = jstr(jget(bs, "currency"));
		unit = jstr(jget(bs, "unitText"));
		val = jget(bs, "value");
		if (json_is_array(val))
			val = json_array_get(val, 0);
		if (json_is_object(val)) {
			min = jnum(jget(val, "minValue"));
			max = jnum(jget(val, "maxValue"));
			if (isnan(min) && isnan(max))
				jrange(jget(val, "value"), &min, &max);
			if (jstr(jget(val, "unitText")))
				unit = jstr(jget(val, "unitText"));
			if (!cur)
				cur = jstr(jget(val, "currency"));
		} else {
			jrange(val, &min, &max);
		}
		if (isnan(min) && isnan(max)) {
			min = jnum(jget(bs, "minValue"));
			max = jnum(jget(bs, "maxValue"));
		}
	}
	if (isnan(min) && isnan(max))
		return TJ_OK;
	if (!isnan(min) && !isnan(max) && min > max) {
		double t = min;

		min = max;
		max = t;
	}
	p->salary_min = min;
	p->salary_max = max;
	if (cur) {
		char code[4] = "";

		if (!strcmp(cur, "\xe2\x82\xac"))
			cur = "EUR";
		if (strlen(cur) == 3) {
			for (int i = 0; i < 3; i++)
				code[i] = (char)toupper((unsigned char)cur[i]);
			if ((rc = posting_set(&p->salary_currency, code)))
				return rc;
		}
	}
	if (unit && (rc = posting_set(&p->salary_period, normalize_period(unit))))
		return rc;
	return posting_set(&p->salary_source, "structured");
}

static enum tj_code map_hours(struct posting *p, const json_t *v)
{
	const char *s = jstr(v);
	double a, b;

	if (json_is_number(v)) {
		a = b = json_number_value(v);
	} else if (!s) {
		return TJ_OK;
	} else if (!normalize_hours(s, &a, &b)) {
		/* "24 uur", a bare "32-40" or "40": read it as hours per week */
		char tmp[128];

		snprintf(tmp, sizeof(tmp), "%.100s per week", s);
		if (!normalize_hours(tmp, &a, &b)) {
			snprintf(tmp, sizeof(tmp), "%.100s uur per week", s);
			if (!normalize_hours(tmp, &a, &b))
				return TJ_OK;
		}
	}
	if (!(a >= 1 && b <= 80 && a <= b))
		return TJ_OK;
	p->hours_min = a;
	p->hours_max = b;
	return TJ_OK;
}

static enum tj_code map_date(char **field, const json_t *v)
{
	char d[11];
	const char *s = jstr(v);

	if (s && normalize_date(s, d))
		return posting_set(field, d);
	return TJ_OK;
}

static bool has_telecommute(const json_t *v)
{
	size_t n = json_is_array(v) ? json_array_size(v) : 1;

	for (size_t i = 0; i < n && i < 20; i++) {
		const char *s = jstr(json_is_array(v) ? json_array_get(v, i) : v);

		if (s && strcasestr(s, "TELECOMMUTE"))
			return true;
	}
	return false;
}

/* Map one JobPosting object (JSON-LD, or microdata in that shape) into p. */
static enum tj_code map_posting(const struct ctx *c, const json_t *o, struct posting *p,
				const char *extraction)
{
	const json_t *org = jget(o, "hiringOrganization");
	const json_t *loc = jget(o, "jobLocation");
	const json_t *alr = jget(o, "applicantLocationRequirements");
	const char *s, *et, *edu;
	enum tj_code rc;
	char *u = NULL;

	if ((rc = set_inline(&p->title, jstr(jget(o, "title")))) ||
	    (!p->title && (rc = set_inline(&p->title, jstr(jget(o, "name"))))))
		return rc;
	s = jstr(jget(o, "description"));
	if (s && *s) {
		char *d = NULL;

		rc = html_fragment_text(s, strlen(s), &d);
		if (rc == TJ_ETOOBIG)
			rc = warn(c->out, "description of '%.200s': %s; left out",
				  p->title ? p->title : "a posting", tj_errmsg());
		if (rc)
			return rc;
		if (d && *d)
			posting_take(&p->description, d);
		else
			free(d);
	}
	s = jstr(jget(o, "url"));
	if (s)
		u = url_resolve_canonical(c->base, s);
	if ((rc = posting_set(&p->url, u ? u : c->page)))
		goto out;
	if ((rc = map_identifier(p, jget(o, "identifier"))))
		goto out;
	s = json_is_string(org) || json_is_array(org) ? jstr(org) : jstr(jget(jobj(org), "name"));
	if ((rc = set_inline(&p->employer, s)))
		goto out;
	if (!p->employer && c->opts->default_employer &&
	    (rc = posting_set(&p->employer, c->opts->default_employer)))
		goto out;
	if ((rc = map_location(p, loc)))
		goto out;
	if (!p->country && alr && (rc = set_inline(&p->country, country_text(alr))))
		goto out;
	s = jstr(jget(o, "employmentType"));
	if (s) {
		et = normalize_employment_type(s);
		if ((rc = posting_set(&p->employment_type, et ? et : "OTHER")))
			goto out;
	}
	if ((rc = map_date(&p->date_posted, jget(o, "datePosted"))) ||
	    (rc = map_date(&p->valid_through, jget(o, "validThrough"))) ||
	    (rc = map_salary(p, jget(o, "baseSalary"))) ||
	    (rc = map_hours(p, jget(o, "workHours"))))
		goto out;
	if (isnan(p->salary_min) && isnan(p->salary_max) && jget(o, "estimatedSalary") &&
	    (rc = map_salary(p, jget(o, "estimatedSalary"))))
		goto out;
	if (has_telecommute(jget(o, "jobLocationType")))
		rc = posting_set(&p->remote, loc ? "hybrid" : "remote");
	else if (alr && !loc)
		rc = posting_set(&p->remote, "remote");
	if (rc)
		goto out;
	edu = map_education(jget(o, "educationRequirements"));
	if ((edu && (rc = posting_set(&p->education, edu))) ||
	    (rc = posting_set(&p->extraction, extraction)) ||
	    (rc = posting_set(&p->source_id, c->opts->source_id)))
		goto out;
out:
	free(u);
	return rc;
}

static bool same_posting(const struct posting *a, const struct posting *b)
{
	return a->url && b->url && !strcmp(a->url, b->url) &&
	       ((!a->title && !b->title) || (a->title && b->title && !strcasecmp(a->title, b->title)));
}

/* Map o and append it to the result, unless a duplicate or over the cap. */
static enum tj_code add_posting(struct ctx *c, const json_t *o, const char *extraction)
{
	struct page_result *r = c->out;
	struct posting *p;
	enum tj_code rc;

	if (r->n_postings >= EXTRACT_MAX_POSTINGS) {
		if (c->capped)
			return TJ_OK;
		c->capped = true;
		return warn(r, "more than %d postings on the page; the rest are ignored",
			    EXTRACT_MAX_POSTINGS);
	}
	if (r->n_postings == c->alloc) {
		size_t na = c->alloc ? c->alloc * 2 : 4;
		struct posting *np = realloc(r->postings, na * sizeof(*np));

		if (!np)
			return tj_error(TJ_ENOMEM, "out of memory collecting postings");
		r->postings = np;
		c->alloc = na;
	}
	p = &r->postings[r->n_postings];
	posting_init(p);
	rc = map_posting(c, o, p, extraction);
	if (rc) {
		posting_release(p);
		return rc;
	}
	for (size_t i = 0; i < r->n_postings; i++) {
		if (same_posting(&r->postings[i], p)) {
			posting_release(p);
			return TJ_OK;
		}
	}
	r->n_postings++;
	return TJ_OK;
}

/* ---- JSON-LD ---- */

static enum tj_code visit_json(struct ctx *c, const json_t *v, int depth)
{
	enum tj_code rc = TJ_OK;

	if (depth > EXTRACT_MAX_JSON_DEPTH)
		return TJ_OK;
	if (json_is_array(v)) {
		size_t i;
		const json_t *e;

		json_array_foreach(v, i, e)
			if ((rc = visit_json(c, e, depth + 1)))
				break;
	} else if (json_is_object(v)) {
		const char *k;
		const json_t *e;

		if (json_type_is(v, "JobPosting"))
			return add_posting(c, v, "jsonld");
		/* @graph, mainEntity, itemListElement, ... */
		json_object_foreach((json_t *)v, k, e)
			if ((json_is_object(e) || json_is_array(e)) && (rc = visit_json(c, e, depth + 1)))
				break;
	}
	return rc;
}

/* Copy s into b replacing each invalid UTF-8 sequence with U+FFFD. */
static enum tj_code utf8_repair(struct buf *b, const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		size_t k = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 :
			   (c & 0xf8) == 0xf0 ? 4 : 0;
		bool ok = k && i + k <= n;

		for (size_t j = 1; ok && j < k; j++)
			ok = (s[i + j] & 0xc0) == 0x80;
		/* overlong forms, surrogates, > U+10FFFF */
		if (ok && k == 2 && c < 0xc2)
			ok = false;
		if (ok && k == 3 && ((c == 0xe0 && s[i + 1] < 0xa0) || (c == 0xed && s[i + 1] >= 0xa0)))
			ok = false;
		if (ok && k == 4 && ((c == 0xf0 && s[i + 1] < 0x90) || c > 0xf4 || (c == 0xf4 && s[i + 1] >= 0x90)))
			ok = false;
		if (!ok) {
			if (buf_add(b, "\xef\xbf\xbd", 3))
				return TJ_ENOMEM;
			i++;
			continue;
		}
		if (buf_add(b, s + i, k))
			return TJ_ENOMEM;
		i += k;
	}
	return TJ_OK;
}

static bool starts(const char *s, size_t n, const char *pre)
{
	size_t l = strlen(pre);

	return n >= l && !strncasecmp(s, pre, l);
}

static bool ends(const char *s, size_t n, const char *suf)
{
	size_t l = strlen(suf);

	return n >= l && !strncasecmp(s + n - l, suf, l);
}

/* Trim whitespace and the wrappers CMSs put around JSON-LD. */
static void unwrap(const char **sp, size_t *np)
{
	const char *s = *sp;
	size_t n = *np;
	bool again = true;

	while (again) {
		again = false;
		if (n >= 3 && !memcmp(s, "\xef\xbb\xbf", 3)) {
			s += 3;
			n -= 3;
		}
		while (n && isspace((unsigned char)*s))
			s++, n--;
		while (n && (isspace((unsigned char)s[n - 1]) || s[n - 1] == ';'))
			n--;
		if (starts(s, n, "//<![CDATA[")) {
			s += 11, n -= 11, again = true;
		} else if (starts(s, n, "<![CDATA[")) {
			s += 9, n -= 9, again = true;
		} else if (starts(s, n, "<!--")) {
			s += 4, n -= 4, again = true;
		}
		if (ends(s, n, "//]]>")) {
			n -= 5, again = true;
		} else if (ends(s, n, "]]>")) {
			n -= 3, again = true;
		} else if (ends(s, n, "//-->")) {
			n -= 5, again = true;
		} else if (ends(s, n, "-->")) {
			n -= 3, again = true;
		}
	}
	*sp = s;
	*np = n;
}

/* Deepest {}/[] nesting outside strings. */
static size_t json_depth(const char *s, size_t n)
{
	size_t depth = 0, max = 0;
	bool in_str = false;

	for (size_t i = 0; i < n; i++) {
		char ch = s[i];

		if (in_str) {
			if (ch == '\\')
				i++;
			else if (ch == '"')
				in_str = false;
			continue;
		}
		if (ch == '"')
			in_str = true;
		else if (ch == '{' || ch == '[') {
			if (++depth > max)
				max = depth;
		} else if ((ch == '}' || ch == ']') && depth)
			depth--;
	}
	return max;
}

static enum tj_code jsonld_block(struct ctx *c, unsigned index, const char *raw, size_t len)
{
	struct buf b;
	const char *s;
	size_t n;
	enum tj_code rc = TJ_OK;

	if (len > EXTRACT_MAX_JSONLD)
		return warn(c->out, "JSON-LD block %u: larger than %zu bytes, skipped", index,
			    (size_t)EXTRACT_MAX_JSONLD);
	buf_init(&b, EXTRACT_MAX_JSONLD * 3 + 16);
	if (utf8_repair(&b, (const unsigned char *)raw, len)) {
		buf_release(&b);
		return tj_error(TJ_ENOMEM, "out of memory reading JSON-LD");
	}
	s = buf_str(&b);
	n = b.len;
	unwrap(&s, &n);
	if (json_depth(s, n) > EXTRACT_MAX_JSON_DEPTH) {
		rc = warn(c->out, "JSON-LD block %u: nested deeper than %d, skipped", index,
			  EXTRACT_MAX_JSON_DEPTH);
		goto out;
	}
	for (int values = 0; n && values < MAX_VALUES_PER_BLOCK; values++) {
		json_error_t err;
		json_t *j = json_loadb(s, n, JSON_DISABLE_EOF_CHECK, &err);

		if (!j) {
			rc = warn(c->out, "JSON-LD block %u: line %d column %d: %s", index, err.line,
				  err.column, err.text);
			break;
		}
		rc = visit_json(c, j, 0);
		json_decref(j);
		if (rc || err.position <= 0 || (size_t)err.position > n)
			break;
		s += err.position;
		n -= (size_t)err.position;
		while (n && (isspace((unsigned char)*s) || *s == ';' || *s == ','))
			s++, n--;
	}
out:
	buf_release(&b);
	return rc;
}

static enum tj_code do_jsonld(struct ctx *c, const struct ptrvec *scripts)
{
	enum tj_code rc = TJ_OK;
	struct buf text;

	buf_init(&text, EXTRACT_MAX_JSONLD + 1);
	for (size_t i = 0; i < scripts->n && !rc; i++) {
		const GumboNode *sc = scripts->v[i];
		const GumboVector *kids = html_children(sc);
		bool too_big = false;

		buf_reset(&text);
		for (unsigned k = 0; kids && k < kids->length && !too_big; k++) {
			const GumboNode *t = kids->data[k];

			if (t->type != GUMBO_NODE_TEXT && t->type != GUMBO_NODE_WHITESPACE &&
			    t->type != GUMBO_NODE_CDATA)
				continue;
			rc = buf_adds(&text, t->v.text.text);
			if (rc == TJ_ETOOBIG) {
				too_big = true;
				rc = TJ_OK;
			}
		}
		if (rc)
			break;
		rc = too_big ? warn(c->out, "JSON-LD block %zu: larger than %zu bytes, skipped", i + 1,
				    (size_t)EXTRACT_MAX_JSONLD)
			     : jsonld_block(c, (unsigned)(i + 1), buf_str(&text), text.len);
	}
	buf_release(&text);
	return rc;
}

/* ---- microdata ---- */

static json_t *md_item(const struct ctx *c, const GumboNode *el, int depth, enum tj_code *rc);

/* The value of an itemprop element per WHATWG HTML "microdata". */
static json_t *md_value(const struct ctx *c, const GumboNode *el, int depth, enum tj_code *rc)
{
	const char *v = NULL;
	char *text = NULL, *abs = NULL;
	json_t *j;

	if (html_attr(el, "itemscope") && depth < MD_MAX_DEPTH)
		return md_item(c, el, depth + 1, rc);
	switch (el->v.element.tag) {
	case GUMBO_TAG_META:
		v = html_attr(el, "content");
		break;
	case GUMBO_TAG_AUDIO: case GUMBO_TAG_EMBED: case GUMBO_TAG_IFRAME: case GUMBO_TAG_IMG:
	case GUMBO_TAG_SOURCE: case GUMBO_TAG_TRACK: case GUMBO_TAG_VIDEO:
		v = abs = url_resolve_canonical(c->base, html_attr(el, "src") ? html_attr(el, "src") : "");
		break;
	case GUMBO_TAG_A: case GUMBO_TAG_AREA: case GUMBO_TAG_LINK:
		v = abs = url_resolve_canonical(c->base, html_attr(el, "href") ? html_attr(el, "href") : "");
		break;
	case GUMBO_TAG_OBJECT:
		v = abs = url_resolve_canonical(c->base, html_attr(el, "data") ? html_attr(el, "data") : "");
		break;
	case GUMBO_TAG_DATA: case GUMBO_TAG_METER:
		v = html_attr(el, "value");
		break;
	case GUMBO_TAG_TIME:
		v = html_attr(el, "datetime");
		break;
	default:
		v = html_attr(el, "content");
		break;
	}
	if (!v) {
		if ((*rc = html_node_text(el, 0, 0, &text)))
			return NULL;
		v = text;
	}
	j = json_string(v);
	if (!j)
		j = json_string("");
	if (!j)
		*rc = tj_error(TJ_ENOMEM, "out of memory reading microdata");
	free(text);
	free(abs);
	return j;
}

struct md_walk {
	const struct ctx *c;
	const GumboNode *root;
	json_t *obj;
	int depth;
	enum tj_code rc;
};

/* Add value under every name in the itemprop list. */
static void md_add(struct md_walk *w, const char *names, json_t *value)
{
	while (*names && !w->rc) {
		size_t n, i;
		char key[128];
		json_t *old;

		while (isspace((unsigned char)*names))
			names++;
		n = strcspn(names, " \t\r\n\f");
		if (!n)
			break;
		/* "http://schema.org/title" is the property "title" */
		for (i = n; i && names[i - 1] != '/' && names[i - 1] != '#'; i--)
			;
		snprintf(key, sizeof(key), "%.*s", (int)(n - i), names + i);
		names += n;
		old = json_object_get(w->obj, key);
		if (!old) {
			if (json_object_set(w->obj, key, value))
				w->rc = tj_error(TJ_ENOMEM, "out of memory reading microdata");
		} else if (json_is_array(old)) {
			/* values are strings or objects, so an array is our own list */
			if (json_array_append(old, value))
				w->rc = tj_error(TJ_ENOMEM, "out of memory reading microdata");
		} else {
			json_t *arr = json_pack("[OO]", old, value);

			if (!arr || json_object_set_new(w->obj, key, arr))
				w->rc = tj_error(TJ_ENOMEM, "out of memory reading microdata");
		}
	}
}

static enum html_walk_action md_enter(const GumboNode *n, void *ctx)
{
	struct md_walk *w = ctx;
	const char *prop;

	if (w->rc)
		return HTML_WALK_STOP;
	if (n->type != GUMBO_NODE_ELEMENT)
		return HTML_WALK_SKIP;
	if (n == w->root)
		return HTML_WALK_CONTINUE;
	prop = html_attr(n, "itemprop");
	if (prop) {
		json_t *v = md_value(w->c, n, w->depth, &w->rc);

		if (v)
			md_add(w, prop, v);
		json_decref(v);
	}
	/* a nested item's properties are its own */
	return html_attr(n, "itemscope") ? HTML_WALK_SKIP : HTML_WALK_CONTINUE;
}

static json_t *md_item(const struct ctx *c, const GumboNode *el, int depth, enum tj_code *rc)
{
	struct md_walk w = { c, el, json_object(), depth, TJ_OK };
	const struct html_walker walker = { md_enter, NULL, &w };
	const char *types = html_attr(el, "itemtype");

	if (!w.obj) {
		*rc = tj_error(TJ_ENOMEM, "out of memory reading microdata");
		return NULL;
	}
	if (types) {
		/* the last type's name: enough for type checks downstream */
		size_t n = strlen(types);

		while (n && isspace((unsigned char)types[n - 1]))
			n--;
		if (json_object_set_new(w.obj, "@type", json_stringn(types, n)))
			w.rc = tj_error(TJ_ENOMEM, "out of memory reading microdata");
	}
	if (!w.rc)
		w.rc = html_walk(el, &walker);
	if (w.rc) {
		json_decref(w.obj);
		*rc = w.rc;
		return NULL;
	}
	return w.obj;
}

static enum tj_code do_microdata(struct ctx *c, const struct ptrvec *items)
{
	for (size_t i = 0; i < items->n; i++) {
		enum tj_code rc = TJ_OK;
		json_t *o = md_item(c, items->v[i], 0, &rc);

		if (!o)
			return rc;
		/* keep only the JobPosting type for mapping */
		if (json_object_set_new(o, "@type", json_string("JobPosting"))) {
			json_decref(o);
			return tj_error(TJ_ENOMEM, "out of memory reading microdata");
		}
		rc = add_posting(c, o, "microdata");
		json_decref(o);
		if (rc)
			return rc;
	}
	return TJ_OK;
}

/* ---- selectors (strategy "selectors", rules/README.md) ---- */

#define SEL_TEXT_MAX ((size_t)8 << 10)  /* a one-line field's text */
#define SEL_MAX_ITEM_WARNINGS 5

/* Keep the regex's one capture of *text (NULL when it does not match). */
static enum tj_code sel_regex(const pcre2_code *re, char **text)
{
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
	PCRE2_SIZE *ov;
	char *kept = NULL;
	int n;

	if (!md)
		return tj_error(TJ_ENOMEM, "out of memory matching a selector's regex");
	n = pcre2_match(re, (PCRE2_SPTR)*text, strlen(*text), 0, 0, md, NULL);
	ov = pcre2_get_ovector_pointer(md);
	if (n >= 2 && ov[2] != PCRE2_UNSET && ov[3] >= ov[2]) {
		kept = strndup(*text + ov[2], ov[3] - ov[2]);
		if (!kept) {
			pcre2_match_data_free(md);
			return tj_error(TJ_ENOMEM, "out of memory matching a selector's regex");
		}
	}
	pcre2_match_data_free(md);
	free(*text);
	*text = kept;
	return TJ_OK;
}

/*
 * The value of one selector field inside scope, or *out NULL when the
 * selector matches nothing, the attribute is absent, the regex does not
 * match or the text is empty.  Malloc'd, the caller's.
 */
static enum tj_code sel_value(const struct rule_selector *rs, enum rule_sel_field f,
			      const GumboNode *scope, char **out)
{
	const GumboNode *el;
	const char *v = NULL;
	char *text = NULL;
	enum tj_code rc;

	*out = NULL;
	if (!rs->css)
		return TJ_OK;
	if ((rc = select_first(rs->css, scope, &el)) || !el)
		return rc;
	if (rs->attr) {
		v = html_attr(el, rs->attr);
		if (!v)
			return TJ_OK;
	} else if ((f == RULE_SEL_DATE_POSTED || f == RULE_SEL_VALID_THROUGH) && !rs->re) {
		/* <time datetime> and <meta content> state the date machine-readably */
		char d[11];

		if ((v = html_attr(el, "datetime")) && !normalize_date(v, d))
			v = NULL;
		if (!v && (v = html_attr(el, "content")) && !normalize_date(v, d))
			v = NULL;
	}
	if (v && f == RULE_SEL_DESCRIPTION) {
		rc = html_fragment_text(v, strlen(v), &text);
		if (rc == TJ_ETOOBIG)
			return TJ_OK;
	} else if (v) {
		if (!(text = strdup(v)))
			rc = tj_error(TJ_ENOMEM, "out of memory reading a selector");
	} else {
		rc = html_node_text(el, f == RULE_SEL_DESCRIPTION ? 0 : HTML_TEXT_INLINE,
				    f == RULE_SEL_DESCRIPTION ? 0 : SEL_TEXT_MAX, &text);
	}
	if (rc)
		return rc;
	if (rs->re && (rc = sel_regex(rs->re, &text)))
		return rc;
	if (text && !*text) {
		free(text);
		text = NULL;
	}
	*out = text;
	return TJ_OK;
}

static enum html_walk_action link_enter(const GumboNode *n, void *ctx)
{
	const char **href = ctx;

	if (*href)
		return HTML_WALK_STOP;
	if (n->type != GUMBO_NODE_ELEMENT)
		return n->type == GUMBO_NODE_TEMPLATE ? HTML_WALK_CONTINUE : HTML_WALK_SKIP;
	if (n->v.element.tag == GUMBO_TAG_A && (*href = html_attr(n, "href")))
		return HTML_WALK_STOP;
	return HTML_WALK_CONTINUE;
}

/* The default URL of a listing item: the item's own href, else its first link. */
static enum tj_code item_link(const GumboNode *item, const char **out)
{
	const struct html_walker w = { link_enter, NULL, out };

	*out = NULL;
	return html_walk(item, &w);
}

/* obj[key] = text (when it is valid UTF-8: a page's text always is). */
static enum tj_code put(json_t *obj, const char *key, const char *text)
{
	json_t *v;

	if (!text)
		return TJ_OK;
	if (!(v = json_string(text)))
		return TJ_OK;
	if (json_object_set_new(obj, key, v))
		return tj_error(TJ_ENOMEM, "out of memory reading selectors");
	return TJ_OK;
}

/*
 * One posting from the fields inside scope (an item, or the document).
 * The values are put into the JSON-LD shape they stand for, so that the
 * same mapper as for JSON-LD and microdata reads them; the description is
 * set afterwards as the plain text it already is.
 */
static enum tj_code sel_posting(struct ctx *c, const GumboNode *scope, bool is_item,
				size_t item_no, size_t *no_title)
{
	static const struct { enum rule_sel_field f; const char *key; } keys[] = {
		{ RULE_SEL_TITLE, "title" }, { RULE_SEL_URL, "url" },
		{ RULE_SEL_LOCATION, "jobLocation" }, { RULE_SEL_DATE_POSTED, "datePosted" },
		{ RULE_SEL_VALID_THROUGH, "validThrough" }, { RULE_SEL_SALARY, "baseSalary" },
		{ RULE_SEL_HOURS, "workHours" },
	};
	const struct rule *r = c->opts->rule;
	char *vals[RULE_SEL_N] = { 0 };
	json_t *o = NULL;
	size_t before = c->out->n_postings;
	enum tj_code rc = TJ_OK;

	for (int f = RULE_SEL_TITLE; f < RULE_SEL_N && !rc; f++)
		rc = sel_value(&r->sel[f], (enum rule_sel_field)f, scope, &vals[f]);
	if (rc)
		goto out;
	if (!vals[RULE_SEL_TITLE]) {
		if (is_item && ++*no_title <= SEL_MAX_ITEM_WARNINGS)
			rc = warn(c->out, "selectors: item %zu: 'title' (%.200s) matched nothing; skipped",
				  item_no, select_source(r->sel[RULE_SEL_TITLE].css));
		else if (!is_item)
			rc = warn(c->out, "selectors: 'title' (%.200s) matched nothing; no posting",
				  select_source(r->sel[RULE_SEL_TITLE].css));
		goto out;
	}
	if (!(o = json_pack("{ss}", "@type", "JobPosting"))) {
		rc = tj_error(TJ_ENOMEM, "out of memory reading selectors");
		goto out;
	}
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]) && !rc; i++)
		rc = put(o, keys[i].key, vals[keys[i].f]);
	if (!rc && is_item && !vals[RULE_SEL_URL]) {
		const char *href;

		if (!(rc = item_link(scope, &href)))
			rc = put(o, "url", href);
	}
	if (!rc && vals[RULE_SEL_EMPLOYMENT_TYPE]) {
		/* free text: only a recognised term counts (no "OTHER" for prose) */
		const char *et = normalize_employment_type(vals[RULE_SEL_EMPLOYMENT_TYPE]);

		if (!et)
			et = normalize_employment_type_text(NULL, vals[RULE_SEL_EMPLOYMENT_TYPE]);
		rc = put(o, "employmentType", et);
	}
	if (rc || (rc = add_posting(c, o, "selectors")))
		goto out;
	if (c->out->n_postings > before && vals[RULE_SEL_DESCRIPTION]) {
		posting_take(&c->out->postings[c->out->n_postings - 1].description,
			     vals[RULE_SEL_DESCRIPTION]);
		vals[RULE_SEL_DESCRIPTION] = NULL;
	}
out:
	json_decref(o);
	for (int f = 0; f < RULE_SEL_N; f++)
		free(vals[f]);
	return rc;
}

static bool has_node(const struct ptrvec *pv, const void *n)
{
	for (size_t i = 0; i < pv->n; i++)
		if (pv->v[i] == n)
			return true;
	return false;
}

/* The items of a listing page: rules/README.md "Selectors". */
static enum tj_code sel_items(struct ctx *c, const GumboNode *root, struct ptrvec *items)
{
	const struct rule *r = c->opts->rule;
	const struct selector *item = r->sel[RULE_SEL_ITEM].css;
	const GumboNode **lists = NULL;
	size_t n_lists = 0;
	enum tj_code rc;

	if (!r->sel[RULE_SEL_LISTING].css) {
		const GumboNode **v;
		size_t n;

		if ((rc = select_list(item, root, EXTRACT_MAX_POSTINGS + 1, &v, &n, NULL)))
			return rc;
		for (size_t i = 0; i < n && !rc; i++)
			rc = ptrvec_push(items, v[i]);
		free(v);
		return rc;
	}
	if ((rc = select_list(r->sel[RULE_SEL_LISTING].css, root, EXTRACT_MAX_POSTINGS + 1, &lists,
			      &n_lists, NULL)))
		return rc;
	for (size_t l = 0; l < n_lists && !rc && items->n <= EXTRACT_MAX_POSTINGS; l++) {
		const GumboNode **v = NULL;
		size_t n = 0;

		if (item) {
			rc = select_list(item, lists[l], EXTRACT_MAX_POSTINGS + 1, &v, &n, NULL);
		} else {
			/* a listing without 'item': each element child is an item */
			const GumboVector *kids = html_children(lists[l]);

			for (unsigned k = 0; kids && k < kids->length && !rc; k++) {
				const GumboNode *e = kids->data[k];

				if ((e->type == GUMBO_NODE_ELEMENT || e->type == GUMBO_NODE_TEMPLATE) &&
				    !has_node(items, e))
					rc = ptrvec_push(items, e);
			}
		}
		/* nested listings find the same items twice */
		for (size_t i = 0; i < n && !rc; i++)
			if (!has_node(items, v[i]))
				rc = ptrvec_push(items, v[i]);
		free(v);
	}
	free(lists);
	return rc;
}

static enum tj_code do_selectors(struct ctx *c, const GumboNode *root)
{
	const struct rule *r = c->opts->rule;
	struct ptrvec items = { 0 };
	size_t no_title = 0;
	enum tj_code rc = TJ_OK;

	if (!r || !r->sel[RULE_SEL_TITLE].css)
		return TJ_OK;
	if (!r->sel[RULE_SEL_LISTING].css && !r->sel[RULE_SEL_ITEM].css)
		return sel_posting(c, root, false, 0, &no_title);
	if ((rc = sel_items(c, root, &items)))
		goto out;
	for (size_t i = 0; i < items.n && !rc; i++)
		rc = sel_posting(c, items.v[i], true, i + 1, &no_title);
	if (!rc && no_title > SEL_MAX_ITEM_WARNINGS)
		rc = warn(c->out, "selectors: %zu items in all had no title", no_title);
out:
	ptrvec_release(&items);
	return rc;
}

/* ---- links ---- */

static enum tj_code do_links(struct ctx *c, const struct ptrvec *hrefs)
{
	struct page_result *r = c->out;
	size_t max = c->opts->max_links ? c->opts->max_links : EXTRACT_DEFAULT_MAX_LINKS;
	struct strset seen = { 0 }, raw = { 0 };
	enum tj_code rc = TJ_OK;
	size_t dropped = 0;

	r->links = calloc(hrefs->n < max ? hrefs->n + 1 : max + 1, sizeof(char *));
	if (!r->links)
		return tj_error(TJ_ENOMEM, "out of memory collecting links");
	for (size_t i = 0; i < hrefs->n; i++) {
		char *u;
		int added;

		if (r->n_links >= max) {
			/* resolving costs ~8 us a link: stop at the cap, count what is left */
			dropped = hrefs->n - i;
			break;
		}
		/* the same href written twice (menus, footers) resolves once */
		added = strset_add(&raw, hrefs->v[i]);
		if (added < 0) {
			rc = tj_error(TJ_ENOMEM, "out of memory collecting links");
			break;
		}
		if (!added)
			continue;
		u = url_resolve_canonical(c->base, hrefs->v[i]);
		if (!u)
			continue;
		added = strset_add(&seen, u);
		if (added < 0) {
			free(u);
			rc = tj_error(TJ_ENOMEM, "out of memory collecting links");
			break;
		}
		if (!added) {
			free(u);
			continue;
		}
		r->links[r->n_links++] = u;
	}
	strset_release(&seen);
	strset_release(&raw);
	if (!rc && dropped)
		rc = warn(r, "more than %zu links on the page; the last %zu hrefs ignored", max, dropped);
	return rc;
}

/* ---- entry points ---- */

static const struct extract_opts no_opts = { 0, 0, NULL, NULL, NULL };

enum tj_code extract_jobposting(const json_t *obj, const char *base_url,
				const struct extract_opts *opts, const char *extraction,
				json_t *warnings, struct posting *p)
{
	struct page_result out;
	struct ctx c;
	char *page;
	enum tj_code rc;

	posting_init(p);
	page = base_url ? url_normalize(base_url) : NULL;
	if (!page)
		return tj_error(TJ_EINVAL, "'%s': not an http(s) URL", base_url ? base_url : "(null)");
	memset(&out, 0, sizeof(out));
	out.warnings = warnings;        /* borrowed: warn() appends to it */
	memset(&c, 0, sizeof(c));
	c.opts = opts ? opts : &no_opts;
	c.page = c.base = page;
	c.out = &out;
	rc = map_posting(&c, obj, p, extraction);
	if (rc)
		posting_release(p);
	free(page);
	return rc;
}

void page_result_release(struct page_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_postings; i++)
		posting_release(&r->postings[i]);
	free(r->postings);
	for (size_t i = 0; i < r->n_links; i++)
		free(r->links[i]);
	free(r->links);
	json_decref(r->warnings);
	memset(r, 0, sizeof(*r));
}

/* The posting sources a rule's strategy reads from a page. */
static unsigned strategy_flags(const struct rule *r)
{
	if (!r || !r->strategy)
		return EXTRACT_JSONLD | EXTRACT_MICRODATA;
	if (!strcmp(r->strategy, "microdata"))
		return EXTRACT_MICRODATA;
	if (!strcmp(r->strategy, "selectors"))
		return EXTRACT_SELECTORS;
	return EXTRACT_JSONLD | EXTRACT_MICRODATA;
}

enum tj_code extract_page(const char *html, size_t len, const char *page_url,
			  const struct extract_opts *opts, struct page_result *out)
{
	struct scan sc;
	struct ctx c;
	const struct html_walker walker = { scan_enter, NULL, &sc };
	GumboOutput *doc = NULL;
	char *page = NULL, *base = NULL;
	enum tj_code rc;

	memset(out, 0, sizeof(*out));
	memset(&sc, 0, sizeof(sc));
	memset(&c, 0, sizeof(c));
	if (!opts)
		opts = &no_opts;
	out->warnings = json_array();
	if (!out->warnings)
		return tj_error(TJ_ENOMEM, "out of memory");
	page = page_url ? url_normalize(page_url) : NULL;
	if (!page)
		return tj_error(TJ_EINVAL, "'%s': not an http(s) URL", page_url ? page_url : "(null)");
	if ((rc = html_parse(html ? html : "", html ? len : 0, &doc)))
		goto out;
	sc.flags = (opts->flags ? opts->flags : ~0u) & (strategy_flags(opts->rule) | EXTRACT_LINKS);
	if ((rc = html_walk(doc->document, &walker)) || (rc = sc.rc))
		goto out;
	if (sc.base_href)
		base = url_resolve(page, sc.base_href);
	c.opts = opts;
	c.page = page;
	c.base = base ? base : page;
	c.out = out;
	if ((rc = do_jsonld(&c, &sc.scripts)) || (rc = do_microdata(&c, &sc.items)) ||
	    ((sc.flags & EXTRACT_SELECTORS) && (rc = do_selectors(&c, doc->document))) ||
	    (rc = do_links(&c, &sc.hrefs)))
		goto out;
out:
	ptrvec_release(&sc.hrefs);
	ptrvec_release(&sc.scripts);
	ptrvec_release(&sc.items);
	html_free(doc);
	free(base);
	free(page);
	return rc;
}

/* ---- twentejobs extract ---- */

static void extract_usage(FILE *f)
{
	fprintf(f, "usage: twentejobs extract --url URL [--rule FILE] [--links] HTML_FILE\n\n"
		   "Print the job postings found on a saved page as a JSON array: schema.org\n"
		   "JobPosting in JSON-LD and microdata, normalised (town, salary, hours).\n\n"
		   "  --url URL    the address the page was fetched from (resolves links)\n"
		   "  --rule FILE  a rule file: its strategy (selectors, microdata, ...) applies;\n"
		   "               with an ATS rule, HTML_FILE may be a saved feed;\n"
		   "               its \"employer\" is used when the page names none\n"
		   "  --links      print the page's links, one per line, instead\n"
		   "  --help       this text\n\n"
		   "Warnings (a malformed JSON-LD block, ...) go to stderr.\n");
}

/*
 * The rule for --rule: loaded and validated (rule_load), so its strategy
 * and selectors apply.  A file that is JSON but not a valid rule still
 * lends its "id" and "employer", with a warning, so a half-written rule
 * can be tried on a page; a file that is not JSON is an error.
 */
static int read_rule(const char *path, struct rule **rule, char **id, char **employer)
{
	json_error_t err;
	json_t *j;
	const char *s;
	char why[1024];

	if (!rule_load(path, rule))
		return 0;
	snprintf(why, sizeof(why), "%s", tj_errmsg());
	if (!(j = json_load_file(path, 0, &err))) {
		fprintf(stderr, "twentejobs extract: %s\n", why);
		return 1;
	}
	if (!json_is_object(j)) {
		fprintf(stderr, "twentejobs extract: '%s': a rule must be a JSON object\n", path);
		json_decref(j);
		return 1;
	}
	fprintf(stderr, "twentejobs extract: warning: %s; using only the rule's id and employer\n", why);
	if ((s = json_string_value(json_object_get(j, "id"))) && !(*id = strdup(s)))
		goto oom;
	if ((s = json_string_value(json_object_get(j, "employer"))) && !(*employer = strdup(s)))
		goto oom;
	json_decref(j);
	return 0;
oom:
	json_decref(j);
	fprintf(stderr, "twentejobs extract: out of memory\n");
	return 1;
}

/* "--name VALUE" or "--name=VALUE"; advances *i.  1 matched, 0 not, -1 no value. */
static int opt_value(int argc, char **argv, int *i, const char *name, const char **val)
{
	size_t n = strlen(name);

	if (strncmp(argv[*i], name, n))
		return 0;
	if (argv[*i][n] == '=') {
		*val = argv[*i] + n + 1;
		return 1;
	}
	if (argv[*i][n])
		return 0;
	if (*i + 1 >= argc)
		return -1;
	*val = argv[++*i];
	return 1;
}

int cmd_extract(int argc, char **argv)
{
	const char *url = NULL, *rule = NULL, *file = NULL;
	bool links = false, opts_done = false;
	char *html = NULL, *rule_id = NULL, *employer = NULL;
	struct rule *rl = NULL;
	size_t len;
	struct extract_opts eo = { 0 };
	struct page_result pr = { 0 };
	json_t *arr = NULL;
	int status = 1;
	enum tj_code rc;

	for (int i = 1; i < argc; i++) {
		int m;

		if (!opts_done && (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))) {
			extract_usage(stdout);
			return 0;
		}
		if (!opts_done && !strcmp(argv[i], "--")) {
			opts_done = true;
			continue;
		}
		if (!opts_done && !strcmp(argv[i], "--links")) {
			links = true;
			continue;
		}
		if (!opts_done && ((m = opt_value(argc, argv, &i, "--url", &url)) ||
				   (m = opt_value(argc, argv, &i, "--rule", &rule)))) {
			if (m < 0) {
				fprintf(stderr, "twentejobs extract: '%s' needs a value\n", argv[i]);
				extract_usage(stderr);
				return 2;
			}
			continue;
		}
		if (!opts_done && argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "twentejobs extract: unknown option '%s'\n", argv[i]);
			extract_usage(stderr);
			return 2;
		}
		if (file) {
			fprintf(stderr, "twentejobs extract: one HTML file only ('%s')\n", argv[i]);
			extract_usage(stderr);
			return 2;
		}
		file = argv[i];
	}
	if (!url || !file) {
		fprintf(stderr, "twentejobs extract: %s\n", !url ? "--url URL is required" : "no HTML file given");
		extract_usage(stderr);
		return 2;
	}
	if (rule && read_rule(rule, &rl, &rule_id, &employer))
		goto out;
	if ((rc = tj_read_file(file, MAX_PAGE_FILE, &html, &len))) {
		fprintf(stderr, "twentejobs extract: %s\n", tj_errmsg());
		goto out;
	}
	eo.default_employer = rl ? rl->employer : employer;
	eo.source_id = rl ? rl->id : rule_id;
	eo.rule = rl;
	if (links)
		eo.flags = EXTRACT_LINKS;
	/* an ATS rule's saved feed is read as the feed it is */
	if (rl && rule_strategy_is_feed(rl->strategy) && feed_looks_like_feed(html, len))
		rc = feed_extract(rl, html, len, url, &pr);
	else
		rc = extract_page(html, len, url, &eo, &pr);
	if (rc) {
		fprintf(stderr, "twentejobs extract: '%s': %s\n", file, tj_errmsg());
		goto out;
	}
	for (size_t i = 0; i < json_array_size(pr.warnings); i++)
		fprintf(stderr, "twentejobs extract: warning: %s\n",
			json_string_value(json_array_get(pr.warnings, i)));
	if (links) {
		for (size_t i = 0; i < pr.n_links; i++)
			printf("%s\n", pr.links[i]);
		status = fflush(stdout) ? 1 : 0;
		goto out;
	}
	arr = json_array();
	if (!arr)
		goto oom;
	for (size_t i = 0; i < pr.n_postings; i++) {
		json_t *o;

		if (normalize_posting(&pr.postings[i]) == TJ_ENOMEM)
			goto oom;
		o = posting_to_json(&pr.postings[i]);
		if (!o || json_array_append_new(arr, o))
			goto oom;
	}
	if (json_dumpf(arr, stdout, JSON_INDENT(2)) || fputc('\n', stdout) == EOF || fflush(stdout)) {
		fprintf(stderr, "twentejobs extract: cannot write output: %s\n", strerror(errno));
		goto out;
	}
	status = 0;
	goto out;
oom:
	fprintf(stderr, "twentejobs extract: out of memory\n");
out:
	json_decref(arr);
	page_result_release(&pr);
	free(html);
	free(rule_id);
	free(employer);
	rule_free(rl);
	return status;
}
