#!/usr/bin/env bash
# Every restore route, on the demo organisation (README.md, "Backup and
# restore"; issue 12).  The procedure is the README's own: its sh block is
# read from README.md and run as it stands (only the names of the databases
# and the file are this test's), so the README says exactly what is tested.
# It must bring back every row, sequence and audit event and end with
# sqm.verify() ok.  The plain routes -- pg_restore in one go, pg_dump | psql,
# pg_dump --inserts | psql, a data-only pg_restore in a fresh session -- must
# fail loudly (every error carries the hint to the procedure, the tools exit
# non-zero), add no audit event, and never verify ok while cases are missing.
# A case deleted, a state changed and a case added behind the trail's back
# are each found by sqm.verify().  Prints TAP; run by tools/test.sh against
# its throwaway cluster (PGHOST/PGPORT/PGUSER set), from the top of the
# repository.
set -uo pipefail
n=0
failed=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=1; fi; }
q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
started=$SECONDS

src=sqm_dump_src
dst=sqm_dump_dst
plain=sqm_dump_plain
piped=sqm_dump_piped
inserts=sqm_dump_inserts
dataonly=sqm_dump_dataonly
dbs="$src $dst $plain $piped $inserts $dataonly"
work=$(mktemp -d /tmp/sqm-dump.XXXXXX)
chmod 755 "$work"
dump=$work/backup.dump
drop_all() { for d in $dbs; do psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $d" 2>/dev/null; done; }
trap 'drop_all; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
drop_all

hint='Restoring a dump of sqm? Its triggers refuse restored rows: restore into a new database as README.md "Backup and restore" says'

q -d postgres -c "CREATE DATABASE $src"
q -d $src -c "CREATE EXTENSION sqm" &&
	q -d $src -f demo/load.sql >/dev/null
ok $? "the demo organisation with its deviations and lex Sarah cases loads"

# a user-added lifecycle rule must survive too (builtin rows come from the script)
q -d $src -c "INSERT INTO sqm.lifecycle_move (kind, from_state, to_state, capability)
              VALUES ('measure', 'done', 'cancelled', 'manage_measures')"
ok $? "a lifecycle rule added by the organisation"

# a case still in its initial state, which the lifecycle engine would let
# through a plain restore: no event may be written for it either
q -d $src -c "SET sqm.frozen_now = '2026-01-08 10:00+01'" \
  -c "SELECT sqm.plan_measure(org_id, 'deviation', (SELECT min(id) FROM sqm.deviation WHERE state = 'investigating'),
                              'Ny rutin', 'enhetschef', '2026-02-01', '2026-03-01') FROM sqm.organisation" >/dev/null
ok $? "a measure planned, still in its initial state"

