/*-------------------------------------------------------------------------
 *
 * data_incident.c
 *	  The rules of personal data incidents (personuppgiftsincidenter,
 *	  domain.md §3.4), in C for every writer: the row check of the incident,
 *	  the row check of its details and the guards of its moves.
 *
 * The lifecycle engine (src/core/lifecycle.c) calls the row check
 * sqm.data_incident_check(new, old) on every insert of an incident and on
 * every update of the columns it watches, and the guard of a move with the
 * new row; the details table's trigger (src/core/row_check.c) calls
 * sqm.data_incident_detail_check(new, old) on every insert of a details row
 * and every change of the reasons of a late notification or of an
 * exception's ground.  Each returns nothing when the row may be written and
 * raises, naming the incident and what is wrong, when it may not; none
 * changes the row.  This file owns
 *
 *	- the row check: the organisation became aware of the incident at the
 *	  latest now and not before it happened, and registered it between its
 *	  awareness and now; its unit existed on the awareness day (domain.md
 *	  §2) and its type is the organisation's, valid then; the data and the
 *	  people concerned are named as known categories, never as people; a
 *	  recovery, the assessment, the notification to IMY, the informing of the
 *	  people concerned and the action plan are dated between the awareness
 *	  (a recovery: the event) and now; an incident assessed unlikely to
 *	  result in a risk is not notified to IMY (GDPR art. 33(1)); a
 *	  notification more than 72 real hours after awareness -- compared with
 *	  the notification's time, across daylight-saving changes -- carries the
 *	  reasons for the delay (art. 33(1)); an exception to informing the
 *	  people concerned carries its ground (art. 34(3));
 *	- the details check: those reasons and that ground are not removed
 *	  while the incident needs them;
 *	- the guards: the action plan follows what the risk called for -- IMY
 *	  notified unless the risk is unlikely, the people concerned told or an
 *	  exception recorded when it is high -- and the incident closes only
 *	  assessed (art. 33(5): documented whatever its outcome), with its action
 *	  plan registered and those steps taken (domain.md §3.4: "closure without
 *	  one is refused").
 *
 * The taxonomy comes from a per-backend cache (src/core/reference.c), so a
 * warm report does no SPI.  Queries are schema-qualified, operators
 * included: a check also runs for a direct writer with any search_path.
 * Messages name the incident, never a person.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/timestamp.h"

#include "sqm.h"

PG_FUNCTION_INFO_V1(sqm_data_incident_check);
PG_FUNCTION_INFO_V1(sqm_data_incident_detail_check);
PG_FUNCTION_INFO_V1(sqm_guard_data_incident_planned);
PG_FUNCTION_INFO_V1(sqm_guard_data_incident_closable);

/* GDPR art. 33(1): notified "not later than 72 hours after having become aware of it". */
#define IMY_LIMIT_USECS		(INT64CONST(72) * USECS_PER_HOUR)

/* The categories of data and of people an incident may name. */
static const char *const data_categories[] = {
	"identity", "contact", "social_services", "health", "financial", "protected_identity", "offences", "other", NULL
};
static const char *const subject_categories[] = {
	"service_user", "child", "guardian", "relative", "staff", "other", NULL
};


/* ----------------------------------------------------------------
 *		The taxonomy, cached per organisation
 * ----------------------------------------------------------------
 */

/* A type of the organisation's taxonomy (sqm.data_incident_type). */
typedef SqmValidCode IncidentType;

static SqmRefSet incident_types = {
	"data_incident_type",
	"SELECT t.code, pg_catalog.lower(t.valid), pg_catalog.upper(t.valid), pg_catalog.isempty(t.valid)"
	"  FROM sqm.data_incident_type t WHERE t.org_id OPERATOR(pg_catalog.=) $1"
	" ORDER BY t.code COLLATE pg_catalog.\"C\"",
	sizeof(IncidentType), sqm_decode_valid_code, NULL
};


