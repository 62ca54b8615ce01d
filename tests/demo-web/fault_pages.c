/*
 * fault_pages.c - generated bodies for the /__fault/ endpoints.
 *
 * Purpose: the page-shaped faults: bodies that are too big, mislabelled,
 * badly encoded, endlessly linked (crawler traps) or absurdly nested.
 *
 * How it works: every body is produced by a generator that streams through
 * http_reply's 64 KiB buffer, so an N MiB page never needs N MiB of memory.
 * Most go through reply_generated(), which runs the generator once to count
 * and once to send, giving an exact Content-Length; oversize computes its
 * length directly (and can be sent chunked, i.e. without any length, to test
 * limits that cannot be checked up front).
 *
 * Limits (all enforced with 400 on violation):
 *   oversize mb 1..4096, links n 0..100000, deep n 0..1000000,
 *   calendar years 1..999999, page numbers 1..LONG_MAX-1.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* strptime, timegm, *_r, clock_gettime */
#endif

#include "fault_pages.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "http_reply.h"
#include "url_util.h"

enum { MIB = 1024 * 1024 };

static const char html_type[] = "text/html; charset=utf-8";

/* ---- oversize ---------------------------------------------------------- */

static const char oversize_prefix[] =
    "<!doctype html>\n<html><head><meta charset=\"utf-8\">"
    "<title>Oversize page</title></head>\n<body>\n";
static const char oversize_suffix[] = "</body></html>\n";
/* Exactly 64 bytes per line keeps the arithmetic trivial. */
static const char oversize_line[] =
    "<p>Oversize filler text to exceed the crawler body limit..</p>\n";

static int write_oversize(struct http_reply *r, unsigned long long total)
{
	char block[4096];
	unsigned long long left;
	size_t line_len = sizeof(oversize_line) - 1;
	size_t i;

	for (i = 0; i + line_len <= sizeof(block); i += line_len) {
		memcpy(block + i, oversize_line, line_len);
	}
	if (reply_print(r, oversize_prefix) != 0) {
		return -1;
	}
	left = total - (sizeof(oversize_prefix) - 1) - (sizeof(oversize_suffix) - 1);
	while (left >= sizeof(block)) {
		if (reply_write(r, block, sizeof(block)) != 0) {
			return -1;
		}
		left -= sizeof(block);
	}
	/* The odd remainder is spaces so no tag is cut in half. */
	memset(block, ' ', (size_t)left);
	if (reply_write(r, block, (size_t)left) != 0) {
		return -1;
	}
	return reply_print(r, oversize_suffix);
}

int fault_page_oversize(struct http_reply *r, const char *query)
{
	long mb;
	long chunked;
	unsigned long long total;

	if (url_query_long(query, "mb", 20, 1, 4096, &mb) != 0
	    || url_query_long(query, "chunked", 0, 0, 1, &chunked) != 0) {
		return reply_error(r, 400, "oversize: mb must be 1..4096, chunked 0 or 1.");
	}
	total = (unsigned long long)mb * MIB;
	if (reply_start(r, 200) != 0
	    || reply_header(r, "Content-Type", html_type) != 0
	    || reply_end_headers(r, chunked ? REPLY_CHUNKED : (long long)total)
	           != 0) {
		return -1;
	}
	if (r->head_only) {
		return 0;
	}
	return write_oversize(r, total);
}

/* ---- wrong-type -------------------------------------------------------- */

/* A valid 1x1 transparent PNG. */
static const unsigned char tiny_png[] = {
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d,
    0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,
    0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00,
    0x0a, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00, 0x00, 0x00, 0x00, 0x49,
    0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82};

static int gen_png(struct http_reply *r, const void *arg)
{
	(void)arg;
	return reply_write(r, tiny_png, sizeof(tiny_png));
}

int fault_page_wrong_type(struct http_reply *r)
{
	return reply_generated(r, 200, "image/png", NULL, NULL, gen_png, NULL);
}

/* ---- bad-utf8 ---------------------------------------------------------- */

/* Invalid sequences used below (string literals are split after each hex
 * escape so the next character is not swallowed into it):
 *   \xff \xfe  never valid          \xc3\x28  bad continuation
 *   \xc0\xaf   overlong '/'          \xed\xa0\x80  UTF-16 surrogate
 *   \xe2\x82   truncated sequence    \x80  lone continuation byte
 *   \xf8\x88\x80\x80\x80  5-byte form (not UTF-8 since 2003) */
