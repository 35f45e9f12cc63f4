/*-------------------------------------------------------------------------
 *
 * lex_sarah.c
 *	  The rules of lex Sarah reports, investigations, their records and IVO
 *	  notifications (domain.md §3.2, doc/lex_sarah.md), in C for every
 *	  writer: row checks and guards.
 *
 * The lifecycle engine (lifecycle.c) calls a kind's row check with the new
 * and the old row on every insert and on every update of the columns it
 * watches, and each guard with the new row of a move; the record table's
 * trigger (row_check.c) calls the record check on every insert.  Each
 * returns nothing when the row may be written and raises, naming the object
 * and exactly what is wrong, when it may not; none changes the row.  This
 * file owns the row checks
 *
 *	- of a report: made under SoL or LSS, at the latest now, not before the
 *	  event; its unit existed on the report date; it has the legal basis in
 *	  force for its regime on the day of the event (14 kap. SoL 2001:453 and
 *	  24 b-24 g §§ LSS until 30 June 2025, 27 kap. SoL 2025:400 from 1 July
 *	  2025); it is received between its report and now; it is assigned only
 *	  to an investigation that is not completed or closed;
 *	- of an investigation: the themes of the deficiencies found are the
 *	  organisation's, valid on the day of the assessment; once it is
 *	  completed its assessment (outcome, themes, when assessed, when
 *	  seriousness was decided) no longer changes -- a direct writer could
 *	  otherwise lower a serious outcome and close without notifying IVO;
 *	- of an IVO notification: drafted only for an investigation assessed as
 *	  serious (14 kap. 7 § SoL / 27 kap. SoL: a serious impropriety or a
 *	  tangible risk of one is notified), one per investigation that is not
 *	  withdrawn;
 *	- of a record (SOSFS 2011:5 ch. 5): never in a closed investigation; an
 *	  item of sqm.lex_sarah_item, with its content, source, nature (fact or
 *	  assessment) and who recorded it, dated at the latest now; a measure
 *	  with the date it was taken, and only a measure;
 *
 * (the legal bases, themes and items come from per-backend caches,
 * src/core/reference.c, so a warm insert of a report does no SPI), and the
 * guards
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
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "sqm.h"

PG_FUNCTION_INFO_V1(sqm_lex_sarah_report_check);
PG_FUNCTION_INFO_V1(sqm_lex_sarah_investigation_check);
PG_FUNCTION_INFO_V1(sqm_ivo_notification_check);
PG_FUNCTION_INFO_V1(sqm_ivo_supplement_check);
PG_FUNCTION_INFO_V1(sqm_ivo_answer_check);
PG_FUNCTION_INFO_V1(sqm_lex_sarah_record_check);
PG_FUNCTION_INFO_V1(sqm_guard_lex_sarah_completable);
PG_FUNCTION_INFO_V1(sqm_guard_lex_sarah_closable);
PG_FUNCTION_INFO_V1(sqm_guard_lex_sarah_early_close);
PG_FUNCTION_INFO_V1(sqm_guard_ivo_notification_sendable);

/* Plans prepared once per backend and kept. */
static SPIPlanPtr missing_items_plan = NULL;
static SPIPlanPtr sent_notification_plan = NULL;
static SPIPlanPtr investigation_outcome_plan = NULL;
static SPIPlanPtr early_position_plan = NULL;
static SPIPlanPtr other_notification_plan = NULL;


/* ----------------------------------------------------------------
 *		Reference data, cached per backend
 * ----------------------------------------------------------------
 */

/* A row of sqm.legal_basis (with its regime) or sqm.lex_sarah_theme. */
typedef SqmValidCode ValidCode;

/* The legal bases of every organisation (key 0), by code. */
static SqmRefSet legal_bases = {
	"legal_basis",
	"SELECT b.code, b.regime, pg_catalog.lower(b.valid), pg_catalog.upper(b.valid), pg_catalog.isempty(b.valid)"
	"  FROM sqm.legal_basis b WHERE $1 OPERATOR(pg_catalog.=) 0"
	" ORDER BY b.code COLLATE pg_catalog.\"C\"",
	sizeof(ValidCode), sqm_decode_valid_code, NULL
};

/* An organisation's themes, by code. */
static SqmRefSet lex_sarah_themes = {
	"lex_sarah_theme",
	"SELECT t.code, NULL::pg_catalog.text, pg_catalog.lower(t.valid), pg_catalog.upper(t.valid), pg_catalog.isempty(t.valid)"
	"  FROM sqm.lex_sarah_theme t WHERE t.org_id OPERATOR(pg_catalog.=) $1"
	" ORDER BY t.code COLLATE pg_catalog.\"C\"",
	sizeof(ValidCode), sqm_decode_valid_code, NULL
};

/* What a record may document (SOSFS 2011:5 ch. 5), in their order. */
typedef struct LsItem
{
	char	   *item;
} LsItem;

