/*-------------------------------------------------------------------------
 *
 * report.c
 *	  The rules of the quality report (domain.md §6, doc/report.md), in C for
 *	  every writer: the report's row check, the guard of its adoption and the
 *	  row check of its published version.
 *
 * A quality report (sqm.quality_report, the core's own governed table) is
 * an organisation's report for one of its reporting periods; the committee
 * adopts it (draft → adopted, terminal), and at adoption its published
 * version is frozen in sqm.report_publication (append-only: SQ010), with
 * the head of the organisation's audit chain printed in it, so that the
 * published report anchors the chain (a later truncation of the chain is
 * seen against it: sqm.verify_report_anchors).  This file owns
 *
 *	- sqm.quality_report_check(new, old), the row check the lifecycle engine
 *	  calls on every insert and on updates of period and decision_date:
 *	  a report is for a reporting period of its organisation (its reporting
 *	  year, a quarter or a month: the periods sqm.stat_period lists, so the
 *	  statistics views have the period); its period never changes; it is
 *	  adopted after its period ended and not on a day still to come (the
 *	  committee decides on the report of a period that is over);
 *	- sqm.guard_quality_report_published(report), the guard of
 *	  draft → adopted: the published version exists, in the report's
 *	  language, and carries the report's decision (date, paragraph, registry
 *	  number), so that no report is adopted without the frozen document the
 *	  committee adopted;
 *	- sqm.report_publication_check(new, old), the row check of
 *	  sqm.report_publication: a published version belongs to a report of its
 *	  organisation that is not adopted yet (once adopted it is frozen:
 *	  SQ004), carries the report's decision, and names as the chain's head
 *	  an event that is in the organisation's audit chain.
 *
 * Queries run as the owner of the tables they read (row-level security
 * off, as foreign-key checks run), with kept plans; values of sqm's own
 * types are passed as text and cast in the query, so no type OID is kept.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/lsyscache.h"
#include "utils/typcache.h"

#include "sqm.h"

PG_FUNCTION_INFO_V1(sqm_quality_report_check);
PG_FUNCTION_INFO_V1(sqm_guard_quality_report_published);
PG_FUNCTION_INFO_V1(sqm_report_publication_check);

#define ADOPT_HINT \
	"A report is adopted with sqm.adopt_report(), which makes its published version and adopts it in one transaction."

/*
 * A field of a composite row as text, through its type's output function
 * (sqm.period and sqm.regnr as they print); NULL for a NULL field.
 */
static char *
row_field_text(HeapTupleHeader row, const char *name)
{
	TupleDesc	tupdesc = lookup_rowtype_tupdesc(HeapTupleHeaderGetTypeId(row),
												 HeapTupleHeaderGetTypMod(row));
	HeapTupleData tuple;
	Form_pg_attribute att = sqm_find_column(tupdesc, name);
	Datum		d;
	bool		isnull;
	char	   *result = NULL;

	if (att == NULL)
		elog(ERROR, "unexpected: row of type %s has no column \"%s\"",
			 format_type_be(HeapTupleHeaderGetTypeId(row)), name);
	tuple.t_len = HeapTupleHeaderGetDatumLength(row);
	ItemPointerSetInvalid(&tuple.t_self);
	tuple.t_tableOid = InvalidOid;
	tuple.t_data = row;
	d = heap_getattr(&tuple, att->attnum, tupdesc, &isnull);
	if (!isnull)
	{
		Oid			outfn;
		bool		varlena;

		getTypeOutputInfo(att->atttypid, &outfn, &varlena);
		result = OidOutputFunctionCall(outfn, d);
	}
	ReleaseTupleDesc(tupdesc);
	return result;
}

/*
 * The text of column n of the first row SPI returned (NULL for NULL),
 * copied into cxt, which outlives SPI_finish().
 */
static char *
spi_text(MemoryContext cxt, int n)
{
	char	   *v = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, n);

	return v ? MemoryContextStrdup(cxt, v) : NULL;
}

