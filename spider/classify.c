/*
 * classify.c - language, international friendliness, Dutch requirement,
 * level and advertiser of a posting (see classify.h, SPEC.md).
 *
 * How it works.  Everything the classifier knows about wording lives in
 * data/signals.tsv: one line per pattern with a stable reason code, an
 * effect (what the match means), a scope (title, body, both, employer
 * name), a weight and a pcre2 pattern.  Loading compiles every pattern once
 * (caseless, UTF, Unicode properties) and JIT-compiles it when pcre2 has a
 * JIT; classifying runs every pattern over the fields in its scope with one
 * match-data block per call, so one classifier serves all worker threads.
 *
 * 1. Collect hits: (signal, field, start, end), all matches of all lines.
 * 2. Negation beats assertion: a "dutch_required" hit is dropped when a
 *    dutch_not_required, dutch_plus or dutch_learn hit lies in the same
 *    sentence of the same field ("Fluent Dutch is not required",
 *    "Dutch is a plus, not a must", "geen Nederlands vereist"): those
 *    phrases necessarily contain the words a requirement pattern looks
 *    for, and the more specific reading wins.  Same for German.  Sentence
 *    = text between . ! ? ; newline or a bullet.
 * 3. The language is identified on title + description together
 *    (langid.c), so an English title above a Dutch body is Dutch.
 * 4. Decide, in this order (SPEC.md label semantics):
 *      Dutch demanded                              -> no,  dutch_required
 *      Dutch to be learned within a period         -> maybe
 *      Dutch a plus, unless "not required" is said -> maybe
 *        ("a plus, not a must" is yes; "a plus, our team works in
 *        English" stays maybe: the posting still prefers Dutch)
 *      English working language / Dutch not needed -> yes
 *      English or German posting                   -> yes
 *      Dutch posting with only international hints
 *        (international team, relocation, visa)    -> maybe
 *      Dutch posting, nothing else                 -> no
 *      another or undetermined language             -> maybe
 *    The score is a base per language plus the weights of the signals
 *    (each code counted once), clamped into the label's band
 *    (no 0-34, maybe 35-64, yes 65-100) so label and score never disagree.
 * 5. Level: a level word in the title wins (an internship word beats any
 *    other, else the first one); otherwise the body hit with the highest
 *    weight (the lexicon gives years-of-experience and "recent graduates"
 *    phrases their priority).  PhD positions are "graduate" (they are
 *    entry positions for people who just finished a master's; the lexicon
 *    says so), postdocs "junior".
 * 6. Advertiser: the source rule's "agency" is fact; then an agency name
 *    in the employer field; then an explicit "no agencies please"
 *    (acquisitie ... niet op prijs gesteld) makes it the employer; then
 *    agency phrasing in the text ("on behalf of our client", "voor onze
 *    opdrachtgever", "im Auftrag unseres Kunden"); default employer.
 *
 * Reasons are the hits that were used, each with the matched text as
 * evidence: always a substring of the field it came from (we never rewrite
 * the text; PCRE2_MATCH_INVALID_UTF lets us match bytes that are not valid
 * UTF-8 without copying them).
 *
 * Limits.  Patterns see one field at a time, so a phrase split between
 * title and description is not seen.  Sentence splitting is naive
 * ("e.g. Dutch" splits after "e.g." only when a space follows).
 */
#include "classify.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "langid.h"
#include "paths.h"
#include "reqlit.h"

#define LEXICON_MAX ((size_t)1 << 20)
#define MAX_HITS_PER_SIGNAL 8
#define MAX_HITS 1024
#define MAX_REASONS 32

enum effect {
	EF_DUTCH_REQUIRED,
	EF_DUTCH_PLUS,
	EF_DUTCH_LEARN,
	EF_DUTCH_NOT_REQUIRED,
	EF_ENGLISH_OK,
	EF_INTL_SUPPORT,
	EF_GERMAN_REQUIRED,
	EF_GERMAN_NOT_REQUIRED,
	EF_AGENCY,
	EF_DIRECT,
	EF_LEVEL_INTERNSHIP,
	EF_LEVEL_GRADUATE,
	EF_LEVEL_JUNIOR,
	EF_LEVEL_MEDIOR,
	EF_LEVEL_SENIOR,
	EF_LEVEL_BY_GROUP,      /* "level": the named group that matched says which */
	EF_COUNT
};