static void
decode_item(HeapTuple tuple, TupleDesc tupdesc, void *item, MemoryContext cxt)
{
	((LsItem *) item)->item = MemoryContextStrdup(cxt, SPI_getvalue(tuple, tupdesc, 1));
}

static SqmRefSet lex_sarah_items = {
	"lex_sarah_item",
	"SELECT i.item FROM sqm.lex_sarah_item i WHERE $1 OPERATOR(pg_catalog.=) 0 ORDER BY i.ord",
	sizeof(LsItem), decode_item, NULL
};

static bool
code_valid(const ValidCode *c, DateADT day)
{
	return sqm_range_contains(c->lower, c->lower_inf, c->upper, c->upper_inf, c->empty, day);
}


/* ----------------------------------------------------------------
 *		Cases the rules depend on
 * ----------------------------------------------------------------
 */

/*
 * The state of an investigation, read FOR SHARE (it cannot move on until
 * this transaction ends) as its table's owner; NULL if there is none in the
 * organisation (a foreign key refuses the row then).
 */
static char *
investigation_state(int64 org, int64 investigation)
{
	Oid			relid = sqm_relation_oid("lex_sarah_investigation");
	Oid			coltype;
	Datum		value;
	bool		isnull;

	if (!sqm_case_fetch_locked(relid, org, investigation, "state", &coltype, &value, &isnull) || isnull)
		return NULL;
	return TextDatumGetCString(value);
}

/*
 * An investigation's outcome (as text, NULL if none) and whether it is
 * serious -- asked of sqm.is_serious(), the one place that says so -- read
 * FOR SHARE as the table's owner, so that a reassessment racing the caller
 * waits for it.  False if there is no such investigation.
 */
static bool
investigation_outcome(int64 org, int64 investigation, char **outcome, bool *serious)
{
	MemoryContext caller = CurrentMemoryContext;
	Datum		values[2] = {Int64GetDatum(org), Int64GetDatum(investigation)};
	Oid			save_userid;
	int			save_sec_context;
	bool		isnull;
	bool		found;
	int			rc;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "unexpected: SPI_connect failed in a lex Sarah rule");
	sqm_become_owner(sqm_relation_oid("lex_sarah_investigation"), &save_userid, &save_sec_context);
	if (investigation_outcome_plan == NULL)
	{
		Oid			argtypes[2] = {INT8OID, INT8OID};

		investigation_outcome_plan = sqm_prepare_kept(
			"SELECT i.outcome::pg_catalog.text, COALESCE(sqm.is_serious(i.outcome), false)"
			"  FROM sqm.lex_sarah_investigation i"
			" WHERE i.org_id OPERATOR(pg_catalog.=) $1 AND i.id OPERATOR(pg_catalog.=) $2"
			"   FOR SHARE",
			2, argtypes);
	}
	rc = SPI_execute_plan(investigation_outcome_plan, values, NULL, false, 1);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "unexpected: investigation-outcome query returned %d", rc);
	found = (SPI_processed == 1);
	*outcome = NULL;
	*serious = false;
	if (found)
	{
		char	   *text = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);

		if (text != NULL)
			*outcome = MemoryContextStrdup(caller, text);
		*serious = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
	}
	SetUserIdAndSecContext(save_userid, save_sec_context);
	SPI_finish();
	return found;
}


/* ----------------------------------------------------------------
 *		Row check of a report
 * ----------------------------------------------------------------
 */

static const char *const report_fields[] = {
	"org_id", "id", "unit_id", "regime", "happened_at", "reported_at", "received_at", "legal_basis",
	"investigation_id"
};

enum
{
	RF_ORG, RF_ID, RF_UNIT, RF_REGIME, RF_HAPPENED, RF_REPORTED, RF_RECEIVED, RF_BASIS,
	RF_INVESTIGATION, RF_COUNT
};

static const Oid report_field_types[RF_COUNT] = {
	INT8OID, INT8OID, INT8OID, TEXTOID, TIMESTAMPTZOID, TIMESTAMPTZOID, TIMESTAMPTZOID, TEXTOID, INT8OID
};

/*
 * sqm.lex_sarah_report_check(new sqm.lex_sarah_report, old
 * sqm.lex_sarah_report): the rules of a report.  old is NULL on INSERT; a
 * rule runs only when a column it reads changed.  It refuses; it never fills
 * in (the API chooses the basis with sqm.lex_sarah_legal_basis).
 */
