-- Timing helpers of make bench, installed in each database measured (schema
-- bench_timing, not part of sqm).  bench/interleave.sql calls them over
-- dblink from one controlling session, so that each database keeps one warm
-- session for the whole run.
\set ON_ERROR_STOP 1
CREATE SCHEMA IF NOT EXISTS bench_timing;

-- Run statements in order, results discarded, and return the elapsed server
-- time in milliseconds.  Each statement is parsed and planned as a client's
-- would be (EXECUTE): planning is part of the time.
CREATE OR REPLACE FUNCTION bench_timing.run(statements text[]) RETURNS numeric
LANGUAGE plpgsql AS $$
DECLARE
    t0  timestamptz := clock_timestamp();
    s   text;
BEGIN
    FOREACH s IN ARRAY statements LOOP
        EXECUTE s;
    END LOOP;
    RETURN round(extract(epoch FROM clock_timestamp() - t0) * 1000, 2);
END
$$;

-- As run, but each statement's time apart (to find the slowest).
CREATE OR REPLACE FUNCTION bench_timing.each(statements text[]) RETURNS TABLE (n integer, ms numeric, statement text)
LANGUAGE plpgsql AS $$
DECLARE
    t0  timestamptz;
BEGIN
    FOR i IN 1 .. cardinality(statements) LOOP
        t0 := clock_timestamp();
        EXECUTE statements[i];
        n := i; ms := round(extract(epoch FROM clock_timestamp() - t0) * 1000, 2); statement := statements[i];
        RETURN NEXT;
    END LOOP;
END
$$;
