/*-------------------------------------------------------------------------
 *
 * append.c
 *	  Appending one row to a table of sqm's own logs -- the audit trail
 *	  (sqm.audit_event), the values kept beside it (sqm.audit_value) and the
 *	  outbox (sqm.outbox) -- as cheaply as the table allows, and never by
 *	  skipping anything the table demands.
 *
 * This file owns sqm_append_row(), the setting sqm.append_through_spi
 * (PGC_SUSET) and sqm.append_stats().
 *
 * Two paths.  An INSERT through the executor -- a kept SPI plan -- costs
 * several times the row it writes: executor start-up and shut-down for
 * every statement, and every CHECK constraint read back from its stored
 * form and prepared again each time (measured: about 25 us for one audit
 * event, against about 3 us for the heap and index insertions themselves).
 * So while the table has nothing but columns, constraints and indexes, the
 * row goes in the way logical replication's apply writes rows
 * (ExecSimpleRelationInsert): through the executor's own routines, without
 * a plan -- ExecConstraints for the NOT NULL and CHECK constraints, the
 * table access method's insert, ExecInsertIndexTuples for every index
 * (expressions, partial indexes, uniqueness and exclusion included).  The
 * state they need -- the open relation and indexes, an EState, the
 * ResultRelInfo whose CHECK constraints ExecConstraints prepares on its
 * first row -- is built once per transaction and table and closed before
 * the transaction commits; a change of the table (a new constraint, a new
 * index, a new trigger or rule: its relcache invalidation) makes the next
 * row build it again, in the same transaction too.
 *
 * Anything those routines do not run sends the row through the SPI path
 * (a kept INSERT plan, as the table's owner), so that it runs: an INSERT
 * trigger of any kind (row or statement level; a foreign key's check is
 * one), a rule on INSERT, FORCE ROW LEVEL SECURITY, generated columns, a
 * column the row does not fill (its default), a partitioned or foreign
 * table.  And a superuser can send every row that way: sqm.append_through_spi
 * = on (PGC_SUSET: a setting any role could change would let it pick which
 * code checks the trail's constraints, design.md §3b).
 *
 * Never a lost row.  The logs are append-only and every write of sqm leaves
 * its row there, so a table that would swallow the row refuses the write
 * with SQ010: a DO INSTEAD rule on INSERT (which would put something else
 * in the row's place) before anything is tried, and an INSERT that reports
 * no row written (a BEFORE trigger returning NULL, a rule's condition).
 *
 * Rows are written on behalf of the table's owner on both paths, so that a
 * writer of a governed table needs no privilege on the logs and an error
 * (a CHECK constraint's "Failing row contains ...") reads the same on both.
 * sqm.append_stats() counts, per table and session, the rows each path
 * wrote (tests check that the direct path is taken, and the setting obeyed).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "executor/executor.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "nodes/nodes.h"
#include "rewrite/prs2lock.h"
#include "utils/builtins.h"
#include "utils/catcache.h"
#include "utils/guc.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/resowner.h"
#include "utils/snapmgr.h"

#include "sqm.h"

/*
 * What one table needs for its rows, kept for the life of the backend until
 * the table changes (a relcache invalidation) or a (sub)transaction aborts.
 * No relation stays open between rows: the table and its indexes are
 * opened (and locked, to the end of the transaction) for each row and
 * closed after it, so that nothing here keeps the session from altering
 * the table; the pointers kept are those the relcache hands out as long as
 * the entries are not invalidated, which the callback sees.
 */
struct SqmAppendXact
{
	MemoryContext cxt;			/* holds all of it; under CacheMemoryContext */
	bool		stale;			/* a relcache callback saw the table, or an abort */
	Relation	rel;			/* as the relcache handed it out */
	Oid			owner;
	bool		direct;			/* the direct path may write it */
	Oid			instead;		/* a DO INSTEAD rule on INSERT: its pg_rewrite OID */
	int		   *attnos;			/* 0-based attribute of each of the table's columns */
	int			nindexes;
	Oid		   *indexoids;
	Relation   *indexrels;		/* as ExecOpenIndices got them */
	EState	   *estate;			/* direct path only, from here on */
	ResultRelInfo *rri;
	TupleTableSlot *slot;
};

