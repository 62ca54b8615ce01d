/*
 * test_rules.c - unit tests for spider/rules.c.
 *
 * Error messages are part of the curator's interface, so most cases assert
 * the whole message, position included.  Inline documents go through
 * rule_load_buffer() under the name "t.json"; file and directory cases use
 * the fixtures in tests/data/rules/ (run from the top of the tree, as
 * `make` does).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "rules.h"

#define DATA "tests/data/rules"

/* Load text as "t.json"; expect success. */
static struct rule *load_ok(const char *text)
{
	struct rule *r = NULL;
	enum tj_code rc = rule_load_buffer("t.json", text, strlen(text), &r);

	if (rc)
		print_error("unexpected error: %s\n", tj_errmsg());
	assert_int_equal(rc, TJ_OK);
	assert_non_null(r);
	return r;
}

/* Load len bytes of text as "t.json"; expect code and exactly msg. */
static void expect_error_len(const char *text, size_t len, enum tj_code code, const char *msg)
{
	struct rule *r = (struct rule *)&r;
	enum tj_code rc = rule_load_buffer("t.json", text, len, &r);

	assert_int_equal(rc, code);
	assert_null(r);
	assert_string_equal(tj_errmsg(), msg);
}

static void expect_error(const char *text, enum tj_code code, const char *msg)
{
	expect_error_len(text, strlen(text), code, msg);
}

#define MIN "\"id\": \"t\", \"employer\": \"E\", \"start_urls\": [\"https://e.example/\"]"

/* ---- valid rules ---- */

static void test_full_rule_loads_every_field(void **state)
{
	struct rule *r = NULL;

	(void)state;
	assert_int_equal(rule_load(DATA "/good/utwente.json", &r), TJ_OK);
	assert_string_equal(r->file, DATA "/good/utwente.json");
	assert_string_equal(r->id, "utwente");
	assert_int_equal(r->id_line, 2);
	assert_int_equal(r->id_col, 9);
	assert_string_equal(r->employer, "University of Twente");
	assert_string_equal(r->website, "https://www.utwente.nl");
	assert_string_equal(r->town, "Enschede");
	assert_true(r->lat == 52.2389 && r->lon == 6.8564);
	assert_int_equal(r->n_start_urls, 1);
	assert_string_equal(r->start_urls[0], "https://www.utwente.nl/en/careers/vacancies/");
	assert_int_equal(r->n_sitemaps, 1);
	assert_string_equal(r->sitemaps[0], "https://www.utwente.nl/sitemap.xml");
	assert_int_equal(r->n_follow, 1);
	assert_string_equal(r->follow[0].source, "^https://www\\.utwente\\.nl/en/careers/vacancies/");
	assert_non_null(r->follow[0].re);
	assert_int_equal(r->n_detail, 2);
	assert_string_equal(r->detail[1].source, "^https://www\\.utwente\\.nl/en/careers/phd/[0-9]+$");
	assert_string_equal(r->strategy, "jsonld");
	assert_null(r->selectors);
	assert_null(r->feed);
	assert_string_equal(r->advertiser, "employer");
	assert_int_equal(r->delay_ms, 2000);
	assert_int_equal(r->max_pages, 200);
	assert_int_equal(r->max_depth, 4);
	assert_true(r->verified);
	assert_string_equal(r->contact, "hr@utwente.example");
	assert_string_equal(r->notes, "Vacancy pages carry JSON-LD JobPosting.");
	assert_true(json_is_object(r->json));
	assert_int_equal(r->n_warnings, 0);
	rule_free(r);
}

static void test_defaults_when_absent(void **state)
{
	struct rule *r = load_ok("{" MIN "}");

	(void)state;
	assert_true(isnan(r->lat) && isnan(r->lon));
	assert_int_equal(r->delay_ms, -1);
	assert_int_equal(r->max_pages, -1);
	assert_int_equal(r->max_depth, -1);
	assert_string_equal(r->strategy, "jsonld");
	assert_string_equal(r->advertiser, "employer");
	assert_false(r->verified);
	assert_null(r->website);
	assert_null(r->town);
	assert_null(r->contact);
	assert_null(r->notes);
	assert_int_equal(r->n_follow + r->n_detail + r->n_sitemaps, 0);
	rule_free(r);
}

static void test_selectors_rule_loads(void **state)
{
	struct rule *r = NULL;

	(void)state;
	assert_int_equal(rule_load(DATA "/good/kanaal-tech.json", &r), TJ_OK);
	assert_string_equal(r->strategy, "selectors");
	assert_non_null(r->selectors);
	assert_string_equal(json_string_value(json_object_get(r->selectors, "title")), "h1.vacancy-title");
	assert_true(json_is_object(json_object_get(r->selectors, "hours")));
	rule_free(r);
}

static void test_feed_rule_needs_no_start_urls(void **state)
{
	struct rule *r = NULL;

	(void)state;
	assert_int_equal(rule_load(DATA "/good/tukker-soft.json", &r), TJ_OK);
	assert_true(rule_strategy_is_feed(r->strategy));
	assert_string_equal(json_string_value(json_object_get(r->feed, "company")), "tukkersoft");
	assert_int_equal(r->n_start_urls, 0);
	rule_free(r);
	assert_false(rule_strategy_is_feed("jsonld"));
	assert_false(rule_strategy_is_feed(NULL));
}

