/*
 * normalize.c - dates, towns, salaries, hours, employment type, remote work
 * and education level from what pages state (see normalize.h).
 *
 * How it works.  Free text is searched with PCRE2 patterns compiled once
 * (pthread_once) with PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS and
 * PCRE2_MATCH_INVALID_UTF, so "MÄRZ" matches "märz" and a page with broken
 * UTF-8 is matched, not rejected, and JIT-compiled where pcre2 can (the
 * searches over long descriptions dominate extraction time otherwise; a
 * match that overflows the JIT's stack is rerun by the interpreter).  Match data is per call, so the
 * compiled patterns are shared read-only by the crawler's threads; one
 * read-only match context caps backtracking on hostile text.  Where a
 * pattern only finds candidates (salaries, hours), C code weighs them: the
 * context words around a match decide more than any single regex can.
 *
 * Towns come from data/towns.tsv, folded to lowercase ASCII without
 * diacritics and sorted for bsearch.  A location string is folded the same
 * way and scanned with a window of 1-4 words, longest first, so "7522 NB
 * Enschede", "Almelo en Hengelo" and "Hengelo (Gld.)" need no special
 * parser.
 *
 * The decisions (lowest education level wins, 1 fte = 40 hours, "vast"
 * reads as FULL_TIME, period inference from the amount) are documented
 * with the functions in normalize.h.
 *
 * References: schema.org JobPosting (employmentType values, baseSalary
 * unitText), ISO 8601, ISO 3166-1, ISO 4217.
 *
 * Limits: text is searched up to NORM_MAX_TEXT bytes (longer text is
 * searched in its first part only); location strings up to 2000 bytes.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "normalize.h"

#include <ctype.h>
#include <math.h>
#include <pcre2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "paths.h"

#define NORM_MAX_TEXT ((size_t)256 << 10)
#define NORM_MAX_LOCATION 2000
#define FTE_HOURS 40.0

/* ---- patterns ---- */

/* A character that is not part of a word (PCRE2_UCP makes \p{L} Unicode). */
#define NW "(?![\\p{L}\\p{N}])"
#define NWB "(?<![\\p{L}\\p{N}])"

#define MONTHS "(januari|january|januar|j\\x{e4}nner|jan|februari|february|februar|feb|" \
	"maart|march|m\\x{e4}rz|maerz|marz|mrt|mrz|m\\x{e4}r|mar|april|apr|mei|may|mai|" \
	"juni|june|jun|juli|july|jul|augustus|august|aug|september|sept|sep|" \
	"oktober|october|okt|oct|november|nov|december|dezember|dec|dez)(?!\\p{L})"

#define CUR "(?:\\x{20ac}|eur(?:o|os)?(?!\\p{L})|usd(?!\\p{L})|\\$|\\x{a3}|gbp(?!\\p{L}))"
#define AMT "(?:(?:\\d{1,3}(?:[.,'\\x{a0}\\x{202f}]\\d{3})+(?:[.,]\\d{1,2})?|\\d+(?:[.,]\\d{1,2})?)(?!\\d)" \
	"(?:\\s?k(?!\\p{L}))?(?:,-{1,2}|\\.-|,\\x{2013})?)"
#define SEP "(?:-|\\x{2013}|\\x{2014}|tot(?:\\s+en\\s+met)?|t/m|to|bis|until)(?!\\p{L})" \
	"(?:\\s*max(?:imaal|imum)?\\.?)?"

/* "bachelor", "bachelor's", "bachelors" (possessive: no backtracking into it) */
#define APOS_S "(?:'s|\\x{2019}s|s)?+" NW
/* a degree named as a programme or its students is not a requirement */
#define NOT_PROGRAMME "(?!\\s*(?:(?:and|or|en|of|/|&)\\s*(?:master|bachelor|m\\.?sc|b\\.?sc)(?:'s|\\x{2019}s|s)?\\s*)?" \
	"(?:-\\s*)?(?:student|studenten|programme|program|opleiding(?:en)?\\s+(?:van|aan)|thesis|theses|scriptie|course|courses|" \
	"onderwijs|education|level\\s+course|curriculum|project|projects|assignment))"

/* 1 hour, 2 day, 3 week, 4 month, 5 year */
#define PERIOD "(?:(per\\s+uur|/\\s*uur|p/u|per\\s+hour|an?\\s+hour|/\\s*h(?:ou)?r|hourly|pro\\s+stunde|/\\s*std|(?:die|je)\\s+stunde|st\\x{fc}ndlich)" \
	"|(per\\s+dag|/\\s*dag|per\\s+day|a\\s+day|/\\s*day|daily|pro\\s+tag|/\\s*tag|t\\x{e4}glich)" \
	"|(per\\s+week|/\\s*week|a\\s+week|weekly|pro\\s+woche|/\\s*woche|w\\x{f6}chentlich)" \
	"|(per\\s+maand|/\\s*maand|p/m|p\\.\\s?m\\.?|maandelijks|per\\s+month|a\\s+month|/\\s*mo(?:nth)?|monthly|pro\\s+monat|/\\s*monat|im\\s+monat|monatlich|mtl\\.?)" \
	"|(per\\s+jaar|/\\s*jaar|p/j|jaarlijks|per\\s+(?:year|annum)|a\\s+year|/\\s*y(?:ea)?r|annual(?:ly)?|yearly|p\\.\\s?a\\.?|pro\\s+jahr|/\\s*jahr|im\\s+jahr|j\\x{e4}hrlich))" NW

enum pat {
	P_DATE_ISO, P_DATE_DMY, P_DATE_DMONY, P_DATE_MONDY,
	P_MONEY, P_QUALIFIER, P_PERIOD, P_PERIOD_AFTER, P_PERIOD_BEFORE, P_SALARY_WORD, P_NOT_SALARY,
	P_HOURS_RANGE, P_HOURS_WEEK, P_HOURS_WORKWEEK, P_HOURS_LABEL, P_HOURS_BASIS, P_HOURS_STUNDEN,
	P_HOURS_FTE, P_WEEK_WORD, P_TIME_OF_DAY, P_WITHIN, P_PER_DAY,
	P_ET_FULL, P_ET_PART, P_ET_CONTRACTOR, P_ET_TEMPORARY, P_ET_INTERN, P_ET_VOLUNTEER,
	P_ET_PER_DIEM, P_ET_OTHER, P_ET_VAST,
	P_ETD_INTERN, P_ETD_VOLUNTEER, P_ETD_CONTRACTOR, P_ETD_FULL, P_ETD_PART,
	P_ETD_TEMPORARY, P_ETD_PER_DIEM,
	P_REMOTE_FULL, P_REMOTE_HYBRID, P_REMOTE_ONSITE, P_REMOTE_NOT,
	P_EDU_MBO, P_EDU_HBO, P_EDU_WO, P_EDU_PHD, P_REQ_HEADING,
	P_COUNT
};

