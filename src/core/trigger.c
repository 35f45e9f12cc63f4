/*-------------------------------------------------------------------------
 *
 * trigger.c
 *	  The checks every sqm trigger opens with, and the governed-table
 *	  protocol's columns.
 *
 * sqm's C triggers (the lifecycle engine, the audit trail, the append-only
 * refusal, the registry and the case links) are configured by their
 * CREATE TRIGGER statement.  Each opens with sqm_trigger_protocol(): called
 * by the trigger manager, at the level, timing and for the events it
 * accepts; a misuse is refused with 39P01 (trigger protocol violated) naming
 * the trigger and its table, and the caller's hint says how to create it.
 *
 * A governed table has org_id bigint, id bigint and state text (doc/core.md);
 * sqm_governed_columns() finds them or refuses the table.  A kind's details
 * table has the same key without a state; sqm_details_columns() finds it.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/tupdesc.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "sqm.h"

#define GOVERNED_COLUMNS_HINT \
	"A governed table has the columns org_id bigint, id bigint and state text."
#define DETAILS_COLUMNS_HINT \
	"A details table has the key of its cases: org_id bigint and id bigint."

/* "schema.table" as PostgreSQL quotes it; only for messages. */
char *
sqm_relation_name(Oid relid)
{
	char	   *relname = get_rel_name(relid);

	if (relname == NULL)
		return psprintf("with OID %u (dropped)", relid);
	return quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
									  relname);
}

/* The column of that name, or NULL. */
Form_pg_attribute
sqm_find_column(TupleDesc tupdesc, const char *name)
{
	int			i;

	for (i = 0; i < tupdesc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(tupdesc, i);

		if (!att->attisdropped && strcmp(NameStr(att->attname), name) == 0)
			return att;
	}
	return NULL;
}

static const char *
event_name(TriggerEvent event)
{
	if (TRIGGER_FIRED_BY_INSERT(event))
		return "INSERT";
	if (TRIGGER_FIRED_BY_UPDATE(event))
		return "UPDATE";
	if (TRIGGER_FIRED_BY_DELETE(event))
		return "DELETE";
	return "TRUNCATE";
}

static int
event_flag(TriggerEvent event)
{
	if (TRIGGER_FIRED_BY_INSERT(event))
		return SQM_TG_INSERT;
	if (TRIGGER_FIRED_BY_UPDATE(event))
		return SQM_TG_UPDATE;
	if (TRIGGER_FIRED_BY_DELETE(event))
		return SQM_TG_DELETE;
	return SQM_TG_TRUNCATE;
}

/*
 * The checks every sqm trigger opens with: called by the trigger manager,
 * for the events, FOR EACH ROW or STATEMENT and BEFORE or AFTER as
 * "accepts" (SQM_TG_* flags) allows.  Returns the trigger data.
 */
TriggerData *
sqm_trigger_protocol(FunctionCallInfo fcinfo, const char *funcname, int accepts,
					 const char *hint)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	TriggerEvent event;
	const char *tgname;
	char	   *table;
	bool		row;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function %s was not called by the trigger manager", funcname),
				 errhint("%s", hint)));

	event = trigdata->tg_event;
	tgname = trigdata->tg_trigger->tgname;
	row = TRIGGER_FIRED_FOR_ROW(event);
	table = sqm_relation_name(RelationGetRelid(trigdata->tg_relation));

	if (!(accepts & event_flag(event)))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("trigger \"%s\" on table %s must not fire on %s", tgname, table,
						event_name(event)),
				 errhint("%s", hint)));

	if (!(accepts & (row ? SQM_TG_ROW : SQM_TG_STATEMENT)))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("trigger \"%s\" on table %s must fire FOR EACH %s", tgname, table,
						row ? "STATEMENT" : "ROW"),
				 errhint("%s", hint)));

	if (!(accepts & (TRIGGER_FIRED_BEFORE(event) ? SQM_TG_BEFORE :
					 TRIGGER_FIRED_AFTER(event) ? SQM_TG_AFTER : 0)))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("trigger \"%s\" on table %s must fire %s", tgname, table,
						(accepts & SQM_TG_BEFORE) ?
						(row ? "BEFORE the row is written" : "BEFORE the statement") :
						(row ? "AFTER the row is written" : "AFTER the statement")),
				 errdetail("It fires %s.",
						   TRIGGER_FIRED_BEFORE(event) ? "BEFORE" :
						   TRIGGER_FIRED_AFTER(event) ? "AFTER" : "INSTEAD OF"),
				 errhint("%s", hint)));

	return trigdata;
}

/* The protocol's columns: org_id and id of every case, state of a case row. */
static const struct
{
	const char *name;
	Oid			type;
}			protocol_columns[3] = {{"org_id", INT8OID}, {"id", INT8OID}, {"state", TEXTOID}};

/* Finds the first n protocol columns of a table, or refuses it (39P01). */
static void
protocol_columns_find(Relation rel, int n, AttrNumber **attnums, const char *hint)
{
	TupleDesc	tupdesc = RelationGetDescr(rel);
	int			c;

	for (c = 0; c < n; c++)
	{
		Form_pg_attribute att = sqm_find_column(tupdesc, protocol_columns[c].name);

		if (att == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
					 errmsg("table %s does not follow the governed-table protocol",
							sqm_relation_name(RelationGetRelid(rel))),
					 errdetail("It has no column \"%s\".", protocol_columns[c].name),
					 errhint("%s", hint)));
		if (att->atttypid != protocol_columns[c].type)
			ereport(ERROR,
					(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
					 errmsg("table %s does not follow the governed-table protocol",
							sqm_relation_name(RelationGetRelid(rel))),
					 errdetail("Column \"%s\" is of type %s, not %s.", protocol_columns[c].name,
							   format_type_be(att->atttypid), format_type_be(protocol_columns[c].type)),
					 errhint("%s", hint)));
		*attnums[c] = att->attnum;
	}
}

/*
 * The attribute numbers of org_id, id and state of a governed table; refuses
 * (39P01) a table without them.
 */
void
sqm_governed_columns(Relation rel, AttrNumber *org_attnum, AttrNumber *id_attnum,
					 AttrNumber *state_attnum)
{
	AttrNumber *attnums[3] = {org_attnum, id_attnum, state_attnum};

	protocol_columns_find(rel, 3, attnums, GOVERNED_COLUMNS_HINT);
}

/*
 * The attribute numbers of org_id and id of a kind's details table (the key
 * of its cases, no state); refuses (39P01) a table without them.
 */
void
sqm_details_columns(Relation rel, AttrNumber *org_attnum, AttrNumber *id_attnum)
{
	AttrNumber *attnums[2] = {org_attnum, id_attnum};

	protocol_columns_find(rel, 2, attnums, DETAILS_COLUMNS_HINT);
}
