/*
 * fts_stem.c - an FTS5 tokenizer that stems English and Dutch (see fts_stem.h).
 *
 * How it works: the tokenizer wraps SQLite's own unicode61 tokenizer (which
 * splits, lowercases and, with remove_diacritics 2, folds "ü" to "u"), and
 * runs every token it yields through two Snowball stemmers from libstemmer.
 *
 *   document  each token is indexed as itself plus its English and its Dutch
 *             stem, the stems as FTS5_TOKEN_COLOCATED synonyms (duplicates
 *             dropped), so "ontwikkelaars" is stored as
 *             {ontwikkelaars, ontwikkelar}.
 *   query     a query token is replaced by its stems, again as colocated
 *             synonyms, which FTS5 treats as "either": "engineers" looks for
 *             {engin, engineer}.  The surface form need not be searched:
 *             every indexed surface form has its stems indexed beside it.
 *             search.c instead writes each term twice, marked for one
 *             stemmer each, ("\x01w" OR "\x02w"): the same matches, but FTS5
 *             ORs two doclists instead of merging synonym position lists
 *             row by row (3x faster for a word in a third of the postings).
 *   prefix    a prefix query ("ontwikk"*) is matched against the surface
 *             forms, unstemmed: stemming half a word is meaningless.
 *   aux       snippet() and highlight() get the surface forms only.
 *
 * Why both languages on every token rather than stemming by the posting's
 * language: the tokenizer never sees the posting's language, Dutch postings
 * are full of English job titles ("Software Engineers gezocht"), and the
 * searcher's language is unknown too.  Measured on 10k gen-corpus postings:
 * the index is 1.5x that of plain unicode61 (20.0 MB against 13.3 MB;
 * db.c's prefix indexes then take it to 52 MB), and recall gains where it
 * matters - "monteurs" 0 -> 97 postings, "verpleegkundigen" 0 -> 154,
 * "engineer" 1526 -> 4951 (with "engineers"), "studenten" 594 -> 1145.  The
 * price is some cross-language conflation of short stems.
 * Snippets and highlights are unaffected: colocated tokens share offsets.
 *
 * Compounds.  Dutch and German write job titles as one word
 * ("magazijnmedewerker", "softwareontwikkelaars", "Servicetechniker"), so a
 * graduate searching "medewerker" or "ontwikkelaar" would miss most of them.
 * A document token that ends in one of the common job-title heads below
 * (compared on the surface form and on the Dutch stem, so plurals count)
 * with at least COMPOUND_MIN_PREFIX bytes before it is indexed with the
 * head's surface form and stems too, colocated like the token's own stems:
 * "magazijnmedewerkers" is stored as {magazijnmedewerkers,
 * magazijnmedewerker, medewerker}, and "medewerker" or "medew"* finds it.
 * Only heads of five letters or more that are rarely the tail of an
 * unrelated word are listed ("leider" is not: "begeleider").  Changing the
 * list changes what the index holds: it needs a migration that rebuilds
 * jobs_fts (db.c).
 *
 * Limits: tokens longer than MAX_STEM_TOKEN bytes are indexed unstemmed.
 * Snowball stemmers are not thread-safe; each tokenizer instance (one per
 * FTS table per connection) owns its own pair, and a connection is used by
 * one thread at a time (db.h).
 *
 * References: https://sqlite.org/fts5.html#custom_tokenizers,
 * https://snowballstem.org/algorithms/{english,dutch}/stemmer.html
 */
#include "fts_stem.h"

#include <libstemmer.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define MAX_STEM_TOKEN 64
#define COMPOUND_MIN_PREFIX 3
#define HEAD_MAX 24

/* Job-title heads of Dutch and German compounds (see the design block);
 * none is the tail of another, so a token matches at most one. */
static const char *const heads[] = {
	"verpleegkundige", "sachbearbeiter", "administrateur", "voorbereider",
	"ontwikkelaar", "elektroniker", "installateur", "receptionist", "verzorgende",
	"coordinator", "onderzoeker", "programmeur", "consultant", "specialist",
	"mitarbeiter", "medewerker", "beheerder", "begeleider", "chauffeur",
	"controller", "entwickler", "mechaniker", "technicus", "therapeut",
	"architect", "assistent", "developer", "directeur", "ingenieur",
	"techniker", "designer", "engineer", "fachkraft", "kaufmann", "ontwerper",
	"operator", "adviseur", "analist", "berater", "manager", "monteur",
	"inkoper", "verkoper", "planner", "pfleger", "referent", "tester",
	"docent", "fahrer", "lasser",
};
#define N_HEADS (sizeof(heads) / sizeof(heads[0]))

