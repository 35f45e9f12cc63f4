/*-------------------------------------------------------------------------
 *
 * complaint.c
 *	  The rules of complaints and feedback (synpunkter och klagomål,
 *	  domain.md §3.3), in C for every writer: the row check of the matter,
 *	  the row check of its details and the guard of its closure.
 *
 * The lifecycle engine (src/core/lifecycle.c) calls the row check
 * sqm.complaint_check(new, old) on every insert of a matter and on every
 * update of the columns it watches (sqm.lifecycle_kind.row_check_on), and
 * the guard of a move with the new row; the details table's trigger
 * (src/core/row_check.c) calls sqm.complaint_detail_check(new, old) on
 * every insert of a details row and every change of the sender's name.
 * Each returns nothing when the row may be written and raises, naming the
 * matter and what is wrong, when it may not; none changes the row.  This
 * file owns
 *
 *	- the row check: a matter is registered at the latest now and not
 *	  before it reached the organisation; its unit (the one it is directed
 *	  at, or for a matter directed at no unit the one that handles it)
 *	  existed on the registration day (in the organisation's time zone,
 *	  domain.md §2); each of its subjects is the organisation's, valid
 *	  on the registration day, named once (domain.md §3.3: subjects come
 *	  from the organisation's taxonomy, which changes over the years); its
 *	  handling started, and its answer is dated, between the registration
 *	  and now; a matter from an anonymous sender names no sender;
 *	- the details check: the same last rule, seen from the details row;
 *	- the guard of every move to closed: the answer, or how the matter was
 *	  handled, is registered with its date and who answered ("closing
 *	  without a registered answer is refused", domain.md §3.3).
 *
 * The registry number is the core's (class registry_number: the govern call
 * claims it in the organisation's registry, 23505 naming its holder), the
 * lifecycle the engine's.  The taxonomy comes from a per-backend cache
 * (src/core/reference.c), so a warm registration does no SPI; an update that
 * changes none of the columns a rule reads does not run the rule.  Queries
 * are schema-qualified, operators included: a check also runs for a direct
 * writer with any search_path.  Messages never quote the sender's name.
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

PG_FUNCTION_INFO_V1(sqm_complaint_check);
PG_FUNCTION_INFO_V1(sqm_complaint_detail_check);
PG_FUNCTION_INFO_V1(sqm_guard_complaint_closable);


/* ----------------------------------------------------------------
 *		The taxonomy, cached per organisation
 * ----------------------------------------------------------------
 */

/* A subject of the organisation's taxonomy (sqm.complaint_subject). */
typedef SqmValidCode Subject;

/* Ordered by code (as bytes), so that messages list subjects alike everywhere. */
static SqmRefSet complaint_subjects = {
	"complaint_subject",
	"SELECT s.code, pg_catalog.lower(s.valid), pg_catalog.upper(s.valid), pg_catalog.isempty(s.valid)"
	"  FROM sqm.complaint_subject s WHERE s.org_id OPERATOR(pg_catalog.=) $1"
	" ORDER BY s.code COLLATE pg_catalog.\"C\"",
	sizeof(Subject), sqm_decode_valid_code, NULL
};

static bool
subject_valid(const Subject *s, DateADT day)
{
	return sqm_range_contains(s->lower, s->lower_inf, s->upper, s->upper_inf, s->empty, day);
}


/* ----------------------------------------------------------------
 *		The matter and its details, as the rules read them
 * ----------------------------------------------------------------
 */

/* What a rule needs of a matter's details row. */
typedef struct ComplaintText
{
	bool		found;			/* the details row exists (yet) */
	bool		sender_name;	/* a sender is named */
	bool		answer;			/* the answer, or how it was handled */
	bool		answered_by;	/* who answered */
} ComplaintText;

/*
 * The details row of a matter, read as its table's owner with a kept plan
 * and a fresh snapshot: a write of the details earlier in the same
 * transaction (the write path writes them before the case) is seen.
 */
