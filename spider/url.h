/*
 * url.h - URL resolution, canonical form and spider-trap heuristics.
 *
 * Every URL the spider stores, queues or compares goes through
 * url_normalize() first, so two spellings of one page ("HTTP://Ex.com:80/a/./b"
 * and "http://ex.com/a/b") are one frontier entry and one posting URL.
 * Parsing is libcurl's URL API; this module adds the browser-like input
 * clean-up libcurl does not do and the canonicalisation a crawler needs.
 *
 * Only http and https URLs are accepted: every function returns NULL (or -1,
 * or false) for anything else.  All functions are pure and thread-safe
 * (libcurl's URL API keeps no global state once curl_global_init() ran).
 * Returned char * are malloc'd and the caller's to free().
 */
#ifndef TJ_URL_H
#define TJ_URL_H

#include <stdbool.h>
#include <stddef.h>

/* The longest URL any function accepts or produces; longer input is NULL. */
#define URL_MAX_LEN 8192

/*
 * Resolve ref (an href as written in a page: relative, scheme-relative or
 * absolute, with stray whitespace) against base (the page URL, or the
 * document's <base href> already resolved) and return it in canonical form
 * (url_normalize()).  A ref that is empty or only a fragment resolves to
 * base itself.  NULL when either is invalid, when ref has a scheme other
 * than http/https (mailto:, javascript:, tel:, data:, ...), or on OOM.
 */
char *url_resolve(const char *base, const char *ref);

/* url_resolve() for a base already in canonical form (a url_normalize()
 * or url_resolve() result): skips normalising it again, which is a third
 * of the work when a page's links are resolved one by one. */
char *url_resolve_canonical(const char *base, const char *ref);

/*
 * The canonical form of an absolute http(s) URL:
 *  - leading/trailing whitespace trimmed, tabs and newlines removed,
 *    backslashes in the path read as '/', unsafe bytes (space, controls,
 *    non-ASCII, "<>`{}|^) percent-encoded, as browsers do;
 *  - scheme and host lowercase, percent-escapes in the host decoded (a
 *    decoded '@', '/', ':' ... makes the URL invalid, as in browsers), one
 *    trailing dot on the host dropped, IPv4 shorthands expanded by
 *    libcurl ("127.1" -> "127.0.0.1"), the default port (80/443) removed;
 *  - dot segments removed, an empty path made "/", the fragment dropped;
 *  - percent-escapes of unreserved characters (A-Z a-z 0-9 - . _ ~)
 *    decoded, other escapes' hex digits uppercased;
 *  - session ids in the path (";jsessionid=...", removed before dot
 *    segments are resolved) and tracking parameters
 *    in the query (utm_*, gclid, fbclid, msclkid, dclid, yclid, gbraid,
 *    wbraid, mc_cid, mc_eid, _ga, _gl, _hsenc, _hsmi, __hstc, __hssc,
 *    __hsfp, mkt_tok, igshid, sessionid, jsessionid, phpsessid; names
 *    compared case-insensitively) removed, empty parameters dropped, the
 *    others kept in their original order, "?" dropped when nothing is left.
 * "%2E" is left encoded: decoding it after dot-segment removal could make
 * a new "..", and browsers treat it as a dot anyway.
 * "ref" is deliberately kept: career sites use it for the vacancy
 * reference ("vacature?ref=2024-113"), and dropping it would merge
 * distinct postings into one URL.
 * The result is a fixed point: url_normalize(url_normalize(u)) equals
 * url_normalize(u) (tests/fuzz/fuzz_url.c checks it).
 * NULL when invalid (no host, bad port, empty label, not http/https,
 * longer than URL_MAX_LEN) or on OOM.
 */
char *url_normalize(const char *url);

/* The lowercase host of an http(s) URL ("[::1]" for IPv6); NULL if invalid. */
char *url_host(const char *url);

/* The effective port (explicit, else 80/443); -1 if invalid. */
int url_port(const char *url);

/* Path and query ("/a/b?x=1") of the canonical form, as robots.txt rules
 * are matched against (RFC 9309 2.2.2); NULL if invalid. */
char *url_path_query(const char *url);

/* "scheme://host[:port]" with the port only when not the default; NULL if
 * invalid.  Two URLs are same-origin iff their origins are equal strings. */
char *url_origin(const char *url);

/*
 * Spider-trap heuristics, deliberately conservative (a false positive
 * loses a page, a false negative costs a few requests before the page
 * budget stops it).  A URL is a trap when
 *  - it is longer than 2048 bytes;
 *  - one path segment occurs 3 or more times ("/a/b/a/b/a/");
 *  - it has more than 10 query parameters;
 *  - it has more than 30 path segments;
 *  - it looks like a calendar page for a month more than 2 years (24
 *    months) away from today: a year-month in the path ("/2031/05/",
 *    "/agenda/2019-01") or year=/jaar= with month=/maand= in the query, or
 *    a date=YYYY-MM-DD parameter.
 * When it is and why is not NULL, a short reason is written there.
 * Invalid URLs are traps ("invalid URL").  Thread-safe.
 */
bool url_is_trap(const char *url, char *why, size_t whylen);

/* The same with "today" given as year and month (1-12), for tests. */
bool url_is_trap_at(const char *url, int year, int month, char *why, size_t whylen);

#endif
