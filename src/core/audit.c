/*-------------------------------------------------------------------------
 *
 * audit.c
 *	  The audit trail: the clock, the actor and the context of a write, and
 *	  the append-only, hash-chained events written for every change of a
 *	  governed table.
 *
 * This file owns
 *
 *	- the GUCs sqm.frozen_now (PGC_SUSET), sqm.actor, sqm.import_batch and
 *	  sqm.batch_source (both PGC_SUSET), and sqm.now() and sqm.actor(),
 *	  which every part of sqm takes its clock and its end user from;
 *	- the context of a write (sqm_audit_set_context and
 *	  sqm_audit_clear_context, which the C write path sqm.write calls, and
 *	  their SQL wrappers for the API's creations, links and changes of the
 *	  delegation order): where a change comes from (api) and the reason the
 *	  API call gave, which sqm_audit_reason() returns to row checks;
 *	- the trigger sqm.audit_record('<kind>') that every governed table
 *	  carries (AFTER INSERT OR UPDATE, FOR EACH ROW; doc/core.md), which
 *	  appends one create, move or edit event to sqm.audit_event, and its
 *	  form sqm.audit_record('<kind>', 'details') on the kind's details table
 *	  (no state), whose every insert or update is an edit of the same object;
 *	- the salted digests that stand in the events for the values of
 *	  personal and free-text columns, and the side table sqm.audit_value
 *	  that keeps those values and their salts outside the chain;
 *	- sqm.audit_hash(), the one routine that computes an event's hash, used
 *	  both when appending and by sqm.verify_audit().
 *
 * Who and why.  A setting any role can change is input, never authority
 * (design.md §3b): the actor is sqm.actor only when the calling role may
 * name its end user (a member of sqm_app, or a superuser), else the calling
 * role; db_role is the calling role as the access checks see it
 * (sqm_caller_role_oid: the SET ROLE target, else the session user).  The
 * reason is no setting at all: the write path states it, with the source
 * "api", in a context it sets around each write it makes and clears after.
 * Contexts nest (clearing restores the enclosing one, and a context given
 * no reason takes its enclosing context's), live in TopTransactionContext
 * and go with the (sub)transaction that set them when it aborts, so a
 * context never outlives its write: a direct UPDATE after an API call is
 * recorded as "direct", without a reason.  A superuser (or a role granted
 * SET ON PARAMETER) marks a bulk load with sqm.import_batch: its events
 * have source "import" (or "restore", sqm.batch_source) and the batch.
 *
 * The clock.  recorded_at is read after the organisation's chain lock is
 * held: sqm.frozen_now if set (a replay records the moment it replays),
 * else the wall clock; and never earlier than the previous event's, so
 * that it does not decrease along a chain whatever the clocks do.
 * sqm.frozen_now is PGC_SUSET: only a superuser, or a role granted
 * SET ON PARAMETER sqm.frozen_now (a loader), can move sqm's clock.
 *
 * The chain.  Each organisation has its own chain: seq 1, 2, 3 ... without
 * gaps, prev_hash the previous event's hash (32 zero bytes for the first)
 * and hash = SHA-256 of the event's serialisation in the format recorded
 * with it (column format; audit_serialise).  The serialisation starts with
 * the format, and sqm.audit_hash dispatches on the stored format, so that
 * a later format verifies beside this one.  Appends of one organisation are
 * serialised by a transaction-level advisory lock (AUDIT_LOCK_FIELD4
 * below), taken the first time a transaction appends for the organisation;
 * the head (seq, hash, recorded_at) is then read once and kept in backend
 * memory until the transaction ends, since nobody else can append while
 * the lock is held.  An aborted subtransaction takes its events and, if it
 * took it, the lock with it, so the heads it touched are forgotten and
 * read again.
 *
 * Personal data and free text.  A column classed personal or free_text in
 * sqm.column_class -- or not classed at all: what is not known to be
 * harmless is treated as personal -- enters before/after as
 * "sha256:" || hex(SHA-256(salt || value)), salt 16 random bytes, value
 * the text of the column's value in the database encoding.  The reason,
 * free text the caller wrote, is recorded the same way.  The value and its
 * salt go to sqm.audit_value, which the chain does not hash: erasing them
 * (a retention rule: personal data and free text are kept only as long as
 * the retention rules allow, domain.md §5) leaves the chain verifying, and
 * the digest still proves any value kept there.
 *
 * The warm path (a further write in a transaction that already appended for
 * the organisation) reads no catalog table: the layout of each governed
 * table (attribute numbers of org_id, id and state, output function, name
 * and class of every column) and of sqm.audit_event are cached and dropped
 * by a relcache callback (also when sqm.column_class changes, whose
 * statement trigger sqm.audit_invalidate() announces it), the calling
 * role's name by a syscache callback; who the caller is and whether it is
 * an application are syscache look-ups (access.c).
 *
 * Writing the event.  The event and its kept values are appended by
 * append.c: through the executor's row routines (the tables' NOT NULL and
 * CHECK constraints, every index) without an executor start-up per row, or
 * through a kept SPI INSERT when the table has a trigger or rule on INSERT
 * (or sqm.append_through_spi is on), so that they run; a rule or trigger
 * that would keep the event out fails the write (SQ010).  The head is read
 * once per transaction and organisation, through a kept SPI plan, together
 * with the head of the organisation's outbox numbers, which outbox.c takes
 * under the same lock (sqm_chain_outbox_seq): a kind that announces its
 * cases (trigger argument 'announce') has its new cases' outbox rows written
 * here, beside their create events.
 *
 * The trail is read and written on behalf of the owner of sqm.audit_event
 * (as foreign-key checks run as the referenced table's owner; the direct
 * insertion checks no privileges at all): a role allowed to write a
 * governed table thereby writes its audit events, and needs no privilege on
 * the trail, where it could otherwise add events of its own.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/detoast.h"
#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/index.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "common/cryptohash.h"
#include "common/sha2.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "port/pg_bswap.h"
#include "storage/lock.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/datum.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"
#include "utils/typcache.h"

#include "sqm.h"

/*
 * The advisory lock serialising the appends of one organisation: field1 the
 * database, field2 and field3 the high and low 32 bits of the organisation
 * id, field4 this value ('SQ').  pg_locks shows it as locktype advisory,
 * classid/objid the two halves of the id and objsubid 21329.  The SQL
 * functions pg_advisory_lock() and friends always use field4 1 or 2, so no
 * application lock can collide with it.
 */
#define AUDIT_LOCK_FIELD4	0x5351

#define AUDIT_HASH_LEN		PG_SHA256_DIGEST_LENGTH

/* The format new events are written in (column format; audit_serialise). */
#define AUDIT_FORMAT_CURRENT	1

/* A kept value's salt: 16 random bytes. */
#define AUDIT_SALT_LEN		16

/* "sha256:" and 64 hex digits */
#define AUDIT_DIGEST_PREFIX	"sha256:"

/*
 * The columns of sqm.audit_event, in table order, which is also the order of
 * the parameters of the insert statement.  Which of them are hashed, and in
 * what order, is the business of the format (audit_format1_fields).
 */
typedef enum AuditField
{
	AF_ORG_ID,
	AF_SEQ,
	AF_FORMAT,
	AF_RECORDED_AT,
	AF_SOURCE,
	AF_BATCH,
	AF_ACTOR,
	AF_DB_ROLE,
	AF_OBJECT_KIND,
	AF_OBJECT_ID,
	AF_CHANGE,
	AF_FROM_STATE,
	AF_TO_STATE,
	AF_BEFORE,
	AF_AFTER,
	AF_REASON,
	AF_PREV_HASH,
	AF_HASH,
	AF_NFIELDS
} AuditField;

static const struct
{
	const char *name;
	Oid			type;
}			audit_fields[AF_NFIELDS] =
{
	[AF_ORG_ID] = {"org_id", INT8OID},
	[AF_SEQ] = {"seq", INT8OID},
	[AF_FORMAT] = {"format", INT2OID},
	[AF_RECORDED_AT] = {"recorded_at", TIMESTAMPTZOID},
	[AF_SOURCE] = {"source", TEXTOID},
	[AF_BATCH] = {"batch", TEXTOID},
	[AF_ACTOR] = {"actor", TEXTOID},
	[AF_DB_ROLE] = {"db_role", TEXTOID},
	[AF_OBJECT_KIND] = {"object_kind", TEXTOID},
	[AF_OBJECT_ID] = {"object_id", INT8OID},
	[AF_CHANGE] = {"change", TEXTOID},
	[AF_FROM_STATE] = {"from_state", TEXTOID},
	[AF_TO_STATE] = {"to_state", TEXTOID},
	[AF_BEFORE] = {"before", JSONBOID},
	[AF_AFTER] = {"after", JSONBOID},
	[AF_REASON] = {"reason", TEXTOID},
	[AF_PREV_HASH] = {"prev_hash", BYTEAOID},
	[AF_HASH] = {"hash", BYTEAOID},
};

