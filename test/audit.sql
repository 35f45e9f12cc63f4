-- The audit trail (design.md §1): explicit time and actor; every create, move
-- and edit of a governed row appends exactly one event to its organisation's
-- hash chain; the trail refuses changes; sqm.verify_audit() finds the first
-- altered, removed or reordered event; every wrong way of calling the trigger
-- is refused with its SQLSTATE.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(71);

-- ---------------------------------------------------------------- time and actor
SELECT is(sqm.now(), now(), 'sqm.now() is the start of the transaction by default');
SELECT is(sqm.actor(), session_user::text, 'sqm.actor() is the session user by default');

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

SET LOCAL sqm.actor = 'anna.andersson';
SELECT is(sqm.actor(), 'anna.andersson', 'sqm.actor() is the end user the application set');

-- ---------------------------------------------------------------- a governed table
SELECT sqm.create_organisation('Socialförvaltningen, Alingsås', 'SN') AS a \gset
SELECT sqm.create_organisation('Socialtjänsten, Exempelby', 'SN') AS b \gset

CREATE TABLE sqm.tst_audited (org_id bigint, id bigint, state text, note text, PRIMARY KEY (org_id, id));
CREATE TRIGGER audit AFTER INSERT OR UPDATE ON sqm.tst_audited
    FOR EACH ROW EXECUTE FUNCTION sqm.audit_record('tst');

CREATE FUNCTION pg_temp.events(org bigint) RETURNS TABLE (seq bigint, change text, object_id bigint,
                                                         from_state text, to_state text, before jsonb, after jsonb)
LANGUAGE sql AS $$
  SELECT seq, change, object_id, from_state, to_state, before, after
    FROM sqm.audit_event WHERE org_id = org ORDER BY seq
$$;

SET LOCAL sqm.reason = 'Anmälan inkom per telefon';
INSERT INTO sqm.tst_audited VALUES (:a, 1, 'registered', 'Fall i "dagrummet"');
SELECT results_eq(format('SELECT * FROM pg_temp.events(%s)', :a),
                  $$VALUES (1::bigint, 'create', 1::bigint, NULL::text, 'registered',
                            NULL::jsonb, '{"note": "Fall i \"dagrummet\"", "state": "registered"}'::jsonb)$$,
                  'an insert writes one create event: to_state, and every non-null column but org_id and id');
SELECT is((SELECT (at, actor, db_role, object_kind, reason)::text FROM sqm.audit_event WHERE org_id = :a AND seq = 1),
          (timestamptz '2025-03-01 10:00+01', 'anna.andersson', session_user::text, 'tst', 'Anmälan inkom per telefon')::text,
          'the event records the frozen time, the end user, the database role, the kind and the reason');
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
                                    WHEN 'timestamptz'::regtype THEN to_jsonb('2001-02-03 04:05:06+00'::timestamptz)
                                    WHEN 'bytea'::regtype THEN to_jsonb('\xdeadbeef'::text)
                                    WHEN 'jsonb'::regtype THEN '{"other": 1}'::jsonb
                                    ELSE to_jsonb('something else'::text) END)))
                  = e.hash),
          NULL, 'the stored hash changes with every column of the event: no column is left out of it');

SET LOCAL sqm.reason = '';
UPDATE sqm.tst_audited SET state = 'investigating' WHERE org_id = :a AND id = 1;
SELECT results_eq(format('SELECT * FROM pg_temp.events(%s) WHERE seq = 2', :a),
                  $$VALUES (2::bigint, 'move', 1::bigint, 'registered', 'investigating',
                            '{"state": "registered"}'::jsonb, '{"state": "investigating"}'::jsonb)$$,
                  'a change of state writes one move event with the states and only the changed column');
SELECT is((SELECT reason FROM sqm.audit_event WHERE org_id = :a AND seq = 2), NULL, 'no reason given: reason is NULL');

UPDATE sqm.tst_audited SET note = NULL WHERE org_id = :a AND id = 1;
SELECT results_eq(format('SELECT * FROM pg_temp.events(%s) WHERE seq = 3', :a),
                  $$VALUES (3::bigint, 'edit', 1::bigint, NULL::text, NULL::text,
                            '{"note": "Fall i \"dagrummet\""}'::jsonb, '{"note": null}'::jsonb)$$,
                  'a change of another column writes one edit event, without states; a NULL value is JSON null');

UPDATE sqm.tst_audited SET state = 'closed', note = 'Åtgärdat' WHERE org_id = :a AND id = 1;
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

-- a new column, of another type, is seen (the cached layout is dropped)
ALTER TABLE sqm.tst_audited ADD COLUMN due date;
UPDATE sqm.tst_audited SET due = '2025-03-15' WHERE org_id = :a AND id = 2;
SELECT is((SELECT after FROM sqm.audit_event WHERE org_id = :a AND seq = 6), '{"due": "2025-03-15"}'::jsonb,
          'a column added later is recorded, as the text of its value');

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

