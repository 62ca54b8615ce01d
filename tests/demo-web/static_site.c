/*
 * static_site.c - serve ROOT/<host>/<path>, with live-change overrides.
 *
 * Purpose: one loopback port stands in for many employer sites. The Host
 * header picks the directory, the path picks the file. Conditional GET
 * (ETag / Last-Modified) lets the crawler's revalidation be tested, and the
 * --state override directory lets lifecycle tests change a site between
 * crawl rounds without restarting the server.
 *
 * How it works: for each request the state file (if configured) is re-read;
 * its first line names an OVERRIDE directory. Lookup order:
 *   1. OVERRIDE/<host>/<path>.gone exists        -> 404 (page removed)
 *      (for "/dir/" requests: OVERRIDE/<host>/dir.gone or
 *       OVERRIDE/<host>/dir/index.html.gone)
 *   2. OVERRIDE/<host>/<path> exists              -> served instead
 *   3. ROOT/<host>/<path>                         -> served
 * A path ending in '/' means <path>index.html (else index.json, index.xml:
 * ATS feeds have slash-terminated URLs); a directory requested
 * without the slash gets a 301 to the slash form (query kept).
 * ETag is "<size>-<mtime sec>-<mtime nsec>" in hex; If-None-Match wins over
 * If-Modified-Since as RFC 9110 says.
 *
 * Limits: no directory listings, no Range, no content negotiation. Paths
 * are assumed already validated by url_path_decode(); symlinks inside the
 * tree are followed.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* strptime, timegm, *_r, clock_gettime */
#endif

#include "static_site.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "demo_app.h"
#include "http_reply.h"

enum { FS_PATH_MAX = 4096 };

const char *static_site_mime_type(const char *file_name)
{
	static const struct {
		const char *ext;
		const char *type;
	} table[] = {
	    {".html", "text/html; charset=utf-8"},
	    {".htm", "text/html; charset=utf-8"},
	    {".txt", "text/plain"},
	    {".xml", "application/xml"},
	    {".json", "application/json"},
	    {".gz", "application/gzip"},
	};
	const char *slash = strrchr(file_name, '/');
	const char *dot = strrchr(slash != NULL ? slash : file_name, '.');
	size_t i;

	if (dot != NULL) {
		for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
			if (strcasecmp(dot, table[i].ext) == 0) {
				return table[i].type;
			}
		}
	}
	return "application/octet-stream";
}

/* Read the override directory named on the first line of the state file.
 * Returns 1 with out filled, 0 when there is no (usable) override. A missing
 * or empty file simply means "no override" so tests can create it later. */
static int read_override(const char *state_file, char *out, size_t size)
{
	FILE *fp;
	size_t len;

	if (state_file == NULL) {
		return 0;
	}
	fp = fopen(state_file, "r");
	if (fp == NULL) {
		return 0;
	}
	if (fgets(out, (int)size, fp) == NULL) {
		fclose(fp);
		return 0;
	}
	fclose(fp);
	len = strlen(out);
	while (len > 0
	       && (out[len - 1] == '\n' || out[len - 1] == '\r'
	           || out[len - 1] == ' ' || out[len - 1] == '\t'
	           || out[len - 1] == '/')) {
		out[--len] = '\0';
	}
	return len > 0;
}

/* base/host/rel+suffix; 0 ok, -1 too long. */
static int join_path(char *out,
                     size_t size,
                     const char *base,
                     const char *host,
                     const char *rel,
                     const char *suffix)
{
	int n = snprintf(out, size, "%s/%s/%s%s", base, host, rel, suffix);

	return (n < 0 || (size_t)n >= size) ? -1 : 0;
}

static int path_exists(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0;
}

static int is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Does one entity-tag list (If-None-Match) match our tag? Weak comparison,
 * which is what RFC 9110 prescribes for If-None-Match. */
