/*
 * html.c - bounded gumbo parsing, plain text of HTML, tree walking
 * (see html.h).
 *
 * Why a pre-scan.  Gumbo implements the WHATWG tree builder faithfully,
 * and several of its steps scan the stack of open elements ("has an
 * element in button scope" for block start tags, "any other end tag").  On
 * hostile input that stack can be as deep as the page is long, and
 * parsing turns quadratic: 40 000 nested <div>s take 2.6 s; 1000 nested
 * <span>s followed by 500 000 stray "</zz>" take 4 s.  A linear pre-pass
 * (html_estimate) models just enough of the tokenizer and tree builder -
 * tags, attribute quoting, comments, raw-text elements, void and
 * optional-end elements, SVG/MathML self-closing tags and the breakout
 * from foreign content - to bound the stack depth and the scanning work
 * (sum over tags of the depth), and html_parse refuses documents past
 * either bound.  Measured: gumbo spends about 8 ns per unit of work, so
 * HTML_MAX_WORK is a quarter second; real pages nest 20-300 deep and a
 * 2 MB page stays under 5M units.  The model errs on the deep side
 * (formatting-element reconstruction is not modelled).
 *
 * Plain text.  An iterative walk with a "pending break" that only the next
 * visible character flushes: whitespace, block boundaries and <br>s each
 * raise the pending break (space < line < paragraph), so any mix of them
 * produces exactly one separator and none at the ends.  This is the
 * approach of lynx-style dumpers, reduced to what job descriptions need.
 *
 * Fragments.  A JSON-LD description is HTML too, and parsing it with
 * gumbo costs about as much again as the page it came from.  Fragments
 * of common, well-nested formatting markup are tokenized directly into
 * the same text state the tree walk uses (fast_fragment); everything the
 * fast path cannot be sure gumbo would build the obvious tree for goes to
 * gumbo.  tests/fuzz/fuzz_fragment.c checks that both give the same text.
 *
 * Limits: HTML_MAX_INPUT bytes, HTML_MAX_DEPTH nesting, HTML_TEXT_MAX
 * bytes of text per call (callers may ask for less).
 */
#include "html.h"

#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"

/* ---- bounded parsing ---- */

static const char *const void_tags[] = {
	"area", "base", "basefont", "bgsound", "br", "col", "embed", "frame",
	"hr", "image", "img", "input", "keygen", "link", "meta", "param",
	"source", "track", "wbr", NULL,
};

/* End tag optional, closed implicitly by siblings: not counted. */
static const char *const optional_end_tags[] = {
	"p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "rb",
	"rt", "rtc", "rp", "thead", "tbody", "tfoot", "colgroup", "caption",
	"html", "head", "body", NULL,
};

/* Content is text up to "</name" (in HTML context). */
static const char *const raw_text_tags[] = {
	"script", "style", "xmp", "iframe", "noembed", "noframes", "textarea",
	"title", NULL,
};

/* Start tags that break out of SVG/MathML back into HTML. */
static const char *const breakout_tags[] = {
	"b", "big", "blockquote", "body", "br", "center", "code", "dd", "div",
	"dl", "dt", "em", "embed", "h1", "h2", "h3", "h4", "h5", "h6", "head",
	"hr", "i", "img", "li", "listing", "menu", "meta", "nobr", "ol", "p",
	"pre", "ruby", "s", "small", "span", "strong", "strike", "sub", "sup",
	"table", "tt", "u", "ul", "var", NULL,
};

/* Foreign elements whose content is HTML again. */
static const char *const integration_tags[] = {
	"foreignobject", "desc", "title", "annotation-xml", "mi", "mo", "mn",
	"ms", "mtext", NULL,
};

static bool in_list(const char *name, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(name, *list))
			return true;
	return false;
}

/* What the model needs to know about a tag name, from the lists above. */
#define T_VOID 1u
#define T_OPTIONAL_END 2u
#define T_RAW_TEXT 4u
#define T_BREAKOUT 8u
#define T_INTEGRATION 16u

/* The same per GumboTag: a lookup instead of ~50 strcmp()s per tag. */
static uint8_t tag_flags[GUMBO_TAG_LAST + 1];
static pthread_once_t tag_flags_once = PTHREAD_ONCE_INIT;

static unsigned list_flags(const char *name)
{
	return (in_list(name, void_tags) ? T_VOID : 0) |
	       (in_list(name, optional_end_tags) ? T_OPTIONAL_END : 0) |
	       (in_list(name, raw_text_tags) ? T_RAW_TEXT : 0) |
	       (in_list(name, breakout_tags) ? T_BREAKOUT : 0) |
	       (in_list(name, integration_tags) ? T_INTEGRATION : 0);
}

static void init_tag_flags(void)
{
	const char *const *lists[] = { void_tags, optional_end_tags, raw_text_tags, breakout_tags,
				       integration_tags };

	for (size_t l = 0; l < sizeof(lists) / sizeof(lists[0]); l++) {
		for (const char *const *n = lists[l]; *n; n++) {
			GumboTag t = gumbo_tag_enum(*n);

			if (t != GUMBO_TAG_UNKNOWN)
				tag_flags[t] = (uint8_t)list_flags(*n);
		}
	}
}

/* Flags of a (lowercase) name whose gumbo tag is t. */
static unsigned name_flags(const char *name, GumboTag t)
{
	if (t != GUMBO_TAG_UNKNOWN && (unsigned)t <= GUMBO_TAG_LAST)
		return tag_flags[t];
	return list_flags(name);        /* names gumbo does not know: rare */
}

/* One open element in the model: a name id and its namespace. */
struct dstack_entry {
	uint16_t id;
	uint8_t foreign;        /* element is SVG/MathML */
	uint8_t integration;    /* its content is HTML */
};

#define DEPTH_NAMES 512         /* distinct names interned; more share one id */
#define DEPTH_NAME_LEN 24

struct depth_model {
	struct dstack_entry *stack;
	size_t depth, limit;
	char names[DEPTH_NAMES][DEPTH_NAME_LEN];
	size_t on_stack[DEPTH_NAMES];   /* open elements per id */
	size_t n_names;
};

