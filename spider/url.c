/*
 * url.c - URL resolution, canonical form and spider-trap heuristics
 * (see url.h).
 *
 * How it works.  Every entry point runs the same pipeline:
 *
 *   1. prep: what browsers do before parsing an href (WHATWG URL standard,
 *      "basic URL parser"): trim C0 controls and spaces, drop tab/CR/LF,
 *      read '\' as '/' in the path, percent-encode bytes that may not
 *      appear in a URL (space, controls, non-ASCII, "<>`{}|^), cut the
 *      fragment.  libcurl is stricter than browsers (it rejects a space in
 *      a query) and would otherwise lose links real pages contain.
 *   2. libcurl's URL API (curl_url_set) parses the cleaned string and, for
 *      a relative reference set on a handle that holds the base, resolves
 *      it (RFC 3986 5.2) and removes dot segments.
 *   3. canon: rebuild the URL from its parts ourselves so the canonical
 *      form is fully ours: lowercase host, no default port, unreserved
 *      escapes decoded, tracking parameters dropped (RFC 3986 6.2.2 and the
 *      usual crawler practice, e.g. Heritrix' "SURT" canonicalisers).
 *
 * Two libcurl 7.88 quirks are worked around before they are reached: a
 * fragment-only or empty reference resolves to the base *directory*
 * instead of the base, and "http:///x" is accepted with host "x".
 *
 * Limits.  URL_MAX_LEN bytes in and out.  IDN hosts are kept as lowercased
 * UTF-8 (NEEDSWORK: libcurl's CURLU_PUNYCODE needs a UTF-8 locale, which a
 * library must not set; punycode and UTF-8 spellings of one host are two
 * hosts to us).  Query parameter order is kept: reordering would be a
 * better canonical form but some servers are order-sensitive.
 *
 * References: RFC 3986, WHATWG URL Standard, RFC 9309 2.2.2 (robots
 * matching on path+query), libcurl's curl_url_set(3)/curl_url_get(3).
 */
#include "url.h"

#include <ctype.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "buf.h"

/* What parts_parse() hands to the builders: every field malloc'd. */
struct parts {
	char *scheme;           /* "http" or "https" */
	char *userinfo;         /* "user" or "user:pw"; NULL when absent */
	char *host;             /* lowercase, no trailing dot */
	int port;               /* explicit non-default port, else -1 */
	char *path;             /* canonical, starts with '/' */
	char *query;            /* canonical, without '?'; NULL when empty */
};

static void parts_release(struct parts *p)
{
	free(p->scheme);
	free(p->userinfo);
	free(p->host);
	free(p->path);
	free(p->query);
	memset(p, 0, sizeof(*p));
}

static bool is_hex(int c)
{
	return isxdigit((unsigned char)c) != 0;
}

static int hex_val(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	return (tolower((unsigned char)c) - 'a') + 10;
}

static bool is_unreserved(int c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '.' || c == '_' || c == '~';
}

/* Bytes a browser percent-encodes in a path or query. */
static bool needs_encoding(unsigned char c)
{
	return c <= 0x20 || c >= 0x7f || c == '"' || c == '<' || c == '>' ||
	       c == '`' || c == '{' || c == '}' || c == '|' || c == '^';
}

static int add_encoded(struct buf *b, unsigned char c)
{
	static const char hex[] = "0123456789ABCDEF";
	char e[3] = { '%', hex[c >> 4], hex[c & 15] };

	return buf_add(b, e, 3) ? -1 : 0;
}

/*
 * Length of a scheme at s ("http" in "http://..."), or 0 when s does not
 * start with one (RFC 3986 3.1: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":").
 */
