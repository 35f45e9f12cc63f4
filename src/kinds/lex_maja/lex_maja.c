/*-------------------------------------------------------------------------
 *
 * lex_maja.c
 *	  The rules of lex Maja reports (domain.md §3.5), in C for every writer:
 *	  the row check of the report.
 *
 * The lifecycle engine (src/core/lifecycle.c) calls the row check
 * sqm.lex_maja_check(new, old) on every insert of a report and on every
 * update of the columns it watches (sqm.lifecycle_kind.row_check_on).  It
 * returns nothing when the row may be written and raises, naming the report
 * and what is wrong, when it may not; it never changes the row (the API
 * chooses the legal basis with sqm.lex_maja_legal_basis).  This file owns
 *
 *	- a report is registered at the latest now, and not before the animal
 *	  was found;
 *	- its unit existed on the registration day (domain.md §2);
 *	- it rests on the provision in force on the day the animal was found,
 *	  in the organisation's time zone: 10 kap. 20 a § OSL (2009:400), from
 *	  1 April 2019 (SFS 2018:1194) -- stored as data (sqm.lex_maja_basis),
 *	  so that a later change of the law is a row, not code;
 *	- it is sent after it was registered ("registered → sent", domain.md
 *	  §3.5: a report is registered before it leaves the organisation), and
 *	  at the latest now.
 *
 * The bases come from a per-backend cache (src/core/reference.c).  Queries
 * are schema-qualified, operators included.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/timestamp.h"

#include "sqm.h"

PG_FUNCTION_INFO_V1(sqm_lex_maja_check);

/* A row of sqm.lex_maja_basis: a code valid for days. */
typedef SqmValidCode Basis;

/* The bases, for every organisation (key 0), by code. */
static SqmRefSet lex_maja_bases = {
	"lex_maja_basis",
	"SELECT b.code, pg_catalog.lower(b.valid), pg_catalog.upper(b.valid), pg_catalog.isempty(b.valid)"
	"  FROM sqm.lex_maja_basis b WHERE $1 OPERATOR(pg_catalog.=) 0"
	" ORDER BY b.code COLLATE pg_catalog.\"C\"",
	sizeof(Basis), sqm_decode_valid_code, NULL
};

static const char *const report_fields[] = {
	"org_id", "id", "unit_id", "observed_at", "registered_at", "legal_basis", "sent_at"
};

enum
{
	MF_ORG, MF_ID, MF_UNIT, MF_OBSERVED, MF_REGISTERED, MF_BASIS, MF_SENT, MF_COUNT
};

static const Oid report_field_types[MF_COUNT] = {
	INT8OID, INT8OID, INT8OID, TIMESTAMPTZOID, TIMESTAMPTZOID, TEXTOID, TIMESTAMPTZOID
};

/*
 * sqm.lex_maja_check(new sqm.lex_maja, old sqm.lex_maja): the rules of a
 * report.  old is NULL on INSERT; a rule runs only when a column it reads
 * changed.
 */
