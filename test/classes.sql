-- Column classes (src/core/sql/10_classes.sql): every column of every table
-- in schema sqm has a class; no case table holds personal data or free text;
-- details tables hold nothing else; sqm.classify refuses what it cannot
-- record.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(20);

-- ---------------------------------------------------------------- the catalog is complete
SELECT is_empty($$SELECT c.oid::regclass::text || '.' || a.attname
                    FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                   WHERE c.relnamespace = 'sqm'::regnamespace AND c.relkind IN ('r', 'p')
                     AND NOT EXISTS (SELECT FROM sqm.column_class k WHERE k.table_name = c.oid AND k.column_name = a.attname)$$,
                'every column of every table in schema sqm has a class');
SELECT is_empty($$SELECT k.table_name::text || '.' || k.column_name FROM sqm.column_class k
                   WHERE NOT EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = k.table_name AND a.attname = k.column_name
                                        AND a.attnum > 0 AND NOT a.attisdropped)$$,
                'no class is recorded for a column that does not exist');
SELECT cmp_ok((SELECT count(DISTINCT table_name) FROM sqm.column_class), '>=', 36::bigint,
              'the core''s and the kinds'' tables are all there');
SELECT is_empty($$SELECT k.kind || ': ' || c.table_name::text || '.' || c.column_name || ' (' || c.class || ')'
                    FROM sqm.lifecycle_kind k JOIN sqm.column_class c ON c.table_name = k.governed_table
                   WHERE c.class IN ('personal', 'free_text')$$,
                'no personal or free-text column remains on a case table');
SELECT is_empty($$SELECT k.kind || ': ' || c.table_name::text || '.' || c.column_name || ' (' || c.class || ')'
                    FROM sqm.lifecycle_kind k JOIN sqm.column_class c ON c.table_name = k.details_table
                   WHERE c.class NOT IN ('personal', 'free_text')
                     AND NOT (c.column_name IN ('org_id', 'id') AND c.class = 'internal')$$,
                'a details table holds its case''s key and personal data and free text only');
SELECT results_eq($$SELECT k.kind::text, k.details_table::text FROM sqm.lifecycle_kind k WHERE k.builtin ORDER BY k.kind COLLATE "C"$$,
                  $$VALUES ('complaint', 'sqm.complaint_detail'), ('data_incident', 'sqm.data_incident_detail'),
                           ('deviation', 'sqm.deviation_detail'), ('ivo_notification', 'sqm.ivo_notification_detail'),
                           ('lex_maja', 'sqm.lex_maja_detail'),
                           ('lex_sarah_investigation', 'sqm.lex_sarah_investigation_detail'),
                           ('lex_sarah_report', 'sqm.lex_sarah_report_detail'), ('measure', 'sqm.measure_detail'),
                           ('quality_report', 'sqm.quality_report_detail')$$,
                  'every kind keeps its personal data and free text in a details table');
SELECT is_empty($$SELECT k.kind FROM sqm.lifecycle_kind k
                   WHERE NOT EXISTS (SELECT FROM sqm.column_class c WHERE c.table_name = k.governed_table AND c.part = 'case' AND c.kind = k.kind)
                      OR NOT EXISTS (SELECT FROM sqm.column_class c WHERE c.table_name = k.details_table AND c.part = 'details' AND c.kind = k.kind)$$,
                'the classes say which tables are a kind''s cases and details');
