-- The govern call (src/core/sql/85_govern.sql) on a throwaway kind: what it
-- wires, what it refuses, and the protocol of details tables and row checks
-- that the lifecycle engine enforces for every writer (doc/core.md).
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(75);

SET LOCAL sqm.frozen_now = '2025-03-03 10:00+01';
SELECT sqm.create_roles() \g /dev/null
SELECT sqm.create_organisation('Test', 'SN') AS org \gset
SELECT sqm.create_unit(:org, 'Enhet', 'unit', '2024-01-01') AS u \gset

-- ---------------------------------------------------------------- a test kind
-- tst: new → open (requires the details column note) → done (terminal);
-- new → void (terminal, requires closed_at).  note and owner are its details.
CREATE TABLE sqm.tst_case (
    org_id     bigint NOT NULL,
    id         bigint NOT NULL,
    state      text NOT NULL,
    unit_id    bigint NOT NULL,
    size       integer,
    closed_at  timestamptz,
    PRIMARY KEY (org_id, id)
);
CREATE TABLE sqm.tst_case_detail (
    org_id  bigint NOT NULL,
    id      bigint NOT NULL,
    note    text,
    owner   text,
    PRIMARY KEY (org_id, id),
    FOREIGN KEY (org_id, id) REFERENCES sqm.tst_case
);
-- the row check records its calls and refuses a negative size
CREATE TEMP TABLE tst_checked (id bigint, had_old boolean);
GRANT ALL ON tst_checked TO PUBLIC;
CREATE FUNCTION sqm.tst_check(new sqm.tst_case, old sqm.tst_case) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    INSERT INTO tst_checked VALUES (new.id, old.id IS NOT NULL);
    IF new.size < 0 THEN
        RAISE EXCEPTION 'test case % cannot have a negative size', new.id USING ERRCODE = 'check_violation';
    END IF;
END $$;

-- ---------------------------------------------------------------- refusals
SELECT throws_ok($$SELECT sqm.govern('tst', 'sqm.tst_case', '{"internal": ["org_id", "id"], "statistic": ["state", "unit_id", "size"]}',
                                     'test', 'test case')$$,
                 '42P17', 'column "closed_at" of table sqm.tst_case has no class', 'govern refuses a column without a class');
SELECT throws_ok($$SELECT sqm.govern('tst', 'sqm.tst_case', '{"internal": ["org_id", "id"], "statistic": ["state", "unit_id"],
                                                              "exact_time": ["closed_at"], "free_text": ["size"]}', 'test', 'test case')$$,
                 '42P17', 'case table sqm.tst_case of lifecycle kind "tst" has personal or free-text column "size" (free_text)',
                 'govern refuses a free-text column on a case table');
SELECT throws_ok($$SELECT sqm.govern('tst', 'sqm.tst_case', '{"internal": ["org_id", "id"], "statistic": ["state", "unit_id"],
                                                              "exact_time": ["closed_at"], "personal": ["size"]}', 'test', 'test case')$$,
                 '42P17', NULL, 'govern refuses a personal column on a case table');
SELECT throws_ok($$SELECT sqm.govern('tst', 'sqm.tst_case', '{"internal": ["org_id", "id"], "statistic": ["state", "unit_id", "size"],
                                                              "exact_time": ["closed_at"]}', 'test', 'test case',
                                     details => 'sqm.tst_case_detail',
                                     details_classes => '{"internal": ["org_id", "id"], "statistic": ["note"], "personal": ["owner"]}')$$,
                 '42P17', 'details table sqm.tst_case_detail of lifecycle kind "tst" has column "note" (statistic) that is not personal data or free text',
                 'govern refuses a details column that is not personal data or free text');
CREATE TABLE sqm.tst_loose_detail (org_id bigint, id bigint, note text, PRIMARY KEY (org_id, id));
SELECT throws_ok($$SELECT sqm.govern('tst', 'sqm.tst_case', '{"internal": ["org_id", "id"], "statistic": ["state", "unit_id", "size"],
                                                              "exact_time": ["closed_at"]}', 'test', 'test case',
                                     details => 'sqm.tst_loose_detail', details_classes => '{"internal": ["org_id", "id"], "free_text": ["note"]}')$$,
                 '42P17', 'details table sqm.tst_loose_detail of lifecycle kind "tst" is not keyed by its case',
                 'govern refuses a details table that does not reference its case');
