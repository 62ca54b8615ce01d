/*
 * test_dedupe.c - near-duplicate detection: normalisation, simhash and the
 * grouping key (index/dedupe.c), and the grouping rules in the store
 * (index/store.c): agency loses, earliest wins, expiry promotes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "dedupe.h"
#include "store.h"

#define TEXT_A_HEAD \
	"Als data engineer bij de gemeente Enschede bouw je mee aan het dataplatform van de stad. " \
	"Je ontwerpt en onderhoudt datapijplijnen, koppelt bronnen uit het sociaal domein en de " \
	"openbare ruimte, en zorgt dat analisten en beleidsmakers kunnen vertrouwen op de cijfers. " \
	"Je werkt in een team van zes collega's met Python, SQL en Azure, en je denkt mee over " \
	"privacy en datakwaliteit. Wij vragen een afgeronde hbo- of wo-opleiding in de informatica, " \
	"minimaal twee jaar ervaring met het bouwen van datapijplijnen en goede kennis van SQL. " \
	"Wij bieden een salaris van maximaal 5.233 euro per maand, een individueel keuzebudget en " \
	"ruimte voor opleiding. " \
	"Over de afdeling: het team Data en Informatie hoort bij de directie Dienstverlening en " \
	"werkt voor alle afdelingen van de gemeente, van wijkteams tot stadsbeheer. Je collega's " \
	"zijn data engineers, analisten en een product owner; samen leveren jullie dashboards, " \
	"open data en koppelingen met landelijke registraties zoals de BRP en de BAG. We werken " \
	"in sprints van twee weken en houden elke maand een kennissessie. Thuiswerken kan tot drie " \
	"dagen per week, en het stadhuis ligt op loopafstand van het station. Meer weten over de " \
	"functie? "
#define TEXT_A_TAIL " voor een kop koffie of een gesprek. Solliciteren doe je met " \
	"je cv en een korte motivatie, uiterlijk twee weken na plaatsing van deze vacature. Een " \
	"assessment kan deel uitmaken van de procedure, en een verklaring omtrent het gedrag is " \
	"verplicht."

static const char *const text_a = TEXT_A_HEAD "Bel de teamleider" TEXT_A_TAIL;

/* text_a with a few words reworded, as an agency reposting it would */
static const char *const text_a_reworded = TEXT_A_HEAD "Bel ons" TEXT_A_TAIL;

static const char *const text_b =
	"Als chauffeur CE internationaal rijd je met een moderne trekker-oplegger door heel Europa. "
	"Je laadt en lost bij klanten in Duitsland, Belgie en Frankrijk, en je bent meestal de hele "
	"week onderweg. Je hebt een rijbewijs CE met code 95, een digitale tachograafkaart en "
	"minimaal een jaar ervaring in het internationaal transport. Wij bieden een vast contract, "
	"een goed salaris volgens de cao beroepsgoederenvervoer en nette verblijfkosten.";

/* ---- normalisation, simhash, key ------------------------------------ */

static void test_normalise_folds(void **state)
{
	char *s;

	(void)state;
	s = dedupe_normalise("  Médewerker   Café-Ruimte (m/v/x)!  ");
	assert_non_null(s);
	assert_string_equal(s, "medewerker cafe ruimte m v x");
	free(s);
	s = dedupe_normalise("Straße ÆØÅ – naïef");
	assert_string_equal(s, "strasse aeoa naief");
	free(s);
	s = dedupe_normalise(NULL);
	assert_string_equal(s, "");
	free(s);
}

static void test_normalise_keeps_other_scripts(void **state)
{
	char *s = dedupe_normalise("Инженер, C++");

	(void)state;
	/* kept byte for byte, not case-folded (see dedupe.c "Limits") */
	assert_string_equal(s, "Инженер c");
	free(s);
}

static void test_key_title_town(void **state)
{
	bool oom;
	char *a = dedupe_key("Data Engineer (m/v)", "Enschede", &oom);
	char *b = dedupe_key("data-engineer  M/V", "ENSCHEDE", &oom);

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	assert_string_equal(a, "data engineer m v|enschede");
	assert_string_equal(a, b);
	free(a);
	free(b);
}

static void test_key_needs_town(void **state)
{
	bool oom = true;

	(void)state;
	assert_null(dedupe_key("Data Engineer", NULL, &oom));
	assert_false(oom);
	assert_null(dedupe_key("Data Engineer", " - ", &oom));
	assert_false(oom);
	assert_null(dedupe_key(NULL, "Enschede", &oom));
}

static void test_key_town_differs(void **state)
{
	bool oom;
	char *a = dedupe_key("Data Engineer", "Enschede", &oom);
	char *b = dedupe_key("Data Engineer", "Hengelo", &oom);

	(void)state;
	assert_string_not_equal(a, b);
	free(a);
	free(b);
}

static void test_simhash_identical(void **state)
{
	bool ok;
	uint64_t a = dedupe_simhash(text_a, &ok), b;

	(void)state;
	assert_true(ok);
	b = dedupe_simhash(text_a, &ok);
	assert_int_equal(dedupe_distance(a, b), 0);
	assert_true(a != 0);
}

