-- The lifecycle engine (doc/core.md): every move of a throwaway kind tried,
-- every rule broken once and refused with its SQLSTATE, sqm.move's
-- compare-and-set, the cache, and every wrong way of using the trigger.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(100);

-- ---------------------------------------------------------------- a test kind
-- tst: new (initial) → open → done (terminal, guarded); new/open → void
-- (terminal; from new only with a note)
CREATE TABLE sqm.tst_case (
    org_id  bigint,
    id      bigint,
    state   text,
    note    text,
    PRIMARY KEY (org_id, id)
);
CREATE FUNCTION sqm.tst_guard(c sqm.tst_case) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF c.note IS NULL THEN
        RAISE EXCEPTION 'test case % cannot be done without a note', c.id
            USING ERRCODE = 'SQ002';
    END IF;
END
$$;
INSERT INTO sqm.lifecycle_kind (kind, governed_table, label_sv, label_en)
VALUES ('tst', 'sqm.tst_case', 'testärende', 'test case');
INSERT INTO sqm.lifecycle_state (kind, state, initial, terminal, label_sv, label_en) VALUES
    ('tst', 'new', true, false, 'ny', 'new'),
    ('tst', 'open', false, false, 'öppen', 'open'),
    ('tst', 'done', false, true, 'klar', 'done'),
    ('tst', 'void', false, true, 'makulerad', 'void');
INSERT INTO sqm.lifecycle_move (kind, from_state, to_state, capability, guard, requires) VALUES
    ('tst', 'new', 'open', 'tst.open', NULL, '{}'),
    ('tst', 'open', 'done', 'tst.close', 'sqm.tst_guard(sqm.tst_case)', '{}'),
    ('tst', 'new', 'void', 'tst.void', NULL, '{note}'),
    ('tst', 'open', 'void', 'tst.void', NULL, '{}');
CREATE TRIGGER lifecycle BEFORE INSERT OR UPDATE OR DELETE ON sqm.tst_case
    FOR EACH ROW EXECUTE FUNCTION sqm.lifecycle_enforce('tst');

-- ---------------------------------------------------------------- every pair of states
-- One object per pair, brought to its from-state by legal moves; 'same' is an
-- edit without a move (allowed unless the state is terminal).
CREATE TEMP TABLE tst_pair (n int, from_state text, to_state text, outcome text);
INSERT INTO tst_pair
SELECT row_number() OVER (), f, t, o FROM (VALUES
    ('new',  'new',  'ok'),    ('new',  'open', 'ok'),    ('new',  'done', 'SQ001'), ('new',  'void', 'ok'),
    ('open', 'new',  'SQ001'), ('open', 'open', 'ok'),    ('open', 'done', 'ok'),    ('open', 'void', 'ok'),
    ('done', 'new',  'SQ001'), ('done', 'open', 'SQ001'), ('done', 'done', 'SQ004'), ('done', 'void', 'SQ001'),
    ('void', 'new',  'SQ001'), ('void', 'open', 'SQ001'), ('void', 'done', 'SQ001'), ('void', 'void', 'SQ004')
) v(f, t, o);
INSERT INTO sqm.tst_case (org_id, id, state, note) SELECT 1, n, 'new', 'ready' FROM tst_pair;
UPDATE sqm.tst_case c SET state = 'open' FROM tst_pair p WHERE c.id = p.n AND p.from_state IN ('open', 'done');
UPDATE sqm.tst_case c SET state = p.from_state FROM tst_pair p WHERE c.id = p.n AND p.from_state IN ('done', 'void');

SELECT CASE WHEN outcome = 'ok'
            THEN lives_ok(format('UPDATE sqm.tst_case SET state = %L WHERE org_id = 1 AND id = %s', to_state, n),
                          format('%s → %s is allowed', from_state, to_state))
            ELSE throws_ok(format('UPDATE sqm.tst_case SET state = %L WHERE org_id = 1 AND id = %s', to_state, n),
                           outcome, NULL, format('%s → %s is refused with %s', from_state, to_state, outcome))
       END
  FROM tst_pair ORDER BY n;
SELECT is((SELECT count(*) FROM sqm.tst_case c JOIN tst_pair p ON c.id = p.n
            WHERE c.state = CASE p.outcome WHEN 'ok' THEN p.to_state ELSE p.from_state END),
          16::bigint, 'allowed moves took effect, refused ones changed nothing');

