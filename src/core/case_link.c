/*-------------------------------------------------------------------------
 *
 * case_link.c
 *	  The rule every case link obeys, whoever writes it.
 *
 * A row of sqm.case_link says that one case (from_kind, from_id) stands in
 * a relation to another (to_kind, to_id) within one organisation: one case
 * escalated to a case of another kind, one that revealed another
 * (doc/core.md, "Case links, constructors and the registry").
 * This file owns the trigger sqm.case_link_check(), BEFORE INSERT FOR EACH
 * ROW on sqm.case_link, which refuses with 23503 (foreign_key_violation)
 *
 *	- a kind that is not in sqm.lifecycle_kind;
 *	- a relation that sqm.case_relation does not declare from the one kind
 *	  to the other (a declaration with a NULL kind stands for any kind);
 *	- an end that is not a case of the link's organisation: missing, or of
 *	  another organisation, which the message does not tell apart, so that
 *	  it says nothing about other organisations.
 *
 * Both ends are looked up in their kinds' governed tables by (org_id, id)
 * with kept plans (cases.c), as the tables' owners and with a fresh
 * snapshot, as a foreign-key check would.  Links are never changed or
 * removed (sqm.append_only() on the table), and cases are never deleted
 * (the lifecycle engine), so a link checked once stays true.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/rel.h"

#include "sqm.h"

PG_FUNCTION_INFO_V1(sqm_case_link_check);

#define CASE_LINK_HINT \
	"Create it as: CREATE TRIGGER case_link_check BEFORE INSERT ON sqm.case_link " \
	"FOR EACH ROW EXECUTE FUNCTION sqm.case_link_check()."

/* The most specific declaration first; a NULL kind is any kind. */
#define RELATION_SQL \
	"SELECT r.capability FROM sqm.case_relation r" \
	" WHERE r.relation OPERATOR(pg_catalog.=) $2" \
	"   AND (r.from_kind OPERATOR(pg_catalog.=) $1 OR r.from_kind IS NULL)" \
	"   AND (r.to_kind OPERATOR(pg_catalog.=) $3 OR r.to_kind IS NULL)" \
	" ORDER BY r.from_kind IS NULL, r.to_kind IS NULL LIMIT 1"

#define RELATIONS_SQL \
	"SELECT pg_catalog.string_agg(DISTINCT r.relation, ', ' ORDER BY r.relation)" \
	"  FROM sqm.case_relation r" \
	" WHERE (r.from_kind OPERATOR(pg_catalog.=) $1 OR r.from_kind IS NULL)" \
	"   AND (r.to_kind OPERATOR(pg_catalog.=) $2 OR r.to_kind IS NULL)"

static SPIPlanPtr relation_plan = NULL;
static SPIPlanPtr relations_plan = NULL;

/* A column of the new row; NULL (isnull) if not given. */
static Datum
link_column(HeapTuple tuple, TupleDesc tupdesc, Relation rel, const char *name, Oid type,
			bool *isnull)
{
	Form_pg_attribute att = sqm_find_column(tupdesc, name);

	if (att == NULL || att->atttypid != type)
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("sqm.case_link_check() cannot check table %s",
						sqm_relation_name(RelationGetRelid(rel))),
				 errdetail("It has no column \"%s\" of type %s.", name, format_type_be(type)),
				 errhint(CASE_LINK_HINT)));
	return heap_getattr(tuple, att->attnum, tupdesc, isnull);
}

/*
 * Whether sqm.case_relation declares the relation from the one kind to the
 * other; if not, *declared gets the relations it does declare between them
 * (NULL: none).  Read as the owner of sqm.case_relation.
 */
static bool
relation_declared(const char *from_kind, const char *relation, const char *to_kind,
				  char **declared)
{
	Datum		args[3] = {CStringGetTextDatum(from_kind), CStringGetTextDatum(relation),
	CStringGetTextDatum(to_kind)};
	Oid			argtypes[3] = {TEXTOID, TEXTOID, TEXTOID};
	Oid			save_userid;
	int			save_sec_context;
	bool		found;
	int			rc;

	if ((rc = SPI_connect()) != SPI_OK_CONNECT)
		elog(ERROR, "unexpected result %s of SPI_connect", SPI_result_code_string(rc));
	sqm_become_owner(sqm_relation_oid("case_relation"), &save_userid, &save_sec_context);
	if (relation_plan == NULL)
		relation_plan = sqm_prepare_kept(RELATION_SQL, 3, argtypes);
	rc = SPI_execute_plan(relation_plan, args, NULL, false, 1);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "unexpected result %s of reading sqm.case_relation", SPI_result_code_string(rc));
	found = (SPI_processed == 1);
	*declared = NULL;
	if (!found)
	{
		Datum		kinds[2] = {args[0], args[2]};
		char	   *list;

		if (relations_plan == NULL)
			relations_plan = sqm_prepare_kept(RELATIONS_SQL, 2, argtypes);
		rc = SPI_execute_plan(relations_plan, kinds, NULL, false, 1);
		if (rc != SPI_OK_SELECT || SPI_processed != 1)
			elog(ERROR, "unexpected result %s of reading sqm.case_relation", SPI_result_code_string(rc));
		list = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
		if (list != NULL)
		{
			*declared = SPI_palloc(strlen(list) + 1);
			strcpy(*declared, list);
		}
	}
	SetUserIdAndSecContext(save_userid, save_sec_context);
	if ((rc = SPI_finish()) != SPI_OK_FINISH)
		elog(ERROR, "unexpected result %s of SPI_finish", SPI_result_code_string(rc));
	return found;
}