static size_t scheme_len(const char *s)
{
	size_t i = 0;

	if (!isalpha((unsigned char)s[0]))
		return 0;
	while (isalnum((unsigned char)s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.')
		i++;
	return s[i] == ':' ? i : 0;
}

static bool is_http_scheme(const char *s, size_t n)
{
	return (n == 4 && !strncasecmp(s, "http", 4)) || (n == 5 && !strncasecmp(s, "https", 5));
}

/*
 * Does s (just after a ';' in the path) start a session parameter such as
 * "jsessionid=" or "PHPSESSID="?  Compared case-insensitively with
 * percent-escapes decoded, so "%6Asessionid=" cannot come back later.
 */
static bool is_session_param(const char *s)
{
	static const char *const names[] = { "jsessionid=", "phpsessid=" };

	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		const char *n = names[k], *p = s;

		for (; *n; n++) {
			int c = (unsigned char)*p;

			if (c == '%' && is_hex(p[1]) && is_hex(p[2])) {
				c = hex_val(p[1]) * 16 + hex_val(p[2]);
				p += 3;
			} else if (c && !strchr("\t\n\r", c)) {
				p++;
			} else if (c) {
				p++;
				n--;    /* browsers drop tab/LF/CR: skip, compare again */
				continue;
			} else {
				break;
			}
			if (tolower(c) != *n)
				break;
		}
		if (!*n)
			return true;
	}
	return false;
}

/*
 * Copy the path, query (and drop the fragment) of s into b the way a
 * browser would send them.  Stops at the fragment.  A session id in the
 * path (";jsessionid=...", up to the next '/') is dropped here, before
 * libcurl removes dot segments, so "/a/..;jsessionid=x/" resolves like
 * "/a/../" on the first pass already.
 */
static int prep_rest(struct buf *b, const char *s)
{
	bool in_query = false;

	for (; *s && *s != '#'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\t' || c == '\n' || c == '\r')
			continue;
		if (c == '?')
			in_query = true;
		if (c == ';' && !in_query && is_session_param(s + 1)) {
			while (s[1] && !strchr("/?#\\", s[1]))
				s++;
			continue;
		}
		if (c == '\\' && !in_query)
			c = '/';
		if (needs_encoding(c) || (c == '\\' && in_query)) {
			if (add_encoded(b, c))
				return -1;
		} else if (buf_addc(b, (char)c)) {
			return -1;
		}
	}
	return 0;
}

/*
 * Copy an authority ("user@host:port") from s into b; returns its end.
 * Percent-escapes in the host are decoded and a trailing dot on the host
 * is dropped here, before libcurl parses, so that "2." and "%32" become "2"
 * and get libcurl's IPv4 normalisation ("0.0.0.2") on the first pass
 * already; otherwise normalising twice would differ.
 */
static const char *prep_authority(struct buf *b, const char *s, int *rc)
{
	size_t start = b->len, host, end;

	for (; *s && !strchr("/?#\\", *s); s++) {
		if (*s == '\t' || *s == '\n' || *s == '\r')
			continue;
		if (buf_addc(b, *s)) {
			*rc = -1;
			return s;
		}
	}
	host = start;
	for (size_t i = start; i < b->len; i++)
		if (b->data[i] == '@')
			host = i + 1;
	end = b->len;
	if (host < end && b->data[host] != '[') {
		const char *colon = memchr(b->data + host, ':', end - host);

		if (colon)
			end = (size_t)(colon - b->data);
	}
	/* libcurl decodes "%30" in a host but then skips its IPv4 rules: decode first */
	if (host < end && b->data[host] != '[') {
		size_t w = host;

		for (size_t r = host; r < end; r++) {
			if (b->data[r] == '%' && r + 2 < end && is_hex(b->data[r + 1]) && is_hex(b->data[r + 2])) {
				int c = hex_val(b->data[r + 1]) * 16 + hex_val(b->data[r + 2]);

				/* "evil.com%40good.com": a decoded '@', '/', ':' ... is forbidden */
				if (c < 0x80 && !isalnum(c) && c != '-' && c != '.' && c != '_') {
					*rc = -1;
					return s;
				}
				b->data[w++] = (char)c;
				r += 2;
			} else {
				b->data[w++] = b->data[r];
			}
		}
		memmove(b->data + w, b->data + end, b->len - end + 1);
		b->len -= end - w;
		end = w;
	}
	if (end > host && b->data[end - 1] == '.') {
		memmove(b->data + end - 1, b->data + end, b->len - end + 1);
		b->len--;
	}
	return s;
}

/* A copy of s without leading/trailing C0 controls and spaces; NULL on OOM. */
static char *trim_dup(const char *s)
{
	size_t n;

	while (*s && (unsigned char)*s <= 0x20)
		s++;
	n = strlen(s);
	while (n && (unsigned char)s[n - 1] <= 0x20)
		n--;
	return strndup(s, n);
}

/*
 * Step 1 for an absolute URL: NULL when it is not an absolute http(s) URL
 * with an authority, too long, or on OOM.
 */
static char *prep_absolute(const char *url)
{
	struct buf b;
	char *t = trim_dup(url);
	const char *s;
	size_t sl;
	int rc = 0;

	if (!t)
		return NULL;
	buf_init(&b, URL_MAX_LEN * 3);
	s = t;
	sl = scheme_len(s);
	/* "http:///x": an empty authority is invalid, whatever libcurl thinks */
	if (!sl || !is_http_scheme(s, sl) || strlen(t) > URL_MAX_LEN)
		goto fail;
	s += sl + 1;
	while (*s == '\t' || *s == '\n' || *s == '\r')
		s++;
	if ((s[0] != '/' && s[0] != '\\') || (s[1] != '/' && s[1] != '\\'))
		goto fail;
	s += 2;
	if (buf_add(&b, t, sl) || buf_adds(&b, "://"))
		goto fail;
	s = prep_authority(&b, s, &rc);
	if (rc || b.len == sl + 3 || prep_rest(&b, s))
		goto fail;
	free(t);
	return buf_detach(&b, NULL);
fail:
	free(t);
	buf_release(&b);
	return NULL;
}

/* Step 1 for a relative reference (no scheme). */
static char *prep_relative(const char *t)
{
	struct buf b;
	const char *s = t;
	int rc = 0;

	buf_init(&b, URL_MAX_LEN * 3);
	if ((s[0] == '/' || s[0] == '\\') && (s[1] == '/' || s[1] == '\\')) {
		s += 2;
		if (buf_adds(&b, "//"))
			goto fail;
		s = prep_authority(&b, s, &rc);
		if (rc)
			goto fail;
	}
	if (prep_rest(&b, s))
		goto fail;
	return buf_detach(&b, NULL);
fail:
	buf_release(&b);
	return NULL;
}

/*
 * Lowercase and check the labels; -1 when invalid.  The one trailing dot a
 * host may have was dropped by prep_authority(); another one is an empty
 * label ("ex.com..").
 */
static int canon_host(char *h)
{
	size_t n = strlen(h), label = 0;

	if (!n || n > 253)
		return -1;
	if (h[0] == '[')        /* IPv6 literal, validated by libcurl */
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)h[i];

		if (c == '.') {
			if (!label)
				return -1;
			label = 0;
			continue;
		}
		if (!(isalnum(c) || c == '-' || c == '_' || c >= 0x80))
			return -1;
		if (++label > 63)
			return -1;
		h[i] = (char)tolower(c);
	}
	return label ? 0 : -1;
}

