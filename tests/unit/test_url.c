/*
 * test_url.c - spider/url.{c,h}: resolution, canonical form, parts and
 * spider-trap heuristics.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "url.h"

#define BASE "https://www.utwente.nl/en/organisation/careers/vacancies/index.html?lang=en"

static void check_norm(const char *in, const char *want)
{
	char *got = url_normalize(in);

	if (!want) {
		if (got)
			fail_msg("url_normalize(\"%s\") = \"%s\", want NULL", in ? in : "(null)", got);
		return;
	}
	if (!got)
		fail_msg("url_normalize(\"%s\") = NULL, want \"%s\"", in, want);
	if (strcmp(got, want))
		fail_msg("url_normalize(\"%s\") = \"%s\", want \"%s\"", in, got, want);
	free(got);
}

static void check_res(const char *base, const char *ref, const char *want)
{
	char *got = url_resolve(base, ref);

	if (!want) {
		if (got)
			fail_msg("url_resolve(\"%s\") = \"%s\", want NULL", ref, got);
		return;
	}
	if (!got)
		fail_msg("url_resolve(\"%s\") = NULL, want \"%s\"", ref, want);
	if (strcmp(got, want))
		fail_msg("url_resolve(\"%s\") = \"%s\", want \"%s\"", ref, got, want);
	free(got);
}

static void norm_case_scheme_host(void **state)
{
	(void)state;
	check_norm("HTTP://WWW.UTwente.NL/Jobs", "http://www.utwente.nl/Jobs");
	check_norm("HtTpS://Example.COM", "https://example.com/");
}

static void norm_default_port(void **state)
{
	(void)state;
	check_norm("http://example.com:80/a", "http://example.com/a");
	check_norm("https://example.com:443/a", "https://example.com/a");
	check_norm("https://example.com:0443/", "https://example.com/");
	check_norm("http://example.com:443/a", "http://example.com:443/a");
	check_norm("https://example.com:8443/a", "https://example.com:8443/a");
}

static void norm_bad_port(void **state)
{
	(void)state;
	check_norm("http://example.com:99999/", NULL);
	check_norm("http://example.com:abc/", NULL);
}

static void norm_dot_segments(void **state)
{
	(void)state;
	check_norm("http://example.com/a/./b/../c", "http://example.com/a/c");
	check_norm("http://example.com/a/b/../../../c", "http://example.com/c");
	check_norm("http://example.com/a/b/..", "http://example.com/a/");
}

static void norm_empty_path(void **state)
{
	(void)state;
	check_norm("http://example.com", "http://example.com/");
	check_norm("http://example.com?x=1", "http://example.com/?x=1");
}

static void norm_fragment(void **state)
{
	(void)state;
	check_norm("http://example.com/a#top", "http://example.com/a");
	check_norm("http://example.com/a?x=1#top#again", "http://example.com/a?x=1");
}

static void norm_percent_unreserved(void **state)
{
	(void)state;
	check_norm("http://example.com/%7Efoo/%41b", "http://example.com/~foo/Ab");
	check_norm("http://example.com/a%2fb%2Fc", "http://example.com/a%2Fb%2Fc");
	check_norm("http://example.com/?q=%41%3d%7e", "http://example.com/?q=A%3D~");
	/* decoding %2E after dot-segment removal could create a new ".." */
	check_norm("http://example.com/a/%2E%2E/b", "http://example.com/a/%2E%2E/b");
	check_norm("http://example.com/100%", "http://example.com/100%");
	/* found by fuzz_url: decoding %62 after a stray "%4" would make "%4b" */
	check_norm("http://example.com/%4%62", "http://example.com/%4%62");
	check_norm("http://example.com/%%41", "http://example.com/%%41");
}

static void norm_tracking(void **state)
{
	(void)state;
	check_norm("https://ex.com/job?id=12&utm_source=li&utm_Medium=x&gclid=abc",
		   "https://ex.com/job?id=12");
	check_norm("https://ex.com/job?fbclid=1&b=2&mc_cid=3&mc_eid=4&_ga=5&a=1",
		   "https://ex.com/job?b=2&a=1");
	check_norm("https://ex.com/job?PHPSESSID=1&jsessionid=2&sessionid=3",
		   "https://ex.com/job");
	check_norm("https://ex.com/job?%75tm_source=x&q=1", "https://ex.com/job?q=1");
}

