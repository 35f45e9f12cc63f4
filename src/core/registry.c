/*-------------------------------------------------------------------------
 *
 * registry.c
 *	  One registry per organisation: a registry number (diarienummer) is held
 *	  by one matter of the organisation, whatever its kind, and a registered
 *	  number never changes.
 *
 * The registry is sqm.registry_entry (org_id, regnr, kind, object_id,
 * column_name), keyed by (org_id, regnr).  This file owns
 *
 *	- the trigger sqm.registry_claim('<column>'), AFTER INSERT OR UPDATE FOR
 *	  EACH ROW on a governed table with a registry-number column (type
 *	  sqm.regnr).  When the column gets a value, the case claims the number:
 *	  an entry for the kind the table governs and the case's id.  A number
 *	  held by any case of the organisation is refused with 23505
 *	  (unique_violation), naming its holder.  Once set the column never
 *	  changes and is never cleared: SQ010, as for every record sqm keeps.
 *	- the trigger sqm.registry_entry_check(), BEFORE INSERT FOR EACH ROW on
 *	  sqm.registry_entry: an entry names a registered kind and a case of the
 *	  organisation that holds the number in the named column; otherwise
 *	  23503.  So an entry written directly says no more than the claim would.
 *
 * Concurrency.  The claim inserts with ON CONFLICT (org_id, regnr) DO
 * NOTHING: of two transactions claiming one number, the second waits for
 * the first and, once it committed, inserts nothing and is refused naming
 * the holder (under READ COMMITTED the holder is read with a fresh
 * snapshot; under REPEATABLE READ or SERIALIZABLE PostgreSQL itself refuses
 * with 40001, since the holder is not in the snapshot); if the first rolled
 * back, the second holds the number.  The primary key stays the last line
 * for anyone who bypasses the trigger.
 *
 * The entry is written as the owner of sqm.registry_entry (no role may
 * write it), the lookups as the owners of the tables they read (cases.c).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"
#include "utils/typcache.h"

#include "sqm.h"

PG_FUNCTION_INFO_V1(sqm_registry_claim);
PG_FUNCTION_INFO_V1(sqm_registry_entry_check);

#define REGISTRY_CLAIM_HINT \
	"Create it as: CREATE TRIGGER registry_claim AFTER INSERT OR UPDATE ON <governed table> " \
	"FOR EACH ROW EXECUTE FUNCTION sqm.registry_claim('<column of type sqm.regnr>')."

#define REGISTRY_ENTRY_HINT \
	"Registry entries are made by the trigger sqm.registry_claim() when a case gets its number."

/* Numbers are passed as text and cast in the query: no type OID is kept. */
#define CLAIM_SQL \
	"INSERT INTO sqm.registry_entry (org_id, regnr, kind, object_id, column_name)" \
	" VALUES ($1, $2::sqm.regnr, $3, $4, $5)" \
	" ON CONFLICT (org_id, regnr) DO NOTHING"

#define HOLDER_SQL \
	"SELECT e.kind, COALESCE(k.label_en, e.kind), e.object_id, e.column_name" \
	"  FROM sqm.registry_entry e JOIN sqm.lifecycle_kind k ON k.kind OPERATOR(pg_catalog.=) e.kind" \
	" WHERE e.org_id OPERATOR(pg_catalog.=) $1 AND e.regnr OPERATOR(sqm.=) $2::sqm.regnr"

static SPIPlanPtr claim_plan = NULL;
static SPIPlanPtr holder_plan = NULL;

/*
 * The OID of type sqm.regnr.  Kept for the backend and looked up again when
 * a column's type is not the one kept (the extension may have been
 * re-created), so that the trigger's usual path does no catalog access.
 */
static Oid	regnr_type_kept = InvalidOid;

static Oid
regnr_type(void)
{
	Oid			nsp = get_namespace_oid("sqm", false);
	Oid			type = GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid,
									   CStringGetDatum("regnr"), ObjectIdGetDatum(nsp));

	if (!OidIsValid(type))
		elog(ERROR, "unexpected: type sqm.regnr does not exist");
	regnr_type_kept = type;
	return type;
}

static bool
is_regnr(Oid type)
{
	return OidIsValid(type) && (type == regnr_type_kept || type == regnr_type());
}

