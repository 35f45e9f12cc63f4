/*-------------------------------------------------------------------------
 *
 * row_check.c
 *	  Row checks of a kind's details and record tables (doc/core.md, "Row
 *	  checks and reference data").
 *
 * A kind's case table has its row check in the lifecycle data
 * (sqm.lifecycle_kind.row_check), called by the lifecycle engine.  Its
 * details table and its record tables hold rules too -- what may be written
 * in which state of the case, what a record must carry -- and those must
 * hold for every writer as well.  sqm.row_check names, per table, the
 * function that holds them; sqm.govern (details_check) and
 * sqm.govern_records (row_check) register it and create the trigger.  This
 * file owns
 *
 *	- the trigger sqm.row_check_enforce(kind), BEFORE INSERT OR UPDATE FOR
 *	  EACH ROW on such a table: it calls the table's check with the new row
 *	  and the old one (NULL on INSERT) on every INSERT and on every UPDATE
 *	  that changes a column of check_on (NULL: every UPDATE).  The check
 *	  refuses by raising an error and never changes the row;
 *	- the per-backend cache of sqm.row_check (the function, ready to call,
 *	  and the watched columns' numbers by table), invalidated by the relcache
 *	  callback when sqm.row_check (its statement trigger
 *	  sqm.reference_changed), a checked table, or everything is invalidated,
 *	  and by the syscache callback on pg_proc.  A cache replaced while a
 *	  check runs (it may run anything) is kept until no check runs.
 *
 * With a warm cache the trigger does no SPI, no catalog access and no
 * allocation before it calls the check: a hash probe, a string compare and,
 * on UPDATE, a comparison of the watched columns.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/catcache.h"
#include "utils/datum.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "sqm.h"

#define RC_TRIGGER_HINT \
	"sqm.govern (details_check) or sqm.govern_records (row_check) creates it: CREATE TRIGGER row_check " \
	"BEFORE INSERT OR UPDATE ON <table> FOR EACH ROW EXECUTE FUNCTION sqm.row_check_enforce('<kind>')."

/* A checked table, as registered in sqm.row_check. */
typedef struct RcEntry
{
	Oid			relid;			/* hash key */
	char		kind[NAMEDATALEN];
	Oid			check;
	bool		check_ready;	/* check_fn is set up */
	FmgrInfo	check_fn;
	bool		watch_all;		/* every UPDATE calls the check */
	int			nwatched;
	char	  **watched;
	AttrNumber *watched_attnums;	/* InvalidAttrNumber: no such column */
} RcEntry;

static MemoryContext rc_cxt = NULL; /* holds rc_hash and its entries */
static HTAB *rc_hash = NULL;
static bool rc_valid = false;
static List *rc_graveyard = NIL;	/* contexts replaced while a check ran */
static int	rc_pins = 0;
static int	rc_slot = -1;		/* sqm.row_check, a watched reference table */
static uint64 rc_epoch = 0;
static SPIPlanPtr rc_plan = NULL;

PG_FUNCTION_INFO_V1(sqm_row_check_enforce);

/* Only marks the cache invalid; never touches the catalogs. */
static void
rc_relcache_callback(Datum arg, Oid relid)
{
	if (rc_valid && rc_hash != NULL &&
		(!OidIsValid(relid) || hash_search(rc_hash, &relid, HASH_FIND, NULL) != NULL))
		rc_valid = false;
}

static void
rc_proc_callback(Datum arg, int cacheid, uint32 hashvalue)
{
	rc_valid = false;
}

void
sqm_row_check_init(void)
{
	sqm_register_relcache_callback(rc_relcache_callback);
	CacheRegisterSyscacheCallback(PROCOID, rc_proc_callback, (Datum) 0);
}

