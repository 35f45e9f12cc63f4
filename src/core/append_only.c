/*-------------------------------------------------------------------------
 *
 * append_only.c
 *	  The one refusal that keeps a table append-only: what sqm recorded is
 *	  never changed or removed, whoever asks.
 *
 * sqm.append_only() is a trigger, BEFORE UPDATE OR DELETE FOR EACH ROW and
 * BEFORE TRUNCATE FOR EACH STATEMENT, on every table whose rows are a record
 * (the audit trail, the outbox, units, and every kind's record tables,
 * which sqm.govern_records wires).  Its arguments name the
 * columns that may be set once: an UPDATE passes only if every column it
 * changes is one of them and was NULL before (e.g. the acknowledgement of an
 * outbox event).  Everything else is refused with SQ010, naming the table
 * and what the statement would have changed.
 *
 * sqm.erase_only() is its mirror for what a retention rule may erase (the
 * values the audit trail keeps outside its chain, sqm.audit_value): same
 * events, and its arguments name the columns that may be erased -- an
 * UPDATE passes only if every column it changes is one of them and becomes
 * NULL.  Rows are never deleted: an erased row says a value was there.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "commands/trigger.h"
#include "utils/datum.h"
#include "utils/rel.h"

#include "sqm.h"

PG_FUNCTION_INFO_V1(sqm_append_only);
PG_FUNCTION_INFO_V1(sqm_erase_only);

#define ERASE_ONLY_HINT \
	"Create it as: CREATE TRIGGER erase_only BEFORE UPDATE OR DELETE ON <table> FOR EACH ROW " \
	"EXECUTE FUNCTION sqm.erase_only('<column that may be erased>', ...) and " \
	"CREATE TRIGGER no_truncate BEFORE TRUNCATE ON <table> EXECUTE FUNCTION sqm.erase_only()."

#define APPEND_ONLY_HINT \
	"Create it as: CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON <table> FOR EACH ROW " \
	"EXECUTE FUNCTION sqm.append_only(['<column set once>', ...]) and " \
	"CREATE TRIGGER no_truncate BEFORE TRUNCATE ON <table> EXECUTE FUNCTION sqm.append_only()."

static bool
named_in_arguments(Trigger *trigger, const char *column)
{
	int			i;

	for (i = 0; i < trigger->tgnargs; i++)
		if (strcmp(trigger->tgargs[i], column) == 0)
			return true;
	return false;
}

static void
refuse(Relation rel, const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_SQM_APPEND_ONLY),
			 errmsg("table %s is append-only", sqm_relation_name(RelationGetRelid(rel))),
			 errdetail("%s", what),
			 errhint("What was recorded stays as it was; record a correction as a new row.")));
}

Datum
sqm_append_only(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata;
	Relation	rel;
	TupleDesc	tupdesc;
	HeapTuple	oldtuple;
	HeapTuple	newtuple;
	int			i;

	trigdata = sqm_trigger_protocol(fcinfo, "sqm.append_only()",
									SQM_TG_ROW | SQM_TG_STATEMENT | SQM_TG_BEFORE |
									SQM_TG_UPDATE | SQM_TG_DELETE | SQM_TG_TRUNCATE,
									APPEND_ONLY_HINT);
	rel = trigdata->tg_relation;

	if (TRIGGER_FIRED_BY_TRUNCATE(trigdata->tg_event))
		refuse(rel, "TRUNCATE would remove every recorded row.");
	if (!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("trigger \"%s\" on table %s must fire FOR EACH ROW",
						trigdata->tg_trigger->tgname, sqm_relation_name(RelationGetRelid(rel))),
				 errhint(APPEND_ONLY_HINT)));
	if (TRIGGER_FIRED_BY_DELETE(trigdata->tg_event))
		refuse(rel, "DELETE would remove a recorded row.");

	/* UPDATE: only columns set once, from NULL */
	tupdesc = RelationGetDescr(rel);
	oldtuple = trigdata->tg_trigtuple;
	newtuple = trigdata->tg_newtuple;
	for (i = 0; i < tupdesc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(tupdesc, i);
		bool		oldnull;
		bool		newnull;
		Datum		oldvalue;
		Datum		newvalue;

		if (att->attisdropped)
			continue;
		oldvalue = heap_getattr(oldtuple, i + 1, tupdesc, &oldnull);
		newvalue = heap_getattr(newtuple, i + 1, tupdesc, &newnull);
		if (oldnull && newnull)
			continue;
		if (!oldnull && !newnull &&
			datum_image_eq(oldvalue, newvalue, att->attbyval, att->attlen))
			continue;
		if (!named_in_arguments(trigdata->tg_trigger, NameStr(att->attname)))
			refuse(rel, psprintf("UPDATE would change column \"%s\" of a recorded row.",
								 NameStr(att->attname)));
		if (!oldnull)
			refuse(rel, psprintf("Column \"%s\" was set already; it is set only once.",
								 NameStr(att->attname)));
	}
	return PointerGetDatum(newtuple);
}

/*
 * sqm.erase_only('<column>', ...): BEFORE UPDATE OR DELETE FOR EACH ROW and
 * BEFORE TRUNCATE.  What was recorded may only be erased: the named columns
 * set to NULL, nothing else changed, no row removed (SQ010 otherwise).
 */
Datum
sqm_erase_only(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata;
	Relation	rel;
	TupleDesc	tupdesc;
	HeapTuple	oldtuple;
	HeapTuple	newtuple;
	int			i;

	trigdata = sqm_trigger_protocol(fcinfo, "sqm.erase_only()",
									SQM_TG_ROW | SQM_TG_STATEMENT | SQM_TG_BEFORE |
									SQM_TG_UPDATE | SQM_TG_DELETE | SQM_TG_TRUNCATE,
									ERASE_ONLY_HINT);
	rel = trigdata->tg_relation;

	if (TRIGGER_FIRED_BY_TRUNCATE(trigdata->tg_event))
		refuse(rel, "TRUNCATE would remove every recorded row.");
	if (!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("trigger \"%s\" on table %s must fire FOR EACH ROW",
						trigdata->tg_trigger->tgname, sqm_relation_name(RelationGetRelid(rel))),
				 errhint(ERASE_ONLY_HINT)));
	if (TRIGGER_FIRED_BY_DELETE(trigdata->tg_event))
		refuse(rel, "DELETE would remove a recorded row; erase its values by setting them to NULL.");

	/* UPDATE: only erasable columns, to NULL */
	tupdesc = RelationGetDescr(rel);
	oldtuple = trigdata->tg_trigtuple;
	newtuple = trigdata->tg_newtuple;
	for (i = 0; i < tupdesc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(tupdesc, i);
		bool		oldnull;
		bool		newnull;
		Datum		oldvalue;
		Datum		newvalue;

		if (att->attisdropped)
			continue;
		oldvalue = heap_getattr(oldtuple, i + 1, tupdesc, &oldnull);
		newvalue = heap_getattr(newtuple, i + 1, tupdesc, &newnull);
		if (oldnull && newnull)
			continue;
		if (!oldnull && !newnull &&
			datum_image_eq(oldvalue, newvalue, att->attbyval, att->attlen))
			continue;
		if (!named_in_arguments(trigdata->tg_trigger, NameStr(att->attname)))
			refuse(rel, psprintf("UPDATE would change column \"%s\" of a recorded row.",
								 NameStr(att->attname)));
		if (!newnull)
			refuse(rel, psprintf("Column \"%s\" can only be erased (set to NULL).",
								 NameStr(att->attname)));
	}
	return PointerGetDatum(newtuple);
}