/* ----------------------------------------------------------------
 *		The incident and its details, as the rules read them
 * ----------------------------------------------------------------
 */

/* What the rules need of an incident's details row (whether each is written). */
typedef struct IncidentText
{
	bool		imy_late_reason;
	bool		informing_exception;
	bool		action_plan;
	bool		action_plan_responsible;
} IncidentText;

/*
 * The details row of an incident, read as its table's owner with a kept
 * plan and a fresh snapshot: the write path writes the details before the
 * incident, and this sees them.
 */
static IncidentText
read_details(int64 org, int64 id)
{
	static SPIPlanPtr plan = NULL;
	IncidentText result = {false, false, false, false};
	Datum		values[2] = {Int64GetDatum(org), Int64GetDatum(id)};
	Oid			save_userid;
	int			save_sec_context;
	int			rc;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "unexpected: SPI_connect failed in a data incident rule");
	sqm_become_owner(sqm_relation_oid("data_incident_detail"), &save_userid, &save_sec_context);
	if (plan == NULL)
	{
		Oid			argtypes[2] = {INT8OID, INT8OID};

		plan = sqm_prepare_kept("SELECT d.imy_late_reason, d.informing_exception, d.action_plan, d.action_plan_responsible"
								"  FROM sqm.data_incident_detail d"
								" WHERE d.org_id OPERATOR(pg_catalog.=) $1 AND d.id OPERATOR(pg_catalog.=) $2",
								2, argtypes);
	}
	rc = SPI_execute_plan(plan, values, NULL, false, 1);
	SetUserIdAndSecContext(save_userid, save_sec_context);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "unexpected: data-incident-details query returned %d", rc);
	if (SPI_processed > 0)
	{
		HeapTuple	tuple = SPI_tuptable->vals[0];
		TupleDesc	tupdesc = SPI_tuptable->tupdesc;
		bool		isnull;
		Datum		d;

		d = SPI_getbinval(tuple, tupdesc, 1, &isnull);
		result.imy_late_reason = sqm_text_given(d, isnull);
		d = SPI_getbinval(tuple, tupdesc, 2, &isnull);
		result.informing_exception = sqm_text_given(d, isnull);
		d = SPI_getbinval(tuple, tupdesc, 3, &isnull);
		result.action_plan = sqm_text_given(d, isnull);
		d = SPI_getbinval(tuple, tupdesc, 4, &isnull);
		result.action_plan_responsible = sqm_text_given(d, isnull);
	}
	SPI_finish();
	return result;
}

/* Hours between two moments, for messages ("75.5"). */
static char *
hours_text(TimestampTz from, TimestampTz to)
{
	return psprintf("%.1f", (double) (to - from) / (double) USECS_PER_HOUR);
}

/* A moment strictly outside [from, now] (from NULL: no lower bound)? */
static bool
outside(TimestampTz t, bool from_null, TimestampTz from, TimestampTz now)
{
	return (!from_null && t < from) || t > now;
}

/*
 * The categories of an array that are not in the list (comma-separated), or
 * NULL if every one is; an empty array is refused by the caller.
 */
static char *
unknown_categories(Datum array, const char *const *known, int *count)
{
	Datum	   *elems;
	bool	   *nulls;
	int			nelems;
	StringInfoData bad;
	int			i;
	int			k;

	deconstruct_array(DatumGetArrayTypeP(array), TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &nelems);
	*count = nelems;
	initStringInfo(&bad);
	for (i = 0; i < nelems; i++)
	{
		char	   *c = nulls[i] ? NULL : TextDatumGetCString(elems[i]);
		bool		found = false;

		for (k = 0; c != NULL && known[k] != NULL && !found; k++)
			found = strcmp(known[k], c) == 0;
		if (!found)
			appendStringInfo(&bad, "%s%s", bad.len > 0 ? ", " : "", c ? c : "NULL");
	}
	return bad.len > 0 ? bad.data : NULL;
}