-- ---------------------------------------------------------------- the rules, one by one
SELECT throws_ok($$INSERT INTO sqm.tst_case (org_id, id, state) VALUES (1, 100, 'open')$$, 'SQ001',
                 'test case 100 cannot start in state "open"', 'an object cannot start in a state that is not initial');
SELECT throws_ok($$INSERT INTO sqm.tst_case (org_id, id, state) VALUES (1, 100, 'gone')$$, 'SQ001',
                 'test case 100 cannot start in state "gone"', 'an object cannot start in an unknown state');
SELECT throws_ok($$INSERT INTO sqm.tst_case (org_id, id, state) VALUES (1, 100, NULL)$$, '23502',
                 'test case 100 has no state', 'an object cannot start without a state');
SELECT lives_ok($$INSERT INTO sqm.tst_case (org_id, id, state) VALUES (1, 100, 'new')$$,
                'an object starts in an initial state');

SELECT throws_ok($$UPDATE sqm.tst_case SET state = 'new' WHERE org_id = 1 AND id = 6$$, 'SQ001',
                 'illegal move of test case 6 from "open" to "new"', 'the illegal move is named with the object and both states');
SELECT throws_ok($$UPDATE sqm.tst_case SET state = 'gone' WHERE org_id = 1 AND id = 6$$, 'SQ001',
                 'illegal move of test case 6 from "open" to "gone"', 'a move to an unknown state is illegal');
SELECT throws_ok($$UPDATE sqm.tst_case SET state = NULL WHERE org_id = 1 AND id = 6$$, '23502',
                 'test case 6 has no state', 'a move to no state is refused');

-- the guard of open → done
INSERT INTO sqm.tst_case (org_id, id, state) VALUES (1, 101, 'new');
UPDATE sqm.tst_case SET state = 'open' WHERE org_id = 1 AND id = 101;
SELECT throws_ok($$UPDATE sqm.tst_case SET state = 'done' WHERE org_id = 1 AND id = 101$$, 'SQ002',
                 'test case 101 cannot be done without a note', 'a refusing guard stops the move with its own error');
SELECT is((SELECT state FROM sqm.tst_case WHERE org_id = 1 AND id = 101), 'open', 'the refused move changed nothing');
SELECT lives_ok($$UPDATE sqm.tst_case SET state = 'done', note = 'checked' WHERE org_id = 1 AND id = 101$$,
                'the guard sees the new row: a move that adds the note passes');

-- the columns a move requires
INSERT INTO sqm.tst_case (org_id, id, state) VALUES (1, 102, 'new');
SELECT throws_ok($$UPDATE sqm.tst_case SET state = 'void' WHERE org_id = 1 AND id = 102$$, 'SQ002',
                 'test case 102 cannot move from "new" to "void" without note', 'a move without a column it requires is refused');
SELECT is((SELECT state FROM sqm.tst_case WHERE org_id = 1 AND id = 102), 'new', 'the incomplete move changed nothing');
SELECT lives_ok($$UPDATE sqm.tst_case SET state = 'void', note = 'entered twice' WHERE org_id = 1 AND id = 102$$,
                'a move that fills in the required column passes');

-- edits
SELECT lives_ok($$UPDATE sqm.tst_case SET note = 'more' WHERE org_id = 1 AND id = 6$$,
                'an object in a state that is not terminal can be edited');
SELECT throws_ok($$UPDATE sqm.tst_case SET note = 'late' WHERE org_id = 1 AND id = 101$$, 'SQ004',
                 'test case 101 is in terminal state "done" and cannot be changed', 'an object in a terminal state cannot be edited');
SELECT throws_ok($$UPDATE sqm.tst_case SET id = 1000 WHERE org_id = 1 AND id = 6$$, '55000',
                 'test case 6 cannot change its organisation or id', 'an object''s id is fixed');
SELECT throws_ok($$UPDATE sqm.tst_case SET org_id = 2 WHERE org_id = 1 AND id = 6$$, '55000',
                 'test case 6 cannot change its organisation or id', 'an object''s organisation is fixed');
