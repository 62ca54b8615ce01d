/*
 * dedupe.c - text normalisation, simhash and the grouping key for
 * near-duplicate postings (see dedupe.h).
 *
 * How it works: the description is normalised (dedupe_normalise), split
 * into words, and every run of three consecutive words (a shingle) is
 * hashed with FNV-1a 64 followed by the splitmix64 finaliser (FNV alone
 * spreads short inputs poorly over the high bits).  Each hash votes +1/-1
 * on each of the 64 bit positions; the simhash has a bit set where the
 * vote is positive (Charikar, "Similarity estimation techniques from
 * rounding algorithms", STOC 2002; Manku et al., "Detecting near-duplicates
 * for web crawling", WWW 2007, which uses 64 bits and distance 3).
 *
 * Shingles rather than single words so that word order counts: two
 * vacancies from one employer share most of their vocabulary but few
 * three-word runs.
 *
 * Limits: only Latin-1 diacritics are folded (the region's languages are
 * Dutch, German and English); other scripts compare byte for byte.  A
 * very short description gives a hash that moves a lot with one word, so
 * short texts are rarely near unless equal - the safe direction.
 */
#include "dedupe.h"

#include <stdlib.h>
#include <string.h>

/* Folding of U+00C0..U+00FF (second UTF-8 byte 0x80..0xBF after 0xC3);
 * NULL = not a letter (×, ÷), treated as punctuation. */
static const char *const latin1[64] = {
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	"d", "n", "o", "o", "o", "o", "o", NULL, "o", "u", "u", "u", "u", "y", "th", "ss",
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	"d", "n", "o", "o", "o", "o", "o", NULL, "o", "u", "u", "u", "u", "y", "th", "y",
};

char *dedupe_normalise(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	/* folding never more than doubles a character: "ß" (2 bytes) -> "ss" */
	char *out = malloc(n + 1), *o = out;
	bool space = true;      /* suppress leading and repeated spaces */

	if (!out)
		return NULL;
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; ) {
		const char *fold = NULL;
		size_t len = 1;
		char one[2] = { 0, 0 };

		if (*p < 0x80) {
			if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')) {
				one[0] = (char)*p;
				fold = one;
			} else if (*p >= 'A' && *p <= 'Z') {
				one[0] = (char)(*p - 'A' + 'a');
				fold = one;
			}
		} else if (*p == 0xC3 && p[1] >= 0x80 && p[1] <= 0xBF) {
			fold = latin1[p[1] - 0x80];
			len = 2;
		} else if (*p == 0xC2 && p[1] >= 0x80 && p[1] <= 0xBF) {
			len = 2;        /* Latin-1 punctuation, NBSP, currency signs */
		} else if (*p >= 0xC0) {
			/* another script: keep the whole sequence as a word character */
			len = *p >= 0xF0 ? 4 : *p >= 0xE0 ? 3 : 2;
			for (size_t i = 1; i < len; i++)
				if ((p[i] & 0xC0) != 0x80) {
					len = i;
					break;
				}
			if (!(len == 3 && p[0] == 0xE2 && p[1] == 0x80)) {  /* U+20xx: dashes, quotes */
				memcpy(o, p, len);
				o += len;
				space = false;
				p += len;
				continue;
			}
		}
		/* a stray continuation byte is punctuation, one byte at a time */
		if (fold) {
			size_t fl = strlen(fold);

			memcpy(o, fold, fl);
			o += fl;
			space = false;
		} else if (!space) {
			*o++ = ' ';
			space = true;
		}
		p += len;
	}
	if (o > out && o[-1] == ' ')
		o--;
	*o = '\0';
	return out;
}

static uint64_t mix(uint64_t h)
{
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return h;
}

static uint64_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return mix(h);
}

uint64_t dedupe_simhash(const char *text, bool *ok)
{
	char *norm = dedupe_normalise(text);
	const char *w[3];       /* starts of the last three words */
	long vote[64] = { 0 };
	size_t nw = 0;
	uint64_t out = 0;

	*ok = norm != NULL;
	if (!norm || !*norm) {
		free(norm);
		return 0;
	}
	/* words are separated by exactly one space: a shingle is the span
	 * from the first word's start to the third word's end */
	for (const char *p = norm; ; ) {
		const char *end = strchr(p, ' ');

		if (!end)
			end = p + strlen(p);
		w[nw % 3] = p;
		nw++;
		if (nw >= 3) {
			const char *start = w[(nw - 3) % 3];
			uint64_t h = hash_bytes(start, (size_t)(end - start));

			for (int b = 0; b < 64; b++)
				vote[b] += (h >> b) & 1 ? 1 : -1;
		}
		if (!*end)
			break;
		p = end + 1;
	}
	if (nw < 3) {
		uint64_t h = hash_bytes(norm, strlen(norm));

		for (int b = 0; b < 64; b++)
			vote[b] += (h >> b) & 1 ? 1 : -1;
	}
	for (int b = 0; b < 64; b++)
		if (vote[b] > 0)
			out |= 1ULL << b;
	free(norm);
	return out;
}

int dedupe_distance(uint64_t a, uint64_t b)
{
	return __builtin_popcountll(a ^ b);
}

bool dedupe_near(uint64_t a, uint64_t b)
{
	return dedupe_distance(a, b) <= DEDUPE_MAX_DISTANCE;
}

char *dedupe_key(const char *title, const char *town, bool *oom)
{
	char *t = NULL, *c = NULL, *out = NULL;
	size_t tl, cl;

	*oom = false;
	if (!title || !town)
		return NULL;
	t = dedupe_normalise(title);
	c = dedupe_normalise(town);
	if (!t || !c) {
		*oom = true;
		goto out;
	}
	if (!*t || !*c)
		goto out;
	tl = strlen(t);
	cl = strlen(c);
	out = malloc(tl + cl + 2);
	if (!out) {
		*oom = true;
		goto out;
	}
	memcpy(out, t, tl);
	out[tl] = '|';
	memcpy(out + tl + 1, c, cl + 1);
out:
	free(t);
	free(c);
	return out;
}