static void test_sitemaps_alone_are_an_entry_point(void **state)
{
	struct rule *r = load_ok("{\"id\": \"t\", \"employer\": \"E\", \"start_urls\": [],"
				 " \"sitemaps\": [\"https://e.example/sitemap.xml\"]}");

	(void)state;
	assert_int_equal(r->n_start_urls, 0);
	assert_int_equal(r->n_sitemaps, 1);
	rule_free(r);
}

static void test_bom_is_skipped(void **state)
{
	struct rule *r = load_ok("\xEF\xBB\xBF{" MIN "}");

	(void)state;
	rule_free(r);
	expect_error("\xEF\xBB\xBF{" MIN ", \"x\": 1}", TJ_EPARSE,
		     "t.json:1:68: unknown key 'x' (rules/README.md lists the keys)");
}

static void test_id_file_name_mismatch_warns(void **state)
{
	const char *text = "{\"id\": \"other\", \"employer\": \"E\", \"start_urls\": [\"https://e.example/\"]}";
	struct rule *r = NULL;

	(void)state;
	assert_int_equal(rule_load_buffer("rules/mine.json", text, strlen(text), &r), TJ_OK);
	assert_string_equal(r->id, "other");
	assert_int_equal(r->n_warnings, 1);
	assert_string_equal(r->warnings[0], "rules/mine.json:1:8: warning: 'id': 'other' differs from the"
			    " file name 'mine.json'; rename the file to 'other.json'");
	rule_free(r);
	/* names that are not *.json are not checked */
	assert_int_equal(rule_load_buffer("fuzz-input", text, strlen(text), &r), TJ_OK);
	assert_int_equal(r->n_warnings, 0);
	rule_free(r);
}

/* ---- JSON syntax ---- */

static void test_syntax_error_has_line_and_column(void **state)
{
	(void)state;
	expect_error("{\n  \"id\": \"t\"\n  \"employer\": \"E\"\n}", TJ_EPARSE,
		     "t.json:3:3: invalid JSON: expected ',' or '}' before '\"employer\"' (missing comma?)");
	expect_error("{\"id\": \"t\", \"employer\": tru}", TJ_EPARSE,
		     "t.json:1:25: invalid JSON: invalid token near 'tru'");
	expect_error("{\"id\": \"t\", \"start_urls\": [\"a\"", TJ_EPARSE,
		     "t.json:1:31: invalid JSON: ']' expected near end of file");
	expect_error("{" MIN "} {}", TJ_EPARSE,
		     "t.json:1:68: invalid JSON: end of file expected near '{'");
}

static void test_trailing_comma(void **state)
{
	(void)state;
	expect_error("{\n \"id\": \"t\",\n \"employer\": \"E\",\n}", TJ_EPARSE,
		     "t.json:3:17: invalid JSON: trailing comma before '}' (JSON allows none)");
	expect_error("{\"id\": \"t\", \"follow\": [\"a\", ]}", TJ_EPARSE,
		     "t.json:1:27: invalid JSON: trailing comma before ']' (JSON allows none)");
}

static void test_duplicate_keys(void **state)
{
	(void)state;
	expect_error("{\"id\": \"t\",\n \"follow\": [],\n \"follow\": []}", TJ_EPARSE,
		     "t.json:3:2: duplicate key 'follow'");
	expect_error("{" MIN ", \"strategy\": \"selectors\", \"selectors\": {\"title\": \"h1\", \"title\": \"h2\"}}",
		     TJ_EPARSE, "t.json:1:122: duplicate key 'title'");
}

static void test_comments_and_quotes(void **state)
{
	(void)state;
	expect_error("{\"id\": \"t\", // the id\n \"employer\": \"E\"}", TJ_EPARSE,
		     "t.json:1:13: invalid JSON: comments are not allowed (put remarks in \"notes\")");
	expect_error("{'id': 't'}", TJ_EPARSE,
		     "t.json:1:2: invalid JSON: strings and keys take double quotes, not single quotes");
	expect_error("{id: \"t\"}", TJ_EPARSE, "t.json:1:2: invalid JSON: key 'id' needs double quotes");
}

static void test_empty_and_non_object(void **state)
{
	(void)state;
	expect_error("", TJ_EPARSE, "t.json:1:1: the file is empty; a rule is a JSON object { ... }");
	expect_error(" \n\t", TJ_EPARSE, "t.json:1:1: the file is empty; a rule is a JSON object { ... }");
	expect_error("\n[1, 2]", TJ_EPARSE, "t.json:2:1: a rule must be a JSON object { ... }, not an array");
	expect_error("vacancies", TJ_EPARSE,
		     "t.json:1:1: invalid JSON: a rule file starts with '{', not 'vacancies'");
}