/*
 * sqm.case_link_check(): BEFORE INSERT FOR EACH ROW on sqm.case_link.  Both
 * kinds are registered, the relation is declared from the one to the other,
 * and both ends are cases of the link's organisation; otherwise 23503.  A
 * NULL column is left to its NOT NULL constraint.
 */
Datum
sqm_case_link_check(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata;
	Relation	rel;
	TupleDesc	tupdesc;
	HeapTuple	tuple;
	Datum		values[6];
	bool		nulls[6];
	const char *unknown = NULL;
	int64		org;
	char	   *from_kind;
	int64		from_id;
	char	   *relation;
	char	   *to_kind;
	int64		to_id;
	Oid			from_rel;
	Oid			to_rel;
	char	   *from_label;
	char	   *to_label;
	char	   *declared;
	int			i;

	trigdata = sqm_trigger_protocol(fcinfo, "sqm.case_link_check()",
									SQM_TG_ROW | SQM_TG_BEFORE | SQM_TG_INSERT, CASE_LINK_HINT);
	rel = trigdata->tg_relation;
	tupdesc = RelationGetDescr(rel);
	tuple = trigdata->tg_trigtuple;

	values[0] = link_column(tuple, tupdesc, rel, "org_id", INT8OID, &nulls[0]);
	values[1] = link_column(tuple, tupdesc, rel, "from_kind", TEXTOID, &nulls[1]);
	values[2] = link_column(tuple, tupdesc, rel, "from_id", INT8OID, &nulls[2]);
	values[3] = link_column(tuple, tupdesc, rel, "relation", TEXTOID, &nulls[3]);
	values[4] = link_column(tuple, tupdesc, rel, "to_kind", TEXTOID, &nulls[4]);
	values[5] = link_column(tuple, tupdesc, rel, "to_id", INT8OID, &nulls[5]);
	for (i = 0; i < lengthof(nulls); i++)
		if (nulls[i])
			return PointerGetDatum(tuple);	/* NOT NULL refuses it */
	org = DatumGetInt64(values[0]);
	from_kind = TextDatumGetCString(values[1]);
	from_id = DatumGetInt64(values[2]);
	relation = TextDatumGetCString(values[3]);
	to_kind = TextDatumGetCString(values[4]);
	to_id = DatumGetInt64(values[5]);

	if (!sqm_kind_lookup(from_kind, &from_rel, &from_label))
		unknown = from_kind;
	else if (!sqm_kind_lookup(to_kind, &to_rel, &to_label))
		unknown = to_kind;
	if (unknown != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("case link from %s %lld to %s %lld names an unknown kind \"%s\"",
						from_kind, (long long) from_id, to_kind, (long long) to_id, unknown),
				 errdetail("Kind \"%s\" is not in sqm.lifecycle_kind.", unknown),
				 errhint("Both ends of a case link are cases of a registered kind.")));

	if (!relation_declared(from_kind, relation, to_kind, &declared))
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("case link from %s %lld to %s %lld has an undeclared relation \"%s\"",
						from_label, (long long) from_id, to_label, (long long) to_id, relation),
				 errdetail("sqm.case_relation declares no relation \"%s\" from kind \"%s\" to kind \"%s\".",
						   relation, from_kind, to_kind),
				 declared != NULL ?
				 errhint("Relations declared from %s to %s: %s.", from_label, to_label, declared) :
				 errhint("No relation is declared from %s to %s; the kind that accepts a link declares it in sqm.case_relation.",
						 from_label, to_label)));

	for (i = 0; i < 2; i++)
	{
		Oid			end_rel = i == 0 ? from_rel : to_rel;
		int64		end_id = i == 0 ? from_id : to_id;
		const char *end_label = i == 0 ? from_label : to_label;

		if (!sqm_case_fetch(end_rel, org, end_id, false, NULL, NULL, NULL, NULL))
			ereport(ERROR,
					(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
					 errmsg("case link from %s %lld to %s %lld refers to a missing %s",
							from_label, (long long) from_id, to_label, (long long) to_id, end_label),
					 errdetail("There is no %s %lld in organisation %lld.",
							   end_label, (long long) end_id, (long long) org),
					 errhint("Both ends of a case link are cases of the link's organisation.")));
	}

	return PointerGetDatum(tuple);
}
