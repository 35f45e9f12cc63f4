--
-- The errors of the govern call, column classes and details tables as people
-- read them: message, detail, hint.  (test/govern.sql and test/classes.sql
-- check the rules and SQLSTATEs; this file the texts.)
--
\set VERBOSITY default
\set ON_ERROR_ROLLBACK on
BEGIN;
SET LOCAL sqm.frozen_now = '2025-03-03 10:00+01';

CREATE TABLE sqm.tst_case (org_id bigint NOT NULL, id bigint NOT NULL, state text NOT NULL, unit_id bigint NOT NULL,
                           closed_at timestamptz, PRIMARY KEY (org_id, id));
CREATE TABLE sqm.tst_case_detail (org_id bigint NOT NULL, id bigint NOT NULL, note text, owner text,
                                  PRIMARY KEY (org_id, id), FOREIGN KEY (org_id, id) REFERENCES sqm.tst_case);

-- Classes that cannot be recorded.
SELECT sqm.classify('sqm.tst_case', '{"internal": ["org_id", "id"], "statistic": ["state", "unit_id"]}');
SELECT sqm.classify('sqm.tst_case', '{"internal": ["org_id", "id"], "statistic": ["state", "unit_id"], "moment": ["closed_at"]}');
SELECT sqm.classify('sqm.tst_case', '{"internal": ["org_id", "id", "state"], "statistic": ["state", "unit_id"], "exact_time": ["closed_at"]}');
SELECT sqm.classify('sqm.tst_case', '{"internal": ["org_id", "id", "size"], "statistic": ["state", "unit_id"], "exact_time": ["closed_at"]}');

-- A case table with free text, a details table with a statistic.
SELECT sqm.govern('tst', 'sqm.tst_case', '{"internal": ["org_id", "id"], "statistic": ["state", "unit_id"], "free_text": ["closed_at"]}',
                  'test', 'test case');
SELECT sqm.govern('tst', 'sqm.tst_case', '{"internal": ["org_id", "id"], "statistic": ["state", "unit_id"], "exact_time": ["closed_at"]}',
                  'test', 'test case', details => 'sqm.tst_case_detail',
                  details_classes => '{"internal": ["org_id", "id"], "statistic": ["note"], "personal": ["owner"]}');

-- Wired, with a move that requires a details column.
SELECT sqm.govern('tst', 'sqm.tst_case', '{"internal": ["org_id", "id"], "statistic": ["state", "unit_id"], "exact_time": ["closed_at"]}',
                  'test', 'test case', details => 'sqm.tst_case_detail',
                  details_classes => '{"internal": ["org_id", "id"], "free_text": ["note"], "personal": ["owner"]}');
INSERT INTO sqm.lifecycle_state (kind, state, initial, terminal, label_sv, label_en) VALUES
    ('tst', 'new', true, false, 'ny', 'new'), ('tst', 'done', false, true, 'klar', 'done');
INSERT INTO sqm.lifecycle_move (kind, from_state, to_state, capability, requires) VALUES
    ('tst', 'new', 'done', 'tst.close', '{note,closed_at}');

INSERT INTO sqm.tst_case VALUES (1, 1, 'new', 1, NULL);
SET CONSTRAINTS sqm.details_present IMMEDIATE;
SET CONSTRAINTS sqm.details_present DEFERRED;
INSERT INTO sqm.tst_case_detail VALUES (1, 1, NULL, 'Anna');
UPDATE sqm.tst_case SET state = 'done' WHERE id = 1;
UPDATE sqm.tst_case_detail SET note = 'Klart' WHERE id = 1;
UPDATE sqm.tst_case SET state = 'done', closed_at = '2025-03-03 10:00+01' WHERE id = 1;
UPDATE sqm.tst_case_detail SET note = 'Ändrat' WHERE id = 1;
UPDATE sqm.tst_case_detail SET id = 2 WHERE id = 1;
DELETE FROM sqm.tst_case_detail WHERE id = 1;
TRUNCATE sqm.tst_case_detail;

ROLLBACK;