/* sqm.append_through_spi */
static bool append_through_spi = false;

/* Every table that has appended in this backend (for callbacks and stats). */
static SqmAppendTable *append_tables = NULL;

PG_FUNCTION_INFO_V1(sqm_append_stats);


/* ----------------------------------------------------------------
 *		The state of a table
 * ----------------------------------------------------------------
 */

static void
append_mark_stale(void)
{
	SqmAppendTable *t;

	for (t = append_tables; t != NULL; t = t->next)
		if (t->xact != NULL)
			t->xact->stale = true;
}

/*
 * An abort may leave the executor's state half-built (the CHECK constraints
 * are prepared on the first row): build it again.
 */
static void
append_xact_callback(XactEvent event, void *arg)
{
	if (event == XACT_EVENT_ABORT || event == XACT_EVENT_PARALLEL_ABORT)
		append_mark_stale();
}

static void
append_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
						SubTransactionId parentSubid, void *arg)
{
	if (event == SUBXACT_EVENT_ABORT_SUB)
		append_mark_stale();
}

/*
 * A relcache invalidation of the table (or of everything): the next row
 * builds its state again.  Called through the library's one relcache
 * callback (sqm.c).
 */
static void
append_relcache_callback(Datum arg, Oid relid)
{
	SqmAppendTable *t;
	int			i;

	for (t = append_tables; t != NULL; t = t->next)
	{
		if (!OidIsValid(relid) || relid == t->relid)
		{
			t->relid_checked = false;
			if (t->xact != NULL)
				t->xact->stale = true;
		}
		else if (t->xact != NULL)
		{
			for (i = 0; i < t->xact->nindexes; i++)
				if (t->xact->indexoids[i] == relid)
					t->xact->stale = true;
		}
	}
}

void
sqm_append_init(void)
{
	/*
	 * Superusers only: which path writes the trail must not be a choice of
	 * the writer whose events it records (design.md §3b).
	 */
	DefineCustomBoolVariable("sqm.append_through_spi",
							 "Appends every audit event, kept value and outbox row through an SPI INSERT (superusers).",
							 "Off: rows go through the executor's row routines directly while the table has no trigger or rule on INSERT.",
							 &append_through_spi,
							 false,
							 PGC_SUSET,
							 0,
							 NULL,
							 NULL,
							 NULL);
	RegisterXactCallback(append_xact_callback, NULL);
	RegisterSubXactCallback(append_subxact_callback, NULL);
	sqm_register_relcache_callback(append_relcache_callback);
}

/*
 * The table, opened for one row (RowExclusiveLock, held to the end of the
 * transaction); looked up by name in schema sqm once and again after it
 * changed.
 */
static Relation
append_open_relation(SqmAppendTable *t)
{
	Relation	rel = NULL;

	if (OidIsValid(t->relid))
	{
		rel = try_table_open(t->relid, RowExclusiveLock);
		if (rel != NULL && !t->relid_checked &&
			(strcmp(get_namespace_name(RelationGetNamespace(rel)), "sqm") != 0 ||
			 strcmp(RelationGetRelationName(rel), t->name) != 0))
		{
			table_close(rel, RowExclusiveLock);
			rel = NULL;
		}
	}
	if (rel == NULL)
	{
		Oid			nsp = get_namespace_oid("sqm", true);
		Oid			relid = OidIsValid(nsp) ? get_relname_relid(t->name, nsp) : InvalidOid;

		if (!OidIsValid(relid))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_TABLE),
					 errmsg("table sqm.%s does not exist", t->name),
					 errhint("Install sqm with CREATE EXTENSION sqm.")));
		rel = table_open(relid, RowExclusiveLock);
		t->relid = relid;
	}
	t->relid_checked = true;
	return rel;
}

