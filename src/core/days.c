/*-------------------------------------------------------------------------
 *
 * days.c
 *	  The days statistics count by: date columns of a case or record table
 *	  that hold the day of one of its moments in the organisation's time
 *	  zone, filled in for every writer by the trigger sqm.local_days().
 *
 * Statistics place a case in a period by a stated date (domain.md §2: the
 * report date, the completion date ...), in the organisation's time zone.
 * Kept on the row (class statistic), that day makes a period filter an
 * index range over (org_id, day) instead of a computation over every row of
 * the organisation, and lets the report reader count without reading any
 * exact time (domain.md §5).
 *
 * The trigger is created by sqm.count_days() (src/core/sql/70_statistics.sql)
 * with its arguments in pairs: a date column, and the timestamptz column(s)
 * whose day it holds, comma separated (the first that is not NULL counts):
 *
 *	 EXECUTE FUNCTION sqm.local_days('reported_on', 'reported_at',
 *									 'completed_on', 'completed_at,closed_at')
 *
 * On INSERT a day left empty is filled in; on UPDATE a day follows its
 * moments.  A day the writer gives is kept only if it is the day of the
 * moment: otherwise the row is refused (23514), as a CHECK constraint would,
 * whoever writes it.  A later change of the organisation's time zone leaves
 * the days already stored as they are, so that published figures stay as
 * published.
 *
 * This file owns the per-backend cache of the organisations' time zones,
 * loaded through one kept plan as the owner of sqm.organisation and cleared
 * by a relcache callback; the statement trigger sqm.time_zone_invalidate()
 * on sqm.organisation sends that invalidation when a time zone changes.
 * sqm.local_days_cache_stats() shows this backend's loads and hits.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "pgtime.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/timestamp.h"

#include "sqm.h"

#define LOCAL_DAYS_HINT \
	"Create the trigger with sqm.count_days(table, days): BEFORE INSERT OR UPDATE FOR EACH ROW, " \
	"its arguments pairs of a date column and the timestamptz column(s) whose day it holds."

#define TIME_ZONE_SQL \
	"SELECT o.time_zone FROM sqm.organisation o WHERE o.org_id OPERATOR(pg_catalog.=) $1"

/* An organisation's time zone; entry of tz_cache. */
typedef struct TzEntry
{
	int64		org_id;			/* hash key; must be first */
	char		time_zone[TZ_STRLEN_MAX + 1];
} TzEntry;

static HTAB *tz_cache = NULL;
static bool tz_valid = false;	/* false: clear tz_cache before the next use */
static Oid	tz_org_relid = InvalidOid;	/* sqm.organisation when the cache was filled */
static SPIPlanPtr tz_plan = NULL;

/* sqm.local_days_cache_stats() */
static int64 tz_loads = 0;
static int64 tz_hits = 0;

PG_FUNCTION_INFO_V1(sqm_local_days);
PG_FUNCTION_INFO_V1(sqm_time_zone_invalidate);
PG_FUNCTION_INFO_V1(sqm_local_days_cache_stats);


/* ----------------------------------------------------------------
 *		The time zone cache
 * ----------------------------------------------------------------
 */

/* Only marks the cache stale; never touches the catalogs. */
static void
days_relcache_callback(Datum arg, Oid relid)
{
	if (!OidIsValid(relid) || relid == tz_org_relid)
		tz_valid = false;
}

void
sqm_days_init(void)
{
	sqm_register_relcache_callback(days_relcache_callback);
}

/*
 * The time zone of an organisation, copied into zone (TZ_STRLEN_MAX + 1
 * bytes); false if there is no such organisation (the row's foreign key
 * then refuses it).  Reads sqm.organisation as its owner, so that what RLS
 * shows the writer does not matter.
 */
