/*
 * main.c - demo-web: the demo web fixture server for twentejobs tests.
 *
 * Purpose: serve many fake employer sites from one loopback port (chosen by
 * the Host header), plus fault-injection endpoints, plus a request log the
 * tests use to check crawler politeness. See tests/demo-web/README.md.
 *
 * How it works: parse the command line, build the one struct demo_app
 * (read-only after start, apart from its atomics and the log's mutex), start
 * civetweb with a begin_request callback that handles everything
 * (dispatch.c), report the bound port, then wait for SIGINT/SIGTERM with
 * sigwait(). The signals are blocked in every thread (civetweb's threads
 * inherit the mask from mg_start()), so no async signal handler and no
 * global flag are needed. On a signal we raise app.stopping (so sleeping
 * fault handlers return), call mg_stop() and exit 0.
 *
 * Limits: IPv4 listen addresses only; one listening socket; no TLS.
 * Exit codes: 0 clean shutdown or --help, 1 runtime failure (cannot listen,
 * cannot open log, root missing), 2 bad usage.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* strptime, timegm, *_r, clock_gettime */
#endif

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <sys/socket.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <civetweb.h>

#include "clock_util.h"
#include "demo_app.h"
#include "dispatch.h"
#include "gzip_bomb.h"
#include "request_log.h"
#include "url_util.h"

struct options {
	const char *listen;
	const char *root;
	const char *log_path;
	const char *state_file;
	const char *port_file;
	int quiet;
};

static const char usage_text[] =
    "usage: demo-web --listen [IP:]PORT [--root DIR] [--log FILE] [--state FILE]\n"
    "                [--port-file FILE] [--quiet]\n"
    "\n"
    "Serve ROOT/<host>/<path> (host taken from the Host header) plus the\n"
    "/__fault/ endpoints on one IPv4 address; see tests/demo-web/README.md.\n"
    "\n"
    "  --listen IP:PORT   address to bind, e.g. 127.0.0.1:8080; port 0 picks\n"
    "                     a free port (printed, and written to --port-file)\n"
    "  --root DIR         static tree, default data/demo-web\n"
    "  --log FILE         append one line per request:\n"
    "                     start_ms TAB end_ms TAB host TAB method TAB\n"
    "                     path?query TAB status\n"
    "  --state FILE       live-change mode: FILE names an override directory\n"
    "                     that is consulted before ROOT (re-read per request)\n"
    "  --port-file FILE   write the bound port number to FILE once listening\n"
    "  --quiet            do not print the 'listening' line\n"
    "  --help             this text\n";

/* Print a one-line usage error and return the bad-usage exit code. */
static int usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "demo-web: %s%s%s (try --help)\n", what,
	        arg != NULL ? ": " : "", arg != NULL ? arg : "");
	return 2;
}

/* Returns -1 when parsing succeeded, otherwise the exit code to use. */
static int parse_args(int argc, char **argv, struct options *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	o->root = "data/demo-web";
	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];
		const char **target = NULL;
		const char *eq;
		size_t name_len;

		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			fputs(usage_text, stdout);
			return 0;
		}
		if (strcmp(arg, "--quiet") == 0) {
			o->quiet = 1;
			continue;
		}
		/* Accept both "--opt value" and "--opt=value". */
		eq = strchr(arg, '=');
		name_len = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
		if (name_len == 8 && strncmp(arg, "--listen", 8) == 0) {
			target = &o->listen;
		} else if (name_len == 6 && strncmp(arg, "--root", 6) == 0) {
			target = &o->root;
		} else if (name_len == 5 && strncmp(arg, "--log", 5) == 0) {
			target = &o->log_path;
		} else if (name_len == 7 && strncmp(arg, "--state", 7) == 0) {
			target = &o->state_file;
		} else if (name_len == 11 && strncmp(arg, "--port-file", 11) == 0) {
			target = &o->port_file;
		} else {
			return usage_error("unknown argument", arg);
		}
		if (eq != NULL) {
			*target = eq + 1;
		} else if (i + 1 < argc) {
			*target = argv[++i];
		} else {
			return usage_error("missing value for", arg);
		}
		if ((*target)[0] == '\0') {
			return usage_error("empty value for", arg);
		}
	}
	if (o->listen == NULL) {
		return usage_error("--listen IP:PORT is required", NULL);
	}
	return -1;
}