/* Known tags are their GumboTag; other names are interned after those. */
static uint16_t name_id(struct depth_model *m, const char *name, GumboTag t)
{
	if (t != GUMBO_TAG_UNKNOWN && (unsigned)t <= GUMBO_TAG_LAST)
		return (uint16_t)t;
	for (size_t i = GUMBO_TAG_LAST + 1; i < m->n_names; i++)
		if (!strcmp(m->names[i], name))
			return (uint16_t)i;
	if (m->n_names == DEPTH_NAMES - 1)
		return DEPTH_NAMES - 1;
	memcpy(m->names[m->n_names], name, DEPTH_NAME_LEN);
	return (uint16_t)m->n_names++;
}

static bool model_in_foreign(const struct depth_model *m)
{
	return m->depth && m->stack[m->depth - 1].foreign && !m->stack[m->depth - 1].integration;
}

/* Push; false once the limit is passed. */
static bool model_push(struct depth_model *m, uint16_t id, bool foreign, bool integration)
{
	if (m->depth >= m->limit) {
		m->depth++;
		return false;
	}
	m->stack[m->depth].id = id;
	m->stack[m->depth].foreign = foreign;
	m->stack[m->depth].integration = integration;
	m->depth++;
	m->on_stack[id]++;
	return true;
}

static void model_pop(struct depth_model *m)
{
	m->depth--;
	m->on_stack[m->stack[m->depth].id]--;
}

/* The end of s[i..len) after the first occurrence of pat (compared
 * ignoring case; its first character is not a letter), or len. */
static size_t skip_past(const char *s, size_t len, size_t i, const char *pat)
{
	size_t pl = strlen(pat);

	while (i + pl <= len) {
		const char *c = memchr(s + i, pat[0], len - i - pl + 1);

		if (!c)
			break;
		i = (size_t)(c - s);
		if (!strncasecmp(s + i, pat, pl))
			return i + pl;
		i++;
	}
	return len;
}

/* Scan a tag's attributes from i to just past '>'; *self_closing. */
static size_t skip_attributes(const char *s, size_t len, size_t i, bool *self_closing)
{
	*self_closing = false;
	while (i < len) {
		char c = s[i];

		if (c == '>')
			return i + 1;
		if (c == '/') {
			*self_closing = i + 1 < len && s[i + 1] == '>';
			i++;
			continue;
		}
		if (isspace((unsigned char)c)) {
			i++;
			continue;
		}
		/* attribute name: quotes here are part of the name, as in the tokenizer */
		i++;
		while (i < len && !isspace((unsigned char)s[i]) && s[i] != '/' && s[i] != '>' && s[i] != '=')
			i++;
		while (i < len && isspace((unsigned char)s[i]))
			i++;
		if (i < len && s[i] == '=') {
			i++;
			while (i < len && isspace((unsigned char)s[i]))
				i++;
			if (i < len && (s[i] == '"' || s[i] == '\'')) {
				const char *q = memchr(s + i + 1, s[i], len - i - 1);

				i = q ? (size_t)(q - s) + 1 : len;
			} else {
				while (i < len && !isspace((unsigned char)s[i]) && s[i] != '>')
					i++;
			}
		}
	}
	return len;
}

void html_estimate(const char *s, size_t len, size_t limit, size_t max_work,
		   struct html_shape *out)
{
	struct depth_model *m = calloc(1, sizeof(*m));
	size_t i = 0, max = 0, work = 0;

	/* without memory for the model, claim the worst */
	out->depth = limit + 1;
	out->work = max_work + 1;
	if (!m)
		return;
	pthread_once(&tag_flags_once, init_tag_flags);
	m->limit = limit;
	m->n_names = GUMBO_TAG_LAST + 1;
	m->stack = calloc(limit + 1, sizeof(*m->stack));
	if (!m->stack) {
		free(m);
		return;
	}
	while (i < len && max <= limit && work <= max_work) {
		const char *lt = memchr(s + i, '<', len - i);
		char name[DEPTH_NAME_LEN];
		size_t n = 0;
		bool close = false, self_closing;
		GumboTag t;
		unsigned fl;

		if (!lt)
			break;
		i = (size_t)(lt - s) + 1;
		if (i >= len)
			break;
		if (s[i] == '!') {
			if (i + 2 < len && s[i + 1] == '-' && s[i + 2] == '-')
				i = skip_past(s, len, i + 3, "-->");
			else if (model_in_foreign(m) && i + 7 < len && !strncmp(s + i, "![CDATA[", 8))
				i = skip_past(s, len, i + 8, "]]>");
			else
				i = skip_past(s, len, i, ">");
			continue;
		}
		if (s[i] == '?') {
			i = skip_past(s, len, i, ">");
			continue;
		}
		if (s[i] == '/') {
			close = true;
			i++;
		}
		if (i >= len || !isalpha((unsigned char)s[i])) {
			if (close)
				i = skip_past(s, len, i, ">");
			continue;
		}
		while (i < len && !isspace((unsigned char)s[i]) && s[i] != '/' && s[i] != '>') {
			if (n < sizeof(name) - 1)
				name[n++] = (char)tolower((unsigned char)s[i]);
			i++;
		}
		name[n] = '\0';
		t = gumbo_tagn_enum(name, (unsigned)n);
		i = skip_attributes(s, len, i, &self_closing);
		work += m->depth;
		if (close) {
			uint16_t id = name_id(m, name, t);

			/* like gumbo: pop to the matching element, ignore strays */
			if (m->on_stack[id])
				while (m->depth && m->stack[m->depth - 1].id != id)
					model_pop(m);
			if (m->depth && m->stack[m->depth - 1].id == id)
				model_pop(m);
			continue;
		}
		fl = name_flags(name, t);
		if (t == GUMBO_TAG_PLAINTEXT && !model_in_foreign(m))
			break;
		if (model_in_foreign(m) && (fl & T_BREAKOUT))
			while (model_in_foreign(m))
				model_pop(m);
		if (model_in_foreign(m) || t == GUMBO_TAG_SVG || t == GUMBO_TAG_MATH) {
			if (!self_closing &&
			    !model_push(m, name_id(m, name, t), true, fl & T_INTEGRATION))
				max = m->depth;
		} else if (fl & T_RAW_TEXT) {
			char end[DEPTH_NAME_LEN + 2] = "</";

			memcpy(end + 2, name, n + 1);
			i = skip_past(s, len, i, end);
		} else if (!(fl & (T_VOID | T_OPTIONAL_END))) {
			/* a self-closing flag on an HTML element is ignored by the parser */
			model_push(m, name_id(m, name, t), false, false);
		}
		if (m->depth > max)
			max = m->depth;
	}
	free(m->stack);
	free(m);
	out->depth = max;
	out->work = work;
}

