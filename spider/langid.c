/*
 * langid.c - character n-gram language identification (see langid.h).
 *
 * Why our own model: the postings we see are in three languages (English,
 * Dutch, German), often short, and the hard cases are specific: Dutch text
 * full of English loanwords ("agile", "stakeholders"), an English title
 * above a Dutch body, one-paragraph ads.  libexttextcat (Cavnar-Trenkle
 * rank-order profiles over ~160 languages) answers "UNKNOWN"/several
 * candidates on short text and confuses nl with af/fy/li; CLD2 is good but is
 * C++ and a bigger dependency.  scripts/bench-classify measures both
 * against this model on tests/eval/postings.jsonl.  Restricting the model
 * to the languages that occur, and training it on job-ad style prose, is
 * what makes it accurate on our data.
 *
 * How it works.  Text is normalised on the fly: ASCII letters lowercased,
 * Latin-1 capitals (UTF-8 C3 80..9E) lowercased, digits, punctuation and
 * typographic symbols become a word boundary.  Each word is padded with a
 * space on both sides and every 1..4-byte n-gram inside the padded word is
 * a feature (Cavnar & Trenkle 1994, "N-Gram-Based Text Categorization";
 * multinomial naive Bayes as in Dunning 1994, "Statistical Identification
 * of Language").  Counts come from data/lang/<code>.txt at load time, with
 * add-alpha smoothing per n-gram order.  Scoring sums log probabilities,
 * one hash lookup per feature: a few hundred MB/s.
 *
 * Other languages.  Besides en/nl/de the model knows French, Spanish,
 * Italian, Polish and Portuguese from a paragraph or two each, so a posting
 * in one of them is named ("fr") rather than forced into the nearest of our
 * three.  "und": fewer than MIN_LETTERS letters, or a text of at least
 * MIN_LONG_GRAMS 3/4-grams most of which the winning language has never
 * seen (another script, a language without a model), so the answer would
 * be a guess.  The threshold is low because short postings are full of
 * names; a language close to a modelled one (Swedish to German) can still
 * be named as that one.
 *
 * Confidence is a tempered softmax over the per-language log likelihoods
 * (temperature TAU per nat), so a one-line posting gets a modest number and
 * a long one approaches 1.  It is a ranking aid, not a calibrated
 * probability.
 *
 * Limits: byte n-grams, so languages in non-Latin scripts are all "und";
 * the training text is a few KB per language written for the project (not
 * the evaluation set), so rare vocabulary is carried by the 1-3-grams.
 */
#include "langid.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paths.h"

#define NLANG 8
#define MAX_N 4
#define ALPHA 0.5
#define TAU 0.1                 /* softmax temperature, per nat */
#define MIN_LETTERS 4
#define MIN_HIT_RATE 0.35       /* share of 3/4-grams the winner has seen */
#define MIN_LONG_GRAMS 30       /* below that, too little text to call it "other" */
#define TRAIN_MAX ((size_t)4 << 20)

/* en, nl, de are what Twente postings are written in; the others are
 * small models so that a posting in another language is named as such
 * instead of being forced into the nearest of the three. */
static const char *const lang_codes[NLANG] = { "en", "nl", "de", "fr", "es", "it", "pl", "pt" };

/*
 * An n-gram is its bytes packed big-endian into 32 bits; text never holds a
 * NUL byte (it is a boundary), so the number of leading zero bytes gives n
 * and 0 can mark an empty slot.  Keys sit in their own array so probing
 * touches 4 bytes per slot; the per-language log probabilities of a slot
 * are one aligned row the compiler can add with vector instructions.
 */
struct row {
	float logp[NLANG];
} __attribute__((aligned(32)));

struct count {
	uint32_t key;
	uint32_t count[NLANG];
};

struct langid {
	uint32_t *keys;         /* 0 = empty slot */
	struct row *rows;       /* same slots as keys */
	uint8_t *seen;          /* bit l: language l saw this n-gram in training */
	struct count *cnt;      /* training only */
	size_t mask;            /* table size - 1 (power of two) */
	size_t used;
	struct row unseen[MAX_N + 1];   /* log probability of an unseen n-gram */
};