/*
 * Format 1: after the format number, these fields in this order -- every
 * column but format itself and hash.  Changing this list changes every
 * hash: a new order is a new format.
 */
static const AuditField audit_format1_fields[] =
{
	AF_PREV_HASH, AF_ORG_ID, AF_SEQ, AF_RECORDED_AT, AF_SOURCE, AF_BATCH,
	AF_ACTOR, AF_DB_ROLE, AF_OBJECT_KIND, AF_OBJECT_ID, AF_CHANGE,
	AF_FROM_STATE, AF_TO_STATE, AF_BEFORE, AF_AFTER, AF_REASON
};

/* Where an event comes from (column source). */
#define AUDIT_SOURCE_API		"api"
#define AUDIT_SOURCE_DIRECT		"direct"
#define AUDIT_SOURCE_IMPORT		"import"
#define AUDIT_SOURCE_RESTORE	"restore"

/* sqm.batch_source: what a batch marked by sqm.import_batch is */
#define AUDIT_BATCH_IMPORT		0
#define AUDIT_BATCH_RESTORE		1

static const char *const audit_sources[] =
{
	AUDIT_SOURCE_API, AUDIT_SOURCE_DIRECT, AUDIT_SOURCE_IMPORT, AUDIT_SOURCE_RESTORE
};

/*
 * The heads of an organisation's chain and of its outbox numbers, in one
 * query: both are read once per transaction, with the chain's lock held.
 */
#define AUDIT_HEAD_SQL \
	"SELECT e.seq, e.hash, e.recorded_at," \
	" (SELECT pg_catalog.max(o.seq) FROM sqm.outbox o WHERE o.org_id OPERATOR(pg_catalog.=) $1)" \
	" FROM (SELECT) x LEFT JOIN LATERAL (SELECT a.seq, a.hash, a.recorded_at FROM sqm.audit_event a" \
	" WHERE a.org_id OPERATOR(pg_catalog.=) $1 ORDER BY a.seq DESC LIMIT 1) e ON true"

#define AUDIT_CLASSES_SQL \
	"SELECT c.column_name::pg_catalog.text, c.class FROM sqm.column_class c" \
	" WHERE c.table_name OPERATOR(pg_catalog.=) $1"

#define GOVERNED_PROTOCOL_HINT \
	"A governed table has org_id bigint, id bigint and state text and carries " \
	"CREATE TRIGGER audit AFTER INSERT OR UPDATE ON <table> FOR EACH ROW " \
	"EXECUTE FUNCTION sqm.audit_record('<kind>'); its details table carries " \
	"sqm.audit_record('<kind>', 'details')."

/*
 * The second trigger argument: on a details table (its every insert or
 * update is an edit of the case), or on a case table whose new cases are
 * announced in the outbox (sqm.govern(..., announce => true)).
 */
#define AUDIT_DETAILS_ARG	"details"
#define AUDIT_ANNOUNCE_ARG	"announce"

/* The layout of one governed table, cached by relation id. */
typedef struct AuditRelInfo
{
	Oid			relid;			/* hash key; must be first */
	bool		valid;			/* false once a relcache callback saw it */
	bool		details;		/* a details table: no state column */
	MemoryContext cxt;			/* holds the arrays below */
	int			natts;
	AttrNumber	org_attnum;
	AttrNumber	id_attnum;
	AttrNumber	state_attnum;
	AttrNumber	unit_attnum;	/* unit_id bigint; InvalidAttrNumber if none */
	/* per attribute, indexed by attnum - 1 */
	FmgrInfo   *outfuncs;
	char	  **names;			/* NULL for a dropped column */
	int16	   *attlens;
	bool	   *attbyvals;
	Oid		   *typids;
	bool	   *kept;			/* personal, free text or unclassified */
} AuditRelInfo;

/* The head of an organisation's chain, as this transaction left it. */
typedef struct AuditHead
{
	int64		org_id;			/* hash key; must be first */
	int64		seq;
	uint8		hash[AUDIT_HASH_LEN];
	TimestampTz recorded_at;	/* of the event at seq */
	int64		outbox_seq;		/* the organisation's last outbox number */
	SubTransactionId subid;		/* subtransaction that last moved it */
} AuditHead;

/* Where the fields are in a row of sqm.audit_event. */
typedef struct AuditRowMap
{
	uint64		tupdesc_id;		/* of the row type (sqm.audit_hash only) */
	int			attnums[AF_NFIELDS];	/* 0-based attribute index */
	bool		exact;			/* the row has no other columns */
} AuditRowMap;

/* The context of the writes being made; see the header comment. */
typedef struct AuditContext
{
	struct AuditContext *outer;
	const char *source;			/* one of audit_sources */
	char	   *reason;			/* NULL: none */
	bool		own_reason;		/* reason is this context's copy */
	SubTransactionId subid;		/* the subtransaction that set it */
} AuditContext;

/* The values of one event that go to sqm.audit_value. */
typedef struct AuditKept
{
	int			n;
	Datum	   *sides;
	Datum	   *columns;
	Datum	   *salts;
	Datum	   *values;
} AuditKept;

/* GUC variables */
static char *frozen_now_text = NULL;
static char *actor_text = NULL;
static char *import_batch_text = NULL;
static int	batch_source = AUDIT_BATCH_IMPORT;

static const struct config_enum_entry batch_source_options[] =
{
	{AUDIT_SOURCE_IMPORT, AUDIT_BATCH_IMPORT, false},
	{AUDIT_SOURCE_RESTORE, AUDIT_BATCH_RESTORE, false},
	{NULL, 0, false}
};

/* What the assign hook of sqm.frozen_now decided. */
static bool now_frozen = false;
static TimestampTz frozen_now;

/* The innermost context of the write being made (TopTransactionContext). */
static AuditContext *audit_context = NULL;

/* Caches; see the header comment. */
static HTAB *audit_rels = NULL;
static HTAB *audit_heads = NULL;	/* in TopTransactionContext */
static SPIPlanPtr audit_head_plan = NULL;
static SPIPlanPtr audit_classes_plan = NULL;

/* The two tables this file appends to (append.c). */
static const char *const audit_event_columns[AF_NFIELDS] = {
	"org_id", "seq", "format", "recorded_at", "source", "batch", "actor", "db_role",
	"object_kind", "object_id", "change", "from_state", "to_state", "before", "after",
	"reason", "prev_hash", "hash"
};
static Oid	audit_event_types[AF_NFIELDS];
static SqmAppendTable audit_event_table = {.name = "audit_event", .ncolumns = AF_NFIELDS,
	.columns = audit_event_columns, .types = audit_event_types};

static const char *const audit_value_columns[] = {"org_id", "seq", "side", "column_name", "salt", "value"};
static const Oid audit_value_types[] = {INT8OID, INT8OID, TEXTOID, TEXTOID, BYTEAOID, TEXTOID};
static SqmAppendTable audit_value_table = {.name = "audit_value", .ncolumns = 6,
	.columns = audit_value_columns, .types = audit_value_types};
static Oid	audit_trail_relid = InvalidOid;	/* sqm.audit_event */
static Oid	audit_trail_nsp = InvalidOid;	/* schema sqm */
static bool audit_trail_valid = false;	/* the two below */
static Oid	audit_trail_owner;
static AuditRowMap audit_trail_map;
static Oid	audit_classes_relid = InvalidOid;	/* sqm.column_class */
static Oid	role_name_cached = InvalidOid;
static char role_name[NAMEDATALEN];

PG_FUNCTION_INFO_V1(sqm_now);
PG_FUNCTION_INFO_V1(sqm_actor);
PG_FUNCTION_INFO_V1(sqm_audit_set_context_sql);
PG_FUNCTION_INFO_V1(sqm_audit_clear_context_sql);
PG_FUNCTION_INFO_V1(sqm_audit_record);
PG_FUNCTION_INFO_V1(sqm_audit_hash);
PG_FUNCTION_INFO_V1(sqm_audit_invalidate);


/* ----------------------------------------------------------------
 * Time and actor
 * ----------------------------------------------------------------
 */

/*
 * Check hook of sqm.frozen_now: the text must be a timestamptz (read in the
 * session's TimeZone and DateStyle if it has no zone), refused at SET time
 * with 22007 or 22008.  The parsed moment goes to the assign hook as extra.
 * Like timestamptz input, DecodeDateTime itself raises an error for an
 * unknown time zone name; that error also arrives at SET time.
 */