enum tj_code html_parse(const char *html, size_t len, GumboOutput **out)
{
	GumboOptions opts = kGumboDefaultOptions;
	struct html_shape shape;

	*out = NULL;
	if (len > HTML_MAX_INPUT)
		return tj_error(TJ_ETOOBIG, "page larger than %zu bytes", HTML_MAX_INPUT);
	html_estimate(html, len, HTML_MAX_DEPTH, HTML_MAX_WORK, &shape);
	if (shape.depth > HTML_MAX_DEPTH)
		return tj_error(TJ_ETOOBIG, "page nests elements more than %d deep", HTML_MAX_DEPTH);
	if (shape.work > HTML_MAX_WORK)
		return tj_error(TJ_ETOOBIG, "page too complex to parse (deep nesting with many tags)");
	/* parse errors are of no use to us; recording them costs memory */
	opts.max_errors = 0;
	*out = gumbo_parse_with_options(&opts, html, len);
	if (!*out)
		return tj_error(TJ_ENOMEM, "out of memory parsing HTML");
	return TJ_OK;
}

void html_free(GumboOutput *out)
{
	if (out)
		gumbo_destroy_output(&kGumboDefaultOptions, out);
}

/* ---- tree access ---- */

const GumboVector *html_children(const GumboNode *node)
{
	if (!node)
		return NULL;
	if (node->type == GUMBO_NODE_DOCUMENT)
		return &node->v.document.children;
	if (node->type == GUMBO_NODE_ELEMENT || node->type == GUMBO_NODE_TEMPLATE)
		return &node->v.element.children;
	return NULL;
}

static bool is_element(const GumboNode *node)
{
	return node && (node->type == GUMBO_NODE_ELEMENT || node->type == GUMBO_NODE_TEMPLATE);
}

const char *html_attr(const GumboNode *node, const char *name)
{
	const GumboAttribute *a;

	if (!is_element(node))
		return NULL;
	a = gumbo_get_attribute(&node->v.element.attributes, name);
	return a ? a->value : NULL;
}

bool html_is(const GumboNode *node, GumboTag tag)
{
	return is_element(node) && node->v.element.tag == tag;
}

const char *html_tag_name(const GumboNode *node, char *buf, size_t n)
{
	if (!n)
		return buf;
	buf[0] = '\0';
	if (!is_element(node))
		return buf;
	if (node->v.element.tag != GUMBO_TAG_UNKNOWN) {
		const char *t = gumbo_normalized_tagname(node->v.element.tag);
		size_t i;

		for (i = 0; t[i] && i + 1 < n; i++)
			buf[i] = (char)tolower((unsigned char)t[i]);
		buf[i] = '\0';
	} else {
		GumboStringPiece p = node->v.element.original_tag;
		size_t i = 0;

		gumbo_tag_from_original_text(&p);
		for (; i < p.length && i + 1 < n; i++)
			buf[i] = (char)tolower((unsigned char)p.data[i]);
		buf[i] = '\0';
	}
	return buf;
}

struct walk_frame {
	const GumboNode *node;
	unsigned int next;
};

enum tj_code html_walk(const GumboNode *root, const struct html_walker *w)
{
	struct walk_frame *stack = NULL;
	size_t depth = 0, alloc = 0;
	enum tj_code rc = TJ_OK;

	if (!root)
		return TJ_OK;
	switch (w->enter(root, w->ctx)) {
	case HTML_WALK_CONTINUE:
		break;
	case HTML_WALK_SKIP:
	case HTML_WALK_STOP:
		return TJ_OK;
	}
	alloc = 64;
	stack = malloc(alloc * sizeof(*stack));
	if (!stack)
		return tj_error(TJ_ENOMEM, "out of memory walking HTML");
	stack[depth++] = (struct walk_frame){ root, 0 };
	while (depth) {
		struct walk_frame *f = &stack[depth - 1];
		const GumboVector *kids = html_children(f->node);
		const GumboNode *child;

		if (!kids || f->next >= kids->length) {
			if (w->leave)
				w->leave(f->node, w->ctx);
			depth--;
			continue;
		}
		child = kids->data[f->next++];
		switch (w->enter(child, w->ctx)) {
		case HTML_WALK_STOP:
			goto out;
		case HTML_WALK_SKIP:
			continue;
		case HTML_WALK_CONTINUE:
			break;
		}
		if (depth == alloc) {
			struct walk_frame *p = realloc(stack, alloc * 2 * sizeof(*stack));

			if (!p) {
				rc = tj_error(TJ_ENOMEM, "out of memory walking HTML");
				goto out;
			}
			stack = p;
			alloc *= 2;
		}
		stack[depth++] = (struct walk_frame){ child, 0 };
	}
out:
	free(stack);
	return rc;
}

/* ---- plain text ---- */

enum brk { BRK_NONE, BRK_SPACE, BRK_LINE, BRK_PARA };

struct text_state {
	struct buf out;
	size_t cap;
	unsigned flags;
	enum brk pending;
	int run_newlines;       /* newlines in the current whitespace run */
	bool marker;            /* a list marker "- " is owed */
	int li_depth, pre_depth;
	bool full;
	enum tj_code rc;
};

static void brk(struct text_state *t, enum brk level)
{
	if ((t->flags & HTML_TEXT_INLINE) && level > BRK_SPACE)
		level = BRK_SPACE;
	if (level > t->pending)
		t->pending = level;
}

static void emit(struct text_state *t, const char *s, size_t n)
{
	if (t->full || t->rc)
		return;
	if (t->out.len + n > t->cap) {
		n = t->cap - t->out.len;
		t->full = true;
	}
	t->rc = buf_add(&t->out, s, n);
}

