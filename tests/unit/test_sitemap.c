/*
 * test_sitemap.c - spider/sitemap.c: urlset, sitemap index, gzip, limits,
 * malformed XML and entity tricks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "sitemap.h"

static void test_urlset(void **state)
{
	const char *xml =
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
		"  <url><loc> https://www.example.nl/vacatures/1/ </loc><lastmod>2026-11-30</lastmod></url>\n"
		"  <url><loc><![CDATA[https://www.example.nl/vacatures/2/?a=1&b=2]]></loc></url>\n"
		"  <url><loc>https://www.example.nl/vacatures/3/?x=1&amp;y=2</loc></url>\n"
		"  <url><changefreq>daily</changefreq></url>\n"
		"</urlset>\n";
	struct sitemap sm;

	(void)state;
	assert_int_equal(sitemap_parse(xml, strlen(xml), &sm), TJ_OK);
	assert_false(sm.is_index);
	assert_int_equal(sm.n, 3);
	assert_string_equal(sm.urls[0], "https://www.example.nl/vacatures/1/");
	assert_string_equal(sm.lastmod[0], "2026-11-30");
	assert_string_equal(sm.urls[1], "https://www.example.nl/vacatures/2/?a=1&b=2");
	assert_null(sm.lastmod[1]);
	assert_string_equal(sm.urls[2], "https://www.example.nl/vacatures/3/?x=1&y=2");
	sitemap_release(&sm);
}

static void test_index(void **state)
{
	const char *xml =
		"<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
		"<sitemap><loc>https://a.example/sitemap-jobs.xml.gz</loc></sitemap>"
		"<sitemap><loc>https://a.example/sitemap-pages.xml</loc></sitemap>"
		"</sitemapindex>";
	struct sitemap sm;

	(void)state;
	assert_int_equal(sitemap_parse(xml, strlen(xml), &sm), TJ_OK);
	assert_true(sm.is_index);
	assert_int_equal(sm.n, 2);
	assert_string_equal(sm.urls[0], "https://a.example/sitemap-jobs.xml.gz");
	sitemap_release(&sm);
}

static size_t gzip_buf(const char *in, size_t len, unsigned char *out, size_t cap)
{
	z_stream zs;

	memset(&zs, 0, sizeof(zs));
	assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)len;
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	deflateEnd(&zs);
	return cap - zs.avail_out;
}

static void test_gzip(void **state)
{
	const char *xml = "<urlset><url><loc>https://a.example/j/1</loc></url></urlset>";
	unsigned char gz[512];
	size_t n = gzip_buf(xml, strlen(xml), gz, sizeof(gz));
	struct sitemap sm;

	(void)state;
	assert_int_equal(sitemap_parse((const char *)gz, n, &sm), TJ_OK);
	assert_int_equal(sm.n, 1);
	assert_string_equal(sm.urls[0], "https://a.example/j/1");
	sitemap_release(&sm);
	/* truncated gzip is an error, not a partial success */
	assert_int_equal(sitemap_parse((const char *)gz, n / 2, &sm), TJ_EPARSE);
}

static void test_gzip_bomb_capped(void **state)
{
	/* 60 MiB of spaces inside a valid document compress to ~60 KiB */
	size_t big = (size_t)60 << 20;
	char *xml = malloc(big);
	unsigned char *gz = malloc(1 << 20);
	struct sitemap sm;
	size_t n;

	(void)state;
	assert_non_null(xml);
	assert_non_null(gz);
	memcpy(xml, "<urlset>", 8);
	memset(xml + 8, ' ', big - 8 - 9);
	memcpy(xml + big - 9, "</urlset>", 9);
	n = gzip_buf(xml, big, gz, 1 << 20);
	free(xml);
	assert_int_equal(sitemap_parse((const char *)gz, n, &sm), TJ_ETOOBIG);
	free(gz);
}

static void test_malformed(void **state)
{
	const char *bad = "<urlset><url><loc>https://a/1</loc></url>";
	const char *wrong_root = "<html><body>not a sitemap</body></html>";
	struct sitemap sm;

	(void)state;
	assert_int_equal(sitemap_parse(bad, strlen(bad), &sm), TJ_EPARSE);
	assert_non_null(strstr(tj_errmsg(), "line"));
	assert_int_equal(sitemap_parse(wrong_root, strlen(wrong_root), &sm), TJ_EPARSE);
	assert_non_null(strstr(tj_errmsg(), "<html>"));
	assert_int_equal(sitemap_parse("", 0, &sm), TJ_EPARSE);
}

static void test_external_entity_not_loaded(void **state)
{
	const char *xxe =
		"<?xml version=\"1.0\"?>"
		"<!DOCTYPE urlset [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
		"<urlset><url><loc>https://a/&x;</loc></url></urlset>";
	struct sitemap sm;

	(void)state;
	if (sitemap_parse(xxe, strlen(xxe), &sm) == TJ_OK) {
		for (size_t i = 0; i < sm.n; i++)
			assert_null(strstr(sm.urls[i], "root:"));
		sitemap_release(&sm);
	}
}

static void test_url_limit(void **state)
{
	size_t n = SITEMAP_MAX_URLS + 10, cap = n * 40 + 64, len = 0;
	char *xml = malloc(cap);
	struct sitemap sm;

	(void)state;
	assert_non_null(xml);
	len += (size_t)snprintf(xml + len, cap - len, "<urlset>");
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(xml + len, cap - len, "<url><loc>https://a/%zu</loc></url>", i);
	len += (size_t)snprintf(xml + len, cap - len, "</urlset>");
	assert_int_equal(sitemap_parse(xml, len, &sm), TJ_OK);
	assert_int_equal(sm.n, SITEMAP_MAX_URLS);
	assert_true(sm.truncated);
	sitemap_release(&sm);
	free(xml);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_urlset),
		cmocka_unit_test(test_index),
		cmocka_unit_test(test_gzip),
		cmocka_unit_test(test_gzip_bomb_capped),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_external_entity_not_loaded),
		cmocka_unit_test(test_url_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
