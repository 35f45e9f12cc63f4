/*-------------------------------------------------------------------------
 *
 * write.c
 *	  The one write path: every move and edit of a case, by every API
 *	  function of every kind, is one compare-and-set call here, authorised
 *	  here (design.md §1, "Moves go through the API").
 *
 * This file owns
 *
 *	- sqm.write(kind, org, id, expected_state, new_state, changes, reason):
 *	  authorises the caller, then writes the columns named in changes (of
 *	  the case row and of its details row; values as text, converted with
 *	  the columns' input functions) and the new state, compare-and-set on
 *	  the expected state (SQ003 if the case is elsewhere), with the reason
 *	  for the audit trail; sqm.move_object(), the same for a move that
 *	  carries no data, which is granted to the roles that handle cases;
 *	- the authorisation the API asks before it reads what a write needs:
 *	  sqm.authorize_write() (as sqm.write would), sqm.authorize_object() (a
 *	  named action of a kind on a case), sqm.authorize_create() (creating a
 *	  case for a unit) and sqm.authorize_case() (a capability on a case of
 *	  any kind, for case links);
 *	- the kept plans, per governed or details table and set of columns,
 *	  their invalidation (relcache callback) and sqm.write_cache_stats().
 *
 * Capabilities come only from the lifecycle data (lifecycle.c reads it): a
 * move needs its sqm.lifecycle_move.capability, an edit (a write that stays
 * in its state) the kind's "edit" action in sqm.lifecycle_action, and a
 * write naming a column that has an "edit" action of its own (e.g. who
 * decided seriousness) needs that capability too.  Who holds a capability
 * is the organisation's delegation order (access.c).
 *
 * Order of a write: the capability is checked to be held somewhere in the
 * organisation (42501 otherwise); the case's unit is read without a lock,
 * as its table's owner, and the caller's roles must cover it (42704 "no
 * <kind> N that you may ...", the same whether it exists or not); only then
 * is anything locked or written.  A write of details columns locks the case
 * (FOR NO KEY UPDATE), checks its state, writes the details row and then
 * the case; a write of the case alone is one UPDATE whose condition holds
 * the expected state and the authorised unit, re-checked on the newest row
 * version when it waits for a concurrent writer (READ COMMITTED).  So a
 * stale caller fails instead of making another move than it meant.
 *
 * The reason goes to the audit trail through the context of the write
 * (sqm_audit_set_context, audit.c): set with source "api" once the caller
 * is authorised, before anything is written, and cleared after the last
 * UPDATE, so that it covers the details edit and the move of one call and
 * nothing after it (a later direct write in the same transaction records no
 * reason).  If the write fails, the context goes with the aborted
 * (sub)transaction.  API writes that are not moves or edits (creations,
 * case links, changes of the delegation order) set the same context from
 * SQL (sqm.audit_set_context).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/catcache.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

#include "sqm.h"

/* Key of a kept plan: "<relid>/<what>/<columns>". */
#define WP_KEYLEN	(NAMEDATALEN * 16)
/* More kept plans than this and the cache starts afresh. */
#define WP_MAX_PLANS 512
/* A case whose unit changes under a write is authorised again this often. */
#define WP_MAX_RETRIES 3

typedef enum WpWhat
{
	WP_READ = 'r',				/* unit_id, state of a case, no lock */
	WP_LOCK = 'l',				/* the same, FOR NO KEY UPDATE */
	WP_CASE = 'c',				/* UPDATE of the case: state and columns */
	WP_DETAILS = 'd'			/* UPDATE of the details row: columns */
} WpWhat;

/* A kept plan; entry of wp_plans. */
typedef struct WpPlan
{
	char		key[WP_KEYLEN];
	Oid			relid;
	bool		valid;			/* false once a relcache callback saw the table */
	SPIPlanPtr	plan;
	MemoryContext cxt;			/* the arrays below */
	bool		has_unit;		/* the table has unit_id bigint */
	int			ncols;
	Oid		   *types;
	int32	   *typmods;
	Oid		   *ioparams;
	FmgrInfo   *inputs;
} WpPlan;

/* A column named in changes. */
typedef struct WpColumn
{
	char	   *name;
	char	   *value;			/* its text; NULL: SQL NULL */
	bool		details;		/* a column of the details table */
} WpColumn;

/* What a write is, with copies of the kind's data (no pointers into the cache). */
typedef struct WpWrite
{
	char	   *kind;
	char	   *label;
	Oid			governed;
	Oid			details;
	int64		org;
	int64		id;
	char	   *expected;
	char	   *target;
	bool		move;
	int			ncaps;
	char	  **caps;			/* [0] the move's or edit's, then columns' */
	SqmAuthWhat *whats;			/* what each is for, in messages */
	int			ncase;
	WpColumn   *case_cols;		/* sorted by name */
	int			ndetails;
	WpColumn   *details_cols;	/* sorted by name */
} WpWrite;

