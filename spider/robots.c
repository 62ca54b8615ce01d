/*
 * robots.c - RFC 9309 (Robots Exclusion Protocol) parser and matcher.
 *
 * PURPOSE
 *   Decide whether the twentejobs spider may fetch a URL according to a site's /robots.txt, report why
 *   (for curators), and expose the non-standard Crawl-delay and the Sitemap: URLs.  The `twentejobs robots`
 *   subcommand (cmd_robots) wraps it for manual checks.
 *
 * HOW IT WORKS
 *   Parsing (robots_parse) is a single pass over the body, line by line:
 *   - Input: only the first ROBOTS_MAX_BYTES (500 KiB, RFC 9309 2.5) octets; if the cap cuts a line in
 *     half, that incomplete last line is dropped (a half "Disallow: /private" would mean something else).
 *     A leading UTF-8 BOM is skipped.  Lines end at LF, CRLF or a lone CR.  NUL bytes and invalid UTF-8 are
 *     ordinary octets: they never end a line or the file.  A line longer than ROBOTS_MAX_LINE_BYTES is
 *     truncated to that length (Google's practice).
 *   - Each line: everything from the first '#' is a comment (RFC 9309 2.2).  The rest must be
 *     "key : value": the key is the text before the first ':' (leading/trailing blanks removed, matched
 *     case-insensitively), the value the text after it with blanks trimmed.  Lines without ':' are ignored
 *     (we do not guess "Disallow /x" without a colon).
 *   - Keys (case-insensitive).  Besides the RFC 9309 spellings we accept a few common misspellings, the same
 *     ones Google's open-source parser accepts:
 *         user-agent   also "useragent", "user agent"
 *         allow
 *         disallow     also "dissallow", "dissalow", "disalow", "diasllow", "disallaw"
 *         crawl-delay  also "crawldelay"      (non-standard, see below)
 *         sitemap      also "site-map"        (RFC 9309 2.2.4 "other records")
 *     Every other key is ignored and does not affect grouping (RFC 9309 2.2.4).
 *   - Groups (RFC 9309 2.1, 2.2.1): one or more consecutive user-agent lines start a group; the group's
 *     member lines (allow, disallow, crawl-delay) follow; a user-agent line after a member line starts the
 *     next group.  Sitemap and unknown lines neither end a group nor separate consecutive user-agent lines.
 *     Member lines before the first user-agent line belong to no group and are ignored.
 *     Empty Allow/Disallow values are not rules, but they still count as member lines (so
 *     "User-agent: a / Disallow: / User-agent: b" gives `a` an empty group that allows everything).
 *   - User-agent value: "*" (alone or followed by blanks) is the catch-all; otherwise the product token
 *     is the leading run of [A-Za-z_-] characters (RFC 9309 2.2.1), stored lower-cased.  A value with an
 *     empty token (e.g. "123bot") joins the group structure but matches no crawler.
 *   - Allow/Disallow value (RFC 9309 2.2.2): if it does not start with '/' or '*' we prepend '/' (the way
 *     Google treats e.g. "Disallow: private/"); a trailing '$' is the end anchor (RFC 9309 2.2.3), a '$'
 *     anywhere else is a literal dollar; runs of '*' collapse into one.  Then the pattern is normalised,
 *     see NORMALISATION.  At most ROBOTS_MAX_RULES rules are kept in total; later ones are ignored.
 *   - Crawl-delay value: a non-negative decimal number ("10", "0.5", ".5"); no sign, exponent, hex,
 *     "inf"/"nan" or trailing text.  Parsed by hand, so the result does not depend on the C locale's
 *     decimal separator.  Invalid values are ignored; the first valid value of a group counts.
 *   - Sitemap value: kept verbatim (trimmed), except that control characters, spaces, DEL and non-ASCII
 *     octets are %-encoded so the string is printable ASCII.  At most ROBOTS_MAX_SITEMAPS are kept.
 *   Data layout: all rules live in one array; because a group's lines are contiguous in the file, every
 *   group owns a contiguous range of that array.  The agent list maps (lower-cased token | "*") -> group,
 *   in file order.  Each rule owns one heap string, its description "disallow: /x (line 7)", and its
 *   normalised pattern is a slice of that string, so the description handed to curators is exactly the
 *   pattern that was matched.
 *
 *   Matching (robots_allowed):
 *   - The URL is reduced to path[?query] (scheme://authority and #fragment removed; empty path -> "/"),
 *     then normalised like the patterns.  "/robots.txt" (path without query) is always allowed
 *     (RFC 9309 2.2.2).
 *   - Group selection (RFC 9309 2.2.1): all groups with a user-agent whose token equals the caller's token
 *     (case-insensitive, exact: "twentejobsbot" matches "TwenteJobsBot", "TwenteJobs" does not) are merged;
 *     if there are none, all "*" groups are merged; if there are none either, everything is allowed.
 *   - Within the merged groups the matching rule with the longest normalised pattern wins (length in octets,
 *     counting '*' and a trailing '$'); on a tie allow wins (RFC 9309 2.2.2, "SHOULD use allow"); no
 *     matching rule means allow.
 *   - Wildcard matching is linear: the pattern is split at '*' into literal segments; the first segment
 *     must be a prefix of the path, each middle segment is found at its leftmost position after the previous
 *     one (leftmost is always optimal for '*'-only patterns), and the last segment must be a suffix (with '$')
 *     or merely occur (without '$').  Searching uses memmem(), which is linear in glibc, so a match costs
 *     O(path + pattern) instead of the exponential time of naive backtracking: the pattern
 *     "/" "*a*a*a*...*b" against a long "/aaaa..." path is no problem.  A query costs O(rules * (path + pattern)).
 *
 * NORMALISATION (RFC 9309 2.2.2, RFC 3986 6.2.2)
 *   Applied to patterns and paths alike so that equivalent spellings compare equal octet by octet:
 *   - "%XX" of an unreserved character (A-Z a-z 0-9 - . _ ~) is decoded: "/%7Ejoe" == "/~joe",
 *     "/foo/%62ar" == "/foo/bar";
 *   - any other "%xx" keeps its encoding with upper-case hex digits: "%2f" -> "%2F" (so an encoded slash
 *     stays different from "/", as RFC 3986 requires);
 *   - a '%' that does not start a valid escape becomes "%25";
 *   - octets that may not appear literally in a URI - controls, space, DEL, non-ASCII (e.g. raw UTF-8),
 *     '"', '<', '>', '\', '^', '`', '{', '|', '}', '#' - are %-encoded: "/foo/ツ" == "/foo/%E3%83%84";
 *   - '$' and '*' in a URL path are literal and become "%24"/"%2A"; in a pattern '*' is the wildcard, a final
 *     '$' the anchor and any other '$' "%24".  Hence "Allow: /path/file-with-a-%2A.html" matches the URL
 *     "/path/file-with-a-*.html" and "/path/foo-%24" matches "/path/foo-$" (RFC 9309 2.2.3).
 *   Reserved characters are not treated as equivalent to their %-encoded forms (RFC 3986 6.2.2.2).
 *
 * LIMITS
 *   ROBOTS_MAX_BYTES (500 KiB) input, ROBOTS_MAX_LINE_BYTES (16 KiB) per line, ROBOTS_MAX_RULES (10000)
 *   rules, ROBOTS_MAX_SITEMAPS (10000) sitemaps.  The number of user-agent lines is bounded by the input cap.
 *   Memory is O(input).  Every allocation is checked; robots_parse() frees everything and returns NULL on
 *   out-of-memory.
 *
 * THREADS
 *   A struct robots is never modified after construction; the query functions use only their arguments and
 *   the stack (plus a heap buffer for URLs over 1 KiB), so concurrent queries on one object are safe.
 *   cmd_robots() uses getopt's global state, and robots_debug_fail_alloc_after() is for single-threaded tests.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* memmem(), getopt_long() */