static const char *const effect_names[EF_COUNT] = {
	"dutch_required", "dutch_plus", "dutch_learn", "dutch_not_required",
	"english_ok", "intl_support", "german_required", "german_not_required",
	"agency", "direct", "level_internship", "level_graduate",
	"level_junior", "level_medior", "level_senior", "level",
};

static const char *const level_names[] = {
	"internship", "graduate", "junior", "medior", "senior",
};

enum field { F_TITLE, F_BODY, F_EMPLOYER, F_COUNT };

#define SC_TITLE (1u << F_TITLE)
#define SC_BODY (1u << F_BODY)
#define SC_EMPLOYER (1u << F_EMPLOYER)

struct signal {
	char *code;
	enum effect effect;
	unsigned scope;         /* SC_* bits */
	int weight;
	int line;
	pcre2_code *re;
	struct reqlit lit;      /* literals a match needs (prefilter) */
	int group[5];           /* EF_LEVEL_BY_GROUP: group number per level, 0 = none */
};

struct classifier {
	struct signal *sig;
	size_t n;
	uint32_t max_pairs;     /* ovector pairs the largest pattern needs */
	struct reqlit_index *lix;       /* every pattern's required literals */
	struct langid *lid;
};

/* ---- loading ---------------------------------------------------------- */

static bool is_level(enum effect e)
{
	return e >= EF_LEVEL_INTERNSHIP && e <= EF_LEVEL_SENIOR;
}

static bool valid_code(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

static enum tj_code parse_scope(const char *s, unsigned *out)
{
	if (!strcmp(s, "title"))
		*out = SC_TITLE;
	else if (!strcmp(s, "body"))
		*out = SC_BODY;
	else if (!strcmp(s, "text"))
		*out = SC_TITLE | SC_BODY;
	else if (!strcmp(s, "employer"))
		*out = SC_EMPLOYER;
	else
		return TJ_EPARSE;
	return TJ_OK;
}

static enum tj_code parse_weight(const char *s, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < -100 || v > 100)
		return TJ_EPARSE;
	*out = (int)v;
	return TJ_OK;
}

/*
 * One lexicon line, already split into its six fields.  On error returns
 * TJ_EPARSE with "PATH:LINE: ..." in tj_errmsg().
 */
static enum tj_code load_line(struct classifier *c, const char *path, int lineno,
			      char **f)
{
	struct signal *s = &c->sig[c->n];
	int errcode = 0, e;
	PCRE2_SIZE erroff = 0;
	uint32_t pairs = 0;

	memset(s, 0, sizeof(*s));
	s->line = lineno;
	if (!valid_code(f[0]))
		return tj_error(TJ_EPARSE, "%s:%d: code '%s' must be [a-z0-9_]+", path, lineno, f[0]);
	for (e = 0; e < EF_COUNT; e++)
		if (!strcmp(f[1], effect_names[e]))
			break;
	if (e == EF_COUNT)
		return tj_error(TJ_EPARSE, "%s:%d: unknown effect '%s'", path, lineno, f[1]);
	s->effect = (enum effect)e;
	if (parse_scope(f[2], &s->scope))
		return tj_error(TJ_EPARSE, "%s:%d: unknown scope '%s' (title, body, text, employer)",
				path, lineno, f[2]);
	if (parse_weight(f[3], &s->weight))
		return tj_error(TJ_EPARSE, "%s:%d: weight '%s' is not an integer in -100..100",
				path, lineno, f[3]);
	if (strcmp(f[4], "en") && strcmp(f[4], "nl") && strcmp(f[4], "de") && strcmp(f[4], "any"))
		return tj_error(TJ_EPARSE, "%s:%d: language '%s' is not en, nl, de or any",
				path, lineno, f[4]);
	if (!*f[5])
		return tj_error(TJ_EPARSE, "%s:%d: empty pattern", path, lineno);
	s->re = pcre2_compile((PCRE2_SPTR)f[5], PCRE2_ZERO_TERMINATED,
			      PCRE2_CASELESS | PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF,
			      &errcode, &erroff, NULL);
	if (!s->re) {
		PCRE2_UCHAR msg[256];

		pcre2_get_error_message(errcode, msg, sizeof(msg));
		return tj_error(TJ_EPARSE, "%s:%d: pattern does not compile: %s at offset %zu",
				path, lineno, (const char *)msg, (size_t)erroff);
	}
	/* JIT is an optimisation: without it (no JIT support, no executable
	 * memory) pcre2_match interprets the same pattern */
	(void)pcre2_jit_compile(s->re, PCRE2_JIT_COMPLETE);
	s->code = strdup(f[0]);
	if (!s->code || reqlit_from_pattern(f[5], &s->lit)) {
		pcre2_code_free(s->re);
		free(s->code);
		memset(s, 0, sizeof(*s));
		return tj_error(TJ_ENOMEM, "out of memory loading '%s'", path);
	}
	if (s->effect == EF_LEVEL_BY_GROUP) {
		int any = 0;

		for (int k = 0; k < 5; k++) {
			int g = pcre2_substring_number_from_name(s->re, (PCRE2_SPTR)level_names[k]);

			s->group[k] = g > 0 ? g : 0;
			any |= g > 0;
		}
		if (!any) {
			pcre2_code_free(s->re);
			free(s->code);
			reqlit_release(&s->lit);
			memset(s, 0, sizeof(*s));
			return tj_error(TJ_EPARSE, "%s:%d: effect 'level' needs a named group "
					"(?<junior>...), (?<medior>...), (?<senior>...), "
					"(?<graduate>...) or (?<internship>...)", path, lineno);
		}
	}
	if (pcre2_pattern_info(s->re, PCRE2_INFO_CAPTURECOUNT, &pairs) == 0 &&
	    pairs + 1 > c->max_pairs)
		c->max_pairs = pairs + 1;
	c->n++;
	return TJ_OK;
}

