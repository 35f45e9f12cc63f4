/*-------------------------------------------------------------------------
 *
 * obligations.c
 *	  The deadline obligations of a period and the open ones, with the
 *	  engine's query prepared once per backend (doc/deadlines.md).
 *
 * sqm.obligations_sql (80_deadlines.sql) writes the query of the deadline
 * engine from the rules, events and lifecycles: one UNION ALL branch per
 * rule.  sqm.obligations runs it with EXECUTE, so every call writes the
 * text again and plans all its branches; for the statistics of a period
 * (sqm.stat_obligations, called once for the per-rule view and once for its
 * total) that was a third of the time (issue 15).  This file owns
 *
 *	- sqm.obligations_period(org, started_from, started_before): the
 *	  obligations of one organisation whose clock started in
 *	  [started_from, started_before), as sqm.obligations returns them;
 *	- sqm.obligation_counts_period(org, started_from, started_before, ends,
 *	  units): the same obligations counted per rule as they stood at ends
 *	  (met in time, met late, overdue, not yet due), of some units or all --
 *	  what the deadline statistics show (sqm.stat_obligations);
 *	- sqm.obligation_cases_period(org, started_from, started_before, units):
 *	  only how many they are -- the total of the deadline statistics, which
 *	  then neither computes a due time nor looks up a stop event (the
 *	  planner drops the unused columns of the query);
 *	- sqm.obligations_open(org, unit): the open obligations of one
 *	  organisation or all, of one unit or all -- sqm.obligations(open_only)
 *	  and what sqm.sweep() announces.  Planned per call, its branches (one
 *	  or two per rule) took three quarters of the time at any size;
 *	- the per-backend cache behind them: the text of the query in its period
 *	  form (obligations_sql(..., period => true), where the organisation and
 *	  the range are given, so that one plan fits every value) and in its open
 *	  form (obligations_sql(..., open_only => true): each branch is read per
 *	  organisation through a partial index, so one plan fits one
 *	  organisation and all), and the plans of them and of the counts over
 *	  the period query, prepared with SPI, generic, and kept;
 *	- its invalidation: a relcache callback (through sqm.c's one) drops
 *	  them when one of the tables the text is written from is invalidated
 *	  (the statement trigger sqm.lifecycle_invalidate() on each of them) or
 *	  everything is.
 *	  It only clears a flag; the next call writes the text again.
 *
 * The plan runs as the caller (SECURITY INVOKER: the plan cache replans when
 * row-level security or the role changes) and read-only, with the caller's
 * snapshot, as a STABLE function must.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "executor/tstoreReceiver.h"
#include "fmgr.h"
#include "funcapi.h"
#include "nodes/params.h"
#include "nodes/parsenodes.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/tuplestore.h"

#include "sqm.h"

PG_FUNCTION_INFO_V1(sqm_obligations_period);
PG_FUNCTION_INFO_V1(sqm_obligation_counts_period);
PG_FUNCTION_INFO_V1(sqm_obligation_cases_period);
PG_FUNCTION_INFO_V1(sqm_obligations_open);

/*
 * The statistics' counts per rule over the period query (%s): how the
 * obligations stood at the end of the status day $5 -- a stop after it does
 * not count -- of the units $6 (NULL: every unit).  Counting inside the
 * query leaves the unused columns (the status at now) uncomputed and copies
 * no obligation out of the executor: thousands a period (issue 15).
 */
#define OBLIGATION_COUNTS_SQL \
	"SELECT s.rule, pg_catalog.count(*)," \
	"       pg_catalog.count(*) FILTER (WHERE s.stopped_at OPERATOR(pg_catalog.<=) s.due_at)," \
	"       pg_catalog.count(*) FILTER (WHERE s.stopped_at OPERATOR(pg_catalog.>) s.due_at)," \
	"       pg_catalog.count(*) FILTER (WHERE s.stopped_at IS NULL AND s.due_at OPERATOR(pg_catalog.<=) $5)," \
	"       pg_catalog.count(*) FILTER (WHERE s.stopped_at IS NULL AND s.due_at OPERATOR(pg_catalog.>) $5)" \
	"  FROM (SELECT o.rule, o.due_at," \
	"               CASE WHEN o.stopped_at OPERATOR(pg_catalog.<) $5 THEN o.stopped_at END AS stopped_at" \
	"          FROM (%s) o" \
	"         WHERE $6 IS NULL OR o.unit_id OPERATOR(pg_catalog.=) ANY ($6)) s" \
	" GROUP BY s.rule"