static const char bad_utf8_page[] =
    "<!doctype html>\n<html lang=\"nl\"><head><meta charset=\"utf-8\">\n"
    "<title>Vacature \xff\xfe" " Ontwikkelaar \xc3\x28" " (m/v/x)</title>\n"
    "<script type=\"application/ld+json\">\n"
    "{\"@context\": \"https://schema.org\", \"@type\": \"JobPosting\",\n"
    " \"title\": \"Software ontwikkelaar \xc0\xaf" " \xed\xa0\x80" "\",\n"
    " \"description\": \"<p>Kapotte bytes: \xe2\x82" " en \xf8\x88\x80\x80\x80"
    "</p>\",\n"
    " \"datePosted\": \"2024-01-15\",\n"
    " \"validThrough\": \"2099-12-31\",\n"
    " \"employmentType\": \"FULL_TIME\",\n"
    " \"hiringOrganization\": {\"@type\": \"Organization\","
    " \"name\": \"Bad \x80" " UTF-8 B.V.\"},\n"
    " \"jobLocation\": {\"@type\": \"Place\", \"address\": {\"@type\":"
    " \"PostalAddress\", \"addressLocality\": \"Enschede \xfe" "\","
    " \"addressCountry\": \"NL\"}}}\n"
    "</script>\n</head>\n<body>\n"
    "<h1>Vacature \xff" " Ontwikkelaar \xc3\x28" "</h1>\n"
    "<p>Valid UTF-8 for contrast: caf\xc3\xa9, \xe2\x82\xac" "50.000.</p>\n"
    "<p>Invalid: \xc0\xaf" " \xed\xa0\x80" " \xe2\x82" " \x80" " \xfe"
    "</p>\n</body></html>\n";

int fault_page_bad_utf8(struct http_reply *r)
{
	return reply_text(r, 200, html_type, bad_utf8_page);
}

/* ---- calendar trap ----------------------------------------------------- */

struct month {
	long year;
	long month; /* 1..12 */
};

/* Parse "/YYYY-MM/" or "/YYYY-MM": 0 ok, -1 malformed. */
static int parse_month(const char *rest, struct month *m)
{
	char buf[32];
	char *dash;
	size_t len;

	if (rest[0] != '/') {
		return -1;
	}
	rest++;
	len = strlen(rest);
	if (len > 0 && rest[len - 1] == '/') {
		len--;
	}
	if (len == 0 || len >= sizeof(buf)) {
		return -1;
	}
	memcpy(buf, rest, len);
	buf[len] = '\0';
	dash = strchr(buf, '-');
	if (dash == NULL || dash - buf < 4 || strlen(dash + 1) != 2) {
		return -1;
	}
	*dash = '\0';
	if (url_parse_long(buf, 1, 999999, &m->year) != 0
	    || url_parse_long(dash + 1, 1, 12, &m->month) != 0) {
		return -1;
	}
	return 0;
}

static int gen_calendar(struct http_reply *r, const void *arg)
{
	const struct month *m = arg;
	struct month prev = *m;
	struct month next = *m;
	long day;

	prev.month--;
	if (prev.month == 0) {
		prev.month = 12;
		prev.year--;
	}
	next.month++;
	if (next.month == 13) {
		next.month = 1;
		next.year++;
	}
	if (reply_printf(r,
	                 "<!doctype html>\n<html><head><meta charset=\"utf-8\">"
	                 "<title>Events calendar %04ld-%02ld</title></head>\n"
	                 "<body><h1>Events %04ld-%02ld</h1>\n<nav>",
	                 m->year, m->month, m->year, m->month)
	    != 0) {
		return -1;
	}
	if (prev.year >= 1
	    && reply_printf(r,
	                    "<a href=\"/__fault/calendar/%04ld-%02ld/\">&laquo; "
	                    "previous month</a> ",
	                    prev.year, prev.month)
	           != 0) {
		return -1;
	}
	if (next.year <= 999999
	    && reply_printf(r,
	                    "<a href=\"/__fault/calendar/%04ld-%02ld/\">next month "
	                    "&raquo;</a>",
	                    next.year, next.month)
	           != 0) {
		return -1;
	}
	if (reply_print(r, "</nav>\n<table><tr>") != 0) {
		return -1;
	}
	/* Day cells without links: only month navigation forms the trap. */
	for (day = 1; day <= 28; day++) {
		if (reply_printf(r, "<td>%ld</td>%s", day, day % 7 == 0 ? "</tr>\n<tr>" : "")
		    != 0) {
			return -1;
		}
	}
	return reply_print(r, "</tr></table>\n</body></html>\n");
}

int fault_page_calendar(struct http_reply *r, const char *rest)
{
	struct month m;

	if (rest[0] == '\0' || strcmp(rest, "/") == 0) {
		/* Entry point: today's month, like a real "agenda" link. */
		char location[64];
		time_t now = time(NULL);
		struct tm tm;
		int n;

		if (gmtime_r(&now, &tm) == NULL) {
			return reply_error(r, 500, "clock unavailable");
		}
		n = snprintf(location, sizeof(location), "/__fault/calendar/%04d-%02d/",
		             tm.tm_year + 1900, tm.tm_mon + 1);
		if (n < 0 || (size_t)n >= sizeof(location)) {
			return -1;
		}
		return reply_redirect(r, 302, location);
	}
	if (parse_month(rest, &m) != 0) {
		return reply_error(r, 400, "calendar: expected /__fault/calendar/YYYY-MM/.");
	}
	return reply_generated(r, 200, html_type, NULL, NULL, gen_calendar, &m);
}

/* ---- endless pagination ------------------------------------------------ */

