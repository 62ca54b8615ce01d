/*
 * cli.h - the option parsing every database command shares.
 *
 * sources, export, import, backup and migrate all take --db FILE, --help,
 * a few options of their own and a fixed number of arguments, and answer
 * usage mistakes alike (SPEC.md: exit status 2 and one line on stderr).
 * cli_parse() is that shape once, on top of getopt_long.
 */
#ifndef TJ_CLI_H
#define TJ_CLI_H

#include <stdbool.h>

/* One option besides --db and --help.  Exactly one of value and flag is set. */
struct cli_opt {
	const char *name;       /* long name, without "--" */
	char short_name;        /* 0 = none */
	const char **value;     /* takes an argument, stored here (borrowed from argv) */
	bool *flag;             /* takes none: set true when given */
};

/*
 * Parse argv (argv[0] is the command name).  *db starts as the default and
 * is set by --db.  extra ends with a zeroed entry (may be NULL).  args
 * names the positional arguments expected, one word each ("DEST"), or is
 * NULL for none.  Returns -1 when the command should go on, with
 * argv[*first...] the positional arguments; else the exit status: 0 after
 * printing usage (on stdout), 2 after a one-line message on stderr.
 * Not thread-safe (getopt's globals).
 */
int cli_parse(int argc, char **argv, const char *usage, const struct cli_opt *extra,
	      const char *args, const char **db, int *first);

#endif
