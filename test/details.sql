-- Details tables of the kinds (doc/core.md): who sees them, and their rules
-- for every writer — the API and a superuser writing directly.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(47);

SET LOCAL sqm.frozen_now = '2025-03-03 10:00+01';
SELECT sqm.create_roles() \g /dev/null
SELECT sqm.create_organisation('A', 'SN') AS a \gset
SELECT sqm.create_unit(:a, 'Förvaltning', 'administration', '2024-01-01') AS adm \gset
SELECT sqm.create_unit(:a, 'Enhet A1', 'unit', '2024-01-01', :adm) AS a1 \gset
SELECT sqm.create_unit(:a, 'Enhet A2', 'unit', '2024-01-01', :adm) AS a2 \gset
SELECT sqm.add_deviation_type(:a, 'info', 'Information', 'Information', '2024-01-01');

CREATE ROLE tdt_reporter IN ROLE sqm_reporter;
CREATE ROLE tdt_reporter2 IN ROLE sqm_reporter;
CREATE ROLE tdt_manager IN ROLE sqm_unit_manager;
CREATE ROLE tdt_investigator IN ROLE sqm_investigator;
CREATE ROLE tdt_coordinator IN ROLE sqm_quality_coordinator;
CREATE ROLE tdt_auditor IN ROLE sqm_auditor;
CREATE ROLE tdt_reader IN ROLE sqm_report_reader;
SELECT sqm.grant_membership(:a, 'tdt_reporter', 'reporter', :a1);
SELECT sqm.grant_membership(:a, 'tdt_reporter2', 'reporter', :a1);
SELECT sqm.grant_membership(:a, 'tdt_manager', 'unit_manager', :a1);
SELECT sqm.grant_membership(:a, 'tdt_investigator', 'investigator', :a1);
SELECT sqm.grant_membership(:a, 'tdt_coordinator', 'quality_coordinator');
SELECT sqm.grant_membership(:a, 'tdt_auditor', 'auditor');
SELECT sqm.grant_membership(:a, 'tdt_reader', 'report_reader');

