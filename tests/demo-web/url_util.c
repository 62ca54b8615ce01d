/*
 * url_util.c - request-target and Host header parsing for demo-web.
 *
 * Purpose: the Host header and the URL path are both joined onto a
 * filesystem directory (ROOT/<host>/<path>), so both must be checked before
 * they get near open(). Query parameters drive the fault endpoints.
 *
 * How it works: civetweb runs with decode_url=no, so we receive the path
 * exactly as the client sent it and do our own percent-decoding here. That
 * lets us reject encoded traversal ("%2e%2e", "%2f..", "%5c", "%00") that a
 * decode-then-normalise server would silently rewrite. Rejected: any "." or
 * ".." segment, backslash, NUL, other control characters, bad escapes.
 *
 * Limits: no Unicode normalisation (bytes are bytes); "%2f" decodes to '/'
 * and therefore acts as a separator, which is checked like any other.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* strptime, timegm, *_r, clock_gettime */
#endif

#include "url_util.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

static int hex_value(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	if (c >= 'A' && c <= 'F') {
		return c - 'A' + 10;
	}
	return -1;
}

/* Percent-decode src[0..len) into out (NUL-terminated). plus_is_space is for
 * query values. Returns decoded length, -1 bad escape, -2 too long. */
static long percent_decode(const char *src,
                           size_t len,
                           int plus_is_space,
                           char *out,
                           size_t size)
{
	size_t i;
	size_t o = 0;

	for (i = 0; i < len; i++) {
		char c = src[i];

		if (c == '%') {
			int hi;
			int lo;

			if (i + 2 >= len) {
				return -1;
			}
			hi = hex_value(src[i + 1]);
			lo = (hi < 0) ? -1 : hex_value(src[i + 2]);
			if (hi < 0 || lo < 0) {
				return -1;
			}
			c = (char)(hi * 16 + lo);
			i += 2;
		} else if (c == '+' && plus_is_space) {
			c = ' ';
		}
		if (o + 1 >= size) {
			return -2;
		}
		out[o++] = c;
	}
	out[o] = '\0';
	return (long)o;
}

enum url_path_verdict url_path_decode(const char *raw, char *out, size_t size)
{
	long n;
	long i;
	long seg_start;

	if (raw == NULL || raw[0] != '/') {
		return URL_PATH_NOT_ABSOLUTE;
	}
	if (strchr(raw, '\\') != NULL) {
		return URL_PATH_TRAVERSAL;
	}
	n = percent_decode(raw, strlen(raw), 0, out, size);
	if (n == -1) {
		return URL_PATH_BAD_ESCAPE;
	}
	if (n < 0) {
		return URL_PATH_TOO_LONG;
	}
	/* Decoded NUL or backslash: someone is probing. */
	if (memchr(out, '\0', (size_t)n) != NULL || memchr(out, '\\', (size_t)n)) {
		return URL_PATH_TRAVERSAL;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)out[i];

		if (c < 0x20 || c == 0x7f) {
			return URL_PATH_CONTROL;
		}
	}
	/* Walk the segments; "." and ".." are refused outright rather than
	 * normalised, so a test can see the crawler never sends them. */
	seg_start = 1;
	for (i = 1; i <= n; i++) {
		if (i == n || out[i] == '/') {
			long seg_len = i - seg_start;
			const char *seg = out + seg_start;

			if ((seg_len == 1 && seg[0] == '.')
			    || (seg_len == 2 && seg[0] == '.' && seg[1] == '.')) {
				return URL_PATH_TRAVERSAL;
			}
			seg_start = i + 1;
		}
	}
	return URL_PATH_OK;
}

enum url_host_verdict url_host_normalize(const char *header,
                                         char *out,
                                         size_t size)
{
	size_t len;
	size_t i;
	size_t o = 0;
	enum url_host_verdict verdict = URL_HOST_OK;

	if (size == 0) {
		return URL_HOST_INVALID;
	}
	out[0] = '\0';
	if (header == NULL) {
		return URL_HOST_MISSING;
	}
	while (*header == ' ' || *header == '\t') {
		header++;
	}
	len = strlen(header);
	while (len > 0 && (header[len - 1] == ' ' || header[len - 1] == '\t')) {
		len--;
	}
	/* Strip ":port". IPv6 literals ("[::1]:80") keep their brackets and are
	 * simply reported as invalid further down: no demo site uses them. */
	if (len > 0 && header[0] != '[') {
		const char *colon = memchr(header, ':', len);

		if (colon != NULL) {
			len = (size_t)(colon - header);
		}
	}
	if (len == 0) {
		return URL_HOST_MISSING;
	}
	/* Check for ".." before the trailing-dot rule below could shorten
	 * "..": it must be refused, not mapped onto ".". */
	for (i = 0; i + 1 < len; i++) {
		if (header[i] == '.' && header[i + 1] == '.') {
			verdict = URL_HOST_TRAVERSAL;
		}
	}
	/* A single trailing dot is the same DNS name. */
	if (len > 1 && header[len - 1] == '.') {
		len--;
	}
	for (i = 0; i < len && o + 1 < size; i++) {
		unsigned char c = (unsigned char)tolower((unsigned char)header[i]);

		if (c == '/' || c == '\\') {
			verdict = URL_HOST_TRAVERSAL;
		} else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
		             || c == '-' || c == '.' || c == '_')
		           && verdict == URL_HOST_OK) {
			verdict = URL_HOST_INVALID;
		}
		out[o++] = (c < 0x20 || c >= 0x7f) ? '?' : (char)c;
	}
	out[o] = '\0';
	if (i < len) {
		return URL_HOST_INVALID; /* longer than any DNS name */
	}
	if (out[0] == '.' && verdict == URL_HOST_OK) {
		verdict = URL_HOST_INVALID;
	}
	return verdict;
}

int url_query_param(const char *query,
                    const char *name,
                    char *out,
                    size_t size)
{
	size_t name_len = strlen(name);
	const char *p = query;

	if (query == NULL) {
		return 0;
	}
	while (*p != '\0') {
		const char *end = strchr(p, '&');
		long n;
		size_t pair_len = end != NULL ? (size_t)(end - p) : strlen(p);

		if (pair_len >= name_len && strncmp(p, name, name_len) == 0
		    && (pair_len == name_len || p[name_len] == '=')) {
			const char *val = p + name_len;
			size_t val_len = pair_len - name_len;

			if (val_len > 0) {
				val++; /* skip '=' */
				val_len--;
			}
			n = percent_decode(val, val_len, 1, out, size);
			/* A decoded NUL would silently truncate the value. */
			if (n < 0 || strlen(out) != (size_t)n) {
				return -1;
			}
			return 1;
		}
		if (end == NULL) {
			break;
		}
		p = end + 1;
	}
	return 0;
}

int url_parse_long(const char *s, long min, long max, long *out)
{
	char *end = NULL;
	long v;

	if (s == NULL || *s == '\0' || isspace((unsigned char)*s)) {
		return -1;
	}
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max) {
		return -1;
	}
	*out = v;
	return 0;
}

int url_query_long(const char *query,
                   const char *name,
                   long def,
                   long min,
                   long max,
                   long *out)
{
	char buf[32];
	int found = url_query_param(query, name, buf, sizeof(buf));

	if (found < 0) {
		return -1;
	}
	if (found == 0) {
		*out = def;
		return 0;
	}
	return url_parse_long(buf, min, max, out);
}
