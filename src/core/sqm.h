/*-------------------------------------------------------------------------
 *
 * sqm.h
 *	  Declarations shared between the modules of the sqm extension.
 *
 * Each module owns one concern (a type, the lifecycle engine, the audit
 * trail ...) and exposes at most an init function that _PG_init calls.
 *
 *-------------------------------------------------------------------------
 */
#ifndef SQM_H
#define SQM_H

#include "postgres.h"

/* Years accepted by sqm's types: four digits, as written in every report. */
#define SQM_MIN_YEAR 1000
#define SQM_MAX_YEAR 9999

/*
 * SQLSTATEs of class SQ, raised by sqm's own rules (documented in doc/core.md
 * and README.md).
 */
#define ERRCODE_SQM_ILLEGAL_MOVE	MAKE_SQLSTATE('S','Q','0','0','1')
#define ERRCODE_SQM_GUARD_FAILED	MAKE_SQLSTATE('S','Q','0','0','2')
#define ERRCODE_SQM_STALE_STATE		MAKE_SQLSTATE('S','Q','0','0','3')
#define ERRCODE_SQM_OBJECT_CLOSED	MAKE_SQLSTATE('S','Q','0','0','4')
#define ERRCODE_SQM_APPEND_ONLY		MAKE_SQLSTATE('S','Q','0','1','0')

/* Shared by the lifecycle guards (guards.c, lex_sarah.c). */
#include "executor/spi.h"
#include "access/htup.h"
extern SPIPlanPtr sqm_prepare_kept(const char *query, int nargs, Oid *argtypes);
extern void sqm_execute_one_row(SPIPlanPtr plan, Datum *values, const char *nulls, const char *what);
extern int64 sqm_row_int8(HeapTupleHeader row, const char *column);
extern bool sqm_row_text_given(HeapTupleHeader row, const char *column);

/* Module init functions, called from _PG_init. */
extern void sqm_lifecycle_init(void);
extern void sqm_audit_init(void);

#endif							/* SQM_H */
