/*-------------------------------------------------------------------------
 *
 * period.c
 *	  The sqm.period base type: the reporting periods statistics are
 *	  grouped by.
 *
 * A period is one of
 *
 *	calendar year	2025		2025-01-01 .. 2025-12-31
 *	quality year	2023/24@9	2023-09-01 .. 2024-08-31 (start month 2..12)
 *	quarter			2025Q3		2025-07-01 .. 2025-09-30
 *	month			2025-03		2025-03-01 .. 2025-03-31
 *
 * This file owns the type's text and binary I/O, its comparison and hash
 * support (btree and hash operator classes), the calendar arithmetic
 * (first and last day, previous and next period, the period containing a
 * date) and containment of dates and of timestamps seen in a time zone.
 *
 * A period is stored by value in an int32 holding year, kind and one
 * sub-field (see PERIOD_PACK).  Every period has exactly one packed form,
 * so equality and hashing work on the packed value; ordering never looks
 * at it but compares first days, then last days in descending order, so
 * that a period sorts right before the shorter periods that start with it.
 * A quality year starting in January would be the calendar year; it is
 * refused, leaving the calendar year as its only representation.
 *
 * Every period starts on the first day of a month and ends on the last day
 * of a month, so the calendar arithmetic here works on month numbers
 * (year * 12 + month - 1) and touches Julian days only at the edges.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "datatype/timestamp.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/fmgrprotos.h"
#include "utils/rangetypes.h"

#include "sqm.h"

/* Kinds of period; 0 is never a valid kind. */
#define PERIOD_YEAR			1
#define PERIOD_QUALITY_YEAR	2
#define PERIOD_QUARTER		3
#define PERIOD_MONTH		4

/*
 * Packed representation: year in bits 8 and up, kind in bits 4..7 and the
 * sub-field in bits 0..3.  The sub-field is 0 for a calendar year, the start
 * month (2..12) for a quality year, the quarter (1..4) or the month (1..12).
 * Nothing relies on the order of packed values.
 */
#define PERIOD_PACK(year, kind, sub) \
	((int32) (((uint32) (year) << 8) | ((uint32) (kind) << 4) | (uint32) (sub)))
#define PERIOD_YEAR_OF(p)	((int) ((uint32) (p) >> 8))
#define PERIOD_KIND_OF(p)	((int) (((uint32) (p) >> 4) & 0x0F))
#define PERIOD_SUB_OF(p)	((int) ((uint32) (p) & 0x0F))

#define DatumGetPeriod(X)		DatumGetInt32(X)
#define PeriodGetDatum(X)		Int32GetDatum(X)
#define PG_GETARG_PERIOD(n)		DatumGetPeriod(PG_GETARG_DATUM(n))
#define PG_RETURN_PERIOD(x)		return PeriodGetDatum(x)

/* Version of the binary format written by period_send. */
#define PERIOD_BINARY_VERSION	1
#define PERIOD_BINARY_LEN		5	/* version, kind, int16 year, sub-field */

/* Longest canonical text: "9999/00@12" plus the terminator. */
#define PERIOD_TEXT_MAXLEN		16

/* Digit strings are accumulated up to this value, then saturate. */
#define PERIOD_NUMBER_CAP		1000000

#define PERIOD_FORMS_HINT \
	"Accepted forms: 2025 (calendar year), 2023/24@9 (quality year starting in September), 2025Q3 (quarter), 2025-03 (month)."

#define PERIOD_KINDS_HINT \
	"Kinds are year, quality_year, quarter and month."

