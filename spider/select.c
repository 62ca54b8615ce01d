/*
 * select.c - a CSS selector subset on gumbo trees (see select.h for the
 * subset and the matching semantics).
 *
 * Compiling.  A recursive-descent parser over `const char **p` in the
 * house style (curl docs/internals/STRPARSE.md): each parser advances *p
 * on success and returns TJ_OK or TJ_EPARSE with "... at offset N", so
 * they chain with ||.  The grammar is the Selectors Level 4 one reduced to
 * the subset; CSS Syntax Level 3 decides identifiers, strings and escapes.
 * The only recursion is :not(), which takes one compound and cannot nest.
 * A group compiles to a flat array of compounds; each compound records
 * the combinator that links it to the compound before it (none for the
 * first of each comma-separated part).
 *
 * Matching.  Right-to-left matching with backtracking (browsers) is
 * exponential in the worst case on "a b a b a b" chains unless carefully
 * memoised.  We go the other way: one top-down walk computes for each
 * element the mask M(e) of compounds i such that e matches the prefix
 * ending in compound i:
 *
 *   i in M(e)  <=>  compound i matches e, and, by i's combinator,
 *                   none:       true
 *                   descendant: i-1 in M(a) for some ancestor a
 *                   child:      i-1 in M(parent)
 *                   next (+):   i-1 in M(previous element sibling)
 *                   sibling(~): i-1 in M(s) for some previous sibling s
 *
 * so each frame of the walk's explicit stack carries its element's mask,
 * the OR over its ancestors, and the running mask of its children so far.
 * An element matches when a compound that ends a part is in M(e).  Cost:
 * O(elements x compounds), independent of how the combinators mix.
 *
 * Sibling positions for :nth-*() are computed once per parent, for all
 * its children, when its frame is pushed (only when the selector uses
 * them): an array indexed by the child's index in the parent, with the
 * position among element siblings and among siblings of the same type
 * from both ends.  Tags gumbo does not know ("job-card") are told apart
 * by name with a small hash table, so 100 000 custom siblings stay linear.
 *
 * A scoped search (select_all on an element) first computes the masks of
 * the root's ancestors, and of their previous siblings when the selector
 * has sibling combinators, so combinators can reach outside the root as
 * in querySelectorAll(); then it walks the root's subtree.
 *
 * Limits: SELECT_MAX_LEN bytes, SELECT_MAX_COMPOUNDS compounds (one bit of
 * a uint64_t each), AN+B coefficients up to +-1 000 000.
 */
#include "select.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "html.h"

#define NTH_MAX 1000000L

enum simple_kind { K_TYPE, K_ID, K_CLASS, K_ATTR, K_NTH, K_SCOPE, K_ROOT, K_NOT };
enum attr_op { OP_EXISTS, OP_EQ, OP_WORD, OP_DASH, OP_PREFIX, OP_SUFFIX, OP_SUBSTR };
enum comb { C_NONE, C_DESC, C_CHILD, C_NEXT, C_SIB };

#define NTH_OF_TYPE 1u
#define NTH_FROM_END 2u

struct compound;

struct simple {
	unsigned char kind;     /* enum simple_kind */
	unsigned char op;       /* K_ATTR: enum attr_op */
	unsigned char nth;      /* K_NTH: NTH_* flags */
	bool icase;             /* K_ATTR: the ' i' flag */
	GumboTag tag;           /* K_TYPE; GUMBO_TAG_UNKNOWN: compare name */
	char *name;             /* type (lowercase), id, class, attribute (lowercase) */
	size_t name_len;
	char *value;            /* K_ATTR value */
	size_t value_len;
	long a, b;              /* K_NTH: AN+B */
	struct compound *inner; /* K_NOT */
};

struct compound {
	struct simple *v;       /* all must match; none: the universal selector */
	size_t n;
	enum comb comb;         /* link to the compound before it */
};

struct selector {
	char *source;
	struct compound c[SELECT_MAX_COMPOUNDS];
	size_t n;
	uint64_t last;          /* compounds that end a comma-separated part */
	uint64_t scope_last;    /* those of them that contain :scope */
	bool need_sib;          /* uses + or ~ */
	bool need_nth;          /* uses :nth-*() and friends */
};

/* ------------------------------------------------------------------ */
/* Compiling                                                           */

struct parser {
	const char *start;
	struct selector *sel;
	size_t err_off;
	bool in_not;
};

static enum tj_code perr(struct parser *ps, const char *at, const char *fmt, ...) TJ_PRINTF(3, 4);
static enum tj_code perr(struct parser *ps, const char *at, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ps->err_off = (size_t)(at - ps->start);
	return tj_error(TJ_EPARSE, "%s at offset %zu", msg, ps->err_off);
}

static enum tj_code poom(void)
{
	return tj_error(TJ_ENOMEM, "out of memory compiling a selector");
}

