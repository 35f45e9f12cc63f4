-- The audit trail (design.md §1, README "The audit trail", "Time and actor"):
-- a clock and an actor no ordinary role can forge; every create, move and edit
-- of a governed row appends exactly one event to its organisation's hash
-- chain, in format 1, with where it came from and the reason the API gave;
-- personal data and free text enter the chain only as salted digests, kept
-- beside it where they can be erased; the trail refuses changes;
-- sqm.verify_audit() finds every altered field, a clock that ran backwards
-- and an altered kept value; known-answer vectors pin the hash; every wrong
-- way of calling the triggers is refused with its SQLSTATE.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(168);

-- ---------------------------------------------------------------- time and actor
SELECT sqm.create_roles();
SELECT is(sqm.now(), now(), 'sqm.now() is the start of the transaction by default');
SELECT is(sqm.actor(), session_user::text, 'sqm.actor() is the calling role by default');

SET LOCAL sqm.frozen_now = '2025-03-01 10:00+01';
SELECT is(sqm.now(), '2025-03-01 09:00+00'::timestamptz, 'sqm.frozen_now freezes sqm.now()');
SELECT throws_ok($$SET LOCAL sqm.frozen_now = 'not a time'$$, '22007',
                 'invalid value for parameter "sqm.frozen_now": "not a time"',
                 'a frozen time that is not a timestamp is refused when set');
SELECT throws_ok($$SET LOCAL sqm.frozen_now = 'infinity'$$, '22007',
                 NULL, 'sqm.now() cannot be frozen at infinity');
SELECT throws_ok($$SET LOCAL sqm.frozen_now = '2025-02-30 10:00+01'$$, '22008',
                 NULL, 'a frozen time with a field out of range is refused when set');
SELECT is(sqm.now(), '2025-03-01 09:00+00'::timestamptz, 'a refused value leaves the frozen time as it was');
SET LOCAL sqm.frozen_now = '';
SELECT is(sqm.now(), now(), 'an empty sqm.frozen_now unfreezes sqm.now()');
SET LOCAL sqm.frozen_now = '2025-03-01 10:00+01';

-- Only a superuser, or a role granted SET ON PARAMETER (a loader), moves the
-- clock or marks a batch (design.md §3b: a setting any role can change is input).
CREATE ROLE tst_nobody;
GRANT USAGE ON SCHEMA sqm TO tst_nobody;
CREATE ROLE tst_loader;
GRANT SET ON PARAMETER sqm.frozen_now, sqm.import_batch TO tst_loader;
SET LOCAL ROLE tst_nobody;
SELECT throws_ok($$SET LOCAL sqm.frozen_now = '2035-01-01 00:00+00'$$, '42501',
                 'permission denied to set parameter "sqm.frozen_now"', 'a role that is not a superuser cannot freeze the clock');
SELECT throws_ok($$SELECT set_config('sqm.frozen_now', '2035-01-01 00:00+00', true)$$, '42501',
                 'permission denied to set parameter "sqm.frozen_now"', 'nor through set_config()');
SELECT throws_ok($$RESET sqm.frozen_now$$, '42501', NULL, 'nor unfreeze it');
SELECT throws_ok($$SET LOCAL sqm.import_batch = 'mallory'$$, '42501',
                 'permission denied to set parameter "sqm.import_batch"', 'nor mark its writes as an import batch');
SELECT throws_ok($$SET LOCAL sqm.batch_source = 'restore'$$, '42501', NULL, 'nor say what a batch is');
SELECT is(current_setting('sqm.frozen_now'), '2025-03-01 10:00+01', 'the clock is as the superuser set it');
RESET ROLE;
SET LOCAL ROLE tst_loader;
SELECT lives_ok($$SET LOCAL sqm.frozen_now = '2025-03-01 11:00+01'$$,
                'a role granted SET ON PARAMETER sqm.frozen_now may freeze the clock (a loader)');
SELECT lives_ok($$SET LOCAL sqm.import_batch = 'laddning 1'$$, 'and one granted SET on sqm.import_batch may mark a batch');
RESET ROLE;
SELECT is(sqm.now(), '2025-03-01 10:00+00'::timestamptz, 'the loader''s clock is in force');
SET LOCAL sqm.import_batch = '';
SET LOCAL sqm.frozen_now = '2025-03-01 10:00+01';

SELECT is((SELECT string_agg(p.oid::regprocedure::text, ', ')
             FROM pg_proc p
             JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
             JOIN pg_extension x ON x.oid = d.refobjid AND x.extname = 'sqm'
            WHERE p.prosrc ~ '(frozen_now|import_batch|batch_source)'
               OR array_to_string(p.proconfig, ' ') ~ '(frozen_now|import_batch|batch_source)'), NULL,
          'no function of sqm sets the clock or a batch for its caller (none names sqm.frozen_now, sqm.import_batch or sqm.batch_source)');
SELECT is((SELECT string_agg(r.rolname, ', ') FROM pg_roles r
            WHERE (r.rolname LIKE 'sqm\_%' OR r.rolname = 'tst_nobody')
              AND (has_function_privilege(r.oid, 'sqm.audit_set_context(text, text)', 'EXECUTE')
                   OR has_function_privilege(r.oid, 'sqm.audit_clear_context()', 'EXECUTE'))), NULL,
          'no sqm role (nor PUBLIC) may set the context of a write: only the API does');

SELECT is(sqm.actor(), session_user::text, 'sqm.actor() is the calling role while no end user is named');
SET LOCAL sqm.actor = 'anna.andersson';
SELECT is(sqm.actor(), 'anna.andersson', 'a superuser may name the end user in sqm.actor');
SET LOCAL ROLE tst_nobody;
SELECT is(sqm.actor(), 'tst_nobody', 'for a role that is not an application the GUC counts for nothing: the calling role acts');
RESET ROLE;

-- ---------------------------------------------------------------- a governed table
SELECT sqm.create_organisation('Socialförvaltningen, Alingsås', 'SN') AS a \gset
SELECT sqm.create_organisation('Socialtjänsten, Exempelby', 'SN') AS b \gset

CREATE TABLE sqm.tst_audited (org_id bigint, id bigint, state text, note text, PRIMARY KEY (org_id, id));
SELECT sqm.classify('sqm.tst_audited', '{"internal": ["org_id", "id"], "statistic": ["state"], "free_text": ["note"]}',
                    part => 'case');
CREATE TRIGGER audit AFTER INSERT OR UPDATE ON sqm.tst_audited
    FOR EACH ROW EXECUTE FUNCTION sqm.audit_record('tst');

-- the events as an auditor reads them (kept values in place of their digests)
CREATE FUNCTION pg_temp.events(org bigint) RETURNS TABLE (seq bigint, change text, object_id bigint,
                                                         from_state text, to_state text, before jsonb, after jsonb)
LANGUAGE sql AS $$
  SELECT seq, change, object_id, from_state, to_state, before, after
    FROM sqm.audit_trail WHERE org_id = org ORDER BY seq
$$;

SELECT sqm.audit_set_context('api', 'Anmälan inkom per telefon');
INSERT INTO sqm.tst_audited VALUES (:a, 1, 'registered', 'Fall i "dagrummet"');
SELECT sqm.audit_clear_context();
SELECT results_eq(format('SELECT * FROM pg_temp.events(%s)', :a),
                  $$VALUES (1::bigint, 'create', 1::bigint, NULL::text, 'registered',
                            NULL::jsonb, '{"note": "Fall i \"dagrummet\"", "state": "registered"}'::jsonb)$$,
                  'an insert writes one create event: to_state, and every non-null column but org_id and id');
SELECT is((SELECT (format, recorded_at, source, batch, actor, db_role, object_kind)::text FROM sqm.audit_event WHERE org_id = :a AND seq = 1),
          (1, timestamptz '2025-03-01 10:00+01', 'api', NULL::text, 'anna.andersson', session_user::text, 'tst')::text,
          'the event records format 1, the frozen time, its source, no batch, the end user, the calling role and the kind');
