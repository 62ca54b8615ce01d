/*
 * bench_extract.c - extraction throughput against a plain gumbo parse of
 * the same pages, in the same run (scripts/bench-extract drives it).
 *
 * usage: bench_extract [--rounds N] [--selectors] NAME=DIR...
 *
 * Every *.html file below each DIR is loaded into memory (a set called
 * NAME).  For each set, and for all pages together, it times:
 *   gumbo     gumbo_parse_with_options() + destroy, errors off - the floor:
 *             no extractor can be faster than the parse it needs;
 *   extract   extract_page() with the crawler's options (JSON-LD,
 *             microdata, links), postings normalised (normalize_posting),
 *             as the crawler runs it per page;
 *   selectors extract_page() with a "selectors" rule (title, location,
 *             description, dates) instead, with --selectors.
 * Each page is run --rounds times (default 5) by each method, back to
 * back, and its fastest run per method counts; times are the thread's CPU
 * time on one thread, so other load on the machine disturbs little.  The table gives MB/s (10^6 bytes of HTML
 * per second) and extract_ratio = gumbo time / extract time (1.0 would be
 * "extraction costs nothing beyond the parse").  The last line is
 *   extract_ratio=R mb_per_s=M gumbo_mb_per_s=G pages=N bytes=B
 * for all pages together.
 */
#include <dirent.h>
#include <ftw.h>
#include <gumbo.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "extract.h"
#include "normalize.h"
#include "paths.h"
#include "rules.h"

struct page {
	char *html;
	size_t len;
	char url[64];
};

struct set {
	const char *name;
	struct page *v;
	size_t n, alloc, bytes;
};

static struct set *loading;     /* nftw has no context pointer */

static int add_file(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	struct set *s = loading;
	struct page *p;
	size_t n = strlen(path);

	(void)st;
	(void)ftw;
	if (type != FTW_F || n < 5 || strcmp(path + n - 5, ".html"))
		return 0;
	if (s->n == s->alloc) {
		size_t na = s->alloc ? s->alloc * 2 : 64;
		struct page *nv = realloc(s->v, na * sizeof(*nv));

		if (!nv)
			return -1;
		s->v = nv;
		s->alloc = na;
	}
	p = &s->v[s->n];
	if (tj_read_file(path, (size_t)32 << 20, &p->html, &p->len)) {
		fprintf(stderr, "bench_extract: %s\n", tj_errmsg());
		return -1;
	}
	snprintf(p->url, sizeof(p->url), "https://bench.example/%s/%zu/", s->name, s->n);
	s->n++;
	s->bytes += p->len;
	return 0;
}

/* CPU time of this thread: other processes on the machine do not count */
static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t sink;     /* keeps the work observable */

/* One gumbo parse of page p, destroyed: the floor. */
static double time_gumbo(const struct page *p)
{
	GumboOptions o = kGumboDefaultOptions;
	GumboOutput *d;
	double t0 = now();

	o.max_errors = 0;
	d = gumbo_parse_with_options(&o, p->html, p->len);
	sink += d->root->v.element.children.length;
	gumbo_destroy_output(&o, d);
	return now() - t0;
}

/* One extraction of page p as the crawler runs it, postings normalised. */
static double time_extract(const struct page *p, const struct rule *r)
{
	struct extract_opts eo = { 0 };
	struct page_result pr;
	double t0 = now();

	eo.rule = r;
	eo.default_employer = "Bench BV";
	eo.source_id = "bench";
	if (extract_page(p->html, p->len, p->url, &eo, &pr)) {
		fprintf(stderr, "bench_extract: %s: %s\n", p->url, tj_errmsg());
		exit(1);
	}
	for (size_t k = 0; k < pr.n_postings; k++)
		if (normalize_posting(&pr.postings[k]) == TJ_ENOMEM)
			exit(1);
	sink += pr.n_postings + pr.n_links;
	page_result_release(&pr);
	return now() - t0;
}

/*
 * Times for a set: each page's fastest of `rounds` runs of each method,
 * run back to back page by page, summed.  A burst of load elsewhere on
 * the machine then spoils single samples, not a whole method's total.
 */
static void time_set(const struct set *s, const struct rule *r, int rounds, double *tg, double *te,
		     double *ts)
{
	*tg = *te = *ts = 0;
	for (size_t i = 0; i < s->n; i++) {
		double g = INFINITY, e = INFINITY, x = INFINITY;

		for (int k = 0; k < rounds; k++) {
			g = fmin(g, time_gumbo(&s->v[i]));
			e = fmin(e, time_extract(&s->v[i], NULL));
			if (r)
				x = fmin(x, time_extract(&s->v[i], r));
		}
		*tg += g;
		*te += e;
		*ts += r ? x : 0;
	}
}