Datum
sqm_lex_sarah_report_check(PG_FUNCTION_ARGS)
{
	Datum		nv[RF_COUNT];
	bool		nn[RF_COUNT];
	Datum		ov[RF_COUNT];
	bool		on[RF_COUNT];
	bool		changed[RF_COUNT];
	bool		insert = PG_ARGISNULL(1);
	int64		org;
	int64		id;
	char	   *regime;
	TimestampTz reported;
	TimestampTz now = sqm_current_time();
	int			i;

	if (PG_ARGISNULL(0))
		elog(ERROR, "unexpected: the row check of lex Sarah reports was called without a new row");
	sqm_row_fields(PG_GETARG_HEAPTUPLEHEADER(0), RF_COUNT, report_fields, nv, nn);
	if (!insert)
		sqm_row_fields(PG_GETARG_HEAPTUPLEHEADER(1), RF_COUNT, report_fields, ov, on);
	for (i = 0; i < RF_COUNT; i++)
		changed[i] = insert || sqm_field_changed(nv[i], nn[i], ov[i], on[i], report_field_types[i]);
	if (nn[RF_ORG] || nn[RF_ID] || nn[RF_REGIME] || nn[RF_REPORTED] || nn[RF_HAPPENED])
		PG_RETURN_VOID();		/* NOT NULL refuses the row */
	org = DatumGetInt64(nv[RF_ORG]);
	id = DatumGetInt64(nv[RF_ID]);
	regime = TextDatumGetCString(nv[RF_REGIME]);
	reported = DatumGetTimestampTz(nv[RF_REPORTED]);

	/* Lex Sarah is a rule of social services: SoL and LSS (domain.md §3.2). */
	if (changed[RF_REGIME] && strcmp(regime, "SoL") != 0 && strcmp(regime, "LSS") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("lex Sarah report %lld cannot be made under %s", (long long) id, regime),
				 errdetail("A lex Sarah report is made under SoL or LSS."),
				 errhint("Report an HSL or collaboration event as a deviation.")));

	/* Staff report at once: at the latest now, never before the event. */
	if (changed[RF_REPORTED] && reported > now)
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("lex Sarah report %lld cannot be made at %s, which is in the future",
						(long long) id, sqm_timestamptz_text(reported)),
				 errdetail("It is now %s.", sqm_timestamptz_text(now))));
	if ((changed[RF_HAPPENED] || changed[RF_REPORTED]) && DatumGetTimestampTz(nv[RF_HAPPENED]) > reported)
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("lex Sarah report %lld made at %s cannot be about an event at %s",
						(long long) id, sqm_timestamptz_text(reported),
						sqm_timestamptz_text(DatumGetTimestampTz(nv[RF_HAPPENED]))),
				 errhint("Give when it happened, at or before the report.")));

	/* The unit existed on the report date (domain.md §2). */
	if ((changed[RF_UNIT] || changed[RF_REPORTED] || changed[RF_ORG]) && !nn[RF_UNIT])
	{
		DateADT		report_day;

		if (!sqm_org_local_date(org, reported, &report_day))
			PG_RETURN_VOID();	/* no such organisation: its foreign key refuses the row */
		if (!sqm_unit_existed_on(org, DatumGetInt64(nv[RF_UNIT]), report_day))
			ereport(ERROR,
					(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
					 errmsg("unit %lld of organisation %lld did not exist on %s, the report date of lex Sarah report %lld",
							(long long) DatumGetInt64(nv[RF_UNIT]), (long long) org,
							sqm_date_text(report_day), (long long) id),
					 errhint("Report for the unit where it happened, as the organisation was then.")));
	}

	/*
	 * The legal basis in force for the regime on the day of the event, in
	 * the organisation's time zone (domain.md §3.2: store the basis as data,
	 * chosen by the event date).
	 */
	if (changed[RF_HAPPENED] || changed[RF_REGIME] || changed[RF_BASIS] || changed[RF_ORG])
	{
		DateADT		event_day;
		ValidCode  *bases;
		int			nbases;
		const char *basis = NULL;

		if (!sqm_org_local_date(org, DatumGetTimestampTz(nv[RF_HAPPENED]), &event_day))
			PG_RETURN_VOID();
		nbases = sqm_reference_rows(&legal_bases, 0, (void **) &bases);
		for (i = 0; i < nbases && basis == NULL; i++)
			if (strcmp(bases[i].regime, regime) == 0 && code_valid(&bases[i], event_day))
				basis = bases[i].code;
		if (basis == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
					 errmsg("no legal basis for a %s lex Sarah report of an event on %s", regime,
							sqm_date_text(event_day)),
					 errhint("sqm.legal_basis lists the provisions per regime and period.")));
		if (nn[RF_BASIS])
			ereport(ERROR,
					(errcode(ERRCODE_NOT_NULL_VIOLATION),
					 errmsg("lex Sarah report %lld has no legal basis", (long long) id),
					 errdetail("The basis valid for a %s event on %s is \"%s\".", regime,
							   sqm_date_text(event_day), basis),
					 errhint("Give legal_basis as sqm.lex_sarah_legal_basis(org_id, regime, happened_at) chooses it.")));
		if (strcmp(TextDatumGetCString(nv[RF_BASIS]), basis) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_CHECK_VIOLATION),
					 errmsg("legal basis \"%s\" does not apply to lex Sarah report %lld, a %s event on %s",
							TextDatumGetCString(nv[RF_BASIS]), (long long) id, regime,
							sqm_date_text(event_day)),
					 errdetail("The basis valid on that day is \"%s\".", basis),
					 errhint("The basis is chosen by the event date: sqm.lex_sarah_legal_basis(org_id, regime, happened_at).")));
	}

	/* Received by the investigating function after it was reported, by now. */
	if ((changed[RF_RECEIVED] || changed[RF_REPORTED]) && !nn[RF_RECEIVED] &&
		(DatumGetTimestampTz(nv[RF_RECEIVED]) < reported || DatumGetTimestampTz(nv[RF_RECEIVED]) > now))
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("lex Sarah report %lld cannot be received at %s", (long long) id,
						sqm_timestamptz_text(DatumGetTimestampTz(nv[RF_RECEIVED]))),
				 errdetail("It was reported at %s; it is now %s.", sqm_timestamptz_text(reported),
						   sqm_timestamptz_text(now))));

	/*
	 * A report joins only an investigation that is still open to it: a
	 * completed investigation has documented and assessed what it covers.
	 */
	if (changed[RF_INVESTIGATION] && !nn[RF_INVESTIGATION])
	{
		int64		investigation = DatumGetInt64(nv[RF_INVESTIGATION]);
		char	   *state = investigation_state(org, investigation);

		if (state != NULL && (strcmp(state, "completed") == 0 || strcmp(state, "closed") == 0))
			ereport(ERROR,
					(errcode(ERRCODE_SQM_OBJECT_CLOSED),
					 errmsg("lex Sarah investigation %lld is %s; no report can be added to it",
							(long long) investigation, state),
					 errdetail("Lex Sarah report %lld would be added to it.", (long long) id),
					 errhint("Open a new investigation for the report with sqm.open_lex_sarah_investigation().")));
	}
	PG_RETURN_VOID();
}