/* How many obligations of the period query (%s) the units $5 (NULL: all) have. */
#define OBLIGATION_CASES_SQL \
	"SELECT pg_catalog.count(*) FROM (%s) o" \
	" WHERE $5 IS NULL OR o.unit_id OPERATOR(pg_catalog.=) ANY ($5)"

/* The tables sqm.obligations_sql writes the query from. */
static const char *const op_sources[] = {
	"deadline_rule", "deadline_event", "lifecycle_state", "lifecycle_kind"
};
#define OP_NSOURCES lengthof(op_sources)

static Oid	op_source_oids[OP_NSOURCES];
static bool op_valid = false;		/* cleared by the callback */
static bool op_loaded = false;		/* the text and plan below are complete */
static bool op_no_rules = false;	/* obligations_sql returned NULL */
/* the kept plans, by what they return */
typedef enum OpQuery
{
	OP_PERIOD,					/* sqm.obligations_period */
	OP_COUNTS,					/* sqm.obligation_counts_period */
	OP_CASES,					/* sqm.obligation_cases_period */
	OP_OPEN,					/* sqm.obligations_open */
	OP_NQUERIES
} OpQuery;

static const char *const op_what[OP_NQUERIES] = {
	"obligations of a period", "obligation counts of a period", "obligation cases of a period",
	"open obligations"
};
static SPIPlanPtr op_plans[OP_NQUERIES];

/*
 * A relation was invalidated (InvalidOid: every relation).  Only clears the
 * flag; never touches the catalogs.
 */
static void
op_relcache_callback(Datum arg, Oid relid)
{
	int			i;

	if (!op_valid)
		return;
	if (!OidIsValid(relid))
	{
		op_valid = false;
		return;
	}
	for (i = 0; i < OP_NSOURCES; i++)
		if (op_source_oids[i] == relid)
		{
			op_valid = false;
			return;
		}
}

void
sqm_obligations_init(void)
{
	sqm_register_relcache_callback(op_relcache_callback);
}

/*
 * The text of the engine's query in one form (inside SPI); NULL when no rule
 * applies.
 */
static char *
op_text(const char *call)
{
	bool		isnull;
	Datum		d;
	int			rc;

	rc = SPI_execute(call, true, 1);
	if (rc != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "unexpected: %s returned %d with %llu rows", call, rc,
			 (unsigned long long) SPI_processed);
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	return isnull ? NULL : TextDatumGetCString(d);
}

/*
 * Write the period and open queries and keep their plans (inside SPI).  The
 * flag is set before the work, so that an invalidation arriving while the
 * text is read is not lost: it clears the flag again and the next call
 * reloads.
 */
