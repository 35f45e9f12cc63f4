/*-------------------------------------------------------------------------
 *
 * deviation.c
 *	  The rules of deviations (domain.md §3.1), in C for every writer: the
 *	  row check of the case, the row check of its details, and the guards
 *	  of its moves.
 *
 * The lifecycle engine (src/core/lifecycle.c) calls the row check
 * sqm.deviation_check(new, old) on every insert of a deviation and on every
 * update of the columns it watches (sqm.lifecycle_kind.row_check_on), and a
 * move's guard with the new row.  The details table's trigger
 * (src/core/row_check.c) calls sqm.deviation_detail_check(new, old) on every
 * insert of a details row and every update of its summary.  Each returns
 * nothing when the row may be written and raises, naming the deviation and
 * what is wrong, when it may not; none changes the row.  This file owns
 *
 *	- the row check: a deviation is not reported in the future and did not
 *	  happen after it was reported; its unit existed on the report date (in
 *	  the organisation's time zone, domain.md §2); each of its types is the
 *	  organisation's, valid on the report date, of its regime (SoL types
 *	  serve LSS reports), and named once;
 *	- the details check: the investigation summary is written only while the
 *	  deviation is under investigation (investigating or escalated) and is
 *	  never empty -- a text of blanks is no summary;
 *	- the guards: measures are decided after a summary, with a measure that
 *	  is not cancelled; they are carried out when none is open and one was
 *	  done; followed up when each was evaluated; and the deviation closes
 *	  only with a summary and every linked measure carried out and evaluated
 *	  or cancelled with a reason -- or an explicit, justified "no measure
 *	  needed" -- and a new measure after each that had no effect, or a
 *	  reason why none (domain.md §3.1, §3.7; the published status table
 *	  counts "investigated, measures not yet carried out and followed up" as
 *	  not closed); escalation and reclassification need their case link.
 *
 * Reference data (the organisation's time zone, the units' validity, the
 * taxonomy) comes from per-backend caches (src/core/reference.c), so a warm
 * insert does no SPI; an update that changes none of the columns a rule
 * reads does not run the rule.  Queries are schema-qualified, operators
 * included: a check also runs for a direct writer with any search_path.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/executor.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"

#include "sqm.h"

PG_FUNCTION_INFO_V1(sqm_deviation_check);
PG_FUNCTION_INFO_V1(sqm_deviation_detail_check);
PG_FUNCTION_INFO_V1(sqm_guard_deviation_measures_decided);
PG_FUNCTION_INFO_V1(sqm_guard_deviation_measures_done);
PG_FUNCTION_INFO_V1(sqm_guard_deviation_followed_up);
PG_FUNCTION_INFO_V1(sqm_guard_deviation_closable);
PG_FUNCTION_INFO_V1(sqm_guard_deviation_escalated);
PG_FUNCTION_INFO_V1(sqm_guard_deviation_reclassified);


/* ----------------------------------------------------------------
 *		The taxonomy, cached per organisation
 * ----------------------------------------------------------------
 */

/* A type of the organisation's taxonomy (sqm.deviation_type), with its regime. */
typedef SqmValidCode DevType;

/* Ordered by code (as bytes), so that messages list types alike everywhere. */
static SqmRefSet deviation_types = {
	"deviation_type",
	"SELECT t.code, t.regime, pg_catalog.lower(t.valid), pg_catalog.upper(t.valid), pg_catalog.isempty(t.valid)"
	"  FROM sqm.deviation_type t WHERE t.org_id OPERATOR(pg_catalog.=) $1"
	" ORDER BY t.code COLLATE pg_catalog.\"C\"",
	sizeof(DevType), sqm_decode_valid_code, NULL
};

/* Whether the type is the organisation's, of the regime, valid on the day. */
static bool
type_valid(DevType *types, int n, const char *code, const char *regime, DateADT day)
{
	int			i;

	for (i = 0; i < n; i++)
		if (strcmp(types[i].code, code) == 0 && strcmp(types[i].regime, regime) == 0 &&
			sqm_range_contains(types[i].lower, types[i].lower_inf, types[i].upper,
							   types[i].upper_inf, types[i].empty, day))
			return true;
	return false;
}


