/*-------------------------------------------------------------------------
 *
 * sqm.h
 *	  Declarations shared between the modules of the sqm extension.
 *
 * Each module owns one concern (a type, the lifecycle engine, the audit
 * trail ...) and exposes at most an init function that _PG_init calls.
 *
 *-------------------------------------------------------------------------
 */
#ifndef SQM_H
#define SQM_H

#include "postgres.h"

/* Years accepted by sqm's types: four digits, as written in every report. */
#define SQM_MIN_YEAR 1000
#define SQM_MAX_YEAR 9999

/*
 * SQLSTATEs of class SQ, raised by sqm's own rules (documented in doc/core.md
 * and README.md).
 */
#define ERRCODE_SQM_ILLEGAL_MOVE	MAKE_SQLSTATE('S','Q','0','0','1')
#define ERRCODE_SQM_GUARD_FAILED	MAKE_SQLSTATE('S','Q','0','0','2')
#define ERRCODE_SQM_STALE_STATE		MAKE_SQLSTATE('S','Q','0','0','3')
#define ERRCODE_SQM_OBJECT_CLOSED	MAKE_SQLSTATE('S','Q','0','0','4')
#define ERRCODE_SQM_APPEND_ONLY		MAKE_SQLSTATE('S','Q','0','1','0')

#include "access/htup.h"
#include "access/tupdesc.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "utils/inval.h"
#include "utils/relcache.h"

/* spi.c: kept plans and the columns of a row, for every module and kind. */
extern SPIPlanPtr sqm_prepare_kept(const char *query, int nargs, Oid *argtypes);
extern SPIPlanPtr sqm_prepare_kept_options(const char *query, int nargs, Oid *argtypes,
										   int cursor_options);
extern void sqm_execute_one_row(SPIPlanPtr plan, Datum *values, const char *nulls, const char *what);
extern int64 sqm_row_int8(HeapTupleHeader row, const char *column);
extern bool sqm_text_given(Datum value, bool isnull);
extern Oid	sqm_relation_owner(Oid relid);

typedef struct SqmSavedUser
{
	Oid			userid;
	int			sec_context;
} SqmSavedUser;

extern void sqm_become_user(Oid userid, SqmSavedUser *saved);
extern void sqm_restore_user(const SqmSavedUser *saved);

/* trigger.c: what every sqm trigger accepts (flags of sqm_trigger_protocol). */
#define SQM_TG_ROW			0x01
#define SQM_TG_STATEMENT	0x02
#define SQM_TG_BEFORE		0x04
#define SQM_TG_AFTER		0x08
#define SQM_TG_INSERT		0x10
#define SQM_TG_UPDATE		0x20
#define SQM_TG_DELETE		0x40
#define SQM_TG_TRUNCATE		0x80

extern TriggerData *sqm_trigger_protocol(FunctionCallInfo fcinfo, const char *funcname,
										 int accepts, const char *hint);
extern void sqm_governed_columns(Relation rel, AttrNumber *org_attnum, AttrNumber *id_attnum,
								 AttrNumber *state_attnum);
extern void sqm_details_columns(Relation rel, AttrNumber *org_attnum, AttrNumber *id_attnum);
extern char *sqm_relation_name(Oid relid);
extern Form_pg_attribute sqm_find_column(TupleDesc tupdesc, const char *name);

/* cases.c: a case by its kind, organisation and id (case links, registry). */
extern Oid	sqm_relation_oid(const char *relname);
extern void sqm_become_owner(Oid relid, Oid *save_userid, int *save_sec_context);
extern bool sqm_kind_lookup(const char *kind, Oid *relid, char **label);
extern bool sqm_kind_of_table(Oid relid, char **kind, char **label);
extern bool sqm_case_fetch(Oid relid, int64 org, int64 id, bool read_only, const char *column,
						   Oid *coltype, Datum *value, bool *isnull);
extern bool sqm_case_fetch_locked(Oid relid, int64 org, int64 id, const char *column,
								  Oid *coltype, Datum *value, bool *isnull);

/* access.c: who is calling (the SET ROLE target, else the session user). */
extern Oid	sqm_caller_role_oid(void);
extern bool sqm_caller_is_app_role(void);

/*
 * access.c: authorisation, from the per-backend cache of memberships, the
 * organisation's delegation order and its unit hierarchy as of today.
 */