/* The character at s, printable, for messages. */
static const char *show_char(const char *s, char out[16])
{
	unsigned char c = (unsigned char)*s;
	size_t n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;

	if (c >= 0x80 && c < 0xc0)
		n = 0;
	for (size_t i = 1; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n = 0;
	if (c > 0x20 && c < 0x7f) {
		out[0] = (char)c;
		out[1] = '\0';
	} else if (n > 1) {
		memcpy(out, s, n);
		out[n] = '\0';
	} else {
		snprintf(out, 16, "\\x%02x", c);
	}
	return out;
}

static enum tj_code unexpected(struct parser *ps, const char *at)
{
	char ch[16];

	if (!*at)
		return perr(ps, at, "unexpected end of selector");
	return perr(ps, at, "unexpected '%s'", show_char(at, ch));
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static bool skip_ws(const char **p)
{
	const char *s = *p;

	while (is_ws(**p))
		(*p)++;
	return *p != s;
}

static bool is_name_start(unsigned char c)
{
	return isalpha(c) || c == '_' || c >= 0x80;
}

static bool is_name_char(unsigned char c)
{
	return is_name_start(c) || isdigit(c) || c == '-';
}

static bool is_valid_escape(const char *s)
{
	return s[0] == '\\' && s[1] != '\n' && s[1] != '\r' && s[1] != '\f' && s[1] != '\0';
}

/* Does an identifier start at s (CSS Syntax 4.3.9)? */
static bool ident_starts(const char *s)
{
	if (s[0] == '-')
		return is_name_start((unsigned char)s[1]) || s[1] == '-' || is_valid_escape(s + 1);
	return is_name_start((unsigned char)s[0]) || is_valid_escape(s);
}

static enum tj_code add_utf8(struct buf *b, unsigned long cp)
{
	char u[4];
	size_t n;

	if (cp == 0 || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		cp = 0xfffd;
	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	return buf_add(b, u, n);
}

/* At a valid escape: append what it stands for and move past it. */
static enum tj_code parse_escape(const char **p, struct buf *b)
{
	const char *s = *p + 1;

	if (isxdigit((unsigned char)*s)) {
		unsigned long cp = 0;

		for (int i = 0; i < 6 && isxdigit((unsigned char)*s); i++, s++)
			cp = cp * 16 + (unsigned long)(isdigit((unsigned char)*s) ? *s - '0'
						       : tolower((unsigned char)*s) - 'a' + 10);
		if (*s == '\r' && s[1] == '\n')
			s += 2;
		else if (is_ws(*s))
			s++;
		*p = s;
		return add_utf8(b, cp);
	}
	/* any other character stands for itself, a whole UTF-8 sequence */
	{
		size_t n = 1;

		while (((unsigned char)s[n] & 0xc0) == 0x80 && n < 4)
			n++;
		*p = s + n;
		return buf_add(b, s, n);
	}
}

/* An identifier (or, with name_only, a run of name characters: #id). */
static enum tj_code parse_ident(struct parser *ps, const char **p, bool name_only, bool lower,
				const char *what, char **out, size_t *len)
{
	struct buf b;
	const char *s = *p;
	enum tj_code rc = TJ_OK;

	if (name_only ? !(is_name_char((unsigned char)*s) || is_valid_escape(s)) : !ident_starts(s)) {
		char ch[16];

		if (!*s)
			return perr(ps, s, "expected %s, found the end", what);
		return perr(ps, s, "expected %s, found '%s'", what, show_char(s, ch));
	}
	buf_init(&b, SELECT_MAX_LEN * 4);
	while (!rc) {
		if (is_valid_escape(s)) {
			rc = parse_escape(&s, &b);
		} else if (is_name_char((unsigned char)*s)) {
			char c = lower ? (char)tolower((unsigned char)*s) : *s;

			rc = buf_addc(&b, c);
			s++;
		} else {
			break;
		}
	}
	if (rc || !(*out = buf_detach(&b, len))) {
		buf_release(&b);
		return poom();
	}
	*p = s;
	return TJ_OK;
}

/* A quoted string at *p ('"' or '\''). */
static enum tj_code parse_string(struct parser *ps, const char **p, char **out, size_t *len)
{
	const char *s = *p, *open = *p;
	char q = *s++;
	struct buf b;
	enum tj_code rc = TJ_OK;

	buf_init(&b, SELECT_MAX_LEN * 4);
	for (;;) {
		if (!*s) {
			buf_release(&b);
			return perr(ps, open, "unterminated string");
		}
		if (*s == q) {
			s++;
			break;
		}
		if (*s == '\n' || *s == '\r' || *s == '\f') {
			buf_release(&b);
			return perr(ps, s, "newline in a string");
		}
		if (*s == '\\') {
			if (s[1] == '\n' || s[1] == '\f') {
				s += 2;         /* an escaped newline continues the string */
				continue;
			}
			if (s[1] == '\r') {
				s += s[2] == '\n' ? 3 : 2;
				continue;
			}
			if (!s[1]) {
				s++;
				continue;       /* reported as unterminated next round */
			}
			rc = parse_escape(&s, &b);
		} else {
			rc = buf_addc(&b, *s++);
		}
		if (rc) {
			buf_release(&b);
			return poom();
		}
	}
	if (!(*out = buf_detach(&b, len)))
		return poom();
	*p = s;
	return TJ_OK;
}

static enum tj_code add_simple(struct compound *c, const struct simple *s)
{
	struct simple *v = realloc(c->v, (c->n + 1) * sizeof(*v));

	if (!v)
		return poom();
	c->v = v;
	v[c->n++] = *s;
	return TJ_OK;
}

static void compound_release(struct compound *c);

static void simple_release(struct simple *s)
{
	free(s->name);
	free(s->value);
	if (s->inner) {
		compound_release(s->inner);
		free(s->inner);
	}
}

static void compound_release(struct compound *c)
{
	for (size_t i = 0; i < c->n; i++)
		simple_release(&c->v[i]);
	free(c->v);
	c->v = NULL;
	c->n = 0;
}

/* [name], [name=value], [name op value i] - at the '['. */
static enum tj_code parse_attr(struct parser *ps, const char **p, struct simple *s)
{
	static const struct { char c; enum attr_op op; } ops[] = {
		{ '~', OP_WORD }, { '|', OP_DASH }, { '^', OP_PREFIX }, { '$', OP_SUFFIX },
		{ '*', OP_SUBSTR },
	};
	const char *q = *p + 1;
	enum tj_code rc;

	s->kind = K_ATTR;
	skip_ws(&q);
	if ((rc = parse_ident(ps, &q, false, true, "an attribute name", &s->name, &s->name_len)))
		return rc;
	skip_ws(&q);
	if (*q == ']') {
		s->op = OP_EXISTS;
		*p = q + 1;
		return TJ_OK;
	}
	if (*q == '=') {
		s->op = OP_EQ;
		q++;
	} else {
		size_t i;

		for (i = 0; i < sizeof(ops) / sizeof(ops[0]) && ops[i].c != *q; i++)
			;
		if (i == sizeof(ops) / sizeof(ops[0]) || q[1] != '=') {
			char ch[16];

			if (!*q)
				return perr(ps, q, "expected ']', found the end");
			return perr(ps, q, "expected '=' or ']' in an attribute selector, found '%s'",
				    show_char(q, ch));
		}
		s->op = ops[i].op;
		q += 2;
	}
	skip_ws(&q);
	if (*q == '"' || *q == '\'')
		rc = parse_string(ps, &q, &s->value, &s->value_len);
	else
		rc = parse_ident(ps, &q, false, false, "a value (an identifier or a quoted string)",
				 &s->value, &s->value_len);
	if (rc)
		return rc;
	skip_ws(&q);
	if ((*q == 'i' || *q == 'I' || *q == 's' || *q == 'S') &&
	    (is_ws(q[1]) || q[1] == ']')) {
		s->icase = *q == 'i' || *q == 'I';
		q++;
		skip_ws(&q);
	}
	if (*q != ']') {
		char ch[16];

		if (!*q)
			return perr(ps, q, "expected ']', found the end");
		return perr(ps, q, "expected ']', found '%s'", show_char(q, ch));
	}
	*p = q + 1;
	return TJ_OK;
}

/* A non-negative integer, capped; false when none. */
static bool parse_uint(const char **p, long *out)
{
	long v = 0;
	const char *s = *p;

	if (!isdigit((unsigned char)*s))
		return false;
	for (; isdigit((unsigned char)*s); s++)
		if (v <= NTH_MAX)
			v = v * 10 + (*s - '0');
	*out = v > NTH_MAX ? NTH_MAX + 1 : v;
	*p = s;
	return true;
}

/* AN+B (CSS Syntax 6), up to the ')', which is consumed too. */
static enum tj_code parse_anb(struct parser *ps, const char **p, long *a, long *b)
{
	const char *s = *p;
	long sign = 1, v = 0;
	bool digits;

	skip_ws(&s);
	if (!strncasecmp(s, "odd", 3) && !is_name_char((unsigned char)s[3])) {
		*a = 2, *b = 1, s += 3;
	} else if (!strncasecmp(s, "even", 4) && !is_name_char((unsigned char)s[4])) {
		*a = 2, *b = 0, s += 4;
	} else {
		if (*s == '+' || *s == '-')
			sign = *s++ == '-' ? -1 : 1;
		digits = parse_uint(&s, &v);
		if (*s == 'n' || *s == 'N') {
			*a = sign * (digits ? v : 1);
			s++;
			skip_ws(&s);
			*b = 0;
			if (*s == '+' || *s == '-') {
				long sb = *s++ == '-' ? -1 : 1;

				skip_ws(&s);
				if (!parse_uint(&s, &v))
					return perr(ps, s, "expected a number after the sign in AN+B");
				*b = sb * v;
			}
		} else if (digits) {
			*a = 0;
			*b = sign * v;
		} else {
			return perr(ps, s, "expected AN+B (a number, odd, even or a form like 2n+1)");
		}
	}
	if (*a > NTH_MAX || *a < -NTH_MAX || *b > NTH_MAX || *b < -NTH_MAX)
		return perr(ps, *p, "AN+B numbers must lie within -1000000 and 1000000");
	skip_ws(&s);
	if (*s != ')')
		return *s ? unexpected(ps, s) : perr(ps, s, "expected ')', found the end");
	*p = s + 1;
	return TJ_OK;
}

static enum tj_code parse_compound(struct parser *ps, const char **p, struct compound *c);

/* ':' pseudo-class, at the ':'. May add two simples (:only-child). */
static enum tj_code parse_pseudo(struct parser *ps, const char **p, struct compound *c)
{
	static const struct {
		const char *name;
		unsigned nth;   /* NTH_* flags */
		long a, b;      /* fixed AN+B; a < 0 && b < 0 never occurs: see args */
		bool args;      /* takes (AN+B) */
	} nths[] = {
		{ "nth-child", 0, 0, 0, true },
		{ "nth-last-child", NTH_FROM_END, 0, 0, true },
		{ "nth-of-type", NTH_OF_TYPE, 0, 0, true },
		{ "nth-last-of-type", NTH_OF_TYPE | NTH_FROM_END, 0, 0, true },
		{ "first-child", 0, 0, 1, false },
		{ "last-child", NTH_FROM_END, 0, 1, false },
		{ "first-of-type", NTH_OF_TYPE, 0, 1, false },
		{ "last-of-type", NTH_OF_TYPE | NTH_FROM_END, 0, 1, false },
	};
	const char *at = *p, *q = *p + 1;
	char *name = NULL;
	size_t len;
	struct simple s;
	enum tj_code rc;
	bool fn;

	memset(&s, 0, sizeof(s));
	if (*q == ':') {
		const char *e = q + 1;

		while (is_name_char((unsigned char)*e) && e - at < 40)
			e++;
		return perr(ps, at, "pseudo-element '%.*s' is not supported", (int)(e - at), at);
	}
	if ((rc = parse_ident(ps, &q, false, true, "a pseudo-class name", &name, &len)))
		return rc;
	fn = *q == '(';
	if (fn)
		q++;
	for (size_t i = 0; i < sizeof(nths) / sizeof(nths[0]); i++) {
		if (strcmp(name, nths[i].name))
			continue;
		if (fn != nths[i].args) {
			rc = perr(ps, at, nths[i].args ? "':%s' needs an argument, e.g. ':%s(2)'"
				  : "':%s' takes no argument", name, name);
			goto out;
		}
		s.kind = K_NTH;
		s.nth = (unsigned char)nths[i].nth;
		s.a = nths[i].a;
		s.b = nths[i].b;
		if (fn && (rc = parse_anb(ps, &q, &s.a, &s.b)))
			goto out;
		ps->sel->need_nth = true;
		rc = add_simple(c, &s);
		goto out;
	}
	if (!fn && !strcmp(name, "only-child")) {
		struct simple first = { .kind = K_NTH, .b = 1 };
		struct simple last = { .kind = K_NTH, .nth = NTH_FROM_END, .b = 1 };

		ps->sel->need_nth = true;
		rc = add_simple(c, &first);
		if (!rc)
			rc = add_simple(c, &last);
		goto out;
	}
	if (!fn && !strcmp(name, "only-of-type")) {
		struct simple first = { .kind = K_NTH, .nth = NTH_OF_TYPE, .b = 1 };
		struct simple last = { .kind = K_NTH, .nth = NTH_OF_TYPE | NTH_FROM_END, .b = 1 };

		ps->sel->need_nth = true;
		rc = add_simple(c, &first);
		if (!rc)
			rc = add_simple(c, &last);
		goto out;
	}
	if (!fn && (!strcmp(name, "scope") || !strcmp(name, "root"))) {
		s.kind = !strcmp(name, "scope") ? K_SCOPE : K_ROOT;
		rc = add_simple(c, &s);
		goto out;
	}
	if (fn && !strcmp(name, "not")) {
		if (ps->in_not) {
			rc = perr(ps, at, "':not()' inside ':not()' is not supported");
			goto out;
		}
		if (!(s.inner = calloc(1, sizeof(*s.inner)))) {
			rc = poom();
			goto out;
		}
		s.kind = K_NOT;
		ps->in_not = true;
		skip_ws(&q);
		rc = parse_compound(ps, &q, s.inner);
		ps->in_not = false;
		if (!rc) {
			skip_ws(&q);
			if (*q != ')')
				rc = *q ? perr(ps, q, "':not()' takes one compound selector (no combinators"
					       " or lists); unexpected '%c'", *q)
					: perr(ps, q, "expected ')', found the end");
		}
		if (!rc) {
			q++;
			rc = add_simple(c, &s);
		}
		if (rc)
			simple_release(&s);
		goto out;
	}
	rc = perr(ps, at, "unknown pseudo-class ':%s%s' (supported: nth-child, nth-of-type,"
		  " nth-last-child, nth-last-of-type, first-child, last-child, first-of-type,"
		  " last-of-type, only-child, only-of-type, root, scope, not)", name, fn ? "()" : "");
out:
	free(name);
	if (!rc)
		*p = q;
	return rc;
}

/* A compound selector: [type|*] then #id .class [attr] :pseudo, any number. */
static enum tj_code parse_compound(struct parser *ps, const char **p, struct compound *c)
{
	const char *q = *p, *begin = *p;
	enum tj_code rc = TJ_OK;
	struct simple s;

	memset(&s, 0, sizeof(s));
	if (*q == '*') {
		q++;
	} else if (ident_starts(q)) {
		s.kind = K_TYPE;
		if ((rc = parse_ident(ps, &q, false, true, "a tag name", &s.name, &s.name_len)))
			return rc;
		s.tag = gumbo_tag_enum(s.name);
		if ((rc = add_simple(c, &s))) {
			simple_release(&s);
			return rc;
		}
	}
	for (;;) {
		memset(&s, 0, sizeof(s));
		if (*q == '#') {
			q++;
			s.kind = K_ID;
			if ((rc = parse_ident(ps, &q, true, false, "an id after '#'", &s.name, &s.name_len)))
				return rc;
		} else if (*q == '.') {
			q++;
			s.kind = K_CLASS;
			if ((rc = parse_ident(ps, &q, false, false, "a class name after '.'", &s.name,
					      &s.name_len)))
				return rc;
		} else if (*q == '[') {
			rc = parse_attr(ps, &q, &s);
			if (rc) {
				simple_release(&s);
				return rc;
			}
		} else if (*q == ':') {
			if ((rc = parse_pseudo(ps, &q, c)))
				return rc;
			continue;
		} else {
			break;
		}
		if ((rc = add_simple(c, &s))) {
			simple_release(&s);
			return rc;
		}
	}
	if (q == begin) {
		if (!*q || *q == ',')
			return perr(ps, q, "expected a selector%s", *q ? ", found ','" : "");
		return unexpected(ps, q);
	}
	*p = q;
	return TJ_OK;
}

static enum tj_code new_compound(struct parser *ps, const char *at, struct compound **out)
{
	struct selector *sel = ps->sel;

	if (sel->n == SELECT_MAX_COMPOUNDS) {
		ps->err_off = (size_t)(at - ps->start);
		return tj_error(TJ_ETOOBIG, "more than %d compound selectors at offset %zu",
				SELECT_MAX_COMPOUNDS, ps->err_off);
	}
	*out = &sel->c[sel->n++];
	memset(*out, 0, sizeof(**out));
	return TJ_OK;
}

/* compound (combinator compound)* */
static enum tj_code parse_complex(struct parser *ps, const char **p)
{
	const char *q = *p;
	struct compound *c = NULL;
	enum tj_code rc;

	if ((rc = new_compound(ps, q, &c)) || (rc = parse_compound(ps, &q, c)))
		return rc;
	c->comb = C_NONE;
	for (;;) {
		bool ws = skip_ws(&q);
		enum comb comb;
		char op = *q;

		if (!*q || *q == ',')
			break;
		if (*q == '>' || *q == '+' || *q == '~') {
			comb = *q == '>' ? C_CHILD : *q == '+' ? C_NEXT : C_SIB;
			q++;
			skip_ws(&q);
			if (!*q || *q == ',')
				return perr(ps, q, "expected a selector after '%c'", op);
		} else if (ws) {
			comb = C_DESC;
		} else {
			return unexpected(ps, q);
		}
		if (comb == C_NEXT || comb == C_SIB)
			ps->sel->need_sib = true;
		if ((rc = new_compound(ps, q, &c)) || (rc = parse_compound(ps, &q, c)))
			return rc;
		c->comb = comb;
	}
	ps->sel->last |= (uint64_t)1 << (ps->sel->n - 1);
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].kind == K_SCOPE)
			ps->sel->scope_last |= (uint64_t)1 << (ps->sel->n - 1);
	*p = q;
	return TJ_OK;
}

static enum tj_code parse_group(struct parser *ps, const char **p)
{
	const char *q = *p;
	enum tj_code rc;

	skip_ws(&q);
	if (!*q)
		return perr(ps, q, "selector is empty");
	for (;;) {
		if ((rc = parse_complex(ps, &q)))
			return rc;
		if (!*q)
			break;
		q++;            /* the ',' */
		skip_ws(&q);
		if (!*q)
			return perr(ps, q, "expected a selector after ','");
	}
	*p = q;
	return TJ_OK;
}

void select_free(struct selector *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		compound_release(&s->c[i]);
	free(s->source);
	free(s);
}

enum tj_code select_compile_at(const char *css, struct selector **out, size_t *offset)
{
	struct parser ps;
	struct selector *sel;
	const char *p = css;
	size_t len;
	enum tj_code rc;

	*out = NULL;
	if (offset)
		*offset = 0;
	if (!css)
		return tj_error(TJ_EINVAL, "no selector");
	len = strlen(css);
	if (len > SELECT_MAX_LEN)
		return tj_error(TJ_ETOOBIG, "selector is %zu bytes long; at most %d are allowed", len,
				SELECT_MAX_LEN);
	if (!(sel = calloc(1, sizeof(*sel))) || !(sel->source = strdup(css))) {
		free(sel);
		return poom();
	}
	memset(&ps, 0, sizeof(ps));
	ps.start = css;
	ps.sel = sel;
	rc = parse_group(&ps, &p);
	if (rc) {
		if (offset)
			*offset = ps.err_off;
		select_free(sel);
		return rc;
	}
	*out = sel;
	return TJ_OK;
}

enum tj_code select_compile(const char *css, struct selector **out)
{
	return select_compile_at(css, out, NULL);
}

const char *select_source(const struct selector *s)
{
	return s ? s->source : "";
}

/* ------------------------------------------------------------------ */
/* Sibling positions                                                   */

/* An element's positions among its parent's children, 1-based. */
struct nthpos {
	uint32_t child, child_rev;      /* among element siblings */
	uint32_t type, type_rev;        /* among siblings of the same type */
};

static bool is_el(const GumboNode *n)
{
	return n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE;
}

/* The tag name as written, for tags gumbo does not know. */
static GumboStringPiece unknown_name(const GumboNode *el)
{
	GumboStringPiece p = el->v.element.original_tag;

	if (p.length)
		gumbo_tag_from_original_text(&p);
	return p;
}

struct name_slot {
	const char *name;
	size_t len;
	uint32_t count;
};

static uint64_t name_hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)tolower((unsigned char)s[i])) * 1099511628211ULL;
	return h;
}

