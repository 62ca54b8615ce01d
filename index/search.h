/*
 * search.h - job search: the query language, filters, facets, ranking and
 * cursor pagination behind GET /api/v1/jobs and `twentejobs search`.
 *
 * Two layers:
 *   search_translate()  user text -> a safe FTS5 query (pure, no database)
 *   search_run()        parameters -> one page of hits, total and facets
 * A request goes: search_params_init, search_params_set for each parameter,
 * search_params_finish, search_cursor_decode (if any), search_params_settle,
 * search_run, search_cursor_encode for the next page.
 *
 * The query language (what a user may type in `q`):
 *   word word          both words (AND); words are stemmed (fts_stem.c)
 *   "a phrase"         the words in this order; an unclosed quote runs to
 *                      the end of the text
 *   a OR b             either; binds tighter than the implicit AND, so
 *                      `java OR kotlin developer` is (java OR kotlin) AND developer
 *   -word, -"phrase"   exclude postings that contain it
 *   last word          also matched as a prefix (search-as-you-type) unless
 *                      the text ends in a space, the word is shorter than
 *                      two characters, or the index knows it as a word
 *                      (search_params_settle)
 * Everything else - FTS5 operators (NEAR, AND, NOT, ^, *, col:), SQL, quotes
 * in odd places - is text: every term reaches FTS5 as a quoted string, so
 * no input can change the query's structure.  A dangling OR (first or last
 * term) is ignored.  Punctuation-only terms are dropped.
 *
 * Not thread-safe per object; the functions keep no global state and may
 * run in many threads at once (each with its own struct db).
 */
#ifndef TJ_SEARCH_H
#define TJ_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "buf.h"
#include "db.h"
#include "err.h"

#define SEARCH_MAX_QUERY 1024   /* bytes of user text */
#define SEARCH_MAX_TERMS 32     /* words and phrases, excluded ones included */

/* A translated query.  All strings are owned; release with search_query_release(). */
struct search_query {
	char *match;        /* FTS5 expression selecting the hits (NOT part
			       included), or NULL when there is no positive term */
	char *exclude;      /* FTS5 expression of the excluded terms OR'ed, or NULL */
	char *suggest;      /* positive terms restricted to the title column, or NULL */
	char *tier0;        /* positive terms in title, employer or city, or NULL */
	char *understood;   /* the query as parsed, for echoing back: "" if empty */
	char *probe;        /* with prefix matching: the last word alone ("word"),
			       for search_params_settle(); else NULL */
	int n_terms;        /* terms kept (positive + excluded) */
};

/*
 * Translate user text into FTS5 syntax (see the header comment).  `prefix`
 * enables prefix matching of the last word.  On success *out is filled and
 * must be released; errors (TJ_EINVAL, message naming 'q'): invalid UTF-8,
 * more than SEARCH_MAX_QUERY bytes or SEARCH_MAX_TERMS terms.  Empty or
 * all-punctuation text is not an error: match and exclude are NULL.
 */
enum tj_code search_translate(const char *text, bool prefix, struct search_query *out) TJ_WUR;
void search_query_release(struct search_query *q);

/* The filterable attributes.  The first SEARCH_N_FACETS are also facets.
 * SF_ADVERTISER is "employer" or "agency": the posting's own, else its
 * source's, else "employer". */
enum search_field {
	SF_LANG, SF_INTL, SF_CITY, SF_EMPLOYER, SF_LEVEL, SF_TYPE, SF_ADVERTISER,
	SF_REMOTE,
	SEARCH_N_FIELDS
};
#define SEARCH_N_FACETS 7
#define SEARCH_MAX_VALUES 8     /* values per filter (lang=en,de) */
#define SEARCH_MAX_FACET 50     /* values listed per facet, most frequent first */

/* Parameter name (lang, intl, ...) and facet name (language, international, ...). */
const char *search_field_param(enum search_field f);
const char *search_field_facet(enum search_field f);

enum search_sort { SORT_RELEVANCE, SORT_DATE };

/* Parsed request parameters.  Initialise with search_params_init(), fill
 * with search_params_set(), release with search_params_release(). */
struct search_params {
	char *q;                        /* raw text, NULL if none */
	struct search_query query;
	char *values[SEARCH_N_FIELDS][SEARCH_MAX_VALUES];
	int n_values[SEARCH_N_FIELDS];
	char posted_since[11];          /* YYYY-MM-DD or "" */
	enum search_sort sort;
	bool sort_given;
	int limit;                      /* 1..100, default 20 */
	bool include_expired;
	bool has_cursor;                /* resume after (after_key, after_id) */
	double after_key;
	int64_t after_id;
	bool prefix;                    /* prefix-match the last word (default true) */
	int score_all;                  /* bm25-score at most this many matches at once
					   (default SEARCH_SCORE_ALL; tests lower it) */
};

