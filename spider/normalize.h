/*
 * normalize.h - turn what pages state into comparable values: dates,
 * towns and municipalities, salaries, hours, employment type, remote work
 * and education level, from Dutch, English and German text.
 *
 * The crawler calls normalize_posting() once per extracted posting; the
 * other functions are the pieces it uses, exposed for tests and for other
 * strategies (rules with selectors produce the same kind of free text).
 *
 * Thread-safety: everything here may be called from any thread.  Regular
 * expressions and the town table (data/towns.tsv) are loaded once, on
 * first use, under pthread_once; matching uses per-call match data.
 */
#ifndef TJ_NORMALIZE_H
#define TJ_NORMALIZE_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "posting.h"

/*
 * Compile the patterns and load data/towns.tsv (see paths.h for where it
 * is looked up).  Idempotent; every function below calls it itself, so
 * calling it is only needed to report a broken installation early: the
 * result of the first call is returned every time, with its message
 * (re)recorded for this thread.  Without a town table the other functions
 * still work and towns are simply unknown.
 */
enum tj_code normalize_init(void) TJ_WUR;

/*
 * The first date in text as "YYYY-MM-DD" in out (11 bytes), or false.
 * Understood: ISO 8601 ("2026-12-03", "2026-12-03T09:00:00+01:00", the
 * date part as written - no time-zone conversion), day-month-year with
 * '-', '/' or '.' ("03-12-2026", "3/12/2026", "03.12.2026"; Dutch and German
 * order; "12/25/2026", impossible as D/M, is read as M/D), month names and
 * abbreviations in nl/en/de with optional ordinals and dots ("3 december
 * 2026", "3 dec. 2026", "Dec 3, 2026", "December 3rd 2026", "3. Dezember
 * 2026", "3 März 2026").  Impossible dates (31 April) are rejected; years
 * 1900-2199.
 */
bool normalize_date(const char *text, char out[11]);

/* A town from data/towns.tsv; all strings live as long as the process. */
struct town {
	const char *name;           /* canonical spelling, "Hengelo" */
	const char *municipality;   /* "Hengelo", "Hof van Twente", "Gronau (Westf.)" */
	bool twente;                /* in one of the 14 Twente municipalities */
	double lat, lon;
};

/*
 * The town a location string names, or NULL.  Case and diacritics do not
 * matter; postcodes ("7522 NB Enschede", "48599 Gronau"), countries
 * ("Enschede, Netherlands"), province qualifiers ("Hengelo (Ov.)",
 * "Hengelo OV" - but "Hengelo (Gld)" is the other Hengelo) and street
 * addresses before a comma are tolerated.  The first recognised town of a
 * list ("Almelo en Hengelo", "Almelo; Hengelo") is returned.  Borrowed.
 */
const struct town *normalize_town(const char *text);

/*
 * All towns a location string names, in order, without duplicates: up to
 * max pointers are stored in out; returns how many were found (may exceed
 * max).  Used to decide whether any location of a posting is in Twente.
 */
size_t normalize_towns(const char *text, const struct town **out, size_t max);

/*
 * A location as text when the town is not in the table: the first part of
 * a list with postcode, country and surrounding noise removed ("48599
 * Gronau (Westf.), Deutschland" -> "Gronau (Westf.)").  Malloc'd, the
 * caller's; NULL when nothing is left or on OOM.
 */
char *normalize_locality(const char *text);

/* ISO 3166 alpha-2 for a country name or code in nl/en/de ("Nederland",
 * "The Netherlands", "NLD", "Deutschland", "DE") or NULL.  Static string. */
const char *normalize_country(const char *text);

/* A salary found in free text. */
struct salary {
	double min, max;        /* NAN when not stated ("max. € 5.233": min NAN) */
	char currency[4];       /* ISO 4217, "" when not stated */
	char period[6];         /* HOUR, DAY, WEEK, MONTH, YEAR; "" when unknown */
	bool period_inferred;   /* period guessed from the amount's size */
	size_t start, end;      /* the salary's span in the text, for salary_text */
};

/*
 * Find the salary in free text: "€ 3.500 - € 4.800 bruto per maand",
 * "€45k–€60k per year", "max. € 5.233 (schaal 11)", "€ 2.800,- tot
 * € 3.400,-", "EUR 18,50 per uur", "3500-4800 EUR/Monat".  Every amount
 * with a currency is a candidate; candidates are scored (a range, a
 * period, a salary word such as salaris/salary/Gehalt/bruto/schaal nearby)
 * and rejected when next to allowance words (reiskosten, budget, bonus,
 * per km) or implausible for their period.  The best candidate with some
 * evidence wins, the earliest on ties.  Without a stated period it is
 * inferred from the amount (< 200 an hour, 800-20 000 a month, over 20 000
 * a year) and period_inferred is set.  The span includes a qualifier
 * ("max.") and a parenthesis right after ("(schaal 11)").
 */
bool normalize_salary(const char *text, struct salary *out);

/*
 * One amount as written: "3.500" and "3,500" (thousands), "18,50" and
 * "18.5" (decimals), "3.500,00", "2.800,-", "45k"; stores the end in *end
 * when not NULL.  NAN when s does not start with a number.
 */
double normalize_amount(const char *s, const char **end);

