/*-------------------------------------------------------------------------
 *
 * regnr.c
 *	  The sqm.regnr base type: Swedish registry numbers (diarienummer).
 *
 * A registry number names a registering body (a committee code such as SN,
 * KS, BUN or ÄN), a year and a sequence number.  Documents write it in local
 * styles; this file owns reading all of them, the one canonical output
 * form, the binary send/receive format, the total order used by the btree
 * and hash operator classes, and the accessor and constructor functions.
 *
 * Accepted text input (white space is tolerated at both ends, between the
 * parts, and after the separator):
 *
 *		YYYY.NNN BODY		also YYYY/NNN BODY
 *		BODY YYYY/NNN		also BODY YYYY.NNN
 *
 * Leading zeros are allowed in both numbers; their values are range-checked
 * (so "0999" is the out-of-range year 999).  The canonical output is
 * "YYYY.NNN BODY", the sequence number zero-padded to at least three digits.
 *
 * A body is 1 to 8 letters A-Z, plus Å, Ä and Ö when the database encoding
 * is UTF8; it is stored upper case.  Bodies sort in the Swedish alphabet
 * (A..Z, Å, Ä, Ö), which is not the order of their UTF-8 bytes (Ä would come
 * before Å), then by year, then by sequence number.
 *
 * The value is fixed-length (24 bytes, int4-aligned, passed by reference).
 * Every byte of it is determined by its fields, padding included, because
 * all constructors start from zeroed memory.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"

#include "sqm.h"

/* Limits of the parts other than the year (whose limits live in sqm.h). */
#define REGNR_MIN_SEQ			1
#define REGNR_MAX_SEQ			999999
#define REGNR_MAX_BODY_LETTERS	8

/* Room for eight two-byte letters (Å, Ä, Ö), the NUL, and padding to 24. */
#define REGNR_BODY_SIZE			18

/* Version byte that opens the binary format written by sqm_regnr_send. */
#define REGNR_BINARY_VERSION	1
#define REGNR_BINARY_FIXED_LEN	7	/* version, int16 year, int32 sequence; the body follows */

#define REGNR_SYNTAX_HINT \
	"Accepted forms: 2025.010 SN, SN 2024/106 (year, sequence number and registering body)."

typedef struct SqmRegnr
{
	int32		seq;			/* sequence number within body and year */
	int16		year;			/* SQM_MIN_YEAR .. SQM_MAX_YEAR */
	char		body[REGNR_BODY_SIZE];	/* registering body, upper case,
										 * NUL-padded */
} SqmRegnr;

/* The SQL definition says INTERNALLENGTH = 24, ALIGNMENT = int4. */
StaticAssertDecl(sizeof(SqmRegnr) == 24, "sqm.regnr must be 24 bytes");
StaticAssertDecl(REGNR_BODY_SIZE >= 2 * REGNR_MAX_BODY_LETTERS + 1,
				 "sqm.regnr body too small for its longest body");

#define DatumGetRegnrP(X)		((SqmRegnr *) DatumGetPointer(X))
#define PG_GETARG_REGNR_P(n)	DatumGetRegnrP(PG_GETARG_DATUM(n))
#define PG_RETURN_REGNR_P(x)	PG_RETURN_POINTER(x)

/* Why a text input is not a registry number; each has its own errdetail. */
typedef enum RegnrSyntax
{
	REGNR_OK,
	REGNR_EMPTY,				/* nothing but white space */
	REGNR_BAD_START,			/* begins with neither a digit nor a letter */
	REGNR_NO_NUMBER,			/* body without year and sequence number */
	REGNR_NO_SEPARATOR,			/* year and sequence number not separated */
	REGNR_SPACE_BEFORE_SEPARATOR,	/* white space between year and separator */
	REGNR_NO_SEQUENCE,			/* year without sequence number */
	REGNR_BAD_SEQUENCE,			/* something glued to the sequence number */
	REGNR_NO_BODY,				/* numbers without a body */
	REGNR_BAD_BODY,				/* body containing something else than
								 * letters */
	REGNR_TRAILING				/* more text after a complete number */
} RegnrSyntax;

