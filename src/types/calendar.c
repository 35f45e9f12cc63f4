/*-------------------------------------------------------------------------
 *
 * calendar.c
 *	  The Swedish working-day calendar and deadline arithmetic
 *	  (domain.md §4).
 *
 * This file owns
 *
 *	sqm.swedish_holidays(year)		the public holidays and de-facto eves
 *	sqm.is_working_day(day, ...)	whether a day is a working day
 *	sqm.add_working_days(start, n, ...)	the n-th working day after a day
 *	sqm.deadline_due(start, length, unit, time_zone, ...)
 *									the moment a deadline falls due
 *
 * The calendar is the one in force since 2005 (Sveriges nationaldag a
 * holiday, Annandag pingst not), applied to every year from 1900 to 2200.
 * Public holidays falling on a weekend are not moved.  Julafton,
 * Midsommarafton and Nyårsafton are not public holidays by law but are
 * closed days in practice ("de facto"); callers choose with eves_closed
 * whether they count.  An organisation's own closed days come as an array
 * of dates.
 *
 * Holidays are computed once per year and backend and kept in a static
 * array indexed by year; the computation is pure, so nothing ever needs to
 * be invalidated.
 *
 * Deadlines are measured in a named time zone (Europe/Stockholm for every
 * Swedish organisation), using PostgreSQL's own timezone support.  Hours are
 * real elapsed time; calendar days and months keep the local wall-clock
 * time; working days and quarters end at 24:00 local time, i.e. at the start
 * of the following local day.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "common/int.h"
#include "datatype/timestamp.h"
#include "fmgr.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "parser/scansup.h"
#include "pgtime.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/fmgrprotos.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"

#include "sqm.h"

/* Years the holiday calendar covers. */
#define CALENDAR_MIN_YEAR	1900
#define CALENDAR_MAX_YEAR	2200

#define CALENDAR_YEARS_HINT \
	"The Swedish holiday calendar covers the years 1900 to 2200."

#define DEADLINE_UNITS_HINT \
	"Units are hours, calendar_days, working_days, months and end_of_next_quarter."

/* Day numbers as returned by j2day(). */
#define CALENDAR_SUNDAY		0
#define CALENDAR_FRIDAY		5
#define CALENDAR_SATURDAY	6

/*
 * The holidays of a year, in their canonical order.  The order of the days
 * themselves depends on Easter (Kristi himmelsfärdsdag can fall on Första
 * maj, Pingstdagen before or after Sveriges nationaldag), so each year's
 * list is sorted by day, ties in this order.
 */
typedef enum CalendarHolidayKind
{
	HOLIDAY_NEW_YEARS_DAY,
	HOLIDAY_EPIPHANY,
	HOLIDAY_GOOD_FRIDAY,
	HOLIDAY_EASTER_SUNDAY,
	HOLIDAY_EASTER_MONDAY,
	HOLIDAY_MAY_DAY,
	HOLIDAY_ASCENSION,
	HOLIDAY_NATIONAL_DAY,
	HOLIDAY_WHIT_SUNDAY,
	HOLIDAY_MIDSUMMER_EVE,
	HOLIDAY_MIDSUMMER_DAY,
	HOLIDAY_ALL_SAINTS,
	HOLIDAY_CHRISTMAS_EVE,
	HOLIDAY_CHRISTMAS_DAY,
	HOLIDAY_BOXING_DAY,
	HOLIDAY_NEW_YEARS_EVE,
	CALENDAR_HOLIDAYS			/* number of holidays per year */
} CalendarHolidayKind;

typedef struct CalendarHolidayName
{
	const char *name_sv;		/* UTF-8 */
	const char *name_en;
	bool		de_facto;		/* an eve, closed in practice, not by law */
} CalendarHolidayName;

