/*
 * dedupe_margin.c - how far apart index/dedupe.c's similarity puts real
 * reposts and different jobs: the figures in dedupe.c's design block.
 *
 *   dedupe_margin DB [EVAL.jsonl...]
 *
 * Reads every posting of a crawled database (make demo, or crawl the demo
 * web) and, as more negatives, the postings of the classifier's labelled
 * sets (the tests/eval jsonl files: title, employer, description; none is a
 * repost of another).  Prints every pair that shares a dup key with its
 * similarity and verdict, then the most similar pairs that do not share
 * one, and of those the most similar whose titles share a word (a
 * chauffeur and a chauffeur, an operator and an operator): the bar must
 * sit above those too, because a looser key or a retitled repost would
 * make them candidates.
 *
 * Not a test: the verdicts the project relies on are asserted in
 * tests/unit/test_dedupe.c and tests/integ/dedupe.sh.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "dedupe.h"

struct doc {
	char *label;            /* "source:id title" */
	char *key;              /* dup key or NULL */
	char *title;            /* normalised */
	struct dedupe_doc d;
};

struct pair {
	double sim;
	size_t a, b;
};

static int cmp_pair(const void *x, const void *y)
{
	double a = ((const struct pair *)x)->sim, b = ((const struct pair *)y)->sim;

	return a < b ? 1 : a > b ? -1 : 0;
}

static char *label(const char *src, const char *id, const char *title)
{
	size_t n = strlen(src) + strlen(id) + strlen(title) + 3;
	char *s = malloc(n);

	if (s)
		snprintf(s, n, "%s:%s %s", src, id, title);
	return s;
}

/* Two normalised titles share a word of three letters or more. */
static bool share_word(const char *a, const char *b)
{
	for (const char *p = a; *p; ) {
		size_t k = strcspn(p, " ");

		for (const char *q = b; k > 2 && *q; ) {
			size_t m = strcspn(q, " ");

			if (m == k && !memcmp(p, q, k) && !dedupe_is_stopword(p, k))
				return true;
			q += m;
			q += *q == ' ';
		}
		p += k;
		p += *p == ' ';
	}
	return false;
}

int main(int argc, char **argv)
{
	struct db *db = NULL;
	sqlite3_stmt *st = NULL;
	struct doc *v = NULL;
	struct pair *pairs = NULL;
	size_t n = 0, cap = 0, np = 0;
	bool row = true;

	if (argc < 2) {
		fprintf(stderr, "usage: dedupe_margin DB [EVAL.jsonl...]\n");
		return 2;
	}
	if (db_open(argv[1], true, &db) ||
	    db_prepare(db, &st, "SELECT j.id, j.source_id, j.title, j.description,"
		       " coalesce(j.employer, s.employer),"
		       " coalesce(j.advertiser, s.advertiser, 'employer') = 'agency', j.dup_key"
		       " FROM jobs j LEFT JOIN sources s ON s.id = j.source_id ORDER BY j.id")) {
		fprintf(stderr, "dedupe_margin: %s\n", tj_errmsg());
		return 1;
	}
	for (;;) {
		if (db_step(st, &row) || !row)
			break;
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			v = realloc(v, cap * sizeof(*v));
			if (!v)
				return 1;
		}
		v[n].label = label(db_col_text(st, 1), db_col_text(st, 0), db_col_text(st, 2));
		v[n].key = db_col_text(st, 6) ? strdup(db_col_text(st, 6)) : NULL;
		v[n].title = dedupe_normalise(db_col_text(st, 2));
		if (!v[n].label || !v[n].title || dedupe_doc_init(&v[n].d, db_col_text(st, 3), db_col_text(st, 4),
						   sqlite3_column_int(st, 5)))
			return 1;
		n++;
	}
	db_finalize(st);
	db_close(db);
	for (int i = 2; i < argc; i++) {
		FILE *f = fopen(argv[i], "r");
		char line[1 << 16];

		if (!f) {
			perror(argv[i]);
			return 1;
		}
		while (fgets(line, sizeof(line), f)) {
			json_t *o = json_loads(line, 0, NULL);

			if (!o)
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 256;
				v = realloc(v, cap * sizeof(*v));
				if (!v)
					return 1;
			}
			v[n].label = label("eval", json_string_value(json_object_get(o, "id")),
					   json_string_value(json_object_get(o, "title")));
			v[n].key = NULL;
			v[n].title = dedupe_normalise(json_string_value(json_object_get(o, "title")));
			if (!v[n].label || !v[n].title || dedupe_doc_init(&v[n].d,
				json_string_value(json_object_get(o, "description")),
				json_string_value(json_object_get(o, "employer")), false))
				return 1;
			n++;
			json_decref(o);
		}
		fclose(f);
	}
	printf("%zu postings\n\npairs sharing a dup key:\n", n);
	pairs = malloc(n * (n - 1) / 2 * sizeof(*pairs) + 1);
	if (!pairs)
		return 1;
	for (size_t a = 0; a < n; a++)
		for (size_t b = a + 1; b < n; b++) {
			double s = dedupe_similarity(&v[a].d, &v[b].d);

			if (v[a].key && v[b].key && !strcmp(v[a].key, v[b].key))
				printf("  %.3f %-9s %s | %s\n", s,
				       dedupe_same_vacancy(&v[a].d, &v[b].d) ? "same" : "different",
				       v[a].label, v[b].label);
			else
				pairs[np++] = (struct pair){ s, a, b };
		}
	qsort(pairs, np, sizeof(*pairs), cmp_pair);
	printf("\nmost similar of the %zu pairs not sharing a key:\n", np);
	for (size_t i = 0; i < np && i < 10; i++)
		printf("  %.3f %s | %s\n", pairs[i].sim, v[pairs[i].a].label, v[pairs[i].b].label);
	printf("\nmost similar of those whose titles share a word:\n");
	for (size_t i = 0, shown = 0; i < np && shown < 10; i++)
		if (share_word(v[pairs[i].a].title, v[pairs[i].b].title)) {
			printf("  %.3f %s | %s\n", pairs[i].sim, v[pairs[i].a].label, v[pairs[i].b].label);
			shown++;
		}
	for (size_t i = 0; i < n; i++) {
		free(v[i].title);
		free(v[i].label);
		free(v[i].key);
		dedupe_doc_release(&v[i].d);
	}
	free(v);
	free(pairs);
	return 0;
}