/* A head and its stems, made once per tokenizer (the stemmers are its own). */
struct head_form {
	char surface[HEAD_MAX], en[HEAD_MAX], nl[HEAD_MAX];
	int surface_n, en_n, nl_n;
};

struct tj_tokenizer {
	fts5_tokenizer parent;          /* unicode61's methods */
	Fts5Tokenizer *parent_tok;      /* our unicode61 instance */
	struct sb_stemmer *en, *nl;
	struct head_form head[N_HEADS];
};

struct tok_ctx {
	struct tj_tokenizer *t;
	void *ctx;
	int flags;
	int only;                       /* query: 0 both stems, 1 English, 2 Dutch */
	int (*xtoken)(void *, int, const char *, int, int, int);
};

static fts5_api *get_fts5_api(sqlite3 *h)
{
	fts5_api *api = NULL;
	sqlite3_stmt *st = NULL;

	/* The documented way to reach fts5_api: bind a pointer of type
	 * "fts5_api_ptr" to SELECT fts5(?1).  Raw sqlite3 here, not db.h: this
	 * runs inside db_open before the struct db is usable. */
	if (sqlite3_prepare_v2(h, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	return api;
}

static void tj_delete(Fts5Tokenizer *p)
{
	struct tj_tokenizer *t = (struct tj_tokenizer *)p;

	if (!t)
		return;
	if (t->parent_tok)
		t->parent.xDelete(t->parent_tok);
	if (t->en)
		sb_stemmer_delete(t->en);
	if (t->nl)
		sb_stemmer_delete(t->nl);
	free(t);
}

static int tj_create(void *user, const char **argv, int argc, Fts5Tokenizer **out)
{
	fts5_api *api = user;
	struct tj_tokenizer *t;
	void *parent_user = NULL;
	int rc;

	*out = NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return SQLITE_NOMEM;
	rc = api->xFindTokenizer(api, "unicode61", &parent_user, &t->parent);
	if (rc == SQLITE_OK)
		rc = t->parent.xCreate(parent_user, argv, argc, &t->parent_tok);
	if (rc == SQLITE_OK) {
		t->en = sb_stemmer_new("english", "UTF_8");
		t->nl = sb_stemmer_new("dutch", "UTF_8");
		if (!t->en || !t->nl)
			rc = SQLITE_NOMEM;
	}
	for (size_t i = 0; i < N_HEADS && rc == SQLITE_OK; i++) {
		struct head_form *h = &t->head[i];
		const sb_symbol *st;

		h->surface_n = (int)strlen(heads[i]);
		memcpy(h->surface, heads[i], (size_t)h->surface_n);
		if (!(st = sb_stemmer_stem(t->en, (const sb_symbol *)heads[i], h->surface_n))) {
			rc = SQLITE_NOMEM;
			break;
		}
		h->en_n = sb_stemmer_length(t->en);
		memcpy(h->en, st, (size_t)h->en_n);     /* stems never grow */
		if (!(st = sb_stemmer_stem(t->nl, (const sb_symbol *)heads[i], h->surface_n))) {
			rc = SQLITE_NOMEM;
			break;
		}
		h->nl_n = sb_stemmer_length(t->nl);
		memcpy(h->nl, st, (size_t)h->nl_n);
	}
	if (rc != SQLITE_OK) {
		tj_delete((Fts5Tokenizer *)t);
		return rc;
	}
	*out = (Fts5Tokenizer *)t;
	return SQLITE_OK;
}

/* The forms already emitted for one input token, so each is emitted once. */
struct emitted {
	char buf[MAX_STEM_TOKEN * 3 * 2 + HEAD_MAX * 3];
	int off[6], len[6], n;
};

/* Emit one form unless it was emitted already; the first form of a token
 * takes the tokenizer's flags, the rest are colocated synonyms. */
static int emit(struct tok_ctx *c, struct emitted *e, int tflags, const char *s, int n,
		int start, int end)
{
	int used = e->n ? e->off[e->n - 1] + e->len[e->n - 1] : 0;
	int rc;

	for (int i = 0; i < e->n; i++)
		if (e->len[i] == n && !memcmp(e->buf + e->off[i], s, (size_t)n))
			return SQLITE_OK;
	if (e->n == 6 || used + n > (int)sizeof(e->buf))
		return SQLITE_OK;       /* cannot happen: stems never grow */
	rc = c->xtoken(c->ctx, e->n ? FTS5_TOKEN_COLOCATED : tflags, s, n, start, end);
	if (rc != SQLITE_OK)
		return rc;
	memcpy(e->buf + used, s, (size_t)n);
	e->off[e->n] = used;
	e->len[e->n++] = n;
	return SQLITE_OK;
}

static int on_token(void *p, int tflags, const char *tok, int n, int start, int end)
{
	struct tok_ctx *c = p;
	struct emitted e;
	const sb_symbol *s;
	int rc, sn;

	/* Prefixes are matched unstemmed.  Auxiliary functions (snippet,
	 * highlight) only map token positions to byte offsets, and colocated
	 * synonyms do not advance the position, so they need no stems: this
	 * makes a snippet about three times cheaper. */
	if ((c->flags & (FTS5_TOKENIZE_PREFIX | FTS5_TOKENIZE_AUX)) || n > MAX_STEM_TOKEN)
		return c->xtoken(c->ctx, tflags, tok, n, start, end);
	e.n = 0;
	if (!(c->flags & FTS5_TOKENIZE_QUERY) &&
	    (rc = emit(c, &e, tflags, tok, n, start, end)) != SQLITE_OK)
		return rc;
	if (c->only != 2) {
		s = sb_stemmer_stem(c->t->en, (const sb_symbol *)tok, n);
		if (!s)
			return SQLITE_NOMEM;
		rc = emit(c, &e, tflags, (const char *)s, sb_stemmer_length(c->t->en), start, end);
		if (rc != SQLITE_OK || c->only == 1)
			return rc;
	}
	s = sb_stemmer_stem(c->t->nl, (const sb_symbol *)tok, n);
	if (!s)
		return SQLITE_NOMEM;
	if ((rc = emit(c, &e, tflags, (const char *)s, sb_stemmer_length(c->t->nl), start, end)))
		return rc;
	if (c->flags & FTS5_TOKENIZE_QUERY)
		return SQLITE_OK;
	/* a compound's head (design block): s is still the Dutch stem */
	sn = sb_stemmer_length(c->t->nl);
	for (size_t i = 0; i < N_HEADS; i++) {
		const struct head_form *h = &c->t->head[i];
		bool hit = (n >= h->surface_n + COMPOUND_MIN_PREFIX &&
			    !memcmp(tok + n - h->surface_n, h->surface, (size_t)h->surface_n)) ||
			   (sn >= h->nl_n + COMPOUND_MIN_PREFIX &&
			    !memcmp(s + sn - h->nl_n, h->nl, (size_t)h->nl_n));

		if (!hit)
			continue;
		if ((rc = emit(c, &e, tflags, h->surface, h->surface_n, start, end)) ||
		    (rc = emit(c, &e, tflags, h->en, h->en_n, start, end)))
			return rc;
		return emit(c, &e, tflags, h->nl, h->nl_n, start, end);
	}
	return SQLITE_OK;
}

/* Counts the tokens of a query phrase and whether, for a single token,
 * both stemmers agree. */
struct probe {
	struct tj_tokenizer *t;
	int tokens;
	bool same;
};

static int probe_token(void *p, int tflags, const char *tok, int n, int start, int end)
{
	struct probe *pr = p;
	const sb_symbol *s;
	char en[MAX_STEM_TOKEN * 2];
	int en_n;

	(void)tflags;
	(void)start;
	(void)end;
	if (tflags & FTS5_TOKEN_COLOCATED)
		return SQLITE_OK;
	if (++pr->tokens > 1 || n > MAX_STEM_TOKEN) {
		pr->same = false;
		return SQLITE_OK;
	}
	if (!(s = sb_stemmer_stem(pr->t->en, (const sb_symbol *)tok, n)))
		return SQLITE_NOMEM;
	en_n = sb_stemmer_length(pr->t->en);
	if (en_n > (int)sizeof(en))
		return SQLITE_OK;
	memcpy(en, s, (size_t)en_n);
	if (!(s = sb_stemmer_stem(pr->t->nl, (const sb_symbol *)tok, n)))
		return SQLITE_NOMEM;
	pr->same = sb_stemmer_length(pr->t->nl) == en_n && !memcmp(s, en, (size_t)en_n);
	return SQLITE_OK;
}

static int tj_tokenize(Fts5Tokenizer *p, void *ctx, int flags, const char *text, int n,
		       int (*xtoken)(void *, int, const char *, int, int, int))
{
	struct tj_tokenizer *t = (struct tj_tokenizer *)p;
	struct tok_ctx c = { t, ctx, flags, 0, xtoken };
	struct probe pr = { t, 0, false };

	/* a query phrase may start with a marker byte choosing one stemmer
	 * (search.c writes them; user text cannot hold control bytes) */
	if ((flags & FTS5_TOKENIZE_QUERY) && n > 0 && (text[0] == FTS_STEM_ONLY_EN ||
						      text[0] == FTS_STEM_ONLY_NL)) {
		c.only = text[0] == FTS_STEM_ONLY_EN ? 1 : 2;
		text++;
		n--;
		/* The Dutch half of a one-word term whose stems agree would only
		 * repeat the English half: emit nothing (an empty phrase, which
		 * matches nothing inside the OR). */
		if (c.only == 2) {
			int rc = t->parent.xTokenize(t->parent_tok, &pr, flags, text, n, probe_token);

			if (rc != SQLITE_OK)
				return rc;
			if (pr.tokens == 1 && pr.same)
				return SQLITE_OK;
		}
	}

	return t->parent.xTokenize(t->parent_tok, &c, flags, text, n, on_token);
}

/* ---- tj_snippet ------------------------------------------------------ */

#define SNIP_MAX_HITS 256
#define SNIP_MAX_TOKENS 64
#define SNIP_LOOKBACK 8         /* tokens before the first hit to find a sentence start */

struct snip_tok {
	int start, end;
};

struct snip_ctx {
	int from, to;           /* wanted token positions [from, to) */
	int pos;                /* next token's position */
	struct snip_tok tok[SNIP_MAX_TOKENS + SNIP_LOOKBACK];
	int n;
	bool more;              /* a token follows the window */
};

static int snip_token(void *p, int tflags, const char *tok, int n, int start, int end)
{
	struct snip_ctx *c = p;

	(void)tok;
	(void)n;
	if (tflags & FTS5_TOKEN_COLOCATED)
		return SQLITE_OK;
	if (c->pos >= c->to) {
		c->more = true;
		return SQLITE_DONE;     /* enough: stop tokenizing */
	}
	if (c->pos >= c->from) {
		c->tok[c->n].start = start;
		c->tok[c->n++].end = end;
	}
	c->pos++;
	return SQLITE_OK;
}

static int int_cmp(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return x < y ? -1 : x > y;
}

/*
 * tj_snippet(tbl, col, open, close, ellipsis, ntokens): what FTS5's
 * snippet() returns for one column, faster.  The hits come from the index
 * (xInst), the window of ntokens is the one holding the most distinct
 * phrases (then the most hits, then the earliest), and the text is
 * tokenized only up to the window's end - FTS5's own snippet() tokenizes
 * the whole column at least twice, which was most of a page's cost.
 */
static void tj_snippet(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
		       int argc, sqlite3_value **argv)
{
	int hits[SNIP_MAX_HITS], phrase_of[SNIP_MAX_HITS], n_hits = 0, n_inst = 0;
	int col, ntok, best = 0, best_hit = 0, best_score = -1, first, last, rc;
	const char *text, *open, *close, *ell;
	struct snip_ctx c;
	sqlite3_str *out;
	int len;

	if (argc != 5) {
		sqlite3_result_error(ctx, "tj_snippet: expected (table, col, open, close, ellipsis, ntokens)", -1);
		return;
	}
	col = sqlite3_value_int(argv[0]);
	open = (const char *)sqlite3_value_text(argv[1]);
	close = (const char *)sqlite3_value_text(argv[2]);
	ell = (const char *)sqlite3_value_text(argv[3]);
	ntok = sqlite3_value_int(argv[4]);
	if (ntok < 1 || ntok > SNIP_MAX_TOKENS)
		ntok = SNIP_MAX_TOKENS;
	if (!open || !close || !ell) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	if ((rc = api->xColumnText(fts, col, &text, &len)) != SQLITE_OK ||
	    (rc = api->xInstCount(fts, &n_inst)) != SQLITE_OK) {
		sqlite3_result_error_code(ctx, rc);
		return;
	}
	if (!text || len <= 0) {
		sqlite3_result_text(ctx, "", 0, SQLITE_STATIC);
		return;
	}
	/* every token position covered by a phrase hit in this column */
	for (int i = 0; i < n_inst && n_hits < SNIP_MAX_HITS; i++) {
		int ph, ic, off;

		if (api->xInst(fts, i, &ph, &ic, &off) != SQLITE_OK || ic != col)
			continue;
		for (int k = 0; k < api->xPhraseSize(fts, ph) && n_hits < SNIP_MAX_HITS; k++) {
			phrase_of[n_hits] = ph;
			hits[n_hits++] = off + k;
		}
	}
	for (int i = 0; i < n_hits; i++) {
		/* a window starting three tokens before hit i */
		int start = hits[i] > 3 ? hits[i] - 3 : 0, seen = 0, count = 0;
		unsigned long long phrases = 0;

		for (int k = 0; k < n_hits; k++) {
			if (hits[k] < start || hits[k] >= start + ntok)
				continue;
			count++;
			if (!(phrases & (1ULL << (phrase_of[k] & 63)))) {
				phrases |= 1ULL << (phrase_of[k] & 63);
				seen++;
			}
		}
		if (seen * 1000 + count > best_score ||
		    (seen * 1000 + count == best_score && start < best)) {
			best_score = seen * 1000 + count;
			best = start;
			best_hit = hits[i];
		}
	}
	qsort(hits, (size_t)n_hits, sizeof(*hits), int_cmp);
	memset(&c, 0, sizeof(c));
	c.from = best_hit > SNIP_LOOKBACK ? best_hit - SNIP_LOOKBACK : 0;
	c.to = c.from + SNIP_LOOKBACK + ntok;
	rc = api->xTokenize(fts, text, len, &c, snip_token);
	if (rc != SQLITE_OK && rc != SQLITE_DONE) {
		sqlite3_result_error_code(ctx, rc);
		return;
	}
	/* start at the sentence that holds the hit when it begins a few tokens
	 * before it (as snippet() does), else three tokens before the hit */
	first = best - c.from;
	for (int i = best_hit - c.from; i >= 0 && i < c.n; i--) {
		int k = c.tok[i].start;

		while (k > 0 && (text[k - 1] == ' ' || text[k - 1] == '\t'))
			k--;
		if (k == 0 || strchr(".!?:\n", text[k - 1])) {
			first = i;
			break;
		}
	}
	if (first < 0)
		first = 0;
	last = first + ntok < c.n ? first + ntok : c.n;       /* exclusive */
	out = sqlite3_str_new(sqlite3_context_db_handle(ctx));
	if (first < last) {
		int h = 0, prev_end = c.tok[first].start;
		bool in_mark = false;

		if (c.from + first > 0)
			sqlite3_str_appendall(out, ell);
		for (int i = first; i < last; i++) {
			int pos = c.from + i;
			bool hit;

			while (h < n_hits && hits[h] < pos)
				h++;
			hit = h < n_hits && hits[h] == pos;
			if (in_mark && !hit) {
				sqlite3_str_appendall(out, close);
				in_mark = false;
			}
			sqlite3_str_append(out, text + prev_end, c.tok[i].start - prev_end);
			if (hit && !in_mark) {
				sqlite3_str_appendall(out, open);
				in_mark = true;
			}
			sqlite3_str_append(out, text + c.tok[i].start, c.tok[i].end - c.tok[i].start);
			prev_end = c.tok[i].end;
		}
		if (in_mark)
			sqlite3_str_appendall(out, close);
		if (last < c.n || c.more)
			sqlite3_str_appendall(out, ell);
		else
			sqlite3_str_append(out, text + prev_end, len - prev_end);
	}
	rc = sqlite3_str_errcode(out);
	len = sqlite3_str_length(out);
	text = sqlite3_str_finish(out);
	if (rc != SQLITE_OK) {
		sqlite3_free((void *)text);
		sqlite3_result_error_code(ctx, rc);
		return;
	}
	sqlite3_result_text(ctx, text ? text : "", text ? len : 0, text ? sqlite3_free : SQLITE_STATIC);
}

enum tj_code fts_stem_register(sqlite3 *h)
{
	fts5_api *api = get_fts5_api(h);
	fts5_tokenizer tok = { tj_create, tj_delete, tj_tokenize };

	if (!api || api->iVersion < 2)
		return tj_error(TJ_EDB, "this SQLite has no FTS5; twentejobs needs it for search");
	if (api->xCreateTokenizer(api, "tj_stem", api, &tok, NULL) != SQLITE_OK)
		return tj_error(TJ_EDB, "cannot register the tj_stem tokenizer: %s", sqlite3_errmsg(h));
	if (api->xCreateFunction(api, "tj_snippet", NULL, tj_snippet, NULL) != SQLITE_OK)
		return tj_error(TJ_EDB, "cannot register tj_snippet: %s", sqlite3_errmsg(h));
	return TJ_OK;
}
