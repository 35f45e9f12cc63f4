-- Verification that sees cases, and restores that cannot invent history
-- (README "Backup and restore", "The audit trail"; src/core/sql/57_verify.sql,
-- src/core/restore.c).  sqm.verify() finds every way the cases can disagree
-- with the audit trail -- a case, a details row or a value changed, removed or
-- added behind the trail's back (a superuser with triggers disabled) -- and
-- only those; a personal or free-text value is compared by its salted digest,
-- one whose salt retention erased is named and not failed.  A COPY into a
-- table of sqm, or a session with pg_dump's settings, is a restore: the audit
-- trigger refuses to write events for it, and every error of the COPY carries
-- the hint to the README's procedure.  (The restore routes themselves, on the
-- demo, are test/dump_restore.sh.)
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(63);

SET LOCAL sqm.frozen_now = '2025-03-03 10:00+01';
SELECT sqm.create_roles() \g /dev/null
SELECT sqm.create_organisation('A', 'SN') AS a \gset
SELECT sqm.create_unit(:a, 'Enhet A', 'unit', '2024-01-01') AS ua \gset
SELECT sqm.add_deviation_type(:a, 'info', 'Information', 'Information', '2024-01-01');
SELECT sqm.add_deviation_type(:a, 'fall', 'Fall', 'Fall', '2024-01-01', NULL, 'HSL');
SELECT sqm.create_organisation('B', 'SN') AS b \gset
SELECT sqm.create_unit(:b, 'Enhet B', 'unit', '2024-01-01') AS ub \gset
SELECT sqm.add_deviation_type(:b, 'info', 'Information', 'Information', '2024-01-01');

-- A few cases with their details, moves, a measure and a case link.
SELECT sqm.report_deviation(:a, :ua, 'SoL', '2025-03-01', 'Beslut expedierades inte', '{info}', '2025-03-02 09:00+01') AS d1 \gset
SELECT sqm.triage_deviation(:a, :d1, 'reported', 'moderate');
SELECT sqm.move_object('deviation', :a, :d1, 'triaged', 'investigating');
SELECT sqm.record_deviation_summary(:a, :d1, 'investigating', 'Rutinen följdes inte');
SELECT sqm.report_deviation(:a, :ua, 'SoL', '2025-03-01', 'Egentligen HSL', '{info}', '2025-03-02 10:00+01') AS d2 \gset
SELECT sqm.report_deviation(:a, :ua, 'HSL', '2025-03-01', 'Fall i badrum', '{fall}', '2025-03-02 11:00+01') AS d3 \gset
SELECT sqm.reclassify_deviation(:a, :d2, 'reported', :d3, 'Var en HSL-avvikelse');
SELECT sqm.plan_measure(:a, 'deviation', :d1, 'Genomgång av rutin', 'enhetschef', '2025-04-01', '2025-05-01') AS m1 \gset
SELECT sqm.report_deviation(:b, :ub, 'SoL', '2025-03-01', 'I B', '{info}', '2025-03-02 09:00+01') AS db \gset
SELECT id AS link FROM sqm.case_link WHERE org_id = :a \gset

-- Each check below runs in a savepoint: change something behind the trail's
-- back, see what sqm.verify says, roll back.
CREATE FUNCTION pg_temp.found(q text) RETURNS SETOF text LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY EXECUTE format(
        'SELECT concat_ws(%L, ok::text, kind, object_id::text, column_name, expected, found, split_part(problem, %L, 1)) FROM (%s) v',
        ' ', ':', q);
END $$;

-- ---------------------------------------------------------------- whole
SELECT results_eq('SELECT ok, org_id, problem FROM sqm.verify()', 'VALUES (true, NULL::bigint, NULL::text)',
                  'the cases and the trail agree: one row, ok');
SELECT results_eq(format('SELECT ok, org_id FROM sqm.verify(%s)', :a), format('VALUES (true, %s::bigint)', :a),
                  'verify(org) says ok for the organisation');
SELECT is((SELECT count(*)::int FROM sqm.audit_event WHERE org_id = :a AND object_kind = 'case_link'), 1,
          'the case link is an audited object too');
