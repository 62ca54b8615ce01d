/*
 * fetch.c - bounded HTTP GETs with libcurl (see fetch.h).
 *
 * How the limits work:
 *  - body cap: the write callback appends to a capped struct buf; curl
 *    hands it *decoded* bytes (CURLOPT_ACCEPT_ENCODING ""), so the cap
 *    bounds memory after gzip/brotli decoding, which is what defeats a
 *    decompression bomb;
 *  - content-type: checked on the first body bytes (headers are complete
 *    by then) and the transfer aborted when it is not wanted;
 *  - SSRF: CURLOPT_OPENSOCKETFUNCTION sees every address curl is about to
 *    connect to, after DNS and for every followed redirect, and refuses
 *    non-public ones unless they were mapped explicitly;
 *  - stop: the progress callback aborts a transfer when the crawl is told
 *    to stop (SIGINT), so Ctrl-C never waits for a 30 s timeout.
 */
#include "fetch.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <netinet/in.h>

#include "version.h"

#define DEFAULT_MAX_BODY ((size_t)5 << 20)
#define MAX_MAPPED 64

struct fetcher {
	CURL *h;
	struct fetcher_config cfg;
	struct curl_slist *resolve;
	struct curl_slist *connect_to;
	char *mapped[MAX_MAPPED];       /* addresses the user mapped explicitly */
	size_t n_mapped;
	char *mapped_host[MAX_MAPPED];  /* --resolve: the host each address is for */
	/* per-transfer state, reset by fetch_url */
	struct fetch_response *resp;
	const char *const *accept;
	size_t max_body;                /* this transfer's cap */
	bool checked, discard, bad_type, too_big, refused_addr;
	size_t discarded;
};

static const char *const html_types[] = { "text/html", "application/xhtml+xml", NULL };

bool fetch_addr_is_public(const char *addr)
{
	unsigned char b[16];

	if (inet_pton(AF_INET, addr, b) == 1) {
		if (b[0] == 0 || b[0] == 10 || b[0] == 127 || b[0] >= 224)
			return false;                            /* this, private, loopback, multicast, reserved */
		if (b[0] == 169 && b[1] == 254) return false;    /* link-local */
		if (b[0] == 172 && (b[1] & 0xf0) == 16) return false;
		if (b[0] == 192 && b[1] == 168) return false;
		if (b[0] == 100 && (b[1] & 0xc0) == 64) return false; /* CGNAT */
		if (b[0] == 192 && b[1] == 0 && (b[2] == 0 || b[2] == 2)) return false;
		if (b[0] == 198 && (b[1] & 0xfe) == 18) return false; /* benchmarking */
		if (b[0] == 198 && b[1] == 51 && b[2] == 100) return false;
		if (b[0] == 203 && b[1] == 0 && b[2] == 113) return false;
		return true;
	}
	if (inet_pton(AF_INET6, addr, b) == 1) {
		static const unsigned char v4mapped[12] = { 0,0,0,0,0,0,0,0,0,0,0xff,0xff };
		bool zero = true;

		for (int i = 0; i < 15; i++)
			zero = zero && b[i] == 0;
		if (zero)
			return false;                            /* :: and ::1 */
		if (!memcmp(b, v4mapped, 12)) {
			char v4[INET_ADDRSTRLEN];

			inet_ntop(AF_INET, b + 12, v4, sizeof(v4));
			return fetch_addr_is_public(v4);
		}
		if ((b[0] & 0xfe) == 0xfc) return false;          /* unique local */
		if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return false; /* link-local */
		if (b[0] == 0xff) return false;                  /* multicast */
		if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) return false;
		return true;
	}
	return false;
}

/* Remember the address part of "ADDR:PORT" or "[V6]:PORT" as mapped,
 * for host (NULL: for every host, as --demo-web maps them all). */
static enum tj_code add_mapped(struct fetcher *f, const char *s, size_t len, const char *host,
			       size_t host_len)
{
	char *a, *h = NULL;

	if (len && s[0] == '[' && s[len - 1] == ']') {
		s++;
		len -= 2;
	}
	if (f->n_mapped == MAX_MAPPED)
		return tj_error(TJ_EINVAL, "too many mapped addresses (at most %d)", MAX_MAPPED);
	a = strndup(s, len);
	if (host && !(h = strndup(host, host_len))) {
		free(a);
		return tj_error(TJ_ENOMEM, "out of memory");
	}
	if (!a)
		return tj_error(TJ_ENOMEM, "out of memory");
	for (char *c = h; c && *c; c++)
		*c = (char)tolower((unsigned char)*c);
	f->mapped[f->n_mapped] = a;
	f->mapped_host[f->n_mapped++] = h;
	return TJ_OK;
}