static enum tj_code load_lexicon(struct classifier *c, const char *path)
{
	char *text = NULL, *line, *next;
	size_t len, cap = 0;
	int lineno = 0;
	enum tj_code rc;

	rc = tj_read_file(path, LEXICON_MAX, &text, &len);
	if (rc)
		return rc;
	for (size_t i = 0; i < len; i++)
		if (text[i] == '\n')
			cap++;
	cap++;
	c->sig = calloc(cap, sizeof(*c->sig));
	if (!c->sig) {
		rc = tj_error(TJ_ENOMEM, "out of memory loading '%s'", path);
		goto out;
	}
	for (line = text; line && *line; line = next) {
		char *f[6];
		int nf = 0;
		char *p;

		lineno++;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (*line && line[strlen(line) - 1] == '\r')
			line[strlen(line) - 1] = '\0';
		p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '#')
			continue;
		/* split on tabs: the pattern (last field) may contain spaces */
		f[nf++] = line;
		for (p = line; *p && nf < 6; p++) {
			if (*p == '\t') {
				*p = '\0';
				while (p[1] == '\t')    /* columns may be aligned with tabs */
					p++;
				f[nf++] = p + 1;
			}
		}
		if (nf != 6) {
			rc = tj_error(TJ_EPARSE, "%s:%d: expected 6 tab-separated fields "
				      "(code, effect, scope, weight, language, pattern), got %d",
				      path, lineno, nf);
			goto out;
		}
		rc = load_line(c, path, lineno, f);
		if (rc)
			goto out;
	}
	if (c->n == 0)
		rc = tj_error(TJ_EPARSE, "%s: no signals", path);
out:
	free(text);
	return rc;
}

enum tj_code classifier_load_files(const char *data_dir, const char *lexicon_path,
				   struct classifier **out)
{
	struct classifier *c = calloc(1, sizeof(*c));
	char *path = NULL;
	enum tj_code rc;

	*out = NULL;
	if (!c)
		return tj_error(TJ_ENOMEM, "out of memory loading the classifier");
	if (!data_dir)
		data_dir = tj_data_dir();
	if (!lexicon_path) {
		size_t n = strlen(data_dir) + sizeof("/signals.tsv");

		path = malloc(n);
		if (!path) {
			rc = tj_error(TJ_ENOMEM, "out of memory loading the classifier");
			goto out;
		}
		snprintf(path, n, "%s/signals.tsv", data_dir);
		lexicon_path = path;
	}
	c->max_pairs = 1;
	rc = load_lexicon(c, lexicon_path);
	if (rc)
		goto out;
	rc = reqlit_index_build(&c->sig[0].lit, c->n, sizeof(c->sig[0]), &c->lix);
	if (rc)
		goto out;
	rc = langid_load(data_dir, &c->lid);
	if (rc)
		goto out;
	*out = c;
out:
	free(path);
	if (rc)
		classifier_free(c);
	return rc;
}

enum tj_code classifier_load(const char *data_dir, struct classifier **out)
{
	return classifier_load_files(data_dir, NULL, out);
}

