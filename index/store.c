/*
 * store.c - crawl results into SQLite with the posting lifecycle
 * (see store.h for the rules).
 *
 * Why the fingerprint is a hash of the JSON form: posting_to_json already
 * lists every field a reader sees, so hashing it (minus fields that are
 * bookkeeping) means a new field is covered without touching this file.
 * FNV-1a 64 is enough: it only has to tell "changed" from "same", and a
 * collision costs one missed history entry, never data.
 *
 * Duplicates (issue 6): a new or changed active posting is compared with
 * the active, non-duplicate postings under other keys that share its
 * dup_key (normalised title + town, an indexed column, so the candidates
 * are a handful); those that are the same vacancy (dedupe_same_vacancy:
 * the same text, or a rewording by an agency or by the same employer)
 * form a group.  The comparison is computed from the stored description,
 * employer and advertiser each time rather than kept as a signature
 * column: a few KB of text per candidate, and no migration.  The kept
 * posting is an employer's own over an agency's, then the earliest
 * first_seen, then the lowest id; the others become 'duplicate' with
 * dup_of = the kept id, and what pointed at a loser is re-pointed if it
 * is the same vacancy as the kept one (below), so groups never chain.  When a kept
 * posting expires, the best duplicate still seen becomes active again
 * (store_run_finish).  A duplicate is still crawled and still expires on
 * its own; seeing it again never makes it active while its kept posting
 * lives.
 *
 * When groups are decided: whenever a posting is stored new or changed,
 * and when an expired posting is seen again (store_posting unchanged, or
 * store_touch_page on a 304).  A kept posting that changes has its
 * duplicates checked again first: those it has drifted apart from become
 * active and are grouped anew.  Seeing a posting unchanged decides
 * nothing: its text is what it was when it was grouped.
 *
 * The test is a threshold, not an equivalence: A like B and B like C does
 * not make A like C.  So when a kept posting becomes a duplicate of
 * another, each of its own duplicates is compared with the new kept
 * posting; those that are not the same vacancy become active and are
 * grouped anew (mark_duplicate, resolve_duplicates' work list).
 */
#include "store.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "dedupe.h"

enum tj_code store_source_upsert(struct db *db, const struct source_info *s)
{
	sqlite3_stmt *st = NULL;
	enum tj_code rc;

	rc = db_prepare(db, &st,
		"INSERT INTO sources(id, employer, website, town, lat, lon, rule_file, advertiser, updated_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, coalesce(?8, 'employer'), ?9)"
		" ON CONFLICT(id) DO UPDATE SET employer = ?2, website = ?3, town = ?4, lat = ?5,"
		"  lon = ?6, rule_file = ?7, advertiser = coalesce(?8, 'employer'), updated_at = ?9");
	if (rc)
		return rc;
	if (!(rc = db_bind_text(st, 1, s->id)) && !(rc = db_bind_text(st, 2, s->employer)) &&
	    !(rc = db_bind_text(st, 3, s->website)) && !(rc = db_bind_text(st, 4, s->town)) &&
	    !(rc = db_bind_double(st, 5, s->lat)) && !(rc = db_bind_double(st, 6, s->lon)) &&
	    !(rc = db_bind_text(st, 7, s->rule_file)) && !(rc = db_bind_text(st, 8, s->advertiser)) &&
	    !(rc = db_bind_int(st, 9, db_now())))
		rc = db_step(st, NULL);
	db_finalize(st);
	return rc;
}

enum tj_code store_run_begin(struct db *db, const char *source_id, int64_t *run_id)
{
	sqlite3_stmt *st = NULL;
	enum tj_code rc;

	rc = db_prepare(db, &st, "INSERT INTO crawl_runs(source_id, started_at) VALUES (?1, ?2)");
	if (!rc && !(rc = db_bind_text(st, 1, source_id)) && !(rc = db_bind_int(st, 2, db_now())))
		rc = db_step(st, NULL);
	db_finalize(st);
	if (!rc)
		*run_id = sqlite3_last_insert_rowid(db->h);
	return rc;
}

/* Run one statement (sql: a string literal, kept prepared) with (text,
 * int) parameters and report changes(). */
static enum tj_code exec_ti(struct db *db, const char *sql, const char *t, int64_t i, long *changes)
{
	sqlite3_stmt *st = NULL;
	enum tj_code rc = db_prepare_cached(db, &st, sql);

	if (!rc && !(rc = db_bind_text(st, 1, t)) && !(rc = db_bind_int(st, 2, i)))
		rc = db_step(st, NULL);
	db_release(db, st);
	if (!rc && changes)
		*changes = sqlite3_changes(db->h);
	return rc;
}

/* Run one statement (sql: a string literal, kept prepared) with (int, int)
 * parameters: grouping runs these once per duplicate. */
static enum tj_code exec_ii(struct db *db, const char *sql, int64_t a, int64_t b)
{
	sqlite3_stmt *st = NULL;
	enum tj_code rc = db_prepare_cached(db, &st, sql);

	if (!rc && !(rc = db_bind_int(st, 1, a)) && !(rc = db_bind_int(st, 2, b)))
		rc = db_step(st, NULL);
	db_release(db, st);
	return rc;
}

/* The columns dedupe_doc_init() reads, for a query over jobs o LEFT JOIN sources s. */
#define DOC_COLUMNS "o.description, coalesce(o.employer, s.employer)," \
	" coalesce(o.advertiser, s.advertiser, 'employer') = 'agency'"

/* Fill *d from the three DOC_COLUMNS starting at column i. */
static enum tj_code doc_from_row(struct dedupe_doc *d, sqlite3_stmt *st, int i)
{
	return dedupe_doc_init(d, db_col_text(st, i), db_col_text(st, i + 1),
			       sqlite3_column_int(st, i + 2));
}

/* Append v to a growable id list. */
static enum tj_code push_id(int64_t **ids, size_t *n, size_t *cap, int64_t v)
{
	if (*n == *cap) {
		int64_t *grown = realloc(*ids, (*cap ? *cap * 2 : 4) * sizeof(**ids));

		if (!grown)
			return tj_error(TJ_ENOMEM, "out of memory grouping duplicates");
		*ids = grown;
		*cap = *cap ? *cap * 2 : 4;
	}
	(*ids)[(*n)++] = v;
	return TJ_OK;
}

/*
 * The duplicates pointing at `group` that are not the same vacancy as
 * *doc, or no longer share group's dup key, become active again and are
 * appended to *ids for the caller to group anew.
 */