static int etag_list_matches(const char *list, const char *etag)
{
	const char *p = list;
	size_t etag_len = strlen(etag);

	while (*p != '\0') {
		const char *end;
		size_t len;

		while (*p == ' ' || *p == '\t' || *p == ',') {
			p++;
		}
		if (*p == '*') {
			return 1;
		}
		if (strncmp(p, "W/", 2) == 0) {
			p += 2;
		}
		end = p;
		if (*end == '"') {
			end = strchr(end + 1, '"');
			end = (end != NULL) ? end + 1 : p + strlen(p);
		} else {
			while (*end != '\0' && *end != ',') {
				end++;
			}
		}
		len = (size_t)(end - p);
		if (len == etag_len && strncmp(p, etag, len) == 0) {
			return 1;
		}
		p = end;
		while (*p != '\0' && *p != ',') {
			p++;
		}
	}
	return 0;
}

/* Parse an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"). 0 ok, -1 not. */
static int parse_http_date(const char *s, time_t *out)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	if (end == NULL) {
		return -1;
	}
	*out = timegm(&tm);
	return 0;
}

static int send_file(struct http_reply *r,
                     const struct static_request *req,
                     int fd,
                     const struct stat *st,
                     const char *file_path)
{
	char etag[96];
	char last_modified[64];
	struct tm tm;
	int not_modified = 0;
	int n;

	n = snprintf(etag,
	             sizeof(etag),
	             "\"%llx-%llx-%lx\"",
	             (unsigned long long)st->st_size,
	             (unsigned long long)st->st_mtim.tv_sec,
	             (unsigned long)st->st_mtim.tv_nsec);
	if (n < 0 || (size_t)n >= sizeof(etag)) {
		return -1;
	}
	if (gmtime_r(&st->st_mtim.tv_sec, &tm) == NULL
	    || strftime(last_modified,
	                sizeof(last_modified),
	                "%a, %d %b %Y %H:%M:%S GMT",
	                &tm)
	           == 0) {
		return -1;
	}

	if (req->if_none_match != NULL) {
		not_modified = etag_list_matches(req->if_none_match, etag);
	} else if (req->if_modified_since != NULL) {
		time_t since;

		if (parse_http_date(req->if_modified_since, &since) == 0
		    && st->st_mtim.tv_sec <= since) {
			not_modified = 1;
		}
	}

	if (not_modified) {
		if (reply_start(r, 304) != 0 || reply_header(r, "ETag", etag) != 0
		    || reply_header(r, "Last-Modified", last_modified) != 0
		    || reply_end_headers(r, REPLY_NO_BODY) != 0) {
			return -1;
		}
		return 0;
	}

	if (reply_start(r, 200) != 0
	    || reply_header(r, "Content-Type", static_site_mime_type(file_path))
	           != 0
	    || reply_header(r, "ETag", etag) != 0
	    || reply_header(r, "Last-Modified", last_modified) != 0
	    || reply_end_headers(r, (long long)st->st_size) != 0) {
		return -1;
	}
	if (r->head_only) {
		return 0;
	}
	{
		char chunk[16384];
		long long left = (long long)st->st_size;

		/* Send exactly st_size bytes even if the file changes under us,
		 * so the Content-Length we promised stays true. */
		while (left > 0) {
			size_t want = left < (long long)sizeof(chunk) ? (size_t)left
			                                               : sizeof(chunk);
			ssize_t got = read(fd, chunk, want);

			if (got < 0 && errno == EINTR) {
				continue;
			}
			if (got <= 0) {
				memset(chunk, ' ', want);
				got = (ssize_t)want;
			}
			if (reply_write(r, chunk, (size_t)got) != 0) {
				return -1;
			}
			left -= got;
		}
	}
	return 0;
}

/* Try to open a regular file. Returns fd >= 0, -1 absent, -2 is a
 * directory, -3 other error (permissions, ...). */
