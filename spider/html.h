/*
 * html.h - helpers on gumbo parse trees: bounded parsing, plain text of a
 * node or an HTML fragment, attribute lookup, iterative tree walking.
 *
 * Everything here is iterative (explicit stacks, no recursion), so a page
 * nested 100 000 elements deep cannot overflow the C stack.  Functions are
 * thread-safe: they share no state, and a gumbo tree may be read from
 * several threads once parsed.
 */
#ifndef TJ_HTML_H
#define TJ_HTML_H

#include <gumbo.h>
#include <stdbool.h>
#include <stddef.h>

#include "err.h"

/* Largest input html_parse() accepts. */
#define HTML_MAX_INPUT ((size_t)32 << 20)
/* Deepest element nesting (estimated before parsing) html_parse() accepts. */
#define HTML_MAX_DEPTH 4096
/* Most tree-builder work (sum over tags of the open-element depth) accepted. */
#define HTML_MAX_WORK ((size_t)32 << 20)
/* Default cap of a plain-text result, in bytes. */
#define HTML_TEXT_MAX ((size_t)256 << 10)

/*
 * Parse a document with gumbo.  Gumbo's tree builder scans the stack of
 * open elements for many tags (start tags of blocks, end tags that match
 * nothing), so its time is O(tags x depth): 40 000 nested <div>s take
 * seconds, as do 1000 nested <span>s followed by 500 000 stray "</x>".  The
 * input is first measured with html_estimate() and refused when deeper than
 * HTML_MAX_DEPTH, when the work would pass HTML_MAX_WORK (about a quarter
 * second), or when larger than HTML_MAX_INPUT: TJ_ETOOBIG with a message.
 * Gumbo replaces invalid UTF-8 and NUL bytes with U+FFFD, so every text
 * and attribute value in the tree is valid UTF-8.  *out is the caller's,
 * freed with html_free().  TJ_ENOMEM when gumbo returns nothing.
 */
enum tj_code html_parse(const char *html, size_t len, GumboOutput **out) TJ_WUR;

/* Free a tree from html_parse(); NULL is a no-op. */
void html_free(GumboOutput *out);

/* What html_estimate() measured. */
struct html_shape {
	size_t depth;   /* deepest open-element stack */
	size_t work;    /* sum over all tags of the stack depth when seen */
};

/*
 * Estimate, in one linear pass and without building a tree, how deep the
 * open-element stack gumbo builds for html[0..len) gets and how much
 * scanning it costs.  The model follows the tokenizer (attribute quoting,
 * comments, raw-text elements) and the tree builder (void and optional-end
 * elements, end tags popping to their start tag and ignored when there is
 * none, SVG/MathML self-closing tags, breakout from foreign content).
 * Stops early once depth passes max_depth or work passes max_work.
 */
void html_estimate(const char *html, size_t len, size_t max_depth, size_t max_work,
		   struct html_shape *out);

/* Flags for html_node_text(). */
#define HTML_TEXT_INLINE 1u     /* every break becomes one space (for short values) */
#define HTML_TEXT_LINES  2u     /* newlines in text are kept (plain text, <pre>) */

/*
 * The plain text of node and its descendants:
 *  - script, style, noscript, template, head, svg, math, iframe, object,
 *    select, and elements with the `hidden` attribute or an inline
 *    "display:none" style are skipped;
 *  - block elements (p, div, h1-h6, ul, table, ...) become paragraph breaks
 *    "\n\n", <br> a line break (two in a row a paragraph break), each <li>
 *    a line "- item", table rows lines and cells separated by spaces;
 *  - runs of whitespace (including U+00A0 and other Unicode spaces) become
 *    one space; zero-width spaces, soft hyphens and BOMs are dropped;
 *  - no leading or trailing whitespace, never a space next to a newline.
 * Entities were decoded by gumbo when it parsed.  The result is cut at cap
 * bytes (0 = HTML_TEXT_MAX) on a UTF-8 character boundary.  *out is
 * malloc'd, the caller's; "" when there is no text.  TJ_ENOMEM.
 */
enum tj_code html_node_text(const GumboNode *node, unsigned flags, size_t cap, char **out) TJ_WUR;

/*
 * Plain text of an HTML fragment such as a JSON-LD "description", as
 * html_node_text() would produce for it.  A fragment without any HTML tag
 * is treated as plain text: its line breaks are kept (one newline a line
 * break, a blank line a paragraph break) and its entities decoded.  When
 * the text that comes out still looks like HTML (the description was
 * entity-escaped, "&lt;p&gt;Wij zoeken&lt;/p&gt;"), it is parsed again, at
 * most twice more (double escaping).  Returns a malloc'd string, or NULL
 * with a message (TJ_ENOMEM, or TJ_ETOOBIG when the fragment is too large
 * or nested too deep for html_parse()).  Cut at HTML_TEXT_MAX.
 */
char *html_to_text(const char *html, size_t len);

/* The same, returning the error code: TJ_ENOMEM, or TJ_ETOOBIG for a
 * fragment html_parse() refuses.  *out is malloc'd, the caller's.
 * Fragments of common, well-nested formatting markup (the usual JSON-LD
 * description) are converted without building a gumbo tree, to the same
 * text; anything else is parsed with gumbo. */
enum tj_code html_fragment_text(const char *html, size_t len, char **out) TJ_WUR;

/* html_fragment_text() always through a gumbo tree: the reference its
 * fast path is tested against (tests, fuzz_fragment). */
enum tj_code html_fragment_text_tree(const char *html, size_t len, char **out) TJ_WUR;

/* Does s contain something that is clearly an HTML tag ("<p>", "</div",
 * "<br/>") or an entity-escaped one ("&lt;p&gt;")?  Used to decide the
 * above; exposed for tests. */
bool html_looks_like_markup(const char *s);

/* The value of attribute name (lowercase) on an element node; borrowed
 * from the tree; NULL when absent or when node is not an element. */
const char *html_attr(const GumboNode *node, const char *name);

/* Is node an element (or template) with this tag? */
bool html_is(const GumboNode *node, GumboTag tag);

/* The lowercase tag name of an element, also for tags gumbo does not know
 * ("job-card"), written into buf; "" for non-elements. */
const char *html_tag_name(const GumboNode *node, char *buf, size_t n);

/* The child vector of a document, element or template node; NULL for others. */
const GumboVector *html_children(const GumboNode *node);

/* What a walker callback asks for next. */
enum html_walk_action {
	HTML_WALK_CONTINUE = 0, /* visit this node's children */
	HTML_WALK_SKIP,         /* do not visit its children */
	HTML_WALK_STOP,         /* end the walk */
};

struct html_walker {
	/* Called for every node in document order (elements, text, comments). */
	enum html_walk_action (*enter)(const GumboNode *node, void *ctx);
	/* Called after the children of every node whose enter() returned
	 * HTML_WALK_CONTINUE; may be NULL. */
	void (*leave)(const GumboNode *node, void *ctx);
	void *ctx;
};

/*
 * Walk root and its descendants depth-first, in document order, with an
 * explicit stack.  TJ_ENOMEM if the stack cannot grow; otherwise TJ_OK
 * (also when a callback stopped the walk).
 */
enum tj_code html_walk(const GumboNode *root, const struct html_walker *w) TJ_WUR;

#endif