CREATE TABLE sqm.tst_no_unit (org_id bigint, id bigint, state text, PRIMARY KEY (org_id, id));
SELECT throws_ok($$SELECT sqm.govern('tst', 'sqm.tst_no_unit', '{"internal": ["org_id", "id"], "statistic": ["state"]}', 'x', 'x')$$,
                 '42P17', 'the table of lifecycle kind "tst" sqm.tst_no_unit does not follow the governed-table protocol',
                 'govern refuses a table without the protocol''s columns');
SELECT is((SELECT count(*) FROM sqm.lifecycle_kind WHERE kind = 'tst'), 0::bigint, 'a refused govern call registered nothing');

-- ---------------------------------------------------------------- wiring
SELECT lives_ok($$SELECT sqm.govern('tst', 'sqm.tst_case',
    classes => '{"internal": ["org_id", "id"], "statistic": ["state", "unit_id", "size"], "exact_time": ["closed_at"]}',
    label_sv => 'testärende', label_en => 'test case',
    details => 'sqm.tst_case_detail',
    details_classes => '{"internal": ["org_id", "id"], "free_text": ["note"], "personal": ["owner"]}',
    row_check => 'sqm.tst_check(sqm.tst_case, sqm.tst_case)', row_check_on => '{size}',
    announce => true)$$, 'govern wires a case table and its details table');
SELECT is((SELECT (governed_table, details_table, row_check, row_check_on, builtin)::text FROM sqm.lifecycle_kind WHERE kind = 'tst'),
          '(sqm.tst_case,sqm.tst_case_detail,"sqm.tst_check(sqm.tst_case,sqm.tst_case)",{size},f)',
          'the kind is registered with its details table and row check');
SELECT results_eq($$SELECT tgrelid::regclass::text COLLATE "C", tgname::text COLLATE "C", pg_get_triggerdef(oid) ~ 'DEFERRABLE INITIALLY DEFERRED'
                      FROM pg_trigger WHERE tgrelid IN ('sqm.tst_case'::regclass, 'sqm.tst_case_detail'::regclass) AND NOT tgisinternal
                     ORDER BY 1, 2$$,
                  $$VALUES ('sqm.tst_case' COLLATE "C", 'audit' COLLATE "C", false),
                           ('sqm.tst_case', 'details_present', true), ('sqm.tst_case', 'lifecycle', false),
                           ('sqm.tst_case_detail', 'audit', false), ('sqm.tst_case_detail', 'details', false),
                           ('sqm.tst_case_detail', 'no_truncate', false)$$,
                  'the triggers of both tables, the details check deferred to commit');
SELECT is((SELECT pg_get_triggerdef(oid) ~ 'sqm\.audit_record\(''tst'', ''announce''\)' FROM pg_trigger
            WHERE tgrelid = 'sqm.tst_case'::regclass AND tgname = 'audit'),
          true, 'announce: the audit trigger writes a new case''s outbox row (no trigger of its own)');
SELECT is((SELECT array_agg(relrowsecurity ORDER BY relname) FROM pg_class WHERE oid IN ('sqm.tst_case'::regclass, 'sqm.tst_case_detail'::regclass)),
          '{t,t}', 'row-level security on both');
SELECT is((SELECT array_agg(polname ORDER BY polname) FROM pg_policy WHERE polrelid IN ('sqm.tst_case'::regclass, 'sqm.tst_case_detail'::regclass)),
          '{tst_case_detail_visible,tst_case_visible}', 'a policy on each');
SELECT is((SELECT string_agg(format('%s %s %s %s', table_name, column_name, class, kind), ', ' ORDER BY table_name::text, column_name)
             FROM sqm.column_class WHERE table_name IN ('sqm.tst_case'::regclass, 'sqm.tst_case_detail'::regclass)
              AND column_name IN ('size', 'note', 'owner')),
          'sqm.tst_case size statistic tst, sqm.tst_case_detail note free_text tst, sqm.tst_case_detail owner personal tst',
          'the classes are recorded, with the kind');
