/*
 * bench_classify.c - language-ID accuracy and speed of ours against
 * libexttextcat and CLD2, and classification throughput, on the labelled
 * evaluation set.  Run it through scripts/bench-classify, which decides
 * which peers are linked in (HAVE_EXTTEXTCAT, HAVE_CLD2).
 *
 *   bench_classify [--data DIR] [--seconds S] [FILE.jsonl]
 *
 * Every identifier sees the same text: title, newline, description.
 * libexttextcat runs twice: with its stock profile list (fpdb.conf, ~160
 * languages, what an application would ship) and restricted to en/nl/de
 * (the same choice our model makes).  Its answer is the first candidate;
 * "UNKNOWN"/"SHORT" count as wrong.  A second accuracy column scores only
 * the first SHORT_LEN bytes (title + start of the description).  Throughput is classify_posting() on
 * one thread over the whole set, repeated for --seconds (default 2),
 * bytes = title + description + employer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "classify.h"
#include "evalset.h"
#include "langid.h"

#ifdef HAVE_EXTTEXTCAT
#include <libexttextcat/textcat.h>
#define TEXTCAT_DIR "/usr/share/libexttextcat/"
#endif
#ifdef HAVE_CLD2
void cld2_detect(const char *text, int len, char *out, size_t outlen);
#endif

struct sample {
	char *text;
	size_t len;
	const char *want;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

typedef void (*detect_fn)(void *ctx, const char *text, size_t len, char *out, size_t outlen);

struct result {
	const char *name;
	int correct, n;
	int short_correct;      /* on the first SHORT_LEN bytes only */
	double us_per_doc;
	double mb_per_s;
	int skipped;
	const char *note;
};

/* A short text: the title and the start of the description, cut at a
 * character boundary - what a search result snippet or a one-line ad gives. */
#define SHORT_LEN 80

static size_t short_len(const struct sample *s)
{
	size_t n = s->len < SHORT_LEN ? s->len : SHORT_LEN;

	while (n > 0 && n < s->len && ((unsigned char)s->text[n] & 0xC0) == 0x80)
		n--;
	return n;
}

static void run(struct result *r, detect_fn fn, void *ctx, const struct sample *s, size_t n)
{
	char out[64];
	double t0, t1, bytes = 0;
	int reps = 0;

	r->n = (int)n;
	for (size_t i = 0; i < n; i++) {
		fn(ctx, s[i].text, s[i].len, out, sizeof(out));
		if (!strcmp(out, s[i].want))
			r->correct++;
		fn(ctx, s[i].text, short_len(&s[i]), out, sizeof(out));
		if (!strcmp(out, s[i].want))
			r->short_correct++;
	}
	t0 = now();
	do {
		for (size_t i = 0; i < n; i++) {
			fn(ctx, s[i].text, s[i].len, out, sizeof(out));
			bytes += s[i].len;
		}
		reps++;
		t1 = now();
	} while (t1 - t0 < 0.5);
	r->us_per_doc = (t1 - t0) * 1e6 / (reps * (double)n);
	r->mb_per_s = bytes / (t1 - t0) / 1e6;
}

static void ours(void *ctx, const char *text, size_t len, char *out, size_t outlen)
{
	struct langid_result res;

	langid_detect(ctx, text, len, &res);
	snprintf(out, outlen, "%s", res.lang);
}

#ifdef HAVE_EXTTEXTCAT
static void textcat(void *ctx, const char *text, size_t len, char *out, size_t outlen)
{
	const char *r = textcat_Classify(ctx, text, len);
	size_t k = 0;

	/* "[nl--utf8][af--utf8]" -> "nl"; "UNKNOWN", "SHORT" stay as they are */
	if (r && r[0] == '[')
		r++;
	while (r && r[k] && r[k] != '-' && r[k] != ']' && k + 1 < outlen)
		k++;
	snprintf(out, outlen, "%.*s", (int)k, r ? r : "");
}
#endif

#ifdef HAVE_CLD2
static void cld2(void *ctx, const char *text, size_t len, char *out, size_t outlen)
{
	(void)ctx;
	cld2_detect(text, (int)len, out, outlen);
}
#endif

int main(int argc, char **argv)
{
	const char *path = "tests/eval/postings.jsonl", *data = NULL;
	double seconds = 2;
	struct eval_item *v = NULL;
	struct sample *s = NULL;
	struct classifier *c = NULL;
	struct langid *lid = NULL;
	struct result res[4];
	size_t n = 0, nres = 0;
	double best_peer = -1, t0, t1, bytes = 0, cls_mb;
	int reps = 0, status = 1;

	memset(res, 0, sizeof(res));
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--data") && i + 1 < argc)
			data = argv[++i];
		else if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
			seconds = strtod(argv[++i], NULL);
		else if (argv[i][0] == '-') {
			fprintf(stderr, "usage: bench_classify [--data DIR] [--seconds S] [FILE.jsonl]\n");
			return 2;
		} else
			path = argv[i];
	}
	if (evalset_load(path, &v, &n) || classifier_load(data, &c) || langid_load(data, &lid)) {
		fprintf(stderr, "bench_classify: %s\n", tj_errmsg());
		goto out;
	}
	s = calloc(n, sizeof(*s));
	if (!s)
		goto out;
	for (size_t i = 0; i < n; i++) {
		struct buf b;

		buf_init(&b, 0);
		if (buf_adds(&b, v[i].p.title ? v[i].p.title : "") || buf_addc(&b, '\n') ||
		    buf_adds(&b, v[i].p.description ? v[i].p.description : "")) {
			buf_release(&b);
			goto out;
		}
		s[i].text = buf_detach(&b, &s[i].len);
		if (!s[i].text)
			goto out;
		s[i].want = v[i].lang;
	}

	res[nres].name = "twentejobs langid";
	run(&res[nres++], ours, lid, s, n);
