/*-------------------------------------------------------------------------
 *
 * audit.c
 *	  The audit trail: explicit time and actor, and the append-only,
 *	  hash-chained events written for every change of a governed table.
 *
 * This file owns
 *
 *	- the GUCs sqm.frozen_now and sqm.actor, and sqm.now() and sqm.actor(),
 *	  which every part of sqm takes its clock and its end user from;
 *	- the trigger sqm.audit_record('<kind>') that every governed table
 *	  carries (AFTER INSERT OR UPDATE, FOR EACH ROW; doc/core.md), which
 *	  appends one create, move or edit event to sqm.audit_event, and its
 *	  form sqm.audit_record('<kind>', 'details') on the kind's details table
 *	  (no state), whose every insert or update is an edit of the same object;
 *	- sqm.audit_hash(), the one routine that computes an event's hash, used
 *	  both when appending and by sqm.verify_audit().
 *
 * The chain.  Each organisation has its own chain: seq 1, 2, 3 ... without
 * gaps, prev_hash the previous event's hash (32 zero bytes for the first)
 * and hash = SHA-256(serialisation of prev_hash and every other column; see
 * audit_compute_hash).  Appends of one organisation are serialised by a
 * transaction-level advisory lock (AUDIT_LOCK_FIELD4 below), taken the first
 * time a transaction appends for the organisation; the head (seq, hash) is
 * then read once and kept in backend memory until the transaction ends,
 * since nobody else can append while the lock is held.  An aborted
 * subtransaction takes its events and, if it took it, the lock with it, so
 * the heads it touched are forgotten and read again.
 *
 * The warm path (a further write in a transaction that already appended for
 * the organisation) does no catalog access: the layout of each governed
 * table (attribute numbers of org_id, id and state, output function and
 * name of every column) and of sqm.audit_event are cached and dropped by a
 * relcache callback, the session user's name by a syscache callback.
 *
 * Writing the event.  An INSERT through the executor costs several times
 * the row it records (measured: ~25 us per event through a kept SPI plan,
 * most of it executor start-up and re-planning the CHECK constraints, which
 * the executor does for every statement, against ~3 us for the heap and
 * index insertions themselves).  So while sqm.audit_event is what this file
 * expects -- a plain heap table with exactly its columns, no insert
 * triggers, no forced row security and only plain immediate indexes -- the
 * event is inserted as logical replication inserts rows: into the table
 * and each index, without the executor (audit_append_direct).  The values
 * satisfy the table's NOT NULL and CHECK constraints by construction.
 * Anything else on the table (an outbox trigger, say) makes the trigger
 * insert through a kept SPI plan instead, so that it runs.  The head is
 * read once per transaction and organisation, through a kept SPI plan.
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
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/datum.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
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

/*
 * The columns of sqm.audit_event, in table order, which is also the order of
 * the parameters of the insert statement.  audit_compute_hash serialises
 * AF_PREV_HASH first, then AF_ORG_ID .. AF_REASON in this order; AF_HASH is
 * the result.  Changing this order changes every hash.
 */
typedef enum AuditField
{
	AF_ORG_ID,
	AF_SEQ,
	AF_AT,
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
	[AF_AT] = {"at", TIMESTAMPTZOID},
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

#define AUDIT_HEAD_SQL \
	"SELECT seq, hash FROM sqm.audit_event" \
	" WHERE org_id OPERATOR(pg_catalog.=) $1 ORDER BY seq DESC LIMIT 1"

#define AUDIT_INSERT_SQL \
	"INSERT INTO sqm.audit_event (org_id, seq, at, actor, db_role, object_kind," \
	" object_id, change, from_state, to_state, before, after, reason, prev_hash, hash)" \
	" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"

#define GOVERNED_PROTOCOL_HINT \
	"A governed table has org_id bigint, id bigint and state text and carries " \
	"CREATE TRIGGER audit AFTER INSERT OR UPDATE ON <table> FOR EACH ROW " \
	"EXECUTE FUNCTION sqm.audit_record('<kind>'); its details table carries " \
	"sqm.audit_record('<kind>', 'details')."

/* The second trigger argument of a details table's audit trigger. */
#define AUDIT_DETAILS_ARG	"details"

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
	/* per attribute, indexed by attnum - 1 */
	FmgrInfo   *outfuncs;
	char	  **names;			/* NULL for a dropped column */
	int16	   *attlens;
	bool	   *attbyvals;
} AuditRelInfo;

