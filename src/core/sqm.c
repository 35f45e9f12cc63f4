/*-------------------------------------------------------------------------
 *
 * sqm.c
 *	  Module entry point of the sqm extension.
 *
 * _PG_init only calls each module's init function (GUCs, caches,
 * callbacks); modules that need none are not mentioned here.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"

#include "sqm.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

void
_PG_init(void)
{
	sqm_lifecycle_init();
	sqm_append_init();
	sqm_audit_init();
	sqm_cases_init();
	sqm_reference_init();
	sqm_row_check_init();
	sqm_days_init();
	sqm_restore_init();
	sqm_access_init();
	sqm_write_init();
}