static void
op_load(void)
{
	Oid			nsp = get_namespace_oid("sqm", false);
	Oid			argtypes[6] = {INT8OID, INT8OID, TIMESTAMPTZOID, TIMESTAMPTZOID,
	TIMESTAMPTZOID, INT8ARRAYOID};
	Oid			cases_argtypes[5] = {INT8OID, INT8OID, TIMESTAMPTZOID, TIMESTAMPTZOID,
	INT8ARRAYOID};
	char	   *period;
	char	   *open;
	int			i;

	op_loaded = false;
	for (i = 0; i < OP_NQUERIES; i++)
		if (op_plans[i] != NULL)
		{
			SPI_freeplan(op_plans[i]);
			op_plans[i] = NULL;
		}
	op_valid = true;
	for (i = 0; i < OP_NSOURCES; i++)
		op_source_oids[i] = get_relname_relid(op_sources[i], nsp);

	/* both forms come from the same rules: NULL together */
	period = op_text("SELECT sqm.obligations_sql(NULL, NULL, false, true)");
	open = op_text("SELECT sqm.obligations_sql(NULL, NULL, true, false)");
	op_no_rules = (period == NULL);
	if (period != NULL && open != NULL)
	{
		/* generic: the same plan for every organisation and period */
		op_plans[OP_PERIOD] = sqm_prepare_kept_options(period, 4, argtypes, CURSOR_OPT_GENERIC_PLAN);
		op_plans[OP_COUNTS] = sqm_prepare_kept_options(psprintf(OBLIGATION_COUNTS_SQL, period), 6,
													   argtypes, CURSOR_OPT_GENERIC_PLAN);
		op_plans[OP_CASES] = sqm_prepare_kept_options(psprintf(OBLIGATION_CASES_SQL, period), 5,
													  cases_argtypes, CURSOR_OPT_GENERIC_PLAN);
		op_plans[OP_OPEN] = sqm_prepare_kept_options(open, 4, argtypes, CURSOR_OPT_GENERIC_PLAN);
	}
	else if (period != NULL || open != NULL)
		elog(ERROR, "unexpected: sqm.obligations_sql wrote only one of the period and open queries");
	op_loaded = true;
}

/*
 * Connect to SPI with the kept queries current: false, and SPI finished,
 * when no rule applies.
 */
static bool
op_connect(void)
{
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "unexpected failure of SPI_connect");
	if (!op_valid || !op_loaded)
		op_load();
	if (op_no_rules)
	{
		SPI_finish();
		return false;
	}
	return true;
}

/*
 * Run a kept query with its parameters and return its rows as the calling
 * function's: no rows when no rule applies.  The executor writes them
 * straight into the function's tuplestore (no copy in SPI_tuptable:
 * thousands of open obligations at national scale), converted to the
 * function's columns -- which obligations_sql writes, so a mismatch is a
 * bug, reported as one.
 */
static Datum
op_run(FunctionCallInfo fcinfo, OpQuery which, Datum *values, const char *nulls)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int			nparams;
	SPIExecuteOptions options = {0};
	DestReceiver *dest;
	ParamListInfo params;
	int			rc;

	if (!op_connect())
		return (Datum) 0;

	nparams = SPI_getargcount(op_plans[which]);
	params = makeParamList(nparams);
	for (int i = 0; i < nparams; i++)
	{
		params->params[i].value = values[i];
		params->params[i].isnull = (nulls[i] == 'n');
		params->params[i].pflags = PARAM_FLAG_CONST;
		params->params[i].ptype = SPI_getargtypeid(op_plans[which], i);
	}
	dest = CreateDestReceiver(DestTuplestore);
	SetTuplestoreDestReceiverParams(dest, rsinfo->setResult, rsinfo->econtext->ecxt_per_query_memory,
									false, rsinfo->setDesc,
									psprintf("the query of the %s does not return the function's columns",
											 op_what[which]));
	options.params = params;
	options.read_only = true;
	options.dest = dest;

	rc = SPI_execute_plan_extended(op_plans[which], &options);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "unexpected: the query of the %s returned %d", op_what[which], rc);
	dest->rDestroy(dest);

	SPI_finish();
	return (Datum) 0;
}

/*
 * sqm.obligations_period(org bigint, started_from timestamptz,
 *                        started_before timestamptz)
 * RETURNS TABLE (org_id, kind, object_id, unit_id, rule, legal, basis,
 *                started_at, due_at, stopped_at, status)
 * STRICT: a missing argument gives no rows.
 */
Datum
sqm_obligations_period(PG_FUNCTION_ARGS)
{
	Datum		values[4];
	char		nulls[4] = {' ', 'n', ' ', ' '};

	InitMaterializedSRF(fcinfo, 0);
	values[0] = PG_GETARG_DATUM(0);
	values[1] = (Datum) 0;
	values[2] = PG_GETARG_DATUM(1);
	values[3] = PG_GETARG_DATUM(2);
	return op_run(fcinfo, OP_PERIOD, values, nulls);
}

