/*
 * peer_watch.c - notice that the client of a long-running request left.
 *
 * Purpose: /__fault/stall and /__fault/slow hold a civetweb worker thread
 * for up to 30 s / 120 s. A crawler under test usually gives up much sooner;
 * if we kept sleeping anyway, a test that hits these endpoints often could
 * pin all 64 workers and hang every other request. Stopping as soon as the
 * client hangs up also makes the log's end_ms show when the crawler gave up.
 *
 * How it works: civetweb 1.15 has no public way to get a connection's
 * socket, so we look for it without touching anybody else's descriptors:
 *   1. /proc/net/tcp lists every TCP socket with its 4-tuple and inode; the
 *      request info gives the peer address/port and our server port, which
 *      pick out our connection's inode;
 *   2. readlink() on /proc/self/fd/N names "socket:[inode]", which gives
 *      the descriptor number.
 * (A first version called getpeername()/fstat() on every descriptor;
 * ThreadSanitizer rightly flagged that as racing with civetweb closing other
 * threads' sockets. Paths under /proc are not descriptors, so no race.)
 * Watching is then a zero-timeout poll() for POLLRDHUP/POLLHUP/POLLERR on
 * our own descriptor; POLLIN alone (a pipelined next request) does not count
 * as gone. Only the current worker thread uses that descriptor while the
 * handler runs.
 *
 * peer_watch_cut() uses the same descriptor to end a deliberately
 * incomplete response (stall): shutdown() rather than close(), so the
 * descriptor number stays owned by civetweb and cannot be reused under it.
 *
 * Limits: Linux only (/proc, POLLRDHUP); IPv4 peers only (we only listen on
 * IPv4). If anything fails we report "not found" and callers fall back to
 * sleeping the full time.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* POLLRDHUP */
#endif

#include "peer_watch.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <civetweb.h>

#include "url_util.h"

/* Parse "HHHHHHHH:PPPP" (address as the kernel prints a __be32 with %08X,
 * port in host order) from /proc/net/tcp. 0 ok, -1 malformed. */
static int parse_hex_endpoint(const char *tok, unsigned long *addr, unsigned long *port)
{
	char *end = NULL;

	errno = 0;
	*addr = strtoul(tok, &end, 16);
	if (errno != 0 || end != tok + 8 || *end != ':') {
		return -1;
	}
	tok = end + 1;
	*port = strtoul(tok, &end, 16);
	if (errno != 0 || end == tok || *end != '\0') {
		return -1;
	}
	return 0;
}

/* Inode of the TCP socket with local port local_port and the given peer, or
 * 0 when not found. */
static unsigned long find_socket_inode(const struct in_addr *peer_addr,
                                       int peer_port,
                                       int local_port)
{
	char line[512];
	unsigned long inode = 0;
	FILE *fp = fopen("/proc/net/tcp", "r");

	if (fp == NULL) {
		return 0;
	}
	/* The first line is the column header. */
	if (fgets(line, sizeof(line), fp) == NULL) {
		fclose(fp);
		return 0;
	}
	while (inode == 0 && fgets(line, sizeof(line), fp) != NULL) {
		char *save = NULL;
		char *tok[10];
		unsigned long laddr;
		unsigned long lport;
		unsigned long raddr;
		unsigned long rport;
		int i;

		tok[0] = strtok_r(line, " \t\n", &save);
		for (i = 1; i < 10 && tok[i - 1] != NULL; i++) {
			tok[i] = strtok_r(NULL, " \t\n", &save);
		}
		if (i < 10 || tok[9] == NULL) {
			continue;
		}
		/* tok: 0 "sl:", 1 local, 2 remote, ... 9 inode */
		if (parse_hex_endpoint(tok[1], &laddr, &lport) != 0
		    || parse_hex_endpoint(tok[2], &raddr, &rport) != 0) {
			continue;
		}
		if (lport == (unsigned long)local_port && rport == (unsigned long)peer_port
		    && raddr == (unsigned long)peer_addr->s_addr) {
			char *end = NULL;

			errno = 0;
			inode = strtoul(tok[9], &end, 10);
			if (errno != 0 || end == tok[9] || *end != '\0') {
				inode = 0;
			}
		}
	}
	fclose(fp);
	return inode;
}

int peer_watch_find(const struct mg_connection *conn)
{
	const struct mg_request_info *ri = mg_get_request_info(conn);
	struct in_addr peer_addr;
	unsigned long inode;
	char want[64];
	DIR *dir;
	struct dirent *de;
	int found = -1;
	int n;

	if (ri == NULL || inet_pton(AF_INET, ri->remote_addr, &peer_addr) != 1) {
		return -1;
	}
	inode = find_socket_inode(&peer_addr, ri->remote_port, ri->server_port);
	if (inode == 0) {
		return -1;
	}
	n = snprintf(want, sizeof(want), "socket:[%lu]", inode);
	if (n < 0 || (size_t)n >= sizeof(want)) {
		return -1;
	}
	dir = opendir("/proc/self/fd");
	if (dir == NULL) {
		return -1;
	}
	while (found < 0 && (de = readdir(dir)) != NULL) {
		char link_path[64];
		char target[64];
		ssize_t len;
		long fd;

		if (url_parse_long(de->d_name, 0, 1 << 30, &fd) != 0) {
			continue;
		}
		n = snprintf(link_path, sizeof(link_path), "/proc/self/fd/%ld", fd);
		if (n < 0 || (size_t)n >= sizeof(link_path)) {
			continue;
		}
		len = readlink(link_path, target, sizeof(target) - 1);
		if (len <= 0) {
			continue;
		}
		target[len] = '\0';
		if (strcmp(target, want) == 0) {
			found = (int)fd;
		}
	}
	closedir(dir);
	return found;
}

int peer_watch_gone(int fd)
{
	struct pollfd pfd;

	if (fd < 0) {
		return 0;
	}
	pfd.fd = fd;
	pfd.events = POLLRDHUP;
	pfd.revents = 0;
	if (poll(&pfd, 1, 0) <= 0) {
		return 0;
	}
	return (pfd.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) != 0;
}

void peer_watch_cut(int fd)
{
	if (fd >= 0) {
		(void)shutdown(fd, SHUT_RDWR);
	}
}
