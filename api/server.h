/*
 * server.h - the HTTP API server: configuration, lifecycle, and the
 * request/response types every handler sees.
 *
 * The server is civetweb with one catch-all handler that does everything
 * routes have in common (routing, parameter checks, rate limiting, CORS,
 * ETag/304, gzip, metrics, access log); handlers (api/h_*.c) only turn a
 * parsed request into a status and a body.
 *
 * Threads and connections are sized apart: civetweb ties a worker thread to
 * a client connection for as long as it is open (keep-alive, or a client
 * that sends slowly), so there are many threads, cheap while they wait;
 * the read-only SQLite connections, which cost memory (page cache) and do
 * the CPU work, are a small pool (about 2 per CPU) lent to a request only
 * while its handler runs.
 */
#ifndef TJ_SERVER_H
#define TJ_SERVER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "buf.h"
#include "db.h"
#include "err.h"

#define API_MAX_PARAMS 32
#define API_MAX_ORIGINS 8
#define API_THREADS 64                  /* default connection threads */
#define API_REQUEST_TIMEOUT_MS 5000     /* default deadline for a request's headers */
#define API_CACHE_MB 64                 /* default response cache size */

struct api_config {
	const char *db_path;
	const char *listen;             /* "ADDR:PORT"; port 0 = any free port */
	int threads;                    /* civetweb worker threads: connections served at once */
	int db_connections;             /* read-only connections: requests computing at
					   once; 0 = api_db_connections() decides */
	int request_timeout_ms;         /* deadline for a request's headers */
	int cache_mb;                   /* response cache size; 0 = none */
	const char *origins[API_MAX_ORIGINS];   /* CORS allow-list; "*" = any */
	int n_origins;                  /* 0 = any origin ("*") */
	double rate;                    /* requests per second per client; 0 = unlimited */
	double burst;                   /* bucket size; 0 = 2 * rate */
	FILE *access_log;               /* NULL = none */
	char listen_default[64];        /* storage for the default `listen` */
};

/* Defaults (strings borrowed; the config must outlive the server):
 * db_default_path(), 127.0.0.1:$PORT or :8080, 64 threads, 2 database
 * connections per CPU, 5 s for the headers, any origin, 20 req/s with
 * bursts of 40, access log on stderr. */
void api_config_init(struct api_config *c);

/* The size of the connection pool for this configuration: db_connections,
 * or 2 per online CPU, never more than the threads that could use them. */
int api_db_connections(const struct api_config *c);

struct api_server;

/* Start serving in background threads.  The database is opened read-write
 * once (creating and migrating it) before the workers start.  *out is the
 * caller's, stopped and freed with api_server_stop().  Errors: TJ_EDB,
 * TJ_EIO (cannot listen), TJ_ENOMEM. */
enum tj_code api_server_start(const struct api_config *c, struct api_server **out) TJ_WUR;

/* The port actually bound (useful with port 0). */
int api_server_port(const struct api_server *s);

/* Stop accepting, finish the requests in flight, close every connection
 * and free the server.  NULL is a no-op. */
void api_server_stop(struct api_server *s);

struct api_param {
	char *key, *value;              /* percent-decoded, NUL-terminated */
	bool used;                      /* a handler consumed it */
};

struct route;

/* One request as handlers see it.  Everything is borrowed for the call. */
struct api_req {
	struct api_server *srv;
	const struct route *route;
	const char *method;
	const char *path;
	const char *path_arg;           /* the {id} segment, or NULL */
	struct api_param params[API_MAX_PARAMS];
	int n_params;
	const char *host;               /* Host header, for absolute links */
	const char *query_string;       /* raw, as received, or NULL */
	bool head;                      /* HEAD: the body is computed but not sent */
};

/* A handler's answer.  The dispatcher owns `body` and releases it. */
struct api_resp {
	int status;                     /* 200 unless set */
	const char *content_type;       /* static string */
	const char *error_code;         /* set by api_fail(): the JSON error code */
	struct buf body;
};

/* The request's read-only connection, taken from the pool on first use
 * (waiting while every pooled connection is busy) and returned by the
 * dispatcher when the handler is done. */
enum tj_code api_db(struct api_req *rq, struct db **out) TJ_WUR;

struct jobcache;
/* The current attribute snapshot (index/jobcache.h), fresh with respect to
 * the request's connection; the caller drops it with jobcache_unref(). */
enum tj_code api_jobcache(struct api_req *rq, struct jobcache **out) TJ_WUR;

/* The server-wide cursor key (random per process). */
const uint8_t *api_cursor_key(const struct api_server *s);

/* Prometheus text for /metrics (counters, histogram, db gauges). */
enum tj_code api_metrics_render(struct api_req *rq, struct buf *out) TJ_WUR;

/* Set a 4xx error on the response; returns TJ_OK so a handler can
 * `return api_fail(rs, 404, "not_found", "no job %s", id);`. */
enum tj_code api_fail(struct api_resp *rs, int status, const char *code, const char *fmt, ...)
	TJ_PRINTF(4, 5);

/* `twentejobs serve` */
int cmd_serve(int argc, char **argv);

#endif
