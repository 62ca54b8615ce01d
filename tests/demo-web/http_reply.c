/*
 * http_reply.c - buffered HTTP/1.1 response writer on top of civetweb.
 *
 * Purpose: every demo-web response (static files, fault pages, errors) goes
 * through this module, so framing, keep-alive and HEAD handling are right in
 * one place.
 *
 * How it works: the status line, headers and the start of the body are
 * collected in one 64 KiB buffer and handed to mg_write() in as few calls as
 * possible. We deliberately do not use civetweb's mg_response_header_*()
 * API: it emits every header line with its own send(), and with Nagle plus
 * delayed ACKs that can add tens of milliseconds per response, which would
 * blur the timing assertions made from the request log.
 *
 * Generated bodies get an exact Content-Length by running their generator
 * twice: a counting pass, then the sending pass (reply_generated()).
 *
 * Keep-alive: we announce what civetweb itself will do for a request it
 * handled without error (enable_keep_alive=yes): keep the connection when the
 * client asked for it, or by default on HTTP/1.1. Bodies without a length on
 * HTTP/1.0 are delimited by closing the connection instead.
 *
 * Limits: header block must fit in the 64 KiB buffer; no trailers.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* strptime, timegm, *_r, clock_gettime */
#endif

#include "http_reply.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <civetweb.h>

enum { REPLY_BUF_SIZE = 65536 };

/* Does a comma-separated header value contain the token (case-insensitive)? */
static int header_has_token(const char *value, const char *token)
{
	size_t tlen = strlen(token);
	const char *p = value;

	while (*p != '\0') {
		const char *end;
		size_t len;

		while (*p == ' ' || *p == '\t' || *p == ',') {
			p++;
		}
		end = p;
		while (*end != '\0' && *end != ',') {
			end++;
		}
		len = (size_t)(end - p);
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t')) {
			len--;
		}
		if (len == tlen && strncasecmp(p, token, tlen) == 0) {
			return 1;
		}
		p = end;
	}
	return 0;
}

int reply_init(struct http_reply *r, struct mg_connection *conn)
{
	const struct mg_request_info *ri = mg_get_request_info(conn);
	const char *connection = mg_get_header(conn, "Connection");

	memset(r, 0, sizeof(*r));
	r->buf = malloc(REPLY_BUF_SIZE);
	if (r->buf == NULL) {
		return -1;
	}
	r->conn = conn;
	r->head_only = (ri->request_method != NULL
	                && strcmp(ri->request_method, "HEAD") == 0);
	r->http11 = (ri->http_version != NULL
	             && strcmp(ri->http_version, "1.1") == 0);
	/* Mirrors civetweb's should_keep_alive(): an explicit Connection header
	 * wins, otherwise HTTP/1.1 means keep-alive. */
	if (connection != NULL) {
		r->keep_alive = header_has_token(connection, "keep-alive");
	} else {
		r->keep_alive = r->http11;
	}
	return 0;
}

void reply_free(struct http_reply *r)
{
	free(r->buf);
	r->buf = NULL;
}

/* Write bytes straight to the socket; remember failure. */
static int sock_write(struct http_reply *r, const void *data, size_t len)
{
	if (r->failed) {
		return -1;
	}
	if (len == 0) {
		return 0;
	}
	if (mg_write(r->conn, data, len) != (int)len) {
		r->failed = 1;
		return -1;
	}
	return 0;
}

int reply_flush(struct http_reply *r)
{
	int rc = 0;

	if (r->len == 0) {
		return r->failed ? -1 : 0;
	}
	if (r->chunked) {
		char head[32];
		int n = snprintf(head, sizeof(head), "%zx\r\n", r->len);

		if (n < 0 || (size_t)n >= sizeof(head)) {
			r->failed = 1;
			rc = -1;
		} else if (sock_write(r, head, (size_t)n) != 0
		           || sock_write(r, r->buf, r->len) != 0
		           || sock_write(r, "\r\n", 2) != 0) {
			rc = -1;
		}
	} else {
		rc = sock_write(r, r->buf, r->len);
	}
	r->len = 0;
	return rc;
}