static void norm_ref_kept(void **state)
{
	(void)state;
	/* vacancy references: dropping "ref" would merge distinct postings */
	check_norm("https://ex.com/vacature?ref=2026-113", "https://ex.com/vacature?ref=2026-113");
}

static void norm_query_order_and_empty(void **state)
{
	(void)state;
	check_norm("http://ex.com/?b=2&a=1", "http://ex.com/?b=2&a=1");
	check_norm("http://ex.com/?a=1&&b=2&", "http://ex.com/?a=1&b=2");
	check_norm("http://ex.com/?", "http://ex.com/");
	check_norm("http://ex.com/?flag&x=", "http://ex.com/?flag&x=");
}

static void norm_jsessionid_path(void **state)
{
	(void)state;
	check_norm("http://ex.com/jobs;jsessionid=AB12CD?page=2", "http://ex.com/jobs?page=2");
	check_norm("http://ex.com/a;v=1/b", "http://ex.com/a;v=1/b");
	/* found by fuzz_url: dot segments are removed after the session id */
	check_norm("http://ex.com/a/b/..;jsessionid=1/c", "http://ex.com/a/c");
	check_norm("http://ex.com/a;%6Asessionid=1", "http://ex.com/a");
}

static void norm_whitespace_and_unsafe(void **state)
{
	(void)state;
	check_norm("  http://ex.com/a b\n", "http://ex.com/a%20b");
	check_norm("http://ex.com/vaca\ttures", "http://ex.com/vacatures");
	check_norm("http://ex.com/caf\xc3\xa9?q=a b", "http://ex.com/caf%C3%A9?q=a%20b");
	check_norm("http://ex.com/<x>|{y}", "http://ex.com/%3Cx%3E%7C%7By%7D");
	check_norm("http://ex.com\\a\\b", "http://ex.com/a/b");
}

static void norm_host_rules(void **state)
{
	(void)state;
	check_norm("http://Example.COM./a", "http://example.com/a");
	/* found by fuzz_url: the dot must go before libcurl's IPv4 parsing */
	check_norm("https://2./", "https://0.0.0.2/");
	check_norm("https://0.0.0.2/", "https://0.0.0.2/");
	check_norm("https://0../", NULL);
	check_norm("https://%30/", "https://0.0.0.0/");
	check_norm("https://%45x.com/", "https://ex.com/");
	check_norm("https://evil.com%40good.com/", NULL);
	check_res("https://www.example.nl/a/", "///0..//", NULL);
	check_norm("http://ex..com/", NULL);
	check_norm("http:///x", NULL);
	check_norm("http://", NULL);
	check_norm("http://[::1]:80/", "http://[::1]/");
	check_norm("http://192.168.0.1:8080", "http://192.168.0.1:8080/");
}

static void norm_rejects_other_schemes(void **state)
{
	(void)state;
	check_norm("ftp://ex.com/", NULL);
	check_norm("mailto:jobs@ex.com", NULL);
	check_norm("javascript:alert(1)", NULL);
	check_norm("/relative/path", NULL);
	check_norm("", NULL);
	check_norm(NULL, NULL);
}

static void norm_userinfo_kept(void **state)
{
	(void)state;
	check_norm("http://user:pw@Ex.com/", "http://user:pw@ex.com/");
}

static void norm_too_long(void **state)
{
	char *u = malloc(URL_MAX_LEN + 100);

	(void)state;
	assert_non_null(u);
	memcpy(u, "http://ex.com/", 14);
	memset(u + 14, 'a', URL_MAX_LEN + 50);
	u[URL_MAX_LEN + 64] = '\0';
	check_norm(u, NULL);
	free(u);
}

static void norm_idempotent(void **state)
{
	static const char *const in[] = {
		"HTTP://Ex.com:80/a/../b/%7e?utm_x=1&q=a%20b#f",
		"https://www.utwente.nl/en/organisation/careers/vacancies/",
		"http://ex.com/caf\xc3\xa9",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		char *a = url_normalize(in[i]), *b;

		assert_non_null(a);
		b = url_normalize(a);
		assert_non_null(b);
		assert_string_equal(a, b);
		free(a);
		free(b);
	}
}

