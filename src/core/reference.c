/*-------------------------------------------------------------------------
 *
 * reference.c
 *	  Per-backend caches of the reference data that row checks read, and
 *	  their invalidation (doc/core.md, "Row checks and reference data").
 *
 * A row check runs on every insert of a case and on every edit of the
 * columns it watches; the reference data it needs -- the organisation's time
 * zone, which units existed on which days, a kind's taxonomy or legal bases
 * -- changes seldom.  So it is read once per backend and kept until the
 * table it came from changes.  This file owns
 *
 *	- the trigger sqm.reference_changed(), AFTER INSERT OR UPDATE OR DELETE OR
 *	  TRUNCATE FOR EACH STATEMENT on every reference table a row check reads
 *	  (sqm.watch_reference creates it): it invalidates the table's relcache
 *	  entry, which reaches every session's relcache callback -- this session's
 *	  at its next command, the others' when the transaction commits, and this
 *	  session's again if it rolls back;
 *	- epochs: sqm_reference_watch(table) registers a table of schema sqm and
 *	  sqm_reference_epoch(slot) returns a number that changes whenever the
 *	  relcache callback sees the table (or everything) invalidated.  A cache
 *	  remembers the epoch it was loaded at and starts afresh when it differs;
 *	  checking costs an array access and a comparison;
 *	- sqm_reference_query(): runs a kept plan as the owner of a watched table
 *	  (row-level security does not apply to the owner), with the latest
 *	  snapshot, so that what a cache holds does not depend on who asked first
 *	  nor, under REPEATABLE READ, on an old snapshot;
 *	- the two caches of the core's own reference data: the organisation's
 *	  time zone (sqm_org_local_date: the day a moment falls on there) and
 *	  whether its writers notify (sqm_org_notifies), and the
 *	  validity of units (sqm_unit_existed_on: whether a unit existed on a
 *	  day, domain.md §2);
 *	- sqm_reference_rows(): a kind's reference rows by organisation (or for
 *	  every organisation), cached the same way -- a taxonomy, legal bases;
 *	- the helpers row checks read their row with: sqm_row_fields() (fields
 *	  of a composite row by name), sqm_field_changed() (whether an update
 *	  changed one, so that a rule runs only when a column it reads changed),
 *	  sqm_range_contains(), and the texts of days and moments for messages;
 *	- sqm.reference_cache_stats(): how often this session loaded reference
 *	  data and how often a cache answered (tests check that caches hit).
 *
 * Negative answers are cached too: a unit created later invalidates the
 * cache like any change.
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
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/catcache.h"
#include "utils/date.h"
#include "utils/datum.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"
#include "utils/typcache.h"

#include "sqm.h"

/* Tables whose changes caches watch; more than sqm has reference tables. */
#define REF_MAX_TABLES 32

typedef struct RefTable
{
	char		name[NAMEDATALEN];	/* of a table of schema sqm */
	Oid			relid;			/* InvalidOid: look it up again */
	uint64		epoch;
} RefTable;

static RefTable ref_tables[REF_MAX_TABLES];
static int	ref_ntables = 0;
static uint64 ref_clock = 0;	/* the last epoch handed out */

/* sqm.reference_cache_stats() */
static int64 ref_loads = 0;
static int64 ref_hits = 0;

/* The organisation's time zone and notification setting, by org_id. */
typedef struct ZoneEntry
{
	int64		org;			/* hash key */
	text	   *zone;
	bool		notify;			/* notify_immediately */
} ZoneEntry;

/* The days a unit existed: its versions' validity, by (org_id, unit_id). */
typedef struct UnitKey
{
	int64		org;
	int64		unit;
} UnitKey;

typedef struct UnitEntry
{
	UnitKey		key;			/* hash key */
	int			nranges;
	DateADT    *lower;			/* first day of each version */
	DateADT    *upper;			/* the day after its last */
	bool	   *open;			/* no last day */
} UnitEntry;

