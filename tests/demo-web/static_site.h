/*
 * static_site.h - serve ROOT/<host>/<path>, with live-change overrides.
 */
#ifndef STATIC_SITE_H
#define STATIC_SITE_H

struct demo_app;
struct http_reply;

struct static_request {
	const char *host;              /* normalised, validated Host */
	const char *raw_path;          /* as sent (for redirects) */
	const char *path;              /* decoded and validated, starts with '/' */
	const char *query;             /* raw query string or NULL */
	const char *if_none_match;     /* header value or NULL */
	const char *if_modified_since; /* header value or NULL */
};

/* Answer the request from the static tree (200/301/304/404/...). */
int static_site_serve(const struct demo_app *app,
                      struct http_reply *r,
                      const struct static_request *req);

/* Content-Type for a file name, by extension. */
const char *static_site_mime_type(const char *file_name);

#endif
