/*
 * feeds.h - postings from applicant tracking systems' public job feeds:
 * Recruitee, Greenhouse, Lever, Personio and SmartRecruiters (the rule
 * strategies of the same names, rules/README.md "ATS feeds").
 *
 * One feed document lists every vacancy of an employer, so an ATS source
 * is one request instead of a crawl.  feed_extract() turns the document
 * into the same page_result the HTML extractor produces (postings only,
 * no links), and the crawler stores it the same way.
 *
 * Thread-safe: no shared state besides libxml2's, which is initialised
 * once (pthread_once) before its first use here.
 */
#ifndef TJ_FEEDS_H
#define TJ_FEEDS_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "extract.h"

struct rule;

#define FEED_MAX_BYTES ((size_t)20 << 20)     /* larger documents are refused */
#define FEED_MAX_POSTINGS 5000                 /* more are dropped with a warning */

/*
 * The feed URL of an ATS rule: feed.url when given, else the ATS's usual
 * public URL for feed.company:
 *
 *   recruitee        https://COMPANY.recruitee.com/api/offers/
 *   greenhouse       https://boards-api.greenhouse.io/v1/boards/COMPANY/jobs?content=true
 *   lever            https://api.lever.co/v0/postings/COMPANY?mode=json
 *   personio         https://COMPANY.jobs.personio.de/xml
 *   smartrecruiters  https://api.smartrecruiters.com/v1/companies/COMPANY/postings
 *
 * Returns a malloc'd URL (the caller's), or NULL with a message (TJ_EINVAL:
 * not an ATS rule, or neither url nor company; TJ_ENOMEM).
 */
char *feed_default_url(const struct rule *r);

/* The content types to accept when fetching r's feed (NULL-terminated,
 * static): JSON for most ATSs, XML for Personio. */
const char *const *feed_accept_types(const struct rule *r);

/*
 * Is body[0..len) a feed document rather than an HTML page: JSON (starts
 * with '{' or '['), or XML that is not XHTML?  Leading whitespace and a
 * BOM are skipped.  For `rules check --page`, which is given either.
 */
bool feed_looks_like_feed(const char *body, size_t len);

/*
 * Read the postings of r's feed (r->strategy says which ATS) from
 * body[0..len), fetched from feed_url (used to resolve relative URLs and
 * to build a posting URL the feed leaves out: Recruitee /o/SLUG, Personio
 * /job/ID, SmartRecruiters jobs.smartrecruiters.com/COMPANY/ID).
 *
 * Each entry becomes a posting through the JSON-LD mapper (extract.h), so
 * dates, salaries and employment types are read as for a page: title,
 * url, identifier, employer (the feed's company name, else r->employer),
 * locations (all offices; the first is the location), country, the
 * description (the feed's HTML sections, in order, as plain text), the
 * date posted (and closing date where the ATS has one), employment type,
 * hours, salary, remote/hybrid/on-site.  extraction is "feed:ATS", e.g.
 * "feed:recruitee"; source_id is r->id.  Entries without a title or URL
 * are skipped with a warning, as are duplicates (same URL and title).
 *
 * *out is initialised here and must be released with page_result_release()
 * on success and on failure.  Errors: TJ_EINVAL when r is not an ATS rule;
 * TJ_ETOOBIG over FEED_MAX_BYTES; TJ_EPARSE for a document that is not
 * the ATS's format, with a message naming the ATS and what was wrong
 * ("recruitee feed: line 3 column 5: ..." or "greenhouse feed: expected an
 * object with a \"jobs\" array"); TJ_ENOMEM.  A feed without postings is
 * not an error.
 */
enum tj_code feed_extract(const struct rule *r, const char *body, size_t len, const char *feed_url,
			  struct page_result *out) TJ_WUR;

#endif
