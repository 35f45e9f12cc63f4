#!/usr/bin/env bash
# NOTIFY of a new case (doc/deadlines.md): the announce trigger writes the
# outbox and notifies channel sqm_org_<org_id>.  PostgreSQL queues the
# notification when the transaction commits -- never before, never after a
# rollback -- and delivers it only on the organisation's own channel, with the
# outbox row's payload.  One session listens and writes (a session receives
# its own notifications after commit), so what psql prints between markers
# tells when each arrived.  Prints TAP; run by tools/test.sh against its
# throwaway cluster (PGHOST/PGPORT/PGUSER set), from the top of the repository.
set -uo pipefail
n=0
failed=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=1; fi; }
q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }

q -d postgres -c "DROP DATABASE IF EXISTS sqm_notify" -c "CREATE DATABASE sqm_notify" 2>/dev/null &&
	q -d sqm_notify -c "CREATE EXTENSION sqm"
ok $? "a database with sqm"

out=$(q -d sqm_notify 2>&1 <<'SQL'
SET sqm.frozen_now = '2025-03-03 10:00+01';
SELECT sqm.create_organisation('Notis', 'SN') AS org \gset
SELECT sqm.create_unit(:org, 'Enhet', 'unit', '2024-01-01') AS u \gset
SELECT sqm.add_deviation_type(:org, 'info', 'Info', 'Info', '2024-01-01') \g /dev/null
SELECT sqm.create_organisation('Annan', 'SN') AS orgb \gset
SELECT sqm.create_unit(:orgb, 'Enhet B', 'unit', '2024-01-01') AS ub \gset
SELECT sqm.add_deviation_type(:orgb, 'info', 'Info', 'Info', '2024-01-01') \g /dev/null
\set channel sqm_org_:org
\echo channel::channel
LISTEN :"channel";
\echo marker:listening
BEGIN;
SELECT sqm.report_deviation(:org, :u, 'SoL', '2025-03-01', 'Händelse', '{info}', '2025-03-02') AS d1 \gset
SELECT pg_sleep(0.1) \g /dev/null
\echo marker:before-commit
COMMIT;
\echo marker:after-commit
SELECT 'payload:' || sqm.outbox_payload(o) FROM sqm.outbox o WHERE o.org_id = :org AND o.object_id = :d1;
BEGIN;
SELECT sqm.report_deviation(:org, :u, 'SoL', '2025-03-01', 'Ångras', '{info}', '2025-03-02') AS d2 \gset
ROLLBACK;
SELECT pg_sleep(0.1) \g /dev/null
\echo marker:after-rollback
SELECT sqm.report_deviation(:orgb, :ub, 'SoL', '2025-03-01', 'Annan organisation', '{info}', '2025-03-02') \g /dev/null
SELECT pg_sleep(0.1) \g /dev/null
\echo marker:other-organisation
SELECT 'outbox:' || count(*) FROM sqm.outbox o WHERE o.org_id = :org;
SQL
)
rc=$?
[ "$rc" = 0 ]
ok $? "the session ran (psql exit $rc)"

# The lines between two markers.
between() { echo "$out" | sed -n "/^marker:$1\$/,/^marker:$2\$/p" | grep -v '^marker:'; }
notes() { grep -c '^Asynchronous notification' || true; }

[ "$(between listening before-commit | notes)" = 0 ]
ok $? "nothing is delivered before the transaction commits"
[ "$(between before-commit after-commit | notes)" = 1 ]
ok $? "one notification arrives with the commit"
payload=$(echo "$out" | sed -n 's/^payload://p')
delivered=$(between before-commit after-commit | sed -n 's/^Asynchronous notification "\(sqm_org_[0-9]*\)" with payload "\(.*\)" received from server process with PID [0-9]*\.$/\1 \2/p')
channel=$(echo "$out" | sed -n 's/^channel://p')
[ -n "$payload" ] && [ "$delivered" = "$channel $payload" ] && echo "$payload" | grep -q '"event" : "new"'
ok $? "on the organisation's channel, with the outbox row's payload ($delivered)"
[ "$(between after-commit after-rollback | notes)" = 0 ]
ok $? "a rolled-back report notifies nothing"
[ "$(between after-rollback other-organisation | notes)" = 0 ]
ok $? "another organisation's report is not delivered on this organisation's channel"
[ "$(echo "$out" | sed -n 's/^outbox://p')" = 1 ]
ok $? "the outbox keeps the committed report's event, and only it"

q -d postgres -c "DROP DATABASE IF EXISTS sqm_notify" 2>/dev/null
echo "1..$n"
exit $failed
