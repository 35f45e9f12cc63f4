#!/usr/bin/env bash
# A BI tool's view of the statistics (doc/statistics.md): a login role that is
# a report reader of the demo organisation connects with the default
# search_path, lists the views, filters them by period text and by dates,
# reads no personal data, and finds every per-row view summing to its total
# view.  Then the DBA's one line from the README puts sqm on the database's
# search_path, and the same role finds the views and sqm.period's operators
# without schema names.  Prints TAP; run by tools/test.sh against its
# throwaway cluster (PGHOST/PGPORT/PGUSER set), from the top of the repository.
set -uo pipefail
n=0
failed=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=1; fi; }
is() { # is <have> <want> <description>
	if [ "$1" = "$2" ]; then ok 0 "$3"; else ok 1 "$3"; echo "#   have: $1"; echo "#   want: $2"; fi
}
q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
db=sqm_bi
role=tst_bi_reader
# as the BI role: a new session with the role's defaults, sqm.now() frozen
# after the 2025 report (PGOPTIONS, as a tool's connection string would)
bi() { PGOPTIONS="-c sqm.frozen_now=2026-02-15T12:00+01" psql -X -q -At -v ON_ERROR_STOP=1 -U "$role" -d "$db" "$@"; }

cleanup() {
	q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1
	q -d postgres -c "DROP ROLE IF EXISTS $role" >/dev/null 2>&1
}
trap cleanup EXIT
cleanup

q -d postgres -c "CREATE DATABASE $db" &&
	q -d "$db" -c "CREATE EXTENSION sqm" -c "SELECT sqm.create_roles()" >/dev/null &&
	q -d "$db" -f demo/load.sql >/dev/null
ok $? "the demo organisation loads"
org=$(q -d "$db" -c "SELECT org_id FROM sqm.organisation WHERE name = 'Socialförvaltningen, Alingsås kommun'")
q -d "$db" -c "CREATE ROLE $role LOGIN IN ROLE sqm_report_reader" \
	-c "SELECT sqm.grant_membership($org, '$role', 'report_reader')" >/dev/null
ok $? "a login role that is a report reader of it"

is "$(bi -c 'SHOW search_path')" '"$user", public' "it connects with the default search_path"

# the views, as a BI tool lists them
views=$(q -d "$db" -c "SELECT count(*) FROM sqm.stat_view")
is "$(bi -c "SELECT count(*) FROM information_schema.views v
             WHERE v.table_schema = 'sqm' AND v.table_name IN (SELECT c.relname FROM pg_class c JOIN sqm.stat_view s ON s.view_name = c.oid)")" \
	"$views" "information_schema lists every statistics view ($views) to it"
is "$(bi -c "SELECT count(*) FROM information_schema.columns c JOIN sqm.stat_view s ON s.view_name = format('sqm.%I', c.table_name)::regclass
             WHERE c.table_schema = 'sqm' AND c.data_type NOT IN ('bigint', 'integer', 'text', 'date', 'boolean')")" \
	"0" "with columns of plain types only"
is "$(bi -c "SELECT count(*) FROM sqm.stat_view s JOIN pg_attribute a ON a.attrelid = s.view_name AND a.attnum > 0
             WHERE col_description(s.view_name, a.attnum) IS NULL")" "0" "every column of them described"
is "$(bi -c "SELECT string_agg(label_sv, ' | ' ORDER BY label_sv) FROM sqm.label
             WHERE kind = 'stat_view' AND code IN ('stat_deviation_per_unit', 'stat_lex_sarah_per_unit')")" \
	"Avvikelser per enhet | Lex Sarah-utredningar per enhet" "and titled in sqm.label"

# filter by period text and by dates, with no sqm on the search_path
is "$(bi -c "SELECT cases || ' ' || previous_cases FROM sqm.stat_deviation_per_unit_total
             WHERE period = '2025' AND regime_group = 'SoL/LSS' AND attribution = 'today'")" \
	"121 93" "filtered by period text: 121 reports in 2025, 93 in 2024"
is "$(bi -c "SELECT string_agg(period || ':' || cases, ' ' ORDER BY first_day) FROM sqm.stat_deviation_per_unit_total
             WHERE first_day >= DATE '2025-01-01' AND last_day <= DATE '2025-12-31' AND period_kind = 'quarter'
               AND regime_group = 'SoL/LSS' AND attribution = 'today'")" \
	"2025Q1:30 2025Q2:32 2025Q3:23 2025Q4:36" "filtered by dates: the quarters of 2025"