static struct name_slot *name_find(struct name_slot *tab, size_t cap, GumboStringPiece p)
{
	size_t i = name_hash(p.data, p.length) & (cap - 1);

	while (tab[i].name && !(tab[i].len == p.length && !strncasecmp(tab[i].name, p.data, p.length)))
		i = (i + 1) & (cap - 1);
	if (!tab[i].name) {
		tab[i].name = p.data;
		tab[i].len = p.length;
	}
	return &tab[i];
}

/* Positions of every child of parent (indexed like its children). */
static enum tj_code sibling_positions(const GumboNode *parent, struct nthpos **out)
{
	const GumboVector *kids = html_children(parent);
	uint32_t counts[GUMBO_TAG_LAST + 1];
	struct name_slot *tab = NULL;
	size_t n_unknown = 0, cap = 0;
	struct nthpos *pos;
	uint32_t elements = 0;

	*out = NULL;
	if (!kids || !kids->length)
		return TJ_OK;
	if (!(pos = calloc(kids->length, sizeof(*pos))))
		return tj_error(TJ_ENOMEM, "out of memory matching a selector");
	memset(counts, 0, sizeof(counts));
	for (unsigned i = 0; i < kids->length; i++) {
		const GumboNode *k = kids->data[i];

		if (is_el(k) && k->v.element.tag == GUMBO_TAG_UNKNOWN)
			n_unknown++;
	}
	if (n_unknown) {
		for (cap = 8; cap < n_unknown * 2; cap *= 2)
			;
		if (!(tab = calloc(cap, sizeof(*tab)))) {
			free(pos);
			return tj_error(TJ_ENOMEM, "out of memory matching a selector");
		}
	}
	for (unsigned i = 0; i < kids->length; i++) {
		const GumboNode *k = kids->data[i];
		GumboTag t;

		if (!is_el(k))
			continue;
		pos[i].child = ++elements;
		t = k->v.element.tag;
		if (t == GUMBO_TAG_UNKNOWN)
			pos[i].type = ++name_find(tab, cap, unknown_name(k))->count;
		else if ((unsigned)t <= GUMBO_TAG_LAST)
			pos[i].type = ++counts[t];
	}
	for (unsigned i = 0; i < kids->length; i++) {
		const GumboNode *k = kids->data[i];
		GumboTag t;
		uint32_t total = 0;

		if (!is_el(k))
			continue;
		pos[i].child_rev = elements - pos[i].child + 1;
		t = k->v.element.tag;
		if (t == GUMBO_TAG_UNKNOWN)
			total = name_find(tab, cap, unknown_name(k))->count;
		else if ((unsigned)t <= GUMBO_TAG_LAST)
			total = counts[t];
		pos[i].type_rev = total - pos[i].type + 1;
	}
	free(tab);
	*out = pos;
	return TJ_OK;
}

