/*
 * test_feeds.c - spider/feeds.{c,h}: Recruitee, Greenhouse, Lever,
 * Personio and SmartRecruiters feeds into postings; default feed URLs;
 * malformed, hostile and oversized feeds.  Fixtures are in
 * tests/data/feeds/ (written for these tests in each ATS's public format,
 * with Dutch, English and German postings).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "feeds.h"
#include "normalize.h"
#include "paths.h"
#include "rules.h"

#define RECRUITEE_URL "https://tukkersoft.recruitee.com/api/offers/"
#define GREENHOUSE_URL "https://boards-api.greenhouse.io/v1/boards/twentsemedtech/jobs?content=true"
#define LEVER_URL "https://api.lever.co/v0/postings/energietwente?mode=json"
#define PERSONIO_URL "https://grenzland.jobs.personio.de/xml"
#define SR_URL "https://api.smartrecruiters.com/v1/companies/TwenteCoatings/postings"

/* ---- helpers ---- */

static char *load(const char *name, size_t *len)
{
	char path[PATH_MAX + 64], exe[PATH_MAX];
	char *data = NULL;
	ssize_t n;

	snprintf(path, sizeof(path), "tests/data/feeds/%s", name);
	if (access(path, R_OK) != 0 && (n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) > 0) {
		exe[n] = '\0';
		*strrchr(exe, '/') = '\0';
		snprintf(path, sizeof(path), "%s/../../tests/data/feeds/%s", exe, name);
	}
	if (tj_read_file(path, 1 << 26, &data, len))
		fail_msg("%s", tj_errmsg());
	return data;
}

/* An ATS rule for strategy ats; extra is more JSON members or "". */
static struct rule *ats_rule(const char *ats, const char *feed)
{
	char json[512];
	struct rule *r = NULL;

	snprintf(json, sizeof(json), "{\"id\": \"%s-test\", \"employer\": \"Rule Employer\","
		 " \"strategy\": \"%s\", \"feed\": %s}", ats, ats, feed);
	if (rule_load_buffer("t.json", json, strlen(json), &r))
		fail_msg("rule: %s", tj_errmsg());
	return r;
}

/* Extract a fixture with its ATS's rule; expect success. */
static void run_file(const char *ats, const char *file, const char *url, struct page_result *out)
{
	struct rule *r = ats_rule(ats, "{\"company\": \"acme\"}");
	size_t len;
	char *body = load(file, &len);

	if (feed_extract(r, body, len, url, out))
		fail_msg("feed_extract(%s): %s", file, tj_errmsg());
	free(body);
	rule_free(r);
}

/* Extract text with ats's rule; expect code and a message containing msg. */
static void expect_error(const char *ats, const char *text, size_t len, enum tj_code code,
			 const char *msg)
{
	struct rule *r = ats_rule(ats, "{\"company\": \"acme\"}");
	struct page_result out;

	assert_int_equal(feed_extract(r, text, len, "https://acme.example/feed", &out), code);
	if (!strstr(tj_errmsg(), msg))
		fail_msg("message '%s' lacks '%s'", tj_errmsg(), msg);
	page_result_release(&out);
	rule_free(r);
}

static void expect_file_error(const char *ats, const char *file, enum tj_code code, const char *msg)
{
	size_t len;
	char *body = load(file, &len);

	expect_error(ats, body, len, code, msg);
	free(body);
}

static const char *warning(const struct page_result *r, size_t i)
{
	return json_string_value(json_array_get(r->warnings, i));
}

/* ---- default URLs and sniffing ---- */

