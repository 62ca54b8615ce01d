/*
 * test_robots.c - cmocka unit tests for spider/robots.{c,h} (RFC 9309 robots.txt parser and matcher).
 *
 * Build: gcc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -g -fsanitize=address,undefined -Ispider \
 *            tests/unit/test_robots.c spider/robots.c -lcmocka -o /tmp/test_robots && /tmp/test_robots
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* mkstemp, dup, fileno, clock_gettime */
#endif

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "robots.h"

#define BOT "TwenteJobsBot"

/* ---------------------------------------------------------------------------------------------------- */
/* Helpers                                                                                              */

static struct robots *parse_str(const char *s)
{
	struct robots *r = robots_parse(s, strlen(s));
	assert_non_null(r);
	return r;
}

static int ok(const struct robots *r, const char *agent, const char *url)
{
	const char *why = NULL;
	int res = robots_allowed(r, agent, url, &why);
	assert_non_null(why);
	assert_true(res == 0 || res == 1);
	return res;
}

static const char *why_of(const struct robots *r, const char *agent, const char *url)
{
	const char *why = NULL;
	(void)robots_allowed(r, agent, url, &why);
	assert_non_null(why);
	return why;
}

/* "User-agent: *\nDisallow: <pattern>\n" -> is url allowed for BOT? */
static int single_rule_allows(const char *directive, const char *url)
{
	char buf[512];
	int n = snprintf(buf, sizeof buf, "User-agent: *\n%s\n", directive);
	assert_true(n > 0 && (size_t)n < sizeof buf);
	struct robots *r = parse_str(buf);
	int res = ok(r, BOT, url);
	robots_free(r);
	return res;
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---------------------------------------------------------------------------------------------------- */
/* Basics and special policies                                                                          */

static void test_empty_file_allows_everything(void **state)
{
	(void)state;
	struct robots *r = robots_parse("", 0);
	assert_non_null(r);
	assert_int_equal(ok(r, BOT, "/"), 1);
	assert_int_equal(ok(r, BOT, "/anything/at/all?x=1"), 1);
	assert_string_equal(why_of(r, BOT, "/x"), "default allow (no matching group)");
	assert_true(robots_crawl_delay(r, BOT) < 0);
	assert_int_equal(robots_sitemap_count(r), 0);
	robots_free(r);

	r = robots_parse(NULL, 0);
	assert_non_null(r);
	assert_int_equal(ok(r, BOT, "/x"), 1);
	robots_free(r);
}

static void test_null_arguments(void **state)
{
	(void)state;
	const char *why = NULL;
	robots_free(NULL);
	assert_int_equal(robots_allowed(NULL, BOT, "/", &why), 0);
	assert_string_equal(why, "error: invalid argument");
	struct robots *r = parse_str("User-agent: *\nDisallow: /x\n");
	assert_int_equal(robots_allowed(r, BOT, NULL, &why), 0);
	assert_string_equal(why, "error: invalid argument");
	assert_int_equal(robots_allowed(r, BOT, "/x", NULL), 0); /* NULL matched_rule is fine */
	assert_true(robots_crawl_delay(NULL, BOT) < 0);
	assert_int_equal(robots_sitemap_count(NULL), 0);
	assert_null(robots_sitemap(NULL, 0));
	assert_null(robots_sitemap(r, 0));
	assert_int_equal(robots_rule_count(NULL), 0);
	robots_free(r);
}

static void test_allow_all_and_disallow_all_policies(void **state)
{
	(void)state;
	struct robots *a = robots_allow_all();
	struct robots *d = robots_disallow_all();
	assert_non_null(a);
	assert_non_null(d);
	assert_int_equal(ok(a, BOT, "/private/x"), 1);
	assert_int_equal(ok(a, "*", "https://example.com/"), 1);
	assert_string_equal(why_of(a, BOT, "/x"), "allow all (robots.txt unavailable)");
	assert_int_equal(ok(d, BOT, "/"), 0);
	assert_int_equal(ok(d, BOT, "https://example.com/jobs/1"), 0);
	assert_string_equal(why_of(d, BOT, "/x"), "disallow all (robots.txt unreachable)");
	/* robots.txt itself stays fetchable */
	assert_int_equal(ok(d, BOT, "/robots.txt"), 1);
	assert_true(robots_crawl_delay(a, BOT) < 0);
	assert_true(robots_crawl_delay(d, BOT) < 0);
	assert_int_equal(robots_sitemap_count(d), 0);
	assert_int_equal(robots_rule_count(d), 0);
	robots_free(a);
	robots_free(d);
}

static void test_robots_txt_always_allowed(void **state)
{
	(void)state;
	struct robots *r = parse_str("User-agent: *\nDisallow: /\nDisallow: /robots.txt$\n");
	assert_int_equal(ok(r, BOT, "/robots.txt"), 1);
	assert_int_equal(ok(r, BOT, "https://example.com/robots.txt"), 1);
	assert_int_equal(ok(r, BOT, "/robots.txt?x=1"), 1);
	assert_string_equal(why_of(r, BOT, "/robots.txt"), "allow: /robots.txt is always allowed");
	assert_int_equal(ok(r, BOT, "/robots.txt.bak"), 0);
	assert_int_equal(ok(r, BOT, "/sub/robots.txt"), 0);
	robots_free(r);
}

/* ---------------------------------------------------------------------------------------------------- */
/* RFC 9309 section 5 examples                                                                          */

static const char rfc_simple[] = "User-Agent: *\n"
                                 "Disallow: *.gif$\n"
                                 "Disallow: /example/\n"
                                 "Allow: /publications/\n"
                                 "\n"
                                 "User-Agent: foobot\n"
                                 "Disallow:/\n"
                                 "Allow:/example/page.html\n"
                                 "Allow:/example/allowed.gif\n"
                                 "\n"
                                 "User-Agent: barbot\n"
                                 "User-Agent: bazbot\n"
                                 "Disallow: /example/page.html\n"
                                 "\n"
                                 "User-Agent: quxbot\n"
                                 "\n"
                                 "EOF\n";

static void test_rfc9309_5_1_simple_example_star(void **state)
{
	(void)state;
	struct robots *r = parse_str(rfc_simple);
	assert_int_equal(ok(r, "otherbot", "/publications/report"), 1);
	assert_int_equal(ok(r, "otherbot", "/example/"), 0);
	assert_int_equal(ok(r, "otherbot", "/example/page.html"), 0);
	assert_int_equal(ok(r, "otherbot", "/images/cat.gif"), 0);
	assert_int_equal(ok(r, "otherbot", "/images/cat.gif?size=2"), 1); /* '$' anchors */
	assert_int_equal(ok(r, "otherbot", "/images/cat.gifs"), 1);
	assert_int_equal(ok(r, "otherbot", "/publications/cat.gif"), 1); /* 14 > 6 octets */
	assert_int_equal(ok(r, "otherbot", "/"), 1);
	assert_string_equal(why_of(r, "otherbot", "/example/x"), "disallow: /example/ (line 3)");
	assert_string_equal(why_of(r, "otherbot", "/a.gif"), "disallow: *.gif$ (line 2)");
	robots_free(r);
}

static void test_rfc9309_5_1_simple_example_named_groups(void **state)
{
	(void)state;
	struct robots *r = parse_str(rfc_simple);
	/* foobot: only the two allowed prefixes */
	assert_int_equal(ok(r, "foobot", "/example/page.html"), 1);
	assert_int_equal(ok(r, "foobot", "/example/allowed.gif"), 1);
	assert_int_equal(ok(r, "foobot", "/example/other.html"), 0);
	assert_int_equal(ok(r, "foobot", "/publications/"), 0);
	assert_int_equal(ok(r, "foobot", "/"), 0);
	/* barbot and bazbot share one group */
	assert_int_equal(ok(r, "barbot", "/example/page.html"), 0);
	assert_int_equal(ok(r, "bazbot", "/example/page.html"), 0);
	assert_int_equal(ok(r, "bazbot", "/example/page.html5"), 0);
	assert_int_equal(ok(r, "barbot", "/example/other.html"), 1);
	assert_int_equal(ok(r, "barbot", "/cat.gif"), 1); /* the '*' group does not apply */
	/* quxbot: empty group at the end -> everything allowed, '*' not used */
	assert_int_equal(ok(r, "quxbot", "/example/page.html"), 1);
	assert_int_equal(ok(r, "quxbot", "/cat.gif"), 1);
	assert_string_equal(why_of(r, "quxbot", "/x"), "default allow (no matching rule)");
	robots_free(r);
}

static void test_rfc9309_5_2_longest_match(void **state)
{
	(void)state;
	struct robots *r = parse_str("User-Agent: foobot\n"
	                             "Allow: /example/page/\n"
	                             "Disallow: /example/page/disallowed.gif\n");
	assert_int_equal(ok(r, "foobot", "/example/page/"), 1);
	assert_int_equal(ok(r, "foobot", "/example/page/ok.gif"), 1);
	assert_int_equal(ok(r, "foobot", "/example/page/disallowed.gif"), 0);
	robots_free(r);
}

/* ---------------------------------------------------------------------------------------------------- */
/* Google's documented path-matching examples                                                           */

static void test_google_root_and_star(void **state)
{
	(void)state;
	// "/" and "/*" match the root and every lower-level URL
	const char *dirs[] = {"Disallow: /", "Disallow: /*"};
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(single_rule_allows(dirs[i], "/"), 0);
		assert_int_equal(single_rule_allows(dirs[i], "/fish"), 0);
		assert_int_equal(single_rule_allows(dirs[i], "/a/b/c?d=e"), 0);
	}
	/* "/$" matches only the root */
	assert_int_equal(single_rule_allows("Disallow: /$", "/"), 0);
	assert_int_equal(single_rule_allows("Disallow: /$", "https://example.com"), 0);
	assert_int_equal(single_rule_allows("Disallow: /$", "/?a=b"), 1);
	assert_int_equal(single_rule_allows("Disallow: /$", "/page.htm"), 1);
}