/* ----------------------------------------------------------------
 *		Row check of an investigation
 * ----------------------------------------------------------------
 */

static const char *const investigation_fields[] = {
	"org_id", "id", "state", "outcome", "themes", "assessed_at", "seriousness_decided_at"
};

enum
{
	IF_ORG, IF_ID, IF_STATE, IF_OUTCOME, IF_THEMES, IF_ASSESSED, IF_SERIOUS_AT, IF_COUNT
};

/* outcome is an enum: compared as its OID */
static const Oid investigation_field_types[IF_COUNT] = {
	INT8OID, INT8OID, TEXTOID, OIDOID, TEXTARRAYOID, TIMESTAMPTZOID, TIMESTAMPTZOID
};

/*
 * sqm.lex_sarah_investigation_check(new sqm.lex_sarah_investigation, old
 * sqm.lex_sarah_investigation): the assessment of a completed investigation
 * is final, and its themes are the organisation's, valid on the day of the
 * assessment.
 */
Datum
sqm_lex_sarah_investigation_check(PG_FUNCTION_ARGS)
{
	Datum		nv[IF_COUNT];
	bool		nn[IF_COUNT];
	Datum		ov[IF_COUNT];
	bool		on[IF_COUNT];
	bool		changed[IF_COUNT];
	bool		insert = PG_ARGISNULL(1);
	int64		org;
	int64		id;
	int			i;

	if (PG_ARGISNULL(0))
		elog(ERROR, "unexpected: the row check of lex Sarah investigations was called without a new row");
	sqm_row_fields(PG_GETARG_HEAPTUPLEHEADER(0), IF_COUNT, investigation_fields, nv, nn);
	if (!insert)
		sqm_row_fields(PG_GETARG_HEAPTUPLEHEADER(1), IF_COUNT, investigation_fields, ov, on);
	for (i = 0; i < IF_COUNT; i++)
		changed[i] = insert || sqm_field_changed(nv[i], nn[i], ov[i], on[i], investigation_field_types[i]);
	if (nn[IF_ORG] || nn[IF_ID])
		PG_RETURN_VOID();
	org = DatumGetInt64(nv[IF_ORG]);
	id = DatumGetInt64(nv[IF_ID]);

	/*
	 * Once completed, the assessment is what the investigation found: its
	 * outcome decides whether IVO must be notified before it closes
	 * (14 kap. 7 § SoL / 27 kap. SoL), so it is never changed afterwards.
	 */
	if (!insert && !on[IF_STATE] && strcmp(TextDatumGetCString(ov[IF_STATE]), "completed") == 0 &&
		(changed[IF_OUTCOME] || changed[IF_THEMES] || changed[IF_ASSESSED] || changed[IF_SERIOUS_AT]))
		ereport(ERROR,
				(errcode(ERRCODE_SQM_OBJECT_CLOSED),
				 errmsg("the assessment of lex Sarah investigation %lld cannot change once it is completed",
						(long long) id),
				 on[IF_OUTCOME] ? errdetail("It was completed without an outcome.") :
				 errdetail("It was completed with outcome %s.",
						   DatumGetCString(DirectFunctionCall1(enum_out, ov[IF_OUTCOME]))),
				 errhint("Close it; later information about a notified case goes to IVO as a supplement.")));

	/* Themes from the organisation's taxonomy, valid on the day of the assessment. */
	if ((changed[IF_THEMES] || changed[IF_ASSESSED]) && !nn[IF_THEMES])
	{
		ArrayType  *themes = DatumGetArrayTypeP(nv[IF_THEMES]);
		Datum	   *elems;
		bool	   *nulls;
		int			nelems;
		ValidCode  *codes;
		int			ncodes;
		DateADT		day;
		StringInfoData bad;
		int			j;

		deconstruct_array(themes, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &nelems);
		if (nelems == 0)
			PG_RETURN_VOID();
		if (!sqm_org_local_date(org, nn[IF_ASSESSED] ? sqm_current_time() : DatumGetTimestampTz(nv[IF_ASSESSED]),
								&day))
			PG_RETURN_VOID();
		ncodes = sqm_reference_rows(&lex_sarah_themes, org, (void **) &codes);
		initStringInfo(&bad);
		for (i = 0; i < nelems; i++)
		{
			char	   *code = nulls[i] ? NULL : TextDatumGetCString(elems[i]);
			bool		valid = false;

			for (j = 0; code != NULL && j < ncodes && !valid; j++)
				valid = strcmp(codes[j].code, code) == 0 && code_valid(&codes[j], day);
			if (!valid)
				appendStringInfo(&bad, "%s%s", bad.len > 0 ? ", " : "", code ? code : "NULL");
		}
		if (bad.len > 0)
			ereport(ERROR,
					(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
					 errmsg("lex Sarah investigation %lld names themes that organisation %lld does not use on %s: %s",
							(long long) id, (long long) org, sqm_date_text(day), bad.data),
					 errhint("Choose themes from sqm.lex_sarah_theme, or add them with sqm.add_lex_sarah_theme().")));
	}
	PG_RETURN_VOID();
}


