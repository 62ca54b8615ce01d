/*
 * test_extract.c - spider/extract.{c,h}: JSON-LD and microdata JobPostings,
 * links, and the limits that keep hostile pages harmless.  Uses small
 * inline pages and saved pages in tests/data/extract/ (some copied from
 * the demo web).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "extract.h"
#include "normalize.h"
#include "paths.h"
#include "rules.h"

#define PAGE "https://werkenbij.example.nl/vacatures/job-1/"

/* ---- helpers ---- */

/* Read tests/data/extract/<name>, from the checkout root or relative to the binary. */
static char *load(const char *name, size_t *len)
{
	char path[PATH_MAX + 64], exe[PATH_MAX];
	char *data = NULL;
	ssize_t n;

	snprintf(path, sizeof(path), "tests/data/extract/%s", name);
	if (access(path, R_OK) != 0 && (n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) > 0) {
		exe[n] = '\0';
		*strrchr(exe, '/') = '\0';
		snprintf(path, sizeof(path), "%s/../../tests/data/extract/%s", exe, name);
	}
	if (tj_read_file(path, 1 << 24, &data, len))
		fail_msg("%s", tj_errmsg());
	return data;
}

static void run(const char *html, size_t len, const char *url, const struct extract_opts *o,
		struct page_result *r)
{
	if (extract_page(html, len, url, o, r) != TJ_OK)
		fail_msg("extract_page: %s", tj_errmsg());
}

static void run_str(const char *html, struct page_result *r)
{
	run(html, strlen(html), PAGE, NULL, r);
}

static void run_file(const char *name, const char *url, struct page_result *r)
{
	size_t len;
	char *html = load(name, &len);

	run(html, len, url, NULL, r);
	free(html);
}

/* Wrap one JSON-LD block in a page. */
static char *ld_page(const char *json)
{
	struct buf b;

	buf_init(&b, 0);
	assert_int_equal(buf_addf(&b, "<!doctype html><html><head><title>x</title>"
			 "<script type=\"application/ld+json\">%s</script></head><body><p>x</p></body></html>",
			 json), TJ_OK);
	return buf_detach(&b, NULL);
}

static void run_ld(const char *json, struct page_result *r)
{
	char *html = ld_page(json);

	run_str(html, r);
	free(html);
}

static size_t n_warnings(const struct page_result *r)
{
	return json_array_size(r->warnings);
}

static const char *warning(const struct page_result *r, size_t i)
{
	return json_string_value(json_array_get(r->warnings, i));
}

static bool same(double a, double b)
{
	return (isnan(a) && isnan(b)) || fabs(a - b) < 1e-6;
}

/* ---- JSON-LD shapes ---- */

static void jsonld_full_object(void **state)
{
	struct page_result r;
	struct posting *p;

	(void)state;
	run_ld("{\"@context\":\"https://schema.org\",\"@type\":\"JobPosting\","
	       "\"title\":\"Data Engineer\",\"description\":\"<p>Bouw <b>pipelines</b> &amp; meer.</p><ul><li>SQL</li><li>Python</li></ul>\","
	       "\"url\":\"../job-2/?utm_source=x&id=7\",\"identifier\":{\"@type\":\"PropertyValue\",\"value\":\"ENS-1\"},"
	       "\"hiringOrganization\":{\"@type\":\"GovernmentOrganization\",\"name\":\"Gemeente  Enschede\"},"
	       "\"jobLocation\":{\"@type\":\"Place\",\"address\":{\"@type\":\"PostalAddress\",\"addressLocality\":\"Enschede\","
	       "\"addressRegion\":\"Overijssel\",\"addressCountry\":{\"@type\":\"Country\",\"name\":\"NL\"}}},"
	       "\"employmentType\":[\"FULL_TIME\",\"PART_TIME\"],\"datePosted\":\"2026-11-12T09:00:00+01:00\","
	       "\"validThrough\":\"18-01-2027\",\"baseSalary\":{\"@type\":\"MonetaryAmount\",\"currency\":\"eur\","
	       "\"value\":{\"@type\":\"QuantitativeValue\",\"minValue\":\"4.390\",\"maxValue\":6235,\"unitText\":\"MONTH\"}},"
	       "\"workHours\":\"32-36 uur\",\"educationRequirements\":{\"@type\":\"EducationalOccupationalCredential\","
	       "\"credentialCategory\":\"bachelor degree\"}}", &r);
	assert_int_equal(r.n_postings, 1);
	assert_int_equal(n_warnings(&r), 0);
	p = &r.postings[0];
	assert_string_equal(p->title, "Data Engineer");
	assert_string_equal(p->description, "Bouw pipelines & meer.\n\n- SQL\n- Python");
	assert_string_equal(p->url, "https://werkenbij.example.nl/vacatures/job-2/?id=7");
	assert_string_equal(p->ext_id, "ENS-1");
	assert_string_equal(p->employer, "Gemeente Enschede");
	assert_string_equal(p->location, "Enschede");
	assert_string_equal(p->location_raw, "Enschede");
	assert_string_equal(p->region, "Overijssel");
	assert_string_equal(p->country, "NL");
	assert_string_equal(p->employment_type, "FULL_TIME");
	assert_string_equal(p->date_posted, "2026-11-12");
	assert_string_equal(p->valid_through, "2027-01-18");
	assert_true(same(p->salary_min, 4390) && same(p->salary_max, 6235));
	assert_string_equal(p->salary_currency, "EUR");
	assert_string_equal(p->salary_period, "MONTH");
	assert_string_equal(p->salary_source, "structured");
	assert_true(same(p->hours_min, 32) && same(p->hours_max, 36));
	assert_string_equal(p->education, "hbo");
	assert_string_equal(p->extraction, "jsonld");
	assert_null(p->source_id);
	page_result_release(&r);
}

