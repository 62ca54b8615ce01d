/*
 * search.c - query translation, filters, facets, ranking and cursors
 * (see search.h for the query language and the contracts).
 *
 * Translation.  The user's text is cut into terms (bare words, "phrases",
 * -exclusions) and OR markers; every kept term is emitted as FTS5 string
 * literals ("...", with no '"' inside because '"' only delimits phrases), so
 * FTS5 operators and SQL in the input are only ever tokenised as text.  The
 * positive terms form AND-groups of OR-alternatives:
 *     java OR kotlin developer -senior
 *  -> (<java> OR <kotlin>) AND <developer> NOT (<senior>)
 * where <w> is ("\x01w" OR "\x02w"): the word under the English and under
 * the Dutch stemmer (fts_stem.h says why not one synonym term).  The last
 * word, while typed, also gets "w"* - a prefix of the surface form, never
 * stemmed - unless search_params_settle() finds the index knows the word.
 *
 * Running, over the in-memory attribute snapshot (jobcache.h):
 *   1. FTS5 returns the matching rowids only: no ranking, no join.
 *   2. One pass over them computes, per row, which filters it fails:
 *        fails none      counts in the total and in every facet
 *        fails just one  counts only in that filter's own facet
 *      which yields the total and all six facets "under the other filters".
 *   3. The page, kept in a bounded sorted array of limit+1 candidates:
 *        sort=date       from the snapshot (date_posted, else first_seen)
 *        relevance, at most SEARCH_SCORE_ALL matches: all scored with bm25
 *        relevance, more: two phases, so that a word in most postings never
 *                        makes us score every match - tier 0 is the rows
 *                        matching in title, employer or city, newest first,
 *                        then every other match, newest first.
 *   4. The page's rows are fetched by id, with their snippets.
 *
 * Ranking.  bm25 with column weights title 10, employer 4, city 2,
 * description 1, times a mild recency factor 1 + 0.3 / (1 + age_days / 30)
 * (a posting from today gets 30%, one from a month ago 15%).  Ties break on
 * id, newest first, so the order is total and cursors are stable.
 *
 * Cursors carry the last hit's (key, id) and a fingerprint of q and the
 * filters, sealed with SipHash-2-4 (Aumasson & Bernstein, 2012) under the
 * database's key (meta.cursor_key, so a cursor survives a server restart):
 * tampering and replaying a cursor against another query are both detected.
 *
 * Limits: steps 1-2 are linear in the matches (about 7 ms for a word in all
 * of 100k postings); counts are exact, never estimated.
 */
#include "search.h"
#include "fts_stem.h"
#include "jobcache.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* ---- UTF-8 ---------------------------------------------------------- */

/* Decode one code point at *p (n bytes left); -1 if malformed. */
static int32_t utf8_next(const unsigned char **p, size_t n)
{
	const unsigned char *s = *p;
	int32_t cp;
	int len;

	if (s[0] < 0x80) {
		*p += 1;
		return s[0];
	}
	if ((s[0] & 0xE0) == 0xC0) {
		cp = s[0] & 0x1F;
		len = 2;
	} else if ((s[0] & 0xF0) == 0xE0) {
		cp = s[0] & 0x0F;
		len = 3;
	} else if ((s[0] & 0xF8) == 0xF0) {
		cp = s[0] & 0x07;
		len = 4;
	} else {
		return -1;
	}
	if ((size_t)len > n)
		return -1;
	for (int i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return -1;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	/* overlong forms, surrogates and values past U+10FFFF */
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
		return -1;
	*p += len;
	return cp;
}

static bool utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;

	while (p < end)
		if (utf8_next(&p, (size_t)(end - p)) < 0)
			return false;
	return true;
}

/*
 * Would unicode61 (with tokenchars "+#") keep this code point inside a
 * token?  ASCII exactly; beyond ASCII an approximation that drops the
 * blocks of punctuation, symbols, combining marks and emoji, so that a term
 * like "€" or "—" is dropped instead of becoming an empty FTS5 phrase
 * (which would make the whole AND match nothing).
 */
static bool is_word_cp(int32_t cp)
{
	if (cp < 0x80)
		return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') ||
		       (cp >= 'A' && cp <= 'Z') || cp == '+' || cp == '#';
	if (cp < 0xC0 || cp == 0xD7 || cp == 0xF7)
		return false;
	if ((cp >= 0x0300 && cp <= 0x036F) ||      /* combining diacritics */
	    (cp >= 0x2000 && cp <= 0x2BFF) ||      /* punctuation, symbols, arrows */
	    (cp >= 0x3000 && cp <= 0x303F) ||      /* CJK punctuation */
	    (cp >= 0xE000 && cp <= 0xF8FF) ||      /* private use */
	    (cp >= 0xFE00 && cp <= 0xFE0F) ||      /* variation selectors */
	    (cp >= 0xFFF0 && cp <= 0xFFFF) ||
	    (cp >= 0x1F000 && cp <= 0x1FAFF))      /* emoji and pictographs */
		return false;
	return true;
}

/* Count word code points in s[0..n) (already valid UTF-8). */
static size_t word_chars(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	size_t count = 0;

	while (p < end)
		count += is_word_cp(utf8_next(&p, (size_t)(end - p)));
	return count;
}

/* ---- translation ---------------------------------------------------- */

struct term {
	const char *s;
	size_t n;
	bool phrase, neg, prefix;
	int group;                      /* AND-group of a positive term */
};

static bool is_space(char c)
{
	return c == ' ' || ((unsigned char)c < 0x20 && c != 0) || c == 0x7F;
}

static enum tj_code emit_string(struct buf *b, const struct term *t, char marker, bool star)
{
	enum tj_code rc = buf_addc(b, '"');

	if (!rc && marker)
		rc = buf_addc(b, marker);
	for (size_t i = 0; i < t->n && !rc; i++)
		rc = buf_addc(b, is_space(t->s[i]) ? ' ' : t->s[i]);
	if (!rc)
		rc = buf_addc(b, '"');
	if (!rc && star)
		rc = buf_addc(b, '*');
	return rc;
}

/*
 * Emit one term: ("\x01w" OR "\x02w"), the English and the Dutch stemming
 * of it (fts_stem.h explains why not one synonym term), and for the last
 * word while typing also "w"*, the unstemmed prefix.
 */
static enum tj_code emit_term(struct buf *b, const struct term *t)
{
	enum tj_code rc = buf_addc(b, '(');

