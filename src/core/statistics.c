/*-------------------------------------------------------------------------
 *
 * statistics.c
 *	  What every statistics view reads (72_statistics.sql): an
 *	  organisation's reporting periods and its units as a per-unit table
 *	  shows them.
 *
 * Every statistics view joins an organisation's periods and filters them by
 * period text, kind or day; the filter cannot reach into a function, so each
 * view builds all of them (about 190 for ten years) and keeps one.  Every
 * per-unit table lists the organisation's units with their names, labels,
 * parents and departments as of a day.  Both are a few dozen rows computed
 * from a few dozen rows; as PL/pgSQL queries they cost about 0.6 and 0.5 ms
 * per call, called in every view and several times in a per-unit view --
 * half of one organisation's whole report (issue 15).  This file owns
 *
 *	- sqm.stat_periods(org): the periods -- reporting years (the calendar
 *	  year, or the quality year: organisation.quality_year_start), calendar
 *	  quarters and months, from the month the first unit began to today's
 *	  (domain.md §6) -- with their first and last day, the period before, the
 *	  follow-up day (the last day of the month after the period), today in
 *	  the organisation's time zone, whether the period is over and the label
 *	  language; ordered by first day, then last day descending (a year before
 *	  the quarter and the month it starts with);
 *	- sqm.stat_units(org, first_day, last_day, previous_first, previous_last,
 *	  attribution, today, lang): each unit with its version on the reference
 *	  day (today under attribution today, else the period's last day; the
 *	  latest version begun by then, else the first after it), a label telling
 *	  apart units that have had the same name, its parent and department on
 *	  that day, its lifetime, whether it existed in the period and the one
 *	  before, and whether a per-unit table lists it without cases.
 *
 * The organisation's rows are read with SPI as the caller (SECURITY INVOKER:
 * row-level security applies), with kept generic plans, on every call: only
 * the calendar of periods, pure arithmetic of the reporting year's start
 * month, the first unit's day and today, is kept between calls (one per
 * backend), and with it the last organisation's rows of periods, a function
 * of the calendar and the values read (organisation, label language, the
 * period kinds' labels), reused while a call reads the same values: a
 * report asks for one organisation's periods in every view, and forming
 * its 190 rows was a quarter of each call.  The calendar is the period
 * type's (src/types/period.c), called through its SQL-callable functions.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/datum.h"
#include "utils/memutils.h"

#include "sqm.h"

PG_FUNCTION_INFO_V1(sqm_stat_periods);
PG_FUNCTION_INFO_V1(sqm_stat_units);

/*
 * The organisation as its periods need it: the start month of its reporting
 * year, its label language, today there, the first day of its first unit,
 * and the labels of the period kinds in its language.
 */
#define ORGANISATION_SQL \
	"SELECT o.quality_year_start, o.label_language," \
	"       pg_catalog.timezone(o.time_zone, sqm.now())::pg_catalog.date," \
	"       (SELECT pg_catalog.min(pg_catalog.lower(v.valid)) FROM sqm.unit_version v" \
	"         WHERE v.org_id OPERATOR(pg_catalog.=) o.org_id)," \
	"       l.year, l.quarter, l.month" \
	"  FROM sqm.organisation o" \
	" CROSS JOIN LATERAL (" \
	"   SELECT pg_catalog.max(x.label) FILTER (WHERE x.code OPERATOR(pg_catalog.=) 'year') AS year," \
	"          pg_catalog.max(x.label) FILTER (WHERE x.code OPERATOR(pg_catalog.=) 'quarter') AS quarter," \
	"          pg_catalog.max(x.label) FILTER (WHERE x.code OPERATOR(pg_catalog.=) 'month') AS month" \
	"     FROM (SELECT l.code, CASE WHEN o.label_language OPERATOR(pg_catalog.=) 'en'" \
	"                               THEN l.label_en ELSE l.label_sv END AS label" \
	"             FROM sqm.label l WHERE l.kind OPERATOR(pg_catalog.=) 'period_kind') x) l" \
	" WHERE o.org_id OPERATOR(pg_catalog.=) $1"

#define STAT_PERIOD_COLUMNS 13

