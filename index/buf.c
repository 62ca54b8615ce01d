/*
 * buf.c - growable, capped byte buffer (see buf.h).
 *
 * Growth doubles the allocation so appends are amortised O(1); the cap is
 * checked before any allocation so a hostile input can never make us
 * allocate more than cap + 1 bytes.
 */
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buf_init(struct buf *b, size_t cap)
{
	b->data = NULL;
	b->len = 0;
	b->alloc = 0;
	b->cap = cap ? cap : BUF_DEFAULT_CAP;
}

void buf_release(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->alloc = 0;
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

static enum tj_code buf_grow(struct buf *b, size_t extra)
{
	size_t need, n;
	char *p;

	if (extra > b->cap || b->len > b->cap - extra)
		return tj_error(TJ_ETOOBIG, "buffer would exceed %zu bytes", b->cap);
	need = b->len + extra + 1;
	if (need <= b->alloc)
		return TJ_OK;
	n = b->alloc ? b->alloc : 64;
	while (n < need)
		n = n > ((size_t)-1) / 2 ? need : n * 2;
	if (n > b->cap + 1)
		n = b->cap + 1;
	p = realloc(b->data, n);
	if (!p)
		return tj_error(TJ_ENOMEM, "out of memory growing buffer to %zu bytes", n);
	b->data = p;
	b->alloc = n;
	return TJ_OK;
}

enum tj_code buf_add(struct buf *b, const void *data, size_t len)
{
	enum tj_code rc = buf_grow(b, len);

	if (rc)
		return rc;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return TJ_OK;
}

enum tj_code buf_adds(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

enum tj_code buf_addc(struct buf *b, char c)
{
	return buf_add(b, &c, 1);
}

enum tj_code buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;
	enum tj_code rc;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return tj_error(TJ_EINVAL, "bad format string");
	rc = buf_grow(b, (size_t)n);
	if (rc)
		return rc;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return TJ_OK;
}

enum tj_code buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	enum tj_code rc;

	va_start(ap, fmt);
	rc = buf_vaddf(b, fmt, ap);
	va_end(ap);
	return rc;
}

const char *buf_str(const struct buf *b)
{
	return b->data ? b->data : "";
}

char *buf_detach(struct buf *b, size_t *len)
{
	char *p = b->data;

	if (len)
		*len = b->len;
	if (!p)
		p = calloc(1, 1);
	b->data = NULL;
	b->len = 0;
	b->alloc = 0;
	return p;
}
