/*-------------------------------------------------------------------------
 *
 * outbox.c
 *	  The rows of the durable outbox (sqm.outbox): a new case announced by
 *	  its kind, an obligation that became due soon or overdue (the sweep).
 *
 * This file owns
 *
 *	- sqm_outbox_append(), which the audit trigger calls beside the create
 *	  event of a case whose kind announces its cases (sqm.govern(...,
 *	  announce => true) puts 'announce' on the audit trigger), and its SQL
 *	  form sqm.outbox_append() for the sweep, which skips an event the
 *	  outbox already has;
 *	- the notification a writer sends itself, for an organisation that
 *	  asked for it (sqm.organisation.notify_immediately).
 *
 * No NOTIFY from writers.  NOTIFY takes a cluster-wide lock when the
 * transaction commits and holds it across the commit, for every
 * transaction that notified: writers that notify commit one at a time,
 * whatever organisation they write (design.md §3b: 84 % of eight writers
 * waited on it, and eight organisations were no faster than one).  So a
 * writer only writes the row, and the dispatcher sqm.dispatch()
 * (src/core/sql/80_deadlines.sql), called by the sweep or by an
 * application, sends at most one NOTIFY per organisation with new rows.
 * A transaction that wrote outbox rows can therefore be prepared (PREPARE
 * TRANSACTION refuses one that notified).  An organisation may opt in to
 * NOTIFY from its writers, each row's number as the payload, at that price
 * (README "Notifications").
 *
 * Numbers.  An outbox row's seq is its organisation's: 1, 2, 3 ..., taken
 * under the organisation's audit chain lock (audit.c), which a writer holds
 * until its commit is visible.  So an organisation's numbers become visible
 * in their order and without gaps: whoever sees number n sees every lower
 * one, and a reader that remembers the highest number it handled loses
 * nothing by reading the numbers above it.  (One sequence for every
 * organisation could not promise that: a number taken early may commit
 * late, after a reader moved past it.)  A number of a transaction that
 * rolled back is taken again by the next writer.
 *
 * The row is written through append.c: the executor's row routines with
 * the table's constraints and indexes, or SPI if the table has a trigger or
 * rule on INSERT.  It is written on behalf of the outbox's owner, so the
 * writer of a case needs no privilege on it.  Its payload function
 * sqm.outbox_payload() (SQL) is not on this path.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "commands/async.h"
#include "executor/tuptable.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "sqm.h"

/* The columns of sqm.outbox, every one filled (ack columns NULL). */
static const char *const outbox_columns[] = {
	"org_id", "seq", "at", "kind", "object_id", "unit_id", "rule", "event", "due_at",
	"acknowledged_at", "acknowledged_by"
};
static const Oid outbox_types[] = {
	INT8OID, INT8OID, TIMESTAMPTZOID, TEXTOID, INT8OID, INT8OID, TEXTOID, TEXTOID, TIMESTAMPTZOID,
	TIMESTAMPTZOID, TEXTOID
};
static SqmAppendTable outbox_table = {.name = "outbox", .ncolumns = lengthof(outbox_columns),
	.columns = outbox_columns, .types = outbox_types};

/* The sweep's question: is the event already in the outbox? */
#define OUTBOX_EXISTS_SQL \
	"SELECT 1 FROM sqm.outbox o WHERE o.org_id OPERATOR(pg_catalog.=) $1" \
	" AND o.kind OPERATOR(pg_catalog.=) $2 AND o.object_id OPERATOR(pg_catalog.=) $3" \
	" AND COALESCE(o.rule, '') OPERATOR(pg_catalog.=) $4 AND o.event OPERATOR(pg_catalog.=) $5"

static SPIPlanPtr outbox_exists_plan = NULL;

PG_FUNCTION_INFO_V1(sqm_outbox_append_sql);

/*
 * Whether the outbox has a case's "new" event already: a case re-created
 * behind the trail's back (deleted with the triggers off, inserted again;
 * sqm.verify names it "created twice") is announced once, as the unique
 * index outbox_event_key (org_id, kind, object_id, COALESCE(rule, ''),
 * event) demands.  One probe of that index, without SPI; if a DBA dropped
 * or changed the index there is nothing to keep unique, and no probe.
 */
static bool
outbox_has_new_event(int64 org, const char *kind, int64 object_id)
{
	Oid			nsp = get_namespace_oid("sqm", true);
	Oid			heapoid = OidIsValid(nsp) ? get_relname_relid("outbox", nsp) : InvalidOid;
	Oid			indexoid = OidIsValid(nsp) ? get_relname_relid("outbox_event_key", nsp) : InvalidOid;
	Relation	heap;
	Relation	index;
	ScanKeyData keys[5];
	IndexScanDesc scan;
	TupleTableSlot *slot;
	bool		found = false;
	Datum		values[5];
	RegProcedure procs[5] = {F_INT8EQ, F_TEXTEQ, F_INT8EQ, F_TEXTEQ, F_TEXTEQ};
	Oid			types[5] = {INT8OID, TEXTOID, INT8OID, TEXTOID, TEXTOID};
	int			i;

	if (!OidIsValid(heapoid) || !OidIsValid(indexoid))
		return false;
	heap = table_open(heapoid, AccessShareLock);
	index = index_open(indexoid, AccessShareLock);
	if (index->rd_index->indrelid == heapoid && index->rd_index->indisunique &&
		index->rd_index->indnkeyatts == 5)
	{
		for (i = 0; i < 5; i++)
			if (TupleDescAttr(RelationGetDescr(index), i)->atttypid != types[i])
				break;
		if (i == 5)
		{
			values[0] = Int64GetDatum(org);
			values[1] = CStringGetTextDatum(kind);
			values[2] = Int64GetDatum(object_id);
			values[3] = CStringGetTextDatum("");
			values[4] = CStringGetTextDatum("new");
			for (i = 0; i < 5; i++)
				ScanKeyEntryInitialize(&keys[i], 0, i + 1, BTEqualStrategyNumber, InvalidOid,
									   index->rd_indcollation[i], procs[i], values[i]);
			slot = table_slot_create(heap, NULL);
			scan = index_beginscan(heap, index, GetLatestSnapshot(), 5, 0);
			index_rescan(scan, keys, 5, NULL, 0);
			found = index_getnext_slot(scan, ForwardScanDirection, slot);
			index_endscan(scan);
			ExecDropSingleTupleTableSlot(slot);
		}
	}
	index_close(index, NoLock);
	table_close(heap, NoLock);
	return found;
}