static HTAB *wp_plans = NULL;
static MemoryContext wp_cxt = NULL;

/* sqm.write_cache_stats() */
static int64 wp_prepares = 0;
static int64 wp_hits = 0;

PG_FUNCTION_INFO_V1(sqm_write);
PG_FUNCTION_INFO_V1(sqm_move_object);
PG_FUNCTION_INFO_V1(sqm_authorize_write);
PG_FUNCTION_INFO_V1(sqm_authorize_object);
PG_FUNCTION_INFO_V1(sqm_authorize_create);
PG_FUNCTION_INFO_V1(sqm_authorize_case);
PG_FUNCTION_INFO_V1(sqm_write_cache_stats);


/* ----------------------------------------------------------------
 *		Kept plans
 * ----------------------------------------------------------------
 */

static void
wp_free_plan(WpPlan *p)
{
	if (p->plan != NULL)
		SPI_freeplan(p->plan);
	p->plan = NULL;
	if (p->cxt != NULL)
		MemoryContextDelete(p->cxt);
	p->cxt = NULL;
	p->valid = false;
}

/* Only marks plans invalid; the next use prepares them again. */
static void
wp_relcache_callback(Datum arg, Oid relid)
{
	HASH_SEQ_STATUS status;
	WpPlan	   *p;

	if (wp_plans == NULL)
		return;
	hash_seq_init(&status, wp_plans);
	while ((p = hash_seq_search(&status)) != NULL)
		if (!OidIsValid(relid) || p->relid == relid)
			p->valid = false;
}

void
sqm_write_init(void)
{
	sqm_register_relcache_callback(wp_relcache_callback);
}

/* Whether the table has unit_id bigint (the protocol's; a table without is organisation-wide). */
static bool
wp_has_unit(Oid relid)
{
	AttrNumber	attnum = get_attnum(relid, "unit_id");

	return attnum > 0 && get_atttype(relid, attnum) == INT8OID;
}

/*
 * The query of a plan.  Every operator is pg_catalog's: the plan is kept
 * and may be prepared under any search_path.
 */
static char *
wp_query(WpWhat what, Oid relid, bool has_unit, int ncols, const WpColumn *cols)
{
	StringInfoData q;
	char	   *table = sqm_relation_name(relid);
	int			i;

	initStringInfo(&q);
	switch (what)
	{
		case WP_READ:
		case WP_LOCK:
			appendStringInfo(&q, "SELECT %s, t.state FROM %s t"
							 " WHERE t.org_id OPERATOR(pg_catalog.=) $1 AND t.id OPERATOR(pg_catalog.=) $2%s",
							 has_unit ? "t.unit_id" : "NULL::pg_catalog.int8", table,
							 what == WP_LOCK ? " FOR NO KEY UPDATE OF t" : "");
			break;
		case WP_CASE:
			appendStringInfo(&q, "UPDATE %s t SET state = $3", table);
			for (i = 0; i < ncols; i++)
				appendStringInfo(&q, ", %s = $%d", quote_identifier(cols[i].name), i + 4);
			appendStringInfo(&q, " WHERE t.org_id OPERATOR(pg_catalog.=) $1 AND t.id OPERATOR(pg_catalog.=) $2"
							 " AND t.state OPERATOR(pg_catalog.=) $%d", ncols + 4);
			if (has_unit)
				appendStringInfo(&q, " AND (t.unit_id OPERATOR(pg_catalog.=) $%d"
								 " OR (t.unit_id IS NULL AND $%d IS NULL))", ncols + 5, ncols + 5);
			break;
		case WP_DETAILS:
			appendStringInfo(&q, "UPDATE %s d SET ", table);
			for (i = 0; i < ncols; i++)
				appendStringInfo(&q, "%s%s = $%d", i > 0 ? ", " : "", quote_identifier(cols[i].name), i + 3);
			appendStringInfoString(&q, " WHERE d.org_id OPERATOR(pg_catalog.=) $1 AND d.id OPERATOR(pg_catalog.=) $2");
			break;
	}
	return q.data;
}

/*
 * Prepares a plan into an entry (whose key is set): the columns' types and
 * input functions, and the statement.  kept: for the life of the backend.
 */