SELECT throws_ok($$DELETE FROM sqm.tst_case WHERE org_id = 1 AND id = 6$$, '55000',
                 'test case 6 cannot be deleted', 'an object is never deleted');
SELECT throws_ok($$DELETE FROM sqm.tst_case WHERE org_id = 1 AND id = 101$$, '55000',
                 'test case 101 cannot be deleted', 'a finished object is never deleted either');

-- ---------------------------------------------------------------- the write path: compare-and-set
INSERT INTO sqm.tst_case (org_id, id, state) VALUES (1, 200, 'new'), (1, 201, 'new');
SELECT lives_ok($$SELECT sqm.move_object('tst', 1, 200, 'new', 'open', 'opened for the test')$$, 'sqm.move_object makes a legal move');
SELECT is((SELECT state FROM sqm.tst_case WHERE org_id = 1 AND id = 200), 'open', 'the object is in the new state');
SELECT is(current_setting('sqm.reason', true), NULL,
          'the reason is no setting: it goes to the audit event of this move only (test/audit.sql)');
SELECT lives_ok($$SELECT sqm.move_object('tst', 1, 201, 'new', 'open')$$, 'the reason may be left out');
SELECT throws_ok($$SELECT sqm.move_object('tst', 1, 200, 'new', 'void', 'too late')$$, 'SQ003',
                 'test case 200 is not in state "new"', 'a stale expected state is refused');
SELECT is((SELECT state FROM sqm.tst_case WHERE org_id = 1 AND id = 200), 'open', 'the stale move changed nothing');
SELECT throws_ok($$SELECT sqm.move_object('tst', 1, 999, 'new', 'open')$$, '42704',
                 'no test case 999 that you may move to "open"', 'a missing object is refused');
SELECT throws_ok($$SELECT sqm.move_object('tst', 2, 200, 'open', 'void')$$, '42704',
                 'no test case 200 that you may move to "void"', 'an object of another organisation is not found');
SELECT throws_ok($$SELECT sqm.move_object('tst', 1, 200, 'open', 'new')$$, 'SQ001',
                 'illegal move of test case 200 from "open" to "new"', 'a move the lifecycle does not have is refused');
SELECT throws_ok($$SELECT sqm.move_object('tst', 1, 200, 'open', 'open')$$, 'SQ001',
                 'illegal move of test case 200 from "open" to "open"', 'a move to the same state is refused');
SELECT throws_ok($$SELECT sqm.move_object('tst', 1, 200, 'open', 'done')$$, 'SQ002',
                 'test case 200 cannot be done without a note', 'the write path meets the guard');
SELECT is((SELECT state FROM sqm.tst_case WHERE org_id = 1 AND id = 200), 'open', 'the guarded move changed nothing');
SELECT throws_ok($$SELECT sqm.move_object('nosuch', 1, 200, 'open', 'done')$$, '22023',
                 'unknown lifecycle kind "nosuch"', 'an unknown kind is refused');
SELECT throws_ok($$SELECT sqm.move_object('tst', 1, 200, 'opened', 'done')$$, '22023',
                 'unknown state "opened" of lifecycle kind "tst"', 'an unknown expected state is refused');
SELECT throws_ok($$SELECT sqm.move_object('tst', 1, 200, 'open', 'closed')$$, '22023',
                 'unknown state "closed" of lifecycle kind "tst"', 'an unknown new state is refused');
SELECT throws_ok($$SELECT sqm.move_object('tst', 1, NULL, 'open', 'done')$$, '22023',
                 NULL, 'a missing argument is refused');
SELECT throws_ok($$SELECT sqm.write('tst', 1, 200, 'open', 'open', '{"note": "x"}')$$, 'SQ001',
                 'test case 200 cannot be edited: lifecycle kind "tst" has no action "edit"',
                 'an edit of a kind without an edit action is refused');
UPDATE sqm.tst_case SET note = 'fine' WHERE org_id = 1 AND id = 200;
SELECT lives_ok($$SELECT sqm.move_object('tst', 1, 200, 'open', 'done', 'finished')$$, 'a guarded move passes when the guard does');