/*
 * Whether the executor's row routines alone honour everything the table
 * has for an INSERT; sets x->instead for a DO INSTEAD rule.  See the header
 * comment for the list.
 */
static bool
append_direct_possible(SqmAppendTable *t, SqmAppendXact *x, Relation rel)
{
	TupleDesc	tupdesc = RelationGetDescr(rel);
	TriggerDesc *trig = rel->trigdesc;
	bool		possible = true;
	int			filled = 0;
	int			i;
	int			c;

	if (rel->rd_rules != NULL)
	{
		for (i = 0; i < rel->rd_rules->numLocks; i++)
		{
			RewriteRule *rule = rel->rd_rules->rules[i];

			if (rule->event != CMD_INSERT)
				continue;
			possible = false;
			if (rule->isInstead && !OidIsValid(x->instead))
				x->instead = rule->ruleId;
		}
	}
	if (trig != NULL &&
		(trig->trig_insert_before_row || trig->trig_insert_after_row ||
		 trig->trig_insert_instead_row || trig->trig_insert_before_statement ||
		 trig->trig_insert_after_statement || trig->trig_insert_new_table))
		possible = false;
	if (rel->rd_rel->relkind != RELKIND_RELATION || rel->rd_rel->relforcerowsecurity ||
		(tupdesc->constr != NULL && tupdesc->constr->has_generated_stored))
		possible = false;

	/* every column the row fills, and no other */
	for (c = 0; c < t->ncolumns; c++)
	{
		x->attnos[c] = -1;
		for (i = 0; i < tupdesc->natts; i++)
		{
			Form_pg_attribute att = TupleDescAttr(tupdesc, i);

			if (!att->attisdropped && strcmp(NameStr(att->attname), t->columns[c]) == 0)
			{
				if (att->atttypid == t->types[c])
				{
					x->attnos[c] = i;
					filled++;
				}
				break;
			}
		}
		if (x->attnos[c] < 0)
			possible = false;	/* SPI says what is wrong */
	}
	for (i = 0; i < tupdesc->natts; i++)
		if (!TupleDescAttr(tupdesc, i)->attisdropped)
			filled--;
	if (filled != 0)
		possible = false;		/* a column of the table gets its default */
	return possible;
}

static void
append_free(SqmAppendTable *t)
{
	SqmAppendXact *x = t->xact;

	if (x == NULL)
		return;
	t->xact = NULL;
	if (x->slot != NULL)
		ExecDropSingleTupleTableSlot(x->slot);
	if (x->estate != NULL)
		FreeExecutorState(x->estate);
	MemoryContextDelete(x->cxt);
}

/*
 * The state of the table for a row: the relation is open (rel); the indexes
 * are opened here, into the ResultRelInfo.  Built again when the table
 * changed.
 */
