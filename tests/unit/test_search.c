/*
 * test_search.c - query translation (pure), the tj_stem tokenizer, filters,
 * facets, ranking and cursors against a real temporary database.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <jansson.h>

#include "fixture.h"
#include "routes.h"
#include "search.h"

/* ---- translation ---------------------------------------------------- */

/*
 * Expected FTS5 text is written in a shorthand: <w> is one term, searched
 * with each stemmer, ("\x01w" OR "\x02w"); <w*> is the last word while
 * typing, ("w"* OR "\x01w" OR "\x02w").
 */
static char *expand(const char *s)
{
	struct buf b;

	buf_init(&b, 0);
	for (; *s; s++) {
		const char *close = *s == '<' ? strchr(s, '>') : NULL;

		if (!close) {
			assert_int_equal(buf_addc(&b, *s), TJ_OK);
			continue;
		}
		/* a word ending in '*' inside <> is a prefix term */
		{
			int n = (int)(close - s - 1);
			bool star = n > 0 && s[n] == '*';

			if (star)
				n--;
			if (star)
				assert_int_equal(buf_addf(&b, "(\"%.*s\"* OR ", n, s + 1), TJ_OK);
			else
				assert_int_equal(buf_addc(&b, '('), TJ_OK);
			assert_int_equal(buf_addf(&b, "\"\x01%.*s\" OR \"\x02%.*s\")", n, s + 1, n, s + 1),
					 TJ_OK);
		}
		s = close;
	}
	return buf_detach(&b, NULL);
}

struct tcase {
	const char *in;
	const char *match;      /* NULL: no positive part; shorthand above */
	const char *exclude;    /* NULL: nothing excluded */
	const char *understood;
};

static const struct tcase cases[] = {
	{ "", NULL, NULL, "" },
	{ "   ", NULL, NULL, "" },
	{ "python", "<python*>", NULL, "python*" },
	{ "python ", "<python>", NULL, "python" },
	{ "software engineer", "<software> AND <engineer*>", NULL,
	  "software engineer*" },
	{ "software engineer ", "<software> AND <engineer>", NULL, "software engineer" },
	{ "\"data science\"", "<data science>", NULL, "\"data science\"" },
	{ "\"data science", "<data science>", NULL, "\"data science\"" },       /* unbalanced */
	{ "\"", NULL, NULL, "" },
	{ "\"\"", NULL, NULL, "" },
	{ "\"\"\"", NULL, NULL, "" },
	{ "java OR kotlin ", "(<java> OR <kotlin>)", NULL, "(java OR kotlin)" },
	{ "java OR kotlin developer ", "(<java> OR <kotlin>) AND <developer>", NULL,
	  "(java OR kotlin) developer" },
	{ "OR java ", "<java>", NULL, "java" },                               /* dangling OR */
	{ "java OR", "<java>", NULL, "java" },
	{ "java or kotlin ", "<java> AND <or> AND <kotlin>", NULL, "java or kotlin" },
	{ "developer -senior", "(<developer>) NOT (<senior>)", "<senior>",
	  "developer -senior" },
	{ "developer -\"team lead\"", "(<developer>) NOT (<team lead>)", "<team lead>",
	  "developer -\"team lead\"" },
	{ "-senior", NULL, "<senior>", "-senior" },
	{ "- senior ", "<senior>", NULL, "senior" },                           /* lone dash */
	{ "*", NULL, NULL, "" },
	{ "^", NULL, NULL, "" },
	{ "python*", "<python**>", NULL, "python**" },
	{ "NEAR(a b) ", "<NEAR(a> AND <b)>", NULL, "NEAR(a b)" },
	{ "NEAR(", "<NEAR(*>", NULL, "NEAR(*" },
	{ "a AND b NOT c ", "<a> AND <AND> AND <b> AND <NOT> AND <c>", NULL,
	  "a AND b NOT c" },
	{ "'; DROP TABLE jobs; -- ", "<DROP> AND <TABLE> AND <jobs;>", NULL,
	  "DROP TABLE jobs;" },
	{ "title:engineer ", "<title:engineer>", NULL, "title:engineer" },
	{ "{title}: x ", "<{title}:> AND <x>", NULL, "{title}: x" },
	{ "^engineer ", "<^engineer>", NULL, "^engineer" },
	{ "c++ c# ", "<c++> AND <c#>", NULL, "c++ c#" },
	{ "Münster ", "<Münster>", NULL, "Münster" },
	{ "€ 50000 ", "<50000>", NULL, "50000" },                              /* symbol dropped */
	{ "tab\there ", "<tab> AND <here>", NULL, "tab here" },
	{ "e", "<e>", NULL, "e" },                                            /* 1 char: no prefix */
	{ "\"open\" ended", "<open> AND <ended*>", NULL, "\"open\" ended*" },
	{ "-", "<-*>", NULL, "-*" },
};