/*
 * The "new" event of a case, beside its create event (audit.c), unless the
 * outbox has it already; its number, or 0.
 */
int64
sqm_outbox_announce(int64 org, const char *kind, int64 object_id, int64 unit)
{
	if (outbox_has_new_event(org, kind, object_id))
		return 0;
	return sqm_outbox_append(org, kind, object_id, unit, "new", NULL, true, 0);
}

/*
 * Appends an outbox row for the organisation, numbered next in its chain,
 * recorded at sqm.now(); returns its number.  Sends NOTIFY sqm_org_<org>
 * (payload: the number) only if the organisation asked its writers to.
 */
int64
sqm_outbox_append(int64 org, const char *kind, int64 object_id, int64 unit,
				  const char *event, const char *rule, bool due_null, TimestampTz due_at)
{
	Datum		values[lengthof(outbox_columns)];
	bool		isnull[lengthof(outbox_columns)];
	int64		seq = sqm_chain_outbox_seq(org) + 1;

	memset(isnull, false, sizeof(isnull));
	values[0] = Int64GetDatum(org);
	values[1] = Int64GetDatum(seq);
	values[2] = TimestampTzGetDatum(sqm_current_time());
	values[3] = CStringGetTextDatum(kind);
	values[4] = Int64GetDatum(object_id);
	values[5] = Int64GetDatum(unit);
	if (rule != NULL)
		values[6] = CStringGetTextDatum(rule);
	else
		isnull[6] = true;
	values[7] = CStringGetTextDatum(event);
	values[8] = TimestampTzGetDatum(due_at);
	isnull[8] = due_null;
	isnull[9] = isnull[10] = true;
	sqm_append_row(&outbox_table, values, isnull,
				   psprintf("outbox event %lld of organisation %lld", (long long) seq, (long long) org));
	sqm_chain_outbox_moved(org, seq);

	/*
	 * Opted in: delivered when the transaction commits, never if it (or the
	 * subtransaction that wrote the row) rolls back.
	 */
	if (sqm_org_notifies(org))
		Async_Notify(psprintf("sqm_org_%lld", (long long) org), psprintf("%lld", (long long) seq));
	return seq;
}

/*
 * sqm.outbox_append(org, kind, object_id, unit_id, event, rule, due_at)
 * RETURNS bigint: the sweep's way into the outbox.  NULL, writing nothing,
 * if the outbox has the event already (the same object, rule and event):
 * asked with the latest snapshot once the organisation's chain lock is
 * held, so that of two sweeps the second sees what the first wrote.
 * Owner only.
 */
Datum
sqm_outbox_append_sql(PG_FUNCTION_ARGS)
{
	int64		org;
	char	   *kind;
	char	   *event;
	char	   *rule;
	Datum		args[5];
	bool		exists;
	int			i;

	for (i = 0; i < 5; i++)
		if (PG_ARGISNULL(i))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("an outbox event needs an organisation, a kind, an object, a unit and an event"),
					 errhint("Only the rule and the due time may be NULL.")));
	org = PG_GETARG_INT64(0);
	kind = text_to_cstring(PG_GETARG_TEXT_PP(1));
	event = text_to_cstring(PG_GETARG_TEXT_PP(4));
	rule = PG_ARGISNULL(5) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(5));

	(void) sqm_chain_outbox_seq(org);	/* the lock first */
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "unexpected failure of SPI_connect");
	if (outbox_exists_plan == NULL)
	{
		Oid			argtypes[5] = {INT8OID, TEXTOID, INT8OID, TEXTOID, TEXTOID};

		outbox_exists_plan = sqm_prepare_kept(OUTBOX_EXISTS_SQL, 5, argtypes);
	}
	args[0] = Int64GetDatum(org);
	args[1] = PG_GETARG_DATUM(1);
	args[2] = PG_GETARG_DATUM(2);
	args[3] = CStringGetTextDatum(rule != NULL ? rule : "");
	args[4] = PG_GETARG_DATUM(4);
	if (SPI_execute_snapshot(outbox_exists_plan, args, NULL, GetLatestSnapshot(), InvalidSnapshot,
							 true, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "unexpected result of reading the outbox");
	exists = SPI_processed > 0;
	SPI_finish();
	if (exists)
		PG_RETURN_NULL();
	PG_RETURN_INT64(sqm_outbox_append(org, kind, PG_GETARG_INT64(2), PG_GETARG_INT64(3), event, rule,
									  PG_ARGISNULL(6), PG_ARGISNULL(6) ? 0 : PG_GETARG_TIMESTAMPTZ(6)));
}