static const CalendarHolidayName calendar_names[CALENDAR_HOLIDAYS] = {
	[HOLIDAY_NEW_YEARS_DAY] = {"Nyårsdagen", "New Year's Day", false},
	[HOLIDAY_EPIPHANY] = {"Trettondedag jul", "Epiphany", false},
	[HOLIDAY_GOOD_FRIDAY] = {"Långfredagen", "Good Friday", false},
	[HOLIDAY_EASTER_SUNDAY] = {"Påskdagen", "Easter Sunday", false},
	[HOLIDAY_EASTER_MONDAY] = {"Annandag påsk", "Easter Monday", false},
	[HOLIDAY_MAY_DAY] = {"Första maj", "May Day", false},
	[HOLIDAY_ASCENSION] = {"Kristi himmelsfärdsdag", "Ascension Day", false},
	[HOLIDAY_NATIONAL_DAY] = {"Sveriges nationaldag", "National Day of Sweden", false},
	[HOLIDAY_WHIT_SUNDAY] = {"Pingstdagen", "Whit Sunday", false},
	[HOLIDAY_MIDSUMMER_EVE] = {"Midsommarafton", "Midsummer Eve", true},
	[HOLIDAY_MIDSUMMER_DAY] = {"Midsommardagen", "Midsummer Day", false},
	[HOLIDAY_ALL_SAINTS] = {"Alla helgons dag", "All Saints' Day", false},
	[HOLIDAY_CHRISTMAS_EVE] = {"Julafton", "Christmas Eve", true},
	[HOLIDAY_CHRISTMAS_DAY] = {"Juldagen", "Christmas Day", false},
	[HOLIDAY_BOXING_DAY] = {"Annandag jul", "Boxing Day", false},
	[HOLIDAY_NEW_YEARS_EVE] = {"Nyårsafton", "New Year's Eve", true},
};

typedef struct CalendarHoliday
{
	DateADT		day;
	CalendarHolidayKind kind;
} CalendarHoliday;

/* One year's holidays in date order; computed on first use. */
typedef struct CalendarYear
{
	bool		computed;
	CalendarHoliday holidays[CALENDAR_HOLIDAYS];
} CalendarYear;

static CalendarYear calendar_cache[CALENDAR_MAX_YEAR - CALENDAR_MIN_YEAR + 1];

/* The organisation's closed days, sorted, for binary search. */
typedef struct CalendarClosedDays
{
	DateADT    *days;
	int			ndays;
} CalendarClosedDays;

PG_FUNCTION_INFO_V1(sqm_swedish_holidays);
PG_FUNCTION_INFO_V1(sqm_is_working_day);
PG_FUNCTION_INFO_V1(sqm_add_working_days);
PG_FUNCTION_INFO_V1(sqm_deadline_due);


/*****************************************************************************
 * Holidays
 *****************************************************************************/

/*
 * Julian day of Easter Sunday in a Gregorian year: the anonymous Gregorian
 * algorithm (Meeus/Jones/Butcher).  golden is the year's place in the
 * 19-year Metonic cycle; the century terms correct for the leap days the
 * Gregorian calendar drops and for the drift of the lunar tables; epact is
 * the days from the March equinox reference to the Paschal full moon; and
 * weekday_shift moves on to the following Sunday.
 */
static int
calendar_easter_julian(int year)
{
	int			golden = year % 19;
	int			century = year / 100;
	int			year_in_century = year % 100;
	int			leap_skip = century / 4;
	int			century_rest = century % 4;
	int			moon_correction = (century + 8) / 25;
	int			moon_shift = (century - moon_correction + 1) / 3;
	int			epact = (19 * golden + century - leap_skip - moon_shift + 15) % 30;
	int			quadrennium = year_in_century / 4;
	int			year_rest = year_in_century % 4;
	int			weekday_shift = (32 + 2 * century_rest + 2 * quadrennium
								 - epact - year_rest) % 7;
	int			late = (golden + 11 * epact + 22 * weekday_shift) / 451;
	int			month_day = epact + weekday_shift - 7 * late + 114;
	int			month = month_day / 31;
	int			day = month_day % 31 + 1;

	return date2j(year, month, day);
}

/* Julian day of the first day with the given weekday on or after jd. */
static int
calendar_weekday_on_or_after(int jd, int weekday)
{
	return jd + (weekday - j2day(jd) + 7) % 7;
}

static bool
calendar_year_in_range(int year)
{
	return year >= CALENDAR_MIN_YEAR && year <= CALENDAR_MAX_YEAR;
}

/*
 * The holidays of a year (CALENDAR_MIN_YEAR..CALENDAR_MAX_YEAR), in date
 * order, from the cache.
 */
