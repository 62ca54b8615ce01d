/*
 * dispatch.h - civetweb begin_request callback: route, answer, log.
 */
#ifndef DISPATCH_H
#define DISPATCH_H

struct mg_connection;

/* Handles every request; returns the HTTP status sent (civetweb stores it
 * for its own bookkeeping and sends nothing more). The struct demo_app is
 * the server user data. */
int dispatch_begin_request(struct mg_connection *conn);

#endif