static bool
check_frozen_now(char **newval, void **extra, GucSource source)
{
	char		workbuf[MAXDATELEN + MAXDATEFIELDS];
	char	   *field[MAXDATEFIELDS];
	int			ftype[MAXDATEFIELDS];
	int			nf;
	int			dtype;
	int			tz;
	struct pg_tm tm;
	fsec_t		fsec;
	TimestampTz result;
	int			dterr;

	if (*newval == NULL || (*newval)[0] == '\0')
		return true;			/* not frozen; no extra */

	dterr = ParseDateTime(*newval, workbuf, sizeof(workbuf), field, ftype,
						  MAXDATEFIELDS, &nf);
	if (dterr == 0)
		dterr = DecodeDateTime(field, ftype, nf, &dtype, &tm, &fsec, &tz);
	if (dterr == 0 && dtype != DTK_DATE)
	{
		GUC_check_errcode(ERRCODE_INVALID_DATETIME_FORMAT);
		GUC_check_errdetail("sqm.now() can only be frozen at a finite date and time.");
		GUC_check_errhint("Give a timestamp with time zone, e.g. '2025-03-01 10:00+01'.");
		return false;
	}
	if (dterr == 0 && (tm2timestamp(&tm, fsec, &tz, &result) != 0 ||
					   !IS_VALID_TIMESTAMP(result)))
		dterr = DTERR_FIELD_OVERFLOW;
	if (dterr != 0)
	{
		GUC_check_errcode(dterr == DTERR_BAD_FORMAT ?
						  ERRCODE_INVALID_DATETIME_FORMAT :
						  ERRCODE_DATETIME_FIELD_OVERFLOW);
		GUC_check_errdetail(dterr == DTERR_BAD_FORMAT ?
							"The value is not a timestamp with time zone." :
							"A field of the timestamp is out of range.");
		GUC_check_errhint("Give a timestamp with time zone, e.g. '2025-03-01 10:00+01', or '' to unfreeze.");
		return false;
	}

	/* The GUC machinery frees extra with free(). */
	*extra = malloc(sizeof(TimestampTz));
	if (*extra == NULL)
		return false;
	*((TimestampTz *) *extra) = result;
	return true;
}

static void
assign_frozen_now(const char *newval, void *extra)
{
	now_frozen = (extra != NULL);
	if (now_frozen)
		frozen_now = *((TimestampTz *) extra);
}


/* The time sqm works with: sqm.frozen_now, else the start of the transaction. */
TimestampTz
sqm_current_time(void)
{
	return now_frozen ? frozen_now : GetCurrentTransactionStartTimestamp();
}

/* A role's name, the last one asked for cached until pg_authid changes. */
static const char *
audit_role_name(Oid roleid)
{
	if (roleid != role_name_cached)
	{
		char	   *name = GetUserNameFromId(roleid, false);

		strlcpy(role_name, name, NAMEDATALEN);
		pfree(name);
		role_name_cached = roleid;
	}
	return role_name;
}

/*
 * The person acting: sqm.actor if the calling role may name its end user
 * (a member of sqm_app; superusers are members of every role), else the
 * calling role.  The GUC is input any role can set, so it counts only from
 * an application (design.md §3b), as sqm.caller_identity() says too.
 */
static const char *
audit_actor(void)
{
	if (actor_text != NULL && actor_text[0] != '\0' && sqm_caller_is_app_role())
		return actor_text;
	return audit_role_name(sqm_caller_role_oid());
}

Datum
sqm_now(PG_FUNCTION_ARGS)
{
	PG_RETURN_TIMESTAMPTZ(sqm_current_time());
}

Datum
sqm_actor(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(audit_actor()));
}


/* ----------------------------------------------------------------
 * The context of a write
 * ----------------------------------------------------------------
 */

/*
 * Sets the context of the writes that follow until sqm_audit_clear_context:
 * where they come from (source "api" for the write path) and the reason the
 * caller gave (NULL or "": none; the enclosing context's, if any).  The
 * write path sets it around each write it makes.  It goes with the
 * (sub)transaction that set it if that aborts, so an error needs no clean-up.
 */
void
sqm_audit_set_context(const char *source, const char *reason)
{
	AuditContext *context;
	const char *known = NULL;
	int			i;

	for (i = 0; i < lengthof(audit_sources); i++)
		if (source != NULL && strcmp(source, audit_sources[i]) == 0)
			known = audit_sources[i];
	if (known == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown source \"%s\" of an audited write", source ? source : "(null)"),
				 errhint("The sources are api, direct, import and restore.")));

	context = MemoryContextAlloc(TopTransactionContext, sizeof(AuditContext));
	context->outer = audit_context;
	context->source = known;
	context->own_reason = (reason != NULL && reason[0] != '\0');
	if (context->own_reason)
		context->reason = MemoryContextStrdup(TopTransactionContext, reason);
	else
		context->reason = audit_context ? audit_context->reason : NULL;
	context->subid = GetCurrentSubTransactionId();
	audit_context = context;
}

/* Ends the innermost context: the enclosing one, if any, applies again. */
void
sqm_audit_clear_context(void)
{
	AuditContext *context = audit_context;

	if (context == NULL)
		return;
	audit_context = context->outer;
	if (context->own_reason)
		pfree(context->reason);
	pfree(context);
}

/*
 * The reason given for the change being written, or NULL: what the audit
 * trail records, and what rules that demand a reason (a case's dates
 * moved) ask for.  Only the write path's context gives one.
 */
const char *
sqm_audit_reason(void)
{
	return audit_context ? audit_context->reason : NULL;
}

/* sqm.audit_set_context(source text, reason text): the wrapper for SQL. */
Datum
sqm_audit_set_context_sql(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("an audited write needs a source"),
				 errhint("The write path gives \"api\".")));
	sqm_audit_set_context(text_to_cstring(PG_GETARG_TEXT_PP(0)),
						  PG_ARGISNULL(1) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(1)));
	PG_RETURN_VOID();
}

/* sqm.audit_clear_context() */
Datum
sqm_audit_clear_context_sql(PG_FUNCTION_ARGS)
{
	sqm_audit_clear_context();
	PG_RETURN_VOID();
}


/* ----------------------------------------------------------------
 * The hash of an event
 * ----------------------------------------------------------------
 */

/* A 4-byte big-endian length and the bytes. */
static void
audit_serialise_bytes(StringInfo buf, const char *data, uint32 len)
{
	uint32		netlen = pg_hton32(len);

	appendBinaryStringInfo(buf, (char *) &netlen, sizeof(netlen));
	appendBinaryStringInfo(buf, data, len);
}

/*
 * A jsonb value as the sequence of its tokens, in jsonb's own order (object
 * keys sorted, as stored): '{' '}' '[' ']' for containers ('r' opens the
 * array around a raw scalar), 'k' and the bytes of a key, then for scalars
 * 's' and the bytes of a string, 'd' and the text of a number, 't', 'f' or
 * 'n'.  Containers nest, so the sequence ends itself.  This depends on no
 * JSON printer, only on jsonb's values.
 */
static void
audit_serialise_jsonb(StringInfo buf, Jsonb *jb)
{
	JsonbIterator *it = JsonbIteratorInit(&jb->root);
	JsonbIteratorToken tok;
	JsonbValue	v;

	while ((tok = JsonbIteratorNext(&it, &v, false)) != WJB_DONE)
	{
		switch (tok)
		{
			case WJB_BEGIN_OBJECT:
				appendStringInfoCharMacro(buf, '{');
				break;
			case WJB_END_OBJECT:
				appendStringInfoCharMacro(buf, '}');
				break;
			case WJB_BEGIN_ARRAY:
				appendStringInfoCharMacro(buf, v.val.array.rawScalar ? 'r' : '[');
				break;
			case WJB_END_ARRAY:
				appendStringInfoCharMacro(buf, ']');
				break;
			case WJB_KEY:
				appendStringInfoCharMacro(buf, 'k');
				audit_serialise_bytes(buf, v.val.string.val, v.val.string.len);
				break;
			case WJB_VALUE:
			case WJB_ELEM:
				switch (v.type)
				{
					case jbvString:
						appendStringInfoCharMacro(buf, 's');
						audit_serialise_bytes(buf, v.val.string.val, v.val.string.len);
						break;
					case jbvNumeric:
						{
							char	   *num = DatumGetCString(DirectFunctionCall1(numeric_out,
																				  NumericGetDatum(v.val.numeric)));

							appendStringInfoCharMacro(buf, 'd');
							audit_serialise_bytes(buf, num, strlen(num));
							break;
						}
					case jbvBool:
						appendStringInfoCharMacro(buf, v.val.boolean ? 't' : 'f');
						break;
					case jbvNull:
						appendStringInfoCharMacro(buf, 'n');
						break;
					default:
						elog(ERROR, "unexpected jsonb value type %d", (int) v.type);
				}
				break;
			default:
				elog(ERROR, "unexpected jsonb iterator token %d", (int) tok);
		}
	}
}

