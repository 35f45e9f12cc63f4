-- What make bench measures on the national databases (bench/national.sql),
-- as lists of statements for bench_timing.run (bench/timing.sql).
\set ON_ERROR_STOP 1

-- One organisation's whole yearly report: every statistics view registered in
-- sqm.stat_view (and its total view), filtered by the organisation and the
-- period, as a BI tool or the report document reads them; the summaries also
-- for every year (the multi-year tables).  Views registered later (another
-- kind's tables) are read too.
CREATE OR REPLACE FUNCTION bench_timing.report_statements(org bigint, period text) RETURNS text[]
LANGUAGE sql STABLE AS $$
    SELECT array_agg(s ORDER BY ord, k)
      FROM (SELECT v.ord, 1 AS k, format('SELECT * FROM %s WHERE org_id = %s AND period = %L', v.view_name, org, period) AS s
              FROM sqm.stat_view v
            UNION ALL
            SELECT v.ord, 2, format('SELECT * FROM %s WHERE org_id = %s AND period_kind = %L', v.view_name, org, 'year')
              FROM sqm.stat_view v
             WHERE v.view_name::text LIKE '%summary') x
$$;

-- The deadline engine over every organisation: the open obligations, those
-- overdue or due soon, and the sweep.
CREATE OR REPLACE FUNCTION bench_timing.obligation_statements() RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
    SELECT ARRAY['SELECT * FROM sqm.obligations(open_only => true)']
$$;
CREATE OR REPLACE FUNCTION bench_timing.sweep_statements() RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
    SELECT ARRAY['SELECT sqm.sweep()']
$$;
