/*
 * bench_ceiling.c - the two ceilings scripts/bench-crawl measures the
 * crawler against, in the same run on the same pages:
 *
 *   fetch URLS_FILE ADDR:PORT PARALLEL   plain libcurl multi fetch of every URL
 *                                         (every host connected to ADDR:PORT);
 *                                         prints pages_per_s=... mb_per_s=...
 *   parse FILES_LIST                      gumbo parse alone of every file, one
 *                                         thread, best of three passes;
 *                                         prints pages_per_s=... mb_per_s=...
 *
 * Why a separate program: the ceiling must not share any of the crawler's
 * code paths, or it would hide the crawler's overheads.
 */
#include <curl/curl.h>
#include <gumbo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char **read_lines(const char *path, size_t *n)
{
	FILE *f = fopen(path, "r");
	char line[4096], **v = NULL;
	size_t alloc = 0;

	*n = 0;
	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0])
			continue;
		if (*n == alloc) {
			alloc = alloc ? alloc * 2 : 256;
			v = realloc(v, alloc * sizeof(char *));
			if (!v)
				exit(1);
		}
		v[(*n)++] = strdup(line);
	}
	fclose(f);
	return v;
}

static size_t sink(char *d, size_t s, size_t n, void *ud)
{
	(void)d;
	*(size_t *)ud += s * n;
	return s * n;
}

static int bench_fetch(const char *list, const char *addr, int parallel)
{
	size_t n, next = 0, done = 0, bytes = 0;
	char **urls = read_lines(list, &n), entry[300];
	struct curl_slist *connect_to;
	CURLM *m = curl_multi_init();
	double t0;
	int running = 0;

	if (!urls || !n)
		return 1;
	snprintf(entry, sizeof(entry), "::%s", addr);
	connect_to = curl_slist_append(NULL, entry);
	curl_multi_setopt(m, CURLMOPT_MAX_HOST_CONNECTIONS, 1L);
	t0 = now();
	for (;;) {
		while (next < n && running < parallel) {
			CURL *h = curl_easy_init();
			char *u = urls[next++];

			if (!strncmp(u, "https://", 8)) {
				memmove(u + 4, u + 5, strlen(u + 5) + 1);   /* plain http, as the demo */
			}
			curl_easy_setopt(h, CURLOPT_URL, u);
			curl_easy_setopt(h, CURLOPT_CONNECT_TO, connect_to);
			curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
			curl_easy_setopt(h, CURLOPT_WRITEDATA, &bytes);
			curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
			curl_multi_add_handle(m, h);
			running++;
		}
		int still;
		curl_multi_perform(m, &still);
		CURLMsg *msg;
		int left;
		while ((msg = curl_multi_info_read(m, &left))) {
			if (msg->msg == CURLMSG_DONE) {
				curl_multi_remove_handle(m, msg->easy_handle);
				curl_easy_cleanup(msg->easy_handle);
				running--;
				done++;
			}
		}
		if (done == n)
			break;
		curl_multi_poll(m, NULL, 0, 100, NULL);
	}
	double dt = now() - t0;
	printf("pages=%zu seconds=%.3f pages_per_s=%.1f mb_per_s=%.1f\n", n, dt, (double)n / dt,
	       (double)bytes / dt / 1e6);
	curl_multi_cleanup(m);
	curl_slist_free_all(connect_to);
	for (size_t i = 0; i < n; i++)
		free(urls[i]);
	free(urls);
	return 0;
}

static int bench_parse(const char *list)
{
	size_t n, bytes = 0;
	char **files = read_lines(list, &n);
	char **bodies;
	size_t *lens;
	double t0, dt;

	if (!files || !n)
		return 1;
	bodies = calloc(n, sizeof(char *));
	lens = calloc(n, sizeof(size_t));
	for (size_t i = 0; i < n; i++) {
		FILE *f = fopen(files[i], "rb");
		long sz;

		if (!f)
			return 1;
		fseek(f, 0, SEEK_END);
		sz = ftell(f);
		fseek(f, 0, SEEK_SET);
		bodies[i] = malloc((size_t)sz + 1);
		lens[i] = fread(bodies[i], 1, (size_t)sz, f);
		fclose(f);
		bytes += lens[i];
	}
	/* the best of three passes: a ceiling is what the machine can do, and
	 * a shared machine's neighbours only ever make a pass slower */
	dt = -1;
	for (int rep = 0; rep < 3; rep++) {
		double pass;

		t0 = now();
		for (size_t i = 0; i < n; i++) {
			GumboOutput *out = gumbo_parse_with_options(&kGumboDefaultOptions, bodies[i],
								    lens[i]);

			gumbo_destroy_output(&kGumboDefaultOptions, out);
		}
		pass = now() - t0;
		if (dt < 0 || pass < dt)
			dt = pass;
	}
	printf("pages=%zu seconds=%.3f pages_per_s=%.1f mb_per_s=%.1f\n", n, dt, (double)n / dt,
	       (double)bytes / dt / 1e6);
	for (size_t i = 0; i < n; i++) {
		free(bodies[i]);
		free(files[i]);
	}
	free(bodies);
	free(lens);
	free(files);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "fetch")) {
		int rc;

		curl_global_init(CURL_GLOBAL_DEFAULT);
		long par = strtol(argv[4], NULL, 10);

		rc = bench_fetch(argv[2], argv[3], par > 0 && par < 10000 ? (int)par : 64);
		curl_global_cleanup();
		return rc;
	}
	if (argc == 3 && !strcmp(argv[1], "parse"))
		return bench_parse(argv[2]);
	fprintf(stderr, "usage: bench_ceiling fetch URLS_FILE ADDR:PORT PARALLEL | parse FILES_LIST\n");
	return 2;
}
