/*
 * server.c - the HTTP server around the handlers (see server.h).
 *
 * civetweb runs a pool of worker threads; every request goes to dispatch(),
 * which does, in order:
 *
 *   1. route by path (routes.c); OPTIONS -> CORS preflight (204);
 *      anything but GET/HEAD -> 405 with Allow; unknown path -> 404
 *   2. size limits: a query string over MAX_QUERY_STRING -> 414, a request
 *      body over MAX_BODY -> 413 (the API takes no bodies)
 *   3. per-client token bucket (keyed by remote address) -> 429 + Retry-After;
 *      /healthz and /metrics are exempt so probes never see a 429
 *   4. query string -> percent-decoded parameters; any name the route does
 *      not list -> 400 naming it
 *   5. for a public, cacheable route: the response cache (rcache.c), keyed
 *      by route, Host, path and query string and valid for the database
 *      generation the request sees (the attribute snapshot's build number,
 *      which moves with every commit) - a hit skips the handler and, for a
 *      client that accepts gzip, the compression too
 *   6. the handler; a tj_code it returns maps to a status (EINVAL 400,
 *      ENOTFOUND 404, ETOOBIG 413, anything else 500 with a generic message
 *      while the detail goes to the log)
 *   7. ETag (FNV-1a of the body) with If-None-Match -> 304; gzip when the
 *      client accepts it and the body is worth it; CORS headers; send
 *   8. metrics (per route and status, latency histogram, cache hits) and
 *      the access log
 *
 * Every error body is {"error": {"code", "message"}} (json.c), including
 * civetweb's own (http_error callback).
 *
 * Threads and connections: civetweb's worker threads are many (default
 * 64) because each is tied to one client connection while it is open -
 * kept alive between requests (keep_alive_timeout_ms) or trickling its
 * headers (all of them due within request_timeout_ms of the worker taking
 * the connection).  The CPU work needs few: a pool of read-only database
 * connections (2 per CPU by default) is lent to a request from the
 * handler's first api_db() until the handler returns, before the response
 * is sent, so slow clients hold threads but never a connection.  The pool
 * hands out the most recently returned connection first (warm page cache).
 * A request reads in one transaction, from its first api_db() until the
 * connection goes back: one snapshot for all its statements, and one file
 * lock and WAL check instead of one per statement.
 * Measured at 100k postings (README): per-thread connections cost nothing
 * in contention - the profile under 32 connections shows no lock above
 * 0.5% - so the pool is about memory and slow clients, not speed.
 *
 * Database: WAL mode and the busy timeout in db.c
 * let the spider write meanwhile; "database is locked" can only surface as
 * a 503 after the 10 s busy timeout, never as a raw message.  The server
 * also keeps the read-write connection it migrated with open for its
 * lifetime, so the -wal and -shm files that read-only connections need
 * always exist.
 *
 * Shutdown: cmd_serve blocks SIGINT/SIGTERM in every thread and waits for
 * them with sigwait(); mg_stop() then lets requests in flight finish.
 *
 * Limits: the rate limiter's table is fixed (RL_SLOTS); when full, the
 * least recently seen client among the probed slots is evicted.  More slow
 * clients than threads queue in civetweb (20 accepted, then the listen
 * backlog) and everyone behind them waits until their deadline.  Clients
 * behind one proxy share a bucket (X-Forwarded-For is not trusted).
 */
#include "server.h"

#include <civetweb.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "jobcache.h"
#include "json.h"
#include "rcache.h"
#include "log.h"
#include "routes.h"
#include "version.h"

#define MAX_QUERY_STRING 8192
#define MAX_BODY 16384
#define GZIP_MIN 512            /* smaller bodies are not worth compressing */
#define RL_SLOTS 4096
#define RL_PROBE 8

/* ---- configuration -------------------------------------------------- */

void api_config_init(struct api_config *c)
{
	const char *port = getenv("PORT");

	memset(c, 0, sizeof(*c));
	c->db_path = db_default_path();
	snprintf(c->listen_default, sizeof(c->listen_default), "127.0.0.1:%.16s",
		 port && *port ? port : "8080");
	c->listen = c->listen_default;
	c->threads = API_THREADS;
	c->request_timeout_ms = API_REQUEST_TIMEOUT_MS;
	c->cache_mb = API_CACHE_MB;
	c->rate = 20;
	c->access_log = stderr;
}

int api_db_connections(const struct api_config *c)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int threads = c->threads > 0 ? c->threads : API_THREADS;
	int n = c->db_connections > 0 ? c->db_connections : 2 * (int)(cpus > 0 ? cpus : 1);

	return n < threads ? n : threads;
}

/* ---- rate limiting: one token bucket per client address -------------- */

struct rl_slot {
	char addr[48];
	double tokens;
	double last;            /* monotonic seconds */
};

struct ratelim {
	pthread_mutex_t lock;
	struct rl_slot *slot;
	double rate, burst;
};

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Take one token for addr; on refusal *retry_after is whole seconds. */
static bool ratelim_take(struct ratelim *rl, const char *addr, int *retry_after)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	struct rl_slot *s = NULL, *stalest = NULL;
	double now = mono_now();
	bool ok;

	if (rl->rate <= 0)
		return true;
	for (const char *c = addr; *c; c++)
		h = (h ^ (unsigned char)*c) * 0x100000001b3ULL;
	pthread_mutex_lock(&rl->lock);
	for (int i = 0; i < RL_PROBE && !s; i++) {
		struct rl_slot *p = &rl->slot[(h + (uint64_t)i) % RL_SLOTS];

		if (!strcmp(p->addr, addr))
			s = p;
		else if (!stalest || !p->addr[0] || (stalest->addr[0] && p->last < stalest->last))
			stalest = p;
	}
	if (!s) {
		s = stalest;
		snprintf(s->addr, sizeof(s->addr), "%s", addr);
		s->tokens = rl->burst;
		s->last = now;
	}
	s->tokens = fmin(rl->burst, s->tokens + (now - s->last) * rl->rate);
	s->last = now;
	ok = s->tokens >= 1.0;
	if (ok)
		s->tokens -= 1.0;
	else
		*retry_after = (int)ceil((1.0 - s->tokens) / rl->rate);
	pthread_mutex_unlock(&rl->lock);
	return ok;
}

