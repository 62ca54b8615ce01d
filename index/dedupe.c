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
 * A simhash only catches a copy with a few words changed.  Agencies
 * rewrite: the demo web's olympia reposts of twence's operator and
 * nijhof-wassink's chauffeur are 26 and 27 bits away, and share only
 * 0.45-0.49 of their words (plain Jaccard) while demcon's and xsens's two
 * different "Embedded Software Engineer" jobs share 0.30.  So
 * dedupe_same_vacancy() also accepts a pair whose content words overlap
 * enough, measured as a weighted Jaccard: the words are the distinct
 * normalised words minus a stop list (function words of the three
 * languages and vacancy boilerplate: "wat ga je doen", "wij bieden",
 * "team", "role") and one-letter tokens; a word weighs its length minus
 * two, at least 1 and at most 14.
 * Length is a cheap, corpus-free stand-in for IDF (rare words are long,
 * in Dutch and German compounds above all: "afvalenergiecentrale",
 * "tachograafkaart"), and corpus-free means the verdict on a pair never
 * depends on what else is in the database or on crawl order.  Measured
 * first in a sketch on the same postings: true IDF weights separated
 * worse (weaker repost 0.36, closest different jobs 0.30), adding word
 * bigrams worse still (0.25 vs 0.28): a rewording keeps words, not runs
 * of them.
 *
 * Figures (tests/bench/dedupe_margin.c on a crawl of the demo web plus
 * the 204 postings of tests/eval, 68,265 pairs):
 *     olympia / nijhof-wassink  Chauffeur CE nationaal         0.490  same
 *     olympia / twence          Operator afvalenergiecentrale  0.435  same
 *     demcon / xsens            Embedded Software Engineer     0.221  different
 *     demcon / eval en-001      Embedded Software Engineer     0.249
 *     bolk / nijhof-wassink     Chauffeur CE internationaal    0.240
 *     best pair of two different jobs whose titles share a word  0.323
 *     best pair of two different jobs at all (one employer's
 *     template: plegt-vos Uitvoerder / Werkvoorbereider)         0.326
 * The bar, 0.38, sits in the gap: 0.055 under the weaker repost, 0.054
 * over the closest different jobs, 0.16 over the demcon/xsens pair.  The
 * bar drops to 0.30 when the agency names the employer, in its text or
 * its employer field: evidence the shared words alone do not give.
 *
 * The candidates share a dup key: the normalised title, without gender
 * markers and the town's name, and the normalised town.  Keys stored
 * before the title lost those (before this change) stay until their
 * posting changes; until then such a pair is missed, never wrongly made.
 *
 * Who advertises gates the text test: two employers' own postings with
 * different names (legal forms dropped, one name's words within the
 * other's: "TKF" = "TKF (Twentsche Kabelfabriek)") are different jobs
 * however alike the text, unless the simhash says it is one text.  An
 * agency or the same employer twice goes to the text test.  A text of
 * fewer than DEDUPE_MIN_TERMS content words says too little: only the
 * simhash decides.
 *
 * Limits: only Latin-1 diacritics are folded (the region's languages are
 * Dutch, German and English); other scripts compare byte for byte, and a
 * script without spaces is one long word, so such texts fall to the
 * simhash test.  A very short description gives a hash that moves a lot
 * with one word, so short texts are rarely near unless equal - the safe
 * direction.  Salary and hours are not used: the agency quotes hourly
 * wages for the employer's monthly ones and the conversion depends on
 * hours the postings state differently (nijhof-wassink 45-50 hours at
 * EUR 2,900-3,250 a month, olympia EUR 16.90-18.60 an hour).  Only the
 * first DEDUPE_MAX_TEXT bytes of a description are weighed.
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

/* The simhash of an already normalised text. */
static uint64_t simhash_normalised(const char *norm)
{
	const char *w[3];       /* starts of the last three words */
	long vote[64] = { 0 };
	size_t nw = 0;
	uint64_t out = 0;

	if (!*norm)
		return 0;
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

			/* +1 for a set bit, -1 for a clear one, without a branch */
			for (int b = 0; b < 64; b++)
				vote[b] += (long)((h >> b) & 1) * 2 - 1;
		}
		if (!*end)
			break;
		p = end + 1;
	}
	if (nw < 3) {
		uint64_t h = hash_bytes(norm, strlen(norm));

		for (int b = 0; b < 64; b++)
			vote[b] += (long)((h >> b) & 1) * 2 - 1;
	}
	for (int b = 0; b < 64; b++)
		if (vote[b] > 0)
			out |= 1ULL << b;
	return out;
}

