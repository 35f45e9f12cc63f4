-- Install-script and API safety against search_path attacks (PostgreSQL docs,
-- "Security Considerations for Extensions"): hostile operators and functions
-- planted in a schema searched before pg_catalog are never called.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(41);

CREATE SCHEMA evil;
CREATE FUNCTION evil.trap(a anyelement, b anyelement) RETURNS boolean LANGUAGE plpgsql AS
  $$BEGIN RAISE EXCEPTION 'hostile operator called' USING ERRCODE = 'EV001'; END$$;
CREATE FUNCTION evil.trap(a bigint, b bigint) RETURNS boolean LANGUAGE sql AS $$SELECT evil.trap(a::text, b::text)$$;
CREATE FUNCTION evil.trap(a integer, b integer) RETURNS boolean LANGUAGE sql AS $$SELECT evil.trap(a::text, b::text)$$;
CREATE FUNCTION evil.trap(a text, b text) RETURNS boolean LANGUAGE sql AS $$SELECT evil.trap(a::bytea, b::bytea)$$;
CREATE FUNCTION evil.trap(a date, b date) RETURNS boolean LANGUAGE sql AS $$SELECT evil.trap(a::text, b::text)$$;
CREATE FUNCTION evil.trap(a daterange, b daterange) RETURNS boolean LANGUAGE sql AS $$SELECT evil.trap(a::text, b::text)$$;
CREATE FUNCTION evil.trap(a daterange, b date) RETURNS boolean LANGUAGE sql AS $$SELECT evil.trap(a::text, b::text)$$;
CREATE FUNCTION evil.trap1(anyelement) RETURNS text LANGUAGE plpgsql AS
  $$BEGIN RAISE EXCEPTION 'hostile function called' USING ERRCODE = 'EV001'; END$$;
CREATE OPERATOR evil.= (LEFTARG = bigint, RIGHTARG = bigint, FUNCTION = evil.trap);
CREATE OPERATOR evil.= (LEFTARG = text, RIGHTARG = text, FUNCTION = evil.trap);
CREATE OPERATOR evil.= (LEFTARG = integer, RIGHTARG = integer, FUNCTION = evil.trap);
CREATE OPERATOR evil.<> (LEFTARG = text, RIGHTARG = text, FUNCTION = evil.trap);
CREATE OPERATOR evil.<= (LEFTARG = date, RIGHTARG = date, FUNCTION = evil.trap);
CREATE OPERATOR evil.&& (LEFTARG = daterange, RIGHTARG = daterange, FUNCTION = evil.trap);
CREATE OPERATOR evil.@> (LEFTARG = daterange, RIGHTARG = date, FUNCTION = evil.trap);
CREATE FUNCTION evil.btrim(text) RETURNS text LANGUAGE sql AS $$SELECT evil.trap1($1)$$;
CREATE FUNCTION evil.lower(text) RETURNS text LANGUAGE sql AS $$SELECT evil.trap1($1)$$;
CREATE FUNCTION evil.set_config(text, text, boolean) RETURNS text LANGUAGE sql AS $$SELECT evil.trap1($1)$$;
CREATE FUNCTION evil.now() RETURNS timestamptz LANGUAGE sql AS $$SELECT evil.trap1(1)::timestamptz$$;
GRANT USAGE ON SCHEMA evil TO PUBLIC;

-- Run a statement with the hostile schema first on the search_path; 'ok' or
-- the error.  (pgTAP itself is not search_path-safe, so only the statement
-- under test runs with that path.)
CREATE FUNCTION pg_temp.hostile(q text) RETURNS text
LANGUAGE plpgsql SET search_path = evil, pg_catalog, public AS $$
BEGIN
    EXECUTE q;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

-- the hostile objects work where they are found
SELECT is(pg_temp.hostile($$SELECT 1::bigint = 1::bigint$$), 'EV001: hostile operator called', 'the planted = is found first');
SELECT is(pg_temp.hostile($$SELECT btrim('x')$$), 'EV001: hostile function called', 'the planted btrim is found first');

-- the install never calls them
SELECT is(pg_temp.hostile($$DROP EXTENSION sqm$$), 'ok', 'drop under a hostile search_path');
SELECT is(pg_temp.hostile($$CREATE EXTENSION sqm$$), 'ok', 'install under a hostile search_path');

