-- sqm benchmarks (bench/run.sh).  Each measurement runs three times; the best
-- time counts.  Ratios are against baselines measured in this same run.
\set ON_ERROR_STOP 1
\pset footer off
SET sqm.frozen_now = '2025-03-03 10:00+01';

SELECT sqm.create_organisation('Bench', 'SN') AS org \gset
SELECT sqm.create_unit(:org, 'Enhet', 'unit', '2024-01-01') AS unit \gset
SELECT sqm.add_deviation_type(:org, 'info', 'Information', 'Information', '2024-01-01');

-- Baseline tables: the same columns, no constraints, no triggers; an index
-- on the key, so that an UPDATE by key finds its row as sqm's does.  A
-- deviation is two rows: the case and its details (who reported, what
-- happened), each with its audit event.
CREATE TABLE bare_deviation (LIKE sqm.deviation);
CREATE INDEX ON bare_deviation (org_id, id);
CREATE TABLE bare_deviation_detail (LIKE sqm.deviation_detail);
CREATE TABLE bare_audit (LIKE sqm.audit_event);

-- The same lifecycle rules as a PL/pgSQL trigger, for comparison with the C
-- engine: look the move up in the lifecycle data, call the row check, write an
-- audit row with a hash chained by sha256().  The tables are the twins of
-- sqm.deviation and sqm.deviation_detail (constraints, indexes, foreign keys),
-- so only the triggers differ.
CREATE TABLE plpgsql_deviation (LIKE sqm.deviation INCLUDING ALL,
                                FOREIGN KEY (org_id) REFERENCES sqm.organisation,
                                FOREIGN KEY (org_id, unit_id) REFERENCES sqm.unit);
CREATE TABLE plpgsql_deviation_detail (LIKE sqm.deviation_detail INCLUDING ALL,
                                       FOREIGN KEY (org_id, id) REFERENCES plpgsql_deviation);
CREATE FUNCTION plpgsql_rules() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM sqm.deviation_check(ROW(NEW.*)::sqm.deviation,
                                CASE WHEN TG_OP = 'UPDATE' THEN ROW(OLD.*)::sqm.deviation END);
    RETURN NEW;
END $$;
CREATE TRIGGER deviation_rules BEFORE INSERT OR UPDATE OF unit_id, types, reported_at, regime ON plpgsql_deviation
    FOR EACH ROW EXECUTE FUNCTION plpgsql_rules();
CREATE FUNCTION plpgsql_details_audit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    prev bytea;
    s bigint;
BEGIN
    PERFORM pg_advisory_xact_lock(4242, NEW.org_id::int);
    SELECT a.seq, a.hash INTO s, prev FROM bare_audit a WHERE a.org_id = NEW.org_id ORDER BY a.seq DESC LIMIT 1;
    INSERT INTO bare_audit (org_id, seq, format, recorded_at, source, actor, db_role, object_kind, object_id, change, after, prev_hash, hash)
    VALUES (NEW.org_id, coalesce(s, 0) + 1, 1, sqm.now(), 'direct', sqm.actor(), session_user, 'deviation', NEW.id, 'edit',
            jsonb_build_object('reported_by', NEW.reported_by, 'description', NEW.description), coalesce(prev, '\x00'),
            sha256(coalesce(prev, '\x00') || convert_to(NEW.id::text || NEW.description, 'UTF8')));
    RETURN NEW;
END $$;
CREATE TRIGGER audit AFTER INSERT OR UPDATE ON plpgsql_deviation_detail FOR EACH ROW EXECUTE FUNCTION plpgsql_details_audit();
CREATE FUNCTION plpgsql_lifecycle() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    prev bytea;
    s bigint;
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.state <> OLD.state AND NOT EXISTS (
         SELECT FROM sqm.lifecycle_move m WHERE m.kind = 'deviation' AND m.from_state = OLD.state AND m.to_state = NEW.state) THEN
        RAISE EXCEPTION 'illegal move' USING ERRCODE = 'SQ001';
    END IF;
    PERFORM pg_advisory_xact_lock(4242, NEW.org_id::int);
    SELECT a.seq, a.hash INTO s, prev FROM bare_audit a WHERE a.org_id = NEW.org_id ORDER BY a.seq DESC LIMIT 1;
    INSERT INTO bare_audit (org_id, seq, format, recorded_at, source, actor, db_role, object_kind, object_id, change, from_state, to_state,
                            before, after, reason, prev_hash, hash)
    VALUES (NEW.org_id, coalesce(s, 0) + 1, 1, sqm.now(), 'direct', sqm.actor(), session_user, 'deviation', NEW.id,
            CASE TG_OP WHEN 'INSERT' THEN 'create' ELSE 'move' END,
            CASE TG_OP WHEN 'UPDATE' THEN OLD.state END, NEW.state, NULL,
            jsonb_build_object('state', NEW.state), NULL, coalesce(prev, '\x00'),
            sha256(coalesce(prev, '\x00') || convert_to(NEW.id::text || NEW.state, 'UTF8')));
    RETURN NEW;
