-- Set-up of bench/write.sh (issue 11): organisations, a member role, the
-- baseline tables and the functions each measurement calls.  Every
-- function returns µs per call (clock_timestamp around the loop only).
--
-- Rows a report through the API writes: the case row, its details row, two
-- audit events (the create, and the details row's edit), the two kept
-- values of that edit (who reported, the description: personal data and
-- free text, in sqm.audit_value) and the outbox row -- seven rows.  A move
-- writes the case row and one audit event.
--   baseline (a): the same rows into tables with the same primary keys and
--                 indexes (LIKE … INCLUDING INDEXES; NOT NULL as LIKE copies
--                 it), no triggers, foreign keys or checks; one statement
--                 per report, as the API is one call
--   baseline (b): the same rows into tables without keys or indexes
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SELECT sqm.create_roles();
DO $$ BEGIN CREATE ROLE bench_member NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
GRANT sqm_quality_coordinator TO bench_member;

-- Organisations 1 … 9 with one unit each (unit i of organisation i): client
-- i of pgbench writes to organisation i + 1.
DO $$
DECLARE o bigint; u bigint;
BEGIN
    FOR i IN 1 .. 9 LOOP
        o := sqm.create_organisation('Bench ' || i, 'SN');
        u := sqm.create_unit(o, 'Enhet', 'unit', '2024-01-01');
        IF o <> i OR u <> i THEN
            RAISE EXCEPTION 'bench needs a fresh database (organisation % unit %)', o, u;
        END IF;
        PERFORM sqm.add_deviation_type(o, 'info', 'Information', 'Information', '2024-01-01');
        PERFORM sqm.grant_membership(o, 'bench_member', 'quality_coordinator');
    END LOOP;
END $$;

CREATE SEQUENCE bench_id;
CREATE TABLE a_deviation (LIKE sqm.deviation INCLUDING INDEXES);
CREATE TABLE a_deviation_detail (LIKE sqm.deviation_detail INCLUDING INDEXES);
CREATE TABLE a_audit_event (LIKE sqm.audit_event INCLUDING INDEXES);
CREATE TABLE a_audit_value (LIKE sqm.audit_value INCLUDING INDEXES);
CREATE TABLE a_outbox (LIKE sqm.outbox INCLUDING INDEXES);
CREATE TABLE b_deviation (LIKE sqm.deviation);
CREATE TABLE b_deviation_detail (LIKE sqm.deviation_detail);
CREATE TABLE b_audit_event (LIKE sqm.audit_event);
CREATE TABLE b_audit_value (LIKE sqm.audit_value);
CREATE TABLE b_outbox (LIKE sqm.outbox);
GRANT ALL ON a_deviation, a_deviation_detail, a_audit_event, a_audit_value, a_outbox,
             b_deviation, b_deviation_detail, b_audit_event, b_audit_value, b_outbox, bench_id TO bench_member;

-- What the API's create event and details edit hold, for rows of the same size.
CREATE FUNCTION bench_after() RETURNS jsonb IMMUTABLE LANGUAGE sql
RETURN '{"state": "reported", "types": "{info}", "regime": "SoL", "unit_id": "1", "happened_at": "2025-03-01T00:00:00+00:00", "reported_at": "2025-03-02T00:00:00+00:00", "reported_on": "2025-03-02"}'::jsonb;
CREATE FUNCTION bench_after_details() RETURNS jsonb IMMUTABLE LANGUAGE sql
RETURN '{"description": "sha256:798c1fb969006fd3217b1baad85ac87ac9f0fd01d3d13db055c179a2865a53c2", "reported_by": "sha256:b62a5cc50e31f8f973fe1cfea9166da4f4aa6aec963cbe480cbdd0e64d66521b"}'::jsonb;
CREATE FUNCTION bench_hash() RETURNS bytea IMMUTABLE LANGUAGE sql
RETURN '\x798c1fb969006fd3217b1baad85ac87ac9f0fd01d3d13db055c179a2865a53c2'::bytea;

-- One report's seven rows, in one statement (p: 'a' or 'b').
CREATE FUNCTION bare_report(p text, org bigint, unit bigint) RETURNS bigint LANGUAGE plpgsql AS $f$
DECLARE new_id bigint := nextval('bench_id');
BEGIN
    IF p = 'a' THEN
        WITH d AS (INSERT INTO a_deviation (org_id, id, state, unit_id, regime, happened_at, reported_at, reported_on, types)
                   VALUES (org, new_id, 'reported', unit, 'SoL', '2025-03-01', '2025-03-02', '2025-03-02', '{info}') RETURNING org_id, id),
             dd AS (INSERT INTO a_deviation_detail (org_id, id, reported_by, description) SELECT d.org_id, d.id, 'bench_member', 'Händelse' FROM d),
             e AS (INSERT INTO a_audit_event (org_id, seq, format, recorded_at, source, actor, db_role, object_kind, object_id, change,
                                              to_state, after, prev_hash, hash)
                   SELECT d.org_id, 2 * d.id + x.k, 1, clock_timestamp(), 'api', 'bench_member', 'bench_member', 'deviation', d.id,
                          x.change, x.to_state, x.after, bench_hash(), bench_hash()
                     FROM d, (VALUES (0, 'create', 'reported', bench_after()), (1, 'edit', NULL, bench_after_details())) x(k, change, to_state, after)),
             v AS (INSERT INTO a_audit_value (org_id, seq, side, column_name, salt, value)
                   SELECT d.org_id, 2 * d.id + 1, 'after', x.c, '\x00112233445566778899aabbccddeeff'::bytea, x.v
                     FROM d, (VALUES ('reported_by', 'bench_member'), ('description', 'Händelse')) x(c, v)),
             o AS (INSERT INTO a_outbox (org_id, seq, at, kind, object_id, unit_id, event)
                   SELECT d.org_id, d.id, now(), 'deviation', d.id, unit, 'new' FROM d)
        SELECT d.id INTO new_id FROM d;
    ELSE
        WITH d AS (INSERT INTO b_deviation (org_id, id, state, unit_id, regime, happened_at, reported_at, reported_on, types)
                   VALUES (org, new_id, 'reported', unit, 'SoL', '2025-03-01', '2025-03-02', '2025-03-02', '{info}') RETURNING org_id, id),
             dd AS (INSERT INTO b_deviation_detail (org_id, id, reported_by, description) SELECT d.org_id, d.id, 'bench_member', 'Händelse' FROM d),
             e AS (INSERT INTO b_audit_event (org_id, seq, format, recorded_at, source, actor, db_role, object_kind, object_id, change,
                                              to_state, after, prev_hash, hash)
                   SELECT d.org_id, 2 * d.id + x.k, 1, clock_timestamp(), 'api', 'bench_member', 'bench_member', 'deviation', d.id,
                          x.change, x.to_state, x.after, bench_hash(), bench_hash()
                     FROM d, (VALUES (0, 'create', 'reported', bench_after()), (1, 'edit', NULL, bench_after_details())) x(k, change, to_state, after)),
             v AS (INSERT INTO b_audit_value (org_id, seq, side, column_name, salt, value)
                   SELECT d.org_id, 2 * d.id + 1, 'after', x.c, '\x00112233445566778899aabbccddeeff'::bytea, x.v
                     FROM d, (VALUES ('reported_by', 'bench_member'), ('description', 'Händelse')) x(c, v)),
             o AS (INSERT INTO b_outbox (org_id, seq, at, kind, object_id, unit_id, event)
                   SELECT d.org_id, d.id, now(), 'deviation', d.id, unit, 'new' FROM d)
        SELECT d.id INTO new_id FROM d;
    END IF;
    RETURN new_id;
END $f$;

-- The same report as direct INSERTs into sqm's tables (the steps of the
-- breakdown): the case and details rows with their triggers as the
-- variant leaves them, the log rows into baseline (a)'s tables where the
-- variant has no audit trigger (logs = 'bare'), or the outbox row alone
-- there (logs = 'outbox').
CREATE FUNCTION direct_report(org bigint, unit bigint, logs text) RETURNS bigint LANGUAGE plpgsql AS $f$
DECLARE new_id bigint;
BEGIN
    WITH d AS (INSERT INTO sqm.deviation (org_id, state, unit_id, regime, happened_at, reported_at, types)
               VALUES (org, 'reported', unit, 'SoL', '2025-03-01', '2025-03-02', '{info}') RETURNING org_id, id),
         dd AS (INSERT INTO sqm.deviation_detail (org_id, id, reported_by, description) SELECT d.org_id, d.id, 'bench_member', 'Händelse' FROM d)
    SELECT d.id INTO new_id FROM d;
    IF logs = 'bare' THEN
        WITH e AS (INSERT INTO a_audit_event (org_id, seq, format, recorded_at, source, actor, db_role, object_kind, object_id, change,
                                              to_state, after, prev_hash, hash)
                   SELECT org, 2 * new_id + x.k, 1, clock_timestamp(), 'api', 'bench_member', 'bench_member', 'deviation', new_id,
                          x.change, x.to_state, x.after, bench_hash(), bench_hash()
                     FROM (VALUES (0, 'create', 'reported', bench_after()), (1, 'edit', NULL, bench_after_details())) x(k, change, to_state, after)),
             v AS (INSERT INTO a_audit_value (org_id, seq, side, column_name, salt, value)
                   SELECT org, 2 * new_id + 1, 'after', x.c, '\x00112233445566778899aabbccddeeff'::bytea, x.v
                     FROM (VALUES ('reported_by', 'bench_member'), ('description', 'Händelse')) x(c, v))
        INSERT INTO a_outbox (org_id, seq, at, kind, object_id, unit_id, event) VALUES (org, new_id, now(), 'deviation', new_id, unit, 'new');
    ELSIF logs = 'outbox' THEN
        INSERT INTO a_outbox (org_id, seq, at, kind, object_id, unit_id, event) VALUES (org, new_id, now(), 'deviation', new_id, unit, 'new');
    END IF;
    RETURN new_id;
