/*-------------------------------------------------------------------------
 *
 * deviation.c
 *	  The deviation's guards: its lifecycle moves that need logic beyond
 *	  "this column is set".
 *
 * A guard is named in sqm.lifecycle_move and called by the lifecycle engine
 * (src/core/lifecycle.c) with the new row of the governed table; it returns
 * nothing when the move may proceed and raises ERRCODE_SQM_GUARD_FAILED,
 * naming the object and what is missing, when it may not.  Moves that only
 * need a column filled in say so in lifecycle_move.requires instead.
 *
 * The guards implement domain.md §3.1: measures are decided
 * after an investigation summary; the report closes only with a summary and
 * every linked measure finished or cancelled, or with an explicit "no measure
 * needed".  The summary and the reason are free text, in the deviation's
 * details row (sqm.deviation_detail), which the API writes before it moves
 * the deviation; the guards read them with a kept plan.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/executor.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "utils/builtins.h"

#include "sqm.h"

PG_FUNCTION_INFO_V1(sqm_guard_deviation_measures_decided);
PG_FUNCTION_INFO_V1(sqm_guard_deviation_measures_done);
PG_FUNCTION_INFO_V1(sqm_guard_deviation_followed_up);
PG_FUNCTION_INFO_V1(sqm_guard_deviation_closable);
PG_FUNCTION_INFO_V1(sqm_guard_deviation_escalated);
PG_FUNCTION_INFO_V1(sqm_guard_deviation_reclassified);

/* How the measures linked to one object stand. */
typedef struct LinkedMeasures
{
	int64		open;			/* planned or in progress */
	int64		done;			/* done, not yet evaluated */
	int64		evaluated;
	int64		cancelled;
	int64		first_open;		/* id of one open measure, for messages */
} LinkedMeasures;

/* What the guards need of the deviation's details row. */
typedef struct DeviationText
{
	bool		summary;		/* an investigation summary is written */
	bool		no_measure_reason;	/* "no measure needed" is justified */
} DeviationText;

static SPIPlanPtr linked_measures_plan = NULL;
static SPIPlanPtr details_text_plan = NULL;

/*
 * Whether the summary and the "no measure needed" reason of a deviation are
 * written, from its details row (neither if it has none yet).  The plan is
 * prepared once per backend and kept.
 */
static DeviationText
read_details_text(int64 org, int64 id)
{
	DeviationText result = {false, false};
	Datum		values[2];
	bool		isnull;
	int			rc;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "unexpected: SPI_connect failed in a guard");
	if (details_text_plan == NULL)
	{
		Oid			argtypes[2] = {INT8OID, INT8OID};

		details_text_plan =
			sqm_prepare_kept("SELECT d.summary, d.no_measure_reason FROM sqm.deviation_detail d"
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
	}
	SPI_finish();
	return result;
}

/*
 * Count the measures linked to (org, kind, id).  The plan is prepared once per
 * backend and kept.
 */
static LinkedMeasures
count_linked_measures(int64 org, const char *kind, int64 id)
{
	LinkedMeasures result = {0};
	Datum		values[3];
	bool		isnull;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "unexpected: SPI_connect failed in a guard");

	if (linked_measures_plan == NULL)
	{
		Oid			argtypes[3] = {INT8OID, TEXTOID, INT8OID};

		linked_measures_plan =
			sqm_prepare_kept("SELECT count(*) FILTER (WHERE state IN ('planned', 'in_progress')),"
							 "       count(*) FILTER (WHERE state = 'done'),"
							 "       count(*) FILTER (WHERE state = 'evaluated'),"
							 "       count(*) FILTER (WHERE state = 'cancelled'),"
							 "       min(id) FILTER (WHERE state IN ('planned', 'in_progress'))"
							 "  FROM sqm.measure"
							 " WHERE org_id OPERATOR(pg_catalog.=) $1"
							 "   AND source_kind OPERATOR(pg_catalog.=) $2"
							 "   AND source_id OPERATOR(pg_catalog.=) $3",
							 3, argtypes);
	}

	values[0] = Int64GetDatum(org);
	values[1] = CStringGetTextDatum(kind);
	values[2] = Int64GetDatum(id);
	sqm_execute_one_row(linked_measures_plan, values, NULL, "linked-measures");

	result.open = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	result.done = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
	result.evaluated = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 3, &isnull));
	result.cancelled = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 4, &isnull));
	result.first_open = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 5, &isnull));
	if (isnull)
		result.first_open = 0;

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

/* investigating/escalated → measures_decided: a summary and at least one measure. */
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
 * → closed: an investigation summary, and every linked measure finished or
 * cancelled — or, with no measure carried out, an explicit reason why none is
 * needed.
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
	if (m.done + m.evaluated == 0 && !text.no_measure_reason)
		ereport(ERROR,
				(errcode(ERRCODE_SQM_GUARD_FAILED),
				 errmsg("deviation %lld cannot be closed: no measure was carried out and no reason says none is needed",
						(long long) id),
				 errdetail("\"No measure needed\" is an explicit, justified decision, not a missing field."),
				 errhint("Plan a measure, or give the reason when closing with sqm.close_deviation().")));
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
