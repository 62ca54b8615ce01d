/*
 * test_select.c - spider/select.{c,h}: the CSS selector subset, its error
 * messages, scoped matching and the limits (deep pages, long selectors).
 *
 * Most cases parse a small page whose elements carry ids, run a selector
 * and compare the ids of the matches, in document order, joined by spaces
 * ("-" for an element without an id).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "html.h"
#include "select.h"

static const char page[] =
	"<!doctype html><html id=h><head id=hd><title id=t>x</title>"
	"<link id=canon rel=canonical href=\"/v/1\"></head><body id=b>"
	"<div id=list class=\"vacancies open\">"
	"<ul id=ul>"
	"<li id=li1 class=job data-id=\"nl-101\"><a id=a1 href=\"/v/1\">Engineer</a><span id=s1 class=place>Enschede</span></li>"
	"<li id=li2 class=\"job featured\" data-id=\"nl-102\"><a id=a2 href=\"/v/2\">Planner</a><span id=s2 class=place>Hengelo</span></li>"
	"<li id=li3 class=job data-id=\"de-201\" lang=\"de-DE\"><a id=a3 href=\"https://x.de/3\">Fahrer</a></li>"
	"</ul>"
	"<p id=p1>one</p><p id=p2 title=\"Hello World\">two</p><div id=d2><p id=p3>three</p></div>"
	"</div>"
	"<job-card id=jc1><h3 id=jh1>A</h3></job-card><job-card id=jc2><h3 id=jh2>B</h3></job-card>"
	"<footer id=f><a id=a4 href=\"/privacy\">Privacy</a></footer>"
	"</body></html>";

static GumboOutput *doc;

static int setup(void **state)
{
	(void)state;
	return html_parse(page, strlen(page), &doc) == TJ_OK ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	html_free(doc);
	return 0;
}

static bool ids_cb(const GumboNode *el, void *ctx)
{
	struct buf *b = ctx;
	const char *id = html_attr(el, "id");

	if ((b->len && buf_addc(b, ' ')) || buf_adds(b, id ? id : "-"))
		fail_msg("out of memory");
	return true;
}

/* The ids matched by css below root (NULL: the document). */
static char *ids_at(const char *css, const GumboNode *root)
{
	struct selector *s = NULL;
	struct buf b;

	if (select_compile(css, &s) != TJ_OK)
		fail_msg("select_compile('%s'): %s", css, tj_errmsg());
	buf_init(&b, 0);
	if (select_all(s, root ? root : doc->document, ids_cb, &b) != TJ_OK)
		fail_msg("select_all: %s", tj_errmsg());
	select_free(s);
	return buf_detach(&b, NULL);
}

#define expect_ids(css, want) do { \
		char *got_ = ids_at(css, NULL); \
		assert_string_equal(got_, want); \
		free(got_); \
	} while (0)

/* The element with this id. */
static const GumboNode *by_id(const char *id)
{
	struct selector *s;
	const GumboNode *n = NULL;
	char css[64];

	snprintf(css, sizeof(css), "#%s", id);
	assert_int_equal(select_compile(css, &s), TJ_OK);
	assert_int_equal(select_first(s, doc->document, &n), TJ_OK);
	select_free(s);
	assert_non_null(n);
	return n;
}

static void expect_error(const char *css, enum tj_code code, const char *msg, size_t offset)
{
	struct selector *s = (struct selector *)&s;
	size_t off = 999;

	assert_int_equal(select_compile_at(css, &s, &off), code);
	assert_null(s);
	assert_string_equal(tj_errmsg(), msg);
	assert_int_equal(off, offset);
}

/* ---- simple selectors ---- */

static void test_type(void **state)
{
	(void)state;
	expect_ids("li", "li1 li2 li3");
	expect_ids("LI", "li1 li2 li3");
	expect_ids("title", "t");
}

static void test_universal(void **state)
{
	(void)state;
	expect_ids("ul > *", "li1 li2 li3");
	expect_ids("*#p2", "p2");
}

static void test_unknown_tag(void **state)
{
	(void)state;
	expect_ids("job-card", "jc1 jc2");
	expect_ids("JOB-CARD > h3", "jh1 jh2");
	expect_ids("job-list", "");
}

