/*-------------------------------------------------------------------------
 *
 * lex_sarah.c
 *	  Guards of the lex Sarah lifecycles (domain.md §3.2, doc/lex_sarah.md).
 *
 * The lifecycle engine (lifecycle.c) calls each guard with the new row of
 * the governed table; a guard returns nothing when the move may proceed and
 * raises ERRCODE_SQM_GUARD_FAILED, naming the object and exactly what is
 * missing, when it may not.  This file owns
 *
 *	- assessed → completed of a lex Sarah investigation: an outcome, and a
 *	  record (sqm.lex_sarah_record) of every required item of SOSFS 2011:5
 *	  ch. 5 (sqm.lex_sarah_item), a measure with the date it was taken;
 *	- completed → closed: a serious outcome has a sent IVO notification;
 *	- opened / under_investigation → closed (early close): outcome
 *	  no_impropriety and a documented position (free text, in the
 *	  investigation's details row, which the API writes before the move);
 *	- draft → sent of an IVO notification: its investigation is assessed as
 *	  serious.
 *
 * Whether an outcome is serious is asked of sqm.is_serious(), the one place
 * that says so.  The queries run with read_only = false: under READ
 * COMMITTED that takes a fresh snapshot, so what a transaction committed
 * while this move waited for the row lock is seen.  Every name in them is
 * schema-qualified: a guard also runs for a direct writer with any
 * search_path.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <ctype.h>

#include "catalog/pg_type.h"
#include "executor/executor.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "sqm.h"

PG_FUNCTION_INFO_V1(sqm_guard_lex_sarah_completable);
PG_FUNCTION_INFO_V1(sqm_guard_lex_sarah_closable);
PG_FUNCTION_INFO_V1(sqm_guard_lex_sarah_early_close);
PG_FUNCTION_INFO_V1(sqm_guard_ivo_notification_sendable);

/* Plans prepared once per backend and kept. */
static SPIPlanPtr missing_items_plan = NULL;
static SPIPlanPtr sent_notification_plan = NULL;
static SPIPlanPtr investigation_outcome_plan = NULL;
static SPIPlanPtr early_position_plan = NULL;

/* The investigation's outcome as its label, or NULL if it has none. */
static char *
row_outcome(HeapTupleHeader row)
{
	bool		isnull;
	Datum		d = GetAttributeByName(row, "outcome", &isnull);

	if (isnull)
		return NULL;
	return DatumGetCString(DirectFunctionCall1(enum_out, d));
}

/*
 * assessed → completed: an outcome, and a record of every required item.
 * The message lists the items missing, in the order of sqm.lex_sarah_item.
 */
Datum
sqm_guard_lex_sarah_completable(PG_FUNCTION_ARGS)
{
	HeapTupleHeader row = PG_GETARG_HEAPTUPLEHEADER(0);
	int64		org = sqm_row_int8(row, "org_id");
	int64		id = sqm_row_int8(row, "id");
	MemoryContext caller = CurrentMemoryContext;
	Datum		values[2];
	bool		isnull;
	int64		nmissing;
	char	   *missing;

	if (row_outcome(row) == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_SQM_GUARD_FAILED),
				 errmsg("lex Sarah investigation %lld cannot be completed: no outcome is assessed",
						(long long) id),
				 errdetail("An investigation ends in an assessment, from no_impropriety to serious_impropriety."),
				 errhint("Assess it with sqm.assess_lex_sarah().")));

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "unexpected: SPI_connect failed in a guard");
	if (missing_items_plan == NULL)
	{
		Oid			argtypes[2] = {INT8OID, INT8OID};

		missing_items_plan = sqm_prepare_kept(
			"SELECT pg_catalog.count(*),"
			"       pg_catalog.string_agg(pg_catalog.replace(i.item, '_', ' '), ', ' ORDER BY i.ord)"
			"  FROM sqm.lex_sarah_item i"
			" WHERE i.required"
			"   AND NOT EXISTS (SELECT FROM sqm.lex_sarah_record r"
			"                    WHERE r.org_id OPERATOR(pg_catalog.=) $1"
			"                      AND r.investigation_id OPERATOR(pg_catalog.=) $2"
			"                      AND r.item OPERATOR(pg_catalog.=) i.item"
			"                      AND (r.item OPERATOR(pg_catalog.<>) 'measure'"
			"                           OR r.measure_date IS NOT NULL))",
			2, argtypes);
	}
	values[0] = Int64GetDatum(org);
	values[1] = Int64GetDatum(id);
	sqm_execute_one_row(missing_items_plan, values, NULL, "missing-items");

	nmissing = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	missing = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2);
	if (nmissing > 0)
	{
		/* copy out of SPI memory before SPI_finish frees it */
		missing = MemoryContextStrdup(caller, missing);
		SPI_finish();
		ereport(ERROR,
				(errcode(ERRCODE_SQM_GUARD_FAILED),
				 errmsg("lex Sarah investigation %lld cannot be completed: %s %s not documented",
						(long long) id, missing, nmissing == 1 ? "is" : "are"),
				 errdetail("SOSFS 2011:5 ch. 5 requires what happened and its consequences, when it happened, "
						   "when and how it came to attention, the causes, whether it happened before, "
						   "whether it could happen again, the measures taken with their dates, and the "
						   "decision or position."),
				 errhint("Record each with sqm.record_lex_sarah().")));
	}
	SPI_finish();
	PG_RETURN_VOID();
}

