/*-------------------------------------------------------------------------
 *
 * lifecycle.c
 *	  The lifecycle engine: one trigger that enforces every kind's lifecycle
 *	  on its governed table (doc/core.md).
 *
 * A kind's lifecycle is data: sqm.lifecycle_kind names the governed table,
 * its details table and its row check, sqm.lifecycle_state its states
 * (initial, terminal) and sqm.lifecycle_move the legal moves with their
 * capability, required columns and guard.  sqm.govern wires a kind's tables
 * with the triggers below.  This file owns
 *
 *	- the trigger sqm.lifecycle_enforce(kind), BEFORE INSERT OR UPDATE OR
 *	  DELETE FOR EACH ROW on every governed table: an object starts in an
 *	  initial state, changes state only by a move of its kind (with the
 *	  columns the move requires filled in, in the row or in its details row,
 *	  and its guard passing), is not edited in a terminal state, keeps its
 *	  org_id and id, and is never deleted; the kind's row check passes on
 *	  every insert and on every update of the columns it watches;
 *	- the trigger sqm.details_enforce(kind) on the kind's details table
 *	  (BEFORE UPDATE OR DELETE FOR EACH ROW, BEFORE TRUNCATE): a details row
 *	  keeps its org_id and id, is not edited once its case is in a terminal
 *	  state, and is never deleted;
 *	- the deferred constraint trigger sqm.details_present(kind) on the
 *	  governed table (AFTER INSERT, initially deferred): at commit, every
 *	  case has its details row;
 *	- sqm.move_capability(), and the interface the write path (write.c)
 *	  reads a kind through: its tables, states, moves and actions, with the
 *	  capability each needs (sqm_kind_* in sqm.h);
 *	- the per-backend cache of the definitions, its invalidation (the
 *	  statement trigger sqm.lifecycle_invalidate() on the definition tables
 *	  plus a relcache callback) and sqm.lifecycle_cache_stats().
 *
 * The reason of a write goes to the audit trail through the context of the
 * write (sqm_audit_set_context, audit.c), which the write path (write.c)
 * sets around each write it makes.
 *
 * The cache.  Kinds are loaded on first use with SPI (kept plans, read with
 * the latest snapshot, so that what an invalidation announced is seen even
 * under REPEATABLE READ, and on behalf of the owner of the definition
 * tables, so that a role allowed to write a governed table needs no
 * privilege on them) into a "generation": a memory context under
 * CacheMemoryContext holding a hash of kinds by name and one of kinds by
 * governed table.  The relcache callback marks the generation invalid when
 * a definition table, a governed table of a loaded kind, or everything is
 * invalidated; the syscache callback on pg_proc does so when guards are
 * cached.  Callbacks only set a flag; the next lookup starts a new
 * generation.  Code that runs user code (a guard, the write path's UPDATE) while
 * it holds pointers into the cache "pins" it: a generation replaced while
 * pinned is kept in a graveyard and freed by the first lookup after the
 * last pin is gone.
 *
 * With a warm cache the trigger does no SPI, no catalog access and no
 * allocation for an ordinary row: a hash probe by relation OID, a string
 * compare of the trigger's argument, and a scan of the kind's few states.
 * A move reads the details row (one kept plan, on behalf of the details
 * table's owner) only when it requires a column of it; the row check runs on
 * an UPDATE only when a column it watches changed.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/catcache.h"
#include "utils/datum.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "sqm.h"

/* How a governed trigger is created; the hint of every protocol error. */
#define LC_TRIGGER_HINT \
	"Create it as: CREATE TRIGGER lifecycle BEFORE INSERT OR UPDATE OR DELETE ON <table> " \
	"FOR EACH ROW EXECUTE FUNCTION sqm.lifecycle_enforce('<kind>')."

/* The same for the details table's triggers and the deferred check. */
#define LC_DETAILS_HINT \
	"sqm.govern() creates them: CREATE TRIGGER details BEFORE UPDATE OR DELETE ON <details table> " \
	"FOR EACH ROW EXECUTE FUNCTION sqm.details_enforce('<kind>'), and BEFORE TRUNCATE."
#define LC_PRESENT_HINT \
	"sqm.govern() creates it: CREATE CONSTRAINT TRIGGER details_present AFTER INSERT ON <table> " \
	"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION sqm.details_present('<kind>')."

#define LC_NO_MOVE	(-1)

/* One state of a kind. */
typedef struct LcState
{
	char	   *name;
	int			len;			/* strlen(name) */
	bool		initial;
	bool		terminal;
} LcState;

/* One legal move of a kind. */
typedef struct LcMove
{
	int			from;			/* index into the kind's states */
	int			to;
	char	   *capability;
	int			nrequired;
	char	  **required;		/* columns the new row must have filled in */
	AttrNumber *required_attnums;	/* their numbers, set with columns_checked;
									 * InvalidAttrNumber: no such column */
	bool	   *required_in_details;	/* the column is the details table's */
	int			ndetails;		/* how many are */
	SPIPlanPtr	details_plan;	/* reads those of the details row; prepared on
								 * first use */
	Oid			guard;			/* InvalidOid: no guard */
	bool		guard_ready;	/* guard_fn is set up */
	FmgrInfo	guard_fn;
} LcMove;

/*
 * One action of a kind (sqm.lifecycle_action): creating, editing, or another
 * verb of the kind, with the capability it needs and its label in messages.
 * An edit action with a column needs its capability whenever a write names
 * that column, move or edit.
 */
typedef struct LcAction
{
	char	   *action;
	char	   *column;			/* NULL: the action as a whole */
	char	   *capability;
	char	   *label;
} LcAction;

/* A kind as loaded from the definitions; entry of LcGeneration.kinds. */
typedef struct LcKind
{
	char		name[NAMEDATALEN];	/* hash key */
	MemoryContext cxt;			/* the generation's context */
	char	   *label;			/* label_en, or the kind's name */
	Oid			governed;		/* the governed table */
	Oid			details;		/* its details table; InvalidOid: none */
	Oid			row_check;		/* InvalidOid: none */
	bool		row_check_ready;	/* row_check_fn is set up */
	FmgrInfo	row_check_fn;
	bool		watch_all;		/* every UPDATE calls the row check */
	int			nwatched;		/* else these columns' changes do */
	char	  **watched;
	AttrNumber *watched_attnums;	/* set with columns_checked */
	int			nstates;
	LcState    *states;			/* ordered by name */
	int			nmoves;
	LcMove	   *moves;			/* ordered by from, to */
	int		   *move_at;		/* [from * nstates + to]: index into moves */
	int			nactions;
	LcAction   *actions;		/* ordered by action, column (NULL first) */

	/* the governed table's protocol columns, checked on the first trigger */
	bool		columns_checked;
	AttrNumber	org_attnum;
	AttrNumber	id_attnum;
	AttrNumber	state_attnum;

	/* the details table's key, checked on its first trigger */
	bool		details_checked;
	AttrNumber	details_org_attnum;
	AttrNumber	details_id_attnum;

	/* the details triggers' kept plans, prepared on first use */
	SPIPlanPtr	case_state_plan;	/* the case's state, FOR SHARE */
	SPIPlanPtr	details_exists_plan;
} LcKind;

/* Entry of LcGeneration.rels: a governed or details table and its kind. */
typedef struct LcRel
{
	Oid			relid;			/* hash key */
	bool		details;		/* the kind's details table */
	LcKind	   *kind;
} LcRel;

typedef struct LcGeneration
{
	MemoryContext cxt;			/* holds everything below */
	HTAB	   *kinds;			/* kind name -> LcKind */
	HTAB	   *rels;			/* governed or details table -> LcRel */
	bool		has_guards;		/* a loaded kind has a guard or row check */
	struct LcGeneration *next;	/* in the graveyard */
} LcGeneration;

/* The definition tables, whose invalidation invalidates the cache. */
static const char *const lc_definition_tables[] = {
	"lifecycle_kind", "lifecycle_state", "lifecycle_move", "lifecycle_action"
};