static void test_id(void **state)
{
	(void)state;
	expect_ids("#li2", "li2");
	expect_ids("li#li2", "li2");
	expect_ids("p#li2", "");
	expect_ids("#LI2", "");        /* ids are case-sensitive */
}

static void test_class(void **state)
{
	(void)state;
	expect_ids(".job", "li1 li2 li3");
	expect_ids(".job.featured", "li2");
	expect_ids("li.featured.job", "li2");
	expect_ids(".vacancies.open", "list");
	expect_ids(".Job", "");
	expect_ids(".jo", "");         /* whole words only */
}

static void test_attr_exists_and_equals(void **state)
{
	(void)state;
	expect_ids("[lang]", "li3");
	expect_ids("[data-id=nl-102]", "li2");
	expect_ids("[data-id=\"nl-102\"]", "li2");
	expect_ids("[data-id='nl-102']", "li2");
	expect_ids("[ data-id = nl-102 ]", "li2");
	expect_ids("link[rel=canonical]", "canon");
	expect_ids("[DATA-ID=nl-101]", "li1");  /* attribute names ignore case */
	expect_ids("[title=\"Hello World\"]", "p2");
	expect_ids("[title=\"hello world\"]", "");
	expect_ids("[title=\"hello world\" i]", "p2");
}

static void test_attr_substring_ops(void **state)
{
	(void)state;
	expect_ids("[data-id^=nl-]", "li1 li2");
	expect_ids("[data-id$=\"01\"]", "li1 li3");
	expect_ids("[data-id*=\"-10\"]", "li1 li2");
	expect_ids("a[href^=\"https:\"]", "a3");
	expect_ids("[data-id^=\"\"]", "");      /* empty values match nothing */
	expect_ids("[class~=featured]", "li2");
	expect_ids("[class~=\"job featured\"]", "");
	expect_ids("[lang|=de]", "li3");
	expect_ids("[lang|=d]", "");
}

/* ---- combinators ---- */

static void test_descendant(void **state)
{
	(void)state;
	expect_ids("ul a", "a1 a2 a3");
	expect_ids("#list p", "p1 p2 p3");
	expect_ids("body a", "a1 a2 a3 a4");
	expect_ids("html body div ul li a", "a1 a2 a3");
}

static void test_child(void **state)
{
	(void)state;
	expect_ids("#list > p", "p1 p2");
	expect_ids("div > p", "p1 p2 p3");
	expect_ids("ul>li>span", "s1 s2");
	expect_ids("body > a", "");
}

static void test_siblings(void **state)
{
	(void)state;
	expect_ids("#p1 + p", "p2");
	expect_ids("#p1 ~ p", "p2");
	expect_ids("#p1 ~ *", "p2 d2");
	expect_ids("li + li", "li2 li3");
	expect_ids("a + span", "s1 s2");
	expect_ids("ul ~ div p", "p3");
}

static void test_mixed_combinators(void **state)
{
	(void)state;
	/* child then descendant: li > a needs the li to be inside #list */
	expect_ids("#list li > a", "a1 a2 a3");
	expect_ids("div > ul li.job > span.place", "s1 s2");
	expect_ids("div div p", "p3");
	expect_ids("div > div > p", "p3");
	expect_ids("body > div p", "p1 p2 p3");
}

static void test_groups(void **state)
{
	(void)state;
	expect_ids("#p2, #p1", "p1 p2");       /* document order, not group order */
	expect_ids("p, #list > p", "p1 p2 p3"); /* each element once */
	expect_ids("h3 , footer a", "jh1 jh2 a4");
}

/* ---- pseudo-classes ---- */

static void test_nth_of_type(void **state)
{
	(void)state;
	expect_ids("li:nth-of-type(2)", "li2");
	expect_ids("#list > p:nth-of-type(2)", "p2");
	expect_ids("li:nth-of-type(odd)", "li1 li3");
	expect_ids("li:nth-of-type(even)", "li2");
	expect_ids("li:nth-of-type(2n+1)", "li1 li3");
	expect_ids("li:nth-of-type(-n+2)", "li1 li2");
	expect_ids("li:nth-of-type( n )", "li1 li2 li3");
	expect_ids("li:nth-of-type(4)", "");
	expect_ids("job-card:nth-of-type(2)", "jc2");
	expect_ids("li:nth-last-of-type(1)", "li3");
}