static SqmAppendXact *
append_state(SqmAppendTable *t, Relation rel)
{
	SqmAppendXact *x = t->xact;
	MemoryContext oldcxt;
	int			i;

	if (x != NULL && !x->stale && x->rel == rel)
	{
		if (!x->direct)
			return x;
		for (i = 0; i < x->nindexes; i++)
		{
			Relation	index = index_open(x->indexoids[i], RowExclusiveLock);

			if (index != x->indexrels[i] || x->stale)
			{
				/* the relcache gave another entry: start again */
				index_close(index, NoLock);
				while (--i >= 0)
					index_close(x->indexrels[i], NoLock);
				break;
			}
		}
		if (i == x->nindexes && !x->stale)
			return x;
	}
	append_free(t);

	if (CacheMemoryContext == NULL)
		CreateCacheMemoryContext();
	{
		MemoryContext cxt = AllocSetContextCreate(CacheMemoryContext, "sqm append", ALLOCSET_SMALL_SIZES);

		x = MemoryContextAllocZero(cxt, sizeof(SqmAppendXact));
		x->cxt = cxt;
	}
	x->rel = rel;
	x->owner = rel->rd_rel->relowner;
	x->attnos = MemoryContextAlloc(x->cxt, sizeof(int) * t->ncolumns);
	t->xact = x;				/* freed by the next rebuild if this one fails */
	x->direct = append_direct_possible(t, x, rel);
	if (x->direct)
	{
		oldcxt = MemoryContextSwitchTo(x->cxt);
		x->estate = CreateExecutorState();
		x->rri = makeNode(ResultRelInfo);
		InitResultRelInfo(x->rri, rel, 0, NULL, 0);
		ExecOpenIndices(x->rri, false);
		x->nindexes = x->rri->ri_NumIndices;
		x->indexoids = palloc(sizeof(Oid) * Max(x->nindexes, 1));
		x->indexrels = palloc(sizeof(Relation) * Max(x->nindexes, 1));
		for (i = 0; i < x->nindexes; i++)
		{
			x->indexrels[i] = x->rri->ri_IndexRelationDescs[i];
			x->indexoids[i] = RelationGetRelid(x->indexrels[i]);
		}
		/* a copy of the row type: a slot would pin the relcache's to the resource owner */
		x->slot = MakeSingleTupleTableSlot(CreateTupleDescCopy(RelationGetDescr(rel)),
										   table_slot_callbacks(rel));
		MemoryContextSwitchTo(oldcxt);
	}
	if (!t->registered)
	{
		t->next = append_tables;
		append_tables = t;
		t->registered = true;
	}
	return x;
}

/* After a row: the indexes and the table are closed, their locks kept. */
static void
append_close(SqmAppendXact *x, Relation rel)
{
	int			i;

	if (x != NULL && x->direct)
		for (i = 0; i < x->nindexes; i++)
			index_close(x->indexrels[i], NoLock);
	table_close(rel, NoLock);
}


/* ----------------------------------------------------------------
 *		The two paths
 * ----------------------------------------------------------------
 */

static void
append_lost(SqmAppendTable *t, const char *what, Oid ruleid)
{
	char	   *rule = NULL;

	/* the rule's name, for the message (an error path: a query is fine) */
	if (OidIsValid(ruleid) && SPI_connect() == SPI_OK_CONNECT)
	{
		char	   *q = psprintf("SELECT rulename FROM pg_catalog.pg_rewrite WHERE oid OPERATOR(pg_catalog.=) %u", ruleid);

		if (SPI_execute(q, true, 1) == SPI_OK_SELECT && SPI_processed == 1)
			rule = MemoryContextStrdup(TopTransactionContext,
									   SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1));
		SPI_finish();
	}
	ereport(ERROR,
			(errcode(ERRCODE_SQM_APPEND_ONLY),
			 errmsg("%s cannot be appended to sqm.%s", what, t->name),
			 OidIsValid(ruleid) ?
			 errdetail("The DO INSTEAD rule \"%s\" on INSERT into sqm.%s would put something else in its place.",
					   rule ? rule : "?", t->name) :
			 errdetail("The INSERT into sqm.%s wrote no row: a rule or trigger on the table kept it out.", t->name),
			 errhint("sqm.%s is append-only and every write of sqm leaves its row there: drop the rule or trigger. Nothing was written.",
					 t->name)));
}

/*
 * The executor's row routines, as ExecSimpleRelationInsert runs them, for a
 * table that has no trigger or rule on INSERT.
 */
