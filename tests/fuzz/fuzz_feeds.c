/*
 * fuzz_feeds.c - libFuzzer harness for the ATS feed readers
 * (spider/feeds.c).
 *
 * Input: the first byte picks the ATS (its value modulo 5: recruitee,
 * greenhouse, lever, personio, smartrecruiters), the rest is the feed
 * document.  Beyond "no crash, no leak, no UB" it checks what the crawler
 * relies on: every posting has a title, a URL and the rule's source id,
 * at most FEED_MAX_POSTINGS come out, extraction names the ATS, and an
 * error's message names the ATS's feed.
 *
 * Build and run: make fuzz (seeds in tests/fuzz/feeds/).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feeds.h"
#include "rules.h"

static const char *const ats[] = { "recruitee", "greenhouse", "lever", "personio", "smartrecruiters" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char json[256], prefix[32];
	struct rule *r = NULL;
	struct page_result out;
	const char *a;
	enum tj_code rc;

	if (!size)
		return 0;
	a = ats[data[0] % 5];
	snprintf(json, sizeof(json), "{\"id\": \"fz\", \"employer\": \"Fuzz BV\", \"strategy\": \"%s\","
		 " \"feed\": {\"company\": \"acme\"}}", a);
	if (rule_load_buffer("fz.json", json, strlen(json), &r))
		abort();
	rc = feed_extract(r, (const char *)data + 1, size - 1, "https://acme.example/feed/", &out);
	snprintf(prefix, sizeof(prefix), "%s feed", a);
	if (rc && rc != TJ_ENOMEM && strncmp(tj_errmsg(), prefix, strlen(prefix))) {
		fprintf(stderr, "message does not name the feed: '%s'\n", tj_errmsg());
		abort();
	}
	if (!rc) {
		if (out.n_postings > FEED_MAX_POSTINGS || out.n_links || !out.warnings)
			abort();
		for (size_t i = 0; i < out.n_postings; i++) {
			const struct posting *p = &out.postings[i];

			if (!p->title || !*p->title || !p->url || !p->source_id || strcmp(p->source_id, "fz") ||
			    !p->extraction || strncmp(p->extraction, "feed:", 5) || strcmp(p->extraction + 5, a))
				abort();
		}
	}
	page_result_release(&out);
	rule_free(r);
	return 0;
}
