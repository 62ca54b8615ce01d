/*
 * gen_corpus.c - write N realistic synthetic postings into a database, for
 * benchmarks and for trying the API by hand (scripts/gen-corpus wraps it).
 *
 *   gen-corpus N --db FILE [--seed S]
 *
 * Deterministic: the same N and seed give byte-identical rows (a splitmix64
 * generator, and dates relative to a fixed day, BASE_DAY, not to today).
 * The mix imitates what the crawler stores from Twente career sites: about
 * 55% English, 35% Dutch and 10% German postings, at ~45 employers and
 * agencies in ~20 towns; titles with seniority prefixes; descriptions of
 * 300-500 words assembled from per-language sentence pools (so common words
 * like "team" or "ervaring" match most postings, as on real sites);
 * classification columns consistent with the text (a Dutch posting that
 * demands Dutch is intl "no" with dutch_required 1, an English one that
 * calls Dutch "a plus" is "maybe"); salary, hours, remote, education for
 * most; states ~85% active, 12% expired, 3% duplicate.  Every posting's
 * posting_json is posting_to_json()'s shape, as index/store.c writes it.
 * Each source gets a sources row and one or two crawl_runs.
 *
 * The database is created (migrated) if needed; rows are added in one
 * transaction per 5000 postings.  Limits: not a model of real text
 * statistics beyond "plausible"; no job_history or pages rows.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "db.h"
#include "posting.h"
#include "search.h"

#define BASE_DAY 20788          /* 2026-12-01 as days since 1970-01-01 */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int rint_(int n)
{
	return (int)(rnd() % (uint64_t)n);
}

static double runit(void)
{
	return (double)(rnd() >> 11) / 9007199254740992.0;
}

#define PICK(a) (a[rint_((int)(sizeof(a) / sizeof(a[0])))])
#define COUNT(a) ((int)(sizeof(a) / sizeof(a[0])))

struct town {
	const char *name;
	double lat, lon;
};

static const struct town towns[] = {
	{ "Enschede", 52.2215, 6.8937 }, { "Hengelo", 52.2658, 6.7931 },
	{ "Almelo", 52.3567, 6.6625 }, { "Oldenzaal", 52.3131, 6.9292 },
	{ "Borne", 52.3000, 6.7500 }, { "Haaksbergen", 52.1567, 6.7392 },
	{ "Rijssen", 52.3075, 6.5167 }, { "Nijverdal", 52.3617, 6.4639 },
	{ "Losser", 52.2608, 7.0044 }, { "Delden", 52.2603, 6.7111 },
	{ "Goor", 52.2333, 6.5833 }, { "Vriezenveen", 52.4083, 6.6222 },
	{ "Tubbergen", 52.4075, 6.7842 }, { "Ootmarsum", 52.4083, 6.9000 },
	{ "Wierden", 52.3592, 6.5931 }, { "Glanerbrug", 52.2117, 6.9750 },
	{ "Gronau", 52.2100, 7.0228 }, { "Nordhorn", 52.4319, 7.0678 },
	{ "Bad Bentheim", 52.3031, 7.1597 }, { "Münster", 51.9607, 7.6261 },
};

struct employer {
	const char *id, *name, *domain;
	int town;               /* index into towns */
	const char *kind;       /* tech, health, edu, industry, food, agency, de */
};

static const struct employer employers[] = {
	{ "utwente", "University of Twente", "utwente.nl", 0, "edu" },
	{ "saxion", "Saxion University of Applied Sciences", "saxion.nl", 0, "edu" },
	{ "thales", "Thales Nederland", "thalesgroup.com", 1, "tech" },
	{ "demcon", "Demcon", "demcon.com", 0, "tech" },
	{ "mst", "Medisch Spectrum Twente", "mst.nl", 0, "health" },
	{ "zgt", "Ziekenhuisgroep Twente", "zgt.nl", 2, "health" },
	{ "grolsch", "Grolsch", "grolsch.nl", 0, "food" },
	{ "vredestein", "Apollo Vredestein", "vredestein.com", 0, "industry" },
	{ "stork", "Stork", "stork.com", 1, "industry" },
	{ "siemens-hengelo", "Siemens Energy Hengelo", "siemens-energy.com", 1, "industry" },
	{ "benchmark", "Benchmark Electronics", "bench.com", 2, "tech" },
	{ "roc-twente", "ROC van Twente", "rocvantwente.nl", 1, "edu" },
	{ "kiwa", "Kiwa Twente", "kiwa.com", 0, "industry" },
	{ "hengelo-gemeente", "Gemeente Hengelo", "hengelo.nl", 1, "gov" },
	{ "enschede-gemeente", "Gemeente Enschede", "enschede.nl", 0, "gov" },
	{ "almelo-gemeente", "Gemeente Almelo", "almelo.nl", 2, "gov" },
	{ "witteveen", "Witteveen+Bos", "witteveenbos.com", 0, "tech" },
	{ "xsens", "Movella (Xsens)", "movella.com", 0, "tech" },
	{ "nedap", "Nedap", "nedap.com", 0, "tech" },
	{ "ten-cate", "TenCate Advanced Composites", "tencatecomposites.com", 7, "industry" },
	{ "koninklijke-ten-cate", "Royal TenCate", "tencate.com", 2, "industry" },
	{ "aebi-schmidt", "Aebi Schmidt Nederland", "aebi-schmidt.com", 1, "industry" },
	{ "bolk", "Bolk Transport", "bolk.nl", 2, "logistics" },
	{ "ten-brinke", "Ten Brinke", "tenbrinke.com", 11, "industry" },
	{ "tricorp", "Tricorp Workwear", "tricorp.com", 0, "logistics" },
	{ "sensata", "Sensata Technologies", "sensata.com", 2, "tech" },
	{ "twentse-tech", "Twentse Techniek Groep", "twentsetechniek.nl", 4, "tech" },
	{ "oost-nl", "Oost NL", "oostnl.nl", 0, "gov" },
	{ "novel-t", "Novel-T", "novelt.com", 0, "tech" },
	{ "kennispark-labs", "Kennispark Labs", "kennisparklabs.nl", 0, "tech" },
	{ "carintreggeland", "Carintreggeland", "carintreggeland.nl", 1, "health" },
	{ "tsn", "TSN Thuiszorg", "tsn.nl", 2, "health" },
	{ "livio", "Livio", "livio.nl", 0, "health" },
	{ "hulshof", "Hulshof Koninklijke Lederfabriek", "hulshof.com", 6, "industry" },
	{ "auping", "Auping", "auping.com", 3, "industry" },
	{ "lidl-dc", "Lidl Distributiecentrum", "lidl.nl", 14, "logistics" },
	{ "randstad-twente", "Randstad Twente", "randstad.nl", 0, "agency" },
	{ "tempo-team", "Tempo-Team Hengelo", "tempo-team.nl", 1, "agency" },
	{ "yacht", "Yacht Oost", "yacht.nl", 0, "agency" },
	{ "bentheimer", "Bentheimer Eisenbahn", "bentheimer-eisenbahn.de", 18, "de" },
	{ "gronau-textil", "Gronauer Textilwerke", "gronau-textil.de", 16, "de" },
	{ "nordhorn-klinik", "Euregio-Klinik Nordhorn", "euregio-klinik.de", 17, "de" },
	{ "uni-muenster", "Universität Münster", "uni-muenster.de", 19, "de" },
	{ "aldi-nordhorn", "Logistikzentrum Nordhorn", "lz-nordhorn.de", 17, "de" },
};