/* Write the owed separator and list marker before visible text. */
static void flush_pending(struct text_state *t)
{
	static const char *const sep[] = { "", " ", "\n", "\n\n" };

	if (t->out.len)
		emit(t, sep[t->pending], strlen(sep[t->pending]));
	if (t->marker && !(t->flags & HTML_TEXT_INLINE))
		emit(t, "- ", 2);
	t->marker = false;
	t->pending = BRK_NONE;
	t->run_newlines = 0;
}

/* Length of a Unicode space at s (n bytes left), or 0. */
static size_t unicode_space(const unsigned char *s, size_t n)
{
	if (n >= 2 && s[0] == 0xc2 && s[1] == 0xa0)
		return 2;                               /* U+00A0 */
	if (n >= 3 && s[0] == 0xe2 && s[1] == 0x80 && (s[2] <= 0x8a || s[2] == 0xaf))
		return 3;                               /* U+2000-200A, U+202F */
	if (n >= 3 && ((s[0] == 0xe2 && s[1] == 0x81 && s[2] == 0x9f) ||
		       (s[0] == 0xe3 && s[1] == 0x80 && s[2] == 0x80) ||
		       (s[0] == 0xe1 && s[1] == 0x9a && s[2] == 0x80)))
		return 3;                               /* U+205F, U+3000, U+1680 */
	return 0;
}

/* Length of an invisible character at s to drop, or 0. */
static size_t invisible(const unsigned char *s, size_t n)
{
	if (n >= 2 && s[0] == 0xc2 && s[1] == 0xad)
		return 2;                               /* soft hyphen */
	if (n >= 3 && s[0] == 0xe2 && s[1] == 0x80 && s[2] == 0x8b)
		return 3;                               /* zero-width space */
	if (n >= 3 && s[0] == 0xe2 && s[1] == 0x81 && s[2] == 0xa0)
		return 3;                               /* word joiner */
	if (n >= 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf)
		return 3;                               /* BOM / ZWNBSP */
	return 0;
}

static void add_text(struct text_state *t, const char *text)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t n = strlen(text), i = 0, run = 0;
	bool lines = (t->flags & HTML_TEXT_LINES) || t->pre_depth > 0;

	while (i < n && !t->full) {
		unsigned char c = s[i];
		size_t k;

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
			if (lines && c == '\n')
				brk(t, ++t->run_newlines >= 2 ? BRK_PARA : BRK_LINE);
			else
				brk(t, BRK_SPACE);
			i++;
			continue;
		}
		if (c >= 0xc2 && (k = unicode_space(s + i, n - i))) {
			brk(t, BRK_SPACE);
			i += k;
			continue;
		}
		if (c >= 0xc2 && (k = invisible(s + i, n - i))) {
			i += k;
			continue;
		}
		if (c < 0x20 || c == 0x7f) {    /* other controls: drop */
			i++;
			continue;
		}
		flush_pending(t);
		/* copy the run of ordinary bytes in one go */
		for (run = i + 1; run < n; run++) {
			unsigned char d = s[run];

			if (d <= 0x20 || d == 0x7f || d == 0xc2 || d == 0xe1 || d == 0xe2 ||
			    d == 0xe3 || d == 0xef)
				break;
		}
		emit(t, text + i, run - i);
		i = run;
	}
	if (t->out.len >= t->cap)
		t->full = true;
}

static bool is_skipped(const GumboNode *node)
{
	const char *style;

	switch (node->v.element.tag) {
	case GUMBO_TAG_SCRIPT: case GUMBO_TAG_STYLE: case GUMBO_TAG_NOSCRIPT:
	case GUMBO_TAG_TEMPLATE: case GUMBO_TAG_HEAD: case GUMBO_TAG_SVG:
	case GUMBO_TAG_MATH: case GUMBO_TAG_IFRAME: case GUMBO_TAG_OBJECT:
	case GUMBO_TAG_SELECT: case GUMBO_TAG_CANVAS: case GUMBO_TAG_AUDIO:
	case GUMBO_TAG_VIDEO: case GUMBO_TAG_TITLE: case GUMBO_TAG_NOFRAMES:
	case GUMBO_TAG_NOEMBED:
		return true;
	default:
		break;
	}
	if (node->type == GUMBO_NODE_TEMPLATE || html_attr(node, "hidden"))
		return true;
	style = html_attr(node, "style");
	if (style) {
		/* "display:none" / "display: none" anywhere in the inline style */
		for (const char *p = strcasestr(style, "display"); p; p = strcasestr(p + 1, "display")) {
			const char *q = p + 7;

			while (isspace((unsigned char)*q))
				q++;
			if (*q++ != ':')
				continue;
			while (isspace((unsigned char)*q))
				q++;
			if (!strncasecmp(q, "none", 4))
				return true;
		}
	}
	return false;
}

static bool is_block(GumboTag tag)
{
	switch (tag) {
	case GUMBO_TAG_ADDRESS: case GUMBO_TAG_ARTICLE: case GUMBO_TAG_ASIDE:
	case GUMBO_TAG_BLOCKQUOTE: case GUMBO_TAG_CAPTION: case GUMBO_TAG_CENTER:
	case GUMBO_TAG_DETAILS: case GUMBO_TAG_DIR: case GUMBO_TAG_DIV:
	case GUMBO_TAG_DL: case GUMBO_TAG_FIELDSET: case GUMBO_TAG_FIGCAPTION:
	case GUMBO_TAG_FIGURE: case GUMBO_TAG_FOOTER: case GUMBO_TAG_FORM:
	case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3: case GUMBO_TAG_H4:
	case GUMBO_TAG_H5: case GUMBO_TAG_H6: case GUMBO_TAG_HEADER:
	case GUMBO_TAG_HGROUP: case GUMBO_TAG_LEGEND: case GUMBO_TAG_MAIN:
	case GUMBO_TAG_MENU: case GUMBO_TAG_NAV: case GUMBO_TAG_OL: case GUMBO_TAG_P:
	case GUMBO_TAG_PRE: case GUMBO_TAG_SECTION: case GUMBO_TAG_SUMMARY:
	case GUMBO_TAG_TABLE: case GUMBO_TAG_UL: case GUMBO_TAG_LISTING:
	case GUMBO_TAG_XMP: case GUMBO_TAG_PLAINTEXT: case GUMBO_TAG_BODY:
	case GUMBO_TAG_TEXTAREA:
		return true;
	default:
		return false;
	}
}

