/*
 * eval.c - accuracy of the classifier on a labelled posting set.
 *
 *   build/tests/eval [--data DIR] [FILE.jsonl]    (default tests/eval/postings.jsonl)
 *
 * Prints accuracy per field (language, international, dutch_required,
 * level, advertiser), the confusion matrix of the international label,
 * every misclassified id with expected/got, and checks that every reason's
 * evidence is text of the posting.  The last line is key=value pairs.
 * Exit status 1 when a reason is not truthful or the set cannot be loaded.
 *
 * The labelled sets and how they were written: tests/eval/README.md.
 */
#include <stdio.h>
#include <string.h>

#include "classify.h"
#include "evalset.h"

static const char *const intl_labels[] = { "yes", "maybe", "no" };

static int intl_index(const char *s)
{
	for (int i = 0; i < 3; i++)
		if (!strcmp(s, intl_labels[i]))
			return i;
	return 1;
}

static bool in_field(const char *field, const char *ev)
{
	return field && strstr(field, ev);
}

/* Every reason names text that is in the posting. */
static int untruthful(const struct eval_item *it)
{
	json_t *r;
	size_t i;
	int bad = 0;

	json_array_foreach(it->p.cls.reasons, i, r) {
		const char *ev = json_string_value(json_object_get(r, "evidence"));

		if (!ev || !*ev || !(in_field(it->p.title, ev) || in_field(it->p.description, ev) ||
				     in_field(it->p.employer, ev))) {
			printf("  UNTRUTHFUL %s: %s '%s'\n", it->id,
			       json_string_value(json_object_get(r, "code")), ev ? ev : "(null)");
			bad++;
		}
	}
	return bad;
}

int main(int argc, char **argv)
{
	const char *path = "tests/eval/postings.jsonl", *data = NULL;
	struct classifier *c = NULL;
	struct eval_item *v = NULL;
	size_t n = 0;
	int ok_lang = 0, ok_intl = 0, ok_dreq = 0, ok_level = 0, ok_adv = 0, bad = 0;
	int conf[3][3] = { { 0 } };
	int status = 1;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--data") && i + 1 < argc)
			data = argv[++i];
		else if (argv[i][0] == '-') {
			fprintf(stderr, "usage: eval [--data DIR] [FILE.jsonl]\n");
			return 2;
		} else
			path = argv[i];
	}
	if (evalset_load(path, &v, &n) || classifier_load(data, &c)) {
		fprintf(stderr, "eval: %s\n", tj_errmsg());
		goto out;
	}
	printf("misclassified (field: expected -> got):\n");
	for (size_t i = 0; i < n; i++) {
		struct eval_item *it = &v[i];
		const struct classification *k = &it->p.cls;
		char line[512];
		int len = 0;

		if (classify_posting(c, &it->p, NULL)) {
			fprintf(stderr, "eval: %s: %s\n", it->id, tj_errmsg());
			goto out;
		}
#define CHECK(ok, cond, fmt, ...) do { \
		if (cond) ok++; \
		else if (len < (int)sizeof(line)) \
			len += snprintf(line + len, sizeof(line) - len, fmt, __VA_ARGS__); \
	} while (0)
		CHECK(ok_lang, !strcmp(k->language, it->lang), " language: %s -> %s (%.2f)",
		      it->lang, k->language, k->language_confidence);
		CHECK(ok_intl, !strcmp(k->intl_label, it->intl), " international: %s -> %s",
		      it->intl, k->intl_label);
		CHECK(ok_dreq, k->dutch_required == it->dreq, " dutch_required: %s -> %s",
		      it->dreq ? "true" : "false", k->dutch_required ? "true" : "false");
		CHECK(ok_level, !strcmp(k->level, it->level), " level: %s -> %s", it->level, k->level);
		CHECK(ok_adv, !strcmp(k->advertiser, it->adv), " advertiser: %s -> %s", it->adv,
		      k->advertiser);
#undef CHECK
		conf[intl_index(it->intl)][intl_index(k->intl_label)]++;
		if (len)
			printf("  %-8s %-40.40s%s\n", it->id, it->p.title ? it->p.title : "", line);
		bad += untruthful(it);
	}
	printf("\n%zu postings from %s\n", n, path);
	printf("  %-16s %6s\n", "field", "acc");
	printf("  %-16s %5.1f%%\n", "language", 100.0 * ok_lang / (double)n);
	printf("  %-16s %5.1f%%\n", "international", 100.0 * ok_intl / (double)n);
	printf("  %-16s %5.1f%%\n", "dutch_required", 100.0 * ok_dreq / (double)n);
	printf("  %-16s %5.1f%%\n", "level", 100.0 * ok_level / (double)n);
	printf("  %-16s %5.1f%%\n", "advertiser", 100.0 * ok_adv / (double)n);
	printf("\ninternational confusion (rows expected, columns got):\n");
	printf("  %-8s %6s %6s %6s\n", "", "yes", "maybe", "no");
	for (int i = 0; i < 3; i++)
		printf("  %-8s %6d %6d %6d\n", intl_labels[i], conf[i][0], conf[i][1], conf[i][2]);
	printf("\nreasons not found in their posting: %d\n", bad);
	printf("n=%zu lang_acc=%.3f intl_acc=%.3f dutch_req_acc=%.3f level_acc=%.3f adv_acc=%.3f untruthful=%d\n",
	       n, ok_lang / (double)n, ok_intl / (double)n, ok_dreq / (double)n,
	       ok_level / (double)n, ok_adv / (double)n, bad);
	status = bad ? 1 : 0;
out:
	evalset_free(v, n);
	classifier_free(c);
	return status;
}