static const char *const pattern_src[P_COUNT] = {
	[P_DATE_ISO] = NWB "(\\d{4})[-/](\\d{1,2})[-/](\\d{1,2})(?!\\d)",
	[P_DATE_DMY] = NWB "(\\d{1,2})[-/.](\\d{1,2})[-/.](\\d{4})(?!\\d)",
	[P_DATE_DMONY] = NWB "(\\d{1,2})(?:st|nd|rd|th|e|ste|de)?\\.?\\s*" MONTHS "\\.?,?\\s*(\\d{4})(?!\\d)",
	[P_DATE_MONDY] = NWB MONTHS "\\.?\\s*(\\d{1,2})(?:st|nd|rd|th)?\\.?,?\\s+(\\d{4})(?!\\d)",

	/* 1 cur, 2 amt | 3 amt, 4 cur | 5 amt (bare, range with a currency later);
	 * then 6 cur, 7 amt, 8 cur of a second amount */
	[P_MONEY] = NWB "(?:(" CUR ")\\s*(" AMT ")|(" AMT ")\\s*(" CUR ")|(" AMT ")(?=\\s*" SEP "\\s*(?:" CUR "\\s*)?" AMT "\\s*" CUR "))"
		"(?:\\s*" SEP "\\s*(?:(" CUR ")\\s*)?(" AMT ")(?:\\s*(" CUR "))?)?",
	/* at the end of the text before an amount: 1 = at most, 2 = at least */
	[P_QUALIFIER] = NWB "(?:(max(?:imaal|imum)?\\.?|tot(?:\\s+max(?:imaal)?\\.?)?|up\\s+to|bis(?:\\s+zu)?|hoogstens|h\\x{f6}chstens)"
		"|(vanaf|min(?:imaal|imum)?\\.?|from|ab|starting\\s+(?:at|from)|at\\s+least|mindestens))\\s*$",
	[P_PERIOD] = PERIOD,
	/* right after an amount: only filler words may come between */
	[P_PERIOD_AFTER] = "^\\s*(?:\\([^)\\n]{0,30}\\)\\s*)?(?:(?:bruto|brutto|gross|netto|net|excl\\.?|incl\\.?|exclusief|inclusief|"
		"vakantiegeld|holiday\\s+allowance|ca\\.?|circa|eur|euro|salaris|salary|loon|gehalt|lohn)\\s*[,.]?\\s*)*" PERIOD,
	[P_PERIOD_BEFORE] = "(?:(uurloon|hourly\\s+(?:wage|rate|pay)|stundenlohn)|(dagtarief|day\\s+rate|tagessatz)|(weekloon|weekly\\s+(?:wage|pay))"
		"|(maandsalaris|maandloon|maandinkomen|monthly\\s+(?:salary|wage|pay)|monatsgehalt|monatslohn)"
		"|(jaarsalaris|jaarinkomen|annual\\s+(?:salary|pay)|yearly\\s+salary|salary\\s+per\\s+annum|jahresgehalt))",
	[P_SALARY_WORD] = "salaris|salary|salaries|gehalt|verg\\x{fc}tung|beloning|\\bloon|bezoldiging|inschaling|schaal|"
		"scale\\s*\\d|\\bpay\\b|wage|verdien|\\bearn|bruto|brutto|gross|honorarium|inkomen|\\bcao\\b|remuneration|"
		"compensation|stagevergoeding|internship\\s+allowance|praktikumsverg\\x{fc}tung|\\bfwg\\b|tarief|\\brate\\b|entgelt|tv\\x{f6}d|tv-l",
	[P_NOT_SALARY] = "reiskosten|kilometer|per\\s+km|/\\s*km|budget|bonus|(?<!stage)vergoeding|toeslag|(?<!internship\\x{20})allowance|subsidie|"
		"korting|discount|\\bfee\\b|kosten|\\bcosts?\\b|\\bprijs|\\bprice|omzet|revenue|turnover|investering|investment|"
		"miljoen|million|\\bmln\\b|billion|miljard|fiets|bike|laptop|telefoon|phone|pensioen|pension|zuschuss|jobticket",

	[P_HOURS_RANGE] = "(?<![\\d.,])(\\d{1,2}(?:[.,]\\d)?)\\s*(?:-|\\x{2013}|\\x{2014}|tot|to|bis|\\x{e0}|a|t/m|en|and|und)\\s*"
		"(\\d{1,2}(?:[.,]\\d)?)\\s*(?:uur|u\\.?|hours?|hrs?\\.?|stunden|std\\.?|h(?=\\s*/\\s*(?:week|wk|woche)))" NW,
	[P_HOURS_WEEK] = "(?<![\\d.,])(\\d{1,2}(?:[.,]\\d)?)\\s*(?:uur|hours?|hrs?\\.?|stunden|std\\.?|h)\\s*"
		"(?:per|p/|/|pro|a|an|in\\s+de|in\\s+the|each|every|die|je|in\\s+der)?\\s*(?:week|wk|woche)" NW,
	[P_HOURS_WORKWEEK] = "(?<![\\d.,])(\\d{1,2})\\s*[-\\s]?\\s*(?:uurs|urige?|uur|hours?|hour|stunden)[-\\s]?(?:werkweek|work(?:ing)?\\s?week|week|woche)" NW
		"|(?<![\\d.,])(\\d{1,2})\\s*(?:wochenstunden|weekly\\s+hours|werkuren\\s+per\\s+week)" NW,
	[P_HOURS_LABEL] = "(?:uren|hours|arbeitszeit|werktijden|aantal\\s+uur|wochenarbeitszeit|working\\s+hours|dienstverband)(?:\\s+per\\s+(?:week|woche))?\\s*:\\s*"
		"(?:van\\s+|tussen\\s+)?(\\d{1,2}(?:[.,]\\d)?)(?:\\s*(?:-|\\x{2013}|tot|to|bis|en)\\s*(\\d{1,2}(?:[.,]\\d)?))?(?![\\d.,]\\d)",
	/* "salaris ... bij 36 uur", "based on 40 hours" */
	[P_HOURS_BASIS] = NWB "(?:bij|op\\s+basis\\s+van|based\\s+on|bei|f\\x{fc}r)\\s+(?:een\\s+|einer\\s+)?(\\d{1,2}(?:[.,]\\d)?)\\s*(?:uur|hours?|stunden)" NW
		"(?!\\s*(?:per\\s+(?:dag|day)|pro\\s+tag|am\\s+tag))",
	[P_HOURS_STUNDEN] = "(?<![\\d.,])(\\d{1,2}(?:[.,]\\d)?)\\s*(?:stunden|std\\.)" NW,
	[P_HOURS_FTE] = "(?<![\\d.,])(\\d(?:[.,]\\d{1,2})?)\\s*(?:(?:-|\\x{2013}|tot|to|bis|\\x{e0}|a)\\s*(\\d(?:[.,]\\d{1,2})?)\\s*)?fte" NW,
	[P_WEEK_WORD] = "^[^.;\\n]{0,25}?(?:week|wk|woche|w\\x{f6}chentlich|p/w|pw)" NW,
	[P_TIME_OF_DAY] = NWB "(?:van|tussen|from|between|von|zwischen|vanaf)\\s*$",
	[P_WITHIN] = NWB "(?:innerhalb(?:\\s+von)?|binnen|within|in|nach|na|after)\\s*$",
	[P_PER_DAY] = "^\\s*(?:per\\s+dag|per\\s+day|a\\s+day|pro\\s+tag|am\\s+tag|t\\x{e4}glich|daily|'s\\s+(?:ochtends|middags|avonds))",

	[P_ET_FULL] = "full[\\s_-]?time|voltijd\\w*|vollzeit\\w*|temps\\s+plein",
	[P_ET_PART] = "part[\\s_-]?time|deeltijd\\w*|teilzeit\\w*|bijbaan\\w*|werkstudent\\w*|side\\s+job|minijob|weekendbaan|avondbaan",
	[P_ET_CONTRACTOR] = "contractor|freelance\\w*|\\bzzp\\w*|zelfstandige?\\b|\\binterim\\b|freiberuf\\w*|selbstst\\x{e4}ndig\\w*|self[-\\s]employed",
	[P_ET_TEMPORARY] = "temporary|tijdelijk\\w*|befristet\\w*|fixed[-\\s]term|seizoen\\w*|seasonal|\\buitzend\\w*|phd[-\\s](?:position|candidate|student)|"
		"promovendus|promotieplaats|\\baio\\b|\\boio\\b|trainee\\w*|tempor\\x{e4}r|jaarcontract|vervanging",
	[P_ET_INTERN] = "\\bintern(?:ship)?s?\\b|\\bstage\\w*|stagiai?r\\w*|afstudeer\\w*|praktikum\\w*|praktikant\\w*|graduation\\s+(?:project|assignment|internship)",
	[P_ET_VOLUNTEER] = "vrijwillig\\w*|volunteer\\w*|ehrenamt\\w*",
	[P_ET_PER_DIEM] = "per[\\s_-]?diem|oproep\\w*|on[-\\s]call|nuluren\\w*|0[-\\s]uren\\w*|aushilfe",
	[P_ET_OTHER] = "\\bother\\b|\\boverig\\w*|sonstig\\w*",
	[P_ET_VAST] = "\\bvast\\w*|\\bpermanent\\b|onbepaalde\\s+tijd|unbefristet\\w*|festanstellung",

	[P_ETD_INTERN] = "stagevergoeding|stageplaats|afstudeeropdracht|afstudeerstage|meewerkstage|(?:deze|je|jouw|een)\\s+stage" NW "|"
		"(?:this|the|your)\\s+internship|internship\\s+(?:allowance|compensation|period)|as\\s+an?\\s+intern" NW "|"
		"praktikumsverg\\x{fc}tung|pflichtpraktikum|(?:dein|ihr|das|dieses)\\s+praktikum|graduation\\s+assignment",
	[P_ETD_VOLUNTEER] = "vrijwilligerswerk|als\\s+vrijwilliger|volunteer\\s+(?:position|role|work)|ehrenamtlich",
	[P_ETD_CONTRACTOR] = "freelance\\s+(?:basis|opdracht|assignment|contract)|zzp[-\\s]basis|zzp'?er|als\\s+zzp|"
		"interim[-\\s]?(?:opdracht|basis|assignment)|on\\s+a\\s+freelance|freiberuflich",
	[P_ETD_FULL] = "full[\\s-]?time|voltijd|vollzeit",
	[P_ETD_PART] = "part[\\s-]?time|deeltijd|teilzeit",
	[P_ETD_TEMPORARY] = "tijdelijk\\s+(?:contract|dienstverband|baan|voor)|fixed[-\\s]term|temporary\\s+(?:contract|position|job)|"
		"befristet|(?:jaar|maanden)contract",
	[P_ETD_PER_DIEM] = "oproepbasis|oproepkracht|on[-\\s]call\\s+basis|nulurencontract|min[-\\s]?max[-\\s]contract",

	[P_REMOTE_FULL] = "(?:fully|100\\s*%|volledig|geheel|compleet|komplett|vollst\\x{e4}ndig|completely)\\s*(?:remote|thuis|vanuit\\s+huis|home\\s*office|from\\s+home)|"
		"remote[-\\s]first|work\\s+from\\s+anywhere|(?:position|role|job|vacancy)\\s+is\\s+(?:fully\\s+)?remote|"
		"remote\\s+(?:position|role|job|vacancy|baan|functie|stelle)|\\(remote\\)",
	/* "hybrid" alone is also a model, a car, a vehicle: it needs a work word */
	[P_REMOTE_HYBRID] = "hybri(?:d|de|des|der|den)\\s*(?:werken|work(?:ing)?|werkmodel|werkbeleid|model\\s+of\\s+working|way\\s+of\\s+working|"
		"arbeiten|arbeitsmodell|arbeitsweise|role|position|job|functie|baan|stelle|policy|beleid|setup|set-up)" NW "|"
		"(?:work|working|werk|werken|werkt|arbeiten|arbeitest|arbeiten\\s+sie)\\s+(?:\\w+\\s+)?hybri(?:d|de)" NW "|"
		"\\(hybri(?:d|de)\\)|hybri(?:d|de)\\s*:|remote\\s*/\\s*hybri(?:d|de)|hybri(?:d|de)\\s*/\\s*remote|"
		"deels\\s+(?:thuis|op\\s+afstand|remote)|thuiswerk\\w*|thuis\\s+(?:te\\s+)?werken|vanuit\\s+huis\\s+(?:te\\s+)?werken|"
		"work(?:ing)?\\s+(?:\\w+\\s+){0,2}from\\s+home|home\\s*office|mobile[sn]?\\s+arbeiten|remote\\s+work(?:ing)?|work(?:ing)?\\s+remotely|"
		"partly\\s+remote|partially\\s+remote|flexibel\\s+(?:thuis|plaats)",
	/* "give on-site training" is not an on-site job: it needs a work word */
	[P_REMOTE_ONSITE] = "(?:work(?:ing)?|based|position\\s+is|role\\s+is|job\\s+is|fully|100\\s*%)\\s+on[-\\s]?site|"
		"on[-\\s]?site\\s+(?:role|position|job|only|work|presence)|\\(on[-\\s]?site\\)|"
		"werk(?:t|en)?\\s+(?:\\w+\\s+)?op\\s+locatie|op\\s+locatie\\s+(?:werken|aanwezig)|"
		"vor\\s+ort\\s+(?:arbeiten|t\\x{e4}tig|im\\s+b\\x{fc}ro)|op\\s+kantoor\\s+aanwezig|in\\s+(?:the|our)\\s+office\\s+(?:every|full[-\\s]?time|five)",
	[P_REMOTE_NOT] = "thuiswerken\\s+is\\s+niet|niet\\s+(?:mogelijk\\s+)?(?:om\\s+)?(?:thuis|remote)|no\\s+remote|not\\s+(?:possible\\s+)?(?:to\\s+)?work\\s+(?:from\\s+home|remotely)|"
		"kein\\s+homeoffice|geen\\s+thuiswerk",

	[P_EDU_MBO] = NWB "mbo" NW "(?!-?\\s*(?:stagiair|student|leerling|scholier|school))|middelbaar\\s+beroepsonderwijs|"
		"abgeschlossene\\s+(?:\\w+\\s+)?(?:berufs)?ausbildung|berufsausbildung|vocational\\s+(?:education|training|degree|diploma)",
	[P_EDU_HBO] = NWB "(?<!cao\\s)hbo" NW "(?!-?\\s*(?:stagiair|student|leerling))|hoger\\s+beroepsonderwijs|"
		NWB "bachelor" APOS_S NOT_PROGRAMME "|" NWB "b\\.?sc\\.?" NW NOT_PROGRAMME "|fachhochschul\\w*|associate\\s+degree|hogeschoolniveau|bachelor-?abschluss",
	[P_EDU_WO] = "(?-i:" NWB "WO" NW ")|" NWB "wo[-\\s](?:niveau|opleiding|diploma|master|bachelor|denk|werk)|hbo\\s*/\\s*wo" NW "|hbo\\s+(?:of|or)\\s+wo" NW "|"
		"universit(?:air|aire)\\s+(?:niveau|opleiding|werk|diploma|denkniveau|master)|academisch(?:e)?\\s+(?:niveau|opleiding|werk|denkniveau|master)|"
		NWB "(?<!scrum\\s)(?<!scrum-)master" APOS_S NOT_PROGRAMME "(?=\\s*(?:degree|diploma|in\\s|of\\s|opleiding|niveau|-niveau|level|or\\s|en\\s|and\\s|oder\\s|und\\s|[,.;()]))|"
		NWB "master(?:diploma|opleiding|niveau)|" NWB "m\\.?sc\\.?" NW NOT_PROGRAMME "|university\\s+degree|universit\\x{e4}tsabschluss|hochschulabschluss|master-?abschluss|"
		"wetenschappelijk\\s+onderwijs|(?:hochschul|universit\\x{e4}ts)studium|postgraduate\\s+degree|afgeronde\\s+(?:universitaire|master)",
	/* the heading of a posting's requirements: "Wat vragen wij?", "Your profile" */
	[P_REQ_HEADING] = "(?m)^[ \\t]*(?:wat\\s+vragen\\s+wij|wat\\s+wij\\s+vragen|wat\\s+breng\\s+(?:je|jij)\\s+mee|wie\\s+ben\\s+(?:je|jij)|"
		"wie\\s+zoeken\\s+wij|(?:jouw|je)\\s+profiel|functie-?eisen|profiel|wat\\s+heb\\s+je\\s+nodig|what\\s+do\\s+we\\s+ask|"
		"what\\s+we\\s+ask|what\\s+(?:do\\s+)?you\\s+bring|who\\s+are\\s+you|(?:your|candidate)\\s+profile|(?:job\\s+)?requirements|"
		"qualifications|what\\s+we\\s+are\\s+looking\\s+for|(?:ihr|dein)\\s+profil|das\\s+bringst?\\s+(?:du|sie)\\s+mit|"
		"was\\s+(?:sie|du)\\s+mitbringst?|anforderungen)" NW "[^\\n]{0,40}$",
	[P_EDU_PHD] = NWB "ph\\.?\\s?d\\.?" NW "(?!\\s*(?:-\\s*)?(?:position|positions|candidate|candidates|student|students|researcher|project|projects|vacancy|track|program|programme|thesis|defen[cs]e|supervis\\w*|traject))|"
		"gepromoveerd|doctorate|doctoral\\s+degree|doktortitel|promoviert|promotie\\s+(?:in|op)",
};

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static pcre2_code *pats[P_COUNT];
static pcre2_match_context *mctx;
static enum tj_code init_rc;
static char init_msg[256];

