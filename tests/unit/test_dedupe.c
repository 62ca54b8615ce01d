/*
 * test_dedupe.c - near-duplicate detection: normalisation, simhash and the
 * grouping key (index/dedupe.c), and the grouping rules in the store
 * (index/store.c): agency loses, earliest wins, expiry promotes; the
 * reworded-repost test (dedupe_same_vacancy) on the demo web's real pairs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "dedupe.h"
#include "store.h"

#define TEXT_A_HEAD \
	"Als data engineer bij de gemeente Enschede bouw je mee aan het dataplatform van de stad. " \
	"Je ontwerpt en onderhoudt datapijplijnen, koppelt bronnen uit het sociaal domein en de " \
	"openbare ruimte, en zorgt dat analisten en beleidsmakers kunnen vertrouwen op de cijfers. " \
	"Je werkt in een team van zes collega's met Python, SQL en Azure, en je denkt mee over " \
	"privacy en datakwaliteit. Wij vragen een afgeronde hbo- of wo-opleiding in de informatica, " \
	"minimaal twee jaar ervaring met het bouwen van datapijplijnen en goede kennis van SQL. " \
	"Wij bieden een salaris van maximaal 5.233 euro per maand, een individueel keuzebudget en " \
	"ruimte voor opleiding. " \
	"Over de afdeling: het team Data en Informatie hoort bij de directie Dienstverlening en " \
	"werkt voor alle afdelingen van de gemeente, van wijkteams tot stadsbeheer. Je collega's " \
	"zijn data engineers, analisten en een product owner; samen leveren jullie dashboards, " \
	"open data en koppelingen met landelijke registraties zoals de BRP en de BAG. We werken " \
	"in sprints van twee weken en houden elke maand een kennissessie. Thuiswerken kan tot drie " \
	"dagen per week, en het stadhuis ligt op loopafstand van het station. Meer weten over de " \
	"functie? "
#define TEXT_A_TAIL " voor een kop koffie of een gesprek. Solliciteren doe je met " \
	"je cv en een korte motivatie, uiterlijk twee weken na plaatsing van deze vacature. Een " \
	"assessment kan deel uitmaken van de procedure, en een verklaring omtrent het gedrag is " \
	"verplicht."

static const char *const text_a = TEXT_A_HEAD "Bel de teamleider" TEXT_A_TAIL;

/* text_a with a few words reworded, as an agency reposting it would */
static const char *const text_a_reworded = TEXT_A_HEAD "Bel ons" TEXT_A_TAIL;

static const char *const text_b =
	"Als chauffeur CE internationaal rijd je met een moderne trekker-oplegger door heel Europa. "
	"Je laadt en lost bij klanten in Duitsland, Belgie en Frankrijk, en je bent meestal de hele "
	"week onderweg. Je hebt een rijbewijs CE met code 95, een digitale tachograafkaart en "
	"minimaal een jaar ervaring in het internationaal transport. Wij bieden een vast contract, "
	"een goed salaris volgens de cao beroepsgoederenvervoer en nette verblijfkosten.";

/* twence, as crawled from data/demo-web */
static const char *const twence_operator =
	"Wat ga je doen?\n"
	"\n"
	"In onze afvalenergiecentrale in Hengelo verwerken we elk jaar honderdduizenden tonnen "
	"restafval uit Twente en daarbuiten. Daarmee maken we stroom en stoom, en warmte voor "
	"het warmtenet van Enschede en Hengelo. Als operator zorg je er samen met je ploeg voor "
	"dat de installatie dag en nacht veilig en stabiel draait.\n"
	"\n"
	"- Je bedient de verbrandingslijnen, ketels en rookgasreiniging vanuit de centrale "
	"controlekamer;\n"
	"- Je maakt rondes door de installatie en signaleert afwijkingen;\n"
	"- Je verhelpt kleine storingen zelf en schakelt de technische dienst in bij grotere;\n"
	"- Je maakt installaties veilig vrij voor onderhoud en houdt het logboek bij.\n"
	"\n"
	"Wat vragen wij?\n"
	"\n"
	"- Een mbo-4-diploma Procestechniek, Operator C of een vergelijkbare technische "
	"opleiding;\n"
	"- Ervaring als operator in de procesindustrie of energieproductie is een pré, maar geen "
	"eis;\n"
	"- Je bent bereid om in een volcontinu 5-ploegendienst te werken;\n"
	"- Een VCA-VOL-certificaat, of je haalt het bij ons.\n"
	"\n"
	"Wat bieden wij?\n"
	"\n"
	"Een salaris van € 3.150 - € 4.350 bruto per maand, plus een ploegentoeslag van 27%. Je "
	"krijgt een 13e maand, een goede pensioenregeling en een opleidingstraject van een jaar "
	"waarin je stap voor stap alle installaties leert kennen. Na een jaar volgt bij goed "
	"functioneren een vast contract.";

/* olympia, as crawled from data/demo-web */
static const char *const olympia_operator =
	"Over de opdrachtgever\n"
	"\n"
	"Onze opdrachtgever in Hengelo zet restafval om in elektriciteit, stoom en warmte voor "
	"duizenden huishoudens in Twente. Voor de afvalenergiecentrale zoeken wij een operator "
	"die in een volcontinu rooster wil werken. Deze baan is bedoeld voor een vaste "
	"aanstelling bij de opdrachtgever; je start via Olympia.\n"
	"\n"
	"Wat ga je doen?\n"
	"\n"
	"Samen met je ploeg houd je de installatie vanuit de controlekamer draaiende, 24 uur per "
	"dag en 7 dagen per week.\n"
	"\n"
	"- Je stuurt de verbrandingslijnen, de ketels en de rookgasreiniging vanuit de "
	"controlekamer;\n"
	"- Tijdens je rondes in de fabriek zie je afwijkingen op tijd;\n"
	"- Kleine storingen los je zelf op; bij grotere storingen schakel je de technische "
	"dienst in;\n"
	"- Je maakt onderdelen van de installatie veilig vrij voor onderhoud en je houdt het "
	"logboek bij.\n"
	"\n"
	"Wat vragen wij?\n"
	"\n"
	"- Een diploma mbo-4 Procestechniek of Operator C, of een vergelijkbare technische "
	"opleiding;\n"
	"- Ervaring als operator in de procesindustrie is mooi, maar niet verplicht;\n"
	"- Je kunt en wilt werken in een 5-ploegendienst;\n"
	"- Je hebt VCA-VOL of je bent bereid dit te halen.\n"
	"\n"
	"Wat bieden wij?\n"
	"\n"
	"Een uurloon van € 19,40 - € 26,80 bruto plus 27% ploegentoeslag, afhankelijk van je "
	"ervaring. Na een jaar via Olympia is een vast contract bij de opdrachtgever het doel. "
	"Je krijgt een inwerkprogramma van een jaar en een 13e maand volgens de cao van de "
	"opdrachtgever.";

