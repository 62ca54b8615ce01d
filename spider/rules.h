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
 * pcre2 patterns are used with per-call match data).
 */
#ifndef TJ_RULES_H
#define TJ_RULES_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include "err.h"

struct rule_pattern {
	char *source;           /* the pattern text as written */
	pcre2_code *re;
};

struct rule {
	char *file;             /* path it was loaded from (for messages) */
	char *id;               /* [a-z0-9-]+, unique; the source id */
	char *employer;
	char *website;
	char *town;
	double lat, lon;        /* NAN when not given */
	char **start_urls;   size_t n_start_urls;
	char **sitemaps;     size_t n_sitemaps;
	struct rule_pattern *follow; size_t n_follow;
	struct rule_pattern *detail; size_t n_detail;
	char *strategy;         /* "jsonld" (default: JSON-LD then microdata),
				   "microdata", "selectors", "recruitee", ... */
	json_t *selectors;      /* strategy "selectors": field -> selector spec; NULL otherwise */
	json_t *feed;           /* ATS feed settings; NULL otherwise */
	char *advertiser;       /* "employer" (default) or "agency" */
	long delay_ms;          /* minimum gap between requests to a host; -1 = default */
	long max_pages;         /* page budget per crawl; -1 = default */
	long max_depth;         /* link depth from a start URL; -1 = default */
	bool verified;          /* a person checked the real URLs */
	char *contact;
	char *notes;
	json_t *json;           /* the whole parsed document (owned) */
};

struct ruleset {
	struct rule **v;
	size_t n;
};

/*
 * Load and validate one rule file.  On error returns TJ_EPARSE (or TJ_EIO /
 * TJ_ENOMEM) with a message "FILE:LINE:COL: what was expected" (LINE:COL
 * where known).  *out is the caller's, freed with rule_free().
 */
enum tj_code rule_load(const char *path, struct rule **out) TJ_WUR;
void rule_free(struct rule *r);   /* NULL is a no-op */

/*
 * Load every "*.json" file in dir, sorted by file name.  Stops at the first
 * invalid file (its message is in tj_errmsg()) - a crawl never runs on a
 * half-understood rule set.  Duplicate ids are an error.
 */
enum tj_code ruleset_load_dir(const char *dir, struct ruleset *out) TJ_WUR;
void ruleset_release(struct ruleset *rs);
/* Find a rule by id; borrowed pointer or NULL. */
const struct rule *ruleset_find(const struct ruleset *rs, const char *id);

/* Does url match any pattern of the list?  Thread-safe. */
bool rule_matches(const struct rule_pattern *pats, size_t n, const char *url);

/* `twentejobs rules check [FILE...]` and `rules check --page FILE --url URL RULE`. */
int cmd_rules(int argc, char **argv);

#endif
