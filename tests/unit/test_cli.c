/*
 * test_cli.c - the shared option parsing of the database commands
 * (index/cli.c): values, flags, --db, --help, positional arguments and
 * every usage mistake answered with exit status 2.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char *fmt, *out;
static bool flag;
static const struct cli_opt opts[] = {
	{ "format", 0, &fmt, NULL },
	{ "output", 'o', &out, NULL },
	{ "replace", 0, NULL, &flag },
	{ NULL, 0, NULL, NULL },
};

static int run(int argc, char **argv, const char *args, const char **db, int *first)
{
	fmt = out = NULL;
	flag = false;
	*db = "default.db";
	*first = -7;
	return cli_parse(argc, argv, "usage: test\n", opts, args, db, first);
}

static void test_options_and_arguments(void **state)
{
	char *a1[] = { "cmd", "--db", "x.db", "--format=csv", "-o", "f.out", "--replace", "DEST", NULL };
	char *a2[] = { "cmd", "-ofile", "DEST", NULL };
	char *a3[] = { "cmd", NULL };
	const char *db;
	int first;

	(void)state;
	assert_int_equal(run(8, a1, "DEST", &db, &first), -1);
	assert_string_equal(db, "x.db");
	assert_string_equal(fmt, "csv");
	assert_string_equal(out, "f.out");
	assert_true(flag);
	assert_int_equal(first, 7);
	assert_string_equal(a1[first], "DEST");

	assert_int_equal(run(3, a2, "DEST", &db, &first), -1);
	assert_string_equal(out, "file");
	assert_null(fmt);
	assert_false(flag);
	assert_string_equal(db, "default.db");

	assert_int_equal(run(1, a3, NULL, &db, &first), -1);
	assert_int_equal(first, 1);
}

static void test_usage_errors(void **state)
{
	char *unknown[] = { "cmd", "--bogus", NULL };
	char *no_value[] = { "cmd", "--format", NULL };
	char *no_db[] = { "cmd", "--db", NULL };
	char *extra[] = { "cmd", "stray", NULL };
	char *missing[] = { "cmd", "--replace", NULL };
	char *two[] = { "cmd", "a", "b", NULL };
	char *flag_value[] = { "cmd", "--replace=yes", "A", NULL };
	const char *db;
	int first;

	(void)state;
	assert_int_equal(run(2, unknown, NULL, &db, &first), 2);
	assert_int_equal(run(2, no_value, NULL, &db, &first), 2);
	assert_int_equal(run(2, no_db, NULL, &db, &first), 2);
	assert_int_equal(run(2, extra, NULL, &db, &first), 2);
	assert_int_equal(run(2, missing, "FILE", &db, &first), 2);
	assert_int_equal(run(3, two, "FILE", &db, &first), 2);
	assert_int_equal(run(3, flag_value, "FILE", &db, &first), 2);
	assert_int_equal(first, -7);    /* untouched on error */
}

static void test_help(void **state)
{
	char *h1[] = { "cmd", "--help", NULL };
	char *h2[] = { "cmd", "-h", "ignored", "args", NULL };
	const char *db;
	int first;

	(void)state;
	assert_int_equal(run(2, h1, "FILE", &db, &first), 0);
	assert_int_equal(run(4, h2, "FILE", &db, &first), 0);
}

/* several positional arguments, named by words */
static void test_two_arguments(void **state)
{
	char *a[] = { "cmd", "SRC", "--replace", "DST", NULL };
	const char *db;
	int first;

	(void)state;
	assert_int_equal(run(4, a, "SRC DST", &db, &first), -1);
	assert_true(flag);
	assert_string_equal(a[first], "SRC");
	assert_string_equal(a[first + 1], "DST");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_options_and_arguments),
		cmocka_unit_test(test_usage_errors),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_two_arguments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