static void test_translate_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct search_query q;
		const struct tcase *c = &cases[i];

		if (!strcmp(c->in, "-")) {
			/* a lone dash has no word characters: dropped */
			assert_int_equal(search_translate(c->in, true, &q), TJ_OK);
			assert_null(q.match);
			search_query_release(&q);
			continue;
		}
		char *match = c->match ? expand(c->match) : NULL;
		char *exclude = c->exclude ? expand(c->exclude) : NULL;

		if (search_translate(c->in, true, &q))
			fail_msg("case %zu [%s]: %s", i, c->in, tj_errmsg());
		if (match == NULL ? q.match != NULL : !q.match || strcmp(q.match, match))
			fail_msg("case %zu [%s]: match [%s], want [%s]", i, c->in,
				 q.match ? q.match : "(null)", match ? match : "(null)");
		if (exclude == NULL ? q.exclude != NULL : !q.exclude || strcmp(q.exclude, exclude))
			fail_msg("case %zu [%s]: exclude [%s], want [%s]", i, c->in,
				 q.exclude ? q.exclude : "(null)", exclude ? exclude : "(null)");
		free(match);
		free(exclude);
		if (strcmp(q.understood, c->understood))
			fail_msg("case %zu [%s]: understood [%s], want [%s]", i, c->in,
				 q.understood, c->understood);
		search_query_release(&q);
	}
}

static void test_translate_no_prefix(void **state)
{
	struct search_query q;

	(void)state;
	assert_int_equal(search_translate("engineer", false, &q), TJ_OK);
	assert_string_equal(q.match, "(\"\x01" "engineer\" OR \"\x02" "engineer\")");
	assert_string_equal(q.suggest, "{title} : ((\"\x01" "engineer\" OR \"\x02" "engineer\"))");
	assert_null(q.probe);
	search_query_release(&q);
	assert_int_equal(search_translate("engineer", true, &q), TJ_OK);
	assert_string_equal(q.probe, "(\"\x01" "engineer\" OR \"\x02" "engineer\")");
	search_query_release(&q);
	assert_int_equal(search_translate(NULL, true, &q), TJ_OK);
	assert_null(q.match);
	search_query_release(&q);
}

static void test_translate_errors(void **state)
{
	struct search_query q;
	char big[SEARCH_MAX_QUERY + 2];
	struct buf b;

	(void)state;
	/* invalid UTF-8: a lone continuation byte, a truncated sequence, an overlong '/' */
	assert_int_equal(search_translate("caf\x80", true, &q), TJ_EINVAL);
	assert_non_null(strstr(tj_errmsg(), "'q'"));
	assert_int_equal(search_translate("caf\xc3", true, &q), TJ_EINVAL);
	assert_int_equal(search_translate("\xc0\xaf", true, &q), TJ_EINVAL);
	assert_int_equal(search_translate("\xed\xa0\x80", true, &q), TJ_EINVAL);  /* surrogate */
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(search_translate(big, true, &q), TJ_EINVAL);
	assert_non_null(strstr(tj_errmsg(), "too long"));
	/* 1000 terms */
	buf_init(&b, 0);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(buf_adds(&b, "x "), TJ_OK);
	assert_int_equal(search_translate(buf_str(&b), true, &q), TJ_EINVAL);
	/* the byte limit comes first for 1000 two-byte terms; check the term limit too */
	buf_reset(&b);
	for (int i = 0; i < SEARCH_MAX_TERMS + 1; i++)
		assert_int_equal(buf_adds(&b, "x "), TJ_OK);
	assert_int_equal(search_translate(buf_str(&b), true, &q), TJ_EINVAL);
	assert_non_null(strstr(tj_errmsg(), "too many terms"));
	buf_release(&b);
}

static void test_html_escape(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(search_html_escape(&b, "<b>\x01" "C&A\x02 \"x\" 'y'\x01open"), TJ_OK);
	assert_string_equal(buf_str(&b),
			    "&lt;b&gt;<mark>C&amp;A</mark> &quot;x&quot; &#39;y&#39;<mark>open</mark>");
	buf_reset(&b);
	assert_int_equal(search_html_escape(&b, "\x02\x02no\x01\x01mark\x02\x02"), TJ_OK);
	assert_string_equal(buf_str(&b), "no<mark>mark</mark>");
	buf_reset(&b);
	assert_int_equal(search_html_escape(&b, "a.\n\n- b \t c"), TJ_OK);
	assert_string_equal(buf_str(&b), "a. - b c");
	buf_release(&b);
}

static void test_parse_date(void **state)
{
	(void)state;
	assert_int_equal(search_parse_date("1970-01-01"), 0);
	assert_int_equal(search_parse_date("2024-02-29"), 19782);
	assert_int_equal(search_parse_date("2023-02-29"), -1);
	assert_int_equal(search_parse_date("2024-13-01"), -1);
	assert_int_equal(search_parse_date("2024-1-01"), -1);
	assert_int_equal(search_parse_date(NULL), -1);
}

