#!/usr/bin/env bash
# make bench, part national (BENCH_ONLY=national): the yearly report and the
# deadline engine at national scale (issue 15).  bench/run.sh calls it with
# its throwaway cluster running (PGHOST, PGPORT, PGUSER set) and its data
# directory as $1.
#
# Builds two databases with bench/national.sql -- the national one, ORGS
# organisations × 10 years (300: about 10 M deviations), and one ten times
# smaller (ORGS / 10 organisations, each as big) -- checks what was built
# (bench/national_check.sql), then measures, warm and interleaved with the
# smaller database as the baseline (bench/interleave.sql):
#
#   one organisation's whole report   ≤ 50 ms, and ≤ 1.2 × its time in the smaller database
#   sqm.obligations(open_only)        ≤ 50 ms over every organisation
#   sqm.sweep()                       ≤ 50 ms over every organisation (steady state:
#                                     a sweep announced the backlog as the database
#                                     was built, and VACUUM covered its events)
#   a CPU check (no target)           a fixed CPU-bound query, interleaved the same way
#
# with both timed sessions on one CPU, each CPU in turn (taskset): the CPUs
# of a shared machine need not be equally fast, and a session's speed would
# otherwise be that of the CPU the scheduler happened to leave it on.
# and prints the plan of the slowest statement.
#
#   BENCH_SIZE=quick        30 and 3 organisations (about 1 M and 100 000 deviations;
#                           a few minutes)
#   BENCH_ORGS=N            organisations of the national database (default 300)
#   BENCH_PER_YEAR=N        deviations per organisation and year (default 3333)
#   BENCH_ROUNDS=N          interleaved rounds (default 9)
#   BENCH_SHARED_BUFFERS=S  the server's shared_buffers (default 1GB)
set -euo pipefail
cd "$(dirname "$0")/.."
data=$1
. tools/cluster.sh

case ${BENCH_SIZE:-national} in
	quick) orgs=${BENCH_ORGS:-30} ;;
	*) orgs=${BENCH_ORGS:-300} ;;
esac
small=$(( orgs / 10 > 0 ? orgs / 10 : 1 ))
per_year=${BENCH_PER_YEAR:-3333}
rounds=${BENCH_ROUNDS:-9}
big_db=sqm_national
small_db=sqm_national_small
sql() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }

# The server as a DBA would set it for this size; printed with the figures.
sql -d postgres -c "ALTER SYSTEM SET shared_buffers = '${BENCH_SHARED_BUFFERS:-1GB}'" \
	-c "ALTER SYSTEM SET max_wal_size = '8GB'" -c "ALTER SYSTEM SET maintenance_work_mem = '512MB'"
_as_owner "$PGBIN/pg_ctl" -D "$data/data" -w restart >/dev/null

echo "server: shared_buffers $(psql -X -At -d postgres -c 'SHOW shared_buffers'), work_mem $(psql -X -At -d postgres -c 'SHOW work_mem'), jit $(psql -X -At -d postgres -c 'SHOW jit') (the statistics and deadline functions set jit = off themselves)"
echo "disk:   $(df -h "$data" | awk 'NR == 2 {print $4 " free on " $6}')"

for spec in "$small_db $small" "$big_db $orgs"; do
	set -- $spec
	start=$(date +%s)
	sql -d postgres -c "CREATE DATABASE $1"
	sql -d "$1" -c "CREATE EXTENSION sqm"
	sql -d "$1" -v orgs="$2" -v per_year="$per_year" -f bench/national.sql
	sql -d "$1" -c "VACUUM (ANALYZE)"
	echo "built $1: $2 organisations × 10 years × $per_year deviations, $(psql -X -At -d "$1" -c "SELECT pg_size_pretty(pg_database_size(current_database()))"), in $(( $(date +%s) - start )) s"
	sql -d "$1" -f bench/timing.sql -f bench/national_queries.sql
done
echo
echo "What the national database holds, and whether its bypass of the API left a state the API could have produced (bench/national_check.sql):"
psql -X -q -v ON_ERROR_STOP=1 -d "$big_db" -f bench/national_check.sql

sql -d postgres -f bench/interleave.sql
dsn="host=$PGHOST port=$PGPORT user=$PGUSER"
setup="SET sqm.frozen_now = '2026-02-15 12:00+01'"
org=$(psql -X -At -d "$big_db" -c "SELECT min(org_id) FROM sqm.organisation")
small_org=$(psql -X -At -d "$small_db" -c "SELECT min(org_id) FROM sqm.organisation")
statements=$(psql -X -At -d "$big_db" -c "SELECT cardinality(bench_timing.report_statements($org, '2025'))")

