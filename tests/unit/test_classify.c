/*
 * test_classify.c - the classifier (spider/classify.c), its language model
 * (spider/langid.c) and its literal prefilter (spider/reqlit.c).
 *
 * Every case checks the contract as well as the answer: reasons are
 * present and each evidence is a byte-for-byte substring of the posting,
 * and the score lies in the label's band.  The lexicon is the shipped
 * data/signals.tsv, so these tests also guard it against regressions.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "classify.h"
#include "langid.h"
#include "paths.h"
#include "posting.h"
#include "reqlit.h"

static struct classifier *clf;

static int setup(void **state)
{
	(void)state;
	if (classifier_load(NULL, &clf)) {
		fprintf(stderr, "classifier_load: %s\n", tj_errmsg());
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	classifier_free(clf);
	return 0;
}

static bool in(const char *field, const char *ev)
{
	return field && strstr(field, ev);
}

/* The contract every classification must keep. */
static void check_contract(const struct posting *p)
{
	const struct classification *c = &p->cls;
	json_t *r;
	size_t i;

	assert_true(c->done);
	assert_non_null(c->reasons);
	assert_true(json_is_array(c->reasons));
	json_array_foreach(c->reasons, i, r) {
		const char *code = json_string_value(json_object_get(r, "code"));
		const char *ev = json_string_value(json_object_get(r, "evidence"));

		assert_non_null(code);
		assert_non_null(ev);
		assert_true(strlen(ev) > 0 && strlen(ev) <= CLASSIFY_EVIDENCE_MAX);
		if (!(in(p->title, ev) || in(p->description, ev) || in(p->employer, ev)))
			fail_msg("evidence '%s' (%s) is not in the posting", ev, code);
	}
	if (!strcmp(c->intl_label, "yes"))
		assert_in_range(c->intl_score, 65, 100);
	else if (!strcmp(c->intl_label, "maybe"))
		assert_in_range(c->intl_score, 35, 64);
	else if (!strcmp(c->intl_label, "no"))
		assert_in_range(c->intl_score, 0, 34);
	else
		fail_msg("label '%s'", c->intl_label);
	assert_true(c->language_confidence >= 0 && c->language_confidence <= 1);
}

static void classify(struct posting *p, const char *title, const char *desc,
		     const char *employer, const char *hint)
{
	posting_init(p);
	assert_int_equal(posting_set(&p->title, title), TJ_OK);
	assert_int_equal(posting_set(&p->description, desc), TJ_OK);
	assert_int_equal(posting_set(&p->employer, employer), TJ_OK);
	assert_int_equal(classify_posting(clf, p, hint), TJ_OK);
	check_contract(p);
}

static const char *reason(const struct posting *p, const char *code)
{
	json_t *r;
	size_t i;

	json_array_foreach(p->cls.reasons, i, r)
		if (!strcmp(json_string_value(json_object_get(r, "code")), code))
			return json_string_value(json_object_get(r, "evidence"));
	return NULL;
}

/* label, dutch_required and the reason that must explain it */
static void expect(const char *title, const char *desc, const char *lang,
		   const char *label, bool dreq, const char *code)
{
	struct posting p;

	classify(&p, title, desc, NULL, NULL);
	if (lang)
		assert_string_equal(p.cls.language, lang);
	assert_string_equal(p.cls.intl_label, label);
	assert_int_equal(p.cls.dutch_required, dreq);
	if (code && !reason(&p, code))
		fail_msg("no reason '%s' for: %s", code, desc);
	posting_release(&p);
}

/* ---- Dutch required, in three languages --------------------------------- */

static void test_dutch_required_en(void **state)
{
	(void)state;
	expect("Account Manager", "You will visit customers across the region and grow our sales. "
	       "Requirements: fluent Dutch and good English, and a driving licence.",
	       "en", "no", true, "dutch_required");
	expect("Teacher", "All lessons are taught in Dutch, so a very good command of the Dutch "
	       "language (at least C1) is required.", "en", "no", true, "dutch_required");
}