END $f$;

-- Batch: n reports in this transaction, µs per report.  The variant sets
-- up what it needs (superuser variants alter the tables' triggers: run
-- each call in a transaction that is rolled back).
CREATE FUNCTION bench_report(variant text, n int, org bigint DEFAULT 1) RETURNS float8 LANGUAGE plpgsql AS $f$
DECLARE t0 timestamptz; logs text := 'none';
BEGIN
    CASE variant
    WHEN 'S1' THEN  -- sqm's tables, no trigger at all (their checks and indexes)
        ALTER TABLE sqm.deviation DISABLE TRIGGER ALL; ALTER TABLE sqm.deviation_detail DISABLE TRIGGER ALL; logs := 'bare';
    WHEN 'S2' THEN  -- + foreign keys
        ALTER TABLE sqm.deviation DISABLE TRIGGER USER; ALTER TABLE sqm.deviation_detail DISABLE TRIGGER USER; logs := 'bare';
    WHEN 'S3' THEN  -- + the C rules (lifecycle, row checks, days, details), no audit
        ALTER TABLE sqm.deviation DISABLE TRIGGER audit; ALTER TABLE sqm.deviation_detail DISABLE TRIGGER audit; logs := 'bare';
    WHEN 'S4' THEN  -- + the audit trail, without the outbox row
        DROP TRIGGER audit ON sqm.deviation;
        CREATE TRIGGER audit AFTER INSERT OR UPDATE ON sqm.deviation FOR EACH ROW EXECUTE FUNCTION sqm.audit_record('deviation');
        logs := 'outbox';
    ELSE NULL;      -- S5 (everything), api, api_spi
    END CASE;
    IF variant = 'api_spi' THEN
        SET LOCAL sqm.append_through_spi = on;
    END IF;
    IF variant IN ('api', 'api_spi') THEN
        SET LOCAL ROLE bench_member;
    END IF;
    -- the first 20 warm the session's caches and plans, untimed
    FOR i IN 1 .. n + 20 LOOP
        IF i = 21 THEN
            t0 := clock_timestamp();
        END IF;
        IF variant IN ('a', 'b') THEN
            PERFORM bare_report(variant, org, org);
        ELSIF variant LIKE 'api%' THEN
            PERFORM sqm.report_deviation(org, org, 'SoL', '2025-03-01', 'Händelse', '{info}', '2025-03-02');
        ELSE
            PERFORM direct_report(org, org, logs);
        END IF;
    END LOOP;
    RETURN extract(epoch FROM clock_timestamp() - t0) * 1e6 / n;
