/*-------------------------------------------------------------------------
 *
 * cases.c
 *	  Finding a case by its kind, organisation and id: the lookups that case
 *	  links, the registry and their row-level security share.
 *
 * A case is a row of its kind's governed table (sqm.lifecycle_kind), keyed
 * by (org_id, id).  This file owns
 *
 *	- sqm_kind_lookup() and sqm_kind_of_table(): a kind's governed table and
 *	  label, and the kind a table governs, read from sqm.lifecycle_kind
 *	  through kept plans;
 *	- sqm_case_fetch(): whether a case exists in an organisation, and the
 *	  value of one of its columns, read through one kept plan per governed
 *	  table, prepared on first use and prepared again after a relcache
 *	  invalidation of the table (a rename, a new column, a new owner);
 *	  sqm_case_fetch_locked() reads it FOR SHARE, so that the case cannot
 *	  move on until the caller's transaction ends (a row check that depends
 *	  on the state of another case);
 *	- sqm_become_owner(): run what follows as a table's owner;
 *	- the SQL functions sqm.case_exists(kind, org, id) and
 *	  sqm.case_unit(kind, org, id), which the link API and the RLS policies
 *	  of case links and registry entries call.  Neither is granted to a
 *	  role: they answer for any case, so only SECURITY DEFINER functions that
 *	  authorise first may ask;
 *	- sqm.case_lookup_stats(): how often this session prepared a lookup
 *	  plan and looked a case up (the plans must be kept, not prepared anew).
 *
 * Lookups run as the owner of the table they read, with row-level security
 * off, as PostgreSQL's foreign-key checks run as the referenced table's
 * owner: whether a case exists does not depend on who asks.  What a caller
 * may see of it is decided elsewhere (the API authorises, RLS filters).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "sqm.h"

#define KIND_SQL \
	"SELECT k.governed_table::pg_catalog.oid, COALESCE(k.label_en, k.kind)" \
	"  FROM sqm.lifecycle_kind k WHERE k.kind OPERATOR(pg_catalog.=) $1"

#define KIND_OF_TABLE_SQL \
	"SELECT k.kind, COALESCE(k.label_en, k.kind)" \
	"  FROM sqm.lifecycle_kind k" \
	" WHERE k.governed_table::pg_catalog.oid OPERATOR(pg_catalog.=) $1"

#define CASE_SQL \
	"SELECT * FROM %s t WHERE t.org_id OPERATOR(pg_catalog.=) $1" \
	" AND t.id OPERATOR(pg_catalog.=) $2%s"

/* A governed table's lookup plan; entry of case_rels. */
typedef struct CaseRel
{
	Oid			relid;			/* hash key; must be first */
	bool		valid;			/* false once a relcache callback saw the table */
	Oid			owner;
	SPIPlanPtr	plan;			/* kept; NULL until prepared */
	SPIPlanPtr	share_plan;		/* the same, FOR SHARE; prepared on first use */
} CaseRel;

static HTAB *case_rels = NULL;
static SPIPlanPtr kind_plan = NULL;
static SPIPlanPtr kind_of_table_plan = NULL;

/* sqm.case_lookup_stats() */
static int64 case_prepares = 0;
static int64 case_lookups = 0;

PG_FUNCTION_INFO_V1(sqm_case_exists);
PG_FUNCTION_INFO_V1(sqm_case_unit);
PG_FUNCTION_INFO_V1(sqm_case_lookup_stats);


/* Only marks entries invalid: the next lookup frees and prepares again. */
static void
cases_relcache_callback(Datum arg, Oid relid)
{
	HASH_SEQ_STATUS status;
	CaseRel    *entry;

	if (case_rels == NULL)
		return;
	if (OidIsValid(relid))
	{
		entry = hash_search(case_rels, &relid, HASH_FIND, NULL);
		if (entry != NULL)
			entry->valid = false;
		return;
	}
	hash_seq_init(&status, case_rels);
	while ((entry = hash_seq_search(&status)) != NULL)
		entry->valid = false;
}

void
sqm_cases_init(void)
{
	sqm_register_relcache_callback(cases_relcache_callback);
}

/* The owner of a relation; a vanished relation is a bug in the caller. */
static Oid
relation_owner(Oid relid)
{
	HeapTuple	tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	Oid			owner;

	if (!HeapTupleIsValid(tuple))
		elog(ERROR, "unexpected: relation %u does not exist", relid);
	owner = ((Form_pg_class) GETSTRUCT(tuple))->relowner;
	ReleaseSysCache(tuple);
	return owner;
}

/*
 * Run what follows as the owner of a relation, with row-level security off
 * for it, as foreign-key checks do.  The caller restores the user with
 * SetUserIdAndSecContext(*save_userid, *save_sec_context); an error in
 * between needs nothing: aborting the (sub)transaction restores it.
 */
void
sqm_become_owner(Oid relid, Oid *save_userid, int *save_sec_context)
{
	Oid			owner = relation_owner(relid);

	GetUserIdAndSecContext(save_userid, save_sec_context);
	SetUserIdAndSecContext(owner, *save_sec_context | SECURITY_LOCAL_USERID_CHANGE |
						   SECURITY_NOFORCE_RLS);
}