/*
 * Append s[0..n) to b decoding escapes of unreserved characters (except
 * '.', see url.h) and uppercasing the hex digits of the others.
 */
static int add_canon_escapes(struct buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && is_hex(s[i + 1]) && is_hex(s[i + 2])) {
			int c = hex_val(s[i + 1]) * 16 + hex_val(s[i + 2]);

			/* never let a decoded hex digit complete a stray "%4" into "%4b" */
			bool after_pct = (b->len >= 1 && b->data[b->len - 1] == '%') ||
					 (b->len >= 2 && b->data[b->len - 2] == '%' && is_hex(b->data[b->len - 1]));

			if (is_unreserved(c) && c != '.' && !(after_pct && is_hex(c))) {
				if (buf_addc(b, (char)c))
					return -1;
			} else if (add_encoded(b, (unsigned char)c)) {
				return -1;
			}
			i += 2;
			continue;
		}
		if (buf_addc(b, s[i]))
			return -1;
	}
	return 0;
}

/* The canonical path; NULL on OOM. */
static char *canon_path(const char *path)
{
	struct buf b;
	const char *s = path && *path ? path : "/";

	buf_init(&b, URL_MAX_LEN * 3);
	if (*s != '/' && buf_addc(&b, '/'))
		goto fail;
	if (add_canon_escapes(&b, s, strlen(s)))
		goto fail;
	return buf_detach(&b, NULL);
fail:
	buf_release(&b);
	return NULL;
}

static bool is_tracking_param(const char *name, size_t n)
{
	static const char *const exact[] = {
		"gclid", "fbclid", "msclkid", "dclid", "yclid", "gbraid", "wbraid",
		"mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi", "__hstc",
		"__hssc", "__hsfp", "mkt_tok", "igshid", "sessionid", "jsessionid",
		"phpsessid",
	};

	if (n >= 4 && !strncasecmp(name, "utm_", 4))
		return true;
	for (size_t i = 0; i < sizeof(exact) / sizeof(exact[0]); i++)
		if (strlen(exact[i]) == n && !strncasecmp(name, exact[i], n))
			return true;
	return false;
}