PG_FUNCTION_INFO_V1(sqm_period_in);
PG_FUNCTION_INFO_V1(sqm_period_out);
PG_FUNCTION_INFO_V1(sqm_period_recv);
PG_FUNCTION_INFO_V1(sqm_period_send);
PG_FUNCTION_INFO_V1(sqm_period_eq);
PG_FUNCTION_INFO_V1(sqm_period_ne);
PG_FUNCTION_INFO_V1(sqm_period_lt);
PG_FUNCTION_INFO_V1(sqm_period_le);
PG_FUNCTION_INFO_V1(sqm_period_gt);
PG_FUNCTION_INFO_V1(sqm_period_ge);
PG_FUNCTION_INFO_V1(sqm_period_cmp);
PG_FUNCTION_INFO_V1(sqm_period_hash);
PG_FUNCTION_INFO_V1(sqm_period_hash_extended);
PG_FUNCTION_INFO_V1(sqm_period_first_day);
PG_FUNCTION_INFO_V1(sqm_period_last_day);
PG_FUNCTION_INFO_V1(sqm_period_to_daterange);
PG_FUNCTION_INFO_V1(sqm_period_kind);
PG_FUNCTION_INFO_V1(sqm_period_start_month);
PG_FUNCTION_INFO_V1(sqm_period_prev);
PG_FUNCTION_INFO_V1(sqm_period_next);
PG_FUNCTION_INFO_V1(sqm_period_contains_date);
PG_FUNCTION_INFO_V1(sqm_period_contained_by_date);
PG_FUNCTION_INFO_V1(sqm_period_contains_timestamptz);
PG_FUNCTION_INFO_V1(sqm_period_of_date);
PG_FUNCTION_INFO_V1(sqm_period_of_timestamptz);


/*
 * Canonical text of a period given as fields, into buf (at least
 * PERIOD_TEXT_MAXLEN bytes).  Also used for fields that failed validation,
 * so it must print any int values without trouble.
 */
static void
period_format(int year, int kind, int sub, char *buf)
{
	switch (kind)
	{
		case PERIOD_YEAR:
			snprintf(buf, PERIOD_TEXT_MAXLEN, "%d", year);
			break;
		case PERIOD_QUALITY_YEAR:
			snprintf(buf, PERIOD_TEXT_MAXLEN, "%d/%02d@%d",
					 year, (year + 1) % 100, sub);
			break;
		case PERIOD_QUARTER:
			snprintf(buf, PERIOD_TEXT_MAXLEN, "%dQ%d", year, sub);
			break;
		case PERIOD_MONTH:
			snprintf(buf, PERIOD_TEXT_MAXLEN, "%d-%02d", year, sub);
			break;
		default:
			elog(ERROR, "unrecognized sqm.period kind %d", kind);
	}
}

/*
 * Check the fields of a period against the allowed ranges and pack them.
 * "shown" is how the period is quoted in the error message: the user's text,
 * or the canonical text of the fields for binary input.  The kind must
 * already be valid.
 */
static int32
period_make(int year, int kind, int sub, const char *shown)
{
	if (year < SQM_MIN_YEAR || year > SQM_MAX_YEAR)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("period \"%s\" is out of range", shown),
				 errdetail("The year must be between %d and %d.",
						   SQM_MIN_YEAR, SQM_MAX_YEAR)));

	switch (kind)
	{
		case PERIOD_YEAR:
			Assert(sub == 0);
			break;
		case PERIOD_QUALITY_YEAR:
			if (sub == 1)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("period \"%s\" is out of range", shown),
						 errdetail("The start month of a quality year must be between 2 and 12."),
						 errhint("A quality year starting in January is the calendar year; write %d.",
								 year)));
			if (sub < 2 || sub > 12)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("period \"%s\" is out of range", shown),
						 errdetail("The start month of a quality year must be between 2 and 12.")));
			break;
		case PERIOD_QUARTER:
			if (sub < 1 || sub > 4)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("period \"%s\" is out of range", shown),
						 errdetail("The quarter must be between 1 and 4.")));
			break;
		case PERIOD_MONTH:
			if (sub < 1 || sub > 12)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("period \"%s\" is out of range", shown),
						 errdetail("The month must be between 1 and 12.")));
			break;
		default:
			elog(ERROR, "unrecognized sqm.period kind %d", kind);
	}

	return PERIOD_PACK(year, kind, sub);
}