static void default_urls(void **state)
{
	static const char *const want[][2] = {
		{ "recruitee", "https://acme.recruitee.com/api/offers/" },
		{ "greenhouse", "https://boards-api.greenhouse.io/v1/boards/acme/jobs?content=true" },
		{ "lever", "https://api.lever.co/v0/postings/acme?mode=json" },
		{ "personio", "https://acme.jobs.personio.de/xml" },
		{ "smartrecruiters", "https://api.smartrecruiters.com/v1/companies/acme/postings" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct rule *r = ats_rule(want[i][0], "{\"company\": \"acme\"}");
		char *u = feed_default_url(r);

		assert_non_null(u);
		assert_string_equal(u, want[i][1]);
		free(u);
		rule_free(r);
	}
}

static void url_overrides_company(void **state)
{
	struct rule *r = ats_rule("personio", "{\"company\": \"acme\", \"url\": \"https://acme.jobs.personio.com/xml?language=en\"}");
	char *u = feed_default_url(r);

	(void)state;
	assert_string_equal(u, "https://acme.jobs.personio.com/xml?language=en");
	free(u);
	rule_free(r);
}

static void default_url_not_ats(void **state)
{
	static const char json[] = "{\"id\": \"x\", \"employer\": \"E\", \"start_urls\": [\"https://x.example/\"]}";
	struct rule *r = NULL;
	struct page_result out;

	(void)state;
	assert_int_equal(rule_load_buffer("x.json", json, strlen(json), &r), TJ_OK);
	assert_null(feed_default_url(r));
	assert_string_equal(tj_errmsg(), "'x' is not an ATS feed rule");
	assert_int_equal(feed_extract(r, "{}", 2, "https://x.example/", &out), TJ_EINVAL);
	page_result_release(&out);
	rule_free(r);
}

static void accept_types(void **state)
{
	struct rule *p = ats_rule("personio", "{\"company\": \"a\"}");
	struct rule *g = ats_rule("greenhouse", "{\"company\": \"a\"}");

	(void)state;
	assert_string_equal(feed_accept_types(p)[0], "application/xml");
	assert_string_equal(feed_accept_types(g)[0], "application/json");
	rule_free(p);
	rule_free(g);
}

static void looks_like_feed(void **state)
{
	(void)state;
	assert_true(feed_looks_like_feed("{\"offers\": []}", 14));
	assert_true(feed_looks_like_feed("\xef\xbb\xbf\n  [1]", 9));
	assert_true(feed_looks_like_feed("<?xml version=\"1.0\"?>\n<workzag-jobs/>", 37));
	assert_true(feed_looks_like_feed("<workzag-jobs></workzag-jobs>", 29));
	assert_false(feed_looks_like_feed("<!DOCTYPE html><html><body>", 27));
	assert_false(feed_looks_like_feed("<?xml version=\"1.0\"?><html xmlns=\"x\">", 37));
	assert_false(feed_looks_like_feed("  <html>", 8));
	assert_false(feed_looks_like_feed("", 0));
	assert_false(feed_looks_like_feed("Not Found", 9));
}

/* ---- Recruitee ---- */

static void recruitee_offers(void **state)
{
	struct page_result r;
	struct posting *p;

	(void)state;
	run_file("recruitee", "recruitee.json", RECRUITEE_URL, &r);
	assert_int_equal(r.n_postings, 3);
	assert_int_equal(r.n_links, 0);
	p = &r.postings[0];
	assert_string_equal(p->title, "Embedded Software Engineer");
	assert_string_equal(p->url, "https://tukkersoft.recruitee.com/o/embedded-software-engineer");
	assert_string_equal(p->ext_id, "1843201");
	assert_string_equal(p->employer, "Tukker Soft B.V.");
	assert_string_equal(p->location, "Enschede");
	assert_string_equal(p->region, "Overijssel");
	assert_string_equal(p->country, "NL");
	assert_string_equal(p->date_posted, "2026-11-02");      /* published_at */
	assert_string_equal(p->valid_through, "2027-01-31");
	assert_string_equal(p->employment_type, "FULL_TIME");
	assert_true(p->hours_min == 36 && p->hours_max == 40);
	assert_true(p->salary_min == 4200 && p->salary_max == 5600);
	assert_string_equal(p->salary_currency, "EUR");
	assert_string_equal(p->salary_period, "MONTH");
	assert_string_equal(p->education, "hbo");
	assert_string_equal(p->remote, "hybrid");
	assert_string_equal(p->extraction, "feed:recruitee");
	assert_string_equal(p->source_id, "recruitee-test");
	/* description and requirements, as plain text */
	assert_non_null(strstr(p->description, "As an Embedded Software Engineer you write C"));
	assert_non_null(strstr(p->description, "\n- Design and implement drivers"));
	assert_non_null(strstr(p->description, "Dutch is not required."));
	assert_null(strchr(p->description, '<'));
	page_result_release(&r);
}

static void recruitee_derived_url_and_flags(void **state)
{
	struct page_result r;

	(void)state;
	run_file("recruitee", "recruitee.json", RECRUITEE_URL, &r);
	/* no careers_url: origin + /o/ + slug */
	assert_string_equal(r.postings[1].url, "https://tukkersoft.recruitee.com/o/medewerker-klantenservice");
	assert_string_equal(r.postings[1].employment_type, "PART_TIME");
	assert_string_equal(r.postings[1].remote, "onsite");
	assert_string_equal(r.postings[1].date_posted, "2026-11-11");
	assert_true(r.postings[1].salary_min == 2650);
	assert_string_equal(r.postings[2].url, "https://tukkersoft.recruitee.com/o/afstudeeropdracht-machine-learning");
	assert_string_equal(r.postings[2].employment_type, "INTERN");
	assert_string_equal(r.postings[2].remote, "remote");
	assert_string_equal(r.postings[2].date_posted, "2026-11-20");  /* created_at */
	/* the draft without a title */
	assert_int_equal(json_array_size(r.warnings), 1);
	assert_string_equal(warning(&r, 0), "recruitee feed: entry 4 has no title; skipped");
	page_result_release(&r);
}

static void recruitee_normalised(void **state)
{
	struct page_result r;

	(void)state;
	run_file("recruitee", "recruitee.json", RECRUITEE_URL, &r);
	assert_int_equal(normalize_posting(&r.postings[1]), TJ_OK);
	assert_string_equal(r.postings[1].municipality, "Hengelo");
	assert_int_equal(r.postings[1].twente, 1);
	page_result_release(&r);
}

/* ---- Greenhouse ---- */

static void greenhouse_jobs(void **state)
{
	struct page_result r;
	struct posting *p;

	(void)state;
	run_file("greenhouse", "greenhouse.json", GREENHOUSE_URL, &r);
	assert_int_equal(r.n_postings, 3);
	p = &r.postings[0];
	assert_string_equal(p->title, "Quality Engineer Medical Devices");
	assert_string_equal(p->url, "https://boards.greenhouse.io/twentsemedtech/jobs/4410021");
	assert_string_equal(p->ext_id, "4410021");
	assert_string_equal(p->employer, "Twentse MedTech");
	assert_string_equal(p->date_posted, "2026-11-03");      /* first_published */
	assert_string_equal(p->employment_type, "FULL_TIME");   /* metadata */
	assert_string_equal(p->location, "Enschede, Netherlands");
	/* entity-escaped HTML comes out as text */
	assert_non_null(strstr(p->description, "About the role\n\nYou make sure"));
	assert_null(strstr(p->description, "&lt;"));
	assert_null(strchr(p->description, '<'));
	assert_string_equal(p->extraction, "feed:greenhouse");
	p = &r.postings[1];
	assert_string_equal(p->employer, "Rule Employer");     /* the feed names none */
	assert_string_equal(p->date_posted, "2026-11-20");      /* updated_at */
	/* "Oldenzaal" and the office "Oldenzaal, Netherlands" are one place */
	assert_string_equal(p->location_raw, "Oldenzaal; Enschede, Netherlands");
	assert_null(p->employment_type);
	page_result_release(&r);
}

/* ---- Lever ---- */

static void lever_postings(void **state)
{
	struct page_result r;
	struct posting *p;

	(void)state;
	run_file("lever", "lever.json", LEVER_URL, &r);
	assert_int_equal(r.n_postings, 3);
	p = &r.postings[0];
	assert_string_equal(p->title, "Data Engineer");
	assert_string_equal(p->url, "https://jobs.lever.co/energietwente/5b1f3f2e-8a0c-4c1e-9d55-0f6a2f6f9b01");
	assert_string_equal(p->date_posted, "2026-11-05");      /* createdAt in ms */
	assert_string_equal(p->employment_type, "FULL_TIME");
	assert_string_equal(p->location, "Enschede");
	assert_string_equal(p->location_raw, "Enschede; Amsterdam");
	assert_string_equal(p->country, "NL");
	assert_string_equal(p->remote, "hybrid");
	assert_true(p->salary_min == 52000 && p->salary_max == 68000);
	assert_string_equal(p->salary_period, "YEAR");
	assert_non_null(strstr(p->description, "What you will do\n\n- Build and run data pipelines"));
	assert_non_null(strstr(p->description, "26 vacation days"));
	/* descriptionPlain only: its line break survives, as text */
	p = &r.postings[1];
	assert_string_equal(p->description, "Je plant de onderhoudsbeurten van onze warmtepompen.\nJe werkt 24 uur per week.");
	assert_string_equal(p->employment_type, "PART_TIME");
	assert_string_equal(p->remote, "onsite");
	assert_string_equal(r.postings[2].employment_type, "INTERN");
	assert_string_equal(r.postings[2].remote, "remote");
	page_result_release(&r);
}

/* ---- Personio ---- */

static void personio_positions(void **state)
{
	struct page_result r;
	struct posting *p;

	(void)state;
	run_file("personio", "personio.xml", PERSONIO_URL, &r);
	assert_int_equal(r.n_postings, 3);
	p = &r.postings[0];
	assert_string_equal(p->title, "Disponent (m/w/d) Nahverkehr");
	assert_string_equal(p->url, "https://grenzland.jobs.personio.de/job/1503201");
	assert_string_equal(p->ext_id, "1503201");
	assert_string_equal(p->employer, "Grenzland Logistik GmbH");
	assert_string_equal(p->location, "Gronau (Westf.)");
	assert_string_equal(p->location_raw, "Gronau (Westf.); Enschede");
	assert_string_equal(p->employment_type, "FULL_TIME");
	assert_string_equal(p->date_posted, "2026-11-05");
	assert_string_equal(p->extraction, "feed:personio");
	/* sections with their headings; HTML entities inside CDATA decoded */
	assert_non_null(strstr(p->description, "Ihre Aufgaben\n\n- Planung und Steuerung"));
	assert_non_null(strstr(p->description, "Ansprechpartner f\xc3\xbcr Fahrer"));
	assert_non_null(strstr(p->description, "Ihr Profil\n\nAbgeschlossene Ausbildung"));
	/* escaped HTML (no CDATA) reads the same */
	p = &r.postings[1];
	assert_string_equal(p->employment_type, "TEMPORARY");
	assert_string_equal(p->description, "Wat ga je doen?\n\nJe verzamelt orders en laadt vrachtwagens. 20-24 uur per week.");
	p = &r.postings[2];
	assert_string_equal(p->employment_type, "PART_TIME");  /* working_student */
	assert_string_equal(p->employer, "Rule Employer");
	assert_null(p->description);
	assert_int_equal(json_array_size(r.warnings), 0);
	page_result_release(&r);
}

static void personio_entities_not_expanded(void **state)
{
	struct page_result r;

	(void)state;
	/* external entities are never loaded (and internal ones not expanded) */
	run_file("personio", "personio-xxe.xml", PERSONIO_URL, &r);
	assert_int_equal(r.n_postings, 1);
	assert_string_equal(r.postings[0].title, "Leak [] [] & Fahrer");
	page_result_release(&r);
	/* an expansion bomb is refused by libxml2 */
	expect_file_error("personio", "personio-entities.xml", TJ_EPARSE, "personio feed: line ");
}

/* ---- SmartRecruiters ---- */

static void smartrecruiters_postings(void **state)
{
	struct page_result r;
	struct posting *p;

	(void)state;
	run_file("smartrecruiters", "smartrecruiters.json", SR_URL, &r);
	assert_int_equal(r.n_postings, 2);
	p = &r.postings[0];
	assert_string_equal(p->title, "Process Engineer Coatings");
	assert_string_equal(p->url, "https://jobs.smartrecruiters.com/TwenteCoatings/744000091234567");
	assert_string_equal(p->employer, "Twente Coatings");
	assert_string_equal(p->location, "Hengelo");
	assert_string_equal(p->region, "Overijssel");
	assert_string_equal(p->date_posted, "2026-11-06");
	assert_string_equal(p->employment_type, "FULL_TIME");
	assert_non_null(strstr(p->description, "Job Description\n\nYou improve our curing lines"));
	assert_null(p->remote);
	assert_string_equal(r.postings[1].employment_type, "TEMPORARY");       /* "Tijdelijk" */
	assert_null(r.postings[1].description);
	page_result_release(&r);
}

/* ---- malformed and hostile feeds ---- */

static void malformed_json(void **state)
{
	(void)state;
	expect_file_error("recruitee", "recruitee-truncated.json", TJ_EPARSE,
			  "recruitee feed: line 1 column 87: '}' expected near end of file");
	expect_file_error("greenhouse", "greenhouse-wrong-shape.json", TJ_EPARSE,
			  "greenhouse feed: expected an object with a \"jobs\" array");
	expect_file_error("lever", "lever-error.json", TJ_EPARSE,
			  "lever feed: expected an array of postings (the API answered with an error object)");
	expect_error("smartrecruiters", "[]", 2, TJ_EPARSE,
		     "smartrecruiters feed: expected an object with a \"content\" array");
	expect_error("recruitee", "", 0, TJ_EPARSE, "recruitee feed: line 1 column 0:");
	expect_error("recruitee", "<html><body>Not found</body></html>", 35, TJ_EPARSE,
		     "recruitee feed: line 1 column 1: '[' or '{' expected near '<'");
}

static void malformed_xml(void **state)
{
	(void)state;
	expect_file_error("personio", "personio-broken.xml", TJ_EPARSE,
			  "personio feed: line 5: Opening and ending tag mismatch: name line 5 and nam");
	expect_file_error("personio", "personio-wrong-root.xml", TJ_EPARSE,
			  "personio feed: root element is <rss>, expected <workzag-jobs>");
	expect_error("personio", "{\"offers\": []}", 14, TJ_EPARSE, "personio feed: line 1:");
}

static void entries_of_wrong_type(void **state)
{
	static const char feed[] = "{\"offers\": [1, \"x\", {\"title\": \"T\", \"careers_url\": \"https://a.example/o/t\"},"
				   " {\"title\": \"No URL\"}]}";
	struct rule *r = ats_rule("recruitee", "{\"url\": \"https://jobs.example.nl/api/offers/\"}");
	struct page_result out;

	(void)state;
	assert_int_equal(feed_extract(r, feed, strlen(feed), "https://jobs.example.nl/api/offers/", &out), TJ_OK);
	assert_int_equal(out.n_postings, 1);
	assert_int_equal(json_array_size(out.warnings), 3);
	assert_string_equal(warning(&out, 0), "recruitee feed: entry 1 is not an object; skipped");
	assert_string_equal(warning(&out, 2), "recruitee feed: entry 4 has no URL; skipped");
	page_result_release(&out);
	rule_free(r);
}

static void bad_feed_url(void **state)
{
	(void)state;
	expect_error("lever", "[]", 2, TJ_OK, "");
	{
		struct rule *r = ats_rule("lever", "{\"company\": \"a\"}");
		struct page_result out;

		assert_int_equal(feed_extract(r, "[]", 2, "ftp://x/", &out), TJ_EINVAL);
		assert_string_equal(tj_errmsg(), "lever feed: 'ftp://x/' is not an http(s) URL");
		page_result_release(&out);
		rule_free(r);
	}
}

static void too_big(void **state)
{
	size_t n = FEED_MAX_BYTES + 1;
	char *big = malloc(n);

	(void)state;
	assert_non_null(big);
	memset(big, ' ', n);
	big[0] = '[';
	expect_error("lever", big, n, TJ_ETOOBIG, "lever feed: 20971521 bytes; at most 20971520 are read");
	free(big);
}

static void capped_and_deduplicated(void **state)
{
	struct rule *r = ats_rule("greenhouse", "{\"company\": \"a\"}");
	struct page_result out;
	struct buf b;

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(buf_adds(&b, "{\"jobs\": ["), TJ_OK);
	/* job 0 twice: one posting */
	assert_int_equal(buf_adds(&b, "{\"title\": \"Job 0\", \"absolute_url\": \"https://x.example/j/0\"},"), TJ_OK);
	for (int i = 0; i < FEED_MAX_POSTINGS + 10; i++)
		assert_int_equal(buf_addf(&b, "%s{\"title\": \"Job %d\", \"absolute_url\": \"https://x.example/j/%d\","
					  " \"location\": {\"name\": \"Enschede\"}}", i ? "," : "", i, i), TJ_OK);
	assert_int_equal(buf_adds(&b, "]}"), TJ_OK);
	assert_int_equal(feed_extract(r, b.data, b.len, "https://x.example/feed", &out), TJ_OK);
	assert_int_equal(out.n_postings, FEED_MAX_POSTINGS);
	assert_string_equal(out.postings[1].title, "Job 1");
	assert_string_equal(warning(&out, 0), "greenhouse feed: more than 5000 postings; the rest are ignored");
	page_result_release(&out);
	buf_release(&b);
	rule_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(default_urls),
		cmocka_unit_test(url_overrides_company),
		cmocka_unit_test(default_url_not_ats),
		cmocka_unit_test(accept_types),
		cmocka_unit_test(looks_like_feed),
		cmocka_unit_test(recruitee_offers),
		cmocka_unit_test(recruitee_derived_url_and_flags),
		cmocka_unit_test(recruitee_normalised),
		cmocka_unit_test(greenhouse_jobs),
		cmocka_unit_test(lever_postings),
		cmocka_unit_test(personio_positions),
		cmocka_unit_test(personio_entities_not_expanded),
		cmocka_unit_test(smartrecruiters_postings),
		cmocka_unit_test(malformed_json),
		cmocka_unit_test(malformed_xml),
		cmocka_unit_test(entries_of_wrong_type),
		cmocka_unit_test(bad_feed_url),
		cmocka_unit_test(too_big),
		cmocka_unit_test(capped_and_deduplicated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