SELECT is((SELECT reason FROM sqm.audit_trail WHERE org_id = :a AND seq = 1), 'Anmälan inkom per telefon',
          'and the reason of the write''s context');
SELECT is((SELECT prev_hash FROM sqm.audit_event WHERE org_id = :a AND seq = 1), decode(repeat('00', 32), 'hex'),
          'the first event of an organisation chains to 32 zero bytes');
SELECT is((SELECT length(hash) FROM sqm.audit_event WHERE org_id = :a AND seq = 1), 32, 'the hash is a SHA-256 digest');
-- The hash covers every column: an event with any one column changed (each
-- to a value of its type that differs) hashes differently.
SELECT is((SELECT array_agg(a.attname::text ORDER BY a.attnum)
             FROM sqm.audit_event e, pg_attribute a
            WHERE e.org_id = :a AND e.seq = 1 AND a.attrelid = 'sqm.audit_event'::regclass AND a.attnum > 0
              AND NOT a.attisdropped AND a.attname <> 'hash'
              AND sqm.audit_hash(jsonb_populate_record(e, jsonb_build_object(a.attname,
                    CASE a.atttypid WHEN 'bigint'::regtype THEN to_jsonb(999999)
                                    WHEN 'smallint'::regtype THEN to_jsonb(2)
                                    WHEN 'timestamptz'::regtype THEN to_jsonb('2001-02-03 04:05:06+00'::timestamptz)
                                    WHEN 'bytea'::regtype THEN to_jsonb('\xdeadbeef'::text)
                                    WHEN 'jsonb'::regtype THEN '{"other": 1}'::jsonb
                                    ELSE to_jsonb('something else'::text) END)))
                  = e.hash),
          NULL, 'the stored hash changes with every column of the event: no column is left out of it');

-- ---------------------------------------------------------------- salted digests
SELECT ok((SELECT after->>'note' ~ '^sha256:[0-9a-f]{64}$' FROM sqm.audit_event WHERE org_id = :a AND seq = 1),
          'a free-text value enters the event as sha256: and 64 hex digits');
SELECT is((SELECT count(*) FROM sqm.audit_event WHERE org_id = :a AND seq = 1
              AND (after::text LIKE '%dagrummet%' OR reason LIKE '%telefon%')), 0::bigint,
          'the value and the reason are nowhere in the event');
SELECT ok((SELECT reason ~ '^sha256:[0-9a-f]{64}$' FROM sqm.audit_event WHERE org_id = :a AND seq = 1),
          'the reason enters the event as its digest too');
SELECT results_eq(format($$SELECT side, column_name, value, length(salt) FROM sqm.audit_value WHERE org_id = %s AND seq = 1 ORDER BY side$$, :a),
                  $$VALUES ('after', 'note', 'Fall i "dagrummet"', 16), ('reason', 'reason', 'Anmälan inkom per telefon', 16)$$,
                  'the values are kept beside the chain in sqm.audit_value, each with a 16-byte salt');
SELECT is((SELECT count(*) FROM sqm.audit_value v JOIN sqm.audit_event e USING (org_id, seq)
            WHERE v.org_id = :a AND v.seq = 1
              AND 'sha256:' || encode(sha256(v.salt || convert_to(v.value, 'UTF8')), 'hex')
                  = CASE v.side WHEN 'after' THEN e.after->>v.column_name ELSE e.reason END), 2::bigint,
          'each digest is sha256(salt || the UTF-8 bytes of the value), in lowercase hex after "sha256:"');
SELECT is((SELECT after->>'state' FROM sqm.audit_event WHERE org_id = :a AND seq = 1), 'registered',
          'a column of class statistic is recorded as it is');

UPDATE sqm.tst_audited SET state = 'investigating' WHERE org_id = :a AND id = 1;
SELECT results_eq(format('SELECT * FROM pg_temp.events(%s) WHERE seq = 2', :a),
                  $$VALUES (2::bigint, 'move', 1::bigint, 'registered', 'investigating',
                            '{"state": "registered"}'::jsonb, '{"state": "investigating"}'::jsonb)$$,
                  'a change of state writes one move event with the states and only the changed column');
SELECT is((SELECT (source, reason)::text FROM sqm.audit_event WHERE org_id = :a AND seq = 2), '(direct,)',
          'a write outside the API is direct, without a reason');
SELECT is((SELECT count(*) FROM sqm.audit_value WHERE org_id = :a AND seq = 2), 0::bigint,
          'and an event without personal data or free text keeps nothing beside the chain');

UPDATE sqm.tst_audited SET note = NULL WHERE org_id = :a AND id = 1;
SELECT results_eq(format('SELECT * FROM pg_temp.events(%s) WHERE seq = 3', :a),
                  $$VALUES (3::bigint, 'edit', 1::bigint, NULL::text, NULL::text,
                            '{"note": "Fall i \"dagrummet\""}'::jsonb, '{"note": null}'::jsonb)$$,
                  'a change of another column writes one edit event, without states; a NULL value is JSON null');
SELECT is((SELECT (before->>'note' ~ '^sha256:', after->'note')::text FROM sqm.audit_event WHERE org_id = :a AND seq = 3),
          '(t,null)', 'the old value is a digest too (with a salt of its own); NULL stays JSON null');

SELECT sqm.audit_set_context('api', 'Åtgärdat enligt rutin');
UPDATE sqm.tst_audited SET state = 'closed', note = 'Åtgärdat' WHERE org_id = :a AND id = 1;
SELECT sqm.audit_clear_context();
SELECT results_eq(format('SELECT * FROM pg_temp.events(%s) WHERE seq = 4', :a),
                  $$VALUES (4::bigint, 'move', 1::bigint, 'investigating', 'closed',
                            '{"note": null, "state": "investigating"}'::jsonb,
                            '{"note": "Åtgärdat", "state": "closed"}'::jsonb)$$,
                  'a move that also edits records both columns in one move event');

UPDATE sqm.tst_audited SET note = note, state = state WHERE org_id = :a;
SELECT is((SELECT count(*) FROM sqm.audit_event WHERE org_id = :a), 4::bigint, 'an update that changes nothing writes no event');

SELECT is((SELECT prev_hash FROM sqm.audit_event WHERE org_id = :a AND seq = 4),
          (SELECT hash FROM sqm.audit_event WHERE org_id = :a AND seq = 3),
          'each event chains to the hash of the one before');

-- several rows in one statement, and two organisations
INSERT INTO sqm.tst_audited VALUES (:b, 1, 'registered', 'B1'), (:a, 2, 'registered', NULL), (:b, 2, 'registered', 'B2');
SELECT results_eq(format('SELECT seq, object_id FROM sqm.audit_event WHERE org_id = %s ORDER BY seq', :b),
                  $$VALUES (1::bigint, 1::bigint), (2, 2)$$,
                  'each organisation has its own chain, starting at 1');
SELECT is((SELECT (seq, after)::text FROM sqm.audit_event WHERE org_id = :a AND object_id = 2),
          (5::bigint, '{"state": "registered"}'::jsonb)::text,
          'a row of one statement continues its own organisation''s chain; NULL columns are left out of a create');
SELECT is((SELECT prev_hash FROM sqm.audit_event WHERE org_id = :b AND seq = 1), decode(repeat('00', 32), 'hex'),
          'a second organisation''s chain starts from zero bytes too');
SELECT results_eq('SELECT ok, org_id, seq, problem FROM sqm.verify_audit()',
                  $$VALUES (true, NULL::bigint, NULL::bigint, NULL::text)$$,
                  'sqm.verify_audit() finds every chain whole');
SELECT results_eq(format('SELECT * FROM sqm.audit_head(%s)', :a),
                  format('SELECT seq, hash FROM sqm.audit_event WHERE org_id = %s AND seq = 5', :a),
                  'sqm.audit_head() is the newest event');

-- a column added later has no class: kept out of the chain until classified
ALTER TABLE sqm.tst_audited ADD COLUMN due date;
UPDATE sqm.tst_audited SET due = '2025-03-15' WHERE org_id = :a AND id = 2;
SELECT ok((SELECT after->>'due' ~ '^sha256:' FROM sqm.audit_event WHERE org_id = :a AND seq = 6),
          'a column without a class counts as personal: its value is a digest (fail closed)');