static const CalendarHoliday *
calendar_year_holidays(int year)
{
	CalendarYear *cy;
	int			jd[CALENDAR_HOLIDAYS];
	int			easter;
	int			i;

	if (!calendar_year_in_range(year))
		elog(ERROR, "unexpected year %d for the holiday calendar", year);

	cy = &calendar_cache[year - CALENDAR_MIN_YEAR];
	if (cy->computed)
		return cy->holidays;

	easter = calendar_easter_julian(year);
	jd[HOLIDAY_NEW_YEARS_DAY] = date2j(year, 1, 1);
	jd[HOLIDAY_EPIPHANY] = date2j(year, 1, 6);
	jd[HOLIDAY_GOOD_FRIDAY] = easter - 2;
	jd[HOLIDAY_EASTER_SUNDAY] = easter;
	jd[HOLIDAY_EASTER_MONDAY] = easter + 1;
	jd[HOLIDAY_MAY_DAY] = date2j(year, 5, 1);
	jd[HOLIDAY_ASCENSION] = easter + 39;
	jd[HOLIDAY_NATIONAL_DAY] = date2j(year, 6, 6);
	jd[HOLIDAY_WHIT_SUNDAY] = easter + 49;
	jd[HOLIDAY_MIDSUMMER_EVE] = calendar_weekday_on_or_after(date2j(year, 6, 19),
															 CALENDAR_FRIDAY);
	jd[HOLIDAY_MIDSUMMER_DAY] = jd[HOLIDAY_MIDSUMMER_EVE] + 1;
	jd[HOLIDAY_ALL_SAINTS] = calendar_weekday_on_or_after(date2j(year, 10, 31),
														  CALENDAR_SATURDAY);
	jd[HOLIDAY_CHRISTMAS_EVE] = date2j(year, 12, 24);
	jd[HOLIDAY_CHRISTMAS_DAY] = date2j(year, 12, 25);
	jd[HOLIDAY_BOXING_DAY] = date2j(year, 12, 26);
	jd[HOLIDAY_NEW_YEARS_EVE] = date2j(year, 12, 31);

	/* Insertion sort by day; stable, so ties keep the canonical order. */
	for (i = 0; i < CALENDAR_HOLIDAYS; i++)
	{
		CalendarHoliday h;
		int			j = i;

		h.day = jd[i] - POSTGRES_EPOCH_JDATE;
		h.kind = (CalendarHolidayKind) i;
		while (j > 0 && cy->holidays[j - 1].day > h.day)
		{
			cy->holidays[j] = cy->holidays[j - 1];
			j--;
		}
		cy->holidays[j] = h;
	}
	cy->computed = true;

	return cy->holidays;
}

static void calendar_range_error(DateADT d) pg_attribute_noreturn();

static void
calendar_range_error(DateADT d)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("date %s is outside the holiday calendar",
					DatumGetCString(DirectFunctionCall1(date_out,
														DateADTGetDatum(d)))),
			 errhint(CALENDAR_YEARS_HINT)));
}

/* The year of a date, which must lie in the years the calendar covers. */
static int
calendar_date_year(DateADT d)
{
	int			year,
				month,
				day;

	if (DATE_NOT_FINITE(d))
		calendar_range_error(d);
	j2date(d + POSTGRES_EPOCH_JDATE, &year, &month, &day);
	if (!calendar_year_in_range(year))
		calendar_range_error(d);
	return year;
}

/*
 * The organisation's closed days from a date[] of any shape, sorted.  A
 * null element is refused: it is a mistake in the organisation's settings,
 * not a day that can be open or closed.
 */
static int
calendar_date_cmp(const void *a, const void *b)
{
	DateADT		x = *(const DateADT *) a;
	DateADT		y = *(const DateADT *) b;

	return (x > y) - (x < y);
}

static CalendarClosedDays
calendar_closed_days(ArrayType *arr)
{
	CalendarClosedDays result;
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	int			i;

	if (ARR_ELEMTYPE(arr) != DATEOID)
		elog(ERROR, "unexpected element type %u for closed days", ARR_ELEMTYPE(arr));

	deconstruct_array(arr, DATEOID, sizeof(DateADT), true, TYPALIGN_INT,
					  &elems, &nulls, &n);

	result.days = palloc(sizeof(DateADT) * Max(n, 1));
	result.ndays = n;
	for (i = 0; i < n; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("closed days must not contain null"),
					 errhint("List the organisation's closed days as dates, or pass an empty array.")));
		result.days[i] = DatumGetDateADT(elems[i]);
	}
	pfree(elems);
	pfree(nulls);

	if (n > 1)
		qsort(result.days, n, sizeof(DateADT), calendar_date_cmp);
	return result;
}