/* ----------------------------------------------------------------
 *		Row check of an IVO notification
 * ----------------------------------------------------------------
 */

static const char *const notification_fields[] = {"org_id", "id", "investigation_id", "sent_at"};

/*
 * sqm.ivo_notification_check(new sqm.ivo_notification, old
 * sqm.ivo_notification): a notification is drafted only for an
 * investigation assessed as serious, and an investigation has one
 * notification that is not withdrawn (the unique index stays the last line
 * for concurrent drafts).
 */
Datum
sqm_ivo_notification_check(PG_FUNCTION_ARGS)
{
	Datum		nv[4];
	bool		nn[4];
	Datum		ov[4];
	bool		on[4];
	int64		org;
	int64		id;
	int64		investigation;
	char	   *outcome;
	bool		serious;
	Datum		values[3];
	int64		other = 0;
	int			rc;

	if (PG_ARGISNULL(0))
		elog(ERROR, "unexpected: the row check of IVO notifications was called without a new row");
	sqm_row_fields(PG_GETARG_HEAPTUPLEHEADER(0), 4, notification_fields, nv, nn);
	if (!PG_ARGISNULL(1))
		sqm_row_fields(PG_GETARG_HEAPTUPLEHEADER(1), 4, notification_fields, ov, on);

	/* Sent at the latest now: a notification is registered as it is sent. */
	if (!nn[3] && (PG_ARGISNULL(1) || sqm_field_changed(nv[3], nn[3], ov[3], on[3], TIMESTAMPTZOID)) &&
		DatumGetTimestampTz(nv[3]) > sqm_current_time())
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("IVO notification %lld cannot be sent at %s, which is in the future",
						(long long) DatumGetInt64(nv[1]), sqm_timestamptz_text(DatumGetTimestampTz(nv[3]))),
				 errdetail("It is now %s.", sqm_timestamptz_text(sqm_current_time())),
				 errhint("Give when it was sent, at the latest now.")));

	if (!PG_ARGISNULL(1) && !sqm_field_changed(nv[2], nn[2], ov[2], on[2], INT8OID))
		PG_RETURN_VOID();
	if (nn[0] || nn[1] || nn[2])
		PG_RETURN_VOID();
	org = DatumGetInt64(nv[0]);
	id = DatumGetInt64(nv[1]);
	investigation = DatumGetInt64(nv[2]);

	if (!investigation_outcome(org, investigation, &outcome, &serious))
		PG_RETURN_VOID();		/* no such investigation: its foreign key refuses the row */
	if (!serious)
		ereport(ERROR,
				(errcode(ERRCODE_SQM_GUARD_FAILED),
				 errmsg("lex Sarah investigation %lld is not assessed as serious; no IVO notification can be drafted",
						(long long) investigation),
				 outcome ? errdetail("Its outcome is %s.", outcome) : errdetail("It has no outcome yet."),
				 errhint("Only a serious outcome (risk_of_serious_impropriety, serious_impropriety), decided by the designated role, is notified to IVO.")));

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "unexpected: SPI_connect failed in a row check");
	if (other_notification_plan == NULL)
	{
		Oid			argtypes[3] = {INT8OID, INT8OID, INT8OID};

		other_notification_plan = sqm_prepare_kept(
			"SELECT pg_catalog.min(n.id) FROM sqm.ivo_notification n"
			" WHERE n.org_id OPERATOR(pg_catalog.=) $1 AND n.investigation_id OPERATOR(pg_catalog.=) $2"
			"   AND n.id OPERATOR(pg_catalog.<>) $3 AND n.state OPERATOR(pg_catalog.<>) 'withdrawn'",
			3, argtypes);
	}
	values[0] = Int64GetDatum(org);
	values[1] = Int64GetDatum(investigation);
	values[2] = Int64GetDatum(id);
	{
		Oid			save_userid;
		int			save_sec_context;
		bool		isnull;

		sqm_become_owner(sqm_relation_oid("ivo_notification"), &save_userid, &save_sec_context);
		rc = SPI_execute_plan(other_notification_plan, values, NULL, false, 1);
		SetUserIdAndSecContext(save_userid, save_sec_context);
		if (rc != SPI_OK_SELECT || SPI_processed != 1)
			elog(ERROR, "unexpected: other-notification query returned %d", rc);
		values[0] = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
		if (!isnull)
			other = DatumGetInt64(values[0]);
	}
	SPI_finish();
	if (other != 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNIQUE_VIOLATION),
				 errmsg("lex Sarah investigation %lld already has IVO notification %lld",
						(long long) investigation, (long long) other),
				 errdetail("An investigation has one notification that is not withdrawn."),
				 errhint("Revise the draft, or supplement the sent notification.")));
	PG_RETURN_VOID();
}