static MemoryContext lc_cache_cxt = NULL;	/* parent of all generations */
static LcGeneration *lc_current = NULL;
static bool lc_valid = false;	/* lc_current may be used */
static LcGeneration *lc_graveyard = NULL;	/* replaced while pinned */
static int	lc_pins = 0;
static Oid	lc_definition_relids[lengthof(lc_definition_tables)];

/* The loader's kept plans (one text argument, the kind), independent of generations. */
static Oid	lc_text_argtype[1] = {TEXTOID};
static SPIPlanPtr lc_kind_plan = NULL;
static SPIPlanPtr lc_state_plan = NULL;
static SPIPlanPtr lc_move_plan = NULL;
static SPIPlanPtr lc_action_plan = NULL;

/* sqm.lifecycle_cache_stats() */
static int64 lc_loads = 0;
static int64 lc_hits = 0;

/* Set by sqm_lifecycle_init: without its callbacks the cache would go stale. */
static bool lc_initialised = false;

PG_FUNCTION_INFO_V1(sqm_lifecycle_enforce);
PG_FUNCTION_INFO_V1(sqm_details_enforce);
PG_FUNCTION_INFO_V1(sqm_details_present);
PG_FUNCTION_INFO_V1(sqm_lifecycle_invalidate);
PG_FUNCTION_INFO_V1(sqm_move_capability);
PG_FUNCTION_INFO_V1(sqm_lifecycle_cache_stats);


/* ----------------------------------------------------------------
 *		The cache
 * ----------------------------------------------------------------
 */

/*
 * Called for every relcache invalidation: InvalidOid means all relations.
 * Only marks the cache invalid; never touches the catalogs.  Called through
 * the library's one relcache callback (sqm.c).
 */
static void
lc_relcache_callback(Datum arg, Oid relid)
{
	int			i;

	if (!lc_valid)
		return;
	if (!OidIsValid(relid) ||
		hash_search(lc_current->rels, &relid, HASH_FIND, NULL) != NULL)
	{
		lc_valid = false;
		return;
	}
	for (i = 0; i < lengthof(lc_definition_relids); i++)
		if (relid == lc_definition_relids[i])
			lc_valid = false;
}

/* A function changed or vanished: cached guards may be stale. */
static void
lc_proc_callback(Datum arg, int cacheid, uint32 hashvalue)
{
	if (lc_valid && lc_current->has_guards)
		lc_valid = false;
}

static void
lc_free_generation(LcGeneration *gen)
{
	HASH_SEQ_STATUS status;
	LcKind	   *kind;

	hash_seq_init(&status, gen->kinds);
	while ((kind = hash_seq_search(&status)) != NULL)
	{
		int			m;

		if (kind->case_state_plan != NULL)
			SPI_freeplan(kind->case_state_plan);
		if (kind->details_exists_plan != NULL)
			SPI_freeplan(kind->details_exists_plan);
		for (m = 0; m < kind->nmoves; m++)
			if (kind->moves[m].details_plan != NULL)
				SPI_freeplan(kind->moves[m].details_plan);
	}
	MemoryContextDelete(gen->cxt);
}

/*
 * The current generation; starts a new one when the cache was invalidated.
 * The OIDs of the definition tables are looked up here, each time: the
 * extension may have been dropped and created again.
 */
static LcGeneration *
lc_generation(void)
{
	MemoryContext cxt;
	LcGeneration *gen;
	HASHCTL		ctl;
	Oid			nsp;
	int			i;

	if (lc_valid)
		return lc_current;

	if (!lc_initialised)
		elog(ERROR, "unexpected use of the lifecycle cache before sqm_lifecycle_init");

	if (lc_current != NULL)
	{
		if (lc_pins > 0)
		{
			lc_current->next = lc_graveyard;
			lc_graveyard = lc_current;
		}
		else
			lc_free_generation(lc_current);
		lc_current = NULL;
	}
	while (lc_pins == 0 && lc_graveyard != NULL)
	{
		gen = lc_graveyard;
		lc_graveyard = gen->next;
		lc_free_generation(gen);
	}

	nsp = get_namespace_oid("sqm", true);
	for (i = 0; i < lengthof(lc_definition_tables); i++)
		lc_definition_relids[i] = OidIsValid(nsp) ?
			get_relname_relid(lc_definition_tables[i], nsp) : InvalidOid;

	if (lc_cache_cxt == NULL)
	{
		if (CacheMemoryContext == NULL)
			CreateCacheMemoryContext();
		lc_cache_cxt = AllocSetContextCreate(CacheMemoryContext,
											 "sqm lifecycle cache",
											 ALLOCSET_SMALL_SIZES);
	}
	cxt = AllocSetContextCreate(lc_cache_cxt, "sqm lifecycle generation",
								ALLOCSET_SMALL_SIZES);
	gen = MemoryContextAllocZero(cxt, sizeof(LcGeneration));
	gen->cxt = cxt;

	ctl.keysize = NAMEDATALEN;
	ctl.entrysize = sizeof(LcKind);
	ctl.hcxt = cxt;
	gen->kinds = hash_create("sqm lifecycle kinds", 16, &ctl,
							 HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);
	ctl.keysize = sizeof(Oid);
	ctl.entrysize = sizeof(LcRel);
	gen->rels = hash_create("sqm governed tables", 16, &ctl,
							HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);

	lc_current = gen;
	lc_valid = true;
	return gen;
}

/* Runs a loader plan for one kind with the latest snapshot. */
static void
lc_load_query(SPIPlanPtr plan, Datum kind)
{
	int			ret;

	ret = SPI_execute_snapshot(plan, &kind, NULL, GetLatestSnapshot(),
							   InvalidSnapshot, true, false, 0);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "unexpected SPI result %d loading a lifecycle kind", ret);
}

static int
lc_state_index(const LcKind *kind, const char *name, int len)
{
	int			i;

	for (i = 0; i < kind->nstates; i++)
		if (kind->states[i].len == len &&
			memcmp(kind->states[i].name, name, len) == 0)
			return i;
	return -1;
}