static bool
org_time_zone(int64 org, char *zone)
{
	TzEntry    *entry;
	Oid			org_relid = sqm_relation_oid("organisation");
	Datum		arg = Int64GetDatum(org);
	Oid			argtype = INT8OID;
	Oid			save_userid;
	int			save_sec_context;
	bool		found;
	int			rc;

	if (!tz_valid || tz_cache == NULL || org_relid != tz_org_relid)
	{
		HASHCTL		ctl;

		if (tz_cache != NULL)
			hash_destroy(tz_cache);
		ctl.keysize = sizeof(int64);
		ctl.entrysize = sizeof(TzEntry);
		ctl.hcxt = CacheMemoryContext;
		tz_cache = hash_create("sqm organisation time zones", 16, &ctl,
							   HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
		tz_org_relid = org_relid;
		tz_valid = true;
	}

	entry = hash_search(tz_cache, &org, HASH_FIND, NULL);
	if (entry != NULL)
	{
		tz_hits++;
		strlcpy(zone, entry->time_zone, TZ_STRLEN_MAX + 1);
		return true;
	}

	if ((rc = SPI_connect()) != SPI_OK_CONNECT)
		elog(ERROR, "unexpected result %s of SPI_connect", SPI_result_code_string(rc));
	sqm_become_owner(org_relid, &save_userid, &save_sec_context);
	if (tz_plan == NULL)
		tz_plan = sqm_prepare_kept(TIME_ZONE_SQL, 1, &argtype);
	rc = SPI_execute_plan(tz_plan, &arg, NULL, false, 1);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "unexpected result %s of reading sqm.organisation", SPI_result_code_string(rc));
	found = (SPI_processed == 1);
	if (found)
	{
		char	   *tz = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);

		strlcpy(zone, tz, TZ_STRLEN_MAX + 1);
		tz_loads++;
		/* a relcache callback may have run during the query: fill only a cache still valid */
		if (tz_valid)
		{
			entry = hash_search(tz_cache, &org, HASH_ENTER, NULL);
			strlcpy(entry->time_zone, zone, TZ_STRLEN_MAX + 1);
		}
	}
	SetUserIdAndSecContext(save_userid, save_sec_context);
	if ((rc = SPI_finish()) != SPI_OK_FINISH)
		elog(ERROR, "unexpected result %s of SPI_finish", SPI_result_code_string(rc));
	return found;
}

/*
 * Statement trigger on sqm.organisation (AFTER UPDATE OF time_zone, DELETE,
 * TRUNCATE): every backend's cache of time zones is cleared, at once in this
 * one, at commit in the others.
 */
Datum
sqm_time_zone_invalidate(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata;

	trigdata = sqm_trigger_protocol(fcinfo, "sqm.time_zone_invalidate()",
									SQM_TG_STATEMENT | SQM_TG_AFTER | SQM_TG_UPDATE |
									SQM_TG_DELETE | SQM_TG_TRUNCATE,
									"Create it AFTER UPDATE OF time_zone OR DELETE OR TRUNCATE "
									"ON sqm.organisation FOR EACH STATEMENT.");
	CacheInvalidateRelcacheByRelid(RelationGetRelid(trigdata->tg_relation));
	PG_RETURN_POINTER(NULL);
}

Datum
sqm_local_days_cache_stats(PG_FUNCTION_ARGS)
{
	TupleDesc	tupdesc;
	Datum		values[2];
	bool		nulls[2] = {false, false};

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "unexpected: sqm.local_days_cache_stats() must return a row");
	values[0] = Int64GetDatum(tz_loads);
	values[1] = Int64GetDatum(tz_hits);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc), values, nulls)));
}


/* ----------------------------------------------------------------
 *		The trigger
 * ----------------------------------------------------------------
 */

/* The attribute number of a column of the given type, or refuse the trigger (39P01). */
static AttrNumber
days_column(Relation rel, const char *tgname, const char *name, Oid type)
{
	Form_pg_attribute att = sqm_find_column(RelationGetDescr(rel), name);

	if (att == NULL || att->atttypid != type)
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("trigger \"%s\" on table %s names column \"%s\", which is not a column of type %s",
						tgname, sqm_relation_name(RelationGetRelid(rel)), name, format_type_be(type)),
				 att == NULL ? errdetail("The table has no such column.") :
				 errdetail("It is of type %s.", format_type_be(att->atttypid)),
				 errhint(LOCAL_DAYS_HINT)));
	return att->attnum;
}

