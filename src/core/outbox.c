/*-------------------------------------------------------------------------
 *
 * outbox.c
 *	  The announcement of a new case: the trigger sqm.announce(kind).
 *
 * sqm.govern (announce => true) puts it AFTER INSERT FOR EACH ROW on a
 * kind's case table.  A new case is written to the durable outbox
 * (sqm.outbox, event "new", once: a repeated announcement is skipped) and,
 * if it was written, announced with NOTIFY on channel sqm_org_<org_id> with
 * the payload sqm.outbox_payload() makes -- no personal data.  PostgreSQL
 * delivers the notification when the transaction commits, and never if it
 * rolls back; the outbox row rolls back with it (doc/deadlines.md).
 *
 * It is C, like every trigger on a table that holds cases: the outbox row is
 * written with a kept plan, as the owner of sqm.outbox (the writer of a case
 * needs no privilege on it).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "commands/async.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/rel.h"
#include "utils/timestamp.h"

#include "sqm.h"

#define ANNOUNCE_HINT \
	"sqm.govern(..., announce => true) creates it: CREATE TRIGGER announce AFTER INSERT ON <table> " \
	"FOR EACH ROW EXECUTE FUNCTION sqm.announce('<kind>')."

static SPIPlanPtr announce_plan = NULL;

PG_FUNCTION_INFO_V1(sqm_announce);

/* A bigint column of the new row; the governed-table protocol has it. */
static Datum
announce_column(TriggerData *trigdata, const char *name)
{
	Form_pg_attribute att = sqm_find_column(RelationGetDescr(trigdata->tg_relation), name);
	Datum		value;
	bool		isnull;

	if (att == NULL || att->atttypid != INT8OID)
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("table %s does not follow the governed-table protocol",
						sqm_relation_name(RelationGetRelid(trigdata->tg_relation))),
				 errdetail("It has no column \"%s\" of type bigint.", name),
				 errhint(ANNOUNCE_HINT)));
	value = slot_getattr(trigdata->tg_trigslot, att->attnum, &isnull);
	if (isnull)
		elog(ERROR, "unexpected: column %s of a new case is null", name);
	return value;
}

/*
 * sqm.announce('<kind>'): AFTER INSERT FOR EACH ROW on a case table.
 */
Datum
sqm_announce(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata;
	Datum		values[5];
	Oid			outbox;
	Oid			save_userid;
	int			save_sec_context;
	char	   *payload = NULL;
	int			rc;

	trigdata = sqm_trigger_protocol(fcinfo, "sqm.announce()",
									SQM_TG_ROW | SQM_TG_AFTER | SQM_TG_INSERT, ANNOUNCE_HINT);
	if (trigdata->tg_trigger->tgnargs != 1)
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("trigger \"%s\" on table %s must name exactly one lifecycle kind",
						trigdata->tg_trigger->tgname,
						sqm_relation_name(RelationGetRelid(trigdata->tg_relation))),
				 errhint(ANNOUNCE_HINT)));

	values[0] = announce_column(trigdata, "org_id");
	values[1] = TimestampTzGetDatum(sqm_current_time());
	values[2] = CStringGetTextDatum(trigdata->tg_trigger->tgargs[0]);
	values[3] = announce_column(trigdata, "id");
	values[4] = announce_column(trigdata, "unit_id");

	outbox = sqm_relation_oid("outbox");
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "unexpected failure of SPI_connect");
	sqm_become_owner(outbox, &save_userid, &save_sec_context);
	if (announce_plan == NULL)
	{
		Oid			argtypes[5] = {INT8OID, TIMESTAMPTZOID, TEXTOID, INT8OID, INT8OID};

		announce_plan = sqm_prepare_kept(
			"INSERT INTO sqm.outbox AS o (org_id, at, kind, object_id, unit_id, event)"
			" VALUES ($1, $2, $3, $4, $5, 'new') ON CONFLICT DO NOTHING"
			" RETURNING sqm.outbox_payload(o)",
			5, argtypes);
	}
	rc = SPI_execute_plan(announce_plan, values, NULL, false, 0);
	if (rc != SPI_OK_INSERT_RETURNING)
		elog(ERROR, "unexpected result %s of writing the outbox", SPI_result_code_string(rc));
	if (SPI_processed == 1)
		payload = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	SetUserIdAndSecContext(save_userid, save_sec_context);

	/* delivered at commit, in the order of the outbox */
	if (payload != NULL)
		Async_Notify(psprintf("sqm_org_%lld", (long long) DatumGetInt64(values[0])), payload);
	SPI_finish();
	return PointerGetDatum(NULL);
}