/* ----------------------------------------------------------------
 *		The report's row check
 * ----------------------------------------------------------------
 */

static const char *const report_fields[] = {"org_id", "id", "decision_date"};

enum
{
	RF_ORG, RF_ID, RF_DECISION, RF_COUNT
};

/*
 * sqm.quality_report_check(new sqm.quality_report, old sqm.quality_report):
 * old is NULL on INSERT.
 */
Datum
sqm_quality_report_check(PG_FUNCTION_ARGS)
{
	static SPIPlanPtr plan = NULL;
	HeapTupleHeader newrow;
	Datum		nv[RF_COUNT];
	bool		nn[RF_COUNT];
	int64		org;
	int64		id;
	char	   *period;
	Datum		args[2];
	Oid			save_userid;
	int			save_sec_context;
	int			rc;
	char	   *kind;
	int			start;
	int			org_start;
	DateADT		last_day;
	DateADT		today;
	bool		isnull;
	MemoryContext caller = CurrentMemoryContext;

	if (PG_ARGISNULL(0))
		elog(ERROR, "unexpected: the row check of quality reports was called without a new row");
	newrow = PG_GETARG_HEAPTUPLEHEADER(0);
	sqm_row_fields(newrow, RF_COUNT, report_fields, nv, nn);
	if (nn[RF_ORG] || nn[RF_ID])
		PG_RETURN_VOID();		/* refused by NOT NULL */
	org = DatumGetInt64(nv[RF_ORG]);
	id = DatumGetInt64(nv[RF_ID]);
	period = row_field_text(newrow, "period");
	if (period == NULL)
		PG_RETURN_VOID();		/* refused by NOT NULL */

	/* Its period never changes: what was drafted and adopted is that period's report. */
	if (!PG_ARGISNULL(1))
	{
		char	   *old_period = row_field_text(PG_GETARG_HEAPTUPLEHEADER(1), "period");

		if (old_period != NULL && strcmp(old_period, period) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("quality report %lld cannot change its period", (long long) id),
					 errdetail("It is the report of %s; the change would make it %s's.", old_period, period),
					 errhint("Each period has its own report: write the other period's with sqm.set_report_metadata().")));
	}

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "unexpected: SPI_connect failed in the row check of quality reports");
	sqm_become_owner(sqm_relation_oid("organisation"), &save_userid, &save_sec_context);
	if (plan == NULL)
	{
		Oid			argtypes[2] = {INT8OID, TEXTOID};

		plan = sqm_prepare_kept("SELECT sqm.period_kind(p.p), sqm.start_month(p.p), sqm.last_day(p.p),"
								"       o.quality_year_start,"
								"       (sqm.now() AT TIME ZONE o.time_zone)::date"
								"  FROM sqm.organisation o, (SELECT $2::sqm.period AS p) p"
								" WHERE o.org_id OPERATOR(pg_catalog.=) $1",
								2, argtypes);
	}
	args[0] = Int64GetDatum(org);
	args[1] = CStringGetTextDatum(period);
	rc = SPI_execute_plan(plan, args, NULL, true, 1);
	SetUserIdAndSecContext(save_userid, save_sec_context);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "unexpected: organisation query of the quality report check returned %d", rc);
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("quality report %lld is for organisation %lld, which does not exist",
						(long long) id, (long long) org)));
	kind = spi_text(caller, 1);
	start = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
	last_day = DatumGetDateADT(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 3, &isnull));
	org_start = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 4, &isnull));
	today = DatumGetDateADT(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 5, &isnull));
	SPI_finish();

	/*
	 * A reporting period of the organisation (domain.md §2): its reporting
	 * year — the calendar year, or the quality year starting in its month —
	 * or a calendar quarter or month.  These are the periods the statistics
	 * views have (sqm.stat_period), so every number of the report comes from
	 * them.
	 */
	if ((strcmp(kind, "year") == 0 || strcmp(kind, "quality_year") == 0) && start != org_start)
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("quality report %lld is for %s, which is not a reporting period of organisation %lld",
						(long long) id, period, (long long) org),
				 org_start == 1 ?
				 errdetail("The organisation reports by calendar year.") :
				 errdetail("The organisation's reporting year is the quality year starting in month %d.", org_start),
				 errhint("Report on the organisation's reporting year, a quarter or a month: the periods of sqm.stat_period.")));

	/*
	 * The committee adopts the report of a period that is over, on a day
	 * that has come (in the organisation's time zone).
	 */
	if (!nn[RF_DECISION])
	{
		DateADT		decided = DatumGetDateADT(nv[RF_DECISION]);

		if (decided <= last_day)
			ereport(ERROR,
					(errcode(ERRCODE_CHECK_VIOLATION),
					 errmsg("quality report %lld cannot be adopted on %s, before its period %s is over",
							(long long) id, sqm_date_text(decided), period),
					 errdetail("The period ends on %s.", sqm_date_text(last_day)),
					 errhint("The committee adopts the report of a period that is over.")));
		if (decided > today)
			ereport(ERROR,
					(errcode(ERRCODE_CHECK_VIOLATION),
					 errmsg("quality report %lld cannot be adopted on %s, a day still to come",
							(long long) id, sqm_date_text(decided)),
					 errdetail("Today is %s in the organisation's time zone.", sqm_date_text(today)),
					 errhint("Record the adoption once the committee has decided.")));
	}
	PG_RETURN_VOID();
}