static void jsonld_graph_and_nested(void **state)
{
	struct page_result r;

	(void)state;
	run_ld("{\"@context\":\"https://schema.org\",\"@graph\":[{\"@type\":\"WebPage\",\"name\":\"x\","
	       "\"mainEntity\":{\"@type\":\"JobPosting\",\"title\":\"Nested\"}},"
	       "{\"@type\":[\"JobPosting\",\"Thing\"],\"title\":\"Typed array\"},"
	       "{\"@type\":\"http://schema.org/JobPosting\",\"name\":\"Prefixed, name only\"},"
	       "{\"@type\":\"schema:JobPosting\",\"title\":\"Curie\"},"
	       "{\"@type\":\"BreadcrumbList\",\"itemListElement\":[]}]}", &r);
	assert_int_equal(r.n_postings, 4);
	assert_string_equal(r.postings[0].title, "Nested");
	assert_string_equal(r.postings[1].title, "Typed array");
	assert_string_equal(r.postings[2].title, "Prefixed, name only");
	assert_string_equal(r.postings[3].title, "Curie");
	/* no url: the page */
	assert_string_equal(r.postings[0].url, PAGE);
	page_result_release(&r);
}

static void jsonld_top_level_array(void **state)
{
	struct page_result r;

	(void)state;
	run_ld("[{\"@type\":\"JobPosting\",\"title\":\"A\",\"url\":\"/a\"},{\"@type\":\"BreadcrumbList\"},"
	       "{\"@type\":\"JobPosting\",\"title\":\"B\",\"url\":\"/b\"}]", &r);
	assert_int_equal(r.n_postings, 2);
	assert_string_equal(r.postings[1].url, "https://werkenbij.example.nl/b");
	page_result_release(&r);
}

static void jsonld_malformed_block_skipped(void **state)
{
	struct page_result r;
	const char *html =
		"<html><head><script type=\"application/ld+json\">\n{\n  \"@type\": \"BreadcrumbList\",\n"
		"  \"itemListElement\": [1,],\n}\n</script>"
		"<script type=\"application/ld+json\">{\"@type\":\"JobPosting\",\"title\":\"Still here\"}</script>"
		"</head><body></body></html>";

	(void)state;
	run_str(html, &r);
	assert_int_equal(r.n_postings, 1);
	assert_string_equal(r.postings[0].title, "Still here");
	assert_int_equal(n_warnings(&r), 1);
	assert_non_null(strstr(warning(&r, 0), "JSON-LD block 1: line 3"));
	page_result_release(&r);
}

static void jsonld_wrappers_and_type_attr(void **state)
{
	struct page_result r;
	const char *html =
		"<html><head>"
		"<script type=\" Application/LD+JSON ; charset=utf-8\">\xef\xbb\xbf<!-- {\"@type\":\"JobPosting\",\"title\":\"Comment\"} --></script>"
		"<script type='application/ld+json'>//<![CDATA[\n{\"@type\":\"JobPosting\",\"title\":\"Cdata\"}\n//]]></script>"
		"<script type='application/ld+json'>{\"@type\":\"JobPosting\",\"title\":\"One\",\"url\":\"/1\"}\n"
		"{\"@type\":\"JobPosting\",\"title\":\"Two\",\"url\":\"/2\"};</script>"
		"<script type='application/json'>{\"@type\":\"JobPosting\",\"title\":\"Not LD\"}</script>"
		"<script type='text/javascript'>var ld = {\"@type\":\"JobPosting\"};</script>"
		"<script type='application/ld+json'>   </script>"
		"</head></html>";

	(void)state;
	run_str(html, &r);
	assert_int_equal(r.n_postings, 4);
	assert_string_equal(r.postings[0].title, "Comment");
	assert_string_equal(r.postings[1].title, "Cdata");
	assert_string_equal(r.postings[2].title, "One");
	assert_string_equal(r.postings[3].title, "Two");
	assert_int_equal(n_warnings(&r), 0);
	page_result_release(&r);
}

