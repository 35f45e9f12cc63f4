-- Set-up of bench/kinds.sh (issue 16): registering a complaint and a
-- personal data incident through the API against the baselines of the
-- write benchmark (bench/write.sql): the same rows into tables with the same
-- keys and indexes (a), and into unconstrained tables (b).  Every function
-- returns µs per call (clock_timestamp around the loop only).
--
-- Rows a registration through the API writes, for either kind: the case
-- row, its details row, two audit events (the create, and the details row's
-- edit), the two kept values of that edit (a complaint: the sender's name
-- and the summary; an incident: who reported it and the description --
-- personal data and free text, in sqm.audit_value), the outbox row and the
-- registry entry of its number -- eight rows.
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
        PERFORM sqm.add_complaint_subject(o, 'treatment', 'Bemötande', 'Treatment', '2024-01-01');
        PERFORM sqm.add_data_incident_type(o, 'wrong_recipient', 'Fel mottagare', 'Wrong recipient', '2024-01-01');
        PERFORM sqm.grant_membership(o, 'bench_member', 'quality_coordinator');
    END LOOP;
END $$;

-- Registry numbers: one series for every writer, so that no two calls claim
-- the same number; a year holds at most 999 999 numbers (sqm.regnr), and a
-- full run registers more than that, so the series moves on to the next year.
CREATE SEQUENCE bench_regnr;
CREATE FUNCTION bench_next_regnr() RETURNS sqm.regnr LANGUAGE sql
RETURN (SELECT ((2025 + (n - 1) / 999999) || '.' || ((n - 1) % 999999 + 1) || ' SN')::sqm.regnr
          FROM (SELECT nextval('bench_regnr') AS n) s);
CREATE SEQUENCE bench_id;
CREATE TABLE a_complaint (LIKE sqm.complaint INCLUDING INDEXES);
CREATE TABLE a_complaint_detail (LIKE sqm.complaint_detail INCLUDING INDEXES);
CREATE TABLE a_data_incident (LIKE sqm.data_incident INCLUDING INDEXES);
CREATE TABLE a_data_incident_detail (LIKE sqm.data_incident_detail INCLUDING INDEXES);
CREATE TABLE a_audit_event (LIKE sqm.audit_event INCLUDING INDEXES);
CREATE TABLE a_audit_value (LIKE sqm.audit_value INCLUDING INDEXES);
CREATE TABLE a_outbox (LIKE sqm.outbox INCLUDING INDEXES);
CREATE TABLE a_registry_entry (LIKE sqm.registry_entry INCLUDING INDEXES);
CREATE TABLE b_complaint (LIKE sqm.complaint);
CREATE TABLE b_complaint_detail (LIKE sqm.complaint_detail);
CREATE TABLE b_data_incident (LIKE sqm.data_incident);
CREATE TABLE b_data_incident_detail (LIKE sqm.data_incident_detail);
CREATE TABLE b_audit_event (LIKE sqm.audit_event);
CREATE TABLE b_audit_value (LIKE sqm.audit_value);
CREATE TABLE b_outbox (LIKE sqm.outbox);
CREATE TABLE b_registry_entry (LIKE sqm.registry_entry);
GRANT ALL ON a_complaint, a_complaint_detail, a_data_incident, a_data_incident_detail, a_audit_event, a_audit_value, a_outbox,
             a_registry_entry, b_complaint, b_complaint_detail, b_data_incident, b_data_incident_detail, b_audit_event,
             b_audit_value, b_outbox, b_registry_entry, bench_id, bench_regnr TO bench_member;
GRANT EXECUTE ON FUNCTION bench_next_regnr() TO bench_member;