/* Number of months a period of the given kind covers. */
static int
period_length_months(int kind)
{
	switch (kind)
	{
		case PERIOD_YEAR:
		case PERIOD_QUALITY_YEAR:
			return 12;
		case PERIOD_QUARTER:
			return 3;
		case PERIOD_MONTH:
			return 1;
	}
	elog(ERROR, "unrecognized sqm.period kind %d", kind);
	return 0;					/* keep compiler quiet */
}

/* The month (1..12) a period starts in. */
static int
period_start_month(int32 p)
{
	switch (PERIOD_KIND_OF(p))
	{
		case PERIOD_YEAR:
			return 1;
		case PERIOD_QUALITY_YEAR:
		case PERIOD_MONTH:
			return PERIOD_SUB_OF(p);
		case PERIOD_QUARTER:
			return PERIOD_SUB_OF(p) * 3 - 2;
	}
	elog(ERROR, "unrecognized sqm.period kind %d", PERIOD_KIND_OF(p));
	return 0;					/* keep compiler quiet */
}

/* Month number (year * 12 + month - 1) of the first and last month. */
static int
period_first_month(int32 p)
{
	return PERIOD_YEAR_OF(p) * 12 + period_start_month(p) - 1;
}

static int
period_last_month(int32 p)
{
	return period_first_month(p) + period_length_months(PERIOD_KIND_OF(p)) - 1;
}

/* First day of the month with the given month number, as a DateADT. */
static DateADT
month_first_day(int month_number)
{
	return date2j(month_number / 12, month_number % 12 + 1, 1) - POSTGRES_EPOCH_JDATE;
}

/* Month number of a finite date. */
static int
date_month_number(DateADT d)
{
	int			year,
				month,
				day;

	Assert(!DATE_NOT_FINITE(d));
	j2date(d + POSTGRES_EPOCH_JDATE, &year, &month, &day);
	return year * 12 + month - 1;
}

/*
 * Order: first day ascending, then last day descending.  The first and last
 * day identify a period, so this is 0 exactly when the periods are equal.
 */
static int
period_cmp_internal(int32 a, int32 b)
{
	int			a_first,
				b_first,
				a_last,
				b_last;

	if (a == b)
		return 0;

	a_first = period_first_month(a);
	b_first = period_first_month(b);
	if (a_first != b_first)
		return (a_first < b_first) ? -1 : 1;

	a_last = period_last_month(a);
	b_last = period_last_month(b);
	if (a_last != b_last)
		return (a_last > b_last) ? -1 : 1;

	/* Same first and last day but different packed values: cannot happen. */
	elog(ERROR, "unexpected: sqm.period values %d and %d cover the same days", a, b);
	return 0;					/* keep compiler quiet */
}

static bool
period_contains_internal(int32 p, DateADT d)
{
	int			m;

	/* Like daterange containment: no period contains -infinity or infinity. */
	if (DATE_NOT_FINITE(d))
		return false;
	m = date_month_number(d);
	return m >= period_first_month(p) && m <= period_last_month(p);
}

/* The local date of a timestamptz in a time zone, as timezone(zone, ts)::date. */
static DateADT
timestamptz_local_date(TimestampTz ts, text *zone)
{
	Datum		local;

	/* Errors for unknown zones (22023) come from timestamptz_zone itself. */
	local = DirectFunctionCall2(timestamptz_zone, PointerGetDatum(zone),
								TimestampTzGetDatum(ts));
	return DatumGetDateADT(DirectFunctionCall1(timestamp_date, local));
}


/*****************************************************************************
 * Text and binary I/O
 *****************************************************************************/

static bool
period_isspace(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/*
 * Read a run of ASCII digits at *p, advancing *p past it.  Returns the value,
 * saturated at PERIOD_NUMBER_CAP so that long digit strings cannot overflow,
 * and the number of digits in *ndigits.
 */
static int
period_read_number(const char **p, int *ndigits)
{
	int			value = 0;
	int			n = 0;

	while (**p >= '0' && **p <= '9')
	{
		if (value < PERIOD_NUMBER_CAP)
			value = value * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	*ndigits = n;
	return value;
}

static void period_syntax_error(const char *str) pg_attribute_noreturn();

static void
period_syntax_error(const char *str)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type period: \"%s\"", str),
			 errhint(PERIOD_FORMS_HINT)));
}