/* ---- metrics -------------------------------------------------------- */

static const int metric_statuses[] = { 200, 204, 304, 400, 404, 405, 413, 414, 429, 500, 503 };
#define N_STATUS (sizeof(metric_statuses) / sizeof(metric_statuses[0]) + 1)
static const double latency_buckets[] = {
	0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
};
#define N_BUCKETS (sizeof(latency_buckets) / sizeof(latency_buckets[0]))

struct route_metrics {
	atomic_ullong requests[N_STATUS];
	atomic_ullong latency[N_BUCKETS + 1];   /* cumulative at render time */
	atomic_ullong latency_sum_us;
};

/* One read-only database connection of the pool, with what the attribute
 * snapshot's freshness check remembers about it. */
struct dbslot {
	struct db *db;
	struct jobcache_conn cache;     /* what this connection has seen */
	struct dbslot *next;            /* in the free list */
};

/*
 * The connection pool: at most `max` connections, opened on demand, lent
 * to one request at a time and returned before its response is sent.
 * Most recently returned first, so a lightly loaded server keeps reusing
 * the connection whose page cache is warm.
 */
struct dbpool {
	pthread_mutex_t lock;
	pthread_cond_t freed;
	struct dbslot *free;
	int open, max;
};

struct api_server {
	struct api_config cfg;
	struct mg_context *ctx;
	struct db *keeper;              /* read-write connection held open */
	uint8_t cursor_key[16];
	struct ratelim rl;
	struct route_metrics *metrics;  /* n_routes + 1 ("unmatched") */
	struct jobcache_holder cache;
	struct dbpool pool;
	struct rcache *rcache;          /* NULL when --cache-mb 0 */
	int port;
	double started;
};


static size_t status_index(int status)
{
	for (size_t i = 0; i < N_STATUS - 1; i++)
		if (metric_statuses[i] == status)
			return i;
	return N_STATUS - 1;
}

static void metrics_record(struct api_server *s, const struct route *r, int status, double secs)
{
	struct route_metrics *m = &s->metrics[r ? (size_t)(r - routes) : n_routes];
	size_t b = 0;

	while (b < N_BUCKETS && secs > latency_buckets[b])
		b++;
	atomic_fetch_add(&m->requests[status_index(status)], 1);
	atomic_fetch_add(&m->latency[b], 1);
	atomic_fetch_add(&m->latency_sum_us, (unsigned long long)(secs * 1e6));
}

enum tj_code api_metrics_render(struct api_req *rq, struct buf *b)
{
	struct api_server *s = rq->srv;
	struct db *db;
	sqlite3_stmt *st = NULL;
	enum tj_code rc;
	struct stat sb;
	off_t size = 0;
	char wal[4096];
	bool row;

	rc = buf_adds(b, "# HELP twentejobs_http_requests_total HTTP requests by route and status.\n"
		      "# TYPE twentejobs_http_requests_total counter\n");
	for (size_t r = 0; r <= n_routes && !rc; r++) {
		const char *name = r < n_routes ? routes[r].name : "unmatched";

		for (size_t i = 0; i < N_STATUS && !rc; i++) {
			unsigned long long v = atomic_load(&s->metrics[r].requests[i]);

			if (!v)
				continue;
			if (i < N_STATUS - 1)
				rc = buf_addf(b, "twentejobs_http_requests_total{route=\"%s\",status=\"%d\"} %llu\n",
					      name, metric_statuses[i], v);
			else
				rc = buf_addf(b, "twentejobs_http_requests_total{route=\"%s\",status=\"other\"} %llu\n",
					      name, v);
		}
	}
	if (!rc)
		rc = buf_adds(b, "# HELP twentejobs_http_request_duration_seconds Time to answer a request.\n"
			      "# TYPE twentejobs_http_request_duration_seconds histogram\n");
	for (size_t r = 0; r <= n_routes && !rc; r++) {
		const char *name = r < n_routes ? routes[r].name : "unmatched";
		unsigned long long cum = 0;

		for (size_t i = 0; i <= N_BUCKETS && !rc; i++) {
			cum += atomic_load(&s->metrics[r].latency[i]);
			if (i < N_BUCKETS)
				rc = buf_addf(b, "twentejobs_http_request_duration_seconds_bucket"
					      "{route=\"%s\",le=\"%g\"} %llu\n", name, latency_buckets[i], cum);
			else
				rc = buf_addf(b, "twentejobs_http_request_duration_seconds_bucket"
					      "{route=\"%s\",le=\"+Inf\"} %llu\n"
					      "twentejobs_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n"
					      "twentejobs_http_request_duration_seconds_count{route=\"%s\"} %llu\n",
					      name, cum, name,
					      (double)atomic_load(&s->metrics[r].latency_sum_us) / 1e6, name, cum);
		}
	}
	if (rc || (rc = api_db(rq, &db)))
		return rc;
	rc = buf_adds(b, "# HELP twentejobs_jobs Postings by lifecycle state.\n"
		      "# TYPE twentejobs_jobs gauge\n");
	if (!rc)
		rc = db_prepare(db, &st, "SELECT state, count(*) FROM jobs GROUP BY state ORDER BY state");
	while (!rc && !(rc = db_step(st, &row)) && row)
		rc = buf_addf(b, "twentejobs_jobs{state=\"%s\"} %lld\n",
			      db_col_text(st, 0) ? db_col_text(st, 0) : "", sqlite3_column_int64(st, 1));
	db_finalize(st);
	if (rc)
		return rc;
	if (!stat(s->cfg.db_path, &sb))
		size += sb.st_size;
	snprintf(wal, sizeof(wal), "%s-wal", s->cfg.db_path);
	if (!stat(wal, &sb))
		size += sb.st_size;
	if (s->rcache) {
		struct rcache_stats cs;

		rcache_stats(s->rcache, &cs);
		rc = buf_addf(b, "# HELP twentejobs_response_cache_requests_total Cacheable requests"
			      " by outcome.\n"
			      "# TYPE twentejobs_response_cache_requests_total counter\n"
			      "twentejobs_response_cache_requests_total{outcome=\"hit\"} %llu\n"
			      "twentejobs_response_cache_requests_total{outcome=\"miss\"} %llu\n"
			      "# HELP twentejobs_response_cache_bytes Memory held by cached responses.\n"
			      "# TYPE twentejobs_response_cache_bytes gauge\n"
			      "twentejobs_response_cache_bytes %zu\n",
			      (unsigned long long)cs.hits, (unsigned long long)cs.misses, cs.bytes);
		if (rc)
			return rc;
	}
	return buf_addf(b, "# HELP twentejobs_database_bytes Size of the database and its WAL.\n"
			"# TYPE twentejobs_database_bytes gauge\n"
			"twentejobs_database_bytes %lld\n"
			"# HELP twentejobs_uptime_seconds Seconds since the server started.\n"
			"# TYPE twentejobs_uptime_seconds gauge\n"
			"twentejobs_uptime_seconds %.0f\n",
			(long long)size, mono_now() - s->started);
}

