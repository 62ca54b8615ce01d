/*
 * dedupe.h - near-duplicate detection for postings (issue 6): the same
 * vacancy on an employer's site and an agency's, on two sites, or twice
 * on one site.
 *
 * Two postings are candidates when their dup keys are equal (normalised
 * title + town, employer-agnostic because agencies anonymise the employer);
 * dedupe_same_vacancy() then decides from the descriptions and who
 * advertises (see dedupe.c for the rule and the figures behind it).
 * Which one is kept is index/store.c's business.
 *
 * Every function is pure and thread-safe.
 */
#ifndef TJ_DEDUPE_H
#define TJ_DEDUPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

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
 * (caller frees).  The title loses gender markers ("(m/v/x)", "(m/w/d)")
 * and the town's name, which agencies add ("Operator Hengelo"), unless
 * nothing would be left.  NULL when title or town is missing or normalises to
 * nothing (such postings are never grouped), or on OOM (*oom set).
 */
char *dedupe_key(const char *title, const char *town, bool *oom);

/*
 * What dedupe_same_vacancy() needs to know of one posting.  Filled by
 * dedupe_doc_init(), freed by dedupe_doc_release(); not shared between
 * threads while being filled, read-only afterwards.
 */
struct dedupe_term {
	uint64_t hash;          /* of the normalised word */
	uint32_t weight;        /* longer words are rarer: see dedupe.c */
};

struct dedupe_doc {
	struct dedupe_term *terms;  /* distinct content words, sorted by hash */
	size_t n;
	uint64_t weight;            /* sum of terms[].weight */
	uint64_t simhash;           /* dedupe_simhash() of the description */
	char *text;                 /* the normalised description */
	char *employer;             /* normalised, legal form dropped; NULL if unknown */
	bool agency;                /* advertised by a staffing agency */
};

/* Similarity at or above which an agency's (or an employer's second)
 * rewording of a description counts as the same vacancy, and the lower
 * bar when the agency names the employer. */
#define DEDUPE_MIN_SIMILARITY 0.38
#define DEDUPE_MIN_SIMILARITY_NAMED 0.30
/* Fewer distinct content words than this: too little text to tell a
 * rewording from a different job; only the simhash test applies. */
#define DEDUPE_MIN_TERMS 12
/* Only the first this many bytes of a normalised description are read. */
#define DEDUPE_MAX_TEXT (64 * 1024)

/*
 * Fill *d from a posting's description, employer name (the posting's or
 * its source's; NULL if unknown) and whether an agency advertises it.
 * Either argument may be NULL.  TJ_ENOMEM on allocation failure, with *d
 * left safe to release.  Release with dedupe_doc_release() in every case.
 */
enum tj_code dedupe_doc_init(struct dedupe_doc *d, const char *description,
			     const char *employer, bool agency) TJ_WUR;

/* Free what *d holds; *d may then be initialised again.  NULL is a no-op. */
void dedupe_doc_release(struct dedupe_doc *d);

/*
 * Weighted Jaccard similarity of the content-word sets, in [0, 1]: the
 * weight of the words both use over the weight of the words either uses.
 * 0 when both are empty.
 */
double dedupe_similarity(const struct dedupe_doc *a, const struct dedupe_doc *b);

/*
 * Whether two postings that share a dup key are the same vacancy: their
 * simhashes are near (the same text, give or take a few words), or
 * neither is too short, they are not two different employers' own
 * postings, and dedupe_similarity() reaches DEDUPE_MIN_SIMILARITY
 * (DEDUPE_MIN_SIMILARITY_NAMED when the agency names the employer in its
 * text or employer field).  Symmetric.
 */
bool dedupe_same_vacancy(const struct dedupe_doc *a, const struct dedupe_doc *b);

/* Whether a normalised word is on the built-in stop list (Dutch, English,
 * German function words and vacancy boilerplate); n is its length. */
bool dedupe_is_stopword(const char *w, size_t n);

#endif