/* Append to the output buffer, flushing as needed. Used for headers and
 * body alike; the body-level rules (HEAD, counting) live in reply_write(). */
static int buf_append(struct http_reply *r, const void *data, size_t len)
{
	const char *p = data;

	if (r->failed) {
		return -1;
	}
	while (len > 0) {
		size_t room = REPLY_BUF_SIZE - r->len;
		size_t take = len < room ? len : room;

		memcpy(r->buf + r->len, p, take);
		r->len += take;
		p += take;
		len -= take;
		if (r->len == REPLY_BUF_SIZE && reply_flush(r) != 0) {
			return -1;
		}
	}
	return 0;
}

const char *reply_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 206: return "Partial Content";
	case 301: return "Moved Permanently";
	case 302: return "Found";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 307: return "Temporary Redirect";
	case 308: return "Permanent Redirect";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 406: return "Not Acceptable";
	case 408: return "Request Timeout";
	case 410: return "Gone";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 418: return "I'm a teapot";
	case 429: return "Too Many Requests";
	case 451: return "Unavailable For Legal Reasons";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	default: return "Status";
	}
}

int reply_start(struct http_reply *r, int status)
{
	char line[256];
	char date[64];
	struct tm tm;
	time_t now = time(NULL);
	int n;

	if (gmtime_r(&now, &tm) == NULL
	    || strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm)
	           == 0) {
		date[0] = '\0';
	}
	r->status = status;
	n = snprintf(line,
	             sizeof(line),
	             "HTTP/1.1 %d %s\r\nDate: %s\r\nServer: demo-web\r\n",
	             status,
	             reply_reason(status),
	             date);
	if (n < 0 || (size_t)n >= sizeof(line)) {
		return -1;
	}
	return buf_append(r, line, (size_t)n);
}

int reply_header(struct http_reply *r, const char *name, const char *value)
{
	/* Refuse header injection: values come partly from query strings. */
	if (strpbrk(value, "\r\n") != NULL || strpbrk(name, "\r\n: ") != NULL) {
		return -1;
	}
	if (buf_append(r, name, strlen(name)) != 0
	    || buf_append(r, ": ", 2) != 0
	    || buf_append(r, value, strlen(value)) != 0
	    || buf_append(r, "\r\n", 2) != 0) {
		return -1;
	}
	return 0;
}

int reply_headerf(struct http_reply *r, const char *name, const char *fmt, ...)
{
	char value[2048];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(value)) {
		return -1;
	}
	return reply_header(r, name, value);
}

int reply_end_headers(struct http_reply *r, long long content_length)
{
	int rc = 0;

	if (content_length >= 0) {
		rc = reply_headerf(r, "Content-Length", "%lld", content_length);
	} else if (content_length == REPLY_CHUNKED) {
		if (r->http11) {
			rc = reply_header(r, "Transfer-Encoding", "chunked");
		} else {
			/* HTTP/1.0 has no chunking: the close ends the body. */
			r->keep_alive = 0;
		}
	}
	if (rc == 0) {
		rc = reply_header(r,
		                  "Connection",
		                  r->keep_alive ? "keep-alive" : "close");
	}
	if (rc == 0) {
		rc = buf_append(r, "\r\n", 2);
	}
	r->headers_done = 1;
	if (rc == 0 && content_length == REPLY_CHUNKED && r->http11
	    && !r->head_only) {
		/* Headers must leave unframed before the first chunk. */
		rc = reply_flush(r);
		r->chunked = 1;
	}
	return rc;
}

int reply_write(struct http_reply *r, const void *data, size_t len)
{
	if (r->counting) {
		r->counted += len;
		return 0;
	}
	if (r->failed) {
		return -1;
	}
	if (r->head_only) {
		return 0;
	}
	return buf_append(r, data, len);
}