SELECT sqm.classify('sqm.tst_audited', '{"internal": ["org_id", "id"], "statistic": ["state", "due"], "free_text": ["note"]}',
                    part => 'case');
UPDATE sqm.tst_audited SET due = '2025-03-16' WHERE org_id = :a AND id = 2;
SELECT is((SELECT after FROM sqm.audit_event WHERE org_id = :a AND seq = 7), '{"due": "2025-03-16"}'::jsonb,
          'once classified a statistic, it is recorded as the text of its value (the classes are read again)');

-- ---------------------------------------------------------------- where a change comes from
SELECT sqm.audit_set_context('api', 'yttre skäl');
SELECT sqm.audit_set_context('api', NULL);
INSERT INTO sqm.tst_audited VALUES (:a, 10, 'registered', NULL);
SELECT sqm.audit_set_context('api', 'inre skäl');
UPDATE sqm.tst_audited SET state = 'closed' WHERE org_id = :a AND id = 10;
SELECT sqm.audit_clear_context();
SELECT sqm.audit_clear_context();
UPDATE sqm.tst_audited SET state = 'registered' WHERE org_id = :a AND id = 10;
SELECT sqm.audit_clear_context();
UPDATE sqm.tst_audited SET state = 'closed' WHERE org_id = :a AND id = 10;
SELECT results_eq(format($$SELECT source, reason FROM sqm.audit_trail WHERE org_id = %s AND object_id = 10 ORDER BY seq$$, :a),
                  $$VALUES ('api', 'yttre skäl'), ('api', 'inre skäl'), ('api', 'yttre skäl'), ('direct', NULL)$$,
                  'contexts nest: one without a reason takes the enclosing one''s, clearing restores the enclosing one, and after the last the write is direct');

SAVEPOINT ctx;
SELECT sqm.audit_set_context('api', 'misslyckat');
SELECT throws_ok(format($$INSERT INTO sqm.tst_audited VALUES (%s, 10, 'registered', NULL)$$, :a), '23505', NULL,
                 '(a write fails while its context is set)');
ROLLBACK TO SAVEPOINT ctx;
UPDATE sqm.tst_audited SET state = 'registered' WHERE org_id = :a AND id = 10;
SELECT is((SELECT (source, reason)::text FROM sqm.audit_trail WHERE org_id = :a AND object_id = 10 ORDER BY seq DESC LIMIT 1),
          '(direct,)', 'a context set in a rolled-back savepoint is gone with it');

SELECT throws_ok($$SELECT sqm.audit_set_context('forged', NULL)$$, '22023', 'unknown source "forged" of an audited write',
                 'an unknown source is refused');
SELECT throws_ok($$SELECT sqm.audit_set_context(NULL, 'x')$$, '22004', 'an audited write needs a source',
                 'a context without a source is refused');

SET LOCAL sqm.import_batch = 'migrering 2025';
SELECT sqm.audit_set_context('api', 'inläst');
UPDATE sqm.tst_audited SET state = 'closed', note = 'Importerad' WHERE org_id = :a AND id = 10;
SELECT sqm.audit_clear_context();
SELECT is((SELECT (source, batch, reason)::text FROM sqm.audit_trail WHERE org_id = :a AND object_id = 10 ORDER BY seq DESC LIMIT 1),
          '(import,"migrering 2025",inläst)', 'a batch a superuser marked is an import, with its batch (and the API''s reason)');
SET LOCAL sqm.batch_source = 'restore';
UPDATE sqm.tst_audited SET state = 'registered' WHERE org_id = :a AND id = 10;
SELECT is((SELECT (source, batch)::text FROM sqm.audit_event WHERE org_id = :a AND object_id = 10 ORDER BY seq DESC LIMIT 1),
          '(restore,"migrering 2025")', 'or a restore, as sqm.batch_source says');
SET LOCAL sqm.import_batch = '';
RESET sqm.batch_source;
UPDATE sqm.tst_audited SET state = 'closed' WHERE org_id = :a AND id = 10;
SELECT is((SELECT (source, batch)::text FROM sqm.audit_event WHERE org_id = :a AND object_id = 10 ORDER BY seq DESC LIMIT 1),
          '(direct,)', 'without a batch: direct, and no batch');

-- ---------------------------------------------------------------- the clock of the chain
SET LOCAL sqm.frozen_now = '2025-02-01 10:00+01';
UPDATE sqm.tst_audited SET state = 'registered' WHERE org_id = :a AND id = 10;
SELECT is((SELECT recorded_at FROM sqm.audit_event WHERE org_id = :a ORDER BY seq DESC LIMIT 1),
          (SELECT recorded_at FROM sqm.audit_event WHERE org_id = :a ORDER BY seq DESC LIMIT 1 OFFSET 1),
          'a clock set before the chain''s last event records that event''s time: recorded_at never decreases along a chain');
SET LOCAL sqm.frozen_now = '';
SELECT clock_timestamp() AS before_write \gset
UPDATE sqm.tst_audited SET state = 'closed' WHERE org_id = :a AND id = 10;
SELECT ok((SELECT recorded_at BETWEEN :'before_write'::timestamptz AND clock_timestamp()
             FROM sqm.audit_event WHERE org_id = :a ORDER BY seq DESC LIMIT 1),
          'unfrozen, recorded_at is the wall clock read when the event is chained (not the transaction''s start)');
SET LOCAL sqm.frozen_now = '2025-01-01 10:00+01';
UPDATE sqm.tst_audited SET state = 'registered' WHERE org_id = :a AND id = 10;
SELECT results_eq(format('SELECT ok FROM sqm.verify_audit(%s)', :a), 'VALUES (true)',
                  'equal times one after the other are no problem');

-- ---------------------------------------------------------------- rollback
CREATE FUNCTION pg_temp.refuse_boom() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.note = 'boom' THEN
        RAISE EXCEPTION 'boom' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER zz_refuse_boom AFTER INSERT OR UPDATE ON sqm.tst_audited
    FOR EACH ROW EXECUTE FUNCTION pg_temp.refuse_boom();

SELECT max(seq) AS a_head FROM sqm.audit_event WHERE org_id = :a \gset
SELECT throws_ok(format($$INSERT INTO sqm.tst_audited VALUES (%s, 3, 'registered', 'boom')$$, :a), '23514',
                 'boom', 'a statement failing after the audit trigger ran ...');
SELECT is((SELECT max(seq) FROM sqm.audit_event WHERE org_id = :a), :a_head::bigint, '... leaves no event');
SELECT is((SELECT count(*) FROM sqm.audit_value WHERE org_id = :a AND seq > :a_head), 0::bigint, '... and no kept value');
INSERT INTO sqm.tst_audited VALUES (:a, 3, 'registered', 'ok');
SELECT is((SELECT max(seq) FROM sqm.audit_event WHERE org_id = :a AND object_id = 3), :a_head + 1::bigint,
          'and the chain continues without a gap');

SAVEPOINT s;
UPDATE sqm.tst_audited SET state = 'closed' WHERE org_id = :a AND id = 3;
INSERT INTO sqm.tst_audited VALUES (:b, 3, 'registered', NULL);
ROLLBACK TO SAVEPOINT s;
SELECT is((SELECT count(*) FROM sqm.audit_event WHERE org_id IN (:a, :b)), :a_head + 1 + 2::bigint,
          'a rolled-back savepoint leaves no event');
UPDATE sqm.tst_audited SET state = 'closed' WHERE org_id = :a AND id = 3;
INSERT INTO sqm.tst_audited VALUES (:b, 3, 'registered', NULL);
SELECT results_eq(format('SELECT org_id, seq - %s, object_id, change FROM sqm.audit_event WHERE org_id = %s AND seq > %s ORDER BY seq', :a_head, :a, :a_head),
                  format($$VALUES (%s::bigint, 1::bigint, 3::bigint, 'create'), (%s, 2, 3, 'move')$$, :a, :a),
                  'after the rollback the chain continues where the savepoint left it ...');