/* The day of a moment in a time zone, as (moment AT TIME ZONE zone)::date. */
static DateADT
local_day(TimestampTz moment, const char *zone)
{
	Datum		local = DirectFunctionCall2(timestamptz_zone, CStringGetTextDatum(zone),
											TimestampTzGetDatum(moment));

	return DatumGetDateADT(DirectFunctionCall1(timestamp_date, local));
}

static char *
day_text(DateADT day)
{
	return DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(day)));
}

/*
 * Refuse a day the writer gave that is not the day of the row's moment
 * (23514, like a CHECK constraint).  Names the case by its kind's label (the
 * table's name for a table that is no kind's) and id.
 */
static void
refuse_day(Relation rel, HeapTuple tuple, const char *daycol, DateADT given,
		   const char *moments, const char *moment_used, bool have_day, DateADT day,
		   TimestampTz moment, const char *zone, int64 org)
{
	Oid			relid = RelationGetRelid(rel);
	TupleDesc	tupdesc = RelationGetDescr(rel);
	char	   *kind;
	char	   *label;
	int			idnum = SPI_fnumber(tupdesc, "id");
	bool		isnull = true;
	Datum		id = 0;

	if (!sqm_kind_of_table(relid, &kind, &label))
		label = sqm_relation_name(relid);
	if (idnum > 0)
		id = heap_getattr(tuple, idnum, tupdesc, &isnull);

	if (!have_day)
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("%s of %s %s cannot be %s while %s is empty", daycol, label,
						isnull ? "(new)" : psprintf(INT64_FORMAT, DatumGetInt64(id)),
						day_text(given), moments),
				 errdetail("%s holds the day of %s in the time zone of organisation " INT64_FORMAT ".",
						   daycol, moments, org),
				 errhint("Leave %s out: it is filled in from %s.", daycol, moments)));
	ereport(ERROR,
			(errcode(ERRCODE_CHECK_VIOLATION),
			 errmsg("%s of %s %s must be %s, the day of %s", daycol, label,
					isnull ? "(new)" : psprintf(INT64_FORMAT, DatumGetInt64(id)),
					day_text(day), moment_used),
			 errdetail("It was given as %s; %s is %s, which is %s in the time zone %s of organisation " INT64_FORMAT ".",
					   day_text(given), moment_used, timestamptz_to_str(moment), day_text(day), zone, org),
			 errhint("Leave %s out: it is filled in from %s.", daycol, moments)));
}

/*
 * BEFORE INSERT OR UPDATE FOR EACH ROW: fill in (or check) each date column
 * named in the trigger's arguments from its moments.
 */
