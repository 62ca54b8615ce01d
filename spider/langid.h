/*
 * langid.h - language identification of posting text (en, nl, de, others, und).
 *
 * A character n-gram (1..4 bytes) naive-Bayes model trained at load time
 * from the plain-text samples shipped in data/lang/<code>.txt.  Loading is a
 * few milliseconds; the model is immutable afterwards and may be shared by
 * any number of threads.  spider/langid.c explains the design and why we do
 * not use libexttextcat or CLD2 (scripts/bench-classify measures both).
 */
#ifndef TJ_LANGID_H
#define TJ_LANGID_H

#include <stddef.h>
#include "err.h"

struct langid;

/* The result of one identification. */
struct langid_result {
	char lang[8];           /* "en", "nl", "de", "fr", "es", "it", "pl", "pt" or "und" */
	double confidence;      /* 0..1; 0 for "und" on empty text */
	size_t ngrams;          /* how many n-grams were scored */
};

/*
 * Train a model from "<dir>/lang/<code>.txt" for every code in the built-in
 * list (en, nl, de, fr, es, it, pl, pt).  dir NULL means tj_data_dir().  *out is the caller's,
 * freed with langid_free().  Errors (TJ_EIO, TJ_EPARSE, TJ_ENOMEM) name the
 * file.
 */
enum tj_code langid_load(const char *dir, struct langid **out) TJ_WUR;

/* NULL is a no-op. */
void langid_free(struct langid *lid);

/*
 * Identify the language of text[0..len).  Text may be any bytes (invalid
 * UTF-8 is treated as opaque bytes).  At most the first LANGID_MAX_SCAN
 * bytes are scored: past that the answer does not change and the cost
 * would.  Returns "und" when the text has fewer than a few letters or is
 * unlike every trained language.  Thread-safe; never fails.
 */
#define LANGID_MAX_SCAN 6000
void langid_detect(const struct langid *lid, const char *text, size_t len,
		   struct langid_result *res);

#endif