static void test_dutch_required_nl(void **state)
{
	(void)state;
	expect("Projectleider", "Je hebt een hbo-diploma en een uitstekende beheersing van de "
	       "Nederlandse taal in woord en geschrift.", "nl", "no", true, "dutch_required");
}

static void test_dutch_required_de(void **state)
{
	(void)state;
	expect("Vertrieb Benelux", "Sie betreuen Kunden in den Niederlanden und sprechen "
	       "Niederländisch fließend, Deutsch ebenfalls.", "de", "no", true, "dutch_required");
}

/* ---- Dutch a plus / to be learned --------------------------------------- */

static void test_dutch_plus_three_languages(void **state)
{
	(void)state;
	expect("Data Analyst", "You build dashboards and analyse data for our planners. "
	       "Knowledge of Dutch is a plus.", "en", "maybe", false, "dutch_plus");
	expect("Product Manager", "Je bepaalt de roadmap en werkt met een team van designers. "
	       "Nederlands is een pluspunt.", "nl", "maybe", false, "dutch_plus");
	expect("Projektingenieur", "Sie koordinieren Genehmigungsverfahren und den Netzanschluss. "
	       "Niederländischkenntnisse sind von Vorteil.", "de", "maybe", false, "dutch_plus");
}

static void test_dutch_learn_three_languages(void **state)
{
	(void)state;
	expect("Policy Advisor", "You prepare regional energy strategies with municipalities. "
	       "You must be willing to learn Dutch within the first year.", "en", "maybe", false,
	       "dutch_learn");
	expect("Koerier", "Je bezorgt pakketten in Enschede met een elektrische bus. Je bent wel "
	       "bereid om de Nederlandse taal te leren.", "nl", "maybe", false, "dutch_learn");
	expect("Kundenberater", "Sie beraten Grenzpendler zu Steuern und Renten. Sie haben die "
	       "Bereitschaft, Niederländisch zu lernen.", "de", "maybe", false, "dutch_learn");
}

/* ---- negation beats the requirement -------------------------------------- */

static void test_negation_en(void **state)
{
	const char *const cases[] = {
		"Dutch is not required for this role.",
		"No Dutch needed: our team works in many languages.",
		"Fluent Dutch is not a must.",
		"You don't need to speak Dutch to work here.",
		"No Dutch? No problem, our kitchen team is international.",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char desc[512];

		snprintf(desc, sizeof(desc), "We are looking for a colleague who likes to build "
			 "things and solve problems with us. %s", cases[i]);
		expect("Engineer", desc, "en", "yes", false, "dutch_not_required");
	}
}

static void test_negation_nl_de(void **state)
{
	(void)state;
	expect("Developer", "Je werkt aan onze API's en bouwt nieuwe features met het team. "
	       "Er is geen Nederlands vereist voor deze functie.", "nl", "yes", false,
	       "dutch_not_required");
	expect("Onderzoeker", "Je ontwerpt en test prototypes in ons lab. Kennis van de "
	       "Nederlandse taal is niet vereist.", "nl", "yes", false, "dutch_not_required");
	expect("Mitarbeiter", "Sie untersuchen Pendlerströme im Grenzgebiet. Kenntnisse der "
	       "niederländischen Sprache sind nicht erforderlich.", "de", "yes", false,
	       "dutch_not_required");
}

/* "a plus, but not a must" is yes; "a plus" alone is maybe */
static void test_plus_but_not_required(void **state)
{
	(void)state;
	expect("Office Manager", "Je regelt de facilitaire zaken en plant events voor het team. "
	       "Kennis van de Nederlandse taal is een pré, maar geen must.", "nl", "yes", false,
	       "dutch_plus");
}

/* ---- English working language, in three languages ----------------------- */

static void test_english_working_language(void **state)
{
	(void)state;
	expect("Backend Developer", "Je werkt aan onze API's in Kotlin en denkt mee over de "
	       "architectuur. De voertaal binnen het team is Engels.", "nl", "yes", false,
	       "english_working_language");
	expect("Backend-Entwickler", "Du arbeitest mit Python und PostgreSQL an unserer Plattform. "
	       "Unsere Teamsprache ist Englisch.", "de", "yes", false, "english_working_language");
	expect("Engineer", "You write firmware for our motion controllers. Our working language is "
	       "English.", "en", "yes", false, "english_working_language");
}

