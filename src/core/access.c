/*-------------------------------------------------------------------------
 *
 * access.c
 *	  Authorisation: who is calling, and whether they may do something for a
 *	  unit of an organisation (domain.md §5).
 *
 * This file owns
 *
 *	- the facts about the caller: the calling role (the SET ROLE target, else
 *	  the session user -- never current_user, which inside a SECURITY
 *	  DEFINER function is the owner), whether it is a superuser, whether it
 *	  is an application that may name its end user in sqm.actor (a member of
 *	  sqm_app), and the person acting (sqm.caller_identity());
 *	- sqm.may(org, unit, capability) and sqm.authorize(), which the API and
 *	  the row-level security policies ask, and sqm.is_member(),
 *	  sqm.may_see(), sqm.may_read_case() and sqm.caller_reported(), the
 *	  policies' other questions (the last reads the case's details row
 *	  through a kept plan per kind, as the tables' owner);
 *	- the contract of object errors (issue 10 item 4), which the write path
 *	  and the API share: a caller who holds the capability nowhere in the
 *	  organisation gets 42501, one who holds it somewhere gets 42704 "no
 *	  <kind> N that you may <verb>" -- the same SQLSTATE, message and detail
 *	  whether the object exists or not, and no detail naming a unit;
 *	- the per-backend cache everything above reads, its invalidation (the
 *	  statement trigger sqm.access_invalidate() on the tables it reads plus
 *	  a relcache callback) and sqm.access_cache_stats().
 *
 * The cache.  Per organisation: its time zone, the memberships by member,
 * its delegation order (which sqm role holds which capability:
 * sqm.delegation_order(), the default of sqm.role_capability changed by the
 * organisation's own rows in sqm.delegation) as a bit set of roles per
 * capability, and its unit hierarchy as of today -- each unit valid today
 * with its parent, and each unit whose history another holds by today with
 * that successor.  An organisation is loaded on first use with SPI (kept
 * plans, the latest snapshot, on behalf of the owner of sqm.membership) and
 * loaded again when any of those tables changes (in any session: the
 * trigger invalidates the table's relcache entry, which reaches every
 * backend's callback at its next statement) or the day changes.  The
 * callback only bumps a counter; the next lookup drops everything.
 *
 * Time.  Authorisation uses today's date in the organisation's time zone,
 * from the real clock (the start of the transaction), never sqm.now():
 * sqm.frozen_now is for replaying history, and a clock set back must not
 * hand a manager the units their department had then (issue 10 item 1).
 * A unit that no longer exists is authorised through the unit that holds
 * its history today (sqm.unit_successor), then up the hierarchy of today.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/catcache.h"
#include "utils/date.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "sqm.h"

/* The sqm roles, in the order of the bits of AcCapability.roles. */
#define AC_NROLES 6
static const char *const ac_role_names[AC_NROLES] = {
	"reporter", "unit_manager", "investigator", "quality_coordinator", "auditor", "report_reader"
};

/* Walks of the hierarchy stop here (a cycle is refused when it is written). */
#define AC_MAX_DEPTH 100

/* A member's key: 'r' + role name, or 'a' + actor name (as apps pass it). */
#define AC_KEYLEN	(NAMEDATALEN * 2)

/* One membership of a member. */
typedef struct AcGrant
{
	uint8		role_bit;
	bool		org_wide;		/* unit_id NULL */
	int64		unit;
} AcGrant;

/* Entry of AcOrg.members. */
typedef struct AcMember
{
	char		key[AC_KEYLEN];
	int			n;
	int			allocated;
	AcGrant    *grants;
} AcMember;

/* Entry of AcOrg.capabilities: which roles hold a capability. */
typedef struct AcCapability
{
	char		name[NAMEDATALEN];
	uint8		roles;
} AcCapability;

/* Entry of AcOrg.units: a unit valid today, or one another holds the history of. */
typedef struct AcUnit
{
	int64		unit;
	bool		today;			/* it has a version valid today */
	int64		parent;			/* today's parent; 0: none */
	int64		successor;		/* holds its history today; 0: none */
} AcUnit;

/* Entry of ac_orgs. */
typedef struct AcOrg
{
	int64		org;			/* hash key */
	bool		loaded;
	bool		exists;
	char	   *time_zone;
	DateADT		day;			/* the hierarchy is as of this day */
	TimestampTz day_at;			/* the transaction start day was computed for */
	MemoryContext cxt;
	HTAB	   *members;
	HTAB	   *capabilities;
	HTAB	   *units;
} AcOrg;

/* The tables the cache reads; a change to any of them drops it. */
static const char *const ac_tables[] = {
	"organisation", "unit_version", "unit_succession", "membership", "role_capability", "delegation"
};
static Oid	ac_relids[lengthof(ac_tables)];

static MemoryContext ac_cxt = NULL;
static HTAB *ac_orgs = NULL;
static uint64 ac_generation = 1;	/* bumped by the callback */
static uint64 ac_seen = 0;		/* the generation ac_orgs holds */

