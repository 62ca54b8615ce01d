/*
 * gzip_bomb.h - a gzip body that inflates to N MiB of spaces.
 */
#ifndef GZIP_BOMB_H
#define GZIP_BOMB_H

#include <stddef.h>

struct http_reply;

struct gzip_bomb {
	unsigned char *segment;   /* raw deflate of 1 MiB of spaces, byte aligned */
	size_t segment_len;
	unsigned char tail[16];   /* final empty deflate block */
	size_t tail_len;
	unsigned long mib_crc;    /* CRC-32 of 1 MiB of spaces */
};

/* Precompute the segment with zlib. Returns 0, or -1 (OOM / zlib error). */
int gzip_bomb_init(struct gzip_bomb *bomb);
void gzip_bomb_free(struct gzip_bomb *bomb);

/* Compressed size of the whole gzip member for `mib` MiB of output. */
unsigned long long gzip_bomb_size(const struct gzip_bomb *bomb,
                                  unsigned long mib);

/* Write the complete gzip member (header, mib segments, tail, trailer)
 * as body bytes of r. Returns 0, or -1 when the client went away. */
int gzip_bomb_write(const struct gzip_bomb *bomb,
                    struct http_reply *r,
                    unsigned long mib);

#endif