	if (!rc && t->prefix && !(rc = emit_string(b, t, 0, true)))
		rc = buf_adds(b, " OR ");
	if (!rc)
		rc = emit_string(b, t, FTS_STEM_ONLY_EN, false);
	if (!rc)
		rc = buf_adds(b, " OR ");
	if (!rc)
		rc = emit_string(b, t, FTS_STEM_ONLY_NL, false);
	if (!rc)
		rc = buf_addc(b, ')');
	return rc;
}

/* Emit the term as the user would write it, for "understood". */
static enum tj_code show_term(struct buf *b, const struct term *t)
{
	enum tj_code rc = TJ_OK;

	if (t->neg)
		rc = buf_addc(b, '-');
	if (!rc && t->phrase)
		rc = buf_addc(b, '"');
	for (size_t i = 0; i < t->n && !rc; i++)
		rc = buf_addc(b, is_space(t->s[i]) ? ' ' : t->s[i]);
	if (!rc && t->phrase)
		rc = buf_addc(b, '"');
	if (!rc && t->prefix)
		rc = buf_addc(b, '*');
	return rc;
}

/* The positive groups: ("a" OR "b") AND "c" ...; `show` selects the
 * user-facing rendering (a OR b) c. */
static enum tj_code emit_groups(struct buf *b, const struct term *t, int n, int n_groups, bool show)
{
	enum tj_code rc = TJ_OK;

	for (int g = 0; g < n_groups && !rc; g++) {
		int members = 0, first = 1;

		for (int i = 0; i < n; i++)
			members += !t[i].neg && t[i].group == g;
		if (g)
			rc = buf_adds(b, show ? " " : " AND ");
		if (!rc && members > 1)
			rc = buf_addc(b, '(');
		for (int i = 0; i < n && !rc; i++) {
			if (t[i].neg || t[i].group != g)
				continue;
			if (!first)
				rc = buf_adds(b, " OR ");
			first = 0;
			if (!rc)
				rc = show ? show_term(b, &t[i]) : emit_term(b, &t[i]);
		}
		if (!rc && members > 1)
			rc = buf_addc(b, ')');
	}
	return rc;
}

static enum tj_code emit_excluded(struct buf *b, const struct term *t, int n, bool show)
{
	enum tj_code rc = TJ_OK;
	int k = 0;

	for (int i = 0; i < n && !rc; i++) {
		if (!t[i].neg)
			continue;
		if (k++)
			rc = buf_adds(b, show ? " " : " OR ");
		if (!rc)
			rc = show ? show_term(b, &t[i]) : emit_term(b, &t[i]);
	}
	return rc;
}

void search_query_release(struct search_query *q)
{
	free(q->match);
	free(q->exclude);
	free(q->suggest);
	free(q->tier0);
	free(q->probe);
	free(q->understood);
	memset(q, 0, sizeof(*q));
}

enum tj_code search_translate(const char *text, bool prefix, struct search_query *out)
{
	struct term t[SEARCH_MAX_TERMS];
	struct buf b;
	size_t len;
	const char *p, *end;
	int n = 0, n_groups = 0, n_pos = 0;
	bool pending_or = false, trailing = false;
	enum tj_code rc = TJ_OK;

	memset(out, 0, sizeof(*out));
	if (!text)
		text = "";
	len = strlen(text);
	p = text;
	end = text + len;
	if (len > SEARCH_MAX_QUERY)
		return tj_error(TJ_EINVAL, "parameter 'q': too long (%zu bytes; at most %d)",
				len, SEARCH_MAX_QUERY);
	if (!utf8_valid(text, len))
		return tj_error(TJ_EINVAL, "parameter 'q': not valid UTF-8");
	while (p < end) {
		struct term cur = { 0 };

		if (is_space(*p)) {
			p++;
			continue;
		}
		trailing = false;
		if (*p == '-' && p + 1 < end && !is_space(p[1])) {
			cur.neg = true;
			p++;
		}
		if (*p == '"') {
			const char *close = memchr(p + 1, '"', (size_t)(end - p - 1));

			cur.phrase = true;
			cur.s = p + 1;
			cur.n = (size_t)((close ? close : end) - cur.s);
			p = close ? close + 1 : end;
		} else {
			cur.s = p;
			while (p < end && !is_space(*p) && *p != '"')
				p++;
			cur.n = (size_t)(p - cur.s);
			if (!cur.neg && cur.n == 2 && !memcmp(cur.s, "OR", 2)) {
				/* an operator only between two positive terms */
				pending_or = n_pos > 0;
				trailing = true;
				continue;
			}
		}
		if (!word_chars(cur.s, cur.n))
			continue;       /* "*", "^", "(": nothing FTS5 would index */
		if (n == SEARCH_MAX_TERMS)
			return tj_error(TJ_EINVAL, "parameter 'q': too many terms (at most %d)",
					SEARCH_MAX_TERMS);
		if (!cur.neg) {
			cur.group = pending_or ? n_groups - 1 : n_groups++;
			n_pos++;
		}
		pending_or = false;
		t[n++] = cur;
	}
	/* search-as-you-type: the last term, if it is a bare word still being typed */
	if (prefix && n && !trailing && len && !is_space(text[len - 1]) && !t[n - 1].neg &&
	    !t[n - 1].phrase && word_chars(t[n - 1].s, t[n - 1].n) >= 2)
		t[n - 1].prefix = true;

	out->n_terms = n;
	buf_init(&b, 0);
	if (n && t[n - 1].prefix) {
		struct term exact = t[n - 1];

		exact.prefix = false;
		rc = emit_term(&b, &exact);
		if (!rc && !(out->probe = buf_detach(&b, NULL)))
			rc = TJ_ENOMEM;
	}
	if (!rc && n_pos) {
		rc = n_pos < n ? buf_addc(&b, '(') : TJ_OK;
		if (!rc)
			rc = emit_groups(&b, t, n, n_groups, false);
		if (!rc && n_pos < n) {
			rc = buf_adds(&b, ") NOT (");
			if (!rc)
				rc = emit_excluded(&b, t, n, false);
			if (!rc)
				rc = buf_addc(&b, ')');
		}
		if (!rc && !(out->match = buf_detach(&b, NULL)))
			rc = TJ_ENOMEM;
		if (!rc)
			rc = buf_adds(&b, "{title} : (");
		if (!rc)
			rc = emit_groups(&b, t, n, n_groups, false);
		if (!rc)
			rc = buf_addc(&b, ')');
		if (!rc && !(out->suggest = buf_detach(&b, NULL)))
			rc = TJ_ENOMEM;
		if (!rc)
			rc = buf_adds(&b, "{title employer city} : (");
		if (!rc)
			rc = emit_groups(&b, t, n, n_groups, false);
		if (!rc)
			rc = buf_addc(&b, ')');
		if (!rc && !(out->tier0 = buf_detach(&b, NULL)))
			rc = TJ_ENOMEM;
	}
	if (!rc && n_pos < n) {
		rc = emit_excluded(&b, t, n, false);
		if (!rc && !(out->exclude = buf_detach(&b, NULL)))
			rc = TJ_ENOMEM;
	}
	if (!rc)
		rc = emit_groups(&b, t, n, n_groups, true);
	if (!rc && n_pos && n_pos < n)
		rc = buf_addc(&b, ' ');
	if (!rc)
		rc = emit_excluded(&b, t, n, true);
	if (!rc && !(out->understood = buf_detach(&b, NULL)))
		rc = TJ_ENOMEM;
	buf_release(&b);
	if (rc) {
		search_query_release(out);
		return rc == TJ_ENOMEM ? tj_error(TJ_ENOMEM, "out of memory translating a query") : rc;
	}
	return TJ_OK;
}