/*
 * One field in format 1: a byte 0 for NULL, or a byte 1 followed by the
 * value.  An int8 or timestamptz (microseconds since 2000-01-01 00:00 UTC)
 * is 8 bytes big-endian; text and bytea are a 4-byte big-endian length and
 * the bytes (text in the database encoding); jsonb is its tokens
 * (audit_serialise_jsonb).  So no two different events serialise alike,
 * and NULL differs from empty.
 */
static void
audit_serialise_field(StringInfo buf, AuditField f, Datum value, bool isnull)
{
	if (isnull)
	{
		appendStringInfoCharMacro(buf, 0);
		return;
	}
	appendStringInfoCharMacro(buf, 1);

	switch (audit_fields[f].type)
	{
		case INT8OID:
		case TIMESTAMPTZOID:
			{
				uint64		net = pg_hton64((uint64) DatumGetInt64(value));

				appendBinaryStringInfo(buf, (char *) &net, sizeof(net));
				break;
			}
		case TEXTOID:
		case BYTEAOID:
			{
				struct varlena *v = pg_detoast_datum_packed((struct varlena *) DatumGetPointer(value));

				audit_serialise_bytes(buf, VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v));
				break;
			}
		case JSONBOID:
			audit_serialise_jsonb(buf, DatumGetJsonbP(value));
			break;
		default:
			elog(ERROR, "unexpected type %u of audit field \"%s\"",
				 audit_fields[f].type, audit_fields[f].name);
	}
}

/*
 * The serialisation of an event in a format, for hashing; false for a
 * format this version of sqm does not know.
 *
 * Format 1: the format number as 2 bytes big-endian (00 01), then each
 * field of audit_format1_fields as audit_serialise_field writes it.
 */
static bool
audit_serialise(StringInfo buf, int format, const Datum *values, const bool *isnull)
{
	uint16		netformat;
	int			i;

	switch (format)
	{
		case 1:
			netformat = pg_hton16((uint16) format);
			appendBinaryStringInfo(buf, (char *) &netformat, sizeof(netformat));
			for (i = 0; i < lengthof(audit_format1_fields); i++)
			{
				AuditField	f = audit_format1_fields[i];

				audit_serialise_field(buf, f, values[f], isnull[f]);
			}
			return true;
		default:
			return false;
	}
}

/* SHA-256 of some bytes, with PostgreSQL's cryptohash API. */
static void
audit_sha256(const uint8 *data, size_t len, uint8 *digest)
{
	pg_cryptohash_ctx *ctx = pg_cryptohash_create(PG_SHA256);

	if (pg_cryptohash_init(ctx) < 0 ||
		pg_cryptohash_update(ctx, data, len) < 0 ||
		pg_cryptohash_final(ctx, digest, AUDIT_HASH_LEN) < 0)
		elog(ERROR, "unexpected: could not compute SHA-256: %s",
			 pg_cryptohash_error(ctx));
	pg_cryptohash_free(ctx);
}

/*
 * The hash of an event in its format (values[AF_FORMAT]); false for a
 * format this version of sqm does not know.  The trigger appends with it
 * and sqm.audit_hash (hence sqm.verify_audit) recomputes with it, so they
 * cannot disagree.
 */
static bool
audit_compute_hash(const Datum *values, const bool *isnull, uint8 *digest)
{
	StringInfoData buf;
	bool		known;

	if (isnull[AF_FORMAT])
		return false;
	initStringInfo(&buf);
	known = audit_serialise(&buf, DatumGetInt16(values[AF_FORMAT]), values, isnull);
	if (known)
		audit_sha256((uint8 *) buf.data, buf.len, digest);
	pfree(buf.data);
	return known;
}

static bytea *
audit_hash_bytea(const uint8 *hash)
{
	bytea	   *result = (bytea *) palloc(VARHDRSZ + AUDIT_HASH_LEN);

	SET_VARSIZE(result, VARHDRSZ + AUDIT_HASH_LEN);
	memcpy(VARDATA(result), hash, AUDIT_HASH_LEN);
	return result;
}

/*
 * Where each field is in rows of the given type; checks that the row has
 * every field with its type.
 */
static void
audit_map_row(AuditRowMap *map, TupleDesc tupdesc)
{
	int			ncolumns = 0;
	int			f;
	int			i;

	for (i = 0; i < tupdesc->natts; i++)
	{
		if (!TupleDescAttr(tupdesc, i)->attisdropped)
			ncolumns++;
	}
	map->exact = (ncolumns == AF_NFIELDS);
	for (f = 0; f < AF_NFIELDS; f++)
	{
		map->attnums[f] = -1;
		for (i = 0; i < tupdesc->natts; i++)
		{
			Form_pg_attribute att = TupleDescAttr(tupdesc, i);

			if (!att->attisdropped &&
				strcmp(NameStr(att->attname), audit_fields[f].name) == 0)
			{
				if (att->atttypid != audit_fields[f].type)
					elog(ERROR, "unexpected type %s of column \"%s\" of sqm.audit_event",
						 format_type_be(att->atttypid), audit_fields[f].name);
				map->attnums[f] = i;
				break;
			}
		}
		if (map->attnums[f] < 0)
			elog(ERROR, "unexpected layout of sqm.audit_event: no column \"%s\"",
				 audit_fields[f].name);
	}
}

/*
 * sqm.audit_hash(e sqm.audit_event) RETURNS bytea: the hash the event should
 * have, recomputed from its other columns in the format it records; NULL
 * if this version of sqm does not know that format.
 */
Datum
sqm_audit_hash(PG_FUNCTION_ARGS)
{
	HeapTupleHeader rec = PG_GETARG_HEAPTUPLEHEADER(0);
	Oid			tuptype = HeapTupleHeaderGetTypeId(rec);
	int32		tuptypmod = HeapTupleHeaderGetTypMod(rec);
	uint64		tupdesc_id = assign_record_type_identifier(tuptype, tuptypmod);
	AuditRowMap *map = (AuditRowMap *) fcinfo->flinfo->fn_extra;
	TupleDesc	tupdesc;
	HeapTupleData tuple;
	Datum	   *rowvalues;
	bool	   *rownulls;
	Datum		values[AF_NFIELDS];
	bool		isnull[AF_NFIELDS];
	uint8		digest[AUDIT_HASH_LEN];
	bool		known;
	int			f;

	tupdesc = lookup_rowtype_tupdesc(tuptype, tuptypmod);
	if (map == NULL || map->tupdesc_id != tupdesc_id)
	{
		if (map == NULL)
			map = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(AuditRowMap));
		audit_map_row(map, tupdesc);
		map->tupdesc_id = tupdesc_id;
		fcinfo->flinfo->fn_extra = map;
	}

	tuple.t_len = HeapTupleHeaderGetDatumLength(rec);
	ItemPointerSetInvalid(&(tuple.t_self));
	tuple.t_tableOid = InvalidOid;
	tuple.t_data = rec;
	rowvalues = palloc(tupdesc->natts * sizeof(Datum));
	rownulls = palloc(tupdesc->natts * sizeof(bool));
	heap_deform_tuple(&tuple, tupdesc, rowvalues, rownulls);

	for (f = 0; f < AF_NFIELDS; f++)
	{
		values[f] = rowvalues[map->attnums[f]];
		isnull[f] = rownulls[map->attnums[f]];
	}
	known = audit_compute_hash(values, isnull, digest);
	ReleaseTupleDesc(tupdesc);

	if (!known)
		PG_RETURN_NULL();
	PG_RETURN_BYTEA_P(audit_hash_bytea(digest));
}


/* ----------------------------------------------------------------
 * Caches and their invalidation
 * ----------------------------------------------------------------
 */