Datum
sqm_local_days(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata;
	Trigger    *tg;
	Relation	rel;
	TupleDesc	tupdesc;
	HeapTuple	newtuple;
	HeapTuple	oldtuple;
	AttrNumber	org_attnum;
	AttrNumber	id_attnum;
	int			npairs;
	int		   *replcols;
	Datum	   *replvalues;
	bool	   *replnulls;
	int			nrepl = 0;
	bool		have_zone = false;
	bool		org_found = false;
	char		zone[TZ_STRLEN_MAX + 1];
	int64		org = 0;
	int			p;

	trigdata = sqm_trigger_protocol(fcinfo, "sqm.local_days()",
									SQM_TG_ROW | SQM_TG_BEFORE | SQM_TG_INSERT | SQM_TG_UPDATE,
									LOCAL_DAYS_HINT);
	tg = trigdata->tg_trigger;
	rel = trigdata->tg_relation;
	tupdesc = RelationGetDescr(rel);
	if (tg->tgnargs == 0 || tg->tgnargs % 2 != 0)
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("trigger \"%s\" on table %s needs pairs of a date column and its moments",
						tg->tgname, sqm_relation_name(RelationGetRelid(rel))),
				 errdetail("It has %d arguments.", tg->tgnargs),
				 errhint(LOCAL_DAYS_HINT)));
	/* every table it serves is keyed by organisation and id (cases and records alike) */
	sqm_details_columns(rel, &org_attnum, &id_attnum);

	if (TRIGGER_FIRED_BY_INSERT(trigdata->tg_event))
	{
		newtuple = trigdata->tg_trigtuple;
		oldtuple = NULL;
	}
	else
	{
		newtuple = trigdata->tg_newtuple;
		oldtuple = trigdata->tg_trigtuple;
	}

	npairs = tg->tgnargs / 2;
	replcols = palloc(npairs * sizeof(int));
	replvalues = palloc(npairs * sizeof(Datum));
	replnulls = palloc(npairs * sizeof(bool));

	for (p = 0; p < npairs; p++)
	{
		const char *daycol = tg->tgargs[2 * p];
		const char *moments = tg->tgargs[2 * p + 1];
		AttrNumber	dayatt = days_column(rel, tg->tgname, daycol, DATEOID);
		char	   *list = pstrdup(moments);
		char	   *name;
		char	   *save = NULL;
		const char *moment_used = NULL;
		TimestampTz moment = 0;
		bool		changed = (oldtuple == NULL);
		bool		given_null;
		DateADT		given;
		bool		have_day;
		DateADT		day = 0;
		bool		writer_set;

		/* the first moment that is not NULL; whether any moment changed */
		for (name = strtok_r(list, ",", &save); name != NULL; name = strtok_r(NULL, ",", &save))
		{
			AttrNumber	att = days_column(rel, tg->tgname, name, TIMESTAMPTZOID);
			bool		isnull;
			Datum		value = heap_getattr(newtuple, att, tupdesc, &isnull);

			if (!isnull && moment_used == NULL)
			{
				moment = DatumGetTimestampTz(value);
				moment_used = name;
			}
			if (oldtuple != NULL && !changed)
			{
				bool		oldnull;
				Datum		oldvalue = heap_getattr(oldtuple, att, tupdesc, &oldnull);

				changed = (isnull != oldnull ||
						   (!isnull && DatumGetTimestampTz(value) != DatumGetTimestampTz(oldvalue)));
			}
		}

		given = DatumGetDateADT(heap_getattr(newtuple, dayatt, tupdesc, &given_null));
		if (oldtuple == NULL)
			writer_set = !given_null;
		else
		{
			bool		oldnull;
			DateADT		old = DatumGetDateADT(heap_getattr(oldtuple, dayatt, tupdesc, &oldnull));

			writer_set = (given_null != oldnull || (!given_null && given != old));
		}
		/* an UPDATE that touches neither the moments nor the day leaves both */
		if (!changed && !writer_set)
			continue;

		have_day = (moment_used != NULL);
		if (have_day)
		{
			if (!have_zone)
			{
				bool		isnull;

				org = DatumGetInt64(heap_getattr(newtuple, org_attnum, tupdesc, &isnull));
				org_found = !isnull && org_time_zone(org, zone);
				have_zone = true;
			}
			/* no such organisation: its foreign key refuses the row */
			if (!org_found)
				continue;
			day = local_day(moment, zone);
		}

		if (writer_set && !given_null && (!have_day || given != day))
			refuse_day(rel, newtuple, daycol, given, moments, moment_used, have_day, day,
					   moment, zone, org);

		if (given_null != !have_day || (have_day && given != day))
		{
			replcols[nrepl] = dayatt;
			replvalues[nrepl] = DateADTGetDatum(day);
			replnulls[nrepl] = !have_day;
			nrepl++;
		}
	}

	if (nrepl > 0)
		newtuple = heap_modify_tuple_by_cols(newtuple, tupdesc, nrepl, replcols, replvalues, replnulls);
	return PointerGetDatum(newtuple);
}