SET LOCAL TimeZone = 'America/New_York';
SET LOCAL DateStyle = 'SQL, DMY';
SELECT results_eq('SELECT ok FROM sqm.verify()', 'VALUES (true)',
                  'under another TimeZone and DateStyle the recorded moments are still the same values');
RESET TimeZone;
RESET DateStyle;

-- ---------------------------------------------------------------- cases
SAVEPOINT s;
SET LOCAL session_replication_role = replica;
DELETE FROM sqm.deviation WHERE org_id = :a AND id = :d1;
SELECT results_eq('SELECT * FROM pg_temp.found($$SELECT * FROM sqm.verify()$$)',
                  format('VALUES (%L)', format('false deviation %s investigating missing', :d1)),
                  'a case row deleted behind the trail''s back is missing, in the state the trail records');
ROLLBACK TO s;

SAVEPOINT s;
SET LOCAL session_replication_role = replica;
UPDATE sqm.deviation SET state = 'closed' WHERE org_id = :a AND id = :d1;
SELECT results_eq('SELECT * FROM pg_temp.found($$SELECT * FROM sqm.verify()$$)',
                  format('VALUES (%L)', format('false deviation %s state investigating closed value', :d1)),
                  'a state changed behind the trail''s back: expected the trail''s, found the table''s');
ROLLBACK TO s;

SAVEPOINT s;
SET LOCAL session_replication_role = replica;
INSERT INTO sqm.deviation (org_id, id, state, unit_id, regime, happened_at, reported_at, types)
VALUES (:a, 900001, 'reported', :ua, 'SoL', '2025-03-01', '2025-03-02', '{info}');
INSERT INTO sqm.deviation_detail (org_id, id, reported_by, description) VALUES (:a, 900001, 'x', 'y');
SELECT results_eq('SELECT * FROM pg_temp.found($$SELECT * FROM sqm.verify()$$)',
                  $$VALUES ('false deviation 900001 reported unknown')$$,
                  'a case added behind the trail''s back is unknown (its details row with it)');
ROLLBACK TO s;

SAVEPOINT s;
SET LOCAL session_replication_role = replica;
INSERT INTO sqm.case_link (org_id, id, from_kind, from_id, relation, to_kind, to_id, created_at, created_by, state)
VALUES (:a, 900002, 'deviation', :d1, 'reclassified_to', 'deviation', :d3, '2025-03-03', 'x', 'linked');
SELECT results_eq('SELECT * FROM pg_temp.found($$SELECT * FROM sqm.verify()$$)',
                  $$VALUES ('false case_link 900002 linked unknown')$$,
                  'a case link added behind the trail''s back is unknown');
ROLLBACK TO s;

SAVEPOINT s;
SET LOCAL session_replication_role = replica;
UPDATE sqm.deviation SET severity = 'high' WHERE org_id = :a AND id = :d1;
UPDATE sqm.deviation SET reported_at = reported_at + interval '1 second' WHERE org_id = :a AND id = :d2;
UPDATE sqm.measure SET due_on = '2025-04-02' WHERE org_id = :a AND id = :m1;
UPDATE sqm.deviation SET escalated_at = '2025-03-03' WHERE org_id = :a AND id = :d3;
SELECT results_eq('SELECT * FROM pg_temp.found($$SELECT ok, kind, object_id, column_name, CASE WHEN column_name = $q$reported_at$q$ THEN NULL ELSE expected END, CASE WHEN column_name = $q$reported_at$q$ THEN NULL ELSE found END, problem FROM sqm.verify()$$)',
                  format('VALUES (%L), (%L), (%L), (%L)',
                         format('false deviation %s severity moderate high value', :d1),
                         format('false deviation %s reported_at value', :d2),
                         format('false deviation %s escalated_at 2025-03-03T00:00:00+00:00 value', :d3),
                         format('false measure %s due_on 2025-04-01 2025-04-02 value', :m1)),
                  'a value changed behind the trail''s back, by a second too; one set that no event recorded (a moment in ISO 8601, UTC)');
ROLLBACK TO s;

