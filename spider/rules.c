/*
 * rules.c - load and validate per-source crawl rules; `twentejobs rules`.
 *
 * A rule file is one JSON object (rules/README.md is the curator's guide
 * and the reference for every key).  Loading is three steps:
 *
 *   1. jansson parses the text with JSON_REJECT_DUPLICATES.  Its error
 *      carries a byte position just past the offending token; we step back
 *      over the token so the column points at its start, and rephrase the
 *      common slips (trailing comma, comments, single quotes, missing comma)
 *      in words a curator recognises.
 *   2. The top-level keys are checked in document order against one table
 *      (`top_keys`), so the first error reported is the first in the file.
 *      Each handler checks type and range and copies the value into
 *      struct rule.  Unknown keys (and values of closed sets: strategy,
 *      selector fields, ...) get a "did you mean" when a known name is
 *      within edit distance 2, case-insensitive, a swap of neighbours
 *      counting 1 (optimal string alignment: "titel" -> "title").
 *   3. Cross-key checks: required keys, the entry point (start_urls,
 *      sitemaps or an ATS feed), selectors iff strategy "selectors", feed
 *      iff an ATS strategy.
 *
 * Positions.  jansson keeps no positions for values, so semantic errors are
 * located afterwards by `locate()`, a small scanner that walks the raw text
 * (known to be valid JSON by then) along a key path such as
 * follow -> [2] and returns the byte offset of that key or value.  For a
 * pattern that does not compile, pcre2's error offset (in pattern bytes) is
 * mapped back through the JSON string's escapes, so the column points at
 * the offending character in the file.  Columns count UTF-8 characters
 * (as jansson and most editors do), lines count '\n'.  When locating fails
 * the message still names the key path and says 1:1.
 *
 * URLs are checked with libcurl's URL parser - the same one the fetcher
 * uses - after our own check for an explicit http(s) scheme and host,
 * because curl alone accepts "https:///path".
 *
 * Matching uses pcre2 compiled with PCRE2_UTF | PCRE2_MATCH_INVALID_UTF
 * (a URL with broken UTF-8 simply does not match, it never errors) and JIT
 * when available.  Match data is allocated per call, so a rule is shared
 * by crawler threads without locks.
 *
 * `rules check` loads each file on its own so one run reports every broken
 * file; `rules check --page` classifies a URL against a rule (start URL,
 * follow, detail, as rules/README.md defines them) and hands the saved page
 * to the extractor (or an ATS rule's saved feed to feed_extract()), then
 * prints each posting field by field.
 *
 * Selectors are compiled here, once (spider/select.c for the CSS, pcre2 for
 * a field's regex), and kept in r->sel[] for the extractor; a CSS error is
 * located at the offending character of the string, like a pattern's.
 *
 * Limits: a rule file is at most RULE_MAX_BYTES (1 MiB).  The
 * id/file-name check and --page's URL normalisation are best effort (see
 * normalise_url()).
 */
#include "rules.h"

#include <ctype.h>
#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "extract.h"
#include "feeds.h"
#include "log.h"
#include "normalize.h"
#include "paths.h"
#include "select.h"

#define NO_POS ((size_t)-1)
#define SHOW_MAX 72             /* a user string quoted in a message */
#define PAGE_MAX ((size_t)32 << 20)

/* ------------------------------------------------------------------ */
/* Key paths and positions                                             */

/* One step of a key path: an object member, or an array index (key NULL). */
struct step {
	const char *key;
	size_t index;
};

#define PATH_DEPTH 4            /* deepest in the format: selectors.title.regex */

struct path {
	struct step s[PATH_DEPTH];
	size_t n;
};

static struct path path_key(const struct path *p, const char *key)
{
	struct path q = *p;

	if (q.n < PATH_DEPTH) {
		q.s[q.n].key = key;
		q.s[q.n].index = 0;
		q.n++;
	}
	return q;
}

static struct path path_index(const struct path *p, size_t i)
{
	struct path q = *p;

	if (q.n < PATH_DEPTH) {
		q.s[q.n].key = NULL;
		q.s[q.n].index = i;
		q.n++;
	}
	return q;
}

/* What we are loading, for messages. */
struct loader {
	const char *name;       /* file name as given */
	const char *text;       /* raw text, after any BOM */
	size_t len;
	struct rule *r;
	bool has_start_urls;
};

static void skip_ws(const char **p, const char *e)
{
	while (*p < e && (**p == ' ' || **p == '\t' || **p == '\n' || **p == '\r'))
		(*p)++;
}

/* At a '"': move past the closing quote. */
static bool skip_string(const char **p, const char *e)
{
	const char *q = *p + 1;

	while (q < e && *q != '"')
		q += (*q == '\\' && q + 1 < e) ? 2 : 1;
	if (q >= e)
		return false;
	*p = q + 1;
	return true;
}

static bool is_delim(char c)
{
	switch (c) {
	case ' ': case '\t': case '\r': case '\n': case ',': case ':':
	case '[': case ']': case '{': case '}': case '"': case '\0':
		return true;
	}
	return false;
}

/* Move past one JSON value of any kind; iterative, so depth costs nothing. */
static bool skip_value(const char **p, const char *e)
{
	size_t depth = 0;

	do {
		const char *start;

		skip_ws(p, e);
		if (*p >= e)
			return false;
		start = *p;
		switch (**p) {
		case '"':
			if (!skip_string(p, e))
				return false;
			break;
		case '{': case '[':
			depth++;
			(*p)++;
			break;
		case '}': case ']':
			if (!depth--)
				return false;
			(*p)++;
			break;
		case ',': case ':':
			if (!depth)
				return false;
			(*p)++;
			break;
		default:
			while (*p < e && !is_delim(**p))
				(*p)++;
			if (*p == start)
				return false;
		}
	} while (depth);
	return true;
}

/* Does the raw JSON string [s, e) (quotes included) decode to key? */
static bool key_equals(const char *s, const char *e, const char *key)
{
	size_t n = (size_t)(e - s) - 2;
	json_t *j;
	bool eq;

	if (!memchr(s + 1, '\\', n))
		return strlen(key) == n && !memcmp(s + 1, key, n);
	/* escapes are rare in keys: let jansson decode them */
	j = json_loadb(s, (size_t)(e - s), JSON_DECODE_ANY, NULL);
	eq = j && json_is_string(j) && json_string_length(j) == strlen(key) &&
	     !memcmp(json_string_value(j), key, strlen(key));
	json_decref(j);
	return eq;
}

/*
 * Byte offset of the value at path (or of its key, if at_key and the last
 * step is a member) in the raw text; NO_POS if it cannot be found.  An
 * empty path is the top-level value.
 */
static size_t locate(const struct loader *ld, const struct path *path, bool at_key)
{
	const char *p = ld->text, *e = ld->text + ld->len, *key_at = NULL;

	skip_ws(&p, e);
	for (size_t i = 0; i < path->n; i++) {
		const struct step *st = &path->s[i];

		if (p >= e || *p != (st->key ? '{' : '['))
			return NO_POS;
		p++;
		key_at = NULL;
		for (size_t k = 0;; k++) {
			skip_ws(&p, e);
			if (p >= e || *p == '}' || *p == ']')
				return NO_POS;
			if (st->key) {
				const char *ks = p;
				bool hit;

				if (*p != '"' || !skip_string(&p, e))
					return NO_POS;
				hit = key_equals(ks, p, st->key);
				skip_ws(&p, e);
				if (p >= e || *p != ':')
					return NO_POS;
				p++;
				skip_ws(&p, e);
				if (hit) {
					key_at = ks;
					break;
				}
			} else if (k == st->index) {
				break;
			}
			if (!skip_value(&p, e))
				return NO_POS;
			skip_ws(&p, e);
			if (p >= e || *p != ',')
				return NO_POS;
			p++;
		}
	}
	if (at_key && key_at)
		return (size_t)(key_at - ld->text);
	return (size_t)(p - ld->text);
}

static unsigned hexval(char c)
{
	if (c >= '0' && c <= '9')
		return (unsigned)(c - '0');
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10) : 0;
}

/*
 * The string value starts at pos (its '"'); return the raw offset of its
 * decoded byte `off`, stepping through escapes ("\\." is one byte, "\u00e9"
 * two, a surrogate pair four).
 */