static bool is_pre(GumboTag tag)
{
	return tag == GUMBO_TAG_PRE || tag == GUMBO_TAG_LISTING || tag == GUMBO_TAG_XMP ||
	       tag == GUMBO_TAG_PLAINTEXT || tag == GUMBO_TAG_TEXTAREA;
}

static void block_break(struct text_state *t)
{
	brk(t, t->li_depth ? BRK_LINE : BRK_PARA);
}

static enum html_walk_action text_enter(const GumboNode *node, void *ctx)
{
	struct text_state *t = ctx;
	GumboTag tag;

	if (t->full || t->rc)
		return HTML_WALK_STOP;
	switch (node->type) {
	case GUMBO_NODE_DOCUMENT:
		return HTML_WALK_CONTINUE;
	case GUMBO_NODE_TEXT:
	case GUMBO_NODE_WHITESPACE:
	case GUMBO_NODE_CDATA:
		add_text(t, node->v.text.text);
		return HTML_WALK_SKIP;
	case GUMBO_NODE_COMMENT:
		return HTML_WALK_SKIP;
	case GUMBO_NODE_ELEMENT:
	case GUMBO_NODE_TEMPLATE:
		break;
	}
	if (is_skipped(node))
		return HTML_WALK_SKIP;
	tag = node->v.element.tag;
	switch (tag) {
	case GUMBO_TAG_BR:
		brk(t, t->pending >= BRK_LINE ? BRK_PARA : BRK_LINE);
		return HTML_WALK_SKIP;
	case GUMBO_TAG_HR:
		brk(t, BRK_PARA);
		return HTML_WALK_SKIP;
	case GUMBO_TAG_LI:
		brk(t, BRK_LINE);
		t->marker = true;
		t->li_depth++;
		return HTML_WALK_CONTINUE;
	case GUMBO_TAG_TR: case GUMBO_TAG_DT: case GUMBO_TAG_DD:
		brk(t, BRK_LINE);
		return HTML_WALK_CONTINUE;
	case GUMBO_TAG_TD: case GUMBO_TAG_TH:
		brk(t, BRK_SPACE);
		return HTML_WALK_CONTINUE;
	default:
		break;
	}
	if (is_block(tag))
		block_break(t);
	if (is_pre(tag))
		t->pre_depth++;
	return HTML_WALK_CONTINUE;
}

static void text_leave(const GumboNode *node, void *ctx)
{
	struct text_state *t = ctx;
	GumboTag tag;

	if (node->type != GUMBO_NODE_ELEMENT)
		return;
	tag = node->v.element.tag;
	switch (tag) {
	case GUMBO_TAG_LI:
		t->li_depth--;
		t->marker = false;
		brk(t, BRK_LINE);
		return;
	case GUMBO_TAG_TR: case GUMBO_TAG_DT: case GUMBO_TAG_DD:
		brk(t, BRK_LINE);
		return;
	case GUMBO_TAG_TD: case GUMBO_TAG_TH:
		brk(t, BRK_SPACE);
		return;
	default:
		break;
	}
	if (is_block(tag))
		block_break(t);
	if (is_pre(tag))
		t->pre_depth--;
}

/* Cut s (length *n) back to a UTF-8 character boundary. */
static void utf8_trim_partial(char *s, size_t *n)
{
	size_t i = *n, k = 0;

	while (i && k < 4 && ((unsigned char)s[i - 1] & 0xc0) == 0x80) {
		i--;
		k++;
	}
	if (i) {
		unsigned char lead = (unsigned char)s[i - 1];
		size_t need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;

		if (need != k + 1)
			*n = lead >= 0xc0 ? i - 1 : *n;
	}
	s[*n] = '\0';
}

/* The text collected in t, finished: cut cleanly, handed to *out. */
static enum tj_code text_result(struct text_state *t, char **out)
{
	if (t->full && t->out.data)
		utf8_trim_partial(t->out.data, &t->out.len);
	/* a cut can leave a separator at the end */
	while (t->out.len && (t->out.data[t->out.len - 1] == ' ' || t->out.data[t->out.len - 1] == '\n'))
		t->out.data[--t->out.len] = '\0';
	*out = buf_detach(&t->out, NULL);
	if (!*out)
		return tj_error(TJ_ENOMEM, "out of memory extracting text");
	return TJ_OK;
}

enum tj_code html_node_text(const GumboNode *node, unsigned flags, size_t cap, char **out)
{
	struct text_state t;
	const struct html_walker w = { text_enter, text_leave, &t };
	enum tj_code rc;

	*out = NULL;
	memset(&t, 0, sizeof(t));
	t.cap = cap ? cap : HTML_TEXT_MAX;
	t.flags = flags;
	buf_init(&t.out, t.cap + 8);
	rc = html_walk(node, &w);
	if (!rc)
		rc = t.rc;
	if (rc) {
		buf_release(&t.out);
		return rc;
	}
	return text_result(&t, out);
}

/* Tags that make a string "clearly HTML". */
static const char *const markup_tags[] = {
	"p", "br", "div", "span", "ul", "ol", "li", "strong", "b", "i", "em", "u",
	"h1", "h2", "h3", "h4", "h5", "h6", "a", "table", "tr", "td", "th",
	"tbody", "thead", "section", "article", "blockquote", "pre", "hr", "img",
	"font", "small", "sup", "sub", "dl", "dt", "dd", "header", "footer",
	"main", "nav", "code", "center", "html", "body", "style", "script", NULL,
};

/* Is s (after '<' or "&lt;") a known tag name, ended properly? */
static bool tag_at(const char *s)
{
	size_t n = 0;

	if (*s == '/')
		s++;
	while (isalnum((unsigned char)s[n]) && n < 12)
		n++;
	if (!n)
		return false;
	if (!(s[n] == '>' || s[n] == ' ' || s[n] == '/' || s[n] == '\t' || s[n] == '\n' ||
	      s[n] == '\r' || s[n] == '&'))
		return false;
	for (const char *const *t = markup_tags; *t; t++)
		if (strlen(*t) == n && !strncasecmp(s, *t, n))
			return true;
	return false;
}

