/*-------------------------------------------------------------------------
 *
 * verify.c
 *	  The one comparison sqm.verify() cannot make in SQL: whether the text
 *	  of a value the audit trail recorded and the text of the value a table
 *	  holds now stand for the same value of the column's type.
 *
 * sqm.verify() (src/core/sql/57_verify.sql) reconciles the cases with the
 * audit trail: every value a case or details row holds must be the value
 * the latest event of its object recorded for the column.  The audit
 * trigger records a value as its type's output text, in the writer's
 * session (audit.c): a timestamptz written under TimeZone Europe/Stockholm
 * reads "2025-03-01 10:00:00+01", the same moment read back under UTC
 * "2025-03-01 09:00:00+00".  sqm.verify() compares the texts and asks this
 * function only when they differ: both are read with the type's input
 * function and compared with the type's default equality (the values'
 * bytes for a type without one).  A recorded text the type does not read
 * back in this session (written under another DateStyle, say) is not the
 * same value; its input runs in a subtransaction, rolled back on a data
 * exception (class 22), so that one such value does not abort the whole
 * verification.  Any other error (a cancel, out of memory) is raised.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/lsyscache.h"
#include "utils/resowner.h"
#include "utils/syscache.h"
#include "utils/typcache.h"

#include "sqm.h"

PG_FUNCTION_INFO_V1(sqm_audit_same_value);

/*
 * Reads both texts as values of the type and compares them; false if the
 * recorded text is not a value of the type in this session.
 */
static bool
verify_same_typed(Oid typid, char *expected, char *found)
{
	MemoryContext oldcxt = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;
	TypeCacheEntry *tc = lookup_type_cache(typid, TYPECACHE_EQ_OPR_FINFO);
	Oid			infunc;
	Oid			ioparam;
	bool		same = false;

	getTypeInputInfo(typid, &infunc, &ioparam);

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(oldcxt);
	PG_TRY();
	{
		Datum		a = OidInputFunctionCall(infunc, expected, ioparam, -1);
		Datum		b = OidInputFunctionCall(infunc, found, ioparam, -1);

		if (OidIsValid(tc->eq_opr_finfo.fn_oid))
			same = DatumGetBool(FunctionCall2Coll(&tc->eq_opr_finfo, tc->typcollation, a, b));
		else
			same = datum_image_eq(a, b, tc->typbyval, tc->typlen);
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcxt);
		CurrentResourceOwner = oldowner;
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(oldcxt);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcxt);
		CurrentResourceOwner = oldowner;
		if (ERRCODE_TO_CATEGORY(edata->sqlerrcode) != ERRCODE_DATA_EXCEPTION)
			ReThrowError(edata);
		FreeErrorData(edata);
		same = false;
	}
	PG_END_TRY();
	return same;
}

/*
 * sqm.audit_same_value(expected text, found text, type oid) RETURNS boolean:
 * whether the text the audit trail recorded (expected) and the text of the
 * value now (found) are the same value of the type.  Both NULL: the same;
 * one NULL: not.
 */
Datum
sqm_audit_same_value(PG_FUNCTION_ARGS)
{
	text	   *expected;
	text	   *found;
	Oid			typid;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_BOOL(PG_ARGISNULL(0) && PG_ARGISNULL(1));
	if (PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("sqm.audit_same_value needs the type of the values")));
	expected = PG_GETARG_TEXT_PP(0);
	found = PG_GETARG_TEXT_PP(1);
	typid = PG_GETARG_OID(2);

	if (VARSIZE_ANY_EXHDR(expected) == VARSIZE_ANY_EXHDR(found) &&
		memcmp(VARDATA_ANY(expected), VARDATA_ANY(found), VARSIZE_ANY_EXHDR(found)) == 0)
		PG_RETURN_BOOL(true);
	if (!SearchSysCacheExists1(TYPEOID, ObjectIdGetDatum(typid)))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("type with OID %u does not exist", typid)));
	PG_RETURN_BOOL(verify_same_typed(typid, text_to_cstring(expected), text_to_cstring(found)));
}
