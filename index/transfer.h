/*
 * transfer.h - export, import and backup of the database (see transfer.c).
 */
#ifndef TJ_TRANSFER_H
#define TJ_TRANSFER_H

#include <jansson.h>
#include <stdio.h>
#include "db.h"

/* Write every posting as jsonl (with history) or csv to out; *n gets the
 * count.  Runs in one read transaction: a consistent snapshot. */
enum tj_code transfer_export(struct db *db, bool csv, FILE *out, long *n) TJ_WUR;

/*
 * Import jsonl records from in (the export format).  A record whose key
 * is already present is skipped unless replace is set.  All or nothing:
 * one transaction; a bad line is TJ_EPARSE naming its line number.
 * *added and *skipped get the counts.
 */
enum tj_code transfer_import(struct db *db, FILE *in, const char *name, bool replace,
			     long *added, long *skipped) TJ_WUR;

/* Copy the database at src (may be in use) to dest, which must not exist. */
enum tj_code transfer_backup(struct db *src, const char *dest) TJ_WUR;

int cmd_export(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_backup(int argc, char **argv);

#endif