END $f$;

-- Moves: n deviations made and triaged first (not timed), then moved
-- triaged -> investigating through the API (as the member), against an
-- UPDATE of the bare row and the INSERT of its audit event.  Committed
-- (bench/write.sh), so that no round leaves dead rows to the next.
CREATE FUNCTION bench_move(variant text, n int, org bigint DEFAULT 1) RETURNS float8 LANGUAGE plpgsql AS $f$
DECLARE t0 timestamptz; ids bigint[]; tids tid[];
BEGIN
    IF variant IN ('a', 'b') THEN
        SELECT array_agg(bare_report(variant, org, org)) INTO ids FROM generate_series(1, n + 20);
        -- (b) has no index: its rows are found by their place, as an index would find them
        SELECT array_agg(d.ctid ORDER BY d.id) INTO tids FROM b_deviation d WHERE d.id = ANY (ids);
        ANALYZE a_deviation;
        IF variant = 'a' THEN
            FOR i IN 1 .. n + 20 LOOP
                IF i = 21 THEN t0 := clock_timestamp(); END IF;
                WITH u AS (UPDATE a_deviation d SET state = 'investigating' WHERE d.org_id = org AND d.id = ids[i] AND d.state = 'reported' RETURNING d.id)
                INSERT INTO a_audit_event (org_id, seq, format, recorded_at, source, actor, db_role, object_kind, object_id, change,
                                           from_state, to_state, before, after, prev_hash, hash)
                SELECT org, 2 * u.id + 1000000000, 1, clock_timestamp(), 'api', 'bench_member', 'bench_member', 'deviation', u.id, 'move',
                       'triaged', 'investigating', '{"state": "triaged"}', '{"state": "investigating"}', bench_hash(), bench_hash() FROM u;
            END LOOP;
        ELSE
            FOR i IN 1 .. n + 20 LOOP
                IF i = 21 THEN t0 := clock_timestamp(); END IF;
                WITH u AS (UPDATE b_deviation d SET state = 'investigating' WHERE d.ctid = tids[i] AND d.state = 'reported' RETURNING d.id)
                INSERT INTO b_audit_event (org_id, seq, format, recorded_at, source, actor, db_role, object_kind, object_id, change,
                                           from_state, to_state, before, after, prev_hash, hash)
                SELECT org, 2 * u.id + 1000000000, 1, clock_timestamp(), 'api', 'bench_member', 'bench_member', 'deviation', u.id, 'move',
                       'triaged', 'investigating', '{"state": "triaged"}', '{"state": "investigating"}', bench_hash(), bench_hash() FROM u;
            END LOOP;
        END IF;
    ELSE
        SELECT array_agg(sqm.report_deviation(org, org, 'SoL', '2025-03-01', 'Händelse', '{info}', '2025-03-02')) INTO ids
          FROM generate_series(1, n + 20);
        PERFORM sqm.write('deviation', org, x, 'reported', 'triaged', '{"severity": "low", "triaged_at": "2025-03-02"}') FROM unnest(ids) x;
        IF variant = 'api_spi' THEN
            SET LOCAL sqm.append_through_spi = on;
        END IF;
        SET LOCAL ROLE bench_member;
        FOR i IN 1 .. n + 20 LOOP
            IF i = 21 THEN t0 := clock_timestamp(); END IF;
            PERFORM sqm.move_object('deviation', org, ids[i], 'triaged', 'investigating');
        END LOOP;
    END IF;
    RETURN extract(epoch FROM clock_timestamp() - t0) * 1e6 / n;