#endif

#include "robots.h"

#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------------------------------------ */
/* Allocation with optional fault injection                                                                */

static long fail_alloc_after = -1; /* < 0: off; only written by robots_debug_fail_alloc_after() */

void robots_debug_fail_alloc_after(long n)
{
	fail_alloc_after = n < 0 ? -1 : n;
}

static int alloc_should_fail(void)
{
	if (fail_alloc_after < 0)
		return 0;
	if (fail_alloc_after == 0)
		return 1;
	fail_alloc_after--;
	return 0;
}

static void *rb_malloc(size_t n)
{
	if (alloc_should_fail())
		return NULL;
	return malloc(n ? n : 1);
}

/* Grow an array of `elem` sized items so that it can hold one more than *cap when full.  Returns the new
 * pointer (and updates *cap) or NULL on failure, in which case the old array is untouched. */
static void *grow_array(void *arr, size_t *cap, size_t elem)
{
	size_t new_cap = *cap ? *cap * 2 : 8;
	if (new_cap < *cap || new_cap > SIZE_MAX / elem)
		return NULL;
	if (alloc_should_fail())
		return NULL;
	void *p = realloc(arr, new_cap * elem);
	if (p)
		*cap = new_cap;
	return p;
}

/* ------------------------------------------------------------------------------------------------------ */
/* Data                                                                                                    */