/* ----------------------------------------------------------------
 *		draft → adopted
 * ----------------------------------------------------------------
 */

/*
 * sqm.guard_quality_report_published(report sqm.quality_report): the
 * published version, in the report's language, carries the report's
 * decision.
 */
Datum
sqm_guard_quality_report_published(PG_FUNCTION_ARGS)
{
	static SPIPlanPtr plan = NULL;
	HeapTupleHeader row = PG_GETARG_HEAPTUPLEHEADER(0);
	int64		org = sqm_row_int8(row, "org_id");
	int64		id = sqm_row_int8(row, "id");
	char	   *lang = row_field_text(row, "lang");
	char	   *decided = row_field_text(row, "decision_date");
	char	   *paragraph = row_field_text(row, "decision_paragraph");
	char	   *regnr = row_field_text(row, "regnr");
	Datum		args[6];
	char		nulls[6] = "      ";
	Oid			save_userid;
	int			save_sec_context;
	int			rc;
	bool		found;
	char	   *matches = NULL;
	char	   *published = NULL;
	MemoryContext caller = CurrentMemoryContext;

	args[0] = Int64GetDatum(org);
	args[1] = Int64GetDatum(id);
	args[2] = CStringGetTextDatum(lang ? lang : "");
	if (decided)
		args[3] = CStringGetTextDatum(decided);
	else
		nulls[3] = 'n';
	if (paragraph)
		args[4] = CStringGetTextDatum(paragraph);
	else
		nulls[4] = 'n';
	if (regnr)
		args[5] = CStringGetTextDatum(regnr);
	else
		nulls[5] = 'n';

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "unexpected: SPI_connect failed in the adoption guard of quality reports");
	sqm_become_owner(sqm_relation_oid("report_publication"), &save_userid, &save_sec_context);
	if (plan == NULL)
	{
		Oid			argtypes[6] = {INT8OID, INT8OID, TEXTOID, TEXTOID, TEXTOID, TEXTOID};

		plan = sqm_prepare_kept("SELECT coalesce(p.decision_date OPERATOR(pg_catalog.=) $4::date"
								"           AND p.decision_paragraph OPERATOR(pg_catalog.=) $5::integer"
								"           AND p.regnr OPERATOR(sqm.=) $6::sqm.regnr, false),"
								"       pg_catalog.format('%s, § %s, %s', p.decision_date, p.decision_paragraph, p.regnr)"
								"  FROM sqm.report_publication p"
								" WHERE p.org_id OPERATOR(pg_catalog.=) $1 AND p.report_id OPERATOR(pg_catalog.=) $2"
								"   AND p.lang OPERATOR(pg_catalog.=) $3",
								6, argtypes);
	}
	/* not read-only: a fresh snapshot sees the version written just before */
	rc = SPI_execute_plan(plan, args, nulls, false, 1);
	SetUserIdAndSecContext(save_userid, save_sec_context);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "unexpected: publication query of the adoption guard returned %d", rc);
	found = SPI_processed == 1;
	if (found)
	{
		matches = spi_text(caller, 1);
		published = spi_text(caller, 2);
	}
	SPI_finish();

	if (!found)
		ereport(ERROR,
				(errcode(ERRCODE_SQM_GUARD_FAILED),
				 errmsg("quality report %lld cannot be adopted: its published version has not been made",
						(long long) id),
				 errdetail("The committee adopts a document; the report has no published version in %s.",
						   lang ? lang : "its language"),
				 errhint(ADOPT_HINT)));
	if (matches == NULL || strcmp(matches, "t") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_SQM_GUARD_FAILED),
				 errmsg("quality report %lld cannot be adopted: its published version carries another decision",
						(long long) id),
				 errdetail("The published version says %s; the report says %s, § %s, %s.",
						   published ? published : "nothing",
						   decided ? decided : "no date", paragraph ? paragraph : "–", regnr ? regnr : "no registry number"),
				 errhint(ADOPT_HINT)));
	PG_RETURN_VOID();
}