static void jsonld_value_variants(void **state)
{
	struct page_result r;
	struct posting *p;

	(void)state;
	run_ld("[{\"@type\":\"JobPosting\",\"title\":\"R&amp;D Engineer <b>(m/v)</b>\",\"url\":\"/1\","
	       "\"identifier\":12345,\"hiringOrganization\":\"Thales\","
	       "\"jobLocation\":[{\"@type\":\"Place\",\"address\":\"Haaksbergerstraat 67, 7554 PA Hengelo\"},"
	       "{\"@type\":\"Place\",\"address\":{\"addressLocality\":\"Enschede\"}},"
	       "{\"@type\":\"Place\",\"address\":{\"addressLocality\":\"Enschede\"}}],"
	       "\"employmentType\":\"Voltijd\",\"baseSalary\":\"\xe2\x82\xac 3.500 - \xe2\x82\xac 4.800 per maand\","
	       "\"jobLocationType\":\"TELECOMMUTE\"},"
	       "{\"@type\":\"JobPosting\",\"title\":\"Remote\",\"url\":\"/2\",\"identifier\":\"  X-9 \","
	       "\"jobLocationType\":[\"TELECOMMUTE\"],\"applicantLocationRequirements\":{\"@type\":\"Country\",\"name\":\"Netherlands\"},"
	       "\"employmentType\":\"Contract\",\"baseSalary\":{\"currency\":\"EUR\",\"value\":18.5,\"unitText\":\"HOUR\"},"
	       "\"educationRequirements\":[\"Master's degree in physics\",{\"credentialCategory\":\"high school\"}]},"
	       "{\"@type\":\"JobPosting\",\"title\":\"Other\",\"url\":\"/3\",\"employmentType\":\"Bijbaan\","
	       "\"baseSalary\":{\"@type\":\"MonetaryAmount\",\"currency\":\"\xe2\x82\xac\",\"value\":{\"value\":\"2.800\"}},"
	       "\"workHours\":\"16\"},"
	       "{\"@type\":\"JobPosting\",\"title\":\"Text range\",\"url\":\"/4\","
	       "\"baseSalary\":{\"currency\":\"EUR\",\"value\":{\"value\":\"3.500 - \xe2\x82\xac 4.800\",\"unitText\":\"MONTH\"}}},"
	       "{\"@type\":\"JobPosting\",\"title\":\"Text range 2\",\"url\":\"/5\",\"baseSalary\":\"2800 tot 3400\"}]", &r);
	assert_int_equal(r.n_postings, 5);
	assert_true(same(r.postings[3].salary_min, 3500) && same(r.postings[3].salary_max, 4800));
	assert_true(same(r.postings[4].salary_min, 2800) && same(r.postings[4].salary_max, 3400));
	assert_string_equal(r.postings[4].salary_text, "2800 tot 3400");
	p = &r.postings[0];
	assert_string_equal(p->title, "R&D Engineer (m/v)");
	assert_string_equal(p->ext_id, "12345");
	assert_string_equal(p->employer, "Thales");
	assert_string_equal(p->location, "Haaksbergerstraat 67, 7554 PA Hengelo");
	assert_string_equal(p->location_raw, "Haaksbergerstraat 67, 7554 PA Hengelo; Enschede");
	assert_string_equal(p->employment_type, "FULL_TIME");
	assert_true(same(p->salary_min, 3500) && same(p->salary_max, 4800));
	assert_string_equal(p->salary_period, "MONTH");
	assert_string_equal(p->salary_text, "\xe2\x82\xac 3.500 - \xe2\x82\xac 4.800 per maand");
	assert_string_equal(p->remote, "hybrid");
	p = &r.postings[1];
	assert_string_equal(p->ext_id, "X-9");
	assert_string_equal(p->remote, "remote");
	assert_string_equal(p->country, "Netherlands");
	assert_string_equal(p->employment_type, "OTHER");
	assert_true(same(p->salary_min, 18.5) && same(p->salary_max, 18.5));
	assert_string_equal(p->salary_period, "HOUR");
	assert_string_equal(p->education, "wo");
	p = &r.postings[2];
	assert_string_equal(p->employment_type, "PART_TIME");
	assert_true(same(p->salary_min, 2800));
	assert_string_equal(p->salary_currency, "EUR");
	assert_null(p->salary_period);
	assert_true(same(p->hours_min, 16) && same(p->hours_max, 16));
	page_result_release(&r);
}

static void jsonld_default_employer_and_source(void **state)
{
	struct page_result r;
	struct extract_opts o = { 0, 0, "Saxion", "saxion", NULL };
	char *html = ld_page("{\"@type\":\"JobPosting\",\"title\":\"Docent\"}");

	(void)state;
	run(html, strlen(html), PAGE, &o, &r);
	assert_string_equal(r.postings[0].employer, "Saxion");
	assert_string_equal(r.postings[0].source_id, "saxion");
	page_result_release(&r);
	free(html);
}

static void jsonld_escaped_description(void **state)
{
	struct page_result r;

	(void)state;
	run_ld("{\"@type\":\"JobPosting\",\"title\":\"X\",\"description\":"
	       "\"&lt;h2&gt;Wat ga je doen?&lt;/h2&gt;&lt;p&gt;Zorg &amp;amp; aandacht.&lt;/p&gt;\"}", &r);
	assert_string_equal(r.postings[0].description, "Wat ga je doen?\n\nZorg & aandacht.");
	page_result_release(&r);
}

static void jsonld_bomb_depth(void **state)
{
	struct page_result r;
	struct buf b;
	clock_t t = clock();

	(void)state;
	buf_init(&b, 0);
	for (int i = 0; i < 10000; i++)
		assert_int_equal(buf_addc(&b, '['), TJ_OK);
	for (int i = 0; i < 10000; i++)
		assert_int_equal(buf_addc(&b, ']'), TJ_OK);
	run_ld(buf_str(&b), &r);
	assert_int_equal(r.n_postings, 0);
	assert_int_equal(n_warnings(&r), 1);
	assert_non_null(strstr(warning(&r, 0), "nested deeper than 64"));
	assert_true((double)(clock() - t) / CLOCKS_PER_SEC < 2.0);
	page_result_release(&r);
	/* 64 levels are fine */
	buf_reset(&b);
	assert_int_equal(buf_adds(&b, "{\"@type\":\"JobPosting\",\"title\":\"Deep\",\"x\":"), TJ_OK);
	for (int i = 0; i < 62; i++)
		assert_int_equal(buf_addc(&b, '['), TJ_OK);
	for (int i = 0; i < 62; i++)
		assert_int_equal(buf_addc(&b, ']'), TJ_OK);
	assert_int_equal(buf_addc(&b, '}'), TJ_OK);
	run_ld(buf_str(&b), &r);
	assert_int_equal(r.n_postings, 1);
	page_result_release(&r);
	buf_release(&b);
}

static void jsonld_too_big(void **state)
{
	struct page_result r;
	struct buf b;

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(buf_adds(&b, "{\"@type\":\"JobPosting\",\"title\":\"Big\",\"description\":\""), TJ_OK);
	for (int i = 0; i < (1 << 20); i++)
		assert_int_equal(buf_addc(&b, 'a'), TJ_OK);
	assert_int_equal(buf_adds(&b, "\"}"), TJ_OK);
	run_ld(buf_str(&b), &r);
	assert_int_equal(r.n_postings, 0);
	assert_non_null(strstr(warning(&r, 0), "larger than"));
	page_result_release(&r);
	buf_release(&b);
}

static void postings_capped(void **state)
{
	struct page_result r;
	struct buf b;

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(buf_addc(&b, '['), TJ_OK);
	for (int i = 0; i < 1200; i++)
		assert_int_equal(buf_addf(&b, "%s{\"@type\":\"JobPosting\",\"title\":\"Job %d\",\"url\":\"/j/%d\"}",
					  i ? "," : "", i, i), TJ_OK);
	assert_int_equal(buf_addc(&b, ']'), TJ_OK);
	run_ld(buf_str(&b), &r);
	assert_int_equal(r.n_postings, EXTRACT_MAX_POSTINGS);
	assert_int_equal(n_warnings(&r), 1);
	page_result_release(&r);
	buf_release(&b);
}

