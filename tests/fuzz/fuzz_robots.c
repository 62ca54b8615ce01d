/*
 * fuzz_robots.c - libFuzzer harness for spider/robots.c.
 *
 * Input layout: ROBOTS_BODY [ '\0' AGENT '\n' URL ]
 *   Everything before the LAST NUL byte is the robots.txt body (which may itself contain NULs); after it
 *   the first line is the agent and the rest the URL.  Without a NUL the whole input is the body and a fixed
 *   set of agents/URLs is queried.  Fixed agents and URLs are always queried as well.
 *
 * Besides crashes and sanitizer reports it checks invariants that must hold for every input:
 *   - results are 0/1 and a non-NULL, printable-ASCII explanation is returned;
 *   - "/robots.txt" is always allowed;
 *   - the same query gives the same answer twice and the answer does not depend on the URL form
 *     (path vs. absolute URL);
 *   - crawl-delay is -1 or a finite value >= 0; sitemap strings are non-NULL printable ASCII;
 *   - the rule count respects ROBOTS_MAX_RULES.
 *
 * Build: clang -g -O1 -fsanitize=fuzzer,address,undefined -Ispider tests/fuzz/fuzz_robots.c spider/robots.c \
 *            -o /tmp/fuzz_robots && /tmp/fuzz_robots -max_total_time=60 tests/fuzz/robots/
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "robots.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_printable(const char *s)
{
	if (!s)
		abort();
	for (; *s; s++) {
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			abort();
	}
}

static void query(const struct robots *r, const char *agent, const char *url)
{
	const char *why = NULL;
	int a = robots_allowed(r, agent, url, &why);
	if ((a != 0 && a != 1) || !why)
		abort();
	check_printable(why);

	const char *why2 = NULL;
	if (robots_allowed(r, agent, url, &why2) != a || why2 != why)
		abort(); /* deterministic, same description object */

	/* the host part never matters: "/x" and "https://h.example/x" decide alike */
	if (url[0] == '/' && strlen(url) < 4096) {
		char abs_url[4200];
		snprintf(abs_url, sizeof abs_url, "https://h.example%s", url);
		if (robots_allowed(r, agent, abs_url, NULL) != a)
			abort();
	}

	double d = robots_crawl_delay(r, agent);
	if (!(d == -1.0 || (d >= 0.0 && isfinite(d))))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const agents[] = {"TwenteJobsBot", "twentejobsbot", "*", "", "googlebot", "a"};
	static const char *const urls[] = {"/",
	                                   "/a",
	                                   "/private/x?y=1",
	                                   "https://example.com/%7Ejoe/a.php$",
	                                   "http://example.com",
	                                   "/foo/bar/%E3%83%84",
	                                   "relative"};
	const char *body = (const char *)data;
	size_t body_len = size;
	char *agent = NULL, *url = NULL;

	const uint8_t *nul = NULL;
	for (size_t i = size; i > 0; i--) {
		if (data[i - 1] == 0) {
			nul = data + i - 1;
			break;
		}
	}
	if (nul) {
		body_len = (size_t)(nul - data);
		const char *tail = (const char *)nul + 1;
		size_t tail_len = size - body_len - 1;
		const char *nl = memchr(tail, '\n', tail_len);
		size_t agent_len = nl ? (size_t)(nl - tail) : tail_len;
		agent = malloc(agent_len + 1);
		url = malloc(tail_len - agent_len + 1);
		if (!agent || !url) {
			free(agent);
			free(url);
			return 0;
		}
		memcpy(agent, tail, agent_len);
		agent[agent_len] = '\0';
		size_t url_off = nl ? agent_len + 1 : tail_len;
		memcpy(url, tail + url_off, tail_len - url_off);
		url[tail_len - url_off] = '\0';
	}

	struct robots *r = robots_parse(body, body_len);
	if (!r)
		abort(); /* no allocation failure expected under the fuzzer */

	if (robots_rule_count(r) > ROBOTS_MAX_RULES)
		abort();
	if (!robots_allowed(r, "TwenteJobsBot", "/robots.txt", NULL))
		abort();

	for (size_t i = 0; i < sizeof agents / sizeof agents[0]; i++)
		for (size_t j = 0; j < sizeof urls / sizeof urls[0]; j++)
			query(r, agents[i], urls[j]);
	if (agent && url) {
		query(r, agent, url);
		for (size_t j = 0; j < sizeof urls / sizeof urls[0]; j++)
			query(r, agent, urls[j]);
		for (size_t i = 0; i < sizeof agents / sizeof agents[0]; i++)
			query(r, agents[i], url);
	}

	size_t n = robots_sitemap_count(r);
	if (n > ROBOTS_MAX_SITEMAPS)
		abort();
	for (size_t i = 0; i < n; i++)
		check_printable(robots_sitemap(r, i));
	if (robots_sitemap(r, n) != NULL)
		abort();

	robots_free(r);
	free(agent);
	free(url);
	return 0;
}
