#!/usr/bin/env bash
# The benchmarks of issue 16 (bench/run.sh runs them as part "kinds"):
# registering a complaint (sqm.register_complaint) and a personal data
# incident (sqm.report_data_incident) through the API against the
# baselines of the write benchmark (bench/write.sh) -- (a) the same eight
# rows into tables with the same keys and indexes, nothing else, and (b)
# into unconstrained tables (bench/kinds.sql) -- in a batch and one per
# transaction (pgbench, synchronous_commit = off), with a deviation report
# through the API beside them for reference.  Every comparison is
# interleaved, at least 9 rounds, median and spread (bench/lib/ab.sh).
# Usage: bench/kinds.sh DB (PGHOST/PGPORT/PGUSER set); BENCH_QUICK=1 for a
# short run; BENCH_ROUNDS, BENCH_WRITE_N (registrations per batch) and
# BENCH_SECONDS (per pgbench run) override the sizes.
set -euo pipefail
db=$1
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/ab.sh"
quick=${BENCH_QUICK:-0}
rounds=${BENCH_ROUNDS:-9}
n=${BENCH_WRITE_N:-$([ "$quick" = 1 ] && echo 300 || echo 2000)}
secs=${BENCH_SECONDS:-$([ "$quick" = 1 ] && echo 2 || echo 8)}
work=$(mktemp -d)
export AB_RAW=$work/raw.tsv
trap 'rm -rf "$work"' EXIT

psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f "$here/kinds.sql" >/dev/null
q() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" "$@"; }
batch() { q -c "BEGIN" -c "SELECT round(bench_register('$1', '$2', $n)::numeric, 2)" -c "ROLLBACK"; }

# pgbench scripts: client i registers in organisation i + 1
for k in complaint incident deviation; do
	printf '\\set org :client_id + 1\nSELECT api_register('"'"'%s'"'"', :org);\n' "$k" >"$work/api_$k.sql"
	for p in a b; do
		printf '\\set org :client_id + 1\nSELECT bare_register('"'"'%s'"'"', '"'"'%s'"'"', :org, :org);\n' "$p" "$k" >"$work/${p}_$k.sql"
	done
done
tps() {
	PGOPTIONS="-c synchronous_commit=off -c role=bench_member" \
		pgbench -n -M prepared -c "$1" -j "$1" -T "$secs" -f "$work/$2.sql" "$db" 2>&1 |
		sed -n 's/^tps = \([0-9.]*\) (without initial connection time)/\1/p'
}
cost() { awk -v t="$(tps "$1" "$2")" 'BEGIN { if (t > 0) printf "%.2f\n", 1e6 / t; else print "nan" }'; }

echo "rounds $rounds; batch $n registrations; pgbench ${secs}s per run; $(nproc) cores"
echo "rows of one registration: the case, its details, 2 audit events, 2 kept values, the outbox row, the registry entry"
echo

for k in complaint incident; do
	case $k in
	complaint) what="complaint (sqm.register_complaint)" ;;
	incident) what="personal data incident (sqm.report_data_incident)" ;;
	esac
	T="register a $what, batch of $n in one transaction (µs per registration)"
	ab_compare "$T" "$rounds" \
		"(a) keys and indexes" "batch a $k" \
		"(b) unconstrained" "batch b $k" \
		"API (member)" "batch api $k" \
		"for reference: a deviation report, API (member)" "batch api deviation"
	echo "   against (b): API $(ab_ratio "$T" "API (member)" "(b) unconstrained"), (a) $(ab_ratio "$T" "(a) keys and indexes" "(b) unconstrained")"
	echo "   target (as a deviation report, bench/write.sh): API ≤ 3× (a): ${AB_RATIO[API (member)]}×"
	echo

	T="register a $what, one per transaction, 1 pgbench client (µs per transaction)"
	ab_compare "$T" "$rounds" \
		"(a) keys and indexes" "cost 1 a_$k" \
		"(b) unconstrained" "cost 1 b_$k" \
		"API (member)" "cost 1 api_$k"
	echo "   against (b): API $(ab_ratio "$T" "API (member)" "(b) unconstrained"), (a) $(ab_ratio "$T" "(a) keys and indexes" "(b) unconstrained")"
	echo "   target (as a deviation report, bench/write.sh): API ≤ 2× (a): ${AB_RATIO[API (member)]}×"
	echo
done