/* The state a text datum names, or -1; allocates only for compressed text. */
static int
lc_state_index_datum(const LcKind *kind, Datum state)
{
	text	   *t = DatumGetTextPP(state);

	return lc_state_index(kind, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
}

static int
lc_state_index_cstring(const LcKind *kind, const char *name)
{
	return lc_state_index(kind, name, strlen(name));
}

/* A move's required columns, from its text[] (which has no NULLs). */
static void
lc_load_required(MemoryContext cxt, LcMove *move, Datum required)
{
	Datum	   *elems;
	int			i;

	deconstruct_array(DatumGetArrayTypeP(required), TEXTOID, -1, false,
					  TYPALIGN_INT, &elems, NULL, &move->nrequired);
	move->required = MemoryContextAlloc(cxt, sizeof(char *) * Max(move->nrequired, 1));
	move->required_attnums = MemoryContextAllocZero(cxt,
													sizeof(AttrNumber) * Max(move->nrequired, 1));
	move->required_in_details = MemoryContextAllocZero(cxt,
													   sizeof(bool) * Max(move->nrequired, 1));
	for (i = 0; i < move->nrequired; i++)
		move->required[i] = MemoryContextStrdup(cxt, TextDatumGetCString(elems[i]));
}

/*
 * Loads a kind from the definitions into a generation; NULL if there is no
 * such kind.  The entry is made only when everything is read, so an error
 * leaves no half-loaded kind behind (only some memory of the generation).
 */
static LcKind *
lc_load_kind(LcGeneration *gen, const char *name)
{
	LcKind		loaded;
	LcKind	   *kind;
	LcRel	   *rel;
	Datum		arg = CStringGetTextDatum(name);
	SPITupleTable *tuptable;
	Datum		value;
	bool		isnull;
	SqmSavedUser saved;
	int			i;

	memset(&loaded, 0, sizeof(loaded));
	strlcpy(loaded.name, name, NAMEDATALEN);
	loaded.cxt = gen->cxt;

	/*
	 * Read as the owner of the definition tables (as audit.c reads the trail
	 * as its owner): a role that may write a governed table, a trigger
	 * running for it, needs no privilege on the lifecycle definitions.
	 */
	sqm_become_user(sqm_relation_owner(lc_definition_relids[0]), &saved);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "unexpected failure of SPI_connect");

	if (lc_kind_plan == NULL)
		lc_kind_plan = sqm_prepare_kept(
			"SELECT k.governed_table::pg_catalog.oid, COALESCE(k.label_en, k.kind),"
			"       k.details_table::pg_catalog.oid, k.row_check::pg_catalog.oid, k.row_check_on"
			"  FROM sqm.lifecycle_kind k WHERE k.kind OPERATOR(pg_catalog.=) $1",
			1, lc_text_argtype);
	if (lc_state_plan == NULL)
		lc_state_plan = sqm_prepare_kept(
			"SELECT s.state, s.initial, s.terminal FROM sqm.lifecycle_state s"
			" WHERE s.kind OPERATOR(pg_catalog.=) $1"
			" ORDER BY s.state COLLATE pg_catalog.\"C\"",
			1, lc_text_argtype);
	if (lc_move_plan == NULL)
		lc_move_plan = sqm_prepare_kept(
			"SELECT m.from_state, m.to_state, m.capability, m.guard::pg_catalog.oid, m.requires"
			"  FROM sqm.lifecycle_move m WHERE m.kind OPERATOR(pg_catalog.=) $1"
			" ORDER BY m.from_state COLLATE pg_catalog.\"C\", m.to_state COLLATE pg_catalog.\"C\"",
			1, lc_text_argtype);
	if (lc_action_plan == NULL)
		lc_action_plan = sqm_prepare_kept(
			"SELECT a.action, a.column_name, a.capability, a.label_en"
			"  FROM sqm.lifecycle_action a WHERE a.kind OPERATOR(pg_catalog.=) $1"
			" ORDER BY a.action COLLATE pg_catalog.\"C\", a.column_name COLLATE pg_catalog.\"C\" NULLS FIRST",
			1, lc_text_argtype);

	lc_load_query(lc_kind_plan, arg);
	if (SPI_processed == 0)
	{
		SPI_finish();
		sqm_restore_user(&saved);
		return NULL;
	}
	tuptable = SPI_tuptable;
	loaded.governed = DatumGetObjectId(SPI_getbinval(tuptable->vals[0],
													 tuptable->tupdesc, 1, &isnull));
	loaded.label = MemoryContextStrdup(gen->cxt,
									   SPI_getvalue(tuptable->vals[0], tuptable->tupdesc, 2));
	value = SPI_getbinval(tuptable->vals[0], tuptable->tupdesc, 3, &isnull);
	loaded.details = isnull ? InvalidOid : DatumGetObjectId(value);
	value = SPI_getbinval(tuptable->vals[0], tuptable->tupdesc, 4, &isnull);
	loaded.row_check = isnull ? InvalidOid : DatumGetObjectId(value);
	value = SPI_getbinval(tuptable->vals[0], tuptable->tupdesc, 5, &isnull);
	loaded.watch_all = isnull;
	if (!isnull)
	{
		Datum	   *elems;

		deconstruct_array(DatumGetArrayTypeP(value), TEXTOID, -1, false,
						  TYPALIGN_INT, &elems, NULL, &loaded.nwatched);
		loaded.watched = MemoryContextAlloc(gen->cxt, sizeof(char *) * Max(loaded.nwatched, 1));
		loaded.watched_attnums = MemoryContextAllocZero(gen->cxt,
														sizeof(AttrNumber) * Max(loaded.nwatched, 1));
		for (i = 0; i < loaded.nwatched; i++)
			loaded.watched[i] = MemoryContextStrdup(gen->cxt, TextDatumGetCString(elems[i]));
	}
	if (OidIsValid(loaded.row_check))
		gen->has_guards = true;

	lc_load_query(lc_state_plan, arg);
	tuptable = SPI_tuptable;
	loaded.nstates = (int) SPI_processed;
	loaded.states = MemoryContextAllocZero(gen->cxt,
										   sizeof(LcState) * Max(loaded.nstates, 1));
	for (i = 0; i < loaded.nstates; i++)
	{
		HeapTuple	tuple = tuptable->vals[i];
		LcState    *state = &loaded.states[i];

		state->name = MemoryContextStrdup(gen->cxt,
										  SPI_getvalue(tuple, tuptable->tupdesc, 1));
		state->len = strlen(state->name);
		state->initial = DatumGetBool(SPI_getbinval(tuple, tuptable->tupdesc, 2, &isnull));
		state->terminal = DatumGetBool(SPI_getbinval(tuple, tuptable->tupdesc, 3, &isnull));
	}

	lc_load_query(lc_move_plan, arg);
	tuptable = SPI_tuptable;
	loaded.nmoves = (int) SPI_processed;
	loaded.moves = MemoryContextAllocZero(gen->cxt,
										  sizeof(LcMove) * Max(loaded.nmoves, 1));
	loaded.move_at = MemoryContextAlloc(gen->cxt,
										sizeof(int) * Max(loaded.nstates * loaded.nstates, 1));
	for (i = 0; i < loaded.nstates * loaded.nstates; i++)
		loaded.move_at[i] = LC_NO_MOVE;
	for (i = 0; i < loaded.nmoves; i++)
	{
		HeapTuple	tuple = tuptable->vals[i];
		LcMove	   *move = &loaded.moves[i];
		Datum		guard;

		move->from = lc_state_index_cstring(&loaded,
											SPI_getvalue(tuple, tuptable->tupdesc, 1));
		move->to = lc_state_index_cstring(&loaded,
										  SPI_getvalue(tuple, tuptable->tupdesc, 2));
		if (move->from < 0 || move->to < 0)
			elog(ERROR, "unexpected move of lifecycle kind \"%s\" between unknown states", name);
		move->capability = MemoryContextStrdup(gen->cxt,
											   SPI_getvalue(tuple, tuptable->tupdesc, 3));
		guard = SPI_getbinval(tuple, tuptable->tupdesc, 4, &isnull);
		move->guard = isnull ? InvalidOid : DatumGetObjectId(guard);
		lc_load_required(gen->cxt, move,
						 SPI_getbinval(tuple, tuptable->tupdesc, 5, &isnull));
		if (OidIsValid(move->guard))
			gen->has_guards = true;
		loaded.move_at[move->from * loaded.nstates + move->to] = i;
	}

	lc_load_query(lc_action_plan, arg);
	tuptable = SPI_tuptable;
	loaded.nactions = (int) SPI_processed;
	loaded.actions = MemoryContextAllocZero(gen->cxt,
											sizeof(LcAction) * Max(loaded.nactions, 1));
	for (i = 0; i < loaded.nactions; i++)
	{
		HeapTuple	tuple = tuptable->vals[i];
		LcAction   *action = &loaded.actions[i];
		char	   *column = SPI_getvalue(tuple, tuptable->tupdesc, 2);

		action->action = MemoryContextStrdup(gen->cxt, SPI_getvalue(tuple, tuptable->tupdesc, 1));
		action->column = column ? MemoryContextStrdup(gen->cxt, column) : NULL;
		action->capability = MemoryContextStrdup(gen->cxt, SPI_getvalue(tuple, tuptable->tupdesc, 3));
		action->label = MemoryContextStrdup(gen->cxt, SPI_getvalue(tuple, tuptable->tupdesc, 4));
	}

	SPI_finish();
	sqm_restore_user(&saved);

	kind = hash_search(gen->kinds, name, HASH_ENTER, NULL);
	*kind = loaded;
	rel = hash_search(gen->rels, &loaded.governed, HASH_ENTER, NULL);
	rel->details = false;
	rel->kind = kind;
	if (OidIsValid(loaded.details))
	{
		/* its changes invalidate the cache too (the required columns) */
		rel = hash_search(gen->rels, &loaded.details, HASH_ENTER, NULL);
		rel->details = true;
		rel->kind = kind;
	}
	lc_loads++;
	return kind;
}