/* ---- the connection pool -------------------------------------------- */

static void dbpool_init(struct dbpool *p, int max)
{
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->freed, NULL);
	p->free = NULL;
	p->open = 0;
	p->max = max;
}

/* Close every connection; no request may hold one (civetweb has stopped). */
static void dbpool_release(struct dbpool *p)
{
	while (p->free) {
		struct dbslot *d = p->free;

		p->free = d->next;
		db_close(d->db);
		free(d);
	}
	pthread_cond_destroy(&p->freed);
	pthread_mutex_destroy(&p->lock);
}

/* A connection for this request: a free one, a new one while fewer than
 * `max` are open, else wait for one to come back. */
static enum tj_code dbpool_take(struct api_server *s, struct dbslot **out)
{
	struct dbpool *p = &s->pool;
	struct dbslot *d;
	enum tj_code rc;

	*out = NULL;
	pthread_mutex_lock(&p->lock);
	while (!p->free && p->open >= p->max)
		pthread_cond_wait(&p->freed, &p->lock);
	if ((d = p->free)) {
		p->free = d->next;
		pthread_mutex_unlock(&p->lock);
		*out = d;
		return TJ_OK;
	}
	p->open++;              /* reserve the slot, open outside the lock */
	pthread_mutex_unlock(&p->lock);
	if (!(d = calloc(1, sizeof(*d)))) {
		rc = tj_error(TJ_ENOMEM, "out of memory opening a database connection");
	} else if (!(rc = db_open(s->cfg.db_path, true, &d->db)) &&
		   (rc = jobcache_conn_init(&s->cache, d->db, &d->cache))) {
		db_close(d->db);
	}
	if (rc) {
		free(d);
		pthread_mutex_lock(&p->lock);
		p->open--;
		pthread_cond_signal(&p->freed);
		pthread_mutex_unlock(&p->lock);
		return rc;
	}
	*out = d;
	return TJ_OK;
}

/* Return a connection, ending the request's read transaction; one that
 * cannot end it is closed instead of lent out again. */
static void dbpool_give(struct dbpool *p, struct dbslot *d)
{
	bool reusable;

	if (!d)
		return;
	if (!sqlite3_get_autocommit(d->db->h) && db_commit(d->db))
		db_rollback(d->db);
	reusable = sqlite3_get_autocommit(d->db->h);
	pthread_mutex_lock(&p->lock);
	if (reusable) {
		d->next = p->free;
		p->free = d;
	} else {
		p->open--;
	}
	pthread_cond_signal(&p->freed);
	pthread_mutex_unlock(&p->lock);
	if (!reusable) {
		db_close(d->db);
		free(d);
	}
}

/* The dispatcher keeps the request's pooled connection here for api_db. */
struct req_internal {
	struct api_req rq;
	struct dbslot *slot;            /* NULL until the handler asks */
	char *cache_key;                /* set when the response may be cached */
	uint64_t cache_gen;
	const struct rcache_val *hit;   /* a cached response being sent */
};

enum tj_code api_db(struct api_req *rq, struct db **out)
{
	struct req_internal *in = (struct req_internal *)rq;
	enum tj_code rc;

	*out = NULL;
	if (!in->slot) {
		if ((rc = dbpool_take(rq->srv, &in->slot)))
			return rc;
		/* one read transaction for the whole request: one snapshot for
		 * all its statements, and one file lock and WAL check instead of
		 * one per statement (a 50-hit page runs 100 of them) */
		if ((rc = db_exec(in->slot->db, "BEGIN"))) {
			dbpool_give(&rq->srv->pool, in->slot);
			in->slot = NULL;
			return rc;
		}
	}
	*out = in->slot->db;
	return TJ_OK;
}

enum tj_code api_jobcache(struct api_req *rq, struct jobcache **out)
{
	struct req_internal *in = (struct req_internal *)rq;
	struct db *db;
	enum tj_code rc;

	*out = NULL;
	if ((rc = api_db(rq, &db)))
		return rc;
	return jobcache_acquire(&rq->srv->cache, db, &in->slot->cache, out);
}

const uint8_t *api_cursor_key(const struct api_server *s)
{
	return s->cursor_key;
}

/* ---- responses ------------------------------------------------------ */