static void test_google_fish_prefix(void **state)
{
	(void)state;
	const char *dirs[] = {"Disallow: /fish", "Disallow: /fish*"};
	for (size_t i = 0; i < 2; i++) {
		const char *d = dirs[i];
		assert_int_equal(single_rule_allows(d, "/fish"), 0);
		assert_int_equal(single_rule_allows(d, "/fish.html"), 0);
		assert_int_equal(single_rule_allows(d, "/fish/salmon.html"), 0);
		assert_int_equal(single_rule_allows(d, "/fishheads"), 0);
		assert_int_equal(single_rule_allows(d, "/fishheads/yummy.html"), 0);
		assert_int_equal(single_rule_allows(d, "/fish.php?id=anything"), 0);
		assert_int_equal(single_rule_allows(d, "/Fish.asp"), 1);
		assert_int_equal(single_rule_allows(d, "/catfish"), 1);
		assert_int_equal(single_rule_allows(d, "/?id=fish"), 1);
		assert_int_equal(single_rule_allows(d, "/desert/fish"), 1);
	}
}

static void test_google_fish_directory(void **state)
{
	(void)state;
	const char *d = "Disallow: /fish/";
	assert_int_equal(single_rule_allows(d, "/fish/"), 0);
	assert_int_equal(single_rule_allows(d, "/fish/?id=anything"), 0);
	assert_int_equal(single_rule_allows(d, "/fish/salmon.htm"), 0);
	assert_int_equal(single_rule_allows(d, "/fish"), 1);
	assert_int_equal(single_rule_allows(d, "/fish.html"), 1);
	assert_int_equal(single_rule_allows(d, "/animals/fish/"), 1);
	assert_int_equal(single_rule_allows(d, "/Fish/Salmon.asp"), 1);
}

static void test_google_php_wildcard(void **state)
{
	(void)state;
	const char *d = "Disallow: /*.php";
	assert_int_equal(single_rule_allows(d, "/index.php"), 0);
	assert_int_equal(single_rule_allows(d, "/filename.php"), 0);
	assert_int_equal(single_rule_allows(d, "/folder/filename.php"), 0);
	assert_int_equal(single_rule_allows(d, "/folder/filename.php?parameters"), 0);
	assert_int_equal(single_rule_allows(d, "/folder/any.php.file.html"), 0);
	assert_int_equal(single_rule_allows(d, "/filename.php/"), 0);
	assert_int_equal(single_rule_allows(d, "/"), 1);
	assert_int_equal(single_rule_allows(d, "/windows.PHP"), 1);
}

static void test_google_php_anchored(void **state)
{
	(void)state;
	const char *d = "Disallow: /*.php$";
	assert_int_equal(single_rule_allows(d, "/filename.php"), 0);
	assert_int_equal(single_rule_allows(d, "/folder/filename.php"), 0);
	assert_int_equal(single_rule_allows(d, "/filename.php?parameters"), 1);
	assert_int_equal(single_rule_allows(d, "/filename.php/"), 1);
	assert_int_equal(single_rule_allows(d, "/filename.php5"), 1);
	assert_int_equal(single_rule_allows(d, "/windows.PHP"), 1);
}

static void test_google_fish_star_php(void **state)
{
	(void)state;
	const char *d = "Disallow: /fish*.php";
	assert_int_equal(single_rule_allows(d, "/fish.php"), 0);
	assert_int_equal(single_rule_allows(d, "/fishheads/catfish.php?parameters"), 0);
	assert_int_equal(single_rule_allows(d, "/Fish.PHP"), 1);
	assert_int_equal(single_rule_allows(d, "/fish.ph"), 1);
}

/* ---------------------------------------------------------------------------------------------------- */
/* Precedence (Google's documented order-of-precedence examples)                                        */

static void test_precedence_longest_match_wins(void **state)
{
	(void)state;
	struct robots *r = parse_str("User-agent: *\nAllow: /p\nDisallow: /\n");
	assert_int_equal(ok(r, BOT, "/page"), 1);
	assert_int_equal(ok(r, BOT, "/other"), 0);
	assert_string_equal(why_of(r, BOT, "/page"), "allow: /p (line 2)");
	robots_free(r);

	/* order in the file does not matter */
	r = parse_str("User-agent: *\nDisallow: /\nAllow: /p\n");
	assert_int_equal(ok(r, BOT, "/page"), 1);
	robots_free(r);

	r = parse_str("User-agent: *\nAllow: /page\nDisallow: /*.htm\n");
	assert_int_equal(ok(r, BOT, "/page.htm"), 0); /* 6 octets beat 5 */
	robots_free(r);
}

static void test_precedence_tie_allow_wins(void **state)
{
	(void)state;
	struct robots *r = parse_str("User-agent: *\nDisallow: /folder\nAllow: /folder\n");
	assert_int_equal(ok(r, BOT, "/folder/page"), 1);
	assert_string_equal(why_of(r, BOT, "/folder/page"), "allow: /folder (line 3)");
	robots_free(r);

	r = parse_str("User-agent: *\nAllow: /page\nDisallow: /*.ph\n");
	assert_int_equal(ok(r, BOT, "/page.php"), 1); /* both 5 octets */
	robots_free(r);
}

static void test_precedence_dollar_root(void **state)
{
	(void)state;
	struct robots *r = parse_str("User-agent: *\nAllow: /$\nDisallow: /\n");
	assert_int_equal(ok(r, BOT, "/"), 1);
	assert_int_equal(ok(r, BOT, "https://example.com"), 1);
	assert_int_equal(ok(r, BOT, "/page.htm"), 0);
	assert_string_equal(why_of(r, BOT, "/"), "allow: /$ (line 2)");
	robots_free(r);

	/* the anchor counts as one octet: "/abc$" (5) beats "/abc" (4) */
	r = parse_str("User-agent: *\nAllow: /abc\nDisallow: /abc$\n");
	assert_int_equal(ok(r, BOT, "/abc"), 0);
	assert_int_equal(ok(r, BOT, "/abcd"), 1);
	robots_free(r);
}

/* ---------------------------------------------------------------------------------------------------- */
/* Groups and user agents                                                                               */

static void test_group_merging(void **state)
{
	(void)state;
	/* Google's example: both googlebot-news groups are merged, '*' is ignored */
	struct robots *r = parse_str("user-agent: googlebot-news\n"
	                             "disallow: /fish\n"
	                             "\n"
	                             "user-agent: *\n"
	                             "disallow: /carrots\n"
	                             "\n"
	                             "user-agent: googlebot-news\n"
	                             "disallow: /shrimp\n");
	assert_int_equal(ok(r, "googlebot-news", "/fish"), 0);
	assert_int_equal(ok(r, "googlebot-news", "/shrimp"), 0);
	assert_int_equal(ok(r, "googlebot-news", "/carrots"), 1);
	assert_int_equal(ok(r, "Googlebot-News", "/shrimp/x"), 0);
	assert_int_equal(ok(r, BOT, "/carrots"), 0);
	assert_int_equal(ok(r, BOT, "/fish"), 1);
	robots_free(r);

	/* longest match across merged groups, with a rule in a later group winning */
	r = parse_str("User-agent: TwenteJobsBot\nDisallow: /jobs\n\n"
	              "User-agent: other\nDisallow: /\n\n"
	              "User-agent: twentejobsbot\nAllow: /jobs/open\n");
	assert_int_equal(ok(r, BOT, "/jobs/closed"), 0);
	assert_int_equal(ok(r, BOT, "/jobs/open/1"), 1);
	assert_string_equal(why_of(r, BOT, "/jobs/open/1"), "allow: /jobs/open (line 8)");
	robots_free(r);
}