/*
 * Job families: titles, tasks and skills differ per family, so a word like
 * "FPGA" or "wondzorg" occurs in the postings where it belongs and not in
 * all of them - the term statistics search ranking is measured on.
 */
enum family { FAM_SW, FAM_ENG, FAM_HEALTH, FAM_LOG, FAM_EDU, FAM_BIZ, N_FAM };

#define L(...) { __VA_ARGS__, NULL }
static const char *const titles[3][N_FAM][14] = {
	{       /* en */
		L("Software Engineer", "Embedded Software Engineer", "Data Scientist", "Data Engineer",
		  "Machine Learning Engineer", "DevOps Engineer", "Frontend Developer", "Backend Developer",
		  "Full Stack Developer", "Cyber Security Specialist", "IT Support Engineer", "System Architect"),
		L("Mechanical Engineer", "Electrical Engineer", "Process Engineer", "Quality Engineer",
		  "Test Engineer", "Radar Systems Engineer", "Mechatronics Engineer", "Optical Engineer",
		  "Research Engineer", "Service Engineer"),
		L("Clinical Data Manager", "Laboratory Technician", "Medical Physicist", "Nurse Practitioner"),
		L("Supply Chain Analyst", "Warehouse Supervisor", "Production Planner", "Logistics Coordinator"),
		L("Lecturer in Computer Science", "Assistant Professor in Robotics",
		  "PhD Candidate in Nanotechnology", "Postdoc in Biomedical Engineering", "Research Assistant"),
		L("Product Owner", "Project Manager", "Marketing Specialist", "Sales Engineer",
		  "Financial Controller", "HR Advisor", "Business Analyst"),
	},
	{       /* nl */
		L("Software Ontwikkelaar", "Ontwikkelaar Java", "Applicatiebeheerder", "Data Analist",
		  "Systeembeheerder", "Functioneel Beheerder"),
		L("Werkvoorbereider", "Technisch Tekenaar", "Elektromonteur", "Onderhoudsmonteur",
		  "Servicemonteur", "Monteur", "Constructeur"),
		L("Verpleegkundige", "Wijkverpleegkundige", "Verzorgende IG", "Doktersassistent", "Fysiotherapeut"),
		L("Logistiek Medewerker", "Magazijnmedewerker", "Productiemedewerker", "Operator",
		  "Chauffeur CE", "Planner", "Teamleider Productie"),
		L("Docent Wiskunde", "Docent Techniek", "Onderwijsassistent"),
		L("Financieel Administratief Medewerker", "Accountmanager", "Inkoper", "Beleidsmedewerker",
		  "Klantenservice Medewerker", "Medewerker Personeelszaken", "Projectleider"),
	},
	{       /* de */
		L("Softwareentwickler", "Fachinformatiker Systemintegration"),
		L("Elektroniker für Betriebstechnik", "Ingenieur Maschinenbau", "Mechatroniker"),
		L("Pflegefachkraft", "Medizinische Fachangestellte"),
		L("Lagerist", "Berufskraftfahrer", "Werkstudent Logistik"),
		L("Wissenschaftlicher Mitarbeiter"),
		L("Vertriebsmitarbeiter Innendienst", "Sachbearbeiter Einkauf", "Projektleiter"),
	},
};

