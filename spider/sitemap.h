/*
 * sitemap.h - parse sitemaps (sitemaps.org protocol 0.9): <urlset> with
 * <url><loc>, and <sitemapindex> with <sitemap><loc>, optionally gzipped.
 *
 * Employers' sitemaps list their vacancy pages, often more completely than
 * a paginated listing; the crawler queues the listed URLs that match the
 * rule's detail patterns.  Limits from the protocol: 50,000 URLs and
 * 50 MiB uncompressed per file; a larger file is cut at the limit and
 * flagged.  Thread-safe (libxml2 is initialised once by the caller's
 * first use; no global state here).
 */
#ifndef TJ_SITEMAP_H
#define TJ_SITEMAP_H

#include <stdbool.h>
#include <stddef.h>
#include "err.h"

#define SITEMAP_MAX_URLS 50000
#define SITEMAP_MAX_BYTES ((size_t)50 << 20)

struct sitemap {
	bool is_index;          /* a <sitemapindex>: urls are further sitemaps */
	char **urls;            /* <loc> values, trimmed, in document order */
	char **lastmod;         /* parallel to urls; NULL entries when absent */
	size_t n;
	bool truncated;         /* a limit was hit */
};

/*
 * Parse a sitemap body (gzip is detected by its magic bytes and
 * inflated, bounded by SITEMAP_MAX_BYTES).  XML errors are TJ_EPARSE with
 * libxml2's message and line.  External entities and DTDs are never
 * loaded.  *out is the caller's, released with sitemap_release().
 */
enum tj_code sitemap_parse(const char *data, size_t len, struct sitemap *out) TJ_WUR;
void sitemap_release(struct sitemap *sm);

#endif