/* ------------------------------------------------------------------ */
/* Matching                                                            */

static bool has_word(const char *list, const char *w, size_t wl, bool icase)
{
	if (!wl)
		return false;
	while (*list) {
		size_t n;

		while (is_ws(*list))
			list++;
		n = strcspn(list, " \t\r\n\f");
		if (n == wl && !(icase ? strncasecmp(list, w, n) : strncmp(list, w, n)))
			return true;
		list += n;
	}
	return false;
}

static bool attr_match(const struct simple *s, const char *v)
{
	size_t vl, n = s->value_len;
	int (*ncmp)(const char *, const char *, size_t) = s->icase ? strncasecmp : strncmp;

	if (!v)
		return false;
	vl = strlen(v);
	switch (s->op) {
	case OP_EXISTS:
		return true;
	case OP_EQ:
		return vl == n && !ncmp(v, s->value, n);
	case OP_WORD:
		return !strpbrk(s->value, " \t\r\n\f") && has_word(v, s->value, n, s->icase);
	case OP_DASH:
		return vl >= n && !ncmp(v, s->value, n) && (vl == n || v[n] == '-');
	case OP_PREFIX:
		return n && vl >= n && !ncmp(v, s->value, n);
	case OP_SUFFIX:
		return n && vl >= n && !ncmp(v + vl - n, s->value, n);
	case OP_SUBSTR:
		return n && (s->icase ? strcasestr(v, s->value) : strstr(v, s->value)) != NULL;
	}
	return false;
}