/* ---- parameters ----------------------------------------------------- */

static void test_params(void **state)
{
	struct search_params p;

	(void)state;
	search_params_init(&p);
	assert_int_equal(search_params_set(&p, "intl", "maybee"), TJ_EINVAL);
	assert_non_null(strstr(tj_errmsg(), "'intl'"));
	assert_non_null(strstr(tj_errmsg(), "'maybee'"));
	assert_int_equal(search_params_set(&p, "limit", "0"), TJ_EINVAL);
	assert_int_equal(search_params_set(&p, "limit", "101"), TJ_EINVAL);
	assert_int_equal(search_params_set(&p, "limit", "5x"), TJ_EINVAL);
	assert_int_equal(search_params_set(&p, "limit", "100"), TJ_OK);
	assert_int_equal(p.limit, 100);
	assert_int_equal(search_params_set(&p, "colour", "red"), TJ_ENOTFOUND);
	assert_non_null(strstr(tj_errmsg(), "'colour'"));
	assert_int_equal(search_params_set(&p, "type", "full-time,part_time"), TJ_OK);
	assert_int_equal(p.n_values[SF_TYPE], 2);
	assert_string_equal(p.values[SF_TYPE][0], "FULL_TIME");
	assert_string_equal(p.values[SF_TYPE][1], "PART_TIME");
	assert_int_equal(search_params_set(&p, "lang", "EN"), TJ_OK);
	assert_string_equal(p.values[SF_LANG][0], "en");
	assert_int_equal(search_params_set(&p, "lang", "english"), TJ_EINVAL);
	assert_int_equal(search_params_set(&p, "city", "Enschede, centrum"), TJ_OK);
	assert_string_equal(p.values[SF_CITY][0], "Enschede, centrum");
	assert_int_equal(search_params_set(&p, "posted_since", "2024-02-30"), TJ_EINVAL);
	assert_int_equal(search_params_set(&p, "posted_since", "7d"), TJ_OK);
	assert_int_equal(strlen(p.posted_since), 10);
	assert_int_equal(search_params_set(&p, "sort", "newest"), TJ_EINVAL);
	assert_int_equal(search_params_set(&p, "q", "a"), TJ_OK);
	assert_int_equal(search_params_set(&p, "q", "b"), TJ_EINVAL);
	assert_int_equal(search_params_set(&p, "lang", ""), TJ_OK);     /* empty: no filter */
	assert_int_equal(p.n_values[SF_LANG], 1);
	search_params_release(&p);
}

/* ---- against a database --------------------------------------------- */

struct fx {
	char dir[64];
	struct db *db;
};

static const struct fx_job jobs[] = {
	{ "Software Ontwikkelaar", "Thales", "Hengelo", "Wij zoeken een ervaren ontwikkelaar voor radarsystemen.",
	  "nl", "no", "medior", "FULL_TIME", "onsite", "2026-11-20", NULL, NULL, 1 },
	{ "Senior Software Engineer", "Demcon", "Enschede", "You will design embedded software for medical devices.",
	  "en", "yes", "senior", "FULL_TIME", "hybrid", "2026-11-25", NULL, NULL, 0 },
	{ "Data Engineer", "University of Twente", "Enschede", "Engineers wanted: build data pipelines in Python.",
	  "en", "yes", "junior", "FULL_TIME", "hybrid", "2026-11-28", NULL, NULL, 0 },
	{ "Werkstudent Logistik", "Bentheimer Eisenbahn", "Münster", "Unterstützung im Team Logistik, Deutsch erforderlich.",
	  "de", "maybe", "internship", "PART_TIME", "onsite", "2026-11-01", NULL, NULL, 0 },
	{ "Stagiair Marketing", "Grolsch", "Enschede", "Stage bij marketing, Nederlands vereist.",
	  "nl", "no", "internship", "INTERN", "onsite", "2026-10-15", NULL, NULL, 1 },
	{ "C++ Developer", "Thales", "Hengelo", "Real-time C++ and C# work on <radar> & sonar.",
	  "en", "yes", "medior", "FULL_TIME", "onsite", "2026-11-27", NULL, NULL, 0 },
	{ "Old Engineer Job", "Demcon", "Enschede", "Expired engineer posting.",
	  "en", "yes", "senior", "FULL_TIME", "onsite", "2026-01-01", "expired", NULL, 0 },
};

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	const char *path = fx_db_path(fx->dir, sizeof(fx->dir));

	if (db_open(path, false, &fx->db))
		return -1;
	for (size_t i = 0; i < sizeof(jobs) / sizeof(jobs[0]); i++)
		fx_insert(fx->db, &jobs[i]);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;

	db_close(fx->db);
	fx_rm_dir(fx->dir);
	free(fx);
	return 0;
}