Datum
sqm_lex_maja_check(PG_FUNCTION_ARGS)
{
	Datum		nv[MF_COUNT];
	bool		nn[MF_COUNT];
	Datum		ov[MF_COUNT];
	bool		on[MF_COUNT];
	bool		changed[MF_COUNT];
	bool		insert = PG_ARGISNULL(1);
	int64		org;
	int64		id;
	TimestampTz registered;
	TimestampTz now = sqm_current_time();
	int			i;

	if (PG_ARGISNULL(0))
		elog(ERROR, "unexpected: the row check of lex Maja reports was called without a new row");
	sqm_row_fields(PG_GETARG_HEAPTUPLEHEADER(0), MF_COUNT, report_fields, nv, nn);
	if (!insert)
		sqm_row_fields(PG_GETARG_HEAPTUPLEHEADER(1), MF_COUNT, report_fields, ov, on);
	for (i = 0; i < MF_COUNT; i++)
		changed[i] = insert || sqm_field_changed(nv[i], nn[i], ov[i], on[i], report_field_types[i]);
	if (nn[MF_ORG] || nn[MF_ID] || nn[MF_REGISTERED] || nn[MF_OBSERVED])
		PG_RETURN_VOID();		/* NOT NULL refuses the row */
	org = DatumGetInt64(nv[MF_ORG]);
	id = DatumGetInt64(nv[MF_ID]);
	registered = DatumGetTimestampTz(nv[MF_REGISTERED]);

	/* Registered at the latest now, and not before the animal was found. */
	if (changed[MF_REGISTERED] && registered > now)
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("lex Maja report %lld cannot be registered at %s, which is in the future",
						(long long) id, sqm_timestamptz_text(registered)),
				 errdetail("It is now %s.", sqm_timestamptz_text(now)),
				 errhint("Give when it was registered, at the latest now.")));
	if ((changed[MF_OBSERVED] || changed[MF_REGISTERED]) && DatumGetTimestampTz(nv[MF_OBSERVED]) > registered)
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("lex Maja report %lld registered at %s cannot be about an animal found at %s",
						(long long) id, sqm_timestamptz_text(registered),
						sqm_timestamptz_text(DatumGetTimestampTz(nv[MF_OBSERVED]))),
				 errhint("Give when staff found the animal, at or before the registration.")));

	/*
	 * Sent after it was registered (domain.md §3.5: registered → sent), and
	 * at the latest now: the registry holds what leaves the organisation.
	 */
	if ((changed[MF_SENT] || changed[MF_REGISTERED]) && !nn[MF_SENT])
	{
		TimestampTz sent = DatumGetTimestampTz(nv[MF_SENT]);

		if (sent < registered)
			ereport(ERROR,
					(errcode(ERRCODE_CHECK_VIOLATION),
					 errmsg("lex Maja report %lld cannot be sent at %s, before it was registered at %s",
							(long long) id, sqm_timestamptz_text(sent), sqm_timestamptz_text(registered)),
					 errdetail("A lex Maja report is registered before it is sent to the county administrative board or the police."),
					 errhint("Give when it was sent, after its registration; register it first if it was sent at once.")));
		if (changed[MF_SENT] && sent > now)
			ereport(ERROR,
					(errcode(ERRCODE_CHECK_VIOLATION),
					 errmsg("lex Maja report %lld cannot be sent at %s, which is in the future",
							(long long) id, sqm_timestamptz_text(sent)),
					 errdetail("It is now %s.", sqm_timestamptz_text(now)),
					 errhint("Give when it was sent, at the latest now.")));
	}

	/* The unit existed on the registration day (domain.md §2). */
	if ((changed[MF_UNIT] || changed[MF_REGISTERED] || changed[MF_ORG]) && !nn[MF_UNIT])
	{
		DateADT		day;

		if (!sqm_org_local_date(org, registered, &day))
			PG_RETURN_VOID();	/* no such organisation: its foreign key refuses the row */
		if (!sqm_unit_existed_on(org, DatumGetInt64(nv[MF_UNIT]), day))
			ereport(ERROR,
					(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
					 errmsg("unit %lld of organisation %lld did not exist on %s, the registration date of lex Maja report %lld",
							(long long) DatumGetInt64(nv[MF_UNIT]), (long long) org, sqm_date_text(day), (long long) id),
					 errhint("Report for the unit whose staff found the animal, as the organisation was then.")));
	}

	/*
	 * The provision in force on the day the animal was found, in the
	 * organisation's time zone (domain.md §3.5: the legal basis stored as
	 * data, by date).
	 */
	if (changed[MF_OBSERVED] || changed[MF_BASIS] || changed[MF_ORG])
	{
		DateADT		day;
		Basis	   *bases;
		int			nbases;
		const char *basis = NULL;

		if (!sqm_org_local_date(org, DatumGetTimestampTz(nv[MF_OBSERVED]), &day))
			PG_RETURN_VOID();
		nbases = sqm_reference_rows(&lex_maja_bases, 0, (void **) &bases);
		for (i = 0; i < nbases && basis == NULL; i++)
			if (sqm_range_contains(bases[i].lower, bases[i].lower_inf, bases[i].upper, bases[i].upper_inf,
								   bases[i].empty, day))
				basis = bases[i].code;
		if (basis == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
					 errmsg("no legal basis for lex Maja report %lld of an animal found on %s", (long long) id,
							sqm_date_text(day)),
					 errdetail("The provision of lex Maja, 10 kap. 20 a § OSL (2009:400), is in force from 2019-04-01."),
					 errhint("sqm.lex_maja_basis lists the provisions and the days they apply to.")));
		if (nn[MF_BASIS])
			ereport(ERROR,
					(errcode(ERRCODE_NOT_NULL_VIOLATION),
					 errmsg("lex Maja report %lld has no legal basis", (long long) id),
					 errdetail("The basis valid on %s, the day the animal was found, is \"%s\".", sqm_date_text(day), basis),
					 errhint("Give legal_basis as sqm.lex_maja_legal_basis(org_id, observed_at) chooses it.")));
		if (strcmp(TextDatumGetCString(nv[MF_BASIS]), basis) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_CHECK_VIOLATION),
					 errmsg("legal basis \"%s\" does not apply to lex Maja report %lld of an animal found on %s",
							TextDatumGetCString(nv[MF_BASIS]), (long long) id, sqm_date_text(day)),
					 errdetail("The basis valid on that day is \"%s\".", basis),
					 errhint("The basis is chosen by the day the animal was found: sqm.lex_maja_legal_basis(org_id, observed_at).")));
	}
	PG_RETURN_VOID();
}