/* The canonical query without '?'; *out NULL when nothing is left. */
static int canon_query(const char *q, char **out)
{
	struct buf b, name;
	int rc = -1;

	*out = NULL;
	if (!q || !*q)
		return 0;
	buf_init(&b, URL_MAX_LEN * 3);
	buf_init(&name, URL_MAX_LEN * 3);
	while (*q) {
		size_t n = strcspn(q, "&"), nl = strcspn(q, "=&");

		if (n) {
			buf_reset(&name);
			if (add_canon_escapes(&name, q, nl))
				goto out;
			if (!is_tracking_param(name.data, name.len)) {
				if ((b.len && buf_addc(&b, '&')) || add_canon_escapes(&b, q, n))
					goto out;
			}
		}
		q += n;
		if (*q == '&')
			q++;
	}
	rc = 0;
	if (b.len)
		*out = buf_detach(&b, NULL);
out:
	buf_release(&b);
	buf_release(&name);
	return rc;
}

static int default_port(const char *scheme)
{
	return strcmp(scheme, "https") ? 80 : 443;
}

/* Copy a libcurl string into a malloc'd one (NULL stays NULL); -1 on OOM. */
static int take_curl(char *c, char **out)
{
	*out = NULL;
	if (!c)
		return 0;
	*out = strdup(c);
	curl_free(c);
	return *out ? 0 : -1;
}

/* Steps 2-3 on a handle holding a parsed URL. */
static int parts_from_handle(CURLU *h, struct parts *p)
{
	char *c = NULL, *user = NULL, *pw = NULL, *path = NULL, *query = NULL;
	int rc = -1;

	memset(p, 0, sizeof(*p));
	p->port = -1;
	if (curl_url_get(h, CURLUPART_SCHEME, &c, 0) || take_curl(c, &p->scheme))
		goto out;
	if (!p->scheme || (strcmp(p->scheme, "http") && strcmp(p->scheme, "https")))
		goto out;
	c = NULL;
	if (curl_url_get(h, CURLUPART_HOST, &c, 0) || take_curl(c, &p->host) || canon_host(p->host))
		goto out;
	c = NULL;
	if (curl_url_get(h, CURLUPART_PORT, &c, 0) == CURLUE_OK) {
		char *end;
		long v = strtol(c, &end, 10);

		curl_free(c);
		if (v <= 0 || v > 65535)
			goto out;
		if (v != default_port(p->scheme))
			p->port = (int)v;
	}
	c = NULL;
	if (curl_url_get(h, CURLUPART_USER, &c, 0) == CURLUE_OK && take_curl(c, &user))
		goto out;
	c = NULL;
	if (curl_url_get(h, CURLUPART_PASSWORD, &c, 0) == CURLUE_OK && take_curl(c, &pw))
		goto out;
	if (user) {
		size_t n = strlen(user) + (pw ? strlen(pw) + 1 : 0) + 1;

		p->userinfo = malloc(n);
		if (!p->userinfo)
			goto out;
		snprintf(p->userinfo, n, "%s%s%s", user, pw ? ":" : "", pw ? pw : "");
	}
	c = NULL;
	if (curl_url_get(h, CURLUPART_PATH, &c, 0) || take_curl(c, &path))
		goto out;
	p->path = canon_path(path);
	if (!p->path)
		goto out;
	c = NULL;
	if (curl_url_get(h, CURLUPART_QUERY, &c, 0) == CURLUE_OK && take_curl(c, &query))
		goto out;
	if (canon_query(query, &p->query))
		goto out;
	rc = 0;
out:
	free(user);
	free(pw);
	free(path);
	free(query);
	if (rc)
		parts_release(p);
	return rc;
}

/* Parse an absolute http(s) URL into canonical parts; -1 when invalid/OOM. */
static int parts_parse(const char *url, struct parts *p)
{
	char *clean = prep_absolute(url);
	CURLU *h = NULL;
	int rc = -1;

	memset(p, 0, sizeof(*p));
	if (!clean)
		return -1;
	h = curl_url();
	if (h && curl_url_set(h, CURLUPART_URL, clean, 0) == CURLUE_OK)
		rc = parts_from_handle(h, p);
	curl_url_cleanup(h);
	free(clean);
	return rc;
}