PG_FUNCTION_INFO_V1(sqm_regnr_in);
PG_FUNCTION_INFO_V1(sqm_regnr_out);
PG_FUNCTION_INFO_V1(sqm_regnr_recv);
PG_FUNCTION_INFO_V1(sqm_regnr_send);
PG_FUNCTION_INFO_V1(sqm_regnr_eq);
PG_FUNCTION_INFO_V1(sqm_regnr_ne);
PG_FUNCTION_INFO_V1(sqm_regnr_lt);
PG_FUNCTION_INFO_V1(sqm_regnr_le);
PG_FUNCTION_INFO_V1(sqm_regnr_gt);
PG_FUNCTION_INFO_V1(sqm_regnr_ge);
PG_FUNCTION_INFO_V1(sqm_regnr_cmp);
PG_FUNCTION_INFO_V1(sqm_regnr_hash);
PG_FUNCTION_INFO_V1(sqm_regnr_hash_extended);
PG_FUNCTION_INFO_V1(sqm_regnr_year);
PG_FUNCTION_INFO_V1(sqm_regnr_seq);
PG_FUNCTION_INFO_V1(sqm_regnr_body);
PG_FUNCTION_INFO_V1(sqm_regnr_make);


/* ----------------------------------------------------------------
 *	Scanning helpers
 *
 * All of them work on NUL-terminated strings in the database encoding and
 * look at one byte at a time, so that no input can make them read past the
 * terminator.  They use their own character classes rather than <ctype.h>,
 * whose answers for bytes above 127 depend on the locale.
 * ----------------------------------------------------------------
 */

static inline bool
regnr_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
		c == '\v' || c == '\f';
}

static inline bool
regnr_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static const char *
regnr_skip_space(const char *p)
{
	while (regnr_is_space(*p))
		p++;
	return p;
}

/*
 * Read a run of decimal digits.  The value saturates at PG_INT32_MAX, which
 * every range check rejects, so that arbitrarily long digit strings cannot
 * overflow.
 */
static const char *
regnr_scan_digits(const char *p, int32 *value)
{
	int64		v = 0;

	while (regnr_is_digit(*p))
	{
		if (v <= PG_INT32_MAX)
			v = v * 10 + (*p - '0');
		p++;
	}
	*value = (int32) Min(v, (int64) PG_INT32_MAX);
	return p;
}

/*
 * If p begins a letter a registering body may contain, store its upper-case
 * form (1 or 2 bytes) in up and return its length in bytes; otherwise return
 * 0.  Å, Ä and Ö (U+00C5, U+00C4, U+00D6) and their lower-case forms, which
 * differ only by 0x20 in the second UTF-8 byte, count only in UTF8 databases.
 */
static int
regnr_letter(const char *p, bool utf8, char *up)
{
	unsigned char c = (unsigned char) p[0];

	if (c >= 'A' && c <= 'Z')
	{
		up[0] = (char) c;
		return 1;
	}
	if (c >= 'a' && c <= 'z')
	{
		up[0] = (char) (c - ('a' - 'A'));
		return 1;
	}
	if (utf8 && c == 0xC3)
	{
		/* p[1] exists: p[0] is not the terminator */
		unsigned char d = (unsigned char) p[1];

		switch (d)
		{
			case 0x85:			/* Å */
			case 0x84:			/* Ä */
			case 0x96:			/* Ö */
				up[0] = (char) c;
				up[1] = (char) d;
				return 2;
			case 0xA5:			/* å */
			case 0xA4:			/* ä */
			case 0xB6:			/* ö */
				up[0] = (char) c;
				up[1] = (char) (d - 0x20);
				return 2;
		}
	}
	return 0;
}

/*
 * Read the run of letters that begins at p.  Upper-case letters are copied
 * into body (which the caller has zeroed) while at most
 * REGNR_MAX_BODY_LETTERS have been seen; *nletters counts the letters seen,
 * up to one more than that maximum.  Returns the position after the run.
 */
static const char *
regnr_scan_body(const char *p, char *body, int *nletters)
{
	bool		utf8 = (GetDatabaseEncoding() == PG_UTF8);
	int			n = 0;
	int			used = 0;
	char		up[2];
	int			len;

	while ((len = regnr_letter(p, utf8, up)) > 0)
	{
		if (n < REGNR_MAX_BODY_LETTERS)
		{
			memcpy(body + used, up, len);
			used += len;
		}
		if (n <= REGNR_MAX_BODY_LETTERS)
			n++;
		p += len;
	}
	*nletters = n;
	return p;
}