static void test_star_groups_merged(void **state)
{
	(void)state;
	struct robots *r = parse_str("User-agent: *\nDisallow: /a\n\nUser-agent: x\nDisallow: /\n\n"
	                             "User-agent: *\nDisallow: /b\n");
	assert_int_equal(ok(r, BOT, "/a"), 0);
	assert_int_equal(ok(r, BOT, "/b"), 0);
	assert_int_equal(ok(r, BOT, "/c"), 1);
	robots_free(r);
}

static void test_agent_case_insensitive(void **state)
{
	(void)state;
	struct robots *r = parse_str("User-agent: twentejobsbot\nDisallow: /private\n");
	assert_int_equal(ok(r, "TwenteJobsBot", "/private"), 0);
	assert_int_equal(ok(r, "TWENTEJOBSBOT", "/private"), 0);
	assert_int_equal(ok(r, "twentejobsbot", "/private"), 0);
	assert_int_equal(ok(r, "TwenteJobsBot", "/public"), 1);
	robots_free(r);

	r = parse_str("USER-AGENT: TWENTEJOBSBOT\nDISALLOW: /x\n");
	assert_int_equal(ok(r, BOT, "/x"), 0);
	robots_free(r);
}

static void test_agent_exact_token(void **state)
{
	(void)state;
	struct robots *r = parse_str("User-agent: TwenteJobs\nDisallow: /a\n\n"
	                             "User-agent: TwenteJobsBotExtra\nDisallow: /b\n\n"
	                             "User-agent: TwenteJobsBot-News\nDisallow: /c\n\n"
	                             "User-agent: *\nDisallow: /star\n");
	/* none of those groups is ours -> '*' group */
	assert_int_equal(ok(r, BOT, "/a"), 1);
	assert_int_equal(ok(r, BOT, "/b"), 1);
	assert_int_equal(ok(r, BOT, "/c"), 1);
	assert_int_equal(ok(r, BOT, "/star"), 0);
	assert_int_equal(ok(r, "TwenteJobs", "/a"), 0);
	assert_int_equal(ok(r, "TwenteJobs", "/star"), 1);
	robots_free(r);
}

static void test_agent_token_extraction(void **state)
{
	(void)state;
	/* product token = leading [A-Za-z_-] characters of the user-agent value */
	struct robots *r =
	        parse_str("User-agent: TwenteJobsBot/1.0 (+https://twentejobs.nl/bot)\nDisallow: /a\n\n"
	                  "User-agent: Other_Bot-2\nDisallow: /b\n");
	assert_int_equal(ok(r, BOT, "/a"), 0);
	assert_int_equal(ok(r, "TwenteJobsBot/2.3 (compatible)", "/a"), 0); /* caller's version ignored */
	assert_int_equal(ok(r, "Other_Bot-", "/b"), 0);
	assert_int_equal(ok(r, "Other_Bot-2", "/b"), 0);
	assert_int_equal(ok(r, "Other_Bot", "/b"), 1);
	robots_free(r);
}

static void test_star_fallback_and_override(void **state)
{
	(void)state;
	struct robots *r = parse_str("User-agent: *\nDisallow: /private\n\n"
	                             "User-agent: TwenteJobsBot\nDisallow: /tmp\n");
	/* a matching group replaces the '*' group entirely */
	assert_int_equal(ok(r, BOT, "/private"), 1);
	assert_int_equal(ok(r, BOT, "/tmp"), 0);
	/* others use '*' */
	assert_int_equal(ok(r, "OtherBot", "/private"), 0);
	assert_int_equal(ok(r, "OtherBot", "/tmp"), 1);
	/* NULL or empty agent: '*' only */
	assert_int_equal(ok(r, NULL, "/private"), 0);
	assert_int_equal(ok(r, "", "/private"), 0);
	assert_int_equal(ok(r, "*", "/private"), 0);
	robots_free(r);
}

static void test_no_star_group_allows(void **state)
{
	(void)state;
	struct robots *r = parse_str("User-agent: googlebot\nDisallow: /\n");
	assert_int_equal(ok(r, BOT, "/"), 1);
	assert_int_equal(ok(r, BOT, "/anything"), 1);
	assert_string_equal(why_of(r, BOT, "/anything"), "default allow (no matching group)");
	assert_int_equal(ok(r, "Googlebot", "/anything"), 0);
	robots_free(r);
}

static void test_star_value_forms(void **state)
{
	(void)state;
	/* "*" followed by blanks / comment is the catch-all; "*bot" is not */
	struct robots *r = parse_str("User-agent: *   # everyone\nDisallow: /a\n");
	assert_int_equal(ok(r, BOT, "/a"), 0);
	robots_free(r);
	r = parse_str("User-agent: *bot\nDisallow: /a\n");
	assert_int_equal(ok(r, BOT, "/a"), 1);
	assert_int_equal(ok(r, "bot", "/a"), 1);
	robots_free(r);
	/* a value without a product token matches nobody but still forms a group */
	r = parse_str("User-agent: 123bot\nDisallow: /a\n\nUser-agent: *\nDisallow: /b\n");
	assert_int_equal(ok(r, BOT, "/a"), 1);
	assert_int_equal(ok(r, BOT, "/b"), 0);
	robots_free(r);
}

static void test_consecutive_user_agents_one_group(void **state)
{
	(void)state;
	struct robots *r =
	        parse_str("User-agent: a\nUser-agent: TwenteJobsBot\nUser-agent: b\nDisallow: /x\n\n"
	                  "User-agent: c\nDisallow: /y\n");
	assert_int_equal(ok(r, "a", "/x"), 0);
	assert_int_equal(ok(r, BOT, "/x"), 0);
	assert_int_equal(ok(r, "b", "/x"), 0);
	assert_int_equal(ok(r, BOT, "/y"), 1);
	assert_int_equal(ok(r, "c", "/y"), 0);
	assert_int_equal(ok(r, "c", "/x"), 1);
	robots_free(r);
}

static void test_user_agent_after_rules_starts_new_group(void **state)
{
	(void)state;
	/* no blank line needed: a user-agent line after a rule ends the group */
	struct robots *r = parse_str("User-agent: a\nDisallow: /x\nUser-agent: b\nDisallow: /y\n");
	assert_int_equal(ok(r, "a", "/x"), 0);
	assert_int_equal(ok(r, "a", "/y"), 1);
	assert_int_equal(ok(r, "b", "/x"), 1);
	assert_int_equal(ok(r, "b", "/y"), 0);
	robots_free(r);

	/* a blank line does not end a group either */
	r = parse_str("User-agent: a\n\nDisallow: /x\n");
	assert_int_equal(ok(r, "a", "/x"), 0);
	robots_free(r);
}

static void test_rules_before_user_agent_ignored(void **state)
{
	(void)state;
	struct robots *r =
	        parse_str("Disallow: /\nAllow: /x\nCrawl-delay: 5\n\nUser-agent: *\nDisallow: /private\n");
	assert_int_equal(ok(r, BOT, "/"), 1);
	assert_int_equal(ok(r, BOT, "/public"), 1);
	assert_int_equal(ok(r, BOT, "/private"), 0);
	assert_int_equal(robots_rule_count(r), 1);
	assert_true(robots_crawl_delay(r, BOT) < 0);
	robots_free(r);
}

static void test_unknown_keys_do_not_end_group(void **state)
{
	(void)state;
	struct robots *r =
	        parse_str("User-agent: a\nNoindex: /foo\nUser-agent: b\nHost: example.com\nDisallow: /x\n"
	                  "Clean-param: ref /articles/\nDisallow: /y\n");
	assert_int_equal(ok(r, "a", "/x"), 0);
	assert_int_equal(ok(r, "b", "/x"), 0);
	assert_int_equal(ok(r, "a", "/y"), 0);
	assert_int_equal(ok(r, "a", "/foo"), 1);
	assert_int_equal(robots_rule_count(r), 2);
	robots_free(r);
}

static void test_sitemap_does_not_split_group(void **state)
{
	(void)state;
	/* Google's example: a and b form one group, the sitemap line is not a group member */
	struct robots *r = parse_str("user-agent: a\nsitemap: https://example.com/sitemap.xml\n\n"
	                             "user-agent: b\ndisallow: /\n");
	assert_int_equal(ok(r, "a", "/page"), 0);
	assert_int_equal(ok(r, "b", "/page"), 0);
	assert_int_equal(robots_sitemap_count(r), 1);
	robots_free(r);
}