-- ---------------------------------------------------------------- details, digests
SAVEPOINT s;
SET LOCAL session_replication_role = replica;
UPDATE sqm.deviation_detail SET description = 'Något annat' WHERE org_id = :a AND id = :d1;
SELECT is((SELECT problem FROM sqm.verify()),
          format('value: column description of deviation %s is not what its latest event recorded', :d1),
          'free text changed behind the trail''s back is found by its salted digest');
SELECT is((SELECT found FROM sqm.verify()),
          (SELECT 'sha256:' || encode(sha256(v.salt || convert_to('Något annat', 'UTF8')), 'hex')
             FROM sqm.audit_value v JOIN sqm.audit_event e USING (org_id, seq)
            WHERE e.org_id = :a AND e.object_id = :d1 AND v.column_name = 'description'),
          'and shown as the digest of the value now, with the event''s salt: no free text in the result');
SELECT ok((SELECT expected LIKE 'sha256:%' FROM sqm.verify()), 'expected is the event''s digest');
ROLLBACK TO s;

SAVEPOINT s;
SET LOCAL session_replication_role = replica;
UPDATE sqm.deviation_detail SET no_measure_reason = 'Hemligt' WHERE org_id = :a AND id = :d1;
SELECT results_eq('SELECT * FROM pg_temp.found($$SELECT * FROM sqm.verify()$$)',
                  format('VALUES (%L)', format('false deviation %s no_measure_reason (not shown: personal data or free text) value', :d1)),
                  'free text set where the trail recorded none is found, and not shown');
ROLLBACK TO s;

SAVEPOINT s;
SET LOCAL session_replication_role = replica;
DELETE FROM sqm.deviation_detail WHERE org_id = :a AND id = :d1;
SELECT results_eq('SELECT * FROM pg_temp.found($$SELECT * FROM sqm.verify()$$)',
                  format('VALUES (%L)', format('false deviation %s details missing', :d1)),
                  'a details row deleted behind the trail''s back is missing');
ROLLBACK TO s;

SAVEPOINT s;
SET LOCAL session_replication_role = replica;
INSERT INTO sqm.deviation_detail (org_id, id, reported_by, description) VALUES (:a, 900003, 'x', 'y');
SELECT results_eq('SELECT * FROM pg_temp.found($$SELECT * FROM sqm.verify()$$)',
                  $$VALUES ('false deviation 900003 unknown details')$$,
                  'a details row of no case is unknown');
ROLLBACK TO s;

-- Retention erases a kept value and its salt: the digest cannot be compared,
-- which is said, not failed; the other values still are.
SAVEPOINT s;
UPDATE sqm.audit_value v SET salt = NULL, value = NULL
  FROM sqm.audit_event e
 WHERE e.org_id = v.org_id AND e.seq = v.seq AND e.org_id = :a AND e.object_id = :d1 AND v.column_name = 'description';
SELECT results_eq('SELECT ok, kind, object_id, column_name, split_part(problem, $$:$$, 1) FROM sqm.verify()',
                  format('VALUES (true, %L, %s::bigint, %L, %L)', 'deviation', :d1, 'description', 'not compared'),
                  'a value whose salt retention erased is named as not compared, and the result is ok');
SET LOCAL session_replication_role = replica;
UPDATE sqm.deviation_detail SET description = 'Något annat' WHERE org_id = :a AND id = :d1;
UPDATE sqm.deviation SET severity = 'low' WHERE org_id = :a AND id = :d1;
SELECT results_eq('SELECT * FROM pg_temp.found($$SELECT * FROM sqm.verify()$$)',
                  format('VALUES (%L), (%L)', format('false deviation %s severity moderate low value', :d1),
                         format('true deviation %s description not compared', :d1)),
                  'the erased value still cannot be compared, a changed statistic next to it is found');
ROLLBACK TO s;

SAVEPOINT s;
SET LOCAL session_replication_role = replica;
DELETE FROM sqm.audit_value v USING sqm.audit_event e
 WHERE e.org_id = v.org_id AND e.seq = v.seq AND e.org_id = :a AND e.object_id = :d1 AND v.column_name = 'summary';
