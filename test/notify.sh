#!/usr/bin/env bash
# Notifications (README "Notifications", src/core/outbox.c): writers write
# the outbox and send no NOTIFY -- a report, a move and an edit through the
# API each end in PREPARE TRANSACTION, which PostgreSQL refuses to a
# transaction that notified -- and the dispatcher sqm.dispatch() sends one
# NOTIFY per organisation with new outbox rows (payload: the highest new
# number) and none when nothing is new; an organisation that opted in
# (sqm.set_notify_immediately) is notified by its writers at commit, and
# only then.  A second session LISTENs; after each step it runs a query,
# which makes psql print what arrived, and a marker.  Prints TAP; run by
# tools/test.sh against its throwaway cluster (PGHOST/PGPORT/PGUSER set).
set -uo pipefail
n=0
failed=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=1; fi; }
q() { psql -X -q -At -v ON_ERROR_STOP=1 -d sqm_notify "$@"; }
dir=$(mktemp -d)
trap 'exec 3>&- 2>/dev/null; rm -rf "$dir"; psql -X -q -d postgres -c "DROP DATABASE IF EXISTS sqm_notify" 2>/dev/null' EXIT

psql -X -q -d postgres -c "DROP DATABASE IF EXISTS sqm_notify" -c "CREATE DATABASE sqm_notify" 2>/dev/null &&
	q -c "CREATE EXTENSION sqm"
ok $? "a database with sqm"

read -r a ua b ub <<<"$(q <<'SQL'
SELECT sqm.create_organisation('Notis', 'SN') AS a \gset
SELECT sqm.create_unit(:a, 'Enhet', 'unit', '2024-01-01') AS ua \gset
SELECT sqm.add_deviation_type(:a, 'info', 'Info', 'Info', '2024-01-01') \g /dev/null
SELECT sqm.create_organisation('Annan', 'SN') AS b \gset
SELECT sqm.create_unit(:b, 'Enhet B', 'unit', '2024-01-01') AS ub \gset
SELECT sqm.add_deviation_type(:b, 'info', 'Info', 'Info', '2024-01-01') \g /dev/null
SELECT :a || ' ' || :ua || ' ' || :b || ' ' || :ub;
SQL
)"
[ -n "$ub" ]
ok $? "two organisations (A $a, B $b)"
report() { q -c "SELECT sqm.report_deviation($1, $2, 'SoL', now() - interval '2 days', 'Händelse', '{info}', now() - interval '1 day')"; }

# The listener: a psql reading from a FIFO, LISTENing on both channels.
mkfifo "$dir/in"
psql -X -q -At -d sqm_notify <"$dir/in" >"$dir/out" 2>&1 &
exec 3>"$dir/in"
echo 0 >"$dir/seen"
# Runs a query in the listener and waits for its marker; prints the
# notifications that arrived since the last call, one "channel payload" a line.
arrived() {
	local m="m$RANDOM$RANDOM" i
	echo "SELECT 1 \g /dev/null" >&3
	echo "\echo marker:$m" >&3
	for i in $(seq 1 200); do grep -q "^marker:$m\$" "$dir/out" && break; sleep 0.05; done
	sed -n "$(($(cat "$dir/seen") + 1)),\$p" "$dir/out" |
		sed -n 's/^Asynchronous notification "\(sqm_org_[0-9]*\)" with payload "\(.*\)" received from server process with PID [0-9]*\.$/\1 \2/p'
	wc -l <"$dir/out" >"$dir/seen"
}
echo "LISTEN sqm_org_$a; LISTEN sqm_org_$b;" >&3
arrived >/dev/null

# Writers: a report, a move and an edit, each prepared and then committed.
out=$(q -c "BEGIN" -c "SELECT sqm.report_deviation($a, $ua, 'SoL', now() - interval '2 days', 'Händelse', '{info}', now() - interval '1 day')" \
	-c "PREPARE TRANSACTION 'sqm_report'" -c "COMMIT PREPARED 'sqm_report'" 2>&1)
ok $? "a report through the API is prepared and committed: its transaction sent no NOTIFY ($out)"
dev=$(q -c "SELECT max(id) FROM sqm.deviation WHERE org_id = $a")
out=$(q -c "BEGIN" -c "SELECT sqm.triage_deviation($a, $dev, 'reported', 'low')" \
	-c "PREPARE TRANSACTION 'sqm_move'" -c "COMMIT PREPARED 'sqm_move'" 2>&1)
ok $? "a move through the API (triage) is prepared and committed ($out)"
q -c "SELECT sqm.move_object('deviation', $a, $dev, 'triaged', 'investigating')" >/dev/null
out=$(q -c "BEGIN" -c "SELECT sqm.record_deviation_summary($a, $dev, 'investigating', 'Rutinen följdes inte')" \
	-c "PREPARE TRANSACTION 'sqm_edit'" -c "COMMIT PREPARED 'sqm_edit'" 2>&1)