static const char *const tasks[3][N_FAM][12] = {
	{
		L("design and implement new features in our codebase", "review code and mentor colleagues",
		  "automate our build and deployment pipelines", "build data pipelines and dashboards",
		  "train and evaluate machine learning models", "write firmware for embedded controllers",
		  "monitor and improve system performance", "keep our cloud infrastructure secure",
		  "translate user needs into technical designs", "write automated tests"),
		L("design mechanical components and assemblies", "run tolerance and FEM analyses",
		  "develop electrical schematics and PCB layouts", "set up and run validation tests",
		  "improve production processes with lean methods", "investigate root causes of failures",
		  "support suppliers with technical questions", "prepare technical documentation",
		  "commission machines at customer sites", "calibrate radar and sensor systems"),
		L("support patients and their families", "manage clinical study data",
		  "perform laboratory analyses", "ensure the quality of medical equipment",
		  "work with physicians and nurses in a multidisciplinary team", "keep patient records up to date"),
		L("plan production and transport", "manage stock levels in the warehouse",
		  "coordinate with carriers and suppliers", "analyse supply chain data",
		  "lead a team of operators", "improve safety on the shop floor"),
		L("teach bachelor and master courses", "supervise student projects",
		  "publish in international journals", "acquire research funding",
		  "carry out experiments in our cleanroom", "collaborate with industry partners"),
		L("manage the product backlog", "prepare budgets and forecasts",
		  "advise managers on HR matters", "develop marketing campaigns",
		  "visit customers and prepare quotations", "report on project progress to stakeholders"),
	},
	{
		L("ontwikkel je nieuwe functionaliteit in onze applicaties", "beheer je servers en netwerken",
		  "analyseer je data en maak je rapportages", "los je storingen op voor gebruikers",
		  "test je software en documenteer je wijzigingen", "denk je mee over de architectuur"),
		L("voer je onderhoud uit aan machines en installaties", "maak je tekeningen in AutoCAD",
		  "bereid je projecten technisch voor", "verhelp je storingen bij klanten",
		  "sluit je elektrische installaties aan", "controleer je de kwaliteit van het werk"),
		L("verleen je zorg aan cliënten thuis", "verzorg je wonden en geef je medicatie",
		  "werk je samen met artsen en therapeuten", "rapporteer je in het elektronisch dossier",
		  "begeleid je cliënten bij hun dagelijkse activiteiten", "adviseer je familie en mantelzorgers"),
		L("verzamel je orders in het magazijn", "bedien je de productielijn",
		  "laad en los je vrachtwagens", "plan je de ritten voor onze chauffeurs",
		  "bewaak je de voorraad", "stuur je een team van operators aan"),
		L("geef je les aan studenten in het mbo", "ontwikkel je lesmateriaal",
		  "begeleid je studenten tijdens hun stage", "neem je toetsen af"),
		L("verwerk je facturen en boekingen", "onderhoud je contact met klanten",
		  "koop je materialen en diensten in", "schrijf je beleidsnotities",
		  "beantwoord je vragen van klanten", "ondersteun je bij werving en selectie"),
	},
	{
		L("entwickeln Sie Softwarelösungen", "betreuen Sie unsere IT-Systeme"),
		L("warten Sie Anlagen und Maschinen", "konstruieren Sie Baugruppen"),
		L("versorgen Sie Patientinnen und Patienten", "dokumentieren Sie die Pflege"),
		L("kommissionieren Sie Waren", "fahren Sie Touren in der Region"),
		L("forschen Sie an neuen Materialien", "betreuen Sie Studierende"),
		L("betreuen Sie Kunden", "erstellen Sie Angebote"),
	},
};

static const char *const fam_skills[N_FAM][12] = {
	L("Python", "Java", "C++", "C#", "SQL", "Kubernetes", "Docker", "React", "TypeScript", "Rust"),
	L("SolidWorks", "MATLAB", "Simulink", "FPGA", "VHDL", "LabVIEW", "AutoCAD", "PLC programming", "Siemens TIA Portal"),
	L("BIG registration", "wound care", "Epic", "GCP", "ISO 13485"),
	L("SAP", "Excel", "WMS", "Lean Six Sigma", "forklift certificate"),
	L("Python", "MATLAB", "cleanroom techniques", "LaTeX", "statistics"),
	L("Excel", "Power BI", "SAP", "Salesforce", "Scrum", "AFAS"),
};
#undef L

static int count_list(const char *const *v)
{
	int n = 0;

	while (v[n])
		n++;
	return n;
}

static const char *const skills[] = {
	"Python", "Java", "C++", "C#", "SQL", "Kubernetes", "Docker", "MATLAB", "SolidWorks",
	"PLC programming", "SAP", "Excel", "React", "TypeScript", "Linux", "FPGA", "VHDL",
	"Azure", "AWS", "Power BI", "Simulink", "LabVIEW", "Rust", "Go", "Scrum", "Lean Six Sigma",
	"AutoCAD", "Siemens TIA Portal", "Spring Boot", ".NET", "Terraform", "PyTorch",
};