/* A salary period name ("MONTH", "per maand", "monthly", "Monat", "P1M",
 * "uur") as HOUR/DAY/WEEK/MONTH/YEAR, or NULL.  Static string. */
const char *normalize_period(const char *unit);

/*
 * Working hours per week in free text: "32 - 40 uur", "32-40 hours per
 * week", "36 uur per week", "0,8 fte" (1 fte = 40 hours), "0,8-1,0 FTE",
 * "38 Stunden", "40-urige werkweek", "Uren per week: 24", "(salaris) bij 36
 * uur" (8-40 only).  A range
 * preceded by van/tussen/from/between and not followed by a week is a time
 * of day ("tussen 9-17 uur") and ignored.  min/max are equal for a single
 * value; values must lie in 1..60 (fte 0.05..1.2).
 */
bool normalize_hours(const char *text, double *min, double *max);

/*
 * schema.org employmentType (FULL_TIME, PART_TIME, CONTRACTOR, TEMPORARY,
 * INTERN, VOLUNTEER, PER_DIEM, OTHER) for a structured value or short
 * label: the schema.org names in any case or spelling ("full-time",
 * "Fulltime", "Voltijd", "Vollzeit", "Teilzeit", "deeltijd", "stage",
 * "afstudeeropdracht", "Praktikum", "Werkstudent", "bijbaan", "freelance",
 * "ZZP", "tijdelijk", "PhD position", "traineeship", "vrijwilligerswerk",
 * "vast" ...).  A list ("Fulltime, Parttime") gives its first term.  NULL
 * when nothing is recognised.  Static string.
 *
 * Choices: "vast"/"permanent" (contract duration, which schema.org has no
 * value for) read as FULL_TIME, the common meaning in Dutch postings;
 * a PhD position and a traineeship are fixed-term jobs, TEMPORARY;
 * Werkstudent and bijbaan are PART_TIME.
 */
const char *normalize_employment_type(const char *term);

/*
 * employmentType from a title and a description (either may be NULL).
 * The title is read like a label (any term counts).  In the description
 * only unambiguous phrases count, because descriptions mention other
 * people's jobs ("je begeleidt stagiairs") and English "stage" is not an
 * internship; priority INTERN > VOLUNTEER > CONTRACTOR > the earlier of
 * FULL_TIME/PART_TIME > TEMPORARY > PER_DIEM.  NULL when nothing is said.
 */
const char *normalize_employment_type_text(const char *title, const char *text);

/*
 * "remote", "hybrid" or "onsite" from free text, or NULL.  Fully remote
 * phrases ("fully remote", "100% remote", "remote-first", "volledig
 * thuis") give remote; hybrid phrases ("hybride werken", "we work hybrid",
 * "thuiswerken", "deels thuis werken", "work from home", "mobiles
 * Arbeiten", "Homeoffice") give hybrid; on-site phrases ("je werkt op
 * locatie", "on-site role", "vor Ort arbeiten") give onsite, and so does a
 * negation ("thuiswerken is niet mogelijk"), which wins.  The bare words
 * need a work word next to them: "hybrid models", "remote sensing", "give
 * on-site training" and "heftrucks op locatie" say nothing about where
 * the job is done.
 */
const char *normalize_remote(const char *text);

/*
 * The education level a posting asks for: "mbo", "hbo", "wo" or "phd", or
 * NULL.  Recognised: MBO (niveau 1-4), HBO, Bachelor, WO, Master,
 * universitair/academisch niveau, PhD/gepromoveerd/doctorate, and the
 * German Ausbildung/Fachhochschule/Hochschulabschluss.
 *
 * Choice: the LOWEST level mentioned wins.  Postings list the levels they
 * accept ("mbo- of hbo-verpleegkundige", "hbo/wo-niveau", "Bachelor or
 * Master"), so the lowest is what an applicant needs; a higher one is an
 * alternative or a plus.  The requirements section ("Wat vragen wij?",
 * "Your profile", "Ihr Profil" up to the next heading) is read first, and
 * the whole text only when it names no level, so "we leiden op tot
 * hbo-verpleegkundige" elsewhere does not lower a master's requirement.
 * The job itself is not a requirement: "PhD
 * position", "PhD candidate", "promovendus" do not count as phd (a PhD
 * position asks for a Master's), nor do "mbo-stagiairs", "bachelor
 * students" or "Scrum Master".
 */
const char *normalize_education(const char *text);

/*
 * Fill what a posting leaves open, in place:
 *  - location: the town from location (or location_raw) in its canonical
 *    spelling, municipality and twente (1 when any listed town is in
 *    Twente, 0 when all are known and none is, or when the country is
 *    neither NL nor DE, else -1); an unknown town is cleaned
 *    (normalize_locality);
 *  - country as ISO alpha-2; dates as YYYY-MM-DD (unparseable ones NULL);
 *  - employment_type from title + description when missing, else from the
 *    stated hours (>= 36 a week FULL_TIME, <= 32 PART_TIME);
 *  - salary (source "text"), hours, remote and education from the
 *    description when the structured data lacks them; a structured salary
 *    without period gets one inferred from its size.
 * Fields already set are kept.  TJ_ENOMEM (the posting stays valid).
 */
enum tj_code normalize_posting(struct posting *p) TJ_WUR;

#endif