/* A relation of schema sqm by name; refused if sqm is not installed. */
Oid
sqm_relation_oid(const char *relname)
{
	Oid			nsp = get_namespace_oid("sqm", true);
	Oid			relid = OidIsValid(nsp) ? get_relname_relid(relname, nsp) : InvalidOid;

	if (!OidIsValid(relid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("table sqm.%s does not exist", relname),
				 errhint("Install sqm with CREATE EXTENSION sqm.")));
	return relid;
}

static void
spi_connect(void)
{
	int			rc = SPI_connect();

	if (rc != SPI_OK_CONNECT)
		elog(ERROR, "unexpected result %s of SPI_connect", SPI_result_code_string(rc));
}

static void
spi_finish(void)
{
	int			rc = SPI_finish();

	if (rc != SPI_OK_FINISH)
		elog(ERROR, "unexpected result %s of SPI_finish", SPI_result_code_string(rc));
}

/* A copy of a string in the context that was current at SPI_connect. */
static char *
upper_strdup(const char *s)
{
	size_t		len = strlen(s) + 1;
	char	   *copy = SPI_palloc(len);

	memcpy(copy, s, len);
	return copy;
}

/*
 * Reads sqm.lifecycle_kind (as its owner) with one of the kept plans; returns
 * whether a row was found and its two columns, copied to the caller's
 * context.  first_oid: the first column is an oid, else text.
 */
static bool
kind_query(SPIPlanPtr *plan, const char *sql, Oid argtype, Datum arg, bool first_oid,
		   Oid *oid_out, char **text_out, char **label_out)
{
	Oid			save_userid;
	int			save_sec_context;
	bool		found;
	int			rc;

	spi_connect();
	sqm_become_owner(sqm_relation_oid("lifecycle_kind"), &save_userid, &save_sec_context);
	if (*plan == NULL)
		*plan = sqm_prepare_kept(sql, 1, &argtype);
	rc = SPI_execute_plan(*plan, &arg, NULL, true, 1);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "unexpected result %s of reading sqm.lifecycle_kind", SPI_result_code_string(rc));
	found = (SPI_processed == 1);
	if (found)
	{
		HeapTuple	tuple = SPI_tuptable->vals[0];
		TupleDesc	tupdesc = SPI_tuptable->tupdesc;
		bool		isnull;

		if (first_oid)
			*oid_out = DatumGetObjectId(SPI_getbinval(tuple, tupdesc, 1, &isnull));
		else
			*text_out = upper_strdup(SPI_getvalue(tuple, tupdesc, 1));
		*label_out = upper_strdup(SPI_getvalue(tuple, tupdesc, 2));
	}
	SetUserIdAndSecContext(save_userid, save_sec_context);
	spi_finish();
	return found;
}

/*
 * A kind's governed table and label (label_en, else the kind's name);
 * false if there is no such kind.
 */
bool
sqm_kind_lookup(const char *kind, Oid *relid, char **label)
{
	return kind_query(&kind_plan, KIND_SQL, TEXTOID, CStringGetTextDatum(kind), true,
					  relid, NULL, label);
}

/* The kind a table governs and its label; false if it governs none. */
bool
sqm_kind_of_table(Oid relid, char **kind, char **label)
{
	return kind_query(&kind_of_table_plan, KIND_OF_TABLE_SQL, OIDOID, ObjectIdGetDatum(relid),
					  false, NULL, kind, label);
}

/*
 * The lookup plan of a governed table, prepared (within SPI) if it is new or
 * was invalidated.  Checks the governed-table protocol (39P01 otherwise).
 */