/* A small hash table keyed by the first keysize bytes of its entries. */
static HTAB *
audit_hash_create(const char *name, Size keysize, Size entrysize, MemoryContext cxt)
{
	HASHCTL		ctl;

	ctl.keysize = keysize;
	ctl.entrysize = entrysize;
	ctl.hcxt = cxt;
	return hash_create(name, 16, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
}

static void
audit_relcache_callback(Datum arg, Oid relid)
{
	if (audit_rels != NULL)
	{
		AuditRelInfo *info;

		if (OidIsValid(relid) && relid != audit_classes_relid)
		{
			info = hash_search(audit_rels, &relid, HASH_FIND, NULL);
			if (info != NULL)
				info->valid = false;
		}
		else
		{
			/* everything, or the classes of every table */
			HASH_SEQ_STATUS status;

			hash_seq_init(&status, audit_rels);
			while ((info = hash_seq_search(&status)) != NULL)
				info->valid = false;
		}
	}
	if (!OidIsValid(relid) || relid == audit_trail_relid)
		audit_trail_valid = false;
}

static void
audit_authid_callback(Datum arg, int cacheid, uint32 hashvalue)
{
	role_name_cached = InvalidOid;
}

/*
 * The heads are valid for the transaction that holds the locks; the
 * contexts for the writes of the transaction that set them.  Both live in
 * TopTransactionContext.
 */
static void
audit_xact_callback(XactEvent event, void *arg)
{
	switch (event)
	{
		case XACT_EVENT_COMMIT:
		case XACT_EVENT_PARALLEL_COMMIT:
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PARALLEL_ABORT:
		case XACT_EVENT_PREPARE:
			audit_heads = NULL;
			audit_context = NULL;
			break;
		default:
			break;
	}
}

/*
 * An aborted subtransaction takes back the events it appended and the locks
 * it took: forget every head it (or a subtransaction within it) moved, so
 * that the next append takes the lock again and reads the head from the
 * table.  Subtransaction ids grow, so those are the heads with subid >= its.
 * Likewise the contexts it set and did not clear (the write failed): those
 * are the innermost ones, with subid >= its.
 */
static void
audit_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
					   SubTransactionId parentSubid, void *arg)
{
	HASH_SEQ_STATUS status;
	AuditHead  *head;

	if (event != SUBXACT_EVENT_ABORT_SUB)
		return;
	while (audit_context != NULL && audit_context->subid >= mySubid)
		sqm_audit_clear_context();
	if (audit_heads == NULL)
		return;
	hash_seq_init(&status, audit_heads);
	while ((head = hash_seq_search(&status)) != NULL)
	{
		if (head->subid >= mySubid)
			hash_search(audit_heads, &head->org_id, HASH_REMOVE, NULL);
	}
}

/*
 * sqm.audit_invalidate(): statement trigger on sqm.column_class.  The audit
 * trigger keeps which columns of a table are personal or free text; a
 * change of the classes tells every session to read them again (at commit
 * for other sessions, at once for this one).
 */
Datum
sqm_audit_invalidate(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata;

	trigdata = sqm_trigger_protocol(fcinfo, "sqm.audit_invalidate()",
									SQM_TG_STATEMENT | SQM_TG_AFTER | SQM_TG_INSERT | SQM_TG_UPDATE |
									SQM_TG_DELETE | SQM_TG_TRUNCATE,
									"It is fired by sqm.column_class.");
	CacheInvalidateRelcacheByRelid(RelationGetRelid(trigdata->tg_relation));
	return PointerGetDatum(NULL);
}

/*
 * Connects to SPI as the owner of the trail; audit_spi_end undoes both.
 * An error in between needs no cleanup: aborting the (sub)transaction
 * restores the user and closes SPI.  The trail must be open
 * (audit_trail_open).
 */
static void
audit_spi_begin(Oid *save_userid, int *save_sec_context)
{
	int			ret;

	GetUserIdAndSecContext(save_userid, save_sec_context);
	SetUserIdAndSecContext(audit_trail_owner,
						   *save_sec_context | SECURITY_LOCAL_USERID_CHANGE);
	if ((ret = SPI_connect()) != SPI_OK_CONNECT)
		elog(ERROR, "unexpected result %s of SPI_connect", SPI_result_code_string(ret));
}

static void
audit_spi_end(Oid save_userid, int save_sec_context)
{
	int			ret;

	if ((ret = SPI_finish()) != SPI_OK_FINISH)
		elog(ERROR, "unexpected result %s of SPI_finish", SPI_result_code_string(ret));
	SetUserIdAndSecContext(save_userid, save_sec_context);
}

/*
 * Which columns of a table are kept out of the chain: those classed
 * personal or free_text in sqm.column_class, and those with no class
 * (fail closed: a column nobody classified may hold anything).  Read as
 * the owner of the trail; the trail must be open.
 */
static void
audit_load_classes(AuditRelInfo *info, Oid relid)
{
	Datum		arg = ObjectIdGetDatum(relid);
	Oid			save_userid;
	int			save_sec_context;
	int			ret;
	uint64		r;
	int			i;

	for (i = 0; i < info->natts; i++)
		info->kept[i] = (info->names[i] != NULL);

	audit_spi_begin(&save_userid, &save_sec_context);
	if (!OidIsValid(audit_classes_relid))
		audit_classes_relid = get_relname_relid("column_class", audit_trail_nsp);
	if (audit_classes_plan == NULL)
	{
		Oid			argtype = REGCLASSOID;

		audit_classes_plan = sqm_prepare_kept(AUDIT_CLASSES_SQL, 1, &argtype);
	}
	ret = SPI_execute_plan(audit_classes_plan, &arg, NULL, false, 0);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "unexpected result %s of reading the column classes",
			 SPI_result_code_string(ret));
	for (r = 0; r < SPI_processed; r++)
	{
		char	   *column = SPI_getvalue(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1);
		char	   *class = SPI_getvalue(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 2);

		for (i = 0; i < info->natts; i++)
			if (info->names[i] != NULL && strcmp(info->names[i], column) == 0)
				info->kept[i] = (strcmp(class, "personal") == 0 ||
								 strcmp(class, "free_text") == 0);
	}
	audit_spi_end(save_userid, save_sec_context);
}

/*
 * The layout of a governed table (or of a details table, without a state):
 * checks the protocol's columns and prepares the output function, name and
 * class of every column.
 */
static void
audit_rel_build(AuditRelInfo *info, Relation rel, bool details)
{
	TupleDesc	tupdesc = RelationGetDescr(rel);
	MemoryContext oldcxt;
	int			i;

	if (info->cxt != NULL)
		MemoryContextDelete(info->cxt);
	info->cxt = NULL;
	info->valid = false;
	info->org_attnum = info->id_attnum = info->state_attnum = info->unit_attnum = InvalidAttrNumber;

	if (details)
		sqm_details_columns(rel, &info->org_attnum, &info->id_attnum);
	else
		sqm_governed_columns(rel, &info->org_attnum, &info->id_attnum, &info->state_attnum);
	info->details = details;

	info->cxt = AllocSetContextCreate(CacheMemoryContext, "sqm audit relation",
									  ALLOCSET_SMALL_SIZES);
	MemoryContextCopyAndSetIdentifier(info->cxt, RelationGetRelationName(rel));
	oldcxt = MemoryContextSwitchTo(info->cxt);

	info->natts = tupdesc->natts;
	info->outfuncs = palloc0(info->natts * sizeof(FmgrInfo));
	info->names = palloc0(info->natts * sizeof(char *));
	info->attlens = palloc(info->natts * sizeof(int16));
	info->attbyvals = palloc(info->natts * sizeof(bool));
	info->typids = palloc0(info->natts * sizeof(Oid));
	info->kept = palloc0(info->natts * sizeof(bool));
	for (i = 0; i < tupdesc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(tupdesc, i);
		Oid			outfunc;
		bool		isvarlena;

		info->attlens[i] = att->attlen;
		info->attbyvals[i] = att->attbyval;
		info->typids[i] = att->atttypid;
		if (att->attisdropped)
			continue;
		if (att->atttypid == INT8OID && strcmp(NameStr(att->attname), "unit_id") == 0)
			info->unit_attnum = att->attnum;
		getTypeOutputInfo(att->atttypid, &outfunc, &isvarlena);
		fmgr_info_cxt(outfunc, &info->outfuncs[i], info->cxt);
		info->names[i] = pstrdup(NameStr(att->attname));
	}

	MemoryContextSwitchTo(oldcxt);
	audit_load_classes(info, RelationGetRelid(rel));
	info->valid = true;
}

static AuditRelInfo *
audit_rel_info(Relation rel, bool details)
{
	Oid			relid = RelationGetRelid(rel);
	AuditRelInfo *info;
	bool		found;

	if (audit_rels == NULL)
		audit_rels = audit_hash_create("sqm audit relations", sizeof(Oid),
									   sizeof(AuditRelInfo), CacheMemoryContext);
	info = hash_search(audit_rels, &relid, HASH_ENTER, &found);
	if (!found)
	{
		info->valid = false;
		info->cxt = NULL;
	}
	if (!info->valid || info->details != details)
		audit_rel_build(info, rel, details);
	return info;
}

/*
 * Opens sqm.audit_event for appending (RowExclusiveLock, kept to the end of
 * the transaction) and makes sure its layout and owner are known.  The
 * relation id is looked up by name once, and again if the table is gone
 * (DROP EXTENSION and CREATE EXTENSION in one session).
 */