static int gen_pagination(struct http_reply *r, const void *arg)
{
	long n = *(const long *)arg;

	if (reply_printf(r,
	                 "<!doctype html>\n<html><head><meta charset=\"utf-8\">"
	                 "<title>Vacancies - page %ld</title></head>\n"
	                 "<body><h1>Vacancies - page %ld</h1>\n"
	                 "<p>No vacancies on this page.</p>\n<nav>",
	                 n, n)
	    != 0) {
		return -1;
	}
	if (n > 1 && reply_printf(r, "<a href=\"/__fault/page/%ld/\">previous</a> ",
	                          n - 1)
	                 != 0) {
		return -1;
	}
	if (reply_printf(r, "<a href=\"/__fault/page/%ld/\">next</a>", n + 1) != 0) {
		return -1;
	}
	return reply_print(r, "</nav>\n</body></html>\n");
}

int fault_page_pagination(struct http_reply *r, const char *rest)
{
	char buf[32];
	size_t len;
	long n;

	if (rest[0] == '\0' || strcmp(rest, "/") == 0) {
		return reply_redirect(r, 302, "/__fault/page/1/");
	}
	rest++; /* skip '/' */
	len = strlen(rest);
	if (len > 0 && rest[len - 1] == '/') {
		len--;
	}
	if (len == 0 || len >= sizeof(buf)) {
		return reply_error(r, 400, "page: expected /__fault/page/N/.");
	}
	memcpy(buf, rest, len);
	buf[len] = '\0';
	if (url_parse_long(buf, 1, LONG_MAX - 1, &n) != 0) {
		return reply_error(r, 400, "page: expected /__fault/page/N/ with N >= 1.");
	}
	return reply_generated(r, 200, html_type, NULL, NULL, gen_pagination, &n);
}

/* ---- many links -------------------------------------------------------- */

static int gen_links(struct http_reply *r, const void *arg)
{
	long n = *(const long *)arg;
	long k;

	if (reply_printf(r,
	                 "<!doctype html>\n<html><head><meta charset=\"utf-8\">"
	                 "<title>%ld links</title></head>\n<body><h1>%ld links</h1>\n"
	                 "<ul>\n",
	                 n, n)
	    != 0) {
		return -1;
	}
	for (k = 1; k <= n; k++) {
		if (reply_printf(r,
		                 "<li><a href=\"/__fault/links/item-%ld\">item %ld</a></li>\n",
		                 k, k)
		    != 0) {
			return -1;
		}
	}
	return reply_print(r, "</ul>\n</body></html>\n");
}

static int gen_link_item(struct http_reply *r, const void *arg)
{
	long k = *(const long *)arg;

	return reply_printf(r,
	                    "<!doctype html>\n<html><head><meta charset=\"utf-8\">"
	                    "<title>Item %ld</title></head>\n<body><h1>Item %ld</h1>\n"
	                    "<p>A leaf page without links.</p>\n</body></html>\n",
	                    k, k);
}

int fault_page_links(struct http_reply *r, const char *rest, const char *query)
{
	long n;

	if (rest[0] == '\0' || strcmp(rest, "/") == 0) {
		if (url_query_long(query, "n", 100, 0, 100000, &n) != 0) {
			return reply_error(r, 400, "links: n must be 0..100000.");
		}
		return reply_generated(r, 200, html_type, NULL, NULL, gen_links, &n);
	}
	if (strncmp(rest, "/item-", 6) == 0
	    && url_parse_long(rest + 6, 0, LONG_MAX, &n) == 0) {
		return reply_generated(r, 200, html_type, NULL, NULL, gen_link_item, &n);
	}
	return reply_error(r, 404, "links: no such item.");
}

/* ---- deep nesting ------------------------------------------------------ */

static int gen_deep(struct http_reply *r, const void *arg)
{
	long n = *(const long *)arg;
	char block[6 * 512];
	long i;
	long left;

	if (reply_printf(r,
	                 "<!doctype html>\n<html><head><meta charset=\"utf-8\">"
	                 "<title>Nested %ld deep</title></head>\n<body>\n",
	                 n)
	    != 0) {
		return -1;
	}
	/* Write the tags in blocks; one reply_write per tag would be slow for a
	 * million levels. */
	for (i = 0; i < 512; i++) {
		memcpy(block + i * 5, "<div>", 5);
	}
	for (left = n; left > 0; left -= 512) {
		size_t count = left < 512 ? (size_t)left : 512;

		if (reply_write(r, block, count * 5) != 0) {
			return -1;
		}
	}
	if (reply_print(r, "<p>Deep content</p>") != 0) {
		return -1;
	}
	for (i = 0; i < 512; i++) {
		memcpy(block + i * 6, "</div>", 6);
	}
	for (left = n; left > 0; left -= 512) {
		size_t count = left < 512 ? (size_t)left : 512;

		if (reply_write(r, block, count * 6) != 0) {
			return -1;
		}
	}
	return reply_print(r, "\n</body></html>\n");
}

int fault_page_deep(struct http_reply *r, const char *query)
{
	long n;

	if (url_query_long(query, "n", 1000, 0, 1000000, &n) != 0) {
		return reply_error(r, 400, "deep: n must be 0..1000000.");
	}
	return reply_generated(r, 200, html_type, NULL, NULL, gen_deep, &n);
}