SELECT is((SELECT array_agg(DISTINCT part ORDER BY part) FROM sqm.column_class WHERE kind = 'tst'), '{case,details}',
          'as the case and its details');
SELECT is((SELECT string_agg(privilege || ' ' || array_to_string(roles, ','), '; ' ORDER BY ord) FROM sqm.role_privilege WHERE source = 'tst'),
          'SELECT (org_id, id, state, unit_id, size, closed_at) ON sqm.tst_case handlers,auditor,report_reader; SELECT ON sqm.tst_case_detail handlers',
          'SELECT is granted from the classes: the case row to its readers, the details to the details readers');
SELECT is(has_table_privilege('public', 'sqm.tst_case_detail', 'SELECT'), false, 'nothing for PUBLIC');
SELECT throws_ok($$INSERT INTO sqm.tst_case_detail VALUES (0, 0, '  ', NULL)$$, '23514', NULL,
                 'blank text is never stored in a details table');
SELECT throws_ok($$SELECT sqm.govern('tst', 'sqm.tst_no_unit', '{}', 'x', 'x')$$, '42P17', NULL,
                 'a second table for the same kind is refused');

INSERT INTO sqm.lifecycle_state (kind, state, initial, terminal, label_sv, label_en) VALUES
    ('tst', 'new', true, false, 'ny', 'new'), ('tst', 'open', false, false, 'öppen', 'open'),
    ('tst', 'done', false, true, 'klar', 'done'), ('tst', 'void', false, true, 'makulerad', 'void');
INSERT INTO sqm.lifecycle_move (kind, from_state, to_state, capability, requires) VALUES
    ('tst', 'new', 'open', 'tst.open', '{note}'), ('tst', 'open', 'done', 'tst.close', '{}'),
    ('tst', 'new', 'void', 'tst.void', '{closed_at}');
SELECT throws_ok($$INSERT INTO sqm.lifecycle_move (kind, from_state, to_state, capability, requires)
                   VALUES ('tst', 'open', 'void', 'tst.void', '{remark}')$$, '42703',
                 'the move of lifecycle kind "tst" from "open" to "void" requires columns that sqm.tst_case nor sqm.tst_case_detail does not have',
                 'a move requires columns of the case or its details only');

-- ---------------------------------------------------------------- one details row per case
INSERT INTO sqm.tst_case VALUES (:org, 1, 'new', :u, 1, NULL);
SELECT throws_ok('SET CONSTRAINTS sqm.details_present IMMEDIATE', '23503', 'test case 1 has no details row',
                 'a case without a details row is refused when the transaction commits');
INSERT INTO sqm.tst_case_detail VALUES (:org, 1, NULL, 'Anna');
SELECT lives_ok('SET CONSTRAINTS sqm.details_present IMMEDIATE', 'with its details row it commits');
SET CONSTRAINTS sqm.details_present DEFERRED;
SELECT throws_ok(format($$INSERT INTO sqm.tst_case_detail VALUES (%s, 1, 'again', NULL)$$, :org), '23505', NULL,
                 'one details row per case');

-- ---------------------------------------------------------------- row checks
SELECT is((SELECT string_agg(format('%s:%s', id, had_old), ' ') FROM tst_checked), '1:f',
          'the row check ran on the insert, without an old row');
TRUNCATE tst_checked;
UPDATE sqm.tst_case SET closed_at = NULL WHERE id = 1;
SELECT is((SELECT count(*) FROM tst_checked), 0::bigint, 'an update of a column it does not watch does not call it');
UPDATE sqm.tst_case SET size = 2 WHERE id = 1;
SELECT is((SELECT string_agg(format('%s:%s', id, had_old), ' ') FROM tst_checked), '1:t',
          'an update of a watched column calls it with the old row');
SELECT throws_ok($$UPDATE sqm.tst_case SET size = -1 WHERE id = 1$$, '23514', 'test case 1 cannot have a negative size',
                 'a refusing row check stops an edit');
