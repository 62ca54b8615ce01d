/*
 * fetch.h - one HTTP GET with libcurl, bounded and classified.
 *
 * A fetcher wraps one curl easy handle (connection reuse across requests
 * to the same host) and belongs to one thread.  fetch_url() never follows
 * redirects itself unless asked (robots.txt): the crawler treats a
 * redirect as a new URL so robots.txt, politeness and the SSRF check apply
 * to every hop.
 *
 * Limits enforced here: connect and total timeouts, a body cap applied to
 * the *decoded* bytes (so a gzip bomb stops at the cap), http/https only,
 * an accepted content-type list, and no connection to a non-public address
 * unless it was mapped explicitly (--demo-web / --resolve) or
 * allow_private is set.
 *
 * Demo web: with demo_web = "127.0.0.1:PORT" every host is connected to
 * that address (CURLOPT_CONNECT_TO, never DNS) and https URLs are fetched
 * as plain http - the fixture server speaks no TLS.  URLs keep their real
 * https form everywhere else (rules, database, API).
 */
#ifndef TJ_FETCH_H
#define TJ_FETCH_H

#include <stdatomic.h>
#include <stdbool.h>
#include <curl/curl.h>
#include "buf.h"
#include "err.h"

struct fetcher_config {
	const char *user_agent;
	long connect_timeout_ms;        /* 0 = 10 s */
	long timeout_ms;                /* 0 = 30 s */
	size_t max_body;                /* 0 = 5 MiB (decoded) */
	const char *demo_web;           /* "ADDR:PORT" or NULL */
	const char *const *resolve;     /* NULL-terminated "HOST:PORT:ADDR" list, or NULL */
	size_t n_resolve;
	bool allow_private;             /* allow loopback/private addresses */
	atomic_int *stop;               /* non-zero aborts transfers; may be NULL */
};

enum fetch_status {
	FETCH_OK,               /* 2xx with an accepted body */
	FETCH_NOT_MODIFIED,     /* 304 to a conditional request */
	FETCH_REDIRECT,         /* 3xx; location holds the absolute target */
	FETCH_HTTP_ERROR,       /* 4xx/5xx */
	FETCH_TOO_BIG,          /* body (decoded) over max_body */
	FETCH_BAD_TYPE,         /* content-type not accepted */
	FETCH_TIMEOUT,
	FETCH_CONNECT,          /* DNS / connect / TLS failure */
	FETCH_FORBIDDEN_ADDR,   /* SSRF guard refused the address */
	FETCH_STOPPED,          /* the stop flag was raised */
	FETCH_FAILED,           /* anything else (bad URL, protocol error) */
};

struct fetch_request {
	const char *url;                /* absolute http(s) URL */
	const char *etag;               /* send If-None-Match; may be NULL */
	const char *last_modified;      /* send If-Modified-Since; may be NULL */
	const char *const *accept;      /* NULL-terminated content-type prefixes; NULL = HTML */
	bool follow_redirects;          /* follow up to 5 (robots.txt) */
	size_t max_body;                /* body cap (decoded) for this request; 0 = the
					   fetcher's max_body (ATS feeds are larger than pages) */
};

struct fetch_response {
	enum fetch_status status;
	long http_status;               /* 0 when no response */
	const char *kind;               /* short word for reports: ok, http_503, timeout, ... */
	struct buf body;
	char *content_type;             /* malloc'd or NULL */
	char *etag;
	char *last_modified;
	char *location;                 /* FETCH_REDIRECT: absolute target (logical form) */
	char *final_url;                /* logical URL answered (after followed redirects) */
	long retry_after_s;             /* Retry-After in seconds, -1 when absent */
	double seconds;                 /* transfer time */
	char error[256];                /* human-readable detail for non-OK */
};

struct fetcher;

/* Create a fetcher; cfg strings are borrowed and must outlive it. */
enum tj_code fetcher_new(const struct fetcher_config *cfg, struct fetcher **out) TJ_WUR;
void fetcher_free(struct fetcher *f);       /* NULL is a no-op */

/*
 * Fetch one URL.  Returns TJ_OK whenever a fetch_status was decided (HTTP
 * errors and timeouts included - look at resp->status); an error only for
 * out-of-memory or a URL libcurl cannot use.  resp must be released with
 * fetch_response_release() either way.
 */
enum tj_code fetch_url(struct fetcher *f, const struct fetch_request *req,
		       struct fetch_response *resp) TJ_WUR;
void fetch_response_release(struct fetch_response *r);

/* Is this IPv4/IPv6 address (text form) public, i.e. not loopback,
 * private, link-local, CGNAT, multicast, unspecified or reserved? */
bool fetch_addr_is_public(const char *addr);

#endif