static SPIPlanPtr ac_org_plan = NULL;
static SPIPlanPtr ac_member_plan = NULL;
static SPIPlanPtr ac_capability_plan = NULL;
static SPIPlanPtr ac_unit_plan = NULL;
static SPIPlanPtr ac_succession_plan = NULL;

/* sqm.access_cache_stats() */
static int64 ac_loads = 0;
static int64 ac_hits = 0;

/*
 * sqm.caller_reported()'s kept plans, one per governed table: who reported
 * a case (its details row's reported_by) and its unit.  Entry of
 * ac_reporters; marked invalid by the relcache callback when either table
 * changes.
 */
typedef struct AcReporterPlan
{
	Oid			governed;		/* hash key */
	Oid			details;
	bool		valid;
	SPIPlanPtr	plan;			/* NULL: the details table has no reported_by */
} AcReporterPlan;

static HTAB *ac_reporters = NULL;

PG_FUNCTION_INFO_V1(sqm_caller_role);
PG_FUNCTION_INFO_V1(sqm_caller_is_superuser);
PG_FUNCTION_INFO_V1(sqm_caller_is_app);
PG_FUNCTION_INFO_V1(sqm_caller_identity);
PG_FUNCTION_INFO_V1(sqm_may_sql);
PG_FUNCTION_INFO_V1(sqm_authorize_sql);
PG_FUNCTION_INFO_V1(sqm_is_member);
PG_FUNCTION_INFO_V1(sqm_may_see);
PG_FUNCTION_INFO_V1(sqm_may_read_case);
PG_FUNCTION_INFO_V1(sqm_caller_reported);
PG_FUNCTION_INFO_V1(sqm_authorize_anywhere_sql);
PG_FUNCTION_INFO_V1(sqm_authorize_found_sql);
PG_FUNCTION_INFO_V1(sqm_access_invalidate);
PG_FUNCTION_INFO_V1(sqm_access_cache_stats);


/* ----------------------------------------------------------------
 *		The caller
 * ----------------------------------------------------------------
 */

/*
 * The OID of the calling role.  The GUC "role" holds the SET ROLE target by
 * name ("none" when there is none); a SECURITY DEFINER function does not
 * change it.
 */
Oid
sqm_caller_role_oid(void)
{
	const char *role = GetConfigOption("role", false, false);

	if (role != NULL && strcmp(role, "none") != 0)
	{
		Oid			oid = get_role_oid(role, true);

		if (OidIsValid(oid))
			return oid;
	}
	return GetSessionUserId();
}

/* A member of sqm_app (directly or through other roles); false if sqm_app does not exist. */
bool
sqm_caller_is_app_role(void)
{
	Oid			app = get_role_oid("sqm_app", true);

	return OidIsValid(app) && is_member_of_role(sqm_caller_role_oid(), app);
}

/*
 * The end user an app names: the GUC sqm.actor, else the session user (as
 * sqm.actor() answers).  Only counts for an app (sqm_caller_is_app_role).
 */
static const char *
ac_actor(void)
{
	const char *actor = GetConfigOption("sqm.actor", true, false);

	if (actor != NULL && actor[0] != '\0')
		return actor;
	return GetUserNameFromId(GetSessionUserId(), false);
}

/* The person acting: the end user an app names, else the calling role. */
static const char *
ac_caller_identity(void)
{
	if (sqm_caller_is_app_role())
		return ac_actor();
	return GetUserNameFromId(sqm_caller_role_oid(), false);
}

/* Who the caller is, for the detail of an error. */
char *
sqm_caller_description(void)
{
	char	   *role = GetUserNameFromId(sqm_caller_role_oid(), false);

	if (sqm_caller_is_app_role())
		return psprintf("role \"%s\", acting for \"%s\"", role, ac_actor());
	return psprintf("role \"%s\"", role);
}

Datum
sqm_caller_role(PG_FUNCTION_ARGS)
{
	char	   *name = GetUserNameFromId(sqm_caller_role_oid(), false);

	PG_RETURN_DATUM(DirectFunctionCall1(namein, CStringGetDatum(name)));
}

Datum
sqm_caller_is_superuser(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(superuser_arg(sqm_caller_role_oid()));
}

Datum
sqm_caller_is_app(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(sqm_caller_is_app_role());
}

/*
 * sqm.caller_identity(): the person acting -- the end user an app names in
 * sqm.actor, else the calling role.  (sqm.actor alone is trusted only from
 * apps.)
 */
Datum
sqm_caller_identity(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(ac_caller_identity()));
}


/* ----------------------------------------------------------------
 *		The cache
 * ----------------------------------------------------------------
 */

/* Only counts: the next lookup drops what it holds. */
static void
ac_relcache_callback(Datum arg, Oid relid)
{
	int			i;

	if (ac_reporters != NULL)
	{
		HASH_SEQ_STATUS status;
		AcReporterPlan *r;

		hash_seq_init(&status, ac_reporters);
		while ((r = hash_seq_search(&status)) != NULL)
			if (!OidIsValid(relid) || r->governed == relid || r->details == relid)
				r->valid = false;
	}
	if (!OidIsValid(relid))
	{
		ac_generation++;
		return;
	}
	for (i = 0; i < lengthof(ac_relids); i++)
		if (relid == ac_relids[i])
		{
			ac_generation++;
			return;
		}
}