static void
wp_prepare(WpPlan *p, WpWhat what, Oid relid, int ncols, const WpColumn *cols, bool kept)
{
	Oid		   *argtypes;
	int			nargs = 0;
	int			i;

	p->relid = relid;
	p->cxt = AllocSetContextCreate(kept ? wp_cxt : CurrentMemoryContext, "sqm write plan",
								   ALLOCSET_SMALL_SIZES);
	p->has_unit = wp_has_unit(relid);
	p->ncols = ncols;
	p->types = MemoryContextAlloc(p->cxt, sizeof(Oid) * Max(ncols, 1));
	p->typmods = MemoryContextAlloc(p->cxt, sizeof(int32) * Max(ncols, 1));
	p->ioparams = MemoryContextAlloc(p->cxt, sizeof(Oid) * Max(ncols, 1));
	p->inputs = MemoryContextAlloc(p->cxt, sizeof(FmgrInfo) * Max(ncols, 1));
	for (i = 0; i < ncols; i++)
	{
		AttrNumber	attnum = get_attnum(relid, cols[i].name);
		Oid			collation;
		Oid			input;

		if (attnum <= 0)
			elog(ERROR, "unexpected: column \"%s\" of %s vanished", cols[i].name, sqm_relation_name(relid));
		get_atttypetypmodcoll(relid, attnum, &p->types[i], &p->typmods[i], &collation);
		getTypeInputInfo(p->types[i], &input, &p->ioparams[i]);
		fmgr_info_cxt(input, &p->inputs[i], p->cxt);
	}

	argtypes = palloc(sizeof(Oid) * (ncols + 5));
	argtypes[nargs++] = INT8OID;
	argtypes[nargs++] = INT8OID;
	if (what == WP_CASE)
		argtypes[nargs++] = TEXTOID;
	for (i = 0; i < ncols; i++)
		argtypes[nargs++] = p->types[i];
	if (what == WP_CASE)
	{
		argtypes[nargs++] = TEXTOID;
		if (p->has_unit)
			argtypes[nargs++] = INT8OID;
	}
	p->plan = SPI_prepare(wp_query(what, relid, p->has_unit, ncols, cols), nargs, argtypes);
	if (p->plan == NULL)
		elog(ERROR, "unexpected failure of SPI_prepare for a write of %s: %s",
			 sqm_relation_name(relid), SPI_result_code_string(SPI_result));
	if (kept && SPI_keepplan(p->plan) != 0)
		elog(ERROR, "unexpected failure of SPI_keepplan");
	p->valid = true;
	wp_prepares++;
}

/*
 * The plan of a statement of a table and set of columns (sorted by name),
 * kept and prepared again after the table changed.  Called within SPI.
 */
static WpPlan *
wp_plan(WpWhat what, Oid relid, int ncols, const WpColumn *cols)
{
	StringInfoData key;
	WpPlan	   *p;
	bool		found;
	int			i;

	if (wp_plans == NULL || hash_get_num_entries(wp_plans) >= WP_MAX_PLANS)
	{
		HASHCTL		ctl;

		if (wp_cxt == NULL)
		{
			if (CacheMemoryContext == NULL)
				CreateCacheMemoryContext();
			wp_cxt = AllocSetContextCreate(CacheMemoryContext, "sqm write plans", ALLOCSET_SMALL_SIZES);
		}
		if (wp_plans != NULL)
		{
			HASH_SEQ_STATUS status;

			hash_seq_init(&status, wp_plans);
			while ((p = hash_seq_search(&status)) != NULL)
				if (p->plan != NULL)
					SPI_freeplan(p->plan);
			MemoryContextReset(wp_cxt);
		}
		ctl.keysize = WP_KEYLEN;
		ctl.entrysize = sizeof(WpPlan);
		ctl.hcxt = wp_cxt;
		wp_plans = hash_create("sqm write plans", 32, &ctl, HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);
	}

	initStringInfo(&key);
	appendStringInfo(&key, "%u/%c/", relid, (char) what);
	for (i = 0; i < ncols; i++)
		appendStringInfo(&key, "%s%s", i > 0 ? "," : "", cols[i].name);
	if (key.len >= WP_KEYLEN)
	{
		/* too many columns to keep a plan for: prepare one for this call */
		p = palloc0(sizeof(WpPlan));
		wp_prepare(p, what, relid, ncols, cols, false);
		return p;
	}

	p = hash_search(wp_plans, key.data, HASH_ENTER, &found);
	if (!found)
	{
		p->plan = NULL;
		p->cxt = NULL;
		p->valid = false;
	}
	if (!p->valid)
	{
		wp_free_plan(p);
		wp_prepare(p, what, relid, ncols, cols, true);
	}
	else
		wp_hits++;
	return p;
}

/* Runs a plan as its table's owner, with row-level security off (the caller is authorised). */
static int
wp_execute(WpPlan *p, Datum *values, const char *nulls, bool read_only)
{
	Oid			save_userid;
	int			save_sec_context;
	int			ret;

	sqm_become_owner(p->relid, &save_userid, &save_sec_context);
	ret = SPI_execute_plan(p->plan, values, nulls, read_only, 1);
	SetUserIdAndSecContext(save_userid, save_sec_context);
	return ret;
}