/* ----------------------------------------------------------------
 *		Row check of a record
 * ----------------------------------------------------------------
 */

static const char *const record_fields[] = {
	"org_id", "id", "investigation_id", "item", "content", "source", "nature", "recorded_by_name",
	"recorded_by_title", "measure_date", "recorded_at"
};

enum
{
	CF_ORG, CF_ID, CF_INVESTIGATION, CF_ITEM, CF_CONTENT, CF_SOURCE, CF_NATURE, CF_BY_NAME,
	CF_BY_TITLE, CF_MEASURE_DATE, CF_RECORDED_AT, CF_COUNT
};

/*
 * sqm.lex_sarah_record_check(new sqm.lex_sarah_record, old
 * sqm.lex_sarah_record): what a record of an investigation must carry
 * (SOSFS 2011:5 ch. 5: every recorded item carries its date, its source,
 * whether it is a fact or an assessment, and who recorded it), and that
 * nothing is recorded in a closed investigation.  Records are append-only
 * (sqm.append_only refuses updates), so it runs on INSERT.
 */
Datum
sqm_lex_sarah_record_check(PG_FUNCTION_ARGS)
{
	Datum		nv[CF_COUNT];
	bool		nn[CF_COUNT];
	int64		org;
	int64		investigation;
	char	   *state;
	char	   *item;
	LsItem	   *items;
	int			nitems;
	bool		known = false;
	StringInfoData missing;
	int			i;
	static const int required[] = {CF_CONTENT, CF_SOURCE, CF_NATURE, CF_BY_NAME, CF_BY_TITLE};

	if (PG_ARGISNULL(0))
		elog(ERROR, "unexpected: the row check of lex Sarah records was called without a new row");
	sqm_row_fields(PG_GETARG_HEAPTUPLEHEADER(0), CF_COUNT, record_fields, nv, nn);
	if (nn[CF_ORG] || nn[CF_INVESTIGATION])
		PG_RETURN_VOID();		/* NOT NULL refuses the row */
	org = DatumGetInt64(nv[CF_ORG]);
	investigation = DatumGetInt64(nv[CF_INVESTIGATION]);

	/* A closed investigation is final: nothing more is recorded in it. */
	state = investigation_state(org, investigation);
	if (state != NULL && strcmp(state, "closed") == 0)
		ereport(ERROR,
				(errcode(ERRCODE_SQM_OBJECT_CLOSED),
				 errmsg("lex Sarah investigation %lld is closed; nothing more can be recorded in it",
						(long long) investigation),
				 errhint("Later information about a notified case goes to IVO as a supplement.")));

	if (nn[CF_ITEM])
		PG_RETURN_VOID();
	item = TextDatumGetCString(nv[CF_ITEM]);
	nitems = sqm_reference_rows(&lex_sarah_items, 0, (void **) &items);
	for (i = 0; i < nitems && !known; i++)
		known = strcmp(items[i].item, item) == 0;
	if (!known)
	{
		StringInfoData list;

		initStringInfo(&list);
		for (i = 0; i < nitems; i++)
			appendStringInfo(&list, "%s%s", i > 0 ? ", " : "", items[i].item);
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("unknown item \"%s\" for a record of lex Sarah investigation %lld",
						item, (long long) investigation),
				 errhint("The items are %s.", list.data)));
	}

	initStringInfo(&missing);
	for (i = 0; i < lengthof(required); i++)
		if (!sqm_text_given(nv[required[i]], nn[required[i]]))
			appendStringInfo(&missing, "%s%s", missing.len > 0 ? ", " : "", record_fields[required[i]]);
	if (nn[CF_RECORDED_AT])
		appendStringInfo(&missing, "%s%s", missing.len > 0 ? ", " : "", "recorded_at");
	if (missing.len > 0)
		ereport(ERROR,
				(errcode(ERRCODE_NOT_NULL_VIOLATION),
				 errmsg("a record of lex Sarah investigation %lld needs %s", (long long) investigation,
						missing.data),
				 errdetail("Every recorded item carries its date, its source, whether it is a fact or an assessment, and who recorded it.")));

	if (strcmp(TextDatumGetCString(nv[CF_NATURE]), "fact") != 0 &&
		strcmp(TextDatumGetCString(nv[CF_NATURE]), "assessment") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("a record of lex Sarah investigation %lld is a fact or an assessment, not \"%s\"",
						(long long) investigation, TextDatumGetCString(nv[CF_NATURE]))));

	if (strcmp(item, "measure") == 0 && nn[CF_MEASURE_DATE])
		ereport(ERROR,
				(errcode(ERRCODE_NOT_NULL_VIOLATION),
				 errmsg("a measure recorded in lex Sarah investigation %lld needs the date it was taken",
						(long long) investigation),
				 errhint("Give measure_date.")));
	if (strcmp(item, "measure") != 0 && !nn[CF_MEASURE_DATE])
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("only a measure carries a measure date (lex Sarah investigation %lld, item %s)",
						(long long) investigation, item)));

	if (DatumGetTimestampTz(nv[CF_RECORDED_AT]) > sqm_current_time())
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("a record of lex Sarah investigation %lld cannot be dated %s, which is in the future",
						(long long) investigation,
						sqm_timestamptz_text(DatumGetTimestampTz(nv[CF_RECORDED_AT])))));
	PG_RETURN_VOID();
}