extern bool sqm_may(int64 org, bool unit_null, int64 unit, const char *capability);
extern bool sqm_holds_capability(int64 org, const char *capability);
extern char *sqm_caller_description(void);

/*
 * What an authorisation is for, as the messages name it: "no <kind> 17 that
 * you may <verb><suffix>", "permission denied to <verb> <kind> 17<suffix>".
 */
typedef struct SqmAuthWhat
{
	const char *label;			/* the label of the object's kind */
	int64		id;
	const char *verb;			/* e.g. "move", "edit", a kind's action's label */
	const char *suffix;			/* e.g. " to \"triaged\"", or "" */
} SqmAuthWhat;

extern void sqm_authorize_anywhere(int64 org, const char *capability, const SqmAuthWhat *what);
extern void sqm_authorize_found(int64 org, bool found, bool unit_null, int64 unit,
								const char *capability, const SqmAuthWhat *what);
extern void sqm_access_init(void);

/*
 * lifecycle.c: a kind as the write path reads it.  Pointers stay valid until
 * the lifecycle cache is invalidated: pin it across user code.
 */
typedef struct LcKind SqmKind;

extern SqmKind *sqm_kind(const char *name);
extern SqmKind *sqm_kind_or_error(const char *name);
extern void sqm_kind_pin(void);
extern void sqm_kind_unpin(void);
extern const char *sqm_kind_name(const SqmKind *kind);
extern const char *sqm_kind_label(const SqmKind *kind);
extern Oid	sqm_kind_governed(const SqmKind *kind);
extern Oid	sqm_kind_details(const SqmKind *kind);
extern int	sqm_kind_state(const SqmKind *kind, const char *state);
extern bool sqm_kind_state_terminal(const SqmKind *kind, int state);
extern const char *sqm_kind_move_capability(const SqmKind *kind, int64 id, int from, int to);
extern const char *sqm_kind_action(const SqmKind *kind, const char *action, const char *column,
								   const char **label);

/* write.c: the one write path. */
extern void sqm_write_init(void);

/*
 * audit.c: the clock, and the context of the change being written.  The
 * write path calls sqm_audit_set_context("api", reason) before each write it
 * makes and sqm_audit_clear_context() after it; contexts nest, and one set
 * in a (sub)transaction that aborts is gone with it.  sqm_audit_reason() is
 * the reason of the innermost context (NULL: none, e.g. a direct write).
 */
#include "datatype/timestamp.h"
extern TimestampTz sqm_current_time(void);
extern void sqm_audit_set_context(const char *source, const char *reason);
extern void sqm_audit_clear_context(void);
extern const char *sqm_audit_reason(void);

/*
 * reference.c: per-backend caches of the reference data row checks read
 * (doc/core.md, "Row checks and reference data").  A watched table's epoch
 * changes whenever the table may have changed; a cache remembers the epoch
 * it was loaded at and loads again when it differs.
 */
#include "utils/date.h"
extern int	sqm_reference_watch(const char *table);
extern uint64 sqm_reference_epoch(int slot);
extern Oid	sqm_reference_relid(int slot);
extern int	sqm_reference_query(SPIPlanPtr plan, Datum *values, const char *nulls, int slot);
extern void sqm_reference_counted(bool hit);
extern bool sqm_org_local_date(int64 org, TimestampTz ts, DateADT *day);
extern bool sqm_unit_existed_on(int64 org, int64 unit, DateADT day);
extern char *sqm_date_text(DateADT day);

/*
 * A kind's reference rows, cached per backend by a key (an organisation, or
 * 0 for data of every organisation): query reads the rows of one key ($1
 * bigint) from the watched table, decode copies one row into an item of
 * itemsize bytes (strings allocated in cxt).  sqm_reference_rows() returns
 * how many items there are and the items, valid until the next call for
 * the set.
 */
typedef struct SqmRefSet
{
	const char *table;
	const char *query;
	Size		itemsize;
	void		(*decode) (HeapTuple tuple, TupleDesc tupdesc, void *item, MemoryContext cxt);
	void	   *cache;			/* reference.c's, made on first use */
} SqmRefSet;

extern int	sqm_reference_rows(SqmRefSet *set, int64 key, void **items);

/*
 * The item of most kinds' reference sets: a code valid for days (a type,
 * subject, theme or legal basis), with its regime where the table has one.
 * sqm_decode_valid_code() decodes a row of code, [regime,] lower(valid),
 * upper(valid), isempty(valid) -- regime read when the row has five columns.
 */
