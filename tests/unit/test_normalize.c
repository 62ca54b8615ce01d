/*
 * test_normalize.c - spider/normalize.{c,h}: dates, towns, salaries, hours,
 * employment type, remote work, education, and normalize_posting.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "normalize.h"

/* ---- helpers ---- */

static void check_date(const char *in, const char *want)
{
	char out[11] = "";
	bool ok = normalize_date(in, out);

	if (!want && ok)
		fail_msg("normalize_date(\"%s\") = \"%s\", want none", in, out);
	if (want && !ok)
		fail_msg("normalize_date(\"%s\") failed, want \"%s\"", in, want);
	if (want && strcmp(out, want))
		fail_msg("normalize_date(\"%s\") = \"%s\", want \"%s\"", in, out, want);
}

static bool same(double a, double b)
{
	return (isnan(a) && isnan(b)) || fabs(a - b) < 1e-6;
}

static void check_salary(const char *in, double min, double max, const char *cur,
			 const char *period, const char *span)
{
	struct salary s;

	if (!normalize_salary(in, &s)) {
		if (!isnan(min) || !isnan(max))
			fail_msg("normalize_salary(\"%s\") found nothing", in);
		return;
	}
	if (isnan(min) && isnan(max))
		fail_msg("normalize_salary(\"%s\") found %g-%g, want nothing", in, s.min, s.max);
	if (!same(s.min, min) || !same(s.max, max))
		fail_msg("normalize_salary(\"%s\") = %g-%g, want %g-%g", in, s.min, s.max, min, max);
	if (strcmp(s.currency, cur))
		fail_msg("normalize_salary(\"%s\") currency \"%s\", want \"%s\"", in, s.currency, cur);
	if (strcmp(s.period, period))
		fail_msg("normalize_salary(\"%s\") period \"%s\", want \"%s\"", in, s.period, period);
	if (span && (s.end - s.start != strlen(span) || strncmp(in + s.start, span, strlen(span))))
		fail_msg("normalize_salary(\"%s\") span \"%.*s\", want \"%s\"", in,
			 (int)(s.end - s.start), in + s.start, span);
}

static void check_hours(const char *in, double min, double max)
{
	double a, b;
	bool ok = normalize_hours(in, &a, &b);

	if (isnan(min)) {
		if (ok)
			fail_msg("normalize_hours(\"%s\") = %g-%g, want nothing", in, a, b);
		return;
	}
	if (!ok)
		fail_msg("normalize_hours(\"%s\") found nothing, want %g-%g", in, min, max);
	if (!same(a, min) || !same(b, max))
		fail_msg("normalize_hours(\"%s\") = %g-%g, want %g-%g", in, a, b, min, max);
}

static void check_str(const char *what, const char *in, const char *got, const char *want)
{
	if (!want && got)
		fail_msg("%s(\"%s\") = \"%s\", want NULL", what, in, got);
	if (want && (!got || strcmp(got, want)))
		fail_msg("%s(\"%s\") = \"%s\", want \"%s\"", what, in, got ? got : "(null)", want);
}

#define ET(in, want) check_str("employment_type", in, normalize_employment_type(in), want)
#define ETT(title, text, want) check_str("employment_type_text", text, normalize_employment_type_text(title, text), want)
#define REMOTE(in, want) check_str("remote", in, normalize_remote(in), want)
#define EDU(in, want) check_str("education", in, normalize_education(in), want)
#define COUNTRY(in, want) check_str("country", in, normalize_country(in), want)

static void check_town(const char *in, const char *name, const char *mun, int twente)
{
	const struct town *t = normalize_town(in);

	if (!name) {
		if (t)
			fail_msg("normalize_town(\"%s\") = \"%s\", want none", in, t->name);
		return;
	}
	if (!t)
		fail_msg("normalize_town(\"%s\") = none, want \"%s\"", in, name);
	if (strcmp(t->name, name) || strcmp(t->municipality, mun) || t->twente != twente)
		fail_msg("normalize_town(\"%s\") = \"%s\"/\"%s\"/%d, want \"%s\"/\"%s\"/%d", in,
			 t->name, t->municipality, t->twente, name, mun, twente);
}

/* ---- dates ---- */

static void dates_iso(void **state)
{
	(void)state;
	assert_int_equal(normalize_init(), TJ_OK);
	check_date("2026-12-03", "2026-12-03");
	check_date("2026-12-03T23:30:00-05:00", "2026-12-03");
	check_date("2027-01-14T17:00:00+01:00", "2027-01-14");
	check_date("2026-1-5", "2026-01-05");
	check_date("2026/12/03", "2026-12-03");
}

