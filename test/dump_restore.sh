#!/usr/bin/env bash
# pg_dump / pg_restore round trip, following the restore procedure in
# README.md ("Backup and restore"): every row and sequence of sqm survives and
# the audit chain still verifies.  Prints TAP; run by tools/test.sh against its
# throwaway cluster (PGHOST/PGPORT/PGUSER set), from the top of the repository.
set -uo pipefail
n=0
failed=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=1; fi; }
q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }

dump=$(mktemp /tmp/sqm-dump.XXXXXX)
trap 'rm -f "$dump"' EXIT
chmod 644 "$dump"

q -d postgres -c "DROP DATABASE IF EXISTS sqm_dump_src" -c "DROP DATABASE IF EXISTS sqm_dump_dst" -c "CREATE DATABASE sqm_dump_src"
q -d sqm_dump_src -c "CREATE EXTENSION sqm" &&
	q -d sqm_dump_src -f demo/load.sql >/dev/null
ok $? "the demo organisation with its deviations and lex Sarah cases loads"

# a user-added lifecycle rule must survive too (builtin rows come from the script)
q -d sqm_dump_src -c "INSERT INTO sqm.lifecycle_move (kind, from_state, to_state, capability)
                      VALUES ('measure', 'done', 'cancelled', 'manage_measures')"
ok $? "a lifecycle rule added by the organisation"

# What must survive: every table's rows (as text, in key order) and every sequence.
snapshot() {
	q -d "$1" <<'SQL'
SELECT c.relname || ' ' || (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %s', c.oid::regclass), false, true, '')))[1]::text
       || ' ' || (xpath('/row/h/text()', query_to_xml(format('SELECT md5(string_agg(t::text, %L ORDER BY t::text)) AS h FROM %s t', '|', c.oid::regclass), false, true, '')))[1]::text
  FROM pg_class c WHERE c.relnamespace = 'sqm'::regnamespace AND c.relkind = 'r' ORDER BY 1;
SELECT sequencename || ' ' || coalesce(last_value, 0) FROM pg_sequences WHERE schemaname = 'sqm' ORDER BY 1;
SQL
}
before=$(snapshot sqm_dump_src)

pg_dump -Fc -d sqm_dump_src -f "$dump"
ok $? "pg_dump -Fc"

# The restore procedure of README.md.
q -d postgres -c "CREATE DATABASE sqm_dump_dst" &&
	pg_restore -d sqm_dump_dst --section=pre-data "$dump" &&
	PGOPTIONS='-c session_replication_role=replica' pg_restore -d sqm_dump_dst --section=data "$dump" &&
	pg_restore -d sqm_dump_dst --section=post-data "$dump"
ok $? "pg_restore in three sections, data with session_replication_role = replica"

after=$(snapshot sqm_dump_dst)
diff <(echo "$before") <(echo "$after") >&2
ok $? "every row of every sqm table and every sequence survives ($(echo "$before" | wc -l) tables and sequences)"

[ "$(q -d sqm_dump_dst -c "SELECT count(*) FROM sqm.deviation")" -gt 300 ]
ok $? "the restored database holds the demo's deviations"

[ "$(q -d sqm_dump_dst -c "SELECT bool_and(ok) FROM sqm.verify_audit()")" = t ]
ok $? "sqm.verify_audit() passes on the restored database"

q -d sqm_dump_dst -c "SET sqm.frozen_now = '2026-01-10 10:00+01';
  SELECT sqm.report_deviation(org_id, (SELECT unit_id FROM sqm.unit_version WHERE name = 'Boende'), 'SoL', '2026-01-09', 'Efter återläsning', '{info}')
    FROM sqm.organisation" >/dev/null
ok $? "new reports after the restore get fresh ids (sequences restored)"

[ "$(q -d sqm_dump_dst -c "SELECT bool_and(ok) FROM sqm.verify_audit()")" = t ]
ok $? "the chain continues after the restore"

q -d postgres -c "DROP DATABASE sqm_dump_src" -c "DROP DATABASE sqm_dump_dst"
echo "1..$n"
exit $failed