static void test_invalid_utf8_and_control_chars(void **state)
{
	(void)state;
	expect_error("{\"id\": \"t\", \"employer\": \"\xff\"}", TJ_EPARSE,
		     "t.json:1:25: invalid JSON: the text is not UTF-8 (unable to decode byte 0xff);"
		     " save the file as UTF-8");
	expect_error("{\"id\": \"t\", \"employer\": \"a\x01\"}", TJ_EPARSE,
		     "t.json:1:25: invalid JSON: control character 0x1 near '\"a'");
	expect_error_len("\xFF\xFE{\0}\0", 6, TJ_EPARSE, "t.json:1:1: the file is UTF-16; save it as UTF-8");
	/* a NUL byte inside the buffer is not the end of the text */
	expect_error_len("{\"id\": \"t\"\0}", 12, TJ_EPARSE,
		     "t.json:1:11: invalid JSON: NUL byte in the text (is it UTF-16? save it as UTF-8)");
}

/* ---- keys ---- */

static void test_unknown_key_with_suggestion(void **state)
{
	struct rule *r = NULL;

	(void)state;
	assert_int_equal(rule_load(DATA "/bad/folow.json", &r), TJ_EPARSE);
	assert_null(r);
	assert_string_equal(tj_errmsg(), DATA "/bad/folow.json:5:3: unknown key 'folow' (did you mean 'follow'?)");
	expect_error("{" MIN ", \"Employer\": \"E\"}", TJ_EPARSE,
		     "t.json:1:68: unknown key 'Employer' (did you mean 'employer'?)");
	expect_error("{" MIN ", \"detial\": []}", TJ_EPARSE,
		     "t.json:1:68: unknown key 'detial' (did you mean 'detail'?)");
}

static void test_unknown_key_without_suggestion(void **state)
{
	(void)state;
	expect_error("{" MIN ", \"colour\": \"red\"}", TJ_EPARSE,
		     "t.json:1:68: unknown key 'colour' (rules/README.md lists the keys)");
	/* a distance of 2 on a 2-letter key is no suggestion */
	expect_error("{" MIN ", \"xy\": 1}", TJ_EPARSE,
		     "t.json:1:68: unknown key 'xy' (rules/README.md lists the keys)");
	/* control characters in a key are shown escaped */
	expect_error("{" MIN ", \"a\\u0001b\": 1}", TJ_EPARSE,
		     "t.json:1:68: unknown key 'a\\x01b' (rules/README.md lists the keys)");
}

static void test_escaped_key_is_located(void **state)
{
	(void)state;
	expect_error("{" MIN ",\n \"fol\\u006cow\": [\"(\"]}", TJ_EPARSE,
		     "t.json:2:20: 'follow'[0]: pattern does not compile: missing closing parenthesis at offset 1");
}

static void test_missing_required_keys(void **state)
{
	(void)state;
	expect_error("  {\"employer\": \"E\", \"start_urls\": [\"https://e.example/\"]}", TJ_EPARSE,
		     "t.json:1:3: missing required key 'id'");
	expect_error("{\"id\": \"t\", \"start_urls\": [\"https://e.example/\"]}", TJ_EPARSE,
		     "t.json:1:1: missing required key 'employer'");
	expect_error("{\"id\": \"t\", \"employer\": \"E\"}", TJ_EPARSE,
		     "t.json:1:1: missing 'start_urls' (needed unless 'sitemaps' or an ATS 'feed' gives the"
		     " entry point)");
	expect_error("{\"id\": \"t\", \"employer\": \"E\", \"start_urls\": []}", TJ_EPARSE,
		     "t.json:1:44: 'start_urls': must list at least one URL (or give 'sitemaps')");
}

static void test_wrong_types_name_key_and_type(void **state)
{
	(void)state;
	expect_error("{" MIN ", \"delay_ms\": \"2000\"}", TJ_EPARSE,
		     "t.json:1:80: 'delay_ms': expected an integer (milliseconds), got a string");
	expect_error("{" MIN ", \"max_pages\": 2.5}", TJ_EPARSE,
		     "t.json:1:81: 'max_pages': expected an integer (pages), got a real number");
	expect_error("{" MIN ", \"verified\": \"yes\"}", TJ_EPARSE,
		     "t.json:1:80: 'verified': expected true or false, got a string");
	expect_error("{" MIN ", \"town\": null}", TJ_EPARSE,
		     "t.json:1:76: 'town': expected a string, got null (leave out a key that has no value)");
	expect_error("{\"id\": \"t\", \"employer\": \"E\", \"start_urls\": \"https://e.example/\"}", TJ_EPARSE,
		     "t.json:1:44: 'start_urls': expected an array of URL strings, got a string");
	expect_error("{\"id\": 7}", TJ_EPARSE, "t.json:1:8: 'id': expected a string, got an integer");
}

static void test_ranges(void **state)
{
	(void)state;
	expect_error("{" MIN ", \"max_depth\": 51}", TJ_EPARSE,
		     "t.json:1:81: 'max_depth': 51 is out of range (0 to 50)");
	expect_error("{" MIN ", \"delay_ms\": -1}", TJ_EPARSE,
		     "t.json:1:80: 'delay_ms': -1 is out of range (0 to 600000)");
	expect_error("{" MIN ", \"max_pages\": 0}", TJ_EPARSE,
		     "t.json:1:81: 'max_pages': 0 is out of range (1 to 100000)");
	expect_error("{" MIN ", \"max_pages\": 100000000000000}", TJ_EPARSE,
		     "t.json:1:81: 'max_pages': 100000000000000 is out of range (1 to 100000)");
}