static void
append_direct(SqmAppendTable *t, SqmAppendXact *x, Datum *values, const bool *isnull)
{
	TupleTableSlot *slot = x->slot;
	EState	   *estate = x->estate;
	List	   *recheck = NIL;
	int			c;

	ExecClearTuple(slot);
	memset(slot->tts_isnull, true, slot->tts_tupleDescriptor->natts * sizeof(bool));
	for (c = 0; c < t->ncolumns; c++)
	{
		slot->tts_values[x->attnos[c]] = values[c];
		slot->tts_isnull[x->attnos[c]] = isnull[c];
	}
	ExecStoreVirtualTuple(slot);

	estate->es_output_cid = GetCurrentCommandId(true);
	estate->es_snapshot = ActiveSnapshotSet() ? GetActiveSnapshot() : InvalidSnapshot;
	if (x->rri->ri_RelationDesc->rd_att->constr != NULL)
		ExecConstraints(x->rri, slot, estate);
	simple_table_tuple_insert(x->rri->ri_RelationDesc, slot);
	if (x->rri->ri_NumIndices > 0)
		recheck = ExecInsertIndexTuples(x->rri, slot, estate, false, false, NULL, NIL);
	/* only a deferrable index asks for a recheck, and its trigger keeps this path away */
	if (recheck != NIL)
		elog(ERROR, "unexpected: an index of sqm.%s asks for a deferred recheck", t->name);
	ExecClearTuple(slot);
	ResetPerTupleExprContext(estate);
}

/* A kept INSERT plan: every trigger and rule of the table runs. */
static void
append_spi(SqmAppendTable *t, Datum *values, const bool *isnull, const char *what)
{
	char	   *nulls = palloc(t->ncolumns + 1);
	int			ret;
	int			c;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "unexpected failure of SPI_connect");
	if (t->plan == NULL)
	{
		StringInfoData q;

		initStringInfo(&q);
		appendStringInfo(&q, "INSERT INTO sqm.%s (", quote_identifier(t->name));
		for (c = 0; c < t->ncolumns; c++)
			appendStringInfo(&q, "%s%s", c > 0 ? ", " : "", quote_identifier(t->columns[c]));
		appendStringInfoString(&q, ") VALUES (");
		for (c = 0; c < t->ncolumns; c++)
			appendStringInfo(&q, "%s$%d", c > 0 ? ", " : "", c + 1);
		appendStringInfoChar(&q, ')');
		t->plan = sqm_prepare_kept(q.data, t->ncolumns, (Oid *) t->types);
	}
	for (c = 0; c < t->ncolumns; c++)
		nulls[c] = isnull[c] ? 'n' : ' ';
	nulls[t->ncolumns] = '\0';
	ret = SPI_execute_plan(t->plan, values, nulls, false, 0);
	if (ret < 0)
		elog(ERROR, "unexpected result %s of appending to sqm.%s", SPI_result_code_string(ret), t->name);
	if (ret != SPI_OK_INSERT || SPI_processed != 1)
		append_lost(t, what, InvalidOid);
	SPI_finish();
}

/*
 * Appends one row to the table: values (NULL where isnull) of the table's
 * columns t->columns, in that order.  what names the row in errors ("audit
 * event 17 of organisation 1").  Written on behalf of the table's owner.
 */
void
sqm_append_row(SqmAppendTable *t, Datum *values, const bool *isnull, const char *what)
{
	Relation	rel = append_open_relation(t);
	SqmAppendXact *x = append_state(t, rel);
	SqmSavedUser saved;

	if (OidIsValid(x->instead))
		append_lost(t, what, x->instead);
	sqm_become_user(x->owner, &saved);
	if (x->direct && !append_through_spi)
	{
		append_direct(t, x, values, isnull);
		t->ndirect++;
	}
	else
	{
		append_spi(t, values, isnull, what);
		t->nspi++;
	}
	sqm_restore_user(&saved);
	append_close(x, rel);
}

/* sqm.append_stats(): per table, the rows this session appended by each path. */
Datum
sqm_append_stats(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	SqmAppendTable *t;

	InitMaterializedSRF(fcinfo, 0);
	for (t = append_tables; t != NULL; t = t->next)
	{
		Datum		values[3];
		bool		nulls[3] = {false, false, false};

		values[0] = CStringGetTextDatum(psprintf("sqm.%s", t->name));
		values[1] = Int64GetDatum(t->ndirect);
		values[2] = Int64GetDatum(t->nspi);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