/* Run q with key=value filter pairs (NULL-terminated); return the result. */
static void run(struct db *db, struct search_result *r, const char *q, ...)
{
	struct search_params p;
	const char *k;
	va_list ap;

	search_params_init(&p);
	if (q)
		assert_int_equal(search_params_set(&p, "q", q), TJ_OK);
	va_start(ap, q);
	while ((k = va_arg(ap, const char *)))
		assert_int_equal(search_params_set(&p, k, va_arg(ap, const char *)), TJ_OK);
	va_end(ap);
	assert_int_equal(search_params_finish(&p), TJ_OK);
	if (search_run(db, NULL, &p, r))
		fail_msg("search '%s': %s", q ? q : "", tj_errmsg());
	search_params_release(&p);
}

static bool has_title(const struct search_result *r, const char *title)
{
	for (size_t i = 0; i < r->n_hits; i++)
		if (!strcmp(r->hits[i].title, title))
			return true;
	return false;
}

static void test_stemming(void **state)
{
	struct fx *fx = *state;
	struct search_result r;

	run(fx->db, &r, "ontwikkelaars ", NULL);            /* Dutch plural */
	assert_int_equal(r.total, 1);
	assert_true(has_title(&r, "Software Ontwikkelaar"));
	search_result_release(&r);
	run(fx->db, &r, "engineers ", NULL);                /* English plural */
	assert_int_equal(r.total, 2);
	assert_true(has_title(&r, "Senior Software Engineer"));
	assert_true(has_title(&r, "Data Engineer"));
	search_result_release(&r);
	run(fx->db, &r, "Munster ", NULL);                  /* diacritics folded */
	assert_int_equal(r.total, 1);
	search_result_release(&r);
	run(fx->db, &r, "münster ", NULL);
	assert_int_equal(r.total, 1);
	search_result_release(&r);
	run(fx->db, &r, "c++ ", NULL);                      /* kept as a token */
	assert_int_equal(r.total, 1);
	assert_true(has_title(&r, "C++ Developer"));
	search_result_release(&r);
	run(fx->db, &r, "ontwik", NULL);                    /* prefix, search-as-you-type */
	assert_int_equal(r.total, 1);
	search_result_release(&r);
	run(fx->db, &r, "engineers", NULL);                 /* prefix of a finished word still stems */
	assert_int_equal(r.total, 2);
	search_result_release(&r);
}

/* Dutch and German compounds are found by their job-title head (fts_stem.c). */
static void test_compounds(void **state)
{
	struct fx *fx = *state;
	struct fx_job j = { NULL, "Bolk", "Enschede", "Orderpicken en laden.", "nl", "no",
			    "junior", "FULL_TIME", "onsite", "2026-11-29", NULL, NULL, 1 };
	struct search_result r;

	j.title = "Magazijnmedewerkers gezocht";
	fx_insert(fx->db, &j);
	j.title = "Servicetechniker (m/w/d)";
	fx_insert(fx->db, &j);
	j.title = "Woonbegeleider";
	fx_insert(fx->db, &j);
	j.title = "Xmedewerker";               /* too short a prefix: not a compound */
	fx_insert(fx->db, &j);

	run(fx->db, &r, "medewerker ", NULL);
	assert_int_equal(r.total, 1);
	assert_true(has_title(&r, "Magazijnmedewerkers gezocht"));
	search_result_release(&r);
	run(fx->db, &r, "medewerkers ", NULL);
	assert_int_equal(r.total, 1);
	search_result_release(&r);
	run(fx->db, &r, "medew", NULL);                 /* search-as-you-type */
	assert_true(has_title(&r, "Magazijnmedewerkers gezocht"));
	search_result_release(&r);
	run(fx->db, &r, "magazijnmedewerker ", NULL);   /* the compound itself, still */
	assert_int_equal(r.total, 1);
	search_result_release(&r);
	run(fx->db, &r, "techniker ", NULL);
	assert_int_equal(r.total, 1);
	assert_true(has_title(&r, "Servicetechniker (m/w/d)"));
	search_result_release(&r);
	run(fx->db, &r, "begeleider ", NULL);
	assert_int_equal(r.total, 1);
	search_result_release(&r);
	/* "leider" is not a head: a supervisor is no leader */
	run(fx->db, &r, "leider ", NULL);
	assert_int_equal(r.total, 0);
	search_result_release(&r);
	/* the index stays consistent with the tokenizer */
	assert_int_equal(db_exec(fx->db, "INSERT INTO jobs_fts(jobs_fts, rank) VALUES ('integrity-check', 1)"),
			 TJ_OK);
}