/* completed → closed: a serious outcome has been notified to IVO. */
Datum
sqm_guard_lex_sarah_closable(PG_FUNCTION_ARGS)
{
	HeapTupleHeader row = PG_GETARG_HEAPTUPLEHEADER(0);
	int64		org = sqm_row_int8(row, "org_id");
	int64		id = sqm_row_int8(row, "id");
	char	   *outcome = row_outcome(row);
	Datum		values[3];
	char		nulls[3] = {' ', ' ', ' '};
	bool		isnull;
	bool		serious;
	bool		notified;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "unexpected: SPI_connect failed in a guard");
	if (sent_notification_plan == NULL)
	{
		Oid			argtypes[3] = {INT8OID, INT8OID, TEXTOID};

		sent_notification_plan = sqm_prepare_kept(
			"SELECT COALESCE(sqm.is_serious($3::sqm.lex_sarah_outcome), false),"
			"       EXISTS (SELECT FROM sqm.ivo_notification n"
			"                WHERE n.org_id OPERATOR(pg_catalog.=) $1"
			"                  AND n.investigation_id OPERATOR(pg_catalog.=) $2"
			"                  AND n.state OPERATOR(pg_catalog.=) 'sent')",
			3, argtypes);
	}
	values[0] = Int64GetDatum(org);
	values[1] = Int64GetDatum(id);
	values[2] = outcome ? CStringGetTextDatum(outcome) : (Datum) 0;
	if (outcome == NULL)
		nulls[2] = 'n';
	sqm_execute_one_row(sent_notification_plan, values, nulls, "sent-notification");
	serious = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	notified = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
	SPI_finish();

	if (serious && !notified)
		ereport(ERROR,
				(errcode(ERRCODE_SQM_GUARD_FAILED),
				 errmsg("lex Sarah investigation %lld cannot be closed: it is assessed as %s and no IVO notification has been sent",
						(long long) id, outcome),
				 errdetail("A serious outcome is notified to IVO, and the investigation closes only once the notification is registered."),
				 errhint("Draft the notification with sqm.draft_ivo_notification() and send it with sqm.send_ivo_notification().")));
	PG_RETURN_VOID();
}

/* Whether the investigation's details row holds a documented early position. */
static bool
early_position_given(int64 org, int64 id)
{
	Datum		values[2];
	bool		isnull;
	bool		given = false;
	int			rc;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "unexpected: SPI_connect failed in a guard");
	if (early_position_plan == NULL)
	{
		Oid			argtypes[2] = {INT8OID, INT8OID};

		early_position_plan = sqm_prepare_kept(
			"SELECT d.early_position FROM sqm.lex_sarah_investigation_detail d"
			" WHERE d.org_id OPERATOR(pg_catalog.=) $1 AND d.id OPERATOR(pg_catalog.=) $2",
			2, argtypes);
	}
	values[0] = Int64GetDatum(org);
	values[1] = Int64GetDatum(id);
	rc = SPI_execute_plan(early_position_plan, values, NULL, false, 1);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "unexpected: early-position query returned %d", rc);
	if (SPI_processed > 0)
	{
		Datum		position = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);

		given = sqm_text_given(position, isnull);
	}
	SPI_finish();
	return given;
}