static void test_empty_disallow_is_no_rule(void **state)
{
	(void)state;
	struct robots *r = parse_str("User-agent: TwenteJobsBot\nDisallow:\n\nUser-agent: *\nDisallow: /\n");
	assert_int_equal(robots_rule_count(r), 1);
	/* our (empty) group exists, so '*' does not apply */
	assert_int_equal(ok(r, BOT, "/anything"), 1);
	assert_string_equal(why_of(r, BOT, "/anything"), "default allow (no matching rule)");
	assert_int_equal(ok(r, "other", "/anything"), 0);
	robots_free(r);

	/* an empty Disallow still ends the user-agent run */
	r = parse_str("User-agent: a\nDisallow:\nUser-agent: b\nDisallow: /\n");
	assert_int_equal(ok(r, "a", "/x"), 1);
	assert_int_equal(ok(r, "b", "/x"), 0);
	robots_free(r);

	/* empty Allow is no rule either */
	r = parse_str("User-agent: *\nAllow:   \nDisallow: /x\n");
	assert_int_equal(robots_rule_count(r), 1);
	assert_int_equal(ok(r, BOT, "/x"), 0);
	robots_free(r);
}

/* ---------------------------------------------------------------------------------------------------- */
/* Line syntax                                                                                          */

static void test_keys_case_and_whitespace(void **state)
{
	(void)state;
	struct robots *r = parse_str("  uSeR-aGeNt   :   TwenteJobsBot   \n"
	                             "\tDISALLOW\t:\t/a\t\n"
	                             "disallow:/b\n"
	                             "Disallow :/c\n"
	                             "ALLOW: /a/ok\n");
	assert_int_equal(robots_rule_count(r), 4);
	assert_int_equal(ok(r, BOT, "/a"), 0);
	assert_int_equal(ok(r, BOT, "/b"), 0);
	assert_int_equal(ok(r, BOT, "/c"), 0);
	assert_int_equal(ok(r, BOT, "/a/ok"), 1);
	assert_int_equal(ok(r, BOT, "/d"), 1);
	robots_free(r);
}

static void test_comments(void **state)
{
	(void)state;
	struct robots *r = parse_str("# robots.txt for example.com\n"
	                             "User-agent: * # all bots\n"
	                             "#Disallow: /commented\n"
	                             "Disallow: /private # keep out\n"
	                             "Disallow: /q#fragment-like\n"
	                             "   # indented comment\n");
	assert_int_equal(robots_rule_count(r), 2);
	assert_int_equal(ok(r, BOT, "/commented"), 1);
	assert_int_equal(ok(r, BOT, "/private"), 0);
	assert_string_equal(why_of(r, BOT, "/private/x"), "disallow: /private (line 4)");
	assert_int_equal(ok(r, BOT, "/q"), 0);
	assert_int_equal(ok(r, BOT, "/qq"), 0);
	robots_free(r);
}

static void test_misspellings_documented(void **state)
{
	(void)state;
	/* accepted (as documented in robots.c) */
	struct robots *r = parse_str("useragent: a\nDisalow: /x\n\nUser agent: b\nDissallow: /y\n\n"
	                             "user-agent: c\ndissalow: /z1\ndiasllow: /z2\ndisallaw: /z3\n");
	assert_int_equal(ok(r, "a", "/x"), 0);
	assert_int_equal(ok(r, "b", "/y"), 0);
	assert_int_equal(ok(r, "c", "/z1"), 0);
	assert_int_equal(ok(r, "c", "/z2"), 0);
	assert_int_equal(ok(r, "c", "/z3"), 0);
	robots_free(r);

	/* not accepted */
	r = parse_str("User-agent: *\nDis-allow: /x\nDisallows: /y\nuser_agent: b\nDisallow: /z\n");
	assert_int_equal(robots_rule_count(r), 1);
	assert_int_equal(ok(r, BOT, "/x"), 1);
	assert_int_equal(ok(r, BOT, "/y"), 1);
	assert_int_equal(ok(r, BOT, "/z"), 0); /* user_agent ignored: still in the '*' group */
	robots_free(r);
}

static void test_lines_without_colon_ignored(void **state)
{
	(void)state;
	struct robots *r =
	        parse_str("User-agent: *\nDisallow /x\nDisallow\nrandom garbage line\nDisallow: /y\n");
	assert_int_equal(robots_rule_count(r), 1);
	assert_int_equal(ok(r, BOT, "/x"), 1);
	assert_int_equal(ok(r, BOT, "/y"), 0);
	robots_free(r);
}

static void test_pattern_without_leading_slash(void **state)
{
	(void)state;
	/* documented choice: a '/' is prepended unless the value starts with '/' or '*' */
	struct robots *r = parse_str("User-agent: *\nDisallow: private\nDisallow: *.pdf$\n");
	assert_int_equal(ok(r, BOT, "/private"), 0);
	assert_int_equal(ok(r, BOT, "/private/x"), 0);
	assert_int_equal(ok(r, BOT, "/a/private"), 1);
	assert_string_equal(why_of(r, BOT, "/private"), "disallow: /private (line 2)");
	assert_int_equal(ok(r, BOT, "/docs/cv.pdf"), 0);
	assert_string_equal(why_of(r, BOT, "/cv.pdf"), "disallow: *.pdf$ (line 3)");
	robots_free(r);
}

static void test_dollar_only_at_end(void **state)
{
	(void)state;
	/* '$' in the middle is a literal dollar */
	assert_int_equal(single_rule_allows("Disallow: /a$b", "/a$b"), 0);
	assert_int_equal(single_rule_allows("Disallow: /a$b", "/a$bc"), 0);
	assert_int_equal(single_rule_allows("Disallow: /a$b", "/a"), 1);
	assert_int_equal(single_rule_allows("Disallow: /a$b", "/ab"), 1);
	/* trailing '$' anchors */
	assert_int_equal(single_rule_allows("Disallow: /a$", "/a"), 0);
	assert_int_equal(single_rule_allows("Disallow: /a$", "/ab"), 1);
	/* "$$": the first one is literal */
	assert_int_equal(single_rule_allows("Disallow: /a$$", "/a$"), 0);
	assert_int_equal(single_rule_allows("Disallow: /a$$", "/a"), 1);
	/* wildcard before anchor */
	assert_int_equal(single_rule_allows("Disallow: /a*$", "/abc"), 0);
	assert_int_equal(single_rule_allows("Disallow: /*b$", "/ab/b"), 0);
	assert_int_equal(single_rule_allows("Disallow: /*b$", "/ab/bc"), 1);
}

static void test_multiple_stars_collapse(void **state)
{
	(void)state;
	/* "/a***b" is "/a*b": 4 octets, so the 5-octet allow wins */
	struct robots *r = parse_str("User-agent: *\nDisallow: /a***b\nAllow: /a*bc\n");
	assert_string_equal(why_of(r, BOT, "/axxb"), "disallow: /a*b (line 2)");
	assert_int_equal(ok(r, BOT, "/axxb"), 0);
	assert_int_equal(ok(r, BOT, "/axbc"), 1);
	robots_free(r);
	assert_int_equal(single_rule_allows("Disallow: /**", "/x"), 0);
	assert_int_equal(single_rule_allows("Disallow: ***.gif$", "/x/y.gif"), 0);
}

static void test_query_matching(void **state)
{
	(void)state;
	struct robots *r =
	        parse_str("User-agent: *\nDisallow: /*?sessionid=\nDisallow: /search?\nAllow: /search?q=\n");
	assert_int_equal(ok(r, BOT, "/jobs?sessionid=123"), 0);
	assert_int_equal(ok(r, BOT, "/jobs?page=2&sessionid=123"), 1); /* "?sessionid=" needs the '?' */
	assert_int_equal(ok(r, BOT, "/jobs"), 1);
	assert_int_equal(ok(r, BOT, "/search?x=1"), 0);
	assert_int_equal(ok(r, BOT, "/search?q=developer"), 1);
	assert_int_equal(ok(r, BOT, "/search"), 1);
	robots_free(r);
}

/* ---------------------------------------------------------------------------------------------------- */
/* URLs                                                                                                 */

static void test_absolute_urls(void **state)
{
	(void)state;
	struct robots *r =
	        parse_str("User-agent: *\nDisallow: /private\nDisallow: /*?print=1\nDisallow: /$\n");
	assert_int_equal(ok(r, BOT, "https://example.com/private/x"), 0);
	assert_int_equal(ok(r, BOT, "http://user:pw@example.com:8080/private"), 0);
	assert_int_equal(ok(r, BOT, "HTTPS://EXAMPLE.COM/public"), 1);
	assert_int_equal(ok(r, BOT, "https://example.com"), 0);         /* empty path = "/" */
	assert_int_equal(ok(r, BOT, "https://example.com?print=1"), 0); /* -> "/?print=1" */
	assert_int_equal(ok(r, BOT, "https://example.com/a?print=1"), 0);
	assert_int_equal(ok(r, BOT, "https://example.com/a#?print=1"), 1); /* fragment dropped */
	assert_int_equal(ok(r, BOT, "https://example.com/private#x"), 0);
	assert_int_equal(ok(r, BOT, "https://example.com/public#/private"), 1);
	/* the host is not part of the match */
	assert_int_equal(ok(r, BOT, "https://private.example.com/ok"), 1);
	/* relative paths without '/' get one */
	assert_int_equal(ok(r, BOT, "private/x"), 0);
	robots_free(r);
}