enum robots_mode { ROBOTS_MODE_PARSED, ROBOTS_MODE_ALLOW_ALL, ROBOTS_MODE_DISALLOW_ALL };

struct robots_rule {
	char *desc;          /* owned: "allow: /pat$ (line N)" */
	const char *pattern; /* slice of desc: normalised pattern without the '$' anchor */
	size_t pattern_len;  /* octets of `pattern` */
	size_t match_len;    /* pattern_len + anchored: the length used for precedence */
	unsigned char allow;
	unsigned char anchored;
};

struct robots_group {
	size_t rule_start; /* index of the group's first rule in robots.rules */
	size_t rule_count;
	double crawl_delay; /* < 0: none */
};

struct robots_agent {
	char *token; /* owned, lower-cased product token; NULL for "*" */
	size_t token_len;
	size_t group;
};

struct robots {
	enum robots_mode mode;
	struct robots_rule *rules;
	size_t n_rules, cap_rules;
	struct robots_group *groups;
	size_t n_groups, cap_groups;
	struct robots_agent *agents;
	size_t n_agents, cap_agents;
	char **sitemaps;
	size_t n_sitemaps, cap_sitemaps;
};

/* ------------------------------------------------------------------------------------------------------ */
/* Character helpers (locale-independent)                                                                  */

static int is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f';
}

static int is_token_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '-';
}

static unsigned char ascii_lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c - 'A' + 'a') : c;
}

static int hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int is_unreserved(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
	       c == '.' || c == '_' || c == '~';
}

/* Characters that stay literal in normalised output: unreserved, gen-delims except '#', sub-delims. */
static int is_literal_ok(unsigned char c)
{
	return is_unreserved(c) || (c != '\0' && strchr(":/?[]@!$&'()*+,;=", c) != NULL);
}

static int key_equals(const unsigned char *key, size_t n, const char *name)
{
	size_t i;
	for (i = 0; i < n; i++) {
		if (name[i] == '\0' || ascii_lower(key[i]) != (unsigned char)name[i])
			return 0;
	}
	return name[i] == '\0';
}

static void put_pct(char *out, size_t *o, unsigned char c)
{
	static const char hex[] = "0123456789ABCDEF";
	out[(*o)++] = '%';
	out[(*o)++] = hex[c >> 4];
	out[(*o)++] = hex[c & 15];
}

enum norm_mode { NORM_PATH, NORM_PATTERN };

/* Normalise n octets into out (room for 3*n octets needed); returns the output length.  See NORMALISATION
 * above.  In NORM_PATTERN mode '*' is the wildcard (runs collapsed) and the caller has removed the anchor. */
static size_t normalise(const unsigned char *in, size_t n, char *out, enum norm_mode mode)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = in[i];
		if (c == '%') {
			int hi = i + 2 < n ? hex_value(in[i + 1]) : -1;
			int lo = i + 2 < n ? hex_value(in[i + 2]) : -1;
			if (hi >= 0 && lo >= 0) {
				unsigned char v = (unsigned char)(hi * 16 + lo);
				if (is_unreserved(v))
					out[o++] = (char)v;
				else
					put_pct(out, &o, v);
				i += 2;
			} else {
				put_pct(out, &o, '%');
			}
		} else if (c == '*') {
			if (mode == NORM_PATH)
				put_pct(out, &o, c);
			else if (o == 0 || out[o - 1] != '*')
				out[o++] = '*';
		} else if (c == '$') {
			put_pct(out, &o, c);
		} else if (is_literal_ok(c)) {
			out[o++] = (char)c;
		} else {
			put_pct(out, &o, c);
		}
	}
	return o;
}

/* ------------------------------------------------------------------------------------------------------ */
/* Wildcard matching                                                                                       */

/* Does pattern (normalised, '*' wildcards, no anchor) match text?  Without `anchored` the pattern only has
 * to match a prefix of text.  Linear time, see HOW IT WORKS. */
