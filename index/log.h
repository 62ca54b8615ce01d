/*
 * log.h - leveled logging to stderr, safe from any thread.
 *
 * One line per call, prefixed with the level; a single fprintf per line so
 * lines from worker threads never interleave mid-line.  The level is set
 * once in main before threads start (log_set_level), after which it is only
 * read.
 */
#ifndef TJ_LOG_H
#define TJ_LOG_H

#include "err.h"

enum log_level { LOG_ERROR = 0, LOG_WARN, LOG_INFO, LOG_DEBUG };

void log_set_level(enum log_level level);
enum log_level log_get_level(void);
void log_msg(enum log_level level, const char *fmt, ...) TJ_PRINTF(2, 3);

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