static enum tj_code release_unlike(struct db *db, int64_t group, const struct dedupe_doc *doc,
				   int64_t **ids, size_t *n, size_t *cap)
{
	sqlite3_stmt *st = NULL;
	struct dedupe_doc other;
	size_t first = *n;
	bool row = false;
	enum tj_code rc;

	memset(&other, 0, sizeof(other));
	rc = db_prepare(db, &st, "SELECT o.id, " DOC_COLUMNS ", o.dup_key IS k.dup_key"
			" FROM jobs k JOIN jobs o ON o.dup_of = k.id"
			" LEFT JOIN sources s ON s.id = o.source_id"
			" WHERE k.id = ?1 AND o.state = 'duplicate'");
	if (!rc)
		rc = db_bind_int(st, 1, group);
	while (!rc && !(rc = db_step(st, &row)) && row) {
		bool keep = sqlite3_column_int(st, 4);

		if (keep) {
			if ((rc = doc_from_row(&other, st, 1)))
				break;
			keep = dedupe_same_vacancy(doc, &other);
			dedupe_doc_release(&other);
		}
		if (!keep)
			rc = push_id(ids, n, cap, sqlite3_column_int64(st, 0));
	}
	db_finalize(st);
	for (size_t i = first; i < *n && !rc; i++)
		rc = exec_ii(db, "UPDATE jobs SET state = 'active', dup_of = NULL, last_changed = ?2"
			     " WHERE id = ?1", (*ids)[i], db_now());
	return rc;
}

/*
 * Make `loser` (a kept posting until now) a duplicate of `kept`, whose
 * text is *kept_doc.  Loser's own duplicates were the same vacancy as
 * loser, which does not make them the same as kept (the test is a
 * threshold, not an equivalence): those that are follow loser into
 * kept's group, the others become active, appended to *freed for the
 * caller to group anew.
 */
static enum tj_code mark_duplicate(struct db *db, int64_t loser, int64_t kept,
				   const struct dedupe_doc *kept_doc, int64_t **freed, size_t *n,
				   size_t *cap)
{
	enum tj_code rc;

	if ((rc = exec_ii(db, "UPDATE jobs SET state = 'duplicate', dup_of = ?2 WHERE id = ?1",
			  loser, kept)) ||
	    (rc = release_unlike(db, loser, kept_doc, freed, n, cap)))
		return rc;
	return exec_ii(db, "UPDATE jobs SET dup_of = ?2 WHERE dup_of = ?1 AND state = 'duplicate'",
		       loser, kept);
}

#define RESOLVE_MAX 64     /* postings one resolve_duplicates() may group */

/* One posting of resolve_duplicates()' work list; the postings its group
 * lets go are appended to the list. */
static enum tj_code resolve_one(struct db *db, int64_t id, int64_t **work, size_t *n_work,
				size_t *cap_work)
{
	sqlite3_stmt *st = NULL;
	struct dedupe_doc self, other, kept;
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	bool row = false;
	enum tj_code rc;

	memset(&self, 0, sizeof(self));
	memset(&other, 0, sizeof(other));
	memset(&kept, 0, sizeof(kept));
	/* candidates ordered best first: the first that matches (or id itself)
	 * is kept; id's own row comes with every row, read once and only if
	 * there is another candidate (most postings have none) */
	rc = db_prepare_cached(db, &st,
		"SELECT o.id, " DOC_COLUMNS ", j.description, coalesce(j.employer, js.employer),"
		"  coalesce(j.advertiser, js.advertiser, 'employer') = 'agency'"
		" FROM jobs j JOIN jobs o ON o.dup_key = j.dup_key"
		" LEFT JOIN sources s ON s.id = o.source_id LEFT JOIN sources js ON js.id = j.source_id"
		" WHERE j.id = ?1 AND j.state = 'active' AND o.state = 'active'"
		" ORDER BY coalesce(o.advertiser, s.advertiser, 'employer') = 'agency',"
		"  o.first_seen, o.id");
	if (!rc)
		rc = db_bind_int(st, 1, id);
	while (!rc && !(rc = db_step(st, &row)) && row) {
		int64_t o = sqlite3_column_int64(st, 0);
		bool same = o == id;

		if (!same) {
			if ((!self.text && (rc = doc_from_row(&self, st, 4))) ||
			    (rc = doc_from_row(&other, st, 1)))
				break;
			same = dedupe_same_vacancy(&self, &other);
			if (same && n == 0) {
				kept = other;   /* the group's kept posting: its text is kept too */
				memset(&other, 0, sizeof(other));
			}
			dedupe_doc_release(&other);
		}
		if (same)
			rc = push_id(&ids, &n, &cap, o);
	}
	db_release(db, st);
	/* a loser was compared with id, so self is read when id is kept */
	for (size_t i = 1; i < n && !rc; i++)
		rc = mark_duplicate(db, ids[i], ids[0], ids[0] == id ? &self : &kept, work, n_work,
				    cap_work);
	dedupe_doc_release(&self);
	dedupe_doc_release(&other);
	dedupe_doc_release(&kept);
	free(ids);
	return rc;
}

/*
 * Group posting `id` (just stored, active) with the active postings that
 * share its dup key and are the same vacancy (dedupe_same_vacancy): see
 * the design block.  Postings without a dup_key are never grouped.
 */
static enum tj_code resolve_duplicates(struct db *db, int64_t id)
{
	int64_t *work = NULL;
	size_t n = 0, cap = 0;
	enum tj_code rc;

	/* postings let go by a group that changed hands are grouped in turn;
	 * every round only ever hands a group to a better-ranked posting, so
	 * this ends; the cap is a guard, and what it leaves is active (seen
	 * twice in search, never lost) */
	rc = push_id(&work, &n, &cap, id);
	for (size_t i = 0; i < n && !rc; i++)
		rc = i < RESOLVE_MAX ? resolve_one(db, work[i], &work, &n, &cap) : TJ_OK;
	free(work);
	return rc;
}

/*
 * Posting `id` (a kept one) changed: its duplicates that are no longer the
 * same vacancy, or no longer share its dup key, become active again and
 * are appended to *ids for the caller to regroup.
 */
static enum tj_code release_drifted(struct db *db, int64_t id, int64_t **ids, size_t *n,
				    size_t *cap)
{
	sqlite3_stmt *st = NULL;
	struct dedupe_doc self;
	bool row = false;
	enum tj_code rc;

	memset(&self, 0, sizeof(self));
	rc = db_prepare(db, &st, "SELECT " DOC_COLUMNS " FROM jobs o"
			" LEFT JOIN sources s ON s.id = o.source_id WHERE o.id = ?1 AND o.state = 'active'");
	if (!rc && !(rc = db_bind_int(st, 1, id)) && !(rc = db_step(st, &row)) && row)
		rc = doc_from_row(&self, st, 0);
	db_finalize(st);
	if (!rc && row)
		rc = release_unlike(db, id, &self, ids, n, cap);
	dedupe_doc_release(&self);
	return rc;
}

