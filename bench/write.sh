#!/usr/bin/env bash
# The write benchmarks of issue 11 (bench/run.sh runs them as part "write"):
# a report and a move through the API against baselines (a) -- the same rows
# into tables with the same keys and indexes, nothing else -- and (b) -- the
# same rows into unconstrained tables (bench/write.sql), in a batch and one
# per transaction (pgbench, synchronous_commit = off); the breakdown of a
# report's cost; both paths of the log appends; eight clients on eight
# organisations and on one, with their wait events.  Every comparison is
# interleaved, at least 9 rounds, median and spread (bench/lib/ab.sh).
# Usage: bench/write.sh DB (PGHOST/PGPORT/PGUSER set); BENCH_QUICK=1 for a
# short run; BENCH_ROUNDS, BENCH_WRITE_N (reports per batch) and
# BENCH_SECONDS (per pgbench run) override the sizes.
set -euo pipefail
db=$1
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/ab.sh"
quick=${BENCH_QUICK:-0}
rounds=${BENCH_ROUNDS:-9}
n=${BENCH_WRITE_N:-$([ "$quick" = 1 ] && echo 300 || echo 2000)}
secs=${BENCH_SECONDS:-$([ "$quick" = 1 ] && echo 2 || echo 8)}
cores=$(nproc)
work=$(mktemp -d)
export AB_RAW=$work/raw.tsv
trap 'rm -rf "$work"' EXIT

psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f "$here/write.sql" >/dev/null
q() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" "$@"; }
batch() { q -c "BEGIN" -c "SELECT round(bench_report('$1', $n)::numeric, 2)" -c "ROLLBACK"; }
move() { q -c "SELECT round(bench_move('$1', $n)::numeric, 2)"; }

cat >"$work/api.sql" <<'SQL'
\set org :client_id + 1
SELECT sqm.report_deviation(:org, :org, 'SoL', '2025-03-01', 'Händelse', '{info}', '2025-03-02');
SQL
cat >"$work/api_one.sql" <<'SQL'
SELECT sqm.report_deviation(1, 1, 'SoL', '2025-03-01', 'Händelse', '{info}', '2025-03-02');
SQL
for p in a b; do
	printf '\\set org :client_id + 1\nSELECT bare_report('"'"'%s'"'"', :org, :org);\n' "$p" >"$work/$p.sql"
done
# TPS of a pgbench run: clients, script; synchronous_commit off, as the member
tps() {
	PGOPTIONS="-c synchronous_commit=off -c role=bench_member" \
		pgbench -n -M prepared -c "$1" -j "$1" -T "$secs" -f "$work/$2.sql" "$db" 2>&1 |
		sed -n 's/^tps = \([0-9.]*\) (without initial connection time)/\1/p'
}
# µs per transaction of the system: 1e6 / TPS
cost() { awk -v t="$(tps "$1" "$2")" 'BEGIN { if (t > 0) printf "%.2f\n", 1e6 / t; else print "nan" }'; }

echo "rounds $rounds; batch $n reports; pgbench ${secs}s per run; $cores cores"
echo

T1="report, batch of $n in one transaction (µs per report)"
ab_compare "$T1" "$rounds" \
	"(a) keys and indexes" "batch a" \
	"(b) unconstrained" "batch b" \
	"S1 sqm's tables, no triggers" "batch S1" \
	"S2 + foreign keys" "batch S2" \
	"S3 + C rules (lifecycle, row checks)" "batch S3" \
	"S4 + audit trail" "batch S4" \
	"S5 + outbox row (INSERT, all triggers)" "batch S5" \
	"API as superuser" "batch api_su" \
	"API (member)" "batch api" \
	"API (member), appends through SPI" "batch api_spi"