static bool
regnr_equal(Oid type, Datum a, Datum b)
{
	TypeCacheEntry *tc = lookup_type_cache(type, TYPECACHE_EQ_OPR_FINFO);

	if (!OidIsValid(tc->eq_opr_finfo.fn_oid))
		elog(ERROR, "unexpected: type sqm.regnr has no equality operator");
	return DatumGetBool(FunctionCall2Coll(&tc->eq_opr_finfo, InvalidOid, a, b));
}

static char *
regnr_text(Oid type, Datum value)
{
	Oid			outfunc;
	bool		isvarlena;

	getTypeOutputInfo(type, &outfunc, &isvarlena);
	return OidOutputFunctionCall(outfunc, value);
}

/* How the case is named in messages: its kind's label, else its table. */
static char *
case_label(Relation rel)
{
	char	   *kind;
	char	   *label;

	if (sqm_kind_of_table(RelationGetRelid(rel), &kind, &label))
		return label;
	return sqm_relation_name(RelationGetRelid(rel));
}

static void
refuse_change(Relation rel, const char *column, int64 org, int64 id, Oid type,
			  Datum oldvalue, bool newnull, Datum newvalue)
{
	char	   *old = regnr_text(type, oldvalue);

	ereport(ERROR,
			(errcode(ERRCODE_SQM_APPEND_ONLY),
			 newnull ?
			 errmsg("registry number %s of %s %lld cannot be removed", old, case_label(rel), (long long) id) :
			 errmsg("registry number %s of %s %lld cannot change", old, case_label(rel), (long long) id),
			 newnull ?
			 errdetail("The update would clear column \"%s\"; the number is registered in organisation %lld.",
					   column, (long long) org) :
			 errdetail("The update would set column \"%s\" to %s; the number is registered in organisation %lld.",
					   column, regnr_text(type, newvalue), (long long) org),
			 errhint("A registered number stays with its matter; a new matter is registered under a number of its own.")));
}

/*
 * The case (kind of rel, id) claims the number in the organisation's
 * registry; 23505 naming the holder if another case holds it.
 */
static void
claim(Relation rel, const char *column, int64 org, int64 id, const char *number)
{
	char	   *kind;
	char	   *label;
	Datum		args[5];
	Oid			argtypes[5] = {INT8OID, TEXTOID, TEXTOID, INT8OID, TEXTOID};
	Oid			save_userid;
	int			save_sec_context;
	int			rc;

	if (!sqm_kind_of_table(RelationGetRelid(rel), &kind, &label))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("table %s is not the governed table of any kind",
						sqm_relation_name(RelationGetRelid(rel))),
				 errdetail("Its registry numbers would be held by no kind of case."),
				 errhint("Register the kind in sqm.lifecycle_kind before it carries sqm.registry_claim().")));

	args[0] = Int64GetDatum(org);
	args[1] = CStringGetTextDatum(number);
	args[2] = CStringGetTextDatum(kind);
	args[3] = Int64GetDatum(id);
	args[4] = CStringGetTextDatum(column);

	if ((rc = SPI_connect()) != SPI_OK_CONNECT)
		elog(ERROR, "unexpected result %s of SPI_connect", SPI_result_code_string(rc));
	sqm_become_owner(sqm_relation_oid("registry_entry"), &save_userid, &save_sec_context);
	if (claim_plan == NULL)
		claim_plan = sqm_prepare_kept(CLAIM_SQL, 5, argtypes);
	rc = SPI_execute_plan(claim_plan, args, NULL, false, 0);
	if (rc != SPI_OK_INSERT)
		elog(ERROR, "unexpected result %s of claiming a registry number", SPI_result_code_string(rc));

	if (SPI_processed == 0)
	{
		char	   *holder_kind = NULL;
		char	   *holder_label = NULL;
		int64		holder_id = 0;
		char	   *holder_column = NULL;

		if (holder_plan == NULL)
			holder_plan = sqm_prepare_kept(HOLDER_SQL, 2, argtypes);
		rc = SPI_execute_plan(holder_plan, args, NULL, false, 1);
		if (rc != SPI_OK_SELECT)
			elog(ERROR, "unexpected result %s of reading the registry", SPI_result_code_string(rc));
		if (SPI_processed == 1)
		{
			HeapTuple	tuple = SPI_tuptable->vals[0];
			TupleDesc	tupdesc = SPI_tuptable->tupdesc;
			bool		isnull;

			holder_kind = SPI_getvalue(tuple, tupdesc, 1);
			holder_label = SPI_getvalue(tuple, tupdesc, 2);
			holder_id = DatumGetInt64(SPI_getbinval(tuple, tupdesc, 3, &isnull));
			holder_column = SPI_getvalue(tuple, tupdesc, 4);
		}
		/* held already by this case, in this column: nothing to claim */
		if (holder_kind == NULL || strcmp(holder_kind, kind) != 0 || holder_id != id ||
			strcmp(holder_column, column) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNIQUE_VIOLATION),
					 holder_kind != NULL ?
					 errmsg("registry number %s of organisation %lld is already held by %s %lld",
							number, (long long) org, holder_label, (long long) holder_id) :
					 errmsg("registry number %s of organisation %lld is already held",
							number, (long long) org),
					 errdetail("A registry number belongs to one matter of an organisation, whatever its kind; %s %lld cannot be registered under it.",
							   label, (long long) id),
					 errhint("Check the number in the registry; a new matter is registered under a number of its own.")));
	}
	SetUserIdAndSecContext(save_userid, save_sec_context);
	if ((rc = SPI_finish()) != SPI_OK_FINISH)
		elog(ERROR, "unexpected result %s of SPI_finish", SPI_result_code_string(rc));
}