/*
 * Parse the text form of a period.  The whole string is parsed before any
 * field is range checked, so that "2025Q5x" is a syntax error, not a range
 * error.
 */
static int32
period_parse(const char *str)
{
	const char *p = str;
	int			year;
	int			kind;
	int			sub = 0;
	int			second_year = 0;
	int			second_year_digits = 0;
	int			ndigits;
	bool		date_like = false;

	while (period_isspace(*p))
		p++;

	year = period_read_number(&p, &ndigits);
	if (ndigits == 0)
		period_syntax_error(str);

	if (*p == 'Q' || *p == 'q' ||
		(*p == '-' && (p[1] == 'Q' || p[1] == 'q')))
	{
		/* quarter: 2025Q3, 2025q3, 2025-Q3 */
		kind = PERIOD_QUARTER;
		p += (*p == '-') ? 2 : 1;
		sub = period_read_number(&p, &ndigits);
		if (ndigits == 0)
			period_syntax_error(str);
	}
	else if (*p == '-')
	{
		/* month: 2025-03, 2025-3 */
		kind = PERIOD_MONTH;
		p++;
		sub = period_read_number(&p, &ndigits);
		if (ndigits == 0)
			period_syntax_error(str);
		date_like = (*p == '-' && p[1] >= '0' && p[1] <= '9');
	}
	else if (*p == '/')
	{
		/* quality year: 2023/24@9, 2023/2024@09 */
		kind = PERIOD_QUALITY_YEAR;
		p++;
		second_year = period_read_number(&p, &second_year_digits);
		if (second_year_digits == 0)
			period_syntax_error(str);
		if (*p != '@')
		{
			const char *rest = p;

			while (period_isspace(*rest))
				rest++;
			if (*rest == '\0')
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
						 errmsg("invalid input syntax for type period: \"%s\"", str),
						 errdetail("A quality year must state the month it starts in."),
						 errhint("Write the start month after @, as in 2023/24@9 for a quality year starting in September, or use sqm.quality_year(organisation, date) to take it from the organisation's settings.")));
			period_syntax_error(str);
		}
		p++;
		sub = period_read_number(&p, &ndigits);
		if (ndigits == 0)
			period_syntax_error(str);
	}
	else
		kind = PERIOD_YEAR;

	while (period_isspace(*p))
		p++;
	if (*p != '\0')
	{
		if (date_like)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid input syntax for type period: \"%s\"", str),
					 errdetail("A date is not a period."),
					 errhint("Use sqm.period_of(kind, date) for the period containing a date.")));
		period_syntax_error(str);
	}

	/*
	 * Range checks.  The second year of a quality year is checked last, once
	 * the first year is known to be in range; two digits give the next
	 * year modulo 100 (2099/00), any other number of digits the whole year.
	 */
	(void) period_make(year, kind, sub, str);

	if (kind == PERIOD_QUALITY_YEAR &&
		second_year != (second_year_digits == 2 ? (year + 1) % 100 : year + 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type period: \"%s\"", str),
				 errdetail("The second year of a quality year must be the year after the first, as in %d/%02d.",
						   year, (year + 1) % 100)));

	return PERIOD_PACK(year, kind, sub);
}

Datum
sqm_period_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);

	PG_RETURN_PERIOD(period_parse(str));
}

Datum
sqm_period_out(PG_FUNCTION_ARGS)
{
	int32		p = PG_GETARG_PERIOD(0);
	char	   *buf = palloc(PERIOD_TEXT_MAXLEN);

	period_format(PERIOD_YEAR_OF(p), PERIOD_KIND_OF(p), PERIOD_SUB_OF(p), buf);
	PG_RETURN_CSTRING(buf);
}

