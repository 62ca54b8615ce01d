/*
 * replay_main.c - run a libFuzzer harness over saved inputs without
 * libFuzzer, so `make test` replays every corpus file (and every crash
 * once found and kept) with plain gcc and the sanitizers of the build.
 *
 * usage: replay_X FILE...   exits non-zero if an input cannot be read;
 * a crash or sanitizer report aborts the process, which fails the test.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		uint8_t *buf = NULL;
		size_t n = 0, cap = 0, got;

		if (!f) {
			fprintf(stderr, "replay: cannot read '%s'\n", argv[i]);
			return 1;
		}
		do {
			if (cap - n < 65536) {
				uint8_t *p = realloc(buf, cap = cap * 2 + 65536);

				if (!p) {
					fprintf(stderr, "replay: out of memory\n");
					return 1;
				}
				buf = p;
			}
			got = fread(buf + n, 1, cap - n, f);
			n += got;
		} while (got > 0);
		fclose(f);
		LLVMFuzzerTestOneInput(buf, n);
		free(buf);
	}
	printf("replayed %d inputs\n", argc - 1);
	return 0;
}