void classifier_free(struct classifier *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		free(c->sig[i].code);
		pcre2_code_free(c->sig[i].re);
		reqlit_release(&c->sig[i].lit);
	}
	free(c->sig);
	reqlit_index_free(c->lix);
	langid_free(c->lid);
	free(c);
}

size_t classifier_signal_count(const struct classifier *c)
{
	return c->n;
}

/* ---- matching ---------------------------------------------------------- */

struct hit {
	const struct signal *s;
	enum effect effect;     /* s->effect, or the level a named group chose */
	enum field field;
	size_t start, end;
	size_t sent;            /* start of the sentence holding `start` */
	bool dead;              /* overruled by a more specific hit */
};

struct text {
	const char *s[F_COUNT];
	size_t len[F_COUNT];
	const unsigned long long *seen[F_COUNT];  /* literals present (reqlit.h) */
};

struct scratch {
	struct hit *hits;
	size_t n, alloc;
};

static bool is_terminator(const char *s, size_t len, size_t i)
{
	unsigned char c = (unsigned char)s[i];

	if (c == '\n' || c == ';' || c == '!' || c == '?')
		return true;
	if (c == '.')   /* "3.5", "e.g.Dutch", "www.x.nl" do not end a sentence */
		return i + 1 >= len || isspace((unsigned char)s[i + 1]);
	/* U+2022 bullet */
	return c == 0xE2 && i + 2 < len && (unsigned char)s[i + 1] == 0x80 &&
	       (unsigned char)s[i + 2] == 0xA2;
}

static size_t sentence_start(const char *s, size_t len, size_t pos)
{
	while (pos > 0 && !is_terminator(s, len, pos - 1))
		pos--;
	return pos;
}

static enum tj_code add_hit(struct scratch *sc, const struct signal *s, enum effect e,
			    enum field f, size_t start, size_t end, const struct text *t)
{
	if (sc->n == sc->alloc) {
		size_t na = sc->alloc ? sc->alloc * 2 : 64;
		struct hit *nh;

		if (na > MAX_HITS)
			return TJ_OK;   /* a pathological page: keep the first MAX_HITS */
		nh = realloc(sc->hits, na * sizeof(*nh));
		if (!nh)
			return tj_error(TJ_ENOMEM, "out of memory classifying a posting");
		sc->hits = nh;
		sc->alloc = na;
	}
	sc->hits[sc->n++] = (struct hit){
		.s = s, .effect = e, .field = f, .start = start, .end = end,
		.sent = sentence_start(t->s[f], t->len[f], start),
	};
	return TJ_OK;
}

static enum tj_code collect(const struct classifier *c, const struct text *t,
			    pcre2_match_data *md, struct scratch *sc)
{
	for (size_t i = 0; i < c->n; i++) {
		const struct signal *s = &c->sig[i];

		for (int f = 0; f < F_COUNT; f++) {
			size_t off = 0;
			int found = 0;

			if (!(s->scope & (1u << f)) || !t->len[f] ||
			    !reqlit_index_test(&s->lit, t->seen[f]))
				continue;
			while (off <= t->len[f] && found < MAX_HITS_PER_SIGNAL) {
				PCRE2_SIZE *ov;
				int rc = pcre2_match(s->re, (PCRE2_SPTR)t->s[f], t->len[f], off,
						     0, md, NULL);
				enum tj_code trc;

				/* no match, or a resource limit on a hostile text:
				 * either way this pattern says nothing more */
				if (rc < 0)
					break;
				ov = pcre2_get_ovector_pointer(md);
				if (ov[1] > ov[0]) {
					enum effect e = s->effect;

					for (int k = 0; e == EF_LEVEL_BY_GROUP && k < 5; k++)
						if (s->group[k] && s->group[k] < rc &&
						    ov[2 * s->group[k]] != PCRE2_UNSET)
							e = (enum effect)(EF_LEVEL_INTERNSHIP + k);
					if (e == EF_LEVEL_BY_GROUP) {   /* no group took part */
						off = ov[1];
						continue;
					}
					trc = add_hit(sc, s, e, (enum field)f, ov[0], ov[1], t);
					if (trc)
						return trc;
					found++;
					off = ov[1];
				} else {
					off = ov[0] + 1;
				}
			}
		}
	}
	return TJ_OK;
}