/* One cache: a hash in its own context, and the epoch it was loaded at. */
typedef struct RefCache
{
	const char *table;
	int			slot;
	uint64		epoch;
	MemoryContext cxt;
	HTAB	   *hash;
	Size		keysize;
	Size		entrysize;
	SPIPlanPtr	plan;
} RefCache;

static RefCache zone_cache = {"organisation", -1, 0, NULL, NULL, sizeof(int64), sizeof(ZoneEntry), NULL};
static RefCache unit_cache = {"unit_version", -1, 0, NULL, NULL, sizeof(UnitKey), sizeof(UnitEntry), NULL};

PG_FUNCTION_INFO_V1(sqm_reference_changed);
PG_FUNCTION_INFO_V1(sqm_reference_cache_stats);


/* ----------------------------------------------------------------
 *		Epochs
 * ----------------------------------------------------------------
 */

/* Only bumps epochs: never touches the catalogs. */
static void
ref_relcache_callback(Datum arg, Oid relid)
{
	int			i;

	for (i = 0; i < ref_ntables; i++)
	{
		if (!OidIsValid(relid) || ref_tables[i].relid == relid)
		{
			ref_tables[i].epoch = ++ref_clock;
			/* dropped and created again, the table has another OID */
			ref_tables[i].relid = InvalidOid;
		}
	}
}

void
sqm_reference_init(void)
{
	sqm_register_relcache_callback(ref_relcache_callback);
}

/*
 * Registers a table of schema sqm whose changes a cache watches (once per
 * name) and returns its slot.
 */
int
sqm_reference_watch(const char *table)
{
	int			i;

	for (i = 0; i < ref_ntables; i++)
		if (strcmp(ref_tables[i].name, table) == 0)
			return i;
	if (ref_ntables >= REF_MAX_TABLES)
		elog(ERROR, "unexpected: more than %d reference tables watched", REF_MAX_TABLES);
	strlcpy(ref_tables[ref_ntables].name, table, NAMEDATALEN);
	ref_tables[ref_ntables].relid = InvalidOid;
	ref_tables[ref_ntables].epoch = ++ref_clock;
	return ref_ntables++;
}

/*
 * The watched table's OID, looked up after every invalidation; InvalidOid
 * if sqm is not installed.  Until it is found, every call bumps the epoch:
 * nothing is cached for a table that is not there.
 */
Oid
sqm_reference_relid(int slot)
{
	RefTable   *t = &ref_tables[slot];

	if (!OidIsValid(t->relid))
	{
		Oid			nsp = get_namespace_oid("sqm", true);

		t->relid = OidIsValid(nsp) ? get_relname_relid(t->name, nsp) : InvalidOid;
		if (!OidIsValid(t->relid))
			t->epoch = ++ref_clock;
	}
	return t->relid;
}

uint64
sqm_reference_epoch(int slot)
{
	(void) sqm_reference_relid(slot);
	return ref_tables[slot].epoch;
}

void
sqm_reference_counted(bool hit)
{
	if (hit)
		ref_hits++;
	else
		ref_loads++;
}

/*
 * Runs a kept plan that reads reference data: as the owner of the watched
 * table, read-only, with the latest snapshot.  The caller is connected to
 * SPI; returns SPI's result code.
 */
int
sqm_reference_query(SPIPlanPtr plan, Datum *values, const char *nulls, int slot)
{
	Oid			relid = sqm_reference_relid(slot);
	Oid			save_userid;
	int			save_sec_context;
	int			rc;

	if (!OidIsValid(relid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("table sqm.%s does not exist", ref_tables[slot].name),
				 errhint("Install sqm with CREATE EXTENSION sqm.")));
	sqm_become_owner(relid, &save_userid, &save_sec_context);
	rc = SPI_execute_snapshot(plan, values, nulls, GetLatestSnapshot(), InvalidSnapshot,
							  true, false, 0);
	SetUserIdAndSecContext(save_userid, save_sec_context);
	sqm_reference_counted(false);
	return rc;
}

/*
 * The cache, emptied if its table changed since it was loaded; its hash is
 * made on first use.
 */