/* ---- towns ---- */

struct town_row {
	struct town t;
	char *key;      /* folded name */
};

static struct town_row *towns;
static size_t n_towns;

static void init_patterns(void)
{
	const uint32_t opts = PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS | PCRE2_MATCH_INVALID_UTF;

	for (int i = 0; i < P_COUNT; i++) {
		int err;
		PCRE2_SIZE off;

		pats[i] = pcre2_compile((PCRE2_SPTR)pattern_src[i], PCRE2_ZERO_TERMINATED, opts,
					&err, &off, NULL);
		if (!pats[i]) {
			PCRE2_UCHAR msg[120];

			pcre2_get_error_message(err, msg, sizeof(msg));
			init_rc = TJ_EINVAL;
			snprintf(init_msg, sizeof(init_msg), "normalize: pattern %d at %zu: %s", i,
				 (size_t)off, (const char *)msg);
			return;
		}
		/* JIT makes the searches over long descriptions 3-5x faster; without
		 * it (no JIT support, out of executable memory) pcre2 interprets */
		(void)pcre2_jit_compile(pats[i], PCRE2_JIT_COMPLETE);
	}
	mctx = pcre2_match_context_create(NULL);
	if (!mctx) {
		init_rc = TJ_ENOMEM;
		snprintf(init_msg, sizeof(init_msg), "out of memory compiling patterns");
		return;
	}
	/* linear patterns; the cap only stops pathological backtracking */
	pcre2_set_match_limit(mctx, 200000);
	pcre2_set_depth_limit(mctx, 5000);
}

/*
 * Fold UTF-8 text for lookups: lowercase ASCII letters and digits, Latin-1
 * letters without their diacritics (ß -> ss), everything else one space;
 * no leading/trailing space.  Returns TJ_OK or TJ_ENOMEM/TJ_ETOOBIG.
 */
static enum tj_code fold(const char *s, size_t n, struct buf *out)
{
	static const char latin[64][3] = {
		"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
		"d", "n", "o", "o", "o", "o", "o", " ", "o", "u", "u", "u", "u", "y", " ", "ss",
		"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
		"d", "n", "o", "o", "o", "o", "o", " ", "o", "u", "u", "u", "u", "y", " ", "y",
	};
	bool space = false;