/*
 * Read "YYYY{.|/}NNN" (white space allowed after the separator); p is at a
 * digit.  On a syntax error *err is set and the returned position is
 * meaningless.
 */
static const char *
regnr_scan_numbers(const char *p, int32 *year, int32 *seq, RegnrSyntax *err)
{
	p = regnr_scan_digits(p, year);
	if (*p != '.' && *p != '/')
	{
		const char *q = regnr_skip_space(p);

		if (q != p && (*q == '.' || *q == '/'))
			*err = REGNR_SPACE_BEFORE_SEPARATOR;	/* "2025 .010 SN" */
		else if (*q == '\0' || (q != p && !regnr_is_digit(*q)))
			*err = REGNR_NO_SEQUENCE;	/* "SN 2025", "2025 SN" */
		else
			*err = REGNR_NO_SEPARATOR;	/* "2025 010 SN", "2025-010 SN" */
		return p;
	}
	p = regnr_skip_space(p + 1);
	if (!regnr_is_digit(*p))
	{
		*err = REGNR_NO_SEQUENCE;
		return p;
	}
	return regnr_scan_digits(p, seq);
}

/*
 * Parse the text form.  Returns REGNR_OK and fills the parts, or the reason
 * the text is not a registry number.  Ranges are not checked here.
 */
static RegnrSyntax
regnr_parse(const char *str, int32 *year, int32 *seq, char *body,
			int *nletters)
{
	RegnrSyntax err = REGNR_OK;
	const char *p = regnr_skip_space(str);

	if (*p == '\0')
		return REGNR_EMPTY;

	if (regnr_is_digit(*p))
	{
		/* YYYY.NNN BODY */
		p = regnr_scan_numbers(p, year, seq, &err);
		if (err != REGNR_OK)
			return err;
		if (*p != '\0' && !regnr_is_space(*p))
			return REGNR_BAD_SEQUENCE;
		p = regnr_skip_space(p);
		if (*p == '\0')
			return REGNR_NO_BODY;
		p = regnr_scan_body(p, body, nletters);
		if (*nletters == 0 || (*p != '\0' && !regnr_is_space(*p)))
			return REGNR_BAD_BODY;
	}
	else
	{
		/* BODY YYYY/NNN */
		p = regnr_scan_body(p, body, nletters);
		if (*nletters == 0)
			return REGNR_BAD_START;
		if (*p == '\0')
			return REGNR_NO_NUMBER;
		if (!regnr_is_space(*p))
			return REGNR_BAD_BODY;
		p = regnr_skip_space(p);
		if (*p == '\0')
			return REGNR_NO_NUMBER;
		if (!regnr_is_digit(*p))
		{
			char		up[2];

			/* a second word of letters: "SN KS 2025/1" */
			if (regnr_letter(p, GetDatabaseEncoding() == PG_UTF8, up) > 0)
				return REGNR_BAD_BODY;
			return REGNR_NO_NUMBER;
		}
		p = regnr_scan_numbers(p, year, seq, &err);
		if (err != REGNR_OK)
			return err;
		if (*p != '\0' && !regnr_is_space(*p))
			return REGNR_BAD_SEQUENCE;
	}

	p = regnr_skip_space(p);
	if (*p != '\0')
		return REGNR_TRAILING;
	return REGNR_OK;
}

/*
 * Report a text input that is not a registry number.
 */
static void
regnr_syntax_error(const char *str, RegnrSyntax err)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type %s: \"%s\"", "regnr", str),
			 err == REGNR_EMPTY ?
			 errdetail("The input is empty.") :
			 err == REGNR_BAD_START ?
			 errdetail("A registry number begins with its year or its registering body.") :
			 err == REGNR_NO_NUMBER ?
			 errdetail("The year and the sequence number are missing.") :
			 err == REGNR_NO_SEPARATOR ?
			 errdetail("The year and the sequence number must be separated by \".\" or \"/\".") :
			 err == REGNR_SPACE_BEFORE_SEPARATOR ?
			 errdetail("The separator \".\" or \"/\" must follow the year directly.") :
			 err == REGNR_NO_SEQUENCE ?
			 errdetail("The sequence number is missing.") :
			 err == REGNR_BAD_SEQUENCE ?
			 errdetail("The sequence number may contain only digits and must be followed by white space or the end of the input.") :
			 err == REGNR_NO_BODY ?
			 errdetail("The registering body is missing.") :
			 err == REGNR_BAD_BODY ?
			 errdetail("The registering body may contain only letters.") :
			 errdetail("Unexpected text follows the registry number."),
			 errhint(REGNR_SYNTAX_HINT)));
}