static int key_n(uint32_t key)
{
	return key > 0xFFFFFF ? 4 : key > 0xFFFF ? 3 : key > 0xFF ? 2 : 1;
}

static size_t slot_of(uint32_t key, size_t mask)
{
	return (size_t)(((uint64_t)key * 0x9E3779B97F4A7C15ull) >> 24) & mask;
}

/* The slot holding key, or -1. */
static ptrdiff_t find(const struct langid *lid, uint32_t key)
{
	size_t i = slot_of(key, lid->mask);

	for (;;) {
		uint32_t k = lid->keys[i];

		if (k == key)
			return (ptrdiff_t)i;
		if (!k)
			return -1;
		i = (i + 1) & lid->mask;
	}
}

static enum tj_code grow(struct langid *lid)
{
	size_t nsize = lid->cnt ? (lid->mask + 1) * 2 : 1u << 14;
	struct count *ntab = calloc(nsize, sizeof(*ntab));

	if (!ntab)
		return tj_error(TJ_ENOMEM, "out of memory training the language model");
	for (size_t i = 0; lid->cnt && i <= lid->mask; i++) {
		size_t j;

		if (!lid->cnt[i].key)
			continue;
		j = slot_of(lid->cnt[i].key, nsize - 1);
		while (ntab[j].key)
			j = (j + 1) & (nsize - 1);
		ntab[j] = lid->cnt[i];
	}
	free(lid->cnt);
	lid->cnt = ntab;
	lid->mask = nsize - 1;
	return TJ_OK;
}

static enum tj_code add_count(struct langid *lid, uint32_t key, int lang)
{
	size_t i;

	if (!lid->cnt || (lid->used + 1) * 2 > lid->mask + 1) {
		enum tj_code rc = grow(lid);

		if (rc)
			return rc;
	}
	i = slot_of(key, lid->mask);
	while (lid->cnt[i].key && lid->cnt[i].key != key)
		i = (i + 1) & lid->mask;
	if (!lid->cnt[i].key) {
		lid->cnt[i].key = key;
		lid->used++;
	}
	lid->cnt[i].count[lang]++;
	return TJ_OK;
}

/*
 * The normaliser/feature walker shared by training and detection.  It
 * calls emit(key) for every n-gram; the walker state is a padded word
 * window of the last MAX_N bytes.
 */
struct walker {
	uint8_t win[MAX_N];
	int wlen;               /* bytes in win */
	size_t letters;
};

typedef int (*emit_fn)(void *ctx, uint32_t key, int n);

static inline __attribute__((always_inline)) int
push_byte(struct walker *w, uint8_t b, emit_fn emit, void *ctx)
{
	uint32_t bytes = 0;

	if (b == ' ' && w->wlen == 1 && w->win[0] == ' ')
		return 0;               /* collapse runs of boundaries */
	if (w->wlen == MAX_N) {
		memmove(w->win, w->win + 1, MAX_N - 1);
		w->wlen--;
	}
	w->win[w->wlen++] = b;
	/* every n-gram ending at this byte; a lone space is not a feature */
	for (int n = 1; n <= w->wlen; n++) {
		bytes = 0;
		for (int k = w->wlen - n; k < w->wlen; k++)
			bytes = (bytes << 8) | w->win[k];
		if (n == 1 && b == ' ')
			continue;
		if (emit(ctx, bytes, n))
			return 1;
	}
	if (b == ' ') {
		w->win[0] = ' ';
		w->wlen = 1;
	} else {
		w->letters++;
	}
	return 0;
}

