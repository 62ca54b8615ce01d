/*
 * err.c - error codes and the per-thread message (see err.h).
 *
 * Why thread-local: the spider runs worker threads that all report errors;
 * a message slot per thread lets deep helpers add context without every
 * signature growing an extra out-parameter, exactly as errno does.
 */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>

static _Thread_local char tl_msg[1024];

const char *tj_strerror(enum tj_code code)
{
	switch (code) {
	case TJ_OK: return "success";
	case TJ_ENOMEM: return "out of memory";
	case TJ_EINVAL: return "invalid argument";
	case TJ_EIO: return "input/output error";
	case TJ_EPARSE: return "parse error";
	case TJ_EDB: return "database error";
	case TJ_ENOTFOUND: return "not found";
	case TJ_ETOOBIG: return "too big";
	case TJ_EFETCH: return "fetch failed";
	case TJ_EBLOCKED: return "blocked by policy";
	case TJ_EINTR: return "interrupted";
	case TJ_EUSAGE: return "wrong usage";
	}
	return "unknown error";
}

enum tj_code tj_error(enum tj_code code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tl_msg, sizeof(tl_msg), fmt, ap);
	va_end(ap);
	return code;
}

const char *tj_errmsg(void)
{
	return tl_msg;
}

void tj_error_clear(void)
{
	tl_msg[0] = '\0';
}