static void dates_dmy(void **state)
{
	(void)state;
	check_date("03-12-2026", "2026-12-03");
	check_date("3-12-2026", "2026-12-03");
	check_date("03/12/2026", "2026-12-03");
	check_date("03.12.2026", "2026-12-03");
	check_date("12/25/2026", "2026-12-25");
	check_date("Sluitingsdatum: 14-01-2027.", "2027-01-14");
}

static void dates_month_names(void **state)
{
	(void)state;
	check_date("3 december 2026", "2026-12-03");
	check_date("3 dec. 2026", "2026-12-03");
	check_date("Dec 3, 2026", "2026-12-03");
	check_date("December 3rd 2026", "2026-12-03");
	check_date("December 3rd, 2026", "2026-12-03");
	check_date("3. Dezember 2026", "2026-12-03");
	check_date("3 März 2026", "2026-03-03");
	check_date("3 MÄRZ 2026", "2026-03-03");
	check_date("1 mei 2027", "2027-05-01");
	check_date("21st of May 2027", NULL);
	check_date("woensdag 14 januari 2027", "2027-01-14");
	check_date("15 okt 2026", "2026-10-15");
	check_date("1 Mrt 2027", "2027-03-01");
}

static void dates_invalid(void **state)
{
	(void)state;
	check_date("31 april 2026", NULL);
	check_date("2026-02-29", NULL);
	check_date("2028-02-29", "2028-02-29");
	check_date("2026-13-01", NULL);
	check_date("vandaag", NULL);
	check_date("", NULL);
	check_date("1234-12-01", NULL);
	check_date("31 april 2026 of 1 mei 2026", "2026-05-01");
}

/* ---- towns ---- */

static void towns_basic(void **state)
{
	(void)state;
	check_town("Enschede", "Enschede", "Enschede", 1);
	check_town("ENSCHEDE", "Enschede", "Enschede", 1);
	check_town("Enschede, Netherlands", "Enschede", "Enschede", 1);
	check_town("7522 NB Enschede", "Enschede", "Enschede", 1);
	check_town("Hengelo (Ov.)", "Hengelo", "Hengelo", 1);
	check_town("Hengelo OV", "Hengelo", "Hengelo", 1);
	check_town("Hengelo (Gld)", "Hengelo (Gld)", "Bronckhorst", 0);
	check_town("Delden", "Delden", "Hof van Twente", 1);
	check_town("Nijverdal", "Nijverdal", "Hellendoorn", 1);
	check_town("Ootmarsum", "Ootmarsum", "Dinkelland", 1);
	check_town("Vroomshoop", "Vroomshoop", "Twenterand", 1);
	check_town("Enter", "Enter", "Wierden", 1);
	check_town("Holten", "Holten", "Rijssen-Holten", 1);
}

static void towns_outside(void **state)
{
	(void)state;
	check_town("Zwolle", "Zwolle", "Zwolle", 0);
	check_town("Deventer", "Deventer", "Deventer", 0);
	check_town("MUNSTER", "Münster", "Münster", 0);
	check_town("48599 Gronau (Westf.)", "Gronau", "Gronau (Westf.)", 0);
	check_town("Winterswijk", "Winterswijk", "Winterswijk", 0);
	check_town("Nordhorn, Deutschland", "Nordhorn", "Nordhorn", 0);
	check_town("Springfield", NULL, NULL, 0);
	check_town("", NULL, NULL, 0);
}

static void towns_lists(void **state)
{
	const struct town *t[4];

	(void)state;
	check_town("Zilvermeeuw 1, 7609 PP Almelo", "Almelo", "Almelo", 1);
	assert_int_equal(normalize_towns("Almelo en Hengelo", t, 4), 2);
	assert_string_equal(t[0]->name, "Almelo");
	assert_string_equal(t[1]->name, "Hengelo");
	assert_int_equal(normalize_towns("Enschede; Deventer; Enschede", t, 4), 2);
	assert_string_equal(t[1]->name, "Deventer");
	assert_true(t[0]->lat > 52.1 && t[0]->lat < 52.3 && t[0]->lon > 6.8 && t[0]->lon < 7.0);
}