/* The kinds a statistics period is listed as (sqm.stat_period.period_kind). */
typedef enum StatPeriodKind
{
	STAT_YEAR,					/* the reporting year: calendar or quality year */
	STAT_QUARTER,
	STAT_MONTH,
	STAT_KINDS
} StatPeriodKind;

static const char *const stat_kind_name[STAT_KINDS] = {"year", "quarter", "month"};

typedef struct StatPeriod
{
	StatPeriodKind kind;
	DateADT		first_day;
	DateADT		last_day;
	Datum		text;			/* the period as text */
	Datum		previous_text;	/* the period before, as text */
	DateADT		previous_first_day;
	DateADT		previous_last_day;
	DateADT		follow_up_day;	/* the last day of the month after it */
} StatPeriod;

/*
 * The calendar last built: the periods depend only on the start month of the
 * reporting year, the first unit's day and today, which every organisation
 * of a database mostly shares, and a report reads them in every view.  Kept
 * per backend (it is pure arithmetic: nothing to invalidate) in its own
 * memory context, built again when the key differs.
 */
typedef struct StatCalendar
{
	int32		quality_year_start;
	DateADT		since;
	DateADT		today;
	int			nperiods;
	StatPeriod *periods;
	Datum		kind_text[STAT_KINDS];	/* stat_kind_name as text */
} StatCalendar;

static MemoryContext calendar_context = NULL;
static StatCalendar *calendar = NULL;

/*
 * The rows of sqm.stat_periods last returned: the calendar's periods of one
 * organisation with the values read for it (in rows_context, emptied when
 * other values are read and when the calendar is built again).
 */
typedef struct StatPeriodRows
{
	int64		org;
	Datum		label_language;
	Datum		kind_label[STAT_KINDS];
	bool		kind_label_null[STAT_KINDS];
	HeapTuple  *tuples;			/* calendar->nperiods of them */
} StatPeriodRows;

static MemoryContext rows_context = NULL;
static StatPeriodRows *period_rows = NULL;

static SPIPlanPtr organisation_plan = NULL;

/* Month number (year * 12 + month - 1) of a finite date. */
static int
month_number(DateADT day)
{
	int			year,
				month,
				mday;

	j2date(day + POSTGRES_EPOCH_JDATE, &year, &month, &mday);
	return year * 12 + month - 1;
}

/* First day of the month with a month number. */
static DateADT
month_start(int number)
{
	return date2j(number / 12, number % 12 + 1, 1) - POSTGRES_EPOCH_JDATE;
}

/* Order of sqm.stat_period: first day, then last day descending. */
static int
stat_period_cmp(const void *a, const void *b)
{
	const StatPeriod *x = (const StatPeriod *) a;
	const StatPeriod *y = (const StatPeriod *) b;

	if (x->first_day != y->first_day)
		return x->first_day < y->first_day ? -1 : 1;
	if (x->last_day != y->last_day)
		return x->last_day > y->last_day ? -1 : 1;
	return 0;
}

/* The period of a kind containing a day (sqm.period_of). */
static Datum
stat_period_of(StatPeriodKind kind, DateADT day, int32 quality_year_start)
{
	static const char *const of_kind[STAT_KINDS] = {"quality_year", "quarter", "month"};

	return DirectFunctionCall3(sqm_period_of_date, CStringGetTextDatum(of_kind[kind]),
							   DateADTGetDatum(day), Int32GetDatum(quality_year_start));
}

static Datum
period_text(Datum period)
{
	return CStringGetTextDatum(DatumGetCString(DirectFunctionCall1(sqm_period_out, period)));
}

/*
 * Build the calendar: each period from its first month, and in the first
 * month also the periods it lies in (a reporting year begun before the first
 * unit); from the month of the first unit to today's (none if that is still
 * to come).
 */