void search_params_init(struct search_params *p);
void search_params_release(struct search_params *p);

/*
 * Set one parameter by its API name: q, lang, intl, city, employer, level,
 * type, advertiser, remote, posted_since, sort, limit, include_expired (cursor is the
 * caller's business: search_cursor_decode).  Filters may repeat or hold a
 * comma-separated list.  Errors (TJ_EINVAL) name the parameter and the
 * value: "parameter 'intl': unknown value 'maybee' (expected yes, maybe, no)";
 * TJ_ENOTFOUND for a name that is not a search parameter.
 */
enum tj_code search_params_set(struct search_params *p, const char *key, const char *value) TJ_WUR;

/* Call after the last search_params_set(): translates q, settles the sort. */
enum tj_code search_params_finish(struct search_params *p) TJ_WUR;

/*
 * Decide whether the last word needs prefix matching after all: when it is
 * a word the index knows (it matches a posting as typed, stemmed), it is
 * taken as finished and matched exactly - its inflections are found through
 * the stems anyway - and only an unknown fragment ("ontw") is expanded as a
 * prefix.  Expanding a common complete word would merge the postings of
 * every word sharing its start, the most expensive thing FTS5 does.
 * Call after search_params_finish().  Errors: TJ_EDB.
 */
enum tj_code search_params_settle(struct db *db, struct search_params *p) TJ_WUR;

/* One result.  Strings owned by the result. */
struct search_hit {
	int64_t id;
	double key;             /* sort key (ascending); with id the cursor position */
	char *title, *employer, *city, *url;
	char *snippet;          /* HTML: text escaped, matches in <mark></mark> */
	char *language, *intl, *level, *type, *date_posted, *state, *remote;
	char *advertiser;       /* employer or agency (SF_ADVERTISER's fallback) */
	int dutch_required;     /* 0, 1, or -1 when unknown */
	int64_t first_seen;
};

struct facet_count {
	char *value;
	int64_t count;
};

struct search_result {
	int64_t total;
	struct search_hit *hits;
	size_t n_hits;
	bool more;              /* another page exists after the last hit */
	struct facet_count *facets[SEARCH_N_FACETS];
	size_t n_facets[SEARCH_N_FACETS];
};

/*
 * Run the search against `jc`, the attribute snapshot (jobcache.h); NULL
 * builds a private one (fine for one-off searches, ~90 ms per 100k jobs).
 * Only state='active' postings unless include_expired.
 * Facet counts for each dimension are computed under q and every filter
 * except that dimension's own (so a UI can show "Hengelo (12)" while
 * Enschede is selected).  On success *out is the caller's: release it with
 * search_result_release().  Errors: TJ_EDB, TJ_ENOMEM.
 */
struct jobcache;
#define SEARCH_SCORE_ALL 2000   /* matches scored with bm25 in one go */
enum tj_code search_run(struct db *db, struct jobcache *jc, const struct search_params *p,
			struct search_result *out) TJ_WUR;
void search_result_release(struct search_result *r);

/*
 * Cursors: opaque, URL-safe strings that encode the last hit's position and
 * a fingerprint of the query and filters, sealed with a 64-bit SipHash MAC
 * under `key` (the server's random per-process key).  Decoding rejects
 * (TJ_EINVAL, message for the client) a cursor that was altered, forged,
 * made under another key or for another query.  `out` must hold
 * SEARCH_CURSOR_MAX bytes.
 */
#define SEARCH_CURSOR_MAX 64
void search_cursor_encode(const struct search_params *p, const struct search_hit *last,
			  const uint8_t key[16], char *out);
enum tj_code search_cursor_decode(struct search_params *p, const char *cursor,
				  const uint8_t key[16]) TJ_WUR;

/*
 * Title autocomplete: up to `limit` distinct titles of active postings whose
 * title matches the text (last word as prefix), most frequent first.  Each
 * element of *titles is malloc'd, the array too; caller frees.  Errors as
 * search_translate and TJ_EDB.
 */
enum tj_code search_suggest(struct db *db, const char *text, int limit, char ***titles,
			    int64_t **counts, size_t *n) TJ_WUR;

/* Append `s` HTML-escaped; control bytes 0x01/0x02 become <mark>/</mark>,
 * balanced even when the input is not.  Exposed for the tests. */
enum tj_code search_html_escape(struct buf *b, const char *s) TJ_WUR;

/* Days since 1970-01-01 of a valid "YYYY-MM-DD", else -1. */
int64_t search_parse_date(const char *s);

#endif