static bool nth_match(long a, long b, uint32_t pos)
{
	long d = (long)pos - b;

	if (!pos)
		return false;
	if (a == 0)
		return d == 0;
	return d % a == 0 && d / a >= 0;
}

struct mctx {
	const struct selector *sel;
	const GumboNode *scope;
};

static bool compound_match(const struct mctx *m, const struct compound *c, const GumboNode *el,
			   const struct nthpos *pos)
{
	for (size_t i = 0; i < c->n; i++) {
		const struct simple *s = &c->v[i];
		bool ok = false;

		switch (s->kind) {
		case K_TYPE:
			if (s->tag != GUMBO_TAG_UNKNOWN) {
				ok = el->v.element.tag == s->tag;
			} else if (el->v.element.tag == GUMBO_TAG_UNKNOWN) {
				GumboStringPiece p = unknown_name(el);

				ok = p.length == s->name_len && !strncasecmp(p.data, s->name, p.length);
			}
			break;
		case K_ID: {
			const char *v = html_attr(el, "id");

			ok = v && !strcmp(v, s->name);
			break;
		}
		case K_CLASS: {
			const char *v = html_attr(el, "class");

			ok = v && has_word(v, s->name, s->name_len, false);
			break;
		}
		case K_ATTR:
			ok = attr_match(s, html_attr(el, s->name));
			break;
		case K_NTH:
			if (pos) {
				uint32_t at = s->nth & NTH_OF_TYPE
					      ? (s->nth & NTH_FROM_END ? pos->type_rev : pos->type)
					      : (s->nth & NTH_FROM_END ? pos->child_rev : pos->child);

				ok = nth_match(s->a, s->b, at);
			}
			break;
		case K_SCOPE:
			ok = el == m->scope;
			break;
		case K_ROOT:
			ok = el->parent && el->parent->type == GUMBO_NODE_DOCUMENT;
			break;
		case K_NOT:
			ok = !compound_match(m, s->inner, el, pos);
			break;
		}
		if (!ok)
			return false;
	}
	return true;
}