uint64_t dedupe_simhash(const char *text, bool *ok)
{
	char *norm = dedupe_normalise(text);
	uint64_t out;

	*ok = norm != NULL;
	if (!norm)
		return 0;
	out = simhash_normalised(norm);
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

/* A one-letter word of a gender marker: "(m/v)", "(m/v/x)", "(m/w/d)", "(f/m/d)", "(h/f)". */
static bool gender_letter(const char *w)
{
	return w[0] && (w[1] == ' ' || !w[1]) && strchr("dfhmvwx", w[0]);
}

/*
 * Cut, in place, what says nothing about the job from a normalised title:
 * gender markers (a run of two or three one-letter words from "dfhmvwx"
 * with an "m" among them) and the town's words, which the key holds
 * anyway (agencies write "Operator Hengelo").  A title that would be left
 * empty is left alone.
 */
static void title_core(char *t, const char *town)
{
	size_t tl = strlen(t), cl = strlen(town);
	char *copy = t + tl + 1;        /* the caller left room for a copy */

	memcpy(copy, t, tl + 1);
	for (char *p = t; *p; ) {
		size_t run = 0;
		bool m = false;
		char *q = p;

		while (run < 3 && gender_letter(q)) {
			m |= *q == 'm';
			run++;
			q += q[1] ? 2 : 1;
		}
		if (run >= 2 && m && !gender_letter(q)) {
			memmove(p, q, strlen(q) + 1);
		} else {
			p += strcspn(p, " ");
			p += *p == ' ';
		}
	}
	for (char *p = t; (p = strstr(p, town)); p++)
		if ((p == t || p[-1] == ' ') && (p[cl] == ' ' || !p[cl])) {
			memmove(p, p + cl + (p[cl] == ' '), strlen(p + cl + (p[cl] == ' ')) + 1);
			break;
		}
	tl = strlen(t);
	while (tl && t[tl - 1] == ' ')
		t[--tl] = '\0';
	if (!*t)
		memmove(t, copy, strlen(copy) + 1);
}

char *dedupe_key(const char *title, const char *town, bool *oom)
{
	char *t = NULL, *c = NULL, *out = NULL, *grown;
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
	grown = realloc(t, 2 * tl + 2);         /* room for title_core's copy */
	if (!grown) {
		*oom = true;
		goto out;
	}
	t = grown;
	title_core(t, c);
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

/* Sorted by byte value (bsearch): folded forms, as dedupe_normalise gives them. */
static const char *const stopwords[] = {
	"a", "aan", "aber", "about", "after", "al", "all", "als", "also", "an", "and", "any", "are",
	"as", "at", "auch", "auf", "aus", "be", "been", "before", "bei", "being", "ben", "bent",
	"between", "bieden", "biedt", "bij", "binnen", "bist", "by", "can", "could", "daar", "dag",
	"dagen", "dan", "dann", "das", "dass", "dat", "day", "de", "dein", "deine", "dem", "den",
	"der", "des", "deze", "did", "die", "dit", "do", "doe", "doen", "does", "doet", "door", "du",
	"durch", "during", "each", "een", "ein", "eine", "einem", "einen", "einer", "elk", "elke",
	"en", "er", "es", "every", "for", "from", "fur", "ga", "gaan", "gaat", "geen", "goed",
	"goede", "haben", "had", "has", "hast", "hat", "have", "he", "heb", "hebben", "hebt", "heeft",
	"heel", "het", "hier", "hij", "hoe", "hour", "hours", "how", "ieder", "iedere", "ihr", "ihre",
	"ik", "im", "in", "into", "is", "ist", "it", "its", "jaar", "jaren", "je", "jede", "jeder",
	"jedes", "jij", "job", "jou", "jouw", "kan", "kann", "kein", "keine", "konnen", "krijg",
	"krijgen", "krijgt", "kunnen", "kunt", "maak", "maakt", "maand", "maar", "maken", "may",
	"mee", "meer", "mehr", "met", "mit", "month", "more", "most", "must", "na", "naar", "nach",
	"new", "nicht", "niet", "nieuwe", "no", "noch", "nog", "not", "oder", "of", "om", "omdat",
	"on", "onder", "ons", "onze", "ook", "op", "or", "other", "our", "out", "over", "per", "pro",
	"role", "samen", "sehr", "sein", "she", "should", "sie", "sind", "so", "some", "such", "te",
	"team", "than", "that", "the", "their", "then", "these", "they", "this", "those", "tijdens",
	"to", "tot", "tussen", "u", "uber", "uit", "um", "und", "uns", "unser", "unsere", "up", "us",
	"uur", "uw", "van", "veel", "very", "via", "von", "voor", "vraagt", "vragen", "waar",
	"wanneer", "want", "waren", "was", "wat", "we", "week", "wel", "wer", "werden", "what",
	"when", "where", "which", "while", "who", "wie", "wij", "wil", "will", "willen", "wilt",
	"wir", "wird", "with", "within", "wo", "word", "worden", "wordt", "work", "working", "would",
	"year", "years", "you", "your", "zal", "ze", "zelf", "zij", "zijn", "zo", "zoals", "zoek",
	"zoeken", "zoekt", "zu", "zullen", "zult", "zum", "zur",
};

static int cmp_word(const void *key, const void *elem)
{
	const struct { const char *w; size_t n; } *k = key;
	const char *e = *(const char *const *)elem;
	int c = strncmp(k->w, e, k->n);

	return c ? c : (e[k->n] ? -1 : 0);
}

bool dedupe_is_stopword(const char *w, size_t n)
{
	struct { const char *w; size_t n; } k = { w, n };

	return bsearch(&k, stopwords, sizeof(stopwords) / sizeof(*stopwords),
		       sizeof(*stopwords), cmp_word) != NULL;
}

static int cmp_term(const void *a, const void *b)
{
	uint64_t x = ((const struct dedupe_term *)a)->hash, y = ((const struct dedupe_term *)b)->hash;

	return x < y ? -1 : x > y;
}

/* Words of a company's legal form, dropped from employer names:
 * "Xsens Technologies B.V." and "Xsens Technologies" are one employer. */
static bool legal_form(const char *w, size_t n)
{
	static const char *const forms[] = {
		"ag", "b", "bv", "co", "gmbh", "inc", "kg", "ltd", "n", "nv", "sa", "se", "v",
	};

	for (size_t i = 0; i < sizeof(forms) / sizeof(*forms); i++)
		if (strlen(forms[i]) == n && !memcmp(forms[i], w, n))
			return true;
	return false;
}

/* The normalised employer name without its legal form; NULL (and *oom
 * false) when nothing is left. */
static char *employer_name(const char *employer, bool *oom)
{
	char *norm = dedupe_normalise(employer), *o;

	*oom = !norm;
	if (!norm)
		return NULL;
	o = norm;
	for (const char *p = norm; *p; ) {
		size_t n = strcspn(p, " ");

		if (!legal_form(p, n)) {
			if (o > norm)
				*o++ = ' ';
			memmove(o, p, n);
			o += n;
		}
		p += n;
		p += *p == ' ';
	}
	*o = '\0';
	if (!*norm) {
		free(norm);
		return NULL;
	}
	return norm;
}

enum tj_code dedupe_doc_init(struct dedupe_doc *d, const char *description,
			     const char *employer, bool agency)
{
	bool oom = false;
	size_t words = 1, len;

	memset(d, 0, sizeof(*d));
	d->agency = agency;
	d->text = dedupe_normalise(description);
	d->employer = employer_name(employer, &oom);
	if (oom || !d->text)
		return tj_error(TJ_ENOMEM, "out of memory comparing postings");
	d->simhash = simhash_normalised(d->text);
	len = strlen(d->text);
	if (len > DEDUPE_MAX_TEXT)
		len = DEDUPE_MAX_TEXT;
	for (size_t i = 0; i < len; i++)
		words += d->text[i] == ' ';
	d->terms = malloc(words * sizeof(*d->terms));
	if (!d->terms)
		return tj_error(TJ_ENOMEM, "out of memory comparing postings");
	for (const char *p = d->text, *end = d->text + len; p < end; ) {
		size_t n = strcspn(p, " ");

		if (p + n > end)
			n = (size_t)(end - p);      /* the cut word still counts */
		/* one letter is noise ("m/v/x", "C/C++"); function words say nothing */
		if (n > 1 && !dedupe_is_stopword(p, n)) {
			d->terms[d->n].hash = hash_bytes(p, n);
			d->terms[d->n].weight = (uint32_t)(n > 16 ? 14 : n > 3 ? n - 2 : 1);
			d->n++;
		}
		p += n + 1;
	}
	if (d->n)
		qsort(d->terms, d->n, sizeof(*d->terms), cmp_term);
	/* distinct words only: a word used ten times is still one piece of evidence */
	words = 0;
	for (size_t i = 0; i < d->n; i++)
		if (!words || d->terms[words - 1].hash != d->terms[i].hash) {
			d->terms[words++] = d->terms[i];
			d->weight += d->terms[i].weight;
		}
	d->n = words;
	return TJ_OK;
}

void dedupe_doc_release(struct dedupe_doc *d)
{
	if (!d)
		return;
	free(d->terms);
	free(d->text);
	free(d->employer);
	memset(d, 0, sizeof(*d));
}

double dedupe_similarity(const struct dedupe_doc *a, const struct dedupe_doc *b)
{
	uint64_t both = 0;
	size_t i = 0, j = 0;

	while (i < a->n && j < b->n) {
		if (a->terms[i].hash < b->terms[j].hash) {
			i++;
		} else if (a->terms[i].hash > b->terms[j].hash) {
			j++;
		} else {
			both += a->terms[i].weight;
			i++;
			j++;
		}
	}
	if (a->weight + b->weight == 0)
		return 0;
	return (double)both / (double)(a->weight + b->weight - both);
}

/* Whether the words of `name` occur as a run of whole words in `text`. */
static bool has_words(const char *text, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = text; (p = strstr(p, name)); p++)
		if ((p == text || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
			return true;
	return false;
}

/* Every word of the shorter name is a word of the longer: "tkf" and
 * "tkf twentsche kabelfabriek" are one employer, "gemeente enschede" and
 * "gemeente hengelo" are two. */
static bool same_employer(const char *a, const char *b)
{
	const char *s = strlen(a) <= strlen(b) ? a : b, *l = s == a ? b : a;

	for (const char *p = s; *p; ) {
		size_t n = strcspn(p, " ");
		char w[64];

		if (n >= sizeof(w))
			return !strcmp(a, b);
		memcpy(w, p, n);
		w[n] = '\0';
		if (!has_words(l, w))
			return false;
		p += n;
		p += *p == ' ';
	}
	return true;
}

/* The agency's posting names the other posting's employer. */
static bool names_employer(const struct dedupe_doc *agency, const struct dedupe_doc *other)
{
	if (!agency->agency || !other->employer || strlen(other->employer) < 4)
		return false;
	return (agency->employer && same_employer(agency->employer, other->employer)) ||
	       has_words(agency->text, other->employer);
}

bool dedupe_same_vacancy(const struct dedupe_doc *a, const struct dedupe_doc *b)
{
	double bar = DEDUPE_MIN_SIMILARITY;

	if (dedupe_near(a->simhash, b->simhash))
		return true;
	if (a->n < DEDUPE_MIN_TERMS || b->n < DEDUPE_MIN_TERMS)
		return false;
	/* an employer does not repost another employer's vacancy */
	if (!a->agency && !b->agency && a->employer && b->employer &&
	    !same_employer(a->employer, b->employer))
		return false;
	if (names_employer(a, b) || names_employer(b, a))
		bar = DEDUPE_MIN_SIMILARITY_NAMED;
	return dedupe_similarity(a, b) >= bar;
}
