/*
 * url_util.h - request-target and Host header parsing for demo-web.
 */
#ifndef URL_UTIL_H
#define URL_UTIL_H

#include <stddef.h>

enum url_path_verdict {
	URL_PATH_OK = 0,
	URL_PATH_BAD_ESCAPE,  /* '%' not followed by two hex digits */
	URL_PATH_TRAVERSAL,   /* "..", ".", backslash or NUL (raw or encoded) */
	URL_PATH_CONTROL,     /* decoded control character (e.g. %0a) */
	URL_PATH_TOO_LONG,
	URL_PATH_NOT_ABSOLUTE /* does not start with '/' */
};

/* Decode the raw (still percent-encoded) path into out and check it is safe
 * to join onto a directory: no "." or ".." segment, no backslash, no NUL,
 * no control characters. The query string must already be split off. */
enum url_path_verdict url_path_decode(const char *raw, char *out, size_t size);

enum url_host_verdict {
	URL_HOST_OK = 0,
	URL_HOST_MISSING,   /* no Host header, or empty */
	URL_HOST_TRAVERSAL, /* would escape ROOT: "..", '/', '\\' */
	URL_HOST_INVALID    /* other characters not valid in a DNS name */
};

/* Lowercase the Host header value and strip ":port" into out. out always
 * receives a printable (sanitised) copy, even when the verdict is not OK,
 * so it can go into the request log. */
enum url_host_verdict url_host_normalize(const char *header,
                                         char *out,
                                         size_t size);

/* Look up name=value in a raw query string and percent-decode the value
 * ('+' becomes a space). Returns 1 found, 0 absent, -1 malformed/too long. */
int url_query_param(const char *query,
                    const char *name,
                    char *out,
                    size_t size);

/* Integer query parameter: *out = def when absent. Returns 0 on success,
 * -1 when present but not a decimal integer within [min, max]. */
int url_query_long(const char *query,
                   const char *name,
                   long def,
                   long min,
                   long max,
                   long *out);

/* Strict decimal parse of a whole string into [min, max]; 0 ok, -1 bad. */
int url_parse_long(const char *s, long min, long max, long *out);

#endif