/* ----------------------------------------------------------------
 *		The row check
 * ----------------------------------------------------------------
 */

static const char *const deviation_fields[] = {
	"org_id", "id", "unit_id", "regime", "happened_at", "reported_at", "types",
	"collab_direction", "collab_replied_at"
};

enum
{
	DF_ORG, DF_ID, DF_UNIT, DF_REGIME, DF_HAPPENED, DF_REPORTED, DF_TYPES,
	DF_DIRECTION, DF_REPLIED, DF_COUNT
};

static const Oid deviation_field_types[DF_COUNT] = {
	INT8OID, INT8OID, INT8OID, TEXTOID, TIMESTAMPTZOID, TIMESTAMPTZOID, TEXTARRAYOID,
	TEXTOID, TIMESTAMPTZOID
};

/*
 * sqm.deviation_check(new sqm.deviation, old sqm.deviation): the rules of a
 * deviation's content.  old is NULL on INSERT.  A NULL a rule needs is left
 * to the column's NOT NULL constraint.
 */
Datum
sqm_deviation_check(PG_FUNCTION_ARGS)
{
	Datum		nv[DF_COUNT];
	bool		nn[DF_COUNT];
	Datum		ov[DF_COUNT];
	bool		on[DF_COUNT];
	bool		changed[DF_COUNT];
	bool		insert = PG_ARGISNULL(1);
	int64		org;
	int64		id;
	TimestampTz reported;
	DateADT		day;
	int			i;

	if (PG_ARGISNULL(0))
		elog(ERROR, "unexpected: the row check of deviations was called without a new row");
	sqm_row_fields(PG_GETARG_HEAPTUPLEHEADER(0), DF_COUNT, deviation_fields, nv, nn);
	if (!insert)
		sqm_row_fields(PG_GETARG_HEAPTUPLEHEADER(1), DF_COUNT, deviation_fields, ov, on);
	for (i = 0; i < DF_COUNT; i++)
		changed[i] = insert || sqm_field_changed(nv[i], nn[i], ov[i], on[i], deviation_field_types[i]);
	if (nn[DF_ORG] || nn[DF_ID] || nn[DF_REPORTED])
		PG_RETURN_VOID();
	org = DatumGetInt64(nv[DF_ORG]);
	id = DatumGetInt64(nv[DF_ID]);
	reported = DatumGetTimestampTz(nv[DF_REPORTED]);

	/* Reported at the latest now (sqm.now(): a time only superusers freeze). */
	if (changed[DF_REPORTED] && reported > sqm_current_time())
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("deviation %lld cannot be reported at %s, which is in the future",
						(long long) id, sqm_timestamptz_text(reported)),
				 errdetail("It is now %s.", sqm_timestamptz_text(sqm_current_time())),
				 errhint("Give when it was reported, at the latest now.")));

	/* It happened at or before it was reported. */
	if ((changed[DF_HAPPENED] || changed[DF_REPORTED]) && !nn[DF_HAPPENED] &&
		DatumGetTimestampTz(nv[DF_HAPPENED]) > reported)
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("deviation %lld cannot have happened at %s, after it was reported at %s",
						(long long) id, sqm_timestamptz_text(DatumGetTimestampTz(nv[DF_HAPPENED])),
						sqm_timestamptz_text(reported)),
				 errhint("Give when it happened, at or before the report.")));

	/*
	 * The receiver's reply to a collaboration deviation we sent (domain.md
	 * §3.1; the regional agreement's reply clock): only for a sent one, and
	 * between its report and now.
	 */
	if ((changed[DF_REPLIED] || changed[DF_DIRECTION] || changed[DF_REPORTED]) && !nn[DF_REPLIED])
	{
		TimestampTz replied = DatumGetTimestampTz(nv[DF_REPLIED]);

		if (nn[DF_DIRECTION] || strcmp(TextDatumGetCString(nv[DF_DIRECTION]), "sent") != 0)
			ereport(ERROR,
					(errcode(ERRCODE_CHECK_VIOLATION),
					 errmsg("deviation %lld is not a collaboration deviation sent to another organisation",
							(long long) id),
					 errdetail("Its reply was given as %s.", sqm_timestamptz_text(replied)),
					 errhint("Only the receiver's reply to a sent collaboration deviation is recorded.")));
		if (replied < reported || (changed[DF_REPLIED] && replied > sqm_current_time()))
			ereport(ERROR,
					(errcode(ERRCODE_CHECK_VIOLATION),
					 errmsg("the reply to deviation %lld cannot be recorded at %s", (long long) id,
							sqm_timestamptz_text(replied)),
					 errdetail("It was reported at %s; it is now %s.", sqm_timestamptz_text(reported),
							   sqm_timestamptz_text(sqm_current_time())),
					 errhint("Give when the receiver replied, between the report and now.")));
	}

	if (!(changed[DF_UNIT] || changed[DF_REPORTED] || changed[DF_TYPES] || changed[DF_REGIME] ||
		  changed[DF_ORG]))
		PG_RETURN_VOID();
	if (!sqm_org_local_date(org, reported, &day))
		PG_RETURN_VOID();		/* no such organisation: its foreign key refuses the row */

	/* The unit existed on the report date (domain.md §2, units with history). */
	if ((changed[DF_UNIT] || changed[DF_REPORTED] || changed[DF_ORG]) && !nn[DF_UNIT] &&
		!sqm_unit_existed_on(org, DatumGetInt64(nv[DF_UNIT]), day))
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("unit %lld of organisation %lld did not exist on %s, the report date of deviation %lld",
						(long long) DatumGetInt64(nv[DF_UNIT]), (long long) org, sqm_date_text(day),
						(long long) id),
				 errhint("Report the deviation for the unit where it happened, as the organisation was then.")));

	/*
	 * Every type is the organisation's, valid on the report date, of the
	 * regime (domain.md §3.1: taxonomies change; old reports keep their
	 * types), and named once.
	 */
	if ((changed[DF_TYPES] || changed[DF_REPORTED] || changed[DF_REGIME] || changed[DF_ORG]) &&
		!nn[DF_TYPES] && !nn[DF_REGIME])
	{
		char	   *regime = TextDatumGetCString(nv[DF_REGIME]);
		const char *type_regime = strcmp(regime, "LSS") == 0 ? "SoL" : regime;
		Datum	   *elems;
		bool	   *nulls;
		int			nelems;
		DevType    *types;
		int			ntypes;
		StringInfoData bad;
		int			j;

		deconstruct_array(DatumGetArrayTypeP(nv[DF_TYPES]), TEXTOID, -1, false, TYPALIGN_INT,
						  &elems, &nulls, &nelems);
		ntypes = sqm_reference_rows(&deviation_types, org, (void **) &types);
		initStringInfo(&bad);
		for (i = 0; i < nelems; i++)
		{
			char	   *code = nulls[i] ? NULL : TextDatumGetCString(elems[i]);

			if (code == NULL || !type_valid(types, ntypes, code, type_regime, day))
				appendStringInfo(&bad, "%s%s", bad.len > 0 ? ", " : "", code ? code : "NULL");
		}
		if (bad.len > 0)
		{
			StringInfoData valid;

			initStringInfo(&valid);
			for (j = 0; j < ntypes; j++)
				if (type_valid(&types[j], 1, types[j].code, type_regime, day))
					appendStringInfo(&valid, "%s%s", valid.len > 0 ? ", " : "", types[j].code);
			ereport(ERROR,
					(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
					 errmsg("deviation %lld has types that organisation %lld does not use for %s reports on %s: %s",
							(long long) id, (long long) org, regime, sqm_date_text(day), bad.data),
					 errdetail("Valid then: %s.", valid.len > 0 ? valid.data : "none"),
					 errhint("Choose types from the organisation's taxonomy valid on the report date (sqm.deviation_type).")));
		}
		for (i = 0; i < nelems; i++)
			for (j = 0; j < i; j++)
				if (strcmp(TextDatumGetCString(elems[i]), TextDatumGetCString(elems[j])) == 0)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("deviation %lld names a type twice", (long long) id),
							 errdetail("Type %s is named more than once.", TextDatumGetCString(elems[i]))));
	}
	PG_RETURN_VOID();
}


