/*
 * report.h - read-only views of the database for the command line:
 * `twentejobs sources` (crawl health per source).
 */
#ifndef TJ_REPORT_H
#define TJ_REPORT_H

#include <jansson.h>
#include "db.h"

/*
 * Crawl health of every source as a JSON array (new reference in *out):
 * id, employer, website, town, last run (status, times, counts, errors by
 * kind, message), and active / expired posting counts.
 */
enum tj_code report_sources(struct db *db, json_t **out) TJ_WUR;

int cmd_sources(int argc, char **argv);

#endif