/* demcon, as crawled from data/demo-web */
static const char *const demcon_embedded =
	"Your role\n"
	"\n"
	"Our embedded software team writes the software that controls medical devices, lab "
	"robots and high-tech machines. You will work on real-time firmware for motion "
	"controllers and sensor systems, from the first prototype on the lab bench to a product "
	"that is certified and shipped.\n"
	"\n"
	"- Develop firmware in C and C++ for ARM Cortex-M and embedded Linux platforms;\n"
	"- Write unit and integration tests, and automate them in our CI pipeline;\n"
	"- Work with electronics engineers on board bring-up and debugging;\n"
	"- Document your design according to IEC 62304 for medical projects.\n"
	"\n"
	"What you bring\n"
	"\n"
	"- A BSc or MSc in computer science, electrical engineering or embedded systems;\n"
	"- Three years of experience or more with embedded C/C++;\n"
	"- Knowledge of RTOS concepts, communication buses (SPI, CAN, EtherCAT) and version "
	"control with Git;\n"
	"- You work in English every day; learning Dutch is encouraged but not required.\n"
	"\n"
	"What we offer\n"
	"\n"
	"A salary of €3,800 – €5,400 gross per month, a 32 to 40 hour week, and two days of "
	"remote work per week in consultation with your team. We pay for courses and "
	"conferences, and offer relocation support and the 30% ruling for eligible candidates "
	"from abroad.";

/* xsens, as crawled from data/demo-web */
static const char *const xsens_embedded =
	"About the role\n"
	"\n"
	"Our motion trackers are used in film studios, sports science labs, robots and "
	"autonomous vehicles. Inside every sensor runs firmware that samples, filters and fuses "
	"inertial data at high rates with very low power. As an Embedded Software Engineer you "
	"join the firmware team in Enschede and help build the next generation of our inertial "
	"measurement units.\n"
	"\n"
	"What you will do\n"
	"\n"
	"- Develop and optimise firmware in C and C++ for ARM Cortex-M microcontrollers;\n"
	"- Implement communication protocols (USB, CAN, Bluetooth Low Energy);\n"
	"- Write automated tests and run hardware-in-the-loop test setups;\n"
	"- Work closely with algorithm and hardware engineers on new products.\n"
	"\n"
	"What you bring\n"
	"\n"
	"- A BSc or MSc in computer science, electrical engineering or embedded systems;\n"
	"- At least three years of experience with embedded C/C++ and an RTOS;\n"
	"- Experience with debugging on hardware (JTAG, logic analysers);\n"
	"- Good communication skills in English. English is our working language; our team has "
	"colleagues from more than 25 countries.\n"
	"\n"
	"What we offer\n"
	"\n"
	"- A salary between €4,000 and €6,000 gross per month, depending on experience;\n"
	"- 25 holiday days, a pension plan and a yearly bonus based on company results;\n"
	"- Visa sponsorship and relocation support for candidates from outside the Netherlands; "
	"we are a recognised sponsor with the IND;\n"
	"- Eligible candidates can apply for the 30% ruling;\n"
	"- An office on the Kennispark campus next to the University of Twente, with a fully "
	"equipped motion capture lab.";

/* ---- normalisation, simhash, key ------------------------------------ */

static void test_normalise_folds(void **state)
{
	char *s;

	(void)state;
	s = dedupe_normalise("  Médewerker   Café-Ruimte (m/v/x)!  ");
	assert_non_null(s);
	assert_string_equal(s, "medewerker cafe ruimte m v x");
	free(s);
	s = dedupe_normalise("Straße ÆØÅ – naïef");
	assert_string_equal(s, "strasse aeoa naief");
	free(s);
	s = dedupe_normalise(NULL);
	assert_string_equal(s, "");
	free(s);
}

static void test_normalise_keeps_other_scripts(void **state)
{
	char *s = dedupe_normalise("Инженер, C++");

	(void)state;
	/* kept byte for byte, not case-folded (see dedupe.c "Limits") */
	assert_string_equal(s, "Инженер c");
	free(s);
}

static void test_key_title_town(void **state)
{
	bool oom;
	char *a = dedupe_key("Data Engineer (m/v)", "Enschede", &oom);
	char *b = dedupe_key("data-engineer  M/V", "ENSCHEDE", &oom);

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	assert_string_equal(a, "data engineer|enschede");
	assert_string_equal(a, b);
	free(a);
	free(b);
}

/* The title without gender markers and without the town. */
static void key_is(const char *title, const char *town, const char *want)
{
	bool oom;
	char *k = dedupe_key(title, town, &oom);

	assert_false(oom);
	assert_non_null(k);
	assert_string_equal(k, want);
	free(k);
}