void
sqm_access_init(void)
{
	sqm_register_relcache_callback(ac_relcache_callback);
}

/*
 * Drops the cache if anything it read changed since it was filled.  The
 * tables' OIDs are looked up again each time: the extension may have been
 * dropped and created again (which invalidates the old ones).
 */
static void
ac_check_generation(void)
{
	HASHCTL		ctl;
	Oid			nsp;
	int			i;

	if (ac_seen == ac_generation && ac_orgs != NULL)
		return;

	if (ac_cxt == NULL)
	{
		if (CacheMemoryContext == NULL)
			CreateCacheMemoryContext();
		ac_cxt = AllocSetContextCreate(CacheMemoryContext, "sqm access cache",
									   ALLOCSET_SMALL_SIZES);
	}
	else
		MemoryContextReset(ac_cxt);

	nsp = get_namespace_oid("sqm", true);
	for (i = 0; i < lengthof(ac_tables); i++)
		ac_relids[i] = OidIsValid(nsp) ? get_relname_relid(ac_tables[i], nsp) : InvalidOid;

	ctl.keysize = sizeof(int64);
	ctl.entrysize = sizeof(AcOrg);
	ctl.hcxt = ac_cxt;
	ac_orgs = hash_create("sqm access organisations", 8, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	ac_seen = ac_generation;
}

/* Today's date in a time zone, by the start of the transaction. */
static DateADT
ac_today(const char *time_zone, TimestampTz at)
{
	Datum		local = DirectFunctionCall2(timestamptz_zone,
											CStringGetTextDatum(time_zone),
											TimestampTzGetDatum(at));

	return DatumGetDateADT(DirectFunctionCall1(timestamp_date, local));
}

/*
 * Runs a loader plan with the latest snapshot, so that what an invalidation
 * announced is seen even under REPEATABLE READ (see lifecycle.c).  A parallel
 * worker -- RLS policies ask sqm.may() in parallel scans -- may take no new
 * snapshot: it reads with the query's, and its cache ends with it.
 */
static void
ac_query(SPIPlanPtr plan, Datum *args)
{
	int			ret = SPI_execute_snapshot(plan, args, NULL,
										   IsInParallelMode() ? GetActiveSnapshot() : GetLatestSnapshot(),
										   InvalidSnapshot, true, false, 0);

	if (ret != SPI_OK_SELECT)
		elog(ERROR, "unexpected SPI result %d loading the access cache", ret);
}

static int
ac_role_bit(const char *role)
{
	int			r;

	for (r = 0; r < AC_NROLES; r++)
		if (strcmp(role, ac_role_names[r]) == 0)
			return 1 << r;
	return 0;
}

static void
ac_prepare_plans(void)
{
	Oid			int8arg[1] = {INT8OID};
	Oid			dayargs[2] = {INT8OID, DATEOID};

	if (ac_org_plan == NULL)
		ac_org_plan = sqm_prepare_kept(
			"SELECT o.time_zone FROM sqm.organisation o WHERE o.org_id OPERATOR(pg_catalog.=) $1",
			1, int8arg);
	if (ac_member_plan == NULL)
		ac_member_plan = sqm_prepare_kept(
			"SELECT m.member, m.member_is_actor, m.role, m.unit_id FROM sqm.membership m"
			" WHERE m.org_id OPERATOR(pg_catalog.=) $1",
			1, int8arg);
	if (ac_capability_plan == NULL)
		ac_capability_plan = sqm_prepare_kept(
			"SELECT d.role, d.capability FROM sqm.delegation_order($1) d",
			1, int8arg);
	if (ac_unit_plan == NULL)
		ac_unit_plan = sqm_prepare_kept(
			"SELECT v.unit_id, v.parent_id FROM sqm.unit_version v"
			" WHERE v.org_id OPERATOR(pg_catalog.=) $1 AND v.valid OPERATOR(pg_catalog.@>) $2",
			2, dayargs);
	if (ac_succession_plan == NULL)
		ac_succession_plan = sqm_prepare_kept(
			"SELECT s.predecessor_id, s.successor_id FROM sqm.unit_succession s"
			" WHERE s.org_id OPERATOR(pg_catalog.=) $1 AND s.carries_history"
			" AND s.effective OPERATOR(pg_catalog.<=) $2",
			2, dayargs);
}

static AcUnit *
ac_unit_entry(AcOrg *o, int64 unit)
{
	bool		found;
	AcUnit	   *u = hash_search(o->units, &unit, HASH_ENTER, &found);

	if (!found)
	{
		u->today = false;
		u->parent = 0;
		u->successor = 0;
	}
	return u;
}

/*
 * Loads an organisation: its time zone, memberships, delegation order and
 * hierarchy as of today, into a new context that replaces the entry's old
 * one only when all is read (an error leaves the entry as it was).
 */
static void
ac_load(AcOrg *entry)
{
	AcOrg		o;
	HASHCTL		ctl;
	SqmSavedUser saved;
	Datum		args[2];
	TimestampTz at = GetCurrentTransactionStartTimestamp();
	SPITupleTable *tuptable;
	bool		isnull;
	uint64		i;

	memset(&o, 0, sizeof(o));
	o.org = entry->org;
	o.day_at = at;
	o.cxt = AllocSetContextCreate(ac_cxt, "sqm access organisation", ALLOCSET_SMALL_SIZES);

	/* on behalf of the owner of the tables: the callers need no privilege */
	sqm_become_user(sqm_relation_owner(sqm_relation_oid("membership")), &saved);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "unexpected failure of SPI_connect");
	ac_prepare_plans();

	args[0] = Int64GetDatum(o.org);
	ac_query(ac_org_plan, args);
	if (SPI_processed == 1)
	{
		char	   *tz = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);

		o.exists = true;
		o.time_zone = MemoryContextStrdup(o.cxt, tz);
		o.day = ac_today(tz, at);

		ctl.keysize = AC_KEYLEN;
		ctl.entrysize = sizeof(AcMember);
		ctl.hcxt = o.cxt;
		o.members = hash_create("sqm access members", 16, &ctl, HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);
		ctl.keysize = NAMEDATALEN;
		ctl.entrysize = sizeof(AcCapability);
		o.capabilities = hash_create("sqm access capabilities", 32, &ctl,
									 HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);
		ctl.keysize = sizeof(int64);
		ctl.entrysize = sizeof(AcUnit);
		o.units = hash_create("sqm access units", 32, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);

		ac_query(ac_member_plan, args);
		tuptable = SPI_tuptable;
		for (i = 0; i < SPI_processed; i++)
		{
			HeapTuple	tuple = tuptable->vals[i];
			char	   *member = SPI_getvalue(tuple, tuptable->tupdesc, 1);
			bool		is_actor = DatumGetBool(SPI_getbinval(tuple, tuptable->tupdesc, 2, &isnull));
			int			bit = ac_role_bit(SPI_getvalue(tuple, tuptable->tupdesc, 3));
			Datum		unit = SPI_getbinval(tuple, tuptable->tupdesc, 4, &isnull);
			char		key[AC_KEYLEN];
			AcMember   *m;
			bool		found;

			if (member == NULL || strlen(member) + 2 > AC_KEYLEN || bit == 0)
				continue;		/* no caller can have that name */
			snprintf(key, sizeof(key), "%c%s", is_actor ? 'a' : 'r', member);
			m = hash_search(o.members, key, HASH_ENTER, &found);
			if (!found)
			{
				m->n = 0;
				m->allocated = 2;
				m->grants = MemoryContextAlloc(o.cxt, sizeof(AcGrant) * m->allocated);
			}
			else if (m->n == m->allocated)
			{
				m->allocated *= 2;
				m->grants = repalloc(m->grants, sizeof(AcGrant) * m->allocated);
			}
			m->grants[m->n].role_bit = bit;
			m->grants[m->n].org_wide = isnull;
			m->grants[m->n].unit = isnull ? 0 : DatumGetInt64(unit);
			m->n++;
		}

		ac_query(ac_capability_plan, args);
		tuptable = SPI_tuptable;
		for (i = 0; i < SPI_processed; i++)
		{
			HeapTuple	tuple = tuptable->vals[i];
			int			bit = ac_role_bit(SPI_getvalue(tuple, tuptable->tupdesc, 1));
			char	   *capability = SPI_getvalue(tuple, tuptable->tupdesc, 2);
			AcCapability *c;
			bool		found;

			if (capability == NULL || strlen(capability) >= NAMEDATALEN || bit == 0)
				continue;		/* no API asks for such a capability */
			c = hash_search(o.capabilities, capability, HASH_ENTER, &found);
			if (!found)
				c->roles = 0;
			c->roles |= bit;
		}

		args[1] = DateADTGetDatum(o.day);
		ac_query(ac_unit_plan, args);
		tuptable = SPI_tuptable;
		for (i = 0; i < SPI_processed; i++)
		{
			HeapTuple	tuple = tuptable->vals[i];
			AcUnit	   *u = ac_unit_entry(&o, DatumGetInt64(SPI_getbinval(tuple, tuptable->tupdesc, 1, &isnull)));
			Datum		parent = SPI_getbinval(tuple, tuptable->tupdesc, 2, &isnull);

			u->today = true;
			u->parent = isnull ? 0 : DatumGetInt64(parent);
		}
		ac_query(ac_succession_plan, args);
		tuptable = SPI_tuptable;
		for (i = 0; i < SPI_processed; i++)
		{
			HeapTuple	tuple = tuptable->vals[i];
			AcUnit	   *u = ac_unit_entry(&o, DatumGetInt64(SPI_getbinval(tuple, tuptable->tupdesc, 1, &isnull)));

			u->successor = DatumGetInt64(SPI_getbinval(tuple, tuptable->tupdesc, 2, &isnull));
		}
	}

	SPI_finish();
	sqm_restore_user(&saved);

	if (entry->loaded && entry->cxt != NULL)
		MemoryContextDelete(entry->cxt);
	o.loaded = true;
	*entry = o;
	ac_loads++;
}