static char *
category_list(const char *const *known)
{
	StringInfoData buf;
	int			k;

	initStringInfo(&buf);
	for (k = 0; known[k] != NULL; k++)
		appendStringInfo(&buf, "%s%s", k > 0 ? ", " : "", known[k]);
	return buf.data;
}

/*
 * The data, or the people, concerned: one or more categories, each known.
 * The people concerned are named only as categories and counts (domain.md
 * §3.4: no names).
 */
static void
check_categories(int64 id, Datum array, const char *const *known, const char *what, const char *column)
{
	int			count;
	char	   *bad = unknown_categories(array, known, &count);

	if (count == 0)
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("data incident %lld names no category of the %s concerned", (long long) id, what),
				 errdetail("%s is empty.", column),
				 errhint("Name one or more of: %s.", category_list(known))));
	if (bad != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("data incident %lld names unknown categories of the %s concerned: %s", (long long) id, what, bad),
				 errdetail("%s holds the categories, never names.", column),
				 errhint("The categories are: %s.", category_list(known))));
}


/* ----------------------------------------------------------------
 *		The row check
 * ----------------------------------------------------------------
 */

static const char *const incident_fields[] = {
	"org_id", "id", "unit_id", "incident_type", "happened_at", "aware_at", "registered_at", "data_categories",
	"data_subject_categories", "recovered_at", "risk", "assessed_at", "imy_notified_at", "informing",
	"informed_at", "action_plan_at"
};

enum
{
	IF_ORG, IF_ID, IF_UNIT, IF_TYPE, IF_HAPPENED, IF_AWARE, IF_REGISTERED, IF_DATA, IF_SUBJECTS,
	IF_RECOVERED, IF_RISK, IF_ASSESSED, IF_NOTIFIED, IF_INFORMING, IF_INFORMED, IF_PLANNED, IF_COUNT
};

static const Oid incident_field_types[IF_COUNT] = {
	INT8OID, INT8OID, INT8OID, TEXTOID, TIMESTAMPTZOID, TIMESTAMPTZOID, TIMESTAMPTZOID, TEXTARRAYOID,
	TEXTARRAYOID, TIMESTAMPTZOID, TEXTOID, TIMESTAMPTZOID, TIMESTAMPTZOID, TEXTOID, TIMESTAMPTZOID,
	TIMESTAMPTZOID
};

/* A moment of the incident between its awareness and now, or refused. */
static void
check_after_awareness(int64 id, const char *what, TimestampTz t, TimestampTz aware, TimestampTz now,
					  const char *hint)
{
	if (outside(t, false, aware, now))
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("data incident %lld cannot be %s at %s", (long long) id, what, sqm_timestamptz_text(t)),
				 errdetail("The organisation became aware of it at %s; it is now %s.", sqm_timestamptz_text(aware),
						   sqm_timestamptz_text(now)),
				 errhint("%s", hint)));
}

/*
 * sqm.data_incident_check(new sqm.data_incident, old sqm.data_incident): the
 * rules of an incident's content.  old is NULL on INSERT; a rule runs only
 * when a column it reads changed.  A NULL a rule needs is left to the
 * column's NOT NULL constraint.
 */