/* ----------------------------------------------------------------
 *		The details check
 * ----------------------------------------------------------------
 */

/*
 * The deviation's state, read FOR SHARE (it cannot move while its details
 * change) as the owner of sqm.deviation; NULL if there is none (yet).
 */
static char *
deviation_state(int64 org, int64 id)
{
	static SPIPlanPtr plan = NULL;
	Datum		args[2] = {Int64GetDatum(org), Int64GetDatum(id)};
	MemoryContext caller = CurrentMemoryContext;
	Oid			save_userid;
	int			save_sec_context;
	char	   *state = NULL;
	int			rc;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "unexpected: SPI_connect failed in a row check");
	sqm_become_owner(sqm_relation_oid("deviation"), &save_userid, &save_sec_context);
	if (plan == NULL)
	{
		Oid			argtypes[2] = {INT8OID, INT8OID};

		plan = sqm_prepare_kept("SELECT d.state FROM sqm.deviation d"
								" WHERE d.org_id OPERATOR(pg_catalog.=) $1 AND d.id OPERATOR(pg_catalog.=) $2"
								"   FOR SHARE",
								2, argtypes);
	}
	rc = SPI_execute_plan(plan, args, NULL, false, 1);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "unexpected: deviation-state query returned %d", rc);
	if (SPI_processed == 1)
	{
		char	   *value = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);

		if (value != NULL)
			state = MemoryContextStrdup(caller, value);
	}
	SetUserIdAndSecContext(save_userid, save_sec_context);
	SPI_finish();
	return state;
}

