/*
 * br_bomb.c - a Brotli body that decodes to N MiB of spaces.
 *
 * Purpose: like gzip_bomb.c for the other compression a crawler advertises
 * (libcurl asks for "br" when it is built with Brotli, as Debian's is): the
 * body cap must hold after decoding whatever the encoding.
 *
 * How it works: the encoder is fed one static MiB of spaces N times and
 * its output is written as it comes, so the server neither allocates nor
 * holds N MiB; quality 1 keeps it cheap (spaces compress to almost
 * nothing at any quality).  A client that hangs up ends the stream at the
 * next write.
 */
#include "br_bomb.h"

#include <brotli/encode.h>
#include <pthread.h>
#include <string.h>

#include "http_reply.h"

enum { MIB = 1024 * 1024 };

static unsigned char spaces[MIB];
static pthread_once_t spaces_once = PTHREAD_ONCE_INIT;

static void fill_spaces(void)
{
	memset(spaces, ' ', sizeof(spaces));
}

/* Run the encoder on what is pending and write what it produced. */
static int pump(BrotliEncoderState *s, struct http_reply *r, BrotliEncoderOperation op,
                const unsigned char **in, size_t *avail)
{
	do {
		size_t avail_out = 0;
		const uint8_t *out;
		size_t n = 0;

		if (!BrotliEncoderCompressStream(s, op, avail, in, &avail_out, NULL, NULL)) {
			return -1;
		}
		out = BrotliEncoderTakeOutput(s, &n);
		if (n && reply_write(r, out, n) != 0) {
			return -1;
		}
	} while (*avail || BrotliEncoderHasMoreOutput(s)
	         || (op == BROTLI_OPERATION_FINISH && !BrotliEncoderIsFinished(s)));
	return 0;
}

int br_bomb_write(struct http_reply *r, unsigned long mib)
{
	BrotliEncoderState *s = BrotliEncoderCreateInstance(NULL, NULL, NULL);
	const unsigned char *in;
	size_t avail = 0;
	int rc = 0;

	if (s == NULL) {
		return -1;
	}
	pthread_once(&spaces_once, fill_spaces);
	BrotliEncoderSetParameter(s, BROTLI_PARAM_QUALITY, 1);
	for (unsigned long i = 0; i < mib && rc == 0; i++) {
		in = spaces;
		avail = sizeof(spaces);
		rc = pump(s, r, BROTLI_OPERATION_PROCESS, &in, &avail);
	}
	if (rc == 0) {
		in = NULL;
		avail = 0;
		rc = pump(s, r, BROTLI_OPERATION_FINISH, &in, &avail);
	}
	BrotliEncoderDestroyInstance(s);
	return rc;
}