static void test_child_positions(void **state)
{
	(void)state;
	/* #list's children: ul p p div */
	expect_ids("#list > :nth-child(2)", "p1");
	expect_ids("#list > p:first-of-type", "p1");
	expect_ids("#list > :first-child", "ul");
	expect_ids("#list > :last-child", "d2");
	expect_ids("#list > p:last-of-type", "p2");
	expect_ids("#d2 > :only-child", "p3");
	expect_ids("li:nth-last-child(3)", "li1");
	expect_ids("job-card:only-of-type", "");
}

static void test_not_root_scope(void **state)
{
	(void)state;
	expect_ids("li:not(.featured)", "li1 li3");
	expect_ids("a:not([href^=\"/\"])", "a3");
	expect_ids("li:not(.job.featured)", "li1 li3");
	expect_ids(":root", "h");
	expect_ids(":scope", "h");
	expect_ids(":scope > body > footer", "f");
}

/* ---- scoped matching ---- */

static void test_scoped(void **state)
{
	char *got;

	(void)state;
	got = ids_at("a", by_id("li2"));
	assert_string_equal(got, "a2");
	free(got);
	/* the root itself is no candidate; :scope names it */
	got = ids_at("li", by_id("li2"));
	assert_string_equal(got, "");
	free(got);
	got = ids_at(":scope", by_id("li2"));
	assert_string_equal(got, "li2");
	free(got);
	got = ids_at(":scope > a", by_id("li2"));
	assert_string_equal(got, "a2");
	free(got);
	/* ancestors outside the root count, as in querySelectorAll */
	got = ids_at("div.vacancies a", by_id("li1"));
	assert_string_equal(got, "a1");
	free(got);
	got = ids_at("footer a", by_id("li1"));
	assert_string_equal(got, "");
	free(got);
	/* and previous siblings of the root */
	got = ids_at("li + li > span", by_id("li2"));
	assert_string_equal(got, "s2");
	free(got);
	got = ids_at("li + li > span", by_id("li1"));
	assert_string_equal(got, "");
	free(got);
	got = ids_at("li:nth-of-type(2) span", by_id("li2"));
	assert_string_equal(got, "s2");
	free(got);
}

static void test_first_and_list(void **state)
{
	struct selector *s;
	const GumboNode *n, **v;
	size_t count;
	bool more;

	(void)state;
	assert_int_equal(select_compile("li a", &s), TJ_OK);
	assert_string_equal(select_source(s), "li a");
	assert_int_equal(select_first(s, doc->document, &n), TJ_OK);
	assert_string_equal(html_attr(n, "id"), "a1");
	assert_int_equal(select_list(s, doc->document, 2, &v, &count, &more), TJ_OK);
	assert_int_equal(count, 2);
	assert_true(more);
	assert_string_equal(html_attr(v[1], "id"), "a2");
	free(v);
	assert_int_equal(select_list(s, doc->document, 0, &v, &count, &more), TJ_OK);
	assert_int_equal(count, 3);
	assert_false(more);
	free(v);
	select_free(s);

	assert_int_equal(select_compile("marquee", &s), TJ_OK);
	assert_int_equal(select_first(s, doc->document, &n), TJ_OK);
	assert_null(n);
	select_free(s);
	select_free(NULL);
}

static void test_escapes(void **state)
{
	GumboOutput *d;
	struct selector *s;
	const GumboNode *n;
	static const char html[] = "<p id=\"a:b\">1</p><p id=\"1st\">2</p><p class=\"caf\xc3\xa9\">3</p>";

	(void)state;
	assert_int_equal(html_parse(html, strlen(html), &d), TJ_OK);
	assert_int_equal(select_compile("#a\\:b", &s), TJ_OK);
	assert_int_equal(select_first(s, d->document, &n), TJ_OK);
	assert_non_null(n);
	select_free(s);
	assert_int_equal(select_compile("#\\31 st", &s), TJ_OK);
	assert_int_equal(select_first(s, d->document, &n), TJ_OK);
	assert_non_null(n);
	select_free(s);
	assert_int_equal(select_compile(".caf\\e9", &s), TJ_OK);
	assert_int_equal(select_first(s, d->document, &n), TJ_OK);
	assert_non_null(n);
	select_free(s);
	assert_int_equal(select_compile(".caf\xc3\xa9", &s), TJ_OK);
	assert_int_equal(select_first(s, d->document, &n), TJ_OK);
	assert_non_null(n);
	select_free(s);
	html_free(d);
}