static void test_simhash_ignores_case_and_punctuation(void **state)
{
	bool ok;
	char *upper = strdup(text_a);

	(void)state;
	for (char *c = upper; *c; c++)
		if (*c >= 'a' && *c <= 'z')
			*c = (char)(*c - 'a' + 'A');
		else if (*c == ',')
			*c = ';';
	assert_int_equal(dedupe_distance(dedupe_simhash(text_a, &ok), dedupe_simhash(upper, &ok)), 0);
	free(upper);
}

static void test_simhash_reworded_is_near(void **state)
{
	bool ok;
	uint64_t a = dedupe_simhash(text_a, &ok), b = dedupe_simhash(text_a_reworded, &ok);

	(void)state;
	assert_true(dedupe_near(a, b));
}

static void test_simhash_different_jobs_far(void **state)
{
	bool ok;
	uint64_t a = dedupe_simhash(text_a, &ok), b = dedupe_simhash(text_b, &ok);

	(void)state;
	assert_false(dedupe_near(a, b));
	assert_true(dedupe_distance(a, b) > 10);
}

static void test_simhash_short_and_empty(void **state)
{
	bool ok;

	(void)state;
	assert_int_equal(dedupe_simhash("", &ok), 0);
	assert_true(ok);
	assert_int_equal(dedupe_simhash(NULL, &ok), 0);
	assert_true(dedupe_simhash("one two", &ok) == dedupe_simhash("One, two!", &ok));
	assert_true(dedupe_simhash("one two", &ok) != dedupe_simhash("two one", &ok));
}

static void test_distance(void **state)
{
	(void)state;
	assert_int_equal(dedupe_distance(0, 0), 0);
	assert_int_equal(dedupe_distance(0, 0xF), 4);
	assert_int_equal(dedupe_distance(0, UINT64_MAX), 64);
	assert_true(dedupe_near(0, 0x7));
	assert_false(dedupe_near(0, 0xF));
}

/* ---- grouping in the store ------------------------------------------ */