Datum
sqm_data_incident_check(PG_FUNCTION_ARGS)
{
	Datum		nv[IF_COUNT];
	bool		nn[IF_COUNT];
	Datum		ov[IF_COUNT];
	bool		on[IF_COUNT];
	bool		changed[IF_COUNT];
	bool		insert = PG_ARGISNULL(1);
	int64		org;
	int64		id;
	TimestampTz aware;
	TimestampTz now = sqm_current_time();
	DateADT		day;
	int			i;

	if (PG_ARGISNULL(0))
		elog(ERROR, "unexpected: the row check of data incidents was called without a new row");
	sqm_row_fields(PG_GETARG_HEAPTUPLEHEADER(0), IF_COUNT, incident_fields, nv, nn);
	if (!insert)
		sqm_row_fields(PG_GETARG_HEAPTUPLEHEADER(1), IF_COUNT, incident_fields, ov, on);
	for (i = 0; i < IF_COUNT; i++)
		changed[i] = insert || sqm_field_changed(nv[i], nn[i], ov[i], on[i], incident_field_types[i]);
	if (nn[IF_ORG] || nn[IF_ID] || nn[IF_AWARE])
		PG_RETURN_VOID();		/* NOT NULL refuses the row */
	org = DatumGetInt64(nv[IF_ORG]);
	id = DatumGetInt64(nv[IF_ID]);
	aware = DatumGetTimestampTz(nv[IF_AWARE]);

	/*
	 * Aware at the latest now (sqm.now(): a time only superusers freeze),
	 * after it happened; registered between awareness and now.  The
	 * 72-hour clock runs from awareness (GDPR art. 33(1)).
	 */
	if (changed[IF_AWARE] && aware > now)
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("data incident %lld cannot have become known at %s, which is in the future",
						(long long) id, sqm_timestamptz_text(aware)),
				 errdetail("It is now %s.", sqm_timestamptz_text(now)),
				 errhint("Give when the organisation became aware of it, at the latest now.")));
	if ((changed[IF_HAPPENED] || changed[IF_AWARE]) && !nn[IF_HAPPENED] &&
		DatumGetTimestampTz(nv[IF_HAPPENED]) > aware)
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("data incident %lld cannot have happened at %s, after the organisation became aware of it at %s",
						(long long) id, sqm_timestamptz_text(DatumGetTimestampTz(nv[IF_HAPPENED])),
						sqm_timestamptz_text(aware)),
				 errhint("Give when the breach happened, at or before the organisation became aware of it.")));
	if ((changed[IF_REGISTERED] || changed[IF_AWARE]) && !nn[IF_REGISTERED])
	{
		TimestampTz registered = DatumGetTimestampTz(nv[IF_REGISTERED]);

		if (registered < aware || (changed[IF_REGISTERED] && registered > now))
			check_after_awareness(id, "registered", registered, aware, now,
								  "Give when it was reported to the data protection function and registered, between the awareness and now.");
	}

	/* The data and the people concerned, as categories (never names). */
	if (changed[IF_DATA] && !nn[IF_DATA])
		check_categories(id, nv[IF_DATA], data_categories, "data", "data_categories");
	if (changed[IF_SUBJECTS] && !nn[IF_SUBJECTS])
		check_categories(id, nv[IF_SUBJECTS], subject_categories, "people", "data_subject_categories");

	/* A lost document or device recovered after the event, by now. */
	if ((changed[IF_RECOVERED] || changed[IF_HAPPENED]) && !nn[IF_RECOVERED] && !nn[IF_HAPPENED] &&
		outside(DatumGetTimestampTz(nv[IF_RECOVERED]), false, DatumGetTimestampTz(nv[IF_HAPPENED]),
				changed[IF_RECOVERED] ? now : DT_NOEND))
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("data incident %lld cannot be recovered at %s", (long long) id,
						sqm_timestamptz_text(DatumGetTimestampTz(nv[IF_RECOVERED]))),
				 errdetail("It happened at %s; it is now %s.", sqm_timestamptz_text(DatumGetTimestampTz(nv[IF_HAPPENED])),
						   sqm_timestamptz_text(now)),
				 errhint("Give when what was lost was found again, between the event and now.")));

	/* The assessment, the notification, the informing and the plan: after awareness, by now. */
	if ((changed[IF_ASSESSED] || changed[IF_AWARE]) && !nn[IF_ASSESSED])
		check_after_awareness(id, "assessed", DatumGetTimestampTz(nv[IF_ASSESSED]), aware,
							  changed[IF_ASSESSED] ? now : DT_NOEND,
							  "Give when the risk was assessed, between the awareness and now.");
	if ((changed[IF_INFORMED] || changed[IF_AWARE]) && !nn[IF_INFORMED])
		check_after_awareness(id, "informed about", DatumGetTimestampTz(nv[IF_INFORMED]), aware,
							  changed[IF_INFORMED] ? now : DT_NOEND,
							  "Give when the people concerned were told, or the exception recorded, between the awareness and now.");
	if ((changed[IF_PLANNED] || changed[IF_AWARE]) && !nn[IF_PLANNED])
		check_after_awareness(id, "given an action plan", DatumGetTimestampTz(nv[IF_PLANNED]), aware,
							  changed[IF_PLANNED] ? now : DT_NOEND,
							  "Give when the action plan was registered, between the awareness and now.");

	/*
	 * The notification to IMY.  GDPR art. 33(1): notified "unless the
	 * personal data breach is unlikely to result in a risk" -- so never for
	 * an incident assessed unlikely -- and within 72 hours of awareness;
	 * "where the notification ... is not made within 72 hours, it shall be
	 * accompanied by reasons for the delay".  The hours are real: the
	 * difference of the two moments, whatever the wall clock did between.
	 */
	if ((changed[IF_RISK] || changed[IF_NOTIFIED]) && !nn[IF_NOTIFIED] && !nn[IF_RISK] &&
		strcmp(TextDatumGetCString(nv[IF_RISK]), "unlikely") == 0)
		ereport(ERROR,
				(errcode(ERRCODE_SQM_GUARD_FAILED),
				 errmsg("data incident %lld is assessed as unlikely to result in a risk; it is not notified to IMY",
						(long long) id),
				 errdetail("A notification to IMY is made unless the breach is unlikely to result in a risk to the people concerned (GDPR art. 33(1)); its risk is assessed as unlikely."),
				 errhint("If it is likely to result in a risk after all, assess it again first (sqm.assess_data_incident()).")));
	if ((changed[IF_NOTIFIED] || changed[IF_AWARE]) && !nn[IF_NOTIFIED])
	{
		TimestampTz notified = DatumGetTimestampTz(nv[IF_NOTIFIED]);

		check_after_awareness(id, "notified to IMY", notified, aware, changed[IF_NOTIFIED] ? now : DT_NOEND,
							  "Give the time of the notification to IMY, between the awareness and now.");
		if (notified - aware > IMY_LIMIT_USECS && !read_details(org, id).imy_late_reason)
			ereport(ERROR,
					(errcode(ERRCODE_CHECK_VIOLATION),
					 errmsg("data incident %lld was notified to IMY %s hours after the organisation became aware of it, without reasons for the delay",
							(long long) id, hours_text(aware, notified)),
					 errdetail("It became aware at %s and notified IMY at %s; a notification later than 72 hours is accompanied by the reasons for the delay (GDPR art. 33(1)).",
							   sqm_timestamptz_text(aware), sqm_timestamptz_text(notified)),
					 errhint("Give the reasons for the delay with the notification (sqm.notify_imy(..., late_reason => ...)).")));
	}

	/* An exception to informing the people concerned carries its ground (GDPR art. 34(3)). */
	if (!insert && changed[IF_INFORMING] && !nn[IF_INFORMING] &&
		strcmp(TextDatumGetCString(nv[IF_INFORMING]), "exception") == 0 &&
		!read_details(org, id).informing_exception)
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("data incident %lld records an exception to telling the people concerned without its ground",
						(long long) id),
				 errdetail("The people concerned are told of a high risk unless one of the conditions of GDPR art. 34(3) applies; the exception names it and why."),
				 errhint("Give the exception with sqm.inform_data_subjects(..., exception => ...).")));

	if (!(changed[IF_UNIT] || changed[IF_AWARE] || changed[IF_TYPE] || changed[IF_ORG]))
		PG_RETURN_VOID();
	if (!sqm_org_local_date(org, aware, &day))
		PG_RETURN_VOID();		/* no such organisation: its foreign key refuses the row */

	/* The unit existed on the awareness day (domain.md §2, units with history). */
	if ((changed[IF_UNIT] || changed[IF_AWARE] || changed[IF_ORG]) && !nn[IF_UNIT] &&
		!sqm_unit_existed_on(org, DatumGetInt64(nv[IF_UNIT]), day))
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("unit %lld of organisation %lld did not exist on %s, the awareness date of data incident %lld",
						(long long) DatumGetInt64(nv[IF_UNIT]), (long long) org, sqm_date_text(day), (long long) id),
				 errhint("Report it for the unit where it happened, as the organisation was then.")));

	/* The type is the organisation's, valid on the awareness day. */
	if ((changed[IF_TYPE] || changed[IF_AWARE] || changed[IF_ORG]) && !nn[IF_TYPE])
	{
		char	   *code = TextDatumGetCString(nv[IF_TYPE]);
		IncidentType *types;
		int			ntypes = sqm_reference_rows(&incident_types, org, (void **) &types);
		bool		valid = false;

		for (i = 0; i < ntypes && !valid; i++)
			valid = strcmp(types[i].code, code) == 0 &&
				sqm_range_contains(types[i].lower, types[i].lower_inf, types[i].upper, types[i].upper_inf,
								   types[i].empty, day);
		if (!valid)
		{
			StringInfoData list;

			initStringInfo(&list);
			for (i = 0; i < ntypes; i++)
				if (sqm_range_contains(types[i].lower, types[i].lower_inf, types[i].upper, types[i].upper_inf,
									   types[i].empty, day))
					appendStringInfo(&list, "%s%s", list.len > 0 ? ", " : "", types[i].code);
			ereport(ERROR,
					(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
					 errmsg("data incident %lld has type %s, which organisation %lld does not use on %s",
							(long long) id, code, (long long) org, sqm_date_text(day)),
					 errdetail("Valid on the awareness date: %s.", list.len > 0 ? list.data : "none"),
					 errhint("Choose a type of the organisation's taxonomy valid on the awareness date (sqm.data_incident_type), or add one with sqm.add_data_incident_type().")));
		}
	}
	PG_RETURN_VOID();
}