/* ---- international support: team, relocation, visa, 30% ruling --------- */

static void test_international_support(void **state)
{
	struct posting p;

	(void)state;
	classify(&p, "ML Engineer", "You will join an international team in Enschede. We offer "
		 "relocation support, visa sponsorship and we apply for the 30% ruling.", NULL, NULL);
	assert_string_equal(p.cls.intl_label, "yes");
	assert_non_null(reason(&p, "international_team"));
	assert_non_null(reason(&p, "relocation_support"));
	assert_non_null(reason(&p, "visa_sponsorship"));
	assert_string_equal(reason(&p, "ruling_30"), "30% ruling");
	assert_true(p.cls.intl_score >= 90);
	posting_release(&p);
	/* a Dutch posting with only international hints is maybe */
	expect("Planner", "Je plant de ritten van onze vrachtwagens door Europa. Je werkt in een "
	       "internationale omgeving en we bieden hulp bij je verhuizing.", "nl", "maybe", false,
	       "international_team");
	expect("Entwickler", "Du entwickelst Schnittstellen zu Fahrzeugen. Wir unterstützen dich "
	       "beim Umzug und beim Visum und bieten Umzugsunterstützung.", "de", "yes", false,
	       "relocation_support");
}

/* ---- German required ------------------------------------------------------ */

static void test_german_required(void **state)
{
	(void)state;
	expect("Receptionist", "You welcome guests at our hotel near the border. Fluent German "
	       "is required, English is a plus.", "en", "yes", false, "german_required");
	expect("Sales Manager DACH", "Je breidt ons klantenbestand in Duitsland uit. Je beheerst "
	       "de Duitse taal uitstekend.", "nl", "no", false, "german_required");
	expect("Softwareentwickler", "Sie entwickeln Messsysteme. Sehr gute Deutsch- und "
	       "Englischkenntnisse setzen wir voraus.", "de", "yes", false, "german_required");
}

/* ---- Dutch posting without language statements ---------------------------- */

static void test_dutch_only_is_no_but_not_required(void **state)
{
	(void)state;
	expect("Magazijnmedewerker", "Voor ons distributiecentrum in Hengelo zoeken wij een "
	       "magazijnmedewerker. Je ontvangt goederen, verzamelt orders en laadt vrachtwagens.",
	       "nl", "no", false, "dutch_posting");
}

/* Dutch named as a market or a law is not a language demand */
static void test_dutch_market_is_not_a_demand(void **state)
{
	(void)state;
	expect("Sales Engineer", "You grow our business in the Dutch market and work with Dutch "
	       "customers. You have good knowledge of Dutch tax law.", "en", "yes", false,
	       "english_posting");
}

/* ---- language hard cases -------------------------------------------------- */

static void test_english_title_dutch_body(void **state)
{
	struct posting p;

	(void)state;
	classify(&p, "Senior Data Engineer", "Bij ons bedrijf bouwen we een modern dataplatform in "
		 "de cloud. Je ontwerpt data pipelines en coacht onze medior engineers. Omdat je "
		 "veel met de business afstemt, is vloeiend Nederlands een must.", NULL, NULL);
	assert_string_equal(p.cls.language, "nl");
	assert_string_equal(p.cls.level, "senior");
	assert_true(p.cls.dutch_required);
	posting_release(&p);
}

static void test_loanword_heavy_dutch(void **state)
{
	struct posting p;

	(void)state;
	classify(&p, "Scrum Master", "Als scrum master faciliteer je de refinements, sprint reviews "
		 "en retrospectives, coach je de teams op ownership en continuous improvement en "
		 "werk je samen met de product owners en stakeholders in een agile omgeving.",
		 NULL, NULL);
	assert_string_equal(p.cls.language, "nl");
	posting_release(&p);
}