/* One open node of the walk. */
struct frame {
	const GumboNode *node;
	unsigned next;          /* next child to visit */
	uint64_t mask;          /* the node's own mask (0 for the document) */
	uint64_t anc;           /* OR over its ancestors' masks */
	uint64_t prev;          /* mask of its last element child visited */
	uint64_t sibs;          /* OR over its element children visited */
	struct nthpos *pos;     /* its children's positions, or NULL */
	bool candidates;        /* its descendants are reported */
};

static uint64_t mask_of(const struct mctx *m, const GumboNode *el, const struct frame *parent)
{
	const struct selector *sel = m->sel;
	uint64_t par = 0, anc = 0, prev = 0, sibs = 0, mask = 0;
	const struct nthpos *pos = NULL;

	if (parent) {
		par = parent->mask;
		anc = parent->anc | parent->mask;
		prev = parent->prev;
		sibs = parent->sibs;
		if (parent->pos) {
			const GumboVector *kids = html_children(parent->node);
			size_t i = el->index_within_parent;

			if (i < kids->length && kids->data[i] == el)
				pos = &parent->pos[i];
		}
	}
	for (size_t i = 0; i < sel->n; i++) {
		const struct compound *c = &sel->c[i];
		uint64_t need = i ? (uint64_t)1 << (i - 1) : 0;
		bool linked;

		switch (c->comb) {
		case C_NONE: linked = true; break;
		case C_DESC: linked = anc & need; break;
		case C_CHILD: linked = par & need; break;
		case C_NEXT: linked = prev & need; break;
		case C_SIB: linked = sibs & need; break;
		default: linked = false; break;
		}
		if (linked && compound_match(m, c, el, pos))
			mask |= (uint64_t)1 << i;
	}
	return mask;
}

