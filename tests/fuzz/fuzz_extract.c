/*
 * fuzz_extract.c - libFuzzer harness for spider/extract.c (and through it
 * html.c, url.c, normalize.c): the input is a fetched page.
 *
 * Besides crashes, leaks and UB it checks what the crawler relies on:
 *   - extract_page() returns TJ_OK, or TJ_ETOOBIG for pages too deep or
 *     too complex to parse, never anything else;
 *   - at most EXTRACT_MAX_POSTINGS postings and max_links links;
 *   - every link is canonical (url_normalize(link) == link), http(s),
 *     without a fragment, and no link appears twice;
 *   - every posting has a URL, normalises without error, and converts to
 *     JSON (which fails on invalid UTF-8, so strings are valid UTF-8);
 *   - warnings is an array of strings.
 *
 * Build and run (from the top of the tree; seeds in tests/fuzz/extract/):
 *
 *   clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
 *     -Iindex -Ispider $(pkg-config --cflags libcurl) tests/fuzz/fuzz_extract.c \
 *     spider/extract.c spider/html.c spider/url.c spider/normalize.c \
 *     index/buf.c index/err.c index/paths.c index/posting.c \
 *     $(pkg-config --libs libcurl libpcre2-8 jansson gumbo sqlite3) -lpthread -lm \
 *     -o /tmp/fuzz_extract
 *   /tmp/fuzz_extract -dict=tests/fuzz/extract.dict -max_total_time=60 tests/fuzz/extract/
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "normalize.h"
#include "url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_LINKS 500

static void check_links(const struct page_result *r)
{
	if (r->n_links > MAX_LINKS)
		abort();
	for (size_t i = 0; i < r->n_links; i++) {
		const char *u = r->links[i];
		char *again = url_normalize(u);

		if (!again || strcmp(again, u) || strchr(u, '#') ||
		    (strncmp(u, "http://", 7) && strncmp(u, "https://", 8)))
			abort();
		free(again);
		/* quadratic, but MAX_LINKS keeps it small */
		for (size_t j = 0; j < i; j++)
			if (!strcmp(r->links[j], u))
				abort();
	}
}

static void check_postings(struct page_result *r)
{
	if (r->n_postings > EXTRACT_MAX_POSTINGS)
		abort();
	for (size_t i = 0; i < r->n_postings; i++) {
		struct posting *p = &r->postings[i];
		json_t *j;

		if (!p->url || !p->extraction)
			abort();
		if (normalize_posting(p) != TJ_OK)
			abort();
		j = posting_to_json(p);
		if (!j)
			abort();
		json_decref(j);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct extract_opts o = { .max_links = MAX_LINKS, .default_employer = "Fuzz B.V.", .source_id = "fuzz" };
	struct page_result r;
	enum tj_code rc;

	rc = extract_page((const char *)data, size, "https://www.example.nl/vacatures/index.html?p=1", &o, &r);
	if (rc != TJ_OK && rc != TJ_ETOOBIG)
		abort();
	if (rc == TJ_OK) {
		if (!json_is_array(r.warnings))
			abort();
		for (size_t i = 0; i < json_array_size(r.warnings); i++)
			if (!json_is_string(json_array_get(r.warnings, i)))
				abort();
		check_links(&r);
		check_postings(&r);
	}
	page_result_release(&r);
	return 0;
}
