/*
 * fts_stem.h - the "tj_stem" FTS5 tokenizer: unicode61 folding plus English
 * and Dutch Snowball stems, so "ontwikkelaars" finds "ontwikkelaar",
 * "engineers" finds "engineer" and "Munster" finds "Münster".
 */
#ifndef TJ_FTS_STEM_H
#define TJ_FTS_STEM_H

#include <sqlite3.h>
#include "err.h"

/*
 * Register the "tj_stem" tokenizer and the tj_snippet() auxiliary function
 * (snippet()'s arguments and output, cheaper) on one connection.  Must run before the
 * connection touches jobs_fts (db_open calls it before migrating).
 * Arguments given in the table definition after the name are passed on to
 * unicode61 (e.g. "tj_stem remove_diacritics 2 tokenchars '+#'").
 * TJ_EDB if the connection has no FTS5.  The registration is per
 * connection; call it from the thread that owns the connection.
 */
enum tj_code fts_stem_register(sqlite3 *h) TJ_WUR;

/*
 * A query phrase whose text starts with one of these bytes is stemmed with
 * that one stemmer only: `("\x01engineers" OR "\x02engineers")` asks FTS5
 * for a cheap doclist OR of two plain terms instead of one term with
 * colocated synonyms, whose position lists FTS5 merges row by row (about
 * three times slower on words in most postings).
 */
#define FTS_STEM_ONLY_EN '\x01'
#define FTS_STEM_ONLY_NL '\x02'


#endif