struct walk {
	struct frame *st;
	size_t depth, alloc;
};

static enum tj_code push(const struct mctx *m, struct walk *w, const GumboNode *node, uint64_t mask,
			 uint64_t anc, bool candidates)
{
	struct frame *f;

	if (w->depth == w->alloc) {
		size_t na = w->alloc ? w->alloc * 2 : 64;
		struct frame *ns = realloc(w->st, na * sizeof(*ns));

		if (!ns)
			return tj_error(TJ_ENOMEM, "out of memory matching a selector");
		w->st = ns;
		w->alloc = na;
	}
	f = &w->st[w->depth];
	memset(f, 0, sizeof(*f));
	f->node = node;
	f->mask = mask;
	f->anc = anc;
	f->candidates = candidates;
	if (m->sel->need_nth) {
		enum tj_code rc = sibling_positions(node, &f->pos);

		if (rc)
			return rc;
	}
	w->depth++;
	return TJ_OK;
}

static void pop(struct walk *w)
{
	free(w->st[--w->depth].pos);
}

/* The first element child of the document: what :scope means there. */
static const GumboNode *document_element(const GumboNode *doc)
{
	const GumboVector *kids = html_children(doc);

	for (unsigned i = 0; kids && i < kids->length; i++)
		if (is_el(kids->data[i]))
			return kids->data[i];
	return NULL;
}