/* ---------------------------------------------------------------------------------------------------- */
/* Percent-encoding equivalence (RFC 9309 2.2.2 / 2.2.3)                                                 */

static void test_percent_unreserved_decoded(void **state)
{
	(void)state;
	/* pattern encoded, URL plain and vice versa */
	assert_int_equal(single_rule_allows("Disallow: /foo/%62ar", "/foo/bar"), 0);
	assert_int_equal(single_rule_allows("Disallow: /foo/bar", "/foo/%62ar"), 0);
	assert_int_equal(single_rule_allows("Disallow: /foo/bar", "/foo/%62%61%7A"), 1); /* = /foo/baz */
	assert_int_equal(single_rule_allows("Disallow: /foo/baz$", "/foo/%62%61%7a"), 0);
	assert_int_equal(single_rule_allows("Disallow: /%7Ejoe", "/~joe/cv.html"), 0);
	assert_int_equal(single_rule_allows("Disallow: /~joe", "/%7ejoe/cv.html"), 0);
	assert_int_equal(single_rule_allows("Disallow: /~joe", "https://example.com/%7Ejoe"), 0);
	/* decoded form is what the description shows */
	struct robots *r = parse_str("User-agent: *\nDisallow: /%7Ejoe/%41\n");
	assert_string_equal(why_of(r, BOT, "/~joe/A"), "disallow: /~joe/A (line 2)");
	robots_free(r);
}

static void test_percent_utf8_equivalence(void **state)
{
	(void)state;
	/* RFC 9309 2.2.2: "/foo/bar/ツ" == "/foo/bar/%E3%83%84" */
	assert_int_equal(single_rule_allows("Disallow: /foo/bar/\xE3\x83\x84", "/foo/bar/%E3%83%84"), 0);
	assert_int_equal(single_rule_allows("Disallow: /foo/bar/%E3%83%84", "/foo/bar/\xE3\x83\x84"), 0);
	assert_int_equal(single_rule_allows("Disallow: /foo/bar/%e3%83%84", "/foo/bar/%E3%83%84"), 0);
	assert_int_equal(
	        single_rule_allows("Disallow: /vacatures/m\xC3\xBCnster", "/vacatures/m%c3%bcnster/1"), 0);
	assert_int_equal(single_rule_allows("Disallow: /foo/bar/%E3%83%84", "/foo/bar/%E3%83%85"), 1);
	struct robots *r = parse_str("User-agent: *\nDisallow: /caf\xC3\xA9\n");
	assert_string_equal(why_of(r, BOT, "/caf%C3%A9"), "disallow: /caf%C3%A9 (line 2)");
	robots_free(r);
}

static void test_percent_reserved_not_decoded(void **state)
{
	(void)state;
	/* %2F is not "/" */
	assert_int_equal(single_rule_allows("Disallow: /a/b", "/a%2Fb"), 1);
	assert_int_equal(single_rule_allows("Disallow: /a%2fb", "/a%2Fb"), 0);
	assert_int_equal(single_rule_allows("Disallow: /a%2Fb", "/a/b"), 1);
	/* a stray '%' equals %25 */
	assert_int_equal(single_rule_allows("Disallow: /100%25", "/100%"), 0);
	assert_int_equal(single_rule_allows("Disallow: /100%", "/100%25off"), 0);
	/* space and other unsafe characters are encoded on both sides */
	assert_int_equal(single_rule_allows("Disallow: /a b", "/a%20b"), 0);
	assert_int_equal(single_rule_allows("Disallow: /a%7Cb", "/a|b"), 0);
}

static void test_percent_literal_star_and_dollar(void **state)
{
	(void)state;
	/* RFC 9309 2.2.3: %2A and %24 match a literal '*' and '$' */
	assert_int_equal(
	        single_rule_allows("Disallow: /path/file-with-a-%2A.html", "/path/file-with-a-*.html"), 0);
	assert_int_equal(
	        single_rule_allows("Disallow: /path/file-with-a-%2A.html", "/path/file-with-a-x.html"), 1);
	assert_int_equal(single_rule_allows("Disallow: /path/foo-%24", "/path/foo-$"), 0);
	assert_int_equal(single_rule_allows("Disallow: /path/foo-%24", "/path/foo-"), 1);
	/* the wildcard still matches a literal '*' */
	assert_int_equal(single_rule_allows("Disallow: /a*b", "/a*b"), 0);
}

/* ---------------------------------------------------------------------------------------------------- */
/* Crawl-delay and sitemaps                                                                             */

static void test_crawl_delay_per_agent(void **state)
{
	(void)state;
	struct robots *r = parse_str("User-agent: *\nCrawl-delay: 10\n\n"
	                             "User-agent: TwenteJobsBot\nCrawl-delay: 2.5\nDisallow: /x\n\n"
	                             "User-agent: slowbot\nDisallow: /y\n");
	assert_true(robots_crawl_delay(r, BOT) == 2.5);
	assert_true(robots_crawl_delay(r, "twentejobsbot") == 2.5);
	assert_true(robots_crawl_delay(r, "otherbot") == 10.0);
	assert_true(robots_crawl_delay(r, NULL) == 10.0);
	/* slowbot has a group without crawl-delay: no fallback to '*' */
	assert_true(robots_crawl_delay(r, "slowbot") == -1.0);
	robots_free(r);

	r = parse_str("User-agent: a\nDisallow: /\n");
	assert_true(robots_crawl_delay(r, "a") == -1.0);
	assert_true(robots_crawl_delay(r, "b") == -1.0);
	robots_free(r);
}