echo "   against (b): API $(ab_ratio "$T1" "API (member)" "(b) unconstrained"), (a) $(ab_ratio "$T1" "(a) keys and indexes" "(b) unconstrained")"
m() { echo "${AB_MEDIAN[$1]}"; }
d() { awk -v x="$(m "$1")" -v y="$(m "$2")" 'BEGIN { printf "%7.1f", x - y }'; }
echo "-- breakdown of a report (µs, differences of the medians above)"
echo "   (a) the rows themselves                 $(m '(a) keys and indexes')"
echo "   executor and checks (sqm's tables)     $(d 'S1 sqm'"'"'s tables, no triggers' '(a) keys and indexes')"
echo "   foreign keys                           $(d 'S2 + foreign keys' 'S1 sqm'"'"'s tables, no triggers')"
echo "   C rules (lifecycle, row checks, days)  $(d 'S3 + C rules (lifecycle, row checks)' 'S2 + foreign keys')"
echo "   audit (2 events, 2 kept values)        $(d 'S4 + audit trail' 'S3 + C rules (lifecycle, row checks)')"
echo "   outbox                                 $(d 'S5 + outbox row (INSERT, all triggers)' 'S4 + audit trail')"
echo "   wrapper (API function)                 $(d 'API as superuser' 'S5 + outbox row (INSERT, all triggers)')"
echo "   authorisation (member vs superuser)    $(d 'API (member)' 'API as superuser')"
echo "   SPI path instead of direct appends     $(d 'API (member), appends through SPI' 'API (member)')"
echo "   target: API ≤ 3× (a): ${AB_RATIO[API (member)]}×"
echo

T2="report, one per transaction, 1 pgbench client (µs per transaction)"
ab_compare "$T2" "$rounds" \
	"(a) keys and indexes" "cost 1 a" \
	"(b) unconstrained" "cost 1 b" \
	"API (member)" "cost 1 api"
echo "   against (b): API $(ab_ratio "$T2" "API (member)" "(b) unconstrained"), (a) $(ab_ratio "$T2" "(a) keys and indexes" "(b) unconstrained")"
echo "   target: API ≤ 2× (a): ${AB_RATIO[API (member)]}×"
echo

T3="move triaged -> investigating, batch of $n (µs per move)"
ab_compare "$T3" "$rounds" \
	"(a) keys and indexes" "move a" \
	"(b) unconstrained" "move b" \
	"API sqm.move_object (member)" "move api" \
	"API, appends through SPI" "move api_spi"
echo "   against (b): API $(ab_ratio "$T3" "API sqm.move_object (member)" "(b) unconstrained")"
echo "   target: API ≤ 3× (a): ${AB_RATIO[API sqm.move_object (member)]}×"
echo

T4="reports through the API, 8 clients each on its own organisation against 1 client (µs per transaction of the system)"
ab_compare "$T4" "$rounds" \
	"1 client" "cost 1 api" \
	"8 clients, client i on organisation i" "cost 8 api"
scale=$(awk -v r="${AB_RATIO[8 clients, client i on organisation i]}" 'BEGIN { printf "%.2f", 1 / r }')
need=$(awk -v c="$cores" 'BEGIN { printf "%.2f", 0.7 * (c < 8 ? c : 8) }')
echo "   8 clients reach ${scale}× the single client's TPS (median of the rounds); target ≥ 0.7 × min(8, $cores) = ${need}×"
echo

waits() {
	local run=$1 script=$2 out
	q -c "DELETE FROM bench_wait WHERE run = '$run'"
	psql -X -q -d "$db" -c "CALL bench_sample('$run', $secs)" &
	local sampler=$!
	out=$(tps 8 "$script")
	wait "$sampler"
	echo "   $run: $out TPS with 8 clients; wait events of active clients, sampled every 100 ms:"
	q -F ' ' -c "SELECT '     ' || rpad(wait, 34) || lpad(count(*)::text, 6) || lpad(round(100.0 * count(*) / sum(count(*)) OVER (), 1)::text, 7) || ' %'
	               FROM bench_wait WHERE run = '$run' GROUP BY wait ORDER BY count(*) DESC"
	echo "     Lock:object samples: $(q -c "SELECT count(*) FROM bench_wait WHERE run = '$run' AND wait = 'Lock:object'")"
}
echo "-- wait events (one run each)"
waits "8 organisations" api
waits "1 organisation" api_one