/*
 * Check the ranges of the parts.  input, when not NULL, is the text the
 * value was read from and is quoted in the message; otherwise (constructor,
 * binary input) the message names the offending part.
 */
static void
regnr_check_ranges(const char *input, int32 year, int32 seq,
				   const char *body, int nletters)
{
	if (year < SQM_MIN_YEAR || year > SQM_MAX_YEAR)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 input ?
				 errmsg("value \"%s\" is out of range for type %s", input, "regnr") :
				 errmsg("year %d is out of range for type %s", year, "regnr"),
				 errdetail("The year must be between %d and %d.",
						   SQM_MIN_YEAR, SQM_MAX_YEAR)));
	if (seq < REGNR_MIN_SEQ || seq > REGNR_MAX_SEQ)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 input ?
				 errmsg("value \"%s\" is out of range for type %s", input, "regnr") :
				 errmsg("sequence number %d is out of range for type %s", seq, "regnr"),
				 errdetail("The sequence number must be between %d and %d.",
						   REGNR_MIN_SEQ, REGNR_MAX_SEQ)));
	if (nletters > REGNR_MAX_BODY_LETTERS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 input ?
				 errmsg("value \"%s\" is out of range for type %s", input, "regnr") :
				 errmsg("registering body \"%s\" is too long for type %s", body, "regnr"),
				 errdetail("The registering body must have between 1 and %d letters.",
						   REGNR_MAX_BODY_LETTERS)));
}

/*
 * Read a whole string as a registering body (constructor, binary input):
 * returns false unless it is one run of letters, possibly too long.
 */
static bool
regnr_read_body(const char *str, char *body, int *nletters)
{
	const char *end = regnr_scan_body(str, body, nletters);

	return *nletters > 0 && *end == '\0';
}

static SqmRegnr *
regnr_build(int32 year, int32 seq, const char *body)
{
	SqmRegnr   *result = (SqmRegnr *) palloc0(sizeof(SqmRegnr));

	result->year = (int16) year;
	result->seq = seq;
	strlcpy(result->body, body, sizeof(result->body));
	return result;
}

/* Length of a stored body; bounded even if the value were damaged. */
static inline int
regnr_body_len(const SqmRegnr *r)
{
	return (int) strnlen(r->body, sizeof(r->body));
}


/* ----------------------------------------------------------------
 *	Input and output
 * ----------------------------------------------------------------
 */

Datum
sqm_regnr_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	char		body[REGNR_BODY_SIZE] = {0};
	int32		year = 0;
	int32		seq = 0;
	int			nletters = 0;
	RegnrSyntax err;

	err = regnr_parse(str, &year, &seq, body, &nletters);
	if (err != REGNR_OK)
		regnr_syntax_error(str, err);
	regnr_check_ranges(str, year, seq, body, nletters);

	PG_RETURN_REGNR_P(regnr_build(year, seq, body));
}

Datum
sqm_regnr_out(PG_FUNCTION_ARGS)
{
	SqmRegnr   *r = PG_GETARG_REGNR_P(0);

	PG_RETURN_CSTRING(psprintf("%d.%03d %.*s", r->year, r->seq,
							   regnr_body_len(r), r->body));
}

/*
 * Binary format: format-version byte (REGNR_BINARY_VERSION), int16 year,
 * int32 sequence number, then the body as text (in the client encoding, to
 * the end of the value).
 */
