-- Set-up of bench/audit.sh, which measures the overhead of the audit trigger:
-- N rows inserted into (then moved in) a governed table carrying
-- sqm.audit_record, against the same writes into a bare table plus a bare
-- INSERT of the equivalent event rows into an unconstrained copy of
-- sqm.audit_event (no keys, no indexes, no triggers) -- and, as a second
-- baseline, into a copy with the trail's primary key.
\set QUIET 1
SET client_min_messages = warning;
DROP TABLE IF EXISTS bench_gov, bench_bare, bench_events, bench_events_pk, bench_times;
CREATE TABLE bench_gov (org_id bigint, id bigint, state text, note text, PRIMARY KEY (org_id, id));
-- classified as a case table would be: the note is free text, so its value
-- enters the events as a salted digest and is kept in sqm.audit_value
SELECT sqm.classify('bench_gov', '{"internal": ["org_id", "id"], "statistic": ["state"], "free_text": ["note"]}', part => 'case');
CREATE TRIGGER audit AFTER INSERT OR UPDATE ON bench_gov FOR EACH ROW EXECUTE FUNCTION sqm.audit_record('bench');
CREATE TABLE bench_bare (org_id bigint, id bigint, state text, note text, PRIMARY KEY (org_id, id));
CREATE TABLE bench_events (LIKE sqm.audit_event);
-- the same with the trail's keys and indexes, for a second, fairer baseline
CREATE TABLE bench_events_pk (LIKE sqm.audit_event INCLUDING INDEXES);
CREATE TABLE bench_times (what text, run int, cpu_ms float8, wall_ms float8);

CREATE OR REPLACE FUNCTION bench_run(what text, run int, n int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    org bigint := 1000000 + run;
    h bytea := sha256('x');
BEGIN
    CASE what
    WHEN 'insert audited' THEN
        INSERT INTO bench_gov SELECT org, g, 'registered', 'note ' || g FROM generate_series(1, n) g;
    WHEN 'insert baseline' THEN
        INSERT INTO bench_bare SELECT org, g, 'registered', 'note ' || g FROM generate_series(1, n) g;
        INSERT INTO bench_events
        SELECT org, g, 1, now(), 'direct', NULL, 'anna.andersson', session_user, 'bench', g, 'create', NULL, 'registered',
               NULL, jsonb_build_object('note', 'note ' || g, 'state', 'registered'), NULL, h, h
          FROM generate_series(1, n) g;
    WHEN 'insert baseline+keys' THEN
        INSERT INTO bench_bare SELECT org + 100, g, 'registered', 'note ' || g FROM generate_series(1, n) g;
        INSERT INTO bench_events_pk
        SELECT org, g, 1, now(), 'direct', NULL, 'anna.andersson', session_user, 'bench', g, 'create', NULL, 'registered',
               NULL, jsonb_build_object('note', 'note ' || g, 'state', 'registered'), NULL, h, h
          FROM generate_series(1, n) g;
    WHEN 'update audited' THEN
        UPDATE bench_gov SET state = 'closed' WHERE org_id = org;
    WHEN 'update baseline' THEN
        UPDATE bench_bare SET state = 'closed' WHERE org_id = org;
        INSERT INTO bench_events
        SELECT org, n + g, 1, now(), 'direct', NULL, 'anna.andersson', session_user, 'bench', g, 'move', 'registered', 'closed',
               '{"state": "registered"}'::jsonb, '{"state": "closed"}'::jsonb, NULL, h, h
          FROM generate_series(1, n) g;
    WHEN 'update baseline+keys' THEN
        UPDATE bench_bare SET state = 'closed' WHERE org_id = org + 100;
        INSERT INTO bench_events_pk
        SELECT org, n + g, 1, now(), 'direct', NULL, 'anna.andersson', session_user, 'bench', g, 'move', 'registered', 'closed',
               '{"state": "registered"}'::jsonb, '{"state": "closed"}'::jsonb, NULL, h, h
          FROM generate_series(1, n) g;
    END CASE;
END $$;