static void test_short_postings(void **state)
{
	struct posting p;

	(void)state;
	classify(&p, "Vakkenvuller", "Vakkenvuller gezocht voor de avonden en zaterdag.", NULL, NULL);
	assert_string_equal(p.cls.language, "nl");
	posting_release(&p);
	classify(&p, "Cleaner", "Cleaners wanted for offices, early mornings.", NULL, NULL);
	assert_string_equal(p.cls.language, "en");
	posting_release(&p);
	classify(&p, "Reinigungskraft", "Reinigungskräfte für Büros gesucht, ab 17 Uhr.", NULL, NULL);
	assert_string_equal(p.cls.language, "de");
	posting_release(&p);
}

static void test_other_and_empty(void **state)
{
	struct posting p;

	(void)state;
	classify(&p, NULL, NULL, NULL, NULL);
	assert_string_equal(p.cls.language, "und");
	assert_string_equal(p.cls.intl_label, "maybe");
	assert_int_equal(json_array_size(p.cls.reasons), 0);
	posting_release(&p);
	classify(&p, "Serveur", "Nous recherchons un serveur pour notre restaurant au centre-ville. "
		 "Vous accueillez les clients, prenez les commandes et servez les plats avec le "
		 "sourire. Expérience souhaitée mais pas obligatoire.", NULL, NULL);
	assert_string_equal(p.cls.language, "fr");
	assert_string_equal(p.cls.intl_label, "maybe");
	assert_non_null(reason(&p, "other_language_posting"));
	posting_release(&p);
	/* another script: no model, so undetermined */
	classify(&p, "\xd0\x9f\xd0\xbe\xd0\xb2\xd0\xb0\xd1\x80",
		 "\xd0\x98\xd1\x89\xd0\xb5\xd0\xbc \xd0\xbf\xd0\xbe\xd0\xb2\xd0\xb0\xd1\x80\xd0\xb0 "
		 "\xd0\xb4\xd0\xbb\xd1\x8f \xd0\xbd\xd0\xb0\xd1\x88\xd0\xb5\xd0\xb3\xd0\xbe "
		 "\xd1\x80\xd0\xb5\xd1\x81\xd1\x82\xd0\xbe\xd1\x80\xd0\xb0\xd0\xbd\xd0\xb0 "
		 "\xd0\xb2 \xd1\x86\xd0\xb5\xd0\xbd\xd1\x82\xd1\x80\xd0\xb5 \xd0\xb3\xd0\xbe\xd1\x80\xd0\xbe\xd0\xb4\xd0\xb0.",
		 NULL, NULL);
	assert_string_equal(p.cls.language, "und");
	posting_release(&p);
}

static void test_invalid_utf8(void **state)
{
	struct posting p;

	(void)state;
	/* \xff and a cut sequence: matched around, never copied into evidence */
	classify(&p, "Engineer \xff", "Fluent Dutch is required.\xff \xc3 Our working language "
		 "is English. \xe2\x80", NULL, NULL);
	assert_true(p.cls.dutch_required);
	posting_release(&p);
}

/* ---- advertiser ------------------------------------------------------------ */

static void test_agency(void **state)
{
	struct posting p;

	(void)state;
	classify(&p, "Software Engineer", "Voor onze opdrachtgever, een softwareleverancier in "
		 "Hengelo, zoeken wij een engineer.", "Werving BV", NULL);
	assert_string_equal(p.cls.advertiser, "agency");
	posting_release(&p);
	classify(&p, "Orderpicker", "Je verzamelt bestellingen in een distributiecentrum.",
		 "Randstad", NULL);
	assert_string_equal(p.cls.advertiser, "agency");
	assert_non_null(reason(&p, "agency_name"));
	posting_release(&p);
	classify(&p, "Buchhalter", "Im Auftrag unseres Kunden suchen wir einen Buchhalter.",
		 "Talentfinder", NULL);
	assert_string_equal(p.cls.advertiser, "agency");
	posting_release(&p);
	/* the source rule's word is taken as fact */
	classify(&p, "Engineer", "We build robots.", "Acme", "agency");
	assert_string_equal(p.cls.advertiser, "agency");
	posting_release(&p);
}

