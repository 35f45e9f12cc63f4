/*-------------------------------------------------------------------------
 *
 * restore.c
 *	  Recognising a restore of a dump of sqm that does not follow the
 *	  procedure of README "Backup and restore", and making it loud.
 *
 * pg_dump orders the data of an extension's configuration tables only by
 * their foreign keys, and sqm's triggers exist from CREATE EXTENSION on.  A
 * plain restore -- pg_restore -d db dump, or pg_dump db | psql db -- so
 * loads sqm's tables with every trigger checking rows in an order no check
 * can accept: the lifecycle engine refuses cases in later states, row checks
 * refuse units not restored yet, foreign keys refuse details before their
 * cases.  The audit trail, which has no such checks, comes back whole.  The
 * documented procedure restores the data section with
 * session_replication_role = replica, so that no trigger fires, and ends
 * with sqm.verify(), which reconciles the cases with the trail.
 *
 * This file owns
 *
 *	- sqm_restoring(): whether the row being written is being restored.  It
 *	  is while a COPY FROM into a table of schema sqm runs -- the way
 *	  pg_dump's scripts and pg_restore load data; sqm's API never copies --,
 *	  and in a session with the settings every pg_dump script and pg_restore
 *	  session begin with (search_path empty, check_function_bodies and
 *	  row_security off), which is how pg_dump --inserts loads rows.  Those
 *	  are settings any role can change, so they only ever make sqm refuse,
 *	  never allow (design.md §3b); the write path's SECURITY DEFINER
 *	  functions pin their search_path, so no API call looks like a restore.
 *	  The audit trigger asks it and refuses to append events for restored
 *	  rows (audit.c): a restore brings the trail back with its own events,
 *	  and a new one would be history that never happened.
 *	- the ProcessUtility hook around every COPY FROM into a table of sqm:
 *	  whatever error the COPY raises -- the lifecycle engine, a row check, a
 *	  details check, a foreign key, the audit trigger -- leaves it with the
 *	  hint to use the procedure (SQM_RESTORE_HINT).  One place, so that no
 *	  error site needs to know about restores.
 *	- the fallback for the one COPY during which the library itself is
 *	  loaded (a fresh session's first COPY that reaches a C function of sqm:
 *	  pg_restore --data-only, or a worker of pg_restore -j): the hook cannot
 *	  wrap a statement that is already running, so an emit_log_hook adds the
 *	  hint to the errors of that transaction.  (emit_log_hook runs only for
 *	  errors that go to the server log, which ERROR does unless
 *	  log_min_messages is raised above it.)  In a full restore the library
 *	  is loaded by CREATE EXTENSION sqm, before any data.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/namespace.h"
#include "nodes/parsenodes.h"
#include "nodes/plannodes.h"
#include "tcop/pquery.h"
#include "tcop/utility.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/portal.h"
#include "utils/rls.h"

#include "sqm.h"

/* COPY FROM statements into a table of sqm now running (they can nest). */
static int	restore_copy_depth = 0;

/*
 * The library was loaded during a COPY FROM into a table of sqm, which the
 * hook therefore does not wrap; until the transaction ends.
 */
static bool restore_unwrapped_copy = false;

static ProcessUtility_hook_type prev_process_utility = NULL;
static emit_log_hook_type prev_emit_log_hook = NULL;

/* Whether a COPY statement loads rows into a table of schema sqm. */
static bool
restore_copy_into_sqm(CopyStmt *stmt)
{
	Oid			relid;
	Oid			nsp;

	if (!stmt->is_from || stmt->relation == NULL || !IsTransactionState())
		return false;
	relid = RangeVarGetRelid(stmt->relation, NoLock, true);
	if (!OidIsValid(relid))
		return false;
	nsp = get_namespace_oid("sqm", true);
	return OidIsValid(nsp) && get_rel_namespace(relid) == nsp;
}

/*
 * Whether the statement the client sent is a COPY FROM into a table of sqm:
 * seen from inside it, whether or not the hook wraps it.
 */
static bool
restore_portal_copies_into_sqm(void)
{
	Portal		portal = ActivePortal;
	PlannedStmt *pstmt;

	if (portal == NULL || portal->commandTag != CMDTAG_COPY ||
		list_length(portal->stmts) != 1)
		return false;
	pstmt = linitial_node(PlannedStmt, portal->stmts);
	if (pstmt->commandType != CMD_UTILITY || pstmt->utilityStmt == NULL ||
		!IsA(pstmt->utilityStmt, CopyStmt))
		return false;
	return restore_copy_into_sqm((CopyStmt *) pstmt->utilityStmt);
}

