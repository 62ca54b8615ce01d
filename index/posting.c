/*
 * posting.c - lifecycle and JSON form of a posting (see posting.h).
 *
 * The JSON form is the one contract every consumer shares: `extract`
 * prints it, `export`/`import` round-trip it, tests compare against it.
 * Keeping both directions here means a new field is added in one place.
 */
#include "posting.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void posting_init(struct posting *p)
{
	memset(p, 0, sizeof(*p));
	p->salary_min = NAN;
	p->salary_max = NAN;
	p->hours_min = NAN;
	p->hours_max = NAN;
	p->twente = -1;
	snprintf(p->cls.language, sizeof(p->cls.language), "und");
	snprintf(p->cls.intl_label, sizeof(p->cls.intl_label), "maybe");
	snprintf(p->cls.level, sizeof(p->cls.level), "unknown");
	snprintf(p->cls.advertiser, sizeof(p->cls.advertiser), "employer");
}

void classification_release(struct classification *c)
{
	json_decref(c->reasons);
	c->reasons = NULL;
}

void posting_release(struct posting *p)
{
	char **fields[] = {
		&p->source_id, &p->ext_id, &p->url, &p->title, &p->employer,
		&p->location, &p->location_raw, &p->municipality, &p->region, &p->country,
		&p->employment_type, &p->date_posted, &p->valid_through,
		&p->description, &p->remote, &p->education, &p->salary_currency,
		&p->salary_period, &p->salary_text, &p->salary_source,
		&p->extraction,
	};

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		free(*fields[i]);
	classification_release(&p->cls);
	posting_init(p);
}

enum tj_code posting_set(char **field, const char *value)
{
	char *copy = NULL;

	if (value) {
		copy = strdup(value);
		if (!copy)
			return tj_error(TJ_ENOMEM, "out of memory copying a posting field");
	}
	free(*field);
	*field = copy;
	return TJ_OK;
}

void posting_take(char **field, char *value)
{
	free(*field);
	*field = value;
}

/* A field table drives both directions so they cannot drift apart. */
struct str_field {
	const char *key;
	size_t off;
};

#define SF(k, m) { k, offsetof(struct posting, m) }
static const struct str_field str_fields[] = {
	SF("source", source_id), SF("identifier", ext_id), SF("url", url),
	SF("title", title), SF("employer", employer), SF("location", location),
	SF("location_raw", location_raw), SF("municipality", municipality),
	SF("region", region),
	SF("country", country), SF("employment_type", employment_type),
	SF("date_posted", date_posted), SF("valid_through", valid_through),
	SF("description", description), SF("remote", remote),
	SF("education", education), SF("extraction", extraction),
};
#undef SF

static char **field_at(struct posting *p, size_t off)
{
	return (char **)((char *)p + off);
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *num_or_null(double d)
{
	return isnan(d) ? json_null() : json_real(d);
}

json_t *classification_to_json(const struct classification *c)
{
	json_t *reasons = c->reasons ? json_deep_copy(c->reasons) : json_array();

	if (!reasons)
		return NULL;
	return json_pack("{s:s, s:f, s:{s:s, s:i, s:o}, s:b, s:s, s:s}",
			 "language", c->language,
			 "language_confidence", c->language_confidence,
			 "international",
			 "label", c->intl_label, "score", c->intl_score,
			 "reasons", reasons,
			 "dutch_required", c->dutch_required,
			 "level", c->level,
			 "advertiser", c->advertiser);
}

json_t *posting_to_json(const struct posting *p)
{
	json_t *o = json_object();
	json_t *salary = NULL, *hours = NULL;

	if (!o)
		return NULL;
	for (size_t i = 0; i < sizeof(str_fields) / sizeof(str_fields[0]); i++) {
		const char *v = *field_at((struct posting *)p, str_fields[i].off);

		if (json_object_set_new(o, str_fields[i].key, str_or_null(v)))
			goto oom;
	}
	if (json_object_set_new(o, "twente", p->twente < 0 ? json_null() : json_boolean(p->twente)))
		goto oom;
	if (!isnan(p->salary_min) || !isnan(p->salary_max) || p->salary_text) {
		salary = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}",
				   "min", num_or_null(p->salary_min),
				   "max", num_or_null(p->salary_max),
				   "currency", str_or_null(p->salary_currency),
				   "period", str_or_null(p->salary_period),
				   "text", str_or_null(p->salary_text),
				   "source", str_or_null(p->salary_source));
		if (!salary)
			goto oom;
	}
	if (json_object_set_new(o, "salary", salary ? salary : json_null()))
		goto oom;
	if (!isnan(p->hours_min) || !isnan(p->hours_max)) {
		hours = json_pack("{s:o, s:o}", "min", num_or_null(p->hours_min),
				  "max", num_or_null(p->hours_max));
		if (!hours)
			goto oom;
	}
	if (json_object_set_new(o, "hours_per_week", hours ? hours : json_null()))
		goto oom;
	if (p->cls.done) {
		json_t *c = classification_to_json(&p->cls);

		if (!c || json_object_set_new(o, "classification", c))
			goto oom;
	}
	return o;
