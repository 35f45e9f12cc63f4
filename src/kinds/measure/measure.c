/*-------------------------------------------------------------------------
 *
 * measure.c
 *	  The rules of measures (domain.md §3.7), in C for every writer: the
 *	  measure's row check.
 *
 * The lifecycle engine (src/core/lifecycle.c) calls the row check
 * sqm.measure_check(new, old) on every insert of a measure and on every
 * update of the columns it watches (sqm.lifecycle_kind.row_check_on).  It
 * returns nothing when the row may be written and raises, naming the
 * measure and what is wrong, when it may not; it never changes the row.
 * This file owns
 *
 *	- a measure is decided for a case of a known kind, in its organisation,
 *	  that is not in a terminal state (SOSFS 2011:9: measures are decided
 *	  while a case is open).  The case is read FOR SHARE, so that a closure
 *	  racing the planning either sees the new measure (its guard counts it)
 *	  or is seen closed here;
 *	- a measure keeps the case it was decided for;
 *	- its due and follow-up dates move only with a reason (the reason of
 *	  the change, sqm_audit_reason(), which the audit trail records with the
 *	  change): one organisation moved a follow-up to the next spring, and
 *	  the trail says why.
 *
 * Whether a measure evaluated as having no effect was followed by a new one
 * is a rule of the case it was decided for, asked by that kind's closure
 * guard (a deviation's: deviation.c).  Queries are schema-qualified,
 * operators included.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <ctype.h>

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/date.h"

#include "sqm.h"

PG_FUNCTION_INFO_V1(sqm_measure_check);

static const char *const measure_fields[] = {
	"org_id", "id", "source_kind", "source_id", "due_on", "follow_up_on"
};

enum
{
	MF_ORG, MF_ID, MF_SOURCE_KIND, MF_SOURCE_ID, MF_DUE, MF_FOLLOW_UP, MF_COUNT
};

/*
 * Whether a state of a kind is terminal (sqm.lifecycle_state), read as the
 * table's owner with a kept plan.
 */
static bool
state_terminal(const char *kind, const char *state)
{
	static SPIPlanPtr plan = NULL;
	Datum		args[2] = {CStringGetTextDatum(kind), CStringGetTextDatum(state)};
	Oid			save_userid;
	int			save_sec_context;
	bool		terminal = false;
	int			rc;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "unexpected: SPI_connect failed in a row check");
	sqm_become_owner(sqm_relation_oid("lifecycle_state"), &save_userid, &save_sec_context);
	if (plan == NULL)
	{
		Oid			argtypes[2] = {TEXTOID, TEXTOID};

		plan = sqm_prepare_kept("SELECT s.terminal FROM sqm.lifecycle_state s"
								" WHERE s.kind OPERATOR(pg_catalog.=) $1 AND s.state OPERATOR(pg_catalog.=) $2",
								2, argtypes);
	}
	rc = SPI_execute_plan(plan, args, NULL, true, 1);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "unexpected: lifecycle-state query returned %d", rc);
	if (SPI_processed == 1)
	{
		bool		isnull;
		Datum		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);

		terminal = !isnull && DatumGetBool(d);
	}
	SetUserIdAndSecContext(save_userid, save_sec_context);
	SPI_finish();
	return terminal;
}

/* Whether a reason holds something other than blanks. */
static bool
reason_given(const char *reason)
{
	if (reason == NULL)
		return false;
	for (; *reason; reason++)
		if (!isspace((unsigned char) *reason))
			return true;
	return false;
}

/*
 * A measure is decided for an open case of a known kind in its
 * organisation.
 */
static void
check_source(int64 org, int64 id, const char *source_kind, int64 source_id)
{
	Oid			relid;
	char	   *label;
	Oid			coltype;
	Datum		value;
	bool		isnull;
	char	   *state;

	if (!sqm_kind_lookup(source_kind, &relid, &label))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("measure %lld is decided for an object of unknown kind \"%s\"",
						(long long) id, source_kind),
				 errhint("A measure is decided for a case of a kind registered in sqm.lifecycle_kind.")));
	if (!sqm_case_fetch_locked(relid, org, source_id, "state", &coltype, &value, &isnull))
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("measure %lld is decided for %s %lld, which does not exist in organisation %lld",
						(long long) id, label, (long long) source_id, (long long) org),
				 errhint("A measure is decided for a case of its own organisation.")));
	if (isnull || coltype != TEXTOID)
		elog(ERROR, "unexpected: %s %lld has no state", label, (long long) source_id);
	state = TextDatumGetCString(value);
	if (state_terminal(source_kind, state))
		ereport(ERROR,
				(errcode(ERRCODE_SQM_OBJECT_CLOSED),
				 errmsg("no measure can be planned for %s %lld, which is %s",
						label, (long long) source_id, state),
				 errdetail("Measure %lld would be decided for an object in a terminal state.", (long long) id),
				 errhint("Measures are decided while the object is open.")));
}