static ComplaintText
read_details(int64 org, int64 id)
{
	static SPIPlanPtr plan = NULL;
	ComplaintText result = {false, false, false, false};
	Datum		values[2] = {Int64GetDatum(org), Int64GetDatum(id)};
	Oid			save_userid;
	int			save_sec_context;
	int			rc;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "unexpected: SPI_connect failed in a complaint rule");
	sqm_become_owner(sqm_relation_oid("complaint_detail"), &save_userid, &save_sec_context);
	if (plan == NULL)
	{
		Oid			argtypes[2] = {INT8OID, INT8OID};

		plan = sqm_prepare_kept("SELECT d.sender_name, d.answer, d.answered_by FROM sqm.complaint_detail d"
								" WHERE d.org_id OPERATOR(pg_catalog.=) $1 AND d.id OPERATOR(pg_catalog.=) $2",
								2, argtypes);
	}
	rc = SPI_execute_plan(plan, values, NULL, false, 1);
	SetUserIdAndSecContext(save_userid, save_sec_context);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "unexpected: complaint-details query returned %d", rc);
	if (SPI_processed > 0)
	{
		HeapTuple	tuple = SPI_tuptable->vals[0];
		TupleDesc	tupdesc = SPI_tuptable->tupdesc;
		bool		isnull;
		Datum		d;

		result.found = true;
		d = SPI_getbinval(tuple, tupdesc, 1, &isnull);
		result.sender_name = sqm_text_given(d, isnull);
		d = SPI_getbinval(tuple, tupdesc, 2, &isnull);
		result.answer = sqm_text_given(d, isnull);
		d = SPI_getbinval(tuple, tupdesc, 3, &isnull);
		result.answered_by = sqm_text_given(d, isnull);
	}
	SPI_finish();
	return result;
}

/*
 * A matter from an anonymous sender names no sender (domain.md §3.3: the
 * sender's identity is kept only when given).  The message does not quote
 * the name: errors reach the server log.
 */
static void
refuse_anonymous_name(int64 id)
{
	ereport(ERROR,
			(errcode(ERRCODE_CHECK_VIOLATION),
			 errmsg("complaint %lld from an anonymous sender cannot name its sender", (long long) id),
			 errdetail("Its sender_type is anonymous, and its details give a sender_name."),
			 errhint("Record the kind of sender the matter came from (service_user, relative, organisation, authority), or leave the name out.")));
}


/* ----------------------------------------------------------------
 *		The row check
 * ----------------------------------------------------------------
 */

static const char *const complaint_fields[] = {
	"org_id", "id", "unit_id", "sender_type", "subjects", "received_at", "registered_at",
	"handling_started_at", "answered_at"
};

enum
{
	CF_ORG, CF_ID, CF_UNIT, CF_SENDER, CF_SUBJECTS, CF_RECEIVED, CF_REGISTERED, CF_HANDLING,
	CF_ANSWERED, CF_COUNT
};

static const Oid complaint_field_types[CF_COUNT] = {
	INT8OID, INT8OID, INT8OID, TEXTOID, TEXTARRAYOID, TIMESTAMPTZOID, TIMESTAMPTZOID,
	TIMESTAMPTZOID, TIMESTAMPTZOID
};

/*
 * sqm.complaint_check(new sqm.complaint, old sqm.complaint): the rules of a
 * matter's content.  old is NULL on INSERT.  A NULL a rule needs is left to
 * the column's NOT NULL constraint.
 */