	buf_reset(out);
	for (size_t i = 0; i < n && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *add = NULL;
		char one[2] = { 0, 0 };

		if (isalnum(c)) {
			one[0] = (char)tolower(c);
			add = one;
		} else if (c == 0xc3 && i + 1 < n && ((unsigned char)s[i + 1] & 0xc0) == 0x80) {
			add = latin[(unsigned char)s[++i] & 0x3f];
		} else if (c >= 0x80) {
			/* skip the rest of a multi-byte character */
			while (i + 1 < n && ((unsigned char)s[i + 1] & 0xc0) == 0x80)
				i++;
		}
		if (!add || add[0] == ' ') {
			space = true;
			continue;
		}
		if (space && out->len && buf_addc(out, ' '))
			return TJ_ENOMEM;
		space = false;
		if (buf_adds(out, add))
			return TJ_ENOMEM;
	}
	return TJ_OK;
}

static int town_cmp(const void *a, const void *b)
{
	return strcmp(((const struct town_row *)a)->key, ((const struct town_row *)b)->key);
}

static char *field_dup(const char *s, size_t n)
{
	return strndup(s, n);
}

/* Parse data/towns.tsv; rows are never freed (they live for the process). */
static void init_towns(void)
{
	char *path = tj_data_path("towns.tsv"), *data = NULL, *line, *save = NULL;
	size_t len, cap = 0, lineno = 0;
	struct buf key;
	enum tj_code rc;

	buf_init(&key, 4096);
	if (!path) {
		init_rc = TJ_ENOMEM;
		snprintf(init_msg, sizeof(init_msg), "out of memory");
		return;
	}
	rc = tj_read_file(path, (size_t)1 << 20, &data, &len);
	if (rc) {
		init_rc = rc;
		snprintf(init_msg, sizeof(init_msg), "town table: %s", tj_errmsg());
		free(path);
		return;
	}
	for (line = data; line && *line; line = save) {
		const char *f[5];
		size_t fl[5], nf = 0;
		const char *p = line;
		struct town_row row;
		char *e1, *e2;

		save = strchr(line, '\n');
		if (save)
			*save++ = '\0';
		lineno++;
		if (*line == '#' || *line == '\0' || *line == '\r')
			continue;
		while (nf < 5) {
			size_t n = strcspn(p, "\t\r");

			f[nf] = p;
			fl[nf++] = n;
			if (p[n] != '\t')
				break;
			p += n + 1;
		}
		if (nf != 5) {
			init_rc = TJ_EPARSE;
			snprintf(init_msg, sizeof(init_msg), "%s:%zu: expected 5 tab-separated fields",
				 path, lineno);
			goto out;
		}
		memset(&row, 0, sizeof(row));
		row.t.twente = f[2][0] == '1';
		row.t.lat = strtod(f[3], &e1);
		row.t.lon = strtod(f[4], &e2);
		if (e1 == f[3] || e2 == f[4]) {
			init_rc = TJ_EPARSE;
			snprintf(init_msg, sizeof(init_msg), "%s:%zu: bad coordinates", path, lineno);
			goto out;
		}
		row.t.name = field_dup(f[0], fl[0]);
		row.t.municipality = field_dup(f[1], fl[1]);
		if (!row.t.name || !row.t.municipality || fold(f[0], fl[0], &key) ||
		    !(row.key = strdup(buf_str(&key)))) {
			free((char *)row.t.name);
			free((char *)row.t.municipality);
			init_rc = TJ_ENOMEM;
			snprintf(init_msg, sizeof(init_msg), "out of memory loading towns");
			goto out;
		}
		if (n_towns == cap) {
			size_t nc = cap ? cap * 2 : 128;
			struct town_row *nt = realloc(towns, nc * sizeof(*nt));

			if (!nt) {
				free((char *)row.t.name);
				free((char *)row.t.municipality);
				free(row.key);
				init_rc = TJ_ENOMEM;
				snprintf(init_msg, sizeof(init_msg), "out of memory loading towns");
				goto out;
			}
			towns = nt;
			cap = nc;
		}
		towns[n_towns++] = row;
	}
	qsort(towns, n_towns, sizeof(*towns), town_cmp);
out:
	buf_release(&key);
	free(data);
	free(path);
}

static void init_all(void)
{
	init_patterns();
	if (!init_rc)
		init_towns();
}

enum tj_code normalize_init(void)
{
	pthread_once(&init_once, init_all);
	if (init_rc)
		return tj_error(init_rc, "%s", init_msg);
	return TJ_OK;
}

/* Patterns usable?  (The town table may be missing; patterns may not.) */
static bool ready(void)
{
	pthread_once(&init_once, init_all);
	return pats[P_COUNT - 1] && mctx;
}

/* ---- matching helpers ---- */

struct match {
	pcre2_match_data *md;
	PCRE2_SIZE *ov;
	int n;          /* pairs set by the last match; the rest of ov is stale */
};

static bool match_init(struct match *m)
{
	m->md = pcre2_match_data_create(24, NULL);
	m->ov = m->md ? pcre2_get_ovector_pointer(m->md) : NULL;
	m->n = 0;
	return m->md != NULL;
}

static void match_release(struct match *m)
{
	pcre2_match_data_free(m->md);
	m->md = NULL;
}

/* Search s[0..len) from start; true on a match (offsets in m->ov). */
static bool search(struct match *m, enum pat p, const char *s, size_t len, size_t start)
{
	if (start > len)
		return false;
	m->n = pcre2_match(pats[p], (PCRE2_SPTR)s, len, start, 0, m->md, mctx);
	/* the JIT's machine stack (32 KiB, no per-thread stack is assigned
	 * since mctx is shared) ran out: the interpreter uses the heap */
	if (m->n == PCRE2_ERROR_JIT_STACKLIMIT)
		m->n = pcre2_match(pats[p], (PCRE2_SPTR)s, len, start, PCRE2_NO_JIT, m->md, mctx);
	return m->n > 0;
}

static bool group_set(const struct match *m, int g)
{
	return g < m->n && m->ov[2 * g] != PCRE2_UNSET;
}

static size_t group_start(const struct match *m, int g)
{
	return m->ov[2 * g];
}

static size_t group_len(const struct match *m, int g)
{
	return m->ov[2 * g + 1] - m->ov[2 * g];
}

/* Does pattern p match anywhere in s[0..len)?  Where (start) in *at. */
static bool find(enum pat p, const char *s, size_t len, size_t *at)
{
	struct match m;
	bool ok;

	if (!match_init(&m))
		return false;
	ok = search(&m, p, s, len, 0);
	if (ok && at)
		*at = m.ov[0];
	match_release(&m);
	return ok;
}

/*
 * Does the searched part of s hold an ASCII digit?  Every salary and
 * hours pattern needs one (a non-ASCII \d would not parse as a number
 * anyway), so text without any skips a dozen regex scans.
 */
static bool has_digit(const char *s)
{
	size_t n = strnlen(s, NORM_MAX_TEXT);

	for (size_t i = 0; i < n; i++)
		if (s[i] >= '0' && s[i] <= '9')
			return true;
	return false;
}

static size_t text_len(const char *s)
{
	size_t n = strnlen(s, NORM_MAX_TEXT);

	return n;
}

static long group_long(const struct match *m, const char *s, int g)
{
	long v = 0;

	for (size_t i = group_start(m, g); i < group_start(m, g) + group_len(m, g); i++)
		if (isdigit((unsigned char)s[i]))
			v = v * 10 + (s[i] - '0');
	return v;
}

/* ---- dates ---- */

