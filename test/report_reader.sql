-- The report reader (domain.md §5: statistics only, no personal data): every
-- column of every table and view in schema sqm the role can read is of class
-- statistic or internal (sqm.column_class) — none of class personal,
-- free_text, exact_time or registry_number, and none without a class —
-- because its grants are derived from the classes (sqm.report_reader_grants),
-- whoever states them.  It reads every statistics view whole.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(18);

SET LOCAL sqm.frozen_now = '2025-06-01 10:00+02';
SELECT sqm.create_roles() \g /dev/null
SELECT sqm.create_organisation('Läsare', 'SN') AS org \gset
SELECT sqm.create_unit(:org, 'Förvaltningen', 'administration', '2024-01-01') AS adm \gset
SELECT sqm.create_unit(:org, 'Enhet', 'unit', '2024-01-01', :adm) AS u \gset
SELECT sqm.add_deviation_type(:org, 'info', 'Information', 'Information', '2024-01-01');
SELECT sqm.report_deviation(:org, :u, 'SoL', '2025-05-01', 'Namn Namnsson fick fel dos', '{info}', '2025-05-02') AS d \gset
SELECT sqm.add_closed_day(:org, '2025-06-06', 'Personalfest hos Anna');
CREATE ROLE tst_rr_reader IN ROLE sqm_report_reader;
SELECT sqm.grant_membership(:org, 'tst_rr_reader', 'report_reader');

-- What the role may read: the columns of sqm's tables and views it has SELECT on.
CREATE TEMP VIEW readable AS
SELECT c.oid::regclass AS rel, c.relkind, a.attname, cc.class
  FROM pg_class c
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  LEFT JOIN sqm.column_class cc ON cc.table_name = c.oid AND cc.column_name = a.attname
 WHERE c.relnamespace = 'sqm'::regnamespace AND c.relkind IN ('r', 'v', 'm', 'p', 'f')
   AND has_column_privilege('sqm_report_reader', c.oid, a.attnum, 'SELECT');

SELECT is((SELECT string_agg(format('%s.%s (%s)', rel, attname, class), ', ' ORDER BY rel::text, attname)
             FROM readable WHERE class IN ('personal', 'free_text', 'exact_time', 'registry_number')), NULL,
          'the report reader reads no column of class personal, free text, exact time or registry number');
SELECT is((SELECT string_agg(format('%s.%s', rel, attname), ', ' ORDER BY rel::text, attname)
             FROM readable WHERE class IS NULL), NULL,
          'nor any column without a class');
SELECT ok((SELECT count(DISTINCT rel) FROM readable) >= (SELECT count(*) FROM sqm.stat_view), 'the walk saw the views it reads');
SELECT is((SELECT string_agg(v.view_name::text, ', ') FROM sqm.stat_view v
             JOIN pg_attribute a ON a.attrelid = v.view_name AND a.attnum > 0
            WHERE NOT has_column_privilege('sqm_report_reader', v.view_name, a.attnum, 'SELECT')), NULL,
          'every column of every statistics view is readable: SELECT * works');
SELECT is((SELECT string_agg(v.view_name::text, ', ') FROM sqm.stat_view v
            WHERE NOT has_table_privilege('sqm_unit_manager', v.view_name, 'SELECT')), NULL,
          'the other readers get the statistics views too');

-- the examples the issue names
SELECT is((SELECT count(*) FROM readable WHERE rel = 'sqm.membership'::regclass), 0::bigint, 'no column of sqm.membership');
SELECT is((SELECT string_agg(attname, ', ' ORDER BY attname) FROM readable WHERE rel = 'sqm.closed_day'::regclass),
          'day, org_id', 'of the closed days, not the reason (free text)');
SELECT is((SELECT count(*) FROM readable WHERE rel = 'sqm.deviation'::regclass AND attname IN ('reported_at', 'happened_at', 'closed_at')),
          0::bigint, 'no exact report time');
SELECT is((SELECT count(*) FROM readable WHERE rel = 'sqm.ivo_notification'::regclass AND attname = 'regnr'), 0::bigint,
          'no registry number of an IVO notification');
SELECT ok((SELECT count(*) FROM readable WHERE rel = 'sqm.deviation'::regclass AND attname IN ('reported_on', 'unit_id', 'types')) = 3,
          'but the day of the report, its unit and types');

-- the derivation holds for any grant, whoever states it
SELECT sqm.grant_privilege('test', 'SELECT (reported_at, reported_on) ON sqm.deviation, sqm.deviation_detail', '{report_reader}');
SELECT is(has_column_privilege('sqm_report_reader', 'sqm.deviation', 'reported_at', 'SELECT'), false,
          'a grant of an exact time to the report reader gives nothing');
SELECT is((SELECT count(*) FROM readable WHERE rel = 'sqm.deviation_detail'::regclass), 0::bigint,
          'nor does a grant of a details table');
CREATE VIEW sqm.tst_unclassified WITH (security_invoker = true) AS SELECT d.org_id, d.reported_at FROM sqm.deviation d;
SELECT sqm.grant_privilege('test', 'SELECT ON sqm.tst_unclassified', '{readers}');
SELECT is((SELECT count(*) FROM readable WHERE rel = 'sqm.tst_unclassified'::regclass), 0::bigint,
          'a view without classes gives the report reader nothing');
SELECT is(has_table_privilege('sqm_auditor', 'sqm.tst_unclassified', 'SELECT'), true, 'while the other readers get it');

-- reading as the role
CREATE FUNCTION pg_temp.as_reader(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE v text;
BEGIN
    SET LOCAL ROLE tst_rr_reader;
    BEGIN
        EXECUTE q INTO v;
    EXCEPTION WHEN OTHERS THEN
        RESET ROLE;
        RETURN SQLSTATE;
    END;
    RESET ROLE;
    RETURN v;
END $$;
SELECT is((SELECT string_agg(v.view_name::text, ', ') FROM sqm.stat_view v
            WHERE pg_temp.as_reader(format('SELECT count(*) FROM (SELECT * FROM %s WHERE org_id = %s AND period = ''2025'') x',
                                           v.view_name, :org)) !~ '^[0-9]+$'), NULL,
          'the report reader selects every column of every statistics view');
SELECT is(pg_temp.as_reader(format($$SELECT reports FROM sqm.stat_deviation_summary
                                     WHERE org_id = %s AND period = '2025' AND regime_group = 'SoL/LSS'$$, :org)), '1',
          'and counts the report');
SELECT is(pg_temp.as_reader(format('SELECT reported_at FROM sqm.deviation WHERE org_id = %s', :org)), '42501',
          'but cannot read when it was reported');
SELECT is(pg_temp.as_reader(format('SELECT count(*) FROM sqm.deviations_per_unit(%s, ''2025'')', :org)), '1',
          'the functions for parameters work for it too (its one unit)');

SELECT * FROM finish();
ROLLBACK;
