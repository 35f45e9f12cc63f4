-- Deadline engine at scale (make bench): the open obligations and the sweep
-- over BENCH_OBJECTS deviations (default 10 000 000) of which a realistic few
-- are still open (0.1 % not yet triaged), loaded with triggers off.  Times are
-- the best of three; the plan of the open-obligations query is shown.
\set ON_ERROR_STOP 1
\pset footer off
SET sqm.frozen_now = '2025-12-15 10:00+01';
SELECT sqm.create_organisation('Skala', 'SN') AS org \gset
SELECT sqm.create_unit(:org, 'Enhet', 'unit', '2000-01-01') AS unit \gset
SELECT sqm.add_deviation_type(:org, 'info', 'Information', 'Information', '2000-01-01');

SET session_replication_role = replica;
INSERT INTO sqm.deviation (org_id, state, unit_id, regime, happened_at, reported_at, types,
                           severity, triaged_at, investigated_at, closed_at)
SELECT :org, CASE WHEN g % 1000 = 0 THEN 'reported' ELSE 'closed' END, :unit, 'SoL',
       t - interval '1 day', t, '{info}',
       CASE WHEN g % 1000 <> 0 THEN 'low' END,
       CASE WHEN g % 1000 <> 0 THEN t + interval '1 day' END,
       CASE WHEN g % 1000 <> 0 THEN t + interval '10 days' END,
       CASE WHEN g % 1000 <> 0 THEN t + interval '20 days' END
  FROM generate_series(1, current_setting('bench.objects')::bigint) g,
       LATERAL (SELECT timestamptz '2015-01-01 08:00+01' + (g % 3900) * interval '1 day' + (g % 480) * interval '1 minute' AS t) x;
INSERT INTO sqm.deviation_detail (org_id, id, reported_by, description, summary, no_measure_reason)
SELECT d.org_id, d.id, 'bench', 'Händelse',
       CASE WHEN d.state = 'closed' THEN 'Utrett' END, CASE WHEN d.state = 'closed' THEN 'Ingen åtgärd behövs' END
  FROM sqm.deviation d WHERE d.org_id = :org;
RESET session_replication_role;
VACUUM ANALYZE sqm.deviation;

SELECT count(*) AS deviations, count(*) FILTER (WHERE triaged_at IS NULL) AS open_untriaged
  FROM sqm.deviation WHERE org_id = :org;

CREATE FUNCTION best_ms_dl(q text) RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz; best numeric;
BEGIN
    FOR i IN 1 .. 3 LOOP
        t0 := clock_timestamp();
        EXECUTE q;
        best := least(best, extract(epoch FROM clock_timestamp() - t0) * 1000);
    END LOOP;
    RETURN round(best, 1);
END $$;

SELECT 'open obligations (sqm.obligations(org, open_only => true))' AS measure,
       best_ms_dl(format('SELECT count(*) FROM sqm.obligations(%s, open_only => true)', :org)) AS "best of 3 (ms)", 50 AS "target (ms)"
UNION ALL
SELECT 'overdue obligations (sqm.obligation view, status overdue)',
       best_ms_dl(format($q$SELECT count(*) FROM sqm.obligations(%s, open_only => true) WHERE status = 'overdue'$q$, :org)), 50
UNION ALL
SELECT 'sqm.sweep() (first run writes, later runs find nothing new)',
       best_ms_dl('SELECT sqm.sweep()'), 50;

\echo 'The plans of the open-obligations query (auto_explain, nested statements):'
LOAD 'auto_explain';
SET auto_explain.log_min_duration = 0;
SET auto_explain.log_nested_statements = on;
SET auto_explain.log_analyze = on;
SET auto_explain.log_timing = off;
SET auto_explain.log_level = notice;
SELECT count(*) FROM sqm.obligations(:org, kind => 'deviation', open_only => true);
RESET auto_explain.log_min_duration;