static int pattern_matches(const char *pat, size_t plen, int anchored, const char *text, size_t tlen)
{
	const char *star = memchr(pat, '*', plen);
	size_t seg = star ? (size_t)(star - pat) : plen;

	if (tlen < seg || memcmp(pat, text, seg) != 0)
		return 0;
	if (!star)
		return anchored ? tlen == plen : 1;

	size_t pos = seg;    /* text consumed so far */
	size_t pi = seg + 1; /* pattern index after the '*' */
	for (;;) {
		const char *next = memchr(pat + pi, '*', plen - pi);
		size_t slen = next ? (size_t)(next - (pat + pi)) : plen - pi;
		if (!next) {
			if (anchored)
				return tlen - pos >= slen && memcmp(text + tlen - slen, pat + pi, slen) == 0;
			return slen == 0 || memmem(text + pos, tlen - pos, pat + pi, slen) != NULL;
		}
		if (slen > 0) {
			const char *found = memmem(text + pos, tlen - pos, pat + pi, slen);
			if (!found)
				return 0;
			pos = (size_t)(found - text) + slen;
		}
		pi += slen + 1;
	}
}

/* ------------------------------------------------------------------------------------------------------ */
/* Construction and destruction                                                                           */

static struct robots *robots_new(enum robots_mode mode)
{
	struct robots *r = rb_malloc(sizeof *r);
	if (!r)
		return NULL;
	memset(r, 0, sizeof *r);
	r->mode = mode;
	return r;
}

struct robots *robots_allow_all(void)
{
	return robots_new(ROBOTS_MODE_ALLOW_ALL);
}

struct robots *robots_disallow_all(void)
{
	return robots_new(ROBOTS_MODE_DISALLOW_ALL);
}

void robots_free(struct robots *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_rules; i++)
		free(r->rules[i].desc);
	for (size_t i = 0; i < r->n_agents; i++)
		free(r->agents[i].token);
	for (size_t i = 0; i < r->n_sitemaps; i++)
		free(r->sitemaps[i]);
	free(r->rules);
	free(r->groups);
	free(r->agents);
	free(r->sitemaps);
	free(r);
}

/* ------------------------------------------------------------------------------------------------------ */
/* Parsing                                                                                                 */

enum key_kind { KEY_UNKNOWN, KEY_USER_AGENT, KEY_ALLOW, KEY_DISALLOW, KEY_CRAWL_DELAY, KEY_SITEMAP };

static const struct {
	const char *name; /* lower case */
	enum key_kind kind;
} key_table[] = {
	{"user-agent", KEY_USER_AGENT}, {"useragent", KEY_USER_AGENT},    {"user agent", KEY_USER_AGENT},
	{"allow", KEY_ALLOW},           {"disallow", KEY_DISALLOW},       {"dissallow", KEY_DISALLOW},
	{"dissalow", KEY_DISALLOW},     {"disalow", KEY_DISALLOW},        {"diasllow", KEY_DISALLOW},
	{"disallaw", KEY_DISALLOW},     {"crawl-delay", KEY_CRAWL_DELAY}, {"crawldelay", KEY_CRAWL_DELAY},
	{"sitemap", KEY_SITEMAP},       {"site-map", KEY_SITEMAP},
};

static enum key_kind classify_key(const unsigned char *key, size_t n)
{
	for (size_t i = 0; i < sizeof key_table / sizeof key_table[0]; i++) {
		if (key_equals(key, n, key_table[i].name))
			return key_table[i].kind;
	}
	return KEY_UNKNOWN;
}

struct parse_state {
	struct robots *r;
	size_t line_no;
	int have_group;     /* a user-agent line has been seen: groups[n_groups - 1] is current */
	int last_was_agent; /* the previous group-relevant line was a user-agent line */
};

static int add_user_agent(struct parse_state *st, const unsigned char *v, size_t n)
{
	struct robots *r = st->r;

	if (!st->have_group || !st->last_was_agent) {
		if (r->n_groups == r->cap_groups) {
			void *p = grow_array(r->groups, &r->cap_groups, sizeof *r->groups);
			if (!p)
				return -1;
			r->groups = p;
		}
		r->groups[r->n_groups].rule_start = r->n_rules;
		r->groups[r->n_groups].rule_count = 0;
		r->groups[r->n_groups].crawl_delay = -1.0;
		r->n_groups++;
		st->have_group = 1;
	}
	st->last_was_agent = 1;

	char *token = NULL;
	size_t token_len = 0;
	if (n >= 1 && v[0] == '*' && (n == 1 || is_blank(v[1]))) {
		token = NULL; /* catch-all */
	} else {
		while (token_len < n && is_token_char(v[token_len]))
			token_len++;
		if (token_len == 0)
			return 0; /* no product token: part of the group structure, matches nobody */
		token = rb_malloc(token_len + 1);
		if (!token)
			return -1;
		for (size_t i = 0; i < token_len; i++)
			token[i] = (char)ascii_lower(v[i]);
		token[token_len] = '\0';
	}

	if (r->n_agents == r->cap_agents) {
		void *p = grow_array(r->agents, &r->cap_agents, sizeof *r->agents);
		if (!p) {
			free(token);
			return -1;
		}
		r->agents = p;
	}
	r->agents[r->n_agents].token = token;
	r->agents[r->n_agents].token_len = token_len;
	r->agents[r->n_agents].group = r->n_groups - 1;
	r->n_agents++;
	return 0;
}