static void test_key_title_core(void **state)
{
	(void)state;
	key_is("Triebfahrzeugführer (m/w/d) Güterverkehr", "Bad Bentheim",
	       "triebfahrzeugfuhrer guterverkehr|bad bentheim");
	key_is("Operator (M/V/X)", "Hengelo", "operator|hengelo");
	key_is("Monteur (v/m)", "Almelo", "monteur|almelo");
	key_is("Monteur (h/f)", "Almelo", "monteur h f|almelo");    /* no m: not a marker */
	key_is("Operator afvalenergiecentrale Hengelo", "Hengelo",
	       "operator afvalenergiecentrale|hengelo");
	key_is("Productiemedewerker Gronau (Duitsland)", "Gronau",
	       "productiemedewerker duitsland|gronau");
	key_is("Medewerker Bad Bentheim", "Bad Bentheim", "medewerker|bad bentheim");
	key_is("Hengeloër", "Hengelo", "hengeloer|hengelo");       /* whole words only */
	/* one-letter words that are no marker stay: C/C++, Operator C */
	key_is("Embedded Software Engineer (C/C++)", "Enschede", "embedded software engineer c c|enschede");
	key_is("Operator C", "Enschede", "operator c|enschede");
	key_is("Chauffeur C/E (m/v)", "Rijssen", "chauffeur c e|rijssen");
	/* nothing would be left: the title stays */
	key_is("Hengelo", "Hengelo", "hengelo|hengelo");
	key_is("M/V", "Hengelo", "m v|hengelo");
}

static void test_key_needs_town(void **state)
{
	bool oom = true;

	(void)state;
	assert_null(dedupe_key("Data Engineer", NULL, &oom));
	assert_false(oom);
	assert_null(dedupe_key("Data Engineer", " - ", &oom));
	assert_false(oom);
	assert_null(dedupe_key(NULL, "Enschede", &oom));
}

static void test_key_town_differs(void **state)
{
	bool oom;
	char *a = dedupe_key("Data Engineer", "Enschede", &oom);
	char *b = dedupe_key("Data Engineer", "Hengelo", &oom);

	(void)state;
	assert_string_not_equal(a, b);
	free(a);
	free(b);
}

static void test_simhash_identical(void **state)
{
	bool ok;
	uint64_t a = dedupe_simhash(text_a, &ok), b;

	(void)state;
	assert_true(ok);
	b = dedupe_simhash(text_a, &ok);
	assert_int_equal(dedupe_distance(a, b), 0);
	assert_true(a != 0);
}

static void test_simhash_ignores_case_and_punctuation(void **state)
{
	bool ok;
	char *upper = strdup(text_a);

	(void)state;
	for (char *c = upper; *c; c++)
		if (*c >= 'a' && *c <= 'z')
			*c = (char)(*c - 'a' + 'A');
		else if (*c == ',')
			*c = ';';
	assert_int_equal(dedupe_distance(dedupe_simhash(text_a, &ok), dedupe_simhash(upper, &ok)), 0);
	free(upper);
}

static void test_simhash_reworded_is_near(void **state)
{
	bool ok;
	uint64_t a = dedupe_simhash(text_a, &ok), b = dedupe_simhash(text_a_reworded, &ok);

	(void)state;
	assert_true(dedupe_near(a, b));
}

static void test_simhash_different_jobs_far(void **state)
{
	bool ok;
	uint64_t a = dedupe_simhash(text_a, &ok), b = dedupe_simhash(text_b, &ok);

	(void)state;
	assert_false(dedupe_near(a, b));
	assert_true(dedupe_distance(a, b) > 10);
}

static void test_simhash_short_and_empty(void **state)
{
	bool ok;

	(void)state;
	assert_int_equal(dedupe_simhash("", &ok), 0);
	assert_true(ok);
	assert_int_equal(dedupe_simhash(NULL, &ok), 0);
	assert_true(dedupe_simhash("one two", &ok) == dedupe_simhash("One, two!", &ok));
	assert_true(dedupe_simhash("one two", &ok) != dedupe_simhash("two one", &ok));
}

static void test_distance(void **state)
{
	(void)state;
	assert_int_equal(dedupe_distance(0, 0), 0);
	assert_int_equal(dedupe_distance(0, 0xF), 4);
	assert_int_equal(dedupe_distance(0, UINT64_MAX), 64);
	assert_true(dedupe_near(0, 0x7));
	assert_false(dedupe_near(0, 0xF));
}


/* ---- same vacancy: reworded reposts --------------------------------- */

/* dedupe_same_vacancy of two texts, each side with an employer and an
 * agency flag; checks the verdict is symmetric. */
static bool same(const char *a, const char *emp_a, bool agency_a,
		 const char *b, const char *emp_b, bool agency_b, double *sim)
{
	struct dedupe_doc x, y;
	bool v;

	assert_int_equal(dedupe_doc_init(&x, a, emp_a, agency_a), TJ_OK);
	assert_int_equal(dedupe_doc_init(&y, b, emp_b, agency_b), TJ_OK);
	v = dedupe_same_vacancy(&x, &y);
	assert_true(v == dedupe_same_vacancy(&y, &x));
	if (sim) {
		*sim = dedupe_similarity(&x, &y);
		assert_true(*sim == dedupe_similarity(&y, &x));
	}
	dedupe_doc_release(&x);
	dedupe_doc_release(&y);
	return v;
}

static void test_agency_rewrite_is_same(void **state)
{
	bool ok;
	double sim;

	(void)state;
	/* the simhash alone misses it: the agency rewrote the text */
	assert_true(dedupe_distance(dedupe_simhash(twence_operator, &ok),
				    dedupe_simhash(olympia_operator, &ok)) > 20);
	assert_true(same(twence_operator, "Twence", false,
			 olympia_operator, "Olympia Uitzendbureau", true, &sim));
	assert_true(sim >= DEDUPE_MIN_SIMILARITY);
	assert_true(sim < 0.6);
	/* an employer rewording its own vacancy on a second site: same */
	assert_true(same(twence_operator, "Twence B.V.", false, olympia_operator, "Twence", false, NULL));
	/* two agencies, one rewording each */
	assert_true(same(twence_operator, "Randstad", true, olympia_operator, "Olympia", true, NULL));
}