static void test_direct_employer(void **state)
{
	struct posting p;

	(void)state;
	classify(&p, "Medewerker", "Je helpt onze klanten. Acquisitie naar aanleiding van deze "
		 "vacature wordt niet op prijs gesteld.", "Energie Oost", NULL);
	assert_string_equal(p.cls.advertiser, "employer");
	assert_non_null(reason(&p, "direct_no_agencies"));
	posting_release(&p);
	classify(&p, "Engineer", "We build robots in Enschede.", "Acme", "employer");
	assert_string_equal(p.cls.advertiser, "employer");
	posting_release(&p);
}

/* ---- level ----------------------------------------------------------------- */

static void expect_level(const char *title, const char *desc, const char *level)
{
	struct posting p;

	classify(&p, title, desc, NULL, NULL);
	if (strcmp(p.cls.level, level))
		fail_msg("'%s': level %s, want %s", title, p.cls.level, level);
	posting_release(&p);
}

static void test_level_from_title(void **state)
{
	(void)state;
	expect_level("Senior Accountant", "You have two years of experience.", "senior");
	expect_level("Lead Backend Developer", "Join us.", "senior");
	expect_level("Junior Data Analyst", "You have 5+ years of experience.", "junior");
	expect_level("Medior Java Developer", "Join us.", "medior");
	expect_level("Stagiair Marketing", "Je maakt content.", "internship");
	expect_level("Graduate Internship Finance", "Join us.", "internship");
	expect_level("Traineeship Supply Chain", "Join us.", "graduate");
	expect_level("Afstudeeropdracht Machine Learning", "Je onderzoekt radarsignalen.", "internship");
	expect_level("Werkstudent (m/w/d) Softwareentwicklung", "Du programmierst.", "internship");
}

/* PhD positions are graduate (entry after a master's), postdocs junior */
static void test_level_phd_postdoc(void **state)
{
	(void)state;
	expect_level("PhD Candidate in Fluid Dynamics", "Four-year position.", "graduate");
	expect_level("Doktorand (m/w/d) Materialwissenschaften", "EU-Projekt.", "graduate");
	expect_level("Postdoctoral Researcher Photonics", "Two years.", "junior");
}

static void test_level_from_description(void **state)
{
	(void)state;
	expect_level("Engineer", "You have 5+ years of experience with C++.", "senior");
	expect_level("Engineer", "You have three to five years of experience in embedded C.", "medior");
	expect_level("Laborant", "Je hebt twee tot vier jaar ervaring in een laboratorium.", "medior");
	expect_level("Adviseur", "Je hebt nul tot twee jaar werkervaring.", "junior");
	expect_level("Einkäufer", "Sie haben mindestens sieben Jahre Berufserfahrung.", "senior");
	expect_level("Accountant", "Ben jij net afgestudeerd in accountancy?", "graduate");
	expect_level("Analyst", "This role is for recent graduates in econometrics.", "graduate");
	expect_level("Warehouse Operator", "You pick and pack orders.", "unknown");
	/* an age is not experience */
	expect_level("Bediening", "Je bent minimaal 18 jaar en werkt graag met gasten.", "unknown");
}

/* ---- lexicon loading -------------------------------------------------------- */

static void lexicon_error(const char *content, const char *want)
{
	char path[] = "/tmp/tj-lexicon-XXXXXX";
	int fd = mkstemp(path);
	struct classifier *c = NULL;
	char expect_msg[256];

	assert_true(fd >= 0);
	assert_int_equal(write(fd, content, strlen(content)), (ssize_t)strlen(content));
	close(fd);
	assert_int_equal(classifier_load_files(NULL, path, &c), TJ_EPARSE);
	assert_null(c);
	snprintf(expect_msg, sizeof(expect_msg), "%s:%s", path, want);
	if (strncmp(tj_errmsg(), expect_msg, strlen(expect_msg)))
		fail_msg("message '%s', want prefix '%s'", tj_errmsg(), expect_msg);
	unlink(path);
}