/* ---- errors ---- */

static void test_errors_offsets(void **state)
{
	(void)state;
	expect_error("div > a)", TJ_EPARSE, "unexpected ')' at offset 7", 7);
	expect_error("", TJ_EPARSE, "selector is empty at offset 0", 0);
	expect_error("   ", TJ_EPARSE, "selector is empty at offset 3", 3);
	expect_error("a >", TJ_EPARSE, "expected a selector after '>' at offset 3", 3);
	expect_error("a,", TJ_EPARSE, "expected a selector after ',' at offset 2", 2);
	expect_error(",a", TJ_EPARSE, "expected a selector, found ',' at offset 0", 0);
	expect_error("a,,b", TJ_EPARSE, "expected a selector, found ',' at offset 2", 2);
	expect_error("[href", TJ_EPARSE, "expected ']', found the end at offset 5", 5);
	expect_error("[href=x y]", TJ_EPARSE, "expected ']', found 'y' at offset 8", 8);
	expect_error("[=x]", TJ_EPARSE, "expected an attribute name, found '=' at offset 1", 1);
	expect_error("[a!=b]", TJ_EPARSE,
		     "expected '=' or ']' in an attribute selector, found '!' at offset 2", 2);
	expect_error("a[title=\"x]", TJ_EPARSE, "unterminated string at offset 8", 8);
	expect_error(".", TJ_EPARSE, "expected a class name after '.', found the end at offset 1", 1);
	expect_error("#", TJ_EPARSE, "expected an id after '#', found the end at offset 1", 1);
	expect_error("div | a", TJ_EPARSE, "unexpected '|' at offset 4", 4);
	expect_error("a{}", TJ_EPARSE, "unexpected '{' at offset 1", 1);
}

static void test_errors_pseudo(void **state)
{
	(void)state;
	expect_error("a:hover", TJ_EPARSE,
		     "unknown pseudo-class ':hover' (supported: nth-child, nth-of-type, nth-last-child,"
		     " nth-last-of-type, first-child, last-child, first-of-type, last-of-type,"
		     " only-child, only-of-type, root, scope, not) at offset 1", 1);
	expect_error("p::before", TJ_EPARSE, "pseudo-element '::before' is not supported at offset 1", 1);
	expect_error("li:nth-of-type", TJ_EPARSE,
		     "':nth-of-type' needs an argument, e.g. ':nth-of-type(2)' at offset 2", 2);
	expect_error("li:first-child(1)", TJ_EPARSE, "':first-child' takes no argument at offset 2", 2);
	expect_error("li:nth-of-type(x)", TJ_EPARSE,
		     "expected AN+B (a number, odd, even or a form like 2n+1) at offset 15", 15);
	expect_error("li:nth-of-type(2", TJ_EPARSE, "expected ')', found the end at offset 16", 16);
	expect_error("li:nth-of-type(2n+)", TJ_EPARSE,
		     "expected a number after the sign in AN+B at offset 18", 18);
	expect_error("a:not(b c)", TJ_EPARSE, "':not()' takes one compound selector (no combinators"
		     " or lists); unexpected 'c' at offset 8", 8);
	expect_error("a:not(:not(b))", TJ_EPARSE, "':not()' inside ':not()' is not supported at offset 6", 6);
	expect_error("a:has(b)", TJ_EPARSE,
		     "unknown pseudo-class ':has()' (supported: nth-child, nth-of-type, nth-last-child,"
		     " nth-last-of-type, first-child, last-child, first-of-type, last-of-type,"
		     " only-child, only-of-type, root, scope, not) at offset 1", 1);
	expect_error("a:not(b))", TJ_EPARSE, "unexpected ')' at offset 8", 8);
}

static void test_limits(void **state)
{
	char css[SELECT_MAX_LEN + 2];
	struct buf b;
	struct selector *s;

	(void)state;
	memset(css, 'a', sizeof(css) - 1);
	css[sizeof(css) - 1] = '\0';
	expect_error(css, TJ_ETOOBIG, "selector is 1025 bytes long; at most 1024 are allowed", 0);
	css[SELECT_MAX_LEN] = '\0';
	assert_int_equal(select_compile(css, &s), TJ_OK);   /* exactly at the cap */
	select_free(s);

	buf_init(&b, 0);
	for (int i = 0; i < SELECT_MAX_COMPOUNDS; i++)
		assert_int_equal(buf_adds(&b, i ? " a" : "a"), TJ_OK);
	assert_int_equal(select_compile(buf_str(&b), &s), TJ_OK);
	select_free(s);
	assert_int_equal(buf_adds(&b, ", b"), TJ_OK);
	expect_error(buf_str(&b), TJ_ETOOBIG, "more than 64 compound selectors at offset 129", 129);
	buf_release(&b);
}