static void test_same_title_different_jobs(void **state)
{
	double sim;

	(void)state;
	/* demcon's and xsens's "Embedded Software Engineer (C/C++)" */
	assert_false(same(demcon_embedded, "Demcon", false, xsens_embedded,
			  "Xsens Technologies B.V.", false, &sim));
	assert_true(sim < DEDUPE_MIN_SIMILARITY - 0.1);
	/* the text alone keeps them apart too, were one an agency's */
	assert_false(same(demcon_embedded, "Demcon", false, xsens_embedded, "Olympia", true, NULL));
	assert_false(same(demcon_embedded, NULL, false, xsens_embedded, NULL, false, NULL));
	/* unrelated jobs */
	assert_false(same(twence_operator, "Twence", false, demcon_embedded, "Olympia", true, &sim));
	assert_true(sim < 0.1);
	assert_false(same(text_a, NULL, false, text_b, NULL, true, NULL));
}

static void test_two_employers_need_the_same_text(void **state)
{
	(void)state;
	/* a rewording that an agency or the employer itself may post is not
	 * one when two different employers post it */
	assert_false(same(twence_operator, "Twence", false, olympia_operator, "Attero", false, NULL));
	/* "TKF" and "TKF (Twentsche Kabelfabriek)" are one employer */
	assert_true(same(twence_operator, "TKF", false, olympia_operator,
			 "TKF (Twentsche Kabelfabriek)", false, NULL));
	/* the same text is the same vacancy whoever posts it */
	assert_true(same(text_a, "Gemeente Enschede", false, text_a_reworded, "Gemeente Hengelo",
			 false, NULL));
}

static void test_naming_the_employer_lowers_the_bar(void **state)
{
	const char *cut = strstr(olympia_operator, "- Ervaring als operator");
	char named[2048], anon[2048];
	double sim;

	(void)state;
	assert_non_null(cut);
	/* the agency's text without most of its requirements and offer */
	snprintf(named, sizeof(named), "Voor Twence zoeken wij %.*s",
		 (int)(cut - olympia_operator), olympia_operator);
	snprintf(anon, sizeof(anon), "Voor hen zoeken wij %.*s",
		 (int)(cut - olympia_operator), olympia_operator);
	assert_false(same(twence_operator, "Twence", false, anon, "Olympia", true, &sim));
	assert_true(sim >= DEDUPE_MIN_SIMILARITY_NAMED && sim < DEDUPE_MIN_SIMILARITY);
	/* named in the text, or as the posting's employer (hiringOrganization) */
	assert_true(same(twence_operator, "Twence", false, named, "Olympia", true, &sim));
	assert_true(sim >= DEDUPE_MIN_SIMILARITY_NAMED && sim < DEDUPE_MIN_SIMILARITY);
	assert_true(same(twence_operator, "Twence", false, anon, "Twence B.V.", true, NULL));
	/* only an agency names a client: the employer's own second posting
	 * that rewords this much is held to the full bar */
	assert_false(same(twence_operator, "Twence", false, anon, "Twence", false, NULL));
}

static void test_same_vacancy_edges(void **state)
{
	struct dedupe_doc x, y;
	char *huge, *huge2;
	size_t n = 1 << 20;

	(void)state;
	/* empty and NULL: no words; two empty texts are the same text */
	assert_int_equal(dedupe_doc_init(&x, NULL, NULL, false), TJ_OK);
	assert_int_equal(dedupe_doc_init(&y, "", "", true), TJ_OK);
	assert_int_equal(x.n, 0);
	assert_null(y.employer);
	assert_true(dedupe_similarity(&x, &y) == 0);
	assert_true(dedupe_same_vacancy(&x, &y));
	dedupe_doc_release(&x);
	dedupe_doc_release(&y);
	dedupe_doc_release(NULL);
	assert_false(same("", NULL, false, twence_operator, NULL, true, NULL));
	/* tiny texts: a handful of shared words is no evidence */
	assert_false(same("Solliciteer via de website van Twence.", NULL, false,
			  "Solliciteer via onze website, Twence Hengelo.", NULL, true, NULL));
	assert_true(same("Solliciteer via de website.", NULL, false,
			 "Solliciteer via de website!", NULL, true, NULL));
	/* only stopwords and one-letter tokens */
	assert_int_equal(dedupe_doc_init(&x, "de het een and the und a b c", NULL, false), TJ_OK);
	assert_int_equal(x.n, 0);
	dedupe_doc_release(&x);
	/* huge: one megabyte, only the first DEDUPE_MAX_TEXT bytes weighed */
	huge = malloc(n + 1);
	huge2 = malloc(n + 1);
	assert_non_null(huge);
	assert_non_null(huge2);
	for (size_t i = 0; i < n; i++) {
		huge[i] = (char)('a' + (i * 7 % 26));
		huge2[i] = (char)('a' + (i * 11 % 26));
		if (i % 9 == 8)
			huge[i] = huge2[i] = ' ';
	}
	huge[n] = huge2[n] = '\0';
	assert_int_equal(dedupe_doc_init(&x, huge, NULL, false), TJ_OK);
	assert_int_equal(dedupe_doc_init(&y, huge2, NULL, true), TJ_OK);
	assert_true(x.n > 0 && x.n <= DEDUPE_MAX_TEXT / 9 + 1);
	assert_true(dedupe_similarity(&x, &x) == 1.0);
	assert_false(dedupe_same_vacancy(&x, &y));
	dedupe_doc_release(&x);
	dedupe_doc_release(&y);
	free(huge);
	free(huge2);
	/* other scripts: compared byte for byte, a text is the same as itself */
	assert_true(same("Мы ищем оператора для работы на заводе в Хенгело, полный рабочий день, "
			 "опыт работы с котлами и системами очистки дымовых газов обязателен.", NULL, false,
			 "Мы ищем оператора для работы на заводе в Хенгело, полный рабочий день, "
			 "опыт работы с котлами и системами очистки дымовых газов обязателен!", NULL, true,
			 NULL));
	assert_false(same("Мы ищем оператора для работы на заводе в Хенгело, полный рабочий день, "
			  "опыт работы с котлами и системами очистки дымовых газов обязателен.", NULL, false,
			  "Водитель категории CE для национальных перевозок наливных грузов из Рейссена, "
			  "ежедневно дома, цифровая карта тахографа и код 95 обязательны.", NULL, true,
			  NULL));
	/* a script without spaces is one long word: too little to judge a rewording */
	assert_false(same("我们正在寻找一名在亨厄洛工厂工作的操作员全职工作", NULL, false,
			  "我们正在寻找一名在亨厄洛工厂工作的操作员兼职工作", NULL, true, NULL));
}