/* Drop requirement hits that a negation, "a plus" or "to be learned" hit
 * in the same sentence qualifies. */
static void resolve(struct scratch *sc)
{
	for (size_t i = 0; i < sc->n; i++) {
		struct hit *h = &sc->hits[i];

		if (h->effect != EF_DUTCH_REQUIRED && h->effect != EF_GERMAN_REQUIRED)
			continue;
		for (size_t j = 0; j < sc->n; j++) {
			const struct hit *o = &sc->hits[j];
			enum effect e = o->effect;
			bool qualifies;

			if (h->effect == EF_DUTCH_REQUIRED)
				qualifies = e == EF_DUTCH_NOT_REQUIRED || e == EF_DUTCH_PLUS ||
					    e == EF_DUTCH_LEARN;
			else
				qualifies = e == EF_GERMAN_NOT_REQUIRED;
			if (!qualifies || o->field != h->field)
				continue;
			if (o->sent == h->sent || (o->start < h->end && h->start < o->end)) {
				h->dead = true;
				break;
			}
		}
	}
}

/* ---- the result -------------------------------------------------------- */

static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Length of the longest valid UTF-8 prefix of s[0..len). */
static size_t utf8_valid_prefix(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		unsigned char c = u[i];
		size_t n;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			n = 2;
		else if (c >= 0xE0 && c <= 0xEF)
			n = 3;
		else if (c >= 0xF0 && c <= 0xF4)
			n = 4;
		else
			break;
		if (i + n > len)
			break;
		for (size_t k = 1; k < n; k++)
			if ((u[i + k] & 0xC0) != 0x80)
				return i;
		if ((c == 0xE0 && u[i + 1] < 0xA0) || (c == 0xED && u[i + 1] > 0x9F) ||
		    (c == 0xF0 && u[i + 1] < 0x90) || (c == 0xF4 && u[i + 1] > 0x8F))
			break;
		i += n;
	}
	return i;
}

/* s[start..end) trimmed and capped at a character boundary, as a reason. */
static enum tj_code add_reason(json_t *reasons, const char *code, const char *s,
			       size_t start, size_t end)
{
	json_t *r;
	size_t n;

	while (start < end && is_space((unsigned char)s[start]))
		start++;
	while (end > start && is_space((unsigned char)s[end - 1]))
		end--;
	n = end - start;
	if (n > CLASSIFY_EVIDENCE_MAX) {
		n = CLASSIFY_EVIDENCE_MAX;
		while (n > 0 && ((unsigned char)s[start + n] & 0xC0) == 0x80)
			n--;
	}
	n = utf8_valid_prefix(s + start, n);
	if (!n)
		return TJ_OK;
	/* one reason per code and evidence */
	for (size_t i = 0; i < json_array_size(reasons); i++) {
		json_t *o = json_array_get(reasons, i);
		json_t *ev = json_object_get(o, "evidence");

		if (!strcmp(json_string_value(json_object_get(o, "code")), code) &&
		    json_string_length(ev) == n && !memcmp(json_string_value(ev), s + start, n))
			return TJ_OK;
	}
	if (json_array_size(reasons) >= MAX_REASONS)
		return TJ_OK;
	r = json_pack("{s:s, s:s%}", "code", code, "evidence", s + start, n);
	if (!r || json_array_append_new(reasons, r))
		return tj_error(TJ_ENOMEM, "out of memory building reasons");
	return TJ_OK;
}

static enum tj_code add_hit_reason(json_t *reasons, const struct text *t, const struct hit *h)
{
	return add_reason(reasons, h->s->code, t->s[h->field], h->start, h->end);
}

/* The first sentence of the field, as the language reason's evidence. */
static enum tj_code add_language_reason(json_t *reasons, const struct text *t, const char *lang)
{
	enum field f = t->len[F_BODY] ? F_BODY : F_TITLE;
	const char *s = t->s[f];
	size_t len = t->len[f], i = 0, end;
	const char *code;

	if (!strcmp(lang, "en"))
		code = "english_posting";
	else if (!strcmp(lang, "nl"))
		code = "dutch_posting";
	else if (!strcmp(lang, "de"))
		code = "german_posting";
	else if (strcmp(lang, "und"))
		code = "other_language_posting";
	else
		return TJ_OK;
	while (i < len && is_space((unsigned char)s[i]))
		i++;
	end = i;
	while (end < len && !is_terminator(s, len, end))
		end++;
	if (end < len && s[end] != '\n')
		end++;          /* keep the full stop */
	return add_reason(reasons, code, s, i, end);
}