/* Sentence pools: %T title, %E employer, %C town, %S a skill. */
static const char *const en_sent[] = {
	"At %E in %C you will join a team of engineers who build products used all over the world.",
	"As %T you take ownership of your work from the first design to the final release.",
	"You will work closely with colleagues in development, testing and operations.",
	"Our team values curiosity, craftsmanship and a pragmatic attitude towards problems.",
	"You have experience with %S and you enjoy learning new technologies.",
	"Knowledge of %S is a strong advantage for this position.",
	"You have a bachelor's or master's degree in a technical field, or equivalent experience.",
	"We offer a competitive salary, a thirteenth month and a generous pension scheme.",
	"You get 27 vacation days, flexible working hours and the option to work from home two days a week.",
	"Our office in %C is easy to reach by train and has free parking for bicycles and cars.",
	"The working language within the team is English, and colleagues come from more than twenty countries.",
	"You will be part of an international team in the heart of Twente, close to the German border.",
	"We invest in your growth with training budgets, conferences and a personal development plan.",
	"Every day you solve complex problems together with enthusiastic colleagues.",
	"You communicate clearly with customers, suppliers and stakeholders at every level.",
	"You are analytical, proactive and able to structure your own work.",
	"You will help to improve our processes and share your knowledge with junior colleagues.",
	"The project portfolio ranges from medical devices to high-tech systems and defence.",
	"You report to the team lead and work in short iterations with regular demos.",
	"Do you recognise yourself in this profile? Then we would like to hear from you.",
	"Apply before the closing date with your CV and a short motivation letter.",
	"An assessment may be part of the selection procedure.",
	"Relocation support is available for candidates moving to the Netherlands.",
	"We welcome applications from people of all backgrounds.",
	"You will design, implement and test software for our next generation of systems.",
	"You analyse data from sensors and production lines to find improvements.",
	"Safety and quality are at the heart of everything we do.",
	"Your first weeks include an onboarding programme with a personal buddy.",
	"Travel to customers in Europe is occasionally required.",
	"You enjoy working in a dynamic environment where no two days are the same.",
};
static const char *const en_dutch_plus[] = {
	"Speaking Dutch is a plus but not required.",
	"Knowledge of the Dutch language is an advantage.",
};
static const char *const en_dutch_req[] = {
	"Fluency in Dutch is required because you will work with Dutch customers daily.",
};
static const char *const nl_sent[] = {
	"Bij %E in %C werk je in een hecht team aan uitdagende projecten.",
	"Als %T ben je verantwoordelijk voor een goede uitvoering van je werkzaamheden.",
	"Je werkt nauw samen met collega's van planning, productie en onderhoud.",
	"Je hebt ervaring met %S en je bent leergierig.",
	"Kennis van %S is een pré.",
	"Je hebt minimaal een mbo- of hbo-diploma in een technische richting.",
	"Wij bieden een goed salaris, een dertiende maand en een uitstekende pensioenregeling.",
	"Je krijgt 25 vakantiedagen, reiskostenvergoeding en ruimte voor opleidingen.",
	"Ons kantoor in %C is goed bereikbaar met het openbaar vervoer.",
	"Je bent een echte teamspeler en je houdt van aanpakken.",
	"Wij investeren in je ontwikkeling met trainingen en cursussen.",
	"Je draagt bij aan het verbeteren van onze processen.",
	"Veiligheid en kwaliteit staan bij ons altijd voorop.",
	"Je rapporteert aan de teamleider en werkt in een dagdienst of ploegendienst.",
	"Herken jij jezelf in dit profiel? Solliciteer dan direct.",
	"Een assessment kan onderdeel zijn van de selectieprocedure.",
	"Je bent communicatief sterk, zelfstandig en flexibel.",
	"De ontwikkelaars in ons team werken met moderne tools en technieken.",
	"Je krijgt de kans om door te groeien binnen onze organisatie in Twente.",
	"Wij zijn een familiebedrijf met korte lijnen en een informele sfeer.",
	"Je eerste weken krijg je een uitgebreid inwerkprogramma.",
	"Je hebt een rijbewijs B en bent bereid af en toe te reizen.",
	"Ervaring in een vergelijkbare functie is een pré.",
	"Je zorgt voor een goede overdracht en rapportage aan collega's.",
	"Wij verwelkomen sollicitaties van iedereen, ongeacht achtergrond.",
};
static const char *const nl_dutch_req[] = {
	"Je beheerst de Nederlandse taal uitstekend in woord en geschrift.",
	"Goede beheersing van de Nederlandse taal is vereist.",
};
static const char *const nl_english_ok[] = {
	"Onze voertaal is Engels; Nederlands spreken is niet vereist.",
};
static const char *const de_sent[] = {
	"Bei %E in %C arbeiten Sie in einem engagierten Team an spannenden Projekten.",
	"Als %T übernehmen Sie Verantwortung für Ihre Aufgaben.",
	"Sie arbeiten eng mit Kollegen aus Vertrieb, Logistik und Produktion zusammen.",
	"Sie haben Erfahrung mit %S und lernen gerne dazu.",
	"Kenntnisse in %S sind von Vorteil.",
	"Sie haben eine abgeschlossene Ausbildung oder ein Studium.",
	"Wir bieten eine attraktive Vergütung, Urlaubsgeld und betriebliche Altersvorsorge.",
	"Sie erhalten 30 Urlaubstage und flexible Arbeitszeiten.",
	"Unser Standort in %C liegt direkt an der niederländischen Grenze.",
	"Sie sind teamfähig, zuverlässig und arbeiten selbstständig.",
	"Wir investieren in Ihre Weiterbildung.",
	"Sicherheit und Qualität haben bei uns höchste Priorität.",
	"Haben wir Ihr Interesse geweckt? Dann bewerben Sie sich jetzt.",
	"Gute Deutschkenntnisse sind erforderlich, Englisch ist von Vorteil.",
	"Die Einarbeitung erfolgt durch erfahrene Kolleginnen und Kollegen.",
	"Sie unterstützen das Team bei der Planung und Umsetzung von Projekten.",
	"Wir freuen uns auf Bewerbungen von Menschen aller Hintergründe.",
	"Die Stelle ist zunächst auf zwei Jahre befristet.",
};