static size_t string_offset(const struct loader *ld, size_t pos, size_t off)
{
	const char *q = ld->text + pos + 1, *e = ld->text + ld->len;
	size_t dec = 0;

	if (pos >= ld->len || ld->text[pos] != '"')
		return pos;
	while (q < e && *q != '"' && dec < off) {
		size_t raw = 1, bytes = 1;

		if (*q == '\\' && q + 1 < e) {
			raw = 2;
			if (q[1] == 'u' && e - q >= 6) {
				unsigned cp = hexval(q[2]) << 12 | hexval(q[3]) << 8 |
					      hexval(q[4]) << 4 | hexval(q[5]);

				raw = 6;
				if (cp >= 0xD800 && cp < 0xDC00 && e - q >= 12 && q[6] == '\\' && q[7] == 'u') {
					raw = 12;
					bytes = 4;
				} else {
					bytes = cp < 0x80 ? 1 : cp < 0x800 ? 2 : 3;
				}
			}
		}
		q += raw;
		dec += bytes;
	}
	return (size_t)(q - ld->text);
}

/* 1-based line and column (in characters) of byte offset pos; 1:1 for NO_POS. */
static void line_col(const char *text, size_t len, size_t pos, unsigned *line, unsigned *col)
{
	*line = 1;
	*col = 1;
	if (pos == NO_POS)
		return;
	if (pos > len)
		pos = len;
	for (size_t i = 0; i < pos; i++) {
		if (text[i] == '\n') {
			++*line;
			*col = 1;
		} else if (((unsigned char)text[i] & 0xC0) != 0x80) {
			++*col;
		}
	}
}

/* Append to a fixed buffer, truncating silently. */
static void append(char *out, size_t size, size_t *o, const char *fmt, ...) TJ_PRINTF(4, 5);
static void append(char *out, size_t size, size_t *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*o >= size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(out + *o, size - *o, fmt, ap);
	va_end(ap);
	if (n > 0)
		*o = *o + (size_t)n >= size ? size - 1 : *o + (size_t)n;
}

/* The first n steps as 'follow'[2] or 'selectors.title.regex'. */
static void path_text(const struct path *p, size_t n, char *out, size_t size)
{
	size_t o = 0;
	bool open = false;

	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (p->s[i].key) {
			if (open)
				append(out, size, &o, ".");
			else
				append(out, size, &o, "%s'", i ? "." : "");
			append(out, size, &o, "%s", p->s[i].key);
			open = true;
		} else {
			append(out, size, &o, "%s[%zu]", open ? "'" : "", p->s[i].index);
			open = false;
		}
	}
	if (open)
		append(out, size, &o, "'");
}

/* A user-supplied string, made printable and short for a message. */
static const char *show(char *dst, size_t size, const char *s)
{
	size_t o = 0;

	while (*s) {
		unsigned char c = (unsigned char)*s;
		char esc[8];
		const char *piece = s;
		size_t n = 1;

		if (c < 0x20 || c == 0x7f) {
			snprintf(esc, sizeof(esc), "\\x%02x", c);
			piece = esc;
			n = 4;
			s++;
		} else {
			if (c >= 0x80)
				while (n < 4 && ((unsigned char)s[n] & 0xC0) == 0x80)
					n++;
			s += n;
		}
		if (o + n + 4 > size) {
			memcpy(dst + o, "...", 3);
			o += 3;
			break;
		}
		memcpy(dst + o, piece, n);
		o += n;
	}
	dst[o] = '\0';
	return dst;
}

enum {
	AT_KEY = 1,     /* point at the key rather than its value */
	PARENT = 2,     /* name the enclosing path, not the key itself */
	WARNING = 4,
};

static void vformat_at(const struct loader *ld, const struct path *path, unsigned flags,
		       size_t str_off, char *out, size_t size, const char *fmt, va_list ap)
{
	char msg[640], where[160];
	unsigned line, col;
	size_t pos = locate(ld, path, flags & AT_KEY);

	if (pos != NO_POS && str_off != NO_POS)
		pos = string_offset(ld, pos, str_off);
	line_col(ld->text, ld->len, pos, &line, &col);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	path_text(path, (flags & PARENT) && path->n ? path->n - 1 : path->n, where, sizeof(where));
	snprintf(out, size, "%s:%u:%u: %s%s%s%s", ld->name, line, col,
		 flags & WARNING ? "warning: " : "", where, *where ? ": " : "", msg);
}

/* Record a validation error at path; returns TJ_EPARSE. */
static enum tj_code fail_at(const struct loader *ld, const struct path *path, unsigned flags,
			    size_t str_off, const char *fmt, ...) TJ_PRINTF(5, 6);
static enum tj_code fail_at(const struct loader *ld, const struct path *path, unsigned flags,
			    size_t str_off, const char *fmt, ...)
{
	char out[1024];
	va_list ap;

	va_start(ap, fmt);
	vformat_at(ld, path, flags, str_off, out, sizeof(out), fmt, ap);
	va_end(ap);
	return tj_error(TJ_EPARSE, "%s", out);
}

#define fail(ld, path, ...) fail_at(ld, path, 0, NO_POS, __VA_ARGS__)

static enum tj_code oom(const struct loader *ld)
{
	return tj_error(TJ_ENOMEM, "%s: out of memory loading the rule", ld->name);
}

/* Add a warning to the rule being loaded. */
static enum tj_code warn_at(const struct loader *ld, const struct path *path, const char *fmt, ...)
	TJ_PRINTF(3, 4);
static enum tj_code warn_at(const struct loader *ld, const struct path *path, const char *fmt, ...)
{
	struct rule *r = ld->r;
	char out[1024], **v, *s;
	va_list ap;

	va_start(ap, fmt);
	vformat_at(ld, path, WARNING, NO_POS, out, sizeof(out), fmt, ap);
	va_end(ap);
	v = realloc(r->warnings, (r->n_warnings + 1) * sizeof(*v));
	if (!v)
		return oom(ld);
	r->warnings = v;
	if (!(s = strdup(out)))
		return oom(ld);
	v[r->n_warnings++] = s;
	return TJ_OK;
}

/* ------------------------------------------------------------------ */
/* JSON syntax errors                                                  */

/* The previous non-blank byte before pos, or NO_POS. */
static size_t prev_nonblank(const struct loader *ld, size_t pos)
{
	while (pos > 0) {
		char c = ld->text[--pos];

		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			return pos;
	}
	return NO_POS;
}

static bool all_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return false;
	return true;
}

static enum tj_code json_fail(const struct loader *ld, const json_error_t *je)
{
	const char *text = je->text, *near = NULL, *q, *tok = NULL;
	size_t toklen = 0, what_len = strlen(text), pos = NO_POS, p;
	char shown[SHOW_MAX], tokbuf[sizeof(je->text)];
	unsigned line, col;

	if (all_blank(ld->text, ld->len))
		return tj_error(TJ_EPARSE, "%s:1:1: the file is empty; a rule is a JSON object { ... }",
				ld->name);
	/* jansson stops at a NUL byte and calls it the end of the file */
	p = je->position < 0 ? 0 : (size_t)je->position;
	if ((q = memchr(ld->text, '\0', ld->len)) && (size_t)(q - ld->text) <= p) {
		line_col(ld->text, ld->len, (size_t)(q - ld->text), &line, &col);
		return tj_error(TJ_EPARSE, "%s:%u:%u: invalid JSON: NUL byte in the text (is it UTF-16?"
				" save it as UTF-8)", ld->name, line, col);
	}
	for (q = text; (q = strstr(q, " near ")); q++)
		near = q;
	if (near) {
		what_len = (size_t)(near - text);
		if (near[6] == '\'' && text[strlen(text) - 1] == '\'' && strlen(near) >= 8) {
			tok = near + 7;
			toklen = strlen(tok) - 1;
		}
	}
	/* jansson's position is just past the token: step back to its start */
	if (p > ld->len)
		p = ld->len;
	if (tok && toklen <= p && !memcmp(ld->text + p - toklen, tok, toklen))
		pos = p - toklen;
	else if (!tok && near)  /* "near end of file" */
		pos = p;
	if (tok) {
		memcpy(tokbuf, tok, toklen);
		tokbuf[toklen] = '\0';
		tok = tokbuf;
	}