bool html_looks_like_markup(const char *s)
{
	for (const char *p = s; (p = strpbrk(p, "<&")); p++) {
		if (*p == '<' && (tag_at(p + 1) || !strncmp(p + 1, "!--", 3)))
			return true;
		if (*p == '&' && !strncasecmp(p, "&lt;", 4) && tag_at(p + 4))
			return true;
	}
	return false;
}

/* Tags only, no entity-escaped ones: decides plain-text mode. */
static bool has_tags(const char *s, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++)
		if (s[i] == '<' && (tag_at(s + i + 1) || !strncmp(s + i + 1, "!--", 3)))
			return true;
	return false;
}

/* ---- fragments ---- */

/*
 * The fast path for a fragment.  Most fragments we see are JSON-LD
 * descriptions made of a few formatting tags (<p>, <ul><li>, <strong>,
 * <br>), and building a gumbo tree for each costs about as much as
 * parsing the page they came from.  This tokenizer feeds the text_state
 * of the tree walk directly, the way text_enter/text_leave would see the
 * tree - but only for input it is sure gumbo would build that same tree
 * for: known tags, properly nested (no implied end tags, no adoption
 * agency, no foster parenting), no <p> left open under a block, simple
 * character references, valid UTF-8.  Anything else makes it give up
 * (FAST_NO) and the caller parses with gumbo.  The two are compared on
 * every fragment of the test data and by the differential fuzzer
 * (tests/fuzz/fuzz_fragment.c).
 */
enum fast { FAST_NO, FAST_DONE, FAST_ERR };

#define FAST_MAX_DEPTH 128

/* The tags the fast path knows, with how gumbo's tree builder treats them. */
#define F_BLOCK 1u      /* closes an open <p> when it starts */
#define F_INLINE 2u     /* a formatting or phrasing element */
#define F_VOIDTAG 4u    /* no end tag */
#define F_HEADING 8u
#define F_LIST 16u      /* ul, ol: li's parent */

static const struct {
	const char *name;
	GumboTag tag;
	unsigned flags;
} fast_tags[] = {
	{ "a", GUMBO_TAG_A, F_INLINE }, { "abbr", GUMBO_TAG_ABBR, F_INLINE },
	{ "b", GUMBO_TAG_B, F_INLINE }, { "cite", GUMBO_TAG_CITE, F_INLINE },
	{ "code", GUMBO_TAG_CODE, F_INLINE }, { "em", GUMBO_TAG_EM, F_INLINE },
	{ "i", GUMBO_TAG_I, F_INLINE }, { "mark", GUMBO_TAG_MARK, F_INLINE },
	{ "q", GUMBO_TAG_Q, F_INLINE }, { "s", GUMBO_TAG_S, F_INLINE },
	{ "small", GUMBO_TAG_SMALL, F_INLINE }, { "span", GUMBO_TAG_SPAN, F_INLINE },
	{ "strong", GUMBO_TAG_STRONG, F_INLINE }, { "sub", GUMBO_TAG_SUB, F_INLINE },
	{ "sup", GUMBO_TAG_SUP, F_INLINE }, { "u", GUMBO_TAG_U, F_INLINE },
	{ "br", GUMBO_TAG_BR, F_VOIDTAG }, { "hr", GUMBO_TAG_HR, F_VOIDTAG | F_BLOCK },
	{ "p", GUMBO_TAG_P, F_BLOCK }, { "div", GUMBO_TAG_DIV, F_BLOCK },
	{ "ul", GUMBO_TAG_UL, F_BLOCK | F_LIST }, { "ol", GUMBO_TAG_OL, F_BLOCK | F_LIST },
	{ "li", GUMBO_TAG_LI, 0 },
	{ "h1", GUMBO_TAG_H1, F_BLOCK | F_HEADING }, { "h2", GUMBO_TAG_H2, F_BLOCK | F_HEADING },
	{ "h3", GUMBO_TAG_H3, F_BLOCK | F_HEADING }, { "h4", GUMBO_TAG_H4, F_BLOCK | F_HEADING },
	{ "h5", GUMBO_TAG_H5, F_BLOCK | F_HEADING }, { "h6", GUMBO_TAG_H6, F_BLOCK | F_HEADING },
	{ "blockquote", GUMBO_TAG_BLOCKQUOTE, F_BLOCK }, { "section", GUMBO_TAG_SECTION, F_BLOCK },
	{ "article", GUMBO_TAG_ARTICLE, F_BLOCK }, { "header", GUMBO_TAG_HEADER, F_BLOCK },
	{ "footer", GUMBO_TAG_FOOTER, F_BLOCK },
};

/* Named references the fast path decodes (with ';'); others go to gumbo. */
static const struct {
	const char *name;
	const char *utf8;
} fast_refs[] = {
	{ "amp", "&" }, { "lt", "<" }, { "gt", ">" }, { "quot", "\"" }, { "apos", "'" },
	{ "nbsp", "\xc2\xa0" }, { "euro", "\xe2\x82\xac" }, { "ndash", "\xe2\x80\x93" },
	{ "mdash", "\xe2\x80\x94" }, { "hellip", "\xe2\x80\xa6" }, { "bull", "\xe2\x80\xa2" },
	{ "middot", "\xc2\xb7" }, { "lsquo", "\xe2\x80\x98" }, { "rsquo", "\xe2\x80\x99" },
	{ "ldquo", "\xe2\x80\x9c" }, { "rdquo", "\xe2\x80\x9d" }, { "copy", "\xc2\xa9" },
	{ "reg", "\xc2\xae" }, { "trade", "\xe2\x84\xa2" }, { "eacute", "\xc3\xa9" },
	{ "egrave", "\xc3\xa8" }, { "ecirc", "\xc3\xaa" }, { "euml", "\xc3\xab" },
	{ "aacute", "\xc3\xa1" }, { "agrave", "\xc3\xa0" }, { "auml", "\xc3\xa4" },
	{ "iuml", "\xc3\xaf" }, { "oacute", "\xc3\xb3" }, { "ouml", "\xc3\xb6" },
	{ "uuml", "\xc3\xbc" }, { "Auml", "\xc3\x84" }, { "Ouml", "\xc3\x96" },
	{ "Uuml", "\xc3\x9c" }, { "szlig", "\xc3\x9f" }, { "ccedil", "\xc3\xa7" },
};