static const char *const detail_fields[] = {"org_id", "id", "summary", "no_new_measure_reason"};

enum
{
	XF_ORG, XF_ID, XF_SUMMARY, XF_NO_NEW, XF_COUNT
};

/*
 * sqm.deviation_detail_check(new sqm.deviation_detail, old
 * sqm.deviation_detail): the investigation summary is written only while
 * the deviation is under investigation, and is never empty (domain.md
 * §3.1: closure and measures need a written summary; blanks are none); the
 * reason why no new measure follows one without effect is never empty
 * either (domain.md §3.7: an explicit, justified decision).
 */
Datum
sqm_deviation_detail_check(PG_FUNCTION_ARGS)
{
	Datum		nv[XF_COUNT];
	bool		nn[XF_COUNT];
	Datum		ov[XF_COUNT];
	bool		on[XF_COUNT];
	bool		insert = PG_ARGISNULL(1);
	bool		summary_changed;
	bool		no_new_changed;
	int64		id;
	char	   *state;

	if (PG_ARGISNULL(0))
		elog(ERROR, "unexpected: the details check of deviations was called without a new row");
	sqm_row_fields(PG_GETARG_HEAPTUPLEHEADER(0), XF_COUNT, detail_fields, nv, nn);
	if (insert)
	{
		/* a new report has neither yet; one written directly is checked */
		summary_changed = !nn[XF_SUMMARY];
		no_new_changed = !nn[XF_NO_NEW];
	}
	else
	{
		sqm_row_fields(PG_GETARG_HEAPTUPLEHEADER(1), XF_COUNT, detail_fields, ov, on);
		summary_changed = sqm_field_changed(nv[XF_SUMMARY], nn[XF_SUMMARY], ov[XF_SUMMARY],
											on[XF_SUMMARY], TEXTOID);
		no_new_changed = sqm_field_changed(nv[XF_NO_NEW], nn[XF_NO_NEW], ov[XF_NO_NEW],
										   on[XF_NO_NEW], TEXTOID);
	}
	if ((!summary_changed && !no_new_changed) || nn[XF_ORG] || nn[XF_ID])
		PG_RETURN_VOID();		/* (a NULL key is refused by its NOT NULL) */
	id = DatumGetInt64(nv[XF_ID]);

	if (no_new_changed && !sqm_text_given(nv[XF_NO_NEW], nn[XF_NO_NEW]))
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("the reason why deviation %lld needs no new measure is empty", (long long) id),
				 errdetail("A measure without effect calls for a new measure; deciding otherwise is explicit and justified."),
				 errhint("Say why no new measure is needed, or plan one with sqm.plan_measure().")));
	if (!summary_changed)
		PG_RETURN_VOID();

	if (!sqm_text_given(nv[XF_SUMMARY], nn[XF_SUMMARY]))
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("the investigation summary of deviation %lld is empty", (long long) id),
				 errdetail("A summary of blanks is no summary; a written summary is never removed."),
				 errhint("Write what the investigation found.")));

	state = deviation_state(DatumGetInt64(nv[XF_ORG]), id);
	if (state != NULL && strcmp(state, "investigating") != 0 && strcmp(state, "escalated") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_SQM_ILLEGAL_MOVE),
				 errmsg("deviation %lld cannot get an investigation summary in state \"%s\"",
						(long long) id, state),
				 errhint("A summary is recorded while the deviation is under investigation (investigating or escalated).")));
	PG_RETURN_VOID();
}