	if (pos == NO_POS) {
		line = je->line > 0 ? (unsigned)je->line : 1;
		col = je->column > 0 ? (unsigned)je->column : 1;
	} else {
		line_col(ld->text, ld->len, pos, &line, &col);
	}
#define JFAIL(...) do { \
		char m_[768]; \
		snprintf(m_, sizeof(m_), __VA_ARGS__); \
		return tj_error(TJ_EPARSE, "%s:%u:%u: %s", ld->name, line, col, m_); \
	} while (0)

	if (json_error_code(je) == json_error_duplicate_key && tok && toklen >= 2) {
		tokbuf[toklen - 1] = '\0';
		JFAIL("duplicate key '%s'", show(shown, sizeof(shown), tokbuf + 1));
	}
	if (pos != NO_POS && tok && (!strcmp(tok, "}") || !strcmp(tok, "]"))) {
		size_t c = prev_nonblank(ld, pos);

		if (c != NO_POS && ld->text[c] == ',') {
			line_col(ld->text, ld->len, c, &line, &col);
			JFAIL("invalid JSON: trailing comma before '%s' (JSON allows none)", tok);
		}
	}
	if (json_error_code(je) == json_error_invalid_utf8)
		JFAIL("invalid JSON: the text is not UTF-8 (%.*s); save the file as UTF-8",
		      (int)what_len, text);
	if (tok && !strncmp(text, "'[' or '{' expected", what_len))
		JFAIL("invalid JSON: a rule file starts with '{', not '%s'", show(shown, sizeof(shown), tok));
	if (tok && tok[0] == '/')
		JFAIL("invalid JSON: comments are not allowed (put remarks in \"notes\")");
	if (tok && tok[0] == '\'')
		JFAIL("invalid JSON: strings and keys take double quotes, not single quotes");
	if (tok && !strncmp(text, "string or '}' expected", what_len) && isalpha((unsigned char)tok[0]))
		JFAIL("invalid JSON: key '%s' needs double quotes", show(shown, sizeof(shown), tok));
	if (tok && (!strncmp(text, "'}' expected", what_len) || !strncmp(text, "']' expected", what_len)))
		JFAIL("invalid JSON: expected ',' or '%c' before '%s' (missing comma?)", text[1],
		      show(shown, sizeof(shown), tok));
	if (tok)
		JFAIL("invalid JSON: %.*s near '%s'", (int)what_len, text, show(shown, sizeof(shown), tok));
	JFAIL("invalid JSON: %s", text);
#undef JFAIL
}

/* ------------------------------------------------------------------ */
/* Value checkers                                                      */

static const char *type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a real number";
	case JSON_TRUE: return "true";
	case JSON_FALSE: return "false";
	case JSON_NULL: return "null";
	}
	return "something else";
}

static enum tj_code wrong_type(const struct loader *ld, const struct path *p, const json_t *v,
			       const char *expected)
{
	return fail(ld, p, "expected %s, got %s%s", expected, type_name(v),
		    json_is_null(v) ? " (leave out a key that has no value)" : "");
}

static bool same_ci(char a, char b)
{
	return tolower((unsigned char)a) == tolower((unsigned char)b);
}

/*
 * Case-insensitive edit distance where swapping two neighbours costs one
 * (optimal string alignment), so "titel" is nearer "title" than "item".
 * SIZE_MAX for words too long to be a key.
 */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), d[33][33];

	if (la > 32 || lb > 32)
		return SIZE_MAX;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			size_t v = d[i - 1][j - 1] + !same_ci(a[i - 1], b[j - 1]);

			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && same_ci(a[i - 1], b[j - 2]) && same_ci(a[i - 2], b[j - 1]) &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return d[la][lb];
}

/* The closest of names (distance <= 2 and less than its length), or NULL. */
static const char *suggest(const char *word, const char *const *names, size_t n)
{
	const char *best = NULL;
	size_t bd = 3;

	for (size_t i = 0; i < n; i++) {
		size_t d = distance(word, names[i]);

		if (d < bd && d < strlen(names[i])) {
			bd = d;
			best = names[i];
		}
	}
	return best;
}

/* "(did you mean 'x'?)" or alt, in buf. */
static const char *hint(char *buf, size_t size, const char *word, const char *const *names,
			size_t n, const char *alt)
{
	const char *s = suggest(word, names, n);

	if (s)
		snprintf(buf, size, " (did you mean '%s'?)", s);
	else
		snprintf(buf, size, "%s", alt);
	return buf;
}

/* "a, b, c" */
static const char *join_names(char *buf, size_t size, const char *const *names, size_t n)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n; i++)
		append(buf, size, &o, "%s%s", i ? ", " : "", names[i]);
	return buf;
}

static bool is_blank(const char *s)
{
	for (; *s; s++)
		if (!isspace((unsigned char)*s))
			return false;
	return true;
}

static enum tj_code get_string(const struct loader *ld, const struct path *p, const json_t *v,
			       bool nonblank, char **out)
{
	if (!json_is_string(v))
		return wrong_type(ld, p, v, "a string");
	if (nonblank && is_blank(json_string_value(v)))
		return fail(ld, p, "must not be empty");
	free(*out);
	if (!(*out = strdup(json_string_value(v))))
		return oom(ld);
	return TJ_OK;
}

/* NULL if u is an absolute http(s) URL with a host, else why not (our
 * reasons start lowercase, curl's capitalised). */
static const char *url_problem(const char *u)
{
	static const char *const bad = "is not an absolute http(s) URL (it must start with https:// or http://)";
	const char *rest;
	CURLU *h;
	CURLUcode uc;
	char *user = NULL;
	const char *why = NULL;

	if (!strncasecmp(u, "https://", 8))
		rest = u + 8;
	else if (!strncasecmp(u, "http://", 7))
		rest = u + 7;
	else
		return bad;
	if (!*rest || strchr("/?#", *rest))
		return "has no host name";
	for (const char *q = u; *q; q++)
		if ((unsigned char)*q <= 0x20 || *q == 0x7f)
			return "contains a space or control character (percent-encode it)";
	if (!(h = curl_url()))
		return "could not be checked (out of memory)";
	uc = curl_url_set(h, CURLUPART_URL, u, 0);
	if (uc == CURLUE_OK && curl_url_get(h, CURLUPART_USER, &user, 0) == CURLUE_OK && user)
		why = "must not contain a user name or password";
	else if (uc != CURLUE_OK)
		why = curl_url_strerror(uc);
	curl_free(user);
	curl_url_cleanup(h);
	return why;
}

static enum tj_code get_url(const struct loader *ld, const struct path *p, const json_t *v, char **out)
{
	char shown[SHOW_MAX];
	const char *why;

	if (!json_is_string(v))
		return wrong_type(ld, p, v, "a URL string");
	if ((why = url_problem(json_string_value(v)))) {
		/* ours read "'URL' is not ...", curl's are capitalised sentences:
		 * "'URL': port number was not ..." */
		bool curl = islower((unsigned char)why[0]) == 0;

		return fail(ld, p, "'%s'%s%c%s", show(shown, sizeof(shown), json_string_value(v)),
			    curl ? ": " : " ", tolower((unsigned char)why[0]), why + 1);
	}
	return get_string(ld, p, v, true, out);
}

static enum tj_code get_url_list(const struct loader *ld, const struct path *p, const json_t *v,
				 char ***out, size_t *n)
{
	size_t i;
	json_t *e;
	enum tj_code rc;

	if (!json_is_array(v))
		return wrong_type(ld, p, v, "an array of URL strings");
	if (json_array_size(v) && !(*out = calloc(json_array_size(v), sizeof(**out))))
		return oom(ld);
	json_array_foreach(v, i, e) {
		struct path q = path_index(p, i);

		if ((rc = get_url(ld, &q, e, &(*out)[i])))
			return rc;
		*n = i + 1;
	}
	return TJ_OK;
}

/* Compile the pattern in v; *out is the caller's (pcre2_code_free). */
static enum tj_code compile_pattern(const struct loader *ld, const struct path *p, const json_t *v,
				    pcre2_code **out)
{
	int err;
	PCRE2_SIZE off;
	pcre2_code *re;

	if (!json_is_string(v))
		return wrong_type(ld, p, v, "a pattern string");
	if (!json_string_length(v))
		return fail(ld, p, "pattern is empty (it would match every URL)");
	re = pcre2_compile((PCRE2_SPTR)json_string_value(v), json_string_length(v),
			   PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &err, &off, NULL);
	if (!re) {
		PCRE2_UCHAR msg[256];

		if (err == PCRE2_ERROR_HEAP_FAILED)
			return oom(ld);
		if (pcre2_get_error_message(err, msg, sizeof(msg)) < 0)
			snprintf((char *)msg, sizeof(msg), "pcre2 error %d", err);
		return fail_at(ld, p, 0, off, "pattern does not compile: %s at offset %zu",
			       (char *)msg, (size_t)off);
	}
	/* best effort: without JIT pcre2 interprets, which is only slower */
	(void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	*out = re;
	return TJ_OK;
}

static enum tj_code get_patterns(const struct loader *ld, const struct path *p, const json_t *v,
				 struct rule_pattern **out, size_t *n)
{
	size_t i;
	json_t *e;
	enum tj_code rc;

	if (!json_is_array(v))
		return wrong_type(ld, p, v, "an array of pattern strings");
	if (json_array_size(v) && !(*out = calloc(json_array_size(v), sizeof(**out))))
		return oom(ld);
	json_array_foreach(v, i, e) {
		struct path q = path_index(p, i);

		if ((rc = compile_pattern(ld, &q, e, &(*out)[i].re)))
			return rc;
		*n = i + 1;
		if (!((*out)[i].source = strdup(json_string_value(e))))
			return oom(ld);
	}
	return TJ_OK;
}

static enum tj_code get_long(const struct loader *ld, const struct path *p, const json_t *v,
			     long lo, long hi, const char *unit, long *out)
{
	json_int_t x;

	if (!json_is_integer(v))
		return wrong_type(ld, p, v, unit);
	x = json_integer_value(v);
	if (x < lo || x > hi)
		return fail(ld, p, "%lld is out of range (%ld to %ld)", (long long)x, lo, hi);
	*out = (long)x;
	return TJ_OK;
}

/* Is the name one of the n names?  Returns its index or -1. */
static int find_name(const char *s, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(s, names[i]))
			return (int)i;
	return -1;
}