/* ---- small helpers -------------------------------------------------- */

enum tj_code search_html_escape(struct buf *b, const char *s)
{
	enum tj_code rc = TJ_OK;
	bool open = false, space = false;

	for (; *s && !rc; s++) {
		/* runs of white space (paragraph breaks) read as one space */
		if (is_space(*s) && *s != '\x01' && *s != '\x02') {
			if (!space)
				rc = buf_addc(b, ' ');
			space = true;
			continue;
		}
		space = false;
		switch (*s) {
		case '\x01':
			if (!open)
				rc = buf_adds(b, "<mark>");
			open = true;
			break;
		case '\x02':
			if (open)
				rc = buf_adds(b, "</mark>");
			open = false;
			break;
		case '&': rc = buf_adds(b, "&amp;"); break;
		case '<': rc = buf_adds(b, "&lt;"); break;
		case '>': rc = buf_adds(b, "&gt;"); break;
		case '"': rc = buf_adds(b, "&quot;"); break;
		case '\'': rc = buf_adds(b, "&#39;"); break;
		default:
			rc = buf_addc(b, *s);
		}
	}
	if (!rc && open)
		rc = buf_adds(b, "</mark>");
	return rc;
}

/* Days since the epoch for a proleptic Gregorian date (H. Hinnant's
 * days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

int64_t search_parse_date(const char *s)
{
	static const unsigned mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	unsigned y = 0, m = 0, d = 0;

	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (int i = 0; i < 10; i++) {
		if (i == 4 || i == 7)
			continue;
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (i < 4)
			y = y * 10 + (unsigned)(s[i] - '0');
		else if (i < 7)
			m = m * 10 + (unsigned)(s[i] - '0');
		else
			d = d * 10 + (unsigned)(s[i] - '0');
	}
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] ||
	    (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))))
		return -1;
	return days_from_civil(y, m, d);
}

/* Strict decimal integer in [lo, hi]; the whole string must be digits. */
static bool parse_int(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	if (!*s || *s == '+' || *s == '-' || *s == ' ')
		return false;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

/* ---- parameters ----------------------------------------------------- */

static const char *const field_params[SEARCH_N_FIELDS] = {
	"lang", "intl", "city", "employer", "level", "type", "advertiser", "remote",
};
static const char *const field_facets[SEARCH_N_FIELDS] = {
	"language", "international", "city", "employer", "level", "employment_type", "advertiser",
	"remote",
};

static const char *const intl_values[] = { "yes", "maybe", "no", NULL };
static const char *const level_values[] = {
	"internship", "graduate", "junior", "medior", "senior", "unknown", NULL,
};
static const char *const type_values[] = {
	"FULL_TIME", "PART_TIME", "CONTRACTOR", "TEMPORARY", "INTERN", "VOLUNTEER",
	"PER_DIEM", "OTHER", NULL,
};
static const char *const remote_values[] = { "remote", "hybrid", "onsite", NULL };
static const char *const advertiser_values[] = { "employer", "agency", NULL };

const char *search_field_param(enum search_field f)
{
	return field_params[f];
}

const char *search_field_facet(enum search_field f)
{
	return field_facets[f];
}

void search_params_init(struct search_params *p)
{
	memset(p, 0, sizeof(*p));
	p->limit = 20;
	p->sort = SORT_RELEVANCE;
	p->prefix = true;
	p->score_all = SEARCH_SCORE_ALL;
}

void search_params_release(struct search_params *p)
{
	free(p->q);
	search_query_release(&p->query);
	for (int f = 0; f < SEARCH_N_FIELDS; f++)
		for (int i = 0; i < p->n_values[f]; i++)
			free(p->values[f][i]);
	search_params_init(p);
}

static enum tj_code expect_one_of(const char *key, const char *v, const char *const *set)
{
	struct buf b;
	enum tj_code rc;

	for (int i = 0; set[i]; i++)
		if (!strcmp(v, set[i]))
			return TJ_OK;
	buf_init(&b, 1024);
	for (int i = 0; set[i]; i++)
		if (buf_adds(&b, i ? ", " : "") || buf_adds(&b, set[i]))
			break;
	rc = tj_error(TJ_EINVAL, "parameter '%s': unknown value '%.64s' (expected %s)",
		      key, v, buf_str(&b));
	buf_release(&b);
	return rc;
}

/* Validate and normalise one filter value in place (v is a private copy). */
static enum tj_code check_value(enum search_field f, char *v)
{
	const char *key = field_params[f];
	size_t n = strlen(v);

	if (!utf8_valid(v, n))
		return tj_error(TJ_EINVAL, "parameter '%s': not valid UTF-8", key);
	if (n > 100)
		return tj_error(TJ_EINVAL, "parameter '%s': value too long (at most 100 bytes)", key);
	switch (f) {
	case SF_LANG:
		for (char *c = v; *c; c++)
			*c = (char)((*c >= 'A' && *c <= 'Z') ? *c + 32 : *c);
		if (n < 2 || n > 3 || strspn(v, "abcdefghijklmnopqrstuvwxyz") != n)
			return tj_error(TJ_EINVAL, "parameter 'lang': unknown value '%.64s' "
					"(expected an ISO 639-1 code such as en, nl, de, or und)", v);
		return TJ_OK;
	case SF_INTL:
		return expect_one_of(key, v, intl_values);
	case SF_LEVEL:
		return expect_one_of(key, v, level_values);
	case SF_REMOTE:
		return expect_one_of(key, v, remote_values);
	case SF_ADVERTISER:
		return expect_one_of(key, v, advertiser_values);
	case SF_TYPE:
		for (char *c = v; *c; c++)
			*c = *c == '-' ? '_' : (char)((*c >= 'a' && *c <= 'z') ? *c - 32 : *c);
		return expect_one_of(key, v, type_values);
	default:
		return TJ_OK;
	}
}

static enum tj_code add_filter(struct search_params *p, enum search_field f, const char *value)
{
	const char *s = value;

	/* comma-separated alternatives; empty items (lang=) mean "no filter" */
	while (*s) {
		const char *comma = strchr(s, ',');
		size_t n = comma ? (size_t)(comma - s) : strlen(s);
		char *v;
		enum tj_code rc;

		/* a city or employer name may itself hold a comma: only the
		 * enumerated fields are lists */
		if (f == SF_CITY || f == SF_EMPLOYER)
			n = strlen(s);
		if (n) {
			if (p->n_values[f] == SEARCH_MAX_VALUES)
				return tj_error(TJ_EINVAL, "parameter '%s': too many values (at most %d)",
						field_params[f], SEARCH_MAX_VALUES);
			v = strndup(s, n);
			if (!v)
				return tj_error(TJ_ENOMEM, "out of memory");
			if ((rc = check_value(f, v))) {
				free(v);
				return rc;
			}
			p->values[f][p->n_values[f]++] = v;
		}
		s += n;
		if (*s == ',')
			s++;
	}
	return TJ_OK;
}

enum tj_code search_params_set(struct search_params *p, const char *key, const char *value)
{
	long n;

	for (int f = 0; f < SEARCH_N_FIELDS; f++)
		if (!strcmp(key, field_params[f]))
			return add_filter(p, (enum search_field)f, value);
	if (!strcmp(key, "q")) {
		if (p->q)
			return tj_error(TJ_EINVAL, "parameter 'q': given more than once");
		if (!(p->q = strdup(value)))
			return tj_error(TJ_ENOMEM, "out of memory");
		return TJ_OK;
	}
	if (!strcmp(key, "sort")) {
		if (!strcmp(value, "relevance"))
			p->sort = SORT_RELEVANCE;
		else if (!strcmp(value, "date"))
			p->sort = SORT_DATE;
		else
			return tj_error(TJ_EINVAL, "parameter 'sort': unknown value '%.64s' "
					"(expected relevance, date)", value);
		p->sort_given = true;
		return TJ_OK;
	}
	if (!strcmp(key, "limit")) {
		if (!parse_int(value, 1, 100, &n))
			return tj_error(TJ_EINVAL, "parameter 'limit': '%.64s' is not a number "
					"from 1 to 100", value);
		p->limit = (int)n;
		return TJ_OK;
	}
	if (!strcmp(key, "include_expired")) {
		if (!strcmp(value, "1") || !strcmp(value, "true"))
			p->include_expired = true;
		else if (!strcmp(value, "0") || !strcmp(value, "false"))
			p->include_expired = false;
		else
			return tj_error(TJ_EINVAL, "parameter 'include_expired': unknown value "
					"'%.64s' (expected 1, 0, true, false)", value);
		return TJ_OK;
	}
	if (!strcmp(key, "posted_since")) {
		size_t len = strlen(value);

		if (len >= 2 && value[len - 1] == 'd') {
			char num[16];
			time_t t;
			struct tm tm;

			if (len - 1 >= sizeof(num))
				goto bad_date;
			memcpy(num, value, len - 1);
			num[len - 1] = '\0';
			if (!parse_int(num, 0, 36500, &n))
				goto bad_date;
			t = time(NULL) - (time_t)n * 86400;
			gmtime_r(&t, &tm);
			strftime(p->posted_since, sizeof(p->posted_since), "%Y-%m-%d", &tm);
			return TJ_OK;
		}
		if (search_parse_date(value) < 0)
			goto bad_date;
		memcpy(p->posted_since, value, 11);
		return TJ_OK;
bad_date:
		return tj_error(TJ_EINVAL, "parameter 'posted_since': '%.64s' is not a date "
				"(expected YYYY-MM-DD or a number of days such as 7d)", value);
	}
	return tj_error(TJ_ENOTFOUND, "unknown parameter '%.64s'", key);
}

enum tj_code search_params_finish(struct search_params *p)
{
	enum tj_code rc;

	search_query_release(&p->query);
	if ((rc = search_translate(p->q, p->prefix, &p->query)))
		return rc;
	/* relevance needs something to be relevant to */
	if (!p->query.match)
		p->sort = SORT_DATE;
	return TJ_OK;
}

enum tj_code search_params_settle(struct db *db, struct search_params *p)
{
	sqlite3_stmt *st = NULL;
	enum tj_code rc;
	bool row = false;

	if (!p->query.probe)
		return TJ_OK;
	rc = db_prepare(db, &st, "SELECT rowid FROM jobs_fts WHERE jobs_fts MATCH ?1 LIMIT 1");
	if (!rc)
		rc = db_bind_text(st, 1, p->query.probe);
	if (!rc)
		rc = db_step(st, &row);
	db_finalize(st);
	if (rc || !row)
		return rc;
	search_query_release(&p->query);
	return search_translate(p->q, false, &p->query);
}

/* ---- cursors (SipHash-2-4) ------------------------------------------ */

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND do { \
	v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32); \
	v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2; \
	v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0; \
	v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32); \
} while (0)

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static uint64_t siphash(const uint8_t key[16], const void *data, size_t n)
{
	const uint8_t *in = data;
	uint64_t k0 = le64(key), k1 = le64(key + 8);
	uint64_t v0 = 0x736f6d6570736575ULL ^ k0, v1 = 0x646f72616e646f6dULL ^ k1;
	uint64_t v2 = 0x6c7967656e657261ULL ^ k0, v3 = 0x7465646279746573ULL ^ k1;
	uint64_t m, last = (uint64_t)n << 56;
	size_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		m = le64(in + i);
		v3 ^= m;
		SIPROUND;
		SIPROUND;
		v0 ^= m;
	}
	for (size_t j = 0; i + j < n; j++)
		last |= (uint64_t)in[i + j] << (8 * j);
	v3 ^= last;
	SIPROUND;
	SIPROUND;
	v0 ^= last;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

