-- Access control (domain.md §5): roles, membership, RLS, and no direct writes.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(83);

SET LOCAL sqm.frozen_now = '2025-03-03 10:00+01';
SELECT sqm.create_roles();
SELECT sqm.create_roles();
SELECT pass('sqm.create_roles() can run twice');

-- Two organisations, A and B, each with a unit; people with roles in them.
SELECT sqm.create_organisation('A', 'SN') AS a \gset
SELECT sqm.create_organisation('B', 'SN') AS b \gset
SELECT sqm.create_unit(:a, 'Förvaltning A', 'administration', '2024-01-01') AS a_adm \gset
SELECT sqm.create_unit(:a, 'Enhet A1', 'unit', '2024-01-01', :a_adm) AS a1 \gset
SELECT sqm.create_unit(:a, 'Enhet A2', 'unit', '2024-01-01', :a_adm) AS a2 \gset
SELECT sqm.create_unit(:b, 'Förvaltning B', 'administration', '2024-01-01') AS b_adm \gset
SELECT sqm.create_unit(:b, 'Enhet B1', 'unit', '2024-01-01', :b_adm) AS b1 \gset
SELECT sqm.add_deviation_type(org, 'info', 'Information', 'Information', '2024-01-01') FROM unnest(ARRAY[:a, :b]::bigint[]) org;

CREATE ROLE tst_reporter_a1 IN ROLE sqm_reporter;
CREATE ROLE tst_manager_a1 IN ROLE sqm_unit_manager;
CREATE ROLE tst_coordinator_a IN ROLE sqm_quality_coordinator;
CREATE ROLE tst_coordinator_b IN ROLE sqm_quality_coordinator;
CREATE ROLE tst_auditor_a IN ROLE sqm_auditor;
CREATE ROLE tst_reader_a IN ROLE sqm_report_reader;
CREATE ROLE tst_app IN ROLE sqm_app, sqm_unit_manager;
CREATE ROLE tst_outsider;
SELECT sqm.grant_membership(:a, 'tst_reporter_a1', 'reporter', :a1);
SELECT sqm.grant_membership(:a, 'tst_manager_a1', 'unit_manager', :a1);
SELECT sqm.grant_membership(:a, 'tst_coordinator_a', 'quality_coordinator');
SELECT sqm.grant_membership(:b, 'tst_coordinator_b', 'quality_coordinator');
SELECT sqm.grant_membership(:a, 'tst_auditor_a', 'auditor');
SELECT sqm.grant_membership(:a, 'tst_reader_a', 'report_reader');
SELECT sqm.grant_membership(:a, 'anna', 'unit_manager', :a2, true);