static int days_in_month(long y, long m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

static bool valid_date(long y, long m, long d)
{
	return y >= 1900 && y <= 2199 && m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

/* Month number of a (possibly abbreviated) month name, nl/en/de. */
static int month_number(const char *s, size_t n)
{
	static const char *const pre[] = {
		"jan", "feb", "mar", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
	};
	struct buf f;
	int m = 0;

	buf_init(&f, 64);
	if (fold(s, n, &f) == TJ_OK && f.len >= 3) {
		const char *k = f.data;

		for (int i = 0; i < 12; i++)
			if (!strncmp(k, pre[i], 3))
				m = i + 1;
		if (!strncmp(k, "maa", 3) || !strncmp(k, "mrt", 3) || !strncmp(k, "mrz", 3) ||
		    !strncmp(k, "mae", 3))
			m = 3;
		if (!strncmp(k, "may", 3) || !strncmp(k, "mai", 3))
			m = 5;
		if (!strncmp(k, "oct", 3))
			m = 10;
		if (!strncmp(k, "dez", 3))
			m = 12;
	}
	buf_release(&f);
	return m;
}

bool normalize_date(const char *text, char out[11])
{
	struct match m;
	size_t len, best = (size_t)-1;
	long by = 0, bm = 0, bd = 0;

	if (!text || !ready() || !match_init(&m))
		return false;
	len = text_len(text);
	for (int p = P_DATE_ISO; p <= P_DATE_MONDY; p++) {
		size_t start = 0;

		/* the first valid date of this form */
		while (search(&m, (enum pat)p, text, len, start)) {
			long y, mo, d;

			start = m.ov[1] > m.ov[0] ? m.ov[1] : m.ov[0] + 1;
			if (m.ov[0] >= best)
				break;
			switch (p) {
			case P_DATE_ISO:
				y = group_long(&m, text, 1), mo = group_long(&m, text, 2), d = group_long(&m, text, 3);
				break;
			case P_DATE_DMY:
				d = group_long(&m, text, 1), mo = group_long(&m, text, 2), y = group_long(&m, text, 3);
				if (mo > 12 && d <= 12) {       /* M/D/Y, impossible as D/M */
					long t = d;

					d = mo;
					mo = t;
				}
				break;
			case P_DATE_DMONY:
				d = group_long(&m, text, 1), y = group_long(&m, text, 3);
				mo = month_number(text + group_start(&m, 2), group_len(&m, 2));
				break;
			default:
				mo = month_number(text + group_start(&m, 1), group_len(&m, 1));
				d = group_long(&m, text, 2), y = group_long(&m, text, 3);
				break;
			}
			if (valid_date(y, mo, d)) {
				best = m.ov[0];
				by = y, bm = mo, bd = d;
				break;
			}
		}
	}
	match_release(&m);
	if (best == (size_t)-1)
		return false;
	/* valid_date() bounded all three; write the digits directly */
	out[0] = (char)('0' + by / 1000);
	out[1] = (char)('0' + by / 100 % 10);
	out[2] = (char)('0' + by / 10 % 10);
	out[3] = (char)('0' + by % 10);
	out[4] = '-';
	out[5] = (char)('0' + bm / 10);
	out[6] = (char)('0' + bm % 10);
	out[7] = '-';
	out[8] = (char)('0' + bd / 10);
	out[9] = (char)('0' + bd % 10);
	out[10] = '\0';
	return true;
}

/* ---- towns and countries ---- */

static const struct town *town_by_key(const char *key)
{
	struct town_row k = { .key = (char *)key }, *r;

	if (!n_towns)
		return NULL;
	r = bsearch(&k, towns, n_towns, sizeof(*towns), town_cmp);
	return r ? &r->t : NULL;
}

/* Province qualifiers, spelled as folded words, and how they fold. */
static const char *qualifier_word(const char *w, size_t n)
{
	static const char *const map[][2] = {
		{ "ov", "ov" }, { "o", "ov" }, { "ovl", "ov" }, { "overijssel", "ov" },
		{ "gld", "gld" }, { "gl", "gld" }, { "gelderland", "gld" },
		{ "westf", "westf" }, { "westfalen", "westf" }, { "nrw", "westf" },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strlen(map[i][0]) == n && !strncmp(w, map[i][0], n))
			return map[i][1];
	return NULL;
}

#define MAX_WORDS 200

size_t normalize_towns(const char *text, const struct town **out, size_t max)
{
	struct buf f, key;
	const char *w[MAX_WORDS];
	size_t wl[MAX_WORDS], nw = 0, found = 0;

	if (!text || !ready())
		return 0;
	buf_init(&f, NORM_MAX_LOCATION * 2 + 16);
	buf_init(&key, 256);
	if (fold(text, strnlen(text, NORM_MAX_LOCATION), &f) || !f.len)
		goto out;
	for (char *p = f.data; *p && nw < MAX_WORDS;) {
		size_t n = strcspn(p, " ");
		const char *q = qualifier_word(p, n);

		w[nw] = q ? q : p;
		wl[nw++] = q ? strlen(q) : n;
		p += n;
		while (*p == ' ')
			p++;
	}
	for (size_t i = 0; i < nw;) {
		const struct town *t = NULL;
		size_t span = 0;

		for (size_t k = nw - i < 4 ? nw - i : 4; k >= 1 && !t; k--) {
			buf_reset(&key);
			for (size_t j = 0; j < k; j++)
				if ((j && buf_addc(&key, ' ')) || buf_add(&key, w[i + j], wl[i + j]))
					goto out;
			t = town_by_key(buf_str(&key));
			span = k;
		}
		if (!t) {
			i++;
			continue;
		}
		i += span;
		{
			bool dup = false;

			for (size_t j = 0; j < found && j < max; j++)
				dup |= out[j] == t;
			if (dup)
				continue;
		}
		if (found < max)
			out[found] = t;
		found++;
	}
out:
	buf_release(&f);
	buf_release(&key);
	return found;
}

const struct town *normalize_town(const char *text)
{
	const struct town *t = NULL;

	return normalize_towns(text, &t, 1) ? t : NULL;
}

const char *normalize_country(const char *text)
{
	static const char *const map[][2] = {
		{ "nl", "NL" }, { "nld", "NL" }, { "netherlands", "NL" }, { "the netherlands", "NL" },
		{ "nederland", "NL" }, { "holland", "NL" }, { "niederlande", "NL" }, { "pays bas", "NL" },
		{ "de", "DE" }, { "deu", "DE" }, { "ger", "DE" }, { "germany", "DE" }, { "deutschland", "DE" },
		{ "duitsland", "DE" }, { "allemagne", "DE" }, { "bundesrepublik deutschland", "DE" },
		{ "be", "BE" }, { "bel", "BE" }, { "belgium", "BE" }, { "belgie", "BE" }, { "belgien", "BE" },
		{ "belgique", "BE" }, { "lu", "LU" }, { "luxembourg", "LU" }, { "luxemburg", "LU" },
		{ "fr", "FR" }, { "france", "FR" }, { "frankrijk", "FR" }, { "frankreich", "FR" },
		{ "gb", "GB" }, { "uk", "GB" }, { "united kingdom", "GB" }, { "england", "GB" },
		{ "verenigd koninkrijk", "GB" }, { "us", "US" }, { "usa", "US" }, { "united states", "US" },
		{ "at", "AT" }, { "austria", "AT" }, { "osterreich", "AT" }, { "oostenrijk", "AT" },
		{ "ch", "CH" }, { "switzerland", "CH" }, { "schweiz", "CH" }, { "zwitserland", "CH" },
		{ "dk", "DK" }, { "denmark", "DK" }, { "denemarken", "DK" }, { "danemark", "DK" },
		{ "pl", "PL" }, { "poland", "PL" }, { "polen", "PL" }, { "es", "ES" }, { "spain", "ES" },
		{ "spanje", "ES" }, { "spanien", "ES" }, { "it", "IT" }, { "italy", "IT" }, { "italie", "IT" },
		{ "italien", "IT" }, { "se", "SE" }, { "sweden", "SE" }, { "zweden", "SE" },
	};
	static const char *const wrappers[] = { "the ", "die ", "het " };
	const char *key, *res = NULL;
	struct buf f;

	if (!text)
		return NULL;
	buf_init(&f, 256);
	if (fold(text, strnlen(text, 200), &f) || !f.len)
		goto out;
	key = f.data;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]) && !res; i++)
		if (!strcmp(key, map[i][0]))
			res = map[i][1];
	for (size_t i = 0; i < sizeof(wrappers) / sizeof(wrappers[0]) && !res; i++) {
		size_t l = strlen(wrappers[i]);

		if (!strncmp(key, wrappers[i], l))
			for (size_t j = 0; j < sizeof(map) / sizeof(map[0]) && !res; j++)
				if (!strcmp(key + l, map[j][0]))
					res = map[j][1];
	}
out:
	buf_release(&f);
	return res;
}

/* Is the text of one list part only a country name? */
static bool is_country_part(const char *s, size_t n)
{
	char tmp[64];

	if (n >= sizeof(tmp))
		return false;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	return normalize_country(tmp) != NULL;
}

