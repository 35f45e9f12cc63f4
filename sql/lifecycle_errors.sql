--
-- The lifecycle engine's errors as people read them: message, detail, hint.
-- (test/lifecycle.sql checks the rules and SQLSTATEs; this file the texts.)
--
\set VERBOSITY default
\set ON_ERROR_ROLLBACK on
BEGIN;

CREATE TABLE sqm.tst_case (org_id bigint, id bigint, state text, note text, PRIMARY KEY (org_id, id));
CREATE FUNCTION sqm.tst_guard(c sqm.tst_case) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF c.note IS NULL THEN
        RAISE EXCEPTION 'test case % cannot be done without a note', c.id
            USING ERRCODE = 'SQ002', HINT = 'Write a note first.';
    END IF;
END
$$;
INSERT INTO sqm.lifecycle_kind (kind, governed_table, label_sv, label_en)
VALUES ('tst', 'sqm.tst_case', 'testärende', 'test case');
INSERT INTO sqm.lifecycle_state (kind, state, initial, terminal, label_sv, label_en) VALUES
    ('tst', 'new', true, false, 'ny', 'new'), ('tst', 'open', false, false, 'öppen', 'open'),
    ('tst', 'done', false, true, 'klar', 'done'), ('tst', 'void', false, true, 'makulerad', 'void');
INSERT INTO sqm.lifecycle_move (kind, from_state, to_state, capability, guard, requires) VALUES
    ('tst', 'new', 'open', 'tst.open', NULL, '{}'),
    ('tst', 'open', 'done', 'tst.close', 'sqm.tst_guard(sqm.tst_case)', '{}'),
    ('tst', 'new', 'void', 'tst.void', NULL, '{note}'),
    ('tst', 'open', 'void', 'tst.void', NULL, '{}');
CREATE TRIGGER lifecycle BEFORE INSERT OR UPDATE OR DELETE ON sqm.tst_case
    FOR EACH ROW EXECUTE FUNCTION sqm.lifecycle_enforce('tst');

-- One kind's lifecycle in one place.
SELECT kind, from_state, to_state, from_label_sv, to_label_sv, capability, guard, requires
  FROM sqm.lifecycle WHERE kind = 'tst' ORDER BY from_state, to_state;

INSERT INTO sqm.tst_case (org_id, id, state) VALUES (1, 1, 'new'), (1, 2, 'new');
UPDATE sqm.tst_case SET state = 'open' WHERE id = 2;

-- Starting, moving, editing, deleting.
INSERT INTO sqm.tst_case (org_id, id, state) VALUES (1, 17, 'done');
INSERT INTO sqm.tst_case (org_id, id, state) VALUES (1, 17, 'closed');
UPDATE sqm.tst_case SET state = 'done' WHERE id = 1;
UPDATE sqm.tst_case SET state = 'new' WHERE id = 2;
UPDATE sqm.tst_case SET state = 'done' WHERE id = 2;
UPDATE sqm.tst_case SET state = 'void' WHERE id = 1;
UPDATE sqm.tst_case SET state = 'void', note = 'entered twice' WHERE id = 1;
UPDATE sqm.tst_case SET state = 'open' WHERE id = 1;
UPDATE sqm.tst_case SET note = 'too late' WHERE id = 1;
UPDATE sqm.tst_case SET id = 3 WHERE id = 2;
DELETE FROM sqm.tst_case WHERE id = 2;

-- The write path: compare-and-set.
SELECT sqm.move_object('tst', 1, 2, 'new', 'void', 'duplicate');
SELECT sqm.move_object('tst', 1, 9, 'new', 'open');
SELECT sqm.move_object('tst', 1, 2, 'open', 'open');
SELECT sqm.move_object('tst', 1, 2, 'open', 'new');
SELECT sqm.move_object('tst', 1, 2, 'open', 'closed');
SELECT sqm.move_object('case', 1, 2, 'open', 'done');
SELECT sqm.move_object('tst', 1, 2, 'open', 'done');
SELECT sqm.write('tst', 1, 2, 'open', 'open', '{"note": "x"}');
SELECT sqm.write('tst', 1, 2, 'open', 'void', '{"org_id": 2}');
SELECT sqm.write('tst', 1, 2, 'open', 'void', '{"remark": "x"}');
SELECT sqm.write('tst', 1, 2, 'open', 'void', '["note"]');

-- The trigger used the wrong way.
SELECT sqm.lifecycle_enforce();
CREATE TABLE sqm.tst_after (org_id bigint, id bigint, state text);
CREATE TRIGGER lifecycle AFTER INSERT ON sqm.tst_after
    FOR EACH ROW EXECUTE FUNCTION sqm.lifecycle_enforce('tst');
INSERT INTO sqm.tst_after VALUES (1, 1, 'new');
CREATE TABLE sqm.tst_noarg (org_id bigint, id bigint, state text);
CREATE TRIGGER lifecycle BEFORE INSERT ON sqm.tst_noarg
    FOR EACH ROW EXECUTE FUNCTION sqm.lifecycle_enforce();
INSERT INTO sqm.tst_noarg VALUES (1, 1, 'new');
CREATE TABLE sqm.tst_other (org_id bigint, id bigint, state text);
CREATE TRIGGER lifecycle BEFORE INSERT ON sqm.tst_other
    FOR EACH ROW EXECUTE FUNCTION sqm.lifecycle_enforce('tst');
INSERT INTO sqm.tst_other VALUES (1, 1, 'new');
CREATE TABLE sqm.tst_intid (org_id bigint, id integer, state text);
CREATE TRIGGER lifecycle BEFORE INSERT ON sqm.tst_intid
    FOR EACH ROW EXECUTE FUNCTION sqm.lifecycle_enforce('tst');
INSERT INTO sqm.tst_intid VALUES (1, 1, 'new');

-- Bad definitions.
INSERT INTO sqm.lifecycle_move (kind, from_state, to_state, capability) VALUES ('tst', 'done', 'open', 'tst.reopen');
CREATE FUNCTION sqm.tst_int_guard(integer) RETURNS void LANGUAGE sql AS 'SELECT';
INSERT INTO sqm.lifecycle_move (kind, from_state, to_state, capability, guard)
VALUES ('tst', 'new', 'done', 'tst.fast', 'sqm.tst_int_guard(integer)');
INSERT INTO sqm.lifecycle_move (kind, from_state, to_state, capability, requires)
VALUES ('tst', 'new', 'done', 'tst.fast', '{note,remark}');
UPDATE sqm.lifecycle_state SET initial = false WHERE kind = 'tst';

ROLLBACK;
