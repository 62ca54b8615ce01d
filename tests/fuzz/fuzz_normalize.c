/*
 * fuzz_normalize.c - libFuzzer harness for spider/normalize.c.
 *
 * Input: free text (a description, a location, a date, a salary line).
 * Every parser runs on it; beyond crashes, leaks and UB it checks:
 *   - a date is "YYYY-MM-DD" with a valid month and day;
 *   - a salary span lies inside the text, min <= max when both are known,
 *     amounts are finite and positive, period and currency are known codes;
 *   - hours lie in 1..60 with min <= max;
 *   - employment type, remote and education values are from their sets;
 *   - a town has a name and a municipality;
 *   - normalize_posting() on a posting built from the text succeeds and
 *     the posting converts to JSON.
 *
 * Build and run (from the top of the tree, so data/towns.tsv is found;
 * seeds in tests/fuzz/normalize/):
 *
 *   clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
 *     -Iindex -Ispider tests/fuzz/fuzz_normalize.c spider/normalize.c \
 *     index/buf.c index/err.c index/paths.c index/posting.c \
 *     $(pkg-config --libs libpcre2-8 jansson sqlite3) -lpthread -lm -o /tmp/fuzz_normalize
 *   TWENTEJOBS_DATA=data /tmp/fuzz_normalize -max_total_time=60 tests/fuzz/normalize/
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "normalize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void in_set(const char *v, const char *const *set)
{
	if (!v)
		return;
	for (; *set; set++)
		if (!strcmp(v, *set))
			return;
	abort();
}

static void check_date(const char *s)
{
	char d[11];

	if (!normalize_date(s, d))
		return;
	if (strlen(d) != 10 || d[4] != '-' || d[7] != '-')
		abort();
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (d[i] < '0' || d[i] > '9'))
			abort();
	if (strcmp(d + 5, "01-01") < 0 || strcmp(d + 5, "12-31") > 0 || strcmp(d + 8, "01") < 0 ||
	    strcmp(d + 8, "31") > 0)
		abort();
}

static void check_salary(const char *s, size_t len)
{
	static const char *const periods[] = { "", "HOUR", "DAY", "WEEK", "MONTH", "YEAR", NULL };
	static const char *const currencies[] = { "", "EUR", "USD", "GBP", NULL };
	struct salary sal;

	if (!normalize_salary(s, &sal))
		return;
	if (sal.start > sal.end || sal.end > len || (isnan(sal.min) && isnan(sal.max)))
		abort();
	if ((!isnan(sal.min) && !(isfinite(sal.min) && sal.min > 0)) ||
	    (!isnan(sal.max) && !(isfinite(sal.max) && sal.max > 0)) ||
	    (!isnan(sal.min) && !isnan(sal.max) && sal.min > sal.max))
		abort();
	in_set(sal.period, periods);
	in_set(sal.currency, currencies);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const types[] = {
		"FULL_TIME", "PART_TIME", "CONTRACTOR", "TEMPORARY", "INTERN", "VOLUNTEER", "PER_DIEM", "OTHER", NULL,
	};
	static const char *const remote[] = { "remote", "hybrid", "onsite", NULL };
	static const char *const edu[] = { "mbo", "hbo", "wo", "phd", NULL };
	char *s = malloc(size + 1), *loc;
	const struct town *t[8];
	struct posting p;
	size_t len, n;
	double a, b;
	json_t *j;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	len = strlen(s);
	check_date(s);
	check_salary(s, len);
	if (normalize_hours(s, &a, &b) && !(a >= 1 && b <= 60 && a <= b))
		abort();
	in_set(normalize_employment_type(s), types);
	in_set(normalize_employment_type_text(s, s), types);
	in_set(normalize_remote(s), remote);
	in_set(normalize_education(s), edu);
	in_set(normalize_period(s), (const char *const[]){ "HOUR", "DAY", "WEEK", "MONTH", "YEAR", NULL });
	(void)normalize_country(s);
	(void)normalize_amount(s, NULL);
	n = normalize_towns(s, t, 8);
	for (size_t i = 0; i < n && i < 8; i++)
		if (!t[i]->name || !t[i]->municipality)
			abort();
	loc = normalize_locality(s);
	free(loc);

	posting_init(&p);
	if (posting_set(&p.description, s) || posting_set(&p.location_raw, s) ||
	    posting_set(&p.title, s) || posting_set(&p.date_posted, s) || posting_set(&p.country, s))
		abort();
	if (normalize_posting(&p) != TJ_OK)
		abort();
	/* the text may be invalid UTF-8; only what normalize produced must be valid */
	free(p.description);
	free(p.location_raw);
	free(p.title);
	p.description = p.location_raw = p.title = NULL;
	if (p.country && !normalize_country(p.country)) {
		free(p.country);
		p.country = NULL;
	}
	if (p.location && p.location == s) /* never: location is a copy */
		abort();
	free(p.location);
	p.location = NULL;
	free(p.salary_text);
	p.salary_text = NULL;
	j = posting_to_json(&p);
	if (!j)
		abort();
	json_decref(j);
	posting_release(&p);
	free(s);
	return 0;
}