enum tj_code api_fail(struct api_resp *rs, int status, const char *code, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	buf_reset(&rs->body);
	rs->status = status;
	rs->error_code = code;
	rs->content_type = "application/json; charset=utf-8";
	if (json_take(json_error_body(code, msg), &rs->body)) {
		/* not even an error fits: send a fixed one */
		buf_reset(&rs->body);
		if (buf_adds(&rs->body, "{\"error\":{\"code\":\"internal_error\",\"message\":\"out of memory\"}}"))
			rs->status = 500;
	}
	return TJ_OK;
}

static uint64_t fnv1a64(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
	return h;
}

/* Does the If-None-Match list contain our tag (weak comparison, RFC 9110 13.1.2)? */
static bool etag_matches(const char *inm, const char *etag)
{
	size_t n = strlen(etag);

	while (inm && *inm) {
		while (*inm == ' ' || *inm == ',')
			inm++;
		if (*inm == '*')
			return true;
		if (!strncmp(inm, "W/", 2))
			inm += 2;
		if (!strncmp(inm, etag, n) && (inm[n] == ',' || inm[n] == ' ' || !inm[n]))
			return true;
		inm += strcspn(inm, ",");
	}
	return false;
}

/* Does Accept-Encoding allow gzip (and not with q=0)? */
static bool accepts_gzip(const char *ae)
{
	while (ae && *ae) {
		size_t n;

		while (*ae == ' ' || *ae == ',')
			ae++;
		n = strcspn(ae, ",;");
		if ((n == 4 && !strncasecmp(ae, "gzip", 4)) || (n == 1 && *ae == '*')) {
			const char *semi = ae + n, *q;

			if (*semi != ';')
				return true;
			q = strstr(semi, "q=");
			return !q || q > ae + strcspn(ae, ",") || strtod(q + 2, NULL) > 0;
		}
		ae += strcspn(ae, ",");
	}
	return false;
}

static enum tj_code gzip_body(const struct buf *in, struct buf *out)
{
	z_stream z;
	enum tj_code rc = TJ_OK;
	unsigned char *tmp = NULL;
	size_t bound;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return tj_error(TJ_ENOMEM, "cannot start gzip");
	bound = deflateBound(&z, (uLong)in->len) + 32;
	if (!(tmp = malloc(bound))) {
		rc = tj_error(TJ_ENOMEM, "out of memory compressing a response");
		goto out;
	}
	z.next_in = (Bytef *)in->data;
	z.avail_in = (uInt)in->len;
	z.next_out = tmp;
	z.avail_out = (uInt)bound;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END)
		rc = tj_error(TJ_EIO, "gzip failed");
	else
		rc = buf_add(out, tmp, bound - z.avail_out);
out:
	free(tmp);
	deflateEnd(&z);
	return rc;
}

/* ---- request parsing ------------------------------------------------ */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decode s[0..n) into a new string; NULL with *bad set on a
 * malformed escape or an encoded NUL. */
static char *url_decode(const char *s, size_t n, bool *bad)
{
	char *out = malloc(n + 1), *o = out;

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+') {
			*o++ = ' ';
		} else if (s[i] == '%') {
			int hi = i + 2 < n ? hexval(s[i + 1]) : -1;
			int lo = i + 2 < n ? hexval(s[i + 2]) : -1;

			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
				*bad = true;
				free(out);
				return NULL;
			}
			*o++ = (char)(hi * 16 + lo);
			i += 2;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

static void params_release(struct api_req *rq)
{
	for (int i = 0; i < rq->n_params; i++) {
		free(rq->params[i].key);
		free(rq->params[i].value);
	}
	rq->n_params = 0;
}

/* Split and decode the query string; on a client error, sets rs. */
static enum tj_code parse_query(struct api_req *rq, const char *qs, struct api_resp *rs)
{
	while (qs && *qs) {
		size_t n = strcspn(qs, "&"), k = strcspn(qs, "=&");
		struct api_param *p;
		bool bad = false;

		if (n) {
			if (rq->n_params == API_MAX_PARAMS)
				return api_fail(rs, 400, "invalid_parameter",
						"too many query parameters (at most %d)", API_MAX_PARAMS);
			p = &rq->params[rq->n_params];
			p->key = url_decode(qs, k, &bad);
			p->value = p->key ? url_decode(qs + k + (k < n), k < n ? n - k - 1 : 0, &bad) : NULL;
			p->used = false;
			if (!p->key || !p->value) {
				free(p->key);
				free(p->value);
				if (bad)
					return api_fail(rs, 400, "invalid_parameter",
							"malformed percent-encoding in the query string");
				return tj_error(TJ_ENOMEM, "out of memory parsing the query string");
			}
			rq->n_params++;
		}
		qs += n + (qs[n] == '&');
	}
	return TJ_OK;
}

/* Every parameter must be one the route documents. */
static bool check_params(struct api_req *rq, struct api_resp *rs)
{
	for (int i = 0; i < rq->n_params; i++) {
		const struct route_param *p;
		struct buf names;

		for (p = rq->route->params; p->name; p++)
			if (!strcmp(p->name, rq->params[i].key))
				break;
		if (p->name)
			continue;
		buf_init(&names, 1024);
		for (p = rq->route->params; p->name; p++)
			if (buf_adds(&names, p == rq->route->params ? "" : ", ") || buf_adds(&names, p->name))
				break;
		if (names.len)
			api_fail(rs, 400, "unknown_parameter", "unknown parameter '%.64s' (%s takes: %s)",
				 rq->params[i].key, rq->route->path, buf_str(&names));
		else
			api_fail(rs, 400, "unknown_parameter", "unknown parameter '%.64s' (%s takes none)",
				 rq->params[i].key, rq->route->path);
		buf_release(&names);
		return false;
	}
	return true;
}

/* ---- sending -------------------------------------------------------- */

static const char *status_text(int status)
{
	switch (status) {
	case 200: return "OK";
	case 204: return "No Content";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
	default: return status >= 500 ? "Internal Server Error" : "Error";
	}
}

