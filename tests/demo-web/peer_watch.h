/*
 * peer_watch.h - notice that the client of a long-running request left.
 */
#ifndef PEER_WATCH_H
#define PEER_WATCH_H

struct mg_connection;

/* Find this connection's socket descriptor, or -1 when it cannot be found
 * (then callers just sleep the full time, as if the client were there). */
int peer_watch_find(const struct mg_connection *conn);

/* 1 when the peer has closed or reset the connection, else 0. fd < 0 -> 0. */
int peer_watch_gone(int fd);

/* Shut the connection down in both directions (the descriptor itself stays
 * open for civetweb to close), so the client sees the end at once instead
 * of after civetweb's keep-alive timeout. fd < 0 is ignored. */
void peer_watch_cut(int fd);

#endif