/*
 * Decide the group of posting `id`, just stored new or changed (changed:
 * its old duplicates are checked again first), or reappearing after it
 * expired.
 */
static enum tj_code regroup(struct db *db, int64_t id, bool changed)
{
	int64_t *freed = NULL;
	size_t n = 0, cap = 0;
	enum tj_code rc = TJ_OK;

	if (changed)
		rc = release_drifted(db, id, &freed, &n, &cap);
	if (!rc)
		rc = resolve_duplicates(db, id);
	for (size_t i = 0; i < n && !rc; i++)
		rc = resolve_duplicates(db, freed[i]);
	free(freed);
	return rc;
}

/*
 * A kept posting expired: for each such group, the best duplicate still
 * seen becomes active and the group's other duplicates point at it.
 */
static enum tj_code promote_duplicates(struct db *db)
{
	sqlite3_stmt *st = NULL;
	int64_t group = 0, heir = 0;
	bool row = true;
	struct { int64_t group, id; } *v = NULL;
	size_t n = 0, cap = 0;
	enum tj_code rc;

	rc = db_prepare(db, &st,
		"SELECT d.dup_of, d.id FROM jobs d JOIN jobs k ON k.id = d.dup_of"
		" LEFT JOIN sources s ON s.id = d.source_id"
		" WHERE d.state = 'duplicate' AND k.state = 'expired'"
		" ORDER BY d.dup_of, coalesce(d.advertiser, s.advertiser, 'employer') = 'agency',"
		"  d.first_seen, d.id");
	/* collect first: the updates below change the rows the query reads */
	while (!rc && !(rc = db_step(st, &row)) && row) {
		if (n == cap) {
			void *grown = realloc(v, (cap ? cap * 2 : 4) * sizeof(*v));

			if (!grown) {
				rc = tj_error(TJ_ENOMEM, "out of memory promoting duplicates");
				break;
			}
			v = grown;
			cap = cap ? cap * 2 : 4;
		}
		v[n].group = sqlite3_column_int64(st, 0);
		v[n].id = sqlite3_column_int64(st, 1);
		n++;
	}
	db_finalize(st);
	for (size_t i = 0; i < n && !rc; i++) {
		if (v[i].group != group) {
			group = v[i].group;
			heir = v[i].id;
			rc = exec_ii(db, "UPDATE jobs SET state = 'active', dup_of = NULL,"
				     " last_changed = ?2 WHERE id = ?1", heir, db_now());
		} else {
			rc = exec_ii(db, "UPDATE jobs SET dup_of = ?2 WHERE id = ?1", v[i].id, heir);
		}
	}
	free(v);
	return rc;
}

enum tj_code store_run_finish(struct db *db, int64_t run_id, const char *source_id,
			      const struct run_stats *s, long *expired)
{
	sqlite3_stmt *st = NULL;
	char *errors_json = NULL;
	long n_expired = 0;
	bool own_tx = sqlite3_get_autocommit(db->h);
	enum tj_code rc;

	if (s->errors_by_kind && json_object_size(s->errors_by_kind)) {
		errors_json = json_dumps(s->errors_by_kind, JSON_COMPACT | JSON_SORT_KEYS);
		if (!errors_json)
			return tj_error(TJ_ENOMEM, "out of memory storing crawl errors");
	}
	if (own_tx && (rc = db_begin(db)))
		goto out;
	/*
	 * Only a run that saw the whole source may count as "this posting is
	 * gone": a timeout, a 500 or a robots block says nothing about it.
	 */
	if (s->complete && !strcmp(s->status, "ok")) {
		rc = exec_ti(db, "UPDATE jobs SET missed_runs = missed_runs + 1"
			     " WHERE source_id = ?1 AND state != 'expired'"
			     " AND (last_run_id IS NULL OR last_run_id != ?2)", source_id, run_id, NULL);
		if (!rc)
			rc = exec_ti(db, "UPDATE jobs SET state = 'expired', last_changed = ?2"
				     " WHERE source_id = ?1 AND state != 'expired' AND missed_runs >= 2",
				     source_id, db_now(), &n_expired);
		if (rc)
			goto out;
	}
	/* a kept posting can also expire by its date, in any run; the search
	 * for such groups reads every duplicate, so it runs only when some
	 * posting may have expired since it last ran (db->promote_due) */
	if (n_expired)
		db->promote_due = true;
	if (db->promote_due && (rc = promote_duplicates(db)))
		goto out;
	rc = db_prepare(db, &st,
		"UPDATE crawl_runs SET finished_at = ?2, status = ?3, complete = ?4, pages = ?5,"
		" not_modified = ?6, postings = ?7, errors = ?8, robots_blocked = ?9,"
		" errors_json = ?10, message = ?11, expired_postings = ?12,"
		" new_postings = (SELECT count(*) FROM jobs WHERE source_id = ?13 AND first_seen >="
		"   (SELECT started_at FROM crawl_runs WHERE id = ?1) AND last_run_id = ?1),"
		" changed_postings = (SELECT count(*) FROM job_history h JOIN jobs j ON j.id = h.job_id"
		"   WHERE j.source_id = ?13 AND h.changed_at >= (SELECT started_at FROM crawl_runs WHERE id = ?1))"
		" WHERE id = ?1");
	if (rc)
		goto out;
	if (!(rc = db_bind_int(st, 1, run_id)) && !(rc = db_bind_int(st, 2, db_now())) &&
	    !(rc = db_bind_text(st, 3, s->status)) && !(rc = db_bind_int(st, 4, s->complete)) &&
	    !(rc = db_bind_int(st, 5, s->pages)) && !(rc = db_bind_int(st, 6, s->not_modified)) &&
	    !(rc = db_bind_int(st, 7, s->postings)) && !(rc = db_bind_int(st, 8, s->errors)) &&
	    !(rc = db_bind_int(st, 9, s->robots_blocked)) && !(rc = db_bind_text(st, 10, errors_json)) &&
	    !(rc = db_bind_text(st, 11, s->message)) && !(rc = db_bind_int(st, 12, n_expired)) &&
	    !(rc = db_bind_text(st, 13, source_id)))
		rc = db_step(st, NULL);
	if (!rc && own_tx)
		rc = db_commit(db);
	if (!rc)
		db->promote_due = false;        /* a caller's rollback sets it again */
out:
	db_finalize(st);
	if (rc && own_tx)
		db_rollback(db);
	free(errors_json);
	if (!rc && expired)
		*expired = n_expired;
	return rc;
}

