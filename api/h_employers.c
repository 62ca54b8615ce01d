/*
 * h_employers.c - the employer directory (/api/v1/employers).
 *
 * One row per source (a rule file names one employer or agency), with the
 * facts the curator wrote (website, town, coordinates) and two live counts:
 * open postings, and open postings labelled international-friendly ("yes").
 * The counts use the jobs_source(source_id, state) index, so the whole list
 * costs one index range per source.
 */
#include "json.h"
#include "routes.h"
#include "server.h"

enum tj_code h_employers_list(struct api_req *rq, struct api_resp *rs)
{
	sqlite3_stmt *st = NULL;
	json_t *list = json_array();
	struct db *db;
	enum tj_code rc;
	bool row;

	if (!list)
		return tj_error(TJ_ENOMEM, "out of memory");
	rc = api_db(rq, &db);
	if (!rc)
		rc = db_prepare(db, &st,
				"SELECT " JSON_EMPLOYER_COLUMNS ","
				" (SELECT count(*) FROM jobs j WHERE j.source_id = s.id AND j.state = 'active'),"
				" (SELECT count(*) FROM jobs j WHERE j.source_id = s.id AND j.state = 'active'"
				"   AND j.intl_label = 'yes')"
				" FROM sources s ORDER BY s.employer COLLATE NOCASE, s.id");
	while (!rc && !(rc = db_step(st, &row)) && row)
		if (json_array_append_new(list, json_employer(st)))
			rc = tj_error(TJ_ENOMEM, "out of memory");
	db_finalize(st);
	if (rc) {
		json_decref(list);
		return rc;
	}
	return json_take(json_collection("employers", list), &rs->body);
}