static HTAB *
ref_cache_hash(RefCache *cache)
{
	uint64		epoch;

	if (cache->slot < 0)
		cache->slot = sqm_reference_watch(cache->table);
	epoch = sqm_reference_epoch(cache->slot);
	if (cache->hash != NULL && cache->epoch == epoch)
		return cache->hash;

	if (cache->cxt == NULL)
	{
		if (CacheMemoryContext == NULL)
			CreateCacheMemoryContext();
		cache->cxt = AllocSetContextCreate(CacheMemoryContext, "sqm reference cache",
										   ALLOCSET_SMALL_SIZES);
	}
	else
		MemoryContextReset(cache->cxt);
	{
		HASHCTL		ctl;

		ctl.keysize = cache->keysize;
		ctl.entrysize = cache->entrysize;
		ctl.hcxt = cache->cxt;
		cache->hash = hash_create("sqm reference cache", 64, &ctl,
								  HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}
	cache->epoch = epoch;
	return cache->hash;
}


/* ----------------------------------------------------------------
 *		The organisation's time zone
 * ----------------------------------------------------------------
 */

/*
 * What the organisation's row says that writers need on every insert: its
 * time zone and whether its writers notify themselves.  Read once per
 * backend (as the owner of sqm.organisation, with the latest snapshot) and
 * kept until sqm.organisation's trigger reference_changed says an
 * organisation was added or its time zone or notification setting
 * changed.  False if there is no such organisation.
 */
static bool
ref_org_entry(int64 org, ZoneEntry *out)
{
	HTAB	   *hash = ref_cache_hash(&zone_cache);
	uint64		epoch = zone_cache.epoch;
	ZoneEntry  *entry;
	text	   *zone = NULL;
	bool		notify = false;
	Datum		arg = Int64GetDatum(org);

	entry = hash_search(hash, &org, HASH_FIND, NULL);
	if (entry != NULL)
	{
		sqm_reference_counted(true);
		*out = *entry;
		return true;
	}

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "unexpected failure of SPI_connect");
	if (zone_cache.plan == NULL)
	{
		Oid			argtype = INT8OID;

		zone_cache.plan = sqm_prepare_kept("SELECT o.time_zone, o.notify_immediately FROM sqm.organisation o"
										   " WHERE o.org_id OPERATOR(pg_catalog.=) $1",
										   1, &argtype);
	}
	if (sqm_reference_query(zone_cache.plan, &arg, NULL, zone_cache.slot) != SPI_OK_SELECT)
		elog(ERROR, "unexpected result reading organisation %lld", (long long) org);
	if (SPI_processed == 1)
	{
		bool		isnull;
		Datum		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);

		if (!isnull)
			zone = (text *) SPI_datumTransfer(d, false, -1);	/* to the caller's context */
		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull);
		notify = !isnull && DatumGetBool(d);
	}
	SPI_finish();
	if (zone == NULL)
		return false;			/* not cached: a missing organisation is refused anyway */
	out->org = org;
	out->zone = zone;
	out->notify = notify;

	/*
	 * Kept only if nothing was invalidated while it was read: the change
	 * may be newer than the snapshot it was read with.
	 */
	hash = ref_cache_hash(&zone_cache);
	if (zone_cache.epoch == epoch)
	{
		entry = hash_search(hash, &org, HASH_ENTER, NULL);
		entry->zone = MemoryContextAlloc(zone_cache.cxt, VARSIZE_ANY(zone));
		memcpy(entry->zone, zone, VARSIZE_ANY(zone));
		entry->notify = notify;
	}
	return true;
}

/*
 * The day a moment falls on in the organisation's time zone (domain.md §2:
 * events are placed in days and periods there), as (ts AT TIME ZONE
 * o.time_zone)::date computes it.  False if there is no such organisation
 * (a foreign key refuses the row after the row check).
 */