static void test_lexicon_errors(void **state)
{
	(void)state;
	lexicon_error("# a comment\n\nx\tdutch_required\ttext\t-60\ten\t(unclosed\n",
		      "3: pattern does not compile: missing closing parenthesis at offset 9");
	lexicon_error("x\tno_such_effect\ttext\t0\ten\tDutch\n", "1: unknown effect 'no_such_effect'");
	lexicon_error("x\tdutch_required\ttext\t-60\tDutch\n", "1: expected 6 tab-separated fields");
	lexicon_error("x\tdutch_required\tsomewhere\t-60\ten\tDutch\n", "1: unknown scope 'somewhere'");
	lexicon_error("x\tdutch_required\ttext\tlots\ten\tDutch\n", "1: weight 'lots'");
	lexicon_error("Bad-Code\tdutch_required\ttext\t1\ten\tDutch\n", "1: code 'Bad-Code'");
	lexicon_error("x\tlevel\tbody\t1\ten\t\\d+ years\n", "1: effect 'level' needs a named group");
	lexicon_error("# only comments\n", "");
}

static void test_lexicon_missing_file(void **state)
{
	struct classifier *c = NULL;

	(void)state;
	assert_int_equal(classifier_load_files(NULL, "/nonexistent/signals.tsv", &c), TJ_EIO);
	assert_non_null(strstr(tj_errmsg(), "/nonexistent/signals.tsv"));
	assert_int_equal(classifier_load("/nonexistent-dir", &c), TJ_EIO);
}

/* ---- the literal prefilter ---------------------------------------------------- */

static void expect_lits(const char *pattern, const char *text, bool may_match)
{
	struct reqlit r;
	char lower[256];

	assert_int_equal(reqlit_from_pattern(pattern, &r), TJ_OK);
	reqlit_lower(lower, text, strlen(text));
	if (reqlit_test(&r, lower, strlen(text)) != may_match)
		fail_msg("pattern %s on '%s': want %d", pattern, text, may_match);
	reqlit_release(&r);
}

static void test_reqlit(void **state)
{
	(void)state;
	expect_lits("\\bDutch\\b", "we speak DUTCH", true);
	expect_lits("\\bDutch\\b", "we speak English", false);
	expect_lits("\\bDutch\\s+is\\s+(?:required|a must)", "Dutch is nice", false);
	expect_lits("\\bDutch\\s+is\\s+(?:required|a must)", "dutch ... A MUST", true);
	expect_lits("(?:ab|cd)e", "zzz", true);                 /* too short: no filter */
	expect_lits("colou?r", "color", true);                  /* "colo" needed, "u" not */
	expect_lits("colou?r", "clr", false);
	expect_lits("x|(?i)abc", "nothing", true);               /* not understood: no filter */
	expect_lits("foo(?=bar)baz", "foobaz", true);            /* lookahead contributes nothing */
	expect_lits("Nieder\\w*l\u00e4ndisch", "niederlaendisch", true);
	expect_lits("seven|eight", "sev eig", false);
	expect_lits("a[bc]+dutch(?:\\s+es)?", "dutch", true);
}

/* The prefilter must never hide a match: check it on the whole eval set. */
static void test_prefilter_never_misses(void **state)
{
	char *text = NULL, *line, *next;
	size_t n = 0;

	(void)state;
	assert_int_equal(tj_read_file("tests/eval/postings.jsonl", (size_t)16 << 20, &text, NULL), TJ_OK);
	for (line = text; line && *line; line = next) {
		json_t *o;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		o = json_loads(line, 0, NULL);
		assert_non_null(o);
		for (const char *const *k = (const char *const[]){ "title", "description", "employer", NULL };
		     *k; k++) {
			const char *s = json_string_value(json_object_get(o, *k));

			if (s && classifier_prefilter_misses(clf, s))
				fail_msg("prefilter hides a match in %s of %s", *k,
					 json_string_value(json_object_get(o, "id")));
		}
		json_decref(o);
		n++;
	}
	assert_true(n >= 150);
	free(text);
}

/* ---- threads ---------------------------------------------------------------- */