-- nor does any API call
SET LOCAL sqm.frozen_now = '2025-03-03 10:00+01';
SELECT is(pg_temp.hostile($$SELECT sqm.create_organisation('Säker', 'SN')$$), 'ok', 'create_organisation');
SELECT org_id AS org FROM sqm.organisation WHERE name = 'Säker' \gset
SELECT is(pg_temp.hostile(format($$SELECT sqm.create_unit(%s, 'Förvaltning', 'administration', '2024-01-01')$$, :org)), 'ok', 'create_unit');
SELECT unit_id AS adm FROM sqm.unit_version WHERE org_id = :org \gset
SELECT is(pg_temp.hostile(format($$SELECT sqm.create_unit(%s, 'Enhet', 'unit', '2024-01-01', %s)$$, :org, :adm)), 'ok', 'create_unit with a parent');
SELECT unit_id AS u FROM sqm.unit_version WHERE org_id = :org AND name = 'Enhet' \gset
SELECT is(pg_temp.hostile(format($$SELECT sqm.rename_unit(%s, %s, 'Enheten', '2024-06-01')$$, :org, :u)), 'ok', 'rename_unit');
SELECT is(pg_temp.hostile(format($$SELECT sqm.add_deviation_type(%s, 'info', 'Information', 'Information', '2024-01-01')$$, :org)), 'ok', 'add_deviation_type');
SELECT is(pg_temp.hostile(format($$SELECT sqm.report_deviation(%s, %s, 'SoL', '2025-03-01', 'x', '{info}', '2025-03-02')$$, :org, :u)), 'ok', 'report_deviation');
SELECT id AS d FROM sqm.deviation WHERE org_id = :org \gset
SELECT is(pg_temp.hostile(format($$SELECT sqm.triage_deviation(%s, %s, 'reported', 'low')$$, :org, :d)), 'ok', 'triage_deviation');
SELECT is(pg_temp.hostile(format($$SELECT sqm.move_object('deviation', %s, %s, 'triaged', 'investigating')$$, :org, :d)), 'ok', 'move_object');
SELECT is(pg_temp.hostile(format($$SELECT sqm.record_deviation_summary(%s, %s, 'investigating', 'Utrett')$$, :org, :d)), 'ok', 'record_deviation_summary');
SELECT is(pg_temp.hostile(format($$SELECT sqm.plan_measure(%s, 'deviation', %s, 'Åtgärd', 'chef', '2025-04-01', '2025-05-01')$$, :org, :d)), 'ok', 'plan_measure');
SELECT id AS m FROM sqm.measure WHERE org_id = :org \gset
SELECT is(pg_temp.hostile(format($$SELECT sqm.move_object('measure', %s, %s, 'planned', 'in_progress')$$, :org, :m)), 'ok', 'move_object (measure)');
SELECT is(pg_temp.hostile(format($$SELECT sqm.complete_measure(%s, %s, 'in_progress')$$, :org, :m)), 'ok', 'complete_measure');
SELECT is(pg_temp.hostile(format($$SELECT sqm.evaluate_measure(%s, %s, 'done', 'yes')$$, :org, :m)), 'ok', 'evaluate_measure');
SELECT is(pg_temp.hostile(format($$SELECT sqm.move_object('deviation', %s, %s, 'investigating', 'measures_decided')$$, :org, :d)), 'ok', 'measures decided (guard)');
SELECT is(pg_temp.hostile(format($$SELECT sqm.move_object('deviation', %s, %s, 'measures_decided', 'measures_done')$$, :org, :d)), 'ok', 'measures done (guard)');
SELECT is(pg_temp.hostile(format($$SELECT sqm.move_object('deviation', %s, %s, 'measures_done', 'followed_up')$$, :org, :d)), 'ok', 'followed up (guard)');
SELECT is(pg_temp.hostile(format($$SELECT sqm.close_deviation(%s, %s, 'followed_up')$$, :org, :d)), 'ok', 'close_deviation (guard)');
SELECT is(pg_temp.hostile(format($$SELECT * FROM sqm.deviations_per_unit(%s, '2025')$$, :org)), 'ok', 'deviations_per_unit');
SELECT is(pg_temp.hostile(format($$SELECT * FROM sqm.deviation_status_at(%s, '2025', '2025-12-31')$$, :org)), 'ok', 'deviation_status_at');
SELECT is(pg_temp.hostile($$SELECT * FROM sqm.verify_audit()$$), 'ok', 'verify_audit');
-- lex Sarah, deadlines and their statistics
SELECT is(pg_temp.hostile(format($$SELECT sqm.report_lex_sarah(%s, %s, 'SoL', '2025-03-01', 'x', 'Personal', 'titel', '2025-03-02')$$, :org, :u)),
          'ok', 'report_lex_sarah');
