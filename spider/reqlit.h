/*
 * reqlit.h - the literals a regular expression cannot match without.
 *
 * A prefilter for the classifier's lexicon: from a PCRE2 pattern's source
 * text, derive literals any match must contain
 * ("\bDutch\s+is\s+(?:required|a must)" -> "dutch" and one of {"required",
 * "a must"}).  One scan of the text for all literals of all patterns
 * (reqlit_index) then skips most patterns on most postings without running
 * them.  See reqlit.c for the rules and what makes a pattern unfilterable.
 */
#ifndef TJ_REQLIT_H
#define TJ_REQLIT_H

#include <stdbool.h>
#include <stddef.h>
#include "err.h"

/* Any of these literals must occur. */
struct reqlit_set {
	char **v;       /* lowercase ASCII */
	size_t *len;
	unsigned *id;   /* each literal's id in a reqlit_index (set by its build) */
	size_t n;
};

/* A pattern may match only if, for some branch, every set has a literal in
 * the text: an OR of ANDs of ORs.  nb == 0 means no usable literal: always
 * run the pattern. */
struct reqlit {
	struct reqlit_branch {
		struct reqlit_set *sets;
		size_t nsets;
	} *b;
	size_t nb;
};

/*
 * Analyse pattern (PCRE2 syntax, meant to be compiled caseless).  Never
 * fails on odd syntax: what it does not understand only weakens the
 * filter.  TJ_ENOMEM is the only error.  out is released with
 * reqlit_release().
 */
enum tj_code reqlit_from_pattern(const char *pattern, struct reqlit *out) TJ_WUR;
void reqlit_release(struct reqlit *r);

/* May the pattern match text (lowercased with reqlit_lower)?  Thread-safe. */
bool reqlit_test(const struct reqlit *r, const char *lower, size_t len);

/* Copy src[0..len) to dst with ASCII letters lowercased. */
void reqlit_lower(char *dst, const char *src, size_t len);

/*
 * All literals of many patterns in one Aho-Corasick automaton (Aho &
 * Corasick 1975, "Efficient string matching"), so a text is scanned once
 * for all of them instead of once per literal.  Built once, immutable,
 * shared between threads.
 */
struct reqlit_index;

/* Build the automaton over the literals of sets[0..n) and set their ids.
 * *out is the caller's, freed with reqlit_index_free(). */
enum tj_code reqlit_index_build(struct reqlit *sets, size_t n, size_t stride,
				struct reqlit_index **out) TJ_WUR;
void reqlit_index_free(struct reqlit_index *ix);     /* NULL is a no-op */

/* Words in the "seen" bitset reqlit_index_scan fills. */
size_t reqlit_index_words(const struct reqlit_index *ix);

/* Mark in seen[] (reqlit_index_words() words, zeroed by the caller) every
 * literal that occurs in text[0..len), ASCII case-insensitively. */
void reqlit_index_scan(const struct reqlit_index *ix, const char *text, size_t len,
		       unsigned long long *seen);

/* May the pattern behind r match a text whose scan gave seen[]? */
bool reqlit_index_test(const struct reqlit *r, const unsigned long long *seen);

#endif