static void jsonld_duplicates_merged(void **state)
{
	struct page_result r;
	const char *html =
		"<script type=application/ld+json>{\"@type\":\"JobPosting\",\"title\":\"Same\",\"url\":\"/s?utm_source=a\"}</script>"
		"<script type=application/ld+json>{\"@type\":\"JobPosting\",\"title\":\"SAME\",\"url\":\"/s\"}</script>";

	(void)state;
	run_str(html, &r);
	assert_int_equal(r.n_postings, 1);
	page_result_release(&r);
}

/* ---- invalid input ---- */

static void invalid_utf8(void **state)
{
	struct page_result r;
	const char html[] = "<html><head><script type=\"application/ld+json\">{\"@type\":\"JobPosting\","
			    "\"title\":\"Caf\xe9 \xff\xfe medewerker\",\"description\":\"<p>na\xc3\x28ve</p>\"}"
			    "</script></head><body><a href=\"/caf\xe9\">x</a>\xc0\xaf</body></html>";

	(void)state;
	run(html, sizeof(html) - 1, PAGE, NULL, &r);
	assert_int_equal(r.n_postings, 1);
	/* every string is valid UTF-8, so jansson could build it */
	assert_non_null(strstr(r.postings[0].title, "Caf\xef\xbf\xbd"));
	assert_int_equal(r.n_links, 1);
	assert_non_null(strstr(r.links[0], "/caf%EF%BF%BD"));
	page_result_release(&r);
}

static void bad_page_url(void **state)
{
	struct page_result r;

	(void)state;
	assert_int_equal(extract_page("<p>x</p>", 8, "ftp://x/", NULL, &r), TJ_EINVAL);
	page_result_release(&r);
	assert_int_equal(extract_page("<p>x</p>", 8, NULL, NULL, &r), TJ_EINVAL);
	page_result_release(&r);
}

static void empty_and_binary_pages(void **state)
{
	struct page_result r;
	const char bin[] = "\0\0\x01\x02<\0script type=application/ld+json>{\0}</script>";

	(void)state;
	run("", 0, PAGE, NULL, &r);
	assert_int_equal(r.n_postings, 0);
	assert_int_equal(r.n_links, 0);
	assert_non_null(r.warnings);
	page_result_release(&r);
	run(bin, sizeof(bin) - 1, PAGE, NULL, &r);
	page_result_release(&r);
}

static void deep_nesting(void **state)
{
	struct page_result r;
	struct buf b;
	clock_t t = clock();

	(void)state;
	/* 10 000 nested divs: refused fast with TJ_ETOOBIG, no crash */
	buf_init(&b, 0);
	for (int i = 0; i < 10000; i++)
		assert_int_equal(buf_adds(&b, "<div>"), TJ_OK);
	assert_int_equal(extract_page(b.data, b.len, PAGE, NULL, &r), TJ_ETOOBIG);
	page_result_release(&r);
	assert_true((double)(clock() - t) / CLOCKS_PER_SEC < 2.0);
	/* 3000 nested divs around a posting: parsed, found */
	buf_reset(&b);
	for (int i = 0; i < 3000; i++)
		assert_int_equal(buf_adds(&b, "<div>"), TJ_OK);
	assert_int_equal(buf_adds(&b, "<script type=application/ld+json>{\"@type\":\"JobPosting\",\"title\":\"Deep\"}</script>"
				  "<a href=/deep>x</a>"), TJ_OK);
	run(b.data, b.len, PAGE, NULL, &r);
	assert_int_equal(r.n_postings, 1);
	assert_int_equal(r.n_links, 1);
	page_result_release(&r);
	/* 10 000 divs opened and closed */
	buf_reset(&b);
	for (int i = 0; i < 10000; i++)
		assert_int_equal(buf_adds(&b, "<div><a href=/x>x</a></div>"), TJ_OK);
	run(b.data, b.len, PAGE, NULL, &r);
	assert_int_equal(r.n_links, 1);
	page_result_release(&r);
	buf_release(&b);
}

/* ---- links ---- */

static void links_5000(void **state)
{
	struct page_result r;
	struct extract_opts o = { EXTRACT_LINKS, 0, NULL, NULL, NULL };
	struct extract_opts capped = { EXTRACT_LINKS, 100, NULL, NULL, NULL };
	struct buf b;

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(buf_adds(&b, "<html><body><ul>"), TJ_OK);
	for (int i = 0; i < 5000; i++)
		assert_int_equal(buf_addf(&b, "<li><a href=\"job-%d.html#top\">Job %d</a> <a href='/vacatures/job-%d.html?utm_source=x'>again</a></li>",
					  i, i, i), TJ_OK);
	assert_int_equal(buf_adds(&b, "</ul></body></html>"), TJ_OK);
	run(b.data, b.len, "https://ex.nl/vacatures/", &o, &r);
	assert_int_equal(r.n_postings, 0);
	assert_int_equal(r.n_links, 5000);
	assert_string_equal(r.links[0], "https://ex.nl/vacatures/job-0.html");
	assert_string_equal(r.links[4999], "https://ex.nl/vacatures/job-4999.html");
	page_result_release(&r);
	run(b.data, b.len, "https://ex.nl/vacatures/", &capped, &r);
	assert_int_equal(r.n_links, 100);
	assert_int_equal(n_warnings(&r), 1);
	page_result_release(&r);
	buf_release(&b);
}