static void test_strings_that_must_not_be_empty(void **state)
{
	(void)state;
	expect_error("{\"id\": \"t\", \"employer\": \"  \"}", TJ_EPARSE,
		     "t.json:1:25: 'employer': must not be empty");
	expect_error("{\"id\": \"Ut Wente\"}", TJ_EPARSE,
		     "t.json:1:8: 'id': 'Ut Wente' must be 1 to 64 characters from a-z, 0-9 and '-'");
	expect_error("{\"id\": \"\"}", TJ_EPARSE,
		     "t.json:1:8: 'id': '' must be 1 to 64 characters from a-z, 0-9 and '-'");
}

static void test_urls(void **state)
{
	(void)state;
	expect_error("{\"id\": \"t\", \"employer\": \"E\", \"start_urls\": [\"https://e.example/\", \"www.e.nl/jobs\"]}",
		     TJ_EPARSE, "t.json:1:67: 'start_urls'[1]: 'www.e.nl/jobs' is not an absolute http(s) URL"
		     " (it must start with https:// or http://)");
	expect_error("{\"id\": \"t\", \"employer\": \"E\", \"start_urls\": [\"ftp://e.example/\"]}", TJ_EPARSE,
		     "t.json:1:45: 'start_urls'[0]: 'ftp://e.example/' is not an absolute http(s) URL"
		     " (it must start with https:// or http://)");
	expect_error("{\"id\": \"t\", \"employer\": \"E\", \"start_urls\": [\"https://u:p@e.example/\"]}", TJ_EPARSE,
		     "t.json:1:45: 'start_urls'[0]: 'https://u:p@e.example/' must not contain a user name"
		     " or password");
	expect_error("{\"id\": \"t\", \"employer\": \"E\", \"start_urls\": [\"https://e.example/a b\"]}", TJ_EPARSE,
		     "t.json:1:45: 'start_urls'[0]: 'https://e.example/a b' contains a space or control"
		     " character (percent-encode it)");
	expect_error("{\"id\": \"t\", \"employer\": \"E\", \"start_urls\": [\"https:///jobs\"]}", TJ_EPARSE,
		     "t.json:1:45: 'start_urls'[0]: 'https:///jobs' has no host name");
	expect_error("{\"id\": \"t\", \"employer\": \"E\", \"website\": \"https://e.example:99999/\"}", TJ_EPARSE,
		     "t.json:1:41: 'website': 'https://e.example:99999/': port number was not a decimal"
		     " number between 0 and 65535");
}

static void test_coordinates(void **state)
{
	(void)state;
	expect_error("{" MIN ", \"coordinates\": [6.8564, 52.2389]}", TJ_EPARSE,
		     "t.json:1:83: 'coordinates': [6.8564, 52.2389] looks like [longitude, latitude];"
		     " write [52.2389, 6.8564]");
	expect_error("{" MIN ", \"coordinates\": [152.2, 6.8]}", TJ_EPARSE,
		     "t.json:1:84: 'coordinates'[0]: latitude 152.2 is out of range (-90 to 90)");
	expect_error("{" MIN ", \"coordinates\": [52.2]}", TJ_EPARSE,
		     "t.json:1:83: 'coordinates': expected [latitude, longitude], got an array with too few numbers");
	expect_error("{" MIN ", \"coordinates\": [52.2, \"6.8\"]}", TJ_EPARSE,
		     "t.json:1:90: 'coordinates'[1]: expected a longitude (number), got a string");
}

/* ---- patterns ---- */

static void test_bad_pattern_reports_offset_and_column(void **state)
{
	struct rule *r = NULL;

	(void)state;
	assert_int_equal(rule_load(DATA "/bad/badpat.json", &r), TJ_EPARSE);
	/* offset 42 is the end of the pattern; the '\\' escape makes the column 16 + 42 + 1 */
	assert_string_equal(tj_errmsg(), DATA "/bad/badpat.json:6:59: 'follow'[1]: pattern does not compile:"
			    " missing closing parenthesis at offset 42");
	/* the column steps through \\u escapes: \u00e9 is one character, two bytes */
	expect_error("{" MIN ", \"detail\": [\"\\u00e9[z-a]\"]}", TJ_EPARSE,
		     "t.json:1:89: 'detail'[0]: pattern does not compile: range out of order in character"
		     " class at offset 5");
	expect_error("{" MIN ", \"detail\": [\"\"]}", TJ_EPARSE,
		     "t.json:1:79: 'detail'[0]: pattern is empty (it would match every URL)");
	expect_error("{" MIN ", \"follow\": [1]}", TJ_EPARSE,
		     "t.json:1:79: 'follow'[0]: expected a pattern string, got an integer");
}

/* ---- strategies, selectors, feeds ---- */