static void
stat_calendar_build(int32 quality_year_start, DateADT since, DateADT today)
{
	int			first_month = month_number(since);
	int			last_month = month_number(today);
	MemoryContext old;
	StatPeriod *periods;
	int			n = 0;

	if (calendar_context == NULL)
	{
		calendar_context = AllocSetContextCreate(TopMemoryContext, "sqm statistics calendar",
												 ALLOCSET_SMALL_SIZES);
		rows_context = AllocSetContextCreate(TopMemoryContext, "sqm statistics periods",
											 ALLOCSET_DEFAULT_SIZES);
	}
	/* the rows were formed from the calendar: both go */
	calendar = NULL;
	period_rows = NULL;
	MemoryContextReset(calendar_context);
	MemoryContextReset(rows_context);
	old = MemoryContextSwitchTo(calendar_context);

	periods = palloc(sizeof(StatPeriod) * STAT_KINDS * Max(last_month - first_month + 1, 1));
	for (int m = first_month; m <= last_month; m++)
	{
		DateADT		month_first = month_start(m);

		for (int k = 0; k < STAT_KINDS; k++)
		{
			Datum		p = stat_period_of((StatPeriodKind) k, month_first, quality_year_start);
			DateADT		first_day = DatumGetDateADT(DirectFunctionCall1(sqm_period_first_day, p));
			Datum		prev;

			if (first_day != month_first && m != first_month)
				continue;
			prev = DirectFunctionCall1(sqm_period_prev, p);
			periods[n].kind = (StatPeriodKind) k;
			periods[n].first_day = first_day;
			periods[n].last_day = DatumGetDateADT(DirectFunctionCall1(sqm_period_last_day, p));
			periods[n].text = period_text(p);
			periods[n].previous_text = period_text(prev);
			periods[n].previous_first_day = DatumGetDateADT(DirectFunctionCall1(sqm_period_first_day, prev));
			periods[n].previous_last_day = DatumGetDateADT(DirectFunctionCall1(sqm_period_last_day, prev));
			periods[n].follow_up_day = month_start(month_number(periods[n].last_day) + 2) - 1;
			n++;
		}
	}
	qsort(periods, n, sizeof(StatPeriod), stat_period_cmp);

	calendar = palloc(sizeof(StatCalendar));
	calendar->quality_year_start = quality_year_start;
	calendar->since = since;
	calendar->today = today;
	calendar->nperiods = n;
	calendar->periods = periods;
	for (int k = 0; k < STAT_KINDS; k++)
		calendar->kind_text[k] = CStringGetTextDatum(stat_kind_name[k]);
	MemoryContextSwitchTo(old);
}

/* Whether two values read are the same (text, or NULL on both sides). */
static bool
same_text(Datum a, bool a_null, Datum b, bool b_null)
{
	if (a_null || b_null)
		return a_null == b_null;
	return datumIsEqual(a, b, false, -1);
}

/*
 * The rows of an organisation's periods, from the calendar and the values
 * read for it: those last formed if formed from the same, else formed now
 * (in rows_context) and kept.
 */
static HeapTuple *
stat_period_rows(TupleDesc desc, int64 org, Datum label_language, Datum *kind_label, bool *kind_label_null)
{
	MemoryContext old;
	StatPeriodRows *rows;
	bool		same = (period_rows != NULL && period_rows->org == org &&
						same_text(period_rows->label_language, false, label_language, false));

	for (int k = 0; same && k < STAT_KINDS; k++)
		same = same_text(period_rows->kind_label[k], period_rows->kind_label_null[k],
						 kind_label[k], kind_label_null[k]);
	if (same)
		return period_rows->tuples;

	period_rows = NULL;
	MemoryContextReset(rows_context);
	old = MemoryContextSwitchTo(rows_context);
	rows = palloc(sizeof(StatPeriodRows));
	rows->org = org;
	rows->label_language = datumCopy(label_language, false, -1);
	for (int k = 0; k < STAT_KINDS; k++)
	{
		rows->kind_label_null[k] = kind_label_null[k];
		rows->kind_label[k] = kind_label_null[k] ? (Datum) 0 : datumCopy(kind_label[k], false, -1);
	}
	rows->tuples = palloc(sizeof(HeapTuple) * Max(calendar->nperiods, 1));
	for (int i = 0; i < calendar->nperiods; i++)
	{
		StatPeriod *sp = &calendar->periods[i];
		Datum		values[STAT_PERIOD_COLUMNS];
		bool		nulls[STAT_PERIOD_COLUMNS] = {0};

		values[0] = Int64GetDatum(org);
		values[1] = sp->text;
		values[2] = calendar->kind_text[sp->kind];
		values[3] = rows->kind_label[sp->kind];
		nulls[3] = rows->kind_label_null[sp->kind];
		values[4] = DateADTGetDatum(sp->first_day);
		values[5] = DateADTGetDatum(sp->last_day);
		values[6] = sp->previous_text;
		values[7] = DateADTGetDatum(sp->previous_first_day);
		values[8] = DateADTGetDatum(sp->previous_last_day);
		values[9] = DateADTGetDatum(sp->follow_up_day);
		values[10] = DateADTGetDatum(calendar->today);
		values[11] = BoolGetDatum(sp->last_day < calendar->today);
		values[12] = rows->label_language;
		rows->tuples[i] = heap_form_tuple(desc, values, nulls);
	}
	MemoryContextSwitchTo(old);
	period_rows = rows;
	return rows->tuples;
}