/* A string that must be one of names. */
static enum tj_code get_choice(const struct loader *ld, const struct path *p, const json_t *v,
			       const char *what, const char *const *names, size_t n, char **out)
{
	char shown[SHOW_MAX], list[256], h[320], alt[300];

	if (!json_is_string(v))
		return wrong_type(ld, p, v, "a string");
	if (find_name(json_string_value(v), names, n) < 0) {
		snprintf(alt, sizeof(alt), " (expected one of: %s)", join_names(list, sizeof(list), names, n));
		return fail(ld, p, "unknown %s '%s'%s", what,
			    show(shown, sizeof(shown), json_string_value(v)),
			    hint(h, sizeof(h), json_string_value(v), names, n, alt));
	}
	return get_string(ld, p, v, true, out);
}

/* An object whose keys must be among names; reports the first unknown. */
static enum tj_code check_keys(const struct loader *ld, const struct path *p, json_t *obj,
			       const char *what, const char *const *names, size_t n)
{
	const char *k;
	json_t *v;
	char shown[SHOW_MAX], list[256], h[320], alt[300];

	json_object_foreach(obj, k, v) {
		struct path q;

		if (find_name(k, names, n) >= 0)
			continue;
		q = path_key(p, k);
		snprintf(alt, sizeof(alt), " (expected one of: %s)", join_names(list, sizeof(list), names, n));
		return fail_at(ld, &q, AT_KEY | PARENT, NO_POS, "unknown %s '%s'%s", what,
			       show(shown, sizeof(shown), k), hint(h, sizeof(h), k, names, n, alt));
	}
	return TJ_OK;
}

/* ------------------------------------------------------------------ */
/* Top-level keys                                                      */

static const char *const strategies[] = {
	"jsonld", "microdata", "selectors",
	"recruitee", "greenhouse", "lever", "personio", "smartrecruiters",
};
#define FIRST_FEED_STRATEGY 3

static const char *const advertisers[] = { "employer", "agency" };

/* in the order of enum rule_sel_field */
static const char *const selector_fields[] = {
	"listing", "item", "title", "url", "location", "description", "date_posted",
	"valid_through", "employment_type", "salary", "hours",
};

_Static_assert(sizeof(selector_fields) / sizeof(selector_fields[0]) == RULE_SEL_N,
	       "selector_fields[] and enum rule_sel_field must agree");

const char *rule_sel_name(enum rule_sel_field f)
{
	return (unsigned)f < RULE_SEL_N ? selector_fields[f] : "";
}

static const char *const selector_spec_keys[] = { "css", "attr", "regex" };
static const char *const feed_keys[] = { "url", "company" };

#define N(a) (sizeof(a) / sizeof((a)[0]))

bool rule_strategy_is_feed(const char *strategy)
{
	if (!strategy)
		return false;
	for (size_t i = FIRST_FEED_STRATEGY; i < N(strategies); i++)
		if (!strcmp(strategy, strategies[i]))
			return true;
	return false;
}

static bool valid_id(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > 64)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
			return false;
	return true;
}

static enum tj_code h_id(struct loader *ld, const struct path *p, json_t *v)
{
	struct rule *r = ld->r;
	char shown[SHOW_MAX];
	const char *base, *dot;
	enum tj_code rc;
	size_t pos;

	if (!json_is_string(v))
		return wrong_type(ld, p, v, "a string");
	if (!valid_id(json_string_value(v)))
		return fail(ld, p, "'%s' must be 1 to 64 characters from a-z, 0-9 and '-'",
			    show(shown, sizeof(shown), json_string_value(v)));
	if ((rc = get_string(ld, p, v, true, &r->id)))
		return rc;
	pos = locate(ld, p, false);
	line_col(ld->text, ld->len, pos, &r->id_line, &r->id_col);

	/* the id is the database key; the file name is only a convention */
	base = strrchr(ld->name, '/');
	base = base ? base + 1 : ld->name;
	dot = strrchr(base, '.');
	if (dot && !strcmp(dot, ".json") &&
	    ((size_t)(dot - base) != strlen(r->id) || strncmp(base, r->id, (size_t)(dot - base))))
		return warn_at(ld, p, "'%s' differs from the file name '%s'; rename the file to '%s.json'",
			       r->id, show(shown, sizeof(shown), base), r->id);
	return TJ_OK;
}

static enum tj_code h_employer(struct loader *ld, const struct path *p, json_t *v)
{
	return get_string(ld, p, v, true, &ld->r->employer);
}

static enum tj_code h_website(struct loader *ld, const struct path *p, json_t *v)
{
	return get_url(ld, p, v, &ld->r->website);
}

static enum tj_code h_town(struct loader *ld, const struct path *p, json_t *v)
{
	return get_string(ld, p, v, true, &ld->r->town);
}

static bool in_nl(double lat, double lon)
{
	return lat >= 50.7 && lat <= 53.7 && lon >= 3.2 && lon <= 7.3;
}

static enum tj_code h_coordinates(struct loader *ld, const struct path *p, json_t *v)
{
	double c[2];

	if (!json_is_array(v) || json_array_size(v) != 2)
		return fail(ld, p, "expected [latitude, longitude], got %s%s", type_name(v),
			    json_is_array(v) ? (json_array_size(v) < 2 ? " with too few numbers"
					       : " with too many numbers") : "");
	for (size_t i = 0; i < 2; i++) {
		json_t *e = json_array_get(v, i);
		struct path q = path_index(p, i);

		if (!json_is_number(e))
			return wrong_type(ld, &q, e, i ? "a longitude (number)" : "a latitude (number)");
		c[i] = json_number_value(e);
		if (!isfinite(c[i]) || fabs(c[i]) > (i ? 180.0 : 90.0))
			return fail(ld, &q, "%s %g is out of range (%s)", i ? "longitude" : "latitude",
				    c[i], i ? "-180 to 180" : "-90 to 90");
	}
	if (!in_nl(c[0], c[1]) && in_nl(c[1], c[0]))
		return fail(ld, p, "[%g, %g] looks like [longitude, latitude]; write [%g, %g]",
			    c[0], c[1], c[1], c[0]);
	ld->r->lat = c[0];
	ld->r->lon = c[1];
	return TJ_OK;
}

static enum tj_code h_start_urls(struct loader *ld, const struct path *p, json_t *v)
{
	ld->has_start_urls = true;
	return get_url_list(ld, p, v, &ld->r->start_urls, &ld->r->n_start_urls);
}

static enum tj_code h_sitemaps(struct loader *ld, const struct path *p, json_t *v)
{
	return get_url_list(ld, p, v, &ld->r->sitemaps, &ld->r->n_sitemaps);
}

static enum tj_code h_follow(struct loader *ld, const struct path *p, json_t *v)
{
	return get_patterns(ld, p, v, &ld->r->follow, &ld->r->n_follow);
}

static enum tj_code h_detail(struct loader *ld, const struct path *p, json_t *v)
{
	return get_patterns(ld, p, v, &ld->r->detail, &ld->r->n_detail);
}

static enum tj_code h_strategy(struct loader *ld, const struct path *p, json_t *v)
{
	return get_choice(ld, p, v, "strategy", strategies, N(strategies), &ld->r->strategy);
}

/* A selector field: a CSS string, or {"css", "attr", "regex"}; compiled into *out. */
static enum tj_code get_selector(const struct loader *ld, const struct path *p, json_t *v,
				 struct rule_selector *out)
{
	enum tj_code rc;
	json_t *e, *css = v;
	struct path cp = *p;
	size_t off = 0;