static void test_strategy_values(void **state)
{
	(void)state;
	expect_error("{" MIN ", \"strategy\": \"jsonlb\"}", TJ_EPARSE,
		     "t.json:1:80: 'strategy': unknown strategy 'jsonlb' (did you mean 'jsonld'?)");
	expect_error("{" MIN ", \"strategy\": \"magic\"}", TJ_EPARSE,
		     "t.json:1:80: 'strategy': unknown strategy 'magic' (expected one of: jsonld, microdata,"
		     " selectors, recruitee, greenhouse, lever, personio, smartrecruiters)");
	expect_error("{" MIN ", \"advertiser\": \"agancy\"}", TJ_EPARSE,
		     "t.json:1:82: 'advertiser': unknown advertiser 'agancy' (did you mean 'agency'?)");
}

static void test_selectors_iff_strategy_selectors(void **state)
{
	(void)state;
	expect_error("{" MIN ", \"strategy\": \"selectors\"}", TJ_EPARSE,
		     "t.json:1:80: 'strategy': 'selectors' needs a 'selectors' object (field -> CSS selector)");
	expect_error("{" MIN ", \"selectors\": {\"title\": \"h1\"}}", TJ_EPARSE,
		     "t.json:1:68: 'selectors': only used with \"strategy\": \"selectors\" (strategy is 'jsonld')");
}

static void test_selector_specs(void **state)
{
	(void)state;
	expect_error("{" MIN ", \"strategy\": \"selectors\", \"selectors\": {\"titel\": \"h1\"}}", TJ_EPARSE,
		     "t.json:1:107: 'selectors': unknown selector field 'titel' (did you mean 'title'?)");
	expect_error("{" MIN ", \"strategy\": \"selectors\", \"selectors\": {\"title\": {\"cs\": \"h1\"}}}",
		     TJ_EPARSE, "t.json:1:117: 'selectors.title': unknown selector key 'cs' (did you mean 'css'?)");
	expect_error("{" MIN ", \"strategy\": \"selectors\", \"selectors\": {\"title\": \"\"}}", TJ_EPARSE,
		     "t.json:1:116: 'selectors.title': selector must not be empty");
	expect_error("{" MIN ", \"strategy\": \"selectors\", \"selectors\": {\"url\": {\"css\": \"a\"}}}",
		     TJ_EPARSE, "t.json:1:106: 'selectors': needs at least a 'title' selector");
	expect_error("{" MIN ", \"strategy\": \"selectors\", \"selectors\": {\"title\": {\"attr\": \"x\"}}}",
		     TJ_EPARSE, "t.json:1:116: 'selectors.title': missing 'css' (the CSS selector)");
}

static void test_selector_regex(void **state)
{
	(void)state;
	expect_error("{" MIN ", \"strategy\": \"selectors\", \"selectors\": {\"title\": \"h1\", \"salary\":"
		     " {\"css\": \".s\", \"regex\": \"(\\\\d+)-(\\\\d+)\"}}}", TJ_EPARSE,
		     "t.json:1:155: 'selectors.salary.regex': pattern has 2 capture groups; it needs exactly"
		     " one, around the text to keep (write (?:...) for the others)");
	expect_error("{" MIN ", \"strategy\": \"selectors\", \"selectors\": {\"title\": \"h1\", \"salary\":"
		     " {\"css\": \".s\", \"regex\": \"(\\\\d+\"}}}", TJ_EPARSE,
		     "t.json:1:161: 'selectors.salary.regex': pattern does not compile: missing closing"
		     " parenthesis at offset 4");
}


static void test_selector_css_compiled(void **state)
{
	struct rule *r;

	(void)state;
	r = load_ok("{" MIN ", \"strategy\": \"selectors\", \"selectors\": {\"title\": \"h1.t\","
		    " \"url\": {\"css\": \"link[rel=canonical]\", \"attr\": \"HREF\"},"
		    " \"hours\": {\"css\": \".h\", \"regex\": \"(\\\\d+) uur\"}}}");
	assert_non_null(r->sel[RULE_SEL_TITLE].css);
	assert_null(r->sel[RULE_SEL_TITLE].attr);
	assert_null(r->sel[RULE_SEL_TITLE].re);
	assert_non_null(r->sel[RULE_SEL_URL].css);
	assert_string_equal(r->sel[RULE_SEL_URL].attr, "href");
	assert_non_null(r->sel[RULE_SEL_HOURS].re);
	assert_null(r->sel[RULE_SEL_LISTING].css);
	assert_string_equal(rule_sel_name(RULE_SEL_DATE_POSTED), "date_posted");
	rule_free(r);
}