Datum
sqm_stat_periods(PG_FUNCTION_ARGS)
{
	int64		org = PG_GETARG_INT64(0);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Datum		arg = Int64GetDatum(org);
	bool		isnull;
	int32		quality_year_start;
	Datum		label_language;
	DateADT		today;
	DateADT		since;
	Datum		kind_label[STAT_KINDS];
	bool		kind_label_null[STAT_KINDS];
	HeapTuple  *rows;

	InitMaterializedSRF(fcinfo, 0);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "unexpected failure of SPI_connect");
	if (organisation_plan == NULL)
	{
		Oid			argtype = INT8OID;

		organisation_plan = sqm_prepare_kept_options(ORGANISATION_SQL, 1, &argtype, CURSOR_OPT_GENERIC_PLAN);
	}
	if (SPI_execute_plan(organisation_plan, &arg, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "unexpected failure reading organisation " INT64_FORMAT " for its periods", org);
	if (SPI_processed == 0)
	{
		/* none, or one the caller may not see: no periods */
		SPI_finish();
		return (Datum) 0;
	}

	quality_year_start = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	label_language = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull);
	today = DatumGetDateADT(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 3, &isnull));
	since = DatumGetDateADT(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 4, &isnull));
	if (isnull || DATE_NOT_FINITE(since) || DATE_NOT_FINITE(today))
	{
		/* no units yet: no periods */
		SPI_finish();
		return (Datum) 0;
	}
	for (int k = 0; k < STAT_KINDS; k++)
		kind_label[k] = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 5 + k,
									  &kind_label_null[k]);

	if (calendar == NULL || calendar->quality_year_start != quality_year_start ||
		calendar->since != since || calendar->today != today)
		stat_calendar_build(quality_year_start, since, today);

	rows = stat_period_rows(rsinfo->setDesc, org, label_language, kind_label, kind_label_null);
	for (int i = 0; i < calendar->nperiods; i++)
		tuplestore_puttuple(rsinfo->setResult, rows[i]);

	SPI_finish();
	return (Datum) 0;
}


/* ----------------------------------------------------------------
 *		Units
 * ----------------------------------------------------------------
 */

/* An organisation's unit versions, by unit and first day. */
#define UNIT_VERSIONS_SQL \
	"SELECT v.unit_id, pg_catalog.lower(v.valid), pg_catalog.upper(v.valid), v.name, v.parent_id" \
	"  FROM sqm.unit_version v WHERE v.org_id OPERATOR(pg_catalog.=) $1" \
	" ORDER BY v.unit_id, pg_catalog.lower(v.valid)"

/*
 * Its units, by id: kind, the kind's label in the language, and whether the
 * unit's history went to a successor by today (sqm.unit_succession: at most
 * one link carries a unit's history).  Joins, not subqueries per unit: each
 * would scan its small table again for every unit.
 */
#define UNITS_SQL \
	"SELECT u.unit_id, u.kind," \
	"       CASE WHEN $2 OPERATOR(pg_catalog.=) 'en' THEN l.label_en ELSE l.label_sv END," \
	"       s.predecessor_id IS NOT NULL" \
	"  FROM sqm.unit u" \
	"  LEFT JOIN sqm.label l ON l.kind OPERATOR(pg_catalog.=) 'unit_kind' AND l.code OPERATOR(pg_catalog.=) u.kind" \
	"  LEFT JOIN sqm.unit_succession s ON s.org_id OPERATOR(pg_catalog.=) $1" \
	"        AND s.predecessor_id OPERATOR(pg_catalog.=) u.unit_id AND s.carries_history" \
	"        AND s.effective OPERATOR(pg_catalog.<=) $3" \
	" WHERE u.org_id OPERATOR(pg_catalog.=) $1 ORDER BY u.unit_id"

