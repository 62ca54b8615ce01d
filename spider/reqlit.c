/*
 * reqlit.c - required literals of a regular expression (see reqlit.h).
 *
 * Why: the lexicon has ~100 patterns and most of them are about one word
 * ("Dutch", "Nederlands", "Niederländisch", "years", "internship").  Running
 * every JIT-compiled pattern over every posting costs ~300 us; scanning the
 * posting once for all literals and running only the patterns that can
 * match is several times faster, and curators do not have to declare
 * anything (the filter is derived from the pattern they already wrote).
 * This is the literal prefilter of grep-like tools (GNU grep's kwset, RE2's
 * prefilter trees), reduced to an OR of ANDs of literal sets.
 *
 * How: a recursive descent over the pattern text.  A sequence yields
 * candidates: each run of literal characters that must occur ("dutch" in
 * "\bDutch\b"), and each mandatory group whose branches all yield a set
 * ("(?:required|a must)").  All candidates of a top-level branch are
 * required together (up to MAX_CONJ, the most selective kept); inside a
 * group each branch contributes its most selective set to the group's
 * union.  Anything not understood - classes, escapes like \s, lookarounds,
 * optional items, non-ASCII bytes - breaks a run or contributes nothing,
 * which only weakens the filter, never makes it wrong.  Literals shorter
 * than MIN_LEN make a set useless; a branch without any set makes the
 * whole pattern unfilterable.
 *
 * Limits: ASCII case folding only.  PCRE2's caseless UTF matching also
 * folds K with U+212A KELVIN SIGN and s with U+017F LONG S; a posting that
 * spells "Dutch" with those would be missed.  We accept that.
 */
#include "reqlit.h"

#include <stdlib.h>
#include <string.h>

#define MIN_LEN 3
#define MAX_ALTS 64
#define MAX_LIT 64
#define MAX_CONJ 4
#define MAX_BRANCH 32

/* A set of literals (any of), or "unknown" (no constraint). */
struct set {
	bool known;
	size_t n;
	char *v[MAX_ALTS];
};

/* Sets that are all required (an empty conj constrains nothing). */
struct conj {
	size_t n;
	struct set s[MAX_CONJ];
};

struct parser {
	const char *p;
	bool oom;
};

static void set_free(struct set *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	s->n = 0;
	s->known = false;
}

static void conj_free(struct conj *c)
{
	for (size_t i = 0; i < c->n; i++)
		set_free(&c->s[i]);
	c->n = 0;
}

static size_t set_minlen(const struct set *s)
{
	size_t m = (size_t)-1;

	if (!s->known || !s->n)
		return 0;
	for (size_t i = 0; i < s->n; i++)
		if (strlen(s->v[i]) < m)
			m = strlen(s->v[i]);
	return m;
}

/* More selective: longer shortest literal, then fewer alternatives. */
static bool better(const struct set *a, const struct set *b)
{
	size_t la = set_minlen(a), lb = set_minlen(b);

	return la > lb || (la == lb && la && a->n < b->n);
}

/* Add a candidate to the conjunction (takes it; drops the weakest when full). */
static void conj_add(struct conj *c, struct set *cand)
{
	size_t worst = 0;

	if (set_minlen(cand) < MIN_LEN) {
		set_free(cand);
		return;
	}
	if (c->n < MAX_CONJ) {
		c->s[c->n++] = *cand;
		cand->n = 0;
		cand->known = false;
		return;
	}
	for (size_t i = 1; i < c->n; i++)
		if (better(&c->s[worst], &c->s[i]))
			worst = i;
	if (better(cand, &c->s[worst])) {
		set_free(&c->s[worst]);
		c->s[worst] = *cand;
	} else {
		set_free(cand);
	}
	cand->n = 0;
	cand->known = false;
}

/* The conjunction's most selective set, moved into *out (others freed). */
static void conj_best(struct conj *c, struct set *out)
{
	size_t best = 0;

	out->known = false;
	out->n = 0;
	if (!c->n)
		return;
	for (size_t i = 1; i < c->n; i++)
		if (better(&c->s[i], &c->s[best]))
			best = i;
	*out = c->s[best];
	c->s[best].n = 0;
	c->s[best].known = false;
	conj_free(c);
}

static bool is_lit_char(unsigned char c)
{
	return c < 0x80 && !strchr("\\^$.[]|()?*+{}", c) && c >= 0x20;
}

