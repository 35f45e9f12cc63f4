/*-------------------------------------------------------------------------
 *
 * access.c
 *	  Who is calling: the facts sqm's authorisation is built on.
 *
 * Authorisation (src/sql/50_access.sql) asks, for every API call and for
 * every row an RLS policy looks at, which database role called in, whether
 * it is a superuser, and whether it is an application that may name its end
 * user in sqm.actor (a member of sqm_app).  Answered in SQL those questions
 * read the pg_roles view, whose joins cost tens of microseconds a call;
 * here they are syscache look-ups.
 *
 * The caller is the SET ROLE target, else the session user -- never
 * current_user, which inside a SECURITY DEFINER function is the owner.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_authid.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/guc.h"

#include "sqm.h"

PG_FUNCTION_INFO_V1(sqm_caller_role);
PG_FUNCTION_INFO_V1(sqm_caller_is_superuser);
PG_FUNCTION_INFO_V1(sqm_caller_is_app);

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

/* A member of sqm_app (directly or through other roles); false if sqm_app does not exist. */
bool
sqm_caller_is_app_role(void)
{
	Oid			app = get_role_oid("sqm_app", true);

	return OidIsValid(app) && is_member_of_role(sqm_caller_role_oid(), app);
}

Datum
sqm_caller_is_app(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(sqm_caller_is_app_role());
}