/*
 * Binary format, version 1: format version byte (1), kind byte (1 year,
 * 2 quality year, 3 quarter, 4 month), int16 year, sub-field byte (0 for a
 * calendar year, else start month, quarter or month).
 */
Datum
sqm_period_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			version;
	int			kind;
	int			year;
	int			sub;
	char		shown[PERIOD_TEXT_MAXLEN];

	/*
	 * Refuse a value shorter than the format before reading it: pq_getmsg*
	 * would report a malformed value as a protocol violation (08P01), but the
	 * message was whole -- the value in it is wrong (22P03).
	 */
	if (buf->len - buf->cursor < PERIOD_BINARY_LEN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg_plural("invalid binary input of type period: %d byte",
								"invalid binary input of type period: %d bytes",
								buf->len - buf->cursor, buf->len - buf->cursor),
				 errdetail("Binary format version %d is %d bytes: version, kind, year (2 bytes), sub-field.",
						   PERIOD_BINARY_VERSION, PERIOD_BINARY_LEN)));

	version = pq_getmsgbyte(buf);
	if (version != PERIOD_BINARY_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported binary format version %d for type period", version),
				 errdetail("This version of sqm reads binary format version %d.",
						   PERIOD_BINARY_VERSION)));

	kind = pq_getmsgbyte(buf);
	year = (int16) pq_getmsgint(buf, 2);
	sub = pq_getmsgbyte(buf);

	if (kind < PERIOD_YEAR || kind > PERIOD_MONTH)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid kind %d in binary input of type period", kind),
				 errdetail("Kinds are 1 (year), 2 (quality year), 3 (quarter) and 4 (month).")));
	if (kind == PERIOD_YEAR && sub != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid sub-field %d in binary input of type period", sub),
				 errdetail("The sub-field of a calendar year must be 0.")));

	period_format(year, kind, sub, shown);
	PG_RETURN_PERIOD(period_make(year, kind, sub, shown));
}

Datum
sqm_period_send(PG_FUNCTION_ARGS)
{
	int32		p = PG_GETARG_PERIOD(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, PERIOD_BINARY_VERSION);
	pq_sendbyte(&buf, PERIOD_KIND_OF(p));
	pq_sendint16(&buf, (uint16) PERIOD_YEAR_OF(p));
	pq_sendbyte(&buf, PERIOD_SUB_OF(p));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}


/*****************************************************************************
 * Comparison and hashing
 *****************************************************************************/

Datum
sqm_period_eq(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(PG_GETARG_PERIOD(0) == PG_GETARG_PERIOD(1));
}

Datum
sqm_period_ne(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(PG_GETARG_PERIOD(0) != PG_GETARG_PERIOD(1));
}

Datum
sqm_period_lt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(period_cmp_internal(PG_GETARG_PERIOD(0), PG_GETARG_PERIOD(1)) < 0);
}

Datum
sqm_period_le(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(period_cmp_internal(PG_GETARG_PERIOD(0), PG_GETARG_PERIOD(1)) <= 0);
}

Datum
sqm_period_gt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(period_cmp_internal(PG_GETARG_PERIOD(0), PG_GETARG_PERIOD(1)) > 0);
}

Datum
sqm_period_ge(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(period_cmp_internal(PG_GETARG_PERIOD(0), PG_GETARG_PERIOD(1)) >= 0);
}

Datum
sqm_period_cmp(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(period_cmp_internal(PG_GETARG_PERIOD(0), PG_GETARG_PERIOD(1)));
}

/* Equal periods have equal packed values, so hashing those is consistent. */
Datum
sqm_period_hash(PG_FUNCTION_ARGS)
{
	return hash_uint32((uint32) PG_GETARG_PERIOD(0));
}

Datum
sqm_period_hash_extended(PG_FUNCTION_ARGS)
{
	return hash_uint32_extended((uint32) PG_GETARG_PERIOD(0), PG_GETARG_INT64(1));
}