/* The kind of that name, loaded if need be; NULL if there is none. */
static LcKind *
lc_lookup_kind(const char *name)
{
	LcGeneration *gen = lc_generation();
	LcKind	   *kind;

	if (strlen(name) >= NAMEDATALEN)
		return NULL;			/* longer than any kind's name */
	kind = hash_search(gen->kinds, name, HASH_FIND, NULL);
	if (kind != NULL)
	{
		lc_hits++;
		return kind;
	}
	return lc_load_kind(gen, name);
}


/* ----------------------------------------------------------------
 *		Texts of errors
 * ----------------------------------------------------------------
 */

/* Which states lc_state_list names. */
typedef enum LcStateFilter
{
	LC_ALL_STATES,
	LC_INITIAL_STATES,
	LC_TERMINAL_STATES
} LcStateFilter;

/* The names of the kind's states of one sort, in name order: "a, b". */
static char *
lc_state_list(const LcKind *kind, LcStateFilter filter)
{
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	for (i = 0; i < kind->nstates; i++)
	{
		if ((filter == LC_INITIAL_STATES && !kind->states[i].initial) ||
			(filter == LC_TERMINAL_STATES && !kind->states[i].terminal))
			continue;
		appendStringInfo(&buf, "%s%s", buf.len > 0 ? ", " : "", kind->states[i].name);
	}
	return buf.data;
}

/* Hint naming the moves allowed from a state (from < 0: unknown state). */
static char *
lc_moves_hint(const LcKind *kind, int from, const char *from_name)
{
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	for (i = 0; i < kind->nmoves; i++)
	{
		if (kind->moves[i].from != from)
			continue;
		appendStringInfo(&buf, "%s%s", buf.len > 0 ? ", " : "",
						 kind->states[kind->moves[i].to].name);
	}
	if (buf.len == 0)
		return psprintf("No moves are allowed from \"%s\".", from_name);
	return psprintf("Allowed from \"%s\": %s.", from_name, buf.data);
}

static char *
lc_initial_hint(const LcKind *kind)
{
	char	   *initial = lc_state_list(kind, LC_INITIAL_STATES);

	if (initial[0] == '\0')
		return psprintf("Lifecycle kind \"%s\" has no initial state yet; mark one in sqm.lifecycle_state.",
						kind->name);
	return psprintf("Initial states of %s: %s.", kind->label, initial);
}

/* Detail for an illegal move, or NULL. */
static char *
lc_move_detail(const LcKind *kind, int from, const char *from_name,
			   int to, const char *to_name)
{
	if (from < 0)
		return psprintf("\"%s\" is not a state of %s.", from_name, kind->label);
	if (to < 0)
		return psprintf("\"%s\" is not a state of %s.", to_name, kind->label);
	if (kind->states[from].terminal)
		return psprintf("\"%s\" is a terminal state.", from_name);
	return NULL;
}

static void
lc_unknown_state(const LcKind *kind, const char *state)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown state \"%s\" of lifecycle kind \"%s\"", state, kind->name),
			 errhint("The states of %s are: %s.", kind->label,
					 lc_state_list(kind, LC_ALL_STATES))));
}


/* ----------------------------------------------------------------
 *		The trigger
 * ----------------------------------------------------------------
 */

/*
 * The kind the trigger enforces.  Warm: one hash probe and a string
 * compare.  Cold: the trigger's argument, the table's columns and the
 * kind's governed table are checked, and the column numbers kept.
 */
static LcKind *
lc_kind_for_trigger(TriggerData *trigdata, const char *hint)
{
	Relation	rel = trigdata->tg_relation;
	Oid			relid = RelationGetRelid(rel);
	Trigger    *trigger = trigdata->tg_trigger;
	LcRel	   *entry;
	LcKind	   *kind;
	AttrNumber	org_attnum;
	AttrNumber	id_attnum;
	AttrNumber	state_attnum;
	int			m;

	if (trigger->tgnargs == 1)
	{
		entry = hash_search(lc_generation()->rels, &relid, HASH_FIND, NULL);
		if (entry != NULL && !entry->details && entry->kind->columns_checked &&
			strcmp(entry->kind->name, trigger->tgargs[0]) == 0)
		{
			lc_hits++;
			return entry->kind;
		}
	}

	if (trigger->tgnargs != 1)
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("trigger \"%s\" on table %s must name exactly one lifecycle kind",
						trigger->tgname, sqm_relation_name(relid)),
				 errdetail_plural("It has %d argument.", "It has %d arguments.",
								  trigger->tgnargs, trigger->tgnargs),
				 errhint("%s", hint)));

	sqm_governed_columns(rel, &org_attnum, &id_attnum, &state_attnum);

	kind = lc_lookup_kind(trigger->tgargs[0]);
	if (kind == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("trigger \"%s\" on table %s names unknown lifecycle kind \"%s\"",
						trigger->tgname, sqm_relation_name(relid), trigger->tgargs[0]),
				 errhint("Register the kind in sqm.lifecycle_kind, or correct the trigger's argument.")));
	if (kind->governed != relid)
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("lifecycle kind \"%s\" governs table %s, not %s",
						kind->name, sqm_relation_name(kind->governed), sqm_relation_name(relid)),
				 errdetail("Trigger \"%s\" on table %s names kind \"%s\".",
						   trigger->tgname, sqm_relation_name(relid), kind->name),
				 errhint("Each kind governs one table: register a kind for this table, or correct the trigger's argument.")));

	kind->org_attnum = org_attnum;
	kind->id_attnum = id_attnum;
	kind->state_attnum = state_attnum;
	for (m = 0; m < kind->nmoves; m++)
	{
		LcMove	   *move = &kind->moves[m];
		int			r;

		move->ndetails = 0;
		for (r = 0; r < move->nrequired; r++)
		{
			Form_pg_attribute att = sqm_find_column(RelationGetDescr(rel), move->required[r]);

			move->required_in_details[r] = false;
			move->required_attnums[r] = att ? att->attnum : InvalidAttrNumber;
			if (att == NULL && OidIsValid(kind->details))
			{
				move->required_attnums[r] = get_attnum(kind->details, move->required[r]);
				if (move->required_attnums[r] != InvalidAttrNumber)
				{
					move->required_in_details[r] = true;
					move->ndetails++;
				}
			}
		}
	}
	for (m = 0; m < kind->nwatched; m++)
	{
		Form_pg_attribute att = sqm_find_column(RelationGetDescr(rel), kind->watched[m]);

		kind->watched_attnums[m] = att ? att->attnum : InvalidAttrNumber;
	}
	kind->columns_checked = true;
	return kind;
}

/*
 * Reads the details columns a move requires from the case's details row and
 * marks in missing[] those that are NULL (all of them if there is no row).
 * The row is read with a plan kept for the move, on behalf of the details
 * table's owner, with a fresh snapshot: the API writes the details row
 * before it moves the case, in the same transaction.
 */