#ifdef HAVE_EXTTEXTCAT
	{
		void *h = special_textcat_Init(TEXTCAT_DIR "fpdb.conf", TEXTCAT_DIR);
		char conf[] = "/tmp/tj-textcat-XXXXXX";
		int fd = mkstemp(conf);
		FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
		void *h3 = NULL;

		res[nres].name = "exttextcat (all ~160 langs)";
		if (h) {
			run(&res[nres], textcat, h, s, n);
			textcat_Done(h);
		} else {
			res[nres].skipped = 1;
			res[nres].note = "no profiles in " TEXTCAT_DIR " (libexttextcat-data)";
		}
		nres++;
		if (f) {
			fprintf(f, "en.lm en--utf8\nnl.lm nl--utf8\nde.lm de--utf8\n");
			fclose(f);
			h3 = special_textcat_Init(conf, TEXTCAT_DIR);
		}
		res[nres].name = "exttextcat (en/nl/de only)";
		if (h3) {
			run(&res[nres], textcat, h3, s, n);
			textcat_Done(h3);
		} else {
			res[nres].skipped = 1;
			res[nres].note = "cannot load en/nl/de profiles";
		}
		nres++;
		if (fd >= 0)
			unlink(conf);
	}
#else
	res[nres].name = "exttextcat";
	res[nres].skipped = 1;
	res[nres++].note = "not built in (apt-get install libexttextcat-dev libexttextcat-data)";
#endif
#ifdef HAVE_CLD2
	res[nres].name = "CLD2";
	run(&res[nres++], cld2, NULL, s, n);
#else
	res[nres].name = "CLD2";
	res[nres].skipped = 1;
	res[nres++].note = "not built in (apt-get install libcld2-dev)";
#endif

	printf("language identification on %zu postings (%s)\n", n, path);
	printf("  (accuracy on title + description; short = their first %d bytes)\n", SHORT_LEN);
	printf("  %-30s %8s %9s %12s %10s\n", "identifier", "accuracy", "short", "us/posting", "MB/s");
	for (size_t i = 0; i < nres; i++) {
		if (res[i].skipped) {
			printf("  %-30s skipped: %s\n", res[i].name, res[i].note);
			continue;
		}
		printf("  %-30s %7.1f%% %8.1f%% %12.1f %10.1f\n", res[i].name,
		       100.0 * res[i].correct / res[i].n, 100.0 * res[i].short_correct / res[i].n,
		       res[i].us_per_doc, res[i].mb_per_s);
		if (i > 0 && (double)res[i].correct / res[i].n > best_peer)
			best_peer = (double)res[i].correct / res[i].n;
	}

	/* full classification, one thread */
	t0 = now();
	do {
		for (size_t i = 0; i < n; i++) {
			struct posting *p = &v[i].p;

			if (classify_posting(c, p, NULL)) {
				fprintf(stderr, "bench_classify: %s: %s\n", v[i].id, tj_errmsg());
				goto out;
			}
			bytes += (p->title ? strlen(p->title) : 0) +
				 (p->description ? strlen(p->description) : 0) +
				 (p->employer ? strlen(p->employer) : 0);
		}
		reps++;
		t1 = now();
	} while (t1 - t0 < seconds);
	cls_mb = bytes / (t1 - t0) / 1e6;
	{
		int ok[4] = { 0 };

		for (size_t i = 0; i < n; i++) {
			const struct classification *k = &v[i].p.cls;

			ok[0] += !strcmp(k->language, v[i].lang);
			ok[1] += !strcmp(k->intl_label, v[i].intl);
			ok[2] += k->dutch_required == v[i].dreq;
			ok[3] += !strcmp(k->level, v[i].level);
		}
		printf("\nclassification (%zu signals, one thread): %d passes, %.1f us/posting, %.2f MB/s per core\n",
		       classifier_signal_count(c), reps, (t1 - t0) * 1e6 / (reps * (double)n), cls_mb);
		printf("lang_acc=%.3f intl_acc=%.3f dutch_req_acc=%.3f level_acc=%.3f mb_per_s=%.2f best_peer_lang_acc=",
		       ok[0] / (double)n, ok[1] / (double)n, ok[2] / (double)n, ok[3] / (double)n, cls_mb);
		if (best_peer < 0)
			printf("na\n");
		else
			printf("%.3f\n", best_peer);
	}
	status = 0;
out:
	for (size_t i = 0; s && i < n; i++)
		free(s[i].text);
	free(s);
	evalset_free(v, n);
	classifier_free(c);
	langid_free(lid);
	return status;
}