SELECT throws_ok(format($$INSERT INTO sqm.tst_case VALUES (%s, 2, 'new', %s, -5, NULL)$$, :org, :u), '23514',
                 'test case 2 cannot have a negative size', 'and an insert');
SELECT throws_ok($$UPDATE sqm.lifecycle_kind SET row_check = 'sqm.tst_check(sqm.tst_case, sqm.tst_case)'::regprocedure,
                          row_check_on = '{nosuch}' WHERE kind = 'tst'$$, '42703', NULL,
                 'a row check watches columns of the case table');
CREATE FUNCTION sqm.tst_bad_check(sqm.tst_case) RETURNS void LANGUAGE sql AS 'SELECT';
SELECT throws_ok($$UPDATE sqm.lifecycle_kind SET row_check = 'sqm.tst_bad_check(sqm.tst_case)' WHERE kind = 'tst'$$, '42883',
                 NULL, 'a row check takes the new and the old row');
CREATE FUNCTION sqm.tst_strict_check(sqm.tst_case, sqm.tst_case) RETURNS void LANGUAGE sql STRICT AS 'SELECT';
SELECT throws_ok($$UPDATE sqm.lifecycle_kind SET row_check = 'sqm.tst_strict_check(sqm.tst_case, sqm.tst_case)' WHERE kind = 'tst'$$,
                 '22023', NULL, 'a row check is not STRICT (the old row is NULL on INSERT)');

-- ---------------------------------------------------------------- moves requiring a details column
CREATE TEMP VIEW tst_detail_reads AS
SELECT coalesce(idx_scan, 0) + coalesce(seq_scan, 0) AS n FROM pg_stat_xact_user_tables WHERE relid = 'sqm.tst_case_detail'::regclass;
SELECT n AS reads_before FROM tst_detail_reads \gset
SELECT throws_ok($$UPDATE sqm.tst_case SET state = 'open' WHERE id = 1$$, 'SQ002',
                 'test case 1 cannot move from "new" to "open" without note',
                 'a move requiring a details column is refused while it is NULL (direct UPDATE)');
SELECT cmp_ok((SELECT n FROM tst_detail_reads), '>', :reads_before::bigint, '(the engine read the details row)');
SELECT throws_ok(format($$SELECT sqm.move_object('tst', %s, 1, 'new', 'open')$$, :org), 'SQ002', NULL, 'and through the write path');
UPDATE sqm.tst_case_detail SET note = 'Skrivet' WHERE id = 1;
SELECT lives_ok($$UPDATE sqm.tst_case SET state = 'open' WHERE id = 1$$, 'it passes once the details row has it');
SELECT n AS reads_before FROM tst_detail_reads \gset
SELECT lives_ok($$UPDATE sqm.tst_case SET state = 'done' WHERE id = 1$$, 'a move requiring no details column ...');
SELECT is((SELECT n FROM tst_detail_reads), :reads_before::bigint, '... does not read the details table');
INSERT INTO sqm.tst_case VALUES (:org, 3, 'new', :u, 1, NULL);
INSERT INTO sqm.tst_case_detail VALUES (:org, 3, NULL, NULL);
SELECT throws_ok(format($$SELECT sqm.write('tst', %s, 3, 'new', 'open', '{"note": null}')$$, :org),
                 'SQ002', 'test case 3 cannot move from "new" to "open" without note',
                 'through the write path, details first: refused while NULL');
SELECT lives_ok(format($$SELECT sqm.write('tst', %s, 3, 'new', 'open', '{"note": "Klart"}', 'öppnat')$$, :org),
                'and passes when the same call sets it');
SELECT throws_ok(format($$SELECT sqm.write('tst', %s, 3, 'new', 'void', '{"note": "x", "closed_at": "2025-03-03 10:00+01"}')$$, :org),
                 'SQ003', 'test case 3 is not in state "new"', 'the write path is compare-and-set before it writes the details');
SELECT is((SELECT note FROM sqm.tst_case_detail WHERE id = 3), 'Klart', 'and the refused call changed nothing');

