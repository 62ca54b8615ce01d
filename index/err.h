/*
 * err.h - the project's one error enum and the per-thread error message.
 *
 * Every fallible function returns an enum tj_code (TJ_OK == 0) and, on
 * failure, records a human-readable message with tj_error().  The message
 * lives in thread-local storage, like errno: a caller that wants to report
 * it reads tj_errmsg() before calling anything else that may fail.  Codes
 * from libcurl, SQLite, pcre2 and errno are translated once, at the module
 * edge, into these values plus a message with context.
 */
#ifndef TJ_ERR_H
#define TJ_ERR_H

#define TJ_WUR __attribute__((warn_unused_result))
#define TJ_PRINTF(a, b) __attribute__((format(printf, a, b)))

enum tj_code {
	TJ_OK = 0,
	TJ_ENOMEM,      /* allocation failed */
	TJ_EINVAL,      /* bad argument or malformed input */
	TJ_EIO,         /* file or socket I/O failed */
	TJ_EPARSE,      /* input could not be parsed (JSON, rule, page) */
	TJ_EDB,         /* SQLite reported an error */
	TJ_ENOTFOUND,   /* the thing asked for does not exist */
	TJ_ETOOBIG,     /* a hard size cap was hit */
	TJ_EFETCH,      /* a network transfer failed */
	TJ_EBLOCKED,    /* robots.txt or policy forbids it */
	TJ_EINTR,       /* interrupted by a signal / stop request */
	TJ_EUSAGE,      /* wrong command-line usage */
};

/* Static description of a code; never NULL. */
const char *tj_strerror(enum tj_code code);

/*
 * Record a message for the current thread and return `code`, so callers
 * can write `return tj_error(TJ_EPARSE, "'%s': bad JSON", path);`.
 * Messages are truncated at 1023 bytes.  Thread-safe.
 */
enum tj_code tj_error(enum tj_code code, const char *fmt, ...) TJ_PRINTF(2, 3);

/* The current thread's last message, or tj_strerror() of nothing ("").
 * Borrowed; valid until the thread's next tj_error(). */
const char *tj_errmsg(void);

/* Clear the current thread's message. */
void tj_error_clear(void);

#endif
