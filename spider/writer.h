/*
 * writer.h - the crawl's one database writer thread.
 *
 * Workers fetch and parse in parallel; SQLite takes one writer at a time.
 * Instead of workers queueing on a lock around the connection, they hand
 * what a page yields to this thread (ownership passes with the message),
 * which applies messages in order and commits them in batches: one
 * transaction for whatever is queued, each page inside its own SAVEPOINT.
 * So a page's postings, its fetch state and the links it queues still land
 * together or not at all (resume after kill -9 stays exact), but the
 * commit and FTS segment costs are paid once per batch, not per page.
 *
 * The queue is bounded: a worker blocks when the writer is WRITER_MAX_QUEUE
 * messages behind, so memory stays bounded on a fast crawl.
 *
 * Thread-safe: every function may be called from any thread; callbacks run
 * on the writer thread.
 */
#ifndef TJ_WRITER_H
#define TJ_WRITER_H

#include <stdint.h>
#include "db.h"
#include "posting.h"

#define WRITER_MAX_QUEUE 512
#define WRITER_MAX_BATCH 256
/* with fewer messages queued the writer waits up to WRITER_LINGER_MS for
 * more before it commits (writer.c says why) */
#define WRITER_MIN_BATCH 64
#define WRITER_LINGER_MS 50

/* What to do for one URL (bits, applied in this order). */
#define W_POSTINGS 1u   /* store postings[] found on url */
#define W_LINKS    2u   /* queue links[] in the pages table at link_depth */
#define W_FETCHED  4u   /* record the fetch: http_status, validators, error */
#define W_TOUCH    8u   /* keep the postings last seen on url alive this run */
#define W_BLOCKED 16u   /* url was robots-blocked: record error as the reason */
#define W_QUEUE   32u   /* queue url itself in the pages table at link_depth */
#define W_ROBOTS  64u   /* url is a robots.txt answered http_status with body:
			   keep it in robots_cache (index/robots_cache.h) */

struct wmsg {
	unsigned ops;
	const char *source_id;          /* borrowed; must outlive the writer */
	int64_t run_id;
	char *url;                      /* owned */
	long http_status;
	char *etag, *last_modified;     /* owned, may be NULL */
	char *error;                    /* owned, may be NULL */
	char *body;                     /* owned, may be NULL (W_ROBOTS) */
	size_t body_len;
	struct posting *postings;       /* owned array */
	size_t n_postings;
	char **links;                   /* owned array of owned strings */
	size_t n_links;
	int link_depth;
	/* called on the writer thread once the message is committed (rc 0)
	 * or failed (its savepoint rolled back); may be NULL */
	void (*done)(void *ctx, const struct wmsg *m, enum tj_code rc, long new_postings);
	void *ctx;
	/* a barrier: run call(ctx) after every earlier message is committed */
	void (*call)(void *ctx);
	struct wmsg *next;
};

struct writer;

/* Start the thread; it uses db exclusively until writer_stop(). */
enum tj_code writer_start(struct db *db, struct writer **out) TJ_WUR;

/*
 * Queue a message; ownership of *m (heap-allocated with calloc) and of
 * everything it owns passes to the writer, even on error.  Blocks while
 * the queue is full.
 */
enum tj_code writer_send(struct writer *w, struct wmsg *m) TJ_WUR;

/* Queue fn(ctx) to run on the writer thread after earlier messages. */
enum tj_code writer_call(struct writer *w, void (*fn)(void *ctx), void *ctx) TJ_WUR;

/* What the writer did, for the crawl's summary. */
struct writer_stats {
	long commits;           /* transactions committed (or attempted) */
	long messages;          /* messages applied in them */
	double cpu_s;           /* CPU seconds of the writer thread, barriers included */
};

/*
 * Apply everything queued, stop the thread and free the writer.  When
 * stats is not NULL it receives what the writer did.
 */
void writer_stop(struct writer *w, struct writer_stats *stats);

/* Free a message and what it owns (for callers that never sent it). */
void wmsg_free(struct wmsg *m);

#endif