static int add_rule(struct parse_state *st, int allow, const unsigned char *v, size_t n)
{
	struct robots *r = st->r;

	if (n == 0 || r->n_rules >= ROBOTS_MAX_RULES)
		return 0; /* empty value: no rule (RFC 9309 2.2.2); over the cap: ignored */

	int anchored = v[n - 1] == '$';
	if (anchored)
		n--;
	int add_slash = n == 0 || (v[0] != '/' && v[0] != '*');

	const char *verb = allow ? "allow: " : "disallow: ";
	size_t verb_len = strlen(verb);
	char suffix[48];
	int sl = snprintf(suffix, sizeof suffix, " (line %zu)", st->line_no);
	if (sl < 0 || (size_t)sl >= sizeof suffix)
		return 0; /* cannot happen for a size_t line number */

	/* n <= ROBOTS_MAX_LINE_BYTES, so none of this can overflow */
	size_t cap = verb_len + 1 + 3 * n + 1 + (size_t)sl + 1;
	if (r->n_rules == r->cap_rules) {
		void *p = grow_array(r->rules, &r->cap_rules, sizeof *r->rules);
		if (!p)
			return -1;
		r->rules = p;
	}
	char *desc = rb_malloc(cap);
	if (!desc)
		return -1;

	size_t o = 0;
	memcpy(desc, verb, verb_len);
	o = verb_len;
	size_t pat_start = o;
	if (add_slash)
		desc[o++] = '/';
	o += normalise(v, n, desc + o, NORM_PATTERN);
	size_t pat_len = o - pat_start;
	if (anchored)
		desc[o++] = '$';
	memcpy(desc + o, suffix, (size_t)sl + 1);

	struct robots_rule *rule = &r->rules[r->n_rules++];
	rule->desc = desc;
	rule->pattern = desc + pat_start;
	rule->pattern_len = pat_len;
	rule->match_len = pat_len + (size_t)anchored;
	rule->allow = (unsigned char)(allow != 0);
	rule->anchored = (unsigned char)anchored;
	r->groups[r->n_groups - 1].rule_count++;
	return 0;
}

/* Non-negative decimal: digits with at most one '.', at least one digit.  Returns -1.0 if invalid. */
static double parse_crawl_delay(const unsigned char *v, size_t n)
{
	double int_part = 0.0, frac = 0.0, scale = 1.0;
	int seen_digit = 0, seen_dot = 0;

	if (n == 0 || n > 64)
		return -1.0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = v[i];
		if (c >= '0' && c <= '9') {
			seen_digit = 1;
			if (seen_dot) {
				frac = frac * 10.0 + (c - '0');
				scale *= 10.0;
			} else {
				int_part = int_part * 10.0 + (c - '0');
			}
		} else if (c == '.' && !seen_dot) {
			seen_dot = 1;
		} else {
			return -1.0;
		}
	}
	if (!seen_digit)
		return -1.0;
	return int_part + frac / scale;
}

static int add_sitemap(struct robots *r, const unsigned char *v, size_t n)
{
	if (n == 0 || r->n_sitemaps >= ROBOTS_MAX_SITEMAPS)
		return 0;
	if (r->n_sitemaps == r->cap_sitemaps) {
		void *p = grow_array(r->sitemaps, &r->cap_sitemaps, sizeof *r->sitemaps);
		if (!p)
			return -1;
		r->sitemaps = p;
	}
	char *s = rb_malloc(3 * n + 1);
	if (!s)
		return -1;
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (v[i] <= 0x20 || v[i] >= 0x7f)
			put_pct(s, &o, v[i]);
		else
			s[o++] = (char)v[i];
	}
	s[o] = '\0';
	r->sitemaps[r->n_sitemaps++] = s;
	return 0;
}