/* The head of an organisation's chain, as this transaction left it. */
typedef struct AuditHead
{
	int64		org_id;			/* hash key; must be first */
	int64		seq;
	uint8		hash[AUDIT_HASH_LEN];
	SubTransactionId subid;		/* subtransaction that last moved it */
} AuditHead;

/* Where the fields are in a row of sqm.audit_event. */
typedef struct AuditRowMap
{
	uint64		tupdesc_id;		/* of the row type (sqm.audit_hash only) */
	int			attnums[AF_NFIELDS];	/* 0-based attribute index */
	bool		exact;			/* the row has no other columns */
} AuditRowMap;

/* GUC variables */
static char *frozen_now_text = NULL;
static char *actor_text = NULL;

/* What the assign hook of sqm.frozen_now decided. */
static bool now_frozen = false;
static TimestampTz frozen_now;

/* Caches; see the header comment. */
static HTAB *audit_rels = NULL;
static HTAB *audit_heads = NULL;	/* in TopTransactionContext */
static SPIPlanPtr audit_head_plan = NULL;
static SPIPlanPtr audit_insert_plan = NULL;
static Oid	audit_trail_relid = InvalidOid;	/* sqm.audit_event */
static Oid	audit_trail_nsp = InvalidOid;	/* schema sqm */
static bool audit_trail_valid = false;	/* the two below */
static Oid	audit_trail_owner;
static AuditRowMap audit_trail_map;
static Oid	session_user_cached = InvalidOid;
static char session_user_name[NAMEDATALEN];

PG_FUNCTION_INFO_V1(sqm_now);
PG_FUNCTION_INFO_V1(sqm_actor);
PG_FUNCTION_INFO_V1(sqm_audit_record);
PG_FUNCTION_INFO_V1(sqm_audit_hash);


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

/* The session user's name, cached until pg_authid changes. */
static const char *
audit_session_user(void)
{
	Oid			roleid = GetSessionUserId();

	if (roleid != session_user_cached)
	{
		char	   *name = GetUserNameFromId(roleid, false);

		strlcpy(session_user_name, name, NAMEDATALEN);
		pfree(name);
		session_user_cached = roleid;
	}
	return session_user_name;
}