END $$;
CREATE TRIGGER lifecycle BEFORE INSERT OR UPDATE ON plpgsql_deviation FOR EACH ROW EXECUTE FUNCTION plpgsql_lifecycle();
CREATE INDEX ON bare_audit (org_id, seq);

CREATE FUNCTION best_ms(q text) RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE
    t0 timestamptz; best numeric; ms numeric;
BEGIN
    FOR i IN 1 .. 3 LOOP
        t0 := clock_timestamp();
        EXECUTE q;
        ms := extract(epoch FROM clock_timestamp() - t0) * 1000;
        best := least(best, ms);
    END LOOP;
    RETURN round(coalesce(best, ms), 1);
END $$;

CREATE TEMP TABLE result (measure text, sqm_ms numeric, baseline text, baseline_ms numeric);

-- 1. Reporting N deviations: the API against bare INSERTs of the same
--    deviation and details rows and their audit rows into unconstrained
--    tables.
INSERT INTO result SELECT 'report N deviations: sqm.report_deviation()',
    best_ms(format($q$DO $d$ BEGIN FOR i IN 1 .. %s LOOP
        PERFORM sqm.report_deviation(%s, %s, 'SoL', '2025-03-01', 'Händelse', '{info}', '2025-03-02'); END LOOP; END $d$$q$, :n, :org, :unit)),
    'bare INSERT deviation, details and 2 audit rows',
    best_ms(format($q$DO $d$ BEGIN FOR i IN 1 .. %s LOOP
        INSERT INTO bare_deviation (org_id, id, state, unit_id, regime, happened_at, reported_at, types)
        VALUES (%s, i, 'reported', %s, 'SoL', '2025-03-01', '2025-03-02', '{info}');
        INSERT INTO bare_audit (org_id, seq, format, recorded_at, source, actor, db_role, object_kind, object_id, change, to_state, after, prev_hash, hash)
        VALUES (%s, 2 * i, 1, now(), 'direct', 'bench', 'bench', 'deviation', i, 'create', 'reported',
                '{"state": "reported", "regime": "SoL"}', '\x00', '\x00');
        INSERT INTO bare_deviation_detail (org_id, id, reported_by, description) VALUES (%s, i, 'bench', 'Händelse');
        INSERT INTO bare_audit (org_id, seq, format, recorded_at, source, actor, db_role, object_kind, object_id, change, after, prev_hash, hash)
        VALUES (%s, 2 * i + 1, 1, now(), 'direct', 'bench', 'bench', 'deviation', i, 'edit',
                '{"reported_by": "bench", "description": "Händelse"}', '\x00', '\x00'); END LOOP; END $d$$q$,
        :n, :org, :unit, :org, :org, :org));

INSERT INTO result SELECT 'report N deviations: INSERT through the C triggers',
    best_ms(format($q$WITH d AS (INSERT INTO sqm.deviation (org_id, state, unit_id, regime, happened_at, reported_at, types)
        SELECT %s, 'reported', %s, 'SoL', '2025-03-01', '2025-03-02', '{info}' FROM generate_series(1, %s) RETURNING org_id, id)
        INSERT INTO sqm.deviation_detail (org_id, id, reported_by, description) SELECT org_id, id, 'bench', 'Händelse' FROM d$q$,
        :org, :unit, :n)),
    'same INSERT into the PL/pgSQL-trigger tables',
    best_ms(format($q$WITH d AS (INSERT INTO plpgsql_deviation (org_id, id, state, unit_id, regime, happened_at, reported_at, types)
        SELECT %s, nextval('sqm.case_id_seq'), 'reported', %s, 'SoL', '2025-03-01', '2025-03-02', '{info}'
          FROM generate_series(1, %s) RETURNING org_id, id)
        INSERT INTO plpgsql_deviation_detail (org_id, id, reported_by, description) SELECT org_id, id, 'bench', 'Händelse' FROM d$q$,
        :org, :unit, :n));

-- 2. One move: triaged → investigating, through the API's write path
--    (sqm.move_object, and sqm.write with no columns), against a bare UPDATE
--    plus an audit INSERT.  Each run is rolled back, so that the next one
--    finds the same rows.
UPDATE sqm.deviation SET state = 'triaged', severity = 'low', triaged_at = '2025-03-02' WHERE org_id = :org;
UPDATE bare_deviation SET state = 'triaged';
SELECT best_ms(format($q$DO $d$ BEGIN FOR i IN 1 .. %s LOOP
        UPDATE bare_deviation SET state = 'investigating' WHERE org_id = %s AND id = i AND state = 'triaged';
        INSERT INTO bare_audit (org_id, seq, format, recorded_at, source, actor, db_role, object_kind, object_id, change, from_state, to_state, before, after, prev_hash, hash)
        VALUES (%s, %s + i, 1, now(), 'direct', 'bench', 'bench', 'deviation', i, 'move', 'triaged', 'investigating',
                '{"state": "triaged"}', '{"state": "investigating"}', '\x00', '\x00'); END LOOP;
        RAISE EXCEPTION USING ERRCODE = 'P0004'; EXCEPTION WHEN assert_failure THEN NULL; END $d$$q$, :n, :org, :org, :n))
       AS bare_move_ms \gset