/*
 * sqm.measure_check(new sqm.measure, old sqm.measure): the rules of a
 * measure's content.  old is NULL on INSERT.
 */
Datum
sqm_measure_check(PG_FUNCTION_ARGS)
{
	Datum		nv[MF_COUNT];
	bool		nn[MF_COUNT];
	Datum		ov[MF_COUNT];
	bool		on[MF_COUNT];
	int64		org;
	int64		id;
	int			i;

	if (PG_ARGISNULL(0))
		elog(ERROR, "unexpected: the row check of measures was called without a new row");
	sqm_row_fields(PG_GETARG_HEAPTUPLEHEADER(0), MF_COUNT, measure_fields, nv, nn);
	for (i = 0; i <= MF_SOURCE_ID; i++)
		if (nn[i])
			PG_RETURN_VOID();	/* a NULL key or source is refused by NOT NULL */
	org = DatumGetInt64(nv[MF_ORG]);
	id = DatumGetInt64(nv[MF_ID]);

	if (PG_ARGISNULL(1))
	{
		check_source(org, id, TextDatumGetCString(nv[MF_SOURCE_KIND]), DatumGetInt64(nv[MF_SOURCE_ID]));
		PG_RETURN_VOID();
	}

	sqm_row_fields(PG_GETARG_HEAPTUPLEHEADER(1), MF_COUNT, measure_fields, ov, on);

	/* It stays a measure of the case it was decided for. */
	if (sqm_field_changed(nv[MF_SOURCE_KIND], nn[MF_SOURCE_KIND], ov[MF_SOURCE_KIND], on[MF_SOURCE_KIND], TEXTOID) ||
		sqm_field_changed(nv[MF_SOURCE_ID], nn[MF_SOURCE_ID], ov[MF_SOURCE_ID], on[MF_SOURCE_ID], INT8OID))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("measure %lld cannot change the object it was decided for", (long long) id),
				 errdetail("It was decided for %s %lld.", TextDatumGetCString(ov[MF_SOURCE_KIND]),
						   (long long) DatumGetInt64(ov[MF_SOURCE_ID])),
				 errhint("Plan a new measure for the other object, and cancel this one with a reason.")));

	/* Its dates move only with a reason, which the audit trail keeps. */
	if ((sqm_field_changed(nv[MF_DUE], nn[MF_DUE], ov[MF_DUE], on[MF_DUE], DATEOID) ||
		 sqm_field_changed(nv[MF_FOLLOW_UP], nn[MF_FOLLOW_UP], ov[MF_FOLLOW_UP], on[MF_FOLLOW_UP], DATEOID)) &&
		!reason_given(sqm_audit_reason()))
		ereport(ERROR,
				(errcode(ERRCODE_SQM_GUARD_FAILED),
				 errmsg("measure %lld cannot be rescheduled without a reason", (long long) id),
				 (!nn[MF_DUE] && !nn[MF_FOLLOW_UP] && !on[MF_DUE] && !on[MF_FOLLOW_UP]) ?
				 errdetail("It is due %s and followed up %s; the change would make them %s and %s.",
						   sqm_date_text(DatumGetDateADT(ov[MF_DUE])),
						   sqm_date_text(DatumGetDateADT(ov[MF_FOLLOW_UP])),
						   sqm_date_text(DatumGetDateADT(nv[MF_DUE])),
						   sqm_date_text(DatumGetDateADT(nv[MF_FOLLOW_UP]))) : 0,
				 errhint("Move its dates with sqm.reschedule_measure() and say why; the audit trail keeps the reason.")));
	PG_RETURN_VOID();
}