static void locality_cleanup(void **state)
{
	char *s;

	(void)state;
	s = normalize_locality("48599 Gronau (Westf.), Deutschland");
	assert_string_equal(s, "Gronau (Westf.)");
	free(s);
	s = normalize_locality("Hoofdstraat 12, 1234 AB  Ergens   Anders, Nederland");
	assert_string_equal(s, "Ergens Anders");
	free(s);
	assert_null(normalize_locality("Netherlands"));
}

static void countries(void **state)
{
	(void)state;
	COUNTRY("NL", "NL");
	COUNTRY("Nederland", "NL");
	COUNTRY("The Netherlands", "NL");
	COUNTRY("Deutschland", "DE");
	COUNTRY("de", "DE");
	COUNTRY("België", "BE");
	COUNTRY("Atlantis", NULL);
}

/* ---- salaries ---- */

static void salary_examples(void **state)
{
	(void)state;
	check_salary("€ 3.500 - € 4.800 bruto per maand", 3500, 4800, "EUR", "MONTH",
		     "€ 3.500 - € 4.800 bruto per maand");
	check_salary("€45k–€60k per year", 45000, 60000, "EUR", "YEAR", "€45k–€60k per year");
	check_salary("Salaris: max. € 5.233 (schaal 11)", NAN, 5233, "EUR", "MONTH",
		     "max. € 5.233 (schaal 11)");
	check_salary("€ 2.800,- tot € 3.400,-", 2800, 3400, "EUR", "MONTH", NULL);
	check_salary("EUR 18,50 per uur", 18.5, 18.5, "EUR", "HOUR", "EUR 18,50 per uur");
	check_salary("3500-4800 EUR/Monat", 3500, 4800, "EUR", "MONTH", "3500-4800 EUR/Monat");
}

static void salary_more(void **state)
{
	(void)state;
	check_salary("We bieden een salaris vanaf € 3.100 per maand.", 3100, NAN, "EUR", "MONTH", NULL);
	check_salary("Het jaarsalaris bedraagt € 52.000", 52000, 52000, "EUR", "YEAR", NULL);
	check_salary("Salary: €4,000 - €5,500 gross per month", 4000, 5500, "EUR", "MONTH", NULL);
	check_salary("€ 45 - 60k per year", 45000, 60000, "EUR", "YEAR", NULL);
	check_salary("Gehalt: 3.500,00 € brutto im Monat", 3500, 3500, "EUR", "MONTH", NULL);
	check_salary("Een salaris van € 3.296 - € 4.712 bruto per maand (FWG 50) bij een fulltime",
		     3296, 4712, "EUR", "MONTH", "€ 3.296 - € 4.712 bruto per maand (FWG 50)");
	/* the allowance is not the salary; the salary later is */
	check_salary("Reiskostenvergoeding van € 0,23 per km. Salaris € 2.900 - € 3.900 per maand.",
		     2900, 3900, "EUR", "MONTH", NULL);
	check_salary("€ 500 opleidingsbudget per jaar", NAN, NAN, "", "", NULL);
	check_salary("Omzet van € 40 miljoen", NAN, NAN, "", "", NULL);
	check_salary("Wij betalen € 3.000", NAN, NAN, "", "", NULL);
	check_salary("no money here", NAN, NAN, "", "", NULL);
}

static void amounts(void **state)
{
	const char *end;

	(void)state;
	assert_true(same(normalize_amount("3.500", NULL), 3500));
	assert_true(same(normalize_amount("3,500", NULL), 3500));
	assert_true(same(normalize_amount("18,50", NULL), 18.5));
	assert_true(same(normalize_amount("18.5", NULL), 18.5));
	assert_true(same(normalize_amount("3.500,00", NULL), 3500));
	assert_true(same(normalize_amount("1.250.000", NULL), 1250000));
	assert_true(same(normalize_amount("45k", NULL), 45000));
	assert_true(same(normalize_amount("2.800,- per", &end), 2800));
	assert_string_equal(end, " per");
	assert_true(isnan(normalize_amount("abc", NULL)));
	assert_true(isnan(normalize_amount("1234567890123456", NULL)));
}

static void periods(void **state)
{
	(void)state;
	assert_string_equal(normalize_period("MONTH"), "MONTH");
	assert_string_equal(normalize_period("per maand"), "MONTH");
	assert_string_equal(normalize_period("HOUR"), "HOUR");
	assert_string_equal(normalize_period("Jahr"), "YEAR");
	assert_string_equal(normalize_period("P1Y"), "YEAR");
	assert_null(normalize_period("fortnight"));
}