-- ---------------------------------------------------------------- details rows are history
SELECT throws_ok($$UPDATE sqm.tst_case_detail SET note = 'Ändrat' WHERE id = 1$$, 'SQ004',
                 'test case 1 is in terminal state "done" and cannot be changed',
                 'the details of a terminal case cannot be edited, even by a superuser');
SELECT throws_ok($$UPDATE sqm.tst_case_detail SET id = 99 WHERE id = 3$$, '55000',
                 'the details of test case 3 cannot change their organisation or id', 'details keep their case');
SELECT throws_ok($$DELETE FROM sqm.tst_case_detail WHERE id = 3$$, '55000', 'the details of test case 3 cannot be deleted',
                 'details are never deleted');
SELECT throws_ok($$DELETE FROM sqm.tst_case_detail WHERE id = 1$$, '55000', NULL, 'not even of a finished case');
SELECT throws_ok($$TRUNCATE sqm.tst_case_detail CASCADE$$, '55000', 'table sqm.tst_case_detail cannot be truncated',
                 'nor truncated');
SELECT lives_ok($$UPDATE sqm.tst_case_detail SET owner = 'Bertil' WHERE id = 3$$, 'the details of an open case can be edited');

-- ---------------------------------------------------------------- the audit trail
SELECT results_eq(format($$SELECT change, from_state, to_state, before, after - 'unit_id' FROM sqm.audit_trail
                            WHERE org_id = %s AND object_id = 3 ORDER BY seq$$, :org),
                  $$VALUES ('create', NULL, 'new', NULL, '{"size": "1", "state": "new"}'::jsonb),
                           ('edit', NULL, NULL, '{"note": null}'::jsonb, '{"note": "Klart"}'::jsonb),
                           ('move', 'new', 'open', '{"state": "new"}'::jsonb, '{"state": "open"}'::jsonb),
                           ('edit', NULL, NULL, '{"owner": null}'::jsonb, '{"owner": "Bertil"}'::jsonb)$$,
                  'details changes are edit events of the same object, with the columns that changed (a details row inserted empty records nothing)');
SELECT is((SELECT count(*) FROM sqm.audit_event WHERE org_id = :org AND object_kind <> 'tst'), 0::bigint,
          'under the kind of the case');
SELECT is((SELECT reason FROM sqm.audit_trail WHERE org_id = :org AND object_id = 3 AND after ? 'note'), 'öppnat',
          'with the reason of the call');
UPDATE sqm.tst_case_detail SET owner = owner WHERE id = 3;
SELECT is((SELECT count(*) FROM sqm.audit_event WHERE org_id = :org AND object_id = 3), 4::bigint,
          'an update of a details row that changes nothing records nothing');
SELECT is((SELECT ok FROM sqm.verify_audit(:org)), true, 'the chain verifies');

-- ---------------------------------------------------------------- triggers used the wrong way
CREATE TABLE sqm.tst_other (org_id bigint, id bigint, note text);
CREATE TRIGGER details BEFORE UPDATE ON sqm.tst_other FOR EACH ROW EXECUTE FUNCTION sqm.details_enforce('tst');
INSERT INTO sqm.tst_other VALUES (1, 1, 'x');
SELECT throws_ok($$UPDATE sqm.tst_other SET note = 'y'$$, '39P01',
                 'table sqm.tst_other is not the details table of lifecycle kind "tst"', 'details_enforce on another table is refused');
DROP TRIGGER details ON sqm.tst_other;
CREATE TRIGGER details BEFORE UPDATE ON sqm.tst_other FOR EACH ROW EXECUTE FUNCTION sqm.details_enforce();
SELECT throws_ok($$UPDATE sqm.tst_other SET note = 'y'$$, '39P01', NULL, 'details_enforce without the kind is refused');
DROP TRIGGER details ON sqm.tst_other;
CREATE TRIGGER details AFTER UPDATE ON sqm.tst_other FOR EACH ROW EXECUTE FUNCTION sqm.details_enforce('tst');
SELECT throws_ok($$UPDATE sqm.tst_other SET note = 'y'$$, '39P01', NULL, 'details_enforce AFTER is refused');
DROP TRIGGER details ON sqm.tst_other;
CREATE TRIGGER tst_present AFTER INSERT ON sqm.tst_case FOR EACH ROW EXECUTE FUNCTION sqm.details_present('tst');
SELECT throws_ok(format($$INSERT INTO sqm.tst_case VALUES (%s, 4, 'new', %s, 1, NULL)$$, :org, :u), '39P01',
                 'trigger "tst_present" on table sqm.tst_case must be a deferrable constraint trigger',
                 'details_present that is not deferred is refused');