/* "IP:PORT" or "PORT" -> civetweb listening_ports value "IP:PORT". */
static int parse_listen(const char *spec, char *ip, size_t ip_size, long *port)
{
	const char *colon = strrchr(spec, ':');
	const char *port_str = spec;
	struct in_addr addr;
	int n;

	if (colon != NULL) {
		size_t len = (size_t)(colon - spec);

		if (len == 0 || len >= ip_size) {
			return -1;
		}
		memcpy(ip, spec, len);
		ip[len] = '\0';
		port_str = colon + 1;
	} else {
		n = snprintf(ip, ip_size, "%s", "127.0.0.1");
		if (n < 0 || (size_t)n >= ip_size) {
			return -1;
		}
	}
	if (strcmp(ip, "localhost") == 0) {
		/* Spelled out: civetweb wants a numeric address. */
		n = snprintf(ip, ip_size, "%s", "127.0.0.1");
		if (n < 0 || (size_t)n >= ip_size) {
			return -1;
		}
	}
	if (inet_pton(AF_INET, ip, &addr) != 1) {
		return -1;
	}
	return url_parse_long(port_str, 0, 65535, port);
}

/* Write "PORT\n" atomically (temp file + rename), so a test polling for the
 * file never reads it half-written. */
static int write_port_file(const char *path, int port)
{
	char tmp[4096];
	FILE *fp;
	int n = snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());

	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		return -1;
	}
	fp = fopen(tmp, "w");
	if (fp == NULL) {
		return -1;
	}
	if (fprintf(fp, "%d\n", port) < 0) {
		fclose(fp);
		unlink(tmp);
		return -1;
	}
	if (fclose(fp) != 0 || rename(tmp, path) != 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* civetweb's own diagnostics (bind failures etc.) go to stderr. */
static int log_message_cb(const struct mg_connection *conn, const char *message)
{
	(void)conn;
	fprintf(stderr, "demo-web: civetweb: %s\n", message);
	return 1;
}

struct stopper {
	struct mg_context *ctx;
	atomic_int done;
};

static void *stopper_run(void *arg)
{
	struct stopper *st = arg;

	mg_stop(st->ctx);
	atomic_store(&st->done, 1);
	return NULL;
}

/* Open and close one TCP connection to ourselves (blocking connect on
 * loopback completes at once, via the listen backlog). */
static void poke_listener(const char *ip, int port)
{
	struct sockaddr_in sa;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		return;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, strcmp(ip, "0.0.0.0") == 0 ? "127.0.0.1" : ip,
	              &sa.sin_addr)
	    == 1) {
		(void)connect(fd, (const struct sockaddr *)&sa, sizeof(sa));
	}
	close(fd);
}

/* mg_stop() alone takes up to 2 s: civetweb's accept loop polls the
 * listening socket in 2000 ms quanta (SOCKET_TIMEOUT_QUANTUM, compile-time)
 * and only then notices the stop flag. Tests start and stop this server a
 * lot, so run mg_stop() on a helper thread and wake the accept loop by
 * connecting to ourselves until it has finished. Falls back to a plain
 * mg_stop() if the thread cannot be created. */
static void stop_server(struct mg_context *ctx, const char *ip, int port)
{
	struct stopper st;
	pthread_t thread;

	st.ctx = ctx;
	atomic_init(&st.done, 0);
	if (pthread_create(&thread, NULL, stopper_run, &st) != 0) {
		mg_stop(ctx);
		return;
	}
	while (atomic_load(&st.done) == 0) {
		if (port > 0) {
			poke_listener(ip, port);
		}
		(void)clock_sleep_ms(20, NULL);
	}
	(void)pthread_join(thread, NULL);
}