/* What a cursor is bound to: the query and the filters, not the limit. */
static uint64_t params_fingerprint(const struct search_params *p, const uint8_t key[16])
{
	struct buf b;
	uint64_t h;
	bool ok;

	buf_init(&b, 0);
	ok = !buf_addf(&b, "%s\x1f%d\x1f%d\x1f%s", p->q ? p->q : "", (int)p->sort,
		       (int)p->include_expired, p->posted_since);
	for (int f = 0; f < SEARCH_N_FIELDS && ok; f++) {
		ok = !buf_addc(&b, '\x1e');
		for (int i = 0; i < p->n_values[f] && ok; i++)
			ok = !buf_addf(&b, "%s\x1f", p->values[f][i]);
	}
	/* on OOM the fingerprint is of a prefix: a later decode fails safely */
	h = siphash(key, buf_str(&b), b.len);
	buf_release(&b);
	return h;
}

#define CURSOR_BYTES 34         /* version, sort, key, id, fingerprint, mac */
static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

void search_cursor_encode(const struct search_params *p, const struct search_hit *last,
			  const uint8_t key[16], char *out)
{
	uint8_t raw[CURSOR_BYTES + 2] = { 1, (uint8_t)p->sort };
	uint64_t bits;
	size_t o = 0;

	memcpy(&bits, &last->key, sizeof(bits));
	put64(raw + 2, bits);
	put64(raw + 10, (uint64_t)last->id);
	put64(raw + 18, params_fingerprint(p, key));
	put64(raw + 26, siphash(key, raw, 26));
	for (size_t i = 0; i < CURSOR_BYTES; i += 3) {
		uint32_t v = (uint32_t)raw[i] << 16 | (uint32_t)raw[i + 1] << 8 | raw[i + 2];
		size_t chars = CURSOR_BYTES - i >= 3 ? 4 : CURSOR_BYTES - i + 1;

		for (size_t j = 0; j < chars; j++)
			out[o++] = b64url[(v >> (18 - 6 * j)) & 63];
	}
	out[o] = '\0';
}