static bool
calendar_is_closed_day(const CalendarClosedDays *closed, DateADT d)
{
	if (closed->ndays == 0)
		return false;
	return bsearch(&d, closed->days, closed->ndays, sizeof(DateADT),
				   calendar_date_cmp) != NULL;
}

/*
 * Whether a day is a working day: not a Saturday or Sunday, not a public
 * holiday, not a de-facto eve when eves are closed, and not one of the
 * organisation's closed days.  Errors if the day is outside the calendar.
 */
static bool
calendar_is_working_day(DateADT d, bool eves_closed,
						const CalendarClosedDays *closed)
{
	const CalendarHoliday *holidays;
	int			weekday;
	int			i;

	holidays = calendar_year_holidays(calendar_date_year(d));

	weekday = j2day(d + POSTGRES_EPOCH_JDATE);
	if (weekday == CALENDAR_SATURDAY || weekday == CALENDAR_SUNDAY)
		return false;

	for (i = 0; i < CALENDAR_HOLIDAYS; i++)
	{
		if (holidays[i].day > d)
			break;
		if (holidays[i].day == d &&
			(eves_closed || !calendar_names[holidays[i].kind].de_facto))
			return false;
	}

	return !calendar_is_closed_day(closed, d);
}

/*
 * The n-th working day after d (n >= 0); for n = 0, d itself if it is a
 * working day, else the next working day.  Errors once the search leaves
 * the calendar.
 */
static DateADT
calendar_add_working_days(DateADT d, int n, bool eves_closed,
						  const CalendarClosedDays *closed)
{
	Assert(n >= 0);

	if (n > 0)
	{
		/* Start is checked even though it is not counted. */
		(void) calendar_date_year(d);
		while (n > 0)
		{
			d++;
			if (calendar_is_working_day(d, eves_closed, closed))
				n--;
		}
		return d;
	}

	while (!calendar_is_working_day(d, eves_closed, closed))
		d++;
	return d;
}

static void
calendar_check_working_days(int n)
{
	if (n < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("number of working days must not be negative"),
				 errdetail("The number given was %d.", n)));
}

/* Text in the server encoding from a UTF-8 C string. */
static text *
calendar_text(const char *utf8)
{
	char	   *s = pg_any_to_server(utf8, strlen(utf8), PG_UTF8);

	return cstring_to_text(s);
}

/*
 * sqm.swedish_holidays(year) RETURNS TABLE (day date, name_sv text,
 * name_en text, de_facto boolean), in date order.
 */
Datum
sqm_swedish_holidays(PG_FUNCTION_ARGS)
{
	int32		year = PG_GETARG_INT32(0);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	const CalendarHoliday *holidays;
	int			i;

	if (!calendar_year_in_range(year))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("year %d is outside the holiday calendar", year),
				 errhint(CALENDAR_YEARS_HINT)));

	InitMaterializedSRF(fcinfo, 0);
	holidays = calendar_year_holidays(year);

	for (i = 0; i < CALENDAR_HOLIDAYS; i++)
	{
		const CalendarHolidayName *name = &calendar_names[holidays[i].kind];
		Datum		values[4];
		bool		nulls[4] = {false, false, false, false};

		values[0] = DateADTGetDatum(holidays[i].day);
		values[1] = PointerGetDatum(calendar_text(name->name_sv));
		values[2] = PointerGetDatum(calendar_text(name->name_en));
		values[3] = BoolGetDatum(name->de_facto);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}

	return (Datum) 0;
}

/* sqm.is_working_day(day, eves_closed, closed_days) */
Datum
sqm_is_working_day(PG_FUNCTION_ARGS)
{
	DateADT		d = PG_GETARG_DATEADT(0);
	bool		eves_closed = PG_GETARG_BOOL(1);
	CalendarClosedDays closed = calendar_closed_days(PG_GETARG_ARRAYTYPE_P(2));

	PG_RETURN_BOOL(calendar_is_working_day(d, eves_closed, &closed));
}

