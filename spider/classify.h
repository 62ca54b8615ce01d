/*
 * classify.h - what a posting says about language, international
 * friendliness, the Dutch requirement, seniority and who advertises it.
 *
 * The result is struct classification in posting.h, whose JSON form is
 * SPEC.md's "classification object".  The signal lexicon is data, not code:
 * data/signals.tsv (format documented at the top of that file) is compiled
 * with pcre2 at load time; the language model is trained from
 * data/lang/<code>.txt (see langid.h).
 *
 * Reason codes.  international.reasons lists every signal that was used,
 * each {"code", "evidence"} where evidence is text copied from the posting
 * (a byte-for-byte substring of the title, description or employer,
 * trimmed, at most CLASSIFY_EVIDENCE_MAX bytes, cut at a character
 * boundary).  Codes come from the lexicon, plus these built-in ones:
 *   english_posting, dutch_posting, german_posting, other_language_posting
 *       the detected language, evidence = the first sentence of the
 *       description (of the title when there is none);
 * Level signals have codes starting "level_", advertiser signals codes
 * starting "agency_" or "direct_", so a consumer that wants only the
 * international signals can filter by prefix.
 */
#ifndef TJ_CLASSIFY_H
#define TJ_CLASSIFY_H

#include "err.h"
#include "posting.h"

#define CLASSIFY_EVIDENCE_MAX 120

struct classifier;

/*
 * Load the lexicon "<data_dir>/signals.tsv" and train the language model
 * from "<data_dir>/lang/".  data_dir NULL means tj_data_dir().  Errors name
 * the data file and line: "data/signals.tsv:12: pattern does not compile:
 * missing closing parenthesis at offset 7".  *out is the caller's, freed
 * with classifier_free().  The loaded classifier is immutable: share one
 * between any number of threads.
 */
enum tj_code classifier_load(const char *data_dir, struct classifier **out) TJ_WUR;

/* Same, but the lexicon is read from lexicon_path (tests, curators trying a
 * new file); the language model still comes from data_dir. */
enum tj_code classifier_load_files(const char *data_dir, const char *lexicon_path,
				   struct classifier **out) TJ_WUR;

/* NULL is a no-op. */
void classifier_free(struct classifier *c);

/* How many lexicon lines were compiled (for diagnostics). */
size_t classifier_signal_count(const struct classifier *c);

/*
 * Fill p->cls from p->title, p->description and p->employer (any may be
 * NULL): language and confidence, the international label, score and
 * reasons, dutch_required, level and advertiser; sets p->cls.done.  Any
 * previous classification is released first.  advertiser_hint is the
 * source rule's advertiser ("employer" or "agency") or NULL; "agency" is
 * taken as fact, "employer" only as the default when the text says
 * nothing.  Thread-safe: c is only read, scratch memory is per call.
 * Errors: TJ_ENOMEM (p->cls is left released, done false).
 */
enum tj_code classify_posting(const struct classifier *c, struct posting *p,
			      const char *advertiser_hint) TJ_WUR;

/*
 * For tests: how many lexicon patterns match text although their literal
 * prefilter (reqlit.h) says they cannot.  Must be 0; anything else is a bug
 * in reqlit.c that would make the classifier miss signals.
 */
size_t classifier_prefilter_misses(const struct classifier *c, const char *text);

/* twentejobs classify [--data DIR] FILE|- (see SPEC.md). */
int cmd_classify(int argc, char **argv);

#endif