bool
sqm_org_local_date(int64 org, TimestampTz ts, DateADT *day)
{
	ZoneEntry	entry;
	Timestamp	local;

	if (!ref_org_entry(org, &entry))
		return false;
	local = DatumGetTimestamp(DirectFunctionCall2(timestamptz_zone,
												  PointerGetDatum(entry.zone),
												  TimestampTzGetDatum(ts)));
	*day = DatumGetDateADT(DirectFunctionCall1(timestamp_date, TimestampGetDatum(local)));
	return true;
}

/*
 * Whether the organisation's writers send NOTIFY themselves
 * (sqm.organisation.notify_immediately, README "Notifications"); false for
 * an organisation that does not exist.
 */
bool
sqm_org_notifies(int64 org)
{
	ZoneEntry	entry;

	return ref_org_entry(org, &entry) && entry.notify;
}


/* ----------------------------------------------------------------
 *		Units and their validity
 * ----------------------------------------------------------------
 */

/*
 * Whether the unit existed on the day: a version of it is valid then
 * (domain.md §2, units with history).  False for a unit the organisation
 * never had.
 */
bool
sqm_unit_existed_on(int64 org, int64 unit, DateADT day)
{
	HTAB	   *hash = ref_cache_hash(&unit_cache);
	uint64		epoch = unit_cache.epoch;
	UnitKey		key;
	UnitEntry  *entry;
	UnitEntry	read;
	int			i;

	memset(&key, 0, sizeof(key));
	key.org = org;
	key.unit = unit;
	entry = hash_search(hash, &key, HASH_FIND, NULL);
	if (entry != NULL)
		sqm_reference_counted(true);
	else
	{
		Datum		args[2] = {Int64GetDatum(org), Int64GetDatum(unit)};
		MemoryContext caller = CurrentMemoryContext;
		int			n;

		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "unexpected failure of SPI_connect");
		if (unit_cache.plan == NULL)
		{
			Oid			argtypes[2] = {INT8OID, INT8OID};

			unit_cache.plan = sqm_prepare_kept("SELECT pg_catalog.lower(v.valid), pg_catalog.upper(v.valid)"
											   "  FROM sqm.unit_version v"
											   " WHERE v.org_id OPERATOR(pg_catalog.=) $1"
											   "   AND v.unit_id OPERATOR(pg_catalog.=) $2",
											   2, argtypes);
		}
		if (sqm_reference_query(unit_cache.plan, args, NULL, unit_cache.slot) != SPI_OK_SELECT)
			elog(ERROR, "unexpected result reading the versions of unit %lld", (long long) unit);

		/* the caller's context, so that the answer outlives SPI */
		n = (int) SPI_processed;
		read.key = key;
		read.nranges = n;
		read.lower = MemoryContextAlloc(caller, sizeof(DateADT) * Max(n, 1));
		read.upper = MemoryContextAlloc(caller, sizeof(DateADT) * Max(n, 1));
		read.open = MemoryContextAlloc(caller, sizeof(bool) * Max(n, 1));
		for (i = 0; i < n; i++)
		{
			bool		isnull;
			Datum		d;

			d = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull);
			read.lower[i] = isnull ? DATEVAL_NOBEGIN : DatumGetDateADT(d);
			d = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2, &isnull);
			read.upper[i] = isnull ? DATEVAL_NOEND : DatumGetDateADT(d);
			read.open[i] = isnull;
		}
		SPI_finish();
		entry = &read;

		/* kept only if nothing was invalidated while it was read */
		hash = ref_cache_hash(&unit_cache);
		if (unit_cache.epoch == epoch)
		{
			entry = hash_search(hash, &key, HASH_ENTER, NULL);
			entry->nranges = n;
			entry->lower = MemoryContextAlloc(unit_cache.cxt, sizeof(DateADT) * Max(n, 1));
			entry->upper = MemoryContextAlloc(unit_cache.cxt, sizeof(DateADT) * Max(n, 1));
			entry->open = MemoryContextAlloc(unit_cache.cxt, sizeof(bool) * Max(n, 1));
			memcpy(entry->lower, read.lower, sizeof(DateADT) * n);
			memcpy(entry->upper, read.upper, sizeof(DateADT) * n);
			memcpy(entry->open, read.open, sizeof(bool) * n);
		}
	}

	for (i = 0; i < entry->nranges; i++)
		if (entry->lower[i] <= day && (entry->open[i] || day < entry->upper[i]))
			return true;
	return false;
}