END $f$;
GRANT EXECUTE ON FUNCTION bench_report(text, int, bigint), bench_move(text, int, bigint), bare_report(text, bigint, bigint) TO bench_member;

-- Wait events of client backends, sampled every 100 ms into bench_wait
-- until bench_stop has a row (bench/write.sh starts it beside pgbench).
CREATE TABLE bench_wait (run text, at timestamptz, wait text);
CREATE TABLE bench_stop (run text);
CREATE PROCEDURE bench_sample(run text, seconds float8) LANGUAGE plpgsql AS $f$
DECLARE t_end timestamptz := clock_timestamp() + seconds * interval '1 second';
BEGIN
    WHILE clock_timestamp() < t_end LOOP
        PERFORM pg_stat_clear_snapshot();
        INSERT INTO bench_wait
        SELECT run, clock_timestamp(), coalesce(a.wait_event_type || ':' || a.wait_event, 'CPU')
          FROM pg_stat_activity a
         WHERE a.backend_type = 'client backend' AND a.application_name = 'pgbench' AND a.state = 'active';
        COMMIT;
        PERFORM pg_sleep(0.1);
    END LOOP;
END $f$;

-- A history before the measurements: 300 deviations in every organisation,
-- analysed.  On empty tables without statistics the planner cannot tell a
-- case table's primary key (org_id, id) from another index that leads with
-- org_id, and the kept plans of sqm's case lookups would walk every case of
-- the organisation until autovacuum analyses the table; a database in use
-- has its statistics (README, Benchmarks).
SELECT count(sqm.report_deviation(o, o, 'SoL', '2025-03-01', 'Händelse', '{info}', '2025-03-02')) AS history
  FROM generate_series(1, 9) o, generate_series(1, 300) i \g /dev/null
ANALYZE;