/* The Access-Control-Allow-Origin value for this Origin, or NULL. */
static const char *cors_origin(const struct api_server *s, const char *origin)
{
	if (!origin)
		return NULL;
	if (!s->cfg.n_origins)
		return "*";
	for (int i = 0; i < s->cfg.n_origins; i++) {
		if (!strcmp(s->cfg.origins[i], "*"))
			return "*";
		if (!strcmp(s->cfg.origins[i], origin))
			return origin;
	}
	return NULL;
}

/* Replace control bytes so a request line cannot forge log lines. */
static void log_safe(char *dst, size_t n, const char *src)
{
	size_t i = 0;

	for (; src && *src && i + 1 < n; src++)
		dst[i++] = (unsigned char)*src < 0x20 || *src == 0x7f || *src == '"' ? '?' : *src;
	dst[i] = '\0';
}

struct send_info {
	const char *etag;
	const char *cache_control;
	const char *allow;
	const char *acao;               /* Access-Control-Allow-Origin */
	bool vary_origin;
	bool gzip;
	bool preflight;
	int retry_after;
	size_t sent;
};

static void send_response(struct mg_connection *conn, const struct api_resp *rs, bool head,
			  const struct buf *body, struct send_info *si)
{
	struct buf h;
	bool has_body = rs->status != 204 && rs->status != 304;

	buf_init(&h, 0);
	if (buf_addf(&h, "HTTP/1.1 %d %s\r\n", rs->status, status_text(rs->status)) ||
	    (has_body && buf_addf(&h, "Content-Type: %s\r\nContent-Length: %zu\r\n",
				  rs->content_type ? rs->content_type : "application/json; charset=utf-8",
				  body->len)) ||
	    (!has_body && rs->status == 204 && buf_adds(&h, "Content-Length: 0\r\n")) ||
	    (si->etag && buf_addf(&h, "ETag: %s\r\n", si->etag)) ||
	    buf_addf(&h, "Cache-Control: %s\r\n", si->cache_control ? si->cache_control : "no-store") ||
	    buf_addf(&h, "Vary: Accept-Encoding%s\r\n", si->vary_origin ? ", Origin" : "") ||
	    (si->gzip && has_body && buf_adds(&h, "Content-Encoding: gzip\r\n")) ||
	    (si->allow && buf_addf(&h, "Allow: %s\r\n", si->allow)) ||
	    (si->retry_after && buf_addf(&h, "Retry-After: %d\r\n", si->retry_after)) ||
	    (si->acao && buf_addf(&h, "Access-Control-Allow-Origin: %s\r\n"
				  "Access-Control-Expose-Headers: ETag, Retry-After\r\n", si->acao)) ||
	    (si->acao && si->preflight &&
	     buf_adds(&h, "Access-Control-Allow-Methods: GET, HEAD, OPTIONS\r\n"
		      "Access-Control-Allow-Headers: Accept, Accept-Language, Content-Type, If-None-Match\r\n"
		      "Access-Control-Max-Age: 600\r\n")) ||
	    buf_adds(&h, "X-Content-Type-Options: nosniff\r\n\r\n")) {
		buf_release(&h);
		mg_printf(conn, "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n");
		return;
	}
	/* one write for headers and body: two small writes would meet Nagle's
	 * algorithm and the client's delayed ACK, a 40 ms stall per response */
	if (has_body && !head && body->len && buf_add(&h, body->data, body->len)) {
		buf_release(&h);
		mg_printf(conn, "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n");
		return;
	}
	mg_write(conn, h.data, h.len);
	buf_release(&h);
	si->sent = has_body && !head ? body->len : 0;
}

/* ---- the dispatcher ------------------------------------------------- */

static void access_log(struct api_server *s, const struct mg_request_info *ri, int status,
		       size_t bytes, double secs)
{
	char uri[512], qs[1024], when[32];
	time_t now = time(NULL);
	struct tm tm;

	if (!s->cfg.access_log)
		return;
	log_safe(uri, sizeof(uri), ri->local_uri_raw ? ri->local_uri_raw : ri->request_uri);
	log_safe(qs, sizeof(qs), ri->query_string);
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%d/%b/%Y:%H:%M:%S +0000", &tm);
	/* one call per line so worker threads never interleave mid-line */
	fprintf(s->cfg.access_log, "%s - - [%s] \"%s %s%s%s HTTP/%s\" %d %zu %.2fms\n",
		ri->remote_addr, when, ri->request_method, uri, qs[0] ? "?" : "", qs,
		ri->http_version, status, bytes, secs * 1e3);
}

/*
 * The response cache (step 5): find the request's generation and key, and
 * answer from the cache when it holds them.  Any failure only means no
 * caching; the handler then reports errors as usual.
 */
static bool cache_lookup(struct api_server *s, struct req_internal *in, struct api_resp *rs)
{
	struct api_req *rq = &in->rq;
	struct jobcache *jc = NULL;
	struct buf k;

	if (api_jobcache(rq, &jc))
		return false;
	in->cache_gen = jc->build_seq;
	jobcache_unref(jc);
	buf_init(&k, 0);
	if (buf_addf(&k, "%s\n%s\n%s?%s", rq->route->name, rq->host ? rq->host : "", rq->path,
		     rq->query_string ? rq->query_string : "")) {
		buf_release(&k);
		return false;
	}
	in->cache_key = buf_detach(&k, NULL);
	if (!in->cache_key)
		return false;
	in->hit = rcache_get(s->rcache, in->cache_key, in->cache_gen);
	if (!in->hit)
		return false;
	if (buf_add(&rs->body, in->hit->body, in->hit->len)) {
		rcache_release(s->rcache, in->hit);
		in->hit = NULL;
		buf_reset(&rs->body);
		return false;
	}
	return true;
}

static void handle(struct api_server *s, struct mg_connection *conn, struct req_internal *in,
		   struct api_resp *rs, struct send_info *si)
{
	const struct mg_request_info *ri = mg_get_request_info(conn);
	struct api_req *rq = &in->rq;
	enum tj_code rc;

