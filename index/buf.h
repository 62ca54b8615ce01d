/*
 * buf.h - a growable byte buffer with a hard cap (after curl's dynbuf and
 * git's strbuf).
 *
 * The contents are always NUL-terminated so they can be used as a C string
 * when they hold text.  A buffer refuses to grow past its cap: that is how
 * the spider bounds a hostile page's memory.  Not thread-safe; a buffer
 * belongs to one thread at a time.
 */
#ifndef TJ_BUF_H
#define TJ_BUF_H

#include <stddef.h>
#include <stdarg.h>
#include "err.h"

struct buf {
	char *data;     /* NULL until the first append; then NUL-terminated */
	size_t len;
	size_t alloc;
	size_t cap;     /* maximum len; appends past it fail with TJ_ETOOBIG */
};

#define BUF_DEFAULT_CAP ((size_t)64 << 20)

/* Initialise an empty buffer; cap 0 means BUF_DEFAULT_CAP. */
void buf_init(struct buf *b, size_t cap);
/* Free the contents and reset to empty (the cap is kept). */
void buf_release(struct buf *b);
/* Truncate to zero length without freeing. */
void buf_reset(struct buf *b);

enum tj_code buf_add(struct buf *b, const void *data, size_t len) TJ_WUR;
enum tj_code buf_adds(struct buf *b, const char *s) TJ_WUR;
enum tj_code buf_addc(struct buf *b, char c) TJ_WUR;
enum tj_code buf_addf(struct buf *b, const char *fmt, ...) TJ_PRINTF(2, 3) TJ_WUR;
enum tj_code buf_vaddf(struct buf *b, const char *fmt, va_list ap) TJ_WUR;

/* The contents as a C string: "" for an empty buffer, never NULL.  Borrowed. */
const char *buf_str(const struct buf *b);

/* Hand the contents to the caller, who frees them with free(); the buffer
 * is left empty.  Returns a malloc'd "" for an empty buffer, NULL on OOM. */
char *buf_detach(struct buf *b, size_t *len);

#endif