struct fast_state {
	struct text_state *t;
	struct buf text;                /* the current text run, references decoded */
	GumboTag stack[FAST_MAX_DEPTH];
	unsigned flags[FAST_MAX_DEPTH];
	size_t depth;
	size_t open_p, open_a, open_heading;
};

static bool utf8_valid(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned char c = s[i];
		size_t k = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 :
			   (c & 0xf8) == 0xf0 ? 4 : 0;

		if (!k || i + k > n || (k == 2 && c < 0xc2))
			return false;
		for (size_t j = 1; j < k; j++)
			if ((s[i + j] & 0xc0) != 0x80)
				return false;
		if ((k == 3 && ((c == 0xe0 && s[i + 1] < 0xa0) || (c == 0xed && s[i + 1] >= 0xa0))) ||
		    (k == 4 && ((c == 0xf0 && s[i + 1] < 0x90) || c > 0xf4 || (c == 0xf4 && s[i + 1] >= 0x90))))
			return false;
		/* controls and noncharacters: gumbo's preprocessing reports or
		 * replaces some; not worth modelling */
		if ((k == 1 && ((c < 0x20 && c != '\t' && c != '\n' && c != '\f' && c != '\r') || c == 0x7f)) ||
		    (k == 2 && c == 0xc2 && s[i + 1] < 0xa0) ||
		    (k == 3 && c == 0xef && s[i + 1] == 0xb7 && s[i + 2] >= 0x90 && s[i + 2] <= 0xaf) ||
		    (k >= 3 && s[i + k - 2] == 0xbf && s[i + k - 1] >= 0xbe &&
		     (k == 3 ? c == 0xef : (s[i + 1] & 0x0f) == 0x0f)))
			return false;
		i += k;
	}
	return true;
}

/* Append a numeric reference's character; false when gumbo would replace it. */
static bool add_codepoint(struct buf *b, unsigned long cp)
{
	char u[4];
	size_t n;

	if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff ||
	    (cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) == 0xfffe)
		return false;
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
	return buf_add(b, u, n) == TJ_OK;
}

/* A character reference at *p ('&'): decoded into b; false to give up. */
static bool fast_ref(const char **p, struct buf *b)
{
	const char *s = *p + 1;

	if (*s == '#') {
		unsigned long cp = 0;
		int digits = 0;
		bool hex = s[1] == 'x' || s[1] == 'X';

		for (s += hex ? 2 : 1; hex ? isxdigit((unsigned char)*s) : isdigit((unsigned char)*s); s++) {
			if (++digits > 7)
				return false;
			cp = cp * (hex ? 16 : 10) + (unsigned long)(isdigit((unsigned char)*s) ? *s - '0'
							       : tolower((unsigned char)*s) - 'a' + 10);
		}
		if (!digits || *s != ';' || !add_codepoint(b, cp))
			return false;
		*p = s + 1;
		return true;
	}
	if (!isalnum((unsigned char)*s)) {
		*p = s;         /* a lone '&' is text */
		return buf_addc(b, '&') == TJ_OK;
	}
	for (size_t i = 0; i < sizeof(fast_refs) / sizeof(fast_refs[0]); i++) {
		size_t n = strlen(fast_refs[i].name);

		if (!strncmp(s, fast_refs[i].name, n) && s[n] == ';') {
			*p = s + n + 1;
			return buf_adds(b, fast_refs[i].utf8) == TJ_OK;
		}
	}
	return false;   /* other names, or a reference without ';' (legacy forms) */
}

/* Hand the collected text to the text_state. */
static bool fast_flush(struct fast_state *f)
{
	if (!f->text.len)
		return true;
	add_text(f->t, buf_str(&f->text));
	buf_reset(&f->text);
	return !f->t->rc;
}

/* The element enters or leaves, as text_enter/text_leave would see it. */
static void fast_enter(struct fast_state *f, GumboTag tag)
{
	struct text_state *t = f->t;

	switch (tag) {
	case GUMBO_TAG_BR:
		brk(t, t->pending >= BRK_LINE ? BRK_PARA : BRK_LINE);
		return;
	case GUMBO_TAG_HR:
		brk(t, BRK_PARA);
		return;
	case GUMBO_TAG_LI:
		brk(t, BRK_LINE);
		t->marker = true;
		t->li_depth++;
		return;
	default:
		if (is_block(tag))
			block_break(t);
	}
}

static void fast_leave(struct fast_state *f, GumboTag tag)
{
	struct text_state *t = f->t;

	if (tag == GUMBO_TAG_LI) {
		t->li_depth--;
		t->marker = false;
		brk(t, BRK_LINE);
	} else if (is_block(tag)) {
		block_break(t);
	}
}

static void fast_pop(struct fast_state *f)
{
	GumboTag tag = f->stack[--f->depth];

	f->open_p -= tag == GUMBO_TAG_P;
	f->open_a -= tag == GUMBO_TAG_A;
	f->open_heading -= (f->flags[f->depth] & F_HEADING) != 0;
	fast_leave(f, tag);
}