static void row(const char *name, const struct set *s, double tg, double te, double ts)
{
	double mb = (double)s->bytes / 1e6;

	printf("%-10s %6zu %9.2f %10.1f %10.1f %7.2f", name, s->n, mb, mb / tg, mb / te, tg / te);
	if (ts > 0)
		printf(" %10.1f %7.2f", mb / ts, tg / ts);
	printf("\n");
}

int main(int argc, char **argv)
{
	static const char sel_rule[] =
		"{\"id\": \"bench\", \"employer\": \"Bench BV\", \"start_urls\": [\"https://bench.example/\"],"
		" \"strategy\": \"selectors\", \"selectors\": {\"title\": \"h1\", \"description\": \"main article, main\","
		" \"location\": {\"css\": \"script[type='application/ld+json']\", \"regex\": \"addressLocality\\\":\\\"([^\\\"]+)\"},"
		" \"date_posted\": \"time, .date\", \"url\": {\"css\": \"link[rel=canonical]\", \"attr\": \"href\"}}}";
	struct set sets[16], all = { "all", NULL, 0, 0, 0 };
	size_t n_sets = 0;
	int rounds = 5;
	bool selectors = false;
	struct rule *rule = NULL;

	for (int i = 1; i < argc; i++) {
		char *eq = strchr(argv[i], '=');

		if (!strcmp(argv[i], "--rounds") && i + 1 < argc) {
			char *end;
			long v = strtol(argv[++i], &end, 10);

			if (*end || v < 1 || v > 1000) {
				fprintf(stderr, "bench_extract: --rounds takes 1 to 1000\n");
				return 2;
			}
			rounds = (int)v;
			continue;
		}
		if (!strcmp(argv[i], "--selectors")) {
			selectors = true;
			continue;
		}
		if (!eq || n_sets == sizeof(sets) / sizeof(sets[0])) {
			fprintf(stderr, "usage: bench_extract [--rounds N] [--selectors] NAME=DIR...\n");
			return 2;
		}
		*eq = '\0';
		memset(&sets[n_sets], 0, sizeof(sets[n_sets]));
		sets[n_sets].name = argv[i];
		loading = &sets[n_sets];
		if (nftw(eq + 1, add_file, 16, FTW_PHYS) || !sets[n_sets].n) {
			fprintf(stderr, "bench_extract: no pages read from '%s'\n", eq + 1);
			return 1;
		}
		n_sets++;
	}
	if (!n_sets) {
		fprintf(stderr, "usage: bench_extract [--rounds N] [--selectors] NAME=DIR...\n");
		return 2;
	}
	for (size_t i = 0; i < n_sets; i++) {
		struct page *nv = realloc(all.v, (all.n + sets[i].n) * sizeof(*nv));

		if (!nv)
			return 1;
		all.v = nv;
		memcpy(all.v + all.n, sets[i].v, sets[i].n * sizeof(*nv));
		all.n += sets[i].n;
		all.bytes += sets[i].bytes;
	}
	if (normalize_init())
		fprintf(stderr, "bench_extract: %s (towns unknown)\n", tj_errmsg());
	if (selectors && rule_load_buffer("bench.json", sel_rule, strlen(sel_rule), &rule)) {
		fprintf(stderr, "bench_extract: %s\n", tj_errmsg());
		return 1;
	}
	/* warm caches, lazily built tables and the allocator */
	for (size_t i = 0; i < all.n; i++) {
		(void)time_gumbo(&all.v[i]);
		(void)time_extract(&all.v[i], rule);
	}

	printf("%-10s %6s %9s %10s %10s %7s%s\n", "set", "pages", "MB", "gumbo MB/s", "extract", "ratio",
	       selectors ? "  selectors   ratio" : "");
	{
		double tg = 0, te = 0, ts = 0;

		for (size_t i = 0; i < n_sets; i++) {
			double g, e, x;

			time_set(&sets[i], rule, rounds, &g, &e, &x);
			row(sets[i].name, &sets[i], g, e, x);
			tg += g;
			te += e;
			ts += x;
		}
		row("all", &all, tg, te, ts);
		printf("extract_ratio=%.2f mb_per_s=%.1f gumbo_mb_per_s=%.1f pages=%zu bytes=%zu\n", tg / te,
		       (double)all.bytes / 1e6 / te, (double)all.bytes / 1e6 / tg, all.n, all.bytes);
	}
	if (sink == 42)
		fprintf(stderr, "\n");
	for (size_t i = 0; i < n_sets; i++) {
		for (size_t k = 0; k < sets[i].n; k++)
			free(sets[i].v[k].html);
		free(sets[i].v);
	}
	free(all.v);
	rule_free(rule);
	return 0;
}