/* ----------------------------------------------------------------
 *		The details check
 * ----------------------------------------------------------------
 */

static const char *const detail_fields[] = {"org_id", "id", "imy_late_reason", "informing_exception"};

enum
{
	XF_ORG, XF_ID, XF_LATE, XF_EXCEPTION, XF_COUNT
};

/*
 * sqm.data_incident_detail_check(new, old): the reasons of a late
 * notification and the ground of an exception are not removed while the
 * incident needs them (GDPR art. 33(1), 34(3)).  On insert there is
 * nothing to remove.  The incident is read FOR SHARE as its table's owner.
 */
Datum
sqm_data_incident_detail_check(PG_FUNCTION_ARGS)
{
	static SPIPlanPtr plan = NULL;
	Datum		nv[XF_COUNT];
	bool		nn[XF_COUNT];
	Datum		ov[XF_COUNT];
	bool		on[XF_COUNT];
	bool		late_removed;
	bool		exception_removed;
	Datum		values[2];
	Oid			save_userid;
	int			save_sec_context;
	bool		late = false;
	bool		exception = false;
	int64		id;
	int			rc;

	if (PG_ARGISNULL(0))
		elog(ERROR, "unexpected: the details check of data incidents was called without a new row");
	if (PG_ARGISNULL(1))
		PG_RETURN_VOID();
	sqm_row_fields(PG_GETARG_HEAPTUPLEHEADER(0), XF_COUNT, detail_fields, nv, nn);
	sqm_row_fields(PG_GETARG_HEAPTUPLEHEADER(1), XF_COUNT, detail_fields, ov, on);
	if (nn[XF_ORG] || nn[XF_ID])
		PG_RETURN_VOID();
	late_removed = !sqm_text_given(nv[XF_LATE], nn[XF_LATE]) && sqm_text_given(ov[XF_LATE], on[XF_LATE]);
	exception_removed = !sqm_text_given(nv[XF_EXCEPTION], nn[XF_EXCEPTION]) &&
		sqm_text_given(ov[XF_EXCEPTION], on[XF_EXCEPTION]);
	if (!late_removed && !exception_removed)
		PG_RETURN_VOID();
	id = DatumGetInt64(nv[XF_ID]);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "unexpected: SPI_connect failed in a data incident rule");
	sqm_become_owner(sqm_relation_oid("data_incident"), &save_userid, &save_sec_context);
	if (plan == NULL)
	{
		Oid			argtypes[2] = {INT8OID, INT8OID};

		plan = sqm_prepare_kept("SELECT COALESCE(i.imy_notified_at OPERATOR(pg_catalog.-) i.aware_at"
								"                OPERATOR(pg_catalog.>) '72 hours'::pg_catalog.interval, false),"
								"       COALESCE(i.informing OPERATOR(pg_catalog.=) 'exception', false)"
								"  FROM sqm.data_incident i"
								" WHERE i.org_id OPERATOR(pg_catalog.=) $1 AND i.id OPERATOR(pg_catalog.=) $2"
								"   FOR SHARE",
								2, argtypes);
	}
	values[0] = nv[XF_ORG];
	values[1] = nv[XF_ID];
	rc = SPI_execute_plan(plan, values, NULL, false, 1);
	SetUserIdAndSecContext(save_userid, save_sec_context);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "unexpected: data-incident query returned %d", rc);
	if (SPI_processed > 0)
	{
		bool		isnull;

		late = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
		exception = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
	}
	SPI_finish();
	if (late_removed && late)
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("the reasons for the late notification of data incident %lld to IMY cannot be removed", (long long) id),
				 errdetail("IMY was notified more than 72 hours after the organisation became aware of it (GDPR art. 33(1))."),
				 errhint("Correct the reasons instead of removing them.")));
	if (exception_removed && exception)
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("the ground of the exception to telling the people concerned of data incident %lld cannot be removed",
						(long long) id),
				 errdetail("The incident records an exception of GDPR art. 34(3) instead of telling them."),
				 errhint("Correct the ground instead of removing it.")));
	PG_RETURN_VOID();
}


