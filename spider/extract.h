/*
 * extract.h - postings and links from one fetched page: schema.org
 * JobPosting in JSON-LD and microdata, and the page's outgoing links.
 *
 * The crawler calls extract_page() once per fetched page; one gumbo parse
 * yields both the postings (to store) and the links (to queue).  The
 * postings come out as the page states them; normalize_posting() fills
 * towns, salary from text and the rest afterwards.
 *
 * Thread-safe: no shared state; several pages may be extracted at once.
 */
#ifndef TJ_EXTRACT_H
#define TJ_EXTRACT_H

#include <jansson.h>
#include <stddef.h>

#include "err.h"
#include "posting.h"

#define EXTRACT_JSONLD    1u    /* <script type="application/ld+json"> */
#define EXTRACT_MICRODATA 2u    /* itemscope itemtype=".../JobPosting" */
#define EXTRACT_LINKS     4u    /* <a href>, <area href>, <link rel=next> */
#define EXTRACT_SELECTORS 8u    /* the rule's CSS selectors (strategy "selectors") */

#define EXTRACT_MAX_POSTINGS 1000              /* per page; more are dropped with a warning */
#define EXTRACT_MAX_JSONLD ((size_t)1 << 20)   /* bytes per JSON-LD block */
#define EXTRACT_MAX_JSON_DEPTH 64              /* nesting per JSON-LD block */
#define EXTRACT_DEFAULT_MAX_LINKS 10000

struct rule;

struct extract_opts {
	unsigned flags;                 /* EXTRACT_* or'ed; 0 = all the strategy uses */
	size_t max_links;               /* 0 = EXTRACT_DEFAULT_MAX_LINKS */
	const char *default_employer;   /* when the page names none (from the rule) */
	const char *source_id;          /* copied into each posting's source_id */
	const struct rule *rule;        /* its strategy and selectors; NULL = generic
					   (JSON-LD, then microdata).  Borrowed. */
};

struct page_result {
	struct posting *postings;       /* n_postings, in document order */
	size_t n_postings;
	char **links;                   /* absolute canonical http(s) URLs (url_normalize), */
	size_t n_links;                 /* deduplicated, in document order; <base href> honoured */
	json_t *warnings;               /* array of strings, e.g. "JSON-LD block 1: line 3
					   column 5: end of file expected"; never NULL after
					   a successful call */
};

/*
 * Extract postings and links from html[0..len), fetched from page_url.
 *
 * Which postings: opts->rule's strategy decides (rules/README.md):
 * "jsonld" (and no rule) reads JSON-LD, then microdata; "microdata" only
 * microdata; "selectors" only the rule's CSS selectors (see below).  The
 * ATS strategies read their feed with feed_extract() (spider/feeds.h); a
 * page of such a source is read like "jsonld".  A non-zero opts->flags
 * narrows this further (EXTRACT_LINKS alone: links only).
 *
 * JSON-LD: every <script type="application/ld+json"> (type compared
 * case-insensitively, parameters and whitespace tolerated; a BOM, an HTML
 * comment or CDATA wrapper and a trailing ';' are removed; several
 * concatenated JSON values are read in turn).  A block larger than
 * EXTRACT_MAX_JSONLD, nested deeper than EXTRACT_MAX_JSON_DEPTH, or
 * malformed is skipped with a warning; the other blocks are still used.
 * JobPosting objects are found at the top level, in arrays, in "@graph"
 * and nested anywhere (a WebPage's mainEntity), with "@type" a string or
 * an array and with or without a schema.org prefix.
 *
 * Microdata: every itemscope element whose itemtype is JobPosting, nested
 * items (hiringOrganization, jobLocation/address, baseSalary/value) read
 * per the WHATWG microdata algorithm (meta content, time datetime, a/link
 * href, img src, data/meter value, else the text); a non-standard
 * `content` attribute on other elements is honoured, as search engines do.
 * NEEDSWORK: itemref is not followed.  A microdata posting with the same
 * URL and title as a JSON-LD one is dropped (JSON-LD is usually richer).
 *
 * Fields, per schema.org JobPosting: title (else name), description (HTML
 * to plain text, entity-escaped HTML decoded), url (resolved; default the
 * page URL), identifier (text, number or PropertyValue.value),
 * hiringOrganization (.name or text; else opts->default_employer),
 * jobLocation (Place/PostalAddress or text; several: the first is the
 * location, all localities go to location_raw joined by "; "),
 * addressRegion, addressCountry (text or Country.name), employmentType
 * (first, mapped to schema.org names), datePosted/validThrough
 * (YYYY-MM-DD), baseSalary (MonetaryAmount with a QuantitativeValue
 * minValue/maxValue/value and unitText, numbers or strings like "3.500";
 * source "structured"), jobLocationType TELECOMMUTE (remote, or hybrid
 * when a jobLocation is given too) and applicantLocationRequirements,
 * workHours (-> hours), educationRequirements (text or
 * EducationalOccupationalCredential.credentialCategory).
 *
 * Selectors: with `listing` or `item` in the rule, each item (the `item`
 * matches inside each `listing` match, or in the page; with `listing`
 * alone, each element child of a listing) with a `title` is a posting;
 * its fields are read inside it, and its url, when `url` is not given or
 * matches nothing, is the item's own href or its first link.  Otherwise the page is one posting (a detail
 * page) when `title` matches.  A field's value is the first match's text
 * (one line; the description keeps paragraphs), or its `attr`, cut to
 * the `regex`'s capture; dates also come from a <time datetime> or a
 * `content` attribute.  The values are mapped like the JSON-LD
 * properties they stand for (title, url, jobLocation, datePosted,
 * validThrough, employmentType - only a recognised term -, baseSalary,
 * workHours).  Items or pages without a title are skipped with a
 * warning.  extraction is "selectors".
 *
 * Links come from the same parse; at most opts->max_links, with a warning
 * when more were dropped.  Only http(s) links are kept.
 *
 * *out is initialised here and must be released with
 * page_result_release() on success and on failure.  Errors: TJ_EINVAL
 * when page_url is not an http(s) URL; TJ_ETOOBIG when the page is too
 * large or too deeply nested to parse safely (html_parse()); TJ_ENOMEM.
 * A page without postings or links is not an error.
 */
enum tj_code extract_page(const char *html, size_t len, const char *page_url,
			  const struct extract_opts *opts, struct page_result *out) TJ_WUR;

/*
 * Map one schema.org JobPosting object built by another reader (the ATS
 * feeds, spider/feeds.c) into *p, exactly as a JSON-LD posting found on a
 * page at base_url would be (see extract_page for the properties read).
 * p is initialised here; on error it is left released.  Warnings (a
 * description too large to parse) are appended to warnings (a JSON
 * array).  opts may be NULL.  TJ_EINVAL when base_url is not an http(s)
 * URL; TJ_ENOMEM.
 */
enum tj_code extract_jobposting(const json_t *obj, const char *base_url,
				const struct extract_opts *opts, const char *extraction,
				json_t *warnings, struct posting *p) TJ_WUR;

/* Free everything a page_result holds and zero it; NULL is a no-op. */
void page_result_release(struct page_result *r);

/* `twentejobs extract --url URL [--rule FILE] [--links] HTML_FILE` */
int cmd_extract(int argc, char **argv);

#endif