enum tj_code search_cursor_decode(struct search_params *p, const char *cursor,
				  const uint8_t key[16])
{
	uint8_t raw[CURSOR_BYTES + 3] = { 0 };
	size_t n = strlen(cursor), bits = 0, o = 0;
	uint32_t acc = 0;
	uint64_t kbits;

	if (n != (CURSOR_BYTES * 4 + 2) / 3)
		goto bad;
	for (size_t i = 0; i < n; i++) {
		const char *c = *cursor ? strchr(b64url, cursor[i]) : NULL;

		if (!c || !cursor[i])
			goto bad;
		acc = (acc << 6) | (uint32_t)(c - b64url);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			raw[o++] = (uint8_t)(acc >> bits);
		}
	}
	if (o != CURSOR_BYTES || raw[0] != 1 || le64(raw + 26) != siphash(key, raw, 26))
		goto bad;
	if (raw[1] != (uint8_t)p->sort || le64(raw + 18) != params_fingerprint(p, key))
		return tj_error(TJ_EINVAL, "parameter 'cursor': belongs to a different query; "
				"send the same q, filters and sort as the page it came from");
	kbits = le64(raw + 2);
	memcpy(&p->after_key, &kbits, sizeof(kbits));
	p->after_id = (int64_t)le64(raw + 10);
	p->has_cursor = true;
	return TJ_OK;
bad:
	return tj_error(TJ_EINVAL, "parameter 'cursor': not a cursor this server issued "
			"(it may be altered, or from before a restart); start again without it");
}

/* ---- running a search ----------------------------------------------- */

#define RECENCY_BOOST 0.3
#define RECENCY_DAYS 30.0
/* Sort-key band of tier 0 (title/employer/city hits of a common query):
 * below every date key, which are -seconds, down to about -2e9. */
#define TIER0 (-4e9)

_Static_assert(JOBCACHE_FIELDS == SEARCH_N_FIELDS, "jobcache codes one value per search field");

/* Page candidates, kept sorted by (key asc, id desc). */
struct cand {
	double key;
	int64_t id;
};

static bool cand_before(double ka, int64_t ia, double kb, int64_t ib)
{
	return ka < kb || (ka == kb && ia > ib);
}

/* Insert into a sorted array of at most `cap` entries. */
static void cand_insert(struct cand *c, size_t *n, size_t cap, double key, int64_t id)
{
	size_t lo = 0, hi = *n;

	if (*n == cap && !cand_before(key, id, c[*n - 1].key, c[*n - 1].id))
		return;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (cand_before(c[mid].key, c[mid].id, key, id))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (*n == cap)
		(*n)--;
	memmove(c + lo + 1, c + lo, (*n - lo) * sizeof(*c));
	c[lo].key = key;
	c[lo].id = id;
	(*n)++;
}

/* One search in progress. */
struct run {
	const struct search_params *p;
	const struct jobcache *jc;
	struct db *db;
	uint16_t codes[SEARCH_N_FIELDS][SEARCH_MAX_VALUES];     /* 0: matches nothing */
	int32_t since;                  /* posted_since as days, or -1 */
	int64_t today;
	uint8_t *flag;                  /* per cache row: F_* */
	uint32_t *match;                /* cache rows matching q, ascending */
	size_t n_match;
	struct cand *cand;
	size_t n_cand, cap;
};

enum { F_PASS = 1, F_TIER0 = 2 };

/* Cache rows whose ids an FTS5 query returns, ascending; appends to *v. */
static enum tj_code fts_rows(struct run *r, const char *fts, uint32_t **v, size_t *n)
{
	sqlite3_stmt *st = NULL;
	size_t at = 0, cap = 0;
	enum tj_code rc;
	bool row;

	*v = NULL;
	*n = 0;
	if ((rc = db_prepare(r->db, &st, "SELECT rowid FROM jobs_fts WHERE jobs_fts MATCH ?1")) ||
	    (rc = db_bind_text(st, 1, fts)))
		goto out;
	while (!(rc = db_step(st, &row)) && row) {
		at = jobcache_seek(r->jc, at, sqlite3_column_int64(st, 0));
		if (at == r->jc->n)
			break;          /* newer than the snapshot */
		if (r->jc->rows[at].id != sqlite3_column_int64(st, 0))
			continue;       /* gone since the snapshot */
		if (*n == cap) {
			uint32_t *nv;

			cap = cap ? cap * 2 : 1024;
			if (!(nv = realloc(*v, cap * sizeof(**v)))) {
				rc = tj_error(TJ_ENOMEM, "out of memory");
				break;
			}
			*v = nv;
		}
		(*v)[(*n)++] = (uint32_t)at;
	}
out:
	db_finalize(st);
	if (rc) {
		free(*v);
		*v = NULL;
		*n = 0;
	}
	return rc;
}

/* Which filters does row i fail?  Bit f set = fails filter f. */
static unsigned row_fails(const struct run *r, const struct jobcache_row *row)
{
	unsigned fails = 0;

	for (int f = 0; f < SEARCH_N_FIELDS; f++) {
		bool ok = false;

		if (!r->p->n_values[f])
			continue;
		for (int i = 0; i < r->p->n_values[f] && !ok; i++)
			ok = r->codes[f][i] && row->code[f] == r->codes[f][i];
		if (!ok)
			fails |= 1u << f;
	}
	return fails;
}