Datum
sqm_regnr_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	char		body[REGNR_BODY_SIZE] = {0};
	int			version;
	int32		year;
	int32		seq;
	char	   *str;
	int			nbytes;
	int			nletters;

	/*
	 * Refuse a value shorter than the format's fixed part before reading it:
	 * pq_getmsg* would report it as a protocol violation (08P01), but the
	 * message was whole -- the value in it is wrong (22P03).
	 */
	if (buf->len - buf->cursor < REGNR_BINARY_FIXED_LEN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg_plural("invalid binary input of type %s: %d byte",
								"invalid binary input of type %s: %d bytes",
								buf->len - buf->cursor, "regnr", buf->len - buf->cursor),
				 errdetail("Binary format version %d is at least %d bytes: version, year (2 bytes), sequence (4 bytes), then the body.",
						   REGNR_BINARY_VERSION, REGNR_BINARY_FIXED_LEN)));

	version = pq_getmsgbyte(buf);
	if (version != REGNR_BINARY_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported binary format version %d for type %s",
						version, "regnr"),
				 errdetail("This version of sqm reads binary format version %d only.",
						   REGNR_BINARY_VERSION)));
	year = pq_getmsgint(buf, sizeof(int16));
	year = (int16) year;		/* sign-extend */
	seq = (int32) pq_getmsgint(buf, sizeof(int32));
	str = pq_getmsgtext(buf, buf->len - buf->cursor, &nbytes);

	if (!regnr_read_body(str, body, &nletters))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid registering body in binary %s value: \"%s\"",
						"regnr", str),
				 nletters == 0 && str[0] == '\0' ?
				 errdetail("The registering body is empty.") :
				 errdetail("The registering body may contain only letters.")));
	regnr_check_ranges(NULL, year, seq, str, nletters);

	PG_RETURN_REGNR_P(regnr_build(year, seq, body));
}

Datum
sqm_regnr_send(PG_FUNCTION_ARGS)
{
	SqmRegnr   *r = PG_GETARG_REGNR_P(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, REGNR_BINARY_VERSION);
	pq_sendint16(&buf, r->year);
	pq_sendint32(&buf, r->seq);
	pq_sendtext(&buf, r->body, regnr_body_len(r));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}


/* ----------------------------------------------------------------
 *	Ordering, equality and hashing
 * ----------------------------------------------------------------
 */

/*
 * Rank of the body letter at s[*i] in the Swedish alphabet (A..Z, Å, Ä, Ö),
 * advancing *i past it.  Bytes that a validated body cannot contain get
 * ranks above every letter, so that the order stays total on any bytes.
 */
static int
regnr_letter_rank(const char *s, int len, int *i)
{
	unsigned char c = (unsigned char) s[*i];

	if (c == 0xC3 && *i + 1 < len)
	{
		unsigned char d = (unsigned char) s[*i + 1];

		*i += 2;
		switch (d)
		{
			case 0x85:			/* Å */
				return 27;
			case 0x84:			/* Ä */
				return 28;
			case 0x96:			/* Ö */
				return 29;
			default:
				return 512 + d;
		}
	}
	(*i)++;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 1;
	return 256 + c;
}

/*
 * Compare two bodies letter by letter; a body that is a prefix of the other
 * sorts first.  Returns zero exactly when the bodies are byte-identical.
 */
static int
regnr_body_cmp(const SqmRegnr *a, const SqmRegnr *b)
{
	int			alen = regnr_body_len(a);
	int			blen = regnr_body_len(b);
	int			i = 0;
	int			j = 0;

	while (i < alen && j < blen)
	{
		int			ra = regnr_letter_rank(a->body, alen, &i);
		int			rb = regnr_letter_rank(b->body, blen, &j);

		if (ra != rb)
			return ra < rb ? -1 : 1;
	}
	if (i < alen)
		return 1;
	if (j < blen)
		return -1;
	return 0;
}

/* The total order: body, then year, then sequence number. */
static int
regnr_cmp_internal(const SqmRegnr *a, const SqmRegnr *b)
{
	int			c = regnr_body_cmp(a, b);

	if (c != 0)
		return c;
	if (a->year != b->year)
		return a->year < b->year ? -1 : 1;
	if (a->seq != b->seq)
		return a->seq < b->seq ? -1 : 1;
	return 0;
}

Datum
sqm_regnr_cmp(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(regnr_cmp_internal(PG_GETARG_REGNR_P(0),
									   PG_GETARG_REGNR_P(1)));
}

