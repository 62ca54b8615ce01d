/*
 * fuzz_fragment.c - differential libFuzzer harness for HTML fragments to
 * text (spider/html.c).
 *
 * Input: an HTML fragment, such as a JSON-LD description.
 * html_fragment_text() converts common markup without gumbo (its fast
 * path) and must give exactly what the gumbo tree gives
 * (html_fragment_text_tree()): the same result code and the same text.
 * Any difference aborts with both texts on stderr.
 *
 * Build and run: make fuzz (seeds in tests/fuzz/fragment/: descriptions
 * from the demo web and the tricky cases of tests/unit/test_html.c).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *fast = NULL, *tree = NULL;
	enum tj_code a, b;

	a = html_fragment_text((const char *)data, size, &fast);
	b = html_fragment_text_tree((const char *)data, size, &tree);
	if (a == TJ_ENOMEM || b == TJ_ENOMEM)
		goto out;
	if (a != b || (fast && tree && strcmp(fast, tree)) || (!fast) != (!tree)) {
		fprintf(stderr, "fast path differs: rc %d vs %d\n--- fast\n%s\n--- tree\n%s\n", a, b,
			fast ? fast : "(null)", tree ? tree : "(null)");
		abort();
	}
out:
	free(fast);
	free(tree);
	return 0;
}