static bool addr_allowed(const struct fetcher *f, const char *addr)
{
	if (f->cfg.allow_private || fetch_addr_is_public(addr))
		return true;
	for (size_t i = 0; i < f->n_mapped; i++)
		if (!strcmp(f->mapped[i], addr))
			return true;
	return false;
}

static curl_socket_t on_open_socket(void *ud, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct fetcher *f = ud;
	char text[INET6_ADDRSTRLEN] = "";

	(void)purpose;
	if (a->family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)&a->addr)->sin_addr, text, sizeof(text));
	else if (a->family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&a->addr)->sin6_addr, text, sizeof(text));
	if (!text[0] || !addr_allowed(f, text)) {
		f->refused_addr = true;
		if (f->resp)
			snprintf(f->resp->error, sizeof(f->resp->error),
				 "refused to connect to non-public address %s", text[0] ? text : "(unknown)");
		return CURL_SOCKET_BAD;
	}
	return socket(a->family, a->socktype, a->protocol);
}

/*
 * The second, host-aware check, once connected and before the request is
 * sent: a non-public address is allowed only for the host it was mapped
 * for (--resolve HOST:PORT:ADDR), so a mapped page cannot redirect or link
 * the crawler to http://127.0.0.1/ or another internal name.
 */
static int on_prereq(void *ud, char *ip, char *local_ip, int port, int local_port)
{
	struct fetcher *f = ud;
	char *eff = NULL, *host = NULL;
	CURLU *u;
	bool ok = false;

	(void)local_ip; (void)port; (void)local_port;
	if (f->cfg.allow_private || fetch_addr_is_public(ip))
		return CURL_PREREQFUNC_OK;
	curl_easy_getinfo(f->h, CURLINFO_EFFECTIVE_URL, &eff);
	u = curl_url();
	if (u && eff && !curl_url_set(u, CURLUPART_URL, eff, 0) &&
	    !curl_url_get(u, CURLUPART_HOST, &host, 0)) {
		for (size_t i = 0; !ok && i < f->n_mapped; i++)
			ok = !strcmp(f->mapped[i], ip) &&
			     (!f->mapped_host[i] || !strcasecmp(f->mapped_host[i], host));
	}
	curl_free(host);
	curl_url_cleanup(u);
	if (ok)
		return CURL_PREREQFUNC_OK;
	f->refused_addr = true;
	if (f->resp)
		snprintf(f->resp->error, sizeof(f->resp->error),
			 "refused: '%s' is at non-public address %s and was not mapped to it",
			 eff ? eff : "?", ip);
	return CURL_PREREQFUNC_ABORT;
}

static bool type_accepted(const char *ct, const char *const *accept)
{
	if (!ct)
		return true;    /* no header: let the parser decide, as browsers sniff */
	for (; *accept; accept++)
		if (!strncasecmp(ct, *accept, strlen(*accept)))
			return true;
	return false;
}

static size_t on_write(char *data, size_t size, size_t n, void *ud)
{
	struct fetcher *f = ud;
	size_t len = size * n;

	if (!f->checked) {
		long code = 0;
		char *ct = NULL;

		f->checked = true;
		curl_easy_getinfo(f->h, CURLINFO_RESPONSE_CODE, &code);
		curl_easy_getinfo(f->h, CURLINFO_CONTENT_TYPE, &ct);
		if (code < 200 || code >= 300) {
			f->discard = true;      /* error pages are not content */
		} else if (!type_accepted(ct, f->accept)) {
			f->bad_type = true;
			return 0;
		}
	}
	if (f->discard) {
		/* error pages are dropped, but an endless one must still end */
		f->discarded += len;
		if (f->discarded > f->max_body) {
			f->too_big = true;
			return 0;
		}
		return len;
	}
	if (buf_add(&f->resp->body, data, len)) {
		f->too_big = true;
		return 0;
	}
	return len;
}