# Quiet before timing: what building left to write is written, and no
# autovacuum worker (the databases were just vacuumed, but autovacuum may
# still visit them) shares the two cores with the timings.
psql -X -q -d postgres -c CHECKPOINT
for i in $(seq 120); do
	[ "$(psql -X -At -d postgres -c "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'")" = 0 ] && break
	sleep 1
done
echo
echo "load:   $(cut -d' ' -f1-3 /proc/loadavg) (1, 5 and 15 minutes) on $(nproc) cores, before the timings"
echo "Timings (server time, ms): median (lowest–highest) of $rounds interleaved rounds after one untimed run;"
echo "baseline: the database of $small organisations; the ratio is national / baseline, round by round."
echo "Both timed sessions run on one CPU, each CPU in turn (taskset): the CPUs of a shared machine"
echo "need not be equally fast (the one this was written on had one about 1.5 × slower than the other),"
echo "and a session's speed would otherwise be that of the CPU the scheduler left it on."
pids=$(mktemp)
for cpu in $(seq 0 $(( $(nproc) - 1 ))); do
echo
echo "On CPU $cpu:"
psql -X -q -v ON_ERROR_STOP=1 -d postgres <<EOF
\pset footer off
SELECT bench_ab.connect('small', 'dbname=$small_db $dsn', \$\$$setup\$\$);
SELECT bench_ab.connect('national', 'dbname=$big_db $dsn', \$\$$setup\$\$);
\pset tuples_only on
SELECT p.pid FROM unnest(ARRAY['small', 'national']) c, LATERAL dblink(c, 'SELECT pg_backend_pid()') AS p(pid integer) \g $pids
\pset tuples_only off
\! for p in \$(cat $pids); do taskset -pc $cpu \$p >/dev/null; done
CREATE TEMP TABLE result (n integer, measure text, target text, limit_ms numeric, limit_ratio numeric,
                          a_median numeric, a_low numeric, a_high numeric, b_median numeric, b_low numeric, b_high numeric,
                          ratio_median numeric, ratio_low numeric, ratio_high numeric);
INSERT INTO result
SELECT 1, 'one organisation''s report 2025 ($statements statements)', '≤ 50 ms, ≤ 1.2 × baseline', 50, 1.2, c.*
  FROM bench_ab.compare('small', \$\$SELECT bench_timing.run(bench_timing.report_statements($small_org, '2025'))\$\$,
                        'national', \$\$SELECT bench_timing.run(bench_timing.report_statements($org, '2025'))\$\$, $rounds) c;
INSERT INTO result
SELECT 2, 'sqm.obligations(open_only => true), every organisation', '≤ 50 ms', 50, NULL, c.*
  FROM bench_ab.compare('small', 'SELECT bench_timing.run(bench_timing.obligation_statements())',
                        'national', 'SELECT bench_timing.run(bench_timing.obligation_statements())', $rounds) c;
INSERT INTO result
SELECT 3, 'sqm.sweep(), every organisation', '≤ 50 ms', 50, NULL, c.*
  FROM bench_ab.compare('small', 'SELECT bench_timing.run(bench_timing.sweep_statements())',
                        'national', 'SELECT bench_timing.run(bench_timing.sweep_statements())', $rounds) c;
-- the CPU's own speed, for reading the figures above: a fixed CPU-bound
-- query in both sessions, interleaved the same way
INSERT INTO result
SELECT 4, 'CPU check, no target: count of 1 M generated rows', '', NULL, NULL, c.*
  FROM bench_ab.compare('small', \$\$SELECT bench_timing.run(ARRAY['SELECT count(*) FROM pg_catalog.generate_series(1, 1000000)'])\$\$,
                        'national', \$\$SELECT bench_timing.run(ARRAY['SELECT count(*) FROM pg_catalog.generate_series(1, 1000000)'])\$\$, $rounds) c;
SELECT measure AS "measure",
       format('%s (%s–%s)', a_median, a_low, a_high) AS "$small organisations",
       format('%s (%s–%s)', b_median, b_low, b_high) AS "$orgs organisations",
       format('%s (%s–%s)', ratio_median, ratio_low, ratio_high) AS "ratio",
       target AS "target",
       CASE WHEN limit_ms IS NULL THEN ''
            WHEN b_median <= limit_ms AND (limit_ratio IS NULL OR ratio_median <= limit_ratio) THEN 'met' ELSE 'NOT MET' END AS " "
  FROM result ORDER BY n;
EOF
done
rm -f "$pids"

echo
echo "The slowest statements at national scale (one run each, warm):"
all="bench_timing.report_statements($org, '2025') || bench_timing.obligation_statements() || bench_timing.sweep_statements()"
psql -X -q -v ON_ERROR_STOP=1 -d "$big_db" <<EOF
\pset footer off
$setup;
SELECT count(*) FROM bench_timing.each($all) \g /dev/null
DROP TABLE IF EXISTS bench_timing.last_each;
CREATE TABLE bench_timing.last_each AS SELECT * FROM bench_timing.each($all);
SELECT ms AS "ms", statement AS "statement" FROM bench_timing.last_each ORDER BY ms DESC LIMIT 5;
EOF
slowest=$(psql -X -q -At -v ON_ERROR_STOP=1 -d "$big_db" -c "SELECT statement FROM bench_timing.last_each ORDER BY ms DESC LIMIT 1")
echo
echo "Its plan, and the plans of the queries of the functions it calls that take 1 ms or more (auto_explain, ANALYZE):"
psql -X -q -v ON_ERROR_STOP=1 -d "$big_db" 2>&1 <<EOF | sed -e 's/^NOTICE:  //'
\o /dev/null
$setup;
$slowest;
LOAD 'auto_explain';
SET auto_explain.log_min_duration = 1;
SET auto_explain.log_nested_statements = on;
SET auto_explain.log_analyze = on;
SET auto_explain.log_buffers = on;
SET auto_explain.log_level = notice;
SET client_min_messages = notice;
$slowest;
EOF