static unsigned char lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* Parse a quantifier at ps->p, if any; returns its minimum (1 when none). */
static int quantifier(struct parser *ps, bool *present)
{
	const char *p = ps->p;
	int min = 1;

	*present = true;
	if (*p == '?' || *p == '*') {
		min = 0;
		p++;
	} else if (*p == '+') {
		p++;
	} else if (*p == '{' && p[1] >= '0' && p[1] <= '9') {
		const char *q = p + 1;

		min = 0;
		while (*q >= '0' && *q <= '9')
			min = min * 10 + (*q++ - '0');
		if (*q == ',') {
			q++;
			while (*q >= '0' && *q <= '9')
				q++;
		}
		if (*q != '}') {
			*present = false;       /* a literal '{' */
			return 1;
		}
		p = q + 1;
	} else {
		*present = false;
		return 1;
	}
	if (*p == '?' || *p == '+')
		p++;
	ps->p = p;
	return min;
}

static void skip_class(struct parser *ps)
{
	const char *p = ps->p + 1;

	if (*p == '^')
		p++;
	if (*p == ']')
		p++;
	while (*p && *p != ']') {
		if (*p == '\\' && p[1])
			p++;
		else if (*p == '[' && p[1] == ':') {
			const char *e = strstr(p, ":]");

			if (e)
				p = e + 1;
		}
		p++;
	}
	ps->p = *p ? p + 1 : p;
}

static void parse_group_set(struct parser *ps, struct set *out);

/* Turn the current literal run into a candidate. */
static void flush_run(struct parser *ps, char *run, size_t *rlen, struct conj *c)
{
	struct set cand = { 0 };

	if (*rlen >= MIN_LEN) {
		cand.v[0] = strndup(run, *rlen);
		if (!cand.v[0]) {
			ps->oom = true;
		} else {
			cand.n = 1;
			cand.known = true;
			conj_add(c, &cand);
		}
	}
	*rlen = 0;
}

