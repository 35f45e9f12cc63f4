-- A/B timing of make bench: one controlling session keeps one dblink session
-- open to each database measured, warms both (one untimed run), then runs
-- the baseline and the candidate alternately (A B, B A, A B …: the order
-- flips each round, so that neither always runs second), and gives the
-- median and the spread (lowest–highest) of each, and of the ratio B / A of
-- each round.  The databases measure themselves (bench_timing.run,
-- bench/timing.sql); the times are server times.  Small and apart from the
-- other benchmarks so that it can be merged with another harness.
\set ON_ERROR_STOP 1
CREATE EXTENSION IF NOT EXISTS dblink;
CREATE SCHEMA IF NOT EXISTS bench_ab;

-- Open (once) a named session to a database, with the statements that set it
-- up (e.g. the bench's frozen now).
CREATE OR REPLACE FUNCTION bench_ab.connect(name text, dsn text, setup text DEFAULT NULL) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF name <> ALL (coalesce(dblink_get_connections(), '{}')) THEN
        PERFORM dblink_connect(name, dsn);
        IF setup IS NOT NULL THEN
            PERFORM dblink_exec(name, setup);
        END IF;
    END IF;
END
$$;

CREATE OR REPLACE FUNCTION bench_ab.once(name text, call text) RETURNS numeric
LANGUAGE sql AS $$
    SELECT ms FROM dblink(name, call) AS t(ms numeric)
$$;

-- call_a and call_b are statements returning one number, the milliseconds
-- of one run (e.g. SELECT bench_timing.run(...)).
CREATE OR REPLACE FUNCTION bench_ab.compare(a text, call_a text, b text, call_b text, rounds integer DEFAULT 9)
RETURNS TABLE (a_median numeric, a_low numeric, a_high numeric, b_median numeric, b_low numeric, b_high numeric,
               ratio_median numeric, ratio_low numeric, ratio_high numeric)
LANGUAGE plpgsql AS $$
DECLARE
    ta  numeric[] := '{}';
    tb  numeric[] := '{}';
    x   numeric;
    y   numeric;
BEGIN
    -- warm: plans, caches, pages
    PERFORM bench_ab.once(a, call_a);
    PERFORM bench_ab.once(b, call_b);
    FOR i IN 1 .. rounds LOOP
        IF i % 2 = 1 THEN
            x := bench_ab.once(a, call_a);
            y := bench_ab.once(b, call_b);
        ELSE
            y := bench_ab.once(b, call_b);
            x := bench_ab.once(a, call_a);
        END IF;
        ta := ta || x;
        tb := tb || y;
    END LOOP;
    RETURN QUERY
        SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY t.x)::numeric, 1), round(min(t.x), 1), round(max(t.x), 1),
               round(percentile_cont(0.5) WITHIN GROUP (ORDER BY t.y)::numeric, 1), round(min(t.y), 1), round(max(t.y), 1),
               round(percentile_cont(0.5) WITHIN GROUP (ORDER BY t.y / nullif(t.x, 0))::numeric, 2),
               round(min(t.y / nullif(t.x, 0)), 2), round(max(t.y / nullif(t.x, 0)), 2)
          FROM unnest(ta, tb) AS t(x, y);
END
$$;
