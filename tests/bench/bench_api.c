/*
 * bench_api.c - latency of the search API against a naive FTS5 baseline,
 * one client, over a query mix (scripts/bench-api drives it).
 *
 *   bench-api --db FILE --url http://127.0.0.1:PORT --queries FILE [--reps N]
 *
 * For every API path in the queries file (one per line):
 *   naive  in process, on its own connection: the same MATCH expression
 *          the API would use, as `SELECT rowid FROM jobs_fts WHERE jobs_fts
 *          MATCH ? ORDER BY bm25(jobs_fts) LIMIT 20`, all rows stepped; only
 *          for /api/v1/jobs paths with a q
 *   api    GET over HTTP with one keep-alive libcurl handle, the full
 *          response read (JSON with total, facets, snippets: more work than
 *          the baseline does)
 * Each is run --reps times, interleaved round-robin over the mix so that no
 * query enjoys a cache the others do not.  Neither side has a result cache.
 *
 * Prints a table, then one line of key=value: naive and api p99 pooled over
 * the q-queries, the worst per-query api p99, and the single-client
 * request rate.
 *
 *   bench-api --print-q --queries FILE
 * prints the decoded q of each /api/v1/jobs path with one (one per line),
 * for the PostgreSQL peer in scripts/bench-pg.
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "db.h"
#include "search.h"

#define MAX_Q 64

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int dcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double pct(double *v, int n, double p)
{
	int i;

	qsort(v, (size_t)n, sizeof(*v), dcmp);
	i = (int)(p * (n - 1) + 0.5);
	return v[i < n ? i : n - 1];
}

static size_t sink(char *p, size_t s, size_t n, void *ud)
{
	(void)p;
	*(size_t *)ud += s * n;
	return s * n;
}

/* The decoded q of a path, or "" (caller frees). */
static char *q_of(const char *path)
{
	const char *q = strstr(path, "?q=");
	char *out, *o;

	if (!q)
		q = strstr(path, "&q=");
	if (!q)
		return strdup("");
	q += 3;
	out = o = malloc(strlen(q) + 1);
	if (!out)
		return NULL;
	for (; *q && *q != '&'; q++) {
		if (*q == '+') {
			*o++ = ' ';
		} else if (*q == '%' && q[1] && q[2]) {
			char h[3] = { q[1], q[2], 0 };

			*o++ = (char)strtol(h, NULL, 16);
			q += 2;
		} else {
			*o++ = *q;
		}
	}
	*o = '\0';
	return out;
}