static int clamp(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static void set_str(char *dst, size_t n, const char *v)
{
	snprintf(dst, n, "%s", v);
}

static enum tj_code decide(const struct classifier *c, struct posting *p,
			   const struct text *t, struct scratch *sc, const char *hint)
{
	struct classification *cls = &p->cls;
	bool have[EF_COUNT] = { false };
	struct langid_result lr;
	struct buf all;
	const struct hit *level_hit = NULL, *adv_hit = NULL;
	const struct hit *emp_agency = NULL, *direct = NULL, *body_agency = NULL;
	int score, intl_hints = 0, sum = 0;
	const char *label;
	enum tj_code rc = TJ_OK;

	/* language, from title and description together: at most 1024 bytes
	 * of title, its newline and LANGID_MAX_SCAN of description (the cap
	 * once forgot the newline, so a long title with a long description
	 * failed as "out of memory") */
	buf_init(&all, (size_t)LANGID_MAX_SCAN + 1024 + 1);
	if (t->len[F_TITLE] && (buf_add(&all, t->s[F_TITLE],
					t->len[F_TITLE] > 1024 ? 1024 : t->len[F_TITLE]) ||
				buf_addc(&all, '\n')))
		goto oom;
	if (t->len[F_BODY] && buf_add(&all, t->s[F_BODY],
				      t->len[F_BODY] > LANGID_MAX_SCAN ? LANGID_MAX_SCAN
								       : t->len[F_BODY]))
		goto oom;
	langid_detect(c->lid, buf_str(&all), all.len, &lr);
	buf_release(&all);
	set_str(cls->language, sizeof(cls->language), lr.lang);
	cls->language_confidence = round(lr.confidence * 1000) / 1000;

	cls->reasons = json_array();
	if (!cls->reasons)
		goto oom;
	rc = add_language_reason(cls->reasons, t, lr.lang);
	if (rc)
		goto out;

	/* international signals: every live hit is used */
	for (size_t i = 0; i < sc->n; i++) {
		const struct hit *h = &sc->hits[i];
		enum effect e = h->effect;

		if (h->dead || is_level(e) || e == EF_AGENCY || e == EF_DIRECT)
			continue;
		have[e] = true;
		if (e == EF_INTL_SUPPORT)
			intl_hints++;
		/* each code's weight counts once */
		{
			bool seen = false;

			for (size_t j = 0; j < i && !seen; j++)
				seen = !sc->hits[j].dead && !strcmp(sc->hits[j].s->code, h->s->code);
			if (!seen)
				sum += h->s->weight;
		}
		rc = add_hit_reason(cls->reasons, t, h);
		if (rc)
			goto out;
	}
	cls->dutch_required = have[EF_DUTCH_REQUIRED];
	if (have[EF_DUTCH_REQUIRED])
		label = "no";
	else if (have[EF_DUTCH_LEARN])
		label = "maybe";
	else if (have[EF_DUTCH_PLUS] && !have[EF_DUTCH_NOT_REQUIRED])
		label = "maybe";
	else if (have[EF_ENGLISH_OK] || have[EF_DUTCH_NOT_REQUIRED])
		label = "yes";
	else if (!strcmp(lr.lang, "en") || !strcmp(lr.lang, "de"))
		label = "yes";
	else if (!strcmp(lr.lang, "nl"))
		label = intl_hints ? "maybe" : "no";
	else
		label = "maybe";
	score = !strcmp(lr.lang, "en") ? 75 : !strcmp(lr.lang, "de") ? 65 :
		!strcmp(lr.lang, "nl") ? 25 : 45;
	score += sum;
	if (!strcmp(label, "yes"))
		score = clamp(score, 65, 100);
	else if (!strcmp(label, "maybe"))
		score = clamp(score, 35, 64);
	else
		score = clamp(score, 0, 34);
	set_str(cls->intl_label, sizeof(cls->intl_label), label);
	cls->intl_score = score;

	/* level: the title first */
	for (size_t i = 0; i < sc->n; i++) {
		const struct hit *h = &sc->hits[i];

		if (!is_level(h->effect) || h->field != F_TITLE)
			continue;
		if (!level_hit ||
		    (h->effect == EF_LEVEL_INTERNSHIP && level_hit->effect != EF_LEVEL_INTERNSHIP) ||
		    ((h->effect == EF_LEVEL_INTERNSHIP) == (level_hit->effect == EF_LEVEL_INTERNSHIP) &&
		     h->start < level_hit->start))
			level_hit = h;
	}
	if (!level_hit) {
		for (size_t i = 0; i < sc->n; i++) {
			const struct hit *h = &sc->hits[i];

			if (!is_level(h->effect) || h->field != F_BODY)
				continue;
			if (!level_hit || h->s->weight > level_hit->s->weight ||
			    (h->s->weight == level_hit->s->weight && h->start < level_hit->start))
				level_hit = h;
		}
	}
	if (level_hit) {
		set_str(cls->level, sizeof(cls->level),
			level_names[level_hit->effect - EF_LEVEL_INTERNSHIP]);
		rc = add_hit_reason(cls->reasons, t, level_hit);
		if (rc)
			goto out;
	} else {
		set_str(cls->level, sizeof(cls->level), "unknown");
	}

	/* advertiser */
	for (size_t i = 0; i < sc->n; i++) {
		const struct hit *h = &sc->hits[i];

		if (h->effect == EF_AGENCY && h->field == F_EMPLOYER && !emp_agency)
			emp_agency = h;
		else if (h->effect == EF_AGENCY && h->field != F_EMPLOYER && !body_agency)
			body_agency = h;
		else if (h->effect == EF_DIRECT && !direct)
			direct = h;
	}
	/* the rule's "agency" is fact (and has no text to show); then an agency
	 * name; then "no agencies please"; then agency wording */
	if (hint && !strcmp(hint, "agency"))
		adv_hit = NULL;
	else if (emp_agency)
		adv_hit = emp_agency;
	else if (direct)
		adv_hit = direct;
	else
		adv_hit = body_agency;
	set_str(cls->advertiser, sizeof(cls->advertiser),
		(hint && !strcmp(hint, "agency")) || (adv_hit && adv_hit->effect == EF_AGENCY)
		? "agency" : "employer");
	if (adv_hit)
		rc = add_hit_reason(cls->reasons, t, adv_hit);
	goto out;
oom:
	buf_release(&all);
	rc = tj_error(TJ_ENOMEM, "out of memory classifying a posting");
out:
	return rc;
}

enum tj_code classify_posting(const struct classifier *c, struct posting *p,
			      const char *advertiser_hint)
{
	struct text t = { { p->title, p->description, p->employer }, { 0 }, { 0 } };
	struct scratch sc = { 0 };
	pcre2_match_data *md = NULL;
	unsigned long long *seen = NULL;
	size_t words = reqlit_index_words(c->lix) + 1;
	enum tj_code rc;

	classification_release(&p->cls);
	p->cls.done = false;
	for (int f = 0; f < F_COUNT; f++) {
		if (!t.s[f])
			t.s[f] = "";
		t.len[f] = strlen(t.s[f]);
	}
	seen = calloc(F_COUNT * words, sizeof(*seen));
	md = pcre2_match_data_create(c->max_pairs, NULL);
	if (!md || !seen) {
		rc = tj_error(TJ_ENOMEM, "out of memory classifying a posting");
		goto out;
	}
	for (size_t f = 0; f < F_COUNT; f++) {
		reqlit_index_scan(c->lix, t.s[f], t.len[f], seen + f * words);
		t.seen[f] = seen + f * words;
	}
	rc = collect(c, &t, md, &sc);
	if (rc)
		goto out;
	resolve(&sc);
	rc = decide(c, p, &t, &sc, advertiser_hint);
	if (rc)
		goto out;
	p->cls.done = true;
out:
	if (rc)
		classification_release(&p->cls);
	pcre2_match_data_free(md);
	free(seen);
	free(sc.hits);
	return rc;
}

size_t classifier_prefilter_misses(const struct classifier *c, const char *text)
{
	size_t len = strlen(text), misses = 0;
	unsigned long long *seen = calloc(reqlit_index_words(c->lix) + 1, sizeof(*seen));
	pcre2_match_data *md = pcre2_match_data_create(c->max_pairs, NULL);

	if (!seen || !md)
		goto out;
	reqlit_index_scan(c->lix, text, len, seen);
	for (size_t i = 0; i < c->n; i++)
		if (pcre2_match(c->sig[i].re, (PCRE2_SPTR)text, len, 0, 0, md, NULL) >= 0 &&
		    !reqlit_index_test(&c->sig[i].lit, seen))
			misses++;
out:
	free(seen);
	pcre2_match_data_free(md);
	return misses;
}

/* ---- twentejobs classify ----------------------------------------------- */

static void classify_usage(FILE *out)
{
	fprintf(out,
		"usage: twentejobs classify [--data DIR] FILE\n\n"
		"Classify one posting given as a JSON object with \"title\", \"description\"\n"
		"and optionally \"employer\", \"location\" and \"advertiser\" (the source rule's\n"
		"\"employer\" or \"agency\").  FILE '-' reads standard input.  Prints the\n"
		"classification object: language, international label, score and reasons,\n"
		"dutch_required, level and advertiser.\n\n"
		"options:\n"
		"  --data DIR   read signals.tsv and lang/ from DIR instead of the data directory\n"
		"  -h, --help   show this help\n");
}

static enum tj_code read_stdin(char **out, size_t *len)
{
	struct buf b;
	char chunk[65536];
	size_t n;

	buf_init(&b, (size_t)16 << 20);
	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0) {
		enum tj_code rc = buf_add(&b, chunk, n);

		if (rc) {
			buf_release(&b);
			return tj_error(rc, "'-': %s", rc == TJ_ETOOBIG ? "input larger than 16 MB"
								      : "out of memory");
		}
	}
	if (ferror(stdin)) {
		buf_release(&b);
		return tj_error(TJ_EIO, "'-': cannot read standard input: %s", strerror(errno));
	}
	*out = buf_detach(&b, len);
	if (!*out)
		return tj_error(TJ_ENOMEM, "out of memory reading standard input");
	return TJ_OK;
}

