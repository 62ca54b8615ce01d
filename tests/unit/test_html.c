/*
 * test_html.c - spider/html.{c,h}: plain text of HTML, escaped fragments,
 * attribute lookup, walking, and the parse bounds against hostile nesting.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "html.h"

static void check_text(const char *html, const char *want)
{
	char *got = html_to_text(html, strlen(html));

	if (!got)
		fail_msg("html_to_text(\"%s\") = NULL", html);
	if (strcmp(got, want))
		fail_msg("html_to_text(\"%s\")\n got \"%s\"\nwant \"%s\"", html, got, want);
	free(got);
}

/* n copies of unit after prefix, malloc'd */
static char *repeat(const char *prefix, const char *unit, size_t n)
{
	size_t pl = strlen(prefix), ul = strlen(unit);
	char *s = malloc(pl + ul * n + 1);

	assert_non_null(s);
	memcpy(s, prefix, pl);
	for (size_t i = 0; i < n; i++)
		memcpy(s + pl + i * ul, unit, ul);
	s[pl + ul * n] = '\0';
	return s;
}

static void text_paragraphs_and_lists(void **state)
{
	(void)state;
	check_text("<h2>Wat ga je doen?</h2><p>Je werkt aan <b>AI</b> &amp; data.</p>"
		   "<ul><li>Analyseren</li><li>Bouwen</li></ul><p>Einde</p>",
		   "Wat ga je doen?\n\nJe werkt aan AI & data.\n\n- Analyseren\n- Bouwen\n\nEinde");
}

static void text_br(void **state)
{
	(void)state;
	check_text("<p>regel een<br>regel twee<br/><br />nieuwe alinea</p>",
		   "regel een\nregel twee\n\nnieuwe alinea");
}

static void text_whitespace(void **state)
{
	(void)state;
	check_text("<div>\n   veel    \t ruimte\xc2\xa0\xc2\xa0hier </div>  <div>  en daar</div>",
		   "veel ruimte hier\n\nen daar");
	check_text("zero\xe2\x80\x8bwidth soft\xc2\xadhyphen", "zerowidth softhyphen");
}

static void text_skips_invisible(void **state)
{
	(void)state;
	check_text("<p>zichtbaar</p><script>var x = '<p>nee</p>';</script><style>p{}</style>"
		   "<noscript>nee</noscript><p hidden>verborgen</p>"
		   "<div style=\"color:red; display : none\">weg</div><p>ook</p>",
		   "zichtbaar\n\nook");
}

static void text_escaped_description(void **state)
{
	(void)state;
	check_text("&lt;p&gt;Wij zoeken een &lt;strong&gt;developer&lt;/strong&gt;.&lt;/p&gt;"
		   "&lt;ul&gt;&lt;li&gt;Java&lt;/li&gt;&lt;li&gt;C&lt;/li&gt;&lt;/ul&gt;",
		   "Wij zoeken een developer.\n\n- Java\n- C");
	/* escaped twice */
	check_text("&amp;lt;p&amp;gt;een&amp;lt;/p&amp;gt;&amp;lt;p&amp;gt;twee&amp;lt;/p&amp;gt;",
		   "een\n\ntwee");
}

static void text_plain_keeps_lines(void **state)
{
	(void)state;
	check_text("Functie-eisen:\r\n- HBO\r\n- Rijbewijs B\r\n\r\nWij bieden &euro; 3.000",
		   "Functie-eisen:\n- HBO\n- Rijbewijs B\n\nWij bieden \xe2\x82\xac 3.000");
	check_text("a < b and c > d", "a < b and c > d");
	check_text("", "");
}

static void text_table(void **state)
{
	(void)state;
	check_text("<table><tr><th>Uren</th><td>32-40</td></tr><tr><th>Salaris</th><td>&euro; 4.000</td></tr></table>",
		   "Uren 32-40\nSalaris \xe2\x82\xac 4.000");
}