/*
 * sqm.obligation_counts_period(org bigint, started_from timestamptz,
 *                              started_before timestamptz, ends timestamptz,
 *                              units bigint[])
 * RETURNS TABLE (rule, cases, met_in_time, met_late, overdue, not_yet_due)
 * The obligations of sqm.obligations_period(org, started_from,
 * started_before) counted per rule as they stood at ends, of the units
 * given (NULL: every unit).  Not STRICT in units only.
 */
Datum
sqm_obligation_counts_period(PG_FUNCTION_ARGS)
{
	Datum		values[6];
	char		nulls[6] = {' ', 'n', ' ', ' ', ' ', ' '};

	InitMaterializedSRF(fcinfo, 0);
	for (int i = 0; i < 4; i++)
		if (PG_ARGISNULL(i))
			return (Datum) 0;
	values[0] = PG_GETARG_DATUM(0);
	values[1] = (Datum) 0;
	values[2] = PG_GETARG_DATUM(1);
	values[3] = PG_GETARG_DATUM(2);
	values[4] = PG_GETARG_DATUM(3);
	values[5] = PG_ARGISNULL(4) ? (Datum) 0 : PG_GETARG_DATUM(4);
	nulls[5] = PG_ARGISNULL(4) ? 'n' : ' ';
	return op_run(fcinfo, OP_COUNTS, values, nulls);
}

/*
 * sqm.obligation_cases_period(org bigint, started_from timestamptz,
 *                             started_before timestamptz, units bigint[])
 * RETURNS bigint
 * How many obligations sqm.obligations_period(org, started_from,
 * started_before) has, of the units given (NULL: every unit); NULL when no
 * rule applies.  Not STRICT in units only.
 */
Datum
sqm_obligation_cases_period(PG_FUNCTION_ARGS)
{
	Datum		values[5];
	char		nulls[5] = {' ', 'n', ' ', ' ', ' '};
	bool		isnull;
	int64		cases;
	int			rc;

	for (int i = 0; i < 3; i++)
		if (PG_ARGISNULL(i))
			PG_RETURN_NULL();
	values[0] = PG_GETARG_DATUM(0);
	values[1] = (Datum) 0;
	values[2] = PG_GETARG_DATUM(1);
	values[3] = PG_GETARG_DATUM(2);
	values[4] = PG_ARGISNULL(3) ? (Datum) 0 : PG_GETARG_DATUM(3);
	nulls[4] = PG_ARGISNULL(3) ? 'n' : ' ';

	if (!op_connect())
		PG_RETURN_NULL();
	rc = SPI_execute_plan(op_plans[OP_CASES], values, nulls, true, 0);
	if (rc != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "unexpected: the query of the %s returned %d with %llu rows",
			 op_what[OP_CASES], rc, (unsigned long long) SPI_processed);
	cases = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	SPI_finish();
	PG_RETURN_INT64(cases);
}

/*
 * sqm.obligations_open(org bigint, unit bigint)
 * RETURNS TABLE (org_id, kind, object_id, unit_id, rule, legal, basis,
 *                started_at, due_at, stopped_at, status)
 * The open obligations (due, due soon, overdue) of the organisation and unit
 * given, NULL: of every one the caller may see.
 */
Datum
sqm_obligations_open(PG_FUNCTION_ARGS)
{
	Datum		values[4] = {0};
	char		nulls[4] = {' ', ' ', 'n', 'n'};

	InitMaterializedSRF(fcinfo, 0);
	for (int i = 0; i < 2; i++)
	{
		if (PG_ARGISNULL(i))
			nulls[i] = 'n';
		else
			values[i] = PG_GETARG_DATUM(i);
	}
	return op_run(fcinfo, OP_OPEN, values, nulls);
}