/*****************************************************************************
 * Calendar
 *****************************************************************************/

Datum
sqm_period_first_day(PG_FUNCTION_ARGS)
{
	int32		p = PG_GETARG_PERIOD(0);

	PG_RETURN_DATEADT(month_first_day(period_first_month(p)));
}

Datum
sqm_period_last_day(PG_FUNCTION_ARGS)
{
	int32		p = PG_GETARG_PERIOD(0);

	PG_RETURN_DATEADT(month_first_day(period_last_month(p) + 1) - 1);
}

/* [first day, last day + 1) as a daterange. */
Datum
sqm_period_to_daterange(PG_FUNCTION_ARGS)
{
	int32		p = PG_GETARG_PERIOD(0);
	TypeCacheEntry *typcache;
	RangeBound	lower;
	RangeBound	upper;

	typcache = range_get_typcache(fcinfo, DATERANGEOID);

	lower.val = DateADTGetDatum(month_first_day(period_first_month(p)));
	lower.infinite = false;
	lower.inclusive = true;
	lower.lower = true;

	upper.val = DateADTGetDatum(month_first_day(period_last_month(p) + 1));
	upper.infinite = false;
	upper.inclusive = false;
	upper.lower = false;

	PG_RETURN_RANGE_P(make_range(typcache, &lower, &upper, false));
}

Datum
sqm_period_kind(PG_FUNCTION_ARGS)
{
	int32		p = PG_GETARG_PERIOD(0);
	const char *kind = NULL;

	switch (PERIOD_KIND_OF(p))
	{
		case PERIOD_YEAR:
			kind = "year";
			break;
		case PERIOD_QUALITY_YEAR:
			kind = "quality_year";
			break;
		case PERIOD_QUARTER:
			kind = "quarter";
			break;
		case PERIOD_MONTH:
			kind = "month";
			break;
		default:
			elog(ERROR, "unrecognized sqm.period kind %d", PERIOD_KIND_OF(p));
	}
	PG_RETURN_TEXT_P(cstring_to_text(kind));
}

/* The month (1..12) the period starts in, for every kind. */
Datum
sqm_period_start_month(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(period_start_month(PG_GETARG_PERIOD(0)));
}

/*
 * The period of the same kind "step" (-1 or +1) periods away; a quality year
 * keeps its start month.
 */
static int32
period_step(int32 p, int step)
{
	int			year = PERIOD_YEAR_OF(p);
	int			kind = PERIOD_KIND_OF(p);
	int			sub = PERIOD_SUB_OF(p);
	char		from[PERIOD_TEXT_MAXLEN];

	switch (kind)
	{
		case PERIOD_YEAR:
		case PERIOD_QUALITY_YEAR:
			year += step;
			break;
		case PERIOD_QUARTER:
			sub += step;
			if (sub < 1)
			{
				sub = 4;
				year--;
			}
			else if (sub > 4)
			{
				sub = 1;
				year++;
			}
			break;
		case PERIOD_MONTH:
			sub += step;
			if (sub < 1)
			{
				sub = 12;
				year--;
			}
			else if (sub > 12)
			{
				sub = 1;
				year++;
			}
			break;
		default:
			elog(ERROR, "unrecognized sqm.period kind %d", kind);
	}

	if (year < SQM_MIN_YEAR || year > SQM_MAX_YEAR)
	{
		period_format(PERIOD_YEAR_OF(p), kind, PERIOD_SUB_OF(p), from);
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 step < 0 ?
				 errmsg("previous period of \"%s\" is out of range", from) :
				 errmsg("next period of \"%s\" is out of range", from),
				 errdetail("The year must be between %d and %d.",
						   SQM_MIN_YEAR, SQM_MAX_YEAR)));
	}
	return PERIOD_PACK(year, kind, sub);
}

Datum
sqm_period_prev(PG_FUNCTION_ARGS)
{
	PG_RETURN_PERIOD(period_step(PG_GETARG_PERIOD(0), -1));
}

