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
	if (t.full && t.out.data)
		utf8_trim_partial(t.out.data, &t.out.len);
	/* a cut can leave a separator at the end */
	while (t.out.len && (t.out.data[t.out.len - 1] == ' ' || t.out.data[t.out.len - 1] == '\n'))
		t.out.data[--t.out.len] = '\0';
	*out = buf_detach(&t.out, NULL);
	if (!*out)
		return tj_error(TJ_ENOMEM, "out of memory extracting text");
	return TJ_OK;
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

static enum tj_code fragment_text(const char *html, size_t len, unsigned flags, char **out)
{
	GumboOutput *doc = NULL;
	enum tj_code rc;

	*out = NULL;
	if ((rc = html_parse(html, len, &doc)))
		return rc;
	rc = html_node_text(doc->document, flags, 0, out);
	html_free(doc);
	return rc;
}

enum tj_code html_fragment_text(const char *html, size_t len, char **out)
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
	rc = fragment_text(z, len, has_tags(z, len) ? 0 : HTML_TEXT_LINES, out);
	free(z);
	for (int round = 0; !rc && round < 2 && html_looks_like_markup(*out); round++) {
		char *again = NULL;

		rc = fragment_text(*out, strlen(*out), 0, &again);
		free(*out);
		*out = again;
	}
	if (rc) {
		free(*out);
		*out = NULL;
	}
	return rc;
}

char *html_to_text(const char *html, size_t len)
{
	char *text;

	return html_fragment_text(html, len, &text) ? NULL : text;
}