-- ---------------------------------------------------------------- reading the lifecycle
SELECT is(sqm.move_capability('tst', 'open', 'done'), 'tst.close', 'sqm.move_capability names the capability of a move');
SELECT is(sqm.move_capability('tst', 'done', 'open'), NULL, 'sqm.move_capability is NULL where there is no move');
SELECT is(sqm.move_capability('tst', 'open', 'gone'), NULL, 'sqm.move_capability is NULL for an unknown state');
SELECT throws_ok($$SELECT sqm.move_capability('nosuch', 'a', 'b')$$, '22023',
                 'unknown lifecycle kind "nosuch"', 'sqm.move_capability refuses an unknown kind');
SELECT results_eq($$SELECT to_state, capability, guard::text FROM sqm.allowed_moves('tst', 'open')$$,
                  $$VALUES ('done', 'tst.close', 'sqm.tst_guard(sqm.tst_case)'), ('void', 'tst.void', NULL)$$,
                  'sqm.allowed_moves lists the moves from a state');
SELECT is((SELECT requires FROM sqm.allowed_moves('tst', 'new') WHERE to_state = 'void'), '{note}'::text[],
          'sqm.allowed_moves names the columns a move requires');
SELECT is_empty($$SELECT * FROM sqm.allowed_moves('tst', 'done')$$, 'no moves are allowed from a terminal state');
SELECT results_eq($$SELECT from_state, from_label_sv, to_state, to_label_en, to_terminal, capability
                      FROM sqm.lifecycle WHERE kind = 'tst' ORDER BY from_state, to_state$$,
                  $$VALUES ('new', 'ny', 'open', 'open', false, 'tst.open'), ('new', 'ny', 'void', 'void', true, 'tst.void'),
                           ('open', 'öppen', 'done', 'done', true, 'tst.close'), ('open', 'öppen', 'void', 'void', true, 'tst.void')$$,
                  'sqm.lifecycle shows the kind''s lifecycle with labels');

-- ---------------------------------------------------------------- the cache
-- A change of the definitions (here a no-op update) makes the next use reload;
-- then the cache answers.
UPDATE sqm.lifecycle_kind SET label_sv = label_sv WHERE kind = 'tst';
CREATE TEMP TABLE tst_stats AS SELECT * FROM sqm.lifecycle_cache_stats();
-- loads and hits since tst_stats was taken
CREATE TEMP VIEW tst_cache_delta AS
SELECT s.loads - t.loads AS loads, s.hits - t.hits AS hits FROM sqm.lifecycle_cache_stats() s, tst_stats t;
INSERT INTO sqm.tst_case (org_id, id, state) VALUES (1, 300, 'new');
DO $$ BEGIN FOR i IN 1..19 LOOP UPDATE sqm.tst_case SET note = i::text WHERE org_id = 1 AND id = 300; END LOOP; END $$;
SELECT is((SELECT loads FROM tst_cache_delta), 1::bigint,
          'twenty writes after a change of the definitions load the kind once');
SELECT is((SELECT hits FROM tst_cache_delta), 19::bigint,
          'the other nineteen are answered by the cache');

-- a new move is seen in the same session
TRUNCATE tst_stats;
INSERT INTO tst_stats SELECT * FROM sqm.lifecycle_cache_stats();
SELECT throws_ok($$UPDATE sqm.tst_case SET state = 'done' WHERE org_id = 1 AND id = 300$$, 'SQ001',
                 'illegal move of test case 300 from "new" to "done"', 'new → done is not a move yet');
INSERT INTO sqm.lifecycle_move (kind, from_state, to_state, capability) VALUES ('tst', 'new', 'done', 'tst.fast');
SELECT lives_ok($$UPDATE sqm.tst_case SET state = 'done' WHERE org_id = 1 AND id = 300$$,
                'a move inserted in this session is allowed at once');
SELECT is(sqm.move_capability('tst', 'new', 'done'), 'tst.fast', 'sqm.move_capability sees the new move');
SELECT is((SELECT loads FROM tst_cache_delta), 1::bigint,
          'the insert made the cache load the kind again');
DELETE FROM sqm.lifecycle_move WHERE kind = 'tst' AND from_state = 'new' AND to_state = 'done';
INSERT INTO sqm.tst_case (org_id, id, state) VALUES (1, 301, 'new');
SELECT throws_ok($$UPDATE sqm.tst_case SET state = 'done' WHERE org_id = 1 AND id = 301$$, 'SQ001',
                 'illegal move of test case 301 from "new" to "done"', 'a move deleted in this session is refused at once');