-- A value as seen by a role, or the SQLSTATE it failed with.
CREATE FUNCTION pg_temp.as_role(r text, q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE v text;
BEGIN
    EXECUTE format('SET LOCAL ROLE %I', r);
    BEGIN
        EXECUTE q INTO v;
    EXCEPTION WHEN OTHERS THEN
        RESET ROLE;
        RETURN SQLSTATE;
    END;
    RESET ROLE;
    RETURN v;
END $$;

-- Two deviations of A1 (one by the reporter), one of A2, a measure of each
-- unit, lex Sarah cases of A1.
SET LOCAL ROLE tdt_reporter;
SELECT sqm.report_deviation(:a, :a1, 'SoL', '2025-03-01', 'Min egen rapport', '{info}', '2025-03-02') AS own \gset
RESET ROLE;
SELECT sqm.report_deviation(:a, :a1, 'SoL', '2025-03-01', 'En annans rapport', '{info}', '2025-03-02') AS other1 \gset
SELECT sqm.report_deviation(:a, :a2, 'SoL', '2025-03-01', 'Rapport i A2', '{info}', '2025-03-02') AS other2 \gset
SELECT sqm.triage_deviation(:a, :other1, 'reported', 'low');
SELECT sqm.plan_measure(:a, 'deviation', :other1, 'Utbildning', 'Enhetschefen', '2025-04-01', '2025-05-01') AS m1 \gset
SELECT sqm.triage_deviation(:a, :other2, 'reported', 'low');
SELECT sqm.plan_measure(:a, 'deviation', :other2, 'Ny rutin', 'Enhetschefen', '2025-04-01', '2025-05-01') AS m2 \gset
SELECT sqm.report_lex_sarah(:a, :a1, 'SoL', '2025-03-01', 'Brukaren föll', 'Anna', 'Undersköterska', '2025-03-02') AS ls \gset
SELECT sqm.open_lex_sarah_investigation(:a, :a1, ARRAY[:ls]) AS inv \gset

-- ---------------------------------------------------------------- who sees the details
SELECT is(pg_temp.as_role('tdt_reader', format('SELECT count(*) FROM %s', t)), '42501',
          format('a report reader sees no row of %s', t))
  FROM unnest(ARRAY['sqm.deviation_detail', 'sqm.measure_detail', 'sqm.lex_sarah_report_detail',
                    'sqm.lex_sarah_investigation_detail', 'sqm.ivo_notification_detail']) t;
SELECT is(pg_temp.as_role('tdt_reader', format('SELECT count(*) FROM sqm.deviation WHERE org_id = %s', :a)), '3',
          'while the statistics count every case');
SELECT is(pg_temp.as_role('tdt_auditor', 'SELECT count(*) FROM sqm.deviation_detail'), '42501',
          'an auditor (a member without read_cases) sees no details row');
SELECT is(pg_temp.as_role('tdt_reporter', format('SELECT string_agg(description, '', '') FROM sqm.deviation_detail WHERE org_id = %s', :a)),
          'Min egen rapport', 'a reporter (a unit member without read_cases) sees the details of their own report only');
SELECT is(pg_temp.as_role('tdt_reporter', format('SELECT string_agg(id::text, '','') FROM sqm.deviation WHERE org_id = %s', :a)),
          :own::text, 'and of the cases, their own report only');
SELECT is(pg_temp.as_role('tdt_reporter2', format('SELECT count(*) FROM sqm.deviation_detail WHERE org_id = %s', :a)), '0',
          'another reporter of the same unit sees no details row');
SELECT is(pg_temp.as_role('tdt_reporter2', format('SELECT count(*) FROM sqm.deviation WHERE org_id = %s', :a)), '0',
          'nor the case');
-- their own report, while they may still report for its unit (the
-- capability of the kind's create action, from the organisation's
-- delegation order): withdrawn, they see it no more
SELECT sqm.set_delegation(:a, 'reporter', 'report', false) \g /dev/null
SELECT is(pg_temp.as_role('tdt_reporter', format('SELECT count(*) FROM sqm.deviation WHERE org_id = %s', :a))
          || ' ' || pg_temp.as_role('tdt_reporter', format('SELECT count(*) FROM sqm.deviation_detail WHERE org_id = %s', :a)),
          '0 0', 'a reporter who may no longer report for the unit sees neither their report nor its details');
SELECT sqm.set_delegation(:a, 'reporter', 'report', true) \g /dev/null
SELECT is(pg_temp.as_role('tdt_reporter', format('SELECT count(*) FROM sqm.deviation WHERE org_id = %s', :a)), '1',
          'given it back, they see their report again');
-- and for the report's unit: moved to unit A2, where they report now, they
-- no longer see their report of A1
SELECT sqm.revoke_membership(:a, 'tdt_reporter', 'reporter', :a1) \g /dev/null
SELECT sqm.grant_membership(:a, 'tdt_reporter', 'reporter', :a2) \g /dev/null
SELECT is(pg_temp.as_role('tdt_reporter', format('SELECT count(*) FROM sqm.deviation WHERE org_id = %s', :a))
          || ' ' || pg_temp.as_role('tdt_reporter', format('SELECT count(*) FROM sqm.deviation_detail WHERE org_id = %s', :a)),
          '0 0', 'a reporter who now reports for another unit no longer sees their report of the old one');
SELECT sqm.revoke_membership(:a, 'tdt_reporter', 'reporter', :a2) \g /dev/null
SELECT sqm.grant_membership(:a, 'tdt_reporter', 'reporter', :a1) \g /dev/null
SELECT is(pg_temp.as_role('tdt_reporter', 'SELECT count(*) FROM sqm.measure_detail'), '0', 'a reporter sees no measure''s details');
SELECT is(pg_temp.as_role('tdt_manager', format('SELECT string_agg(description, '', '' ORDER BY id) FROM sqm.deviation_detail WHERE org_id = %s', :a)),
          'Min egen rapport, En annans rapport', 'a unit manager (read_cases for A1) sees the details of A1''s deviations, not A2''s');
SELECT is(pg_temp.as_role('tdt_manager', format('SELECT string_agg(title, '', '') FROM sqm.measure_detail WHERE org_id = %s', :a)),
          'Utbildning', 'and of A1''s measures');
SELECT is(pg_temp.as_role('tdt_manager', 'SELECT count(*) FROM sqm.lex_sarah_report_detail'), '42501',
          'a unit manager does not read what a lex Sarah report says');
SELECT is(pg_temp.as_role('tdt_investigator', format('SELECT description FROM sqm.lex_sarah_report_detail WHERE id = %s', :ls)),
          'Brukaren föll', 'an investigator with read_cases for A1 does');
SELECT is(pg_temp.as_role('tdt_coordinator', format('SELECT count(*) FROM sqm.deviation_detail WHERE org_id = %s', :a)), '3',
          'a quality coordinator sees every details row of the organisation');
SELECT is(pg_temp.as_role('tdt_coordinator', format('SELECT count(*) FROM sqm.lex_sarah_investigation_detail WHERE id = %s', :inv)), '1',
          'every case has its details row, even with nothing written yet');

-- ---------------------------------------------------------------- the API writes details first
SELECT throws_ok(format($$SELECT sqm.withdraw_deviation(%s, %s, 'reported', ' ')$$, :a, :own), 'SQ002',
                 format('deviation %s cannot move from "reported" to "withdrawn" without withdrawn_reason', :own),
                 'a move requiring a details column is refused when it is empty (API)');
SELECT lives_ok(format($$SELECT sqm.withdraw_deviation(%s, %s, 'reported', 'Dubblett')$$, :a, :own),
                'and passes when set (API)');
SELECT is((SELECT (state, withdrawn_reason)::text FROM sqm.deviation JOIN sqm.deviation_detail USING (org_id, id) WHERE id = :own),
          '(withdrawn,Dubblett)', 'the reason is in the details row');
SELECT is((SELECT string_agg(change || coalesce(':' || to_state, ''), ' ' ORDER BY seq) FROM sqm.audit_event WHERE object_kind = 'deviation' AND object_id = :own),
          'create:reported edit edit move:withdrawn', 'the audit trail shows the details as edits of the deviation, before its move');
SELECT results_eq(format($$SELECT after FROM sqm.audit_trail WHERE object_id = %s AND change = 'edit' ORDER BY seq$$, :own),
                  $$VALUES ('{"description": "Min egen rapport", "reported_by": "tdt_reporter"}'::jsonb),
                           ('{"withdrawn_reason": "Dubblett"}'::jsonb)$$,
                  'with what was written');
SELECT throws_ok(format($$SELECT sqm.cancel_measure(%s, %s, 'planned', NULL)$$, :a, :m1), 'SQ002',
                 format('measure %s cannot move from "planned" to "cancelled" without cancel_reason', :m1),
                 'a measure is cancelled only with its reason');

-- ---------------------------------------------------------------- direct writes, as a superuser
SELECT throws_ok(format($$UPDATE sqm.deviation SET state = 'withdrawn' WHERE id = %s$$, :other1), 'SQ002',
                 format('deviation %s cannot move from "triaged" to "withdrawn" without withdrawn_reason', :other1),
                 'a move requiring a details column is refused when it is NULL (direct UPDATE)');
UPDATE sqm.deviation_detail SET withdrawn_reason = 'Fel enhet' WHERE id = :other1;
SELECT lives_ok(format($$UPDATE sqm.deviation SET state = 'withdrawn' WHERE id = %s$$, :other1),
                'and passes once the details row has it (direct UPDATE)');
SELECT throws_ok(format($$UPDATE sqm.deviation_detail SET description = 'Ändrad' WHERE id = %s$$, :own), 'SQ004',
                 format('deviation %s is in terminal state "withdrawn" and cannot be changed', :own),
                 'the details of a withdrawn deviation are not edited');
SELECT throws_ok(format($$DELETE FROM sqm.deviation_detail WHERE id = %s$$, :other2), '55000',
                 format('the details of deviation %s cannot be deleted', :other2), 'details are never deleted');
SELECT throws_ok('TRUNCATE sqm.measure_detail', '55000', NULL, 'nor truncated');
SELECT throws_ok(format($$UPDATE sqm.deviation_detail SET id = 0 WHERE id = %s$$, :other2), '55000', NULL,
                 'details keep their case');
SELECT lives_ok(format($$UPDATE sqm.deviation_detail SET description = 'Rättad beskrivning' WHERE id = %s$$, :other2),
                'the details of an open case are edited');
SELECT throws_ok(format($$UPDATE sqm.deviation_detail SET description = '  ' WHERE id = %s$$, :other2), '23514', NULL,
                 'blank text is never stored');
SELECT sqm.cancel_measure(:a, :m2, 'planned', 'Ersatt');
SELECT throws_ok(format($$UPDATE sqm.measure_detail SET title = 'Ändrad' WHERE id = %s$$, :m2), 'SQ004', NULL,
                 'the details of a cancelled measure are not edited');

SAVEPOINT missing;
INSERT INTO sqm.deviation (org_id, state, unit_id, regime, happened_at, reported_at, types)
VALUES (:a, 'reported', :a1, 'SoL', '2025-03-01', '2025-03-02', '{info}');
SELECT throws_ok('SET CONSTRAINTS sqm.details_present IMMEDIATE', '23503', NULL, 'a deviation without a details row is refused at commit');
ROLLBACK TO SAVEPOINT missing;
SET CONSTRAINTS sqm.details_present DEFERRED;
SAVEPOINT missing;
INSERT INTO sqm.measure (org_id, state, unit_id, source_kind, source_id, due_on, follow_up_on)
VALUES (:a, 'planned', :a1, 'deviation', :other2, '2025-04-01', '2025-05-01');
SELECT throws_ok('SET CONSTRAINTS sqm.details_present IMMEDIATE', '23503', NULL, 'so is a measure');
ROLLBACK TO SAVEPOINT missing;
SET CONSTRAINTS sqm.details_present DEFERRED;
SAVEPOINT missing;
WITH d AS (INSERT INTO sqm.deviation (org_id, state, unit_id, regime, happened_at, reported_at, types)
           VALUES (:a, 'reported', :a1, 'SoL', '2025-03-01', '2025-03-02', '{info}') RETURNING org_id, id)
INSERT INTO sqm.deviation_detail (org_id, id, reported_by, description) SELECT org_id, id, 'direkt', 'Direkt inskriven' FROM d;
SELECT lives_ok('SET CONSTRAINTS sqm.details_present IMMEDIATE', 'with its details row a direct insert commits');
ROLLBACK TO SAVEPOINT missing;
SET CONSTRAINTS sqm.details_present DEFERRED;

-- ---------------------------------------------------------------- lex Sarah
SELECT sqm.start_lex_sarah_investigation(:a, :inv, 'opened');
SELECT throws_ok(format($$UPDATE sqm.lex_sarah_investigation SET state = 'closed', closed_at = now(), outcome = 'no_impropriety' WHERE id = %s$$, :inv),
                 'SQ002', format('lex Sarah investigation %s cannot be closed early: no position is documented', :inv),
                 'the early-close guard reads the position from the details row (direct UPDATE)');
UPDATE sqm.lex_sarah_investigation_detail SET early_position = 'Inget missförhållande' WHERE id = :inv;
SELECT lives_ok(format($$UPDATE sqm.lex_sarah_investigation SET state = 'closed', closed_at = now(), outcome = 'no_impropriety' WHERE id = %s$$, :inv),
                'and passes once it is there');
SELECT throws_ok(format($$UPDATE sqm.lex_sarah_investigation_detail SET early_position = 'Ändrad' WHERE id = %s$$, :inv), 'SQ004', NULL,
                 'a closed investigation''s position is final');
SELECT throws_ok(format($$UPDATE sqm.lex_sarah_report_detail SET description = 'Ändrad' WHERE id = %s$$, :ls), 'SQ004', NULL,
                 'an assigned report''s description is final');

-- ---------------------------------------------------------------- the deviation guards read the details
SELECT sqm.report_deviation(:a, :a1, 'SoL', '2025-03-01', 'Att utreda', '{info}', '2025-03-02') AS d3 \gset
SELECT sqm.triage_deviation(:a, :d3, 'reported', 'low');
SELECT sqm.move_object('deviation', :a, :d3, 'triaged', 'investigating');
SELECT throws_ok(format($$UPDATE sqm.deviation SET state = 'closed', closed_at = now() WHERE id = %s$$, :d3), 'SQ002',
                 format('deviation %s cannot be closed: the investigation summary is missing', :d3),
                 'closing without a summary in the details is refused (direct UPDATE)');
UPDATE sqm.deviation_detail SET summary = 'Utrett' WHERE id = :d3;
SELECT throws_ok(format($$UPDATE sqm.deviation SET state = 'closed', closed_at = now() WHERE id = %s$$, :d3), 'SQ002',
                 format('deviation %s cannot be closed: no measure was carried out and no reason says none is needed', :d3),
                 'with the summary, the guard wants a measure or a reason');
UPDATE sqm.deviation_detail SET no_measure_reason = 'Rättat direkt' WHERE id = :d3;
SELECT lives_ok(format($$UPDATE sqm.deviation SET state = 'closed', closed_at = now() WHERE id = %s$$, :d3),
                'with both in the details it closes');
SELECT is((SELECT ok FROM sqm.verify_audit(:a)), true, 'the audit chain verifies');

SELECT * FROM finish();
ROLLBACK;
