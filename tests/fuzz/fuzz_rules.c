/*
 * fuzz_rules.c - libFuzzer harness for the rule loader (spider/rules.c).
 *
 * Input: the bytes of a rule file, loaded with rule_load_buffer() under the
 * name "fuzz.json".  Beyond "no crash, no leak, no UB" it checks the
 * promises curators rely on:
 *   - an error leaves *out NULL and its message starts "fuzz.json:LINE:COL: "
 *     with 1 <= LINE <= the number of lines in the input;
 *   - a loaded rule has a valid id, an employer and a strategy, and its
 *     patterns can be matched.
 *
 * Build and run (from the top of the tree; seeds in tests/fuzz/rules/):
 *
 *   clang -g -O1 -std=c11 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined \
 *     -Iindex -Ispider $(pkg-config --cflags jansson libpcre2-8 libcurl) \
 *     tests/fuzz/fuzz_rules.c spider/rules.c index/err.c index/buf.c \
 *     index/log.c index/paths.c \
 *     $(pkg-config --libs jansson libpcre2-8 libcurl) -lm -o build/fuzz_rules
 *   mkdir -p build/fuzz-corpus
 *   build/fuzz_rules -max_total_time=60 -dict=tests/fuzz/rules.dict \
 *     build/fuzz-corpus tests/fuzz/rules
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"

static const char *const urls[] = {
	"https://www.example.nl/",
	"https://www.example.nl/vacatures/engineer-123",
	"https://werkenbij.example.nl/jobs?page=2",
	"https://www.example.nl/\xff\xfe",
	"",
};

static void check_message(const uint8_t *data, size_t size)
{
	const char *m = tj_errmsg();
	unsigned long line = 0, col = 0, lines = 1;
	char *end;

	if (strncmp(m, "fuzz.json:", 10))
		goto bad;
	line = strtoul(m + 10, &end, 10);
	if (*end != ':')
		goto bad;
	col = strtoul(end + 1, &end, 10);
	if (strncmp(end, ": ", 2) || line < 1 || col < 1)
		goto bad;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (line > lines)
		goto bad;
	return;
bad:
	fprintf(stderr, "bad error message: '%s'\n", m);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rule *r = (struct rule *)&r;
	enum tj_code rc = rule_load_buffer("fuzz.json", (const char *)data, size, &r);

	if (rc) {
		if (r)
			abort();
		if (rc != TJ_ENOMEM)
			check_message(data, size);
		return 0;
	}
	if (!r || !r->id || !*r->id || !r->employer || !r->strategy || !r->advertiser)
		abort();
	for (size_t i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
		(void)rule_matches(r->follow, r->n_follow, urls[i]);
		(void)rule_matches(r->detail, r->n_detail, urls[i]);
	}
	rule_free(r);
	return 0;
}