static CaseRel *
case_rel(Oid relid)
{
	CaseRel    *entry;
	bool		found;

	if (case_rels == NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = sizeof(Oid);
		ctl.entrysize = sizeof(CaseRel);
		ctl.hcxt = CacheMemoryContext;
		case_rels = hash_create("sqm case lookups", 16, &ctl,
								HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}
	entry = hash_search(case_rels, &relid, HASH_ENTER, &found);
	if (!found)
	{
		entry->valid = false;
		entry->plan = NULL;
		entry->share_plan = NULL;
	}
	if (!entry->valid)
	{
		Relation	rel;
		AttrNumber	org_attnum;
		AttrNumber	id_attnum;
		AttrNumber	state_attnum;
		Oid			argtypes[2] = {INT8OID, INT8OID};

		if (entry->plan != NULL)
		{
			SPI_freeplan(entry->plan);
			entry->plan = NULL;
		}
		if (entry->share_plan != NULL)
		{
			SPI_freeplan(entry->share_plan);
			entry->share_plan = NULL;
		}
		rel = table_open(relid, AccessShareLock);
		sqm_governed_columns(rel, &org_attnum, &id_attnum, &state_attnum);
		entry->owner = rel->rd_rel->relowner;
		table_close(rel, AccessShareLock);
		entry->plan = sqm_prepare_kept(psprintf(CASE_SQL, sqm_relation_name(relid), ""), 2, argtypes);
		entry->valid = true;
		case_prepares++;
	}
	return entry;
}

/*
 * Whether the case (org, id) exists in the governed table relid.  If column
 * is given, also its type (InvalidOid: the table has no such column) and,
 * for a case found, its value, copied to the caller's context.  read_only:
 * see the snapshot of the calling query (for STABLE callers) rather than a
 * fresh one (for triggers, which must see what was just written and
 * committed).
 */
static bool
case_fetch(Oid relid, int64 org, int64 id, bool read_only, bool lock, const char *column,
		   Oid *coltype, Datum *value, bool *isnull)
{
	CaseRel    *entry;
	Datum		args[2] = {Int64GetDatum(org), Int64GetDatum(id)};
	Oid			save_userid;
	int			save_sec_context;
	bool		found;
	int			rc;

	spi_connect();
	entry = case_rel(relid);
	if (lock && entry->share_plan == NULL)
	{
		Oid			argtypes[2] = {INT8OID, INT8OID};

		entry->share_plan = sqm_prepare_kept(psprintf(CASE_SQL, sqm_relation_name(relid), " FOR SHARE"),
											 2, argtypes);
		case_prepares++;
	}
	GetUserIdAndSecContext(&save_userid, &save_sec_context);
	SetUserIdAndSecContext(entry->owner, save_sec_context | SECURITY_LOCAL_USERID_CHANGE |
						   SECURITY_NOFORCE_RLS);
	rc = SPI_execute_plan(lock ? entry->share_plan : entry->plan, args, NULL, read_only && !lock, 1);
	case_lookups++;
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "unexpected result %s of looking up a case in %s",
			 SPI_result_code_string(rc), sqm_relation_name(relid));
	found = (SPI_processed == 1);
	if (column != NULL)
	{
		TupleDesc	tupdesc = SPI_tuptable->tupdesc;
		int			fnumber = SPI_fnumber(tupdesc, column);

		*isnull = true;
		if (fnumber <= 0)
			*coltype = InvalidOid;
		else
		{
			Form_pg_attribute att = TupleDescAttr(tupdesc, fnumber - 1);

			*coltype = att->atttypid;
			if (found)
			{
				Datum		d = SPI_getbinval(SPI_tuptable->vals[0], tupdesc, fnumber, isnull);

				if (!*isnull)
					*value = SPI_datumTransfer(d, att->attbyval, att->attlen);
			}
		}
	}
	SetUserIdAndSecContext(save_userid, save_sec_context);
	spi_finish();
	return found;
}

bool
sqm_case_fetch(Oid relid, int64 org, int64 id, bool read_only, const char *column,
			   Oid *coltype, Datum *value, bool *isnull)
{
	return case_fetch(relid, org, id, read_only, false, column, coltype, value, isnull);
}

/*
 * sqm_case_fetch, reading the case FOR SHARE with a fresh snapshot: under
 * READ COMMITTED a concurrent move is waited for and its result seen, and
 * the case cannot move until the caller's transaction ends.
 */
bool
sqm_case_fetch_locked(Oid relid, int64 org, int64 id, const char *column,
					  Oid *coltype, Datum *value, bool *isnull)
{
	return case_fetch(relid, org, id, false, true, column, coltype, value, isnull);
}

/*
 * sqm.case_exists(kind text, org bigint, id bigint) RETURNS boolean: whether
 * the case exists in the organisation (false for an unknown kind).
 */
Datum
sqm_case_exists(PG_FUNCTION_ARGS)
{
	char	   *kind = text_to_cstring(PG_GETARG_TEXT_PP(0));
	Oid			relid;
	char	   *label;

	if (!sqm_kind_lookup(kind, &relid, &label))
		PG_RETURN_BOOL(false);
	PG_RETURN_BOOL(sqm_case_fetch(relid, PG_GETARG_INT64(1), PG_GETARG_INT64(2), true,
								  NULL, NULL, NULL, NULL));
}

/*
 * sqm.case_unit(kind text, org bigint, id bigint) RETURNS bigint: the unit
 * the case belongs to; NULL for an unknown kind or case, or a kind whose
 * cases belong to no unit (no bigint column unit_id).
 */
Datum
sqm_case_unit(PG_FUNCTION_ARGS)
{
	char	   *kind = text_to_cstring(PG_GETARG_TEXT_PP(0));
	Oid			relid;
	char	   *label;
	Oid			coltype;
	Datum		unit = (Datum) 0;
	bool		isnull = true;

	if (!sqm_kind_lookup(kind, &relid, &label) ||
		!sqm_case_fetch(relid, PG_GETARG_INT64(1), PG_GETARG_INT64(2), true,
						"unit_id", &coltype, &unit, &isnull) ||
		coltype != INT8OID || isnull)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(unit);
}

/* sqm.case_lookup_stats(): one row (prepares, lookups) of this session. */
Datum
sqm_case_lookup_stats(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Datum		values[2];
	bool		nulls[2] = {false, false};

	InitMaterializedSRF(fcinfo, 0);
	values[0] = Int64GetDatum(case_prepares);
	values[1] = Int64GetDatum(case_lookups);
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	return (Datum) 0;
}