static void res_relative(void **state)
{
	(void)state;
	check_res(BASE, "job-123.html",
		  "https://www.utwente.nl/en/organisation/careers/vacancies/job-123.html");
	check_res(BASE, "../",
		  "https://www.utwente.nl/en/organisation/careers/");
	check_res(BASE, "/nl/vacatures?page=2", "https://www.utwente.nl/nl/vacatures?page=2");
	check_res(BASE, "?page=3",
		  "https://www.utwente.nl/en/organisation/careers/vacancies/index.html?page=3");
}

static void res_scheme_relative(void **state)
{
	(void)state;
	check_res(BASE, "//jobs.Example.org/x", "https://jobs.example.org/x");
	check_res("http://a.nl/", "//b.nl", "http://b.nl/");
}

static void res_absolute(void **state)
{
	(void)state;
	check_res(BASE, "HTTP://Other.nl:80/a/./b", "http://other.nl/a/b");
}

static void res_empty_and_fragment(void **state)
{
	(void)state;
	check_res(BASE, "", "https://www.utwente.nl/en/organisation/careers/vacancies/index.html?lang=en");
	check_res(BASE, "#apply", "https://www.utwente.nl/en/organisation/careers/vacancies/index.html?lang=en");
	check_res(BASE, "   ", "https://www.utwente.nl/en/organisation/careers/vacancies/index.html?lang=en");
	check_res(BASE, "job.html#apply",
		  "https://www.utwente.nl/en/organisation/careers/vacancies/job.html");
}

static void res_non_http(void **state)
{
	(void)state;
	check_res(BASE, "mailto:jobs@utwente.nl", NULL);
	check_res(BASE, "javascript:void(0)", NULL);
	check_res(BASE, "JavaScript:void(0)", NULL);
	check_res(BASE, "tel:+31534899111", NULL);
	check_res(BASE, "data:text/html,<b>x</b>", NULL);
	check_res(BASE, "ftp://ftp.example.com/", NULL);
	check_res("mailto:x@y", "/a", NULL);
	check_res("not a url", "/a", NULL);
}

static void res_whitespace_in_href(void **state)
{
	(void)state;
	check_res("https://ex.com/a/", "\n  vacature 12.html\t ", "https://ex.com/a/vacature%2012.html");
	check_res("https://ex.com/a/", "\\b\\c", "https://ex.com/b/c");
}

static void res_dot_segments_above_root(void **state)
{
	(void)state;
	check_res("https://ex.com/a/b", "../../../../x", "https://ex.com/x");
}

static void res_tracking_stripped(void **state)
{
	(void)state;
	check_res("https://ex.com/", "/job/1?utm_campaign=x&id=1", "https://ex.com/job/1?id=1");
}

static void parts_host_port(void **state)
{
	char *h;

	(void)state;
	h = url_host("https://WWW.UTwente.nl:8443/x");
	assert_string_equal(h, "www.utwente.nl");
	free(h);
	assert_null(url_host("mailto:x@y"));
	assert_int_equal(url_port("https://ex.com/"), 443);
	assert_int_equal(url_port("http://ex.com/"), 80);
	assert_int_equal(url_port("http://ex.com:8080/"), 8080);
	assert_int_equal(url_port("http://ex.com:80/"), 80);
	assert_int_equal(url_port("gopher://ex.com/"), -1);
}

static void parts_path_query_origin(void **state)
{
	char *s;

	(void)state;
	s = url_path_query("https://ex.com/a/b?x=1&utm_source=y#f");
	assert_string_equal(s, "/a/b?x=1");
	free(s);
	s = url_path_query("https://ex.com");
	assert_string_equal(s, "/");
	free(s);
	s = url_origin("HTTPS://u:p@Ex.com:443/a?b");
	assert_string_equal(s, "https://ex.com");
	free(s);
	s = url_origin("http://ex.com:8080/a");
	assert_string_equal(s, "http://ex.com:8080");
	free(s);
	assert_null(url_origin("file:///etc/passwd"));
}

static void trap_length(void **state)
{
	char *u = malloc(2100), why[64];

	(void)state;
	assert_non_null(u);
	memcpy(u, "http://ex.com/", 14);
	memset(u + 14, 'a', 2080);
	u[2094] = '\0';
	assert_true(url_is_trap_at(u, 2026, 12, why, sizeof(why)));
	assert_non_null(strstr(why, "2048"));
	free(u);
}