static void links_filtering_and_base(void **state)
{
	struct page_result r;
	const char *html =
		"<html><head><base href=\"https://cdn.ex.nl/nl/\"><link rel=\"stylesheet\" href=\"/a.css\">"
		"<link rel=\"Next Prefetch\" href=\"?page=2\"></head><body>"
		"<a href=\"mailto:hr@ex.nl\">m</a><a href=\"javascript:void(0)\">j</a><a href=\"tel:053\">t</a>"
		"<a>no href</a><a href=\"\">self</a><a href=\" vacature 1 \">v</a><area href=\"/kaart\">"
		"<a href=\"HTTPS://Other.NL:443/x\">o</a><a href=\"data:text/html,x\">d</a></body></html>";

	(void)state;
	run_str(html, &r);
	assert_int_equal(r.n_links, 5);
	assert_string_equal(r.links[0], "https://cdn.ex.nl/nl/?page=2");
	assert_string_equal(r.links[1], "https://cdn.ex.nl/nl/");
	assert_string_equal(r.links[2], "https://cdn.ex.nl/nl/vacature%201");
	assert_string_equal(r.links[3], "https://cdn.ex.nl/kaart");
	assert_string_equal(r.links[4], "https://other.nl/x");
	page_result_release(&r);
}

static void flags_select(void **state)
{
	struct page_result r;
	struct extract_opts only_links = { EXTRACT_LINKS, 0, NULL, NULL, NULL };
	char *html = ld_page("{\"@type\":\"JobPosting\",\"title\":\"T\"}");

	(void)state;
	run(html, strlen(html), PAGE, &only_links, &r);
	assert_int_equal(r.n_postings, 0);
	page_result_release(&r);
	free(html);
}

/* ---- microdata ---- */

static void microdata_listing(void **state)
{
	struct page_result r;
	struct posting *p;

	(void)state;
	run_file("listing-microdata.html", "https://werkenbij.twentse-installatietechniek.nl/vacatures/", &r);
	assert_int_equal(n_warnings(&r), 0);
	/* 1 JSON-LD + 4 microdata, of which one duplicates the JSON-LD posting */
	assert_int_equal(r.n_postings, 4);
	assert_string_equal(r.postings[0].extraction, "jsonld");
	assert_string_equal(r.postings[0].title, "Servicemonteur W-installaties");
	p = &r.postings[1];
	assert_string_equal(p->extraction, "microdata");
	assert_string_equal(p->title, "Projectleider E-installaties");
	assert_string_equal(p->url, "https://werkenbij.twentse-installatietechniek.nl/vacatures/projectleider-e/");
	assert_string_equal(p->employer, "Twentse Installatietechniek B.V.");
	assert_string_equal(p->location, "Almelo");
	assert_string_equal(p->country, "NL");
	assert_string_equal(p->date_posted, "2026-11-28");
	assert_string_equal(p->valid_through, "2027-01-31");
	assert_string_equal(p->employment_type, "FULL_TIME");
	assert_true(same(p->salary_min, 4100) && same(p->salary_max, 5600));
	assert_string_equal(p->salary_currency, "EUR");
	assert_string_equal(p->salary_period, "MONTH");
	assert_true(same(p->hours_min, 38));
	assert_non_null(strstr(p->description, "\n\n- Je stuurt een team van 6 monteurs aan;\n- Je bewaakt"));
	p = &r.postings[2];
	assert_string_equal(p->title, "Leerling monteur (BBL)");
	assert_string_equal(p->url, "https://werkenbij.twentse-installatietechniek.nl/vacatures/leerling-monteur/");
	assert_string_equal(p->employer, "Twentse Installatietechniek");
	assert_string_equal(p->location, "7553 LT Hengelo (Ov.)");
	assert_string_equal(p->date_posted, "2026-12-02");
	assert_non_null(strstr(p->description, "\xc3\xa9\xc3\xa9n dag per week"));
	assert_string_equal(r.postings[3].employment_type, "PART_TIME");
	/* links: base href, rel=next first, fragments and tracking stripped, no mailto/tel */
	assert_int_equal(r.n_links, 8);
	assert_string_equal(r.links[0], "https://werkenbij.twentse-installatietechniek.nl/vacatures/?pagina=2");
	page_result_release(&r);
}

static void microdata_normalized(void **state)
{
	struct page_result r;
	struct posting *p;

	(void)state;
	run_file("listing-microdata.html", "https://werkenbij.twentse-installatietechniek.nl/vacatures/", &r);
	p = &r.postings[2];
	assert_int_equal(normalize_posting(p), TJ_OK);
	assert_string_equal(p->location, "Hengelo");
	assert_int_equal(p->twente, 1);
	assert_true(same(p->salary_min, 14.2));
	assert_string_equal(p->salary_period, "HOUR");
	assert_string_equal(p->salary_source, "text");
	assert_string_equal(p->education, "mbo");
	page_result_release(&r);
}

/* ---- saved demo pages ---- */

static void demo_array_page(void **state)
{
	struct page_result r;
	struct posting *p;

	(void)state;
	run_file("zgt-array.html", "https://www.werkenbijzgt.nl/vacature/2026-137/clinical-data-scientist.html", &r);
	assert_int_equal(r.n_postings, 1);
	p = &r.postings[0];
	assert_string_equal(p->title, "Clinical Data Scientist");
	assert_string_equal(p->ext_id, "2026-137");
	assert_string_equal(p->location_raw, "Hengelo; Almelo");
	assert_true(r.n_links > 5);
	page_result_release(&r);
}

static void demo_malformed_page(void **state)
{
	struct page_result r;

	(void)state;
	run_file("bolk-malformed.html", "https://www.bolk.nl/vacatures/planner-nationaal-transport/", &r);
	assert_int_equal(r.n_postings, 1);
	assert_string_equal(r.postings[0].title, "Planner nationaal transport");
	assert_int_equal(n_warnings(&r), 1);
	assert_non_null(strstr(warning(&r, 0), "JSON-LD block 1: line 7"));
	page_result_release(&r);
}