struct thread_arg {
	int ok;
};

static void *worker(void *arg)
{
	struct thread_arg *a = arg;

	a->ok = 1;
	for (int i = 0; i < 50; i++) {
		struct posting p;

		posting_init(&p);
		if (posting_set(&p.title, "Senior Engineer") ||
		    posting_set(&p.description, "Fluent Dutch is required. You join an international "
				"team and we offer relocation support.") ||
		    classify_posting(clf, &p, NULL) || !p.cls.dutch_required ||
		    strcmp(p.cls.level, "senior") || strcmp(p.cls.intl_label, "no"))
			a->ok = 0;
		posting_release(&p);
	}
	return NULL;
}

static void test_threads_share_one_classifier(void **state)
{
	pthread_t t[4];
	struct thread_arg a[4];

	(void)state;
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, worker, &a[i]), 0);
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_true(a[i].ok);
	}
}

/* ---- the command ---------------------------------------------------------------- */

static int run_cmd(const char *json, const char *arg)
{
	char path[] = "/tmp/tj-classify-XXXXXX";
	int fd = mkstemp(path), rc, saved_out = dup(1), saved_err = dup(2), devnull;
	char *argv[4] = { "classify", (char *)(arg ? arg : path), NULL, NULL };

	assert_true(fd >= 0);
	if (json)
		assert_int_equal(write(fd, json, strlen(json)), (ssize_t)strlen(json));
	close(fd);
	fflush(stdout);
	fflush(stderr);
	devnull = open("/dev/null", O_WRONLY);
	dup2(devnull, 1);
	dup2(devnull, 2);
	rc = cmd_classify(2, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, 1);
	dup2(saved_err, 2);
	close(devnull);
	close(saved_out);
	close(saved_err);
	unlink(path);
	return rc;
}

static void test_cmd_classify(void **state)
{
	(void)state;
	assert_int_equal(run_cmd("{\"title\": \"Engineer\", \"description\": \"Dutch is not required.\"}",
				 NULL), 0);
	assert_int_equal(run_cmd("{\"title\": 3", NULL), 1);                     /* bad JSON */
	assert_int_equal(run_cmd("[1, 2]", NULL), 1);                            /* not an object */
	assert_int_equal(run_cmd("{\"title\": 3}", NULL), 1);                    /* wrong type */
	assert_int_equal(run_cmd(NULL, "/nonexistent.json"), 1);
	assert_int_equal(run_cmd(NULL, "--bogus"), 2);
	assert_int_equal(run_cmd(NULL, "--help"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dutch_required_en),
		cmocka_unit_test(test_dutch_required_nl),
		cmocka_unit_test(test_dutch_required_de),
		cmocka_unit_test(test_dutch_plus_three_languages),
		cmocka_unit_test(test_dutch_learn_three_languages),
		cmocka_unit_test(test_negation_en),
		cmocka_unit_test(test_negation_nl_de),
		cmocka_unit_test(test_plus_but_not_required),
		cmocka_unit_test(test_english_working_language),
		cmocka_unit_test(test_international_support),
		cmocka_unit_test(test_german_required),
		cmocka_unit_test(test_dutch_only_is_no_but_not_required),
		cmocka_unit_test(test_dutch_market_is_not_a_demand),
		cmocka_unit_test(test_english_title_dutch_body),
		cmocka_unit_test(test_loanword_heavy_dutch),
		cmocka_unit_test(test_short_postings),
		cmocka_unit_test(test_other_and_empty),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_agency),
		cmocka_unit_test(test_direct_employer),
		cmocka_unit_test(test_level_from_title),
		cmocka_unit_test(test_level_phd_postdoc),
		cmocka_unit_test(test_level_from_description),
		cmocka_unit_test(test_lexicon_errors),
		cmocka_unit_test(test_lexicon_missing_file),
		cmocka_unit_test(test_reqlit),
		cmocka_unit_test(test_prefilter_never_misses),
		cmocka_unit_test(test_threads_share_one_classifier),
		cmocka_unit_test(test_cmd_classify),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