static void test_operators(void **state)
{
	struct fx *fx = *state;
	struct search_result r;

	run(fx->db, &r, "engineer -senior ", NULL);
	assert_int_equal(r.total, 1);
	assert_true(has_title(&r, "Data Engineer"));
	search_result_release(&r);
	run(fx->db, &r, "-engineer ", NULL);                /* exclusion only */
	assert_int_equal(r.total, 4);
	assert_false(has_title(&r, "Data Engineer"));
	search_result_release(&r);
	run(fx->db, &r, "logistik OR marketing ", NULL);
	assert_int_equal(r.total, 2);
	search_result_release(&r);
	run(fx->db, &r, "\"data pipelines\" ", NULL);
	assert_int_equal(r.total, 1);
	search_result_release(&r);
	run(fx->db, &r, "\"pipelines data\" ", NULL);
	assert_int_equal(r.total, 0);
	search_result_release(&r);
	/* expired postings only on request */
	run(fx->db, &r, "expired ", NULL);
	assert_int_equal(r.total, 0);
	search_result_release(&r);
	run(fx->db, &r, "expired ", "include_expired", "1", NULL);
	assert_int_equal(r.total, 1);
	assert_string_equal(r.hits[0].state, "expired");
	search_result_release(&r);
}

static void test_ranking_and_snippets(void **state)
{
	struct fx *fx = *state;
	struct search_result r;

	/* title beats description */
	run(fx->db, &r, "engineer ", NULL);
	assert_int_equal(r.total, 2);
	assert_string_equal(r.hits[0].title, "Data Engineer");   /* title + description */
	search_result_release(&r);
	run(fx->db, &r, "radar ", NULL);
	assert_int_equal(r.total, 1);
	assert_string_equal(r.hits[0].snippet,
			    "Real-time C++ and C# work on &lt;<mark>radar</mark>&gt; &amp; sonar.");
	search_result_release(&r);
	/* browsing: newest first, lead of the description as snippet */
	run(fx->db, &r, NULL, NULL);
	assert_int_equal(r.total, 6);
	assert_string_equal(r.hits[0].title, "Data Engineer");
	assert_string_equal(r.hits[5].title, "Stagiair Marketing");
	assert_string_equal(r.hits[0].snippet, "Engineers wanted: build data pipelines in Python.");
	search_result_release(&r);
}

static int64_t facet(const struct search_result *r, enum search_field f, const char *v)
{
	for (size_t i = 0; i < r->n_facets[f]; i++)
		if (!strcmp(r->facets[f][i].value, v))
			return r->facets[f][i].count;
	return 0;
}

static void test_filters_facets(void **state)
{
	struct fx *fx = *state;
	struct search_result r;

	run(fx->db, &r, NULL, "city", "enschede", NULL);
	assert_int_equal(r.total, 3);
	/* the city facet ignores the city filter; the others apply it */
	assert_int_equal(facet(&r, SF_CITY, "Enschede"), 3);
	assert_int_equal(facet(&r, SF_CITY, "Hengelo"), 2);
	assert_int_equal(facet(&r, SF_CITY, "Münster"), 1);
	assert_int_equal(facet(&r, SF_LANG, "en"), 2);
	assert_int_equal(facet(&r, SF_LANG, "nl"), 1);
	assert_int_equal(facet(&r, SF_LANG, "de"), 0);
	search_result_release(&r);
	run(fx->db, &r, NULL, "city", "Enschede", "lang", "en", NULL);
	assert_int_equal(r.total, 2);
	assert_int_equal(facet(&r, SF_LANG, "nl"), 1);      /* what choosing nl would give */
	assert_int_equal(facet(&r, SF_CITY, "Hengelo"), 1);
	assert_int_equal(facet(&r, SF_INTL, "yes"), 2);
	search_result_release(&r);
	run(fx->db, &r, NULL, "type", "INTERN,PART_TIME", NULL);
	assert_int_equal(r.total, 2);
	search_result_release(&r);
	run(fx->db, &r, NULL, "remote", "hybrid", "level", "senior", NULL);
	assert_int_equal(r.total, 1);
	search_result_release(&r);
	run(fx->db, &r, NULL, "posted_since", "2026-11-25", NULL);
	assert_int_equal(r.total, 3);
	search_result_release(&r);
	run(fx->db, &r, NULL, "employer", "THALES", "intl", "no", NULL);
	assert_int_equal(r.total, 1);
	assert_int_equal(r.hits[0].dutch_required, 1);
	search_result_release(&r);
}

/* advertiser: the posting's own value, else its source's, else employer;
 * a filter and a facet like the others. */