	rq->route = route_match(ri->local_uri ? ri->local_uri : "", &rq->path_arg);
	if (!strcmp(rq->method, "OPTIONS")) {
		if (!rq->route) {
			api_fail(rs, 404, "not_found", "no route '%.200s'", rq->path);
			return;
		}
		rs->status = 204;
		si->preflight = true;
		si->allow = "GET, HEAD, OPTIONS";
		si->cache_control = "no-store";
		return;
	}
	if (strcmp(rq->method, "GET") && strcmp(rq->method, "HEAD")) {
		si->allow = "GET, HEAD, OPTIONS";
		api_fail(rs, 405, "method_not_allowed", "method %.16s not allowed: this API is read-only "
			 "(GET, HEAD, OPTIONS)", rq->method);
		return;
	}
	if (!rq->route) {
		api_fail(rs, 404, "not_found", "no route '%.200s' (see /api/v1/openapi.json)", rq->path);
		return;
	}
	if (ri->content_length > MAX_BODY) {
		api_fail(rs, 413, "too_large", "request body too large (%lld bytes; at most %d)",
			 ri->content_length, MAX_BODY);
		return;
	}
	if (ri->query_string && strlen(ri->query_string) > MAX_QUERY_STRING) {
		api_fail(rs, 414, "too_large", "query string too long (at most %d bytes)",
			 MAX_QUERY_STRING);
		return;
	}
	if (strcmp(rq->route->name, "healthz") && strcmp(rq->route->name, "metrics") &&
	    !ratelim_take(&s->rl, ri->remote_addr, &si->retry_after)) {
		api_fail(rs, 429, "rate_limited", "too many requests from %s: at most %g per second "
			 "(bursts of %g); retry after %d s", ri->remote_addr, s->rl.rate, s->rl.burst,
			 si->retry_after);
		return;
	}
	if ((rc = parse_query(rq, ri->query_string, rs)) || rs->status != 200)
		goto failed;
	if (!check_params(rq, rs))
		return;
	si->cache_control = rq->route->cache_control;
	rs->content_type = rq->route->content_type;
	if (s->rcache && !strncmp(rq->route->cache_control, "public", 6) && cache_lookup(s, in, rs))
		return;
	rc = rq->route->fn(rq, rs);
	if (!rc)
		return;
failed:
	si->cache_control = NULL;
	switch (rc) {
	case TJ_OK:
		return;
	case TJ_EINVAL:
	case TJ_EPARSE:
		api_fail(rs, 400, "invalid_parameter", "%s", tj_errmsg());
		return;
	case TJ_ENOTFOUND:
		api_fail(rs, 404, "not_found", "%s", tj_errmsg());
		return;
	case TJ_ETOOBIG:
		api_fail(rs, 413, "too_large", "%s", tj_errmsg());
		return;
	default:
		log_error("%s %s: %s", rq->method, rq->path, tj_errmsg());
		if (rc == TJ_EDB && strstr(tj_errmsg(), "locked")) {
			si->retry_after = 1;
			api_fail(rs, 503, "busy", "the database is busy; retry in a moment");
		} else {
			api_fail(rs, 500, "internal_error", "internal error (logged on the server)");
		}
	}
}

static int dispatch(struct mg_connection *conn, void *cbdata)
{
	struct api_server *s = cbdata;
	const struct mg_request_info *ri = mg_get_request_info(conn);
	struct req_internal in;
	struct api_resp rs;
	struct send_info si;
	struct buf gz, cached_gz = { 0 };
	const struct buf *body;
	char etag[48];
	double t0 = mono_now();

	memset(&in, 0, sizeof(in));
	memset(&si, 0, sizeof(si));
	in.rq.srv = s;
	in.rq.method = ri->request_method;
	in.rq.path = ri->local_uri ? ri->local_uri : "";
	in.rq.host = mg_get_header(conn, "Host");
	in.rq.query_string = ri->query_string;
	in.rq.head = !strcmp(ri->request_method, "HEAD");
	memset(&rs, 0, sizeof(rs));
	rs.status = 200;
	buf_init(&rs.body, 0);
	buf_init(&gz, 0);
	handle(s, conn, &in, &rs, &si);
	/* the connection goes back before sending: a client that reads
	 * slowly holds its worker thread, never a database connection */
	dbpool_give(&s->pool, in.slot);
	in.slot = NULL;
	if (rs.status >= 400)
		si.cache_control = NULL;        /* errors are never cached */

	si.acao = cors_origin(s, mg_get_header(conn, "Origin"));
	si.vary_origin = s->cfg.n_origins > 0;
	body = &rs.body;
	si.gzip = rs.status == 200 && rs.body.len >= GZIP_MIN &&
		  accepts_gzip(mg_get_header(conn, "Accept-Encoding"));
	if (rs.status == 200) {
		/* of the uncompressed body; the gzip form's bytes differ, so its
		 * validator is weak (RFC 9110 8.8.1) - If-None-Match compares
		 * weakly, so either form revalidates the other */
		snprintf(etag, sizeof(etag), "%s\"%016llx\"", si.gzip ? "W/" : "",
			 (unsigned long long)fnv1a64(rs.body.data ? rs.body.data : "", rs.body.len));
		si.etag = etag;
		if (etag_matches(mg_get_header(conn, "If-None-Match"), etag + (si.gzip ? 2 : 0)))
			rs.status = 304;
	}
	if (rs.status == 200 && si.gzip) {
		if (in.hit && in.hit->gz) {
			cached_gz.data = (char *)in.hit->gz;
			cached_gz.len = in.hit->gz_len;
			body = &cached_gz;
		} else if (!gzip_body(&rs.body, &gz)) {
			body = &gz;
		} else {
			si.gzip = false;        /* send it plain; the weak tag still holds */
		}
	}
	/* a response computed for a cacheable request is kept, with its gzip
	 * form when this client asked for one (a 304 was computed too); a hit
	 * that had to be compressed is kept again with its gzip form */
	if (in.cache_key && (!in.hit || (!in.hit->gz && body == &gz)) &&
	    (rs.status == 200 || rs.status == 304))
		rcache_put(s->rcache, in.cache_key, in.cache_gen, rs.body.data ? rs.body.data : "",
			   rs.body.len, body == &gz ? gz.data : NULL, body == &gz ? gz.len : 0);
	send_response(conn, &rs, in.rq.head, body, &si);
	metrics_record(s, in.rq.route, rs.status, mono_now() - t0);
	access_log(s, ri, rs.status, si.sent, mono_now() - t0);
	params_release(&in.rq);
	buf_release(&rs.body);
	buf_release(&gz);
	rcache_release(s->rcache, in.hit);
	free(in.cache_key);
	return rs.status;
}