/* ----------------------------------------------------------------
 *		The guards
 * ----------------------------------------------------------------
 */

/* How the measures linked to one object stand. */
typedef struct LinkedMeasures
{
	int64		open;			/* planned or in progress */
	int64		done;			/* done, not yet evaluated */
	int64		evaluated;
	int64		cancelled;
	int64		first_open;		/* id of one open measure, for messages */
	int64		first_done;		/* id of one done but unevaluated */
	int64		first_ineffective;	/* id of one evaluated "no" with no new
									 * measure after it; 0: none */
} LinkedMeasures;

/* What the guards need of the deviation's details row. */
typedef struct DeviationText
{
	bool		summary;		/* an investigation summary is written */
	bool		no_measure_reason;	/* "no measure needed" is justified */
	bool		no_new_measure_reason;	/* "no new measure" is justified */
} DeviationText;

static SPIPlanPtr linked_measures_plan = NULL;
static SPIPlanPtr details_text_plan = NULL;

/*
 * Whether the summary and the reasons of a deviation are written, from its
 * details row (none if it has none yet).  The plan is prepared once per
 * backend and kept.
 */
static DeviationText
read_details_text(int64 org, int64 id)
{
	DeviationText result = {false, false, false};
	Datum		values[2];
	bool		isnull;
	int			rc;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "unexpected: SPI_connect failed in a guard");
	if (details_text_plan == NULL)
	{
		Oid			argtypes[2] = {INT8OID, INT8OID};

		details_text_plan =
			sqm_prepare_kept("SELECT d.summary, d.no_measure_reason, d.no_new_measure_reason"
							 "  FROM sqm.deviation_detail d"
							 " WHERE d.org_id OPERATOR(pg_catalog.=) $1 AND d.id OPERATOR(pg_catalog.=) $2",
							 2, argtypes);
	}
	values[0] = Int64GetDatum(org);
	values[1] = Int64GetDatum(id);
	rc = SPI_execute_plan(details_text_plan, values, NULL, false, 1);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "unexpected: deviation-details query returned %d", rc);
	if (SPI_processed > 0)
	{
		Datum		d;

		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
		result.summary = sqm_text_given(d, isnull);
		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull);
		result.no_measure_reason = sqm_text_given(d, isnull);
		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 3, &isnull);
		result.no_new_measure_reason = sqm_text_given(d, isnull);
	}
	SPI_finish();
	return result;
}

static int64
int8_or_zero(int column)
{
	bool		isnull;
	Datum		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, column, &isnull);

	return isnull ? 0 : DatumGetInt64(d);
}

/*
 * Count the measures linked to (org, kind, id).  A measure evaluated as
 * having no effect is "ineffective" until a measure of the same object that
 * is not cancelled was planned at or after its evaluation (domain.md §3.7:
 * "no" calls for a new measure).  The plan is prepared once per backend and
 * kept.
 */