static void
lc_details_missing(LcKind *kind, LcMove *move, Datum org, Datum id, bool *missing)
{
	Datum		values[2] = {org, id};
	SqmSavedUser saved;
	int			ret;
	int			r;
	int			col;

	sqm_become_user(sqm_relation_owner(kind->details), &saved);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "unexpected failure of SPI_connect");
	lc_pins++;
	PG_TRY();
	{
		if (move->details_plan == NULL)
		{
			StringInfoData query;
			Oid			argtypes[2] = {INT8OID, INT8OID};

			initStringInfo(&query);
			appendStringInfoString(&query, "SELECT ");
			for (r = 0, col = 0; r < move->nrequired; r++)
				if (move->required_in_details[r])
					appendStringInfo(&query, "%sd.%s", col++ > 0 ? ", " : "",
									 quote_identifier(move->required[r]));
			appendStringInfo(&query, " FROM %s d WHERE d.org_id OPERATOR(pg_catalog.=) $1"
							 " AND d.id OPERATOR(pg_catalog.=) $2",
							 sqm_relation_name(kind->details));
			move->details_plan = sqm_prepare_kept(query.data, 2, argtypes);
		}
		ret = SPI_execute_plan(move->details_plan, values, NULL, false, 1);
		if (ret != SPI_OK_SELECT)
			elog(ERROR, "unexpected SPI result %d reading the details of %s %lld", ret,
				 kind->label, (long long) DatumGetInt64(id));
		for (r = 0, col = 0; r < move->nrequired; r++)
		{
			bool		isnull = true;

			if (!move->required_in_details[r])
				continue;
			col++;
			if (SPI_processed > 0)
				(void) SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, col, &isnull);
			missing[r] = isnull;
		}
	}
	PG_FINALLY();
	{
		lc_pins--;
	}
	PG_END_TRY();
	SPI_finish();
	sqm_restore_user(&saved);
}

/*
 * The columns a move requires are filled in, in the new row or in its
 * details row; else SQ002, naming every one that is missing.
 */
static void
lc_check_required(LcKind *kind, LcMove *move, TupleTableSlot *newslot,
				  Relation rel, Datum org, int64 id)
{
	StringInfoData message;
	StringInfoData in_row;
	StringInfoData in_details;
	bool	   *missing = palloc0(sizeof(bool) * move->nrequired);
	bool		complete = true;
	int			r;

	for (r = 0; r < move->nrequired; r++)
	{
		if (move->required_attnums[r] == InvalidAttrNumber)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("column \"%s\" required by the move of %s from \"%s\" to \"%s\" does not exist",
							move->required[r], kind->label, kind->states[move->from].name,
							kind->states[move->to].name),
					 errhint("Correct requires of the move in sqm.lifecycle_move."),
					 errtable(rel)));
		if (!move->required_in_details[r])
			(void) slot_getattr(newslot, move->required_attnums[r], &missing[r]);
	}
	if (move->ndetails > 0)
		lc_details_missing(kind, move, org, Int64GetDatum(id), missing);
	for (r = 0; r < move->nrequired; r++)
		if (missing[r])
			complete = false;
	if (complete)
	{
		pfree(missing);
		return;
	}

	initStringInfo(&message);
	initStringInfo(&in_row);
	initStringInfo(&in_details);
	for (r = 0; r < move->nrequired; r++)
	{
		StringInfo	list = move->required_in_details[r] ? &in_details : &in_row;

		if (!missing[r])
			continue;
		appendStringInfo(&message, "%s%s", message.len > 0 ? ", " : "", move->required[r]);
		appendStringInfo(list, "%s%s", list->len > 0 ? ", " : "", move->required[r]);
	}
	ereport(ERROR,
			(errcode(ERRCODE_SQM_GUARD_FAILED),
			 errmsg("%s %lld cannot move from \"%s\" to \"%s\" without %s", kind->label,
					(long long) id, kind->states[move->from].name,
					kind->states[move->to].name, message.data),
			 in_details.len == 0 ?
			 errhint("Fill in %s in the same change as the move.", in_row.data) :
			 in_row.len == 0 ?
			 errhint("Fill in %s of %s before the move, in the same transaction.",
					 in_details.data, sqm_relation_name(kind->details)) :
			 errhint("Fill in %s in the same change as the move, and %s of %s before it, in the same transaction.",
					 in_row.data, in_details.data, sqm_relation_name(kind->details)),
			 errtable(rel)));
}

/* Sets up a move's guard on its first call. */
static void
lc_prepare_guard(LcKind *kind, LcMove *move)
{
	if (!SearchSysCacheExists1(PROCOID, ObjectIdGetDatum(move->guard)))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_FUNCTION),
				 errmsg("guard of the move of %s from \"%s\" to \"%s\" does not exist",
						kind->label, kind->states[move->from].name,
						kind->states[move->to].name),
				 errdetail("The guard was the function with OID %u.", move->guard),
				 errhint("Correct the move's guard in sqm.lifecycle_move.")));
	fmgr_info_cxt(move->guard, &move->guard_fn, kind->cxt);
	move->guard_ready = true;
}

/*
 * Calls a move's guard with the new row; a guard refuses by raising an
 * error.  The cache is pinned meanwhile: the guard may run anything.
 */
static void
lc_call_guard(LcKind *kind, LcMove *move, HeapTuple newtuple, TupleDesc tupdesc)
{
	LOCAL_FCINFO(fcinfo, 1);

	if (!move->guard_ready)
		lc_prepare_guard(kind, move);

	InitFunctionCallInfoData(*fcinfo, &move->guard_fn, 1, InvalidOid, NULL, NULL);
	fcinfo->args[0].value = heap_copy_tuple_as_datum(newtuple, tupdesc);
	fcinfo->args[0].isnull = false;

	lc_pins++;
	PG_TRY();
	{
		(void) FunctionCallInvoke(fcinfo);
	}
	PG_FINALLY();
	{
		lc_pins--;
	}
	PG_END_TRY();
}

/*
 * Calls the kind's row check with the new row and the old one (NULL for an
 * insert); it refuses by raising an error and never changes the row.  Pinned
 * like a guard.
 */
static void
lc_call_row_check(LcKind *kind, HeapTuple newtuple, HeapTuple oldtuple, TupleDesc tupdesc)
{
	LOCAL_FCINFO(fcinfo, 2);

	if (!kind->row_check_ready)
	{
		if (!SearchSysCacheExists1(PROCOID, ObjectIdGetDatum(kind->row_check)))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_FUNCTION),
					 errmsg("row check of %s does not exist", kind->label),
					 errdetail("The row check was the function with OID %u.", kind->row_check),
					 errhint("Correct row_check of kind \"%s\" in sqm.lifecycle_kind.", kind->name)));
		fmgr_info_cxt(kind->row_check, &kind->row_check_fn, kind->cxt);
		kind->row_check_ready = true;
	}

	InitFunctionCallInfoData(*fcinfo, &kind->row_check_fn, 2, InvalidOid, NULL, NULL);
	fcinfo->args[0].value = heap_copy_tuple_as_datum(newtuple, tupdesc);
	fcinfo->args[0].isnull = false;
	fcinfo->args[1].value = oldtuple ? heap_copy_tuple_as_datum(oldtuple, tupdesc) : (Datum) 0;
	fcinfo->args[1].isnull = (oldtuple == NULL);

	lc_pins++;
	PG_TRY();
	{
		(void) FunctionCallInvoke(fcinfo);
	}
	PG_FINALLY();
	{
		lc_pins--;
	}
	PG_END_TRY();
}