/* A page nested far deeper than the C stack would survive recursively. */
static void test_deep_document(void **state)
{
	const int depth = 3000;
	struct buf b;
	GumboOutput *d;
	struct selector *s;
	const GumboNode **v;
	size_t n;

	(void)state;
	buf_init(&b, 0);
	for (int i = 0; i < depth; i++)
		assert_int_equal(buf_adds(&b, "<div>"), TJ_OK);
	assert_int_equal(buf_adds(&b, "<b id=deep>x</b>"), TJ_OK);
	assert_int_equal(html_parse(b.data, b.len, &d), TJ_OK);
	assert_int_equal(select_compile("div div > div b, div:nth-of-type(1) > b", &s), TJ_OK);
	assert_int_equal(select_list(s, d->document, 0, &v, &n, NULL), TJ_OK);
	assert_int_equal(n, 1);
	assert_string_equal(html_attr(v[0], "id"), "deep");
	free(v);
	select_free(s);
	/* every div matches "div div": 2999 of them, each found once */
	assert_int_equal(select_compile("div div", &s), TJ_OK);
	assert_int_equal(select_list(s, d->document, 0, &v, &n, NULL), TJ_OK);
	assert_int_equal(n, depth - 1);
	free(v);
	select_free(s);
	html_free(d);
	buf_release(&b);
}

/* Many custom-element siblings: :nth-of-type stays linear. */
static void test_many_siblings(void **state)
{
	struct buf b;
	GumboOutput *d;
	struct selector *s;
	const GumboNode *n;

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(buf_adds(&b, "<section>"), TJ_OK);
	for (int i = 0; i < 20000; i++)
		assert_int_equal(buf_addf(&b, "<x-%d></x-%d><x-card id=c%d></x-card>", i % 50, i % 50, i), TJ_OK);
	assert_int_equal(buf_adds(&b, "</section>"), TJ_OK);
	assert_int_equal(html_parse(b.data, b.len, &d), TJ_OK);
	assert_int_equal(select_compile("x-card:nth-of-type(19999)", &s), TJ_OK);
	assert_int_equal(select_first(s, d->document, &n), TJ_OK);
	assert_non_null(n);
	assert_string_equal(html_attr(n, "id"), "c19998");
	select_free(s);
	html_free(d);
	buf_release(&b);
}


static void test_whitespace(void **state)
{
	(void)state;
	expect_ids("ul>li>a", "a1 a2 a3");
	expect_ids("  ul \t>\n li  >  a  ", "a1 a2 a3");
	expect_ids("ul\n\na", "a1 a2 a3");
	expect_ids("#p1+p", "p2");
	expect_ids("#p1~p", "p2");
}

static void test_case_insensitive_names(void **state)
{
	(void)state;
	expect_ids("LI:NTH-OF-TYPE(2)", "li2");
	expect_ids("li:Not(.featured):First-Child", "li1");
	expect_ids("li:nth-of-type(ODD)", "li1 li3");
}

static void test_anb_forms(void **state)
{
	(void)state;
	expect_ids("li:nth-of-type(-2n+3)", "li1 li3");
	expect_ids("li:nth-child(0n+2)", "li2");
	expect_ids("li:nth-child(+2)", "li2");
	expect_ids("li:nth-child(3n)", "li3");
	expect_ids("li:nth-child(n+2)", "li2 li3");
	expect_ids("li:nth-child(2n - 1)", "li1 li3");
	expect_ids("li:nth-child(-1)", "");
	expect_ids("li:nth-child(0)", "");
}

static bool stop_after_two(const GumboNode *el, void *ctx)
{
	(void)el;
	return ++*(int *)ctx < 2;
}

static void test_callback_stops(void **state)
{
	struct selector *s;
	int seen = 0;

	(void)state;
	assert_int_equal(select_compile("a", &s), TJ_OK);
	assert_int_equal(select_all(s, doc->document, stop_after_two, &seen), TJ_OK);
	assert_int_equal(seen, 2);
	select_free(s);
}