/* The end user: sqm.actor if set, else the session user. */
static const char *
audit_actor(void)
{
	if (actor_text != NULL && actor_text[0] != '\0')
		return actor_text;
	return audit_session_user();
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

/*
 * The reason given for the change being written, or NULL: what the audit
 * trail records, and what rules that demand a reason (a case's dates
 * moved) ask for.
 */
const char *
sqm_audit_reason(void)
{
	const char *reason = GetConfigOption("sqm.reason", true, false);

	return (reason != NULL && reason[0] != '\0') ? reason : NULL;
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
 * Serialisation version 1 of one field, for hashing: a byte 0 for NULL, or a
 * byte 1 followed by the value.  An int8 or timestamptz (microseconds since
 * 2000-01-01) is 8 bytes big-endian; text and bytea are a 4-byte big-endian
 * length and the bytes; jsonb is its tokens (audit_serialise_jsonb).  So no
 * two different events serialise alike, and NULL differs from empty.
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
 * SHA-256 over prev_hash and the other fields of an event but hash, given in
 * AuditField order.  The trigger appends with it and sqm.audit_hash (hence
 * sqm.verify_audit) recomputes with it, so they cannot disagree.
 */
static void
audit_compute_hash(const Datum *values, const bool *isnull, uint8 *digest)
{
	StringInfoData buf;
	pg_cryptohash_ctx *ctx;
	int			f;

	initStringInfo(&buf);
	audit_serialise_field(&buf, AF_PREV_HASH, values[AF_PREV_HASH], isnull[AF_PREV_HASH]);
	for (f = AF_ORG_ID; f < AF_PREV_HASH; f++)
		audit_serialise_field(&buf, f, values[f], isnull[f]);

	ctx = pg_cryptohash_create(PG_SHA256);
	if (pg_cryptohash_init(ctx) < 0 ||
		pg_cryptohash_update(ctx, (uint8 *) buf.data, buf.len) < 0 ||
		pg_cryptohash_final(ctx, digest, AUDIT_HASH_LEN) < 0)
		elog(ERROR, "unexpected: could not compute SHA-256 of an audit event: %s",
			 pg_cryptohash_error(ctx));
	pg_cryptohash_free(ctx);
	pfree(buf.data);
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
		int			i;

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
 * have, recomputed from its other columns.
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
	audit_compute_hash(values, isnull, digest);
	ReleaseTupleDesc(tupdesc);

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

		if (OidIsValid(relid))
		{
			info = hash_search(audit_rels, &relid, HASH_FIND, NULL);
			if (info != NULL)
				info->valid = false;
		}
		else
		{
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
	session_user_cached = InvalidOid;
}

/* The heads are valid for the transaction that holds the locks. */
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
			audit_heads = NULL; /* its memory goes with TopTransactionContext */
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
 */
static void
audit_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
					   SubTransactionId parentSubid, void *arg)
{
	HASH_SEQ_STATUS status;
	AuditHead  *head;

	if (event != SUBXACT_EVENT_ABORT_SUB || audit_heads == NULL)
		return;
	hash_seq_init(&status, audit_heads);
	while ((head = hash_seq_search(&status)) != NULL)
	{
		if (head->subid >= mySubid)
			hash_search(audit_heads, &head->org_id, HASH_REMOVE, NULL);
	}
}

/*
 * The layout of a governed table (or of a details table, without a state):
 * checks the protocol's columns and prepares the output function and name of
 * every column.
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
	info->org_attnum = info->id_attnum = info->state_attnum = InvalidAttrNumber;

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
	for (i = 0; i < tupdesc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(tupdesc, i);
		Oid			outfunc;
		bool		isvarlena;

		info->attlens[i] = att->attlen;
		info->attbyvals[i] = att->attbyval;
		if (att->attisdropped)
			continue;
		getTypeOutputInfo(att->atttypid, &outfunc, &isvarlena);
		fmgr_info_cxt(outfunc, &info->outfuncs[i], info->cxt);
		info->names[i] = pstrdup(NameStr(att->attname));
	}

	MemoryContextSwitchTo(oldcxt);
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
 * Connects to SPI as the owner of the trail; audit_spi_end undoes both.
 * An error in between needs no cleanup: aborting the (sub)transaction
 * restores the user and closes SPI.
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
	if (SPI_processed > 0)
	{
		HeapTuple	tuple = SPI_tuptable->vals[0];
		TupleDesc	tupdesc = SPI_tuptable->tupdesc;
		bool		isnull;
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
	}
	audit_spi_end(save_userid, save_sec_context);

	head = hash_search(audit_heads, &org_id, HASH_ENTER, NULL);
	head->seq = seq;
	memcpy(head->hash, hash, AUDIT_HASH_LEN);
	head->subid = GetCurrentSubTransactionId();
	return head;
}


/*
 * Inserts the event into sqm.audit_event and its indexes without the
 * executor, as logical replication's apply does (ExecSimpleRelationInsert)
 * minus what the table does not have.  Returns false, having written
 * nothing, if the table has anything that needs the executor.
 */
static bool
audit_append_direct(Relation rel, const Datum *values, const bool *isnull)
{
	TriggerDesc *trigdesc = rel->trigdesc;
	List	   *indexoids;
	ListCell   *lc;
	Relation   *indexrels;
	IndexInfo **indexinfos;
	int			nindexes = 0;
	bool		plain;
	int			i;

	plain = audit_trail_map.exact &&
		rel->rd_rel->relkind == RELKIND_RELATION &&
		!rel->rd_rel->relforcerowsecurity &&
		(trigdesc == NULL ||
		 !(trigdesc->trig_insert_before_row || trigdesc->trig_insert_after_row ||
		   trigdesc->trig_insert_instead_row || trigdesc->trig_insert_before_statement ||
		   trigdesc->trig_insert_after_statement)) &&
		!(rel->rd_att->constr && rel->rd_att->constr->has_generated_stored);
	if (!plain)
		return false;

	indexoids = RelationGetIndexList(rel);
	indexrels = palloc(list_length(indexoids) * sizeof(Relation));
	indexinfos = palloc(list_length(indexoids) * sizeof(IndexInfo *));
	foreach(lc, indexoids)
	{
		Relation	index = index_open(lfirst_oid(lc), RowExclusiveLock);
		IndexInfo  *ii = BuildIndexInfo(index);

		indexrels[nindexes] = index;
		indexinfos[nindexes++] = ii;
		if (ii->ii_Expressions != NIL || ii->ii_Predicate != NIL ||
			ii->ii_ExclusionOps != NULL || !index->rd_index->indimmediate)
			plain = false;
	}

	if (plain)
	{
		TupleTableSlot *slot = table_slot_create(rel, NULL);
		int			f;

		/* what the table's NOT NULL and CHECK constraints demand */
		Assert(!isnull[AF_ORG_ID] && !isnull[AF_SEQ] && DatumGetInt64(values[AF_SEQ]) > 0 &&
			   !isnull[AF_AT] && !isnull[AF_ACTOR] && !isnull[AF_DB_ROLE] &&
			   !isnull[AF_OBJECT_KIND] && !isnull[AF_OBJECT_ID] && !isnull[AF_CHANGE] &&
			   !isnull[AF_PREV_HASH] && !isnull[AF_HASH]);

		ExecClearTuple(slot);
		memset(slot->tts_isnull, true, slot->tts_tupleDescriptor->natts * sizeof(bool));
		for (f = 0; f < AF_NFIELDS; f++)
		{
			slot->tts_values[audit_trail_map.attnums[f]] = values[f];
			slot->tts_isnull[audit_trail_map.attnums[f]] = isnull[f];
		}
		ExecStoreVirtualTuple(slot);

		simple_table_tuple_insert(rel, slot);
		for (i = 0; i < nindexes; i++)
		{
			Datum		ivalues[INDEX_MAX_KEYS];
			bool		inulls[INDEX_MAX_KEYS];

			if (!indexinfos[i]->ii_ReadyForInserts)
				continue;
			FormIndexDatum(indexinfos[i], slot, NULL, ivalues, inulls);
			index_insert(indexrels[i], ivalues, inulls, &slot->tts_tid, rel,
						 indexinfos[i]->ii_Unique ? UNIQUE_CHECK_YES : UNIQUE_CHECK_NO,
						 false, indexinfos[i]);
		}
		ExecDropSingleTupleTableSlot(slot);
	}

	for (i = 0; i < nindexes; i++)
		index_close(indexrels[i], NoLock);
	list_free(indexoids);
	return plain;
}

/* Inserts the event through a kept SPI plan: every trigger and rule runs. */
static void
audit_append_spi(Datum *values, const bool *isnull)
{
	char		nulls[AF_NFIELDS];
	Oid			save_userid;
	int			save_sec_context;
	int			ret;
	int			f;

	audit_spi_begin(&save_userid, &save_sec_context);
	if (audit_insert_plan == NULL)
	{
		Oid			argtypes[AF_NFIELDS];

		for (f = 0; f < AF_NFIELDS; f++)
			argtypes[f] = audit_fields[f].type;
		audit_insert_plan = sqm_prepare_kept(AUDIT_INSERT_SQL, AF_NFIELDS, argtypes);
	}
	for (f = 0; f < AF_NFIELDS; f++)
		nulls[f] = isnull[f] ? 'n' : ' ';
	ret = SPI_execute_plan(audit_insert_plan, values, nulls, false, 0);
	if (ret != SPI_OK_INSERT || SPI_processed != 1)
		elog(ERROR, "unexpected result %s of appending an audit event",
			 SPI_result_code_string(ret));
	audit_spi_end(save_userid, save_sec_context);
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
 * The before and after columns are built as jsonb values directly, without
 * writing and parsing JSON text: each member is a column's name and the
 * text of its value (its type's output function), or JSON null.
 */
static void
audit_json_member(JsonbParseState **state, AuditRelInfo *info, int i,
				  Datum value, bool isnull)
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
		jv.val.string.val = OutputFunctionCall(&info->outfuncs[i], value);
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
	const char *change;
	const char *reason;
	Relation	trail;
	AuditHead  *head;
	uint8		digest[AUDIT_HASH_LEN];
	bool		details;
	int			org_i;
	int			id_i;
	int			state_i;
	int			i;

	trigdata = sqm_trigger_protocol(fcinfo, "sqm.audit_record()",
									SQM_TG_ROW | SQM_TG_AFTER | SQM_TG_INSERT | SQM_TG_UPDATE,
									GOVERNED_PROTOCOL_HINT);
	details = trigdata->tg_trigger->tgnargs == 2 &&
		strcmp(trigdata->tg_trigger->tgargs[1], AUDIT_DETAILS_ARG) == 0;
	if ((trigdata->tg_trigger->tgnargs != 1 && !details) || trigdata->tg_trigger->tgargs[0][0] == '\0')
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
				audit_json_member(&after, info, i, newvalues[i], false);
		}
		if (details && after == NULL)
			return PointerGetDatum(NULL);	/* nothing set: no event */
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
			audit_json_member(&before, info, i, oldvalues[i], oldnulls[i]);
			audit_json_member(&after, info, i, newvalues[i], newnulls[i]);
		}
		if (before == NULL)
			return PointerGetDatum(NULL);	/* nothing changed: no event */

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

	values[AF_ORG_ID] = newvalues[org_i];
	values[AF_AT] = TimestampTzGetDatum(sqm_current_time());
	values[AF_ACTOR] = CStringGetTextDatum(audit_actor());
	values[AF_DB_ROLE] = CStringGetTextDatum(audit_session_user());
	values[AF_OBJECT_KIND] = CStringGetTextDatum(trigdata->tg_trigger->tgargs[0]);
	values[AF_OBJECT_ID] = newvalues[id_i];
	values[AF_CHANGE] = CStringGetTextDatum(change);
	if (!isnull[AF_TO_STATE])
		values[AF_TO_STATE] = newvalues[state_i];
	values[AF_AFTER] = audit_json_finish(&after);
	reason = sqm_audit_reason();
	if (reason != NULL)
		values[AF_REASON] = CStringGetTextDatum(reason);
	else
		isnull[AF_REASON] = true;

	/* Chain to the head and append. */
	trail = audit_trail_open();
	head = audit_head(DatumGetInt64(values[AF_ORG_ID]));
	values[AF_SEQ] = Int64GetDatum(head->seq + 1);
	values[AF_PREV_HASH] = PointerGetDatum(audit_hash_bytea(head->hash));
	audit_compute_hash(values, isnull, digest);
	values[AF_HASH] = PointerGetDatum(audit_hash_bytea(digest));
	if (!audit_append_direct(trail, values, isnull))
		audit_append_spi(values, isnull);
	table_close(trail, NoLock);

	/* Only now, with the event in place, does the head move. */
	head->seq++;
	memcpy(head->hash, digest, AUDIT_HASH_LEN);
	head->subid = GetCurrentSubTransactionId();

	return PointerGetDatum(NULL);
}

/* ----------------------------------------------------------------
 * Initialisation
 * ----------------------------------------------------------------
 */

void
sqm_audit_init(void)
{
	DefineCustomStringVariable("sqm.frozen_now",
							   "Freezes sqm.now() at this time (for tests and replays).",
							   "A timestamp with time zone; empty: sqm.now() is the start of the transaction.",
							   &frozen_now_text,
							   "",
							   PGC_USERSET,
							   0,
							   check_frozen_now,
							   assign_frozen_now,
							   NULL);
	DefineCustomStringVariable("sqm.actor",
							   "The end user acting, as passed by the application (SET LOCAL sqm.actor = ...).",
							   "Recorded in the audit trail; empty: the session user.",
							   &actor_text,
							   "",
							   PGC_USERSET,
							   0,
							   NULL,
							   NULL,
							   NULL);

	CacheRegisterRelcacheCallback(audit_relcache_callback, (Datum) 0);
	CacheRegisterSyscacheCallback(AUTHOID, audit_authid_callback, (Datum) 0);
	RegisterXactCallback(audit_xact_callback, NULL);
	RegisterSubXactCallback(audit_subxact_callback, NULL);
}