static int on_progress(void *ud, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	struct fetcher *f = ud;

	(void)dt; (void)dn; (void)ut; (void)un;
	return f->cfg.stop && atomic_load(f->cfg.stop) ? 1 : 0;
}

enum tj_code fetcher_new(const struct fetcher_config *cfg, struct fetcher **out)
{
	struct fetcher *f = calloc(1, sizeof(*f));
	enum tj_code rc = TJ_OK;
	char entry[300];

	*out = NULL;
	if (!f)
		return tj_error(TJ_ENOMEM, "out of memory");
	f->cfg = *cfg;
	if (!f->cfg.max_body)
		f->cfg.max_body = DEFAULT_MAX_BODY;
	if (!f->cfg.connect_timeout_ms)
		f->cfg.connect_timeout_ms = 10000;
	if (!f->cfg.timeout_ms)
		f->cfg.timeout_ms = 30000;
	f->h = curl_easy_init();
	if (!f->h) {
		rc = tj_error(TJ_ENOMEM, "cannot create a libcurl handle");
		goto out;
	}
	if (cfg->demo_web) {
		const char *colon = strrchr(cfg->demo_web, ':');
		struct curl_slist *l;

		if (!colon || colon == cfg->demo_web || !colon[1]) {
			rc = tj_error(TJ_EINVAL, "--demo-web '%s': expected ADDR:PORT", cfg->demo_web);
			goto out;
		}
		/* empty host and port: every connection goes to the demo web */
		snprintf(entry, sizeof(entry), "::%s", cfg->demo_web);
		l = curl_slist_append(f->connect_to, entry);
		if (!l) {
			rc = tj_error(TJ_ENOMEM, "out of memory");
			goto out;
		}
		f->connect_to = l;
		if ((rc = add_mapped(f, cfg->demo_web, (size_t)(colon - cfg->demo_web), NULL, 0)))
			goto out;
	}
	for (size_t i = 0; i < cfg->n_resolve; i++) {
		const char *r = cfg->resolve[i], *p1, *p2;
		struct curl_slist *l;

		p1 = strchr(r, ':');
		p2 = p1 ? strchr(p1 + 1, ':') : NULL;
		if (!p1 || !p2 || !p2[1]) {
			rc = tj_error(TJ_EINVAL, "--resolve '%s': expected HOST:PORT:ADDR", r);
			goto out;
		}
		l = curl_slist_append(f->resolve, r);
		if (!l) {
			rc = tj_error(TJ_ENOMEM, "out of memory");
			goto out;
		}
		f->resolve = l;
		for (const char *a = p2 + 1; *a;) {
			size_t n = strcspn(a, ",");

			if ((rc = add_mapped(f, a, n, r, (size_t)(p1 - r))))
				goto out;
			a += n + (a[n] == ',');
		}
	}
out:
	if (rc) {
		fetcher_free(f);
		return rc;
	}
	*out = f;
	return TJ_OK;
}

void fetcher_free(struct fetcher *f)
{
	if (!f)
		return;
	curl_easy_cleanup(f->h);
	curl_slist_free_all(f->resolve);
	curl_slist_free_all(f->connect_to);
	for (size_t i = 0; i < f->n_mapped; i++) {
		free(f->mapped[i]);
		free(f->mapped_host[i]);
	}
	free(f);
}

void fetch_response_release(struct fetch_response *r)
{
	buf_release(&r->body);
	free(r->content_type);
	free(r->etag);
	free(r->last_modified);
	free(r->location);
	free(r->final_url);
	r->content_type = r->etag = r->last_modified = r->location = r->final_url = NULL;
}

/* The URL actually requested: in demo mode https becomes http. */
static char *transport_url(const struct fetcher *f, const char *url)
{
	if (f->cfg.demo_web && !strncasecmp(url, "https://", 8)) {
		size_t n = strlen(url) + 1;
		char *t = malloc(n);

		if (t)
			snprintf(t, n, "http://%s", url + 8);
		return t;
	}
	return strdup(url);
}

/* The inverse for URLs curl reports back: keep the logical https form. */
static char *logical_url(const struct fetcher *f, const char *orig, const char *got)
{
	if (f->cfg.demo_web && !strncasecmp(orig, "https://", 8) && !strncasecmp(got, "http://", 7)) {
		size_t n = strlen(got) + 2;
		char *t = malloc(n);

		if (t)
			snprintf(t, n, "https://%s", got + 7);
		return t;
	}
	return strdup(got);
}