/*
 * sqm.registry_claim('<column>'): AFTER INSERT OR UPDATE FOR EACH ROW on a
 * governed table.  A number the column gets is claimed for the case; a
 * number it had is kept (changing or clearing it: SQ010).  Fires on every
 * update, not only UPDATE OF the column, so that a BEFORE trigger that sets
 * the column cannot slip past; for a row whose number did not change it
 * compares two values and returns.
 */
Datum
sqm_registry_claim(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata;
	Trigger    *trigger;
	Relation	rel;
	TupleDesc	tupdesc;
	Form_pg_attribute att;
	const char *column;
	AttrNumber	org_attnum;
	AttrNumber	id_attnum;
	AttrNumber	state_attnum;
	HeapTuple	newtuple;
	Datum		newvalue;
	bool		newnull;
	bool		isnull;
	Oid			type;
	int64		org;
	int64		id;

	trigdata = sqm_trigger_protocol(fcinfo, "sqm.registry_claim()",
									SQM_TG_ROW | SQM_TG_AFTER | SQM_TG_INSERT | SQM_TG_UPDATE,
									REGISTRY_CLAIM_HINT);
	trigger = trigdata->tg_trigger;
	rel = trigdata->tg_relation;
	tupdesc = RelationGetDescr(rel);

	if (trigger->tgnargs != 1)
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("trigger \"%s\" on table %s must name the registry-number column",
						trigger->tgname, sqm_relation_name(RelationGetRelid(rel))),
				 errdetail_plural("It has %d argument.", "It has %d arguments.",
								  trigger->tgnargs, trigger->tgnargs),
				 errhint(REGISTRY_CLAIM_HINT)));
	column = trigger->tgargs[0];
	att = sqm_find_column(tupdesc, column);
	if (att == NULL || !is_regnr(att->atttypid))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("trigger \"%s\" on table %s names no registry-number column",
						trigger->tgname, sqm_relation_name(RelationGetRelid(rel))),
				 att == NULL ?
				 errdetail("The table has no column \"%s\".", column) :
				 errdetail("Column \"%s\" is of type %s, not sqm.regnr.", column,
						   format_type_be(att->atttypid)),
				 errhint(REGISTRY_CLAIM_HINT)));
	type = att->atttypid;
	sqm_governed_columns(rel, &org_attnum, &id_attnum, &state_attnum);

	newtuple = TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event) ? trigdata->tg_newtuple :
		trigdata->tg_trigtuple;
	newvalue = heap_getattr(newtuple, att->attnum, tupdesc, &newnull);
	org = DatumGetInt64(heap_getattr(newtuple, org_attnum, tupdesc, &isnull));
	id = DatumGetInt64(heap_getattr(newtuple, id_attnum, tupdesc, &isnull));

	if (TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event))
	{
		bool		oldnull;
		Datum		oldvalue = heap_getattr(trigdata->tg_trigtuple, att->attnum, tupdesc, &oldnull);

		if (!oldnull)
		{
			if (newnull || !regnr_equal(type, oldvalue, newvalue))
				refuse_change(rel, column, org, id, type, oldvalue, newnull, newvalue);
			return PointerGetDatum(NULL);
		}
	}
	if (!newnull)
		claim(rel, column, org, id, regnr_text(type, newvalue));
	return PointerGetDatum(NULL);
}

