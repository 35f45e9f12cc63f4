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

#endif							/* SQM_H */