/* ---- hours ---- */

static void hours_examples(void **state)
{
	(void)state;
	check_hours("32 - 40 uur", 32, 40);
	check_hours("32-40 hours per week", 32, 40);
	check_hours("36 uur per week", 36, 36);
	check_hours("0,8 fte", 32, 32);
	check_hours("38 Stunden", 38, 38);
	check_hours("Je krijgt een contract voor 24 - 32 uur per week", 24, 32);
	check_hours("0,8 - 1,0 FTE", 32, 40);
	check_hours("een 36-urige werkweek", 36, 36);
	check_hours("Uren per week: 24", 24, 24);
	check_hours("tussen 24 en 32 uur per week", 24, 32);
	check_hours("40h/week", 40, 40);
	check_hours("Wochenarbeitszeit: 39 Stunden", 39, 39);
	check_hours("You get a 40-hour working week with 38 days of leave", 40, 40);
	check_hours("€ 5.877 bruto per maand (FWG 60) bij 36 uur, een vast contract", 36, 36);
}

static void hours_not(void **state)
{
	(void)state;
	check_hours("bereikbaar tussen 9-17 uur", NAN, NAN);
	check_hours("binnen 48 uur reactie", NAN, NAN);
	check_hours("innerhalb von 24 Stunden", NAN, NAN);
	check_hours("24 uur per dag", NAN, NAN);
	check_hours("5 fte team", NAN, NAN);
	check_hours("120 hours per week", NAN, NAN);
	check_hours("tweeploegendienst (06.00 - 14.30 uur en 14.30 - 23.00 uur)", NAN, NAN);
	check_hours("bij 2 uur per dag", NAN, NAN);
}

/* ---- employment type ---- */

static void employment_terms(void **state)
{
	(void)state;
	ET("FULL_TIME", "FULL_TIME");
	ET("full-time", "FULL_TIME");
	ET("Fulltime", "FULL_TIME");
	ET("Voltijd", "FULL_TIME");
	ET("Vollzeit", "FULL_TIME");
	ET("parttime", "PART_TIME");
	ET("Teilzeit", "PART_TIME");
	ET("Werkstudent", "PART_TIME");
	ET("bijbaan", "PART_TIME");
	ET("vast", "FULL_TIME");
	ET("tijdelijk", "TEMPORARY");
	ET("PhD position", "TEMPORARY");
	ET("traineeship", "TEMPORARY");
	ET("stage", "INTERN");
	ET("afstudeeropdracht", "INTERN");
	ET("Praktikum", "INTERN");
	ET("vrijwilligerswerk", "VOLUNTEER");
	ET("freelance", "CONTRACTOR");
	ET("ZZP", "CONTRACTOR");
	ET("Fulltime, Parttime", "FULL_TIME");
	ET("part_time", "PART_TIME");
	ET("something", NULL);
}

static void employment_text(void **state)
{
	(void)state;
	ETT("Stage HRM", "Wij zoeken een stagiair", "INTERN");
	ETT("Verpleegkundige", "Je begeleidt leerlingen en stagiairs. Fulltime dienstverband.", "FULL_TIME");
	ETT("Engineer", "We offer a full-time or part-time position", "FULL_TIME");
	ETT("Engineer", "A fixed-term contract of two years", "TEMPORARY");
	ETT("Engineer", "at this early stage of the project", NULL);
	ETT(NULL, "Je ontvangt een stagevergoeding van € 500", "INTERN");
	ETT("Vaste medewerker", "parttime", "PART_TIME");
}

/* ---- remote ---- */

static void remote_text(void **state)
{
	(void)state;
	REMOTE("Hybride werken is bij ons de norm", "hybrid");
	REMOTE("Je kunt deels thuiswerken", "hybrid");
	REMOTE("This is a fully remote position", "remote");
	REMOTE("We work hybrid: two days in the office", "hybrid");
	REMOTE("mobiles Arbeiten nach Absprache", "hybrid");
	REMOTE("Je werkt op locatie in Almelo", "onsite");
	REMOTE("Thuiswerken is niet mogelijk in deze functie", "onsite");
	REMOTE("PhD position in remote sensing of drought", NULL);
	REMOTE("Remote-first company", "remote");
	REMOTE("Develop and evaluate hybrid models that combine physics", NULL);
	REMOTE("and give on-site training sessions", NULL);
	REMOTE("Je laadt en lost zelf met heftrucks op locatie", NULL);
	REMOTE("de mogelijkheid om deels thuis te werken", "hybrid");
	REMOTE("Wir arbeiten hybrid", "hybrid");
	REMOTE("the opportunity to work partly from home", "hybrid");
	REMOTE("die M\xc3\xb6glichkeit zum mobilen Arbeiten", "hybrid");
	REMOTE("onderzoekt of thuismonitoring werkt", NULL);
	REMOTE("This is an on-site role", "onsite");
	REMOTE("", NULL);
}