static double date_key(const struct jobcache_row *row)
{
	return row->posted >= 0 ? -(double)row->posted * 86400 : -(double)row->first_seen;
}

static double recency(const struct run *r, const struct jobcache_row *row)
{
	double age = (double)(r->today - row->day);

	return 1.0 + RECENCY_BOOST / (1.0 + (age > 0 ? age : 0) / RECENCY_DAYS);
}

static void offer(struct run *r, const struct jobcache_row *row, double key)
{
	if (!r->p->has_cursor || cand_before(r->p->after_key, r->p->after_id, key, row->id))
		cand_insert(r->cand, &r->n_cand, r->cap, key, row->id);
}

/* Score the rows an FTS5 query returns with bm25 (column weights title 10,
 * employer 4, city 2, description 1) and offer those that passed. */
static enum tj_code offer_bm25(struct run *r, const char *fts)
{
	sqlite3_stmt *st = NULL;
	size_t at = 0;
	enum tj_code rc;
	bool row;

	if ((rc = db_prepare(r->db, &st, "SELECT rowid, bm25(jobs_fts, 10.0, 4.0, 2.0, 1.0)"
			     " FROM jobs_fts WHERE jobs_fts MATCH ?1")) ||
	    (rc = db_bind_text(st, 1, fts)))
		goto out;
	while (!(rc = db_step(st, &row)) && row) {
		const struct jobcache_row *jr;

		at = jobcache_seek(r->jc, at, sqlite3_column_int64(st, 0));
		if (at == r->jc->n)
			break;
		jr = &r->jc->rows[at];
		if (jr->id != sqlite3_column_int64(st, 0) || !(r->flag[at] & F_PASS))
			continue;
		offer(r, jr, sqlite3_column_double(st, 1) * recency(r, jr));
	}
out:
	db_finalize(st);
	return rc;
}

static int facet_cmp(const void *a, const void *b)
{
	const struct facet_count *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->value, y->value);
}

static enum tj_code take_facets(struct run *r, int64_t *counts[SEARCH_N_FACETS],
				struct search_result *out)
{
	for (int f = 0; f < SEARCH_N_FACETS; f++) {
		struct facet_count *v;
		size_t k = 0;

		for (size_t c = 1; c <= r->jc->n_dict[f]; c++)
			k += counts[f][c] > 0;
		if (!k)
			continue;
		if (!(v = calloc(k, sizeof(*v))))
			return tj_error(TJ_ENOMEM, "out of memory");
		out->facets[f] = v;
		k = 0;
		for (size_t c = 1; c <= r->jc->n_dict[f]; c++) {
			if (!counts[f][c])
				continue;
			/* borrowed from the cache until sorted and cut; copied below */
			v[k].value = (char *)jobcache_value(r->jc, f, (uint16_t)c);
			v[k++].count = counts[f][c];
		}
		qsort(v, k, sizeof(*v), facet_cmp);
		out->n_facets[f] = k < SEARCH_MAX_FACET ? k : SEARCH_MAX_FACET;
		for (size_t i = 0; i < out->n_facets[f]; i++)
			if (!(v[i].value = strdup(v[i].value))) {
				out->n_facets[f] = i;
				return tj_error(TJ_ENOMEM, "out of memory");
			}
	}
	return TJ_OK;
}

static char *dup_col(sqlite3_stmt *st, int i, bool *oom)
{
	const char *s = db_col_text(st, i);
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		*oom = true;
	return d;
}

/* The start of a description as a snippet when nothing in it matched. */
static enum tj_code lead_snippet(struct buf *b, const char *desc)
{
	size_t n = 0, cut = 0;
	char *copy;
	enum tj_code rc;

	if (!desc)
		return TJ_OK;
	while (desc[n] && n < 200) {
		if (desc[n] == ' ' || desc[n] == '\n')
			cut = n;
		n++;
	}
	if (!desc[n])
		cut = n;
	else if (!cut)
		cut = n;
	while (cut && (desc[cut] & 0xC0) == 0x80)
		cut--;          /* never split a UTF-8 sequence */
	if (!(copy = strndup(desc, cut)))
		return tj_error(TJ_ENOMEM, "out of memory");
	rc = search_html_escape(b, copy);
	free(copy);
	if (!rc && desc[cut])
		rc = buf_adds(b, "…");
	return rc;
}

static void hit_release(struct search_hit *h)
{
	char **s[] = { &h->title, &h->employer, &h->city, &h->url, &h->snippet, &h->language,
		       &h->intl, &h->level, &h->type, &h->date_posted, &h->state, &h->remote,
		       &h->advertiser };

	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		free(*s[i]);
		*s[i] = NULL;
	}
}

/*
 * Snippets for all hits of the page in one statement, used when q has a
 * prefix term.  One statement per hit (MATCH ... AND rowid = ?) would set
 * the query up again for each: for a prefix longer than the prefix indexes
 * that means merging the doclists of every word with that prefix, 20 times.  Instead FTS5 walks the matches between the smallest
 * and largest id once (rowids only), and the unary + keeps the IN list from
 * being used as 20 separate lookups; snippet() runs for the listed rows only.
 */
static enum tj_code fetch_snippets(struct db *db, const char *match, struct search_result *r)
{
	sqlite3_stmt *st = NULL;
	struct buf ids, b;
	int64_t lo = INT64_MAX, hi = INT64_MIN;
	enum tj_code rc = TJ_OK;
	bool row;

	buf_init(&ids, 0);
	buf_init(&b, 0);
	for (size_t i = 0; i < r->n_hits && !rc; i++) {
		lo = r->hits[i].id < lo ? r->hits[i].id : lo;
		hi = r->hits[i].id > hi ? r->hits[i].id : hi;
		rc = buf_addf(&ids, "%s%lld", i ? "," : "[", (long long)r->hits[i].id);
	}
	if (!rc && r->n_hits)
		rc = buf_addc(&ids, ']');
	if (rc || !r->n_hits)
		goto out;
	if ((rc = db_prepare(db, &st, "SELECT rowid, tj_snippet(jobs_fts, 3, char(1), char(2), '…', 24)"
			     " FROM jobs_fts WHERE jobs_fts MATCH ?1 AND rowid BETWEEN ?2 AND ?3"
			     " AND +rowid IN (SELECT value FROM json_each(?4))")) ||
	    (rc = db_bind_text(st, 1, match)) || (rc = db_bind_int(st, 2, lo)) ||
	    (rc = db_bind_int(st, 3, hi)) || (rc = db_bind_text(st, 4, buf_str(&ids))))
		goto out;
	while (!rc && !(rc = db_step(st, &row)) && row) {
		int64_t id = sqlite3_column_int64(st, 0);

		for (size_t i = 0; i < r->n_hits && !rc; i++) {
			if (r->hits[i].id != id)
				continue;
			buf_reset(&b);
			rc = search_html_escape(&b, db_col_text(st, 1) ? db_col_text(st, 1) : "");
			if (!rc) {
				free(r->hits[i].snippet);
				if (!(r->hits[i].snippet = buf_detach(&b, NULL)))
					rc = tj_error(TJ_ENOMEM, "out of memory");
			}
		}
	}
out:
	db_finalize(st);
	buf_release(&ids);
	buf_release(&b);
	return rc;
}