static void test_odd_roots(void **state)
{
	struct selector *s;
	const GumboNode *n = (const GumboNode *)1, *text;

	(void)state;
	assert_int_equal(select_compile("*", &s), TJ_OK);
	/* a text node has no children: nothing below it */
	text = html_children(by_id("p1"))->data[0];
	assert_int_equal(text->type, GUMBO_NODE_TEXT);
	assert_int_equal(select_first(s, text, &n), TJ_OK);
	assert_null(n);
	assert_int_equal(select_first(s, NULL, &n), TJ_OK);
	assert_null(n);
	assert_int_equal(select_first(NULL, doc->document, &n), TJ_OK);
	assert_null(n);
	select_free(s);
	assert_int_equal(select_compile(NULL, &s), TJ_EINVAL);
	assert_null(s);
}

/* One compiled selector serves any number of documents. */
static void test_reuse(void **state)
{
	static const char *const pages[] = {
		"<ul><li class=job><a href=/1>x</a></li></ul>",
		"<div><li class=job><a href=/2>y</a></li><li class=job><a href=/3>z</a></li></div>",
		"<p>nothing</p>",
	};
	const size_t want[] = { 1, 2, 0 };
	struct selector *s;

	(void)state;
	assert_int_equal(select_compile(".job > a[href]", &s), TJ_OK);
	for (size_t i = 0; i < 3; i++) {
		GumboOutput *d;
		const GumboNode **v;
		size_t n;

		assert_int_equal(html_parse(pages[i], strlen(pages[i]), &d), TJ_OK);
		assert_int_equal(select_list(s, d->document, 0, &v, &n, NULL), TJ_OK);
		assert_int_equal(n, want[i]);
		free(v);
		html_free(d);
	}
	select_free(s);
}

/* 10 000 levels, parsed by gumbo directly (html_parse refuses that depth). */
static void test_10k_deep(void **state)
{
	const int depth = 10000;
	GumboOptions opts = kGumboDefaultOptions;
	struct buf b;
	GumboOutput *d;
	struct selector *s;
	const GumboNode *n;

	(void)state;
	buf_init(&b, 0);
	for (int i = 0; i < depth; i++)
		assert_int_equal(buf_adds(&b, "<span>"), TJ_OK);
	assert_int_equal(buf_adds(&b, "<i id=bottom></i>"), TJ_OK);
	opts.max_errors = 0;    /* gumbo copies the open-element stack into each error */
	d = gumbo_parse_with_options(&opts, b.data, b.len);
	assert_non_null(d);
	assert_int_equal(select_compile("span > span:first-child span i:only-child", &s), TJ_OK);
	assert_int_equal(select_first(s, d->document, &n), TJ_OK);
	assert_non_null(n);
	assert_string_equal(html_attr(n, "id"), "bottom");
	select_free(s);
	gumbo_destroy_output(&kGumboDefaultOptions, d);
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_type),
		cmocka_unit_test(test_universal),
		cmocka_unit_test(test_unknown_tag),
		cmocka_unit_test(test_id),
		cmocka_unit_test(test_class),
		cmocka_unit_test(test_attr_exists_and_equals),
		cmocka_unit_test(test_attr_substring_ops),
		cmocka_unit_test(test_descendant),
		cmocka_unit_test(test_child),
		cmocka_unit_test(test_siblings),
		cmocka_unit_test(test_mixed_combinators),
		cmocka_unit_test(test_groups),
		cmocka_unit_test(test_nth_of_type),
		cmocka_unit_test(test_child_positions),
		cmocka_unit_test(test_not_root_scope),
		cmocka_unit_test(test_scoped),
		cmocka_unit_test(test_first_and_list),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_errors_offsets),
		cmocka_unit_test(test_errors_pseudo),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_deep_document),
		cmocka_unit_test(test_many_siblings),
		cmocka_unit_test(test_whitespace),
		cmocka_unit_test(test_case_insensitive_names),
		cmocka_unit_test(test_anb_forms),
		cmocka_unit_test(test_callback_stops),
		cmocka_unit_test(test_odd_roots),
		cmocka_unit_test(test_reuse),
		cmocka_unit_test(test_10k_deep),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