static void text_cap_utf8(void **state)
{
	GumboOutput *doc;
	char *html = repeat("<p>", "\xc3\xa9", 1000), *text = NULL;

	(void)state;
	assert_int_equal(html_parse(html, strlen(html), &doc), TJ_OK);
	assert_int_equal(html_node_text(doc->root, 0, 101, &text), TJ_OK);
	/* 101 bytes cut to 100: never half a character */
	assert_int_equal(strlen(text), 100);
	free(text);
	assert_int_equal(html_node_text(doc->root, HTML_TEXT_INLINE, 0, &text), TJ_OK);
	assert_int_equal(strlen(text), 2000);
	free(text);
	html_free(doc);
	free(html);
}

static void inline_flag(void **state)
{
	GumboOutput *doc;
	const char *html = "<div id=t><p>Medewerker</p><ul><li>HR</li></ul><br>Enschede</div>";
	char *text = NULL;

	(void)state;
	assert_int_equal(html_parse(html, strlen(html), &doc), TJ_OK);
	assert_int_equal(html_node_text(doc->root, HTML_TEXT_INLINE, 0, &text), TJ_OK);
	assert_string_equal(text, "Medewerker HR Enschede");
	free(text);
	html_free(doc);
}

struct count_ctx {
	int anchors;
	const char *last_href;
	char tag[32];
};

static enum html_walk_action count_enter(const GumboNode *n, void *ctx)
{
	struct count_ctx *c = ctx;

	if (html_is(n, GUMBO_TAG_A)) {
		c->anchors++;
		c->last_href = html_attr(n, "href");
	}
	if (n->type == GUMBO_NODE_ELEMENT && n->v.element.tag == GUMBO_TAG_UNKNOWN)
		html_tag_name(n, c->tag, sizeof(c->tag));
	return HTML_WALK_CONTINUE;
}

static void walk_and_attrs(void **state)
{
	GumboOutput *doc;
	const char *html = "<ul><li><a HREF='/a'>a</a><li><job-card><a href=\"/b\" data-x>b</a></job-card></ul>";
	struct count_ctx c = { 0, NULL, "" };
	const struct html_walker w = { count_enter, NULL, &c };

	(void)state;
	assert_int_equal(html_parse(html, strlen(html), &doc), TJ_OK);
	assert_int_equal(html_walk(doc->document, &w), TJ_OK);
	assert_int_equal(c.anchors, 2);
	assert_string_equal(c.last_href, "/b");
	assert_string_equal(c.tag, "job-card");
	assert_null(html_attr(doc->document, "href"));
	html_free(doc);
}

static void looks_like_markup(void **state)
{
	(void)state;
	assert_true(html_looks_like_markup("<p>x</p>"));
	assert_true(html_looks_like_markup("x<br/>y"));
	assert_true(html_looks_like_markup("&lt;p&gt;x"));
	assert_true(html_looks_like_markup("&LT;/div&gt;"));
	assert_false(html_looks_like_markup("salary < 3000 > 2000"));
	assert_false(html_looks_like_markup("<Naam> & <Adres>"));
	assert_false(html_looks_like_markup("&lt;3 this job"));
}

static double seconds_since(clock_t t)
{
	return (double)(clock() - t) / CLOCKS_PER_SEC;
}

static void deep_nesting_refused_fast(void **state)
{
	GumboOutput *doc = NULL;
	char *html = repeat("", "<div>", 100000);
	clock_t t = clock();

	(void)state;
	assert_int_equal(html_parse(html, strlen(html), &doc), TJ_ETOOBIG);
	assert_null(doc);
	assert_true(seconds_since(t) < 1.0);
	free(html);
}