SELECT is((SELECT loads FROM tst_cache_delta), 2::bigint,
          'the delete made the cache load the kind again');

-- a changed table is checked again
ALTER TABLE sqm.tst_case ADD COLUMN extra int;
SELECT lives_ok($$UPDATE sqm.tst_case SET extra = 1 WHERE org_id = 1 AND id = 301$$,
                'the trigger works on after a column is added');
ALTER TABLE sqm.tst_case RENAME COLUMN state TO status;
SELECT throws_ok($$UPDATE sqm.tst_case SET note = 'x' WHERE org_id = 1 AND id = 301$$, '39P01',
                 'table sqm.tst_case does not follow the governed-table protocol',
                 'a governed table whose state column was renamed is refused at once');
ALTER TABLE sqm.tst_case RENAME COLUMN status TO state;
SELECT lives_ok($$UPDATE sqm.tst_case SET note = 'x' WHERE org_id = 1 AND id = 301$$,
                'and accepted again when it is renamed back');

-- ---------------------------------------------------------------- wrong ways to call the trigger
CREATE TABLE sqm.tst_stmt (org_id bigint, id bigint, state text, PRIMARY KEY (org_id, id));
CREATE TRIGGER lifecycle BEFORE INSERT ON sqm.tst_stmt
    FOR EACH STATEMENT EXECUTE FUNCTION sqm.lifecycle_enforce('tst');
CREATE TABLE sqm.tst_after (LIKE sqm.tst_stmt INCLUDING ALL);
CREATE TRIGGER lifecycle AFTER INSERT ON sqm.tst_after
    FOR EACH ROW EXECUTE FUNCTION sqm.lifecycle_enforce('tst');
CREATE TABLE sqm.tst_truncate (LIKE sqm.tst_stmt INCLUDING ALL);
CREATE TRIGGER lifecycle BEFORE TRUNCATE ON sqm.tst_truncate
    FOR EACH STATEMENT EXECUTE FUNCTION sqm.lifecycle_enforce('tst');
CREATE TABLE sqm.tst_noarg (LIKE sqm.tst_stmt INCLUDING ALL);
CREATE TRIGGER lifecycle BEFORE INSERT ON sqm.tst_noarg
    FOR EACH ROW EXECUTE FUNCTION sqm.lifecycle_enforce();
CREATE TABLE sqm.tst_twoargs (LIKE sqm.tst_stmt INCLUDING ALL);
CREATE TRIGGER lifecycle BEFORE INSERT ON sqm.tst_twoargs
    FOR EACH ROW EXECUTE FUNCTION sqm.lifecycle_enforce('tst', 'tst');
CREATE TABLE sqm.tst_unknown (LIKE sqm.tst_stmt INCLUDING ALL);
CREATE TRIGGER lifecycle BEFORE INSERT ON sqm.tst_unknown
    FOR EACH ROW EXECUTE FUNCTION sqm.lifecycle_enforce('nosuch');
CREATE TABLE sqm.tst_other (LIKE sqm.tst_case INCLUDING ALL);
CREATE TRIGGER lifecycle BEFORE INSERT ON sqm.tst_other
    FOR EACH ROW EXECUTE FUNCTION sqm.lifecycle_enforce('tst');
CREATE TABLE sqm.tst_nostate (org_id bigint, id bigint, status text);
CREATE TRIGGER lifecycle BEFORE INSERT ON sqm.tst_nostate
    FOR EACH ROW EXECUTE FUNCTION sqm.lifecycle_enforce('tst');
CREATE TABLE sqm.tst_intid (org_id bigint, id integer, state text);
CREATE TRIGGER lifecycle BEFORE INSERT ON sqm.tst_intid
    FOR EACH ROW EXECUTE FUNCTION sqm.lifecycle_enforce('tst');

SELECT throws_ok($$SELECT sqm.lifecycle_enforce()$$, '39P01',
                 'function sqm.lifecycle_enforce() was not called by the trigger manager',
                 'the trigger function called directly is refused');
SELECT throws_ok($$INSERT INTO sqm.tst_stmt VALUES (1, 1, 'new')$$, '39P01',
                 'trigger "lifecycle" on table sqm.tst_stmt must fire FOR EACH ROW', 'a statement-level trigger is refused');
