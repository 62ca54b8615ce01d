/*
 * request_log.c - the demo-web request log used by integration tests.
 *
 * Purpose: tests read this file to prove crawler politeness: no request to a
 * robots-disallowed URL, never two overlapping requests to one host, and the
 * configured delay between them. That is why each line carries both the start
 * and the end time of the request.
 *
 * How it works: the line is formatted into a local buffer first (no lock
 * held), then written with one fputs() + fflush() under a mutex, so lines
 * from different worker threads never interleave and a reader polling the
 * file only ever misses the newest lines, never sees half of one.
 *
 * Limits: fields are cut to fit a 4 KiB line (paths that long are only seen
 * in fault tests). Write errors are ignored: a failing log must not change
 * what the crawler under test sees.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* strptime, timegm, *_r, clock_gettime */
#endif

#include "request_log.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct request_log {
	FILE *fp;
	pthread_mutex_t lock;
};

struct request_log *request_log_open(const char *path)
{
	struct request_log *log = calloc(1, sizeof(*log));

	if (log == NULL) {
		return NULL;
	}
	log->fp = fopen(path, "a");
	if (log->fp == NULL) {
		free(log);
		return NULL;
	}
	if (pthread_mutex_init(&log->lock, NULL) != 0) {
		fclose(log->fp);
		free(log);
		return NULL;
	}
	return log;
}

/* Append src to buf at *pos, replacing bytes that would break the line format
 * (control characters, notably TAB and newline). Keeps buf NUL-terminated. */
static void append_field(char *buf, size_t size, size_t *pos, const char *src)
{
	if (src == NULL || src[0] == '\0') {
		src = "-";
	}
	for (; *src != '\0' && *pos + 1 < size; src++) {
		unsigned char c = (unsigned char)*src;
		buf[(*pos)++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	buf[*pos] = '\0';
}

static void append_raw(char *buf, size_t size, size_t *pos, const char *src)
{
	for (; *src != '\0' && *pos + 1 < size; src++) {
		buf[(*pos)++] = *src;
	}
	buf[*pos] = '\0';
}

void request_log_write(struct request_log *log,
                       long long start_ms,
                       long long end_ms,
                       const char *host,
                       const char *method,
                       const char *path,
                       const char *query,
                       int status,
                       int client_port)
{
	char line[4096];
	char num[64];
	size_t pos = 0;
	int n;

	if (log == NULL) {
		return;
	}
	line[0] = '\0';
	/* Reserve room for the trailing status and newline by cutting the
	 * variable fields against a smaller limit. */
	n = snprintf(num, sizeof(num), "%lld\t%lld\t", start_ms, end_ms);
	if (n < 0 || (size_t)n >= sizeof(num)) {
		return;
	}
	append_raw(line, sizeof(line), &pos, num);
	append_field(line, sizeof(line) - 32, &pos, host);
	append_raw(line, sizeof(line), &pos, "\t");
	append_field(line, sizeof(line) - 32, &pos, method);
	append_raw(line, sizeof(line), &pos, "\t");
	append_field(line, sizeof(line) - 32, &pos, path);
	if (query != NULL) {
		append_raw(line, sizeof(line), &pos, "?");
		if (query[0] != '\0') {
			append_field(line, sizeof(line) - 32, &pos, query);
		}
	}
	n = snprintf(num, sizeof(num), "\t%d\t%d\n", status, client_port);
	if (n < 0 || (size_t)n >= sizeof(num)) {
		return;
	}
	append_raw(line, sizeof(line), &pos, num);

	if (pthread_mutex_lock(&log->lock) != 0) {
		return;
	}
	(void)fputs(line, log->fp);
	(void)fflush(log->fp);
	(void)pthread_mutex_unlock(&log->lock);
}

void request_log_close(struct request_log *log)
{
	if (log == NULL) {
		return;
	}
	(void)fclose(log->fp);
	(void)pthread_mutex_destroy(&log->lock);
	free(log);
}