char *store_posting_key(const struct posting *p)
{
	struct buf b;

	buf_init(&b, 1 << 16);
	if (buf_addf(&b, "%s|%s:%s", p->source_id ? p->source_id : "",
		     p->ext_id ? "id" : "url", p->ext_id ? p->ext_id : (p->url ? p->url : ""))) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

/* The fingerprint of posting_to_json()'s object o, which it edits. */
static char *fingerprint_of(json_t *o)
{
	char *text, *out;
	uint64_t h = 1469598103934665603ULL;

	/* the source and extraction method are bookkeeping, not content */
	json_object_del(o, "source");
	json_object_del(o, "extraction");
	text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	if (!text)
		return NULL;
	for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
		h ^= *c;
		h *= 1099511628211ULL;
	}
	free(text);
	out = malloc(17);
	if (out)
		snprintf(out, 17, "%016llx", (unsigned long long)h);
	return out;
}

char *store_fingerprint(const struct posting *p)
{
	json_t *o = posting_to_json(p);
	char *fp = o ? fingerprint_of(o) : NULL;

	json_decref(o);
	return fp;
}

/* Today's date as YYYY-MM-DD in UTC, for the valid_through comparison. */
static void today(char out[11])
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static enum tj_code bind_posting_columns(sqlite3_stmt *st, const struct posting *p,
					 const char *page_url, const char *json,
					 const char *fp, const char *state)
{
	const struct classification *c = &p->cls;
	char *reasons = NULL;
	enum tj_code rc;

	if (c->done && c->reasons) {
		reasons = json_dumps(c->reasons, JSON_COMPACT);
		if (!reasons)
			return tj_error(TJ_ENOMEM, "out of memory storing reasons");
	}
	/* parameters 2..30 are the same for INSERT and UPDATE */
	(void)((rc = db_bind_text(st, 2, p->source_id)) || (rc = db_bind_text(st, 3, p->url)) ||
	       (rc = db_bind_text(st, 4, page_url)) || (rc = db_bind_text(st, 5, p->title)) ||
	       (rc = db_bind_text(st, 6, p->employer)) || (rc = db_bind_text(st, 7, p->location)) ||
	       (rc = db_bind_text(st, 8, p->employment_type)) ||
	       (rc = db_bind_text(st, 9, p->date_posted)) ||
	       (rc = db_bind_text(st, 10, p->valid_through)) ||
	       (rc = db_bind_text(st, 11, p->description)) || (rc = db_bind_text(st, 12, p->remote)) ||
	       (rc = db_bind_text(st, 13, p->education)) ||
	       (rc = db_bind_double(st, 14, p->salary_min)) ||
	       (rc = db_bind_double(st, 15, p->salary_max)) ||
	       (rc = db_bind_text(st, 16, p->salary_currency)) ||
	       (rc = db_bind_text(st, 17, p->salary_period)) ||
	       (rc = db_bind_double(st, 18, p->hours_min)) ||
	       (rc = db_bind_double(st, 19, p->hours_max)) ||
	       (rc = db_bind_text(st, 20, c->done ? c->language : NULL)) ||
	       (rc = db_bind_double(st, 21, c->done ? c->language_confidence : NAN)) ||
	       (rc = db_bind_text(st, 22, c->done ? c->intl_label : NULL)) ||
	       (rc = c->done ? db_bind_int(st, 23, c->intl_score) : db_bind_null(st, 23)) ||
	       (rc = db_bind_text(st, 24, reasons)) ||
	       (rc = c->done ? db_bind_int(st, 25, c->dutch_required) : db_bind_null(st, 25)) ||
	       (rc = db_bind_text(st, 26, c->done ? c->level : NULL)) ||
	       (rc = db_bind_text(st, 27, c->done ? c->advertiser : NULL)) ||
	       (rc = db_bind_text(st, 28, json)) || (rc = db_bind_text(st, 29, fp)) ||
	       (rc = db_bind_text(st, 30, state)));
	free(reasons);
	return rc;
}

/* Set the posting's simhash and dup_key, and clear dup_of: the caller
 * regroups it (resolve_duplicates) if it is active. */
static enum tj_code store_dedupe_columns(struct db *db, int64_t id, const struct posting *p)
{
	sqlite3_stmt *st = NULL;
	bool ok = true, oom = false;
	uint64_t h = dedupe_simhash(p->description, &ok);
	char *key = dedupe_key(p->title, p->location, &oom);
	enum tj_code rc;

	if (!ok || oom) {
		free(key);
		return tj_error(TJ_ENOMEM, "out of memory fingerprinting a posting");
	}
	rc = db_prepare_cached(db, &st, "UPDATE jobs SET simhash = ?2, dup_key = ?3,"
			       " dup_of = CASE WHEN state = 'duplicate' THEN dup_of END WHERE id = ?1");
	if (!rc && !(rc = db_bind_int(st, 1, id)) && !(rc = db_bind_int(st, 2, (int64_t)h)) &&
	    !(rc = db_bind_text(st, 3, key)))
		rc = db_step(st, NULL);
	db_release(db, st);
	free(key);
	return rc;
}

enum tj_code store_regroup_all(struct db *db)
{
	sqlite3_stmt *st = NULL;
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	bool row = false;
	enum tj_code rc;

	/* the keys and fingerprints again, from each posting's own record */
	rc = db_prepare(db, &st, "SELECT id, posting_json FROM jobs ORDER BY id");
	while (!rc && !(rc = db_step(st, &row)) && row) {
		json_error_t jerr;
		json_t *obj = json_loads(db_col_text(st, 1) ? db_col_text(st, 1) : "", 0, &jerr);
		struct posting p;

		posting_init(&p);
		if (!obj) {
			rc = tj_error(TJ_EPARSE, "posting %lld: stored record is not JSON: %s",
				      (long long)sqlite3_column_int64(st, 0), jerr.text);
			break;
		}
		rc = posting_from_json(&p, obj);
		if (!rc)
			rc = store_dedupe_columns(db, sqlite3_column_int64(st, 0), &p);
		posting_release(&p);
		json_decref(obj);
	}
	db_finalize(st);
	st = NULL;
	/* every group decided afresh, oldest posting first, as a crawl would */
	if (!rc)
		rc = db_exec(db, "UPDATE jobs SET state = 'active', dup_of = NULL"
			     " WHERE state = 'duplicate'");
	if (!rc)
		rc = db_prepare(db, &st, "SELECT id FROM jobs WHERE state = 'active'"
				" AND dup_key IS NOT NULL ORDER BY first_seen, id");
	while (!rc && !(rc = db_step(st, &row)) && row)
		rc = push_id(&ids, &n, &cap, sqlite3_column_int64(st, 0));
	db_finalize(st);
	for (size_t i = 0; i < n && !rc; i++)
		rc = resolve_duplicates(db, ids[i]);
	free(ids);
	return rc;
}

