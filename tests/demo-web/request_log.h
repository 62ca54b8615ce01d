/*
 * request_log.h - one tab-separated line per completed request.
 */
#ifndef REQUEST_LOG_H
#define REQUEST_LOG_H

struct request_log;

/* Open (append, create) the log file. Returns NULL on failure (errno set). */
struct request_log *request_log_open(const char *path);

/* Append "start_ms\tend_ms\thost\tmethod\tpath[?query]\tstatus\tclient_port\n"
 * and flush; client_port tells the client's TCP connections apart.
 * Thread-safe. NULL strings are written as "-"; control characters in the
 * fields are replaced by '?' so a line can never be split or shifted. */
void request_log_write(struct request_log *log,
                       long long start_ms,
                       long long end_ms,
                       const char *host,
                       const char *method,
                       const char *path,
                       const char *query,
                       int status,
                       int client_port);

/* Flush and close; NULL is allowed. */
void request_log_close(struct request_log *log);

#endif