static void test_advertiser(void **state)
{
	struct fx *fx = *state;
	struct search_params p;
	struct search_result r;

	assert_int_equal(db_exec(fx->db,
		"INSERT INTO sources(id, employer, advertiser, updated_at)"
		"  VALUES ('src-agency', 'Olympia', 'agency', 0);"
		"UPDATE jobs SET advertiser = 'agency' WHERE title = 'Data Engineer';"
		/* no own value: the source's */
		"UPDATE jobs SET source_id = 'src-agency' WHERE title = 'Werkstudent Logistik';"
		/* an own value wins over the source's */
		"UPDATE jobs SET source_id = 'src-agency', advertiser = 'employer'"
		"  WHERE title = 'Stagiair Marketing';"), TJ_OK);
	run(fx->db, &r, NULL, "advertiser", "agency", NULL);
	assert_int_equal(r.total, 2);
	for (size_t i = 0; i < r.n_hits; i++)
		assert_string_equal(r.hits[i].advertiser, "agency");
	/* the facet ignores its own filter */
	assert_int_equal(facet(&r, SF_ADVERTISER, "agency"), 2);
	assert_int_equal(facet(&r, SF_ADVERTISER, "employer"), 4);
	search_result_release(&r);
	run(fx->db, &r, NULL, "advertiser", "employer", NULL);
	assert_int_equal(r.total, 4);
	for (size_t i = 0; i < r.n_hits; i++)
		assert_string_equal(r.hits[i].advertiser, "employer");
	search_result_release(&r);
	run(fx->db, &r, "engineer ", "advertiser", "employer,agency", "lang", "en", NULL);
	assert_int_equal(r.total, 2);
	assert_int_equal(facet(&r, SF_ADVERTISER, "agency"), 1);
	search_result_release(&r);

	search_params_init(&p);
	assert_int_equal(search_params_set(&p, "advertiser", "recruiter"), TJ_EINVAL);
	assert_non_null(strstr(tj_errmsg(), "'advertiser'"));
	assert_non_null(strstr(tj_errmsg(), "'recruiter'"));
	assert_non_null(strstr(tj_errmsg(), "employer, agency"));
	assert_int_equal(search_params_set(&p, "advertiser", ""), TJ_OK);    /* no filter */
	assert_int_equal(p.n_values[SF_ADVERTISER], 0);
	search_params_release(&p);
}

/* A common query is ranked in two phases; the order and the cursor walk
 * must still be total and stable. */
static void test_two_phase(void **state)
{
	struct fx *fx = *state;
	uint8_t key[16] = "0123456789abcdef";
	char cursor[SEARCH_CURSOR_MAX] = "";
	const char *order[8];
	size_t n = 0;

	{
		struct search_params p;
		struct search_result r;

		/* "software" is in two titles, "radar" only in the C++ description */
		search_params_init(&p);
		p.score_all = 1;
		assert_int_equal(search_params_set(&p, "q", "software OR radar "), TJ_OK);
		assert_int_equal(search_params_finish(&p), TJ_OK);
		assert_int_equal(search_run(fx->db, NULL, &p, &r), TJ_OK);
		assert_int_equal(r.total, 3);
		assert_int_equal(r.n_hits, 3);
		/* the title hits come first, newest first, then the description hit */
		assert_string_equal(r.hits[0].title, "Senior Software Engineer");
		assert_string_equal(r.hits[1].title, "Software Ontwikkelaar");
		assert_string_equal(r.hits[2].title, "C++ Developer");
		search_result_release(&r);
		search_params_release(&p);
	}
	/* page through with limit 1 in two-phase mode: each row once */
	for (int page = 0; page < 6; page++) {
		struct search_params p;
		struct search_result r;

		search_params_init(&p);
		p.score_all = 1;
		assert_int_equal(search_params_set(&p, "q", "software OR radar "), TJ_OK);
		assert_int_equal(search_params_set(&p, "limit", "1"), TJ_OK);
		assert_int_equal(search_params_finish(&p), TJ_OK);
		if (*cursor)
			assert_int_equal(search_cursor_decode(&p, cursor, key), TJ_OK);
		assert_int_equal(search_run(fx->db, NULL, &p, &r), TJ_OK);
		if (r.n_hits) {
			for (size_t j = 0; j < n; j++)
				assert_string_not_equal(order[j], r.hits[0].url);
			order[n++] = strdup(r.hits[0].url);
		}
		if (r.more)
			search_cursor_encode(&p, &r.hits[0], key, cursor);
		else
			cursor[0] = '\0';
		search_result_release(&r);
		search_params_release(&p);
		if (!*cursor)
			break;
	}
	assert_int_equal(n, 3);
	for (size_t j = 0; j < n; j++)
		free((void *)order[j]);
}