int reply_print(struct http_reply *r, const char *s)
{
	return reply_write(r, s, strlen(s));
}

int reply_printf(struct http_reply *r, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		return -1;
	}
	return reply_write(r, tmp, (size_t)n);
}

int reply_escaped(struct http_reply *r, const char *text)
{
	const char *run = text;
	const char *p;

	for (p = text; *p != '\0'; p++) {
		const char *rep = NULL;

		switch (*p) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: break;
		}
		if (rep != NULL) {
			if (reply_write(r, run, (size_t)(p - run)) != 0
			    || reply_print(r, rep) != 0) {
				return -1;
			}
			run = p + 1;
		}
	}
	return reply_write(r, run, (size_t)(p - run));
}

int reply_finish(struct http_reply *r)
{
	int rc = reply_flush(r);

	if (rc == 0 && r->chunked) {
		rc = sock_write(r, "0\r\n\r\n", 5);
		r->chunked = 0;
	}
	return rc;
}

int reply_generated(struct http_reply *r,
                    int status,
                    const char *content_type,
                    const char *extra_header_name,
                    const char *extra_header_value,
                    reply_gen_fn gen,
                    const void *arg)
{
	unsigned long long total;

	r->counting = 1;
	r->counted = 0;
	(void)gen(r, arg);
	r->counting = 0;
	total = r->counted;

	if (reply_start(r, status) != 0
	    || reply_header(r, "Content-Type", content_type) != 0) {
		return -1;
	}
	if (extra_header_name != NULL && extra_header_value != NULL
	    && reply_header(r, extra_header_name, extra_header_value) != 0) {
		return -1;
	}
	if (reply_end_headers(r, (long long)total) != 0) {
		return -1;
	}
	if (r->head_only) {
		return 0;
	}
	return gen(r, arg);
}

struct page_args {
	const char *title;
	const char *body_html;
};

static int gen_page(struct http_reply *r, const void *arg)
{
	const struct page_args *pa = arg;

	if (reply_print(r,
	                "<!doctype html>\n<html><head><meta charset=\"utf-8\">"
	                "<title>")
	        != 0
	    || reply_escaped(r, pa->title) != 0
	    || reply_print(r, "</title></head>\n<body><h1>") != 0
	    || reply_escaped(r, pa->title) != 0 || reply_print(r, "</h1>\n") != 0
	    || reply_print(r, pa->body_html) != 0
	    || reply_print(r, "\n</body></html>\n") != 0) {
		return -1;
	}
	return 0;
}

int reply_page(struct http_reply *r,
               int status,
               const char *title,
               const char *body_html)
{
	struct page_args pa;

	pa.title = title;
	pa.body_html = body_html != NULL ? body_html : "";
	return reply_generated(
	    r, status, "text/html; charset=utf-8", NULL, NULL, gen_page, &pa);
}

static int gen_literal(struct http_reply *r, const void *arg)
{
	return reply_print(r, (const char *)arg);
}

int reply_text(struct http_reply *r,
               int status,
               const char *content_type,
               const char *body)
{
	return reply_generated(
	    r, status, content_type, NULL, NULL, gen_literal, body);
}

int reply_error(struct http_reply *r, int status, const char *msg)
{
	char title[64];
	char body[512];
	int n1 = snprintf(title, sizeof(title), "%d %s", status, reply_reason(status));
	int n2 = snprintf(body, sizeof(body), "<p>%s</p>", msg);

	if (n1 < 0 || (size_t)n1 >= sizeof(title) || n2 < 0
	    || (size_t)n2 >= sizeof(body)) {
		return -1;
	}
	return reply_page(r, status, title, body);
}

int reply_redirect(struct http_reply *r, int status, const char *location)
{
	if (reply_start(r, status) != 0
	    || reply_header(r, "Location", location) != 0
	    || reply_header(r, "Content-Type", "text/html; charset=utf-8") != 0
	    || reply_end_headers(r, 0) != 0) {
		return -1;
	}
	return 0;
}
