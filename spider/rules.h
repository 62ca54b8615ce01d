/*
 * rules.h - per-source crawl rules, one JSON file per source in rules/.
 *
 * A rule names the employer and says where its vacancies are: start URLs,
 * sitemaps, which links to follow, which pages are vacancy detail pages,
 * how to extract, and politeness overrides.  rules/README.md documents the
 * format with a worked example.  Loading validates everything and reports
 * problems as "FILE:LINE:COL: message" so a curator can fix them.
 *
 * A loaded rule is immutable and may be shared between threads (compiled
 * pcre2 patterns are used with per-call match data).  Loading itself is
 * reentrant: errors go to the calling thread's tj_error() slot.
 */
#ifndef TJ_RULES_H
#define TJ_RULES_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include "err.h"

/* Rule files larger than this are refused (a real rule is a few KiB). */
#define RULE_MAX_BYTES ((size_t)1 << 20)

struct rule_pattern {
	char *source;           /* the pattern text as written */
	pcre2_code *re;
};

struct selector;                /* spider/select.h */

/* The fields a "selectors" rule may give, in rules/README.md's order. */
enum rule_sel_field {
	RULE_SEL_LISTING, RULE_SEL_ITEM, RULE_SEL_TITLE, RULE_SEL_URL, RULE_SEL_LOCATION,
	RULE_SEL_DESCRIPTION, RULE_SEL_DATE_POSTED, RULE_SEL_VALID_THROUGH,
	RULE_SEL_EMPLOYMENT_TYPE, RULE_SEL_SALARY, RULE_SEL_HOURS,
	RULE_SEL_N
};

/* One field of a "selectors" rule, compiled when the rule is loaded. */
struct rule_selector {
	struct selector *css;   /* NULL when the rule does not give the field */
	char *attr;             /* read this attribute; NULL: the element's text */
	pcre2_code *re;         /* exactly one capture group, or NULL */
};

/* The JSON name of a selector field ("date_posted"); static string. */
const char *rule_sel_name(enum rule_sel_field f);

/*
 * Every char * below is owned by the rule; optional strings are NULL when
 * the file does not give them.
 */
struct rule {
	char *file;             /* path it was loaded from (for messages) */
	char *id;               /* [a-z0-9-]{1,64}, unique; the source id */
	unsigned id_line, id_col; /* where "id" is in the file (for messages) */
	char *employer;
	char *website;          /* http(s) URL or NULL */
	char *town;
	double lat, lon;        /* NAN when not given */
	char **start_urls;   size_t n_start_urls;
	char **sitemaps;     size_t n_sitemaps;
	struct rule_pattern *follow; size_t n_follow;
	struct rule_pattern *detail; size_t n_detail;
	char *strategy;         /* "jsonld" (default: JSON-LD then microdata),
				   "microdata", "selectors", "recruitee", ... */
	json_t *selectors;      /* strategy "selectors": field -> selector spec; NULL otherwise.
				   Borrowed from json (validated: see rules/README.md) */
	struct rule_selector sel[RULE_SEL_N]; /* the same, compiled (all NULL otherwise) */
	json_t *feed;           /* ATS feed settings {"url", "company"}; NULL otherwise.
				   Borrowed from json */
	char *advertiser;       /* "employer" (default) or "agency" */
	long delay_ms;          /* minimum gap between requests to a host; -1 = default */
	long max_pages;         /* page budget per crawl; -1 = default */
	long max_depth;         /* link depth from a start URL; -1 = default */
	bool verified;          /* a person checked the real URLs */
	char *contact;
	char *notes;
	json_t *json;           /* the whole parsed document (owned) */
	/* Things that load but look wrong, each "FILE:LINE:COL: warning: ...";
	 * today only an id that differs from the file name.  Callers print or
	 * log them; they never make a load fail. */
	char **warnings;     size_t n_warnings;
};

struct ruleset {
	struct rule **v;
	size_t n;
};

/*
 * Load and validate one rule file.  On error returns TJ_EPARSE (or TJ_EIO,
 * TJ_ETOOBIG for a file over RULE_MAX_BYTES, TJ_ENOMEM) with a message
 * "FILE:LINE:COL: what was expected" in tj_errmsg(); LINE:COL is where the
 * offending key or value starts (1:1 when it cannot be located), COL counts
 * characters, not bytes.  I/O errors read "cannot read 'FILE': reason".
 * *out is NULL on error, else the caller's, freed with rule_free().
 *
 * The id should equal the file name without ".json"; when it does not, the
 * rule still loads (the id is the database key and must survive a rename)
 * and r->warnings says so.
 */
enum tj_code rule_load(const char *path, struct rule **out) TJ_WUR;

/*
 * rule_load() on bytes already in memory: name is used in messages and for
 * the id/file-name check (skipped unless name ends in ".json").  data need
 * not be NUL-terminated and is not referenced after the call.  A UTF-8 BOM
 * is skipped.  Same errors and ownership as rule_load().
 */
enum tj_code rule_load_buffer(const char *name, const char *data, size_t len,
			      struct rule **out) TJ_WUR;

void rule_free(struct rule *r);   /* NULL is a no-op */

/* Is strategy one of the ATS feed strategies (recruitee, greenhouse, lever,
 * personio, smartrecruiters), whose entry point is r->feed?  NULL: false. */
bool rule_strategy_is_feed(const char *strategy);

/*
 * Load every "*.json" file in dir (hidden files skipped), sorted by file
 * name (byte order, not locale).  Stops at the first invalid file (its
 * message is in tj_errmsg()) - a crawl never runs on a half-understood rule
 * set.  Duplicate ids are TJ_EPARSE naming both files; a missing or
 * unreadable dir is TJ_EIO; a dir without rule files is TJ_ENOTFOUND.
 * Warnings are logged with log_warn().  On error *out is left empty; on
 * success release it with ruleset_release().
 */
enum tj_code ruleset_load_dir(const char *dir, struct ruleset *out) TJ_WUR;
void ruleset_release(struct ruleset *rs);   /* leaves *rs empty */
/* Find a rule by id; borrowed pointer or NULL.  rs may be NULL. */
const struct rule *ruleset_find(const struct ruleset *rs, const char *id);

/*
 * Does url match any pattern of the list?  url is an absolute, normalised
 * URL (see rules/README.md).  Thread-safe; allocates pcre2 match data per
 * call, and answers false if that allocation fails or a match hits pcre2's
 * limits.
 */
bool rule_matches(const struct rule_pattern *pats, size_t n, const char *url);

/* rule_matches(), also telling which pattern matched first: *which (may be
 * NULL) is its index on true, untouched on false. */
bool rule_match_at(const struct rule_pattern *pats, size_t n, const char *url,
		   size_t *which);

/*
 * `twentejobs rules check [--dir DIR] [FILE|DIR...]` and
 * `twentejobs rules check --page FILE --url URL [--dir DIR] RULE`
 * (argv[0] is "rules").  Returns the exit status: 0, 1 on invalid rules or
 * failure, 2 on wrong usage.
 */
int cmd_rules(int argc, char **argv);

#endif