/* ----------------------------------------------------------------
 *		The guards
 * ----------------------------------------------------------------
 */

static const char *const guard_fields[] = {"org_id", "id", "risk", "imy_notified_at", "informing", "action_plan_at",
										   "aware_at"};

enum
{
	GF_ORG, GF_ID, GF_RISK, GF_NOTIFIED, GF_INFORMING, GF_PLANNED, GF_AWARE, GF_COUNT
};

/*
 * What the risk calls for, taken: IMY notified unless the risk is unlikely
 * (GDPR art. 33(1)); the people concerned told, or an exception of art.
 * 34(3) recorded, when it is high (art. 34(1)).  what: the move, for the
 * message ("have its action plan registered", "be closed").
 */
static void
require_risk_steps(int64 id, const char *what, Datum *v, bool *n)
{
	char	   *risk = TextDatumGetCString(v[GF_RISK]);

	if (strcmp(risk, "unlikely") != 0 && n[GF_NOTIFIED])
		ereport(ERROR,
				(errcode(ERRCODE_SQM_GUARD_FAILED),
				 errmsg("data incident %lld cannot %s: its risk is assessed as %s and IMY has not been notified",
						(long long) id, what, risk),
				 errdetail("A breach that is likely to result in a risk to the people concerned is notified to IMY within 72 hours of awareness (GDPR art. 33(1)); the organisation became aware of it at %s.",
						   sqm_timestamptz_text(DatumGetTimestampTz(v[GF_AWARE]))),
				 errhint("Notify IMY with sqm.notify_imy().")));
	if (strcmp(risk, "high") == 0 && n[GF_INFORMING])
		ereport(ERROR,
				(errcode(ERRCODE_SQM_GUARD_FAILED),
				 errmsg("data incident %lld cannot %s: its risk is high and the people concerned have not been told, nor an exception recorded",
						(long long) id, what),
				 errdetail("With a high risk the people concerned are told without undue delay, unless an exception of GDPR art. 34(3) applies (art. 34)."),
				 errhint("Record it with sqm.inform_data_subjects().")));
}