/*
 * The settings every script of pg_dump and every session of pg_restore
 * start with (pg_backup_archiver.c, _doSetFixedOutputState): an empty
 * search_path (set_config('search_path', '', false); SET search_path = ''
 * gives "" instead), check_function_bodies = off, row_security = off.  Inside an
 * API function search_path is pinned, so this is never true there.
 */
static bool
restore_dump_settings(void)
{
	return !row_security && !check_function_bodies && namespace_search_path != NULL &&
		(strcmp(namespace_search_path, "") == 0 || strcmp(namespace_search_path, "\"\"") == 0);
}

/*
 * Whether the rows being written are being restored from a dump, other than
 * by the documented procedure (under which no trigger of sqm fires): see
 * the header comment.
 */
bool
sqm_restoring(void)
{
	return restore_copy_depth > 0 || restore_unwrapped_copy ||
		restore_dump_settings() || restore_portal_copies_into_sqm();
}

/* Adds the restore hint to an error's own hint, once. */
static void
restore_add_hint(ErrorData *edata)
{
	if (edata->hint != NULL && strstr(edata->hint, SQM_RESTORE_HINT) != NULL)
		return;
	if (edata->hint != NULL && edata->hint[0] != '\0')
		edata->hint = psprintf("%s\n%s", edata->hint, SQM_RESTORE_HINT);
	else
		edata->hint = pstrdup(SQM_RESTORE_HINT);
}

static void
restore_call_utility(PlannedStmt *pstmt, const char *queryString, bool readOnlyTree,
					 ProcessUtilityContext context, ParamListInfo params,
					 QueryEnvironment *queryEnv, DestReceiver *dest, QueryCompletion *qc)
{
	if (prev_process_utility)
		prev_process_utility(pstmt, queryString, readOnlyTree, context, params,
							 queryEnv, dest, qc);
	else
		standard_ProcessUtility(pstmt, queryString, readOnlyTree, context, params,
								queryEnv, dest, qc);
}

/*
 * ProcessUtility hook: runs a COPY FROM into a table of sqm as a restore,
 * and gives whatever error it raises the restore hint.  Every other
 * statement passes untouched.
 */
static void
restore_process_utility(PlannedStmt *pstmt, const char *queryString, bool readOnlyTree,
						ProcessUtilityContext context, ParamListInfo params,
						QueryEnvironment *queryEnv, DestReceiver *dest, QueryCompletion *qc)
{
	MemoryContext oldcxt = CurrentMemoryContext;

	if (pstmt->utilityStmt == NULL || !IsA(pstmt->utilityStmt, CopyStmt) ||
		!restore_copy_into_sqm((CopyStmt *) pstmt->utilityStmt))
	{
		restore_call_utility(pstmt, queryString, readOnlyTree, context, params,
							 queryEnv, dest, qc);
		return;
	}

	restore_copy_depth++;
	PG_TRY();
	{
		restore_call_utility(pstmt, queryString, readOnlyTree, context, params,
							 queryEnv, dest, qc);
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		restore_copy_depth--;
		MemoryContextSwitchTo(oldcxt);
		edata = CopyErrorData();
		FlushErrorState();
		restore_add_hint(edata);
		ReThrowError(edata);
	}
	PG_END_TRY();
	restore_copy_depth--;
}

/* The fallback for the COPY that loaded the library (header comment). */
static void
restore_emit_log(ErrorData *edata)
{
	if (restore_unwrapped_copy && edata->elevel == ERROR)
		restore_add_hint(edata);
	if (prev_emit_log_hook)
		prev_emit_log_hook(edata);
}

/* Nothing of a restore outlives its transaction. */
static void
restore_xact_callback(XactEvent event, void *arg)
{
	switch (event)
	{
		case XACT_EVENT_COMMIT:
		case XACT_EVENT_PARALLEL_COMMIT:
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PARALLEL_ABORT:
		case XACT_EVENT_PREPARE:
			restore_unwrapped_copy = false;
			restore_copy_depth = 0;
			break;
		default:
			break;
	}
}

void
sqm_restore_init(void)
{
	prev_process_utility = ProcessUtility_hook;
	ProcessUtility_hook = restore_process_utility;
	prev_emit_log_hook = emit_log_hook;
	emit_log_hook = restore_emit_log;
	RegisterXactCallback(restore_xact_callback, NULL);

	/* loaded by a trigger of the COPY that is running? */
	if (IsTransactionState() && restore_portal_copies_into_sqm())
		restore_unwrapped_copy = true;
}
