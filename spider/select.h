/*
 * select.h - a CSS selector subset on gumbo trees, for rules with strategy
 * "selectors" (rules/README.md, "Selectors").
 *
 * A selector is compiled once (select_compile) and then matched against
 * any number of documents.  The subset, per Selectors Level 4:
 *
 *   type          h1   job-card   *          (tag names ignore case)
 *   id, class     #main   .vacancy.open      (case-sensitive)
 *   attribute     [href]  [rel=canonical]  [data-x="a b"]
 *                 [a~=word] [a|=nl] [a^=pre] [a$=suf] [a*=sub]
 *                 with an optional ` i` flag: [type="TEXT" i]
 *   pseudo-class  :nth-of-type(AN+B)  :nth-child(AN+B)  :nth-last-of-type()
 *                 :nth-last-child()  :first-of-type  :last-of-type
 *                 :first-child  :last-child  :only-child  :root  :scope
 *                 :not(COMPOUND)  (AN+B is 3, odd, even, 2n+1, -n+3, n ...)
 *   combinators   descendant (space), child >, next sibling +, sibling ~
 *   groups        h1, h2.title
 *
 * CSS escapes (\: \31 ) work in names and strings.  Not supported (a
 * compile error naming the offset): pseudo-elements (::before), the
 * namespace bar, :has(), :is(), :hover and other dynamic pseudo-classes,
 * :not() with combinators or nested :not().
 *
 * Matching follows Element.querySelectorAll(): the candidates are the
 * elements below the root passed in, and ancestors and siblings outside
 * the root still count for combinators ("div.list a" scoped to an item
 * <li> matches the item's links when the <div class="list"> is above the
 * item).  :scope is the root, or the <html> element when the root is the
 * document.  One difference: the root itself is a candidate too when the
 * last compound says :scope, so ":scope" (or "a:scope") scoped to an item
 * finds the item - querySelectorAll() would find nothing.
 *
 * How: one iterative pass over the tree computes, for each element, a bit
 * mask of the selector prefixes it matches (bit i: "matches compounds
 * 0..i with their combinators"), from its parent's mask, the OR of its
 * ancestors' masks and its previous siblings' masks.  So a selector costs
 * O(elements x compounds) however it combines descendant and child
 * combinators - no backtracking - and no recursion: a 100 000-deep page
 * cannot overflow the C stack.
 *
 * Limits: SELECT_MAX_LEN bytes of selector text, SELECT_MAX_COMPOUNDS
 * compound selectors in a group (all its comma-separated parts).
 *
 * Thread-safety: a compiled selector is immutable and may be used by any
 * number of threads at once; matching allocates per call.
 */
#ifndef TJ_SELECT_H
#define TJ_SELECT_H

#include <gumbo.h>
#include <stdbool.h>
#include <stddef.h>

#include "err.h"

#define SELECT_MAX_LEN 1024
#define SELECT_MAX_COMPOUNDS 64

struct selector;

/*
 * Compile css (NUL-terminated).  On success *out is the caller's, freed
 * with select_free().  Errors (*out NULL): TJ_EPARSE with a message that
 * names the byte offset, e.g. "unexpected ')' at offset 7" or "unknown
 * pseudo-class ':hover' at offset 2"; TJ_ETOOBIG for a selector longer than
 * SELECT_MAX_LEN or with more than SELECT_MAX_COMPOUNDS compounds;
 * TJ_ENOMEM.
 */
enum tj_code select_compile(const char *css, struct selector **out) TJ_WUR;

/* select_compile(), also storing the error's byte offset in *offset (may
 * be NULL; set to 0 on success and for errors without a position). */
enum tj_code select_compile_at(const char *css, struct selector **out, size_t *offset) TJ_WUR;

void select_free(struct selector *s);   /* NULL is a no-op */

/* The text it was compiled from; borrowed. */
const char *select_source(const struct selector *s);

/*
 * Called for each matching element in document order; return false to
 * stop the search.
 */
typedef bool (*select_cb)(const GumboNode *el, void *ctx);

/*
 * Call cb for every element below root (a document, element or template
 * node) that s matches, each once, in document order.  TJ_ENOMEM when the
 * walk cannot allocate; TJ_OK otherwise, also when cb stopped it.
 */
enum tj_code select_all(const struct selector *s, const GumboNode *root, select_cb cb,
			void *ctx) TJ_WUR;

/* The first match below root in *out, or NULL when there is none.  TJ_ENOMEM. */
enum tj_code select_first(const struct selector *s, const GumboNode *root,
			  const GumboNode **out) TJ_WUR;

/*
 * Up to max matches (0 = no cap) in a malloc'd array *out (the caller
 * frees the array, not the nodes, which belong to the tree); *n set.
 * *truncated (may be NULL) tells whether more matched.  TJ_ENOMEM.
 */
enum tj_code select_list(const struct selector *s, const GumboNode *root, size_t max,
			 const GumboNode ***out, size_t *n, bool *truncated) TJ_WUR;

#endif