/* "scheme://[userinfo@]host[:port]" + (with_rest ? path[?query] : ""). */
static char *parts_build(const struct parts *p, bool with_authority, bool with_rest)
{
	struct buf b;

	buf_init(&b, URL_MAX_LEN + 1);
	if (with_authority) {
		if (buf_adds(&b, p->scheme) || buf_adds(&b, "://"))
			goto fail;
		if (with_rest && p->userinfo && (buf_adds(&b, p->userinfo) || buf_addc(&b, '@')))
			goto fail;
		if (buf_adds(&b, p->host))
			goto fail;
		if (p->port > 0 && buf_addf(&b, ":%d", p->port))
			goto fail;
	}
	if (with_rest) {
		if (buf_adds(&b, p->path))
			goto fail;
		if (p->query && (buf_addc(&b, '?') || buf_adds(&b, p->query)))
			goto fail;
	}
	if (b.len > URL_MAX_LEN)
		goto fail;
	return buf_detach(&b, NULL);
fail:
	buf_release(&b);
	return NULL;
}

char *url_normalize(const char *url)
{
	struct parts p;
	char *s;

	if (!url || parts_parse(url, &p))
		return NULL;
	s = parts_build(&p, true, true);
	parts_release(&p);
	return s;
}

/* url_resolve() with the base already in canonical form (nbase, owned). */
static char *resolve(char *nbase, const char *ref)
{
	char *t = NULL, *rel = NULL, *res = NULL;
	CURLU *h = NULL;
	char *joined = NULL;
	size_t sl;

	t = trim_dup(ref);
	if (!nbase || !t)
		goto out;
	/* libcurl 7.88 resolves "" and "#x" to the base's directory */
	if (!t[0] || t[0] == '#') {
		res = nbase;
		nbase = NULL;
		goto out;
	}
	sl = scheme_len(t);
	if (sl) {
		if (is_http_scheme(t, sl))
			res = url_normalize(t);
		goto out;
	}
	if (strlen(t) > URL_MAX_LEN)
		goto out;
	rel = prep_relative(t);
	if (!rel)
		goto out;
	if (!*rel) {
		res = nbase;
		nbase = NULL;
		goto out;
	}
	h = curl_url();
	if (!h || curl_url_set(h, CURLUPART_URL, nbase, 0) != CURLUE_OK ||
	    curl_url_set(h, CURLUPART_URL, rel, 0) != CURLUE_OK ||
	    curl_url_get(h, CURLUPART_URL, &joined, 0) != CURLUE_OK)
		goto out;
	res = url_normalize(joined);
out:
	curl_free(joined);
	curl_url_cleanup(h);
	free(rel);
	free(t);
	free(nbase);
	return res;
}

char *url_resolve(const char *base, const char *ref)
{
	if (!base || !ref)
		return NULL;
	return resolve(url_normalize(base), ref);
}

char *url_resolve_canonical(const char *base, const char *ref)
{
	if (!base || !ref)
		return NULL;
	return resolve(strdup(base), ref);
}

char *url_host(const char *url)
{
	struct parts p;
	char *h;

	if (!url || parts_parse(url, &p))
		return NULL;
	h = p.host;
	p.host = NULL;
	parts_release(&p);
	return h;
}

int url_port(const char *url)
{
	struct parts p;
	int port;

	if (!url || parts_parse(url, &p))
		return -1;
	port = p.port > 0 ? p.port : default_port(p.scheme);
	parts_release(&p);
	return port;
}

char *url_path_query(const char *url)
{
	struct parts p;
	char *s;

	if (!url || parts_parse(url, &p))
		return NULL;
	s = parts_build(&p, false, true);
	parts_release(&p);
	return s;
}

char *url_origin(const char *url)
{
	struct parts p;
	char *s;

	if (!url || parts_parse(url, &p))
		return NULL;
	s = parts_build(&p, true, false);
	parts_release(&p);
	return s;
}

/* ---- spider-trap heuristics ---- */

#define TRAP_MAX_LEN 2048
#define TRAP_MAX_REPEAT 3
#define TRAP_MAX_PARAMS 10
#define TRAP_MAX_SEGMENTS 30
#define TRAP_MONTHS 24

static bool trap(char *why, size_t whylen, const char *reason)
{
	if (why && whylen)
		snprintf(why, whylen, "%s", reason);
	return true;
}

/* Parse 1-n digits at *s (at most max digits); -1 when none. */
static long digits(const char **s, int max)
{
	long v = 0;
	int n = 0;

	while (n < max && isdigit((unsigned char)**s)) {
		v = v * 10 + (**s - '0');
		(*s)++;
		n++;
	}
	return n ? v : -1;
}

static bool far_month(long y, long m, int ty, int tm)
{
	long d = (y * 12 + m) - ((long)ty * 12 + tm);

	return d > TRAP_MONTHS || d < -TRAP_MONTHS;
}