typedef struct SqmValidCode
{
	char	   *code;
	char	   *regime;			/* NULL for a table without regimes */
	DateADT		lower;
	DateADT		upper;
	bool		lower_inf;
	bool		upper_inf;
	bool		empty;
} SqmValidCode;

extern void sqm_decode_valid_code(HeapTuple tuple, TupleDesc tupdesc, void *item, MemoryContext cxt);
extern bool sqm_range_contains(DateADT lower, bool lower_inf, DateADT upper, bool upper_inf,
							   bool empty, DateADT day);
extern char *sqm_timestamptz_text(TimestampTz ts);

/* The fields of a composite row (a row check's argument) by name. */
extern void sqm_row_fields(HeapTupleHeader row, int n, const char *const *names,
						   Datum *values, bool *isnull);
extern bool sqm_field_changed(Datum newvalue, bool newnull, Datum oldvalue, bool oldnull,
							  Oid type);

/*
 * restore.c: whether the rows being written are being restored from a dump
 * other than by the procedure of README "Backup and restore" (a COPY FROM
 * into a table of sqm, or a session with pg_dump's settings), and the hint
 * every error of such a restore carries.
 */
extern bool sqm_restoring(void);

#define SQM_RESTORE_HINT \
	"Restoring a dump of sqm? Its triggers refuse restored rows: restore into a new database " \
	"as README.md \"Backup and restore\" says (the data section with " \
	"session_replication_role = replica), then run SELECT * FROM sqm.verify()."

/*
 * append.c: one row appended to a table of sqm's own logs (sqm.audit_event,
 * sqm.audit_value, sqm.outbox) through the executor's row routines, or
 * through SPI when the table has a trigger or rule on INSERT (or
 * sqm.append_through_spi is on).  A caller describes its table once, in a
 * static SqmAppendTable: the name in schema sqm and the columns its values
 * fill, in order, with their types; the rest is append.c's.
 */
typedef struct SqmAppendXact SqmAppendXact;
typedef struct SqmAppendTable
{
	const char *name;
	int			ncolumns;
	const char *const *columns;
	const Oid  *types;
	/* append.c's */
	Oid			relid;
	bool		relid_checked;
	bool		registered;
	SPIPlanPtr	plan;
	int64		ndirect;
	int64		nspi;
	SqmAppendXact *xact;
	struct SqmAppendTable *next;
} SqmAppendTable;

extern void sqm_append_row(SqmAppendTable *t, Datum *values, const bool *isnull, const char *what);

/*
 * audit.c: the outbox's numbers follow each organisation's audit chain:
 * taken under its lock (held to the end of the transaction), so that they
 * become visible in their order (outbox.c).
 */
extern int64 sqm_chain_outbox_seq(int64 org);
extern void sqm_chain_outbox_moved(int64 org, int64 seq);

/* outbox.c: a row of the outbox, numbered in its organisation's chain. */
extern int64 sqm_outbox_append(int64 org, const char *kind, int64 object_id, int64 unit,
							   const char *event, const char *rule, bool due_null, TimestampTz due_at);
extern int64 sqm_outbox_announce(int64 org, const char *kind, int64 object_id, int64 unit);

/* reference.c: whether an organisation's writers send NOTIFY themselves. */
extern bool sqm_org_notifies(int64 org);

/*
 * The period type's SQL-callable functions (src/types/period.c), which
 * stat_periods.c calls for the calendar of an organisation's periods.
 */
extern Datum sqm_period_out(PG_FUNCTION_ARGS);
extern Datum sqm_period_of_date(PG_FUNCTION_ARGS);
extern Datum sqm_period_first_day(PG_FUNCTION_ARGS);
extern Datum sqm_period_last_day(PG_FUNCTION_ARGS);
extern Datum sqm_period_prev(PG_FUNCTION_ARGS);

/* Module init functions, called from _PG_init. */
/* sqm.c: the library's one relcache callback calls each cache's */
extern void sqm_register_relcache_callback(RelcacheCallbackFunction func);

extern void sqm_lifecycle_init(void);
extern void sqm_audit_init(void);
extern void sqm_cases_init(void);
extern void sqm_reference_init(void);
extern void sqm_row_check_init(void);
extern void sqm_days_init(void);
extern void sqm_restore_init(void);
extern void sqm_append_init(void);
extern void sqm_obligations_init(void);

#endif							/* SQM_H */