static Relation
audit_trail_open(void)
{
	Relation	rel = NULL;

	if (OidIsValid(audit_trail_relid))
	{
		rel = try_table_open(audit_trail_relid, RowExclusiveLock);
		if (rel != NULL &&
			(RelationGetNamespace(rel) != audit_trail_nsp ||
			 strcmp(RelationGetRelationName(rel), "audit_event") != 0))
		{
			table_close(rel, RowExclusiveLock);
			rel = NULL;
		}
	}
	if (rel == NULL)
	{
		Oid			nsp = get_namespace_oid("sqm", true);
		Oid			relid = OidIsValid(nsp) ? get_relname_relid("audit_event", nsp) : InvalidOid;

		if (!OidIsValid(relid))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_TABLE),
					 errmsg("audit trail table sqm.audit_event does not exist"),
					 errhint("Install sqm with CREATE EXTENSION sqm.")));
		rel = table_open(relid, RowExclusiveLock);
		audit_trail_relid = relid;
		audit_trail_nsp = nsp;
		audit_trail_valid = false;
	}
	if (!audit_trail_valid)
	{
		audit_map_row(&audit_trail_map, RelationGetDescr(rel));
		audit_trail_owner = rel->rd_rel->relowner;
		audit_trail_valid = true;
	}
	return rel;
}


/*
 * The head of an organisation's chain for this transaction: on the first
 * append, take the lock and read the newest event.  The read uses the latest
 * snapshot, so that under REPEATABLE READ too the chain continues from the
 * event a transaction that held the lock just committed, and is not read-only,
 * so that SPI makes every event this transaction appended so far (in this
 * very command, too) visible to it.  The trail must be open
 * (audit_trail_open).
 */
static AuditHead *
audit_head(int64 org_id)
{
	AuditHead  *head;
	LOCKTAG		tag;
	Datum		arg = Int64GetDatum(org_id);
	int64		seq = 0;
	uint8		hash[AUDIT_HASH_LEN];
	TimestampTz recorded_at = DT_NOBEGIN;
	int64		outbox_seq = 0;
	bool		isnull;
	Oid			save_userid;
	int			save_sec_context;
	int			ret;

	if (audit_heads == NULL)
		audit_heads = audit_hash_create("sqm audit heads", sizeof(int64),
										sizeof(AuditHead), TopTransactionContext);
	head = hash_search(audit_heads, &org_id, HASH_FIND, NULL);
	if (head != NULL)
		return head;

	SET_LOCKTAG_ADVISORY(tag, MyDatabaseId, (uint32) ((uint64) org_id >> 32),
						 (uint32) org_id, AUDIT_LOCK_FIELD4);
	(void) LockAcquire(&tag, ExclusiveLock, false, false);

	audit_spi_begin(&save_userid, &save_sec_context);
	if (audit_head_plan == NULL)
	{
		Oid			argtype = INT8OID;

		audit_head_plan = sqm_prepare_kept(AUDIT_HEAD_SQL, 1, &argtype);
	}
	ret = SPI_execute_snapshot(audit_head_plan, &arg, NULL, GetLatestSnapshot(),
							   InvalidSnapshot, false, false, 1);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "unexpected result %s of reading the audit head",
			 SPI_result_code_string(ret));
	memset(hash, 0, AUDIT_HASH_LEN);
	if (SPI_processed > 0 && (SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull), !isnull))
	{
		HeapTuple	tuple = SPI_tuptable->vals[0];
		TupleDesc	tupdesc = SPI_tuptable->tupdesc;
		bytea	   *stored;

		seq = DatumGetInt64(SPI_getbinval(tuple, tupdesc, 1, &isnull));
		stored = DatumGetByteaPP(SPI_getbinval(tuple, tupdesc, 2, &isnull));
		if (VARSIZE_ANY_EXHDR(stored) != AUDIT_HASH_LEN)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("audit chain of organisation " INT64_FORMAT " is damaged", org_id),
					 errdetail("Event " INT64_FORMAT " has a hash of %d bytes, not %d.",
							   seq, (int) VARSIZE_ANY_EXHDR(stored), AUDIT_HASH_LEN),
					 errhint("Run sqm.verify_audit() to find the first broken link.")));
		memcpy(hash, VARDATA_ANY(stored), AUDIT_HASH_LEN);
		recorded_at = DatumGetTimestampTz(SPI_getbinval(tuple, tupdesc, 3, &isnull));
	}
	if (SPI_processed > 0)
	{
		bool		isnull;
		Datum		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 4, &isnull);

		outbox_seq = isnull ? 0 : DatumGetInt64(d);
	}
	audit_spi_end(save_userid, save_sec_context);

	head = hash_search(audit_heads, &org_id, HASH_ENTER, NULL);
	head->seq = seq;
	memcpy(head->hash, hash, AUDIT_HASH_LEN);
	head->recorded_at = recorded_at;
	head->outbox_seq = outbox_seq;
	head->subid = GetCurrentSubTransactionId();
	return head;
}


/*
 * The outbox number an organisation's next outbox row gets is the head's
 * plus one: taken under the chain's lock, which the writer holds until its
 * commit is visible, so that the numbers of an organisation become visible
 * in their order and without gaps -- a reader (sqm.dispatch, an
 * application) that sees number n of an organisation sees every lower one
 * (README "Notifications").  Takes the lock if this transaction has not.
 */
int64
sqm_chain_outbox_seq(int64 org)
{
	Relation	trail = audit_trail_open();	/* its owner reads the heads */
	int64		seq = audit_head(org)->outbox_seq;

	table_close(trail, NoLock);
	return seq;
}

/* The outbox row numbered seq is in place: the head moves. */
void
sqm_chain_outbox_moved(int64 org, int64 seq)
{
	AuditHead  *head = audit_heads ? hash_search(audit_heads, &org, HASH_FIND, NULL) : NULL;

	if (head == NULL)
		elog(ERROR, "unexpected: the outbox head of organisation %lld moved without its lock", (long long) org);
	head->outbox_seq = seq;
	head->subid = GetCurrentSubTransactionId();
}

/*
 * Appends the kept values of the event (org_id, seq) to sqm.audit_value,
 * one row each (append.c).
 */
static void
audit_keep_values(Datum org_id, Datum seq, AuditKept *kept)
{
	Datum		values[6];
	bool		isnull[6] = {false, false, false, false, false, false};
	int			i;

	values[0] = org_id;
	values[1] = seq;
	for (i = 0; i < kept->n; i++)
	{
		values[2] = kept->sides[i];
		values[3] = kept->columns[i];
		values[4] = kept->salts[i];
		values[5] = kept->values[i];
		sqm_append_row(&audit_value_table, values, isnull,
					   psprintf("the kept value of event %lld of organisation %lld",
								(long long) DatumGetInt64(seq), (long long) DatumGetInt64(org_id)));
	}
}


/* ----------------------------------------------------------------
 * The triggers
 * ----------------------------------------------------------------
 */

/* Whether two values of a column are the same (byte images). */
static bool
audit_same_value(AuditRelInfo *info, int i, Datum a, bool anull, Datum b, bool bnull)
{
	if (anull || bnull)
		return anull && bnull;
	/* an unchanged toasted value keeps its pointer: no need to fetch it */
	if (info->attlens[i] == -1 &&
		VARATT_IS_EXTERNAL_ONDISK(DatumGetPointer(a)) &&
		VARATT_IS_EXTERNAL_ONDISK(DatumGetPointer(b)) &&
		memcmp(DatumGetPointer(a), DatumGetPointer(b), VARSIZE_EXTERNAL(DatumGetPointer(a))) == 0)
		return true;
	return datum_image_eq(a, b, info->attbyvals[i], info->attlens[i]);
}

/*
 * The salted digest that stands in an event for a kept value:
 * "sha256:" and the lowercase hex of SHA-256(salt || the value's bytes),
 * with a fresh random salt, which goes with the value to sqm.audit_value.
 */
static char *
audit_salted_digest(const char *value, bytea **salt_out)
{
	bytea	   *salt = palloc(VARHDRSZ + AUDIT_SALT_LEN);
	size_t		len = strlen(value);
	uint8	   *input = palloc(AUDIT_SALT_LEN + len);
	uint8		digest[AUDIT_HASH_LEN];
	char	   *result = palloc(sizeof(AUDIT_DIGEST_PREFIX) + 2 * AUDIT_HASH_LEN);
	char	   *p;

	SET_VARSIZE(salt, VARHDRSZ + AUDIT_SALT_LEN);
	if (!pg_strong_random(VARDATA(salt), AUDIT_SALT_LEN))
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("could not generate a random salt for an audit digest")));
	memcpy(input, VARDATA(salt), AUDIT_SALT_LEN);
	memcpy(input + AUDIT_SALT_LEN, value, len);
	audit_sha256(input, AUDIT_SALT_LEN + len, digest);
	pfree(input);

	strcpy(result, AUDIT_DIGEST_PREFIX);
	p = result + strlen(AUDIT_DIGEST_PREFIX);
	p += hex_encode((const char *) digest, AUDIT_HASH_LEN, p);
	*p = '\0';
	*salt_out = salt;
	return result;
}