Datum
sqm_complaint_check(PG_FUNCTION_ARGS)
{
	Datum		nv[CF_COUNT];
	bool		nn[CF_COUNT];
	Datum		ov[CF_COUNT];
	bool		on[CF_COUNT];
	bool		changed[CF_COUNT];
	bool		insert = PG_ARGISNULL(1);
	int64		org;
	int64		id;
	TimestampTz registered;
	TimestampTz now = sqm_current_time();
	DateADT		day;
	int			i;

	if (PG_ARGISNULL(0))
		elog(ERROR, "unexpected: the row check of complaints was called without a new row");
	sqm_row_fields(PG_GETARG_HEAPTUPLEHEADER(0), CF_COUNT, complaint_fields, nv, nn);
	if (!insert)
		sqm_row_fields(PG_GETARG_HEAPTUPLEHEADER(1), CF_COUNT, complaint_fields, ov, on);
	for (i = 0; i < CF_COUNT; i++)
		changed[i] = insert || sqm_field_changed(nv[i], nn[i], ov[i], on[i], complaint_field_types[i]);
	if (nn[CF_ORG] || nn[CF_ID] || nn[CF_REGISTERED])
		PG_RETURN_VOID();		/* NOT NULL refuses the row */
	org = DatumGetInt64(nv[CF_ORG]);
	id = DatumGetInt64(nv[CF_ID]);
	registered = DatumGetTimestampTz(nv[CF_REGISTERED]);

	/*
	 * Registered at the latest now (sqm.now(): a time only superusers
	 * freeze), and not before it reached the organisation: the registry
	 * registers what came in.
	 */
	if (changed[CF_REGISTERED] && registered > now)
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("complaint %lld cannot be registered at %s, which is in the future",
						(long long) id, sqm_timestamptz_text(registered)),
				 errdetail("It is now %s.", sqm_timestamptz_text(now)),
				 errhint("Give when the registry registered it, at the latest now.")));
	if ((changed[CF_RECEIVED] || changed[CF_REGISTERED]) && !nn[CF_RECEIVED] &&
		DatumGetTimestampTz(nv[CF_RECEIVED]) > registered)
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("complaint %lld cannot have been received at %s, after it was registered at %s",
						(long long) id, sqm_timestamptz_text(DatumGetTimestampTz(nv[CF_RECEIVED])),
						sqm_timestamptz_text(registered)),
				 errhint("Give when it reached the organisation, at or before its registration.")));

	/* Its handling starts, and its answer is dated, between the registration and now. */
	if ((changed[CF_HANDLING] || changed[CF_REGISTERED]) && !nn[CF_HANDLING])
	{
		TimestampTz started = DatumGetTimestampTz(nv[CF_HANDLING]);

		if (started < registered || (changed[CF_HANDLING] && started > now))
			ereport(ERROR,
					(errcode(ERRCODE_CHECK_VIOLATION),
					 errmsg("the handling of complaint %lld cannot start at %s", (long long) id,
							sqm_timestamptz_text(started)),
					 errdetail("It was registered at %s; it is now %s.", sqm_timestamptz_text(registered),
							   sqm_timestamptz_text(now)),
					 errhint("Give when its handling started, between the registration and now.")));
	}
	if ((changed[CF_ANSWERED] || changed[CF_REGISTERED]) && !nn[CF_ANSWERED])
	{
		TimestampTz answered = DatumGetTimestampTz(nv[CF_ANSWERED]);

		if (answered < registered || (changed[CF_ANSWERED] && answered > now))
			ereport(ERROR,
					(errcode(ERRCODE_CHECK_VIOLATION),
					 errmsg("the answer to complaint %lld cannot be dated %s", (long long) id,
							sqm_timestamptz_text(answered)),
					 errdetail("It was registered at %s; it is now %s.", sqm_timestamptz_text(registered),
							   sqm_timestamptz_text(now)),
					 errhint("Give the date of the answer, or of the documentation of how it was handled, between the registration and now.")));
	}

	/*
	 * A matter from an anonymous sender names no sender.  On insert there is
	 * no details row yet: the details check sees it when it comes.
	 */
	if (!insert && changed[CF_SENDER] && !nn[CF_SENDER] &&
		strcmp(TextDatumGetCString(nv[CF_SENDER]), "anonymous") == 0 &&
		read_details(org, id).sender_name)
		refuse_anonymous_name(id);

	if (!(changed[CF_UNIT] || changed[CF_REGISTERED] || changed[CF_SUBJECTS] || changed[CF_ORG]))
		PG_RETURN_VOID();
	if (!sqm_org_local_date(org, registered, &day))
		PG_RETURN_VOID();		/* no such organisation: its foreign key refuses the row */

	/*
	 * Its unit existed on the registration day (domain.md §2, units with
	 * history): the unit it is directed at, or the one that handles it.
	 */
	if ((changed[CF_UNIT] || changed[CF_REGISTERED] || changed[CF_ORG]) && !nn[CF_UNIT] &&
		!sqm_unit_existed_on(org, DatumGetInt64(nv[CF_UNIT]), day))
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("unit %lld of organisation %lld did not exist on %s, the registration date of complaint %lld",
						(long long) DatumGetInt64(nv[CF_UNIT]), (long long) org, sqm_date_text(day),
						(long long) id),
				 errhint("Give the unit as the organisation was on the registration date: the one it is directed at, or the one that handles it.")));

	/*
	 * Every subject is the organisation's, valid on the registration day
	 * (domain.md §3.3: subjects from the organisation's taxonomy; it changes,
	 * and old matters keep their subjects), and named once.
	 */
	if ((changed[CF_SUBJECTS] || changed[CF_REGISTERED] || changed[CF_ORG]) && !nn[CF_SUBJECTS])
	{
		Datum	   *elems;
		bool	   *nulls;
		int			nelems;
		Subject    *subjects;
		int			nsubjects;
		StringInfoData bad;
		int			j;

		deconstruct_array(DatumGetArrayTypeP(nv[CF_SUBJECTS]), TEXTOID, -1, false, TYPALIGN_INT,
						  &elems, &nulls, &nelems);
		nsubjects = sqm_reference_rows(&complaint_subjects, org, (void **) &subjects);
		initStringInfo(&bad);
		for (i = 0; i < nelems; i++)
		{
			char	   *code = nulls[i] ? NULL : TextDatumGetCString(elems[i]);
			bool		valid = false;

			for (j = 0; code != NULL && j < nsubjects && !valid; j++)
				valid = strcmp(subjects[j].code, code) == 0 && subject_valid(&subjects[j], day);
			if (!valid)
				appendStringInfo(&bad, "%s%s", bad.len > 0 ? ", " : "", code ? code : "NULL");
		}
		if (bad.len > 0)
		{
			StringInfoData valid;

			initStringInfo(&valid);
			for (j = 0; j < nsubjects; j++)
				if (subject_valid(&subjects[j], day))
					appendStringInfo(&valid, "%s%s", valid.len > 0 ? ", " : "", subjects[j].code);
			ereport(ERROR,
					(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
					 errmsg("complaint %lld has subjects that organisation %lld does not use on %s: %s",
							(long long) id, (long long) org, sqm_date_text(day), bad.data),
					 errdetail("Valid on the registration date: %s.", valid.len > 0 ? valid.data : "none"),
					 errhint("Choose subjects from the organisation's taxonomy valid on the registration date (sqm.complaint_subject), or add one with sqm.add_complaint_subject().")));
		}
		for (i = 0; i < nelems; i++)
			for (j = 0; j < i; j++)
				if (strcmp(TextDatumGetCString(elems[i]), TextDatumGetCString(elems[j])) == 0)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("complaint %lld names a subject twice", (long long) id),
							 errdetail("Subject %s is named more than once.", TextDatumGetCString(elems[i])),
							 errhint("Name each subject once.")));
	}
	PG_RETURN_VOID();
}