char *normalize_locality(const char *text)
{
	size_t len;
	const char *p;
	struct buf out;

	if (!text)
		return NULL;
	len = strnlen(text, NORM_MAX_LOCATION);
	buf_init(&out, NORM_MAX_LOCATION + 1);
	for (p = text; p < text + len;) {
		size_t n = strcspn(p, ",;|\n");
		const char *s = p, *e;
		bool digits = false;

		if (p + n > text + len)
			n = (size_t)(text + len - p);
		e = s + n;
		p = e + (e < text + len);
		/* drop a Dutch (1234 AB) or German (12345) postcode at either end */
		while (s < e && isspace((unsigned char)*s))
			s++;
		while (e > s && isspace((unsigned char)e[-1]))
			e--;
		if (e - s >= 4 && isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) &&
		    isdigit((unsigned char)s[2]) && isdigit((unsigned char)s[3])) {
			const char *q = s + 4;

			if (q < e && isdigit((unsigned char)*q))
				q++;
			else {
				while (q < e && *q == ' ')
					q++;
				if (q + 1 < e && isalpha((unsigned char)q[0]) && isalpha((unsigned char)q[1]) &&
				    (q + 2 == e || q[2] == ' '))
					q += 2;
			}
			s = q;
		}
		while (s < e && isspace((unsigned char)*s))
			s++;
		for (const char *q = s; q < e; q++)
			digits |= isdigit((unsigned char)*q) != 0;
		/* a street address ("Zilvermeeuw 1") or a country is not a town */
		if (s == e || digits || is_country_part(s, (size_t)(e - s)))
			continue;
		{
			bool sp = false;

			for (const char *q = s; q < e; q++) {
				if (isspace((unsigned char)*q)) {
					sp = true;
					continue;
				}
				if ((sp && buf_addc(&out, ' ')) || buf_addc(&out, *q))
					goto oom;
				sp = false;
			}
		}
		return buf_detach(&out, NULL);
	}
	buf_release(&out);
	return NULL;
oom:
	buf_release(&out);
	return NULL;
}

/* ---- amounts and salaries ---- */

/* Length of a thousands separator at s: '.', ',', '\'', NBSP, NNBSP; 0 if none. */
static size_t sep_len(const unsigned char *s)
{
	if (*s == '.' || *s == ',' || *s == '\'')
		return 1;
	if (s[0] == 0xc2 && s[1] == 0xa0)
		return 2;
	if (s[0] == 0xe2 && s[1] == 0x80 && s[2] == 0xaf)
		return 3;
	return 0;
}

double normalize_amount(const char *str, const char **end)
{
	const unsigned char *s = (const unsigned char *)str;
	double runs[8];
	size_t runlen[8], nruns = 0;
	char seps[8];
	double v = 0;
	int last_kind;

	if (end)
		*end = str;
	if (!str || !isdigit(*s))
		return NAN;
	for (;;) {
		double r = 0;
		size_t n = 0, k;

		while (isdigit(*s)) {
			if (n < 15)
				r = r * 10 + (*s - '0');
			s++;
			n++;
		}
		if (n > 12)
			return NAN;     /* not an amount anyone is paid */
		if (nruns < 8) {
			runs[nruns] = r;
			runlen[nruns++] = n;
		}
		k = sep_len(s);
		if (!k || !isdigit(s[k]) || nruns == 8)
			break;
		seps[nruns - 1] = k == 1 ? (char)*s : ' ';
		s += k;
	}
	/* which separator is the decimal one, if any */
	last_kind = 0;
	if (nruns > 1) {
		char ls = seps[nruns - 2];
		size_t same = 0;
		bool other = false;

		for (size_t i = 0; i + 1 < nruns; i++) {
			same += seps[i] == ls;
			other |= seps[i] != ls;
		}
		if ((ls == '.' || ls == ',') && (other || (same == 1 && runlen[nruns - 1] != 3)))
			last_kind = 1;  /* the last run is decimals */
	}
	for (size_t i = 0; i < nruns - (last_kind ? 1 : 0); i++)
		v = v * pow(10, (double)runlen[i]) + runs[i];
	if (last_kind)
		v += runs[nruns - 1] / pow(10, (double)runlen[nruns - 1]);
	/* "2.800,-"  "2.800,--"  "2.800.-" */
	if ((s[0] == ',' || s[0] == '.') && s[1] == '-') {
		s += 2;
		while (*s == '-')
			s++;
	}
	/* "45k", "45 K" */
	{
		const unsigned char *q = s;

		if (*q == ' ')
			q++;
		if ((*q == 'k' || *q == 'K') && !isalpha(q[1]) && q[1] < 0x80) {
			v *= 1000;
			s = q + 1;
		}
	}
	if (end)
		*end = (const char *)s;
	return v;
}

static const char *const period_names[] = { "HOUR", "DAY", "WEEK", "MONTH", "YEAR" };

const char *normalize_period(const char *unit)
{
	static const char *const map[][2] = {
		{ "hour", "HOUR" }, { "hours", "HOUR" }, { "hourly", "HOUR" }, { "uur", "HOUR" }, { "stunde", "HOUR" },
		{ "h", "HOUR" }, { "pt1h", "HOUR" }, { "day", "DAY" }, { "daily", "DAY" }, { "dag", "DAY" },
		{ "tag", "DAY" }, { "p1d", "DAY" }, { "week", "WEEK" }, { "weekly", "WEEK" }, { "woche", "WEEK" },
		{ "p1w", "WEEK" }, { "month", "MONTH" }, { "monthly", "MONTH" }, { "maand", "MONTH" },
		{ "monat", "MONTH" }, { "p1m", "MONTH" }, { "mo", "MONTH" }, { "year", "YEAR" }, { "yearly", "YEAR" },
		{ "annual", "YEAR" }, { "annually", "YEAR" }, { "annum", "YEAR" }, { "jaar", "YEAR" }, { "jahr", "YEAR" },
		{ "p1y", "YEAR" }, { "yr", "YEAR" },
	};
	struct buf f;
	const char *res = NULL;
	const char *k;

	if (!unit)
		return NULL;
	buf_init(&f, 256);
	if (fold(unit, strnlen(unit, 100), &f) || !f.len)
		goto out;
	k = f.data;
	/* "per maand", "per_month", "bruto per maand": the last word decides */
	if (strrchr(k, ' '))
		k = strrchr(k, ' ') + 1;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]) && !res; i++)
		if (!strcmp(k, map[i][0]))
			res = map[i][1];
	if (!res && ready()) {
		struct match m;

		if (match_init(&m)) {
			if (search(&m, P_PERIOD, unit, strnlen(unit, 100), 0))
				for (int g = 1; g <= 5 && !res; g++)
					if (group_set(&m, g))
						res = period_names[g - 1];
			match_release(&m);
		}
	}
out:
	buf_release(&f);
	return res;
}

static const char *currency_code(const char *s)
{
	if (!strncmp(s, "\xe2\x82\xac", 3) || !strncasecmp(s, "eur", 3))
		return "EUR";
	if (*s == '$' || !strncasecmp(s, "usd", 3))
		return "USD";
	if (!strncmp(s, "\xc2\xa3", 2) || !strncasecmp(s, "gbp", 3))
		return "GBP";
	return "";
}

static bool plausible(const char *period, double v)
{
	static const double lo[] = { 5, 40, 150, 400, 5000 }, hi[] = { 250, 2500, 6000, 40000, 1000000 };

	for (int i = 0; i < 5; i++)
		if (!strcmp(period, period_names[i]))
			return v >= lo[i] && v <= hi[i];
	return true;
}

/* Start of a window of at most n bytes ending at pos, on a character boundary. */
static size_t window_start(const char *s, size_t pos, size_t n)
{
	size_t a = pos > n ? pos - n : 0;

	while (a < pos && ((unsigned char)s[a] & 0xc0) == 0x80)
		a++;
	return a;
}

/* Start of the sentence around pos, looking back at most n bytes. */
static size_t sentence_start(const char *s, size_t pos, size_t n)
{
	size_t a = window_start(s, pos, n);

	for (size_t i = pos; i > a; i--)
		if ((s[i - 1] == '.' || s[i - 1] == '!' || s[i - 1] == '?' || s[i - 1] == ';' ||
		     s[i - 1] == '\n') && (i == pos || s[i] == ' ' || s[i] == '\n'))
			return i;
	return a;
}

/* End of a window of at most n bytes from pos, stopping at a sentence end. */
static size_t window_end(const char *s, size_t len, size_t pos, size_t n)
{
	size_t e = pos;

	while (e < len && e - pos < n && s[e] != '\n' && s[e] != ';' &&
	       !(s[e] == '.' && (e + 1 == len || s[e + 1] == ' ' || s[e + 1] == '\n') &&
		 !(e > 0 && s[e - 1] == 'p') && !(e > 1 && s[e - 2] == '.')))
		e++;
	return e;
}

struct candidate {
	double v1, v2;
	bool range, k2;
	const char *currency;
	int qualifier;          /* 0 none, 1 at most, 2 at least */
	const char *period;
	bool inferred;
	size_t start, end;
	int score;
};

