/*-------------------------------------------------------------------------
 *
 * spi.c
 *	  The one place sqm prepares and keeps SPI plans, runs a kept plan that
 *	  returns one row, and reads the columns of a row a trigger or guard was
 *	  given.
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

#include "executor/executor.h"
#include "executor/spi.h"
#include "utils/builtins.h"

#include "sqm.h"

/* Prepare a query and keep the plan for the life of the backend. */
SPIPlanPtr
sqm_prepare_kept(const char *query, int nargs, Oid *argtypes)
{
	SPIPlanPtr	plan = SPI_prepare(query, nargs, argtypes);

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

/* Whether a text column of a row holds something other than blanks. */
bool
sqm_row_text_given(HeapTupleHeader row, const char *column)
{
	bool		isnull;
	Datum		d = GetAttributeByName(row, column, &isnull);
	char	   *s;

	if (isnull)
		return false;
	for (s = TextDatumGetCString(d); *s; s++)
		if (!isspace((unsigned char) *s))
			return true;
	return false;
}