/* ---- deferred full-text indexing (store.h) ---- */

#define FTS_FLUSH_IDS 4096      /* postings indexed per statement */

enum tj_code store_fts_defer(struct db *db)
{
	int on = -1;

	if (sqlite3_db_config(db->h, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, &on) != SQLITE_OK || on)
		return tj_error(TJ_EDB, "database '%s': cannot turn off its triggers", db->path);
	db->fts.on = true;
	db->fts.n = 0;
	return TJ_OK;
}

size_t store_fts_mark(const struct db *db)
{
	return db->fts.n;
}

/*
 * Membership of the pending ids: an open-addressing set of ids (0 marks a
 * free slot; posting ids start at 1) beside the ordered list, so a batch
 * of a feed's thousands of postings is not quadratic.  Rebuilt from the
 * list when it grows or when a rollback shortens the list.
 */
static uint64_t fts_slot(int64_t id, size_t mask)
{
	return ((uint64_t)id * 0x9E3779B97F4A7C15ULL >> 17) & mask;
}

static void fts_set_put(struct db *db, int64_t id)
{
	size_t mask = db->fts.set_cap - 1;

	for (uint64_t i = fts_slot(id, mask);; i = (i + 1) & mask) {
		if (db->fts.set[i] == id)
			return;
		if (!db->fts.set[i]) {
			db->fts.set[i] = id;
			return;
		}
	}
}

/* Make the set hold exactly ids[0..n). */
static void fts_set_refill(struct db *db)
{
	memset(db->fts.set, 0, db->fts.set_cap * sizeof(*db->fts.set));
	for (size_t i = 0; i < db->fts.n; i++)
		fts_set_put(db, db->fts.ids[i]);
}

/* A set at most half full for ids[0..n), then refilled. */
static enum tj_code fts_set_grow(struct db *db)
{
	size_t cap = db->fts.set_cap ? db->fts.set_cap : 64;
	int64_t *set;

	while (cap < 2 * db->fts.n)
		cap *= 2;
	if (cap != db->fts.set_cap) {
		if (!(set = calloc(cap, sizeof(*set))))
			return tj_error(TJ_ENOMEM, "out of memory indexing postings");
		free(db->fts.set);
		db->fts.set = set;
		db->fts.set_cap = cap;
	}
	fts_set_refill(db);
	return TJ_OK;
}

void store_fts_rollback_to(struct db *db, size_t mark)
{
	if (mark >= db->fts.n)
		return;
	db->fts.n = mark;
	fts_set_refill(db);
}

static bool fts_pending(const struct db *db, int64_t id)
{
	size_t mask = db->fts.set_cap - 1;

	if (!db->fts.n)
		return false;
	for (uint64_t i = fts_slot(id, mask);; i = (i + 1) & mask) {
		if (db->fts.set[i] == id)
			return true;
		if (!db->fts.set[i])
			return false;
	}
}

/* Record posting id for store_fts_flush(), once. */
static enum tj_code fts_note(struct db *db, int64_t id)
{
	enum tj_code rc;

	if (fts_pending(db, id))
		return TJ_OK;
	if ((rc = push_id(&db->fts.ids, &db->fts.n, &db->fts.cap, id)))
		return rc;
	if (2 * db->fts.n <= db->fts.set_cap) {
		fts_set_put(db, id);
	} else if ((rc = fts_set_grow(db))) {
		db->fts.n--;
		return rc;
	}
	return TJ_OK;
}

enum tj_code store_fts_flush(struct db *db)
{
	sqlite3_stmt *st = NULL;
	struct buf b;
	enum tj_code rc = TJ_OK;

	/* the ids as JSON arrays for json_each(): one statement, so one FTS5
	 * segment, per FTS_FLUSH_IDS postings */
	buf_init(&b, 0);
	for (size_t done = 0; done < db->fts.n && !rc; done += FTS_FLUSH_IDS) {
		size_t end = db->fts.n - done > FTS_FLUSH_IDS ? done + FTS_FLUSH_IDS : db->fts.n;

		buf_reset(&b);
		for (size_t i = done; i < end && !rc; i++)
			rc = buf_addf(&b, "%c%lld", i > done ? ',' : '[', (long long)db->fts.ids[i]);
		if (!rc)
			rc = buf_add(&b, "]", 1);
		if (!rc)
			rc = db_prepare_cached(db, &st,
				"INSERT INTO jobs_fts(rowid, title, employer, city, description)"
				" SELECT id, title, employer, city, description FROM jobs"
				" WHERE id IN (SELECT value FROM json_each(?1))");
		if (!rc && !(rc = db_bind_text(st, 1, buf_str(&b))))
			rc = db_step(st, NULL);
		db_release(db, st);
		st = NULL;
	}
	buf_release(&b);
	if (!rc)
		store_fts_rollback_to(db, 0);
	return rc;
}

/*
 * Posting id is about to change on a deferred connection: take its old
 * text out of the index, unless it is still waiting to be indexed (then
 * the index has never seen it).
 */
static enum tj_code fts_forget(struct db *db, int64_t id)
{
	sqlite3_stmt *st = NULL;
	enum tj_code rc;

	if (fts_pending(db, id))
		return TJ_OK;
	rc = db_prepare_cached(db, &st,
		"INSERT INTO jobs_fts(jobs_fts, rowid, title, employer, city, description)"
		" SELECT 'delete', id, title, employer, city, description FROM jobs WHERE id = ?1");
	if (!rc && !(rc = db_bind_int(st, 1, id)))
		rc = db_step(st, NULL);
	db_release(db, st);
	return rc;
}

#define POSTING_COLUMNS \
	"source_id, url, page_url, title, employer, city, employment_type, date_posted," \
	" valid_through, description, remote, education, salary_min, salary_max," \
	" salary_currency, salary_period, hours_min, hours_max, language," \
	" language_confidence, intl_label, intl_score, intl_reasons, dutch_required, level," \
	" advertiser, posting_json, fingerprint, state"