/* The cache, started afresh if anything it depends on changed. */
static HTAB *
rc_cache(void)
{
	HASHCTL		ctl;
	uint64		epoch;

	if (rc_slot < 0)
		rc_slot = sqm_reference_watch("row_check");
	epoch = sqm_reference_epoch(rc_slot);
	if (rc_valid && rc_hash != NULL && rc_epoch == epoch)
		return rc_hash;

	if (rc_cxt != NULL)
	{
		if (rc_pins > 0)
			rc_graveyard = lappend(rc_graveyard, rc_cxt);
		else
			MemoryContextDelete(rc_cxt);
	}
	if (rc_pins == 0 && rc_graveyard != NIL)
	{
		ListCell   *lc;

		foreach(lc, rc_graveyard)
			MemoryContextDelete((MemoryContext) lfirst(lc));
		list_free(rc_graveyard);
		rc_graveyard = NIL;
	}
	if (CacheMemoryContext == NULL)
		CreateCacheMemoryContext();
	rc_cxt = AllocSetContextCreate(CacheMemoryContext, "sqm row checks", ALLOCSET_SMALL_SIZES);
	ctl.keysize = sizeof(Oid);
	ctl.entrysize = sizeof(RcEntry);
	ctl.hcxt = rc_cxt;
	rc_hash = hash_create("sqm row checks", 16, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	rc_valid = true;
	rc_epoch = epoch;
	return rc_hash;
}

/*
 * The table's entry, loaded from sqm.row_check on first use; refuses (39P01)
 * a trigger on a table with no row check registered, or for another kind.
 */
static RcEntry *
rc_entry(TriggerData *trigdata)
{
	Relation	rel = trigdata->tg_relation;
	Oid			relid = RelationGetRelid(rel);
	Trigger    *trigger = trigdata->tg_trigger;
	HTAB	   *hash = rc_cache();
	RcEntry    *entry;
	RcEntry		loaded;
	Datum		arg = ObjectIdGetDatum(relid);
	bool		isnull;
	Datum		value;
	int			i;

	if (trigger->tgnargs != 1)
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("trigger \"%s\" on table %s must name exactly one lifecycle kind",
						trigger->tgname, sqm_relation_name(relid)),
				 errdetail_plural("It has %d argument.", "It has %d arguments.",
								  trigger->tgnargs, trigger->tgnargs),
				 errhint(RC_TRIGGER_HINT)));

	entry = hash_search(hash, &relid, HASH_FIND, NULL);
	if (entry != NULL && strcmp(entry->kind, trigger->tgargs[0]) == 0)
		return entry;

	memset(&loaded, 0, sizeof(loaded));
	loaded.relid = relid;
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "unexpected failure of SPI_connect");
	if (rc_plan == NULL)
	{
		Oid			argtype = OIDOID;

		rc_plan = sqm_prepare_kept("SELECT r.kind, r.check_fn::pg_catalog.oid, r.check_on FROM sqm.row_check r"
								   " WHERE r.table_name::pg_catalog.oid OPERATOR(pg_catalog.=) $1",
								   1, &argtype);
	}
	if (sqm_reference_query(rc_plan, &arg, NULL, rc_slot) != SPI_OK_SELECT)
		elog(ERROR, "unexpected result reading sqm.row_check");
	if (SPI_processed != 1)
	{
		SPI_finish();
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("table %s has no row check", sqm_relation_name(relid)),
				 errdetail("Trigger \"%s\" calls the row check sqm.row_check names for the table.",
						   trigger->tgname),
				 errhint(RC_TRIGGER_HINT)));
	}
	strlcpy(loaded.kind, SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1), NAMEDATALEN);
	if (strcmp(loaded.kind, trigger->tgargs[0]) != 0)
	{
		SPI_finish();
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("trigger \"%s\" on table %s names lifecycle kind \"%s\", not \"%s\"",
						trigger->tgname, sqm_relation_name(relid), trigger->tgargs[0], loaded.kind),
				 errdetail("sqm.row_check registers the table's row check for kind \"%s\".", loaded.kind),
				 errhint(RC_TRIGGER_HINT)));
	}
	loaded.check = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
	value = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 3, &isnull);
	loaded.watch_all = isnull;

	/* the hash may have been replaced while reading; enter into the current one */
	hash = rc_cache();
	if (!isnull)
	{
		Datum	   *elems;

		deconstruct_array(DatumGetArrayTypeP(value), TEXTOID, -1, false, TYPALIGN_INT,
						  &elems, NULL, &loaded.nwatched);
		loaded.watched = MemoryContextAlloc(rc_cxt, sizeof(char *) * Max(loaded.nwatched, 1));
		loaded.watched_attnums = MemoryContextAlloc(rc_cxt, sizeof(AttrNumber) * Max(loaded.nwatched, 1));
		for (i = 0; i < loaded.nwatched; i++)
		{
			Form_pg_attribute att;

			loaded.watched[i] = MemoryContextStrdup(rc_cxt, TextDatumGetCString(elems[i]));
			att = sqm_find_column(RelationGetDescr(rel), loaded.watched[i]);
			loaded.watched_attnums[i] = att ? att->attnum : InvalidAttrNumber;
		}
	}
	SPI_finish();

	entry = hash_search(hash, &relid, HASH_ENTER, NULL);
	*entry = loaded;
	return entry;
}