SELECT results_eq(format('SELECT seq, object_id, change FROM sqm.audit_event WHERE org_id = %s AND seq > 2 ORDER BY seq', :b),
                  $$VALUES (3::bigint, 3::bigint, 'create')$$, '... in every organisation');

SAVEPOINT s;
SAVEPOINT inner_s;
INSERT INTO sqm.tst_audited VALUES (:a, 4, 'registered', NULL);
RELEASE SAVEPOINT inner_s;
ROLLBACK TO SAVEPOINT s;
INSERT INTO sqm.tst_audited VALUES (:a, 4, 'registered', NULL);
SELECT is((SELECT seq FROM sqm.audit_event WHERE org_id = :a AND object_id = 4), :a_head + 3::bigint,
          'an event of a released savepoint inside a rolled-back one is gone too; the chain continues');
SELECT results_eq('SELECT ok FROM sqm.verify_audit()', 'VALUES (true)', 'the chains are whole after the rollbacks');
DROP TRIGGER zz_refuse_boom ON sqm.tst_audited;

-- ---------------------------------------------------------------- who writes
CREATE ROLE sqm_tst_clerk;
CREATE ROLE tst_app_clerk IN ROLE sqm_app;
GRANT INSERT, UPDATE ON sqm.tst_audited TO sqm_tst_clerk, tst_app_clerk;
SET LOCAL ROLE sqm_tst_clerk;
SELECT lives_ok(format($$INSERT INTO sqm.tst_audited VALUES (%s, 5, 'registered', NULL)$$, :a),
                'a role allowed to write a governed table writes its events without rights on the trail');
SELECT throws_ok(format($$INSERT INTO sqm.audit_event SELECT * FROM sqm.audit_event WHERE org_id = %s$$, :a), '42501',
                 NULL, 'but cannot write the trail itself');
SELECT throws_ok(format($$INSERT INTO sqm.audit_value SELECT * FROM sqm.audit_value WHERE org_id = %s$$, :a), '42501',
                 NULL, 'nor the kept values');
SELECT throws_ok('SELECT * FROM sqm.verify_audit()', '42501', NULL, 'nor, without a grant, verify it');
SELECT throws_ok($$SELECT sqm.audit_set_context('api', 'forged')$$, '42501', NULL, 'nor state a reason');
RESET ROLE;
SELECT is((SELECT (db_role, actor)::text FROM sqm.audit_event WHERE org_id = :a AND object_id = 5),
          '(sqm_tst_clerk,sqm_tst_clerk)',
          'its event records the role it set (SET ROLE) as db_role, and as actor, whatever sqm.actor says');
SET LOCAL ROLE tst_app_clerk;
SELECT lives_ok(format($$INSERT INTO sqm.tst_audited VALUES (%s, 6, 'registered', NULL)$$, :a), '(an application writes)');
RESET ROLE;
SELECT is((SELECT (db_role, actor)::text FROM sqm.audit_event WHERE org_id = :a AND object_id = 6),
          '(tst_app_clerk,anna.andersson)', 'an application (member of sqm_app) names its end user: actor, beside its role');

-- ---------------------------------------------------------------- large values, other ways in
INSERT INTO sqm.tst_audited
SELECT :b, 4, 'registered', string_agg(md5(g::text), '') FROM generate_series(1, 5000) g;
UPDATE sqm.tst_audited SET state = 'closed' WHERE org_id = :b AND id = 4;
SELECT is((SELECT length(value) FROM sqm.audit_value WHERE org_id = :b AND seq = 4 AND column_name = 'note'), 160000,
          'a large (toasted) value is kept whole when created');
SELECT is((SELECT (before, after)::text FROM sqm.audit_event WHERE org_id = :b AND seq = 5),
          ('{"state": "registered"}'::jsonb, '{"state": "closed"}'::jsonb)::text,
          'and left out when it did not change');

-- with an insert trigger on the trail (an outbox, say) events go through the
-- executor, so that it runs; the chain is the same
SAVEPOINT outbox;
CREATE TEMP TABLE outbox (org_id bigint, seq bigint, source text);
CREATE FUNCTION pg_temp.to_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO outbox VALUES (NEW.org_id, NEW.seq, NEW.source);
    RETURN NULL;
END $$;
CREATE TRIGGER outbox AFTER INSERT ON sqm.audit_event FOR EACH ROW EXECUTE FUNCTION pg_temp.to_outbox();
INSERT INTO sqm.tst_audited VALUES (:b, 5, 'registered', 'via SPI');
SELECT sqm.audit_set_context('api', NULL);
UPDATE sqm.tst_audited SET state = 'closed' WHERE org_id = :b AND id = 5;
SELECT sqm.audit_clear_context();
SELECT results_eq('SELECT org_id, seq, source FROM outbox ORDER BY seq', format($$VALUES (%s::bigint, 6::bigint, 'direct'), (%s, 7, 'api')$$, :b, :b),
                  'with an insert trigger on the trail, events are inserted so that it runs, with every column');
SELECT is((SELECT value FROM sqm.audit_value WHERE org_id = :b AND seq = 6), 'via SPI', 'and their values are kept');
SELECT results_eq(format('SELECT ok FROM sqm.verify_audit(%s)', :b), 'VALUES (true)', 'and the chain is whole');
ROLLBACK TO SAVEPOINT outbox;

-- ---------------------------------------------------------------- known answers
-- Two events written out here, with the hash each must have, computed outside
-- PostgreSQL from the serialisation README "The audit trail" documents
-- (format 1).  The second chains to the first, is an import, has a reason and
-- a digest, a NULL before-member and non-ASCII text.
SELECT is(encode(sqm.audit_hash(ROW(1, 1, 1, '2025-03-01 09:00+00', 'api', NULL, 'anna.andersson', 'journal_app', 'deviation',
                                    42, 'create', NULL, 'reported', NULL, '{"state": "reported", "unit_id": "7"}', NULL,
                                    decode(repeat('00', 32), 'hex'), '\x')::sqm.audit_event), 'hex'),
          '1f0dcebb3bd25fe9c2aa595c7c5a7ba5aa85bd55ad7963dce044b4a1bcbd61fe',
          'known answer: a create event');
SELECT is(encode(sqm.audit_hash(ROW(1, 2, 1, '2025-03-01 09:00:00.000001+00', 'import', 'migrering 2025', 'Åsa Öberg', 'sqm_loader',
                                    'deviation', 42, 'move', 'reported', 'triaged', '{"state": "reported", "severity": null}',
                                    '{"state": "triaged", "severity": "låg", "description": "sha256:97716e3a4003b3b3dd0b1b88b338ee66aea1867285a1632df42c4cfa3733da65"}',
                                    'sha256:554039b0cc67744cb13a767c5c7672e9cd341989e15f9802fbb032cd1eba79ad',
                                    decode('1f0dcebb3bd25fe9c2aa595c7c5a7ba5aa85bd55ad7963dce044b4a1bcbd61fe', 'hex'), '\x')::sqm.audit_event), 'hex'),
          '5089994d11ba0f9792439e3f6ad1a8dc8d6a6917c6d2ba152aa2fde1623874de',
          'known answer: an imported move with a reason, a digest and a NULL member');
SELECT is('sha256:' || encode(sha256('\x000102030405060708090a0b0c0d0e0f'::bytea || convert_to('Brukaren föll', 'UTF8')), 'hex'),
          'sha256:97716e3a4003b3b3dd0b1b88b338ee66aea1867285a1632df42c4cfa3733da65',
          'known answer: the salted digest of a value');

-- The same serialisation written in SQL, independently of the C code: the
-- format, then each field as 00 (NULL) or 01 and its bytes; before and after
-- (flat objects of strings and nulls, as the trail writes them) as jsonb tokens.
CREATE FUNCTION pg_temp.f_text(t text) RETURNS bytea LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN t IS NULL THEN '\x00'::bytea
              ELSE '\x01'::bytea || int4send(octet_length(convert_to(t, 'UTF8'))) || convert_to(t, 'UTF8') END