	if (json_is_object(v)) {
		if ((rc = check_keys(ld, p, v, "selector key", selector_spec_keys, N(selector_spec_keys))))
			return rc;
		if (!(css = json_object_get(v, "css")))
			return fail(ld, p, "missing 'css' (the CSS selector)");
		cp = path_key(p, "css");
		if (!json_is_string(css))
			return wrong_type(ld, &cp, css, "a CSS selector string");
	} else if (!json_is_string(v)) {
		return wrong_type(ld, p, v, "a CSS selector string or an object {\"css\": ...}");
	}
	if (is_blank(json_string_value(css)))
		return fail(ld, &cp, "selector must not be empty");
	if (strlen(json_string_value(css)) != json_string_length(css))
		return fail(ld, &cp, "selector contains a NUL character");
	rc = select_compile_at(json_string_value(css), &out->css, &off);
	if (rc == TJ_ENOMEM)
		return oom(ld);
	if (rc) {
		char msg[512];

		snprintf(msg, sizeof(msg), "%s", tj_errmsg());
		return fail_at(ld, &cp, 0, rc == TJ_EPARSE ? off : NO_POS,
			       "selector does not parse: %s", msg);
	}
	if (!json_is_object(v))
		return TJ_OK;
	if ((e = json_object_get(v, "attr"))) {
		struct path q = path_key(p, "attr");

		if ((rc = get_string(ld, &q, e, true, &out->attr)))
			return rc;
		/* HTML attribute names are case-insensitive; gumbo lowercases them */
		for (char *c = out->attr; *c; c++)
			*c = (char)tolower((unsigned char)*c);
	}
	if ((e = json_object_get(v, "regex"))) {
		struct path q = path_key(p, "regex");
		uint32_t groups = 0;

		if ((rc = compile_pattern(ld, &q, e, &out->re)))
			return rc;
		(void)pcre2_pattern_info(out->re, PCRE2_INFO_CAPTURECOUNT, &groups);
		if (groups != 1)
			return fail(ld, &q, "pattern has %u capture groups; it needs exactly one, around the"
				    " text to keep (write (?:...) for the others)", (unsigned)groups);
	}
	return TJ_OK;
}

static enum tj_code h_selectors(struct loader *ld, const struct path *p, json_t *v)
{
	const char *k;
	json_t *e;
	enum tj_code rc;

	if (!json_is_object(v))
		return wrong_type(ld, p, v, "an object (field -> selector)");
	if ((rc = check_keys(ld, p, v, "selector field", selector_fields, N(selector_fields))))
		return rc;
	json_object_foreach(v, k, e) {
		struct path q = path_key(p, k);
		int f = find_name(k, selector_fields, N(selector_fields));

		if ((rc = get_selector(ld, &q, e, &ld->r->sel[f])))
			return rc;
	}
	if (!json_object_get(v, "title"))
		return fail(ld, p, "needs at least a 'title' selector");
	ld->r->selectors = v;
	return TJ_OK;
}

static bool valid_company(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > 100)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("._-", *s))
			return false;
	return true;
}

static enum tj_code h_feed(struct loader *ld, const struct path *p, json_t *v)
{
	enum tj_code rc;
	json_t *e;
	char *tmp = NULL, shown[SHOW_MAX];

	if (!json_is_object(v))
		return wrong_type(ld, p, v, "an object {\"company\": ...} or {\"url\": ...}");
	if ((rc = check_keys(ld, p, v, "feed key", feed_keys, N(feed_keys))))
		return rc;
	if ((e = json_object_get(v, "url"))) {
		struct path q = path_key(p, "url");

		if ((rc = get_url(ld, &q, e, &tmp)))
			return rc;
		free(tmp);
	}
	if ((e = json_object_get(v, "company"))) {
		struct path q = path_key(p, "company");

		if (!json_is_string(e))
			return wrong_type(ld, &q, e, "a string");
		if (!valid_company(json_string_value(e)))
			return fail(ld, &q, "'%s' must be the account name as the ATS writes it in URLs"
				    " (letters, digits, '.', '_', '-')",
				    show(shown, sizeof(shown), json_string_value(e)));
	}
	if (!json_object_size(v))
		return fail(ld, p, "needs 'company' (the ATS account name) or 'url'");
	ld->r->feed = v;
	return TJ_OK;
}

static enum tj_code h_advertiser(struct loader *ld, const struct path *p, json_t *v)
{
	return get_choice(ld, p, v, "advertiser", advertisers, N(advertisers), &ld->r->advertiser);
}

static enum tj_code h_delay_ms(struct loader *ld, const struct path *p, json_t *v)
{
	return get_long(ld, p, v, 0, 600000, "an integer (milliseconds)", &ld->r->delay_ms);
}

static enum tj_code h_max_pages(struct loader *ld, const struct path *p, json_t *v)
{
	return get_long(ld, p, v, 1, 100000, "an integer (pages)", &ld->r->max_pages);
}

static enum tj_code h_max_depth(struct loader *ld, const struct path *p, json_t *v)
{
	return get_long(ld, p, v, 0, 50, "an integer (links from a start URL)", &ld->r->max_depth);
}

static enum tj_code h_verified(struct loader *ld, const struct path *p, json_t *v)
{
	if (!json_is_boolean(v))
		return wrong_type(ld, p, v, "true or false");
	ld->r->verified = json_is_true(v);
	return TJ_OK;
}

static enum tj_code h_contact(struct loader *ld, const struct path *p, json_t *v)
{
	return get_string(ld, p, v, false, &ld->r->contact);
}

static enum tj_code h_notes(struct loader *ld, const struct path *p, json_t *v)
{
	return get_string(ld, p, v, false, &ld->r->notes);
}

static const struct {
	const char *name;
	enum tj_code (*fn)(struct loader *ld, const struct path *p, json_t *v);
} top_keys[] = {
	{ "id", h_id },
	{ "employer", h_employer },
	{ "website", h_website },
	{ "town", h_town },
	{ "coordinates", h_coordinates },
	{ "start_urls", h_start_urls },
	{ "sitemaps", h_sitemaps },
	{ "follow", h_follow },
	{ "detail", h_detail },
	{ "strategy", h_strategy },
	{ "selectors", h_selectors },
	{ "feed", h_feed },
	{ "advertiser", h_advertiser },
	{ "delay_ms", h_delay_ms },
	{ "max_pages", h_max_pages },
	{ "max_depth", h_max_depth },
	{ "verified", h_verified },
	{ "contact", h_contact },
	{ "notes", h_notes },
};

static enum tj_code unknown_top_key(const struct loader *ld, const struct path *p, const char *k)
{
	const char *names[N(top_keys)];
	char shown[SHOW_MAX], h[160];

	for (size_t i = 0; i < N(top_keys); i++)
		names[i] = top_keys[i].name;
	return fail_at(ld, p, AT_KEY | PARENT, NO_POS, "unknown key '%s'%s", show(shown, sizeof(shown), k),
		       hint(h, sizeof(h), k, names, N(names), " (rules/README.md lists the keys)"));
}

/* Checks that span keys; runs after every key was checked on its own. */
static enum tj_code cross_check(struct loader *ld)
{
	struct rule *r = ld->r;
	const struct path root = { .n = 0 };
	struct path sp = path_key(&root, "strategy");
	bool feed_strategy;

	if (!r->id)
		return fail(ld, &root, "missing required key 'id'");
	if (!r->employer)
		return fail(ld, &root, "missing required key 'employer'");
	if (!r->strategy && !(r->strategy = strdup("jsonld")))
		return oom(ld);
	if (!r->advertiser && !(r->advertiser = strdup("employer")))
		return oom(ld);
	feed_strategy = rule_strategy_is_feed(r->strategy);

	if (!strcmp(r->strategy, "selectors") && !r->selectors)
		return fail(ld, &sp, "'selectors' needs a 'selectors' object (field -> CSS selector)");
	if (r->selectors && strcmp(r->strategy, "selectors")) {
		struct path q = path_key(&root, "selectors");

		return fail_at(ld, &q, AT_KEY, NO_POS, "only used with \"strategy\": \"selectors\""
			       " (strategy is '%s')", r->strategy);
	}
	if (feed_strategy && !r->feed)
		return fail(ld, &sp, "'%s' needs a 'feed' object, e.g. {\"company\": \"name\"}",
			    r->strategy);
	if (r->feed && !feed_strategy) {
		struct path q = path_key(&root, "feed");

		return fail_at(ld, &q, AT_KEY, NO_POS, "only used with an ATS strategy (%s, ...);"
			       " strategy is '%s'", strategies[FIRST_FEED_STRATEGY], r->strategy);
	}
	if (!r->n_start_urls && !r->n_sitemaps && !feed_strategy) {
		struct path q = path_key(&root, "start_urls");

		if (ld->has_start_urls)
			return fail(ld, &q, "must list at least one URL (or give 'sitemaps')");
		return fail(ld, &root, "missing 'start_urls' (needed unless 'sitemaps' or an ATS"
			    " 'feed' gives the entry point)");
	}
	return TJ_OK;
}

enum tj_code rule_load_buffer(const char *name, const char *data, size_t len, struct rule **out)
{
	const struct path root = { .n = 0 };
	struct loader ld = { 0 };
	struct rule *r;
	json_error_t je;
	enum tj_code rc = TJ_OK;
	const char *k;
	json_t *v;