static void nesting_10k_divs_closed_ok(void **state)
{
	GumboOutput *doc = NULL;
	char *html = repeat("<body>", "<div><div>x</div></div>", 10000);
	char *text = NULL;

	(void)state;
	assert_int_equal(html_parse(html, strlen(html), &doc), TJ_OK);
	assert_int_equal(html_node_text(doc->root, 0, 0, &text), TJ_OK);
	assert_int_equal(strncmp(text, "x\n\nx", 4), 0);
	free(text);
	html_free(doc);
	free(html);
}

static void nesting_3000_deep_ok(void **state)
{
	GumboOutput *doc = NULL;
	char *html = repeat("", "<div>", 3000), *text = NULL;

	(void)state;
	assert_int_equal(html_parse(html, strlen(html), &doc), TJ_OK);
	/* the walk is iterative: no recursion into 3000 levels */
	assert_int_equal(html_node_text(doc->document, 0, 0, &text), TJ_OK);
	assert_string_equal(text, "");
	free(text);
	html_free(doc);
	free(html);
}

static void stray_end_tags_refused(void **state)
{
	char *spans = repeat("", "<span>", 1000), *strays = repeat(spans, "</zz>", 500000);
	GumboOutput *doc = NULL;
	struct html_shape sh;

	(void)state;
	html_estimate(strays, strlen(strays), HTML_MAX_DEPTH, HTML_MAX_WORK, &sh);
	assert_true(sh.work > HTML_MAX_WORK);
	assert_int_equal(html_parse(strays, strlen(strays), &doc), TJ_ETOOBIG);
	free(spans);
	free(strays);
}