static void demo_escaped_page(void **state)
{
	struct page_result r;
	struct posting *p;

	(void)state;
	run_file("mst-escaped.html", "https://www.werkenbijmst.nl/vacatures/doktersassistent-polikliniek-oldenzaal-enschede/", &r);
	assert_int_equal(r.n_postings, 1);
	p = &r.postings[0];
	assert_int_equal(strncmp(p->description, "Wat ga je doen?\n\nDe polikliniek", 31), 0);
	assert_null(strchr(p->description, '<'));
	assert_null(strstr(p->description, "&lt;"));
	assert_string_equal(p->location_raw, "Enschede; Oldenzaal");
	page_result_release(&r);
}

static void demo_graph_php_escapes(void **state)
{
	struct page_result r;
	struct posting *p;

	(void)state;
	run_file("xsens-graph.html", "https://www.xsens.com/careers/jobs/embedded-software-engineer/", &r);
	assert_int_equal(r.n_postings, 1);
	p = &r.postings[0];
	assert_string_equal(p->url, "https://www.xsens.com/careers/jobs/embedded-software-engineer/");
	assert_int_equal(strncmp(p->description, "About the role\n\n", 16), 0);
	page_result_release(&r);
	run_file("xsens-remote.html", "https://www.xsens.com/careers/jobs/devops-engineer-remote-netherlands/", &r);
	assert_int_equal(r.n_postings, 1);
	assert_string_equal(r.postings[0].remote, "remote");
	assert_null(r.postings[0].location);
	assert_string_equal(r.postings[0].employment_type, "FULL_TIME");
	assert_string_equal(r.postings[0].salary_period, "YEAR");
	page_result_release(&r);
}

static void demo_german_page(void **state)
{
	struct page_result r;
	struct posting *p;

	(void)state;
	run_file("euregio-de.html", "https://www.euregio.eu/de/stellenangebote/sachbearbeiter-finanzen-und-foerderpruefung/", &r);
	assert_int_equal(r.n_postings, 1);
	p = &r.postings[0];
	assert_int_equal(normalize_posting(p), TJ_OK);
	assert_string_equal(p->country, "DE");
	assert_string_equal(p->municipality, "Gronau (Westf.)");
	assert_int_equal(p->twente, 0);
	assert_string_equal(p->employment_type, "PART_TIME");
	page_result_release(&r);
}

struct thread_arg {
	const char *html;
	size_t len;
	int found;
};

static void *thread_main(void *v)
{
	struct thread_arg *a = v;

	for (int i = 0; i < 20; i++) {
		struct page_result r;

		if (extract_page(a->html, a->len, "https://www.werkenbijzgt.nl/vacatures/", NULL, &r) == TJ_OK &&
		    r.n_postings == 1 && normalize_posting(&r.postings[0]) == TJ_OK &&
		    r.postings[0].municipality && !strcmp(r.postings[0].municipality, "Hengelo"))
			a->found++;
		page_result_release(&r);
	}
	return NULL;
}

