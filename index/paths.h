/*
 * paths.h - where twentejobs finds its shipped data files (lexicons,
 * town list, language model).
 *
 * Order: $TWENTEJOBS_DATA, then "<dir of the executable>/../data" (so
 * bin/twentejobs finds the checkout's data/ from any working directory),
 * then "./data".  Thread-safe after the first call from main (it caches).
 */
#ifndef TJ_PATHS_H
#define TJ_PATHS_H

#include <stddef.h>
#include "err.h"

/* The data directory; borrowed, valid for the life of the process. */
const char *tj_data_dir(void);

/* "<data dir>/<name>" in a malloc'd string the caller frees; NULL on OOM. */
char *tj_data_path(const char *name);

/* Read a whole file (at most max bytes, else TJ_ETOOBIG) into a malloc'd,
 * NUL-terminated buffer the caller frees.  Errors name the file. */
enum tj_code tj_read_file(const char *path, size_t max, char **out, size_t *len) TJ_WUR;

#endif