/* The cached organisation, loaded if need be and current for today. */
static AcOrg *
ac_org(int64 org)
{
	AcOrg	   *o;
	bool		found;

	ac_check_generation();
	o = hash_search(ac_orgs, &org, HASH_ENTER, &found);
	if (!found)
	{
		o->loaded = false;
		o->cxt = NULL;
	}
	if (!o->loaded)
	{
		ac_load(o);
		return o;
	}
	if (o->exists)
	{
		TimestampTz at = GetCurrentTransactionStartTimestamp();

		if (o->day_at != at)
		{
			/* a new transaction: is it another day? */
			if (ac_today(o->time_zone, at) != o->day)
			{
				ac_load(o);
				return o;
			}
			o->day_at = at;
		}
	}
	ac_hits++;
	return o;
}

/* The caller's memberships in an organisation: as a role, and as an app's actor. */
static int
ac_caller_members(AcOrg *o, AcMember **members)
{
	char		key[AC_KEYLEN];
	char	   *role = GetUserNameFromId(sqm_caller_role_oid(), false);
	int			n = 0;

	snprintf(key, sizeof(key), "r%s", role);
	members[n] = hash_search(o->members, key, HASH_FIND, NULL);
	if (members[n] != NULL)
		n++;
	if (sqm_caller_is_app_role())
	{
		const char *actor = ac_actor();

		if (strlen(actor) + 2 <= AC_KEYLEN)
		{
			snprintf(key, sizeof(key), "a%s", actor);
			members[n] = hash_search(o->members, key, HASH_FIND, NULL);
			if (members[n] != NULL)
				n++;
		}
	}
	return n;
}

