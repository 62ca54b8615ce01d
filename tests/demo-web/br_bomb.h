/*
 * br_bomb.h - a Brotli body (Content-Encoding: br) that decodes to N MiB
 * of spaces, for the crawler's decoded-size cap.
 */
#ifndef BR_BOMB_H
#define BR_BOMB_H

struct http_reply;

/* Stream the compressed body as r's body bytes.  Returns 0, or -1 when
 * the client went away or the encoder failed (out of memory). */
int br_bomb_write(struct http_reply *r, unsigned long mib);

#endif
