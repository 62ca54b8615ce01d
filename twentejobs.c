/*
 * twentejobs.c - the one binary: dispatch a subcommand to its cmd_<name>().
 *
 * Like git.c, this file only knows the command table; each cmd_<name>()
 * lives next to the code it drives (spider/robots.c has cmd_robots, ...).
 * Every command returns its exit status: 0 success, 1 failure (after one
 * line on stderr), 2 wrong usage.
 */
#include <stdio.h>
#include <string.h>

#include "curl/curl.h"
#include "db.h"
#include "log.h"
#include "version.h"

int cmd_crawl(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_search(int argc, char **argv);
int cmd_sources(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_robots(int argc, char **argv);
int cmd_extract(int argc, char **argv);
int cmd_classify(int argc, char **argv);

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

static const struct command commands[] = {
	{ "crawl", cmd_crawl, "crawl the sources politely and update the index" },
	{ "serve", cmd_serve, "serve the HTTP JSON API" },
	{ "search", cmd_search, "search the index from the shell" },
	{ "sources", cmd_sources, "show each source's crawl health" },
	{ "export", cmd_export, "export every posting (jsonl or csv)" },
	{ "import", cmd_import, "import postings from an export" },
	{ "backup", cmd_backup, "make a consistent copy of the database" },
	{ "migrate", cmd_migrate, "upgrade the database to this version's schema" },
	{ "check", cmd_check, "verify the database and its full-text index" },
	{ "rules", cmd_rules, "validate rule files; test a rule on a saved page" },
	{ "robots", cmd_robots, "show robots.txt decisions for URLs" },
	{ "extract", cmd_extract, "print the postings found on a saved page" },
	{ "classify", cmd_classify, "classify one posting given as JSON" },
};

static void usage(FILE *out)
{
	fprintf(out, "usage: twentejobs COMMAND [OPTIONS]\n\n"
		     "Crawl Twente employers' career pages into a searchable index.\n\n"
		     "commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].help);
	fprintf(out, "\n'twentejobs COMMAND --help' describes a command's options.\n"
		     "The database is --db FILE (default twentejobs.db, or $TWENTEJOBS_DB).\n");
}

int main(int argc, char **argv)
{
	int rc;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("twentejobs %s (database schema %d)\n", TJ_VERSION, db_schema_version());
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name))
			continue;
		/* libcurl's global state must be set up before any thread exists */
		if (curl_global_init(CURL_GLOBAL_DEFAULT)) {
			fprintf(stderr, "twentejobs: cannot initialise libcurl\n");
			return 1;
		}
		rc = commands[i].fn(argc - 1, argv + 1);
		curl_global_cleanup();
		return rc;
	}
	fprintf(stderr, "twentejobs: unknown command '%s' (see 'twentejobs --help')\n", argv[1]);
	return 2;
}