static void test_selector_css_errors(void **state)
{
	(void)state;
	/* the column points at the offending character inside the string */
	expect_error("{" MIN ", \"strategy\": \"selectors\", \"selectors\": {\"title\": \"div > a)\"}}",
		     TJ_EPARSE, "t.json:1:124: 'selectors.title': selector does not parse: unexpected ')'"
		     " at offset 7");
	expect_error("{" MIN ", \"strategy\": \"selectors\", \"selectors\": {\"title\": \"h1\", \"url\":"
		     " {\"css\": \"a:hover\", \"attr\": \"href\"}}}", TJ_EPARSE,
		     "t.json:1:139: 'selectors.url.css': selector does not parse: unknown pseudo-class"
		     " ':hover' (supported: nth-child, nth-of-type, nth-last-child, nth-last-of-type,"
		     " first-child, last-child, first-of-type, last-of-type, only-child, only-of-type,"
		     " root, scope, not) at offset 1");
	expect_error("{" MIN ", \"strategy\": \"selectors\", \"selectors\": {\"title\": {\"css\": 1}}}",
		     TJ_EPARSE, "t.json:1:124: 'selectors.title.css': expected a CSS selector string, got"
		     " an integer");
	/* escapes before the error shift the column, not the offset */
	expect_error("{" MIN ", \"strategy\": \"selectors\", \"selectors\": {\"title\": \"[a=\\\"b\\\"] ]\"}}",
		     TJ_EPARSE, "t.json:1:127: 'selectors.title': selector does not parse: unexpected ']'"
		     " at offset 8");
}

static void test_feeds(void **state)
{
	(void)state;
	expect_error("{\"id\": \"t\", \"employer\": \"E\", \"strategy\": \"lever\"}", TJ_EPARSE,
		     "t.json:1:42: 'strategy': 'lever' needs a 'feed' object, e.g. {\"company\": \"name\"}");
	expect_error("{" MIN ", \"feed\": {\"company\": \"x\"}}", TJ_EPARSE,
		     "t.json:1:68: 'feed': only used with an ATS strategy (recruitee, ...); strategy is 'jsonld'");
	expect_error("{\"id\": \"t\", \"employer\": \"E\", \"strategy\": \"lever\", \"feed\": {\"compnay\": \"x\"}}",
		     TJ_EPARSE, "t.json:1:60: 'feed': unknown feed key 'compnay' (did you mean 'company'?)");
	expect_error("{\"id\": \"t\", \"employer\": \"E\", \"strategy\": \"lever\", \"feed\": {}}", TJ_EPARSE,
		     "t.json:1:59: 'feed': needs 'company' (the ATS account name) or 'url'");
	expect_error("{\"id\": \"t\", \"employer\": \"E\", \"strategy\": \"lever\", \"feed\": {\"company\": \"a b\"}}",
		     TJ_EPARSE, "t.json:1:71: 'feed.company': 'a b' must be the account name as the ATS writes"
		     " it in URLs (letters, digits, '.', '_', '-')");
}

/* ---- files and sizes ---- */

static void test_missing_file(void **state)
{
	struct rule *r = (struct rule *)&r;

	(void)state;
	assert_int_equal(rule_load(DATA "/nope.json", &r), TJ_EIO);
	assert_null(r);
	assert_string_equal(tj_errmsg(), "cannot read '" DATA "/nope.json': No such file or directory");
}

static void test_non_json_file(void **state)
{
	struct rule *r = NULL;

	(void)state;
	assert_int_equal(rule_load(DATA "/bad/not-json.json", &r), TJ_EPARSE);
	assert_string_equal(tj_errmsg(), DATA "/bad/not-json.json:1:1: invalid JSON: a rule file starts"
			    " with '{', not 'This'");
}

static void test_huge_file_is_refused(void **state)
{
	char path[] = "/tmp/test_rules_XXXXXX";
	size_t n = RULE_MAX_BYTES + 10;
	char *big = malloc(n), msg[256];
	struct rule *r = NULL;
	int fd;

	(void)state;
	assert_non_null(big);
	memset(big, ' ', n);
	big[0] = '{';
	big[n - 1] = '}';
	assert_int_equal(rule_load_buffer("big.json", big, n, &r), TJ_ETOOBIG);
	assert_string_equal(tj_errmsg(), "big.json:1:1: the file is 1048586 bytes; a rule file may be at"
			    " most 1048576 (1 MiB)");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, big, n), (ssize_t)n);
	close(fd);
	assert_int_equal(rule_load(path, &r), TJ_ETOOBIG);
	assert_null(r);
	snprintf(msg, sizeof(msg), "%s:1:1: the file is larger than 1048576 bytes (1 MiB); a rule file"
		 " is a few KiB", path);
	assert_string_equal(tj_errmsg(), msg);
	unlink(path);
	free(big);
}

static void test_file_at_the_cap_loads(void **state)
{
	char path[] = "/tmp/test_rules_XXXXXX";
	const char *head = "{" MIN ", \"notes\": \"";
	size_t n = RULE_MAX_BYTES, hl = strlen(head);
	char *big = malloc(n);
	struct rule *r = NULL;
	int fd;

	(void)state;
	assert_non_null(big);
	memcpy(big, head, hl);
	memset(big + hl, 'x', n - hl - 2);
	memcpy(big + n - 2, "\"}", 2);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, big, n), (ssize_t)n);
	close(fd);
	assert_int_equal(rule_load(path, &r), TJ_OK);
	assert_int_equal(strlen(r->notes), n - hl - 2);
	rule_free(r);
	unlink(path);
	free(big);
}

/* ---- rule sets ---- */