#define STAT_UNIT_COLUMNS 14

typedef struct UnitVersion
{
	int64		unit_id;
	DateADT		first;			/* lower(valid) */
	DateADT		end;			/* upper(valid): the day after the last */
	bool		open;			/* upper_inf(valid): no last day */
	char	   *name;
	char	   *name_lower;		/* lower(name), for telling names apart */
	int64		parent_id;
	bool		no_parent;
} UnitVersion;

typedef struct StatUnit
{
	int64		unit_id;
	char	   *kind;
	Datum		kind_label;
	bool		kind_label_null;
	bool		succeeded;		/* history carried to a successor by today */
	UnitVersion *versions;		/* its versions, by first day */
	int			nversions;
} StatUnit;

static SPIPlanPtr unit_versions_plan = NULL;
static SPIPlanPtr units_plan = NULL;

static StatUnit *
stat_unit_find(StatUnit *units, int nunits, int64 unit_id)
{
	int			lo = 0,
				hi = nunits - 1;

	while (lo <= hi)
	{
		int			mid = (lo + hi) / 2;

		if (units[mid].unit_id == unit_id)
			return &units[mid];
		if (units[mid].unit_id < unit_id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return NULL;
}

/* The version of a unit valid on a day, if any (versions never overlap). */
static UnitVersion *
version_on(StatUnit *unit, DateADT day)
{
	if (unit == NULL)
		return NULL;
	for (int i = 0; i < unit->nversions; i++)
	{
		UnitVersion *v = &unit->versions[i];

		if (v->first <= day && (v->open || day < v->end))
			return v;
	}
	return NULL;
}

/* Whether a version's days meet [first, last] (last NULL: no end). */
static bool
version_meets(UnitVersion *v, DateADT first, DateADT last, bool last_null)
{
	return (last_null || v->first <= last) && (v->open || v->end > first);
}

static int
date_year(DateADT day)
{
	int			year,
				month,
				mday;

	j2date(day + POSTGRES_EPOCH_JDATE, &year, &month, &mday);
	return year;
}

static char *
spi_text(HeapTuple tuple, TupleDesc tupdesc, int column)
{
	bool		isnull;
	Datum		d = SPI_getbinval(tuple, tupdesc, column, &isnull);

	return isnull ? NULL : TextDatumGetCString(d);
}

static Datum
nullable_text(const char *s, bool *isnull)
{
	*isnull = (s == NULL);
	return s == NULL ? (Datum) 0 : CStringGetTextDatum(s);
}

/*
 * sqm.stat_units(org, first_day, last_day, previous_first, previous_last,
 *                attribution, today, lang)
 * Internal (the per-unit statistics functions call it); no rows for a
 * missing organisation, period, attribution or day.
 */
Datum
sqm_stat_units(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int64		org;
	DateADT		first_day,
				last_day,
				previous_first = 0,
				previous_last = 0,
				today,
				ref;
	bool		have_previous,
				previous_open,
				as_it_was;
	char	   *attribution;
	Datum		args[3];
	char		nulls[3] = {' ', ' ', ' '};
	UnitVersion *versions;
	int			nversions;
	StatUnit   *units;
	int			nunits;
	const char *dash;

	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(5) || PG_ARGISNULL(6))
		return (Datum) 0;
	org = PG_GETARG_INT64(0);
	first_day = PG_GETARG_DATEADT(1);
	last_day = PG_GETARG_DATEADT(2);
	have_previous = !PG_ARGISNULL(3);
	if (have_previous)
		previous_first = PG_GETARG_DATEADT(3);
	previous_open = PG_ARGISNULL(4);
	if (!previous_open)
		previous_last = PG_GETARG_DATEADT(4);
	attribution = text_to_cstring(PG_GETARG_TEXT_PP(5));
	today = PG_GETARG_DATEADT(6);
	as_it_was = (strcmp(attribution, "as_it_was") == 0);
	/* the names of today under attribution today, else of the period's end */
	ref = (strcmp(attribution, "today") == 0) ? today : last_day;
	/* the year span of a label, as the install script writes it (U+2013) */
	dash = pg_any_to_server("\xe2\x80\x93", 3, PG_UTF8);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "unexpected failure of SPI_connect");
	if (unit_versions_plan == NULL)
	{
		Oid			argtypes[1] = {INT8OID};

		unit_versions_plan = sqm_prepare_kept_options(UNIT_VERSIONS_SQL, 1, argtypes, CURSOR_OPT_GENERIC_PLAN);
	}
	if (units_plan == NULL)
	{
		Oid			argtypes[3] = {INT8OID, TEXTOID, DATEOID};

		units_plan = sqm_prepare_kept_options(UNITS_SQL, 3, argtypes, CURSOR_OPT_GENERIC_PLAN);
	}

	/* the versions */
	args[0] = Int64GetDatum(org);
	if (SPI_execute_plan(unit_versions_plan, args, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "unexpected failure reading the unit versions of organisation " INT64_FORMAT, org);
	nversions = (int) SPI_processed;
	versions = palloc0(sizeof(UnitVersion) * Max(nversions, 1));
	for (int i = 0; i < nversions; i++)
	{
		HeapTuple	tuple = SPI_tuptable->vals[i];
		TupleDesc	tupdesc = SPI_tuptable->tupdesc;
		UnitVersion *v = &versions[i];
		bool		isnull;
		Datum		name;

		v->unit_id = DatumGetInt64(SPI_getbinval(tuple, tupdesc, 1, &isnull));
		v->first = DatumGetDateADT(SPI_getbinval(tuple, tupdesc, 2, &isnull));
		v->end = DatumGetDateADT(SPI_getbinval(tuple, tupdesc, 3, &isnull));
		v->open = isnull;
		name = SPI_getbinval(tuple, tupdesc, 4, &isnull);
		v->name = TextDatumGetCString(name);
		/* as lower(name) in the database's collation compares them */
		v->name_lower = TextDatumGetCString(DirectFunctionCall1Coll(lower, DEFAULT_COLLATION_OID, name));
		v->parent_id = DatumGetInt64(SPI_getbinval(tuple, tupdesc, 5, &v->no_parent));
	}

	/* the units, each with its run of versions */
	args[1] = PG_ARGISNULL(7) ? (Datum) 0 : PG_GETARG_DATUM(7);
	nulls[1] = PG_ARGISNULL(7) ? 'n' : ' ';
	args[2] = DateADTGetDatum(today);
	if (SPI_execute_plan(units_plan, args, nulls, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "unexpected failure reading the units of organisation " INT64_FORMAT, org);
	nunits = (int) SPI_processed;
	units = palloc0(sizeof(StatUnit) * Max(nunits, 1));
	for (int i = 0, v = 0; i < nunits; i++)
	{
		HeapTuple	tuple = SPI_tuptable->vals[i];
		TupleDesc	tupdesc = SPI_tuptable->tupdesc;
		StatUnit   *u = &units[i];
		bool		isnull;

		u->unit_id = DatumGetInt64(SPI_getbinval(tuple, tupdesc, 1, &isnull));
		u->kind = spi_text(tuple, tupdesc, 2);
		u->kind_label = SPI_getbinval(tuple, tupdesc, 3, &u->kind_label_null);
		u->succeeded = DatumGetBool(SPI_getbinval(tuple, tupdesc, 4, &isnull));
		/* both are ordered by unit */
		while (v < nversions && versions[v].unit_id < u->unit_id)
			v++;
		u->versions = &versions[v];
		while (v < nversions && versions[v].unit_id == u->unit_id)
		{
			u->nversions++;
			v++;
		}
	}

	for (int i = 0; i < nunits; i++)
	{
		StatUnit   *u = &units[i];
		UnitVersion *cur = NULL;
		UnitVersion *parent;
		UnitVersion *department_version = NULL;
		StatUnit   *department = NULL;
		DateADT		day;
		DateADT		valid_from;
		DateADT		valid_until = 0;
		bool		open = false;
		bool		existed = false;
		bool		existed_previous = false;
		bool		same_name = false;
		bool		same_years = false;
		Datum		values[STAT_UNIT_COLUMNS];
		bool		isnull[STAT_UNIT_COLUMNS] = {0};
		char	   *label;

		/* a unit without versions is no row */
		if (u->nversions == 0)
			continue;

		/*
		 * Its version on the reference day: the latest begun by then, else
		 * the first after it; and the day itself, moved into that version.
		 */
		for (int k = 0; k < u->nversions; k++)
			if (u->versions[k].first <= ref)
				cur = &u->versions[k];
		if (cur == NULL)
			cur = &u->versions[0];
		day = ref;
		if (!cur->open && cur->end - 1 < day)
			day = cur->end - 1;
		if (cur->first > day)
			day = cur->first;

		/* its lifetime, and whether it existed in the period and the one before */
		valid_from = u->versions[0].first;
		for (int k = 0; k < u->nversions; k++)
		{
			UnitVersion *v = &u->versions[k];

			if (v->open)
				open = true;
			else if (k == 0 || v->end - 1 > valid_until)
				valid_until = v->end - 1;
			existed |= version_meets(v, first_day, last_day, false);
			if (have_previous)
				existed_previous |= version_meets(v, previous_first, previous_last, previous_open);
		}

		/* another unit that has had its name (in any version, any case) */
		for (int k = 0; k < nversions; k++)
		{
			UnitVersion *w = &versions[k];

			if (w->unit_id == u->unit_id || strcmp(w->name_lower, cur->name_lower) != 0)
				continue;
			same_name = true;
			if (date_year(w->first) == date_year(valid_from))
				same_years = true;
		}

		/*
		 * Its department: the unit itself if it is one, else the nearest
		 * above it on the day (at most 100 levels, against a cycle).
		 */
		{
			StatUnit   *at = u;

			for (int depth = 0; at != NULL; depth++)
			{
				UnitVersion *v;

				if (at->kind != NULL && strcmp(at->kind, "department") == 0)
				{
					department = at;
					break;
				}
				if (depth >= 100)
					break;
				v = version_on(at, day);
				if (v == NULL || v->no_parent)
					break;
				at = stat_unit_find(units, nunits, v->parent_id);
			}
		}

		label = cur->name;
		if (same_name)
			label = psprintf("%s (%d%s%s%s)", cur->name, date_year(valid_from), dash,
							 open ? "" : psprintf("%d", date_year(valid_until)),
							 same_years ? psprintf(", " INT64_FORMAT, u->unit_id) : "");

		values[0] = Int64GetDatum(u->unit_id);
		values[1] = nullable_text(u->kind, &isnull[1]);
		values[2] = u->kind_label;
		isnull[2] = u->kind_label_null;
		values[3] = CStringGetTextDatum(cur->name);
		values[4] = CStringGetTextDatum(label);
		values[5] = Int64GetDatum(cur->parent_id);
		isnull[5] = cur->no_parent;
		parent = cur->no_parent ? NULL : version_on(stat_unit_find(units, nunits, cur->parent_id), day);
		values[6] = nullable_text(parent ? parent->name : NULL, &isnull[6]);
		if (department != NULL)
			department_version = version_on(department, day);
		values[7] = department ? Int64GetDatum(department->unit_id) : (Datum) 0;
		isnull[7] = (department == NULL);
		values[8] = nullable_text(department_version ? department_version->name : NULL, &isnull[8]);
		values[9] = DateADTGetDatum(valid_from);
		values[10] = DateADTGetDatum(valid_until);
		isnull[10] = open;
		values[11] = BoolGetDatum(existed);
		values[12] = BoolGetDatum(existed_previous);
		isnull[12] = !have_previous;
		/* listed without cases: a unit of kind unit that existed in the period
		 * and, under attribution today, still holds its own history */
		values[13] = BoolGetDatum(u->kind != NULL && strcmp(u->kind, "unit") == 0 && existed &&
								  (as_it_was || !u->succeeded));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, isnull);
	}

	SPI_finish();
	return (Datum) 0;
}
