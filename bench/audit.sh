#!/usr/bin/env bash
# Overhead of the audit trigger (cases in bench/audit.sql): runs each case
# in a session of its own, RUNS times in turn, and reports the median CPU time
# of the server process (utime + stime from /proc, which a busy or virtual
# machine disturbs far less than wall time) and the ratios to the baselines.
# Needs the server on this machine, a database with sqm, and PGHOST/PGPORT/
# PGUSER set.  Usage: bench/audit.sh DB [N] [RUNS]
set -euo pipefail
db=$1; n=${2:-100000}; runs=${3:-7}
cd "$(dirname "$0")"
psql -X -q -d "$db" -f audit.sql >/dev/null
hz=$(getconf CLK_TCK)
for r in $(seq 1 "$runs"); do
	for w in 'insert baseline' 'insert baseline+keys' 'insert audited' 'update baseline' 'update baseline+keys' 'update audited'; do
		psql -X -q -d "$db" -c CHECKPOINT
		coproc P { psql -X -q -At -d "$db" 2>&1; }
		echo "SELECT pg_backend_pid();" >&"${P[1]}"; read -r pid <&"${P[0]}"
		c0=$(awk '{print $14+$15}' /proc/"$pid"/stat); t0=$(date +%s%N)
		echo "SET sqm.actor = 'anna.andersson'; SELECT bench_run('$w', $r, $n) IS NULL;" >&"${P[1]}"; read -r _ <&"${P[0]}"
		c1=$(awk '{print $14+$15}' /proc/"$pid"/stat); t1=$(date +%s%N)
		echo '\q' >&"${P[1]}"; wait "$P_PID" 2>/dev/null || true
		psql -X -q -d "$db" -c "INSERT INTO bench_times VALUES ('$w', $r, $(( (c1 - c0) * 1000 / hz )), $(( (t1 - t0) / 1000000 )))"
	done
done
psql -X -d "$db" <<'SQL'
SELECT what, round(percentile_cont(0.5) WITHIN GROUP (ORDER BY cpu_ms)::numeric) AS median_cpu_ms,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY wall_ms)::numeric) AS median_wall_ms
  FROM bench_times GROUP BY what ORDER BY what;
SELECT s.op, round((a.m / b.m)::numeric, 2) AS cpu_audited_to_baseline,
       round((a.m / k.m)::numeric, 2) AS cpu_audited_to_baseline_with_keys
  FROM (VALUES ('insert'), ('update')) s(op),
       LATERAL (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY cpu_ms) AS m FROM bench_times WHERE what = s.op || ' audited') a,
       LATERAL (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY cpu_ms) AS m FROM bench_times WHERE what = s.op || ' baseline') b,
       LATERAL (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY cpu_ms) AS m FROM bench_times WHERE what = s.op || ' baseline+keys') k;
SQL