/* Weigh the money match in m; false when it is not a salary. */
static bool weigh(const char *s, size_t len, struct match *m, struct candidate *c)
{
	struct match w;
	int a1 = group_set(m, 2) ? 2 : group_set(m, 3) ? 3 : 5;
	const char *e1, *e2;
	size_t after, pa, pb, ws;
	bool salword = false, ok = false;

	memset(c, 0, sizeof(*c));
	c->start = m->ov[0];
	c->end = after = m->ov[1];
	c->v1 = normalize_amount(s + group_start(m, a1), &e1);
	c->range = group_set(m, 7);
	c->v2 = c->range ? normalize_amount(s + group_start(m, 7), &e2) : NAN;
	c->currency = group_set(m, 1) ? currency_code(s + group_start(m, 1)) :
		      group_set(m, 4) ? currency_code(s + group_start(m, 4)) :
		      group_set(m, 6) ? currency_code(s + group_start(m, 6)) :
		      group_set(m, 8) ? currency_code(s + group_start(m, 8)) : "";
	if (c->range) {
		/* "€45-60k": the k belongs to both */
		c->k2 = e2 > s + group_start(m, 7) && (e2[-1] == 'k' || e2[-1] == 'K');
		if (c->k2 && !(e1[-1] == 'k' || e1[-1] == 'K') && c->v1 < 1000)
			c->v1 *= 1000;
		if (c->v1 > c->v2) {
			double t = c->v1;

			c->v1 = c->v2;
			c->v2 = t;
		}
	}
	if (isnan(c->v1) || c->v1 <= 0)
		return false;
	if (!match_init(&w))
		return false;
	/* a qualifier right before: "max.", "tot", "vanaf" */
	ws = window_start(s, c->start, 24);
	if (search(&w, P_QUALIFIER, s + ws, c->start - ws, 0)) {
		c->qualifier = group_set(&w, 1) ? 1 : 2;
		c->start = ws + w.ov[0];
	}
	/* the period after: "bruto per maand", "/Monat", "per year" */
	pb = window_end(s, len, after, 40);
	if (search(&w, P_PERIOD_AFTER, s + after, pb - after, 0)) {
		for (int g = 1; g <= 5; g++)
			if (group_set(&w, g))
				c->period = period_names[g - 1];
		c->end = after + w.ov[1];
	}
	/* or a period word before: "maandsalaris", "Jahresgehalt" */
	pa = window_start(s, c->start, 60);
	if (!c->period && search(&w, P_PERIOD_BEFORE, s + pa, c->start - pa, 0)) {
		for (int g = 1; g <= 5; g++)
			if (group_set(&w, g))
				c->period = period_names[g - 1];
	}
	/* context: salary words near, allowance words very near */
	pa = window_start(s, c->start, 80);
	salword = search(&w, P_SALARY_WORD, s + pa, c->start - pa, 0) ||
		  search(&w, P_SALARY_WORD, s + after, window_end(s, len, after, 30) - after, 0);
	ws = sentence_start(s, c->start, 40);
	if (search(&w, P_NOT_SALARY, s + ws, c->start - ws, 0) ||
	    search(&w, P_NOT_SALARY, s + after, window_end(s, len, after, 20) - after, 0))
		goto out;
	if (!c->period) {
		double v = c->range ? c->v2 : c->v1;

		c->inferred = true;
		c->period = v < 200 ? (v >= 5 ? "HOUR" : NULL) :
			    v >= 800 && v <= 20000 ? "MONTH" : v > 20000 ? "YEAR" : NULL;
	}
	if (c->period && (!plausible(c->period, c->v1) || (c->range && !plausible(c->period, c->v2))))
		goto out;
	c->score = 1 + (c->range ? 2 : 0) + (c->period && !c->inferred ? 2 : 0) +
		   (salword ? 2 : 0) + (c->qualifier ? 1 : 0);
	/* "(schaal 11)", "(FWG 50)" right after belongs to the statement */
	{
		size_t q = c->end;

		while (q < len && s[q] == ' ')
			q++;
		if (q < len && s[q] == '(') {
			const char *close = memchr(s + q, ')', len - q < 40 ? len - q : 40);

			if (close && !memchr(s + q, '\n', (size_t)(close - (s + q))))
				c->end = (size_t)(close - s) + 1;
		}
	}
	ok = c->score >= 3;
out:
	match_release(&w);
	return ok;
}

bool normalize_salary(const char *text, struct salary *out)
{
	struct match m;
	struct candidate best, c;
	size_t len, start = 0;
	bool have = false;

	out->min = out->max = NAN;
	out->currency[0] = out->period[0] = '\0';
	out->period_inferred = false;
	out->start = out->end = 0;
	if (!text || !has_digit(text) || !ready() || !match_init(&m))
		return false;
	len = text_len(text);
	memset(&best, 0, sizeof(best));
	while (search(&m, P_MONEY, text, len, start)) {
		start = m.ov[1] > m.ov[0] ? m.ov[1] : m.ov[0] + 1;
		if (weigh(text, len, &m, &c) && (!have || c.score > best.score)) {
			best = c;
			have = true;
		}
	}
	match_release(&m);
	if (!have)
		return false;
	if (best.range) {
		out->min = best.v1;
		out->max = best.v2;
	} else if (best.qualifier == 1) {
		out->max = best.v1;
	} else if (best.qualifier == 2) {
		out->min = best.v1;
	} else {
		out->min = out->max = best.v1;
	}
	snprintf(out->currency, sizeof(out->currency), "%s", best.currency);
	snprintf(out->period, sizeof(out->period), "%s", best.period ? best.period : "");
	out->period_inferred = best.inferred && best.period;
	out->start = best.start;
	out->end = best.end;
	return true;
}

/* ---- hours ---- */

static double parse_small(const char *s, size_t n)
{
	char tmp[16];

	if (n >= sizeof(tmp))
		return NAN;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	for (char *p = tmp; *p; p++)
		if (*p == ',')
			*p = '.';
	return strtod(tmp, NULL);
}

static double group_num(const struct match *m, const char *s, int g)
{
	return group_set(m, g) ? parse_small(s + group_start(m, g), group_len(m, g)) : NAN;
}

bool normalize_hours(const char *text, double *min, double *max)
{
	static const enum pat order[] = {
		P_HOURS_RANGE, P_HOURS_LABEL, P_HOURS_WEEK, P_HOURS_WORKWEEK, P_HOURS_BASIS, P_HOURS_STUNDEN,
		P_HOURS_FTE,
	};
	struct match m, w;
	size_t len, best_at = (size_t)-1;
	double bmin = NAN, bmax = NAN;

	*min = *max = NAN;
	if (!text || !has_digit(text) || !ready() || !match_init(&m))
		return false;
	if (!match_init(&w)) {
		match_release(&m);
		return false;
	}
	len = text_len(text);
	for (size_t k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
		enum pat p = order[k];
		size_t start = 0;

		while (search(&m, p, text, len, start)) {
			size_t at = m.ov[0], end = m.ov[1], ws;
			double a, b;

			start = end > at ? end : at + 1;
			if (at >= best_at)
				break;
			if (p == P_HOURS_WORKWEEK && !group_set(&m, 1)) {
				a = b = group_num(&m, text, 2);
			} else {
				a = group_num(&m, text, 1);
				b = group_set(&m, 2) ? group_num(&m, text, 2) : a;
			}
			if (p == P_HOURS_RANGE) {
				bool week = search(&w, P_WEEK_WORD, text + end, len - end, 0);

				ws = window_start(text, at, 16);
				if (!week && (search(&w, P_TIME_OF_DAY, text + ws, at - ws, 0) ||
					      search(&w, P_PER_DAY, text + end, len - end, 0)))
					continue;
			}
			if (p == P_HOURS_STUNDEN) {
				ws = window_start(text, at, 16);
				if (search(&w, P_PER_DAY, text + end, len - end, 0) ||
				    search(&w, P_WITHIN, text + ws, at - ws, 0))
					continue;
			}
			if (p == P_HOURS_BASIS && !(a >= 8 && a <= 40))
				continue;
			if (p == P_HOURS_FTE) {
				if (!(a >= 0.05 && a <= 1.2 && b >= 0.05 && b <= 1.2))
					continue;
				a *= FTE_HOURS;
				b *= FTE_HOURS;
			}
			if (a > b) {
				double t = a;

				a = b;
				b = t;
			}
			if (!(a >= 1 && b <= 60))
				continue;
			best_at = at;
			bmin = a;
			bmax = b;
			break;
		}
	}
	match_release(&m);
	match_release(&w);
	if (best_at == (size_t)-1)
		return false;
	*min = bmin;
	*max = bmax;
	return true;
}

/* ---- employment type ---- */

/* The schema.org value of the earliest label term in s, or NULL. */
static const char *et_scan(const char *s, size_t len, bool with_vast)
{
	static const enum pat p[] = {
		P_ET_FULL, P_ET_PART, P_ET_CONTRACTOR, P_ET_TEMPORARY, P_ET_INTERN, P_ET_VOLUNTEER,
		P_ET_PER_DIEM, P_ET_OTHER, P_ET_VAST,
	};
	static const char *const v[] = {
		"FULL_TIME", "PART_TIME", "CONTRACTOR", "TEMPORARY", "INTERN", "VOLUNTEER",
		"PER_DIEM", "OTHER", "FULL_TIME",
	};
	size_t best = (size_t)-1, at, n = sizeof(p) / sizeof(p[0]) - (with_vast ? 0 : 1);
	const char *res = NULL;

	for (size_t i = 0; i < n; i++)
		if (find(p[i], s, len, &at) && at < best) {
			best = at;
			res = v[i];
		}
	return res;
}