enum tj_code store_posting(struct db *db, const struct posting *p, const char *page_url,
			   int64_t run_id, enum store_outcome *outcome)
{
	sqlite3_stmt *st = NULL;
	char *key = NULL, *fp = NULL, *json = NULL, *old_json = NULL;
	json_t *obj = NULL;
	int64_t id = 0, now = db_now();
	bool row = false, own_tx = sqlite3_get_autocommit(db->h), expired_by_date, was_expired = false;
	char day[11];
	enum store_outcome oc = STORE_UNCHANGED;
	enum tj_code rc;

	if (!p->source_id || !p->url || !p->title)
		return tj_error(TJ_EINVAL, "a posting needs a source, url and title to be stored");
	today(day);
	expired_by_date = p->valid_through && strcmp(p->valid_through, day) < 0;
	if (expired_by_date)
		db->promote_due = true;
	key = store_posting_key(p);
	obj = posting_to_json(p);
	json = obj ? json_dumps(obj, JSON_COMPACT) : NULL;
	fp = json ? fingerprint_of(obj) : NULL;         /* edits obj: after the dump */
	if (!key || !fp || !json) {
		rc = tj_error(TJ_ENOMEM, "out of memory storing a posting");
		goto out;
	}
	if (own_tx && (rc = db_begin(db)))
		goto out;
	if ((rc = db_prepare_cached(db, &st, "SELECT id, fingerprint, posting_json, state FROM jobs WHERE key = ?1")) ||
	    (rc = db_bind_text(st, 1, key)) || (rc = db_step(st, &row)))
		goto out;
	if (row) {
		const char *old_fp = db_col_text(st, 1);

		id = sqlite3_column_int64(st, 0);
		was_expired = db_col_text(st, 3) && !strcmp(db_col_text(st, 3), "expired");
		if (!old_fp || strcmp(old_fp, fp)) {
			oc = STORE_CHANGED;
			old_json = strdup(db_col_text(st, 2) ? db_col_text(st, 2) : "{}");
			if (!old_json) {
				rc = tj_error(TJ_ENOMEM, "out of memory storing a posting");
				goto out;
			}
		}
	} else {
		oc = STORE_NEW;
	}
	db_release(db, st);
	st = NULL;

	if (oc == STORE_NEW) {
		rc = db_prepare_cached(db, &st, "INSERT INTO jobs(key, " POSTING_COLUMNS ", first_seen,"
				" last_seen, last_changed, last_run_id, missed_runs) VALUES (?1, ?2, ?3, ?4,"
				" ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,"
				" ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?31, ?31, ?32, 0)");
		if (rc || (rc = db_bind_text(st, 1, key)))
			goto out;
	} else if (oc == STORE_CHANGED) {
		sqlite3_stmt *h = NULL;

		rc = db_prepare(db, &h, "INSERT INTO job_history(job_id, changed_at, posting_json)"
				" VALUES (?1, ?2, ?3)");
		if (!rc && !(rc = db_bind_int(h, 1, id)) && !(rc = db_bind_int(h, 2, now)) &&
		    !(rc = db_bind_text(h, 3, old_json)))
			rc = db_step(h, NULL);
		db_finalize(h);
		if (!rc && db->fts.on)
			rc = fts_forget(db, id);
		if (rc)
			goto out;
		rc = db_prepare_cached(db, &st, "UPDATE jobs SET (" POSTING_COLUMNS ", last_seen, last_changed,"
				" last_run_id, missed_runs) = (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
				" ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27,"
				" ?28, ?29, ?30, ?31, ?31, ?32, 0) WHERE id = ?1");
		if (rc || (rc = db_bind_int(st, 1, id)))
			goto out;
	} else {
		/* unchanged: only the lifecycle moves; a reappearing posting is active again */
		/* ... but a duplicate stays one while its kept posting lives */
		rc = db_prepare_cached(db, &st, "UPDATE jobs SET last_seen = ?31, last_run_id = ?32,"
				" missed_runs = 0, page_url = ?4,"
				" dup_of = CASE WHEN ?30 = 'active' AND state != 'duplicate' THEN NULL"
				"  ELSE dup_of END,"
				" last_changed = CASE WHEN state != ?30 AND NOT (state = 'duplicate'"
				"  AND ?30 = 'active') THEN ?31 ELSE last_changed END,"
				" state = CASE WHEN state = 'duplicate' AND ?30 = 'active' THEN state"
				"  ELSE ?30 END"
				" WHERE id = ?1");
		if (rc || (rc = db_bind_int(st, 1, id)) || (rc = db_bind_text(st, 4, page_url)) ||
		    (rc = db_bind_text(st, 30, expired_by_date ? "expired" : "active")) ||
		    (rc = db_bind_int(st, 31, now)) || (rc = db_bind_int(st, 32, run_id)))
			goto out;
		if ((rc = db_step(st, NULL)))
			goto out;
		/* back after it expired: its group is decided again */
		if (was_expired && !expired_by_date)
			rc = regroup(db, id, false);
		goto done;
	}
	if ((rc = bind_posting_columns(st, p, page_url, json, fp,
				       expired_by_date ? "expired" : "active")) ||
	    (rc = db_bind_int(st, 31, now)) || (rc = db_bind_int(st, 32, run_id)) ||
	    (rc = db_step(st, NULL)))
		goto out;
	if (oc == STORE_NEW)
		id = sqlite3_last_insert_rowid(db->h);
	db_release(db, st);
	st = NULL;
	if (db->fts.on && (rc = fts_note(db, id)))
		goto out;
	if ((rc = store_dedupe_columns(db, id, p)) || (rc = regroup(db, id, oc == STORE_CHANGED)))
		goto out;
done:
	if (!rc && own_tx && db->fts.on)
		rc = store_fts_flush(db);
	if (!rc && own_tx)
		rc = db_commit(db);
	if (!rc && outcome)
		*outcome = oc;
out:
	db_release(db, st);
	if (rc && own_tx) {
		db_rollback(db);
		store_fts_rollback_to(db, 0);
	}
	json_decref(obj);
	free(key);
	free(fp);
	free(json);
	free(old_json);
	return rc;
}

enum tj_code store_touch_page(struct db *db, const char *page_url, int64_t run_id, long *n)
{
	sqlite3_stmt *st = NULL;
	int64_t *back = NULL;
	size_t nback = 0, cap = 0;
	long changes = 0;
	bool row = true, own_tx = sqlite3_get_autocommit(db->h);
	enum tj_code rc;
	char day[11];

