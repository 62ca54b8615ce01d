/*
 * fault_pages.h - generated bodies for the /__fault/ endpoints.
 */
#ifndef FAULT_PAGES_H
#define FAULT_PAGES_H

struct http_reply;

/* Each returns 0 when a reply was produced (possibly an error page), -1 on a
 * write failure. rest is what follows the endpoint name in the path ("" or
 * "/..."), query the raw query string or NULL. */
int fault_page_oversize(struct http_reply *r, const char *query);
int fault_page_wrong_type(struct http_reply *r);
int fault_page_bad_utf8(struct http_reply *r);
int fault_page_calendar(struct http_reply *r, const char *rest);
int fault_page_pagination(struct http_reply *r, const char *rest);
int fault_page_links(struct http_reply *r, const char *rest, const char *query);
int fault_page_deep(struct http_reply *r, const char *query);

#endif