# What must survive: every table's rows (as text, in key order) and every sequence.
snapshot() {
	q -d "$1" <<'SQL'
SELECT c.relname || ' ' || (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %s', c.oid::regclass), false, true, '')))[1]::text
       || ' ' || (xpath('/row/h/text()', query_to_xml(format('SELECT md5(string_agg(t::text, %L ORDER BY t::text)) AS h FROM %s t', '|', c.oid::regclass), false, true, '')))[1]::text
  FROM pg_class c WHERE c.relnamespace = 'sqm'::regnamespace AND c.relkind = 'r' ORDER BY 1;
SELECT sequencename || ' ' || coalesce(last_value, 0) FROM pg_sequences WHERE schemaname = 'sqm' ORDER BY 1;
SQL
}
# The trail: every event and kept value, in order.
trail() {
	q -d "$1" -c "SELECT count(*) || ' ' || md5(string_agg(e::text, '|' ORDER BY org_id, seq)) FROM sqm.audit_event e" \
	          -c "SELECT count(*) || ' ' || coalesce(md5(string_agg(v::text, '|' ORDER BY org_id, seq, side, column_name)), '') FROM sqm.audit_value v"
}
verified() { q -d "$1" -c "SELECT bool_and(ok) FROM sqm.verify()"; }
cases() { q -d "$1" -c "SELECT (SELECT count(*) FROM sqm.deviation) + (SELECT count(*) FROM sqm.measure)
                              + (SELECT count(*) FROM sqm.lex_sarah_report) + (SELECT count(*) FROM sqm.lex_sarah_investigation)
                              + (SELECT count(*) FROM sqm.ivo_notification)"; }
# Every error in a tool's output carries the restore hint: as many hints as errors, and some.
all_hinted() {
	local errors hints
	errors=$(grep -c 'ERROR:' "$1")
	hints=$(grep -cF "$hint" "$1")
	echo "# $(basename "$1"): $errors errors, $hints with the hint" >&2
	[ "$errors" -gt 0 ] && [ "$errors" -eq "$hints" ]
}

before=$(snapshot $src)
before_trail=$(trail $src)
before_cases=$(cases $src)

# ---------------------------------------------------------------- the procedure, from README.md
procedure=$(awk '/^### Backup and restore$/ {s = 1; next} s && /^### / {exit}
                 s && /^```sh$/ {b = 1; next} b && /^```$/ {exit} b {print}' README.md)
echo "$procedure" | grep -q 'pg_restore' && echo "$procedure" | grep -q 'sqm.verify()'
ok $? "README.md \"Backup and restore\" has the procedure ($(echo "$procedure" | wc -l) commands)"
script=$(echo "$procedure" | sed -e "s|backup\.dump|$dump|g" -e "s|-d source|-d $src|g" -e "s|\btarget\b|$dst|g")
t0=$SECONDS
out=$(bash -e -c "$script" 2>&1)
ok $? "the README's procedure runs without an error ($((SECONDS - t0)) s)"
echo "$out" | grep -qE '^ t +\| +\| +\| +\| +\| +\| +\| *$'
ok $? "and ends with sqm.verify() printing one row, ok"
[ "$(echo "$out" | grep -cE '^ [tf] +\|')" = 1 ]
ok $? "(only that row)"

after=$(snapshot $dst)
diff <(echo "$before") <(echo "$after") >&2
ok $? "every row of every sqm table and every sequence survives ($(echo "$before" | wc -l) tables and sequences)"
[ "$(trail $dst)" = "$before_trail" ]
ok $? "the restored trail equals the dumped one, event for event and kept value for kept value ($(echo "$before_trail" | head -1 | cut -d' ' -f1) events)"
[ "$(q -d $dst -c "SELECT count(*) FROM sqm.deviation")" -gt 300 ]
ok $? "the restored database holds the demo's deviations"

q -d $dst -c "SET sqm.frozen_now = '2026-01-10 10:00+01';
  SELECT sqm.report_deviation(org_id, (SELECT unit_id FROM sqm.unit_version WHERE name = 'Boende'), 'SoL', '2026-01-09', 'Efter återläsning', '{info}')
    FROM sqm.organisation" >/dev/null
ok $? "new reports after the restore get fresh ids (sequences restored)"
[ "$(verified $dst)" = t ]
ok $? "the chain continues after the restore and the cases still agree with it"

# Behind the trail's back (a superuser with triggers disabled), each found.
tamper() {
	q -d $dst -c "BEGIN" -c "SET LOCAL session_replication_role = replica" -c "$1" \
	  -c "SELECT concat_ws(' ', ok, kind, object_id, column_name, expected, found, split_part(problem, ':', 1)) FROM sqm.verify()" \
	  -c "ROLLBACK"
}
d=$(q -d $dst -c "SELECT min(id) FROM sqm.deviation WHERE state = 'closed'")
m=$(q -d $dst -c "SELECT min(id) FROM sqm.measure WHERE state = 'evaluated'")
[ "$(tamper "DELETE FROM sqm.deviation WHERE id = $d")" = "f deviation $d closed missing" ]
ok $? "a case row deleted behind the trail's back is found missing"
[ "$(tamper "UPDATE sqm.measure SET state = 'planned' WHERE id = $m")" = "f measure $m state evaluated planned value" ]
ok $? "a state changed behind the trail's back is found"
[ "$(tamper "INSERT INTO sqm.deviation SELECT org_id, 990001, 'reported', unit_id, regime, happened_at, reported_at, types FROM sqm.deviation WHERE id = $d")" = "f deviation 990001 reported unknown" ]
ok $? "a case row added behind the trail's back is found unknown"

# ---------------------------------------------------------------- pg_restore in one go
q -d postgres -c "CREATE DATABASE $plain"
pg_restore -d $plain "$dump" >"$work/plain.log" 2>&1
[ $? -ne 0 ]
ok $? "pg_restore in one go fails: it exits non-zero"
all_hinted "$work/plain.log"
ok $? "every error it printed carries the hint to the procedure"
[ "$(trail $plain)" = "$before_trail" ]
ok $? "it added no audit event: the trail is the dumped one, event for event"
[ "$(cases $plain)" -lt "$before_cases" ] && [ "$(verified $plain)" = f ]
ok $? "with cases missing ($(cases $plain) of $before_cases), sqm.verify() is not ok"
created=$(q -d $src -c "SELECT count(*) FROM sqm.audit_event WHERE change = 'create'")
[ "$(q -d $plain -c "SELECT count(*) FROM sqm.verify(NULL, 100000) WHERE problem LIKE 'missing: the audit trail created %'")" = "$created" ]
ok $? "it names every missing case and case link ($created)"

# ---------------------------------------------------------------- pg_dump | psql
q -d postgres -c "CREATE DATABASE $piped"
pg_dump -d $src | psql -X -q -v ON_ERROR_STOP=1 -d $piped >"$work/piped-stop.log" 2>&1
[ $? -ne 0 ]
ok $? "pg_dump | psql -v ON_ERROR_STOP=1 stops at the first error and exits non-zero"
all_hinted "$work/piped-stop.log"
ok $? "that error carries the hint"
[ "$(trail $piped)" = "$before_trail" ] && [ "$(verified $piped)" = f ]
ok $? "no audit event added, and sqm.verify() is not ok ($(cases $piped) of $before_cases cases)"
q -d postgres -c "DROP DATABASE $piped" -c "CREATE DATABASE $piped"
pg_dump -d $src | psql -X -q -d $piped >"$work/piped.log" 2>&1
all_hinted "$work/piped.log"
ok $? "pg_dump | psql without ON_ERROR_STOP: every error carries the hint"
[ "$(trail $piped)" = "$before_trail" ]
ok $? "it added no audit event"
[ "$(cases $piped)" -lt "$before_cases" ] && [ "$(verified $piped)" = f ]
ok $? "with cases missing ($(cases $piped) of $before_cases), sqm.verify() is not ok"

# ---------------------------------------------------------------- pg_dump --inserts | psql
q -d postgres -c "CREATE DATABASE $inserts"
pg_dump --inserts -d $src | psql -X -q -d $inserts >"$work/inserts.log" 2>&1
[ "$(grep -c 'ERROR:' "$work/inserts.log")" -gt 0 ]
ok $? "pg_dump --inserts | psql: the rows are refused ($(grep -c 'ERROR:' "$work/inserts.log") errors; the audit trigger's own refusal of a session with pg_dump's settings is test/verify.sql's)"
[ "$(trail $inserts)" = "$before_trail" ]
ok $? "it added no audit event"
[ "$(cases $inserts)" -lt "$before_cases" ] && [ "$(verified $inserts)" = f ]
ok $? "with cases missing ($(cases $inserts) of $before_cases), sqm.verify() is not ok"

# ---------------------------------------------------------------- data only, fresh sessions
q -d postgres -c "CREATE DATABASE $dataonly" && q -d $dataonly -c "CREATE EXTENSION sqm"
pg_restore --data-only -d $dataonly "$dump" >"$work/dataonly.log" 2>&1
[ $? -ne 0 ] && all_hinted "$work/dataonly.log"
ok $? "pg_restore --data-only in a session of its own fails, every error with the hint"
printf '1\t990002\tclosed\t1\tSoL\t2022-01-07 13:41:00+00\t2022-01-10 12:02:00+00\t{x}\n' >"$work/row.tsv"
psql -X -q -d $dataonly -c "\\copy sqm.deviation (org_id, id, state, unit_id, regime, happened_at, reported_at, types) FROM '$work/row.tsv'" \
	>"$work/fresh.log" 2>&1
[ $? -ne 0 ] && all_hinted "$work/fresh.log"
ok $? "a COPY that is the first statement of a session (sqm's library loads during it) carries the hint too"
[ "$(trail $dataonly)" = "$before_trail" ]
ok $? "no audit event added"

echo "# restore routes took $((SECONDS - started)) s"
echo "1..$n"
exit $failed