-- What the API's create event and details edit hold, for rows of the same size.
CREATE FUNCTION bench_complaint_after() RETURNS jsonb IMMUTABLE LANGUAGE sql
RETURN '{"regnr": "2025.001 SN", "state": "registered", "channel": "email", "unit_id": "1", "subjects": "{treatment}", "received_at": "2025-02-27T00:00:00+00:00", "sender_type": "relative", "registered_at": "2025-03-02T00:00:00+00:00", "registered_on": "2025-03-02", "complaint_kind": "complaint", "directed_at_unit": "t"}'::jsonb;
CREATE FUNCTION bench_incident_after() RETURNS jsonb IMMUTABLE LANGUAGE sql
RETURN '{"cause": "human_error", "regnr": "2025.002 SN", "state": "reported", "unit_id": "1", "aware_at": "2025-03-02T00:00:00+00:00", "aware_on": "2025-03-02", "happened_at": "2025-03-01T00:00:00+00:00", "incident_type": "wrong_recipient", "registered_at": "2025-03-02T00:00:00+00:00", "data_categories": "{social_services}", "data_subjects_count": "1", "data_subject_categories": "{service_user}"}'::jsonb;
CREATE FUNCTION bench_details_after() RETURNS jsonb IMMUTABLE LANGUAGE sql
RETURN '{"summary": "sha256:1d0c13f21196fb0cd7ebaad40e2511e48b5db84023cb6b20bcba277df114a630", "sender_name": "sha256:d98c1610162f52007a3d2e8c6f1cad1d09230749d5cdea82ecba0c1068413ced"}'::jsonb;
CREATE FUNCTION bench_hash() RETURNS bytea IMMUTABLE LANGUAGE sql
RETURN '\x798c1fb969006fd3217b1baad85ac87ac9f0fd01d3d13db055c179a2865a53c2'::bytea;

-- One registration's eight rows, in one statement (p: 'a' or 'b'; k:
-- 'complaint' or 'incident'): bare_register_<p>_<k>(org, unit), written out
-- below as static SQL in PL/pgSQL (a kept plan, as bench/write.sql's
-- bare_report), one statement per registration, as the API is one call.
CREATE FUNCTION pg_temp.bare_sql(p text, k text) RETURNS text IMMUTABLE LANGUAGE sql
RETURN format($q$
    WITH c AS (%s RETURNING org_id, id),
         cd AS (%s),
         e AS (INSERT INTO %3$s_audit_event (org_id, seq, format, recorded_at, source, actor, db_role, object_kind, object_id, change,
                                             to_state, after, prev_hash, hash)
               SELECT c.org_id, 2 * c.id + x.k, 1, clock_timestamp(), 'api', 'bench_member', 'bench_member', %4$L, c.id,
                      x.change, x.to_state, x.after, bench_hash(), bench_hash()
                 FROM c, (VALUES (0, 'create', %5$L, %6$s), (1, 'edit', NULL, bench_details_after())) x(k, change, to_state, after)),
         v AS (INSERT INTO %3$s_audit_value (org_id, seq, side, column_name, salt, value)
               SELECT c.org_id, 2 * c.id + 1, 'after', x.c, '\x00112233445566778899aabbccddeeff'::bytea, x.v
                 FROM c, (VALUES ('sender_name', 'Anna Exempelsson'), ('summary', 'Otrevligt bemötande')) x(c, v)),
         r AS (INSERT INTO %3$s_registry_entry (org_id, regnr, kind, object_id, column_name, registered_at, registered_by)
               SELECT c.org_id, rn, %4$L, c.id, 'regnr', now(), 'bench_member' FROM c),
         o AS (INSERT INTO %3$s_outbox (org_id, seq, at, kind, object_id, unit_id, event)
               SELECT c.org_id, c.id, now(), %4$L, c.id, unit, 'new' FROM c)
    SELECT c.id INTO new_id FROM c$q$,
    CASE k WHEN 'complaint' THEN
        format($q$INSERT INTO %s_complaint (org_id, id, state, unit_id, regnr, complaint_kind, sender_type, channel, subjects, received_at,
                                             registered_at, registered_on, directed_at_unit)
                  VALUES (org, new_id, 'registered', unit, rn, 'complaint', 'relative', 'email', '{treatment}', '2025-02-27', '2025-03-02',
                          '2025-03-02', true)$q$, p)
    ELSE
        format($q$INSERT INTO %s_data_incident (org_id, id, state, unit_id, regnr, incident_type, cause, happened_at, aware_at, registered_at,
                                                 data_categories, data_subject_categories, data_subjects_count, aware_on)
                  VALUES (org, new_id, 'reported', unit, rn, 'wrong_recipient', 'human_error', '2025-03-01', '2025-03-02', '2025-03-02',
                          '{social_services}', '{service_user}', 1, '2025-03-02')$q$, p)
    END,
    CASE k WHEN 'complaint' THEN
        format($q$INSERT INTO %s_complaint_detail (org_id, id, sender_name, summary) SELECT c.org_id, c.id, 'Anna Exempelsson', 'Otrevligt bemötande' FROM c$q$, p)
    ELSE
        format($q$INSERT INTO %s_data_incident_detail (org_id, id, reported_by, description) SELECT c.org_id, c.id, 'bench_member', 'Brev till fel mottagare' FROM c$q$, p)
    END,
    p, CASE k WHEN 'complaint' THEN 'complaint' ELSE 'data_incident' END, CASE k WHEN 'complaint' THEN 'registered' ELSE 'reported' END,
    CASE k WHEN 'complaint' THEN 'bench_complaint_after()' ELSE 'bench_incident_after()' END);