	*out = NULL;
	if (!name)
		name = "<rule>";
	if (!data)
		data = "";
	if (len > RULE_MAX_BYTES)
		return tj_error(TJ_ETOOBIG, "%s:1:1: the file is %zu bytes; a rule file may be at most"
				" %zu (1 MiB)", name, len, RULE_MAX_BYTES);
	if (len >= 2 && (!memcmp(data, "\xFF\xFE", 2) || !memcmp(data, "\xFE\xFF", 2)))
		return tj_error(TJ_EPARSE, "%s:1:1: the file is UTF-16; save it as UTF-8", name);
	if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3)) {
		data += 3;
		len -= 3;
	}
	ld.name = name;
	ld.text = data;
	ld.len = len;
	if (!(r = calloc(1, sizeof(*r))))
		return oom(&ld);
	ld.r = r;
	r->lat = r->lon = NAN;
	r->delay_ms = r->max_pages = r->max_depth = -1;
	if (!(r->file = strdup(name))) {
		rc = oom(&ld);
		goto out;
	}
	r->json = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
	if (!r->json) {
		rc = json_error_code(&je) == json_error_out_of_memory ? oom(&ld) : json_fail(&ld, &je);
		goto out;
	}
	if (!json_is_object(r->json)) {
		rc = fail(&ld, &root, "a rule must be a JSON object { ... }, not %s", type_name(r->json));
		goto out;
	}
	json_object_foreach(r->json, k, v) {
		struct path p = path_key(&root, k);
		size_t i;

		for (i = 0; i < N(top_keys) && strcmp(k, top_keys[i].name); i++)
			;
		if (i == N(top_keys))
			rc = unknown_top_key(&ld, &p, k);
		else
			rc = top_keys[i].fn(&ld, &p, v);
		if (rc)
			goto out;
	}
	rc = cross_check(&ld);
out:
	if (rc) {
		rule_free(r);
		return rc;
	}
	*out = r;
	return TJ_OK;
}

enum tj_code rule_load(const char *path, struct rule **out)
{
	char *data = NULL;
	size_t len = 0;
	enum tj_code rc;

	*out = NULL;
	/* one byte over the cap, so an oversized file is told apart from one at the cap */
	rc = tj_read_file(path, RULE_MAX_BYTES + 1, &data, &len);
	if (rc == TJ_ETOOBIG)
		return tj_error(TJ_ETOOBIG, "%s:1:1: the file is larger than %zu bytes (1 MiB);"
				" a rule file is a few KiB", path, RULE_MAX_BYTES);
	if (rc)
		return rc;
	rc = rule_load_buffer(path, data, len, out);
	free(data);
	return rc;
}

static void free_strings(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void free_patterns(struct rule_pattern *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].source);
		pcre2_code_free(v[i].re);
	}
	free(v);
}

void rule_free(struct rule *r)
{
	if (!r)
		return;
	free(r->file);
	free(r->id);
	free(r->employer);
	free(r->website);
	free(r->town);
	free_strings(r->start_urls, r->n_start_urls);
	free_strings(r->sitemaps, r->n_sitemaps);
	free_patterns(r->follow, r->n_follow);
	free_patterns(r->detail, r->n_detail);
	for (size_t i = 0; i < RULE_SEL_N; i++) {
		select_free(r->sel[i].css);
		free(r->sel[i].attr);
		pcre2_code_free(r->sel[i].re);
	}
	free(r->strategy);
	free(r->advertiser);
	free(r->contact);
	free(r->notes);
	free_strings(r->warnings, r->n_warnings);
	json_decref(r->json);
	free(r);
}

/* ------------------------------------------------------------------ */
/* Matching                                                            */

bool rule_match_at(const struct rule_pattern *pats, size_t n, const char *url, size_t *which)
{
	pcre2_match_data *md;
	bool hit = false;

	if (!n || !url)
		return false;
	/* one pair is enough: we only ask whether it matched */
	if (!(md = pcre2_match_data_create(1, NULL)))
		return false;
	for (size_t i = 0; i < n && !hit; i++) {
		if (pcre2_match(pats[i].re, (PCRE2_SPTR)url, PCRE2_ZERO_TERMINATED, 0, 0, md, NULL) >= 0) {
			hit = true;
			if (which)
				*which = i;
		}
	}
	pcre2_match_data_free(md);
	return hit;
}

bool rule_matches(const struct rule_pattern *pats, size_t n, const char *url)
{
	return rule_match_at(pats, n, url, NULL);
}

/* ------------------------------------------------------------------ */
/* Rule sets                                                           */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *join_path(const char *dir, const char *name)
{
	size_t dl = strlen(dir), n = dl + strlen(name) + 2;
	char *p = malloc(n);

	if (p)
		snprintf(p, n, "%s%s%s", dir, dl && dir[dl - 1] == '/' ? "" : "/", name);
	return p;
}

/* The "*.json" files in dir (not hidden), sorted; free_strings() them. */
static enum tj_code list_rule_files(const char *dir, char ***out, size_t *n_out)
{
	DIR *d;
	struct dirent *de;
	char **v = NULL;
	size_t n = 0, alloc = 0;
	enum tj_code rc = TJ_OK;

	*out = NULL;
	*n_out = 0;
	if (!(d = opendir(dir)))
		return tj_error(TJ_EIO, "cannot open rules directory '%s': %s", dir, strerror(errno));
	for (;;) {
		size_t len;

		errno = 0;
		if (!(de = readdir(d))) {
			if (errno)
				rc = tj_error(TJ_EIO, "cannot read rules directory '%s': %s", dir,
					      strerror(errno));
			break;
		}
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len <= 5 || strcmp(de->d_name + len - 5, ".json"))
			continue;
		if (n == alloc) {
			size_t na = alloc ? alloc * 2 : 16;
			char **nv = realloc(v, na * sizeof(*v));

			if (!nv) {
				rc = tj_error(TJ_ENOMEM, "out of memory listing '%s'", dir);
				break;
			}
			v = nv;
			alloc = na;
		}
		if (!(v[n] = join_path(dir, de->d_name))) {
			rc = tj_error(TJ_ENOMEM, "out of memory listing '%s'", dir);
			break;
		}
		n++;
	}
	closedir(d);
	if (rc) {
		free_strings(v, n);
		return rc;
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_str);
	*out = v;
	*n_out = n;
	return TJ_OK;
}

/* A rule among v[0..n) with r's id, or NULL. */
static const struct rule *find_id(struct rule *const *v, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i]->id, id))
			return v[i];
	return NULL;
}

static enum tj_code duplicate_id(const struct rule *r, const struct rule *first)
{
	return tj_error(TJ_EPARSE, "%s:%u:%u: 'id': duplicate id '%s' (also the id of '%s')",
			r->file, r->id_line, r->id_col, r->id, first->file);
}

enum tj_code ruleset_load_dir(const char *dir, struct ruleset *out)
{
	char **files = NULL;
	size_t n_files = 0;
	struct ruleset rs = { NULL, 0 };
	enum tj_code rc;

	out->v = NULL;
	out->n = 0;
	if ((rc = list_rule_files(dir, &files, &n_files)))
		return rc;
	if (!n_files) {
		rc = tj_error(TJ_ENOTFOUND, "no rule files (*.json) in '%s'", dir);
		goto out;
	}
	if (!(rs.v = calloc(n_files, sizeof(*rs.v)))) {
		rc = tj_error(TJ_ENOMEM, "out of memory loading rules from '%s'", dir);
		goto out;
	}
	for (size_t i = 0; i < n_files; i++) {
		struct rule *r;
		const struct rule *dup;

		if ((rc = rule_load(files[i], &r)))
			goto out;
		rs.v[rs.n++] = r;
		if ((dup = find_id(rs.v, rs.n - 1, r->id))) {
			rc = duplicate_id(r, dup);
			goto out;
		}
		for (size_t w = 0; w < r->n_warnings; w++)
			log_warn("%s", r->warnings[w]);
	}
out:
	free_strings(files, n_files);
	if (rc) {
		ruleset_release(&rs);
		return rc;
	}
	*out = rs;
	return TJ_OK;
}

void ruleset_release(struct ruleset *rs)
{
	if (!rs)
		return;
	for (size_t i = 0; i < rs->n; i++)
		rule_free(rs->v[i]);
	free(rs->v);
	rs->v = NULL;
	rs->n = 0;
}

const struct rule *ruleset_find(const struct ruleset *rs, const char *id)
{
	if (!rs || !id)
		return NULL;
	return find_id(rs->v, rs->n, id);
}

/* ------------------------------------------------------------------ */
/* twentejobs rules                                                    */

static const char rules_usage[] =
	"usage: twentejobs rules check [--dir DIR] [FILE|DIR...]\n"
	"       twentejobs rules check --page HTML_FILE --url URL [--dir DIR] RULE\n";