/* Whether an UPDATE changed a column the kind's row check watches. */
static bool
lc_watched_changed(LcKind *kind, TriggerData *trigdata)
{
	TupleDesc	tupdesc = RelationGetDescr(trigdata->tg_relation);
	int			w;

	if (kind->watch_all)
		return true;
	for (w = 0; w < kind->nwatched; w++)
	{
		AttrNumber	attnum = kind->watched_attnums[w];
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

/* Equality of two text datums, without copying short ones. */
static bool
lc_text_equal(Datum a, Datum b)
{
	text	   *ta = DatumGetTextPP(a);
	text	   *tb = DatumGetTextPP(b);

	return VARSIZE_ANY_EXHDR(ta) == VARSIZE_ANY_EXHDR(tb) &&
		memcmp(VARDATA_ANY(ta), VARDATA_ANY(tb), VARSIZE_ANY_EXHDR(ta)) == 0;
}

Datum
sqm_lifecycle_enforce(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata;
	TriggerEvent event;
	TupleDesc	tupdesc;
	LcKind	   *kind;
	HeapTuple	newtuple;
	Datum		old_id;
	Datum		new_id;
	Datum		old_org;
	Datum		new_org;
	Datum		old_state;
	Datum		new_state;
	bool		old_id_null;
	bool		new_id_null;
	bool		old_org_null;
	bool		new_org_null;
	bool		old_state_null;
	bool		new_state_null;
	int			from;
	int			to;
	int			move;

	trigdata = sqm_trigger_protocol(fcinfo, "sqm.lifecycle_enforce()",
									SQM_TG_ROW | SQM_TG_BEFORE | SQM_TG_INSERT | SQM_TG_UPDATE |
									SQM_TG_DELETE, LC_TRIGGER_HINT);
	event = trigdata->tg_event;
	tupdesc = RelationGetDescr(trigdata->tg_relation);
	kind = lc_kind_for_trigger(trigdata, LC_TRIGGER_HINT);

	if (TRIGGER_FIRED_BY_INSERT(event))
	{
		/* An object starts in an initial state. */
		newtuple = trigdata->tg_trigtuple;
		new_id = slot_getattr(trigdata->tg_trigslot, kind->id_attnum, &new_id_null);
		new_state = slot_getattr(trigdata->tg_trigslot, kind->state_attnum, &new_state_null);
		to = new_state_null ? -1 : lc_state_index_datum(kind, new_state);
		if (to >= 0 && kind->states[to].initial)
		{
			/* and its row check passes */
			if (OidIsValid(kind->row_check))
				lc_call_row_check(kind, newtuple, NULL, tupdesc);
			return PointerGetDatum(newtuple);
		}

		if (new_state_null)
			ereport(ERROR,
					(errcode(ERRCODE_NOT_NULL_VIOLATION),
					 errmsg("%s %lld has no state", kind->label,
							(long long) DatumGetInt64(new_id)),
					 errhint("%s", lc_initial_hint(kind)),
					 errtable(trigdata->tg_relation)));
		ereport(ERROR,
				(errcode(ERRCODE_SQM_ILLEGAL_MOVE),
				 errmsg("%s %lld cannot start in state \"%s\"", kind->label,
						(long long) DatumGetInt64(new_id), TextDatumGetCString(new_state)),
				 to < 0 ? errdetail("\"%s\" is not a state of %s.",
									TextDatumGetCString(new_state), kind->label) : 0,
				 errhint("%s", lc_initial_hint(kind)),
				 errtable(trigdata->tg_relation)));
	}

	old_id = slot_getattr(trigdata->tg_trigslot, kind->id_attnum, &old_id_null);
	old_state = slot_getattr(trigdata->tg_trigslot, kind->state_attnum, &old_state_null);

	if (TRIGGER_FIRED_BY_DELETE(event))
	{
		char	   *terminal = lc_state_list(kind, LC_TERMINAL_STATES);

		/* History never vanishes. */
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("%s %lld cannot be deleted", kind->label,
						(long long) DatumGetInt64(old_id)),
				 errdetail("The history of cases is kept."),
				 terminal[0] != '\0' ?
				 errhint("Move it to a terminal state instead (%s).", terminal) :
				 errhint("Move it to a terminal state instead."),
				 errtable(trigdata->tg_relation)));
	}

	if (!TRIGGER_FIRED_BY_UPDATE(event))
		elog(ERROR, "unrecognized trigger event %u", event);

	/* UPDATE: the object keeps its organisation and number. */
	newtuple = trigdata->tg_newtuple;
	old_org = slot_getattr(trigdata->tg_trigslot, kind->org_attnum, &old_org_null);
	new_org = slot_getattr(trigdata->tg_newslot, kind->org_attnum, &new_org_null);
	new_id = slot_getattr(trigdata->tg_newslot, kind->id_attnum, &new_id_null);
	if (old_org_null != new_org_null || old_id_null != new_id_null ||
		DatumGetInt64(old_org) != DatumGetInt64(new_org) ||
		DatumGetInt64(old_id) != DatumGetInt64(new_id))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("%s %lld cannot change its organisation or id", kind->label,
						(long long) DatumGetInt64(old_id)),
				 (!new_org_null && !new_id_null) ?
				 errdetail("It would become %s %lld of organisation %lld.", kind->label,
						   (long long) DatumGetInt64(new_id),
						   (long long) DatumGetInt64(new_org)) : 0,
				 errhint("An object's organisation and id are fixed; create a new object instead."),
				 errtable(trigdata->tg_relation)));

	new_state = slot_getattr(trigdata->tg_newslot, kind->state_attnum, &new_state_null);
	from = old_state_null ? -1 : lc_state_index_datum(kind, old_state);

	if (new_state_null)
		ereport(ERROR,
				(errcode(ERRCODE_NOT_NULL_VIOLATION),
				 errmsg("%s %lld has no state", kind->label, (long long) DatumGetInt64(old_id)),
				 old_state_null ? 0 :
				 errhint("%s", lc_moves_hint(kind, from, TextDatumGetCString(old_state))),
				 errtable(trigdata->tg_relation)));

	if (!old_state_null && lc_text_equal(old_state, new_state))
	{
		/* An edit: allowed unless the object is finished. */
		if (from >= 0 && kind->states[from].terminal)
			ereport(ERROR,
					(errcode(ERRCODE_SQM_OBJECT_CLOSED),
					 errmsg("%s %lld is in terminal state \"%s\" and cannot be changed",
							kind->label, (long long) DatumGetInt64(old_id),
							kind->states[from].name),
					 errdetail("An object in a terminal state is final."),
					 errtable(trigdata->tg_relation)));
		if (OidIsValid(kind->row_check) && lc_watched_changed(kind, trigdata))
			lc_call_row_check(kind, newtuple, trigdata->tg_trigtuple, tupdesc);
		return PointerGetDatum(newtuple);
	}

	/* A move: it must be one of the kind's, and its guard must pass. */
	to = lc_state_index_datum(kind, new_state);
	move = (from >= 0 && to >= 0) ? kind->move_at[from * kind->nstates + to] : LC_NO_MOVE;
	if (move == LC_NO_MOVE)
	{
		char	   *from_name = old_state_null ? "" : TextDatumGetCString(old_state);
		char	   *to_name = TextDatumGetCString(new_state);
		char	   *detail = lc_move_detail(kind, from, from_name, to, to_name);

		ereport(ERROR,
				(errcode(ERRCODE_SQM_ILLEGAL_MOVE),
				 errmsg("illegal move of %s %lld from \"%s\" to \"%s\"", kind->label,
						(long long) DatumGetInt64(old_id), from_name, to_name),
				 detail ? errdetail("%s", detail) : 0,
				 errhint("%s", lc_moves_hint(kind, from, from_name)),
				 errtable(trigdata->tg_relation)));
	}
	if (kind->moves[move].nrequired > 0)
		lc_check_required(kind, &kind->moves[move], trigdata->tg_newslot,
						  trigdata->tg_relation, new_org, DatumGetInt64(old_id));
	if (OidIsValid(kind->moves[move].guard))
		lc_call_guard(kind, &kind->moves[move], newtuple, tupdesc);
	if (OidIsValid(kind->row_check) && lc_watched_changed(kind, trigdata))
		lc_call_row_check(kind, newtuple, trigdata->tg_trigtuple, tupdesc);

	return PointerGetDatum(newtuple);
}


/* ----------------------------------------------------------------
 *		The details table
 * ----------------------------------------------------------------
 */

/*
 * The kind whose details table the trigger is on.  Warm: one hash probe and
 * a string compare.  Cold: the trigger's argument, the kind's details table
 * and the table's key are checked.
 */