DO $do$
BEGIN
    FOR p IN 1 .. 2 LOOP
        FOR k IN 1 .. 2 LOOP
            EXECUTE format($f$CREATE FUNCTION bare_register_%1$s_%2$s(org bigint, unit bigint) RETURNS bigint LANGUAGE plpgsql AS $b$
DECLARE new_id bigint := nextval('bench_id'); rn sqm.regnr := bench_next_regnr();
BEGIN
    %3$s;
    RETURN new_id;
END $b$$f$, (ARRAY['a', 'b'])[p], (ARRAY['complaint', 'incident'])[k],
                           pg_temp.bare_sql((ARRAY['a', 'b'])[p], (ARRAY['complaint', 'incident'])[k]));
        END LOOP;
    END LOOP;
END $do$;

CREATE FUNCTION bare_register(p text, k text, org bigint, unit bigint) RETURNS bigint LANGUAGE plpgsql AS $f$
BEGIN
    IF p = 'a' AND k = 'complaint' THEN RETURN bare_register_a_complaint(org, unit);
    ELSIF p = 'a' THEN RETURN bare_register_a_incident(org, unit);
    ELSIF k = 'complaint' THEN RETURN bare_register_b_complaint(org, unit);
    ELSE RETURN bare_register_b_incident(org, unit);
    END IF;
END $f$;

-- One registration through the API.
CREATE FUNCTION api_register(k text, org bigint) RETURNS bigint LANGUAGE plpgsql AS $f$
BEGIN
    IF k = 'complaint' THEN
        RETURN sqm.register_complaint(org, org, bench_next_regnr(), 'complaint', 'relative', '{treatment}', 'Otrevligt bemötande',
                                      'Anna Exempelsson', 'email', '2025-02-27', '2025-03-02');
    ELSIF k = 'incident' THEN
        RETURN sqm.report_data_incident(org, org, 'wrong_recipient', 'human_error', '2025-03-01', '2025-03-02', 'Brev till fel mottagare',
                                        '{social_services}', '{service_user}', 1, bench_next_regnr(), '2025-03-02');
    ELSE
        RETURN sqm.report_deviation(org, org, 'SoL', '2025-03-01', 'Händelse', '{info}', '2025-03-02');
    END IF;
END $f$;

-- Batch: n registrations in this transaction, µs per registration (variant
-- a, b or api; the API as the member).
CREATE FUNCTION bench_register(variant text, k text, n int, org bigint DEFAULT 1) RETURNS float8 LANGUAGE plpgsql AS $f$
DECLARE t0 timestamptz;
BEGIN
    IF variant = 'api' THEN
        SET LOCAL ROLE bench_member;
    END IF;
    -- the first 20 warm the session's caches and plans, untimed
    FOR i IN 1 .. n + 20 LOOP
        IF i = 21 THEN
            t0 := clock_timestamp();
        END IF;
        IF variant = 'api' THEN
            PERFORM api_register(k, org);
        ELSE
            PERFORM bare_register(variant, k, org, org);
        END IF;
    END LOOP;
    RETURN extract(epoch FROM clock_timestamp() - t0) * 1e6 / n;
END $f$;
GRANT EXECUTE ON FUNCTION bench_register(text, text, int, bigint), bare_register(text, text, bigint, bigint),
                          api_register(text, bigint), bare_register_a_complaint(bigint, bigint), bare_register_a_incident(bigint, bigint),
                          bare_register_b_complaint(bigint, bigint), bare_register_b_incident(bigint, bigint) TO bench_member;

-- A history before the measurements: 300 matters of each kind in every
-- organisation, analysed.  On empty tables without statistics the planner
-- cannot tell a case table's primary key (org_id, id) from another index
-- that leads with org_id, and the kept plans of sqm's case lookups would
-- walk every case of the organisation until autovacuum analyses the table;
-- a database in use has its statistics (README, Benchmarks).
SELECT count(api_register(k, o)) AS history
  FROM generate_series(1, 9) o, unnest(ARRAY['complaint', 'incident', 'deviation']) k, generate_series(1, 300) i \g /dev/null
ANALYZE;