SELECT throws_ok(format($$INSERT INTO sqm.tst_audited VALUES (%s, 3, 'registered', 'boom')$$, :a), '23514',
                 'boom', 'a statement failing after the audit trigger ran ...');
SELECT is((SELECT count(*) FROM sqm.audit_event WHERE org_id = :a), 6::bigint, '... leaves no event');
INSERT INTO sqm.tst_audited VALUES (:a, 3, 'registered', 'ok');
SELECT is((SELECT max(seq) FROM sqm.audit_event WHERE org_id = :a AND object_id = 3), 7::bigint,
          'and the chain continues without a gap');

SAVEPOINT s;
UPDATE sqm.tst_audited SET state = 'closed' WHERE org_id = :a AND id = 3;
INSERT INTO sqm.tst_audited VALUES (:b, 3, 'registered', NULL);
ROLLBACK TO SAVEPOINT s;
SELECT is((SELECT count(*) FROM sqm.audit_event WHERE org_id IN (:a, :b)), 9::bigint,
          'a rolled-back savepoint leaves no event');
UPDATE sqm.tst_audited SET state = 'closed' WHERE org_id = :a AND id = 3;
INSERT INTO sqm.tst_audited VALUES (:b, 3, 'registered', NULL);
SELECT results_eq(format('SELECT org_id, seq, object_id, change FROM sqm.audit_event WHERE org_id IN (%s, %s) AND seq > 6 OR org_id = %s AND seq > 2 ORDER BY org_id, seq', :a, :a, :b),
                  format($$VALUES (%s::bigint, 7::bigint, 3::bigint, 'create'), (%s, 8, 3, 'move'), (%s, 3, 3, 'create')$$, :a, :a, :b),
                  'after the rollback both chains continue where the savepoint left them');

SAVEPOINT s;
SAVEPOINT inner_s;
INSERT INTO sqm.tst_audited VALUES (:a, 4, 'registered', NULL);
RELEASE SAVEPOINT inner_s;
ROLLBACK TO SAVEPOINT s;
INSERT INTO sqm.tst_audited VALUES (:a, 4, 'registered', NULL);
SELECT is((SELECT seq FROM sqm.audit_event WHERE org_id = :a AND object_id = 4), 9::bigint,
          'an event of a released savepoint inside a rolled-back one is gone too; the chain continues');
SELECT results_eq('SELECT ok FROM sqm.verify_audit()', 'VALUES (true)', 'the chains are whole after the rollbacks');
DROP TRIGGER zz_refuse_boom ON sqm.tst_audited;

-- ---------------------------------------------------------------- who writes
CREATE ROLE sqm_tst_clerk;
GRANT INSERT, UPDATE ON sqm.tst_audited TO sqm_tst_clerk;
SET LOCAL ROLE sqm_tst_clerk;
SELECT lives_ok(format($$INSERT INTO sqm.tst_audited VALUES (%s, 5, 'registered', NULL)$$, :a),
                'a role allowed to write a governed table writes its events without rights on the trail');
SELECT throws_ok(format($$INSERT INTO sqm.audit_event SELECT * FROM sqm.audit_event WHERE org_id = %s$$, :a), '42501',
                 NULL, 'but cannot write the trail itself');
SELECT throws_ok('SELECT * FROM sqm.verify_audit()', '42501', NULL, 'nor, without a grant, verify it');
RESET ROLE;
SELECT is((SELECT (seq, db_role, actor)::text FROM sqm.audit_event WHERE org_id = :a AND object_id = 5),
          (10::bigint, session_user::text, 'anna.andersson')::text,
          'its event records the session user as db_role and the end user as actor');

-- ---------------------------------------------------------------- large values, other ways in
INSERT INTO sqm.tst_audited
SELECT :b, 4, 'registered', string_agg(md5(g::text), '') FROM generate_series(1, 5000) g;
UPDATE sqm.tst_audited SET state = 'closed' WHERE org_id = :b AND id = 4;
SELECT is((SELECT length(after->>'note') FROM sqm.audit_event WHERE org_id = :b AND seq = 4), 160000,
          'a large (toasted) value is recorded whole when created');
SELECT is((SELECT (before, after)::text FROM sqm.audit_event WHERE org_id = :b AND seq = 5),
          ('{"state": "registered"}'::jsonb, '{"state": "closed"}'::jsonb)::text,
          'and left out when it did not change');

-- with an insert trigger on the trail (an outbox, say) events go through the
-- executor, so that it runs; the chain is the same
SAVEPOINT outbox;
CREATE TEMP TABLE outbox (org_id bigint, seq bigint);
CREATE FUNCTION pg_temp.to_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO outbox VALUES (NEW.org_id, NEW.seq);
    RETURN NULL;
END $$;
CREATE TRIGGER outbox AFTER INSERT ON sqm.audit_event FOR EACH ROW EXECUTE FUNCTION pg_temp.to_outbox();
INSERT INTO sqm.tst_audited VALUES (:b, 5, 'registered', NULL);
UPDATE sqm.tst_audited SET state = 'closed' WHERE org_id = :b AND id = 5;
SELECT results_eq('SELECT org_id, seq FROM outbox ORDER BY seq', format('VALUES (%s::bigint, 6::bigint), (%s, 7)', :b, :b),
                  'with an insert trigger on the trail, events are inserted so that it runs');