static void rules_help(FILE *out)
{
	fprintf(out, "%s\n"
		"Validate crawl rule files (rules/README.md describes the format).\n\n"
		"  check [FILE|DIR...]   check the given rule files, or every *.json file in\n"
		"                        the given directories; with none, in --dir\n"
		"  --dir DIR             the rules directory (default: rules)\n"
		"  --page HTML_FILE      a saved copy of a page of the rule's site ...\n"
		"  --url URL             ... and the URL it was fetched from: shows whether the\n"
		"                        crawler would follow or extract it, and what the rule\n"
		"                        extracts from it.  RULE is a rule file or an id in --dir\n\n"
		"Prints 'ok<TAB>FILE<TAB>ID' on stdout for each valid file and\n"
		"'FILE:LINE:COL: message' on stderr for each problem, then a summary.\n"
		"Exit status: 0 all valid, 1 something invalid, 2 wrong usage.\n", rules_usage);
}

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "twentejobs rules: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n%s", rules_usage);
	return 2;
}

static bool is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Add a copy of s to a growing string vector. */
static enum tj_code push_string(char ***v, size_t *n, const char *s)
{
	char **nv = realloc(*v, (*n + 1) * sizeof(**v));

	if (!nv)
		return tj_error(TJ_ENOMEM, "out of memory");
	*v = nv;
	if (!(nv[*n] = strdup(s)))
		return tj_error(TJ_ENOMEM, "out of memory");
	++*n;
	return TJ_OK;
}

static int check_files(const char *const *args, size_t n_args, const char *dir)
{
	char **files = NULL;
	size_t n_files = 0, ok = 0, bad = 0, n_rules = 0;
	struct rule **rules = NULL;
	int status = 1;

	if (!n_args) {
		args = &dir;
		n_args = 1;
	}
	for (size_t i = 0; i < n_args; i++) {
		if (args == &dir || is_dir(args[i])) {
			char **v;
			size_t n;

			if (list_rule_files(args[i], &v, &n)) {
				fprintf(stderr, "twentejobs rules: %s\n", tj_errmsg());
				goto out;
			}
			if (!n)
				fprintf(stderr, "twentejobs rules: no rule files (*.json) in '%s'\n", args[i]);
			for (size_t j = 0; j < n; j++) {
				if (push_string(&files, &n_files, v[j])) {
					free_strings(v, n);
					fprintf(stderr, "twentejobs rules: %s\n", tj_errmsg());
					goto out;
				}
			}
			free_strings(v, n);
		} else if (push_string(&files, &n_files, args[i])) {
			fprintf(stderr, "twentejobs rules: %s\n", tj_errmsg());
			goto out;
		}
	}
	if (!n_files)
		goto out;
	if (!(rules = calloc(n_files, sizeof(*rules)))) {
		fprintf(stderr, "twentejobs rules: out of memory\n");
		goto out;
	}
	for (size_t i = 0; i < n_files; i++) {
		struct rule *r;
		const struct rule *dup;

		if (rule_load(files[i], &r)) {
			fprintf(stderr, "%s\n", tj_errmsg());
			bad++;
			continue;
		}
		for (size_t w = 0; w < r->n_warnings; w++)
			fprintf(stderr, "%s\n", r->warnings[w]);
		if ((dup = find_id(rules, n_rules, r->id))) {
			(void)duplicate_id(r, dup);
			fprintf(stderr, "%s\n", tj_errmsg());
			rule_free(r);
			bad++;
			continue;
		}
		printf("ok\t%s\t%s\n", r->file, r->id);
		rules[n_rules++] = r;
		ok++;
	}
	fflush(stdout);
	fprintf(stderr, "%zu rule%s ok, %zu invalid\n", ok, ok == 1 ? "" : "s", bad);
	status = bad ? 1 : 0;
out:
	for (size_t i = 0; i < n_rules; i++)
		rule_free(rules[i]);
	free(rules);
	free_strings(files, n_files);
	return status;
}

/*
 * The URL as the crawler matches it: lowercase scheme and host, no default
 * port, no fragment, dot segments resolved.  NEEDSWORK: use the spider's
 * own normaliser (spider/url.h) once it lands, so the two cannot disagree.
 */
static enum tj_code normalise_url(const char *in, char **out)
{
	CURLU *h = curl_url();
	char *host = NULL, *u = NULL;
	enum tj_code rc = TJ_OK;
	const char *why;

