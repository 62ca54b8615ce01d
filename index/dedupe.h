/*
 * dedupe.h - near-duplicate detection for postings (issue 6): the same
 * vacancy on an employer's site and an agency's, on two sites, or twice
 * on one site.
 *
 * Two postings are duplicates when their dup keys are equal (normalised
 * title + town, employer-agnostic because agencies anonymise the employer)
 * and their description simhashes differ in at most DEDUPE_MAX_DISTANCE
 * bits.  Which one is kept is index/store.c's business.
 *
 * Every function is pure and thread-safe.
 */
#ifndef TJ_DEDUPE_H
#define TJ_DEDUPE_H

#include <stdbool.h>
#include <stdint.h>

/* Hamming distance at or below which two simhashes count as near. */
#define DEDUPE_MAX_DISTANCE 3

/*
 * Text folded for comparison: lowercase, Latin-1 diacritics folded
 * ("é" -> "e", "ß" -> "ss"), every run of punctuation and white space one
 * space, no leading or trailing space.  Other non-ASCII UTF-8 is kept as
 * word characters.  Returns a malloc'd string (caller frees); NULL on OOM.
 * s NULL is treated as "".
 */
char *dedupe_normalise(const char *s);

/*
 * 64-bit simhash (Charikar) of the normalised text over word 3-shingles
 * (a text of fewer than three words is one shingle).  0 for an empty
 * text.  Fails only on OOM (TJ_ENOMEM via *ok = false).
 */
uint64_t dedupe_simhash(const char *text, bool *ok);

/* Number of differing bits. */
int dedupe_distance(uint64_t a, uint64_t b);

/* dedupe_distance(a, b) <= DEDUPE_MAX_DISTANCE */
bool dedupe_near(uint64_t a, uint64_t b);

/*
 * The grouping key "<normalised title>|<normalised town>", malloc'd
 * (caller frees).  NULL when title or town is missing or normalises to
 * nothing (such postings are never grouped), or on OOM (*oom set).
 */
char *dedupe_key(const char *title, const char *town, bool *oom);

#endif