/*
 * The notification a supplement or an answer follows, read FOR SHARE as the
 * table's owner (so that a withdrawal racing the caller waits): its state
 * and when it was sent.  False if there is no such notification.
 */
static bool
notification_sent(int64 org, int64 notification, char **state, TimestampTz *sent_at, bool *sent_null)
{
	Oid			relid = sqm_relation_oid("ivo_notification");
	Oid			coltype;
	Datum		value;
	bool		isnull;

	if (!sqm_case_fetch_locked(relid, org, notification, "state", &coltype, &value, &isnull) || isnull)
		return false;
	*state = TextDatumGetCString(value);
	(void) sqm_case_fetch_locked(relid, org, notification, "sent_at", &coltype, &value, sent_null);
	*sent_at = *sent_null ? 0 : DatumGetTimestampTz(value);
	return true;
}

/*
 * Supplements and IVO's answers follow a sent notification (domain.md §3.2:
 * a sent notification is never edited; later information is a
 * supplement), dated between its sending and now.
 */
static TimestampTz
require_sent(int64 org, int64 notification)
{
	char	   *state;
	TimestampTz sent_at;
	bool		sent_null;

	if (!notification_sent(org, notification, &state, &sent_at, &sent_null))
		return 0;				/* no such notification: its foreign key refuses the row */
	if (strcmp(state, "sent") != 0 || sent_null)
		ereport(ERROR,
				(errcode(ERRCODE_SQM_GUARD_FAILED),
				 errmsg("IVO notification %lld is %s, not sent; IVO knows nothing of it yet",
						(long long) notification, state),
				 errhint("Supplements and IVO's answers follow a sent notification; a draft is revised instead.")));
	return sent_at;
}

static void
require_between(TimestampTz at, TimestampTz sent_at, const char *what, int64 notification)
{
	if (at < sent_at || at > sqm_current_time())
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("%s IVO notification %lld cannot be dated %s", what, (long long) notification,
						sqm_timestamptz_text(at)),
				 errdetail("The notification was sent at %s; it is now %s.", sqm_timestamptz_text(sent_at),
						   sqm_timestamptz_text(sqm_current_time())),
				 errhint("Give a time between the sending and now.")));
}

