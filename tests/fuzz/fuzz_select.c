/*
 * fuzz_select.c - libFuzzer harness for the CSS selector subset
 * (spider/select.c).
 *
 * Input: a selector on the first line, then an HTML page.  The selector is
 * compiled; an error must leave *out NULL and name an offset within the
 * selector.  A compiled selector is run over the parsed page, and again
 * scoped to each of its first matches.  Beyond "no crash, no leak, no UB"
 * it checks what callers rely on: every match is an element, matches come
 * once each in document order, select_first() agrees with select_list(),
 * and a scoped search finds only elements below (or, via :scope, equal to)
 * its root.
 *
 * Build and run: make fuzz (seeds in tests/fuzz/select/).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "select.h"

#define MAX_SCOPED 8

static void check_offset(const char *css)
{
	const char *m = tj_errmsg(), *at = strstr(m, " at offset ");

	if (at && strtoul(at + 11, NULL, 10) > strlen(css)) {
		fprintf(stderr, "offset past the selector: '%s'\n", m);
		abort();
	}
}

static bool below(const GumboNode *n, const GumboNode *root)
{
	for (; n; n = n->parent)
		if (n == root)
			return true;
	return false;
}

static size_t depth_of(const GumboNode *n)
{
	size_t d = 0;

	for (; n; n = n->parent)
		d++;
	return d;
}

/* Document order of two distinct nodes: -1 when a comes first. */
static int order(const GumboNode *a, const GumboNode *b)
{
	size_t da = depth_of(a), db = depth_of(b);
	bool a_deeper = da > db;

	/* bring both to the same depth; an ancestor comes first */
	for (; da > db; da--)
		a = a->parent;
	for (; db > da; db--)
		b = b->parent;
	if (a == b)
		return a_deeper ? 1 : -1;
	while (a->parent != b->parent) {
		a = a->parent;
		b = b->parent;
	}
	return a->index_within_parent < b->index_within_parent ? -1 : 1;
}

static void run(const struct selector *s, const GumboNode *root)
{
	const GumboNode **v = NULL, *first = NULL;
	size_t n = 0;

	if (select_list(s, root, 1000, &v, &n, NULL) || select_first(s, root, &first))
		return;         /* out of memory is allowed */
	if ((n == 0) != (first == NULL) || (n && first != v[0]))
		abort();
	for (size_t i = 0; i < n; i++) {
		if (v[i]->type != GUMBO_NODE_ELEMENT && v[i]->type != GUMBO_NODE_TEMPLATE)
			abort();
		if (!below(v[i], root))
			abort();
		if (i && order(v[i - 1], v[i]) >= 0)
			abort();
	}
	if (root->type == GUMBO_NODE_DOCUMENT) {
		for (size_t i = 0; i < n && i < MAX_SCOPED; i++)
			run(s, v[i]);
	}
	free(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nl = memchr(data, '\n', size);
	size_t css_len = nl ? (size_t)(nl - (const char *)data) : size;
	char *css = strndup((const char *)data, css_len);
	struct selector *s = (struct selector *)&s;
	GumboOutput *doc = NULL;

	if (!css)
		return 0;
	if (select_compile(css, &s)) {
		if (s)
			abort();
		check_offset(css);
		goto out;
	}
	if (strcmp(select_source(s), css))
		abort();
	if (nl && !html_parse(nl + 1, size - css_len - 1, &doc))
		run(s, doc->document);
	select_free(s);
out:
	html_free(doc);
	free(css);
	return 0;
}