static LinkedMeasures
count_linked_measures(int64 org, const char *kind, int64 id)
{
	LinkedMeasures result = {0};
	Datum		values[3];

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "unexpected: SPI_connect failed in a guard");

	if (linked_measures_plan == NULL)
	{
		Oid			argtypes[3] = {INT8OID, TEXTOID, INT8OID};

		linked_measures_plan =
			sqm_prepare_kept("SELECT pg_catalog.count(*) FILTER (WHERE m.state OPERATOR(pg_catalog.=) ANY ('{planned,in_progress}'::pg_catalog.text[])),"
							 "       pg_catalog.count(*) FILTER (WHERE m.state OPERATOR(pg_catalog.=) 'done'),"
							 "       pg_catalog.count(*) FILTER (WHERE m.state OPERATOR(pg_catalog.=) 'evaluated'),"
							 "       pg_catalog.count(*) FILTER (WHERE m.state OPERATOR(pg_catalog.=) 'cancelled'),"
							 "       pg_catalog.min(m.id) FILTER (WHERE m.state OPERATOR(pg_catalog.=) ANY ('{planned,in_progress}'::pg_catalog.text[])),"
							 "       pg_catalog.min(m.id) FILTER (WHERE m.state OPERATOR(pg_catalog.=) 'done'),"
							 "       pg_catalog.min(m.id) FILTER (WHERE m.state OPERATOR(pg_catalog.=) 'evaluated'"
							 "                                 AND m.effect OPERATOR(pg_catalog.=) 'no'"
							 "                                 AND NOT EXISTS (SELECT FROM sqm.measure n"
							 "                                                  WHERE n.org_id OPERATOR(pg_catalog.=) m.org_id"
							 "                                                    AND n.source_kind OPERATOR(pg_catalog.=) m.source_kind"
							 "                                                    AND n.source_id OPERATOR(pg_catalog.=) m.source_id"
							 "                                                    AND n.id OPERATOR(pg_catalog.<>) m.id"
							 "                                                    AND n.state OPERATOR(pg_catalog.<>) 'cancelled'"
							 "                                                    AND n.planned_at OPERATOR(pg_catalog.>=) m.evaluated_at))"
							 "  FROM sqm.measure m"
							 " WHERE m.org_id OPERATOR(pg_catalog.=) $1"
							 "   AND m.source_kind OPERATOR(pg_catalog.=) $2"
							 "   AND m.source_id OPERATOR(pg_catalog.=) $3",
							 3, argtypes);
	}

	values[0] = Int64GetDatum(org);
	values[1] = CStringGetTextDatum(kind);
	values[2] = Int64GetDatum(id);
	sqm_execute_one_row(linked_measures_plan, values, NULL, "linked-measures");

	result.open = int8_or_zero(1);
	result.done = int8_or_zero(2);
	result.evaluated = int8_or_zero(3);
	result.cancelled = int8_or_zero(4);
	result.first_open = int8_or_zero(5);
	result.first_done = int8_or_zero(6);
	result.first_ineffective = int8_or_zero(7);

	SPI_finish();
	return result;
}

/* The deviation has an investigation summary, or the guard refuses. */
static void
require_summary(int64 id, const char *move)
{
	ereport(ERROR,
			(errcode(ERRCODE_SQM_GUARD_FAILED),
			 errmsg("deviation %lld cannot %s: the investigation summary is missing",
					(long long) id, move),
			 errdetail("A deviation is investigated before measures are decided or it is closed."),
			 errhint("Record the summary with sqm.record_deviation_summary().")));
}

/*
 * investigating/escalated → measures_decided: a summary and at least one
 * measure that is not cancelled -- measures every one of which was
 * cancelled are no measures decided.
 */
Datum
sqm_guard_deviation_measures_decided(PG_FUNCTION_ARGS)
{
	HeapTupleHeader row = PG_GETARG_HEAPTUPLEHEADER(0);
	int64		org = sqm_row_int8(row, "org_id");
	int64		id = sqm_row_int8(row, "id");
	LinkedMeasures m;

	if (!read_details_text(org, id).summary)
		require_summary(id, "have measures decided");

	m = count_linked_measures(org, "deviation", id);
	if (m.open + m.done + m.evaluated == 0)
		ereport(ERROR,
				(errcode(ERRCODE_SQM_GUARD_FAILED),
				 errmsg("deviation %lld cannot have measures decided: no measure is linked to it",
						(long long) id),
				 m.cancelled > 0 ?
				 errdetail_plural("Its %lld linked measure was cancelled.",
								  "All %lld of its linked measures were cancelled.",
								  m.cancelled, (long long) m.cancelled) : 0,
				 errhint("Plan a measure with sqm.plan_measure(), or close the deviation with a reason why no measure is needed.")));
	PG_RETURN_VOID();
}

