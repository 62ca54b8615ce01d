/*
 * cli.c - shared option parsing for the database commands (see cli.h).
 *
 * The getopt_long table is built per call from the command's extra
 * options, with --db and --help always first; option values are returned
 * through pointers, so a command reads like its usage line.
 */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#define CLI_MAX_OPTS 16

int cli_parse(int argc, char **argv, const char *usage, const struct cli_opt *extra,
	      const char *args, const char **db, int *first)
{
	struct option longopts[CLI_MAX_OPTS + 3] = {
		{ "db", required_argument, NULL, 1 },
		{ "help", no_argument, NULL, 'h' },
	};
	/* the leading ':' makes a missing value ':' rather than '?' */
	char shorts[2 * CLI_MAX_OPTS + 3] = ":h";
	const char *cmd = argv[0];
	size_t n = 0, s = 2;
	int ch, want = 0;

	for (; extra && extra[n].name && n < CLI_MAX_OPTS; n++) {
		longopts[n + 2].name = extra[n].name;
		longopts[n + 2].has_arg = extra[n].value ? required_argument : no_argument;
		longopts[n + 2].val = 256 + (int)n;
		if (extra[n].short_name) {
			shorts[s++] = extra[n].short_name;
			if (extra[n].value)
				shorts[s++] = ':';
		}
	}
	for (const char *a = args; a && *a; want++) {
		a += strcspn(a, " ");
		a += strspn(a, " ");
	}
	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, shorts, longopts, NULL)) != -1) {
		size_t i = n;

		if (ch == 1) {
			*db = optarg;
			continue;
		}
		if (ch == 'h') {
			fputs(usage, stdout);
			return 0;
		}
		if (ch >= 256)
			i = (size_t)(ch - 256);
		else
			for (i = 0; i < n && extra[i].short_name != ch; i++)
				;
		if (i == n) {
			if (ch == ':')
				fprintf(stderr, "twentejobs %s: option '%s' needs a value (see --help)\n",
					cmd, argv[optind - 1]);
			else
				fprintf(stderr, "twentejobs %s: unknown option '%s' (see --help)\n", cmd,
					argv[optind - 1]);
			return 2;
		}
		if (extra[i].value)
			*extra[i].value = optarg;
		else
			*extra[i].flag = true;
	}
	if (argc - optind != want) {
		if (argc - optind > want && !want)
			fprintf(stderr, "twentejobs %s: unexpected argument '%s' (see --help)\n", cmd,
				argv[optind]);
		else
			fprintf(stderr, "twentejobs %s: expected %s (see --help)\n", cmd, args);
		return 2;
	}
	*first = optind;
	return -1;
}