static int open_regular(const char *p, struct stat *st)
{
	int fd = open(p, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		return (errno == ENOENT || errno == ENOTDIR) ? -1 : -3;
	}
	if (fstat(fd, st) != 0) {
		close(fd);
		return -3;
	}
	if (S_ISDIR(st->st_mode)) {
		close(fd);
		return -2;
	}
	if (!S_ISREG(st->st_mode)) {
		close(fd);
		return -1;
	}
	return fd;
}

static int redirect_to_slash(struct http_reply *r,
                             const struct static_request *req)
{
	char location[FS_PATH_MAX];
	int n = snprintf(location,
	                 sizeof(location),
	                 "%s/%s%s",
	                 req->raw_path,
	                 req->query != NULL ? "?" : "",
	                 req->query != NULL ? req->query : "");

	if (n < 0 || (size_t)n >= sizeof(location)) {
		return reply_error(r, 414, "URI too long.");
	}
	return reply_redirect(r, 301, location);
}

int static_site_serve(const struct demo_app *app,
                      struct http_reply *r,
                      const struct static_request *req)
{
	char override_dir[FS_PATH_MAX];
	char candidate[FS_PATH_MAX];
	const char *bases[2];
	size_t num_bases = 0;
	const char *rel = req->path + 1;
	size_t rel_len = strlen(rel);
	int dir_request = (req->path[strlen(req->path) - 1] == '/');
	int host_known = 0;
	size_t i;

	if (read_override(app->state_file, override_dir, sizeof(override_dir))) {
		bases[num_bases++] = override_dir;

		/* Step 1: tombstones in the override round. */
		if (dir_request) {
			char trimmed[FS_PATH_MAX];

			if (rel_len > 1 && rel_len < sizeof(trimmed)) {
				memcpy(trimmed, rel, rel_len - 1);
				trimmed[rel_len - 1] = '\0';
				if (join_path(candidate, sizeof(candidate), override_dir,
				              req->host, trimmed, ".gone") == 0
				    && path_exists(candidate)) {
					return reply_error(r, 404, "This page has been removed.");
				}
			}
			if (join_path(candidate, sizeof(candidate), override_dir,
			              req->host, rel, "index.html.gone") == 0
			    && path_exists(candidate)) {
				return reply_error(r, 404, "This page has been removed.");
			}
		} else if (join_path(candidate, sizeof(candidate), override_dir,
		                     req->host, rel, ".gone") == 0
		           && path_exists(candidate)) {
			return reply_error(r, 404, "This page has been removed.");
		}
	}
	bases[num_bases++] = app->root;

	/* Steps 2 and 3: first base that has the file wins.  A directory's
	 * index is index.html, else index.json or index.xml: applicant-tracking
	 * feeds and sitemaps live at slash-terminated URLs too. */
	static const char *const dir_index[] = { "index.html", "index.json", "index.xml" };
	for (i = 0; i < num_bases * (dir_request ? 3 : 1); i++) {
		struct stat st;
		int fd;
		int rc;
		size_t b = dir_request ? i / 3 : i;

		if (join_path(candidate, sizeof(candidate), bases[b], req->host, rel,
		              dir_request ? dir_index[i % 3] : "")
		    != 0) {
			return reply_error(r, 414, "URI too long.");
		}
		fd = open_regular(candidate, &st);
		if (fd == -2) {
			/* dir_request never lands here: "x/index.html" being a
			 * directory is treated as absent below. */
			if (!dir_request) {
				return redirect_to_slash(r, req);
			}
			continue;
		}
		if (fd == -3) {
			return reply_error(r, 403, "Forbidden.");
		}
		if (fd < 0) {
			continue;
		}
		rc = send_file(r, req, fd, &st, candidate);
		close(fd);
		return rc;
	}

	for (i = 0; i < num_bases && !host_known; i++) {
		if (join_path(candidate, sizeof(candidate), bases[i], req->host, "", "")
		        == 0
		    && is_dir(candidate)) {
			host_known = 1;
		}
	}
	return reply_error(
	    r, 404, host_known ? "No such page on this demo site." : "Unknown host.");
}