int main(int argc, char **argv)
{
	const char *db_path = NULL, *url = NULL, *qfile = NULL;
	char *paths[MAX_Q], *match[MAX_Q], line[1024];
	double *naive[MAX_Q], *api[MAX_Q], *pool_naive, *pool_api;
	long matches[MAX_Q];
	int n = 0, reps = 50, pn = 0, pa = 0;
	double api_total = 0, worst_api = 0;
	struct db *db = NULL;
	CURL *c;
	FILE *f;

	if (argc == 4 && !strcmp(argv[1], "--print-q") && !strcmp(argv[2], "--queries")) {
		if (!(f = fopen(argv[3], "r")))
			return 1;
		while (fgets(line, sizeof(line), f)) {
			char *q;

			line[strcspn(line, "\r\n")] = '\0';
			if (strncmp(line, "/api/v1/jobs?", 13) || !(q = q_of(line)))
				continue;
			if (*q)
				puts(q);
			free(q);
		}
		fclose(f);
		return 0;
	}
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--db"))
			db_path = argv[i + 1];
		else if (!strcmp(argv[i], "--url"))
			url = argv[i + 1];
		else if (!strcmp(argv[i], "--queries"))
			qfile = argv[i + 1];
		else if (!strcmp(argv[i], "--reps"))
			reps = (int)strtol(argv[i + 1], NULL, 10);
	}
	if (!db_path || !url || !qfile || reps < 1 || !(f = fopen(qfile, "r"))) {
		fprintf(stderr, "usage: bench-api --db FILE --url URL --queries FILE [--reps N]\n");
		return 2;
	}
	while (n < MAX_Q && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (!*line)
			continue;
		paths[n] = strdup(line);
		match[n] = NULL;
		if (!strncmp(line, "/api/v1/jobs?", 13) || !strcmp(line, "/api/v1/jobs")) {
			/* the MATCH expression the API settles on for this q */
			char *q = q_of(line);
			struct search_params sp;

			search_params_init(&sp);
			if (q && *q && !search_params_set(&sp, "q", q) && !search_params_finish(&sp) &&
			    (db || !db_open(db_path, true, &db)) && !search_params_settle(db, &sp) &&
			    sp.query.match)
				match[n] = strdup(sp.query.match);
			search_params_release(&sp);
			free(q);
		}
		naive[n] = calloc((size_t)reps, sizeof(double));
		api[n] = calloc((size_t)reps, sizeof(double));
		n++;
	}
	fclose(f);
	pool_naive = calloc((size_t)(n * reps), sizeof(double));
	pool_api = calloc((size_t)(n * reps), sizeof(double));
	if (!db && db_open(db_path, true, &db)) {
		fprintf(stderr, "bench-api: %s\n", tj_errmsg());
		return 1;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	c = curl_easy_init();
	for (int r = -1; r < reps; r++) {       /* r = -1: warm-up, not counted */
		for (int i = 0; i < n; i++) {
			char full[2048];
			size_t got = 0;
			long status = 0;
			double t0;

			if (match[i]) {
				sqlite3_stmt *st = NULL;
				bool row;
				long k = 0;

				t0 = now_ms();
				if (db_prepare(db, &st, "SELECT rowid FROM jobs_fts WHERE jobs_fts MATCH ?1"
					       " ORDER BY bm25(jobs_fts) LIMIT 20") ||
				    db_bind_text(st, 1, match[i]))
					return fprintf(stderr, "bench-api: %s\n", tj_errmsg()), 1;
				while (!db_step(st, &row) && row)
					k++;
				db_finalize(st);
				if (r >= 0)
					naive[i][r] = now_ms() - t0;
			}
			snprintf(full, sizeof(full), "%s%s", url, paths[i]);
			curl_easy_setopt(c, CURLOPT_URL, full);
			curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
			curl_easy_setopt(c, CURLOPT_WRITEDATA, &got);
			t0 = now_ms();
			if (curl_easy_perform(c) != CURLE_OK)
				return fprintf(stderr, "bench-api: GET %s failed\n", full), 1;
			curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
			if (status != 200)
				return fprintf(stderr, "bench-api: GET %s: %ld\n", full, status), 1;
			if (r >= 0) {
				api[i][r] = now_ms() - t0;
				api_total += api[i][r];
			}
		}
	}
	/* how many rows each q matches, for the table */
	for (int i = 0; i < n; i++) {
		sqlite3_stmt *st = NULL;
		bool row = false;

		matches[i] = -1;
		if (match[i] && !db_prepare(db, &st, "SELECT count(*) FROM jobs_fts WHERE jobs_fts MATCH ?1") &&
		    !db_bind_text(st, 1, match[i]) && !db_step(st, &row) && row)
			matches[i] = sqlite3_column_int64(st, 0);
		db_finalize(st);
	}
	printf("%-48s %8s %9s %9s %9s %9s %6s\n", "query", "matches", "naive p50", "naive p99",
	       "api p50", "api p99", "ratio");
	for (int i = 0; i < n; i++) {
		double ap50, ap99, np50 = 0, np99 = 0;

		for (int r = 0; r < reps; r++) {
			pool_api[pa++] = api[i][r];
			if (match[i])
				pool_naive[pn++] = naive[i][r];
		}
		ap50 = pct(api[i], reps, 0.5);
		ap99 = pct(api[i], reps, 0.99);
		if (ap99 > worst_api)
			worst_api = ap99;
		if (match[i]) {
			np50 = pct(naive[i], reps, 0.5);
			np99 = pct(naive[i], reps, 0.99);
			printf("%-48.48s %8ld %9.2f %9.2f %9.2f %9.2f %6.2f\n", paths[i], matches[i],
			       np50, np99, ap50, ap99, ap99 / np99);
		} else {
			printf("%-48.48s %8s %9s %9s %9.2f %9.2f %6s\n", paths[i], "-", "-", "-",
			       ap50, ap99, "-");
		}
	}
	{
		/* the pooled p99 over the q-queries, both sides on the same set */
		double *qa = calloc((size_t)(n * reps), sizeof(double));
		int k = 0;

		for (int i = 0; i < n; i++)
			for (int r = 0; match[i] && r < reps; r++)
				qa[k++] = api[i][r];
		printf("naive_p99_ms=%.2f api_p99_ms=%.2f api_p50_ms=%.2f worst_query_p99_ms=%.2f "
		       "all_p99_ms=%.2f single_qps=%.1f\n",
		       pct(pool_naive, pn, 0.99), pct(qa, k, 0.99), pct(qa, k, 0.5), worst_api,
		       pct(pool_api, pa, 0.99), 1000.0 * n * reps / api_total);
		free(qa);
	}
	curl_easy_cleanup(c);
	curl_global_cleanup();
	db_close(db);
	for (int i = 0; i < n; i++) {
		free(paths[i]);
		free(match[i]);
		free(naive[i]);
		free(api[i]);
	}
	free(pool_naive);
	free(pool_api);
	return 0;
}