/* Expand %T %E %C %S placeholders into b. */
static enum tj_code expand(struct buf *b, const char *tpl, const char *title,
			   const char *employer, const char *town)
{
	enum tj_code rc = TJ_OK;

	for (const char *p = tpl; *p && !rc; p++) {
		if (*p != '%' || !p[1]) {
			rc = buf_addc(b, *p);
			continue;
		}
		switch (*++p) {
		case 'T': rc = buf_adds(b, title); break;
		case 'E': rc = buf_adds(b, employer); break;
		case 'C': rc = buf_adds(b, town); break;
		case 'S': rc = buf_adds(b, skills[rint_(COUNT(skills))]); break;
		default: rc = buf_addc(b, *p);
		}
	}
	return rc;
}

static size_t words(const char *s)
{
	size_t n = 0;
	bool in = false;

	for (; *s; s++) {
		bool sp = *s == ' ' || *s == '\n';

		n += !sp && !in;
		in = !sp;
	}
	return n;
}

struct gen {
	struct posting p;
	char title[128];
	const char *lang;
	const char *intl;
	int dutch_required;
	const char *level;
	const char *employer_id;
	int intl_score;
	const char *reason_code, *reason_evidence;
};

static const char *level_prefix(const char *lang, const char **level)
{
	int r = rint_(100);

	if (r < 20) {
		*level = "senior";
		return "Senior ";
	}
	if (r < 35) {
		*level = "junior";
		return "Junior ";
	}
	if (r < 45) {
		*level = "medior";
		return !strcmp(lang, "en") ? "Medior " : "Medior ";
	}
	if (r < 52) {
		*level = "internship";
		return !strcmp(lang, "nl") ? "Stagiair " : !strcmp(lang, "de") ? "Praktikant " : "Intern ";
	}
	if (r < 56) {
		*level = "graduate";
		return !strcmp(lang, "nl") ? "Trainee " : "Graduate ";
	}
	*level = "unknown";
	return "";
}

static enum tj_code make_posting(struct gen *g, long i)
{
	const struct employer *e = &employers[rint_(COUNT(employers))];
	const struct town *t = &towns[rint_(4) ? e->town : rint_(COUNT(towns) - 4)];
	int r = rint_(100), target = 300 + rint_(201);
	const char *const *pool;
	int pool_n, li;
	enum family fam;
	const char *prefix, *base;
	struct buf d;
	char s[512];
	enum tj_code rc = TJ_OK;
	int64_t day = BASE_DAY - rint_(120);
	int64_t y, m, dd;

	posting_init(&g->p);
	g->employer_id = e->id;
	g->lang = !strcmp(e->kind, "de") ? (rint_(5) ? "de" : "en")
		  : r < 58 ? "en" : "nl";
	li = !strcmp(g->lang, "en") ? 0 : !strcmp(g->lang, "nl") ? 1 : 2;
	/* the employer's kind makes some families likelier */
	fam = !strcmp(e->kind, "health") && rint_(3) ? FAM_HEALTH
	      : !strcmp(e->kind, "edu") && rint_(2) ? FAM_EDU
	      : !strcmp(e->kind, "logistics") && rint_(2) ? FAM_LOG
	      : !strcmp(e->kind, "tech") && rint_(2) ? (rint_(2) ? FAM_SW : FAM_ENG)
	      : (enum family)rint_(N_FAM);
	base = titles[li][fam][rint_(count_list(titles[li][fam]))];
	pool = li == 0 ? en_sent : li == 1 ? nl_sent : de_sent;
	pool_n = li == 0 ? COUNT(en_sent) : li == 1 ? COUNT(nl_sent) : COUNT(de_sent);
	prefix = level_prefix(g->lang, &g->level);
	snprintf(g->title, sizeof(g->title), "%s%s", prefix, base);
	/* international label, consistent with a sentence in the text */
	r = rint_(100);
	buf_init(&d, 0);
	if (!strcmp(g->lang, "en")) {
		g->intl = r < 78 ? "yes" : r < 94 ? "maybe" : "no";
	} else if (!strcmp(g->lang, "nl")) {
		g->intl = r < 72 ? "no" : r < 94 ? "maybe" : "yes";
	} else {
		g->intl = r < 70 ? "yes" : "maybe";
	}
	g->dutch_required = !strcmp(g->intl, "no");
	uint64_t used = 0;

	/* a tasks section and a skills line specific to the family */
	{
		static const char *const head[3] = { "Your tasks:", "Wat ga je doen?", "Ihre Aufgaben:" };
		static const char *const req[3] = { "You bring experience with", "Je hebt kennis van",
						    "Sie bringen Kenntnisse in" };
		const char *const *tl = tasks[li][fam], *const *sk = fam_skills[fam];
		int nt = count_list(tl), ns = count_list(sk), k0 = rint_(nt), want = 2 + rint_(nt - 1);

		rc = buf_addf(&d, "%s\n", head[li]);
		for (int k = 0; k < want && !rc; k++)
			rc = buf_addf(&d, "- %s%s\n", li == 0 ? "you " : "", tl[(k0 + k) % nt]);
		int s1 = rint_(ns), s2 = (s1 + 1 + rint_(ns - 1)) % ns;

		if (!rc)
			rc = buf_addf(&d, "\n%s %s, %s%s.\n\n", req[li], sk[s1], sk[s2],
				      li == 2 ? " mit" : "");
	}

