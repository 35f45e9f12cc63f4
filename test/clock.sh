#!/usr/bin/env bash
# The clock cannot be forged from a fresh session (README "Time and actor"):
# sqm.frozen_now is PGC_SUSET, and a value a role set before sqm's library
# was loaded (when the name was only a placeholder) is checked against that
# role when the library defines the parameter -- refused for a role that is
# not a superuser, kept for a loader granted SET ON PARAMETER.  Nor can a role
# store the setting for itself with ALTER ROLE ... SET.  Each check runs in a
# new connection, so that the library is not loaded yet.  Prints TAP; run by
# tools/test.sh against its throwaway cluster (PGHOST/PGPORT/PGUSER set).
set -uo pipefail
n=0
failed=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=1; fi; }
q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
export PGOPTIONS="-c client_min_messages=warning"

db=sqm_clock
q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" &&
	q -d $db -c "CREATE EXTENSION sqm" -c "SELECT sqm.create_roles()" >/dev/null &&
	q -d $db <<'SQL'
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'tst_clock_loader') THEN
        REVOKE SET ON PARAMETER sqm.frozen_now FROM tst_clock_loader;
        DROP ROLE tst_clock_loader;
    END IF;
    DROP ROLE IF EXISTS tst_clock_reporter;
END $$;
CREATE ROLE tst_clock_reporter LOGIN IN ROLE sqm_reporter;
CREATE ROLE tst_clock_loader LOGIN IN ROLE sqm_reporter;
GRANT SET ON PARAMETER sqm.frozen_now TO tst_clock_loader;
SQL
ok $? "a database with sqm, a reporter and a loader granted SET ON PARAMETER sqm.frozen_now"

# A reporter sets the clock before anything loads the library.
out=$(psql -X -At -d $db -U tst_clock_reporter -c "SET sqm.frozen_now = '2035-01-01 00:00+00'" \
	-c "SELECT sqm.now() = now()" 2>&1)
[ "$(echo "$out" | tail -n 1)" = t ]
ok $? "a reporter's sqm.frozen_now set before the library loaded is dropped when it loads: sqm.now() is the transaction's start"
echo "$out" | grep -q 'WARNING:  permission denied to set parameter "sqm.frozen_now"'
ok $? "with a warning naming the parameter"

out=$(psql -X -At -d $db -U tst_clock_reporter -c "SELECT sqm.now() = now()" \
	-c "SET sqm.frozen_now = '2035-01-01 00:00+00'" 2>&1)
echo "$out" | grep -q 'ERROR:  permission denied to set parameter "sqm.frozen_now"'
ok $? "once loaded, the reporter's SET is refused"

out=$(psql -X -At -d $db -U tst_clock_reporter -c "ALTER ROLE tst_clock_reporter SET sqm.frozen_now = '2035-01-01 00:00+00'" 2>&1)
echo "$out" | grep -q 'ERROR:  permission denied to set parameter "sqm.frozen_now"'
ok $? "the reporter cannot store it for their role (ALTER ROLE ... SET) before the library is loaded"
out=$(psql -X -At -d $db -U tst_clock_reporter -c "SELECT sqm.now()" \
	-c "ALTER ROLE tst_clock_reporter SET sqm.frozen_now = '2035-01-01 00:00+00'" 2>&1)
echo "$out" | grep -q 'ERROR:  permission denied to set parameter "sqm.frozen_now"'
ok $? "nor after"
[ -z "$(q -d $db -c "SELECT setconfig FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole WHERE r.rolname = 'tst_clock_reporter'")" ]
ok $? "nothing was stored"

# A loader granted SET ON PARAMETER may, loaded or not.
out=$(psql -X -At -d $db -U tst_clock_loader -c "SET sqm.frozen_now = '2035-01-01 00:00+00'" -c "SELECT sqm.now()" 2>&1)
[ "$(echo "$out" | tail -n 1)" = "2035-01-01 00:00:00+00" ]
ok $? "a loader's sqm.frozen_now set before the library loaded is kept"
out=$(psql -X -At -d $db -U tst_clock_loader -c "SELECT sqm.now() = now()" \
	-c "SET sqm.frozen_now = '2030-06-01 12:00+00'" -c "SELECT sqm.now()" 2>&1)
[ "$(echo "$out" | tail -n 1)" = "2030-06-01 12:00:00+00" ]
ok $? "and set after it loaded"

q -d postgres -c "DROP DATABASE $db" &&
	q -d postgres -c "REVOKE SET ON PARAMETER sqm.frozen_now FROM tst_clock_loader" \
		-c "DROP ROLE tst_clock_loader" -c "DROP ROLE tst_clock_reporter"
ok $? "clean up"

echo "1..$n"
exit $failed