static void test_ruleset_loads_sorted(void **state)
{
	struct ruleset rs;

	(void)state;
	assert_int_equal(ruleset_load_dir(DATA "/good", &rs), TJ_OK);
	assert_int_equal(rs.n, 3);
	assert_string_equal(rs.v[0]->id, "kanaal-tech");
	assert_string_equal(rs.v[1]->id, "tukker-soft");
	assert_string_equal(rs.v[2]->id, "utwente");
	assert_ptr_equal(ruleset_find(&rs, "utwente"), rs.v[2]);
	assert_null(ruleset_find(&rs, "nope"));
	assert_null(ruleset_find(NULL, "utwente"));
	ruleset_release(&rs);
	assert_int_equal(rs.n, 0);
	assert_null(rs.v);
	/* a trailing slash makes no double slash */
	assert_int_equal(ruleset_load_dir(DATA "/good/", &rs), TJ_OK);
	assert_string_equal(rs.v[0]->file, DATA "/good/kanaal-tech.json");
	ruleset_release(&rs);
}

static void test_ruleset_duplicate_ids(void **state)
{
	struct ruleset rs;

	(void)state;
	assert_int_equal(ruleset_load_dir(DATA "/dup", &rs), TJ_EPARSE);
	assert_int_equal(rs.n, 0);
	assert_string_equal(tj_errmsg(), DATA "/dup/b.json:2:8: 'id': duplicate id 'same' (also the id of '"
			    DATA "/dup/a.json')");
}

static void test_ruleset_stops_at_first_invalid(void **state)
{
	struct ruleset rs;

	(void)state;
	assert_int_equal(ruleset_load_dir(DATA "/mixed", &rs), TJ_EPARSE);
	assert_int_equal(rs.n, 0);
	assert_string_equal(tj_errmsg(), DATA "/mixed/02-broken.json:1:78: invalid JSON: trailing comma"
			    " before '}' (JSON allows none)");
}

static void test_ruleset_empty_and_missing_dir(void **state)
{
	struct ruleset rs;

	(void)state;
	/* README.txt and .hidden.json are not rule files */
	assert_int_equal(ruleset_load_dir(DATA "/empty", &rs), TJ_ENOTFOUND);
	assert_string_equal(tj_errmsg(), "no rule files (*.json) in '" DATA "/empty'");
	assert_int_equal(ruleset_load_dir(DATA "/nope", &rs), TJ_EIO);
	assert_string_equal(tj_errmsg(), "cannot open rules directory '" DATA "/nope': No such file or directory");
	assert_int_equal(rs.n, 0);
	ruleset_release(&rs);
}

/* ---- matching ---- */

static void test_rule_matches(void **state)
{
	struct rule *r = NULL;
	size_t which = 99;

	(void)state;
	assert_int_equal(rule_load(DATA "/good/utwente.json", &r), TJ_OK);
	assert_true(rule_matches(r->follow, r->n_follow, "https://www.utwente.nl/en/careers/vacancies/"));
	assert_false(rule_matches(r->follow, r->n_follow, "https://www.utwente.nl/en/news/"));
	/* patterns are not anchored unless they say so */
	assert_false(rule_matches(r->follow, r->n_follow, "https://evil.example/?https://www.utwente.nl/en/careers/vacancies/"));
	assert_true(rule_match_at(r->detail, r->n_detail, "https://www.utwente.nl/en/careers/phd/123", &which));
	assert_int_equal(which, 1);
	assert_true(rule_match_at(r->detail, r->n_detail, "https://www.utwente.nl/en/careers/vacancies/phd-x/", &which));
	assert_int_equal(which, 0);
	which = 99;
	assert_false(rule_match_at(r->detail, r->n_detail, "https://www.utwente.nl/en/careers/vacancies/", &which));
	assert_int_equal(which, 99);
	/* broken UTF-8 in a URL is no match, not an error */
	assert_false(rule_matches(r->detail, r->n_detail, "https://www.utwente.nl/en/careers/vacancies/\xff\xfe/"));
	assert_false(rule_matches(r->detail, 0, "https://www.utwente.nl/"));
	assert_false(rule_matches(r->detail, r->n_detail, NULL));
	rule_free(r);
	rule_free(NULL);
}

static void test_utf8_pattern_matches_characters(void **state)
{
	struct rule *r = load_ok("{" MIN ", \"detail\": [\"^https://e\\\\.example/caf.$\"]}");

	(void)state;
	/* PCRE2_UTF: '.' is one character, even when it is two bytes */
	assert_true(rule_matches(r->detail, r->n_detail, "https://e.example/caf\xc3\xa9"));
	rule_free(r);
}

/* ---- the command ---- */

/* Run cmd_rules with stdout and stderr sent to /dev/null. */
static int run_quiet(int argc, const char **argv)
{
	int out = dup(1), err = dup(2), null = open("/dev/null", O_WRONLY), rc;

	assert_true(out >= 0 && err >= 0 && null >= 0);
	fflush(stdout);
	fflush(stderr);
	dup2(null, 1);
	dup2(null, 2);
	rc = cmd_rules(argc, (char **)argv);
	fflush(stdout);
	fflush(stderr);
	dup2(out, 1);
	dup2(err, 2);
	close(out);
	close(err);
	close(null);
	return rc;
}

