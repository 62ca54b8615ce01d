/*
 * http_reply.h - buffered HTTP/1.1 response writer on top of civetweb.
 */
#ifndef HTTP_REPLY_H
#define HTTP_REPLY_H

#include <stddef.h>

struct mg_connection;

/* Content-length markers for reply_end_headers(). */
#define REPLY_CHUNKED (-1LL) /* body length unknown: chunked (or close) */
#define REPLY_NO_BODY (-2LL) /* 304/204 style: no length, no body */

struct http_reply {
	struct mg_connection *conn;
	int head_only;    /* HEAD request: headers go out, body is dropped */
	int keep_alive;   /* what we announce in the Connection header */
	int http11;       /* request was HTTP/1.1 (chunked allowed) */
	int status;       /* status line sent; 0 before reply_start() */
	int headers_done; /* blank line after the headers was queued */
	int chunked;      /* body is sent with chunked transfer coding */
	int failed;       /* a socket write failed; everything else is dropped */
	int counting;     /* sizing pass: body bytes are counted, not sent */
	unsigned long long counted; /* bytes seen during the sizing pass */
	size_t len;       /* bytes waiting in buf */
	char *buf;        /* REPLY_BUF_SIZE bytes of output buffer */
};

/* Prepare a reply for the request on conn. Returns 0, or -1 on OOM. */
int reply_init(struct http_reply *r, struct mg_connection *conn);
void reply_free(struct http_reply *r);

/* Queue the status line plus Date and Server headers. */
int reply_start(struct http_reply *r, int status);
/* Queue one header. Values containing CR or LF are refused (-1). */
int reply_header(struct http_reply *r, const char *name, const char *value);
int reply_headerf(struct http_reply *r, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Queue Content-Length (or chunked / nothing, see markers above), the
 * Connection header and the blank line. */
int reply_end_headers(struct http_reply *r, long long content_length);

/* Body output. After a write error these return -1 so generators can stop
 * early; for HEAD they silently drop the data. */
int reply_write(struct http_reply *r, const void *data, size_t len);
int reply_print(struct http_reply *r, const char *s);
int reply_printf(struct http_reply *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int reply_escaped(struct http_reply *r, const char *text); /* HTML-escaped */

/* Push buffered bytes to the socket now (used before a deliberate stall). */
int reply_flush(struct http_reply *r);
/* Flush and, for chunked bodies, send the terminating chunk. */
int reply_finish(struct http_reply *r);

/* A body generator: writes the body with reply_write & co. It is called
 * twice by reply_generated(): once to count bytes, once to send them, so it
 * must produce identical output both times. */
typedef int (*reply_gen_fn)(struct http_reply *r, const void *arg);

/* Complete response with status, Content-Type, exact Content-Length and
 * the body produced by gen. extra_header_name/value may be NULL. */
int reply_generated(struct http_reply *r,
                    int status,
                    const char *content_type,
                    const char *extra_header_name,
                    const char *extra_header_value,
                    reply_gen_fn gen,
                    const void *arg);

/* Small complete HTML page: <h1>title</h1> followed by body_html (raw). */
int reply_page(struct http_reply *r,
               int status,
               const char *title,
               const char *body_html);

/* Complete response with a literal body of the given content type. */
int reply_text(struct http_reply *r,
               int status,
               const char *content_type,
               const char *body);

/* Small HTML error page "<status> <reason>" with a one-line message
 * (msg is trusted HTML, never request data). */
int reply_error(struct http_reply *r, int status, const char *msg);

/* Redirect with an empty body. location must not contain CR/LF. */
int reply_redirect(struct http_reply *r, int status, const char *location);

/* Reason phrase for a status code ("Status" when unknown). */
const char *reply_reason(int status);

#endif