static void test_stopwords(void **state)
{
	(void)state;
	assert_true(dedupe_is_stopword("aan", 3));      /* near the start of the list */
	assert_true(dedupe_is_stopword("de", 2));
	assert_true(dedupe_is_stopword("the", 3));
	assert_true(dedupe_is_stopword("und", 3));
	assert_true(dedupe_is_stopword("zur", 3));      /* the end */
	assert_true(dedupe_is_stopword("dethe", 2));    /* n counts, not the NUL */
	assert_false(dedupe_is_stopword("operator", 8));
	assert_false(dedupe_is_stopword("d", 1));
	assert_false(dedupe_is_stopword("", 0));
}

/* ---- grouping in the store ------------------------------------------ */

struct fx {
	char dir[64];
	char path[128];
	struct db *db;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct source_info emp = { .id = "gemeente", .employer = "Gemeente Enschede", .lat = 0, .lon = 0 };
	struct source_info agency = { .id = "uitzend", .employer = "Uitzendbureau", .advertiser = "agency" };

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/tj-dedupe-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/t.db", f->dir);
	assert_int_equal(db_open(f->path, false, &f->db), TJ_OK);
	assert_int_equal(store_source_upsert(f->db, &emp), TJ_OK);
	assert_int_equal(store_source_upsert(f->db, &agency), TJ_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[200];

	db_close(f->db);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static int64_t q(struct db *db, const char *sql, const char *arg)
{
	sqlite3_stmt *st = NULL;
	bool row = false;
	int64_t v = -1;

	assert_int_equal(db_prepare(db, &st, sql), TJ_OK);
	if (arg)
		assert_int_equal(db_bind_text(st, 1, arg), TJ_OK);
	assert_int_equal(db_step(st, &row), TJ_OK);
	if (row && sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(st, 0);
	db_finalize(st);
	return v;
}

/* Store one posting of `source` at url in run_id. */
static void put(struct fx *f, const char *source, const char *url, const char *title,
		const char *text, bool agency, int64_t run_id)
{
	struct posting p;

	posting_init(&p);
	assert_int_equal(posting_set(&p.source_id, source), TJ_OK);
	assert_int_equal(posting_set(&p.url, url), TJ_OK);
	assert_int_equal(posting_set(&p.title, title), TJ_OK);
	assert_int_equal(posting_set(&p.location, "Enschede"), TJ_OK);
	assert_int_equal(posting_set(&p.description, text), TJ_OK);
	p.cls.done = true;
	snprintf(p.cls.advertiser, sizeof(p.cls.advertiser), "%s", agency ? "agency" : "employer");
	snprintf(p.cls.language, sizeof(p.cls.language), "nl");
	assert_int_equal(store_posting(f->db, &p, url, run_id, NULL), TJ_OK);
	posting_release(&p);
}

#define STATE(url) q(f->db, "SELECT state = 'active' FROM jobs WHERE url = ?1", url)
#define ID(url) q(f->db, "SELECT id FROM jobs WHERE url = ?1", url)
#define DUP_OF(url) q(f->db, "SELECT dup_of FROM jobs WHERE url = ?1", url)

static void test_agency_loses(void **state)
{
	struct fx *f = *state;

	/* the agency saw it first, the employer's own posting is still kept */
	put(f, "uitzend", "https://u.example/1", "Data Engineer", text_a_reworded, true, 1);
	put(f, "gemeente", "https://g.example/1", "Data engineer", text_a, false, 2);
	assert_int_equal(STATE("https://g.example/1"), 1);
	assert_int_equal(STATE("https://u.example/1"), 0);
	assert_int_equal(DUP_OF("https://u.example/1"), ID("https://g.example/1"));
	assert_int_equal(DUP_OF("https://g.example/1"), -1);
	/* seen again unchanged: stays a duplicate */
	put(f, "uitzend", "https://u.example/1", "Data Engineer", text_a_reworded, true, 3);
	assert_int_equal(STATE("https://u.example/1"), 0);
	assert_int_equal(q(f->db, "SELECT state = 'duplicate' FROM jobs WHERE url = ?1",
			   "https://u.example/1"), 1);
}

static void test_earliest_wins_same_site(void **state)
{
	struct fx *f = *state;

	put(f, "gemeente", "https://g.example/1", "Data Engineer", text_a, false, 1);
	assert_int_equal(db_exec(f->db, "UPDATE jobs SET first_seen = first_seen - 100"), TJ_OK);
	put(f, "gemeente", "https://g.example/copy", "Data Engineer", text_a, false, 1);
	assert_int_equal(STATE("https://g.example/1"), 1);
	assert_int_equal(DUP_OF("https://g.example/copy"), ID("https://g.example/1"));
}

static void test_different_jobs_not_grouped(void **state)
{
	struct fx *f = *state;

	put(f, "gemeente", "https://g.example/1", "Data Engineer", text_a, false, 1);
	put(f, "gemeente", "https://g.example/2", "Data Engineer", text_b, false, 1);
	put(f, "uitzend", "https://u.example/3", "Data Analist", text_a, true, 1);
	assert_int_equal(q(f->db, "SELECT count(*) FROM jobs WHERE state = 'active'", NULL), 3);
}

static void finish(struct fx *f, const char *source, int64_t run_id)
{
	struct run_stats st = { .status = "ok", .complete = true };

	assert_int_equal(store_run_finish(f->db, run_id, source, &st, NULL), TJ_OK);
}

static void test_expiry_promotes_duplicate(void **state)
{
	struct fx *f = *state;
	int64_t r[6];

	for (int i = 0; i < 6; i++)
		assert_int_equal(store_run_begin(f->db, i % 2 ? "uitzend" : "gemeente", &r[i]), TJ_OK);
	put(f, "gemeente", "https://g.example/1", "Data Engineer", text_a, false, r[0]);
	finish(f, "gemeente", r[0]);
	put(f, "uitzend", "https://u.example/1", "Data Engineer", text_a_reworded, true, r[1]);
	put(f, "uitzend", "https://u.example/2", "Data engineer", text_a, true, r[1]);
	finish(f, "uitzend", r[1]);
	assert_int_equal(DUP_OF("https://u.example/1"), ID("https://g.example/1"));
	assert_int_equal(DUP_OF("https://u.example/2"), ID("https://g.example/1"));
	/* the employer takes it down: two complete runs without it */
	finish(f, "gemeente", r[2]);
	assert_int_equal(STATE("https://g.example/1"), 1);
	finish(f, "gemeente", r[4]);
	assert_int_equal(STATE("https://g.example/1"), 0);
	/* the earliest agency copy is active again; the other now points at it */
	assert_int_equal(STATE("https://u.example/1"), 1);
	assert_int_equal(DUP_OF("https://u.example/1"), -1);
	assert_int_equal(DUP_OF("https://u.example/2"), ID("https://u.example/1"));
	assert_int_equal(q(f->db, "SELECT count(*) FROM jobs WHERE state = 'active'", NULL), 1);
}

static void test_changed_posting_regrouped(void **state)
{
	struct fx *f = *state;

	put(f, "gemeente", "https://g.example/1", "Data Engineer", text_b, false, 1);
	put(f, "uitzend", "https://u.example/1", "Data Engineer", text_a, true, 1);
	assert_int_equal(STATE("https://u.example/1"), 1);
	/* the employer rewrites its text into the agency's: now they match */
	put(f, "gemeente", "https://g.example/1", "Data Engineer", text_a_reworded, false, 2);
	assert_int_equal(STATE("https://g.example/1"), 1);
	assert_int_equal(DUP_OF("https://u.example/1"), ID("https://g.example/1"));
}

static void test_drifted_apart_released(void **state)
{
	struct fx *f = *state;

	put(f, "gemeente", "https://g.example/1", "Data Engineer", text_a, false, 1);
	put(f, "uitzend", "https://u.example/1", "Data Engineer", text_a_reworded, true, 1);
	put(f, "uitzend", "https://u.example/2", "Data Engineer", text_b, true, 1);
	assert_int_equal(DUP_OF("https://u.example/1"), ID("https://g.example/1"));
	assert_int_equal(STATE("https://u.example/2"), 1);
	/* the employer rewrites its vacancy into another: the old copy is let
	 * go, and the agency's copy of the new text joins */
	put(f, "gemeente", "https://g.example/1", "Data Engineer", text_b, false, 2);
	assert_int_equal(STATE("https://g.example/1"), 1);
	assert_int_equal(STATE("https://u.example/1"), 1);
	assert_int_equal(DUP_OF("https://u.example/1"), -1);
	assert_int_equal(DUP_OF("https://u.example/2"), ID("https://g.example/1"));
}

static void test_back_after_expiry_regrouped(void **state)
{
	struct fx *f = *state;
	int64_t r[7];

	for (int i = 0; i < 7; i++)
		assert_int_equal(store_run_begin(f->db, i % 2 ? "uitzend" : "gemeente", &r[i]), TJ_OK);
	put(f, "gemeente", "https://g.example/op", "Operator", twence_operator, false, r[0]);
	finish(f, "gemeente", r[0]);
	put(f, "uitzend", "https://u.example/op", "Operator", olympia_operator, true, r[1]);
	finish(f, "uitzend", r[1]);
	assert_int_equal(DUP_OF("https://u.example/op"), ID("https://g.example/op"));
	finish(f, "gemeente", r[2]);
	finish(f, "gemeente", r[4]);
	assert_int_equal(STATE("https://g.example/op"), 0);
	assert_int_equal(STATE("https://u.example/op"), 1);
	/* the employer's posting is back, unchanged: it is kept again */
	put(f, "gemeente", "https://g.example/op", "Operator", twence_operator, false, r[6]);
	assert_int_equal(STATE("https://g.example/op"), 1);
	assert_int_equal(DUP_OF("https://u.example/op"), ID("https://g.example/op"));
	/* the same through a 304 of its page */
	finish(f, "gemeente", r[6]);
	assert_int_equal(db_exec(f->db, "UPDATE jobs SET state = 'expired' WHERE url = 'https://g.example/op';"
				 "UPDATE jobs SET state = 'active', dup_of = NULL WHERE url = 'https://u.example/op'"),
			 TJ_OK);
	assert_int_equal(store_touch_page(f->db, "https://g.example/op", r[6], NULL), TJ_OK);
	assert_int_equal(STATE("https://g.example/op"), 1);
	assert_int_equal(DUP_OF("https://u.example/op"), ID("https://g.example/op"));
}

static void test_duplicate_back_after_expiry(void **state)
{
	struct fx *f = *state;
	int64_t r[6];

	for (int i = 0; i < 6; i++)
		assert_int_equal(store_run_begin(f->db, i % 2 ? "uitzend" : "gemeente", &r[i]), TJ_OK);
	put(f, "gemeente", "https://g.example/op", "Operator", twence_operator, false, r[0]);
	put(f, "uitzend", "https://u.example/op", "Operator", olympia_operator, true, r[1]);
	put(f, "uitzend", "https://u.example/x", "Data Engineer", text_a, true, r[1]);
	finish(f, "uitzend", r[1]);
	/* the agency takes both down, then puts them back unchanged */
	finish(f, "uitzend", r[3]);
	finish(f, "uitzend", r[5]);
	assert_int_equal(q(f->db, "SELECT count(*) FROM jobs WHERE state = 'expired'", NULL), 2);
	put(f, "uitzend", "https://u.example/op", "Operator", olympia_operator, true, r[5] + 1);
	put(f, "uitzend", "https://u.example/x", "Data Engineer", text_a, true, r[5] + 1);
	/* a duplicate again, of the posting that is still there */
	assert_int_equal(q(f->db, "SELECT state = 'duplicate' FROM jobs WHERE url = ?1",
			   "https://u.example/op"), 1);
	assert_int_equal(DUP_OF("https://u.example/op"), ID("https://g.example/op"));
	assert_int_equal(STATE("https://u.example/x"), 1);
	assert_int_equal(DUP_OF("https://u.example/x"), -1);
}

static void test_kept_expired_by_date_promotes(void **state)
{
	struct fx *f = *state;
	struct run_stats partial = { .status = "partial", .complete = false };
	struct posting p;
	int64_t run;

	put(f, "gemeente", "https://g.example/op", "Operator", twence_operator, false, 1);
	put(f, "uitzend", "https://u.example/op", "Operator", olympia_operator, true, 1);
	assert_int_equal(DUP_OF("https://u.example/op"), ID("https://g.example/op"));
	/* the employer's posting now states a closing date in the past */
	posting_init(&p);
	assert_int_equal(posting_set(&p.source_id, "gemeente"), TJ_OK);
	assert_int_equal(posting_set(&p.url, "https://g.example/op"), TJ_OK);
	assert_int_equal(posting_set(&p.title, "Operator"), TJ_OK);
	assert_int_equal(posting_set(&p.location, "Enschede"), TJ_OK);
	assert_int_equal(posting_set(&p.description, twence_operator), TJ_OK);
	assert_int_equal(posting_set(&p.valid_through, "2001-01-01"), TJ_OK);
	assert_int_equal(store_run_begin(f->db, "gemeente", &run), TJ_OK);
	assert_int_equal(store_posting(f->db, &p, "https://g.example/op", run, NULL), TJ_OK);
	posting_release(&p);
	assert_int_equal(STATE("https://g.example/op"), 0);
	/* even a partial run's end hands the vacancy to the agency's copy */
	assert_int_equal(store_run_finish(f->db, run, "gemeente", &partial, NULL), TJ_OK);
	assert_int_equal(STATE("https://u.example/op"), 1);
	assert_int_equal(DUP_OF("https://u.example/op"), -1);
}

/*
 * The search for groups whose kept posting expired runs only when one may
 * have (db->promote_due): a 304 that expires the kept posting by its date
 * must still hand the vacancy on, after an earlier run end had cleared it.
 */
static const struct run_stats partial_run = { .status = "partial", .complete = false };

/* The agency's copy grouped under the employer's posting, and a run end
 * that has looked for heirs since (db->promote_due is clear). */
static void grouped_and_settled(struct fx *f)
{
	int64_t run;

	put(f, "gemeente", "https://g.example/op", "Operator", twence_operator, false, 1);
	put(f, "uitzend", "https://u.example/op", "Operator", olympia_operator, true, 1);
	assert_int_equal(store_run_begin(f->db, "gemeente", &run), TJ_OK);
	assert_int_equal(store_run_finish(f->db, run, "gemeente", &partial_run, NULL), TJ_OK);
	assert_int_equal(DUP_OF("https://u.example/op"), ID("https://g.example/op"));
}

static void test_kept_expired_by_date_on_304_promotes(void **state)
{
	struct fx *f = *state;
	int64_t run;

	grouped_and_settled(f);
	/* the date was stored earlier; the page now answers 304 after it */
	assert_int_equal(db_exec(f->db, "UPDATE jobs SET valid_through = '2001-01-01'"
				 " WHERE url = 'https://g.example/op'"), TJ_OK);
	assert_int_equal(store_run_begin(f->db, "gemeente", &run), TJ_OK);
	assert_int_equal(store_touch_page(f->db, "https://g.example/op", run, NULL), TJ_OK);
	assert_int_equal(STATE("https://g.example/op"), 0);
	assert_int_equal(store_run_finish(f->db, run, "gemeente", &partial_run, NULL), TJ_OK);
	assert_int_equal(STATE("https://u.example/op"), 1);
	assert_int_equal(DUP_OF("https://u.example/op"), -1);
}

/* A posting another process expired is handed on by the next run end of
 * a fresh connection. */
static void test_expired_elsewhere_promotes_on_open(void **state)
{
	struct fx *f = *state;
	int64_t run;

	grouped_and_settled(f);
	assert_int_equal(db_exec(f->db, "UPDATE jobs SET state = 'expired'"
				 " WHERE url = 'https://g.example/op'"), TJ_OK);
	db_close(f->db);
	assert_int_equal(db_open(f->path, false, &f->db), TJ_OK);
	assert_int_equal(store_run_begin(f->db, "uitzend", &run), TJ_OK);
	assert_int_equal(store_run_finish(f->db, run, "uitzend", &partial_run, NULL), TJ_OK);
	assert_int_equal(STATE("https://u.example/op"), 1);
	assert_int_equal(DUP_OF("https://u.example/op"), -1);
}

/* Three rewordings of one vacancy: A shares most words with D and with
 * E, but D and E changed different parts and share few. */
static const char chain_a[] =
	"gemeente zoekt ervaren beleidsadviseur mobiliteit fietsinfrastructuur verkeersveiligheid "
	"wijkbewoners participatie raadsvoorstellen subsidieaanvragen provincie overijssel regio "
	"twente bereikbaarheid openbaar vervoer parkeerbeleid laadpalen elektrisch rijden "
	"stadscentrum evenementen bouwprojecten afstemming ingenieursbureaus aannemers planning "
	"begroting rapportages wethouder";
static const char chain_d[] =
	"kandidaat krijgt salarisschaal contract onbepaalde werkplek flexibel thuiswerken "
	"vergoeding opleidingsbudget pensioen uitzendbureau bemiddeling participatie raadsvoorstellen "
	"subsidieaanvragen provincie overijssel regio twente bereikbaarheid openbaar vervoer "
	"parkeerbeleid laadpalen elektrisch rijden stadscentrum evenementen bouwprojecten afstemming "
	"ingenieursbureaus aannemers planning begroting rapportages wethouder";
static const char chain_e[] =
	"gemeente zoekt ervaren beleidsadviseur mobiliteit fietsinfrastructuur verkeersveiligheid "
	"wijkbewoners participatie raadsvoorstellen subsidieaanvragen provincie sollicitatie "
	"gesprekken assessment referenties verklaring gedrag startdatum januari proeftijd "
	"introductieprogramma collega afdeling ruimte ingenieursbureaus aannemers planning "
	"begroting rapportages wethouder";

/* A kept posting that becomes a duplicate brings along only those of its
 * duplicates that are also the same vacancy as the new kept posting. */
static void test_group_handed_on_compares_again(void **state)
{
	struct fx *f = *state;

	/* the premise: A~D, A~E, but not D~E */
	assert_true(same(chain_a, "Uitzendbureau", true, chain_d, "Uitzendbureau", true, NULL));
	assert_true(same(chain_a, "Uitzendbureau", true, chain_e, "Gemeente Enschede", false, NULL));
	assert_false(same(chain_d, "Uitzendbureau", true, chain_e, "Gemeente Enschede", false, NULL));
	put(f, "uitzend", "https://u.example/a", "Beleidsadviseur", chain_a, true, 1);
	put(f, "uitzend", "https://u.example/d", "Beleidsadviseur", chain_d, true, 1);
	assert_int_equal(DUP_OF("https://u.example/d"), ID("https://u.example/a"));
	/* the employer's own posting arrives: A joins it, D is not its vacancy */
	put(f, "gemeente", "https://g.example/e", "Beleidsadviseur", chain_e, false, 2);
	assert_int_equal(STATE("https://g.example/e"), 1);
	assert_int_equal(DUP_OF("https://u.example/a"), ID("https://g.example/e"));
	assert_int_equal(STATE("https://u.example/d"), 1);
	assert_int_equal(DUP_OF("https://u.example/d"), -1);
	assert_int_equal(q(f->db, "SELECT count(*) FROM jobs WHERE state = 'active'", NULL), 2);
}

/* ... and those that are the same vacancy follow it. */
static void test_group_handed_on_keeps_the_same(void **state)
{
	struct fx *f = *state;

	put(f, "uitzend", "https://u.example/a", "Beleidsadviseur", chain_a, true, 1);
	put(f, "uitzend", "https://u.example/a2", "Beleidsadviseur", chain_a, true, 1);
	put(f, "gemeente", "https://g.example/e", "Beleidsadviseur", chain_e, false, 2);
	assert_int_equal(DUP_OF("https://u.example/a"), ID("https://g.example/e"));
	assert_int_equal(DUP_OF("https://u.example/a2"), ID("https://g.example/e"));
	assert_int_equal(q(f->db, "SELECT count(*) FROM jobs WHERE state = 'active'", NULL), 1);
}

static void test_rewritten_repost_grouped(void **state)
{
	struct fx *f = *state;

	put(f, "uitzend", "https://u.example/op", "Operator (volcontinu)", olympia_operator, true, 1);
	put(f, "gemeente", "https://g.example/op", "Operator (volcontinu)", twence_operator, false, 1);
	assert_int_equal(STATE("https://g.example/op"), 1);
	assert_int_equal(DUP_OF("https://u.example/op"), ID("https://g.example/op"));
}

static void test_two_employers_same_title_apart(void **state)
{
	struct fx *f = *state;
	struct source_info other = { .id = "other", .employer = "Hengelo Afval B.V." };

	assert_int_equal(store_source_upsert(f->db, &other), TJ_OK);
	/* the rewording an agency may post is a different job from another employer */
	put(f, "gemeente", "https://g.example/op", "Operator", twence_operator, false, 1);
	put(f, "other", "https://o.example/op", "Operator", olympia_operator, false, 1);
	put(f, "gemeente", "https://g.example/emb", "Embedded Software Engineer", demcon_embedded, false, 1);
	put(f, "uitzend", "https://u.example/emb", "Embedded Software Engineer", xsens_embedded, true, 1);
	assert_int_equal(q(f->db, "SELECT count(*) FROM jobs WHERE state = 'active'", NULL), 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalise_folds),
		cmocka_unit_test(test_normalise_keeps_other_scripts),
		cmocka_unit_test(test_key_title_town),
		cmocka_unit_test(test_key_title_core),
		cmocka_unit_test(test_key_needs_town),
		cmocka_unit_test(test_key_town_differs),
		cmocka_unit_test(test_simhash_identical),
		cmocka_unit_test(test_simhash_ignores_case_and_punctuation),
		cmocka_unit_test(test_simhash_reworded_is_near),
		cmocka_unit_test(test_simhash_different_jobs_far),
		cmocka_unit_test(test_simhash_short_and_empty),
		cmocka_unit_test(test_distance),
		cmocka_unit_test(test_agency_rewrite_is_same),
		cmocka_unit_test(test_same_title_different_jobs),
		cmocka_unit_test(test_two_employers_need_the_same_text),
		cmocka_unit_test(test_naming_the_employer_lowers_the_bar),
		cmocka_unit_test(test_same_vacancy_edges),
		cmocka_unit_test(test_stopwords),
		cmocka_unit_test_setup_teardown(test_agency_loses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_earliest_wins_same_site, setup, teardown),
		cmocka_unit_test_setup_teardown(test_different_jobs_not_grouped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expiry_promotes_duplicate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changed_posting_regrouped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rewritten_repost_grouped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_drifted_apart_released, setup, teardown),
		cmocka_unit_test_setup_teardown(test_back_after_expiry_regrouped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kept_expired_by_date_promotes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kept_expired_by_date_on_304_promotes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_group_handed_on_compares_again, setup, teardown),
		cmocka_unit_test_setup_teardown(test_group_handed_on_keeps_the_same, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expired_elsewhere_promotes_on_open, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_back_after_expiry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_employers_same_title_apart, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