/* ---- education ---- */

static void education_text(void **state)
{
	(void)state;
	EDU("Je bent mbo- of hbo-verpleegkundige", "mbo");
	EDU("Je hebt een afgeronde HBO-opleiding", "hbo");
	EDU("hbo/wo werk- en denkniveau", "hbo");
	EDU("WO-niveau, bij voorkeur gepromoveerd", "wo");
	EDU("You hold a Master's degree in Computer Science", "wo");
	EDU("You have a PhD in machine learning", "phd");
	EDU("PhD position: you have a Master's degree", "wo");
	EDU("Bachelor or Master in Engineering", "hbo");
	EDU("universitair niveau", "wo");
	EDU("Scrum Master certificering", NULL);
	EDU("Je begeleidt mbo-stagiairs", NULL);
	EDU("You will teach bachelor students", NULL);
	EDU("abgeschlossene Berufsausbildung als Berufskraftfahrer", "mbo");
	EDU("Hochschulabschluss (Master)", "wo");
	EDU("Woensdag wo 12 dec", NULL);
	EDU("You teach in our bachelor's and master's programmes and supervise master's theses. "
	    "Requirements: a PhD in energy studies", "phd");
	EDU("In this four-year PhD project ... include your MSc grades", "wo");
	/* the requirements section decides when there is one */
	EDU("Bij de Academie leiden we studenten op tot hbo-verpleegkundige.\n\nWat vragen wij?\n\n"
	    "- Je bent verpleegkundige met een afgeronde master;\n- Ervaring in het onderwijs.\n\n"
	    "Wat bieden wij?\n\nSalaris volgens schaal 11 cao hbo.", "wo");
	EDU("Ihr Profil\n\n- Abgeschlossenes Hochschulstudium (Master oder vergleichbar)", "wo");
	EDU("- Abgeschlossene kaufm\xc3\xa4nnische Ausbildung oder Bachelorabschluss", "mbo");
	EDU("Salaris volgens cao hbo, schaal 10", NULL);
	EDU("Our bachelor\xe2\x80\x99s programme; you hold a master\xe2\x80\x99s degree", "wo");
}

/* ---- whole postings ---- */

static void posting_fill(void **state)
{
	struct posting p;

	(void)state;
	posting_init(&p);
	assert_int_equal(posting_set(&p.title, "Beleidsadviseur Wonen"), TJ_OK);
	assert_int_equal(posting_set(&p.location, "7511 JN Enschede"), TJ_OK);
	assert_int_equal(posting_set(&p.country, "Nederland"), TJ_OK);
	assert_int_equal(posting_set(&p.date_posted, "3 december 2026"), TJ_OK);
	assert_int_equal(posting_set(&p.valid_through, "binnenkort"), TJ_OK);
	assert_int_equal(posting_set(&p.description,
		"Wat bieden wij?\n\nEen salaris van max. € 5.233 (schaal 11) bij 36 uur per week. "
		"Hybride werken. Je hebt een hbo-opleiding."), TJ_OK);
	assert_int_equal(normalize_posting(&p), TJ_OK);
	assert_string_equal(p.location, "Enschede");
	assert_string_equal(p.municipality, "Enschede");
	assert_int_equal(p.twente, 1);
	assert_string_equal(p.country, "NL");
	assert_string_equal(p.date_posted, "2026-12-03");
	assert_null(p.valid_through);
	assert_true(isnan(p.salary_min));
	assert_true(same(p.salary_max, 5233));
	assert_string_equal(p.salary_currency, "EUR");
	assert_string_equal(p.salary_period, "MONTH");
	assert_string_equal(p.salary_source, "text");
	assert_string_equal(p.salary_text, "max. € 5.233 (schaal 11)");
	assert_true(same(p.hours_min, 36) && same(p.hours_max, 36));
	assert_string_equal(p.employment_type, "FULL_TIME");
	assert_string_equal(p.remote, "hybrid");
	assert_string_equal(p.education, "hbo");
	posting_release(&p);
}