	*out = NULL;
	if (!h)
		return tj_error(TJ_ENOMEM, "out of memory");
	if ((why = url_problem(in))) {
		char shown[SHOW_MAX];

		rc = tj_error(TJ_EINVAL, "--url '%s' %s", show(shown, sizeof(shown), in), why);
		goto out;
	}
	if (curl_url_set(h, CURLUPART_URL, in, 0) ||
	    curl_url_set(h, CURLUPART_FRAGMENT, NULL, 0) ||
	    curl_url_get(h, CURLUPART_HOST, &host, 0)) {
		rc = tj_error(TJ_EINVAL, "cannot normalise --url '%s'", in);
		goto out;
	}
	for (char *c = host; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	if (curl_url_set(h, CURLUPART_HOST, host, 0) ||
	    curl_url_get(h, CURLUPART_URL, &u, CURLU_NO_DEFAULT_PORT)) {
		rc = tj_error(TJ_EINVAL, "cannot normalise --url '%s'", in);
		goto out;
	}
	if (!(*out = strdup(u)))
		rc = tj_error(TJ_ENOMEM, "out of memory");
out:
	curl_free(host);
	curl_free(u);
	curl_url_cleanup(h);
	return rc;
}

static void show_match(const char *what, const struct rule_pattern *pats, size_t n, const char *url,
		       bool *hit)
{
	size_t i;

	*hit = rule_match_at(pats, n, url, &i);
	if (*hit)
		printf("%s\tyes\t'%s'[%zu]\t%s\n", what, what, i, pats[i].source);
	else if (!n)
		printf("%s\tno\t(no '%s' patterns)\n", what, what);
	else
		printf("%s\tno\n", what);
}

/* One field line: "  name             value" or "(not found)". */
static void show_field(const char *name, const char *value)
{
	printf("  %-16s %s\n", name, value && *value ? value : "(not found)");
}

/* A description on one line: whitespace runs as one space, cut at ~120 bytes. */
static void show_description(const char *d)
{
	char line[160];
	size_t o = 0, chars = 0;
	bool sp = false, cut = false;

	if (!d || !*d) {
		show_field("description", NULL);
		return;
	}
	for (const char *c = d; *c; c++)
		chars += ((unsigned char)*c & 0xc0) != 0x80;
	for (const char *c = d; *c; c++) {
		if (o >= 120) {
			cut = true;
			break;
		}
		if (isspace((unsigned char)*c)) {
			sp = o > 0;
			continue;
		}
		if (sp)
			line[o++] = ' ';
		sp = false;
		line[o++] = *c;
	}
	/* do not end inside a UTF-8 sequence */
	while (o && ((unsigned char)line[o - 1] & 0xc0) == 0x80)
		o--;
	if (o && ((unsigned char)line[o - 1] & 0xc0) == 0xc0)
		o--;
	line[o] = '\0';
	printf("  %-16s %s%s (%zu characters)\n", "description", line, cut ? "..." : "", chars);
}

static void show_posting(size_t k, const struct posting *p)
{
	char buf[512];

	printf("posting\t%zu\n", k);
	show_field("title", p->title);
	show_field("url", p->url);
	show_field("employer", p->employer);
	if (p->location && p->location_raw && strcmp(p->location, p->location_raw)) {
		snprintf(buf, sizeof(buf), "%s (stated: %s)", p->location, p->location_raw);
		show_field("location", buf);
	} else {
		show_field("location", p->location ? p->location : p->location_raw);
	}
	show_field("employment_type", p->employment_type);
	show_field("date_posted", p->date_posted);
	show_field("valid_through", p->valid_through);
	show_description(p->description);
	if (isnan(p->salary_min) && isnan(p->salary_max)) {
		show_field("salary", NULL);
	} else {
		size_t o = 0;

		if (!isnan(p->salary_min) && !isnan(p->salary_max) && p->salary_min != p->salary_max)
			append(buf, sizeof(buf), &o, "%g-%g", p->salary_min, p->salary_max);
		else
			append(buf, sizeof(buf), &o, "%s%g", isnan(p->salary_min) ? "max. " : "",
			       isnan(p->salary_min) ? p->salary_max : p->salary_min);
		if (p->salary_currency)
			append(buf, sizeof(buf), &o, " %s", p->salary_currency);
		if (p->salary_period)
			append(buf, sizeof(buf), &o, " per %s", p->salary_period);
		if (p->salary_text)
			append(buf, sizeof(buf), &o, " (\"%s\")", p->salary_text);
		show_field("salary", buf);
	}
	if (isnan(p->hours_min) && isnan(p->hours_max)) {
		show_field("hours", NULL);
	} else {
		if (p->hours_min == p->hours_max || isnan(p->hours_max))
			snprintf(buf, sizeof(buf), "%g per week", p->hours_min);
		else
			snprintf(buf, sizeof(buf), "%g-%g per week", p->hours_min, p->hours_max);
		show_field("hours", buf);
	}
	show_field("remote", p->remote);
	show_field("extraction", p->extraction);
}

/*
 * Show what the rule extracts from the saved page (or, for an ATS rule
 * given its feed, from the feed), field by field, normalised as the
 * crawler stores them.  page is NUL-terminated (len bytes), url is
 * normalised.  Returns the exit status: 1 when extraction fails, or when
 * the crawler would extract postings from the URL and there are none.
 */
static int show_extraction(const struct rule *r, const char *url, const char *page, size_t len,
			   bool is_detail)
{
	struct page_result pr = { 0 };
	struct extract_opts eo = { 0 };
	bool feed = rule_strategy_is_feed(r->strategy) && feed_looks_like_feed(page, len);
	int status = 1;

	eo.flags = EXTRACT_JSONLD | EXTRACT_MICRODATA | EXTRACT_SELECTORS;
	eo.default_employer = r->employer;
	eo.source_id = r->id;
	eo.rule = r;
	if (feed ? feed_extract(r, page, len, url, &pr) : extract_page(page, len, url, &eo, &pr)) {
		fprintf(stderr, "twentejobs rules: %s\n", tj_errmsg());
		goto out;
	}
	for (size_t i = 0; i < json_array_size(pr.warnings); i++)
		fprintf(stderr, "twentejobs rules: warning: %s\n",
			json_string_value(json_array_get(pr.warnings, i)));
	for (size_t i = 0; i < pr.n_postings; i++) {
		struct posting *p = &pr.postings[i];

		if (normalize_posting(p) == TJ_ENOMEM) {
			fprintf(stderr, "twentejobs rules: out of memory\n");
			goto out;
		}
		show_posting(i + 1, p);
	}
	printf("postings\t%zu%s\n", pr.n_postings,
	       pr.n_postings && !is_detail && !feed ? "\t(not stored: the URL matches no 'detail' pattern)" : "");
	fflush(stdout);
	if (!pr.n_postings && (is_detail || feed)) {
		fprintf(stderr, "twentejobs rules: no postings found\n");
		goto out;
	}
	status = 0;
out:
	page_result_release(&pr);
	return status;
}

static int check_page(const char *page_file, const char *url_arg, const char *rule_arg,
		      const char *dir)
{
	struct ruleset rs = { NULL, 0 };
	struct rule *own = NULL;
	const struct rule *r = NULL;
	char *page = NULL, *url = NULL, *cand = NULL;
	size_t len = 0;
	bool is_start = false, is_follow, is_detail, is_feed = false;
	int status = 1;

	/* RULE is a file, or an id: try DIR/ID.json, else search DIR */
	if (!access(rule_arg, F_OK) || strchr(rule_arg, '/') || !valid_id(rule_arg)) {
		if (rule_load(rule_arg, &own)) {
			fprintf(stderr, "%s\n", tj_errmsg());
			goto out;
		}
		r = own;
	} else {
		char name[80];  /* a valid id is at most 64 bytes */

		snprintf(name, sizeof(name), "%s.json", rule_arg);
		if (!(cand = join_path(dir, name))) {
			fprintf(stderr, "twentejobs rules: out of memory\n");
			goto out;
		}
		if (!access(cand, F_OK)) {
			if (rule_load(cand, &own)) {
				fprintf(stderr, "%s\n", tj_errmsg());
				goto out;
			}
			r = own;
		}
		if (!r || strcmp(r->id, rule_arg)) {
			if (ruleset_load_dir(dir, &rs)) {
				fprintf(stderr, "twentejobs rules: '%s' is not a file, and looking it up as"
					" an id failed: %s\n", rule_arg, tj_errmsg());
				goto out;
			}
			if (!(r = ruleset_find(&rs, rule_arg))) {
				fprintf(stderr, "twentejobs rules: no rule with id '%s' in '%s'\n",
					rule_arg, dir);
				goto out;
			}
		}
	}
	for (size_t w = 0; w < r->n_warnings; w++)
		fprintf(stderr, "%s\n", r->warnings[w]);
	if (normalise_url(url_arg, &url)) {
		fprintf(stderr, "twentejobs rules: %s\n", tj_errmsg());
		goto out;
	}
	if (tj_read_file(page_file, PAGE_MAX, &page, &len)) {
		fprintf(stderr, "twentejobs rules: %s\n", tj_errmsg());
		goto out;
	}

	printf("rule\t%s\t%s\n", r->id, r->file);
	printf("url\t%s\n", url);
	for (size_t i = 0; i < r->n_start_urls && !is_start; i++) {
		char *s = NULL;

		if (!normalise_url(r->start_urls[i], &s))
			is_start = !strcmp(s, url);
		free(s);
	}
	printf("start_url\t%s\n", is_start ? "yes" : "no");
	show_match("follow", r->follow, r->n_follow, url, &is_follow);
	show_match("detail", r->detail, r->n_detail, url, &is_detail);
	if (!r->n_detail)
		is_detail = true;       /* no detail patterns: every fetched page is extracted */
	if (rule_strategy_is_feed(r->strategy)) {
		char *feed = feed_default_url(r), *nf = NULL;

		if (feed && !normalise_url(feed, &nf))
			is_feed = !strcmp(nf, url);
		printf("feed\t%s\t%s\n", is_feed ? "yes" : "no", nf ? nf : feed ? feed : "(none)");
		free(feed);
		free(nf);
	}
	if (is_feed)
		printf("crawler\tfetches it as the rule's %s feed and stores its postings\n", r->strategy);
	else if (!is_start && !is_follow && !(r->n_detail && is_detail))
		printf("crawler\tignores links to this URL (it matches no 'follow' or 'detail' pattern)\n");
	else
		printf("crawler\tfetches it, %s its links, %s postings from it\n",
		       is_start || is_follow ? "follows" : "does not follow",
		       is_detail ? "extracts" : "does not extract");
	fflush(stdout);
	status = show_extraction(r, url, page, len, is_detail);
out:
	free(cand);
	free(page);
	free(url);
	rule_free(own);
	ruleset_release(&rs);
	return status;
}

int cmd_rules(int argc, char **argv)
{
	const char *dir = NULL, *page = NULL, *url = NULL;
	const char **args;
	size_t n_args = 0;
	int i, status;

	if (argc < 2) {
		fprintf(stderr, "%s", rules_usage);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		rules_help(stdout);
		return 0;
	}
	if (strcmp(argv[1], "check"))
		return usage_error("unknown subcommand '%s'", argv[1]);
	if (!(args = calloc((size_t)argc, sizeof(*args)))) {
		fprintf(stderr, "twentejobs rules: out of memory\n");
		return 1;
	}
	for (i = 2; i < argc; i++) {
		const char *a = argv[i], **opt = NULL;

		if (!strcmp(a, "--")) {
			for (i++; i < argc; i++)
				args[n_args++] = argv[i];
			break;
		}
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			rules_help(stdout);
			free(args);
			return 0;
		}
		if (!strcmp(a, "--dir"))
			opt = &dir;
		else if (!strcmp(a, "--page"))
			opt = &page;
		else if (!strcmp(a, "--url"))
			opt = &url;
		else if (!strncmp(a, "--dir=", 6))
			dir = a + 6;
		else if (!strncmp(a, "--page=", 7))
			page = a + 7;
		else if (!strncmp(a, "--url=", 6))
			url = a + 6;
		else if (a[0] == '-' && a[1]) {
			free(args);
			return usage_error("unknown option '%s'", a);
		} else
			args[n_args++] = argv[i];
		if (opt) {
			if (++i == argc) {
				free(args);
				return usage_error("option '%s' needs a value", a);
			}
			*opt = argv[i];
		}
	}
	if (dir && n_args && !page && !url) {
		free(args);
		return usage_error("%s", "give --dir DIR or FILE arguments, not both");
	}
	if (!dir)
		dir = "rules";
	if (page || url) {
		if (!page || !url) {
			free(args);
			return usage_error("%s", "--page and --url go together");
		}
		if (n_args != 1) {
			free(args);
			return usage_error("%s", "--page needs exactly one RULE (a file or an id)");
		}
		status = check_page(page, url, args[0], dir);
	} else {
		status = check_files(args, n_args, dir);
	}
	free(args);
	return status;
}