/* ----------------------------------------------------------------
 *		The details check
 * ----------------------------------------------------------------
 */

static const char *const detail_fields[] = {"org_id", "id", "sender_name"};

enum
{
	XF_ORG, XF_ID, XF_SENDER_NAME, XF_COUNT
};

/*
 * sqm.complaint_detail_check(new sqm.complaint_detail, old
 * sqm.complaint_detail): a matter from an anonymous sender names no sender.
 * The matter is read FOR SHARE, so that its sender type cannot change
 * under this write.
 */
Datum
sqm_complaint_detail_check(PG_FUNCTION_ARGS)
{
	Datum		nv[XF_COUNT];
	bool		nn[XF_COUNT];
	Datum		ov[XF_COUNT];
	bool		on[XF_COUNT];
	Oid			coltype;
	Datum		sender;
	bool		sender_null;

	if (PG_ARGISNULL(0))
		elog(ERROR, "unexpected: the details check of complaints was called without a new row");
	sqm_row_fields(PG_GETARG_HEAPTUPLEHEADER(0), XF_COUNT, detail_fields, nv, nn);
	if (nn[XF_ORG] || nn[XF_ID] || !sqm_text_given(nv[XF_SENDER_NAME], nn[XF_SENDER_NAME]))
		PG_RETURN_VOID();
	if (!PG_ARGISNULL(1))
	{
		sqm_row_fields(PG_GETARG_HEAPTUPLEHEADER(1), XF_COUNT, detail_fields, ov, on);
		if (!sqm_field_changed(nv[XF_SENDER_NAME], nn[XF_SENDER_NAME], ov[XF_SENDER_NAME],
							   on[XF_SENDER_NAME], TEXTOID))
			PG_RETURN_VOID();
	}
	if (sqm_case_fetch_locked(sqm_relation_oid("complaint"), DatumGetInt64(nv[XF_ORG]),
							  DatumGetInt64(nv[XF_ID]), "sender_type", &coltype, &sender, &sender_null) &&
		!sender_null && strcmp(TextDatumGetCString(sender), "anonymous") == 0)
		refuse_anonymous_name(DatumGetInt64(nv[XF_ID]));
	PG_RETURN_VOID();
}