/* A case's unit and state, read by a read or lock plan; false if there is no such case. */
static bool
wp_read_case(WpWhat what, Oid relid, int64 org, int64 id, bool *unit_null, int64 *unit, char **state)
{
	WpPlan	   *p = wp_plan(what, relid, 0, NULL);
	Datum		values[2] = {Int64GetDatum(org), Int64GetDatum(id)};
	Datum		d;
	int			ret;

	ret = wp_execute(p, values, NULL, false);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "unexpected SPI result %d reading %s", ret, sqm_relation_name(relid));
	*unit_null = true;
	*unit = 0;
	if (state != NULL)
		*state = NULL;
	if (SPI_processed == 0)
		return false;
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, unit_null);
	if (!*unit_null)
		*unit = DatumGetInt64(d);
	if (state != NULL)
		*state = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2);
	return true;
}


/* ----------------------------------------------------------------
 *		Preparing a write
 * ----------------------------------------------------------------
 */

/* The text of a value of changes, as ->> gives it; NULL for JSON null. */
static char *
wp_value_text(JsonbValue *v)
{
	switch (v->type)
	{
		case jbvNull:
			return NULL;
		case jbvString:
			return pnstrdup(v->val.string.val, v->val.string.len);
		case jbvNumeric:
			return DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(v->val.numeric)));
		case jbvBool:
			return pstrdup(v->val.boolean ? "true" : "false");
		case jbvBinary:
			return JsonbToCString(NULL, v->val.binary.data, v->val.binary.len);
		default:
			elog(ERROR, "unexpected jsonb value type %d", (int) v->type);
	}
	return NULL;
}

static int
wp_column_cmp(const void *a, const void *b)
{
	return strcmp(((const WpColumn *) a)->name, ((const WpColumn *) b)->name);
}

/* Adds a capability the write needs (once), with what it is for. */
static void
wp_add_capability(WpWrite *w, const char *capability, const char *verb, const char *suffix)
{
	int			i;

	for (i = 0; i < w->ncaps; i++)
		if (strcmp(w->caps[i], capability) == 0)
			return;
	w->caps[w->ncaps] = pstrdup(capability);
	w->whats[w->ncaps].label = w->label;
	w->whats[w->ncaps].id = w->id;
	w->whats[w->ncaps].verb = pstrdup(verb);
	w->whats[w->ncaps].suffix = pstrdup(suffix);
	w->ncaps++;
}

/*
 * What a write is: the kind, the states, the capabilities it needs and the
 * columns it sets.  Everything here is checked against the definitions only
 * (facts of the schema, not of cases), before the caller is authorised.
 */
static void
wp_prepare_write(WpWrite *w, const char *kindname, int64 org, int64 id,
				 const char *expected, const char *target, Jsonb *changes)
{
	SqmKind    *kind = sqm_kind_or_error(kindname);
	int			from = sqm_kind_state(kind, expected);
	int			to = sqm_kind_state(kind, target);
	const char *capability;
	const char *verb;
	int			ncols = 0;
	WpColumn   *cols = NULL;
	int			i;

	memset(w, 0, sizeof(*w));
	w->kind = pstrdup(sqm_kind_name(kind));
	w->label = pstrdup(sqm_kind_label(kind));
	w->governed = sqm_kind_governed(kind);
	w->details = sqm_kind_details(kind);
	w->org = org;
	w->id = id;
	w->expected = pstrdup(expected);
	w->target = pstrdup(target);
	w->move = (from != to);

	if (changes != NULL && !JB_ROOT_IS_OBJECT(changes))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the changes of %s %lld must be a JSON object", w->label, (long long) id),
				 errhint("Name each column with its new value as text, e.g. {\"severity\": \"low\"}.")));
	if (changes != NULL)
	{
		JsonbIterator *it = JsonbIteratorInit(&changes->root);
		JsonbValue	v;
		JsonbIteratorToken r;
		char	   *name = NULL;

		cols = palloc(sizeof(WpColumn) * Max(JsonContainerSize(&changes->root), 1));
		while ((r = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
		{
			if (r == WJB_KEY)
				name = pnstrdup(v.val.string.val, v.val.string.len);
			else if (r == WJB_VALUE)
			{
				cols[ncols].name = name;
				cols[ncols].value = wp_value_text(&v);
				ncols++;
			}
		}
	}

	/* the columns, of the case row or of its details row */
	w->case_cols = palloc(sizeof(WpColumn) * Max(ncols, 1));
	w->details_cols = palloc(sizeof(WpColumn) * Max(ncols, 1));
	for (i = 0; i < ncols; i++)
	{
		WpColumn   *c = &cols[i];

		if (strcmp(c->name, "org_id") == 0 || strcmp(c->name, "id") == 0 ||
			strcmp(c->name, "state") == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("a write of %s %lld cannot set %s", w->label, (long long) id, c->name),
					 errdetail("An object's organisation and id are fixed; its state is the write's new state.")));
		if (get_attnum(w->governed, c->name) > 0)
			w->case_cols[w->ncase++] = *c;
		else if (OidIsValid(w->details) && get_attnum(w->details, c->name) > 0)
		{
			c->details = true;
			w->details_cols[w->ndetails++] = *c;
		}
		else
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("%s has no column \"%s\"", w->label, c->name),
					 OidIsValid(w->details) ?
					 errhint("A write sets columns of %s and %s.", sqm_relation_name(w->governed),
							 sqm_relation_name(w->details)) :
					 errhint("A write sets columns of %s.", sqm_relation_name(w->governed))));
	}
	if (w->ncase > 1)
		qsort(w->case_cols, w->ncase, sizeof(WpColumn), wp_column_cmp);
	if (w->ndetails > 1)
		qsort(w->details_cols, w->ndetails, sizeof(WpColumn), wp_column_cmp);

	/* the capabilities: the move's or the edit's, then the columns' own */
	w->caps = palloc(sizeof(char *) * (ncols + 1));
	w->whats = palloc(sizeof(SqmAuthWhat) * (ncols + 1));
	if (w->move)
	{
		capability = sqm_kind_move_capability(kind, id, from, to);
		wp_add_capability(w, capability, "move", psprintf(" to \"%s\"", target));
	}
	else
	{
		capability = sqm_kind_action(kind, "edit", NULL, &verb);
		if (capability == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_SQM_ILLEGAL_MOVE),
					 errmsg("%s %lld cannot be edited: lifecycle kind \"%s\" has no action \"edit\"",
							w->label, (long long) id, w->kind),
					 errdetail("A write that stays in state \"%s\" is an edit.", expected),
					 errhint("Add the action edit, with the capability it needs, to sqm.lifecycle_action.")));
		wp_add_capability(w, capability, verb, "");
	}
	for (i = 0; i < w->ncase + w->ndetails; i++)
	{
		WpColumn   *c = i < w->ncase ? &w->case_cols[i] : &w->details_cols[i - w->ncase];

		capability = sqm_kind_action(kind, "edit", c->name, &verb);
		if (capability != NULL)
			wp_add_capability(w, capability, verb, "");
	}
}