/*
 * Push frames for root's ancestors and root itself, with their masks (and
 * their previous siblings' state when the selector needs it).
 */
static enum tj_code push_chain(const struct mctx *m, struct walk *w, const GumboNode *root)
{
	const GumboNode **chain = NULL;
	size_t n = 0;
	enum tj_code rc = TJ_OK;

	for (const GumboNode *a = root; a; a = a->parent)
		n++;
	if (!(chain = malloc(n * sizeof(*chain))))
		return tj_error(TJ_ENOMEM, "out of memory matching a selector");
	{
		size_t i = n;

		for (const GumboNode *a = root; a; a = a->parent)
			chain[--i] = a;
	}
	for (size_t i = 0; i < n && !rc; i++) {
		const GumboNode *node = chain[i];
		struct frame *parent = w->depth ? &w->st[w->depth - 1] : NULL;
		uint64_t mask = 0;

		if (parent && m->sel->need_sib) {
			const GumboVector *kids = html_children(parent->node);

			for (unsigned k = 0; kids && k < kids->length && kids->data[k] != node; k++) {
				uint64_t sm;

				if (!is_el(kids->data[k]))
					continue;
				sm = mask_of(m, kids->data[k], parent);
				parent->prev = sm;
				parent->sibs |= sm;
			}
		}
		if (is_el(node))
			mask = mask_of(m, node, parent);
		rc = push(m, w, node, mask, parent ? parent->anc | parent->mask : 0, i == n - 1);
	}
	free(chain);
	return rc;
}

enum tj_code select_all(const struct selector *s, const GumboNode *root, select_cb cb, void *ctx)
{
	struct walk w = { NULL, 0, 0 };
	struct mctx m;
	enum tj_code rc;

	if (!s || !root || !html_children(root))
		return TJ_OK;
	m.sel = s;
	m.scope = root->type == GUMBO_NODE_DOCUMENT ? document_element(root) : root;
	if ((rc = push_chain(&m, &w, root)))
		goto out;
	/* the root itself is a candidate only through :scope (select.h) */
	if (is_el(root) && (w.st[w.depth - 1].mask & s->last & s->scope_last) && !cb(root, ctx))
		goto out;
	/* the frames below root's are its ancestors: stop when root's is done */
	{
		size_t base = w.depth - 1;

		while (w.depth > base) {
			struct frame *f = &w.st[w.depth - 1];
			const GumboVector *kids = html_children(f->node);
			const GumboNode *child;
			uint64_t mask;

			if (!kids || f->next >= kids->length) {
				pop(&w);
				continue;
			}
			child = kids->data[f->next++];
			if (!is_el(child))
				continue;
			mask = mask_of(&m, child, f);
			f->prev = mask;
			f->sibs |= mask;
			if ((mask & s->last) && f->candidates && !cb(child, ctx))
				break;
			if (html_children(child) && html_children(child)->length &&
			    (rc = push(&m, &w, child, mask, f->anc | f->mask, true)))
				break;
		}
	}
out:
	while (w.depth)
		pop(&w);
	free(w.st);
	return rc;
}

static bool first_cb(const GumboNode *el, void *ctx)
{
	*(const GumboNode **)ctx = el;
	return false;
}

enum tj_code select_first(const struct selector *s, const GumboNode *root, const GumboNode **out)
{
	*out = NULL;
	return select_all(s, root, first_cb, out);
}

struct list_ctx {
	const GumboNode **v;
	size_t n, alloc, max;
	bool truncated;
	enum tj_code rc;
};

static bool list_cb(const GumboNode *el, void *ctx)
{
	struct list_ctx *l = ctx;

	if (l->max && l->n == l->max) {
		l->truncated = true;
		return false;
	}
	if (l->n == l->alloc) {
		size_t na = l->alloc ? l->alloc * 2 : 16;
		const GumboNode **nv = realloc(l->v, na * sizeof(*nv));

		if (!nv) {
			l->rc = tj_error(TJ_ENOMEM, "out of memory matching a selector");
			return false;
		}
		l->v = nv;
		l->alloc = na;
	}
	l->v[l->n++] = el;
	return true;
}

enum tj_code select_list(const struct selector *s, const GumboNode *root, size_t max,
			 const GumboNode ***out, size_t *n, bool *truncated)
{
	struct list_ctx l = { NULL, 0, 0, max, false, TJ_OK };
	enum tj_code rc = select_all(s, root, list_cb, &l);

	if (!rc)
		rc = l.rc;
	if (rc) {
		free(l.v);
		*out = NULL;
		*n = 0;
		return rc;
	}
	*out = l.v;
	*n = l.n;
	if (truncated)
		*truncated = l.truncated;
	return TJ_OK;
}