/* The roles holding a capability in the organisation's delegation order. */
static uint8
ac_roles_of(AcOrg *o, const char *capability)
{
	AcCapability *c;

	if (strlen(capability) >= NAMEDATALEN)
		return 0;
	c = hash_search(o->capabilities, capability, HASH_FIND, NULL);
	return c ? c->roles : 0;
}

/* Whether a unit is, or is under, the unit of a grant today. */
static bool
ac_covers(AcOrg *o, int64 unit, int64 granted)
{
	AcUnit	   *u;
	int			depth;

	/* a unit that has ended: the one that holds its history today */
	for (depth = 0; depth < AC_MAX_DEPTH; depth++)
	{
		u = hash_search(o->units, &unit, HASH_FIND, NULL);
		if (u == NULL || u->today || u->successor == 0)
			break;
		unit = u->successor;
	}
	/* then up the hierarchy as it is today */
	for (depth = 0; depth < AC_MAX_DEPTH; depth++)
	{
		if (unit == granted)
			return true;
		u = hash_search(o->units, &unit, HASH_FIND, NULL);
		if (u == NULL || !u->today || u->parent == 0)
			return false;
		unit = u->parent;
	}
	return false;
}

/*
 * Whether the caller may do what the capability allows for a unit of an
 * organisation (unit_null: anywhere in it, which only an organisation-wide
 * role allows).  Superusers may everything: they could write the tables
 * anyway.
 */
bool
sqm_may(int64 org, bool unit_null, int64 unit, const char *capability)
{
	AcOrg	   *o;
	AcMember   *members[2];
	uint8		roles;
	int			n;
	int			i;
	int			g;

	if (superuser_arg(sqm_caller_role_oid()))
		return true;
	o = ac_org(org);
	if (!o->exists)
		return false;
	roles = ac_roles_of(o, capability);
	if (roles == 0)
		return false;
	n = ac_caller_members(o, members);
	/* an organisation-wide grant answers at once */
	for (i = 0; i < n; i++)
		for (g = 0; g < members[i]->n; g++)
			if ((members[i]->grants[g].role_bit & roles) && members[i]->grants[g].org_wide)
				return true;
	if (unit_null)
		return false;
	for (i = 0; i < n; i++)
		for (g = 0; g < members[i]->n; g++)
			if ((members[i]->grants[g].role_bit & roles) &&
				ac_covers(o, unit, members[i]->grants[g].unit))
				return true;
	return false;
}

/* Whether the caller holds the capability anywhere in the organisation. */
bool
sqm_holds_capability(int64 org, const char *capability)
{
	AcOrg	   *o;
	AcMember   *members[2];
	uint8		roles;
	int			n;
	int			i;
	int			g;

	if (superuser_arg(sqm_caller_role_oid()))
		return true;
	o = ac_org(org);
	if (!o->exists)
		return false;
	roles = ac_roles_of(o, capability);
	n = ac_caller_members(o, members);
	for (i = 0; i < n; i++)
		for (g = 0; g < members[i]->n; g++)
			if (members[i]->grants[g].role_bit & roles)
				return true;
	return false;
}