/* Every capability of the write, for a case (found or not) of that unit. */
static void
wp_authorize_found(WpWrite *w, bool found, bool unit_null, int64 unit)
{
	int			i;

	for (i = 0; i < w->ncaps; i++)
		sqm_authorize_found(w->org, found, unit_null, unit, w->caps[i], &w->whats[i]);
}

/*
 * Authorises the write: every capability held somewhere in the
 * organisation (42501), then the case's unit, read without a lock, covered
 * (42704).  Returns the unit; called within SPI.
 */
static bool
wp_authorize(WpWrite *w, bool *unit_null, int64 *unit, char **state)
{
	bool		found;
	int			i;

	for (i = 0; i < w->ncaps; i++)
		sqm_authorize_anywhere(w->org, w->caps[i], &w->whats[i]);
	found = wp_read_case(WP_READ, w->governed, w->org, w->id, unit_null, unit, state);
	wp_authorize_found(w, found, *unit_null, *unit);
	return found;
}

static void
wp_stale(WpWrite *w, const char *current)
{
	ereport(ERROR,
			(errcode(ERRCODE_SQM_STALE_STATE),
			 errmsg("%s %lld is not in state \"%s\"", w->label, (long long) w->id, w->expected),
			 current != NULL ? errdetail("It is in state \"%s\".", current) : errdetail("It has no state."),
			 errhint("Reload the object and try again.")));
}

/* Binds a plan's column values: each column's text through its input function. */
static void
wp_bind_columns(WpPlan *p, const WpColumn *cols, Datum *values, char *nulls)
{
	int			i;

	for (i = 0; i < p->ncols; i++)
	{
		values[i] = InputFunctionCall(&p->inputs[i], cols[i].value, p->ioparams[i], p->typmods[i]);
		nulls[i] = cols[i].value == NULL ? 'n' : ' ';
	}
}


/* ----------------------------------------------------------------
 *		The write
 * ----------------------------------------------------------------
 */