Datum
sqm_regnr_eq(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(regnr_cmp_internal(PG_GETARG_REGNR_P(0),
									  PG_GETARG_REGNR_P(1)) == 0);
}

Datum
sqm_regnr_ne(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(regnr_cmp_internal(PG_GETARG_REGNR_P(0),
									  PG_GETARG_REGNR_P(1)) != 0);
}

Datum
sqm_regnr_lt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(regnr_cmp_internal(PG_GETARG_REGNR_P(0),
									  PG_GETARG_REGNR_P(1)) < 0);
}

Datum
sqm_regnr_le(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(regnr_cmp_internal(PG_GETARG_REGNR_P(0),
									  PG_GETARG_REGNR_P(1)) <= 0);
}

Datum
sqm_regnr_gt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(regnr_cmp_internal(PG_GETARG_REGNR_P(0),
									  PG_GETARG_REGNR_P(1)) > 0);
}

Datum
sqm_regnr_ge(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(regnr_cmp_internal(PG_GETARG_REGNR_P(0),
									  PG_GETARG_REGNR_P(1)) >= 0);
}

/*
 * The bytes a value is hashed by: sequence number and year in network byte
 * order (so that hash values, which hash partitioning stores, do not depend
 * on the machine), then the body's bytes.  Equal values have identical
 * fields, so they hash alike; padding is never hashed.  Returns the length.
 */
static int
regnr_hash_key(const SqmRegnr *r, unsigned char *key)
{
	uint32		seq = (uint32) r->seq;
	uint16		year = (uint16) r->year;
	int			len = regnr_body_len(r);

	key[0] = (unsigned char) (seq >> 24);
	key[1] = (unsigned char) (seq >> 16);
	key[2] = (unsigned char) (seq >> 8);
	key[3] = (unsigned char) seq;
	key[4] = (unsigned char) (year >> 8);
	key[5] = (unsigned char) year;
	memcpy(key + 6, r->body, len);
	return 6 + len;
}

/*
 * Both hash functions hash the same key with hash_any/hash_any_extended, so
 * with seed 0 the extended hash's low 32 bits equal the standard hash, as a
 * hash operator class requires.
 */
Datum
sqm_regnr_hash(PG_FUNCTION_ARGS)
{
	unsigned char key[6 + REGNR_BODY_SIZE];
	int			len = regnr_hash_key(PG_GETARG_REGNR_P(0), key);

	return hash_any(key, len);
}

Datum
sqm_regnr_hash_extended(PG_FUNCTION_ARGS)
{
	unsigned char key[6 + REGNR_BODY_SIZE];
	int			len = regnr_hash_key(PG_GETARG_REGNR_P(0), key);

	return hash_any_extended(key, len, (uint64) PG_GETARG_INT64(1));
}


/* ----------------------------------------------------------------
 *	Accessors and constructor
 * ----------------------------------------------------------------
 */

Datum
sqm_regnr_year(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(PG_GETARG_REGNR_P(0)->year);
}

Datum
sqm_regnr_seq(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(PG_GETARG_REGNR_P(0)->seq);
}

Datum
sqm_regnr_body(PG_FUNCTION_ARGS)
{
	SqmRegnr   *r = PG_GETARG_REGNR_P(0);

	PG_RETURN_TEXT_P(cstring_to_text_with_len(r->body, regnr_body_len(r)));
}

/*
 * make_regnr(body str, year int, seq int): the body is read like the body
 * of a str input (letters only, any case, no surrounding white space).
 */
Datum
sqm_regnr_make(PG_FUNCTION_ARGS)
{
	char	   *str = text_to_cstring(PG_GETARG_TEXT_PP(0));
	int32		year = PG_GETARG_INT32(1);
	int32		seq = PG_GETARG_INT32(2);
	char		body[REGNR_BODY_SIZE] = {0};
	int			nletters;

	if (!regnr_read_body(str, body, &nletters))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid registering body for type %s: \"%s\"",
						"regnr", str),
				 str[0] == '\0' ?
				 errdetail("The registering body is empty.") :
				 errdetail("The registering body may contain only letters.")));
	regnr_check_ranges(NULL, year, seq, str, nletters);

	PG_RETURN_REGNR_P(regnr_build(year, seq, body));
}