/* civetweb's own errors (malformed requests, oversized headers) as JSON. */
static int http_error(struct mg_connection *conn, int status, const char *msg)
{
	struct buf b;

	/* civetweb refuses TRACE itself with a 400 before dispatch() sees it;
	 * for this read-only API it is one more method not allowed */
	const struct mg_request_info *ri = mg_get_request_info(conn);
	const char *allow = "";

	if (status == 400 && ri && ri->request_method && !strcmp(ri->request_method, "TRACE")) {
		status = 405;
		msg = "method TRACE not allowed: this API is read-only (GET, HEAD, OPTIONS)";
		allow = "Allow: GET, HEAD, OPTIONS\r\n";
	}
	buf_init(&b, 4096);
	if (json_take(json_error_body(status == 413 ? "too_large" :
				      status == 405 ? "method_not_allowed" : "bad_request",
				      msg && *msg ? msg : status_text(status)), &b)) {
		buf_release(&b);
		return 1;
	}
	mg_printf(conn, "HTTP/1.1 %d %s\r\nContent-Type: application/json; charset=utf-8\r\n"
		  "%sContent-Length: %zu\r\nConnection: close\r\n\r\n", status, status_text(status),
		  allow, b.len);
	mg_write(conn, b.data, b.len);
	buf_release(&b);
	return 0;
}

/* ---- lifecycle ------------------------------------------------------ */

static enum tj_code random_key(uint8_t key[16])
{
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, key, 16) : -1;

	if (fd >= 0)
		close(fd);
	if (n != 16)
		return tj_error(TJ_EIO, "cannot read /dev/urandom for the cursor key");
	return TJ_OK;
}

enum tj_code api_server_start(const struct api_config *c, struct api_server **out)
{
	struct api_server *s;
	struct mg_callbacks cb;
	struct mg_server_port ports[4];
	char threads[16], listen[128], timeout[16];
	const char *opts[] = {
		"listening_ports", listen,
		"num_threads", threads,
		/* civetweb reads a request's headers under one deadline from the
		 * moment a worker takes the connection (bytes trickling in do not
		 * extend it); the next request on a kept-alive connection must
		 * arrive completely within keep_alive_timeout_ms */
		"request_timeout_ms", timeout,
		"keep_alive_timeout_ms", "500",
		"enable_keep_alive", "yes",
		"max_request_size", "16384",
		/* CORS is ours (dispatch); civetweb's built-in preflight would
		 * answer OPTIONS before our handler ever sees it */
		"access_control_allow_origin", "",
		"access_control_allow_methods", "",
		NULL,
	};
	enum tj_code rc;
	int n;

	*out = NULL;
	if (!(s = calloc(1, sizeof(*s))))
		return tj_error(TJ_ENOMEM, "out of memory starting the server");
	s->cfg = *c;
	if (c->listen == c->listen_default)
		s->cfg.listen = s->cfg.listen_default;
	s->started = mono_now();
	s->rl.rate = c->rate;
	s->rl.burst = c->burst > 0 ? c->burst : fmax(1.0, 2 * c->rate);
	pthread_mutex_init(&s->rl.lock, NULL);
	jobcache_holder_init(&s->cache);
	dbpool_init(&s->pool, api_db_connections(c));
	if (c->cache_mb > 0 && (rc = rcache_new((size_t)c->cache_mb << 20, &s->rcache)))
		goto fail;
	s->rl.slot = calloc(RL_SLOTS, sizeof(*s->rl.slot));
	s->metrics = calloc(n_routes + 1, sizeof(*s->metrics));
	if (!s->rl.slot || !s->metrics) {
		rc = tj_error(TJ_ENOMEM, "out of memory starting the server");
		goto fail;
	}
	if ((rc = db_open(c->db_path, false, &s->keeper)))
		goto fail;
	/* the database's own key, so cursors outlive a restart; the random
	 * fallback only for a database whose meta row was removed by hand */
	if (db_meta_blob(s->keeper, "cursor_key", s->cursor_key, sizeof(s->cursor_key)) &&
	    (rc = random_key(s->cursor_key)))
		goto fail;
	{
		/* warm the attribute snapshot so the first search does not pay */
		struct jobcache_conn kc;
		struct jobcache *jc = NULL;

		if ((rc = jobcache_conn_init(&s->cache, s->keeper, &kc)) ||
		    (rc = jobcache_acquire(&s->cache, s->keeper, &kc, &jc)))
			goto fail;
		jobcache_unref(jc);
	}
	/* civetweb spells "ADDR:PORT" as is; a bare port means all interfaces */
	snprintf(listen, sizeof(listen), "%s", c->listen);
	snprintf(threads, sizeof(threads), "%d", c->threads > 0 ? c->threads : API_THREADS);
	snprintf(timeout, sizeof(timeout), "%d",
		 c->request_timeout_ms > 0 ? c->request_timeout_ms : API_REQUEST_TIMEOUT_MS);
	memset(&cb, 0, sizeof(cb));
	cb.http_error = http_error;
	mg_init_library(0);
	s->ctx = mg_start(&cb, s, opts);
	if (!s->ctx) {
		mg_exit_library();
		rc = tj_error(TJ_EIO, "cannot listen on '%s' (address in use, or not ADDR:PORT?)",
			      c->listen);
		goto fail;
	}
	mg_set_request_handler(s->ctx, "/", dispatch, s);
	n = mg_get_server_ports(s->ctx, 4, ports);
	s->port = n > 0 ? ports[0].port : 0;
	*out = s;
	return TJ_OK;
fail:
	db_close(s->keeper);
	dbpool_release(&s->pool);
	rcache_free(s->rcache);
	jobcache_holder_release(&s->cache);
	pthread_mutex_destroy(&s->rl.lock);
	free(s->rl.slot);
	free(s->metrics);
	free(s);
	return rc;
}