/* ----------------------------------------------------------------
 *		A kind's reference rows
 * ----------------------------------------------------------------
 */

typedef struct RefRowsEntry
{
	int64		key;			/* hash key */
	int			n;
	void	   *items;
} RefRowsEntry;

/*
 * The rows of one key of a kind's reference table (SqmRefSet in sqm.h),
 * read once and kept until the table changes.  Rows read while the table
 * was invalidated are used for this call only.
 */
int
sqm_reference_rows(SqmRefSet *set, int64 key, void **items)
{
	RefCache   *cache = (RefCache *) set->cache;
	HTAB	   *hash;
	uint64		epoch;
	RefRowsEntry *entry;
	MemoryContext caller = CurrentMemoryContext;
	MemoryContext cxt;
	Datum		arg = Int64GetDatum(key);
	char	   *buf;
	int			n;
	int			i;

	if (cache == NULL)
	{
		cache = MemoryContextAllocZero(TopMemoryContext, sizeof(RefCache));
		cache->table = set->table;
		cache->slot = -1;
		cache->keysize = sizeof(int64);
		cache->entrysize = sizeof(RefRowsEntry);
		set->cache = cache;
	}
	hash = ref_cache_hash(cache);
	epoch = cache->epoch;
	entry = hash_search(hash, &key, HASH_FIND, NULL);
	if (entry != NULL)
	{
		sqm_reference_counted(true);
		*items = entry->items;
		return entry->n;
	}

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "unexpected failure of SPI_connect");
	if (cache->plan == NULL)
	{
		Oid			argtype = INT8OID;

		cache->plan = sqm_prepare_kept(set->query, 1, &argtype);
	}
	if (sqm_reference_query(cache->plan, &arg, NULL, cache->slot) != SPI_OK_SELECT)
		elog(ERROR, "unexpected result reading sqm.%s", set->table);

	/* kept only if nothing was invalidated while it was read */
	hash = ref_cache_hash(cache);
	cxt = (cache->epoch == epoch) ? cache->cxt : caller;
	n = (int) SPI_processed;
	buf = MemoryContextAllocZero(cxt, set->itemsize * Max(n, 1));
	for (i = 0; i < n; i++)
		set->decode(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, buf + i * set->itemsize, cxt);
	SPI_finish();
	if (cache->epoch == epoch)
	{
		entry = hash_search(hash, &key, HASH_ENTER, NULL);
		entry->n = n;
		entry->items = buf;
	}
	*items = buf;
	return n;
}

/* The decode function of a set of SqmValidCode items (sqm.h). */
void
sqm_decode_valid_code(HeapTuple tuple, TupleDesc tupdesc, void *item, MemoryContext cxt)
{
	SqmValidCode *c = (SqmValidCode *) item;
	int			col = 2;
	bool		isnull;
	Datum		d;

	c->code = MemoryContextStrdup(cxt, SPI_getvalue(tuple, tupdesc, 1));
	c->regime = NULL;
	if (tupdesc->natts == 5)
	{
		char	   *regime = SPI_getvalue(tuple, tupdesc, col++);

		if (regime != NULL)
			c->regime = MemoryContextStrdup(cxt, regime);
	}
	d = SPI_getbinval(tuple, tupdesc, col++, &isnull);
	c->lower_inf = isnull;
	c->lower = isnull ? 0 : DatumGetDateADT(d);
	d = SPI_getbinval(tuple, tupdesc, col++, &isnull);
	c->upper_inf = isnull;
	c->upper = isnull ? 0 : DatumGetDateADT(d);
	c->empty = DatumGetBool(SPI_getbinval(tuple, tupdesc, col, &isnull));
}