SELECT results_eq(format('SELECT ok FROM sqm.verify_audit(%s)', :b), 'VALUES (true)', 'and the chain is whole');
ROLLBACK TO SAVEPOINT outbox;

-- ---------------------------------------------------------------- append-only
SELECT throws_ok(format('UPDATE sqm.audit_event SET actor = %L WHERE org_id = %s', 'mallory', :a), 'SQ010',
                 'table sqm.audit_event is append-only', 'events cannot be updated, even by the owner');
SELECT throws_ok(format('DELETE FROM sqm.audit_event WHERE org_id = %s', :a), 'SQ010',
                 'table sqm.audit_event is append-only', 'events cannot be deleted');
SELECT throws_ok('TRUNCATE sqm.audit_event', 'SQ010',
                 'table sqm.audit_event is append-only', 'the trail cannot be truncated');

-- ---------------------------------------------------------------- tampering
-- A superuser can get past the triggers only by disabling them; the chain
-- shows what was done.  Each tamper is rolled back before the next.
CREATE FUNCTION pg_temp.first_break(org bigint) RETURNS text LANGUAGE sql AS $$
  SELECT format('%s %s %s', ok::text, seq, split_part(problem, ':', 1)) FROM sqm.verify_audit(org)
$$;

SAVEPOINT tamper;
ALTER TABLE sqm.audit_event DISABLE TRIGGER USER;
UPDATE sqm.audit_event SET actor = 'mallory' WHERE org_id = :a AND seq = 3;
SELECT is(pg_temp.first_break(:a), 'false 3 hash', 'an edited event is found: its hash does not match');
ROLLBACK TO SAVEPOINT tamper;

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
   SET (at, actor, db_role, object_kind, object_id, change, from_state, to_state, before, after, reason, prev_hash, hash) =
       (SELECT s.at, s.actor, s.db_role, s.object_kind, s.object_id, s.change, s.from_state, s.to_state,
               s.before, s.after, s.reason, s.prev_hash, s.hash
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

SELECT seq AS head_seq, encode(hash, 'hex') AS head_hash FROM sqm.audit_head(:a) \gset
SAVEPOINT tamper;
ALTER TABLE sqm.audit_event DISABLE TRIGGER USER;
DELETE FROM sqm.audit_event WHERE org_id = :a AND seq = :head_seq;
SELECT results_eq(format('SELECT ok FROM sqm.verify_audit(%s)', :a), 'VALUES (true)',
                  'removing the newest event leaves a chain that is whole ...');
SELECT ok(NOT EXISTS (SELECT FROM sqm.audit_event WHERE org_id = :a AND hash = decode(:'head_hash', 'hex')),
          '... which only a head recorded elsewhere shows');
ROLLBACK TO SAVEPOINT tamper;
SELECT results_eq('SELECT ok FROM sqm.verify_audit()', 'VALUES (true)', 'after the rollbacks the chains are whole again');

-- an event forged into the trail with a hash that is no digest: the trigger
-- does not chain to it, and sqm.verify_audit() shows it
SAVEPOINT tamper;
SELECT sqm.create_organisation('Förfalskad', 'SN') AS c \gset
INSERT INTO sqm.audit_event (org_id, seq, at, actor, db_role, object_kind, object_id, change, to_state, after, prev_hash, hash)
VALUES (:c, 1, now(), 'mallory', current_user, 'tst', 1, 'create', 'registered', '{}', decode(repeat('00', 32), 'hex'), '\x00');
SELECT is(pg_temp.first_break(:c), 'false 1 hash', 'a forged event is found');
SELECT throws_ok(format($$INSERT INTO sqm.tst_audited VALUES (%s, 1, 'registered', NULL)$$, :c), 'XX001',
                 format('audit chain of organisation %s is damaged', :c),
                 'the trigger refuses to chain to a head whose hash is not a SHA-256 digest');
ROLLBACK TO SAVEPOINT tamper;

-- ---------------------------------------------------------------- the trigger called the wrong way
SELECT probin AS sqm_library FROM pg_proc WHERE oid = 'sqm.audit_record'::regproc \gset
SELECT format($$CREATE FUNCTION pg_temp.audit_record_direct() RETURNS void AS %L, 'sqm_audit_record' LANGUAGE C$$,
              :'sqm_library') \gexec
SELECT throws_ok('SELECT pg_temp.audit_record_direct()', '39P01',
                 'function sqm.audit_record() was not called by the trigger manager', 'the trigger function called as a function is refused');
SELECT format($$CREATE FUNCTION pg_temp.append_only_direct() RETURNS void AS %L, 'sqm_append_only' LANGUAGE C$$,
              :'sqm_library') \gexec
SELECT throws_ok('SELECT pg_temp.append_only_direct()', '39P01',
                 'function sqm.append_only() was not called by the trigger manager', 'the append-only trigger called as a function is refused');

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