SELECT throws_ok($$INSERT INTO sqm.tst_after VALUES (1, 1, 'new')$$, '39P01',
                 'trigger "lifecycle" on table sqm.tst_after must fire BEFORE the row is written', 'an AFTER trigger is refused');
SELECT throws_ok($$TRUNCATE sqm.tst_truncate$$, '39P01',
                 'trigger "lifecycle" on table sqm.tst_truncate must not fire on TRUNCATE', 'a TRUNCATE trigger is refused');
SELECT throws_ok($$INSERT INTO sqm.tst_noarg VALUES (1, 1, 'new')$$, '39P01',
                 'trigger "lifecycle" on table sqm.tst_noarg must name exactly one lifecycle kind', 'a trigger without its kind is refused');
SELECT throws_ok($$INSERT INTO sqm.tst_twoargs VALUES (1, 1, 'new')$$, '39P01',
                 'trigger "lifecycle" on table sqm.tst_twoargs must name exactly one lifecycle kind', 'a trigger with two arguments is refused');
SELECT throws_ok($$INSERT INTO sqm.tst_unknown VALUES (1, 1, 'new')$$, '39P01',
                 'trigger "lifecycle" on table sqm.tst_unknown names unknown lifecycle kind "nosuch"', 'an unknown kind is refused');
SELECT throws_ok($$INSERT INTO sqm.tst_other VALUES (1, 1, 'new')$$, '39P01',
                 'lifecycle kind "tst" governs table sqm.tst_case, not sqm.tst_other', 'a kind registered for another table is refused');
SELECT throws_ok($$INSERT INTO sqm.tst_nostate VALUES (1, 1, 'new')$$, '39P01',
                 'table sqm.tst_nostate does not follow the governed-table protocol', 'a table without a state column is refused');
SELECT throws_ok($$INSERT INTO sqm.tst_intid VALUES (1, 1, 'new')$$, '39P01',
                 'table sqm.tst_intid does not follow the governed-table protocol', 'a table whose id is not bigint is refused');
SELECT throws_ok($$SELECT sqm.lifecycle_invalidate()$$, '39P01',
                 'function sqm.lifecycle_invalidate() was not called by the trigger manager',
                 'the invalidation trigger called directly is refused');

-- ---------------------------------------------------------------- bad definitions
CREATE FUNCTION sqm.tst_int_guard(integer) RETURNS void LANGUAGE sql AS 'SELECT';
CREATE FUNCTION sqm.tst_bool_guard(sqm.tst_case) RETURNS boolean LANGUAGE sql AS 'SELECT true';
SELECT throws_ok($$INSERT INTO sqm.lifecycle_move (kind, from_state, to_state, capability) VALUES ('tst', 'done', 'open', 'x')$$,
                 '23514', 'lifecycle kind "tst" cannot move out of terminal state "done"', 'a move out of a terminal state is refused');
SELECT throws_ok($$UPDATE sqm.lifecycle_move SET from_state = 'void' WHERE kind = 'tst' AND from_state = 'new' AND to_state = 'open'$$,
                 '23514', 'lifecycle kind "tst" cannot move out of terminal state "void"', 'changing a move to leave a terminal state is refused');
SELECT throws_ok($$UPDATE sqm.lifecycle_state SET terminal = true WHERE kind = 'tst' AND state = 'open'$$,
                 '23514', 'state "open" of lifecycle kind "tst" cannot be terminal', 'a state with moves out of it cannot become terminal');
SELECT throws_ok($$INSERT INTO sqm.lifecycle_move (kind, from_state, to_state, capability) VALUES ('tst', 'open', 'open', 'x')$$,
                 '23514', NULL, 'a move from a state to itself is refused');
SELECT throws_ok($$INSERT INTO sqm.lifecycle_move (kind, from_state, to_state, capability) VALUES ('tst', 'open', 'gone', 'x')$$,
                 '23503', NULL, 'a move to an unknown state is refused');
SELECT throws_ok($$INSERT INTO sqm.lifecycle_move (kind, from_state, to_state, capability, guard)
                   VALUES ('tst', 'new', 'done', 'x', 'sqm.tst_int_guard(integer)')$$,
                 '42883', 'guard sqm.tst_int_guard(integer) of lifecycle kind "tst" must take one argument of type sqm.tst_case',
                 'a guard taking another argument is refused');