static char *header_copy(CURL *h, const char *name)
{
	struct curl_header *hd = NULL;

	if (curl_easy_header(h, name, 0, CURLH_HEADER, -1, &hd) != CURLHE_OK || !hd->value)
		return NULL;
	return strdup(hd->value);
}

static void set_kind(struct fetch_response *r, enum fetch_status st)
{
	static char http_kinds[6][9] = { "http_1xx", "http_2xx", "http_3xx", "http_4xx", "http_5xx", "http_xxx" };

	r->status = st;
	switch (st) {
	case FETCH_OK: r->kind = "ok"; break;
	case FETCH_NOT_MODIFIED: r->kind = "not_modified"; break;
	case FETCH_REDIRECT: r->kind = "redirect"; break;
	case FETCH_HTTP_ERROR: {
		/* group by class but keep the common codes distinct for curators */
		switch (r->http_status) {
		case 403: r->kind = "http_403"; break;
		case 404: r->kind = "http_404"; break;
		case 410: r->kind = "http_410"; break;
		case 429: r->kind = "http_429"; break;
		case 500: r->kind = "http_500"; break;
		case 502: r->kind = "http_502"; break;
		case 503: r->kind = "http_503"; break;
		default: {
			long c = r->http_status / 100;

			r->kind = http_kinds[c >= 1 && c <= 5 ? c - 1 : 5];
		}
		}
		break;
	}
	case FETCH_TOO_BIG: r->kind = "too_big"; break;
	case FETCH_BAD_TYPE: r->kind = "bad_content_type"; break;
	case FETCH_TIMEOUT: r->kind = "timeout"; break;
	case FETCH_CONNECT: r->kind = "connect"; break;
	case FETCH_FORBIDDEN_ADDR: r->kind = "forbidden_address"; break;
	case FETCH_STOPPED: r->kind = "stopped"; break;
	case FETCH_FAILED: r->kind = "failed"; break;
	}
}

enum tj_code fetch_url(struct fetcher *f, const struct fetch_request *req, struct fetch_response *resp)
{
	struct curl_slist *hdrs = NULL, *l;
	char *url = NULL, hdr[512], ua[256];
	CURLcode cc;
	CURL *h = f->h;
	enum tj_code rc = TJ_OK;
	curl_off_t retry = -1;
	double secs = 0;

	memset(resp, 0, sizeof(*resp));
	f->max_body = req->max_body ? req->max_body : f->cfg.max_body;
	buf_init(&resp->body, f->max_body);
	resp->retry_after_s = -1;
	f->resp = resp;
	f->accept = req->accept ? req->accept : html_types;
	f->checked = f->discard = f->bad_type = f->too_big = f->refused_addr = false;
	f->discarded = 0;

	url = transport_url(f, req->url);
	if (!url) {
		rc = tj_error(TJ_ENOMEM, "out of memory");
		goto out;
	}
	if (req->etag) {
		snprintf(hdr, sizeof(hdr), "If-None-Match: %s", req->etag);
		if (!(l = curl_slist_append(hdrs, hdr)))
			goto oom;
		hdrs = l;
	}
	if (req->last_modified) {
		snprintf(hdr, sizeof(hdr), "If-Modified-Since: %s", req->last_modified);
		if (!(l = curl_slist_append(hdrs, hdr)))
			goto oom;
		hdrs = l;
	}
	snprintf(ua, sizeof(ua), "%s", f->cfg.user_agent ? f->cfg.user_agent
			 : "TwenteJobsBot/" TJ_VERSION " (+" TJ_CONTACT_URL ")");