/* measures_decided → measures_done: every linked measure carried out or cancelled. */
Datum
sqm_guard_deviation_measures_done(PG_FUNCTION_ARGS)
{
	HeapTupleHeader row = PG_GETARG_HEAPTUPLEHEADER(0);
	int64		org = sqm_row_int8(row, "org_id");
	int64		id = sqm_row_int8(row, "id");
	LinkedMeasures m = count_linked_measures(org, "deviation", id);

	if (m.open > 0)
		ereport(ERROR,
				(errcode(ERRCODE_SQM_GUARD_FAILED),
				 errmsg("deviation %lld cannot have its measures carried out: measure %lld is not done",
						(long long) id, (long long) m.first_open),
				 errdetail("%lld linked measure(s) are planned or in progress.", (long long) m.open),
				 errhint("Carry out or cancel (with a reason) every linked measure first.")));
	if (m.done + m.evaluated == 0)
		ereport(ERROR,
				(errcode(ERRCODE_SQM_GUARD_FAILED),
				 errmsg("deviation %lld cannot have its measures carried out: no linked measure was done",
						(long long) id),
				 errhint("Every linked measure was cancelled; plan a new one, or close the deviation with a reason why no measure is needed.")));
	PG_RETURN_VOID();
}

/* measures_done → followed_up: every measure carried out has been evaluated. */
Datum
sqm_guard_deviation_followed_up(PG_FUNCTION_ARGS)
{
	HeapTupleHeader row = PG_GETARG_HEAPTUPLEHEADER(0);
	int64		org = sqm_row_int8(row, "org_id");
	int64		id = sqm_row_int8(row, "id");
	LinkedMeasures m = count_linked_measures(org, "deviation", id);

	if (m.open + m.done > 0)
		ereport(ERROR,
				(errcode(ERRCODE_SQM_GUARD_FAILED),
				 errmsg("deviation %lld cannot be followed up: %lld linked measure(s) are not evaluated",
						(long long) id, (long long) (m.open + m.done)),
				 errdetail("Following up means judging whether each measure had the intended effect."),
				 errhint("Evaluate every measure with sqm.evaluate_measure().")));
	PG_RETURN_VOID();
}

/*
 * → closed (domain.md §3.1): an investigation summary; every linked measure
 * carried out and evaluated, or cancelled with a reason (the move requires
 * it); at least one evaluated, or an explicit, justified "no measure
 * needed" -- measures that were all cancelled are none; and for each measure
 * that had no effect, a new measure planned after its evaluation, or a
 * reason why none (domain.md §3.7).  The published status table counts
 * "investigated, measures not yet carried out and followed up" as not
 * closed, so a measure done but not evaluated keeps the deviation open.
 */