	today(day);
	if (own_tx && (rc = db_begin(db)))
		return rc;
	/* postings that expired and are on the page again (regrouped below),
	 * and postings the update below expires by their date (their groups
	 * need an heir: promote_due) */
	rc = db_prepare_cached(db, &st, "SELECT id, state = 'expired' FROM jobs WHERE page_url = ?1"
			" AND (state = 'expired') = (valid_through IS NULL OR valid_through >= ?2)");
	if (!rc && !(rc = db_bind_text(st, 1, page_url)) && !(rc = db_bind_text(st, 2, day)))
		while (!(rc = db_step(st, &row)) && row) {
			if (!sqlite3_column_int(st, 1))
				db->promote_due = true;
			else if ((rc = push_id(&back, &nback, &cap, sqlite3_column_int64(st, 0))))
				break;
		}
	db_release(db, st);
	st = NULL;
	if (!rc)
		rc = db_prepare_cached(db, &st, "UPDATE jobs SET last_seen = ?2, last_run_id = ?3, missed_runs = 0,"
			" dup_of = CASE WHEN (valid_through IS NULL OR valid_through >= ?4)"
			"  AND state != 'duplicate' THEN NULL ELSE dup_of END,"
			" state = CASE WHEN valid_through IS NOT NULL AND valid_through < ?4"
			"  THEN 'expired' WHEN state = 'duplicate' THEN state ELSE 'active' END"
			" WHERE page_url = ?1");
	if (!rc && !(rc = db_bind_text(st, 1, page_url)) && !(rc = db_bind_int(st, 2, db_now())) &&
	    !(rc = db_bind_int(st, 3, run_id)) && !(rc = db_bind_text(st, 4, day)))
		rc = db_step(st, NULL);
	db_release(db, st);
	if (!rc)
		changes = sqlite3_changes(db->h);
	for (size_t i = 0; i < nback && !rc; i++)
		rc = regroup(db, back[i], false);
	if (!rc && own_tx)
		rc = db_commit(db);
	if (rc && own_tx)
		db_rollback(db);
	free(back);
	if (!rc && n)
		*n = changes;
	return rc;
}

enum tj_code store_page_fetched(struct db *db, const char *url, const char *source_id,
				int64_t run_id, long http_status, const char *etag,
				const char *last_modified, const char *error)
{
	sqlite3_stmt *st = NULL;
	enum tj_code rc;

	/* a 304 keeps the validators we sent; only a full answer replaces them */
	rc = db_prepare_cached(db, &st,
		"INSERT INTO pages(url, source_id, state, run_id, http_status, etag, last_modified,"
		" fetched_at, error) VALUES (?1, ?2, CASE WHEN ?7 IS NULL THEN 'done' ELSE 'failed' END,"
		" ?3, ?4, ?5, ?6, ?8, ?7)"
		" ON CONFLICT(url) DO UPDATE SET source_id = ?2, run_id = ?3, http_status = ?4,"
		"  state = CASE WHEN ?7 IS NULL THEN 'done' ELSE 'failed' END,"
		"  etag = CASE WHEN ?4 = 304 THEN etag ELSE ?5 END,"
		"  last_modified = CASE WHEN ?4 = 304 THEN last_modified ELSE ?6 END,"
		"  fetched_at = ?8, error = ?7");
	if (!rc && !(rc = db_bind_text(st, 1, url)) && !(rc = db_bind_text(st, 2, source_id)) &&
	    !(rc = db_bind_int(st, 3, run_id)) && !(rc = db_bind_int(st, 4, http_status)) &&
	    !(rc = db_bind_text(st, 5, etag)) && !(rc = db_bind_text(st, 6, last_modified)) &&
	    !(rc = db_bind_text(st, 7, error)) && !(rc = db_bind_int(st, 8, db_now())))
		rc = db_step(st, NULL);
	db_release(db, st);
	return rc;
}

enum tj_code store_page_validators(struct db *db, const char *url, char **etag, char **last_modified)
{
	sqlite3_stmt *st = NULL;
	bool row = false;
	enum tj_code rc;

	*etag = NULL;
	*last_modified = NULL;
	rc = db_prepare_cached(db, &st, "SELECT etag, last_modified FROM pages WHERE url = ?1"
			" AND (http_status = 200 OR http_status = 304)");
	if (!rc && !(rc = db_bind_text(st, 1, url)))
		rc = db_step(st, &row);
	if (!rc && row) {
		const char *e = db_col_text(st, 0), *lm = db_col_text(st, 1);

		if ((e && !(*etag = strdup(e))) || (lm && !(*last_modified = strdup(lm)))) {
			free(*etag);
			*etag = NULL;
			rc = tj_error(TJ_ENOMEM, "out of memory reading page validators");
		}
	}
	db_release(db, st);
	return rc;
}

enum tj_code store_page_queue(struct db *db, const char *url, const char *source_id,
			      int64_t run_id, int depth)
{
	sqlite3_stmt *st = NULL;
	enum tj_code rc;

	/* a page already known to this run keeps its state: queueing it again
	 * after a resume must not make a fetched page look unfetched */
	rc = db_prepare_cached(db, &st,
		"INSERT INTO pages(url, source_id, depth, state, run_id) VALUES (?1, ?2, ?4, 'queued', ?3)"
		" ON CONFLICT(url) DO UPDATE SET source_id = ?2, depth = ?4, state = 'queued', run_id = ?3"
		" WHERE run_id IS NOT ?3");
	if (!rc && !(rc = db_bind_text(st, 1, url)) && !(rc = db_bind_text(st, 2, source_id)) &&
	    !(rc = db_bind_int(st, 3, run_id)) && !(rc = db_bind_int(st, 4, depth)))
		rc = db_step(st, NULL);
	db_release(db, st);
	return rc;
}

enum tj_code store_page_blocked(struct db *db, const char *url, const char *source_id,
				int64_t run_id, const char *why)
{
	sqlite3_stmt *st = NULL;
	enum tj_code rc;

	rc = db_prepare_cached(db, &st,
		"INSERT INTO pages(url, source_id, state, run_id, error, fetched_at)"
		" VALUES (?1, ?2, 'blocked', ?3, ?4, ?5)"
		" ON CONFLICT(url) DO UPDATE SET source_id = ?2, state = 'blocked', run_id = ?3,"
		"  error = ?4, fetched_at = ?5");
	if (!rc && !(rc = db_bind_text(st, 1, url)) && !(rc = db_bind_text(st, 2, source_id)) &&
	    !(rc = db_bind_int(st, 3, run_id)) && !(rc = db_bind_text(st, 4, why)) &&
	    !(rc = db_bind_int(st, 5, db_now())))
		rc = db_step(st, NULL);
	db_release(db, st);
	return rc;
}

enum tj_code store_run_resumable(struct db *db, const char *source_id, int64_t *run_id)
{
	sqlite3_stmt *st = NULL;
	bool row = false;
	enum tj_code rc;

	*run_id = 0;
	rc = db_prepare(db, &st, "SELECT id, status FROM crawl_runs WHERE source_id = ?1"
			" ORDER BY id DESC LIMIT 1");
	if (!rc && !(rc = db_bind_text(st, 1, source_id)))
		rc = db_step(st, &row);
	if (!rc && row) {
		const char *status = db_col_text(st, 1);

		if (status && (!strcmp(status, "running") || !strcmp(status, "interrupted")))
			*run_id = sqlite3_column_int64(st, 0);
	}
	db_finalize(st);
	if (!rc && *run_id) {
		st = NULL;
		rc = db_prepare(db, &st, "UPDATE crawl_runs SET status = 'running', finished_at = NULL"
				" WHERE id = ?1");
		if (!rc && !(rc = db_bind_int(st, 1, *run_id)))
			rc = db_step(st, NULL);
		db_finalize(st);
	}
	return rc;
}