static LcKind *
lc_kind_for_details_trigger(TriggerData *trigdata)
{
	Relation	rel = trigdata->tg_relation;
	Oid			relid = RelationGetRelid(rel);
	Trigger    *trigger = trigdata->tg_trigger;
	LcRel	   *entry;
	LcKind	   *kind;

	if (trigger->tgnargs == 1)
	{
		entry = hash_search(lc_generation()->rels, &relid, HASH_FIND, NULL);
		if (entry != NULL && entry->details && entry->kind->details_checked &&
			strcmp(entry->kind->name, trigger->tgargs[0]) == 0)
		{
			lc_hits++;
			return entry->kind;
		}
	}

	if (trigger->tgnargs != 1)
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("trigger \"%s\" on table %s must name exactly one lifecycle kind",
						trigger->tgname, sqm_relation_name(relid)),
				 errdetail_plural("It has %d argument.", "It has %d arguments.",
								  trigger->tgnargs, trigger->tgnargs),
				 errhint(LC_DETAILS_HINT)));
	kind = lc_lookup_kind(trigger->tgargs[0]);
	if (kind == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("trigger \"%s\" on table %s names unknown lifecycle kind \"%s\"",
						trigger->tgname, sqm_relation_name(relid), trigger->tgargs[0]),
				 errhint("Register the kind in sqm.lifecycle_kind, or correct the trigger's argument.")));
	if (kind->details != relid)
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("table %s is not the details table of lifecycle kind \"%s\"",
						sqm_relation_name(relid), kind->name),
				 OidIsValid(kind->details) ?
				 errdetail("Its details table is %s.", sqm_relation_name(kind->details)) :
				 errdetail("The kind has no details table."),
				 errhint("Register the details table with sqm.govern(), or correct the trigger's argument.")));
	sqm_details_columns(rel, &kind->details_org_attnum, &kind->details_id_attnum);
	kind->details_checked = true;
	return kind;
}

/*
 * The state of a case, read FOR SHARE (so that it cannot move on while its
 * details change) on behalf of the governed table's owner; NULL if there is
 * no such case (yet).
 */
static char *
lc_case_state(LcKind *kind, Datum org, Datum id)
{
	Datum		values[2] = {org, id};
	SqmSavedUser saved;
	MemoryContext caller = CurrentMemoryContext;
	char	   *volatile state = NULL;
	int			ret;

	sqm_become_user(sqm_relation_owner(kind->governed), &saved);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "unexpected failure of SPI_connect");
	lc_pins++;
	PG_TRY();
	{
		if (kind->case_state_plan == NULL)
		{
			Oid			argtypes[2] = {INT8OID, INT8OID};

			kind->case_state_plan =
				sqm_prepare_kept(psprintf("SELECT c.state FROM %s c"
										  " WHERE c.org_id OPERATOR(pg_catalog.=) $1"
										  " AND c.id OPERATOR(pg_catalog.=) $2 FOR SHARE",
										  sqm_relation_name(kind->governed)),
								 2, argtypes);
		}
		ret = SPI_execute_plan(kind->case_state_plan, values, NULL, false, 1);
		if (ret != SPI_OK_SELECT)
			elog(ERROR, "unexpected SPI result %d reading %s %lld", ret, kind->label,
				 (long long) DatumGetInt64(id));
		if (SPI_processed > 0)
		{
			char	   *value = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);

			if (value != NULL)
				state = MemoryContextStrdup(caller, value);
		}
	}
	PG_FINALLY();
	{
		lc_pins--;
	}
	PG_END_TRY();
	SPI_finish();
	sqm_restore_user(&saved);
	return state;
}

/*
 * sqm.details_enforce('<kind>'): BEFORE UPDATE OR DELETE FOR EACH ROW and
 * BEFORE TRUNCATE on a kind's details table.  A details row keeps its
 * org_id and id, is not changed once its case is in a terminal state (SQ004,
 * as the case itself), and is never deleted or truncated (55000): the
 * history of cases is kept.  An INSERT needs no trigger: the foreign key
 * names the case, and the deferred sqm.details_present makes sure there is
 * one row per case.
 */
Datum
sqm_details_enforce(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata;
	LcKind	   *kind;
	Datum		old_org;
	Datum		old_id;
	Datum		new_org;
	Datum		new_id;
	bool		old_org_null;
	bool		old_id_null;
	bool		new_org_null;
	bool		new_id_null;
	char	   *state;
	int			s;

	trigdata = sqm_trigger_protocol(fcinfo, "sqm.details_enforce()",
									SQM_TG_ROW | SQM_TG_STATEMENT | SQM_TG_BEFORE | SQM_TG_UPDATE |
									SQM_TG_DELETE | SQM_TG_TRUNCATE, LC_DETAILS_HINT);
	if (TRIGGER_FIRED_BY_TRUNCATE(trigdata->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("table %s cannot be truncated",
						sqm_relation_name(RelationGetRelid(trigdata->tg_relation))),
				 errdetail("It holds the details of cases; the history of cases is kept."),
				 errtable(trigdata->tg_relation)));
	if (!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("trigger \"%s\" on table %s must fire FOR EACH ROW",
						trigdata->tg_trigger->tgname,
						sqm_relation_name(RelationGetRelid(trigdata->tg_relation))),
				 errhint(LC_DETAILS_HINT)));

	kind = lc_kind_for_details_trigger(trigdata);
	old_org = slot_getattr(trigdata->tg_trigslot, kind->details_org_attnum, &old_org_null);
	old_id = slot_getattr(trigdata->tg_trigslot, kind->details_id_attnum, &old_id_null);

	if (TRIGGER_FIRED_BY_DELETE(trigdata->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("the details of %s %lld cannot be deleted", kind->label,
						(long long) DatumGetInt64(old_id)),
				 errdetail("The history of cases is kept."),
				 errhint("A details row lives as long as its case; clear a column while the case is open instead."),
				 errtable(trigdata->tg_relation)));

	new_org = slot_getattr(trigdata->tg_newslot, kind->details_org_attnum, &new_org_null);
	new_id = slot_getattr(trigdata->tg_newslot, kind->details_id_attnum, &new_id_null);
	if (old_org_null != new_org_null || old_id_null != new_id_null ||
		DatumGetInt64(old_org) != DatumGetInt64(new_org) ||
		DatumGetInt64(old_id) != DatumGetInt64(new_id))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("the details of %s %lld cannot change their organisation or id", kind->label,
						(long long) DatumGetInt64(old_id)),
				 errhint("Details belong to their case for good."),
				 errtable(trigdata->tg_relation)));

	state = lc_case_state(kind, old_org, old_id);
	s = state ? lc_state_index_cstring(kind, state) : -1;
	if (s >= 0 && kind->states[s].terminal)
		ereport(ERROR,
				(errcode(ERRCODE_SQM_OBJECT_CLOSED),
				 errmsg("%s %lld is in terminal state \"%s\" and cannot be changed",
						kind->label, (long long) DatumGetInt64(old_id), state),
				 errdetail("An object in a terminal state is final, its details too."),
				 errtable(trigdata->tg_relation)));
	return PointerGetDatum(trigdata->tg_newtuple);
}

/*
 * sqm.details_present('<kind>'): a constraint trigger AFTER INSERT FOR EACH
 * ROW on the governed table, DEFERRABLE INITIALLY DEFERRED: when the
 * transaction commits, the new case has its details row (23503 otherwise).
 * Read on behalf of the details table's owner.
 */