/*
 * assessed / notified / informed → action_planned: the plan follows what the
 * risk called for (the lifecycle of domain.md §3.4: reported → assessed →
 * [notified] → [informed] → action plan registered → closed).
 */
Datum
sqm_guard_data_incident_planned(PG_FUNCTION_ARGS)
{
	Datum		v[GF_COUNT];
	bool		n[GF_COUNT];

	sqm_row_fields(PG_GETARG_HEAPTUPLEHEADER(0), GF_COUNT, guard_fields, v, n);
	if (n[GF_ID])
		elog(ERROR, "unexpected: a data incident without its id reached a guard");
	if (n[GF_RISK])
		ereport(ERROR,
				(errcode(ERRCODE_SQM_GUARD_FAILED),
				 errmsg("data incident %lld cannot have its action plan registered: its risk is not assessed",
						(long long) DatumGetInt64(v[GF_ID])),
				 errdetail("The risk for the people concerned is assessed first; it decides whether IMY is notified and the people told."),
				 errhint("Assess it with sqm.assess_data_incident().")));
	require_risk_steps(DatumGetInt64(v[GF_ID]), "have its action plan registered", v, n);
	PG_RETURN_VOID();
}

/*
 * every open state → closed: documented whatever its outcome -- its risk
 * assessed (GDPR art. 33(5)) --, an action plan registered with its date,
 * content and who is responsible (domain.md §3.4: "closure without one is
 * refused"; the plan's columns are read again, so that a plan removed by a
 * direct write does not pass), and what the risk called for taken.
 */