/* Feed text[0..len) through the normaliser; stops early if emit returns 1. */
static inline __attribute__((always_inline)) void
walk(const char *text, size_t len, emit_fn emit, void *ctx, size_t *letters)
{
	struct walker w = { .win = { ' ' }, .wlen = 1, .letters = 0 };
	const uint8_t *s = (const uint8_t *)text;

	for (size_t i = 0; i < len; i++) {
		uint8_t c = s[i];
		int stop = 0;

		if (c < 0x80) {
			if (c >= 'A' && c <= 'Z')
				stop = push_byte(&w, (uint8_t)(c + 32), emit, ctx);
			else if (c >= 'a' && c <= 'z')
				stop = push_byte(&w, c, emit, ctx);
			else if (c == '\'' || c == '-')
				continue;       /* "don't", "e-mail": keep the word whole */
			else
				stop = push_byte(&w, ' ', emit, ctx);
		} else if (c == 0xC3 && i + 1 < len && s[i + 1] >= 0x80 && s[i + 1] <= 0xBF) {
			uint8_t d = s[i + 1];

			if (d == 0x97 || d == 0xB7) {           /* x and / signs */
				stop = push_byte(&w, ' ', emit, ctx);
			} else {
				if (d <= 0x9E && d != 0x9F)
					d = (uint8_t)(d + 0x20);
				stop = push_byte(&w, 0xC3, emit, ctx) ||
				       push_byte(&w, d, emit, ctx);
			}
			i++;
		} else if (c == 0xC2 || c == 0xE2) {
			/* Latin-1 punctuation (nbsp, guillemets) and general
			 * punctuation (dashes, quotes, bullets): boundaries */
			size_t skip = c == 0xC2 ? 1 : 2;

			stop = push_byte(&w, ' ', emit, ctx);
			i += (i + skip < len) ? skip : len - i - 1;
		} else {
			stop = push_byte(&w, c, emit, ctx);
		}
		if (stop)
			break;
	}
	push_byte(&w, ' ', emit, ctx);
	if (letters)
		*letters = w.letters;
}

struct train_ctx {
	struct langid *lid;
	int lang;
	enum tj_code rc;
};

static int train_emit(void *ctx, uint32_t key, int n)
{
	struct train_ctx *t = ctx;

	(void)n;
	t->rc = add_count(t->lid, key, t->lang);
	return t->rc != TJ_OK;
}

static enum tj_code train_file(struct langid *lid, const char *dir, int lang)
{
	char path[4096];
	char *text = NULL, *line, *next;
	size_t len;
	struct train_ctx t = { lid, lang, TJ_OK };
	enum tj_code rc;

	if ((size_t)snprintf(path, sizeof(path), "%s/lang/%s.txt", dir, lang_codes[lang]) >= sizeof(path))
		return tj_error(TJ_EINVAL, "'%s': data directory path too long", dir);
	rc = tj_read_file(path, TRAIN_MAX, &text, &len);
	if (rc)
		return rc;
	/* '#' lines are the file's own notes, not training text */
	for (line = text; line && *line; line = next) {
		size_t n;

		next = strchr(line, '\n');
		n = next ? (size_t)(next - line) : strlen(line);
		if (next)
			next++;
		if (n && line[0] == '#')
			continue;
		walk(line, n, train_emit, &t, NULL);
		if (t.rc) {
			rc = t.rc;
			goto out;
		}
	}
	if (!len || lid->used == 0)
		rc = tj_error(TJ_EPARSE, "'%s': no training text", path);
out:
	free(text);
	return rc;
}

/* Turn counts into smoothed log probabilities per n-gram order. */
static enum tj_code finish(struct langid *lid)
{
	double total[NLANG][MAX_N + 1] = { { 0 } };
	double vocab[MAX_N + 1] = { 0 };