static void posting_keeps_structured(void **state)
{
	struct posting p;

	(void)state;
	posting_init(&p);
	assert_int_equal(posting_set(&p.location, "Almelo"), TJ_OK);
	assert_int_equal(posting_set(&p.location_raw, "Almelo; Deventer"), TJ_OK);
	assert_int_equal(posting_set(&p.employment_type, "PART_TIME"), TJ_OK);
	assert_int_equal(posting_set(&p.description, "Fulltime. Salaris € 9 per uur. 40 uur per week."), TJ_OK);
	p.salary_min = 3000;
	p.salary_max = 4000;
	assert_int_equal(normalize_posting(&p), TJ_OK);
	assert_string_equal(p.employment_type, "PART_TIME");
	assert_true(same(p.salary_min, 3000));
	assert_string_equal(p.salary_period, "MONTH");
	assert_null(p.salary_source);
	assert_int_equal(p.twente, 1);
	posting_release(&p);
}

static void posting_outside_twente(void **state)
{
	struct posting p;

	(void)state;
	posting_init(&p);
	assert_int_equal(posting_set(&p.location_raw, "Deventer; Zwolle"), TJ_OK);
	assert_int_equal(normalize_posting(&p), TJ_OK);
	assert_string_equal(p.location, "Deventer");
	assert_int_equal(p.twente, 0);
	posting_release(&p);

	posting_init(&p);
	assert_int_equal(posting_set(&p.location, "Springfield"), TJ_OK);
	assert_int_equal(normalize_posting(&p), TJ_OK);
	assert_string_equal(p.location, "Springfield");
	assert_int_equal(p.twente, -1);
	assert_int_equal(posting_set(&p.country, "United States"), TJ_OK);
	assert_int_equal(normalize_posting(&p), TJ_OK);
	assert_int_equal(p.twente, 0);
	posting_release(&p);
}

static void *thread_main(void *arg)
{
	long ok = 0;

	(void)arg;
	for (int i = 0; i < 200; i++) {
		struct salary s;
		char d[11];
		double a, b;

		ok += normalize_salary("€ 3.500 - € 4.800 bruto per maand", &s) && s.max == 4800;
		ok += normalize_date("3 dec. 2026", d) && !strcmp(d, "2026-12-03");
		ok += normalize_hours("32-40 uur", &a, &b) && b == 40;
		ok += normalize_town("Hengelo (Ov.)") != NULL;
	}
	return (void *)ok;
}

static void threads(void **state)
{
	pthread_t t[4];

	(void)state;
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, thread_main, NULL), 0);
	for (int i = 0; i < 4; i++) {
		void *r;

		assert_int_equal(pthread_join(t[i], &r), 0);
		assert_int_equal((long)r, 800);
	}
}

static void invalid_utf8(void **state)
{
	struct salary s;
	char d[11];
	double a, b;
	const char *bad = "\xff\xfe salaris \xc3 € 3.000 per maand \xe2\x82 3 dec\xff 2026 32\xc0-40 uur";

	(void)state;
	assert_true(normalize_salary(bad, &s));
	assert_true(same(s.min, 3000));
	(void)normalize_date(bad, d);
	(void)normalize_hours(bad, &a, &b);
	(void)normalize_education(bad);
	(void)normalize_remote(bad);
	(void)normalize_town(bad);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dates_iso),
		cmocka_unit_test(dates_dmy),
		cmocka_unit_test(dates_month_names),
		cmocka_unit_test(dates_invalid),
		cmocka_unit_test(towns_basic),
		cmocka_unit_test(towns_outside),
		cmocka_unit_test(towns_lists),
		cmocka_unit_test(locality_cleanup),
		cmocka_unit_test(countries),
		cmocka_unit_test(salary_examples),
		cmocka_unit_test(salary_more),
		cmocka_unit_test(amounts),
		cmocka_unit_test(periods),
		cmocka_unit_test(hours_examples),
		cmocka_unit_test(hours_not),
		cmocka_unit_test(employment_terms),
		cmocka_unit_test(employment_text),
		cmocka_unit_test(remote_text),
		cmocka_unit_test(education_text),
		cmocka_unit_test(posting_fill),
		cmocka_unit_test(posting_keeps_structured),
		cmocka_unit_test(posting_outside_twente),
		cmocka_unit_test(threads),
		cmocka_unit_test(invalid_utf8),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
