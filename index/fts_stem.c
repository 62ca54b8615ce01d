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

struct tj_tokenizer {
	fts5_tokenizer parent;          /* unicode61's methods */
	Fts5Tokenizer *parent_tok;      /* our unicode61 instance */
	struct sb_stemmer *en, *nl;
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
	if (rc != SQLITE_OK) {
		tj_delete((Fts5Tokenizer *)t);
		return rc;
	}
	*out = (Fts5Tokenizer *)t;
	return SQLITE_OK;
}

/* The forms already emitted for one input token, so each is emitted once. */
struct emitted {
	char buf[MAX_STEM_TOKEN * 3 * 2];
	int off[3], len[3], n;
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
	if (e->n == 3 || used + n > (int)sizeof(e->buf))
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
	int rc;

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
	return emit(c, &e, tflags, (const char *)s, sb_stemmer_length(c->t->nl), start, end);
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

enum tj_code fts_stem_register(sqlite3 *h)
{
	fts5_api *api = get_fts5_api(h);
	fts5_tokenizer tok = { tj_create, tj_delete, tj_tokenize };

	if (!api || api->iVersion < 2)
		return tj_error(TJ_EDB, "this SQLite has no FTS5; twentejobs needs it for search");
	if (api->xCreateTokenizer(api, "tj_stem", api, &tok, NULL) != SQLITE_OK)
		return tj_error(TJ_EDB, "cannot register the tj_stem tokenizer: %s", sqlite3_errmsg(h));
	return TJ_OK;
}