/*
 * opened / under_investigation → closed: only when it is clear that there was
 * no impropriety, with the position documented.
 */
Datum
sqm_guard_lex_sarah_early_close(PG_FUNCTION_ARGS)
{
	HeapTupleHeader row = PG_GETARG_HEAPTUPLEHEADER(0);
	int64		org = sqm_row_int8(row, "org_id");
	int64		id = sqm_row_int8(row, "id");
	char	   *outcome = row_outcome(row);
	StringInfoData missing;

	initStringInfo(&missing);
	if (outcome == NULL || strcmp(outcome, "no_impropriety") != 0)
		appendStringInfo(&missing, "the outcome is %s, not no_impropriety",
						 outcome ? outcome : "not assessed");
	if (!early_position_given(org, id))
		appendStringInfo(&missing, "%sno position is documented", missing.len > 0 ? "; " : "");
	if (missing.len > 0)
		ereport(ERROR,
				(errcode(ERRCODE_SQM_GUARD_FAILED),
				 errmsg("lex Sarah investigation %lld cannot be closed early: %s", (long long) id, missing.data),
				 errdetail("An investigation closes before its assessment only when it is clear that there was no impropriety, with a documented position."),
				 errhint("Close it with sqm.close_lex_sarah_early() and the position, or investigate, assess and complete it.")));
	PG_RETURN_VOID();
}

/* draft → sent: the investigation is assessed as serious. */
Datum
sqm_guard_ivo_notification_sendable(PG_FUNCTION_ARGS)
{
	HeapTupleHeader row = PG_GETARG_HEAPTUPLEHEADER(0);
	int64		org = sqm_row_int8(row, "org_id");
	int64		id = sqm_row_int8(row, "id");
	int64		investigation = sqm_row_int8(row, "investigation_id");
	MemoryContext caller = CurrentMemoryContext;
	Datum		values[2];
	bool		isnull;
	bool		serious;
	char	   *outcome;
	int			rc;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "unexpected: SPI_connect failed in a guard");
	if (investigation_outcome_plan == NULL)
	{
		Oid			argtypes[2] = {INT8OID, INT8OID};

		/* FOR SHARE: a reassessment racing the sending waits for it */
		investigation_outcome_plan = sqm_prepare_kept(
			"SELECT i.outcome::pg_catalog.text, COALESCE(sqm.is_serious(i.outcome), false)"
			"  FROM sqm.lex_sarah_investigation i"
			" WHERE i.org_id OPERATOR(pg_catalog.=) $1 AND i.id OPERATOR(pg_catalog.=) $2"
			"   FOR SHARE",
			2, argtypes);
	}
	values[0] = Int64GetDatum(org);
	values[1] = Int64GetDatum(investigation);
	rc = SPI_execute_plan(investigation_outcome_plan, values, NULL, false, 1);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "unexpected: investigation-outcome query returned %d", rc);
	if (SPI_processed != 1)
		elog(ERROR, "unexpected: lex Sarah investigation %lld of IVO notification %lld not found",
			 (long long) investigation, (long long) id);
	outcome = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	if (outcome != NULL)
		outcome = MemoryContextStrdup(caller, outcome);
	serious = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
	SPI_finish();

	if (!serious)
		ereport(ERROR,
				(errcode(ERRCODE_SQM_GUARD_FAILED),
				 errmsg("IVO notification %lld cannot be sent: lex Sarah investigation %lld is not assessed as serious",
						(long long) id, (long long) investigation),
				 outcome ? errdetail("Its outcome is %s.", outcome) : errdetail("It has no outcome yet."),
				 errhint("Only a serious outcome (risk_of_serious_impropriety, serious_impropriety), decided by the designated role, is notified to IVO.")));
	PG_RETURN_VOID();
}