/* Whether the caller has any sqm role in the organisation. */
static bool
ac_is_member(int64 org)
{
	AcOrg	   *o = ac_org(org);
	AcMember   *members[2];

	return o->exists && ac_caller_members(o, members) > 0;
}


/* ----------------------------------------------------------------
 *		Errors of authorisation
 * ----------------------------------------------------------------
 */

/*
 * The first half of authorising an action on an object: the caller must
 * hold the capability somewhere in the organisation, else 42501.  Asked
 * before anything is known about the object, so the answer cannot depend on
 * it.
 */
void
sqm_authorize_anywhere(int64 org, const char *capability, const SqmAuthWhat *what)
{
	if (sqm_holds_capability(org, capability))
		return;
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("permission denied to %s %s %lld%s", what->verb, what->label,
					(long long) what->id, what->suffix),
			 errdetail("The caller (%s) has no sqm role with capability \"%s\" in organisation %lld.",
					   sqm_caller_description(), capability, (long long) org),
			 errhint("A quality coordinator grants roles with sqm.grant_membership() and sets who holds which capability with sqm.set_delegation().")));
}

/*
 * The second half: the object, looked up without a lock and as its
 * table's owner, must exist and the caller's roles with the capability
 * must cover its unit.  Both failures read the same, and name no unit, so
 * that a caller learns nothing of objects they may not act on.
 */
void
sqm_authorize_found(int64 org, bool found, bool unit_null, int64 unit,
					const char *capability, const SqmAuthWhat *what)
{
	if (found && sqm_may(org, unit_null, unit, capability))
		return;
	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_OBJECT),
			 errmsg("no %s %lld that you may %s%s", what->label, (long long) what->id,
					what->verb, what->suffix),
			 errdetail("Organisation %lld has no %s %lld, or none that your sqm roles with capability \"%s\" cover.",
					   (long long) org, what->label, (long long) what->id, capability)));
}


/* ----------------------------------------------------------------
 *		The SQL functions
 * ----------------------------------------------------------------
 */

/*
 * sqm.may(org, unit, capability): whether the caller may, for the unit and
 * the units below it today (NULL unit: organisation-wide).
 */
Datum
sqm_may_sql(PG_FUNCTION_ARGS)
{
	char	   *capability;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(2))
		PG_RETURN_BOOL(superuser_arg(sqm_caller_role_oid()));
	capability = text_to_cstring(PG_GETARG_TEXT_PP(2));
	PG_RETURN_BOOL(sqm_may(PG_GETARG_INT64(0), PG_ARGISNULL(1),
						   PG_ARGISNULL(1) ? 0 : PG_GETARG_INT64(1), capability));
}

/*
 * sqm.authorize(org, unit, capability, object): 42501 unless the caller
 * may.  For what is not an object of a kind: a unit (creation), the
 * organisation (taxonomies, settings, memberships).  object says what, as
 * a verb phrase: "permission denied to <object>".
 */
Datum
sqm_authorize_sql(PG_FUNCTION_ARGS)
{
	int64		org;
	char	   *capability;
	char	   *object;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("sqm.authorize needs the organisation and the capability")));
	org = PG_GETARG_INT64(0);
	capability = text_to_cstring(PG_GETARG_TEXT_PP(2));
	object = PG_ARGISNULL(3) ? "do this" : text_to_cstring(PG_GETARG_TEXT_PP(3));
	if (sqm_may(org, PG_ARGISNULL(1), PG_ARGISNULL(1) ? 0 : PG_GETARG_INT64(1), capability))
		PG_RETURN_VOID();
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("permission denied to %s", object),
			 PG_ARGISNULL(1) ?
			 errdetail("The caller (%s) has no sqm role with capability \"%s\" for the whole of organisation %lld.",
					   sqm_caller_description(), capability, (long long) org) :
			 errdetail("The caller (%s) has no sqm role with capability \"%s\" for unit %lld of organisation %lld.",
					   sqm_caller_description(), capability, (long long) PG_GETARG_INT64(1), (long long) org),
			 errhint("A quality coordinator grants roles with sqm.grant_membership() and sets who holds which capability with sqm.set_delegation().")));
	PG_RETURN_VOID();
}

/* sqm.is_member(org): whether the caller has any sqm role in the organisation. */
Datum
sqm_is_member(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(0))
		PG_RETURN_BOOL(false);
	PG_RETURN_BOOL(ac_is_member(PG_GETARG_INT64(0)));
}

/*
 * sqm.may_see(org, unit, reported_by): RLS of a row of a unit -- cases for
 * those who read them, statistics for report readers, and the caller's own
 * reports while they may still report for the unit.
 */
Datum
sqm_may_see(PG_FUNCTION_ARGS)
{
	int64		org;
	bool		unit_null = PG_ARGISNULL(1);
	int64		unit = unit_null ? 0 : PG_GETARG_INT64(1);

	if (PG_ARGISNULL(0))
		PG_RETURN_BOOL(superuser_arg(sqm_caller_role_oid()));
	org = PG_GETARG_INT64(0);
	if (sqm_may(org, unit_null, unit, "read_cases") ||
		sqm_may(org, unit_null, unit, "read_statistics"))
		PG_RETURN_BOOL(true);
	if (!PG_ARGISNULL(2))
	{
		char	   *reported_by = text_to_cstring(PG_GETARG_TEXT_PP(2));

		if (strcmp(reported_by, ac_caller_identity()) == 0 && sqm_may(org, unit_null, unit, "report"))
			PG_RETURN_BOOL(true);
	}
	PG_RETURN_BOOL(false);
}