	lid->keys = calloc(lid->mask + 1, sizeof(*lid->keys));
	lid->rows = aligned_alloc(sizeof(struct row), (lid->mask + 1) * sizeof(*lid->rows));
	lid->seen = calloc(lid->mask + 1, sizeof(*lid->seen));
	if (!lid->keys || !lid->rows || !lid->seen)
		return tj_error(TJ_ENOMEM, "out of memory training the language model");
	for (size_t i = 0; i <= lid->mask; i++) {
		const struct count *e = &lid->cnt[i];
		int n = key_n(e->key);

		if (!e->key)
			continue;
		vocab[n]++;
		for (int l = 0; l < NLANG; l++)
			total[l][n] += e->count[l];
	}
	for (int l = 0; l < NLANG; l++)
		for (int n = 1; n <= MAX_N; n++)
			lid->unseen[n].logp[l] = (float)log(ALPHA / (total[l][n] + ALPHA * (vocab[n] + 1)));
	/* same slots, so the probe sequences stay valid */
	for (size_t i = 0; i <= lid->mask; i++) {
		const struct count *e = &lid->cnt[i];
		int n = key_n(e->key);

		if (!e->key)
			continue;
		lid->keys[i] = e->key;
		for (int l = 0; l < NLANG; l++) {
			lid->rows[i].logp[l] = (float)log((e->count[l] + ALPHA) /
							  (total[l][n] + ALPHA * (vocab[n] + 1)));
			if (e->count[l])
				lid->seen[i] |= (uint8_t)(1u << l);
		}
	}
	free(lid->cnt);
	lid->cnt = NULL;
	return TJ_OK;
}

enum tj_code langid_load(const char *dir, struct langid **out)
{
	struct langid *lid = calloc(1, sizeof(*lid));
	enum tj_code rc = TJ_OK;

	*out = NULL;
	if (!lid)
		return tj_error(TJ_ENOMEM, "out of memory loading the language model");
	if (!dir)
		dir = tj_data_dir();
	for (int l = 0; l < NLANG; l++) {
		rc = train_file(lid, dir, l);
		if (rc)
			goto out;
	}
	rc = finish(lid);
	if (rc)
		goto out;
	*out = lid;
out:
	if (rc)
		langid_free(lid);
	return rc;
}

void langid_free(struct langid *lid)
{
	if (!lid)
		return;
	free(lid->keys);
	free(lid->rows);
	free(lid->seen);
	free(lid->cnt);
	free(lid);
}

struct detect_ctx {
	const struct langid *lid;
	struct row score;               /* float sums: texts are capped, error is tiny */
	size_t grams;
	size_t long_grams;              /* 3- and 4-grams */
	size_t long_seen[NLANG];        /* of those, seen in training */
};

static int detect_emit(void *ctx, uint32_t key, int n)
{
	struct detect_ctx *d = ctx;
	ptrdiff_t i = find(d->lid, key);
	const struct row *r = i >= 0 ? &d->lid->rows[i] : &d->lid->unseen[n];

	d->grams++;
	for (int l = 0; l < NLANG; l++)
		d->score.logp[l] += r->logp[l];
	if (n >= 3) {
		d->long_grams++;
		if (i >= 0)
			for (int l = 0; l < NLANG; l++)
				d->long_seen[l] += (d->lid->seen[i] >> l) & 1;
	}
	return 0;
}

void langid_detect(const struct langid *lid, const char *text, size_t len,
		   struct langid_result *res)
{
	struct detect_ctx d = { .lid = lid };
	size_t letters = 0;
	int best = 0;
	double sum = 0;

	memset(res, 0, sizeof(*res));
	snprintf(res->lang, sizeof(res->lang), "und");
	if (!text)
		return;
	if (len > LANGID_MAX_SCAN) {
		len = LANGID_MAX_SCAN;
		/* do not score half a UTF-8 sequence */
		while (len > 0 && ((uint8_t)text[len] & 0xC0) == 0x80)
			len--;
	}
	walk(text, len, detect_emit, &d, &letters);
	res->ngrams = d.grams;
	if (letters < MIN_LETTERS)
		return;
	for (int l = 1; l < NLANG; l++)
		if (d.score.logp[l] > d.score.logp[best])
			best = l;
	if (d.long_grams >= MIN_LONG_GRAMS &&
	    (double)d.long_seen[best] / (double)d.long_grams < MIN_HIT_RATE) {
		res->confidence = 0;
		return;
	}
	for (int l = 0; l < NLANG; l++)
		sum += exp(((double)d.score.logp[l] - d.score.logp[best]) * TAU);
	snprintf(res->lang, sizeof(res->lang), "%s", lang_codes[best]);
	res->confidence = 1.0 / sum;
}