struct fx {
	char dir[64];
	char path[128];
	struct db *db;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct source_info emp = { .id = "gemeente", .employer = "Gemeente Enschede", .lat = 0, .lon = 0 };
	struct source_info agency = { .id = "uitzend", .employer = "Uitzendbureau", .advertiser = "agency" };

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/tj-dedupe-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/t.db", f->dir);
	assert_int_equal(db_open(f->path, false, &f->db), TJ_OK);
	assert_int_equal(store_source_upsert(f->db, &emp), TJ_OK);
	assert_int_equal(store_source_upsert(f->db, &agency), TJ_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[200];

	db_close(f->db);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static int64_t q(struct db *db, const char *sql, const char *arg)
{
	sqlite3_stmt *st = NULL;
	bool row = false;
	int64_t v = -1;

	assert_int_equal(db_prepare(db, &st, sql), TJ_OK);
	if (arg)
		assert_int_equal(db_bind_text(st, 1, arg), TJ_OK);
	assert_int_equal(db_step(st, &row), TJ_OK);
	if (row && sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(st, 0);
	db_finalize(st);
	return v;
}

/* Store one posting of `source` at url in run_id. */
static void put(struct fx *f, const char *source, const char *url, const char *title,
		const char *text, bool agency, int64_t run_id)
{
	struct posting p;

	posting_init(&p);
	assert_int_equal(posting_set(&p.source_id, source), TJ_OK);
	assert_int_equal(posting_set(&p.url, url), TJ_OK);
	assert_int_equal(posting_set(&p.title, title), TJ_OK);
	assert_int_equal(posting_set(&p.location, "Enschede"), TJ_OK);
	assert_int_equal(posting_set(&p.description, text), TJ_OK);
	p.cls.done = true;
	snprintf(p.cls.advertiser, sizeof(p.cls.advertiser), "%s", agency ? "agency" : "employer");
	snprintf(p.cls.language, sizeof(p.cls.language), "nl");
	assert_int_equal(store_posting(f->db, &p, url, run_id, NULL), TJ_OK);
	posting_release(&p);
}

#define STATE(url) q(f->db, "SELECT state = 'active' FROM jobs WHERE url = ?1", url)
#define ID(url) q(f->db, "SELECT id FROM jobs WHERE url = ?1", url)
#define DUP_OF(url) q(f->db, "SELECT dup_of FROM jobs WHERE url = ?1", url)

static void test_agency_loses(void **state)
{
	struct fx *f = *state;

	/* the agency saw it first, the employer's own posting is still kept */
	put(f, "uitzend", "https://u.example/1", "Data Engineer", text_a_reworded, true, 1);
	put(f, "gemeente", "https://g.example/1", "Data engineer", text_a, false, 2);
	assert_int_equal(STATE("https://g.example/1"), 1);
	assert_int_equal(STATE("https://u.example/1"), 0);
	assert_int_equal(DUP_OF("https://u.example/1"), ID("https://g.example/1"));
	assert_int_equal(DUP_OF("https://g.example/1"), -1);
	/* seen again unchanged: stays a duplicate */
	put(f, "uitzend", "https://u.example/1", "Data Engineer", text_a_reworded, true, 3);
	assert_int_equal(STATE("https://u.example/1"), 0);
	assert_int_equal(q(f->db, "SELECT state = 'duplicate' FROM jobs WHERE url = ?1",
			   "https://u.example/1"), 1);
}

static void test_earliest_wins_same_site(void **state)
{
	struct fx *f = *state;

	put(f, "gemeente", "https://g.example/1", "Data Engineer", text_a, false, 1);
	assert_int_equal(db_exec(f->db, "UPDATE jobs SET first_seen = first_seen - 100"), TJ_OK);
	put(f, "gemeente", "https://g.example/copy", "Data Engineer", text_a, false, 1);
	assert_int_equal(STATE("https://g.example/1"), 1);
	assert_int_equal(DUP_OF("https://g.example/copy"), ID("https://g.example/1"));
}

static void test_different_jobs_not_grouped(void **state)
{
	struct fx *f = *state;

	put(f, "gemeente", "https://g.example/1", "Data Engineer", text_a, false, 1);
	put(f, "gemeente", "https://g.example/2", "Data Engineer", text_b, false, 1);
	put(f, "uitzend", "https://u.example/3", "Data Analist", text_a, true, 1);
	assert_int_equal(q(f->db, "SELECT count(*) FROM jobs WHERE state = 'active'", NULL), 3);
}

static void finish(struct fx *f, const char *source, int64_t run_id)
{
	struct run_stats st = { .status = "ok", .complete = true };

	assert_int_equal(store_run_finish(f->db, run_id, source, &st, NULL), TJ_OK);
}

static void test_expiry_promotes_duplicate(void **state)
{
	struct fx *f = *state;
	int64_t r[6];

	for (int i = 0; i < 6; i++)
		assert_int_equal(store_run_begin(f->db, i % 2 ? "uitzend" : "gemeente", &r[i]), TJ_OK);
	put(f, "gemeente", "https://g.example/1", "Data Engineer", text_a, false, r[0]);
	finish(f, "gemeente", r[0]);
	put(f, "uitzend", "https://u.example/1", "Data Engineer", text_a_reworded, true, r[1]);
	put(f, "uitzend", "https://u.example/2", "Data engineer", text_a, true, r[1]);
	finish(f, "uitzend", r[1]);
	assert_int_equal(DUP_OF("https://u.example/1"), ID("https://g.example/1"));
	assert_int_equal(DUP_OF("https://u.example/2"), ID("https://g.example/1"));
	/* the employer takes it down: two complete runs without it */
	finish(f, "gemeente", r[2]);
	assert_int_equal(STATE("https://g.example/1"), 1);
	finish(f, "gemeente", r[4]);
	assert_int_equal(STATE("https://g.example/1"), 0);
	/* the earliest agency copy is active again; the other now points at it */
	assert_int_equal(STATE("https://u.example/1"), 1);
	assert_int_equal(DUP_OF("https://u.example/1"), -1);
	assert_int_equal(DUP_OF("https://u.example/2"), ID("https://u.example/1"));
	assert_int_equal(q(f->db, "SELECT count(*) FROM jobs WHERE state = 'active'", NULL), 1);
}

static void test_changed_posting_regrouped(void **state)
{
	struct fx *f = *state;

	put(f, "gemeente", "https://g.example/1", "Data Engineer", text_b, false, 1);
	put(f, "uitzend", "https://u.example/1", "Data Engineer", text_a, true, 1);
	assert_int_equal(STATE("https://u.example/1"), 1);
	/* the employer rewrites its text into the agency's: now they match */
	put(f, "gemeente", "https://g.example/1", "Data Engineer", text_a_reworded, false, 2);
	assert_int_equal(STATE("https://g.example/1"), 1);
	assert_int_equal(DUP_OF("https://u.example/1"), ID("https://g.example/1"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalise_folds),
		cmocka_unit_test(test_normalise_keeps_other_scripts),
		cmocka_unit_test(test_key_title_town),
		cmocka_unit_test(test_key_needs_town),
		cmocka_unit_test(test_key_town_differs),
		cmocka_unit_test(test_simhash_identical),
		cmocka_unit_test(test_simhash_ignores_case_and_punctuation),
		cmocka_unit_test(test_simhash_reworded_is_near),
		cmocka_unit_test(test_simhash_different_jobs_far),
		cmocka_unit_test(test_simhash_short_and_empty),
		cmocka_unit_test(test_distance),
		cmocka_unit_test_setup_teardown(test_agency_loses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_earliest_wins_same_site, setup, teardown),
		cmocka_unit_test_setup_teardown(test_different_jobs_not_grouped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expiry_promotes_duplicate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changed_posting_regrouped, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