/* A value (and its salt) for sqm.audit_value. */
static void
audit_keep(AuditKept *kept, const char *side, const char *column, bytea *salt, const char *value)
{
	kept->sides[kept->n] = CStringGetTextDatum(side);
	kept->columns[kept->n] = CStringGetTextDatum(column);
	kept->salts[kept->n] = PointerGetDatum(salt);
	kept->values[kept->n] = CStringGetTextDatum(value);
	kept->n++;
}

/*
 * The before and after columns are built as jsonb values directly, without
 * writing and parsing JSON text: each member is a column's name and the
 * text of its value (its type's output function), or JSON null -- or, for
 * a kept column (personal, free text, unclassified), its salted digest,
 * the value and salt going to kept.
 */
/*
 * The text of a column's value in an event.  Dates and times are written in
 * ISO 8601, a timestamp with time zone in UTC, whatever the writer's DateStyle
 * and TimeZone: the same value always reads the same in the trail, so that it
 * can be compared with the case (sqm.verify) and digests do not depend on who
 * wrote.  Everything else is its type's output function.
 */
static char *
audit_value_text(AuditRelInfo *info, int i, Datum value)
{
	static const int utc = 0;
	char		buf[MAXDATELEN + 1];

	switch (info->typids[i])
	{
		case DATEOID:
		case TIMESTAMPOID:
			return pstrdup(JsonEncodeDateTime(buf, value, info->typids[i], NULL));
		case TIMESTAMPTZOID:
			return pstrdup(JsonEncodeDateTime(buf, value, TIMESTAMPTZOID, &utc));
		default:
			return OutputFunctionCall(&info->outfuncs[i], value);
	}
}

static void
audit_json_member(JsonbParseState **state, AuditRelInfo *info, int i,
				  Datum value, bool isnull, const char *side, AuditKept *kept)
{
	JsonbValue	jv;

	if (*state == NULL)
		(void) pushJsonbValue(state, WJB_BEGIN_OBJECT, NULL);

	jv.type = jbvString;
	jv.val.string.val = info->names[i];
	jv.val.string.len = strlen(info->names[i]);
	(void) pushJsonbValue(state, WJB_KEY, &jv);
	if (isnull)
		jv.type = jbvNull;
	else
	{
		char	   *text = audit_value_text(info, i, value);

		if (info->kept[i])
		{
			bytea	   *salt;

			jv.val.string.val = audit_salted_digest(text, &salt);
			audit_keep(kept, side, info->names[i], salt, text);
		}
		else
			jv.val.string.val = text;
		jv.val.string.len = strlen(jv.val.string.val);
	}
	(void) pushJsonbValue(state, WJB_VALUE, &jv);
}

static Datum
audit_json_finish(JsonbParseState **state)
{
	if (*state == NULL)
		(void) pushJsonbValue(state, WJB_BEGIN_OBJECT, NULL);
	return JsonbPGetDatum(JsonbValueToJsonb(pushJsonbValue(state, WJB_END_OBJECT, NULL)));
}

/*
 * sqm.audit_record('<kind>'): AFTER INSERT OR UPDATE FOR EACH ROW on a
 * governed table.  An insert is a create (to_state the initial state), an
 * update that changes the state a move (from_state, to_state) and any other
 * update an edit (no states); an update that changes nothing records
 * nothing.  Appends the event to the organisation's chain.
 *
 * sqm.audit_record('<kind>', 'details') on the kind's details table: every
 * insert or update is an edit of the same object (object_kind the kind,
 * object_id the row's id), with the columns it sets or changes; one that sets
 * or changes nothing records nothing.
 */