	curl_easy_reset(h);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_USERAGENT, ua);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, req->follow_redirects ? 1L : 0L);
	curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, f->cfg.connect_timeout_ms);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, f->cfg.timeout_ms);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	/* A worker moves from host to host; keeping idle connections to every
	 * one of them open ties up a thread per connection on many servers
	 * (civetweb, Apache prefork) for nothing, since a polite crawler comes
	 * back only after the host's delay.  Keep only the latest. */
	curl_easy_setopt(h, CURLOPT_MAXCONNECTS, 1L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, f);
	curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(h, CURLOPT_XFERINFODATA, f);
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
	curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, f);
	curl_easy_setopt(h, CURLOPT_PREREQFUNCTION, on_prereq);
	curl_easy_setopt(h, CURLOPT_PREREQDATA, f);
	if (f->resolve)
		curl_easy_setopt(h, CURLOPT_RESOLVE, f->resolve);
	if (f->connect_to)
		curl_easy_setopt(h, CURLOPT_CONNECT_TO, f->connect_to);

	cc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp->http_status);
	curl_easy_getinfo(h, CURLINFO_TOTAL_TIME, &secs);
	resp->seconds = secs;
	if (curl_easy_getinfo(h, CURLINFO_RETRY_AFTER, &retry) == CURLE_OK && retry > 0)
		resp->retry_after_s = (long)retry;
	{
		char *eff = NULL, *ct = NULL;

		curl_easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &eff);
		resp->final_url = logical_url(f, req->url, eff ? eff : req->url);
		curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &ct);
		if (ct && !(resp->content_type = strdup(ct)))
			goto oom;
		if (!resp->final_url)
			goto oom;
	}

	if (f->bad_type) {
		set_kind(resp, FETCH_BAD_TYPE);
		snprintf(resp->error, sizeof(resp->error), "content-type '%s' is not wanted",
			 resp->content_type ? resp->content_type : "");
	} else if (f->too_big || cc == CURLE_FILESIZE_EXCEEDED) {
		set_kind(resp, FETCH_TOO_BIG);
		snprintf(resp->error, sizeof(resp->error), "body larger than %zu bytes", f->max_body);
	} else if (f->refused_addr) {
		set_kind(resp, FETCH_FORBIDDEN_ADDR);
	} else if (cc == CURLE_ABORTED_BY_CALLBACK) {
		set_kind(resp, FETCH_STOPPED);
		snprintf(resp->error, sizeof(resp->error), "stopped");
	} else if (cc == CURLE_OPERATION_TIMEDOUT) {
		set_kind(resp, FETCH_TIMEOUT);
		snprintf(resp->error, sizeof(resp->error), "%s", curl_easy_strerror(cc));
	} else if (cc == CURLE_COULDNT_RESOLVE_HOST || cc == CURLE_COULDNT_CONNECT ||
		   cc == CURLE_SSL_CONNECT_ERROR || cc == CURLE_PEER_FAILED_VERIFICATION) {
		set_kind(resp, FETCH_CONNECT);
		snprintf(resp->error, sizeof(resp->error), "%s", curl_easy_strerror(cc));
	} else if (cc == CURLE_TOO_MANY_REDIRECTS) {
		set_kind(resp, FETCH_FAILED);
		resp->kind = "too_many_redirects";
		snprintf(resp->error, sizeof(resp->error), "more than 5 redirects");
	} else if (cc != CURLE_OK) {
		set_kind(resp, FETCH_FAILED);
		snprintf(resp->error, sizeof(resp->error), "%s", curl_easy_strerror(cc));
	} else if (resp->http_status == 304) {
		set_kind(resp, FETCH_NOT_MODIFIED);
	} else if (resp->http_status >= 300 && resp->http_status < 400) {
		char *loc = NULL;

		curl_easy_getinfo(h, CURLINFO_REDIRECT_URL, &loc);
		set_kind(resp, FETCH_REDIRECT);
		if (loc && !(resp->location = logical_url(f, req->url, loc)))
			goto oom;
		if (!loc) {
			set_kind(resp, FETCH_FAILED);
			snprintf(resp->error, sizeof(resp->error), "redirect %ld without Location",
				 resp->http_status);
		}
	} else if (resp->http_status >= 200 && resp->http_status < 300) {
		set_kind(resp, FETCH_OK);
		/* validators are optional: a failed copy only costs a full refetch */
		resp->etag = header_copy(h, "ETag");
		resp->last_modified = header_copy(h, "Last-Modified");
	} else {
		set_kind(resp, FETCH_HTTP_ERROR);
		snprintf(resp->error, sizeof(resp->error), "HTTP %ld", resp->http_status);
	}
	goto out;
oom:
	rc = tj_error(TJ_ENOMEM, "out of memory fetching '%s'", req->url);
out:
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(hdrs);
	free(url);
	f->resp = NULL;
	return rc;
}
