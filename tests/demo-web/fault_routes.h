/*
 * fault_routes.h - the /__fault/ endpoints (hostile-server behaviour).
 */
#ifndef FAULT_ROUTES_H
#define FAULT_ROUTES_H

struct demo_app;
struct http_reply;

/* Is sub (e.g. "/slow", "/page/3/") the name of a fault endpoint? Used on
 * faults.demo.test, where endpoints also live at the top level. */
int fault_routes_known(const char *sub);

/* Answer a fault request. sub is the decoded path below "/__fault" (starting
 * with '/', or empty), query the raw query string or NULL. Unknown names get
 * a 404 page. */
int fault_routes_serve(struct demo_app *app,
                       struct http_reply *r,
                       const char *sub,
                       const char *query);

#endif