/* One physical line (without terminator).  Returns 0, or -1 on out-of-memory. */
static int parse_line(struct parse_state *st, const unsigned char *line, size_t n)
{
	const unsigned char *hash = memchr(line, '#', n);
	if (hash)
		n = (size_t)(hash - line);

	const unsigned char *colon = memchr(line, ':', n);
	if (!colon)
		return 0;

	size_t ks = 0, ke = (size_t)(colon - line);
	while (ks < ke && is_blank(line[ks]))
		ks++;
	while (ke > ks && is_blank(line[ke - 1]))
		ke--;
	size_t vs = (size_t)(colon - line) + 1, ve = n;
	while (vs < ve && is_blank(line[vs]))
		vs++;
	while (ve > vs && is_blank(line[ve - 1]))
		ve--;
	const unsigned char *v = line + vs;
	size_t vn = ve - vs;

	enum key_kind kind = classify_key(line + ks, ke - ks);
	switch (kind) {
	case KEY_USER_AGENT:
		return add_user_agent(st, v, vn);
	case KEY_ALLOW:
	case KEY_DISALLOW:
		if (!st->have_group)
			return 0; /* rule before any user-agent line */
		st->last_was_agent = 0;
		return add_rule(st, kind == KEY_ALLOW, v, vn);
	case KEY_CRAWL_DELAY:
		if (!st->have_group)
			return 0;
		st->last_was_agent = 0;
		{
			double d = parse_crawl_delay(v, vn);
			struct robots_group *g = &st->r->groups[st->r->n_groups - 1];
			if (d >= 0.0 && g->crawl_delay < 0.0)
				g->crawl_delay = d;
		}
		return 0;
	case KEY_SITEMAP:
		return add_sitemap(st->r, v, vn);
	case KEY_UNKNOWN:
		break;
	}
	return 0; /* unknown keys are ignored and do not end a group (RFC 9309 2.2.4) */
}

struct robots *robots_parse(const char *body, size_t len)
{
	struct robots *r = robots_new(ROBOTS_MODE_PARSED);
	if (!r)
		return NULL;

	const unsigned char *p = (const unsigned char *)body;
	if (!p)
		len = 0;
	if (len > ROBOTS_MAX_BYTES) {
		unsigned char next = p[ROBOTS_MAX_BYTES];
		len = ROBOTS_MAX_BYTES;
		if (next != '\n' && next != '\r') {
			/* the cap cut a line: drop that incomplete line */
			while (len > 0 && p[len - 1] != '\n' && p[len - 1] != '\r')
				len--;
		}
	}

	size_t i = 0;
	if (len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
		i = 3;

	struct parse_state st = {r, 0, 0, 0};
	while (i < len) {
		size_t start = i;
		while (i < len && p[i] != '\n' && p[i] != '\r')
			i++;
		size_t n = i - start;
		if (n > ROBOTS_MAX_LINE_BYTES)
			n = ROBOTS_MAX_LINE_BYTES;
		st.line_no++;
		if (parse_line(&st, p + start, n) != 0) {
			robots_free(r);
			return NULL;
		}
		if (i < len && p[i] == '\r') {
			i++;
			if (i < len && p[i] == '\n')
				i++;
		} else if (i < len) {
			i++; /* '\n' */
		}
	}
	return r;
}

/* ------------------------------------------------------------------------------------------------------ */
/* Queries                                                                                                 */

static size_t agent_token_len(const char *agent)
{
	size_t n = 0;
	if (agent)
		while (is_token_char((unsigned char)agent[n]))
			n++;
	return n;
}

static int agent_matches(const struct robots_agent *a, const char *agent, size_t agent_len)
{
	if (!a->token || a->token_len != agent_len || agent_len == 0)
		return 0;
	for (size_t i = 0; i < agent_len; i++) {
		if (ascii_lower((unsigned char)agent[i]) != (unsigned char)a->token[i])
			return 0;
	}
	return 1;
}

/* 1 if no user-agent line names `agent`, so the "*" groups apply instead (RFC 9309 2.2.1). */
static int uses_star_fallback(const struct robots *r, const char *agent, size_t agent_len)
{
	for (size_t i = 0; i < r->n_agents; i++) {
		if (agent_matches(&r->agents[i], agent, agent_len))
			return 0;
	}
	return 1;
}

static int agent_selected(const struct robots_agent *a, const char *agent, size_t agent_len, int star)
{
	return star ? a->token == NULL : agent_matches(a, agent, agent_len);
}

/* Locate path[?query] inside url.  Sets *need_slash when a '/' must be prepended. */
static void url_path(const char *url, const char **start, size_t *len, int *need_slash)
{
	const char *p = url;
	*need_slash = 0;

	if (*p != '/') {
		const char *s = p;
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')) {
			s++;
			while ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
			       (*s >= '0' && *s <= '9') || *s == '+' || *s == '-' || *s == '.')
				s++;
			if (s[0] == ':' && s[1] == '/' && s[2] == '/') {
				p = s + 3;
				while (*p && *p != '/' && *p != '?' && *p != '#')
					p++;
			}
		}
		if (*p != '/')
			*need_slash = 1;
	}
	const char *hash = strchr(p, '#');
	*start = p;
	*len = hash ? (size_t)(hash - p) : strlen(p);
}