-- Run a statement as a role; return 'ok' or the SQLSTATE it failed with.
CREATE FUNCTION pg_temp.as_role(r text, q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('SET LOCAL ROLE %I', r);
    BEGIN
        EXECUTE q;
    EXCEPTION WHEN OTHERS THEN
        RESET ROLE;
        RETURN SQLSTATE;
    END;
    RESET ROLE;
    RETURN 'ok';
END $$;
-- A count as seen by a role.
CREATE FUNCTION pg_temp.count_as(r text, q text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
    EXECUTE format('SET LOCAL ROLE %I', r);
    EXECUTE q INTO n;
    RESET ROLE;
    RETURN n;
END $$;

-- Data in both organisations, made as superuser through the API.
SELECT sqm.report_deviation(:a, :a1, 'SoL', '2025-03-01', 'A1 händelse', '{info}', '2025-03-02') AS dev_a1 \gset
SELECT sqm.report_deviation(:a, :a2, 'SoL', '2025-03-01', 'A2 händelse', '{info}', '2025-03-02') AS dev_a2 \gset
SELECT sqm.report_deviation(:b, :b1, 'SoL', '2025-03-01', 'B1 händelse', '{info}', '2025-03-02') AS dev_b1 \gset
SELECT sqm.triage_deviation(:b, :dev_b1, 'reported', 'low');
SELECT sqm.plan_measure(:b, 'deviation', :dev_b1, 'Åtgärd B', 'chef', '2025-04-01', '2025-05-01') AS mea_b1 \gset

-- ------------------------------------------------------------ no direct writes
SELECT is(pg_temp.as_role(r, format(q, :a, :a1, :dev_a1)), '42501', format('%s: %s is refused (42501)', r, left(q, 30)))
  FROM unnest(ARRAY['tst_reporter_a1', 'tst_manager_a1', 'tst_coordinator_a', 'tst_auditor_a', 'tst_reader_a', 'tst_app']) r,
       unnest(ARRAY[$$INSERT INTO sqm.deviation (org_id, state, unit_id, regime, happened_at, reported_at, types) VALUES (%s, 'reported', %s, 'SoL', now(), now(), '{info}') -- %s$$,
                    $$UPDATE sqm.deviation SET state = 'closed' WHERE org_id = %s AND unit_id = %s AND id = %s$$,
                    $$DELETE FROM sqm.deviation WHERE org_id = %s AND unit_id = %s AND id = %s$$,
                    $$TRUNCATE sqm.deviation -- %s %s %s$$]) q;
SELECT is(pg_temp.as_role('tst_coordinator_a', format($$UPDATE sqm.measure SET state = 'cancelled' WHERE org_id = %s$$, :a)),
          '42501', 'a coordinator cannot update measures directly');
SELECT is(pg_temp.as_role('tst_auditor_a', $$UPDATE sqm.audit_event SET reason = 'x'$$), '42501', 'an auditor cannot update the audit trail');
SELECT is(pg_temp.as_role('tst_coordinator_a', $$DELETE FROM sqm.audit_event$$), '42501', 'a coordinator cannot delete from the audit trail');
SELECT is(pg_temp.as_role('tst_coordinator_a', $$TRUNCATE sqm.audit_event$$), '42501', 'a coordinator cannot truncate the audit trail');
SELECT is(pg_temp.as_role('tst_coordinator_a', format($$INSERT INTO sqm.membership VALUES (%s, 'x', false, 'auditor', NULL)$$, :a)),
          '42501', 'membership is written only through sqm.grant_membership');
SELECT is(pg_temp.as_role('tst_coordinator_a', format($$UPDATE sqm.organisation SET code = 'KS' WHERE org_id = %s$$, :a)),
          '42501', 'organisations are not written directly');
SELECT is((SELECT count(*) FROM information_schema.role_table_grants
            WHERE table_schema = 'sqm' AND grantee LIKE 'sqm\_%'
              AND privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE')), 0::bigint,
          'no sqm role has INSERT, UPDATE, DELETE or TRUNCATE on any table');
SELECT is((SELECT count(*) FROM information_schema.column_privileges
            WHERE table_schema = 'sqm' AND grantee LIKE 'sqm\_%' AND privilege_type IN ('INSERT', 'UPDATE')), 0::bigint,
          'nor on any column');

-- ------------------------------------------------------------ A sees nothing of B
SELECT is(pg_temp.count_as('tst_coordinator_a', format('SELECT count(*) FROM %s WHERE org_id = %s', t, :b)), 0::bigint,
          format('a coordinator of A sees no row of B in %s', t))
  FROM unnest(ARRAY['sqm.organisation', 'sqm.unit', 'sqm.unit_version', 'sqm.unit_succession', 'sqm.membership',
                    'sqm.deviation', 'sqm.measure', 'sqm.deviation_type', 'sqm.audit_event',
                    'sqm.stat_period', 'sqm.stat_deviation_summary', 'sqm.stat_deviation_per_type',
                    'sqm.stat_deviation_per_unit']) t;
SELECT is(pg_temp.as_role('tst_coordinator_a', format($$SELECT count(*) FROM sqm.deviations_per_unit(%s, '2025')$$, :b)),
          '42704', 'the per-unit report of B is refused to A as if B did not exist');
SELECT is(pg_temp.count_as('tst_coordinator_b', format('SELECT count(*) FROM sqm.deviation WHERE org_id = %s', :b)), 1::bigint,
          'B''s coordinator sees B''s deviation');

-- every API function refuses B's objects to A
SELECT is(pg_temp.as_role('tst_coordinator_a', format(q, :b, :dev_b1, :b1, :mea_b1)), '42501', format('A''s coordinator: %s is refused', left(q, 40)))
  FROM unnest(ARRAY[
    $$SELECT sqm.report_deviation(%s, %3$s, 'SoL', now(), 'x', '{info}') -- %2$s %4$s$$,
    $$SELECT sqm.triage_deviation(%s, %s, 'reported', 'low') -- %s %s$$,
    $$SELECT sqm.move_object('deviation', %s, %s, 'triaged', 'investigating') -- %s %s$$,
    $$SELECT sqm.record_deviation_summary(%s, %s, 'investigating', 'x') -- %s %s$$,
    $$SELECT sqm.withdraw_deviation(%s, %s, 'triaged', 'x') -- %s %s$$,
    $$SELECT sqm.reclassify_deviation(%s, %s, 'triaged', %2$s) -- %3$s %4$s$$,
    $$SELECT sqm.escalate_deviation(%s, %s, 'triaged', '{"reporter_name": "x", "reporter_title": "y"}') -- %s %s$$,
    $$SELECT sqm.close_deviation(%s, %s, 'investigating', 'x') -- %s %s$$,
    $$SELECT sqm.plan_measure(%s, 'deviation', %s, 'x', 'y', '2025-04-01', '2025-05-01') -- %s %s$$,
    $$SELECT sqm.complete_measure(%s, %4$s, 'in_progress') -- %2$s %3$s$$,
    $$SELECT sqm.evaluate_measure(%s, %4$s, 'done', 'yes') -- %2$s %3$s$$,
    $$SELECT sqm.cancel_measure(%s, %4$s, 'planned', 'x') -- %2$s %3$s$$,
    $$SELECT sqm.move_object('measure', %s, %4$s, 'planned', 'in_progress') -- %2$s %3$s$$,
    $$SELECT sqm.add_deviation_type(%s, 'ny', 'Ny', 'New', '2025-01-01') -- %s %s %s$$,
    $$SELECT sqm.end_deviation_type(%s, 'info', '2025-12-31') -- %s %s %s$$,
    $$SELECT sqm.grant_membership(%s, 'tst_coordinator_a', 'quality_coordinator') -- %s %s %s$$]) q;
SELECT is((SELECT state FROM sqm.deviation WHERE id = :dev_b1), 'triaged', 'B''s deviation is unchanged');

-- ------------------------------------------------------------ units, roles, actors
SELECT is(pg_temp.count_as('tst_manager_a1', format('SELECT count(*) FROM sqm.deviation WHERE org_id = %s', :a)), 1::bigint,
          'a unit manager sees the deviations of their unit only');
SELECT is(pg_temp.as_role('tst_manager_a1', format($$SELECT sqm.triage_deviation(%s, %s, 'reported', 'low')$$, :a, :dev_a2)),
          '42704', 'a unit manager cannot triage another unit''s deviation: to them it does not exist (42704)');
SELECT is(pg_temp.as_role('tst_manager_a1', format($$SELECT sqm.triage_deviation(%s, %s, 'reported', 'low')$$, :a, :dev_a1)),
          'ok', 'a unit manager triages their unit''s deviation');
SELECT is(pg_temp.as_role('tst_reporter_a1', format($$SELECT sqm.report_deviation(%s, %s, 'SoL', '2025-03-01', 'x', '{info}')$$, :a, :a1)),
          'ok', 'a reporter reports for their unit');
SELECT is(pg_temp.as_role('tst_reporter_a1', format($$SELECT sqm.report_deviation(%s, %s, 'SoL', '2025-03-01', 'x', '{info}')$$, :a, :a2)),
          '42501', 'a reporter cannot report for another unit');
SELECT is(pg_temp.as_role('tst_reporter_a1', format($$SELECT sqm.triage_deviation(%s, %s, 'triaged', 'low')$$, :a, :dev_a1)),
          '42501', 'a reporter cannot triage (no EXECUTE)');
SELECT is(pg_temp.count_as('tst_reporter_a1', format('SELECT max(id) FROM sqm.deviation WHERE org_id = %s HAVING count(*) = 1', :a)),
          (SELECT d.id FROM sqm.deviation_detail d WHERE d.org_id = :a AND d.reported_by = 'tst_reporter_a1'),
          'a reporter sees only their own report: that one row, not another report of their unit');
SELECT is(pg_temp.as_role('tst_reader_a', format('SELECT description FROM sqm.deviation_detail WHERE org_id = %s', :a)), '42501',
          'a report reader cannot read free text');
SELECT is(pg_temp.as_role('tst_reader_a', format('SELECT reported_by FROM sqm.deviation_detail WHERE org_id = %s', :a)), '42501',
          'a report reader cannot read who reported');
SELECT is(pg_temp.count_as('tst_reader_a', format($$SELECT sum(reports) FROM sqm.stat_deviation_summary
                                                     WHERE org_id = %s AND period_kind = 'year'$$, :a)), 3::bigint,
          'a report reader reads the statistics');
SELECT is(pg_temp.as_role('tst_reader_a', 'SELECT * FROM sqm.audit_event'), '42501', 'a report reader cannot read the audit trail');
SELECT is(pg_temp.count_as('tst_auditor_a', format('SELECT count(*) FROM sqm.audit_event WHERE org_id = %s', :a)) > 0, true,
          'an auditor reads the audit trail of their organisation');

-- an app asserts its end user in sqm.actor; the GUC alone grants nothing
SET LOCAL sqm.actor = 'anna';
SELECT is(pg_temp.as_role('tst_app', format($$SELECT sqm.triage_deviation(%s, %s, 'reported', 'low')$$, :a, :dev_a2)),
          'ok', 'an app acting for anna (unit manager of A2) triages an A2 deviation');
SELECT is((SELECT actor FROM sqm.audit_event WHERE object_id = :dev_a2 ORDER BY seq DESC LIMIT 1), 'anna', 'the audit names anna');
SELECT is((SELECT db_role FROM sqm.audit_event WHERE object_id = :dev_a2 ORDER BY seq DESC LIMIT 1), 'tst_app',
          'and the database role the access checks used (the SET ROLE target, not the session user)');
SELECT is(pg_temp.as_role('tst_app', format($$SELECT sqm.move_object('deviation', %s, %s, 'reported', 'withdrawn')$$, :a, :dev_a1)),
          '42704', 'anna has no role for A1: its deviation does not exist for her (42704)');
SELECT is(pg_temp.as_role('tst_outsider', format($$SELECT sqm.may(%s, %s, 'triage')$$, :a, :a2)),
          '42501', 'a role outside sqm cannot even ask');
SELECT is(pg_temp.as_role('tst_reporter_a1', format($$SELECT sqm.report_deviation(%s, %s, 'SoL', '2025-03-01', 'x', '{info}')$$, :a, :a2)),
          '42501', 'sqm.actor names a unit manager, but a non-app role gets nothing from it');
RESET sqm.actor;

SELECT * FROM finish();
ROLLBACK;
