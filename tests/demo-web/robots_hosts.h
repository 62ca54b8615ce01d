/*
 * robots_hosts.h - synthetic sites with misbehaving robots.txt.
 */
#ifndef ROBOTS_HOSTS_H
#define ROBOTS_HOSTS_H

struct demo_app;
struct http_reply;

/* Is host one of the synthetic robots test hosts? */
int robots_hosts_match(const char *host);

/* Answer a request for one of those hosts. path is decoded/validated. */
int robots_hosts_serve(struct demo_app *app,
                       struct http_reply *r,
                       const char *host,
                       const char *path);

#endif