Datum
sqm_guard_data_incident_closable(PG_FUNCTION_ARGS)
{
	Datum		v[GF_COUNT];
	bool		n[GF_COUNT];
	int64		id;
	IncidentText text;

	sqm_row_fields(PG_GETARG_HEAPTUPLEHEADER(0), GF_COUNT, guard_fields, v, n);
	if (n[GF_ORG] || n[GF_ID])
		elog(ERROR, "unexpected: a data incident without its key reached a guard");
	id = DatumGetInt64(v[GF_ID]);
	if (n[GF_RISK])
		ereport(ERROR,
				(errcode(ERRCODE_SQM_GUARD_FAILED),
				 errmsg("data incident %lld cannot be closed: its risk is not assessed", (long long) id),
				 errdetail("Every incident is documented whatever its outcome, with the risk it means for the people concerned (GDPR art. 33(5))."),
				 errhint("Assess it with sqm.assess_data_incident(), then register its action plan.")));
	text = read_details(DatumGetInt64(v[GF_ORG]), id);
	if (n[GF_PLANNED] || !text.action_plan || !text.action_plan_responsible)
	{
		StringInfoData missing;

		initStringInfo(&missing);
		if (n[GF_PLANNED])
			appendStringInfoString(&missing, "its date (action_plan_at)");
		if (!text.action_plan)
			appendStringInfo(&missing, "%sits content (action_plan)", missing.len > 0 ? ", " : "");
		if (!text.action_plan_responsible)
			appendStringInfo(&missing, "%swho is responsible (action_plan_responsible)", missing.len > 0 ? ", " : "");
		ereport(ERROR,
				(errcode(ERRCODE_SQM_GUARD_FAILED),
				 errmsg("data incident %lld cannot be closed: no action plan is registered", (long long) id),
				 errdetail("Every incident gets an action plan before it closes; missing: %s.", missing.data),
				 errhint("Register the action plan with sqm.register_data_incident_action_plan(); its measures are planned with sqm.plan_measure(org, 'data_incident', %lld, ...).",
						 (long long) id)));
	}
	require_risk_steps(id, "be closed", v, n);
	PG_RETURN_VOID();
}