/* Snippets one hit at a time: FTS5 seeks each id in the doclists, about
 * 0.1 ms a hit, when no prefix term has to be set up again per statement. */
static enum tj_code fetch_snippet_each(struct db *db, const char *match, struct search_result *r)
{
	sqlite3_stmt *st = NULL;
	struct buf b;
	enum tj_code rc;
	bool row;

	buf_init(&b, 0);
	rc = db_prepare(db, &st, "SELECT tj_snippet(jobs_fts, 3, char(1), char(2), '…', 24)"
			" FROM jobs_fts WHERE jobs_fts MATCH ?1 AND rowid = ?2");
	if (!rc)
		rc = db_bind_text(st, 1, match);
	for (size_t i = 0; i < r->n_hits && !rc; i++) {
		sqlite3_reset(st);
		if ((rc = db_bind_int(st, 2, r->hits[i].id)) || (rc = db_step(st, &row)) || !row)
			continue;
		buf_reset(&b);
		rc = search_html_escape(&b, db_col_text(st, 0) ? db_col_text(st, 0) : "");
		if (!rc) {
			free(r->hits[i].snippet);
			if (!(r->hits[i].snippet = buf_detach(&b, NULL)))
				rc = tj_error(TJ_ENOMEM, "out of memory");
		}
	}
	db_finalize(st);
	buf_release(&b);
	return rc;
}

/*
 * A page of more than SNIPPET_EACH_MAX hits takes its snippets in one
 * statement when the query has at most SNIPPET_WALK_PER_HIT matches per
 * hit: walking those matches once is then cheaper than seeking every hit.
 * Server CPU per request, measured: `wound care` limit 50 at 10k (807
 * matches) 5.3 -> 3.8 ms, `radar` limit 100 (607) 5.1 -> 4.3 ms; past
 * the ratio the walk loses (at 100k, `wound care` limit 50, 8053
 * matches: 12.8 ms seeking, 15.1 walking).
 */
#define SNIPPET_EACH_MAX 20
#define SNIPPET_WALK_PER_HIT 50

static enum tj_code fetch_hits(struct db *db, const struct search_params *p,
			       const struct cand *c, size_t n, struct search_result *r)
{
	sqlite3_stmt *row = NULL;
	struct buf b;
	enum tj_code rc;
	bool found, oom = false;

	buf_init(&b, 0);
	rc = db_prepare(db, &row,
			"SELECT title, employer, city, url, language, intl_label, dutch_required,"
			" level, employment_type, date_posted, first_seen, state, remote,"
			" CASE WHEN ?2 THEN substr(description, 1, 400) END,"
			" coalesce(advertiser, (SELECT s.advertiser FROM sources s WHERE s.id = source_id),"
			"  'employer')"
			" FROM jobs WHERE id = ?1");
	/* the lead of the description only when no q snippet replaces it:
	 * reading it walks the description's overflow pages */
	if (!rc)
		rc = db_bind_int(row, 2, !p->query.match);
	if (!rc && n && !(r->hits = calloc(n, sizeof(*r->hits))))
		rc = tj_error(TJ_ENOMEM, "out of memory");
	for (size_t i = 0; i < n && !rc; i++) {
		struct search_hit *h = &r->hits[r->n_hits];

		sqlite3_reset(row);
		if ((rc = db_bind_int(row, 1, c[i].id)) || (rc = db_step(row, &found)))
			break;
		if (!found)
			continue;       /* deleted between the scan and now */
		r->n_hits++;
		h->id = c[i].id;
		h->key = c[i].key;
		h->title = dup_col(row, 0, &oom);
		h->employer = dup_col(row, 1, &oom);
		h->city = dup_col(row, 2, &oom);
		h->url = dup_col(row, 3, &oom);
		h->language = dup_col(row, 4, &oom);
		h->intl = dup_col(row, 5, &oom);
		h->dutch_required = sqlite3_column_type(row, 6) == SQLITE_NULL ? -1 :
				    sqlite3_column_int(row, 6) != 0;
		h->level = dup_col(row, 7, &oom);
		h->type = dup_col(row, 8, &oom);
		h->date_posted = dup_col(row, 9, &oom);
		h->first_seen = sqlite3_column_int64(row, 10);
		h->state = dup_col(row, 11, &oom);
		h->remote = dup_col(row, 12, &oom);
		h->advertiser = dup_col(row, 14, &oom);
		/* the lead of the description; replaced below when q matched in it */
		buf_reset(&b);
		rc = lead_snippet(&b, db_col_text(row, 13));
		if (!rc && !(h->snippet = buf_detach(&b, NULL)))
			oom = true;
		if (oom)
			rc = tj_error(TJ_ENOMEM, "out of memory");
	}
	buf_release(&b);
	db_finalize(row);
	if (!rc && p->query.match)
		rc = p->query.probe || (r->n_hits > SNIPPET_EACH_MAX &&
					r->total <= SNIPPET_WALK_PER_HIT * (int64_t)r->n_hits)
		     ? fetch_snippets(db, p->query.match, r) : fetch_snippet_each(db, p->query.match, r);
	return rc;
}

void search_result_release(struct search_result *r)
{
	for (size_t i = 0; i < r->n_hits; i++)
		hit_release(&r->hits[i]);
	free(r->hits);
	for (int f = 0; f < SEARCH_N_FACETS; f++) {
		for (size_t i = 0; i < r->n_facets[f]; i++)
			free(r->facets[f][i].value);
		free(r->facets[f]);
	}
	memset(r, 0, sizeof(*r));
}

enum tj_code search_run(struct db *db, struct jobcache *jc, const struct search_params *p,
			struct search_result *out)
{
	struct run r = { .p = p, .db = db, .since = -1, .today = db_now() / 86400 };
	struct jobcache *own = NULL;
	int64_t *counts[SEARCH_N_FACETS] = { 0 };
	uint32_t *excl = NULL, *tier0 = NULL;
	size_t n_excl = 0, n_tier0 = 0;
	enum tj_code rc;
	bool oom;