SELECT throws_ok($$INSERT INTO sqm.lifecycle_move (kind, from_state, to_state, capability, requires)
                   VALUES ('tst', 'new', 'done', 'x', '{note,remark}')$$,
                 '42703', 'the move of lifecycle kind "tst" from "new" to "done" requires columns that sqm.tst_case does not have',
                 'a move requiring a column the table does not have is refused');
SELECT throws_ok($$INSERT INTO sqm.lifecycle_move (kind, from_state, to_state, capability, guard)
                   VALUES ('tst', 'new', 'done', 'x', 'sqm.tst_bool_guard(sqm.tst_case)')$$,
                 '22023', 'guard sqm.tst_bool_guard(sqm.tst_case) of lifecycle kind "tst" must be a function returning void',
                 'a guard returning a value is refused');
SELECT throws_ok($$UPDATE sqm.lifecycle_kind SET governed_table = 'sqm.tst_other' WHERE kind = 'tst'$$,
                 '42883', 'guard sqm.tst_guard(sqm.tst_case) of lifecycle kind "tst" must take one argument of type sqm.tst_other',
                 'moving a kind to a table its guards do not take is refused');
SELECT throws_ok($$UPDATE sqm.lifecycle_state SET initial = false WHERE kind = 'tst' AND state = 'new'$$,
                 '23514', 'lifecycle kind "tst" has no initial state', 'a kind cannot lose its last initial state');
SELECT throws_ok($$INSERT INTO sqm.lifecycle_kind (kind, governed_table) VALUES ('tst2', 'sqm.tst_case')$$,
                 '23505', NULL, 'a table is governed by one kind');
SELECT throws_ok($$INSERT INTO sqm.lifecycle_kind (kind, governed_table) VALUES ('Bad Kind', 'sqm.tst_other')$$,
                 '23514', NULL, 'a kind''s name is a lower-case identifier');

-- a required column dropped after the definition: refused when the move is made
ALTER TABLE sqm.tst_case DROP COLUMN note;
INSERT INTO sqm.tst_case (org_id, id, state) VALUES (1, 400, 'new');
SELECT throws_ok($$UPDATE sqm.tst_case SET state = 'void' WHERE org_id = 1 AND id = 400$$, '42703',
                 'column "note" required by the move of test case from "new" to "void" does not exist',
                 'a required column that no longer exists is reported as such');

-- ---------------------------------------------------------------- packaging
SELECT is((SELECT array_agg(c ORDER BY c) FROM pg_extension e, unnest(e.extconfig, e.extcondition) u(t, c)
            WHERE e.extname = 'sqm' AND c LIKE '%builtin%' AND t::regclass::text LIKE 'sqm.lifecycle%'),
          ARRAY['WHERE NOT builtin', 'WHERE NOT builtin', 'WHERE NOT builtin', 'WHERE NOT builtin'],
          'the definitions users add are dumped, the builtin ones are not');
SELECT is((SELECT count(*) FROM pg_proc p
            WHERE p.oid IN ('sqm.write(text, bigint, bigint, text, text, jsonb, text)'::regprocedure,
                            'sqm.move_object(text, bigint, bigint, text, text, text)'::regprocedure,
                            'sqm.move_capability(text, text, text)'::regprocedure,
                            'sqm.allowed_moves(text, text)'::regprocedure,
                            'sqm.lifecycle_enforce()'::regprocedure)
              AND p.proacl IS NOT NULL
              AND NOT EXISTS (SELECT FROM aclexplode(p.proacl) a WHERE a.grantee = 0)), 5::bigint,
          'PUBLIC cannot execute sqm.write and its companions');
SELECT is((SELECT count(*) FROM pg_proc WHERE oid IN ('sqm.write(text, bigint, bigint, text, text, jsonb, text)'::regprocedure,
                                                      'sqm.move_object(text, bigint, bigint, text, text, text)'::regprocedure)
                                          AND prosecdef),
          0::bigint, 'the write path is no SECURITY DEFINER function: it authorises the caller, then writes as the table''s owner');

SELECT * FROM finish();
ROLLBACK;