const char *normalize_employment_type(const char *term)
{
	static const char *const exact[] = {
		"FULL_TIME", "PART_TIME", "CONTRACTOR", "TEMPORARY", "INTERN", "VOLUNTEER", "PER_DIEM", "OTHER",
	};

	if (!term || !ready())
		return NULL;
	for (size_t i = 0; i < sizeof(exact) / sizeof(exact[0]); i++)
		if (!strcasecmp(term, exact[i]))
			return exact[i];
	return et_scan(term, strnlen(term, 1000), true);
}

const char *normalize_employment_type_text(const char *title, const char *text)
{
	static const enum pat strong[] = { P_ETD_INTERN, P_ETD_VOLUNTEER, P_ETD_CONTRACTOR };
	static const char *const strong_v[] = { "INTERN", "VOLUNTEER", "CONTRACTOR" };
	const char *r;
	size_t len, full, part;
	bool has_full, has_part;

	if (!ready())
		return NULL;
	/* a title is a label; but "vast" in a title says nothing about hours */
	if (title && (r = et_scan(title, strnlen(title, 1000), false)))
		return r;
	if (!text)
		return NULL;
	len = text_len(text);
	for (size_t i = 0; i < sizeof(strong) / sizeof(strong[0]); i++)
		if (find(strong[i], text, len, NULL))
			return strong_v[i];
	has_full = find(P_ETD_FULL, text, len, &full);
	has_part = find(P_ETD_PART, text, len, &part);
	if (has_full || has_part)
		return has_full && (!has_part || full < part) ? "FULL_TIME" : "PART_TIME";
	if (find(P_ETD_TEMPORARY, text, len, NULL))
		return "TEMPORARY";
	if (find(P_ETD_PER_DIEM, text, len, NULL))
		return "PER_DIEM";
	return NULL;
}

/* ---- remote work ---- */

const char *normalize_remote(const char *text)
{
	size_t len;

	if (!text || !ready())
		return NULL;
	len = text_len(text);
	if (find(P_REMOTE_NOT, text, len, NULL))
		return "onsite";
	if (find(P_REMOTE_FULL, text, len, NULL))
		return "remote";
	if (find(P_REMOTE_HYBRID, text, len, NULL))
		return "hybrid";
	if (find(P_REMOTE_ONSITE, text, len, NULL))
		return "onsite";
	return NULL;
}

/* ---- education ---- */

/* The lowest level mentioned in s[0..len); see normalize.h. */
static const char *lowest_level(const char *s, size_t len)
{
	static const enum pat p[] = { P_EDU_MBO, P_EDU_HBO, P_EDU_WO, P_EDU_PHD };
	static const char *const v[] = { "mbo", "hbo", "wo", "phd" };

	for (size_t i = 0; i < sizeof(p) / sizeof(p[0]); i++)
		if (find(p[i], s, len, NULL))
			return v[i];
	return NULL;
}

/*
 * The requirements section of a description: from a heading such as "Wat
 * vragen wij?" to the next heading-like paragraph (short, one line, not a
 * list item, no closing punctuation).  false when there is no heading.
 */
static bool requirements_section(const char *s, size_t len, size_t *start, size_t *end)
{
	struct match m;
	size_t p;

	if (!match_init(&m))
		return false;
	if (!search(&m, P_REQ_HEADING, s, len, 0)) {
		match_release(&m);
		return false;
	}
	*start = p = m.ov[1];
	match_release(&m);
	*end = len;
	while ((p = (size_t)(strstr(s + p, "\n\n") ? strstr(s + p, "\n\n") - s : (ptrdiff_t)len)) < len) {
		size_t q = p + 2, n = strcspn(s + q, "\n");

		if (n && n <= 60 && strncmp(s + q, "- ", 2) && !strchr(".;,:", s[q + n - 1]) &&
		    (s[q + n] == '\0' || s[q + n + 1] == '\n' || s[q + n + 1] == '\0')) {
			*end = p;
			break;
		}
		p = q;
	}
	return true;
}

const char *normalize_education(const char *text)
{
	size_t len, a, b;
	const char *r;

	if (!text || !ready())
		return NULL;
	len = text_len(text);
	/* what the requirements say beats what the rest of the text mentions */
	if (requirements_section(text, len, &a, &b) && (r = lowest_level(text + a, b - a)))
		return r;
	return lowest_level(text, len);
}

/* ---- a whole posting ---- */

static enum tj_code fix_date(char **field)
{
	char d[11];

	if (!*field)
		return TJ_OK;
	if (normalize_date(*field, d))
		return posting_set(field, d);
	posting_take(field, NULL);
	return TJ_OK;
}

static enum tj_code fill_location(struct posting *p)
{
	const struct town *first[1], *all[16];
	const char *src = p->location ? p->location : p->location_raw;
	const char *list = p->location_raw ? p->location_raw : src;
	size_t n_first, n_all;
	char *loc = NULL;
	enum tj_code rc;

	if (p->country) {
		const char *cc = normalize_country(p->country);

		if (cc && (rc = posting_set(&p->country, cc)))
			return rc;
	}
	if (!src)
		return TJ_OK;
	/* look everything up before src (maybe p->location) is replaced */
	n_first = normalize_towns(src, first, 1);
	n_all = normalize_towns(list, all, 16);
	if (n_all > 16)
		n_all = 16;
	/* an unknown town is cleaned; when nothing is left, keep what the page said */
	if (!n_first)
		loc = normalize_locality(src);
	p->twente = -1;
	for (size_t i = 0; i < n_all; i++)
		if (all[i]->twente)
			p->twente = 1;
	if (p->twente < 0 && n_all && n_first)
		p->twente = 0;
	if (p->twente < 0 && p->country && strcmp(p->country, "NL") && strcmp(p->country, "DE"))
		p->twente = 0;
	if (n_first) {
		free(loc);
		if ((rc = posting_set(&p->location, first[0]->name)) ||
		    (rc = posting_set(&p->municipality, first[0]->municipality)))
			return rc;
	} else if (loc) {
		posting_take(&p->location, loc);
	}
	return TJ_OK;
}

static enum tj_code fill_salary(struct posting *p)
{
	struct salary s;
	enum tj_code rc;

	if (!isnan(p->salary_min) || !isnan(p->salary_max)) {
		/* structured without a period: infer it from the amount */
		if (!p->salary_period) {
			double v = !isnan(p->salary_max) ? p->salary_max : p->salary_min;
			const char *per = v < 5 ? NULL : v < 200 ? "HOUR" : v >= 800 && v <= 20000 ? "MONTH" :
					  v > 20000 ? "YEAR" : NULL;

			if (per && (rc = posting_set(&p->salary_period, per)))
				return rc;
		}
		return TJ_OK;
	}
	/* a stated salary text ("€ 3.500 - € 4.800") first, then the description */
	if (p->salary_text && normalize_salary(p->salary_text, &s)) {
		/* salary_text already says it */
	} else if (p->description && normalize_salary(p->description, &s)) {
		char *t = strndup(p->description + s.start, s.end - s.start);

		if (!t)
			return tj_error(TJ_ENOMEM, "out of memory");
		posting_take(&p->salary_text, t);
	} else {
		return TJ_OK;
	}
	p->salary_min = s.min;
	p->salary_max = s.max;
	if ((s.currency[0] && !p->salary_currency && (rc = posting_set(&p->salary_currency, s.currency))) ||
	    (s.period[0] && !p->salary_period && (rc = posting_set(&p->salary_period, s.period))) ||
	    (rc = posting_set(&p->salary_source, "text")))
		return rc;
	return TJ_OK;
}

enum tj_code normalize_posting(struct posting *p)
{
	enum tj_code rc;

	if (normalize_init() && !ready())
		return tj_error(TJ_EINVAL, "%s", init_msg);
	if ((rc = fill_location(p)) || (rc = fix_date(&p->date_posted)) ||
	    (rc = fix_date(&p->valid_through)) || (rc = fill_salary(p)))
		return rc;
	if (isnan(p->hours_min) && isnan(p->hours_max) && p->description) {
		double a, b;

		if (normalize_hours(p->description, &a, &b)) {
			p->hours_min = a;
			p->hours_max = b;
		}
	}
	if (!p->employment_type) {
		const char *et = normalize_employment_type_text(p->title, p->description);

		if (!et && !isnan(p->hours_max))
			et = p->hours_max >= 36 ? "FULL_TIME" : p->hours_max <= 32 ? "PART_TIME" : NULL;
		if (et && (rc = posting_set(&p->employment_type, et)))
			return rc;
	}
	if (!p->remote && p->description) {
		const char *r = normalize_remote(p->description);

		if (r && (rc = posting_set(&p->remote, r)))
			return rc;
	}
	if (!p->education && p->description) {
		const char *e = normalize_education(p->description);

		if (e && (rc = posting_set(&p->education, e)))
			return rc;
	}
	return TJ_OK;
}
