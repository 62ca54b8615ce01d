/*
 * evalset.h - load the labelled evaluation postings (tests/eval/postings.jsonl, heldout.jsonl).
 *
 * Shared by tests/eval/eval.c and tests/eval/bench_classify.c; header-only
 * so each program builds from one .c plus the project's objects.  One JSON
 * object per line: id, title, description, employer, labels {language,
 * international, dutch_required, level, advertiser}.  Blank lines and lines
 * starting with '#' are skipped.
 */
#ifndef TJ_EVALSET_H
#define TJ_EVALSET_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "paths.h"
#include "posting.h"

struct eval_item {
	char id[32];
	struct posting p;
	char lang[8], intl[8], level[16], adv[16];
	bool dreq;
};

static void eval_label(char *dst, size_t n, json_t *labels, const char *key, const char *dflt)
{
	const char *v = json_string_value(json_object_get(labels, key));

	snprintf(dst, n, "%s", v ? v : dflt);
}

static void evalset_free(struct eval_item *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		posting_release(&v[i].p);
	free(v);
}

static enum tj_code evalset_load(const char *path, struct eval_item **out, size_t *nout)
{
	char *text = NULL, *line, *next;
	struct eval_item *v = NULL;
	size_t n = 0, alloc = 0;
	int lineno = 0;
	enum tj_code rc;

	*out = NULL;
	*nout = 0;
	rc = tj_read_file(path, (size_t)64 << 20, &text, NULL);
	if (rc)
		return rc;
	for (line = text; line && *line; line = next) {
		json_error_t jerr;
		json_t *o, *labels;

		lineno++;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (!*line || *line == '#')
			continue;
		o = json_loads(line, 0, &jerr);
		if (!o || !json_is_object(o)) {
			rc = tj_error(TJ_EPARSE, "%s:%d: %s", path, lineno, o ? "not an object" : jerr.text);
			json_decref(o);
			goto out;
		}
		if (n == alloc) {
			size_t na = alloc ? alloc * 2 : 256;
			struct eval_item *nv = realloc(v, na * sizeof(*nv));

			if (!nv) {
				json_decref(o);
				rc = tj_error(TJ_ENOMEM, "out of memory loading '%s'", path);
				goto out;
			}
			v = nv;
			alloc = na;
		}
		memset(&v[n], 0, sizeof(v[n]));
		posting_init(&v[n].p);
		snprintf(v[n].id, sizeof(v[n].id), "%s",
			 json_string_value(json_object_get(o, "id")) ? json_string_value(json_object_get(o, "id")) : "?");
		labels = json_object_get(o, "labels");
		eval_label(v[n].lang, sizeof(v[n].lang), labels, "language", "und");
		eval_label(v[n].intl, sizeof(v[n].intl), labels, "international", "maybe");
		eval_label(v[n].level, sizeof(v[n].level), labels, "level", "unknown");
		eval_label(v[n].adv, sizeof(v[n].adv), labels, "advertiser", "employer");
		v[n].dreq = json_is_true(json_object_get(labels, "dutch_required"));
		rc = posting_from_json(&v[n].p, o);
		json_decref(o);
		n++;
		if (rc) {
			rc = tj_error(rc, "%s:%d: %s", path, lineno, tj_errmsg());
			goto out;
		}
	}
out:
	free(text);
	if (rc) {
		evalset_free(v, n);
		return rc;
	}
	*out = v;
	*nout = n;
	return TJ_OK;
}

#endif