/* A column of the new registry entry; NULL (isnull) if not given. */
static Datum
entry_column(HeapTuple tuple, TupleDesc tupdesc, Relation rel, const char *name, Oid type,
			 bool *isnull)
{
	Form_pg_attribute att = sqm_find_column(tupdesc, name);

	if (att == NULL || att->atttypid != type)
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("sqm.registry_entry_check() cannot check table %s",
						sqm_relation_name(RelationGetRelid(rel))),
				 errdetail("It has no column \"%s\" of type %s.", name, format_type_be(type)),
				 errhint("Create it as: CREATE TRIGGER registry_entry_check BEFORE INSERT ON "
						 "sqm.registry_entry FOR EACH ROW EXECUTE FUNCTION sqm.registry_entry_check().")));
	return heap_getattr(tuple, att->attnum, tupdesc, isnull);
}

/*
 * sqm.registry_entry_check(): BEFORE INSERT FOR EACH ROW on
 * sqm.registry_entry.  The kind is registered and the case exists in the
 * organisation and holds the number in the named column; otherwise 23503.
 * A NULL column is left to its NOT NULL constraint.
 */
Datum
sqm_registry_entry_check(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata;
	Relation	rel;
	TupleDesc	tupdesc;
	HeapTuple	tuple;
	Oid			type;
	Datum		values[5];
	bool		nulls[5];
	int64		org;
	char	   *number;
	char	   *kind;
	int64		id;
	char	   *column;
	Oid			relid;
	char	   *label;
	Oid			coltype = InvalidOid;
	Datum		held = (Datum) 0;
	bool		heldnull = true;
	int			i;

	trigdata = sqm_trigger_protocol(fcinfo, "sqm.registry_entry_check()",
									SQM_TG_ROW | SQM_TG_BEFORE | SQM_TG_INSERT,
									"Create it as: CREATE TRIGGER registry_entry_check BEFORE INSERT ON "
									"sqm.registry_entry FOR EACH ROW EXECUTE FUNCTION sqm.registry_entry_check().");
	rel = trigdata->tg_relation;
	tupdesc = RelationGetDescr(rel);
	tuple = trigdata->tg_trigtuple;
	type = regnr_type();

	values[0] = entry_column(tuple, tupdesc, rel, "org_id", INT8OID, &nulls[0]);
	values[1] = entry_column(tuple, tupdesc, rel, "regnr", type, &nulls[1]);
	values[2] = entry_column(tuple, tupdesc, rel, "kind", TEXTOID, &nulls[2]);
	values[3] = entry_column(tuple, tupdesc, rel, "object_id", INT8OID, &nulls[3]);
	values[4] = entry_column(tuple, tupdesc, rel, "column_name", TEXTOID, &nulls[4]);
	for (i = 0; i < lengthof(nulls); i++)
		if (nulls[i])
			return PointerGetDatum(tuple);	/* NOT NULL refuses it */
	org = DatumGetInt64(values[0]);
	number = regnr_text(type, values[1]);
	kind = TextDatumGetCString(values[2]);
	id = DatumGetInt64(values[3]);
	column = TextDatumGetCString(values[4]);

	if (!sqm_kind_lookup(kind, &relid, &label))
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("registry entry %s of organisation %lld names an unknown kind \"%s\"",
						number, (long long) org, kind),
				 errdetail("Kind \"%s\" is not in sqm.lifecycle_kind.", kind),
				 errhint(REGISTRY_ENTRY_HINT)));
	if (!sqm_case_fetch(relid, org, id, false, column, &coltype, &held, &heldnull))
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("registry entry %s of organisation %lld refers to a missing %s",
						number, (long long) org, label),
				 errdetail("There is no %s %lld in organisation %lld.", label, (long long) id,
						   (long long) org),
				 errhint(REGISTRY_ENTRY_HINT)));
	if (coltype != type)
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("registry entry %s of organisation %lld names no registry-number column of %s %lld",
						number, (long long) org, label, (long long) id),
				 errdetail("Table %s has no column \"%s\" of type sqm.regnr.",
						   sqm_relation_name(relid), column),
				 errhint(REGISTRY_ENTRY_HINT)));
	if (heldnull || !regnr_equal(type, held, values[1]))
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("%s %lld of organisation %lld does not hold registry number %s",
						label, (long long) id, (long long) org, number),
				 heldnull ?
				 errdetail("Its column \"%s\" is empty.", column) :
				 errdetail("Its column \"%s\" holds %s.", column, regnr_text(type, held)),
				 errhint(REGISTRY_ENTRY_HINT)));
	return PointerGetDatum(tuple);
}