static void
wp_write(WpWrite *w, const char *reason)
{
	bool		unit_null;
	int64		unit;
	char	   *state;
	int			attempt;
	int			save_nestlevel;

	/*
	 * The triggers, guards and row checks the write fires run with
	 * search_path pg_catalog, pg_temp -- as under the API's SECURITY DEFINER
	 * functions, whose SET clause this is -- whatever the caller's (a
	 * planted operator is never found).  An error restores it with the
	 * (sub)transaction.
	 */
	save_nestlevel = NewGUCNestLevel();
	(void) set_config_option("search_path", "pg_catalog, pg_temp", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "unexpected failure of SPI_connect");

	(void) wp_authorize(w, &unit_null, &unit, &state);

	/*
	 * The source and reason of the events this write leaves (the details
	 * edit and the case's move or edit), for them only.
	 */
	sqm_audit_set_context("api", reason);

	if (w->ndetails > 0)
	{
		WpPlan	   *p;
		Datum	   *values;
		char	   *nulls;
		bool		locked_unit_null;
		int64		locked_unit;
		int			ret;

		/* lock the case, so that its state cannot change under its details */
		if (!wp_read_case(WP_LOCK, w->governed, w->org, w->id, &locked_unit_null, &locked_unit, &state))
			wp_authorize_found(w, false, true, 0);
		if (locked_unit_null != unit_null || locked_unit != unit)
		{
			wp_authorize_found(w, true, locked_unit_null, locked_unit);
			unit_null = locked_unit_null;
			unit = locked_unit;
		}
		if (state == NULL || strcmp(state, w->expected) != 0)
			wp_stale(w, state);

		p = wp_plan(WP_DETAILS, w->details, w->ndetails, w->details_cols);
		values = palloc(sizeof(Datum) * (w->ndetails + 2));
		nulls = palloc(w->ndetails + 3);
		values[0] = Int64GetDatum(w->org);
		values[1] = Int64GetDatum(w->id);
		nulls[0] = nulls[1] = ' ';
		wp_bind_columns(p, w->details_cols, values + 2, nulls + 2);
		nulls[w->ndetails + 2] = '\0';
		ret = wp_execute(p, values, nulls, false);
		if (ret != SPI_OK_UPDATE)
			elog(ERROR, "unexpected SPI result %d writing the details of %s %lld", ret, w->label,
				 (long long) w->id);
		if (SPI_processed == 0)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("%s %lld has no details row", w->label, (long long) w->id),
					 errhint("Every case has one row in %s; restore it from a backup.",
							 sqm_relation_name(w->details))));
	}

	if (!w->move && w->ncase == 0)
	{
		/* nothing more to write: the state must still be the one expected */
		if (w->ndetails == 0 && (state == NULL || strcmp(state, w->expected) != 0))
			wp_stale(w, state);
	}
	else
	{
		for (attempt = 0;; attempt++)
		{
			WpPlan	   *p = wp_plan(WP_CASE, w->governed, w->ncase, w->case_cols);
			int			nargs = w->ncase + 4 + (p->has_unit ? 1 : 0);
			Datum	   *values = palloc(sizeof(Datum) * nargs);
			char	   *nulls = palloc(nargs + 1);
			bool		now_unit_null;
			int64		now_unit;
			char	   *now_state;
			int			ret;

			values[0] = Int64GetDatum(w->org);
			values[1] = Int64GetDatum(w->id);
			values[2] = CStringGetTextDatum(w->target);
			memset(nulls, ' ', nargs);
			nulls[nargs] = '\0';
			wp_bind_columns(p, w->case_cols, values + 3, nulls + 3);
			values[w->ncase + 3] = CStringGetTextDatum(w->expected);
			if (p->has_unit)
			{
				values[w->ncase + 4] = Int64GetDatum(unit);
				nulls[w->ncase + 4] = unit_null ? 'n' : ' ';
			}
			ret = wp_execute(p, values, nulls, false);
			if (ret != SPI_OK_UPDATE)
				elog(ERROR, "unexpected SPI result %d writing %s %lld", ret, w->label, (long long) w->id);
			if (SPI_processed > 0)
				break;

			/* no row changed: say why */
			if (!wp_read_case(WP_READ, w->governed, w->org, w->id, &now_unit_null, &now_unit, &now_state))
				wp_authorize_found(w, false, true, 0);
			if (now_state == NULL || strcmp(now_state, w->expected) != 0)
				wp_stale(w, now_state);
			if ((now_unit_null != unit_null || now_unit != unit) && attempt < WP_MAX_RETRIES)
			{
				/* it moved to another unit meanwhile: authorise it there */
				wp_authorize_found(w, true, now_unit_null, now_unit);
				unit_null = now_unit_null;
				unit = now_unit;
				continue;
			}
			ereport(ERROR,
					(errcode(ERRCODE_SQM_STALE_STATE),
					 errmsg("%s %lld could not be %s from state \"%s\"", w->label, (long long) w->id,
							w->move ? "moved" : "changed", w->expected),
					 errdetail("It changed concurrently, or a row-level security policy or another trigger kept it unchanged."),
					 errhint("Reload the object and try again.")));
		}
	}

	sqm_audit_clear_context();
	SPI_finish();
	AtEOXact_GUC(true, save_nestlevel);
}

/* The arguments every write needs. */
static void
wp_require(FunctionCallInfo fcinfo, int nargs, const char *what)
{
	int			i;

	for (i = 0; i < nargs; i++)
		if (PG_ARGISNULL(i))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s needs a kind, an organisation, an id, the expected state and the new state", what),
					 errhint("Only the changes and the reason may be NULL.")));
}