SELECT results_eq($$SELECT (c.table_name::text || '.' || c.column_name::text) COLLATE "default", c.class FROM sqm.column_class c
                     WHERE c.class IN ('personal', 'free_text') AND c.part = 'details' ORDER BY c.table_name::text COLLATE "C", c.column_name COLLATE "C"$$,
                  $$VALUES ('sqm.complaint_detail.answer', 'free_text'), ('sqm.complaint_detail.answered_by', 'personal'),
                           ('sqm.complaint_detail.sender_name', 'personal'), ('sqm.complaint_detail.summary', 'free_text'),
                           ('sqm.complaint_detail.withdrawn_reason', 'free_text'),
                           ('sqm.data_incident_detail.action_plan', 'free_text'),
                           ('sqm.data_incident_detail.action_plan_responsible', 'personal'),
                           ('sqm.data_incident_detail.assessed_by', 'personal'), ('sqm.data_incident_detail.description', 'free_text'),
                           ('sqm.data_incident_detail.imy_late_reason', 'free_text'),
                           ('sqm.data_incident_detail.imy_reference', 'free_text'),
                           ('sqm.data_incident_detail.informing_exception', 'free_text'),
                           ('sqm.data_incident_detail.reported_by', 'personal'),
                           ('sqm.data_incident_detail.risk_justification', 'free_text'),
                           ('sqm.deviation_detail.description', 'free_text'),
                           ('sqm.deviation_detail.no_measure_reason', 'free_text'),
                           ('sqm.deviation_detail.no_new_measure_reason', 'free_text'),
                           ('sqm.deviation_detail.reported_by', 'personal'), ('sqm.deviation_detail.summary', 'free_text'),
                           ('sqm.deviation_detail.withdrawn_reason', 'free_text'),
                           ('sqm.ivo_notification_detail.contents', 'free_text'), ('sqm.ivo_notification_detail.decided_by', 'personal'),
                           ('sqm.ivo_notification_detail.withdrawn_reason', 'free_text'),
                           ('sqm.lex_maja_detail.reported_by', 'personal'), ('sqm.lex_maja_detail.reporter_title', 'personal'),
                           ('sqm.lex_maja_detail.summary', 'free_text'), ('sqm.lex_maja_detail.withdrawn_reason', 'free_text'),
                           ('sqm.lex_sarah_investigation_detail.early_position', 'free_text'),
                           ('sqm.lex_sarah_investigation_detail.seriousness_decided_by', 'personal'),
                           ('sqm.lex_sarah_report_detail.description', 'free_text'),
                           ('sqm.measure_detail.cancel_reason', 'free_text'), ('sqm.measure_detail.responsible', 'personal'),
                           ('sqm.measure_detail.title', 'free_text'),
                           ('sqm.quality_report_detail.analysis', 'free_text'), ('sqm.quality_report_detail.deciding_body', 'free_text'),
                           ('sqm.quality_report_detail.document_owner', 'free_text'), ('sqm.quality_report_detail.scope', 'free_text'),
                           ('sqm.quality_report_detail.subtitle', 'free_text'), ('sqm.quality_report_detail.summary', 'free_text'),
                           ('sqm.quality_report_detail.validity', 'free_text')$$,
                  'the personal data and free text of every kind''s cases');
SELECT is((SELECT count(*) FROM sqm.column_class WHERE NOT builtin), 0::bigint,
          'the extension''s own classes are builtin (not dumped: the script recreates them)');
SELECT is((SELECT array_agg(DISTINCT part ORDER BY part) FROM sqm.column_class WHERE table_name IN
             ('sqm.audit_event'::regclass, 'sqm.outbox'::regclass)), '{log}', 'the audit trail and the outbox are logs');

-- ---------------------------------------------------------------- sqm.classify refuses
CREATE TABLE sqm.tst_classified (a bigint, b text, c timestamptz);
SELECT throws_ok($$SELECT sqm.classify('sqm.tst_classified', '{"internal": ["a"], "free_text": ["b"]}')$$, '42P17',
                 'column "c" of table sqm.tst_classified has no class', 'a column without a class is refused, naming table and column');
SELECT throws_ok($$SELECT sqm.classify('sqm.tst_classified', '{"internal": ["a"], "secret": ["b"], "exact_time": ["c"]}')$$, '22023',
                 'unknown column class "secret" for table sqm.tst_classified', 'a class that does not exist is refused');
SELECT throws_ok($$SELECT sqm.classify('sqm.tst_classified', '{"internal": ["a", "d"], "free_text": ["b"], "exact_time": ["c"]}')$$, '42703',
                 'table sqm.tst_classified has no column "d" to classify', 'a column that does not exist is refused');
SELECT throws_ok($$SELECT sqm.classify('sqm.tst_classified', '{"internal": ["a", "b"], "free_text": ["b"], "exact_time": ["c"]}')$$, '42701',
                 'table sqm.tst_classified names column "b" (free_text, internal) more than once', 'a column with two classes is refused');
SELECT throws_ok($$SELECT sqm.classify('sqm.tst_classified', '["a", "b", "c"]')$$, '22023', NULL, 'classes are an object');
SELECT throws_ok($$SELECT sqm.classify('sqm.tst_classified', '{"internal": ["a", "b", "c"]}', 'nosuch')$$, '22023',
                 'unknown lifecycle kind "nosuch" for the classes of table sqm.tst_classified', 'an unknown kind is refused');
SELECT throws_ok($$SELECT sqm.classify('sqm.tst_classified', '{"internal": ["a", "b", "c"]}', NULL, 'misc')$$, '22023',
                 NULL, 'an unknown part is refused');
SELECT is((SELECT count(*) FROM sqm.column_class WHERE table_name = 'sqm.tst_classified'::regclass), 0::bigint,
          'a refused call records nothing');
SELECT lives_ok($$SELECT sqm.classify('sqm.tst_classified', '{"internal": ["a"], "free_text": ["b"], "exact_time": ["c"]}')$$,
                'a table classified in full is recorded');
ALTER TABLE sqm.tst_classified DROP COLUMN b;
SELECT sqm.classify('sqm.tst_classified', '{"internal": ["a"], "statistic": ["c"]}');
SELECT is((SELECT string_agg(column_name || ' ' || class || ' ' || builtin, ', ' ORDER BY column_name) FROM sqm.column_class
            WHERE table_name = 'sqm.tst_classified'::regclass), 'a internal false, c statistic false',
          'classifying again replaces the classes; a table outside the extension is not builtin');

SELECT * FROM finish();
ROLLBACK;