static const char *const supplement_fields[] = {"org_id", "notification_id", "sent_at", "contents"};

/*
 * sqm.ivo_supplement_check(new, old): a supplement to a sent notification,
 * with its contents, dated between the sending and now.
 */
Datum
sqm_ivo_supplement_check(PG_FUNCTION_ARGS)
{
	Datum		nv[4];
	bool		nn[4];
	int64		notification;
	TimestampTz sent_at;

	if (PG_ARGISNULL(0))
		elog(ERROR, "unexpected: the row check of IVO supplements was called without a new row");
	sqm_row_fields(PG_GETARG_HEAPTUPLEHEADER(0), 4, supplement_fields, nv, nn);
	if (nn[0] || nn[1])
		PG_RETURN_VOID();		/* NOT NULL refuses the row */
	notification = DatumGetInt64(nv[1]);
	sent_at = require_sent(DatumGetInt64(nv[0]), notification);
	if (!sqm_text_given(nv[3], nn[3]))
		ereport(ERROR,
				(errcode(ERRCODE_NOT_NULL_VIOLATION),
				 errmsg("a supplement to IVO notification %lld needs its contents", (long long) notification),
				 errhint("Write the information sent to IVO.")));
	if (!nn[2])
		require_between(DatumGetTimestampTz(nv[2]), sent_at, "a supplement to", notification);
	PG_RETURN_VOID();
}

static const char *const answer_fields[] = {"org_id", "notification_id", "answered_at", "answer",
"supplement_supplied_at"};

/*
 * sqm.ivo_answer_check(new, old): IVO's answer to a sent notification, one of
 * its answers, dated between the sending and now; a supplement supplied only
 * after an answer that asked for one, at the latest now.
 */
Datum
sqm_ivo_answer_check(PG_FUNCTION_ARGS)
{
	static const char *const answers[] = {"closed_no_action", "supplement_requested", "criticism",
	"other_decision"};
	Datum		nv[5];
	bool		nn[5];
	int64		notification;
	TimestampTz sent_at;
	char	   *answer;
	bool		known = false;
	int			i;

	if (PG_ARGISNULL(0))
		elog(ERROR, "unexpected: the row check of IVO answers was called without a new row");
	sqm_row_fields(PG_GETARG_HEAPTUPLEHEADER(0), 5, answer_fields, nv, nn);
	if (nn[0] || nn[1] || nn[3])
		PG_RETURN_VOID();		/* NOT NULL refuses the row */
	notification = DatumGetInt64(nv[1]);
	answer = TextDatumGetCString(nv[3]);
	for (i = 0; i < lengthof(answers); i++)
		known = known || strcmp(answer, answers[i]) == 0;
	if (!known)
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("unknown answer \"%s\" from IVO to notification %lld", answer, (long long) notification),
				 errhint("The answers are closed_no_action, supplement_requested, criticism and other_decision.")));
	sent_at = require_sent(DatumGetInt64(nv[0]), notification);
	if (!nn[2])
		require_between(DatumGetTimestampTz(nv[2]), sent_at, "IVO's answer to", notification);
	if (!nn[4] && (strcmp(answer, "supplement_requested") != 0 || nn[2] ||
				   DatumGetTimestampTz(nv[4]) < DatumGetTimestampTz(nv[2]) ||
				   DatumGetTimestampTz(nv[4]) > sqm_current_time()))
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("a supplement supplied at %s does not fit IVO's answer %s to notification %lld",
						sqm_timestamptz_text(DatumGetTimestampTz(nv[4])), answer, (long long) notification),
				 errhint("Only a supplement_requested answer has a supplement, supplied after the answer and at the latest now.")));
	PG_RETURN_VOID();
}


/* ----------------------------------------------------------------
 *		Guards
 * ----------------------------------------------------------------
 */

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
	bool		serious;
	char	   *outcome;

	if (!investigation_outcome(org, investigation, &outcome, &serious))
		elog(ERROR, "unexpected: lex Sarah investigation %lld of IVO notification %lld not found",
			 (long long) investigation, (long long) id);
	if (!serious)
		ereport(ERROR,
				(errcode(ERRCODE_SQM_GUARD_FAILED),
				 errmsg("IVO notification %lld cannot be sent: lex Sarah investigation %lld is not assessed as serious",
						(long long) id, (long long) investigation),
				 outcome ? errdetail("Its outcome is %s.", outcome) : errdetail("It has no outcome yet."),
				 errhint("Only a serious outcome (risk_of_serious_impropriety, serious_impropriety), decided by the designated role, is notified to IVO.")));
	PG_RETURN_VOID();
}
