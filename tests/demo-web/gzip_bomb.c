/*
 * gzip_bomb.c - a gzip body that inflates to N MiB of spaces.
 *
 * Purpose: /__fault/gzip-bomb must make a crawler that trusts
 * Content-Encoding: gzip inflate far more than it downloaded, without the
 * server allocating or compressing N MiB per request.
 *
 * How it works: at startup zlib compresses 1 MiB of spaces as raw deflate
 * with Z_FULL_FLUSH. A full flush resets the match history and ends on a
 * byte boundary, so that segment references nothing before its own start and
 * can be repeated back to back: N copies form a valid deflate stream that
 * inflates to N MiB. A final empty block (from Z_FINISH) closes the stream.
 * The gzip trailer needs the CRC-32 of the whole output, which is derived
 * from the per-MiB CRC with crc32_combine(), and ISIZE (length mod 2^32).
 * Ratio is about 1000:1 (~1 KiB per MiB).
 *
 * Limits: needs -lz. The content is spaces, not zeros, so a lenient HTML
 * parser sees an empty document rather than NUL bytes.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* strptime, timegm, *_r, clock_gettime */
#endif

#include "gzip_bomb.h"

#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "http_reply.h"

enum { MIB = 1024 * 1024 };

/* gzip member header: magic, deflate, no flags, mtime 0, xfl 2 (best),
 * OS 3 (Unix). */
static const unsigned char gzip_header[10] = {
    0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03};

int gzip_bomb_init(struct gzip_bomb *bomb)
{
	z_stream zs;
	unsigned char *plain;
	uLong bound;
	int rc;

	memset(bomb, 0, sizeof(*bomb));
	plain = malloc(MIB);
	if (plain == NULL) {
		return -1;
	}
	memset(plain, ' ', MIB);
	bomb->mib_crc = crc32(crc32(0L, Z_NULL, 0), plain, MIB);

	memset(&zs, 0, sizeof(zs));
	/* Raw deflate (negative window bits): we write the gzip framing. */
	if (deflateInit2(&zs, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY) != Z_OK) {
		free(plain);
		return -1;
	}
	bound = deflateBound(&zs, MIB) + 64;
	bomb->segment = malloc(bound);
	if (bomb->segment == NULL) {
		deflateEnd(&zs);
		free(plain);
		return -1;
	}
	zs.next_in = plain;
	zs.avail_in = MIB;
	zs.next_out = bomb->segment;
	zs.avail_out = (uInt)bound;
	rc = deflate(&zs, Z_FULL_FLUSH);
	if (rc != Z_OK || zs.avail_in != 0 || zs.avail_out == 0) {
		deflateEnd(&zs);
		free(plain);
		gzip_bomb_free(bomb);
		return -1;
	}
	bomb->segment_len = bound - zs.avail_out;

	zs.next_out = bomb->tail;
	zs.avail_out = sizeof(bomb->tail);
	rc = deflate(&zs, Z_FINISH);
	if (rc != Z_STREAM_END) {
		deflateEnd(&zs);
		free(plain);
		gzip_bomb_free(bomb);
		return -1;
	}
	bomb->tail_len = sizeof(bomb->tail) - zs.avail_out;
	deflateEnd(&zs);
	free(plain);
	return 0;
}

void gzip_bomb_free(struct gzip_bomb *bomb)
{
	free(bomb->segment);
	bomb->segment = NULL;
	bomb->segment_len = 0;
}

unsigned long long gzip_bomb_size(const struct gzip_bomb *bomb,
                                  unsigned long mib)
{
	return sizeof(gzip_header)
	       + (unsigned long long)bomb->segment_len * mib + bomb->tail_len + 8;
}

static void put_le32(unsigned char *p, unsigned long v)
{
	p[0] = (unsigned char)(v & 0xff);
	p[1] = (unsigned char)((v >> 8) & 0xff);
	p[2] = (unsigned char)((v >> 16) & 0xff);
	p[3] = (unsigned char)((v >> 24) & 0xff);
}

int gzip_bomb_write(const struct gzip_bomb *bomb,
                    struct http_reply *r,
                    unsigned long mib)
{
	unsigned char trailer[8];
	unsigned long crc = crc32(0L, Z_NULL, 0);
	unsigned long i;

	if (reply_write(r, gzip_header, sizeof(gzip_header)) != 0) {
		return -1;
	}
	for (i = 0; i < mib; i++) {
		if (reply_write(r, bomb->segment, bomb->segment_len) != 0) {
			return -1;
		}
		crc = crc32_combine(crc, bomb->mib_crc, MIB);
	}
	if (reply_write(r, bomb->tail, bomb->tail_len) != 0) {
		return -1;
	}
	put_le32(trailer, crc);
	/* ISIZE is the uncompressed length modulo 2^32 (RFC 1952). */
	put_le32(trailer + 4, (unsigned long)(((unsigned long long)mib * MIB)
	                                      & 0xffffffffULL));
	return reply_write(r, trailer, sizeof(trailer));
}