/* ----------------------------------------------------------------
 *		The published version's row check
 * ----------------------------------------------------------------
 */

/*
 * sqm.report_publication_check(new sqm.report_publication, old …): on
 * INSERT (an UPDATE is refused before, by sqm.append_only).
 */
Datum
sqm_report_publication_check(PG_FUNCTION_ARGS)
{
	static SPIPlanPtr report_plan = NULL;
	static SPIPlanPtr head_plan = NULL;
	HeapTupleHeader row;
	int64		org;
	int64		id;
	char	   *decided;
	char	   *paragraph;
	char	   *regnr;
	char	   *seq;
	char	   *hash;
	Datum		args[5];
	char		nulls[5] = "     ";
	Oid			save_userid;
	int			save_sec_context;
	int			rc;
	char	   *state = NULL;
	char	   *report_decision = NULL;
	char	   *matches = NULL;
	bool		in_chain;
	MemoryContext caller = CurrentMemoryContext;

	if (PG_ARGISNULL(0))
		elog(ERROR, "unexpected: the row check of published reports was called without a new row");
	row = PG_GETARG_HEAPTUPLEHEADER(0);
	if (row_field_text(row, "org_id") == NULL || row_field_text(row, "report_id") == NULL)
		PG_RETURN_VOID();		/* refused by NOT NULL */
	org = sqm_row_int8(row, "org_id");
	id = sqm_row_int8(row, "report_id");
	decided = row_field_text(row, "decision_date");
	paragraph = row_field_text(row, "decision_paragraph");
	regnr = row_field_text(row, "regnr");
	seq = row_field_text(row, "audit_seq");
	hash = row_field_text(row, "audit_hash");

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "unexpected: SPI_connect failed in the row check of published reports");

	/* The report, locked: an adoption racing this insert waits, then sees it. */
	sqm_become_owner(sqm_relation_oid("quality_report"), &save_userid, &save_sec_context);
	if (report_plan == NULL)
	{
		Oid			argtypes[5] = {INT8OID, INT8OID, TEXTOID, TEXTOID, TEXTOID};

		report_plan = sqm_prepare_kept("SELECT r.state,"
									   "       pg_catalog.format('%s, § %s, %s', r.decision_date, r.decision_paragraph, r.regnr),"
									   "       coalesce(r.decision_date OPERATOR(pg_catalog.=) $3::date"
									   "           AND r.decision_paragraph OPERATOR(pg_catalog.=) $4::integer"
									   "           AND r.regnr OPERATOR(sqm.=) $5::sqm.regnr, false)"
									   "  FROM sqm.quality_report r"
									   " WHERE r.org_id OPERATOR(pg_catalog.=) $1 AND r.id OPERATOR(pg_catalog.=) $2"
									   "   FOR SHARE",
									   5, argtypes);
	}
	args[0] = Int64GetDatum(org);
	args[1] = Int64GetDatum(id);
	if (decided)
		args[2] = CStringGetTextDatum(decided);
	else
		nulls[2] = 'n';
	if (paragraph)
		args[3] = CStringGetTextDatum(paragraph);
	else
		nulls[3] = 'n';
	if (regnr)
		args[4] = CStringGetTextDatum(regnr);
	else
		nulls[4] = 'n';
	rc = SPI_execute_plan(report_plan, args, nulls, false, 1);
	SetUserIdAndSecContext(save_userid, save_sec_context);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "unexpected: report query of the publication check returned %d", rc);
	if (SPI_processed == 1)
	{
		state = spi_text(caller, 1);
		report_decision = spi_text(caller, 2);
		matches = spi_text(caller, 3);
	}
	if (state == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("a published version names quality report %lld, which does not exist in organisation %lld",
						(long long) id, (long long) org),
				 errhint(ADOPT_HINT)));

	/* Once adopted, the published version is frozen: nothing is added. */
	if (strcmp(state, "draft") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_SQM_OBJECT_CLOSED),
				 errmsg("quality report %lld is %s: its published version is frozen", (long long) id, state),
				 errdetail("A published version is made once, when the committee adopts the report."),
				 errhint("Later changes belong in the next period's report.")));

	/* It carries the decision that adopts it. */
	if (strcmp(matches, "t") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("the published version of quality report %lld must carry the report's decision", (long long) id),
				 errdetail("The report says %s; the published version says %s, § %s, %s.", report_decision,
						   decided ? decided : "no date", paragraph ? paragraph : "–", regnr ? regnr : "no registry number"),
				 errhint("Record the decision on the report first (sqm.adopt_report() does both).")));

	/*
	 * The head it prints is an event of the organisation's chain: the
	 * anchor a later truncation of the chain is checked against.
	 */
	sqm_become_owner(sqm_relation_oid("audit_event"), &save_userid, &save_sec_context);
	if (head_plan == NULL)
	{
		Oid			argtypes[3] = {INT8OID, TEXTOID, TEXTOID};

		head_plan = sqm_prepare_kept("SELECT FROM sqm.audit_event e"
									 " WHERE e.org_id OPERATOR(pg_catalog.=) $1"
									 "   AND e.seq OPERATOR(pg_catalog.=) $2::bigint"
									 "   AND e.hash OPERATOR(pg_catalog.=) $3::bytea",
									 3, argtypes);
	}
	args[0] = Int64GetDatum(org);
	in_chain = false;
	if (seq && hash)
	{
		args[1] = CStringGetTextDatum(seq);
		args[2] = CStringGetTextDatum(hash);
		rc = SPI_execute_plan(head_plan, args, NULL, true, 1);
		if (rc != SPI_OK_SELECT)
			elog(ERROR, "unexpected: chain query of the publication check returned %d", rc);
		in_chain = SPI_processed == 1;
	}
	SetUserIdAndSecContext(save_userid, save_sec_context);
	SPI_finish();
	if (!in_chain)
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("the published version of quality report %lld names audit event %s, which is not in organisation %lld's audit chain",
						(long long) id, seq ? seq : "NULL", (long long) org),
				 errdetail("It names the head seq %s with hash %s.", seq ? seq : "NULL", hash ? hash : "NULL"),
				 errhint("The published version prints the head of the chain at adoption: sqm.audit_head().")));
	PG_RETURN_VOID();
}