ok $? "an edit through the API (the summary) is prepared and committed ($out)"
[ "$(q -c "SELECT count(*) FROM sqm.audit_event WHERE org_id = $a AND object_id = $dev AND change IN ('create', 'move', 'edit')")" -ge 5 ] &&
	[ "$(q -c "SELECT count(*) FROM sqm.outbox WHERE org_id = $a AND object_id = $dev AND event = 'new'")" = 1 ]
ok $? "their events are in the trail and the report's in the outbox"
[ -z "$(arrived)" ]
ok $? "the listener got nothing from the writers"

# The dispatcher.
[ "$(q -c "SELECT sqm.dispatch()")" = 1 ]
ok $? "sqm.dispatch() notifies one organisation: the one with new rows"
got=$(arrived)
[ "$got" = "sqm_org_$a $(q -c "SELECT max(seq) FROM sqm.outbox WHERE org_id = $a")" ]
ok $? "one notification on A's channel, payload A's highest outbox number ($got)"
[ "$(q -c "SELECT sqm.dispatch()")" = 0 ] && [ -z "$(arrived)" ]
ok $? "nothing new: sqm.dispatch() sends none"
report "$a" "$ua" >/dev/null; report "$a" "$ua" >/dev/null; report "$a" "$ua" >/dev/null; report "$b" "$ub" >/dev/null
[ "$(q -c "SELECT sqm.dispatch()")" = 2 ]
ok $? "three reports in A and one in B: sqm.dispatch() notifies two organisations"
got=$(arrived | sort)
want=$(printf 'sqm_org_%s %s\nsqm_org_%s %s\n' "$a" "$(q -c "SELECT max(seq) FROM sqm.outbox WHERE org_id = $a")" \
	"$b" "$(q -c "SELECT max(seq) FROM sqm.outbox WHERE org_id = $b")" | sort)
[ "$got" = "$want" ]
ok $? "one notification per organisation, with its highest new number ($(echo $got))"
[ "$(q -c "SELECT string_agg(seq::text, ',' ORDER BY seq) FROM sqm.outbox WHERE org_id = $a")" = "1,2,3,4" ] &&
	[ "$(q -c "SELECT string_agg(seq::text, ',' ORDER BY seq) FROM sqm.outbox WHERE org_id = $b")" = "1" ]
ok $? "each organisation's outbox is numbered 1, 2, 3 … without gaps"
[ "$(q -c "SELECT sqm.sweep()")" -ge 0 ] && [ -z "$(arrived)" ]
ok $? "the sweep runs the dispatcher: nothing new, nothing sent"

# Opt-in: A's writers notify at commit.
q -c "SELECT sqm.set_notify_immediately($a, true)" >/dev/null
ok $? "A opts in to NOTIFY from its writers"
s=$(report "$a" "$ua" >/dev/null; q -c "SELECT max(seq) FROM sqm.outbox WHERE org_id = $a")
got=$(arrived)
[ "$got" = "sqm_org_$a $s" ]
ok $? "a report in A notifies at its commit, payload its outbox number ($got)"
q -c "BEGIN" -c "SELECT sqm.report_deviation($a, $ua, 'SoL', now() - interval '2 days', 'Ångras', '{info}', now() - interval '1 day')" -c "ROLLBACK" >/dev/null
[ -z "$(arrived)" ]
ok $? "a rolled-back report in A notifies nothing"
err=$(q -c "BEGIN" -c "SELECT sqm.report_deviation($a, $ua, 'SoL', now() - interval '2 days', 'Händelse', '{info}', now() - interval '1 day')" \
	-c "PREPARE TRANSACTION 'sqm_notified'" 2>&1)
echo "$err" | grep -q 'cannot PREPARE a transaction that has executed LISTEN, UNLISTEN, or NOTIFY'
ok $? "so a report in A can no longer be prepared"
report "$b" "$ub" >/dev/null
[ -z "$(arrived)" ]
ok $? "B did not opt in: its writers still send nothing"
q -c "SELECT sqm.set_notify_immediately($a, false)" >/dev/null && report "$a" "$ua" >/dev/null && [ -z "$(arrived)" ]
ok $? "A opts out again: its writers send nothing"
err=$(q -c "SELECT sqm.create_roles()" -c "SET ROLE sqm_reporter" -c "SELECT sqm.set_notify_immediately($a, true)" 2>&1)
echo "$err" | grep -q 'permission denied'
ok $? "a reporter cannot opt an organisation in ($err)"

exec 3>&-
echo "1..$n"
exit $failed