DROP TRIGGER tst_present ON sqm.tst_case;
CREATE TRIGGER audit AFTER INSERT ON sqm.tst_other FOR EACH ROW EXECUTE FUNCTION sqm.audit_record('tst', 'details');
SELECT throws_ok($$INSERT INTO sqm.tst_other VALUES (1, NULL, 'x')$$, '23502', NULL, 'a details row without its id is refused by the audit');
CREATE TABLE sqm.tst_no_id (org_id bigint, note text);
CREATE TRIGGER audit AFTER INSERT ON sqm.tst_no_id FOR EACH ROW EXECUTE FUNCTION sqm.audit_record('tst', 'details');
SELECT throws_ok($$INSERT INTO sqm.tst_no_id VALUES (1, 'x')$$, '39P01',
                 'table sqm.tst_no_id does not follow the governed-table protocol', 'a details table without the case''s key is refused');

-- ---------------------------------------------------------------- record tables
CREATE TABLE sqm.tst_record (org_id bigint NOT NULL, id bigint NOT NULL, case_id bigint NOT NULL, body text NOT NULL,
                             seen_at timestamptz, PRIMARY KEY (org_id, id));
SELECT throws_ok($$SELECT sqm.govern_records('tst', 'sqm.tst_record', '{"internal": ["org_id", "id", "case_id"], "free_text": ["body"]}',
                                             'sqm.is_member(org_id)')$$, '42P17', NULL, 'govern_records refuses an unclassified column');
SELECT lives_ok($$SELECT sqm.govern_records('tst', 'sqm.tst_record',
                   '{"internal": ["org_id", "id", "case_id"], "free_text": ["body"], "exact_time": ["seen_at"]}',
                   'sqm.is_member(org_id)', set_once => '{seen_at}', readers => '{auditor}', personal_readers => '{investigator}')$$,
                'govern_records wires a record table');
INSERT INTO sqm.tst_record VALUES (:org, 1, 3, 'Noterat', NULL);
SELECT lives_ok($$UPDATE sqm.tst_record SET seen_at = now() WHERE id = 1$$, 'a set-once column is set once');
SELECT throws_ok($$UPDATE sqm.tst_record SET body = 'x' WHERE id = 1$$, 'SQ010', NULL, 'everything else is append-only');
SELECT is((SELECT string_agg(privilege || ' ' || array_to_string(roles, ','), '; ' ORDER BY ord) FROM sqm.role_privilege
            WHERE privilege LIKE '%tst_record%'),
          'SELECT (org_id, id, case_id, seen_at) ON sqm.tst_record auditor; SELECT ON sqm.tst_record investigator',
          'readers get the columns that are not personal or free text, personal readers all');

-- ---------------------------------------------------------------- row checks of record and details tables
CREATE TABLE sqm.tst_note (org_id bigint NOT NULL, id bigint NOT NULL, body text NOT NULL, seen_at timestamptz,
                           PRIMARY KEY (org_id, id));
CREATE FUNCTION sqm.tst_note_check(new sqm.tst_note, old sqm.tst_note) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF old.id IS NOT NULL THEN
        RAISE EXCEPTION 'note % was checked on update', new.id USING ERRCODE = '23514';
    END IF;
    IF new.body = 'nej' THEN
        RAISE EXCEPTION 'note % says no', new.id USING ERRCODE = '23514';
    END IF;
END $$;
CREATE FUNCTION sqm.tst_note_strict(new sqm.tst_note, old sqm.tst_note) RETURNS void LANGUAGE sql STRICT AS $$ SELECT $$;
CREATE FUNCTION pg_temp.note_records(check_fn text, check_on text) RETURNS void LANGUAGE sql AS $$
    SELECT sqm.govern_records('tst', 'sqm.tst_note', '{"internal": ["org_id", "id"], "free_text": ["body"], "exact_time": ["seen_at"]}',
                              'sqm.is_member(org_id)', set_once => '{seen_at}', row_check => check_fn::regprocedure,
                              row_check_on => check_on::text[])