INSERT INTO result
SELECT format('move N deviations: %s', f),
       best_ms(format($q$DO $d$ DECLARE r record; BEGIN
           FOR r IN SELECT id FROM sqm.deviation WHERE org_id = %s AND state = 'triaged' LIMIT %s LOOP
               PERFORM %s; END LOOP;
           RAISE EXCEPTION USING ERRCODE = 'P0004'; EXCEPTION WHEN assert_failure THEN NULL; END $d$$q$,
           :org, :n, format(call, :org))),
       'bare UPDATE + INSERT audit row', :bare_move_ms
  FROM (VALUES ('sqm.move_object() (API)', $c$sqm.move_object('deviation', %s, r.id, 'triaged', 'investigating')$c$),
               ('sqm.write() (the write path)', $c$sqm.write('deviation', %s, r.id, 'triaged', 'investigating')$c$)) v(f, call);
UPDATE plpgsql_deviation SET state = 'triaged', severity = 'low', triaged_at = '2025-03-02';
INSERT INTO result SELECT 'move N deviations: UPDATE through the C triggers',
    best_ms(format($q$DO $d$ BEGIN
        UPDATE sqm.deviation SET state = 'investigating' WHERE org_id = %s AND state = 'triaged'
           AND id IN (SELECT id FROM sqm.deviation WHERE org_id = %s ORDER BY id LIMIT %s);
        RAISE EXCEPTION USING ERRCODE = 'P0004'; EXCEPTION WHEN assert_failure THEN NULL; END $d$$q$, :org, :org, :n)),
    'same UPDATE through the PL/pgSQL trigger',
    best_ms(format($q$DO $d$ BEGIN
        UPDATE plpgsql_deviation SET state = 'investigating' WHERE state = 'triaged'
           AND id IN (SELECT id FROM plpgsql_deviation ORDER BY id LIMIT %s);
        RAISE EXCEPTION USING ERRCODE = 'P0004'; EXCEPTION WHEN assert_failure THEN NULL; END $d$$q$, :n));

SELECT measure, sqm_ms AS "sqm (ms)", baseline, baseline_ms AS "baseline (ms)",
       round(sqm_ms / nullif(baseline_ms, 0), 2) AS ratio
  FROM result;

-- 3. Memory: the backend's memory before and after many moves (a two-state
--    kind, moved back and forth through the write path).
CREATE TABLE sqm.bench_case (org_id bigint, id bigint, state text, PRIMARY KEY (org_id, id));
INSERT INTO sqm.lifecycle_kind (kind, governed_table, label_sv, label_en) VALUES ('bench', 'sqm.bench_case', 'mätfall', 'bench case');
INSERT INTO sqm.lifecycle_state (kind, state, initial, terminal, label_sv, label_en) VALUES
    ('bench', 'a', true, false, 'a', 'a'), ('bench', 'b', false, false, 'b', 'b');
INSERT INTO sqm.lifecycle_move (kind, from_state, to_state, capability) VALUES
    ('bench', 'a', 'b', 'manage_measures'), ('bench', 'b', 'a', 'manage_measures');
CREATE TRIGGER lifecycle BEFORE INSERT OR UPDATE OR DELETE ON sqm.bench_case
    FOR EACH ROW EXECUTE FUNCTION sqm.lifecycle_enforce('bench');
CREATE TRIGGER audit AFTER INSERT OR UPDATE ON sqm.bench_case
    FOR EACH ROW EXECUTE FUNCTION sqm.audit_record('bench');
INSERT INTO sqm.bench_case SELECT :org, g, 'a' FROM generate_series(1, 100) g;

CREATE TEMP TABLE memory (at text, bytes bigint);
INSERT INTO memory SELECT 'before', sum(total_bytes) FROM pg_backend_memory_contexts;
DO $$
DECLARE
    org bigint := (SELECT org_id FROM sqm.organisation WHERE name = 'Bench');
    total integer := current_setting('bench.moves')::integer;
BEGIN
    FOR i IN 0 .. total - 1 LOOP
        PERFORM sqm.move_object('bench', org, 1 + i % 100, CASE (i / 100) % 2 WHEN 0 THEN 'a' ELSE 'b' END,
                                                          CASE (i / 100) % 2 WHEN 0 THEN 'b' ELSE 'a' END);
        IF i % 100000 = 99999 THEN
            COMMIT;
        END IF;
    END LOOP;
END $$;
INSERT INTO memory SELECT 'after', sum(total_bytes) FROM pg_backend_memory_contexts;
SELECT current_setting('bench.moves') AS moves,
       (SELECT bytes FROM memory WHERE at = 'before') AS "backend memory before (bytes)",
       (SELECT bytes FROM memory WHERE at = 'after') AS "after (bytes)",
       round((SELECT bytes FROM memory WHERE at = 'after')::numeric / (SELECT bytes FROM memory WHERE at = 'before'), 3) AS ratio;
SELECT ok AS "audit chain verifies after the run" FROM sqm.verify_audit(:org);