static void test_cmd_rules_exit_status(void **state)
{
	const char *good[] = { "rules", "check", "--dir", DATA "/good" };
	const char *files[] = { "rules", "check", DATA "/good/utwente.json", DATA "/good/kanaal-tech.json" };
	const char *bad[] = { "rules", "check", DATA "/good", DATA "/bad" };
	const char *dup[] = { "rules", "check", DATA "/dup" };
	const char *empty[] = { "rules", "check", "--dir", DATA "/empty" };
	const char *help[] = { "rules", "check", "--help" };
	const char *usage1[] = { "rules" };
	const char *usage2[] = { "rules", "frob" };
	const char *usage3[] = { "rules", "check", "--page", "x.html", "r.json" };
	const char *usage4[] = { "rules", "check", "--dir", "a", "b.json" };
	const char *page[] = { "rules", "check", "--page", DATA "/good/utwente.json",
			       "--url", "https://www.utwente.nl/en/careers/vacancies/x/", "--dir", DATA "/good",
			       "utwente" };
	const char *real_page[] = { "rules", "check", "--page",
				    "data/demo-web/www.utwente.nl/en/careers/vacancies/research-engineer-nanolab-cleanroom/index.html",
				    "--url", "https://www.utwente.nl/en/careers/vacancies/research-engineer-nanolab-cleanroom/",
				    DATA "/good/utwente.json" };
	const char *page_bad_url[] = { "rules", "check", "--page", DATA "/good/utwente.json",
				       "--url", "utwente.nl", DATA "/good/utwente.json" };

	(void)state;
#define RUN(v) run_quiet((int)(sizeof(v) / sizeof(v[0])), v)
	assert_int_equal(RUN(good), 0);
	assert_int_equal(RUN(files), 0);
	assert_int_equal(RUN(bad), 1);
	assert_int_equal(RUN(dup), 1);
	assert_int_equal(RUN(empty), 1);
	assert_int_equal(RUN(help), 0);
	assert_int_equal(RUN(usage1), 2);
	assert_int_equal(RUN(usage2), 2);
	assert_int_equal(RUN(usage3), 2);
	assert_int_equal(RUN(usage4), 2);
	/* a detail URL whose page holds no posting (here: a rule file) */
	assert_int_equal(RUN(page), 1);
	assert_int_equal(RUN(real_page), 0);
	assert_int_equal(RUN(page_bad_url), 1);
#undef RUN
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_rule_loads_every_field),
		cmocka_unit_test(test_defaults_when_absent),
		cmocka_unit_test(test_selectors_rule_loads),
		cmocka_unit_test(test_feed_rule_needs_no_start_urls),
		cmocka_unit_test(test_sitemaps_alone_are_an_entry_point),
		cmocka_unit_test(test_bom_is_skipped),
		cmocka_unit_test(test_id_file_name_mismatch_warns),
		cmocka_unit_test(test_syntax_error_has_line_and_column),
		cmocka_unit_test(test_trailing_comma),
		cmocka_unit_test(test_duplicate_keys),
		cmocka_unit_test(test_comments_and_quotes),
		cmocka_unit_test(test_empty_and_non_object),
		cmocka_unit_test(test_invalid_utf8_and_control_chars),
		cmocka_unit_test(test_unknown_key_with_suggestion),
		cmocka_unit_test(test_unknown_key_without_suggestion),
		cmocka_unit_test(test_escaped_key_is_located),
		cmocka_unit_test(test_missing_required_keys),
		cmocka_unit_test(test_wrong_types_name_key_and_type),
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_strings_that_must_not_be_empty),
		cmocka_unit_test(test_urls),
		cmocka_unit_test(test_coordinates),
		cmocka_unit_test(test_bad_pattern_reports_offset_and_column),
		cmocka_unit_test(test_strategy_values),
		cmocka_unit_test(test_selectors_iff_strategy_selectors),
		cmocka_unit_test(test_selector_specs),
		cmocka_unit_test(test_selector_regex),
		cmocka_unit_test(test_feeds),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_non_json_file),
		cmocka_unit_test(test_huge_file_is_refused),
		cmocka_unit_test(test_file_at_the_cap_loads),
		cmocka_unit_test(test_ruleset_loads_sorted),
		cmocka_unit_test(test_ruleset_duplicate_ids),
		cmocka_unit_test(test_ruleset_stops_at_first_invalid),
		cmocka_unit_test(test_ruleset_empty_and_missing_dir),
		cmocka_unit_test(test_rule_matches),
		cmocka_unit_test(test_utf8_pattern_matches_characters),
		cmocka_unit_test(test_cmd_rules_exit_status),
		cmocka_unit_test(test_selector_css_compiled),
		cmocka_unit_test(test_selector_css_errors),
	};

	log_set_level(LOG_ERROR);       /* the dup/ fixtures warn about their ids */
	return cmocka_run_group_tests_name("rules", tests, NULL, NULL);
}