	while (!rc && words(buf_str(&d)) < (size_t)target) {
		int k = rint_(pool_n);

		/* each sentence once per posting while the pool lasts */
		while (used != (1ULL << pool_n) - 1 && (used >> k & 1))
			k = (k + 1) % pool_n;
		used |= 1ULL << k;
		rc = expand(&d, pool[k], g->title, e->name, t->name);
		if (!rc)
			rc = buf_adds(&d, rint_(4) ? " " : "\n\n");
		if (!rc && words(buf_str(&d)) > (size_t)target / 2 && rint_(6) == 0) {
			const char *extra = NULL;

			if (!strcmp(g->lang, "en") && !strcmp(g->intl, "maybe"))
				extra = PICK(en_dutch_plus);
			else if (!strcmp(g->lang, "en") && !strcmp(g->intl, "no"))
				extra = PICK(en_dutch_req);
			else if (!strcmp(g->lang, "nl") && !strcmp(g->intl, "no"))
				extra = PICK(nl_dutch_req);
			else if (!strcmp(g->lang, "nl") && !strcmp(g->intl, "yes"))
				extra = PICK(nl_english_ok);
			if (extra) {
				g->reason_evidence = extra;
				rc = buf_adds(&d, extra);
				if (!rc)
					rc = buf_adds(&d, " ");
			}
		}
	}
	g->reason_code = !strcmp(g->intl, "yes") ? (!strcmp(g->lang, "nl") ? "english_working_language" : "english_posting")
			 : !strcmp(g->intl, "no") ? "dutch_required" : "dutch_plus";
	if (!g->reason_evidence)
		g->reason_evidence = g->lang;
	g->intl_score = !strcmp(g->intl, "yes") ? 70 + rint_(30) : !strcmp(g->intl, "maybe") ? 35 + rint_(30) : rint_(25);
	if (rc) {
		buf_release(&d);
		return rc;
	}
	while (d.len && (d.data[d.len - 1] == ' ' || d.data[d.len - 1] == '\n'))
		d.data[--d.len] = '\0';
	posting_take(&g->p.description, buf_detach(&d, NULL));
	snprintf(s, sizeof(s), "https://www.%s/vacatures/%ld", e->domain, i + 1000);
	/* civil date from days (Hinnant) */
	{
		int64_t z = day + 719468, era = z / 146097, doe = z - era * 146097;
		int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
		int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;

		dd = doy - (153 * mp + 2) / 5 + 1;
		m = mp < 10 ? mp + 3 : mp - 9;
		y = yoe + era * 400 + (m <= 2);
	}
	if ((rc = posting_set(&g->p.url, s)) || (rc = posting_set(&g->p.title, g->title)) ||
	    (rc = posting_set(&g->p.employer, e->name)) || (rc = posting_set(&g->p.location, t->name)) ||
	    (rc = posting_set(&g->p.source_id, e->id)))
		return rc;
	snprintf(s, sizeof(s), "%04d-%02d-%02d", (int)y, (int)m, (int)dd);
	if ((rc = posting_set(&g->p.date_posted, s)))
		return rc;
	snprintf(s, sizeof(s), "%ld", i + 1000);
	if ((rc = posting_set(&g->p.ext_id, s)) ||
	    (rc = posting_set(&g->p.country, strcmp(e->kind, "de") ? "NL" : "DE")))
		return rc;
	r = rint_(100);
	rc = posting_set(&g->p.employment_type, !strcmp(g->level, "internship") ? "INTERN"
			 : r < 70 ? "FULL_TIME" : r < 86 ? "PART_TIME" : r < 93 ? "TEMPORARY" : "CONTRACTOR");
	r = rint_(100);
	if (!rc)
		rc = posting_set(&g->p.remote, r < 55 ? "onsite" : r < 90 ? "hybrid" : "remote");
	r = rint_(100);
	if (!rc && r < 80)
		rc = posting_set(&g->p.education, r < 25 ? "mbo" : r < 55 ? "hbo" : r < 75 ? "wo" : "phd");
	if (!rc && rint_(10) < 6) {
		double lo = 2400 + rint_(30) * 100;

		g->p.salary_min = lo;
		g->p.salary_max = lo + 400 + rint_(20) * 100;
		rc = posting_set(&g->p.salary_currency, "EUR");
		if (!rc)
			rc = posting_set(&g->p.salary_period, "MONTH");
		if (!rc)
			rc = posting_set(&g->p.salary_source, "structured");
	}
	if (!rc && rint_(10) < 8) {
		g->p.hours_min = 32 + rint_(3) * 2;
		g->p.hours_max = 40;
	}
	if (!rc)
		rc = posting_set(&g->p.extraction, "jsonld");
	snprintf(g->p.cls.language, sizeof(g->p.cls.language), "%s", g->lang);
	snprintf(g->p.cls.intl_label, sizeof(g->p.cls.intl_label), "%s", g->intl);
	snprintf(g->p.cls.level, sizeof(g->p.cls.level), "%s", g->level);
	snprintf(g->p.cls.advertiser, sizeof(g->p.cls.advertiser), "%s",
		 strcmp(e->kind, "agency") ? "employer" : "agency");
	g->p.cls.language_confidence = 0.9 + runit() * 0.099;
	g->p.cls.intl_score = g->intl_score;
	g->p.cls.dutch_required = g->dutch_required;
	g->p.cls.reasons = json_pack("[{s:s, s:s}]", "code", g->reason_code, "evidence", g->reason_evidence);
	g->p.cls.done = true;
	if (!rc && !g->p.cls.reasons)
		rc = tj_error(TJ_ENOMEM, "out of memory");
	return rc;
}