static void test_crawl_delay_values(void **state)
{
	(void)state;
	struct {
		const char *value;
		double expect;
	} cases[] = {
	        {"5", 5.0},    {"0", 0.0},     {"0.5", 0.5},  {".25", 0.25},   {"10.", 10.0}, {"  7  ", 7.0},
	        {"-1", -1.0},  {"abc", -1.0},  {"", -1.0},    {"5s", -1.0},    {"1,5", -1.0}, {"inf", -1.0},
	        {"nan", -1.0}, {"0x10", -1.0}, {"1e3", -1.0}, {"1.2.3", -1.0}, {".", -1.0},   {"+3", -1.0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char buf[128];
		snprintf(buf, sizeof buf, "User-agent: *\nCrawl-delay: %s\n", cases[i].value);
		struct robots *r = parse_str(buf);
		double d = robots_crawl_delay(r, BOT);
		if (d != cases[i].expect)
			fail_msg("crawl-delay '%s': got %g, want %g", cases[i].value, d, cases[i].expect);
		robots_free(r);
	}
}

static void test_crawl_delay_first_valid_wins_and_merging(void **state)
{
	(void)state;
	struct robots *r = parse_str("User-agent: a\nCrawl-delay: bogus\nCrawl-delay: 3\nCrawl-delay: 4\n\n"
	                             "User-agent: b\nDisallow: /\n\nUser-agent: b\nCRAWL-DELAY: 6\n"
	                             "User-agent: c\nCrawldelay: 1.5\n");
	assert_true(robots_crawl_delay(r, "a") == 3.0);
	assert_true(robots_crawl_delay(r, "b") == 6.0); /* from the second, merged b group */
	assert_true(robots_crawl_delay(r, "c") == 1.5);
	/* crawl-delay is a group member line: it ends the user-agent run */
	robots_free(r);
	r = parse_str("User-agent: a\nCrawl-delay: 1\nUser-agent: b\nDisallow: /\n");
	assert_int_equal(ok(r, "a", "/x"), 1);
	assert_true(robots_crawl_delay(r, "b") == -1.0);
	robots_free(r);
}

static void test_sitemaps(void **state)
{
	(void)state;
	struct robots *r = parse_str("Sitemap: https://example.com/sitemap1.xml\n"
	                             "User-agent: *\n"
	                             "SITEMAP:https://example.com/sitemap2.xml   # comment\n"
	                             "Disallow: /x\n"
	                             "sitemap:\n"
	                             "Site-map: https://example.com/s3.xml\n"
	                             "User-agent: other\n"
	                             "Sitemap: https://example.com/caf\xC3\xA9 map.xml\n");
	assert_int_equal(robots_sitemap_count(r), 4);
	assert_string_equal(robots_sitemap(r, 0), "https://example.com/sitemap1.xml");
	assert_string_equal(robots_sitemap(r, 1), "https://example.com/sitemap2.xml");
	assert_string_equal(robots_sitemap(r, 2), "https://example.com/s3.xml");
	assert_string_equal(robots_sitemap(r, 3), "https://example.com/caf%C3%A9%20map.xml");
	assert_null(robots_sitemap(r, 4));
	assert_null(robots_sitemap(r, (size_t)-1));
	/* sitemap lines did not disturb the '*' group */
	assert_int_equal(ok(r, BOT, "/x"), 0);
	robots_free(r);
}

/* ---------------------------------------------------------------------------------------------------- */
/* Input robustness                                                                                     */

static void test_crlf_line_endings(void **state)
{
	(void)state;
	struct robots *r = parse_str("User-agent: *\r\nDisallow: /a\r\n\r\nUser-agent: b\r\nDisallow: /b\r\n"
	                             "Sitemap: https://e.com/s.xml\r\n");
	assert_int_equal(ok(r, BOT, "/a"), 0);
	assert_int_equal(ok(r, "b", "/b"), 0);
	assert_int_equal(ok(r, "b", "/a"), 1);
	assert_string_equal(robots_sitemap(r, 0), "https://e.com/s.xml");
	assert_string_equal(why_of(r, "b", "/b"), "disallow: /b (line 5)");
	robots_free(r);
}

static void test_cr_only_line_endings(void **state)
{
	(void)state;
	struct robots *r =
	        parse_str("User-agent: *\rDisallow: /a\r\rUser-agent: b\rDisallow: /b\rCrawl-delay: 4\r");
	assert_int_equal(ok(r, BOT, "/a"), 0);
	assert_int_equal(ok(r, "b", "/b"), 0);
	assert_int_equal(ok(r, "b", "/a"), 1);
	assert_true(robots_crawl_delay(r, "b") == 4.0);
	assert_string_equal(why_of(r, "b", "/b"), "disallow: /b (line 5)");
	robots_free(r);

	/* mixed endings; "\n\r" is two line breaks */
	r = parse_str("User-agent: *\n\rDisallow: /a\r\nDisallow: /b\rDisallow: /c");
	assert_int_equal(ok(r, BOT, "/a"), 0);
	assert_int_equal(ok(r, BOT, "/b"), 0);
	assert_int_equal(ok(r, BOT, "/c"), 0); /* last line without terminator */
	assert_string_equal(why_of(r, BOT, "/c"), "disallow: /c (line 5)");
	robots_free(r);
}

static void test_utf8_bom(void **state)
{
	(void)state;
	struct robots *r = parse_str("\xEF\xBB\xBFUser-agent: *\nDisallow: /private\n");
	assert_int_equal(ok(r, BOT, "/private"), 0);
	robots_free(r);
	/* only one BOM at the very start is skipped */
	r = parse_str("\xEF\xBB\xBF\xEF\xBB\xBFUser-agent: *\nDisallow: /private\n");
	assert_int_equal(ok(r, BOT, "/private"), 1);
	robots_free(r);
}

static void test_nul_bytes_and_invalid_utf8(void **state)
{
	(void)state;
	static const char body[] = "User-agent: *\n"
	                           "Disallow: /a\0b\n"
	                           "\0\0\0garbage\xff\xfe\n"
	                           "Disallow: /x\xff\n"
	                           "Disallow: /after-nul\n";
	struct robots *r = robots_parse(body, sizeof body - 1);
	assert_non_null(r);
	assert_int_equal(robots_rule_count(r), 3);
	assert_int_equal(ok(r, BOT, "/after-nul"), 0); /* the NULs did not end the file */
	assert_int_equal(ok(r, BOT, "/a"), 1);         /* "/a%00b" is not a prefix of "/a" */
	assert_int_equal(ok(r, BOT, "/a%00b"), 0);
	assert_int_equal(ok(r, BOT, "/x%FF"), 0);
	assert_int_equal(ok(r, BOT, "/x\xff"), 0);
	assert_string_equal(why_of(r, BOT, "/a%00b"), "disallow: /a%00b (line 2)");
	robots_free(r);
}

/* Build "User-agent: *\nDisallow: /before\n" + one comment line so that the next line starts at `at`. */
static char *padded_body(size_t total, size_t at)
{
	char *b = malloc(total);
	assert_non_null(b);
	static const char head[] = "User-agent: *\nDisallow: /before\n";
	size_t h = sizeof head - 1;
	memcpy(b, head, h);
	b[h] = '#';
	memset(b + h + 1, 'x', at - h - 2);
	b[at - 1] = '\n';
	memset(b + at, '#', total - at);
	return b;
}

static void test_500kib_cap(void **state)
{
	(void)state;
	const size_t max = ROBOTS_MAX_BYTES;
	assert_int_equal(max, 512000);
	size_t total = max + 100;

	/* a rule entirely beyond the cap is ignored */
	char *b = padded_body(total, max);
	memcpy(b + max, "Disallow: /after\n", 17);
	struct robots *r = robots_parse(b, total);
	assert_non_null(r);
	assert_int_equal(ok(r, BOT, "/before"), 0);
	assert_int_equal(ok(r, BOT, "/after"), 1);
	robots_free(r);
	free(b);

	/* a rule whose line ends exactly at the cap is honoured */
	static const char edge[] = "Disallow: /edge";
	b = padded_body(total, max - (sizeof edge - 1));
	memcpy(b + max - (sizeof edge - 1), edge, sizeof edge - 1);
	b[max] = '\n';
	r = robots_parse(b, total);
	assert_non_null(r);
	assert_int_equal(ok(r, BOT, "/edge"), 0);
	assert_int_equal(ok(r, BOT, "/other"), 1);
	robots_free(r);
	free(b);

	/* a line cut by the cap is dropped: "Disallow: /" must not become a disallow-all */
	static const char cut[] = "Disallow: /only-this-path\n";
	b = padded_body(total, max - 11);
	memcpy(b + max - 11, cut, sizeof cut - 1);
	r = robots_parse(b, total);
	assert_non_null(r);
	assert_int_equal(ok(r, BOT, "/other"), 1);
	assert_int_equal(ok(r, BOT, "/only-this-path"), 1);
	assert_int_equal(ok(r, BOT, "/before"), 0);
	assert_int_equal(robots_rule_count(r), 1);
	robots_free(r);
	/* a body of exactly ROBOTS_MAX_BYTES is not cut: its unterminated last line counts */
	r = robots_parse(b, max);
	assert_non_null(r);
	assert_int_equal(ok(r, BOT, "/other"), 0);
	assert_string_equal(why_of(r, BOT, "/other"), "disallow: / (line 4)");
	robots_free(r);
	free(b);
}

static void test_long_line_truncated(void **state)
{
	(void)state;
	/* a 20000-octet Disallow line is cut to ROBOTS_MAX_LINE_BYTES */
	size_t n = 20000;
	char *body = malloc(n + 32);
	assert_non_null(body);
	int h = snprintf(body, n + 32, "User-agent: *\nDisallow: /");
	memset(body + h, 'a', n);
	body[h + n] = '\n';
	struct robots *r = robots_parse(body, (size_t)h + n + 1);
	assert_non_null(r);
	size_t kept = ROBOTS_MAX_LINE_BYTES - strlen("Disallow: /");
	char *url = malloc(kept + 2);
	assert_non_null(url);
	url[0] = '/';
	memset(url + 1, 'a', kept);
	url[kept + 1] = '\0';
	assert_int_equal(ok(r, BOT, url), 0); /* the truncated pattern matches */
	url[kept] = '\0';
	assert_int_equal(ok(r, BOT, url), 1); /* one 'a' short: no match */
	robots_free(r);
	free(url);
	free(body);
}

static void test_rule_cap(void **state)
{
	(void)state;
	size_t cap = ROBOTS_MAX_RULES + 10;
	size_t size = 32 + cap * 24;
	char *body = malloc(size);
	assert_non_null(body);
	size_t o = (size_t)snprintf(body, size, "User-agent: *\n");
	for (size_t i = 0; i < cap; i++)
		o += (size_t)snprintf(body + o, size - o, "Disallow: /r%zu$\n", i);
	struct robots *r = robots_parse(body, o);
	assert_non_null(r);
	assert_int_equal(robots_rule_count(r), ROBOTS_MAX_RULES);
	assert_int_equal(ok(r, BOT, "/r0"), 0);
	assert_int_equal(ok(r, BOT, "/r9999"), 0);
	assert_int_equal(ok(r, BOT, "/r10000"), 1); /* the 10001st rule is ignored */
	robots_free(r);
	free(body);
}

/* ---------------------------------------------------------------------------------------------------- */
/* Matching complexity and correctness                                                                  */

static void test_pathological_pattern_fast(void **state)
{
	(void)state;
	struct robots *r =
	        parse_str("User-agent: *\nDisallow: /*a*a*a*a*a*a*a*b\nDisallow: /*a*a*a*a*a*a*a*a$\n"
	                  "Allow: /*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*c$\n");
	size_t n = 200000;
	char *url = malloc(n + 3);
	assert_non_null(url);
	url[0] = '/';
	memset(url + 1, 'a', n);
	url[n + 1] = '\0';
	double t0 = now_seconds();
	/* ends in 'a': the anchored rule matches */
	assert_int_equal(ok(r, BOT, url), 0);
	url[n] = 'c';
	assert_int_equal(ok(r, BOT, url), 1); /* the long allow rule wins */
	url[n] = 'd';
	assert_int_equal(ok(r, BOT, url), 1); /* nothing matches */
	url[n] = 'b';
	assert_int_equal(ok(r, BOT, url), 0);
	double elapsed = now_seconds() - t0;
	if (elapsed > 2.0)
		fail_msg("pathological matching took %.2f s", elapsed);
	robots_free(r);
	free(url);
}

static void test_many_wildcard_rules_fast(void **state)
{
	(void)state;
	size_t rules = ROBOTS_MAX_RULES;
	size_t size = 32 + rules * 32;
	char *body = malloc(size);
	assert_non_null(body);
	size_t o = (size_t)snprintf(body, size, "User-agent: *\n");
	for (size_t i = 0; i < rules; i++)
		o += (size_t)snprintf(body + o, size - o, "Disallow: /*a*a*a*a*a*%zu\n", i);
	struct robots *r = robots_parse(body, o);
	assert_non_null(r);
	size_t n = 4000;
	char *url = malloc(n + 2);
	assert_non_null(url);
	url[0] = '/';
	memset(url + 1, 'a', n);
	url[n + 1] = '\0';
	double t0 = now_seconds();
	assert_int_equal(ok(r, BOT, url), 1);
	double elapsed = now_seconds() - t0;
	if (elapsed > 2.0)
		fail_msg("10k wildcard rules took %.2f s", elapsed);
	robots_free(r);
	free(url);
	free(body);
}

/* Reference matcher: textbook O(n*m) dynamic programme over pattern x text. */
static int ref_match(const char *pat, const char *text)
{
	size_t pl = strlen(pat), tl = strlen(text);
	int anchored = pl > 0 && pat[pl - 1] == '$';
	if (anchored)
		pl--;
	unsigned char prev[64], cur[64]; /* prev[j]: pat[0..i) matches text[0..j) */
	assert_true(tl < sizeof prev);
	memset(prev, 0, sizeof prev);
	prev[0] = 1;
	for (size_t i = 0; i < pl; i++) {
		memset(cur, 0, sizeof cur);
		for (size_t j = 0; j <= tl; j++) {
			if (pat[i] == '*')
				cur[j] = (unsigned char)(prev[j] || (j > 0 && cur[j - 1]));
			else
				cur[j] = (unsigned char)(j > 0 && prev[j - 1] && pat[i] == text[j - 1]);
		}
		memcpy(prev, cur, sizeof prev);
	}
	if (anchored)
		return prev[tl];
	for (size_t j = 0; j <= tl; j++)
		if (prev[j])
			return 1;
	return 0;
}

static void test_wildcard_matches_reference(void **state)
{
	(void)state;
	uint32_t seed = 12345;
#define NEXT() (seed = seed * 1103515245u + 12345u, (seed >> 16) & 0x7fff)
	static const char pchars[] = "ab/*";
	static const char tchars[] = "ab/";
	for (int iter = 0; iter < 20000; iter++) {
		char pat[16], text[24];
		size_t pl = 1 + NEXT() % 8, tl = NEXT() % 14, o = 0;
		pat[o++] = (NEXT() % 4 == 0) ? '*' : '/';
		for (size_t i = 1; i < pl; i++)
			pat[o++] = pchars[NEXT() % 4];
		if (NEXT() % 3 == 0)
			pat[o++] = '$';
		pat[o] = '\0';
		text[0] = '/';
		for (size_t i = 1; i <= tl; i++)
			text[i] = tchars[NEXT() % 3];
		text[tl + 1] = '\0';

		char directive[64];
		snprintf(directive, sizeof directive, "Disallow: %s", pat);
		int expect_allowed = !ref_match(pat, text);
		if (single_rule_allows(directive, text) != expect_allowed)
			fail_msg("pattern '%s' path '%s': expected %s", pat, text,
			         expect_allowed ? "allow" : "disallow");
	}
#undef NEXT
}

/* ---------------------------------------------------------------------------------------------------- */
/* Out-of-memory behaviour                                                                              */

static void test_oom_parse_returns_null_without_leaks(void **state)
{
	(void)state;
	static const char body[] =
	        "Sitemap: https://example.com/a.xml\n"
	        "User-agent: TwenteJobsBot\nUser-agent: other\nDisallow: /a\nAllow: /a/b\n"
	        "Crawl-delay: 3\n\nUser-agent: *\nDisallow: /x*y$\nSitemap: https://e.com/b.xml\n"
	        "User-agent: c\nUser-agent: d\nUser-agent: e\nUser-agent: f\nUser-agent: g\n"
	        "User-agent: h\nUser-agent: i\nUser-agent: j\nUser-agent: k\nDisallow: /k\n";
	long failures = 0;
	long n;
	for (n = 0; n < 1000; n++) {
		robots_debug_fail_alloc_after(n);
		struct robots *r = robots_parse(body, sizeof body - 1);
		robots_debug_fail_alloc_after(-1);
		if (r == NULL) {
			failures++;
			continue;
		}
		/* the first run that gets all its memory gives the full result */
		assert_int_equal(ok(r, BOT, "/a"), 0);
		assert_int_equal(ok(r, BOT, "/a/b"), 1);
		assert_int_equal(ok(r, "k", "/k"), 0);
		assert_int_equal(robots_sitemap_count(r), 2);
		assert_true(robots_crawl_delay(r, BOT) == 3.0);
		robots_free(r);
		break;
	}
	assert_true(n < 1000);
	assert_true(failures >= 10); /* every allocation site was exercised */
	/* special policies report OOM as NULL too */
	robots_debug_fail_alloc_after(0);
	assert_null(robots_allow_all());
	assert_null(robots_disallow_all());
	assert_null(robots_parse("", 0));
	robots_debug_fail_alloc_after(-1);
}

static void test_oom_allowed_long_url(void **state)
{
	(void)state;
	struct robots *r = parse_str("User-agent: *\nAllow: /\n");
	char url[4096];
	url[0] = '/';
	memset(url + 1, 'x', sizeof url - 2);
	url[sizeof url - 1] = '\0';
	const char *why = NULL;
	robots_debug_fail_alloc_after(0);
	int res = robots_allowed(r, BOT, url, &why);
	robots_debug_fail_alloc_after(-1);
	assert_int_equal(res, 0);
	assert_string_equal(why, "error: out of memory");
	/* short URLs need no heap memory */
	robots_debug_fail_alloc_after(0);
	res = robots_allowed(r, BOT, "/short", &why);
	robots_debug_fail_alloc_after(-1);
	assert_int_equal(res, 1);
	assert_int_equal(ok(r, BOT, url), 1);
	robots_free(r);
}

/* ---------------------------------------------------------------------------------------------------- */
/* Threads                                                                                              */

struct thread_arg {
	const struct robots *r;
	int mismatches;
};

static void *thread_main(void *p)
{
	struct thread_arg *a = p;
	char url[2048];
	for (int i = 0; i < 2000; i++) {
		const char *why = NULL;
		/* long URLs take the heap path */
		int n = snprintf(url, sizeof url, "https://example.com/private/%d/%0*d", i,
		                 (i % 2) ? 1500 : 1, 0);
		if (n <= 0 || robots_allowed(a->r, BOT, url, &why) != 0 ||
		    strcmp(why, "disallow: /private/ (line 2)") != 0)
			a->mismatches++;
		if (robots_allowed(a->r, BOT, "/public/x", &why) != 1)
			a->mismatches++;
		if (robots_crawl_delay(a->r, BOT) != 1.0)
			a->mismatches++;
	}
	return NULL;
}

static void test_concurrent_queries(void **state)
{
	(void)state;
	struct robots *r = parse_str("User-agent: *\nDisallow: /private/\nCrawl-delay: 1\n");
	pthread_t th[4];
	struct thread_arg args[4];
	for (int i = 0; i < 4; i++) {
		args[i].r = r;
		args[i].mismatches = 0;
		assert_int_equal(pthread_create(&th[i], NULL, thread_main, &args[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		assert_int_equal(args[i].mismatches, 0);
	}
	robots_free(r);
}

/* ---------------------------------------------------------------------------------------------------- */
/* cmd_robots                                                                                           */

struct cmd_result {
	int rc;
	char out[4096];
	char err[4096];
};

static void slurp(FILE *f, char *buf, size_t size)
{
	rewind(f);
	size_t n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
	fclose(f);
}

static void run_cmd(struct cmd_result *res, int argc, char **argv)
{
	fflush(stdout);
	fflush(stderr);
	FILE *fo = tmpfile(), *fe = tmpfile();
	assert_non_null(fo);
	assert_non_null(fe);
	int saved_out = dup(1), saved_err = dup(2);
	assert_true(saved_out >= 0 && saved_err >= 0);
	assert_true(dup2(fileno(fo), 1) >= 0);
	assert_true(dup2(fileno(fe), 2) >= 0);
	res->rc = cmd_robots(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, 1);
	dup2(saved_err, 2);
	close(saved_out);
	close(saved_err);
	slurp(fo, res->out, sizeof res->out);
	slurp(fe, res->err, sizeof res->err);
}

static void write_temp_robots(char *path, size_t size, const char *content)
{
	snprintf(path, size, "/tmp/test_robots_XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	size_t len = strlen(content);
	assert_int_equal(write(fd, content, len), (ssize_t)len);
	close(fd);
}

static void test_cmd_robots_output(void **state)
{
	(void)state;
	char path[64];
	write_temp_robots(path, sizeof path,
	                  "User-agent: *\nDisallow: /\n\nUser-agent: TwenteJobsBot\nAllow: /jobs\nDisallow: "
	                  "/private/\n");
	struct cmd_result res;

	char a0[] = "robots", a1[] = "--agent", a2[] = "TwenteJobsBot",
	     u1[] = "https://example.com/private/x", u2[] = "/jobs/1", u3[] = "/other";
	char *argv1[] = {a0, a1, a2, path, u1, u2, u3, NULL};
	run_cmd(&res, 7, argv1);
	assert_int_equal(res.rc, 0);
	assert_string_equal(res.out,
	                    "disallow\thttps://example.com/private/x\nallow\t/jobs/1\nallow\t/other\n");
	assert_string_equal(res.err, "");

	char e[] = "--explain", sa[] = "-a", other[] = "OtherBot";
	char *argv2[] = {a0, e, sa, other, path, u2, NULL};
	run_cmd(&res, 6, argv2);
	assert_int_equal(res.rc, 0);
	assert_string_equal(res.out, "disallow\t/jobs/1\tdisallow: / (line 2)\n");

	/* options after the operands are accepted too (GNU permutation), and it can run repeatedly */
	char *argv3[] = {a0, path, u3, e, a1, a2, NULL};
	run_cmd(&res, 6, argv3);
	assert_int_equal(res.rc, 0);
	assert_string_equal(res.out, "allow\t/other\tdefault allow (no matching rule)\n");

	unlink(path);
}

static void test_cmd_robots_usage_and_errors(void **state)
{
	(void)state;
	struct cmd_result res;
	char a0[] = "robots", h[] = "--help", a1[] = "--agent", a2[] = "TwenteJobsBot", u[] = "/x",
	     missing[] = "/nonexistent/dir/robots.txt", bogus[] = "--bogus";

	char *argv_help[] = {a0, h, NULL};
	run_cmd(&res, 2, argv_help);
	assert_int_equal(res.rc, 0);
	assert_non_null(strstr(res.out, "usage: twentejobs robots --agent AGENT"));

	char *argv_noagent[] = {a0, missing, u, NULL};
	run_cmd(&res, 3, argv_noagent);
	assert_int_equal(res.rc, 2);
	assert_non_null(strstr(res.err, "missing --agent"));
	assert_string_equal(res.out, "");

	char *argv_nourl[] = {a0, a1, a2, missing, NULL};
	run_cmd(&res, 4, argv_nourl);
	assert_int_equal(res.rc, 2);
	assert_non_null(strstr(res.err, "missing URL"));

	char *argv_nothing[] = {a0, a1, a2, NULL};
	run_cmd(&res, 3, argv_nothing);
	assert_int_equal(res.rc, 2);

	char *argv_bogus[] = {a0, bogus, a1, a2, missing, u, NULL};
	run_cmd(&res, 6, argv_bogus);
	assert_int_equal(res.rc, 2);
	assert_non_null(strstr(res.err, "unknown option '--bogus'"));

	char *argv_noarg[] = {a0, a1, NULL};
	run_cmd(&res, 2, argv_noarg);
	assert_int_equal(res.rc, 2);
	assert_non_null(strstr(res.err, "requires an argument"));

	char *argv_missing[] = {a0, a1, a2, missing, u, NULL};
	run_cmd(&res, 5, argv_missing);
	assert_int_equal(res.rc, 1);
	assert_string_equal(
	        res.err,
	        "twentejobs robots: cannot read '/nonexistent/dir/robots.txt': No such file or directory\n");
	assert_string_equal(res.out, "");

	char dir[] = "/tmp";
	char *argv_dir[] = {a0, a1, a2, dir, u, NULL};
	run_cmd(&res, 5, argv_dir);
	assert_int_equal(res.rc, 1);
	assert_string_equal(res.err, "twentejobs robots: cannot read '/tmp': Is a directory\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_empty_file_allows_everything),
	        cmocka_unit_test(test_null_arguments),
	        cmocka_unit_test(test_allow_all_and_disallow_all_policies),
	        cmocka_unit_test(test_robots_txt_always_allowed),
	        cmocka_unit_test(test_rfc9309_5_1_simple_example_star),
	        cmocka_unit_test(test_rfc9309_5_1_simple_example_named_groups),
	        cmocka_unit_test(test_rfc9309_5_2_longest_match),
	        cmocka_unit_test(test_google_root_and_star),
	        cmocka_unit_test(test_google_fish_prefix),
	        cmocka_unit_test(test_google_fish_directory),
	        cmocka_unit_test(test_google_php_wildcard),
	        cmocka_unit_test(test_google_php_anchored),
	        cmocka_unit_test(test_google_fish_star_php),
	        cmocka_unit_test(test_precedence_longest_match_wins),
	        cmocka_unit_test(test_precedence_tie_allow_wins),
	        cmocka_unit_test(test_precedence_dollar_root),
	        cmocka_unit_test(test_group_merging),
	        cmocka_unit_test(test_star_groups_merged),
	        cmocka_unit_test(test_agent_case_insensitive),
	        cmocka_unit_test(test_agent_exact_token),
	        cmocka_unit_test(test_agent_token_extraction),
	        cmocka_unit_test(test_star_fallback_and_override),
	        cmocka_unit_test(test_no_star_group_allows),
	        cmocka_unit_test(test_star_value_forms),
	        cmocka_unit_test(test_consecutive_user_agents_one_group),
	        cmocka_unit_test(test_user_agent_after_rules_starts_new_group),
	        cmocka_unit_test(test_rules_before_user_agent_ignored),
	        cmocka_unit_test(test_unknown_keys_do_not_end_group),
	        cmocka_unit_test(test_sitemap_does_not_split_group),
	        cmocka_unit_test(test_empty_disallow_is_no_rule),
	        cmocka_unit_test(test_keys_case_and_whitespace),
	        cmocka_unit_test(test_comments),
	        cmocka_unit_test(test_misspellings_documented),
	        cmocka_unit_test(test_lines_without_colon_ignored),
	        cmocka_unit_test(test_pattern_without_leading_slash),
	        cmocka_unit_test(test_dollar_only_at_end),
	        cmocka_unit_test(test_multiple_stars_collapse),
	        cmocka_unit_test(test_query_matching),
	        cmocka_unit_test(test_absolute_urls),
	        cmocka_unit_test(test_percent_unreserved_decoded),
	        cmocka_unit_test(test_percent_utf8_equivalence),
	        cmocka_unit_test(test_percent_reserved_not_decoded),
	        cmocka_unit_test(test_percent_literal_star_and_dollar),
	        cmocka_unit_test(test_crawl_delay_per_agent),
	        cmocka_unit_test(test_crawl_delay_values),
	        cmocka_unit_test(test_crawl_delay_first_valid_wins_and_merging),
	        cmocka_unit_test(test_sitemaps),
	        cmocka_unit_test(test_crlf_line_endings),
	        cmocka_unit_test(test_cr_only_line_endings),
	        cmocka_unit_test(test_utf8_bom),
	        cmocka_unit_test(test_nul_bytes_and_invalid_utf8),
	        cmocka_unit_test(test_500kib_cap),
	        cmocka_unit_test(test_long_line_truncated),
	        cmocka_unit_test(test_rule_cap),
	        cmocka_unit_test(test_pathological_pattern_fast),
	        cmocka_unit_test(test_many_wildcard_rules_fast),
	        cmocka_unit_test(test_wildcard_matches_reference),
	        cmocka_unit_test(test_oom_parse_returns_null_without_leaks),
	        cmocka_unit_test(test_oom_allowed_long_url),
	        cmocka_unit_test(test_concurrent_queries),
	        cmocka_unit_test(test_cmd_robots_output),
	        cmocka_unit_test(test_cmd_robots_usage_and_errors),
	};
	return cmocka_run_group_tests_name("robots", tests, NULL, NULL);
}