/* Whether a daterange, given by its bounds ([lower, upper)), holds a day. */
bool
sqm_range_contains(DateADT lower, bool lower_inf, DateADT upper, bool upper_inf, bool empty,
				   DateADT day)
{
	return !empty && (lower_inf || lower <= day) && (upper_inf || day < upper);
}


/* ----------------------------------------------------------------
 *		Rows, for row checks
 * ----------------------------------------------------------------
 */

/*
 * The named fields of a composite row, as a row check receives it; the
 * values point into the row.  A name the row type lacks is a bug in sqm.
 */
void
sqm_row_fields(HeapTupleHeader row, int n, const char *const *names, Datum *values, bool *isnull)
{
	TupleDesc	tupdesc = lookup_rowtype_tupdesc(HeapTupleHeaderGetTypeId(row),
												 HeapTupleHeaderGetTypMod(row));
	HeapTupleData tuple;
	int			i;

	tuple.t_len = HeapTupleHeaderGetDatumLength(row);
	ItemPointerSetInvalid(&tuple.t_self);
	tuple.t_tableOid = InvalidOid;
	tuple.t_data = row;
	for (i = 0; i < n; i++)
	{
		Form_pg_attribute att = sqm_find_column(tupdesc, names[i]);

		if (att == NULL)
		{
			ReleaseTupleDesc(tupdesc);
			elog(ERROR, "unexpected: a row of type %s has no column \"%s\"",
				 format_type_be(HeapTupleHeaderGetTypeId(row)), names[i]);
		}
		values[i] = heap_getattr(&tuple, att->attnum, tupdesc, &isnull[i]);
	}
	ReleaseTupleDesc(tupdesc);
}

/* Whether a field differs between the old and the new row (bytewise). */
bool
sqm_field_changed(Datum newvalue, bool newnull, Datum oldvalue, bool oldnull, Oid type)
{
	int16		typlen;
	bool		typbyval;

	if (newnull || oldnull)
		return newnull != oldnull;
	get_typlenbyval(type, &typlen, &typbyval);
	return !datum_image_eq(newvalue, oldvalue, typbyval, typlen);
}

/* A day as PostgreSQL prints it (DateStyle), for messages. */
char *
sqm_date_text(DateADT day)
{
	return DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(day)));
}

/* A moment as PostgreSQL prints it (DateStyle, TimeZone), for messages. */
char *
sqm_timestamptz_text(TimestampTz ts)
{
	return DatumGetCString(DirectFunctionCall1(timestamptz_out, TimestampTzGetDatum(ts)));
}


/* ----------------------------------------------------------------
 *		SQL-callable functions
 * ----------------------------------------------------------------
 */

/*
 * sqm.reference_changed(): AFTER ... FOR EACH STATEMENT on a reference
 * table.  Invalidating the table's relcache entry reaches every session's
 * relcache callback, and so the epoch of every cache built from the table.
 */
Datum
sqm_reference_changed(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata;

	trigdata = sqm_trigger_protocol(fcinfo, "sqm.reference_changed()",
									SQM_TG_STATEMENT | SQM_TG_AFTER | SQM_TG_INSERT | SQM_TG_UPDATE |
									SQM_TG_DELETE | SQM_TG_TRUNCATE,
									"sqm.watch_reference() creates it: CREATE TRIGGER reference_changed "
									"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON <table> "
									"FOR EACH STATEMENT EXECUTE FUNCTION sqm.reference_changed().");
	CacheInvalidateRelcacheByRelid(RelationGetRelid(trigdata->tg_relation));
	return PointerGetDatum(NULL);
}

/* sqm.reference_cache_stats(): one row (loads, hits) of this session. */
Datum
sqm_reference_cache_stats(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Datum		values[2];
	bool		nulls[2] = {false, false};

	InitMaterializedSRF(fcinfo, 0);
	values[0] = Int64GetDatum(ref_loads);
	values[1] = Int64GetDatum(ref_hits);
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	return (Datum) 0;
}