static void test_cursor(void **state)
{
	struct fx *fx = *state;
	uint8_t key[16] = "0123456789abcdef", other[16] = "fedcba9876543210";
	const char *seen[16];
	size_t n_seen = 0;
	char cursor[SEARCH_CURSOR_MAX] = "";

	for (int page = 0; page < 10; page++) {
		struct search_params p;
		struct search_result r;

		search_params_init(&p);
		assert_int_equal(search_params_set(&p, "limit", "2"), TJ_OK);
		assert_int_equal(search_params_finish(&p), TJ_OK);
		if (*cursor)
			assert_int_equal(search_cursor_decode(&p, cursor, key), TJ_OK);
		assert_int_equal(search_run(fx->db, NULL, &p, &r), TJ_OK);
		assert_int_equal(r.total, 6);
		for (size_t i = 0; i < r.n_hits; i++) {
			for (size_t j = 0; j < n_seen; j++)
				assert_string_not_equal(seen[j], r.hits[i].url);
			seen[n_seen++] = strdup(r.hits[i].url);
		}
		if (r.more)
			search_cursor_encode(&p, &r.hits[r.n_hits - 1], key, cursor);
		/* tampering and replay under another query or key are refused */
		if (r.more) {
			char bad[SEARCH_CURSOR_MAX];
			struct search_params q;

			memcpy(bad, cursor, sizeof(bad));
			bad[5] = bad[5] == 'A' ? 'B' : 'A';
			search_params_init(&q);
			assert_int_equal(search_cursor_decode(&q, bad, key), TJ_EINVAL);
			assert_int_equal(search_cursor_decode(&q, cursor, other), TJ_EINVAL);
			assert_int_equal(search_cursor_decode(&q, "garbage", key), TJ_EINVAL);
			assert_int_equal(search_params_set(&q, "lang", "nl"), TJ_OK);
			assert_int_equal(search_params_finish(&q), TJ_OK);
			assert_int_equal(search_cursor_decode(&q, cursor, key), TJ_EINVAL);
			assert_non_null(strstr(tj_errmsg(), "different query"));
			search_params_release(&q);
		}
		search_params_release(&p);
		search_result_release(&r);
		if (!*cursor || n_seen == 6)
			break;
	}
	assert_int_equal(n_seen, 6);
	for (size_t j = 0; j < n_seen; j++)
		free((void *)seen[j]);
}

/* Hostile text must translate to something FTS5 accepts: TJ_OK or a 4xx-class error. */
static void test_hostile_queries_run(void **state)
{
	struct fx *fx = *state;
	static const char *const hostile[] = {
		"\"", "*", "NEAR(", "NEAR(a b, 3)", "'; DROP TABLE jobs; --", "col:term", "title:x",
		"^", "a^b", "\"unbalanced", "x\"y\"z", "(", ")", "((a)", "a AND", "NOT a", "a NOT",
		"-", "--", "-\"", "- -a", "OR", "OR OR OR", "a OR OR b", "{title}: x", "+", "#",
		"a*b*", "\\", "%", "_", "\x01\x02", "€", "😀 engineer", "🏳️‍🌈", "é", "e\xcc\x81",
		"a-b-c", "\"\"\"\"", ":", "::", "rowid:1", "jobs_fts", "*a", "a**", "0x00",
		NULL,
	};
	struct search_result r;

	for (int i = 0; hostile[i]; i++) {
		struct search_params p;
		enum tj_code rc;

		search_params_init(&p);
		assert_int_equal(search_params_set(&p, "q", hostile[i]), TJ_OK);
		assert_int_equal(search_params_finish(&p), TJ_OK);
		rc = search_run(fx->db, NULL, &p, &r);
		if (rc)
			fail_msg("hostile q [%s] -> %s", hostile[i], tj_errmsg());
		search_result_release(&r);
		search_params_release(&p);
	}
}

/* tj_snippet: the window holding the hits, from its sentence's start,
 * ellipses where text was cut, a phrase in one <mark>. */
static void test_snippets(void **state)
{
	struct fx *fx = *state;
	struct fx_job j = { "Signal Processing Engineer", "Thales", "Hengelo", NULL, "en", "yes",
			    "medior", "FULL_TIME", "onsite", "2026-11-29", NULL, NULL, 0 };
	struct search_result r;
	struct buf d;

	buf_init(&d, 0);
	assert_int_equal(buf_adds(&d, "Intro sentence here."), TJ_OK);
	for (int i = 0; i < 40; i++)
		assert_int_equal(buf_adds(&d, " filler"), TJ_OK);
	assert_int_equal(buf_adds(&d, ". The radar team builds sonar arrays."), TJ_OK);
	for (int i = 0; i < 40; i++)
		assert_int_equal(buf_adds(&d, " padding"), TJ_OK);
	j.description = buf_str(&d);
	fx_insert(fx->db, &j);
	run(fx->db, &r, "arrays sonar ", NULL);
	assert_int_equal(r.total, 1);
	assert_string_equal(r.hits[0].snippet, "…The radar team builds <mark>sonar arrays</mark>. padding "
			    "padding padding padding padding padding padding padding padding padding "
			    "padding padding padding padding padding padding padding padding…");
	search_result_release(&r);
	run(fx->db, &r, "\"radar team\" ", NULL);
	assert_non_null(strstr(r.hits[0].snippet, "The <mark>radar team</mark> builds"));
	search_result_release(&r);
	/* a hit in the title only: the lead of the description, no mark */
	run(fx->db, &r, "signal ", NULL);
	assert_int_equal(r.total, 1);
	assert_true(!strncmp(r.hits[0].snippet, "Intro sentence here. filler", 27));
	assert_null(strstr(r.hits[0].snippet, "<mark>"));
	search_result_release(&r);
	buf_release(&d);
}