static enum tj_code insert_sources(struct db *db)
{
	sqlite3_stmt *st = NULL, *run = NULL;
	enum tj_code rc;
	char buf[256], rule[128];

	rc = db_prepare(db, &st, "INSERT OR REPLACE INTO sources (id, employer, website, town, lat, lon,"
			" rule_file, advertiser, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
	if (!rc)
		rc = db_prepare(db, &run, "INSERT INTO crawl_runs (source_id, started_at, finished_at,"
				" status, complete, pages, not_modified, postings, new_postings,"
				" changed_postings, expired_postings, errors, robots_blocked, errors_json, message)"
				" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)");
	for (int i = 0; i < COUNT(employers) && !rc; i++) {
		const struct employer *e = &employers[i];
		const struct town *t = &towns[e->town];
		int64_t base = (int64_t)BASE_DAY * 86400;

		snprintf(buf, sizeof(buf), "https://www.%s/", e->domain);
		snprintf(rule, sizeof(rule), "rules/%s.json", e->id);
		sqlite3_reset(st);
		if ((rc = db_bind_text(st, 1, e->id)) || (rc = db_bind_text(st, 2, e->name)) ||
		    (rc = db_bind_text(st, 3, buf)) || (rc = db_bind_text(st, 4, t->name)) ||
		    (rc = db_bind_double(st, 5, t->lat + (runit() - 0.5) * 0.02)) ||
		    (rc = db_bind_double(st, 6, t->lon + (runit() - 0.5) * 0.02)) ||
		    (rc = db_bind_text(st, 7, rule)) ||
		    (rc = db_bind_text(st, 8, strcmp(e->kind, "agency") ? "employer" : "agency")) ||
		    (rc = db_bind_int(st, 9, base)) || (rc = db_step(st, NULL)))
			break;
		for (int k = 0; k < 1 + (i % 2) && !rc; k++) {
			int which = (i * 7 + k) % 10;
			const char *status = which == 0 ? "failed" : which == 1 ? "partial" : "ok";

			sqlite3_reset(run);
			if ((rc = db_bind_text(run, 1, e->id)) ||
			    (rc = db_bind_int(run, 2, base - 86400 * (2 - k))) ||
			    (rc = db_bind_int(run, 3, base - 86400 * (2 - k) + 300 + i * 7)) ||
			    (rc = db_bind_text(run, 4, status)) ||
			    (rc = db_bind_int(run, 5, which > 1)) ||
			    (rc = db_bind_int(run, 6, 20 + i * 3)) || (rc = db_bind_int(run, 7, 10 + i)) ||
			    (rc = db_bind_int(run, 8, 10 + i * 2)) || (rc = db_bind_int(run, 9, i % 4)) ||
			    (rc = db_bind_int(run, 10, i % 3)) || (rc = db_bind_int(run, 11, i % 2)) ||
			    (rc = db_bind_int(run, 12, which == 0 ? 12 : which == 1 ? 2 : 0)) ||
			    (rc = db_bind_int(run, 13, which == 1)) ||
			    (rc = db_bind_text(run, 14, which == 0 ? "{\"http_5xx\": 12}" :
						    which == 1 ? "{\"timeout\": 2}" : NULL)) ||
			    (rc = db_bind_text(run, 15, which == 0 ? "career site answered 503 on every page" : NULL)) ||
			    (rc = db_step(run, NULL)))
				break;
		}
	}
	db_finalize(st);
	db_finalize(run);
	return rc;
}

static const char job_sql[] =
	"INSERT INTO jobs (key, source_id, url, title, employer, city, employment_type,"
	" date_posted, valid_through, description, remote, education, salary_min, salary_max,"
	" salary_currency, salary_period, hours_min, hours_max, language, language_confidence,"
	" intl_label, intl_score, intl_reasons, dutch_required, level, advertiser, posting_json,"
	" fingerprint, state, first_seen, last_seen, last_changed, missed_runs, dup_of)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,"
	" ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34)";

static enum tj_code insert_job(sqlite3_stmt *st, struct gen *g, long i, int64_t first_id)
{
	struct posting *p = &g->p;
	json_t *pj = posting_to_json(p);
	char *pjs = pj ? json_dumps(pj, JSON_COMPACT) : NULL;
	char *reasons = json_dumps(p->cls.reasons, JSON_COMPACT);
	char key[128], fp[32];
	int r = rint_(100);
	const char *state = r < 85 ? "active" : r < 97 ? "expired" : "duplicate";
	/* first seen by the crawler within three days of the stated date */
	int64_t first_seen = search_parse_date(p->date_posted) * 86400 + rint_(3 * 86400);
	enum tj_code rc;