static void trap_repeated_segment(void **state)
{
	char why[80];

	(void)state;
	assert_true(url_is_trap_at("http://ex.com/a/b/a/b/a/b", 2026, 12, why, sizeof(why)));
	assert_non_null(strstr(why, "repeats"));
	assert_false(url_is_trap_at("http://ex.com/a/b/a/c", 2026, 12, why, sizeof(why)));
	assert_string_equal(why, "");
}

static void trap_many_params(void **state)
{
	(void)state;
	assert_true(url_is_trap_at("http://ex.com/?a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&i=9&j=10&k=11",
				   2026, 12, NULL, 0));
	assert_false(url_is_trap_at("http://ex.com/?a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&i=9&j=10",
				    2026, 12, NULL, 0));
}

static void trap_calendar(void **state)
{
	char why[80];

	(void)state;
	assert_true(url_is_trap_at("http://ex.com/agenda/2031/05/", 2026, 12, why, sizeof(why)));
	assert_non_null(strstr(why, "calendar"));
	assert_true(url_is_trap_at("http://ex.com/events/2019-01", 2026, 12, NULL, 0));
	assert_true(url_is_trap_at("http://ex.com/cal?year=2035&month=1", 2026, 12, NULL, 0));
	assert_true(url_is_trap_at("http://ex.com/cal?date=2040-02-01", 2026, 12, NULL, 0));
	assert_false(url_is_trap_at("http://ex.com/agenda/2027/03/", 2026, 12, NULL, 0));
	assert_false(url_is_trap_at("http://ex.com/cal?jaar=2027&maand=6", 2026, 12, NULL, 0));
	/* a slug or an id is not a calendar */
	assert_false(url_is_trap_at("http://ex.com/vacatures/2019-12345", 2026, 12, NULL, 0));
	assert_false(url_is_trap_at("http://ex.com/vacatures/2023-05-medewerker-hr", 2026, 12, NULL, 0));
}

static void trap_ordinary_pages(void **state)
{
	(void)state;
	assert_false(url_is_trap_at(BASE, 2026, 12, NULL, 0));
	assert_false(url_is_trap_at("https://werkenbij.thales.nl/vacatures?page=4&sort=date",
				    2026, 12, NULL, 0));
	assert_false(url_is_trap("https://ex.com/jobs/", NULL, 0));
	assert_true(url_is_trap("not a url", NULL, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(norm_case_scheme_host),
		cmocka_unit_test(norm_default_port),
		cmocka_unit_test(norm_bad_port),
		cmocka_unit_test(norm_dot_segments),
		cmocka_unit_test(norm_empty_path),
		cmocka_unit_test(norm_fragment),
		cmocka_unit_test(norm_percent_unreserved),
		cmocka_unit_test(norm_tracking),
		cmocka_unit_test(norm_ref_kept),
		cmocka_unit_test(norm_query_order_and_empty),
		cmocka_unit_test(norm_jsessionid_path),
		cmocka_unit_test(norm_whitespace_and_unsafe),
		cmocka_unit_test(norm_host_rules),
		cmocka_unit_test(norm_rejects_other_schemes),
		cmocka_unit_test(norm_userinfo_kept),
		cmocka_unit_test(norm_too_long),
		cmocka_unit_test(norm_idempotent),
		cmocka_unit_test(res_relative),
		cmocka_unit_test(res_scheme_relative),
		cmocka_unit_test(res_absolute),
		cmocka_unit_test(res_empty_and_fragment),
		cmocka_unit_test(res_non_http),
		cmocka_unit_test(res_whitespace_in_href),
		cmocka_unit_test(res_dot_segments_above_root),
		cmocka_unit_test(res_tracking_stripped),
		cmocka_unit_test(parts_host_port),
		cmocka_unit_test(parts_path_query_origin),
		cmocka_unit_test(trap_length),
		cmocka_unit_test(trap_repeated_segment),
		cmocka_unit_test(trap_many_params),
		cmocka_unit_test(trap_calendar),
		cmocka_unit_test(trap_ordinary_pages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