/*
 * sqm.may_read_case(org, kind, id): RLS of what belongs to a case of any
 * kind (links, registry entries): read_cases for the case's unit --
 * organisation-wide for an unknown kind, a case that does not exist, or a
 * kind without units.
 */
Datum
sqm_may_read_case(PG_FUNCTION_ARGS)
{
	int64		org;
	SqmKind    *kind;
	Oid			coltype = InvalidOid;
	Datum		unit = (Datum) 0;
	bool		unit_null = true;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_BOOL(superuser_arg(sqm_caller_role_oid()));
	org = PG_GETARG_INT64(0);
	if (superuser_arg(sqm_caller_role_oid()))
		PG_RETURN_BOOL(true);
	kind = sqm_kind(text_to_cstring(PG_GETARG_TEXT_PP(1)));
	if (kind != NULL &&
		(!sqm_case_fetch(sqm_kind_governed(kind), org, PG_GETARG_INT64(2), true, "unit_id",
						 &coltype, &unit, &unit_null) || coltype != INT8OID))
		unit_null = true;
	PG_RETURN_BOOL(sqm_may(org, unit_null, unit_null ? 0 : DatumGetInt64(unit), "read_cases"));
}

/*
 * The kept plan that reads who reported a case of a kind and its unit, from
 * its details row and its case row; prepared (within SPI) on first use and
 * again after either table changed.  plan NULL: the details table has no
 * reported_by, so nobody reported its cases in this sense.  Every operator
 * is pg_catalog's: the plan is kept and may be prepared under any
 * search_path.
 */
static AcReporterPlan *
ac_reporter_plan(Oid governed, Oid details)
{
	AcReporterPlan *r;
	bool		found;

	if (ac_reporters == NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = sizeof(Oid);
		ctl.entrysize = sizeof(AcReporterPlan);
		ctl.hcxt = CacheMemoryContext;
		ac_reporters = hash_create("sqm reporter plans", 8, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}
	r = hash_search(ac_reporters, &governed, HASH_ENTER, &found);
	if (!found)
	{
		r->plan = NULL;
		r->valid = false;
	}
	if (!r->valid || r->details != details)
	{
		AttrNumber	reported_by = get_attnum(details, "reported_by");
		AttrNumber	unit = get_attnum(governed, "unit_id");
		Oid			argtypes[2] = {INT8OID, INT8OID};

		if (r->plan != NULL)
			SPI_freeplan(r->plan);
		r->plan = NULL;
		r->details = details;
		if (reported_by > 0 && get_atttype(details, reported_by) == TEXTOID)
			r->plan = sqm_prepare_kept(psprintf("SELECT d.reported_by, %s FROM %s d JOIN %s c"
												"  ON c.org_id OPERATOR(pg_catalog.=) d.org_id"
												" AND c.id OPERATOR(pg_catalog.=) d.id"
												" WHERE d.org_id OPERATOR(pg_catalog.=) $1"
												"   AND d.id OPERATOR(pg_catalog.=) $2",
												unit > 0 && get_atttype(governed, unit) == INT8OID ?
												"c.unit_id" : "NULL::pg_catalog.int8",
												sqm_relation_name(details), sqm_relation_name(governed)),
									   2, argtypes);
		r->valid = true;
	}
	return r;
}

/*
 * sqm.caller_reported(org, kind, id): RLS -- whether the caller reported
 * the case (the reported_by of its details row is the person acting, as
 * sqm.caller_identity() names them) and may still create cases of its kind
 * for its unit (the capability of the kind's create action, e.g. a
 * reporter's "report"): a reporter sees their own reports and what they
 * wrote in them (domain.md §5).
 *
 * The policy of a case table asks it about the details table, whose own
 * policy asks about the case table: so the rows are read here as the
 * tables' owner, with row-level security off (policies that query each
 * other recurse), through one kept plan per kind, with the calling query's
 * snapshot.  A caller who holds the capability nowhere in the organisation
 * is answered from the authorisation cache, without a query.  Before it was
 * C it was a SQL function (SECURITY DEFINER, SET search_path), planned anew
 * in every query: about 13 microseconds a row of every case table a
 * reporter read.
 */
Datum
sqm_caller_reported(PG_FUNCTION_ARGS)
{
	int64		org;
	int64		id;
	SqmKind    *kind;
	Oid			governed;
	Oid			details;
	const char *action_cap;
	char	   *capability;
	AcReporterPlan *r;
	Datum		args[2];
	Oid			save_userid;
	int			save_sec_context;
	bool		reported = false;
	bool		unit_null = true;
	int64		unit = 0;
	int			ret;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_BOOL(false);
	org = PG_GETARG_INT64(0);
	id = PG_GETARG_INT64(2);
	kind = sqm_kind(text_to_cstring(PG_GETARG_TEXT_PP(1)));
	if (kind == NULL)
		PG_RETURN_BOOL(false);
	/* copied: the lifecycle cache may be replaced while the query runs */
	governed = sqm_kind_governed(kind);
	details = sqm_kind_details(kind);
	action_cap = sqm_kind_action(kind, "create", NULL, NULL);
	if (!OidIsValid(details) || action_cap == NULL)
		PG_RETURN_BOOL(false);
	capability = pstrdup(action_cap);
	if (!sqm_holds_capability(org, capability))
		PG_RETURN_BOOL(false);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "unexpected failure of SPI_connect");
	r = ac_reporter_plan(governed, details);
	if (r->plan != NULL)
	{
		args[0] = Int64GetDatum(org);
		args[1] = Int64GetDatum(id);
		sqm_become_owner(details, &save_userid, &save_sec_context);
		ret = SPI_execute_plan(r->plan, args, NULL, true, 1);
		SetUserIdAndSecContext(save_userid, save_sec_context);
		if (ret != SPI_OK_SELECT)
			elog(ERROR, "unexpected SPI result %d reading who reported a case of %s",
				 ret, sqm_relation_name(details));
		if (SPI_processed == 1)
		{
			bool		isnull;
			Datum		d;
			char	   *reported_by = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);

			reported = reported_by != NULL && strcmp(reported_by, ac_caller_identity()) == 0;
			d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull);
			unit_null = isnull;
			unit = isnull ? 0 : DatumGetInt64(d);
		}
	}
	SPI_finish();
	PG_RETURN_BOOL(reported && sqm_may(org, unit_null, unit, capability));
}