/* The crawler extracts pages on several threads at once. */
static void threads(void **state)
{
	struct thread_arg a[4];
	pthread_t t[4];
	size_t len;
	char *html = load("zgt-array.html", &len);

	(void)state;
	for (int i = 0; i < 4; i++) {
		a[i] = (struct thread_arg){ html, len, 0 };
		assert_int_equal(pthread_create(&t[i], NULL, thread_main, &a[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(a[i].found, 20);
	}
	free(html);
}


/* ---- strategies: microdata only, selectors ---- */

#define RULE_HEAD "{\"id\": \"t\", \"employer\": \"Rule BV\", \"start_urls\": [\"https://e.example/\"], "

static struct rule *rule_from(const char *json)
{
	struct rule *r = NULL;

	if (rule_load_buffer("t.json", json, strlen(json), &r) != TJ_OK)
		fail_msg("rule_load_buffer: %s", tj_errmsg());
	return r;
}

static void run_rule(const char *html, const char *url, const struct rule *rl, struct page_result *r)
{
	struct extract_opts o = { 0 };

	o.rule = rl;
	o.source_id = rl->id;
	o.default_employer = rl->employer;
	run(html, strlen(html), url, &o, r);
}

static const char both_formats[] =
	"<html><head><script type=\"application/ld+json\">{\"@type\": \"JobPosting\", \"title\": \"From JSON-LD\"}"
	"</script></head><body><div itemscope itemtype=\"https://schema.org/JobPosting\">"
	"<h1 itemprop=\"title\">From microdata</h1></div><h1 class=t>From selectors</h1>"
	"<a href=\"/next\">next</a></body></html>";

static void strategy_microdata_only(void **state)
{
	struct rule *rl = rule_from(RULE_HEAD "\"strategy\": \"microdata\"}");
	struct page_result r;

	(void)state;
	run_rule(both_formats, PAGE, rl, &r);
	assert_int_equal(r.n_postings, 1);
	assert_string_equal(r.postings[0].title, "From microdata");
	assert_string_equal(r.postings[0].extraction, "microdata");
	assert_int_equal(r.n_links, 1);
	page_result_release(&r);
	rule_free(rl);
}

static void strategy_jsonld_and_generic(void **state)
{
	struct rule *rl = rule_from(RULE_HEAD "\"strategy\": \"jsonld\"}");
	struct page_result r;

	(void)state;
	run_rule(both_formats, PAGE, rl, &r);
	assert_int_equal(r.n_postings, 2);
	assert_string_equal(r.postings[0].extraction, "jsonld");
	assert_string_equal(r.postings[1].extraction, "microdata");
	page_result_release(&r);
	rule_free(rl);
	/* an ATS rule's pages are read like jsonld */
	rl = rule_from("{\"id\": \"t\", \"employer\": \"E\", \"strategy\": \"recruitee\","
		       " \"feed\": {\"company\": \"e\"}}");
	run_rule(both_formats, PAGE, rl, &r);
	assert_int_equal(r.n_postings, 2);
	page_result_release(&r);
	rule_free(rl);
}

static void strategy_selectors_only(void **state)
{
	struct rule *rl = rule_from(RULE_HEAD "\"strategy\": \"selectors\", \"selectors\": {\"title\": \"h1.t\"}}");
	struct page_result r;
	struct extract_opts o = { 0 };

	(void)state;
	run_rule(both_formats, PAGE, rl, &r);
	assert_int_equal(r.n_postings, 1);
	assert_string_equal(r.postings[0].title, "From selectors");
	assert_string_equal(r.postings[0].extraction, "selectors");
	assert_string_equal(r.postings[0].url, PAGE);
	assert_string_equal(r.postings[0].employer, "Rule BV");
	assert_string_equal(r.postings[0].source_id, "t");
	assert_int_equal(r.n_links, 1);
	page_result_release(&r);
	/* flags narrow the strategy: links only */
	o.rule = rl;
	o.flags = EXTRACT_LINKS;
	run(both_formats, strlen(both_formats), PAGE, &o, &r);
	assert_int_equal(r.n_postings, 0);
	assert_int_equal(r.n_links, 1);
	page_result_release(&r);
	rule_free(rl);
}

static void selectors_detail_page(void **state)
{
	size_t len;
	char *html = load("../strategies/kanaal-tech-vacature.html", &len);
	struct rule *rl = NULL;
	struct page_result r;
	struct extract_opts o = { 0 };
	struct posting *p;

	(void)state;
	if (rule_load("tests/data/strategies/kanaal-tech.json", &rl))
		fail_msg("%s", tj_errmsg());
	o.rule = rl;
	/* fetched under another URL: the canonical link gives the posting's */
	run(html, len, "https://werkenbij.kanaaltech.example/vacatures/monteur-elektrotechniek?utm=x",
	    &o, &r);
	assert_int_equal(r.n_postings, 1);
	p = &r.postings[0];
	assert_string_equal(p->url, "https://werkenbij.kanaaltech.example/vacatures/monteur-elektrotechniek");
	assert_string_equal(p->title, "Monteur elektrotechniek");
	assert_string_equal(p->location, "Hengelo (Ov.)");
	assert_string_equal(p->date_posted, "2026-11-12");     /* from <time datetime> */
	assert_string_equal(p->employment_type, "FULL_TIME");  /* "Vast dienstverband" */
	assert_true(p->hours_min == 32 && p->hours_max == 40);
	assert_true(p->salary_min == 2900 && p->salary_max == 3800);
	assert_string_equal(p->salary_period, "MONTH");
	assert_non_null(strstr(p->description, "Wat ga je doen?\n\nAls monteur"));
	assert_non_null(strstr(p->description, "\n- Rijbewijs B\n"));
	assert_null(p->employer);       /* no default employer given in opts */
	assert_int_equal(normalize_posting(p), TJ_OK);
	assert_string_equal(p->location, "Hengelo");
	assert_string_equal(p->education, "mbo");
	page_result_release(&r);
	rule_free(rl);
	free(html);
}

static void selectors_listing_items(void **state)
{
	size_t len;
	char *html = load("../strategies/hengelo-bouw-listing.html", &len);
	struct rule *rl = NULL;
	struct page_result r;
	struct extract_opts o = { 0 };

	(void)state;
	if (rule_load("tests/data/strategies/hengelo-bouw.json", &rl))
		fail_msg("%s", tj_errmsg());
	o.rule = rl;
	run(html, len, "https://www.hengelobouw.example/werken-bij/", &o, &r);
	/* the news list's li.vacature is outside the listing; the title-less item is skipped */
	assert_int_equal(r.n_postings, 3);
	assert_string_equal(r.postings[0].title, "Uitvoerder utiliteitsbouw");
	assert_string_equal(r.postings[0].url, "https://www.hengelobouw.example/werken-bij/uitvoerder-utiliteitsbouw/");
	assert_string_equal(r.postings[0].date_posted, "2026-11-03");   /* regex capture */
	assert_string_equal(r.postings[0].description, "Je stuurt de bouwplaats aan bij projecten in Hengelo en Enschede.");
	assert_string_equal(r.postings[1].url, "https://www.hengelobouw.example/werken-bij/timmerman/");
	assert_string_equal(r.postings[1].employment_type, "PART_TIME");
	assert_true(r.postings[1].hours_min == 24);
	assert_true(isnan(r.postings[1].salary_min));
	/* no a.meer: the item's first link */
	assert_string_equal(r.postings[2].url, "https://www.hengelobouw.example/werken-bij/stage-werkvoorbereiding/");
	assert_string_equal(r.postings[2].employment_type, "INTERN");
	assert_null(r.postings[2].date_posted);
	assert_int_equal(json_array_size(r.warnings), 1);
	assert_string_equal(json_string_value(json_array_get(r.warnings, 0)),
			    "selectors: item 4: 'title' (h3) matched nothing; skipped");
	page_result_release(&r);
	rule_free(rl);
	free(html);
}

static void selectors_listing_without_item(void **state)
{
	struct rule *rl = rule_from(RULE_HEAD "\"strategy\": \"selectors\", \"selectors\": {"
				    "\"listing\": \"#jobs\", \"title\": \"a:scope, h2\"}}");
	struct page_result r;

	(void)state;
	run_rule("<div id=jobs><a href=\"/j/1\">Engineer</a><a href=\"/j/2\">Planner</a>"
		 "<section><h2>Operator</h2><a href=\"/j/3\">more</a></section></div>", PAGE, rl, &r);
	assert_int_equal(r.n_postings, 3);
	assert_string_equal(r.postings[0].title, "Engineer");
	assert_string_equal(r.postings[0].url, "https://werkenbij.example.nl/j/1");
	assert_string_equal(r.postings[1].title, "Planner");
	assert_string_equal(r.postings[2].title, "Operator");
	assert_string_equal(r.postings[2].url, "https://werkenbij.example.nl/j/3");
	page_result_release(&r);
	rule_free(rl);
}

static void selectors_item_without_listing(void **state)
{
	struct rule *rl = rule_from(RULE_HEAD "\"strategy\": \"selectors\", \"selectors\": {"
				    "\"item\": \"article.job\", \"title\": \"h2\","
				    " \"url\": {\"css\": \":scope\", \"attr\": \"data-href\"},"
				    " \"valid_through\": {\"css\": \"[data-end]\", \"attr\": \"data-end\"},"
				    " \"employment_type\": \".type\"}}");
	struct page_result r;

	(void)state;
	run_rule("<article class=job data-href=\"/a\"><h2>A</h2><i data-end=\"31-01-2027\"></i>"
		 "<span class=type>Wij bieden een leuke werkplek</span></article>"
		 "<article class=job><h2>B</h2><span class=type>Werkstudent</span></article>"
		 "<div><article class=job><h2>A</h2></article></div>", PAGE, rl, &r);
	/* the third is A again without a URL of its own: kept, it has the page URL */
	assert_int_equal(r.n_postings, 3);
	assert_string_equal(r.postings[0].url, "https://werkenbij.example.nl/a");
	assert_string_equal(r.postings[0].valid_through, "2027-01-31");
	assert_null(r.postings[0].employment_type);     /* prose is not a type */
	assert_string_equal(r.postings[1].url, PAGE);
	assert_string_equal(r.postings[1].employment_type, "PART_TIME");
	page_result_release(&r);
	rule_free(rl);
}

static void selectors_attr_and_regex_misses(void **state)
{
	struct rule *rl = rule_from(RULE_HEAD "\"strategy\": \"selectors\", \"selectors\": {"
				    "\"title\": \"h1\", \"location\": {\"css\": \"h1\", \"attr\": \"data-town\"},"
				    " \"hours\": {\"css\": \".h\", \"regex\": \"(\\\\d+) uur\"},"
				    " \"salary\": {\"css\": \"meta[name=salary]\", \"attr\": \"content\"}}}");
	struct page_result r;
	struct posting *p;

	(void)state;
	run_rule("<head><meta name=salary content=\"EUR 18,50 per uur\"></head>"
		 "<h1>  Chauffeur\n  CE  </h1><p class=h>Fulltime</p>", PAGE, rl, &r);
	assert_int_equal(r.n_postings, 1);
	p = &r.postings[0];
	assert_string_equal(p->title, "Chauffeur CE");
	assert_null(p->location);       /* no such attribute */
	assert_true(isnan(p->hours_min)); /* the regex did not match */
	assert_true(p->salary_min == 18.5);
	assert_string_equal(p->salary_period, "HOUR");
	page_result_release(&r);
	/* a detail page without a title: a warning, no posting */
	run_rule("<h2>Vacatures</h2>", PAGE, rl, &r);
	assert_int_equal(r.n_postings, 0);
	assert_string_equal(json_string_value(json_array_get(r.warnings, 0)),
			    "selectors: 'title' (h1) matched nothing; no posting");
	page_result_release(&r);
	rule_free(rl);
}

static void selectors_many_items_capped(void **state)
{
	struct rule *rl = rule_from(RULE_HEAD "\"strategy\": \"selectors\", \"selectors\": {"
				    "\"item\": \"li\", \"title\": \"a\"}}");
	struct page_result r;
	struct buf b;

	(void)state;
	buf_init(&b, 0);
	for (int i = 0; i < EXTRACT_MAX_POSTINGS + 50; i++)
		assert_int_equal(buf_addf(&b, "<li><a href=\"/j/%d\">Job %d</a></li>", i, i), TJ_OK);
	run_rule(buf_str(&b), PAGE, rl, &r);
	assert_int_equal(r.n_postings, EXTRACT_MAX_POSTINGS);
	assert_non_null(strstr(json_string_value(json_array_get(r.warnings, 0)), "more than 1000 postings"));
	page_result_release(&r);
	buf_release(&b);
	rule_free(rl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(jsonld_full_object),
		cmocka_unit_test(jsonld_graph_and_nested),
		cmocka_unit_test(jsonld_top_level_array),
		cmocka_unit_test(jsonld_malformed_block_skipped),
		cmocka_unit_test(jsonld_wrappers_and_type_attr),
		cmocka_unit_test(jsonld_value_variants),
		cmocka_unit_test(jsonld_default_employer_and_source),
		cmocka_unit_test(jsonld_escaped_description),
		cmocka_unit_test(jsonld_bomb_depth),
		cmocka_unit_test(jsonld_too_big),
		cmocka_unit_test(postings_capped),
		cmocka_unit_test(jsonld_duplicates_merged),
		cmocka_unit_test(invalid_utf8),
		cmocka_unit_test(bad_page_url),
		cmocka_unit_test(empty_and_binary_pages),
		cmocka_unit_test(deep_nesting),
		cmocka_unit_test(links_5000),
		cmocka_unit_test(links_filtering_and_base),
		cmocka_unit_test(flags_select),
		cmocka_unit_test(microdata_listing),
		cmocka_unit_test(microdata_normalized),
		cmocka_unit_test(demo_array_page),
		cmocka_unit_test(demo_malformed_page),
		cmocka_unit_test(demo_escaped_page),
		cmocka_unit_test(demo_graph_php_escapes),
		cmocka_unit_test(demo_german_page),
		cmocka_unit_test(threads),
		cmocka_unit_test(strategy_microdata_only),
		cmocka_unit_test(strategy_jsonld_and_generic),
		cmocka_unit_test(strategy_selectors_only),
		cmocka_unit_test(selectors_detail_page),
		cmocka_unit_test(selectors_listing_items),
		cmocka_unit_test(selectors_listing_without_item),
		cmocka_unit_test(selectors_item_without_listing),
		cmocka_unit_test(selectors_attr_and_regex_misses),
		cmocka_unit_test(selectors_many_items_capped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