static int decide(const struct robots *r, const char *agent, const char *text, size_t tlen, const char **why)
{
	const char *q = memchr(text, '?', tlen);
	size_t path_len = q ? (size_t)(q - text) : tlen;
	if (path_len == 11 && memcmp(text, "/robots.txt", 11) == 0) {
		*why = "allow: /robots.txt is always allowed";
		return 1;
	}
	if (r->mode == ROBOTS_MODE_ALLOW_ALL) {
		*why = "allow all (robots.txt unavailable)";
		return 1;
	}
	if (r->mode == ROBOTS_MODE_DISALLOW_ALL) {
		*why = "disallow all (robots.txt unreachable)";
		return 0;
	}

	size_t agent_len = agent_token_len(agent);
	int star = uses_star_fallback(r, agent, agent_len);
	int any_group = 0;
	const struct robots_rule *best = NULL;
	size_t last_group = SIZE_MAX;

	for (size_t i = 0; i < r->n_agents; i++) {
		const struct robots_agent *a = &r->agents[i];
		if (!agent_selected(a, agent, agent_len, star) || a->group == last_group)
			continue;
		last_group = a->group;
		any_group = 1;
		const struct robots_group *g = &r->groups[a->group];
		for (size_t k = 0; k < g->rule_count; k++) {
			const struct robots_rule *rule = &r->rules[g->rule_start + k];
			if (best && (rule->match_len < best->match_len ||
			             (rule->match_len == best->match_len && (best->allow || !rule->allow))))
				continue; /* cannot beat the current best */
			if (pattern_matches(rule->pattern, rule->pattern_len, rule->anchored, text, tlen))
				best = rule;
		}
	}
	if (!any_group) {
		*why = "default allow (no matching group)";
		return 1;
	}
	if (!best) {
		*why = "default allow (no matching rule)";
		return 1;
	}
	*why = best->desc;
	return best->allow;
}

int robots_allowed(const struct robots *r, const char *agent, const char *url, const char **matched_rule)
{
	const char *unused;
	const char **why = matched_rule ? matched_rule : &unused;

	if (!r || !url) {
		*why = "error: invalid argument";
		return 0;
	}

	const char *path;
	size_t n;
	int need_slash;
	url_path(url, &path, &n, &need_slash);

	char stack_buf[1024];
	char *text = stack_buf;
	if (n > (SIZE_MAX - 1) / 3) {
		*why = "error: out of memory";
		return 0;
	}
	size_t need = 1 + 3 * n;
	if (need > sizeof stack_buf) {
		text = rb_malloc(need);
		if (!text) {
			*why = "error: out of memory";
			return 0;
		}
	}
	size_t tlen = 0;
	if (need_slash)
		text[tlen++] = '/';
	tlen += normalise((const unsigned char *)path, n, text + tlen, NORM_PATH);

	int result = decide(r, agent, text, tlen, why);
	if (text != stack_buf)
		free(text);
	return result;
}

double robots_crawl_delay(const struct robots *r, const char *agent)
{
	if (!r || r->mode != ROBOTS_MODE_PARSED)
		return -1.0;
	size_t agent_len = agent_token_len(agent);
	int star = uses_star_fallback(r, agent, agent_len);
	for (size_t i = 0; i < r->n_agents; i++) {
		const struct robots_agent *a = &r->agents[i];
		if (agent_selected(a, agent, agent_len, star) && r->groups[a->group].crawl_delay >= 0.0)
			return r->groups[a->group].crawl_delay;
	}
	return -1.0;
}

size_t robots_sitemap_count(const struct robots *r)
{
	return r ? r->n_sitemaps : 0;
}

const char *robots_sitemap(const struct robots *r, size_t i)
{
	if (!r || i >= r->n_sitemaps)
		return NULL;
	return r->sitemaps[i];
}

size_t robots_rule_count(const struct robots *r)
{
	return r ? r->n_rules : 0;
}