/* A sequence up to '|' or ')' or the end: its required sets into *c. */
static void parse_seq(struct parser *ps, struct conj *c)
{
	char run[MAX_LIT];
	size_t rlen = 0;

	c->n = 0;
	while (*ps->p && *ps->p != '|' && *ps->p != ')' && !ps->oom) {
		unsigned char ch = (unsigned char)*ps->p;
		bool q;
		int min;

		if (ch == '\\' && ps->p[1]) {
			unsigned char e = (unsigned char)ps->p[1];

			if ((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') || (e >= '0' && e <= '9')) {
				if (e == 'Q') {         /* \Q...\E: give up on the quote */
					const char *end = strstr(ps->p, "\\E");

					ps->p = end ? end + 2 : ps->p + strlen(ps->p);
				} else {
					ps->p += 2;
				}
				flush_run(ps, run, &rlen, c);
				(void)quantifier(ps, &q);
				continue;
			}
			/* an escaped punctuation character is a literal */
			ps->p += 2;
			min = quantifier(ps, &q);
			if (min == 0 || rlen + 1 >= sizeof(run)) {
				flush_run(ps, run, &rlen, c);
				continue;
			}
			run[rlen++] = (char)lower(e);
			if (q)
				flush_run(ps, run, &rlen, c);
		} else if (ch == '[') {
			flush_run(ps, run, &rlen, c);
			skip_class(ps);
			(void)quantifier(ps, &q);
		} else if (ch == '(') {
			struct set g = { 0 };
			bool look = false;

			flush_run(ps, run, &rlen, c);
			ps->p++;
			if (*ps->p == '?') {
				const char *p = ps->p + 1;

				if (*p == ':' || *p == '>' || *p == '|') {
					ps->p = p + 1;
				} else if (*p == '=' || *p == '!' ||
					   (*p == '<' && (p[1] == '=' || p[1] == '!'))) {
					look = true;
					ps->p = p + (*p == '<' ? 2 : 1);
				} else if ((*p == '<' || *p == 'P' || *p == '\'') && p[1]) {
					const char *e = strpbrk(p + 1, ">'");

					ps->p = e ? e + 1 : p + 1;      /* named group */
				} else {
					/* inline options (?i) (?x:...) and the like:
					 * skip to the end of the group, know nothing */
					int depth = 1;

					while (*ps->p && depth) {
						if (*ps->p == '\\' && ps->p[1])
							ps->p++;
						else if (*ps->p == '(')
							depth++;
						else if (*ps->p == ')')
							depth--;
						ps->p++;
					}
					(void)quantifier(ps, &q);
					continue;
				}
			}
			parse_group_set(ps, &g);
			if (*ps->p == ')')
				ps->p++;
			min = quantifier(ps, &q);
			if (look || min == 0)
				set_free(&g);
			else
				conj_add(c, &g);
		} else if (is_lit_char(ch)) {
			ps->p++;
			min = quantifier(ps, &q);
			if (min == 0 || rlen + 1 >= sizeof(run)) {
				flush_run(ps, run, &rlen, c);
				continue;
			}
			run[rlen++] = (char)lower(ch);
			if (q)          /* "s+" : one s is required, the run ends */
				flush_run(ps, run, &rlen, c);
		} else {
			/* . ^ $ and non-ASCII bytes: the run ends here */
			flush_run(ps, run, &rlen, c);
			ps->p++;
			while (ch >= 0x80 && ((unsigned char)*ps->p & 0xC0) == 0x80)
				ps->p++;
			(void)quantifier(ps, &q);
		}
	}
	flush_run(ps, run, &rlen, c);
}

/* A group's branches: the union of each branch's most selective set. */
static void parse_group_set(struct parser *ps, struct set *out)
{
	bool first = true;

	out->known = false;
	out->n = 0;
	for (;;) {
		struct conj c;
		struct set s = { 0 };

		parse_seq(ps, &c);
		conj_best(&c, &s);
		if (first) {
			*out = s;
			first = false;
		} else if (!out->known || !s.known || out->n + s.n > MAX_ALTS) {
			set_free(out);
			set_free(&s);
		} else {
			for (size_t i = 0; i < s.n; i++)
				out->v[out->n++] = s.v[i];
			s.n = 0;
		}
		if (*ps->p != '|')
			break;
		ps->p++;
	}
}

static bool copy_set(struct reqlit_set *dst, const struct set *src)
{
	dst->v = calloc(src->n, sizeof(*dst->v));
	dst->len = calloc(src->n, sizeof(*dst->len));
	if (!dst->v || !dst->len)
		return false;
	for (size_t i = 0; i < src->n; i++) {
		dst->v[i] = strdup(src->v[i]);
		if (!dst->v[i])
			return false;
		dst->len[i] = strlen(src->v[i]);
		dst->n = i + 1;
	}
	return true;
}

enum tj_code reqlit_from_pattern(const char *pattern, struct reqlit *out)
{
	struct parser ps = { pattern, false };
	struct conj *br = NULL;
	size_t nb = 0;
	bool usable = true;
	enum tj_code rc = TJ_OK;

	memset(out, 0, sizeof(*out));
	br = calloc(MAX_BRANCH, sizeof(*br));
	if (!br)
		return tj_error(TJ_ENOMEM, "out of memory analysing a pattern");
	for (;;) {
		if (nb == MAX_BRANCH) {
			usable = false;
			break;
		}
		parse_seq(&ps, &br[nb]);
		if (!br[nb].n)
			usable = false;
		nb++;
		if (*ps.p != '|')
			break;
		ps.p++;
	}
	/* a stray ')' stops the parse early: the rest is unanalysed, so what
	 * we have describes only a prefix of the pattern - unusable */
	if (ps.oom)
		rc = tj_error(TJ_ENOMEM, "out of memory analysing a pattern");
	if (rc || *ps.p || !usable)
		goto out;
	out->b = calloc(nb, sizeof(*out->b));
	if (!out->b)
		goto oom;
	out->nb = nb;
	for (size_t i = 0; i < nb; i++) {
		out->b[i].sets = calloc(br[i].n, sizeof(*out->b[i].sets));
		if (!out->b[i].sets)
			goto oom;
		out->b[i].nsets = br[i].n;
		for (size_t k = 0; k < br[i].n; k++)
			if (!copy_set(&out->b[i].sets[k], &br[i].s[k]))
				goto oom;
	}
	goto out;
oom:
	reqlit_release(out);
	rc = tj_error(TJ_ENOMEM, "out of memory analysing a pattern");
out:
	for (size_t i = 0; i < nb; i++)
		conj_free(&br[i]);
	free(br);
	return rc;
}

void reqlit_release(struct reqlit *r)
{
	for (size_t i = 0; i < r->nb; i++) {
		for (size_t k = 0; k < r->b[i].nsets; k++) {
			struct reqlit_set *s = &r->b[i].sets[k];

			for (size_t j = 0; j < s->n; j++)
				free(s->v[j]);
			free(s->v);
			free(s->len);
			free(s->id);
		}
		free(r->b[i].sets);
	}
	free(r->b);
	memset(r, 0, sizeof(*r));
}

static bool set_in_text(const struct reqlit_set *s, const char *lower, size_t len)
{
	for (size_t i = 0; i < s->n; i++)
		if (memmem(lower, len, s->v[i], s->len[i]))
			return true;
	return false;
}

bool reqlit_test(const struct reqlit *r, const char *lower, size_t len)
{
	if (!r->nb)
		return true;
	for (size_t i = 0; i < r->nb; i++) {
		size_t k = 0;

		while (k < r->b[i].nsets && set_in_text(&r->b[i].sets[k], lower, len))
			k++;
		if (k == r->b[i].nsets)
			return true;
	}
	return false;
}

void reqlit_lower(char *dst, const char *src, size_t len)
{
	for (size_t i = 0; i < len; i++)
		dst[i] = (char)lower((unsigned char)src[i]);
}

/* ---- Aho-Corasick over all literals ------------------------------------ */

struct reqlit_index {
	unsigned char cls[256];  /* byte -> symbol class; 0 = in no literal */
	unsigned nsym;           /* classes incl. 0 */
	int *delta;              /* complete DFA: nstates x nsym */
	int *out;                /* per state: a literal id ending here, or -1 */
	int *next_out;           /* per state: nearest proper suffix state with output, or -1 */
	int *out_chain;          /* per literal id: another id ending at the same state, or -1 */
	size_t nstates;
	size_t nlits;
};

size_t reqlit_index_words(const struct reqlit_index *ix)
{
	return (ix->nlits + 63) / 64;
}

void reqlit_index_free(struct reqlit_index *ix)
{
	if (!ix)
		return;
	free(ix->delta);
	free(ix->out);
	free(ix->next_out);
	free(ix->out_chain);
	free(ix);
}

/* Every literal set of every pattern, flattened; *out is the caller's. */
static enum tj_code all_sets(struct reqlit *sets, size_t n, size_t stride,
			     struct reqlit_set ***out, size_t *nout)
{
	size_t cnt = 0, k = 0;

	for (size_t pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < n; i++) {
			struct reqlit *r = (struct reqlit *)((char *)sets + i * stride);

			for (size_t b = 0; b < r->nb; b++)
				for (size_t j = 0; j < r->b[b].nsets; j++) {
					if (pass)
						(*out)[k++] = &r->b[b].sets[j];
					else
						cnt++;
				}
		}
		if (!pass) {
			*out = calloc(cnt ? cnt : 1, sizeof(**out));
			if (!*out)
				return tj_error(TJ_ENOMEM, "out of memory building the literal index");
		}
	}
	*nout = cnt;
	return TJ_OK;
}

