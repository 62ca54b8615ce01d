/*
 * fuzz_url.c - libFuzzer harness for spider/url.c.
 *
 * Input: BASE '\n' REF (without a newline the whole input is both).  Every
 * function is called on both; beyond crashes, leaks and UB it checks:
 *   - url_normalize() is idempotent and yields "http://" or "https://",
 *     no fragment, no space or control byte, at most URL_MAX_LEN bytes;
 *   - url_resolve() yields a canonical URL (idempotent as above);
 *   - url_host/url_port/url_origin/url_path_query agree with whether the
 *     URL normalises at all, and the origin and path+query of a canonical
 *     URL put back together give the URL (when it has no user info);
 *   - url_is_trap_at() is deterministic.
 *
 * Build and run (from the top of the tree; seeds in tests/fuzz/url/):
 *
 *   clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
 *     -Iindex -Ispider $(pkg-config --cflags libcurl) tests/fuzz/fuzz_url.c \
 *     spider/url.c index/buf.c index/err.c $(pkg-config --libs libcurl) -o /tmp/fuzz_url
 *   /tmp/fuzz_url -max_total_time=60 tests/fuzz/url/
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_canonical(const char *u)
{
	char *again;

	if (strlen(u) > URL_MAX_LEN || strchr(u, '#') ||
	    (strncmp(u, "http://", 7) && strncmp(u, "https://", 8)))
		abort();
	for (const char *p = u; *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f)
			abort();
	again = url_normalize(u);
	if (!again || strcmp(again, u))
		abort();
	free(again);
}

static void check_one(const char *s)
{
	char *n = url_normalize(s), *h = url_host(s), *o = url_origin(s), *pq = url_path_query(s);
	int port = url_port(s);
	char why1[64], why2[64];
	bool t1, t2;

	/* all parts exist exactly when the URL is valid */
	if (!!n != !!h || !!n != !!o || !!n != !!pq || !!n != (port > 0))
		abort();
	if (n) {
		check_canonical(n);
		if (!strchr(n, '@')) {
			size_t ol = strlen(o);

			if (strncmp(n, o, ol) || strcmp(n + ol, pq))
				abort();
		}
		if (port > 65535)
			abort();
	}
	t1 = url_is_trap_at(s, 2026, 12, why1, sizeof(why1));
	t2 = url_is_trap_at(s, 2026, 12, why2, sizeof(why2));
	if (t1 != t2 || strcmp(why1, why2) || (t1 && !why1[0]))
		abort();
	free(n);
	free(h);
	free(o);
	free(pq);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), *nl, *base, *ref, *r;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	nl = strchr(s, '\n');
	base = s;
	ref = s;
	if (nl) {
		*nl = '\0';
		ref = nl + 1;
	}
	check_one(base);
	if (ref != base)
		check_one(ref);
	r = url_resolve(base, ref);
	if (r) {
		check_canonical(r);
		free(r);
	}
	r = url_resolve("https://www.example.nl/a/b/c.html?q=1", ref);
	if (r) {
		check_canonical(r);
		free(r);
	}
	free(s);
	return 0;
}