SELECT results_eq('SELECT * FROM pg_temp.found($$SELECT * FROM sqm.verify()$$)',
                  format('VALUES (%L)', format('false deviation %s summary %s (not shown: personal data or free text) value', :d1,
                         (SELECT after->>'summary' FROM sqm.audit_event WHERE org_id = :a AND object_id = :d1 AND after ? 'summary'))),
                  'a digest whose kept value is gone (not erased: removed) is a discrepancy');
ROLLBACK TO s;

-- ---------------------------------------------------------------- the trail
SAVEPOINT s;
SET LOCAL session_replication_role = replica;
UPDATE sqm.audit_event SET to_state = 'closed' WHERE org_id = :a AND seq = 3;
SELECT results_eq('SELECT ok, kind, object_id, split_part(problem, $$:$$, 2) FROM sqm.verify() LIMIT 1',
                  $$VALUES (false, 'audit_event', 3::bigint, ' hash')$$,
                  'the chain check is part of it: an altered event is named first');
ROLLBACK TO s;

-- A route where the triggers fire re-creates a deleted case: the trail then
-- creates it twice (history that chains but is not the original).
SAVEPOINT s;
SET LOCAL session_replication_role = replica;
DELETE FROM sqm.deviation WHERE org_id = :a AND id = :d2;
SET LOCAL session_replication_role = origin;
INSERT INTO sqm.deviation (org_id, id, state, unit_id, regime, happened_at, reported_at, types)
VALUES (:a, :d2, 'reported', :ua, 'SoL', '2025-03-01', '2025-03-02 10:00+01', '{info}');
SELECT results_eq(format('SELECT ok, kind, object_id, problem FROM sqm.verify(%s)', :a),
                  format('VALUES (false, %L, %s::bigint, %L)', 'deviation', :d2,
                         format('created twice: the audit trail creates deviation %s 2 times (first at event %s)', :d2,
                                (SELECT min(seq) FROM sqm.audit_event WHERE org_id = :a AND object_id = :d2))),
                  'an object the trail creates twice is named');
ROLLBACK TO s;

SAVEPOINT s;
ALTER TABLE sqm.deviation RENAME COLUMN severity TO seriousness;
SELECT results_eq('SELECT * FROM pg_temp.found($$SELECT * FROM sqm.verify()$$)',
                  format('VALUES (%L), (%L)',
                         format('false deviation %s severity moderate column', :d1),
                         format('false deviation %s seriousness (not shown: personal data or free text) value', :d1)),
                  'a column the trail records and no table has is named (and its new name, unclassified and so kept out of sight, holds an unrecorded value)');
ROLLBACK TO s;

SAVEPOINT s;
DROP TRIGGER audit ON sqm.case_link;
SELECT results_eq('SELECT * FROM pg_temp.found($$SELECT * FROM sqm.verify()$$)',
                  format('VALUES (%L)', format('false case_link %s kind', :link)),
                  'events of a kind no table is audited as are named');
ROLLBACK TO s;

-- ---------------------------------------------------------------- organisations, limits
SAVEPOINT s;
SET LOCAL session_replication_role = replica;
UPDATE sqm.deviation SET severity = 'low' WHERE org_id = :b;
DELETE FROM sqm.measure WHERE org_id = :a;
SELECT results_eq('SELECT ok, org_id, kind FROM sqm.verify()',
                  format('VALUES (false, %s::bigint, %L), (false, %s::bigint, %L)', :a, 'measure', :b, 'deviation'),
                  'sqm.verify() names the discrepancies of each organisation');
SELECT results_eq(format('SELECT ok, org_id FROM sqm.verify(%s)', :b), format('VALUES (false, %s::bigint)', :b),
                  'sqm.verify(org) only those of the organisation');
UPDATE sqm.deviation SET severity = 'low', escalated_at = '2025-03-03' WHERE org_id = :a;
SELECT results_eq(format('SELECT ok, split_part(problem, $$:$$, 1) FROM sqm.verify(%s, 2)', :a),
                  $$VALUES (false, 'missing'), (false, 'value'), (false, 'more')$$,
                  'at most max_per_org discrepancies, then how many more');
SELECT is((SELECT problem FROM sqm.verify(:a, 2) OFFSET 2),
          'more: 5 further discrepancies not shown (sqm.verify(org, max_per_org) shows more)', 'the count of the rest');