/* sqm.add_working_days(start, n, eves_closed, closed_days) */
Datum
sqm_add_working_days(PG_FUNCTION_ARGS)
{
	DateADT		d = PG_GETARG_DATEADT(0);
	int32		n = PG_GETARG_INT32(1);
	bool		eves_closed = PG_GETARG_BOOL(2);
	CalendarClosedDays closed;

	calendar_check_working_days(n);
	closed = calendar_closed_days(PG_GETARG_ARRAYTYPE_P(3));

	PG_RETURN_DATEADT(calendar_add_working_days(d, n, eves_closed, &closed));
}


/*****************************************************************************
 * Deadlines
 *****************************************************************************/

typedef enum DeadlineUnit
{
	DEADLINE_HOURS,
	DEADLINE_CALENDAR_DAYS,
	DEADLINE_WORKING_DAYS,
	DEADLINE_MONTHS,
	DEADLINE_END_OF_NEXT_QUARTER
} DeadlineUnit;

static DeadlineUnit
deadline_unit(text *unit_text)
{
	char	   *unit = text_to_cstring(unit_text);
	DeadlineUnit result;

	if (strcmp(unit, "hours") == 0)
		result = DEADLINE_HOURS;
	else if (strcmp(unit, "calendar_days") == 0)
		result = DEADLINE_CALENDAR_DAYS;
	else if (strcmp(unit, "working_days") == 0)
		result = DEADLINE_WORKING_DAYS;
	else if (strcmp(unit, "months") == 0)
		result = DEADLINE_MONTHS;
	else if (strcmp(unit, "end_of_next_quarter") == 0)
		result = DEADLINE_END_OF_NEXT_QUARTER;
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown deadline unit \"%s\"", unit),
				 errhint(DEADLINE_UNITS_HINT)));

	pfree(unit);
	return result;
}

/*
 * The zone a deadline is measured in, resolved once per backend and name.
 * timestamptz_zone and timestamp_zone look the name up on every call (as an
 * abbreviation, then in the zone database), which was a third of the
 * deadline statistics of a period (thousands of due times; issue 15).  Only
 * a zone name with a '/' (Europe/Stockholm) that is no abbreviation is kept
 * here -- a name PostgreSQL's functions would resolve to the same zone; any
 * other (an abbreviation, an offset, an unknown name) returns NULL and goes
 * through those functions, with their errors.
 */
static pg_tz *
deadline_zone(text *zone)
{
	static char last_name[TZ_STRLEN_MAX + 1];
	static pg_tz *last_tz = NULL;
	char		name[TZ_STRLEN_MAX + 1];
	char	   *lower;
	int			val;
	pg_tz	   *abbrev_tz;
	pg_tz	   *tz;

	text_to_cstring_buffer(zone, name, sizeof(name));
	if (last_tz != NULL && strcmp(name, last_name) == 0)
		return last_tz;
	if (strchr(name, '/') == NULL)
		return NULL;
	lower = downcase_truncate_identifier(name, strlen(name), false);
	if (DecodeTimezoneAbbrev(0, lower, &val, &abbrev_tz) != UNKNOWN_FIELD)
		return NULL;
	tz = pg_tzset(name);
	if (tz == NULL)
		return NULL;
	strlcpy(last_name, name, sizeof(last_name));
	last_tz = tz;
	return tz;
}

/* Local wall-clock time of ts in the zone; errors (22023) for unknown zones. */
static Timestamp
deadline_local(TimestampTz ts, text *zone)
{
	pg_tz	   *tzp = deadline_zone(zone);
	struct pg_tm tm;
	fsec_t		fsec;
	int			tz;
	Timestamp	result;

	if (tzp == NULL)
		return DatumGetTimestamp(DirectFunctionCall2(timestamptz_zone,
													 PointerGetDatum(zone),
													 TimestampTzGetDatum(ts)));
	/* as timestamptz_zone does for a full zone name */
	if (timestamp2tm(ts, &tz, &tm, &fsec, NULL, tzp) != 0 ||
		tm2timestamp(&tm, fsec, NULL, &result) != 0 || !IS_VALID_TIMESTAMP(result))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range")));
	return result;
}

