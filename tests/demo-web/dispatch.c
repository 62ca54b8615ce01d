/*
 * dispatch.c - civetweb begin_request callback: route, answer, log.
 *
 * Purpose: the single entry point for every request civetweb has parsed.
 * It validates the request, picks the responder, and writes the request-log
 * line once the response is complete.
 *
 * How it works (in order):
 *   1. method: only GET and HEAD, anything else 405 with Allow;
 *   2. path: percent-decoded and checked by url_path_decode(); traversal
 *      attempts ("..", "%2e%2e", backslash, NUL) get 400;
 *   3. "/__fault" prefix on any host          -> fault_routes
 *      host faults.demo.test                  -> fault_routes at top level,
 *                                                allow-all /robots.txt,
 *                                                else static files
 *      robots*.demo.test hosts                -> robots_hosts
 *      anything else                          -> static_site (Host needed)
 *   4. log "start\tend\thost\tmethod\tpath?query\tstatus", written just
 *      before the final buffered bytes go out (see the comment there).
 * We use begin_request rather than mg_set_request_handler() so that no
 * request can fall through to civetweb's own file serving or CORS/OPTIONS
 * handling; there is no document_root at all.
 *
 * Limits: requests civetweb rejects itself (malformed request line, unknown
 * method such as "FOO", oversized headers, absolute-form URIs naming another
 * server) never reach this callback and are not logged.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* strptime, timegm, *_r, clock_gettime */
#endif

#include "dispatch.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <civetweb.h>

#include "clock_util.h"
#include "demo_app.h"
#include "fault_routes.h"
#include "http_reply.h"
#include "robots_hosts.h"
#include "static_site.h"
#include "url_util.h"

enum { URL_PATH_BUF = 4096, HOST_BUF = 256 };

static const char faults_host[] = "faults.demo.test";

static int route(struct demo_app *app,
                 struct http_reply *r,
                 struct mg_connection *conn,
                 const struct mg_request_info *ri,
                 const char *raw_path,
                 const char *host,
                 enum url_host_verdict host_verdict)
{
	char path[URL_PATH_BUF];
	const char *method = ri->request_method;
	const char *query = ri->query_string;
	enum url_path_verdict pv;

	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		if (reply_start(r, 405) != 0 || reply_header(r, "Allow", "GET, HEAD") != 0
		    || reply_header(r, "Content-Type", "text/plain") != 0
		    || reply_end_headers(r, 19) != 0
		    || reply_print(r, "method not allowed\n") != 0) {
			return -1;
		}
		return 0;
	}

	pv = url_path_decode(raw_path, path, sizeof(path));
	switch (pv) {
	case URL_PATH_OK:
		break;
	case URL_PATH_TOO_LONG:
		return reply_error(r, 414, "URI too long.");
	case URL_PATH_TRAVERSAL:
		return reply_error(r, 400, "Path traversal refused.");
	case URL_PATH_BAD_ESCAPE:
	case URL_PATH_CONTROL:
	case URL_PATH_NOT_ABSOLUTE:
	default:
		return reply_error(r, 400, "Malformed path.");
	}

	if (strcmp(path, "/__fault") == 0 || strncmp(path, "/__fault/", 9) == 0) {
		return fault_routes_serve(app, r, path + 8, query);
	}

	switch (host_verdict) {
	case URL_HOST_OK:
		break;
	case URL_HOST_MISSING:
		return reply_error(r, 400, "Host header required.");
	case URL_HOST_TRAVERSAL:
		return reply_error(r, 400, "Invalid Host header.");
	case URL_HOST_INVALID:
	default:
		return reply_error(r, 404, "Unknown host.");
	}

	if (strcmp(host, faults_host) == 0) {
		if (fault_routes_known(path)) {
			return fault_routes_serve(app, r, path, query);
		}
		if (strcmp(path, "/robots.txt") == 0) {
			return reply_text(r, 200, "text/plain", "User-agent: *\nDisallow:\n");
		}
	} else if (robots_hosts_match(host)) {
		return robots_hosts_serve(app, r, host, path);
	}

	{
		struct static_request req;

		req.host = host;
		req.raw_path = raw_path;
		req.path = path;
		req.query = query;
		req.if_none_match = mg_get_header(conn, "If-None-Match");
		req.if_modified_since = mg_get_header(conn, "If-Modified-Since");
		return static_site_serve(app, r, &req);
	}
}

int dispatch_begin_request(struct mg_connection *conn)
{
	const struct mg_request_info *ri = mg_get_request_info(conn);
	struct demo_app *app = mg_get_user_data(mg_get_context(conn));
	long long start_ms = clock_now_ms();
	struct http_reply reply;
	char host[HOST_BUF];
	enum url_host_verdict host_verdict;
	const char *log_host;
	const char *raw_path;
	int status;

	host_verdict = url_host_normalize(mg_get_header(conn, "Host"), host, sizeof(host));
	log_host = host_verdict == URL_HOST_MISSING ? NULL : host;
	/* With decode_url=no this is the path exactly as sent, without the
	 * query (civetweb has already split that off into query_string). */
	raw_path = ri->local_uri_raw != NULL ? ri->local_uri_raw : ri->request_uri;

	if (reply_init(&reply, conn) != 0) {
		/* Out of memory: a fixed reply without our buffer. */
		static const char oom[] =
		    "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n"
		    "Connection: close\r\n\r\n";

		request_log_write(app->log, start_ms, clock_now_ms(), log_host,
		                  ri->request_method, raw_path, ri->query_string, 500,
		                  ri->remote_port);
		(void)mg_write(conn, oom, sizeof(oom) - 1);
		return 500;
	}

	(void)route(app, &reply, conn, ri, raw_path, host, host_verdict);
	if (!reply.headers_done && !reply.failed) {
		/* A responder gave up half-way through its headers (they are
		 * still only in our buffer): drop them, send a clean 500. */
		reply.len = 0;
		(void)reply_error(&reply, 500, "Internal error.");
	}
	status = reply.status != 0 ? reply.status : 500;

	/* Log first, then push out the last buffered bytes: by the time a
	 * client holds the complete response its log line is on disk, so tests
	 * can read the log right after curl returns without racing us. Every
	 * earlier part of the body has already been written, so end_ms still
	 * marks the end of the exchange (minus one socket write). */
	request_log_write(app->log, start_ms, clock_now_ms(), log_host,
	                  ri->request_method, raw_path, ri->query_string, status,
	                  ri->remote_port);
	(void)reply_finish(&reply);
	reply_free(&reply);
	return status;
}