/* ------------------------------------------------------------------------------------------------------ */
/* `twentejobs robots` subcommand                                                                          */

static void robots_usage(FILE *out)
{
	fputs("usage: twentejobs robots --agent AGENT [--explain] ROBOTS_FILE URL...\n"
	      "\n"
	      "Check URLs against a robots.txt file (RFC 9309) for a crawler's product token.\n"
	      "Prints one line per URL: \"allow<TAB>URL\" or \"disallow<TAB>URL\".\n"
	      "\n"
	      "  -a, --agent AGENT  product token matched against User-agent lines (required)\n"
	      "  -e, --explain      add a third column: the rule that decided\n"
	      "  -h, --help         show this help and exit\n"
	      "\n"
	      "ROBOTS_FILE may be '-' for standard input.  URL is an absolute URL or a path.\n"
	      "Exit status: 0 ok, 1 error, 2 usage error.\n",
	      out);
}

/* Read at most ROBOTS_MAX_BYTES + 1 octets (one more than parsed, so robots_parse can see whether the cap
 * cut a line).  Returns 0 or an errno value. */
static int read_robots_file(const char *path, char **out, size_t *out_len)
{
	int use_stdin = strcmp(path, "-") == 0;
	errno = 0;
	FILE *f = use_stdin ? stdin : fopen(path, "rb");
	if (!f)
		return errno ? errno : EIO;

	size_t cap = (size_t)ROBOTS_MAX_BYTES + 1, n = 0;
	char *buf = rb_malloc(cap);
	if (!buf) {
		if (!use_stdin)
			fclose(f);
		return ENOMEM;
	}
	errno = 0;
	while (n < cap) {
		size_t k = fread(buf + n, 1, cap - n, f);
		if (k == 0)
			break;
		n += k;
	}
	int err = ferror(f) ? (errno ? errno : EIO) : 0;
	if (!use_stdin)
		fclose(f);
	if (err) {
		free(buf);
		return err;
	}
	*out = buf;
	*out_len = n;
	return 0;
}

int cmd_robots(int argc, char **argv)
{
	static const struct option long_opts[] = {
	        {"agent", required_argument, NULL, 'a'},
	        {"explain", no_argument, NULL, 'e'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	const char *agent = NULL;
	int explain = 0;
	int c;

	optind = 0; /* glibc: full re-initialisation, so cmd_robots can run more than once per process */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":a:eh", long_opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			agent = optarg;
			break;
		case 'e':
			explain = 1;
			break;
		case 'h':
			robots_usage(stdout);
			return fflush(stdout) == 0 ? 0 : 1;
		case ':':
			fprintf(stderr, "twentejobs robots: option '%s' requires an argument\n",
			        argv[optind - 1]);
			fputs("Try 'twentejobs robots --help' for more information.\n", stderr);
			return 2;
		default:
			if (optopt)
				fprintf(stderr, "twentejobs robots: unknown option '-%c'\n", optopt);
			else
				fprintf(stderr, "twentejobs robots: unknown option '%s'\n", argv[optind - 1]);
			fputs("Try 'twentejobs robots --help' for more information.\n", stderr);
			return 2;
		}
	}
	if (!agent) {
		fputs("twentejobs robots: missing --agent AGENT\n"
		      "Try 'twentejobs robots --help' for more information.\n",
		      stderr);
		return 2;
	}
	if (argc - optind < 2) {
		fputs(argc - optind < 1 ? "twentejobs robots: missing ROBOTS_FILE and URL\n"
		                        : "twentejobs robots: missing URL\n",
		      stderr);
		fputs("Try 'twentejobs robots --help' for more information.\n", stderr);
		return 2;
	}

	const char *file = argv[optind];
	char *body = NULL;
	size_t len = 0;
	int err = read_robots_file(file, &body, &len);
	if (err) {
		fprintf(stderr, "twentejobs robots: cannot read '%s': %s\n", file, strerror(err));
		return 1;
	}
	struct robots *r = robots_parse(body, len);
	free(body);
	if (!r) {
		fputs("twentejobs robots: out of memory\n", stderr);
		return 1;
	}

	for (int i = optind + 1; i < argc; i++) {
		const char *why = NULL;
		int ok = robots_allowed(r, agent, argv[i], &why);
		if (explain)
			printf("%s\t%s\t%s\n", ok ? "allow" : "disallow", argv[i], why);
		else
			printf("%s\t%s\n", ok ? "allow" : "disallow", argv[i]);
	}
	robots_free(r);

	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "twentejobs robots: write error: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}