/*
 * A year-month that ends a path segment or parameter value:
 * "/2031/05", "/2031-05/", "=2031-05-01&", "/2019/01/31.html".  A year-month
 * followed by more text ("2023-05-medewerker", "2019-12345") is a slug or
 * an id, not a calendar.
 */
static bool find_far_year_month(const char *s, int ty, int tm)
{
	for (const char *p = s; *p; p++) {
		const char *q = p;
		long y, m, d;

		if (p != s && !strchr("/-_=", p[-1]))
			continue;
		if ((y = digits(&q, 4)) < 0 || q - p != 4 || y < 1900 || y > 2199)
			continue;
		if (*q != '/' && *q != '-')
			continue;
		q++;
		if ((m = digits(&q, 2)) < 1 || m > 12)
			continue;
		if ((*q == '/' || *q == '-') && isdigit((unsigned char)q[1])) {
			const char *r = q + 1;

			d = digits(&r, 2);
			if (d >= 1 && d <= 31)
				q = r;
		}
		if (*q && !strchr("/?&#.", *q))
			continue;
		if (far_month(y, m, ty, tm))
			return true;
	}
	return false;
}

/* The numeric value of query parameter name (any of names), or -1. */
static long query_number(const char *q, const char *const *names)
{
	while (q && *q) {
		size_t n = strcspn(q, "&"), nl = strcspn(q, "=&");

		for (const char *const *nm = names; *nm; nm++) {
			if (strlen(*nm) == nl && !strncasecmp(q, *nm, nl) && q[nl] == '=') {
				const char *v = q + nl + 1;
				long x = digits(&v, 4);

				if (x >= 0 && (v == q + n || *v == '&'))
					return x;
			}
		}
		q += n;
		if (*q == '&')
			q++;
	}
	return -1;
}

bool url_is_trap_at(const char *url, int year, int month, char *why, size_t whylen)
{
	static const char *const years[] = { "year", "jaar", "jahr", "y", NULL };
	static const char *const months[] = { "month", "maand", "monat", "m", NULL };
	struct parts p;
	const char *seg[TRAP_MAX_SEGMENTS + 1];
	size_t seglen[TRAP_MAX_SEGMENTS + 1];
	size_t nseg = 0, nparams = 0;
	bool is_trap = false;
	long y, m;

	if (why && whylen)
		why[0] = '\0';
	if (!url || strlen(url) > TRAP_MAX_LEN)
		return trap(why, whylen, "URL longer than 2048 bytes");
	if (parts_parse(url, &p))
		return trap(why, whylen, "invalid URL");
	for (const char *s = p.path; *s;) {
		size_t n;

		s += *s == '/';
		n = strcspn(s, "/");
		if (n) {
			if (nseg == TRAP_MAX_SEGMENTS) {
				is_trap = trap(why, whylen, "more than 30 path segments");
				goto out;
			}
			seg[nseg] = s;
			seglen[nseg++] = n;
		}
		s += n;
	}
	for (size_t i = 0; i < nseg; i++) {
		size_t same = 1;

		for (size_t j = i + 1; j < nseg; j++)
			same += seglen[j] == seglen[i] && !memcmp(seg[i], seg[j], seglen[i]);
		if (same >= TRAP_MAX_REPEAT) {
			is_trap = trap(why, whylen, "a path segment repeats 3 or more times");
			goto out;
		}
	}
	for (const char *q = p.query; q && *q; q++)
		nparams += q == p.query || q[-1] == '&';
	if (nparams > TRAP_MAX_PARAMS) {
		is_trap = trap(why, whylen, "more than 10 query parameters");
		goto out;
	}
	if (find_far_year_month(p.path, year, month) ||
	    (p.query && find_far_year_month(p.query, year, month)) ||
	    ((y = query_number(p.query, years)) >= 1900 && y <= 2199 &&
	     (m = query_number(p.query, months)) >= 1 && m <= 12 &&
	     far_month(y, m, year, month)))
		is_trap = trap(why, whylen, "calendar page more than 2 years away");
out:
	parts_release(&p);
	return is_trap;
}

bool url_is_trap(const char *url, char *why, size_t whylen)
{
	time_t now = time(NULL);
	struct tm tm;

	if (!gmtime_r(&now, &tm))
		return url_is_trap_at(url, 2026, 1, why, whylen);
	return url_is_trap_at(url, tm.tm_year + 1900, tm.tm_mon + 1, why, whylen);
}