/* ----------------------------------------------------------------
 *		The guard
 * ----------------------------------------------------------------
 */

/*
 * → closed (from registered, under handling or answered): the answer, or
 * how the matter was handled, is registered with its date and who answered
 * (domain.md §3.3: "the answer, or how it was handled, is registered too";
 * "closing without a registered answer is refused").  The date is on the
 * new row; the answer and who gave it are in the details, which the write
 * path writes before the move.
 */
Datum
sqm_guard_complaint_closable(PG_FUNCTION_ARGS)
{
	HeapTupleHeader row = PG_GETARG_HEAPTUPLEHEADER(0);
	static const char *const fields[] = {"org_id", "id", "answered_at", "registered_at"};
	Datum		v[4];
	bool		n[4];
	int64		org;
	int64		id;
	ComplaintText text;
	StringInfoData missing;
	int			nmissing = 0;

	sqm_row_fields(row, 4, fields, v, n);
	if (n[0] || n[1] || n[3])
		elog(ERROR, "unexpected: a complaint without its key or registration reached the closure guard");
	org = DatumGetInt64(v[0]);
	id = DatumGetInt64(v[1]);
	text = read_details(org, id);
	initStringInfo(&missing);
	if (n[2])
	{
		appendStringInfoString(&missing, "the date of the answer (answered_at)");
		nmissing++;
	}
	if (!text.answer)
	{
		appendStringInfo(&missing, "%sthe answer or how it was handled (answer)", nmissing > 0 ? ", " : "");
		nmissing++;
	}
	if (!text.answered_by)
	{
		appendStringInfo(&missing, "%swho answered (answered_by)", nmissing > 0 ? ", " : "");
		nmissing++;
	}
	if (nmissing == 0)
		PG_RETURN_VOID();
	ereport(ERROR,
			(errcode(ERRCODE_SQM_GUARD_FAILED),
			 nmissing == 3 ?
			 errmsg("complaint %lld cannot be closed: no answer is registered", (long long) id) :
			 errmsg("complaint %lld cannot be closed: its answer is incomplete", (long long) id),
			 errdetail("It was registered at %s; missing: %s.",
					   sqm_timestamptz_text(DatumGetTimestampTz(v[3])), missing.data),
			 errhint("Register the answer, or how the matter was handled, with its date and who answered (sqm.answer_complaint()), then close it.")));
	PG_RETURN_VOID();
}