	memset(out, 0, sizeof(*out));
	if (!jc && (rc = jobcache_build(db, &own)))
		return rc;
	r.jc = jc ? jc : own;
	r.cap = (size_t)p->limit + 1;
	for (int f = 0; f < SEARCH_N_FIELDS; f++)
		for (int i = 0; i < p->n_values[f]; i++)
			r.codes[f][i] = jobcache_code(r.jc, f, p->values[f][i]);
	if (p->posted_since[0])
		r.since = (int32_t)search_parse_date(p->posted_since);
	r.flag = calloc(r.jc->n ? r.jc->n : 1, 1);
	r.cand = calloc(r.cap, sizeof(*r.cand));
	for (int f = 0; f < SEARCH_N_FACETS; f++)
		counts[f] = calloc(r.jc->n_dict[f] + 1, sizeof(**counts));
	oom = !r.flag || !r.cand;
	for (int f = 0; f < SEARCH_N_FACETS; f++)
		oom |= !counts[f];
	if (oom) {
		rc = tj_error(TJ_ENOMEM, "out of memory");
		goto out;
	}

	/* 1. the matching rows: FTS5 rowids only, no ranking, no join */
	if (p->query.match) {
		if ((rc = fts_rows(&r, p->query.match, &r.match, &r.n_match)))
			goto out;
	} else {
		if (p->query.exclude && (rc = fts_rows(&r, p->query.exclude, &excl, &n_excl)))
			goto out;
		if (!(r.match = malloc((r.jc->n ? r.jc->n : 1) * sizeof(*r.match)))) {
			rc = tj_error(TJ_ENOMEM, "out of memory");
			goto out;
		}
		for (size_t i = 0, x = 0; i < r.jc->n; i++) {
			while (x < n_excl && excl[x] < i)
				x++;
			if (x < n_excl && excl[x] == i)
				continue;
			r.match[r.n_match++] = (uint32_t)i;
		}
	}

	/* 2. filters, total and facets in one pass over the cache */
	for (size_t k = 0; k < r.n_match; k++) {
		const struct jobcache_row *row = &r.jc->rows[r.match[k]];
		unsigned fails;

		if (!(row->state == JC_ACTIVE || (p->include_expired && row->state == JC_EXPIRED)) ||
		    row->day < r.since)
			continue;
		fails = row_fails(&r, row);
		if (!fails) {
			out->total++;
			r.flag[r.match[k]] = F_PASS;
			for (int f = 0; f < SEARCH_N_FACETS; f++)
				counts[f][row->code[f]]++;
		} else if (!(fails & (fails - 1))) {
			int f = __builtin_ctz(fails);

			if (f < SEARCH_N_FACETS)
				counts[f][row->code[f]]++;
		}
	}
	if ((rc = take_facets(&r, counts, out)))
		goto out;

	/*
	 * 3. the page.  By date: straight from the cache.  By relevance: a
	 * query matching few rows is scored whole with bm25.  A common one is
	 * ranked in two phases so that no word matching most postings makes us
	 * score every match: tier 0 is the rows matching in the short columns
	 * (title, employer, city), newest first; every other match follows,
	 * newest first.  (bm25 even on a small tier 0 costs a scan of each
	 * term's whole doclist for its IDF - 2.5 ms per common word at 10k.)
	 */
	if (p->sort == SORT_DATE || !p->query.match) {
		for (size_t k = 0; k < r.n_match; k++)
			if (r.flag[r.match[k]] & F_PASS)
				offer(&r, &r.jc->rows[r.match[k]], date_key(&r.jc->rows[r.match[k]]));
	} else if (r.n_match <= (size_t)p->score_all) {
		rc = offer_bm25(&r, p->query.match);
	} else {
		if ((rc = fts_rows(&r, p->query.tier0, &tier0, &n_tier0)))
			goto out;
		for (size_t k = 0; k < n_tier0; k++)
			r.flag[tier0[k]] |= F_TIER0;
		for (size_t k = 0; k < r.n_match; k++) {
			const struct jobcache_row *row = &r.jc->rows[r.match[k]];
			uint8_t fl = r.flag[r.match[k]];

			if (fl & F_PASS)
				offer(&r, row, (fl & F_TIER0 ? TIER0 : 0.0) + date_key(row));
		}
	}
	if (rc)
		goto out;
	out->more = r.n_cand == r.cap;
	rc = fetch_hits(db, p, r.cand, r.n_cand < r.cap ? r.n_cand : r.cap - 1, out);
out:
	for (int f = 0; f < SEARCH_N_FACETS; f++)
		free(counts[f]);
	free(r.flag);
	free(r.cand);
	free(r.match);
	free(excl);
	free(tier0);
	jobcache_unref(own);
	if (rc)
		search_result_release(out);
	return rc;
}

enum tj_code search_suggest(struct db *db, const char *text, int limit, char ***titles,
			    int64_t **counts, size_t *n)
{
	struct search_query q;
	sqlite3_stmt *st = NULL;
	enum tj_code rc;
	bool row;

	*titles = NULL;
	*counts = NULL;
	*n = 0;
	if ((rc = search_translate(text, true, &q)))
		return rc;
	if (!q.suggest)
		goto out;
	*titles = calloc((size_t)limit, sizeof(**titles));
	*counts = calloc((size_t)limit, sizeof(**counts));
	if (!*titles || !*counts) {
		rc = tj_error(TJ_ENOMEM, "out of memory");
		goto out;
	}
	rc = db_prepare(db, &st,
			"SELECT j.title, count(*) AS n FROM jobs_fts JOIN jobs j ON j.id = jobs_fts.rowid"
			" WHERE jobs_fts MATCH ?1 AND j.state = 'active'"
			" GROUP BY j.title ORDER BY n DESC, j.title LIMIT ?2");
	if (!rc && !(rc = db_bind_text(st, 1, q.suggest)))
		rc = db_bind_int(st, 2, limit);
	while (!rc && !(rc = db_step(st, &row)) && row) {
		if (!((*titles)[*n] = strdup(db_col_text(st, 0) ? db_col_text(st, 0) : ""))) {
			rc = tj_error(TJ_ENOMEM, "out of memory");
			break;
		}
		(*counts)[(*n)++] = sqlite3_column_int64(st, 1);
	}
out:
	db_finalize(st);
	search_query_release(&q);
	if (rc) {
		for (size_t i = 0; *titles && i < *n; i++)
			free((*titles)[i]);
		free(*titles);
		free(*counts);
		*titles = NULL;
		*counts = NULL;
		*n = 0;
	}
	return rc;
}
