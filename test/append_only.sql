-- The one append-only refusal (src/core/append_only.c): every change of a
-- recorded row is refused with SQ010, except setting once, from NULL, a column
-- named in the trigger's arguments; the trigger used the wrong way is refused
-- with 39P01.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(12);

CREATE TABLE pg_temp.rec (id int PRIMARY KEY, body text, seen_at timestamptz, seen_by text);
CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON pg_temp.rec
    FOR EACH ROW EXECUTE FUNCTION sqm.append_only('seen_at', 'seen_by');
CREATE TRIGGER no_truncate BEFORE TRUNCATE ON pg_temp.rec
    FOR EACH STATEMENT EXECUTE FUNCTION sqm.append_only();
INSERT INTO pg_temp.rec VALUES (1, 'recorded', NULL, NULL), (2, 'also recorded', NULL, NULL);

SELECT lives_ok($$UPDATE pg_temp.rec SET seen_at = '2025-01-01', seen_by = 'anna' WHERE id = 1$$,
                'a column named set-once is set from NULL');
SELECT is((SELECT seen_by FROM pg_temp.rec WHERE id = 1), 'anna', 'and the value is kept');
SELECT throws_ok($$UPDATE pg_temp.rec SET seen_by = 'bertil' WHERE id = 1$$, 'SQ010', NULL,
                 'a set-once column is not set twice');
SELECT throws_ok($$UPDATE pg_temp.rec SET seen_by = NULL WHERE id = 1$$, 'SQ010', NULL,
                 'a set-once column is not cleared');
SELECT throws_ok($$UPDATE pg_temp.rec SET body = 'changed' WHERE id = 2$$, 'SQ010', NULL,
                 'any other column is never changed');
SELECT throws_ok($$UPDATE pg_temp.rec SET body = 'changed', seen_at = now() WHERE id = 2$$, 'SQ010', NULL,
                 'not even beside a set-once column');
SELECT lives_ok($$UPDATE pg_temp.rec SET body = body WHERE id = 2$$, 'an update that changes nothing passes');
SELECT throws_ok($$DELETE FROM pg_temp.rec WHERE id = 2$$, 'SQ010', NULL, 'a recorded row is never deleted');
SELECT throws_ok($$TRUNCATE pg_temp.rec$$, 'SQ010', NULL, 'a record table is never truncated');
SELECT is((SELECT count(*) FROM pg_temp.rec), 2::bigint, 'every row is still there');

CREATE SCHEMA tst_ao;
CREATE TABLE tst_ao.misused (id int);
CREATE TRIGGER append_only AFTER UPDATE ON tst_ao.misused FOR EACH ROW EXECUTE FUNCTION sqm.append_only();
INSERT INTO tst_ao.misused VALUES (1);
SELECT throws_ok($$UPDATE tst_ao.misused SET id = 2$$, '39P01', NULL, 'an AFTER trigger is refused');
DROP TRIGGER append_only ON tst_ao.misused;
CREATE TRIGGER append_only BEFORE INSERT ON tst_ao.misused FOR EACH ROW EXECUTE FUNCTION sqm.append_only();
SELECT throws_ok($$INSERT INTO tst_ao.misused VALUES (3)$$, '39P01',
                 'trigger "append_only" on table tst_ao.misused must not fire on INSERT', 'an INSERT trigger is refused');

SELECT * FROM finish();
ROLLBACK;