/* The SqmAuthWhat of the SQL forms below: (label, id, verb). */
static void
ac_what_args(FunctionCallInfo fcinfo, int first, SqmAuthWhat *what)
{
	int			i;

	for (i = first; i < first + 3; i++)
		if (PG_ARGISNULL(i))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("an authorisation needs the organisation, the capability, the label, the id and the verb")));
	what->label = text_to_cstring(PG_GETARG_TEXT_PP(first));
	what->id = PG_GETARG_INT64(first + 1);
	what->verb = text_to_cstring(PG_GETARG_TEXT_PP(first + 2));
	what->suffix = "";
}

/*
 * sqm.authorize_anywhere(org, capability, label, id, verb) and
 * sqm.authorize_found(org, capability, label, id, verb, found, unit): the
 * two halves of the object contract for what is not a case of a kind (an
 * outbox event): first, before looking, 42501 unless the caller holds the
 * capability somewhere in the organisation; then, having looked without a
 * lock, 42704 "no <label> N that you may <verb>" unless it was found and
 * the caller's roles cover its unit (NULL: organisation-wide).
 */
Datum
sqm_authorize_anywhere_sql(PG_FUNCTION_ARGS)
{
	SqmAuthWhat what;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("an authorisation needs the organisation, the capability, the label, the id and the verb")));
	ac_what_args(fcinfo, 2, &what);
	sqm_authorize_anywhere(PG_GETARG_INT64(0), text_to_cstring(PG_GETARG_TEXT_PP(1)), &what);
	PG_RETURN_VOID();
}

Datum
sqm_authorize_found_sql(PG_FUNCTION_ARGS)
{
	SqmAuthWhat what;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("an authorisation needs the organisation, the capability, the label, the id and the verb")));
	ac_what_args(fcinfo, 2, &what);
	sqm_authorize_found(PG_GETARG_INT64(0), !PG_ARGISNULL(5) && PG_GETARG_BOOL(5), PG_ARGISNULL(6),
						PG_ARGISNULL(6) ? 0 : PG_GETARG_INT64(6), text_to_cstring(PG_GETARG_TEXT_PP(1)), &what);
	PG_RETURN_VOID();
}

/*
 * Statement trigger on the tables the cache reads: invalidating the table's
 * relcache entry reaches every session's callback (this one at its next
 * command, the others when this transaction commits).
 */
Datum
sqm_access_invalidate(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata;

	trigdata = sqm_trigger_protocol(fcinfo, "sqm.access_invalidate()",
									SQM_TG_STATEMENT | SQM_TG_AFTER | SQM_TG_INSERT | SQM_TG_UPDATE |
									SQM_TG_DELETE | SQM_TG_TRUNCATE,
									"It is fired by the tables authorisation reads: organisations, units, memberships and the delegation order.");
	CacheInvalidateRelcacheByRelid(RelationGetRelid(trigdata->tg_relation));
	return PointerGetDatum(NULL);
}

/* sqm.access_cache_stats(): one row (loads, hits) of this session. */
Datum
sqm_access_cache_stats(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Datum		values[2];
	bool		nulls[2] = {false, false};

	InitMaterializedSRF(fcinfo, 0);
	values[0] = Int64GetDatum(ac_loads);
	values[1] = Int64GetDatum(ac_hits);
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	return (Datum) 0;
}