Datum
sqm_audit_record(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata;
	Relation	rel;
	TupleDesc	tupdesc;
	AuditRelInfo *info;
	HeapTuple	oldtuple = NULL;
	HeapTuple	newtuple;
	Datum	   *newvalues;
	bool	   *newnulls;
	Datum		values[AF_NFIELDS];
	bool		isnull[AF_NFIELDS];
	JsonbParseState *after = NULL;
	AuditKept	kept;
	const char *change;
	const char *reason;
	const char *source;
	TimestampTz recorded_at;
	Relation	trail;
	AuditHead  *head;
	uint8		digest[AUDIT_HASH_LEN];
	bool		details;
	bool		announce;
	int			org_i;
	int			id_i;
	int			state_i;
	int			i;

	trigdata = sqm_trigger_protocol(fcinfo, "sqm.audit_record()",
									SQM_TG_ROW | SQM_TG_AFTER | SQM_TG_INSERT | SQM_TG_UPDATE,
									GOVERNED_PROTOCOL_HINT);
	details = trigdata->tg_trigger->tgnargs == 2 &&
		strcmp(trigdata->tg_trigger->tgargs[1], AUDIT_DETAILS_ARG) == 0;
	announce = trigdata->tg_trigger->tgnargs == 2 &&
		strcmp(trigdata->tg_trigger->tgargs[1], AUDIT_ANNOUNCE_ARG) == 0;
	if ((trigdata->tg_trigger->tgnargs != 1 && !details && !announce) ||
		trigdata->tg_trigger->tgargs[0][0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("trigger \"%s\" on table %s must name the kind of the governed table",
						trigdata->tg_trigger->tgname,
						sqm_relation_name(RelationGetRelid(trigdata->tg_relation))),
				 errdetail_plural("It has %d argument.", "It has %d arguments.",
								  trigdata->tg_trigger->tgnargs, trigdata->tg_trigger->tgnargs),
				 errhint(GOVERNED_PROTOCOL_HINT)));

	rel = trigdata->tg_relation;
	tupdesc = RelationGetDescr(rel);
	trail = audit_trail_open();
	info = audit_rel_info(rel, details);
	org_i = info->org_attnum - 1;
	id_i = info->id_attnum - 1;
	state_i = details ? -1 : info->state_attnum - 1;

	if (TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event))
	{
		oldtuple = trigdata->tg_trigtuple;
		newtuple = trigdata->tg_newtuple;
	}
	else
		newtuple = trigdata->tg_trigtuple;

	newvalues = palloc(tupdesc->natts * sizeof(Datum));
	newnulls = palloc(tupdesc->natts * sizeof(bool));
	heap_deform_tuple(newtuple, tupdesc, newvalues, newnulls);
	if (newnulls[org_i] || newnulls[id_i] || (!details && newnulls[state_i]))
		ereport(ERROR,
				(errcode(ERRCODE_NOT_NULL_VIOLATION),
				 errmsg("governed row of \"%s\" has no %s", RelationGetRelationName(rel),
						newnulls[org_i] ? "org_id" : newnulls[id_i] ? "id" : "state"),
				 errhint("Declare org_id, id and state NOT NULL.")));

	/* at most every column twice (before and after), and the reason */
	kept.n = 0;
	kept.sides = palloc((2 * tupdesc->natts + 1) * sizeof(Datum));
	kept.columns = palloc((2 * tupdesc->natts + 1) * sizeof(Datum));
	kept.salts = palloc((2 * tupdesc->natts + 1) * sizeof(Datum));
	kept.values = palloc((2 * tupdesc->natts + 1) * sizeof(Datum));

	memset(isnull, false, sizeof(isnull));

	if (oldtuple == NULL)
	{
		change = details ? "edit" : "create";
		isnull[AF_FROM_STATE] = true;
		isnull[AF_TO_STATE] = details;
		isnull[AF_BEFORE] = true;
		for (i = 0; i < tupdesc->natts; i++)
		{
			if (info->names[i] != NULL && !newnulls[i] && i != org_i && i != id_i)
				audit_json_member(&after, info, i, newvalues[i], false, "after", &kept);
		}
		if (details && after == NULL)
		{
			table_close(trail, NoLock);
			return PointerGetDatum(NULL);	/* nothing set: no event */
		}
	}
	else
	{
		Datum	   *oldvalues = palloc(tupdesc->natts * sizeof(Datum));
		bool	   *oldnulls = palloc(tupdesc->natts * sizeof(bool));
		JsonbParseState *before = NULL;

		heap_deform_tuple(oldtuple, tupdesc, oldvalues, oldnulls);
		for (i = 0; i < tupdesc->natts; i++)
		{
			if (info->names[i] == NULL ||
				audit_same_value(info, i, oldvalues[i], oldnulls[i], newvalues[i], newnulls[i]))
				continue;
			audit_json_member(&before, info, i, oldvalues[i], oldnulls[i], "before", &kept);
			audit_json_member(&after, info, i, newvalues[i], newnulls[i], "after", &kept);
		}
		if (before == NULL)
		{
			table_close(trail, NoLock);
			return PointerGetDatum(NULL);	/* nothing changed: no event */
		}

		if (details ||
			audit_same_value(info, state_i, oldvalues[state_i], oldnulls[state_i],
							 newvalues[state_i], false))
		{
			change = "edit";	/* no move: no states */
			isnull[AF_FROM_STATE] = isnull[AF_TO_STATE] = true;
		}
		else
		{
			change = "move";
			isnull[AF_FROM_STATE] = oldnulls[state_i];
			values[AF_FROM_STATE] = oldvalues[state_i];
		}
		values[AF_BEFORE] = audit_json_finish(&before);
	}

	/*
	 * No invented history (README "Backup and restore"): a restore brings the
	 * trail back with the events of its rows, so an event written now for a
	 * restored row would be history that never happened -- a chain that
	 * verifies but is not the original.  A restore (restore.c) is refused
	 * here, unless a superuser or loader marked the rows as a batch
	 * re-entered on purpose (sqm.import_batch, source import or restore).
	 */
	if ((import_batch_text == NULL || import_batch_text[0] == '\0') && sqm_restoring())
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("restoring %s %lld of organisation %lld would add a %s event to the audit trail",
						trigdata->tg_trigger->tgargs[0], (long long) DatumGetInt64(newvalues[id_i]),
						(long long) DatumGetInt64(newvalues[org_i]), change),
				 errdetail("Rows copied into a table of sqm, or written by a session with pg_dump's settings, are restored rows; "
						   "the backup brings the audit trail back with their events."),
				 errhint("%s To re-enter rows with new events on purpose, set sqm.import_batch "
						 "(and sqm.batch_source = restore) first.", SQM_RESTORE_HINT),
				 errtable(rel)));

	/*
	 * Where it comes from: a batch a superuser (or a role granted SET on the
	 * parameter) marked, else the write path's context, else a direct write.
	 */
	isnull[AF_BATCH] = true;
	if (import_batch_text != NULL && import_batch_text[0] != '\0')
	{
		source = batch_source == AUDIT_BATCH_RESTORE ? AUDIT_SOURCE_RESTORE : AUDIT_SOURCE_IMPORT;
		values[AF_BATCH] = CStringGetTextDatum(import_batch_text);
		isnull[AF_BATCH] = false;
	}
	else if (audit_context != NULL)
		source = audit_context->source;
	else
		source = AUDIT_SOURCE_DIRECT;

	values[AF_ORG_ID] = newvalues[org_i];
	values[AF_FORMAT] = Int16GetDatum(AUDIT_FORMAT_CURRENT);
	values[AF_SOURCE] = CStringGetTextDatum(source);
	values[AF_ACTOR] = CStringGetTextDatum(audit_actor());
	values[AF_DB_ROLE] = CStringGetTextDatum(audit_role_name(sqm_caller_role_oid()));
	values[AF_OBJECT_KIND] = CStringGetTextDatum(trigdata->tg_trigger->tgargs[0]);
	values[AF_OBJECT_ID] = newvalues[id_i];
	values[AF_CHANGE] = CStringGetTextDatum(change);
	if (!isnull[AF_TO_STATE])
		values[AF_TO_STATE] = newvalues[state_i];
	values[AF_AFTER] = audit_json_finish(&after);
	/* the reason is free text too: a digest, the text kept beside */
	reason = sqm_audit_reason();
	if (reason != NULL)
	{
		bytea	   *salt;

		values[AF_REASON] = CStringGetTextDatum(audit_salted_digest(reason, &salt));
		audit_keep(&kept, "reason", "reason", salt, reason);
	}
	else
		isnull[AF_REASON] = true;

	/*
	 * Chain to the head.  The clock is read with the chain's lock held, and
	 * never goes back before the previous event of the chain.
	 */
	head = audit_head(DatumGetInt64(values[AF_ORG_ID]));
	recorded_at = now_frozen ? frozen_now : GetCurrentTimestamp();
	if (recorded_at < head->recorded_at)
		recorded_at = head->recorded_at;
	values[AF_RECORDED_AT] = TimestampTzGetDatum(recorded_at);
	values[AF_SEQ] = Int64GetDatum(head->seq + 1);
	values[AF_PREV_HASH] = PointerGetDatum(audit_hash_bytea(head->hash));
	if (!audit_compute_hash(values, isnull, digest))
		elog(ERROR, "unexpected: audit format %d is unknown", AUDIT_FORMAT_CURRENT);
	values[AF_HASH] = PointerGetDatum(audit_hash_bytea(digest));
	sqm_append_row(&audit_event_table, values, isnull,
				   psprintf("audit event %lld of organisation %lld",
							(long long) DatumGetInt64(values[AF_SEQ]),
							(long long) DatumGetInt64(values[AF_ORG_ID])));
	audit_keep_values(values[AF_ORG_ID], values[AF_SEQ], &kept);
	table_close(trail, NoLock);

	/* Only now, with the event in place, does the head move. */
	head->seq++;
	memcpy(head->hash, digest, AUDIT_HASH_LEN);
	head->recorded_at = recorded_at;
	head->subid = GetCurrentSubTransactionId();

	/*
	 * A new case of a kind that announces its cases: its outbox row, in the
	 * same transaction and under the same lock (outbox.c).  No NOTIFY from
	 * here (README "Notifications"), unless the organisation asked for it.
	 */
	if (announce && oldtuple == NULL)
	{
		int			unit_i = info->unit_attnum - 1;

		if (info->unit_attnum == InvalidAttrNumber || newnulls[unit_i])
			ereport(ERROR,
					(errcode(ERRCODE_NOT_NULL_VIOLATION),
					 errmsg("new %s %lld of organisation %lld has no unit to announce it to",
							trigdata->tg_trigger->tgargs[0], (long long) DatumGetInt64(newvalues[id_i]),
							(long long) DatumGetInt64(newvalues[org_i])),
					 errdetail("The outbox keeps the unit of each event, so that who may read it can be told."),
					 errhint("Give the case its unit_id.")));
		(void) sqm_outbox_announce(DatumGetInt64(newvalues[org_i]), trigdata->tg_trigger->tgargs[0],
								   DatumGetInt64(newvalues[id_i]), DatumGetInt64(newvalues[unit_i]));
	}

	return PointerGetDatum(NULL);
}

/* ----------------------------------------------------------------
 * Initialisation
 * ----------------------------------------------------------------
 */

void
sqm_audit_init(void)
{
	int			i;

	/*
	 * The clock decides deadlines and what the trail says happened when, so
	 * only a superuser or a role granted SET ON PARAMETER sqm.frozen_now (a
	 * loader replaying history) may stop it (design.md §3b).
	 */
	DefineCustomStringVariable("sqm.frozen_now",
							   "Freezes sqm.now() at this time (tests, replays; superusers and roles granted SET on it).",
							   "A timestamp with time zone; empty: sqm.now() is the start of the transaction.",
							   &frozen_now_text,
							   "",
							   PGC_SUSET,
							   0,
							   check_frozen_now,
							   assign_frozen_now,
							   NULL);
	DefineCustomStringVariable("sqm.actor",
							   "The end user acting, as passed by the application (SET LOCAL sqm.actor = ...).",
							   "Counts only when the calling role is a member of sqm_app (or a superuser); else the calling role acts.",
							   &actor_text,
							   "",
							   PGC_USERSET,
							   0,
							   NULL,
							   NULL,
							   NULL);
	DefineCustomStringVariable("sqm.import_batch",
							   "Marks the audit events written as part of a bulk load (superusers and roles granted SET on it).",
							   "Non-empty: events get source import (or restore, sqm.batch_source) and this batch.",
							   &import_batch_text,
							   "",
							   PGC_SUSET,
							   0,
							   NULL,
							   NULL,
							   NULL);
	DefineCustomEnumVariable("sqm.batch_source",
							 "What a batch marked by sqm.import_batch is: import or restore.",
							 NULL,
							 &batch_source,
							 AUDIT_BATCH_IMPORT,
							 batch_source_options,
							 PGC_SUSET,
							 0,
							 NULL,
							 NULL,
							 NULL);

	for (i = 0; i < AF_NFIELDS; i++)
		audit_event_types[i] = audit_fields[i].type;

	sqm_register_relcache_callback(audit_relcache_callback);
	CacheRegisterSyscacheCallback(AUTHOID, audit_authid_callback, (Datum) 0);
	RegisterXactCallback(audit_xact_callback, NULL);
	RegisterSubXactCallback(audit_subxact_callback, NULL);
}