Datum
sqm_period_next(PG_FUNCTION_ARGS)
{
	PG_RETURN_PERIOD(period_step(PG_GETARG_PERIOD(0), 1));
}


/*****************************************************************************
 * Dates and timestamps
 *****************************************************************************/

Datum
sqm_period_contains_date(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(period_contains_internal(PG_GETARG_PERIOD(0),
											PG_GETARG_DATEADT(1)));
}

Datum
sqm_period_contained_by_date(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(period_contains_internal(PG_GETARG_PERIOD(1),
											PG_GETARG_DATEADT(0)));
}

/* Whether the period contains the local date of a timestamptz in a zone. */
Datum
sqm_period_contains_timestamptz(PG_FUNCTION_ARGS)
{
	int32		p = PG_GETARG_PERIOD(0);
	TimestampTz ts = PG_GETARG_TIMESTAMPTZ(1);
	text	   *zone = PG_GETARG_TEXT_PP(2);

	PG_RETURN_BOOL(period_contains_internal(p, timestamptz_local_date(ts, zone)));
}

/*
 * The period of the named kind containing a date.  start_month is used for
 * quality years only (1 gives the calendar year) but must be a month for
 * every kind, so that a caller passing an organisation's setting learns of
 * a bad setting whatever kind it asks for.
 */
static int32
period_of_date(text *kind_text, DateADT d, int start_month)
{
	char	   *kind = text_to_cstring(kind_text);
	int			year,
				month,
				day;
	int			code;
	int			sub;

	if (start_month < 1 || start_month > 12)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("start month %d is out of range", start_month),
				 errdetail("The start month must be between 1 and 12.")));

	if (strcmp(kind, "year") != 0 && strcmp(kind, "quality_year") != 0 &&
		strcmp(kind, "quarter") != 0 && strcmp(kind, "month") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown period kind \"%s\"", kind),
				 errhint(PERIOD_KINDS_HINT)));

	if (DATE_NOT_FINITE(d))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("cannot find the period of an infinite date")));

	j2date(d + POSTGRES_EPOCH_JDATE, &year, &month, &day);

	if (strcmp(kind, "year") == 0 ||
		(strcmp(kind, "quality_year") == 0 && start_month == 1))
	{
		code = PERIOD_YEAR;
		sub = 0;
	}
	else if (strcmp(kind, "quality_year") == 0)
	{
		code = PERIOD_QUALITY_YEAR;
		sub = start_month;
		if (month < start_month)
			year--;
	}
	else if (strcmp(kind, "quarter") == 0)
	{
		code = PERIOD_QUARTER;
		sub = (month - 1) / 3 + 1;
	}
	else
	{
		code = PERIOD_MONTH;
		sub = month;
	}

	if (year < SQM_MIN_YEAR || year > SQM_MAX_YEAR)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("period containing date %s is out of range",
						DatumGetCString(DirectFunctionCall1(date_out,
															DateADTGetDatum(d)))),
				 errdetail("The year must be between %d and %d.",
						   SQM_MIN_YEAR, SQM_MAX_YEAR)));

	pfree(kind);
	return PERIOD_PACK(year, code, sub);
}

Datum
sqm_period_of_date(PG_FUNCTION_ARGS)
{
	PG_RETURN_PERIOD(period_of_date(PG_GETARG_TEXT_PP(0),
									PG_GETARG_DATEADT(1),
									PG_GETARG_INT32(2)));
}

Datum
sqm_period_of_timestamptz(PG_FUNCTION_ARGS)
{
	text	   *kind = PG_GETARG_TEXT_PP(0);
	TimestampTz ts = PG_GETARG_TIMESTAMPTZ(1);
	text	   *zone = PG_GETARG_TEXT_PP(2);
	int32		start_month = PG_GETARG_INT32(3);

	if (TIMESTAMP_NOT_FINITE(ts))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("cannot find the period of an infinite timestamp")));

	PG_RETURN_PERIOD(period_of_date(kind, timestamptz_local_date(ts, zone),
									start_month));
}