$$;
CREATE FUNCTION pg_temp.f_int8(v bigint) RETURNS bytea LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN v IS NULL THEN '\x00'::bytea ELSE '\x01'::bytea || int8send(v) END
$$;
CREATE FUNCTION pg_temp.f_json(j jsonb) RETURNS bytea LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN j IS NULL THEN '\x00'::bytea
              ELSE '\x01'::bytea || '\x7b'::bytea      -- {
                   || coalesce((SELECT string_agg('\x6b'::bytea || int4send(octet_length(convert_to(k.key, 'UTF8'))) || convert_to(k.key, 'UTF8')
                                                  || CASE WHEN jsonb_typeof(k.value) = 'null' THEN '\x6e'::bytea
                                                          ELSE '\x73'::bytea || int4send(octet_length(convert_to(k.value #>> '{}', 'UTF8')))
                                                               || convert_to(k.value #>> '{}', 'UTF8') END, ''::bytea)
                                  FROM jsonb_each(j) k), '')   -- jsonb_each: jsonb's own key order
                   || '\x7d'::bytea END                        -- }
$$;
CREATE FUNCTION pg_temp.format1(e sqm.audit_event) RETURNS bytea LANGUAGE sql IMMUTABLE AS $$
  SELECT sha256('\x0001'::bytea || '\x01'::bytea || int4send(length(e.prev_hash)) || e.prev_hash
                || pg_temp.f_int8(e.org_id) || pg_temp.f_int8(e.seq)
                || pg_temp.f_int8(((extract(epoch FROM e.recorded_at) - 946684800) * 1000000)::bigint)
                || pg_temp.f_text(e.source) || pg_temp.f_text(e.batch) || pg_temp.f_text(e.actor) || pg_temp.f_text(e.db_role)
                || pg_temp.f_text(e.object_kind) || pg_temp.f_int8(e.object_id) || pg_temp.f_text(e.change)
                || pg_temp.f_text(e.from_state) || pg_temp.f_text(e.to_state)
                || pg_temp.f_json(e.before) || pg_temp.f_json(e.after) || pg_temp.f_text(e.reason))
$$;
SELECT is(encode(pg_temp.format1(ROW(1, 2, 1, '2025-03-01 09:00:00.000001+00', 'import', 'migrering 2025', 'Åsa Öberg', 'sqm_loader',
                                     'deviation', 42, 'move', 'reported', 'triaged', '{"state": "reported", "severity": null}',
                                     '{"state": "triaged", "severity": "låg", "description": "sha256:97716e3a4003b3b3dd0b1b88b338ee66aea1867285a1632df42c4cfa3733da65"}',
                                     'sha256:554039b0cc67744cb13a767c5c7672e9cd341989e15f9802fbb032cd1eba79ad',
                                     decode('1f0dcebb3bd25fe9c2aa595c7c5a7ba5aa85bd55ad7963dce044b4a1bcbd61fe', 'hex'), '\x')::sqm.audit_event), 'hex'),
          '5089994d11ba0f9792439e3f6ad1a8dc8d6a6917c6d2ba152aa2fde1623874de',
          'the serialisation written in SQL gives the known answer');
SELECT is((SELECT count(*) FROM sqm.audit_event e WHERE e.hash <> pg_temp.format1(e)), 0::bigint,
          'and the hash of every event the trigger wrote in this test');
SELECT cmp_ok((SELECT count(*) FROM sqm.audit_event), '>', 20::bigint, '(of more than 20 events)');

-- ---------------------------------------------------------------- append-only
SELECT throws_ok(format('UPDATE sqm.audit_event SET actor = %L WHERE org_id = %s', 'mallory', :a), 'SQ010',
                 'table sqm.audit_event is append-only', 'events cannot be updated, even by the owner');
SELECT throws_ok(format('DELETE FROM sqm.audit_event WHERE org_id = %s', :a), 'SQ010',
                 'table sqm.audit_event is append-only', 'events cannot be deleted');
SELECT throws_ok('TRUNCATE sqm.audit_event', 'SQ010',
                 'table sqm.audit_event is append-only', 'the trail cannot be truncated');
SELECT throws_ok(format($$UPDATE sqm.audit_value SET value = 'Annat' WHERE org_id = %s AND seq = 1 AND side = 'after'$$, :a), 'SQ010',
                 'table sqm.audit_value is append-only', 'a kept value cannot be changed ...');
SELECT throws_ok(format($$UPDATE sqm.audit_value SET column_name = 'x' WHERE org_id = %s AND seq = 1 AND side = 'after'$$, :a), 'SQ010',
                 NULL, '... nor what it belongs to');
SELECT throws_ok(format('DELETE FROM sqm.audit_value WHERE org_id = %s AND seq = 1', :a), 'SQ010',
                 'table sqm.audit_value is append-only', 'nor deleted (an erased row says a value was there)');
SELECT throws_ok('TRUNCATE sqm.audit_value', 'SQ010', 'table sqm.audit_value is append-only', 'nor truncated');
SELECT throws_ok(format($$UPDATE sqm.audit_value SET salt = NULL WHERE org_id = %s AND seq = 1 AND side = 'after'$$, :a), '23514',
                 NULL, 'a value and its salt are erased together');

-- ---------------------------------------------------------------- erasure
-- A retention rule erases a value and its salt (here: as the superuser it
-- will run as); the chain still verifies, and still finds every other change.
SAVEPOINT erased;
UPDATE sqm.audit_value SET salt = NULL, value = NULL WHERE org_id = :a AND seq = 1 AND side = 'after' AND column_name = 'note';
SELECT results_eq(format('SELECT ok FROM sqm.verify_audit(%s)', :a), 'VALUES (true)',
                  'after a value and its salt are erased the chain still verifies');
SELECT ok((SELECT after->>'note' ~ '^sha256:' FROM sqm.audit_trail WHERE org_id = :a AND seq = 1),
          'and the trail shows the digest where the value was');
SELECT is((SELECT count(*) FROM sqm.audit_event e WHERE e.org_id = :a AND e.seq = 1 AND e.hash = sqm.audit_hash(e)), 1::bigint,
          'the event itself is unchanged');
ALTER TABLE sqm.audit_event DISABLE TRIGGER USER;
UPDATE sqm.audit_event SET after = after || '{"state": "closed"}' WHERE org_id = :a AND seq = 1;
SELECT is((SELECT format('%s %s', seq, split_part(problem, ':', 1)) FROM sqm.verify_audit(:a)), '1 hash',
          'an event whose value was erased is still checked: an altered field is found');
ROLLBACK TO SAVEPOINT erased;

SAVEPOINT tamper;
ALTER TABLE sqm.audit_value DISABLE TRIGGER USER;
UPDATE sqm.audit_value SET value = 'Fall i köket' WHERE org_id = :a AND seq = 1 AND side = 'after';
SELECT is((SELECT format('%s %s', seq, split_part(problem, ':', 1)) FROM sqm.verify_audit(:a)), '1 value',
          'a kept value that was altered is found: it does not match its digest');
ROLLBACK TO SAVEPOINT tamper;
SAVEPOINT tamper;
ALTER TABLE sqm.audit_value DISABLE TRIGGER USER;
UPDATE sqm.audit_value SET salt = decode(repeat('00', 16), 'hex') WHERE org_id = :a AND seq = 1 AND side = 'reason';
SELECT is((SELECT format('%s %s', seq, split_part(problem, ':', 1)) FROM sqm.verify_audit(:a)), '1 value',
          'so is an altered salt (of a reason)');
ROLLBACK TO SAVEPOINT tamper;

-- ---------------------------------------------------------------- every hashed field
-- The target: an imported move with a reason and a successor.  Each field is
-- altered alone (a superuser disabling the trail's triggers), verified, and
-- rolled back.
SELECT sqm.audit_set_context('api', 'Bedömd i teamet');
SET LOCAL sqm.import_batch = 'b1';
UPDATE sqm.tst_audited SET state = 'investigating', note = 'Ny bedömning' WHERE org_id = :a AND id = 4;
SET LOCAL sqm.import_batch = '';
SELECT sqm.audit_clear_context();
SELECT max(seq) AS t FROM sqm.audit_event WHERE org_id = :a \gset
UPDATE sqm.tst_audited SET state = 'closed' WHERE org_id = :a AND id = 4;

CREATE FUNCTION pg_temp.tampered(org bigint, target bigint, col text, expr text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    found text;
BEGIN
    BEGIN
        ALTER TABLE sqm.audit_event DISABLE TRIGGER USER;
        EXECUTE format('UPDATE sqm.audit_event SET %I = %s WHERE org_id = %s AND seq = %s', col, expr, org, target);
        SELECT string_agg(format('%s %s', v.seq, split_part(v.problem, ':', 1)), '; ' ORDER BY v.org_id)
          INTO found FROM sqm.verify_audit() v WHERE NOT v.ok;
        RAISE EXCEPTION USING ERRCODE = 'TT001', MESSAGE = coalesce(found, 'nothing found');
    EXCEPTION WHEN SQLSTATE 'TT001' THEN
        RETURN SQLERRM;     -- the tamper is rolled back with the block
    END;
END $$;

CREATE TEMP TABLE tamper (col text, expr text, expected text);
INSERT INTO tamper VALUES
    ('org_id',      'org_id + 1000',                       format('%s seq; %s seq', :t + 1, :t)),
    ('seq',         'seq + 1000',                          format('%s seq', :t + 1)),
    ('format',      '2',                                   format('%s format', :t)),
    ('recorded_at', 'recorded_at + interval ''1 microsecond''', format('%s hash', :t)),
    ('source',      '''restore''',                         format('%s hash', :t)),
    ('batch',       '''b2''',                              format('%s hash', :t)),
    ('actor',       '''mallory''',                         format('%s hash', :t)),
    ('db_role',     '''mallory''',                         format('%s hash', :t)),
    ('object_kind', '''other''',                           format('%s hash', :t)),
    ('object_id',   'object_id + 1',                       format('%s hash', :t)),
    ('change',      '''edit''',                            format('%s hash', :t)),
    ('from_state',  '''closed''',                          format('%s hash', :t)),
    ('to_state',    '''closed''',                          format('%s hash', :t)),
    ('before',      'before || ''{"state": "closed"}''',   format('%s hash', :t)),
    ('after',       'after - ''note''',                    format('%s hash', :t)),
    ('reason',      'NULL',                                format('%s hash', :t)),
    ('prev_hash',   'hash',                                format('%s prev_hash', :t)),
    ('hash',        'prev_hash',                           format('%s hash', :t));
SELECT is((SELECT array_agg(col ORDER BY col) FROM tamper),
          (SELECT array_agg(attname::text ORDER BY attname) FROM pg_attribute
            WHERE attrelid = 'sqm.audit_event'::regclass AND attnum > 0 AND NOT attisdropped),
          'the table below alters every column of sqm.audit_event');
SELECT is((SELECT (source, batch, reason IS NOT NULL, from_state, to_state)::text FROM sqm.audit_event WHERE org_id = :a AND seq = :t),
          '(import,b1,t,registered,investigating)', '(the target has a batch, a reason and both states)');
SELECT is(pg_temp.tampered(:a, :t, col, expr), expected, format('altering %s alone is found', col))
  FROM tamper ORDER BY col;
SELECT results_eq('SELECT ok FROM sqm.verify_audit()', 'VALUES (true)', 'each alteration was rolled back');

-- ---------------------------------------------------------------- other tampering
-- A superuser can get past the triggers only by disabling them; the chain
-- shows what was done.  Each tamper is rolled back before the next.
CREATE FUNCTION pg_temp.first_break(org bigint) RETURNS text LANGUAGE sql AS $$
  SELECT format('%s %s %s', ok::text, seq, split_part(problem, ':', 1)) FROM sqm.verify_audit(org)
$$;

SAVEPOINT tamper;
ALTER TABLE sqm.audit_event DISABLE TRIGGER USER;
UPDATE sqm.audit_event SET after = '{"state": "registered"}' WHERE org_id = :a AND seq = 3;
UPDATE sqm.audit_event e SET hash = sqm.audit_hash(e) WHERE org_id = :a AND seq = 3;
SELECT is(pg_temp.first_break(:a), 'false 4 prev_hash',
          'an edited event whose hash was recomputed is found at the next event: prev_hash does not match');
ROLLBACK TO SAVEPOINT tamper;

SAVEPOINT tamper;
ALTER TABLE sqm.audit_event DISABLE TRIGGER USER;
DELETE FROM sqm.audit_event WHERE org_id = :a AND seq = 3;
SELECT is(pg_temp.first_break(:a), 'false 4 seq', 'a deleted event is found: the next seq does not follow');
ROLLBACK TO SAVEPOINT tamper;

SAVEPOINT tamper;
ALTER TABLE sqm.audit_event DISABLE TRIGGER USER;
DELETE FROM sqm.audit_event WHERE org_id = :a AND seq = 3;
UPDATE sqm.audit_event SET seq = seq - 1 WHERE org_id = :a AND seq > 3;
SELECT is(pg_temp.first_break(:a), 'false 3 prev_hash', 'a deleted event with the rest renumbered is found');
ROLLBACK TO SAVEPOINT tamper;

SAVEPOINT tamper;
SET LOCAL session_replication_role = replica;
UPDATE sqm.audit_event e
   SET (format, recorded_at, source, batch, actor, db_role, object_kind, object_id, change, from_state, to_state,
        before, after, reason, prev_hash, hash) =
       (SELECT s.format, s.recorded_at, s.source, s.batch, s.actor, s.db_role, s.object_kind, s.object_id, s.change,
               s.from_state, s.to_state, s.before, s.after, s.reason, s.prev_hash, s.hash
          FROM sqm.audit_event s WHERE s.org_id = e.org_id AND s.seq = 5 - e.seq)
 WHERE org_id = :a AND seq IN (2, 3);
SELECT is((SELECT string_agg(change, ',' ORDER BY seq) FROM sqm.audit_event WHERE org_id = :a AND seq IN (2, 3)),
          'edit,move', '(two events swapped)');
SELECT is(pg_temp.first_break(:a), 'false 2 prev_hash', 'two swapped events are found at the first of them');
ROLLBACK TO SAVEPOINT tamper;

SAVEPOINT tamper;
ALTER TABLE sqm.audit_event DISABLE TRIGGER USER;
UPDATE sqm.audit_event SET actor = 'mallory' WHERE org_id = :b AND seq = 2;
SELECT results_eq('SELECT ok, org_id, seq FROM sqm.verify_audit()', format('VALUES (false, %s::bigint, 2::bigint)', :b),
                  'sqm.verify_audit() names the organisation whose chain is broken');
SELECT results_eq(format('SELECT ok FROM sqm.verify_audit(%s)', :a), 'VALUES (true)',
                  'the chains of other organisations are unaffected');
ROLLBACK TO SAVEPOINT tamper;

-- a clock that ran backwards, in an event whose hash is right
SAVEPOINT tamper;
ALTER TABLE sqm.audit_event DISABLE TRIGGER USER;
SELECT max(seq) AS b_head FROM sqm.audit_event WHERE org_id = :b \gset
UPDATE sqm.audit_event SET recorded_at = recorded_at - interval '1 microsecond' WHERE org_id = :b AND seq = :b_head;
UPDATE sqm.audit_event e SET hash = sqm.audit_hash(e) WHERE org_id = :b AND seq = :b_head;
SELECT is(pg_temp.first_break(:b), format('false %s recorded_at', :b_head),
          'an event recorded earlier than the one before it is found, even with its hash recomputed');
ROLLBACK TO SAVEPOINT tamper;

SELECT seq AS head_seq, encode(hash, 'hex') AS head_hash FROM sqm.audit_head(:a) \gset
SAVEPOINT tamper;
ALTER TABLE sqm.audit_event DISABLE TRIGGER USER;
DELETE FROM sqm.audit_event WHERE org_id = :a AND seq = :head_seq;
SELECT results_eq(format('SELECT ok FROM sqm.verify_audit(%s)', :a), 'VALUES (true)',
                  'removing the newest event leaves a chain that is whole ...');
SELECT ok(NOT EXISTS (SELECT FROM sqm.audit_event WHERE org_id = :a AND hash = decode(:'head_hash', 'hex')),
          '... which only a head recorded elsewhere shows');
ROLLBACK TO SAVEPOINT tamper;
SAVEPOINT tamper;
INSERT INTO sqm.tst_audited VALUES (:b, 20, 'registered', 'Sista');
ALTER TABLE sqm.audit_event DISABLE TRIGGER USER;
DELETE FROM sqm.audit_event WHERE org_id = :b AND seq = (SELECT max(seq) FROM sqm.audit_event WHERE org_id = :b)
RETURNING seq AS b_last \gset
SELECT is((SELECT problem FROM sqm.verify_audit(:b)), format('value: kept for event %s, which is not in the chain', :b_last),
          'unless it kept values beside the chain: they are left without their event');
ROLLBACK TO SAVEPOINT tamper;
SELECT results_eq('SELECT ok FROM sqm.verify_audit()', 'VALUES (true)', 'after the rollbacks the chains are whole again');

-- an event forged into the trail with a hash that is no digest: the trigger
-- does not chain to it, and sqm.verify_audit() shows it
SAVEPOINT tamper;
SELECT sqm.create_organisation('Förfalskad', 'SN') AS c \gset
INSERT INTO sqm.audit_event (org_id, seq, format, recorded_at, source, actor, db_role, object_kind, object_id, change, to_state, after, prev_hash, hash)
VALUES (:c, 1, 1, now(), 'direct', 'mallory', current_user, 'tst', 1, 'create', 'registered', '{}', decode(repeat('00', 32), 'hex'), '\x00');
SELECT is(pg_temp.first_break(:c), 'false 1 hash', 'a forged event is found');
SELECT throws_ok(format($$INSERT INTO sqm.tst_audited VALUES (%s, 1, 'registered', NULL)$$, :c), 'XX001',
                 format('audit chain of organisation %s is damaged', :c),
                 'the trigger refuses to chain to a head whose hash is not a SHA-256 digest');
ROLLBACK TO SAVEPOINT tamper;

-- ---------------------------------------------------------------- through the API
-- A reporter who sets sqm.actor and a GUC sqm.reason forges neither: the
-- actor is the reporter, and the reason of a report is none.
SET LOCAL sqm.frozen_now = '2025-03-01 10:00+01';
SELECT sqm.create_unit(:a, 'Enhet', 'unit', '2024-01-01') AS u \gset
SELECT sqm.add_deviation_type(:a, 'info', 'Information', 'Information', '2024-01-01');
CREATE ROLE tst_reporter IN ROLE sqm_reporter;
SELECT sqm.grant_membership(:a, 'tst_reporter', 'reporter', :u);
SET LOCAL ROLE tst_reporter;
SET LOCAL sqm.actor = 'mallory.forged';
SET LOCAL sqm.reason = 'forged reason';
SELECT sqm.report_deviation(:a, :u, 'SoL', '2025-02-28 10:00+01', 'Fel dos gavs', '{info}') AS dev \gset
RESET ROLE;
RESET sqm.reason;
SET LOCAL sqm.actor = 'anna.andersson';
SELECT is((SELECT string_agg(DISTINCT actor || '/' || db_role || '/' || source, ',') FROM sqm.audit_event WHERE object_kind = 'deviation' AND object_id = :dev),
          'tst_reporter/tst_reporter/api', 'the report''s events name the reporter as actor and database role; source api');
SELECT is((SELECT count(*) FROM sqm.audit_event e WHERE e::text LIKE '%forged%')
          + (SELECT count(*) FROM sqm.audit_value v WHERE v::text LIKE '%forged%'), 0::bigint,
          'the reporter''s sqm.actor and sqm.reason appear nowhere in the audit trail');
SELECT is((SELECT string_agg(reason, ',') FROM sqm.audit_event WHERE object_kind = 'deviation' AND object_id = :dev), NULL, 'no event of the report has a reason');
SELECT is((SELECT value FROM sqm.audit_value v JOIN sqm.audit_event e USING (org_id, seq)
            WHERE e.object_kind = 'deviation' AND e.object_id = :dev AND v.column_name = 'reported_by'), 'tst_reporter',
          'who reported is kept beside the chain, not in it');

-- an API call with a reason, then a direct write in the same transaction
SELECT sqm.triage_deviation(:a, :dev, 'reported', 'low', 'Bedömd av enhetschef');
UPDATE sqm.deviation_detail SET description = 'Fel dos gavs på kvällen' WHERE org_id = :a AND id = :dev;
SELECT results_eq(format($$SELECT change, source, reason FROM sqm.audit_trail WHERE object_kind = 'deviation' AND object_id = %s ORDER BY seq DESC LIMIT 2$$, :dev),
                  $$VALUES ('edit', 'direct', NULL), ('move', 'api', 'Bedömd av enhetschef')$$,
                  'a direct UPDATE after an API call in the same transaction records no reason, and source direct');
SELECT sqm.move_object('deviation', :a, :dev, 'triaged', 'investigating', 'Utreds av teamet');
SELECT is((SELECT (change, source, reason)::text FROM sqm.audit_trail WHERE object_kind = 'deviation' AND object_id = :dev ORDER BY seq DESC LIMIT 1),
          '(move,api,"Utreds av teamet")', 'the write path (sqm.move_object) records the reason it was given');
-- a legal move that its guard refuses: the write has set its context when the
-- UPDATE fails (no summary yet), and the context goes with the failure
SELECT throws_ok(format($$SELECT sqm.move_object('deviation', %s, %s, 'investigating', 'measures_decided', 'för tidigt')$$, :a, :dev), 'SQ002',
                 NULL, '(an API call fails while its context is set)');
UPDATE sqm.deviation_detail SET description = 'Fel dos' WHERE org_id = :a AND id = :dev;
SELECT is((SELECT (source, reason)::text FROM sqm.audit_event WHERE object_kind = 'deviation' AND object_id = :dev ORDER BY seq DESC LIMIT 1), '(direct,)',
          'after a failed API call too');

-- ---------------------------------------------------------------- who reads the kept values
CREATE ROLE tst_auditor_a IN ROLE sqm_auditor;
CREATE ROLE tst_auditor_b IN ROLE sqm_auditor;
SELECT sqm.grant_membership(:a, 'tst_auditor_a', 'auditor');
SELECT sqm.grant_membership(:b, 'tst_auditor_b', 'auditor');
CREATE FUNCTION pg_temp.kept_seen_by(r text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE n text;
BEGIN
    EXECUTE format('SET LOCAL ROLE %I', r);
    SELECT string_agg(DISTINCT org_id::text, ',') INTO n FROM sqm.audit_value;
    RESET ROLE;
    RETURN coalesce(n, 'none');
EXCEPTION WHEN insufficient_privilege THEN
    RETURN '42501';
END $$;
SELECT is(pg_temp.kept_seen_by('tst_auditor_a'), :a::text, 'an auditor reads the kept values of their own organisation only');
SELECT is(pg_temp.kept_seen_by('tst_auditor_b'), :b::text, 'and so does another organisation''s');
SELECT is(pg_temp.kept_seen_by('tst_reporter'), '42501', 'a reporter reads none');
SELECT ok((SELECT 'sqm.audit_value'::regclass = ANY (extconfig) FROM pg_extension WHERE extname = 'sqm'),
          'the kept values are registered for pg_dump');
SELECT is((SELECT string_agg(column_name || ':' || class, ',' ORDER BY column_name) FROM sqm.column_class
            WHERE table_name = 'sqm.audit_value'::regclass),
          'column_name:internal,org_id:internal,salt:internal,seq:internal,side:internal,value:free_text',
          'and classified: the value is free text');

-- ---------------------------------------------------------------- the triggers called the wrong way
SELECT probin AS sqm_library FROM pg_proc WHERE oid = 'sqm.audit_record'::regproc \gset
SELECT format($$CREATE FUNCTION pg_temp.audit_record_direct() RETURNS void AS %L, 'sqm_audit_record' LANGUAGE C$$,
              :'sqm_library') \gexec
SELECT throws_ok('SELECT pg_temp.audit_record_direct()', '39P01',
                 'function sqm.audit_record() was not called by the trigger manager', 'the trigger function called as a function is refused');
SELECT format($$CREATE FUNCTION pg_temp.append_only_direct() RETURNS void AS %L, 'sqm_append_only' LANGUAGE C$$,
              :'sqm_library') \gexec
SELECT throws_ok('SELECT pg_temp.append_only_direct()', '39P01',
                 'function sqm.append_only() was not called by the trigger manager', 'the append-only trigger called as a function is refused');
SELECT format($$CREATE FUNCTION pg_temp.erase_only_direct() RETURNS void AS %L, 'sqm_erase_only' LANGUAGE C$$,
              :'sqm_library') \gexec
SELECT throws_ok('SELECT pg_temp.erase_only_direct()', '39P01',
                 'function sqm.erase_only() was not called by the trigger manager', 'the erase-only trigger called as a function is refused');
SELECT format($$CREATE FUNCTION pg_temp.audit_invalidate_direct() RETURNS void AS %L, 'sqm_audit_invalidate' LANGUAGE C$$,
              :'sqm_library') \gexec
SELECT throws_ok('SELECT pg_temp.audit_invalidate_direct()', '39P01',
                 'function sqm.audit_invalidate() was not called by the trigger manager', 'the classes trigger called as a function is refused');

CREATE TABLE sqm.tst_misused (org_id bigint, id bigint, state text, PRIMARY KEY (org_id, id));
INSERT INTO sqm.tst_misused VALUES (:a, 1, 'registered');

CREATE TRIGGER audit BEFORE INSERT ON sqm.tst_misused FOR EACH ROW EXECUTE FUNCTION sqm.audit_record('tst');
SELECT throws_ok(format($$INSERT INTO sqm.tst_misused VALUES (%s, 2, 'registered')$$, :a), '39P01',
                 'trigger "audit" on table sqm.tst_misused must fire AFTER the row is written', 'a BEFORE trigger is refused');
DROP TRIGGER audit ON sqm.tst_misused;

CREATE TRIGGER audit AFTER INSERT ON sqm.tst_misused FOR EACH STATEMENT EXECUTE FUNCTION sqm.audit_record('tst');
SELECT throws_ok(format($$INSERT INTO sqm.tst_misused VALUES (%s, 2, 'registered')$$, :a), '39P01',
                 'trigger "audit" on table sqm.tst_misused must fire FOR EACH ROW', 'a statement-level trigger is refused');
DROP TRIGGER audit ON sqm.tst_misused;

CREATE TRIGGER audit AFTER DELETE ON sqm.tst_misused FOR EACH ROW EXECUTE FUNCTION sqm.audit_record('tst');
SELECT throws_ok('DELETE FROM sqm.tst_misused', '39P01',
                 'trigger "audit" on table sqm.tst_misused must not fire on DELETE', 'a DELETE trigger is refused');
DROP TRIGGER audit ON sqm.tst_misused;

CREATE TRIGGER audit AFTER TRUNCATE ON sqm.tst_misused FOR EACH STATEMENT EXECUTE FUNCTION sqm.audit_record('tst');
SELECT throws_ok('TRUNCATE sqm.tst_misused', '39P01', NULL, 'a TRUNCATE trigger is refused');
DROP TRIGGER audit ON sqm.tst_misused;

CREATE TRIGGER audit AFTER INSERT ON sqm.tst_misused FOR EACH ROW EXECUTE FUNCTION sqm.audit_record();
SELECT throws_ok(format($$INSERT INTO sqm.tst_misused VALUES (%s, 2, 'registered')$$, :a), '39P01',
                 'trigger "audit" on table sqm.tst_misused must name the kind of the governed table', 'a trigger without the kind is refused');
DROP TRIGGER audit ON sqm.tst_misused;

CREATE TRIGGER audit AFTER INSERT ON sqm.tst_misused FOR EACH ROW EXECUTE FUNCTION sqm.audit_record('tst', 'extra');
SELECT throws_ok(format($$INSERT INTO sqm.tst_misused VALUES (%s, 2, 'registered')$$, :a), '39P01',
                 NULL, 'a trigger with two arguments is refused');
DROP TRIGGER audit ON sqm.tst_misused;

CREATE TRIGGER audit AFTER INSERT ON sqm.tst_misused FOR EACH ROW EXECUTE FUNCTION sqm.audit_record('');
SELECT throws_ok(format($$INSERT INTO sqm.tst_misused VALUES (%s, 2, 'registered')$$, :a), '39P01',
                 NULL, 'a trigger with an empty kind is refused');
DROP TRIGGER audit ON sqm.tst_misused;

CREATE TRIGGER erase_only AFTER UPDATE ON sqm.tst_misused FOR EACH ROW EXECUTE FUNCTION sqm.erase_only('state');
SELECT throws_ok('UPDATE sqm.tst_misused SET state = NULL', '39P01',
                 NULL, 'an erase-only trigger that fires AFTER is refused');
DROP TRIGGER erase_only ON sqm.tst_misused;
CREATE TRIGGER erase_only BEFORE UPDATE ON sqm.tst_misused FOR EACH STATEMENT EXECUTE FUNCTION sqm.erase_only('state');
SELECT throws_ok('UPDATE sqm.tst_misused SET state = NULL', '39P01',
                 'trigger "erase_only" on table sqm.tst_misused must fire FOR EACH ROW', 'and one FOR EACH STATEMENT on UPDATE');
DROP TRIGGER erase_only ON sqm.tst_misused;

CREATE TABLE sqm.tst_no_state (org_id bigint, id bigint, status text);
CREATE TRIGGER audit AFTER INSERT ON sqm.tst_no_state FOR EACH ROW EXECUTE FUNCTION sqm.audit_record('tst');
SELECT throws_ok(format($$INSERT INTO sqm.tst_no_state VALUES (%s, 1, 'registered')$$, :a), '39P01',
                 'table sqm.tst_no_state does not follow the governed-table protocol', 'a table without state is refused');
CREATE TABLE sqm.tst_int_id (org_id bigint, id integer, state text);
CREATE TRIGGER audit AFTER INSERT ON sqm.tst_int_id FOR EACH ROW EXECUTE FUNCTION sqm.audit_record('tst');
SELECT throws_ok(format($$INSERT INTO sqm.tst_int_id VALUES (%s, 1, 'registered')$$, :a), '39P01',
                 'table sqm.tst_int_id does not follow the governed-table protocol', 'a table whose id is not bigint is refused');
CREATE TABLE sqm.tst_varchar_state (org_id bigint, id bigint, state varchar);
CREATE TRIGGER audit AFTER INSERT ON sqm.tst_varchar_state FOR EACH ROW EXECUTE FUNCTION sqm.audit_record('tst');
SELECT throws_ok(format($$INSERT INTO sqm.tst_varchar_state VALUES (%s, 1, 'registered')$$, :a), '39P01',
                 NULL, 'a table whose state is not text is refused');
CREATE TABLE sqm.tst_nullable (org_id bigint, id bigint, state text);
CREATE TRIGGER audit AFTER INSERT ON sqm.tst_nullable FOR EACH ROW EXECUTE FUNCTION sqm.audit_record('tst');
SELECT throws_ok(format($$INSERT INTO sqm.tst_nullable VALUES (%s, 1, NULL)$$, :a), '23502',
                 'governed row of "tst_nullable" has no state', 'a row without a state is refused');

SELECT results_eq('SELECT ok FROM sqm.verify_audit()', 'VALUES (true)', 'the refused writes left the chains whole');

SELECT * FROM finish();
ROLLBACK;