int cmd_classify(int argc, char **argv)
{
	const char *data_dir = NULL, *file = NULL;
	struct classifier *c = NULL;
	struct posting p;
	char *text = NULL;
	size_t len = 0;
	json_t *in = NULL, *out = NULL, *hint;
	json_error_t jerr;
	int status = 1;
	enum tj_code rc;

	posting_init(&p);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			classify_usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "--data")) {
			if (++i >= argc) {
				fprintf(stderr, "twentejobs classify: '--data' needs a directory\n");
				return 2;
			}
			data_dir = argv[i];
		} else if (!strncmp(argv[i], "--data=", 7)) {
			data_dir = argv[i] + 7;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "twentejobs classify: unknown option '%s'\n", argv[i]);
			classify_usage(stderr);
			return 2;
		} else if (file) {
			fprintf(stderr, "twentejobs classify: one FILE only, got '%s' too\n", argv[i]);
			return 2;
		} else {
			file = argv[i];
		}
	}
	if (!file) {
		classify_usage(stderr);
		return 2;
	}
	rc = !strcmp(file, "-") ? read_stdin(&text, &len)
				: tj_read_file(file, (size_t)16 << 20, &text, &len);
	if (rc) {
		fprintf(stderr, "twentejobs classify: %s\n", tj_errmsg());
		goto out;
	}
	in = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!in) {
		fprintf(stderr, "twentejobs classify: '%s': line %d column %d: %s\n",
			file, jerr.line, jerr.column, jerr.text);
		goto out;
	}
	if (!json_is_object(in)) {
		fprintf(stderr, "twentejobs classify: '%s': expected a JSON object\n", file);
		goto out;
	}
	if (posting_from_json(&p, in)) {
		fprintf(stderr, "twentejobs classify: '%s': %s\n", file, tj_errmsg());
		goto out;
	}
	hint = json_object_get(in, "advertiser");
	if (hint && !json_is_string(hint) && !json_is_null(hint)) {
		fprintf(stderr, "twentejobs classify: '%s': 'advertiser': expected a string\n", file);
		goto out;
	}
	if (classifier_load(data_dir, &c)) {
		fprintf(stderr, "twentejobs classify: %s\n", tj_errmsg());
		goto out;
	}
	if (classify_posting(c, &p, json_string_value(hint))) {
		fprintf(stderr, "twentejobs classify: '%s': %s\n", file, tj_errmsg());
		goto out;
	}
	out = classification_to_json(&p.cls);
	if (!out || json_dumpf(out, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(4)) ||
	    fputc('\n', stdout) == EOF || fflush(stdout)) {
		fprintf(stderr, "twentejobs classify: cannot write the result\n");
		goto out;
	}
	status = 0;
out:
	json_decref(out);
	json_decref(in);
	free(text);
	posting_release(&p);
	classifier_free(c);
	return status;
}