int api_server_port(const struct api_server *s)
{
	return s->port;
}

void api_server_stop(struct api_server *s)
{
	if (!s)
		return;
	mg_stop(s->ctx);
	mg_exit_library();
	dbpool_release(&s->pool);
	rcache_free(s->rcache);
	db_close(s->keeper);
	jobcache_holder_release(&s->cache);
	pthread_mutex_destroy(&s->rl.lock);
	free(s->rl.slot);
	free(s->metrics);
	free(s);
}

/* ---- `twentejobs serve` --------------------------------------------- */

static void serve_usage(FILE *f)
{
	fprintf(f, "usage: twentejobs serve [--db FILE] [--listen ADDR:PORT] [--threads N]\n"
		   "                        [--db-connections N] [--request-timeout MS]\n"
		   "                        [--cache-mb N] [--cors-origin ORIGIN]... [--rate N]\n"
		   "                        [--burst N] [--access-log FILE|-|off]\n\n"
		   "Serve the JSON API (see /api/v1/openapi.json) until SIGINT or SIGTERM.\n\n"
		   "  --db FILE            database (default $TWENTEJOBS_DB or twentejobs.db)\n"
		   "  --listen ADDR:PORT   default 127.0.0.1:8080, or 127.0.0.1:$PORT\n"
		   "  --threads N          connection threads: how many clients are served at\n"
		   "                       once, slow ones included (default 64)\n"
		   "  --db-connections N   read-only database connections: how many requests\n"
		   "                       compute at once (default 2 x CPUs, at most --threads)\n"
		   "  --request-timeout MS a request's headers must arrive within MS\n"
		   "                       milliseconds (default 5000)\n"
		   "  --cache-mb N         memory for cached responses, kept until the database\n"
		   "                       changes (default 64; 0 = no cache)\n"
		   "  --cors-origin O      allow browser calls from origin O (repeatable;\n"
		   "                       default: any origin, '*')\n"
		   "  --rate N             requests per second per client (default 20; 0 = off)\n"
		   "  --burst N            bucket size (default 2 x rate)\n"
		   "  --access-log FILE    '-' = stderr (default), 'off' = none\n");
}

/* Strict positive number for an option. */
static bool opt_num(const char *s, double lo, double hi, double *out)
{
	char *end;
	double v = strtod(s, &end);

	if (!*s || *end || !(v >= lo && v <= hi))
		return false;
	*out = v;
	return true;
}

int cmd_serve(int argc, char **argv)
{
	struct api_config c;
	struct api_server *s = NULL;
	FILE *logf = NULL;
	sigset_t set;
	int sig = 0, rc = 1;
	const char *a = "";
	double v;

	api_config_init(&c);
	for (int i = 1; i < argc; i++) {
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;

		a = argv[i];

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			serve_usage(stdout);
			return 0;
		}
		if (!val)
			goto usage;
		i++;
		if (!strcmp(a, "--db")) {
			c.db_path = val;
		} else if (!strcmp(a, "--listen")) {
			c.listen = val;
		} else if (!strcmp(a, "--threads") && opt_num(val, 1, 1024, &v)) {
			c.threads = (int)v;
		} else if (!strcmp(a, "--db-connections") && opt_num(val, 1, 256, &v)) {
			c.db_connections = (int)v;
		} else if (!strcmp(a, "--request-timeout") && opt_num(val, 100, 600000, &v)) {
			c.request_timeout_ms = (int)v;
		} else if (!strcmp(a, "--cache-mb") && opt_num(val, 0, 65536, &v) && v == (int)v) {
			c.cache_mb = (int)v;
		} else if (!strcmp(a, "--cors-origin") && c.n_origins < API_MAX_ORIGINS) {
			c.origins[c.n_origins++] = val;
		} else if (!strcmp(a, "--rate") && opt_num(val, 0, 1e6, &v)) {
			c.rate = v;
		} else if (!strcmp(a, "--burst") && opt_num(val, 1, 1e6, &v)) {
			c.burst = v;
		} else if (!strcmp(a, "--access-log")) {
			if (!strcmp(val, "off")) {
				c.access_log = NULL;
			} else if (strcmp(val, "-")) {
				if (!(logf = fopen(val, "a"))) {
					fprintf(stderr, "twentejobs: cannot open access log '%s'\n", val);
					return 1;
				}
				setvbuf(logf, NULL, _IOLBF, 0);
				c.access_log = logf;
			}
		} else {
			goto usage;
		}
	}
	/* Block the stop signals before civetweb starts its threads, so they
	 * all inherit the mask and only sigwait() below sees the signals. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (api_server_start(&c, &s)) {
		fprintf(stderr, "twentejobs: %s\n", tj_errmsg());
		goto out;
	}
	log_info("serving '%s' on http://%s (port %d); Ctrl-C stops", c.db_path, c.listen,
		 api_server_port(s));
	sigwait(&set, &sig);
	log_info("%s: finishing requests in flight", sig == SIGINT ? "SIGINT" : "SIGTERM");
	api_server_stop(s);
	rc = 0;
out:
	if (logf)
		fclose(logf);
	return rc;
usage:
	fprintf(stderr, "twentejobs serve: bad or incomplete option '%s'\n", a);
	serve_usage(stderr);
	return 2;
}
