/*
 * fuzz_sitemap.c - libFuzzer harness for spider/sitemap.c.
 *
 * Input: a sitemap body as fetched (plain XML, gzip, or garbage).
 *
 * Besides crashes and sanitizer reports it checks invariants that must hold
 * for every input:
 *   - a failed parse leaves nothing to release (sitemap_release on it is safe);
 *   - a successful parse has at most SITEMAP_MAX_URLS entries, each a
 *     non-NULL string without leading/trailing whitespace, and urls/lastmod
 *     are arrays whenever n > 0;
 *   - parsing is deterministic: the same input gives the same list twice.
 *
 * Build: make build-fuzz/fuzz_sitemap && build-fuzz/fuzz_sitemap tests/fuzz/sitemap/
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sitemap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void check_trimmed(const char *s)
{
	size_t n;

	if (!s)
		abort();
	n = strlen(s);
	if (n && (is_space(s[0]) || is_space(s[n - 1])))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sitemap a, b;
	enum tj_code rc;

	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	rc = sitemap_parse((const char *)data, size, &a);
	if (rc) {
		sitemap_release(&a);
		return 0;
	}
	if (a.n > SITEMAP_MAX_URLS)
		abort();
	if (a.n && (!a.urls || !a.lastmod))
		abort();
	for (size_t i = 0; i < a.n; i++) {
		check_trimmed(a.urls[i]);
		if (a.lastmod[i])
			check_trimmed(a.lastmod[i]);
	}

	if (sitemap_parse((const char *)data, size, &b) != TJ_OK)
		abort();
	if (b.n != a.n || b.is_index != a.is_index || b.truncated != a.truncated)
		abort();
	for (size_t i = 0; i < a.n; i++)
		if (strcmp(a.urls[i], b.urls[i]))
			abort();
	sitemap_release(&a);
	sitemap_release(&b);
	return 0;
}