/*
 * sqm.write(kind, org, id, expected_state, new_state, changes jsonb, reason):
 * the compare-and-set write of the API.  new_state = expected_state is an
 * edit.  Not granted to any role: the API functions call it, after
 * checking their arguments.
 */
Datum
sqm_write(PG_FUNCTION_ARGS)
{
	WpWrite		w;

	wp_require(fcinfo, 5, "sqm.write");
	wp_prepare_write(&w, text_to_cstring(PG_GETARG_TEXT_PP(0)), PG_GETARG_INT64(1), PG_GETARG_INT64(2),
					 text_to_cstring(PG_GETARG_TEXT_PP(3)), text_to_cstring(PG_GETARG_TEXT_PP(4)),
					 PG_ARGISNULL(5) ? NULL : PG_GETARG_JSONB_P(5));
	wp_write(&w, PG_ARGISNULL(6) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(6)));
	PG_RETURN_VOID();
}

/*
 * sqm.move_object(kind, org, id, expected_state, new_state, reason): a move
 * that carries no data of its own (the lifecycle engine refuses one whose
 * move requires columns).  Granted to the roles that handle cases.
 */
Datum
sqm_move_object(PG_FUNCTION_ARGS)
{
	WpWrite		w;
	SqmKind    *kind;
	int			from;
	int			to;

	wp_require(fcinfo, 5, "sqm.move_object");
	kind = sqm_kind_or_error(text_to_cstring(PG_GETARG_TEXT_PP(0)));
	from = sqm_kind_state(kind, text_to_cstring(PG_GETARG_TEXT_PP(3)));
	to = sqm_kind_state(kind, text_to_cstring(PG_GETARG_TEXT_PP(4)));
	if (from == to)				/* a move, never an edit: SQ001 */
		(void) sqm_kind_move_capability(kind, PG_GETARG_INT64(2), from, to);
	wp_prepare_write(&w, text_to_cstring(PG_GETARG_TEXT_PP(0)), PG_GETARG_INT64(1), PG_GETARG_INT64(2),
					 text_to_cstring(PG_GETARG_TEXT_PP(3)), text_to_cstring(PG_GETARG_TEXT_PP(4)), NULL);
	wp_write(&w, PG_ARGISNULL(5) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(5)));
	PG_RETURN_VOID();
}


/* ----------------------------------------------------------------
 *		Authorisation for the API
 * ----------------------------------------------------------------
 */

/*
 * sqm.authorize_write(kind, org, id, expected_state, new_state) RETURNS
 * bigint: authorises as sqm.write would (without the columns' own
 * capabilities), so that an API function may read what its write needs;
 * returns the case's unit.
 */
Datum
sqm_authorize_write(PG_FUNCTION_ARGS)
{
	WpWrite		w;
	bool		unit_null;
	int64		unit;

	wp_require(fcinfo, 5, "sqm.authorize_write");
	wp_prepare_write(&w, text_to_cstring(PG_GETARG_TEXT_PP(0)), PG_GETARG_INT64(1), PG_GETARG_INT64(2),
					 text_to_cstring(PG_GETARG_TEXT_PP(3)), text_to_cstring(PG_GETARG_TEXT_PP(4)), NULL);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "unexpected failure of SPI_connect");
	(void) wp_authorize(&w, &unit_null, &unit, NULL);
	SPI_finish();
	if (unit_null)
		PG_RETURN_NULL();
	PG_RETURN_INT64(unit);
}

/* Authorises a capability on a case of a kind; returns whether its unit is NULL, and the unit. */
static bool
wp_authorize_case(int64 org, Oid governed, const char *capability, const SqmAuthWhat *what, int64 *unit)
{
	bool		unit_null;
	bool		found;

	sqm_authorize_anywhere(org, capability, what);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "unexpected failure of SPI_connect");
	found = wp_read_case(WP_READ, governed, org, what->id, &unit_null, unit, NULL);
	SPI_finish();
	sqm_authorize_found(org, found, unit_null, *unit, capability, what);
	return unit_null;
}

/*
 * sqm.authorize_object(kind, org, id, action, for_kind DEFAULT NULL)
 * RETURNS bigint: authorises an action (sqm.lifecycle_action) on a case
 * of kind -- the action of for_kind when given (creating a case of one kind
 * for a case of another is the first kind's "create" on the other) -- and returns the
 * case's unit.
 */