/* A page of more than 20 hits from few matches takes its snippets in one
 * statement (search.c, SNIPPET_WALK_PER_HIT): every hit still gets its own. */
static void test_snippets_one_statement(void **state)
{
	struct fx *fx = *state;
	struct fx_job j = { "Wondverpleegkundige", "ZGT", "Almelo", NULL, "nl", "no", "medior",
			    "PART_TIME", "onsite", "2026-11-29", NULL, NULL, 1 };
	struct search_result r;
	char desc[200], want[64];

	for (int i = 0; i < 30; i++) {
		snprintf(desc, sizeof(desc), "Afdeling %d zoekt hulp bij wound care voor patient %d.", i, i);
		j.description = desc;
		fx_insert(fx->db, &j);
	}
	run(fx->db, &r, "wound care ", "limit", "30", NULL);
	assert_int_equal(r.total, 30);
	assert_int_equal(r.n_hits, 30);
	for (size_t i = 0; i < r.n_hits; i++) {
		const char *sn = r.hits[i].snippet;
		const char *num = sn ? strstr(sn, "patient ") : NULL;

		assert_non_null(num);
		assert_non_null(strstr(sn, "<mark>wound care</mark>"));
		/* the snippet is the hit's own: "Afdeling N ... patient N" */
		snprintf(want, sizeof(want), "Afdeling %s", num + 8);
		want[strcspn(want, ".")] = '\0';
		assert_non_null(strstr(sn, want));
	}
	search_result_release(&r);
}

static void test_suggest(void **state)
{
	struct fx *fx = *state;
	char **titles;
	int64_t *counts;
	size_t n;

	assert_int_equal(search_suggest(fx->db, "softw", 10, &titles, &counts, &n), TJ_OK);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++)
		free(titles[i]);
	free(titles);
	free(counts);
	assert_int_equal(search_suggest(fx->db, "radar", 10, &titles, &counts, &n), TJ_OK);
	assert_int_equal(n, 0);         /* only in a description */
	free(titles);
	free(counts);
	assert_int_equal(search_suggest(fx->db, "", 10, &titles, &counts, &n), TJ_OK);
	assert_int_equal(n, 0);
}

/* Run `twentejobs search ARGS...` with stdout captured; returns its status. */
static int run_cli(char *out, size_t n, int argc, char **argv)
{
	char path[] = "/tmp/tj-cli-XXXXXX";
	int fd = mkstemp(path), saved = dup(1), rc;
	FILE *f;
	size_t got;

	assert_true(fd >= 0 && saved >= 0);
	fflush(stdout);
	dup2(fd, 1);
	rc = cmd_search(argc, argv);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	close(fd);
	f = fopen(path, "r");
	got = fread(out, 1, n - 1, f);
	out[got] = '\0';
	fclose(f);
	unlink(path);
	return rc;
}

/* The CLI runs the same search: a table, or the API's JSON. */
static void test_cli(void **state)
{
	struct fx *fx = *state;
	char out[8192];
	char *table[] = { "search", "--db", fx->db->path, "--city", "enschede", "engineers", NULL };
	char *json[] = { "search", "--db", fx->db->path, "--json", "--limit", "1", "munster", NULL };
	char *bad[] = { "search", "--db", fx->db->path, "--intl", "perhaps", "x", NULL };
	json_t *o;

	assert_int_equal(run_cli(out, sizeof(out), 6, table), 0);
	assert_non_null(strstr(out, "TITLE"));
	assert_non_null(strstr(out, "Data Engineer"));
	assert_non_null(strstr(out, "Senior Software Engineer"));
	assert_non_null(strstr(out, "2 of 2 postings matching engineers"));
	assert_int_equal(run_cli(out, sizeof(out), 7, json), 0);
	o = json_loads(out, 0, NULL);
	assert_non_null(o);
	assert_int_equal(json_integer_value(json_object_get(o, "total")), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(o, "results"), 0),
							      "city")), "Münster");
	json_decref(o);
	assert_int_equal(run_cli(out, sizeof(out), 6, bad), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_translate_table),
		cmocka_unit_test(test_translate_no_prefix),
		cmocka_unit_test(test_translate_errors),
		cmocka_unit_test(test_html_escape),
		cmocka_unit_test(test_parse_date),
		cmocka_unit_test(test_params),
		cmocka_unit_test_setup_teardown(test_stemming, setup, teardown),
		cmocka_unit_test_setup_teardown(test_compounds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_operators, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ranking_and_snippets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filters_facets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_advertiser, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cursor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_phase, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_queries_run, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snippets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snippets_one_statement, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cli, setup, teardown),
		cmocka_unit_test_setup_teardown(test_suggest, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