SELECT id AS r FROM sqm.lex_sarah_report WHERE org_id = :org \gset
SELECT is(pg_temp.hostile(format($$SELECT sqm.open_lex_sarah_investigation(%s, %s, ARRAY[%s]::bigint[], '2025-03-02 12:00+01')$$, :org, :u, :r)),
          'ok', 'open_lex_sarah_investigation');
SELECT id AS inv FROM sqm.lex_sarah_investigation WHERE org_id = :org \gset
SELECT is(pg_temp.hostile(format($$SELECT sqm.start_lex_sarah_investigation(%s, %s, 'opened')$$, :org, :inv)), 'ok', 'start_lex_sarah_investigation');
SELECT is(pg_temp.hostile(format($$SELECT sqm.record_lex_sarah(%s, %s, 'causes', 'x', 'intervju', 'assessment', 'A', 'utredare')$$, :org, :inv)),
          'ok', 'record_lex_sarah');
SELECT is(pg_temp.hostile(format($$SELECT sqm.assess_lex_sarah(%s, %s, 'under_investigation', 'impropriety')$$, :org, :inv)),
          'ok', 'assess_lex_sarah');
SELECT is(left(pg_temp.hostile(format($$SELECT sqm.complete_lex_sarah(%s, %s, 'assessed')$$, :org, :inv)), 5), 'SQ002',
          'the completion guard runs under a hostile search_path and refuses on its own grounds (records missing)');
SELECT is(pg_temp.hostile(format($$SELECT * FROM sqm.lex_sarah_per_unit(%s, '2025')$$, :org)), 'ok', 'lex_sarah_per_unit');
-- (the statement's own = would be the planted one: it says OPERATOR(pg_catalog.=))
SELECT is(pg_temp.hostile(format($$SELECT * FROM %s WHERE org_id OPERATOR(pg_catalog.=) %s AND period OPERATOR(pg_catalog.=) '2025'$$, v, :org)),
          'ok', format('statistics view %s', v))
  FROM unnest(ARRAY['sqm.stat_deviation_per_unit', 'sqm.stat_deviation_status', 'sqm.stat_lex_sarah_per_unit_total',
                    'sqm.stat_ivo_answer']) v;
SELECT is(pg_temp.hostile(format($$SELECT * FROM sqm.obligations(%s)$$, :org)), 'ok', 'obligations');
SELECT is(pg_temp.hostile($$SELECT sqm.sweep()$$), 'ok', 'sweep');
-- a direct writer meets the same C row checks, whatever their search_path
SELECT is(left(pg_temp.hostile(format($$INSERT INTO sqm.deviation (org_id, state, unit_id, regime, happened_at, reported_at, types)
                                         VALUES (%s, 'reported', %s, 'SoL', '2025-03-01', '2025-03-02', '{okand}')$$, :org, :u)), 5),
          '23503', 'the deviation row check runs under a hostile search_path and refuses on its own grounds (an unknown type)');
SELECT is(left(pg_temp.hostile(format($$INSERT INTO sqm.measure (org_id, state, unit_id, source_kind, source_id, due_on, follow_up_on)
                                         VALUES (%s, 'planned', %s, 'deviation', %s, '2025-04-01', '2025-05-01')$$, :org, :u, :d)), 5),
          'SQ004', 'the measure row check runs under a hostile search_path (no measure for the closed deviation)');
SELECT is(left(pg_temp.hostile(format($$UPDATE sqm.lex_sarah_investigation SET themes = '{okand}' WHERE org_id = %s AND id = %s$$, :org, :inv)), 5),
          '23503', 'the investigation row check runs under a hostile search_path (an unknown theme)');
SELECT is(left(pg_temp.hostile(format($$INSERT INTO sqm.lex_sarah_record (org_id, investigation_id, item, content, recorded_at, source, nature,
                                             recorded_by_name, recorded_by_title, entered_at, entered_by)
                                         VALUES (%s, %s, 'gossip', 'x', '2025-03-02', 'y', 'fact', 'A', 'B', '2025-03-02', 'z')$$, :org, :inv)), 5),
          '23503', 'the record row check runs under a hostile search_path (an unknown item)');

SELECT * FROM finish();
ROLLBACK;