/* The moment a local wall-clock time occurs in the zone. */
static TimestampTz
deadline_moment(Timestamp local, text *zone)
{
	pg_tz	   *tzp = deadline_zone(zone);
	struct pg_tm tm;
	fsec_t		fsec;
	int			tz;
	TimestampTz result;

	if (tzp == NULL)
		return DatumGetTimestampTz(DirectFunctionCall2(timestamp_zone,
													   PointerGetDatum(zone),
													   TimestampGetDatum(local)));
	/* as timestamp_zone does for a full zone name */
	if (timestamp2tm(local, NULL, &tm, &fsec, NULL, tzp) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range")));
	tz = DetermineTimeZoneOffset(&tm, tzp);
	if (tm2timestamp(&tm, fsec, &tz, &result) != 0 || !IS_VALID_TIMESTAMP(result))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range")));
	return result;
}

/* The moment a local day starts (00:00) in the zone. */
static TimestampTz
deadline_day_start(DateADT d, text *zone)
{
	Datum		local = DirectFunctionCall1(date_timestamp, DateADTGetDatum(d));

	return deadline_moment(DatumGetTimestamp(local), zone);
}

/* Local time plus months and days, with PostgreSQL's end-of-month rules. */
static Timestamp
deadline_local_plus(Timestamp local, int32 months, int32 days)
{
	Interval	span;

	span.month = months;
	span.day = days;
	span.time = 0;
	return DatumGetTimestamp(DirectFunctionCall2(timestamp_pl_interval,
												 TimestampGetDatum(local),
												 IntervalPGetDatum(&span)));
}

/*
 * sqm.deadline_due(start, length, unit, time_zone, eves_closed, closed_days)
 *
 * The unit is checked first, then the length, then the time zone (for every
 * unit, so that a bad zone is found even where hours do not need it).
 */
Datum
sqm_deadline_due(PG_FUNCTION_ARGS)
{
	TimestampTz start = PG_GETARG_TIMESTAMPTZ(0);
	int32		length = PG_GETARG_INT32(1);
	DeadlineUnit unit = deadline_unit(PG_GETARG_TEXT_PP(2));
	text	   *zone = PG_GETARG_TEXT_PP(3);
	bool		eves_closed = PG_GETARG_BOOL(4);
	ArrayType  *closed_arr = PG_GETARG_ARRAYTYPE_P(5);
	Timestamp	local;
	DateADT		local_date;
	TimestampTz due = 0;

	if (length < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("deadline length must not be negative"),
				 errdetail("The length given was %d.", length)));
	if (unit == DEADLINE_END_OF_NEXT_QUARTER && length != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("deadline length must be 1 for unit end_of_next_quarter"),
				 errdetail("The length given was %d.", length)));
	if (TIMESTAMP_NOT_FINITE(start))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a deadline cannot start at %s",
						TIMESTAMP_IS_NOBEGIN(start) ? "-infinity" : "infinity")));

	local = deadline_local(start, zone);
	local_date = DatumGetDateADT(DirectFunctionCall1(timestamp_date,
													 TimestampGetDatum(local)));

	switch (unit)
	{
		case DEADLINE_HOURS:
			/* Absolute time: DST changes do not matter. */
			if (pg_add_s64_overflow(start, (int64) length * USECS_PER_HOUR, &due) ||
				!IS_VALID_TIMESTAMP(due))
				ereport(ERROR,
						(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
						 errmsg("timestamp out of range")));
			break;

		case DEADLINE_CALENDAR_DAYS:
			due = deadline_moment(deadline_local_plus(local, 0, length), zone);
			break;

		case DEADLINE_MONTHS:
			due = deadline_moment(deadline_local_plus(local, length, 0), zone);
			break;

		case DEADLINE_WORKING_DAYS:
			{
				CalendarClosedDays closed = calendar_closed_days(closed_arr);
				DateADT		last = calendar_add_working_days(local_date, length,
															 eves_closed, &closed);

				due = deadline_day_start(last + 1, zone);
			}
			break;

		case DEADLINE_END_OF_NEXT_QUARTER:
			{
				int			year,
							month,
							day;
				int			m;

				j2date(local_date + POSTGRES_EPOCH_JDATE, &year, &month, &day);
				/* month number of the first month of the quarter after next */
				m = year * 12 + (month - 1) / 3 * 3 + 6;
				due = deadline_day_start(date2j(m / 12, m % 12 + 1, 1)
										 - POSTGRES_EPOCH_JDATE, zone);
			}
			break;
	}

	PG_RETURN_TIMESTAMPTZ(due);
}