is "$(bi -c "SELECT string_agg(period, ' ' ORDER BY first_day) FROM sqm.stat_period WHERE period LIKE '2025%' AND period_kind <> 'month'")" \
	"2025 2025Q1 2025Q2 2025Q3 2025Q4" "periods are text a tool can match"
is "$(bi -c "SELECT unit_name || ' ' || coalesce(cases::text, 'NULL') || ' ' || unit_existed FROM sqm.stat_deviation_per_unit
             WHERE period = '2025' AND regime_group = 'SoL/LSS' AND attribution = 'today' AND unit_name = 'Familjestöd'")" \
	"Familjestöd NULL false" "a unit that did not exist: NULL, and unit_existed false"
bi -c "SELECT '2025'::sqm.period = '2025'" >/dev/null 2>&1
is "$?" "1" "(sqm.period's own operators would need sqm on the path: the views give text)"

# no personal data: what the tool cannot read
is "$(bi -c "SELECT reported_at FROM sqm.deviation LIMIT 1" 2>&1 | grep -c 'permission denied')" "1" "no exact report time"
is "$(bi -c "SELECT count(*) FROM sqm.membership" 2>&1 | grep -c 'permission denied')" "1" "no membership (names, roles)"
is "$(bi -c "SELECT count(*) FROM sqm.deviation_detail" 2>&1 | grep -c 'permission denied')" "1" "no details (free text, who reported)"

# every per-row view sums to its total view, for 2025 (each
# row the reader reads passes row-level security, which makes this the slow
# part), and the period before too where the view has it
while IFS='|' read -r view total prev; do
	keys=$(q -d "$db" -c "SELECT string_agg(format('r.%1\$I IS NOT DISTINCT FROM t.%1\$I', a.attname), ' AND ')
	                        FROM pg_attribute a WHERE a.attrelid = '$total'::regclass AND a.attnum > 0
	                         AND a.attname <> ALL (sqm.stat_total_columns())")
	for what in cases $([ "$prev" = t ] && echo previous_cases); do
		counted=counted_in_several_rows
		[ "$what" = previous_cases ] && counted=previous_counted_in_several_rows
		res=$(bi -c "SELECT count(*) || ' ' || count(*) FILTER (WHERE t.$what + t.$counted IS DISTINCT FROM
		                    (SELECT coalesce(sum(r.$what), 0) FROM $view r WHERE $keys))
		               FROM $total t WHERE t.period = '2025'")
		checked=${res% *}
		[ "${res#* }" = 0 ] && [ "$checked" -gt 0 ]
		ok $? "$view: $what summed over its rows = $what + $counted of $total ($checked total rows)"
	done
done < <(q -d "$db" -c "SELECT v.view_name, v.total_view,
                               EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = v.view_name AND a.attname = 'previous_cases')
                          FROM sqm.stat_view v WHERE v.total_view IS NOT NULL ORDER BY v.ord" | sed 's/|t$/|t/')

# the published 21 against 20: the sum of the unit rows and the total disagree, and the total says why
is "$(bi -c "SELECT t.previous_cases || ' ' || t.previous_counted_in_several_rows || ' ' ||
                    (SELECT sum(r.previous_cases) FROM sqm.stat_lex_sarah_per_unit r
                      WHERE r.period = t.period AND r.attribution = t.attribution)
               FROM sqm.stat_lex_sarah_per_unit_total t WHERE t.period = '2025' AND t.attribution = 'today'")" \
	"20 1 21" "lex Sarah 2024: 20 investigations, 1 counted in a second unit, unit rows 21"

# the DBA's one line (README, "Statistics for BI tools") puts sqm on the search_path
q -d "$db" -c "ALTER DATABASE $db SET search_path = \"\$user\", public, sqm"
ok $? "ALTER DATABASE $db SET search_path = \"\$user\", public, sqm"
is "$(bi -c 'SHOW search_path')" '"$user", public, sqm' "a new session has sqm on its search_path"
is "$(bi -c "SELECT reports FROM stat_deviation_summary WHERE period = '2025' AND regime_group = 'SoL/LSS'")" "121" \
	"the views without schema names"
is "$(bi -c "SELECT '2025'::period = '2025' AND '2025-03-17'::date <@ '2025Q1'::period")" "t" "and sqm.period's operators"

echo "1..$n"
exit $failed