	json_decref(pj);
	if (!pjs || !reasons) {
		free(pjs);
		free(reasons);
		return tj_error(TJ_ENOMEM, "out of memory");
	}
	snprintf(key, sizeof(key), "%s|%lld", g->employer_id, (long long)(first_id - 1 + i + 1000));
	snprintf(fp, sizeof(fp), "%016llx", (unsigned long long)rnd());
	sqlite3_reset(st);
	rc = db_bind_text(st, 1, key);
	if (!rc) rc = db_bind_text(st, 2, p->source_id);
	if (!rc) rc = db_bind_text(st, 3, p->url);
	if (!rc) rc = db_bind_text(st, 4, p->title);
	if (!rc) rc = db_bind_text(st, 5, p->employer);
	if (!rc) rc = db_bind_text(st, 6, p->location);
	if (!rc) rc = db_bind_text(st, 7, p->employment_type);
	if (!rc) rc = db_bind_text(st, 8, p->date_posted);
	if (!rc) rc = db_bind_null(st, 9);
	if (!rc) rc = db_bind_text(st, 10, p->description);
	if (!rc) rc = db_bind_text(st, 11, p->remote);
	if (!rc) rc = db_bind_text(st, 12, p->education);
	if (!rc) rc = db_bind_double(st, 13, p->salary_min);
	if (!rc) rc = db_bind_double(st, 14, p->salary_max);
	if (!rc) rc = db_bind_text(st, 15, p->salary_currency);
	if (!rc) rc = db_bind_text(st, 16, p->salary_period);
	if (!rc) rc = db_bind_double(st, 17, p->hours_min);
	if (!rc) rc = db_bind_double(st, 18, p->hours_max);
	if (!rc) rc = db_bind_text(st, 19, p->cls.language);
	if (!rc) rc = db_bind_double(st, 20, p->cls.language_confidence);
	if (!rc) rc = db_bind_text(st, 21, p->cls.intl_label);
	if (!rc) rc = db_bind_int(st, 22, p->cls.intl_score);
	if (!rc) rc = db_bind_text(st, 23, reasons);
	if (!rc) rc = db_bind_int(st, 24, p->cls.dutch_required);
	if (!rc) rc = db_bind_text(st, 25, p->cls.level);
	if (!rc) rc = db_bind_text(st, 26, p->cls.advertiser);
	if (!rc) rc = db_bind_text(st, 27, pjs);
	if (!rc) rc = db_bind_text(st, 28, fp);
	if (!rc) rc = db_bind_text(st, 29, state);
	if (!rc) rc = db_bind_int(st, 30, first_seen);
	if (!rc) rc = db_bind_int(st, 31, strcmp(state, "active") ? first_seen + 86400 * 10 : (int64_t)BASE_DAY * 86400);
	if (!rc) rc = db_bind_int(st, 32, first_seen);
	if (!rc) rc = db_bind_int(st, 33, strcmp(state, "expired") ? 0 : 3);
	if (!rc) rc = !strcmp(state, "duplicate") && i > 0 ? db_bind_int(st, 34, first_id + rint_((int)i))
							  : db_bind_null(st, 34);
	if (!rc)
		rc = db_step(st, NULL);
	free(pjs);
	free(reasons);
	return rc;
}

static void usage(void)
{
	fprintf(stderr, "usage: gen-corpus N --db FILE [--seed S]\n");
}

int main(int argc, char **argv)
{
	const char *path = NULL;
	long n = -1, seed = 1;
	struct db *db = NULL;
	sqlite3_stmt *st = NULL;
	struct gen g;
	int64_t first_id = 1;
	enum tj_code rc = TJ_OK;
	char *end;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--db") && i + 1 < argc) {
			path = argv[++i];
		} else if (!strcmp(argv[i], "--seed") && i + 1 < argc) {
			seed = strtol(argv[++i], &end, 10);
			if (*end)
				return usage(), 2;
		} else if (n < 0) {
			n = strtol(argv[i], &end, 10);
			if (*end || n < 0 || n > 10000000)
				return usage(), 2;
		} else {
			return usage(), 2;
		}
	}
	if (!path || n < 0)
		return usage(), 2;
	rng_state = (uint64_t)seed * 0x2545F4914F6CDD1DULL;
	if ((rc = db_open(path, false, &db)) || (rc = db_begin(db)) || (rc = insert_sources(db)))
		goto out;
	{
		sqlite3_stmt *mx = NULL;
		bool row;

		if ((rc = db_prepare(db, &mx, "SELECT coalesce(max(id), 0) + 1 FROM jobs")) ||
		    (rc = db_step(mx, &row))) {
			db_finalize(mx);
			goto out;
		}
		first_id = sqlite3_column_int64(mx, 0);
		db_finalize(mx);
	}
	if ((rc = db_prepare(db, &st, job_sql)))
		goto out;
	for (long i = 0; i < n && !rc; i++) {
		memset(&g, 0, sizeof(g));
		rc = make_posting(&g, (long)(first_id - 1) + i);
		if (!rc)
			rc = insert_job(st, &g, i, first_id);
		posting_release(&g.p);
		if (!rc && i % 5000 == 4999 && !(rc = db_commit(db)))
			rc = db_begin(db);
	}
	if (!rc)
		rc = db_commit(db);
out:
	if (rc) {
		fprintf(stderr, "gen-corpus: %s\n", tj_errmsg());
		db_rollback(db);
	}
	db_finalize(st);
	if (!rc)
		rc = db_exec(db, "PRAGMA optimize; INSERT INTO jobs_fts(jobs_fts) VALUES ('optimize');");
	db_close(db);
	return rc ? 1 : 0;
}