int main(int argc, char **argv)
{
	struct options opt;
	struct demo_app app;
	struct mg_callbacks callbacks;
	struct mg_context *ctx;
	struct mg_server_port ports[4] = {{0}};
	struct stat st;
	sigset_t stop_signals;
	char ip[64];
	char listening[96];
	long port;
	int rc;
	int sig = 0;
	int n;

	rc = parse_args(argc, argv, &opt);
	if (rc >= 0) {
		return rc;
	}
	if (parse_listen(opt.listen, ip, sizeof(ip), &port) != 0) {
		return usage_error("--listen wants IPv4:PORT, e.g. 127.0.0.1:0, got",
		                   opt.listen);
	}
	if (stat(opt.root, &st) != 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "demo-web: root directory not found: %s\n", opt.root);
		return 1;
	}

	/* Block the stop signals before any thread exists so every civetweb
	 * thread inherits the mask and only sigwait() below sees them. Reset
	 * the disposition first: a shell starts background jobs with SIGINT
	 * ignored, and an ignored signal is discarded, never queued. */
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGINT);
	sigaddset(&stop_signals, SIGTERM);
	(void)signal(SIGINT, SIG_DFL);
	(void)signal(SIGTERM, SIG_DFL);
	if (pthread_sigmask(SIG_BLOCK, &stop_signals, NULL) != 0) {
		fprintf(stderr, "demo-web: cannot block signals\n");
		return 1;
	}

	memset(&app, 0, sizeof(app));
	app.root = opt.root;
	app.state_file = opt.state_file;
	atomic_init(&app.stopping, 0);
	atomic_init(&app.robots_flaky_hits, 0u);
	if (opt.log_path != NULL) {
		app.log = request_log_open(opt.log_path);
		if (app.log == NULL) {
			fprintf(stderr, "demo-web: cannot open log %s: %s\n", opt.log_path,
			        strerror(errno));
			return 1;
		}
	}
	if (gzip_bomb_init(&app.bomb) != 0) {
		fprintf(stderr, "demo-web: cannot precompute gzip bomb (zlib/OOM)\n");
		request_log_close(app.log);
		return 1;
	}

	n = snprintf(listening, sizeof(listening), "%s:%ld", ip, port);
	if (n < 0 || (size_t)n >= sizeof(listening)) {
		gzip_bomb_free(&app.bomb);
		request_log_close(app.log);
		return 1;
	}
	{
		const char *mg_options[] = {
		    "listening_ports", listening,
		    /* Stalled and slow fault requests each pin a worker, and so
		     * does every idle keep-alive connection (civetweb has a
		     * thread per connection): this one port stands in for many
		     * sites, each of which would have its own threads. */
		    "num_threads", "256",
		    "connection_queue", "256",
		    "enable_keep_alive", "yes",
		    /* We decode ourselves so encoded traversal can be refused. */
		    "decode_url", "no",
		    /* Small responses must not wait for delayed ACKs. */
		    "tcp_nodelay", "1",
		    "enable_directory_listing", "no",
		    /* Lets absolute-form requests that name our own port
		     * ("GET http://host:PORT/x") through; civetweb 1.15 drops any
		     * other absolute-form request without answering. */
		    "enable_auth_domain_check", "no",
		    NULL};

		(void)mg_init_library(0);
		memset(&callbacks, 0, sizeof(callbacks));
		callbacks.begin_request = dispatch_begin_request;
		callbacks.log_message = log_message_cb;
		ctx = mg_start(&callbacks, &app, mg_options);
	}
	if (ctx == NULL) {
		fprintf(stderr, "demo-web: cannot listen on %s\n", listening);
		mg_exit_library();
		gzip_bomb_free(&app.bomb);
		request_log_close(app.log);
		return 1;
	}

	/* With port 0 the kernel chose; ask civetweb which one. */
	if (mg_get_server_ports(ctx, (int)(sizeof(ports) / sizeof(ports[0])), ports)
	        < 1
	    || ports[0].port <= 0) {
		fprintf(stderr, "demo-web: cannot determine listening port\n");
		rc = 1;
	} else if (opt.port_file != NULL
	           && write_port_file(opt.port_file, ports[0].port) != 0) {
		fprintf(stderr, "demo-web: cannot write port file %s\n", opt.port_file);
		rc = 1;
	} else {
		rc = 0;
		if (!opt.quiet) {
			fprintf(stderr, "demo-web listening on http://%s:%d (root %s)\n", ip,
			        ports[0].port, opt.root);
		}
		while (sigwait(&stop_signals, &sig) != 0) {
		}
	}

	atomic_store(&app.stopping, 1);
	stop_server(ctx, ip, ports[0].port);
	mg_exit_library();
	gzip_bomb_free(&app.bomb);
	request_log_close(app.log);
	return rc;
}