Datum
sqm_details_present(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata;
	LcKind	   *kind;
	Datum		values[2];
	bool		isnull;
	SqmSavedUser saved;
	int			ret;
	uint64		found;

	trigdata = sqm_trigger_protocol(fcinfo, "sqm.details_present()",
									SQM_TG_ROW | SQM_TG_AFTER | SQM_TG_INSERT, LC_PRESENT_HINT);
	if (!trigdata->tg_trigger->tgdeferrable)
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("trigger \"%s\" on table %s must be a deferrable constraint trigger",
						trigdata->tg_trigger->tgname,
						sqm_relation_name(RelationGetRelid(trigdata->tg_relation))),
				 errdetail("A case is inserted before its details row; the check waits for the end of the transaction."),
				 errhint(LC_PRESENT_HINT)));
	kind = lc_kind_for_trigger(trigdata, LC_PRESENT_HINT);
	if (!OidIsValid(kind->details))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("lifecycle kind \"%s\" has no details table", kind->name),
				 errhint("Register the details table with sqm.govern(), or drop trigger \"%s\".",
						 trigdata->tg_trigger->tgname)));

	values[0] = slot_getattr(trigdata->tg_trigslot, kind->org_attnum, &isnull);
	values[1] = slot_getattr(trigdata->tg_trigslot, kind->id_attnum, &isnull);

	sqm_become_user(sqm_relation_owner(kind->details), &saved);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "unexpected failure of SPI_connect");
	if (kind->details_exists_plan == NULL)
	{
		Oid			argtypes[2] = {INT8OID, INT8OID};

		kind->details_exists_plan =
			sqm_prepare_kept(psprintf("SELECT FROM %s d WHERE d.org_id OPERATOR(pg_catalog.=) $1"
									  " AND d.id OPERATOR(pg_catalog.=) $2",
									  sqm_relation_name(kind->details)),
							 2, argtypes);
	}
	ret = SPI_execute_plan(kind->details_exists_plan, values, NULL, false, 1);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "unexpected SPI result %d looking for the details of %s %lld", ret,
			 kind->label, (long long) DatumGetInt64(values[1]));
	found = SPI_processed;
	SPI_finish();
	sqm_restore_user(&saved);

	if (found == 0)
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("%s %lld has no details row", kind->label, (long long) DatumGetInt64(values[1])),
				 errdetail("Every %s has one row in %s, written in the same transaction.",
						   kind->label, sqm_relation_name(kind->details)),
				 errhint("Insert its row into %s before the transaction commits; the API functions do.",
						 sqm_relation_name(kind->details)),
				 errtable(trigdata->tg_relation)));
	return PointerGetDatum(NULL);
}

/*
 * Statement trigger on the definition tables: invalidating the table's
 * relcache entry reaches every session's relcache callback (this one at the
 * next command, the others when the transaction commits).
 */
Datum
sqm_lifecycle_invalidate(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata;

	trigdata = sqm_trigger_protocol(fcinfo, "sqm.lifecycle_invalidate()",
									SQM_TG_STATEMENT | SQM_TG_AFTER | SQM_TG_INSERT | SQM_TG_UPDATE |
									SQM_TG_DELETE | SQM_TG_TRUNCATE,
									"It is fired by the definition tables of the lifecycle engine.");
	CacheInvalidateRelcacheByRelid(RelationGetRelid(trigdata->tg_relation));
	return PointerGetDatum(NULL);
}


/* ----------------------------------------------------------------
 *		The interface of the write path (write.c, sqm.h)
 * ----------------------------------------------------------------
 */

static LcKind *
lc_lookup_kind_or_error(text *name)
{
	char	   *kindname = text_to_cstring(name);
	LcKind	   *kind = lc_lookup_kind(kindname);

	if (kind == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown lifecycle kind \"%s\"", kindname),
				 errhint("The kinds are registered in sqm.lifecycle_kind.")));
	return kind;
}

/*
 * The kind of that name, NULL if there is none.  The pointer stays valid
 * until the cache is invalidated, which running user code (an UPDATE of a
 * governed table, a guard) may do: hold a pin (sqm_kind_pin) across it.
 */
SqmKind *
sqm_kind(const char *name)
{
	return lc_lookup_kind(name);
}

/* The same, refusing an unknown kind with 22023. */
SqmKind *
sqm_kind_or_error(const char *name)
{
	return lc_lookup_kind_or_error(cstring_to_text(name));
}

void
sqm_kind_pin(void)
{
	lc_pins++;
}

void
sqm_kind_unpin(void)
{
	Assert(lc_pins > 0);
	lc_pins--;
}

const char *
sqm_kind_name(const SqmKind *kind)
{
	return kind->name;
}

const char *
sqm_kind_label(const SqmKind *kind)
{
	return kind->label;
}

Oid
sqm_kind_governed(const SqmKind *kind)
{
	return kind->governed;
}

Oid
sqm_kind_details(const SqmKind *kind)
{
	return kind->details;
}

/* The index of a state of the kind; refuses an unknown state with 22023. */
int
sqm_kind_state(const SqmKind *kind, const char *state)
{
	int			s = lc_state_index_cstring(kind, state);

	if (s < 0)
		lc_unknown_state(kind, state);
	return s;
}

bool
sqm_kind_state_terminal(const SqmKind *kind, int state)
{
	return kind->states[state].terminal;
}

/*
 * The capability of the move from one state to another (indexes of
 * sqm_kind_state); refuses with SQ001 when the lifecycle has no such move,
 * naming the moves it has from there.  The move is looked up in the
 * definitions only: whether the object is in the from-state is for the
 * compare-and-set to find.
 */
const char *
sqm_kind_move_capability(const SqmKind *kind, int64 id, int from, int to)
{
	int			move = kind->move_at[from * kind->nstates + to];

	if (move == LC_NO_MOVE)
	{
		const char *from_name = kind->states[from].name;
		const char *to_name = kind->states[to].name;
		char	   *detail = lc_move_detail(kind, from, from_name, to, to_name);

		ereport(ERROR,
				(errcode(ERRCODE_SQM_ILLEGAL_MOVE),
				 errmsg("illegal move of %s %lld from \"%s\" to \"%s\"", kind->label,
						(long long) id, from_name, to_name),
				 from == to ? errdetail("An object does not move to the state it is in.") :
				 detail ? errdetail("%s", detail) : 0,
				 errhint("%s", lc_moves_hint(kind, from, from_name))));
	}
	return kind->moves[move].capability;
}

/*
 * The capability an action of the kind needs (sqm.lifecycle_action), and
 * its label for messages; NULL if the kind has no such action.  column NULL:
 * the action as a whole.
 */
const char *
sqm_kind_action(const SqmKind *kind, const char *action, const char *column,
				const char **label)
{
	int			i;

	for (i = 0; i < kind->nactions; i++)
	{
		const LcAction *a = &kind->actions[i];

		if (strcmp(a->action, action) != 0)
			continue;
		if ((column == NULL) != (a->column == NULL) ||
			(column != NULL && strcmp(a->column, column) != 0))
			continue;
		if (label != NULL)
			*label = a->label;
		return a->capability;
	}
	return NULL;
}

/* sqm.move_capability(kind, from_state, to_state): NULL if no such move. */
Datum
sqm_move_capability(PG_FUNCTION_ARGS)
{
	LcKind	   *kind = lc_lookup_kind_or_error(PG_GETARG_TEXT_PP(0));
	text	   *from_name = PG_GETARG_TEXT_PP(1);
	text	   *to_name = PG_GETARG_TEXT_PP(2);
	int			from;
	int			to;
	int			move;

	from = lc_state_index(kind, VARDATA_ANY(from_name), VARSIZE_ANY_EXHDR(from_name));
	to = lc_state_index(kind, VARDATA_ANY(to_name), VARSIZE_ANY_EXHDR(to_name));
	if (from < 0 || to < 0)
		PG_RETURN_NULL();
	move = kind->move_at[from * kind->nstates + to];
	if (move == LC_NO_MOVE)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(kind->moves[move].capability));
}

/* sqm.lifecycle_cache_stats(): one row (loads, hits) of this session. */
Datum
sqm_lifecycle_cache_stats(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Datum		values[2];
	bool		nulls[2] = {false, false};

	InitMaterializedSRF(fcinfo, 0);
	values[0] = Int64GetDatum(lc_loads);
	values[1] = Int64GetDatum(lc_hits);
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	return (Datum) 0;
}


/* ----------------------------------------------------------------
 *		Module init
 * ----------------------------------------------------------------
 */

void
sqm_lifecycle_init(void)
{
	sqm_register_relcache_callback(lc_relcache_callback);
	CacheRegisterSyscacheCallback(PROCOID, lc_proc_callback, (Datum) 0);
	lc_initialised = true;
}
