/*
 * robots.h - RFC 9309 robots.txt parser and matcher for the twentejobs spider.
 *
 * Typical use:
 *
 *     struct robots *r = robots_parse(body, body_len);   // 2xx response
 *     // or robots_allow_all() for 4xx, robots_disallow_all() for 5xx/unreachable
 *     if (r == NULL) { ...out of memory... }
 *     const char *why;
 *     if (robots_allowed(r, "TwenteJobsBot", url, &why)) fetch(url);
 *     robots_free(r);
 *
 * A parsed `struct robots` is immutable: every query function takes a const pointer, keeps no hidden state
 * and may be called concurrently from any number of threads on the same object.  Only robots_free() must
 * not race with queries.  See the block comment at the top of robots.c for the design, the exact parsing
 * rules, the accepted misspellings and the limits.
 */
#ifndef TWENTEJOBS_ROBOTS_H
#define TWENTEJOBS_ROBOTS_H

#include <stddef.h>

/* Only the first ROBOTS_MAX_BYTES octets of a robots.txt body are parsed (RFC 9309 2.5: at least 500 KiB). */
#define ROBOTS_MAX_BYTES (500u * 1024u)
/* Lines longer than this many octets are truncated to this length before parsing (as Google does). */
#define ROBOTS_MAX_LINE_BYTES 16384u
/* At most this many allow/disallow rules are kept per file; later rules are ignored. */
#define ROBOTS_MAX_RULES 10000u
/* At most this many Sitemap: URLs are kept per file; later ones are ignored. */
#define ROBOTS_MAX_SITEMAPS 10000u

/* Opaque, immutable after construction: safe to share between threads for all const queries. */
struct robots;

/*
 * robots_parse - parse a robots.txt body.
 *
 * `body` need not be NUL-terminated and may contain NUL bytes, invalid UTF-8, a UTF-8 BOM and LF, CRLF or
 * CR-only line endings.  Only the first ROBOTS_MAX_BYTES octets are considered (an incomplete last line cut
 * by that cap is dropped).  `body` may be NULL when `len` is 0.  Garbage never makes parsing fail: lines
 * that cannot be understood are ignored, so an unparsable file behaves like an empty one (allow all).
 * The input is not referenced after the call returns.
 *
 * Returns a new object that the caller owns and must release with robots_free(), or NULL only when memory
 * ran out (nothing is leaked in that case).  Thread-safety: reentrant, no global state.
 */
struct robots *robots_parse(const char *body, size_t len);

/*
 * robots_allow_all / robots_disallow_all - policies for fetch outcomes without a usable body
 * (RFC 9309 2.3.1.3: 4xx "unavailable" -> allow everything; 2.3.1.4: 5xx or network error "unreachable"
 * -> disallow everything).  "/robots.txt" itself stays allowed under robots_disallow_all().
 * No crawl-delay, no sitemaps.  Caller frees with robots_free(); NULL on out-of-memory.
 */
struct robots *robots_allow_all(void);
struct robots *robots_disallow_all(void);

/* robots_free - release an object from any constructor above.  NULL is a no-op.  Must not race with
 * queries on the same object.  Invalidates every borrowed pointer obtained from it. */
void robots_free(struct robots *r);

/*
 * robots_allowed - may `agent` fetch `url`?  Returns 1 (allowed) or 0 (disallowed).
 *
 * `agent`: our product token, e.g. "TwenteJobsBot" (anything after the leading [A-Za-z_-] characters, such
 *     as "/1.0", is ignored).  It is compared case-insensitively and exactly with the product tokens of the
 *     user-agent lines: "TwenteJobsBot" matches "twentejobsbot" and "TwenteJobsBot/2.0" but not "TwenteJobs".
 *     All groups naming the agent are merged; if none does, the merged "*" groups apply; if there is no "*"
 *     group either, everything is allowed.  NULL or "" selects the "*" groups only.
 * `url`: an absolute URL "scheme://authority/path?query#fragment" or a path starting with '/'.  Only
 *     path and query are matched; the fragment is dropped; an empty path means "/".  Anything else is taken
 *     as a path and gets a '/' prepended.
 * Matching: longest match wins, measured in octets of the normalised pattern; on a tie allow wins; '*' is a
 *     wildcard, a trailing '$' anchors the end.  Pattern and path are both normalised (%xx of unreserved
 *     characters decoded, other %xx upper-cased, non-ASCII/unsafe octets %-encoded) before comparing.
 *     "/robots.txt" is always allowed.
 * `matched_rule`: if non-NULL, receives a borrowed, NUL-terminated, printable-ASCII description of the
 *     deciding rule, e.g. "disallow: /private/ (line 7)" or "default allow (no matching rule)".  It stays
 *     valid until robots_free(r) (descriptions of non-rule decisions are static strings).
 *
 * Errors: r == NULL or url == NULL -> 0 with description "error: invalid argument"; out of memory while
 * normalising a very long URL (> 1 KiB) -> 0 with "error: out of memory".  Thread-safe on a shared `r`.
 */
int robots_allowed(const struct robots *r, const char *agent, const char *url, const char **matched_rule);

/*
 * robots_crawl_delay - the Crawl-delay (seconds, >= 0) of the group(s) selected for `agent` with the same
 * rules as robots_allowed() (the agent's merged groups, else the "*" groups); the first valid value in file
 * order wins.  Returns -1.0 when the selected groups have no valid Crawl-delay, or r is NULL.  Thread-safe.
 */
double robots_crawl_delay(const struct robots *r, const char *agent);

/*
 * robots_sitemap_count / robots_sitemap - the Sitemap: URLs of the file, in file order, wherever they
 * appear (they do not belong to groups).  robots_sitemap() returns a borrowed NUL-terminated string valid
 * until robots_free(r), or NULL if i is out of range or r is NULL.  Control characters, spaces and
 * non-ASCII octets in the value are %-encoded.  Thread-safe.
 */
size_t robots_sitemap_count(const struct robots *r);
const char *robots_sitemap(const struct robots *r, size_t i);

/* robots_rule_count - number of allow/disallow rules kept (all groups; empty Disallow/Allow lines are not
 * rules).  0 for NULL and for the special policies.  Diagnostic helper.  Thread-safe. */
size_t robots_rule_count(const struct robots *r);

/*
 * cmd_robots - the `twentejobs robots` subcommand; argv[0] is "robots".
 *
 *     twentejobs robots --agent AGENT [--explain] ROBOTS_FILE URL...
 *
 * Reads ROBOTS_FILE ("-" = standard input; only the first ROBOTS_MAX_BYTES are read) and prints for each URL
 * one line "allow\tURL" or "disallow\tURL" on stdout, with --explain a third tab-separated column holding
 * the deciding rule.  --help prints usage on stdout.
 * Returns the exit status: 0 success (also for --help), 1 failure (unreadable file, reported on stderr as
 * "twentejobs robots: cannot read 'FILE': <strerror>"; out of memory; write error on stdout), 2 wrong usage
 * (missing --agent, missing file or URLs, unknown option; message plus usage hint on stderr).
 * Uses getopt_long() and therefore global getopt state: not thread-safe.
 */
int cmd_robots(int argc, char **argv);

/*
 * robots_debug_fail_alloc_after - fault injection for tests only.  After `n` further successful
 * allocations made by this module, every allocation fails; n < 0 switches injection off (the default).
 * Not thread-safe: only call it while no other thread uses this module.
 */
void robots_debug_fail_alloc_after(long n);

#endif /* TWENTEJOBS_ROBOTS_H */
