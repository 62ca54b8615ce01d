/*
 * posting.h - one job posting, the unit that flows spider -> index -> api.
 *
 * A posting is created by the extractor (spider/extract.c), normalised
 * (spider/normalize.c), classified (spider/classify.c) and stored
 * (index/store.c).  Every char * field is owned by the posting, NUL-terminated
 * UTF-8, and may be NULL when the page does not state it.  Numeric fields
 * that may be unknown use NAN (test with isnan()).
 *
 * Not thread-safe; a posting belongs to one thread at a time.  Handing a
 * posting to a queue transfers ownership.
 */
#ifndef TJ_POSTING_H
#define TJ_POSTING_H

#include <jansson.h>
#include <stdbool.h>
#include "err.h"

/* What the classifier says about a posting (SPEC.md "classification object"). */
struct classification {
	char language[8];           /* ISO 639-1 "en", "nl", "de", ... or "und" */
	double language_confidence; /* 0..1 */
	char intl_label[8];         /* "yes", "maybe", "no" */
	int intl_score;             /* 0..100 */
	json_t *reasons;            /* owned array of {"code","evidence"}; NULL = none */
	bool dutch_required;
	char level[16];             /* internship, graduate, junior, medior, senior, unknown */
	char advertiser[16];        /* "employer" or "agency" */
	bool done;                  /* false until a classifier filled it in */
};

struct posting {
	char *source_id;        /* rule id that found it; NULL for ad-hoc extraction */
	char *ext_id;           /* the site's own identifier (JSON-LD identifier.value) */
	char *url;              /* absolute URL of the posting */
	char *title;
	char *employer;
	char *location;         /* town as normalised (e.g. "Enschede") */
	char *location_raw;     /* location as the page states it */
	char *municipality;     /* municipality of `location` (data/towns.tsv), e.g. "Hof van Twente" */
	int twente;             /* 1 a location is in Twente, 0 none is, -1 unknown (posting_init) */
	char *region;           /* postal region/province as stated */
	char *country;          /* ISO 3166 alpha-2 when known */
	char *employment_type;  /* schema.org: FULL_TIME, PART_TIME, ... (first if several) */
	char *date_posted;      /* YYYY-MM-DD */
	char *valid_through;    /* YYYY-MM-DD */
	char *description;      /* plain text, paragraphs separated by "\n\n" */
	char *remote;           /* "remote", "hybrid", "onsite" or NULL */
	char *education;        /* "mbo", "hbo", "wo", "phd" or NULL */
	double salary_min;      /* NAN when unknown */
	double salary_max;
	char *salary_currency;  /* ISO 4217, e.g. "EUR" */
	char *salary_period;    /* "HOUR", "DAY", "WEEK", "MONTH", "YEAR" */
	char *salary_text;      /* as stated, e.g. "max. € 5.233 (schaal 11)" */
	char *salary_source;    /* "structured" or "text" */
	double hours_min;       /* hours per week, NAN when unknown */
	double hours_max;
	char *extraction;       /* strategy that produced it: jsonld, microdata, selectors, feed */
	struct classification cls;
};

/* Initialise all fields to "unknown" (NULL / NAN). */
void posting_init(struct posting *p);
/* Free every owned field and re-initialise. */
void posting_release(struct posting *p);

/* Replace *field with a copy of value (NULL clears it).  TJ_ENOMEM on failure. */
enum tj_code posting_set(char **field, const char *value) TJ_WUR;
/* Same, taking ownership of value (which must be malloc'd or NULL). */
void posting_take(char **field, char *value);

/*
 * The posting as SPEC.md's `extract` object: new reference, caller
 * json_decref()s.  Includes "classification" when cls.done.  NULL on OOM.
 */
json_t *posting_to_json(const struct posting *p);

/*
 * Fill p (already initialised) from an object shaped like posting_to_json's
 * output; unknown keys are ignored, wrong types are TJ_EPARSE with a message.
 */
enum tj_code posting_from_json(struct posting *p, const json_t *obj) TJ_WUR;

/* The classification object (SPEC.md); new reference, NULL on OOM. */
json_t *classification_to_json(const struct classification *c);
/* Release what the classification owns and reset it. */
void classification_release(struct classification *c);

#endif