ROLLBACK TO s;

SELECT throws_ok('SELECT * FROM sqm.verify(NULL, 0)', '22023', 'sqm.verify shows at least one discrepancy per organisation',
                 'max_per_org must be positive');
SELECT throws_ok('SELECT * FROM sqm.verify(987654321)', '42704', 'organisation 987654321 does not exist',
                 'an unknown organisation (for a superuser)');

-- ---------------------------------------------------------------- who may verify
CREATE ROLE tvf_auditor IN ROLE sqm_auditor;
CREATE ROLE tvf_coordinator IN ROLE sqm_quality_coordinator;
CREATE ROLE tvf_manager IN ROLE sqm_unit_manager;
CREATE ROLE tvf_stranger IN ROLE sqm_auditor;
SELECT sqm.grant_membership(:a, 'tvf_auditor', 'auditor');
SELECT sqm.grant_membership(:a, 'tvf_coordinator', 'quality_coordinator');
SELECT sqm.grant_membership(:a, 'tvf_manager', 'unit_manager');

CREATE FUNCTION pg_temp.as_role(r text, q text) RETURNS SETOF text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('SET LOCAL ROLE %I', r);
    BEGIN
        RETURN QUERY EXECUTE q;
    EXCEPTION WHEN OTHERS THEN
        RESET ROLE;
        RETURN NEXT SQLSTATE || ': ' || SQLERRM;
        RETURN;
    END;
    RESET ROLE;
END $$;
SAVEPOINT s;
SET LOCAL session_replication_role = replica;
UPDATE sqm.deviation SET severity = 'low' WHERE (org_id, id) IN ((:a, :d1), (:b, :db));
SET LOCAL session_replication_role = origin;
SELECT results_eq($q$SELECT * FROM pg_temp.as_role('tvf_auditor', 'SELECT concat_ws($$ $$, ok, org_id, kind, object_id) FROM sqm.verify()')$q$,
                  format('VALUES (%L)', format('f %s deviation %s', :a, :d1)),
                  'an auditor verifies the organisations they audit, whole (RLS hides nothing from the check)');
SELECT results_eq(format($$SELECT * FROM pg_temp.as_role('tvf_auditor', 'SELECT ok::text FROM sqm.verify(%s)')$$, :b),
                  format('VALUES (%L)', format('42501: permission denied to read audit for organisation %s', :b)),
                  'and no other');
SELECT results_eq($$SELECT * FROM pg_temp.as_role('tvf_auditor', 'SELECT ok::text FROM sqm.verify(987654321)')$$,
                  $$VALUES ('42501: permission denied to read audit for organisation 987654321')$$,
                  'an unknown organisation is refused alike (authorisation before existence)');
SELECT results_eq(format($q$SELECT * FROM pg_temp.as_role('tvf_coordinator', 'SELECT DISTINCT concat_ws($$ $$, ok, org_id) FROM sqm.verify(%s)')$q$, :a),
                  format('VALUES (%L)', format('f %s', :a)),
                  'a quality coordinator verifies with read_audit, which the role holds by default');
SELECT sqm.set_delegation(:a, 'quality_coordinator', 'read_audit', false, 'Granskning sköts av revisorn');
SELECT results_eq(format($q$SELECT * FROM pg_temp.as_role('tvf_coordinator', 'SELECT concat_ws($$ $$, ok, org_id) FROM sqm.verify(%s)')$q$, :a),
                  format('VALUES (%L)', format('42501: permission denied to read audit for organisation %s', :a)),
                  'and not where the organisation''s delegation order takes read_audit from the role');
SELECT results_eq($$SELECT * FROM pg_temp.as_role('tvf_stranger', 'SELECT ok::text FROM sqm.verify()')$$,
                  $$VALUES ('42501: permission denied to read audit for any organisation')$$,
                  'an auditor of no organisation verifies none');
SELECT results_eq(format($$SELECT * FROM pg_temp.as_role('tvf_manager', 'SELECT ok::text FROM sqm.verify(%s)')$$, :a),
                  $$VALUES ('42501: permission denied for function verify')$$,
                  'a unit manager has no grant to verify');