$$;
SELECT throws_ok($$SELECT pg_temp.note_records('sqm.tst_check(sqm.tst_case, sqm.tst_case)', NULL)$$, '42883', NULL,
                 'a record row check must take the record table''s rows');
SELECT throws_ok($$SELECT pg_temp.note_records('sqm.tst_note_strict(sqm.tst_note, sqm.tst_note)', NULL)$$, '22023', NULL,
                 'a record row check must not be STRICT (the old row is NULL on insert)');
SELECT throws_ok($$SELECT pg_temp.note_records('sqm.tst_note_check(sqm.tst_note, sqm.tst_note)', '{nosuch}')$$, '42703', NULL,
                 'a record row check watches columns of its table');
SELECT lives_ok($$SELECT pg_temp.note_records('sqm.tst_note_check(sqm.tst_note, sqm.tst_note)', '{body}')$$,
                'govern_records wires a record table with its row check');
SELECT is((SELECT (kind, part, check_fn, check_on)::text FROM sqm.row_check WHERE table_name = 'sqm.tst_note'::regclass),
          '(tst,records,"sqm.tst_note_check(sqm.tst_note,sqm.tst_note)",{body})', 'the row check is registered in sqm.row_check');
SELECT throws_ok(format($$INSERT INTO sqm.tst_note VALUES (%s, 1, 'nej')$$, :org), '23514', 'note 1 says no',
                 'the row check runs on every insert, for every writer');
SELECT lives_ok(format($$INSERT INTO sqm.tst_note VALUES (%s, 2, 'ja')$$, :org), 'a row it accepts is written');
SELECT lives_ok($$UPDATE sqm.tst_note SET seen_at = now() WHERE id = 2$$,
                'an update that changes no watched column does not call the check');
UPDATE sqm.row_check SET check_on = '{seen_at}' WHERE table_name = 'sqm.tst_note'::regclass;
INSERT INTO sqm.tst_note VALUES (:org, 3, 'ja');
SELECT throws_ok($$UPDATE sqm.tst_note SET seen_at = now() WHERE id = 3$$, '23514', 'note 3 was checked on update',
                 'a change of sqm.row_check is seen at once: the check now watches seen_at');
CREATE TABLE sqm.tst_unchecked (org_id bigint, id bigint);
CREATE TRIGGER row_check BEFORE INSERT ON sqm.tst_unchecked FOR EACH ROW EXECUTE FUNCTION sqm.row_check_enforce('tst');
SELECT throws_ok($$INSERT INTO sqm.tst_unchecked VALUES (1, 1)$$, '39P01', 'table sqm.tst_unchecked has no row check',
                 'the row-check trigger on a table sqm.row_check does not name is refused');
DROP TRIGGER row_check ON sqm.tst_unchecked;
CREATE TRIGGER rc_statement BEFORE INSERT ON sqm.tst_note FOR EACH STATEMENT EXECUTE FUNCTION sqm.row_check_enforce('tst');
SELECT throws_ok(format($$INSERT INTO sqm.tst_note VALUES (%s, 4, 'ja')$$, :org), '39P01',
                 'trigger "rc_statement" on table sqm.tst_note must fire FOR EACH ROW',
                 'the row-check trigger FOR EACH STATEMENT is refused');
DROP TRIGGER rc_statement ON sqm.tst_note;
CREATE TRIGGER rc_other BEFORE INSERT ON sqm.tst_note FOR EACH ROW EXECUTE FUNCTION sqm.row_check_enforce('other');
SELECT throws_ok(format($$INSERT INTO sqm.tst_note VALUES (%s, 5, 'ja')$$, :org), '39P01',
                 'trigger "rc_other" on table sqm.tst_note names lifecycle kind "other", not "tst"',
                 'the row-check trigger naming another kind is refused');

SELECT * FROM finish();
ROLLBACK;
