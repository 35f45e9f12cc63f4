/*-------------------------------------------------------------------------
 *
 * spi.c
 *	  The one place sqm prepares and keeps SPI plans, runs a kept plan that
 *	  returns one row, reads the columns of a row a trigger or guard was
 *	  given, and runs queries on behalf of a table's owner.
 *
 * Every module that queries with SPI (the lifecycle engine, the audit
 * trail, the kinds' guards) prepares each query once per backend with
 * sqm_prepare_kept and keeps the plan; a plan that fails to prepare is a
 * bug in sqm (the queries are fixed text), so failures are elog'd as
 * unexpected.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <ctype.h>

#include "access/htup_details.h"
#include "catalog/pg_class.h"
#include "executor/executor.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/syscache.h"

#include "sqm.h"

/* Prepare a query and keep the plan for the life of the backend. */
SPIPlanPtr
sqm_prepare_kept(const char *query, int nargs, Oid *argtypes)
{
	return sqm_prepare_kept_options(query, nargs, argtypes, 0);
}

/*
 * The same with planner options (CURSOR_OPT_GENERIC_PLAN: one plan for every
 * value of the parameters).
 */
SPIPlanPtr
sqm_prepare_kept_options(const char *query, int nargs, Oid *argtypes, int cursor_options)
{
	SPIPlanPtr	plan = SPI_prepare_cursor(query, nargs, argtypes, cursor_options);

	if (plan == NULL)
		elog(ERROR, "unexpected failure of SPI_prepare for \"%s\": %s",
			 query, SPI_result_code_string(SPI_result));
	if (SPI_keepplan(plan) != 0)
		elog(ERROR, "unexpected failure of SPI_keepplan");
	return plan;
}

/*
 * Run a kept plan that returns exactly one row.  Not read-only: under READ
 * COMMITTED that takes a fresh snapshot, so what a transaction committed while
 * the caller waited for a row lock is seen.
 */
void
sqm_execute_one_row(SPIPlanPtr plan, Datum *values, const char *nulls, const char *what)
{
	int			rc = SPI_execute_plan(plan, values, nulls, false, 1);

	if (rc != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "unexpected: %s query returned %d with %llu rows", what, rc,
			 (unsigned long long) SPI_processed);
}

/* An int8 column of a row, which the governed-table protocol guarantees. */
int64
sqm_row_int8(HeapTupleHeader row, const char *column)
{
	bool		isnull;
	Datum		d = GetAttributeByName(row, column, &isnull);

	if (isnull)
		elog(ERROR, "unexpected: column %s of a governed row is null", column);
	return DatumGetInt64(d);
}

/* Whether a text value holds something other than blanks. */
bool
sqm_text_given(Datum value, bool isnull)
{
	char	   *s;

	if (isnull)
		return false;
	for (s = TextDatumGetCString(value); *s; s++)
		if (!isspace((unsigned char) *s))
			return true;
	return false;
}


/* The owner of a relation; InvalidOid if it is gone. */
Oid
sqm_relation_owner(Oid relid)
{
	HeapTuple	tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	Oid			owner;

	if (!HeapTupleIsValid(tuple))
		return InvalidOid;
	owner = ((Form_pg_class) GETSTRUCT(tuple))->relowner;
	ReleaseSysCache(tuple);
	return owner;
}

/*
 * Act as a role until sqm_restore_user: the engine reads a case's rows on
 * behalf of the owner of their table (as foreign-key checks run as the
 * referenced table's owner), so that whoever may write a case may move it.
 * An error in between needs no cleanup: aborting the (sub)transaction
 * restores the user.
 */
void
sqm_become_user(Oid userid, SqmSavedUser *saved)
{
	GetUserIdAndSecContext(&saved->userid, &saved->sec_context);
	if (OidIsValid(userid))
		SetUserIdAndSecContext(userid, saved->sec_context | SECURITY_LOCAL_USERID_CHANGE);
}

void
sqm_restore_user(const SqmSavedUser *saved)
{
	SetUserIdAndSecContext(saved->userid, saved->sec_context);
}
