#!/usr/bin/env bash
# make bench: sqm's benchmarks on a throwaway cluster.  Prints the machine, then
# each measurement beside its baseline measured in the same run, as a ratio.
# Not part of the tests.  BENCH_N (default 10000) rows per measurement,
# BENCH_MOVES (default 1000000) moves for the memory check.  BENCH_QUICK=1
# runs every part with small sizes, in a few minutes; BENCH_ONLY=write|
# kinds|engine|audit|national runs one part (deadlines: the national part,
# which measures the deadline engine over every organisation).  The national
# part (bench/national.sh) has its own settings (BENCH_SIZE=quick, BENCH_ORGS …).
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/cluster.sh
export PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}

tools/deps.sh
make -s >/dev/null
work=$(mktemp -d /tmp/sqm-bench.XXXXXX)
chmod 755 "$work"
trap 'cluster_remove "$work"' EXIT
make -s install DESTDIR="$work/ext" >/dev/null
port=$(cluster_free_port 54600)
cluster_start "$work" "$port" "$work/ext"

if [ "${BENCH_QUICK:-0}" = 1 ]; then
	: "${BENCH_N:=1000}" "${BENCH_MOVES:=100000}" "${BENCH_AUDIT_N:=20000}" "${BENCH_SIZE:=quick}"
	export BENCH_SIZE
fi

echo "== machine"
echo "host:   $(uname -srm)"
echo "cpu:    $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//') × $(nproc)"
echo "memory: $(free -h | awk '/^Mem:/ {print $2}')"
echo "server: $(psql -X -At -d postgres -c 'SHOW server_version')"
echo

psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE sqm_bench"
psql -X -q -v ON_ERROR_STOP=1 -d sqm_bench -c "CREATE EXTENSION sqm"
psql -X -q -v ON_ERROR_STOP=1 -d sqm_bench -c "ALTER DATABASE sqm_bench SET bench.moves = ${BENCH_MOVES:-1000000}"

# BENCH_ONLY=write|kinds|engine|audit|national runs one part (deadlines: the
# national part, which measures the deadline engine over every organisation).
only=${BENCH_ONLY:-all}
if [ "$only" = all ] || [ "$only" = write ]; then
	echo "== writes against the physical limit (bench/write.sh; issue 11)"
	psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE sqm_bench_write"
	psql -X -q -v ON_ERROR_STOP=1 -d sqm_bench_write -c "CREATE EXTENSION sqm"
	bench/write.sh sqm_bench_write
	echo
fi
if [ "$only" = all ] || [ "$only" = kinds ]; then
	echo "== registering a complaint and a personal data incident against the write baselines (bench/kinds.sh; issue 16)"
	psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE sqm_bench_kinds"
	psql -X -q -v ON_ERROR_STOP=1 -d sqm_bench_kinds -c "CREATE EXTENSION sqm"
	bench/kinds.sh sqm_bench_kinds
	echo
fi
if [ "$only" = all ] || [ "$only" = engine ]; then
	echo "== engine and API against bare baselines (bench/bench.sql)"
	psql -X -q -v ON_ERROR_STOP=1 -d sqm_bench -v n="${BENCH_N:-10000}" -f bench/bench.sql
fi
if [ "$only" = all ] || [ "$only" = audit ]; then
	echo
	echo "== audit trail overhead (server CPU time, median of 5; bench/audit.sh)"
	bench/audit.sh sqm_bench "${BENCH_AUDIT_N:-100000}" 5
fi
if [ "$only" = all ] || [ "$only" = national ] || [ "$only" = deadlines ]; then
	echo
	echo "== the yearly report and the deadline engine at national scale (bench/national.sh)"
	bench/national.sh "$work"
fi