/* A tag at *p ('<' then a letter or '/'); false to give up. */
static bool fast_tag(struct fast_state *f, const char **p)
{
	const char *s = *p + 1, *name;
	bool end = *s == '/', self_closing = false;
	size_t n = 0, k;
	unsigned fl;
	GumboTag tag;

	if (end)
		s++;
	name = s;
	while (isalnum((unsigned char)s[n]))
		n++;
	if (!n)
		return false;
	for (k = 0; k < sizeof(fast_tags) / sizeof(fast_tags[0]); k++)
		if (strlen(fast_tags[k].name) == n && !strncasecmp(name, fast_tags[k].name, n))
			break;
	if (k == sizeof(fast_tags) / sizeof(fast_tags[0]))
		return false;
	tag = fast_tags[k].tag;
	fl = fast_tags[k].flags;
	s += n;
	/* the tokenizer's tag name runs to white space, '/' or '>': "<p-x>" is another tag */
	if (!*s || !strchr(" \t\n\f/>", *s))
		return false;
	/* attributes, as the tokenizer reads them; hidden and style could hide text */
	for (;;) {
		const char *an;
		size_t al;

		while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\f')
			s++;
		if (*s == '>')
			break;
		if (*s == '/' && s[1] == '>') {
			self_closing = true;
			s++;
			break;
		}
		if (!*s || *s == '/' || *s == '<' || *s == '"' || *s == '\'' || *s == '=' || *s == '\r')
			return false;
		an = s;
		while (*s && !strchr(" \t\n\f\r/>=\"'<", *s))
			s++;
		al = (size_t)(s - an);
		if ((al == 6 && !strncasecmp(an, "hidden", 6)) || (al == 5 && !strncasecmp(an, "style", 5)))
			return false;
		while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\f')
			s++;
		if (*s != '=')
			continue;
		s++;
		while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\f')
			s++;
		if (*s == '"' || *s == '\'') {
			const char *q = strchr(s + 1, *s);

			if (!q)
				return false;
			s = q + 1;
			/* the tokenizer wants white space or the end of the tag next */
			if (*s && !strchr(" \t\n\f/>", *s))
				return false;
		} else {
			while (*s && !strchr(" \t\n\f\r>\"'<=`", *s))
				s++;
			if (*s && !strchr(" \t\n\f>", *s))
				return false;
		}
	}
	*p = s + 1;
	if (end) {
		/* only the element on top may end: nothing implied, nothing misnested */
		if (self_closing || (fl & F_VOIDTAG) || !f->depth || f->stack[f->depth - 1] != tag)
			return false;
		fast_pop(f);
		return true;
	}
	if (((fl & F_BLOCK) && f->open_p) || (tag == GUMBO_TAG_A && f->open_a) ||
	    ((fl & F_HEADING) && f->depth && (f->flags[f->depth - 1] & F_HEADING)))
		return false;   /* gumbo would close or reparent something */
	if (tag == GUMBO_TAG_LI && !(f->depth && (f->flags[f->depth - 1] & F_LIST)))
		return false;
	fast_enter(f, tag);
	if (fl & F_VOIDTAG)
		return true;
	if (f->depth == FAST_MAX_DEPTH)
		return false;
	f->stack[f->depth] = tag;
	f->flags[f->depth] = fl;
	f->depth++;
	f->open_p += tag == GUMBO_TAG_P;
	f->open_a += tag == GUMBO_TAG_A;
	f->open_heading += (fl & F_HEADING) != 0;
	return true;
}

static enum fast fast_fragment(const char *z, size_t len, unsigned flags, struct text_state *t)
{
	struct fast_state f;
	const char *p = z;
	enum fast res = FAST_NO;

	if (len > HTML_MAX_INPUT || !utf8_valid((const unsigned char *)z, len))
		return FAST_NO;
	memset(&f, 0, sizeof(f));
	f.t = t;
	t->flags = flags;
	buf_init(&f.text, len + 1);
	while (*p) {
		if (*p == '<') {
			if (!isalpha((unsigned char)p[1]) && p[1] != '/' && p[1] != '!' && p[1] != '?') {
				if (buf_addc(&f.text, *p++))
					goto out;
				continue;
			}
			if (p[1] == '!' || p[1] == '?' || !fast_flush(&f) || !fast_tag(&f, &p))
				goto out;
		} else if (*p == '&') {
			if (!fast_ref(&p, &f.text))
				goto out;
		} else if (*p == '\r') {
			/* input preprocessing: CR LF and a lone CR are one LF */
			p += p[1] == '\n' ? 2 : 1;
			if (buf_addc(&f.text, '\n'))
				goto out;
		} else {
			size_t run = strcspn(p, "<&\r");

			if (buf_add(&f.text, p, run))
				goto out;
			p += run;
		}
	}
	if (!fast_flush(&f))
		goto out;
	while (f.depth)         /* end of input closes what is open */
		fast_pop(&f);
	res = t->rc ? FAST_ERR : FAST_DONE;
out:
	buf_release(&f.text);
	return res;
}

/* Text of one fragment (NUL-terminated, len bytes): fast path, else gumbo. */
static enum tj_code fragment_text(const char *html, size_t len, unsigned flags, bool fast, char **out)
{
	GumboOutput *doc = NULL;
	enum tj_code rc;

	*out = NULL;
	if (fast) {
		struct text_state t;
		enum fast r;

		memset(&t, 0, sizeof(t));
		t.cap = HTML_TEXT_MAX;
		buf_init(&t.out, t.cap + 8);
		r = fast_fragment(html, len, flags, &t);
		if (r == FAST_DONE)
			return text_result(&t, out);
		buf_release(&t.out);
		if (r == FAST_ERR)
			return tj_error(TJ_ENOMEM, "out of memory extracting text");
	}
	if ((rc = html_parse(html, len, &doc)))
		return rc;
	rc = html_node_text(doc->document, flags, 0, out);
	html_free(doc);
	return rc;
}

static enum tj_code fragment_text_all(const char *html, size_t len, bool fast, char **out)
{
	enum tj_code rc;
	char *z;

	*out = NULL;
	if (!len || !html) {
		*out = strdup("");
		return *out ? TJ_OK : tj_error(TJ_ENOMEM, "out of memory extracting text");
	}
	/* has_tags needs a terminated string for its lookahead */
	z = strndup(html, len);
	if (!z)
		return tj_error(TJ_ENOMEM, "out of memory extracting text");
	len = strlen(z);
	rc = fragment_text(z, len, has_tags(z, len) ? 0 : HTML_TEXT_LINES, fast, out);
	free(z);
	for (int round = 0; !rc && round < 2 && html_looks_like_markup(*out); round++) {
		char *again = NULL;

		rc = fragment_text(*out, strlen(*out), 0, fast, &again);
		free(*out);
		*out = again;
	}
	if (rc) {
		free(*out);
		*out = NULL;
	}
	return rc;
}

enum tj_code html_fragment_text(const char *html, size_t len, char **out)
{
	return fragment_text_all(html, len, true, out);
}

enum tj_code html_fragment_text_tree(const char *html, size_t len, char **out)
{
	return fragment_text_all(html, len, false, out);
}

char *html_to_text(const char *html, size_t len)
{
	char *text;

	return html_fragment_text(html, len, &text) ? NULL : text;
}
