/*
 * log.c - see log.h.  The level is an atomic so that reading it from
 * worker threads is race-free even if main changes it (it should not).
 */
#include "log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>

static atomic_int current_level = LOG_INFO;

void log_set_level(enum log_level level)
{
	atomic_store(&current_level, (int)level);
}

enum log_level log_get_level(void)
{
	return (enum log_level)atomic_load(&current_level);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	static const char *const names[] = { "error", "warning", "info", "debug" };
	char line[2048];
	va_list ap;

	if ((int)level > atomic_load(&current_level))
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "twentejobs: %s: %s\n", names[level], line);
}