Datum
sqm_guard_deviation_closable(PG_FUNCTION_ARGS)
{
	HeapTupleHeader row = PG_GETARG_HEAPTUPLEHEADER(0);
	int64		org = sqm_row_int8(row, "org_id");
	int64		id = sqm_row_int8(row, "id");
	DeviationText text = read_details_text(org, id);
	LinkedMeasures m;

	if (!text.summary)
		require_summary(id, "be closed");

	m = count_linked_measures(org, "deviation", id);
	if (m.open > 0)
		ereport(ERROR,
				(errcode(ERRCODE_SQM_GUARD_FAILED),
				 errmsg("deviation %lld cannot be closed: measure %lld is not finished",
						(long long) id, (long long) m.first_open),
				 errdetail("%lld linked measure(s) are planned or in progress.", (long long) m.open),
				 errhint("Carry out or cancel (with a reason) every linked measure first.")));
	if (m.done > 0)
		ereport(ERROR,
				(errcode(ERRCODE_SQM_GUARD_FAILED),
				 errmsg("deviation %lld cannot be closed: measure %lld was carried out but not followed up",
						(long long) id, (long long) m.first_done),
				 errdetail("%lld linked measure(s) are done but not evaluated; a deviation whose measures are not carried out and followed up is not closed.",
						   (long long) m.done),
				 errhint("Evaluate every measure with sqm.evaluate_measure(): did it have the intended effect?")));
	if (m.evaluated == 0 && !text.no_measure_reason)
		ereport(ERROR,
				(errcode(ERRCODE_SQM_GUARD_FAILED),
				 errmsg("deviation %lld cannot be closed: no measure was carried out and no reason says none is needed",
						(long long) id),
				 m.cancelled > 0 ?
				 errdetail("Every linked measure was cancelled; \"no measure needed\" is an explicit, justified decision, not a missing field.") :
				 errdetail("\"No measure needed\" is an explicit, justified decision, not a missing field."),
				 errhint("Plan a measure, or give the reason when closing with sqm.close_deviation().")));
	if (m.first_ineffective != 0 && !text.no_new_measure_reason)
		ereport(ERROR,
				(errcode(ERRCODE_SQM_GUARD_FAILED),
				 errmsg("deviation %lld cannot be closed: measure %lld had no effect and no new measure was planned after it",
						(long long) id, (long long) m.first_ineffective),
				 errdetail("A measure evaluated as having no effect calls for a new measure."),
				 errhint("Plan a new measure with sqm.plan_measure(), or record why none is needed with sqm.record_no_new_measure().")));
	PG_RETURN_VOID();
}

/* Whether the deviation has a case link of the relation (doc/core.md). */
static bool
deviation_linked(int64 org, int64 id, const char *relation)
{
	static SPIPlanPtr plan = NULL;
	Datum		values[3];
	bool		isnull;
	bool		linked;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "unexpected: SPI_connect failed in a guard");
	if (plan == NULL)
	{
		Oid			argtypes[3] = {INT8OID, INT8OID, TEXTOID};

		plan = sqm_prepare_kept("SELECT sqm.case_linked($1, 'deviation', $2, $3)", 3, argtypes);
	}
	values[0] = Int64GetDatum(org);
	values[1] = Int64GetDatum(id);
	values[2] = CStringGetTextDatum(relation);
	sqm_execute_one_row(plan, values, NULL, "case-link");
	linked = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	SPI_finish();
	return !isnull && linked;
}

/*
 * → escalated: the lex Sarah report the deviation led to is linked
 * (escalated_to).  domain.md §3.1: the report stays a deviation for
 * statistics and is linked to the lex Sarah case.
 */
Datum
sqm_guard_deviation_escalated(PG_FUNCTION_ARGS)
{
	HeapTupleHeader row = PG_GETARG_HEAPTUPLEHEADER(0);
	int64		org = sqm_row_int8(row, "org_id");
	int64		id = sqm_row_int8(row, "id");

	if (!deviation_linked(org, id, "escalated_to"))
		ereport(ERROR,
				(errcode(ERRCODE_SQM_GUARD_FAILED),
				 errmsg("deviation %lld cannot be escalated: no lex Sarah report is linked to it",
						(long long) id),
				 errdetail("An escalated deviation is linked (escalated_to) to the lex Sarah report it led to."),
				 errhint("Escalate it with sqm.escalate_deviation(), which creates the report and the link.")));
	PG_RETURN_VOID();
}

/*
 * → reclassified: the deviation of the right regime that replaces it is
 * linked (reclassified_to).  domain.md §3.1: moved to the right regime, a
 * recorded change.
 */
Datum
sqm_guard_deviation_reclassified(PG_FUNCTION_ARGS)
{
	HeapTupleHeader row = PG_GETARG_HEAPTUPLEHEADER(0);
	int64		org = sqm_row_int8(row, "org_id");
	int64		id = sqm_row_int8(row, "id");

	if (!deviation_linked(org, id, "reclassified_to"))
		ereport(ERROR,
				(errcode(ERRCODE_SQM_GUARD_FAILED),
				 errmsg("deviation %lld cannot be reclassified: no deviation replaces it",
						(long long) id),
				 errdetail("A reclassified deviation is linked (reclassified_to) to the deviation of the right regime that replaces it."),
				 errhint("Report the deviation under the right regime, then reclassify this one with sqm.reclassify_deviation().")));
	PG_RETURN_VOID();
}
