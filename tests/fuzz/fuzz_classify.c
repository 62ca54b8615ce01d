/*
 * fuzz_classify.c - libFuzzer harness for spider/classify.c.
 *
 * Input layout: TITLE [ '\0' DESCRIPTION ]
 *   The input is split at its first NUL byte: before it the title, after it
 *   the description (which is cut at its own first NUL, as a C string).
 *   Without a NUL the whole input is the title and there is no description.
 *
 * The classifier is loaded once from the data directory (tj_data_dir(),
 * classifier_load(NULL, ...)) and kept for the process: it is immutable, so
 * sharing it between inputs leaks no state from one run into the next.
 *
 * Besides crashes and sanitizer reports it checks the classify.h contract:
 *   - classify_posting succeeds and sets cls.done;
 *   - the labels are from their documented sets, the score is 0..100 and the
 *     language confidence 0..1;
 *   - every reason is {"code","evidence"} with a non-empty code and evidence
 *     that is a byte-for-byte substring of the title or the description, at
 *     most CLASSIFY_EVIDENCE_MAX bytes.
 *
 * Build: make build-fuzz/fuzz_classify && build-fuzz/fuzz_classify tests/fuzz/classify/
 * (run from the tree root, or set the data directory as tj_data_dir() reads it)
 */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "posting.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct classifier *classifier(void)
{
	static struct classifier *c;

	if (!c && classifier_load(NULL, &c) != TJ_OK) {
		fprintf(stderr, "fuzz_classify: cannot load the classifier: %s\n", tj_errmsg());
		abort();
	}
	return c;
}

static int one_of(const char *s, const char *const *set)
{
	for (; *set; set++)
		if (!strcmp(s, *set))
			return 1;
	return 0;
}

static void check(const struct posting *p)
{
	static const char *const labels[] = {"yes", "maybe", "no", NULL};
	static const char *const levels[] = {"internship", "graduate", "junior", "medior",
					     "senior", "unknown", NULL};
	static const char *const advertisers[] = {"employer", "agency", NULL};
	const struct classification *c = &p->cls;
	size_t i;
	json_t *r;

	if (!c->done || !one_of(c->intl_label, labels) || !one_of(c->level, levels) ||
	    !one_of(c->advertiser, advertisers))
		abort();
	if (c->intl_score < 0 || c->intl_score > 100)
		abort();
	if (!(c->language_confidence >= 0.0 && c->language_confidence <= 1.0))
		abort();
	if (!c->reasons)
		return;
	if (!json_is_array(c->reasons))
		abort();
	json_array_foreach(c->reasons, i, r) {
		const char *code = json_string_value(json_object_get(r, "code"));
		json_t *ev = json_object_get(r, "evidence");
		const char *e = json_string_value(ev);
		size_t n = json_string_length(ev);

		if (!code || !*code || !e || n > CLASSIFY_EVIDENCE_MAX || strlen(e) != n)
			abort();
		if (!(p->title && strstr(p->title, e)) && !(p->description && strstr(p->description, e)))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct classifier *c = classifier();
	const uint8_t *nul = memchr(data, 0, size);
	size_t tlen = nul ? (size_t)(nul - data) : size;
	struct posting p;

	posting_init(&p);
	p.title = malloc(tlen + 1);
	if (!p.title)
		return 0;
	memcpy(p.title, data, tlen);
	p.title[tlen] = '\0';
	if (nul) {
		size_t dlen = size - tlen - 1;

		p.description = malloc(dlen + 1);
		if (!p.description) {
			posting_release(&p);
			return 0;
		}
		memcpy(p.description, nul + 1, dlen);
		p.description[dlen] = '\0';
	}
	if (classify_posting(c, &p, NULL) != TJ_OK)
		abort();
	check(&p);
	posting_release(&p);
	return 0;
}