ROLLBACK TO s;
SELECT ok(NOT has_function_privilege('public', 'sqm.verify(bigint, integer)', 'EXECUTE')
          AND NOT has_function_privilege('public', 'sqm.audit_same_value(text, text, oid)', 'EXECUTE'),
          'PUBLIC may call neither sqm.verify nor its helper');

-- ---------------------------------------------------------------- the typed comparison
SELECT ok(sqm.audit_same_value('2025-03-01 10:00:00+01', '2025-03-01 09:00:00+00', 'timestamptz'::regtype),
          'the same moment in two zones is the same value');
SELECT ok(NOT sqm.audit_same_value('2025-03-01 10:00:00+01', '2025-03-01 10:00:00+00', 'timestamptz'::regtype),
          'another moment is not');
SELECT ok(NOT sqm.audit_same_value('not a moment', '2025-03-01 10:00:00+00', 'timestamptz'::regtype),
          'a recorded text the type does not read is not the same (and no error)');
SELECT ok(sqm.audit_same_value('{a,b}', '{"a","b"}', 'text[]'::regtype), 'arrays compare as arrays');
SELECT ok(NOT sqm.audit_same_value('a', 'A', 'text'::regtype), 'text compares exactly');
SELECT ok(sqm.audit_same_value(NULL, NULL, 'text'::regtype) AND NOT sqm.audit_same_value(NULL, 'a', 'text'::regtype)
          AND NOT sqm.audit_same_value('a', NULL, 'text'::regtype), 'NULL is the same as NULL only');
SELECT throws_ok($$SELECT sqm.audit_same_value('a', 'b', 0)$$, '42704', 'type with OID 0 does not exist', 'an unknown type');

