/*-------------------------------------------------------------------------
 *
 * stat_periods.c
 *	  An organisation's reporting periods: the rows of sqm.stat_period,
 *	  which every statistics view reads (72_statistics.sql).
 *
 * An organisation reports on its reporting years (the calendar year, or its
 * quality year: organisation.quality_year_start), calendar quarters and
 * months, from the month its first unit began to today's (domain.md §6).
 * Every statistics view joins these periods and filters them by period
 * text, kind or day; the filter cannot reach into a function, so each view
 * builds all of them (about 190 for ten years) and keeps one.  Built in
 * PL/pgSQL that cost about 0.6 ms in every view -- a third of one
 * organisation's whole report (issue 15); here it is a loop over months.
 * This file owns
 *
 *	- sqm.stat_periods(org): the periods, with their first and last day, the
 *	  period before, the follow-up day (the last day of the month after the
 *	  period), today in the organisation's time zone, whether the period is
 *	  over and the label language; ordered by first day, then last day
 *	  descending (a year before the quarter and the month it starts with).
 *
 * The organisation is read with SPI as the caller (SECURITY INVOKER: no
 * rows for an organisation row-level security hides), with one kept plan.
 * The calendar is the period type's (src/types/period.c), called through
 * its SQL-callable functions.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"

#include "sqm.h"

PG_FUNCTION_INFO_V1(sqm_stat_periods);

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
	Datum		period;			/* sqm.period */
	StatPeriodKind kind;
	DateADT		first_day;
	DateADT		last_day;
} StatPeriod;

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
	int			first_month;
	int			last_month;
	StatPeriod *periods;
	int			n = 0;

	InitMaterializedSRF(fcinfo, 0);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "unexpected failure of SPI_connect");
	if (organisation_plan == NULL)
	{
		Oid			argtype = INT8OID;

		organisation_plan = sqm_prepare_kept(ORGANISATION_SQL, 1, &argtype);
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

	/*
	 * Each period from its first month, and in the first month also the
	 * periods it lies in (a reporting year begun before the first unit).
	 * From the month of the first unit to today's: none if that is still to
	 * come.
	 */
	first_month = month_number(since);
	last_month = month_number(today);
	periods = palloc(sizeof(StatPeriod) * STAT_KINDS * Max(last_month - first_month + 1, 1));
	for (int m = first_month; m <= last_month; m++)
	{
		DateADT		month_first = month_start(m);

		for (int k = 0; k < STAT_KINDS; k++)
		{
			Datum		p = stat_period_of((StatPeriodKind) k, month_first, quality_year_start);
			DateADT		first_day = DatumGetDateADT(DirectFunctionCall1(sqm_period_first_day, p));

			if (first_day != month_first && m != first_month)
				continue;
			periods[n].period = p;
			periods[n].kind = (StatPeriodKind) k;
			periods[n].first_day = first_day;
			periods[n].last_day = DatumGetDateADT(DirectFunctionCall1(sqm_period_last_day, p));
			n++;
		}
	}
	qsort(periods, n, sizeof(StatPeriod), stat_period_cmp);

	for (int i = 0; i < n; i++)
	{
		StatPeriod *sp = &periods[i];
		Datum		prev = DirectFunctionCall1(sqm_period_prev, sp->period);
		Datum		values[STAT_PERIOD_COLUMNS];
		bool		nulls[STAT_PERIOD_COLUMNS] = {0};

		values[0] = Int64GetDatum(org);
		values[1] = period_text(sp->period);
		values[2] = CStringGetTextDatum(stat_kind_name[sp->kind]);
		values[3] = kind_label[sp->kind];
		nulls[3] = kind_label_null[sp->kind];
		values[4] = DateADTGetDatum(sp->first_day);
		values[5] = DateADTGetDatum(sp->last_day);
		values[6] = period_text(prev);
		values[7] = DirectFunctionCall1(sqm_period_first_day, prev);
		values[8] = DirectFunctionCall1(sqm_period_last_day, prev);
		/* the follow-up day: the last day of the month after the period */
		values[9] = DateADTGetDatum(month_start(month_number(sp->last_day) + 2) - 1);
		values[10] = DateADTGetDatum(today);
		values[11] = BoolGetDatum(sp->last_day < today);
		values[12] = label_language;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}

	SPI_finish();
	return (Datum) 0;
}