Datum
sqm_authorize_object(PG_FUNCTION_ARGS)
{
	SqmKind    *kind;
	SqmKind    *actor_kind;
	const char *capability;
	const char *verb = NULL;
	SqmAuthWhat what;
	char	   *action;
	int64		unit;
	Oid			governed;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("sqm.authorize_object needs a kind, an organisation, an id and an action")));
	/* copy what is needed of each kind before the next lookup may reload the cache */
	kind = sqm_kind_or_error(text_to_cstring(PG_GETARG_TEXT_PP(0)));
	what.label = pstrdup(sqm_kind_label(kind));
	what.id = PG_GETARG_INT64(2);
	what.suffix = "";
	governed = sqm_kind_governed(kind);
	actor_kind = PG_ARGISNULL(4) ? kind : sqm_kind_or_error(text_to_cstring(PG_GETARG_TEXT_PP(4)));
	action = text_to_cstring(PG_GETARG_TEXT_PP(3));
	capability = sqm_kind_action(actor_kind, action, NULL, &verb);
	if (capability == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("lifecycle kind \"%s\" has no action \"%s\"", sqm_kind_name(actor_kind), action),
				 errhint("The actions of a kind, and the capability each needs, are in sqm.lifecycle_action.")));
	what.verb = pstrdup(verb);
	capability = pstrdup(capability);
	if (wp_authorize_case(PG_GETARG_INT64(1), governed, capability, &what, &unit))
		PG_RETURN_NULL();
	PG_RETURN_INT64(unit);
}

/*
 * sqm.authorize_case(org, kind, id, capability, verb, suffix) RETURNS
 * bigint: a capability named by other data (a case relation's) on a case of
 * any kind; returns its unit.  verb and suffix say what, in the messages:
 * "no <kind> 17 that you may <verb><suffix>".
 */
Datum
sqm_authorize_case(PG_FUNCTION_ARGS)
{
	SqmKind    *kind;
	SqmAuthWhat what;
	char	   *capability;
	int64		unit;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("sqm.authorize_case needs an organisation, a kind, an id and a capability")));
	kind = sqm_kind_or_error(text_to_cstring(PG_GETARG_TEXT_PP(1)));
	capability = text_to_cstring(PG_GETARG_TEXT_PP(3));
	what.label = pstrdup(sqm_kind_label(kind));
	what.id = PG_GETARG_INT64(2);
	what.verb = PG_ARGISNULL(4) ? "act on" : text_to_cstring(PG_GETARG_TEXT_PP(4));
	what.suffix = PG_ARGISNULL(5) ? "" : text_to_cstring(PG_GETARG_TEXT_PP(5));
	if (wp_authorize_case(PG_GETARG_INT64(0), sqm_kind_governed(kind), capability, &what, &unit))
		PG_RETURN_NULL();
	PG_RETURN_INT64(unit);
}

/*
 * sqm.authorize_create(kind, org, unit): creating a case of the kind for a
 * unit needs the kind's "create" action's capability for it (42501
 * otherwise, whether or not the unit exists: the API checks that after).
 */
Datum
sqm_authorize_create(PG_FUNCTION_ARGS)
{
	SqmKind    *kind;
	const char *capability;
	const char *verb = NULL;
	int64		org;
	bool		unit_null = PG_ARGISNULL(2);
	int64		unit = unit_null ? 0 : PG_GETARG_INT64(2);

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("sqm.authorize_create needs a kind and an organisation")));
	kind = sqm_kind_or_error(text_to_cstring(PG_GETARG_TEXT_PP(0)));
	org = PG_GETARG_INT64(1);
	capability = sqm_kind_action(kind, "create", NULL, &verb);
	if (capability == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("lifecycle kind \"%s\" has no action \"create\"", sqm_kind_name(kind)),
				 errhint("The actions of a kind, and the capability each needs, are in sqm.lifecycle_action.")));
	capability = pstrdup(capability);
	verb = pstrdup(verb);
	if (sqm_may(org, unit_null, unit, capability))
		PG_RETURN_VOID();
	if (unit_null)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to %s organisation %lld", verb, (long long) org),
				 errdetail("The caller (%s) has no sqm role with capability \"%s\" for the whole of organisation %lld.",
						   sqm_caller_description(), capability, (long long) org),
				 errhint("A quality coordinator grants roles with sqm.grant_membership() and sets who holds which capability with sqm.set_delegation().")));
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("permission denied to %s unit %lld", verb, (long long) unit),
			 errdetail("The caller (%s) has no sqm role with capability \"%s\" for unit %lld of organisation %lld.",
					   sqm_caller_description(), capability, (long long) unit, (long long) org),
			 errhint("A quality coordinator grants roles with sqm.grant_membership() and sets who holds which capability with sqm.set_delegation().")));
	PG_RETURN_VOID();
}

/* sqm.write_cache_stats(): one row (prepares, hits) of this session. */
Datum
sqm_write_cache_stats(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Datum		values[2];
	bool		nulls[2] = {false, false};

	InitMaterializedSRF(fcinfo, 0);
	values[0] = Int64GetDatum(wp_prepares);
	values[1] = Int64GetDatum(wp_hits);
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	return (Datum) 0;
}