/* Whether an UPDATE changed a column the check watches. */
static bool
rc_watched_changed(RcEntry *entry, TriggerData *trigdata)
{
	TupleDesc	tupdesc = RelationGetDescr(trigdata->tg_relation);
	int			w;

	if (entry->watch_all)
		return true;
	for (w = 0; w < entry->nwatched; w++)
	{
		AttrNumber	attnum = entry->watched_attnums[w];
		Form_pg_attribute att;
		Datum		oldvalue;
		Datum		newvalue;
		bool		oldnull;
		bool		newnull;

		if (attnum == InvalidAttrNumber)
			return true;		/* a column gone since: let the check judge */
		att = TupleDescAttr(tupdesc, attnum - 1);
		oldvalue = slot_getattr(trigdata->tg_trigslot, attnum, &oldnull);
		newvalue = slot_getattr(trigdata->tg_newslot, attnum, &newnull);
		if (oldnull != newnull ||
			(!oldnull && !datum_image_eq(oldvalue, newvalue, att->attbyval, att->attlen)))
			return true;
	}
	return false;
}

/*
 * sqm.row_check_enforce('<kind>'): BEFORE INSERT OR UPDATE FOR EACH ROW on a
 * kind's details or record table.
 */
Datum
sqm_row_check_enforce(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata;
	RcEntry    *entry;
	HeapTuple	newtuple;
	HeapTuple	oldtuple = NULL;
	TupleDesc	tupdesc;

	LOCAL_FCINFO(checkinfo, 2);

	trigdata = sqm_trigger_protocol(fcinfo, "sqm.row_check_enforce()",
									SQM_TG_ROW | SQM_TG_BEFORE | SQM_TG_INSERT | SQM_TG_UPDATE,
									RC_TRIGGER_HINT);
	entry = rc_entry(trigdata);
	tupdesc = RelationGetDescr(trigdata->tg_relation);
	if (TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event))
	{
		newtuple = trigdata->tg_newtuple;
		oldtuple = trigdata->tg_trigtuple;
		if (!rc_watched_changed(entry, trigdata))
			return PointerGetDatum(newtuple);
	}
	else
		newtuple = trigdata->tg_trigtuple;

	if (!entry->check_ready)
	{
		if (!SearchSysCacheExists1(PROCOID, ObjectIdGetDatum(entry->check)))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_FUNCTION),
					 errmsg("row check of table %s does not exist",
							sqm_relation_name(entry->relid)),
					 errdetail("The row check was the function with OID %u.", entry->check),
					 errhint("Correct check_fn of the table in sqm.row_check.")));
		fmgr_info_cxt(entry->check, &entry->check_fn, rc_cxt);
		entry->check_ready = true;
	}

	InitFunctionCallInfoData(*checkinfo, &entry->check_fn, 2, InvalidOid, NULL, NULL);
	checkinfo->args[0].value = heap_copy_tuple_as_datum(newtuple, tupdesc);
	checkinfo->args[0].isnull = false;
	checkinfo->args[1].value = oldtuple ? heap_copy_tuple_as_datum(oldtuple, tupdesc) : (Datum) 0;
	checkinfo->args[1].isnull = (oldtuple == NULL);

	/* the check may run anything: the cache it came from stays while it runs */
	rc_pins++;
	PG_TRY();
	{
		(void) FunctionCallInvoke(checkinfo);
	}
	PG_FINALLY();
	{
		rc_pins--;
	}
	PG_END_TRY();

	return PointerGetDatum(newtuple);
}