enum tj_code reqlit_index_build(struct reqlit *sets, size_t n, size_t stride,
				struct reqlit_index **out)
{
	struct reqlit_index *ix = calloc(1, sizeof(*ix));
	struct reqlit_set **all = NULL;
	size_t nall = 0, maxstates = 1, nlits = 0;
	int *fail = NULL, *queue = NULL;
	enum tj_code rc = TJ_OK;

	*out = NULL;
	if (!ix)
		return tj_error(TJ_ENOMEM, "out of memory building the literal index");
	rc = all_sets(sets, n, stride, &all, &nall);
	if (rc)
		goto out;
	/* symbol classes: one per distinct byte used by any literal */
	ix->nsym = 1;
	for (size_t i = 0; i < nall; i++) {
		const struct reqlit_set *r = all[i];

		for (size_t k = 0; k < r->n; k++) {
			maxstates += r->len[k];
			nlits++;
			for (size_t j = 0; j < r->len[k]; j++) {
				unsigned char c = (unsigned char)r->v[k][j];

				if (!ix->cls[c]) {
					ix->cls[c] = (unsigned char)ix->nsym++;
					if (c >= 'a' && c <= 'z')
						ix->cls[c - 32] = ix->cls[c];
				}
			}
		}
	}
	ix->nlits = nlits;
	ix->delta = malloc(maxstates * ix->nsym * sizeof(int));
	ix->out = malloc(maxstates * sizeof(int));
	ix->next_out = malloc(maxstates * sizeof(int));
	ix->out_chain = malloc((nlits ? nlits : 1) * sizeof(int));
	fail = malloc(maxstates * sizeof(int));
	queue = malloc(maxstates * sizeof(int));
	if (!ix->delta || !ix->out || !ix->next_out || !ix->out_chain || !fail || !queue) {
		rc = tj_error(TJ_ENOMEM, "out of memory building the literal index");
		goto out;
	}
	for (size_t i = 0; i < maxstates * ix->nsym; i++)
		ix->delta[i] = -1;
	ix->out[0] = -1;
	ix->nstates = 1;
	/* the trie; each literal's id is its place in the "seen" bitset */
	nlits = 0;
	for (size_t i = 0; i < nall; i++) {
		struct reqlit_set *r = all[i];

		free(r->id);
		r->id = calloc(r->n ? r->n : 1, sizeof(*r->id));
		if (!r->id) {
			rc = tj_error(TJ_ENOMEM, "out of memory building the literal index");
			goto out;
		}
		for (size_t k = 0; k < r->n; k++) {
			int s = 0;

			for (size_t j = 0; j < r->len[k]; j++) {
				int *t = &ix->delta[(size_t)s * ix->nsym + ix->cls[(unsigned char)r->v[k][j]]];

				if (*t < 0) {
					*t = (int)ix->nstates;
					ix->out[ix->nstates++] = -1;
				}
				s = *t;
			}
			r->id[k] = (unsigned)nlits;
			ix->out_chain[nlits] = ix->out[s];
			ix->out[s] = (int)nlits++;
		}
	}
	/* failure links breadth-first, completing delta into a DFA */
	{
		size_t head = 0, tail = 0;

		fail[0] = 0;
		ix->next_out[0] = -1;
		for (unsigned c = 0; c < ix->nsym; c++) {
			int t = ix->delta[c];

			if (t < 0) {
				ix->delta[c] = 0;
			} else {
				fail[t] = 0;
				ix->next_out[t] = -1;
				queue[tail++] = t;
			}
		}
		while (head < tail) {
			int s = queue[head++];

			for (unsigned c = 0; c < ix->nsym; c++) {
				int *t = &ix->delta[(size_t)s * ix->nsym + c];
				int f = ix->delta[(size_t)fail[s] * ix->nsym + c];

				if (*t < 0) {
					*t = f;
				} else {
					fail[*t] = f;
					ix->next_out[*t] = ix->out[f] >= 0 ? f : ix->next_out[f];
					queue[tail++] = *t;
				}
			}
		}
	}
	*out = ix;
out:
	free(all);
	free(fail);
	free(queue);
	if (rc)
		reqlit_index_free(ix);
	return rc;
}

void reqlit_index_scan(const struct reqlit_index *ix, const char *text, size_t len,
		       unsigned long long *seen)
{
	const unsigned char *t = (const unsigned char *)text;
	int s = 0;

	for (size_t i = 0; i < len; i++) {
		s = ix->delta[(size_t)s * ix->nsym + ix->cls[t[i]]];
		for (int o = ix->out[s] >= 0 ? s : ix->next_out[s]; o >= 0; o = ix->next_out[o])
			for (int id = ix->out[o]; id >= 0; id = ix->out_chain[id])
				seen[id / 64] |= 1ull << (id % 64);
	}
}

static bool set_seen(const struct reqlit_set *s, const unsigned long long *seen)
{
	for (size_t i = 0; i < s->n; i++)
		if (seen[s->id[i] / 64] & (1ull << (s->id[i] % 64)))
			return true;
	return false;
}

bool reqlit_index_test(const struct reqlit *r, const unsigned long long *seen)
{
	if (!r->nb)
		return true;
	for (size_t i = 0; i < r->nb; i++) {
		size_t k = 0;

		while (k < r->b[i].nsets && set_seen(&r->b[i].sets[k], seen))
			k++;
		if (k == r->b[i].nsets)
			return true;
	}
	return false;
}
