/*-------------------------------------------------------------------------
 *
 * sqm.c
 *	  Module entry point of the sqm extension.
 *
 * _PG_init only calls each module's init function (GUCs, caches,
 * callbacks); modules that need none are not mentioned here.
 *
 * It also owns the library's one relcache invalidation callback.  A backend
 * has room for ten (MAX_RELCACHE_CALLBACKS in PostgreSQL's inval.c), shared
 * by the core (the plan cache, the type cache) and every library loaded --
 * pg_cron, pgaudit, ... -- and running out is a FATAL error of the backend.
 * So the caches of sqm do not register their own: they hand their function
 * to sqm_register_relcache_callback(), and the one callback registered here
 * calls each in turn.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/inval.h"

#include "sqm.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

/* The caches' relcache callbacks, in the order they were handed over. */
#define SQM_RELCACHE_CALLBACKS	16
static RelcacheCallbackFunction relcache_callbacks[SQM_RELCACHE_CALLBACKS];
static int	n_relcache_callbacks = 0;

static void
sqm_relcache_callback(Datum arg, Oid relid)
{
	for (int i = 0; i < n_relcache_callbacks; i++)
		relcache_callbacks[i] (arg, relid);
}

/*
 * Have func called on every relcache invalidation (relid InvalidOid: all
 * relations), through the library's one registered callback.  Called from
 * _PG_init only, so the list is complete before the first invalidation.
 */
void
sqm_register_relcache_callback(RelcacheCallbackFunction func)
{
	if (n_relcache_callbacks >= SQM_RELCACHE_CALLBACKS)
		elog(ERROR, "unexpected number of relcache callbacks in sqm (at most %d)",
			 SQM_RELCACHE_CALLBACKS);
	if (n_relcache_callbacks == 0)
		CacheRegisterRelcacheCallback(sqm_relcache_callback, (Datum) 0);
	relcache_callbacks[n_relcache_callbacks++] = func;
}

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
	sqm_obligations_init();
}