oom:
	json_decref(o);
	return NULL;
}

static enum tj_code get_num(const json_t *obj, const char *key, double *out)
{
	json_t *v = json_object_get(obj, key);

	if (!v || json_is_null(v))
		return TJ_OK;
	if (!json_is_number(v))
		return tj_error(TJ_EPARSE, "'%s': expected a number", key);
	*out = json_number_value(v);
	return TJ_OK;
}

static enum tj_code get_str(const json_t *obj, const char *key, char **field)
{
	json_t *v = json_object_get(obj, key);

	if (!v || json_is_null(v))
		return TJ_OK;
	if (!json_is_string(v))
		return tj_error(TJ_EPARSE, "'%s': expected a string", key);
	return posting_set(field, json_string_value(v));
}

static void copy_label(char *dst, size_t n, const json_t *v)
{
	if (json_is_string(v) && json_string_length(v) < n)
		memcpy(dst, json_string_value(v), json_string_length(v) + 1);
}

enum tj_code posting_from_json(struct posting *p, const json_t *obj)
{
	enum tj_code rc = TJ_OK;
	json_t *sal, *hrs, *cls;

	if (!json_is_object(obj))
		return tj_error(TJ_EPARSE, "a posting must be a JSON object");
	for (size_t i = 0; i < sizeof(str_fields) / sizeof(str_fields[0]); i++) {
		rc = get_str(obj, str_fields[i].key, field_at(p, str_fields[i].off));
		if (rc)
			return rc;
	}
	{
		json_t *tw = json_object_get(obj, "twente");

		if (json_is_boolean(tw))
			p->twente = json_is_true(tw);
		else if (tw && !json_is_null(tw))
			return tj_error(TJ_EPARSE, "'twente': expected true, false or null");
	}
	/* "city" is the API's name for the town; accept it as an alias */
	if (!p->location && (rc = get_str(obj, "city", &p->location)))
		return rc;
	sal = json_object_get(obj, "salary");
	if (json_is_object(sal)) {
		if ((rc = get_num(sal, "min", &p->salary_min)) ||
		    (rc = get_num(sal, "max", &p->salary_max)) ||
		    (rc = get_str(sal, "currency", &p->salary_currency)) ||
		    (rc = get_str(sal, "period", &p->salary_period)) ||
		    (rc = get_str(sal, "text", &p->salary_text)) ||
		    (rc = get_str(sal, "source", &p->salary_source)))
			return rc;
	}
	hrs = json_object_get(obj, "hours_per_week");
	if (json_is_object(hrs)) {
		if ((rc = get_num(hrs, "min", &p->hours_min)) ||
		    (rc = get_num(hrs, "max", &p->hours_max)))
			return rc;
	}
	cls = json_object_get(obj, "classification");
	if (json_is_object(cls)) {
		json_t *intl = json_object_get(cls, "international");

		copy_label(p->cls.language, sizeof(p->cls.language), json_object_get(cls, "language"));
		p->cls.language_confidence = json_number_value(json_object_get(cls, "language_confidence"));
		if (json_is_object(intl)) {
			json_t *r = json_object_get(intl, "reasons");

			copy_label(p->cls.intl_label, sizeof(p->cls.intl_label), json_object_get(intl, "label"));
			p->cls.intl_score = (int)json_integer_value(json_object_get(intl, "score"));
			if (json_is_array(r)) {
				json_decref(p->cls.reasons);
				p->cls.reasons = json_deep_copy(r);
				if (!p->cls.reasons)
					return tj_error(TJ_ENOMEM, "out of memory copying reasons");
			}
		}
		p->cls.dutch_required = json_is_true(json_object_get(cls, "dutch_required"));
		copy_label(p->cls.level, sizeof(p->cls.level), json_object_get(cls, "level"));
		copy_label(p->cls.advertiser, sizeof(p->cls.advertiser), json_object_get(cls, "advertiser"));
		p->cls.done = true;
	}
	return TJ_OK;
}