static void estimate_model(void **state)
{
	struct html_shape sh;
	const char *cases[][2] = {
		{ "<p><p><p><li><li><br><img><hr>", "0" },
		{ "<div><span></span><b></div>", "2" },
		{ "<div><div></zz></div></div>", "2" },
		{ "<svg><path/><path/><g><path/></g></svg>", "2" },
		{ "<svg><p><div/><div/>", "2" },
		{ "<script><div><div><div></script>", "0" },
		{ "<div title='<div><div>'>", "1" },
		{ "<div a=x\"><div><div>", "3" },
		{ "<!-- <div><div> --><div>", "1" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		html_estimate(cases[i][0], strlen(cases[i][0]), 100, 1000, &sh);
		if (sh.depth != strtoul(cases[i][1], NULL, 10))
			fail_msg("depth of \"%s\" = %zu, want %s", cases[i][0], sh.depth, cases[i][1]);
	}
}

static void invalid_utf8_is_replaced(void **state)
{
	const char html[] = "<p>caf\xc3 \xff\xfe na\0me</p>";
	GumboOutput *doc = NULL;
	char *text = NULL;

	(void)state;
	assert_int_equal(html_parse(html, sizeof(html) - 1, &doc), TJ_OK);
	assert_int_equal(html_node_text(doc->root, 0, 0, &text), TJ_OK);
	/* every byte of the result is valid UTF-8 (U+FFFD replacements) */
	assert_non_null(strstr(text, "\xef\xbf\xbd"));
	assert_null(strchr(text, '\xff'));
	free(text);
	html_free(doc);
}


/* ---- the fragment fast path gives what the gumbo tree gives ---- */

static void expect_same(const char *frag)
{
	char *fast = NULL, *tree = NULL;

	assert_int_equal(html_fragment_text(frag, strlen(frag), &fast), TJ_OK);
	assert_int_equal(html_fragment_text_tree(frag, strlen(frag), &tree), TJ_OK);
	if (strcmp(fast, tree))
		fail_msg("fragment '%s':\nfast '%s'\ntree '%s'", frag, fast, tree);
	free(fast);
	free(tree);
}

static void fragment_fast_path_agrees(void **state)
{
	static const char *const cases[] = {
		/* what the fast path takes */
		"<p>Wij zoeken een <strong>engineer</strong>.</p><ul><li>Python</li><li>C &amp; C++</li></ul>",
		"<h2>Taken</h2>\n<ul>\n  <li>een</li>\n  <li>twee <em>drie</em></li>\n</ul>\n<p>Salaris &euro; 3.500&ndash;4.800</p>",
		"<div><p>a</p><p>b<br>c<br/><br>d</p></div><hr><p>e</p>",
		"<ul><li>x<ul><li>y</li></ul></li></ul><ol><li>z</li></ol>",
		"<p class=\"intro\" data-x='1'>attr</p><a href=\"/x\" target=_blank>link</a> after",
		"plain text\nwith lines\r\nand CRLF\rand CR\n\nand a paragraph &#233;&#x20AC;",
		"a < b and c > d, 3 <4",
		"Tom &amp; Jerry &lt;3 &quot;quoted&quot; &apos;x&apos; &nbsp;nbsp",
		"<span>a</span><span>b</span> <b><i>c</i></b>",
		"<blockquote><p>q</p></blockquote><section><h3>s</h3></section>",
		"&lt;p&gt;escaped &amp;amp; markup&lt;/p&gt;&lt;ul&gt;&lt;li&gt;x&lt;/li&gt;&lt;/ul&gt;",
		"unclosed <b>bold <i>italic",
		"\xc2\xa0leading nbsp and\xe2\x80\x8bzero width",
		/* what it leaves to gumbo */
		"<p>one<p>two",
		"<b>x<p>y</b>z</p>",
		"<a href=1>a<a href=2>b</a></a>",
		"<li>no list</li>",
		"<ul><li>a<li>b</ul>",
		"<table><tr><td>cell</td></tr></table>",
		"<pre>\n  keep   this\n</pre>",
		"<p hidden>hidden</p><p style=\"display:none\">x</p><p>shown</p>",
		"R&D &copy 2026 &unknown; &#0; &#128; &#xD800;",
		"<!-- comment --><p>x</p><?php echo 1; ?>",
		"<script>var x = '<p>';</script><style>p{}</style><p>after</p>",
		"<P CLASS=x>Upper</P><Br><LI>stray",
		"<p-x>custom</p-x><job-card>y</job-card>",
		"<h1><h2>nested headings</h2></h1>",
		"<p a=\"1\"b=2>glued attributes</p><p a=`x`>backtick</p>",
		"<br></br><p></p></p>",
		"\x01control\x7f chars\xc2\x85 and \xef\xbf\xbe nonchar",
		"broken \xff utf8 \xc3",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_same(cases[i]);
}

static void fragment_fast_path_deep(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 0);
	for (int i = 0; i < 200; i++)
		assert_int_equal(buf_adds(&b, "<span>"), TJ_OK);
	assert_int_equal(buf_adds(&b, "deep"), TJ_OK);
	for (int i = 0; i < 200; i++)
		assert_int_equal(buf_adds(&b, "</span>"), TJ_OK);
	expect_same(buf_str(&b));      /* past the fast path's depth: gumbo */
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_paragraphs_and_lists),
		cmocka_unit_test(text_br),
		cmocka_unit_test(text_whitespace),
		cmocka_unit_test(text_skips_invisible),
		cmocka_unit_test(text_escaped_description),
		cmocka_unit_test(text_plain_keeps_lines),
		cmocka_unit_test(text_table),
		cmocka_unit_test(text_cap_utf8),
		cmocka_unit_test(inline_flag),
		cmocka_unit_test(walk_and_attrs),
		cmocka_unit_test(looks_like_markup),
		cmocka_unit_test(deep_nesting_refused_fast),
		cmocka_unit_test(nesting_10k_divs_closed_ok),
		cmocka_unit_test(nesting_3000_deep_ok),
		cmocka_unit_test(stray_end_tags_refused),
		cmocka_unit_test(estimate_model),
		cmocka_unit_test(invalid_utf8_is_replaced),
		cmocka_unit_test(fragment_fast_path_agrees),
		cmocka_unit_test(fragment_fast_path_deep),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