enum tj_code store_run_pages(struct db *db, int64_t run_id,
			     enum tj_code (*fn)(const char *url, int depth, bool queued, bool done, void *ctx),
			     void *ctx)
{
	sqlite3_stmt *st = NULL;
	bool row = true;
	enum tj_code rc;

	rc = db_prepare(db, &st, "SELECT url, depth, state = 'queued', state = 'done' FROM pages WHERE run_id = ?1"
			" ORDER BY rowid");
	if (!rc)
		rc = db_bind_int(st, 1, run_id);
	while (!rc && !(rc = db_step(st, &row)) && row)
		rc = fn(db_col_text(st, 0), sqlite3_column_int(st, 1), sqlite3_column_int(st, 2),
			sqlite3_column_int(st, 3), ctx);
	db_finalize(st);
	return rc;
}

static enum tj_code get_time(const json_t *rec, const char *k, int64_t *out)
{
	json_t *v = json_object_get(rec, k);

	if (!json_is_integer(v))
		return tj_error(TJ_EPARSE, "'%s': expected a timestamp (seconds)", k);
	*out = json_integer_value(v);
	return TJ_OK;
}

enum tj_code store_import(struct db *db, const json_t *rec, bool replace, bool *added)
{
	struct posting p;
	sqlite3_stmt *st = NULL;
	const char *key = json_string_value(json_object_get(rec, "key"));
	const char *state = json_string_value(json_object_get(rec, "state"));
	const char *page_url = json_string_value(json_object_get(rec, "page_url"));
	json_t *hist = json_object_get(rec, "history"), *obj = NULL, *h;
	char *fp = NULL, *json = NULL;
	int64_t first = 0, last = 0, changed = 0, id = 0;
	bool row = false;
	size_t i;
	enum tj_code rc;

	*added = false;
	posting_init(&p);
	if (!key || !*key)
		return tj_error(TJ_EPARSE, "'key': expected a string");
	if (!state || (strcmp(state, "active") && strcmp(state, "expired") && strcmp(state, "duplicate")))
		return tj_error(TJ_EPARSE, "'state': expected active, expired or duplicate");
	if ((rc = get_time(rec, "first_seen", &first)) || (rc = get_time(rec, "last_seen", &last)) ||
	    (rc = get_time(rec, "last_changed", &changed)) || (rc = posting_from_json(&p, rec)))
		goto out;
	if (!p.source_id || !p.url || !p.title) {
		rc = tj_error(TJ_EPARSE, "a posting needs 'source', 'url' and 'title'");
		goto out;
	}
	if (hist && !json_is_array(hist)) {
		rc = tj_error(TJ_EPARSE, "'history': expected an array");
		goto out;
	}
	fp = store_fingerprint(&p);
	obj = posting_to_json(&p);
	json = obj ? json_dumps(obj, JSON_COMPACT) : NULL;
	if (!fp || !json) {
		rc = tj_error(TJ_ENOMEM, "out of memory importing a posting");
		goto out;
	}
	if ((rc = db_prepare(db, &st, "SELECT id FROM jobs WHERE key = ?1")) ||
	    (rc = db_bind_text(st, 1, key)) || (rc = db_step(st, &row)))
		goto out;
	id = row ? sqlite3_column_int64(st, 0) : 0;
	db_finalize(st);
	st = NULL;
	if (id && !replace)
		goto out;
	if (id) {
		/* the delete trigger takes the old row out of the FTS index */
		if ((rc = db_prepare(db, &st, "DELETE FROM job_history WHERE job_id = ?1")) ||
		    (rc = db_bind_int(st, 1, id)) || (rc = db_step(st, NULL)))
			goto out;
		db_finalize(st);
		st = NULL;
		if ((rc = db_prepare(db, &st, "DELETE FROM jobs WHERE id = ?1")) ||
		    (rc = db_bind_int(st, 1, id)) || (rc = db_step(st, NULL)))
			goto out;
		db_finalize(st);
		st = NULL;
	}
	rc = db_prepare(db, &st, "INSERT INTO jobs(key, " POSTING_COLUMNS ", first_seen,"
			" last_seen, last_changed, last_run_id, missed_runs, dup_of) VALUES (?1, ?2, ?3, ?4,"
			" ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,"
			" ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, NULL, 0, ?34)");
	if (rc || (rc = db_bind_text(st, 1, key)) ||
	    (rc = bind_posting_columns(st, &p, page_url, json, fp, state)) ||
	    (rc = db_bind_int(st, 31, first)) || (rc = db_bind_int(st, 32, last)) ||
	    (rc = db_bind_int(st, 33, changed)))
		goto out;
	if (json_is_integer(json_object_get(rec, "dup_of")))
		rc = db_bind_int(st, 34, json_integer_value(json_object_get(rec, "dup_of")));
	if (rc || (rc = db_step(st, NULL)))
		goto out;
	id = sqlite3_last_insert_rowid(db->h);
	db_finalize(st);
	st = NULL;
	if ((rc = store_dedupe_columns(db, id, &p)))
		goto out;
	json_array_foreach(hist, i, h) {
		json_t *at = json_object_get(h, "changed_at"), *old = json_object_get(h, "posting");
		char *text;

		if (!json_is_integer(at) || !json_is_object(old)) {
			rc = tj_error(TJ_EPARSE, "'history'[%zu]: expected {\"changed_at\": seconds, "
				      "\"posting\": {...}}", i);
			goto out;
		}
		text = json_dumps(old, JSON_COMPACT);
		if (!text) {
			rc = tj_error(TJ_ENOMEM, "out of memory importing history");
			goto out;
		}
		rc = db_prepare(db, &st, "INSERT INTO job_history(job_id, changed_at, posting_json)"
				" VALUES (?1, ?2, ?3)");
		if (!rc && !(rc = db_bind_int(st, 1, id)) &&
		    !(rc = db_bind_int(st, 2, json_integer_value(at))) && !(rc = db_bind_text(st, 3, text)))
			rc = db_step(st, NULL);
		free(text);
		db_finalize(st);
		st = NULL;
		if (rc)
			goto out;
	}
	*added = true;
out:
	db_finalize(st);
	json_decref(obj);
	free(fp);
	free(json);
	posting_release(&p);
	return rc;
}