-- ---------------------------------------------------------------- restores
-- A COPY into a table of sqm is a restore: the audit trigger writes no event
-- for it, and every error of the COPY carries the hint to the procedure.
CREATE FUNCTION pg_temp.error_of(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE st text; msg text; hint text;
BEGIN
    EXECUTE q;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, hint = PG_EXCEPTION_HINT;
    RETURN st || ': ' || msg || ' | ' || coalesce(hint, '');
END $$;
SELECT '/tmp/sqm-verify-test-' || pg_backend_pid() AS file \gset
SELECT max(seq) AS head FROM sqm.audit_event WHERE org_id = :a \gset
SELECT format('rm -f %s', :'file') AS rm \gset
-- the columns each COPY names (the tables may have more, filled in by default)
\set cols 'org_id, id, state, unit_id, regime, happened_at, reported_at, types'
\set dcols 'org_id, id, reported_by, description'
\set lcols 'org_id, id, state, from_kind, from_id, relation, to_kind, to_id, created_at, created_by'
SELECT 'Restoring a dump of sqm? Its triggers refuse restored rows: restore into a new database as README.md "Backup and restore" says (the data section with session_replication_role = replica), then run SELECT * FROM sqm.verify().' AS hint \gset

COPY (SELECT :a, 900010, 'reported', :ua, 'SoL', '2025-03-01 10:00+01'::timestamptz, '2025-03-02 10:00+01'::timestamptz, '{info}'::text[])
  TO :'file';
SELECT is(pg_temp.error_of(format('COPY sqm.deviation (%s) FROM %L', :'cols', :'file')),
          format('55000: restoring deviation 900010 of organisation %s would add a create event to the audit trail | %s To re-enter rows with new events on purpose, set sqm.import_batch (and sqm.batch_source = restore) first.', :a, :'hint'),
          'a case in its initial state, copied in, would get a create event: refused, with the hint');
SELECT is((SELECT max(seq) FROM sqm.audit_event WHERE org_id = :a), :'head'::bigint, 'and the trail has no new event');

COPY (SELECT :a, 900011, 'closed', :ua, 'SoL', '2025-03-01 10:00+01'::timestamptz, '2025-03-02 10:00+01'::timestamptz, '{info}'::text[])
  TO :'file';
SELECT is(pg_temp.error_of(format('COPY sqm.deviation (%s) FROM %L', :'cols', :'file')),
          format(E'SQ001: deviation 900011 cannot start in state "closed" | Initial states of deviation: reported.\n%s', :'hint'),
          'a case in a later state is refused by the lifecycle engine, its hint followed by the restore hint');
COPY (SELECT :a, 900012, 'x', 'y') TO :'file';
SELECT is(pg_temp.error_of(format('COPY sqm.deviation_detail (%s) FROM %L', :'dcols', :'file')),
          format('23503: insert or update on table "deviation_detail" violates foreign key constraint "deviation_detail_org_id_id_fkey" | %s', :'hint'),
          'a details row before its case: the foreign key''s error carries the hint too');
COPY (SELECT :a, 900013, 'linked', 'deviation', 900014, 'reclassified_to', 'deviation', :d3, '2025-03-03'::timestamptz, 'x') TO :'file';
SELECT alike(pg_temp.error_of(format('COPY sqm.case_link (%s) FROM %L', :'lcols', :'file')),
            '23503: case link from deviation 900014 to deviation % refers to a missing deviation | %Backup and restore%',
            'and the case link check''s');
SELECT is(pg_temp.error_of(format('COPY sqm.deviation FROM %L', '/nonexistent/sqm')),
          format(E'58P01: could not open file "/nonexistent/sqm" for reading: No such file or directory | COPY FROM instructs the PostgreSQL server process to read a file. You may want a client-side facility such as psql\'s \\copy.\n%s', :'hint'),
          'any error of a COPY into a table of sqm does');

COPY (SELECT :a, 900010, 'reported', :ua, 'SoL', '2025-03-01 10:00+01'::timestamptz, '2025-03-02 10:00+01'::timestamptz, '{info}'::text[])
  TO :'file';
CREATE TEMP TABLE staging (LIKE sqm.deviation);
SELECT is(pg_temp.error_of(format('COPY staging (%s) FROM %L', :'cols', :'file')), 'ok', 'a COPY into a table of another schema is no restore');

-- Rows re-entered on purpose: a superuser marks them as a batch, and they get
-- events of that batch.
SAVEPOINT s;
SET LOCAL sqm.import_batch = 'återinläsning 1';
SET LOCAL sqm.batch_source = 'restore';
SELECT is(pg_temp.error_of(format('COPY sqm.deviation (%s) FROM %L', :'cols', :'file')), 'ok', 'a COPY marked with sqm.import_batch is let through');
COPY (SELECT :a, 900010, 'x', 'y') TO :'file';
SELECT is(pg_temp.error_of(format('COPY sqm.deviation_detail (%s) FROM %L', :'dcols', :'file')), 'ok', 'its details too');
SELECT results_eq(format('SELECT source, batch, change FROM sqm.audit_event WHERE org_id = %s AND object_id = 900010 ORDER BY seq', :a),
                  $$VALUES ('restore', 'återinläsning 1', 'create'), ('restore', 'återinläsning 1', 'edit')$$,
                  'and its events say so');
SELECT results_eq('SELECT ok FROM sqm.verify()', 'VALUES (true)', 'the trail knows the case it re-entered');
ROLLBACK TO s;

SAVEPOINT s;
CREATE FUNCTION pg_temp.report_staged() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM sqm.report_deviation(NEW.org_id, NEW.unit_id, NEW.regime, NEW.happened_at, 'Från fil', NEW.types, NEW.reported_at);
    RETURN NULL;
END $$;
CREATE TRIGGER report BEFORE INSERT ON staging FOR EACH ROW EXECUTE FUNCTION pg_temp.report_staged();
COPY (SELECT :a, 900010, 'reported', :ua, 'SoL', '2025-03-01 10:00+01'::timestamptz, '2025-03-02 10:00+01'::timestamptz, '{info}'::text[])
  TO :'file';
SELECT is(pg_temp.error_of(format('COPY staging (%s) FROM %L', :'cols', :'file')), 'ok',
          'a loader that copies into its own table and reports through the API is no restore');
SELECT is((SELECT source FROM sqm.audit_event WHERE org_id = :a ORDER BY seq DESC LIMIT 1), 'api', 'its events are the API''s');
ROLLBACK TO s;

-- pg_dump --inserts: the session has pg_dump's settings.
CREATE FUNCTION pg_temp.as_dump(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE r text; path text := current_setting('search_path');
BEGIN
    PERFORM set_config('search_path', '', true);
    SET LOCAL check_function_bodies = off;
    SET LOCAL row_security = off;
    r := pg_temp.error_of(q);
    RESET check_function_bodies;
    RESET row_security;
    PERFORM set_config('search_path', path, true);
    RETURN r;
END $$;
SELECT is(pg_temp.as_dump(format($$INSERT INTO sqm.deviation (org_id, id, state, unit_id, regime, happened_at, reported_at, types)
                                   VALUES (%s, 900020, 'reported', %s, 'SoL', '2025-03-01', '2025-03-02', '{info}')$$, :a, :ua)),
          format('55000: restoring deviation 900020 of organisation %s would add a create event to the audit trail | %s To re-enter rows with new events on purpose, set sqm.import_batch (and sqm.batch_source = restore) first.', :a, :'hint'),
          'an INSERT in a session with pg_dump''s settings is a restore too: no event');
SELECT is(pg_temp.as_dump(format($$SELECT sqm.report_deviation(%s, %s, 'SoL', '2025-03-01', 'Via API', '{info}', '2025-03-02')$$, :a, :ua)),
          'ok', 'while the API, whose functions pin their search_path, works in such a session');
SELECT is(pg_temp.error_of(format($$INSERT INTO sqm.deviation (org_id, id, state, unit_id, regime, happened_at, reported_at, types)
                                     VALUES (%s, 900021, 'reported', %s, 'SoL', '2025-03-01', '2025-03-02', '{info}');
                                     INSERT INTO sqm.deviation_detail (org_id, id, reported_by, description) VALUES (%s, 900021, 'x', 'y')$$,
                                  :a, :ua, :a)),
          'ok', 'and a direct INSERT without them is an ordinary direct write');
SELECT results_eq(format('SELECT source, change FROM sqm.audit_event WHERE org_id = %s AND object_id = 900021 ORDER BY seq', :a),
                  $$VALUES ('direct', 'create'), ('direct', 'edit')$$, 'recorded as such');
SELECT results_eq('SELECT ok FROM sqm.verify()', 'VALUES (true)', 'after all this the cases and the trail still agree');

COPY (SELECT) TO PROGRAM :'rm';

-- A hostile search_path (PostgreSQL docs, "Security Considerations for
-- Extensions"): operators and functions planted before pg_catalog are never
-- called by sqm.verify, whose queries are built and run under its own path.
CREATE SCHEMA evil;
CREATE FUNCTION evil.trap(a text, b text) RETURNS boolean LANGUAGE plpgsql AS
  $$BEGIN RAISE EXCEPTION 'hostile operator called' USING ERRCODE = 'EV001'; END$$;
CREATE FUNCTION evil.trap(a bigint, b bigint) RETURNS boolean LANGUAGE sql AS $$SELECT evil.trap(a::text, b::text)$$;
CREATE OPERATOR evil.= (LEFTARG = text, RIGHTARG = text, FUNCTION = evil.trap);
CREATE OPERATOR evil.= (LEFTARG = bigint, RIGHTARG = bigint, FUNCTION = evil.trap);
CREATE FUNCTION evil.sha256(bytea) RETURNS bytea LANGUAGE sql AS $$SELECT evil.trap('a', 'b')::text::bytea$$;
CREATE FUNCTION evil.jsonb_each_text(jsonb) RETURNS SETOF record LANGUAGE sql AS $$SELECT evil.trap('a', 'b')$$;
CREATE FUNCTION pg_temp.hostile(q text) RETURNS text
LANGUAGE plpgsql SET search_path = evil, pg_catalog, public AS $$
BEGIN
    EXECUTE q;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
SELECT is(pg_temp.hostile($$SELECT 'a'::text = 'a'::text$$), 'EV001: hostile operator called', 'the planted = is found first');
SELECT is(pg_temp.hostile($$SELECT * FROM sqm.verify()$$), 'ok', 'sqm.verify never calls it');

SELECT * FROM finish();
ROLLBACK;
